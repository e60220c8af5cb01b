/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-red.h"

#include <string.h>

ConfabFecStatus
confab_red_parse (const guint8 *payload, gsize len, ConfabRedBlock *blocks, guint max_blocks,
                  guint *n_blocks)
{
  gsize off = 0;
  gsize data_total = 0;
  guint n = 0;

  *n_blocks = 0;
  if (payload == NULL || max_blocks == 0)
    return CONFAB_FEC_ERR_INVALID_ARGUMENT;
  for (;;)
    {
      if (off >= len)
        return CONFAB_FEC_ERR_TRUNCATED;
      if (n == max_blocks)
        return CONFAB_FEC_ERR_UNSUPPORTED;
      if (!(payload[off] & 0x80))
        {
          blocks[n].payload_type = payload[off] & 0x7f;
          blocks[n].ts_offset = 0;
          blocks[n].len = 0;
          off += 1;
          n++;
          break;
        }
      if (len - off < 4)
        return CONFAB_FEC_ERR_TRUNCATED;
      blocks[n].payload_type = payload[off] & 0x7f;
      blocks[n].ts_offset = (guint16) ((payload[off + 1] << 6) | (payload[off + 2] >> 2));
      blocks[n].len = ((gsize) (payload[off + 2] & 0x03) << 8) | payload[off + 3];
      data_total += blocks[n].len;
      off += 4;
      n++;
    }
  if (len - off < data_total)
    return CONFAB_FEC_ERR_TRUNCATED;
  for (guint i = 0; i + 1 < n; i++)
    {
      blocks[i].data = payload + off;
      off += blocks[i].len;
    }
  blocks[n - 1].data = payload + off;
  blocks[n - 1].len = len - off;
  *n_blocks = n;
  return CONFAB_FEC_OK;
}

ConfabFecStatus
confab_red_encapsulate (const guint8 *packet, gsize len, guint8 red_pt, guint8 *out, gsize out_size,
                        gsize *written)
{
  ConfabRtpView v;
  ConfabFecStatus st;
  gsize tail;

  *written = 0;
  if (red_pt >= 128)
    return CONFAB_FEC_ERR_INVALID_ARGUMENT;
  st = confab_rtp_view_parse (&v, packet, len);
  if (st != CONFAB_FEC_OK)
    return st;
  if (out_size < len + 1)
    return CONFAB_FEC_ERR_NO_SPACE;
  memcpy (out, packet, v.header_len);
  out[1] = (packet[1] & 0x80) | red_pt;
  out[v.header_len] = v.payload_type;
  tail = len - v.header_len;
  memcpy (out + v.header_len + 1, v.payload, tail);
  *written = len + 1;
  return CONFAB_FEC_OK;
}

ConfabFecStatus
confab_red_decapsulate (const guint8 *packet, gsize len, guint8 *out, gsize out_size,
                        gsize *written)
{
  ConfabRtpView v;
  ConfabRedBlock blocks[16];
  guint n = 0;
  ConfabFecStatus st;
  const ConfabRedBlock *primary;
  gsize need;

  *written = 0;
  st = confab_rtp_view_parse (&v, packet, len);
  if (st != CONFAB_FEC_OK)
    return st;
  st = confab_red_parse (v.payload, v.payload_len, blocks, G_N_ELEMENTS (blocks), &n);
  if (st != CONFAB_FEC_OK)
    return st;
  primary = &blocks[n - 1];
  need = v.header_len + primary->len + v.padding_len;
  if (need > out_size)
    return CONFAB_FEC_ERR_NO_SPACE;
  memcpy (out, packet, v.header_len);
  out[1] = (packet[1] & 0x80) | primary->payload_type;
  memcpy (out + v.header_len, primary->data, primary->len);
  /* Padding belongs to the RTP packet, not to a block: keep its bytes as they were. */
  memcpy (out + v.header_len + primary->len, packet + len - v.padding_len, v.padding_len);
  *written = need;
  return CONFAB_FEC_OK;
}
