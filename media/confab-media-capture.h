/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The capture half of a call (media/ only): the camera and microphone (or
 * synthetic sources), their encoders, the self-view tee and the call
 * controls (mute, camera off). It knows no payload type, SSRC or peer: the
 * RTP session (confab-rtp-session.h) payloads what the encoders give, so
 * that two peers could one day share one camera.
 */
#pragma once

#include "confab-call-pipeline.h"
#include "confab-callback-slot.h"
#include "confab-stream-params.h"

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _ConfabMediaCapture ConfabMediaCapture;

/* Adds the branches of the kinds asked for to @bin. @frame_slot and
 * @level_slot (a ConfabVideoFrameFunc and a ConfabAudioLevelFunc) must
 * outlive the capture. */
ConfabMediaCapture *confab_media_capture_new (GstBin *bin, const ConfabMediaConfig *config,
                                              gboolean audio, gboolean video,
                                              ConfabCallbackSlot *frame_slot,
                                              ConfabCallbackSlot *level_slot,
                                              GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* After the pipeline has gone to NULL. */
void confab_media_capture_free (ConfabMediaCapture *capture);

/* The encoder of @kind, whose src pad gives the encoded stream; NULL when
 * that kind was not asked for. */
GstElement *confab_media_capture_get_encoder (ConfabMediaCapture *capture, ConfabStreamKind kind);

/* Owner thread, before the pipeline starts: the local preview branch (a
 * colour conversion per frame, so only for someone who looks). Once. */
gboolean confab_media_capture_build_preview (ConfabMediaCapture *capture, GError **error);

guint64 confab_media_capture_get_frames_encoded (ConfabMediaCapture *capture,
                                                 ConfabStreamKind kind);

/* Thread-safe, any time. */
void confab_media_capture_set_audio_muted (ConfabMediaCapture *capture, gboolean muted);
gboolean confab_media_capture_get_audio_muted (ConfabMediaCapture *capture);
void confab_media_capture_set_video_enabled (ConfabMediaCapture *capture, gboolean enabled);
gboolean confab_media_capture_get_video_enabled (ConfabMediaCapture *capture);

/* Thread-safe, any time: the encoders take a new target on the fly
 * (vp8enc reconfigures between frames). The video bitrate is clamped to
 * 1..the configured one; 0 reads "unknown" when there is no video. The
 * picture follows the bitrate (confab-video-ladder.h): call this at every
 * congestion-control tick, even with an unchanged target, so that the
 * ladder can step back up. */
void confab_media_capture_set_video_bitrate (ConfabMediaCapture *capture, guint kbps);
guint confab_media_capture_get_video_bitrate (ConfabMediaCapture *capture);
/* The picture the encoder is given (the ladder's rung; 0 without video)
 * and the frames per second it makes. */
void confab_media_capture_get_sent_video (ConfabMediaCapture *capture, guint *width, guint *height,
                                          double *fps);
/* Opus's expected loss in percent (0..100): with in-band FEC on, the
 * encoder spends that much more on the redundant copy. */
void confab_media_capture_set_audio_loss_hint (ConfabMediaCapture *capture, guint percent);

G_END_DECLS
