/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What ties adaptive FEC to a call: every CONFAB_FEC_FEED_INTERVAL_MS it
 * feeds the FEC controller (confab-fec-controller.h) the pipeline's
 * statistics (the peer's reported loss of our video, the round trip) and
 * sets the video FEC encoder's overheads from it; and it tells Opus the
 * reported loss of our audio, at a bitrate where Opus's in-band FEC is
 * produced at all.
 */
#pragma once

#include "confab-call-pipeline.h"
#include "confab-fec-controller.h"

G_BEGIN_DECLS

#define CONFAB_FEC_FEED_INTERVAL_MS 500
/* The delta-frame overhead's ceiling: at 20% loss with a round trip too
 * long for retransmission FEC would want 60%, which would crowd out the
 * media itself (congestion control shares the rate among both). */
#define CONFAB_FEC_FEED_MAX_PCT 50
/* Reported audio loss from which a configured Opus bitrate under
 * CONFAB_FEC_OPUS_LBRR_MIN_KBPS is raised to it. */
#define CONFAB_FEC_FEED_AUDIO_RAISE_LOSS 0.02

typedef struct _ConfabFecFeed ConfabFecFeed;

/* Starts the ticks on the thread-default main context. @video: adaptive
 * video FEC (FALSE: the encoder keeps its configured overheads, only Opus
 * is told the loss); @rtx: retransmission was negotiated;
 * @audio_bitrate_kbps: the configured Opus bitrate. */
ConfabFecFeed *confab_fec_feed_new (ConfabCallPipeline *pipeline, gboolean video, gboolean rtx,
                                    guint audio_bitrate_kbps) G_GNUC_WARN_UNUSED_RESULT;
/* Owner thread: no more ticks. */
void confab_fec_feed_free (ConfabFecFeed *feed);

G_END_DECLS
