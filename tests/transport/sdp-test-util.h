/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Checks the SDP tests share: field-by-field equality of two descriptions,
 * Confab's own sections and what Confab reads from them, and the shape
 * every parser message must have.
 */
#pragma once

#include <string.h>

#include "confab-sdp.h"

#define FINGERPRINT                                                                                \
  "sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:"   \
  "A1:2C:19:08"

/* What every description needs besides its sections: DTLS's fields, as
 * the call sets them (an offer says actpass, an answer picks a role). */
static inline void
add_dtls (ConfabSdp *sdp)
{
  g_free (sdp->fingerprint);
  g_free (sdp->setup);
  sdp->fingerprint = g_strdup (FINGERPRINT);
  sdp->setup = g_strdup (sdp->type == CONFAB_SDP_OFFER ? "actpass" : "active");
}

/* The protocol is not compared: the writer derives it from the
 * fingerprint, and our own sections leave it NULL. */
static inline void
assert_media_equal (const ConfabSdpMedia *a, const ConfabSdpMedia *b)
{
  g_assert_cmpint (a->kind, ==, b->kind);
  g_assert_cmpstr (a->mid, ==, b->mid);
  g_assert_cmpuint (a->port, ==, b->port);
  g_assert_cmpint (a->direction, ==, b->direction);
  g_assert_cmpint (a->rtcp_mux, ==, b->rtcp_mux);
  g_assert_cmpint (a->bundle_only, ==, b->bundle_only);
  g_assert_cmpstr (a->msid, ==, b->msid);
  g_assert_cmpstr (a->media_name, ==, b->media_name);
  g_assert_cmpstr (a->other_formats, ==, b->other_formats);
  g_assert_cmpuint (a->codecs->len, ==, b->codecs->len);
  for (guint i = 0; i < a->codecs->len; i++)
    {
      const ConfabSdpCodec *ca = &g_array_index (a->codecs, ConfabSdpCodec, i);
      const ConfabSdpCodec *cb = &g_array_index (b->codecs, ConfabSdpCodec, i);

      g_assert_cmpuint (ca->pt, ==, cb->pt);
      g_assert_cmpstr (ca->name, ==, cb->name);
      g_assert_cmpuint (ca->clock_rate, ==, cb->clock_rate);
      g_assert_cmpuint (ca->channels, ==, cb->channels);
      g_assert_cmpstr (ca->fmtp, ==, cb->fmtp);
      g_assert_cmpuint (ca->rtcp_fb->len, ==, cb->rtcp_fb->len);
      for (guint j = 0; j < ca->rtcp_fb->len; j++)
        g_assert_cmpstr (g_ptr_array_index (ca->rtcp_fb, j), ==,
                         g_ptr_array_index (cb->rtcp_fb, j));
    }
  g_assert_cmpmem (a->ssrcs->data, a->ssrcs->len * sizeof (guint32), b->ssrcs->data,
                   b->ssrcs->len * sizeof (guint32));
  g_assert_cmpuint (a->ssrc_groups->len, ==, b->ssrc_groups->len);
  for (guint i = 0; i < a->ssrc_groups->len; i++)
    {
      const ConfabSdpSsrcGroup *ga = &g_array_index (a->ssrc_groups, ConfabSdpSsrcGroup, i);
      const ConfabSdpSsrcGroup *gb = &g_array_index (b->ssrc_groups, ConfabSdpSsrcGroup, i);

      g_assert_cmpstr (ga->semantics, ==, gb->semantics);
      g_assert_cmpmem (ga->ssrcs->data, ga->ssrcs->len * sizeof (guint32), gb->ssrcs->data,
                       gb->ssrcs->len * sizeof (guint32));
    }
}

/* Confab's two sections as the call writes them; 0 leaves a value out. */
static inline void
add_confab_media (ConfabSdp *sdp, guint audio_pt, guint32 audio_ssrc, guint video_pt,
                  guint32 video_ssrc, guint fec_pt, guint32 fec_ssrc)
{
  confab_sdp_add_opus_media (sdp, "0", audio_pt, audio_ssrc);
  confab_sdp_add_vp8_media (sdp, "1", video_pt, video_ssrc, fec_pt, fec_ssrc);
}

/* What Confab reads from a section: the payload type of @name (0 when
 * absent) and the media and repair SSRCs (0 when absent). */
static inline guint
sdp_pt (const ConfabSdp *sdp, ConfabSdpMediaKind kind, const char *name)
{
  const ConfabSdpMedia *m = confab_sdp_find_media (sdp, kind);
  const ConfabSdpCodec *c = NULL;

  for (guint i = 0; m != NULL && c == NULL && i < m->codecs->len; i++)
    {
      const ConfabSdpCodec *each = &g_array_index (m->codecs, ConfabSdpCodec, i);

      if (each->name != NULL && g_ascii_strcasecmp (each->name, name) == 0)
        c = each;
    }
  return c != NULL ? c->pt : 0;
}

static inline guint32
sdp_ssrc (const ConfabSdp *sdp, ConfabSdpMediaKind kind)
{
  return confab_sdp_media_get_ssrc (confab_sdp_find_media (sdp, kind));
}

static inline guint32
sdp_fec_ssrc (const ConfabSdp *sdp)
{
  return confab_sdp_media_get_fec_ssrc (confab_sdp_find_media (sdp, CONFAB_SDP_MEDIA_VIDEO));
}

/* The streams Confab reads from a parsed blob. */
static inline void
assert_streams (const ConfabSdp *sdp, guint audio_pt, guint video_pt, guint32 audio_ssrc,
                guint32 video_ssrc)
{
  g_assert_cmpuint (sdp_pt (sdp, CONFAB_SDP_MEDIA_AUDIO, "opus"), ==, audio_pt);
  g_assert_cmpuint (sdp_pt (sdp, CONFAB_SDP_MEDIA_VIDEO, "VP8"), ==, video_pt);
  g_assert_cmpuint (sdp_ssrc (sdp, CONFAB_SDP_MEDIA_AUDIO), ==, audio_ssrc);
  g_assert_cmpuint (sdp_ssrc (sdp, CONFAB_SDP_MEDIA_VIDEO), ==, video_ssrc);
}

static inline void
assert_sdp_equal (const ConfabSdp *a, const ConfabSdp *b)
{
  g_assert_cmpint (a->type, ==, b->type);
  g_assert_cmpuint (a->session_id, ==, b->session_id);
  g_assert_cmpstr (a->ice_ufrag, ==, b->ice_ufrag);
  g_assert_cmpstr (a->ice_pwd, ==, b->ice_pwd);
  g_assert_cmpstr (a->fingerprint, ==, b->fingerprint);
  g_assert_cmpstr (a->setup, ==, b->setup);
  g_assert_cmpuint (a->media->len, ==, b->media->len);
  for (guint i = 0; i < a->media->len; i++)
    assert_media_equal (g_ptr_array_index (a->media, i), g_ptr_array_index (b->media, i));
  g_assert_cmpuint (a->candidates->len, ==, b->candidates->len);
  for (guint i = 0; i < a->candidates->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a->candidates, i), ==,
                     g_ptr_array_index (b->candidates, i));
}

/* Every message goes into a dialog as one line: no line breaks, no control
 * characters, valid UTF-8, and short. */
static inline void
assert_good_message (const GError *error)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == CONFAB_SDP_ERROR);
  g_assert_cmpstr (error->message, !=, "");
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpuint (strlen (error->message), <, 300);
  for (const char *c = error->message; *c != '\0'; c++)
    g_assert_false ((guchar) *c < 0x20 || *c == 0x7f);
}
