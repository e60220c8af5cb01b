/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Adaptive FEC of the video: how many repair packets per 100 media packets
 * the FEC encoder adds, decided from what the other side reports. Plain
 * data and arithmetic, no GObject and no clock, like the congestion
 * controller (confab-rate-controller.h): ConfabCall feeds it every ~500 ms
 * from the stream statistics (confab-fec-controller-feed.h) and the tests
 * feed it made-up sequences (tests/call/test-fec-controller.c).
 *
 * The rule:
 * - the loss is the peer's RTCP fraction lost of our video, smoothed
 *   (rising quickly, falling slowly: one clean report after a lossy one
 *   is not a clean path); the round trip is smoothed as well;
 * - retransmission repairs a loss only when its answer can arrive before
 *   the packet is due for playout: with a round trip up to
 *   CONFAB_FEC_RTX_FULL_MS (and RTX negotiated) it takes most of the load,
 *   from the playout delay less a margin on it takes none, in between a
 *   share. What retransmission does not take, FEC carries;
 * - the delta-frame overhead is CONFAB_FEC_PROTECTION times that share of
 *   the loss (an XOR code over a few packets needs about three repair
 *   packets per lost one to rebuild most of them), within [0, max]; under
 *   CONFAB_FEC_CLEAN_LOSS it is 0;
 * - key frames, a lost packet of which freezes the picture until the next
 *   one, get twice the delta overhead plus CONFAB_FEC_KEY_EXTRA, and never
 *   less than CONFAB_FEC_KEY_MIN (a key frame every few seconds: about 1%
 *   of the packets on a clean path);
 * - hysteresis: the overhead rises at once (by at least
 *   CONFAB_FEC_STEP points), and falls only after CONFAB_FEC_HOLD_US
 *   without a rise, and only by a step of at least CONFAB_FEC_STEP (or to
 *   0), so that the figure does not flap with each report.
 * Before the first report it protects at CONFAB_FEC_INITIAL (the first key
 * frame and the first seconds, when nothing is known of the path).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Repair packets per 100 media packets per lost one, roughly. The loss the
 * peer reports is already lower than the path's: the packets its FEC
 * decoder rebuilt (in front of rtpsession) count as received in its
 * receiver reports (10% loss on the path read as 6-8% with 16% FEC). */
#define CONFAB_FEC_PROTECTION 4.0
/* Smoothed loss under this (a fraction) is a clean path: no delta FEC. */
#define CONFAB_FEC_CLEAN_LOSS 0.005
/* Share of the (reported) loss retransmission takes when its answer is in
 * time: little, since a retransmission or its NACK is lost as often, a
 * late one costs a frame, and the report already hides what FEC rebuilt.
 * (0.7 with 3 per lost packet, 9% at 10% path loss: about twice the
 * packets never recovered and freezes that 25% did not have, in 30 s
 * calls; 0.4, 16-18%: 7 freezes in 30 s where fixed 25% had none. 0.05
 * with 4 gives about 25% there, and a clean path nothing.) */
#define CONFAB_FEC_RTX_SHARE 0.05
/* Up to this round trip retransmission takes its full share; from the
 * playout delay less CONFAB_FEC_RTX_MARGIN_MS none. */
#define CONFAB_FEC_RTX_FULL_MS 40.0
#define CONFAB_FEC_RTX_MARGIN_MS 20.0
#define CONFAB_FEC_KEY_EXTRA 10
#define CONFAB_FEC_KEY_MIN 20
#define CONFAB_FEC_INITIAL 10
#define CONFAB_FEC_STEP 5
#define CONFAB_FEC_HOLD_US (3 * G_USEC_PER_SEC)
/* The loss's smoothing per report, rising and falling. */
#define CONFAB_FEC_SMOOTH_UP 0.5
#define CONFAB_FEC_SMOOTH_DOWN 0.2
/* The round trip's, per tick. */
#define CONFAB_FEC_SMOOTH_RTT 0.2

typedef struct
{
  double loss;   /* fraction of our video the peer reports lost, 0..1; < 0: no new report */
  double rtt_ms; /* 0: unknown */
} ConfabFecFeedback;

typedef struct
{
  guint max_pct;      /* the delta overhead's ceiling */
  gboolean rtx;       /* retransmission negotiated */
  double playout_ms;  /* how long the receiver waits for a late packet */
  double loss;        /* smoothed; < 0 before the first report */
  double rtt_ms;      /* the latest known, 0: unknown */
  guint overhead_pct; /* delta frames, as decided */
  guint key_overhead_pct;
  gint64 last_rise; /* 0: none yet */
} ConfabFecController;

/* @max_pct: at most this many repair packets per 100 (delta frames; key
 * frames up to 100); @rtx: whether retransmission was negotiated;
 * @playout_ms: the receiver's jitter-buffer delay. */
void confab_fec_controller_init (ConfabFecController *controller, guint max_pct, gboolean rtx,
                                 double playout_ms);

/* Takes @feedback in at @now (monotonic microseconds); TRUE when the
 * overheads changed. */
gboolean confab_fec_controller_update (ConfabFecController *controller, gint64 now,
                                       const ConfabFecFeedback *feedback);

guint confab_fec_controller_get_overhead (const ConfabFecController *controller);
guint confab_fec_controller_get_key_frame_overhead (const ConfabFecController *controller);

/* The share (0..1) of the loss retransmission repairs at @rtt_ms. */
double confab_fec_controller_rtx_share (const ConfabFecController *controller, double rtt_ms);

/* Opus: the packet-loss percentage to tell the encoder for @loss (the
 * peer's reported fraction of our audio, < 0 unknown) at @bitrate_kbps.
 * libopus 1.3 spends bits on in-band FEC (LBRR) only with a hint above 0,
 * at 24 kbit/s only from 10% (tools/bench/README.md), so the hint never
 * goes under what makes it work at that bitrate. */
guint confab_fec_controller_audio_loss_hint (double loss, guint bitrate_kbps);
/* The lowest Opus bitrate at which libopus 1.3 produces LBRR at all. */
#define CONFAB_FEC_OPUS_LBRR_MIN_KBPS 24

G_END_DECLS
