/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-fec-xor.h"

#include <string.h>

/* GCC/clang vector extension: 16-byte lanes map to SSE2/NEON on the targets we build for and
 * are lowered to scalar code elsewhere. Loads and stores go through memcpy so packet buffers
 * need no particular alignment; the compiler turns them into unaligned vector moves. */
typedef guint64 ConfabXorVec __attribute__ ((vector_size (16)));

void
confab_fec_xor (guint8 *restrict dst, const guint8 *restrict src, gsize len)
{
  gsize i = 0;

  /* Four independent vectors per iteration keep the load/xor/store pipeline busy. */
  for (; i + 64 <= len; i += 64)
    {
      ConfabXorVec a0, a1, a2, a3, b0, b1, b2, b3;

      memcpy (&a0, dst + i, 16);
      memcpy (&a1, dst + i + 16, 16);
      memcpy (&a2, dst + i + 32, 16);
      memcpy (&a3, dst + i + 48, 16);
      memcpy (&b0, src + i, 16);
      memcpy (&b1, src + i + 16, 16);
      memcpy (&b2, src + i + 32, 16);
      memcpy (&b3, src + i + 48, 16);
      a0 ^= b0;
      a1 ^= b1;
      a2 ^= b2;
      a3 ^= b3;
      memcpy (dst + i, &a0, 16);
      memcpy (dst + i + 16, &a1, 16);
      memcpy (dst + i + 32, &a2, 16);
      memcpy (dst + i + 48, &a3, 16);
    }
  for (; i + 8 <= len; i += 8)
    {
      guint64 a, b;

      memcpy (&a, dst + i, 8);
      memcpy (&b, src + i, 8);
      a ^= b;
      memcpy (dst + i, &a, 8);
    }
  for (; i < len; i++)
    dst[i] ^= src[i];
}

void
confab_fec_xor_many (guint8 *restrict dst, gsize dst_len, const guint8 *const *srcs,
                     const gsize *lens, guint n)
{
  gsize common = dst_len;
  gsize i = 0;

  for (guint j = 0; j < n; j++)
    common = MIN (common, lens[j]);
  if (n == 0)
    common = 0;
  /* Every source covers [0, common): accumulate in registers, store once. */
  for (; i + 64 <= common; i += 64)
    {
      ConfabXorVec a0, a1, a2, a3;

      memcpy (&a0, srcs[0] + i, 16);
      memcpy (&a1, srcs[0] + i + 16, 16);
      memcpy (&a2, srcs[0] + i + 32, 16);
      memcpy (&a3, srcs[0] + i + 48, 16);
      for (guint j = 1; j < n; j++)
        {
          ConfabXorVec b0, b1, b2, b3;
          const guint8 *s = srcs[j] + i;

          memcpy (&b0, s, 16);
          memcpy (&b1, s + 16, 16);
          memcpy (&b2, s + 32, 16);
          memcpy (&b3, s + 48, 16);
          a0 ^= b0;
          a1 ^= b1;
          a2 ^= b2;
          a3 ^= b3;
        }
      memcpy (dst + i, &a0, 16);
      memcpy (dst + i + 16, &a1, 16);
      memcpy (dst + i + 32, &a2, 16);
      memcpy (dst + i + 48, &a3, 16);
    }
  for (; i + 8 <= common; i += 8)
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
  for (; i < common; i++)
    {
      guint8 a = srcs[0][i];

      for (guint j = 1; j < n; j++)
        a ^= srcs[j][i];
      dst[i] = a;
    }
  /* The tail: only the longer sources reach into it (a frame's last packet is short). */
  if (dst_len > common)
    {
      memset (dst + common, 0, dst_len - common);
      for (guint j = 0; j < n; j++)
        if (lens[j] > common)
          confab_fec_xor (dst + common, srcs[j] + common, MIN (lens[j], dst_len) - common);
    }
}
