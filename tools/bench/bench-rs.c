/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-rs.c: Confab's Reed-Solomon code (fec/confab-fec-rs.h) in the benchmark. Blocks end
 * at frame boundaries as flexfec-random's do (k <= 48, at least --min-block; with a delay
 * budget they span the frames that fit it), with m repair packets from the same overhead:
 * being MDS, it should match the ideal code on its own blocks exactly. */
#include "bench-schemes-private.h"

#include <string.h>

#include "confab-fec-rs-decoder.h"
#include "confab-fec-rs-encoder.h"
#include "confab-fec-rs.h"

#define RS_PT 112
#define RS_REPAIR_SSRC 0x0fec0a55u

static void
rs_config (const BenchSchemeOptions *o, ConfabFecRsEncoderConfig *c)
{
  confab_fec_rs_encoder_config_init (c);
  c->overhead_percent = c->key_frame_overhead_percent = CLAMP (o->overhead, 1u, 100u);
  c->payload_type = RS_PT;
  c->repair_ssrc = RS_REPAIR_SSRC;
  c->repair_seq = 7000;
  c->max_block = 48;
  c->min_block = MAX (1u, o->min_block);
  c->delay_budget_ms = o->delay_budget_ms;
}

/* Media packets of the block a repair packet names belong to block @block; notes the longest
 * time from one of them to the repair packet, sent at @pts_ns. */
static void
rs_note_block (BenchEncoded *e, const BenchStream *s, const guint8 *r, gsize len, gint block,
               guint64 pts_ns)
{
  ConfabRtpView v;
  ConfabFecRsRepair rep;

  if (confab_rtp_view_parse (&v, r, len) != CONFAB_FEC_OK
      || confab_fec_rs_parse (&v, &rep) != CONFAB_FEC_OK)
    return;
  for (guint i = 0; i < rep.k; i++)
    {
      gint idx = bench_stream_index_of_seq (s, (guint16) (rep.sn_base + i));

      if (idx >= 0)
        {
          e->media_block[idx] = block;
          e->max_delay_ms = MAX (e->max_delay_ms, (double) (pts_ns - s->packets[idx].pts_ns) / 1e6);
        }
    }
}

BenchEncoded *
bench_rs_encode (const BenchStream *s, BenchEncoded *e, const BenchSchemeOptions *o, GError **error)
{
  ConfabFecRsEncoderConfig c;
  g_autoptr (ConfabFecRsEncoder) enc = NULL;

  rs_config (o, &c);
  enc = confab_fec_rs_encoder_new (&c, error);
  if (enc == NULL)
    {
      bench_encoded_free (e);
      return NULL;
    }
  /* No comma: the CSV writer does not quote. */
  if (c.delay_budget_ms > 0)
    e->params = g_strdup_printf ("MDS k<=48 within %u ms", c.delay_budget_ms);
  else if (c.min_block > 1)
    e->params = g_strdup_printf ("MDS k=%u-48", c.min_block);
  else
    e->params = g_strdup ("MDS k<=48 at frame ends");
  for (guint i = 0; i <= s->n_packets; i++)
    {
      const guint8 *r;
      gsize rlen;
      guint rank = 0;

      if (i == s->n_packets)
        confab_fec_rs_encoder_flush (enc);
      else
        {
          gsize len;
          const guint8 *d = g_bytes_get_data (s->packets[i].data, &len);

          if (confab_fec_rs_encoder_add_media (enc, d, len, s->packets[i].key) != CONFAB_FEC_OK)
            g_warning ("confab-rs refused media packet %u", i);
          bench_wire_add_media (e, s, i, g_bytes_ref (s->packets[i].data));
        }
      while ((r = confab_fec_rs_encoder_next_repair (enc, &rlen)) != NULL)
        {
          rs_note_block (e, s, r, rlen, (gint) e->n_blocks,
                         s->packets[MIN (i, s->n_packets - 1)].pts_ns);
          bench_wire_add_repair (e, s, MIN (i, s->n_packets - 1), rank++, (gint) e->n_blocks,
                                 g_bytes_new (r, rlen));
        }
      if (rank > 0)
        {
          e->block_m = g_renew (guint, e->block_m, e->n_blocks + 1);
          e->block_m[e->n_blocks++] = rank;
        }
    }

  /* The fastest of a few runs: media in, repair packets out, nothing kept. */
  e->encode_ns = G_MAXDOUBLE;
  for (guint rep = 0; rep < MAX (1u, o->timing_repeats); rep++)
    {
      g_autoptr (ConfabFecRsEncoder) t = confab_fec_rs_encoder_new (&c, NULL);
      gint64 t0 = g_get_monotonic_time ();

      for (guint i = 0; i < s->n_packets; i++)
        {
          gsize len, rlen;
          const guint8 *d = g_bytes_get_data (s->packets[i].data, &len);

          confab_fec_rs_encoder_add_media (t, d, len, s->packets[i].key);
          while (confab_fec_rs_encoder_next_repair (t, &rlen) != NULL)
            ;
        }
      e->encode_ns = MIN (e->encode_ns, (g_get_monotonic_time () - t0) * 1e3);
    }
  return e;
}

gboolean
bench_rs_decode (const BenchStream *s, const BenchEncoded *e, const guint8 *wlost, guint8 *present,
                 BenchTally *t, GError **error)
{
  ConfabFecRsDecoderConfig c;
  g_autoptr (ConfabFecRsDecoder) dec = NULL;
  ConfabFecDecoderStats st;
  /* Recovered packets are copied out as a receiver would, into one buffer sized for the
   * worst case up front (no allocation while timed), and checked afterwards. */
  guint8 *out = g_malloc ((gsize) MAX (s->n_packets, 1) * CONFAB_FEC_MAX_PACKET_SIZE);
  gsize *out_len = g_new (gsize, MAX (s->n_packets, 1));
  guint n_out = 0, pushed = 0;
  guint64 bytes = 0;
  gint64 t0;

  confab_fec_rs_decoder_config_init (&c);
  c.payload_type = RS_PT;
  c.repair_ssrc = RS_REPAIR_SSRC;
  dec = confab_fec_rs_decoder_new (&c, error);
  if (dec == NULL)
    {
      g_free (out);
      g_free (out_len);
      return FALSE;
    }
  t0 = g_get_monotonic_time ();
  for (guint w = 0; w < e->wire->len; w++)
    {
      const BenchWire *x = &g_array_index (e->wire, BenchWire, w);
      const guint8 *d, *r;
      gsize len, rlen;

      if (wlost[w])
        continue;
      d = g_bytes_get_data (x->data, &len);
      confab_fec_rs_decoder_push (dec, d, len, NULL);
      pushed++;
      bytes += x->media >= 0 ? len : 0;
      while ((r = confab_fec_rs_decoder_next_recovered (dec, &rlen)) != NULL)
        if (n_out < s->n_packets)
          {
            memcpy (out + (gsize) n_out * CONFAB_FEC_MAX_PACKET_SIZE, r, rlen);
            out_len[n_out++] = rlen;
            bytes += rlen;
          }
    }
  confab_fec_rs_decoder_drain (dec);
  bench_tally_decode_time (t, (g_get_monotonic_time () - t0) * 1e3, pushed, bytes);
  confab_fec_rs_decoder_get_stats (dec, &st);
  t->reported_recovered += st.recovered;

  /* Each recovered packet must be a lost one, byte for byte. */
  for (guint j = 0; j < n_out; j++)
    {
      const guint8 *r = out + (gsize) j * CONFAB_FEC_MAX_PACKET_SIZE;
      ConfabRtpView v;
      gint idx = confab_rtp_view_parse (&v, r, out_len[j]) == CONFAB_FEC_OK
                     ? bench_stream_index_of_seq (s, v.seq)
                     : -1;
      g_autoptr (GBytes) got = g_bytes_new_static (r, out_len[j]);

      if (idx < 0 || !g_bytes_equal (got, s->packets[idx].data))
        t->corrupt++;
      else if (present[idx])
        t->spurious++;
      else
        present[idx] = 1;
    }
  g_free (out);
  g_free (out_len);
  return TRUE;
}
