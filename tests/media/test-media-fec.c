/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Confab's FlexFEC in real call pipelines: two ConfabCallPipeline
 * instances back to back, every 10th video RTP packet A -> B dropped on
 * the wire (repair packets are never dropped), with and without FEC. */
#include "config.h"

#include "media-test-util.h"

#define CALL_WIDTH MEDIA_TEST_WIDTH
#define CALL_MS 4000
#define WATCHDOG_SECONDS 40
#define FEC_PT MEDIA_TEST_FEC_PT

typedef struct
{
  ConfabMediaStats a, b;
  guint dropped, seen, repair_seen;
  guint64 key_frames; /* seen by A's FEC encoder */
} Result;

/* @fec_a, @fec_b: whether each side was built with FEC; @disable_a: A
 * drops it again before start (an offer whose answer declined FEC).
 * @config: NULL for media_test_config(). */
static void
run_call_with (const ConfabMediaConfig *config, gboolean fec_a, gboolean fec_b, gboolean disable_a,
               guint drop_every, Result *result)
{
  MediaTestPair pair;
  guint watchdog = media_test_watchdog (WATCHDOG_SECONDS);

  media_test_pair_init (&pair, config, fec_a ? FEC_PT : 0, fec_b ? FEC_PT : 0);
  pair.a_to_b.drop_video_every = drop_every;
  if (disable_a)
    g_assert_true (confab_call_pipeline_disable_fec (pair.a));

  media_test_pair_start (&pair);
  /* Too late to change its mind. */
  g_assert_false (confab_call_pipeline_disable_fec (pair.a));

  media_test_run_for (pair.loop, CALL_MS);

  confab_call_pipeline_stop (pair.a);
  confab_call_pipeline_stop (pair.b);
  g_source_remove (watchdog);
  confab_call_pipeline_get_stats (pair.a, &result->a);
  confab_call_pipeline_get_stats (pair.b, &result->b);
  result->dropped = (guint) g_atomic_int_get (&pair.a_to_b.video_dropped);
  result->seen = (guint) g_atomic_int_get (&pair.a_to_b.video_seen);
  result->repair_seen = (guint) g_atomic_int_get (&pair.a_to_b.repair_seen);
  result->key_frames = 0;
  if (fec_a && !disable_a)
    g_object_get (media_test_fec_encoder (pair.a), "key-frames", &result->key_frames, NULL);
  g_assert_cmpuint (pair.errors, ==, 0);
  media_test_pair_clear (&pair);

  g_test_message (
      "FEC A %d B %d%s, drop every %u: A sent %" G_GUINT64_FORMAT
      " video packets (+%" G_GUINT64_FORMAT " repair, %u on the wire), %u dropped; "
      "B: jitter buffer lost %" G_GUINT64_FORMAT ", FEC recovered %" G_GUINT64_FORMAT
      " unrecovered %" G_GUINT64_FORMAT "; frames A encoded %" G_GUINT64_FORMAT
      " (%" G_GUINT64_FORMAT " key frames), B decoded %" G_GUINT64_FORMAT
      "; audio B decoded %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT,
      fec_a, fec_b, disable_a ? " (A disabled)" : "", drop_every, result->a.video.packets_sent,
      result->a.video.fec_repair_sent, result->repair_seen, result->dropped,
      result->b.video.packets_lost, result->b.video.fec_recovered, result->b.video.fec_unrecovered,
      result->a.video.frames_encoded, result->key_frames, result->b.video.frames_decoded,
      result->b.audio.frames_decoded, result->a.audio.frames_encoded);
}

static void
run_call (gboolean fec_a, gboolean fec_b, gboolean disable_a, guint drop_every, Result *result)
{
  run_call_with (NULL, fec_a, fec_b, disable_a, drop_every, result);
}

static void
assert_audio_untouched (const Result *r)
{
  /* Audio and RTCP pass through both FEC elements. */
  g_assert_cmpuint (r->a.audio.frames_encoded, >, 100);
  g_assert_cmpuint (r->b.audio.frames_decoded * 100, >=, r->a.audio.frames_encoded * 85);
  g_assert_cmpuint (r->b.audio.packets_lost, ==, 0);
  g_assert_cmpuint (r->b.rtcp_packets_received, >, 0);
  g_assert_cmpuint (r->a.rtcp_packets_received, >, 0);
  g_assert_cmpuint (r->a.invalid_packets + r->b.invalid_packets, ==, 0);
}

static void
test_fec_loss (void)
{
  Result with, without;

  run_call (TRUE, TRUE, FALSE, 10, &with);
  run_call (FALSE, FALSE, FALSE, 10, &without);

  g_assert_cmpuint (with.dropped, >, 10);
  g_assert_cmpuint (with.a.video.fec_repair_sent, >, 0);
  g_assert_cmpuint (with.repair_seen, ==, with.a.video.fec_repair_sent);
  /* Repair packets are not counted as video. */
  g_assert_cmpuint (with.b.video.packets_received + with.dropped, ==, with.a.video.packets_sent);

  g_assert_cmpuint (with.b.video.fec_recovered, >, 0);
  g_assert_cmpuint (with.b.video.fec_recovered, <=, with.dropped);
  /* Most drops are rebuilt before the jitter buffer misses them. */
  g_assert_cmpuint (with.b.video.packets_lost * 4, <, with.dropped);
  g_assert_cmpuint (with.b.video.fec_recovered * 2, >, with.dropped);
  g_assert_cmpuint (without.b.video.packets_lost * 2, >, without.dropped);
  g_assert_cmpuint (with.b.video.frames_decoded, >, without.b.video.frames_decoded);
  g_assert_cmpuint (with.b.video.frames_decoded * 100, >=, with.a.video.frames_encoded * 85);

  /* Nothing is lost B -> A: nothing to recover, nothing missing. */
  g_assert_cmpuint (with.a.video.fec_recovered + with.a.video.fec_unrecovered, ==, 0);
  g_assert_cmpuint (without.a.video.fec_repair_sent + without.b.video.fec_recovered, ==, 0);
  assert_audio_untouched (&with);
}

static void
test_fec_no_loss (void)
{
  Result r;

  run_call (TRUE, TRUE, FALSE, 0, &r);

  g_assert_cmpuint (r.a.video.fec_repair_sent, >, 0);
  g_assert_cmpuint (r.b.video.fec_recovered, ==, 0);
  g_assert_cmpuint (r.b.video.fec_unrecovered, ==, 0);
  g_assert_cmpuint (r.b.video.packets_lost, ==, 0);
  g_assert_cmpuint (r.a.video.frames_encoded, >, 60);
  g_assert_cmpuint (r.b.video.frames_decoded * 100, >=, r.a.video.frames_encoded * 85);
  g_assert_cmpuint (r.b.video.width, ==, CALL_WIDTH);
  assert_audio_untouched (&r);
}

/* The offerer built FEC, the answer declined it: A drops its elements
 * before start and sends no repair packets to a B that has none. */
static void
test_fec_disabled (void)
{
  Result r;

  run_call (TRUE, FALSE, TRUE, 0, &r);

  g_assert_cmpuint (r.repair_seen, ==, 0);
  g_assert_cmpuint (r.a.video.fec_repair_sent, ==, 0);
  g_assert_cmpuint (r.b.video.packets_lost, ==, 0);
  g_assert_cmpuint (r.b.video.frames_decoded * 100, >=, r.a.video.frames_encoded * 85);
  assert_audio_untouched (&r);
}

/* Key frames get their own overhead in a call: with no repair packets for
 * other frames, every repair packet A sends protects a key frame. rtpbin
 * and rtpfunnel leave bare caps, so the encoder only knows the codec from
 * its encoding-name (set from the stream's). */
static void
test_fec_key_frames (void)
{
  ConfabMediaConfig config;
  Result r;

  media_test_config (&config);
  config.fec_overhead = 0;
  config.fec_key_frame_overhead = 50;
  run_call_with (&config, TRUE, TRUE, FALSE, 0, &r);

  g_assert_cmpuint (r.key_frames, >, 0);
  g_assert_cmpuint (r.a.video.fec_repair_sent, >, 0);
  g_assert_cmpuint (r.repair_seen, ==, r.a.video.fec_repair_sent);
  g_assert_cmpuint (r.b.video.frames_decoded * 100, >=, r.a.video.frames_encoded * 85);
}

/* Adaptive FEC's knob: the overheads change while the call runs, for the
 * blocks that end from then on, and fec_overhead_pct follows. */
static void
test_fec_runtime_overhead (void)
{
  ConfabMediaConfig config;
  MediaTestPair pair;
  ConfabMediaStats before, after;
  guint watchdog = media_test_watchdog (WATCHDOG_SECONDS);
  guint overhead = 0;

  media_test_config (&config);
  config.fec_overhead = 0;
  config.fec_key_frame_overhead = 0;
  media_test_pair_init (&pair, &config, FEC_PT, FEC_PT);
  media_test_pair_start (&pair);
  media_test_run_for (pair.loop, 1500);
  confab_call_pipeline_get_stats (pair.a, &before);
  g_assert_cmpuint (before.video.fec_repair_sent, ==, 0);
  g_assert_cmpfloat (before.video.fec_overhead_pct, ==, 0);

  confab_call_pipeline_set_fec_overhead (pair.a, 40, 140);
  media_test_run_for (pair.loop, 2500);
  confab_call_pipeline_get_stats (pair.a, &after);
  g_object_get (media_test_fec_encoder (pair.a), "overhead", &overhead, NULL);
  g_assert_cmpuint (overhead, ==, 40);
  g_test_message ("after the change: %" G_GUINT64_FORMAT " repair for %" G_GUINT64_FORMAT
                  " video packets; %.1f%% over the last seconds",
                  after.video.fec_repair_sent, after.video.packets_sent - before.video.packets_sent,
                  after.video.fec_overhead_pct);
  g_assert_cmpuint (after.video.fec_repair_sent * 100, >=,
                    (after.video.packets_sent - before.video.packets_sent) * 25);
  g_assert_cmpfloat (after.video.fec_overhead_pct, >, 20);
  g_assert_cmpuint (pair.errors, ==, 0);

  confab_call_pipeline_stop (pair.a);
  confab_call_pipeline_stop (pair.b);
  g_source_remove (watchdog);
  media_test_pair_clear (&pair);
}

static void
test_fec_invalid_config (void)
{
  /* Static (34), RTCP's (80), out of range, or taken; 35..63 and 96..127
   * are dynamic. */
  guint bad_pts[] = { 34, 80, 128, MEDIA_TEST_AUDIO_PT, MEDIA_TEST_VIDEO_PT };
  ConfabMediaConfig config;
  ConfabStreamParams streams[2];

  confab_media_config_init (&config);
  for (guint i = 0; i < G_N_ELEMENTS (bad_pts); i++)
    {
      media_test_streams (streams, bad_pts[i]);
      media_test_assert_new_fails (&config, streams, 2, CONFAB_MEDIA_ERROR_INVALID_CONFIG);
    }

  media_test_streams (streams, FEC_PT);
  streams[1].local_ssrc = 1234;
  streams[1].local_fec_ssrc = 1234;
  media_test_assert_new_fails (&config, streams, 2, CONFAB_MEDIA_ERROR_INVALID_CONFIG);

  /* FEC protects video only. */
  media_test_streams (streams, 0);
  streams[0].fec_pt = FEC_PT;
  media_test_assert_new_fails (&config, streams, 2, CONFAB_MEDIA_ERROR_INVALID_CONFIG);

  config.fec_overhead = 101;
  media_test_streams (streams, FEC_PT);
  media_test_assert_new_fails (&config, streams, 2, CONFAB_MEDIA_ERROR_INVALID_CONFIG);
}

int
main (int argc, char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/confab/media/fec/loss", test_fec_loss);
  g_test_add_func ("/confab/media/fec/no-loss", test_fec_no_loss);
  g_test_add_func ("/confab/media/fec/disabled", test_fec_disabled);
  g_test_add_func ("/confab/media/fec/key-frames", test_fec_key_frames);
  g_test_add_func ("/confab/media/fec/runtime-overhead", test_fec_runtime_overhead);
  g_test_add_func ("/confab/media/fec/invalid-config", test_fec_invalid_config);

  return g_test_run ();
}
