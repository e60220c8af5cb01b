/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-fec-mask.h: which media packets of a block each repair packet protects.
 *
 * A mask is an m x k binary matrix: row r, bit j set = repair packet r covers media packet j
 * of the block. Masks are generated, not copied from tables:
 *
 *  - RANDOM: for independent loss. Among a fixed, seeded set of candidate matrices (distinct
 *    nonzero columns, no empty row), the one that leaves the fewest low-weight erasure
 *    patterns (over media and repair packets) unrecoverable by a maximum-likelihood
 *    (Gaussian elimination) decoder, weighted for 10% loss.
 *  - BURSTY: the interleaved code (row r covers j = r mod m) plus extra coverage chosen the
 *    same way, keeping the property that every window of min(k, m) consecutive columns is
 *    linearly independent: a burst of up to m consecutive media losses is always recoverable
 *    when the repair packets arrive.
 *  - SEARCHED: for blocks of 13-48 media packets and 2-26 repair rows, masks
 *    searched offline column by column against the maximum-likelihood residual under
 *    independent 10% and Gilbert-Elliott 5%/3 loss (tools/fec-mask-search, which writes
 *    confab-fec-mask-tables.c); other (k, m) fall back to RANDOM.
 *  - ROWS / COLUMNS / 2D: FlexFEC's fixed L x D codes (see confab_fec_mask_fixed()).
 *  - SLIDING: overlapping windows, which the encoder builds itself (confab-fec-encoder.h).
 *
 * Generation is deterministic; results are cached per (family, k, m), so the first use of a
 * (k, m) costs a few milliseconds and later ones nothing.
 */
#pragma once

#include <glib.h>

#include "confab-fec-common.h"

G_BEGIN_DECLS

typedef struct
{
  guint k;
  guint m;
  ConfabFecBits rows[CONFAB_FEC_MAX_ROWS];
} ConfabFecMask;

/* RANDOM, BURSTY or SEARCHED mask for 1 <= k <= CONFAB_FEC_MAX_BLOCK, 1 <= m <=
 * CONFAB_FEC_MAX_ROWS. Thread-safe. */
gboolean confab_fec_mask_generate (ConfabFecMaskFamily family, guint k, guint m,
                                   ConfabFecMask *out);

/* Fixed codes over k packets laid out in rows of @l (the last row may be short):
 * ROWS: one repair per row; COLUMNS: one per column; 2D: rows, then columns. m follows from
 * k and l; FALSE if it would exceed CONFAB_FEC_MAX_ROWS or k exceeds CONFAB_FEC_MAX_SPAN. */
gboolean confab_fec_mask_fixed (ConfabFecMaskFamily family, guint k, guint l, ConfabFecMask *out);

/* Maximum-likelihood oracle: which of the @lost_media (bit j = media j lost) a decoder can
 * rebuild from the repair rows not in @lost_rows (bit r = repair r lost). k, m <= 64. */
guint64 confab_fec_mask_recoverable (const ConfabFecMask *mask, guint64 lost_media,
                                     guint64 lost_rows);

/* TRUE if every burst of up to @burst consecutive media losses is recoverable with all repair
 * packets received. */
gboolean confab_fec_mask_recovers_bursts (const ConfabFecMask *mask, guint burst);

G_END_DECLS
