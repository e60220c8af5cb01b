/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The signaling blob: the description model and the writer. The parser
 * for pasted text is in confab-sdp-lines.c (first pass: paste to lines),
 * confab-sdp-attributes.c (transport attribute values) and
 * confab-sdp-parse.c (second pass: lines to a ConfabSdp).
 */

#include "confab-sdp-private.h"

#include <string.h>

/* clang-format off */
G_DEFINE_QUARK (confab-sdp-error-quark, confab_sdp_error)
/* clang-format on */

const char *
confab_sdp_type_to_string (ConfabSdpType type)
{
  switch (type)
    {
    case CONFAB_SDP_OFFER:
      return "offer";
    case CONFAB_SDP_ANSWER:
      return "answer";
    }
  return "unknown";
}

const char *
confab_sdp_media_kind_to_string (ConfabSdpMediaKind kind)
{
  switch (kind)
    {
    case CONFAB_SDP_MEDIA_AUDIO:
      return "audio";
    case CONFAB_SDP_MEDIA_VIDEO:
      return "video";
    case CONFAB_SDP_MEDIA_OTHER:
      return "application";
    }
  return "unknown";
}

static const char *
direction_to_string (ConfabSdpDirection direction)
{
  switch (direction)
    {
    case CONFAB_SDP_SENDONLY:
      return "sendonly";
    case CONFAB_SDP_RECVONLY:
      return "recvonly";
    case CONFAB_SDP_INACTIVE:
      return "inactive";
    case CONFAB_SDP_SENDRECV:
    default:
      return "sendrecv";
    }
}

/* ------------------------------------------------------------------------ */
/* The model                                                                */
/* ------------------------------------------------------------------------ */

static void
codec_clear (gpointer data)
{
  ConfabSdpCodec *c = data;

  g_clear_pointer (&c->rtcp_fb, g_ptr_array_unref);
  g_clear_pointer (&c->fmtp, g_free);
  g_clear_pointer (&c->name, g_free);
}

static void
ssrc_group_clear (gpointer data)
{
  ConfabSdpSsrcGroup *g = data;

  g_array_unref (g->ssrcs);
  g_free (g->semantics);
}

static void
media_free (gpointer data)
{
  ConfabSdpMedia *m = data;

  g_free (m->mid);
  g_free (m->proto);
  g_free (m->msid);
  g_free (m->media_name);
  g_free (m->other_formats);
  g_array_unref (m->codecs);
  g_array_unref (m->ssrcs);
  g_array_unref (m->ssrc_groups);
  g_free (m);
}

guint64
confab_sdp_new_session_id (void)
{
  /* JSEP (RFC 8829 5.2.1) asks for 63 random bits, so that the value stays
   * positive for parsers that read it as a signed 64-bit number. */
  return (((guint64) g_random_int () << 32) | g_random_int ())
         & G_GUINT64_CONSTANT (0x7fffffffffffffff);
}

ConfabSdp *
confab_sdp_new (ConfabSdpType type)
{
  ConfabSdp *sdp = g_new0 (ConfabSdp, 1);

  sdp->type = type;
  sdp->session_id = confab_sdp_new_session_id ();
  sdp->candidates = g_ptr_array_new_with_free_func (g_free);
  sdp->media = g_ptr_array_new_with_free_func (media_free);

  return sdp;
}

void
confab_sdp_free (ConfabSdp *sdp)
{
  if (sdp == NULL)
    return;

  g_free (sdp->ice_ufrag);
  g_free (sdp->ice_pwd);
  g_clear_pointer (&sdp->candidates, g_ptr_array_unref);
  g_free (sdp->fingerprint);
  g_free (sdp->setup);
  g_clear_pointer (&sdp->media, g_ptr_array_unref);
  g_free (sdp);
}

void
confab_sdp_add_candidate (ConfabSdp *sdp, const char *candidate)
{
  char *normalized = NULL;
  CandidateUse use;

  g_return_if_fail (sdp != NULL);
  g_return_if_fail (candidate != NULL);

  if (g_str_has_prefix (candidate, "a="))
    candidate += strlen ("a=");
  g_return_if_fail (g_str_has_prefix (candidate, "candidate:"));

  /* Keep the parser's normal form when there is one, so that a blob
   * round-trips exactly whatever spelling the caller used. */
  if (confab_sdp_parse_candidate (candidate + strlen ("candidate:"), &use, &normalized, NULL)
      && normalized != NULL)
    g_ptr_array_add (sdp->candidates, normalized);
  else
    g_ptr_array_add (sdp->candidates, g_strdup (candidate));
}

ConfabSdpMedia *
confab_sdp_add_media (ConfabSdp *sdp, ConfabSdpMediaKind kind, const char *mid)
{
  ConfabSdpMedia *m;

  g_return_val_if_fail (sdp != NULL, NULL);
  g_return_val_if_fail (mid != NULL, NULL);

  m = g_new0 (ConfabSdpMedia, 1);
  m->kind = kind;
  m->mid = g_strdup (mid);
  m->port = 9; /* "discard": ICE decides the real one (RFC 8839 4.2.5) */
  m->direction = CONFAB_SDP_SENDRECV;
  m->rtcp_mux = TRUE;
  m->codecs = g_array_new (FALSE, FALSE, sizeof (ConfabSdpCodec));
  g_array_set_clear_func (m->codecs, codec_clear);
  m->ssrcs = g_array_new (FALSE, FALSE, sizeof (guint32));
  m->ssrc_groups = g_array_new (FALSE, FALSE, sizeof (ConfabSdpSsrcGroup));
  g_array_set_clear_func (m->ssrc_groups, ssrc_group_clear);
  g_ptr_array_add (sdp->media, m);
  return m;
}

ConfabSdpCodec *
confab_sdp_media_add_codec (ConfabSdpMedia *media, guint pt, const char *name, guint clock_rate,
                            guint channels, const char *fmtp)
{
  ConfabSdpCodec c = {
    .pt = pt,
    .name = g_strdup (name),
    .clock_rate = clock_rate,
    .channels = channels,
    .fmtp = g_strdup (fmtp),
    .rtcp_fb = g_ptr_array_new_with_free_func (g_free),
  };

  g_return_val_if_fail (media != NULL, NULL);

  g_array_append_val (media->codecs, c);
  return &g_array_index (media->codecs, ConfabSdpCodec, media->codecs->len - 1);
}

void
confab_sdp_codec_add_rtcp_fb (ConfabSdpCodec *codec, const char *feedback)
{
  g_return_if_fail (codec != NULL);
  g_return_if_fail (feedback != NULL);

  g_ptr_array_add (codec->rtcp_fb, g_strdup (feedback));
}

void
confab_sdp_media_add_ssrc (ConfabSdpMedia *media, guint32 ssrc)
{
  g_return_if_fail (media != NULL);

  for (guint i = 0; i < media->ssrcs->len; i++)
    if (g_array_index (media->ssrcs, guint32, i) == ssrc)
      return;
  g_array_append_val (media->ssrcs, ssrc);
}

void
confab_sdp_media_add_ssrc_group (ConfabSdpMedia *media, const char *semantics, const guint32 *ssrcs,
                                 guint n_ssrcs)
{
  ConfabSdpSsrcGroup g;

  g_return_if_fail (media != NULL);
  g_return_if_fail (semantics != NULL);

  g.semantics = g_strdup (semantics);
  g.ssrcs = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n_ssrcs);
  g_array_append_vals (g.ssrcs, ssrcs, n_ssrcs);
  g_array_append_val (media->ssrc_groups, g);
}

ConfabSdpMedia *
confab_sdp_add_opus_media (ConfabSdp *sdp, const char *mid, guint pt, guint32 ssrc)
{
  ConfabSdpMedia *m = confab_sdp_add_media (sdp, CONFAB_SDP_MEDIA_AUDIO, mid);

  confab_sdp_media_add_codec (m, pt, "opus", 48000, 2, "minptime=10;useinbandfec=1");
  if (ssrc != 0)
    confab_sdp_media_add_ssrc (m, ssrc);
  return m;
}

/* The FEC-FR group of @ssrc and @fec_ssrc with both a=ssrc lines, once.
 * Without a media SSRC there is no group to name the repair SSRC in. */
static void
add_fec_group (ConfabSdpMedia *m, guint32 ssrc, guint32 fec_ssrc)
{
  const guint32 group[] = { ssrc, fec_ssrc };

  if (ssrc == 0 || fec_ssrc == 0 || confab_sdp_media_get_fec_ssrc (m) != 0)
    return;
  confab_sdp_media_add_ssrc_group (m, "FEC-FR", group, G_N_ELEMENTS (group));
  confab_sdp_media_add_ssrc (m, ssrc);
  confab_sdp_media_add_ssrc (m, fec_ssrc);
}

ConfabSdpMedia *
confab_sdp_add_vp8_media (ConfabSdp *sdp, const char *mid, guint pt, guint32 ssrc, guint fec_pt,
                          guint32 fec_ssrc)
{
  ConfabSdpMedia *m = confab_sdp_add_media (sdp, CONFAB_SDP_MEDIA_VIDEO, mid);
  ConfabSdpCodec *vp8 = confab_sdp_media_add_codec (m, pt, "VP8", 90000, 0, NULL);

  confab_sdp_codec_add_rtcp_fb (vp8, "nack");
  confab_sdp_codec_add_rtcp_fb (vp8, "nack pli");
  if (fec_pt != 0)
    {
      /* The window in microseconds, as browsers write it. */
      confab_sdp_media_add_codec (m, fec_pt, "flexfec-03", 90000, 0, "repair-window=10000000");
      add_fec_group (m, ssrc, fec_ssrc);
    }
  if (ssrc != 0)
    confab_sdp_media_add_ssrc (m, ssrc);
  return m;
}

void
confab_sdp_media_add_rs (ConfabSdpMedia *media, guint rs_pt, guint32 ssrc, guint32 fec_ssrc)
{
  g_return_if_fail (media != NULL);

  confab_sdp_media_add_codec (media, rs_pt, "x-confab-rs", 90000, 0, NULL);
  add_fec_group (media, ssrc, fec_ssrc);
}

void
confab_sdp_media_add_rtx (ConfabSdpMedia *media, guint rtx_pt, guint apt, guint32 ssrc,
                          guint32 rtx_ssrc)
{
  g_autofree char *fmtp = NULL;

  g_return_if_fail (media != NULL);

  fmtp = g_strdup_printf ("apt=%u", apt);
  confab_sdp_media_add_codec (media, rtx_pt, "rtx", 90000, 0, fmtp);
  /* As for FEC-FR: the group needs both SSRCs. */
  if (ssrc != 0 && rtx_ssrc != 0)
    {
      const guint32 group[] = { ssrc, rtx_ssrc };

      confab_sdp_media_add_ssrc_group (media, "FID", group, G_N_ELEMENTS (group));
      confab_sdp_media_add_ssrc (media, ssrc);
      confab_sdp_media_add_ssrc (media, rtx_ssrc);
    }
}

const ConfabSdpMedia *
confab_sdp_find_media (const ConfabSdp *sdp, ConfabSdpMediaKind kind)
{
  g_return_val_if_fail (sdp != NULL, NULL);

  for (guint i = 0; i < sdp->media->len; i++)
    {
      const ConfabSdpMedia *m = g_ptr_array_index (sdp->media, i);

      if (m->kind == kind)
        return m;
    }
  return NULL;
}

gboolean
confab_sdp_media_is_active (const ConfabSdpMedia *media)
{
  g_return_val_if_fail (media != NULL, FALSE);

  return media->port != 0 || media->bundle_only;
}

const ConfabSdpCodec *
confab_sdp_media_find_codec (const ConfabSdpMedia *media, const char *name, guint clock_rate,
                             guint channels)
{
  g_return_val_if_fail (media != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < media->codecs->len; i++)
    {
      const ConfabSdpCodec *c = &g_array_index (media->codecs, ConfabSdpCodec, i);

      if (c->name != NULL && g_ascii_strcasecmp (c->name, name) == 0 && c->clock_rate == clock_rate
          && (channels == 0 || c->channels == channels))
        return c;
    }
  return NULL;
}

guint32
confab_sdp_media_get_ssrc (const ConfabSdpMedia *media)
{
  g_return_val_if_fail (media != NULL, 0);

  return media->ssrcs->len > 0 ? g_array_index (media->ssrcs, guint32, 0) : 0;
}

/* The second SSRC of the first two-SSRC group of @semantics whose first
 * is @first (any first when @first is 0), 0 when there is none. */
static guint32
group_partner (const ConfabSdpMedia *media, const char *semantics, guint32 first)
{
  for (guint i = 0; i < media->ssrc_groups->len; i++)
    {
      const ConfabSdpSsrcGroup *g = &g_array_index (media->ssrc_groups, ConfabSdpSsrcGroup, i);

      if (g_ascii_strcasecmp (g->semantics, semantics) == 0 && g->ssrcs->len == 2
          && (first == 0 || g_array_index (g->ssrcs, guint32, 0) == first))
        return g_array_index (g->ssrcs, guint32, 1);
    }
  return 0;
}

guint32
confab_sdp_media_get_fec_ssrc (const ConfabSdpMedia *media)
{
  g_return_val_if_fail (media != NULL, 0);

  return group_partner (media, "FEC-FR", 0);
}

/* The "apt" of an rtx format's parameters ("apt=96;rtx-time=3000"), or -1. */
static gint
fmtp_apt (const char *fmtp)
{
  g_auto (GStrv) params = g_strsplit (fmtp != NULL ? fmtp : "", ";", -1);

  for (guint i = 0; params[i] != NULL; i++)
    {
      const char *p = g_strstrip (params[i]);
      guint64 apt;

      if (g_ascii_strncasecmp (p, "apt=", 4) == 0
          && g_ascii_string_to_unsigned (p + 4, 10, 0, 127, &apt, NULL))
        return (gint) apt;
    }
  return -1;
}

const ConfabSdpCodec *
confab_sdp_media_find_rtx (const ConfabSdpMedia *media, guint apt)
{
  g_return_val_if_fail (media != NULL, NULL);

  for (guint i = 0; i < media->codecs->len; i++)
    {
      const ConfabSdpCodec *c = &g_array_index (media->codecs, ConfabSdpCodec, i);

      if (c->name != NULL && g_ascii_strcasecmp (c->name, "rtx") == 0 && c->clock_rate == 90000
          && ((c->pt >= 96 && c->pt <= 127) || (c->pt >= 35 && c->pt <= 63))
          && fmtp_apt (c->fmtp) == (gint) apt)
        return c;
    }
  return NULL;
}

guint32
confab_sdp_media_get_rtx_ssrc (const ConfabSdpMedia *media)
{
  guint32 ssrc;

  g_return_val_if_fail (media != NULL, 0);

  /* Browsers write one FID group per sending track: the media SSRC's. */
  ssrc = confab_sdp_media_get_ssrc (media);
  return group_partner (media, "FID", ssrc) ?: group_partner (media, "FID", 0);
}

/* ------------------------------------------------------------------------ */
/* The writer                                                               */
/* ------------------------------------------------------------------------ */

static void
append_codec (GString *out, const ConfabSdpCodec *c)
{
  if (c->name != NULL)
    {
      g_string_append_printf (out, "a=rtpmap:%u %s/%u", c->pt, c->name, c->clock_rate);
      if (c->channels != 0)
        g_string_append_printf (out, "/%u", c->channels);
      g_string_append (out, "\r\n");
    }
  if (c->fmtp != NULL)
    g_string_append_printf (out, "a=fmtp:%u %s\r\n", c->pt, c->fmtp);
  for (guint i = 0; i < c->rtcp_fb->len; i++)
    g_string_append_printf (out, "a=rtcp-fb:%u %s\r\n", c->pt,
                            (const char *) g_ptr_array_index (c->rtcp_fb, i));
}

static const char *
media_proto (const ConfabSdp *sdp, const ConfabSdpMedia *m)
{
  if (m->kind == CONFAB_SDP_MEDIA_OTHER && m->proto != NULL)
    return m->proto;
  /* Without DTLS there is no SRTP: claiming SAVPF would be a lie that
   * browsers and GStreamer's webrtcbin would act upon. */
  return sdp->fingerprint != NULL ? "UDP/TLS/RTP/SAVPF" : "RTP/AVPF";
}

static void
append_media_line (GString *out, const ConfabSdp *sdp, const ConfabSdpMedia *m)
{
  g_string_append_printf (out, "m=%s %u %s",
                          m->media_name != NULL ? m->media_name
                                                : confab_sdp_media_kind_to_string (m->kind),
                          m->port, media_proto (sdp, m));
  if (m->other_formats != NULL)
    g_string_append_printf (out, " %s", m->other_formats);
  for (guint i = 0; i < m->codecs->len; i++)
    g_string_append_printf (out, " %u", g_array_index (m->codecs, ConfabSdpCodec, i).pt);
  g_string_append (out, "\r\nc=IN IP4 0.0.0.0\r\n");
  g_string_append_printf (out, "a=mid:%s\r\n", m->mid);
}

static void
append_media (GString *out, const ConfabSdp *sdp, const ConfabSdpMedia *m, gboolean first)
{
  append_media_line (out, sdp, m);
  /* A declined section says nothing more (RFC 8829 5.3.1). */
  if (!confab_sdp_media_is_active (m))
    return;
  /* BUNDLE: every section names the one transport, as browsers write it. */
  if (sdp->ice_ufrag != NULL)
    g_string_append_printf (out, "a=ice-ufrag:%s\r\n", sdp->ice_ufrag);
  if (sdp->ice_pwd != NULL)
    g_string_append_printf (out, "a=ice-pwd:%s\r\n", sdp->ice_pwd);
  if (sdp->fingerprint != NULL)
    g_string_append_printf (out, "a=fingerprint:%s\r\n", sdp->fingerprint);
  if (sdp->setup != NULL)
    g_string_append_printf (out, "a=setup:%s\r\n", sdp->setup);
  if (m->bundle_only)
    g_string_append (out, "a=bundle-only\r\n");
  g_string_append_printf (out, "a=%s\r\n", direction_to_string (m->direction));
  if (m->msid != NULL)
    g_string_append_printf (out, "a=msid:%s\r\n", m->msid);
  if (m->rtcp_mux)
    g_string_append (out, "a=rtcp-mux\r\n");
  for (guint i = 0; i < m->codecs->len; i++)
    append_codec (out, &g_array_index (m->codecs, ConfabSdpCodec, i));
  for (guint i = 0; i < m->ssrc_groups->len; i++)
    {
      const ConfabSdpSsrcGroup *g = &g_array_index (m->ssrc_groups, ConfabSdpSsrcGroup, i);

      g_string_append_printf (out, "a=ssrc-group:%s", g->semantics);
      for (guint j = 0; j < g->ssrcs->len; j++)
        g_string_append_printf (out, " %u", g_array_index (g->ssrcs, guint32, j));
      g_string_append (out, "\r\n");
    }
  for (guint i = 0; i < m->ssrcs->len; i++)
    g_string_append_printf (out, "a=ssrc:%u cname:confab\r\n",
                            g_array_index (m->ssrcs, guint32, i));
  /* BUNDLE lets the candidates live in the first section only (RFC 9143). */
  if (first)
    for (guint i = 0; i < sdp->candidates->len; i++)
      g_string_append_printf (out, "a=%s\r\n",
                              (const char *) g_ptr_array_index (sdp->candidates, i));
  g_string_append (out, "a=end-of-candidates\r\n");
}

char *
confab_sdp_to_string (const ConfabSdp *sdp)
{
  GString *out;
  gboolean first = TRUE;

  g_return_val_if_fail (sdp != NULL, NULL);

  out = g_string_new ("v=0\r\n");
  g_string_append_printf (out, "o=- %" G_GUINT64_FORMAT " 2 IN IP4 127.0.0.1\r\n", sdp->session_id);
  g_string_append_printf (out, "s=Confab %s\r\n", confab_sdp_type_to_string (sdp->type));
  g_string_append (out, "t=0 0\r\n");
  /* Declined sections are not in the group (RFC 8843 7.3.3). */
  g_string_append (out, "a=group:BUNDLE");
  for (guint i = 0; i < sdp->media->len; i++)
    if (confab_sdp_media_is_active (sdp->media->pdata[i]))
      g_string_append_printf (out, " %s", ((const ConfabSdpMedia *) sdp->media->pdata[i])->mid);
  g_string_append (out, "\r\n");
  for (guint i = 0; i < sdp->media->len; i++)
    {
      const ConfabSdpMedia *m = g_ptr_array_index (sdp->media, i);

      append_media (out, sdp, m, first && confab_sdp_media_is_active (m));
      first = first && !confab_sdp_media_is_active (m);
    }

  return g_string_free (out, FALSE);
}
