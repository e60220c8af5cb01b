/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-netsim-spec.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A day: any longer delay or queue is a typo. */
#define MAX_TIME_US (24 * G_TIME_SPAN_HOUR)

void
confab_netsim_spec_init (ConfabNetsimSpec *spec)
{
  memset (spec, 0, sizeof *spec);
  spec->queue_us = CONFAB_NETSIM_DEFAULT_QUEUE_US;
  spec->seed = 1;
}

/* A number followed by one of @units (each with its factor), or by none
 * when @bare_factor is not 0. */
typedef struct
{
  const char *suffix;
  double factor;
} Unit;

static gboolean
parse_number (const char *text, const Unit *units, double bare_factor, double *value)
{
  char *end = NULL;

  if (!g_ascii_isdigit (*text) && *text != '.')
    return FALSE;
  double number = g_ascii_strtod (text, &end);
  if (end == text || !isfinite (number) || number < 0)
    return FALSE;
  if (*end == '\0')
    {
      *value = number * bare_factor;
      return bare_factor != 0;
    }
  for (const Unit *u = units; u && u->suffix; u++)
    if (g_ascii_strcasecmp (end, u->suffix) == 0)
      {
        *value = number * u->factor;
        return TRUE;
      }
  return FALSE;
}

static gboolean
parse_time (const char *text, gint64 *us)
{
  static const Unit units[] = { { "us", 1 }, { "ms", 1000 }, { "s", 1000000 }, { NULL, 0 } };
  double value;

  if (!parse_number (text, units, 1000, &value) || value > MAX_TIME_US)
    return FALSE;
  *us = (gint64) (value + 0.5);
  return TRUE;
}

static gboolean
parse_rate (const char *text, guint64 *bps)
{
  static const Unit units[] = {
    { "bit", 1 }, { "kbit", 1e3 }, { "mbit", 1e6 }, { "gbit", 1e9 }, { NULL, 0 },
  };
  double value;

  if (!parse_number (text, units, 0, &value) || value < 1 || value > 1e12)
    return FALSE;
  *bps = (guint64) (value + 0.5);
  return TRUE;
}

static gboolean
parse_percent (const char *text, double *fraction)
{
  static const Unit units[] = { { "%", 0.01 }, { NULL, 0 } };

  return parse_number (text, units, 0.01, fraction) && *fraction <= 1;
}

static gboolean
parse_loss (const char *text, ConfabNetsimSpec *spec)
{
  if (g_str_has_prefix (text, "ge:"))
    {
      g_auto (GStrv) parts = g_strsplit (text + 3, ":", 3);
      double burst;

      if (g_strv_length (parts) != 2 || !parse_percent (parts[0], &spec->loss)
          || !parse_number (parts[1], NULL, 1, &burst) || burst < 1 || burst > 1e6)
        return FALSE;
      spec->loss_kind = CONFAB_NETSIM_LOSS_GILBERT_ELLIOTT;
      spec->burst = burst;
    }
  else
    {
      if (!parse_percent (text, &spec->loss))
        return FALSE;
      spec->loss_kind = CONFAB_NETSIM_LOSS_RANDOM;
    }
  if (spec->loss == 0)
    spec->loss_kind = CONFAB_NETSIM_LOSS_NONE;
  return TRUE;
}

static gboolean
parse_item (const char *key, const char *value, ConfabNetsimSpec *spec)
{
  if (strcmp (key, "loss") == 0)
    return parse_loss (value, spec);
  if (strcmp (key, "delay") == 0)
    return parse_time (value, &spec->delay_us);
  if (strcmp (key, "jitter") == 0)
    return parse_time (value, &spec->jitter_us);
  if (strcmp (key, "rate") == 0)
    return parse_rate (value, &spec->rate_bps);
  if (strcmp (key, "queue") == 0)
    return parse_time (value, &spec->queue_us) && spec->queue_us > 0;
  if (strcmp (key, "seed") == 0)
    return g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, &spec->seed, NULL);
  return FALSE;
}

static const char *const keys[] = { "loss", "delay", "jitter", "rate", "queue", "seed" };

gboolean
confab_netsim_spec_parse (const char *text, ConfabNetsimSpec *spec, GError **error)
{
  ConfabNetsimSpec parsed;
  guint seen = 0;

  g_return_val_if_fail (text != NULL, FALSE);

  confab_netsim_spec_init (&parsed);
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  if (*stripped == '\0' || g_ascii_strcasecmp (stripped, "none") == 0)
    {
      *spec = parsed;
      return TRUE;
    }

  g_auto (GStrv) items = g_strsplit (stripped, ",", -1);
  for (char **item = items; *item; item++)
    {
      char *eq = strchr (g_strstrip (*item), '=');
      guint k;

      if (eq == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _ ("--netsim: \"%s\" is not KEY=VALUE (keys: loss, delay, jitter, rate, "
                          "queue, seed)"),
                       *item);
          return FALSE;
        }
      *eq = '\0';
      for (k = 0; k < G_N_ELEMENTS (keys) && strcmp (*item, keys[k]) != 0; k++)
        ;
      if (k == G_N_ELEMENTS (keys) || (seen & (1u << k)))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       k == G_N_ELEMENTS (keys) ? _ ("--netsim: unknown key \"%s\"")
                                                : _ ("--netsim: \"%s\" given twice"),
                       *item);
          return FALSE;
        }
      seen |= 1u << k;
      if (!parse_item (*item, eq + 1, &parsed))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _ ("--netsim: bad value \"%s\" for %s (e.g. loss=10%% or loss=ge:5:3, "
                          "delay=75ms, jitter=10ms, rate=600kbit, queue=100ms, seed=7)"),
                       eq + 1, *item);
          return FALSE;
        }
    }
  *spec = parsed;
  return TRUE;
}

gboolean
confab_netsim_spec_impairs (const ConfabNetsimSpec *spec)
{
  return spec->loss_kind != CONFAB_NETSIM_LOSS_NONE || confab_netsim_spec_needs_timer (spec);
}

gboolean
confab_netsim_spec_needs_timer (const ConfabNetsimSpec *spec)
{
  return spec->delay_us > 0 || spec->jitter_us > 0 || spec->rate_bps > 0;
}

char *
confab_netsim_spec_to_string (const ConfabNetsimSpec *spec)
{
  GString *out = g_string_new (NULL);
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  if (spec->loss_kind == CONFAB_NETSIM_LOSS_RANDOM)
    g_string_append_printf (out, ",loss=%s%%",
                            g_ascii_formatd (number, sizeof number, "%g", spec->loss * 100));
  else if (spec->loss_kind == CONFAB_NETSIM_LOSS_GILBERT_ELLIOTT)
    {
      g_string_append_printf (out, ",loss=ge:%s%%",
                              g_ascii_formatd (number, sizeof number, "%g", spec->loss * 100));
      g_string_append_printf (out, ":%s",
                              g_ascii_formatd (number, sizeof number, "%g", spec->burst));
    }
  if (spec->delay_us)
    g_string_append_printf (out, ",delay=%" G_GINT64_FORMAT "us", spec->delay_us);
  if (spec->jitter_us)
    g_string_append_printf (out, ",jitter=%" G_GINT64_FORMAT "us", spec->jitter_us);
  if (spec->rate_bps)
    g_string_append_printf (out, ",rate=%" G_GUINT64_FORMAT "bit", spec->rate_bps);
  if (spec->queue_us != CONFAB_NETSIM_DEFAULT_QUEUE_US)
    g_string_append_printf (out, ",queue=%" G_GINT64_FORMAT "us", spec->queue_us);
  g_string_append_printf (out, ",seed=%" G_GUINT64_FORMAT, spec->seed);
  return g_string_free (g_string_erase (out, 0, 1), FALSE);
}

/* -- the model ---------------------------------------------------------------- */

/* SplitMix64: a few instructions, the same sequence on every platform (not
 * GRand, whose algorithm is GLib's to change). */
static guint64
next_random (guint64 *state)
{
  guint64 z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
next_uniform (guint64 *state)
{
  return (next_random (state) >> 11) * (1.0 / 9007199254740992.0);
}

void
confab_netsim_model_init (ConfabNetsimModel *model, const ConfabNetsimSpec *spec, guint stream)
{
  memset (model, 0, sizeof *model);
  model->spec = *spec;
  model->random = spec->seed * 2 + stream;
  /* Decorrelates neighbouring seeds. */
  next_random (&model->random);
}

void
confab_netsim_model_set_spec (ConfabNetsimModel *model, const ConfabNetsimSpec *spec)
{
  model->spec = *spec;
}

/* Gilbert's two states: every packet in the bad state is lost. Leaving it
 * with probability 1/B per packet makes bursts B long on average; entering
 * it with p = L/(B (1 - L)) makes the bad state's share, the loss, L. */
static gboolean
lose (ConfabNetsimModel *model)
{
  const ConfabNetsimSpec *spec = &model->spec;

  switch (spec->loss_kind)
    {
    case CONFAB_NETSIM_LOSS_RANDOM:
      return next_uniform (&model->random) < spec->loss;
    case CONFAB_NETSIM_LOSS_GILBERT_ELLIOTT:
      if (spec->loss >= 1)
        return TRUE;
      if (model->bad)
        model->bad = next_uniform (&model->random) >= 1 / spec->burst;
      else
        model->bad = next_uniform (&model->random) < spec->loss / (spec->burst * (1 - spec->loss));
      return model->bad;
    case CONFAB_NETSIM_LOSS_NONE:
    default:
      return FALSE;
    }
}

ConfabNetsimVerdict
confab_netsim_model_packet (ConfabNetsimModel *model, gint64 now, gsize size, gint64 *departure)
{
  const ConfabNetsimSpec *spec = &model->spec;
  gint64 leaves = now;

  /* The bottleneck first: a packet lost further on still took its turn. */
  if (spec->rate_bps)
    {
      gint64 start = MAX (now, model->link_free);
      if (start - now > spec->queue_us)
        return CONFAB_NETSIM_OVERRUN;
      model->link_free = start + (gint64) (size * 8 * G_USEC_PER_SEC / spec->rate_bps);
      leaves = model->link_free;
    }
  if (lose (model))
    return CONFAB_NETSIM_LOST;

  gint64 delay = spec->delay_us;
  if (spec->jitter_us)
    delay += (gint64) ((next_uniform (&model->random) * 2 - 1) * spec->jitter_us);
  leaves += MAX (delay, 0);
  leaves = MAX (leaves, model->last_departure);
  model->last_departure = leaves;
  *departure = leaves;
  return CONFAB_NETSIM_PASS;
}
