/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fec-mask-search: searches the masks of the "searched" family (CONFAB_FEC_MASK_SEARCHED) and
 * writes them as the C source fec/confab-fec-mask-tables.c.
 *
 *   fec-mask-search [--seed N] [--samples N] [--candidates N] [--ge-weight W] > FILE.c
 *
 * (the committed table: build/tools/fec-mask-search/fec-mask-search --seed 1, two to five
 * minutes on one core; the same table on every run).
 *
 * For each number of repair rows m, the mask is built one media column at a time: column j
 * is the candidate (a seeded random set of nonzero m-bit columns, or all of them when m is
 * small) that leaves the fewest media packets unrecovered by a maximum-likelihood decoder
 * (confab_fec_mask_recoverable(), GF(2) rank) in the block of j + 1 media and m repair
 * packets, given that media packet j is lost: the only patterns in which the candidates
 * differ. The expectation is a Monte Carlo one over the same patterns for every candidate:
 * independent 10 % loss, plus (weighted by --ge-weight) Gilbert-Elliott 5 % loss with mean
 * bursts of 3, the repair packets sent right after the block's last media packet as the
 * benchmark sends them. The (k, m) mask is the first k columns, so one search per m serves
 * every block size, and the table is small.
 *
 * At the end it scores each (k, m) of the table against the ideal (MDS) code on the same
 * block under independent 10 % loss, and against the "random" family, on stderr.
 * Deterministic for a seed. */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "confab-fec-mask.h"

#define MAX_K 48
#define MIN_TABLE_K 13
/* Rows up to 48/2 + 2: the encoder's 50 % key-frame overhead on the largest block, with its
 * rounding carry. */
#define MAX_M (MAX_K / 2 + 2)
#define P_RANDOM 0.10
#define GE_LOSS 0.05
#define GE_BURST 3.0

typedef struct
{
  guint64 media; /* lost media other than the one being chosen */
  guint64 rows;  /* lost repair rows */
} Pattern;

static double
rng_double (guint64 *s)
{
  return (confab_fec_splitmix64 (s) >> 11) * (1.0 / 9007199254740992.0);
}

/* Independent loss over media 0..j-1 and m rows. */
static void
random_patterns (Pattern *p, guint n, guint j, guint m, guint64 *seed)
{
  for (guint i = 0; i < n; i++)
    {
      p[i].media = p[i].rows = 0;
      for (guint b = 0; b < j; b++)
        if (rng_double (seed) < P_RANDOM)
          p[i].media |= G_GUINT64_CONSTANT (1) << b;
      for (guint r = 0; r < m; r++)
        if (rng_double (seed) < P_RANDOM)
          p[i].rows |= G_GUINT64_CONSTANT (1) << r;
    }
}

/* Gilbert-Elliott (lossless good state, bad state loses every packet) given that media j,
 * the last of the block, is lost: the chain is stationary and two-state, hence reversible,
 * so the earlier media are the chain run backwards from the bad state and the repair
 * packets it run forwards. */
static void
ge_patterns (Pattern *p, guint n, guint j, guint m, guint64 *seed)
{
  double r = 1.0 / GE_BURST, q = GE_LOSS / (1 - GE_LOSS) * r;

  for (guint i = 0; i < n; i++)
    {
      gboolean bad = TRUE;

      p[i].media = p[i].rows = 0;
      for (guint b = j; b-- > 0;)
        {
          bad = bad ? rng_double (seed) >= r : rng_double (seed) < q;
          if (bad)
            p[i].media |= G_GUINT64_CONSTANT (1) << b;
        }
      bad = TRUE;
      for (guint row = 0; row < m; row++)
        {
          bad = bad ? rng_double (seed) >= r : rng_double (seed) < q;
          if (bad)
            p[i].rows |= G_GUINT64_CONSTANT (1) << row;
        }
    }
}

static void
set_column (ConfabFecMask *mask, guint j, guint64 col)
{
  for (guint r = 0; r < mask->m; r++)
    if (col & (G_GUINT64_CONSTANT (1) << r))
      mask->rows[r].w[0] |= G_GUINT64_CONSTANT (1) << j;
    else
      mask->rows[r].w[0] &= ~(G_GUINT64_CONSTANT (1) << j);
}

/* Mean media packets left lost over @pats, with media @j lost too. */
static double
mean_unrecovered (const ConfabFecMask *mask, const Pattern *pats, guint n, guint j)
{
  guint64 sum = 0;

  for (guint i = 0; i < n; i++)
    {
      guint64 lost = pats[i].media | (G_GUINT64_CONSTANT (1) << j);

      sum += (guint) __builtin_popcountll (
          lost & ~confab_fec_mask_recoverable (mask, lost, pats[i].rows));
    }
  return (double) sum / n;
}

typedef struct
{
  guint64 seed;
  guint samples;
  guint candidates;
  double ge_weight;
} Options;

/* Column j of the mask with m rows, chosen greedily after columns 0..j-1 of @mask. */
static guint64
choose_column (ConfabFecMask *mask, guint j, const Options *o, Pattern *rp, Pattern *gp)
{
  guint m = mask->m;
  guint64 full = (G_GUINT64_CONSTANT (1) << m) - 1;
  guint64 seed = o->seed ^ ((guint64) m << 40) ^ ((guint64) j << 20);
  guint n_ge = o->ge_weight > 0 ? o->samples / 2 : 0;
  gboolean exhaustive = full <= o->candidates;
  guint n_cand = exhaustive ? (guint) full : o->candidates;
  guint64 best = 0;
  double best_score = G_MAXDOUBLE;

  random_patterns (rp, o->samples, j, m, &seed);
  ge_patterns (gp, n_ge, j, m, &seed);
  mask->k = j + 1;
  for (guint c = 0; c < n_cand; c++)
    {
      guint64 col = exhaustive ? c + 1 : 0;
      double s;

      while (col == 0)
        col = confab_fec_splitmix64 (&seed) & full;
      set_column (mask, j, col);
      s = mean_unrecovered (mask, rp, o->samples, j);
      if (n_ge)
        s += o->ge_weight * mean_unrecovered (mask, gp, n_ge, j);
      if (s < best_score)
        {
          best_score = s;
          best = col;
        }
    }
  set_column (mask, j, best);
  return best;
}

static double
binomial_tail (guint n, guint t, double p)
{
  double sum = 0;

  for (guint i = t; i <= n; i++)
    sum += exp (lgamma (n + 1.0) - lgamma (i + 1.0) - lgamma (n - i + 1.0) + i * log (p)
                + (n - i) * log1p (-p));
  return sum;
}

/* Residual media loss of @mask under independent loss, Monte Carlo. */
static double
residual (const ConfabFecMask *mask, guint n, guint64 seed)
{
  guint64 unrec = 0;

  for (guint i = 0; i < n; i++)
    {
      guint64 lost = 0, rows = 0;

      for (guint b = 0; b < mask->k; b++)
        if (rng_double (&seed) < P_RANDOM)
          lost |= G_GUINT64_CONSTANT (1) << b;
      for (guint r = 0; r < mask->m; r++)
        if (rng_double (&seed) < P_RANDOM)
          rows |= G_GUINT64_CONSTANT (1) << r;
      if (lost)
        unrec += (guint) __builtin_popcountll (lost
                                               & ~confab_fec_mask_recoverable (mask, lost, rows));
    }
  return (double) unrec / ((double) n * mask->k);
}

int
main (int argc, char **argv)
{
  Options o = { .ge_weight = 0.5 };
  gint64 seed = 1;
  gint samples = 3000, candidates = 96;
  gboolean no_check = FALSE;
  GOptionEntry entries[] = {
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of candidates and patterns (1)", "N" },
    { "samples", 0, 0, G_OPTION_ARG_INT, &samples, "Loss patterns per column (3000)", "N" },
    { "candidates", 0, 0, G_OPTION_ARG_INT, &candidates, "Candidate columns per column (96)", "N" },
    { "ge-weight", 0, 0, G_OPTION_ARG_DOUBLE, &o.ge_weight,
      "Weight of Gilbert-Elliott 5%/3 against independent 10% loss (0.5)", "W" },
    { "no-check", 0, 0, G_OPTION_ARG_NONE, &no_check, "Skip the scores on stderr", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("> fec/confab-fec-mask-tables.c");
  g_autoptr (GError) error = NULL;
  g_autofree char *command = g_strjoinv (" ", argv);
  static guint64 columns[MAX_M + 1][MAX_K];
  Pattern *rp, *gp;
  gint64 t0 = g_get_monotonic_time ();

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "fec-mask-search: %s\n", error->message);
      return 2;
    }
  if (samples < 100 || candidates < 1 || o.ge_weight < 0)
    {
      fprintf (stderr, "fec-mask-search: --samples >= 100, --candidates >= 1, --ge-weight >= 0\n");
      return 2;
    }
  o.seed = (guint64) seed;
  o.samples = (guint) samples;
  o.candidates = (guint) candidates;
  rp = g_new (Pattern, o.samples);
  gp = g_new (Pattern, o.samples);

  for (guint m = 2; m <= MAX_M; m++)
    {
      ConfabFecMask mask = { .k = 0, .m = m };

      for (guint j = 0; j < MAX_K; j++)
        columns[m][j] = choose_column (&mask, j, &o, rp, gp);
      fprintf (stderr, "fec-mask-search: m=%u done (%.0f s)\n", m,
               (g_get_monotonic_time () - t0) / 1e6);
    }

  printf ("/* SPDX-License-Identifier: GPL-3.0-or-later */\n"
          "/* confab-fec-mask-tables.c: the masks of the \"searched\" family. Generated, do not "
          "edit:\n"
          " *\n"
          " *   %s > fec/confab-fec-mask-tables.c\n"
          " *\n"
          " * (build/tools/fec-mask-search/fec-mask-search; see tools/fec-mask-search/ for the "
          "search).\n"
          " * Row m holds the columns of the masks with m repair rows: the (k, m) mask is its "
          "first k\n"
          " * columns, bit r of a column set = repair row r covers that media packet. */\n"
          "#include \"confab-fec-mask-tables-private.h\"\n\n"
          "/* clang-format off: the generator's layout, so that the file is exactly its output */\n"
          "const guint64 confab_fec_mask_table[CONFAB_FEC_MASK_TABLE_MAX_M + 1]"
          "[CONFAB_FEC_MASK_TABLE_MAX_K] = {\n",
          command);
  for (guint m = 2; m <= MAX_M; m++)
    {
      printf ("  [%u] = {", m);
      for (guint j = 0; j < MAX_K; j++)
        printf ("%s0x%" G_GINT64_MODIFIER "x,", j % 6 == 0 ? "\n    " : " ", columns[m][j]);
      printf ("\n  },\n");
    }
  printf ("};\n/* clang-format on */\n");

  if (!no_check)
    {
      double worst = 0, sum = 0;
      guint n = 0;

      fprintf (stderr, "   k  m  searched%%  random%%  ideal%%  xideal  (random xideal)\n");
      for (guint k = MIN_TABLE_K; k <= MAX_K; k++)
        for (guint m = MAX (2u, k / 4 - 1); m <= k / 4 + 1; m++)
          {
            ConfabFecMask s = { .k = k, .m = m }, r;
            double rs, rr, ideal = binomial_tail (k + m - 1, m, P_RANDOM) * P_RANDOM;

            for (guint j = 0; j < k; j++)
              set_column (&s, j, columns[m][j]);
            confab_fec_mask_generate (CONFAB_FEC_MASK_RANDOM, k, m, &r);
            rs = residual (&s, 200000, o.seed + k * 100 + m);
            rr = residual (&r, 200000, o.seed + k * 100 + m);
            fprintf (stderr, "  %2u %2u  %8.3f %8.3f %7.3f %7.2f  (%.2f)\n", k, m, rs * 100,
                     rr * 100, ideal * 100, rs / ideal, rr / ideal);
            worst = MAX (worst, rs / ideal);
            sum += rs / ideal;
            n++;
          }
      fprintf (stderr,
               "fec-mask-search: 25%% overhead +-1 row, 10%% loss: mean x%.2f, worst x%.2f "
               "the ideal code (%.0f s)\n",
               sum / n, worst, (g_get_monotonic_time () - t0) / 1e6);
    }
  g_free (rp);
  g_free (gp);
  return 0;
}
