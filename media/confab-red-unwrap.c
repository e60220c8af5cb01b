/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-red-unwrap.h"

#include <string.h>

gint
confab_red_primary_pt (const guint8 *data, gsize size, ConfabRedBlock *primary)
{
  ConfabRtpView rtp;
  ConfabRedBlock blocks[4];
  guint n = 0;

  if (confab_rtp_view_parse (&rtp, data, size) != CONFAB_FEC_OK
      || confab_red_parse (rtp.payload, rtp.payload_len, blocks, G_N_ELEMENTS (blocks), &n)
             != CONFAB_FEC_OK
      || n == 0)
    return -1;
  if (primary != NULL)
    *primary = blocks[n - 1];
  return blocks[n - 1].payload_type;
}

/* A plain RTP packet of @params's media payload type, without payload,
 * standing in for sequence number @seq of @ssrc. */
static gsize
write_stand_in (const ConfabStreamParams *params, guint32 ssrc, guint16 seq, guint32 timestamp,
                guint8 *out)
{
  out[0] = 0x80;
  out[1] = (guint8) params->pt;
  confab_write_u16 (out + 2, seq);
  confab_write_u32 (out + 4, timestamp);
  confab_write_u32 (out + 8, ssrc);
  return CONFAB_RED_STAND_IN_SIZE;
}

ConfabRedUnwrap
confab_red_unwrap (const ConfabStreamParams *params, guint32 media_ssrc, const ConfabRtpView *rtp,
                   guint8 *out, gsize *out_size)
{
  gboolean rtx = params->red_rtx_pt != 0 && rtp->payload_type == params->red_rtx_pt;
  /* An RTX payload starts with the original sequence number (RFC 4588). */
  gsize skip = rtx ? 2 : 0;
  ConfabRedBlock primary;
  gsize offset;
  gint pt;

  *out_size = 0;
  if (rtp->payload_len < skip || (!rtx && rtp->payload_type != params->red_pt))
    return CONFAB_RED_BROKEN;
  /* The RED packet: for RTX, the payload after the original number. */
  memcpy (out, rtp->data, rtp->header_len);
  memcpy (out + rtp->header_len, rtp->payload + skip, rtp->payload_len - skip);
  pt = confab_red_primary_pt (out, rtp->header_len + rtp->payload_len - skip, &primary);
  if (pt >= 0 && pt == (gint) params->fec_pt)
    {
      guint32 ssrc = rtx ? media_ssrc : rtp->ssrc;
      guint16 seq = rtx ? confab_read_u16 (rtp->payload) : rtp->seq;

      if (ssrc == 0)
        return CONFAB_RED_BROKEN;
      *out_size = write_stand_in (params, ssrc, seq, rtp->timestamp, out);
      return rtx ? CONFAB_RED_LATE_REPAIR : CONFAB_RED_REPAIR;
    }
  if (pt < 0 || pt != (gint) params->pt)
    return CONFAB_RED_BROKEN;

  /* The header as it came (RTX: on the VP8's RTX payload type now), the
   * original number for RTX, the primary block, taken from the packet
   * (@out, where the block was found, is being overwritten; there it sat
   * @skip bytes earlier). */
  offset = (gsize) (primary.data - out) + skip;
  memcpy (out, rtp->data, rtp->header_len + skip);
  out[1] = (rtp->data[1] & 0x80) | (rtx ? params->rtx_pt : params->pt);
  memcpy (out + rtp->header_len + skip, rtp->data + offset, primary.len);
  *out_size = rtp->header_len + skip + primary.len;
  return CONFAB_RED_MEDIA;
}
