/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-packet-sink-private.h"

struct _ConfabPacketSink
{
  gatomicrefcount ref;
  GCallback func;
  gpointer user_data;
  GDestroyNotify destroy;
};

ConfabPacketSink *
confab_packet_sink_new (ConfabPacketSinkFunc func, gpointer user_data, GDestroyNotify destroy)
{
  return confab_packet_sink_new_full ((GCallback) func, user_data, destroy);
}

ConfabPacketSink *
confab_packet_sink_new_full (GCallback func, gpointer user_data, GDestroyNotify destroy)
{
  if (!func)
    {
      if (destroy)
        destroy (user_data);
      return NULL;
    }
  ConfabPacketSink *sink = g_new0 (ConfabPacketSink, 1);
  g_atomic_ref_count_init (&sink->ref);
  sink->func = func;
  sink->user_data = user_data;
  sink->destroy = destroy;
  return sink;
}

ConfabPacketSink *
confab_packet_sink_ref (ConfabPacketSink *sink)
{
  g_atomic_ref_count_inc (&sink->ref);
  return sink;
}

void
confab_packet_sink_unref (ConfabPacketSink *sink)
{
  if (!g_atomic_ref_count_dec (&sink->ref))
    return;
  if (sink->destroy)
    sink->destroy (sink->user_data);
  g_free (sink);
}

void
confab_packet_sink_call (ConfabPacketSink *sink, const guint8 *data, gsize size)
{
  ((ConfabPacketSinkFunc) sink->func) (data, size, sink->user_data);
}

GCallback
confab_packet_sink_get_func (ConfabPacketSink *sink)
{
  return sink->func;
}

gpointer
confab_packet_sink_get_user_data (ConfabPacketSink *sink)
{
  return sink->user_data;
}

ConfabPacketSink *
confab_packet_sink_dup (ConfabPacketSink **slot, GMutex *lock)
{
  g_mutex_lock (lock);
  ConfabPacketSink *sink = *slot ? confab_packet_sink_ref (*slot) : NULL;
  g_mutex_unlock (lock);
  return sink;
}

void
confab_packet_sink_replace (ConfabPacketSink **slot, ConfabPacketSink *sink, GMutex *lock)
{
  g_mutex_lock (lock);
  ConfabPacketSink *old = *slot;
  *slot = sink;
  g_mutex_unlock (lock);
  if (old)
    confab_packet_sink_unref (old);
}
