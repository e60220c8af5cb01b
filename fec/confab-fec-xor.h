/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-fec-xor.h: the one hot loop of parity FEC. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* dst[i] ^= src[i] for i < len. dst and src must not overlap. No alignment needed. */
void confab_fec_xor (guint8 *restrict dst, const guint8 *restrict src, gsize len);

/* Most sources one confab_fec_xor_many() call takes (a block's packets plus the repair
 * packets an elimination combines). */
#define CONFAB_FEC_XOR_MAX_SOURCES 256

/* dst[i] = XOR over j of srcs[j][i] for i < @dst_len, each source zero-extended beyond its
 * lens[j] bytes: one pass that reads every source once and writes dst once, instead of a
 * copy and n - 1 read-modify-write passes. @n may be 0 (dst is cleared); sources must not
 * overlap dst. */
void confab_fec_xor_many (guint8 *restrict dst, gsize dst_len, const guint8 *const *srcs,
                          const gsize *lens, guint n);

G_END_DECLS
