/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The receive chains of the RTP session: depayloader, decoder and sink of
 * each remote stream, built when rtpbin exposes the stream's pad, with
 * the probes that count what they decode.
 */
#include "config.h"

#include "confab-media-elements.h"
#include "confab-opus-lbrr.h"
#include "confab-rtp-session-private.h"

#include <glib/gi18n-lib.h>
#include <gst/video/video.h>

/* What a decoded-side probe updates. */
typedef struct
{
  ConfabRtpSession *session;
  ConfabMediaStream *stream;
  ConfabOpusFecCounter fec; /* Opus only */
} DecodeProbe;

static DecodeProbe *
decode_probe_new (ConfabRtpSession *session, ConfabMediaStream *stream)
{
  DecodeProbe *probe = g_new0 (DecodeProbe, 1);

  probe->session = session;
  probe->stream = stream;
  confab_opus_fec_counter_init (&probe->fec);
  return probe;
}

static void
add_decode_probe (GstElement *element, const char *pad_name, GstPadProbeType mask,
                  GstPadProbeCallback callback, DecodeProbe *probe)
{
  g_autoptr (GstPad) pad = gst_element_get_static_pad (element, pad_name);

  gst_pad_add_probe (pad, mask, callback, probe, g_free);
}

static GstPadProbeReturn
on_audio_decoded (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  DecodeProbe *probe = user_data;

  g_mutex_lock (&probe->session->lock);
  probe->stream->stats.frames_decoded += confab_media_count_buffers (info);
  g_mutex_unlock (&probe->session->lock);

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    confab_media_report_level (probe->session->level_slot, GST_PAD_PROBE_INFO_BUFFER (info), TRUE);

  return GST_PAD_PROBE_OK;
}

/* opusdec's input: lost packets (GAP events) and what follows them
 * (confab-opus-lbrr.h). */
static GstPadProbeReturn
on_opus_input (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  DecodeProbe *probe = user_data;
  GstMapInfo map;
  gboolean rebuilt;

  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
    {
      GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
      GstClockTime duration;

      if (GST_EVENT_TYPE (event) == GST_EVENT_GAP)
        {
          gst_event_parse_gap (event, NULL, &duration);
          confab_opus_fec_counter_gap (&probe->fec, duration);
        }
      else if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP)
        confab_opus_fec_counter_flush (&probe->fec);
      return GST_PAD_PROBE_OK;
    }

  if (!(info->type & GST_PAD_PROBE_TYPE_BUFFER)
      || !gst_buffer_map (GST_PAD_PROBE_INFO_BUFFER (info), &map, GST_MAP_READ))
    return GST_PAD_PROBE_OK;
  rebuilt = confab_opus_fec_counter_packet (&probe->fec, map.data, map.size);
  gst_buffer_unmap (GST_PAD_PROBE_INFO_BUFFER (info), &map);

  g_mutex_lock (&probe->session->lock);
  probe->stream->stats.fec_recovered += rebuilt;
  probe->stream->stats.concealed = probe->fec.concealed;
  g_mutex_unlock (&probe->session->lock);

  return GST_PAD_PROBE_OK;
}

/* opusdec declares 120 ms of latency (the longest Opus packet) when
 * in-band FEC is on, because it holds back one packet to repair it from the
 * next. Our packets are 20 ms, so the decoder's real delay is 20 ms; the
 * other 100 ms would be added to the whole call's mouth-to-ear delay. */
#define OPUS_FEC_LATENCY (20 * GST_MSECOND)

static GstPadProbeReturn
on_opus_latency_query (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  GstQuery *query = GST_PAD_PROBE_INFO_QUERY (info);
  g_autoptr (GstElement) decoder = NULL;
  g_autoptr (GstPad) sink_pad = NULL;
  g_autoptr (GstQuery) upstream = NULL;
  GstClockTime min, max, upstream_min;
  gboolean live;

  /* After the decoder answered. */
  if (GST_QUERY_TYPE (query) != GST_QUERY_LATENCY || !(info->type & GST_PAD_PROBE_TYPE_PULL))
    return GST_PAD_PROBE_OK;

  gst_query_parse_latency (query, &live, &min, &max);
  decoder = gst_pad_get_parent_element (pad);
  if (decoder == NULL)
    return GST_PAD_PROBE_OK;
  sink_pad = gst_element_get_static_pad (decoder, "sink");
  upstream = gst_query_new_latency ();
  if (!gst_pad_peer_query (sink_pad, upstream))
    return GST_PAD_PROBE_OK;
  gst_query_parse_latency (upstream, NULL, &upstream_min, NULL);

  if (GST_CLOCK_TIME_IS_VALID (min) && GST_CLOCK_TIME_IS_VALID (upstream_min)
      && min > upstream_min + OPUS_FEC_LATENCY)
    gst_query_set_latency (query, live, upstream_min + OPUS_FEC_LATENCY, max);

  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_video_decoded (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  DecodeProbe *probe = user_data;
  ConfabRtpSession *session = probe->session;
  gint64 now;
  guint frames;

  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
    {
      GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
      GstCaps *caps;
      GstVideoInfo video_info;

      if (GST_EVENT_TYPE (event) != GST_EVENT_CAPS)
        return GST_PAD_PROBE_OK;

      gst_event_parse_caps (event, &caps);
      if (gst_video_info_from_caps (&video_info, caps))
        {
          g_mutex_lock (&session->lock);
          probe->stream->stats.width = GST_VIDEO_INFO_WIDTH (&video_info);
          probe->stream->stats.height = GST_VIDEO_INFO_HEIGHT (&video_info);
          g_mutex_unlock (&session->lock);
        }
      return GST_PAD_PROBE_OK;
    }

  now = g_get_monotonic_time ();
  frames = confab_media_count_buffers (info);

  g_mutex_lock (&session->lock);
  probe->stream->stats.frames_decoded += frames;
  confab_rate_meter_add (&probe->stream->decoded, now, frames);
  for (guint i = 0; i < frames; i++)
    confab_freeze_meter_add_frame (&probe->stream->freeze, now);
  if (session->first_remote_frame_time == 0)
    session->first_remote_frame_time = now;
  g_mutex_unlock (&session->lock);

  return GST_PAD_PROBE_OK;
}

static GstElement *
chain_add (ConfabRtpSession *session, GPtrArray *chain, const char *factory, GError **error)
{
  GstElement *element = confab_media_add_element (session->bin, factory, NULL, error);

  if (element != NULL)
    g_ptr_array_add (chain, element);

  return element;
}

static GstElement *
chain_add_fakesink (ConfabRtpSession *session, GPtrArray *chain, gboolean sync, GError **error)
{
  GstElement *sink = chain_add (session, chain, "fakesink", error);

  if (sink != NULL)
    g_object_set (sink, "sync", sync, "async", FALSE, "enable-last-sample", FALSE, NULL);

  return sink;
}

/* After rtpopusdepay and opusdec. */
static gboolean
build_opus (ConfabRtpSession *session, ConfabMediaStream *stream, GPtrArray *chain, GError **error)
{
  GstElement *decoder = g_ptr_array_index (chain, 1);
  GstElement *sink;

  if (chain_add (session, chain, "audioconvert", error) == NULL
      || chain_add (session, chain, "audioresample", error) == NULL)
    return FALSE;

  if (session->play_audio)
    {
      sink = session->speaker != NULL
                 ? confab_media_add_device_element (session->bin, session->speaker, 0, NULL, NULL,
                                                    error)
                 : confab_media_add_element (session->bin, "autoaudiosink", NULL, error);
      if (sink != NULL)
        g_ptr_array_add (chain, sink);
    }
  else
    sink = chain_add_fakesink (session, chain, TRUE, error);
  if (sink == NULL)
    return FALSE;

  /* Opus's in-band FEC recovers a lost packet from the next one, and PLC
   * fills what it cannot; both need the jitter buffer's lost events
   * (rtpbin do-lost). A corrupt packet from the network must not end the
   * call: max-errors -1. */
  g_object_set (decoder, "use-inband-fec", TRUE, "plc", TRUE, "max-errors", -1, NULL);
  add_decode_probe (decoder, "src", GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                    on_audio_decoded, decode_probe_new (session, stream));
  confab_media_add_probe (decoder, "src", GST_PAD_PROBE_TYPE_QUERY_UPSTREAM, on_opus_latency_query,
                          NULL);
  add_decode_probe (decoder, "sink",
                    GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_opus_input,
                    decode_probe_new (session, stream));
  return TRUE;
}

/* After rtpvp8depay and vp8dec. */
static gboolean
build_vp8 (ConfabRtpSession *session, ConfabMediaStream *stream, GPtrArray *chain, GError **error)
{
  GstElement *depay = g_ptr_array_index (chain, 0);
  GstElement *decoder = g_ptr_array_index (chain, 1);
  GstElement *sink;

  if (chain_add (session, chain, "videoconvert", error) == NULL)
    return FALSE;

  if (confab_callback_slot_is_set (session->frame_slot))
    {
      if ((sink
           = confab_media_add_frame_sink (session->bin, NULL, TRUE, session->frame_slot, error))
          == NULL)
        return FALSE;
      g_ptr_array_add (chain, sink);
    }
  else if (chain_add_fakesink (session, chain, TRUE, error) == NULL)
    return FALSE;

  /* After a loss that neither FEC nor a retransmission repaired, ask the
   * sender for a keyframe (an RTCP PLI; the sender makes at most one per
   * 300 ms) but keep decoding meanwhile: VP8 in error-resilient mode
   * degrades gracefully, and a frozen picture is worse in a conversation.
   * The decoder asks too when a frame does not decode (a corrupt one
   * whose packets all arrived), marking its output instead of dropping
   * input until the key frame. */
  g_object_set (depay, "request-keyframe", TRUE, "wait-for-keyframe", FALSE, NULL);
  g_object_set (decoder, "max-errors", -1, "automatic-request-sync-points", TRUE,
                "min-force-key-unit-interval", (guint64) (300 * GST_MSECOND), NULL);
  gst_util_set_object_arg (G_OBJECT (decoder), "automatic-request-sync-point-flags",
                           "corrupt-output");
  add_decode_probe (decoder, "src",
                    GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST
                        | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                    on_video_decoded, decode_probe_new (session, stream));
  return TRUE;
}

gboolean
confab_media_receive_build (ConfabRtpSession *session, ConfabMediaStream *stream, GPtrArray *chain,
                            GError **error)
{
  /* What follows the decoder, by kind (one codec of each). */
  static gboolean (*const builders[]) (ConfabRtpSession *, ConfabMediaStream *, GPtrArray *,
                                       GError **)
      = { [CONFAB_STREAM_KIND_AUDIO] = build_opus, [CONFAB_STREAM_KIND_VIDEO] = build_vp8 };

  if (stream == NULL)
    {
      if (chain_add_fakesink (session, chain, FALSE, error) == NULL)
        return FALSE;
    }
  else if (chain_add (session, chain, stream->codec->depayloader, error) == NULL
           || chain_add (session, chain, stream->codec->decoder, error) == NULL
           || !builders[stream->params.kind](session, stream, chain, error))
    return FALSE;

  for (guint i = 1; i < chain->len; i++)
    if (!confab_media_link_elements (error, g_ptr_array_index (chain, i - 1),
                                     g_ptr_array_index (chain, i), NULL))
      return FALSE;

  return TRUE;
}

void
confab_media_receive_remove (ConfabRtpSession *session, GPtrArray *chain)
{
  for (guint i = 0; i < chain->len; i++)
    {
      GstElement *element = g_ptr_array_index (chain, i);

      gst_element_set_state (element, GST_STATE_NULL);
      gst_bin_remove (session->bin, element);
    }
  g_ptr_array_set_size (chain, 0);
}

gboolean
confab_media_receive_attach (GstPad *pad, GPtrArray *chain, GError **error)
{
  GstElement *first = g_ptr_array_index (chain, 0);
  g_autoptr (GstPad) sink_pad = gst_element_get_static_pad (first, "sink");

  /* Downstream first, so that nothing pushes into an element that is not
   * ready for it yet. */
  for (guint i = chain->len; i > 0; i--)
    gst_element_sync_state_with_parent (g_ptr_array_index (chain, i - 1));

  if (GST_PAD_LINK_FAILED (gst_pad_link (pad, sink_pad)))
    {
      g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_PIPELINE,
                   _ ("Could not link %s to %s"), GST_PAD_NAME (pad), GST_OBJECT_NAME (first));
      return FALSE;
    }

  return TRUE;
}
