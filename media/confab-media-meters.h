/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The arithmetic behind a stream's live figures: a rate over the last
 * second, the RFC 3550 interarrival jitter, the RMS level of 16-bit audio.
 * Plain data and integers, no GStreamer: the tests drive them with made-up
 * clocks (tests/media/test-media-meters.c).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sums over the last second, kept in 100 ms buckets so that adding costs a
 * few instructions per packet. */
#define CONFAB_RATE_BUCKET_US (100 * G_TIME_SPAN_MILLISECOND)
#define CONFAB_RATE_BUCKETS 16
#define CONFAB_RATE_WINDOW_BUCKETS 10

typedef struct
{
  gint64 first; /* the time of the first amount, 0 before */
  gint64 epochs[CONFAB_RATE_BUCKETS];
  guint64 amounts[CONFAB_RATE_BUCKETS];
} ConfabRateMeter;

/* @now: a monotonic time in microseconds, > 0. */
void confab_rate_meter_add (ConfabRateMeter *meter, gint64 now, guint64 amount);
/* Amount per second over the last whole buckets (the one being filled
 * would read low), or since the first amount when that is more recent; 0
 * before a whole bucket has passed. */
double confab_rate_meter_get (const ConfabRateMeter *meter, gint64 now);

/* RFC 3550 section 6.4.1 interarrival jitter of one remote stream (a new
 * SSRC starts it over). */
typedef struct
{
  gboolean valid;
  guint32 ssrc;
  guint32 transit;
  double jitter; /* in RTP clock units */
} ConfabJitterEstimate;

void confab_jitter_estimate_update (ConfabJitterEstimate *estimate, guint32 ssrc, guint32 rtp_time,
                                    gint64 now, guint clock_rate);
double confab_jitter_estimate_get_ms (const ConfabJitterEstimate *estimate, guint clock_rate);

/* Freezes as W3C webrtc-stats defines them (freezeCount,
 * totalFreezesDuration): an interval between two decoded frames longer than
 * max(3 × the average frame interval, the average + 150 ms), the average
 * taken over the last CONFAB_FREEZE_WINDOW intervals, and only once
 * CONFAB_FREEZE_MIN_INTERVALS are in (libwebrtc's rule). A freeze counts,
 * with its whole interval, when the frame that ends it arrives. */
#define CONFAB_FREEZE_WINDOW 30
#define CONFAB_FREEZE_MIN_INTERVALS 5

typedef struct
{
  gint64 last; /* the previous frame's time, 0 before */
  gint64 intervals[CONFAB_FREEZE_WINDOW];
  guint n_intervals; /* how many of @intervals hold one, up to the window */
  guint next;
  gint64 sum; /* of the held intervals */
  guint64 freezes;
  gint64 freeze_us;
} ConfabFreezeMeter;

/* A decoded frame at @now (monotonic microseconds). */
void confab_freeze_meter_add_frame (ConfabFreezeMeter *meter, gint64 now);
/* The total frozen time in seconds. */
double confab_freeze_meter_get_seconds (const ConfabFreezeMeter *meter);

/* The RMS level of @n samples in dB relative to full scale; -inf for
 * digital silence. FALSE when @n is 0. */
gboolean confab_audio_level_s16 (const gint16 *samples, gsize n, double *dbfs);

G_END_DECLS
