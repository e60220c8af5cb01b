/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-loss.h: seeded packet-loss models for confab-fec-bench.
 *
 * Every scheme must see the same losses, yet schemes send different numbers of repair
 * packets. So losses are drawn per media packet from one seeded process (identical for all
 * schemes), and the repair packets sent right after media packet i get their losses from a
 * side branch of that process: it starts in the channel state media packet i saw and uses
 * its own generator seeded by (seed, i). Repair packets thus share the burst they are sent
 * in, and a scheme's repair packets never change the losses of the media packets. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  BENCH_LOSS_BERNOULLI = 0, /* independent loss */
  BENCH_LOSS_GILBERT,       /* Gilbert-Elliott: lossless good state, lossy bad state */
  BENCH_LOSS_TRACE,         /* a recorded 0/1 sequence, replayed */
} BenchLossKind;

typedef struct
{
  BenchLossKind kind;
  double loss;   /* mean loss, 0-1 (for a trace: measured from it) */
  double burst;  /* Gilbert: mean number of consecutive losses, >= 1 */
  GBytes *trace; /* TRACE: one byte per packet, 0 or 1 */
  char *trace_name;
} BenchLossModel;

void bench_loss_model_init_bernoulli (BenchLossModel *model, double loss);
gboolean bench_loss_model_init_gilbert (BenchLossModel *model, double loss, double burst,
                                        GError **error);
/* Reads a file of '0' and '1' characters (1 = lost); whitespace and #-comments ignored. */
gboolean bench_loss_model_init_trace (BenchLossModel *model, const char *path, GError **error);
void bench_loss_model_clear (BenchLossModel *model);
void bench_loss_model_copy (BenchLossModel *dst, const BenchLossModel *src);
/* Short label for tables, e.g. "bernoulli 10%" or "gilbert 5%/3". */
char *bench_loss_model_label (const BenchLossModel *model);

/* Losses of n media packets for one seed. */
typedef struct
{
  BenchLossModel model;
  guint64 seed;
  guint n;
  guint8 *lost;  /* per media packet */
  guint8 *state; /* channel state each media packet saw (Gilbert: 1 = bad) */
  gsize trace_offset;
} BenchLossRun;

BenchLossRun *bench_loss_run_new (const BenchLossModel *model, guint64 seed, guint n);
void bench_loss_run_free (BenchLossRun *run);
/* Losses of the @count repair packets sent right after media packet @after. */
void bench_loss_run_repairs (const BenchLossRun *run, guint after, guint count, guint8 *out);

/* Mean loss and mean length of runs of consecutive losses of a 0/1 sequence. */
void bench_loss_measure (const guint8 *lost, gsize n, double *mean_loss, double *mean_burst);

/* splitmix64: tiny, seedable, the same on every platform (GRand's algorithm is not
 * promised to stay). */
guint64 bench_rng_next (guint64 *state);
double bench_rng_double (guint64 *state); /* [0, 1) */
guint64 bench_mix_seed (guint64 a, guint64 b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchLossRun, bench_loss_run_free)

G_END_DECLS
