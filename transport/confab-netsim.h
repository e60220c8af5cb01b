/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The path simulator (--netsim SPEC, confab-netsim-spec.h): a packet layer
 * that impairs what goes over the wire. ConfabCall puts it right above the
 * ICE layer, below the encryption, so it loses, delays and queues the
 * encrypted packets as a bad network would, DTLS handshake included.
 *
 * It impairs both directions, each with its own model from the one spec:
 * what this side sends and what it receives. One side's --netsim is thus a
 * bad link at that side; when both sides give one, the impairments add up
 * (loss=10% on both: about 19% each way).
 *
 * Loss alone is decided on the packet's thread. Delay, jitter and a rate
 * cap hold the packets in a queue per direction, released by a timer on
 * the layer's own thread and GMainContext (started with the first held
 * packet); a packet that would wait longer than the spec's queue limit
 * behind the rate cap is dropped. Nothing ever blocks. Held packets toward
 * the network are sent at once when the layer closes (so that the
 * encryption's close_notify still leaves), those toward the media dropped.
 */
#pragma once

#include "confab-netsim-spec.h"
#include "confab-packet-layer.h"

G_BEGIN_DECLS

typedef struct
{
  guint64 passed;  /* packets that went through */
  guint64 lost;    /* by the loss model */
  guint64 overrun; /* dropped by the rate cap's full queue */
  guint64 bytes_passed;
  gint64 delay_sum_us; /* what the passed packets spent in the path, summed */
} ConfabNetsimDirectionStats;

typedef struct
{
  ConfabNetsimDirectionStats sent;     /* toward the network */
  ConfabNetsimDirectionStats received; /* toward the media */
} ConfabNetsimStats;

#define CONFAB_TYPE_NETSIM (confab_netsim_get_type ())
G_DECLARE_FINAL_TYPE (ConfabNetsim, confab_netsim, CONFAB, NETSIM, ConfabPacketLayer)

ConfabNetsim *confab_netsim_new (const ConfabNetsimSpec *spec) G_GNUC_WARN_UNUSED_RESULT;

/* Thread-safe, any time (tests lift a rate cap mid-call): packets already
 * held keep their departure times; the random sequences carry on. */
void confab_netsim_set_spec (ConfabNetsim *self, const ConfabNetsimSpec *spec);
void confab_netsim_get_spec (ConfabNetsim *self, ConfabNetsimSpec *spec);

/* Thread-safe. */
void confab_netsim_get_stats (ConfabNetsim *self, ConfabNetsimStats *stats);

G_END_DECLS
