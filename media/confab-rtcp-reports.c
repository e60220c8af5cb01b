/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-rtcp-reports.h"

#include "confab-fec-common.h"
#include "confab-rtp-packet.h"

#include <string.h>

#define RTCP_SR 200
#define RTCP_RR 201
#define RTCP_HEADER_SIZE 8
#define RTCP_SENDER_INFO_SIZE 20
#define RTCP_REPORT_BLOCK_SIZE 24

void
confab_rtcp_foreach_report_block (const guint8 *data, gsize len, ConfabReportBlockFunc func,
                                  gpointer user_data)
{
  ConfabRtcpView packet;
  gsize offset = 0;

  while (confab_rtcp_compound_next (data, len, &offset, &packet))
    {
      gsize at;

      if (packet.type == RTCP_SR)
        at = RTCP_HEADER_SIZE + RTCP_SENDER_INFO_SIZE;
      else if (packet.type == RTCP_RR)
        at = RTCP_HEADER_SIZE;
      else
        continue;

      for (guint i = 0; i < packet.count && at + RTCP_REPORT_BLOCK_SIZE <= packet.len; i++)
        {
          const guint8 *b = packet.data + at;
          ConfabReportBlock block = {
            .ssrc = confab_read_u32 (b),
            .lost = (gint32) (confab_read_u32 (b + 4) << 8) >> 8,
            .highest_seq = confab_read_u32 (b + 8),
            .lsr = confab_read_u32 (b + 16),
            .dlsr = confab_read_u32 (b + 20),
          };

          func (&block, user_data);
          at += RTCP_REPORT_BLOCK_SIZE;
        }
    }
}

void
confab_sent_reports_note (ConfabSentReports *sent, const guint8 *data, gsize len, gint64 now)
{
  ConfabRtcpView packet;
  gsize offset = 0;

  while (confab_rtcp_compound_next (data, len, &offset, &packet))
    if (packet.type == RTCP_SR && packet.len >= RTCP_HEADER_SIZE + RTCP_SENDER_INFO_SIZE)
      {
        sent->reports[sent->next].lsr = confab_read_u32 (packet.data + 10);
        sent->reports[sent->next].sent_time = now;
        sent->next = (sent->next + 1) % CONFAB_SENT_REPORTS;
      }
}

gboolean
confab_sent_reports_rtt (const ConfabSentReports *sent, const ConfabReportBlock *block, gint64 now,
                         double *rtt_ms)
{
  if (block->lsr == 0)
    return FALSE;

  for (guint i = 0; i < CONFAB_SENT_REPORTS; i++)
    {
      gint64 rtt;

      if (sent->reports[i].sent_time == 0 || sent->reports[i].lsr != block->lsr)
        continue;
      rtt = now - sent->reports[i].sent_time
            - (gint64) ((guint64) block->dlsr * G_USEC_PER_SEC / 65536);
      /* DLSR's 15 us resolution can make a loopback round trip negative;
       * more than that is a peer's bogus DLSR. */
      if (rtt < -100)
        return FALSE;
      *rtt_ms = MAX (rtt, 0) / 1000.0;
      return TRUE;
    }

  return FALSE;
}

gboolean
confab_loss_reference_update (ConfabLossReference *reference, const ConfabReportBlock *block,
                              gint64 now, double *fraction)
{
  gboolean known = FALSE;

  if (reference->valid)
    {
      guint32 expected = block->highest_seq - reference->highest_seq;

      if (expected >= CONFAB_LOSS_MIN_PACKETS && expected < G_MAXINT32)
        {
          *fraction
              = CLAMP ((double) ((gint64) block->lost - reference->lost) / expected, 0.0, 1.0);
          known = TRUE;
        }
      if (now - reference->time < CONFAB_LOSS_WINDOW_US)
        return known;
    }

  *reference = (ConfabLossReference){ TRUE, now, block->highest_seq, block->lost };
  return known;
}

static void
write_u32 (guint8 *out, guint32 value)
{
  for (int k = 0; k < 4; k++)
    out[k] = value >> (24 - 8 * k);
}

/* A receiver report with no blocks from @sender, the 8 bytes a compound
 * packet of ours starts with (RFC 3550 section 6.1). Returns 8. */
static gsize
write_empty_rr (guint8 *out, guint32 sender)
{
  out[0] = 0x80;
  out[1] = RTCP_RR;
  out[2] = 0;
  out[3] = 1;
  write_u32 (out + 4, sender);
  return 8;
}

/* The 12 bytes that start a feedback packet (RFC 4585 section 6.1) of
 * @len bytes in all. */
static void
write_feedback_header (guint8 *p, guint fmt, guint type, gsize len, guint32 sender, guint32 media)
{
  p[0] = 0x80 | fmt;
  p[1] = type;
  p[2] = 0;
  p[3] = len / 4 - 1;
  write_u32 (p + 4, sender);
  write_u32 (p + 8, media);
}

/*  BYE (RFC 3550 section 6.6):
 *
 *        0                   1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |V=2|P|    SC   |   PT=BYE=203  |             length            |
 *       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *       |                           SSRC/CSRC                           |
 *       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *
 * A compound packet must start with a report (section 6.1): an RR with no
 * blocks, 8 bytes, goes first. */
gsize
confab_rtcp_write_bye (const guint32 *ssrcs, guint n, guint8 *out, gsize size)
{
  gsize need = 8 + 4 + 4 * (gsize) n;

  if (n == 0 || n > 31 || size < need)
    return 0;
  write_empty_rr (out, ssrcs[0]);
  out[8] = 0x80 | n;
  out[9] = 203;
  out[10] = 0;
  out[11] = n;
  for (guint i = 0; i < n; i++)
    write_u32 (out + 12 + 4 * i, ssrcs[i]);
  return need;
}

gboolean
confab_rtcp_has_bye (const guint8 *data, gsize len, guint32 ssrc)
{
  ConfabRtcpView packet;
  gsize offset = 0;

  while (confab_rtcp_compound_next (data, len, &offset, &packet))
    {
      if (packet.type != 203)
        continue;
      for (guint i = 0; i < packet.count && 4 + 4 * (gsize) (i + 1) <= packet.len; i++)
        {
          const guint8 *p = packet.data + 4 + 4 * i;
          guint32 named = (guint32) p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];

          if (ssrc == 0 || named == ssrc)
            return TRUE;
        }
    }
  return FALSE;
}

#define RTCP_PSFB 206
#define PSFB_FMT_AFB 15
#define REMB_FIXED_SIZE 20 /* header, two SSRCs, "REMB", the count and bitrate */

gboolean
confab_rtcp_find_remb (const guint8 *data, gsize len, guint64 *bitrate_bps)
{
  ConfabRtcpView packet;
  gsize offset = 0;
  gboolean found = FALSE;

  while (confab_rtcp_compound_next (data, len, &offset, &packet))
    {
      const guint8 *p = packet.data;

      if (packet.type != RTCP_PSFB || packet.count != PSFB_FMT_AFB || packet.len < REMB_FIXED_SIZE
          || memcmp (p + 12, "REMB", 4) != 0 || packet.len < REMB_FIXED_SIZE + 4 * (gsize) p[16])
        continue;
      guint exponent = p[17] >> 2;
      guint64 mantissa = (guint64) (p[17] & 0x3) << 16 | p[18] << 8 | p[19];
      /* 2^63 and more: no real link, and it would overflow. */
      *bitrate_bps = exponent + 18 >= 64 ? G_MAXUINT64 : mantissa << exponent;
      found = TRUE;
    }
  return found;
}

gsize
confab_rtcp_write_remb (guint32 sender, guint64 bitrate_bps, const guint32 *ssrcs, guint n,
                        guint8 *out, gsize size)
{
  gsize remb_len = REMB_FIXED_SIZE + 4 * (gsize) n;
  guint exponent = 0;

  if (n == 0 || n > 255 || size < 8 + remb_len)
    return 0;
  /* The mantissa has 18 bits. */
  while (exponent < 63 && (bitrate_bps >> exponent) > 0x3ffff)
    exponent++;
  guint32 mantissa = bitrate_bps >> exponent;

  guint8 *p = out + write_empty_rr (out, sender);
  write_feedback_header (p, PSFB_FMT_AFB, RTCP_PSFB, remb_len, sender, 0);
  memcpy (p + 12, "REMB", 4);
  p[16] = n;
  p[17] = exponent << 2 | mantissa >> 16;
  p[18] = mantissa >> 8;
  p[19] = mantissa;
  for (guint i = 0; i < n; i++)
    write_u32 (p + 20 + 4 * i, ssrcs[i]);
  return 8 + remb_len;
}

#define RTCP_RTPFB 205
#define RTPFB_FMT_NACK 1

gsize
confab_rtcp_write_nack (guint32 sender, guint32 media_ssrc, const guint16 *seqs, guint n,
                        guint8 *out, gsize size)
{
  gboolean named[CONFAB_RTCP_NACK_MAX] = { FALSE };
  guint entries = 0;

  if (n == 0 || n > CONFAB_RTCP_NACK_MAX || size < 8 + 12 + 4 * (gsize) n)
    return 0;

  guint8 *p = out + write_empty_rr (out, sender);
  guint8 *fci = p + 12;
  for (guint i = 0; i < n; i++)
    {
      guint16 blp = 0;

      if (named[i])
        continue;
      named[i] = TRUE;
      for (guint j = i + 1; j < n; j++)
        {
          guint16 distance = (guint16) (seqs[j] - seqs[i]);

          if (!named[j] && distance >= 1 && distance <= 16)
            {
              blp |= (guint16) (1u << (distance - 1));
              named[j] = TRUE;
            }
          else if (!named[j] && distance == 0)
            named[j] = TRUE; /* asked twice */
        }
      fci[4 * entries] = seqs[i] >> 8;
      fci[4 * entries + 1] = seqs[i] & 0xff;
      fci[4 * entries + 2] = blp >> 8;
      fci[4 * entries + 3] = blp & 0xff;
      entries++;
    }

  write_feedback_header (p, RTPFB_FMT_NACK, RTCP_RTPFB, 12 + 4 * (gsize) entries, sender,
                         media_ssrc);
  return 8 + 12 + 4 * (gsize) entries;
}
