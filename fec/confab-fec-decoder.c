/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The decoder's API: packets in, recovered packets out. The window bookkeeping is in
 * confab-fec-decoder-window.c, the solver in confab-fec-decoder-solve.c. */
#include "confab-fec-decoder-private.h"

#include <string.h>

#include "confab-flexfec.h"
#include "confab-red.h"
#include "confab-rtp-packet.h"
#include "confab-ulpfec.h"

void
confab_fec_decoder_config_init (ConfabFecDecoderConfig *config)
{
  g_return_if_fail (config != NULL);
  memset (config, 0, sizeof *config);
  config->ulpfec_pt = -1;
  config->red_pt = -1;
  config->flexfec_pt = -1;
  config->window = 256;
  config->max_repairs = 128;
  config->max_streams = 4;
}

ConfabFecDecoder *
confab_fec_decoder_new (const ConfabFecDecoderConfig *config, GError **error)
{
  ConfabFecDecoder *dec;
  const ConfabFecDecoderConfig *c = config;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (c->window < 128 || c->window > 4096 || (c->window & (c->window - 1)) != 0
      || c->max_repairs < 1 || c->max_repairs > 1024 || c->max_streams < 1 || c->max_streams > 16
      || c->ulpfec_pt > 127 || c->red_pt > 127 || c->flexfec_pt > 127)
    {
      g_set_error_literal (error, CONFAB_FEC_ERROR, CONFAB_FEC_ERR_INVALID_ARGUMENT,
                           "invalid FEC decoder configuration");
      return NULL;
    }
  dec = g_new0 (ConfabFecDecoder, 1);
  dec->config = *c;
  dec->wmask = c->window - 1;
  dec->streams = g_new0 (Stream, c->max_streams);
  dec->repairs = g_new0 (Repair *, c->max_repairs);
  dec->comb_words = (c->max_repairs + 63) / 64;
  dec->elim_unk = g_malloc0_n (c->max_repairs, sizeof (guint64[UNK_WORDS]));
  dec->elim_comb = g_new0 (guint64, (gsize) c->max_repairs * dec->comb_words);
  dec->ready = g_new0 (guint64, dec->comb_words);
  confab_fec_dec_mem_add (
      dec,
      sizeof *dec + sizeof (Stream) * c->max_streams
          + (sizeof (Repair *) + sizeof (guint64) * (UNK_WORDS + dec->comb_words)) * c->max_repairs
          + sizeof (guint64) * dec->comb_words);
  return dec;
}

void
confab_fec_decoder_free (ConfabFecDecoder *dec)
{
  if (dec == NULL)
    return;
  for (guint i = 0; i < dec->config.max_streams; i++)
    confab_fec_dec_stream_release (dec, &dec->streams[i]);
  for (guint i = 0; i < dec->config.max_repairs; i++)
    g_free (dec->repairs[i]);
  for (guint i = 0; i < dec->n_out; i++)
    g_free (dec->out_bufs[(dec->out_head + i) % MAX_OUTPUT]);
  for (guint i = 0; i < dec->n_spare; i++)
    g_free (dec->spare[i]);
  g_free (dec->lent);
  g_free (dec->ready);
  g_free (dec->streams);
  g_free (dec->repairs);
  g_free (dec->elim_unk);
  g_free (dec->elim_comb);
  g_free (dec);
}

static ConfabFecPacketKind
push_repair (ConfabFecDecoder *dec, ConfabFecStatus st, const ConfabFecRepairInfo *info,
             ConfabFecStatus *status)
{
  guint peel_now = G_MAXUINT;

  dec->stats.repair_packets++;
  if (st == CONFAB_FEC_OK)
    st = confab_fec_dec_repair_add (dec, info, &peel_now);
  if (st != CONFAB_FEC_OK)
    dec->stats.repair_rejected++;
  else if (peel_now != G_MAXUINT)
    {
      confab_fec_dec_peel_info (dec, info);
      confab_fec_dec_solve (dec, peel_now + 1);
    }
  else
    confab_fec_dec_run_recovery (dec);
  if (status)
    *status = st;
  return CONFAB_FEC_PACKET_REPAIR;
}

static ConfabFecPacketKind
push_media (ConfabFecDecoder *dec, const ConfabRtpView *v, const guint8 *data, gsize len,
            gboolean red, ConfabFecStatus *status)
{
  gint si = confab_fec_dec_stream_find (dec, v->ssrc);
  Stream *s;
  gint64 ext;

  dec->stats.media_packets++;
  if (status)
    *status = CONFAB_FEC_OK;
  if (len > CONFAB_FEC_MAX_PACKET_SIZE)
    {
      if (status)
        *status = CONFAB_FEC_ERR_TOO_LARGE;
      return CONFAB_FEC_PACKET_MEDIA;
    }
  if (si < 0)
    si = (gint) confab_fec_dec_stream_create (dec, v->ssrc, v->seq);
  s = &dec->streams[si];
  /* Recovered packets are wrapped the way this stream's media last arrived. */
  s->red = red;
  if (red)
    s->red_pt = v->payload_type;
  ext = confab_fec_dec_stream_ext (s, v->seq);
  if (ext < confab_fec_dec_stream_low (dec, s))
    {
      dec->stats.late++;
      return CONFAB_FEC_PACKET_MEDIA;
    }
  if (ext < s->start)
    s->start = ext;
  if (confab_fec_dec_stream_slot (dec, s, ext))
    {
      dec->stats.duplicates++;
      return CONFAB_FEC_PACKET_DUPLICATE;
    }
  confab_fec_dec_stream_store (dec, (guint) si, ext, data, len);
  confab_fec_dec_run_recovery (dec);
  return CONFAB_FEC_PACKET_MEDIA;
}

/* WebRTC's ULPFEC-in-RED packets use sequence numbers of the media stream; note them so
 * their numbers do not count as lost media. */
static void
mark_filler (ConfabFecDecoder *dec, const ConfabRtpView *v)
{
  gint si = confab_fec_dec_stream_find (dec, v->ssrc);
  Stream *s;
  gint64 ext;
  Slot *slot;

  if (si < 0)
    return;
  s = &dec->streams[si];
  ext = confab_fec_dec_stream_ext (s, v->seq);
  if (ext < confab_fec_dec_stream_low (dec, s)
      || ext > s->highest + (gint64) dec->config.window / 2)
    return;
  confab_fec_dec_stream_advance (dec, (guint) si, ext);
  slot = &s->slots[ext & dec->wmask];
  if (slot->ext == ext && !slot->present)
    slot->filler = TRUE;
}

/* Asks for the lines of a packet from @from on. */
static inline void
prefetch_packet (const guint8 *data, gsize len, gsize from)
{
  for (gsize off = from; off < MIN (len, (gsize) CONFAB_FEC_MAX_PACKET_SIZE); off += 64)
    __builtin_prefetch (data + off);
}

ConfabFecPacketKind
confab_fec_decoder_push (ConfabFecDecoder *dec, const guint8 *data, gsize len,
                         ConfabFecStatus *status)
{
  ConfabRtpView v;
  ConfabFecRepairInfo info;
  ConfabFecStatus st;
  const ConfabFecDecoderConfig *c;

  g_return_val_if_fail (dec != NULL, CONFAB_FEC_PACKET_NOT_RTP);
  c = &dec->config;
  if (status)
    *status = CONFAB_FEC_OK;

  /* A media packet is copied into the window, a useful repair packet XORed: ask for all of
   * its lines now, so that when it comes from memory rather than the cache the fetches
   * overlap the parsing and bookkeeping instead of stalling the copy line by line. */
  prefetch_packet (data, len, 64);
  st = confab_rtp_view_parse (&v, data, len);
  if (st != CONFAB_FEC_OK || confab_rtp_is_rtcp (data, len))
    {
      if (status)
        *status = st != CONFAB_FEC_OK ? st : CONFAB_FEC_ERR_UNSUPPORTED;
      return CONFAB_FEC_PACKET_NOT_RTP;
    }

  if (c->flexfec_pt >= 0 && v.payload_type == c->flexfec_pt
      && (c->flexfec_ssrc == 0 || v.ssrc == c->flexfec_ssrc))
    {
      st = confab_flexfec_parse (&v, &info);
      return push_repair (dec, st, &info, status);
    }
  if (c->ulpfec_pt >= 0 && v.payload_type == c->ulpfec_pt)
    {
      st = confab_ulpfec_parse (v.payload, v.payload_len, v.ssrc, &info);
      return push_repair (dec, st, &info, status);
    }
  if (c->red_pt >= 0 && v.payload_type == c->red_pt)
    {
      ConfabRedBlock blocks[16];
      guint n = 0;
      gsize inner_len = 0;

      st = confab_red_parse (v.payload, v.payload_len, blocks, G_N_ELEMENTS (blocks), &n);
      if (st == CONFAB_FEC_OK && c->ulpfec_pt >= 0 && blocks[n - 1].payload_type == c->ulpfec_pt)
        {
          mark_filler (dec, &v);
          st = confab_ulpfec_parse (blocks[n - 1].data, blocks[n - 1].len, v.ssrc, &info);
          return push_repair (dec, st, &info, status);
        }
      if (st == CONFAB_FEC_OK)
        {
          /* The inner packet straight from the blocks parsed above: RTP header with the
           * primary block's payload type, its data, the padding as it was. */
          const ConfabRedBlock *primary = &blocks[n - 1];

          inner_len = v.header_len + primary->len + v.padding_len;
          if (inner_len > CONFAB_FEC_MAX_PACKET_SIZE)
            st = CONFAB_FEC_ERR_TOO_LARGE;
          else
            {
              memcpy (dec->packet_buf, data, v.header_len);
              dec->packet_buf[1] = (data[1] & 0x80) | primary->payload_type;
              memcpy (dec->packet_buf + v.header_len, primary->data, primary->len);
              memcpy (dec->packet_buf + v.header_len + primary->len, data + len - v.padding_len,
                      v.padding_len);
            }
        }
      if (st != CONFAB_FEC_OK)
        {
          /* Broken RED: still media as far as the stream goes, just not protectable. */
          dec->stats.media_packets++;
          if (status)
            *status = st;
          return CONFAB_FEC_PACKET_MEDIA;
        }
      {
        ConfabRtpView inner;

        /* Recovery writes into its own buffers, so packet_buf stays as it is until
         * push_media has stored it. */
        if (confab_rtp_view_parse (&inner, dec->packet_buf, inner_len) != CONFAB_FEC_OK)
          return CONFAB_FEC_PACKET_MEDIA;
        return push_media (dec, &inner, dec->packet_buf, inner_len, TRUE, status);
      }
    }
  return push_media (dec, &v, data, len, FALSE, status);
}

void
confab_fec_decoder_push_many (ConfabFecDecoder *dec, const guint8 *const *data, const gsize *len,
                              guint n, ConfabFecPacketKind *kinds)
{
  g_return_if_fail (dec != NULL && (n == 0 || (data != NULL && len != NULL)));
  if (n > 0)
    prefetch_packet (data[0], len[0], 0);
  for (guint i = 0; i < n; i++)
    {
      ConfabFecPacketKind k;

      /* The next packet's lines are on their way while this one is handled. */
      if (i + 1 < n)
        prefetch_packet (data[i + 1], len[i + 1], 0);
      k = confab_fec_decoder_push (dec, data[i], len[i], NULL);
      if (kinds)
        kinds[i] = k;
    }
}

const guint8 *
confab_fec_decoder_next_recovered (ConfabFecDecoder *dec, gsize *len)
{
  g_return_val_if_fail (dec != NULL && len != NULL, NULL);
  /* The previous answer's buffer is the caller's no more. */
  confab_fec_dec_buffer_give (dec, g_steal_pointer (&dec->lent));
  *len = 0;
  while (dec->n_out > 0)
    {
      guint i = dec->out_head;
      const Stream *s = &dec->streams[dec->out_stream[i]];
      const Slot *slot;

      dec->out_head = (dec->out_head + 1) % MAX_OUTPUT;
      dec->n_out--;
      if (dec->out_bufs[i])
        {
          dec->lent = dec->out_bufs[i];
          *len = dec->out_lens[i];
          return dec->lent;
        }
      /* In the window: still there unless the caller let a whole window go by, or the
       * stream's entry went to another SSRC (drained streams keep their slots). */
      slot = s->slots && s->ssrc == dec->out_ssrc[i]
                 ? confab_fec_dec_stream_slot (dec, s, dec->out_ext[i])
                 : NULL;
      if (slot)
        {
          *len = slot->len;
          return slot->data;
        }
    }
  return NULL;
}

GBytes *
confab_fec_decoder_pop_recovered (ConfabFecDecoder *dec)
{
  const guint8 *data;
  gsize len;

  g_return_val_if_fail (dec != NULL, NULL);
  data = confab_fec_decoder_next_recovered (dec, &len);
  return data ? g_bytes_new (data, len) : NULL;
}

void
confab_fec_decoder_drain (ConfabFecDecoder *dec)
{
  g_return_if_fail (dec != NULL);

  for (guint i = 0; i < dec->config.max_streams; i++)
    {
      Stream *s = &dec->streams[i];
      gint64 top, bottom;

      if (!s->active)
        continue;
      /* Losses at either end of a block are only known from the repair packets naming
       * them. */
      top = s->highest;
      bottom = s->start;
      for (guint r = 0; r < dec->repairs_end; r++)
        {
          Repair *rep = confab_fec_dec_repair_at (dec, r);
          const RepairProt *prot = rep ? confab_fec_dec_repair_prot (rep, i) : NULL;

          if (prot)
            {
              top = MAX (top, confab_fec_dec_prot_high (prot));
              bottom = MIN (bottom, confab_fec_dec_prot_low (prot));
            }
        }
      for (gint64 e = MAX (bottom, confab_fec_dec_stream_low (dec, s)); e <= top; e++)
        if (!confab_fec_dec_stream_slot (dec, s, e)
            && !(e <= s->highest && s->slots[e & dec->wmask].filler))
          dec->stats.unrecovered++;
      s->active = FALSE;
    }
  for (guint r = 0; r < dec->config.max_repairs; r++)
    confab_fec_dec_repair_free (dec, r);
  dec->elim_dirty = FALSE;
}

void
confab_fec_decoder_get_stats (ConfabFecDecoder *dec, ConfabFecDecoderStats *stats)
{
  g_return_if_fail (dec != NULL && stats != NULL);
  *stats = dec->stats;
}
