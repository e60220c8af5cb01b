/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Offer/answer negotiation: from what we can do and what the other side
 * sent, the parameters of each media stream; and back from those to the
 * description we send.
 *
 * Confab's streams are fixed: Opus 48000/2 on mid "0", VP8 90000 on mid
 * "1", and FlexFEC (flexfec-03) repair packets on the video if both sides
 * want them. The answerer echoes the offer's payload types so that both
 * directions agree; the offerer refuses an answer that changes them, and
 * drops FEC if the answer declines it.
 */
#pragma once

#include <glib.h>

#include "confab-sdp.h"
#include "confab-stream-params.h"

G_BEGIN_DECLS

/* What we can do. */
typedef struct
{
  /* The payload types we offer (an answer echoes the offer's instead);
   * 0 for CONFAB_SDP_DEFAULT_AUDIO_PT, _VIDEO_PT and _FLEXFEC_PT. */
  guint audio_pt;
  guint video_pt;
  guint fec_pt;
  gboolean fec; /* we want FlexFEC on the video (offer it, or accept it) */
  /* Our SSRCs, non-zero and distinct: see confab_local_media_pick_ssrcs(). */
  guint32 audio_ssrc;
  guint32 video_ssrc;
  guint32 fec_ssrc;
} ConfabLocalMedia;

/* The negotiated streams, in m-line order. */
typedef struct
{
  ConfabStreamParams streams[CONFAB_MAX_STREAMS];
  guint n_streams;
} ConfabStreamSet;

/* Replaces the SSRCs of @local that are 0 with random ones, so that all
 * three are non-zero and distinct. */
void confab_local_media_pick_ssrcs (ConfabLocalMedia *local);

/* The offerer's streams: our own payload types and SSRCs, FEC if wanted;
 * nothing known of the peer yet. */
void confab_negotiation_offer (const ConfabLocalMedia *local, ConfabStreamSet *out);

/* The answerer's streams for @offer (a parsed offer): the offer's payload
 * types, FEC only if offered and wanted here, the peer's SSRCs from its
 * a=ssrc lines. On failure (no audio or video section, no Opus or VP8)
 * returns FALSE with a one-line @error and leaves @out alone. */
gboolean confab_negotiation_answer (const ConfabLocalMedia *local, const ConfabSdp *offer,
                                    ConfabStreamSet *out, GError **error);

/* The offerer takes @answer into @streams (what confab_negotiation_offer()
 * gave): the payload types must be the offered ones, a different FEC
 * payload type is refused, an answer without FEC turns it off (and sets
 * @fec_declined, may be NULL), and FEC the answer adds without our offer
 * is ignored. On failure @streams is unchanged. */
gboolean confab_negotiation_apply_answer (ConfabStreamSet *streams, const ConfabSdp *answer,
                                          gboolean *fec_declined, GError **error);

/* Our description of @streams, without the ICE part (the ICE session's
 * confab_ice_session_describe() adds that). */
ConfabSdp *confab_negotiation_describe (const ConfabStreamSet *streams, ConfabSdpType type,
                                        guint64 session_id) G_GNUC_WARN_UNUSED_RESULT;

/* The first stream of @kind, or NULL. */
const ConfabStreamParams *confab_stream_set_find (const ConfabStreamSet *set,
                                                  ConfabStreamKind kind);

G_END_DECLS
