/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The per-peer half of a call (media/ only): one rtpbin session carrying
 * every negotiated stream (BUNDLE, rtcp-mux), the payloaders fed by the
 * capture's encoders, packets out through the packet function and in
 * through confab_rtp_session_push_packet(), the receive chains, FlexFEC,
 * and the per-stream statistics (confab-media-stream.h).
 */
#pragma once

#include "confab-call-pipeline.h"
#include "confab-callback-slot.h"
#include "confab-media-capture.h"
#include "confab-stream-params.h"

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _ConfabRtpSession ConfabRtpSession;

/* Adds the session to @bin (a pipeline) and links the send streams to
 * @capture's encoders. @streams must be valid
 * (confab_stream_params_validate()). @speaker: with config->play_audio,
 * the device to play on, NULL for autoaudiosink. The slots (a
 * ConfabPacketFunc, a ConfabVideoFrameFunc, a ConfabAudioLevelFunc) must
 * outlive the session. */
ConfabRtpSession *confab_rtp_session_new (GstBin *bin, const ConfabMediaConfig *config,
                                          const ConfabStreamParams *streams, guint n_streams,
                                          GstDevice *speaker, ConfabMediaCapture *capture,
                                          ConfabCallbackSlot *packet_slot,
                                          ConfabCallbackSlot *frame_slot,
                                          ConfabCallbackSlot *level_slot,
                                          GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* After the pipeline has gone to NULL. */
void confab_rtp_session_free (ConfabRtpSession *session);

/* Thread-safe. Packets are taken in only while running. */
void confab_rtp_session_set_running (ConfabRtpSession *session, gboolean running);
/* Stops taking packets in and keeps the jitter buffers' loss counts as
 * final (they forget them when they restart); before the pipeline goes to
 * NULL. */
void confab_rtp_session_stop (ConfabRtpSession *session);

/* Thread-safe; see confab_call_pipeline_push_packet(). */
void confab_rtp_session_push_packet (ConfabRtpSession *session, const guint8 *data, gsize size);

/* Owner thread, pipeline in NULL: removes the FEC elements. */
void confab_rtp_session_disable_fec (ConfabRtpSession *session);

/* Owner thread, pipeline in NULL: the peer's SSRCs, which the offerer learns
 * from the answer after its pipeline was built. @streams are the ones the
 * session was built with (same order, same local SSRCs); others are ignored. */
void confab_rtp_session_set_remote_ssrcs (ConfabRtpSession *session,
                                          const ConfabStreamParams *streams, guint n_streams);

/* Any thread: the FEC encoder's overheads from now on (no FEC: nothing). */
void confab_rtp_session_set_fec_overhead (ConfabRtpSession *session, guint overhead,
                                          guint key_frame_overhead);

/* Thread-safe: everything but frames_encoded. */
void confab_rtp_session_get_stats (ConfabRtpSession *session, ConfabMediaStats *stats);

G_END_DECLS
