/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-fec-rs-decoder.h: recovers lost media packets from Reed-Solomon repair packets
 * (confab-fec-rs.h) as they arrive.
 *
 * Feed every received RTP packet to confab_fec_rs_decoder_push() in arrival order, forward
 * what it says to forward and whatever confab_fec_rs_decoder_next_recovered() yields (it sits
 * before the jitter buffer, like confab-fec-decoder.h). Per media SSRC the decoder keeps the
 * last `window` packets; a repair packet whose block misses packets waits (at most
 * `max_repairs` of them in all, the oldest block dropped first) until the block has k
 * packets, media and repair together, and then every missing one is rebuilt at once.
 * Everything a repair packet says is checked: limits, its block within the window, the same
 * symbol length for every repair packet of a block. Memory is bounded whatever the peer
 * sends.
 */
#pragma once

#include <glib.h>

#include "confab-fec-decoder.h"

G_BEGIN_DECLS

typedef struct
{
  gint payload_type;   /* of the repair packets, 0-127 */
  guint32 repair_ssrc; /* 0 accepts any SSRC with payload_type */
  guint window;        /* media packets kept per SSRC: power of two, 128-4096 */
  guint max_repairs;   /* repair packets waiting, 1-1024 */
  guint max_streams;   /* media SSRCs tracked, 1-16 */
} ConfabFecRsDecoderConfig;

typedef struct _ConfabFecRsDecoder ConfabFecRsDecoder;

/* Defaults: payload type -1 (must be set), window 256, 256 repair packets, 4 streams. */
void confab_fec_rs_decoder_config_init (ConfabFecRsDecoderConfig *config);

G_GNUC_WARN_UNUSED_RESULT
ConfabFecRsDecoder *confab_fec_rs_decoder_new (const ConfabFecRsDecoderConfig *config,
                                               GError **error);
void confab_fec_rs_decoder_free (ConfabFecRsDecoder *dec);

/* Takes one received packet (copied if needed); @status, if not NULL, says why a repair
 * packet could not be used. */
ConfabFecPacketKind confab_fec_rs_decoder_push (ConfabFecRsDecoder *dec, const guint8 *data,
                                                gsize len, ConfabFecStatus *status);

/* Next recovered media packet, bit-exact, or NULL: the decoder's bytes, valid until its next
 * call. */
const guint8 *confab_fec_rs_decoder_next_recovered (ConfabFecRsDecoder *dec, gsize *len);

G_GNUC_WARN_UNUSED_RESULT
GBytes *confab_fec_rs_decoder_pop_recovered (ConfabFecRsDecoder *dec);

/* End of stream: packets still missing in the windows count as unrecovered, and streams and
 * repair packets are forgotten. Statistics are kept. */
void confab_fec_rs_decoder_drain (ConfabFecRsDecoder *dec);

/* The same statistics as the XOR decoder's (eliminations: blocks decoded). */
void confab_fec_rs_decoder_get_stats (ConfabFecRsDecoder *dec, ConfabFecDecoderStats *stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabFecRsDecoder, confab_fec_rs_decoder_free)

G_END_DECLS
