/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-fec-common.h: status codes, limits and sequence-number arithmetic shared by the
 * FEC core. Every parser in fec/ returns a ConfabFecStatus instead of asserting, because
 * its input comes from the network. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Largest RTP packet (media or repair) the FEC core stores or builds. Bigger packets are
 * passed on untouched but not protected: every buffer in the decoder is bounded by this. */
#define CONFAB_FEC_MAX_PACKET_SIZE 2048
/* Fixed part of an RTP header (RFC 3550 section 5.1). */
#define CONFAB_RTP_HEADER_SIZE 12
/* Largest number of packets one repair packet can cover in our internal representation
 * (FlexFEC's flexible mask tops out at 110 positions, ULPFEC's long mask at 48). */
#define CONFAB_FEC_MAX_SPAN 128
/* Largest number of repair rows per block (ULPFEC's 48-bit mask bounds useful blocks). */
#define CONFAB_FEC_MAX_ROWS 48
/* Largest number of media packets protected as one block by a generated mask. */
#define CONFAB_FEC_MAX_BLOCK 48
/* FlexFEC can protect several SSRCs in one repair packet (its CSRC list); the decoder
 * accepts at most this many. */
#define CONFAB_FEC_MAX_PROTECTED_SSRCS 4

typedef enum
{
  CONFAB_FEC_OK = 0,
  CONFAB_FEC_ERR_TRUNCATED,     /* fewer bytes than the headers announce */
  CONFAB_FEC_ERR_VERSION,       /* RTP version is not 2 */
  CONFAB_FEC_ERR_PADDING,       /* padding count is zero or runs past the payload */
  CONFAB_FEC_ERR_TOO_LARGE,     /* packet above CONFAB_FEC_MAX_PACKET_SIZE */
  CONFAB_FEC_ERR_MALFORMED,     /* fields contradict each other or the RFC */
  CONFAB_FEC_ERR_UNSUPPORTED,   /* valid on the wire but not handled (e.g. ULPFEC level 1) */
  CONFAB_FEC_ERR_UNKNOWN_SSRC,  /* repair packet for a stream we do not know */
  CONFAB_FEC_ERR_OUT_OF_WINDOW, /* sequence numbers too far from what we hold */
  CONFAB_FEC_ERR_NO_SPACE,      /* output buffer too small */
  CONFAB_FEC_ERR_INVALID_ARGUMENT,
} ConfabFecStatus;

const char *confab_fec_status_to_string (ConfabFecStatus status);

/* GError domain for configuration errors; codes are ConfabFecStatus values. */
#define CONFAB_FEC_ERROR (confab_fec_error_quark ())
GQuark confab_fec_error_quark (void);

/* Which wire format repair packets use. */
typedef enum
{
  CONFAB_FEC_SCHEME_ULPFEC = 0, /* RFC 5109, on the media SSRC, optionally inside RED */
  CONFAB_FEC_SCHEME_FLEXFEC,    /* RFC 8627, on its own repair SSRC */
  /* Confab's Reed-Solomon code (confab-fec-rs.h), on its own repair SSRC, Confab to Confab
   * only; it has its own encoder and decoder (confab-fec-rs-encoder.h, -decoder.h). */
  CONFAB_FEC_SCHEME_RS,
} ConfabFecScheme;

/* How media packets of a block are assigned to repair packets. */
typedef enum
{
  CONFAB_FEC_MASK_RANDOM = 0, /* tuned for independent loss */
  CONFAB_FEC_MASK_BURSTY,     /* any burst of up to m consecutive losses is recoverable */
  CONFAB_FEC_MASK_ROWS,       /* fixed: rows of L consecutive packets (FlexFEC F=1, D<=1) */
  CONFAB_FEC_MASK_COLUMNS,    /* fixed: columns, every L-th packet (FlexFEC F=1, D>1) */
  CONFAB_FEC_MASK_2D,         /* fixed: rows and columns */
  CONFAB_FEC_MASK_SEARCHED,   /* searched offline for independent and bursty loss (tables) */
  CONFAB_FEC_MASK_SLIDING,    /* overlapping windows within the encoder's delay budget */
} ConfabFecMaskFamily;

/* Serial number arithmetic on 16-bit RTP sequence numbers (RFC 1982): positive when a is
 * after b, within half the space. */
static inline gint
confab_seq_diff (guint16 a, guint16 b)
{
  return (gint) (gint16) (guint16) (a - b);
}

static inline guint16
confab_read_u16 (const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

static inline guint32
confab_read_u32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static inline void
confab_write_u16 (guint8 *p, guint16 v)
{
  p[0] = v >> 8;
  p[1] = v & 0xff;
}

static inline void
confab_write_u32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24;
  p[1] = (v >> 16) & 0xff;
  p[2] = (v >> 8) & 0xff;
  p[3] = v & 0xff;
}

/* splitmix64: a tiny seeded generator that gives the same numbers on every platform, for
 * masks (the encoder's sliding windows, tools/fec-mask-search). */
static inline guint64
confab_fec_splitmix64 (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* A set of up to CONFAB_FEC_MAX_SPAN packet positions, bit i = position i. */
typedef struct
{
  guint64 w[CONFAB_FEC_MAX_SPAN / 64];
} ConfabFecBits;

static inline gboolean
confab_fec_bits_get (const ConfabFecBits *b, guint i)
{
  return i < CONFAB_FEC_MAX_SPAN && ((b->w[i / 64] >> (i % 64)) & 1);
}

static inline void
confab_fec_bits_set (ConfabFecBits *b, guint i)
{
  if (i < CONFAB_FEC_MAX_SPAN)
    b->w[i / 64] |= G_GUINT64_CONSTANT (1) << (i % 64);
}

static inline void
confab_fec_bits_clear (ConfabFecBits *b, guint i)
{
  if (i < CONFAB_FEC_MAX_SPAN)
    b->w[i / 64] &= ~(G_GUINT64_CONSTANT (1) << (i % 64));
}

static inline gboolean
confab_fec_bits_is_empty (const ConfabFecBits *b)
{
  return b->w[0] == 0 && b->w[1] == 0;
}

static inline guint
confab_fec_bits_count (const ConfabFecBits *b)
{
  return (guint) (__builtin_popcountll (b->w[0]) + __builtin_popcountll (b->w[1]));
}

/* Highest set position + 1, or 0 when empty. */
static inline guint
confab_fec_bits_span (const ConfabFecBits *b)
{
  if (b->w[1])
    return 128 - (guint) __builtin_clzll (b->w[1]);
  if (b->w[0])
    return 64 - (guint) __builtin_clzll (b->w[0]);
  return 0;
}

/* Lowest set position, or CONFAB_FEC_MAX_SPAN when empty. */
static inline guint
confab_fec_bits_lowest (const ConfabFecBits *b)
{
  if (b->w[0])
    return (guint) __builtin_ctzll (b->w[0]);
  if (b->w[1])
    return 64 + (guint) __builtin_ctzll (b->w[1]);
  return CONFAB_FEC_MAX_SPAN;
}

/* Moves every position down by @n (positions below @n fall off). */
static inline void
confab_fec_bits_shift_down (ConfabFecBits *b, guint n)
{
  if (n == 0)
    return;
  if (n >= 128)
    b->w[0] = b->w[1] = 0;
  else if (n >= 64)
    {
      b->w[0] = b->w[1] >> (n - 64);
      b->w[1] = 0;
    }
  else
    {
      b->w[0] = (b->w[0] >> n) | (b->w[1] << (64 - n));
      b->w[1] >>= n;
    }
}

/* Runs the statement that follows for every set position @b (a guint it declares) of @bits,
 * lowest first; `continue` moves to the next position. */
#define CONFAB_FEC_BITS_FOREACH(bits, b)                                                           \
  for (guint b##_w = 0, b = 0; b##_w < G_N_ELEMENTS ((bits)->w); b##_w++)                          \
    for (guint64 b##_m = (bits)->w[b##_w];                                                         \
         b##_m && ((b = b##_w * 64 + (guint) __builtin_ctzll (b##_m)), TRUE); b##_m &= b##_m - 1)

G_END_DECLS
