/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-fec-bench: how much each FEC scheme recovers, at what cost, on real VP8 RTP
 * streams, against GStreamer's ULPFEC and the ideal code; and how Opus in-band FEC fares.
 * Every figure is reproducible from the seed it prints.
 *
 *   confab-fec-bench [--seed N] [--quick] [--csv FILE] [--json FILE] [--plot FILE.png] ...
 */
#include "config.h"

#include "confab-fec-bench.h"

#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench-loss.h"
#include "bench-opus.h"
#include "bench-plot.h"
#include "bench-schemes.h"
#include "bench-traffic.h"

#define PLOT_OVERHEAD 25

typedef struct
{
  char *stream;
  char *loss_label;
  BenchLossModel model;
  guint overhead;
  BenchScheme scheme;
  char *params;
  gboolean available;
  char *why_not;
  guint64 enc_media, enc_repair, enc_media_bytes, enc_repair_bytes;
  double encode_ns;
  double delay_ms;
  double memcpy_ns;
  guint stream_packets;
  guint64 stream_bytes;
  BenchTally t;
  BenchTally ideal; /* the ideal code on this scheme's blocks (Confab schemes) */
  gboolean has_ideal;
} Result;

typedef struct
{
  /* options */
  gint64 seed;
  gboolean quick;
  gboolean quiet;
  gboolean no_opus;
  gboolean no_gst;
  double seconds;
  gint repeats;
  char *overheads_str;
  double loss_pct;
  double ge_loss_pct;
  double ge_burst;
  char *trace_path;
  gint min_block;
  char *csv_path;
  char *json_path;
  char *plot_path;

  /* state */
  GPtrArray *streams;   /* BenchStream */
  GArray *overheads;    /* guint */
  GArray *table_models; /* BenchLossModel */
  GArray *plot_models;  /* BenchLossModel, Bernoulli at PLOT_OVERHEAD on the first stream */
  GPtrArray *results;   /* Result */
  GArray *opus;         /* BenchOpusRow */
  guint units_done, units_total;
  gint64 started;
  gboolean tty;
  double memcpy_dram_gbps;
  char *command_line;
} Bench;

static void
result_free (Result *r)
{
  g_free (r->stream);
  g_free (r->loss_label);
  bench_loss_model_clear (&r->model);
  g_free (r->params);
  g_free (r->why_not);
  g_free (r);
}

static double
pct (guint64 a, guint64 b)
{
  return b ? 100.0 * (double) a / (double) b : NAN;
}

static double
residual_pct (const BenchTally *t)
{
  return pct (t->unrecovered, t->media);
}

static const Result *
find_result (Bench *b, const char *stream, const char *loss_label, guint overhead,
             BenchScheme scheme)
{
  for (guint i = 0; i < b->results->len; i++)
    {
      const Result *r = g_ptr_array_index (b->results, i);

      if (r->scheme == scheme && r->overhead == overhead && strcmp (r->stream, stream) == 0
          && strcmp (r->loss_label, loss_label) == 0)
        return r;
    }
  return NULL;
}

static void
progress (Bench *b, const char *what)
{
  double secs = (g_get_monotonic_time () - b->started) / 1e6;

  if (b->quiet)
    return;
  if (b->tty)
    fprintf (stderr, "\r\033[Kconfab-fec-bench: [%3.0f%%] %5.1f s  %s",
             b->units_total ? 100.0 * b->units_done / b->units_total : 0.0, secs, what);
  else
    fprintf (stderr, "confab-fec-bench: [%3.0f%%] %5.1f s  %s\n",
             b->units_total ? 100.0 * b->units_done / b->units_total : 0.0, secs, what);
  fflush (stderr);
}

/* --- traffic -------------------------------------------------------------------------- */

typedef struct
{
  BenchVideoSpec spec;
  BenchStream *stream;
  GError *error;
} StreamJob;

static gpointer
stream_thread (gpointer data)
{
  StreamJob *job = data;

  job->stream = bench_stream_new_vp8 (&job->spec, &job->error);
  return NULL;
}

static gboolean
make_streams (Bench *b, GError **error)
{
  double secs = b->seconds;
  StreamJob jobs[2] = {
    { .spec = { "720p", 1280, 720, 30, 2000, 90, secs, (guint64) b->seed } },
    { .spec = { "360p", 640, 360, 30, 500, 90, secs, (guint64) b->seed } },
  };
  guint first = b->quick ? 1 : 0;
  GThread *threads[2] = { NULL, NULL };

  progress (b, "encoding the VP8 clips (libvpx realtime, one thread each) and Opus");
  /* One encoder thread per clip: the two clips use both cores. */
  for (guint i = first; i < G_N_ELEMENTS (jobs); i++)
    threads[i] = g_thread_new ("bench-vp8", stream_thread, &jobs[i]);
  for (guint i = first; i < G_N_ELEMENTS (jobs); i++)
    g_thread_join (threads[i]);
  for (guint i = first; i < G_N_ELEMENTS (jobs); i++)
    {
      if (jobs[i].error && !(error && *error))
        g_propagate_error (error, g_steal_pointer (&jobs[i].error));
      g_clear_error (&jobs[i].error);
      if (jobs[i].stream)
        g_ptr_array_add (b->streams, jobs[i].stream);
    }
  return !(error && *error);
}

/* --- running -------------------------------------------------------------------------- */

static guint64
run_seed (Bench *b, const char *loss_label, guint rep)
{
  return bench_mix_seed (bench_mix_seed ((guint64) b->seed, g_str_hash (loss_label)), rep);
}

static GArray *
models_for (Bench *b, guint stream_index, guint overhead)
{
  GArray *m = g_array_new (FALSE, TRUE, sizeof (BenchLossModel));

  for (guint i = 0; i < b->table_models->len; i++)
    g_array_append_val (m, g_array_index (b->table_models, BenchLossModel, i));
  if (stream_index == 0 && overhead == PLOT_OVERHEAD)
    for (guint i = 0; i < b->plot_models->len; i++)
      {
        const BenchLossModel *pm = &g_array_index (b->plot_models, BenchLossModel, i);
        gboolean dup = FALSE;

        for (guint j = 0; j < b->table_models->len; j++)
          {
            const BenchLossModel *tm = &g_array_index (b->table_models, BenchLossModel, j);

            dup |= tm->kind == pm->kind && fabs (tm->loss - pm->loss) < 1e-12;
          }
        if (!dup)
          g_array_append_val (m, *pm);
      }
  return m;
}

static gboolean
scheme_enabled (Bench *b, BenchScheme s)
{
  return !(b->no_gst && s == BENCH_SCHEME_GST_ULPFEC);
}

static gboolean
run_all (Bench *b, GError **error)
{
  BenchSchemeOptions opts;

  bench_scheme_options_init (&opts);
  opts.min_block = (guint) MAX (0, b->min_block);
  opts.timing_repeats = b->quick ? 1 : 5;

  b->units_total = 0;
  for (guint si = 0; si < b->streams->len; si++)
    for (guint oi = 0; oi < b->overheads->len; oi++)
      {
        g_autoptr (GArray) m = models_for (b, si, g_array_index (b->overheads, guint, oi));

        b->units_total += m->len * (guint) b->repeats + 1;
      }

  for (guint si = 0; si < b->streams->len; si++)
    {
      const BenchStream *s = g_ptr_array_index (b->streams, si);
      double memcpy_ns = bench_memcpy_ns (s, 20);

      for (guint oi = 0; oi < b->overheads->len; oi++)
        {
          guint oh = g_array_index (b->overheads, guint, oi);
          BenchEncoded *enc[BENCH_N_SCHEMES] = { NULL };
          g_autoptr (GArray) models = models_for (b, si, oh);
          g_autofree char *what = g_strdup_printf ("%s, %u%% overhead: encoding", s->name, oh);

          opts.overhead = oh;
          progress (b, what);
          for (BenchScheme sc = 0; sc < BENCH_SCHEME_IDEAL; sc++)
            {
              if (!scheme_enabled (b, sc))
                continue;
              enc[sc] = bench_encode (s, sc, &opts, error);
              if (enc[sc] == NULL)
                goto fail;
            }
          b->units_done++;

          for (guint mi = 0; mi < models->len; mi++)
            {
              const BenchLossModel *model = &g_array_index (models, BenchLossModel, mi);
              g_autofree char *label = bench_loss_model_label (model);
              Result *res[BENCH_N_SCHEMES] = { NULL };

              for (BenchScheme sc = 0; sc < BENCH_N_SCHEMES; sc++)
                {
                  const BenchEncoded *e
                      = sc == BENCH_SCHEME_IDEAL ? enc[BENCH_SCHEME_FLEX_RANDOM] : enc[sc];
                  Result *r;

                  if (e == NULL)
                    continue;
                  r = g_new0 (Result, 1);
                  r->stream = g_strdup (s->name);
                  r->loss_label = g_strdup (label);
                  bench_loss_model_copy (&r->model, model);
                  r->overhead = oh;
                  r->scheme = sc;
                  r->params = g_strdup (sc == BENCH_SCHEME_IDEAL ? "blocks of flexfec-random"
                                                                 : e->params);
                  r->available = e->available;
                  r->why_not = g_strdup (e->unavailable_reason);
                  r->enc_media = e->media_packets;
                  r->enc_repair = e->repair_packets;
                  r->enc_media_bytes = e->media_bytes;
                  r->enc_repair_bytes = e->repair_bytes;
                  r->encode_ns = sc == BENCH_SCHEME_IDEAL ? NAN : e->encode_ns;
                  r->delay_ms = e->mean_delay_ms;
                  r->memcpy_ns = memcpy_ns;
                  r->stream_packets = s->n_packets;
                  r->stream_bytes = s->bytes;
                  r->has_ideal = bench_scheme_is_confab (sc);
                  res[sc] = r;
                  g_ptr_array_add (b->results, r);
                }

              for (guint rep = 0; rep < (guint) b->repeats; rep++)
                {
                  g_autoptr (BenchLossRun) run
                      = bench_loss_run_new (model, run_seed (b, label, rep), s->n_packets);
                  g_autofree char *w = g_strdup_printf ("%s, %u%% overhead, %s: run %u/%d", s->name,
                                                        oh, label, rep + 1, b->repeats);

                  progress (b, w);
                  for (BenchScheme sc = 0; sc < BENCH_SCHEME_IDEAL; sc++)
                    {
                      if (res[sc] == NULL)
                        continue;
                      if (!bench_decode (s, enc[sc], run, &opts, &res[sc]->t,
                                         sc == BENCH_SCHEME_FLEX_RANDOM
                                             ? &res[BENCH_SCHEME_IDEAL]->t
                                             : (res[sc]->has_ideal ? &res[sc]->ideal : NULL),
                                         error))
                        goto fail;
                    }
                  /* flexfec-random's own ideal is the ideal-mds row. */
                  if (res[BENCH_SCHEME_FLEX_RANDOM])
                    res[BENCH_SCHEME_FLEX_RANDOM]->ideal = res[BENCH_SCHEME_IDEAL]->t;
                  b->units_done++;
                }
            }
          for (BenchScheme sc = 0; sc < BENCH_N_SCHEMES; sc++)
            bench_encoded_free (enc[sc]);
          continue;

        fail:
          for (BenchScheme sc = 0; sc < BENCH_N_SCHEMES; sc++)
            bench_encoded_free (enc[sc]);
          return FALSE;
        }
    }
  return TRUE;
}

/* --- derived figures ------------------------------------------------------------------ */

static double
overhead_pkts (const Result *r)
{
  return pct (r->enc_repair, r->enc_media);
}

static double
overhead_bytes (const Result *r)
{
  return pct (r->enc_repair_bytes, r->enc_media_bytes);
}

static double
x_ideal (const Result *r)
{
  double ideal;

  if (!r->has_ideal)
    return NAN;
  ideal = residual_pct (&r->ideal);
  return ideal > 0 ? residual_pct (&r->t) / ideal : (residual_pct (&r->t) > 0 ? INFINITY : 1.0);
}

static double
gbps (double bytes, double ns)
{
  return ns > 0 ? bytes / ns : NAN;
}

static double
encode_ns_pkt (const Result *r)
{
  return r->enc_media ? r->encode_ns / r->enc_media : NAN;
}

/* Decode speed is that of the fastest run, as encode's is the fastest of a few: the
 * machine may be shared, and a slow run measures the neighbours. */
static double
decode_ns_pkt (const Result *r)
{
  return r->t.best_decode_ns_per_packet > 0 ? r->t.best_decode_ns_per_packet : NAN;
}

static double
encode_gbps (const Result *r)
{
  return gbps (r->stream_bytes, r->encode_ns);
}

static double
decode_gbps (const Result *r)
{
  return r->t.best_decode_gbps > 0 ? r->t.best_decode_gbps : NAN;
}

static double
memcpy_gbps (const Result *r)
{
  return gbps (r->stream_bytes, r->memcpy_ns);
}

/* The Confab scheme with the lowest residual loss for a condition. */
static const Result *
best_confab (Bench *b, const char *stream, const char *label, guint oh)
{
  const Result *best = NULL;

  for (BenchScheme sc = BENCH_SCHEME_ULPFEC; bench_scheme_is_confab (sc); sc++)
    {
      const Result *r = find_result (b, stream, label, oh, sc);

      if (r && r->available && (!best || residual_pct (&r->t) < residual_pct (&best->t)))
        best = r;
    }
  return best;
}

/* --- text output ---------------------------------------------------------------------- */

static void
fmt_num (char *buf, gsize size, int decimals, double v)
{
  if (isnan (v))
    g_strlcpy (buf, "-", size);
  else if (isinf (v))
    g_strlcpy (buf, "inf", size);
  else
    g_snprintf (buf, size, "%.*f", decimals, v);
}

static void
print_detail (Bench *b, const char *stream, const char *label, guint oh)
{
  printf ("\n%s, %s loss, %u%% overhead asked (%d runs)\n", stream, label, oh, b->repeats);
  printf ("%-18s %-22s %6s %6s %6s %6s %6s %7s %7s %7s %7s %6s\n", "scheme", "code", "ovh%p",
          "ovh%B", "lost", "recov", "unrec", "resid%", "xideal", "frm-ok%", "frozen%", "wait");
  for (BenchScheme sc = 0; sc < BENCH_N_SCHEMES; sc++)
    {
      const Result *r = find_result (b, stream, label, oh, sc);
      char c[7][32];

      if (r == NULL)
        continue;
      if (!r->available)
        {
          printf ("%-18s %-22s %s\n", bench_scheme_name (sc), "-", r->why_not);
          continue;
        }
      fmt_num (c[0], 32, 1, overhead_pkts (r));
      fmt_num (c[1], 32, 1, overhead_bytes (r));
      fmt_num (c[2], 32, 2, residual_pct (&r->t));
      fmt_num (c[3], 32, 2, x_ideal (r));
      fmt_num (c[4], 32, 1, pct (r->t.frames_complete, r->t.frames));
      fmt_num (c[5], 32, 1, pct (r->t.frames_frozen, r->t.frames));
      fmt_num (c[6], 32, 0, sc == BENCH_SCHEME_NONE ? NAN : r->delay_ms);
      printf ("%-18s %-22s %6s %6s %6" G_GUINT64_FORMAT " %6" G_GUINT64_FORMAT
              " %6" G_GUINT64_FORMAT " %7s %7s %7s %7s %6s\n",
              bench_scheme_name (sc), r->params, c[0], c[1], r->t.lost, r->t.recovered,
              r->t.unrecovered, c[2], c[3], c[4], c[5], c[6]);
    }
}

static void
print_matrix (Bench *b, const char *stream, const char *label)
{
  printf ("\n%s, %s loss: residual media loss %% (actual packet overhead %%)\n", stream, label);
  printf ("%-18s", "scheme");
  for (guint oi = 0; oi < b->overheads->len; oi++)
    {
      g_autofree char *h = g_strdup_printf ("%u%%", g_array_index (b->overheads, guint, oi));

      printf (" %15s", h);
    }
  printf ("\n");
  for (BenchScheme sc = 0; sc < BENCH_N_SCHEMES; sc++)
    {
      gboolean any = FALSE;

      for (guint oi = 0; oi < b->overheads->len; oi++)
        any |= find_result (b, stream, label, g_array_index (b->overheads, guint, oi), sc) != NULL;
      if (!any)
        continue;
      printf ("%-18s", bench_scheme_name (sc));
      for (guint oi = 0; oi < b->overheads->len; oi++)
        {
          const Result *r
              = find_result (b, stream, label, g_array_index (b->overheads, guint, oi), sc);
          char cell[40];

          if (r == NULL || !r->available)
            g_strlcpy (cell, "n/a", sizeof cell);
          else
            g_snprintf (cell, sizeof cell, "%.2f (%.0f)", residual_pct (&r->t), overhead_pkts (r));
          printf (" %15s", cell);
        }
      printf ("\n");
    }
}

static void
print_speed (Bench *b, const char *stream, const char *label, guint oh)
{
  const Result *none = find_result (b, stream, label, oh, BENCH_SCHEME_NONE);

  if (none == NULL)
    return;
  printf ("\n%s speed at %u%% overhead, %s loss (one core; encode = media in, repair out;"
          " decode = every received packet in, recovered out)\n",
          stream, oh, label);
  printf ("%-18s %11s %6s %8s %7s %11s %6s %8s %7s\n", "", "encode ns/p", "GB/s", "xmemcpy",
          "xDRAMcp", "decode ns/p", "GB/s", "xmemcpy", "xDRAMcp");
  printf ("%-18s %11.1f %6.2f %8s %7.2f   (DRAM-bound memcpy: %.2f GB/s)\n", "memcpy",
          none->memcpy_ns / none->stream_packets, memcpy_gbps (none), "1.00",
          memcpy_gbps (none) / b->memcpy_dram_gbps, b->memcpy_dram_gbps);
  for (BenchScheme sc = BENCH_SCHEME_ULPFEC; sc <= BENCH_SCHEME_GST_ULPFEC; sc++)
    {
      const Result *r = find_result (b, stream, label, oh, sc);

      if (r == NULL || !r->available)
        continue;
      printf ("%-18s %11.1f %6.2f %8.2f %7.2f %11.1f %6.2f %8.2f %7.2f\n", bench_scheme_name (sc),
              encode_ns_pkt (r), encode_gbps (r), encode_gbps (r) / memcpy_gbps (r),
              encode_gbps (r) / b->memcpy_dram_gbps, decode_ns_pkt (r), decode_gbps (r),
              decode_gbps (r) / memcpy_gbps (r), decode_gbps (r) / b->memcpy_dram_gbps);
    }
  printf ("(xmemcpy: against memcpy of the same packets, hot in the caches as the codecs see "
          "them; xDRAMcp: against a memcpy bound by memory bandwidth, as "
          "fec/confab-fec-throughput measures)\n");
}

static void
print_opus (Bench *b)
{
  g_autofree char *label = NULL;

  if (b->opus == NULL)
    return;
  label = bench_loss_model_label (&g_array_index (b->table_models, BenchLossModel, 0));
  printf ("\nOpus in-band FEC (20 ms frames, mono 48 kHz synthetic voice, %s loss): of the lost "
          "frames, rebuilt from the next packet's LBRR vs concealed by PLC\n",
          label);
  printf ("%-12s %5s %4s %5s %6s %7s %9s %9s %6s %13s %8s %8s\n", "encoder", "kb/s", "fec", "hint",
          "lost", "rebuilt", "concealed", "rebuilt%", "LBRR%", "SILK/hyb/CELT", "SNRfec", "SNRplc");
  for (guint i = 0; i < b->opus->len; i++)
    {
      const BenchOpusRow *o = &g_array_index (b->opus, BenchOpusRow, i);
      g_autofree char *modes
          = g_strdup_printf ("%.0f/%.0f/%.0f", pct (o->silk_packets, o->frames),
                             pct (o->hybrid_packets, o->frames), pct (o->celt_packets, o->frames));
      char s1[16], s2[16], hint[16];

      fmt_num (s1, sizeof s1, 1, o->snr_rebuilt_db);
      fmt_num (s2, sizeof s2, 1, o->snr_concealed_db);
      if (o->inband_fec)
        g_snprintf (hint, sizeof hint, "%u", o->loss_hint);
      else
        g_strlcpy (hint, "-", sizeof hint);
      printf ("%-12s %5u %4s %5s %6" G_GUINT64_FORMAT " %7" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT
              " %9.1f %6.1f %13s %8s %8s\n",
              o->source, o->bitrate_kbps, o->inband_fec ? "on" : "off", hint, o->lost, o->rebuilt,
              o->concealed, pct (o->rebuilt, o->lost), pct (o->lbrr_packets, o->frames), modes, s1,
              s2);
    }
  printf ("(SNR in dB against the loss-free decode, mean over the rebuilt or concealed frames;"
          " a lost frame whose next packet is lost too can only be concealed)\n");
}

typedef struct
{
  const char *name;
  const char *target;
  char *measured;
  gboolean met;
  gboolean known;
} Verdict;

static GArray *
verdicts (Bench *b)
{
  GArray *v = g_array_new (FALSE, TRUE, sizeof (Verdict));
  const BenchStream *s;
  g_autofree char *bern = NULL, *ge = NULL;
  const Result *best, *gst, *best_ge, *gst_ge;
  Verdict x;

  if (b->streams->len == 0)
    return v;
  s = g_ptr_array_index (b->streams, 0);
  bern = bench_loss_model_label (&g_array_index (b->table_models, BenchLossModel, 0));
  ge = bench_loss_model_label (&g_array_index (b->table_models, BenchLossModel, 1));
  best = best_confab (b, s->name, bern, PLOT_OVERHEAD);
  gst = find_result (b, s->name, bern, PLOT_OVERHEAD, BENCH_SCHEME_GST_ULPFEC);
  best_ge = best_confab (b, s->name, ge, PLOT_OVERHEAD);
  gst_ge = find_result (b, s->name, ge, PLOT_OVERHEAD, BENCH_SCHEME_GST_ULPFEC);

  if (best)
    {
      double r = residual_pct (&best->t);

      x = (Verdict){ "residual", "best Confab <= 2.5% at 25% overhead, 10% random loss",
                     g_strdup_printf ("%s %.2f%% (%s, %s)", bench_scheme_name (best->scheme), r,
                                      s->name, bern),
                     r <= 2.5, TRUE };
      g_array_append_val (v, x);
      if (gst)
        {
          double g = residual_pct (&gst->t);

          x = (Verdict){ "vs-gstreamer", "best Confab <= 1/3 of GStreamer's residual",
                         g_strdup_printf ("%.2f%% vs %.2f%% (ratio %.2f)", r, g, g > 0 ? r / g : 0),
                         r * 3 <= g, TRUE };
          g_array_append_val (v, x);
        }
      {
        const Result *fr = find_result (b, s->name, bern, PLOT_OVERHEAD, BENCH_SCHEME_FLEX_RANDOM);
        const Result *fk
            = find_result (b, s->name, bern, PLOT_OVERHEAD, BENCH_SCHEME_FLEX_RANDOM_K16);

        /* The best scheme's own blocks, and for context the random masks', whose blocks are
         * the ones the ideal figures (12 and 16 packets) describe. */
        x = (Verdict){ "vs-ideal", "best Confab within 1.6x the ideal code on the same blocks",
                       g_strdup_printf ("%.2f%% vs ideal %.2f%% (x%.2f); flexfec-random x%.2f, "
                                        "flexfec-random-k16 x%.2f",
                                        r, residual_pct (&best->ideal), x_ideal (best),
                                        fr ? x_ideal (fr) : NAN, fk ? x_ideal (fk) : NAN),
                       x_ideal (best) <= 1.6, TRUE };
      }
      g_array_append_val (v, x);
    }
  if (best_ge && gst_ge)
    {
      double r = residual_pct (&best_ge->t), g = residual_pct (&gst_ge->t);

      x = (Verdict){ "bursty", "best Confab <= 1/4 of GStreamer's at Gilbert 5%/3, 25% overhead",
                     g_strdup_printf ("%s %.2f%% vs %.2f%% (ratio %.2f)",
                                      bench_scheme_name (best_ge->scheme), r, g, g > 0 ? r / g : 0),
                     r * 4 <= g, TRUE };
      g_array_append_val (v, x);
    }
  {
    double worst_e = INFINITY, worst_d = INFINITY;
    const char *we = "", *wd = "";

    for (BenchScheme sc = BENCH_SCHEME_ULPFEC; bench_scheme_is_confab (sc); sc++)
      {
        const Result *r = find_result (b, s->name, bern, PLOT_OVERHEAD, sc);

        if (r == NULL || !r->available)
          continue;
        if (encode_gbps (r) / memcpy_gbps (r) < worst_e)
          {
            worst_e = encode_gbps (r) / memcpy_gbps (r);
            we = bench_scheme_name (sc);
          }
        if (decode_gbps (r) / memcpy_gbps (r) < worst_d)
          {
            worst_d = decode_gbps (r) / memcpy_gbps (r);
            wd = bench_scheme_name (sc);
          }
      }
    if (isfinite (worst_e))
      {
        x = (Verdict){ "speed", "every Confab encoder and decoder >= 0.5x memcpy",
                       g_strdup_printf ("slowest encode %.2fx (%s), decode %.2fx (%s)", worst_e, we,
                                        worst_d, wd),
                       worst_e >= 0.5 && worst_d >= 0.5, TRUE };
        g_array_append_val (v, x);
      }
  }
  return v;
}

static void
print_report (Bench *b)
{
  g_autoptr (GArray) v = NULL;

  printf ("confab-fec-bench %s: seed %" G_GINT64_FORMAT ", %d loss runs per condition\n",
          PACKAGE_VERSION, b->seed, b->repeats);
  printf ("rerun: %s\n", b->command_line);
  for (guint i = 0; i < b->streams->len; i++)
    {
      const BenchStream *s = g_ptr_array_index (b->streams, i);

      printf ("stream %s: %s\n  %u packets, %u frames (%u key), %.1f s, %.0f kbit/s RTP, "
              "%.1f packets/frame\n",
              s->name, s->description, s->n_packets, s->n_frames, s->n_key_frames, s->seconds,
              s->bytes * 8 / s->seconds / 1000, (double) s->n_packets / s->n_frames);
    }
  printf ("loss seeds: run r of a loss model uses mix(mix(%" G_GINT64_FORMAT
          ", hash(label)), r); media losses are the same for every scheme and overhead\n",
          b->seed);

  for (guint si = 0; si < b->streams->len; si++)
    {
      const BenchStream *s = g_ptr_array_index (b->streams, si);

      for (guint mi = 0; mi < b->table_models->len; mi++)
        {
          g_autofree char *label
              = bench_loss_model_label (&g_array_index (b->table_models, BenchLossModel, mi));

          print_detail (b, s->name, label, PLOT_OVERHEAD);
        }
      for (guint mi = 0; mi < b->table_models->len; mi++)
        {
          g_autofree char *label
              = bench_loss_model_label (&g_array_index (b->table_models, BenchLossModel, mi));

          print_matrix (b, s->name, label);
        }
    }
  if (b->streams->len > 0)
    {
      const BenchStream *s = g_ptr_array_index (b->streams, 0);
      g_autofree char *label
          = bench_loss_model_label (&g_array_index (b->table_models, BenchLossModel, 0));

      print_speed (b, s->name, label, PLOT_OVERHEAD);
    }
  print_opus (b);

  v = verdicts (b);
  printf ("\ntargets\n");
  for (guint i = 0; i < v->len; i++)
    {
      Verdict *x = &g_array_index (v, Verdict, i);

      printf ("  %-4s %-64s %s\n", x->met ? "MET" : "MISS", x->target, x->measured);
      g_free (x->measured);
    }
  printf ("\ncolumns: ovh%%p/ovh%%B repair packets/bytes over media (RTP headers included); lost = "
          "media packets the channel dropped; resid%% = media packets still missing after FEC; "
          "xideal = resid / the ideal code's on the same blocks and losses; frm-ok%% = frames "
          "with every packet; frozen%% = frames not shown (broken, or after a broken frame until "
          "the next key frame)\n");
}

/* --- files ---------------------------------------------------------------------------- */

static const char *const csv_columns[] = {
  "stream",
  "loss_model",
  "loss_mean_pct",
  "loss_burst",
  "overhead_asked_pct",
  "scheme",
  "code",
  "available",
  "runs",
  "media_packets",
  "lost",
  "recovered",
  "unrecovered",
  "residual_pct",
  "decoder_reported_recovered",
  "corrupt",
  "spurious",
  "repair_sent",
  "repair_lost",
  "overhead_packets_pct",
  "overhead_bytes_pct",
  "frames",
  "frames_complete_pct",
  "frames_frozen_pct",
  "ideal_residual_pct",
  "x_ideal",
  "encode_ns_per_packet",
  "encode_gbps",
  "decode_ns_per_packet",
  "decode_gbps",
  "memcpy_ns_per_packet",
  "memcpy_gbps",
  "memcpy_dram_gbps",
  "mean_recovery_wait_ms",
  "seed",
};

static char *
csv_field (const char *s)
{
  if (strpbrk (s, ",\"\n") == NULL)
    return g_strdup (s);
  {
    GString *q = g_string_new ("\"");

    for (const char *p = s; *p; p++)
      {
        if (*p == '"')
          g_string_append_c (q, '"');
        g_string_append_c (q, *p);
      }
    g_string_append_c (q, '"');
    return g_string_free (q, FALSE);
  }
}

static void
append_num (GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (out, ',');
  if (isfinite (v))
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.6g", v));
}

static gboolean
write_csv (Bench *b, const char *path, GError **error)
{
  GString *out = g_string_new (NULL);
  gboolean ok;

  for (guint i = 0; i < G_N_ELEMENTS (csv_columns); i++)
    g_string_append_printf (out, "%s%s", i ? "," : "", csv_columns[i]);
  g_string_append_c (out, '\n');
  for (guint i = 0; i < b->results->len; i++)
    {
      const Result *r = g_ptr_array_index (b->results, i);
      g_autofree char *code = csv_field (r->available ? r->params : r->why_not);
      g_autofree char *label = csv_field (r->loss_label);

      g_string_append_printf (out, "%s,%s", r->stream, label);
      append_num (out, r->model.loss * 100);
      append_num (out, r->model.burst);
      g_string_append_printf (out, ",%u,%s,%s,%s", r->overhead, bench_scheme_name (r->scheme), code,
                              r->available ? "yes" : "no");
      g_string_append_printf (out,
                              ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT
                              ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT,
                              r->t.runs, r->t.media, r->t.lost, r->t.recovered, r->t.unrecovered);
      append_num (out, residual_pct (&r->t));
      g_string_append_printf (out,
                              ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT
                              ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT,
                              r->t.reported_recovered, r->t.corrupt, r->t.spurious,
                              r->t.repair_sent, r->t.repair_lost);
      append_num (out, overhead_pkts (r));
      append_num (out, overhead_bytes (r));
      g_string_append_printf (out, ",%" G_GUINT64_FORMAT, r->t.frames);
      append_num (out, pct (r->t.frames_complete, r->t.frames));
      append_num (out, pct (r->t.frames_frozen, r->t.frames));
      append_num (out, r->has_ideal ? residual_pct (&r->ideal) : NAN);
      append_num (out, x_ideal (r));
      append_num (out, encode_ns_pkt (r));
      append_num (out, encode_gbps (r));
      append_num (out, decode_ns_pkt (r));
      append_num (out, decode_gbps (r));
      append_num (out, r->memcpy_ns / r->stream_packets);
      append_num (out, memcpy_gbps (r));
      append_num (out, b->memcpy_dram_gbps);
      append_num (out, r->scheme == BENCH_SCHEME_NONE ? NAN : r->delay_ms);
      g_string_append_printf (out, ",%" G_GINT64_FORMAT "\n", b->seed);
    }
  ok = g_file_set_contents (path, out->str, (gssize) out->len, error);
  g_string_free (out, TRUE);
  if (!ok)
    g_prefix_error (error, "cannot write the CSV file: ");
  return ok;
}

static void
json_num (JsonBuilder *jb, const char *name, double v)
{
  json_builder_set_member_name (jb, name);
  if (isfinite (v))
    json_builder_add_double_value (jb, v);
  else
    json_builder_add_null_value (jb);
}

static void
json_int (JsonBuilder *jb, const char *name, guint64 v)
{
  json_builder_set_member_name (jb, name);
  json_builder_add_int_value (jb, (gint64) v);
}

static void
json_str (JsonBuilder *jb, const char *name, const char *v)
{
  json_builder_set_member_name (jb, name);
  json_builder_add_string_value (jb, v ? v : "");
}

static void
json_tally (JsonBuilder *jb, const BenchTally *t)
{
  json_int (jb, "runs", t->runs);
  json_int (jb, "media_packets", t->media);
  json_int (jb, "lost", t->lost);
  json_int (jb, "recovered", t->recovered);
  json_int (jb, "unrecovered", t->unrecovered);
  json_num (jb, "residual_pct", residual_pct (t));
  json_int (jb, "decoder_reported_recovered", t->reported_recovered);
  json_int (jb, "corrupt", t->corrupt);
  json_int (jb, "spurious", t->spurious);
  json_int (jb, "repair_sent", t->repair_sent);
  json_int (jb, "repair_lost", t->repair_lost);
  json_int (jb, "frames", t->frames);
  json_int (jb, "frames_complete", t->frames_complete);
  json_int (jb, "frames_frozen", t->frames_frozen);
  json_num (jb, "frames_complete_pct", pct (t->frames_complete, t->frames));
  json_num (jb, "frames_frozen_pct", pct (t->frames_frozen, t->frames));
}

static gboolean
write_json (Bench *b, const char *path, GError **error)
{
  g_autoptr (JsonBuilder) jb = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GArray) v = verdicts (b);

  json_builder_begin_object (jb);
  json_str (jb, "program", "confab-fec-bench " PACKAGE_VERSION);
  json_str (jb, "command_line", b->command_line);
  json_int (jb, "seed", (guint64) b->seed);
  json_int (jb, "repeats", (guint64) b->repeats);
  json_str (jb, "gstreamer", gst_version_string ());
  json_builder_set_member_name (jb, "streams");
  json_builder_begin_array (jb);
  for (guint i = 0; i < b->streams->len; i++)
    {
      const BenchStream *s = g_ptr_array_index (b->streams, i);

      json_builder_begin_object (jb);
      json_str (jb, "name", s->name);
      json_str (jb, "description", s->description);
      json_int (jb, "packets", s->n_packets);
      json_int (jb, "frames", s->n_frames);
      json_int (jb, "key_frames", s->n_key_frames);
      json_int (jb, "bytes", s->bytes);
      json_num (jb, "seconds", s->seconds);
      json_num (jb, "kbps", s->bytes * 8 / s->seconds / 1000);
      json_builder_end_object (jb);
    }
  json_builder_end_array (jb);

  json_builder_set_member_name (jb, "results");
  json_builder_begin_array (jb);
  for (guint i = 0; i < b->results->len; i++)
    {
      const Result *r = g_ptr_array_index (b->results, i);

      json_builder_begin_object (jb);
      json_str (jb, "stream", r->stream);
      json_str (jb, "loss_model", r->loss_label);
      json_num (jb, "loss_mean_pct", r->model.loss * 100);
      json_num (jb, "loss_burst", r->model.burst);
      json_int (jb, "overhead_asked_pct", r->overhead);
      json_str (jb, "scheme", bench_scheme_name (r->scheme));
      json_str (jb, "code", r->available ? r->params : r->why_not);
      json_builder_set_member_name (jb, "available");
      json_builder_add_boolean_value (jb, r->available);
      json_int (jb, "encoded_media_packets", r->enc_media);
      json_int (jb, "encoded_repair_packets", r->enc_repair);
      json_int (jb, "encoded_media_bytes", r->enc_media_bytes);
      json_int (jb, "encoded_repair_bytes", r->enc_repair_bytes);
      json_num (jb, "overhead_packets_pct", overhead_pkts (r));
      json_num (jb, "overhead_bytes_pct", overhead_bytes (r));
      json_tally (jb, &r->t);
      if (r->has_ideal)
        {
          json_builder_set_member_name (jb, "ideal_same_blocks");
          json_builder_begin_object (jb);
          json_tally (jb, &r->ideal);
          json_builder_end_object (jb);
          json_num (jb, "x_ideal", x_ideal (r));
        }
      json_num (jb, "encode_ns_per_packet", encode_ns_pkt (r));
      json_num (jb, "encode_gbps", encode_gbps (r));
      json_num (jb, "decode_ns_per_packet", decode_ns_pkt (r));
      json_num (jb, "decode_gbps", decode_gbps (r));
      json_num (jb, "memcpy_ns_per_packet", r->memcpy_ns / r->stream_packets);
      json_num (jb, "memcpy_gbps", memcpy_gbps (r));
      json_num (jb, "memcpy_dram_gbps", b->memcpy_dram_gbps);
      json_num (jb, "mean_recovery_wait_ms", r->scheme == BENCH_SCHEME_NONE ? NAN : r->delay_ms);
      json_builder_end_object (jb);
    }
  json_builder_end_array (jb);

  json_builder_set_member_name (jb, "opus");
  json_builder_begin_array (jb);
  for (guint i = 0; b->opus && i < b->opus->len; i++)
    {
      const BenchOpusRow *o = &g_array_index (b->opus, BenchOpusRow, i);

      json_builder_begin_object (jb);
      json_str (jb, "encoder", o->source);
      json_int (jb, "bitrate_kbps", o->bitrate_kbps);
      json_builder_set_member_name (jb, "inband_fec");
      json_builder_add_boolean_value (jb, o->inband_fec);
      json_int (jb, "loss_hint_pct", o->loss_hint);
      json_int (jb, "frames", o->frames);
      json_int (jb, "lost", o->lost);
      json_int (jb, "rebuilt_from_lbrr", o->rebuilt);
      json_int (jb, "concealed", o->concealed);
      json_int (jb, "concealed_next_also_lost", o->next_lost);
      json_int (jb, "packets_with_lbrr", o->lbrr_packets);
      json_int (jb, "silk_packets", o->silk_packets);
      json_int (jb, "hybrid_packets", o->hybrid_packets);
      json_int (jb, "celt_packets", o->celt_packets);
      json_int (jb, "fec_decode_differs_from_plc", o->fec_plc_differs);
      json_num (jb, "snr_rebuilt_db", o->snr_rebuilt_db);
      json_num (jb, "snr_concealed_db", o->snr_concealed_db);
      json_num (jb, "kbps_measured", o->frames ? o->bytes * 8.0 / (o->frames * 0.02) / 1000 : NAN);
      json_builder_end_object (jb);
    }
  json_builder_end_array (jb);

  json_builder_set_member_name (jb, "targets");
  json_builder_begin_array (jb);
  for (guint i = 0; i < v->len; i++)
    {
      Verdict *x = &g_array_index (v, Verdict, i);

      json_builder_begin_object (jb);
      json_str (jb, "name", x->name);
      json_str (jb, "target", x->target);
      json_str (jb, "measured", x->measured);
      json_builder_set_member_name (jb, "met");
      json_builder_add_boolean_value (jb, x->met);
      json_builder_end_object (jb);
      g_free (x->measured);
    }
  json_builder_end_array (jb);
  json_builder_end_object (jb);

  root = json_builder_get_root (jb);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  if (!json_generator_to_file (gen, path, error))
    {
      g_prefix_error (error, "cannot write the JSON file: ");
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_plot (Bench *b, const char *path, GError **error)
{
  const BenchStream *s;
  BenchCurve curves[BENCH_N_SCHEMES];
  double xs[BENCH_N_SCHEMES][64], ys[BENCH_N_SCHEMES][64];
  guint n_curves = 0;
  g_autoptr (GArray) models = NULL;
  g_autofree char *subtitle = NULL;

  if (b->streams->len == 0)
    return TRUE;
  s = g_ptr_array_index (b->streams, 0);
  models = models_for (b, 0, PLOT_OVERHEAD);
  for (BenchScheme sc = 0; sc < BENCH_N_SCHEMES; sc++)
    {
      guint n = 0;

      for (guint mi = 0; mi < models->len && n < 64; mi++)
        {
          const BenchLossModel *m = &g_array_index (models, BenchLossModel, mi);
          g_autofree char *label = NULL;
          const Result *r;

          if (m->kind != BENCH_LOSS_BERNOULLI)
            continue;
          label = bench_loss_model_label (m);
          r = find_result (b, s->name, label, PLOT_OVERHEAD, sc);
          if (r == NULL || !r->available)
            continue;
          xs[n_curves][n] = m->loss * 100;
          ys[n_curves][n] = residual_pct (&r->t);
          n++;
        }
      if (n == 0)
        continue;
      /* x ascending for the line. */
      for (guint i = 1; i < n; i++)
        for (guint j = i; j > 0 && xs[n_curves][j - 1] > xs[n_curves][j]; j--)
          {
            double tx = xs[n_curves][j], ty = ys[n_curves][j];

            xs[n_curves][j] = xs[n_curves][j - 1];
            ys[n_curves][j] = ys[n_curves][j - 1];
            xs[n_curves][j - 1] = tx;
            ys[n_curves][j - 1] = ty;
          }
      curves[n_curves] = (BenchCurve){ bench_scheme_name (sc), n, xs[n_curves], ys[n_curves],
                                       sc == BENCH_SCHEME_IDEAL || sc == BENCH_SCHEME_NONE };
      n_curves++;
    }
  subtitle = g_strdup_printf ("%s VP8 RTP (%u packets), independent loss, %d runs per point, "
                              "seed %" G_GINT64_FORMAT ", confab-fec-bench %s",
                              s->name, s->n_packets, b->repeats, b->seed, PACKAGE_VERSION);
  {
    g_autofree char *title
        = g_strdup_printf ("Residual media packet loss at %d%% FEC overhead", PLOT_OVERHEAD);

    return bench_plot_png (path, title, subtitle, curves, n_curves, error);
  }
}

/* --- options -------------------------------------------------------------------------- */

static gboolean
parse_overheads (Bench *b, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (b->overheads_str, ",", -1);
  gboolean has_plot = FALSE;

  for (guint i = 0; parts[i]; i++)
    {
      guint64 v;

      if (!g_ascii_string_to_unsigned (g_strstrip (parts[i]), 10, 1, 100, &v, NULL))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--overheads: \"%s\" is not a percentage from 1 to 100", parts[i]);
          return FALSE;
        }
      g_array_append_val (b->overheads, (guint){ (guint) v });
      has_plot |= v == PLOT_OVERHEAD;
    }
  /* The plot and the targets are at 25%: always measure it. */
  if (!has_plot)
    g_array_prepend_val (b->overheads, (guint){ PLOT_OVERHEAD });
  return TRUE;
}

static gboolean
setup_models (Bench *b, GError **error)
{
  BenchLossModel m;
  static const double quick_points[] = { 5, 20 };
  static const double full_points[] = { 1, 2, 3, 5, 7.5, 15, 20, 25, 30 };
  const double *points = b->quick ? quick_points : full_points;
  guint n_points = b->quick ? G_N_ELEMENTS (quick_points) : G_N_ELEMENTS (full_points);

  if (!(b->loss_pct > 0 && b->loss_pct < 100))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--loss must be between 0 and 100 (percent)");
      return FALSE;
    }
  bench_loss_model_init_bernoulli (&m, b->loss_pct / 100);
  g_array_append_val (b->table_models, m);
  if (!bench_loss_model_init_gilbert (&m, b->ge_loss_pct / 100, b->ge_burst, error))
    return FALSE;
  g_array_append_val (b->table_models, m);
  if (b->trace_path)
    {
      if (!bench_loss_model_init_trace (&m, b->trace_path, error))
        return FALSE;
      g_array_append_val (b->table_models, m);
    }
  for (guint i = 0; i < n_points; i++)
    {
      bench_loss_model_init_bernoulli (&m, points[i] / 100);
      g_array_append_val (b->plot_models, m);
    }
  return TRUE;
}

static void
bench_clear (Bench *b)
{
  g_clear_pointer (&b->streams, g_ptr_array_unref);
  g_clear_pointer (&b->overheads, g_array_unref);
  g_clear_pointer (&b->table_models, g_array_unref);
  g_clear_pointer (&b->plot_models, g_array_unref);
  g_clear_pointer (&b->results, g_ptr_array_unref);
  g_clear_pointer (&b->opus, g_array_unref);
  g_free (b->overheads_str);
  g_free (b->trace_path);
  g_free (b->csv_path);
  g_free (b->json_path);
  g_free (b->plot_path);
  g_free (b->command_line);
}

typedef struct
{
  const BenchLossModel *loss;
  guint64 seed;
  gboolean quick;
  GArray *rows;
  GError *error;
} OpusJob;

static gpointer
opus_thread_main (gpointer data)
{
  OpusJob *job = data;
  static const guint bitrates[] = { 12, 16, 24, 32, 64 };
  static const guint hints[] = { 0, 5, 10, 20 };
  static const guint quick_bitrates[] = { 24 };
  static const guint quick_hints[] = { 10 };

  job->rows = bench_opus_run (job->quick ? quick_bitrates : bitrates,
                              job->quick ? G_N_ELEMENTS (quick_bitrates) : G_N_ELEMENTS (bitrates),
                              job->quick ? quick_hints : hints,
                              job->quick ? G_N_ELEMENTS (quick_hints) : G_N_ELEMENTS (hints),
                              job->quick ? 2 : 20, job->loss, job->seed, &job->error);
  return NULL;
}

static void
model_clear (gpointer p)
{
  bench_loss_model_clear (p);
}

int
confab_fec_bench_run (int argc, char **argv, GError **error)
{
  Bench b = { 0 };
  g_autoptr (GOptionContext) ctx = NULL;
  char **args = g_strdupv (argv);
  guint nargs;
  OpusJob opus_job = { 0 };
  GThread *opus_thread = NULL;
  gboolean ok;
  int status = 1;
  GOptionEntry entries[] = {
    { "seed", 0, 0, G_OPTION_ARG_INT64, &b.seed, "Seed for the clips and the losses (1)", "N" },
    { "quick", 0, 0, G_OPTION_ARG_NONE, &b.quick,
      "A few seconds' run: 360p only, 3 s clip, 2 runs, 25% and 50% (for tests)", NULL },
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &b.seconds, "Length of each VP8 clip (30)", "S" },
    { "repeats", 0, 0, G_OPTION_ARG_INT, &b.repeats, "Loss runs per condition (12)", "N" },
    { "overheads", 0, 0, G_OPTION_ARG_STRING, &b.overheads_str,
      "FEC overheads to measure, percent (10,25,50,75,100)", "LIST" },
    { "loss", 0, 0, G_OPTION_ARG_DOUBLE, &b.loss_pct, "Independent loss for the tables (10)",
      "PERCENT" },
    { "ge-loss", 0, 0, G_OPTION_ARG_DOUBLE, &b.ge_loss_pct, "Gilbert-Elliott mean loss (5)",
      "PERCENT" },
    { "ge-burst", 0, 0, G_OPTION_ARG_DOUBLE, &b.ge_burst,
      "Gilbert-Elliott mean burst length, packets (3)", "N" },
    { "loss-trace", 0, 0, G_OPTION_ARG_FILENAME, &b.trace_path,
      "Also replay a loss trace: a file of 0 (received) and 1 (lost) per packet", "FILE" },
    { "min-block", 0, 0, G_OPTION_ARG_INT, &b.min_block,
      "Confab random/bursty masks: fewest media packets per block (0: end at a frame)", "N" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &b.csv_path, "Write every figure as CSV", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &b.json_path, "Write every figure as JSON", "FILE" },
    { "plot", 0, 0, G_OPTION_ARG_FILENAME, &b.plot_path,
      "Draw residual against channel loss at 25% overhead as a PNG", "FILE.png" },
    { "no-opus", 0, 0, G_OPTION_ARG_NONE, &b.no_opus, "Skip the Opus in-band FEC part", NULL },
    { "no-gstreamer-fec", 0, 0, G_OPTION_ARG_NONE, &b.no_gst, "Skip rtpulpfecenc/dec", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &b.quiet, "No table on stdout, no progress", NULL },
    { NULL },
  };

  b.seed = 1;
  b.seconds = -1;
  b.repeats = -1;
  b.loss_pct = 10;
  b.ge_loss_pct = 5;
  b.ge_burst = 3;
  b.command_line = g_strjoinv (" ", argv);

  ctx = g_option_context_new ("- FEC loss-recovery benchmark");
  g_option_context_set_summary (
      ctx, "Runs Confab's ULPFEC and FlexFEC, GStreamer's rtpulpfecenc/dec and the ideal code on\n"
           "the same real VP8 RTP packets and the same seeded losses, and Opus in-band FEC.\n"
           "The default run takes about a minute and a half on two cores.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse_strv (ctx, &args, error))
    goto out;
  nargs = g_strv_length (args);
  if (nargs > 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "unexpected argument \"%s\" (see --help)", args[1]);
      goto out;
    }
  if (b.seconds < 0)
    b.seconds = b.quick ? 3 : 30;
  if (b.repeats < 0)
    b.repeats = b.quick ? 2 : 12;
  if (b.overheads_str == NULL)
    b.overheads_str = g_strdup (b.quick ? "25,50" : "10,25,50,75,100");
  if (b.seconds < 1 || b.seconds > 600 || b.repeats < 1 || b.repeats > 1000)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--seconds must be 1-600 and --repeats 1-1000");
      goto out;
    }

  b.streams = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_stream_free);
  b.overheads = g_array_new (FALSE, FALSE, sizeof (guint));
  b.table_models = g_array_new (FALSE, TRUE, sizeof (BenchLossModel));
  g_array_set_clear_func (b.table_models, model_clear);
  b.plot_models = g_array_new (FALSE, TRUE, sizeof (BenchLossModel));
  g_array_set_clear_func (b.plot_models, model_clear);
  b.results = g_ptr_array_new_with_free_func ((GDestroyNotify) result_free);
  b.started = g_get_monotonic_time ();
  b.tty = isatty (STDERR_FILENO);
  if (!parse_overheads (&b, error) || !setup_models (&b, error))
    goto out;

  gst_init (NULL, NULL);
  if (!b.quiet)
    fprintf (stderr, "confab-fec-bench: seed %" G_GINT64_FORMAT "\n", b.seed);
  /* The Opus part runs while the VP8 clips are encoded, so that the codecs' speed is later
   * measured with nothing else of ours running. */
  if (!b.no_opus)
    {
      opus_job.loss = &g_array_index (b.table_models, BenchLossModel, 0);
      opus_job.seed = (guint64) b.seed;
      opus_job.quick = b.quick;
      opus_thread = g_thread_new ("bench-opus", opus_thread_main, &opus_job);
    }
  ok = make_streams (&b, error);
  if (opus_thread)
    {
      g_thread_join (opus_thread);
      opus_thread = NULL;
      b.opus = g_steal_pointer (&opus_job.rows);
      if (ok && b.opus == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&opus_job.error));
          ok = FALSE;
        }
      g_clear_error (&opus_job.error);
    }
  if (!ok)
    goto out;
  b.memcpy_dram_gbps = bench_memcpy_dram_gbps ();
  if (!run_all (&b, error))
    goto out;
  if (!b.quiet)
    {
      fprintf (stderr, "%sconfab-fec-bench: done in %.1f s\n", b.tty ? "\r\033[K" : "",
               (g_get_monotonic_time () - b.started) / 1e6);
      print_report (&b);
    }
  if (b.csv_path && !write_csv (&b, b.csv_path, error))
    goto out;
  if (b.json_path && !write_json (&b, b.json_path, error))
    goto out;
  if (b.plot_path && !write_plot (&b, b.plot_path, error))
    goto out;
  status = 0;

out:
  if (b.tty && status != 0 && !b.quiet)
    fprintf (stderr, "\n");
  g_strfreev (args);
  bench_clear (&b);
  return status;
}

#ifndef CONFAB_FEC_BENCH_NO_MAIN
int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status = confab_fec_bench_run (argc, argv, &error);

  if (error)
    g_printerr ("confab-fec-bench: %s\n", error->message);
  return status;
}
#endif
