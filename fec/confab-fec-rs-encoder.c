/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-fec-rs-encoder.h"

#include <string.h>

#include "confab-fec-frame-clock-private.h"
#include "confab-fec-rs-gf-private.h"
#include "confab-fec-rs.h"

#define REPAIR_OFFSET (CONFAB_RTP_HEADER_SIZE + CONFAB_FEC_RS_HEADER_SIZE)
#define REPAIR_BUF (REPAIR_OFFSET + CONFAB_FEC_RS_SYMBOL_BUF)

struct _ConfabFecRsEncoder
{
  ConfabFecRsEncoderConfig config;
  gboolean have_ssrc;
  guint32 ssrc;

  /* The block being filled: k symbols from sequence number base on. */
  guint16 base;
  guint k;
  gboolean key;
  ConfabFecFrameClock clock; /* frame timing, for the delay budget */
  gsize max_sym;
  guint8 *syms[CONFAB_FEC_RS_MAX_K];
  gsize sym_lens[CONFAB_FEC_RS_MAX_K];
  /* Repair packets earned but not sent, in hundredths. */
  guint credit;

  /* Repair packets waiting: out_next .. n_out - 1. Room for two blocks, as one media packet
   * can end two (a sequence jump, then its marker bit). */
  guint8 *out[2 * CONFAB_FEC_RS_MAX_M];
  gsize out_lens[2 * CONFAB_FEC_RS_MAX_M];
  guint n_out;
  guint out_next;
  guint16 repair_seq;
  guint16 *seq; /* &repair_seq, or the shared counter */

  ConfabFecRsEncoderStats stats;
};

void
confab_fec_rs_encoder_config_init (ConfabFecRsEncoderConfig *config)
{
  g_return_if_fail (config != NULL);
  memset (config, 0, sizeof *config);
  config->overhead_percent = 25;
  config->key_frame_overhead_percent = 50;
  config->max_block = 48;
  config->min_block = 1;
}

ConfabFecRsEncoder *
confab_fec_rs_encoder_new (const ConfabFecRsEncoderConfig *config, GError **error)
{
  ConfabFecRsEncoder *enc;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (config->overhead_percent > 400 || config->key_frame_overhead_percent > 400
      || config->payload_type > 127 || config->max_block < 1
      || config->max_block > CONFAB_FEC_RS_MAX_K || config->min_block > config->max_block
      || config->delay_budget_ms > 60000 || config->clock_rate > 1000000)
    {
      g_set_error_literal (error, CONFAB_FEC_ERROR, CONFAB_FEC_ERR_INVALID_ARGUMENT,
                           "invalid Reed-Solomon encoder configuration");
      return NULL;
    }
  enc = g_new0 (ConfabFecRsEncoder, 1);
  enc->config = *config;
  confab_fec_frame_clock_init (&enc->clock, config->delay_budget_ms, config->clock_rate);
  enc->repair_seq = config->repair_seq;
  enc->seq = config->shared_repair_seq ? config->shared_repair_seq : &enc->repair_seq;
  return enc;
}

void
confab_fec_rs_encoder_free (ConfabFecRsEncoder *enc)
{
  if (enc == NULL)
    return;
  for (guint i = 0; i < CONFAB_FEC_RS_MAX_K; i++)
    g_aligned_free (enc->syms[i]);
  for (guint j = 0; j < G_N_ELEMENTS (enc->out); j++)
    g_aligned_free (enc->out[j]);
  g_free (enc);
}

/* Writes repair packet @j of the block into output buffer @slot. */
static void
encode_repair (ConfabFecRsEncoder *enc, guint j, guint m, guint slot)
{
  guint8 coefs[CONFAB_FEC_RS_MAX_K];
  ConfabFecRsRepair hdr = { .ssrc = enc->ssrc,
                            .sn_base = enc->base,
                            .k = (guint8) enc->k,
                            .m = (guint8) m,
                            .index = (guint8) j };
  guint8 *out;

  if (enc->out[slot] == NULL)
    enc->out[slot] = g_aligned_alloc (1, REPAIR_BUF, 64);
  out = enc->out[slot];
  for (guint i = 0; i < enc->k; i++)
    coefs[i] = confab_fec_rs_coef (j, i);
  out[0] = 0x80;
  out[1] = enc->config.payload_type;
  confab_write_u16 (out + 2, (*enc->seq)++);
  confab_write_u32 (out + 4, enc->clock.last_ts);
  confab_write_u32 (out + 8, enc->config.repair_ssrc);
  confab_fec_rs_write_header (&hdr, out + CONFAB_RTP_HEADER_SIZE);
  confab_fec_rs_gf_dot (out + REPAIR_OFFSET, enc->max_sym, (const guint8 *const *) enc->syms,
                        enc->sym_lens, coefs, enc->k);
  enc->out_lens[slot] = REPAIR_OFFSET + enc->max_sym;
  enc->stats.repair_bytes += enc->out_lens[slot];
}

static gboolean
block_earns_repair (const ConfabFecRsEncoder *enc)
{
  guint pct = enc->key ? enc->config.key_frame_overhead_percent : enc->config.overhead_percent;

  return enc->credit + enc->k * pct >= 100;
}

/* At a frame's end: the block ends once it has earned a repair packet, or with a budget once
 * the next frame (as long as this one) would not fit in the budget or the block. */
static gboolean
frame_ends_block (const ConfabFecRsEncoder *enc)
{
  if (enc->k < enc->config.min_block || !block_earns_repair (enc))
    return FALSE;
  if (enc->clock.budget_ticks == 0)
    return TRUE;
  return enc->k + enc->clock.frame_packets > enc->config.max_block
         || confab_fec_frame_clock_next_frame_exceeds (&enc->clock);
}

guint
confab_fec_rs_encoder_flush (ConfabFecRsEncoder *enc)
{
  guint pct, m;

  g_return_val_if_fail (enc != NULL, 0);
  if (enc->k == 0)
    return 0;
  pct = enc->key ? enc->config.key_frame_overhead_percent : enc->config.overhead_percent;
  enc->credit += enc->k * pct;
  m = MIN (enc->credit / 100, MIN ((guint) CONFAB_FEC_RS_MAX_M, 255 - enc->k));
  enc->credit = m == enc->credit / 100 ? enc->credit % 100 : 0;
  /* The caller sends repair packets right after the call that made them: what is still
   * queued beyond one more block is dropped. */
  if (enc->out_next == enc->n_out || enc->n_out + m > G_N_ELEMENTS (enc->out))
    enc->n_out = enc->out_next = 0;
  for (guint j = 0; j < m; j++)
    encode_repair (enc, j, m, enc->n_out + j);
  enc->n_out += m;
  enc->stats.blocks++;
  enc->stats.repair_packets += m;
  if (m > 0)
    enc->stats.protected_packets += enc->k;
  enc->k = 0;
  enc->key = FALSE;
  enc->max_sym = 0;
  return m;
}

ConfabFecStatus
confab_fec_rs_encoder_add_media (ConfabFecRsEncoder *enc, const guint8 *packet, gsize len,
                                 gboolean key_frame)
{
  ConfabRtpView v;
  ConfabFecStatus st;

  g_return_val_if_fail (enc != NULL, CONFAB_FEC_ERR_INVALID_ARGUMENT);
  st = confab_rtp_view_parse (&v, packet, len);
  if (st != CONFAB_FEC_OK)
    return st;
  if (len > CONFAB_FEC_RS_MAX_MEDIA)
    return CONFAB_FEC_ERR_TOO_LARGE;
  if (enc->have_ssrc && v.ssrc != enc->ssrc)
    return CONFAB_FEC_ERR_UNKNOWN_SSRC;
  enc->have_ssrc = TRUE;
  enc->ssrc = v.ssrc;
  if (enc->k > 0 && v.seq != (guint16) (enc->base + enc->k))
    confab_fec_rs_encoder_flush (enc);
  if (confab_fec_frame_clock_note_packet (&enc->clock, v.timestamp))
    {
      /* A frame later than the last one's end predicted (a dropped frame, a pause) ends the
       * block before it rather than exceed the budget. */
      if (enc->clock.budget_ticks && enc->k > 0 && block_earns_repair (enc)
          && confab_fec_frame_clock_exceeds (&enc->clock, v.timestamp))
        confab_fec_rs_encoder_flush (enc);
      confab_fec_frame_clock_start_frame (&enc->clock);
    }
  if (enc->k == 0)
    {
      enc->base = v.seq;
      enc->clock.block_first_ts = v.timestamp;
    }
  if (enc->syms[enc->k] == NULL)
    enc->syms[enc->k] = g_aligned_alloc (1, CONFAB_FEC_RS_SYMBOL_BUF, 64);
  enc->sym_lens[enc->k] = confab_fec_rs_symbol_from_packet (packet, len, enc->syms[enc->k]);
  enc->max_sym = MAX (enc->max_sym, enc->sym_lens[enc->k]);
  enc->k++;
  enc->key |= key_frame;
  confab_fec_frame_clock_added (&enc->clock, v.timestamp, v.marker);
  enc->stats.media_packets++;
  enc->stats.media_bytes += len;

  if (enc->k >= enc->config.max_block || (v.marker && frame_ends_block (enc)))
    confab_fec_rs_encoder_flush (enc);
  return CONFAB_FEC_OK;
}

void
confab_fec_rs_encoder_set_overhead (ConfabFecRsEncoder *enc, guint overhead_percent,
                                    guint key_frame_overhead_percent)
{
  g_return_if_fail (enc != NULL);
  enc->config.overhead_percent = MIN (overhead_percent, 400u);
  enc->config.key_frame_overhead_percent = MIN (key_frame_overhead_percent, 400u);
}

const guint8 *
confab_fec_rs_encoder_next_repair (ConfabFecRsEncoder *enc, gsize *len)
{
  g_return_val_if_fail (enc != NULL && len != NULL, NULL);
  if (enc->out_next >= enc->n_out)
    {
      *len = 0;
      return NULL;
    }
  *len = enc->out_lens[enc->out_next];
  return enc->out[enc->out_next++];
}

GBytes *
confab_fec_rs_encoder_pop_repair (ConfabFecRsEncoder *enc)
{
  gsize len;
  const guint8 *d = confab_fec_rs_encoder_next_repair (enc, &len);

  return d ? g_bytes_new (d, len) : NULL;
}

void
confab_fec_rs_encoder_get_stats (ConfabFecRsEncoder *enc, ConfabFecRsEncoderStats *stats)
{
  g_return_if_fail (enc != NULL && stats != NULL);
  *stats = enc->stats;
}
