/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-media-capture.h"

#include "confab-media-elements.h"
#include "confab-media-meters.h"
#include "confab-video-ladder.h"

#include <glib/gi18n-lib.h>
#include <gst/video/video.h>
#include <string.h>

/* With the camera off, one black frame every 200 ms: the peer sees a
 * steady "camera off" picture instead of a freeze, and the encoder costs
 * next to nothing. */
#define CAMERA_OFF_INTERVAL (200 * GST_MSECOND)

struct _ConfabMediaCapture
{
  /* Immutable after construction. */
  GstBin *bin;
  char *video_source;
  char *audio_source;
  guint width, height, framerate;
  guint video_bitrate_kbps, audio_bitrate_kbps;
  ConfabCallbackSlot *frame_slot;
  ConfabCallbackSlot *level_slot;
  GstElement *volume; /* mutes the microphone: its "mute" is the control */
  GstElement *video_tee;
  GstElement *encode_filter; /* the size the encoder gets: the ladder's rung */
  GstElement *encoders[2];   /* by ConfabStreamKind */

  /* Owner thread only. */
  gboolean preview_built;

  gint video_enabled;      /* atomic, read per camera frame */
  guint video_target_kbps; /* atomic: what congestion control set last */

  /* The video source's streaming thread only (and free, once it has
   * stopped). */
  GstBuffer *black_frame;
  GstClockTime next_black_pts;

  /* The video encoder's thread only. */
  GstClockTime next_encode_pts;

  GMutex lock;
  guint64 frames_encoded[2]; /* by ConfabStreamKind */
  ConfabRateMeter video_encoded_rate;
  ConfabVideoLadder ladder;
  GstClockTime encode_interval; /* between the frames the encoder gets; 0: all of them */
};

typedef struct
{
  ConfabMediaCapture *capture;
  ConfabStreamKind kind;
} EncoderProbe;

static GstPadProbeReturn
on_encoded (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  EncoderProbe *probe = user_data;
  ConfabMediaCapture *capture = probe->capture;

  guint n = confab_media_count_buffers (info);

  g_mutex_lock (&capture->lock);
  capture->frames_encoded[probe->kind] += n;
  if (probe->kind == CONFAB_STREAM_KIND_VIDEO)
    confab_rate_meter_add (&capture->video_encoded_rate, g_get_monotonic_time (), n);
  g_mutex_unlock (&capture->lock);

  return GST_PAD_PROBE_OK;
}

static void
count_encoded (ConfabMediaCapture *capture, GstElement *encoder, ConfabStreamKind kind)
{
  g_autoptr (GstPad) pad = gst_element_get_static_pad (encoder, "src");
  EncoderProbe *probe = g_new (EncoderProbe, 1);

  *probe = (EncoderProbe){ capture, kind };
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST, on_encoded,
                     probe, g_free);
  capture->encoders[kind] = encoder;
}

/* Before the mute, so that the UI can tell a muted user who talks. */
static GstPadProbeReturn
on_audio_captured (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  ConfabMediaCapture *capture = user_data;

  confab_media_report_level (capture->level_slot, GST_PAD_PROBE_INFO_BUFFER (info), FALSE);

  return GST_PAD_PROBE_OK;
}

/* An I420 frame of the camera's size in video black (Y 16, U and V 128),
 * shared by all the frames sent while the camera is off. */
static GstBuffer *
new_black_frame (GstPad *pad)
{
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  GstVideoInfo info;
  GstBuffer *buffer;
  GstMapInfo map;

  if (caps == NULL || !gst_video_info_from_caps (&info, caps)
      || GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_FORMAT_I420)
    return NULL;

  buffer = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  memset (map.data, 128, map.size);
  memset (map.data + GST_VIDEO_INFO_PLANE_OFFSET (&info, 0), 16,
          (gsize) GST_VIDEO_INFO_PLANE_STRIDE (&info, 0) * GST_VIDEO_INFO_COMP_HEIGHT (&info, 0));
  gst_buffer_unmap (buffer, &map);

  return buffer;
}

/* With the camera off, replaces its frames by black ones, a few per second.
 * Done on the raw frames before the tee, so that the preview shows what the
 * peer sees. */
static GstPadProbeReturn
on_camera_frame (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  ConfabMediaCapture *capture = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime pts = GST_BUFFER_PTS (buffer);
  GstBuffer *black;

  if (g_atomic_int_get (&capture->video_enabled))
    {
      capture->next_black_pts = GST_CLOCK_TIME_NONE;
      return GST_PAD_PROBE_OK;
    }

  if (GST_CLOCK_TIME_IS_VALID (pts) && GST_CLOCK_TIME_IS_VALID (capture->next_black_pts)
      && pts < capture->next_black_pts)
    return GST_PAD_PROBE_DROP;
  capture->next_black_pts
      = GST_CLOCK_TIME_IS_VALID (pts) ? pts + CAMERA_OFF_INTERVAL : GST_CLOCK_TIME_NONE;

  if (capture->black_frame == NULL)
    capture->black_frame = new_black_frame (pad);
  /* Never the camera's picture while it is off. */
  if (capture->black_frame == NULL)
    return GST_PAD_PROBE_DROP;

  /* A new buffer sharing the black memory, with the frame's timing. */
  black = gst_buffer_copy (capture->black_frame);
  gst_buffer_copy_into (black, buffer, GST_BUFFER_COPY_FLAGS | GST_BUFFER_COPY_TIMESTAMPS, 0, -1);
  gst_buffer_unref (buffer);
  GST_PAD_PROBE_INFO_DATA (info) = black;

  return GST_PAD_PROBE_OK;
}

/* The ladder's frame rate: drops frames on their way to the encoder rather
 * than renegotiating (libvpx's rate control follows the timestamps, and
 * the camera and the preview keep their rate). */
static GstPadProbeReturn
on_frame_to_encode (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  ConfabMediaCapture *capture = user_data;
  GstClockTime pts = GST_BUFFER_PTS (GST_PAD_PROBE_INFO_BUFFER (info));

  g_mutex_lock (&capture->lock);
  GstClockTime interval = capture->encode_interval;
  g_mutex_unlock (&capture->lock);

  if (interval == 0 || !GST_CLOCK_TIME_IS_VALID (pts))
    {
      capture->next_encode_pts = GST_CLOCK_TIME_NONE;
      return GST_PAD_PROBE_OK;
    }
  /* A few milliseconds early still counts: camera timestamps jitter. */
  if (GST_CLOCK_TIME_IS_VALID (capture->next_encode_pts)
      && pts + 5 * GST_MSECOND < capture->next_encode_pts)
    return GST_PAD_PROBE_DROP;
  /* On the grid, unless the source fell behind it. */
  if (GST_CLOCK_TIME_IS_VALID (capture->next_encode_pts)
      && pts < capture->next_encode_pts + interval)
    capture->next_encode_pts += interval;
  else
    capture->next_encode_pts = pts + interval;
  return GST_PAD_PROBE_OK;
}

static GstCaps *
encode_caps (guint width, guint height)
{
  return gst_caps_new_simple ("video/x-raw", "width", G_TYPE_INT, (gint) width, "height",
                              G_TYPE_INT, (gint) height, "pixel-aspect-ratio", GST_TYPE_FRACTION, 1,
                              1, NULL);
}

static GstElement *
add_video_source (ConfabMediaCapture *capture, GError **error)
{
  const char *source = capture->video_source;
  GstElement *element;

  if (g_str_equal (source, "test"))
    {
      element = confab_media_add_element (capture->bin, "videotestsrc", "video-source", error);
      /* A scrolling picture, so that the encoder codes real motion and
       * the packet counts look like a camera's rather than a still's. */
      if (element != NULL)
        {
          g_object_set (element, "is-live", TRUE, "horizontal-speed", 2, NULL);
          gst_util_set_object_arg (G_OBJECT (element), "pattern", "smpte");
        }
      return element;
    }

  if (g_str_has_prefix (source, "/dev/"))
    {
      if (!g_file_test (source, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_NO_DEVICE,
                       _ ("The camera “%s” does not exist"), source);
          return NULL;
        }
      element = confab_media_add_element (capture->bin, "v4l2src", "video-source", error);
      if (element != NULL)
        g_object_set (element, "device", source, NULL);
      return element;
    }

  /* "camera": the default one. */
  return confab_media_add_device_element (capture->bin, NULL, CONFAB_MEDIA_DEVICE_CAMERA,
                                          g_str_equal (source, "camera") ? NULL : source,
                                          "video-source", error);
}

static GstElement *
add_audio_source (ConfabMediaCapture *capture, GError **error)
{
  const char *source = capture->audio_source;
  GstElement *element;

  if (g_str_equal (source, "test"))
    {
      element = confab_media_add_element (capture->bin, "audiotestsrc", "audio-source", error);
      /* One 20 ms Opus frame per buffer. Tone bursts of 200 ms every
       * 300 ms, like syllables: SILK's voice activity detector takes a
       * steady tone for background noise after a second, and then the
       * encoder stops sending in-band FEC, as it would in a pause. */
      if (element != NULL)
        {
          g_object_set (element, "is-live", TRUE, "volume", 0.3, "samplesperbuffer", 960,
                        "sine-periods-per-tick", 88, "tick-interval", (guint64) (300 * GST_MSECOND),
                        "apply-tick-ramp", TRUE, NULL);
          gst_util_set_object_arg (G_OBJECT (element), "wave", "ticks");
        }
      return element;
    }

  /* "mic": the default one. */
  return confab_media_add_device_element (capture->bin, NULL, CONFAB_MEDIA_DEVICE_MICROPHONE,
                                          g_str_equal (source, "mic") ? NULL : source,
                                          "audio-source", error);
}

/* libvpx's VP8 worker threads spin while they wait for each other: on a
 * small picture or with few cores, a second thread burns a core and slows
 * the encoder down (measured: 2 threads at 320x240 on 2 cores took ~45% of
 * a core each and made the encoder drop frames). The thresholds are
 * WebRTC's (vp8_impl.cc, NumberOfThreads). */
static gint
encoder_threads (guint width, guint height)
{
  guint pixels = width * height;
  guint cpus = g_get_num_processors ();

  if (pixels >= 1920 * 1080 && cpus > 8)
    return 8;
  if (pixels > 1280 * 960 && cpus >= 6)
    return 3;
  if (pixels > 640 * 480 && cpus >= 3)
    return 2;
  return 1;
}

/* libvpx realtime mode with a positive cpu-used adapts its effort to the
 * time it has: on an idle core it spends most of it (measured: a 720p peer
 * at cpu-used 8 took 35-63% of a core depending on what else ran). Like
 * WebRTC (vp8_impl.cc, GetCpuSpeed), ask for the fastest setting on big
 * pictures with few cores, so a call leaves room for decoding and the UI. */
static gint
encoder_speed (guint width, guint height)
{
  if (width * height > 640 * 480 && g_get_num_processors () <= 3)
    return 12;
  return 8;
}

static gboolean
build_video (ConfabMediaCapture *capture, GError **error)
{
  GstBin *bin = capture->bin;
  GstElement *source, *convert, *scale, *rate, *filter, *queue, *encode_scale, *encoder;

  if ((source = add_video_source (capture, error)) == NULL
      || (convert = confab_media_add_element (bin, "videoconvert", NULL, error)) == NULL
      || (scale = confab_media_add_element (bin, "videoscale", NULL, error)) == NULL
      || (rate = confab_media_add_element (bin, "videorate", NULL, error)) == NULL
      || (filter = confab_media_add_capsfilter (
              bin,
              gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "I420", "width",
                                   G_TYPE_INT, (gint) capture->width, "height", G_TYPE_INT,
                                   (gint) capture->height, "framerate", GST_TYPE_FRACTION,
                                   (gint) capture->framerate, 1, "pixel-aspect-ratio",
                                   GST_TYPE_FRACTION, 1, 1, NULL),
              error))
             == NULL
      || (capture->video_tee = confab_media_add_element (bin, "tee", "video-tee", error)) == NULL
      || (queue = confab_media_add_element (bin, "queue", NULL, error)) == NULL
      || (encode_scale = confab_media_add_element (bin, "videoscale", NULL, error)) == NULL
      || (capture->encode_filter
          = confab_media_add_capsfilter (bin, encode_caps (capture->width, capture->height), error))
             == NULL
      || (encoder = confab_media_add_element (bin, "vp8enc", "video-encoder", error)) == NULL)
    return FALSE;

  /* The encoder gets its own thread; when it cannot keep up, old frames
   * are dropped instead of stalling the camera. */
  g_object_set (queue, "max-size-buffers", 3, "max-size-bytes", 0, "max-size-time", (guint64) 0,
                NULL);
  gst_util_set_object_arg (G_OBJECT (queue), "leaky", "downstream");

  /* Realtime VP8: no lookahead, constant bitrate for the network, a
   * keyframe at least every 3 s so a receiver that lost one recovers
   * even without a PLI, and error resilience so that decoding goes on
   * after a loss. */
  g_object_set (encoder, "deadline", (gint64) 1, "cpu-used",
                encoder_speed (capture->width, capture->height), "target-bitrate",
                (gint) (capture->video_bitrate_kbps * 1000), "keyframe-max-dist",
                (gint) (capture->framerate * 3), "threads",
                encoder_threads (capture->width, capture->height), "lag-in-frames", 0, NULL);
  gst_util_set_object_arg (G_OBJECT (encoder), "end-usage", "cbr");
  /* For congestion control (confab_media_capture_set_video_bitrate()):
   * libvpx's rate control follows a new target within a second, as in
   * WebRTC (a 1 s buffer, not 6 s); when even the coarsest quantizer
   * cannot meet it (a moving 640x360 picture needs 500 kbit/s at 30 fps),
   * it drops frames rather than overshoot, as WebRTC does
   * (dropframe-threshold); and neither key frames asked for by a stream of
   * PLIs after a loss nor any one key frame (3 × a frame's share) blow
   * through it. */
  g_object_set (encoder, "buffer-size", 1000, "buffer-initial-size", 500, "buffer-optimal-size",
                600, "dropframe-threshold", 30, "max-intra-bitrate", 300,
                "min-force-key-unit-interval", (guint64) (500 * GST_MSECOND), NULL);
  gst_util_set_object_arg (G_OBJECT (encoder), "error-resilient", "default");

  confab_video_ladder_init (&capture->ladder, capture->width, capture->height, capture->framerate,
                            capture->video_bitrate_kbps);
  count_encoded (capture, encoder, CONFAB_STREAM_KIND_VIDEO);
  confab_media_add_probe (filter, "src", GST_PAD_PROBE_TYPE_BUFFER, on_camera_frame, capture);
  confab_media_add_probe (queue, "src", GST_PAD_PROBE_TYPE_BUFFER, on_frame_to_encode, capture);

  /* After the tee: the self-view keeps the camera's picture whatever the
   * ladder sends. A new size renegotiates from the capsfilter (videoscale
   * is passthrough at the camera's size) and vp8enc starts again on it
   * with a key frame; the peer's vp8dec follows the key frame's size. */
  return confab_media_link_elements (error, source, convert, scale, rate, filter,
                                     capture->video_tee, queue, encode_scale,
                                     capture->encode_filter, encoder, NULL);
}

static gboolean
build_audio (ConfabMediaCapture *capture, GError **error)
{
  GstBin *bin = capture->bin;
  GstElement *source, *convert, *resample, *filter, *encoder;

  /* S16LE: what opusenc takes, fixed here so that the level probe knows
   * the samples without asking the caps. */
  if ((source = add_audio_source (capture, error)) == NULL
      || (convert = confab_media_add_element (bin, "audioconvert", NULL, error)) == NULL
      || (resample = confab_media_add_element (bin, "audioresample", NULL, error)) == NULL
      || (filter = confab_media_add_capsfilter (
              bin,
              gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, "S16LE", "rate",
                                   G_TYPE_INT, 48000, "channels", G_TYPE_INT, 1, NULL),
              error))
             == NULL
      || (capture->volume = confab_media_add_element (bin, "volume", "mute", error)) == NULL
      || (encoder = confab_media_add_element (bin, "opusenc", "audio-encoder", error)) == NULL)
    return FALSE;

  /* In-band FEC only helps when the encoder expects loss; 10% makes it
   * spend the bits. */
  g_object_set (encoder, "bitrate", (gint) (capture->audio_bitrate_kbps * 1000), "inband-fec", TRUE,
                "packet-loss-percentage", 10, NULL);
  gst_util_set_object_arg (G_OBJECT (encoder), "frame-size", "20");
  gst_util_set_object_arg (G_OBJECT (encoder), "audio-type", "voice");

  count_encoded (capture, encoder, CONFAB_STREAM_KIND_AUDIO);
  confab_media_add_probe (filter, "src", GST_PAD_PROBE_TYPE_BUFFER, on_audio_captured, capture);

  return confab_media_link_elements (error, source, convert, resample, filter, capture->volume,
                                     encoder, NULL);
}

ConfabMediaCapture *
confab_media_capture_new (GstBin *bin, const ConfabMediaConfig *config, gboolean audio,
                          gboolean video, ConfabCallbackSlot *frame_slot,
                          ConfabCallbackSlot *level_slot, GError **error)
{
  ConfabMediaCapture *capture = g_new0 (ConfabMediaCapture, 1);

  capture->bin = bin;
  capture->video_source = g_strdup (config->video_source);
  capture->audio_source = g_strdup (config->audio_source);
  capture->width = config->width;
  capture->height = config->height;
  capture->framerate = config->framerate;
  capture->video_bitrate_kbps = config->video_bitrate_kbps;
  capture->video_target_kbps = config->video_bitrate_kbps;
  capture->audio_bitrate_kbps = config->audio_bitrate_kbps;
  capture->frame_slot = frame_slot;
  capture->level_slot = level_slot;
  capture->video_enabled = TRUE;
  capture->next_black_pts = GST_CLOCK_TIME_NONE;
  capture->next_encode_pts = GST_CLOCK_TIME_NONE;
  g_mutex_init (&capture->lock);

  if ((video && !build_video (capture, error)) || (audio && !build_audio (capture, error)))
    {
      confab_media_capture_free (capture);
      return NULL;
    }

  return capture;
}

void
confab_media_capture_free (ConfabMediaCapture *capture)
{
  if (capture == NULL)
    return;

  gst_clear_buffer (&capture->black_frame);
  g_free (capture->video_source);
  g_free (capture->audio_source);
  g_mutex_clear (&capture->lock);
  g_free (capture);
}

GstElement *
confab_media_capture_get_encoder (ConfabMediaCapture *capture, ConfabStreamKind kind)
{
  return capture->encoders[kind];
}

gboolean
confab_media_capture_build_preview (ConfabMediaCapture *capture, GError **error)
{
  GstElement *queue, *convert, *sink;

  if (capture->preview_built || capture->video_tee == NULL)
    return TRUE;

  if ((queue = confab_media_add_element (capture->bin, "queue", NULL, error)) == NULL
      || (convert = confab_media_add_element (capture->bin, "videoconvert", NULL, error)) == NULL
      || (sink = confab_media_add_frame_sink (capture->bin, "preview-sink", FALSE,
                                              capture->frame_slot, error))
             == NULL)
    return FALSE;

  g_object_set (queue, "max-size-buffers", 2, "max-size-bytes", 0, "max-size-time", (guint64) 0,
                NULL);
  gst_util_set_object_arg (G_OBJECT (queue), "leaky", "downstream");

  if (!confab_media_link_elements (error, capture->video_tee, queue, convert, sink, NULL))
    return FALSE;
  capture->preview_built = TRUE;
  return TRUE;
}

guint64
confab_media_capture_get_frames_encoded (ConfabMediaCapture *capture, ConfabStreamKind kind)
{
  guint64 frames;

  g_mutex_lock (&capture->lock);
  frames = capture->frames_encoded[kind];
  g_mutex_unlock (&capture->lock);

  return frames;
}

/* Muting zeroes the samples but keeps the buffers coming: the encoder goes
 * on sending (tiny) packets with their usual timing, so the peer's jitter
 * buffer and lip sync see no discontinuity when the mic comes back. */
void
confab_media_capture_set_audio_muted (ConfabMediaCapture *capture, gboolean muted)
{
  if (capture->volume != NULL)
    g_object_set (capture->volume, "mute", !!muted, NULL);
}

gboolean
confab_media_capture_get_audio_muted (ConfabMediaCapture *capture)
{
  gboolean muted = FALSE;

  if (capture->volume != NULL)
    g_object_get (capture->volume, "mute", &muted, NULL);
  return muted;
}

void
confab_media_capture_set_video_enabled (ConfabMediaCapture *capture, gboolean enabled)
{
  /* The camera probe reads the flag per frame. */
  g_atomic_int_set (&capture->video_enabled, !!enabled);
}

gboolean
confab_media_capture_get_video_enabled (ConfabMediaCapture *capture)
{
  return g_atomic_int_get (&capture->video_enabled);
}

void
confab_media_capture_set_video_bitrate (ConfabMediaCapture *capture, guint kbps)
{
  GstElement *encoder = capture->encoders[CONFAB_STREAM_KIND_VIDEO];

  if (encoder == NULL)
    return;
  kbps = CLAMP (kbps, 1, capture->video_bitrate_kbps);
  if ((guint) g_atomic_int_exchange ((gint *) &capture->video_target_kbps, kbps) != kbps)
    g_object_set (encoder, "target-bitrate", (gint) (kbps * 1000), NULL);

  g_mutex_lock (&capture->lock);
  gboolean changed = confab_video_ladder_update (&capture->ladder, g_get_monotonic_time (), kbps);
  ConfabVideoRung rung = *confab_video_ladder_get_rung (&capture->ladder);
  if (changed)
    capture->encode_interval
        = rung.framerate < capture->framerate ? GST_SECOND / rung.framerate : 0;
  g_mutex_unlock (&capture->lock);

  if (!changed)
    return;
  g_debug ("video ladder: %ux%u at %u fps for %u kbit/s", rung.width, rung.height, rung.framerate,
           kbps);
  g_autoptr (GstCaps) caps = encode_caps (rung.width, rung.height);
  g_object_set (capture->encode_filter, "caps", caps, NULL);
}

void
confab_media_capture_get_sent_video (ConfabMediaCapture *capture, guint *width, guint *height,
                                     double *fps)
{
  *width = *height = 0;
  *fps = 0;
  if (capture->encoders[CONFAB_STREAM_KIND_VIDEO] == NULL)
    return;
  /* The rung asked for rather than the encoder's caps: those go with the
   * pipeline, and the call's last figures are read after it stopped. */
  g_mutex_lock (&capture->lock);
  const ConfabVideoRung *rung = confab_video_ladder_get_rung (&capture->ladder);
  *width = rung->width;
  *height = rung->height;
  *fps = confab_rate_meter_get (&capture->video_encoded_rate, g_get_monotonic_time ());
  g_mutex_unlock (&capture->lock);
}

guint
confab_media_capture_get_video_bitrate (ConfabMediaCapture *capture)
{
  if (capture->encoders[CONFAB_STREAM_KIND_VIDEO] == NULL)
    return 0;
  return g_atomic_int_get (&capture->video_target_kbps);
}

void
confab_media_capture_set_audio_loss_hint (ConfabMediaCapture *capture, guint percent)
{
  GstElement *encoder = capture->encoders[CONFAB_STREAM_KIND_AUDIO];

  if (encoder != NULL)
    g_object_set (encoder, "packet-loss-percentage", (gint) MIN (percent, 100), NULL);
}
