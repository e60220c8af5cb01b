/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-flexfec.h"

#include <string.h>

static ConfabFecStatus
fixed_to_mask (guint8 l, guint8 d, ConfabFecBits *mask)
{
  memset (mask, 0, sizeof *mask);
  if (l == 0)
    return CONFAB_FEC_ERR_MALFORMED;
  if (d <= 1)
    {
      if (l > CONFAB_FEC_MAX_SPAN)
        return CONFAB_FEC_ERR_UNSUPPORTED;
      for (guint i = 0; i < l; i++)
        confab_fec_bits_set (mask, i);
    }
  else
    {
      /* Columns reaching further than one repair packet can in flexible mode are legal
       * but need a window we do not keep. */
      if ((guint) (d - 1) * l >= CONFAB_FEC_MAX_SPAN)
        return CONFAB_FEC_ERR_UNSUPPORTED;
      for (guint i = 0; i < d; i++)
        confab_fec_bits_set (mask, i * l);
    }
  return CONFAB_FEC_OK;
}

ConfabFecStatus
confab_flexfec_parse (const ConfabRtpView *rtp, ConfabFecRepairInfo *info)
{
  const guint8 *p;
  gsize len;
  gsize off;
  gboolean fixed;

  memset (info, 0, sizeof *info);
  p = rtp->payload;
  len = rtp->payload_len;
  if (p == NULL || len < CONFAB_FLEXFEC_BASE_HEADER_SIZE)
    return CONFAB_FEC_ERR_TRUNCATED;
  if (p[0] & 0x80)
    return (p[0] & 0x40) ? CONFAB_FEC_ERR_MALFORMED : CONFAB_FEC_ERR_UNSUPPORTED;
  fixed = (p[0] & 0x40) != 0;
  if (rtp->csrc_count == 0)
    return CONFAB_FEC_ERR_MALFORMED;
  if (rtp->csrc_count > CONFAB_FEC_MAX_PROTECTED_SSRCS)
    return CONFAB_FEC_ERR_UNSUPPORTED;

  info->byte0 = p[0] & 0x3f;
  info->byte1 = p[1];
  info->length = confab_read_u16 (p + 2);
  info->ts = confab_read_u32 (p + 4);
  off = CONFAB_FLEXFEC_BASE_HEADER_SIZE;

  for (guint s = 0; s < rtp->csrc_count; s++)
    {
      ConfabFecProtected *prot = &info->protected[s];

      prot->ssrc = confab_rtp_view_get_csrc (rtp, s);
      if (len - off < 4)
        return CONFAB_FEC_ERR_TRUNCATED;
      prot->sn_base = confab_read_u16 (p + off);
      if (fixed)
        {
          ConfabFecStatus st;

          prot->fixed_l = p[off + 2];
          prot->fixed_d = p[off + 3];
          st = fixed_to_mask (prot->fixed_l, prot->fixed_d, &prot->mask);
          if (st != CONFAB_FEC_OK)
            return st;
          off += 4;
          continue;
        }
      else
        {
          guint16 w0 = confab_read_u16 (p + off + 2);
          guint32 w1;
          guint64 w2;

          off += 4;
          for (guint i = 0; i < 15; i++)
            if (w0 & (0x4000 >> i))
              confab_fec_bits_set (&prot->mask, i);
          if (!(w0 & 0x8000))
            {
              if (len - off < 4)
                return CONFAB_FEC_ERR_TRUNCATED;
              w1 = confab_read_u32 (p + off);
              off += 4;
              for (guint i = 0; i < 31; i++)
                if (w1 & (0x40000000u >> i))
                  confab_fec_bits_set (&prot->mask, 15 + i);
              if (!(w1 & 0x80000000u))
                {
                  if (len - off < 8)
                    return CONFAB_FEC_ERR_TRUNCATED;
                  w2 = ((guint64) confab_read_u32 (p + off) << 32) | confab_read_u32 (p + off + 4);
                  off += 8;
                  for (guint i = 0; i < 64; i++)
                    if (w2 & (G_GUINT64_CONSTANT (0x8000000000000000) >> i))
                      confab_fec_bits_set (&prot->mask, 46 + i);
                }
            }
        }
      if (confab_fec_bits_is_empty (&prot->mask))
        return CONFAB_FEC_ERR_MALFORMED;
    }
  info->n_protected = rtp->csrc_count;
  if (len - off > CONFAB_FEC_MAX_PACKET_SIZE)
    return CONFAB_FEC_ERR_TOO_LARGE;
  info->payload = p + off;
  info->payload_len = len - off;
  return CONFAB_FEC_OK;
}

/* L and D for @mask in @format, or FALSE if it does not have that shape. */
static gboolean
mask_to_fixed (const ConfabFecBits *mask, ConfabFlexfecFormat format, guint8 *l, guint8 *d)
{
  guint count = confab_fec_bits_count (mask);
  guint span = confab_fec_bits_span (mask);

  if (count == 0 || !confab_fec_bits_get (mask, 0))
    return FALSE;
  switch (format)
    {
    case CONFAB_FLEXFEC_FORMAT_FIXED_ROW:
    case CONFAB_FLEXFEC_FORMAT_FIXED_2D_ROW:
      if (span != count || count > 255)
        return FALSE;
      *l = (guint8) count;
      *d = format == CONFAB_FLEXFEC_FORMAT_FIXED_ROW ? 0 : 1;
      return TRUE;
    case CONFAB_FLEXFEC_FORMAT_FIXED_COLUMN:
      {
        guint stride;
        ConfabFecBits expect = { { 0 } };

        if (count < 2)
          return FALSE;
        stride = (span - 1) / (count - 1);
        if (stride == 0 || stride > 255 || stride * (count - 1) != span - 1)
          return FALSE;
        for (guint i = 0; i < count; i++)
          confab_fec_bits_set (&expect, i * stride);
        if (memcmp (&expect, mask, sizeof expect) != 0)
          return FALSE;
        *l = (guint8) stride;
        *d = (guint8) count;
        return TRUE;
      }
    case CONFAB_FLEXFEC_FORMAT_FLEXIBLE:
      break;
    }
  return FALSE;
}

ConfabFlexfecFormat
confab_flexfec_choose_format (const ConfabFecRepairInfo *info, ConfabFlexfecFormat wanted)
{
  if (wanted == CONFAB_FLEXFEC_FORMAT_FLEXIBLE)
    return wanted;
  for (guint s = 0; s < info->n_protected; s++)
    {
      guint8 l, d;

      if (!mask_to_fixed (&info->protected[s].mask, wanted, &l, &d))
        return CONFAB_FLEXFEC_FORMAT_FLEXIBLE;
    }
  return wanted;
}

static gsize
flexible_mask_size (const ConfabFecBits *mask)
{
  guint span = confab_fec_bits_span (mask);

  if (span <= 15)
    return 2;
  if (span <= 46)
    return 6;
  return 14;
}

gsize
confab_flexfec_payload_size (const ConfabFecRepairInfo *info, ConfabFlexfecFormat format)
{
  gsize size = CONFAB_FLEXFEC_BASE_HEADER_SIZE + info->payload_len;

  for (guint s = 0; s < info->n_protected; s++)
    size += 2
            + (format == CONFAB_FLEXFEC_FORMAT_FLEXIBLE
                   ? flexible_mask_size (&info->protected[s].mask)
                   : 2);
  return size;
}

ConfabFecStatus
confab_flexfec_write (const ConfabFecRepairInfo *info, ConfabFlexfecFormat format, guint8 *out,
                      gsize out_size, gsize *written)
{
  gsize need;
  gsize off;

  g_return_val_if_fail (info != NULL && out != NULL && written != NULL,
                        CONFAB_FEC_ERR_INVALID_ARGUMENT);
  *written = 0;
  if (info->n_protected == 0 || info->n_protected > CONFAB_FEC_MAX_PROTECTED_SSRCS)
    return CONFAB_FEC_ERR_INVALID_ARGUMENT;
  if (confab_flexfec_choose_format (info, format) != format)
    return CONFAB_FEC_ERR_INVALID_ARGUMENT;
  for (guint s = 0; s < info->n_protected; s++)
    if (confab_fec_bits_is_empty (&info->protected[s].mask)
        || confab_fec_bits_span (&info->protected[s].mask) > CONFAB_FLEXFEC_MAX_MASK_BITS)
      return CONFAB_FEC_ERR_INVALID_ARGUMENT;
  need = confab_flexfec_payload_size (info, format);
  if (need > out_size)
    return CONFAB_FEC_ERR_NO_SPACE;

  out[0] = (format != CONFAB_FLEXFEC_FORMAT_FLEXIBLE ? 0x40 : 0) | (info->byte0 & 0x3f);
  out[1] = info->byte1;
  confab_write_u16 (out + 2, info->length);
  confab_write_u32 (out + 4, info->ts);
  off = CONFAB_FLEXFEC_BASE_HEADER_SIZE;
  for (guint s = 0; s < info->n_protected; s++)
    {
      const ConfabFecProtected *prot = &info->protected[s];

      confab_write_u16 (out + off, prot->sn_base);
      off += 2;
      if (format != CONFAB_FLEXFEC_FORMAT_FLEXIBLE)
        {
          guint8 l = 0, d = 0;

          mask_to_fixed (&prot->mask, format, &l, &d);
          out[off] = l;
          out[off + 1] = d;
          off += 2;
        }
      else
        {
          gsize msize = flexible_mask_size (&prot->mask);
          guint16 w0 = msize == 2 ? 0x8000 : 0;
          guint32 w1 = msize == 6 ? 0x80000000u : 0;
          guint64 w2 = 0;

          for (guint i = 0; i < 15; i++)
            if (confab_fec_bits_get (&prot->mask, i))
              w0 |= 0x4000 >> i;
          confab_write_u16 (out + off, w0);
          off += 2;
          if (msize == 2)
            continue;
          for (guint i = 0; i < 31; i++)
            if (confab_fec_bits_get (&prot->mask, 15 + i))
              w1 |= 0x40000000u >> i;
          confab_write_u32 (out + off, w1);
          off += 4;
          if (msize == 6)
            continue;
          for (guint i = 0; i < 64; i++)
            if (confab_fec_bits_get (&prot->mask, 46 + i))
              w2 |= G_GUINT64_CONSTANT (0x8000000000000000) >> i;
          confab_write_u32 (out + off, (guint32) (w2 >> 32));
          confab_write_u32 (out + off + 4, (guint32) w2);
          off += 8;
        }
    }
  /* The encoder XORs the payload into place before writing the header around it. */
  if (info->payload_len && info->payload != out + off)
    memcpy (out + off, info->payload, info->payload_len);
  off += info->payload_len;
  *written = off;
  return CONFAB_FEC_OK;
}

static void
repair_rtp_header (ConfabRtpHeader *hdr, const ConfabFecRepairInfo *info, guint8 pt,
                   guint32 repair_ssrc, guint16 seq, guint32 timestamp)
{
  memset (hdr, 0, sizeof *hdr);
  hdr->payload_type = pt;
  hdr->seq = seq;
  hdr->timestamp = timestamp;
  hdr->ssrc = repair_ssrc;
  hdr->csrc_count = info->n_protected;
  for (guint s = 0; s < info->n_protected; s++)
    hdr->csrcs[s] = info->protected[s].ssrc;
}

gsize
confab_flexfec_packet_header_size (const ConfabFecRepairInfo *info, ConfabFlexfecFormat format)
{
  return CONFAB_RTP_HEADER_SIZE + 4 * info->n_protected + confab_flexfec_payload_size (info, format)
         - info->payload_len;
}

ConfabFecStatus
confab_flexfec_write_packet (const ConfabFecRepairInfo *info, ConfabFlexfecFormat format, guint8 pt,
                             guint32 repair_ssrc, guint16 seq, guint32 timestamp, guint8 *out,
                             gsize out_size, gsize *written)
{
  ConfabRtpHeader hdr;
  gsize off = 0;
  gsize fec_len = 0;
  ConfabFecStatus st;

  g_return_val_if_fail (info != NULL && out != NULL && written != NULL,
                        CONFAB_FEC_ERR_INVALID_ARGUMENT);
  *written = 0;
  if (info->n_protected < 1 || info->n_protected > CONFAB_FEC_MAX_PROTECTED_SSRCS || pt >= 128)
    return CONFAB_FEC_ERR_INVALID_ARGUMENT;
  repair_rtp_header (&hdr, info, pt, repair_ssrc, seq, timestamp);
  st = confab_rtp_write (&hdr, NULL, 0, out, out_size, &off);
  if (st == CONFAB_FEC_OK)
    st = confab_flexfec_write (info, format, out + off, out_size - off, &fec_len);
  if (st == CONFAB_FEC_OK)
    *written = off + fec_len;
  return st;
}

GBytes *
confab_flexfec_packet_new (const ConfabFecRepairInfo *info, ConfabFlexfecFormat format, guint8 pt,
                           guint32 repair_ssrc, guint16 seq, guint32 timestamp)
{
  gsize size;
  gsize written = 0;
  guint8 *buf;

  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (
      info->n_protected >= 1 && info->n_protected <= CONFAB_FEC_MAX_PROTECTED_SSRCS, NULL);
  g_return_val_if_fail (pt < 128, NULL);

  size = confab_flexfec_packet_header_size (info, format) + info->payload_len;
  buf = g_malloc (size);
  if (confab_flexfec_write_packet (info, format, pt, repair_ssrc, seq, timestamp, buf, size,
                                   &written)
      != CONFAB_FEC_OK)
    {
      g_free (buf);
      return NULL;
    }
  return g_bytes_new_take (buf, written);
}
