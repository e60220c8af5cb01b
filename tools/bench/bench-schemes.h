/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-schemes.h: the FEC schemes confab-fec-bench compares, each run on the same media
 * packets and the same losses:
 *
 *  - none;
 *  - Confab's ULPFEC (RFC 5109, random masks) and FlexFEC (RFC 8627) with flexible random,
 *    searched and bursty masks and the fixed rows, columns and 2-D codes (fec/), the
 *    flexible ones also with blocks spanning frames within a delay budget;
 *  - GStreamer's rtpulpfecenc/rtpulpfecdec, driven in this process as rtpbin would
 *    (see bench-schemes.c for exactly how);
 *  - the ideal code: a maximum-distance-separable code over the same blocks as Confab's
 *    FlexFEC random masks (k media, m repair packets), which recovers every lost media
 *    packet of a block when at most m of its k + m packets are lost, and none otherwise.
 */
#pragma once

#include <glib.h>

#include "bench-loss.h"
#include "bench-traffic.h"

G_BEGIN_DECLS

typedef enum
{
  BENCH_SCHEME_NONE = 0,
  BENCH_SCHEME_ULPFEC,
  BENCH_SCHEME_FLEX_RANDOM,
  BENCH_SCHEME_FLEX_RANDOM_K16, /* random masks over blocks of at least 16 packets */
  BENCH_SCHEME_FLEX_SEARCHED,   /* the searched masks (fec/confab-fec-mask-tables.c) */
  BENCH_SCHEME_FLEX_SLIDING,    /* overlapping windows within the delay budget (budgets only) */
  BENCH_SCHEME_FLEX_BURSTY,
  BENCH_SCHEME_FLEX_ROWS,
  BENCH_SCHEME_FLEX_COLUMNS,
  BENCH_SCHEME_FLEX_2D,
  BENCH_SCHEME_RS, /* Confab's Reed-Solomon code (x-confab-rs, MDS), same blocks: bench-rs.c */
  BENCH_SCHEME_GST_ULPFEC,
  BENCH_SCHEME_IDEAL,
  BENCH_N_SCHEMES
} BenchScheme;

const char *bench_scheme_name (BenchScheme scheme);
gboolean bench_scheme_is_confab (BenchScheme scheme);
/* Whether the scheme has blocks an ideal code can be compared on (not overlapping windows). */
gboolean bench_scheme_has_blocks (BenchScheme scheme);

typedef struct
{
  guint overhead;        /* percent of media packets, 1-100 */
  guint min_block;       /* Confab random/bursty: fewest media packets per block (0: frame) */
  guint latency_ms;      /* GStreamer: the jitter buffer latency being emulated */
  guint delay_budget_ms; /* Confab random/searched/bursty: blocks span frames within it */
  guint timing_repeats;
} BenchSchemeOptions;

void bench_scheme_options_init (BenchSchemeOptions *options);

/* One packet on the wire, in sending order. */
typedef struct
{
  GBytes *data;
  gint media;  /* media packet index, or -1 for a repair packet */
  guint after; /* repair: index of the media packet it is sent right after */
  guint rank;  /* repair: 0, 1, ... among the repair packets sent after that media packet */
  gint block;  /* repair: block it belongs to (Confab), or -1 */
  guint64 pts_ns;
} BenchWire;

typedef struct
{
  BenchScheme scheme;
  guint overhead; /* asked for */
  char *params;   /* the code's parameters, for the report */
  gboolean available;
  char *unavailable_reason;
  GArray *wire;      /* BenchWire */
  gint *media_block; /* per media packet: block id, or -1 unprotected */
  guint n_blocks;
  guint *block_m; /* repair packets per block */
  guint64 media_packets, repair_packets, media_bytes, repair_bytes;
  double encode_ns;     /* fastest encode of the whole stream, media packets in, repair out */
  double mean_delay_ms; /* from sending a media packet to sending the repair packets of its
                         * block: how long a loss waits for its recovery */
  double max_delay_ms;  /* the longest such wait */
} BenchEncoded;

/* Whether options->delay_budget_ms changes how @scheme encodes. */
gboolean bench_scheme_has_budget (BenchScheme scheme);

/* Encodes @stream. For BENCH_SCHEME_IDEAL use BENCH_SCHEME_FLEX_RANDOM's result. A scheme
 * that cannot reach the overhead (e.g. 2-D at 10%) comes back with available = FALSE. */
BenchEncoded *bench_encode (const BenchStream *stream, BenchScheme scheme,
                            const BenchSchemeOptions *options, GError **error);
void bench_encoded_free (BenchEncoded *encoded);

typedef struct
{
  guint64 runs;
  guint64 media, lost, recovered, unrecovered;
  guint64 reported_recovered; /* what the decoder itself counted */
  guint64 corrupt;            /* "recovered" packets that differ from what was sent */
  guint64 spurious;           /* packets handed back that had not been lost */
  guint64 repair_sent, repair_lost;
  guint64 frames, frames_complete, frames_frozen;
  double decode_ns; /* summed over runs */
  guint64 decode_wire_packets;
  guint64 decode_media_bytes;       /* media bytes delivered (received + recovered) */
  double best_decode_ns_per_packet; /* fastest run (the machine may be shared); 0: none yet */
  double best_decode_gbps;
} BenchTally;

/* Sends @encoded through the losses of @run and decodes. For Confab schemes, when @ideal is
 * not NULL it also gets the ideal code's figures on the same blocks and losses. */
gboolean bench_decode (const BenchStream *stream, const BenchEncoded *encoded,
                       const BenchLossRun *run, const BenchSchemeOptions *options,
                       BenchTally *tally, BenchTally *ideal, GError **error);

/* P(Binomial(n, p) >= t). */
double bench_binomial_tail (guint n, guint t, double p);
/* Expected lost-and-not-recovered media packets of one (k, m) block under independent loss
 * @p with an ideal code: k * p * P(Binomial(k + m - 1, p) >= m). */
double bench_ideal_block_residual (guint k, guint m, double p);
/* The ideal code on one block: media packets left lost. */
guint bench_ideal_block_unrecovered (guint lost_media, guint lost_repair, guint m);

/* memcpy of every media packet into a small ring, fastest of @repeats: ns for the stream. */
double bench_memcpy_ns (const BenchStream *stream, guint repeats);
/* memcpy throughput in GB/s over a 64 MiB buffer in 1200-byte pieces: out of the caches, as
 * fec/confab-fec-throughput measures it. */
double bench_memcpy_dram_gbps (void);

G_END_DECLS
