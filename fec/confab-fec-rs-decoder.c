/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-fec-rs-decoder.h"

#include <string.h>

#include "confab-fec-rs-gf-private.h"
#include "confab-fec-rs.h"

/* Recovered packets not yet taken; beyond this the oldest are dropped. */
#define MAX_OUTPUT 256
/* Extended sequence numbers start here so they never go negative. */
#define EXT_BASE (G_GINT64_CONSTANT (1) << 32)

typedef struct
{
  gint64 ext;
  gboolean present;
  gsize len;    /* symbol length */
  guint8 *data; /* the packet's symbol, CONFAB_FEC_RS_SYMBOL_BUF bytes, kept once allocated */
} Slot;

typedef struct
{
  gboolean active;
  guint32 ssrc;
  gint64 start;   /* lowest extended sequence number seen */
  gint64 highest; /* highest extended sequence number seen */
  guint64 last_use;
  Slot *slots;
} Stream;

/* The repair packets received for one block (stream, base, k, m) whose media are not all
 * there yet. */
typedef struct
{
  gboolean used;
  guint64 serial;
  guint stream;
  gint64 base;
  guint k;
  guint m;
  gsize sym_len;
  guint n_rep;
  guint present; /* media packets of the block held */
  guint pos;     /* in the decoder's active list */
  guint64 seen;  /* bit j: repair index j is held (m <= 64) */
  guint8 index[CONFAB_FEC_RS_MAX_M];
  guint16 buf[CONFAB_FEC_RS_MAX_M]; /* entries of the repair symbol pool */
} Block;

struct _ConfabFecRsDecoder
{
  ConfabFecRsDecoderConfig config;
  guint wmask;
  Stream *streams;
  guint64 use_clock;

  /* Blocks (max_repairs entries: each holds at least one repair symbol) and the pool of
   * repair symbol buffers, allocated on first use, free ones listed in free_bufs. */
  Block *blocks;
  guint16 *active; /* the n_blocks blocks in use, in no order: what every scan walks */
  guint n_blocks;
  guint64 serial;
  guint8 **bufs;
  guint16 *free_bufs;
  guint n_free;

  guint8 *scratch; /* a recovered symbol, before it takes a window slot */

  guint8 *out[MAX_OUTPUT];
  gsize out_lens[MAX_OUTPUT];
  guint out_head;
  guint n_out;

  ConfabFecDecoderStats stats;
};

static void
mem_add (ConfabFecRsDecoder *dec, gsize n)
{
  dec->stats.memory_bytes += n;
  dec->stats.peak_memory_bytes = MAX (dec->stats.peak_memory_bytes, dec->stats.memory_bytes);
}

static guint8 *
symbol_buf_new (ConfabFecRsDecoder *dec)
{
  mem_add (dec, CONFAB_FEC_RS_SYMBOL_BUF);
  return g_aligned_alloc0 (1, CONFAB_FEC_RS_SYMBOL_BUF, 64);
}

void
confab_fec_rs_decoder_config_init (ConfabFecRsDecoderConfig *config)
{
  g_return_if_fail (config != NULL);
  memset (config, 0, sizeof *config);
  config->payload_type = -1;
  config->window = 256;
  config->max_repairs = 256;
  config->max_streams = 4;
}

ConfabFecRsDecoder *
confab_fec_rs_decoder_new (const ConfabFecRsDecoderConfig *config, GError **error)
{
  const ConfabFecRsDecoderConfig *c = config;
  ConfabFecRsDecoder *dec;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (c->payload_type < 0 || c->payload_type > 127 || c->window < 128 || c->window > 4096
      || (c->window & (c->window - 1)) != 0 || c->max_repairs < 1 || c->max_repairs > 1024
      || c->max_streams < 1 || c->max_streams > 16)
    {
      g_set_error_literal (error, CONFAB_FEC_ERROR, CONFAB_FEC_ERR_INVALID_ARGUMENT,
                           "invalid Reed-Solomon decoder configuration");
      return NULL;
    }
  dec = g_new0 (ConfabFecRsDecoder, 1);
  dec->config = *c;
  dec->wmask = c->window - 1;
  dec->streams = g_new0 (Stream, c->max_streams);
  dec->blocks = g_new0 (Block, c->max_repairs);
  dec->active = g_new (guint16, c->max_repairs);
  dec->bufs = g_new0 (guint8 *, c->max_repairs);
  dec->free_bufs = g_new (guint16, c->max_repairs);
  for (guint i = 0; i < c->max_repairs; i++)
    dec->free_bufs[i] = (guint16) (c->max_repairs - 1 - i);
  dec->n_free = c->max_repairs;
  dec->scratch = symbol_buf_new (dec);
  mem_add (dec, sizeof *dec + sizeof (Stream) * c->max_streams
                    + (sizeof (Block) + sizeof (guint8 *) + 2 * sizeof (guint16)) * c->max_repairs);
  return dec;
}

void
confab_fec_rs_decoder_free (ConfabFecRsDecoder *dec)
{
  if (dec == NULL)
    return;
  for (guint i = 0; i < dec->config.max_streams; i++)
    if (dec->streams[i].slots)
      {
        for (guint j = 0; j < dec->config.window; j++)
          g_aligned_free (dec->streams[i].slots[j].data);
        g_free (dec->streams[i].slots);
      }
  for (guint i = 0; i < dec->config.max_repairs; i++)
    g_aligned_free (dec->bufs[i]);
  for (guint i = 0; i < MAX_OUTPUT; i++)
    g_free (dec->out[i]);
  g_aligned_free (dec->scratch);
  g_free (dec->streams);
  g_free (dec->blocks);
  g_free (dec->active);
  g_free (dec->bufs);
  g_free (dec->free_bufs);
  g_free (dec);
}

/* Blocks */

static void
block_free (ConfabFecRsDecoder *dec, Block *b)
{
  if (!b->used)
    return;
  for (guint r = 0; r < b->n_rep; r++)
    dec->free_bufs[dec->n_free++] = b->buf[r];
  b->used = FALSE;
  dec->active[b->pos] = dec->active[--dec->n_blocks];
  dec->blocks[dec->active[b->pos]].pos = b->pos;
}

/* The @i-th block in use, walking the list from the end (block_free() moves the last one
 * into a freed place, which such a walk has seen already), or NULL when frees shortened the
 * list below @i. */
static Block *
block_active (ConfabFecRsDecoder *dec, guint i)
{
  return i < dec->n_blocks ? &dec->blocks[dec->active[i]] : NULL;
}

static Block *
block_oldest (ConfabFecRsDecoder *dec)
{
  Block *oldest = NULL;

  for (guint i = 0; i < dec->n_blocks; i++)
    if (oldest == NULL || block_active (dec, i)->serial < oldest->serial)
      oldest = block_active (dec, i);
  return oldest;
}

/* Streams */

static gint64
stream_low (const ConfabFecRsDecoder *dec, const Stream *s)
{
  return s->highest - (gint64) dec->config.window + 1;
}

static gint64
stream_ext (const Stream *s, guint16 seq)
{
  return s->highest + confab_seq_diff (seq, (guint16) s->highest);
}

static Slot *
stream_slot (const ConfabFecRsDecoder *dec, const Stream *s, gint64 ext)
{
  Slot *slot;

  if (ext < stream_low (dec, s) || ext > s->highest)
    return NULL;
  slot = &s->slots[ext & dec->wmask];
  return slot->ext == ext && slot->present ? slot : NULL;
}

static gint
stream_find (ConfabFecRsDecoder *dec, guint32 ssrc)
{
  for (guint i = 0; i < dec->config.max_streams; i++)
    if (dec->streams[i].active && dec->streams[i].ssrc == ssrc)
      return (gint) i;
  return -1;
}

static void
stream_forget_blocks (ConfabFecRsDecoder *dec, guint stream, gint64 below)
{
  for (guint i = dec->n_blocks; i-- > 0;)
    {
      Block *b = block_active (dec, i);

      if (b && b->stream == stream && b->base < below)
        block_free (dec, b);
    }
}

/* Lower for the entry to take first: free ones, then the longest idle. */
static guint64
stream_age (const Stream *s)
{
  return s->active ? s->last_use + 1 : 0;
}

static guint
stream_create (ConfabFecRsDecoder *dec, guint32 ssrc, guint16 seq)
{
  guint victim = 0;
  Stream *s;

  /* A free entry (age 0), else the stream idle the longest, with its blocks. */
  for (guint i = 1; i < dec->config.max_streams; i++)
    if (stream_age (&dec->streams[i]) < stream_age (&dec->streams[victim]))
      victim = i;
  s = &dec->streams[victim];
  if (s->active)
    stream_forget_blocks (dec, victim, G_MAXINT64);
  if (s->slots == NULL)
    {
      s->slots = g_new0 (Slot, dec->config.window);
      mem_add (dec, sizeof (Slot) * dec->config.window);
    }
  for (guint i = 0; i < dec->config.window; i++)
    {
      s->slots[i].ext = -1;
      s->slots[i].present = FALSE;
    }
  s->active = TRUE;
  s->ssrc = ssrc;
  s->start = EXT_BASE + seq;
  s->highest = s->start - 1;
  return victim;
}

/* Moves the window of @s up to @ext, counting the packets that leave it never seen. */
static void
stream_advance (ConfabFecRsDecoder *dec, guint stream, gint64 ext)
{
  Stream *s = &dec->streams[stream];
  gint64 w = dec->config.window;
  gint64 from = s->highest + 1;

  if (ext <= s->highest)
    return;
  if (ext - s->highest > w)
    {
      for (gint64 e = MAX (s->start, stream_low (dec, s)); e <= s->highest; e++)
        if (!stream_slot (dec, s, e))
          dec->stats.unrecovered++;
      dec->stats.unrecovered += (guint64) (ext - w - s->highest);
      from = ext - w + 1;
    }
  for (gint64 e = from; e <= ext; e++)
    {
      Slot *slot = &s->slots[e & dec->wmask];

      if (e - w >= s->start && !(slot->ext == e - w && slot->present))
        dec->stats.unrecovered++;
      slot->ext = e;
      slot->present = FALSE;
    }
  s->highest = ext;
  stream_forget_blocks (dec, stream, stream_low (dec, s));
}

/* The slot packet @ext of @stream goes to, the window moved up to it. */
static Slot *
stream_take_slot (ConfabFecRsDecoder *dec, guint stream, gint64 ext)
{
  Slot *slot;

  stream_advance (dec, stream, ext);
  slot = &dec->streams[stream].slots[ext & dec->wmask];
  if (slot->data == NULL)
    slot->data = symbol_buf_new (dec);
  return slot;
}

/* @slot now holds packet @ext's symbol of @sym_len bytes. */
static void
stream_hold (ConfabFecRsDecoder *dec, guint stream, Slot *slot, gint64 ext, gsize sym_len)
{
  slot->ext = ext;
  slot->len = sym_len;
  slot->present = TRUE;
  dec->streams[stream].last_use = ++dec->use_clock;
}

/* Output */

static guint8 *
output_next_buffer (ConfabFecRsDecoder *dec)
{
  guint i;

  if (dec->n_out == MAX_OUTPUT)
    {
      dec->out_head = (dec->out_head + 1) % MAX_OUTPUT;
      dec->n_out--;
    }
  i = (dec->out_head + dec->n_out) % MAX_OUTPUT;
  if (dec->out[i] == NULL)
    {
      dec->out[i] = g_malloc (CONFAB_FEC_MAX_PACKET_SIZE);
      mem_add (dec, CONFAB_FEC_MAX_PACKET_SIZE);
    }
  return dec->out[i];
}

/* Recovery */

/* Turns the recovered symbol in dec->scratch into packet @ext of @stream: checked, stored
 * in the window and queued. */
static void
deliver (ConfabFecRsDecoder *dec, guint stream, gint64 ext, gsize sym_len)
{
  Stream *s = &dec->streams[stream];
  guint8 *out = output_next_buffer (dec);
  gsize len = 0;
  ConfabRtpView v;
  Slot *slot;
  guint8 *sym;

  /* Inconsistent inputs (a lying peer, or different bytes under one sequence number)
   * rebuild garbage: pass on only what is RTP. */
  if (confab_fec_rs_packet_from_symbol (dec->scratch, sym_len, (guint16) ext, s->ssrc, out,
                                        CONFAB_FEC_MAX_PACKET_SIZE, &len)
          != CONFAB_FEC_OK
      || confab_rtp_view_parse (&v, out, len) != CONFAB_FEC_OK)
    {
      dec->stats.recovery_failed++;
      return;
    }
  sym_len = CONFAB_FEC_RS_SYMBOL_FIELDS + len - CONFAB_RTP_HEADER_SIZE;
  memset (dec->scratch + sym_len, 0, confab_fec_rs_gf_round_up (sym_len) - sym_len);
  /* The scratch buffer becomes the slot's, the slot's the next scratch: nothing copied. */
  slot = stream_take_slot (dec, stream, ext);
  sym = slot->data;
  slot->data = dec->scratch;
  dec->scratch = sym;
  stream_hold (dec, stream, slot, ext, sym_len);
  dec->out_lens[(dec->out_head + dec->n_out) % MAX_OUTPUT] = len;
  dec->n_out++;
  dec->stats.recovered++;
}

/* Rebuilds the @e missing packets @miss of @b from its first @e repair symbols and the
 * present packets @have (@n_have of them, lengths checked). */
static void
block_decode (ConfabFecRsDecoder *dec, Block *b, const guint8 *miss, guint e, const guint8 *have,
              guint n_have)
{
  const Stream *s = &dec->streams[b->stream];
  guint8 m[CONFAB_FEC_RS_MAX_M * CONFAB_FEC_RS_MAX_M];
  const guint8 *srcs[CONFAB_FEC_RS_MAX_K];
  gsize lens[CONFAB_FEC_RS_MAX_K];
  guint8 coefs[CONFAB_FEC_RS_MAX_K];

  /* Rows: the repair packets used; columns: the missing packets. */
  for (guint a = 0; a < e; a++)
    for (guint c = 0; c < e; c++)
      m[a * e + c] = confab_fec_rs_coef (b->index[a], miss[c]);
  if (!confab_fec_rs_gf_invert (m, e))
    {
      dec->stats.recovery_failed += e;
      return;
    }
  for (guint a = 0; a < e; a++)
    {
      srcs[a] = dec->bufs[b->buf[a]];
      lens[a] = b->sym_len;
    }
  for (guint h = 0; h < n_have; h++)
    {
      const Slot *slot = stream_slot (dec, s, b->base + have[h]);

      srcs[e + h] = slot->data;
      lens[e + h] = slot->len;
    }
  dec->stats.eliminations++;
  for (guint c = 0; c < e; c++)
    {
      /* missing c = sum over a of inv[c][a] * (repair a - sum over present i of
       * C[a][i] * present i): one dot product over repair and present symbols. */
      for (guint a = 0; a < e; a++)
        coefs[a] = m[c * e + a];
      for (guint h = 0; h < n_have; h++)
        {
          guint8 d = 0;

          for (guint a = 0; a < e; a++)
            d ^= confab_fec_rs_gf_mul (m[c * e + a], confab_fec_rs_coef (b->index[a], have[h]));
          coefs[e + h] = d;
        }
      confab_fec_rs_gf_dot (dec->scratch, b->sym_len, srcs, lens, coefs, e + n_have);
      deliver (dec, b->stream, b->base + miss[c], b->sym_len);
    }
}

/* Decodes @b if it can, and frees it once it has nothing left to do. */
static void
block_try (ConfabFecRsDecoder *dec, Block *b)
{
  const Stream *s = &dec->streams[b->stream];
  guint8 miss[CONFAB_FEC_RS_MAX_K];
  guint8 have[CONFAB_FEC_RS_MAX_K];
  guint e = 0, n_have = 0;

  for (guint i = 0; i < b->k; i++)
    {
      const Slot *slot = stream_slot (dec, s, b->base + i);

      if (slot == NULL)
        miss[e++] = (guint8) i;
      else if (slot->len > b->sym_len)
        {
          /* A packet longer than the block's symbols was not what the sender protected. */
          dec->stats.recovery_failed++;
          block_free (dec, b);
          return;
        }
      else
        have[n_have++] = (guint8) i;
    }
  b->present = n_have;
  if (e > b->n_rep)
    return;
  if (e > 0)
    block_decode (dec, b, miss, e, have, n_have);
  block_free (dec, b);
}

/* Every waiting block of @stream that covers @ext. */
static void
blocks_notify (ConfabFecRsDecoder *dec, guint stream, gint64 ext)
{
  for (guint i = dec->n_blocks; i-- > 0;)
    {
      Block *b = block_active (dec, i);

      if (b && b->stream == stream && ext >= b->base && ext < b->base + (gint64) b->k)
        {
          b->present++;
          if (b->present + b->n_rep >= b->k)
            block_try (dec, b);
        }
    }
}

/* Packets */

static ConfabFecPacketKind
push_media (ConfabFecRsDecoder *dec, const ConfabRtpView *v, const guint8 *data, gsize len,
            ConfabFecStatus *status)
{
  gint si = stream_find (dec, v->ssrc);
  Stream *s;
  gint64 ext;
  Slot *slot;

  dec->stats.media_packets++;
  if (len > CONFAB_FEC_RS_MAX_MEDIA)
    {
      if (status)
        *status = CONFAB_FEC_ERR_TOO_LARGE;
      return CONFAB_FEC_PACKET_MEDIA;
    }
  if (si < 0)
    si = (gint) stream_create (dec, v->ssrc, v->seq);
  s = &dec->streams[si];
  ext = stream_ext (s, v->seq);
  if (ext < stream_low (dec, s))
    {
      dec->stats.late++;
      return CONFAB_FEC_PACKET_MEDIA;
    }
  if (stream_slot (dec, s, ext))
    {
      dec->stats.duplicates++;
      return CONFAB_FEC_PACKET_DUPLICATE;
    }
  s->start = MIN (s->start, ext);
  /* The symbol is written straight into the slot: the one copy of the packet. */
  slot = stream_take_slot (dec, (guint) si, ext);
  stream_hold (dec, (guint) si, slot, ext,
               confab_fec_rs_symbol_from_packet (data, len, slot->data));
  blocks_notify (dec, (guint) si, ext);
  return CONFAB_FEC_PACKET_MEDIA;
}

static ConfabFecStatus
push_repair (ConfabFecRsDecoder *dec, const ConfabRtpView *v)
{
  ConfabFecRsRepair rep;
  ConfabFecStatus st = confab_fec_rs_parse (v, &rep);
  gint si;
  Stream *s;
  gint64 base;
  Block *b = NULL;
  guint missing = 0;
  guint8 *buf;

  if (st != CONFAB_FEC_OK)
    return st;
  si = stream_find (dec, rep.ssrc);
  if (si < 0)
    return CONFAB_FEC_ERR_UNKNOWN_SSRC;
  s = &dec->streams[si];
  base = stream_ext (s, rep.sn_base);
  /* Below the window the packets are gone; far above it the block would pin memory for
   * media that may never come. */
  if (base < stream_low (dec, s) || base + rep.k - 1 > s->highest + (gint64) dec->config.window / 2)
    return CONFAB_FEC_ERR_OUT_OF_WINDOW;
  for (guint i = 0; i < rep.k; i++)
    if (!stream_slot (dec, s, base + i))
      missing++;
  for (guint i = 0; i < dec->n_blocks; i++)
    {
      Block *c = block_active (dec, i);

      if (c->stream == (guint) si && c->base == base && c->k == rep.k && c->m == rep.m)
        {
          b = c;
          break;
        }
    }
  if (missing == 0 || (b && b->seen & (G_GUINT64_CONSTANT (1) << rep.index)))
    {
      dec->stats.repair_useless++;
      return CONFAB_FEC_OK;
    }
  if (b && b->sym_len != rep.symbol_len)
    return CONFAB_FEC_ERR_MALFORMED;
  if (dec->n_free == 0)
    {
      Block *oldest = block_oldest (dec);

      if (oldest == b)
        return CONFAB_FEC_OK; /* the block is full and still waiting: nothing changes */
      block_free (dec, oldest);
    }
  if (b == NULL)
    {
      for (guint i = 0; i < dec->config.max_repairs && b == NULL; i++)
        if (!dec->blocks[i].used)
          b = &dec->blocks[i];
      if (b == NULL)
        return CONFAB_FEC_OK; /* not reached: fewer blocks than repair buffers in use */
      memset (b, 0, sizeof *b);
      b->used = TRUE;
      b->stream = (guint) si;
      b->base = base;
      b->k = rep.k;
      b->m = rep.m;
      b->sym_len = rep.symbol_len;
      b->present = rep.k - missing;
      b->pos = dec->n_blocks;
      dec->active[dec->n_blocks++] = (guint16) (b - dec->blocks);
    }
  b->serial = ++dec->serial;
  b->buf[b->n_rep] = dec->free_bufs[--dec->n_free];
  if (dec->bufs[b->buf[b->n_rep]] == NULL)
    dec->bufs[b->buf[b->n_rep]] = symbol_buf_new (dec);
  buf = dec->bufs[b->buf[b->n_rep]];
  memcpy (buf, rep.symbol, rep.symbol_len);
  memset (buf + rep.symbol_len, 0, confab_fec_rs_gf_round_up (rep.symbol_len) - rep.symbol_len);
  b->index[b->n_rep++] = rep.index;
  b->seen |= G_GUINT64_CONSTANT (1) << rep.index;
  if (b->present + b->n_rep >= b->k)
    block_try (dec, b);
  return CONFAB_FEC_OK;
}

ConfabFecPacketKind
confab_fec_rs_decoder_push (ConfabFecRsDecoder *dec, const guint8 *data, gsize len,
                            ConfabFecStatus *status)
{
  ConfabRtpView v;
  ConfabFecStatus st;

  g_return_val_if_fail (dec != NULL, CONFAB_FEC_PACKET_NOT_RTP);
  if (status)
    *status = CONFAB_FEC_OK;
  /* Ask for all of the packet's lines now: the copy into the window then does not wait for
   * them one by one. */
  for (gsize off = 64; off < MIN (len, (gsize) CONFAB_FEC_MAX_PACKET_SIZE); off += 64)
    __builtin_prefetch (data + off);
  st = confab_rtp_view_parse (&v, data, len);
  if (st != CONFAB_FEC_OK || confab_rtp_is_rtcp (data, len))
    {
      if (status)
        *status = st != CONFAB_FEC_OK ? st : CONFAB_FEC_ERR_UNSUPPORTED;
      return CONFAB_FEC_PACKET_NOT_RTP;
    }
  if (v.payload_type == dec->config.payload_type
      && (dec->config.repair_ssrc == 0 || v.ssrc == dec->config.repair_ssrc))
    {
      dec->stats.repair_packets++;
      st = push_repair (dec, &v);
      if (st != CONFAB_FEC_OK)
        dec->stats.repair_rejected++;
      if (status)
        *status = st;
      return CONFAB_FEC_PACKET_REPAIR;
    }
  return push_media (dec, &v, data, len, status);
}

const guint8 *
confab_fec_rs_decoder_next_recovered (ConfabFecRsDecoder *dec, gsize *len)
{
  const guint8 *d;

  g_return_val_if_fail (dec != NULL && len != NULL, NULL);
  *len = 0;
  if (dec->n_out == 0)
    return NULL;
  d = dec->out[dec->out_head];
  *len = dec->out_lens[dec->out_head];
  dec->out_head = (dec->out_head + 1) % MAX_OUTPUT;
  dec->n_out--;
  return d;
}

GBytes *
confab_fec_rs_decoder_pop_recovered (ConfabFecRsDecoder *dec)
{
  gsize len;
  const guint8 *d = confab_fec_rs_decoder_next_recovered (dec, &len);

  return d ? g_bytes_new (d, len) : NULL;
}

void
confab_fec_rs_decoder_drain (ConfabFecRsDecoder *dec)
{
  g_return_if_fail (dec != NULL);
  for (guint i = 0; i < dec->config.max_streams; i++)
    {
      Stream *s = &dec->streams[i];
      gint64 top = s->highest;

      if (!s->active)
        continue;
      /* Losses at the end of a block are known only from its repair packets. */
      for (guint b = 0; b < dec->n_blocks; b++)
        if (block_active (dec, b)->stream == i)
          top = MAX (top, block_active (dec, b)->base + (gint64) block_active (dec, b)->k - 1);
      for (gint64 e = MAX (s->start, stream_low (dec, s)); e <= top; e++)
        if (!stream_slot (dec, s, e))
          dec->stats.unrecovered++;
      stream_forget_blocks (dec, i, G_MAXINT64);
      s->active = FALSE;
    }
}

void
confab_fec_rs_decoder_get_stats (ConfabFecRsDecoder *dec, ConfabFecDecoderStats *stats)
{
  g_return_if_fail (dec != NULL && stats != NULL);
  *stats = dec->stats;
}
