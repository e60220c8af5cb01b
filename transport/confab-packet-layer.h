/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One layer of the packet path between the ICE session and the media
 * (see confab-packet-path.h): encryption, a loss simulator, a capture tap.
 *
 * A layer sees every packet going toward the network in send() and every
 * packet coming from it in receive(). It passes a packet on with
 * confab_packet_layer_send_down() / confab_packet_layer_deliver_up(),
 * changed or not, or drops it by not passing it on; it may also make
 * packets of its own (a handshake) and pass them either way at any time.
 * The defaults pass everything on unchanged.
 *
 * Threads: send() runs on GStreamer's streaming threads, receive() on
 * libnice's thread, both at once and with no lock of the path held, so a
 * layer guards its own state. The data is only valid during the call.
 * close() runs once, on the thread that closes the path or removes the
 * layer, possibly while another thread is still inside send() or
 * receive(); after it the path hands the layer nothing new, and what the
 * layer passes on is still delivered as long as the neighbour is open
 * (a layer can say goodbye to the network from close()).
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CONFAB_TYPE_PACKET_LAYER (confab_packet_layer_get_type ())
G_DECLARE_DERIVABLE_TYPE (ConfabPacketLayer, confab_packet_layer, CONFAB, PACKET_LAYER, GObject)

struct _ConfabPacketLayerClass
{
  GObjectClass parent_class;

  /* Toward the network. */
  void (*send) (ConfabPacketLayer *self, const guint8 *data, gsize size);
  /* Toward the media. */
  void (*receive) (ConfabPacketLayer *self, const guint8 *data, gsize size);
  /* Once, when the path closes (top layer first) or the layer is removed. */
  void (*close) (ConfabPacketLayer *self);

  gpointer padding[8];
};

/* Pass a packet to the layer below (dropped if there is none or it is
 * closed, or if this layer is not in a path). */
void confab_packet_layer_send_down (ConfabPacketLayer *self, const guint8 *data, gsize size);
/* Pass a packet to the layer above, or to the media above the top layer. */
void confab_packet_layer_deliver_up (ConfabPacketLayer *self, const guint8 *data, gsize size);

/* Thread-safe. */
gboolean confab_packet_layer_is_closed (ConfabPacketLayer *self);

G_END_DECLS
