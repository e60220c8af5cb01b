/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-fec-frame-clock-private.h"

#include <string.h>

void
confab_fec_frame_clock_init (ConfabFecFrameClock *clock, guint delay_budget_ms, guint clock_rate)
{
  memset (clock, 0, sizeof *clock);
  /* Plus a millisecond: frame timestamps jitter by a tick or two around the frame rate, and a
   * 100 ms budget should hold the four frames 0, 33, 67 and 100 ms of 30 fps video. */
  clock->budget_ticks = (guint32) ((guint64) (delay_budget_ms + (delay_budget_ms ? 1 : 0))
                                   * (clock_rate ? clock_rate : 90000) / 1000);
}

guint32
confab_fec_ticks_since (guint32 later, guint32 earlier)
{
  gint32 d = (gint32) (later - earlier);

  return d > 0 ? (guint32) d : 0;
}

gboolean
confab_fec_frame_clock_note_packet (ConfabFecFrameClock *clock, guint32 ts)
{
  if (clock->frame_open && clock->seen_frame && ts == clock->last_ts)
    {
      clock->frame_packets++;
      return FALSE;
    }
  if (clock->seen_frame && ts != clock->last_ts)
    {
      guint32 interval = confab_fec_ticks_since (ts, clock->last_ts);

      if (interval > 0)
        {
          clock->prev_interval = clock->frame_interval;
          clock->frame_interval = interval;
        }
    }
  return TRUE;
}

void
confab_fec_frame_clock_start_frame (ConfabFecFrameClock *clock)
{
  clock->frame_open = TRUE;
  clock->seen_frame = TRUE;
  clock->frame_packets = 1;
}

void
confab_fec_frame_clock_added (ConfabFecFrameClock *clock, guint32 ts, gboolean marker)
{
  clock->last_ts = ts;
  clock->frame_open = !marker;
}

gboolean
confab_fec_frame_clock_exceeds (const ConfabFecFrameClock *clock, guint32 ts)
{
  return confab_fec_ticks_since (ts, clock->block_first_ts) > clock->budget_ticks;
}

gboolean
confab_fec_frame_clock_next_frame_exceeds (const ConfabFecFrameClock *clock)
{
  guint32 interval = clock->prev_interval ? MIN (clock->frame_interval, clock->prev_interval)
                                          : clock->frame_interval;

  return confab_fec_frame_clock_exceeds (clock, clock->last_ts + interval);
}
