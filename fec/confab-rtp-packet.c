/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-rtp-packet.h"

#include <string.h>

/* The fields go straight into @view: building a local copy and assigning it stalled every
 * caller on a store-to-load forward (the struct copied with wide loads over narrow stores). */
static ConfabFecStatus
view_parse (ConfabRtpView *v, const guint8 *data, gsize len)
{
  gsize off;
  gsize end;

  if (data == NULL || len < CONFAB_RTP_HEADER_SIZE)
    return CONFAB_FEC_ERR_TRUNCATED;
  if ((data[0] >> 6) != 2)
    return CONFAB_FEC_ERR_VERSION;

  v->data = data;
  v->len = len;
  v->padding = (data[0] & 0x20) != 0;
  v->extension = (data[0] & 0x10) != 0;
  v->csrc_count = data[0] & 0x0f;
  v->marker = (data[1] & 0x80) != 0;
  v->payload_type = data[1] & 0x7f;
  v->seq = confab_read_u16 (data + 2);
  v->timestamp = confab_read_u32 (data + 4);
  v->ssrc = confab_read_u32 (data + 8);

  /* Lengths are compared against what is left rather than added up, so no sum can wrap. */
  off = CONFAB_RTP_HEADER_SIZE;
  if (len - off < (gsize) v->csrc_count * 4)
    return CONFAB_FEC_ERR_TRUNCATED;
  v->csrcs = data + off;
  off += (gsize) v->csrc_count * 4;

  if (v->extension)
    {
      gsize words;

      if (len - off < 4)
        return CONFAB_FEC_ERR_TRUNCATED;
      v->ext_profile = confab_read_u16 (data + off);
      words = confab_read_u16 (data + off + 2);
      off += 4;
      if (len - off < words * 4)
        return CONFAB_FEC_ERR_TRUNCATED;
      v->ext_data = data + off;
      v->ext_len = words * 4;
      off += words * 4;
    }
  v->header_len = off;

  end = len;
  if (v->padding)
    {
      /* The count is the last byte and includes itself, so 0 is invalid; it may not eat
       * into the header. */
      guint8 count = data[len - 1];

      if (count == 0 || count > end - off)
        return CONFAB_FEC_ERR_PADDING;
      v->padding_len = count;
      end -= count;
    }
  v->payload = data + off;
  v->payload_len = end - off;
  return CONFAB_FEC_OK;
}

ConfabFecStatus
confab_rtp_view_parse (ConfabRtpView *view, const guint8 *data, gsize len)
{
  ConfabFecStatus st;

  memset (view, 0, sizeof *view);
  st = view_parse (view, data, len);
  if (st != CONFAB_FEC_OK)
    memset (view, 0, sizeof *view);
  return st;
}

guint32
confab_rtp_view_get_csrc (const ConfabRtpView *view, guint index)
{
  g_return_val_if_fail (view != NULL, 0);
  g_return_val_if_fail (index < view->csrc_count, 0);
  return confab_read_u32 (view->csrcs + 4 * index);
}

gboolean
confab_rtp_is_rtcp (const guint8 *data, gsize len)
{
  return data != NULL && len >= 2 && data[1] >= 192 && data[1] <= 223;
}

gboolean
confab_rtcp_compound_next (const guint8 *data, gsize len, gsize *offset, ConfabRtcpView *packet)
{
  gsize at = *offset;
  gsize size;

  if (data == NULL || at > len || len - at < 4 || (data[at] >> 6) != 2)
    return FALSE;
  size = (((gsize) data[at + 2] << 8 | data[at + 3]) + 1) * 4;
  if (size > len - at)
    return FALSE;

  packet->type = data[at + 1];
  packet->count = data[at] & 0x1f;
  packet->data = data + at;
  packet->len = size;
  *offset = at + size;
  return TRUE;
}

gboolean
confab_rtcp_compound_is_valid (const guint8 *data, gsize len)
{
  ConfabRtcpView packet;
  gsize offset = 0;

  if (!confab_rtp_is_rtcp (data, len) || len < 8)
    return FALSE;
  while (confab_rtcp_compound_next (data, len, &offset, &packet))
    ;
  return offset == len;
}

static gboolean
header_is_valid (const ConfabRtpHeader *hdr)
{
  return hdr->payload_type < 128 && hdr->csrc_count <= 15 && hdr->ext_len % 4 == 0
         && hdr->ext_len / 4 <= G_MAXUINT16 && (hdr->ext_len == 0 || hdr->ext_data != NULL);
}

gsize
confab_rtp_packet_size (const ConfabRtpHeader *hdr, gsize payload_len)
{
  return CONFAB_RTP_HEADER_SIZE + 4 * hdr->csrc_count + (hdr->extension ? 4 + hdr->ext_len : 0)
         + payload_len + hdr->padding_len;
}

ConfabFecStatus
confab_rtp_write (const ConfabRtpHeader *hdr, const guint8 *payload, gsize payload_len, guint8 *out,
                  gsize out_size, gsize *written)
{
  gsize need;
  gsize off;

  g_return_val_if_fail (hdr != NULL, CONFAB_FEC_ERR_INVALID_ARGUMENT);
  g_return_val_if_fail (out != NULL || out_size == 0, CONFAB_FEC_ERR_INVALID_ARGUMENT);
  g_return_val_if_fail (payload != NULL || payload_len == 0, CONFAB_FEC_ERR_INVALID_ARGUMENT);

  if (written)
    *written = 0;
  if (!header_is_valid (hdr))
    return CONFAB_FEC_ERR_INVALID_ARGUMENT;
  need = confab_rtp_packet_size (hdr, payload_len);
  if (need > out_size)
    return CONFAB_FEC_ERR_NO_SPACE;

  out[0] = 0x80 | (hdr->padding_len ? 0x20 : 0) | (hdr->extension ? 0x10 : 0)
           | (hdr->csrc_count & 0x0f);
  out[1] = (hdr->marker ? 0x80 : 0) | (hdr->payload_type & 0x7f);
  confab_write_u16 (out + 2, hdr->seq);
  confab_write_u32 (out + 4, hdr->timestamp);
  confab_write_u32 (out + 8, hdr->ssrc);
  off = CONFAB_RTP_HEADER_SIZE;
  for (guint i = 0; i < hdr->csrc_count; i++, off += 4)
    confab_write_u32 (out + off, hdr->csrcs[i]);
  if (hdr->extension)
    {
      confab_write_u16 (out + off, hdr->ext_profile);
      confab_write_u16 (out + off + 2, (guint16) (hdr->ext_len / 4));
      off += 4;
      if (hdr->ext_len)
        memcpy (out + off, hdr->ext_data, hdr->ext_len);
      off += hdr->ext_len;
    }
  if (payload_len)
    memcpy (out + off, payload, payload_len);
  off += payload_len;
  if (hdr->padding_len)
    {
      memset (out + off, 0, hdr->padding_len);
      off += hdr->padding_len;
      out[off - 1] = hdr->padding_len;
    }
  if (written)
    *written = off;
  return CONFAB_FEC_OK;
}

GBytes *
confab_rtp_packet_new (const ConfabRtpHeader *hdr, const guint8 *payload, gsize payload_len)
{
  gsize size;
  guint8 *buf;
  gsize written = 0;

  g_return_val_if_fail (hdr != NULL, NULL);
  if (!header_is_valid (hdr))
    return NULL;
  size = confab_rtp_packet_size (hdr, payload_len);
  buf = g_malloc (size);
  if (confab_rtp_write (hdr, payload, payload_len, buf, size, &written) != CONFAB_FEC_OK)
    {
      g_free (buf);
      return NULL;
    }
  return g_bytes_new_take (buf, written);
}

gboolean
confab_vp8_payload_starts_key_frame (const guint8 *p, gsize len)
{
  gsize off = 1;

  if (len < 1 || !(p[0] & 0x10) || (p[0] & 0x07) != 0)
    return FALSE;
  if (p[0] & 0x80)
    {
      guint8 x;

      if (len < 2)
        return FALSE;
      x = p[1];
      off = 2;
      if (x & 0x80) /* I: picture ID, M bit selects 15 bits */
        {
          if (len <= off)
            return FALSE;
          off += (p[off] & 0x80) ? 2 : 1;
        }
      if (x & 0x40) /* L: TL0PICIDX */
        off++;
      if (x & 0x30) /* T or K: TID/KEYIDX byte */
        off++;
    }
  return len > off && (p[off] & 0x01) == 0;
}

guint32
confab_rtp_random_ssrc (const guint32 *avoid, gsize n_avoid)
{
  g_return_val_if_fail (avoid != NULL || n_avoid == 0, 0);

  for (;;)
    {
      guint32 ssrc = g_random_int ();
      gboolean taken = ssrc == 0;

      for (gsize i = 0; i < n_avoid && !taken; i++)
        taken = avoid[i] == ssrc;
      if (!taken)
        return ssrc;
    }
}
