/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The benchmark's writers: the report on stdout, CSV and JSON. */
#include "config.h"

#include "bench-report.h"

#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench-traffic.h"

static double
pct (guint64 a, guint64 b)
{
  return b ? 100.0 * (double) a / (double) b : NAN;
}

double
bench_residual_pct (const BenchTally *t)
{
  return pct (t->unrecovered, t->media);
}

const Result *
bench_find_result_at (Bench *b, const char *stream, const char *loss_label, guint overhead,
                      BenchScheme scheme, guint budget_ms)
{
  for (guint i = 0; i < b->results->len; i++)
    {
      const Result *r = g_ptr_array_index (b->results, i);

      if (r->scheme == scheme && r->overhead == overhead && r->budget_ms == budget_ms
          && strcmp (r->stream, stream) == 0 && strcmp (r->loss_label, loss_label) == 0)
        return r;
    }
  return NULL;
}

const Result *
bench_find_result (Bench *b, const char *stream, const char *loss_label, guint overhead,
                   BenchScheme scheme)
{
  return bench_find_result_at (b, stream, loss_label, overhead, scheme, 0);
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
  ideal = bench_residual_pct (&r->ideal);
  return ideal > 0 ? bench_residual_pct (&r->t) / ideal
                   : (bench_residual_pct (&r->t) > 0 ? INFINITY : 1.0);
}

typedef struct
{
  double encode_ns_pkt;
  double encode_gbps;
  double decode_ns_pkt;
  double decode_gbps;
  double memcpy_ns_pkt;
  double memcpy_gbps;
} Speed;

static double
gbps (double bytes, double ns)
{
  return ns > 0 ? bytes / ns : NAN;
}

/* Decode speed is that of the fastest run, as encode's is the fastest of a few: the
 * machine may be shared, and a slow run measures the neighbours. */
static Speed
speed_of (const Result *r)
{
  return (Speed){
    .encode_ns_pkt = r->enc_media ? r->encode_ns / r->enc_media : NAN,
    .encode_gbps = gbps (r->stream_bytes, r->encode_ns),
    .decode_ns_pkt = r->t.best_decode_ns_per_packet > 0 ? r->t.best_decode_ns_per_packet : NAN,
    .decode_gbps = r->t.best_decode_gbps > 0 ? r->t.best_decode_gbps : NAN,
    .memcpy_ns_pkt = r->memcpy_ns / r->stream_packets,
    .memcpy_gbps = gbps (r->stream_bytes, r->memcpy_ns),
  };
}

/* The Confab scheme with the lowest residual loss for a condition. */
static const Result *
best_confab (Bench *b, const char *stream, const char *label, guint oh)
{
  const Result *best = NULL;

  for (BenchScheme sc = BENCH_SCHEME_ULPFEC; bench_scheme_is_confab (sc); sc++)
    {
      const Result *r = bench_find_result (b, stream, label, oh, sc);

      if (r && r->available
          && (!best || bench_residual_pct (&r->t) < bench_residual_pct (&best->t)))
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
      const Result *r = bench_find_result (b, stream, label, oh, sc);
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
      fmt_num (c[2], 32, 2, bench_residual_pct (&r->t));
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

static char *
budget_label (guint budget_ms)
{
  return budget_ms ? g_strdup_printf ("%u ms", budget_ms) : g_strdup ("frame");
}

/* The schemes whose blocks span frames within the encoder's delay budget, per budget, with
 * the ideal code on the same blocks and GStreamer's ULPFEC (which protects each frame) as
 * the references. */
static void
print_budgets (Bench *b, const char *stream, const char *label)
{
  static const BenchScheme schemes[] = { BENCH_SCHEME_FLEX_RANDOM, BENCH_SCHEME_FLEX_SEARCHED,
                                         BENCH_SCHEME_FLEX_BURSTY, BENCH_SCHEME_FLEX_SLIDING,
                                         BENCH_SCHEME_RS,          BENCH_SCHEME_IDEAL };
  const Result *gst = bench_find_result (b, stream, label, PLOT_OVERHEAD, BENCH_SCHEME_GST_ULPFEC);
  double g = gst && gst->available ? bench_residual_pct (&gst->t) : NAN;

  printf ("\n%s, %s loss, %d%% overhead: recovery within the encoder's delay budget "
          "(blocks span the frames that fit)\n",
          stream, label, PLOT_OVERHEAD);
  printf ("%-7s %-18s %7s %7s %7s %7s %7s %6s %6s\n", "budget", "scheme", "resid%", "xideal",
          "xgst", "frm-ok%", "frozen%", "wait", "max");
  for (guint bi = 0; bi < b->budgets->len; bi++)
    {
      guint budget = g_array_index (b->budgets, guint, bi);
      g_autofree char *bl = budget_label (budget);

      for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
        {
          const Result *r
              = bench_find_result_at (b, stream, label, PLOT_OVERHEAD, schemes[i], budget);
          double res;
          char c[7][32];

          if (r == NULL || !r->available)
            continue;
          res = bench_residual_pct (&r->t);
          fmt_num (c[0], 32, 2, res);
          fmt_num (c[1], 32, 2, x_ideal (r));
          fmt_num (c[2], 32, 3, g > 0 ? res / g : NAN);
          fmt_num (c[3], 32, 1, pct (r->t.frames_complete, r->t.frames));
          fmt_num (c[4], 32, 1, pct (r->t.frames_frozen, r->t.frames));
          fmt_num (c[5], 32, 0, r->delay_ms);
          fmt_num (c[6], 32, 0, r->max_delay_ms);
          printf ("%-7s %-18s %7s %7s %7s %7s %7s %6s %6s\n", bl, bench_scheme_name (schemes[i]),
                  c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
        }
    }
  if (gst && gst->available)
    printf ("%-7s %-18s %7.2f %7s %7s %7.1f %7.1f %6s %6s\n", "frame", "gst-ulpfec", g, "-",
            "1.000", pct (gst->t.frames_complete, gst->t.frames),
            pct (gst->t.frames_frozen, gst->t.frames), "0", "0");
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
        any |= bench_find_result (b, stream, label, g_array_index (b->overheads, guint, oi), sc)
               != NULL;
      if (!any)
        continue;
      printf ("%-18s", bench_scheme_name (sc));
      for (guint oi = 0; oi < b->overheads->len; oi++)
        {
          const Result *r
              = bench_find_result (b, stream, label, g_array_index (b->overheads, guint, oi), sc);
          char cell[40];

          if (r == NULL || !r->available)
            g_strlcpy (cell, "n/a", sizeof cell);
          else
            g_snprintf (cell, sizeof cell, "%.2f (%.0f)", bench_residual_pct (&r->t),
                        overhead_pkts (r));
          printf (" %15s", cell);
        }
      printf ("\n");
    }
}

static void
print_speed (Bench *b, const char *stream, const char *label, guint oh)
{
  const Result *none = bench_find_result (b, stream, label, oh, BENCH_SCHEME_NONE);
  Speed copy;

  if (none == NULL)
    return;
  copy = speed_of (none);
  printf ("\n%s speed at %u%% overhead, %s loss (one core; encode = media in, repair out;"
          " decode = every received packet in, recovered out)\n",
          stream, oh, label);
  printf ("%-18s %11s %6s %8s %7s %11s %6s %8s %7s\n", "", "encode ns/p", "GB/s", "xmemcpy",
          "xDRAMcp", "decode ns/p", "GB/s", "xmemcpy", "xDRAMcp");
  printf ("%-18s %11.1f %6.2f %8s %7.2f   (DRAM-bound memcpy: %.2f GB/s)\n", "memcpy",
          copy.memcpy_ns_pkt, copy.memcpy_gbps, "1.00", copy.memcpy_gbps / b->memcpy_dram_gbps,
          b->memcpy_dram_gbps);
  for (BenchScheme sc = BENCH_SCHEME_ULPFEC; sc <= BENCH_SCHEME_GST_ULPFEC; sc++)
    {
      const Result *r = bench_find_result (b, stream, label, oh, sc);
      Speed sp;

      if (r == NULL || !r->available)
        continue;
      sp = speed_of (r);
      printf ("%-18s %11.1f %6.2f %8.2f %7.2f %11.1f %6.2f %8.2f %7.2f\n", bench_scheme_name (sc),
              sp.encode_ns_pkt, sp.encode_gbps, sp.encode_gbps / sp.memcpy_gbps,
              sp.encode_gbps / b->memcpy_dram_gbps, sp.decode_ns_pkt, sp.decode_gbps,
              sp.decode_gbps / sp.memcpy_gbps, sp.decode_gbps / b->memcpy_dram_gbps);
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

/* The delay-budget targets: the searched masks against the ideal code on the same
 * blocks at every budget (10% random loss), and the best budget-bound scheme against
 * GStreamer's ULPFEC under bursts at 100 ms. */
static void
budget_verdicts (Bench *b, const char *stream, const char *bern, const char *ge, GArray *v)
{
  GString *m = g_string_new (NULL);
  double worst = 0;
  const Result *gst = bench_find_result (b, stream, ge, PLOT_OVERHEAD, BENCH_SCHEME_GST_ULPFEC);
  const Result *best = NULL;
  Verdict x;

  for (guint bi = 0; bi < b->budgets->len; bi++)
    {
      guint budget = g_array_index (b->budgets, guint, bi);
      const Result *r = bench_find_result_at (b, stream, bern, PLOT_OVERHEAD,
                                              BENCH_SCHEME_FLEX_SEARCHED, budget);
      g_autofree char *bl = budget_label (budget);

      if (r == NULL || !r->available)
        continue;
      g_string_append_printf (m, "%s%s x%.2f", m->len ? ", " : "", bl, x_ideal (r));
      worst = MAX (worst, x_ideal (r));
    }
  /* Overlapping windows have no blocks to compare on: against the ideal block code within the
   * same budget instead. */
  for (guint bi = 0; bi < b->budgets->len; bi++)
    {
      guint budget = g_array_index (b->budgets, guint, bi);
      const Result *r = bench_find_result_at (b, stream, bern, PLOT_OVERHEAD,
                                              BENCH_SCHEME_FLEX_SLIDING, budget);
      const Result *ideal
          = bench_find_result_at (b, stream, bern, PLOT_OVERHEAD, BENCH_SCHEME_IDEAL, budget);

      if (r && r->available && ideal && bench_residual_pct (&ideal->t) > 0)
        g_string_append_printf (m, "%s%u ms x%.2f",
                                bi > 1 ? ", " : "; flexfec-sliding vs it: ", budget,
                                bench_residual_pct (&r->t) / bench_residual_pct (&ideal->t));
    }
  if (m->len > 0)
    {
      x = (Verdict){ "budget-vs-ideal",
                     "flexfec-searched within 1.25x the ideal code on its blocks, every budget",
                     g_string_free (m, FALSE), worst <= 1.25, TRUE };
      g_array_append_val (v, x);
    }
  else
    g_string_free (m, TRUE);

  for (BenchScheme sc = BENCH_SCHEME_ULPFEC; bench_scheme_is_confab (sc); sc++)
    {
      const Result *r = bench_find_result_at (b, stream, ge, PLOT_OVERHEAD, sc, 100);

      if (r && r->available
          && (!best || bench_residual_pct (&r->t) < bench_residual_pct (&best->t)))
        best = r;
    }
  if (best && gst && gst->available)
    {
      double r = bench_residual_pct (&best->t), g = bench_residual_pct (&gst->t);
      const Result *ideal
          = bench_find_result_at (b, stream, ge, PLOT_OVERHEAD, BENCH_SCHEME_IDEAL, 100);

      x = (Verdict){ "budget-bursty",
                     "best Confab <= 1/4 of GStreamer's at Gilbert 5%/3 within a 100 ms budget",
                     g_strdup_printf ("%s %.2f%% vs %.2f%% (ratio %.3f; the ideal code on the same "
                                      "blocks %.3f)",
                                      bench_scheme_name (best->scheme), r, g, g > 0 ? r / g : 0,
                                      ideal && g > 0 ? bench_residual_pct (&ideal->t) / g : NAN),
                     r * 4 <= g, TRUE };
      g_array_append_val (v, x);
    }
}

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
  gst = bench_find_result (b, s->name, bern, PLOT_OVERHEAD, BENCH_SCHEME_GST_ULPFEC);
  best_ge = best_confab (b, s->name, ge, PLOT_OVERHEAD);
  gst_ge = bench_find_result (b, s->name, ge, PLOT_OVERHEAD, BENCH_SCHEME_GST_ULPFEC);

  if (best)
    {
      double r = bench_residual_pct (&best->t);

      x = (Verdict){ "residual", "best Confab <= 2.5% at 25% overhead, 10% random loss",
                     g_strdup_printf ("%s %.2f%% (%s, %s)", bench_scheme_name (best->scheme), r,
                                      s->name, bern),
                     r <= 2.5, TRUE };
      g_array_append_val (v, x);
      if (gst)
        {
          double g = bench_residual_pct (&gst->t);

          x = (Verdict){ "vs-gstreamer", "best Confab <= 1/3 of GStreamer's residual",
                         g_strdup_printf ("%.2f%% vs %.2f%% (ratio %.2f)", r, g, g > 0 ? r / g : 0),
                         r * 3 <= g, TRUE };
          g_array_append_val (v, x);
        }
      {
        const Result *fr
            = bench_find_result (b, s->name, bern, PLOT_OVERHEAD, BENCH_SCHEME_FLEX_RANDOM);
        const Result *fk
            = bench_find_result (b, s->name, bern, PLOT_OVERHEAD, BENCH_SCHEME_FLEX_RANDOM_K16);

        /* The best scheme's own blocks, and for context the random masks', whose blocks are
         * the ones the ideal figures (12 and 16 packets) describe. */
        x = (Verdict){ "vs-ideal", "best Confab within 1.6x the ideal code on the same blocks",
                       g_strdup_printf ("%.2f%% vs ideal %.2f%% (x%.2f); flexfec-random x%.2f, "
                                        "flexfec-random-k16 x%.2f",
                                        r, bench_residual_pct (&best->ideal), x_ideal (best),
                                        fr ? x_ideal (fr) : NAN, fk ? x_ideal (fk) : NAN),
                       x_ideal (best) <= 1.6, TRUE };
      }
      g_array_append_val (v, x);
    }
  if (best_ge && gst_ge)
    {
      double r = bench_residual_pct (&best_ge->t), g = bench_residual_pct (&gst_ge->t);

      x = (Verdict){ "bursty", "best Confab <= 1/4 of GStreamer's at Gilbert 5%/3, 25% overhead",
                     g_strdup_printf ("%s %.2f%% vs %.2f%% (ratio %.2f)",
                                      bench_scheme_name (best_ge->scheme), r, g, g > 0 ? r / g : 0),
                     r * 4 <= g, TRUE };
      g_array_append_val (v, x);
    }
  budget_verdicts (b, s->name, bern, ge, v);
  {
    double worst_e = INFINITY, worst_d = INFINITY;
    const char *we = "", *wd = "";

    for (BenchScheme sc = BENCH_SCHEME_ULPFEC; bench_scheme_is_confab (sc); sc++)
      {
        const Result *r = bench_find_result (b, s->name, bern, PLOT_OVERHEAD, sc);
        Speed sp;

        if (r == NULL || !r->available)
          continue;
        sp = speed_of (r);
        if (sp.encode_gbps / sp.memcpy_gbps < worst_e)
          {
            worst_e = sp.encode_gbps / sp.memcpy_gbps;
            we = bench_scheme_name (sc);
          }
        if (sp.decode_gbps / sp.memcpy_gbps < worst_d)
          {
            worst_d = sp.decode_gbps / sp.memcpy_gbps;
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

void
bench_print_report (Bench *b)
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
          print_budgets (b, s->name, label);
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
  "delay_budget_ms",
  "max_recovery_wait_ms",
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

gboolean
bench_write_csv (Bench *b, const char *path, GError **error)
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
      Speed sp = speed_of (r);

      g_string_append_printf (out, "%s,%s", r->stream, label);
      append_num (out, r->model.loss * 100);
      append_num (out, r->model.burst);
      g_string_append_printf (out, ",%u,%s,%s,%s", r->overhead, bench_scheme_name (r->scheme), code,
                              r->available ? "yes" : "no");
      g_string_append_printf (out,
                              ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT
                              ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT,
                              r->t.runs, r->t.media, r->t.lost, r->t.recovered, r->t.unrecovered);
      append_num (out, bench_residual_pct (&r->t));
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
      append_num (out, r->has_ideal ? bench_residual_pct (&r->ideal) : NAN);
      append_num (out, x_ideal (r));
      append_num (out, sp.encode_ns_pkt);
      append_num (out, sp.encode_gbps);
      append_num (out, sp.decode_ns_pkt);
      append_num (out, sp.decode_gbps);
      append_num (out, sp.memcpy_ns_pkt);
      append_num (out, sp.memcpy_gbps);
      append_num (out, b->memcpy_dram_gbps);
      append_num (out, r->scheme == BENCH_SCHEME_NONE ? NAN : r->delay_ms);
      g_string_append_printf (out, ",%" G_GINT64_FORMAT ",%u", b->seed, r->budget_ms);
      append_num (out, r->scheme == BENCH_SCHEME_NONE ? NAN : r->max_delay_ms);
      g_string_append_c (out, '\n');
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
json_bool (JsonBuilder *jb, const char *name, gboolean v)
{
  json_builder_set_member_name (jb, name);
  json_builder_add_boolean_value (jb, v);
}

/* A guint64 member of a struct, written as a JSON integer member. */
typedef struct
{
  const char *name;
  gsize offset;
} JsonCount;

static void
json_counts (JsonBuilder *jb, gconstpointer base, const JsonCount *counts, gsize n)
{
  for (gsize i = 0; i < n; i++)
    json_int (jb, counts[i].name, G_STRUCT_MEMBER (guint64, base, counts[i].offset));
}

static void
json_tally (JsonBuilder *jb, const BenchTally *t)
{
#define COUNT(name, member)                                                                        \
  {                                                                                                \
    name, G_STRUCT_OFFSET (BenchTally, member)                                                     \
  }
  static const JsonCount totals[] = {
    COUNT ("runs", runs),           COUNT ("media_packets", media),     COUNT ("lost", lost),
    COUNT ("recovered", recovered), COUNT ("unrecovered", unrecovered),
  };
  static const JsonCount details[] = {
    COUNT ("decoder_reported_recovered", reported_recovered),
    COUNT ("corrupt", corrupt),
    COUNT ("spurious", spurious),
    COUNT ("repair_sent", repair_sent),
    COUNT ("repair_lost", repair_lost),
    COUNT ("frames", frames),
    COUNT ("frames_complete", frames_complete),
    COUNT ("frames_frozen", frames_frozen),
  };
#undef COUNT

  json_counts (jb, t, totals, G_N_ELEMENTS (totals));
  json_num (jb, "residual_pct", bench_residual_pct (t));
  json_counts (jb, t, details, G_N_ELEMENTS (details));
  json_num (jb, "frames_complete_pct", pct (t->frames_complete, t->frames));
  json_num (jb, "frames_frozen_pct", pct (t->frames_frozen, t->frames));
}

#define COUNT(type, name, member)                                                                  \
  {                                                                                                \
    name, G_STRUCT_OFFSET (type, member)                                                           \
  }
static const JsonCount encoded_counts[] = {
  COUNT (Result, "encoded_media_packets", enc_media),
  COUNT (Result, "encoded_repair_packets", enc_repair),
  COUNT (Result, "encoded_media_bytes", enc_media_bytes),
  COUNT (Result, "encoded_repair_bytes", enc_repair_bytes),
};
static const JsonCount opus_counts[] = {
  COUNT (BenchOpusRow, "frames", frames),
  COUNT (BenchOpusRow, "lost", lost),
  COUNT (BenchOpusRow, "rebuilt_from_lbrr", rebuilt),
  COUNT (BenchOpusRow, "concealed", concealed),
  COUNT (BenchOpusRow, "concealed_next_also_lost", next_lost),
  COUNT (BenchOpusRow, "packets_with_lbrr", lbrr_packets),
  COUNT (BenchOpusRow, "silk_packets", silk_packets),
  COUNT (BenchOpusRow, "hybrid_packets", hybrid_packets),
  COUNT (BenchOpusRow, "celt_packets", celt_packets),
  COUNT (BenchOpusRow, "fec_decode_differs_from_plc", fec_plc_differs),
};
#undef COUNT

gboolean
bench_write_json (Bench *b, const char *path, GError **error)
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
      Speed sp = speed_of (r);

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
      json_counts (jb, r, encoded_counts, G_N_ELEMENTS (encoded_counts));
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
      json_num (jb, "encode_ns_per_packet", sp.encode_ns_pkt);
      json_num (jb, "encode_gbps", sp.encode_gbps);
      json_num (jb, "decode_ns_per_packet", sp.decode_ns_pkt);
      json_num (jb, "decode_gbps", sp.decode_gbps);
      json_num (jb, "memcpy_ns_per_packet", sp.memcpy_ns_pkt);
      json_num (jb, "memcpy_gbps", sp.memcpy_gbps);
      json_num (jb, "memcpy_dram_gbps", b->memcpy_dram_gbps);
      json_num (jb, "mean_recovery_wait_ms", r->scheme == BENCH_SCHEME_NONE ? NAN : r->delay_ms);
      json_num (jb, "max_recovery_wait_ms", r->scheme == BENCH_SCHEME_NONE ? NAN : r->max_delay_ms);
      json_int (jb, "delay_budget_ms", r->budget_ms);
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
      json_bool (jb, "inband_fec", o->inband_fec);
      json_int (jb, "loss_hint_pct", o->loss_hint);
      json_counts (jb, o, opus_counts, G_N_ELEMENTS (opus_counts));
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
      json_bool (jb, "met", x->met);
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
