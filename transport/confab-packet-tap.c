/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-packet-tap.h"

#include "confab-packet-sink-private.h"

struct _ConfabPacketTap
{
  ConfabPacketLayer parent_instance;

  GMutex lock;
  ConfabPacketTapStats stats;
  ConfabPacketSink *copies; /* a ConfabPacketTapFunc, or NULL */
};

G_DEFINE_FINAL_TYPE (ConfabPacketTap, confab_packet_tap, CONFAB_TYPE_PACKET_LAYER)

/* Counts the packet and hands out its copy before passing it on, so a
 * capture sees packets in the order they went through. */
static void
tap (ConfabPacketTap *self, gboolean sent, const guint8 *data, gsize size)
{
  g_mutex_lock (&self->lock);
  if (sent)
    {
      self->stats.packets_sent++;
      self->stats.bytes_sent += size;
    }
  else
    {
      self->stats.packets_received++;
      self->stats.bytes_received += size;
    }
  g_mutex_unlock (&self->lock);

  ConfabPacketSink *copies = confab_packet_sink_dup (&self->copies, &self->lock);
  if (!copies)
    return;
  g_autoptr (GBytes) packet = g_bytes_new (data, size);
  ConfabPacketTapFunc func = (ConfabPacketTapFunc) confab_packet_sink_get_func (copies);
  func (sent, packet, confab_packet_sink_get_user_data (copies));
  confab_packet_sink_unref (copies);
}

static void
confab_packet_tap_send (ConfabPacketLayer *layer, const guint8 *data, gsize size)
{
  tap (CONFAB_PACKET_TAP (layer), TRUE, data, size);
  confab_packet_layer_send_down (layer, data, size);
}

static void
confab_packet_tap_receive (ConfabPacketLayer *layer, const guint8 *data, gsize size)
{
  tap (CONFAB_PACKET_TAP (layer), FALSE, data, size);
  confab_packet_layer_deliver_up (layer, data, size);
}

static void
confab_packet_tap_close (ConfabPacketLayer *layer)
{
  confab_packet_tap_set_func (CONFAB_PACKET_TAP (layer), NULL, NULL, NULL);
}

static void
confab_packet_tap_init (ConfabPacketTap *self)
{
  g_mutex_init (&self->lock);
}

static void
confab_packet_tap_finalize (GObject *object)
{
  ConfabPacketTap *self = CONFAB_PACKET_TAP (object);
  /* Closed, the copies went already; never in a path, they go now. */
  if (self->copies)
    confab_packet_sink_unref (self->copies);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (confab_packet_tap_parent_class)->finalize (object);
}

static void
confab_packet_tap_class_init (ConfabPacketTapClass *klass)
{
  ConfabPacketLayerClass *layer_class = CONFAB_PACKET_LAYER_CLASS (klass);
  layer_class->send = confab_packet_tap_send;
  layer_class->receive = confab_packet_tap_receive;
  layer_class->close = confab_packet_tap_close;
  G_OBJECT_CLASS (klass)->finalize = confab_packet_tap_finalize;
}

ConfabPacketTap *
confab_packet_tap_new (void)
{
  return g_object_new (CONFAB_TYPE_PACKET_TAP, NULL);
}

void
confab_packet_tap_set_func (ConfabPacketTap *self, ConfabPacketTapFunc func, gpointer user_data,
                            GDestroyNotify destroy)
{
  g_return_if_fail (CONFAB_IS_PACKET_TAP (self));

  confab_packet_sink_replace (&self->copies,
                              confab_packet_sink_new_full ((GCallback) func, user_data, destroy),
                              &self->lock);
}

void
confab_packet_tap_get_stats (ConfabPacketTap *self, ConfabPacketTapStats *stats)
{
  g_return_if_fail (CONFAB_IS_PACKET_TAP (self));
  g_mutex_lock (&self->lock);
  *stats = self->stats;
  g_mutex_unlock (&self->lock);
}
