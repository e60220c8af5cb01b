/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-negotiation.h"

#include "confab-rtp-packet.h"

#include <glib/gi18n.h>
#include <string.h>

/* Confab's mids in its offers; an answer echoes the offer's (RFC 8843). */
#define MID_AUDIO "0"
#define MID_VIDEO "1"

/* ULPFEC in RED when we offer it: Chromium's numbers. */
#define RED_PT 118
#define RED_RTX_PT 119
#define ULPFEC_PT 120

void
confab_local_media_pick_ssrcs (ConfabLocalMedia *local)
{
  guint32 *ssrcs[] = { &local->audio_ssrc, &local->video_ssrc, &local->fec_ssrc, &local->rtx_ssrc };

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

static void
add_section (ConfabStreamSet *set, ConfabSdpMediaKind kind, const char *mid, gint stream)
{
  ConfabSection *section = &set->sections[set->n_sections++];

  memset (section, 0, sizeof *section);
  section->kind = kind;
  section->stream = stream;
  g_strlcpy (section->mid, mid, sizeof section->mid);
}

/* One of our streams, sending and receiving, on @pt; its mid and its
 * m-line come with it. */
static ConfabStreamParams *
add_stream (ConfabStreamSet *set, const ConfabLocalMedia *local, ConfabStreamKind kind,
            const char *mid, guint pt)
{
  ConfabStreamParams *s = &set->streams[set->n_streams];
  gboolean audio = kind == CONFAB_STREAM_KIND_AUDIO;

  memset (s, 0, sizeof *s);
  s->kind = kind;
  g_strlcpy (s->mid, mid, sizeof s->mid);
  g_strlcpy (s->codec, audio ? "OPUS" : "VP8", sizeof s->codec);
  s->pt = pt;
  s->clock_rate = audio ? 48000 : 90000;
  s->channels = audio ? 2 : 0;
  s->local_ssrc = audio ? local->audio_ssrc : local->video_ssrc;
  s->send = s->receive = TRUE;
  /* Kept without FEC or RTX as well: the pipeline's SSRCs either way. */
  if (!audio)
    {
      s->local_fec_ssrc = local->fec_ssrc;
      s->local_rtx_ssrc = local->rtx_ssrc;
    }
  add_section (set, audio ? CONFAB_SDP_MEDIA_AUDIO : CONFAB_SDP_MEDIA_VIDEO, mid, set->n_streams++);
  return s;
}

void
confab_negotiation_offer (const ConfabLocalMedia *local, ConfabStreamSet *out)
{
  ConfabStreamParams *video;

  g_return_if_fail (local != NULL);
  g_return_if_fail (out != NULL);

  memset (out, 0, sizeof *out);
  add_stream (out, local, CONFAB_STREAM_KIND_AUDIO, MID_AUDIO,
              local->audio_pt ?: CONFAB_SDP_DEFAULT_AUDIO_PT);
  video = add_stream (out, local, CONFAB_STREAM_KIND_VIDEO, MID_VIDEO,
                      local->video_pt ?: CONFAB_SDP_DEFAULT_VIDEO_PT);
  video->fec_pt = local->fec ? local->fec_pt ?: CONFAB_SDP_DEFAULT_FLEXFEC_PT : 0;
  video->rtx_pt = local->no_rtx ? 0 : local->rtx_pt ?: CONFAB_SDP_DEFAULT_RTX_PT;
  if (local->fec && local->ulpfec)
    {
      video->fec_pt = ULPFEC_PT;
      video->red_pt = RED_PT;
      video->red_rtx_pt = video->rtx_pt ? RED_RTX_PT : 0;
    }
  else if (local->fec && local->rs)
    out->sections[out->n_sections - 1].rs_pt = local->rs_pt ?: CONFAB_SDP_DEFAULT_RS_PT;
}

/* What a section offers Confab: Opus or VP8 (0 for neither) and FlexFEC. */
static guint
media_pt (const ConfabSdpMedia *m)
{
  const ConfabSdpCodec *c = NULL;

  if (m->kind == CONFAB_SDP_MEDIA_AUDIO)
    c = confab_sdp_media_find_codec (m, "opus", 48000, 2);
  else if (m->kind == CONFAB_SDP_MEDIA_VIDEO)
    c = confab_sdp_media_find_codec (m, "VP8", 90000, 0);
  return c != NULL ? c->pt : 0;
}

/* The section's video FEC of the kinds asked for: FlexFEC (*@red 0) first,
 * else ULPFEC in RED (*@fec ULPFEC's); FALSE, both 0, for none. */
static gboolean
fec_pts (const ConfabSdpMedia *m, gboolean flexfec, gboolean ulpfec, guint *fec, guint *red)
{
  const ConfabSdpCodec *c, *r;

  *fec = *red = 0;
  if (m->kind != CONFAB_SDP_MEDIA_VIDEO)
    return FALSE;
  if (flexfec && (c = confab_sdp_media_find_codec (m, "flexfec-03", 90000, 0)) != NULL)
    *fec = c->pt;
  else if (ulpfec && (c = confab_sdp_media_find_codec (m, "ulpfec", 90000, 0)) != NULL
           && (r = confab_sdp_media_find_codec (m, "red", 90000, 0)) != NULL)
    {
      *fec = c->pt;
      *red = r->pt;
    }
  return *fec != 0;
}

static gboolean
pt_is_dynamic (guint pt)
{
  return (pt >= 35 && pt <= 63) || (pt >= 96 && pt <= 127);
}

/* The section's x-confab-rs payload type if Confab can use it, 0 if not:
 * on a dynamic payload type no other format of @sdp has (one transport),
 * its repair SSRC named by an FEC-FR group. Browsers never write it; a
 * blob that gets it wrong gets FlexFEC or no FEC instead. */
static guint
rs_pt (const ConfabSdp *sdp, const ConfabSdpMedia *m)
{
  const ConfabSdpCodec *rs = m->kind == CONFAB_SDP_MEDIA_VIDEO
                                 ? confab_sdp_media_find_codec (m, "x-confab-rs", 90000, 0)
                                 : NULL;

  if (rs == NULL || !pt_is_dynamic (rs->pt) || confab_sdp_media_get_fec_ssrc (m) == 0)
    return 0;
  for (guint i = 0; i < sdp->media->len; i++)
    {
      const ConfabSdpMedia *other = g_ptr_array_index (sdp->media, i);

      for (guint j = 0; j < other->codecs->len; j++)
        {
          const ConfabSdpCodec *c = &g_array_index (other->codecs, ConfabSdpCodec, j);

          if (c != rs && c->pt == rs->pt)
            return 0;
        }
    }
  return rs->pt;
}

/* The retransmission format of the section's RED, 0 if none. */
static guint
red_rtx_pt (const ConfabSdpMedia *m, guint red)
{
  const ConfabSdpCodec *c = red != 0 ? confab_sdp_media_find_rtx (m, red) : NULL;

  return c != NULL ? c->pt : 0;
}

/* The section's retransmission format for its VP8, 0 if none. */
static guint
rtx_pt (const ConfabSdpMedia *m)
{
  const ConfabSdpCodec *c;

  if (m->kind != CONFAB_SDP_MEDIA_VIDEO || media_pt (m) == 0)
    return 0;
  c = confab_sdp_media_find_rtx (m, media_pt (m));
  return c != NULL ? c->pt : 0;
}

/* The peer's direction seen from here (RFC 3264 6.1): what it sends we
 * receive. */
static void
mirror_direction (ConfabStreamParams *s, ConfabSdpDirection peer)
{
  s->send = peer == CONFAB_SDP_SENDRECV || peer == CONFAB_SDP_RECVONLY;
  s->receive = peer == CONFAB_SDP_SENDRECV || peer == CONFAB_SDP_SENDONLY;
}

/* The peer's SSRCs: its first a=ssrc, the repair SSRC of its FEC-FR
 * group if FEC was agreed, its RTX SSRC (FID group) if RTX was. */
static void
take_remote_ssrcs (ConfabStreamParams *s, const ConfabSdpMedia *m)
{
  s->remote_ssrc = confab_sdp_media_get_ssrc (m);
  s->remote_fec_ssrc = s->fec_pt != 0 ? confab_sdp_media_get_fec_ssrc (m) : 0;
  s->remote_rtx_ssrc = s->rtx_pt != 0 ? confab_sdp_media_get_rtx_ssrc (m) : 0;
}

/* A declined section is written back as offered, on port 0: the strings
 * must fit (they are SDP tokens of a few characters in practice). */
static gboolean
decline (ConfabStreamSet *set, const ConfabSdpMedia *m, GError **error)
{
  ConfabSection *section = &set->sections[set->n_sections];
  const char *media = m->media_name ?: confab_sdp_media_kind_to_string (m->kind);
  g_autofree char *format = NULL;

  if (m->other_formats != NULL)
    format = g_strndup (m->other_formats, strcspn (m->other_formats, " "));
  else if (m->codecs->len > 0)
    format = g_strdup_printf ("%u", g_array_index (m->codecs, ConfabSdpCodec, 0).pt);
  else
    format = g_strdup ("0");

  add_section (set, m->kind, m->mid, -1);
  if (g_strlcpy (section->media, media, sizeof section->media) >= sizeof section->media
      || g_strlcpy (section->proto, m->proto ?: "UDP/TLS/RTP/SAVPF", sizeof section->proto)
             >= sizeof section->proto
      || g_strlcpy (section->format, format, sizeof section->format) >= sizeof section->format
      || strlen (m->mid) >= sizeof section->mid)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_UNSUPPORTED,
                   _ ("The offer's m=%s section has names too long for Confab to answer"),
                   confab_sdp_media_kind_to_string (m->kind));
      return FALSE;
    }
  return TRUE;
}

/* Whether the answerer takes @m: in use, in the BUNDLE group (the parser
 * guarantees that for sections in use), the first of its kind with
 * Confab's codec, a direction with something in it, a mid that fits. */
static gboolean
accept_section (const ConfabStreamSet *set, const ConfabSdpMedia *m)
{
  ConfabStreamKind kind
      = m->kind == CONFAB_SDP_MEDIA_AUDIO ? CONFAB_STREAM_KIND_AUDIO : CONFAB_STREAM_KIND_VIDEO;

  return m->kind != CONFAB_SDP_MEDIA_OTHER && confab_sdp_media_is_active (m) && media_pt (m) != 0
         && m->direction != CONFAB_SDP_INACTIVE && strlen (m->mid) < sizeof set->streams[0].mid
         && confab_stream_set_find (set, kind) == NULL;
}

gboolean
confab_negotiation_answer (const ConfabLocalMedia *local, const ConfabSdp *offer,
                           ConfabStreamSet *out, GError **error)
{
  ConfabStreamSet result;

  g_return_val_if_fail (local != NULL, FALSE);
  g_return_val_if_fail (offer != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (&result, 0, sizeof result);
  if (offer->media->len > CONFAB_SDP_MAX_SECTIONS)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_TOO_LARGE,
                   _ ("The offer has more than %u m-sections"), CONFAB_SDP_MAX_SECTIONS);
      return FALSE;
    }
  for (guint i = 0; i < offer->media->len; i++)
    {
      const ConfabSdpMedia *m = g_ptr_array_index (offer->media, i);
      ConfabStreamParams *s;

      if (!accept_section (&result, m))
        {
          if (!decline (&result, m, error))
            return FALSE;
          continue;
        }
      /* The offer's payload types, so that both directions agree. */
      s = add_stream (&result, local,
                      m->kind == CONFAB_SDP_MEDIA_AUDIO ? CONFAB_STREAM_KIND_AUDIO
                                                        : CONFAB_STREAM_KIND_VIDEO,
                      m->mid, media_pt (m));
      if (local->fec && (s->fec_pt = rs_pt (offer, m)) != 0)
        s->fec_scheme = CONFAB_STREAM_FEC_RS;
      else if (local->fec)
        fec_pts (m, TRUE, TRUE, &s->fec_pt, &s->red_pt);
      /* Its RTX payload type could collide with our FEC's only if the
       * offer listed both on one number, which the parser refuses. */
      if (!local->no_rtx)
        s->rtx_pt = rtx_pt (m);
      if (s->rtx_pt != 0)
        s->red_rtx_pt = red_rtx_pt (m, s->red_pt);
      mirror_direction (s, m->direction);
      take_remote_ssrcs (s, m);
    }

  if (result.n_streams == 0)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_UNSUPPORTED,
                   _ ("The offer has no Opus audio or VP8 video that Confab can use"));
      return FALSE;
    }
  *out = result;
  return TRUE;
}

/* Drops stream @index, keeping the sections' indices right. */
static void
remove_stream (ConfabStreamSet *set, guint index)
{
  memmove (&set->streams[index], &set->streams[index + 1],
           (set->n_streams - index - 1) * sizeof set->streams[0]);
  set->n_streams--;
  for (guint i = 0; i < set->n_sections; i++)
    if (set->sections[i].stream == (gint) index)
      set->sections[i].stream = -1;
    else if (set->sections[i].stream > (gint) index)
      set->sections[i].stream--;
}

gboolean
confab_negotiation_apply_answer (ConfabStreamSet *streams, const ConfabSdp *answer,
                                 gboolean *fec_declined, GError **error)
{
  ConfabStreamSet result;
  const ConfabStreamParams *audio, *video;
  guint answer_pt[2] = { 0, 0 }; /* audio, video as answered */
  gboolean changed = FALSE, declined_fec = FALSE;

  g_return_val_if_fail (streams != NULL, FALSE);
  g_return_val_if_fail (answer != NULL, FALSE);

  if (fec_declined != NULL)
    *fec_declined = FALSE;
  if (answer->media->len != streams->n_sections)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   _ ("The answer has %u m-sections; the offer had %u"), answer->media->len,
                   streams->n_sections);
      return FALSE;
    }

  result = *streams;
  for (guint i = result.n_sections; i-- > 0;)
    {
      const ConfabSdpMedia *m = g_ptr_array_index (answer->media, i);
      ConfabSection *section = &result.sections[i];
      ConfabStreamParams *s;

      if (m->kind != section->kind)
        {
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                       _ ("The answer's m-line %u is m=%s; the offer's is m=%s"), i + 1,
                       confab_sdp_media_kind_to_string (m->kind),
                       confab_sdp_media_kind_to_string (section->kind));
          return FALSE;
        }
      if (section->stream < 0)
        continue;
      if (!confab_sdp_media_is_active (m) || m->direction == CONFAB_SDP_INACTIVE)
        {
          remove_stream (&result, section->stream);
          continue;
        }
      s = &result.streams[section->stream];
      answer_pt[s->kind == CONFAB_STREAM_KIND_VIDEO] = media_pt (m);
      changed |= media_pt (m) != s->pt;
      /* Only the kinds of FEC we offered count, Reed-Solomon first (an
       * answer that takes it lists nothing else). */
      guint fec = 0, red = 0, rs = section->rs_pt != 0 ? rs_pt (answer, m) : 0;
      guint offered_fec = rs != 0 ? section->rs_pt : s->fec_pt;
      if (rs != 0)
        fec = rs;
      else
        fec_pts (m, s->red_pt == 0, s->red_pt != 0, &fec, &red);
      if (fec != 0 && s->fec_pt != 0 && (fec != offered_fec || red != s->red_pt))
        {
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                       _ ("The answer changed the FEC payload type (%u; offered %u)"), fec,
                       offered_fec);
          return FALSE;
        }
      if (rs != 0)
        {
          s->fec_scheme = CONFAB_STREAM_FEC_RS;
          s->fec_pt = rs;
        }
      section->rs_pt = 0;
      if (rtx_pt (m) != 0 && s->rtx_pt != 0 && rtx_pt (m) != s->rtx_pt)
        {
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                       _ ("The answer changed the RTX payload type (%u; offered %u)"), rtx_pt (m),
                       s->rtx_pt);
          return FALSE;
        }
      /* Without RTX in the answer the peer would neither resend nor take
       * resent packets: no NACKs then. */
      if (rtx_pt (m) == 0)
        s->rtx_pt = 0;
      /* An answer that adds FEC we did not offer is ignored: we have
       * nothing to decode it with. */
      if (fec == 0 && s->fec_pt != 0)
        {
          s->fec_pt = s->red_pt = 0;
          declined_fec = TRUE;
        }
      /* RED's retransmissions only as offered and answered. */
      if (s->rtx_pt == 0 || red_rtx_pt (m, s->red_pt) != s->red_rtx_pt)
        s->red_rtx_pt = 0;
      mirror_direction (s, m->direction);
      take_remote_ssrcs (s, m);
    }

  audio = confab_stream_set_find (streams, CONFAB_STREAM_KIND_AUDIO);
  video = confab_stream_set_find (streams, CONFAB_STREAM_KIND_VIDEO);
  if (changed)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   _ ("The answer changed the payload types (audio %u, video %u; offered %u and "
                      "%u)"),
                   answer_pt[0], answer_pt[1], audio != NULL ? audio->pt : 0,
                   video != NULL ? video->pt : 0);
      return FALSE;
    }
  if (result.n_streams == 0)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_UNSUPPORTED,
                   _ ("The answer declines both audio and video"));
      return FALSE;
    }

  if (fec_declined != NULL)
    *fec_declined = declined_fec && find_stream (&result, CONFAB_STREAM_KIND_VIDEO) != NULL;
  *streams = result;
  return TRUE;
}

static ConfabSdpDirection
direction_of (const ConfabStreamParams *s)
{
  if (s->send && s->receive)
    return CONFAB_SDP_SENDRECV;
  if (s->send)
    return CONFAB_SDP_SENDONLY;
  return s->receive ? CONFAB_SDP_RECVONLY : CONFAB_SDP_INACTIVE;
}

/* @rs_pt: Reed-Solomon offered besides FlexFEC (0: not). */
static void
describe_stream (ConfabSdp *sdp, const ConfabStreamParams *s, guint rs_pt)
{
  gboolean rs = s->fec_scheme == CONFAB_STREAM_FEC_RS;
  ConfabSdpMedia *m;

  if (s->kind == CONFAB_STREAM_KIND_AUDIO)
    m = confab_sdp_add_opus_media (sdp, s->mid, s->pt, s->local_ssrc);
  else
    {
      m = confab_sdp_add_vp8_media (sdp, s->mid, s->pt, s->local_ssrc,
                                    s->red_pt || rs ? 0 : s->fec_pt, s->local_fec_ssrc);
      if (rs || rs_pt != 0)
        confab_sdp_media_add_rs (m, rs ? s->fec_pt : rs_pt, s->local_ssrc, s->local_fec_ssrc);
      if (s->rtx_pt != 0)
        confab_sdp_media_add_rtx (m, s->rtx_pt, s->pt, s->local_ssrc, s->local_rtx_ssrc);
      /* As Chromium writes them: RED, its RTX, ULPFEC; the RTX SSRC is the
       * one of the FID group above. */
      if (s->red_pt != 0)
        {
          confab_sdp_media_add_codec (m, s->red_pt, "red", 90000, 0, NULL);
          if (s->red_rtx_pt != 0)
            {
              g_autofree char *apt = g_strdup_printf ("apt=%u", s->red_pt);

              confab_sdp_media_add_codec (m, s->red_rtx_pt, "rtx", 90000, 0, apt);
            }
          confab_sdp_media_add_codec (m, s->fec_pt, "ulpfec", 90000, 0, NULL);
        }
    }
  m->direction = direction_of (s);
  /* One media stream per call, one track per kind (RFC 8830). */
  m->msid = g_strdup_printf ("confab %s", s->kind == CONFAB_STREAM_KIND_AUDIO ? "audio" : "video");
}

/* As offered, on port 0, with only its mid (RFC 8829 5.3.1). */
static void
describe_declined (ConfabSdp *sdp, const ConfabSection *section)
{
  ConfabSdpMedia *m = confab_sdp_add_media (sdp, section->kind, section->mid);

  m->port = 0;
  m->rtcp_mux = FALSE;
  m->proto = g_strdup (section->proto);
  if (section->kind == CONFAB_SDP_MEDIA_OTHER)
    {
      m->media_name = g_strdup (section->media);
      m->other_formats = g_strdup (section->format);
    }
  else
    confab_sdp_media_add_codec (m, (guint) g_ascii_strtoull (section->format, NULL, 10), NULL, 0, 0,
                                NULL);
}

ConfabSdp *
confab_negotiation_describe (const ConfabStreamSet *streams, ConfabSdpType type, guint64 session_id)
{
  ConfabSdp *sdp;

  g_return_val_if_fail (streams != NULL, NULL);

  sdp = confab_sdp_new (type);
  sdp->session_id = session_id;
  /* A set made by hand (tests, tools) has its streams and no sections. */
  if (streams->n_sections == 0)
    for (guint i = 0; i < streams->n_streams; i++)
      describe_stream (sdp, &streams->streams[i], 0);
  for (guint i = 0; i < streams->n_sections; i++)
    {
      const ConfabSection *section = &streams->sections[i];

      if (section->stream >= 0)
        describe_stream (sdp, &streams->streams[section->stream], section->rs_pt);
      else
        describe_declined (sdp, section);
    }
  return sdp;
}
