/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The congestion controller on made-up feedback: GCC's loss rule, the
 * round-trip signal, REMB, the bounds, and a simulated bottleneck that
 * reports late, as RTCP does.
 */
#include "config.h"

#include <string.h>

#include "confab-rate-controller-estimate.h"
#include "confab-rate-controller.h"
#include "confab-video-ladder.h"

#define STEP_US (500 * G_TIME_SPAN_MILLISECOND)

static const ConfabRateFeedback clean = { .loss = 0, .rtt_ms = 20 };

static void
test_clean (void)
{
  ConfabRateController c;
  gint64 t = 1000000;

  confab_rate_controller_init (&c, 100, 1000);
  g_assert_cmpuint (confab_rate_controller_get_target_kbps (&c), ==, 1000);
  for (guint i = 0; i < 20; i++, t += STEP_US)
    {
      ConfabRateDecision d = confab_rate_controller_update (&c, t, &clean);
      g_assert_cmpint (d, ==, CONFAB_RATE_INCREASE_TARGET);
      g_assert_cmpuint (confab_rate_controller_get_target_kbps (&c), ==, 1000);
    }
}

static void
test_loss_rule (void)
{
  ConfabRateController c;
  gint64 t = 1000000;
  ConfabRateFeedback lossy = { .loss = 0.30 };
  ConfabRateFeedback middling = { .loss = 0.05 };

  confab_rate_controller_init (&c, 100, 1000);
  g_assert_cmpint (confab_rate_controller_update (&c, t, &lossy), ==, CONFAB_RATE_DECREASE_LOSS);
  g_assert_cmpuint (confab_rate_controller_get_target_kbps (&c), ==, 850);
  /* The same loss window half a second later: no second cut yet. */
  g_assert_cmpint (confab_rate_controller_update (&c, t += STEP_US, &lossy), ==, CONFAB_RATE_HOLD);
  g_assert_cmpuint (confab_rate_controller_get_target_kbps (&c), ==, 850);
  g_assert_cmpint (confab_rate_controller_update (&c, t += STEP_US, &lossy), ==,
                   CONFAB_RATE_DECREASE_LOSS);
  g_assert_cmpuint (confab_rate_controller_get_target_kbps (&c), ==, 723);

  /* 2..10%: hold, however long. */
  for (guint i = 0; i < 20; i++)
    g_assert_cmpint (confab_rate_controller_update (&c, t += STEP_US, &middling), ==,
                     CONFAB_RATE_HOLD);
  g_assert_cmpuint (confab_rate_controller_get_target_kbps (&c), ==, 723);

  /* Unknown loss (no report yet) does not cut. */
  ConfabRateFeedback unknown = { .loss = -1 };
  g_assert_cmpint (confab_rate_controller_update (&c, t += STEP_US, &unknown), ==,
                   CONFAB_RATE_INCREASE_TARGET);
}

/* Under 2% loss the target grows 8% a second, 3% near the last
 * congestion (5% either side of it), never faster than 8% up to 15% over
 * it, 15% beyond once 5 s passed without a cut; never past the maximum;
 * heavy loss never takes it under the minimum. */
static void
test_increase_and_bounds (void)
{
  ConfabRateController c;
  gint64 t = 1000000;
  ConfabRateFeedback all_lost = { .loss = 1.0 };
  ConfabRateFeedback lossy = { .loss = 0.30 };

  confab_rate_controller_init (&c, 100, 1000);
  for (guint i = 0; i < 20; i++)
    confab_rate_controller_update (&c, t += STEP_US, &all_lost);
  g_assert_cmpuint (confab_rate_controller_get_target_kbps (&c), ==, 100);
  /* Those cuts were one congestion, at 1000 where they began: from the
   * floor, 8% a second, however long since. */
  for (guint i = 0; i < 14; i++)
    {
      double before = c.target_kbps;

      confab_rate_controller_update (&c, t += STEP_US, &clean);
      g_assert_cmpfloat_with_epsilon (c.target_kbps / before, 1.04, 1e-6);
    }

  /* One cut at 500 (to 425), 11 s later: a new congestion. */
  c.target_kbps = 500;
  t += 11 * G_USEC_PER_SEC;
  g_assert_cmpint (confab_rate_controller_update (&c, t, &lossy), ==, CONFAB_RATE_DECREASE_LOSS);
  g_assert_cmpuint (confab_rate_controller_get_target_kbps (&c), ==, 425);
  guint steps[3] = { 0 }; /* at 8% under 475, 3% to 525, 8% to 575 */
  while (c.target_kbps <= 575)
    {
      double before = c.target_kbps;

      confab_rate_controller_update (&c, t += STEP_US, &clean);
      guint band = before < 475 ? 0 : before <= 525 ? 1 : 2;

      g_assert_cmpfloat_with_epsilon (c.target_kbps / before, band == 1 ? 1.015 : 1.04, 1e-6);
      steps[band]++;
    }
  g_assert_cmpuint (steps[0], >, 0);
  g_assert_cmpuint (steps[1], >, 0);
  g_assert_cmpuint (steps[2], >, 0);
  /* Past it, more than 5 s after the cut: 15% a second. */
  double before = c.target_kbps;
  confab_rate_controller_update (&c, t += STEP_US, &clean);
  g_assert_cmpfloat_with_epsilon (c.target_kbps / before, 1.075, 1e-6);

  for (guint i = 0; i < 200; i++)
    confab_rate_controller_update (&c, t += STEP_US, &clean);
  g_assert_cmpuint (confab_rate_controller_get_target_kbps (&c), ==, 1000);
}

/* The round trip 20 → 80 ms: a queue. Three samples in a row cut 15%; one
 * or two late reports do not; updates without a new sample change
 * nothing. */
static void
test_delay (void)
{
  ConfabRateController c;
  gint64 t = 1000000;
  ConfabRateFeedback queued = { .loss = 0, .rtt_ms = 80 };

  confab_rate_controller_init (&c, 100, 1000);
  for (guint i = 0; i < 4; i++)
    confab_rate_controller_update (&c, t += STEP_US, &clean);

  g_assert_cmpint (confab_rate_controller_update (&c, t += STEP_US, &queued), ==, CONFAB_RATE_HOLD);
  g_assert_cmpint (confab_rate_controller_update (&c, t += STEP_US, &clean), ==,
                   CONFAB_RATE_INCREASE_TARGET);
  g_assert_cmpuint (confab_rate_controller_get_target_kbps (&c), ==, 1000);

  ConfabRateFeedback no_sample = { .loss = -1, .rtt_ms = 0 };
  g_assert_cmpint (confab_rate_controller_update (&c, t += STEP_US, &queued), ==, CONFAB_RATE_HOLD);
  g_assert_cmpint (confab_rate_controller_update (&c, t += STEP_US, &no_sample), ==,
                   CONFAB_RATE_HOLD);
  g_assert_cmpint (confab_rate_controller_update (&c, t += STEP_US, &queued), ==, CONFAB_RATE_HOLD);
  g_assert_cmpuint (confab_rate_controller_get_target_kbps (&c), ==, 1000);
  g_assert_cmpint (confab_rate_controller_update (&c, t += STEP_US, &queued), ==,
                   CONFAB_RATE_DECREASE_DELAY);
  g_assert_cmpuint (confab_rate_controller_get_target_kbps (&c), ==, 850);
  /* The queue still shows in the next reports: no second cut at once. */
  g_assert_cmpint (confab_rate_controller_update (&c, t += STEP_US, &queued), ==, CONFAB_RATE_HOLD);
}

static void
test_remb (void)
{
  ConfabRateController c;
  gint64 t = 1000000;
  ConfabRateFeedback remb = { .loss = 0, .rtt_ms = 20, .remb_bps = 400000 };
  ConfabRateFeedback tiny = { .loss = 0, .rtt_ms = 20, .remb_bps = 1000 };

  confab_rate_controller_init (&c, 100, 1000);
  g_assert_cmpint (confab_rate_controller_update (&c, t += STEP_US, &remb), ==,
                   CONFAB_RATE_LIMIT_REMB);
  g_assert_cmpuint (confab_rate_controller_get_target_kbps (&c), ==, 400);
  g_assert_cmpint (confab_rate_controller_update (&c, t += STEP_US, &tiny), ==,
                   CONFAB_RATE_LIMIT_REMB);
  g_assert_cmpuint (confab_rate_controller_get_target_kbps (&c), ==, 100);
  /* Without it, growth resumes from there. */
  g_assert_cmpint (confab_rate_controller_update (&c, t += STEP_US, &clean), ==,
                   CONFAB_RATE_INCREASE_TARGET);
  g_assert_cmpuint (confab_rate_controller_get_target_kbps (&c), ==, 104);
}

/* A start below the maximum grows 50% a second until the first sign of
 * congestion, then as usual. */
static void
test_start (void)
{
  ConfabRateController c;
  gint64 t = 1000000;

  confab_rate_controller_init (&c, 100, 1000);
  confab_rate_controller_start_at (&c, t, 300);
  g_assert_cmpuint (confab_rate_controller_get_target_kbps (&c), ==, 300);
  for (guint i = 0; i < 2; i++)
    confab_rate_controller_update (&c, t += STEP_US, &clean);
  g_assert_cmpuint (confab_rate_controller_get_target_kbps (&c), ==, 469);
  for (guint i = 0; i < 6; i++)
    confab_rate_controller_update (&c, t += STEP_US, &clean);
  g_assert_cmpuint (confab_rate_controller_get_target_kbps (&c), ==, 1000);

  /* Moderate loss does not hold the start: random loss is no limit. */
  confab_rate_controller_init (&c, 100, 1000);
  confab_rate_controller_start_at (&c, t, 300);
  ConfabRateFeedback middling = { .loss = 0.05 };
  confab_rate_controller_update (&c, t += STEP_US, &middling);
  confab_rate_controller_update (&c, t += STEP_US, &middling);
  g_assert_cmpuint (confab_rate_controller_get_target_kbps (&c), ==, 469);

  /* A REMB ends the start: 8% a second from there. */
  confab_rate_controller_init (&c, 100, 1000);
  confab_rate_controller_start_at (&c, t, 300);
  ConfabRateFeedback remb = { .loss = 0, .rtt_ms = 20, .remb_bps = 350000 };
  confab_rate_controller_update (&c, t += STEP_US, &clean);
  confab_rate_controller_update (&c, t += STEP_US, &remb);
  g_assert_cmpuint (confab_rate_controller_get_target_kbps (&c), ==, 350);
  confab_rate_controller_update (&c, t += STEP_US, &clean);
  g_assert_cmpuint (confab_rate_controller_get_target_kbps (&c), ==, 364);
}

/* A bottleneck of @cap_kbps with a 100 ms queue, the sender's wire rate
 * 1.25 × the target (FEC) plus 40 kbit/s (audio), simulated in 10 ms
 * steps, one packet each. The receiver's estimate sees each packet's
 * arrival and sends its REMB every 500 ms; its receiver reports reach the
 * controller a second late. */
typedef struct
{
  double queue_ms;
  double sent_kbit, lost_kbit; /* over the current report window */
  double loss_history[4];      /* per 500 ms, newest first */
  double rtt_history[4];
  guint16 seq;
} Bottleneck;

static void
bottleneck_step (Bottleneck *b, ConfabRateEstimate *e, gint64 now, double wire_kbps,
                 double cap_kbps, double dt_ms)
{
  gboolean lost = FALSE;

  b->queue_ms += (wire_kbps - cap_kbps) / cap_kbps * dt_ms;
  b->sent_kbit += wire_kbps * dt_ms / 1000;
  if (b->queue_ms > 100)
    {
      b->lost_kbit += (b->queue_ms - 100) / 1000 * cap_kbps;
      b->queue_ms = 100;
      lost = TRUE;
    }
  b->queue_ms = MAX (b->queue_ms, 0);
  b->seq++;
  if (!lost)
    confab_rate_estimate_media (e, now + (gint64) ((20 + b->queue_ms) * 1000), b->seq,
                                (guint32) (now * 9 / 100), (gsize) (wire_kbps * dt_ms / 8));
}

static void
test_bottleneck (void)
{
  ConfabRateController c;
  Bottleneck b = { 0 };
  gint64 t = 1000000;
  double cap = 500, wire = 0, over_cap_s = 0, lost = 0, sent = 0, max_queue = 0;
  guint back_at = 0;

  ConfabRateEstimate e;
  confab_rate_estimate_init (&e, 90000);
  confab_rate_controller_init (&c, 100, 1000);
  for (guint step = 0; step < 2 * 60; step++, t += STEP_US)
    {
      guint s = step / 2;
      if (s == 30)
        cap = 10000; /* the cap lifts */
      for (guint ms = 0; ms < 500; ms += 10)
        {
          wire = 1.25 * confab_rate_controller_get_target_kbps (&c) + 40;
          bottleneck_step (&b, &e, t + ms * 1000, wire, cap, 10);
          if (s >= 10 && s < 30)
            max_queue = MAX (max_queue, b.queue_ms);
        }
      if (s >= 10 && s < 30)
        {
          over_cap_s += wire > cap ? 0.5 : 0;
          lost += b.lost_kbit;
          sent += b.sent_kbit;
        }
      memmove (b.loss_history + 1, b.loss_history, 3 * sizeof (double));
      memmove (b.rtt_history + 1, b.rtt_history, 3 * sizeof (double));
      b.loss_history[0] = b.sent_kbit > 0 ? b.lost_kbit / b.sent_kbit : 0;
      b.rtt_history[0] = 20 + b.queue_ms;
      b.sent_kbit = b.lost_kbit = 0;

      /* The window of 1 to 2 s, a second old. */
      guint64 remb = confab_rate_estimate_tick (&e, t + STEP_US);
      ConfabRateFeedback feedback = {
        .loss = (b.loss_history[2] + b.loss_history[3]) / 2,
        .rtt_ms = step % 2 ? b.rtt_history[2] : 0, /* a report a second */
        /* The video's share: less the audio and the FEC. */
        .remb_bps = remb ? (guint64) MAX ((remb - 40000.0) / 1.25, 1) : 0,
      };
      confab_rate_controller_update (&c, t, &feedback);
      if (s >= 30 && !back_at && confab_rate_controller_get_target_kbps (&c) == 1000)
        back_at = s - 30;
      g_test_message ("%5.1f s: target %4u kbit/s, wire %4.0f, queue %5.1f ms, loss %4.1f%%",
                      step / 2.0, confab_rate_controller_get_target_kbps (&c), wire, b.queue_ms,
                      100 * b.loss_history[0]);
    }
  g_test_message ("10..30 s: %.1f s over the cap, %.2f%% lost, queue up to %.0f ms; back to the "
                  "maximum %u s after the cap lifted",
                  over_cap_s, 100 * lost / sent, max_queue, back_at);
  g_assert_cmpfloat (100 * lost / sent, <, 2);
  /* Over the cap now and then (the queue takes it), never for long. */
  g_assert_cmpfloat (over_cap_s, <, 10);
  g_assert_cmpfloat (max_queue, <, 100);
  g_assert_cmpuint (back_at, >, 0);
  g_assert_cmpuint (back_at, <=, 20);
}

/* A path that drops @random of the packets whatever the rate, behind a
 * policer that drops what is over @cap_kbps (no queue, so no round trip
 * to see): 60 s of updates, the loss reported as the bottleneck test's
 * (the window of 1 to 2 s, a second old), the report's own noise from
 * @seed. Returns the target's lowest in the last 30 s, *@mean its mean
 * there; *@learned whether the loss was taken as the path's own. */
static guint
run_policed (double random, double cap_kbps, guint32 seed, guint *mean, gboolean *learned)
{
  double sum = 0;
  ConfabRateController c;
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  double history[4] = { 0 };
  gint64 t = 1000000;
  guint lowest = G_MAXUINT;

  *learned = FALSE;
  confab_rate_controller_init (&c, 100, 1000);
  for (guint step = 0; step < 120; step++, t += STEP_US)
    {
      double wire = 1.25 * confab_rate_controller_get_target_kbps (&c) + 40;
      double over = wire > cap_kbps ? 1 - cap_kbps / wire : 0;
      double noise = (g_rand_double (rand) - 0.5) * 0.16;

      memmove (history + 1, history, 3 * sizeof (double));
      history[0] = CLAMP (1 - (1 - random) * (1 - over) + noise * (random > 0), 0, 1);
      ConfabRateFeedback feedback = { .loss = (history[2] + history[3]) / 2, .rtt_ms = 40 };
      if (confab_rate_controller_update (&c, t, &feedback) == CONFAB_RATE_LOSS_LEARNED)
        *learned = TRUE;
      if (step >= 60)
        {
          lowest = MIN (lowest, confab_rate_controller_get_target_kbps (&c));
          sum += confab_rate_controller_get_target_kbps (&c);
        }
    }
  *mean = (guint) (sum / 60);
  return lowest;
}

/* 20% random loss (a radio link): the cuts it brings do not bring it
 * down, so it is learned as the path's own and the rate comes back; a
 * policer's loss falls as the rate does: never learned, the rate stays
 * under it; both at once: the rate goes under the policer all the same. */
static void
test_random_loss (void)
{
  guint mean, lowest;
  gboolean learned;

  for (guint32 seed = 1; seed <= 5; seed++)
    {
      lowest = run_policed (0.20, 100000, seed, &mean, &learned);
      g_test_message ("20%% random, seed %u: learned %d; the last 30 s: target %u on average, %u "
                      "at lowest",
                      seed, learned, mean, lowest);
      g_assert_true (learned);
      g_assert_cmpuint (mean, >=, 900);
      g_assert_cmpuint (lowest, >=, 600);

      lowest = run_policed (0, 400, seed, &mean, &learned);
      g_test_message ("policed at 400 kbit/s: learned %d, target %u on average", learned, mean);
      g_assert_false (learned);
      /* Under the loss rule's 10% (2..10% holds). */
      g_assert_cmpuint (mean, <=, (400 / 0.9 - 40) / 1.25);

      lowest = run_policed (0.20, 400, seed, &mean, &learned);
      g_test_message ("both: learned %d, target %u on average", learned, mean);
      /* The policer's share of the loss under the rule's 10%, within the
       * reports' noise. */
      g_assert_cmpuint (mean, <=, (400 / 0.85 - 40) / 1.25);
    }
}

/* 640x360 at 30 fps with 1000 kbit/s: the rungs and what each needs. */
static void
test_ladder_rungs (void)
{
  static const ConfabVideoRung expected[] = {
    { 640, 360, 30, 553 }, { 480, 270, 30, 311 }, { 320, 180, 30, 138 },
    { 320, 180, 20, 92 },  { 320, 180, 15, 69 },
  };
  ConfabVideoLadder ladder;

  confab_video_ladder_init (&ladder, 640, 360, 30, 1000);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_cmpuint (ladder.rungs[i].width, ==, expected[i].width);
      g_assert_cmpuint (ladder.rungs[i].height, ==, expected[i].height);
      g_assert_cmpuint (ladder.rungs[i].framerate, ==, expected[i].framerate);
      g_assert_cmpuint (ladder.rungs[i].need_kbps, ==, expected[i].need_kbps);
    }
  g_assert_cmpuint (confab_video_ladder_get_rung (&ladder)->height, ==, 360);

  /* 1280x720 at 1000 kbit/s would need 2212 at the top: all the needs
   * scale so that the configured rate affords the configured picture.
   * Odd sizes round to even ones. */
  confab_video_ladder_init (&ladder, 1280, 720, 30, 1000);
  g_assert_cmpuint (ladder.rungs[0].need_kbps, ==, 800);
  g_assert_cmpuint (ladder.rungs[1].width, ==, 960);
  confab_video_ladder_init (&ladder, 322, 182, 15, 200);
  g_assert_cmpuint (ladder.rungs[1].width, ==, 240);
  g_assert_cmpuint (ladder.rungs[1].height, ==, 136);
  g_assert_cmpuint (ladder.rungs[4].framerate, ==, 7);
}

/* Down once the target has been short for 2 s, as far as needed, at most
 * once a second; up one rung at a time, after 2 s with room to spare and
 * 4 s after the last step down. */
static void
test_ladder_steps (void)
{
  ConfabVideoLadder ladder;
  gint64 t = 1000000;

  confab_video_ladder_init (&ladder, 640, 360, 30, 1000);
  g_assert_false (confab_video_ladder_update (&ladder, t, 1000));
  g_assert_false (confab_video_ladder_update (&ladder, t += STEP_US, 553));
  /* 280 for 2 s: straight to 320x180, skipping 480x270. */
  for (guint i = 0; i < 4; i++)
    g_assert_false (confab_video_ladder_update (&ladder, t += STEP_US, 280));
  g_assert_true (confab_video_ladder_update (&ladder, t += STEP_US, 280));
  g_assert_cmpuint (confab_video_ladder_get_rung (&ladder)->height, ==, 180);
  g_assert_cmpuint (confab_video_ladder_get_rung (&ladder)->framerate, ==, 30);
  for (guint i = 0; i < 4; i++)
    g_assert_false (confab_video_ladder_update (&ladder, t += STEP_US, 100));
  g_assert_true (confab_video_ladder_update (&ladder, t += STEP_US, 100));
  g_assert_cmpuint (confab_video_ladder_get_rung (&ladder)->framerate, ==, 20);

  /* Room for 30 fps again (138 × 1.15 = 159) but only just: no flapping
   * at 150; from 160 on, held for 2 s. */
  for (guint i = 0; i < 20; i++)
    g_assert_false (confab_video_ladder_update (&ladder, t += STEP_US, 150));
  for (guint i = 0; i < 4; i++)
    g_assert_false (confab_video_ladder_update (&ladder, t += STEP_US, 160));
  g_assert_true (confab_video_ladder_update (&ladder, t += STEP_US, 160));
  g_assert_cmpuint (confab_video_ladder_get_rung (&ladder)->framerate, ==, 30);

  /* Plenty at once: one rung at a time, each after 2 s of room. */
  guint steps = 0;
  for (guint i = 0; i < 5; i++)
    steps += confab_video_ladder_update (&ladder, t += STEP_US, 1000);
  g_assert_cmpuint (steps, ==, 1);
  g_assert_cmpuint (confab_video_ladder_get_rung (&ladder)->height, ==, 270);
  for (guint i = 0; i < 5; i++)
    steps += confab_video_ladder_update (&ladder, t += STEP_US, 1000);
  g_assert_cmpuint (steps, ==, 2);
  g_assert_cmpuint (confab_video_ladder_get_rung (&ladder)->height, ==, 360);

  /* A call that starts at 300 kbit/s and grows 50% a second keeps its
   * picture; a short dip too. */
  confab_video_ladder_init (&ladder, 640, 360, 30, 1000);
  static const guint ramp[] = { 300, 375, 469, 586, 732, 400, 500, 915, 1000 };
  for (guint i = 0; i < G_N_ELEMENTS (ramp); i++)
    g_assert_false (confab_video_ladder_update (&ladder, t += STEP_US, ramp[i]));

  /* Up 4 s after a step down at the earliest, and a dip under the need
   * while counting resets the count. */
  for (guint i = 0; i < 4; i++)
    confab_video_ladder_update (&ladder, t += STEP_US, 300);
  g_assert_true (confab_video_ladder_update (&ladder, t += STEP_US, 300));
  for (guint i = 0; i < 7; i++)
    g_assert_false (confab_video_ladder_update (&ladder, t += STEP_US, 400));
  g_assert_false (confab_video_ladder_update (&ladder, t += STEP_US, 300));
  for (guint i = 0; i < 4; i++)
    g_assert_false (confab_video_ladder_update (&ladder, t += STEP_US, 400));
  g_assert_true (confab_video_ladder_update (&ladder, t += STEP_US, 400));
  g_assert_cmpuint (confab_video_ladder_get_rung (&ladder)->height, ==, 270);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/confab/call/rate-controller/clean", test_clean);
  g_test_add_func ("/confab/call/rate-controller/loss-rule", test_loss_rule);
  g_test_add_func ("/confab/call/rate-controller/increase-and-bounds", test_increase_and_bounds);
  g_test_add_func ("/confab/call/rate-controller/delay", test_delay);
  g_test_add_func ("/confab/call/rate-controller/remb", test_remb);
  g_test_add_func ("/confab/call/rate-controller/start", test_start);
  g_test_add_func ("/confab/call/rate-controller/bottleneck", test_bottleneck);
  g_test_add_func ("/confab/call/rate-controller/random-loss", test_random_loss);
  g_test_add_func ("/confab/call/rate-controller/ladder-rungs", test_ladder_rungs);
  g_test_add_func ("/confab/call/rate-controller/ladder-steps", test_ladder_steps);
  return g_test_run ();
}
