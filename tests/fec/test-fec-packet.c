/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Wire layouts against byte vectors written by hand from the RFC figures (RFC 3550 5.1,
 * RFC 5109 7.3/7.4, RFC 8627 4.2.2.1/4.2.2.2, RFC 2198 3), and the parsers on hostile
 * bytes. */
#include <string.h>

#include "confab-fec-decoder.h"
#include "confab-fec-encoder.h"
#include "confab-fec-parity.h"
#include "confab-fec-xor.h"
#include "confab-flexfec.h"
#include "confab-red.h"
#include "confab-rtp-packet.h"
#include "confab-ulpfec.h"
#include "fec-test-util.h"

static void
assert_bytes (GBytes *bytes, const guint8 *expect, gsize len)
{
  gsize got_len = 0;
  const guint8 *got;

  g_assert_nonnull (bytes);
  got = g_bytes_get_data (bytes, &got_len);
  g_assert_cmpmem (got, got_len, expect, len);
}

/* V=2 P=1 X=1 CC=2 | M=1 PT=111 | seq 0xffff | ts 0 | SSRC | 2 CSRCs | one-byte-header
 * extension (0xBEDE, 1 word) | payload 01 02 03 | padding 00 00 03. */
/* clang-format off */
static const guint8 rtp_full[] = {
  0xb2, 0xef, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x11, 0x22, 0x33, 0x44, /* fixed header */
  0xaa, 0xaa, 0xaa, 0xaa, 0xbb, 0xbb, 0xbb, 0xbb,                         /* CSRCs */
  0xbe, 0xde, 0x00, 0x01, 0x10, 0xff, 0x00, 0x00,                         /* extension */
  0x01, 0x02, 0x03, 0x00, 0x00, 0x03, /* payload, padding */
};/* clang-format on */

static void
test_rtp_parse (void)
{
  ConfabRtpView v;

  g_assert_cmpint (confab_rtp_view_parse (&v, rtp_full, sizeof rtp_full), ==, CONFAB_FEC_OK);
  g_assert_true (v.padding);
  g_assert_true (v.extension);
  g_assert_cmpuint (v.csrc_count, ==, 2);
  g_assert_true (v.marker);
  g_assert_cmpuint (v.payload_type, ==, 111);
  g_assert_cmpuint (v.seq, ==, 0xffff);
  g_assert_cmpuint (v.ssrc, ==, 0x11223344);
  g_assert_cmpuint (confab_rtp_view_get_csrc (&v, 1), ==, 0xbbbbbbbb);
  g_assert_cmpuint (v.ext_profile, ==, 0xbede);
  g_assert_cmpuint (v.ext_len, ==, 4);
  g_assert_cmpuint (v.header_len, ==, 28);
  g_assert_cmpuint (v.payload_len, ==, 3);
  g_assert_cmpuint (v.payload[0], ==, 1);
  g_assert_cmpuint (v.padding_len, ==, 3);
}

static void
test_rtp_write (void)
{
  static const guint8 ext[] = { 0x10, 0xff, 0x00, 0x00 };
  static const guint8 payload[] = { 1, 2, 3 };
  ConfabRtpHeader h = {
    .marker = TRUE,
    .payload_type = 111,
    .seq = 0xffff,
    .timestamp = 0,
    .ssrc = 0x11223344,
    .csrc_count = 2,
    .csrcs = { 0xaaaaaaaa, 0xbbbbbbbb },
    .extension = TRUE,
    .ext_profile = 0xbede,
    .ext_data = ext,
    .ext_len = 4,
    .padding_len = 3,
  };
  g_autoptr (GBytes) b = confab_rtp_packet_new (&h, payload, sizeof payload);
  guint8 small[10];
  gsize written = 99;

  assert_bytes (b, rtp_full, sizeof rtp_full);
  g_assert_cmpint (confab_rtp_write (&h, payload, 3, small, sizeof small, &written), ==,
                   CONFAB_FEC_ERR_NO_SPACE);
  g_assert_cmpuint (written, ==, 0);
  h.ext_len = 3; /* not a multiple of 4 */
  g_assert_cmpint (confab_rtp_write (&h, payload, 3, small, sizeof small, &written), ==,
                   CONFAB_FEC_ERR_INVALID_ARGUMENT);
}

static void
test_rtp_hostile (void)
{
  ConfabRtpView v;
  guint8 buf[64];

  /* Every truncation of a valid packet fails cleanly (the padding count then points at
   * something else, so accept any error or a consistent view). */
  for (gsize n = 0; n < sizeof rtp_full; n++)
    {
      ConfabFecStatus st = confab_rtp_view_parse (&v, rtp_full, n);

      if (st == CONFAB_FEC_OK)
        g_assert_cmpuint (v.header_len + v.payload_len + v.padding_len, ==, n);
    }
  memcpy (buf, rtp_full, sizeof rtp_full);
  buf[0] = 0x40; /* version 1 */
  g_assert_cmpint (confab_rtp_view_parse (&v, buf, 12), ==, CONFAB_FEC_ERR_VERSION);
  /* CC=15 with no CSRCs */
  memcpy (buf, rtp_full, 12);
  buf[0] = 0x8f;
  g_assert_cmpint (confab_rtp_view_parse (&v, buf, 20), ==, CONFAB_FEC_ERR_TRUNCATED);
  /* extension length past the end */
  memcpy (buf, rtp_full, 12);
  buf[0] = 0x90;
  buf[12] = 0xbe, buf[13] = 0xde, buf[14] = 0xff, buf[15] = 0xff;
  g_assert_cmpint (confab_rtp_view_parse (&v, buf, 16), ==, CONFAB_FEC_ERR_TRUNCATED);
  /* padding count 0 and padding eating the header */
  memcpy (buf, rtp_full, 12);
  buf[0] = 0xa0;
  buf[12] = 0;
  g_assert_cmpint (confab_rtp_view_parse (&v, buf, 13), ==, CONFAB_FEC_ERR_PADDING);
  buf[12] = 2;
  g_assert_cmpint (confab_rtp_view_parse (&v, buf, 13), ==, CONFAB_FEC_ERR_PADDING);
  buf[12] = 1;
  g_assert_cmpint (confab_rtp_view_parse (&v, buf, 13), ==, CONFAB_FEC_OK);
  g_assert_cmpuint (v.payload_len, ==, 0);
  g_assert_cmpint (confab_rtp_view_parse (&v, NULL, 0), ==, CONFAB_FEC_ERR_TRUNCATED);
}

static void
fill_info (ConfabFecRepairInfo *info, const guint8 *payload, gsize payload_len)
{
  memset (info, 0, sizeof *info);
  info->byte0 = 0x25; /* P=1 X=0 CC=5 */
  info->byte1 = 0xe0; /* M=1 PT=0x60 */
  info->ts = 0x03040506;
  info->length = 0x0708;
  info->payload = payload;
  info->payload_len = payload_len;
  info->n_protected = 1;
  info->protected[0].ssrc = 0x11223344;
  info->protected[0].sn_base = 0x0102;
}

/* RFC 5109 figures 3 and 4: FEC header, then level 0 header with L=0. Mask bits 0, 2, 15
 * (most significant first) = 0xA001; payload aa bb cc. */
#define ULP_SHORT_MASK_HEX "25e00102 03040506 07080003 a001 aabbcc"

static void
test_ulpfec_layout (void)
{
  static const guint8 payload[] = { 0xaa, 0xbb, 0xcc };
  g_autoptr (GBytes) short_mask = fec_test_hex (ULP_SHORT_MASK_HEX);
  /* L=1 (0x40 in byte 0): 48-bit mask, bits 0, 16, 47. */
  g_autoptr (GBytes) long_mask = fec_test_hex ("65e00102 03040506 07080003 80008000 0001 aabbcc");
  /* The first inside an RTP packet wrapped in RED (RFC 2198 final block header 0x61 = PT 97). */
  g_autoptr (GBytes) red_packet
      = fec_test_hex ("80740009 00000064 11223344 61 " ULP_SHORT_MASK_HEX);
  g_autoptr (GBytes) red = NULL;
  ConfabFecRepairInfo info, parsed;
  guint8 out[64];
  gsize written = 0;

  fill_info (&info, payload, sizeof payload);
  confab_fec_bits_set (&info.protected[0].mask, 0);
  confab_fec_bits_set (&info.protected[0].mask, 2);
  confab_fec_bits_set (&info.protected[0].mask, 15);
  g_assert_cmpint (confab_ulpfec_write (&info, out, sizeof out, &written), ==, CONFAB_FEC_OK);
  assert_bytes (short_mask, out, written);
  g_assert_cmpint (confab_ulpfec_parse (g_bytes_get_data (short_mask, NULL),
                                        g_bytes_get_size (short_mask), 0x11223344, &parsed),
                   ==, CONFAB_FEC_OK);
  g_assert_cmpuint (parsed.byte0, ==, 0x25);
  g_assert_cmpuint (parsed.byte1, ==, 0xe0);
  g_assert_cmpuint (parsed.ts, ==, 0x03040506);
  g_assert_cmpuint (parsed.length, ==, 0x0708);
  g_assert_cmpuint (parsed.protected[0].sn_base, ==, 0x0102);
  g_assert_cmpmem (&parsed.protected[0].mask, sizeof (ConfabFecBits), &info.protected[0].mask,
                   sizeof (ConfabFecBits));
  g_assert_cmpmem (parsed.payload, parsed.payload_len, payload, sizeof payload);

  red = confab_ulpfec_packet_new (&info, 97, 116, 9, 100);
  assert_bytes (red, g_bytes_get_data (red_packet, NULL), g_bytes_get_size (red_packet));

  memset (&info.protected[0].mask, 0, sizeof (ConfabFecBits));
  confab_fec_bits_set (&info.protected[0].mask, 0);
  confab_fec_bits_set (&info.protected[0].mask, 16);
  confab_fec_bits_set (&info.protected[0].mask, 47);
  g_assert_cmpint (confab_ulpfec_write (&info, out, sizeof out, &written), ==, CONFAB_FEC_OK);
  assert_bytes (long_mask, out, written);
  g_assert_cmpint (confab_ulpfec_parse (g_bytes_get_data (long_mask, NULL),
                                        g_bytes_get_size (long_mask), 1, &parsed),
                   ==, CONFAB_FEC_OK);
  g_assert_cmpmem (&parsed.protected[0].mask, sizeof (ConfabFecBits), &info.protected[0].mask,
                   sizeof (ConfabFecBits));

  /* A mask reaching packet 48 cannot be written. */
  confab_fec_bits_set (&info.protected[0].mask, 48);
  g_assert_cmpint (confab_ulpfec_write (&info, out, sizeof out, &written), ==,
                   CONFAB_FEC_ERR_INVALID_ARGUMENT);
}

static void
test_ulpfec_hostile (void)
{
  g_autoptr (GBytes) good_bytes = fec_test_hex (ULP_SHORT_MASK_HEX);
  gsize good_len;
  const guint8 *good = g_bytes_get_data (good_bytes, &good_len);
  guint8 buf[32];
  ConfabFecRepairInfo info;

  g_assert_cmpuint (good_len, <=, sizeof buf);
  for (gsize n = 0; n < good_len; n++)
    g_assert_cmpint (confab_ulpfec_parse (good, n, 1, &info), !=, CONFAB_FEC_OK);
  memcpy (buf, good, good_len);
  buf[11] = 0x04; /* protection length one past the end */
  g_assert_cmpint (confab_ulpfec_parse (buf, good_len, 1, &info), ==, CONFAB_FEC_ERR_TRUNCATED);
  memcpy (buf, good, good_len);
  buf[0] |= 0x80; /* E */
  g_assert_cmpint (confab_ulpfec_parse (buf, good_len, 1, &info), ==, CONFAB_FEC_ERR_UNSUPPORTED);
  memcpy (buf, good, good_len);
  buf[0] |= 0x40; /* L=1 but only 3 more bytes */
  g_assert_cmpint (confab_ulpfec_parse (buf, 16, 1, &info), ==, CONFAB_FEC_ERR_TRUNCATED);
  memcpy (buf, good, good_len);
  buf[12] = buf[13] = 0; /* empty mask */
  g_assert_cmpint (confab_ulpfec_parse (buf, good_len, 1, &info), ==, CONFAB_FEC_ERR_MALFORMED);
}

/* FlexFEC repair packet: RTP header with CC=1 (the protected SSRC as CSRC), PT 110, then the
 * FEC header of RFC 8627 figure 10/11 up to the mask: byte 0 (R=0 F=? P=0 X=0 CC=5), M=1
 * PT=0x60, length 0x0708, TS 0x03040506, SN base 0x0102. */
#define FLEX_RTP_HEX "816e0001 00000010 99999999 11223344 "
#define FLEX_FLEXIBLE_HEX FLEX_RTP_HEX "05e00708 03040506 0102 "
#define FLEX_FIXED_HEX FLEX_RTP_HEX "45e00708 03040506 0102 "

static void
check_flexfec (const ConfabFecRepairInfo *info, ConfabFlexfecFormat format, GBytes *expect_bytes)
{
  g_autoptr (GBytes) pkt = NULL;
  ConfabRtpView v;
  ConfabFecRepairInfo parsed;
  gsize expect_len;
  const guint8 *expect = g_bytes_get_data (expect_bytes, &expect_len);

  g_assert_cmpint (confab_flexfec_choose_format (info, format), ==, format);
  pkt = confab_flexfec_packet_new (info, format, 110, 0x99999999, 1, 0x10);
  assert_bytes (pkt, expect, expect_len);
  g_assert_cmpint (confab_rtp_view_parse (&v, expect, expect_len), ==, CONFAB_FEC_OK);
  g_assert_cmpint (confab_flexfec_parse (&v, &parsed), ==, CONFAB_FEC_OK);
  g_assert_cmpuint (parsed.n_protected, ==, 1);
  g_assert_cmpuint (parsed.protected[0].ssrc, ==, 0x11223344);
  g_assert_cmpuint (parsed.protected[0].sn_base, ==, 0x0102);
  g_assert_cmpuint (parsed.byte0, ==, info->byte0);
  g_assert_cmpuint (parsed.byte1, ==, info->byte1);
  g_assert_cmpuint (parsed.ts, ==, info->ts);
  g_assert_cmpuint (parsed.length, ==, info->length);
  g_assert_cmpmem (&parsed.protected[0].mask, sizeof (ConfabFecBits), &info->protected[0].mask,
                   sizeof (ConfabFecBits));
  g_assert_cmpmem (parsed.payload, parsed.payload_len, info->payload, info->payload_len);
  /* and every truncation is refused or parses to a shorter payload */
  for (gsize n = 0; n < expect_len; n++)
    {
      if (confab_rtp_view_parse (&v, expect, n) != CONFAB_FEC_OK)
        continue;
      if (confab_flexfec_parse (&v, &parsed) == CONFAB_FEC_OK)
        g_assert_cmpuint (parsed.payload_len, <, info->payload_len);
    }
}

static void
test_flexfec_layout (void)
{
  static const guint8 payload[] = { 0xaa };
  static const struct
  {
    ConfabFlexfecFormat format;
    guint bits[4];
    guint n_bits;
    const char *hex;        /* the whole packet */
    gboolean no_fixed_rows; /* the fixed row format cannot say it */
  } cases[] = {
    /* k=1 + mask bits 0 and 14 -> 0xC001 */
    { CONFAB_FLEXFEC_FORMAT_FLEXIBLE, { 0, 14 }, 2, FLEX_FLEXIBLE_HEX "c001 aa", FALSE },
    /* bits 0, 15, 45: first k=0 (0x4000), second word k=1 | bit 15 (0x40000000) | bit 45 */
    { CONFAB_FLEXFEC_FORMAT_FLEXIBLE,
      { 0, 15, 45 },
      3,
      FLEX_FLEXIBLE_HEX "4000 c0000001 aa",
      FALSE },
    /* bits 1, 46, 109: both k=0, last 64 bits 0x8000000000000001 */
    { CONFAB_FLEXFEC_FORMAT_FLEXIBLE,
      { 1, 46, 109 },
      3,
      FLEX_FLEXIBLE_HEX "2000 00000000 80000000 00000001 aa",
      TRUE },
    /* F=1 (0x40): row of L=4, D=0 */
    { CONFAB_FLEXFEC_FORMAT_FIXED_ROW, { 0, 1, 2, 3 }, 4, FLEX_FIXED_HEX "0400 aa", FALSE },
    /* F=1: row of a 2-D code, L=3, D=1 */
    { CONFAB_FLEXFEC_FORMAT_FIXED_2D_ROW, { 0, 1, 2 }, 3, FLEX_FIXED_HEX "0301 aa", FALSE },
    /* F=1: column, L=4, D=3 -> packets 0, 4, 8 */
    { CONFAB_FLEXFEC_FORMAT_FIXED_COLUMN, { 0, 4, 8 }, 3, FLEX_FIXED_HEX "0403 aa", TRUE },
  };
  ConfabFecRepairInfo info;

  fill_info (&info, payload, 1);
  info.byte0 = 0x05;
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr (GBytes) expect = fec_test_hex (cases[c].hex);

      memset (&info.protected[0].mask, 0, sizeof (ConfabFecBits));
      for (guint i = 0; i < cases[c].n_bits; i++)
        confab_fec_bits_set (&info.protected[0].mask, cases[c].bits[i]);
      check_flexfec (&info, cases[c].format, expect);
      if (cases[c].no_fixed_rows)
        g_assert_cmpint (confab_flexfec_choose_format (&info, CONFAB_FLEXFEC_FORMAT_FIXED_ROW), ==,
                         CONFAB_FLEXFEC_FORMAT_FLEXIBLE);
    }
}

static void
test_flexfec_hostile (void)
{
  gsize len;
  g_autofree guint8 *pkt = g_bytes_unref_to_data (fec_test_hex (FLEX_FIXED_HEX "0403 aa"), &len);
  ConfabRtpView v;
  ConfabFecRepairInfo info;

  g_assert_cmpint (confab_rtp_view_parse (&v, pkt, len), ==, CONFAB_FEC_OK);
  pkt[16] = 0xc5; /* R=1 F=1: invalid */
  g_assert_cmpint (confab_flexfec_parse (&v, &info), ==, CONFAB_FEC_ERR_MALFORMED);
  pkt[16] = 0x85; /* R=1: retransmission format */
  g_assert_cmpint (confab_flexfec_parse (&v, &info), ==, CONFAB_FEC_ERR_UNSUPPORTED);
  pkt[16] = 0x45;
  pkt[26] = 0; /* L=0 reserved */
  g_assert_cmpint (confab_flexfec_parse (&v, &info), ==, CONFAB_FEC_ERR_MALFORMED);
  pkt[26] = 200;
  pkt[27] = 200; /* a column far wider than any window */
  g_assert_cmpint (confab_flexfec_parse (&v, &info), ==, CONFAB_FEC_ERR_UNSUPPORTED);
  /* no CSRC: protects nothing */
  pkt[0] = 0x80;
  g_assert_cmpint (confab_rtp_view_parse (&v, pkt, len), ==, CONFAB_FEC_OK);
  g_assert_cmpint (confab_flexfec_parse (&v, &info), ==, CONFAB_FEC_ERR_MALFORMED);
  /* CC=15 CSRCs but only... enough bytes for the RTP header, too many protected streams */
  {
    guint8 big[12 + 60 + 8] = { 0x8f, 0x6e };

    g_assert_cmpint (confab_rtp_view_parse (&v, big, sizeof big), ==, CONFAB_FEC_OK);
    g_assert_cmpint (confab_flexfec_parse (&v, &info), ==, CONFAB_FEC_ERR_UNSUPPORTED);
  }
}

static void
test_red_layout (void)
{
  /* F=1 PT=96, timestamp offset 0x123, block length 2; final block header PT=97. */
  static const guint8 red[] = { 0xe0, 0x04, 0x8c, 0x02, 0x61, 0x11, 0x22, 0x33, 0x44, 0x55 };
  ConfabRedBlock blocks[4];
  guint n = 0;

  g_assert_cmpint (confab_red_parse (red, sizeof red, blocks, 4, &n), ==, CONFAB_FEC_OK);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (blocks[0].payload_type, ==, 96);
  g_assert_cmpuint (blocks[0].ts_offset, ==, 0x123);
  g_assert_cmpmem (blocks[0].data, blocks[0].len, red + 5, 2);
  g_assert_cmpuint (blocks[1].payload_type, ==, 97);
  g_assert_cmpmem (blocks[1].data, blocks[1].len, red + 7, 3);
  for (gsize i = 0; i < 5; i++)
    g_assert_cmpint (confab_red_parse (red, i, blocks, 4, &n), !=, CONFAB_FEC_OK);
  /* block length past the end */
  {
    guint8 bad[sizeof red];

    memcpy (bad, red, sizeof bad);
    bad[3] = 0x20;
    g_assert_cmpint (confab_red_parse (bad, sizeof bad, blocks, 4, &n), ==,
                     CONFAB_FEC_ERR_TRUNCATED);
  }
  g_assert_cmpint (confab_red_parse (red, sizeof red, blocks, 1, &n), ==,
                   CONFAB_FEC_ERR_UNSUPPORTED);
}

static void
test_red_roundtrip (void)
{
  guint8 red[64], back[64];
  gsize red_len = 0, back_len = 0;
  ConfabRtpView v;

  g_assert_cmpint (
      confab_red_encapsulate (rtp_full, sizeof rtp_full, 116, red, sizeof red, &red_len), ==,
      CONFAB_FEC_OK);
  g_assert_cmpuint (red_len, ==, sizeof rtp_full + 1);
  g_assert_cmpint (confab_rtp_view_parse (&v, red, red_len), ==, CONFAB_FEC_OK);
  g_assert_cmpuint (v.payload_type, ==, 116);
  g_assert_true (v.marker);
  g_assert_cmpuint (v.payload[0], ==, 111);
  g_assert_cmpint (confab_red_decapsulate (red, red_len, back, sizeof back, &back_len), ==,
                   CONFAB_FEC_OK);
  g_assert_cmpmem (back, back_len, rtp_full, sizeof rtp_full);
}

static void
test_parity_roundtrip (void)
{
  /* XOR of two packets of different lengths, then recovering one from the other. */
  static const guint8 payload_a[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  ConfabRtpHeader ha = { .payload_type = 96, .seq = 7, .timestamp = 1000, .ssrc = 5 };
  g_autoptr (GBytes) a = confab_rtp_packet_new (&ha, payload_a, sizeof payload_a);
  ConfabFecParity *p = g_new (ConfabFecParity, 1);
  guint8 out[64];
  gsize len = 0;
  gsize a_len;
  const guint8 *a_data = g_bytes_get_data (a, &a_len);

  confab_fec_parity_reset (p);
  confab_fec_parity_add (p, rtp_full, sizeof rtp_full);
  confab_fec_parity_add (p, a_data, a_len);
  confab_fec_parity_add (p, rtp_full, sizeof rtp_full);
  g_assert_cmpint (confab_fec_parity_to_packet (p, 7, 5, out, sizeof out, &len), ==, CONFAB_FEC_OK);
  g_assert_cmpmem (out, len, a_data, a_len);
  g_free (p);
}

/* RFC 7741 payload descriptors, by hand: what the FEC encoder protects more. */
/* confab_fec_xor_many against byte-by-byte XOR with zero extension, over lengths that hit
 * every loop of every clone (the 128-byte body, the 8/16-byte and byte tails, short and long
 * sources), including more sources than one pass of the encoder ever gives. */
static void
test_xor_many (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (5);
  enum
  {
    MAX_N = 40,
    MAX_LEN = 700
  };
  guint8 *bufs[MAX_N];
  const guint8 *srcs[MAX_N];
  gsize lens[MAX_N];
  guint8 want[MAX_LEN + 8], got[MAX_LEN + 8];

  for (guint j = 0; j < MAX_N; j++)
    {
      bufs[j] = g_malloc (MAX_LEN + 1); /* + 1: sources at odd addresses too */
      for (guint i = 0; i <= MAX_LEN; i++)
        bufs[j][i] = (guint8) g_rand_int (rand);
    }
  for (guint round = 0; round < 400; round++)
    {
      guint n = (guint) g_rand_int_range (rand, 0, MAX_N + 1);
      gsize dst_len = (gsize) g_rand_int_range (rand, 0, MAX_LEN + 1);

      memset (want, 0, sizeof want);
      for (guint j = 0; j < n; j++)
        {
          srcs[j] = bufs[j] + (round & 1);
          lens[j] = (gsize) g_rand_int_range (rand, 0, MAX_LEN);
          for (gsize i = 0; i < MIN (lens[j], dst_len); i++)
            want[i] ^= srcs[j][i];
        }
      memset (got, 0xa5, sizeof got);
      confab_fec_xor_many (got + (round & 3), dst_len, srcs, lens, n);
      g_assert_cmpmem (got + (round & 3), dst_len, want, dst_len);
      /* Nothing written past dst_len. */
      g_assert_cmpuint (got[(round & 3) + dst_len], ==, 0xa5);
    }
  for (guint j = 0; j < MAX_N; j++)
    g_free (bufs[j]);
}

/* The no-allocation API: repair packets read from the encoder's buffers and recovered packets
 * from the decoder's are the same bytes as their GBytes copies, and stay valid until the
 * next call. */
static void
test_buffer_api (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  ConfabFecEncoderConfig ec;
  g_autoptr (ConfabFecEncoder) enc = NULL;
  g_autoptr (ConfabFecDecoder) dec = fec_test_decoder_new (110, 0x77, -1, -1);
  GBytes *media[8];
  GPtrArray *repairs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  const guint8 *r;
  gsize len;
  guint recovered = 0;

  confab_fec_encoder_config_init (&ec);
  ec.payload_type = 110;
  ec.repair_ssrc = 0x77;
  ec.overhead_percent = 50;
  enc = confab_fec_encoder_new (&ec, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (media); i++)
    {
      gsize mlen;
      const guint8 *m;

      media[i] = fec_test_media_packet (rand, 0x1234, (guint16) (65530 + i), 90000,
                                        i == G_N_ELEMENTS (media) - 1, 100 + 37 * i);
      m = g_bytes_get_data (media[i], &mlen);
      g_assert_cmpint (confab_fec_encoder_add_media (enc, m, mlen, FALSE), ==, CONFAB_FEC_OK);
    }
  while ((r = confab_fec_encoder_next_repair (enc, &len)) != NULL)
    g_ptr_array_add (repairs, g_bytes_new (r, len));
  g_assert_null (confab_fec_encoder_next_repair (enc, &len));
  g_assert_cmpuint (len, ==, 0);
  g_assert_cmpuint (repairs->len, ==, 4);

  /* Lose media 2 and 5; the repair packets bring them back, bit-exact. */
  for (guint i = 0; i < G_N_ELEMENTS (media); i++)
    if (i != 2 && i != 5)
      {
        gsize mlen;
        const guint8 *m = g_bytes_get_data (media[i], &mlen);

        g_assert_cmpint (confab_fec_decoder_push (dec, m, mlen, NULL), ==, CONFAB_FEC_PACKET_MEDIA);
      }
  for (guint i = 0; i < repairs->len; i++)
    {
      gsize plen;
      const guint8 *p = g_bytes_get_data (g_ptr_array_index (repairs, i), &plen);

      confab_fec_decoder_push (dec, p, plen, NULL);
      while ((r = confab_fec_decoder_next_recovered (dec, &len)) != NULL)
        {
          ConfabRtpView v;
          guint idx;

          g_assert_cmpint (confab_rtp_view_parse (&v, r, len), ==, CONFAB_FEC_OK);
          idx = (guint16) (v.seq - 65530);
          g_assert_true (idx == 2 || idx == 5);
          g_assert_cmpmem (r, len, g_bytes_get_data (media[idx], NULL),
                           g_bytes_get_size (media[idx]));
          recovered++;
        }
    }
  g_assert_cmpuint (recovered, ==, 2);
  for (guint i = 0; i < G_N_ELEMENTS (media); i++)
    g_bytes_unref (media[i]);
  g_ptr_array_unref (repairs);
}

static void
test_vp8_key_frame (void)
{
  /* S=1 PID=0, no extension; payload header P=0: key frame. */
  static const guint8 key[] = { 0x10, 0x00 };
  /* Same, P=1: delta frame. */
  static const guint8 delta[] = { 0x10, 0x01 };
  /* X=1 with I (15-bit picture ID) and L: the payload header is at offset 5. */
  static const guint8 ext_key[] = { 0x90, 0xc0, 0x80, 0x12, 0x07, 0x00 };
  static const guint8 ext_delta[] = { 0x90, 0xc0, 0x80, 0x12, 0x07, 0x01 };
  /* Not the start of partition 0 (S=0). */
  static const guint8 middle[] = { 0x00, 0x00 };

  g_assert_true (confab_vp8_payload_starts_key_frame (key, sizeof key));
  g_assert_false (confab_vp8_payload_starts_key_frame (delta, sizeof delta));
  g_assert_true (confab_vp8_payload_starts_key_frame (ext_key, sizeof ext_key));
  g_assert_false (confab_vp8_payload_starts_key_frame (ext_delta, sizeof ext_delta));
  g_assert_false (confab_vp8_payload_starts_key_frame (middle, sizeof middle));
  /* Truncated inside the descriptor: never a read past the end. */
  for (gsize n = 0; n < sizeof ext_key; n++)
    g_assert_false (confab_vp8_payload_starts_key_frame (ext_key, n));
}

/* RTCP compounds come from the network: every cut and every bad length is refused, and the
 * walker never reads past the end. */
static void
test_rtcp_compound (void)
{
  /* An RR with one report block (8 + 24 bytes), then an SDES with one empty chunk. */
  guint8 compound[44] = { 0x81, 201, 0x00, 0x07 };
  ConfabRtcpView packet;
  gsize offset = 0;

  compound[32] = 0x81;
  compound[33] = 202;
  compound[35] = 0x02;
  g_assert_true (confab_rtcp_compound_is_valid (compound, sizeof compound));
  g_assert_true (confab_rtcp_compound_next (compound, sizeof compound, &offset, &packet));
  g_assert_cmpuint (packet.type, ==, 201);
  g_assert_cmpuint (packet.count, ==, 1);
  g_assert_cmpuint (packet.len, ==, 32);
  g_assert_true (confab_rtcp_compound_next (compound, sizeof compound, &offset, &packet));
  g_assert_cmpuint (packet.type, ==, 202);
  g_assert_cmpuint (packet.len, ==, 12);
  g_assert_false (confab_rtcp_compound_next (compound, sizeof compound, &offset, &packet));
  g_assert_cmpuint (offset, ==, sizeof compound);

  /* Cut anywhere but between the two packets (the RR alone is a valid compound). */
  for (gsize cut = 0; cut < sizeof compound; cut++)
    g_assert_true (confab_rtcp_compound_is_valid (compound, cut) == (cut == 32));
  compound[35] = 0x03; /* the SDES claims more than is there */
  g_assert_false (confab_rtcp_compound_is_valid (compound, sizeof compound));
  compound[35] = 0x02;
  compound[0] = 0x41; /* version 1 */
  g_assert_false (confab_rtcp_compound_is_valid (compound, sizeof compound));
  compound[0] = 0x81;
  compound[1] = 96; /* an RTP payload type, not RTCP */
  g_assert_false (confab_rtcp_compound_is_valid (compound, sizeof compound));
  g_assert_false (confab_rtcp_compound_is_valid (NULL, 0));
}

static void
test_random_ssrc (void)
{
  guint32 avoid[64];

  for (guint i = 0; i < 1000; i++)
    g_assert_cmpuint (confab_rtp_random_ssrc (NULL, 0), !=, 0);
  /* With the generator seeded, the next SSRCs are known: avoiding them must skip them. */
  for (guint i = 0; i < G_N_ELEMENTS (avoid); i++)
    {
      g_random_set_seed (7);
      avoid[i] = confab_rtp_random_ssrc (avoid, i);
      g_assert_cmpuint (avoid[i], !=, 0);
      for (guint j = 0; j < i; j++)
        g_assert_cmpuint (avoid[i], !=, avoid[j]);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/confab/fec/rtp/parse", test_rtp_parse);
  g_test_add_func ("/confab/fec/xor/many", test_xor_many);
  g_test_add_func ("/confab/fec/stream/buffer-api", test_buffer_api);
  g_test_add_func ("/confab/fec/rtp/write", test_rtp_write);
  g_test_add_func ("/confab/fec/rtp/hostile", test_rtp_hostile);
  g_test_add_func ("/confab/fec/ulpfec/layout", test_ulpfec_layout);
  g_test_add_func ("/confab/fec/ulpfec/hostile", test_ulpfec_hostile);
  g_test_add_func ("/confab/fec/flexfec/layout", test_flexfec_layout);
  g_test_add_func ("/confab/fec/flexfec/hostile", test_flexfec_hostile);
  g_test_add_func ("/confab/fec/red/layout", test_red_layout);
  g_test_add_func ("/confab/fec/red/roundtrip", test_red_roundtrip);
  g_test_add_func ("/confab/fec/parity/roundtrip", test_parity_roundtrip);
  g_test_add_func ("/confab/fec/vp8/key-frame", test_vp8_key_frame);
  g_test_add_func ("/confab/fec/rtcp/compound", test_rtcp_compound);
  g_test_add_func ("/confab/fec/rtp/random-ssrc", test_random_ssrc);
  return g_test_run ();
}
