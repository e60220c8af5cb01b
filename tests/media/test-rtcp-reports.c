/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RTCP report parsing for the call's statistics, on hand-built compound
 * packets: report blocks, the peer's loss from running totals, the round
 * trip from LSR/DLSR. No pipeline. */
#include "config.h"

#include "confab-fec-common.h"
#include "confab-rtcp-reports.h"
#include "confab-rtp-packet.h"

#include <string.h>

#define MS G_TIME_SPAN_MILLISECOND
#define T0 (1000 * G_USEC_PER_SEC)

/* A packet under construction. */
typedef struct
{
  guint8 data[1500];
  gsize len;
} Compound;

static guint8 *
compound_begin (Compound *c, guint8 type, guint count, gsize body_words)
{
  guint8 *p = c->data + c->len;

  p[0] = 0x80 | count;
  p[1] = type;
  confab_write_u16 (p + 2, (guint16) body_words);
  c->len += 4 + 4 * body_words;
  g_assert_cmpuint (c->len, <=, sizeof c->data);
  return p + 4;
}

static void
write_block (guint8 *p, const ConfabReportBlock *b)
{
  confab_write_u32 (p, b->ssrc);
  confab_write_u32 (p + 4, ((guint32) b->lost & 0xffffff) | (0x12u << 24));
  confab_write_u32 (p + 8, b->highest_seq);
  confab_write_u32 (p + 12, 42); /* jitter */
  confab_write_u32 (p + 16, b->lsr);
  confab_write_u32 (p + 20, b->dlsr);
}

/* An SR with @n blocks: sender SSRC, NTP (middle word @ntp_middle), RTP
 * time, counts. */
static void
add_sr (Compound *c, guint32 ntp_middle, const ConfabReportBlock *blocks, guint n)
{
  guint8 *p = compound_begin (c, 200, n, 1 + 5 + 6 * n);

  confab_write_u32 (p, 0xabcdef01);
  confab_write_u16 (p + 4, 0x1234);
  confab_write_u32 (p + 6, ntp_middle);
  confab_write_u16 (p + 10, 0x5678);
  for (guint i = 0; i < n; i++)
    write_block (p + 24 + 24 * i, &blocks[i]);
}

static void
add_rr (Compound *c, const ConfabReportBlock *blocks, guint n)
{
  guint8 *p = compound_begin (c, 201, n, 1 + 6 * n);

  confab_write_u32 (p, 0xabcdef01);
  for (guint i = 0; i < n; i++)
    write_block (p + 4 + 24 * i, &blocks[i]);
}

static void
on_block (const ConfabReportBlock *block, gpointer user_data)
{
  g_array_append_val (user_data, *block);
}

static GArray *
blocks_of (const Compound *c, gsize len)
{
  GArray *blocks = g_array_new (FALSE, FALSE, sizeof (ConfabReportBlock));

  confab_rtcp_foreach_report_block (c->data, len, on_block, blocks);
  return blocks;
}

static void
assert_block (const ConfabReportBlock *got, const ConfabReportBlock *want)
{
  g_assert_cmphex (got->ssrc, ==, want->ssrc);
  g_assert_cmpint (got->lost, ==, want->lost);
  g_assert_cmphex (got->highest_seq, ==, want->highest_seq);
  g_assert_cmphex (got->lsr, ==, want->lsr);
  g_assert_cmphex (got->dlsr, ==, want->dlsr);
}

static void
test_blocks (void)
{
  const ConfabReportBlock blocks[] = {
    { 0x11111111, 5, 0x10020, 0xaaaa0000, 0x8000 },
    { 0x22222222, -3, 0x2ffff, 0, 0 }, /* negative: duplicates */
    { 0x33333333, 0x7fffff, 0x12345678, 0x01020304, 0x05060708 },
  };
  Compound c = { 0 };
  g_autoptr (GArray) got = NULL;

  add_sr (&c, 0x12345678, blocks, 2);
  compound_begin (&c, 202, 1, 3); /* SDES: no blocks */
  add_rr (&c, blocks + 2, 1);
  compound_begin (&c, 206, 1, 2); /* PSFB (a PLI): its FMT is no block count */

  got = blocks_of (&c, c.len);
  g_assert_cmpuint (got->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    assert_block (&g_array_index (got, ConfabReportBlock, i), &blocks[i]);
}

/* Bytes from the network: a count past the packet's length, a packet past
 * the end, garbage after a whole packet. */
static void
test_blocks_hostile (void)
{
  const ConfabReportBlock block = { 0x11111111, 5, 100, 0, 0 };
  Compound c = { 0 };
  g_autoptr (GArray) cut = NULL;
  g_autoptr (GArray) overcount = NULL;
  g_autoptr (GArray) junk = NULL;

  add_rr (&c, &block, 1);
  cut = blocks_of (&c, c.len - 4);
  g_assert_cmpuint (cut->len, ==, 0);

  c.data[0] = 0x80 | 31; /* claims 31 blocks, holds one */
  overcount = blocks_of (&c, c.len);
  g_assert_cmpuint (overcount->len, ==, 1);

  c.data[c.len] = 0x00; /* version 0 */
  junk = blocks_of (&c, c.len + 8);
  g_assert_cmpuint (junk->len, ==, 1);

  confab_rtcp_foreach_report_block (NULL, 0, on_block, NULL);
}

static void
test_rtt (void)
{
  const ConfabReportBlock none = { 1, 0, 0, 0, 0 };
  ConfabSentReports sent = { 0 };
  Compound c = { 0 };
  ConfabReportBlock block = { 1, 0, 0, 0x12345678, 65536 / 2 };
  double rtt = -1;

  /* Our SR at T0, and an RR of ours that must not count. */
  add_sr (&c, 0x12345678, NULL, 0);
  add_rr (&c, &none, 1);
  confab_sent_reports_note (&sent, c.data, c.len, T0);

  /* The peer held it 500 ms and answered; 580 ms after it left: 80 ms. */
  g_assert_true (confab_sent_reports_rtt (&sent, &block, T0 + 580 * MS, &rtt));
  g_assert_cmpfloat_with_epsilon (rtt, 80, 0.01);

  /* DLSR's resolution on loopback: a hair below 0 reads 0. */
  g_assert_true (confab_sent_reports_rtt (&sent, &block, T0 + 500 * MS - 50, &rtt));
  g_assert_cmpfloat (rtt, ==, 0);
  /* More than that is a bogus DLSR. */
  rtt = -1;
  g_assert_false (confab_sent_reports_rtt (&sent, &block, T0 + 400 * MS, &rtt));
  g_assert_cmpfloat (rtt, ==, -1);

  /* LSR 0: the peer has had no SR yet; an LSR we never sent. */
  block.lsr = 0;
  g_assert_false (confab_sent_reports_rtt (&sent, &block, T0 + 580 * MS, &rtt));
  block.lsr = 0x9999;
  g_assert_false (confab_sent_reports_rtt (&sent, &block, T0 + 580 * MS, &rtt));
}

/* The ring keeps the last CONFAB_SENT_REPORTS reports. */
static void
test_rtt_ring (void)
{
  ConfabSentReports sent = { 0 };
  ConfabReportBlock block = { 1, 0, 0, 0, 0 };
  double rtt;

  for (guint i = 1; i <= CONFAB_SENT_REPORTS + 4; i++)
    {
      Compound c = { 0 };

      add_sr (&c, i, NULL, 0);
      confab_sent_reports_note (&sent, c.data, c.len, T0 + i * 100 * MS);
    }

  block.lsr = 4;
  g_assert_false (confab_sent_reports_rtt (&sent, &block, T0 + 10 * G_USEC_PER_SEC, &rtt));
  block.lsr = 5;
  g_assert_true (confab_sent_reports_rtt (&sent, &block, T0 + 510 * MS, &rtt));
  g_assert_cmpfloat_with_epsilon (rtt, 10, 0.01);
}

static void
test_loss (void)
{
  ConfabLossReference reference = { 0 };
  ConfabReportBlock block = { 1, 0, 1000, 0, 0 };
  double fraction = -1;

  /* The first report only starts the window. */
  g_assert_false (confab_loss_reference_update (&reference, &block, T0, &fraction));

  /* Too few packets since: no figure yet. */
  block.highest_seq = 1010;
  block.lost = 5;
  g_assert_false (confab_loss_reference_update (&reference, &block, T0 + 200 * MS, &fraction));
  g_assert_cmpfloat (fraction, ==, -1);

  /* 10 of 100 lost since the reference. */
  block.highest_seq = 1100;
  block.lost = 10;
  g_assert_true (confab_loss_reference_update (&reference, &block, T0 + 500 * MS, &fraction));
  g_assert_cmpfloat_with_epsilon (fraction, 0.1, 1e-9);

  /* After a second the window moves: the figure is from the new start. */
  block.highest_seq = 1200;
  block.lost = 20;
  g_assert_true (confab_loss_reference_update (&reference, &block, T0 + 1000 * MS, &fraction));
  g_assert_cmpfloat_with_epsilon (fraction, 0.1, 1e-9);
  block.highest_seq = 1300;
  block.lost = 20;
  g_assert_true (confab_loss_reference_update (&reference, &block, T0 + 1500 * MS, &fraction));
  g_assert_cmpfloat (fraction, ==, 0);

  /* Duplicates make the total go down: never below 0. */
  block.highest_seq = 1400;
  block.lost = 0;
  g_assert_true (confab_loss_reference_update (&reference, &block, T0 + 1600 * MS, &fraction));
  g_assert_cmpfloat (fraction, ==, 0);

  /* A sequence number going back (a peer's restart) gives no figure. */
  block.highest_seq = 100;
  g_assert_false (confab_loss_reference_update (&reference, &block, T0 + 1700 * MS, &fraction));
}

/* Our hang-up packet is a valid compound packet that names every SSRC
 * and that a reader finds; a BYE cut short or naming another SSRC is not
 * one. */
static void
test_bye (void)
{
  const guint32 ssrcs[] = { 0x11223344, 0xdeadbeef, 0x01020304 };
  guint8 out[64];
  gsize len = confab_rtcp_write_bye (ssrcs, 3, out, sizeof out);

  g_assert_cmpuint (len, ==, 24);
  g_assert_true (confab_rtcp_compound_is_valid (out, len));
  g_assert_cmpuint (out[1], ==, 201);
  g_assert_cmpuint (out[9], ==, 203);
  for (guint i = 0; i < 3; i++)
    g_assert_true (confab_rtcp_has_bye (out, len, ssrcs[i]));
  g_assert_true (confab_rtcp_has_bye (out, len, 0));
  g_assert_false (confab_rtcp_has_bye (out, len, 0x55555555));
  /* A BYE whose SSRC list is cut off by the buffer is not read past it. */
  for (gsize cut = 0; cut < len; cut++)
    g_assert_false (confab_rtcp_has_bye (out, cut, 0x01020304));
  /* An RR alone is no BYE. */
  g_assert_false (confab_rtcp_has_bye (out, 8, 0));
  /* Too small a buffer, no SSRC or too many: nothing written. */
  g_assert_cmpuint (confab_rtcp_write_bye (ssrcs, 3, out, 23), ==, 0);
  g_assert_cmpuint (confab_rtcp_write_bye (ssrcs, 0, out, sizeof out), ==, 0);
}

/* A receiver report, then a REMB of 1.5 Mbit/s (mantissa 187500 = 0x2dc6c,
 * exponent 3) for two SSRCs, as Chromium sends them. */
static void
test_remb (void)
{
  static const guint8 compound[] = {
    0x80, 201,  0,    1,    0x11, 0x11,           0x11, 0x11,             /* empty RR */
    0x8f, 206,  0,    6,    0x11, 0x11,           0x11, 0x11, 0, 0, 0, 0, /* PSFB FMT 15 */
    'R',  'E',  'M',  'B',  2,    (3 << 2) | 0x2, 0xdc, 0x6c, /* 2 SSRCs, 2^3 × 187500 */
    0x22, 0x22, 0x22, 0x22, 0x33, 0x33,           0x33, 0x33,
  };
  guint64 bps = 0;

  g_assert_true (confab_rtcp_find_remb (compound, sizeof compound, &bps));
  g_assert_cmpuint (bps, ==, 1500000);

  /* Cut inside the SSRC list, the length still saying 6: the walker stops. */
  g_assert_false (confab_rtcp_find_remb (compound, sizeof compound - 4, &bps));

  /* A REMB whose count claims more SSRCs than it holds: ignored. */
  guint8 lying[sizeof compound];
  memcpy (lying, compound, sizeof lying);
  lying[24] = 3;
  g_assert_false (confab_rtcp_find_remb (lying, sizeof lying, &bps));

  /* Another application-layer feedback, or a PLI (FMT 1): not a REMB. */
  memcpy (lying, compound, sizeof lying);
  lying[22] = 'X';
  g_assert_false (confab_rtcp_find_remb (lying, sizeof lying, &bps));
  static const guint8 pli[] = { 0x81, 206, 0, 2, 1, 1, 1, 1, 2, 2, 2, 2 };
  g_assert_false (confab_rtcp_find_remb (pli, sizeof pli, &bps));

  /* The largest exponent: no overflow. */
  memcpy (lying, compound, sizeof lying);
  lying[25] = 0xff;
  g_assert_true (confab_rtcp_find_remb (lying, sizeof lying, &bps));
  g_assert_cmpuint (bps, ==, G_MAXUINT64);

  /* Written and read back: exact below 2^18, to the mantissa's 18 bits above. */
  static const guint64 rates[] = { 1, 262143, 262144, 512000, 1500000, 123456789 };
  guint8 out[64];
  guint32 ssrcs[] = { 0x22222222, 0x33333333 };
  for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
    {
      gsize len = confab_rtcp_write_remb (0x11111111, rates[i], ssrcs, 2, out, sizeof out);
      g_assert_cmpuint (len, ==, 36);
      g_assert_true (confab_rtcp_compound_is_valid (out, len));
      g_assert_true (confab_rtcp_find_remb (out, len, &bps));
      g_assert_cmpuint (bps, <=, rates[i]);
      g_assert_cmpuint (bps, >, rates[i] - rates[i] / 100000 - 1);
    }
  gsize len = confab_rtcp_write_remb (0x11111111, 1500000, ssrcs, 2, out, sizeof out);
  g_assert_cmpmem (out + 8, len - 8, compound + 8, sizeof compound - 8);
  g_assert_cmpuint (confab_rtcp_write_remb (1, 1, ssrcs, 0, out, sizeof out), ==, 0);
  g_assert_cmpuint (confab_rtcp_write_remb (1, 1, ssrcs, 2, out, 35), ==, 0);
}

/* NACKs as rtpsession reads them: each FCI entry a lost packet and the 16
 * after it in a bitmask, across the sequence number's wrap. */
static void
test_nack (void)
{
  static const guint16 seqs[] = { 100, 101, 116, 117, 65535, 0, 5, 101 };
  static const guint8 expected[] = {
    0x80, 201,  0,    1,    0x11, 0x11, 0x11, 0x11, /* empty RR */
    0x81, 205,  0,    5,    0x11, 0x11, 0x11, 0x11, /* RTPFB FMT 1, 3 entries */
    0x22, 0x22, 0x22, 0x22,                         /* media SSRC */
    0,    100,  0x80, 0x01,                         /* 100: 101 and 116 */
    0,    117,  0,    0,                            /* 117 alone */
    0xff, 0xff, 0,    0x21,                         /* 65535: 0 and 5 */
  };
  guint8 out[64];
  gsize len;

  len = confab_rtcp_write_nack (0x11111111, 0x22222222, seqs, G_N_ELEMENTS (seqs), out, sizeof out);
  g_assert_cmpmem (out, len, expected, sizeof expected);
  g_assert_true (confab_rtcp_compound_is_valid (out, len));

  /* One packet asked twice: one entry. */
  static const guint16 twice[] = { 7, 7 };
  g_assert_cmpuint (confab_rtcp_write_nack (1, 2, twice, 2, out, sizeof out), ==, 24);
  g_assert_cmpuint (out[11], ==, 3);
  g_assert_cmpuint (out[22] | out[23], ==, 0);

  /* Nothing to ask, too many, or no room for the worst case: nothing written. */
  g_assert_cmpuint (confab_rtcp_write_nack (1, 2, seqs, 0, out, sizeof out), ==, 0);
  g_assert_cmpuint (confab_rtcp_write_nack (1, 2, seqs, CONFAB_RTCP_NACK_MAX + 1, out, sizeof out),
                    ==, 0);
  g_assert_cmpuint (confab_rtcp_write_nack (1, 2, seqs, G_N_ELEMENTS (seqs), out, 8 + 12 + 31), ==,
                    0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/confab/media/rtcp-reports/blocks", test_blocks);
  g_test_add_func ("/confab/media/rtcp-reports/blocks-hostile", test_blocks_hostile);
  g_test_add_func ("/confab/media/rtcp-reports/rtt", test_rtt);
  g_test_add_func ("/confab/media/rtcp-reports/rtt-ring", test_rtt_ring);
  g_test_add_func ("/confab/media/rtcp-reports/loss", test_loss);
  g_test_add_func ("/confab/media/rtcp-reports/bye", test_bye);
  g_test_add_func ("/confab/media/rtcp-reports/nack", test_nack);
  g_test_add_func ("/confab/media/rtcp-reports/remb", test_remb);

  return g_test_run ();
}
