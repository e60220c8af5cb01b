/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Encoder -> lossy, reordering, duplicating channel -> decoder, on seeded random streams
 * that cross the sequence-number wrap. Every packet that comes out must be bit-exact. */
#include <string.h>

#include "confab-fec-decoder.h"
#include "confab-fec-encoder.h"
#include "confab-fec-parity.h"
#include "confab-flexfec.h"
#include "confab-red.h"
#include "fec-test-util.h"

#define MEDIA_SSRC 0x11aa22bbu
#define REPAIR_SSRC 0x33cc44ddu
#define FLEX_PT 110
#define ULP_PT 97
#define RED_PT 116

typedef enum
{
  MODE_ULPFEC,
  MODE_RED_ULPFEC,
  MODE_FLEXFEC,
} Mode;

typedef struct
{
  Mode mode;
  ConfabFecMaskFamily family;
  guint overhead;
  double loss;
  double burst_loss; /* Gilbert-Elliott: probability to enter a burst; 0 for Bernoulli */
  double reorder;
  double duplicate;
  guint frames;
} StreamParams;

typedef struct
{
  guint media;
  guint delivered;
  guint recovered;
  guint repair_sent;
  guint lost_media;
} StreamResult;

static guint32
test_seed (void)
{
  const char *env = g_getenv ("CONFAB_FEC_SEED");

  return env ? (guint32) g_ascii_strtoull (env, NULL, 10) : (guint32) g_test_rand_int ();
}

static GBytes *
unwrap (GBytes *b, gboolean red)
{
  guint8 buf[CONFAB_FEC_MAX_PACKET_SIZE + 8];
  gsize len = 0;
  gsize in_len;
  const guint8 *in = g_bytes_get_data (b, &in_len);

  if (!red)
    return g_bytes_ref (b);
  g_assert_cmpint (confab_red_decapsulate (in, in_len, buf, sizeof buf, &len), ==, CONFAB_FEC_OK);
  return g_bytes_new (buf, len);
}

static void
check_delivered (GHashTable *originals, GHashTable *delivered, GBytes *b, gboolean red)
{
  g_autoptr (GBytes) plain = unwrap (b, red);
  ConfabRtpView v;
  gsize len;
  const guint8 *d = g_bytes_get_data (plain, &len);
  GBytes *orig;

  g_assert_cmpint (confab_rtp_view_parse (&v, d, len), ==, CONFAB_FEC_OK);
  g_assert_cmpuint (v.ssrc, ==, MEDIA_SSRC);
  orig = g_hash_table_lookup (originals, GUINT_TO_POINTER (v.seq));
  g_assert_nonnull (orig);
  g_assert_true (g_bytes_equal (orig, plain));
  g_hash_table_add (delivered, GUINT_TO_POINTER (v.seq));
}

static void
run_stream (const StreamParams *p, guint32 seed, StreamResult *res)
{
  GRand *rand = g_rand_new_with_seed (seed);
  ConfabFecEncoderConfig ecfg;
  g_autoptr (ConfabFecEncoder) enc = NULL;
  g_autoptr (ConfabFecDecoder) dec = NULL;
  g_autoptr (GError) error = NULL;
  /* Packets as sent (GBytes), and which of them are media rather than repair packets. */
  GPtrArray *sent = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GHashTable *is_media = g_hash_table_new (NULL, NULL);
  GHashTable *originals = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_bytes_unref);
  GHashTable *delivered = g_hash_table_new (NULL, NULL);
  guint16 seq = (guint16) (65536 - 150 + g_rand_int_range (rand, 0, 100));
  guint32 ts = g_rand_int (rand);
  gboolean red = p->mode == MODE_RED_ULPFEC;
  gboolean in_burst = FALSE;
  ConfabFecDecoderStats stats;
  guint recovered_out = 0;

  memset (res, 0, sizeof *res);
  confab_fec_encoder_config_init (&ecfg);
  ecfg.scheme = p->mode == MODE_FLEXFEC ? CONFAB_FEC_SCHEME_FLEXFEC : CONFAB_FEC_SCHEME_ULPFEC;
  ecfg.family = p->family;
  ecfg.overhead_percent = p->overhead;
  ecfg.key_frame_overhead_percent = MIN (p->overhead * 2, 100u);
  ecfg.payload_type = p->mode == MODE_FLEXFEC ? FLEX_PT : ULP_PT;
  ecfg.red_payload_type = red ? RED_PT : -1;
  ecfg.repair_ssrc = REPAIR_SSRC;
  ecfg.repair_seq = (guint16) g_rand_int (rand);
  ecfg.columns = 4;
  ecfg.rows = 3;
  enc = confab_fec_encoder_new (&ecfg, &error);
  g_assert_no_error (error);

  dec = fec_test_decoder_new (FLEX_PT, REPAIR_SSRC, ULP_PT, red ? RED_PT : -1);

  /* Sender */
  for (guint f = 0; f < p->frames; f++)
    {
      gboolean key = f % 30 == 0;
      guint k
          = key ? (guint) g_rand_int_range (rand, 15, 40) : (guint) g_rand_int_range (rand, 1, 9);
      GBytes *rep;

      for (guint i = 0; i < k; i++)
        {
          GBytes *pkt = fec_test_media_packet (rand, MEDIA_SSRC, seq, ts, i == k - 1, 1200);
          gsize len;
          const guint8 *d = g_bytes_get_data (pkt, &len);
          GBytes *wire;

          g_assert_cmpint (confab_fec_encoder_add_media (enc, d, len, key), ==, CONFAB_FEC_OK);
          g_hash_table_insert (originals, GUINT_TO_POINTER (seq), g_bytes_ref (pkt));
          if (red)
            {
              guint8 buf[CONFAB_FEC_MAX_PACKET_SIZE + 1];
              gsize rlen = 0;

              g_assert_cmpint (confab_red_encapsulate (d, len, RED_PT, buf, sizeof buf, &rlen), ==,
                               CONFAB_FEC_OK);
              wire = g_bytes_new (buf, rlen);
            }
          else
            wire = g_bytes_ref (pkt);
          g_hash_table_add (is_media, wire);
          g_ptr_array_add (sent, wire);
          g_bytes_unref (pkt);
          seq++;
          res->media++;
        }
      /* RED+ULPFEC shares the media sequence space: repair packets take the next numbers. */
      if (red)
        confab_fec_encoder_set_next_repair_seq (enc, seq);
      confab_fec_encoder_flush (enc);
      while ((rep = confab_fec_encoder_pop_repair (enc)) != NULL)
        {
          g_ptr_array_add (sent, rep);
          res->repair_sent++;
          if (red)
            seq++;
        }
      ts += 3000;
    }

  /* Channel: loss, then duplication and reordering. */
  {
    GPtrArray *wire = g_ptr_array_new ();

    for (guint i = 0; i < sent->len; i++)
      {
        GBytes *s = g_ptr_array_index (sent, i);
        gboolean drop;

        if (p->burst_loss > 0)
          {
            /* Gilbert-Elliott with a lossy bad state and a clean good state. */
            if (in_burst)
              in_burst = g_rand_double (rand) < 0.6;
            else
              in_burst = g_rand_double (rand) < p->burst_loss;
            drop = in_burst;
          }
        else
          drop = g_rand_double (rand) < p->loss;
        if (drop)
          {
            if (g_hash_table_contains (is_media, s))
              res->lost_media++;
            continue;
          }
        g_ptr_array_add (wire, s);
        if (g_rand_double (rand) < p->duplicate)
          g_ptr_array_add (wire, s);
      }
    for (guint i = 0; i + 1 < wire->len; i++)
      if (g_rand_double (rand) < p->reorder)
        {
          /* not inside MIN(): it would draw twice */
          guint step = (guint) g_rand_int_range (rand, 1, 6);
          guint j = MIN (wire->len - 1, i + step);
          gpointer t = wire->pdata[i];

          wire->pdata[i] = wire->pdata[j];
          wire->pdata[j] = t;
        }

    /* Receiver */
    for (guint i = 0; i < wire->len; i++)
      {
        GBytes *s = g_ptr_array_index (wire, i);
        gsize len;
        const guint8 *d = g_bytes_get_data (s, &len);
        ConfabFecStatus st;
        ConfabFecPacketKind kind = confab_fec_decoder_push (dec, d, len, &st);
        GBytes *rec;

        if (g_hash_table_contains (is_media, s))
          {
            g_assert_cmpint (kind, !=, CONFAB_FEC_PACKET_REPAIR);
            if (kind == CONFAB_FEC_PACKET_MEDIA)
              check_delivered (originals, delivered, s, red);
          }
        else
          g_assert_cmpint (kind, ==, CONFAB_FEC_PACKET_REPAIR);
        while ((rec = confab_fec_decoder_pop_recovered (dec)) != NULL)
          {
            check_delivered (originals, delivered, rec, red);
            recovered_out++;
            g_bytes_unref (rec);
          }
      }
    g_ptr_array_unref (wire);
  }

  confab_fec_decoder_get_stats (dec, &stats);
  g_assert_cmpuint (stats.recovered, ==, recovered_out);
  g_assert_cmpuint (stats.recovery_failed, ==, 0);
  g_assert_cmpuint (stats.repair_rejected, ==, 0);
  res->delivered = g_hash_table_size (delivered);
  res->recovered = recovered_out;
  g_assert_cmpuint (res->delivered, <=, res->media);
  g_assert_cmpuint (res->delivered, >=, res->media - res->lost_media);

  g_hash_table_unref (delivered);
  g_hash_table_unref (originals);
  g_hash_table_unref (is_media);
  g_ptr_array_unref (sent);
  g_rand_free (rand);
}

static const char *
mode_name (Mode m)
{
  return m == MODE_ULPFEC ? "ulpfec" : m == MODE_RED_ULPFEC ? "red+ulpfec" : "flexfec";
}

/* Runs @p on a fresh seed and logs its figures under @what; returns the residual media
 * loss in percent. */
static double
run_logged (const StreamParams *p, const char *what, StreamResult *r)
{
  guint32 seed = test_seed ();
  double residual;

  run_stream (p, seed, r);
  residual = 100.0 * (r->media - r->delivered) / r->media;
  g_test_message ("%s, seed %u: %u media, %u lost, %u recovered, residual %.2f%%", what, seed,
                  r->media, r->lost_media, r->recovered, residual);
  return residual;
}

static void
test_lossless_passthrough (void)
{
  for (Mode m = MODE_ULPFEC; m <= MODE_FLEXFEC; m++)
    {
      StreamParams p
          = { .mode = m, .family = CONFAB_FEC_MASK_RANDOM, .overhead = 30, .frames = 200 };
      StreamResult r;

      run_logged (&p, mode_name (m), &r);
      g_assert_cmpuint (r.delivered, ==, r.media);
      g_assert_cmpuint (r.recovered, ==, 0);
      g_assert_cmpuint (r.repair_sent, >, 0);
    }
}

static void
test_random_streams (void)
{
  static const ConfabFecMaskFamily families[] = {
    CONFAB_FEC_MASK_RANDOM,  CONFAB_FEC_MASK_BURSTY, CONFAB_FEC_MASK_ROWS,
    CONFAB_FEC_MASK_COLUMNS, CONFAB_FEC_MASK_2D,
  };

  for (Mode m = MODE_ULPFEC; m <= MODE_FLEXFEC; m++)
    for (guint f = 0; f < G_N_ELEMENTS (families); f++)
      for (guint round = 0; round < 3; round++)
        {
          StreamParams p = {
            .mode = m,
            .family = families[f],
            .overhead = 25 + 25 * round,
            .loss = 0.03 + 0.04 * round,
            .burst_loss = round == 2 ? 0.03 : 0,
            .reorder = 0.05,
            .duplicate = 0.02,
            .frames = 300,
          };
          StreamResult r;
          g_autofree char *what = g_strdup_printf (
              "%s family %d overhead %u%% loss %.0f%%%s", mode_name (m), families[f], p.overhead,
              p.loss * 100, p.burst_loss > 0 ? " (bursty)" : "");

          run_logged (&p, what, &r);
          /* FEC must help, not hurt. */
          g_assert_cmpuint (r.media - r.delivered, <=, r.lost_media);
          if (r.lost_media >= 10 && p.burst_loss == 0)
            g_assert_cmpuint (r.media - r.delivered, <, r.lost_media);
        }
}

/* The reference point: 25% overhead, 10% independent loss. */
static void
test_residual_reference (void)
{
  StreamParams p = {
    .mode = MODE_FLEXFEC,
    .family = CONFAB_FEC_MASK_RANDOM,
    .overhead = 25,
    .loss = 0.10,
    .frames = 2000,
  };
  StreamResult r;

  /* GStreamer's rtpulpfec leaves about 7.5% here; we must be far below that. */
  g_assert_cmpfloat (run_logged (&p, "flexfec random 25% overhead, 10% loss", &r), <, 5.0);
}

static void
test_encoder_overhead (void)
{
  ConfabFecEncoderConfig cfg;
  g_autoptr (ConfabFecEncoder) enc = NULL;
  ConfabFecEncoderStats st;
  GRand *rand = g_rand_new_with_seed (5);
  guint16 seq = 65500;

  confab_fec_encoder_config_init (&cfg);
  cfg.payload_type = FLEX_PT;
  cfg.overhead_percent = 25;
  cfg.key_frame_overhead_percent = 100;
  cfg.max_block = 16;
  /* what the element runs in a worker thread at start-up */
  confab_fec_encoder_prepare_masks (&cfg);
  enc = confab_fec_encoder_new (&cfg, NULL);
  g_assert_nonnull (enc);
  for (guint f = 0; f < 1000; f++)
    {
      guint k = (guint) g_rand_int_range (rand, 1, 7);

      for (guint i = 0; i < k; i++)
        {
          g_autoptr (GBytes) pkt
              = fec_test_media_packet (rand, MEDIA_SSRC, seq++, f, i == k - 1, 100);
          gsize len;
          const guint8 *d = g_bytes_get_data (pkt, &len);

          g_assert_cmpint (confab_fec_encoder_add_media (enc, d, len, FALSE), ==, CONFAB_FEC_OK);
          /* Repair packets come out exactly at the frame boundary. */
          if (i < k - 1)
            g_assert_null (confab_fec_encoder_pop_repair (enc));
        }
      while (TRUE)
        {
          GBytes *r = confab_fec_encoder_pop_repair (enc);

          if (!r)
            break;
          g_bytes_unref (r);
        }
    }
  confab_fec_encoder_get_stats (enc, &st);
  g_test_message ("%" G_GUINT64_FORMAT " media, %" G_GUINT64_FORMAT " repair", st.media_packets,
                  st.repair_packets);
  g_assert_cmpfloat ((double) st.repair_packets / st.media_packets, >, 0.23);
  g_assert_cmpfloat ((double) st.repair_packets / st.media_packets, <, 0.27);

  /* A key frame of 10 packets at 100% gets 10 repair packets. */
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr (GBytes) pkt = fec_test_media_packet (rand, MEDIA_SSRC, seq++, 1, i == 9, 100);
      gsize len;
      const guint8 *d = g_bytes_get_data (pkt, &len);

      g_assert_cmpint (confab_fec_encoder_add_media (enc, d, len, TRUE), ==, CONFAB_FEC_OK);
    }
  for (guint i = 0; i < 10; i++)
    {
      GBytes *r = confab_fec_encoder_pop_repair (enc);

      g_assert_nonnull (r);
      g_bytes_unref (r);
    }
  g_assert_null (confab_fec_encoder_pop_repair (enc));

  /* Another SSRC is refused, not mixed into the block. */
  {
    g_autoptr (GBytes) pkt = fec_test_media_packet (rand, MEDIA_SSRC + 1, 1, 1, TRUE, 100);
    gsize len;
    const guint8 *d = g_bytes_get_data (pkt, &len);

    g_assert_cmpint (confab_fec_encoder_add_media (enc, d, len, FALSE), ==,
                     CONFAB_FEC_ERR_UNKNOWN_SSRC);
  }
  g_rand_free (rand);
}

/* Small frames share a block until it earns a repair packet, or holds min_block packets. */
static void
test_encoder_block_boundaries (void)
{
  for (guint min_block = 0; min_block <= 12; min_block += 12)
    {
      ConfabFecEncoderConfig cfg;
      g_autoptr (ConfabFecEncoder) enc = NULL;
      GRand *rand = g_rand_new_with_seed (9);
      guint16 seq = 100;
      guint frames_since = 0;

      confab_fec_encoder_config_init (&cfg);
      cfg.payload_type = FLEX_PT;
      cfg.overhead_percent = 25;
      cfg.min_block = min_block;
      enc = confab_fec_encoder_new (&cfg, NULL);
      for (guint f = 0; f < 40; f++)
        {
          /* one-packet frames: at 25% a block needs two of them to earn a repair packet
           * (rounding to nearest), or twelve with min_block 12 */
          g_autoptr (GBytes) pkt = fec_test_media_packet (rand, MEDIA_SSRC, seq++, f, TRUE, 100);
          gsize len;
          const guint8 *d = g_bytes_get_data (pkt, &len);
          GBytes *r;
          guint n = 0;

          g_assert_cmpint (confab_fec_encoder_add_media (enc, d, len, FALSE), ==, CONFAB_FEC_OK);
          frames_since++;
          while ((r = confab_fec_encoder_pop_repair (enc)) != NULL)
            {
              ConfabRtpView v;
              gsize rlen;
              const guint8 *rd = g_bytes_get_data (r, &rlen);

              g_assert_cmpint (confab_rtp_view_parse (&v, rd, rlen), ==, CONFAB_FEC_OK);
              /* SN base: the first packet the repair covers, inside the block */
              g_assert_cmpint (
                  confab_seq_diff (confab_read_u16 (v.payload + 8), (guint16) (seq - frames_since)),
                  >=, 0);
              g_assert_cmpint (confab_seq_diff (confab_read_u16 (v.payload + 8), seq), <, 0);
              g_bytes_unref (r);
              n++;
            }
          if (n > 0)
            {
              g_assert_cmpuint (frames_since, >=, MAX (min_block, 2u));
              frames_since = 0;
            }
          else
            g_assert_cmpuint (frames_since, <, MAX (min_block, 2u) + 2);
        }
      g_rand_free (rand);
    }
}

/* Adds the media packets a FlexFEC repair packet covers to [*lo, *hi] (packet indexes from
 * sequence number @seq0). */
static void
repair_coverage (GBytes *repair, guint16 seq0, guint *lo, guint *hi)
{
  ConfabRtpView v;
  ConfabFecRepairInfo info;
  gsize len;
  const guint8 *d = g_bytes_get_data (repair, &len);

  g_assert_cmpint (confab_rtp_view_parse (&v, d, len), ==, CONFAB_FEC_OK);
  g_assert_cmpint (confab_flexfec_parse (&v, &info), ==, CONFAB_FEC_OK);
  CONFAB_FEC_BITS_FOREACH (&info.protected[0].mask, b)
  {
    guint i = (guint16) (info.protected[0].sn_base + b - seq0);

    *lo = MIN (*lo, i);
    *hi = MAX (*hi, i);
  }
}

/* A delay budget: blocks span the 30 fps frames (8 packets, 3000 ticks apart) whose
 * timestamps lie within the budget of the block's first, and end before a frame that comes
 * later than expected would exceed it. The first packet of every block is lost and comes
 * back. */
static void
test_encoder_delay_budget (void)
{
  const FecTestBudgetCase *cases = fec_test_budget_cases;
  enum
  {
    FRAMES = FEC_TEST_BUDGET_FRAMES,
    PAUSE = FEC_TEST_BUDGET_PAUSE
  };

  for (guint c = 0; c < G_N_ELEMENTS (fec_test_budget_cases); c++)
    {
      ConfabFecEncoderConfig cfg;
      g_autoptr (ConfabFecEncoder) enc = NULL;
      g_autoptr (ConfabFecDecoder) dec = fec_test_decoder_new (FLEX_PT, REPAIR_SSRC, -1, -1);
      GRand *rand = g_rand_new_with_seed (31);
      GPtrArray *media = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      guint32 ts[FRAMES * 8];
      guint32 t = 7;
      guint blocks = 0, recovered = 0, covered = 0;
      gsize len;

      confab_fec_encoder_config_init (&cfg);
      cfg.payload_type = FLEX_PT;
      cfg.repair_ssrc = REPAIR_SSRC;
      cfg.overhead_percent = 25;
      cfg.delay_budget_ms = cases[c].budget_ms;
      enc = confab_fec_encoder_new (&cfg, NULL);
      g_assert_nonnull (enc);
      for (guint p = 0; p <= FRAMES * 8; p++)
        {
          guint lo = G_MAXUINT, hi = 0, n = 0;
          GBytes *r;
          GPtrArray *repairs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

          if (p < FRAMES * 8)
            {
              GBytes *pkt;
              const guint8 *d;

              pkt = fec_test_budget_packet (rand, MEDIA_SSRC, p, PAUSE, &t);
              ts[p] = t;
              d = g_bytes_get_data (pkt, &len);
              g_assert_cmpint (confab_fec_encoder_add_media (enc, d, len, FALSE), ==,
                               CONFAB_FEC_OK);
              g_ptr_array_add (media, pkt);
            }
          else
            confab_fec_encoder_flush (enc);
          while ((r = confab_fec_encoder_pop_repair (enc)) != NULL)
            {
              repair_coverage (r, 65000, &lo, &hi);
              g_ptr_array_add (repairs, r);
              n++;
            }
          if (n == 0)
            {
              g_ptr_array_unref (repairs);
              continue;
            }
          /* One block: the packets after the last one, two repairs per eight, the last
           * frame within the budget of the first, and as many frames as fit but before the
           * pause and at the end. */
          blocks++;
          g_assert_cmpuint (lo, ==, covered);
          g_assert_cmpuint ((hi + 1) % 8, ==, 0);
          g_assert_cmpuint (n, ==, (hi + 1 - lo) / 4);
          g_assert_cmpuint (ts[hi] - ts[lo], <=, cases[c].budget_ms * 90);
          if (lo / 8 != PAUSE - 1 && hi < FRAMES * 8 - 1)
            g_assert_cmpuint (hi + 1 - lo, ==, 8 * cases[c].frames_per_block);
          covered = hi + 1;
          /* The block's media but its first, then its repair packets. */
          for (guint i = lo + 1; i <= hi; i++)
            {
              const guint8 *d = g_bytes_get_data (g_ptr_array_index (media, i), &len);

              confab_fec_decoder_push (dec, d, len, NULL);
            }
          for (guint i = 0; i < repairs->len; i++)
            {
              const guint8 *d = g_bytes_get_data (g_ptr_array_index (repairs, i), &len);

              confab_fec_decoder_push (dec, d, len, NULL);
            }
          while (confab_fec_decoder_next_recovered (dec, &len) != NULL)
            recovered++;
          g_ptr_array_unref (repairs);
        }
      g_assert_cmpuint (covered, ==, FRAMES * 8);
      g_assert_cmpuint (recovered, ==, blocks);
      g_ptr_array_unref (media);
      g_rand_free (rand);
    }
}

/* Sliding windows: after every 8-packet frame two repair packets over the packets sent within
 * the 100 ms budget (never older), the new frame's in at least one. One loss per frame, and
 * every third frame's repair packets lost too: most come back from the later frames' repair
 * packets; not all, as random binary rows over three losses are not always independent
 * (and the last frame has no later one). */
static void
test_encoder_sliding_window (void)
{
  ConfabFecEncoderConfig cfg;
  g_autoptr (ConfabFecEncoder) enc = NULL;
  g_autoptr (ConfabFecDecoder) dec = fec_test_decoder_new (FLEX_PT, REPAIR_SSRC, -1, -1);
  GRand *rand = g_rand_new_with_seed (5);
  guint32 ts[40 * 8];
  guint recovered = 0, lost = 0;
  gsize len;

  confab_fec_encoder_config_init (&cfg);
  cfg.payload_type = FLEX_PT;
  cfg.repair_ssrc = REPAIR_SSRC;
  cfg.overhead_percent = 25;
  cfg.delay_budget_ms = 100;
  cfg.family = CONFAB_FEC_MASK_SLIDING;
  enc = confab_fec_encoder_new (&cfg, NULL);
  g_assert_nonnull (enc);
  for (guint p = 0; p < 40 * 8; p++)
    {
      g_autoptr (GBytes) pkt = NULL;
      const guint8 *d;
      GBytes *r;
      guint n = 0, lo = G_MAXUINT, hi = 0;

      ts[p] = 1000 + (p / 8) * 3000;
      pkt = fec_test_media_packet (rand, MEDIA_SSRC, (guint16) (65300 + p), ts[p], p % 8 == 7, 300);
      d = g_bytes_get_data (pkt, &len);
      g_assert_cmpint (confab_fec_encoder_add_media (enc, d, len, FALSE), ==, CONFAB_FEC_OK);
      if (p % 8 == 3)
        lost++;
      else
        confab_fec_decoder_push (dec, d, len, NULL);
      while ((r = confab_fec_encoder_pop_repair (enc)) != NULL)
        {
          const guint8 *rd = g_bytes_get_data (r, &len);

          repair_coverage (r, 65300, &lo, &hi);
          if ((p / 8) % 3 != 0)
            confab_fec_decoder_push (dec, rd, len, NULL);
          g_bytes_unref (r);
          n++;
        }
      g_assert_cmpuint (n, ==, p % 8 == 7 ? 2 : 0);
      if (n > 0)
        {
          g_assert_cmpuint (hi, ==, p);
          g_assert_cmpuint (ts[p] - ts[lo], <=, 100 * 90);
        }
      while (confab_fec_decoder_next_recovered (dec, &len) != NULL)
        recovered++;
    }
  confab_fec_decoder_drain (dec);
  while (confab_fec_decoder_next_recovered (dec, &len) != NULL)
    recovered++;
  g_test_message ("sliding window: %u of %u lost packets recovered", recovered, lost);
  g_assert_cmpuint (recovered, >=, lost * 3 / 4);
  g_rand_free (rand);
}

/* FlexFEC's fixed codes at their largest: 11 x 10 = 110 packets, column repair packets in
 * the F=1 format, one loss in every column recovered. */
static void
test_fixed_large_block (void)
{
  ConfabFecEncoderConfig cfg;
  g_autoptr (ConfabFecEncoder) enc = NULL;
  g_autoptr (ConfabFecDecoder) dec = NULL;
  GRand *rand = g_rand_new_with_seed (17);
  GPtrArray *media = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GPtrArray *repairs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GBytes *r;
  guint recovered = 0;

  confab_fec_encoder_config_init (&cfg);
  cfg.payload_type = FLEX_PT;
  cfg.repair_ssrc = REPAIR_SSRC;
  cfg.family = CONFAB_FEC_MASK_COLUMNS;
  cfg.columns = 11;
  cfg.rows = 10;
  enc = confab_fec_encoder_new (&cfg, NULL);
  g_assert_nonnull (enc);
  for (guint i = 0; i < 110; i++)
    {
      GBytes *pkt
          = fec_test_media_packet (rand, MEDIA_SSRC, (guint16) (65500 + i), 5, i % 7 == 6, 200);
      gsize len;
      const guint8 *d = g_bytes_get_data (pkt, &len);

      g_assert_cmpint (confab_fec_encoder_add_media (enc, d, len, FALSE), ==, CONFAB_FEC_OK);
      g_ptr_array_add (media, pkt);
    }
  while ((r = confab_fec_encoder_pop_repair (enc)) != NULL)
    {
      ConfabRtpView v;
      gsize len;
      const guint8 *d = g_bytes_get_data (r, &len);

      g_assert_cmpint (confab_rtp_view_parse (&v, d, len), ==, CONFAB_FEC_OK);
      g_assert_cmphex (v.payload[0] & 0xc0, ==, 0x40); /* F=1 */
      g_assert_cmpuint (v.payload[10], ==, 11);        /* L */
      g_assert_cmpuint (v.payload[11], ==, 10);        /* D */
      g_ptr_array_add (repairs, r);
    }
  g_assert_cmpuint (repairs->len, ==, 11);

  dec = fec_test_decoder_new (FLEX_PT, 0, -1, -1);
  for (guint i = 0; i < 110; i++)
    {
      gsize len;
      const guint8 *d = g_bytes_get_data (g_ptr_array_index (media, i), &len);

      /* lose packet 12 * c of column c: one per column, spread over the rows */
      if (i % 11 == (i / 11) && i / 11 < 10)
        continue;
      confab_fec_decoder_push (dec, d, len, NULL);
    }
  for (guint i = 0; i < repairs->len; i++)
    {
      gsize len;
      const guint8 *d = g_bytes_get_data (g_ptr_array_index (repairs, i), &len);
      ConfabFecStatus st;

      confab_fec_decoder_push (dec, d, len, &st);
      g_assert_cmpint (st, ==, CONFAB_FEC_OK);
    }
  while ((r = confab_fec_decoder_pop_recovered (dec)) != NULL)
    {
      ConfabRtpView v;
      gsize len;
      const guint8 *d = g_bytes_get_data (r, &len);

      g_assert_cmpint (confab_rtp_view_parse (&v, d, len), ==, CONFAB_FEC_OK);
      g_assert_true (g_bytes_equal (r, g_ptr_array_index (media, (guint16) (v.seq - 65500))));
      recovered++;
      g_bytes_unref (r);
    }
  g_assert_cmpuint (recovered, ==, 10);
  g_ptr_array_unref (media);
  g_ptr_array_unref (repairs);
  g_rand_free (rand);
}

/* One FlexFEC repair packet over two SSRCs (its CSRC list names both): losing a packet of
 * either stream is recovered. */
static void
test_multi_ssrc (void)
{
  GRand *rand = g_rand_new_with_seed (23);
  ConfabFecParity *parity = g_new (ConfabFecParity, 1);
  ConfabFecRepairInfo info = { 0 };
  GBytes *a[3], *b[2];
  g_autoptr (GBytes) repair = NULL;
  g_autoptr (ConfabFecDecoder) dec = NULL;
  ConfabFecStatus st;
  GBytes *rec;

  confab_fec_parity_reset (parity);
  for (guint i = 0; i < 3; i++)
    {
      gsize len;
      const guint8 *d;

      a[i] = fec_test_media_packet (rand, MEDIA_SSRC, (guint16) (65535 + i), 1, FALSE, 300);
      d = g_bytes_get_data (a[i], &len);
      confab_fec_parity_add (parity, d, len);
    }
  for (guint i = 0; i < 2; i++)
    {
      gsize len;
      const guint8 *d;

      b[i] = fec_test_media_packet (rand, MEDIA_SSRC + 7, (guint16) (1000 + i), 1, FALSE, 300);
      d = g_bytes_get_data (b[i], &len);
      confab_fec_parity_add (parity, d, len);
    }
  confab_fec_repair_info_set_parity (&info, parity);
  info.n_protected = 2;
  info.protected[0].ssrc = MEDIA_SSRC;
  info.protected[0].sn_base = 65535;
  for (guint i = 0; i < 3; i++)
    confab_fec_bits_set (&info.protected[0].mask, i);
  info.protected[1].ssrc = MEDIA_SSRC + 7;
  info.protected[1].sn_base = 1000;
  for (guint i = 0; i < 2; i++)
    confab_fec_bits_set (&info.protected[1].mask, i);
  repair = confab_flexfec_packet_new (&info, CONFAB_FLEXFEC_FORMAT_FLEXIBLE, FLEX_PT, REPAIR_SSRC,
                                      1, 1);
  g_assert_nonnull (repair);

  dec = fec_test_decoder_new (FLEX_PT, 0, -1, -1);
  /* a[1] (sequence number 0, after the wrap) is lost */
  for (guint i = 0; i < 3; i++)
    if (i != 1)
      {
        gsize len;
        const guint8 *d = g_bytes_get_data (a[i], &len);

        confab_fec_decoder_push (dec, d, len, NULL);
      }
  for (guint i = 0; i < 2; i++)
    {
      gsize len;
      const guint8 *d = g_bytes_get_data (b[i], &len);

      confab_fec_decoder_push (dec, d, len, NULL);
    }
  {
    gsize len;
    const guint8 *d = g_bytes_get_data (repair, &len);

    g_assert_cmpint (confab_fec_decoder_push (dec, d, len, &st), ==, CONFAB_FEC_PACKET_REPAIR);
    g_assert_cmpint (st, ==, CONFAB_FEC_OK);
  }
  rec = confab_fec_decoder_pop_recovered (dec);
  g_assert_nonnull (rec);
  g_assert_true (g_bytes_equal (rec, a[1]));
  g_bytes_unref (rec);
  g_assert_null (confab_fec_decoder_pop_recovered (dec));

  for (guint i = 0; i < 3; i++)
    g_bytes_unref (a[i]);
  for (guint i = 0; i < 2; i++)
    g_bytes_unref (b[i]);
  g_free (parity);
  g_rand_free (rand);
}

static void
test_encoder_config (void)
{
  ConfabFecEncoderConfig cfg;
  g_autoptr (GError) error = NULL;
  ConfabFecEncoder *enc;

  confab_fec_encoder_config_init (&cfg);
  cfg.red_payload_type = 116; /* RED with FlexFEC makes no sense */
  enc = confab_fec_encoder_new (&cfg, &error);
  g_assert_null (enc);
  g_assert_error (error, CONFAB_FEC_ERROR, CONFAB_FEC_ERR_INVALID_ARGUMENT);
  g_clear_error (&error);
  confab_fec_encoder_config_init (&cfg);
  cfg.family = CONFAB_FEC_MASK_COLUMNS;
  cfg.columns = 20;
  cfg.rows = 20; /* 400 packets: more than a mask can address */
  cfg.scheme = CONFAB_FEC_SCHEME_FLEXFEC;
  enc = confab_fec_encoder_new (&cfg, &error);
  /* capped to 110 packets: 20 columns of up to 6 */
  g_assert_no_error (error);
  confab_fec_encoder_free (enc);
}

/* Encoders whose FlexFEC packets go out on one repair SSRC number them from one counter. */
static void
test_shared_repair_seq (void)
{
  GRand *rand = g_rand_new_with_seed (11);
  guint16 next = 65534;
  ConfabFecEncoderConfig cfg;
  ConfabFecEncoder *enc[2];
  guint16 expect = next;

  confab_fec_encoder_config_init (&cfg);
  cfg.payload_type = FLEX_PT;
  cfg.repair_ssrc = REPAIR_SSRC;
  cfg.overhead_percent = 100;
  cfg.shared_repair_seq = &next;
  for (guint e = 0; e < 2; e++)
    {
      enc[e] = confab_fec_encoder_new (&cfg, NULL);
      g_assert_nonnull (enc[e]);
    }
  /* Frames of two packets from either stream in turn, across the sequence wrap. */
  for (guint f = 0; f < 8; f++)
    {
      ConfabFecEncoder *x = enc[f % 2];
      GBytes *r;

      for (guint i = 0; i < 2; i++)
        {
          g_autoptr (GBytes) pkt = fec_test_media_packet (
              rand, MEDIA_SSRC + f % 2, (guint16) (100 + 2 * (f / 2) + i), f, i == 1, 100);

          g_assert_cmpint (confab_fec_encoder_add_media (x, g_bytes_get_data (pkt, NULL),
                                                         g_bytes_get_size (pkt), FALSE),
                           ==, CONFAB_FEC_OK);
        }
      while ((r = confab_fec_encoder_pop_repair (x)) != NULL)
        {
          ConfabRtpView v;

          g_assert_cmpint (
              confab_rtp_view_parse (&v, g_bytes_get_data (r, NULL), g_bytes_get_size (r)), ==,
              CONFAB_FEC_OK);
          g_assert_cmpuint (v.seq, ==, expect++);
          g_bytes_unref (r);
        }
    }
  g_assert_cmpuint (next, ==, expect);
  g_assert_cmpuint ((guint16) (expect - 65534), ==, 16);
  for (guint e = 0; e < 2; e++)
    confab_fec_encoder_free (enc[e]);
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/confab/fec/stream/lossless-passthrough", test_lossless_passthrough);
  g_test_add_func ("/confab/fec/stream/random", test_random_streams);
  g_test_add_func ("/confab/fec/stream/residual-reference", test_residual_reference);
  g_test_add_func ("/confab/fec/encoder/overhead", test_encoder_overhead);
  g_test_add_func ("/confab/fec/encoder/block-boundaries", test_encoder_block_boundaries);
  g_test_add_func ("/confab/fec/encoder/delay-budget", test_encoder_delay_budget);
  g_test_add_func ("/confab/fec/encoder/sliding-window", test_encoder_sliding_window);
  g_test_add_func ("/confab/fec/encoder/fixed-large-block", test_fixed_large_block);
  g_test_add_func ("/confab/fec/encoder/config", test_encoder_config);
  g_test_add_func ("/confab/fec/encoder/shared-repair-seq", test_shared_repair_seq);
  g_test_add_func ("/confab/fec/decoder/multi-ssrc", test_multi_ssrc);
  return g_test_run ();
}
