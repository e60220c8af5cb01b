/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-negotiation.h"

#include "confab-rtp-packet.h"

#include <glib/gi18n.h>
#include <string.h>

/* Confab's mids. An answer keeps them too, whatever the offer's are: what
 * Confab has always written (echoing the offer's is for browser support). */
#define MID_AUDIO "0"
#define MID_VIDEO "1"

void
confab_local_media_pick_ssrcs (ConfabLocalMedia *local)
{
  guint32 *ssrcs[] = { &local->audio_ssrc, &local->video_ssrc, &local->fec_ssrc };

  g_return_if_fail (local != NULL);

  /* A given SSRC is kept unless an earlier one already has it. */
  for (guint i = 0; i < G_N_ELEMENTS (ssrcs); i++)
    {
      guint32 others[G_N_ELEMENTS (ssrcs) - 1];
      gsize n_others = 0;
      gboolean taken = FALSE;

      for (guint j = 0; j < G_N_ELEMENTS (ssrcs); j++)
        if (j != i && *ssrcs[j] != 0)
          {
            others[n_others++] = *ssrcs[j];
            taken |= j < i && *ssrcs[j] == *ssrcs[i];
          }
      if (*ssrcs[i] == 0 || taken)
        *ssrcs[i] = confab_rtp_random_ssrc (others, n_others);
    }
}

const ConfabStreamParams *
confab_stream_set_find (const ConfabStreamSet *set, ConfabStreamKind kind)
{
  g_return_val_if_fail (set != NULL, NULL);

  for (guint i = 0; i < set->n_streams; i++)
    if (set->streams[i].kind == kind)
      return &set->streams[i];
  return NULL;
}

static ConfabStreamParams *
find_stream (ConfabStreamSet *set, ConfabStreamKind kind)
{
  return (ConfabStreamParams *) confab_stream_set_find (set, kind);
}

/* Our two streams on the given payload types; both directions, as Confab
 * has always sent and received both. */
static void
make_streams (const ConfabLocalMedia *local, guint audio_pt, guint video_pt, guint fec_pt,
              ConfabStreamSet *out)
{
  ConfabStreamParams *audio = &out->streams[0];
  ConfabStreamParams *video = &out->streams[1];

  memset (out, 0, sizeof *out);
  out->n_streams = 2;

  audio->kind = CONFAB_STREAM_KIND_AUDIO;
  g_strlcpy (audio->mid, MID_AUDIO, sizeof audio->mid);
  g_strlcpy (audio->codec, "OPUS", sizeof audio->codec);
  audio->pt = audio_pt;
  audio->clock_rate = 48000;
  audio->channels = 2;
  audio->local_ssrc = local->audio_ssrc;
  audio->send = audio->receive = TRUE;

  video->kind = CONFAB_STREAM_KIND_VIDEO;
  g_strlcpy (video->mid, MID_VIDEO, sizeof video->mid);
  g_strlcpy (video->codec, "VP8", sizeof video->codec);
  video->pt = video_pt;
  video->clock_rate = 90000;
  video->local_ssrc = local->video_ssrc;
  video->send = video->receive = TRUE;
  video->fec_pt = fec_pt;
  /* Kept without FEC as well: the pipeline's repair SSRC either way. */
  video->local_fec_ssrc = local->fec_ssrc;
}

void
confab_negotiation_offer (const ConfabLocalMedia *local, ConfabStreamSet *out)
{
  g_return_if_fail (local != NULL);
  g_return_if_fail (out != NULL);

  make_streams (local, local->audio_pt ?: CONFAB_SDP_DEFAULT_AUDIO_PT,
                local->video_pt ?: CONFAB_SDP_DEFAULT_VIDEO_PT,
                local->fec ? local->fec_pt ?: CONFAB_SDP_DEFAULT_FLEXFEC_PT : 0, out);
}

/* What a description (ours or theirs) carries for Confab's streams: the
 * two sections and the payload types of Opus, VP8 and FlexFEC (0 for
 * none). The parser guarantees the sections and codecs of a pasted blob;
 * a description made otherwise is refused here in the same spirit. */
typedef struct
{
  const ConfabSdpMedia *audio, *video;
  guint audio_pt, video_pt, fec_pt;
} PeerStreams;

static gboolean
read_peer (const ConfabSdp *sdp, PeerStreams *peer, GError **error)
{
  const ConfabSdpCodec *opus, *vp8, *fec;

  peer->audio = confab_sdp_find_media (sdp, CONFAB_SDP_MEDIA_AUDIO);
  peer->video = confab_sdp_find_media (sdp, CONFAB_SDP_MEDIA_VIDEO);
  if (peer->audio == NULL || peer->video == NULL)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_MISSING,
                   _ ("The %s has no %s section; Confab needs one m=audio and one m=video"),
                   confab_sdp_type_to_string (sdp->type),
                   peer->audio == NULL ? "m=audio" : "m=video");
      return FALSE;
    }
  opus = confab_sdp_media_find_codec (peer->audio, "opus", 48000, 2);
  vp8 = confab_sdp_media_find_codec (peer->video, "VP8", 90000, 0);
  fec = confab_sdp_media_find_codec (peer->video, "flexfec-03", 90000, 0);
  peer->audio_pt = opus != NULL ? opus->pt : 0;
  peer->video_pt = vp8 != NULL ? vp8->pt : 0;
  peer->fec_pt = fec != NULL ? fec->pt : 0;
  return TRUE;
}

/* The peer's SSRCs: its first a=ssrc per section, and the repair SSRC of
 * its FEC-FR group if FEC was agreed. */
static void
take_remote_ssrcs (ConfabStreamSet *set, const PeerStreams *peer)
{
  ConfabStreamParams *audio = find_stream (set, CONFAB_STREAM_KIND_AUDIO);
  ConfabStreamParams *video = find_stream (set, CONFAB_STREAM_KIND_VIDEO);

  audio->remote_ssrc = confab_sdp_media_get_ssrc (peer->audio);
  video->remote_ssrc = confab_sdp_media_get_ssrc (peer->video);
  video->remote_fec_ssrc = video->fec_pt != 0 ? confab_sdp_media_get_fec_ssrc (peer->video) : 0;
}

gboolean
confab_negotiation_answer (const ConfabLocalMedia *local, const ConfabSdp *offer,
                           ConfabStreamSet *out, GError **error)
{
  PeerStreams peer;

  g_return_val_if_fail (local != NULL, FALSE);
  g_return_val_if_fail (offer != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!read_peer (offer, &peer, error))
    return FALSE;
  if (peer.audio_pt == 0 || peer.video_pt == 0)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_UNSUPPORTED,
                   _ ("The offer has no %s; Confab needs Opus and VP8"),
                   peer.audio_pt == 0 ? "Opus" : "VP8");
      return FALSE;
    }

  /* The offer's payload types, so that both directions agree; FEC only if
   * offered and wanted here. */
  make_streams (local, peer.audio_pt, peer.video_pt, local->fec ? peer.fec_pt : 0, out);
  take_remote_ssrcs (out, &peer);
  return TRUE;
}

gboolean
confab_negotiation_apply_answer (ConfabStreamSet *streams, const ConfabSdp *answer,
                                 gboolean *fec_declined, GError **error)
{
  ConfabStreamSet result;
  ConfabStreamParams *audio, *video;
  PeerStreams peer;

  g_return_val_if_fail (streams != NULL, FALSE);
  g_return_val_if_fail (answer != NULL, FALSE);

  if (fec_declined != NULL)
    *fec_declined = FALSE;
  if (!read_peer (answer, &peer, error))
    return FALSE;

  result = *streams;
  audio = find_stream (&result, CONFAB_STREAM_KIND_AUDIO);
  video = find_stream (&result, CONFAB_STREAM_KIND_VIDEO);
  g_return_val_if_fail (audio != NULL && video != NULL, FALSE);

  if (peer.audio_pt != audio->pt || peer.video_pt != video->pt)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   _ ("The answer changed the payload types (audio %u, video %u; offered %u and "
                      "%u)"),
                   peer.audio_pt, peer.video_pt, audio->pt, video->pt);
      return FALSE;
    }
  if (peer.fec_pt != 0 && video->fec_pt != 0 && peer.fec_pt != video->fec_pt)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   _ ("The answer changed the FEC payload type (%u; offered %u)"), peer.fec_pt,
                   video->fec_pt);
      return FALSE;
    }
  /* An answer that adds FEC we did not offer is ignored: we have nothing
   * to decode it with. */
  if (peer.fec_pt == 0 && video->fec_pt != 0)
    {
      video->fec_pt = 0;
      if (fec_declined != NULL)
        *fec_declined = TRUE;
    }

  take_remote_ssrcs (&result, &peer);
  *streams = result;
  return TRUE;
}

ConfabSdp *
confab_negotiation_describe (const ConfabStreamSet *streams, ConfabSdpType type, guint64 session_id)
{
  ConfabSdp *sdp;

  g_return_val_if_fail (streams != NULL, NULL);

  sdp = confab_sdp_new (type);
  sdp->session_id = session_id;
  for (guint i = 0; i < streams->n_streams; i++)
    {
      const ConfabStreamParams *s = &streams->streams[i];

      if (s->kind == CONFAB_STREAM_KIND_AUDIO)
        confab_sdp_add_opus_media (sdp, s->mid, s->pt, s->local_ssrc);
      else
        confab_sdp_add_vp8_media (sdp, s->mid, s->pt, s->local_ssrc, s->fec_pt, s->local_fec_ssrc);
    }
  return sdp;
}
