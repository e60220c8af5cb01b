/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-red.h: RTP payload for redundant data (RFC 2198), as WebRTC uses it to carry
 * media and ULPFEC on one payload type.
 *
 * Each redundant block has a 4-byte header, the final (primary) block a 1-byte one:
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |F|   block PT  |  timestamp offset         |   block length    |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |0|   Block PT  |
 *    +-+-+-+-+-+-+-+-+
 *
 * followed by the blocks' data in the same order; the primary block runs to the end of the
 * payload.
 */
#pragma once

#include <glib.h>

#include "confab-rtp-packet.h"

G_BEGIN_DECLS

typedef struct
{
  guint8 payload_type;
  guint16 ts_offset; /* 0 for the primary block */
  const guint8 *data;
  gsize len;
} ConfabRedBlock;

/* Parses a RED payload into at most @max_blocks blocks; the last one is the primary. */
ConfabFecStatus confab_red_parse (const guint8 *payload, gsize len, ConfabRedBlock *blocks,
                                  guint max_blocks, guint *n_blocks);

/* Wraps RTP @packet in RED with a single primary block: same header with PT = @red_pt,
 * payload = 1-byte block header + original payload, padding kept as it was. */
ConfabFecStatus confab_red_encapsulate (const guint8 *packet, gsize len, guint8 red_pt, guint8 *out,
                                        gsize out_size, gsize *written);

/* The inverse: the original packet carrying the primary block (redundant blocks are
 * dropped). Bit-exact for packets made by confab_red_encapsulate(). */
ConfabFecStatus confab_red_decapsulate (const guint8 *packet, gsize len, guint8 *out,
                                        gsize out_size, gsize *written);

G_END_DECLS
