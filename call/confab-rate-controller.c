/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-rate-controller.h"

/* The lowest round trip drifts up toward what is measured over this long,
 * so that a path that got longer for good (a new route) is not taken for a
 * queue forever. */
#define MIN_RTT_FORGET_US (30 * G_USEC_PER_SEC)
/* Samples in a row with the round trip high before it counts: one late
 * report is not a queue (in a loaded process, RTCP's round trip jumps by
 * tens of milliseconds now and then with nothing queued). */
#define OVERUSE_UPDATES 3
/* The loss run's judgement (see the header). */
#define LOSS_SERIES_FORGET_US (15 * G_USEC_PER_SEC)
/* The loss figure covers 1 to 2 s, a second old: the loss at the lower
 * rate shows this long after the target got there. */
#define LOSS_SERIES_SETTLE_US (2500 * G_TIME_SPAN_MILLISECOND)
#define LOSS_SERIES_CUT 0.8
#define LOSS_UNMOVED 0.7
/* More than this is no path a call lives with (a dead link, a queue
 * overflowing whatever the rate): it stays a signal. */
#define INHERENT_LOSS_MAX 0.5
/* How far each report moves the path's own loss toward it: down readily
 * (the path got better), up slowly (a bottleneck's loss building up must
 * not pass for the path's). */
#define INHERENT_LOSS_FOLLOW_DOWN 0.1
#define INHERENT_LOSS_FOLLOW_UP 0.02
/* "Near" the last congestion: within this fraction of it. */
#define NEAR_CONGESTION 0.05
/* Up to this fraction over the last congestion the path's room is known:
 * growth there is never faster than CONFAB_RATE_INCREASE, however quiet. */
#define KNOWN_OVER 0.15
/* Cuts this close together are one congestion: it showed at the rate the
 * first was made at (the later ones answer the same, delayed, reports). */
#define CONGESTION_RUN_US (10 * G_USEC_PER_SEC)

void
confab_rate_controller_init (ConfabRateController *controller, guint min_kbps, guint max_kbps)
{
  g_return_if_fail (min_kbps > 0 && min_kbps <= max_kbps);

  *controller = (ConfabRateController){
    .min_kbps = min_kbps,
    .max_kbps = max_kbps,
    .target_kbps = max_kbps,
  };
}

void
confab_rate_controller_start_at (ConfabRateController *controller, gint64 now, guint kbps)
{
  controller->last_update = now;
  controller->target_kbps = CLAMP (kbps, controller->min_kbps, controller->max_kbps);
  controller->starting = controller->target_kbps < controller->max_kbps;
}

static gboolean
overusing (ConfabRateController *c, gint64 elapsed, double rtt_ms)
{
  if (rtt_ms <= 0)
    return c->overuse_count >= OVERUSE_UPDATES; /* no new sample: as before */
  if (c->min_rtt_ms <= 0 || rtt_ms < c->min_rtt_ms)
    c->min_rtt_ms = rtt_ms;
  else
    c->min_rtt_ms
        += (rtt_ms - c->min_rtt_ms) * MIN (elapsed, MIN_RTT_FORGET_US) / MIN_RTT_FORGET_US;

  if (rtt_ms > c->min_rtt_ms + CONFAB_RATE_DELAY_THRESHOLD_MS)
    c->overuse_count++;
  else
    c->overuse_count = 0;
  return c->overuse_count >= OVERUSE_UPDATES;
}

/* The loss the rule judges: what is above the path's own, which follows
 * the reports that stay near it. -1: unknown. */
static double
excess_loss (ConfabRateController *c, double loss)
{
  if (loss < 0)
    return -1;
  if (c->inherent_loss > 0 && loss <= c->inherent_loss + CONFAB_RATE_LOSS_HIGH)
    {
      c->inherent_loss
          += (loss - c->inherent_loss)
             * (loss < c->inherent_loss ? INHERENT_LOSS_FOLLOW_DOWN : INHERENT_LOSS_FOLLOW_UP);
      if (c->inherent_loss < 0.005)
        c->inherent_loss = 0;
    }
  return MAX (loss - c->inherent_loss, 0);
}

/* High loss again: TRUE when the run of cuts it belongs to shows the loss
 * is the path's own (see the header). */
static gboolean
loss_is_inherent (ConfabRateController *c, gint64 now, double loss)
{
  if (c->series_start == 0 || now - c->series_start > LOSS_SERIES_FORGET_US)
    {
      c->series_start = now;
      c->series_kbps = c->target_kbps;
      c->series_loss = loss;
      c->series_under = 0;
      return FALSE;
    }
  gboolean under
      = c->target_kbps < LOSS_SERIES_CUT * c->series_kbps || c->target_kbps <= c->min_kbps;
  if (c->series_under == 0)
    {
      /* The highest figure at the rates the run began at: the first may
       * still mix in a time before the loss. */
      c->series_loss = MAX (c->series_loss, loss);
      if (under)
        c->series_under = now;
      return FALSE;
    }
  /* Judged while the target is still down there. */
  return under && loss <= INHERENT_LOSS_MAX && now - c->series_under >= LOSS_SERIES_SETTLE_US
         && loss >= LOSS_UNMOVED * c->series_loss && c->overuse_count == 0;
}

/* A cut: where congestion showed. In a run of cuts, the highest (a
 * 1000 kbit/s start on a 500 kbit/s path cut to 430, 269 and 242 within a
 * second, and the last was no measure of the path: growing fast from there
 * rammed the queue at 500 and lost a quarter of the packets). */
static void
note_congestion (ConfabRateController *c, gint64 now)
{
  if (c->congested_time && now - c->congested_time < CONGESTION_RUN_US)
    c->congested_kbps = MAX (c->congested_kbps, c->target_kbps);
  else
    c->congested_kbps = c->target_kbps;
  c->congested_time = now;
}

static ConfabRateDecision
decide (ConfabRateController *c, gint64 now, gint64 elapsed, const ConfabRateFeedback *feedback)
{
  gboolean may_decrease
      = c->last_decrease == 0 || now - c->last_decrease >= CONFAB_RATE_DECREASE_INTERVAL_US;
  gboolean overuse = overusing (c, elapsed, feedback->rtt_ms);
  double loss = excess_loss (c, feedback->loss);

  if (loss > CONFAB_RATE_LOSS_HIGH)
    {
      if (loss_is_inherent (c, now, feedback->loss))
        {
          c->inherent_loss = feedback->loss;
          c->target_kbps = c->series_kbps;
          c->congested_kbps = 0;
          c->series_start = 0;
          return CONFAB_RATE_LOSS_LEARNED;
        }
      if (!may_decrease)
        return CONFAB_RATE_HOLD;
      note_congestion (c, now);
      c->target_kbps *= 1 - 0.5 * loss;
      c->last_decrease = now;
      return CONFAB_RATE_DECREASE_LOSS;
    }
  if (overuse)
    {
      if (!may_decrease)
        return CONFAB_RATE_HOLD;
      note_congestion (c, now);
      c->target_kbps *= CONFAB_RATE_DELAY_DECREASE;
      c->last_decrease = now;
      /* The queue takes a while to drain: the next reports still show it. */
      c->overuse_count = 0;
      return CONFAB_RATE_DECREASE_DELAY;
    }
  /* While starting, moderate loss is no sign of a limit (random loss,
   * before retransmission and FEC): only a cut or a REMB ends the start.
   * Holding there would keep a lossy call at the start rate for good. */
  if ((loss >= CONFAB_RATE_LOSS_LOW && !c->starting) || c->overuse_count > 0)
    return CONFAB_RATE_HOLD;

  gboolean near = c->congested_kbps > 0
                  && c->target_kbps >= c->congested_kbps * (1 - NEAR_CONGESTION)
                  && c->target_kbps <= c->congested_kbps * (1 + NEAR_CONGESTION);
  gboolean known = c->congested_kbps > 0 && c->target_kbps <= c->congested_kbps * (1 + KNOWN_OVER);
  gboolean quiet = c->last_signal && now - c->last_signal >= CONFAB_RATE_QUIET_US;
  double per_second = c->starting       ? CONFAB_RATE_INCREASE_START
                      : near            ? CONFAB_RATE_INCREASE_NEAR
                      : quiet && !known ? CONFAB_RATE_INCREASE_QUIET
                                        : CONFAB_RATE_INCREASE;
  c->target_kbps *= 1 + per_second * elapsed / G_USEC_PER_SEC;
  return CONFAB_RATE_INCREASE_TARGET;
}

ConfabRateDecision
confab_rate_controller_update (ConfabRateController *c, gint64 now,
                               const ConfabRateFeedback *feedback)
{
  /* A long pause (a stalled main loop) is not a licence to jump: growth
   * counts a second at most. */
  gint64 elapsed = c->last_update ? CLAMP (now - c->last_update, 0, G_USEC_PER_SEC) : 0;
  c->last_update = now;

  ConfabRateDecision decision = decide (c, now, elapsed, feedback);
  if (decision == CONFAB_RATE_DECREASE_LOSS || decision == CONFAB_RATE_DECREASE_DELAY)
    {
      c->last_signal = now;
      c->starting = FALSE;
    }

  if (feedback->remb_bps && c->target_kbps > feedback->remb_bps / 1000.0)
    {
      /* A cut, not the estimate's ceiling (1.5 × what arrives) grazed
       * while both grow. */
      if (feedback->remb_bps / 1000.0 < 0.9 * c->target_kbps)
        c->last_signal = now;
      c->starting = FALSE;
      c->target_kbps = feedback->remb_bps / 1000.0;
      if (decision != CONFAB_RATE_DECREASE_LOSS && decision != CONFAB_RATE_DECREASE_DELAY)
        decision = CONFAB_RATE_LIMIT_REMB;
    }
  c->target_kbps = CLAMP (c->target_kbps, c->min_kbps, c->max_kbps);
  if (c->target_kbps >= c->max_kbps)
    c->starting = FALSE;
  return decision;
}

guint
confab_rate_controller_get_target_kbps (const ConfabRateController *c)
{
  return (guint) (c->target_kbps + 0.5);
}

const char *
confab_rate_decision_to_string (ConfabRateDecision decision)
{
  switch (decision)
    {
    case CONFAB_RATE_HOLD:
      return "hold";
    case CONFAB_RATE_INCREASE_TARGET:
      return "increase";
    case CONFAB_RATE_DECREASE_LOSS:
      return "decrease-loss";
    case CONFAB_RATE_DECREASE_DELAY:
      return "decrease-delay";
    case CONFAB_RATE_LIMIT_REMB:
      return "limit-remb";
    case CONFAB_RATE_LOSS_LEARNED:
      return "loss-is-the-path's";
    default:
      return "?";
    }
}
