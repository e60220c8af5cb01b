/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GF(2^8) for the Reed-Solomon code. A product c * x splits x into nibbles: c * x =
 * c * (x & 15) ^ c * (x & 0xf0), two lookups in 16-entry tables, which is exactly what one
 * byte shuffle (pshufb) does for 16, 32 or 64 bytes at once. */
#include "confab-fec-rs-gf-private.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CONFAB_RS_X86 1
#endif

#define GF_POLY 0x11d

static guint8 gf_exp[512];
static guint8 gf_log[256];
/* gf_nib[c][0][x] = c * x, gf_nib[c][1][x] = c * (x << 4), x < 16. */
static guint8 gf_nib[256][2][16] __attribute__ ((aligned (16)));

static inline guint8
gf_mul_raw (guint8 a, guint8 b)
{
  return a == 0 || b == 0 ? 0 : gf_exp[gf_log[a] + gf_log[b]];
}

static void
gf_ensure (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      guint x = 1;

      for (guint i = 0; i < 255; i++)
        {
          gf_exp[i] = (guint8) x;
          gf_log[x] = (guint8) i;
          x <<= 1;
          if (x & 0x100)
            x ^= GF_POLY;
        }
      for (guint i = 255; i < 512; i++)
        gf_exp[i] = gf_exp[i - 255];
      for (guint c = 0; c < 256; c++)
        for (guint v = 0; v < 16; v++)
          {
            gf_nib[c][0][v] = gf_mul_raw ((guint8) c, (guint8) v);
            gf_nib[c][1][v] = gf_mul_raw ((guint8) c, (guint8) (v << 4));
          }
      g_once_init_leave (&done, 1);
    }
}

guint8
confab_fec_rs_gf_mul (guint8 a, guint8 b)
{
  gf_ensure ();
  return gf_mul_raw (a, b);
}

guint8
confab_fec_rs_gf_inv (guint8 a)
{
  g_return_val_if_fail (a != 0, 0);
  gf_ensure ();
  return gf_exp[255 - gf_log[a]];
}

gboolean
confab_fec_rs_gf_invert (guint8 *m, guint n)
{
  guint8 inv[64 * 64];

  g_return_val_if_fail (n <= 64, FALSE);
  gf_ensure ();
  memset (inv, 0, (gsize) n * n);
  for (guint i = 0; i < n; i++)
    inv[i * n + i] = 1;
  for (guint col = 0; col < n; col++)
    {
      guint p;
      guint8 f;

      for (p = col; p < n && m[p * n + col] == 0; p++)
        ;
      if (p == n)
        return FALSE;
      if (p != col)
        for (guint j = 0; j < n; j++)
          {
            guint8 t = m[p * n + j];

            m[p * n + j] = m[col * n + j];
            m[col * n + j] = t;
            t = inv[p * n + j];
            inv[p * n + j] = inv[col * n + j];
            inv[col * n + j] = t;
          }
      f = gf_exp[255 - gf_log[m[col * n + col]]];
      for (guint j = 0; j < n; j++)
        {
          m[col * n + j] = gf_mul_raw (m[col * n + j], f);
          inv[col * n + j] = gf_mul_raw (inv[col * n + j], f);
        }
      for (guint i = 0; i < n; i++)
        {
          guint8 g = m[i * n + col];

          if (i == col || g == 0)
            continue;
          for (guint j = 0; j < n; j++)
            {
              m[i * n + j] ^= gf_mul_raw (g, m[col * n + j]);
              inv[i * n + j] ^= gf_mul_raw (g, inv[col * n + j]);
            }
        }
    }
  memcpy (m, inv, (gsize) n * n);
  return TRUE;
}

/* The dot product, one CONFAB_FEC_RS_GF_CHUNK of dst at a time: the sum stays in registers
 * and is stored once; coefficient 0 skips a source, 1 adds it without a lookup. */

static void
dot_scalar (guint8 *dst, gsize dst_len, const guint8 *const *srcs, const gsize *lens,
            const guint8 *coefs, guint n)
{
  gsize end = confab_fec_rs_gf_round_up (dst_len);

  for (gsize off = 0; off < end; off += CONFAB_FEC_RS_GF_CHUNK)
    {
      guint8 acc[CONFAB_FEC_RS_GF_CHUNK] = { 0 };

      for (guint j = 0; j < n; j++)
        {
          const guint8 *s = srcs[j] + off;
          const guint8 (*t)[16] = gf_nib[coefs[j]];

          if (off >= lens[j] || coefs[j] == 0)
            continue;
          for (guint i = 0; i < CONFAB_FEC_RS_GF_CHUNK; i++)
            acc[i] ^= t[0][s[i] & 15] ^ t[1][s[i] >> 4];
        }
      memcpy (dst + off, acc, CONFAB_FEC_RS_GF_CHUNK);
    }
}

#ifdef CONFAB_RS_X86

__attribute__ ((target ("ssse3"))) static void
dot_ssse3 (guint8 *dst, gsize dst_len, const guint8 *const *srcs, const gsize *lens,
           const guint8 *coefs, guint n)
{
  const __m128i low = _mm_set1_epi8 (0x0f);
  gsize end = confab_fec_rs_gf_round_up (dst_len);

  for (gsize off = 0; off < end; off += CONFAB_FEC_RS_GF_CHUNK)
    {
      __m128i a[4] = { _mm_setzero_si128 (), _mm_setzero_si128 (), _mm_setzero_si128 (),
                       _mm_setzero_si128 () };

      for (guint j = 0; j < n; j++)
        {
          const guint8 *s = srcs[j] + off;
          __m128i tl, th;

          if (off >= lens[j] || coefs[j] == 0)
            continue;
          tl = _mm_load_si128 ((const __m128i *) gf_nib[coefs[j]][0]);
          th = _mm_load_si128 ((const __m128i *) gf_nib[coefs[j]][1]);
          for (guint v = 0; v < 4; v++)
            {
              __m128i x = _mm_loadu_si128 ((const __m128i *) (s + 16 * v));

              if (coefs[j] != 1)
                x = _mm_xor_si128 (
                    _mm_shuffle_epi8 (tl, _mm_and_si128 (x, low)),
                    _mm_shuffle_epi8 (th, _mm_and_si128 (_mm_srli_epi16 (x, 4), low)));
              a[v] = _mm_xor_si128 (a[v], x);
            }
        }
      for (guint v = 0; v < 4; v++)
        _mm_storeu_si128 ((__m128i *) (dst + off + 16 * v), a[v]);
    }
}

__attribute__ ((target ("avx2"))) static void
dot_avx2 (guint8 *dst, gsize dst_len, const guint8 *const *srcs, const gsize *lens,
          const guint8 *coefs, guint n)
{
  const __m256i low = _mm256_set1_epi8 (0x0f);
  gsize end = confab_fec_rs_gf_round_up (dst_len);

  for (gsize off = 0; off < end; off += CONFAB_FEC_RS_GF_CHUNK)
    {
      __m256i a0 = _mm256_setzero_si256 (), a1 = _mm256_setzero_si256 ();

      for (guint j = 0; j < n; j++)
        {
          const guint8 *s = srcs[j] + off;
          __m256i x0, x1, tl, th;

          if (off >= lens[j] || coefs[j] == 0)
            continue;
          x0 = _mm256_loadu_si256 ((const __m256i *) s);
          x1 = _mm256_loadu_si256 ((const __m256i *) (s + 32));
          if (coefs[j] != 1)
            {
              tl = _mm256_broadcastsi128_si256 (
                  _mm_load_si128 ((const __m128i *) gf_nib[coefs[j]][0]));
              th = _mm256_broadcastsi128_si256 (
                  _mm_load_si128 ((const __m128i *) gf_nib[coefs[j]][1]));
              x0 = _mm256_xor_si256 (
                  _mm256_shuffle_epi8 (tl, _mm256_and_si256 (x0, low)),
                  _mm256_shuffle_epi8 (th, _mm256_and_si256 (_mm256_srli_epi16 (x0, 4), low)));
              x1 = _mm256_xor_si256 (
                  _mm256_shuffle_epi8 (tl, _mm256_and_si256 (x1, low)),
                  _mm256_shuffle_epi8 (th, _mm256_and_si256 (_mm256_srli_epi16 (x1, 4), low)));
            }
          a0 = _mm256_xor_si256 (a0, x0);
          a1 = _mm256_xor_si256 (a1, x1);
        }
      _mm256_storeu_si256 ((__m256i *) (dst + off), a0);
      _mm256_storeu_si256 ((__m256i *) (dst + off + 32), a1);
    }
}

__attribute__ ((target ("avx512f,avx512bw"))) static void
dot_avx512 (guint8 *dst, gsize dst_len, const guint8 *const *srcs, const gsize *lens,
            const guint8 *coefs, guint n)
{
  const __m512i low = _mm512_set1_epi8 (0x0f);
  gsize end = confab_fec_rs_gf_round_up (dst_len);

  for (gsize off = 0; off < end; off += CONFAB_FEC_RS_GF_CHUNK)
    {
      __m512i a = _mm512_setzero_si512 ();

      for (guint j = 0; j < n; j++)
        {
          __m512i x, tl, th;

          if (off >= lens[j] || coefs[j] == 0)
            continue;
          x = _mm512_loadu_si512 ((const void *) (srcs[j] + off));
          if (coefs[j] != 1)
            {
              tl = _mm512_broadcast_i32x4 (_mm_load_si128 ((const __m128i *) gf_nib[coefs[j]][0]));
              th = _mm512_broadcast_i32x4 (_mm_load_si128 ((const __m128i *) gf_nib[coefs[j]][1]));
              x = _mm512_xor_si512 (
                  _mm512_shuffle_epi8 (tl, _mm512_and_si512 (x, low)),
                  _mm512_shuffle_epi8 (th, _mm512_and_si512 (_mm512_srli_epi16 (x, 4), low)));
            }
          a = _mm512_xor_si512 (a, x);
        }
      _mm512_storeu_si512 ((void *) (dst + off), a);
    }
}

#endif

gboolean
confab_fec_rs_gf_path_supported (ConfabFecRsGfPath path)
{
  switch (path)
    {
    case CONFAB_FEC_RS_GF_SCALAR:
      return TRUE;
#ifdef CONFAB_RS_X86
    case CONFAB_FEC_RS_GF_SSSE3:
      return __builtin_cpu_supports ("ssse3");
    case CONFAB_FEC_RS_GF_AVX2:
      return __builtin_cpu_supports ("avx2");
    case CONFAB_FEC_RS_GF_AVX512:
      return __builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("avx512bw");
#endif
    default:
      return FALSE;
    }
}

ConfabFecRsGfPath
confab_fec_rs_gf_best_path (void)
{
  static gsize best = 0;

  if (g_once_init_enter (&best))
    {
      ConfabFecRsGfPath p = CONFAB_FEC_RS_GF_N_PATHS - 1;

      while (!confab_fec_rs_gf_path_supported (p))
        p--;
      g_once_init_leave (&best, (gsize) p + 1);
    }
  return (ConfabFecRsGfPath) (best - 1);
}

void
confab_fec_rs_gf_dot_path (ConfabFecRsGfPath path, guint8 *dst, gsize dst_len,
                           const guint8 *const *srcs, const gsize *lens, const guint8 *coefs,
                           guint n)
{
  gf_ensure ();
  switch (path)
    {
#ifdef CONFAB_RS_X86
    case CONFAB_FEC_RS_GF_SSSE3:
      dot_ssse3 (dst, dst_len, srcs, lens, coefs, n);
      return;
    case CONFAB_FEC_RS_GF_AVX2:
      dot_avx2 (dst, dst_len, srcs, lens, coefs, n);
      return;
    case CONFAB_FEC_RS_GF_AVX512:
      dot_avx512 (dst, dst_len, srcs, lens, coefs, n);
      return;
#endif
    default:
      dot_scalar (dst, dst_len, srcs, lens, coefs, n);
      return;
    }
}

void
confab_fec_rs_gf_dot (guint8 *dst, gsize dst_len, const guint8 *const *srcs, const gsize *lens,
                      const guint8 *coefs, guint n)
{
  confab_fec_rs_gf_dot_path (confab_fec_rs_gf_best_path (), dst, dst_len, srcs, lens, coefs, n);
}
