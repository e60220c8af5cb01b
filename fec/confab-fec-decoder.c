/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-fec-decoder.h"

#include <string.h>

#include "confab-fec-parity.h"
#include "confab-flexfec.h"
#include "confab-red.h"
#include "confab-rtp-packet.h"
#include "confab-ulpfec.h"

/* Columns of the elimination matrix: distinct missing packets under pending repairs. More
 * than this and we skip elimination for that round (peeling still runs), so one push never
 * costs more than a bounded amount of work. */
#define MAX_UNKNOWNS 128
#define UNK_WORDS (MAX_UNKNOWNS / 64)
/* Rows of the elimination matrix: the most recent pending repair packets. An honest block
 * never has more repair packets than this (CONFAB_FEC_MAX_ROWS); a flood of bogus ones must
 * not make every push cost a large elimination. */
#define MAX_ELIM_ROWS 48
/* Recovered packets not yet popped; beyond this the oldest are dropped. */
#define MAX_OUTPUT 1024
/* Extended sequence numbers start here so they never go negative. */
#define EXT_BASE (G_GINT64_CONSTANT (1) << 32)

typedef struct
{
  gint64 ext;
  gboolean present;
  gboolean filler; /* a RED-wrapped ULPFEC packet took this media sequence number */
  gsize len;
  guint8 *data; /* CONFAB_FEC_MAX_PACKET_SIZE bytes, allocated on first use */
} Slot;

typedef struct
{
  gboolean active;
  guint32 ssrc;
  gboolean red; /* media arrives wrapped in RED: wrap recovered packets too */
  guint8 red_pt;
  gint64 start;   /* first extended sequence number seen */
  gint64 highest; /* highest extended sequence number held */
  guint64 last_use;
  Slot *slots;
  guint32 *unk_gen; /* elimination scratch, per slot */
  guint16 *unk_idx;
} Stream;

typedef struct
{
  guint stream;
  gint64 ext_base;
  ConfabFecBits mask;
} RepairProt;

typedef struct
{
  gboolean used;
  guint64 serial;
  guint n_prot;
  RepairProt prot[CONFAB_FEC_MAX_PROTECTED_SSRCS];
  guint missing;
  /* Repair payload bytes as received. XORing in longer known packets extends the parity
   * with zeros; a recovered length beyond what any repair packet carried would rebuild
   * bytes nobody sent (a truncated or lying repair packet). */
  gsize wire_len;
  ConfabFecParity parity;
} Repair;

struct _ConfabFecDecoder
{
  ConfabFecDecoderConfig config;
  guint wmask;

  Stream *streams;
  guint64 use_clock;

  Repair **repairs; /* max_repairs entries, allocated on first use */
  guint n_repairs;
  guint64 repair_serial;
  gboolean elim_dirty;
  guint32 elim_gen;

  /* elimination scratch */
  guint64 (*elim_unk)[UNK_WORDS];
  guint64 *elim_comb; /* max_repairs rows of comb_words */
  guint comb_words;
  guint *elim_rows;
  struct
  {
    guint stream;
    gint64 ext;
  } unknowns[MAX_UNKNOWNS];

  ConfabFecParity scratch;
  guint8 packet_buf[CONFAB_FEC_MAX_PACKET_SIZE + 1];

  GQueue output;
  ConfabFecDecoderStats stats;
};

static void
mem_add (ConfabFecDecoder *dec, gsize n)
{
  dec->stats.memory_bytes += n;
  if (dec->stats.memory_bytes > dec->stats.peak_memory_bytes)
    dec->stats.peak_memory_bytes = dec->stats.memory_bytes;
}

static void
mem_sub (ConfabFecDecoder *dec, gsize n)
{
  dec->stats.memory_bytes -= MIN (n, dec->stats.memory_bytes);
}

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
  dec->elim_rows = g_new0 (guint, c->max_repairs);
  g_queue_init (&dec->output);
  mem_add (dec, sizeof *dec + sizeof (Stream) * c->max_streams + sizeof (Repair *) * c->max_repairs
                    + (sizeof (guint64) * (UNK_WORDS + dec->comb_words) + sizeof (guint))
                          * c->max_repairs);
  return dec;
}

static void
stream_release (ConfabFecDecoder *dec, Stream *s)
{
  if (s->slots)
    {
      for (guint i = 0; i < dec->config.window; i++)
        if (s->slots[i].data)
          {
            g_free (s->slots[i].data);
            mem_sub (dec, CONFAB_FEC_MAX_PACKET_SIZE);
          }
      g_free (s->slots);
      g_free (s->unk_gen);
      g_free (s->unk_idx);
      mem_sub (dec, dec->config.window * (sizeof (Slot) + sizeof (guint32) + sizeof (guint16)));
    }
  memset (s, 0, sizeof *s);
}

void
confab_fec_decoder_free (ConfabFecDecoder *dec)
{
  if (dec == NULL)
    return;
  for (guint i = 0; i < dec->config.max_streams; i++)
    stream_release (dec, &dec->streams[i]);
  for (guint i = 0; i < dec->config.max_repairs; i++)
    g_free (dec->repairs[i]);
  g_queue_clear_full (&dec->output, (GDestroyNotify) g_bytes_unref);
  g_free (dec->streams);
  g_free (dec->repairs);
  g_free (dec->elim_unk);
  g_free (dec->elim_comb);
  g_free (dec->elim_rows);
  g_free (dec);
}

/* Streams */

static gint
stream_find (ConfabFecDecoder *dec, guint32 ssrc)
{
  for (guint i = 0; i < dec->config.max_streams; i++)
    if (dec->streams[i].active && dec->streams[i].ssrc == ssrc)
      return (gint) i;
  return -1;
}

static void repair_free (ConfabFecDecoder *dec, guint idx);

static guint
stream_create (ConfabFecDecoder *dec, guint32 ssrc, guint16 seq)
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
      for (guint r = 0; r < dec->config.max_repairs; r++)
        {
          Repair *rep = dec->repairs[r];

          if (rep && rep->used)
            for (guint p = 0; p < rep->n_prot; p++)
              if (rep->prot[p].stream == victim)
                {
                  repair_free (dec, r);
                  break;
                }
        }
    }
  if (s->slots == NULL)
    {
      s->slots = g_new0 (Slot, dec->config.window);
      s->unk_gen = g_new0 (guint32, dec->config.window);
      s->unk_idx = g_new0 (guint16, dec->config.window);
      mem_add (dec, dec->config.window * (sizeof (Slot) + sizeof (guint32) + sizeof (guint16)));
    }
  for (guint i = 0; i < dec->config.window; i++)
    {
      s->slots[i].present = FALSE;
      s->slots[i].filler = FALSE;
      s->slots[i].ext = -1;
    }
  s->active = TRUE;
  s->ssrc = ssrc;
  s->red = FALSE;
  s->start = EXT_BASE + seq;
  s->highest = s->start - 1;
  s->last_use = ++dec->use_clock;
  return victim;
}

static gint64
stream_ext (const Stream *s, guint16 seq)
{
  return s->highest + confab_seq_diff (seq, (guint16) s->highest);
}

/* Lowest extended sequence number the window can hold. Packets from before the first one
 * seen may still arrive (reordering at start-up), so this does not stop at s->start. */
static gint64
stream_low (const ConfabFecDecoder *dec, const Stream *s)
{
  return s->highest - (gint64) dec->config.window + 1;
}

static Slot *
stream_slot (ConfabFecDecoder *dec, Stream *s, gint64 ext)
{
  Slot *slot;

  if (ext < stream_low (dec, s) || ext > s->highest)
    return NULL;
  slot = &s->slots[ext & dec->wmask];
  return slot->ext == ext && slot->present ? slot : NULL;
}

/* Repairs */

static gint64
repair_prot_low (const RepairProt *p)
{
  ConfabFecBits m = p->mask;

  if (m.w[0])
    return p->ext_base + __builtin_ctzll (m.w[0]);
  return p->ext_base + 64 + __builtin_ctzll (m.w[1]);
}

static void
repair_free (ConfabFecDecoder *dec, guint idx)
{
  Repair *rep = dec->repairs[idx];

  if (rep && rep->used)
    {
      rep->used = FALSE;
      dec->n_repairs--;
    }
}

/* Drops repair packets that reach below a stream's window: the packets they need are gone. */
static void
repairs_expire (ConfabFecDecoder *dec, guint stream)
{
  Stream *s = &dec->streams[stream];
  gint64 low = stream_low (dec, s);

  if (dec->n_repairs == 0)
    return;
  for (guint r = 0; r < dec->config.max_repairs; r++)
    {
      Repair *rep = dec->repairs[r];

      if (rep == NULL || !rep->used)
        continue;
      for (guint p = 0; p < rep->n_prot; p++)
        if (rep->prot[p].stream == stream && repair_prot_low (&rep->prot[p]) < low)
          {
            repair_free (dec, r);
            break;
          }
    }
}

/* Moves the window up to @ext, counting what falls out never seen. */
static void
stream_advance (ConfabFecDecoder *dec, guint stream, gint64 ext)
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
        if (!stream_slot (dec, s, e) && !s->slots[e & dec->wmask].filler)
          dec->stats.unrecovered++;
      dec->stats.unrecovered += (guint64) (ext - w - s->highest);
      for (guint i = 0; i < dec->config.window; i++)
        {
          s->slots[i].present = FALSE;
          s->slots[i].filler = FALSE;
          s->slots[i].ext = -1;
        }
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
repair_covers (const RepairProt *p, gint64 ext)
{
  gint64 off = ext - p->ext_base;

  return off >= 0 && off < CONFAB_FEC_MAX_SPAN && confab_fec_bits_get (&p->mask, (guint) off);
}

/* A media packet (received or recovered) is now held: repair packets need one fewer. */
static void
repairs_notify (ConfabFecDecoder *dec, guint stream, gint64 ext)
{
  if (dec->n_repairs == 0)
    return;
  for (guint r = 0; r < dec->config.max_repairs; r++)
    {
      Repair *rep = dec->repairs[r];

      if (rep == NULL || !rep->used)
        continue;
      for (guint p = 0; p < rep->n_prot; p++)
        if (rep->prot[p].stream == stream && repair_covers (&rep->prot[p], ext))
          {
            if (rep->missing > 0)
              rep->missing--;
            if (rep->missing == 0)
              repair_free (dec, r);
            else if (rep->missing >= 2)
              dec->elim_dirty = TRUE;
            break;
          }
    }
}

/* Copies a media packet into the stream's window. */
static void
stream_store (ConfabFecDecoder *dec, guint stream, gint64 ext, const guint8 *data, gsize len)
{
  Stream *s = &dec->streams[stream];
  Slot *slot;

  stream_advance (dec, stream, ext);
  slot = &s->slots[ext & dec->wmask];
  if (slot->data == NULL)
    {
      slot->data = g_malloc (CONFAB_FEC_MAX_PACKET_SIZE);
      mem_add (dec, CONFAB_FEC_MAX_PACKET_SIZE);
    }
  memcpy (slot->data, data, len);
  slot->len = len;
  slot->ext = ext;
  slot->present = TRUE;
  slot->filler = FALSE;
  s->last_use = ++dec->use_clock;
  repairs_notify (dec, stream, ext);
}

static void
output_push (ConfabFecDecoder *dec, GBytes *bytes)
{
  g_queue_push_tail (&dec->output, bytes);
  mem_add (dec, g_bytes_get_size (bytes));
  while (dec->output.length > MAX_OUTPUT)
    {
      GBytes *old = g_queue_pop_head (&dec->output);

      mem_sub (dec, g_bytes_get_size (old));
      g_bytes_unref (old);
    }
}

/* Checks and stores a rebuilt packet, and queues it for output. Takes @data (g_malloc'd). */
static void
deliver_recovered (ConfabFecDecoder *dec, guint stream, gint64 ext, guint8 *data, gsize len)
{
  Stream *s = &dec->streams[stream];
  ConfabRtpView v;
  GBytes *out;

  if (stream_slot (dec, s, ext) != NULL || ext < stream_low (dec, s)
      || ext > s->highest + (gint64) dec->config.window)
    {
      g_free (data);
      return;
    }
  /* Inconsistent inputs (a lying peer, or different bytes under the same sequence number)
   * rebuild garbage; do not pass on what is not even RTP. */
  if (confab_rtp_view_parse (&v, data, len) != CONFAB_FEC_OK)
    {
      dec->stats.recovery_failed++;
      g_free (data);
      return;
    }
  stream_store (dec, stream, ext, data, len);
  dec->stats.recovered++;
  if (s->red)
    {
      guint8 *buf = g_malloc (len + 1);
      gsize written = 0;

      if (confab_red_encapsulate (data, len, s->red_pt, buf, len + 1, &written) != CONFAB_FEC_OK)
        {
          g_free (buf);
          g_free (data);
          return;
        }
      g_free (data);
      out = g_bytes_new_take (buf, written);
    }
  else
    out = g_bytes_new_take (data, len);
  output_push (dec, out);
}

/* XORs every held packet that @rep covers into @parity. */
static void
parity_add_present (ConfabFecDecoder *dec, ConfabFecParity *parity, const Repair *rep)
{
  for (guint p = 0; p < rep->n_prot; p++)
    {
      const RepairProt *prot = &rep->prot[p];
      Stream *s = &dec->streams[prot->stream];

      for (guint wi = 0; wi < G_N_ELEMENTS (prot->mask.w); wi++)
        {
          guint64 bits = prot->mask.w[wi];

          while (bits)
            {
              guint b = wi * 64 + (guint) __builtin_ctzll (bits);
              Slot *slot = stream_slot (dec, s, prot->ext_base + b);

              bits &= bits - 1;
              if (slot)
                confab_fec_parity_add (parity, slot->data, slot->len);
            }
        }
    }
}

static gboolean
find_single_missing (ConfabFecDecoder *dec, const Repair *rep, guint *stream, gint64 *ext)
{
  for (guint p = 0; p < rep->n_prot; p++)
    {
      const RepairProt *prot = &rep->prot[p];
      Stream *s = &dec->streams[prot->stream];

      CONFAB_FEC_BITS_FOREACH (&prot->mask, b)
      if (!stream_slot (dec, s, prot->ext_base + b))
        {
          *stream = prot->stream;
          *ext = prot->ext_base + b;
          return TRUE;
        }
    }
  return FALSE;
}

/* Rebuilds the packet @parity holds (all other covered packets already XORed in). */
static void
recover_from_parity (ConfabFecDecoder *dec, const ConfabFecParity *parity, gsize wire_len,
                     guint stream, gint64 ext)
{
  gsize len = 0;
  gsize size = (gsize) parity->length + CONFAB_RTP_HEADER_SIZE;
  guint8 *buf;

  if (parity->length > wire_len || size > CONFAB_FEC_MAX_PACKET_SIZE)
    {
      dec->stats.recovery_failed++;
      return;
    }
  buf = g_malloc (size);
  if (confab_fec_parity_to_packet (parity, (guint16) ext, dec->streams[stream].ssrc, buf, size,
                                   &len)
      != CONFAB_FEC_OK)
    {
      dec->stats.recovery_failed++;
      g_free (buf);
      return;
    }
  deliver_recovered (dec, stream, ext, buf, len);
}

/* Peeling: recover through every repair packet missing exactly one packet, until none is. */
static void
run_peeling (ConfabFecDecoder *dec)
{
  gboolean progress = TRUE;

  while (progress && dec->n_repairs > 0)
    {
      progress = FALSE;
      for (guint r = 0; r < dec->config.max_repairs; r++)
        {
          Repair *rep = dec->repairs[r];
          guint stream;
          gint64 ext;

          if (rep == NULL || !rep->used || rep->missing != 1)
            continue;
          if (find_single_missing (dec, rep, &stream, &ext))
            {
              /* The repair packet is spent whatever happens, so XOR into it in place. Its
               * entry is not reused before recover_from_parity() returns: only repair_add()
               * takes entries. */
              parity_add_present (dec, &rep->parity, rep);
              repair_free (dec, r);
              recover_from_parity (dec, &rep->parity, rep->wire_len, stream, ext);
            }
          else
            repair_free (dec, r);
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

/* Gaussian elimination over the pending repair packets' missing packets. Each reduced row
 * with a single unknown is a combination of repair packets (XOR of them) missing exactly that
 * packet: rebuild it as peeling would. */
static void
run_elimination (ConfabFecDecoder *dec)
{
  guint n_rows = 0;
  guint n_unknowns = 0;
  guint rank = 0;
  guint cw = dec->comb_words;
  guint64 min_serial;
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

  /* Only the MAX_ELIM_ROWS newest repair packets take part: find the serial of the
   * MAX_ELIM_ROWS-th newest by repeatedly taking the largest serial below the last one. */
  min_serial = 0;
  {
    guint n_pending = 0;

    for (guint r = 0; r < dec->config.max_repairs; r++)
      if (dec->repairs[r] && dec->repairs[r]->used && dec->repairs[r]->missing >= 2)
        n_pending++;
    if (n_pending > MAX_ELIM_ROWS)
      {
        guint64 bound = G_MAXUINT64;

        for (guint i = 0; i < MAX_ELIM_ROWS; i++)
          {
            guint64 best = 0;

            for (guint r = 0; r < dec->config.max_repairs; r++)
              {
                Repair *rep = dec->repairs[r];

                if (rep && rep->used && rep->missing >= 2 && rep->serial < bound
                    && rep->serial > best)
                  best = rep->serial;
              }
            bound = best;
          }
        min_serial = bound;
      }
  }

  for (guint r = 0; r < dec->config.max_repairs; r++)
    {
      Repair *rep = dec->repairs[r];
      guint64 *unk;
      guint64 *comb;

      if (rep == NULL || !rep->used || rep->missing < 2 || rep->serial < min_serial)
        continue;
      unk = dec->elim_unk[n_rows];
      comb = dec->elim_comb + (gsize) n_rows * cw;
      memset (unk, 0, sizeof (guint64) * UNK_WORDS);
      memset (comb, 0, sizeof (guint64) * cw);
      comb[r / 64] |= G_GUINT64_CONSTANT (1) << (r % 64);
      for (guint p = 0; p < rep->n_prot; p++)
        {
          const RepairProt *prot = &rep->prot[p];
          Stream *s = &dec->streams[prot->stream];

          CONFAB_FEC_BITS_FOREACH (&prot->mask, b)
          {
            gint u;

            if (stream_slot (dec, s, prot->ext_base + b) != NULL)
              continue;
            u = unknown_index (dec, prot->stream, prot->ext_base + b, &n_unknowns);
            if (u < 0)
              return; /* too many unknowns this round */
            unk[u / 64] |= G_GUINT64_CONSTANT (1) << (u % 64);
          }
        }
      dec->elim_rows[n_rows] = r;
      n_rows++;
    }
  if (n_rows < 2)
    return;

  for (guint u = 0; u < n_unknowns && rank < n_rows; u++)
    {
      guint64 bit = G_GUINT64_CONSTANT (1) << (u % 64);
      guint p;

      for (p = rank; p < n_rows && !(dec->elim_unk[p][u / 64] & bit); p++)
        ;
      if (p == n_rows)
        continue;
      if (p != rank)
        {
          guint64 tu[UNK_WORDS];

          memcpy (tu, dec->elim_unk[p], sizeof tu);
          memcpy (dec->elim_unk[p], dec->elim_unk[rank], sizeof tu);
          memcpy (dec->elim_unk[rank], tu, sizeof tu);
          for (guint i = 0; i < cw; i++)
            {
              guint64 t = dec->elim_comb[(gsize) p * cw + i];

              dec->elim_comb[(gsize) p * cw + i] = dec->elim_comb[(gsize) rank * cw + i];
              dec->elim_comb[(gsize) rank * cw + i] = t;
            }
        }
      for (guint i = 0; i < n_rows; i++)
        if (i != rank && (dec->elim_unk[i][u / 64] & bit))
          {
            for (guint w = 0; w < UNK_WORDS; w++)
              dec->elim_unk[i][w] ^= dec->elim_unk[rank][w];
            for (guint w = 0; w < cw; w++)
              dec->elim_comb[(gsize) i * cw + w] ^= dec->elim_comb[(gsize) rank * cw + w];
          }
      rank++;
    }

  /* Rebuild every single-unknown row before storing any result: storing releases repair
   * packets that other rows still combine. */
  found = g_ptr_array_new_with_free_func (g_free); /* of Found; data handed on */
  for (guint i = 0; i < rank; i++)
    {
      guint count = 0;
      guint u = 0;
      gsize wire_len;
      Found *f;

      for (guint w = 0; w < UNK_WORDS; w++)
        {
          count += (guint) __builtin_popcountll (dec->elim_unk[i][w]);
          if (dec->elim_unk[i][w])
            u = w * 64 + (guint) __builtin_ctzll (dec->elim_unk[i][w]);
        }
      if (count != 1)
        continue;
      confab_fec_parity_reset (&dec->scratch);
      wire_len = 0;
      for (guint r = 0; r < dec->config.max_repairs; r++)
        if (dec->elim_comb[(gsize) i * cw + r / 64] & (G_GUINT64_CONSTANT (1) << (r % 64)))
          {
            confab_fec_parity_add_parity (&dec->scratch, &dec->repairs[r]->parity);
            parity_add_present (dec, &dec->scratch, dec->repairs[r]);
            wire_len = MAX (wire_len, dec->repairs[r]->wire_len);
          }
      if (dec->scratch.length > wire_len)
        {
          dec->stats.recovery_failed++;
          continue;
        }
      if (dec->scratch.length > CONFAB_FEC_MAX_PACKET_SIZE - CONFAB_RTP_HEADER_SIZE)
        {
          dec->stats.recovery_failed++;
          continue;
        }
      f = g_new (Found, 1);
      f->stream = dec->unknowns[u].stream;
      f->ext = dec->unknowns[u].ext;
      f->data = g_malloc ((gsize) dec->scratch.length + CONFAB_RTP_HEADER_SIZE);
      if (confab_fec_parity_to_packet (
              &dec->scratch, (guint16) f->ext, dec->streams[f->stream].ssrc, f->data,
              (gsize) dec->scratch.length + CONFAB_RTP_HEADER_SIZE, &f->len)
          != CONFAB_FEC_OK)
        {
          dec->stats.recovery_failed++;
          g_free (f->data);
          g_free (f);
          continue;
        }
      g_ptr_array_add (found, f);
    }
  for (guint i = 0; i < found->len; i++)
    {
      Found *f = g_ptr_array_index (found, i);

      if (dec->streams[f->stream].active)
        deliver_recovered (dec, f->stream, f->ext, f->data, f->len);
      else
        g_free (f->data);
    }
  g_ptr_array_unref (found);
}

static void
run_recovery (ConfabFecDecoder *dec)
{
  run_peeling (dec);
  if (dec->elim_dirty)
    {
      run_elimination (dec);
      run_peeling (dec);
    }
}

/* Takes a parsed repair packet in. */
static ConfabFecStatus
repair_add (ConfabFecDecoder *dec, const ConfabFecRepairInfo *info)
{
  Repair tmp_prot;
  guint missing = 0;
  guint slot_idx = G_MAXUINT;
  Repair *rep;

  memset (&tmp_prot, 0, G_STRUCT_OFFSET (Repair, parity));
  if (info->n_protected == 0 || info->n_protected > CONFAB_FEC_MAX_PROTECTED_SSRCS)
    return CONFAB_FEC_ERR_MALFORMED;
  for (guint p = 0; p < info->n_protected; p++)
    {
      gint si = stream_find (dec, info->protected[p].ssrc);
      Stream *s;
      RepairProt *rp = &tmp_prot.prot[p];
      guint span;

      if (si < 0)
        return CONFAB_FEC_ERR_UNKNOWN_SSRC;
      for (guint q = 0; q < p; q++)
        if (tmp_prot.prot[q].stream == (guint) si)
          return CONFAB_FEC_ERR_MALFORMED; /* the same SSRC twice */
      s = &dec->streams[si];
      rp->stream = (guint) si;
      rp->ext_base = stream_ext (s, info->protected[p].sn_base);
      rp->mask = info->protected[p].mask;
      span = confab_fec_bits_span (&rp->mask);
      if (span == 0)
        return CONFAB_FEC_ERR_MALFORMED;
      /* Packets below the window are gone; far above it, the repair packet would pin memory
       * for media that may never come. */
      if (repair_prot_low (rp) < stream_low (dec, s)
          || rp->ext_base + span - 1 > s->highest + (gint64) dec->config.window / 2)
        return CONFAB_FEC_ERR_OUT_OF_WINDOW;
      CONFAB_FEC_BITS_FOREACH (&rp->mask, b)
      if (!stream_slot (dec, s, rp->ext_base + b))
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
      repair_free (dec, slot_idx);
    }
  if (dec->repairs[slot_idx] == NULL)
    {
      dec->repairs[slot_idx] = g_new (Repair, 1);
      mem_add (dec, sizeof (Repair));
    }
  rep = dec->repairs[slot_idx];
  memcpy (rep, &tmp_prot, G_STRUCT_OFFSET (Repair, parity));
  rep->used = TRUE;
  rep->serial = ++dec->repair_serial;
  rep->missing = missing;
  confab_fec_parity_from_repair (&rep->parity, info);
  rep->wire_len = rep->parity.payload_len;
  dec->n_repairs++;
  if (missing >= 2)
    dec->elim_dirty = TRUE;
  return CONFAB_FEC_OK;
}

static ConfabFecPacketKind
push_repair (ConfabFecDecoder *dec, ConfabFecStatus st, const ConfabFecRepairInfo *info,
             ConfabFecStatus *status)
{
  dec->stats.repair_packets++;
  if (st == CONFAB_FEC_OK)
    st = repair_add (dec, info);
  if (st != CONFAB_FEC_OK)
    dec->stats.repair_rejected++;
  else
    run_recovery (dec);
  if (status)
    *status = st;
  return CONFAB_FEC_PACKET_REPAIR;
}

static ConfabFecPacketKind
push_media (ConfabFecDecoder *dec, const ConfabRtpView *v, const guint8 *data, gsize len,
            gboolean red, ConfabFecStatus *status)
{
  gint si = stream_find (dec, v->ssrc);
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
    si = (gint) stream_create (dec, v->ssrc, v->seq);
  s = &dec->streams[si];
  /* Recovered packets are wrapped the way this stream's media last arrived. */
  s->red = red;
  if (red)
    s->red_pt = v->payload_type;
  ext = stream_ext (s, v->seq);
  if (ext < stream_low (dec, s))
    {
      dec->stats.late++;
      return CONFAB_FEC_PACKET_MEDIA;
    }
  if (ext < s->start)
    s->start = ext;
  if (stream_slot (dec, s, ext))
    {
      dec->stats.duplicates++;
      return CONFAB_FEC_PACKET_DUPLICATE;
    }
  stream_store (dec, (guint) si, ext, data, len);
  run_recovery (dec);
  return CONFAB_FEC_PACKET_MEDIA;
}

/* WebRTC's ULPFEC-in-RED packets use sequence numbers of the media stream; note them so
 * their numbers do not count as lost media. */
static void
mark_filler (ConfabFecDecoder *dec, const ConfabRtpView *v)
{
  gint si = stream_find (dec, v->ssrc);
  Stream *s;
  gint64 ext;
  Slot *slot;

  if (si < 0)
    return;
  s = &dec->streams[si];
  ext = stream_ext (s, v->seq);
  if (ext < stream_low (dec, s) || ext > s->highest + (gint64) dec->config.window / 2)
    return;
  stream_advance (dec, (guint) si, ext);
  slot = &s->slots[ext & dec->wmask];
  if (slot->ext == ext && !slot->present)
    slot->filler = TRUE;
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
        st = confab_red_decapsulate (data, len, dec->packet_buf, sizeof dec->packet_buf,
                                     &inner_len);
      if (st != CONFAB_FEC_OK || inner_len > CONFAB_FEC_MAX_PACKET_SIZE)
        {
          /* Broken RED: still media as far as the stream goes, just not protectable. */
          dec->stats.media_packets++;
          if (status)
            *status = st != CONFAB_FEC_OK ? st : CONFAB_FEC_ERR_TOO_LARGE;
          return CONFAB_FEC_PACKET_MEDIA;
        }
      {
        ConfabRtpView inner;
        guint8 copy[CONFAB_FEC_MAX_PACKET_SIZE];

        /* packet_buf is reused by recovery, so the inner packet moves to the stack. */
        memcpy (copy, dec->packet_buf, inner_len);
        if (confab_rtp_view_parse (&inner, copy, inner_len) != CONFAB_FEC_OK)
          return CONFAB_FEC_PACKET_MEDIA;
        return push_media (dec, &inner, copy, inner_len, TRUE, status);
      }
    }
  return push_media (dec, &v, data, len, FALSE, status);
}

GBytes *
confab_fec_decoder_pop_recovered (ConfabFecDecoder *dec)
{
  GBytes *b;

  g_return_val_if_fail (dec != NULL, NULL);
  b = g_queue_pop_head (&dec->output);
  if (b)
    mem_sub (dec, g_bytes_get_size (b));
  return b;
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
      for (guint r = 0; r < dec->config.max_repairs; r++)
        {
          Repair *rep = dec->repairs[r];

          if (rep == NULL || !rep->used)
            continue;
          for (guint p = 0; p < rep->n_prot; p++)
            if (rep->prot[p].stream == i)
              {
                top = MAX (top,
                           rep->prot[p].ext_base + confab_fec_bits_span (&rep->prot[p].mask) - 1);
                bottom = MIN (bottom, repair_prot_low (&rep->prot[p]));
              }
        }
      for (gint64 e = MAX (bottom, stream_low (dec, s)); e <= top; e++)
        if (!stream_slot (dec, s, e) && !(e <= s->highest && s->slots[e & dec->wmask].filler))
          dec->stats.unrecovered++;
      s->active = FALSE;
    }
  for (guint r = 0; r < dec->config.max_repairs; r++)
    repair_free (dec, r);
  dec->elim_dirty = FALSE;
}

void
confab_fec_decoder_get_stats (ConfabFecDecoder *dec, ConfabFecDecoderStats *stats)
{
  g_return_if_fail (dec != NULL && stats != NULL);
  *stats = dec->stats;
}
