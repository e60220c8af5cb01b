/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-fec-frame-clock-private.h: the frame timing both encoders use to keep a block
 * within a delay budget. A frame is the packets sharing an RTP timestamp up to the marker
 * bit; a block that starts at block_first_ts may take another frame while that frame,
 * expected one interval after the last, still falls within the budget. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint32 budget_ticks;   /* the delay budget in RTP ticks; 0: no budget */
  guint32 last_ts;        /* timestamp of the last packet added */
  gboolean frame_open;    /* the last packet did not end its frame */
  gboolean seen_frame;    /* last_ts holds a frame's timestamp */
  guint32 frame_interval; /* RTP ticks between the last two frames (0: not known yet) */
  guint32 prev_interval;  /* and the two before */
  guint frame_packets;    /* packets of the current (or just ended) frame */
  guint32 block_first_ts; /* timestamp of the block's first packet */
} ConfabFecFrameClock;

/* @clock_rate 0 means 90 kHz (video). */
void confab_fec_frame_clock_init (ConfabFecFrameClock *clock, guint delay_budget_ms,
                                  guint clock_rate);

/* RTP ticks from @earlier to @later; 0 when @later is not later (reordered timestamps). */
guint32 confab_fec_ticks_since (guint32 later, guint32 earlier);

/* A packet of timestamp @ts is about to join the block. Returns TRUE when it starts a new
 * frame (the intervals are updated then; the caller may end the block before it). */
gboolean confab_fec_frame_clock_note_packet (ConfabFecFrameClock *clock, guint32 ts);

/* The new frame (after note_packet returned TRUE) is counted from here on. */
void confab_fec_frame_clock_start_frame (ConfabFecFrameClock *clock);

/* The packet joined; @marker ends its frame. */
void confab_fec_frame_clock_added (ConfabFecFrameClock *clock, guint32 ts, gboolean marker);

/* Whether a block started at block_first_ts would exceed the budget by holding a packet of
 * timestamp @ts: the block should end before it. */
gboolean confab_fec_frame_clock_exceeds (const ConfabFecFrameClock *clock, guint32 ts);

/* At a frame's end: whether the next frame, expected one interval later (the shorter of the
 * last two, so that one pause does not end the following blocks early), would exceed it. */
gboolean confab_fec_frame_clock_next_frame_exceeds (const ConfabFecFrameClock *clock);

G_END_DECLS
