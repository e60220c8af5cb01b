/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A packet layer that lets everything through and counts it, packets and
 * bytes each way; optionally it hands a copy of each packet to a callback
 * (a capture). Where it sits in the path decides what it sees: above an
 * encryption layer, the clear packets; right above the ICE layer, what
 * goes over the wire.
 */
#pragma once

#include "confab-packet-layer.h"

G_BEGIN_DECLS

typedef struct
{
  guint64 packets_sent; /* toward the network */
  guint64 bytes_sent;
  guint64 packets_received; /* toward the media */
  guint64 bytes_received;
} ConfabPacketTapStats;

/* Called on the packet's thread (see confab-packet-layer.h) with a copy
 * the callback may keep (g_bytes_ref). @sent: toward the network. */
typedef void (*ConfabPacketTapFunc) (gboolean sent, GBytes *packet, gpointer user_data);

#define CONFAB_TYPE_PACKET_TAP (confab_packet_tap_get_type ())
G_DECLARE_FINAL_TYPE (ConfabPacketTap, confab_packet_tap, CONFAB, PACKET_TAP, ConfabPacketLayer)

ConfabPacketTap *confab_packet_tap_new (void) G_GNUC_WARN_UNUSED_RESULT;

/* Thread-safe, any time; NULL stops the copies. The previous @destroy runs
 * once no call to it is in flight. */
void confab_packet_tap_set_func (ConfabPacketTap *self, ConfabPacketTapFunc func,
                                 gpointer user_data, GDestroyNotify destroy);

/* Thread-safe. */
void confab_packet_tap_get_stats (ConfabPacketTap *self, ConfabPacketTapStats *stats);

G_END_DECLS
