/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The decoder's solver: peeling through repair packets missing one packet, then GF(2)
 * elimination over those missing several. */
#include "confab-fec-decoder-private.h"

#include <string.h>

#include "confab-fec-gf2-private.h"

#include "confab-fec-xor.h"

/* What a rebuilt packet is the XOR of: repair payloads and held packets' payloads (pointers,
 * nothing copied), and the recovery fields XORed as they are added. */
typedef struct
{
  guint8 byte0;
  guint8 byte1;
  guint32 ts;
  guint16 length;
  gsize wire_len; /* the longest repair payload that went in */
  gsize max_len;
  guint n;
  guint n_acc;
  const guint8 *srcs[CONFAB_FEC_XOR_MAX_SOURCES];
  gsize lens[CONFAB_FEC_XOR_MAX_SOURCES];
} Sum;

static void
sum_init (Sum *sum)
{
  memset (sum, 0, G_STRUCT_OFFSET (Sum, srcs));
}

static void
sum_add_bytes (ConfabFecDecoder *dec, Sum *sum, const guint8 *bytes, gsize len)
{
  len = MIN (len, (gsize) CONFAB_FEC_MAX_PACKET_SIZE);
  if (sum->n == CONFAB_FEC_XOR_MAX_SOURCES)
    {
      /* A very long combination (elimination over many repair packets): fold what we have
       * into one of two scratch buffers, which becomes the first source. */
      guint8 *acc = dec->acc[sum->n_acc++ % 2];

      confab_fec_xor_many (acc, sum->max_len, sum->srcs, sum->lens, sum->n);
      sum->srcs[0] = acc;
      sum->lens[0] = sum->max_len;
      sum->n = 1;
    }
  sum->srcs[sum->n] = bytes;
  sum->lens[sum->n++] = len;
  sum->max_len = MAX (sum->max_len, len);
}

/* Adds the held packet @slot. */
static void
sum_add_packet (ConfabFecDecoder *dec, Sum *sum, const Slot *slot)
{
  sum->byte0 ^= slot->data[0] & 0x3f;
  sum->byte1 ^= slot->data[1];
  sum->ts ^= confab_read_u32 (slot->data + 4);
  sum->length ^= (guint16) (slot->len - CONFAB_RTP_HEADER_SIZE);
  sum_add_bytes (dec, sum, slot->data + CONFAB_RTP_HEADER_SIZE, slot->len - CONFAB_RTP_HEADER_SIZE);
}

static void
sum_add_repair (ConfabFecDecoder *dec, Sum *sum, guint8 byte0, guint8 byte1, guint32 ts,
                guint16 length, const guint8 *payload, gsize payload_len)
{
  sum->byte0 ^= byte0 & 0x3f;
  sum->byte1 ^= byte1;
  sum->ts ^= ts;
  sum->length ^= length;
  sum->wire_len = MAX (sum->wire_len, MIN (payload_len, (gsize) CONFAB_FEC_MAX_PACKET_SIZE));
  sum_add_bytes (dec, sum, payload, payload_len);
}

/* Adds every held packet @prot covers. */
static void
sum_add_present (ConfabFecDecoder *dec, Sum *sum, const RepairProt *prots, guint n_prot)
{
  for (guint p = 0; p < n_prot; p++)
    {
      const RepairProt *prot = &prots[p];
      const Stream *s = &dec->streams[prot->stream];

      CONFAB_FEC_BITS_FOREACH (&prot->mask, b)
      {
        const Slot *slot = confab_fec_dec_stream_slot (dec, s, prot->ext_base + b);

        if (slot)
          sum_add_packet (dec, sum, slot);
      }
    }
}

static gboolean
find_single_missing (ConfabFecDecoder *dec, const RepairProt *prots, guint n_prot, guint *stream,
                     gint64 *ext)
{
  for (guint p = 0; p < n_prot; p++)
    {
      const RepairProt *prot = &prots[p];
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

/* Writes the packet @sum holds into a new output buffer (length in @len), or returns NULL
 * when it cannot be what the sender sent. Only the recovered length is computed: bytes
 * beyond it would be thrown away. */
static guint8 *
rebuild (ConfabFecDecoder *dec, const Sum *sum, guint stream, gint64 ext, gsize *len)
{
  gsize size = (gsize) sum->length + CONFAB_RTP_HEADER_SIZE;
  guint8 *buf;

  /* A recovered length beyond what the repair packets carried means the inputs were
   * inconsistent (a lying peer, or a packet we hold that differs from what the sender
   * protected). */
  if (sum->length > sum->wire_len || size > CONFAB_FEC_MAX_PACKET_SIZE)
    {
      dec->stats.recovery_failed++;
      return NULL;
    }
  buf = confab_fec_dec_rebuild_buffer (dec, stream, ext);
  buf[0] = 0x80 | (sum->byte0 & 0x3f);
  buf[1] = sum->byte1;
  confab_write_u16 (buf + 2, (guint16) ext);
  confab_write_u32 (buf + 4, sum->ts);
  confab_write_u32 (buf + 8, dec->streams[stream].ssrc);
  confab_fec_xor_many (buf + CONFAB_RTP_HEADER_SIZE, sum->length, sum->srcs, sum->lens, sum->n);
  *len = size;
  return buf;
}

/* Rebuilds the one packet the repair packet (@prots, fields and payload) misses. */
static void
peel (ConfabFecDecoder *dec, const RepairProt *prots, guint n_prot, guint8 byte0, guint8 byte1,
      guint32 ts, guint16 length, const guint8 *payload, gsize payload_len)
{
  guint stream;
  gint64 ext;
  Sum sum;
  guint8 *data;
  gsize len = 0;

  if (!find_single_missing (dec, prots, n_prot, &stream, &ext))
    return;
  sum_init (&sum);
  sum_add_repair (dec, &sum, byte0, byte1, ts, length, payload, payload_len);
  sum_add_present (dec, &sum, prots, n_prot);
  data = rebuild (dec, &sum, stream, ext, &len);
  if (data)
    confab_fec_dec_deliver (dec, stream, ext, data, len);
}

/* The lowest entry from @from on that waits for exactly one packet, or G_MAXUINT. */
static guint
next_ready (ConfabFecDecoder *dec, guint from)
{
  for (guint w = from / 64; w < dec->comb_words; w++)
    {
      guint64 bits = dec->ready[w];

      if (w == from / 64)
        bits &= ~G_GUINT64_CONSTANT (0) << (from % 64);
      if (bits)
        return w * 64 + (guint) __builtin_ctzll (bits);
    }
  return G_MAXUINT;
}

/* Peeling: recover through every repair packet missing exactly one packet, until none is.
 * Entries are taken in index order, the first pass from @first on: the order a scan of all
 * entries would take them in (it matters only for inconsistent input, where which rebuilt
 * packet is kept first decides what later ones XOR with). @first > 0: the caller has just
 * peeled the repair packet that would have been in entry @first - 1. */
static void
run_peeling (ConfabFecDecoder *dec, guint first)
{
  gboolean progress = TRUE;

  while (progress && dec->n_repairs > 0)
    {
      /* A pass from @first > 0 finishes one that has just peeled: another one follows. */
      progress = first > 0;
      for (guint r = next_ready (dec, first); r < dec->repairs_end; r = next_ready (dec, r + 1))
        {
          Repair *rep = dec->repairs[r];

          /* The repair packet is spent whatever happens. Its entry is not reused before the
           * packet is delivered: only confab_fec_dec_repair_add() takes entries. */
          confab_fec_dec_repair_free (dec, r);
          peel (dec, rep->prot, rep->n_prot, rep->parity.byte0, rep->parity.byte1, rep->parity.ts,
                rep->parity.length, rep->parity.payload, rep->parity.payload_len);
          progress = TRUE;
        }
      first = 0;
    }
}

void
confab_fec_dec_peel_info (ConfabFecDecoder *dec, const ConfabFecRepairInfo *info)
{
  RepairProt prots[CONFAB_FEC_MAX_PROTECTED_SSRCS];

  for (guint p = 0; p < info->n_protected; p++)
    {
      gint si = confab_fec_dec_stream_find (dec, info->protected[p].ssrc);

      prots[p].stream = (guint) si;
      prots[p].ext_base = confab_fec_dec_stream_ext (&dec->streams[si], info->protected[p].sn_base);
      prots[p].mask = info->protected[p].mask;
    }
  peel (dec, prots, info->n_protected, info->byte0, info->byte1, info->ts, info->length,
        info->payload, info->payload_len);
}

typedef struct
{
  guint stream;
  gint64 ext;
  guint8 *data;
  gsize len;
} Found;

/* The column of missing packet @ext of @stream this round, given one if it has none. The
 * per-slot stamp finds it at once; repair packets reach half a window above the highest
 * packet, so two missing packets a window apart can share a slot in one round: then the
 * stamp names the other one, and only a scan of this round's columns tells whether @ext
 * already has one (without it, one packet got two columns and elimination missed what
 * identifying them would have solved). */
static gint
unknown_index (ConfabFecDecoder *dec, guint stream, gint64 ext, guint *n_unknowns)
{
  Stream *s = &dec->streams[stream];
  guint slot = (guint) (ext & dec->wmask);

  if (s->unk_gen[slot] == dec->elim_gen)
    {
      if (dec->unknowns[s->unk_idx[slot]].ext == ext)
        return s->unk_idx[slot];
      for (guint u = 0; u < *n_unknowns; u++)
        if (dec->unknowns[u].ext == ext && dec->unknowns[u].stream == stream)
          return (gint) u;
    }
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

/* Rebuilds the one unknown of reduced row @i from the repair packets it combines into @f;
 * FALSE when the row has several unknowns or the rebuilt packet cannot be right. */
static gboolean
elimination_rebuild (ConfabFecDecoder *dec, guint i, Found *f)
{
  const guint64 *comb = dec->elim_comb + (gsize) i * dec->comb_words;
  gint u = confab_fec_gf2_single_column (dec->elim_unk[i], UNK_WORDS);
  Sum *sum;

  if (u < 0)
    return FALSE;
  sum = g_alloca (sizeof (Sum));
  sum_init (sum);
  for (guint r = 0; r < dec->repairs_end; r++)
    if (comb[r / 64] & (G_GUINT64_CONSTANT (1) << (r % 64)))
      {
        const Repair *rep = dec->repairs[r];

        sum_add_repair (dec, sum, rep->parity.byte0, rep->parity.byte1, rep->parity.ts,
                        rep->parity.length, rep->parity.payload, rep->parity.payload_len);
        sum_add_present (dec, sum, rep->prot, rep->n_prot);
      }
  f->stream = dec->unknowns[u].stream;
  f->ext = dec->unknowns[u].ext;
  f->data = rebuild (dec, sum, f->stream, f->ext, &f->len);
  return f->data != NULL;
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
  Found found[MAX_ELIM_ROWS];
  guint n_found = 0;

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
  for (guint i = 0; i < rank; i++)
    if (elimination_rebuild (dec, i, &found[n_found]))
      n_found++;
  for (guint i = 0; i < n_found; i++)
    {
      const Found *f = &found[i];

      if (dec->streams[f->stream].active)
        confab_fec_dec_deliver (dec, f->stream, f->ext, f->data, f->len);
      else
        confab_fec_dec_rebuilt_drop (dec, f->stream, f->ext, f->data);
    }
}

/* Peeling (its first pass from entry @first on), then elimination if anything changed that
 * it could use. */
void
confab_fec_dec_solve (ConfabFecDecoder *dec, guint first)
{
  run_peeling (dec, first);
  if (dec->elim_dirty)
    {
      run_elimination (dec);
      run_peeling (dec, 0);
    }
}
