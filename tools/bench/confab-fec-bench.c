/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-fec-bench: how much each FEC scheme recovers, at what cost, on real VP8 RTP
 * streams, against GStreamer's ULPFEC and the ideal code; and how Opus in-band FEC fares.
 * Every figure is reproducible from the seed it prints.
 *
 *   confab-fec-bench [--seed N] [--quick] [--csv FILE] [--json FILE] [--plot FILE.png | --no-plot]
 *
 * The table goes to stdout; the plot to confab-fec-bench-seed<N>.png in the current directory
 * unless --plot names another file or --no-plot skips it.
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
#include "bench-report.h"
#include "bench-schemes.h"
#include "bench-traffic.h"

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

/* Decodes every run of every model in @models for the schemes encoded in @enc (NULL: not
 * run), adding their results. The ideal code is measured on flexfec-random's blocks, which
 * are also those of the searched and bursty masks: blocking does not depend on the masks. */
static gboolean
measure (Bench *b, const BenchStream *s, GArray *models, BenchEncoded **enc,
         const BenchSchemeOptions *opts, double memcpy_ns, GError **error)
{
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
          r->overhead = opts->overhead;
          r->budget_ms = opts->delay_budget_ms;
          r->scheme = sc;
          r->params = g_strdup (sc == BENCH_SCHEME_IDEAL ? "blocks of flexfec-random" : e->params);
          r->available = e->available;
          r->why_not = g_strdup (e->unavailable_reason);
          r->enc_media = e->media_packets;
          r->enc_repair = e->repair_packets;
          r->enc_media_bytes = e->media_bytes;
          r->enc_repair_bytes = e->repair_bytes;
          r->encode_ns = sc == BENCH_SCHEME_IDEAL ? NAN : e->encode_ns;
          r->delay_ms = e->mean_delay_ms;
          r->max_delay_ms = e->max_delay_ms;
          r->memcpy_ns = memcpy_ns;
          r->stream_packets = s->n_packets;
          r->stream_bytes = s->bytes;
          r->has_ideal = bench_scheme_has_blocks (sc);
          res[sc] = r;
          g_ptr_array_add (b->results, r);
        }

      for (guint rep = 0; rep < (guint) b->repeats; rep++)
        {
          g_autoptr (BenchLossRun) run
              = bench_loss_run_new (model, run_seed (b, label, rep), s->n_packets);
          g_autofree char *budget = opts->delay_budget_ms
                                        ? g_strdup_printf (", %u ms budget", opts->delay_budget_ms)
                                        : g_strdup ("");
          g_autofree char *w = g_strdup_printf ("%s, %u%% overhead%s, %s: run %u/%d", s->name,
                                                opts->overhead, budget, label, rep + 1, b->repeats);

          progress (b, w);
          for (BenchScheme sc = 0; sc < BENCH_SCHEME_IDEAL; sc++)
            {
              if (res[sc] == NULL)
                continue;
              if (!bench_decode (s, enc[sc], run, opts, &res[sc]->t,
                                 sc == BENCH_SCHEME_FLEX_RANDOM
                                     ? &res[BENCH_SCHEME_IDEAL]->t
                                     : (res[sc]->has_ideal ? &res[sc]->ideal : NULL),
                                 error))
                return FALSE;
            }
          /* flexfec-random's own ideal is the ideal-mds row. */
          if (res[BENCH_SCHEME_FLEX_RANDOM])
            res[BENCH_SCHEME_FLEX_RANDOM]->ideal = res[BENCH_SCHEME_IDEAL]->t;
          b->units_done++;
        }
    }
  return TRUE;
}

/* Encodes @s for every scheme enabled at @opts (only the budget's schemes when it has one),
 * then measures them on @models. */
static gboolean
encode_and_measure (Bench *b, const BenchStream *s, GArray *models, const BenchSchemeOptions *opts,
                    double memcpy_ns, GError **error)
{
  BenchEncoded *enc[BENCH_N_SCHEMES] = { NULL };
  g_autofree char *what = g_strdup_printf ("%s, %u%% overhead, %u ms budget: encoding", s->name,
                                           opts->overhead, opts->delay_budget_ms);
  gboolean ok = TRUE;

  progress (b, what);
  for (BenchScheme sc = 0; sc < BENCH_SCHEME_IDEAL && ok; sc++)
    {
      if (!scheme_enabled (b, sc)
          || (opts->delay_budget_ms > 0
              && (!bench_scheme_has_budget (sc) || sc == BENCH_SCHEME_ULPFEC))
          || (opts->delay_budget_ms == 0 && sc == BENCH_SCHEME_FLEX_SLIDING))
        continue;
      enc[sc] = bench_encode (s, sc, opts, error);
      ok = enc[sc] != NULL;
    }
  b->units_done++;
  if (ok)
    ok = measure (b, s, models, enc, opts, memcpy_ns, error);
  for (BenchScheme sc = 0; sc < BENCH_N_SCHEMES; sc++)
    bench_encoded_free (enc[sc]);
  return ok;
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
    {
      for (guint oi = 0; oi < b->overheads->len; oi++)
        {
          g_autoptr (GArray) m = models_for (b, si, g_array_index (b->overheads, guint, oi));

          b->units_total += m->len * (guint) b->repeats + 1;
        }
      for (guint bi = 0; bi < b->budgets->len; bi++)
        if (g_array_index (b->budgets, guint, bi) > 0)
          b->units_total += b->table_models->len * (guint) b->repeats + 1;
    }

  for (guint si = 0; si < b->streams->len; si++)
    {
      const BenchStream *s = g_ptr_array_index (b->streams, si);
      double memcpy_ns = bench_memcpy_ns (s, 20);

      for (guint oi = 0; oi < b->overheads->len; oi++)
        {
          g_autoptr (GArray) models = models_for (b, si, g_array_index (b->overheads, guint, oi));

          opts.overhead = g_array_index (b->overheads, guint, oi);
          opts.delay_budget_ms = 0;
          if (!encode_and_measure (b, s, models, &opts, memcpy_ns, error))
            return FALSE;
        }
      /* The budget rows: the schemes that span frames, at the tables' overhead and losses. */
      opts.overhead = PLOT_OVERHEAD;
      for (guint bi = 0; bi < b->budgets->len; bi++)
        {
          opts.delay_budget_ms = g_array_index (b->budgets, guint, bi);
          if (opts.delay_budget_ms > 0
              && !encode_and_measure (b, s, b->table_models, &opts, memcpy_ns, error))
            return FALSE;
        }
    }
  return TRUE;
}

typedef struct
{
  BenchCurve curves[BENCH_N_SCHEMES];
  double xs[BENCH_N_SCHEMES][64], ys[BENCH_N_SCHEMES][64];
  guint n_curves;
} PlotCurves;

static void
curve_add (PlotCurves *pc, BenchScheme sc, const double *x, const double *y, guint n)
{
  guint c = pc->n_curves++;

  memcpy (pc->xs[c], x, n * sizeof *x);
  memcpy (pc->ys[c], y, n * sizeof *y);
  pc->curves[c] = (BenchCurve){ bench_scheme_name (sc),
                                sc,
                                n,
                                pc->xs[c],
                                pc->ys[c],
                                sc == BENCH_SCHEME_IDEAL || sc == BENCH_SCHEME_NONE
                                    || sc == BENCH_SCHEME_GST_ULPFEC };
}

/* Residual against the delay budget for the schemes that span frames and the ideal code on
 * their blocks; GStreamer's ULPFEC and no FEC, which do not wait, as flat references. One
 * frame is drawn at the clip's frame interval. */
static void
budget_curves (Bench *b, const BenchStream *s, const char *label, PlotCurves *pc)
{
  double frame_ms = s->n_frames ? 1000.0 * s->seconds / s->n_frames : 33;
  double last = frame_ms;

  for (BenchScheme sc = 0; sc < BENCH_N_SCHEMES; sc++)
    {
      double x[64], y[64];
      guint n = 0;

      /* confab-ulpfec's figures are flexfec-random's: the budget rows leave it out. */
      if (sc != BENCH_SCHEME_IDEAL && (!bench_scheme_has_budget (sc) || sc == BENCH_SCHEME_ULPFEC))
        continue;
      for (guint bi = 0; bi < b->budgets->len && n < 64; bi++)
        {
          guint budget = g_array_index (b->budgets, guint, bi);
          const Result *r = bench_find_result_at (b, s->name, label, PLOT_OVERHEAD, sc, budget);

          if (r == NULL || !r->available)
            continue;
          x[n] = budget ? budget : frame_ms;
          y[n] = bench_residual_pct (&r->t);
          last = MAX (last, x[n]);
          n++;
        }
      if (n > 0)
        curve_add (pc, sc, x, y, n);
    }
  for (BenchScheme sc = BENCH_SCHEME_NONE; sc <= BENCH_SCHEME_GST_ULPFEC;
       sc = sc == BENCH_SCHEME_NONE ? BENCH_SCHEME_GST_ULPFEC : sc + 1)
    {
      const Result *r = bench_find_result (b, s->name, label, PLOT_OVERHEAD, sc);

      if (r && r->available)
        curve_add (pc, sc, (double[]){ frame_ms, last },
                   (double[]){ bench_residual_pct (&r->t), bench_residual_pct (&r->t) }, 2);
    }
}

/* Residual against channel loss (independent), one frame's delay. */
static void
loss_curves (Bench *b, const BenchStream *s, PlotCurves *pc)
{
  g_autoptr (GArray) models = models_for (b, 0, PLOT_OVERHEAD);

  for (BenchScheme sc = 0; sc < BENCH_N_SCHEMES; sc++)
    {
      double x[64], y[64];
      guint n = 0;

      for (guint mi = 0; mi < models->len && n < 64; mi++)
        {
          const BenchLossModel *m = &g_array_index (models, BenchLossModel, mi);
          g_autofree char *label = NULL;
          const Result *r;

          if (m->kind != BENCH_LOSS_BERNOULLI)
            continue;
          label = bench_loss_model_label (m);
          r = bench_find_result (b, s->name, label, PLOT_OVERHEAD, sc);
          if (r == NULL || !r->available)
            continue;
          x[n] = m->loss * 100;
          y[n] = bench_residual_pct (&r->t);
          n++;
        }
      /* x ascending for the line. */
      for (guint i = 1; i < n; i++)
        for (guint j = i; j > 0 && x[j - 1] > x[j]; j--)
          {
            double tx = x[j], ty = y[j];

            x[j] = x[j - 1];
            y[j] = y[j - 1];
            x[j - 1] = tx;
            y[j - 1] = ty;
          }
      if (n > 0)
        curve_add (pc, sc, x, y, n);
    }
}

static gboolean
write_plot (Bench *b, const char *path, GError **error)
{
  const BenchStream *s;
  PlotCurves *pc;
  BenchPanel panels[3];
  g_autofree char *subtitle = NULL;
  g_autofree char *title = NULL;
  char *t[3] = { NULL };
  guint n = 0;
  gboolean ok;

  if (b->streams->len == 0)
    return TRUE;
  s = g_ptr_array_index (b->streams, 0);
  pc = g_new0 (PlotCurves, 3);
  for (guint mi = 0; mi < MIN (b->table_models->len, 2u); mi++)
    {
      g_autofree char *label
          = bench_loss_model_label (&g_array_index (b->table_models, BenchLossModel, mi));

      budget_curves (b, s, label, &pc[n]);
      t[n] = g_strdup_printf ("%s loss: residual against delay budget", label);
      panels[n] = (BenchPanel){ t[n],         "encoder delay budget (the first is one frame)",
                                " ms",        50,
                                pc[n].curves, pc[n].n_curves };
      n++;
    }
  loss_curves (b, s, &pc[n]);
  t[n] = g_strdup ("one frame: residual against channel loss");
  panels[n]
      = (BenchPanel){ t[n],          "channel packet loss (independent)", "%", 5, pc[n].curves,
                      pc[n].n_curves };
  n++;
  subtitle = g_strdup_printf ("%s VP8 RTP (%u packets), %d runs per point, seed %" G_GINT64_FORMAT
                              ", confab-fec-bench %s; ideal-mds: an MDS code on the same blocks",
                              s->name, s->n_packets, b->repeats, b->seed, PACKAGE_VERSION);
  title = g_strdup_printf ("Residual media packet loss at %d%% FEC overhead", PLOT_OVERHEAD);
  ok = bench_plot_png (path, title, subtitle, panels, n, error);
  for (guint i = 0; i < n; i++)
    g_free (t[i]);
  g_free (pc);
  return ok;
}

/* --- options -------------------------------------------------------------------------- */

char *
bench_default_plot_path (gint64 seed)
{
  return g_strdup_printf ("confab-fec-bench-seed%" G_GINT64_FORMAT ".png", seed);
}

/* Appends the comma-separated numbers of @option's @list, each from @min to @max, to @out. */
static gboolean
parse_list (const char *option, const char *list, guint min, guint max, const char *what,
            GArray *out, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (list, ",", -1);

  for (guint i = 0; parts[i]; i++)
    {
      guint64 v;

      if (!g_ascii_string_to_unsigned (g_strstrip (parts[i]), 10, min, max, &v, NULL))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "%s: \"%s\" is not %s from %u to %u", option, parts[i], what, min, max);
          return FALSE;
        }
      g_array_append_val (out, (guint){ (guint) v });
    }
  return TRUE;
}

static gboolean
parse_overheads (Bench *b, GError **error)
{
  gboolean has_plot = FALSE;

  if (!parse_list ("--overheads", b->overheads_str, 1, 100, "a percentage", b->overheads, error))
    return FALSE;
  for (guint i = 0; i < b->overheads->len; i++)
    has_plot |= g_array_index (b->overheads, guint, i) == PLOT_OVERHEAD;
  /* The plot and the targets are at 25%: always measure it. */
  if (!has_plot)
    g_array_prepend_val (b->overheads, (guint){ PLOT_OVERHEAD });
  return TRUE;
}

static gboolean
parse_budgets (Bench *b, GError **error)
{
  if (!parse_list ("--budgets", b->budgets_str, 0, 60000, "a delay in ms", b->budgets, error))
    return FALSE;
  /* One frame (no budget) is what every other table measures: always there, first, once. */
  for (guint i = b->budgets->len; i-- > 0;)
    if (g_array_index (b->budgets, guint, i) == 0)
      g_array_remove_index (b->budgets, i);
  g_array_prepend_val (b->budgets, (guint){ 0 });
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
  g_clear_pointer (&b->budgets, g_array_unref);
  g_clear_pointer (&b->table_models, g_array_unref);
  g_clear_pointer (&b->plot_models, g_array_unref);
  g_clear_pointer (&b->results, g_ptr_array_unref);
  g_clear_pointer (&b->opus, g_array_unref);
  g_free (b->overheads_str);
  g_free (b->budgets_str);
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
    { "budgets", 0, 0, G_OPTION_ARG_STRING, &b.budgets_str,
      "Encoder delay budgets for the budget rows, ms; 0 = one frame (0,50,100,200)", "LIST" },
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
      "Where to draw residual against delay budget and channel loss at 25% overhead "
      "(confab-fec-bench-seed<N>.png)",
      "FILE.png" },
    { "no-plot", 0, 0, G_OPTION_ARG_NONE, &b.no_plot, "Draw no plot", NULL },
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
  if (b.budgets_str == NULL)
    b.budgets_str = g_strdup (b.quick ? "0,100" : "0,50,100,200");
  if (b.no_plot && b.plot_path)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--plot and --no-plot contradict each other");
      goto out;
    }
  if (!b.no_plot && b.plot_path == NULL)
    b.plot_path = bench_default_plot_path (b.seed);
  if (b.seconds < 1 || b.seconds > 600 || b.repeats < 1 || b.repeats > 1000)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--seconds must be 1-600 and --repeats 1-1000");
      goto out;
    }

  b.streams = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_stream_free);
  b.overheads = g_array_new (FALSE, FALSE, sizeof (guint));
  b.budgets = g_array_new (FALSE, FALSE, sizeof (guint));
  b.table_models = g_array_new (FALSE, TRUE, sizeof (BenchLossModel));
  g_array_set_clear_func (b.table_models, model_clear);
  b.plot_models = g_array_new (FALSE, TRUE, sizeof (BenchLossModel));
  g_array_set_clear_func (b.plot_models, model_clear);
  b.results = g_ptr_array_new_with_free_func ((GDestroyNotify) result_free);
  b.started = g_get_monotonic_time ();
  b.tty = isatty (STDERR_FILENO);
  if (!parse_overheads (&b, error) || !parse_budgets (&b, error) || !setup_models (&b, error))
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
      bench_print_report (&b);
    }
  if (b.csv_path && !bench_write_csv (&b, b.csv_path, error))
    goto out;
  if (b.json_path && !bench_write_json (&b, b.json_path, error))
    goto out;
  if (b.plot_path && !write_plot (&b, b.plot_path, error))
    goto out;
  if (b.plot_path && !b.quiet)
    printf ("plot: %s (residual media loss against delay budget and channel loss at %d%% "
            "overhead)\n",
            b.plot_path, PLOT_OVERHEAD);
  status = 0;

out:
  if (b.tty && status != 0 && !b.quiet)
    fprintf (stderr, "\n");
  g_strfreev (args);
  bench_clear (&b);
  return status;
}
