/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The signaling blob: the SDP offer or answer two people carry by hand.
 *
 * Shaped like a browser's (JSEP) so that browsers, webrtcbin and other
 * tools accept it: UDP/TLS/RTP/SAVPF with a=fingerprint and a=setup, one
 * BUNDLE group, rtcp-mux, ICE credentials, a=msid and a=ssrc cname, the
 * complete candidate list followed by a=end-of-candidates (no trickle: a
 * person carries the blob).
 *
 * The parser reads what browsers write as well: m-lines in any order,
 * several codecs per m-line, RED, RTX, ULPFEC, FlexFEC and
 * telephone-event entries, m=application and other kinds (kept, to be
 * declined), bundle-only sections, and no a=end-of-candidates.
 *
 * Confab's own blobs are the ones whose s= line is "Confab offer" or
 * "Confab answer": only those must end their last section with
 * a=end-of-candidates, which is how a cut paste is told from a whole one.
 * Someone else's blob (a browser's, non-trickled) holds every candidate it
 * will have; there a cut is caught by a last line without its line break,
 * a payload type without a=rtpmap or a missing section.
 *
 * A pasted blob is untrusted input from a stranger: confab_sdp_parse()
 * never asserts on its content and reports the first problem in one line
 * that names the line number and the field.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CONFAB_SDP_ERROR (confab_sdp_error_quark ())
GQuark confab_sdp_error_quark (void);

typedef enum
{
  CONFAB_SDP_ERROR_EMPTY,     /* nothing but white space was pasted */
  CONFAB_SDP_ERROR_TRUNCATED, /* the blob stops early (a line or a section is missing at the end) */
  CONFAB_SDP_ERROR_SYNTAX,    /* a line is not SDP, or a field does not parse */
  CONFAB_SDP_ERROR_MISSING,   /* a required line or field is absent */
  CONFAB_SDP_ERROR_INVALID,   /* a field parses but its value is not acceptable */
  CONFAB_SDP_ERROR_UNSUPPORTED, /* valid SDP, but not something Confab can talk to */
  CONFAB_SDP_ERROR_WRONG_TYPE,  /* an answer where an offer was expected, or the reverse */
  CONFAB_SDP_ERROR_TOO_LARGE,   /* over CONFAB_SDP_MAX_SIZE bytes, or too many lines/candidates */
} ConfabSdpError;

/* Hard limits that keep a hostile paste from costing memory or time. */
#define CONFAB_SDP_MAX_SIZE (64 * 1024)
#define CONFAB_SDP_MAX_CANDIDATES 64
#define CONFAB_SDP_MAX_LINES 1000
#define CONFAB_SDP_MAX_SECTIONS 16

typedef enum
{
  CONFAB_SDP_OFFER,
  CONFAB_SDP_ANSWER,
} ConfabSdpType;

#define CONFAB_SDP_DEFAULT_AUDIO_PT 111
#define CONFAB_SDP_DEFAULT_VIDEO_PT 96
/* Confab's FlexFEC repair packets for the video (RFC 8627, "flexfec-03"
 * as browsers name it). */
#define CONFAB_SDP_DEFAULT_FLEXFEC_PT 110
/* Confab's Reed-Solomon repair packets ("x-confab-rs", fec/README.md),
 * offered besides FlexFEC to another Confab. */
#define CONFAB_SDP_DEFAULT_RS_PT 112
/* Confab's retransmissions of the video (RFC 4588, rtx with apt=). */
#define CONFAB_SDP_DEFAULT_RTX_PT 97

typedef enum
{
  CONFAB_SDP_MEDIA_AUDIO,
  CONFAB_SDP_MEDIA_VIDEO,
  /* m=application (data channels) or any other kind: kept so that an
   * answer can decline it. */
  CONFAB_SDP_MEDIA_OTHER,
} ConfabSdpMediaKind;

typedef enum
{
  CONFAB_SDP_SENDRECV,
  CONFAB_SDP_SENDONLY,
  CONFAB_SDP_RECVONLY,
  CONFAB_SDP_INACTIVE,
} ConfabSdpDirection;

/* One format of an m-line and what the attributes say about it. */
typedef struct
{
  guint pt;
  char *name;         /* a=rtpmap encoding name as written ("opus", "VP8",
                       * "flexfec-03"); NULL for a format without a=rtpmap */
  guint clock_rate;   /* 0 without a=rtpmap */
  guint channels;     /* 0 when the rtpmap gives none */
  char *fmtp;         /* a=fmtp parameters ("minptime=10;useinbandfec=1"), NULL when none */
  GPtrArray *rtcp_fb; /* owned strings: "nack", "nack pli", ... */
} ConfabSdpCodec;

/* a=ssrc-group (RFC 5576): "FEC-FR <media> <repair>", "FID <media> <rtx>", ... */
typedef struct
{
  char *semantics;
  GArray *ssrcs; /* guint32, in the order written */
} ConfabSdpSsrcGroup;

/* One m-section. The ICE and DTLS attributes are not here: with BUNDLE
 * every section shares one transport, described by the session fields. */
typedef struct
{
  ConfabSdpMediaKind kind;
  char *mid;
  char *proto; /* as parsed; NULL in our own, the writer derives it
                * from the fingerprint */
  /* A section on port 0 without a=bundle-only is declined (RFC 3264 6):
   * the writer gives it only its m=, c= and a=mid lines. */
  guint port;
  gboolean bundle_only; /* a=bundle-only (RFC 8843): port 0 but in use */
  ConfabSdpDirection direction;
  gboolean rtcp_mux;
  char *msid;          /* a=msid value, "<stream id> <track id>"; NULL when none */
  char *media_name;    /* the m-line's media as written for CONFAB_SDP_MEDIA_OTHER
                        * ("application"), NULL otherwise */
  char *other_formats; /* the format list of a non-RTP m-line as written
                        * ("webrtc-datachannel"), NULL for RTP */
  GArray *codecs;      /* ConfabSdpCodec, in the m-line's order */
  GArray *ssrcs;       /* guint32, each once, in the order of their first a=ssrc */
  GArray *ssrc_groups; /* ConfabSdpSsrcGroup */
} ConfabSdpMedia;

typedef struct
{
  ConfabSdpType type;
  guint64 session_id; /* o= line; random for our own blobs */

  char *ice_ufrag; /* 4..256 ice-chars (RFC 8839) */
  char *ice_pwd;   /* 22..256 ice-chars */
  /* Each element is an owned string, the attribute without its "a=":
   * "candidate:1 1 UDP 2015363327 192.0.2.1 51000 typ host", normalized by
   * the parser to what libnice's nice_agent_parse_remote_candidate_sdp()
   * accepts (single spaces, "UDP"/"TCP", lower-case type, then
   * [raddr X rport Y] [tcptype Z] and no other extension). Note that
   * libnice 0.1.21 wants the "a=" back: pass g_strconcat ("a=", c, NULL).
   * Only component 1 (rtcp-mux) is kept; mDNS .local candidates are
   * dropped (nothing here resolves them). */
  GPtrArray *candidates;

  /* DTLS: every parsed blob has both (the parser refuses one without). */
  char *fingerprint; /* "sha-256 AB:CD:...", parsed ones normalized to
                      * lower-case name and upper-case hex (RFC 8122);
                      * sha-1, sha-256, sha-384 or sha-512 */
  char *setup;       /* "actpass" (offers only), "active" or "passive" */

  /* The m-sections in the m-lines' order (ConfabSdpMedia). A parsed blob
   * has at least one section in use (port not 0, or bundle-only) of kind
   * audio with Opus 48000/2 or video with VP8 90000, on dynamic payload
   * types that differ, FlexFEC (if listed) as flexfec-03/90000; every
   * section has a mid, every section in use is in the BUNDLE group. */
  GPtrArray *media;
} ConfabSdp;

/* A random o= session id for a new description (63 bits, RFC 8829). */
guint64 confab_sdp_new_session_id (void);

ConfabSdp *confab_sdp_new (ConfabSdpType type) G_GNUC_WARN_UNUSED_RESULT;
void confab_sdp_free (ConfabSdp *sdp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabSdp, confab_sdp_free)

/* Adds a copy of @candidate ("candidate:..." with or without "a=").
 * For our own candidates; the caller guarantees the syntax. */
void confab_sdp_add_candidate (ConfabSdp *sdp, const char *candidate);

/* Building a description: the section, then its formats and SSRCs. The
 * returned pointers belong to @sdp; a codec's stays valid until the next
 * codec is added to its section. A new section is a sendrecv one on port 9
 * with rtcp-mux, as Confab writes them. */
ConfabSdpMedia *confab_sdp_add_media (ConfabSdp *sdp, ConfabSdpMediaKind kind, const char *mid);
ConfabSdpCodec *confab_sdp_media_add_codec (ConfabSdpMedia *media, guint pt, const char *name,
                                            guint clock_rate, guint channels, const char *fmtp);
void confab_sdp_codec_add_rtcp_fb (ConfabSdpCodec *codec, const char *feedback);
/* Adds @ssrc unless the section lists it already. */
void confab_sdp_media_add_ssrc (ConfabSdpMedia *media, guint32 ssrc);
void confab_sdp_media_add_ssrc_group (ConfabSdpMedia *media, const char *semantics,
                                      const guint32 *ssrcs, guint n_ssrcs);

/* Confab's own sections, attribute for attribute as it has always written
 * them: Opus with in-band FEC; VP8 with NACK and PLI, and FlexFEC repair
 * packets on @fec_pt unless it is 0 (the FEC-FR group only when both
 * SSRCs are known). An SSRC of 0 is left out. */
ConfabSdpMedia *confab_sdp_add_opus_media (ConfabSdp *sdp, const char *mid, guint pt, guint32 ssrc);
ConfabSdpMedia *confab_sdp_add_vp8_media (ConfabSdp *sdp, const char *mid, guint pt, guint32 ssrc,
                                          guint fec_pt, guint32 fec_ssrc);

/* Confab's Reed-Solomon repair packets (x-confab-rs/90000) on @rs_pt, on
 * the repair SSRC of the a=ssrc-group:FEC-FR, which FlexFEC shares: the
 * group and its a=ssrc lines are added unless @media has them, and only
 * when both SSRCs are known. */
void confab_sdp_media_add_rs (ConfabSdpMedia *media, guint rs_pt, guint32 ssrc, guint32 fec_ssrc);

/* Retransmission (RFC 4588) for the format @apt of @media: rtx/90000 on
 * @rtx_pt with apt=@apt, and when both SSRCs are known the
 * a=ssrc-group:FID and both a=ssrc lines. */
void confab_sdp_media_add_rtx (ConfabSdpMedia *media, guint rtx_pt, guint apt, guint32 ssrc,
                               guint32 rtx_ssrc);

/* Reading one: the first section of @kind, or NULL. */
const ConfabSdpMedia *confab_sdp_find_media (const ConfabSdp *sdp, ConfabSdpMediaKind kind);
/* Whether @media is in use: not on port 0, or bundle-only. */
gboolean confab_sdp_media_is_active (const ConfabSdpMedia *media);
/* The first format named @name (case-insensitive) with that clock rate and,
 * unless @channels is 0, that many channels; NULL if none. */
const ConfabSdpCodec *confab_sdp_media_find_codec (const ConfabSdpMedia *media, const char *name,
                                                   guint clock_rate, guint channels);
/* The media SSRC: the first a=ssrc, 0 when there is none. */
guint32 confab_sdp_media_get_ssrc (const ConfabSdpMedia *media);
/* The repair SSRC: the second of the first a=ssrc-group:FEC-FR, 0 when
 * there is none. */
guint32 confab_sdp_media_get_fec_ssrc (const ConfabSdpMedia *media);
/* The rtx/90000 format on a dynamic payload type (35..63 or 96..127)
 * whose a=fmtp says apt=@apt, NULL if none. */
const ConfabSdpCodec *confab_sdp_media_find_rtx (const ConfabSdpMedia *media, guint apt);
/* The RTX SSRC: the second of the a=ssrc-group:FID of the media SSRC (of
 * the first FID group when no group names it), 0 when there is none. */
guint32 confab_sdp_media_get_rtx_ssrc (const ConfabSdpMedia *media);
const char *confab_sdp_media_kind_to_string (ConfabSdpMediaKind kind);

/* The blob, CRLF line endings, ending with CRLF. */
char *confab_sdp_to_string (const ConfabSdp *sdp) G_GNUC_WARN_UNUSED_RESULT;

/* Parses a pasted blob. Tolerates a UTF-8 BOM, CRLF or LF (or CR) line
 * endings, leading and trailing white space on any line, blank lines, and
 * lines wrapped by a chat or mail client (a line that does not start with
 * "<letter>=" continues the previous one; so does one whose letter SDP does
 * not allow at that point, e.g. "e=10" inside a media section, which is a
 * hard wrap inside "minptime=10"). No-break spaces count as spaces.
 *
 * @expected is the type the caller wants; the other type is reported as
 * CONFAB_SDP_ERROR_WRONG_TYPE. @len may be -1 for a NUL-terminated @text.
 *
 * On failure returns NULL and sets @error to a one-line message such as
 * "line 7 (a=candidate): port 99999 is out of range" or
 * "the blob is truncated: the section with mid \"1\" is missing". */
ConfabSdp *confab_sdp_parse (const char *text, gssize len, ConfabSdpType expected,
                             GError **error) G_GNUC_WARN_UNUSED_RESULT;

const char *confab_sdp_type_to_string (ConfabSdpType type);

G_END_DECLS
