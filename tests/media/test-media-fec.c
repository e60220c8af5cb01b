/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Confab's FlexFEC in real call pipelines: two ConfabCallPipeline
 * instances back to back, every 10th video RTP packet A -> B dropped on
 * the wire (repair packets are never dropped), with and without FEC. */
#include "config.h"

#include "confab-call-pipeline.h"

#define CALL_WIDTH 320
#define CALL_HEIGHT 240
#define CALL_MS 4000
#define WATCHDOG_SECONDS 40
#define VIDEO_PT 96
#define FEC_PT 110

typedef struct
{
  ConfabCallPipeline *to; /* not owned */
  guint drop_every;       /* drop every Nth video RTP packet; 0: none */
  gint video_seen;        /* atomic */
  gint video_dropped;     /* atomic */
  gint repair_seen;       /* atomic */
} Link;

typedef struct
{
  ConfabMediaStats a, b;
  guint dropped, seen, repair_seen;
} Result;

static void
on_packet (const guint8 *data, gsize size, gpointer user_data)
{
  Link *link = user_data;
  gboolean rtcp = size >= 2 && data[1] >= 192 && data[1] <= 223;

  if (size >= 12 && !rtcp && (data[1] & 0x7f) == FEC_PT)
    g_atomic_int_inc (&link->repair_seen);
  if (link->drop_every > 0 && size >= 12 && !rtcp && (data[1] & 0x7f) == VIDEO_PT)
    {
      guint n = (guint)g_atomic_int_add (&link->video_seen, 1) + 1;

      if (n % link->drop_every == 0)
        {
          g_atomic_int_inc (&link->video_dropped);
          return;
        }
    }

  confab_call_pipeline_push_packet (link->to, data, size);
}

static void
on_error (ConfabCallPipeline *pipeline, GError *error, gpointer user_data)
{
  g_error ("pipeline error: %s", error->message);
}

static gboolean
on_watchdog (gpointer user_data)
{
  g_error ("watchdog: the test did not finish within %d s", WATCHDOG_SECONDS);
  return G_SOURCE_REMOVE;
}

static gboolean
on_done (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static ConfabCallPipeline *
new_pipeline (gboolean fec)
{
  ConfabMediaConfig config;
  g_autoptr (GError) error = NULL;
  ConfabCallPipeline *pipeline;

  confab_media_config_init (&config);
  config.width = CALL_WIDTH;
  config.height = CALL_HEIGHT;
  config.video_bitrate_kbps = 500;
  config.video_pt = VIDEO_PT;
  if (fec)
    config.fec_pt = FEC_PT;

  pipeline = confab_call_pipeline_new (&config, &error);
  g_assert_no_error (error);
  g_signal_connect (pipeline, "error", G_CALLBACK (on_error), NULL);
  return pipeline;
}

static void
release (ConfabCallPipeline **pipeline)
{
  g_object_add_weak_pointer (G_OBJECT (*pipeline), (gpointer *)pipeline);
  g_object_unref (*pipeline);
  g_assert_null (*pipeline);
}

/* @fec_a, @fec_b: whether each side was built with FEC; @disable_a: A
 * drops it again before start (an offer whose answer declined FEC). */
static void
run_call (gboolean fec_a, gboolean fec_b, gboolean disable_a, guint drop_every, Result *result)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GError) error = NULL;
  ConfabCallPipeline *a = new_pipeline (fec_a);
  ConfabCallPipeline *b = new_pipeline (fec_b);
  Link a_to_b = { .to = b, .drop_every = drop_every };
  Link b_to_a = { .to = a };
  guint watchdog = g_timeout_add_seconds (WATCHDOG_SECONDS, on_watchdog, NULL);

  if (disable_a)
    g_assert_true (confab_call_pipeline_disable_fec (a));

  confab_call_pipeline_set_packet_func (a, on_packet, &a_to_b, NULL);
  confab_call_pipeline_set_packet_func (b, on_packet, &b_to_a, NULL);
  confab_call_pipeline_start (b, &error);
  g_assert_no_error (error);
  confab_call_pipeline_start (a, &error);
  g_assert_no_error (error);
  /* Too late to change its mind. */
  g_assert_false (confab_call_pipeline_disable_fec (a));

  g_timeout_add (CALL_MS, on_done, loop);
  g_main_loop_run (loop);

  confab_call_pipeline_stop (a);
  confab_call_pipeline_stop (b);
  g_source_remove (watchdog);
  confab_call_pipeline_get_stats (a, &result->a);
  confab_call_pipeline_get_stats (b, &result->b);
  result->dropped = (guint)g_atomic_int_get (&a_to_b.video_dropped);
  result->seen = (guint)g_atomic_int_get (&a_to_b.video_seen);
  result->repair_seen = (guint)g_atomic_int_get (&a_to_b.repair_seen);

  release (&a);
  release (&b);

  g_test_message ("FEC A %d B %d%s, drop every %u: A sent %" G_GUINT64_FORMAT
                  " video packets (+%" G_GUINT64_FORMAT " repair, %u on the wire), %u dropped; "
                  "B: jitter buffer lost %" G_GUINT64_FORMAT ", FEC recovered %" G_GUINT64_FORMAT
                  " unrecovered %" G_GUINT64_FORMAT "; frames A encoded %" G_GUINT64_FORMAT
                  ", B decoded %" G_GUINT64_FORMAT "; audio B decoded %" G_GUINT64_FORMAT
                  " of %" G_GUINT64_FORMAT,
                  fec_a, fec_b, disable_a ? " (A disabled)" : "", drop_every,
                  result->a.video.packets_sent, result->a.video.fec_repair_sent,
                  result->repair_seen, result->dropped, result->b.video.packets_lost,
                  result->b.video.fec_recovered, result->b.video.fec_unrecovered,
                  result->a.video.frames_encoded, result->b.video.frames_decoded,
                  result->b.audio.frames_decoded, result->a.audio.frames_encoded);
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

static void
test_fec_invalid_config (void)
{
  guint bad_pts[] = { 50, 80, 128, 111, 96 };
  ConfabMediaConfig config;

  for (guint i = 0; i < G_N_ELEMENTS (bad_pts); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ConfabCallPipeline) p = NULL;

      confab_media_config_init (&config);
      config.fec_pt = bad_pts[i];
      p = confab_call_pipeline_new (&config, &error);
      g_assert_null (p);
      g_assert_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_INVALID_CONFIG);
    }

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (ConfabCallPipeline) p = NULL;

    confab_media_config_init (&config);
    config.fec_pt = FEC_PT;
    config.video_ssrc = 1234;
    config.fec_ssrc = 1234;
    p = confab_call_pipeline_new (&config, &error);
    g_assert_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_INVALID_CONFIG);
  }
}

int
main (int argc, char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/confab/media/fec/loss", test_fec_loss);
  g_test_add_func ("/confab/media/fec/no-loss", test_fec_no_loss);
  g_test_add_func ("/confab/media/fec/disabled", test_fec_disabled);
  g_test_add_func ("/confab/media/fec/invalid-config", test_fec_invalid_config);

  return g_test_run ();
}
