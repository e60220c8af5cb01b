/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-media-stream.h"

#include "confab-rtp-packet.h"

#include <glib/gi18n-lib.h>

/* RFC 5761 section 4: with rtcp-mux, payload types 64..95 would be taken
 * for RTCP. */
static gboolean
pt_is_valid (guint pt)
{
  return pt <= 127 && (pt < 64 || pt > 95);
}

/* RFC 3551's 96..127, and 35..63, which libwebrtc hands out once those are
 * taken. */
static gboolean
pt_is_dynamic (guint pt)
{
  return (pt >= 96 && pt <= 127) || (pt >= 35 && pt <= 63);
}

static const ConfabMediaCodec codecs[] = {
  { "OPUS", CONFAB_STREAM_KIND_AUDIO, "rtpopuspay", "rtpopusdepay", "opusdec" },
  { "VP8", CONFAB_STREAM_KIND_VIDEO, "rtpvp8pay", "rtpvp8depay", "vp8dec" },
};

const ConfabMediaCodec *
confab_media_codec_find (const char *name, ConfabStreamKind kind)
{
  for (gsize i = 0; i < G_N_ELEMENTS (codecs); i++)
    if (codecs[i].kind == kind && g_ascii_strcasecmp (codecs[i].name, name) == 0)
      return &codecs[i];
  return NULL;
}

/* The first thing wrong with @s, compared with the streams before it. */
static const char *
stream_problem (const ConfabStreamParams *streams, guint i)
{
  const ConfabStreamParams *s = &streams[i];

  if (s->kind != CONFAB_STREAM_KIND_AUDIO && s->kind != CONFAB_STREAM_KIND_VIDEO)
    return _ ("a stream is neither audio nor video");
  if (confab_media_codec_find (s->codec, s->kind) == NULL || s->clock_rate == 0)
    return _ ("only Opus audio and VP8 video are supported");
  if (!pt_is_valid (s->pt))
    return _ ("a payload type is outside 0..63 and 96..127");
  if (s->fec_pt != 0 && s->kind != CONFAB_STREAM_KIND_VIDEO)
    return _ ("only video streams can have FEC");
  if (s->fec_pt != 0 && (!pt_is_dynamic (s->fec_pt) || s->fec_pt == s->pt))
    return _ ("the FEC payload type must be a free dynamic one (35..63 or 96..127)");
  if (s->fec_pt != 0 && s->local_fec_ssrc != 0 && s->local_fec_ssrc == s->local_ssrc)
    return _ ("the FEC repair packets need an SSRC of their own");
  if (s->rtx_pt != 0 && s->kind != CONFAB_STREAM_KIND_VIDEO)
    return _ ("only video streams can have retransmissions");
  if (s->rtx_pt != 0
      && (!pt_is_dynamic (s->rtx_pt) || s->rtx_pt == s->pt || s->rtx_pt == s->fec_pt))
    return _ ("the RTX payload type must be a free dynamic one (35..63 or 96..127)");
  if (s->red_pt != 0
      && (s->fec_pt == 0 || !pt_is_dynamic (s->red_pt) || s->red_pt == s->pt
          || s->red_pt == s->fec_pt || s->red_pt == s->rtx_pt))
    return _ ("the FEC payload type must be a free dynamic one (35..63 or 96..127)");
  if (s->red_rtx_pt != 0
      && (s->red_pt == 0 || s->rtx_pt == 0 || !pt_is_dynamic (s->red_rtx_pt)
          || s->red_rtx_pt == s->pt || s->red_rtx_pt == s->fec_pt || s->red_rtx_pt == s->rtx_pt
          || s->red_rtx_pt == s->red_pt))
    return _ ("the RTX payload type must be a free dynamic one (35..63 or 96..127)");
  if (s->fec_scheme != CONFAB_STREAM_FEC_STANDARD
      && (s->fec_scheme != CONFAB_STREAM_FEC_RS || s->fec_pt == 0 || s->red_pt != 0))
    return _ ("Reed-Solomon FEC needs a payload type of its own, without RED");
  if (s->rtx_pt != 0 && s->local_rtx_ssrc != 0
      && (s->local_rtx_ssrc == s->local_ssrc
          || (s->fec_pt != 0 && s->local_rtx_ssrc == s->local_fec_ssrc)))
    return _ ("retransmissions need an SSRC of their own");

  for (guint j = 0; j < i; j++)
    {
      const ConfabStreamParams *t = &streams[j];

      if (t->kind == s->kind)
        return _ ("at most one audio and one video stream");
      if (t->pt == s->pt)
        return _ ("audio and video need different payload types");
      if (s->local_ssrc != 0 && s->local_ssrc == t->local_ssrc)
        return _ ("audio and video need different SSRCs");
      if ((s->fec_pt != 0 && (s->fec_pt == t->pt || s->fec_pt == t->fec_pt))
          || (t->fec_pt != 0 && t->fec_pt == s->pt))
        return _ ("the FEC payload type must be a free dynamic one (35..63 or 96..127)");
      if ((s->rtx_pt != 0 && (s->rtx_pt == t->pt || s->rtx_pt == t->fec_pt))
          || (t->rtx_pt != 0 && (t->rtx_pt == s->pt || t->rtx_pt == s->fec_pt)))
        return _ ("the RTX payload type must be a free dynamic one (35..63 or 96..127)");
      if ((s->fec_pt != 0 && s->local_fec_ssrc != 0 && s->local_fec_ssrc == t->local_ssrc)
          || (t->fec_pt != 0 && t->local_fec_ssrc != 0 && t->local_fec_ssrc == s->local_ssrc))
        return _ ("the FEC repair packets need an SSRC of their own");
    }

  return NULL;
}

gboolean
confab_stream_params_validate (const ConfabStreamParams *streams, guint n_streams, GError **error)
{
  const char *problem = NULL;

  if (streams == NULL || n_streams == 0 || n_streams > CONFAB_MAX_STREAMS)
    problem = _ ("a call needs between one and four streams");
  for (guint i = 0; problem == NULL && i < n_streams; i++)
    problem = stream_problem (streams, i);

  return confab_media_config_problem (problem, error);
}

gboolean
confab_media_config_problem (const char *problem, GError **error)
{
  if (problem == NULL)
    return TRUE;

  g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_INVALID_CONFIG,
               _ ("Invalid media configuration: %s"), problem);
  return FALSE;
}

/* Our SSRCs taken so far: this stream's own and the earlier streams'. */
static gsize
taken_ssrcs (const ConfabStreamParams *params, const ConfabMediaStream *streams, guint n_streams,
             guint32 *taken)
{
  gsize n = 0;

  for (guint i = 0; i <= n_streams; i++)
    {
      const ConfabStreamParams *p = i < n_streams ? &streams[i].params : params;

      if (p->local_ssrc != 0)
        taken[n++] = p->local_ssrc;
      if (p->fec_pt != 0 && p->local_fec_ssrc != 0)
        taken[n++] = p->local_fec_ssrc;
      if (p->rtx_pt != 0 && p->local_rtx_ssrc != 0)
        taken[n++] = p->local_rtx_ssrc;
    }
  return n;
}

static guint32
random_ssrc (const ConfabStreamParams *params, const ConfabMediaStream *streams, guint n_streams)
{
  guint32 taken[3 * (CONFAB_MAX_STREAMS + 1)];

  g_assert (n_streams <= CONFAB_MAX_STREAMS);
  return confab_rtp_random_ssrc (taken, taken_ssrcs (params, streams, n_streams, taken));
}

void
confab_media_stream_init (ConfabMediaStream *stream, const ConfabStreamParams *params,
                          const ConfabMediaStream *streams, guint n_streams)
{
  *stream = (ConfabMediaStream){
    .params = *params,
    .codec = confab_media_codec_find (params->codec, params->kind),
  };

  if (stream->params.local_ssrc == 0)
    stream->params.local_ssrc = random_ssrc (&stream->params, streams, n_streams);
  if (stream->params.fec_pt != 0 && stream->params.local_fec_ssrc == 0)
    stream->params.local_fec_ssrc = random_ssrc (&stream->params, streams, n_streams);
  if (stream->params.rtx_pt != 0 && stream->params.local_rtx_ssrc == 0)
    stream->params.local_rtx_ssrc = random_ssrc (&stream->params, streams, n_streams);
  g_strlcpy (stream->stats.codec, stream->codec->name, sizeof stream->stats.codec);
  if (params->fec_pt != 0)
    g_strlcpy (stream->stats.fec_scheme,
               params->fec_scheme == CONFAB_STREAM_FEC_RS ? "rs"
               : params->red_pt != 0                      ? "ulpfec-red"
                                                          : "flexfec",
               sizeof stream->stats.fec_scheme);
}

ConfabMediaStream *
confab_media_stream_find (ConfabMediaStream *streams, guint n_streams, ConfabStreamKey key,
                          guint32 value)
{
  for (guint i = 0; i < n_streams; i++)
    {
      const ConfabStreamParams *params = &streams[i].params;
      guint32 field;

      if (key == CONFAB_STREAM_BY_REMOTE_SSRC)
        {
          if ((params->remote_ssrc != 0 && params->remote_ssrc == value)
              || (streams[i].seq_seen && streams[i].seq_ssrc == value))
            return &streams[i];
          continue;
        }
      field = key == CONFAB_STREAM_BY_PT       ? params->pt
              : key == CONFAB_STREAM_BY_RTX_PT ? params->rtx_pt
                                               : params->local_ssrc;
      if (field == value && (key != CONFAB_STREAM_BY_RTX_PT || value != 0))
        return &streams[i];
    }
  return NULL;
}

void
confab_media_stream_note_seq (ConfabMediaStream *stream, guint32 ssrc, guint16 seq)
{
  gint16 delta;

  if (!stream->seq_seen)
    {
      /* One cycle up, so that a reordered earlier packet stays above 0. */
      stream->seq_first = stream->seq_highest = 0x10000u + seq;
      stream->seq_ssrc = ssrc;
      stream->seq_seen = TRUE;
      stream->media_received = 1;
      return;
    }
  if (ssrc != stream->seq_ssrc)
    return;
  stream->media_received++;
  delta = (gint16) (seq - (guint16) stream->seq_highest);
  if (delta > 0)
    stream->seq_highest += delta;
  else if (stream->seq_highest + delta < stream->seq_first)
    stream->seq_first = stream->seq_highest + delta;
}

void
confab_media_stream_get_stats (const ConfabMediaStream *stream, gint64 now,
                               ConfabStreamStats *stats)
{
  guint64 expected = stream->seq_seen ? (guint64) stream->seq_highest - stream->seq_first + 1 : 0;

  *stats = stream->stats;
  /* Duplicates (a packet sent twice by the network) make it low, never
   * negative. */
  stats->packets_lost_before_fec
      = expected > stream->media_received ? expected - stream->media_received : 0;
  stats->send_kbps = confab_rate_meter_get (&stream->sent, now) * 8 / 1000;
  stats->receive_kbps = confab_rate_meter_get (&stream->received, now) * 8 / 1000;
  stats->decoded_fps = confab_rate_meter_get (&stream->decoded, now);
  stats->freezes = stream->freeze.freezes;
  stats->freeze_s = confab_freeze_meter_get_seconds (&stream->freeze);
  stats->jitter_ms = confab_jitter_estimate_get_ms (&stream->jitter, stream->params.clock_rate);
}
