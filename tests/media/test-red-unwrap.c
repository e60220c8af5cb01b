/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ULPFEC in RED on the way in, bytes only: media unwrapped bit-exact,
 * repair packets followed by stand-ins, retransmissions of both, and what
 * is not RED of this stream refused.
 */
#include "config.h"

#include <string.h>

#include "confab-red-unwrap.h"

#define VP8_PT 96
#define RTX_PT 97
#define RED_PT 118
#define RED_RTX_PT 119
#define ULPFEC_PT 120
#define MEDIA_SSRC 0x11223344u
#define RTX_SSRC 0x55667788u

static const ConfabStreamParams params = {
  .kind = CONFAB_STREAM_KIND_VIDEO,
  .pt = VP8_PT,
  .fec_pt = ULPFEC_PT,
  .rtx_pt = RTX_PT,
  .red_pt = RED_PT,
  .red_rtx_pt = RED_RTX_PT,
};

/* An RTP packet of @pt, @seq, @ssrc with @payload. */
static gsize
packet (guint8 *out, guint pt, gboolean marker, guint16 seq, guint32 ssrc, const guint8 *payload,
        gsize len)
{
  out[0] = 0x80;
  out[1] = (guint8) ((marker ? 0x80 : 0) | pt);
  confab_write_u16 (out + 2, seq);
  confab_write_u32 (out + 4, 90000);
  confab_write_u32 (out + 8, ssrc);
  if (len > 0)
    memcpy (out + 12, payload, len);
  return 12 + len;
}

/* @red wrapped in an RTX packet of @rtx_pt (original number first). */
static gsize
as_rtx (guint8 *out, const guint8 *red, gsize red_len, guint rtx_pt)
{
  guint8 payload[256];

  memcpy (payload, red + 2, 2);
  memcpy (payload + 2, red + 12, red_len - 12);
  return packet (out, rtx_pt, red[1] & 0x80, 7, RTX_SSRC, payload, red_len - 12 + 2);
}

static ConfabRedUnwrap
unwrap (const guint8 *data, gsize len, guint32 media_ssrc, guint8 *out, gsize *out_len)
{
  ConfabRtpView rtp;

  g_assert_cmpint (confab_rtp_view_parse (&rtp, data, len), ==, CONFAB_FEC_OK);
  return confab_red_unwrap (&params, media_ssrc, &rtp, out, out_len);
}

static void
test_media (void)
{
  const guint8 vp8[] = { 0x90, 0x80, 0x01, 0x10, 0x02, 0x03, 0x04, 0x05 };
  guint8 plain[64], red[64], rtx[64], out[64];
  gsize plain_len = packet (plain, VP8_PT, TRUE, 1000, MEDIA_SSRC, vp8, sizeof vp8);
  gsize red_len = 0, rtx_len, out_len;
  ConfabRtpView v;

  g_assert_cmpint (confab_red_encapsulate (plain, plain_len, RED_PT, red, sizeof red, &red_len), ==,
                   CONFAB_FEC_OK);
  g_assert_cmpint (confab_red_primary_pt (red, red_len, NULL), ==, VP8_PT);
  g_assert_cmpint (confab_red_primary_pt (plain, plain_len, NULL), ==, -1);

  /* Unwrapped: the packet as it was before RED. */
  g_assert_cmpint (unwrap (red, red_len, 0, out, &out_len), ==, CONFAB_RED_MEDIA);
  g_assert_cmpmem (out, out_len, plain, plain_len);

  /* Its retransmission: one of the VP8 now, original number first, then
   * the VP8 payload; the header the RTX packet's. */
  rtx_len = as_rtx (rtx, red, red_len, RED_RTX_PT);
  g_assert_cmpint (unwrap (rtx, rtx_len, MEDIA_SSRC, out, &out_len), ==, CONFAB_RED_MEDIA);
  g_assert_cmpint (confab_rtp_view_parse (&v, out, out_len), ==, CONFAB_FEC_OK);
  g_assert_cmpuint (v.payload_type, ==, RTX_PT);
  g_assert_true (v.marker);
  g_assert_cmpuint (v.ssrc, ==, RTX_SSRC);
  g_assert_cmpuint (v.seq, ==, 7);
  g_assert_cmpuint (confab_read_u16 (v.payload), ==, 1000);
  g_assert_cmpmem (v.payload + 2, v.payload_len - 2, vp8, sizeof vp8);
}

static void
test_repair (void)
{
  /* A ULPFEC packet in RED: the block header names ULPFEC. */
  const guint8 fec[] = { ULPFEC_PT, 0x40, 0x00, 0x03, 0xe8, 0xaa, 0xbb, 0xcc };
  guint8 red[64], rtx[64], out[64];
  gsize red_len = packet (red, RED_PT, FALSE, 1001, MEDIA_SSRC, fec, sizeof fec);
  gsize rtx_len = as_rtx (rtx, red, red_len, RED_RTX_PT), out_len;
  ConfabRtpView v;

  g_assert_cmpint (confab_red_primary_pt (red, red_len, NULL), ==, ULPFEC_PT);
  /* Goes on as it is, with a stand-in for its number. */
  g_assert_cmpint (unwrap (red, red_len, 0, out, &out_len), ==, CONFAB_RED_REPAIR);
  g_assert_cmpuint (out_len, ==, CONFAB_RED_STAND_IN_SIZE);
  g_assert_cmpint (confab_rtp_view_parse (&v, out, out_len), ==, CONFAB_FEC_OK);
  g_assert_cmpuint (v.payload_type, ==, VP8_PT);
  g_assert_cmpuint (v.seq, ==, 1001);
  g_assert_cmpuint (v.ssrc, ==, MEDIA_SSRC);
  g_assert_cmpuint (v.timestamp, ==, 90000);
  g_assert_cmpuint (v.payload_len, ==, 0);

  /* Resent: only the stand-in, on the media's SSRC (which the caller
   * knows; without it, nothing). */
  g_assert_cmpint (unwrap (rtx, rtx_len, MEDIA_SSRC, out, &out_len), ==, CONFAB_RED_LATE_REPAIR);
  g_assert_cmpint (confab_rtp_view_parse (&v, out, out_len), ==, CONFAB_FEC_OK);
  g_assert_cmpuint (v.payload_type, ==, VP8_PT);
  g_assert_cmpuint (v.seq, ==, 1001);
  g_assert_cmpuint (v.ssrc, ==, MEDIA_SSRC);
  g_assert_cmpint (unwrap (rtx, rtx_len, 0, out, &out_len), ==, CONFAB_RED_BROKEN);
}

static void
test_broken (void)
{
  const guint8 other[] = { 100, 0x01, 0x02 };
  const guint8 truncated[] = { 0x80 | VP8_PT, 0x00 }; /* a redundant block's header cut short */
  guint8 red[64], out[64];
  gsize out_len;

  /* A block of a payload type that is neither VP8 nor ULPFEC. */
  gsize len = packet (red, RED_PT, FALSE, 5, MEDIA_SSRC, other, sizeof other);
  g_assert_cmpint (unwrap (red, len, 0, out, &out_len), ==, CONFAB_RED_BROKEN);
  len = packet (red, RED_PT, FALSE, 5, MEDIA_SSRC, truncated, sizeof truncated);
  g_assert_cmpint (unwrap (red, len, 0, out, &out_len), ==, CONFAB_RED_BROKEN);
  /* Empty, and an RTX without room for its original number. */
  len = packet (red, RED_PT, FALSE, 5, MEDIA_SSRC, NULL, 0);
  g_assert_cmpint (unwrap (red, len, 0, out, &out_len), ==, CONFAB_RED_BROKEN);
  len = packet (red, RED_RTX_PT, FALSE, 5, RTX_SSRC, other, 1);
  g_assert_cmpint (unwrap (red, len, MEDIA_SSRC, out, &out_len), ==, CONFAB_RED_BROKEN);
  /* Not RED at all. */
  len = packet (red, VP8_PT, FALSE, 5, MEDIA_SSRC, other, sizeof other);
  g_assert_cmpint (unwrap (red, len, 0, out, &out_len), ==, CONFAB_RED_BROKEN);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/confab/media/red-unwrap/media", test_media);
  g_test_add_func ("/confab/media/red-unwrap/repair", test_repair);
  g_test_add_func ("/confab/media/red-unwrap/broken", test_broken);
  return g_test_run ();
}
