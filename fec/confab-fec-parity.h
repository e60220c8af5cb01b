/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-fec-parity.h: the XOR "FEC bit string" of RFC 5109 section 11.1, which RFC 8627
 * reuses: for each protected packet, the P, X, CC, M and PT bits, the timestamp, the
 * length of everything after the fixed 12-byte header, and those bytes themselves, all
 * XORed together (shorter packets zero-padded). ULPFEC and FlexFEC differ only in how
 * they write this parity and the list of protected packets on the wire; ConfabFecRepairInfo
 * is that shared, wire-independent description. */
#pragma once

#include <glib.h>

#include "confab-fec-common.h"

G_BEGIN_DECLS

typedef struct
{
  guint8 byte0;      /* P, X, CC: low 6 bits of RTP byte 0 */
  guint8 byte1;      /* M and PT */
  guint32 ts;        /* timestamp recovery */
  guint16 length;    /* length recovery: XOR of (packet length - 12) */
  gsize payload_len; /* XORed bytes: max over the packets of (length - 12) */
  guint8 payload[CONFAB_FEC_MAX_PACKET_SIZE];
} ConfabFecParity;

void confab_fec_parity_reset (ConfabFecParity *parity);

/* Adds one RTP packet of @len bytes (12 <= len <= CONFAB_FEC_MAX_PACKET_SIZE: check with
 * the parser first). */
void confab_fec_parity_add (ConfabFecParity *parity, const guint8 *packet, gsize len);

/* XORs another parity in (combining repair packets during elimination). */
void confab_fec_parity_add_parity (ConfabFecParity *parity, const ConfabFecParity *other);

/* Writes the packet this parity holds once every other protected packet has been added:
 * the recovered packet, with @seq and @ssrc (not covered by parity) filled in. */
ConfabFecStatus confab_fec_parity_to_packet (const ConfabFecParity *parity, guint16 seq,
                                             guint32 ssrc, guint8 *out, gsize out_size,
                                             gsize *written);

/* One protected stream in a repair packet. */
typedef struct
{
  guint32 ssrc;
  guint16 sn_base;
  ConfabFecBits mask; /* bit i: packet sn_base + i is protected */
  /* FlexFEC fixed (F=1) form as received: L columns, D rows; 0/0 for a flexible mask. */
  guint8 fixed_l;
  guint8 fixed_d;
} ConfabFecProtected;

/* A repair packet, independent of ULPFEC or FlexFEC. Parsers point payload into the
 * packet; writers read it. */
typedef struct
{
  guint8 byte0;
  guint8 byte1;
  guint32 ts;
  guint16 length;
  const guint8 *payload;
  gsize payload_len;
  guint n_protected;
  ConfabFecProtected protected[CONFAB_FEC_MAX_PROTECTED_SSRCS];
} ConfabFecRepairInfo;

/* Fills the recovery fields of @info from @parity (payload points into @parity). */
void confab_fec_repair_info_set_parity (ConfabFecRepairInfo *info, const ConfabFecParity *parity);

/* Loads a parsed repair into @parity. */
void confab_fec_parity_from_repair (ConfabFecParity *parity, const ConfabFecRepairInfo *info);

G_END_DECLS
