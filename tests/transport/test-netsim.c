/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The path simulator with real packets: two libnice agents on loopback,
 * each the bottom of a packet path, the simulator right above one of
 * them. Numbered, timestamped packets measure its loss, delay and rate
 * cap; the packets that arrive are exactly the ones the model predicts
 * for the seed.
 */
#include "config.h"

#include <string.h>

#include "confab-ice-layer.h"
#include "confab-netsim.h"
#include "confab-packet-path.h"
#include "transport-test-util.h"

#define WATCHDOG_SECONDS 60
#define PACKET_SIZE 1000
#define MAX_PACKETS 4096

typedef struct
{
  GMutex lock;
  guint count;
  guint64 bytes;
  gboolean seen[MAX_PACKETS];
  gint64 latency_sum;
  gint64 latency_max;
  gint64 first_time, last_time;
} Received;

typedef struct
{
  GMainLoop *loop;
  ConfabIceSession *sessions[2];
  ConfabPacketPath *paths[2];
  Received received[2];
  guint watchdog;
} Fixture;

/* A packet: its number, the monotonic time it was sent. */
static void
on_deliver (const guint8 *data, gsize size, gpointer user_data)
{
  Received *r = user_data;
  guint32 seq;
  gint64 sent, now = g_get_monotonic_time ();

  g_assert_cmpuint (size, ==, PACKET_SIZE);
  memcpy (&seq, data, sizeof seq);
  memcpy (&sent, data + sizeof seq, sizeof sent);
  g_assert_cmpuint (seq, <, MAX_PACKETS);
  g_mutex_lock (&r->lock);
  r->seen[seq] = TRUE;
  r->count++;
  r->bytes += size;
  r->latency_sum += now - sent;
  r->latency_max = MAX (r->latency_max, now - sent);
  if (!r->first_time)
    r->first_time = now;
  r->last_time = now;
  g_mutex_unlock (&r->lock);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  TransportTestGather gather = { 0 };

  f->loop = gather.loop = g_main_loop_new (NULL, FALSE);
  f->watchdog = transport_test_watchdog (WATCHDOG_SECONDS);
  for (guint i = 0; i < 2; i++)
    {
      g_mutex_init (&f->received[i].lock);
      f->sessions[i] = confab_ice_session_new (i == 0);
      confab_ice_session_add_local_address (f->sessions[i], "127.0.0.1");
    }
  for (guint i = 0; i < 2; i++)
    confab_ice_session_gather_async (f->sessions[i], NULL, transport_test_on_gathered, &gather);
  g_main_loop_run (f->loop);
  g_assert_no_error (gather.error);
  g_autofree char *offer = transport_test_describe_blob (f->sessions[0], CONFAB_SDP_OFFER);
  g_autofree char *answer = transport_test_describe_blob (f->sessions[1], CONFAB_SDP_ANSWER);
  transport_test_apply_blob (f->sessions[1], offer, CONFAB_SDP_OFFER);
  transport_test_apply_blob (f->sessions[0], answer, CONFAB_SDP_ANSWER);
  transport_test_run_until_connected (f->sessions, f->loop);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (ConfabIceLayer) bottom = confab_ice_layer_new (f->sessions[i]);
      f->paths[i] = confab_packet_path_new (CONFAB_PACKET_LAYER (bottom));
      confab_packet_path_set_deliver_func (f->paths[i], on_deliver, &f->received[i], NULL);
    }
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  for (guint i = 0; i < 2; i++)
    {
      confab_packet_path_close (f->paths[i]);
      g_clear_object (&f->paths[i]);
      g_clear_object (&f->sessions[i]);
      g_mutex_clear (&f->received[i].lock);
    }
  g_source_remove (f->watchdog);
  g_main_loop_unref (f->loop);
}

/* The simulator of @spec right above @side's ICE layer. */
static ConfabNetsim *
add_netsim (Fixture *f, guint side, const char *text)
{
  ConfabNetsimSpec spec;
  g_autoptr (GError) error = NULL;

  g_assert_true (confab_netsim_spec_parse (text, &spec, &error));
  ConfabNetsim *netsim = confab_netsim_new (&spec);
  g_autoptr (GPtrArray) layers = confab_packet_path_dup_layers (f->paths[side]);
  g_assert_true (confab_packet_path_insert_above (f->paths[side], CONFAB_PACKET_LAYER (netsim),
                                                  g_ptr_array_index (layers, 0)));
  return netsim;
}

static void
run_for (gint64 ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Sends packets @first.. @first + @n - 1 from @side, one every @interval_us
 * (paced, so that loopback's socket buffers never drop any). */
static void
send_paced (Fixture *f, guint side, guint first, guint n, gint64 interval_us)
{
  gint64 start = g_get_monotonic_time ();

  for (guint32 seq = first; seq < first + n; seq++)
    {
      guint8 packet[PACKET_SIZE] = { 0 };
      gint64 due = start + (seq - first) * interval_us, now;

      while ((now = g_get_monotonic_time ()) < due)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (MIN (due - now, 1000));
        }
      memcpy (packet, &seq, sizeof seq);
      memcpy (packet + sizeof seq, &now, sizeof now);
      confab_packet_path_send (f->paths[side], packet, sizeof packet);
    }
}

/* What the model predicts for @n packets of @text in @stream: TRUE for
 * each that passes. Loss alone does not depend on time. */
static void
predict (const char *text, guint stream, guint n, gboolean *passes)
{
  ConfabNetsimSpec spec;
  ConfabNetsimModel model;

  g_assert_true (confab_netsim_spec_parse (text, &spec, NULL));
  confab_netsim_model_init (&model, &spec, stream);
  for (guint i = 0; i < n; i++)
    {
      gint64 departure;
      passes[i]
          = confab_netsim_model_packet (&model, i, PACKET_SIZE, &departure) == CONFAB_NETSIM_PASS;
    }
}

/* 10% random loss on side 0, both ways: about 10% of each direction's
 * packets are lost, and exactly those the model loses for the seed. */
static void
test_loss (Fixture *f, gconstpointer data)
{
  const guint n = 2000;
  const char *spec = "loss=10%,seed=1234";
  g_autoptr (ConfabNetsim) netsim = add_netsim (f, 0, spec);
  static gboolean passes[MAX_PACKETS];

  g_test_message ("%s", spec);
  send_paced (f, 0, 0, n, 200);
  send_paced (f, 1, 0, n, 200);
  run_for (200);

  /* Side 0 sends through its model 0, receives through its model 1. */
  for (guint direction = 0; direction < 2; direction++)
    {
      Received *r = &f->received[direction == 0 ? 1 : 0];
      guint predicted = 0, mismatches = 0;

      predict (spec, direction, n, passes);
      for (guint i = 0; i < n; i++)
        {
          predicted += passes[i];
          mismatches += passes[i] != r->seen[i];
        }
      g_test_message ("direction %u: %u of %u arrived (%.1f%% lost), model %u, %u differ",
                      direction, r->count, n, 100.0 * (n - r->count) / n, predicted, mismatches);
      g_assert_cmpfloat_with_epsilon ((n - r->count) / (double) n, 0.10, 0.02);
      g_assert_cmpuint (mismatches, ==, 0);
    }

  ConfabNetsimStats stats;
  confab_netsim_get_stats (netsim, &stats);
  g_assert_cmpuint (stats.sent.passed + stats.sent.lost, ==, n);
  g_assert_cmpuint (stats.received.passed + stats.received.lost, ==, n);
  g_assert_cmpuint (stats.sent.passed, ==, f->received[1].count);
}

/* delay=50ms,jitter=10ms: every packet takes 40..60 ms plus loopback's and
 * the timer's little more; none is lost. */
static void
test_delay (Fixture *f, gconstpointer data)
{
  const guint n = 300;
  g_autoptr (ConfabNetsim) netsim = add_netsim (f, 0, "delay=50ms,jitter=10ms");

  send_paced (f, 0, 0, n, 5000);
  run_for (300);

  Received *r = &f->received[1];
  double mean_ms = r->latency_sum / 1000.0 / r->count;
  g_test_message ("delay=50ms,jitter=10ms: %u of %u, mean %.1f ms, max %.1f ms", r->count, n,
                  mean_ms, r->latency_max / 1000.0);
  g_assert_cmpuint (r->count, ==, n);
  g_assert_cmpfloat (mean_ms, >=, 50);
  g_assert_cmpfloat (mean_ms, <, 60);
  g_assert_cmpfloat (r->latency_max / 1000.0, <, 100);
}

/* 1 Mbit/s offered to rate=500kbit for 3 s: about 500 kbit/s arrive, the
 * rest is dropped at the queue, none waits more than the queue's 100 ms
 * (plus a packet's 16 ms on the wire and the timer's slack). Once the cap
 * lifts, everything arrives. */
static void
test_rate_cap (Fixture *f, gconstpointer data)
{
  g_autoptr (ConfabNetsim) netsim = add_netsim (f, 0, "rate=500kbit");
  Received *r = &f->received[1];

  send_paced (f, 0, 0, 375, 8000);
  run_for (300);
  double kbps = r->bytes * 8 / 1000.0 / ((r->last_time - r->first_time) / 1e6);
  ConfabNetsimStats stats;
  confab_netsim_get_stats (netsim, &stats);
  g_test_message ("rate=500kbit: %u of 375 arrived at %.0f kbit/s, %" G_GUINT64_FORMAT
                  " overran, max latency %.1f ms",
                  r->count, kbps, stats.sent.overrun, r->latency_max / 1000.0);
  g_assert_cmpfloat (kbps, >, 450);
  g_assert_cmpfloat (kbps, <, 550);
  g_assert_cmpuint (stats.sent.overrun, ==, 375 - r->count);
  g_assert_cmpfloat (r->latency_max / 1000.0, <, 100 + 16 + 30);

  ConfabNetsimSpec lifted;
  confab_netsim_spec_init (&lifted);
  confab_netsim_set_spec (netsim, &lifted);
  guint before = r->count;
  send_paced (f, 0, 375, 375, 8000);
  run_for (300);
  g_test_message ("lifted: %u of 375 arrived", r->count - before);
  g_assert_cmpuint (r->count - before, ==, 375);
}

int
main (int argc, char **argv)
{
  static const TransportTestCase cases[] = {
    { "netsim/loss", NULL, (GTestFixtureFunc) test_loss },
    { "netsim/delay", NULL, (GTestFixtureFunc) test_delay },
    { "netsim/rate-cap", NULL, (GTestFixtureFunc) test_rate_cap },
  };

  g_test_init (&argc, &argv, NULL);
  transport_test_add_cases (cases, G_N_ELEMENTS (cases), sizeof (Fixture),
                            (GTestFixtureFunc) fixture_setup, (GTestFixtureFunc) fixture_teardown);
  return g_test_run ();
}
