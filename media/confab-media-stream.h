/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One negotiated stream of a call as the RTP session tracks it (media/
 * only): what negotiation agreed (ConfabStreamParams) and what has been
 * seen of it since: counters, rates, the remote stream's jitter and the
 * peer's loss of ours. The session keeps an array of these and finds them
 * by payload type or SSRC; nothing here is audio- or video-specific.
 * Plain data: the session's lock guards it.
 */
#pragma once

#include "confab-call-pipeline.h"
#include "confab-media-meters.h"
#include "confab-rtcp-reports.h"
#include "confab-stream-params.h"

G_BEGIN_DECLS

/* What the pipeline knows of a codec: its elements. */
typedef struct
{
  const char *name; /* encoding name as in a=rtpmap, upper case */
  ConfabStreamKind kind;
  const char *payloader;
  const char *depayloader;
  const char *decoder;
} ConfabMediaCodec;

/* The codec of @kind named @name (any case), or NULL: the pipeline carries
 * Opus audio and VP8 video. */
const ConfabMediaCodec *confab_media_codec_find (const char *name, ConfabStreamKind kind);

typedef struct
{
  ConfabStreamParams params; /* with our SSRCs chosen */
  const ConfabMediaCodec *codec;
  /* The counters of the public figures; the rates, jitter and (until
   * lost_final) packets_lost are filled in by confab_media_stream_get_stats(). */
  ConfabStreamStats stats;
  gboolean lost_final;      /* stats.packets_lost is the jitter buffers' last word */
  ConfabRateMeter sent;     /* bytes */
  ConfabRateMeter received; /* bytes */
  ConfabRateMeter decoded;  /* frames */
  ConfabFreezeMeter freeze; /* of decoded frames */
  ConfabJitterEstimate jitter;
  ConfabLossReference loss;
  /* The peer's media sequence numbers as they came off the network (before
   * FEC and RTX), extended (RFC 3550 A.1), for packets_lost_before_fec. */
  gboolean seq_seen;
  guint32 seq_ssrc; /* the first SSRC seen on the media payload type */
  guint64 seq_first;
  guint64 seq_highest;
  guint64 media_received; /* of the peer's media SSRC */
} ConfabMediaStream;

/* TRUE without @problem; otherwise FALSE, with @problem (a translated
 * phrase) in a CONFAB_MEDIA_ERROR_INVALID_CONFIG error. */
gboolean confab_media_config_problem (const char *problem, GError **error);

/* Copies @params (valid), choosing an SSRC where it says 0, one that no
 * stream in @streams (the @n_streams before this one included) uses. */
void confab_media_stream_init (ConfabMediaStream *stream, const ConfabStreamParams *params,
                               const ConfabMediaStream *streams, guint n_streams);

typedef enum
{
  CONFAB_STREAM_BY_PT,          /* its media payload type (incoming RTP) */
  CONFAB_STREAM_BY_LOCAL_SSRC,  /* the SSRC we send it with (report blocks) */
  CONFAB_STREAM_BY_RTX_PT,      /* its retransmissions' payload type (never 0) */
  CONFAB_STREAM_BY_REMOTE_SSRC, /* the peer's media SSRC, as negotiated or first seen */
} ConfabStreamKey;

/* The stream whose @key is @value, or NULL. */
ConfabMediaStream *confab_media_stream_find (ConfabMediaStream *streams, guint n_streams,
                                             ConfabStreamKey key, guint32 value);

/* Notes a media packet of the peer's as it came from the network: its
 * SSRC and sequence number. */
void confab_media_stream_note_seq (ConfabMediaStream *stream, guint32 ssrc, guint16 seq);

/* The public figures at @now. */
void confab_media_stream_get_stats (const ConfabMediaStream *stream, gint64 now,
                                    ConfabStreamStats *stats);

G_END_DECLS
