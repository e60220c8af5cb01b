/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-fec-gf2-private.h: Gauss-Jordan elimination over GF(2), the one solver behind the
 * decoder's multi-loss recovery and the mask oracle and burst check. Internal to the FEC
 * core. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Reduces the @n_rows x (@words * 64) bit matrix @rows (row i at rows + i * words) to
 * reduced row echelon form, pivoting on columns lowest first, and returns its rank; the
 * first rank rows are then the nonzero ones. Every row operation is repeated on @aux (row i
 * at aux + i * aux_words; NULL when @aux_words is 0), which is how a caller learns which
 * original rows combine into each reduced one. */
guint confab_fec_gf2_reduce (guint64 *rows, guint n_rows, guint words, guint64 *aux,
                             guint aux_words);

/* The single set column of a row with exactly one, or -1. */
static inline gint
confab_fec_gf2_single_column (const guint64 *row, guint words)
{
  gint col = -1;

  for (guint w = 0; w < words; w++)
    {
      if (row[w] == 0)
        continue;
      if (col >= 0 || (row[w] & (row[w] - 1)) != 0)
        return -1;
      col = (gint) (w * 64 + (guint) __builtin_ctzll (row[w]));
    }
  return col;
}

G_END_DECLS
