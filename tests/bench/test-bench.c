/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-bench: confab-fec-bench's loss models, its ideal-code bound, and a tiny run. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "bench-loss.h"
#include "bench-schemes.h"
#include "confab-fec-bench.h"

#define SEED 20240601
#define N 400000

static void
check_run (const BenchLossModel *model, double want_loss, double want_burst)
{
  g_autoptr (BenchLossRun) run = bench_loss_run_new (model, SEED, N);
  double loss, burst;
  guint8 rep[4];
  guint64 rep_lost = 0, rep_n = 0, follow_lost = 0, follow_n = 0;

  bench_loss_measure (run->lost, N, &loss, &burst);
  g_test_message ("seed %u: loss %.4f (want %.4f), burst %.3f (want %.3f)", SEED, loss, want_loss,
                  burst, want_burst);
  g_assert_cmpfloat_with_epsilon (loss, want_loss, want_loss * 0.05);
  g_assert_cmpfloat_with_epsilon (burst, want_burst, want_burst * 0.05);

  /* Repair packets see the same mean loss, and share the burst they are sent in. */
  for (guint i = 0; i < N; i += 7)
    {
      bench_loss_run_repairs (run, i, 4, rep);
      for (guint j = 0; j < 4; j++)
        rep_lost += rep[j];
      rep_n += 4;
      if (run->lost[i])
        {
          follow_n++;
          follow_lost += rep[0];
        }
    }
  g_assert_cmpfloat_with_epsilon ((double) rep_lost / rep_n, want_loss, want_loss * 0.08);
  if (model->kind == BENCH_LOSS_GILBERT)
    g_assert_cmpfloat_with_epsilon ((double) follow_lost / follow_n, 1 - 1 / model->burst, 0.03);

  /* Same seed, same losses. */
  {
    g_autoptr (BenchLossRun) again = bench_loss_run_new (model, SEED, N);

    g_assert_cmpmem (run->lost, N, again->lost, N);
  }
}

static void
test_loss_bernoulli (void)
{
  BenchLossModel m;

  bench_loss_model_init_bernoulli (&m, 0.10);
  /* Runs of independent losses: geometric, mean 1 / (1 - p). */
  check_run (&m, 0.10, 1 / 0.9);
  bench_loss_model_clear (&m);
}

static void
test_loss_gilbert (void)
{
  BenchLossModel m;
  g_autoptr (GError) error = NULL;

  g_assert_true (bench_loss_model_init_gilbert (&m, 0.05, 3, &error));
  check_run (&m, 0.05, 3);
  bench_loss_model_clear (&m);
  g_assert_true (bench_loss_model_init_gilbert (&m, 0.20, 1.5, &error));
  check_run (&m, 0.20, 1.5);
  bench_loss_model_clear (&m);

  /* 50% mean loss with bursts of 1 is impossible for this channel. */
  g_assert_false (bench_loss_model_init_gilbert (&m, 0.5, 0.5, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
}

static void
test_loss_trace (void)
{
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  BenchLossModel m;
  int fd = g_file_open_tmp ("bench-trace-XXXXXX", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, "# a trace\n0011 1000\n0,1,1,0\n", -1, &error));
  g_assert_true (bench_loss_model_init_trace (&m, path, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (m.loss, 5.0 / 12, 1e-12);
  g_assert_cmpfloat_with_epsilon (m.burst, 2.5, 1e-12);
  {
    g_autoptr (BenchLossRun) run = bench_loss_run_new (&m, 1, 24);
    double loss;

    bench_loss_measure (run->lost, 24, &loss, NULL);
    g_assert_cmpfloat_with_epsilon (loss, 10.0 / 24, 1e-12);
  }
  bench_loss_model_clear (&m);

  g_assert_true (g_file_set_contents (path, "01x1\n", -1, &error));
  g_assert_false (bench_loss_model_init_trace (&m, path, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
  g_unlink (path);
}

static double
choose (guint n, guint k)
{
  double c = 1;

  for (guint i = 1; i <= k; i++)
    c = c * (n - k + i) / i;
  return c;
}

static void
test_ideal_binomial (void)
{
  /* The tail against a plain sum of terms. */
  for (guint n = 1; n <= 30; n += 7)
    for (guint t = 0; t <= n + 1; t++)
      {
        double want = 0;

        for (guint j = t; j <= n; j++)
          want += choose (n, j) * pow (0.13, j) * pow (0.87, n - j);
        g_assert_cmpfloat_with_epsilon (bench_binomial_tail (n, t, 0.13), want, 1e-12);
      }

  /* The closed form against every loss pattern of small blocks, applying the ideal code's
   * rule (recover all when at most m of k + m packets are lost) to each. */
  for (guint k = 1; k <= 10; k += 3)
    for (guint m = 1; m <= 4; m++)
      {
        double p = 0.1, expect = 0;

        for (guint mask = 0; mask < (1u << (k + m)); mask++)
          {
            guint lm = (guint) __builtin_popcount (mask & ((1u << k) - 1));
            guint lr = (guint) __builtin_popcount (mask >> k);
            double prob = pow (p, lm + lr) * pow (1 - p, k + m - lm - lr);

            expect += prob * bench_ideal_block_unrecovered (lm, lr, m);
          }
        g_assert_cmpfloat_with_epsilon (bench_ideal_block_residual (k, m, p), expect, 1e-12);
      }

  /* The figures: 25% overhead at 10% loss leaves 1.6% with 12-packet blocks, 1.2%
   * with 16. */
  g_assert_cmpfloat_with_epsilon (bench_ideal_block_residual (12, 3, 0.1) / 12, 0.0158, 0.0005);
  g_assert_cmpfloat_with_epsilon (bench_ideal_block_residual (16, 4, 0.1) / 16, 0.0118, 0.0005);
}

static const char *const columns[] = {
  "stream",  "loss_model", "loss_mean_pct", "loss_burst",   "overhead_asked_pct",
  "scheme",  "code",       "available",     "runs",         "media_packets",
  "lost",    "recovered",  "unrecovered",   "residual_pct", "decoder_reported_recovered",
  "corrupt", "spurious",
};

static guint
column (char **header, const char *name)
{
  for (guint i = 0; header[i]; i++)
    if (strcmp (header[i], name) == 0)
      return i;
  g_assert_not_reached ();
  return 0;
}

static void
test_run_quick (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bench-XXXXXX", NULL);
  g_autofree char *csv = g_build_filename (dir, "out.csv", NULL);
  g_autofree char *json = g_build_filename (dir, "out.json", NULL);
  g_autofree char *png = g_build_filename (dir, "out.png", NULL);
  char *argv[] = { "confab-fec-bench", "--quick", "--quiet", "--seed", "7", "--csv", csv,
                   "--json",           json,      "--plot",  png,      NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *png_data = NULL;
  gsize png_len = 0;
  g_auto (GStrv) lines = NULL;
  g_auto (GStrv) header = NULL;
  g_autoptr (GHashTable) lost_by_condition
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  guint fec_rows = 0, budget_rows = 0;

  g_assert_cmpint (confab_fec_bench_run (G_N_ELEMENTS (argv) - 1, argv, &error), ==, 0);
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (csv, &text, NULL, &error));
  lines = g_strsplit (text, "\n", -1);
  header = g_strsplit (lines[0], ",", -1);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    g_assert_cmpstr (header[i], ==, columns[i]);
  g_assert_cmpuint (g_strv_length (header), >=, 30);

  for (guint l = 1; lines[l] && *lines[l]; l++)
    {
      g_auto (GStrv) f = g_strsplit (lines[l], ",", -1);
      const char *scheme = f[column (header, "scheme")];
      guint64 media, lost, rec, unrec, reported;
      g_autofree char *cond = NULL;
      gpointer prev;

      g_assert_cmpuint (g_strv_length (f), ==, g_strv_length (header));
      if (strcmp (f[column (header, "available")], "yes") != 0)
        continue;
      media = g_ascii_strtoull (f[column (header, "media_packets")], NULL, 10);
      lost = g_ascii_strtoull (f[column (header, "lost")], NULL, 10);
      rec = g_ascii_strtoull (f[column (header, "recovered")], NULL, 10);
      unrec = g_ascii_strtoull (f[column (header, "unrecovered")], NULL, 10);
      reported = g_ascii_strtoull (f[column (header, "decoder_reported_recovered")], NULL, 10);
      g_assert_cmpuint (media, >, 0);
      g_assert_cmpuint (lost, >, 0);
      /* No scheme recovers more than was lost, by our count or by its own. */
      g_assert_cmpuint (rec, <=, lost);
      g_assert_cmpuint (reported, <=, lost);
      g_assert_cmpuint (rec + unrec, ==, lost);
      g_assert_cmpuint (g_ascii_strtoull (f[column (header, "corrupt")], NULL, 10), ==, 0);
      g_assert_cmpuint (g_ascii_strtoull (f[column (header, "spurious")], NULL, 10), ==, 0);
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (f[column (header, "residual_pct")], NULL),
                                      100.0 * unrec / media, 1e-3);
      if (strcmp (scheme, "no-fec") == 0)
        g_assert_cmpuint (rec, ==, 0);
      else
        fec_rows++;
      /* --quick measures one frame and a 100 ms budget: no media packet waits longer for its
       * repair packets than the budget it was encoded for. */
      {
        guint64 budget = g_ascii_strtoull (f[column (header, "delay_budget_ms")], NULL, 10);

        g_assert_true (budget == 0 || budget == 100);
        if (budget > 0)
          {
            g_assert_cmpfloat (g_ascii_strtod (f[column (header, "max_recovery_wait_ms")], NULL),
                               <=, budget);
            budget_rows++;
          }
      }

      /* Every scheme saw the same media losses. */
      cond = g_strdup_printf ("%s|%s", f[column (header, "stream")],
                              f[column (header, "loss_model")]);
      if (g_hash_table_lookup_extended (lost_by_condition, cond, NULL, &prev))
        g_assert_cmpuint (GPOINTER_TO_SIZE (prev), ==, lost);
      else
        g_hash_table_insert (lost_by_condition, g_steal_pointer (&cond), GSIZE_TO_POINTER (lost));
    }
  g_assert_cmpuint (fec_rows, >=, 8);
  /* random, searched and bursty masks, sliding windows, Reed-Solomon and the ideal code, at
   * two loss models */
  g_assert_cmpuint (budget_rows, ==, 6 * 2);

  g_assert_true (json_parser_load_from_file (parser, json, &error));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  {
    JsonObject *root = json_node_get_object (json_parser_get_root (parser));

    g_assert_cmpint (json_object_get_int_member (root, "seed"), ==, 7);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "results")), >, 0);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "opus")), >, 0);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "targets")), >, 0);
  }

  g_assert_true (g_file_get_contents (png, &png_data, &png_len, &error));
  g_assert_cmpuint (png_len, >, 1000);
  g_assert_cmpmem (png_data, 8, "\x89PNG\r\n\x1a\n", 8);

  g_unlink (csv);
  g_unlink (json);
  g_unlink (png);
  g_rmdir (dir);
}

static void
test_bad_options (void)
{
  char *argv[] = { "confab-fec-bench", "--overheads", "0,300", NULL };
  char *both[] = { "confab-fec-bench", "--plot", "x.png", "--no-plot", NULL };
  char *budgets[] = { "confab-fec-bench", "--budgets", "0,100,fast", NULL };
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (confab_fec_bench_run (G_N_ELEMENTS (argv) - 1, argv, &error), !=, 0);
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_clear_error (&error);
  g_assert_cmpint (confab_fec_bench_run (G_N_ELEMENTS (both) - 1, both, &error), !=, 0);
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_clear_error (&error);
  g_assert_cmpint (confab_fec_bench_run (G_N_ELEMENTS (budgets) - 1, budgets, &error), !=, 0);
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
}

/* Runs a tiny bench with @extra options in a new temporary directory (the current one while
 * it runs, so nothing lands in the tree) and returns that directory. */
static char *
run_in_tmp (const char *extra)
{
  g_autofree char *dir = g_dir_make_tmp ("bench-cwd-XXXXXX", NULL);
  g_autofree char *cwd = g_get_current_dir ();
  char *argv[] = { "confab-fec-bench",
                   "--quick",
                   "--quiet",
                   "--seed",
                   "7",
                   "--seconds",
                   "1",
                   "--repeats",
                   "1",
                   "--no-opus",
                   "--no-gstreamer-fec",
                   (char *) extra,
                   NULL };
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (dir);
  g_assert_cmpint (g_chdir (dir), ==, 0);
  g_assert_cmpint (confab_fec_bench_run (G_N_ELEMENTS (argv) - (extra ? 1 : 2), argv, &error), ==,
                   0);
  g_assert_no_error (error);
  g_assert_cmpint (g_chdir (cwd), ==, 0);
  return g_steal_pointer (&dir);
}

static void
test_default_plot (void)
{
  g_autofree char *name = bench_default_plot_path (7);
  g_autofree char *dir = run_in_tmp (NULL);
  g_autofree char *png = g_build_filename (dir, name, NULL);
  g_autofree char *dir2 = run_in_tmp ("--no-plot");
  g_autoptr (GDir) d = g_dir_open (dir2, 0, NULL);

  /* By default the plot is drawn, under its default name, in the current directory. */
  g_assert_cmpstr (name, ==, "confab-fec-bench-seed7.png");
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
  g_unlink (png);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  /* --no-plot writes nothing. */
  g_assert_nonnull (d);
  g_assert_null (g_dir_read_name (d));
  g_assert_cmpint (g_rmdir (dir2), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/confab/bench/loss-bernoulli", test_loss_bernoulli);
  g_test_add_func ("/confab/bench/loss-gilbert", test_loss_gilbert);
  g_test_add_func ("/confab/bench/loss-trace", test_loss_trace);
  g_test_add_func ("/confab/bench/ideal-binomial", test_ideal_binomial);
  g_test_add_func ("/confab/bench/bad-options", test_bad_options);
  g_test_add_func ("/confab/bench/run-quick", test_run_quick);
  g_test_add_func ("/confab/bench/default-plot", test_default_plot);
  return g_test_run ();
}
