/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-fec-xor.h"

#include <string.h>

/* GCC/clang vector extension: 16-byte lanes map to SSE2/NEON on the targets we build for and
 * are lowered to scalar code elsewhere. Loads and stores go through memcpy so packet buffers
 * need no particular alignment; the compiler turns them into unaligned vector moves. */
typedef guint64 ConfabXorVec __attribute__ ((vector_size (16)));
/* The same at 64 bytes: one AVX-512 register, two AVX2 ones, four SSE2 ones, whatever the
 * clone below is compiled for. */
typedef guint64 ConfabXorVec64 __attribute__ ((vector_size (64)));

/* On x86-64 the hot loops are compiled for AVX-512, AVX2 and the baseline, and the dynamic
 * linker picks the best the CPU runs (the build itself targets the baseline only). Not with
 * clang: clang 14 emits no definition for an exported target_clones function, so the fuzz
 * build (clang) would not link; it runs the baseline. */
#if defined(__x86_64__) && defined(__has_attribute) && !defined(__clang__)
#if __has_attribute(target_clones)
#define CONFAB_XOR_CLONES __attribute__ ((target_clones ("avx512f", "avx2", "default")))
#endif
#endif
#ifndef CONFAB_XOR_CLONES
#define CONFAB_XOR_CLONES
#endif

/* dst[i] = XOR over j < @n (n >= 1) of srcs[j][i], for @i <= i < @to. srcs[0] may be dst
 * itself: each chunk is loaded whole before it is stored. */
static inline void
xor_range (guint8 *dst, const guint8 *const *srcs, guint n, gsize i, gsize to)
{
  /* Two independent 64-byte vectors per source and iteration keep the pipeline busy;
   * the sum stays in registers and is stored once. */
  for (; i + 128 <= to; i += 128)
    {
      ConfabXorVec64 a0, a1;

      memcpy (&a0, srcs[0] + i, 64);
      memcpy (&a1, srcs[0] + i + 64, 64);
      for (guint j = 1; j < n; j++)
        {
          ConfabXorVec64 b0, b1;
          const guint8 *s = srcs[j] + i;

          memcpy (&b0, s, 64);
          memcpy (&b1, s + 64, 64);
          a0 ^= b0;
          a1 ^= b1;
        }
      memcpy (dst + i, &a0, 64);
      memcpy (dst + i + 64, &a1, 64);
    }
  for (; i + 8 <= to; i += 8)
    {
      guint64 a, b;

      memcpy (&a, srcs[0] + i, 8);
      for (guint j = 1; j < n; j++)
        {
          memcpy (&b, srcs[j] + i, 8);
          a ^= b;
        }
      memcpy (dst + i, &a, 8);
    }
  for (; i < to; i++)
    {
      guint8 a = srcs[0][i];

      for (guint j = 1; j < n; j++)
        a ^= srcs[j][i];
      dst[i] = a;
    }
}

CONFAB_XOR_CLONES
void
confab_fec_xor (guint8 *restrict dst, const guint8 *restrict src, gsize len)
{
  const guint8 *srcs[2] = { dst, src };

  xor_range (dst, srcs, 2, 0, len);
}

CONFAB_XOR_CLONES
void
confab_fec_xor_many (guint8 *restrict dst, gsize dst_len, const guint8 *const *srcs,
                     const gsize *lens, guint n)
{
  gsize common = n > 0 ? dst_len : 0;

  for (guint j = 0; j < n; j++)
    common = MIN (common, lens[j]);
  /* Every source covers [0, common). */
  if (common > 0)
    xor_range (dst, srcs, n, 0, common);
  /* The tail: only the longer sources reach into it (a frame's last packet is short). */
  if (dst_len > common)
    {
      memset (dst + common, 0, dst_len - common);
      for (guint j = 0; j < n; j++)
        if (lens[j] > common)
          {
            const guint8 *pair[2] = { dst, srcs[j] };

            xor_range (dst, pair, 2, common, MIN (lens[j], dst_len));
          }
    }
}
