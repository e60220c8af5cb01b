/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The path simulator's parser and model, on made-up clocks (the layer with
 * real packets is in test-netsim.c).
 */
#include "config.h"

#include <gio/gio.h>

#include "confab-netsim-spec.h"

static ConfabNetsimSpec
parse_ok (const char *text)
{
  ConfabNetsimSpec spec;
  g_autoptr (GError) error = NULL;

  g_assert_true (confab_netsim_spec_parse (text, &spec, &error));
  g_assert_no_error (error);
  return spec;
}

static void
test_parse (void)
{
  ConfabNetsimSpec spec = parse_ok ("loss=ge:5:3,delay=75ms,rate=600kbit");
  g_assert_cmpint (spec.loss_kind, ==, CONFAB_NETSIM_LOSS_GILBERT_ELLIOTT);
  g_assert_cmpfloat_with_epsilon (spec.loss, 0.05, 1e-9);
  g_assert_cmpfloat_with_epsilon (spec.burst, 3, 1e-9);
  g_assert_cmpint (spec.delay_us, ==, 75000);
  g_assert_cmpuint (spec.rate_bps, ==, 600000);
  g_assert_cmpint (spec.queue_us, ==, CONFAB_NETSIM_DEFAULT_QUEUE_US);
  g_assert_cmpuint (spec.seed, ==, 1);
  g_assert_true (confab_netsim_spec_needs_timer (&spec));

  spec = parse_ok (" loss=10% , jitter=10ms,seed=42,queue=0.25s ");
  g_assert_cmpint (spec.loss_kind, ==, CONFAB_NETSIM_LOSS_RANDOM);
  g_assert_cmpfloat_with_epsilon (spec.loss, 0.1, 1e-9);
  g_assert_cmpint (spec.jitter_us, ==, 10000);
  g_assert_cmpint (spec.queue_us, ==, 250000);
  g_assert_cmpuint (spec.seed, ==, 42);

  spec = parse_ok ("loss=2.5,delay=500us,rate=2Mbit");
  g_assert_cmpfloat_with_epsilon (spec.loss, 0.025, 1e-9);
  g_assert_cmpint (spec.delay_us, ==, 500);
  g_assert_cmpuint (spec.rate_bps, ==, 2000000);

  spec = parse_ok ("loss=10%");
  g_assert_false (confab_netsim_spec_needs_timer (&spec));
  spec = parse_ok ("loss=0%");
  g_assert_cmpint (spec.loss_kind, ==, CONFAB_NETSIM_LOSS_NONE);
  spec = parse_ok ("none");
  g_assert_cmpint (spec.loss_kind, ==, CONFAB_NETSIM_LOSS_NONE);
  g_assert_false (confab_netsim_spec_needs_timer (&spec));
  spec = parse_ok ("");
  g_assert_cmpuint (spec.rate_bps, ==, 0);

  /* Written back, read again: the same spec. */
  spec = parse_ok ("loss=ge:7.5:2,delay=75ms,jitter=5ms,rate=600kbit,queue=50ms,seed=9");
  g_autofree char *text = confab_netsim_spec_to_string (&spec);
  g_assert_cmpstr (
      text, ==, "loss=ge:7.5%:2,delay=75000us,jitter=5000us,rate=600000bit,queue=50000us,seed=9");
  ConfabNetsimSpec again = parse_ok (text);
  g_assert_cmpmem (&again, sizeof again, &spec, sizeof spec);
}

static void
test_parse_errors (void)
{
  const char *bad[] = {
    "loss",       "loss=",         "loss=101%",    "loss=-1%",
    "loss=ge:5",  "loss=ge:5:0.5", "loss=ge:x:3",  "loss=10%%",
    "delay=fast", "delay=10 ms",   "delay=10h",    "delay=100000s",
    "rate=600",   "rate=0kbit",    "rate=600kbps", "queue=0ms",
    "seed=-1",    "seed=x",        "color=red",    "loss=1%,loss=2%",
    ",",          "delay=nan",     "delay=inf",    "rate=1e99bit",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      ConfabNetsimSpec spec, before;
      g_autoptr (GError) error = NULL;

      confab_netsim_spec_init (&spec);
      spec.seed = 77;
      before = spec;
      g_assert_false (confab_netsim_spec_parse (bad[i], &spec, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_true (g_str_has_prefix (error->message, "--netsim: "));
      g_assert_cmpmem (&spec, sizeof spec, &before, sizeof before);
    }
}

/* Runs @n packets through a model of @spec 1 ms apart: the pattern of
 * losses, as a string of '.' and 'x'. */
static char *
loss_pattern (const char *text, guint stream, guint n)
{
  ConfabNetsimSpec spec = parse_ok (text);
  ConfabNetsimModel model;
  GString *pattern = g_string_new (NULL);

  confab_netsim_model_init (&model, &spec, stream);
  for (guint i = 0; i < n; i++)
    {
      gint64 departure;
      ConfabNetsimVerdict verdict
          = confab_netsim_model_packet (&model, 1000000 + i * 1000, 100, &departure);
      g_string_append_c (pattern, verdict == CONFAB_NETSIM_PASS ? '.' : 'x');
    }
  return g_string_free (pattern, FALSE);
}

static void
count_losses (const char *pattern, guint *lost, guint *bursts)
{
  *lost = *bursts = 0;
  for (const char *p = pattern; *p; p++)
    if (*p == 'x')
      {
        (*lost)++;
        if (p == pattern || p[-1] != 'x')
          (*bursts)++;
      }
}

static void
test_random_loss (void)
{
  const guint n = 100000;
  g_autofree char *pattern = loss_pattern ("loss=10%,seed=3", 0, n);
  guint lost, bursts;

  count_losses (pattern, &lost, &bursts);
  g_test_message ("loss=10%%: %u of %u lost, in %u bursts", lost, n, bursts);
  g_assert_cmpfloat_with_epsilon (lost / (double) n, 0.10, 0.005);
  /* Independent losses: a burst is 1 / 0.9 packets long on average. */
  g_assert_cmpfloat_with_epsilon (lost / (double) bursts, 1 / 0.9, 0.03);
}

static void
test_gilbert_elliott (void)
{
  const guint n = 200000;
  g_autofree char *pattern = loss_pattern ("loss=ge:5:3,seed=3", 0, n);
  guint lost, bursts;

  count_losses (pattern, &lost, &bursts);
  g_test_message ("loss=ge:5:3: %u of %u lost, in %u bursts", lost, n, bursts);
  g_assert_cmpfloat_with_epsilon (lost / (double) n, 0.05, 0.005);
  g_assert_cmpfloat_with_epsilon (lost / (double) bursts, 3, 0.2);

  g_autofree char *all = loss_pattern ("loss=ge:100:3", 0, 100);
  count_losses (all, &lost, &bursts);
  g_assert_cmpuint (lost, ==, 100);
}

static void
test_seed (void)
{
  g_autofree char *a = loss_pattern ("loss=10%,seed=5", 0, 5000);
  g_autofree char *b = loss_pattern ("loss=10%,seed=5", 0, 5000);
  g_autofree char *other_seed = loss_pattern ("loss=10%,seed=6", 0, 5000);
  g_autofree char *other_direction = loss_pattern ("loss=10%,seed=5", 1, 5000);

  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, other_seed);
  g_assert_cmpstr (a, !=, other_direction);
}

/* 1000-byte packets offered every 8 ms (1 Mbit/s) to a 500 kbit/s link
 * with a 100 ms queue: they leave 16 ms apart, the queue fills to its
 * limit and then every other packet is dropped; none waits longer. */
static void
test_rate_cap (void)
{
  ConfabNetsimSpec spec = parse_ok ("rate=500kbit,delay=20ms");
  ConfabNetsimModel model;
  gint64 t0 = 1000000, last = 0;
  guint passed = 0, overrun = 0;

  confab_netsim_model_init (&model, &spec, 0);
  for (guint i = 0; i < 500; i++)
    {
      gint64 now = t0 + i * 8000, departure = 0;
      ConfabNetsimVerdict verdict = confab_netsim_model_packet (&model, now, 1000, &departure);

      if (verdict == CONFAB_NETSIM_OVERRUN)
        {
          overrun++;
          continue;
        }
      g_assert_cmpint (verdict, ==, CONFAB_NETSIM_PASS);
      g_assert_cmpint (departure - now, >=, 20000 + 16000);
      g_assert_cmpint (departure - now, <=, 20000 + 16000 + spec.queue_us);
      if (last)
        g_assert_cmpint (departure - last, >=, 16000);
      last = departure;
      passed++;
    }
  /* 4 s at 500 kbit/s carry 250 packets of 1000 bytes. */
  g_assert_cmpuint (passed, >=, 250);
  g_assert_cmpuint (passed, <=, 258);
  g_assert_cmpuint (overrun, ==, 500 - passed);

  /* The cap lifts: the queue drains, then packets pass at once. */
  spec = parse_ok ("delay=20ms");
  confab_netsim_model_set_spec (&model, &spec);
  gint64 later = t0 + 10 * G_USEC_PER_SEC, departure;
  g_assert_cmpint (confab_netsim_model_packet (&model, later, 1000, &departure), ==,
                   CONFAB_NETSIM_PASS);
  g_assert_cmpint (departure, ==, later + 20000);
}

static void
test_jitter_keeps_order (void)
{
  ConfabNetsimSpec spec = parse_ok ("delay=50ms,jitter=20ms,seed=11");
  ConfabNetsimModel model;
  gint64 last = 0, min = G_MAXINT64, max = 0;

  confab_netsim_model_init (&model, &spec, 0);
  for (guint i = 0; i < 10000; i++)
    {
      gint64 now = 1000000 + i * 20000, departure;
      g_assert_cmpint (confab_netsim_model_packet (&model, now, 200, &departure), ==,
                       CONFAB_NETSIM_PASS);
      g_assert_cmpint (departure, >=, last);
      last = departure;
      min = MIN (min, departure - now);
      max = MAX (max, departure - now);
    }
  g_assert_cmpint (min, >=, 30000);
  g_assert_cmpint (min, <, 31000);
  g_assert_cmpint (max, <=, 70000);
  g_assert_cmpint (max, >, 69000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/confab/netsim/parse", test_parse);
  g_test_add_func ("/confab/netsim/parse-errors", test_parse_errors);
  g_test_add_func ("/confab/netsim/random-loss", test_random_loss);
  g_test_add_func ("/confab/netsim/gilbert-elliott", test_gilbert_elliott);
  g_test_add_func ("/confab/netsim/seed", test_seed);
  g_test_add_func ("/confab/netsim/rate-cap", test_rate_cap);
  g_test_add_func ("/confab/netsim/jitter-keeps-order", test_jitter_keeps_order);
  return g_test_run ();
}
