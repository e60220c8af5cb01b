/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real pipelines, no mocks: two ConfabCallPipeline instances in one process,
 * each one's packet function pushing into the other, with synthetic
 * sources. */
#include "config.h"

#include "media-test-util.h"

#include <gst/video/video.h>
#include <string.h>

#define CALL_WIDTH MEDIA_TEST_WIDTH
#define CALL_HEIGHT MEDIA_TEST_HEIGHT
#define WATCHDOG_SECONDS 30

typedef struct
{
  GMutex lock;
  guint frames;
  guint bad_frames;
  guint width, height; /* of the last bad frame, for the message */
} FrameCounter;

typedef struct
{
  MediaTestPair pair;
  FrameCounter remote;
  FrameCounter local;
} Call;

static void
count_frame (FrameCounter *counter, GstSample *sample)
{
  GstVideoInfo info;
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  gboolean good;

  gst_video_info_init (&info);
  good = gst_video_info_from_caps (&info, gst_sample_get_caps (sample))
         && GST_VIDEO_INFO_FORMAT (&info) == GST_VIDEO_FORMAT_RGBA
         && GST_VIDEO_INFO_WIDTH (&info) == CALL_WIDTH
         && GST_VIDEO_INFO_HEIGHT (&info) == CALL_HEIGHT && buffer != NULL
         && gst_buffer_get_size (buffer) >= (gsize) CALL_WIDTH * CALL_HEIGHT * 4;

  g_mutex_lock (&counter->lock);
  if (good)
    counter->frames++;
  else
    {
      counter->bad_frames++;
      counter->width = GST_VIDEO_INFO_WIDTH (&info);
      counter->height = GST_VIDEO_INFO_HEIGHT (&info);
    }
  g_mutex_unlock (&counter->lock);
}

static void
on_video_frame (GstSample *sample, gboolean remote, gpointer user_data)
{
  Call *call = user_data;

  count_frame (remote ? &call->remote : &call->local, sample);
}

static void
call_setup (Call *call, gconstpointer data)
{
  g_mutex_init (&call->remote.lock);
  g_mutex_init (&call->local.lock);
  media_test_pair_init (&call->pair, NULL, 0, 0);
}

static void
call_teardown (Call *call, gconstpointer data)
{
  media_test_pair_clear (&call->pair);
  g_mutex_clear (&call->remote.lock);
  g_mutex_clear (&call->local.lock);
}

/* Runs the call for @ms, or until @done says so when it is set (slow
 * machines, valgrind), then stops A before B, so that everything A sent
 * reached a running B. */
static void
run_call (Call *call, guint ms, MediaTestCondition done, ConfabMediaStats *a_stats,
          ConfabMediaStats *b_stats)
{
  g_autoptr (GError) error = NULL;
  guint watchdog = media_test_watchdog (WATCHDOG_SECONDS);

  media_test_pair_start (&call->pair);

  if (done != NULL)
    media_test_run_until (call->pair.loop, done, call);
  else
    media_test_run_for (call->pair.loop, ms);

  confab_call_pipeline_stop (call->pair.a);
  confab_call_pipeline_stop (call->pair.b);
  g_source_remove (watchdog);

  confab_call_pipeline_get_stats (call->pair.a, a_stats);
  confab_call_pipeline_get_stats (call->pair.b, b_stats);
}

static void
print_stats (const char *name, const ConfabMediaStats *stats)
{
  g_test_message ("%s: video sent %" G_GUINT64_FORMAT " received %" G_GUINT64_FORMAT
                  " lost %" G_GUINT64_FORMAT " encoded %" G_GUINT64_FORMAT
                  " decoded %" G_GUINT64_FORMAT " (%ux%u)",
                  name, stats->video.packets_sent, stats->video.packets_received,
                  stats->video.packets_lost, stats->video.frames_encoded,
                  stats->video.frames_decoded, stats->video.width, stats->video.height);
  g_test_message (
      "%s: audio sent %" G_GUINT64_FORMAT " received %" G_GUINT64_FORMAT " lost %" G_GUINT64_FORMAT
      " encoded %" G_GUINT64_FORMAT " decoded %" G_GUINT64_FORMAT,
      name, stats->audio.packets_sent, stats->audio.packets_received, stats->audio.packets_lost,
      stats->audio.frames_encoded, stats->audio.frames_decoded);
  g_test_message ("%s: rtcp sent %" G_GUINT64_FORMAT " received %" G_GUINT64_FORMAT
                  ", invalid %" G_GUINT64_FORMAT,
                  name, stats->rtcp_packets_sent, stats->rtcp_packets_received,
                  stats->invalid_packets);
}

/* The receiver decoded at least 85% of what the sender encoded: what is
 * missing can only be in flight (jitter buffer latency) when the call
 * stopped. */
static void
assert_decoded (const ConfabMediaStats *sender, const ConfabMediaStats *receiver)
{
  g_assert_cmpuint (sender->video.frames_encoded, >, 60);
  g_assert_cmpuint (receiver->video.frames_decoded * 100, >=, sender->video.frames_encoded * 85);
  g_assert_cmpuint (sender->audio.frames_encoded, >, 100);
  g_assert_cmpuint (receiver->audio.frames_decoded * 100, >=, sender->audio.frames_encoded * 85);
  g_assert_cmpuint (receiver->video.width, ==, CALL_WIDTH);
  g_assert_cmpuint (receiver->video.height, ==, CALL_HEIGHT);
  g_assert_cmpint (receiver->first_remote_frame_time, >, 0);
}

static void
assert_received_about (guint64 sent, guint64 received, guint64 tolerance)
{
  g_assert_cmpuint (received, <=, sent);
  g_assert_cmpuint (received + tolerance, >=, sent);
}

static void
test_loopback (Call *call, gconstpointer data)
{
  ConfabMediaStats a, b;

  run_call (call, 4000, NULL, &a, &b);
  print_stats ("A", &a);
  print_stats ("B", &b);

  g_assert_cmpuint (call->pair.errors, ==, 0);
  assert_decoded (&a, &b);
  assert_decoded (&b, &a);

  /* A stopped first, so B received everything A sent, except what A sent
   * in the instant before B started; B kept sending for a moment into a
   * stopped A. */
  assert_received_about (a.video.packets_sent, b.video.packets_received, 5);
  assert_received_about (a.audio.packets_sent, b.audio.packets_received, 5);
  assert_received_about (b.video.packets_sent, a.video.packets_received,
                         MAX (10, b.video.packets_sent / 20));
  assert_received_about (b.audio.packets_sent, a.audio.packets_received,
                         MAX (10, b.audio.packets_sent / 20));
  g_assert_cmpuint (a.rtcp_packets_sent, >, 0);
  g_assert_cmpuint (b.rtcp_packets_sent, >, 0);
  g_assert_cmpuint (a.rtcp_packets_received, >, 0);
  g_assert_cmpuint (b.rtcp_packets_received, >, 0);
  assert_received_about (a.rtcp_packets_sent, b.rtcp_packets_received, 2);

  /* Loopback loses nothing. */
  g_assert_cmpuint (a.video.packets_lost + a.audio.packets_lost, ==, 0);
  g_assert_cmpuint (b.video.packets_lost + b.audio.packets_lost, ==, 0);
  g_assert_cmpuint (a.invalid_packets + b.invalid_packets, ==, 0);
}

static void
test_video_loss (Call *call, gconstpointer data)
{
  ConfabMediaStats a, b;
  guint dropped;

  call->pair.a_to_b.drop_video_every = 10;
  run_call (call, 4000, NULL, &a, &b);
  print_stats ("A", &a);
  print_stats ("B", &b);
  dropped = (guint) g_atomic_int_get (&call->pair.a_to_b.video_dropped);
  g_test_message ("dropped %u of %d video packets A -> B", dropped,
                  g_atomic_int_get (&call->pair.a_to_b.video_seen));

  g_assert_cmpuint (call->pair.errors, ==, 0);
  g_assert_cmpuint (dropped, >, 10);
  g_assert_cmpuint (b.video.packets_received + dropped, ==, a.video.packets_sent);

  /* The jitter buffer notices a loss only when a later packet arrives and
   * the loss's deadline passes: the last drops may go unnoticed. */
  g_assert_cmpuint (b.video.packets_lost, >, 0);
  g_assert_cmpuint (b.video.packets_lost, <=, dropped);
  g_assert_cmpuint (b.video.packets_lost + 3, >=, dropped);
  g_assert_cmpuint (b.audio.packets_lost, ==, 0);
  g_assert_cmpuint (a.video.packets_lost, ==, 0);

  /* The call goes on: B still decodes most of A's video and all audio,
   * A decodes B's as usual. */
  g_assert_cmpuint (b.video.frames_decoded * 2, >=, a.video.frames_encoded);
  g_assert_cmpuint (b.audio.frames_decoded * 100, >=, a.audio.frames_encoded * 85);
  assert_decoded (&b, &a);
}

static guint
frames_of (FrameCounter *counter)
{
  guint frames;

  g_mutex_lock (&counter->lock);
  frames = counter->frames;
  g_mutex_unlock (&counter->lock);

  return frames;
}

static gboolean
have_frames (gpointer data)
{
  Call *call = data;

  return frames_of (&call->remote) >= 30 && frames_of (&call->local) >= 30;
}

static void
test_video_frames (Call *call, gconstpointer data)
{
  ConfabMediaStats a, b;

  confab_call_pipeline_set_video_frame_func (call->pair.a, on_video_frame, call, NULL);
  run_call (call, 0, have_frames, &a, &b);
  print_stats ("A", &a);
  g_test_message ("A: %u remote frames, %u local frames", call->remote.frames, call->local.frames);

  g_assert_cmpuint (call->pair.errors, ==, 0);
  if (call->remote.bad_frames + call->local.bad_frames > 0)
    g_test_message ("bad frames: remote %ux%u, local %ux%u", call->remote.width,
                    call->remote.height, call->local.width, call->local.height);
  g_assert_cmpuint (call->remote.bad_frames, ==, 0);
  g_assert_cmpuint (call->local.bad_frames, ==, 0);
  g_assert_cmpuint (call->remote.frames, >=, 30);
  g_assert_cmpuint (call->local.frames, >=, 30);
  g_assert_cmpuint (call->remote.frames, <=, a.video.frames_decoded);
}

/* A pipeline without a peer, fed everything but RTP and RTCP. */
static void
test_garbage (Call *call, gconstpointer data)
{
  g_autoptr (GRand) rand = NULL;
  g_autoptr (GError) error = NULL;
  guint32 seed = g_test_rand_int ();
  guint8 packet[65536];
  guint64 invalid = 0;
  ConfabMediaStats stats;
  guint watchdog;

  g_test_message ("seed %u", seed);
  rand = g_rand_new_with_seed (seed);

  /* Outside start/stop nothing is counted or queued. */
  confab_call_pipeline_push_packet (call->pair.a, (const guint8 *) "x", 1);

  confab_call_pipeline_start (call->pair.a, &error);
  g_assert_no_error (error);
  watchdog = media_test_watchdog (WATCHDOG_SECONDS);

  /* Random bytes whose version is not 2. */
  for (guint i = 0; i < 500; i++)
    {
      gsize size = g_rand_int_range (rand, 1, 1500);

      for (gsize j = 0; j < size; j++)
        packet[j] = g_rand_int_range (rand, 0, 256);
      packet[0] = (packet[0] & 0x3f) | (g_rand_int_range (rand, 0, 3) == 0 ? 0x00 : 0x40);
      confab_call_pipeline_push_packet (call->pair.a, packet, size);
      invalid++;
    }

  /* RTP headers cut short, and headers whose CSRC list, extension or
   * padding run past the end. */
  memset (packet, 0, sizeof packet);
  packet[0] = 0x80;
  packet[1] = 96;
  for (gsize size = 0; size < 12; size++)
    {
      confab_call_pipeline_push_packet (call->pair.a, packet, size);
      invalid++;
    }
  packet[0] = 0x8f; /* 15 CSRCs: 72 bytes of header */
  confab_call_pipeline_push_packet (call->pair.a, packet, 40);
  invalid++;
  packet[0] = 0x90; /* an extension header claiming 1000 words */
  packet[14] = 0x03;
  packet[15] = 0xe8;
  confab_call_pipeline_push_packet (call->pair.a, packet, 100);
  invalid++;
  packet[0] = 0xa0; /* 200 bytes of padding in a 100-byte packet */
  packet[99] = 200;
  confab_call_pipeline_push_packet (call->pair.a, packet, 100);
  invalid++;
  packet[99] = 0; /* padding of zero bytes */
  confab_call_pipeline_push_packet (call->pair.a, packet, 100);
  invalid++;

  /* RTCP too short, with a length past the end, or followed by junk. */
  memset (packet, 0, sizeof packet);
  packet[0] = 0x80;
  packet[1] = 200; /* SR */
  confab_call_pipeline_push_packet (call->pair.a, packet, 4);
  invalid++;
  packet[3] = 6; /* 28 bytes */
  confab_call_pipeline_push_packet (call->pair.a, packet, 20);
  invalid++;
  confab_call_pipeline_push_packet (call->pair.a, packet, 31);
  invalid++;

  /* Packets far larger than any packet of a call, valid headers or not. */
  packet[0] = 0x80;
  packet[1] = 96;
  confab_call_pipeline_push_packet (call->pair.a, packet, sizeof packet);
  invalid++;
  packet[1] = 201;
  packet[2] = 0x3f;
  packet[3] = 0xff; /* an RR of exactly 64 KiB */
  confab_call_pipeline_push_packet (call->pair.a, packet, sizeof packet);
  invalid++;

  /* A valid header of a payload type the call did not negotiate is
   * invalid; the same header with a negotiated one is not. */
  {
    guint64 before;

    memset (packet, 0, 100);
    packet[0] = 0x80;
    packet[1] = 50;
    confab_call_pipeline_get_stats (call->pair.a, &stats);
    before = stats.invalid_packets;
    confab_call_pipeline_push_packet (call->pair.a, packet, 100);
    invalid++;
    confab_call_pipeline_get_stats (call->pair.a, &stats);
    g_assert_cmpuint (stats.invalid_packets, ==, before + 1);
    packet[1] = MEDIA_TEST_VIDEO_PT;
    confab_call_pipeline_push_packet (call->pair.a, packet, 100);
    confab_call_pipeline_get_stats (call->pair.a, &stats);
    g_assert_cmpuint (stats.invalid_packets, ==, before + 1);
  }

  /* Valid headers with random payload types and SSRCs: those of a payload
   * type the call did not negotiate are dropped and counted, the others
   * reach rtpbin, which must cope with them quietly. */
  for (guint i = 0; i < 2000; i++)
    {
      gsize size = g_rand_int_range (rand, 12, 1300);

      for (gsize j = 0; j < size; j++)
        packet[j] = g_rand_int_range (rand, 0, 256);
      packet[0] = 0x80 | (packet[0] & 0x3f);
      confab_call_pipeline_push_packet (call->pair.a, packet, size);
    }

  media_test_run_for (call->pair.loop, 500);
  g_source_remove (watchdog);

  confab_call_pipeline_get_stats (call->pair.a, &stats);
  print_stats ("A", &stats);
  g_assert_cmpuint (stats.invalid_packets, >=, invalid);
  g_assert_cmpuint (stats.invalid_packets, <=, invalid + 2000);
  g_assert_cmpuint (call->pair.errors, ==, 0);

  confab_call_pipeline_stop (call->pair.a);
  confab_call_pipeline_stop (call->pair.a);
  confab_call_pipeline_push_packet (call->pair.a, packet, 100);
  confab_call_pipeline_get_stats (call->pair.a, &stats);
  g_assert_cmpuint (stats.invalid_packets, <=, invalid + 2000);
}

typedef struct
{
  ConfabCallPipeline *pipeline;
  gint stop; /* atomic */
  guint pushed;
} Pusher;

static gpointer
push_thread (gpointer user_data)
{
  Pusher *pusher = user_data;
  g_autoptr (GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  guint8 packet[1200];

  while (!g_atomic_int_get (&pusher->stop))
    {
      gsize size = g_rand_int_range (rand, 0, sizeof packet);

      for (gsize j = 0; j < size; j++)
        packet[j] = g_rand_int_range (rand, 0, 256);
      confab_call_pipeline_push_packet (pusher->pipeline, packet, size);
      pusher->pushed++;
    }

  return NULL;
}

static gint destroyed;

static void
on_packet_discard (const guint8 *data, gsize size, gpointer user_data)
{
  g_assert_cmpint (GPOINTER_TO_INT (user_data), ==, 42);
}

static void
on_packet_func_destroyed (gpointer user_data)
{
  g_assert_cmpint (GPOINTER_TO_INT (user_data), ==, 42);
  g_atomic_int_inc (&destroyed);
}

/* Network threads push while the owner swaps the packet function and stops
 * the call: no crash, no lost or doubled destroy notify, and nothing counted
 * after stop. */
static void
test_threads (Call *call, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  Pusher pushers[3];
  GThread *threads[G_N_ELEMENTS (pushers)];
  ConfabMediaStats stats, after;
  guint swaps = 0;
  gint64 end;

  confab_call_pipeline_start (call->pair.a, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (pushers); i++)
    {
      pushers[i] = (Pusher){ .pipeline = call->pair.a };
      threads[i] = g_thread_new ("pusher", push_thread, &pushers[i]);
    }

  end = g_get_monotonic_time () + 500 * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time () < end)
    {
      confab_call_pipeline_set_packet_func (call->pair.a, on_packet_discard, GINT_TO_POINTER (42),
                                            on_packet_func_destroyed);
      swaps++;
      g_usleep (1000);
    }
  confab_call_pipeline_stop (call->pair.a);
  confab_call_pipeline_get_stats (call->pair.a, &stats);
  g_usleep (50 * 1000);
  confab_call_pipeline_get_stats (call->pair.a, &after);

  for (guint i = 0; i < G_N_ELEMENTS (pushers); i++)
    {
      g_atomic_int_set (&pushers[i].stop, TRUE);
      g_thread_join (threads[i]);
    }

  g_test_message ("%u swaps, %u + %u + %u packets pushed, %" G_GUINT64_FORMAT " invalid", swaps,
                  pushers[0].pushed, pushers[1].pushed, pushers[2].pushed, stats.invalid_packets);
  g_assert_cmpint (g_atomic_int_get (&destroyed), ==, swaps - 1);
  g_assert_cmpuint (stats.invalid_packets, >, 0);
  g_assert_cmpuint (after.invalid_packets, ==, stats.invalid_packets);
  g_assert_cmpuint (after.audio.packets_received + after.video.packets_received, ==,
                    stats.audio.packets_received + stats.video.packets_received);

  /* The last one goes with the pipeline (the fixture's func replaced). */
  g_clear_object (&call->pair.a);
  g_assert_cmpint (g_atomic_int_get (&destroyed), ==, swaps);
}

static void
test_invalid_config (void)
{
  ConfabMediaConfig config;
  ConfabStreamParams streams[2];

  /* Any other name is taken for a device id (test-media-controls.c). */
  confab_media_config_init (&config);
  media_test_streams (streams, 0);
  config.video_source = "potato";
  media_test_assert_new_fails (&config, streams, 2, CONFAB_MEDIA_ERROR_NO_DEVICE);

  confab_media_config_init (&config);
  config.audio_source = "kazoo";
  media_test_assert_new_fails (&config, streams, 2, CONFAB_MEDIA_ERROR_NO_DEVICE);

  confab_media_config_init (&config);
  streams[0].pt = streams[1].pt;
  media_test_assert_new_fails (&config, streams, 2, CONFAB_MEDIA_ERROR_INVALID_CONFIG);

  media_test_streams (streams, 0);
  streams[1].pt = 72; /* RTCP's range under rtcp-mux */
  media_test_assert_new_fails (&config, streams, 2, CONFAB_MEDIA_ERROR_INVALID_CONFIG);

  media_test_streams (streams, 0);
  streams[0].local_ssrc = streams[1].local_ssrc = 1234;
  media_test_assert_new_fails (&config, streams, 2, CONFAB_MEDIA_ERROR_INVALID_CONFIG);

  media_test_streams (streams, 0);
  g_strlcpy (streams[1].codec, "H264", sizeof streams[1].codec);
  media_test_assert_new_fails (&config, streams, 2, CONFAB_MEDIA_ERROR_INVALID_CONFIG);

  media_test_streams (streams, 0);
  streams[1] = streams[0];
  streams[1].pt = 100;
  media_test_assert_new_fails (&config, streams, 2, CONFAB_MEDIA_ERROR_INVALID_CONFIG);
  media_test_assert_new_fails (&config, streams, 0, CONFAB_MEDIA_ERROR_INVALID_CONFIG);

  media_test_streams (streams, 0);
  config.width = 0;
  media_test_assert_new_fails (&config, streams, 2, CONFAB_MEDIA_ERROR_INVALID_CONFIG);

  if (g_file_test ("/dev/video99", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("/dev/video99 exists");
      return;
    }
  confab_media_config_init (&config);
  config.video_source = "/dev/video99";
  media_test_assert_new_fails (&config, streams, 2, CONFAB_MEDIA_ERROR_NO_DEVICE);
}

/* A pipeline of the default streams with @video_source, or NULL with the
 * error. */
static ConfabCallPipeline *
new_with_source (const char *video_source, GError **error)
{
  ConfabMediaConfig config;
  ConfabStreamParams streams[2];

  confab_media_config_init (&config);
  config.video_source = video_source;
  media_test_streams (streams, 0);
  return confab_call_pipeline_new (&config, streams, G_N_ELEMENTS (streams), error);
}

static void
test_no_camera (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfabCallPipeline) pipeline = new_with_source ("camera", &error);

  if (pipeline != NULL)
    {
      g_test_skip ("this machine has a camera");
      return;
    }
  g_assert_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_NO_DEVICE);
}

/* A device path that exists but is no camera fails at start, with the
 * driver's reason. */
static void
test_not_a_camera (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfabCallPipeline) pipeline = new_with_source ("/dev/null", &error);

  g_assert_no_error (error);

  g_assert_false (confab_call_pipeline_start (pipeline, &error));
  g_assert_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_PIPELINE);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  confab_call_pipeline_stop (pipeline);
  g_assert_false (confab_call_pipeline_start (pipeline, &error));
  g_assert_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_PIPELINE);
}

/* What a pipeline sends, by payload type. */
typedef struct
{
  GMutex lock;
  guint32 ssrcs[128]; /* the last SSRC seen with each payload type, 0: none */
} SsrcRecorder;

static void
on_packet_record (const guint8 *data, gsize size, gpointer user_data)
{
  SsrcRecorder *recorder = user_data;
  ConfabRtpView rtp;

  if (confab_rtp_is_rtcp (data, size) || confab_rtp_view_parse (&rtp, data, size) != CONFAB_FEC_OK)
    return;
  g_mutex_lock (&recorder->lock);
  recorder->ssrcs[rtp.payload_type] = rtp.ssrc;
  g_mutex_unlock (&recorder->lock);
}

static gboolean
recorded_all (gpointer data)
{
  SsrcRecorder *recorder = data;
  gboolean all;

  g_mutex_lock (&recorder->lock);
  all = recorder->ssrcs[MEDIA_TEST_AUDIO_PT] != 0 && recorder->ssrcs[MEDIA_TEST_VIDEO_PT] != 0
        && recorder->ssrcs[MEDIA_TEST_FEC_PT] != 0;
  g_mutex_unlock (&recorder->lock);

  return all;
}

/* The streams' SSRCs are the ones negotiation put in the SDP, the repair
 * packets' too; 0 has the pipeline pick distinct ones. */
static void
test_ssrcs (void)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GError) error = NULL;
  ConfabMediaConfig config;
  ConfabStreamParams streams[2];
  SsrcRecorder recorder = { 0 };
  ConfabCallPipeline *pipeline;
  guint watchdog = media_test_watchdog (WATCHDOG_SECONDS);

  g_mutex_init (&recorder.lock);
  media_test_config (&config);
  for (guint round = 0; round < 2; round++)
    {
      gboolean picked = round == 1;

      media_test_streams (streams, MEDIA_TEST_FEC_PT);
      if (!picked)
        {
          streams[0].local_ssrc = 0x11111111;
          streams[1].local_ssrc = 0x22222222;
          streams[1].local_fec_ssrc = 0x33333333;
        }
      memset (recorder.ssrcs, 0, sizeof recorder.ssrcs);
      pipeline = confab_call_pipeline_new (&config, streams, G_N_ELEMENTS (streams), &error);
      g_assert_no_error (error);
      confab_call_pipeline_set_packet_func (pipeline, on_packet_record, &recorder, NULL);
      confab_call_pipeline_start (pipeline, &error);
      g_assert_no_error (error);
      media_test_run_until (loop, recorded_all, &recorder);
      media_test_release (&pipeline);

      g_test_message ("SSRCs audio %08x, video %08x, repair %08x",
                      recorder.ssrcs[MEDIA_TEST_AUDIO_PT], recorder.ssrcs[MEDIA_TEST_VIDEO_PT],
                      recorder.ssrcs[MEDIA_TEST_FEC_PT]);
      if (!picked)
        {
          g_assert_cmphex (recorder.ssrcs[MEDIA_TEST_AUDIO_PT], ==, 0x11111111);
          g_assert_cmphex (recorder.ssrcs[MEDIA_TEST_VIDEO_PT], ==, 0x22222222);
          g_assert_cmphex (recorder.ssrcs[MEDIA_TEST_FEC_PT], ==, 0x33333333);
        }
      g_assert_cmphex (recorder.ssrcs[MEDIA_TEST_AUDIO_PT], !=,
                       recorder.ssrcs[MEDIA_TEST_VIDEO_PT]);
      g_assert_cmphex (recorder.ssrcs[MEDIA_TEST_FEC_PT], !=, recorder.ssrcs[MEDIA_TEST_AUDIO_PT]);
      g_assert_cmphex (recorder.ssrcs[MEDIA_TEST_FEC_PT], !=, recorder.ssrcs[MEDIA_TEST_VIDEO_PT]);
    }

  g_source_remove (watchdog);
  g_mutex_clear (&recorder.lock);
}

static void
on_error_quit (ConfabCallPipeline *pipeline, GError *error, gpointer user_data)
{
  Call *call = user_data;

  g_test_message ("error: %s", error->message);
  g_assert_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_MISSING_ELEMENT);
  g_assert_true (strstr (error->message, "opusdec") != NULL);
  /* Both sides miss the decoder for the other's audio. */
  if (++call->pair.errors == 2)
    g_main_loop_quit (call->pair.loop);
}

static gboolean
b_decodes_video (gpointer data)
{
  Call *call = data;
  ConfabMediaStats stats;

  confab_call_pipeline_get_stats (call->pair.b, &stats);
  return stats.video.frames_decoded > 0;
}

/* A decoder that goes missing surfaces through the "error" signal on the
 * creator's main context; the video keeps flowing. */
static void
test_missing_decoder (Call *call, gconstpointer data)
{
  GstRegistry *registry = gst_registry_get ();
  g_autoptr (GstPluginFeature) opusdec = gst_registry_lookup_feature (registry, "opusdec");
  g_autoptr (GError) error = NULL;
  ConfabMediaStats stats;
  guint watchdog;

  g_assert_nonnull (opusdec);
  gst_registry_remove_feature (registry, opusdec);

  g_signal_handlers_disconnect_by_data (call->pair.a, &call->pair);
  g_signal_handlers_disconnect_by_data (call->pair.b, &call->pair);
  g_signal_connect (call->pair.a, "error", G_CALLBACK (on_error_quit), call);
  g_signal_connect (call->pair.b, "error", G_CALLBACK (on_error_quit), call);
  watchdog = media_test_watchdog (WATCHDOG_SECONDS);
  media_test_pair_start (&call->pair);
  g_main_loop_run (call->pair.loop);
  g_assert_cmpuint (call->pair.errors, ==, 2);

  /* The video keeps flowing. */
  media_test_run_until (call->pair.loop, b_decodes_video, call);
  g_source_remove (watchdog);
  confab_call_pipeline_get_stats (call->pair.b, &stats);
  gst_registry_add_feature (registry, g_object_ref (opusdec));

  g_assert_cmpuint (stats.video.frames_decoded, >, 0);
  g_assert_cmpuint (stats.audio.frames_decoded, ==, 0);
}

int
main (int argc, char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/confab/media/loopback", Call, NULL, call_setup, test_loopback, call_teardown);
  g_test_add ("/confab/media/video-loss", Call, NULL, call_setup, test_video_loss, call_teardown);
  g_test_add ("/confab/media/video-frames", Call, NULL, call_setup, test_video_frames,
              call_teardown);
  g_test_add ("/confab/media/garbage", Call, NULL, call_setup, test_garbage, call_teardown);
  g_test_add ("/confab/media/threads", Call, NULL, call_setup, test_threads, call_teardown);
  g_test_add_func ("/confab/media/ssrcs", test_ssrcs);
  g_test_add_func ("/confab/media/invalid-config", test_invalid_config);
  g_test_add_func ("/confab/media/no-camera", test_no_camera);
  g_test_add_func ("/confab/media/not-a-camera", test_not_a_camera);
  g_test_add ("/confab/media/missing-decoder", Call, NULL, call_setup, test_missing_decoder,
              call_teardown);

  return g_test_run ();
}
