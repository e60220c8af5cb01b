/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-media-meters.h"

#include <math.h>

void
confab_rate_meter_add (ConfabRateMeter *meter, gint64 now, guint64 amount)
{
  gint64 epoch = now / CONFAB_RATE_BUCKET_US;
  guint i = (guint) (epoch % CONFAB_RATE_BUCKETS);

  if (meter->first == 0)
    meter->first = now;
  if (meter->epochs[i] != epoch)
    {
      meter->epochs[i] = epoch;
      meter->amounts[i] = 0;
    }
  meter->amounts[i] += amount;
}

double
confab_rate_meter_get (const ConfabRateMeter *meter, gint64 now)
{
  gint64 epoch = now / CONFAB_RATE_BUCKET_US;
  gint64 window_start = (epoch - CONFAB_RATE_WINDOW_BUCKETS) * CONFAB_RATE_BUCKET_US;
  gint64 window_end = epoch * CONFAB_RATE_BUCKET_US;
  guint64 sum = 0;

  if (meter->first == 0)
    return 0;
  window_start = MAX (window_start, meter->first);
  if (window_end - window_start < CONFAB_RATE_BUCKET_US)
    return 0;

  for (gint64 e = epoch - CONFAB_RATE_WINDOW_BUCKETS; e < epoch; e++)
    {
      guint i = (guint) (e % CONFAB_RATE_BUCKETS);

      if (meter->epochs[i] == e)
        sum += meter->amounts[i];
    }

  return (double) sum * G_USEC_PER_SEC / (double) (window_end - window_start);
}

void
confab_jitter_estimate_update (ConfabJitterEstimate *estimate, guint32 ssrc, guint32 rtp_time,
                               gint64 now, guint clock_rate)
{
  /* now * clock_rate / 1e6 without overflow, modulo 2^32 like the RTP
   * clock. */
  guint64 us = (guint64) MAX (now, 0);
  guint32 arrival = (guint32) ((us / G_USEC_PER_SEC) * clock_rate
                               + (us % G_USEC_PER_SEC) * clock_rate / G_USEC_PER_SEC);
  guint32 transit = arrival - rtp_time;
  gint32 d;

  if (!estimate->valid || estimate->ssrc != ssrc)
    {
      *estimate = (ConfabJitterEstimate){ .valid = TRUE, .ssrc = ssrc, .transit = transit };
      return;
    }

  d = (gint32) (transit - estimate->transit);
  estimate->transit = transit;
  estimate->jitter += (fabs ((double) d) - estimate->jitter) / 16;
}

double
confab_jitter_estimate_get_ms (const ConfabJitterEstimate *estimate, guint clock_rate)
{
  return clock_rate > 0 ? estimate->jitter * 1000 / clock_rate : 0;
}

gboolean
confab_audio_level_s16 (const gint16 *samples, gsize n, double *dbfs)
{
  double sum = 0;

  if (n == 0)
    return FALSE;

  for (gsize i = 0; i < n; i++)
    sum += (double) samples[i] * samples[i];
  *dbfs = 10 * log10 (sum / (32768.0 * 32768.0) / n);
  return TRUE;
}

void
confab_freeze_meter_add_frame (ConfabFreezeMeter *meter, gint64 now)
{
  gint64 last = meter->last;

  meter->last = now;
  if (last == 0 || now <= last)
    return;

  gint64 interval = now - last;
  if (meter->n_intervals >= CONFAB_FREEZE_MIN_INTERVALS)
    {
      gint64 average = meter->sum / meter->n_intervals;
      if (interval > MAX (3 * average, average + 150 * G_TIME_SPAN_MILLISECOND))
        {
          meter->freezes++;
          meter->freeze_us += interval;
        }
    }

  if (meter->n_intervals == CONFAB_FREEZE_WINDOW)
    meter->sum -= meter->intervals[meter->next];
  else
    meter->n_intervals++;
  meter->intervals[meter->next] = interval;
  meter->sum += interval;
  meter->next = (meter->next + 1) % CONFAB_FREEZE_WINDOW;
}

double
confab_freeze_meter_get_seconds (const ConfabFreezeMeter *meter)
{
  return meter->freeze_us / (double) G_USEC_PER_SEC;
}
