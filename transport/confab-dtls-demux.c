/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-dtls-demux-private.h"

/* RFC 7983 section 7: the first byte tells the protocols apart.
 *
 *                 +----------------+
 *                 |        [0..3] -+--> forward to STUN
 *                 |                |
 *                 |      [16..19] -+--> forward to ZRTP
 *                 |                |
 *     packet -->  |      [20..63] -+--> forward to DTLS
 *                 |                |
 *                 |      [64..79] -+--> forward to TURN Channel
 *                 |                |
 *                 |    [128..191] -+--> forward to RTP/RTCP
 *                 +----------------+
 *
 * RTP and RTCP on one port (RFC 5761 section 4): the second byte of RTCP
 * is its packet type, 192..223 (SR 200, RR 201, ... FIR 192); in RTP it
 * holds the marker bit and a payload type, which negotiation keeps out
 * of 64..95. */
#define RTP_HEADER_MIN 12
#define RTCP_HEADER_MIN 8
#define DTLS_RECORD_HEADER 13

ConfabDtlsDemux
confab_dtls_demux (const guint8 *data, gsize size)
{
  if (size == 0)
    return CONFAB_DTLS_DEMUX_OTHER;
  if (data[0] >= 20 && data[0] <= 63)
    return size >= DTLS_RECORD_HEADER ? CONFAB_DTLS_DEMUX_DTLS : CONFAB_DTLS_DEMUX_OTHER;
  if (data[0] < 128 || data[0] > 191 || size < 2)
    return CONFAB_DTLS_DEMUX_OTHER;
  if (data[1] >= 192 && data[1] <= 223)
    return size >= RTCP_HEADER_MIN ? CONFAB_DTLS_DEMUX_RTCP : CONFAB_DTLS_DEMUX_OTHER;
  return size >= RTP_HEADER_MIN ? CONFAB_DTLS_DEMUX_RTP : CONFAB_DTLS_DEMUX_OTHER;
}

/*  0                   1                   2
 *  type(22) | version(2) | epoch(2) | sequence(6) | length(2) | msg_type(1) ...
 *  msg_type 1 is client_hello (RFC 6347 section 4.1, 4.2.2). */
#define CONTENT_TYPE_HANDSHAKE 22
#define HANDSHAKE_CLIENT_HELLO 1

gboolean
confab_dtls_demux_is_client_hello (const guint8 *data, gsize size)
{
  return size > DTLS_RECORD_HEADER && data[0] == CONTENT_TYPE_HANDSHAKE
         && data[DTLS_RECORD_HEADER] == HANDSHAKE_CLIENT_HELLO;
}
