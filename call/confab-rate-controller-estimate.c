/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-rate-controller-estimate.h"

#include "confab-rate-controller.h"

#include <stdlib.h>
#include <string.h>

/* The running average of the loss takes this much of each tick's: about
 * ten ticks, 5 s. */
#define LOSS_AVERAGE_WEIGHT 0.1
/* The lowest delay drifts up toward what is measured over this long (a
 * path that got longer for good, or clocks that drift apart). */
#define MIN_DELAY_FORGET_US (30 * G_USEC_PER_SEC)
#define HIGH_TICKS 1
#define MAX_OVER_INCOMING 1.5

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

double
confab_rate_median (double *values, guint n)
{
  if (n == 0)
    return 0;
  qsort (values, n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

void
confab_rate_estimate_init (ConfabRateEstimate *estimate, guint clock_rate)
{
  g_return_if_fail (clock_rate > 0);

  memset (estimate, 0, sizeof *estimate);
  estimate->clock_rate = clock_rate;
}

void
confab_rate_estimate_media (ConfabRateEstimate *e, gint64 arrival, guint16 seq, guint32 timestamp,
                            gsize size)
{
  e->tick_bytes += size;
  e->tick_received++;

  if (!e->have_seq)
    {
      e->have_seq = TRUE;
      e->ext_seq = seq;
      e->tick_first_seq = seq - 1;
    }
  else
    {
      gint16 step = (gint16) (seq - (guint16) e->ext_seq);
      if (step > 0)
        e->ext_seq += step;
    }

  /* One delay sample per frame, from its first packet to arrive: the
   * others wait behind it at any bottleneck, whatever the queue. */
  if (e->have_frame && timestamp == e->last_timestamp)
    return;
  if (!e->have_frame)
    e->ext_timestamp = timestamp;
  else
    {
      gint32 step = (gint32) (timestamp - e->last_timestamp);
      if (step < 0)
        return; /* a late frame */
      e->ext_timestamp += step;
    }
  e->have_frame = TRUE;
  e->last_timestamp = timestamp;

  double delay_ms = arrival / 1000.0 - e->ext_timestamp * 1000.0 / e->clock_rate;
  if (!e->have_min || delay_ms < e->min_delay_ms)
    {
      e->have_min = TRUE;
      e->min_delay_ms = delay_ms;
    }
  if (e->queue_samples < CONFAB_ESTIMATE_MAX_SAMPLES)
    e->queue_ms[e->queue_samples++] = delay_ms - e->min_delay_ms;
}

void
confab_rate_estimate_other (ConfabRateEstimate *estimate, gsize size)
{
  estimate->tick_bytes += size;
}

guint64
confab_rate_estimate_tick (ConfabRateEstimate *e, gint64 now)
{
  gint64 elapsed = e->tick_start ? now - e->tick_start : 0;
  gint64 expected = e->ext_seq - e->tick_first_seq;

  if (elapsed <= 0)
    {
      e->tick_start = now;
      e->tick_bytes = 0;
      return (guint64) e->estimate_bps;
    }

  double rate = e->tick_bytes * 8.0 * G_USEC_PER_SEC / elapsed;
  double loss = expected > 0 ? 1 - MIN ((double) e->tick_received / expected, 1.0) : 0;
  double queue = confab_rate_median (e->queue_ms, e->queue_samples);

  if (e->queue_samples && queue > CONFAB_ESTIMATE_QUEUE_HIGH_MS)
    e->high_ticks++;
  else
    e->high_ticks = 0;

  gboolean may_decrease
      = !e->last_decrease || now - e->last_decrease >= CONFAB_RATE_DECREASE_INTERVAL_US;
  /* Mostly delay, as GCC's delay-based controller: moderate loss is the
   * sender's to judge, from receiver reports after FEC (random loss is no
   * queue, and cutting the rate for it only costs frames). Only a loss no
   * random path has, a queue overflowing, counts here. */
  gboolean overflowing
      = expected >= CONFAB_ESTIMATE_LOSS_MIN_PACKETS
        && loss > MAX (CONFAB_ESTIMATE_LOSS_HIGH, e->loss_average + CONFAB_ESTIMATE_LOSS_JUMP);
  if (expected > 0)
    e->loss_average += (loss - e->loss_average) * LOSS_AVERAGE_WEIGHT;
  /* What the path showed it carries: over the last two ticks, as a
   * tick's arrivals swing with the frames in it (a key frame, or the
   * packets a lossy path took) by half either way. */
  double shown = MAX (rate, e->last_rate_bps);
  if ((e->high_ticks >= HIGH_TICKS || overflowing) && may_decrease && rate > 0)
    {
      e->estimate_bps = CONFAB_RATE_DELAY_DECREASE * rate;
      e->last_decrease = now;
      e->high_ticks = 0;
    }
  else if (e->estimate_bps > 0 && queue < CONFAB_ESTIMATE_QUEUE_LOW_MS)
    {
      /* As fast as the sender may grow: slower, the estimate would hold
       * it back after a bottleneck went away. */
      double per_second = now - e->last_decrease >= CONFAB_RATE_QUIET_US
                              ? CONFAB_RATE_INCREASE_QUIET
                              : CONFAB_RATE_INCREASE;
      double grown
          = e->estimate_bps * (1 + per_second * MIN (elapsed, G_USEC_PER_SEC) / G_USEC_PER_SEC);
      e->estimate_bps = MAX (e->estimate_bps, MIN (grown, MAX_OVER_INCOMING * shown));
    }
  /* Never far above what arrives: an estimate the path has not shown
   * would let the sender ram the queue before the next overuse. */
  if (e->estimate_bps > 0 && shown > 0)
    e->estimate_bps = MIN (e->estimate_bps, MAX_OVER_INCOMING * shown);

  /* The lowest delay forgets slowly. */
  if (e->have_min && e->queue_samples)
    e->min_delay_ms += queue * MIN (elapsed, MIN_DELAY_FORGET_US) / MIN_DELAY_FORGET_US;

  e->last_queue_ms = queue;
  e->last_loss = loss;
  e->last_rate_bps = rate;
  e->tick_start = now;
  e->tick_bytes = 0;
  e->tick_received = 0;
  e->tick_first_seq = e->ext_seq;
  e->queue_samples = 0;
  return (guint64) e->estimate_bps;
}
