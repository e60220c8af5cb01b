/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-fec-encoder.h: turns a stream of media RTP packets into repair packets.
 *
 * Media packets are grouped into blocks of consecutive sequence numbers. A block ends at a
 * frame boundary (marker bit) once it earns at least one repair packet (so small delta
 * frames share a block rather than go unprotected; fixed rows: once it holds a row; fixed
 * columns and 2-D: only when the L x D block is full); with a delay budget, generated masks
 * span as many frames as the budget allows instead (see delay_budget_ms). A block also ends
 * when it is full, when the sequence numbers jump, or when the caller flushes. Then the
 * encoder picks m repair packets from the overhead the caller set (key frames can get more;
 * fractions carry over to the next block so the long-run overhead is what was asked), takes
 * the mask of the configured family for (k, m), and queues the repair packets. Media packets
 * are never modified or renumbered; repair packets have their own sequence numbers (FlexFEC:
 * own SSRC too). */
#pragma once

#include <glib.h>

#include "confab-fec-common.h"

G_BEGIN_DECLS

typedef struct _ConfabFecEncoder ConfabFecEncoder;

typedef struct
{
  ConfabFecScheme scheme;
  ConfabFecMaskFamily family;
  guint overhead_percent;           /* repair/media packets for delta frames, 0-100 */
  guint key_frame_overhead_percent; /* the same for blocks holding key-frame packets */
  guint8 payload_type;              /* of the ULPFEC or FlexFEC packets */
  gint red_payload_type;            /* ULPFEC: >= 0 wraps repair packets in RED */
  guint32 repair_ssrc;              /* FlexFEC: SSRC of the repair stream */
  guint16 repair_seq;               /* first repair sequence number */
  /* When set, the counter numbering this encoder's repair packets instead of its own (and
   * repair_seq is ignored): encoders whose FlexFEC packets share one repair SSRC share one
   * sequence. Must outlive the encoder. */
  guint16 *shared_repair_seq;
  guint max_block; /* most media packets per block (1-48) */
  guint min_block; /* fewest media packets before a frame boundary may end a block: larger
                    * blocks recover more for the same overhead but delay recovery of the
                    * earlier frames in them (0 or 1: end at the first boundary that earns a
                    * repair packet) */
  guint columns;   /* L for ROWS/COLUMNS/2D (1-255) */
  guint rows;      /* D for COLUMNS/2D: block = L x D packets (<= 110) */
  /* How long the first packet of a block may wait for its repair packets, in ms (RANDOM,
   * BURSTY and SEARCHED masks). Longer blocks recover more at the same overhead; a budget
   * lets a block span frames as long as the last one's RTP timestamp is within the budget
   * of the first one's: at a frame's end the block ends when the next frame, expected one
   * frame interval later, would exceed the budget or would not fit in max_block. 0: end at
   * the first frame boundary that earns a repair packet (one frame's delay).
   * The SLIDING family (which needs a budget) has overlapping windows instead of disjoint
   * blocks: at each frame's end that earns a repair packet, its repair packets cover every
   * packet sent within the budget (the newest max_block): the packets no repair packet
   * covers yet by the searched mask for their number, the older ones each with probability
   * 1/2. A packet is so protected by the repair packets of every frame in its budget, and a
   * burst that takes one frame's repair packets leaves the next frames'. */
  guint delay_budget_ms;
  guint clock_rate; /* RTP clock of the media, Hz (0: 90000, video) */
} ConfabFecEncoderConfig;

typedef struct
{
  guint64 media_packets;     /* media packets given to the encoder */
  guint64 protected_packets; /* of those, covered by at least one repair packet */
  guint64 repair_packets;    /* repair packets produced */
  guint64 media_bytes;
  guint64 repair_bytes;
  guint64 blocks;
} ConfabFecEncoderStats;

/* Defaults: FlexFEC, searched masks, 25% (50% for key frames), PT 0, blocks of up to 48,
 * no delay budget (one frame). */
void confab_fec_encoder_config_init (ConfabFecEncoderConfig *config);

G_GNUC_WARN_UNUSED_RESULT
ConfabFecEncoder *confab_fec_encoder_new (const ConfabFecEncoderConfig *config, GError **error);
void confab_fec_encoder_free (ConfabFecEncoder *enc);

/* Adds one media packet (copied). Packets of another SSRC than the first one, unparsable
 * or oversized packets are refused with an error status and are not protected; the caller
 * still sends them. A set marker bit ends the block. */
ConfabFecStatus confab_fec_encoder_add_media (ConfabFecEncoder *enc, const guint8 *packet,
                                              gsize len, gboolean key_frame);

/* Overheads for the blocks that end from now on (the current one included). */
void confab_fec_encoder_set_overhead (ConfabFecEncoder *enc, guint overhead_percent,
                                      guint key_frame_overhead_percent);
/* Family for blocks that end from now on. FALSE if the scheme cannot use it. */
gboolean confab_fec_encoder_set_mask_family (ConfabFecEncoder *enc, ConfabFecMaskFamily family);

/* Sequence number of the next repair packet. WebRTC-style RED+ULPFEC shares the media
 * sequence space, so there the caller numbers repair packets between frames. */
void confab_fec_encoder_set_next_repair_seq (ConfabFecEncoder *enc, guint16 seq);

/* Ends the current block now (SLIDING: protects the packets no repair packet covers yet).
 * Returns the number of repair packets it produced. */
guint confab_fec_encoder_flush (ConfabFecEncoder *enc);

/* Generates (and caches) every mask the encoder may need for @config: the first use of a
 * (k, m) otherwise costs up to a few tens of milliseconds in the streaming thread. Blocking
 * and thread-safe: run it from a worker thread at start-up. */
void confab_fec_encoder_prepare_masks (const ConfabFecEncoderConfig *config);

/* Next queued repair packet, or NULL: the bytes are the encoder's and stay valid until the
 * next call into it (send or copy them before). No allocation: the hot path. */
const guint8 *confab_fec_encoder_next_repair (ConfabFecEncoder *enc, gsize *len);

/* The same, copied into new bytes (for tests and cold paths). */
G_GNUC_WARN_UNUSED_RESULT
GBytes *confab_fec_encoder_pop_repair (ConfabFecEncoder *enc);

void confab_fec_encoder_get_stats (ConfabFecEncoder *enc, ConfabFecEncoderStats *stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabFecEncoder, confab_fec_encoder_free)

G_END_DECLS
