/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Masks, exhaustively: for every generated mask up to k = 12 (and m up to 12), every erasure
 * pattern of the media packets is pushed through the real decoder. What the mask can solve
 * (maximum-likelihood, checked against brute force) must come back bit-exact, and what it
 * cannot must be reported unrecovered. */
#include <string.h>

#include "confab-fec-decoder.h"
#include "confab-fec-mask.h"
#include "confab-fec-parity.h"
#include "confab-flexfec.h"
#include "confab-ulpfec.h"
#include "fec-test-util.h"

#define MEDIA_SSRC 0x1234abcdu
#define REPAIR_SSRC 0x0badf00du
#define FLEX_PT 110
#define ULP_PT 97
#define MAX_K 12
#define MAX_M 12

/* A k x m mask with no empty row, nothing past k, and every packet protected (so any single
 * loss is recoverable). */
static void
assert_mask_shape (const ConfabFecMask *mask, guint k, guint m)
{
  ConfabFecBits all = { { 0 } };

  g_assert_cmpuint (mask->k, ==, k);
  g_assert_cmpuint (mask->m, ==, m);
  for (guint r = 0; r < m; r++)
    {
      g_assert_false (confab_fec_bits_is_empty (&mask->rows[r]));
      g_assert_cmpuint (confab_fec_bits_span (&mask->rows[r]), <=, k);
      all.w[0] |= mask->rows[r].w[0];
    }
  g_assert_cmpuint (confab_fec_bits_count (&all), ==, k);
}

static void
test_mask_shape (void)
{
  for (ConfabFecMaskFamily f = CONFAB_FEC_MASK_RANDOM; f <= CONFAB_FEC_MASK_BURSTY; f++)
    for (guint k = 1; k <= 24; k++)
      for (guint m = 1; m <= MIN (k, 12u); m++)
        {
          ConfabFecMask mask;

          g_assert_true (confab_fec_mask_generate (f, k, m, &mask));
          assert_mask_shape (&mask, k, m);
          if (f == CONFAB_FEC_MASK_BURSTY)
            g_assert_true (confab_fec_mask_recovers_bursts (&mask, m));
        }
  g_assert_false (confab_fec_mask_generate (CONFAB_FEC_MASK_RANDOM, 0, 1, &(ConfabFecMask){ 0 }));
  g_assert_false (confab_fec_mask_generate (CONFAB_FEC_MASK_RANDOM, 49, 1, &(ConfabFecMask){ 0 }));
  g_assert_false (confab_fec_mask_generate (CONFAB_FEC_MASK_ROWS, 4, 1, &(ConfabFecMask){ 0 }));
}

/* Residual media loss of @mask under independent loss @p, over @n seeded patterns: the same
 * patterns for every mask of the same (k, m). */
static double
mc_residual (const ConfabFecMask *mask, double p, guint n)
{
  GRand *rand = g_rand_new_with_seed (mask->k * 100 + mask->m);
  guint64 unrec = 0;

  for (guint i = 0; i < n; i++)
    {
      guint64 lost = 0, rows = 0;

      for (guint b = 0; b < mask->k; b++)
        if (g_rand_double (rand) < p)
          lost |= G_GUINT64_CONSTANT (1) << b;
      for (guint r = 0; r < mask->m; r++)
        if (g_rand_double (rand) < p)
          rows |= G_GUINT64_CONSTANT (1) << r;
      unrec
          += (guint) __builtin_popcountll (lost & ~confab_fec_mask_recoverable (mask, lost, rows));
    }
  g_rand_free (rand);
  return (double) unrec / ((double) n * mask->k);
}

/* The searched family: well formed for every (k, m); the random family's masks where the
 * table stops; and on long blocks fewer losses left than the random masks. */
static void
test_mask_searched (void)
{
  static const guint sizes[][2] = { { 16, 4 }, { 32, 8 }, { 48, 12 } };

  for (guint k = 1; k <= 48; k++)
    for (guint m = 1; m <= MIN (k, 30u); m++)
      {
        ConfabFecMask mask, random;

        g_assert_true (confab_fec_mask_generate (CONFAB_FEC_MASK_SEARCHED, k, m, &mask));
        assert_mask_shape (&mask, k, m);
        if (k <= 12 || m == 1 || m > 26)
          {
            g_assert_true (confab_fec_mask_generate (CONFAB_FEC_MASK_RANDOM, k, m, &random));
            g_assert_cmpmem (mask.rows, sizeof mask.rows, random.rows, sizeof random.rows);
          }
      }
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      ConfabFecMask searched, random;
      double rs, rr;

      confab_fec_mask_generate (CONFAB_FEC_MASK_SEARCHED, sizes[i][0], sizes[i][1], &searched);
      confab_fec_mask_generate (CONFAB_FEC_MASK_RANDOM, sizes[i][0], sizes[i][1], &random);
      rs = mc_residual (&searched, 0.1, 40000);
      rr = mc_residual (&random, 0.1, 40000);
      g_test_message ("k=%u m=%u at 10%% loss: searched %.3f%%, random %.3f%%", sizes[i][0],
                      sizes[i][1], rs * 100, rr * 100);
      g_assert_cmpfloat (rs, <, rr);
    }
}

static void
test_mask_fixed (void)
{
  ConfabFecMask mask;

  /* 10 packets in rows of 4: rows {0-3} {4-7} {8,9}; columns {0,4,8} {1,5,9} {2,6} {3,7} */
  g_assert_true (confab_fec_mask_fixed (CONFAB_FEC_MASK_2D, 10, 4, &mask));
  g_assert_cmpuint (mask.m, ==, 7);
  g_assert_cmphex (mask.rows[0].w[0], ==, 0x00f);
  g_assert_cmphex (mask.rows[1].w[0], ==, 0x0f0);
  g_assert_cmphex (mask.rows[2].w[0], ==, 0x300);
  g_assert_cmphex (mask.rows[3].w[0], ==, 0x111);
  g_assert_cmphex (mask.rows[4].w[0], ==, 0x222);
  g_assert_cmphex (mask.rows[5].w[0], ==, 0x044);
  g_assert_cmphex (mask.rows[6].w[0], ==, 0x088);
  g_assert_true (confab_fec_mask_fixed (CONFAB_FEC_MASK_COLUMNS, 10, 4, &mask));
  g_assert_cmpuint (mask.m, ==, 4);
  /* a column code recovers any burst up to L */
  g_assert_true (confab_fec_mask_recovers_bursts (&mask, 4));
  g_assert_true (confab_fec_mask_fixed (CONFAB_FEC_MASK_ROWS, 10, 4, &mask));
  g_assert_cmpuint (mask.m, ==, 3);
  g_assert_false (confab_fec_mask_fixed (CONFAB_FEC_MASK_ROWS, 100, 1, &mask));
}

/* Independent oracle: packet j is recoverable iff some subset of received rows XORs, on
 * the lost columns, to exactly {j}. */
static guint64
brute_force_recoverable (const ConfabFecMask *mask, guint64 lost, guint64 lost_rows)
{
  guint64 result = 0;

  for (guint64 sub = 1; sub < (G_GUINT64_CONSTANT (1) << mask->m); sub++)
    {
      guint64 x = 0;

      if (sub & lost_rows)
        continue;
      for (guint r = 0; r < mask->m; r++)
        if (sub & (G_GUINT64_CONSTANT (1) << r))
          x ^= mask->rows[r].w[0];
      x &= lost;
      if (x && (x & (x - 1)) == 0)
        result |= x;
    }
  return result;
}

static void
test_mask_oracle (void)
{
  GRand *rand = g_rand_new_with_seed (7);

  for (ConfabFecMaskFamily f = CONFAB_FEC_MASK_RANDOM; f <= CONFAB_FEC_MASK_BURSTY; f++)
    for (guint k = 1; k <= MAX_K; k++)
      for (guint m = 1; m <= 7; m++)
        {
          ConfabFecMask mask;

          g_assert_true (confab_fec_mask_generate (f, k, m, &mask));
          for (guint i = 0; i < 200; i++)
            {
              guint64 lost = g_rand_int (rand) & ((1u << k) - 1);
              guint64 lost_rows = g_rand_int (rand) & ((1u << m) - 1) & g_rand_int (rand);

              g_assert_cmphex (confab_fec_mask_recoverable (&mask, lost, lost_rows), ==,
                               brute_force_recoverable (&mask, lost, lost_rows));
            }
        }
  g_rand_free (rand);
}

typedef struct
{
  ConfabFecDecoder *dec;
  GBytes *media[MAX_K + 1]; /* [0] is the sentinel before the block */
  GBytes *repair[CONFAB_FEC_MAX_ROWS];
  guint16 base;
} Block;

static void
block_build (Block *b, GRand *rand, const ConfabFecMask *mask, ConfabFecScheme scheme, guint16 base)
{
  ConfabFecParity *parity = g_new (ConfabFecParity, 1);

  b->base = base;
  for (guint j = 0; j <= mask->k; j++)
    b->media[j] = fec_test_media_packet (rand, MEDIA_SSRC, (guint16) (base + j - 1), 9000 + j,
                                         j == mask->k, 40);
  for (guint r = 0; r < mask->m; r++)
    {
      ConfabFecRepairInfo info = { 0 };

      confab_fec_parity_reset (parity);
      for (guint j = 0; j < mask->k; j++)
        if (confab_fec_bits_get (&mask->rows[r], j))
          {
            gsize len;
            const guint8 *d = g_bytes_get_data (b->media[j + 1], &len);

            confab_fec_parity_add (parity, d, len);
          }
      confab_fec_repair_info_set_parity (&info, parity);
      info.n_protected = 1;
      info.protected[0].ssrc = MEDIA_SSRC;
      info.protected[0].sn_base = base;
      info.protected[0].mask = mask->rows[r];
      if (scheme == CONFAB_FEC_SCHEME_ULPFEC)
        b->repair[r] = confab_ulpfec_packet_new (&info, ULP_PT, -1, (guint16) (100 + r), 9000);
      else
        b->repair[r] = confab_flexfec_packet_new (&info, CONFAB_FLEXFEC_FORMAT_FLEXIBLE, FLEX_PT,
                                                  REPAIR_SSRC, (guint16) (100 + r), 9000);
      g_assert_nonnull (b->repair[r]);
    }
  g_free (parity);
}

static void
block_clear (Block *b, const ConfabFecMask *mask)
{
  for (guint j = 0; j <= mask->k; j++)
    g_bytes_unref (b->media[j]);
  for (guint r = 0; r < mask->m; r++)
    g_bytes_unref (b->repair[r]);
}

static void
push_bytes (ConfabFecDecoder *dec, GBytes *b, ConfabFecPacketKind expect)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (b, &len);

  g_assert_cmpint (confab_fec_decoder_push (dec, d, len, NULL), ==, expect);
}

static void
collect (Block *b, const ConfabFecMask *mask, guint64 lost, guint64 *got)
{
  GBytes *rec;

  while ((rec = confab_fec_decoder_pop_recovered (b->dec)) != NULL)
    {
      gsize len, olen;
      const guint8 *d = g_bytes_get_data (rec, &len);
      const guint8 *o;
      ConfabRtpView v;
      guint j;

      g_assert_cmpint (confab_rtp_view_parse (&v, d, len), ==, CONFAB_FEC_OK);
      j = (guint16) (v.seq - b->base);
      g_assert_cmpuint (j, <, mask->k);
      g_assert_false (*got & (G_GUINT64_CONSTANT (1) << j));
      *got |= G_GUINT64_CONSTANT (1) << j;
      o = g_bytes_get_data (b->media[j + 1], &olen);
      g_assert_cmpmem (d, len, o, olen);
      g_bytes_unref (rec);
    }
}

/* Runs one erasure pattern through a fresh decoder state. */
static void
run_pattern (Block *b, const ConfabFecMask *mask, guint64 lost, guint64 lost_rows,
             gboolean repair_first)
{
  ConfabFecDecoderStats before, after;
  guint64 expect = confab_fec_mask_recoverable (mask, lost, lost_rows);
  guint64 got = 0, got_all;

  confab_fec_decoder_get_stats (b->dec, &before);
  /* The sentinel makes the SSRC known even when the whole block is lost. */
  push_bytes (b->dec, b->media[0], CONFAB_FEC_PACKET_MEDIA);
  if (repair_first)
    for (guint r = 0; r < mask->m; r++)
      if (!(lost_rows & (G_GUINT64_CONSTANT (1) << r)))
        {
          push_bytes (b->dec, b->repair[r], CONFAB_FEC_PACKET_REPAIR);
          collect (b, mask, ~G_GUINT64_CONSTANT (0), &got);
        }
  for (guint j = 0; j < mask->k; j++)
    if (!(lost & (G_GUINT64_CONSTANT (1) << j)))
      {
        /* Only packets recovered before they arrived come back as duplicates. */
        push_bytes (b->dec, b->media[j + 1],
                    (got & (G_GUINT64_CONSTANT (1) << j)) ? CONFAB_FEC_PACKET_DUPLICATE
                                                          : CONFAB_FEC_PACKET_MEDIA);
        collect (b, mask, ~G_GUINT64_CONSTANT (0), &got);
      }
  if (!repair_first)
    for (guint r = 0; r < mask->m; r++)
      if (!(lost_rows & (G_GUINT64_CONSTANT (1) << r)))
        {
          push_bytes (b->dec, b->repair[r], CONFAB_FEC_PACKET_REPAIR);
          collect (b, mask, ~G_GUINT64_CONSTANT (0), &got);
        }
  /* Judge only what was really lost: with repair packets first, a packet not yet arrived
   * is rebuilt early, and then arrives as a duplicate. */
  got_all = got;
  got &= lost;
  if (got != expect)
    g_error ("k=%u m=%u lost=%" G_GINT64_MODIFIER "x rows lost=%" G_GINT64_MODIFIER
             "x: recovered %" G_GINT64_MODIFIER "x, expected %" G_GINT64_MODIFIER "x",
             mask->k, mask->m, lost, lost_rows, got, expect);
  confab_fec_decoder_drain (b->dec);
  confab_fec_decoder_get_stats (b->dec, &after);
  g_assert_cmpuint (after.recovered - before.recovered, ==, __builtin_popcountll (got_all));
  /* Sequence numbers are contiguous, so every lost packet up to the highest one the decoder
   * has seen (received, recovered, or named by a received repair packet) is known lost; the
   * rest may be invisible (lost at the end of the block with all their repair packets). */
  {
    guint64 seen = (~lost | got) & ((G_GUINT64_CONSTANT (1) << mask->k) - 1);
    guint64 named;

    for (guint r = 0; r < mask->m; r++)
      if (!(lost_rows & (G_GUINT64_CONSTANT (1) << r)))
        seen |= mask->rows[r].w[0];
    named = seen ? (G_GUINT64_CONSTANT (1) << (64 - __builtin_clzll (seen))) - 1 : 0;
    if (after.unrecovered - before.unrecovered
        != (guint64) __builtin_popcountll (lost & ~expect & named))
      g_error ("k=%u m=%u lost=%" G_GINT64_MODIFIER "x rows lost=%" G_GINT64_MODIFIER
               "x: %" G_GUINT64_FORMAT " unrecovered, expected %d",
               mask->k, mask->m, lost, lost_rows, after.unrecovered - before.unrecovered,
               __builtin_popcountll (lost & ~expect & named));
  }
}

static void
exhaustive (ConfabFecMaskFamily family)
{
  GRand *rand = g_rand_new_with_seed (42 + family);
  Block b = { 0 };
  guint64 patterns = 0;

  b.dec = fec_test_decoder_new (FLEX_PT, 0, ULP_PT, -1);

  for (guint k = 1; k <= MAX_K; k++)
    for (guint m = 1; m <= MAX_M; m++)
      {
        ConfabFecMask mask;
        ConfabFecScheme scheme = (k + m) % 2 ? CONFAB_FEC_SCHEME_ULPFEC : CONFAB_FEC_SCHEME_FLEXFEC;
        /* Alternate blocks straddle the sequence-number wrap. */
        guint16 base = (k + m) % 3 == 0 ? (guint16) (65536 - k / 2 - 1) : (guint16) (1000 * k + m);

        g_assert_true (confab_fec_mask_generate (family, k, m, &mask));
        block_build (&b, rand, &mask, scheme, base);
        for (guint64 lost = 0; lost < (G_GUINT64_CONSTANT (1) << k); lost++)
          {
            run_pattern (&b, &mask, lost, 0, lost % 2);
            patterns++;
          }
        /* Repair losses too: all of them for small blocks, a sample otherwise. */
        if (k + m <= 10)
          {
            for (guint64 lost = 0; lost < (G_GUINT64_CONSTANT (1) << k); lost++)
              for (guint64 lr = 1; lr < (G_GUINT64_CONSTANT (1) << m); lr++)
                {
                  run_pattern (&b, &mask, lost, lr, (lost + lr) % 2);
                  patterns++;
                }
          }
        else
          for (guint i = 0; i < 256; i++)
            {
              guint64 lost = g_rand_int (rand) & ((1u << k) - 1);
              guint64 lr = g_rand_int (rand) & ((1u << m) - 1);

              run_pattern (&b, &mask, lost, lr, i % 2);
              patterns++;
            }
        block_clear (&b, &mask);
      }
  g_test_message ("%" G_GUINT64_FORMAT " erasure patterns checked", patterns);
  confab_fec_decoder_free (b.dec);
  g_rand_free (rand);
}

static void
test_exhaustive_random (void)
{
  exhaustive (CONFAB_FEC_MASK_RANDOM);
}

static void
test_exhaustive_bursty (void)
{
  exhaustive (CONFAB_FEC_MASK_BURSTY);
}

static void
test_exhaustive_fixed (void)
{
  GRand *rand = g_rand_new_with_seed (99);
  Block b = { 0 };

  b.dec = fec_test_decoder_new (FLEX_PT, 0, ULP_PT, -1);
  for (ConfabFecMaskFamily f = CONFAB_FEC_MASK_ROWS; f <= CONFAB_FEC_MASK_2D; f++)
    for (guint k = 1; k <= MAX_K; k++)
      for (guint l = 1; l <= MIN (k, 5u); l++)
        {
          ConfabFecMask mask;

          if (!confab_fec_mask_fixed (f, k, l, &mask))
            continue;
          block_build (&b, rand, &mask, CONFAB_FEC_SCHEME_FLEXFEC, (guint16) (65530 + k));
          for (guint64 lost = 0; lost < (G_GUINT64_CONSTANT (1) << k); lost++)
            run_pattern (&b, &mask, lost, 0, lost % 2);
          block_clear (&b, &mask);
        }
  confab_fec_decoder_free (b.dec);
  g_rand_free (rand);
}

/* The point of the bursty family, stated directly. */
static void
test_bursty_bursts (void)
{
  for (guint k = 1; k <= 48; k++)
    for (guint m = 1; m <= MIN (k, 16u); m++)
      {
        ConfabFecMask mask;

        g_assert_true (confab_fec_mask_generate (CONFAB_FEC_MASK_BURSTY, k, m, &mask));
        for (guint start = 0; start < k; start++)
          for (guint len = 1; len <= m && start + len <= k; len++)
            {
              guint64 lost = ((G_GUINT64_CONSTANT (1) << len) - 1) << start;

              g_assert_cmphex (confab_fec_mask_recoverable (&mask, lost, 0), ==, lost);
            }
      }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/confab/fec/mask/shape", test_mask_shape);
  g_test_add_func ("/confab/fec/mask/fixed", test_mask_fixed);
  g_test_add_func ("/confab/fec/mask/searched", test_mask_searched);
  g_test_add_func ("/confab/fec/mask/oracle", test_mask_oracle);
  g_test_add_func ("/confab/fec/mask/bursty-bursts", test_bursty_bursts);
  g_test_add_func ("/confab/fec/mask/exhaustive-random", test_exhaustive_random);
  g_test_add_func ("/confab/fec/mask/exhaustive-bursty", test_exhaustive_bursty);
  g_test_add_func ("/confab/fec/mask/exhaustive-fixed", test_exhaustive_fixed);
  return g_test_run ();
}
