/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The decoder's elimination on hand-made loss patterns, where which repair packet waits in
 * which entry and which packets share a window slot are chosen, not left to chance. */
#include <string.h>

#include "confab-fec-decoder.h"
#include "confab-fec-encoder.h"
#include "confab-fec-parity.h"
#include "confab-flexfec.h"
#include "fec-test-util.h"

#define MEDIA_SSRC 0x0a1b2c3du
#define REPAIR_SSRC 0x4e5f6071u
#define FLEX_PT 110
#define BASE 1000
#define HIGHEST 1300

/* A repair packet over the listed packets of @media (indexed by sequence number - BASE). */
static GBytes *
repair_over (GBytes **media, const guint16 *seqs, guint n)
{
  ConfabFecParity parity;
  ConfabFecRepairInfo info = { 0 };
  guint16 lo = G_MAXUINT16;

  confab_fec_parity_reset (&parity);
  for (guint i = 0; i < n; i++)
    {
      gsize len;
      const guint8 *d = g_bytes_get_data (media[seqs[i] - BASE], &len);

      confab_fec_parity_add (&parity, d, len);
      lo = MIN (lo, seqs[i]);
    }
  confab_fec_repair_info_set_parity (&info, &parity);
  info.n_protected = 1;
  info.protected[0].ssrc = MEDIA_SSRC;
  info.protected[0].sn_base = lo;
  for (guint i = 0; i < n; i++)
    confab_fec_bits_set (&info.protected[0].mask, seqs[i] - lo);
  return confab_flexfec_packet_new (&info, CONFAB_FLEXFEC_FORMAT_FLEXIBLE, FLEX_PT, REPAIR_SSRC, 1,
                                    0);
}

/* A and B = A + 256 are both missing and share a slot of the 256-packet window (B is above
 * the highest packet received, which a repair packet may cover). The repair packets arrive
 * as {A, C}, {B, E}, {A, D}, {C, D, F}: the elimination meets A, then B in A's slot, then A
 * again. The first, third and fourth XOR to F alone only if A is one column both times. */
static void
test_slot_alias (void)
{
  enum
  {
    A = 1100,
    C = 1101,
    D = 1102,
    F = 1103,
    B = A + 256,
    E = B + 1,
    N = E - BASE + 1
  };
  static const guint16 r1[] = { A, C }, r2[] = { B, E }, r3[] = { A, D }, r4[] = { C, D, F };
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  g_autoptr (ConfabFecDecoder) dec = fec_test_decoder_new (FLEX_PT, REPAIR_SSRC, -1, -1);
  GBytes *media[N];
  GBytes *repairs[4];
  GBytes *rec;
  ConfabFecDecoderStats st;

  for (guint i = 0; i < N; i++)
    media[i] = fec_test_media_packet (rand, MEDIA_SSRC, (guint16) (BASE + i), 90 * i, FALSE, 400);
  for (guint16 seq = BASE; seq <= HIGHEST; seq++)
    if (seq != A && seq != C && seq != D && seq != F)
      {
        gsize len;
        const guint8 *d = g_bytes_get_data (media[seq - BASE], &len);

        g_assert_cmpint (confab_fec_decoder_push (dec, d, len, NULL), ==, CONFAB_FEC_PACKET_MEDIA);
      }
  repairs[0] = repair_over (media, r1, G_N_ELEMENTS (r1));
  repairs[1] = repair_over (media, r2, G_N_ELEMENTS (r2));
  repairs[2] = repair_over (media, r3, G_N_ELEMENTS (r3));
  repairs[3] = repair_over (media, r4, G_N_ELEMENTS (r4));
  for (guint i = 0; i < G_N_ELEMENTS (repairs); i++)
    {
      gsize len;
      const guint8 *d = g_bytes_get_data (repairs[i], &len);
      ConfabFecStatus status = CONFAB_FEC_ERR_INVALID_ARGUMENT;

      g_assert_cmpint (confab_fec_decoder_push (dec, d, len, &status), ==,
                       CONFAB_FEC_PACKET_REPAIR);
      g_assert_cmpint (status, ==, CONFAB_FEC_OK);
    }

  rec = confab_fec_decoder_pop_recovered (dec);
  g_assert_nonnull (rec);
  g_assert_true (g_bytes_equal (rec, media[F - BASE]));
  g_bytes_unref (rec);
  g_assert_null (confab_fec_decoder_pop_recovered (dec));
  confab_fec_decoder_get_stats (dec, &st);
  g_assert_cmpuint (st.recovered, ==, 1);
  g_assert_cmpuint (st.recovery_failed, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (repairs); i++)
    g_bytes_unref (repairs[i]);
  for (guint i = 0; i < N; i++)
    g_bytes_unref (media[i]);
}

/* Recovered packets of one decoder, in order, as one string of bytes. */
static GByteArray *
drain_all (ConfabFecDecoder *dec, GByteArray *into)
{
  const guint8 *r;
  gsize len;

  while ((r = confab_fec_decoder_next_recovered (dec, &len)) != NULL)
    g_byte_array_append (into, r, (guint) len);
  return into;
}

/* Batches give what the packets one by one give: the same recovered packets, in the same
 * order, and the same counters. */
static void
test_push_many (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  ConfabFecEncoderConfig ec;
  g_autoptr (ConfabFecEncoder) enc = NULL;
  g_autoptr (ConfabFecDecoder) one = fec_test_decoder_new (FLEX_PT, REPAIR_SSRC, -1, -1);
  g_autoptr (ConfabFecDecoder) many = fec_test_decoder_new (FLEX_PT, REPAIR_SSRC, -1, -1);
  GPtrArray *wire = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GByteArray) out_one = g_byte_array_new ();
  g_autoptr (GByteArray) out_many = g_byte_array_new ();
  ConfabFecDecoderStats s1, s2;
  GBytes *r;

  confab_fec_encoder_config_init (&ec);
  ec.payload_type = FLEX_PT;
  ec.repair_ssrc = REPAIR_SSRC;
  ec.overhead_percent = 30;
  enc = confab_fec_encoder_new (&ec, NULL);
  for (guint i = 0; i < 3000; i++)
    {
      GBytes *m = fec_test_media_packet (rand, MEDIA_SSRC, (guint16) (60000 + i), i / 6, i % 6 == 5,
                                         1000);
      gsize len;
      const guint8 *d = g_bytes_get_data (m, &len);

      confab_fec_encoder_add_media (enc, d, len, FALSE);
      if (g_rand_int_range (rand, 0, 10) != 0)
        g_ptr_array_add (wire, m);
      else
        g_bytes_unref (m);
      while ((r = confab_fec_encoder_pop_repair (enc)) != NULL)
        if (g_rand_int_range (rand, 0, 10) != 0)
          g_ptr_array_add (wire, r);
        else
          g_bytes_unref (r);
    }
  for (guint i = 0; i < wire->len;)
    {
      const guint8 *data[7];
      gsize lens[7];
      ConfabFecPacketKind kinds[7];
      guint n = 0;

      for (; n < G_N_ELEMENTS (data) && i + n < wire->len; n++)
        data[n] = g_bytes_get_data (g_ptr_array_index (wire, i + n), &lens[n]);
      confab_fec_decoder_push_many (many, data, lens, n, kinds);
      drain_all (many, out_many);
      for (guint j = 0; j < n; j++)
        {
          g_assert_cmpint (confab_fec_decoder_push (one, data[j], lens[j], NULL), ==, kinds[j]);
          drain_all (one, out_one);
        }
      i += n;
    }
  confab_fec_decoder_get_stats (one, &s1);
  confab_fec_decoder_get_stats (many, &s2);
  g_assert_cmpuint (s1.recovered, >, 100);
  g_assert_cmpuint (s1.recovered, ==, s2.recovered);
  g_assert_cmpuint (s1.eliminations, ==, s2.eliminations);
  g_assert_cmpmem (out_one->data, out_one->len, out_many->data, out_many->len);
  g_ptr_array_unref (wire);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/confab/fec/decoder/elimination-slot-alias", test_slot_alias);
  g_test_add_func ("/confab/fec/decoder/push-many", test_push_many);
  return g_test_run ();
}
