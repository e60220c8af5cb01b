/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The RTP session's state, shared by its construction and packet handling
 * (confab-rtp-session.c) and its receive chains (confab-media-receive.c).
 */
#pragma once

#include "confab-media-stream.h"
#include "confab-rtcp-reports.h"
#include "confab-rtp-session.h"

G_BEGIN_DECLS

struct _ConfabRtpSession
{
  /* Immutable after construction (but for disable_fec, owner thread,
   * before start). */
  GstBin *bin;
  gboolean play_audio;
  GstDevice *speaker; /* NULL: autoaudiosink */
  ConfabCallbackSlot *packet_slot;
  ConfabCallbackSlot *frame_slot;
  ConfabCallbackSlot *level_slot;
  GstElement *rtpbin;
  GstElement *rtp_src;  /* appsrc feeding recv_rtp_sink_0 */
  GstElement *rtcp_src; /* appsrc feeding recv_rtcp_sink_0 */
  GstElement *rtp_sink; /* appsink after send_rtp_src_0 */
  /* For the stream with FEC: after send_rtp_src_0 and before
   * recv_rtp_sink_0; NULL without FEC. */
  GstElement *fec_enc;
  GstElement *fec_dec;
  /* fec_dec is told of retransmissions and counts those that restored a packet */
  gboolean fec_dec_sees_rtx;
  ConfabMediaStream *fec_stream;
  /* The stream whose FEC is ULPFEC in RED (then fec_enc sits in rtpbin's
   * FEC encoder slot, before RTX), NULL without. */
  ConfabMediaStream *red_stream;
  guint fec_overhead, fec_key_frame_overhead; /* as configured */
  /* rtpbin's AUX elements for the stream with RTX; NULL without. */
  GstElement *rtx_send;
  GstElement *rtx_receive;

  /* Counters, state and the jitter buffer table, touched from streaming
   * threads, the network thread and the owner thread. Never held while
   * calling out of media/. */
  GMutex lock;
  gboolean running;
  gboolean lost_final;
  ConfabMediaStream streams[CONFAB_MAX_STREAMS];
  guint n_streams;
  guint64 rtcp_packets_sent;
  guint64 rtcp_packets_received;
  guint64 invalid_packets;
  gint64 first_remote_frame_time;
  double rtt_ms;
  gint64 last_key_frame_request; /* g_get_monotonic_time() of the last one let through */
  guint64 key_frame_requests_dropped;
  ConfabSentReports sent_reports;
  GHashTable *jitterbuffers; /* SSRC -> JitterBufferEntry */
  guint32 red_media_ssrc;    /* atomic: the SSRC the peer's RED media came on, 0: none yet */
  /* fec_overhead_pct's window: the video's media and repair packets sent
   * as of two moments at least FEC_WINDOW_US apart, older first. */
  struct
  {
    gint64 time;
    guint64 media, repair;
  } fec_window[2];
};

/* Errors in streaming threads reach the owner through the bus, like any
 * element's. */
void confab_rtp_session_post_error (ConfabRtpSession *session, const GError *error);

/* Fills @chain, upstream first, with the elements (added to the session's
 * bin, linked) that consume a remote stream of @stream's codec, or with
 * @stream NULL a fakesink. */
gboolean confab_media_receive_build (ConfabRtpSession *session, ConfabMediaStream *stream,
                                     GPtrArray *chain, GError **error);
/* Removes what a failed build left. */
void confab_media_receive_remove (ConfabRtpSession *session, GPtrArray *chain);
/* Starts @chain and links @pad to it. */
gboolean confab_media_receive_attach (GstPad *pad, GPtrArray *chain, GError **error);

G_END_DECLS
