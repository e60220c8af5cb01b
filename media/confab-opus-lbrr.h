/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Counting the audio frames opusdec rebuilds from Opus in-band FEC.
 *
 * opusdec (1.22) does not count what it rebuilds from FEC, so we watch its
 * input and count the frames it can only have decoded from LBRR data (the
 * low-bitrate copy of the previous frame that SILK puts in a packet):
 *
 * - a lost packet reaches opusdec as a GAP event (jitter buffer lost
 *   event, depayloader), which GstAudioDecoder hands it as an empty buffer;
 * - with use-inband-fec, opusdec holds each packet back by one; when the
 *   held one is such an empty buffer and the next packet has data, it
 *   calls opus_decode (next packet, decode_fec = 1) for the gap's duration;
 * - libopus then rebuilds the last frame of the gap from the packet's
 *   LBRR data if the gap covers at least one frame of the packet and
 *   neither the packet nor the frame before is CELT-only (CELT has no
 *   LBRR); SILK falls back to concealment when the packet's LBRR flag is
 *   clear.
 *
 * So a frame counts as rebuilt when a GAP of at least the packet's frame
 * duration is directly followed by a SILK or hybrid packet, after a packet
 * that was not CELT-only, whose LBRR flag is set. Packets of more than one
 * frame or of 40/60 ms SILK frames (not what opusenc sends here) are not
 * counted: their LBRR flags sit elsewhere.
 *
 * Bytes only, no GStreamer (tests/media/test-opus-lbrr.c); times in ns.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CONFAB_OPUS_NO_GAP G_MAXUINT64

/* RFC 6716: TRUE when the Opus packet @data is one SILK or hybrid frame of
 * at most 20 ms whose LBRR flag is set. Sets *@celt (CELT-only packet) and,
 * for SILK and hybrid packets, *@frame_duration_ns. */
gboolean confab_opus_frame_has_lbrr (const guint8 *data, gsize size, guint64 *frame_duration_ns,
                                     gboolean *celt);

/* opusdec (1.22) does not count what it conceals either (nor does
 * rtpjitterbuffer): a gap's frames that the next packet does not rebuild
 * are concealed by the decoder's PLC, a gap's length in frames being its
 * duration over the last packet's frame duration (20 ms until one is
 * seen). A gap followed by another gap is concealed whole. */
typedef struct
{
  guint64 gap; /* duration of the latest gap, CONFAB_OPUS_NO_GAP after a packet */
  gboolean last_celt;
  guint64 frame_duration; /* of the last SILK or hybrid packet, ns */
  guint64 concealed;      /* frames, since init */
} ConfabOpusFecCounter;

void confab_opus_fec_counter_init (ConfabOpusFecCounter *counter);
/* A gap of @duration_ns (a lost packet) reached the decoder. */
void confab_opus_fec_counter_gap (ConfabOpusFecCounter *counter, guint64 duration_ns);
/* A flush: what came before is forgotten. */
void confab_opus_fec_counter_flush (ConfabOpusFecCounter *counter);
/* A packet reached the decoder; TRUE when it rebuilds a frame of the gap
 * before it. The gap's other frames count as concealed. */
gboolean confab_opus_fec_counter_packet (ConfabOpusFecCounter *counter, const guint8 *data,
                                         gsize size);

G_END_DECLS
