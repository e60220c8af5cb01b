/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-traffic.h: real RTP streams for confab-fec-bench, made at run time by GStreamer
 * (videotestsrc -> vp8enc -> rtpvp8pay), so packet sizes and frame boundaries are the
 * payloader's. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  GBytes *data; /* the RTP packet as the payloader made it */
  guint16 seq;
  guint32 ts;
  guint64 pts_ns; /* sending time (its frame's capture time) */
  guint frame;    /* index of its frame */
  gboolean marker;
  gboolean key; /* part of a key frame */
} BenchPacket;

typedef struct
{
  char *name;        /* "720p" */
  char *description; /* encoder settings, for the report */
  guint32 ssrc;
  guint8 pt;
  BenchPacket *packets;
  guint n_packets;
  guint n_frames;
  guint n_key_frames;
  guint64 bytes; /* RTP bytes, headers included */
  double seconds;
  guint64 encode_us; /* wall time the pipeline took */
} BenchStream;

typedef struct
{
  const char *name;
  guint width, height, fps;
  guint bitrate_kbps;
  guint keyframe_distance; /* frames */
  double seconds;
  guint64 seed; /* picks the pattern's motion */
} BenchVideoSpec;

/* Encodes the clip; blocking (a few seconds for 30 s of 720p). */
BenchStream *bench_stream_new_vp8 (const BenchVideoSpec *spec, GError **error);
void bench_stream_free (BenchStream *stream);
/* Media packet index of an RTP sequence number of @stream, or -1. */
gint bench_stream_index_of_seq (const BenchStream *stream, guint16 seq);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchStream, bench_stream_free)

G_END_DECLS
