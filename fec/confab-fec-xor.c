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
