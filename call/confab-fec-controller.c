/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-fec-controller.h"

#include <math.h>

/* Opus hints (tools/bench/README.md, libopus 1.3.1): from 32 kbit/s any
 * hint of 5% or more gives LBRR, at 24 kbit/s only 10% or more. */
#define OPUS_HINT_MIN_32K 5
#define OPUS_HINT_MIN_24K 10

void
confab_fec_controller_init (ConfabFecController *controller, guint max_pct, gboolean rtx,
                            double playout_ms)
{
  g_return_if_fail (max_pct <= 100);

  *controller = (ConfabFecController){
    .max_pct = max_pct,
    .rtx = rtx,
    .playout_ms = playout_ms,
    .loss = -1,
    .overhead_pct = MIN (CONFAB_FEC_INITIAL, max_pct),
  };
  controller->key_overhead_pct
      = MIN (100, MAX (CONFAB_FEC_KEY_MIN, 2 * controller->overhead_pct + CONFAB_FEC_KEY_EXTRA));
}

double
confab_fec_controller_rtx_share (const ConfabFecController *c, double rtt_ms)
{
  double none = c->playout_ms - CONFAB_FEC_RTX_MARGIN_MS;

  if (!c->rtx)
    return 0;
  /* Unknown: the first report brings the round trip with the loss. */
  if (rtt_ms <= CONFAB_FEC_RTX_FULL_MS)
    return CONFAB_FEC_RTX_SHARE;
  if (rtt_ms >= none || none <= CONFAB_FEC_RTX_FULL_MS)
    return 0;
  return CONFAB_FEC_RTX_SHARE * (none - rtt_ms) / (none - CONFAB_FEC_RTX_FULL_MS);
}

/* The delta overhead the smoothed loss asks for, before hysteresis. */
static guint
wanted (const ConfabFecController *c)
{
  double load;

  if (c->loss < CONFAB_FEC_CLEAN_LOSS)
    return 0;
  load = c->loss * (1 - confab_fec_controller_rtx_share (c, c->rtt_ms));
  return (guint) MIN (round (CONFAB_FEC_PROTECTION * 100 * load), (double) c->max_pct);
}

gboolean
confab_fec_controller_update (ConfabFecController *c, gint64 now, const ConfabFecFeedback *feedback)
{
  guint target, before = c->overhead_pct, key;

  /* The round trip is smoothed too: in a busy process one report's comes
   * in tens of milliseconds late now and then, which is no longer path. */
  if (feedback->rtt_ms > 0)
    c->rtt_ms = c->rtt_ms > 0 ? c->rtt_ms + CONFAB_FEC_SMOOTH_RTT * (feedback->rtt_ms - c->rtt_ms)
                              : feedback->rtt_ms;
  if (feedback->loss >= 0)
    {
      double loss = MIN (feedback->loss, 1.0);

      if (c->loss < 0)
        c->loss = loss;
      else
        c->loss
            += (loss > c->loss ? CONFAB_FEC_SMOOTH_UP : CONFAB_FEC_SMOOTH_DOWN) * (loss - c->loss);
    }
  if (c->loss < 0)
    return FALSE;

  target = wanted (c);
  if (target > c->overhead_pct
      && (target - c->overhead_pct >= CONFAB_FEC_STEP || c->overhead_pct == 0))
    {
      c->overhead_pct = target;
      c->last_rise = now;
    }
  else if (target < c->overhead_pct
           && (c->last_rise == 0 || now - c->last_rise >= CONFAB_FEC_HOLD_US)
           && (c->overhead_pct - target >= CONFAB_FEC_STEP || target == 0))
    c->overhead_pct = target;

  key = c->overhead_pct == 0
            ? CONFAB_FEC_KEY_MIN
            : MIN (100, MAX (CONFAB_FEC_KEY_MIN, 2 * c->overhead_pct + CONFAB_FEC_KEY_EXTRA));
  if (before == c->overhead_pct && key == c->key_overhead_pct)
    return FALSE;
  c->key_overhead_pct = key;
  return TRUE;
}

guint
confab_fec_controller_get_overhead (const ConfabFecController *controller)
{
  return controller->overhead_pct;
}

guint
confab_fec_controller_get_key_frame_overhead (const ConfabFecController *controller)
{
  return controller->key_overhead_pct;
}

guint
confab_fec_controller_audio_loss_hint (double loss, guint bitrate_kbps)
{
  guint pct = loss > 0 ? (guint) MIN (round (loss * 100), 100.0) : 0;
  guint floor = bitrate_kbps >= 32                              ? OPUS_HINT_MIN_32K
                : bitrate_kbps >= CONFAB_FEC_OPUS_LBRR_MIN_KBPS ? OPUS_HINT_MIN_24K
                                                                : 0;

  return MAX (pct, floor);
}
