/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The adaptive FEC controller on made-up reports: near nothing on a clean
 * path, more with loss, most where the round trip is too long for
 * retransmission, key frames above delta frames, and hysteresis; and the
 * Opus loss hint.
 */
#include "config.h"

#include "confab-fec-controller.h"

#include <math.h>

#define STEP_US (500 * G_TIME_SPAN_MILLISECOND)
#define PLAYOUT_MS 100.0

/* Feeds @loss at @rtt_ms for @seconds, one report a tick; returns the time
 * after. */
static gint64
feed (ConfabFecController *c, gint64 t, double loss, double rtt_ms, guint seconds)
{
  ConfabFecFeedback f = { .loss = loss, .rtt_ms = rtt_ms };

  for (guint i = 0; i < seconds * 2; i++, t += STEP_US)
    confab_fec_controller_update (c, t, &f);
  return t;
}

static void
test_start_and_clean (void)
{
  ConfabFecController c;
  ConfabFecFeedback none = { .loss = -1 };
  ConfabFecFeedback clean = { .loss = 0, .rtt_ms = 20 };
  gint64 t = G_USEC_PER_SEC;

  confab_fec_controller_init (&c, 50, TRUE, PLAYOUT_MS);
  /* Before any report: some protection for the first key frame. */
  g_assert_cmpuint (confab_fec_controller_get_overhead (&c), ==, CONFAB_FEC_INITIAL);
  g_assert_cmpuint (confab_fec_controller_get_key_frame_overhead (&c), >,
                    confab_fec_controller_get_overhead (&c));
  g_assert_false (confab_fec_controller_update (&c, t, &none));
  g_assert_cmpuint (confab_fec_controller_get_overhead (&c), ==, CONFAB_FEC_INITIAL);

  /* The first clean report: nothing for delta frames, a little for key
   * frames (a key frame every few seconds: about 1% of the packets). */
  g_assert_true (confab_fec_controller_update (&c, t += STEP_US, &clean));
  g_assert_cmpuint (confab_fec_controller_get_overhead (&c), ==, 0);
  g_assert_cmpuint (confab_fec_controller_get_key_frame_overhead (&c), ==, CONFAB_FEC_KEY_MIN);
  t = feed (&c, t, 0, 20, 10);
  g_assert_cmpuint (confab_fec_controller_get_overhead (&c), ==, 0);
  /* Loss under half a percent is a clean path. */
  feed (&c, t, 0.004, 20, 10);
  g_assert_cmpuint (confab_fec_controller_get_overhead (&c), ==, 0);
}

/* The overhead after a long run of @loss at @rtt_ms. */
static guint
settled (double loss, double rtt_ms, gboolean rtx, guint *key)
{
  ConfabFecController c;

  confab_fec_controller_init (&c, 50, rtx, PLAYOUT_MS);
  feed (&c, G_USEC_PER_SEC, loss, rtt_ms, 20);
  if (key)
    *key = confab_fec_controller_get_key_frame_overhead (&c);
  return confab_fec_controller_get_overhead (&c);
}

static void
test_loss_and_rtt (void)
{
  guint key;

  /* More loss, more FEC. */
  g_assert_cmpuint (settled (0.02, 20, TRUE, NULL), <, settled (0.10, 20, TRUE, NULL));
  g_assert_cmpuint (settled (0.10, 150, TRUE, NULL), <, settled (0.20, 150, TRUE, NULL));
  /* With retransmission in time FEC carries a share only; with a round trip
   * longer than the playout delay, or no RTX, all of it. */
  guint in_time = (guint) round (CONFAB_FEC_PROTECTION * 100 * 0.10 * (1 - CONFAB_FEC_RTX_SHARE));
  guint all = (guint) round (CONFAB_FEC_PROTECTION * 100 * 0.10);
  g_assert_cmpuint (settled (0.10, 20, TRUE, NULL), ==, in_time);
  g_assert_cmpuint (settled (0.10, 150, TRUE, NULL), ==, all);
  g_assert_cmpuint (settled (0.10, 20, FALSE, NULL), ==, all);
  g_assert_cmpuint (settled (0.10, 60, TRUE, NULL), >, in_time);
  g_assert_cmpuint (settled (0.10, 60, TRUE, NULL), <, all);
  /* The ceiling. */
  g_assert_cmpuint (settled (0.20, 150, TRUE, &key), ==, 50);
  g_assert_cmpuint (key, ==, 100);
  /* Key frames get more than delta frames. */
  g_assert_cmpuint (settled (0.05, 150, TRUE, &key), <, key);
  g_assert_cmpuint (key, ==,
                    2 * (guint) round (CONFAB_FEC_PROTECTION * 100 * 0.05) + CONFAB_FEC_KEY_EXTRA);
}

static void
test_rtx_share (void)
{
  ConfabFecController c, without;

  confab_fec_controller_init (&c, 50, TRUE, PLAYOUT_MS);
  confab_fec_controller_init (&without, 50, FALSE, PLAYOUT_MS);
  g_assert_cmpfloat (confab_fec_controller_rtx_share (&c, 0), ==, CONFAB_FEC_RTX_SHARE);
  g_assert_cmpfloat (confab_fec_controller_rtx_share (&c, 40), ==, CONFAB_FEC_RTX_SHARE);
  g_assert_cmpfloat (confab_fec_controller_rtx_share (&c, 60), <, CONFAB_FEC_RTX_SHARE);
  g_assert_cmpfloat (confab_fec_controller_rtx_share (&c, 60), >, 0);
  /* An answer to a NACK would come after the packet's playout. */
  g_assert_cmpfloat (confab_fec_controller_rtx_share (&c, 80), ==, 0);
  g_assert_cmpfloat (confab_fec_controller_rtx_share (&c, 300), ==, 0);
  g_assert_cmpfloat (confab_fec_controller_rtx_share (&without, 10), ==, 0);
}

/* The delta overhead for a smoothed @loss with no retransmission share
 * (the 150 ms round trip below). */
#define FEC_FOR(loss) ((guint) round (CONFAB_FEC_PROTECTION * 100 * (loss)))

static void
test_hysteresis (void)
{
  ConfabFecController c;
  gint64 t = G_USEC_PER_SEC;
  ConfabFecFeedback clean = { .loss = 0, .rtt_ms = 150 };
  ConfabFecFeedback lossy = { .loss = 0.10, .rtt_ms = 150 };

  confab_fec_controller_init (&c, 50, TRUE, PLAYOUT_MS);
  t = feed (&c, t, 0, 150, 2);
  g_assert_cmpuint (confab_fec_controller_get_overhead (&c), ==, 0);

  /* Loss: up at once (smoothed: half the report's at first). */
  g_assert_true (confab_fec_controller_update (&c, t += STEP_US, &lossy));
  g_assert_cmpuint (confab_fec_controller_get_overhead (&c), ==, FEC_FOR (0.05));
  confab_fec_controller_update (&c, t += STEP_US, &lossy);
  g_assert_cmpuint (confab_fec_controller_get_overhead (&c), ==, FEC_FOR (0.075));

  /* One clean report between lossy ones changes nothing: the smoothed
   * loss barely moves and a fall waits for CONFAB_FEC_HOLD_US. */
  g_assert_false (confab_fec_controller_update (&c, t += STEP_US, &clean));
  g_assert_cmpuint (confab_fec_controller_get_overhead (&c), ==, FEC_FOR (0.075));
  confab_fec_controller_update (&c, t += STEP_US, &lossy);
  guint high = confab_fec_controller_get_overhead (&c);
  g_assert_cmpuint (high, >=, FEC_FOR (0.075));

  /* Steady loss: no flapping around the figure. */
  guint changes = 0;
  for (guint i = 0; i < 40; i++)
    changes += confab_fec_controller_update (&c, t += STEP_US, &lossy);
  g_assert_cmpuint (changes, <=, 1);
  g_assert_cmpuint (confab_fec_controller_get_overhead (&c), >=, FEC_FOR (0.10) - CONFAB_FEC_STEP);
  g_assert_cmpuint (confab_fec_controller_get_overhead (&c), <=, FEC_FOR (0.10));

  /* The path clears: down after the hold, in steps, to 0 within 10 s. */
  gint64 cleared = t;
  guint last = confab_fec_controller_get_overhead (&c);
  while (confab_fec_controller_get_overhead (&c) > 0 && t - cleared < 20 * G_USEC_PER_SEC)
    {
      confab_fec_controller_update (&c, t += STEP_US, &clean);
      guint now = confab_fec_controller_get_overhead (&c);

      g_assert_cmpuint (now, <=, last);
      if (now < last && now > 0)
        g_assert_cmpuint (last - now, >=, CONFAB_FEC_STEP);
      last = now;
    }
  g_assert_cmpuint (confab_fec_controller_get_overhead (&c), ==, 0);
  g_assert_cmpint (t - cleared, >=, CONFAB_FEC_HOLD_US);
  g_assert_cmpint (t - cleared, <=, 10 * G_USEC_PER_SEC);
}

static void
test_audio_hint (void)
{
  /* Never under what makes libopus produce LBRR at the bitrate. */
  g_assert_cmpuint (confab_fec_controller_audio_loss_hint (-1, 32), ==, 5);
  g_assert_cmpuint (confab_fec_controller_audio_loss_hint (0, 64), ==, 5);
  g_assert_cmpuint (confab_fec_controller_audio_loss_hint (0.02, 24), ==, 10);
  /* Otherwise the reported loss. */
  g_assert_cmpuint (confab_fec_controller_audio_loss_hint (0.124, 32), ==, 12);
  g_assert_cmpuint (confab_fec_controller_audio_loss_hint (0.30, 24), ==, 30);
  g_assert_cmpuint (confab_fec_controller_audio_loss_hint (2.0, 32), ==, 100);
  /* Under 24 kbit/s no hint makes LBRR: just the loss. */
  g_assert_cmpuint (confab_fec_controller_audio_loss_hint (0, 16), ==, 0);
  g_assert_cmpuint (confab_fec_controller_audio_loss_hint (0.07, 16), ==, 7);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/confab/call/fec-controller/start-and-clean", test_start_and_clean);
  g_test_add_func ("/confab/call/fec-controller/loss-and-rtt", test_loss_and_rtt);
  g_test_add_func ("/confab/call/fec-controller/rtx-share", test_rtx_share);
  g_test_add_func ("/confab/call/fec-controller/hysteresis", test_hysteresis);
  g_test_add_func ("/confab/call/fec-controller/audio-hint", test_audio_hint);
  return g_test_run ();
}
