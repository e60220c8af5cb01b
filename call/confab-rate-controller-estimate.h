/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The receiving half of congestion control: what bitrate the path from
 * the other side carries, estimated from the video packets as they arrive
 * and sent back to the sender as REMB (confab_rtcp_write_remb()), the way
 * browsers' receive-side GCC does. It does not wait for RTCP receiver
 * reports, which GStreamer's rtpsession stops sending while it sends early
 * feedback (a PLI after each loss): on a congested path the sender would
 * otherwise hear nothing for as long as the congestion lasts.
 *
 * The signal, judged every tick (~500 ms), is queueing delay: each
 * frame's first packet's arrival time minus its RTP timestamp, above the
 * lowest seen, the median of a tick's frames: a bottleneck's queue raises
 * it for every frame, where encoder jitter or a busy CPU raise it for a
 * few. Loss (from the sequence numbers)
 * counts only when it is massive (over CONFAB_ESTIMATE_LOSS_HIGH, and
 * CONFAB_ESTIMATE_LOSS_JUMP over its running average: a queue
 * overflowing, not a path that always loses that much; in a tick of
 * CONFAB_ESTIMATE_LOSS_MIN_PACKETS or more): as in GCC,
 * moderate loss is the sender's to judge, from the receiver reports. Overuse (the median delay over
 * CONFAB_ESTIMATE_QUEUE_HIGH_MS over a tick, or that loss) sets the
 * estimate to 0.85 × the rate that arrived;
 * otherwise it grows 8% a second (15% after 5 s without overuse, as the
 * sender does), and it is never more than 1.5 × what
 * arrives, as in GCC's remote rate controller (an encoder undershoots its
 * target: a closer bound would pull the estimate down, round after round). Before the first overuse
 * there is no estimate: the path has not said it is the limit.
 *
 * Plain data, no clock: the tests feed made-up arrivals.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CONFAB_ESTIMATE_QUEUE_HIGH_MS 20.0
#define CONFAB_ESTIMATE_QUEUE_LOW_MS 8.0
#define CONFAB_ESTIMATE_LOSS_HIGH 0.25
#define CONFAB_ESTIMATE_LOSS_JUMP 0.15
/* Fewer packets in a tick say little: 20% random loss over 10 to 15
 * packets read anywhere from 10 to 80%, and the REMB those figures cut
 * held a call at 20% loss at the 100 kbit/s floor. */
#define CONFAB_ESTIMATE_LOSS_MIN_PACKETS 40
/* Frames per tick we keep a delay sample of (60 fps for 1 s). */
#define CONFAB_ESTIMATE_MAX_SAMPLES 64

typedef struct
{
  guint clock_rate;
  /* Delay */
  gboolean have_frame;
  guint32 last_timestamp;
  gint64 ext_timestamp; /* unwrapped */
  gboolean have_min;
  double min_delay_ms;
  double queue_ms[CONFAB_ESTIMATE_MAX_SAMPLES]; /* this tick's, one per frame */
  guint queue_samples;
  /* Loss */
  gboolean have_seq;
  gint64 ext_seq;        /* highest, unwrapped */
  gint64 tick_first_seq; /* the highest at the start of the tick */
  guint64 tick_received;
  double loss_average; /* of the ticks, over about 5 s */
  /* Rate: every packet from the peer */
  guint64 tick_bytes;
  gint64 tick_start;
  /* The estimate */
  double estimate_bps; /* 0: none yet */
  guint high_ticks;
  gint64 last_decrease;
  double last_queue_ms, last_loss, last_rate_bps; /* of the last tick, for the log */
} ConfabRateEstimate;

void confab_rate_estimate_init (ConfabRateEstimate *estimate, guint clock_rate);

/* A packet of the video stream the estimate is about, arrived at @arrival
 * (monotonic microseconds). */
void confab_rate_estimate_media (ConfabRateEstimate *estimate, gint64 arrival, guint16 seq,
                                 guint32 timestamp, gsize size);
/* Any other packet from the peer (audio, FEC repair): counts toward the rate. */
void confab_rate_estimate_other (ConfabRateEstimate *estimate, gsize size);

/* The median of @n @values (which it sorts); 0 for none. */
double confab_rate_median (double *values, guint n);

/* Judges the tick that ends at @now; returns the estimate in bits per
 * second, 0 while there is none. */
guint64 confab_rate_estimate_tick (ConfabRateEstimate *estimate, gint64 now);

G_END_DECLS
