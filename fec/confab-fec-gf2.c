/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-fec-gf2-private.h"

static void
swap_words (guint64 *a, guint64 *b, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      guint64 t = a[i];

      a[i] = b[i];
      b[i] = t;
    }
}

static void
xor_words (guint64 *dst, const guint64 *src, guint n)
{
  for (guint i = 0; i < n; i++)
    dst[i] ^= src[i];
}

guint
confab_fec_gf2_reduce (guint64 *rows, guint n_rows, guint words, guint64 *aux, guint aux_words)
{
  guint rank = 0;

  g_return_val_if_fail (rows != NULL || n_rows == 0, 0);
  g_return_val_if_fail (aux != NULL || aux_words == 0, 0);

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
              swap_words (rows + (gsize) p * words, pivot, words);
              if (aux_words)
                swap_words (aux + (gsize) p * aux_words, aux + (gsize) rank * aux_words,
                            aux_words);
            }
          for (guint i = 0; i < n_rows; i++)
            if (i != rank && (rows[(gsize) i * words + w] & bit))
              {
                xor_words (rows + (gsize) i * words, pivot, words);
                if (aux_words)
                  xor_words (aux + (gsize) i * aux_words, aux + (gsize) rank * aux_words,
                             aux_words);
              }
          rank++;
        }
    }
  return rank;
}
