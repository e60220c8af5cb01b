/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rate meter, the RFC 3550 jitter estimate and the audio level, on
 * made-up clocks and samples: no pipeline. */
#include "config.h"

#include "confab-media-meters.h"

#include <math.h>

#define MS G_TIME_SPAN_MILLISECOND
/* A monotonic clock that has been running a while. */
#define T0 (1000 * G_USEC_PER_SEC)

static void
test_rate_empty (void)
{
  ConfabRateMeter meter = { 0 };

  g_assert_cmpfloat (confab_rate_meter_get (&meter, T0), ==, 0);
  confab_rate_meter_add (&meter, T0, 1000);
  /* Less than a whole bucket since the first amount: unknown. */
  g_assert_cmpfloat (confab_rate_meter_get (&meter, T0 + 50 * MS), ==, 0);
}

/* 100 bytes every 10 ms is 10000 bytes per second, once the window is
 * full, and while it fills. */
static void
test_rate_steady (void)
{
  ConfabRateMeter meter = { 0 };
  gint64 now = T0;

  for (; now < T0 + 3 * G_USEC_PER_SEC; now += 10 * MS)
    {
      confab_rate_meter_add (&meter, now, 100);
      if (now >= T0 + 300 * MS)
        g_assert_cmpfloat_with_epsilon (confab_rate_meter_get (&meter, now), 10000, 1000);
    }
  g_assert_cmpfloat_with_epsilon (confab_rate_meter_get (&meter, now), 10000, 1);
}

/* After a second of silence the rate is 0 again: old buckets do not count,
 * even where the ring reuses them. */
static void
test_rate_stops (void)
{
  ConfabRateMeter meter = { 0 };

  for (gint64 now = T0; now < T0 + G_USEC_PER_SEC; now += 10 * MS)
    confab_rate_meter_add (&meter, now, 100);
  g_assert_cmpfloat (confab_rate_meter_get (&meter, T0 + 2100 * MS), ==, 0);
  g_assert_cmpfloat (confab_rate_meter_get (&meter, T0 + 1600 * MS), >, 0);

  /* 1.6 s later (16 buckets) the first slot is reused: it holds the new
   * amount only, next to three old buckets still in the window. */
  confab_rate_meter_add (&meter, T0 + 1605 * MS, 500);
  g_assert_cmpfloat_with_epsilon (confab_rate_meter_get (&meter, T0 + 1700 * MS), 3 * 1000 + 500,
                                  1);
}

static void
test_jitter_steady (void)
{
  ConfabJitterEstimate estimate = { 0 };

  /* Packets every 20 ms, timestamps in step: no jitter. */
  for (guint i = 0; i < 100; i++)
    confab_jitter_estimate_update (&estimate, 1, 1000 + i * 960, T0 + i * 20 * MS, 48000);
  g_assert_cmpfloat (confab_jitter_estimate_get_ms (&estimate, 48000), <, 0.05);
}

/* Arrivals alternating 5 ms early and late: D is 10 ms each time, and the
 * estimate converges on it (J += (|D| - J) / 16). */
static void
test_jitter_alternating (void)
{
  ConfabJitterEstimate estimate = { 0 };

  for (guint i = 0; i < 400; i++)
    {
      gint64 offset = (i % 2 ? 5 : -5) * MS;

      confab_jitter_estimate_update (&estimate, 7, (guint32) (i * 3000), T0 + i * 33 * MS + offset,
                                     90000);
    }
  g_assert_cmpfloat_with_epsilon (confab_jitter_estimate_get_ms (&estimate, 90000), 10, 0.5);

  /* A new SSRC starts over. */
  confab_jitter_estimate_update (&estimate, 8, 0, T0, 90000);
  g_assert_cmpfloat (confab_jitter_estimate_get_ms (&estimate, 90000), ==, 0);
}

/* RTP timestamps wrap at 2^32: no jump in the estimate. */
static void
test_jitter_wrap (void)
{
  ConfabJitterEstimate estimate = { 0 };
  guint32 ts = G_MAXUINT32 - 5 * 960;

  for (guint i = 0; i < 20; i++, ts += 960)
    confab_jitter_estimate_update (&estimate, 1, ts, T0 + i * 20 * MS, 48000);
  g_assert_cmpfloat (confab_jitter_estimate_get_ms (&estimate, 48000), <, 0.05);
}

static void
test_level (void)
{
  gint16 samples[960] = { 0 };
  double dbfs;

  g_assert_false (confab_audio_level_s16 (samples, 0, &dbfs));

  g_assert_true (confab_audio_level_s16 (samples, G_N_ELEMENTS (samples), &dbfs));
  g_assert_true (isinf (dbfs) && dbfs < 0);

  /* Full-scale square wave: 0 dBFS. */
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    samples[i] = i % 2 ? -32768 : 32767;
  g_assert_true (confab_audio_level_s16 (samples, G_N_ELEMENTS (samples), &dbfs));
  g_assert_cmpfloat_with_epsilon (dbfs, 0, 0.01);

  /* A sine at 0.3 of full scale: 20 log10 (0.3 / sqrt 2) = -13.5 dBFS. */
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    samples[i] = (gint16) (0.3 * 32767 * sin (2 * G_PI * i / 48.0));
  g_assert_true (confab_audio_level_s16 (samples, G_N_ELEMENTS (samples), &dbfs));
  g_assert_cmpfloat_with_epsilon (dbfs, -13.47, 0.05);
}

/* 30 fps: a 100 ms gap is no freeze (below 3 × 33 ms + ... = 183 ms), a
 * 300 ms gap is one; frames before the fifth interval never count. */
static void
test_freeze (void)
{
  ConfabFreezeMeter meter = { 0 };
  gint64 t = 1000000;

  /* Too early to judge: a long first interval is the stream starting. */
  confab_freeze_meter_add_frame (&meter, t);
  confab_freeze_meter_add_frame (&meter, t += 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (meter.freezes, ==, 0);

  for (guint i = 0; i < 60; i++)
    confab_freeze_meter_add_frame (&meter, t += 33333);
  confab_freeze_meter_add_frame (&meter, t += 100000);
  g_assert_cmpuint (meter.freezes, ==, 0);
  for (guint i = 0; i < 30; i++)
    confab_freeze_meter_add_frame (&meter, t += 33333);
  confab_freeze_meter_add_frame (&meter, t += 300000);
  g_assert_cmpuint (meter.freezes, ==, 1);
  g_assert_cmpfloat_with_epsilon (confab_freeze_meter_get_seconds (&meter), 0.3, 1e-9);

  /* Right after it the average is higher, but 1.5 s still freezes. */
  confab_freeze_meter_add_frame (&meter, t += 33333);
  confab_freeze_meter_add_frame (&meter, t += 1500000);
  g_assert_cmpuint (meter.freezes, ==, 2);
  g_assert_cmpfloat_with_epsilon (confab_freeze_meter_get_seconds (&meter), 1.8, 1e-9);
}

/* 5 fps (a camera turned off sends 5 black frames a second): 200 ms
 * intervals are the rhythm; only over 3 × 200 = 600 ms is a freeze. */
static void
test_freeze_slow_stream (void)
{
  ConfabFreezeMeter meter = { 0 };
  gint64 t = 1000000;

  for (guint i = 0; i < 40; i++)
    confab_freeze_meter_add_frame (&meter, t += 200000);
  confab_freeze_meter_add_frame (&meter, t += 550000);
  g_assert_cmpuint (meter.freezes, ==, 0);
  for (guint i = 0; i < 40; i++)
    confab_freeze_meter_add_frame (&meter, t += 200000);
  confab_freeze_meter_add_frame (&meter, t += 650000);
  g_assert_cmpuint (meter.freezes, ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/confab/media/meters/rate-empty", test_rate_empty);
  g_test_add_func ("/confab/media/meters/rate-steady", test_rate_steady);
  g_test_add_func ("/confab/media/meters/rate-stops", test_rate_stops);
  g_test_add_func ("/confab/media/meters/jitter-steady", test_jitter_steady);
  g_test_add_func ("/confab/media/meters/jitter-alternating", test_jitter_alternating);
  g_test_add_func ("/confab/media/meters/jitter-wrap", test_jitter_wrap);
  g_test_add_func ("/confab/media/meters/level", test_level);
  g_test_add_func ("/confab/media/meters/freeze", test_freeze);
  g_test_add_func ("/confab/media/meters/freeze-slow-stream", test_freeze_slow_stream);

  return g_test_run ();
}
