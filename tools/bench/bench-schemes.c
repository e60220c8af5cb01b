/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-schemes.c: encoding and decoding for every scheme of the benchmark: Confab's and
 * the ideal code here, GStreamer's ULPFEC (driven through pads of our own) in
 * bench-gst-ulpfec.c. */
#include "bench-schemes-private.h"

#include <math.h>
#include <string.h>

#include "confab-fec-decoder.h"
#include "confab-fec-encoder.h"
#include "confab-flexfec.h"
#include "confab-rtp-packet.h"
#include "confab-ulpfec.h"

#define FLEX_PT 110
#define ULP_PT 97
#define REPAIR_SSRC 0x0fec0fecu

static const char *const scheme_names[BENCH_N_SCHEMES] = {
  [BENCH_SCHEME_NONE] = "no-fec",
  [BENCH_SCHEME_ULPFEC] = "confab-ulpfec",
  [BENCH_SCHEME_FLEX_RANDOM] = "flexfec-random",
  [BENCH_SCHEME_FLEX_RANDOM_K16] = "flexfec-random-k16",
  [BENCH_SCHEME_FLEX_SEARCHED] = "flexfec-searched",
  [BENCH_SCHEME_FLEX_SLIDING] = "flexfec-sliding",
  [BENCH_SCHEME_FLEX_BURSTY] = "flexfec-bursty",
  [BENCH_SCHEME_FLEX_ROWS] = "flexfec-rows",
  [BENCH_SCHEME_FLEX_COLUMNS] = "flexfec-columns",
  [BENCH_SCHEME_FLEX_2D] = "flexfec-2d",
  [BENCH_SCHEME_RS] = "confab-rs",
  [BENCH_SCHEME_GST_ULPFEC] = "gst-ulpfec",
  [BENCH_SCHEME_IDEAL] = "ideal-mds",
};

const char *
bench_scheme_name (BenchScheme scheme)
{
  return scheme < BENCH_N_SCHEMES ? scheme_names[scheme] : "?";
}

gboolean
bench_scheme_is_confab (BenchScheme scheme)
{
  return scheme >= BENCH_SCHEME_ULPFEC && scheme <= BENCH_SCHEME_RS;
}

gboolean
bench_scheme_has_blocks (BenchScheme scheme)
{
  return bench_scheme_is_confab (scheme) && scheme != BENCH_SCHEME_FLEX_SLIDING;
}

gboolean
bench_scheme_has_budget (BenchScheme scheme)
{
  return scheme == BENCH_SCHEME_ULPFEC || scheme == BENCH_SCHEME_FLEX_RANDOM
         || scheme == BENCH_SCHEME_FLEX_SEARCHED || scheme == BENCH_SCHEME_FLEX_BURSTY
         || scheme == BENCH_SCHEME_FLEX_SLIDING || scheme == BENCH_SCHEME_RS;
}

void
bench_scheme_options_init (BenchSchemeOptions *options)
{
  memset (options, 0, sizeof *options);
  options->overhead = 25;
  options->latency_ms = 200;
  options->timing_repeats = 5;
}

void
bench_encoded_free (BenchEncoded *encoded)
{
  if (encoded == NULL)
    return;
  if (encoded->wire)
    {
      for (guint i = 0; i < encoded->wire->len; i++)
        g_bytes_unref (g_array_index (encoded->wire, BenchWire, i).data);
      g_array_unref (encoded->wire);
    }
  g_free (encoded->media_block);
  g_free (encoded->block_m);
  g_free (encoded->params);
  g_free (encoded->unavailable_reason);
  g_free (encoded);
}

void
bench_wire_add_media (BenchEncoded *e, const BenchStream *s, guint i, GBytes *data)
{
  BenchWire w = { .data = data, .media = (gint) i, .block = -1, .pts_ns = s->packets[i].pts_ns };

  g_array_append_val (e->wire, w);
  e->media_packets++;
  e->media_bytes += g_bytes_get_size (data);
}

void
bench_wire_add_repair (BenchEncoded *e, const BenchStream *s, guint after, guint rank, gint block,
                       GBytes *data)
{
  BenchWire w = { .data = data,
                  .media = -1,
                  .after = after,
                  .rank = rank,
                  .block = block,
                  .pts_ns = s->packets[after].pts_ns };

  g_array_append_val (e->wire, w);
  e->repair_packets++;
  e->repair_bytes += g_bytes_get_size (data);
}

/* Mean time from a media packet to the next repair packet sent after it, and for schemes
 * whose repair packets note_coverage() did not see, the longest such time. */
static void
compute_delay (BenchEncoded *e)
{
  guint64 next_repair_pts = G_MAXUINT64;
  double sum = 0, longest = 0;
  guint64 n = 0;

  for (guint w = e->wire->len; w-- > 0;)
    {
      const BenchWire *x = &g_array_index (e->wire, BenchWire, w);

      if (x->media < 0)
        next_repair_pts = x->pts_ns;
      else if (next_repair_pts != G_MAXUINT64)
        {
          double d = (double) (next_repair_pts - x->pts_ns) / 1e6;

          sum += d;
          longest = MAX (longest, d);
          n++;
        }
    }
  e->mean_delay_ms = n ? sum / n : 0;
  if (!bench_scheme_is_confab (e->scheme))
    e->max_delay_ms = longest;
}

/* Marks the media packets a Confab repair packet, sent at @pts_ns, covers as members of
 * @block, and notes the longest time from a covered packet to it. */
static void
note_coverage (BenchEncoded *e, const BenchStream *s, GBytes *repair, gint block, guint64 pts_ns)
{
  ConfabRtpView v;
  ConfabFecRepairInfo info;
  gsize len;
  const guint8 *d = g_bytes_get_data (repair, &len);
  ConfabFecStatus st;

  if (confab_rtp_view_parse (&v, d, len) != CONFAB_FEC_OK)
    return;
  if (v.payload_type == FLEX_PT)
    st = confab_flexfec_parse (&v, &info);
  else
    st = confab_ulpfec_parse (v.payload, v.payload_len, v.ssrc, &info);
  if (st != CONFAB_FEC_OK)
    return;
  for (guint p = 0; p < info.n_protected; p++)
    CONFAB_FEC_BITS_FOREACH (&info.protected[p].mask, b)
    {
      gint idx = bench_stream_index_of_seq (s, (guint16) (info.protected[p].sn_base + b));

      if (idx >= 0)
        {
          e->media_block[idx] = block;
          e->max_delay_ms = MAX (e->max_delay_ms, (double) (pts_ns - s->packets[idx].pts_ns) / 1e6);
        }
    }
}

static gboolean
confab_config (BenchScheme scheme, const BenchSchemeOptions *o, ConfabFecEncoderConfig *c,
               char **params, char **why_not)
{
  guint oh = CLAMP (o->overhead, 1u, 100u);

  confab_fec_encoder_config_init (c);
  c->overhead_percent = oh;
  /* Same overhead for key frames: every scheme gets the same budget. */
  c->key_frame_overhead_percent = oh;
  c->scheme = scheme == BENCH_SCHEME_ULPFEC ? CONFAB_FEC_SCHEME_ULPFEC : CONFAB_FEC_SCHEME_FLEXFEC;
  c->payload_type = scheme == BENCH_SCHEME_ULPFEC ? ULP_PT : FLEX_PT;
  c->repair_ssrc = REPAIR_SSRC;
  c->repair_seq = 5000;
  c->min_block = o->min_block;
  if (bench_scheme_has_budget (scheme))
    c->delay_budget_ms = o->delay_budget_ms;

  switch (scheme)
    {
    case BENCH_SCHEME_FLEX_SLIDING:
      /* Needs a budget: the one-frame run leaves it out. */
      c->family = CONFAB_FEC_MASK_SLIDING;
      *params = g_strdup_printf ("windows of <=48 within %u ms", o->delay_budget_ms);
      return TRUE;
    case BENCH_SCHEME_FLEX_RANDOM_K16:
      /* Longer blocks recover more for the same overhead, at the price of delay. */
      c->family = CONFAB_FEC_MASK_RANDOM;
      c->min_block = MAX (16u, o->min_block);
      *params = g_strdup_printf ("k=%u-48", c->min_block);
      return TRUE;
    case BENCH_SCHEME_ULPFEC:
    case BENCH_SCHEME_FLEX_RANDOM:
    case BENCH_SCHEME_FLEX_SEARCHED:
    case BENCH_SCHEME_FLEX_BURSTY:
      c->family = scheme == BENCH_SCHEME_FLEX_BURSTY     ? CONFAB_FEC_MASK_BURSTY
                  : scheme == BENCH_SCHEME_FLEX_SEARCHED ? CONFAB_FEC_MASK_SEARCHED
                                                         : CONFAB_FEC_MASK_RANDOM;
      if (o->delay_budget_ms > 0)
        *params = g_strdup_printf ("k<=48 within %u ms", o->delay_budget_ms);
      else
        *params = o->min_block > 1 ? g_strdup_printf ("k=%u-48", o->min_block)
                                   : g_strdup ("k<=48 at frame ends");
      return TRUE;
    case BENCH_SCHEME_FLEX_ROWS:
      /* One repair per row of L: overhead 1/L. */
      c->family = CONFAB_FEC_MASK_ROWS;
      c->columns = MAX (1u, (guint) (100.0 / oh + 0.5));
      c->rows = 1;
      *params = g_strdup_printf ("L=%u", c->columns);
      return TRUE;
    case BENCH_SCHEME_FLEX_COLUMNS:
      /* One repair per column of D: overhead 1/D; L as wide as a 110-bit mask allows
       * (wide columns spread a burst over many repair packets). Blocks are filled whole,
       * across frames, or the early end of a block would raise the overhead. */
      c->family = CONFAB_FEC_MASK_COLUMNS;
      c->rows = MAX (2u, (guint) (100.0 / oh + 0.5));
      c->columns = MIN (12u, CONFAB_FLEXFEC_MAX_MASK_BITS / c->rows);
      if (c->columns < 1 || c->rows > CONFAB_FLEXFEC_MAX_MASK_BITS)
        {
          *why_not = g_strdup ("needs L x D <= 110");
          return FALSE;
        }
      c->min_block = c->columns * c->rows;
      *params = g_strdup_printf ("L=%u D=%u", c->columns, c->rows);
      return TRUE;
    case BENCH_SCHEME_FLEX_2D:
      {
        /* L = D: overhead 2/L. */
        guint l = MAX (2u, (guint) (200.0 / oh + 0.5));

        if (l * l > CONFAB_FLEXFEC_MAX_MASK_BITS)
          {
            *why_not
                = g_strdup_printf ("2-D below %u%% needs L x D > 110", (guint) ceil (200.0 / 10));
            return FALSE;
          }
        c->family = CONFAB_FEC_MASK_2D;
        c->columns = l;
        c->rows = l;
        c->min_block = l * l;
        *params = g_strdup_printf ("L=%u D=%u", l, l);
        return TRUE;
      }
    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

static BenchEncoded *
encode_confab (const BenchStream *s, BenchEncoded *e, const BenchSchemeOptions *o, GError **error)
{
  ConfabFecEncoderConfig c;
  g_autoptr (ConfabFecEncoder) enc = NULL;
  char *why_not = NULL;

  if (!confab_config (e->scheme, o, &c, &e->params, &why_not))
    {
      e->available = FALSE;
      e->unavailable_reason = why_not;
      return e;
    }
  /* Mask generation is a start-up cost, not per-packet work: keep it out of the timing. */
  confab_fec_encoder_prepare_masks (&c);
  enc = confab_fec_encoder_new (&c, error);
  if (enc == NULL)
    {
      g_prefix_error (error, "%s: ", bench_scheme_name (e->scheme));
      bench_encoded_free (e);
      return NULL;
    }

  for (guint i = 0; i <= s->n_packets; i++)
    {
      GBytes *r;
      guint rank = 0;
      guint after = MIN (i, s->n_packets - 1);
      gint block = (gint) e->n_blocks;

      if (i < s->n_packets)
        {
          gsize len;
          const guint8 *d = g_bytes_get_data (s->packets[i].data, &len);

          if (confab_fec_encoder_add_media (enc, d, len, s->packets[i].key) != CONFAB_FEC_OK)
            g_warning ("%s refused media packet %u", bench_scheme_name (e->scheme), i);
          bench_wire_add_media (e, s, i, g_bytes_ref (s->packets[i].data));
        }
      else
        confab_fec_encoder_flush (enc);

      while ((r = confab_fec_encoder_pop_repair (enc)) != NULL)
        {
          note_coverage (e, s, r, block, s->packets[after].pts_ns);
          bench_wire_add_repair (e, s, after, rank++, block, r);
        }
      if (rank > 0)
        {
          e->block_m = g_renew (guint, e->block_m, e->n_blocks + 1);
          e->block_m[e->n_blocks++] = rank;
        }
    }

  /* Timing: the fastest of a few runs, as the machine may be shared. */
  e->encode_ns = G_MAXDOUBLE;
  for (guint rep = 0; rep < MAX (1u, o->timing_repeats); rep++)
    {
      g_autoptr (ConfabFecEncoder) t = confab_fec_encoder_new (&c, NULL);
      gint64 t0 = g_get_monotonic_time ();

      for (guint i = 0; i < s->n_packets; i++)
        {
          gsize len;
          const guint8 *d = g_bytes_get_data (s->packets[i].data, &len);
          gsize rlen;

          confab_fec_encoder_add_media (t, d, len, s->packets[i].key);
          /* As a sender would: the repair packets are the encoder's until the next call. */
          while (confab_fec_encoder_next_repair (t, &rlen) != NULL)
            ;
        }
      e->encode_ns = MIN (e->encode_ns, (g_get_monotonic_time () - t0) * 1e3);
    }
  return e;
}

BenchEncoded *
bench_encode (const BenchStream *stream, BenchScheme scheme, const BenchSchemeOptions *options,
              GError **error)
{
  BenchEncoded *e;

  g_return_val_if_fail (scheme != BENCH_SCHEME_IDEAL && scheme < BENCH_N_SCHEMES, NULL);
  e = g_new0 (BenchEncoded, 1);
  e->scheme = scheme;
  e->overhead = options->overhead;
  e->available = TRUE;
  e->wire = g_array_sized_new (FALSE, TRUE, sizeof (BenchWire), stream->n_packets * 2);
  e->media_block = g_new (gint, MAX (stream->n_packets, 1));
  for (guint i = 0; i < stream->n_packets; i++)
    e->media_block[i] = -1;

  switch (scheme)
    {
    case BENCH_SCHEME_NONE:
      e->params = g_strdup ("-");
      for (guint i = 0; i < stream->n_packets; i++)
        bench_wire_add_media (e, stream, i, g_bytes_ref (stream->packets[i].data));
      break;
    case BENCH_SCHEME_GST_ULPFEC:
      e = bench_gst_ulpfec_encode (stream, e, options, error);
      break;
    case BENCH_SCHEME_RS:
      e = bench_rs_encode (stream, e, options, error);
      break;
    default:
      e = encode_confab (stream, e, options, error);
      break;
    }
  if (e && e->available)
    compute_delay (e);
  return e;
}

/* --- decoding ------------------------------------------------------------------------- */

static void
tally_frames (const BenchStream *s, const guint8 *present, BenchTally *t)
{
  gboolean prev_ok = FALSE;
  guint i = 0;

  for (guint f = 0; f < s->n_frames; f++)
    {
      gboolean complete = TRUE, key = FALSE, ok;

      for (; i < s->n_packets && s->packets[i].frame == f; i++)
        {
          complete &= present[i];
          key |= s->packets[i].key;
        }
      /* VP8 delta frames predict from earlier frames: after a broken frame, nothing is
       * shown until the next complete key frame. */
      ok = complete && (key || prev_ok);
      t->frames++;
      t->frames_complete += complete;
      t->frames_frozen += !ok;
      prev_ok = ok;
    }
}

static void
tally_media (const BenchStream *s, const BenchLossRun *run, const guint8 *present, BenchTally *t)
{
  t->runs++;
  t->media += s->n_packets;
  for (guint i = 0; i < s->n_packets; i++)
    if (run->lost[i])
      {
        t->lost++;
        if (present[i])
          t->recovered++;
        else
          t->unrecovered++;
      }
  tally_frames (s, present, t);
}

/* Wire losses: media from the run, repair packets from its side branch. */
static guint8 *
wire_losses (const BenchEncoded *e, const BenchLossRun *run, BenchTally *t)
{
  guint8 *lost = g_malloc0 (MAX (e->wire->len, 1));
  guint8 burst[256];

  for (guint w = 0; w < e->wire->len;)
    {
      const BenchWire *x = &g_array_index (e->wire, BenchWire, w);
      guint n = 0;

      if (x->media >= 0)
        {
          lost[w] = run->lost[x->media];
          w++;
          continue;
        }
      while (w + n < e->wire->len && g_array_index (e->wire, BenchWire, w + n).media < 0
             && g_array_index (e->wire, BenchWire, w + n).after == x->after && n < sizeof burst)
        n++;
      bench_loss_run_repairs (run, x->after, n, burst);
      for (guint j = 0; j < n; j++)
        {
          lost[w + j] = burst[j];
          t->repair_sent++;
          t->repair_lost += burst[j];
        }
      w += n;
    }
  return lost;
}

static void
ideal_on_blocks (const BenchStream *s, const BenchEncoded *e, const BenchLossRun *run,
                 const guint8 *wlost, BenchTally *ideal)
{
  guint *lm = g_new0 (guint, e->n_blocks + 1);
  guint *lr = g_new0 (guint, e->n_blocks + 1);
  guint8 *present = g_malloc (MAX (s->n_packets, 1));

  for (guint w = 0; w < e->wire->len; w++)
    {
      const BenchWire *x = &g_array_index (e->wire, BenchWire, w);

      if (x->media < 0 && x->block >= 0 && wlost[w])
        lr[x->block]++;
    }
  for (guint i = 0; i < s->n_packets; i++)
    if (run->lost[i] && e->media_block[i] >= 0)
      lm[e->media_block[i]]++;
  for (guint i = 0; i < s->n_packets; i++)
    {
      gint b = e->media_block[i];

      present[i] = !run->lost[i]
                   || (b >= 0 && bench_ideal_block_unrecovered (lm[b], lr[b], e->block_m[b]) == 0);
    }
  for (guint w = 0; w < e->wire->len; w++)
    if (g_array_index (e->wire, BenchWire, w).media < 0)
      {
        ideal->repair_sent++;
        ideal->repair_lost += wlost[w];
      }
  tally_media (s, run, present, ideal);
  ideal->reported_recovered = ideal->recovered;
  g_free (lm);
  g_free (lr);
  g_free (present);
}

void
bench_tally_decode_time (BenchTally *t, double ns, guint64 packets, guint64 bytes)
{
  t->decode_ns += ns;
  t->decode_wire_packets += packets;
  t->decode_media_bytes += bytes;
  if (packets > 0 && ns > 0
      && (t->best_decode_ns_per_packet == 0 || ns / packets < t->best_decode_ns_per_packet))
    {
      t->best_decode_ns_per_packet = ns / packets;
      t->best_decode_gbps = bytes / ns;
    }
}

static gboolean
decode_confab (const BenchStream *s, const BenchEncoded *e, const guint8 *wlost, guint8 *present,
               BenchTally *t, GError **error)
{
  ConfabFecDecoderConfig c;
  g_autoptr (ConfabFecDecoder) dec = NULL;
  ConfabFecDecoderStats st;
  /* Recovered packets, copied out as a receiver would (into one growing array, so the
   * timing holds no allocation per packet) and checked after the clock stops. */
  GByteArray *rec = g_byte_array_new ();
  GArray *rec_len = g_array_new (FALSE, FALSE, sizeof (gsize));
  gint64 t0;
  guint pushed = 0;
  guint64 bytes = 0;

  confab_fec_decoder_config_init (&c);
  c.flexfec_pt = FLEX_PT;
  c.flexfec_ssrc = REPAIR_SSRC;
  c.ulpfec_pt = ULP_PT;
  dec = confab_fec_decoder_new (&c, error);
  if (dec == NULL)
    {
      g_byte_array_unref (rec);
      g_array_unref (rec_len);
      return FALSE;
    }

  t0 = g_get_monotonic_time ();
  for (guint w = 0; w < e->wire->len; w++)
    {
      const BenchWire *x = &g_array_index (e->wire, BenchWire, w);
      gsize len;
      const guint8 *d;
      const guint8 *r;
      gsize rlen;

      if (wlost[w])
        continue;
      d = g_bytes_get_data (x->data, &len);
      confab_fec_decoder_push (dec, d, len, NULL);
      pushed++;
      if (x->media >= 0)
        bytes += len;
      while ((r = confab_fec_decoder_next_recovered (dec, &rlen)) != NULL)
        {
          bytes += rlen;
          g_byte_array_append (rec, r, (guint) rlen);
          g_array_append_val (rec_len, rlen);
        }
    }
  confab_fec_decoder_drain (dec);
  bench_tally_decode_time (t, (g_get_monotonic_time () - t0) * 1e3, pushed, bytes);
  confab_fec_decoder_get_stats (dec, &st);
  t->reported_recovered += st.recovered;

  for (guint j = 0, off = 0; j < rec_len->len; off += (guint) g_array_index (rec_len, gsize, j++))
    {
      const guint8 *r = rec->data + off;
      gsize rlen = g_array_index (rec_len, gsize, j);
      gsize olen;
      const guint8 *o;
      ConfabRtpView v;
      gint idx;

      if (confab_rtp_view_parse (&v, r, rlen) != CONFAB_FEC_OK
          || (idx = bench_stream_index_of_seq (s, v.seq)) < 0)
        {
          t->corrupt++;
          continue;
        }
      o = g_bytes_get_data (s->packets[idx].data, &olen);
      if (present[idx])
        t->spurious++;
      else if (olen != rlen || memcmp (o, r, rlen) != 0)
        t->corrupt++;
      else
        present[idx] = 1;
    }
  g_byte_array_unref (rec);
  g_array_unref (rec_len);
  return TRUE;
}

gboolean
bench_decode (const BenchStream *stream, const BenchEncoded *encoded, const BenchLossRun *run,
              const BenchSchemeOptions *options, BenchTally *tally, BenchTally *ideal,
              GError **error)
{
  guint8 *wlost;
  guint8 *present;
  gboolean ok = TRUE;

  g_return_val_if_fail (run->n == stream->n_packets, FALSE);
  if (!encoded->available)
    return TRUE;
  wlost = wire_losses (encoded, run, tally);
  present = g_malloc (MAX (stream->n_packets, 1));
  for (guint i = 0; i < stream->n_packets; i++)
    present[i] = !run->lost[i];

  switch (encoded->scheme)
    {
    case BENCH_SCHEME_NONE:
      break;
    case BENCH_SCHEME_GST_ULPFEC:
      ok = bench_gst_ulpfec_decode (stream, encoded, wlost, present, options, tally, error);
      break;
    default:
      ok = encoded->scheme == BENCH_SCHEME_RS
               ? bench_rs_decode (stream, encoded, wlost, present, tally, error)
               : decode_confab (stream, encoded, wlost, present, tally, error);
      if (ok && ideal)
        ideal_on_blocks (stream, encoded, run, wlost, ideal);
      break;
    }
  if (ok)
    tally_media (stream, run, present, tally);
  g_free (wlost);
  g_free (present);
  return ok;
}

/* --- the ideal code ------------------------------------------------------------------- */

double
bench_binomial_tail (guint n, guint t, double p)
{
  double sum = 0;

  if (t == 0)
    return 1.0;
  if (t > n)
    return 0.0;
  /* Sum the smaller side in log space: exact enough for n in the hundreds. */
  for (guint j = t; j <= n; j++)
    {
      double lc = lgamma (n + 1.0) - lgamma (j + 1.0) - lgamma (n - j + 1.0);

      if (p <= 0)
        return 0.0;
      if (p >= 1)
        return 1.0;
      sum += exp (lc + j * log (p) + (n - j) * log1p (-p));
    }
  return MIN (sum, 1.0);
}

double
bench_ideal_block_residual (guint k, guint m, double p)
{
  /* A media packet stays lost when it is lost and at least m of the other k + m - 1
   * packets are lost too. */
  return k * p * bench_binomial_tail (k + m - 1, m, p);
}

guint
bench_ideal_block_unrecovered (guint lost_media, guint lost_repair, guint m)
{
  return lost_media + lost_repair <= m ? 0 : lost_media;
}

double
bench_memcpy_ns (const BenchStream *stream, guint repeats)
{
  enum
  {
    RING = 16,
    SLOT = 2048
  };
  guint8 *ring = g_malloc (RING * SLOT);
  volatile guint8 sink = 0;
  double best = G_MAXDOUBLE;

  for (guint rep = 0; rep < MAX (1u, repeats); rep++)
    {
      gint64 t0 = g_get_monotonic_time ();

      for (guint i = 0; i < stream->n_packets; i++)
        {
          gsize len;
          const guint8 *d = g_bytes_get_data (stream->packets[i].data, &len);

          memcpy (ring + (i % RING) * SLOT, d, MIN (len, (gsize) SLOT));
          sink ^= ring[(i % RING) * SLOT + 7];
        }
      best = MIN (best, (g_get_monotonic_time () - t0) * 1e3);
    }
  (void) sink;
  g_free (ring);
  return best;
}

double
bench_memcpy_dram_gbps (void)
{
  const gsize size = 64 << 20, piece = 1200;
  guint8 *src = g_malloc (size), *dst = g_malloc (size);
  double best = 0;

  memset (src, 0x5a, size);
  memset (dst, 0, size);
  for (guint rep = 0; rep < 3; rep++)
    {
      gint64 t0 = g_get_monotonic_time ();
      gint64 dt;

      for (gsize off = 0; off + piece <= size; off += piece)
        memcpy (dst + off, src + off, piece);
      dt = g_get_monotonic_time () - t0;
      best = MAX (best, (double) (size / piece * piece) / (MAX (dt, 1) * 1e3));
    }
  /* Keep the copies observable. */
  if (dst[size / 2] != 0x5a)
    best = 0;
  g_free (src);
  g_free (dst);
  return best;
}
