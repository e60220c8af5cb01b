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
#include "confab-rtp-packet.h"

#define PAYLOAD 1200
#define FRAME 12
#define MEDIA_SSRC 0x01020304u
#define REPEAT 3
#define REPAIR_SSRC 0x05060708u
#define FLEX_PT 110
#define ULP_PT 97

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
  guint64 recovered;
  guint64 lost;
  guint64 eliminations;
} Result;

static void
run_scheme (ConfabFecScheme scheme, guint n_packets, guint overhead, double loss, guint32 seed,
            GBytes **media, Result *res)
{
  ConfabFecEncoderConfig ecfg;
  ConfabFecDecoderConfig dcfg;
  ConfabFecEncoder *enc;
  GPtrArray *wire = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GPtrArray *lossy = g_ptr_array_new ();
  GRand *rand = g_rand_new_with_seed (seed);
  gint64 t0, t1;

  confab_fec_encoder_config_init (&ecfg);
  ecfg.scheme = scheme;
  ecfg.payload_type = scheme == CONFAB_FEC_SCHEME_FLEXFEC ? FLEX_PT : ULP_PT;
  ecfg.repair_ssrc = REPAIR_SSRC;
  ecfg.overhead_percent = overhead;
  ecfg.key_frame_overhead_percent = overhead;

  /* Encode: only the encoder is timed (best of REPEAT runs, the machine may be shared); the
   * wire list is built in a separate pass. */
  res->encode_gbps = 0;
  for (guint rep = 0; rep < REPEAT; rep++)
    {
      enc = confab_fec_encoder_new (&ecfg, NULL);
      t0 = g_get_monotonic_time ();
      for (guint i = 0; i < n_packets; i++)
        {
          gsize len;
          const guint8 *d = g_bytes_get_data (media[i], &len);
          gsize rlen;

          confab_fec_encoder_add_media (enc, d, len, FALSE);
          /* A sender sends them from the encoder's buffers before its next call. */
          while (confab_fec_encoder_next_repair (enc, &rlen) != NULL)
            ;
        }
      t1 = g_get_monotonic_time ();
      res->encode_gbps = MAX (res->encode_gbps, (double) n_packets * PAYLOAD / ((t1 - t0) * 1e3));
      confab_fec_encoder_free (enc);
    }

  enc = confab_fec_encoder_new (&ecfg, NULL);
  for (guint i = 0; i < n_packets; i++)
    {
      gsize len;
      const guint8 *d = g_bytes_get_data (media[i], &len);
      GBytes *r;

      confab_fec_encoder_add_media (enc, d, len, FALSE);
      g_ptr_array_add (wire, g_bytes_ref (media[i]));
      while ((r = confab_fec_encoder_pop_repair (enc)) != NULL)
        g_ptr_array_add (wire, r);
    }
  confab_fec_encoder_free (enc);

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

  confab_fec_decoder_config_init (&dcfg);
  dcfg.flexfec_pt = FLEX_PT;
  dcfg.ulpfec_pt = ULP_PT;
  res->decode_gbps = res->decode_lossy_gbps = 0;
  for (guint pass = 0; pass < 2 * REPEAT; pass++)
    {
      GPtrArray *in = pass % 2 == 0 ? wire : lossy;
      ConfabFecDecoder *dec = confab_fec_decoder_new (&dcfg, NULL);
      ConfabFecDecoderStats st;
      double gbps;

      t0 = g_get_monotonic_time ();
      for (guint i = 0; i < in->len; i++)
        {
          gsize len;
          const guint8 *d = g_bytes_get_data (g_ptr_array_index (in, i), &len);
          gsize rlen;

          confab_fec_decoder_push (dec, d, len, NULL);
          while (confab_fec_decoder_next_recovered (dec, &rlen) != NULL)
            ;
        }
      t1 = g_get_monotonic_time ();
      confab_fec_decoder_get_stats (dec, &st);
      /* Throughput of media payload delivered (received plus recovered). */
      gbps = (double) ((st.media_packets + st.recovered) * PAYLOAD) / ((t1 - t0) * 1e3);
      if (pass % 2 == 0)
        res->decode_gbps = MAX (res->decode_gbps, gbps);
      else
        {
          res->decode_lossy_gbps = MAX (res->decode_lossy_gbps, gbps);
          res->recovered = st.recovered;
          res->eliminations = st.eliminations;
        }
      confab_fec_decoder_free (dec);
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

static void
flood (guint32 seed)
{
  ConfabFecDecoderConfig dcfg;
  ConfabFecDecoder *dec;
  GRand *rand = g_rand_new_with_seed (seed);
  ConfabFecDecoderStats st;
  guint8 pkt[1500];
  guint16 seq = 0;
  gint64 t0 = g_get_monotonic_time ();

  confab_fec_decoder_config_init (&dcfg);
  dcfg.flexfec_pt = FLEX_PT;
  dcfg.ulpfec_pt = ULP_PT;
  dec = confab_fec_decoder_new (&dcfg, NULL);
  for (guint i = 0; i < 200000; i++)
    {
      ConfabRtpHeader h = { 0 };
      gsize len = 0;
      guint8 payload[1400];
      gsize plen = 1400;

      for (gsize j = 0; j < plen; j += 4)
        {
          guint32 r = g_rand_int (rand);

          memcpy (payload + j, &r, 4);
        }
      if (i % 8 == 0)
        {
          /* media on a handful of SSRCs, some of them new each time */
          h.payload_type = 96;
          h.ssrc = i % 64 == 0 ? g_rand_int (rand) : MEDIA_SSRC;
          h.seq = seq++;
        }
      else
        {
          /* repair packets naming packets around the window, each needing several */
          h.payload_type = FLEX_PT;
          h.ssrc = REPAIR_SSRC;
          h.csrc_count = 1;
          h.csrcs[0] = MEDIA_SSRC;
          payload[0] = 0;
          payload[8] = (guint8) ((seq - 100 + g_rand_int_range (rand, 0, 150)) >> 8);
          payload[9] = (guint8) (seq - 100 + g_rand_int_range (rand, 0, 150));
          payload[12] &= 0x7f; /* more mask words follow */
          payload[16] &= 0x7f;
        }
      confab_rtp_write (&h, payload, plen, pkt, sizeof pkt, &len);
      confab_fec_decoder_push (dec, pkt, len, NULL);
      confab_fec_decoder_next_recovered (dec, &(gsize){ 0 });
    }
  confab_fec_decoder_get_stats (dec, &st);
  printf ("flood: 200000 packets (175000 repair, random masks and SSRCs) in %.2f s: peak decoder "
          "memory %.2f MiB, %" G_GUINT64_FORMAT " repair rejected, %" G_GUINT64_FORMAT
          " recovered, %" G_GUINT64_FORMAT " eliminations\n",
          (g_get_monotonic_time () - t0) / 1e6, st.peak_memory_bytes / 1048576.0,
          st.repair_rejected, st.recovered, st.eliminations);
  confab_fec_decoder_free (dec);
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

  mc = memcpy_gbps (media, n);
  printf ("%u media packets of %d bytes payload, frames of %d, %u%% overhead, seed %u\n", n,
          PAYLOAD, FRAME, overhead, seed);
  printf ("memcpy                      %6.2f GB/s\n", mc);
  for (ConfabFecScheme s = CONFAB_FEC_SCHEME_ULPFEC; s <= CONFAB_FEC_SCHEME_FLEXFEC; s++)
    {
      Result r = { 0 };

      run_scheme (s, n, overhead, loss, seed, media, &r);
      printf ("%-8s encode             %6.2f GB/s (%.2f x memcpy)\n",
              s == CONFAB_FEC_SCHEME_ULPFEC ? "ulpfec" : "flexfec", r.encode_gbps,
              r.encode_gbps / mc);
      printf ("%-8s decode, no loss    %6.2f GB/s (%.2f x memcpy)\n",
              s == CONFAB_FEC_SCHEME_ULPFEC ? "ulpfec" : "flexfec", r.decode_gbps,
              r.decode_gbps / mc);
      printf ("%-8s decode, %4.1f%% loss %6.2f GB/s (%.2f x memcpy), %" G_GUINT64_FORMAT
              " of %" G_GUINT64_FORMAT " lost media recovered (%" G_GUINT64_FORMAT
              " eliminations)\n",
              s == CONFAB_FEC_SCHEME_ULPFEC ? "ulpfec" : "flexfec", loss * 100, r.decode_lossy_gbps,
              r.decode_lossy_gbps / mc, r.recovered, r.lost, r.eliminations);
    }
  flood (seed);
  for (guint i = 0; i < n; i++)
    g_bytes_unref (media[i]);
  g_free (media);
  g_rand_free (rand);
  return 0;
}
