/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What ties congestion control to a call, both halves. Every
 * CONFAB_RATE_FEED_INTERVAL_MS:
 * - as a sender, it feeds the controller (confab-rate-controller.h) the
 *   pipeline's statistics (the peer's reported loss of our video, the
 *   round trip) and the peer's latest REMB, and sets the video encoder's
 *   bitrate and Opus's loss hint from them;
 * - as a receiver, it sends the peer a REMB with what the path from it
 *   carries (confab-rate-controller-estimate.h), once the path has shown
 *   a limit.
 */
#pragma once

#include "confab-call-pipeline.h"
#include "confab-packet-path.h"
#include "confab-rate-controller-estimate.h"
#include "confab-rate-controller.h"

G_BEGIN_DECLS

#define CONFAB_RATE_FEED_INTERVAL_MS 500
/* Where a call starts (unless its maximum is lower), as libwebrtc does:
 * the path has said nothing yet. Growing 50% a second it passes what
 * 640x360 needs (confab-video-ladder.h) in about a second, before the
 * picture would shrink. */
#define CONFAB_RATE_FEED_START_KBPS 300
/* The controller's floor: below it VP8 at our sizes is mush anyway. */
#define CONFAB_RATE_FEED_MIN_KBPS 100
/* A REMB older than this no longer limits anything. */
#define CONFAB_RATE_FEED_REMB_TIMEOUT_US (5 * G_USEC_PER_SEC)
typedef struct _ConfabRateFeed ConfabRateFeed;

/* Starts the ticks on the thread-default main context; @max_kbps is the
 * configured video bitrate. REMBs go out through @path from @local_ssrc,
 * about the peer's video @remote_video_ssrc (0: the peer sends none, no
 * REMB). */
ConfabRateFeed *confab_rate_feed_new (ConfabCallPipeline *pipeline, ConfabPacketPath *path,
                                      guint max_kbps, guint32 local_ssrc,
                                      guint32 remote_video_ssrc) G_GNUC_WARN_UNUSED_RESULT;
ConfabRateFeed *confab_rate_feed_ref (ConfabRateFeed *feed);
void confab_rate_feed_unref (ConfabRateFeed *feed);
/* Owner thread: no more ticks (the packet path may still hold a reference). */
void confab_rate_feed_stop (ConfabRateFeed *feed);

/* Any thread, every packet from the network (decrypted): notes a REMB,
 * or the arrival of an RTP packet. */
void confab_rate_feed_note_packet (ConfabRateFeed *feed, const guint8 *data, gsize size);

G_END_DECLS
