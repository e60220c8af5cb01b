/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-fec-mask.h"

#include <string.h>

#include "confab-fec-gf2-private.h"
#include "confab-fec-mask-tables-private.h"

#define N_CANDIDATES 48
/* Loss probability the candidates are scored for: the reference point. */
#define SCORE_LOSS 0.10
/* Erasure patterns scored per candidate. */
#define SCORE_BUDGET 5000

guint64
confab_fec_mask_recoverable (const ConfabFecMask *mask, guint64 lost_media, guint64 lost_rows)
{
  guint64 v[64];
  guint n = 0;
  guint rank;
  guint64 result = 0;

  g_return_val_if_fail (mask != NULL && mask->k <= 64 && mask->m <= 64, 0);

  for (guint r = 0; r < mask->m; r++)
    {
      guint64 row;

      if (lost_rows & (G_GUINT64_CONSTANT (1) << r))
        continue;
      row = mask->rows[r].w[0] & lost_media;
      if (row)
        v[n++] = row;
    }
  /* Reduced row echelon form over the lost columns: a lost packet is recoverable exactly
   * when its unit vector is in the row space, i.e. is one of the reduced rows. */
  rank = confab_fec_gf2_reduce (v, n, 1, NULL, 0);
  for (guint i = 0; i < rank; i++)
    if ((v[i] & (v[i] - 1)) == 0)
      result |= v[i];
  return result;
}

gboolean
confab_fec_mask_recovers_bursts (const ConfabFecMask *mask, guint burst)
{
  guint w;

  g_return_val_if_fail (mask != NULL && mask->k <= 64 && mask->m <= 64, FALSE);
  w = MIN (burst, mask->k);
  if (w > mask->m)
    return FALSE;
  for (guint start = 0; start + w <= mask->k; start++)
    {
      /* Columns start .. start+w-1 as m-bit vectors must be independent. */
      guint64 cols[64];

      for (guint j = 0; j < w; j++)
        {
          cols[j] = 0;
          for (guint r = 0; r < mask->m; r++)
            if (confab_fec_bits_get (&mask->rows[r], start + j))
              cols[j] |= G_GUINT64_CONSTANT (1) << r;
        }
      if (confab_fec_gf2_reduce (cols, w, 1, NULL, 0) != w)
        return FALSE;
    }
  return TRUE;
}

/* xorshift64*: tiny, seedable, and identical on every platform. */
static guint64
prng_next (guint64 *s)
{
  guint64 x = *s;

  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *s = x;
  return x * G_GUINT64_CONSTANT (0x2545F4914F6CDD1D);
}

static void
mask_set_column (ConfabFecMask *mask, guint j, guint64 col)
{
  for (guint r = 0; r < mask->m; r++)
    if (col & (G_GUINT64_CONSTANT (1) << r))
      confab_fec_bits_set (&mask->rows[r], j);
}

static guint64
mask_column (const ConfabFecMask *mask, guint j)
{
  guint64 col = 0;

  for (guint r = 0; r < mask->m; r++)
    if (confab_fec_bits_get (&mask->rows[r], j))
      col |= G_GUINT64_CONSTANT (1) << r;
  return col;
}

/* Expected unrecovered media packets per block from erasure patterns of weight <= max_w,
 * each weighted by q^w with q = p / (1 - p): proportional to the low-loss expansion of the
 * residual loss. Lower is better. */
static double
score_mask (const ConfabFecMask *mask)
{
  guint n = mask->k + mask->m;
  guint max_w = 1;
  guint64 patterns = n;
  guint64 c = n;

  /* As many weights as fit in a budget of patterns, so the first use of a (k, m) costs
   * milliseconds even for 48-packet blocks; weights above m + 1 add nothing to tell
   * candidates apart at low loss. */
  while (max_w < MIN (mask->m + 1, 4u))
    {
      c = c * (n - max_w) / (max_w + 1);
      if (patterns + c > SCORE_BUDGET)
        break;
      patterns += c;
      max_w++;
    }
  double q = SCORE_LOSS / (1.0 - SCORE_LOSS);
  double score = 0;
  guint idx[4];

  for (guint w = 1; w <= max_w && w <= n; w++)
    {
      guint64 failures = 0;
      double qw = 1;

      for (guint i = 0; i < w; i++)
        {
          idx[i] = i;
          qw *= q;
        }
      for (;;)
        {
          guint64 lost_media = 0, lost_rows = 0, rec;

          for (guint i = 0; i < w; i++)
            {
              if (idx[i] < mask->k)
                lost_media |= G_GUINT64_CONSTANT (1) << idx[i];
              else
                lost_rows |= G_GUINT64_CONSTANT (1) << (idx[i] - mask->k);
            }
          if (lost_media)
            {
              rec = confab_fec_mask_recoverable (mask, lost_media, lost_rows);
              failures += (guint) __builtin_popcountll (lost_media & ~rec);
            }
          /* next combination */
          {
            gint i = (gint) w - 1;

            while (i >= 0 && idx[i] == n - w + (guint) i)
              i--;
            if (i < 0)
              break;
            idx[i]++;
            for (guint j = (guint) i + 1; j < w; j++)
              idx[j] = idx[j - 1] + 1;
          }
        }
      score += (double) failures * qw;
    }
  return score;
}

static gboolean
random_candidate (ConfabFecMask *mask, guint64 *seed)
{
  guint64 full = mask->m == 64 ? G_MAXUINT64 : (G_GUINT64_CONSTANT (1) << mask->m) - 1;
  gboolean distinct = mask->m < 64 && (guint64) mask->k <= full;

  memset (mask->rows, 0, sizeof mask->rows);
  for (guint j = 0; j < mask->k; j++)
    {
      guint64 col = 0;
      guint tries;

      for (tries = 0; tries < 1000; tries++)
        {
          gboolean dup = FALSE;

          col = prng_next (seed) & full;
          if (col == 0)
            continue;
          if (distinct)
            for (guint i = 0; i < j && !dup; i++)
              dup = mask_column (mask, i) == col;
          if (!dup)
            break;
        }
      if (col == 0)
        return FALSE;
      mask_set_column (mask, j, col);
    }
  for (guint r = 0; r < mask->m; r++)
    if (confab_fec_bits_is_empty (&mask->rows[r]))
      return FALSE;
  return TRUE;
}

static void
interleaved (ConfabFecMask *mask)
{
  memset (mask->rows, 0, sizeof mask->rows);
  for (guint j = 0; j < mask->k; j++)
    confab_fec_bits_set (&mask->rows[j % mask->m], j);
  /* With more repair rows than packets, the spare rows get a fixed pseudo-random nonempty
   * subset rather than nothing: an empty row could not even be written on the wire. */
  for (guint r = mask->k; r < mask->m; r++)
    {
      guint64 seed = G_GUINT64_CONSTANT (0xD1B54A32D192ED03) ^ ((guint64) r << 8) ^ mask->k;

      confab_fec_bits_set (&mask->rows[r], r % mask->k);
      for (guint j = 0; j < mask->k; j++)
        if (prng_next (&seed) & 1)
          confab_fec_bits_set (&mask->rows[r], j);
    }
}

/* Extra coverage on top of the interleaved code, each bit with probability 1/(density+1).
 * Dense candidates rarely keep the burst property, so sparse ones are tried too. */
static gboolean
bursty_candidate (ConfabFecMask *mask, guint64 *seed, guint64 density)
{
  interleaved (mask);
  for (guint r = 0; r < mask->m; r++)
    for (guint j = 0; j < mask->k; j++)
      if ((prng_next (seed) & density) == 0)
        confab_fec_bits_set (&mask->rows[r], j);
  return confab_fec_mask_recovers_bursts (mask, mask->m);
}

static void
generate (ConfabFecMaskFamily family, guint k, guint m, ConfabFecMask *out)
{
  ConfabFecMask cand;
  double best_score = G_MAXDOUBLE;
  gboolean have = FALSE;

  memset (out, 0, sizeof *out);
  out->k = k;
  out->m = m;
  if (m == 1)
    {
      /* A single parity over the block is optimal for both families. */
      for (guint j = 0; j < k; j++)
        confab_fec_bits_set (&out->rows[0], j);
      return;
    }
  if (family == CONFAB_FEC_MASK_BURSTY)
    {
      interleaved (out);
      best_score = score_mask (out);
      have = TRUE;
    }
  cand.k = k;
  cand.m = m;
  for (guint c = 0; c < (family == CONFAB_FEC_MASK_BURSTY ? 2 : 1) * N_CANDIDATES; c++)
    {
      guint64 seed = G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) ^ ((guint64) family << 48)
                     ^ ((guint64) k << 32) ^ ((guint64) m << 16) ^ (c + 1);
      gboolean ok;
      double s;

      prng_next (&seed);
      ok = family == CONFAB_FEC_MASK_BURSTY
               ? bursty_candidate (&cand, &seed, c < N_CANDIDATES ? 3 : 7)
               : random_candidate (&cand, &seed);
      if (!ok)
        continue;
      s = score_mask (&cand);
      if (!have || s < best_score)
        {
          *out = cand;
          best_score = s;
          have = TRUE;
        }
    }
  if (!have)
    interleaved (out);
}

/* The searched (k, m) mask, when the table has one. */
static gboolean
from_table (guint k, guint m, ConfabFecMask *out)
{
  if (k < CONFAB_FEC_MASK_TABLE_MIN_K || k > CONFAB_FEC_MASK_TABLE_MAX_K || m < 2
      || m > CONFAB_FEC_MASK_TABLE_MAX_M || confab_fec_mask_table[m][0] == 0)
    return FALSE;
  memset (out, 0, sizeof *out);
  out->k = k;
  out->m = m;
  for (guint j = 0; j < k; j++)
    mask_set_column (out, j, confab_fec_mask_table[m][j]);
  return TRUE;
}

static GMutex cache_lock;
static ConfabFecMask *cache[2][CONFAB_FEC_MAX_BLOCK + 1][CONFAB_FEC_MAX_ROWS + 1];

gboolean
confab_fec_mask_generate (ConfabFecMaskFamily family, guint k, guint m, ConfabFecMask *out)
{
  guint f;
  ConfabFecMask *entry;

  g_return_val_if_fail (out != NULL, FALSE);
  if (family != CONFAB_FEC_MASK_RANDOM && family != CONFAB_FEC_MASK_BURSTY
      && family != CONFAB_FEC_MASK_SEARCHED)
    return FALSE;
  if (k < 1 || k > CONFAB_FEC_MAX_BLOCK || m < 1 || m > CONFAB_FEC_MAX_ROWS)
    return FALSE;
  if (family == CONFAB_FEC_MASK_SEARCHED)
    {
      if (from_table (k, m, out))
        return TRUE;
      /* Small blocks and high overheads: the random family's own search is as good. */
      family = CONFAB_FEC_MASK_RANDOM;
    }
  f = family == CONFAB_FEC_MASK_BURSTY ? 1 : 0;

  g_mutex_lock (&cache_lock);
  entry = cache[f][k][m];
  g_mutex_unlock (&cache_lock);
  if (entry == NULL)
    {
      /* Generated outside the lock; two threads racing just compute the same thing. */
      ConfabFecMask *fresh = g_new (ConfabFecMask, 1);

      generate (family, k, m, fresh);
      g_mutex_lock (&cache_lock);
      if (cache[f][k][m] == NULL)
        cache[f][k][m] = fresh;
      else
        g_free (fresh);
      entry = cache[f][k][m];
      g_mutex_unlock (&cache_lock);
    }
  *out = *entry;
  return TRUE;
}

gboolean
confab_fec_mask_fixed (ConfabFecMaskFamily family, guint k, guint l, ConfabFecMask *out)
{
  guint n_rows, n_cols, m;

  g_return_val_if_fail (out != NULL, FALSE);
  if (k < 1 || k > CONFAB_FEC_MAX_SPAN || l < 1 || l > 255)
    return FALSE;
  l = MIN (l, k);
  n_rows = (k + l - 1) / l;
  n_cols = l;
  switch (family)
    {
    case CONFAB_FEC_MASK_ROWS:
      m = n_rows;
      break;
    case CONFAB_FEC_MASK_COLUMNS:
      m = n_cols;
      break;
    case CONFAB_FEC_MASK_2D:
      m = n_rows + n_cols;
      break;
    case CONFAB_FEC_MASK_RANDOM:
    case CONFAB_FEC_MASK_BURSTY:
    case CONFAB_FEC_MASK_SEARCHED:
    case CONFAB_FEC_MASK_SLIDING:
    default:
      return FALSE;
    }
  if (m > CONFAB_FEC_MAX_ROWS)
    return FALSE;
  memset (out, 0, sizeof *out);
  out->k = k;
  out->m = m;
  m = 0;
  if (family != CONFAB_FEC_MASK_COLUMNS)
    {
      for (guint r = 0; r < n_rows; r++, m++)
        for (guint j = r * l; j < MIN (k, (r + 1) * l); j++)
          confab_fec_bits_set (&out->rows[m], j);
    }
  if (family != CONFAB_FEC_MASK_ROWS)
    {
      for (guint c = 0; c < n_cols; c++, m++)
        for (guint j = c; j < k; j += l)
          confab_fec_bits_set (&out->rows[m], j);
    }
  return TRUE;
}
