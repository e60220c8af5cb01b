/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-ulpfec.h"

#include <string.h>

ConfabFecStatus
confab_ulpfec_parse (const guint8 *payload, gsize len, guint32 ssrc, ConfabFecRepairInfo *info)
{
  gboolean long_mask;
  gsize level_len;
  gsize prot_len;
  guint mask_bits;
  ConfabFecProtected *prot;

  memset (info, 0, sizeof *info);
  if (payload == NULL || len < CONFAB_ULPFEC_HEADER_SIZE + CONFAB_ULPFEC_LEVEL_HEADER_SHORT)
    return CONFAB_FEC_ERR_TRUNCATED;
  /* E is reserved for an extension that was never defined. */
  if (payload[0] & 0x80)
    return CONFAB_FEC_ERR_UNSUPPORTED;
  long_mask = (payload[0] & 0x40) != 0;
  level_len = long_mask ? CONFAB_ULPFEC_LEVEL_HEADER_LONG : CONFAB_ULPFEC_LEVEL_HEADER_SHORT;
  if (len - CONFAB_ULPFEC_HEADER_SIZE < level_len)
    return CONFAB_FEC_ERR_TRUNCATED;

  info->byte0 = payload[0] & 0x3f;
  info->byte1 = payload[1];
  info->ts = confab_read_u32 (payload + 4);
  info->length = confab_read_u16 (payload + 8);

  prot_len = confab_read_u16 (payload + 10);
  if (len - CONFAB_ULPFEC_HEADER_SIZE - level_len < prot_len)
    return CONFAB_FEC_ERR_TRUNCATED;
  if (prot_len > CONFAB_FEC_MAX_PACKET_SIZE)
    return CONFAB_FEC_ERR_TOO_LARGE;
  /* Bytes after level 0's payload would be higher levels; we only use level 0. */
  info->payload = payload + CONFAB_ULPFEC_HEADER_SIZE + level_len;
  info->payload_len = prot_len;

  info->n_protected = 1;
  prot = &info->protected[0];
  prot->ssrc = ssrc;
  prot->sn_base = confab_read_u16 (payload + 2);
  mask_bits = long_mask ? 48 : 16;
  for (guint i = 0; i < mask_bits; i++)
    {
      const guint8 *m = payload + 12;

      if (m[i / 8] & (0x80 >> (i % 8)))
        confab_fec_bits_set (&prot->mask, i);
    }
  if (confab_fec_bits_is_empty (&prot->mask))
    return CONFAB_FEC_ERR_MALFORMED;
  return CONFAB_FEC_OK;
}

static gboolean
needs_long_mask (const ConfabFecRepairInfo *info)
{
  return confab_fec_bits_span (&info->protected[0].mask) > 16;
}

gsize
confab_ulpfec_payload_size (const ConfabFecRepairInfo *info)
{
  return CONFAB_ULPFEC_HEADER_SIZE
         + (needs_long_mask (info) ? CONFAB_ULPFEC_LEVEL_HEADER_LONG
                                   : CONFAB_ULPFEC_LEVEL_HEADER_SHORT)
         + info->payload_len;
}

ConfabFecStatus
confab_ulpfec_write (const ConfabFecRepairInfo *info, guint8 *out, gsize out_size, gsize *written)
{
  const ConfabFecProtected *prot;
  gboolean long_mask;
  gsize need;
  guint mask_bits;

  g_return_val_if_fail (info != NULL && out != NULL && written != NULL,
                        CONFAB_FEC_ERR_INVALID_ARGUMENT);
  *written = 0;
  if (info->n_protected != 1 || info->payload_len > G_MAXUINT16)
    return CONFAB_FEC_ERR_INVALID_ARGUMENT;
  prot = &info->protected[0];
  if (confab_fec_bits_is_empty (&prot->mask)
      || confab_fec_bits_span (&prot->mask) > CONFAB_ULPFEC_MAX_MASK_BITS)
    return CONFAB_FEC_ERR_INVALID_ARGUMENT;
  long_mask = needs_long_mask (info);
  need = confab_ulpfec_payload_size (info);
  if (need > out_size)
    return CONFAB_FEC_ERR_NO_SPACE;

  out[0] = (long_mask ? 0x40 : 0) | (info->byte0 & 0x3f);
  out[1] = info->byte1;
  confab_write_u16 (out + 2, prot->sn_base);
  confab_write_u32 (out + 4, info->ts);
  confab_write_u16 (out + 8, info->length);
  confab_write_u16 (out + 10, (guint16) info->payload_len);
  mask_bits = long_mask ? 48 : 16;
  memset (out + 12, 0, mask_bits / 8);
  for (guint i = 0; i < mask_bits; i++)
    if (confab_fec_bits_get (&prot->mask, i))
      out[12 + i / 8] |= 0x80 >> (i % 8);
  /* The encoder XORs the payload into place before writing the header around it. */
  if (info->payload_len && info->payload != out + 12 + mask_bits / 8)
    memcpy (out + 12 + mask_bits / 8, info->payload, info->payload_len);
  *written = need;
  return CONFAB_FEC_OK;
}

gsize
confab_ulpfec_packet_header_size (const ConfabFecRepairInfo *info, gint red_pt)
{
  return CONFAB_RTP_HEADER_SIZE + (red_pt >= 0 ? 1 : 0) + confab_ulpfec_payload_size (info)
         - info->payload_len;
}

ConfabFecStatus
confab_ulpfec_write_packet (const ConfabFecRepairInfo *info, guint8 pt, gint red_pt, guint16 seq,
                            guint32 timestamp, guint8 *out, gsize out_size, gsize *written)
{
  ConfabRtpHeader hdr = { 0 };
  gsize off = 0;
  gsize fec_len = 0;
  ConfabFecStatus st;

  g_return_val_if_fail (info != NULL && out != NULL && written != NULL,
                        CONFAB_FEC_ERR_INVALID_ARGUMENT);
  *written = 0;
  if (info->n_protected != 1 || pt >= 128 || red_pt >= 128)
    return CONFAB_FEC_ERR_INVALID_ARGUMENT;
  hdr.payload_type = red_pt >= 0 ? (guint8) red_pt : pt;
  hdr.seq = seq;
  hdr.timestamp = timestamp;
  hdr.ssrc = info->protected[0].ssrc;
  st = confab_rtp_write (&hdr, NULL, 0, out, out_size, &off);
  if (st != CONFAB_FEC_OK)
    return st;
  if (red_pt >= 0)
    {
      if (off >= out_size)
        return CONFAB_FEC_ERR_NO_SPACE;
      out[off++] = pt & 0x7f; /* final block header: F=0, block PT */
    }
  st = confab_ulpfec_write (info, out + off, out_size - off, &fec_len);
  if (st == CONFAB_FEC_OK)
    *written = off + fec_len;
  return st;
}

GBytes *
confab_ulpfec_packet_new (const ConfabFecRepairInfo *info, guint8 pt, gint red_pt, guint16 seq,
                          guint32 timestamp)
{
  gsize size;
  gsize written = 0;
  guint8 *buf;

  g_return_val_if_fail (info != NULL && info->n_protected == 1, NULL);
  g_return_val_if_fail (pt < 128 && red_pt < 128, NULL);

  size = confab_ulpfec_packet_header_size (info, red_pt) + info->payload_len;
  buf = g_malloc (size);
  if (confab_ulpfec_write_packet (info, pt, red_pt, seq, timestamp, buf, size, &written)
      != CONFAB_FEC_OK)
    {
      g_free (buf);
      return NULL;
    }
  return g_bytes_new_take (buf, written);
}
