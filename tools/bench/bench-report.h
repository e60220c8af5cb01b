/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-report.h: the benchmark's run state and results, and the writers that turn them
 * into the report on stdout and the CSV and JSON files (bench-report.c). Internal to
 * confab-fec-bench. */
#pragma once

#include <glib.h>

#include "bench-loss.h"
#include "bench-opus.h"
#include "bench-schemes.h"

G_BEGIN_DECLS

/* The overhead of the detailed tables, the speed table and the plot. */
#define PLOT_OVERHEAD 25

typedef struct
{
  char *stream;
  char *loss_label;
  BenchLossModel model;
  guint overhead;
  guint budget_ms; /* the encoder's delay budget (0: one frame) */
  BenchScheme scheme;
  char *params;
  gboolean available;
  char *why_not;
  guint64 enc_media, enc_repair, enc_media_bytes, enc_repair_bytes;
  double encode_ns;
  double delay_ms;
  double max_delay_ms;
  double memcpy_ns;
  guint stream_packets;
  guint64 stream_bytes;
  BenchTally t;
  BenchTally ideal; /* the ideal code on this scheme's blocks (Confab schemes) */
  gboolean has_ideal;
} Result;

typedef struct
{
  /* options */
  gint64 seed;
  gboolean quick;
  gboolean quiet;
  gboolean no_opus;
  gboolean no_gst;
  double seconds;
  gint repeats;
  char *overheads_str;
  char *budgets_str;
  double loss_pct;
  double ge_loss_pct;
  double ge_burst;
  char *trace_path;
  gint min_block;
  char *csv_path;
  char *json_path;
  char *plot_path; /* NULL until the options are read: then the default name */
  gboolean no_plot;

  /* state */
  GPtrArray *streams;   /* BenchStream */
  GArray *overheads;    /* guint */
  GArray *budgets;      /* guint, ms, 0 (one frame) first */
  GArray *table_models; /* BenchLossModel */
  GArray *plot_models;  /* BenchLossModel, Bernoulli at PLOT_OVERHEAD on the first stream */
  GPtrArray *results;   /* Result */
  GArray *opus;         /* BenchOpusRow */
  guint units_done, units_total;
  gint64 started;
  gboolean tty;
  double memcpy_dram_gbps;
  char *command_line;
} Bench;

/* The result without a delay budget (one frame), or with @budget_ms. */
const Result *bench_find_result (Bench *b, const char *stream, const char *loss_label,
                                 guint overhead, BenchScheme scheme);
const Result *bench_find_result_at (Bench *b, const char *stream, const char *loss_label,
                                    guint overhead, BenchScheme scheme, guint budget_ms);
/* Residual media loss of @t, percent. */
double bench_residual_pct (const BenchTally *t);

/* The tables, speeds, Opus rows and targets on stdout. */
void bench_print_report (Bench *b);
gboolean bench_write_csv (Bench *b, const char *path, GError **error);
gboolean bench_write_json (Bench *b, const char *path, GError **error);

G_END_DECLS
