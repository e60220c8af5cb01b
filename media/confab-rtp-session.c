/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-media-elements.h"
#include "confab-red-unwrap.h"
#include "confab-rtp-packet.h"
#include "confab-rtp-session-private.h"
#include "gstconfabfecdec.h"
#include "gstconfabfecenc.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>
#include <stdio.h>

/* Our own packets stay under the payloaders' MTU (1200) and peers use
 * similar sizes so that they fit any path. 8 KiB leaves room for jumbo
 * frames and large RTCP compounds; anything bigger is not a packet of a
 * call but someone trying to make us buffer it. */
#define MAX_PACKET_SIZE 8192

/* rtpbin's jitter buffer: long enough to reorder packets on a real path,
 * short enough for a conversation. */
#define JITTERBUFFER_LATENCY_MS CONFAB_MEDIA_LATENCY_MS

#define VIDEO_MTU 1200

/* A flood of pushed packets must not grow memory without bound: the
 * appsrc queues are capped and drop their oldest packets first (a late
 * packet is worth less than a fresh one in a call). */
#define APPSRC_MAX_BYTES (512 * 1024)
#define APPSRC_MAX_BUFFERS 1000

/* Bounds the streams (SSRCs) one session accepts, so that a peer making up
 * SSRCs cannot make rtpbin create jitter buffers and threads without end. */
#define MAX_RTPBIN_STREAMS 16

/* RFC 3550 asks for at least 5 s between RTCP reports, which makes the
 * loss and round-trip figures lag the call by as much; browsers report
 * about once a second (the RTCP bandwidth is still a fraction of a
 * percent of the media's). */
#define RTCP_MIN_INTERVAL GST_SECOND
/* With retransmission and FEC the reports steer the call (the loss the
 * FEC controller answers, the round trip congestion control watches) and
 * a key-frame request goes out as early feedback (RFC 4585 3.5), which
 * rtpsession allows once per regular interval: 100 ms. NACKs do not wait
 * for it (on_retransmission_request()). At 25 ms, when NACKs still did,
 * the reports took about 50 kbit/s of a 1 Mbit/s call, a tenth of what a
 * 500 kbit/s path carries. */
#define RTCP_MIN_INTERVAL_RTX (100 * GST_MSECOND)

/* The shortest wait before asking again for a packet. Left automatic,
 * rtpjitterbuffer waits at least one packet spacing, and a video's packets
 * come one frame (33 ms) apart: with the 100 ms latency that left room for
 * two requests, and at 10% loss each way one in five packets still came
 * too late. It asks again after twice the round trip it measures, never
 * sooner than this. */
#define RTX_MIN_RETRY_TIMEOUT_MS 10

/* How long a hole waits before it is asked for. Left automatic it was
 * half a frame's spacing (16 ms), a third of a packet's time to playout;
 * packets three or more places out of order are asked for at once anyway
 * (rtx-delay-reorder), and a few milliseconds cover the small reordering
 * of real paths. 5 ms: 97% of the lost packets came back in time at 10%
 * loss each way, against 90 to 96% with 16 ms. */
#define RTX_DELAY_MS 5

/* What the sender keeps for retransmission: a NACK for anything older
 * comes too late for the peer's jitter buffer anyway. */
#define RTX_HISTORY_MS 1000

/* The sender makes at most one key frame per this much time, whatever
 * the number of PLIs and lost packets: a key frame is several times the
 * size of a delta frame, and on a lossy path each one asked for by a
 * loss would bring more losses. rtpsession alone lets one through per
 * two round trips, which on a short path is no limit. */
#define KEY_FRAME_MIN_INTERVAL (300 * GST_MSECOND)

/* video.fec_overhead_pct covers the last 2 to 4 s: long enough for a few
 * key frames' worth of blocks, short enough to follow adaptive FEC. */
#define FEC_WINDOW_US (2 * G_USEC_PER_SEC)

/* RTCP feedback (RFC 4585 6.1): generic NACK is RTPFB FMT 1, PLI is
 * PSFB FMT 1, FIR (RFC 5104) PSFB FMT 4. */
#define RTCP_RTPFB 205
#define RTCP_PSFB 206
#define RTCP_FB_NACK 1
#define RTCP_FB_PLI 1
#define RTCP_FB_FIR 4
#define RTCP_FB_MEDIA_SSRC_OFFSET 8

typedef struct
{
  GstElement *jitterbuffer;
  gint pt; /* -1 until rtpbin exposes the stream's pad */
} JitterBufferEntry;

static ConfabMediaStream *
find_stream (ConfabRtpSession *session, ConfabStreamKey key, guint32 value)
{
  return confab_media_stream_find (session->streams, session->n_streams, key, value);
}

/* Under session->lock: counts the NACKs, PLIs and FIRs of an RTCP
 * compound packet against the stream whose media SSRC they name: the
 * peer's for ours (@sent), ours for the peer's. */
static void
count_feedback (ConfabRtpSession *session, const guint8 *data, gsize size, gboolean sent)
{
  ConfabRtcpView packet;
  gsize offset = 0;

  while (confab_rtcp_compound_next (data, size, &offset, &packet))
    {
      ConfabMediaStream *stream = NULL;
      guint64 *counter = NULL;

      if ((packet.type != RTCP_RTPFB && packet.type != RTCP_PSFB)
          || packet.len < RTCP_FB_MEDIA_SSRC_OFFSET + 4)
        continue;
      stream
          = find_stream (session, sent ? CONFAB_STREAM_BY_REMOTE_SSRC : CONFAB_STREAM_BY_LOCAL_SSRC,
                         confab_read_u32 (packet.data + RTCP_FB_MEDIA_SSRC_OFFSET));
      if (stream == NULL)
        continue;
      if (packet.type == RTCP_RTPFB && packet.count == RTCP_FB_NACK)
        counter = sent ? &stream->stats.nack_sent : &stream->stats.nack_received;
      else if (packet.type == RTCP_PSFB
               && (packet.count == RTCP_FB_PLI || packet.count == RTCP_FB_FIR))
        counter = sent ? &stream->stats.pli_sent : &stream->stats.pli_received;
      if (counter != NULL)
        (*counter)++;
    }
}

/* Packets out (streaming threads) ------------------------------------------ */

/* Under session->lock: a RED packet of ours (media or ULPFEC; the FEC
 * encoder counts the latter), or a retransmission of one. */
static void
count_sent_red (ConfabMediaStream *stream, const guint8 *data, gsize size, gint64 now)
{
  guint pt = data[1] & 0x7f;

  if (pt == stream->params.red_rtx_pt)
    stream->stats.rtx_sent++;
  else if (pt != stream->params.red_pt)
    return;
  else if (confab_red_primary_pt (data, size, NULL) == (gint) stream->params.pt)
    stream->stats.packets_sent++;
  confab_rate_meter_add (&stream->sent, now, size);
}

/* Under session->lock. */
static void
count_sent (ConfabRtpSession *session, const guint8 *data, gsize size, gint64 now)
{
  ConfabMediaStream *stream;

  if (confab_rtp_is_rtcp (data, size))
    {
      session->rtcp_packets_sent++;
      /* rtpsession's own packets: walked, not validated. */
      confab_sent_reports_note (&session->sent_reports, data, size, now);
      count_feedback (session, data, size, TRUE);
    }
  else if (size >= 2
           && (stream = find_stream (session, CONFAB_STREAM_BY_PT, data[1] & 0x7f)) != NULL)
    {
      stream->stats.packets_sent++;
      confab_rate_meter_add (&stream->sent, now, size);
    }
  else if (size >= 2
           && (stream = find_stream (session, CONFAB_STREAM_BY_RTX_PT, data[1] & 0x7f)) != NULL)
    {
      /* Not in packets_sent, which counts media only (like FEC repair). */
      stream->stats.rtx_sent++;
      confab_rate_meter_add (&stream->sent, now, size);
    }
  else if (session->red_stream != NULL && size >= 2)
    count_sent_red (session->red_stream, data, size, now);
}

static void
deliver_bytes (ConfabRtpSession *session, const guint8 *data, gsize size)
{
  ConfabCallbackSlot *slot = session->packet_slot;

  /* Counted before the call, so that a receiver the packet function feeds
   * directly never shows more packets than this sender. (Lock order: the
   * slot's, then session->lock.) */
  confab_callback_slot_lock (slot);
  if (slot->func != NULL)
    {
      g_mutex_lock (&session->lock);
      count_sent (session, data, size, g_get_monotonic_time ());
      g_mutex_unlock (&session->lock);
      ((ConfabPacketFunc) slot->func) (data, size, slot->data);
    }
  confab_callback_slot_unlock (slot);
}

static void
deliver_packet (ConfabRtpSession *session, GstBuffer *buffer)
{
  GstMapInfo map;

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return;
  deliver_bytes (session, map.data, map.size);
  gst_buffer_unmap (buffer, &map);
}

static GstFlowReturn
on_packet_sample (GstAppSink *sink, gpointer user_data)
{
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  GstBufferList *list;
  GstBuffer *buffer;

  if (sample == NULL)
    return GST_FLOW_EOS;

  /* The payloaders push buffer lists (one per video frame); the appsink
   * hands them over whole so that no packet of a frame is lost or
   * reordered. */
  list = gst_sample_get_buffer_list (sample);
  if (list != NULL)
    {
      guint n = gst_buffer_list_length (list);

      for (guint i = 0; i < n; i++)
        deliver_packet (user_data, gst_buffer_list_get (list, i));
    }
  else if ((buffer = gst_sample_get_buffer (sample)) != NULL)
    deliver_packet (user_data, buffer);

  return GST_FLOW_OK;
}

/* Packets in (network threads) --------------------------------------------- */

/* Under session->lock. */
static void
on_report_block (const ConfabReportBlock *block, gpointer user_data)
{
  ConfabRtpSession *session = user_data;
  gint64 now = g_get_monotonic_time ();
  ConfabMediaStream *stream = find_stream (session, CONFAB_STREAM_BY_LOCAL_SSRC, block->ssrc);

  if (stream == NULL)
    return; /* about someone else's stream */

  confab_loss_reference_update (&stream->loss, block, now, &stream->stats.remote_loss);
  confab_sent_reports_rtt (&session->sent_reports, block, now, &session->rtt_ms);
}

/* Under session->lock: @rtp is valid RTP. Counts it against its stream and
 * returns TRUE when its payload type is one this call negotiated, for media
 * or for FEC repair packets. Anything else never reaches rtpbin: a peer
 * making up payload types and SSRCs would otherwise have rtpbin ask for
 * caps and build state for each (and a flood of them once made GStreamer
 * 1.22 iterate a hash table that another thread changed). */
static gboolean
count_received (ConfabRtpSession *session, const ConfabRtpView *rtp, gint64 now)
{
  ConfabMediaStream *stream = find_stream (session, CONFAB_STREAM_BY_PT, rtp->payload_type);

  if (stream == NULL)
    {
      /* Retransmissions go to rtprtxreceive, which gives them back their
       * media payload type, SSRC and sequence number. */
      if (find_stream (session, CONFAB_STREAM_BY_RTX_PT, rtp->payload_type) != NULL)
        return TRUE;
      for (guint i = 0; i < session->n_streams; i++)
        if (session->streams[i].params.fec_pt != 0
            && session->streams[i].params.fec_pt == rtp->payload_type)
          return TRUE;
      return FALSE;
    }

  /* Our own jitter figure rather than rtpsession's: taken at the real
   * arrival, before the appsrc queue, and per stream without a call into
   * rtpbin under its locks. */
  stream->stats.packets_received++;
  confab_media_stream_note_seq (stream, rtp->ssrc, rtp->seq);
  confab_rate_meter_add (&stream->received, now, rtp->len);
  confab_jitter_estimate_update (&stream->jitter, rtp->ssrc, rtp->timestamp, now,
                                 stream->params.clock_rate);
  return TRUE;
}

/* Arrival times drive the jitter buffer, so each packet carries its own:
 * the running time when it is pushed. Not appsrc's do-timestamp: a packet
 * pushed while the pipeline was still on its way to PLAYING came out
 * stamped with the clock's absolute time (base time still 0, e.g. 46 min
 * on a machine up that long), and the jitter buffer held that stream for
 * good: its pad never appeared and nothing of it was decoded (seen in about
 * one loopback call in thirty). Until the source plays, packets are dropped,
 * as before start. */
static void
push_stamped (GstElement *source, const guint8 *data, gsize size)
{
  GstClock *clock = NULL;
  GstClockTime base_time = GST_CLOCK_TIME_NONE, now;
  GstBuffer *buffer;

  GST_OBJECT_LOCK (source);
  if (GST_STATE (source) == GST_STATE_PLAYING && GST_ELEMENT_CLOCK (source) != NULL)
    {
      clock = gst_object_ref (GST_ELEMENT_CLOCK (source));
      base_time = GST_ELEMENT_CAST (source)->base_time;
    }
  GST_OBJECT_UNLOCK (source);
  if (clock == NULL)
    return;

  now = gst_clock_get_time (clock);
  gst_object_unref (clock);
  buffer = gst_buffer_new_memdup (data, size);
  GST_BUFFER_DTS (buffer) = GST_BUFFER_PTS (buffer) = now - MIN (base_time, now);
  gst_app_src_push_buffer (GST_APP_SRC (source), buffer);
}

void
confab_rtp_session_push_packet (ConfabRtpSession *session, const guint8 *data, gsize size)
{
  GstElement *target = NULL;
  ConfabRtpView rtp;
  gboolean rtcp = FALSE, valid = FALSE, repair = FALSE;
  guint8 unwrapped[MAX_PACKET_SIZE];
  gsize unwrapped_size = 0;
  gint64 now;

  /* RFC 5761 section 4: with RTP and RTCP on one port, the second octet
   * tells them apart (payload types 64..95 are refused for that). */
  if (data != NULL && size <= MAX_PACKET_SIZE)
    {
      rtcp = confab_rtp_is_rtcp (data, size);
      valid = rtcp ? confab_rtcp_compound_is_valid (data, size)
                   : confab_rtp_view_parse (&rtp, data, size) == CONFAB_FEC_OK;
    }
  /* ULPFEC in RED (confab-red-unwrap.h). */
  if (valid && !rtcp && session->red_stream != NULL
      && (rtp.payload_type == session->red_stream->params.red_pt
          || (rtp.payload_type == session->red_stream->params.red_rtx_pt
              && session->red_stream->params.red_rtx_pt != 0)))
    {
      const ConfabStreamParams *params = &session->red_stream->params;

      switch (confab_red_unwrap (params,
                                 (guint32) g_atomic_int_get ((gint *) &session->red_media_ssrc),
                                 &rtp, unwrapped, &unwrapped_size))
        {
        case CONFAB_RED_MEDIA:
          if (rtp.payload_type == params->red_pt)
            g_atomic_int_set ((gint *) &session->red_media_ssrc, (gint) rtp.ssrc);
          G_GNUC_FALLTHROUGH;
        case CONFAB_RED_LATE_REPAIR:
          data = unwrapped;
          size = unwrapped_size;
          unwrapped_size = 0;
          valid = confab_rtp_view_parse (&rtp, data, size) == CONFAB_FEC_OK;
          break;
        case CONFAB_RED_REPAIR:
          /* Counted by the decoder, its place by the stand-in. */
          repair = TRUE;
          break;
        case CONFAB_RED_BROKEN:
        default:
          valid = FALSE;
          break;
        }
    }

  now = g_get_monotonic_time ();

  g_mutex_lock (&session->lock);
  if (session->running)
    {
      if (!valid)
        session->invalid_packets++;
      else if (rtcp)
        {
          session->rtcp_packets_received++;
          confab_rtcp_foreach_report_block (data, size, on_report_block, session);
          count_feedback (session, data, size, FALSE);
          target = session->rtcp_src;
        }
      else if (repair)
        {
          /* Its sequence number is the media's: counted as arrived, so
           * that packets_lost_before_fec stays media only. */
          confab_media_stream_note_seq (session->red_stream, rtp.ssrc, rtp.seq);
          target = session->rtp_src;
        }
      else if (count_received (session, &rtp, now))
        target = session->rtp_src;
      else
        session->invalid_packets++;
    }
  g_mutex_unlock (&session->lock);

  /* appsrc is thread-safe and never blocks here (leaky); after stop it is
   * flushing and drops the buffer. */
  if (target != NULL)
    push_stamped (target, data, size);
  if (target != NULL && repair)
    push_stamped (target, unwrapped, unwrapped_size);
}

/* rtpbin callbacks ---------------------------------------------------------- */

static GstCaps *
on_request_pt_map (GstElement *rtpbin, guint session_id, guint pt, gpointer user_data)
{
  ConfabRtpSession *session = user_data;
  ConfabMediaStream *stream = find_stream (session, CONFAB_STREAM_BY_PT, pt);
  const ConfabStreamParams *params;
  GstCaps *caps;

  /* rtpsession sees the retransmissions before rtprtxreceive does and
   * wants their clock rate. */
  if (stream == NULL && (stream = find_stream (session, CONFAB_STREAM_BY_RTX_PT, pt)) != NULL)
    return gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING, "video",
                                "encoding-name", G_TYPE_STRING, "RTX", "clock-rate", G_TYPE_INT,
                                (gint) stream->params.clock_rate, "payload", G_TYPE_INT, (gint) pt,
                                "apt", G_TYPE_INT, (gint) stream->params.pt, NULL);

  /* The FEC decoder consumes our repair packets; should one slip through
   * (another SSRC), it is not a stream for rtpbin to decode. */
  if (stream == NULL)
    {
      g_debug ("No caps for payload type %u", pt);
      return NULL;
    }

  params = &stream->params;
  caps = gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING,
                              params->kind == CONFAB_STREAM_KIND_AUDIO ? "audio" : "video",
                              "encoding-name", G_TYPE_STRING, stream->codec->name, "clock-rate",
                              G_TYPE_INT, (gint) params->clock_rate, "payload", G_TYPE_INT,
                              (gint) pt, NULL);
  if (params->channels > 0)
    {
      g_autofree char *channels = g_strdup_printf ("%u", params->channels);

      gst_caps_set_simple (caps, "encoding-params", G_TYPE_STRING, channels, NULL);
    }
  /* rtcp-fb-nack-pli (SDP a=rtcp-fb:<pt> nack pli) lets rtpsession turn a
   * depayloader's keyframe request into an RTCP PLI; without it the
   * request is dropped. */
  if (params->kind == CONFAB_STREAM_KIND_VIDEO)
    gst_caps_set_simple (caps, "rtcp-fb-nack-pli", G_TYPE_BOOLEAN, TRUE, NULL);
  if (params->rtx_pt != 0)
    gst_caps_set_simple (caps, "rtcp-fb-nack", G_TYPE_BOOLEAN, TRUE, NULL);

  return caps;
}

static void
jitter_buffer_entry_free (gpointer data)
{
  JitterBufferEntry *entry = data;

  gst_object_unref (entry->jitterbuffer);
  g_free (entry);
}

/* The stream with retransmission (the video), NULL without. */
static ConfabMediaStream *
rtx_stream (ConfabRtpSession *session)
{
  for (guint i = 0; i < session->n_streams; i++)
    if (session->streams[i].params.rtx_pt != 0)
      return &session->streams[i];
  return NULL;
}

static void
on_new_jitterbuffer (GstElement *rtpbin, GstElement *jitterbuffer, guint session_id, guint ssrc,
                     gpointer user_data)
{
  ConfabRtpSession *session = user_data;
  JitterBufferEntry *entry = g_new0 (JitterBufferEntry, 1);
  ConfabMediaStream *stream;
  gboolean rtx;

  /* Retransmission only in the jitter buffer of the stream with RTX (not
   * rtpbin's do-retransmission, which would have the audio's ask too, and
   * nobody answer). Its SSRC is the negotiated one, or the one its first
   * packet had: that packet went through count_received() before rtpbin
   * made this jitter buffer for it.
   *
   * The deadlines stay rtpjitterbuffer's own, which is what keeps the
   * requests useful: it asks again after about two round trips of its own
   * measure (the time a retransmission takes) and gives up once an answer
   * could no longer arrive before the packet is due for playout (its
   * latency less that time), so on a path whose round trip is longer than
   * the latency it asks for nothing. rtx-next-seqnum off: it asks only for
   * the holes it sees (a later packet came), never for the packet it
   * expects next from the spacing so far. Video comes in bursts, one per
   * frame, and a sender whose encoder ran late (a busy machine) was asked
   * for packets it had not made yet, which the jitter buffer then declared
   * lost on a clean path. */
  g_mutex_lock (&session->lock);
  stream = find_stream (session, CONFAB_STREAM_BY_REMOTE_SSRC, ssrc);
  rtx = stream != NULL && stream->params.rtx_pt != 0;
  g_mutex_unlock (&session->lock);
  g_object_set (jitterbuffer, "do-retransmission", rtx, "rtx-next-seqnum", FALSE,
                "rtx-min-retry-timeout", RTX_MIN_RETRY_TIMEOUT_MS, "rtx-delay", RTX_DELAY_MS, NULL);

  entry->jitterbuffer = gst_object_ref (jitterbuffer);
  entry->pt = -1;

  g_mutex_lock (&session->lock);
  g_hash_table_replace (session->jitterbuffers, GUINT_TO_POINTER (ssrc), entry);
  g_mutex_unlock (&session->lock);
}

void
confab_rtp_session_post_error (ConfabRtpSession *session, const GError *error)
{
  GstMessage *message
      = gst_message_new_error (GST_OBJECT (session->rtpbin), (GError *) error, NULL);

  gst_element_post_message (GST_ELEMENT (session->bin), message);
}

static void
on_pad_added (GstElement *rtpbin, GstPad *pad, gpointer user_data)
{
  ConfabRtpSession *session = user_data;
  g_autofree char *name = gst_pad_get_name (pad);
  g_autoptr (GPtrArray) chain = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  guint session_id, ssrc, pt;
  JitterBufferEntry *entry;
  ConfabMediaStream *stream;

  if (sscanf (name, "recv_rtp_src_%u_%u_%u", &session_id, &ssrc, &pt) != 3)
    return;

  g_debug ("New remote stream: SSRC %u, payload type %u", ssrc, pt);

  g_mutex_lock (&session->lock);
  entry = g_hash_table_lookup (session->jitterbuffers, GUINT_TO_POINTER (ssrc));
  if (entry != NULL)
    entry->pt = pt;
  g_mutex_unlock (&session->lock);

  /* The array never moves; a stream's params do not change. */
  stream = find_stream (session, CONFAB_STREAM_BY_PT, pt);
  if (stream == NULL)
    g_debug ("Discarding the stream of unknown payload type %u", pt);

  if (!confab_media_receive_build (session, stream, chain, &error))
    {
      g_autoptr (GError) fallback_error = NULL;

      confab_rtp_session_post_error (session, error);
      /* An unlinked pad would stop rtpbin with a not-linked error and take
       * the other streams down with it; discard this one instead. */
      confab_media_receive_remove (session, chain);
      if (!confab_media_receive_build (session, NULL, chain, &fallback_error))
        return;
    }

  g_clear_error (&error);
  if (!confab_media_receive_attach (pad, chain, &error))
    confab_rtp_session_post_error (session, error);

  /* The new sinks change the pipeline's latency; the bus handler
   * redistributes it. */
  gst_element_post_message (GST_ELEMENT (session->bin),
                            gst_message_new_latency (GST_OBJECT (rtpbin)));
}

/* Construction -------------------------------------------------------------- */

/* A map for rtprtxsend/rtprtxreceive: "<key>" = (uint) value. */
static void
set_map (GstElement *element, const char *property, guint key, guint value)
{
  g_autofree char *name = g_strdup_printf ("%u", key);
  g_autoptr (GstStructure) map = gst_structure_new_empty ("application/x-rtp-map");

  gst_structure_set (map, name, G_TYPE_UINT, value, NULL);
  g_object_set (element, property, map, NULL);
}

/* @element in a bin whose pads are named as rtpbin wants its AUX elements'
 * (sink_<session>, src_<session>). */
static GstElement *
aux_bin (GstElement *element, guint session_id)
{
  GstElement *bin = gst_bin_new (NULL);
  g_autofree char *sink_name = g_strdup_printf ("sink_%u", session_id);
  g_autofree char *src_name = g_strdup_printf ("src_%u", session_id);
  g_autoptr (GstPad) sink = gst_element_get_static_pad (element, "sink");
  g_autoptr (GstPad) src = gst_element_get_static_pad (element, "src");

  gst_bin_add (GST_BIN (bin), element);
  gst_element_add_pad (bin, gst_ghost_pad_new (sink_name, sink));
  gst_element_add_pad (bin, gst_ghost_pad_new (src_name, src));
  return bin;
}

/* The video jitter buffer's request for a lost packet, on its way up from
 * rtprtxreceive (which noted it, to know the retransmission that answers)
 * to rtpsession: sent from here, at once, as a NACK of its own, and
 * stopped.
 *
 * rtpsession would hold the request for its next report, and while
 * requests wait it walks its table of sources with its lock released
 * (schedule_remaining_nacks() in GStreamer 1.22, still so upstream): the
 * first packet of a new SSRC arriving then (the first retransmission, the
 * first packets of the call, which is when NACKs wait most) changes the
 * table under the walk, "g_hash_table_foreach: assertion 'version ==
 * hash_table->version' failed" in the test logs, and the walk goes on
 * through a changed table. With no request ever reaching it, it never
 * walks that way. */
static GstPadProbeReturn
on_retransmission_request (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  ConfabRtpSession *session = user_data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  const ConfabMediaStream *stream = rtx_stream (session);
  const GstStructure *s = gst_event_get_structure (event);
  guint8 packet[8 + 12 + 4];
  guint seqnum, ssrc;
  guint16 seq;
  gsize len;

  if (GST_EVENT_TYPE (event) != GST_EVENT_CUSTOM_UPSTREAM || s == NULL
      || !gst_structure_has_name (s, "GstRTPRetransmissionRequest"))
    return GST_PAD_PROBE_OK;
  if (stream != NULL && gst_structure_get_uint (s, "seqnum", &seqnum)
      && gst_structure_get_uint (s, "ssrc", &ssrc))
    {
      seq = (guint16) seqnum;
      len = confab_rtcp_write_nack (stream->params.local_ssrc, ssrc, &seq, 1, packet,
                                    sizeof packet);
      if (len > 0)
        deliver_bytes (session, packet, len);
    }
  return GST_PAD_PROBE_DROP;
}

/* rtpbin's AUX element for the stream with RTX, in @send's direction
 * (NULL when that stream does not go that way), kept in *@slot for its
 * figures.
 *
 * rtprtxsend sits between the payloaders and the network: it keeps what
 * we sent and answers the peer's NACKs (which rtpsession turns into
 * retransmission requests upstream) on the RTX payload type and SSRC.
 *
 * rtprtxreceive sits between rtpsession and the jitter buffers (where
 * rtpbin puts AUX receivers): it sees the jitter buffers' requests go
 * upstream and turns the retransmissions that answer them back into the
 * media packets they carry. Confab's FEC decoder sits in front of
 * rtpsession: a packet it rebuilds reaches the jitter buffer before the
 * buffer asks for it (a repair packet follows its frame at once, a NACK
 * waits for the next packet to show the hole), so it is not asked for; a
 * late duplicate is dropped by the jitter buffer. */
static GstElement *
add_rtx_element (ConfabRtpSession *session, guint session_id, gboolean send, GstElement **slot)
{
  ConfabMediaStream *stream = rtx_stream (session);
  const ConfabStreamParams *params = stream != NULL ? &stream->params : NULL;
  GstElement *element;

  if (params == NULL || !(send ? params->send : params->receive) || *slot != NULL
      || (element = gst_element_factory_make (send ? "rtprtxsend" : "rtprtxreceive", NULL)) == NULL)
    return NULL;

  set_map (element, "payload-type-map", params->pt, params->rtx_pt);
  /* With ULPFEC in RED our media leaves in RED (the FEC encoder sits
   * before this element), and the peer's is unwrapped before rtpbin. */
  if (send && params->red_rtx_pt != 0)
    {
      g_autoptr (GstStructure) map = NULL;
      g_autofree char *media = g_strdup_printf ("%u", params->pt);
      g_autofree char *red = g_strdup_printf ("%u", params->red_pt);

      map = gst_structure_new ("application/x-rtp-pt-map", media, G_TYPE_UINT, params->rtx_pt, red,
                               G_TYPE_UINT, params->red_rtx_pt, NULL);
      g_object_set (element, "payload-type-map", map, NULL);
    }
  if (send)
    {
      set_map (element, "ssrc-map", params->local_ssrc, params->local_rtx_ssrc);
      g_object_set (element, "max-size-time", (guint) RTX_HISTORY_MS, "max-size-packets", 0u, NULL);
    }
  else
    {
      g_autoptr (GstPad) sink = gst_element_get_static_pad (element, "sink");

      gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM, on_retransmission_request,
                         session, NULL);
    }
  *slot = gst_object_ref (element);
  return aux_bin (element, session_id);
}

static GstElement *
on_request_aux_sender (GstElement *rtpbin, guint session_id, gpointer user_data)
{
  ConfabRtpSession *session = user_data;

  return add_rtx_element (session, session_id, TRUE, &session->rtx_send);
}

static GstElement *
on_request_aux_receiver (GstElement *rtpbin, guint session_id, gpointer user_data)
{
  ConfabRtpSession *session = user_data;

  return add_rtx_element (session, session_id, FALSE, &session->rtx_receive);
}

/* Upstream of the video payloader: at most one key-frame request per
 * KEY_FRAME_MIN_INTERVAL reaches the encoder. */
static GstPadProbeReturn
on_key_frame_request (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  ConfabRtpSession *session = user_data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  gint64 now = g_get_monotonic_time ();
  gboolean pass;

  if (!gst_video_event_is_force_key_unit (event))
    return GST_PAD_PROBE_OK;

  g_mutex_lock (&session->lock);
  pass
      = session->last_key_frame_request == 0
        || now - session->last_key_frame_request >= (gint64) (KEY_FRAME_MIN_INTERVAL / GST_USECOND);
  if (pass)
    session->last_key_frame_request = now;
  else
    session->key_frame_requests_dropped++;
  g_mutex_unlock (&session->lock);

  return pass ? GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP;
}

/* The payloader of @stream after the capture's encoder of its kind. */
static gboolean
build_send (ConfabRtpSession *session, const ConfabMediaStream *stream, ConfabMediaCapture *capture,
            GstElement *funnel, GError **error)
{
  const ConfabStreamParams *params = &stream->params;
  GstElement *encoder = confab_media_capture_get_encoder (capture, params->kind);
  GstElement *payloader
      = confab_media_add_element (session->bin, stream->codec->payloader, NULL, error);

  if (payloader == NULL)
    return FALSE;

  g_object_set (payloader, "pt", params->pt, "ssrc", params->local_ssrc, NULL);
  if (params->kind == CONFAB_STREAM_KIND_VIDEO)
    {
      g_autoptr (GstPad) sink = gst_element_get_static_pad (payloader, "sink");

      g_object_set (payloader, "mtu", VIDEO_MTU, NULL);
      gst_util_set_object_arg (G_OBJECT (payloader), "picture-id-mode", "15-bit");
      gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM, on_key_frame_request, session,
                         NULL);
    }

  return confab_media_link_elements (error, encoder, payloader, NULL)
         && confab_media_link_pads (payloader, "src", funnel, "sink_%u", error);
}

static GstElement *
add_packet_sink (ConfabRtpSession *session, const char *name, GError **error)
{
  GstAppSinkCallbacks callbacks = { .new_sample = on_packet_sample };
  GstElement *sink = confab_media_add_element (session->bin, "appsink", name, error);

  if (sink == NULL)
    return NULL;

  /* Packets leave as soon as they exist: pacing is the network's job. */
  g_object_set (sink, "sync", FALSE, "async", FALSE, "buffer-list", TRUE, "enable-last-sample",
                FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, session, NULL);

  return sink;
}

static GstElement *
add_packet_source (ConfabRtpSession *session, const char *name, const char *media_type,
                   GError **error)
{
  GstElement *source = confab_media_add_element (session->bin, "appsrc", name, error);
  g_autoptr (GstCaps) caps = NULL;

  if (source == NULL)
    return NULL;

  caps = gst_caps_new_empty_simple (media_type);
  /* Time stamped by push_stamped(). */
  g_object_set (source, "is-live", TRUE, "format", GST_FORMAT_TIME, "do-timestamp", FALSE, "caps",
                caps, "max-bytes", (guint64) APPSRC_MAX_BYTES, "max-buffers",
                (guint64) APPSRC_MAX_BUFFERS, "emit-signals", FALSE, NULL);
  gst_util_set_object_arg (G_OBJECT (source), "leaky-type", "downstream");

  return gst_object_ref (source);
}

static gpointer
register_fec_elements (gpointer data)
{
  /* Linked in statically (gst_fec_dep): nothing to install or to find on
   * a plugin path. */
  gst_element_register (NULL, "confabfecenc", GST_RANK_NONE, GST_TYPE_CONFAB_FEC_ENC);
  gst_element_register (NULL, "confabfecdec", GST_RANK_NONE, GST_TYPE_CONFAB_FEC_DEC);
  return NULL;
}

static void
ensure_fec_elements (void)
{
  static GOnce registered = G_ONCE_INIT;

  g_once (&registered, register_fec_elements, NULL);
}

/* The FEC decoder's SSRCs of the peer: its repair packets', and its
 * media's, whose retransmissions the decoder takes as received. The
 * offerer learns them from the answer (confab_rtp_session_set_remote_ssrcs()). */
static void
set_decoder_ssrcs (ConfabRtpSession *session)
{
  const ConfabStreamParams *params = &session->fec_stream->params;

  g_object_set (session->fec_dec, "repair-ssrc", params->remote_fec_ssrc, NULL);
  if (session->fec_dec_sees_rtx)
    g_object_set (session->fec_dec, "media-ssrc", params->remote_ssrc, NULL);
}

/* The repair format of @params for confabfecenc/dec's "scheme". */
static const char *
fec_scheme_nick (const ConfabStreamParams *params)
{
  if (params->fec_scheme == CONFAB_STREAM_FEC_RS)
    return "rs";
  return params->red_pt ? "ulpfec" : "flexfec";
}

/* The FEC encoder for @stream (FlexFEC, ULPFEC in RED or Reed-Solomon),
 * made and set up; not added to any bin. */
static GstElement *
make_fec_encoder (ConfabRtpSession *session, const ConfabMediaStream *stream)
{
  const ConfabStreamParams *params = &stream->params;
  GstElement *encoder;

  ensure_fec_elements ();
  encoder = gst_element_factory_make ("confabfecenc", "fec-enc");
  /* encoding-name: after rtpfunnel and rtpbin the caps no longer say
   * which codec the protected packets carry, and without it no key frame
   * would get key-frame-overhead. */
  gst_util_set_object_arg (G_OBJECT (encoder), "scheme", fec_scheme_nick (params));
  g_object_set (encoder, "pt", params->fec_pt, "repair-ssrc", params->local_fec_ssrc, "protect-pt",
                (gint) params->pt, "overhead", session->fec_overhead, "key-frame-overhead",
                session->fec_key_frame_overhead, "encoding-name", stream->codec->name, NULL);
  if (params->red_pt != 0)
    g_object_set (encoder, "red-pt", (gint) params->red_pt, NULL);
  return encoder;
}

/* ULPFEC in RED: the encoder goes where rtpbin asks for a FEC encoder,
 * before its RTX sender, since it renumbers the media to make room for
 * its repair packets in their sequence (WebRTC's form), and the RTX
 * sender must keep the packets as they leave. */
static GstElement *
on_request_fec_encoder (GstElement *rtpbin, guint session_id, gpointer user_data)
{
  ConfabRtpSession *session = user_data;
  GstElement *encoder;

  if (session->red_stream == NULL || !session->red_stream->params.send || session->fec_enc != NULL)
    return NULL;
  encoder = make_fec_encoder (session, session->red_stream);
  session->fec_enc = gst_object_ref (encoder);
  return encoder;
}

/* FEC for @stream. FlexFEC: the encoder between rtpbin's send_rtp_src_0
 * and the RTP appsink (it passes other streams and RTCP through:
 * protect-pt); ULPFEC in RED: inside rtpbin (on_request_fec_encoder()).
 * The decoder between the RTP appsrc and recv_rtp_sink_0, so that a lost
 * packet is rebuilt as soon as its repair packet arrives and reaches the
 * jitter buffer merely late (DESIGN.md). The decoder consumes the repair
 * packets: rtpbin never sees them as a stream. */
static gboolean
build_fec (ConfabRtpSession *session, ConfabMediaStream *stream, GError **error)
{
  const ConfabStreamParams *params = &stream->params;
  gboolean red = params->red_pt != 0;

  ensure_fec_elements ();
  if ((session->fec_dec = confab_media_add_element (session->bin, "confabfecdec", "fec-dec", error))
      == NULL)
    return FALSE;
  gst_object_ref (session->fec_dec);
  session->fec_stream = stream;
  if (!red)
    {
      session->fec_enc = gst_object_ref (make_fec_encoder (session, stream));
      gst_bin_add (session->bin, session->fec_enc);
    }

  /* RED media reaches the decoder unwrapped (confab-red-unwrap.h), its repair
   * packets still in RED. */
  gst_util_set_object_arg (G_OBJECT (session->fec_dec), "scheme", fec_scheme_nick (params));
  g_object_set (session->fec_dec, "pt", params->fec_pt, "red-pt", red ? (gint) params->red_pt : -1,
                NULL);
  /* The decoder sits before rtpsession and never sees what a retransmission
   * restores (behind it): told which packets are retransmissions, it takes
   * them as received instead of rebuilding them again (either scheme). */
  if (!red && params->rtx_pt != 0)
    {
      g_object_set (session->fec_dec, "rtx-pt", (gint) params->rtx_pt, "rtx-apt", params->pt, NULL);
      session->fec_dec_sees_rtx = TRUE;
    }
  set_decoder_ssrcs (session);

  return (red ? confab_media_link_pads (session->rtpbin, "send_rtp_src_0", session->rtp_sink,
                                        "sink", error)
              : confab_media_link_pads (session->rtpbin, "send_rtp_src_0", session->fec_enc, "sink",
                                        error)
                    && confab_media_link_pads (session->fec_enc, "src", session->rtp_sink, "sink",
                                               error))
         && confab_media_link_pads (session->rtp_src, "src", session->fec_dec, "sink", error)
         && confab_media_link_pads (session->fec_dec, "src", session->rtpbin, "recv_rtp_sink_0",
                                    error);
}

static gboolean
link_without_fec (ConfabRtpSession *session, GError **error)
{
  return confab_media_link_pads (session->rtpbin, "send_rtp_src_0", session->rtp_sink, "sink",
                                 error)
         && confab_media_link_pads (session->rtp_src, "src", session->rtpbin, "recv_rtp_sink_0",
                                    error);
}

static gboolean
build (ConfabRtpSession *session, const ConfabMediaConfig *config, ConfabMediaCapture *capture,
       GError **error)
{
  GstElement *funnel, *rtcp_sink;
  ConfabMediaStream *fec_stream = NULL;
  GObject *internal = NULL;

  if ((session->rtpbin = confab_media_add_element (session->bin, "rtpbin", "rtpbin", error))
      == NULL)
    return FALSE;
  gst_object_ref (session->rtpbin);

  /* do-lost: the jitter buffer tells the depayloaders about losses (Opus
   * FEC and PLC, VP8 keyframe requests). rtcp-sync-send-time off: the
   * sender reports map RTP time to capture time, so the peer lines audio
   * up with video as they were captured, whatever each encoder's delay.
   * Retransmission (NACK + RTX) when negotiated: the AUX elements resend
   * and take back what the video's jitter buffer asks for (see
   * on_new_jitterbuffer() for which one and when). AVPF allows early RTCP
   * feedback (NACK, PLI). drop-on-latency stays off: lip sync makes a
   * jitter buffer hold more than its latency, and with it on about half
   * of the frames were dropped in the loopback test. */
  g_object_set (session->rtpbin, "latency", JITTERBUFFER_LATENCY_MS, "do-lost", TRUE,
                "do-retransmission", FALSE, "max-streams", MAX_RTPBIN_STREAMS,
                "rtcp-sync-send-time", FALSE, NULL);
  gst_util_set_object_arg (G_OBJECT (session->rtpbin), "rtp-profile", "avpf");
  g_signal_connect (session->rtpbin, "request-pt-map", G_CALLBACK (on_request_pt_map), session);
  g_signal_connect (session->rtpbin, "request-aux-sender", G_CALLBACK (on_request_aux_sender),
                    session);
  g_signal_connect (session->rtpbin, "request-aux-receiver", G_CALLBACK (on_request_aux_receiver),
                    session);
  g_signal_connect (session->rtpbin, "new-jitterbuffer", G_CALLBACK (on_new_jitterbuffer), session);
  g_signal_connect (session->rtpbin, "request-fec-encoder", G_CALLBACK (on_request_fec_encoder),
                    session);
  g_signal_connect (session->rtpbin, "pad-added", G_CALLBACK (on_pad_added), session);

  /* All streams share session 0 (BUNDLE); rtpfunnel keeps upstream events
   * such as keyframe requests going to the right encoder. */
  if ((funnel = confab_media_add_element (session->bin, "rtpfunnel", NULL, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < session->n_streams; i++)
    {
      if (session->streams[i].params.send
          && !build_send (session, &session->streams[i], capture, funnel, error))
        return FALSE;
      if (session->streams[i].params.fec_pt != 0)
        fec_stream = &session->streams[i];
    }
  session->fec_overhead = config->fec_overhead;
  session->fec_key_frame_overhead = config->fec_key_frame_overhead;
  if (fec_stream != NULL && fec_stream->params.red_pt != 0)
    session->red_stream = fec_stream;
  if (!confab_media_link_pads (funnel, "src", session->rtpbin, "send_rtp_sink_0", error))
    return FALSE;

  g_signal_emit_by_name (session->rtpbin, "get-internal-session", 0, &internal);
  if (internal != NULL)
    {
      gboolean rtx = rtx_stream (session) != NULL;

      g_object_set (internal, "rtcp-min-interval",
                    (guint64) (rtx ? RTCP_MIN_INTERVAL_RTX : RTCP_MIN_INTERVAL), NULL);
      /* Left to itself, rtpsession learns the session's bandwidth from
       * the traffic, and for the first seconds of a call (when a lost
       * packet of the first key frame costs most) it allowed one RTCP
       * packet, and so one early feedback, per 0.5 to 0.9 s. */
      if (rtx)
        g_object_set (internal, "bandwidth",
                      (double) 2 * (config->video_bitrate_kbps + config->audio_bitrate_kbps) * 1000,
                      NULL);
      g_object_unref (internal);
    }

  if ((session->rtp_sink = add_packet_sink (session, "rtp-sink", error)) == NULL
      || (rtcp_sink = add_packet_sink (session, "rtcp-sink", error)) == NULL
      || !confab_media_link_pads (session->rtpbin, "send_rtcp_src_0", rtcp_sink, "sink", error))
    return FALSE;
  gst_object_ref (session->rtp_sink);

  if ((session->rtp_src = add_packet_source (session, "rtp-source", "application/x-rtp", error))
          == NULL
      || (session->rtcp_src
          = add_packet_source (session, "rtcp-source", "application/x-rtcp", error))
             == NULL
      || !confab_media_link_pads (session->rtcp_src, "src", session->rtpbin, "recv_rtcp_sink_0",
                                  error))
    return FALSE;

  if (fec_stream != NULL)
    return build_fec (session, fec_stream, error);
  return link_without_fec (session, error);
}

ConfabRtpSession *
confab_rtp_session_new (GstBin *bin, const ConfabMediaConfig *config,
                        const ConfabStreamParams *streams, guint n_streams, GstDevice *speaker,
                        ConfabMediaCapture *capture, ConfabCallbackSlot *packet_slot,
                        ConfabCallbackSlot *frame_slot, ConfabCallbackSlot *level_slot,
                        GError **error)
{
  ConfabRtpSession *session = g_new0 (ConfabRtpSession, 1);

  session->bin = bin;
  session->play_audio = config->play_audio;
  session->speaker = speaker != NULL ? gst_object_ref (speaker) : NULL;
  session->packet_slot = packet_slot;
  session->frame_slot = frame_slot;
  session->level_slot = level_slot;
  g_mutex_init (&session->lock);
  session->jitterbuffers = g_hash_table_new_full (NULL, NULL, NULL, jitter_buffer_entry_free);
  for (guint i = 0; i < n_streams; i++)
    confab_media_stream_init (&session->streams[i], &streams[i], session->streams, i);
  session->n_streams = n_streams;

  if (!build (session, config, capture, error))
    {
      confab_rtp_session_free (session);
      return NULL;
    }

  return session;
}

void
confab_rtp_session_free (ConfabRtpSession *session)
{
  if (session == NULL)
    return;

  if (session->rtpbin != NULL)
    g_signal_handlers_disconnect_by_data (session->rtpbin, session);
  gst_clear_object (&session->rtp_src);
  gst_clear_object (&session->rtcp_src);
  gst_clear_object (&session->rtp_sink);
  gst_clear_object (&session->fec_enc);
  gst_clear_object (&session->fec_dec);
  gst_clear_object (&session->rtx_send);
  gst_clear_object (&session->rtx_receive);
  gst_clear_object (&session->rtpbin);
  gst_clear_object (&session->speaker);
  g_clear_pointer (&session->jitterbuffers, g_hash_table_unref);
  g_mutex_clear (&session->lock);
  g_free (session);
}

void
confab_rtp_session_set_fec_overhead (ConfabRtpSession *session, guint overhead,
                                     guint key_frame_overhead)
{
  /* Both properties are GST_PARAM_MUTABLE_PLAYING: confabfecenc takes them
   * under its object lock, and its streaming thread picks them up at the
   * next packet for the blocks that end from then on
   * (confab_fec_encoder_set_overhead()), so a block in progress is never
   * cut short or coded with a mask of another size. */
  if (session->fec_enc != NULL)
    g_object_set (session->fec_enc, "overhead", MIN (overhead, 100), "key-frame-overhead",
                  MIN (key_frame_overhead, 100), NULL);
}

void
confab_rtp_session_set_remote_ssrcs (ConfabRtpSession *session, const ConfabStreamParams *streams,
                                     guint n_streams)
{
  if (n_streams != session->n_streams)
    return;
  g_mutex_lock (&session->lock);
  for (guint i = 0; i < n_streams; i++)
    {
      ConfabStreamParams *params = &session->streams[i].params;

      if (streams[i].kind != params->kind || streams[i].local_ssrc != params->local_ssrc)
        continue;
      params->remote_ssrc = streams[i].remote_ssrc;
      params->remote_fec_ssrc = streams[i].remote_fec_ssrc;
      params->remote_rtx_ssrc = streams[i].remote_rtx_ssrc;
    }
  g_mutex_unlock (&session->lock);

  if (session->fec_dec != NULL)
    set_decoder_ssrcs (session);
}

void
confab_rtp_session_disable_fec (ConfabRtpSession *session)
{
  g_autoptr (GError) error = NULL;

  if (session->fec_dec == NULL)
    return;
  session->fec_stream->stats.fec_scheme[0] = '\0';

  /* Still in NULL state: nothing flows, relinking is plain surgery.
   * Removing an element unlinks its pads. ULPFEC in RED's encoder is
   * rtpbin's: left in place, it passes everything through untouched. */
  if (session->red_stream != NULL)
    {
      if (session->fec_enc != NULL)
        g_object_set (session->fec_enc, "red-pt", -1, "overhead", 0u, "key-frame-overhead", 0u,
                      NULL);
      session->red_stream = NULL;
      gst_bin_remove (session->bin, session->fec_dec);
      gst_clear_object (&session->fec_enc);
      gst_clear_object (&session->fec_dec);
      session->fec_stream = NULL;
      if (!confab_media_link_pads (session->rtp_src, "src", session->rtpbin, "recv_rtp_sink_0",
                                   &error))
        g_critical ("Could not relink the pipeline without FEC: %s", error->message);
      return;
    }
  gst_bin_remove (session->bin, session->fec_enc);
  gst_bin_remove (session->bin, session->fec_dec);
  gst_clear_object (&session->fec_enc);
  gst_clear_object (&session->fec_dec);
  session->fec_stream = NULL;
  if (!link_without_fec (session, &error))
    g_critical ("Could not relink the pipeline without FEC: %s", error->message);
}

/* Statistics ---------------------------------------------------------------- */

/* What the jitter buffers of one stream counted. */
typedef struct
{
  guint64 lost;        /* declared lost (after FEC, and RTX if on) */
  guint64 rtx_success; /* lost packets a retransmission brought in time */
} JitterBufferCounts;

/* The jitter buffers' counts per stream (index as in streams). The
 * jitter buffers are queried outside session->lock: their property getter
 * takes their own lock, which their streaming thread may hold while it
 * runs our probes. */
static void
query_jitterbuffers (ConfabRtpSession *session, JitterBufferCounts counts[CONFAB_MAX_STREAMS])
{
  g_autoptr (GPtrArray) jitterbuffers = g_ptr_array_new_with_free_func (gst_object_unref);
  g_autoptr (GArray) pts = g_array_new (FALSE, FALSE, sizeof (gint));
  GHashTableIter iter;
  gpointer value;

  memset (counts, 0, sizeof (JitterBufferCounts) * CONFAB_MAX_STREAMS);

  g_mutex_lock (&session->lock);
  g_hash_table_iter_init (&iter, session->jitterbuffers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      JitterBufferEntry *entry = value;

      g_ptr_array_add (jitterbuffers, gst_object_ref (entry->jitterbuffer));
      g_array_append_val (pts, entry->pt);
    }
  g_mutex_unlock (&session->lock);

  for (guint i = 0; i < jitterbuffers->len; i++)
    {
      gint pt = g_array_index (pts, gint, i);
      ConfabMediaStream *stream = pt >= 0 ? find_stream (session, CONFAB_STREAM_BY_PT, pt) : NULL;
      g_autoptr (GstStructure) stats = NULL;
      guint64 lost = 0, rtx_success = 0;

      if (stream == NULL)
        continue;
      g_object_get (g_ptr_array_index (jitterbuffers, i), "stats", &stats, NULL);
      if (stats != NULL)
        {
          gst_structure_get_uint64 (stats, "num-lost", &lost);
          gst_structure_get_uint64 (stats, "rtx-success-count", &rtx_success);
        }
      counts[stream - session->streams].lost += lost;
      counts[stream - session->streams].rtx_success += rtx_success;
    }
}

void
confab_rtp_session_set_running (ConfabRtpSession *session, gboolean running)
{
  g_mutex_lock (&session->lock);
  session->running = running;
  g_mutex_unlock (&session->lock);
}

void
confab_rtp_session_stop (ConfabRtpSession *session)
{
  JitterBufferCounts counts[CONFAB_MAX_STREAMS];
  gboolean first;

  g_mutex_lock (&session->lock);
  session->running = FALSE;
  first = !session->lost_final;
  g_mutex_unlock (&session->lock);

  if (!first)
    return;

  query_jitterbuffers (session, counts);
  g_mutex_lock (&session->lock);
  for (guint i = 0; i < session->n_streams; i++)
    {
      session->streams[i].stats.packets_lost = counts[i].lost;
      session->streams[i].stats.rtx_recovered = counts[i].rtx_success;
    }
  session->lost_final = TRUE;
  g_mutex_unlock (&session->lock);
}

/* Under session->lock: the repair packets per 100 media packets since the
 * older of the window's two moments, which move on every FEC_WINDOW_US. */
static double
fec_overhead_pct (ConfabRtpSession *session, gint64 now, guint64 media, guint64 repair)
{
  if (session->fec_window[1].time == 0 || now - session->fec_window[1].time >= FEC_WINDOW_US)
    {
      session->fec_window[0] = session->fec_window[1];
      session->fec_window[1].time = now;
      session->fec_window[1].media = media;
      session->fec_window[1].repair = repair;
    }
  if (session->fec_window[0].time == 0 || media <= session->fec_window[0].media)
    return media > 0 ? 100.0 * repair / media : 0;
  return 100.0 * (repair - session->fec_window[0].repair) / (media - session->fec_window[0].media);
}

void
confab_rtp_session_get_stats (ConfabRtpSession *session, ConfabMediaStats *stats)
{
  JitterBufferCounts counts[CONFAB_MAX_STREAMS] = { 0 };
  guint64 repair_sent = 0, recovered = 0, unrecovered = 0, rtx_restored = 0;
  gboolean final;
  gint64 now;

  g_mutex_lock (&session->lock);
  final = session->lost_final;
  g_mutex_unlock (&session->lock);
  if (!final)
    query_jitterbuffers (session, counts);

  /* The FEC elements' getters take their object lock, which their
   * streaming threads hold only briefly and never around our callbacks;
   * still, not under session->lock. */
  if (session->fec_enc != NULL)
    g_object_get (session->fec_enc, "repair-packets-sent", &repair_sent, NULL);
  if (session->fec_dec != NULL)
    g_object_get (session->fec_dec, "recovered", &recovered, "unrecovered", &unrecovered,
                  "rtx-restored", &rtx_restored, NULL);

  now = g_get_monotonic_time ();
  *stats = (ConfabMediaStats){ 0 };

  g_mutex_lock (&session->lock);
  for (guint i = 0; i < session->n_streams; i++)
    {
      ConfabMediaStream *stream = &session->streams[i];
      ConfabStreamStats *out
          = stream->params.kind == CONFAB_STREAM_KIND_AUDIO ? &stats->audio : &stats->video;

      confab_media_stream_get_stats (stream, now, out);
      if (!final)
        {
          out->packets_lost = counts[i].lost;
          out->rtx_recovered = counts[i].rtx_success;
        }
      if (stream == session->fec_stream)
        {
          out->fec_repair_sent = repair_sent;
          out->fec_overhead_pct
              = fec_overhead_pct (session, now, stream->stats.packets_sent, repair_sent);
          out->fec_recovered = recovered;
          out->fec_unrecovered = unrecovered;
          /* The jitter buffer also counts a retransmission that comes after FEC
           * rebuilt its packet: restored twice in its ledger, once in ours
           * (which needs the peer's media SSRC: a pipeline built without
           * one keeps the jitter buffer's). */
          if (session->fec_dec_sees_rtx && stream->params.remote_ssrc != 0)
            out->rtx_recovered = rtx_restored;
        }
    }
  stats->rtcp_packets_sent = session->rtcp_packets_sent;
  stats->rtcp_packets_received = session->rtcp_packets_received;
  stats->first_remote_frame_time = session->first_remote_frame_time;
  stats->invalid_packets = session->invalid_packets;
  stats->rtt_ms = session->rtt_ms;
  g_mutex_unlock (&session->lock);
}
