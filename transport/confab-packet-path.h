/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The packet path of a call: a stack of ConfabPacketLayers between the
 * media (above the top layer) and the network (the bottom layer, normally
 * a ConfabIceLayer). Packets from the media enter with
 * confab_packet_path_send() and go down layer by layer; packets from the
 * network go up from the bottom layer and leave through the deliver
 * function.
 *
 * Threads: send() may be called from any thread (GStreamer's streaming
 * threads), the bottom delivers on its own (libnice's); layers can be
 * added, removed or replaced from any thread while packets flow. The
 * path's lock only guards the stack: no lock of the path is held while a
 * layer or the deliver function runs, and each call holds a reference on
 * the layer it runs, so a removed layer lives until its last packet is
 * through. A packet a removed layer passes on after that is dropped.
 *
 * Closing runs every layer's close() once, top first, so that a layer
 * can still send its last packets through the layers below it.
 */
#pragma once

#include "confab-packet-layer.h"

G_BEGIN_DECLS

/* Called for every packet that leaves the top layer toward the media.
 * @data is only valid during the call. */
typedef void (*ConfabPacketDeliverFunc) (const guint8 *data, gsize size, gpointer user_data);

#define CONFAB_TYPE_PACKET_PATH (confab_packet_path_get_type ())
G_DECLARE_FINAL_TYPE (ConfabPacketPath, confab_packet_path, CONFAB, PACKET_PATH, GObject)

/* @bottom: the layer that talks to the network. A layer belongs to one
 * path, once: it cannot be added again after it was removed. */
ConfabPacketPath *confab_packet_path_new (ConfabPacketLayer *bottom) G_GNUC_WARN_UNUSED_RESULT;

/* Thread-safe; replaces the previous function, whose @destroy runs once no
 * packet is being delivered to it. Dropped by close. */
void confab_packet_path_set_deliver_func (ConfabPacketPath *self, ConfabPacketDeliverFunc func,
                                          gpointer user_data, GDestroyNotify destroy);

/* Adds @layer on top, next to the media. FALSE if the path is closed. */
gboolean confab_packet_path_push (ConfabPacketPath *self, ConfabPacketLayer *layer);
/* Adds @layer right above @below. FALSE if @below is not in the path or
 * the path is closed. */
gboolean confab_packet_path_insert_above (ConfabPacketPath *self, ConfabPacketLayer *layer,
                                          ConfabPacketLayer *below);
/* Takes @layer out and closes it. The bottom layer cannot be removed (it
 * can be replaced). FALSE if @layer is not in the path. */
gboolean confab_packet_path_remove (ConfabPacketPath *self, ConfabPacketLayer *layer);
/* Puts @layer where @old was and closes @old. FALSE if @old is not in the
 * path or the path is closed. */
gboolean confab_packet_path_replace (ConfabPacketPath *self, ConfabPacketLayer *old,
                                     ConfabPacketLayer *layer);

/* The layers, bottom first, each with a reference. */
GPtrArray *confab_packet_path_dup_layers (ConfabPacketPath *self) G_GNUC_WARN_UNUSED_RESULT;

/* A packet from the media, toward the network. Any thread; dropped once
 * the path is closed. */
void confab_packet_path_send (ConfabPacketPath *self, const guint8 *data, gsize size);

/* Closes every layer once, top first, and drops the deliver function.
 * Idempotent; disposing the path closes it too. Run it on the thread that
 * owns the bottom layer's transport (the ICE session's). */
void confab_packet_path_close (ConfabPacketPath *self);
gboolean confab_packet_path_is_closed (ConfabPacketPath *self);

G_END_DECLS
