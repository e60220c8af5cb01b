/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What negotiation agreed for one media stream (one m-line of the offer and
 * answer). The call's negotiation (call/confab-negotiation.c) fills these
 * from the two descriptions; the media pipeline is built from an array of
 * them and knows no payload type or SSRC of its own.
 *
 * Plain data: no GLib types beyond integers, so that negotiation tests and
 * pipeline tests can write them as literals.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CONFAB_STREAM_KIND_AUDIO,
  CONFAB_STREAM_KIND_VIDEO,
} ConfabStreamKind;

/* Which repair packets fec_pt carries. */
typedef enum
{
  /* FlexFEC (flexfec-03) on its own SSRC, or ULPFEC in RED when red_pt is
   * set: what any WebRTC peer may have. */
  CONFAB_STREAM_FEC_STANDARD,
  /* Confab's Reed-Solomon code (x-confab-rs, fec/README.md) on the FEC
   * SSRCs: only between two Confabs, never with red_pt. */
  CONFAB_STREAM_FEC_RS,
} ConfabStreamFecScheme;

/* At most this many negotiated streams in one call. */
#define CONFAB_MAX_STREAMS 4

typedef struct
{
  ConfabStreamKind kind;
  char mid[16];        /* the m-line's a=mid ("0", "1", "audio", ...) */
  char codec[16];      /* encoding name as in a=rtpmap, upper case: "OPUS", "VP8" */
  guint pt;            /* media payload type; both directions use the offer's numbers */
  guint clock_rate;    /* 48000 for Opus, 90000 for VP8 */
  guint channels;      /* a=rtpmap channels (2 for Opus); 0 for video */
  guint32 local_ssrc;  /* of the packets we send */
  guint32 remote_ssrc; /* the peer's (a=ssrc), 0 when it did not say */
  gboolean send;       /* direction: we send this stream */
  gboolean receive;    /* direction: we receive it */
  /* FlexFEC (RFC 8627, video; Reed-Solomon if fec_scheme says so): the
   * repair packets' payload type, 0 for no FEC, and the repair SSRCs
   * (a=ssrc-group:FEC-FR's second SSRC). */
  guint fec_pt;
  guint32 local_fec_ssrc;
  guint32 remote_fec_ssrc;
  /* Retransmission (RFC 4588, video): the RTX payload type (a=rtpmap rtx
   * with apt= the media's), 0 for none, and the RTX SSRCs (the second of
   * a=ssrc-group:FID). With it the receiver asks for lost packets with
   * generic NACKs (RFC 4585) and the sender resends them. */
  guint rtx_pt;
  guint32 local_rtx_ssrc;
  guint32 remote_rtx_ssrc;
  /* ULPFEC (RFC 5109) in RED (RFC 2198), the form browsers offer, instead
   * of FlexFEC: the RED payload type, 0 for none. With it fec_pt is
   * ULPFEC's, carried inside RED on the media SSRC and in its sequence
   * space (the FEC SSRCs are unused), the video's media packets travel in
   * RED too, and red_rtx_pt (0: none) retransmits RED packets (apt= the
   * RED's). */
  guint red_pt;
  guint red_rtx_pt;
  /* What fec_pt carries (CONFAB_STREAM_FEC_STANDARD when it is 0). */
  ConfabStreamFecScheme fec_scheme;
} ConfabStreamParams;

G_END_DECLS
