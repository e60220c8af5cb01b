/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Offer/answer negotiation: from what we can do and what the other side
 * sent, the parameters of each media stream; and back from those to the
 * description we send.
 *
 * Confab offers Opus 48000/2 on mid "0", VP8 90000 on mid "1", and FlexFEC
 * (flexfec-03) repair packets on the video if it wants them. Answering,
 * it takes the first audio section with Opus and the first video section
 * with VP8, in whatever order and with whatever mids and payload types the
 * offer has, and declines every other section (RFC 3264 6: port 0, same
 * mid, same place). Confab offers RTX (rtx/90000, apt= its VP8) for the
 * video and answers an offer's RTX for the VP8 it takes, on the offer's
 * numbers. Video FEC is FlexFEC or ULPFEC in RED (red/90000 with
 * ulpfec/90000, and rtx with apt= the RED's, as Chromium offers them): an
 * answer takes FlexFEC when both are offered (Confab to Confab), RED with
 * ULPFEC when that is all there is, never RED alone. Between two Confabs
 * the video FEC may be Confab's Reed-Solomon code (x-confab-rs/90000 on
 * the FlexFEC repair SSRC, fec/README.md): offered on request besides
 * FlexFEC, taken by an answer whenever offered and usable, and then the
 * only FEC the answer lists. Browsers never offer it and ignore it in an
 * offer (they answer FlexFEC or nothing). Audio RED and
 * telephone-event are never answered. The offerer refuses an answer that
 * changes payload types, drops FEC or RTX if the answer declines it, and
 * drops a stream whose section the answer declines.
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
  guint rtx_pt; /* 0 for CONFAB_SDP_DEFAULT_RTX_PT */
  gboolean fec; /* we want FEC on the video (offer it, or accept it) */
  /* Offer ULPFEC in RED (as browsers do) rather than FlexFEC. An answer
   * takes FlexFEC when the offer has it, else ULPFEC in RED, whatever
   * this says. */
  gboolean ulpfec;
  /* With fec (and not ulpfec): offer Confab's Reed-Solomon besides
   * FlexFEC, on rs_pt (0 for CONFAB_SDP_DEFAULT_RS_PT). An answer takes
   * an offer's Reed-Solomon whenever it wants FEC, whatever this says. */
  gboolean rs;
  guint rs_pt;
  /* Retransmission of the video (NACK + RTX) is on unless this says no:
   * offered, and accepted when offered. */
  gboolean no_rtx;
  /* Our SSRCs, non-zero and distinct: see confab_local_media_pick_ssrcs(). */
  guint32 audio_ssrc;
  guint32 video_ssrc;
  guint32 fec_ssrc;
  guint32 rtx_ssrc;
} ConfabLocalMedia;

/* One m-line of the offer and answer: a negotiated stream, or a declined
 * section with what is needed to write it back. */
typedef struct
{
  ConfabSdpMediaKind kind;
  gint stream;    /* index in ConfabStreamSet.streams, -1 when declined */
  char media[16]; /* declined: the m-line's media, protocol and first format */
  char proto[24];
  char format[24];
  char mid[32];
  /* The offerer's video: the x-confab-rs payload type offered besides
   * FlexFEC (the stream's fec_pt), until the answer settles it; 0: none. */
  guint rs_pt;
} ConfabSection;

/* The negotiated streams (those set up, in m-line order) and every
 * m-line of the exchange. */
typedef struct
{
  ConfabStreamParams streams[CONFAB_MAX_STREAMS];
  guint n_streams;
  ConfabSection sections[CONFAB_SDP_MAX_SECTIONS];
  guint n_sections;
} ConfabStreamSet;

/* Replaces the SSRCs of @local that are 0 with random ones, so that all
 * four are non-zero and distinct. */
void confab_local_media_pick_ssrcs (ConfabLocalMedia *local);

/* The offerer's streams: our own payload types and SSRCs, FEC if wanted;
 * nothing known of the peer yet. */
void confab_negotiation_offer (const ConfabLocalMedia *local, ConfabStreamSet *out);

/* The answerer's streams for @offer (a parsed offer): one audio and one
 * video stream at most, on the offer's payload types and mids, FEC only if
 * offered (x-confab-rs, flexfec-03, or red with ulpfec) and wanted here, RTX if offered for the VP8
 * and not refused here, directions mirrored, the peer's SSRCs from its a=ssrc lines; the other
 * sections declined. On failure (no section Confab can use) returns FALSE with a one-line @error
 * and leaves @out alone. */
gboolean confab_negotiation_answer (const ConfabLocalMedia *local, const ConfabSdp *offer,
                                    ConfabStreamSet *out, GError **error);

/* The offerer takes @answer into @streams (what confab_negotiation_offer()
 * gave): one m-line per offered one, of the same kind; the payload types
 * must be the offered ones, a different FEC or RTX payload type is
 * refused, an answer that picks the offered Reed-Solomon over FlexFEC
 * switches the stream to it (fec_scheme; the pipeline built for FlexFEC
 * must be built again), an answer without FEC turns it off (and sets
 * @fec_declined, may be NULL), one without RTX turns RTX off, and FEC or RTX the answer adds
 * without our offer is ignored. A section the
 * answer declines (port 0) removes its stream: n_streams shrinks, and the
 * pipeline must be built for what is left. On failure @streams is
 * unchanged. */
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
