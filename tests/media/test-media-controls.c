/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Call controls (mute, camera off), the statistics a call window shows and
 * device selection, on two ConfabCallPipeline instances wired back to back
 * in one process with synthetic sources, as in test-call-pipeline.c. */
#include "config.h"

#include "confab-media-devices.h"
#include "media-test-util.h"

#include <gst/video/video.h>
#include <math.h>
#include <string.h>

#define CALL_FRAMERATE MEDIA_TEST_FRAMERATE
#define WATCHDOG_SECONDS 30

/* RMS levels: the test tone plays at -13.5 dBFS (volume 0.3), Opus's
 * rendering of digital silence is far below -60. */
#define SOUND_DBFS -30.0
#define SILENCE_DBFS -60.0

/* Mean of R, G and B: about 100 for the SMPTE bars, 0 for video black. */
#define PICTURE_LUMA 50.0
#define BLACK_LUMA 10.0

/* What one side observes, written by its streaming threads. */
typedef struct
{
  GMutex lock;
  double max_remote_dbfs; /* since the last reset */
  double max_local_dbfs;
  guint remote_levels;
  double remote_luma; /* of the last frame */
  double local_luma;
  guint remote_frames;
  guint local_frames;
} Observer;

typedef struct
{
  MediaTestPair pair;
  Observer a_seen;
  Observer b_seen;
  guint watchdog;
} Call;

static void
on_level (double dbfs, gboolean remote, gpointer user_data)
{
  Observer *observer = user_data;

  g_mutex_lock (&observer->lock);
  if (remote)
    {
      observer->max_remote_dbfs = MAX (observer->max_remote_dbfs, dbfs);
      observer->remote_levels++;
    }
  else
    observer->max_local_dbfs = MAX (observer->max_local_dbfs, dbfs);
  g_mutex_unlock (&observer->lock);
}

/* Every 4th pixel of every 4th row is plenty for a mean. */
static double
mean_luma (GstSample *sample)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  guint64 sum = 0, n = 0;

  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample))
      || !gst_video_frame_map (&frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ))
    return -1;

  for (gint y = 0; y < GST_VIDEO_FRAME_HEIGHT (&frame); y += 4)
    {
      const guint8 *row = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0)
                          + (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);

      for (gint x = 0; x < GST_VIDEO_FRAME_WIDTH (&frame); x += 4, n++)
        sum += row[4 * x] + row[4 * x + 1] + row[4 * x + 2];
    }
  gst_video_frame_unmap (&frame);

  return n > 0 ? (double) sum / (3.0 * n) : -1;
}

static void
on_video_frame (GstSample *sample, gboolean remote, gpointer user_data)
{
  Observer *observer = user_data;
  double luma = mean_luma (sample);

  g_mutex_lock (&observer->lock);
  if (remote)
    {
      observer->remote_luma = luma;
      observer->remote_frames++;
    }
  else
    {
      observer->local_luma = luma;
      observer->local_frames++;
    }
  g_mutex_unlock (&observer->lock);
}

static void
observer_reset_levels (Observer *observer)
{
  g_mutex_lock (&observer->lock);
  observer->max_remote_dbfs = -INFINITY;
  observer->max_local_dbfs = -INFINITY;
  observer->remote_levels = 0;
  g_mutex_unlock (&observer->lock);
}

static Observer
observer_get (Observer *observer)
{
  Observer copy;

  g_mutex_lock (&observer->lock);
  copy = *observer;
  g_mutex_unlock (&observer->lock);

  return copy;
}

static void
call_setup (Call *call, gconstpointer data)
{
  g_mutex_init (&call->a_seen.lock);
  g_mutex_init (&call->b_seen.lock);
  observer_reset_levels (&call->a_seen);
  observer_reset_levels (&call->b_seen);
  media_test_pair_init (&call->pair, NULL, 0, 0);
  confab_call_pipeline_set_audio_level_func (call->pair.a, on_level, &call->a_seen, NULL);
  confab_call_pipeline_set_audio_level_func (call->pair.b, on_level, &call->b_seen, NULL);
  call->watchdog = media_test_watchdog (WATCHDOG_SECONDS);
}

static void
call_teardown (Call *call, gconstpointer data)
{
  media_test_pair_clear (&call->pair);
  g_source_remove (call->watchdog);
  g_mutex_clear (&call->a_seen.lock);
  g_mutex_clear (&call->b_seen.lock);
}

static void
call_start (Call *call)
{
  media_test_pair_start (&call->pair);
}

static void
run_for (Call *call, guint ms)
{
  media_test_run_for (call->pair.loop, ms);
}

/* Runs the call until @condition holds (the watchdog ends a test that
 * waits for ever). */
static void
run_until (Call *call, MediaTestCondition condition)
{
  media_test_run_until (call->pair.loop, condition, call);
}

/* The peer's decoded audio: its level over @ms after the change has had
 * time to travel (jitter buffer, decoder). */
static double
b_hears_for (Call *call, guint ms)
{
  Observer seen;

  run_for (call, 500);
  observer_reset_levels (&call->b_seen);
  run_for (call, ms);
  seen = observer_get (&call->b_seen);
  g_assert_cmpuint (seen.remote_levels, >=, ms / 20 / 2);

  return seen.max_remote_dbfs;
}

static void
test_mute (Call *call, gconstpointer data)
{
  ConfabMediaStats before, after;
  double dbfs;

  /* Set before start: survives it. */
  g_assert_false (confab_call_pipeline_get_audio_muted (call->pair.a));
  confab_call_pipeline_set_audio_muted (call->pair.a, TRUE);
  g_assert_true (confab_call_pipeline_get_audio_muted (call->pair.a));
  call_start (call);

  dbfs = b_hears_for (call, 500);
  g_test_message ("muted from the start: B hears %.1f dBFS", dbfs);
  g_assert_cmpfloat (dbfs, <, SILENCE_DBFS);
  /* The capture level is the one before the mute. */
  g_assert_cmpfloat (observer_get (&call->a_seen).max_local_dbfs, >, SOUND_DBFS);

  confab_call_pipeline_set_audio_muted (call->pair.a, FALSE);
  g_assert_false (confab_call_pipeline_get_audio_muted (call->pair.a));
  dbfs = b_hears_for (call, 500);
  g_test_message ("unmuted: B hears %.1f dBFS", dbfs);
  g_assert_cmpfloat (dbfs, >, SOUND_DBFS);

  /* Muted, the stream keeps its packets and timing. */
  confab_call_pipeline_set_audio_muted (call->pair.a, TRUE);
  confab_call_pipeline_get_stats (call->pair.a, &before);
  dbfs = b_hears_for (call, 500);
  confab_call_pipeline_get_stats (call->pair.a, &after);
  g_test_message ("muted again: B hears %.1f dBFS, A sent %" G_GUINT64_FORMAT " audio packets "
                  "in 1 s at %.1f kbps",
                  dbfs, after.audio.packets_sent - before.audio.packets_sent,
                  after.audio.send_kbps);
  g_assert_cmpfloat (dbfs, <, SILENCE_DBFS);
  g_assert_cmpuint (after.audio.packets_sent - before.audio.packets_sent, >=, 40);

  g_assert_cmpuint (call->pair.errors, ==, 0);
}

static gboolean
b_sees_picture (gpointer data)
{
  Call *call = data;
  Observer seen = observer_get (&call->b_seen);

  return seen.remote_frames > 10 && seen.remote_luma > PICTURE_LUMA;
}

static void
test_camera_off (Call *call, gconstpointer data)
{
  Observer seen;
  ConfabMediaStats a, b;

  confab_call_pipeline_set_video_frame_func (call->pair.a, on_video_frame, &call->a_seen, NULL);
  confab_call_pipeline_set_video_frame_func (call->pair.b, on_video_frame, &call->b_seen, NULL);
  g_assert_true (confab_call_pipeline_get_video_enabled (call->pair.a));
  call_start (call);
  run_until (call, b_sees_picture);

  confab_call_pipeline_set_video_enabled (call->pair.a, FALSE);
  g_assert_false (confab_call_pipeline_get_video_enabled (call->pair.a));
  /* A second for the last moving frames to leave and the rate window to
   * fill with black ones. */
  run_for (call, 1500);
  seen = observer_get (&call->b_seen);
  g_assert_cmpfloat (seen.remote_luma, >=, 0);
  g_assert_cmpfloat (seen.remote_luma, <, BLACK_LUMA);
  seen = observer_get (&call->a_seen);
  g_assert_cmpfloat (seen.local_luma, >=, 0);
  g_assert_cmpfloat (seen.local_luma, <, BLACK_LUMA);
  confab_call_pipeline_get_stats (call->pair.a, &a);
  confab_call_pipeline_get_stats (call->pair.b, &b);
  g_test_message ("camera off: B decodes %.1f fps at %.1f kbps, A's preview luma %.1f",
                  b.video.decoded_fps, b.video.receive_kbps, seen.local_luma);
  /* Black at a low rate, not a freeze. */
  g_assert_cmpfloat (b.video.decoded_fps, >=, 3);
  g_assert_cmpfloat (b.video.decoded_fps, <=, 8);

  confab_call_pipeline_set_video_enabled (call->pair.a, TRUE);
  run_for (call, 1000);
  seen = observer_get (&call->b_seen);
  g_test_message ("camera on again: B's luma %.1f", seen.remote_luma);
  g_assert_cmpfloat (seen.remote_luma, >, PICTURE_LUMA);
  g_assert_cmpfloat (observer_get (&call->a_seen).local_luma, >, PICTURE_LUMA);
  confab_call_pipeline_get_stats (call->pair.b, &b);
  g_assert_cmpfloat (b.video.decoded_fps, >, CALL_FRAMERATE * 0.7);

  g_assert_cmpuint (call->pair.errors, ==, 0);
}

static void
print_stream (const char *name, const ConfabStreamStats *stream)
{
  g_test_message ("%s %s: send %.1f kbps, receive %.1f kbps, decoded %.1f fps, jitter %.2f ms, "
                  "remote loss %.3f, lost %" G_GUINT64_FORMAT ", FEC recovered %" G_GUINT64_FORMAT,
                  name, stream->codec, stream->send_kbps, stream->receive_kbps, stream->decoded_fps,
                  stream->jitter_ms, stream->remote_loss, stream->packets_lost,
                  stream->fec_recovered);
}

static void
print_stats (const char *name, const ConfabMediaStats *stats)
{
  print_stream (name, &stats->video);
  print_stream (name, &stats->audio);
  g_test_message ("%s: rtt %.2f ms, rtcp sent %" G_GUINT64_FORMAT " received %" G_GUINT64_FORMAT,
                  name, stats->rtt_ms, stats->rtcp_packets_sent, stats->rtcp_packets_received);
}

static void
assert_plausible (const ConfabMediaStats *stats)
{
  g_assert_cmpstr (stats->video.codec, ==, "VP8");
  g_assert_cmpstr (stats->audio.codec, ==, "OPUS");

  g_assert_cmpfloat (stats->video.send_kbps, >, 100);
  g_assert_cmpfloat (stats->video.send_kbps, <, 3000);
  g_assert_cmpfloat (stats->video.receive_kbps, >, 100);
  g_assert_cmpfloat (stats->video.receive_kbps, <, 3000);
  /* 32 kbps of Opus plus 50 RTP headers a second. */
  g_assert_cmpfloat (stats->audio.send_kbps, >, 10);
  g_assert_cmpfloat (stats->audio.send_kbps, <, 100);
  g_assert_cmpfloat (stats->audio.receive_kbps, >, 10);
  g_assert_cmpfloat (stats->audio.receive_kbps, <, 100);

  g_assert_cmpfloat (stats->video.decoded_fps, >=, CALL_FRAMERATE * 0.7);
  g_assert_cmpfloat (stats->video.decoded_fps, <=, CALL_FRAMERATE * 1.3);
  g_assert_cmpfloat (stats->audio.decoded_fps, ==, 0);

  g_assert_true (isfinite (stats->video.jitter_ms) && isfinite (stats->audio.jitter_ms));
  g_assert_cmpfloat (stats->video.jitter_ms, >=, 0);
  g_assert_cmpfloat (stats->video.jitter_ms, <, 30);
  g_assert_cmpfloat (stats->audio.jitter_ms, >=, 0);
  g_assert_cmpfloat (stats->audio.jitter_ms, <, 30);

  /* Once RTCP has gone both ways, in-process. */
  g_assert_cmpuint (stats->rtcp_packets_received, >, 0);
  g_assert_cmpfloat (stats->rtt_ms, >, 0);
  g_assert_cmpfloat (stats->rtt_ms, <, 200);
}

static void
test_stats (Call *call, gconstpointer data)
{
  ConfabMediaStats a, b;

  call_start (call);
  run_for (call, 3000);
  confab_call_pipeline_get_stats (call->pair.a, &a);
  confab_call_pipeline_get_stats (call->pair.b, &b);
  print_stats ("A", &a);
  print_stats ("B", &b);

  assert_plausible (&a);
  assert_plausible (&b);
  g_assert_cmpfloat (a.video.remote_loss + a.audio.remote_loss, ==, 0);
  g_assert_cmpfloat (b.video.remote_loss + b.audio.remote_loss, ==, 0);
  g_assert_cmpuint (a.audio.fec_recovered + b.audio.fec_recovered, ==, 0);
  g_assert_cmpuint (call->pair.errors, ==, 0);
}

/* GStreamer 1.22's rtpsession leaves report blocks out of early (AVPF)
 * feedback packets, and with a PLI after every video loss those replace
 * most regular reports: under 10% loss B's blocks reach A only every 2 to
 * 3 s. */
static gboolean
a_has_loss_reports (gpointer data)
{
  Call *call = data;
  ConfabMediaStats stats;

  confab_call_pipeline_get_stats (call->pair.a, &stats);
  return stats.audio.remote_loss > 0 && stats.video.remote_loss > 0;
}

/* Every 10th audio and video packet from A to B is lost: B's reports tell
 * A, and B's Opus decoder rebuilds lost audio from the next packet's FEC. */
static void
test_loss_stats (Call *call, gconstpointer data)
{
  ConfabMediaStats a, b;
  guint audio_dropped, video_dropped;

  call->pair.a_to_b.drop_audio_every = 10;
  call->pair.a_to_b.drop_video_every = 10;
  call_start (call);
  run_for (call, 2000);
  run_until (call, a_has_loss_reports);
  confab_call_pipeline_get_stats (call->pair.a, &a);
  confab_call_pipeline_get_stats (call->pair.b, &b);
  print_stats ("A", &a);
  print_stats ("B", &b);
  audio_dropped = g_atomic_int_get (&call->pair.a_to_b.audio_dropped);
  video_dropped = g_atomic_int_get (&call->pair.a_to_b.video_dropped);
  g_test_message ("dropped %u audio, %u video packets A -> B", audio_dropped, video_dropped);

  /* Fraction lost is 8 bits per report interval: 0.1 give or take one
   * packet in an interval of about 50 (audio) or 60 (video). */
  g_assert_cmpfloat (fabs (a.video.remote_loss - 0.1), <, 0.04);
  g_assert_cmpfloat (fabs (a.audio.remote_loss - 0.1), <, 0.04);
  g_assert_cmpfloat (b.video.remote_loss + b.audio.remote_loss, ==, 0);

  /* Each lost 20 ms packet is followed by a packet that carries it at low
   * bitrate; the last losses may not have been noticed yet. */
  g_assert_cmpuint (b.audio.packets_lost, >, 0);
  g_assert_cmpuint (b.audio.fec_recovered, >, 0);
  g_assert_cmpuint (b.audio.fec_recovered, <=, b.audio.packets_lost);
  g_assert_cmpuint (b.audio.fec_recovered + 5, >=, b.audio.packets_lost);
  g_assert_cmpuint (a.audio.fec_recovered, ==, 0);
  g_assert_cmpuint (call->pair.errors, ==, 0);
}

static void
test_list_devices (void)
{
  static const struct
  {
    ConfabMediaDeviceKind kind;
    const char *name;
  } kinds[] = {
    { CONFAB_MEDIA_DEVICE_CAMERA, "cameras" },
    { CONFAB_MEDIA_DEVICE_MICROPHONE, "microphones" },
    { CONFAB_MEDIA_DEVICE_SPEAKER, "speakers" },
  };

  /* On a machine without devices the lists are empty, and nothing warns
   * (fatal-warnings). */
  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr (GPtrArray) devices = confab_media_list_devices (kinds[i].kind);

      g_assert_nonnull (devices);
      g_test_message ("%u %s", devices->len, kinds[i].name);
      for (guint j = 0; j < devices->len; j++)
        {
          ConfabMediaDevice *device = g_ptr_array_index (devices, j);
          g_autoptr (ConfabMediaDevice) copy = confab_media_device_copy (device);

          g_test_message ("  %s: %s", device->id, device->display_name);
          g_assert_nonnull (device->id);
          g_assert_nonnull (device->display_name);
          g_assert_cmpstr (copy->id, ==, device->id);
        }
    }
}

static void
assert_no_device (ConfabMediaConfig *config, const char *id)
{
  ConfabStreamParams streams[2];
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfabCallPipeline) pipeline = NULL;

  media_test_streams (streams, 0);
  pipeline = confab_call_pipeline_new (config, streams, G_N_ELEMENTS (streams), &error);
  g_assert_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_NO_DEVICE);
  g_assert_null (pipeline);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, id));
}

static void
test_unknown_device (void)
{
  ConfabMediaConfig config;
  g_autoptr (ConfabCallPipeline) pipeline = NULL;

  confab_media_config_init (&config);
  config.video_source = "no-such-camera";
  assert_no_device (&config, "no-such-camera");

  confab_media_config_init (&config);
  config.audio_source = "no-such-microphone";
  assert_no_device (&config, "no-such-microphone");

  confab_media_config_init (&config);
  config.play_audio = TRUE;
  config.speaker = "no-such-speaker";
  assert_no_device (&config, "no-such-speaker");

  /* Without play_audio the speaker is not used, nor looked up. */
  config.play_audio = FALSE;
  pipeline = media_test_pipeline_new (&config, 0);
}

int
main (int argc, char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/confab/media/controls/mute", Call, NULL, call_setup, test_mute, call_teardown);
  g_test_add ("/confab/media/controls/camera-off", Call, NULL, call_setup, test_camera_off,
              call_teardown);
  g_test_add ("/confab/media/stats/loopback", Call, NULL, call_setup, test_stats, call_teardown);
  g_test_add ("/confab/media/stats/loss", Call, NULL, call_setup, test_loss_stats, call_teardown);
  g_test_add_func ("/confab/media/devices/list", test_list_devices);
  g_test_add_func ("/confab/media/devices/unknown", test_unknown_device);

  return g_test_run ();
}
