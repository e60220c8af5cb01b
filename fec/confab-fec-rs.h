/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-fec-rs.h: Confab's Reed-Solomon repair packets ("x-confab-rs", Confab to Confab
 * only): a systematic Cauchy code over GF(2^8). A block is k consecutive media packets of
 * one SSRC; its m repair packets are such that any k of the k + m packets rebuild all k
 * (maximum distance separable), which no XOR code of RFC 5109 or RFC 8627 can do.
 *
 * Each media packet is a symbol: the 8 bytes of recovery fields FlexFEC also uses (length
 * of everything after the fixed header, P/X/CC, M/PT, timestamp) followed by everything
 * after its fixed 12-byte header (CSRCs, extension, payload, padding), zero-extended to the
 * block's longest. Repair packet j of a block carries sum over i < k of C[j][i] * symbol i,
 * with C[j][i] = 1 / ((255 - j) + i) in GF(2^8) (x^8 + x^4 + x^3 + x^2 + 1; + is XOR): a
 * Cauchy matrix, every square submatrix of which is invertible, as long as k + m <= 255.
 * The coefficients do not depend on k or m.
 *
 * The repair packet is an RTP packet on its own SSRC and sequence numbers (payload type
 * negotiated as x-confab-rs/90000), no CSRCs, no extension; its payload:
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                        protected SSRC                         |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |            SN base            |       k       |       m       |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |  repair index |  version (0)  |          reserved (0)         |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |        length recovery        |0|0|P|X|  CC   |M| PT recovery |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                          TS recovery                          |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    :             payload recovery (the rest of the symbol)         :
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The block is media SN base .. SN base + k - 1 (mod 2^16); 1 <= k <= 128, 1 <= m <= 64,
 * k + m <= 255, repair index < m. Every repair packet of a block has the same length (the
 * symbol length, from the RTP packet's length). The words from "length recovery" on are the
 * symbol: for one lost packet with every other one present it is the lost packet's own
 * recovery fields and bytes, scaled by C[j][i].
 */
#pragma once

#include <glib.h>

#include "confab-fec-common.h"
#include "confab-rtp-packet.h"

G_BEGIN_DECLS

#define CONFAB_FEC_RS_HEADER_SIZE 12
/* The recovery fields at the start of a symbol. */
#define CONFAB_FEC_RS_SYMBOL_FIELDS 8
#define CONFAB_FEC_RS_MAX_K 128
#define CONFAB_FEC_RS_MAX_M 64
/* Largest symbol: a repair packet must fit CONFAB_FEC_MAX_PACKET_SIZE. */
#define CONFAB_FEC_RS_MAX_SYMBOL                                                                   \
  (CONFAB_FEC_MAX_PACKET_SIZE - CONFAB_RTP_HEADER_SIZE - CONFAB_FEC_RS_HEADER_SIZE)
/* Largest media packet the code protects. */
#define CONFAB_FEC_RS_MAX_MEDIA                                                                    \
  (CONFAB_FEC_RS_MAX_SYMBOL - CONFAB_FEC_RS_SYMBOL_FIELDS + CONFAB_RTP_HEADER_SIZE)
/* Symbol buffers hold this much: the longest symbol, rounded up for the vector loop. */
#define CONFAB_FEC_RS_SYMBOL_BUF 2048

/* A parsed repair packet; symbol points into the packet. */
typedef struct
{
  guint32 ssrc;
  guint16 sn_base;
  guint8 k;
  guint8 m;
  guint8 index;
  const guint8 *symbol;
  gsize symbol_len;
} ConfabFecRsRepair;

/* Parses the payload of a repair packet: every field checked against the limits above. */
ConfabFecStatus confab_fec_rs_parse (const ConfabRtpView *rtp, ConfabFecRsRepair *repair);

/* Writes the 12-byte header for @repair (symbol not touched) at @out. */
void confab_fec_rs_write_header (const ConfabFecRsRepair *repair, guint8 *out);

/* C[j][i] (j < CONFAB_FEC_RS_MAX_M, i < CONFAB_FEC_RS_MAX_K). */
guint8 confab_fec_rs_coef (guint j, guint i);

/* The symbol of a media packet of @len bytes (12 <= len <= CONFAB_FEC_RS_MAX_MEDIA, parsed
 * before): written to @sym, zero up to its length rounded up to 64 (the buffer must hold
 * that, CONFAB_FEC_RS_SYMBOL_BUF is enough). Returns the symbol length. */
gsize confab_fec_rs_symbol_from_packet (const guint8 *packet, gsize len, guint8 *sym);

/* The media packet a recovered symbol of @sym_len bytes holds, with @seq and @ssrc, into
 * @out; CONFAB_FEC_ERR_MALFORMED when its length field does not fit the symbol (inconsistent
 * or lying inputs). */
ConfabFecStatus confab_fec_rs_packet_from_symbol (const guint8 *sym, gsize sym_len, guint16 seq,
                                                  guint32 ssrc, guint8 *out, gsize out_size,
                                                  gsize *written);

G_END_DECLS
