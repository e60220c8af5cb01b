/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-fec-xor.h: the one hot loop of parity FEC. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* dst[i] ^= src[i] for i < len. dst and src must not overlap. No alignment needed. */
void confab_fec_xor (guint8 *restrict dst, const guint8 *restrict src, gsize len);

G_END_DECLS
