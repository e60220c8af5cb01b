/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The decoder's solver: peeling through repair packets missing one packet, then GF(2)
 * elimination over those missing several. */
#include "confab-fec-decoder-private.h"

#include <string.h>

#include "confab-fec-gf2-private.h"

/* XORs every held packet that @rep covers into @parity. */
static void
parity_add_present (ConfabFecDecoder *dec, ConfabFecParity *parity, const Repair *rep)
{
  for (guint p = 0; p < rep->n_prot; p++)
    {
      const RepairProt *prot = &rep->prot[p];
      const Stream *s = &dec->streams[prot->stream];

      CONFAB_FEC_BITS_FOREACH (&prot->mask, b)
      {
        const Slot *slot = confab_fec_dec_stream_slot (dec, s, prot->ext_base + b);

        if (slot)
          confab_fec_parity_add (parity, slot->data, slot->len);
      }
    }
}

static gboolean
find_single_missing (ConfabFecDecoder *dec, const Repair *rep, guint *stream, gint64 *ext)
{
  for (guint p = 0; p < rep->n_prot; p++)
    {
      const RepairProt *prot = &rep->prot[p];
      const Stream *s = &dec->streams[prot->stream];

      CONFAB_FEC_BITS_FOREACH (&prot->mask, b)
      if (!confab_fec_dec_stream_slot (dec, s, prot->ext_base + b))
        {
          *stream = prot->stream;
          *ext = prot->ext_base + b;
          return TRUE;
        }
    }
  return FALSE;
}

/* The packet @parity holds once every other covered packet is XORed in (g_malloc'd, length
 * in @len), or NULL when it cannot be what the sender sent. @wire_len: the longest repair
 * payload that went into @parity. */
static guint8 *
rebuild_from_parity (ConfabFecDecoder *dec, const ConfabFecParity *parity, gsize wire_len,
                     guint stream, gint64 ext, gsize *len)
{
  gsize size = (gsize) parity->length + CONFAB_RTP_HEADER_SIZE;
  guint8 *buf;

  if (parity->length > wire_len || size > CONFAB_FEC_MAX_PACKET_SIZE)
    {
      dec->stats.recovery_failed++;
      return NULL;
    }
  buf = g_malloc (size);
  if (confab_fec_parity_to_packet (parity, (guint16) ext, dec->streams[stream].ssrc, buf, size, len)
      != CONFAB_FEC_OK)
    {
      dec->stats.recovery_failed++;
      g_free (buf);
      return NULL;
    }
  return buf;
}

/* Peeling: recover through every repair packet missing exactly one packet, until none is. */
static void
run_peeling (ConfabFecDecoder *dec)
{
  gboolean progress = TRUE;

  while (progress && dec->n_repairs > 0)
    {
      progress = FALSE;
      for (guint r = 0; r < dec->repairs_end; r++)
        {
          Repair *rep = confab_fec_dec_repair_at (dec, r);
          guint stream;
          gint64 ext;

          if (rep == NULL || rep->missing != 1)
            continue;
          if (find_single_missing (dec, rep, &stream, &ext))
            {
              guint8 *data;
              gsize len = 0;

              /* The repair packet is spent whatever happens, so XOR into it in place. Its
               * entry is not reused before the packet is delivered: only
               * confab_fec_dec_repair_add() takes entries. */
              parity_add_present (dec, &rep->parity, rep);
              confab_fec_dec_repair_free (dec, r);
              data = rebuild_from_parity (dec, &rep->parity, rep->wire_len, stream, ext, &len);
              if (data)
                confab_fec_dec_deliver (dec, stream, ext, data, len);
            }
          else
            confab_fec_dec_repair_free (dec, r);
          progress = TRUE;
        }
    }
}

typedef struct
{
  guint stream;
  gint64 ext;
  guint8 *data;
  gsize len;
} Found;

static gint
unknown_index (ConfabFecDecoder *dec, guint stream, gint64 ext, guint *n_unknowns)
{
  Stream *s = &dec->streams[stream];
  guint slot = (guint) (ext & dec->wmask);

  if (s->unk_gen[slot] == dec->elim_gen && dec->unknowns[s->unk_idx[slot]].ext == ext
      && dec->unknowns[s->unk_idx[slot]].stream == stream)
    return s->unk_idx[slot];
  if (*n_unknowns >= MAX_UNKNOWNS)
    return -1;
  s->unk_gen[slot] = dec->elim_gen;
  s->unk_idx[slot] = (guint16) *n_unknowns;
  dec->unknowns[*n_unknowns].stream = stream;
  dec->unknowns[*n_unknowns].ext = ext;
  return (gint) (*n_unknowns)++;
}

static gboolean
repair_pending (const Repair *rep)
{
  return rep && rep->used && rep->missing >= 2;
}

/* The (@k + 1)-th largest of the @n values at @v (Hoare's selection; reorders @v). */
static guint64
kth_largest (guint64 *v, gint n, gint k)
{
  gint lo = 0, hi = n - 1;

  while (lo < hi)
    {
      guint64 pivot = v[lo + (hi - lo) / 2];
      gint i = lo, j = hi;

      while (i <= j)
        {
          while (v[i] > pivot)
            i++;
          while (v[j] < pivot)
            j--;
          if (i <= j)
            {
              guint64 t = v[i];

              v[i++] = v[j];
              v[j--] = t;
            }
        }
      if (k <= j)
        hi = j;
      else if (k >= i)
        lo = i;
      else
        return v[k];
    }
  return v[k];
}

/* Only the MAX_ELIM_ROWS newest pending repair packets take part in elimination: the serial
 * of the MAX_ELIM_ROWS-th newest, or 0 when there are no more than that. Serials are
 * unique. */
static guint64
elimination_min_serial (ConfabFecDecoder *dec)
{
  guint64 serials[1024]; /* max_repairs is at most 1024 */
  guint n_pending = 0;

  for (guint r = 0; r < dec->repairs_end; r++)
    if (repair_pending (dec->repairs[r]))
      serials[n_pending++] = dec->repairs[r]->serial;
  if (n_pending <= MAX_ELIM_ROWS)
    return 0;
  return kth_largest (serials, (gint) n_pending, MAX_ELIM_ROWS - 1);
}

/* Fills one elimination row per pending repair packet: its missing packets as unknowns, and
 * itself as the combination. Returns the number of rows, or 0 when there are too many
 * unknowns this round. */
static guint
elimination_fill (ConfabFecDecoder *dec, guint *n_unknowns)
{
  guint cw = dec->comb_words;
  guint64 min_serial = elimination_min_serial (dec);
  guint n_rows = 0;

  for (guint r = 0; r < dec->repairs_end; r++)
    {
      Repair *rep = dec->repairs[r];
      guint64 *unk;
      guint64 *comb;

      if (!repair_pending (rep) || rep->serial < min_serial)
        continue;
      unk = dec->elim_unk[n_rows];
      comb = dec->elim_comb + (gsize) n_rows * cw;
      memset (unk, 0, sizeof (guint64) * UNK_WORDS);
      memset (comb, 0, sizeof (guint64) * cw);
      comb[r / 64] |= G_GUINT64_CONSTANT (1) << (r % 64);
      for (guint p = 0; p < rep->n_prot; p++)
        {
          const RepairProt *prot = &rep->prot[p];
          const Stream *s = &dec->streams[prot->stream];

          CONFAB_FEC_BITS_FOREACH (&prot->mask, b)
          {
            gint u;

            if (confab_fec_dec_stream_slot (dec, s, prot->ext_base + b) != NULL)
              continue;
            u = unknown_index (dec, prot->stream, prot->ext_base + b, n_unknowns);
            if (u < 0)
              return 0;
            unk[u / 64] |= G_GUINT64_CONSTANT (1) << (u % 64);
          }
        }
      n_rows++;
    }
  return n_rows;
}

/* Rebuilds the one unknown of reduced row @i from the repair packets it combines. */
static Found *
elimination_rebuild (ConfabFecDecoder *dec, guint i)
{
  const guint64 *comb = dec->elim_comb + (gsize) i * dec->comb_words;
  gint u = confab_fec_gf2_single_column (dec->elim_unk[i], UNK_WORDS);
  gsize wire_len = 0;
  Found *f;

  if (u < 0)
    return NULL;
  confab_fec_parity_reset (&dec->scratch);
  for (guint r = 0; r < dec->repairs_end; r++)
    if (comb[r / 64] & (G_GUINT64_CONSTANT (1) << (r % 64)))
      {
        confab_fec_parity_add_parity (&dec->scratch, &dec->repairs[r]->parity);
        parity_add_present (dec, &dec->scratch, dec->repairs[r]);
        wire_len = MAX (wire_len, dec->repairs[r]->wire_len);
      }
  f = g_new (Found, 1);
  f->stream = dec->unknowns[u].stream;
  f->ext = dec->unknowns[u].ext;
  f->data = rebuild_from_parity (dec, &dec->scratch, wire_len, f->stream, f->ext, &f->len);
  if (f->data == NULL)
    g_clear_pointer (&f, g_free);
  return f;
}

/* Gaussian elimination over the pending repair packets' missing packets. Each reduced row
 * with a single unknown is a combination of repair packets (XOR of them) missing exactly that
 * packet: rebuild it as peeling would. */
static void
run_elimination (ConfabFecDecoder *dec)
{
  guint n_rows;
  guint n_unknowns = 0;
  guint rank;
  GPtrArray *found;

  dec->elim_dirty = FALSE;
  if (dec->n_repairs < 2)
    return;
  dec->elim_gen++;
  if (dec->elim_gen == 0)
    {
      /* The generation wrapped: stale stamps could alias, so clear them. */
      for (guint i = 0; i < dec->config.max_streams; i++)
        if (dec->streams[i].unk_gen)
          memset (dec->streams[i].unk_gen, 0, sizeof (guint32) * dec->config.window);
      dec->elim_gen = 1;
    }
  dec->stats.eliminations++;

  n_rows = elimination_fill (dec, &n_unknowns);
  if (n_rows < 2)
    return;
  rank = confab_fec_gf2_reduce (&dec->elim_unk[0][0], n_rows, UNK_WORDS, dec->elim_comb,
                                dec->comb_words);

  /* Rebuild every single-unknown row before storing any result: storing releases repair
   * packets that other rows still combine. */
  found = g_ptr_array_new_with_free_func (g_free); /* of Found; data handed on */
  for (guint i = 0; i < rank; i++)
    {
      Found *f = elimination_rebuild (dec, i);

      if (f)
        g_ptr_array_add (found, f);
    }
  for (guint i = 0; i < found->len; i++)
    {
      Found *f = g_ptr_array_index (found, i);

      if (dec->streams[f->stream].active)
        confab_fec_dec_deliver (dec, f->stream, f->ext, f->data, f->len);
      else
        g_free (f->data);
    }
  g_ptr_array_unref (found);
}

void
confab_fec_dec_solve (ConfabFecDecoder *dec)
{
  run_peeling (dec);
  if (dec->elim_dirty)
    {
      run_elimination (dec);
      run_peeling (dec);
    }
}
