/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-schemes-private.h: what bench-schemes.c (Confab's schemes, the ideal code) and
 * bench-gst-ulpfec.c (GStreamer's ULPFEC) share. */
#pragma once

#include "bench-schemes.h"

G_BEGIN_DECLS

/* Appends media packet @i (takes @data) or a repair packet sent after media packet @after
 * (the @rank-th there; of Confab block @block or -1) to @e's wire. */
void bench_wire_add_media (BenchEncoded *e, const BenchStream *s, guint i, GBytes *data);
void bench_wire_add_repair (BenchEncoded *e, const BenchStream *s, guint after, guint rank,
                            gint block, GBytes *data);

/* Adds one decode run's time to @t, keeping the fastest. */
void bench_tally_decode_time (BenchTally *t, double ns, guint64 packets, guint64 bytes);

/* rtpulpfecenc over @s into @e (freed on error, then NULL). */
BenchEncoded *bench_gst_ulpfec_encode (const BenchStream *s, BenchEncoded *e,
                                       const BenchSchemeOptions *o, GError **error);
/* rtpstorage and rtpulpfecdec over the received part of @e's wire: marks what comes back
 * intact in @present. */
gboolean bench_gst_ulpfec_decode (const BenchStream *s, const BenchEncoded *e, const guint8 *wlost,
                                  guint8 *present, const BenchSchemeOptions *o, BenchTally *t,
                                  GError **error);

/* Confab's Reed-Solomon code (bench-rs.c): as the two above. */
BenchEncoded *bench_rs_encode (const BenchStream *s, BenchEncoded *e, const BenchSchemeOptions *o,
                               GError **error);
gboolean bench_rs_decode (const BenchStream *s, const BenchEncoded *e, const guint8 *wlost,
                          guint8 *present, BenchTally *t, GError **error);

G_END_DECLS
