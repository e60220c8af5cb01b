/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The decoder's bookkeeping: per media SSRC a window of held packets, and the repair
 * packets waiting for enough of them; what comes in and what falls out of both. */
#include "confab-fec-decoder-private.h"

#include <string.h>

#include "confab-red.h"
#include "confab-rtp-packet.h"

/* Streams */

gint
confab_fec_dec_stream_find (ConfabFecDecoder *dec, guint32 ssrc)
{
  for (guint i = 0; i < dec->config.max_streams; i++)
    if (dec->streams[i].active && dec->streams[i].ssrc == ssrc)
      return (gint) i;
  return -1;
}

void
confab_fec_dec_stream_release (ConfabFecDecoder *dec, Stream *s)
{
  if (s->slots)
    {
      for (guint i = 0; i < dec->config.window; i++)
        if (s->slots[i].data)
          {
            g_aligned_free (s->slots[i].data);
            confab_fec_dec_mem_sub (dec, CONFAB_FEC_MAX_PACKET_SIZE);
          }
      g_free (s->slots);
      g_free (s->unk_gen);
      g_free (s->unk_idx);
      confab_fec_dec_mem_sub (dec, dec->config.window
                                       * (sizeof (Slot) + sizeof (guint32) + sizeof (guint16)));
    }
  memset (s, 0, sizeof *s);
}

static void
stream_clear_slots (ConfabFecDecoder *dec, Stream *s)
{
  for (guint i = 0; i < dec->config.window; i++)
    {
      s->slots[i].present = FALSE;
      s->slots[i].filler = FALSE;
      s->slots[i].ext = -1;
    }
}

guint
confab_fec_dec_stream_create (ConfabFecDecoder *dec, guint32 ssrc, guint16 seq)
{
  guint victim = 0;
  Stream *s;

  /* A free slot, else the stream idle the longest (with its repair packets). */
  for (guint i = 0; i < dec->config.max_streams; i++)
    {
      if (!dec->streams[i].active)
        {
          victim = i;
          break;
        }
      if (dec->streams[i].last_use < dec->streams[victim].last_use)
        victim = i;
    }
  s = &dec->streams[victim];
  if (s->active)
    {
      for (guint r = 0; r < dec->repairs_end; r++)
        {
          Repair *rep = confab_fec_dec_repair_at (dec, r);

          if (rep && confab_fec_dec_repair_prot (rep, victim))
            confab_fec_dec_repair_free (dec, r);
        }
    }
  if (s->slots == NULL)
    {
      s->slots = g_new0 (Slot, dec->config.window);
      s->unk_gen = g_new0 (guint32, dec->config.window);
      s->unk_idx = g_new0 (guint16, dec->config.window);
      confab_fec_dec_mem_add (dec, dec->config.window
                                       * (sizeof (Slot) + sizeof (guint32) + sizeof (guint16)));
    }
  stream_clear_slots (dec, s);
  s->active = TRUE;
  s->ssrc = ssrc;
  s->red = FALSE;
  s->start = EXT_BASE + seq;
  s->highest = s->start - 1;
  s->cover_lo = 1;
  s->cover_hi = 0;
  s->last_use = ++dec->use_clock;
  return victim;
}

/* Repairs */

void
confab_fec_dec_repair_free (ConfabFecDecoder *dec, guint idx)
{
  Repair *rep = dec->repairs[idx];

  if (rep && rep->used)
    {
      rep->used = FALSE;
      dec->n_repairs--;
    }
  dec->ready[idx / 64] &= ~(G_GUINT64_CONSTANT (1) << (idx % 64));
  while (dec->repairs_end > 0 && confab_fec_dec_repair_at (dec, dec->repairs_end - 1) == NULL)
    dec->repairs_end--;
}

void
confab_fec_dec_repair_set_missing (ConfabFecDecoder *dec, guint idx, guint missing)
{
  guint64 bit = G_GUINT64_CONSTANT (1) << (idx % 64);

  dec->repairs[idx]->missing = missing;
  if (missing == 1)
    dec->ready[idx / 64] |= bit;
  else
    dec->ready[idx / 64] &= ~bit;
}

/* Drops repair packets that reach below a stream's window: the packets they need are gone.
 * The stream's cover range shrinks to what the rest cover. */
static void
repairs_expire (ConfabFecDecoder *dec, guint stream)
{
  Stream *s = &dec->streams[stream];
  gint64 low = confab_fec_dec_stream_low (dec, s);
  gint64 lo = G_MAXINT64, hi = G_MININT64;

  if (dec->n_repairs == 0)
    {
      s->cover_lo = 1;
      s->cover_hi = 0;
      return;
    }
  if (s->cover_lo > s->cover_hi || s->cover_lo >= low)
    return;
  for (guint r = 0; r < dec->repairs_end; r++)
    {
      Repair *rep = confab_fec_dec_repair_at (dec, r);
      const RepairProt *prot = rep ? confab_fec_dec_repair_prot (rep, stream) : NULL;

      if (prot == NULL)
        continue;
      if (confab_fec_dec_prot_low (prot) < low)
        confab_fec_dec_repair_free (dec, r);
      else
        {
          lo = MIN (lo, confab_fec_dec_prot_low (prot));
          hi = MAX (hi, confab_fec_dec_prot_high (prot));
        }
    }
  s->cover_lo = lo;
  s->cover_hi = hi;
}

/* Moves the window up to @ext, counting what falls out never seen. */
void
confab_fec_dec_stream_advance (ConfabFecDecoder *dec, guint stream, gint64 ext)
{
  Stream *s = &dec->streams[stream];
  gint64 w = dec->config.window;
  gint64 from = s->highest + 1;

  if (ext <= s->highest)
    return;
  if (ext - s->highest > w)
    {
      /* Everything in the window leaves, plus the gap beyond it that was never there. */
      for (gint64 e = MAX (s->start, s->highest - w + 1); e <= s->highest; e++)
        if (!confab_fec_dec_stream_slot (dec, s, e) && !s->slots[e & dec->wmask].filler)
          dec->stats.unrecovered++;
      dec->stats.unrecovered += (guint64) (ext - w - s->highest);
      stream_clear_slots (dec, s);
      from = ext - w + 1;
    }
  for (gint64 e = from; e <= ext; e++)
    {
      Slot *slot = &s->slots[e & dec->wmask];
      gint64 old = e - w;

      if (old >= s->start && !(slot->ext == old && (slot->present || slot->filler)))
        dec->stats.unrecovered++;
      slot->ext = e;
      slot->present = FALSE;
      slot->filler = FALSE;
    }
  s->highest = ext;
  repairs_expire (dec, stream);
}

static gboolean
prot_covers (const RepairProt *p, gint64 ext)
{
  gint64 off = ext - p->ext_base;

  return off >= 0 && off < CONFAB_FEC_MAX_SPAN && confab_fec_bits_get (&p->mask, (guint) off);
}

/* A media packet (received or recovered) is now held: repair packets need one fewer. */
static void
repairs_notify (ConfabFecDecoder *dec, guint stream, gint64 ext)
{
  const Stream *s = &dec->streams[stream];

  if (dec->n_repairs == 0 || ext < s->cover_lo || ext > s->cover_hi)
    return;
  for (guint r = 0; r < dec->repairs_end; r++)
    {
      Repair *rep = confab_fec_dec_repair_at (dec, r);
      const RepairProt *prot = rep ? confab_fec_dec_repair_prot (rep, stream) : NULL;

      if (prot == NULL || !prot_covers (prot, ext))
        continue;
      if (rep->missing > 0)
        confab_fec_dec_repair_set_missing (dec, r, rep->missing - 1);
      if (rep->missing == 0)
        confab_fec_dec_repair_free (dec, r);
      else if (rep->missing >= 2)
        dec->elim_dirty = TRUE;
    }
}

/* Copies a media packet into the stream's window. */
void
confab_fec_dec_stream_store (ConfabFecDecoder *dec, guint stream, gint64 ext, const guint8 *data,
                             gsize len)
{
  Stream *s = &dec->streams[stream];
  Slot *slot;

  confab_fec_dec_stream_advance (dec, stream, ext);
  slot = &s->slots[ext & dec->wmask];
  if (slot->data == NULL)
    {
      /* Cache-line aligned: the copy's vector stores then never straddle two lines. */
      slot->data = g_aligned_alloc (1, CONFAB_FEC_MAX_PACKET_SIZE, 64);
      confab_fec_dec_mem_add (dec, CONFAB_FEC_MAX_PACKET_SIZE);
    }
  /* A packet rebuilt in its slot is there already. */
  if (data != slot->data)
    memcpy (slot->data, data, len);
  slot->len = len;
  slot->ext = ext;
  slot->present = TRUE;
  slot->filler = FALSE;
  s->last_use = ++dec->use_clock;
  repairs_notify (dec, stream, ext);
}

/* A packet buffer (OUT_BUF_SIZE bytes) for a recovered packet: a spare one when there is. */
guint8 *
confab_fec_dec_buffer_take (ConfabFecDecoder *dec)
{
  if (dec->n_spare > 0)
    return dec->spare[--dec->n_spare];
  confab_fec_dec_mem_add (dec, OUT_BUF_SIZE);
  return g_malloc (OUT_BUF_SIZE);
}

/* Where to rebuild packet @ext of @stream: its own window slot when it is within the window
 * (then storing and handing it out copy nothing), else a buffer of the pool. */
guint8 *
confab_fec_dec_rebuild_buffer (ConfabFecDecoder *dec, guint stream, gint64 ext)
{
  Stream *s = &dec->streams[stream];
  Slot *slot = &s->slots[ext & dec->wmask];

  /* Above the window the slot still holds a packet that is in it. */
  if (ext < confab_fec_dec_stream_low (dec, s) || ext > s->highest || slot->present)
    return confab_fec_dec_buffer_take (dec);
  if (slot->data == NULL)
    {
      slot->data = g_aligned_alloc (1, CONFAB_FEC_MAX_PACKET_SIZE, 64);
      confab_fec_dec_mem_add (dec, CONFAB_FEC_MAX_PACKET_SIZE);
    }
  return slot->data;
}

static gboolean
is_slot_buffer (ConfabFecDecoder *dec, guint stream, gint64 ext, const guint8 *data)
{
  const Stream *s = &dec->streams[stream];

  return s->slots && data == s->slots[ext & dec->wmask].data;
}

/* A rebuilt packet (from confab_fec_dec_rebuild_buffer()) that is not delivered. */
void
confab_fec_dec_rebuilt_drop (ConfabFecDecoder *dec, guint stream, gint64 ext, guint8 *data)
{
  if (!is_slot_buffer (dec, stream, ext, data))
    confab_fec_dec_buffer_give (dec, data);
}

void
confab_fec_dec_buffer_give (ConfabFecDecoder *dec, guint8 *buf)
{
  if (buf == NULL)
    return;
  if (dec->n_spare < MAX_SPARE_BUFFERS)
    {
      dec->spare[dec->n_spare++] = buf;
      return;
    }
  g_free (buf);
  confab_fec_dec_mem_sub (dec, OUT_BUF_SIZE);
}

/* Queues @buf, or (NULL) the packet in the window slot of @ext of @stream. */
static void
output_push (ConfabFecDecoder *dec, guint8 *buf, gsize len, guint stream, gint64 ext)
{
  guint i;

  if (dec->n_out == MAX_OUTPUT)
    {
      confab_fec_dec_buffer_give (dec, dec->out_bufs[dec->out_head]);
      dec->out_head = (dec->out_head + 1) % MAX_OUTPUT;
      dec->n_out--;
    }
  i = (dec->out_head + dec->n_out) % MAX_OUTPUT;
  dec->out_bufs[i] = buf;
  dec->out_lens[i] = len;
  dec->out_stream[i] = (guint8) stream;
  dec->out_ssrc[i] = dec->streams[stream].ssrc;
  dec->out_ext[i] = ext;
  dec->n_out++;
}

/* Checks and stores a rebuilt packet, and queues it for output. Takes @data (from
 * confab_fec_dec_rebuild_buffer()). */
void
confab_fec_dec_deliver (ConfabFecDecoder *dec, guint stream, gint64 ext, guint8 *data, gsize len)
{
  Stream *s = &dec->streams[stream];
  ConfabRtpView v;
  gboolean in_slot = is_slot_buffer (dec, stream, ext, data);

  if (confab_fec_dec_stream_slot (dec, s, ext) != NULL || ext < confab_fec_dec_stream_low (dec, s)
      || ext > s->highest + (gint64) dec->config.window)
    {
      confab_fec_dec_rebuilt_drop (dec, stream, ext, data);
      return;
    }
  /* Inconsistent inputs (a lying peer, or different bytes under the same sequence number)
   * rebuild garbage; do not pass on what is not even RTP. */
  if (confab_rtp_view_parse (&v, data, len) != CONFAB_FEC_OK)
    {
      dec->stats.recovery_failed++;
      confab_fec_dec_rebuilt_drop (dec, stream, ext, data);
      return;
    }
  confab_fec_dec_stream_store (dec, stream, ext, data, len);
  dec->stats.recovered++;
  if (s->red)
    {
      guint8 *buf = confab_fec_dec_buffer_take (dec);
      gsize written = 0;
      ConfabFecStatus st
          = confab_red_encapsulate (data, len, s->red_pt, buf, OUT_BUF_SIZE, &written);

      if (!in_slot)
        confab_fec_dec_buffer_give (dec, data);
      if (st != CONFAB_FEC_OK)
        {
          confab_fec_dec_buffer_give (dec, buf);
          return;
        }
      output_push (dec, buf, written, stream, ext);
    }
  else if (in_slot)
    output_push (dec, NULL, len, stream, ext);
  else
    output_push (dec, data, len, stream, ext);
}

/* Takes a parsed repair packet in. */
ConfabFecStatus
confab_fec_dec_repair_add (ConfabFecDecoder *dec, const ConfabFecRepairInfo *info, guint *peel_now)
{
  Repair tmp_prot;
  guint missing = 0;
  guint slot_idx = G_MAXUINT;
  Repair *rep;

  *peel_now = G_MAXUINT;
  memset (&tmp_prot, 0, G_STRUCT_OFFSET (Repair, parity));
  if (info->n_protected == 0 || info->n_protected > CONFAB_FEC_MAX_PROTECTED_SSRCS)
    return CONFAB_FEC_ERR_MALFORMED;
  for (guint p = 0; p < info->n_protected; p++)
    {
      gint si = confab_fec_dec_stream_find (dec, info->protected[p].ssrc);
      Stream *s;
      RepairProt *rp = &tmp_prot.prot[p];

      if (si < 0)
        return CONFAB_FEC_ERR_UNKNOWN_SSRC;
      for (guint q = 0; q < p; q++)
        if (tmp_prot.prot[q].stream == (guint) si)
          return CONFAB_FEC_ERR_MALFORMED; /* the same SSRC twice */
      s = &dec->streams[si];
      rp->stream = (guint) si;
      rp->ext_base = confab_fec_dec_stream_ext (s, info->protected[p].sn_base);
      rp->mask = info->protected[p].mask;
      if (confab_fec_bits_is_empty (&rp->mask))
        return CONFAB_FEC_ERR_MALFORMED;
      /* Packets below the window are gone; far above it, the repair packet would pin memory
       * for media that may never come. */
      if (confab_fec_dec_prot_low (rp) < confab_fec_dec_stream_low (dec, s)
          || confab_fec_dec_prot_high (rp) > s->highest + (gint64) dec->config.window / 2)
        return CONFAB_FEC_ERR_OUT_OF_WINDOW;
      CONFAB_FEC_BITS_FOREACH (&rp->mask, b)
      if (!confab_fec_dec_stream_slot (dec, s, rp->ext_base + b))
        missing++;
    }
  tmp_prot.n_prot = info->n_protected;
  if (missing == 0)
    {
      dec->stats.repair_useless++;
      return CONFAB_FEC_OK;
    }

  /* A free entry, else the oldest repair packet makes room. */
  for (guint r = 0; r < dec->config.max_repairs; r++)
    if (dec->repairs[r] == NULL || !dec->repairs[r]->used)
      {
        slot_idx = r;
        break;
      }
  if (slot_idx == G_MAXUINT)
    {
      guint64 oldest = G_MAXUINT64;

      for (guint r = 0; r < dec->config.max_repairs; r++)
        if (dec->repairs[r]->serial < oldest)
          {
            oldest = dec->repairs[r]->serial;
            slot_idx = r;
          }
      confab_fec_dec_repair_free (dec, slot_idx);
    }
  if (missing == 1)
    {
      /* Recoverable at once, and the first repair packet peeling would use (none waits for
       * one packet between pushes): rebuild from the caller's bytes instead of storing
       * them. @peel_now is the entry it would have taken, where peeling goes on from. */
      *peel_now = slot_idx;
      return CONFAB_FEC_OK;
    }
  if (dec->repairs[slot_idx] == NULL)
    {
      dec->repairs[slot_idx] = g_new (Repair, 1);
      confab_fec_dec_mem_add (dec, sizeof (Repair));
    }
  rep = dec->repairs[slot_idx];
  memcpy (rep, &tmp_prot, G_STRUCT_OFFSET (Repair, parity));
  rep->used = TRUE;
  dec->repairs_end = MAX (dec->repairs_end, slot_idx + 1);
  rep->serial = ++dec->repair_serial;
  confab_fec_dec_repair_set_missing (dec, slot_idx, missing);
  confab_fec_parity_from_repair (&rep->parity, info);
  rep->wire_len = rep->parity.payload_len;
  dec->n_repairs++;
  for (guint p = 0; p < rep->n_prot; p++)
    {
      Stream *s = &dec->streams[rep->prot[p].stream];
      gint64 lo = confab_fec_dec_prot_low (&rep->prot[p]);
      gint64 hi = confab_fec_dec_prot_high (&rep->prot[p]);

      if (s->cover_lo > s->cover_hi)
        {
          s->cover_lo = lo;
          s->cover_hi = hi;
        }
      else
        {
          s->cover_lo = MIN (s->cover_lo, lo);
          s->cover_hi = MAX (s->cover_hi, hi);
        }
    }
  if (missing >= 2)
    dec->elim_dirty = TRUE;
  return CONFAB_FEC_OK;
}
