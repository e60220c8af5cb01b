/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-opus.h: Opus in-band FEC (LBRR) under loss: of the lost 20 ms frames, how many the
 * next packet's LBRR data rebuilds and how many PLC has to conceal. */
#pragma once

#include <glib.h>

#include "bench-loss.h"

G_BEGIN_DECLS

typedef struct
{
  char *source; /* "libopus" or "gst opusenc" */
  guint bitrate_kbps;
  guint loss_hint; /* OPUS_SET_PACKET_LOSS_PERC / packet-loss-percentage */
  gboolean inband_fec;
  guint64 frames, lost;
  guint64 rebuilt;      /* lost, next packet arrived and carried LBRR */
  guint64 concealed;    /* lost and left to PLC */
  guint64 next_lost;    /* of the concealed: the next packet was lost too */
  guint64 lbrr_packets; /* packets whose SILK layer carries LBRR */
  guint64 silk_packets, hybrid_packets, celt_packets;
  guint64 fec_plc_differs; /* rebuilt frames where decode_fec output differed from PLC */
  double snr_rebuilt_db;   /* against the loss-free decode, mean over frames */
  double snr_concealed_db;
  guint64 bytes;
} BenchOpusRow;

void bench_opus_row_clear (BenchOpusRow *row);

/* Encodes @seconds of a seeded synthetic voice with libopus (VOIP, voice signal, 20 ms) for
 * every bitrate x loss hint, and one stream through GStreamer's opusenc ! rtpopuspay with
 * Confab's call settings, then decodes each under @loss. Returns BenchOpusRow items. */
GArray *bench_opus_run (const guint *bitrates, guint n_bitrates, const guint *hints, guint n_hints,
                        double seconds, const BenchLossModel *loss, guint64 seed, GError **error);

G_END_DECLS
