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
 * original rows combine into each reduced one. Inline: it is the decoder's hot loop, and
 * each caller's fixed word count unrolls it. */
static inline guint confab_fec_gf2_reduce (guint64 *rows, guint n_rows, guint words, guint64 *aux,
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

static inline void
confab_fec_gf2_swap (guint64 *a, guint64 *b, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      guint64 t = a[i];

      a[i] = b[i];
      b[i] = t;
    }
}

static inline void
confab_fec_gf2_xor (guint64 *dst, const guint64 *src, guint n)
{
  for (guint i = 0; i < n; i++)
    dst[i] ^= src[i];
}

static inline guint
confab_fec_gf2_reduce (guint64 *rows, guint n_rows, guint words, guint64 *aux, guint aux_words)
{
  guint rank = 0;

  /* Only columns some row touches can hold a pivot, and row operations never add others:
   * walk those alone, so a sparse matrix over wide words costs what its columns cost. */
  for (guint w = 0; w < words && rank < n_rows; w++)
    {
      guint64 cols = 0;

      for (guint i = rank; i < n_rows; i++)
        cols |= rows[(gsize) i * words + w];
      while (cols && rank < n_rows)
        {
          guint64 bit = cols & -cols;
          guint64 *pivot = rows + (gsize) rank * words;
          guint p;

          cols &= cols - 1;
          for (p = rank; p < n_rows && !(rows[(gsize) p * words + w] & bit); p++)
            ;
          if (p == n_rows)
            continue;
          if (p != rank)
            {
              confab_fec_gf2_swap (rows + (gsize) p * words, pivot, words);
              if (aux_words)
                confab_fec_gf2_swap (aux + (gsize) p * aux_words, aux + (gsize) rank * aux_words,
                                     aux_words);
            }
          for (guint i = 0; i < n_rows; i++)
            if (i != rank && (rows[(gsize) i * words + w] & bit))
              {
                confab_fec_gf2_xor (rows + (gsize) i * words, pivot, words);
                if (aux_words)
                  confab_fec_gf2_xor (aux + (gsize) i * aux_words, aux + (gsize) rank * aux_words,
                                      aux_words);
              }
          rank++;
        }
    }
  return rank;
}

G_END_DECLS
