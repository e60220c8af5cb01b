/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-fec-encoder.h"

#include <string.h>

#include "confab-fec-frame-clock-private.h"
#include "confab-fec-mask.h"
#include "confab-fec-parity.h"
#include "confab-fec-xor.h"
#include "confab-flexfec.h"
#include "confab-rtp-packet.h"
#include "confab-ulpfec.h"

typedef struct
{
  gsize len;
  guint8 data[CONFAB_FEC_MAX_PACKET_SIZE];
} BlockPacket;

/* Slots of the block: the largest any family uses. A sliding window is a ring in them. */
#define BLOCK_SLOTS CONFAB_FLEXFEC_MAX_MASK_BITS

/* A repair packet's buffer: the largest payload plus the longest RTP, RED and FEC headers. */
#define REPAIR_BUF_SIZE (CONFAB_FEC_MAX_PACKET_SIZE + 64)

struct _ConfabFecEncoder
{
  ConfabFecEncoderConfig config;
  guint block_cap;

  gboolean have_ssrc;
  guint32 ssrc;

  BlockPacket *block; /* BLOCK_SLOTS slots; packet j of the block is (win_start + j) mod that */
  guint win_start;
  guint pending; /* sliding window: its newest packets no repair packet covers yet */
  guint64 mask_seed;
  guint k;
  guint16 sn_base;
  gboolean block_has_key;
  ConfabFecFrameClock clock; /* frame timing, for the delay budget */

  gint64 credit; /* overhead owed, in percent of a packet, carried across blocks */
  guint16 repair_seq;
  guint16 *next_seq; /* &repair_seq, or the shared counter */
  /* Repair packets are written straight into buffers the encoder keeps and reuses: queued
   * ones are [repair_head, repair_tail) of repair_bufs, which grows only while the caller
   * lets repair packets pile up. */
  guint8 **repair_bufs;
  gsize *repair_lens;
  guint repair_cap;
  guint repair_head;
  guint repair_tail;
  ConfabFecEncoderStats stats;
};

void
confab_fec_encoder_config_init (ConfabFecEncoderConfig *config)
{
  g_return_if_fail (config != NULL);
  memset (config, 0, sizeof *config);
  config->scheme = CONFAB_FEC_SCHEME_FLEXFEC;
  config->family = CONFAB_FEC_MASK_SEARCHED;
  config->overhead_percent = 25;
  config->key_frame_overhead_percent = 50;
  config->red_payload_type = -1;
  config->max_block = CONFAB_FEC_MAX_BLOCK;
  config->columns = 4;
  config->rows = 4;
}

static gboolean
is_sliding (const ConfabFecEncoder *enc)
{
  return enc->config.family == CONFAB_FEC_MASK_SLIDING;
}

static gboolean
family_is_fixed (ConfabFecMaskFamily family)
{
  return family == CONFAB_FEC_MASK_ROWS || family == CONFAB_FEC_MASK_COLUMNS
         || family == CONFAB_FEC_MASK_2D;
}

static guint
block_capacity (const ConfabFecEncoderConfig *c)
{
  if (family_is_fixed (c->family))
    {
      guint d = c->family == CONFAB_FEC_MASK_ROWS ? MAX (c->rows, 1u) : c->rows;
      guint cap = c->columns * d;

      /* ULPFEC masks stop at 48 packets, FlexFEC's at 110. */
      return MIN (
          cap, c->scheme == CONFAB_FEC_SCHEME_ULPFEC ? 48u : (guint) CONFAB_FLEXFEC_MAX_MASK_BITS);
    }
  return c->max_block;
}

static gboolean
config_is_valid (const ConfabFecEncoderConfig *c, GError **error)
{
  if (c->scheme != CONFAB_FEC_SCHEME_ULPFEC && c->scheme != CONFAB_FEC_SCHEME_FLEXFEC)
    {
      g_set_error (error, CONFAB_FEC_ERROR, CONFAB_FEC_ERR_INVALID_ARGUMENT,
                   "unknown FEC scheme %d", c->scheme);
      return FALSE;
    }
  if (c->payload_type > 127 || c->red_payload_type > 127
      || (c->red_payload_type >= 0 && c->scheme != CONFAB_FEC_SCHEME_ULPFEC))
    {
      g_set_error (error, CONFAB_FEC_ERROR, CONFAB_FEC_ERR_INVALID_ARGUMENT,
                   "invalid payload types (RED is for ULPFEC only)");
      return FALSE;
    }
  if (c->family == CONFAB_FEC_MASK_SLIDING && c->delay_budget_ms == 0)
    {
      g_set_error (error, CONFAB_FEC_ERROR, CONFAB_FEC_ERR_INVALID_ARGUMENT,
                   "sliding windows need a delay budget");
      return FALSE;
    }
  if (c->delay_budget_ms > 60000 || c->clock_rate > 1000000)
    {
      g_set_error (error, CONFAB_FEC_ERROR, CONFAB_FEC_ERR_INVALID_ARGUMENT,
                   "delay budget must be at most 60 s, clock rate at most 1 MHz");
      return FALSE;
    }
  if (c->max_block < 1 || c->max_block > CONFAB_FEC_MAX_BLOCK)
    {
      g_set_error (error, CONFAB_FEC_ERROR, CONFAB_FEC_ERR_INVALID_ARGUMENT,
                   "block size must be 1-%d packets", CONFAB_FEC_MAX_BLOCK);
      return FALSE;
    }
  if (family_is_fixed (c->family))
    {
      ConfabFecMask probe;

      if (c->columns < 1 || c->columns > 255 || (c->family != CONFAB_FEC_MASK_ROWS && c->rows < 1)
          || !confab_fec_mask_fixed (c->family, block_capacity (c), c->columns, &probe))
        {
          g_set_error (error, CONFAB_FEC_ERROR, CONFAB_FEC_ERR_INVALID_ARGUMENT,
                       "invalid L x D = %u x %u for this scheme", c->columns, c->rows);
          return FALSE;
        }
    }
  else if (c->family != CONFAB_FEC_MASK_RANDOM && c->family != CONFAB_FEC_MASK_BURSTY
           && c->family != CONFAB_FEC_MASK_SEARCHED && c->family != CONFAB_FEC_MASK_SLIDING)
    {
      g_set_error (error, CONFAB_FEC_ERROR, CONFAB_FEC_ERR_INVALID_ARGUMENT,
                   "unknown mask family %d", c->family);
      return FALSE;
    }
  return TRUE;
}

ConfabFecEncoder *
confab_fec_encoder_new (const ConfabFecEncoderConfig *config, GError **error)
{
  ConfabFecEncoder *enc;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!config_is_valid (config, error))
    return NULL;
  enc = g_new0 (ConfabFecEncoder, 1);
  enc->config = *config;
  enc->block_cap = block_capacity (config);
  /* Sized for the largest block any family can use, so changing family never reallocates. */
  enc->block = g_new (BlockPacket, BLOCK_SLOTS);
  enc->mask_seed = G_GUINT64_CONSTANT (0x5eed5eed5eed5eed);
  enc->repair_seq = config->repair_seq;
  enc->next_seq = config->shared_repair_seq ? config->shared_repair_seq : &enc->repair_seq;
  confab_fec_frame_clock_init (&enc->clock, config->delay_budget_ms, config->clock_rate);
  return enc;
}

void
confab_fec_encoder_free (ConfabFecEncoder *enc)
{
  if (enc == NULL)
    return;
  for (guint i = 0; i < enc->repair_cap; i++)
    g_free (enc->repair_bufs[i]);
  g_free (enc->repair_bufs);
  g_free (enc->repair_lens);
  g_free (enc->block);
  g_free (enc);
}

void
confab_fec_encoder_set_overhead (ConfabFecEncoder *enc, guint overhead_percent,
                                 guint key_frame_overhead_percent)
{
  g_return_if_fail (enc != NULL);
  enc->config.overhead_percent = overhead_percent;
  enc->config.key_frame_overhead_percent = key_frame_overhead_percent;
}

gboolean
confab_fec_encoder_set_mask_family (ConfabFecEncoder *enc, ConfabFecMaskFamily family)
{
  ConfabFecEncoderConfig c;

  g_return_val_if_fail (enc != NULL, FALSE);
  c = enc->config;
  c.family = family;
  if (!config_is_valid (&c, NULL))
    return FALSE;
  if (enc->k > 0)
    confab_fec_encoder_flush (enc);
  /* A sliding window stays after its flush; blocks start afresh. */
  enc->k = enc->win_start = enc->pending = 0;
  enc->config = c;
  enc->block_cap = block_capacity (&c);
  return TRUE;
}

static guint
repairs_for_block (ConfabFecEncoder *enc, guint k)
{
  guint oh
      = enc->block_has_key ? enc->config.key_frame_overhead_percent : enc->config.overhead_percent;
  gint64 m;
  guint cap = MIN ((guint) CONFAB_FEC_MAX_ROWS, k);

  if (oh == 0)
    {
      enc->credit = 0;
      return 0;
    }
  /* Round to the nearest packet and carry the remainder, so the long-run overhead matches
   * what was asked for even though each block gets a whole number of repairs. */
  enc->credit += (gint64) k * oh;
  m = (enc->credit + 50) / 100;
  if (m < 0)
    m = 0;
  if (m > cap)
    m = cap;
  enc->credit -= m * 100;
  enc->credit = CLAMP (enc->credit, -100, 100);
  return (guint) m;
}

/* A buffer for the next repair packet, at the tail of the queue. */
static guint8 *
repair_buf_take (ConfabFecEncoder *enc)
{
  if (enc->repair_head == enc->repair_tail)
    enc->repair_head = enc->repair_tail = 0;
  if (enc->repair_tail == enc->repair_cap)
    {
      guint cap = MAX (enc->repair_cap * 2, (guint) CONFAB_FEC_MAX_ROWS);

      enc->repair_bufs = g_renew (guint8 *, enc->repair_bufs, cap);
      enc->repair_lens = g_renew (gsize, enc->repair_lens, cap);
      for (guint i = enc->repair_cap; i < cap; i++)
        enc->repair_bufs[i] = NULL;
      enc->repair_cap = cap;
    }
  if (enc->repair_bufs[enc->repair_tail] == NULL)
    enc->repair_bufs[enc->repair_tail] = g_malloc (REPAIR_BUF_SIZE);
  return enc->repair_bufs[enc->repair_tail];
}

/* Writes the repair packet for @row straight into a queued buffer: the headers' recovery
 * fields are XORed as scalars, the payload in one pass over the covered packets
 * (confab_fec_xor_many), in place behind the headers. */
static void
emit_repair (ConfabFecEncoder *enc, const ConfabFecBits *row, ConfabFlexfecFormat format)
{
  ConfabFecRepairInfo info = { 0 };
  const guint8 *srcs[CONFAB_FLEXFEC_MAX_MASK_BITS];
  gsize lens[CONFAB_FLEXFEC_MAX_MASK_BITS];
  guint n = 0;
  guint lowest;
  gsize header, written = 0;
  guint8 *buf;
  ConfabFecStatus st;

  CONFAB_FEC_BITS_FOREACH (row, j)
  {
    const BlockPacket *p = &enc->block[(enc->win_start + j) % BLOCK_SLOTS];

    if (j >= enc->k)
      break;
    info.byte0 ^= p->data[0] & 0x3f;
    info.byte1 ^= p->data[1];
    info.ts ^= confab_read_u32 (p->data + 4);
    info.length ^= (guint16) (p->len - CONFAB_RTP_HEADER_SIZE);
    srcs[n] = p->data + CONFAB_RTP_HEADER_SIZE;
    lens[n] = p->len - CONFAB_RTP_HEADER_SIZE;
    info.payload_len = MAX (info.payload_len, lens[n]);
    n++;
  }
  info.n_protected = 1;
  info.protected[0].ssrc = enc->ssrc;
  info.protected[0].mask = *row;
  /* SN base is the first packet the repair covers: that is what FlexFEC's fixed L/D form
   * needs, and it keeps masks (and so headers) short. */
  lowest = confab_fec_bits_lowest (row);
  confab_fec_bits_shift_down (&info.protected[0].mask, lowest);
  info.protected[0].sn_base = (guint16) (enc->sn_base + lowest);

  if (enc->config.scheme == CONFAB_FEC_SCHEME_FLEXFEC)
    {
      format = confab_flexfec_choose_format (&info, format);
      header = confab_flexfec_packet_header_size (&info, format);
    }
  else
    header = confab_ulpfec_packet_header_size (&info, enc->config.red_payload_type);
  if (header + info.payload_len > REPAIR_BUF_SIZE)
    return;
  buf = repair_buf_take (enc);
  confab_fec_xor_many (buf + header, info.payload_len, srcs, lens, n);
  info.payload = buf + header;
  if (enc->config.scheme == CONFAB_FEC_SCHEME_ULPFEC)
    st = confab_ulpfec_write_packet (&info, enc->config.payload_type, enc->config.red_payload_type,
                                     *enc->next_seq, enc->clock.last_ts, buf, REPAIR_BUF_SIZE,
                                     &written);
  else
    st = confab_flexfec_write_packet (&info, format, enc->config.payload_type,
                                      enc->config.repair_ssrc, *enc->next_seq, enc->clock.last_ts,
                                      buf, REPAIR_BUF_SIZE, &written);
  if (st != CONFAB_FEC_OK)
    return;
  enc->repair_lens[enc->repair_tail++] = written;
  (*enc->next_seq)++;
  enc->stats.repair_packets++;
  enc->stats.repair_bytes += written;
}

/* Whether ending the block now gives it at least one repair packet (or no overhead is
 * asked, so waiting would not give it one either). */
static gboolean
block_earns_repair (const ConfabFecEncoder *enc)
{
  guint oh
      = enc->block_has_key ? enc->config.key_frame_overhead_percent : enc->config.overhead_percent;

  guint n = is_sliding (enc) ? enc->pending : enc->k;

  return oh == 0 || enc->credit + (gint64) n * oh + 50 >= 100;
}

static gboolean
budget_applies (const ConfabFecEncoder *enc)
{
  return enc->clock.budget_ticks > 0 && !family_is_fixed (enc->config.family);
}

static BlockPacket *
block_packet (ConfabFecEncoder *enc, guint j)
{
  return &enc->block[(enc->win_start + j) % BLOCK_SLOTS];
}

static void
window_drop_oldest (ConfabFecEncoder *enc)
{
  enc->win_start = (enc->win_start + 1) % BLOCK_SLOTS;
  enc->sn_base++;
  enc->k--;
}

/* m rows over the whole window: over the packets no repair packet covers yet, the searched
 * (pending, m) mask, so that losses among them are as independent as a block's; over the
 * older ones, each packet in each row with probability 1/2 (dense rows keep the overlapping
 * equations independent). */
static void
sliding_mask (ConfabFecEncoder *enc, guint m, ConfabFecMask *mask)
{
  guint k = enc->k, first = k - enc->pending;
  guint64 older = first >= 64 ? G_MAXUINT64 : (G_GUINT64_CONSTANT (1) << first) - 1;
  ConfabFecMask fresh;

  confab_fec_mask_generate (CONFAB_FEC_MASK_SEARCHED, enc->pending, m, &fresh);
  memset (mask, 0, sizeof *mask);
  mask->k = k;
  mask->m = m;
  for (guint r = 0; r < m; r++)
    mask->rows[r].w[0]
        = (confab_fec_splitmix64 (&enc->mask_seed) & older) | (fresh.rows[r].w[0] << first);
}

/* Repair packets for the window's pending packets, after dropping the packets that have
 * waited longer than the budget (none of them pending). */
static guint
flush_window (ConfabFecEncoder *enc)
{
  ConfabFecMask mask;
  guint before = (guint) enc->stats.repair_packets;
  guint m;

  if (enc->pending == 0)
    return 0;
  while (enc->k > enc->pending
         && confab_fec_ticks_since (enc->clock.last_ts,
                                    confab_read_u32 (block_packet (enc, 0)->data + 4))
                > enc->clock.budget_ticks)
    window_drop_oldest (enc);
  m = repairs_for_block (enc, enc->pending);
  if (m > 0)
    {
      sliding_mask (enc, m, &mask);
      for (guint r = 0; r < m; r++)
        emit_repair (enc, &mask.rows[r], CONFAB_FLEXFEC_FORMAT_FLEXIBLE);
      enc->stats.protected_packets += enc->pending;
    }
  enc->stats.blocks++;
  enc->pending = 0;
  enc->block_has_key = FALSE;
  return (guint) enc->stats.repair_packets - before;
}

guint
confab_fec_encoder_flush (ConfabFecEncoder *enc)
{
  ConfabFecMask mask;
  ConfabFecBits covered = { { 0 } };
  guint k;
  guint n_row_repairs = 0;
  gboolean ok;
  guint before;

  g_return_val_if_fail (enc != NULL, 0);
  if (is_sliding (enc))
    return flush_window (enc);
  k = enc->k;
  if (k == 0)
    return 0;
  before = (guint) enc->stats.repair_packets;

  if (family_is_fixed (enc->config.family))
    {
      guint l = MIN (enc->config.columns, k);

      ok = confab_fec_mask_fixed (enc->config.family, k, l, &mask);
      n_row_repairs = (k + l - 1) / l;
    }
  else
    {
      guint m = repairs_for_block (enc, k);

      ok = m > 0 && confab_fec_mask_generate (enc->config.family, k, m, &mask);
    }

  if (ok)
    for (guint r = 0; r < mask.m; r++)
      {
        ConfabFlexfecFormat format = CONFAB_FLEXFEC_FORMAT_FLEXIBLE;

        switch (enc->config.family)
          {
          case CONFAB_FEC_MASK_ROWS:
            format = CONFAB_FLEXFEC_FORMAT_FIXED_ROW;
            break;
          case CONFAB_FEC_MASK_COLUMNS:
            format = CONFAB_FLEXFEC_FORMAT_FIXED_COLUMN;
            break;
          case CONFAB_FEC_MASK_2D:
            format = r < n_row_repairs ? CONFAB_FLEXFEC_FORMAT_FIXED_2D_ROW
                                       : CONFAB_FLEXFEC_FORMAT_FIXED_COLUMN;
            break;
          case CONFAB_FEC_MASK_RANDOM:
          case CONFAB_FEC_MASK_BURSTY:
          case CONFAB_FEC_MASK_SEARCHED:
          case CONFAB_FEC_MASK_SLIDING:
          default:
            break;
          }
        emit_repair (enc, &mask.rows[r], format);
        covered.w[0] |= mask.rows[r].w[0];
        covered.w[1] |= mask.rows[r].w[1];
      }

  enc->stats.protected_packets += confab_fec_bits_count (&covered);
  enc->stats.blocks++;
  enc->k = 0;
  enc->win_start = 0;
  enc->pending = 0;
  enc->block_has_key = FALSE;
  return (guint) enc->stats.repair_packets - before;
}

/* A frame boundary ends the block once the block has earned a repair packet. Otherwise a
 * one-packet delta frame at 25% overhead would go unprotected three times out of four;
 * instead small frames share a block (as libwebrtc does), which costs the frames before the
 * last one a little recovery delay. With a delay budget the block goes on while the next
 * frame, expected one interval later and as long as this one, still fits in budget and
 * block: the first packet then waits at most the budget for its repair packets. */
static gboolean
frame_ends_block (ConfabFecEncoder *enc)
{
  if (is_sliding (enc))
    return block_earns_repair (enc);
  if (enc->k < MIN (enc->config.min_block, enc->block_cap))
    return FALSE;
  /* Rows end with a frame once they hold a full row; columns only make sense over the whole
   * L x D block (that is what spreads a burst over the columns), so they wait for it. */
  if (enc->config.family == CONFAB_FEC_MASK_ROWS)
    return enc->k >= MIN (enc->config.columns, enc->block_cap);
  if (family_is_fixed (enc->config.family))
    return FALSE;
  if (!block_earns_repair (enc))
    return FALSE;
  if (!budget_applies (enc))
    return TRUE;
  if (enc->k + enc->clock.frame_packets > enc->block_cap)
    return TRUE;
  return confab_fec_frame_clock_next_frame_exceeds (&enc->clock);
}

/* Frame bookkeeping for a packet of timestamp @ts about to join the block. When the previous
 * frame's end expected the next frame sooner than it came (a dropped frame, a pause), the
 * block ends before this frame rather than exceed the budget. */
static void
note_frame (ConfabFecEncoder *enc, guint32 ts)
{
  if (!confab_fec_frame_clock_note_packet (&enc->clock, ts))
    return;
  if (budget_applies (enc) && !is_sliding (enc) && enc->k > 0
      && confab_fec_frame_clock_exceeds (&enc->clock, ts) && block_earns_repair (enc))
    confab_fec_encoder_flush (enc);
  confab_fec_frame_clock_start_frame (&enc->clock);
}

ConfabFecStatus
confab_fec_encoder_add_media (ConfabFecEncoder *enc, const guint8 *packet, gsize len,
                              gboolean key_frame)
{
  ConfabRtpView v;
  ConfabFecStatus st;
  BlockPacket *slot;

  g_return_val_if_fail (enc != NULL, CONFAB_FEC_ERR_INVALID_ARGUMENT);

  /* The packet is copied into the block: ask for all of its lines now, so that when it comes
   * from memory rather than the cache the fetches overlap the parsing instead of stalling
   * the copy line by line. */
  for (gsize off = 64; off < MIN (len, (gsize) CONFAB_FEC_MAX_PACKET_SIZE); off += 64)
    __builtin_prefetch (packet + off);
  st = confab_rtp_view_parse (&v, packet, len);
  if (st != CONFAB_FEC_OK)
    return st;
  if (confab_rtp_is_rtcp (packet, len))
    return CONFAB_FEC_ERR_UNSUPPORTED;
  if (len > CONFAB_FEC_MAX_PACKET_SIZE)
    return CONFAB_FEC_ERR_TOO_LARGE;
  if (!enc->have_ssrc)
    {
      enc->ssrc = v.ssrc;
      enc->have_ssrc = TRUE;
    }
  else if (v.ssrc != enc->ssrc)
    return CONFAB_FEC_ERR_UNKNOWN_SSRC;

  /* Masks address consecutive sequence numbers from SN base: a gap or reordering on the
   * sending side starts a new block. */
  if (enc->k > 0 && v.seq != (guint16) (enc->sn_base + enc->k))
    {
      confab_fec_encoder_flush (enc);
      enc->k = enc->win_start = 0;
    }
  note_frame (enc, v.timestamp);
  if (enc->k == 0)
    {
      enc->sn_base = v.seq;
      enc->clock.block_first_ts = v.timestamp;
    }

  if (is_sliding (enc) && enc->k == enc->block_cap)
    {
      /* The window is full: its oldest packet leaves, protected first if it is not yet. */
      if (enc->pending == enc->k)
        confab_fec_encoder_flush (enc);
      window_drop_oldest (enc);
    }
  slot = block_packet (enc, enc->k++);
  enc->pending++;
  memcpy (slot->data, packet, len);
  slot->len = len;
  confab_fec_frame_clock_added (&enc->clock, v.timestamp, v.marker);
  enc->block_has_key |= key_frame;
  enc->stats.media_packets++;
  enc->stats.media_bytes += len;

  if ((!is_sliding (enc) && enc->k >= enc->block_cap) || (v.marker && frame_ends_block (enc)))
    confab_fec_encoder_flush (enc);
  return CONFAB_FEC_OK;
}

void
confab_fec_encoder_set_next_repair_seq (ConfabFecEncoder *enc, guint16 seq)
{
  g_return_if_fail (enc != NULL);
  *enc->next_seq = seq;
}

void
confab_fec_encoder_prepare_masks (const ConfabFecEncoderConfig *config)
{
  const guint overheads[] = { config->overhead_percent, config->key_frame_overhead_percent };

  g_return_if_fail (config != NULL);
  if (family_is_fixed (config->family) || config->family == CONFAB_FEC_MASK_SLIDING)
    return;
  for (guint o = 0; o < G_N_ELEMENTS (overheads); o++)
    for (guint k = 1; k <= MIN (config->max_block, (guint) CONFAB_FEC_MAX_BLOCK); k++)
      {
        /* repairs_for_block() rounds with a carry of up to one packet either way. */
        guint mid = k * overheads[o] / 100;

        for (guint m = MAX (mid, 2u) - 1; m <= MIN (mid + 1, k) && overheads[o] > 0; m++)
          {
            ConfabFecMask mask;

            confab_fec_mask_generate (config->family, k, m, &mask);
          }
      }
}

const guint8 *
confab_fec_encoder_next_repair (ConfabFecEncoder *enc, gsize *len)
{
  g_return_val_if_fail (enc != NULL && len != NULL, NULL);
  *len = 0;
  if (enc->repair_head == enc->repair_tail)
    return NULL;
  *len = enc->repair_lens[enc->repair_head];
  return enc->repair_bufs[enc->repair_head++];
}

GBytes *
confab_fec_encoder_pop_repair (ConfabFecEncoder *enc)
{
  const guint8 *data;
  gsize len;

  g_return_val_if_fail (enc != NULL, NULL);
  data = confab_fec_encoder_next_repair (enc, &len);
  return data ? g_bytes_new (data, len) : NULL;
}

void
confab_fec_encoder_get_stats (ConfabFecEncoder *enc, ConfabFecEncoderStats *stats)
{
  g_return_if_fail (enc != NULL && stats != NULL);
  *stats = enc->stats;
}
