/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The call pipeline composes its two halves in one GstPipeline: the
 * capture (confab-media-capture.h: sources, encoders, self-view, controls)
 * and the per-peer RTP session (confab-rtp-session.h: rtpbin, payloaders,
 * packets in and out, receive chains, FEC, per-stream statistics). This
 * file owns the GstPipeline, its bus, the user callbacks and the
 * lifecycle.
 */
#include "config.h"

#include "confab-call-pipeline.h"

#include "confab-call-pipeline-private.h"
#include "confab-callback-slot.h"
#include "confab-media-capture.h"
#include "confab-media-devices-private.h"
#include "confab-media-stream.h"
#include "confab-rtp-session.h"

#include <glib/gi18n-lib.h>

/* clang-format off */
G_DEFINE_QUARK (confab-media-error-quark, confab_media_error)
/* clang-format on */

struct _ConfabCallPipeline
{
  GObject parent_instance;

  /* Immutable after construction. */
  GMainContext *context;
  GstElement *pipeline;
  GSource *bus_source;
  ConfabMediaCapture *capture;
  ConfabRtpSession *session;

  /* The user callbacks, each with the lock that makes replacing it safe. */
  ConfabCallbackSlot packet_slot; /* ConfabPacketFunc */
  ConfabCallbackSlot frame_slot;  /* ConfabVideoFrameFunc */
  ConfabCallbackSlot level_slot;  /* ConfabAudioLevelFunc */

  gboolean started; /* owner thread */
  gint stopped;     /* atomic; a stopped pipeline stays stopped */
};

G_DEFINE_FINAL_TYPE (ConfabCallPipeline, confab_call_pipeline, G_TYPE_OBJECT)

enum
{
  SIGNAL_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
confab_media_config_init (ConfabMediaConfig *config)
{
  g_return_if_fail (config != NULL);

  *config = (ConfabMediaConfig){
    .video_source = "test",
    .audio_source = "test",
    .width = 640,
    .height = 360,
    .framerate = 30,
    .video_bitrate_kbps = 1000,
    .audio_bitrate_kbps = 32,
    .play_audio = FALSE,
    .speaker = NULL,
    .fec_overhead = 25,
    .fec_key_frame_overhead = 50,
  };
}

/* Bus (owner's main context) ---------------------------------------------- */

static gboolean
on_bus_message (GstBus *bus, GstMessage *message, gpointer user_data)
{
  ConfabCallPipeline *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr (GError) gst_error = NULL;
        g_autofree char *debug = NULL;
        g_autoptr (GError) error = NULL;

        gst_message_parse_error (message, &gst_error, &debug);
        g_debug ("Error from %s: %s (%s)", GST_MESSAGE_SRC_NAME (message), gst_error->message,
                 debug ? debug : "");
        if (gst_error->domain == CONFAB_MEDIA_ERROR)
          error = g_error_copy (gst_error);
        else
          error = g_error_new (CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_PIPELINE, "%s (%s)",
                               gst_error->message, GST_MESSAGE_SRC_NAME (message));

        g_object_ref (self);
        g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
        g_object_unref (self);
        break;
      }

    case GST_MESSAGE_WARNING:
      {
        g_autoptr (GError) warning = NULL;
        g_autofree char *debug = NULL;

        /* Not g_warning(): a warning from a plugin (a late buffer, a
         * decoder hiccup after loss) is not a bug in this program. */
        gst_message_parse_warning (message, &warning, &debug);
        g_debug ("Warning from %s: %s (%s)", GST_MESSAGE_SRC_NAME (message), warning->message,
                 debug ? debug : "");
        break;
      }

    case GST_MESSAGE_LATENCY:
      gst_bin_recalculate_latency (GST_BIN (self->pipeline));
      break;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

/* Construction ------------------------------------------------------------ */

static gboolean
validate_config (const ConfabMediaConfig *config, GError **error)
{
  const char *problem = NULL;

  if (config->video_source == NULL || config->audio_source == NULL)
    problem = _ ("no video or audio source given");
  else if (config->width < 16 || config->width > 4096 || config->height < 16
           || config->height > 4096)
    problem = _ ("the video size must be between 16 and 4096 pixels");
  else if (config->framerate < 1 || config->framerate > 120)
    problem = _ ("the frame rate must be between 1 and 120");
  else if (config->video_bitrate_kbps < 1 || config->video_bitrate_kbps > 100000
           || config->audio_bitrate_kbps < 6 || config->audio_bitrate_kbps > 510)
    problem = _ ("the bitrate is out of range");
  else if (config->fec_overhead > 100 || config->fec_key_frame_overhead > 100)
    problem = _ ("the FEC overhead must be between 0 and 100%");

  return confab_media_config_problem (problem, error);
}

/* Whether a stream of @kind is sent. */
static gboolean
sends_kind (const ConfabStreamParams *streams, guint n_streams, ConfabStreamKind kind)
{
  for (guint i = 0; i < n_streams; i++)
    if (streams[i].kind == kind && streams[i].send)
      return TRUE;
  return FALSE;
}

ConfabCallPipeline *
confab_call_pipeline_new (const ConfabMediaConfig *config, const ConfabStreamParams *streams,
                          guint n_streams, GError **error)
{
  g_autoptr (ConfabCallPipeline) self = NULL;
  g_autoptr (GstDevice) speaker = NULL;
  g_autoptr (GstBus) bus = NULL;
  GstBin *bin;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);

  if (!validate_config (config, error)
      || !confab_stream_params_validate (streams, n_streams, error))
    return NULL;

  /* Looked up now, so that a speaker that is gone fails the call's setup
   * rather than its first audio packet. */
  if (config->play_audio && config->speaker != NULL
      && (speaker = confab_media_device_find (CONFAB_MEDIA_DEVICE_SPEAKER, config->speaker, error))
             == NULL)
    return NULL;

  self = g_object_new (CONFAB_TYPE_CALL_PIPELINE, NULL);
  self->context = g_main_context_ref_thread_default ();
  self->pipeline = gst_object_ref_sink (gst_pipeline_new (NULL));
  bin = GST_BIN (self->pipeline);

  if ((self->capture = confab_media_capture_new (
           bin, config, sends_kind (streams, n_streams, CONFAB_STREAM_KIND_AUDIO),
           sends_kind (streams, n_streams, CONFAB_STREAM_KIND_VIDEO), &self->frame_slot,
           &self->level_slot, error))
          == NULL
      || (self->session = confab_rtp_session_new (bin, config, streams, n_streams, speaker,
                                                  self->capture, &self->packet_slot,
                                                  &self->frame_slot, &self->level_slot, error))
             == NULL)
    return NULL;

  bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
  self->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (self->bus_source, G_SOURCE_FUNC (on_bus_message), self, NULL);
  g_source_attach (self->bus_source, self->context);

  return g_steal_pointer (&self);
}

/* Public API -------------------------------------------------------------- */

void
confab_call_pipeline_set_packet_func (ConfabCallPipeline *self, ConfabPacketFunc func,
                                      gpointer user_data, GDestroyNotify destroy)
{
  g_return_if_fail (CONFAB_IS_CALL_PIPELINE (self));

  confab_callback_slot_set (&self->packet_slot, func, user_data, destroy);
}

void
confab_call_pipeline_set_video_frame_func (ConfabCallPipeline *self, ConfabVideoFrameFunc func,
                                           gpointer user_data, GDestroyNotify destroy)
{
  g_return_if_fail (CONFAB_IS_CALL_PIPELINE (self));

  confab_callback_slot_set (&self->frame_slot, func, user_data, destroy);
}

void
confab_call_pipeline_set_audio_level_func (ConfabCallPipeline *self, ConfabAudioLevelFunc func,
                                           gpointer user_data, GDestroyNotify destroy)
{
  g_return_if_fail (CONFAB_IS_CALL_PIPELINE (self));

  confab_callback_slot_set (&self->level_slot, func, user_data, destroy);
}

void
confab_call_pipeline_set_audio_muted (ConfabCallPipeline *self, gboolean muted)
{
  g_return_if_fail (CONFAB_IS_CALL_PIPELINE (self));

  confab_media_capture_set_audio_muted (self->capture, muted);
}

gboolean
confab_call_pipeline_get_audio_muted (ConfabCallPipeline *self)
{
  g_return_val_if_fail (CONFAB_IS_CALL_PIPELINE (self), FALSE);

  return confab_media_capture_get_audio_muted (self->capture);
}

void
confab_call_pipeline_set_video_enabled (ConfabCallPipeline *self, gboolean enabled)
{
  g_return_if_fail (CONFAB_IS_CALL_PIPELINE (self));

  confab_media_capture_set_video_enabled (self->capture, enabled);
}

gboolean
confab_call_pipeline_get_video_enabled (ConfabCallPipeline *self)
{
  g_return_val_if_fail (CONFAB_IS_CALL_PIPELINE (self), FALSE);

  return confab_media_capture_get_video_enabled (self->capture);
}

void
confab_call_pipeline_set_video_bitrate (ConfabCallPipeline *self, guint kbps)
{
  g_return_if_fail (CONFAB_IS_CALL_PIPELINE (self));

  confab_media_capture_set_video_bitrate (self->capture, kbps);
}

void
confab_call_pipeline_set_audio_loss_hint (ConfabCallPipeline *self, guint percent)
{
  g_return_if_fail (CONFAB_IS_CALL_PIPELINE (self));

  confab_media_capture_set_audio_loss_hint (self->capture, percent);
}

void
confab_call_pipeline_set_audio_bitrate (ConfabCallPipeline *self, guint kbps)
{
  g_autoptr (GstElement) encoder = NULL;

  g_return_if_fail (CONFAB_IS_CALL_PIPELINE (self));

  /* The capture names its Opus encoder; opusenc's bitrate is mutable while
   * playing. */
  encoder = gst_bin_get_by_name (GST_BIN (self->pipeline), "audio-encoder");
  if (encoder != NULL)
    g_object_set (encoder, "bitrate", (gint) CLAMP (kbps, 6, 510) * 1000, NULL);
}

void
confab_call_pipeline_set_fec_overhead (ConfabCallPipeline *self, guint overhead,
                                       guint key_frame_overhead)
{
  g_return_if_fail (CONFAB_IS_CALL_PIPELINE (self));

  confab_rtp_session_set_fec_overhead (self->session, overhead, key_frame_overhead);
}

void
confab_call_pipeline_push_packet (ConfabCallPipeline *self, const guint8 *data, gsize size)
{
  g_return_if_fail (CONFAB_IS_CALL_PIPELINE (self));

  confab_rtp_session_push_packet (self->session, data, size);
}

gboolean
confab_call_pipeline_disable_fec (ConfabCallPipeline *self)
{
  g_return_val_if_fail (CONFAB_IS_CALL_PIPELINE (self), FALSE);

  if (self->started || g_atomic_int_get (&self->stopped))
    return FALSE;

  confab_rtp_session_disable_fec (self->session);
  return TRUE;
}

gboolean
confab_call_pipeline_set_remote_ssrcs (ConfabCallPipeline *self, const ConfabStreamParams *streams,
                                       guint n_streams)
{
  g_return_val_if_fail (CONFAB_IS_CALL_PIPELINE (self), FALSE);

  if (self->started || g_atomic_int_get (&self->stopped))
    return FALSE;

  confab_rtp_session_set_remote_ssrcs (self->session, streams, n_streams);
  return TRUE;
}

gboolean
confab_call_pipeline_start (ConfabCallPipeline *self, GError **error)
{
  g_return_val_if_fail (CONFAB_IS_CALL_PIPELINE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_atomic_int_get (&self->stopped))
    {
      g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_PIPELINE,
                   _ ("The call has already ended"));
      return FALSE;
    }

  /* The preview branch costs a colour conversion per frame: only build it
   * for someone who looks. */
  if (confab_callback_slot_is_set (&self->frame_slot)
      && !confab_media_capture_build_preview (self->capture, error))
    return FALSE;

  self->started = TRUE;
  confab_rtp_session_set_running (self->session, TRUE);
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr (GstBus) bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
      g_autoptr (GstMessage) message = NULL;

      confab_rtp_session_set_running (self->session, FALSE);
      self->started = FALSE;

      /* Report the element's own reason here rather than again through
       * the "error" signal. */
      message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      if (message != NULL)
        {
          g_autoptr (GError) gst_error = NULL;

          gst_message_parse_error (message, &gst_error, NULL);
          g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_PIPELINE, "%s (%s)",
                       gst_error->message, GST_MESSAGE_SRC_NAME (message));
        }
      else
        g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_PIPELINE,
                     _ ("Could not start the call pipeline"));

      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      return FALSE;
    }

  return TRUE;
}

void
confab_call_pipeline_stop (ConfabCallPipeline *self)
{
  g_return_if_fail (CONFAB_IS_CALL_PIPELINE (self));

  g_atomic_int_set (&self->stopped, TRUE);
  if (self->pipeline == NULL)
    return;

  /* Before the jitter buffers forget their statistics. */
  if (self->session != NULL)
    confab_rtp_session_stop (self->session);
  gst_element_set_state (self->pipeline, GST_STATE_NULL);
}

void
confab_call_pipeline_get_stats (ConfabCallPipeline *self, ConfabMediaStats *stats)
{
  g_return_if_fail (CONFAB_IS_CALL_PIPELINE (self));
  g_return_if_fail (stats != NULL);

  confab_rtp_session_get_stats (self->session, stats);
  stats->audio.frames_encoded
      = confab_media_capture_get_frames_encoded (self->capture, CONFAB_STREAM_KIND_AUDIO);
  stats->video.frames_encoded
      = confab_media_capture_get_frames_encoded (self->capture, CONFAB_STREAM_KIND_VIDEO);
  stats->video.target_bitrate_kbps = confab_media_capture_get_video_bitrate (self->capture);
  confab_media_capture_get_sent_video (self->capture, &stats->video.sent_width,
                                       &stats->video.sent_height, &stats->video.sent_fps);
}

GstPipeline *
confab_call_pipeline_get_gst_pipeline (ConfabCallPipeline *self)
{
  g_return_val_if_fail (CONFAB_IS_CALL_PIPELINE (self), NULL);

  return GST_PIPELINE (self->pipeline);
}

/* GObject ------------------------------------------------------------------ */

static void
confab_call_pipeline_dispose (GObject *object)
{
  ConfabCallPipeline *self = CONFAB_CALL_PIPELINE (object);

  /* Stops the streaming threads, so no callback runs after this. */
  if (self->pipeline != NULL)
    confab_call_pipeline_stop (self);

  if (self->bus_source != NULL)
    {
      g_source_destroy (self->bus_source);
      g_clear_pointer (&self->bus_source, g_source_unref);
    }

  g_clear_pointer (&self->session, confab_rtp_session_free);
  g_clear_pointer (&self->capture, confab_media_capture_free);
  gst_clear_object (&self->pipeline);

  confab_callback_slot_set (&self->packet_slot, NULL, NULL, NULL);
  confab_callback_slot_set (&self->frame_slot, NULL, NULL, NULL);
  confab_callback_slot_set (&self->level_slot, NULL, NULL, NULL);

  G_OBJECT_CLASS (confab_call_pipeline_parent_class)->dispose (object);
}

static void
confab_call_pipeline_finalize (GObject *object)
{
  ConfabCallPipeline *self = CONFAB_CALL_PIPELINE (object);

  g_clear_pointer (&self->context, g_main_context_unref);
  confab_callback_slot_clear (&self->packet_slot);
  confab_callback_slot_clear (&self->frame_slot);
  confab_callback_slot_clear (&self->level_slot);

  G_OBJECT_CLASS (confab_call_pipeline_parent_class)->finalize (object);
}

static void
confab_call_pipeline_class_init (ConfabCallPipelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = confab_call_pipeline_dispose;
  object_class->finalize = confab_call_pipeline_finalize;

  /**
   * ConfabCallPipeline::error:
   * @self: the pipeline
   * @error: a #GError in the %CONFAB_MEDIA_ERROR domain
   *
   * A runtime failure (a device that stops working, a missing decoder),
   * emitted on the thread-default main context of the thread that
   * created the pipeline. The call cannot go on; stop it.
   */
  signals[SIGNAL_ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
confab_call_pipeline_init (ConfabCallPipeline *self)
{
  confab_callback_slot_init (&self->packet_slot);
  confab_callback_slot_init (&self->frame_slot);
  confab_callback_slot_init (&self->level_slot);
}
