/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The path simulator's arithmetic (confab-netsim.h is the packet layer that
 * applies it): the --netsim SPEC parser and the per-direction model that
 * decides, for each packet, whether it is lost and when it leaves. Plain
 * data and integers, no clock and no thread: the tests drive it with
 * made-up times (tests/transport/test-netsim-spec.c).
 *
 * SPEC is a comma-separated list of KEY=VALUE, each at most once:
 *   loss=P%        random loss, P percent (0..100, decimals allowed)
 *   loss=ge:P:B    Gilbert-Elliott bursts: P percent lost on average, in
 *                  bursts of B packets on average (B >= 1)
 *   delay=T        one-way delay (T: a number with us, ms or s; bare = ms)
 *   jitter=T       delay varies uniformly within delay ± T (never below 0;
 *                  packets keep their order, as on most real paths)
 *   rate=R         a bottleneck of R (bit, kbit, mbit or gbit per second):
 *                  packets wait their turn behind it
 *   queue=T        the bottleneck's queue; a packet that would wait longer
 *                  is dropped (drop-tail). Default 100 ms
 *   seed=N         the random generator's seed (default 1): a given seed
 *                  and packet sequence always lose the same packets
 * "" and "none" impair nothing. Example: loss=ge:5:3,delay=75ms,rate=600kbit
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CONFAB_NETSIM_LOSS_NONE,
  CONFAB_NETSIM_LOSS_RANDOM,
  CONFAB_NETSIM_LOSS_GILBERT_ELLIOTT,
} ConfabNetsimLossKind;

#define CONFAB_NETSIM_DEFAULT_QUEUE_US (100 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  ConfabNetsimLossKind loss_kind;
  double loss;      /* 0..1, the average fraction lost */
  double burst;     /* Gilbert-Elliott: mean burst length in packets, >= 1 */
  gint64 delay_us;  /* one-way */
  gint64 jitter_us; /* ± around delay_us */
  guint64 rate_bps; /* 0 = no bottleneck */
  gint64 queue_us;  /* the bottleneck's queue limit */
  guint64 seed;
} ConfabNetsimSpec;

/* No impairment, the default queue, seed 1. */
void confab_netsim_spec_init (ConfabNetsimSpec *spec);

/* Parses @text into @spec; on failure @spec is untouched and @error (in
 * G_IO_ERROR_INVALID_ARGUMENT) names the part that is wrong. */
gboolean confab_netsim_spec_parse (const char *text, ConfabNetsimSpec *spec, GError **error);

/* TRUE when @spec impairs anything (a call adds the layer only then). */
gboolean confab_netsim_spec_impairs (const ConfabNetsimSpec *spec);

/* TRUE when packets must wait (delay, jitter or a rate cap), i.e. the
 * layer needs its timer queue. */
gboolean confab_netsim_spec_needs_timer (const ConfabNetsimSpec *spec);

/* The spec written back in SPEC form (canonical units). */
char *confab_netsim_spec_to_string (const ConfabNetsimSpec *spec) G_GNUC_WARN_UNUSED_RESULT;

typedef enum
{
  CONFAB_NETSIM_PASS,
  CONFAB_NETSIM_LOST,    /* by the loss model */
  CONFAB_NETSIM_OVERRUN, /* the bottleneck's queue was full */
} ConfabNetsimVerdict;

/* One direction of the path: the spec and what it remembers between
 * packets (the random state, the Gilbert-Elliott state, when the
 * bottleneck is free, the last departure). */
typedef struct
{
  ConfabNetsimSpec spec;
  guint64 random;
  gboolean bad;          /* Gilbert-Elliott: in a burst */
  gint64 link_free;      /* when the bottleneck has sent what it holds */
  gint64 last_departure; /* order is kept */
} ConfabNetsimModel;

/* @stream tells the directions apart (0 and 1): each gets its own random
 * sequence from the one seed. */
void confab_netsim_model_init (ConfabNetsimModel *model, const ConfabNetsimSpec *spec,
                               guint stream);
/* A new spec (a test lifting a rate cap): the random and burst state carry
 * on, the queue drains at the new rate from now on. */
void confab_netsim_model_set_spec (ConfabNetsimModel *model, const ConfabNetsimSpec *spec);

/* A packet of @size bytes offered at @now (monotonic microseconds): lost,
 * dropped by the full queue, or passing, with *@departure the time it
 * leaves the far end of the path (>= @now). */
ConfabNetsimVerdict confab_netsim_model_packet (ConfabNetsimModel *model, gint64 now, gsize size,
                                                gint64 *departure);

G_END_DECLS
