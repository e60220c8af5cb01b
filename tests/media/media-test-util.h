/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers shared by the pipeline tests: the streams and configuration of a
 * small test call, a watchdog, running the main loop for a while or until
 * a condition holds, dropping every Nth packet of a payload type on the
 * wire, and releasing a pipeline while checking nothing keeps it alive.
 */
#pragma once

#include "../confab-test-watchdog.h"
#include "confab-call-pipeline-private.h"
#include "confab-call-pipeline.h"
#include "confab-rtp-packet.h"

#define MEDIA_TEST_WIDTH 320
#define MEDIA_TEST_HEIGHT 240
#define MEDIA_TEST_FRAMERATE 30
#define MEDIA_TEST_VIDEO_KBPS 500
#define MEDIA_TEST_AUDIO_PT 111
#define MEDIA_TEST_VIDEO_PT 96
#define MEDIA_TEST_FEC_PT 110

/* What a call negotiates by default: Opus and VP8, SSRCs picked by the
 * pipeline, FlexFEC on the video with @fec_pt (0: none). */
static inline void
media_test_streams (ConfabStreamParams streams[2], guint fec_pt)
{
  streams[0] = (ConfabStreamParams){ .kind = CONFAB_STREAM_KIND_AUDIO,
                                     .mid = "0",
                                     .codec = "OPUS",
                                     .pt = MEDIA_TEST_AUDIO_PT,
                                     .clock_rate = 48000,
                                     .channels = 2,
                                     .send = TRUE,
                                     .receive = TRUE };
  streams[1] = (ConfabStreamParams){ .kind = CONFAB_STREAM_KIND_VIDEO,
                                     .mid = "1",
                                     .codec = "VP8",
                                     .pt = MEDIA_TEST_VIDEO_PT,
                                     .clock_rate = 90000,
                                     .send = TRUE,
                                     .receive = TRUE,
                                     .fec_pt = fec_pt };
}

/* A small call: 320x240 at 30 fps, 500 kbps. */
static inline void
media_test_config (ConfabMediaConfig *config)
{
  confab_media_config_init (config);
  config->width = MEDIA_TEST_WIDTH;
  config->height = MEDIA_TEST_HEIGHT;
  config->framerate = MEDIA_TEST_FRAMERATE;
  config->video_bitrate_kbps = MEDIA_TEST_VIDEO_KBPS;
}

/* A pipeline of @config (NULL: media_test_config()) and the default
 * streams; the test fails if it cannot be built. */
static inline ConfabCallPipeline *
media_test_pipeline_new (const ConfabMediaConfig *config, guint fec_pt)
{
  ConfabMediaConfig small;
  ConfabStreamParams streams[2];
  g_autoptr (GError) error = NULL;
  ConfabCallPipeline *pipeline;

  if (config == NULL)
    {
      media_test_config (&small);
      config = &small;
    }
  media_test_streams (streams, fec_pt);
  pipeline = confab_call_pipeline_new (config, streams, G_N_ELEMENTS (streams), &error);
  g_assert_no_error (error);
  g_assert_nonnull (pipeline);

  return pipeline;
}

/* That building a pipeline of @config and @streams fails with @code. */
static inline void
media_test_assert_new_fails (const ConfabMediaConfig *config, const ConfabStreamParams *streams,
                             guint n_streams, gint code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfabCallPipeline) pipeline
      = confab_call_pipeline_new (config, streams, n_streams, &error);

  g_assert_error (error, CONFAB_MEDIA_ERROR, code);
  g_assert_null (pipeline);
  g_test_message ("%s", error->message);
}

#define media_test_watchdog confab_test_watchdog

static gboolean
media_test_on_quit (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* Runs @loop for @ms. */
static inline void
media_test_run_for (GMainLoop *loop, guint ms)
{
  g_timeout_add (ms, media_test_on_quit, loop);
  g_main_loop_run (loop);
}

typedef gboolean (*MediaTestCondition) (gpointer data);

typedef struct
{
  GMainLoop *loop;
  MediaTestCondition condition;
  gpointer data;
} MediaTestPoll;

static gboolean
media_test_on_poll (gpointer user_data)
{
  MediaTestPoll *poll = user_data;

  if (!poll->condition (poll->data))
    return G_SOURCE_CONTINUE;

  g_main_loop_quit (poll->loop);
  return G_SOURCE_REMOVE;
}

/* Runs @loop until @condition (@data) holds, polled every 50 ms (a
 * watchdog ends a test that waits for ever). */
static inline void
media_test_run_until (GMainLoop *loop, MediaTestCondition condition, gpointer data)
{
  MediaTestPoll poll = { loop, condition, data };

  g_timeout_add (50, media_test_on_poll, &poll);
  g_main_loop_run (loop);
}

/* Whether an RTP packet of @pt should be dropped on the wire: every
 * @every-th one is (0: none), counted atomically in @seen and @dropped. */
static inline gboolean
media_test_should_drop (const guint8 *data, gsize size, guint pt, guint every, gint *seen,
                        gint *dropped)
{
  if (every == 0 || size < 12 || confab_rtp_is_rtcp (data, size) || (data[1] & 0x7f) != pt)
    return FALSE;
  if ((guint) g_atomic_int_add (seen, 1) % every != every - 1)
    return FALSE;

  g_atomic_int_inc (dropped);
  return TRUE;
}

/* The FlexFEC encoder of @pipeline (not a new reference), or NULL. */
static inline GstElement *
media_test_fec_encoder (ConfabCallPipeline *pipeline)
{
  GstBin *bin = GST_BIN (confab_call_pipeline_get_gst_pipeline (pipeline));
  GstElement *encoder = gst_bin_get_by_name (bin, "fec-enc");

  /* The bin keeps it. */
  if (encoder != NULL)
    gst_object_unref (encoder);
  return encoder;
}

/* One direction of the wire between two pipelines. */
typedef struct
{
  ConfabCallPipeline *to; /* not owned */
  guint drop_audio_every; /* drop every Nth RTP packet of that payload type; 0: none */
  guint drop_video_every;
  gint audio_seen; /* atomic, like the other counts */
  gint video_seen;
  gint audio_dropped;
  gint video_dropped;
  gint repair_seen; /* FEC repair packets (never dropped) */
} MediaTestLink;

/* A ConfabPacketFunc for a MediaTestLink. */
static void
media_test_on_packet (const guint8 *data, gsize size, gpointer user_data)
{
  MediaTestLink *link = user_data;

  if (size >= 12 && !confab_rtp_is_rtcp (data, size) && (data[1] & 0x7f) == MEDIA_TEST_FEC_PT)
    g_atomic_int_inc (&link->repair_seen);
  if (media_test_should_drop (data, size, MEDIA_TEST_AUDIO_PT, link->drop_audio_every,
                              &link->audio_seen, &link->audio_dropped)
      || media_test_should_drop (data, size, MEDIA_TEST_VIDEO_PT, link->drop_video_every,
                                 &link->video_seen, &link->video_dropped))
    return;

  confab_call_pipeline_push_packet (link->to, data, size);
}

/* Two pipelines wired back to back; errors are counted. */
typedef struct
{
  ConfabCallPipeline *a;
  ConfabCallPipeline *b;
  MediaTestLink a_to_b;
  MediaTestLink b_to_a;
  GMainLoop *loop;
  guint errors;
} MediaTestPair;

static void
media_test_on_error (ConfabCallPipeline *pipeline, GError *error, gpointer user_data)
{
  MediaTestPair *pair = user_data;

  g_test_message ("pipeline error: %s", error->message);
  pair->errors++;
}

/* @config: NULL for media_test_config(); @fec_pt_a, @fec_pt_b: each
 * side's FEC payload type, 0 for none. */
static inline void
media_test_pair_init (MediaTestPair *pair, const ConfabMediaConfig *config, guint fec_pt_a,
                      guint fec_pt_b)
{
  *pair = (MediaTestPair){ .loop = g_main_loop_new (NULL, FALSE) };
  pair->a = media_test_pipeline_new (config, fec_pt_a);
  pair->b = media_test_pipeline_new (config, fec_pt_b);
  pair->a_to_b.to = pair->b;
  pair->b_to_a.to = pair->a;
  confab_call_pipeline_set_packet_func (pair->a, media_test_on_packet, &pair->a_to_b, NULL);
  confab_call_pipeline_set_packet_func (pair->b, media_test_on_packet, &pair->b_to_a, NULL);
  g_signal_connect (pair->a, "error", G_CALLBACK (media_test_on_error), pair);
  g_signal_connect (pair->b, "error", G_CALLBACK (media_test_on_error), pair);
}

/* B first, so that A's first packets find it running. */
static inline void
media_test_pair_start (MediaTestPair *pair)
{
  g_autoptr (GError) error = NULL;

  confab_call_pipeline_start (pair->b, &error);
  g_assert_no_error (error);
  confab_call_pipeline_start (pair->a, &error);
  g_assert_no_error (error);
}

static inline void media_test_release (ConfabCallPipeline **pipeline);

static inline void
media_test_pair_clear (MediaTestPair *pair)
{
  /* Both stop before either goes: each one's packet function feeds the
   * other. */
  if (pair->a != NULL)
    confab_call_pipeline_stop (pair->a);
  if (pair->b != NULL)
    confab_call_pipeline_stop (pair->b);
  media_test_release (&pair->a);
  media_test_release (&pair->b);
  g_clear_pointer (&pair->loop, g_main_loop_unref);
}

/* Stops and drops *@pipeline; nothing (a streaming thread, a bus watch)
 * may keep it alive. */
static inline void
media_test_release (ConfabCallPipeline **pipeline)
{
  if (*pipeline == NULL)
    return;

  confab_call_pipeline_stop (*pipeline);
  g_object_add_weak_pointer (G_OBJECT (*pipeline), (gpointer *) pipeline);
  g_object_unref (*pipeline);
  g_assert_null (*pipeline);
}
