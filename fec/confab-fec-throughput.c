/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-fec-throughput: encode and decode speed of the FEC core at 1200-byte packets, next
 * to memcpy on the same machine, and the decoder's peak memory under a flood of repair
 * packets. One core; run it on an idle machine.
 *
 *   confab-fec-throughput [--packets N] [--loss PERCENT] [--overhead PERCENT] [--seed S]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confab-fec-decoder.h"
#include "confab-fec-encoder.h"
#include "confab-fec-rs-decoder.h"
#include "confab-fec-rs-encoder.h"
#include "confab-fec-rs.h"
#include "confab-rtp-packet.h"

#define PAYLOAD 1200
#define FRAME 12
#define MEDIA_SSRC 0x01020304u
/* Best of this many runs of everything timed: on a shared machine a run that nothing
 * interrupted is what measures the code. */
#define REPEAT 5
#define REPAIR_SSRC 0x05060708u
/* Packets per confab_fec_decoder_push_many() call: what one recvmmsg() might return. */
#define BATCH 16
#define FLEX_PT 110
#define ULP_PT 97
#define RS_PT 112

/* The three codes behind one set of calls, so each is timed by the same loops. */
typedef enum
{
  CODE_ULPFEC,
  CODE_FLEXFEC,
  CODE_RS,
  N_CODES,
} Code;

static const char *const code_names[N_CODES] = { "ulpfec", "flexfec", "rs" };

typedef struct
{
  gpointer (*enc_new) (Code code, guint overhead);
  void (*enc_add) (gpointer enc, const guint8 *data, gsize len);
  const guint8 *(*enc_next) (gpointer enc, gsize *len);
  void (*enc_free) (gpointer enc);
  gpointer (*dec_new) (void);
  void (*dec_push) (gpointer dec, const guint8 *data, gsize len);
  /* A batch of packets in one call, or NULL when the code has no such call. */
  void (*dec_push_many) (gpointer dec, const guint8 *const *data, const gsize *len, guint n);
  const guint8 *(*dec_next) (gpointer dec, gsize *len);
  void (*dec_stats) (gpointer dec, ConfabFecDecoderStats *st);
  void (*dec_free) (gpointer dec);
} CodeOps;

static gpointer
xor_enc_new (Code code, guint overhead)
{
  ConfabFecEncoderConfig ecfg;

  confab_fec_encoder_config_init (&ecfg);
  ecfg.scheme = code == CODE_FLEXFEC ? CONFAB_FEC_SCHEME_FLEXFEC : CONFAB_FEC_SCHEME_ULPFEC;
  ecfg.payload_type = code == CODE_FLEXFEC ? FLEX_PT : ULP_PT;
  ecfg.repair_ssrc = REPAIR_SSRC;
  ecfg.overhead_percent = overhead;
  ecfg.key_frame_overhead_percent = overhead;
  return confab_fec_encoder_new (&ecfg, NULL);
}

static void
xor_enc_add (gpointer enc, const guint8 *data, gsize len)
{
  confab_fec_encoder_add_media (enc, data, len, FALSE);
}

static gpointer
xor_dec_new (void)
{
  ConfabFecDecoderConfig dcfg;

  confab_fec_decoder_config_init (&dcfg);
  dcfg.flexfec_pt = FLEX_PT;
  dcfg.ulpfec_pt = ULP_PT;
  return confab_fec_decoder_new (&dcfg, NULL);
}

static void
xor_dec_push (gpointer dec, const guint8 *data, gsize len)
{
  confab_fec_decoder_push (dec, data, len, NULL);
}

static void
xor_dec_push_many (gpointer dec, const guint8 *const *data, const gsize *len, guint n)
{
  confab_fec_decoder_push_many (dec, data, len, n, NULL);
}

static const CodeOps xor_ops = {
  xor_enc_new,
  xor_enc_add,
  (gpointer) confab_fec_encoder_next_repair,
  (gpointer) confab_fec_encoder_free,
  xor_dec_new,
  xor_dec_push,
  xor_dec_push_many,
  (gpointer) confab_fec_decoder_next_recovered,
  (gpointer) confab_fec_decoder_get_stats,
  (gpointer) confab_fec_decoder_free,
};

static gpointer
rs_enc_new (Code code, guint overhead)
{
  ConfabFecRsEncoderConfig ecfg;

  (void) code;
  confab_fec_rs_encoder_config_init (&ecfg);
  ecfg.payload_type = RS_PT;
  ecfg.repair_ssrc = REPAIR_SSRC;
  ecfg.overhead_percent = overhead;
  ecfg.key_frame_overhead_percent = overhead;
  return confab_fec_rs_encoder_new (&ecfg, NULL);
}

static void
rs_enc_add (gpointer enc, const guint8 *data, gsize len)
{
  confab_fec_rs_encoder_add_media (enc, data, len, FALSE);
}

static gpointer
rs_dec_new (void)
{
  ConfabFecRsDecoderConfig dcfg;

  confab_fec_rs_decoder_config_init (&dcfg);
  dcfg.payload_type = RS_PT;
  return confab_fec_rs_decoder_new (&dcfg, NULL);
}

static void
rs_dec_push (gpointer dec, const guint8 *data, gsize len)
{
  confab_fec_rs_decoder_push (dec, data, len, NULL);
}

static const CodeOps rs_ops = {
  rs_enc_new,
  rs_enc_add,
  (gpointer) confab_fec_rs_encoder_next_repair,
  (gpointer) confab_fec_rs_encoder_free,
  rs_dec_new,
  rs_dec_push,
  NULL,
  (gpointer) confab_fec_rs_decoder_next_recovered,
  (gpointer) confab_fec_rs_decoder_get_stats,
  (gpointer) confab_fec_rs_decoder_free,
};

static GBytes *
make_media (GRand *rand, guint16 seq, guint32 ts, gboolean marker)
{
  ConfabRtpHeader h
      = { .marker = marker, .payload_type = 96, .seq = seq, .timestamp = ts, .ssrc = MEDIA_SSRC };
  guint8 payload[PAYLOAD];

  for (guint i = 0; i < PAYLOAD; i += 4)
    {
      guint32 r = g_rand_int (rand);

      memcpy (payload + i, &r, 4);
    }
  return confab_rtp_packet_new (&h, payload, PAYLOAD);
}

typedef struct
{
  double encode_gbps;
  double decode_gbps;
  double decode_lossy_gbps;
  double decode_lossy_batch_gbps; /* in batches of BATCH packets; 0: no batch call */
  guint64 recovered;
  guint64 lost;
  guint64 eliminations;
} Result;

static void
run_scheme (Code code, guint n_packets, guint overhead, double loss, guint32 seed, GBytes **media,
            Result *res)
{
  const CodeOps *ops = code == CODE_RS ? &rs_ops : &xor_ops;
  gpointer enc;
  GPtrArray *wire = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GPtrArray *lossy = g_ptr_array_new ();
  GRand *rand = g_rand_new_with_seed (seed);
  gint64 t0, t1;

  /* Encode: only the encoder is timed (best of REPEAT runs, the machine may be shared); the
   * wire list is built in a separate pass. */
  res->encode_gbps = 0;
  for (guint rep = 0; rep < REPEAT; rep++)
    {
      enc = ops->enc_new (code, overhead);
      t0 = g_get_monotonic_time ();
      for (guint i = 0; i < n_packets; i++)
        {
          gsize len;
          const guint8 *d = g_bytes_get_data (media[i], &len);
          gsize rlen;

          ops->enc_add (enc, d, len);
          /* A sender sends them from the encoder's buffers before its next call. */
          while (ops->enc_next (enc, &rlen) != NULL)
            ;
        }
      t1 = g_get_monotonic_time ();
      res->encode_gbps = MAX (res->encode_gbps, (double) n_packets * PAYLOAD / ((t1 - t0) * 1e3));
      ops->enc_free (enc);
    }

  enc = ops->enc_new (code, overhead);
  for (guint i = 0; i < n_packets; i++)
    {
      gsize len;
      const guint8 *d = g_bytes_get_data (media[i], &len);
      const guint8 *r;
      gsize rlen;

      ops->enc_add (enc, d, len);
      g_ptr_array_add (wire, g_bytes_ref (media[i]));
      while ((r = ops->enc_next (enc, &rlen)) != NULL)
        g_ptr_array_add (wire, g_bytes_new (r, rlen));
    }
  ops->enc_free (enc);

  res->lost = 0;
  for (guint i = 0; i < wire->len; i++)
    {
      GBytes *b = g_ptr_array_index (wire, i);
      gsize len;
      const guint8 *d = g_bytes_get_data (b, &len);

      if (g_rand_double (rand) < loss)
        {
          if (d[1] == 96 || d[1] == (0x80 | 96))
            res->lost++;
          continue;
        }
      g_ptr_array_add (lossy, b);
    }

  res->decode_gbps = res->decode_lossy_gbps = res->decode_lossy_batch_gbps = 0;
  for (guint pass = 0; pass < 3 * REPEAT; pass++)
    {
      /* Passes take turns: everything, the lossy wire, the lossy wire in batches. */
      gboolean batch = pass % 3 == 2;
      GPtrArray *in = pass % 3 == 0 ? wire : lossy;
      gpointer dec;
      ConfabFecDecoderStats st;
      double gbps;

      if (batch && ops->dec_push_many == NULL)
        continue;
      dec = ops->dec_new ();
      t0 = g_get_monotonic_time ();
      for (guint i = 0; i < in->len;)
        {
          const guint8 *data[BATCH];
          gsize len[BATCH];
          guint n = 0;
          gsize rlen;

          for (; n < (batch ? BATCH : 1) && i < in->len; n++, i++)
            data[n] = g_bytes_get_data (g_ptr_array_index (in, i), &len[n]);
          if (batch)
            ops->dec_push_many (dec, data, len, n);
          else
            ops->dec_push (dec, data[0], len[0]);
          while (ops->dec_next (dec, &rlen) != NULL)
            ;
        }
      t1 = g_get_monotonic_time ();
      ops->dec_stats (dec, &st);
      /* Throughput of media payload delivered (received plus recovered). */
      gbps = (double) ((st.media_packets + st.recovered) * PAYLOAD) / ((t1 - t0) * 1e3);
      if (pass % 3 == 0)
        res->decode_gbps = MAX (res->decode_gbps, gbps);
      else if (batch)
        res->decode_lossy_batch_gbps = MAX (res->decode_lossy_batch_gbps, gbps);
      else
        {
          res->decode_lossy_gbps = MAX (res->decode_lossy_gbps, gbps);
          res->recovered = st.recovered;
          res->eliminations = st.eliminations;
        }
      ops->dec_free (dec);
    }
  g_ptr_array_unref (lossy);
  g_ptr_array_unref (wire);
  g_rand_free (rand);
}

static double
memcpy_gbps (GBytes **media, guint n)
{
  guint8 *ring = g_malloc (FRAME * 2048);
  volatile guint8 sink = 0;
  double best = 0;

  for (guint rep = 0; rep < REPEAT; rep++)
    {
      gint64 t0 = g_get_monotonic_time (), t1;

      for (guint i = 0; i < n; i++)
        {
          gsize len;
          const guint8 *d = g_bytes_get_data (media[i], &len);

          memcpy (ring + (i % FRAME) * 2048, d, len);
          sink ^= ring[(i % FRAME) * 2048 + 100];
        }
      t1 = g_get_monotonic_time ();
      best = MAX (best, (double) n * PAYLOAD / ((t1 - t0) * 1e3));
    }
  (void) sink;
  g_free (ring);
  return best;
}

/* A flood of bogus repair packets (one packet in eight is media, on a handful of SSRCs, some
 * new each time): the decoder's memory must stay bounded. */
static void
flood (Code code, guint32 seed)
{
  const CodeOps *ops = code == CODE_RS ? &rs_ops : &xor_ops;
  gpointer dec = ops->dec_new ();
  GRand *rand = g_rand_new_with_seed (seed);
  ConfabFecDecoderStats st;
  guint8 pkt[1500];
  guint16 seq = 0;
  gint64 t0 = g_get_monotonic_time ();

  for (guint i = 0; i < 200000; i++)
    {
      ConfabRtpHeader h = { .ssrc = REPAIR_SSRC };
      gsize len = 0;
      guint8 payload[1400];
      guint16 base = (guint16) (seq - 100 + g_rand_int_range (rand, 0, 150));

      for (gsize j = 0; j < sizeof payload; j += 4)
        {
          guint32 r = g_rand_int (rand);

          memcpy (payload + j, &r, 4);
        }
      if (i % 8 == 0)
        {
          h.payload_type = 96;
          h.ssrc = i % 64 == 0 ? g_rand_int (rand) : MEDIA_SSRC;
          h.seq = seq++;
        }
      else if (code == CODE_RS)
        {
          /* blocks of any size around the window, any repair index */
          ConfabFecRsRepair r = { .ssrc = MEDIA_SSRC,
                                  .sn_base = base,
                                  .k = (guint8) g_rand_int_range (rand, 1, 129),
                                  .m = (guint8) g_rand_int_range (rand, 1, 65) };

          r.index = (guint8) g_rand_int_range (rand, 0, r.m);
          h.payload_type = RS_PT;
          confab_fec_rs_write_header (&r, payload);
        }
      else
        {
          /* FlexFEC packets naming packets around the window, each needing several */
          h.payload_type = FLEX_PT;
          h.csrc_count = 1;
          h.csrcs[0] = MEDIA_SSRC;
          payload[0] = 0;
          confab_write_u16 (payload + 8, base);
          payload[12] &= 0x7f; /* more mask words follow */
          payload[16] &= 0x7f;
        }
      confab_rtp_write (&h, payload, sizeof payload, pkt, sizeof pkt, &len);
      ops->dec_push (dec, pkt, len);
      ops->dec_next (dec, &(gsize){ 0 });
    }
  ops->dec_stats (dec, &st);
  printf ("%-8s flood: 200000 packets (175000 repair, random blocks and SSRCs) in %.2f s: peak "
          "decoder memory %.2f MiB, %" G_GUINT64_FORMAT " repair rejected, %" G_GUINT64_FORMAT
          " recovered, %" G_GUINT64_FORMAT " %s\n",
          code_names[code], (g_get_monotonic_time () - t0) / 1e6, st.peak_memory_bytes / 1048576.0,
          st.repair_rejected, st.recovered, st.eliminations,
          code == CODE_RS ? "blocks decoded" : "eliminations");
  ops->dec_free (dec);
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  guint n = 200000;
  guint overhead = 25;
  double loss = 0.10;
  guint32 seed = 1;
  GBytes **media;
  GRand *rand;
  double mc;
  Result results[N_CODES] = { 0 };

  for (int i = 1; i + 1 < argc; i += 2)
    {
      if (strcmp (argv[i], "--packets") == 0)
        n = (guint) atoi (argv[i + 1]);
      else if (strcmp (argv[i], "--loss") == 0)
        loss = atof (argv[i + 1]) / 100.0;
      else if (strcmp (argv[i], "--overhead") == 0)
        overhead = (guint) atoi (argv[i + 1]);
      else if (strcmp (argv[i], "--seed") == 0)
        seed = (guint32) atoi (argv[i + 1]);
    }
  rand = g_rand_new_with_seed (seed);
  media = g_new (GBytes *, n);
  for (guint i = 0; i < n; i++)
    media[i] = make_media (rand, (guint16) (60000 + i), (i / FRAME) * 3000, i % FRAME == FRAME - 1);

  /* memcpy is measured between the codes too, and the best of all is the reference, so
   * every code is held against the same, least disturbed, figure. */
  mc = memcpy_gbps (media, n);
  for (Code c = 0; c < N_CODES; c++)
    {
      run_scheme (c, n, overhead, loss, seed, media, &results[c]);
      mc = MAX (mc, memcpy_gbps (media, n));
    }
  printf ("%u media packets of %d bytes payload, frames of %d, %u%% overhead, seed %u\n", n,
          PAYLOAD, FRAME, overhead, seed);
  printf ("memcpy                      %6.2f GB/s\n", mc);
  for (Code c = 0; c < N_CODES; c++)
    {
      const Result *r = &results[c];

      printf ("%-8s encode             %6.2f GB/s (%.2f x memcpy)\n", code_names[c], r->encode_gbps,
              r->encode_gbps / mc);
      printf ("%-8s decode, no loss    %6.2f GB/s (%.2f x memcpy)\n", code_names[c], r->decode_gbps,
              r->decode_gbps / mc);
      printf ("%-8s decode, %4.1f%% loss %6.2f GB/s (%.2f x memcpy), %" G_GUINT64_FORMAT
              " of %" G_GUINT64_FORMAT " lost media recovered (%" G_GUINT64_FORMAT " %s)\n",
              code_names[c], loss * 100, r->decode_lossy_gbps, r->decode_lossy_gbps / mc,
              r->recovered, r->lost, r->eliminations,
              c == CODE_RS ? "blocks decoded" : "eliminations");
      if (r->decode_lossy_batch_gbps > 0)
        printf ("%-8s decode, %4.1f%% loss %6.2f GB/s (%.2f x memcpy) in batches of %d\n",
                code_names[c], loss * 100, r->decode_lossy_batch_gbps,
                r->decode_lossy_batch_gbps / mc, BATCH);
    }
  flood (CODE_FLEXFEC, seed);
  flood (CODE_RS, seed);
  for (guint i = 0; i < n; i++)
    g_bytes_unref (media[i]);
  g_free (media);
  g_rand_free (rand);
  return 0;
}
