/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-fec-decoder.h: recovers lost media packets from ULPFEC (plain or in RED) and
 * FlexFEC repair packets, as they arrive.
 *
 * Feed every received RTP packet of the session to confab_fec_decoder_push() in arrival
 * order; forward what it tells you to forward, and send on whatever
 * confab_fec_decoder_pop_recovered() yields right away (this is meant to sit before the
 * jitter buffer, so a recovered packet is just a late packet to it).
 *
 * Per media SSRC the decoder keeps a window of the last `window` sequence numbers. Repair
 * packets wait (bounded by `max_repairs`, oldest dropped first) until every packet they
 * protect but one is there; then the missing one is rebuilt, which may complete other repair
 * packets, and so on (peeling). When that stalls with several repair packets each missing two
 * or more, Gaussian elimination over GF(2) finds combinations of repair packets that miss
 * exactly one packet, so every lost packet the received repair packets determine is
 * recovered (the elimination looks at the newest 48 waiting repair packets and at most 128
 * missing packets per round, which bounds the work a flood can cause). Reordering, duplicates,
 * repair packets before or long after their media, and sequence-number wrap are all handled; memory
 * stays bounded whatever the peer sends.
 */
#pragma once

#include <glib.h>

#include "confab-fec-common.h"

G_BEGIN_DECLS

typedef struct
{
  gint ulpfec_pt;       /* payload type of plain ULPFEC, or of ULPFEC inside RED; -1 none */
  gint red_pt;          /* RED payload type; -1 none */
  gint flexfec_pt;      /* FlexFEC payload type; -1 none */
  guint32 flexfec_ssrc; /* FlexFEC repair SSRC; 0 accepts any SSRC with flexfec_pt */
  guint window;         /* media packets kept per SSRC: power of two, 128-4096 */
  guint max_repairs;    /* repair packets waiting for media, 1-1024 */
  guint max_streams;    /* media SSRCs tracked, 1-16 */
} ConfabFecDecoderConfig;

typedef enum
{
  CONFAB_FEC_PACKET_MEDIA,     /* a media packet: forward it */
  CONFAB_FEC_PACKET_REPAIR,    /* a repair packet, consumed (status says if it was usable) */
  CONFAB_FEC_PACKET_DUPLICATE, /* media we already hold, received or recovered: drop it */
  CONFAB_FEC_PACKET_NOT_RTP,   /* not RTP, or RTCP muxed on the port: not ours, forward it */
} ConfabFecPacketKind;

typedef struct
{
  guint64 media_packets;
  guint64 repair_packets;
  guint64 repair_rejected; /* repair packets refused: malformed, unknown SSRC, out of window */
  guint64 repair_useless;  /* repair packets whose media had all arrived */
  guint64 recovered;
  guint64 unrecovered;     /* media sequence numbers that left the window never seen */
  guint64 recovery_failed; /* rebuilt packets that were inconsistent and dropped */
  guint64 duplicates;
  guint64 late;         /* media older than the window: forwarded, not used */
  guint64 eliminations; /* Gaussian elimination runs */
  gsize memory_bytes;   /* heap held for packets right now */
  gsize peak_memory_bytes;
} ConfabFecDecoderStats;

typedef struct _ConfabFecDecoder ConfabFecDecoder;

/* Defaults: no payload types set, window 256, 128 repair packets, 4 streams. */
void confab_fec_decoder_config_init (ConfabFecDecoderConfig *config);

G_GNUC_WARN_UNUSED_RESULT
ConfabFecDecoder *confab_fec_decoder_new (const ConfabFecDecoderConfig *config, GError **error);
void confab_fec_decoder_free (ConfabFecDecoder *dec);

/* Takes one received packet (not kept: copied if needed). @status, if not NULL, gets why a
 * repair packet could not be used. */
ConfabFecPacketKind confab_fec_decoder_push (ConfabFecDecoder *dec, const guint8 *data, gsize len,
                                             ConfabFecStatus *status);

/* confab_fec_decoder_push() for @n packets that arrived together (a recvmmsg() batch, a
 * GstBufferList), @kinds[i] (if not NULL) getting each one's kind. The same result as @n
 * calls, but while one packet is parsed and copied the next one is already being fetched:
 * packets that come from memory rather than the cache no longer cost a memory latency each.
 * Recovered packets wait in the decoder (up to 1024) for confab_fec_decoder_next_recovered()
 * after the call; one whose window slot is reused before then (the batch moved the window
 * a whole window on) is dropped. */
void confab_fec_decoder_push_many (ConfabFecDecoder *dec, const guint8 *const *data,
                                   const gsize *len, guint n, ConfabFecPacketKind *kinds);

/* Next recovered media packet (bit-exact, as the sender sent it; RED-wrapped again if its
 * stream arrives in RED), or NULL. The bytes are the decoder's and stay valid until the next
 * call into it: no allocation, the hot path. */
const guint8 *confab_fec_decoder_next_recovered (ConfabFecDecoder *dec, gsize *len);

/* The same, copied into new bytes (for tests and cold paths). */
G_GNUC_WARN_UNUSED_RESULT
GBytes *confab_fec_decoder_pop_recovered (ConfabFecDecoder *dec);

/* End of stream: every packet still missing up to the highest sequence number seen or
 * protected is counted as unrecovered, and all streams and repair packets are forgotten.
 * Statistics are kept. */
void confab_fec_decoder_drain (ConfabFecDecoder *dec);

void confab_fec_decoder_get_stats (ConfabFecDecoder *dec, ConfabFecDecoderStats *stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabFecDecoder, confab_fec_decoder_free)

G_END_DECLS
