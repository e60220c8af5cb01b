/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-video-ladder.h"

/* Scale (in quarters) and frame-rate share (in sixths) of each rung. */
static const struct
{
  guint quarters, sixths;
} steps[CONFAB_VIDEO_LADDER_RUNGS] = { { 4, 6 }, { 3, 6 }, { 2, 6 }, { 2, 4 }, { 2, 3 } };

/* Even, as I420 wants, and never 0. */
static guint
scaled (guint size, guint quarters)
{
  return MAX (size * quarters / 4 & ~1u, 2);
}

void
confab_video_ladder_init (ConfabVideoLadder *ladder, guint width, guint height, guint framerate,
                          guint max_kbps)
{
  g_return_if_fail (width > 0 && height > 0 && framerate > 0 && max_kbps > 0);

  *ladder = (ConfabVideoLadder){ 0 };
  double needs[CONFAB_VIDEO_LADDER_RUNGS];
  for (guint i = 0; i < CONFAB_VIDEO_LADDER_RUNGS; i++)
    {
      ConfabVideoRung *rung = &ladder->rungs[i];
      rung->width = scaled (width, steps[i].quarters);
      rung->height = scaled (height, steps[i].quarters);
      rung->framerate = MAX (framerate * steps[i].sixths / 6, 1);
      needs[i] = (double) rung->width * rung->height * rung->framerate
                 * CONFAB_VIDEO_LADDER_BITS_PER_PIXEL / 1000;
    }
  double scale = MIN (1.0, 0.8 * max_kbps / needs[0]);
  for (guint i = 0; i < CONFAB_VIDEO_LADDER_RUNGS; i++)
    ladder->rungs[i].need_kbps = (guint) (needs[i] * scale + 0.5);
}

gboolean
confab_video_ladder_update (ConfabVideoLadder *ladder, gint64 now, guint target_kbps)
{
  guint rung = ladder->rung;
  gint64 since_change = ladder->last_change ? now - ladder->last_change : G_MAXINT64;
  gint64 since_down = ladder->last_down ? now - ladder->last_down : G_MAXINT64;

  if (target_kbps < ladder->rungs[rung].need_kbps)
    {
      ladder->above_since = 0;
      if (!ladder->below_since)
        ladder->below_since = now;
      if (now - ladder->below_since < CONFAB_VIDEO_LADDER_DOWN_HOLD_US
          || since_change < CONFAB_VIDEO_LADDER_DOWN_AFTER_US)
        return FALSE;
      /* Straight down to the rung the target affords (the last one if none). */
      while (rung + 1 < CONFAB_VIDEO_LADDER_RUNGS && target_kbps < ladder->rungs[rung].need_kbps)
        rung++;
    }
  else
    {
      ladder->below_since = 0;
      if (rung > 0
          && target_kbps >= ladder->rungs[rung - 1].need_kbps * CONFAB_VIDEO_LADDER_UP_MARGIN)
        {
          if (!ladder->above_since)
            ladder->above_since = now;
          if (now - ladder->above_since >= CONFAB_VIDEO_LADDER_UP_HOLD_US
              && since_down >= CONFAB_VIDEO_LADDER_UP_AFTER_US)
            rung--;
        }
      else
        ladder->above_since = 0;
    }

  if (rung == ladder->rung)
    return FALSE;
  if (rung > ladder->rung)
    ladder->last_down = now;
  ladder->rung = rung;
  ladder->last_change = now;
  ladder->above_since = ladder->below_since = 0;
  return TRUE;
}

const ConfabVideoRung *
confab_video_ladder_get_rung (const ConfabVideoLadder *ladder)
{
  return &ladder->rungs[ladder->rung];
}
