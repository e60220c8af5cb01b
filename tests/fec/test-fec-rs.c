/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Reed-Solomon code: field arithmetic and every vector path against the scalar one,
 * every erasure pattern of up to m packets for small blocks and random ones for large
 * blocks (all must come back, bit-exact), streams through a lossy channel (exactly what an
 * MDS code recovers must come back), and a peer that lies. */
#include <string.h>

#include "confab-fec-rs-decoder.h"
#include "confab-fec-rs-encoder.h"
#include "confab-fec-rs-gf-private.h"
#include "confab-fec-rs.h"
#include "fec-test-util.h"

#define MEDIA_SSRC 0x2468ace0u
#define REPAIR_SSRC 0x13579bdfu
#define RS_PT 112

static guint32
test_seed (void)
{
  const char *env = g_getenv ("CONFAB_FEC_SEED");
  guint32 seed = env ? (guint32) g_ascii_strtoull (env, NULL, 10) : (guint32) g_test_rand_int ();

  g_test_message ("seed %u (CONFAB_FEC_SEED to repeat)", seed);
  return seed;
}

static void
test_gf_field (void)
{
  for (guint a = 1; a < 256; a++)
    {
      g_assert_cmpuint (confab_fec_rs_gf_mul ((guint8) a, confab_fec_rs_gf_inv ((guint8) a)), ==,
                        1);
      g_assert_cmpuint (confab_fec_rs_gf_mul ((guint8) a, 1), ==, a);
      g_assert_cmpuint (confab_fec_rs_gf_mul ((guint8) a, 0), ==, 0);
      for (guint b = 1; b < 256; b += 7)
        g_assert_cmpuint (confab_fec_rs_gf_mul ((guint8) a, (guint8) b), ==,
                          confab_fec_rs_gf_mul ((guint8) b, (guint8) a));
    }
  /* x * x^7 = x^8 = x^4 + x^3 + x^2 + 1 */
  g_assert_cmpuint (confab_fec_rs_gf_mul (2, 0x80), ==, 0x1d);
  /* Every coefficient is nonzero (Cauchy). */
  for (guint j = 0; j < CONFAB_FEC_RS_MAX_M; j++)
    for (guint i = 0; i < CONFAB_FEC_RS_MAX_K; i++)
      g_assert_cmpuint (confab_fec_rs_coef (j, i), !=, 0);
}

static void
test_gf_invert (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (test_seed ());

  for (guint n = 1; n <= 64; n += 9)
    {
      guint8 m[64 * 64], inv[64 * 64];

      /* Any square submatrix of the Cauchy matrix is invertible, and inverts. */
      for (guint trial = 0; trial < 4; trial++)
        {
          guint rows[64], cols[64];

          for (guint i = 0; i < n; i++)
            rows[i] = i, cols[i] = (i * 7 + trial) % 128;
          for (guint i = 0; i < n; i++)
            for (guint j = 0; j < n; j++)
              m[i * n + j] = inv[i * n + j] = confab_fec_rs_coef (rows[i], cols[j]);
          if (n > 1 && trial == 3)
            {
              /* Columns must be distinct for the submatrix to be square Cauchy. */
              for (guint j = 0; j < n; j++)
                cols[j] = j;
              for (guint i = 0; i < n; i++)
                for (guint j = 0; j < n; j++)
                  m[i * n + j] = inv[i * n + j] = confab_fec_rs_coef (rows[i], cols[j]);
            }
          g_assert_true (confab_fec_rs_gf_invert (inv, n));
          for (guint i = 0; i < n; i++)
            for (guint j = 0; j < n; j++)
              {
                guint8 sum = 0;

                for (guint x = 0; x < n; x++)
                  sum ^= confab_fec_rs_gf_mul (m[i * n + x], inv[x * n + j]);
                g_assert_cmpuint (sum, ==, i == j ? 1 : 0);
              }
        }
      (void) rand;
    }
  /* A singular matrix is refused. */
  {
    guint8 s[4] = { 3, 5, 3, 5 };

    g_assert_false (confab_fec_rs_gf_invert (s, 2));
  }
}

/* Each vector path computes what the scalar one does, at every length around the chunk
 * size and with coefficients 0 and 1 among the others. */
static void
test_gf_paths (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (test_seed ());
  guint8 *src[8];
  gsize lens[8];
  guint8 coefs[8];
  guint8 *want = g_aligned_alloc0 (1, 2048, 64);
  guint8 *got = g_aligned_alloc0 (1, 2048, 64);
  guint tested = 0;

  for (guint j = 0; j < 8; j++)
    src[j] = g_aligned_alloc0 (1, 2048, 64);
  for (guint trial = 0; trial < 200; trial++)
    {
      guint n = (guint) g_rand_int_range (rand, 1, 9);
      gsize dst_len = 0;

      for (guint j = 0; j < n; j++)
        {
          lens[j] = (gsize) g_rand_int_range (rand, 0, 2025);
          memset (src[j], 0, 2048);
          for (gsize i = 0; i < lens[j]; i++)
            src[j][i] = (guint8) g_rand_int (rand);
          coefs[j] = (guint8) (trial % 5 == 0 ? j % 2 : g_rand_int (rand));
          dst_len = MAX (dst_len, lens[j]);
        }
      confab_fec_rs_gf_dot_path (CONFAB_FEC_RS_GF_SCALAR, want, dst_len,
                                 (const guint8 *const *) src, lens, coefs, n);
      /* The scalar path against the definition, byte by byte. */
      for (gsize i = 0; i < dst_len; i++)
        {
          guint8 x = 0;

          for (guint j = 0; j < n; j++)
            x ^= i < lens[j] ? confab_fec_rs_gf_mul (coefs[j], src[j][i]) : 0;
          g_assert_cmpuint (want[i], ==, x);
        }
      for (ConfabFecRsGfPath p = CONFAB_FEC_RS_GF_SSSE3; p < CONFAB_FEC_RS_GF_N_PATHS; p++)
        {
          if (!confab_fec_rs_gf_path_supported (p))
            continue;
          memset (got, 0xee, 2048);
          confab_fec_rs_gf_dot_path (p, got, dst_len, (const guint8 *const *) src, lens, coefs, n);
          g_assert_cmpmem (got, confab_fec_rs_gf_round_up (dst_len), want,
                           confab_fec_rs_gf_round_up (dst_len));
          tested++;
        }
    }
  g_test_message ("vector paths checked %u times; best path %d", tested,
                  confab_fec_rs_gf_best_path ());
  for (guint j = 0; j < 8; j++)
    g_aligned_free (src[j]);
  g_aligned_free (want);
  g_aligned_free (got);
}

/* One block: k media packets and the m repair packets the encoder makes for them. */
typedef struct
{
  GBytes *media[CONFAB_FEC_RS_MAX_K];
  GBytes *repair[CONFAB_FEC_RS_MAX_M];
  guint k;
  guint m;
} Block;

static void
block_make (Block *b, GRand *rand, guint k, guint m, guint16 base, gsize max_payload)
{
  ConfabFecRsEncoderConfig cfg;
  g_autoptr (ConfabFecRsEncoder) enc = NULL;
  guint n = 0;

  memset (b, 0, sizeof *b);
  b->k = k;
  b->m = m;
  confab_fec_rs_encoder_config_init (&cfg);
  cfg.payload_type = RS_PT;
  cfg.repair_ssrc = REPAIR_SSRC;
  cfg.max_block = k;
  cfg.min_block = k;
  /* Exactly m repair packets for k media packets. */
  cfg.overhead_percent = cfg.key_frame_overhead_percent = 0;
  enc = confab_fec_rs_encoder_new (&cfg, NULL);
  g_assert_nonnull (enc);
  for (guint i = 0; i < k; i++)
    {
      gsize len;
      const guint8 *d;

      b->media[i] = fec_test_media_packet (rand, MEDIA_SSRC, (guint16) (base + i), 3000 * (i / 3),
                                           i % 3 == 2, max_payload);
      d = g_bytes_get_data (b->media[i], &len);
      if (i + 1 == k)
        confab_fec_rs_encoder_set_overhead (enc, (m * 100 + k - 1) / k, (m * 100 + k - 1) / k);
      g_assert_cmpint (confab_fec_rs_encoder_add_media (enc, d, len, FALSE), ==, CONFAB_FEC_OK);
    }
  for (GBytes *r; (r = confab_fec_rs_encoder_pop_repair (enc)) != NULL; n++)
    {
      g_assert_cmpuint (n, <, m);
      b->repair[n] = r;
    }
  g_assert_cmpuint (n, ==, m);
}

static void
block_clear (Block *b)
{
  for (guint i = 0; i < b->k; i++)
    g_bytes_unref (b->media[i]);
  for (guint j = 0; j < b->m; j++)
    g_bytes_unref (b->repair[j]);
}

static ConfabFecRsDecoder *
decoder_new (void)
{
  ConfabFecRsDecoderConfig cfg;
  ConfabFecRsDecoder *dec;

  confab_fec_rs_decoder_config_init (&cfg);
  cfg.payload_type = RS_PT;
  cfg.repair_ssrc = REPAIR_SSRC;
  dec = confab_fec_rs_decoder_new (&cfg, NULL);
  g_assert_nonnull (dec);
  return dec;
}

static ConfabFecPacketKind
push (ConfabFecRsDecoder *dec, GBytes *b, ConfabFecStatus *st)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (b, &len);

  return confab_fec_rs_decoder_push (dec, d, len, st);
}

/* Sends the block without the packets in @lost (bit i < k: media i; bit k + j: repair j),
 * in an order that depends on @order (media first, repair first or interleaved). A media
 * packet before the block starts the stream. Returns which media packets came back (bit i),
 * each bit-exact and once; with repair packets first, packets that were only late may come
 * back too. */
static guint64
block_run (const Block *b, guint64 lost, guint order, GBytes *opener)
{
  g_autoptr (ConfabFecRsDecoder) dec = decoder_new ();
  guint n_total = b->k + b->m;
  guint64 back = 0;
  GBytes *rec;
  ConfabFecDecoderStats st;

  push (dec, opener, NULL);
  for (guint step = 0; step < n_total; step++)
    {
      guint i;

      if (order == 0)
        i = step;
      else if (order == 1)
        i = (step + b->k) % n_total;
      else
        i = step % 2 == 0 ? step / 2 : n_total - 1 - step / 2;
      if (lost & (G_GUINT64_CONSTANT (1) << i))
        continue;
      push (dec, i < b->k ? b->media[i] : b->repair[i - b->k], NULL);
    }
  while ((rec = confab_fec_rs_decoder_pop_recovered (dec)) != NULL)
    {
      ConfabRtpView v;
      gsize len;
      const guint8 *d = g_bytes_get_data (rec, &len);
      guint16 base;

      g_assert_cmpint (confab_rtp_view_parse (&v, d, len), ==, CONFAB_FEC_OK);
      base = confab_read_u16 ((const guint8 *) g_bytes_get_data (b->media[0], NULL) + 2);
      g_assert_cmpuint ((guint16) (v.seq - base), <, b->k);
      g_assert_true (g_bytes_equal (rec, b->media[(guint16) (v.seq - base)]));
      g_assert_false (back & (G_GUINT64_CONSTANT (1) << (guint16) (v.seq - base)));
      back |= G_GUINT64_CONSTANT (1) << (guint16) (v.seq - base);
      g_bytes_unref (rec);
    }
  confab_fec_rs_decoder_get_stats (dec, &st);
  g_assert_cmpuint (st.recovery_failed, ==, 0);
  return back;
}

/* Every pattern of lost packets among the k + m of small blocks: up to m lost, every lost
 * media packet comes back; more than m, none does (the block is short of k packets). */
static void
test_exhaustive (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (test_seed ());
  guint patterns = 0;

  for (guint k = 1; k <= 8; k++)
    for (guint m = 1; m <= 4; m++)
      {
        Block b;
        guint n = k + m;
        g_autoptr (GBytes) opener = NULL;
        guint16 base = (guint16) (65530 + k); /* some blocks cross the wrap */

        block_make (&b, rand, k, m, base, 300);
        opener = fec_test_media_packet (rand, MEDIA_SSRC, (guint16) (base - 1), 1, FALSE, 10);
        for (guint64 lost = 0; lost < (G_GUINT64_CONSTANT (1) << n); lost++)
          {
            guint n_lost = (guint) __builtin_popcountll (lost);
            guint64 lost_media = lost & ((G_GUINT64_CONSTANT (1) << k) - 1);
            guint order = (guint) (lost % 3);
            guint64 back = block_run (&b, lost, order, opener);

            if (n_lost > m)
              g_assert_cmphex (back, ==, 0);
            else if (order == 0)
              g_assert_cmphex (back, ==, lost_media);
            else
              g_assert_cmphex (back & lost_media, ==, lost_media);
            patterns++;
          }
        block_clear (&b);
      }
  g_test_message ("%u loss patterns", patterns);
}

/* Large blocks, random patterns of exactly m losses (the hardest case an MDS code must
 * still recover) and of fewer. */
static void
test_large_random (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (test_seed ());
  static const guint sizes[][2] = { { 48, 12 }, { 100, 50 }, { 128, 64 }, { 64, 64 }, { 16, 48 } };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      Block b;
      guint k = sizes[s][0], m = sizes[s][1];
      g_autoptr (GBytes) opener = NULL;

      block_make (&b, rand, k, m, 1000, 1200);
      opener = fec_test_media_packet (rand, MEDIA_SSRC, 999, 1, FALSE, 10);
      for (guint trial = 0; trial < 6; trial++)
        {
          /* The decoder takes at most 64 symbols per pattern bit here: mark losses in a
           * separate list, since k + m can exceed 64. */
          g_autoptr (ConfabFecRsDecoder) dec = decoder_new ();
          gboolean gone[CONFAB_FEC_RS_MAX_K + CONFAB_FEC_RS_MAX_M] = { FALSE };
          guint n_lost = trial == 0 ? m : (guint) g_rand_int_range (rand, 1, (gint32) m + 1);
          guint lost_media = 0, back = 0;
          GBytes *rec;

          for (guint l = 0; l < n_lost;)
            {
              guint i = (guint) g_rand_int_range (rand, 0, (gint32) (k + m));

              if (!gone[i])
                {
                  gone[i] = TRUE;
                  lost_media += i < k;
                  l++;
                }
            }
          push (dec, opener, NULL);
          for (guint i = 0; i < k + m; i++)
            if (!gone[i])
              push (dec, i < k ? b.media[i] : b.repair[i - k], NULL);
          while ((rec = confab_fec_rs_decoder_pop_recovered (dec)) != NULL)
            {
              ConfabRtpView v;
              gsize len;
              const guint8 *d = g_bytes_get_data (rec, &len);

              g_assert_cmpint (confab_rtp_view_parse (&v, d, len), ==, CONFAB_FEC_OK);
              g_assert_true (gone[v.seq - 1000]);
              g_assert_true (g_bytes_equal (rec, b.media[v.seq - 1000]));
              g_bytes_unref (rec);
              back++;
            }
          g_assert_cmpuint (back, ==, lost_media);
        }
      block_clear (&b);
    }
}

/* Encoder -> Bernoulli or bursty loss, reordering -> decoder over a long stream across the
 * wrap: every packet out is bit-exact, and exactly the blocks with no more than m of their
 * k + m packets lost come back whole (MDS). */
static void
test_stream (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (test_seed ());
  ConfabFecRsEncoderConfig ecfg;
  g_autoptr (ConfabFecRsEncoder) enc = NULL;
  g_autoptr (ConfabFecRsDecoder) dec = decoder_new ();
  GHashTable *sent = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_bytes_unref);
  GHashTable *got = g_hash_table_new (NULL, NULL);
  GHashTable *lost = g_hash_table_new (NULL, NULL);
  guint16 seq = 65000;
  guint expect_recovered = 0, recovered = 0, lost_media = 0;
  gboolean burst = FALSE;
  ConfabFecDecoderStats st;
  GBytes *held = NULL; /* one packet held back: reordering */
  /* The block being sent: media, then its repair packets. */
  GBytes *block_pkts[2 * CONFAB_FEC_RS_MAX_K];
  gboolean block_lost[2 * CONFAB_FEC_RS_MAX_K];
  guint nb = 0, nb_lost = 0, nb_media_lost = 0, nb_media = 0;

  confab_fec_rs_encoder_config_init (&ecfg);
  ecfg.payload_type = RS_PT;
  ecfg.repair_ssrc = REPAIR_SSRC;
  ecfg.overhead_percent = 30;
  enc = confab_fec_rs_encoder_new (&ecfg, NULL);
  g_assert_nonnull (enc);

  for (guint frame = 0; frame < 600; frame++)
    {
      guint n_pkts = (guint) g_rand_int_range (rand, 1, 12);

      for (guint p = 0; p < n_pkts; p++)
        {
          GBytes *m
              = fec_test_media_packet (rand, MEDIA_SSRC, seq, frame * 3000, p + 1 == n_pkts, 1100);
          gsize len, rlen;
          const guint8 *d = g_bytes_get_data (m, &len);
          const guint8 *r;
          guint made = 0;

          g_hash_table_insert (sent, GUINT_TO_POINTER (seq), m);
          seq++;
          block_pkts[nb++] = m;
          nb_media++;
          g_assert_cmpint (confab_fec_rs_encoder_add_media (enc, d, len, frame % 30 == 0), ==,
                           CONFAB_FEC_OK);
          while ((r = confab_fec_rs_encoder_next_repair (enc, &rlen)) != NULL)
            {
              block_pkts[nb++] = g_bytes_new (r, rlen);
              made++;
            }
          if (made == 0)
            continue;
          /* A block ended: send it through the channel. */
          for (guint i = 0; i < nb; i++)
            {
              burst = burst ? g_rand_double (rand) < 0.6 : g_rand_double (rand) < 0.05;
              block_lost[i] = burst || g_rand_double (rand) < 0.05;
              nb_lost += block_lost[i];
              if (block_lost[i] && i < nb_media)
                {
                  nb_media_lost++;
                  g_hash_table_add (lost, block_pkts[i]);
                }
            }
          lost_media += nb_media_lost;
          if (nb_lost <= made)
            expect_recovered += nb_media_lost;
          for (guint i = 0; i < nb; i++)
            {
              GBytes *pkt = block_pkts[i];

              if (!block_lost[i])
                {
                  if (held == NULL && g_rand_double (rand) < 0.1)
                    held = g_bytes_ref (pkt);
                  else
                    {
                      push (dec, pkt, NULL);
                      if (held)
                        {
                          push (dec, held, NULL);
                          g_clear_pointer (&held, g_bytes_unref);
                        }
                    }
                }
              if (i >= nb_media)
                g_bytes_unref (pkt);
            }
          if (held)
            {
              push (dec, held, NULL);
              g_clear_pointer (&held, g_bytes_unref);
            }
          while ((r = confab_fec_rs_decoder_next_recovered (dec, &rlen)) != NULL)
            {
              ConfabRtpView v;
              g_autoptr (GBytes) out = g_bytes_new (r, rlen);

              g_assert_cmpint (confab_rtp_view_parse (&v, r, rlen), ==, CONFAB_FEC_OK);
              g_assert_true (
                  g_bytes_equal (out, g_hash_table_lookup (sent, GUINT_TO_POINTER (v.seq))));
              g_assert_false (g_hash_table_contains (got, GUINT_TO_POINTER (v.seq)));
              g_hash_table_add (got, GUINT_TO_POINTER (v.seq));
              /* A packet only held back may come back before it arrives: not a loss. */
              recovered += g_hash_table_contains (
                  lost, g_hash_table_lookup (sent, GUINT_TO_POINTER (v.seq)));
            }
          nb = nb_media = nb_lost = nb_media_lost = 0;
        }
    }
  confab_fec_rs_decoder_get_stats (dec, &st);
  g_test_message ("lost %u media, recovered %u (MDS bound %u)", lost_media, recovered,
                  expect_recovered);
  g_assert_cmpuint (recovered, ==, expect_recovered);
  g_assert_cmpuint (st.recovered, >=, recovered);
  g_assert_cmpuint (st.recovery_failed, ==, 0);
  g_hash_table_unref (sent);
  g_hash_table_unref (got);
  g_hash_table_unref (lost);
}

static GBytes *
repair_packet (guint32 ssrc, guint16 base, guint k, guint m, guint index, gsize sym_len,
               guint8 fill, guint8 version)
{
  guint8 pkt[CONFAB_FEC_MAX_PACKET_SIZE + 64];
  ConfabFecRsRepair r = {
    .ssrc = ssrc, .sn_base = base, .k = (guint8) k, .m = (guint8) m, .index = (guint8) index
  };
  gsize len = CONFAB_RTP_HEADER_SIZE + CONFAB_FEC_RS_HEADER_SIZE + sym_len;

  g_assert_cmpuint (len, <=, sizeof pkt);
  memset (pkt, fill, sizeof pkt);
  pkt[0] = 0x80;
  pkt[1] = RS_PT;
  confab_write_u32 (pkt + 8, REPAIR_SSRC);
  confab_fec_rs_write_header (&r, pkt + CONFAB_RTP_HEADER_SIZE);
  pkt[CONFAB_RTP_HEADER_SIZE + 9] = version;
  return g_bytes_new (pkt, len);
}

static ConfabFecStatus
push_status (ConfabFecRsDecoder *dec, GBytes *b)
{
  ConfabFecStatus st = CONFAB_FEC_OK;

  g_assert_cmpint (push (dec, b, &st), ==, CONFAB_FEC_PACKET_REPAIR);
  return st;
}

/* Lies in every field: each is refused with its reason, nothing comes out, and a real block
 * still decodes afterwards. */
static void
test_hostile (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (test_seed ());
  g_autoptr (ConfabFecRsDecoder) dec = decoder_new ();
  Block b;
  GBytes *r;
  ConfabFecDecoderStats st;

  block_make (&b, rand, 6, 2, 500, 400);
  for (guint i = 0; i < 4; i++)
    push (dec, b.media[i], NULL);
#define CHECK_REFUSED(pkt, why)                                                                    \
  do                                                                                               \
    {                                                                                              \
      r = (pkt);                                                                                   \
      g_assert_cmpint (push_status (dec, r), ==, (why));                                           \
      g_bytes_unref (r);                                                                           \
    }                                                                                              \
  while (0)
  CHECK_REFUSED (repair_packet (MEDIA_SSRC, 500, 0, 2, 0, 100, 1, 0), CONFAB_FEC_ERR_MALFORMED);
  CHECK_REFUSED (repair_packet (MEDIA_SSRC, 500, 6, 0, 0, 100, 1, 0), CONFAB_FEC_ERR_MALFORMED);
  CHECK_REFUSED (repair_packet (MEDIA_SSRC, 500, 6, 2, 2, 100, 1, 0), CONFAB_FEC_ERR_MALFORMED);
  CHECK_REFUSED (repair_packet (MEDIA_SSRC, 500, 129, 2, 0, 100, 1, 0), CONFAB_FEC_ERR_MALFORMED);
  CHECK_REFUSED (repair_packet (MEDIA_SSRC, 500, 6, 65, 0, 100, 1, 0), CONFAB_FEC_ERR_MALFORMED);
  CHECK_REFUSED (repair_packet (MEDIA_SSRC, 500, 6, 2, 0, 100, 1, 1), CONFAB_FEC_ERR_UNSUPPORTED);
  CHECK_REFUSED (repair_packet (MEDIA_SSRC, 500, 6, 2, 0, 4, 1, 0), CONFAB_FEC_ERR_TRUNCATED);
  CHECK_REFUSED (repair_packet (MEDIA_SSRC, 500, 6, 2, 0, CONFAB_FEC_RS_MAX_SYMBOL + 1, 1, 0),
                 CONFAB_FEC_ERR_TOO_LARGE);
  CHECK_REFUSED (repair_packet (0x99, 500, 6, 2, 0, 100, 1, 0), CONFAB_FEC_ERR_UNKNOWN_SSRC);
  /* Below the window, and far above it. */
  CHECK_REFUSED (repair_packet (MEDIA_SSRC, 100, 6, 2, 0, 100, 1, 0), CONFAB_FEC_ERR_OUT_OF_WINDOW);
  CHECK_REFUSED (repair_packet (MEDIA_SSRC, 700, 6, 2, 0, 100, 1, 0), CONFAB_FEC_ERR_OUT_OF_WINDOW);
  /* A lying symbol for a block the real one then shares: a different length is refused. */
  {
    gsize real_len;

    g_bytes_get_data (b.repair[0], &real_len);
    CHECK_REFUSED (repair_packet (MEDIA_SSRC, 500, 6, 2, 1,
                                  real_len - CONFAB_RTP_HEADER_SIZE - CONFAB_FEC_RS_HEADER_SIZE, 0,
                                  0),
                   CONFAB_FEC_OK);
    /* The same repair index again: ignored. */
    CHECK_REFUSED (repair_packet (MEDIA_SSRC, 500, 6, 2, 1,
                                  real_len - CONFAB_RTP_HEADER_SIZE - CONFAB_FEC_RS_HEADER_SIZE, 7,
                                  0),
                   CONFAB_FEC_OK);
    CHECK_REFUSED (repair_packet (MEDIA_SSRC, 500, 6, 2, 0, 100, 1, 0), CONFAB_FEC_ERR_MALFORMED);
  }
  g_assert_null (confab_fec_rs_decoder_pop_recovered (dec));
  /* The real repair 0 completes the block with the lying repair 1 (all zeros): garbage that
   * is not RTP or says a length beyond the symbol must not come out. */
  push (dec, b.repair[0], NULL);
  while ((r = confab_fec_rs_decoder_pop_recovered (dec)) != NULL)
    {
      ConfabRtpView v;
      gsize len;
      const guint8 *d = g_bytes_get_data (r, &len);

      g_assert_cmpint (confab_rtp_view_parse (&v, d, len), ==, CONFAB_FEC_OK);
      g_bytes_unref (r);
    }
  confab_fec_rs_decoder_get_stats (dec, &st);
  g_assert_cmpuint (st.repair_rejected, ==, 12);
  block_clear (&b);

  /* Afterwards a real block decodes. */
  block_make (&b, rand, 6, 2, 520, 400);
  for (guint i = 0; i < 6; i++)
    if (i != 1 && i != 4)
      push (dec, b.media[i], NULL);
  push (dec, b.repair[0], NULL);
  push (dec, b.repair[1], NULL);
  for (guint i = 0; i < 2; i++)
    {
      r = confab_fec_rs_decoder_pop_recovered (dec);
      g_assert_nonnull (r);
      g_assert_true (g_bytes_equal (r, b.media[i == 0 ? 1 : 4]));
      g_bytes_unref (r);
    }
  block_clear (&b);
#undef CHECK_REFUSED
}

/* Random repair packets naming random blocks around the window and random SSRCs, with media
 * now and then: memory stays bounded and the decoder keeps working. */
static void
test_flood (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (test_seed ());
  g_autoptr (ConfabFecRsDecoder) dec = decoder_new ();
  ConfabFecDecoderStats st;
  guint16 seq = 0;
  Block b;

  for (guint i = 0; i < 30000; i++)
    {
      g_autoptr (GBytes) p = NULL;
      const guint8 *r;
      gsize rlen;

      if (i % 8 == 0)
        p = fec_test_media_packet (rand, i % 64 == 0 ? g_rand_int (rand) : MEDIA_SSRC, seq++, i,
                                   FALSE, 1200);
      else
        {
          guint k = (guint) g_rand_int_range (rand, 1, 129);
          guint m = (guint) g_rand_int_range (rand, 1, MIN (65, 256 - (gint32) k));

          p = repair_packet (MEDIA_SSRC, (guint16) (seq - 200 + g_rand_int_range (rand, 0, 300)), k,
                             m, (guint) g_rand_int_range (rand, 0, (gint32) m),
                             (gsize) g_rand_int_range (rand, 8, CONFAB_FEC_RS_MAX_SYMBOL + 1),
                             (guint8) g_rand_int (rand), 0);
        }
      push (dec, p, NULL);
      while ((r = confab_fec_rs_decoder_next_recovered (dec, &rlen)) != NULL)
        {
          ConfabRtpView v;

          g_assert_cmpint (confab_rtp_view_parse (&v, r, rlen), ==, CONFAB_FEC_OK);
        }
    }
  confab_fec_rs_decoder_get_stats (dec, &st);
  g_test_message ("flood: peak memory %" G_GSIZE_FORMAT " bytes, %" G_GUINT64_FORMAT
                  " rejected, %" G_GUINT64_FORMAT " decoded",
                  st.peak_memory_bytes, st.repair_rejected, st.eliminations);
  /* Window slots (4 streams x 256 x 2 KiB), repair pool (256 x 2 KiB), output ring. */
  g_assert_cmpuint (st.peak_memory_bytes, <, 4 * 1024 * 1024);

  block_make (&b, rand, 4, 1, (guint16) (seq + 10), 300);
  push (dec, b.media[0], NULL);
  push (dec, b.media[1], NULL);
  push (dec, b.media[3], NULL);
  push (dec, b.repair[0], NULL);
  {
    g_autoptr (GBytes) r = confab_fec_rs_decoder_pop_recovered (dec);

    g_assert_nonnull (r);
    g_assert_true (g_bytes_equal (r, b.media[2]));
  }
  block_clear (&b);
}

/* A delay budget: blocks span the 30 fps frames (8 packets, 3000 ticks apart) whose
 * timestamps lie within the budget of the block's first, and end before a frame that comes
 * later than expected (after a pause) would exceed it. Each block loses its first m packets
 * and gets them all back: the code is MDS whatever the block's length. */
static void
test_delay_budget (void)
{
  const FecTestBudgetCase *cases = fec_test_budget_cases;
  enum
  {
    FRAMES = FEC_TEST_BUDGET_FRAMES,
    PAUSE = FEC_TEST_BUDGET_PAUSE
  };

  for (guint c = 0; c < G_N_ELEMENTS (fec_test_budget_cases); c++)
    {
      ConfabFecRsEncoderConfig cfg;
      g_autoptr (ConfabFecRsEncoder) enc = NULL;
      g_autoptr (ConfabFecRsDecoder) dec = decoder_new ();
      g_autoptr (GRand) rand = g_rand_new_with_seed (31);
      g_autoptr (GPtrArray) media = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      guint32 ts[FRAMES * 8];
      guint32 t = 7;
      guint covered = 0, blocks = 0, lost = 0, recovered = 0;

      confab_fec_rs_encoder_config_init (&cfg);
      cfg.payload_type = RS_PT;
      cfg.repair_ssrc = REPAIR_SSRC;
      cfg.overhead_percent = cfg.key_frame_overhead_percent = 25;
      cfg.delay_budget_ms = cases[c].budget_ms;
      enc = confab_fec_rs_encoder_new (&cfg, NULL);
      g_assert_nonnull (enc);
      for (guint p = 0; p <= FRAMES * 8; p++)
        {
          g_autoptr (GPtrArray) repairs
              = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
          ConfabFecRsRepair rep = { 0 };
          const guint8 *r;
          gsize len;

          if (p < FRAMES * 8)
            {
              GBytes *pkt;
              const guint8 *d;

              pkt = fec_test_budget_packet (rand, MEDIA_SSRC, p, PAUSE, &t);
              ts[p] = t;
              d = g_bytes_get_data (pkt, &len);
              g_assert_cmpint (confab_fec_rs_encoder_add_media (enc, d, len, FALSE), ==,
                               CONFAB_FEC_OK);
              g_ptr_array_add (media, pkt);
            }
          else
            confab_fec_rs_encoder_flush (enc);
          while ((r = confab_fec_rs_encoder_next_repair (enc, &len)) != NULL)
            {
              ConfabRtpView v;

              g_assert_cmpint (confab_rtp_view_parse (&v, r, len), ==, CONFAB_FEC_OK);
              g_assert_cmpint (confab_fec_rs_parse (&v, &rep), ==, CONFAB_FEC_OK);
              g_ptr_array_add (repairs, g_bytes_new (r, len));
            }
          if (repairs->len == 0)
            continue;
          /* One block: the packets after the last one, whole frames, m from 25%, the last
           * frame within the budget of the first, as many frames as fit but before the pause
           * and at the end. */
          blocks++;
          g_assert_cmpuint ((guint16) (rep.sn_base - 65000), ==, covered);
          g_assert_cmpuint (rep.k % 8, ==, 0);
          g_assert_cmpuint (rep.m, ==, repairs->len);
          g_assert_cmpuint (rep.m, ==, rep.k / 4);
          g_assert_cmpuint (ts[covered + rep.k - 1] - ts[covered], <=, cases[c].budget_ms * 90);
          if (covered / 8 != PAUSE - 1 && covered + rep.k < FRAMES * 8)
            g_assert_cmpuint (rep.k, ==, 8 * cases[c].frames_per_block);
          /* Its first m media packets lost: the rest, then the repair packets. */
          for (guint i = covered + rep.m; i < covered + rep.k; i++)
            {
              const guint8 *d = g_bytes_get_data (g_ptr_array_index (media, i), &len);

              confab_fec_rs_decoder_push (dec, d, len, NULL);
            }
          for (guint i = 0; i < repairs->len; i++)
            {
              const guint8 *d = g_bytes_get_data (g_ptr_array_index (repairs, i), &len);

              confab_fec_rs_decoder_push (dec, d, len, NULL);
            }
          lost += rep.m;
          while ((r = confab_fec_rs_decoder_next_recovered (dec, &len)) != NULL)
            {
              ConfabRtpView v;
              gsize want;
              const guint8 *orig;

              g_assert_cmpint (confab_rtp_view_parse (&v, r, len), ==, CONFAB_FEC_OK);
              orig = g_bytes_get_data (g_ptr_array_index (media, (guint16) (v.seq - 65000)), &want);
              g_assert_cmpmem (r, len, orig, want);
              recovered++;
            }
          covered += rep.k;
        }
      g_assert_cmpuint (covered, ==, FRAMES * 8);
      g_assert_cmpuint (recovered, ==, lost);
      g_assert_cmpuint (blocks, >=, FRAMES / MAX (cases[c].frames_per_block, 1u));
    }
}

static void
test_config (void)
{
  ConfabFecRsEncoderConfig ec;
  ConfabFecRsDecoderConfig dc;
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfabFecRsEncoder) enc = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (1);
  g_autoptr (GBytes) a = fec_test_media_packet (rand, 1, 1, 1, FALSE, 10);
  g_autoptr (GBytes) other = fec_test_media_packet (rand, 2, 2, 1, FALSE, 10);
  guint8 big[CONFAB_FEC_RS_MAX_MEDIA + 1] = { 0x80, 96 };
  gsize len;
  const guint8 *d;

  confab_fec_rs_encoder_config_init (&ec);
  ec.max_block = 0;
  g_assert_null (confab_fec_rs_encoder_new (&ec, &error));
  g_assert_error (error, CONFAB_FEC_ERROR, CONFAB_FEC_ERR_INVALID_ARGUMENT);
  g_clear_error (&error);
  ec.max_block = 129;
  g_assert_null (confab_fec_rs_encoder_new (&ec, NULL));
  confab_fec_rs_decoder_config_init (&dc);
  g_assert_null (confab_fec_rs_decoder_new (&dc, NULL)); /* no payload type */
  dc.payload_type = 100;
  dc.window = 200;
  g_assert_null (confab_fec_rs_decoder_new (&dc, NULL));

  confab_fec_rs_encoder_config_init (&ec);
  enc = confab_fec_rs_encoder_new (&ec, NULL);
  d = g_bytes_get_data (a, &len);
  g_assert_cmpint (confab_fec_rs_encoder_add_media (enc, d, len, FALSE), ==, CONFAB_FEC_OK);
  d = g_bytes_get_data (other, &len);
  g_assert_cmpint (confab_fec_rs_encoder_add_media (enc, d, len, FALSE), ==,
                   CONFAB_FEC_ERR_UNKNOWN_SSRC);
  g_assert_cmpint (confab_fec_rs_encoder_add_media (enc, big, sizeof big, FALSE), ==,
                   CONFAB_FEC_ERR_TOO_LARGE);
  g_assert_cmpint (confab_fec_rs_encoder_add_media (enc, big, 5, FALSE), ==,
                   CONFAB_FEC_ERR_TRUNCATED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/confab/fec/rs/gf-field", test_gf_field);
  g_test_add_func ("/confab/fec/rs/gf-invert", test_gf_invert);
  g_test_add_func ("/confab/fec/rs/gf-paths", test_gf_paths);
  g_test_add_func ("/confab/fec/rs/exhaustive", test_exhaustive);
  g_test_add_func ("/confab/fec/rs/large-random", test_large_random);
  g_test_add_func ("/confab/fec/rs/stream", test_stream);
  g_test_add_func ("/confab/fec/rs/hostile", test_hostile);
  g_test_add_func ("/confab/fec/rs/flood", test_flood);
  g_test_add_func ("/confab/fec/rs/delay-budget", test_delay_budget);
  g_test_add_func ("/confab/fec/rs/config", test_config);
  return g_test_run ();
}
