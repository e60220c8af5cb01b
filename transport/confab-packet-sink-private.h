/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A packet callback that one thread may replace while another is calling
 * it: callers take a reference for the duration of the call, so the
 * destroy notify runs once, after the last call in flight has returned
 * (possibly on the thread that made it).
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef void (*ConfabPacketSinkFunc) (const guint8 *data, gsize size, gpointer user_data);

typedef struct _ConfabPacketSink ConfabPacketSink;

/* NULL when @func is NULL (then @destroy runs at once on @user_data). */
ConfabPacketSink *confab_packet_sink_new (ConfabPacketSinkFunc func, gpointer user_data,
                                          GDestroyNotify destroy) G_GNUC_WARN_UNUSED_RESULT;
ConfabPacketSink *confab_packet_sink_ref (ConfabPacketSink *sink);
void confab_packet_sink_unref (ConfabPacketSink *sink);
void confab_packet_sink_call (ConfabPacketSink *sink, const guint8 *data, gsize size);

/* Takes a reference on *@slot under @lock (NULL if it is NULL). */
ConfabPacketSink *confab_packet_sink_dup (ConfabPacketSink **slot, GMutex *lock);
/* Puts @sink (owned) in *@slot under @lock and releases the old one
 * outside it. */
void confab_packet_sink_replace (ConfabPacketSink **slot, ConfabPacketSink *sink, GMutex *lock);

/* For callbacks of another shape: @func is stored as given, and read
 * back (to be cast by the caller) with get_func. */
ConfabPacketSink *confab_packet_sink_new_full (GCallback func, gpointer user_data,
                                               GDestroyNotify destroy) G_GNUC_WARN_UNUSED_RESULT;
GCallback confab_packet_sink_get_func (ConfabPacketSink *sink);
gpointer confab_packet_sink_get_user_data (ConfabPacketSink *sink);

G_END_DECLS
