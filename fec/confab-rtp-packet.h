/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-rtp-packet.h: bounds-checked views of RTP packets (RFC 3550) and a writer.
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                           timestamp                           |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |           synchronization source (SSRC) identifier            |
 *    +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *    |            contributing source (CSRC) identifiers             |
 *    |                             ....                              |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |   defined by profile (X=1)    |     length (32-bit words)     |
 *    |                        header extension                       |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                   payload ...   |  padding  | padding count   |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
#pragma once

#include <glib.h>

#include "confab-fec-common.h"

G_BEGIN_DECLS

/* A parsed view into caller-owned bytes; it never owns or copies them. */
typedef struct
{
  const guint8 *data;
  gsize len;

  gboolean padding;
  gboolean extension;
  guint csrc_count;
  gboolean marker;
  guint8 payload_type;
  guint16 seq;
  guint32 timestamp;
  guint32 ssrc;
  const guint8 *csrcs; /* csrc_count big-endian 32-bit words */

  guint16 ext_profile;
  const guint8 *ext_data; /* without the 4-byte extension header */
  gsize ext_len;

  gsize header_len; /* fixed header + CSRCs + extension */
  const guint8 *payload;
  gsize payload_len; /* without padding */
  guint8 padding_len;
} ConfabRtpView;

/* Parses @data. On anything but CONFAB_FEC_OK, @view is left zeroed. */
ConfabFecStatus confab_rtp_view_parse (ConfabRtpView *view, const guint8 *data, gsize len);

guint32 confab_rtp_view_get_csrc (const ConfabRtpView *view, guint index);

/* TRUE for what RFC 5761 section 4 demultiplexes as RTCP on a muxed port (second byte
 * 192-223): such packets parse as RTP but are not media. */
gboolean confab_rtp_is_rtcp (const guint8 *data, gsize len);

/* One packet of an RTCP compound packet (RFC 3550 section 6.1):
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |V=2|P|  count  |      type     |    length (32-bit words - 1)  |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
typedef struct
{
  guint8 type;        /* 200 SR, 201 RR, 205 RTPFB, 206 PSFB, ... */
  guint8 count;       /* the 5-bit count (report blocks, FMT for feedback) */
  const guint8 *data; /* the whole packet, header included */
  gsize len;          /* (length + 1) * 4 */
} ConfabRtcpView;

/* Walks a compound packet: start with *offset = 0; each call fills @packet with the next
 * packet and returns TRUE, or returns FALSE at the end or at a packet that does not fit
 * (V != 2, or a length past the end). Bounds-checked for bytes from the network. */
gboolean confab_rtcp_compound_next (const guint8 *data, gsize len, gsize *offset,
                                    ConfabRtcpView *packet);

/* TRUE when @data is an RTCP compound packet: at least one header, RTCP packet types
 * (confab_rtp_is_rtcp()), and exactly a sequence of whole packets. */
gboolean confab_rtcp_compound_is_valid (const guint8 *data, gsize len);

/* RFC 7741: TRUE when a VP8 RTP payload starts a key frame (S=1, PID=0 and
 * the payload header's P bit clear). Bounds-checked; FALSE on short input. */
gboolean confab_vp8_payload_starts_key_frame (const guint8 *payload, gsize len);

/* Fields for confab_rtp_write(). */
typedef struct
{
  gboolean marker;
  guint8 payload_type;
  guint16 seq;
  guint32 timestamp;
  guint32 ssrc;
  guint csrc_count;
  guint32 csrcs[15];
  gboolean extension;
  guint16 ext_profile;
  const guint8 *ext_data; /* ext_len must be a multiple of 4 */
  gsize ext_len;
  guint8 padding_len; /* 0 for none; otherwise total padding bytes including the count */
} ConfabRtpHeader;

/* Size confab_rtp_write() needs for @hdr and a payload of @payload_len bytes. */
gsize confab_rtp_packet_size (const ConfabRtpHeader *hdr, gsize payload_len);

ConfabFecStatus confab_rtp_write (const ConfabRtpHeader *hdr, const guint8 *payload,
                                  gsize payload_len, guint8 *out, gsize out_size, gsize *written);

/* Newly allocated packet, or NULL if @hdr is invalid. */
G_GNUC_WARN_UNUSED_RESULT
GBytes *confab_rtp_packet_new (const ConfabRtpHeader *hdr, const guint8 *payload,
                               gsize payload_len);

/* A random SSRC (RFC 3550 section 8) for a new stream: never 0 (which our APIs read as
 * "unset") and none of the @n_avoid SSRCs at @avoid (the session's others). Uses g_random. */
guint32 confab_rtp_random_ssrc (const guint32 *avoid, gsize n_avoid);

G_END_DECLS
