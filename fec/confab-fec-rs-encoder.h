/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-fec-rs-encoder.h: media packets in, Reed-Solomon repair packets (confab-fec-rs.h)
 * out. Blocks are consecutive media packets of one SSRC; a block ends at a frame boundary
 * (marker bit) once it holds at least min_block packets and earns a repair packet (with a
 * delay budget: once the next frame would no longer fit in the budget), when it
 * holds max_block packets, when the sequence numbers jump, or when the caller flushes. Then
 * its m = overhead x k repair packets are queued (fractions carry over to the next block, key
 * frames may get more). Media packets are never modified. Memory: max_block symbol buffers
 * and m repair buffers, allocated once. */
#pragma once

#include <glib.h>

#include "confab-fec-common.h"

G_BEGIN_DECLS

typedef struct _ConfabFecRsEncoder ConfabFecRsEncoder;

typedef struct
{
  guint overhead_percent;           /* repair/media packets, 0-400 (m <= 64 per block) */
  guint key_frame_overhead_percent; /* the same for blocks holding key-frame packets */
  guint8 payload_type;              /* of the repair packets */
  guint32 repair_ssrc;
  guint16 repair_seq; /* first repair sequence number */
  /* When set, the counter numbering the repair packets instead of repair_seq: encoders whose
   * repair packets share one repair SSRC share one sequence. Must outlive the encoder. */
  guint16 *shared_repair_seq;
  guint max_block; /* most media packets per block, 1-128 */
  guint min_block; /* fewest media packets before a frame boundary may end a block */
  /* With a budget (ms; 0: one frame at a time) a block spans the frames that keep its first
   * packet's wait for the repair packets within it, judged from the RTP timestamps. */
  guint delay_budget_ms;
  guint clock_rate; /* of the RTP timestamps; 0: 90 kHz */
} ConfabFecRsEncoderConfig;

typedef struct
{
  guint64 media_packets;
  guint64 protected_packets;
  guint64 repair_packets;
  guint64 media_bytes;
  guint64 repair_bytes;
  guint64 blocks;
} ConfabFecRsEncoderStats;

/* Defaults: 25% (50% for key frames), PT 0, blocks of up to 48 packets, ending at the first
 * frame boundary that earns a repair packet. */
void confab_fec_rs_encoder_config_init (ConfabFecRsEncoderConfig *config);

G_GNUC_WARN_UNUSED_RESULT
ConfabFecRsEncoder *confab_fec_rs_encoder_new (const ConfabFecRsEncoderConfig *config,
                                               GError **error);
void confab_fec_rs_encoder_free (ConfabFecRsEncoder *enc);

/* Adds one media packet (copied). Packets of another SSRC than the first, unparsable or too
 * large ones (above CONFAB_FEC_RS_MAX_MEDIA) are refused with an error status and not
 * protected; the caller still sends them. */
ConfabFecStatus confab_fec_rs_encoder_add_media (ConfabFecRsEncoder *enc, const guint8 *packet,
                                                 gsize len, gboolean key_frame);

void confab_fec_rs_encoder_set_overhead (ConfabFecRsEncoder *enc, guint overhead_percent,
                                         guint key_frame_overhead_percent);

/* Ends the current block now; returns the number of repair packets it produced. */
guint confab_fec_rs_encoder_flush (ConfabFecRsEncoder *enc);

/* Next queued repair packet, or NULL; the encoder's bytes, valid until its next call. */
const guint8 *confab_fec_rs_encoder_next_repair (ConfabFecRsEncoder *enc, gsize *len);

G_GNUC_WARN_UNUSED_RESULT
GBytes *confab_fec_rs_encoder_pop_repair (ConfabFecRsEncoder *enc);

void confab_fec_rs_encoder_get_stats (ConfabFecRsEncoder *enc, ConfabFecRsEncoderStats *stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabFecRsEncoder, confab_fec_rs_encoder_free)

G_END_DECLS
