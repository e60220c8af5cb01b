/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The decoder against a peer that lies: truncated packets, lengths past the end, masks
 * outside the window, repair packets for unknown SSRCs, floods of repair packets and SSRCs.
 * Everything must be refused cleanly, nothing wrong may come out, memory must stay bounded,
 * and the decoder must still work afterwards. */
#include <string.h>

#include "confab-fec-decoder.h"
#include "confab-fec-parity.h"
#include "confab-flexfec.h"
#include "confab-red.h"
#include "confab-ulpfec.h"
#include "fec-test-util.h"

#define MEDIA_SSRC 0x5eed5eedu
#define REPAIR_SSRC 0xfecfecfeu
#define FLEX_PT 110
#define ULP_PT 97
#define RED_PT 116

static ConfabFecDecoder *
new_decoder (void)
{
  return fec_test_decoder_new (FLEX_PT, 0, ULP_PT, RED_PT);
}

static ConfabFecPacketKind
push (ConfabFecDecoder *dec, GBytes *b, ConfabFecStatus *st)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (b, &len);

  return confab_fec_decoder_push (dec, d, len, st);
}

/* Media packets base .. base+n-1 and a repair packet over all of them. */
typedef struct
{
  GBytes *media[16];
  guint n;
  ConfabFecRepairInfo info;
  ConfabFecParity parity;
} Block;

static Block *
block_new (GRand *rand, guint16 base, guint n)
{
  Block *b = g_new0 (Block, 1);

  b->n = n;
  confab_fec_parity_reset (&b->parity);
  for (guint i = 0; i < n; i++)
    {
      gsize len;
      const guint8 *d;

      b->media[i]
          = fec_test_media_packet (rand, MEDIA_SSRC, (guint16) (base + i), 77, i == n - 1, 300);
      d = g_bytes_get_data (b->media[i], &len);
      confab_fec_parity_add (&b->parity, d, len);
    }
  confab_fec_repair_info_set_parity (&b->info, &b->parity);
  b->info.n_protected = 1;
  b->info.protected[0].ssrc = MEDIA_SSRC;
  b->info.protected[0].sn_base = base;
  for (guint i = 0; i < n; i++)
    confab_fec_bits_set (&b->info.protected[0].mask, i);
  return b;
}

static void
block_free (Block *b)
{
  for (guint i = 0; i < b->n; i++)
    g_bytes_unref (b->media[i]);
  g_free (b);
}

static GBytes *
flex_repair (const ConfabFecRepairInfo *info)
{
  return confab_flexfec_packet_new (info, CONFAB_FLEXFEC_FORMAT_FLEXIBLE, FLEX_PT, REPAIR_SSRC, 1,
                                    77);
}

/* Whatever comes out of the decoder must be one of the block's packets, bit-exact. */
static guint
drain_checked (ConfabFecDecoder *dec, Block *b)
{
  GBytes *rec;
  guint n = 0;

  while ((rec = confab_fec_decoder_pop_recovered (dec)) != NULL)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < b->n && !found; i++)
        found = g_bytes_equal (rec, b->media[i]);
      if (!found)
        {
          ConfabRtpView v;
          gsize len;
          const guint8 *d = g_bytes_get_data (rec, &len);

          confab_rtp_view_parse (&v, d, len);
          g_error ("recovered packet seq %u ssrc %x len %" G_GSIZE_FORMAT " is none of ours", v.seq,
                   v.ssrc, len);
        }
      g_bytes_unref (rec);
      n++;
    }
  return n;
}

/* Sends a FlexFEC repair packet for @info; returns the decoder's verdict. */
static ConfabFecStatus
push_flex_repair (ConfabFecDecoder *dec, const ConfabFecRepairInfo *info)
{
  g_autoptr (GBytes) r = flex_repair (info);
  ConfabFecStatus st;

  g_assert_cmpint (push (dec, r, &st), ==, CONFAB_FEC_PACKET_REPAIR);
  return st;
}

/* @count media packets from @seq on, none of them protected. */
static void
push_unprotected (ConfabFecDecoder *dec, GRand *rand, guint16 seq, guint count)
{
  for (guint i = 0; i < count; i++)
    {
      g_autoptr (GBytes) m
          = fec_test_media_packet (rand, MEDIA_SSRC, (guint16) (seq + i), 1, FALSE, 50);

      push (dec, m, NULL);
    }
}

/* A decoder and one block, from a seed and the block's first sequence number and size. */
typedef struct
{
  guint32 seed;
  guint16 base;
  guint n;
} BlockSpec;

typedef struct
{
  ConfabFecDecoder *dec;
  GRand *rand;
  Block *b;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  const BlockSpec *spec = data;

  f->dec = new_decoder ();
  f->rand = g_rand_new_with_seed (spec->seed);
  f->b = block_new (f->rand, spec->base, spec->n);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  block_free (f->b);
  g_rand_free (f->rand);
  confab_fec_decoder_free (f->dec);
}

static void
test_unknown_ssrc (Fixture *f, gconstpointer data)
{
  ConfabFecDecoder *dec = f->dec;
  Block *b = f->b;
  g_autoptr (GBytes) flex = NULL;
  g_autoptr (GBytes) ulp = NULL;
  ConfabFecStatus st;
  ConfabFecDecoderStats stats;

  /* Nothing known yet: both formats are refused. */
  flex = flex_repair (&b->info);
  ulp = confab_ulpfec_packet_new (&b->info, ULP_PT, -1, 5, 77);
  g_assert_cmpint (push (dec, flex, &st), ==, CONFAB_FEC_PACKET_REPAIR);
  g_assert_cmpint (st, ==, CONFAB_FEC_ERR_UNKNOWN_SSRC);
  g_assert_cmpint (push (dec, ulp, &st), ==, CONFAB_FEC_PACKET_REPAIR);
  g_assert_cmpint (st, ==, CONFAB_FEC_ERR_UNKNOWN_SSRC);
  /* A known stream, but the repair names another SSRC. */
  g_assert_cmpint (push (dec, b->media[0], &st), ==, CONFAB_FEC_PACKET_MEDIA);
  b->info.protected[0].ssrc = MEDIA_SSRC + 1;
  g_clear_pointer (&flex, g_bytes_unref);
  flex = flex_repair (&b->info);
  g_assert_cmpint (push (dec, flex, &st), ==, CONFAB_FEC_PACKET_REPAIR);
  g_assert_cmpint (st, ==, CONFAB_FEC_ERR_UNKNOWN_SSRC);
  confab_fec_decoder_get_stats (dec, &stats);
  g_assert_cmpuint (stats.repair_rejected, ==, 3);
  g_assert_cmpuint (drain_checked (dec, b), ==, 0);
}

static void
test_mask_outside_window (Fixture *f, gconstpointer data)
{
  ConfabFecDecoder *dec = f->dec;
  Block *b = f->b; /* across the wrap */

  for (guint i = 0; i < b->n; i++)
    if (i != 3)
      push (dec, b->media[i], NULL);
  /* far ahead */
  b->info.protected[0].sn_base = (guint16) (65530 + 500);
  g_assert_cmpint (push_flex_repair (dec, &b->info), ==, CONFAB_FEC_ERR_OUT_OF_WINDOW);
  /* far behind the window */
  b->info.protected[0].sn_base = 65530 - 1000;
  g_assert_cmpint (push_flex_repair (dec, &b->info), ==, CONFAB_FEC_ERR_OUT_OF_WINDOW);
  /* a mask whose last bit reaches too far ahead */
  b->info.protected[0].sn_base = (guint16) (65530 + 100);
  confab_fec_bits_set (&b->info.protected[0].mask, 109);
  g_assert_cmpint (push_flex_repair (dec, &b->info), ==, CONFAB_FEC_ERR_OUT_OF_WINDOW);
  confab_fec_bits_clear (&b->info.protected[0].mask, 109);
  /* the honest one still works */
  b->info.protected[0].sn_base = 65530;
  g_assert_cmpint (push_flex_repair (dec, &b->info), ==, CONFAB_FEC_OK);
  g_assert_cmpuint (drain_checked (dec, b), ==, 1);
}

static void
test_truncated (void)
{
  GRand *rand = g_rand_new_with_seed (3);

  for (guint fmt = 0; fmt < 3; fmt++)
    {
      Block *b = block_new (rand, 40000, 5);
      g_autoptr (GBytes) full = NULL;
      gsize len;
      const guint8 *d;

      if (fmt == 0)
        full = flex_repair (&b->info);
      else
        full = confab_ulpfec_packet_new (&b->info, ULP_PT, fmt == 2 ? RED_PT : -1, 9, 77);
      d = g_bytes_get_data (full, &len);
      for (gsize cut = 0; cut <= len; cut++)
        {
          g_autoptr (ConfabFecDecoder) dec = new_decoder ();
          ConfabFecStatus st;

          for (guint i = 0; i < b->n; i++)
            if (i != 2)
              push (dec, b->media[i], NULL);
          /* The lost packet must come back bit-exact or not at all. */
          confab_fec_decoder_push (dec, d, cut, &st);
          drain_checked (dec, b);
        }
      block_free (b);
    }
  g_rand_free (rand);
}

static void
test_lying_lengths (Fixture *f, gconstpointer data)
{
  ConfabFecDecoder *dec = f->dec;
  Block *b = f->b;
  ConfabFecDecoderStats stats;

  push (dec, b->media[0], NULL);
  push (dec, b->media[2], NULL);
  /* Length recovery claiming far more than the repair payload carries. */
  b->info.length ^= 0x4000;
  push_flex_repair (dec, &b->info);
  confab_fec_decoder_get_stats (dec, &stats);
  g_assert_cmpuint (stats.recovery_failed, ==, 1);
  g_assert_cmpuint (stats.recovered, ==, 0);
  g_assert_null (confab_fec_decoder_pop_recovered (dec));
}

static void
test_duplicates_and_late_repair (Fixture *f, gconstpointer data)
{
  ConfabFecDecoder *dec = f->dec;
  Block *b = f->b;
  ConfabFecDecoderStats stats;

  for (guint i = 1; i < b->n; i++)
    {
      g_assert_cmpint (push (dec, b->media[i], NULL), ==, CONFAB_FEC_PACKET_MEDIA);
      g_assert_cmpint (push (dec, b->media[i], NULL), ==, CONFAB_FEC_PACKET_DUPLICATE);
    }
  /* 200 later packets, well inside the 256-packet window */
  push_unprotected (dec, f->rand, 65006, 200);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (push_flex_repair (dec, &b->info), ==, CONFAB_FEC_OK);
  g_assert_cmpuint (drain_checked (dec, b), ==, 1);
  /* the original arrives after all */
  g_assert_cmpint (push (dec, b->media[0], NULL), ==, CONFAB_FEC_PACKET_DUPLICATE);
  confab_fec_decoder_get_stats (dec, &stats);
  g_assert_cmpuint (stats.recovered, ==, 1);
  g_assert_cmpuint (stats.repair_useless, ==, 4);

  /* 300 more: now the block has left the window and its repair packet is refused. */
  push_unprotected (dec, f->rand, 65206, 300);
  g_assert_cmpint (push_flex_repair (dec, &b->info), ==, CONFAB_FEC_ERR_OUT_OF_WINDOW);
}

/* Upper bound on what the default configuration may hold: every slot of every stream full,
 * every repair entry used, the output queue full, and bookkeeping. */
#define MEMORY_BOUND (4u * 256 * (2048 + 64) + 128 * (2048 + 256) + 1024 * 2200 + 256 * 1024)

static void
test_flood (void)
{
  g_autoptr (ConfabFecDecoder) dec = new_decoder ();
  guint32 seed = g_test_rand_int ();
  GRand *rand = g_rand_new_with_seed (seed);
  ConfabFecDecoderStats stats;
  guint16 seq = 1;
  guint n = g_test_thorough () ? 1000000 : 100000;

  g_test_message ("flood seed %u, %u packets", seed, n);
  for (guint i = 0; i < n; i++)
    {
      guint8 pkt[1500];
      guint8 payload[1400];
      ConfabRtpHeader h = { 0 };
      gsize len = 0;
      guint32 kind = g_rand_int_range (rand, 0, 10);

      memset (payload, 0, sizeof payload);
      for (guint j = 0; j < 64; j++)
        payload[j] = (guint8) g_rand_int (rand);
      if (kind == 0)
        {
          /* media, sometimes on a brand-new SSRC (stream churn) */
          h.payload_type = 96;
          h.ssrc = g_rand_int_range (rand, 0, 16) == 0 ? g_rand_int (rand) : MEDIA_SSRC;
          h.seq = seq++;
        }
      else if (kind < 7)
        {
          /* FlexFEC repair naming packets near the window, long masks */
          h.payload_type = FLEX_PT;
          h.ssrc = REPAIR_SSRC;
          h.csrc_count = (guint) g_rand_int_range (rand, 1, 3);
          h.csrcs[0] = MEDIA_SSRC;
          h.csrcs[1] = g_rand_int (rand);
          payload[0] &= 0x3f;
          for (guint s = 0; s < h.csrc_count; s++)
            {
              guint16 base = (guint16) (seq - 200 + g_rand_int_range (rand, 0, 300));

              payload[8 + 14 * s] = base >> 8;
              payload[9 + 14 * s] = base & 0xff;
              payload[10 + 14 * s] &= 0x7f;
              payload[12 + 14 * s] &= 0x7f;
            }
        }
      else if (kind < 9)
        {
          /* ULPFEC on the media SSRC */
          h.payload_type = ULP_PT;
          h.ssrc = MEDIA_SSRC;
          payload[0] &= 0x7f;
          payload[2] = (guint8) ((seq - 40) >> 8);
          payload[3] = (guint8) (seq - 40);
          payload[10] = 0x05;
          payload[11] = 0x00;
        }
      else
        {
          /* RED holding ULPFEC, media or garbage */
          h.payload_type = RED_PT;
          h.ssrc = MEDIA_SSRC;
          h.seq = seq++;
          payload[0] = g_rand_boolean (rand) ? ULP_PT : payload[0];
        }
      g_assert_cmpint (confab_rtp_write (&h, payload, 1400, pkt, sizeof pkt, &len), ==,
                       CONFAB_FEC_OK);
      /* and now and then only a piece of it */
      if (g_rand_int_range (rand, 0, 8) == 0)
        len = (gsize) g_rand_int_range (rand, 0, (gint32) len);
      confab_fec_decoder_push (dec, pkt, len, NULL);
      if (g_rand_boolean (rand))
        g_clear_pointer (&(GBytes *){ confab_fec_decoder_pop_recovered (dec) }, g_bytes_unref);
    }
  confab_fec_decoder_get_stats (dec, &stats);
  g_test_message ("peak memory %" G_GSIZE_FORMAT " bytes (bound %u), %" G_GUINT64_FORMAT
                  " repair packets, %" G_GUINT64_FORMAT " rejected, %" G_GUINT64_FORMAT
                  " eliminations",
                  stats.peak_memory_bytes, MEMORY_BOUND, stats.repair_packets,
                  stats.repair_rejected, stats.eliminations);
  g_assert_cmpuint (stats.peak_memory_bytes, <=, MEMORY_BOUND);

  /* Still works: a fresh block on the same SSRC. */
  {
    Block *b;
    g_autoptr (GBytes) r = NULL;
    GBytes *rec;
    ConfabFecStatus st;

    while ((rec = confab_fec_decoder_pop_recovered (dec)) != NULL)
      g_bytes_unref (rec);
    /* Far enough on that the flood's pending repair packets have left the window: bogus
     * repair packets still waiting would (rightly) be combined with honest ones. */
    b = block_new (rand, (guint16) (seq + 400), 5);
    for (guint i = 0; i < 5; i++)
      if (i != 1)
        push (dec, b->media[i], NULL);
    r = flex_repair (&b->info);
    push (dec, r, &st);
    g_assert_cmpint (st, ==, CONFAB_FEC_OK);
    g_assert_cmpuint (drain_checked (dec, b), ==, 1);
    block_free (b);
  }
  g_rand_free (rand);
}

static void
test_garbage (void)
{
  g_autoptr (ConfabFecDecoder) dec = new_decoder ();
  guint32 seed = g_test_rand_int ();
  GRand *rand = g_rand_new_with_seed (seed);
  static const guint8 pts[] = { FLEX_PT, ULP_PT, RED_PT, 96 };
  ConfabFecDecoderStats stats;

  g_test_message ("garbage seed %u", seed);
  for (guint i = 0; i < 50000; i++)
    {
      guint8 buf[1600];
      gsize len = (gsize) g_rand_int_range (rand, 0, sizeof buf);

      for (gsize j = 0; j < len; j++)
        buf[j] = (guint8) g_rand_int (rand);
      if (len > 2 && g_rand_boolean (rand))
        {
          buf[0] = 0x80 | (buf[0] & 0x3f);
          buf[1] = pts[g_rand_int_range (rand, 0, 4)];
        }
      confab_fec_decoder_push (dec, buf, len, NULL);
      g_clear_pointer (&(GBytes *){ confab_fec_decoder_pop_recovered (dec) }, g_bytes_unref);
    }
  confab_fec_decoder_get_stats (dec, &stats);
  g_assert_cmpuint (stats.peak_memory_bytes, <=, MEMORY_BOUND);
  g_rand_free (rand);
}

/* RTCP muxed on the RTP port (RFC 5761) parses as RTP with PT 72-95 and the marker bit; it
 * must be passed on, not taken for media. */
static void
test_rtcp_mux (void)
{
  g_autoptr (ConfabFecDecoder) dec = new_decoder ();
  /* an RTCP receiver report with one report block */
  static const guint8 rr[] = {
    0x81, 0xc9, 0x00, 0x07, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0, 0, 0, 0,
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0, 0, 0, 0,
  };
  ConfabFecDecoderStats stats;
  ConfabFecStatus st;

  g_assert_cmpint (confab_fec_decoder_push (dec, rr, sizeof rr, &st), ==,
                   CONFAB_FEC_PACKET_NOT_RTP);
  confab_fec_decoder_get_stats (dec, &stats);
  g_assert_cmpuint (stats.media_packets, ==, 0);
}

static void
test_bad_config (void)
{
  ConfabFecDecoderConfig cfg;
  g_autoptr (GError) error = NULL;

  confab_fec_decoder_config_init (&cfg);
  cfg.window = 300; /* not a power of two */
  g_assert_null (confab_fec_decoder_new (&cfg, &error));
  g_assert_error (error, CONFAB_FEC_ERROR, CONFAB_FEC_ERR_INVALID_ARGUMENT);
}

int
main (int argc, char **argv)
{
  static const BlockSpec unknown_ssrc = { 1, 100, 4 };
  static const BlockSpec across_wrap = { 2, 65530, 12 };
  static const BlockSpec lying = { 4, 7, 3 };
  static const BlockSpec late = { 5, 65000, 6 };

  g_test_init (&argc, &argv, NULL);
  g_test_add ("/confab/fec/hostile/unknown-ssrc", Fixture, &unknown_ssrc, fixture_set_up,
              test_unknown_ssrc, fixture_tear_down);
  g_test_add ("/confab/fec/hostile/mask-outside-window", Fixture, &across_wrap, fixture_set_up,
              test_mask_outside_window, fixture_tear_down);
  g_test_add_func ("/confab/fec/hostile/truncated", test_truncated);
  g_test_add ("/confab/fec/hostile/lying-lengths", Fixture, &lying, fixture_set_up,
              test_lying_lengths, fixture_tear_down);
  g_test_add ("/confab/fec/hostile/duplicates-late-repair", Fixture, &late, fixture_set_up,
              test_duplicates_and_late_repair, fixture_tear_down);
  g_test_add_func ("/confab/fec/hostile/flood", test_flood);
  g_test_add_func ("/confab/fec/hostile/garbage", test_garbage);
  g_test_add_func ("/confab/fec/hostile/rtcp-mux", test_rtcp_mux);
  g_test_add_func ("/confab/fec/hostile/bad-config", test_bad_config);
  return g_test_run ();
}
