/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-fec-encoder.h"

#include <string.h>

#include "confab-fec-mask.h"
#include "confab-fec-parity.h"
#include "confab-flexfec.h"
#include "confab-rtp-packet.h"
#include "confab-ulpfec.h"

typedef struct
{
  gsize len;
  guint8 data[CONFAB_FEC_MAX_PACKET_SIZE];
} BlockPacket;

struct _ConfabFecEncoder
{
  ConfabFecEncoderConfig config;
  guint block_cap;

  gboolean have_ssrc;
  guint32 ssrc;

  BlockPacket *block; /* block_cap slots */
  guint k;
  guint16 sn_base;
  gboolean block_has_key;
  guint32 last_ts;

  gint64 credit; /* overhead owed, in percent of a packet, carried across blocks */
  guint16 repair_seq;
  guint16 *next_seq; /* &repair_seq, or the shared counter */
  GQueue repairs;
  ConfabFecParity parity;
  ConfabFecEncoderStats stats;
};

void
confab_fec_encoder_config_init (ConfabFecEncoderConfig *config)
{
  g_return_if_fail (config != NULL);
  memset (config, 0, sizeof *config);
  config->scheme = CONFAB_FEC_SCHEME_FLEXFEC;
  config->family = CONFAB_FEC_MASK_RANDOM;
  config->overhead_percent = 25;
  config->key_frame_overhead_percent = 50;
  config->red_payload_type = -1;
  config->max_block = CONFAB_FEC_MAX_BLOCK;
  config->columns = 4;
  config->rows = 4;
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
  else if (c->family != CONFAB_FEC_MASK_RANDOM && c->family != CONFAB_FEC_MASK_BURSTY)
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
  enc->block = g_new (BlockPacket, CONFAB_FLEXFEC_MAX_MASK_BITS);
  enc->repair_seq = config->repair_seq;
  enc->next_seq = config->shared_repair_seq ? config->shared_repair_seq : &enc->repair_seq;
  g_queue_init (&enc->repairs);
  return enc;
}

void
confab_fec_encoder_free (ConfabFecEncoder *enc)
{
  if (enc == NULL)
    return;
  g_queue_clear_full (&enc->repairs, (GDestroyNotify) g_bytes_unref);
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

static void
emit_repair (ConfabFecEncoder *enc, const ConfabFecBits *row, ConfabFlexfecFormat format)
{
  ConfabFecRepairInfo info = { 0 };
  GBytes *pkt;
  guint k = enc->k;
  guint lowest;

  confab_fec_parity_reset (&enc->parity);
  for (guint j = 0; j < k; j++)
    if (confab_fec_bits_get (row, j))
      confab_fec_parity_add (&enc->parity, enc->block[j].data, enc->block[j].len);
  confab_fec_repair_info_set_parity (&info, &enc->parity);
  info.n_protected = 1;
  info.protected[0].ssrc = enc->ssrc;
  info.protected[0].mask = *row;
  /* SN base is the first packet the repair covers: that is what FlexFEC's fixed L/D form
   * needs, and it keeps masks (and so headers) short. */
  lowest = confab_fec_bits_lowest (row);
  confab_fec_bits_shift_down (&info.protected[0].mask, lowest);
  info.protected[0].sn_base = (guint16) (enc->sn_base + lowest);

  if (enc->config.scheme == CONFAB_FEC_SCHEME_ULPFEC)
    pkt = confab_ulpfec_packet_new (&info, enc->config.payload_type, enc->config.red_payload_type,
                                    *enc->next_seq, enc->last_ts);
  else
    pkt = confab_flexfec_packet_new (&info, confab_flexfec_choose_format (&info, format),
                                     enc->config.payload_type, enc->config.repair_ssrc,
                                     *enc->next_seq, enc->last_ts);
  if (pkt == NULL)
    return;
  (*enc->next_seq)++;
  enc->stats.repair_packets++;
  enc->stats.repair_bytes += g_bytes_get_size (pkt);
  g_queue_push_tail (&enc->repairs, pkt);
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
  enc->block_has_key = FALSE;
  return (guint) enc->stats.repair_packets - before;
}

/* A frame boundary ends the block once the block has earned a repair packet. Otherwise a
 * one-packet delta frame at 25% overhead would go unprotected three times out of four;
 * instead small frames share a block (as libwebrtc does), which costs the frames before the
 * last one a little recovery delay. */
static gboolean
frame_ends_block (ConfabFecEncoder *enc)
{
  guint oh;

  if (enc->k < MIN (enc->config.min_block, enc->block_cap))
    return FALSE;
  /* Rows end with a frame once they hold a full row; columns only make sense over the whole
   * L x D block (that is what spreads a burst over the columns), so they wait for it. */
  if (enc->config.family == CONFAB_FEC_MASK_ROWS)
    return enc->k >= MIN (enc->config.columns, enc->block_cap);
  if (family_is_fixed (enc->config.family))
    return FALSE;
  oh = enc->block_has_key ? enc->config.key_frame_overhead_percent : enc->config.overhead_percent;
  if (oh == 0)
    return TRUE;
  return enc->credit + (gint64) enc->k * oh + 50 >= 100;
}

ConfabFecStatus
confab_fec_encoder_add_media (ConfabFecEncoder *enc, const guint8 *packet, gsize len,
                              gboolean key_frame)
{
  ConfabRtpView v;
  ConfabFecStatus st;
  BlockPacket *slot;

  g_return_val_if_fail (enc != NULL, CONFAB_FEC_ERR_INVALID_ARGUMENT);

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
    confab_fec_encoder_flush (enc);
  if (enc->k == 0)
    enc->sn_base = v.seq;

  slot = &enc->block[enc->k++];
  memcpy (slot->data, packet, len);
  slot->len = len;
  enc->last_ts = v.timestamp;
  enc->block_has_key |= key_frame;
  enc->stats.media_packets++;
  enc->stats.media_bytes += len;

  if (enc->k >= enc->block_cap || (v.marker && frame_ends_block (enc)))
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
  if (family_is_fixed (config->family))
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

GBytes *
confab_fec_encoder_pop_repair (ConfabFecEncoder *enc)
{
  g_return_val_if_fail (enc != NULL, NULL);
  return g_queue_pop_head (&enc->repairs);
}

void
confab_fec_encoder_get_stats (ConfabFecEncoder *enc, ConfabFecEncoderStats *stats)
{
  g_return_if_fail (enc != NULL && stats != NULL);
  *stats = enc->stats;
}
