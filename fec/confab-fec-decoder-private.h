/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-fec-decoder-private.h: the decoder's state, shared by its three parts:
 * confab-fec-decoder.c (the API: packets in, recovered packets out),
 * confab-fec-decoder-window.c (per-SSRC windows of held media and the waiting repair
 * packets) and confab-fec-decoder-solve.c (peeling and GF(2) elimination). */
#pragma once

#include "confab-fec-decoder.h"
#include "confab-fec-parity.h"

G_BEGIN_DECLS

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
/* Packet buffers kept for reuse once popped: enough for any burst of recoveries an honest
 * stream makes between two pops, so none is allocated per packet. */
#define MAX_SPARE_BUFFERS 32
/* Size of one output buffer: a packet plus RED's block header. */
#define OUT_BUF_SIZE (CONFAB_FEC_MAX_PACKET_SIZE + 1)
/* Extended sequence numbers start here so they never go negative. */
#define EXT_BASE (G_GINT64_CONSTANT (1) << 32)

typedef struct
{
  gint64 ext;
  gboolean present;
  gboolean filler; /* a RED-wrapped ULPFEC packet took this media sequence number */
  gsize len;
  guint8 *data; /* CONFAB_FEC_MAX_PACKET_SIZE bytes, allocated on first use, kept */
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
  /* Every extended sequence number a waiting repair packet covers is within [cover_lo,
   * cover_hi] (a superset, tightened when repair packets expire): a packet outside it
   * concerns no repair packet, so its arrival scans none. */
  gint64 cover_lo;
  gint64 cover_hi;
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
  /* Entries from here on are all free: new repair packets take the lowest free entry, so
   * the scans on every packet stop at the few in use. */
  guint repairs_end;
  guint n_repairs;
  /* Bit r: repairs[r] waits for exactly one packet (peeling can use it). Kept as packets
   * arrive, so peeling never scans the repair packets that cannot recover anything. */
  guint64 *ready;
  guint64 repair_serial;
  gboolean elim_dirty;
  guint32 elim_gen;

  /* elimination scratch */
  guint64 (*elim_unk)[UNK_WORDS];
  guint64 *elim_comb; /* max_repairs rows of comb_words */
  guint comb_words;
  struct
  {
    guint stream;
    gint64 ext;
  } unknowns[MAX_UNKNOWNS];

  guint8 acc[2][CONFAB_FEC_MAX_PACKET_SIZE]; /* partial XORs of very long combinations */
  guint8 packet_buf[CONFAB_FEC_MAX_PACKET_SIZE + 1];

  /* Recovered packets: a ring of MAX_OUTPUT entries (out_head, n_out), spare buffers for
   * reuse, and the buffer the last confab_fec_decoder_next_recovered() returned. An entry
   * owns a buffer, or (out_bufs NULL) names the window slot the packet was rebuilt in: most
   * recovered packets are written once, into the window, and handed out from there. */
  guint8 *out_bufs[MAX_OUTPUT];
  gsize out_lens[MAX_OUTPUT];
  guint32 out_ssrc[MAX_OUTPUT];
  guint8 out_stream[MAX_OUTPUT];
  gint64 out_ext[MAX_OUTPUT];
  guint out_head;
  guint n_out;
  guint8 *spare[MAX_SPARE_BUFFERS];
  guint n_spare;
  guint8 *lent;
  ConfabFecDecoderStats stats;
};

static inline void
confab_fec_dec_mem_add (ConfabFecDecoder *dec, gsize n)
{
  dec->stats.memory_bytes += n;
  if (dec->stats.memory_bytes > dec->stats.peak_memory_bytes)
    dec->stats.peak_memory_bytes = dec->stats.memory_bytes;
}

static inline void
confab_fec_dec_mem_sub (ConfabFecDecoder *dec, gsize n)
{
  dec->stats.memory_bytes -= MIN (n, dec->stats.memory_bytes);
}

static inline gint64
confab_fec_dec_stream_ext (const Stream *s, guint16 seq)
{
  return s->highest + confab_seq_diff (seq, (guint16) s->highest);
}

/* Lowest extended sequence number the window can hold. Packets from before the first one
 * seen may still arrive (reordering at start-up), so this does not stop at s->start. */
static inline gint64
confab_fec_dec_stream_low (const ConfabFecDecoder *dec, const Stream *s)
{
  return s->highest - (gint64) dec->config.window + 1;
}

/* The held packet @ext of @s, or NULL. */
static inline Slot *
confab_fec_dec_stream_slot (const ConfabFecDecoder *dec, const Stream *s, gint64 ext)
{
  Slot *slot;

  if (ext < confab_fec_dec_stream_low (dec, s) || ext > s->highest)
    return NULL;
  slot = &s->slots[ext & dec->wmask];
  return slot->ext == ext && slot->present ? slot : NULL;
}

static inline gint64
confab_fec_dec_prot_low (const RepairProt *p)
{
  return p->ext_base + confab_fec_bits_lowest (&p->mask);
}

/* Highest extended sequence number @p covers. */
static inline gint64
confab_fec_dec_prot_high (const RepairProt *p)
{
  return p->ext_base + confab_fec_bits_span (&p->mask) - 1;
}

/* What @rep protects of stream @stream (a repair packet names each stream once), or NULL. */
static inline const RepairProt *
confab_fec_dec_repair_prot (const Repair *rep, guint stream)
{
  for (guint p = 0; p < rep->n_prot; p++)
    if (rep->prot[p].stream == stream)
      return &rep->prot[p];
  return NULL;
}

/* The waiting repair packet in entry @idx, or NULL. */
static inline Repair *
confab_fec_dec_repair_at (const ConfabFecDecoder *dec, guint idx)
{
  Repair *rep = dec->repairs[idx];

  return rep && rep->used ? rep : NULL;
}

/* confab-fec-decoder-window.c */
gint confab_fec_dec_stream_find (ConfabFecDecoder *dec, guint32 ssrc);
guint confab_fec_dec_stream_create (ConfabFecDecoder *dec, guint32 ssrc, guint16 seq);
void confab_fec_dec_stream_release (ConfabFecDecoder *dec, Stream *s);
void confab_fec_dec_stream_advance (ConfabFecDecoder *dec, guint stream, gint64 ext);
void confab_fec_dec_stream_store (ConfabFecDecoder *dec, guint stream, gint64 ext,
                                  const guint8 *data, gsize len);
void confab_fec_dec_repair_free (ConfabFecDecoder *dec, guint idx);
void confab_fec_dec_repair_set_missing (ConfabFecDecoder *dec, guint idx, guint missing);
ConfabFecStatus confab_fec_dec_repair_add (ConfabFecDecoder *dec, const ConfabFecRepairInfo *info,
                                           guint *peel_now);
guint8 *confab_fec_dec_buffer_take (ConfabFecDecoder *dec);
guint8 *confab_fec_dec_rebuild_buffer (ConfabFecDecoder *dec, guint stream, gint64 ext);
void confab_fec_dec_rebuilt_drop (ConfabFecDecoder *dec, guint stream, gint64 ext, guint8 *data);
void confab_fec_dec_buffer_give (ConfabFecDecoder *dec, guint8 *buf);
void confab_fec_dec_deliver (ConfabFecDecoder *dec, guint stream, gint64 ext, guint8 *data,
                             gsize len);

/* confab-fec-decoder-solve.c */
void confab_fec_dec_solve (ConfabFecDecoder *dec, guint first);
void confab_fec_dec_peel_info (ConfabFecDecoder *dec, const ConfabFecRepairInfo *info);

/* Recovers what the waiting repair packets now allow. Most packets arrive with none waiting
 * (no loss): that case costs no call. */
static inline void
confab_fec_dec_run_recovery (ConfabFecDecoder *dec)
{
  if (dec->n_repairs > 0)
    confab_fec_dec_solve (dec, 0);
  else
    dec->elim_dirty = FALSE;
}

G_END_DECLS
