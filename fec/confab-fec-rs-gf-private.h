/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-fec-rs-gf-private.h: arithmetic in GF(2^8) (polynomial x^8 + x^4 + x^3 + x^2 + 1,
 * 0x11d) for the Reed-Solomon code, and its one hot loop, the dot product of packets with
 * coefficients. Internal to the FEC core. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every buffer handed to confab_fec_rs_gf_dot() is readable (and zero beyond its length) up
 * to its length rounded up to this, so the loop needs no ragged tail. */
#define CONFAB_FEC_RS_GF_CHUNK 64

static inline gsize
confab_fec_rs_gf_round_up (gsize len)
{
  return (len + CONFAB_FEC_RS_GF_CHUNK - 1) & ~(gsize) (CONFAB_FEC_RS_GF_CHUNK - 1);
}

guint8 confab_fec_rs_gf_mul (guint8 a, guint8 b);
/* Multiplicative inverse of @a != 0. */
guint8 confab_fec_rs_gf_inv (guint8 a);

/* Most sources one confab_fec_rs_gf_dot() call takes. */
#define CONFAB_FEC_RS_GF_MAX_SOURCES 256

/* dst[i] = sum over j < @n of coefs[j] * srcs[j][i] for i < @dst_len, each source counting as
 * zero beyond lens[j]. dst and every source must be readable (sources) and writable (dst) up
 * to their length rounded up to CONFAB_FEC_RS_GF_CHUNK, sources zero from their length on;
 * dst is written whole up to that rounding. Sources must not overlap dst. */
void confab_fec_rs_gf_dot (guint8 *dst, gsize dst_len, const guint8 *const *srcs, const gsize *lens,
                           const guint8 *coefs, guint n);

/* The vector paths, for the test that checks each against the scalar one. */
typedef enum
{
  CONFAB_FEC_RS_GF_SCALAR = 0,
  CONFAB_FEC_RS_GF_SSSE3,
  CONFAB_FEC_RS_GF_AVX2,
  CONFAB_FEC_RS_GF_AVX512,
  CONFAB_FEC_RS_GF_N_PATHS,
} ConfabFecRsGfPath;

/* Whether this CPU runs @path, and the dot product through it. */
gboolean confab_fec_rs_gf_path_supported (ConfabFecRsGfPath path);
void confab_fec_rs_gf_dot_path (ConfabFecRsGfPath path, guint8 *dst, gsize dst_len,
                                const guint8 *const *srcs, const gsize *lens, const guint8 *coefs,
                                guint n);
/* The path confab_fec_rs_gf_dot() takes. */
ConfabFecRsGfPath confab_fec_rs_gf_best_path (void);

/* Inverts the @n x @n matrix @m (row-major, row stride @n) in place; FALSE when singular
 * (then @m is garbage). */
gboolean confab_fec_rs_gf_invert (guint8 *m, guint n);

G_END_DECLS
