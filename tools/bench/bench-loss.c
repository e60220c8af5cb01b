/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-loss.c: Bernoulli, Gilbert-Elliott and trace loss, all seeded. */
#include "bench-loss.h"

#include <string.h>

guint64
bench_rng_next (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

double
bench_rng_double (guint64 *state)
{
  return (bench_rng_next (state) >> 11) * (1.0 / 9007199254740992.0);
}

guint64
bench_mix_seed (guint64 a, guint64 b)
{
  guint64 s = a ^ (b * G_GUINT64_CONSTANT (0xd6e8feb86659fd93));

  return bench_rng_next (&s);
}

void
bench_loss_model_init_bernoulli (BenchLossModel *model, double loss)
{
  memset (model, 0, sizeof *model);
  model->kind = BENCH_LOSS_BERNOULLI;
  model->loss = CLAMP (loss, 0.0, 1.0);
  model->burst = 1.0 / MAX (1e-9, 1.0 - model->loss);
}

gboolean
bench_loss_model_init_gilbert (BenchLossModel *model, double loss, double burst, GError **error)
{
  memset (model, 0, sizeof *model);
  /* Good->bad probability q = loss * r / (1 - loss) with r = 1 / burst must stay <= 1. */
  if (!(loss > 0 && loss < 1) || !(burst >= 1) || loss / (1 - loss) / burst > 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "no Gilbert-Elliott channel has mean loss %.3g%% and mean burst %.3g "
                   "(need 0 < loss < 100%%, burst >= 1, burst >= loss/(1-loss))",
                   loss * 100, burst);
      return FALSE;
    }
  model->kind = BENCH_LOSS_GILBERT;
  model->loss = loss;
  model->burst = burst;
  return TRUE;
}

gboolean
bench_loss_model_init_trace (BenchLossModel *model, const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  GByteArray *bits;
  gboolean comment = FALSE;
  guint64 ones = 0;

  memset (model, 0, sizeof *model);
  if (!g_file_get_contents (path, &text, &len, error))
    return FALSE;
  bits = g_byte_array_sized_new (len);
  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];
      guint8 b;

      if (comment)
        {
          comment = c != '\n';
          continue;
        }
      if (c == '#')
        comment = TRUE;
      else if (c == '0' || c == '1')
        {
          b = c == '1';
          ones += b;
          g_byte_array_append (bits, &b, 1);
        }
      else if (!g_ascii_isspace (c) && c != ',')
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s: unexpected character '%c' at byte %" G_GSIZE_FORMAT
                       " (a loss trace holds 0 and 1 per packet)",
                       path, g_ascii_isprint (c) ? c : '?', i);
          g_byte_array_unref (bits);
          return FALSE;
        }
    }
  if (bits->len == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: the loss trace is empty", path);
      g_byte_array_unref (bits);
      return FALSE;
    }
  model->kind = BENCH_LOSS_TRACE;
  model->loss = (double) ones / bits->len;
  bench_loss_measure (bits->data, bits->len, NULL, &model->burst);
  model->trace = g_byte_array_free_to_bytes (bits);
  model->trace_name = g_path_get_basename (path);
  return TRUE;
}

void
bench_loss_model_clear (BenchLossModel *model)
{
  g_clear_pointer (&model->trace, g_bytes_unref);
  g_clear_pointer (&model->trace_name, g_free);
}

void
bench_loss_model_copy (BenchLossModel *dst, const BenchLossModel *src)
{
  *dst = *src;
  if (src->trace)
    dst->trace = g_bytes_ref (src->trace);
  dst->trace_name = g_strdup (src->trace_name);
}

char *
bench_loss_model_label (const BenchLossModel *model)
{
  switch (model->kind)
    {
    case BENCH_LOSS_GILBERT:
      return g_strdup_printf ("gilbert %g%%/%g", model->loss * 100, model->burst);
    case BENCH_LOSS_TRACE:
      return g_strdup_printf ("trace %s (%.1f%%)", model->trace_name, model->loss * 100);
    case BENCH_LOSS_BERNOULLI:
    default:
      return g_strdup_printf ("bernoulli %g%%", model->loss * 100);
    }
}

/* One step of the channel from @state; returns the new state (Gilbert: 1 = bad = lost). */
static guint8
gilbert_step (const BenchLossModel *m, guint8 state, guint64 *rng)
{
  double r = 1.0 / m->burst;
  double q = m->loss * r / (1.0 - m->loss);
  double u = bench_rng_double (rng);

  return state ? (u < r ? 0 : 1) : (u < q ? 1 : 0);
}

BenchLossRun *
bench_loss_run_new (const BenchLossModel *model, guint64 seed, guint n)
{
  BenchLossRun *run = g_new0 (BenchLossRun, 1);
  guint64 rng = bench_mix_seed (seed, 0x6d656469);
  guint8 state = 0;

  bench_loss_model_copy (&run->model, model);
  run->seed = seed;
  run->n = n;
  run->lost = g_malloc0 (MAX (n, 1));
  run->state = g_malloc0 (MAX (n, 1));

  switch (model->kind)
    {
    case BENCH_LOSS_BERNOULLI:
      for (guint i = 0; i < n; i++)
        run->lost[i] = run->state[i] = bench_rng_double (&rng) < model->loss;
      break;
    case BENCH_LOSS_GILBERT:
      /* Start from the stationary distribution so short runs are not biased. */
      state = bench_rng_double (&rng) < model->loss;
      for (guint i = 0; i < n; i++)
        {
          if (i > 0)
            state = gilbert_step (model, state, &rng);
          run->lost[i] = run->state[i] = state;
        }
      break;
    case BENCH_LOSS_TRACE:
      {
        gsize len;
        const guint8 *t = g_bytes_get_data (model->trace, &len);

        /* Each seed replays the trace from its own offset, wrapping at the end. */
        run->trace_offset = bench_rng_next (&rng) % len;
        for (guint i = 0; i < n; i++)
          run->lost[i] = run->state[i] = t[(run->trace_offset + i) % len];
      }
      break;
    default:
      g_assert_not_reached ();
    }
  return run;
}

void
bench_loss_run_free (BenchLossRun *run)
{
  if (run == NULL)
    return;
  bench_loss_model_clear (&run->model);
  g_free (run->lost);
  g_free (run->state);
  g_free (run);
}

void
bench_loss_run_repairs (const BenchLossRun *run, guint after, guint count, guint8 *out)
{
  guint64 rng = bench_mix_seed (run->seed ^ G_GUINT64_CONSTANT (0x7265706169720000), after);
  guint8 state = after < run->n ? run->state[after] : 0;

  for (guint j = 0; j < count; j++)
    switch (run->model.kind)
      {
      case BENCH_LOSS_BERNOULLI:
        out[j] = bench_rng_double (&rng) < run->model.loss;
        break;
      case BENCH_LOSS_GILBERT:
        state = gilbert_step (&run->model, state, &rng);
        out[j] = state;
        break;
      case BENCH_LOSS_TRACE:
        {
          gsize len;
          const guint8 *t = g_bytes_get_data (run->model.trace, &len);

          /* The channel right after media packet @after, as the trace recorded it. */
          out[j] = t[(run->trace_offset + after + 1 + j) % len];
        }
        break;
      default:
        g_assert_not_reached ();
      }
}

void
bench_loss_measure (const guint8 *lost, gsize n, double *mean_loss, double *mean_burst)
{
  guint64 ones = 0, bursts = 0;

  for (gsize i = 0; i < n; i++)
    if (lost[i])
      {
        ones++;
        if (i == 0 || !lost[i - 1])
          bursts++;
      }
  if (mean_loss)
    *mean_loss = n ? (double) ones / n : 0;
  if (mean_burst)
    *mean_burst = bursts ? (double) ones / bursts : 0;
}
