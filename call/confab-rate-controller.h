/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Congestion control of the video: what bitrate the encoder may use,
 * decided from what the other side reports. Plain data and arithmetic, no
 * GObject and no clock: ConfabCall feeds it every ~500 ms from the stream
 * statistics and applies the target with
 * confab_call_pipeline_set_video_bitrate(); the tests feed it made-up
 * sequences (tests/call/test-rate-controller.c).
 *
 * The signals, each optional:
 * - loss, from RTCP receiver reports, by GCC's rule
 *   (draft-ietf-rmcat-gcc-02 section 6): over 10% the target drops to
 *   target × (1 − 0.5 × loss); under 2% it grows 8% a second; in between
 *   it holds.
 * - delay: the round trip from RTCP SR/RR above the lowest seen (a queue
 *   building at a bottleneck, before it overflows into loss) cuts the
 *   target by 15%, as GCC's delay-based estimate does on overuse.
 * - REMB from a browser caps the target at what the browser estimates.
 * A call may start lower than the maximum and grow 50% a second until the
 * first cut or limiting REMB (moderate loss does not hold it) (GCC's start-up: libwebrtc starts at
 * 300 kbit/s and probes up): starting at the maximum, a 500 kbit/s link took 2.8 times what it
 * carries for 2 s, and dropped half of it. After 5 s without any sign of congestion it grows faster
 * (15% a second); after a cut, growth is slower (3% a second) near the rate where congestion last
 * showed, and never faster than 8% a second up to 15% over it (a run of cuts within 10 s counts
 * as congestion at the highest of them), so the target does not ram the same queue again at full
 * speed. Cuts come at most once a
 * second: the loss figure covers 1 to 2 s and the round trip follows the reports. The target stays
 * within [min, max].
 *
 * Random loss is no congestion: when cuts took the target under 80% of where they began and, 2.5 s
 * later (the loss figure's delay), the loss stayed (at least 70% of what it was, and no more than
 * 50%), with no queue in the round trip, that loss is taken as the path's own: the target goes back
 * to where the cuts began, and from then on the loss rule counts only the loss above it (which
 * follows the reports while they stay within 10% of it). Cutting for it would only cost frames: at
 * 20% random loss the cuts took the video to the 100 kbit/s floor and 15 frames a second, where
 * Chromium kept its rate. A real bottleneck's loss falls as the rate does.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Over this loss (a fraction) the target drops; under the second it grows. */
#define CONFAB_RATE_LOSS_HIGH 0.10
#define CONFAB_RATE_LOSS_LOW 0.02
/* Growth per second, away from and near the last congestion. */
#define CONFAB_RATE_INCREASE 0.08
#define CONFAB_RATE_INCREASE_NEAR 0.03
/* ... and after CONFAB_RATE_QUIET_US without any sign of congestion (no
 * cut, no REMB well below the target): the path has room, and without probing
 * (as browsers do) 8% a second would take half a minute to refill it. */
#define CONFAB_RATE_INCREASE_QUIET 0.15
#define CONFAB_RATE_QUIET_US (5 * G_USEC_PER_SEC)
/* ... and from the start until the first sign of congestion. */
#define CONFAB_RATE_INCREASE_START 0.5
/* The cut when the round trip grows. */
#define CONFAB_RATE_DELAY_DECREASE 0.85
/* The round trip this far above the lowest seen is a queue building. */
#define CONFAB_RATE_DELAY_THRESHOLD_MS 30.0
#define CONFAB_RATE_DECREASE_INTERVAL_US G_USEC_PER_SEC

typedef struct
{
  double loss;      /* fraction of our video the peer reports lost, 0..1; < 0 unknown */
  double rtt_ms;    /* 0: unknown, or no new sample since the last update */
  guint64 remb_bps; /* the peer's latest REMB, 0: none (or too old) */
} ConfabRateFeedback;

typedef enum
{
  CONFAB_RATE_HOLD,
  CONFAB_RATE_INCREASE_TARGET,
  CONFAB_RATE_DECREASE_LOSS,
  CONFAB_RATE_DECREASE_DELAY,
  CONFAB_RATE_LIMIT_REMB,
  CONFAB_RATE_LOSS_LEARNED, /* the loss is the path's own: the cuts made for it are undone */
} ConfabRateDecision;

typedef struct
{
  guint min_kbps, max_kbps;
  double target_kbps;
  gint64 last_update;    /* 0 before the first */
  gint64 last_decrease;  /* 0: none yet */
  gint64 last_signal;    /* the last cut or limiting REMB, 0: none yet */
  double congested_kbps; /* the target when congestion last showed, 0: none */
  gint64 congested_time; /* the last cut, 0: none */
  double min_rtt_ms;     /* the lowest round trip seen, 0: none */
  guint overuse_count;   /* round-trip samples in a row that were high */
  gboolean starting;     /* no sign of congestion yet since a start below the maximum */
  /* Loss the path has whatever the rate (a radio link's): the loss rule
   * judges only what comes on top of it. Learned from a run of loss cuts
   * that did not bring the loss down. */
  double inherent_loss;
  gint64 series_start; /* the first high loss of the run, 0: none */
  double series_kbps;  /* the target then */
  double series_loss;  /* the loss then */
  gint64 series_under; /* when the cuts took the target under 80% of series_kbps, 0: not yet */
} ConfabRateController;

/* Starts at @max_kbps: the configured rate, until a report says otherwise. */
void confab_rate_controller_init (ConfabRateController *controller, guint min_kbps, guint max_kbps);

/* Starts at @kbps instead (within [min, max]) at @now, growing at
 * CONFAB_RATE_INCREASE_START until the path pushes back. Before the first
 * update. */
void confab_rate_controller_start_at (ConfabRateController *controller, gint64 now, guint kbps);

/* Takes @feedback in at @now (monotonic microseconds); the new target is
 * confab_rate_controller_get_target_kbps(). */
ConfabRateDecision confab_rate_controller_update (ConfabRateController *controller, gint64 now,
                                                  const ConfabRateFeedback *feedback);

guint confab_rate_controller_get_target_kbps (const ConfabRateController *controller);

const char *confab_rate_decision_to_string (ConfabRateDecision decision);

G_END_DECLS
