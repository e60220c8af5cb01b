/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-fec-rs.h"

#include <string.h>

#include "confab-fec-rs-gf-private.h"

ConfabFecStatus
confab_fec_rs_parse (const ConfabRtpView *rtp, ConfabFecRsRepair *repair)
{
  const guint8 *p = rtp->payload;

  memset (repair, 0, sizeof *repair);
  if (rtp->payload_len < CONFAB_FEC_RS_HEADER_SIZE + CONFAB_FEC_RS_SYMBOL_FIELDS)
    return CONFAB_FEC_ERR_TRUNCATED;
  if (p[9] != 0)
    return CONFAB_FEC_ERR_UNSUPPORTED; /* a later version */
  repair->ssrc = confab_read_u32 (p);
  repair->sn_base = confab_read_u16 (p + 4);
  repair->k = p[6];
  repair->m = p[7];
  repair->index = p[8];
  repair->symbol = p + CONFAB_FEC_RS_HEADER_SIZE;
  repair->symbol_len = rtp->payload_len - CONFAB_FEC_RS_HEADER_SIZE;
  if (repair->k == 0 || repair->k > CONFAB_FEC_RS_MAX_K || repair->m == 0
      || repair->m > CONFAB_FEC_RS_MAX_M || repair->k + repair->m > 255
      || repair->index >= repair->m)
    return CONFAB_FEC_ERR_MALFORMED;
  if (repair->symbol_len > CONFAB_FEC_RS_MAX_SYMBOL)
    return CONFAB_FEC_ERR_TOO_LARGE;
  return CONFAB_FEC_OK;
}

void
confab_fec_rs_write_header (const ConfabFecRsRepair *repair, guint8 *out)
{
  confab_write_u32 (out, repair->ssrc);
  confab_write_u16 (out + 4, repair->sn_base);
  out[6] = repair->k;
  out[7] = repair->m;
  out[8] = repair->index;
  out[9] = 0;
  out[10] = out[11] = 0;
}

guint8
confab_fec_rs_coef (guint j, guint i)
{
  static guint8 table[CONFAB_FEC_RS_MAX_M][CONFAB_FEC_RS_MAX_K];
  static gsize done = 0;

  g_return_val_if_fail (j < CONFAB_FEC_RS_MAX_M && i < CONFAB_FEC_RS_MAX_K, 0);
  if (g_once_init_enter (&done))
    {
      for (guint r = 0; r < CONFAB_FEC_RS_MAX_M; r++)
        for (guint c = 0; c < CONFAB_FEC_RS_MAX_K; c++)
          table[r][c] = confab_fec_rs_gf_inv ((guint8) ((255 - r) ^ c));
      g_once_init_leave (&done, 1);
    }
  return table[j][i];
}

gsize
confab_fec_rs_symbol_from_packet (const guint8 *packet, gsize len, guint8 *sym)
{
  gsize rest = len - CONFAB_RTP_HEADER_SIZE;
  gsize sym_len = CONFAB_FEC_RS_SYMBOL_FIELDS + rest;

  confab_write_u16 (sym, (guint16) rest);
  sym[2] = packet[0] & 0x3f;
  sym[3] = packet[1];
  memcpy (sym + 4, packet + 4, 4);
  memcpy (sym + CONFAB_FEC_RS_SYMBOL_FIELDS, packet + CONFAB_RTP_HEADER_SIZE, rest);
  memset (sym + sym_len, 0, confab_fec_rs_gf_round_up (sym_len) - sym_len);
  return sym_len;
}

ConfabFecStatus
confab_fec_rs_packet_from_symbol (const guint8 *sym, gsize sym_len, guint16 seq, guint32 ssrc,
                                  guint8 *out, gsize out_size, gsize *written)
{
  gsize rest;

  *written = 0;
  if (sym_len < CONFAB_FEC_RS_SYMBOL_FIELDS)
    return CONFAB_FEC_ERR_MALFORMED;
  rest = confab_read_u16 (sym);
  if (rest > sym_len - CONFAB_FEC_RS_SYMBOL_FIELDS || (sym[2] & 0xc0) != 0)
    return CONFAB_FEC_ERR_MALFORMED;
  if (out_size < CONFAB_RTP_HEADER_SIZE + rest)
    return CONFAB_FEC_ERR_NO_SPACE;
  out[0] = 0x80 | sym[2];
  out[1] = sym[3];
  confab_write_u16 (out + 2, seq);
  memcpy (out + 4, sym + 4, 4);
  confab_write_u32 (out + 8, ssrc);
  memcpy (out + CONFAB_RTP_HEADER_SIZE, sym + CONFAB_FEC_RS_SYMBOL_FIELDS, rest);
  *written = CONFAB_RTP_HEADER_SIZE + rest;
  return CONFAB_FEC_OK;
}
