/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Offer/answer negotiation without a network or a pipeline: descriptions
 * as the other side writes them (built, written and parsed back, as a
 * paste would be), and the streams each side ends up with.
 */
#include "confab-negotiation.h"

#include "confab-call-pipeline.h"

#include <string.h>

#include "../transport/sdp-test-util.h"

#define OUR_AUDIO_SSRC 1001
#define OUR_VIDEO_SSRC 1002
#define OUR_FEC_SSRC 1003
#define OUR_RTX_SSRC 1004
#define PEER_AUDIO_SSRC 2001
#define PEER_VIDEO_SSRC 2002
#define PEER_FEC_SSRC 2003
#define PEER_RTX_SSRC 2004

static ConfabLocalMedia
our_media (gboolean fec)
{
  return (ConfabLocalMedia){
    .fec = fec,
    .audio_ssrc = OUR_AUDIO_SSRC,
    .video_ssrc = OUR_VIDEO_SSRC,
    .fec_ssrc = OUR_FEC_SSRC,
    .rtx_ssrc = OUR_RTX_SSRC,
  };
}

/* The other side's description: what @sdp says, with an ICE part, as a
 * blob and parsed back (so everything here is what a paste gives). */
static ConfabSdp *
as_pasted (ConfabSdp *sdp)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  ConfabSdp *back;

  sdp->ice_ufrag = g_strdup ("Peer");
  sdp->ice_pwd = g_strdup ("peerpeerpeerpeerpeerpeer");
  confab_sdp_add_candidate (sdp, "candidate:1 1 UDP 2130706431 192.0.2.7 50000 typ host");
  add_dtls (sdp);
  text = confab_sdp_to_string (sdp);
  back = confab_sdp_parse (text, -1, sdp->type, &error);
  g_assert_no_error (error);
  confab_sdp_free (sdp);
  return back;
}

/* A peer's description with Confab's sections, FlexFEC on @fec_pt (0:
 * none); *@video is its video section, to add to. */
static ConfabSdp *
peer_sdp (ConfabSdpType type, guint audio_pt, guint video_pt, guint fec_pt, ConfabSdpMedia **video)
{
  ConfabSdp *sdp = confab_sdp_new (type);

  confab_sdp_add_opus_media (sdp, "0", audio_pt, PEER_AUDIO_SSRC);
  *video = confab_sdp_add_vp8_media (sdp, "1", video_pt, PEER_VIDEO_SSRC, fec_pt, PEER_FEC_SSRC);
  return sdp;
}

/* A peer's blob with Confab's sections; @fec_pt and @rtx_pt 0 for none. */
static ConfabSdp *
peer_blob_rtx (ConfabSdpType type, guint audio_pt, guint video_pt, guint fec_pt, guint rtx_pt)
{
  ConfabSdpMedia *video;
  ConfabSdp *sdp = peer_sdp (type, audio_pt, video_pt, fec_pt, &video);

  if (rtx_pt != 0)
    confab_sdp_media_add_rtx (video, rtx_pt, video_pt, PEER_VIDEO_SSRC, PEER_RTX_SSRC);
  return as_pasted (sdp);
}

static ConfabSdp *
peer_blob (ConfabSdpType type, guint audio_pt, guint video_pt, guint fec_pt)
{
  return peer_blob_rtx (type, audio_pt, video_pt, fec_pt, 0);
}

static void
assert_stream (const ConfabStreamParams *s, ConfabStreamKind kind, const char *mid,
               const char *codec, guint pt, guint32 local_ssrc, guint32 remote_ssrc)
{
  g_assert_nonnull (s);
  g_assert_cmpint (s->kind, ==, kind);
  g_assert_cmpstr (s->mid, ==, mid);
  g_assert_cmpstr (s->codec, ==, codec);
  g_assert_cmpuint (s->pt, ==, pt);
  g_assert_cmpuint (s->clock_rate, ==, kind == CONFAB_STREAM_KIND_AUDIO ? 48000 : 90000);
  g_assert_cmpuint (s->channels, ==, kind == CONFAB_STREAM_KIND_AUDIO ? 2 : 0);
  g_assert_cmpuint (s->local_ssrc, ==, local_ssrc);
  g_assert_cmpuint (s->remote_ssrc, ==, remote_ssrc);
  g_assert_true (s->send);
  g_assert_true (s->receive);
}

static const ConfabStreamParams *
audio_of (const ConfabStreamSet *set)
{
  return confab_stream_set_find (set, CONFAB_STREAM_KIND_AUDIO);
}

static const ConfabStreamParams *
video_of (const ConfabStreamSet *set)
{
  return confab_stream_set_find (set, CONFAB_STREAM_KIND_VIDEO);
}

/* ------------------------------------------------------------------------ */

static void
test_pick_ssrcs (void)
{
  ConfabLocalMedia given = { .audio_ssrc = 7, .video_ssrc = 7, .fec_ssrc = 7 };

  for (guint i = 0; i < 100; i++)
    {
      ConfabLocalMedia local = { 0 };

      confab_local_media_pick_ssrcs (&local);
      g_assert_cmpuint (local.audio_ssrc, !=, 0);
      g_assert_cmpuint (local.video_ssrc, !=, 0);
      g_assert_cmpuint (local.fec_ssrc, !=, 0);
      g_assert_cmpuint (local.audio_ssrc, !=, local.video_ssrc);
      g_assert_cmpuint (local.fec_ssrc, !=, local.audio_ssrc);
      g_assert_cmpuint (local.fec_ssrc, !=, local.video_ssrc);
    }

  /* Given ones are kept, but never shared. */
  confab_local_media_pick_ssrcs (&given);
  g_assert_cmpuint (given.audio_ssrc, ==, 7);
  g_assert_cmpuint (given.video_ssrc, !=, 0);
  g_assert_cmpuint (given.video_ssrc, !=, 7);
  g_assert_cmpuint (given.fec_ssrc, !=, 0);
  g_assert_cmpuint (given.fec_ssrc, !=, 7);
  g_assert_cmpuint (given.fec_ssrc, !=, given.video_ssrc);
}

static void
test_offer (void)
{
  ConfabLocalMedia local = our_media (TRUE);
  ConfabStreamSet set;

  confab_negotiation_offer (&local, &set);
  g_assert_cmpuint (set.n_streams, ==, 2);
  assert_stream (&set.streams[0], CONFAB_STREAM_KIND_AUDIO, "0", "OPUS", 111, OUR_AUDIO_SSRC, 0);
  assert_stream (&set.streams[1], CONFAB_STREAM_KIND_VIDEO, "1", "VP8", 96, OUR_VIDEO_SSRC, 0);
  g_assert_cmpuint (set.streams[0].fec_pt, ==, 0);
  g_assert_cmpuint (set.streams[1].fec_pt, ==, CONFAB_SDP_DEFAULT_FLEXFEC_PT);
  g_assert_cmpuint (set.streams[1].local_fec_ssrc, ==, OUR_FEC_SSRC);
  g_assert_cmpuint (set.streams[1].remote_fec_ssrc, ==, 0);
  g_assert_cmpuint (set.streams[0].rtx_pt, ==, 0);
  g_assert_cmpuint (set.streams[1].rtx_pt, ==, CONFAB_SDP_DEFAULT_RTX_PT);
  g_assert_cmpuint (set.streams[1].local_rtx_ssrc, ==, OUR_RTX_SSRC);

  /* Our own numbers, and no FEC when we do not want it. */
  local.audio_pt = 109;
  local.video_pt = 120;
  local.fec_pt = 127;
  confab_negotiation_offer (&local, &set);
  g_assert_cmpuint (audio_of (&set)->pt, ==, 109);
  g_assert_cmpuint (video_of (&set)->pt, ==, 120);
  g_assert_cmpuint (video_of (&set)->fec_pt, ==, 127);
  local.fec = FALSE;
  local.rtx_pt = 100;
  confab_negotiation_offer (&local, &set);
  g_assert_cmpuint (video_of (&set)->fec_pt, ==, 0);
  g_assert_cmpuint (video_of (&set)->rtx_pt, ==, 100);
  local.no_rtx = TRUE;
  confab_negotiation_offer (&local, &set);
  g_assert_cmpuint (video_of (&set)->rtx_pt, ==, 0);
}

/* RTX offered for the VP8 is answered on the offer's number, with the
 * peer's RTX SSRC from its FID group; not offered, or not wanted here, it
 * is left out of the answer. */
static void
test_answer_rtx (void)
{
  ConfabLocalMedia local = our_media (TRUE);
  g_autoptr (ConfabSdp) offer = peer_blob_rtx (CONFAB_SDP_OFFER, 109, 120, 127, 100);
  g_autoptr (ConfabSdp) plain = peer_blob (CONFAB_SDP_OFFER, 109, 120, 127);
  g_autoptr (ConfabSdp) ours = NULL;
  g_autofree char *text = NULL;
  ConfabStreamSet set;

  g_assert_true (confab_negotiation_answer (&local, offer, &set, NULL));
  g_assert_cmpuint (video_of (&set)->rtx_pt, ==, 100);
  g_assert_cmpuint (video_of (&set)->remote_rtx_ssrc, ==, PEER_RTX_SSRC);
  g_assert_cmpuint (video_of (&set)->local_rtx_ssrc, ==, OUR_RTX_SSRC);
  g_assert_cmpuint (audio_of (&set)->rtx_pt, ==, 0);
  ours = confab_negotiation_describe (&set, CONFAB_SDP_ANSWER, 3);
  text = confab_sdp_to_string (ours);
  g_assert_nonnull (strstr (text, "m=video 9 RTP/AVPF 120 127 100\r\n"));
  g_assert_nonnull (strstr (text, "a=rtpmap:100 rtx/90000\r\na=fmtp:100 apt=120\r\n"));
  g_assert_nonnull (strstr (text, "a=ssrc-group:FID 1002 1004\r\n"));
  g_assert_nonnull (strstr (text, "a=ssrc:1004 cname:confab\r\n"));

  g_assert_true (confab_negotiation_answer (&local, plain, &set, NULL));
  g_assert_cmpuint (video_of (&set)->rtx_pt, ==, 0);
  g_assert_cmpuint (video_of (&set)->remote_rtx_ssrc, ==, 0);
  g_clear_pointer (&ours, confab_sdp_free);
  g_clear_pointer (&text, g_free);
  ours = confab_negotiation_describe (&set, CONFAB_SDP_ANSWER, 3);
  text = confab_sdp_to_string (ours);
  g_assert_null (strstr (text, "rtx"));
  g_assert_null (strstr (text, "FID"));
  g_assert_null (strstr (text, "1004"));

  local.no_rtx = TRUE;
  g_assert_true (confab_negotiation_answer (&local, offer, &set, NULL));
  g_assert_cmpuint (video_of (&set)->rtx_pt, ==, 0);
  g_assert_cmpuint (video_of (&set)->remote_rtx_ssrc, ==, 0);
}

/* An rtx format for another codec (Chromium lists one per codec) is not
 * the VP8's. */
static void
test_answer_rtx_other_codec (void)
{
  ConfabLocalMedia local = our_media (FALSE);
  ConfabSdp *sdp = confab_sdp_new (CONFAB_SDP_OFFER);
  ConfabSdpMedia *video = confab_sdp_add_vp8_media (sdp, "0", 96, PEER_VIDEO_SSRC, 0, 0);
  g_autoptr (ConfabSdp) offer = NULL;
  ConfabStreamSet set;

  confab_sdp_media_add_codec (video, 102, "H264", 90000, 0, NULL);
  confab_sdp_media_add_rtx (video, 103, 102, PEER_VIDEO_SSRC, PEER_RTX_SSRC);
  offer = as_pasted (sdp);
  g_assert_true (confab_negotiation_answer (&local, offer, &set, NULL));
  g_assert_cmpuint (video_of (&set)->rtx_pt, ==, 0);
}

/* The answerer echoes the offer's payload types and takes the peer's
 * SSRCs from its a=ssrc lines; FEC offered and wanted is accepted. */
static void
test_answer_fec_accepted (void)
{
  ConfabLocalMedia local = our_media (TRUE);
  g_autoptr (ConfabSdp) offer = peer_blob (CONFAB_SDP_OFFER, 109, 120, 127);
  g_autoptr (GError) error = NULL;
  ConfabStreamSet set;

  g_assert_true (confab_negotiation_answer (&local, offer, &set, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (set.n_streams, ==, 2);
  assert_stream (audio_of (&set), CONFAB_STREAM_KIND_AUDIO, "0", "OPUS", 109, OUR_AUDIO_SSRC,
                 PEER_AUDIO_SSRC);
  assert_stream (video_of (&set), CONFAB_STREAM_KIND_VIDEO, "1", "VP8", 120, OUR_VIDEO_SSRC,
                 PEER_VIDEO_SSRC);
  g_assert_cmpuint (video_of (&set)->fec_pt, ==, 127);
  g_assert_cmpuint (video_of (&set)->local_fec_ssrc, ==, OUR_FEC_SSRC);
  g_assert_cmpuint (video_of (&set)->remote_fec_ssrc, ==, PEER_FEC_SSRC);
}

static void
test_answer_fec_declined_by_us (void)
{
  ConfabLocalMedia local = our_media (FALSE);
  g_autoptr (ConfabSdp) offer = peer_blob (CONFAB_SDP_OFFER, 111, 96, 110);
  ConfabStreamSet set;

  g_assert_true (confab_negotiation_answer (&local, offer, &set, NULL));
  g_assert_cmpuint (video_of (&set)->fec_pt, ==, 0);
  g_assert_cmpuint (video_of (&set)->remote_fec_ssrc, ==, 0);
}

static void
test_answer_fec_not_offered (void)
{
  ConfabLocalMedia local = our_media (TRUE);
  g_autoptr (ConfabSdp) offer = peer_blob (CONFAB_SDP_OFFER, 111, 96, 0);
  ConfabSdp *grouped = confab_sdp_new (CONFAB_SDP_OFFER);
  g_autoptr (ConfabSdp) group_only = NULL;
  const guint32 group[] = { PEER_VIDEO_SSRC, PEER_FEC_SSRC };
  ConfabStreamSet set;

  g_assert_true (confab_negotiation_answer (&local, offer, &set, NULL));
  g_assert_cmpuint (video_of (&set)->fec_pt, ==, 0);
  g_assert_cmpuint (video_of (&set)->remote_fec_ssrc, ==, 0);

  /* A FEC-FR group without a FlexFEC format names no repair stream. */
  confab_sdp_add_opus_media (grouped, "0", 111, PEER_AUDIO_SSRC);
  confab_sdp_media_add_ssrc_group (
      confab_sdp_add_vp8_media (grouped, "1", 96, PEER_VIDEO_SSRC, 0, 0), "FEC-FR", group,
      G_N_ELEMENTS (group));
  group_only = as_pasted (grouped);
  g_assert_cmpuint (
      confab_sdp_media_get_fec_ssrc (confab_sdp_find_media (group_only, CONFAB_SDP_MEDIA_VIDEO)),
      ==, PEER_FEC_SSRC);
  g_assert_true (confab_negotiation_answer (&local, group_only, &set, NULL));
  g_assert_cmpuint (video_of (&set)->fec_pt, ==, 0);
  g_assert_cmpuint (video_of (&set)->remote_fec_ssrc, ==, 0);
}

/* A peer's offer with FEC as browsers write it: red/90000 (with an rtx
 * for it when @red_rtx_pt) and ulpfec/90000 (0s for none), FlexFEC too
 * when @flexfec_pt, RTX for the VP8 when @rtx_pt. */
static ConfabSdp *
peer_red_offer (guint red_pt, guint ulpfec_pt, guint red_rtx_pt, guint rtx_pt, guint flexfec_pt)
{
  ConfabSdpMedia *video;
  ConfabSdp *sdp = peer_sdp (CONFAB_SDP_OFFER, 111, 96, flexfec_pt, &video);

  if (rtx_pt != 0)
    confab_sdp_media_add_rtx (video, rtx_pt, 96, PEER_VIDEO_SSRC, PEER_RTX_SSRC);
  if (red_pt != 0)
    confab_sdp_media_add_codec (video, red_pt, "red", 90000, 0, NULL);
  if (red_rtx_pt != 0)
    {
      g_autofree char *apt = g_strdup_printf ("apt=%u", red_pt);

      confab_sdp_media_add_codec (video, red_rtx_pt, "rtx", 90000, 0, apt);
    }
  if (ulpfec_pt != 0)
    confab_sdp_media_add_codec (video, ulpfec_pt, "ulpfec", 90000, 0, NULL);
  return as_pasted (sdp);
}

static char *answer_text (const ConfabStreamSet *set);

/* The answer's video: FEC, RED, RED's RTX and the VP8's RTX payload types. */
static void
assert_video_fec (const ConfabStreamSet *set, guint fec_pt, guint red_pt, guint red_rtx_pt,
                  guint rtx_pt)
{
  const ConfabStreamParams *video = video_of (set);

  g_assert_cmpuint (video->fec_pt, ==, fec_pt);
  g_assert_cmpuint (video->red_pt, ==, red_pt);
  g_assert_cmpuint (video->red_rtx_pt, ==, red_rtx_pt);
  g_assert_cmpuint (video->rtx_pt, ==, rtx_pt);
  g_assert_true (confab_stream_params_validate (set->streams, set->n_streams, NULL));
}

/* Offers of each kind of FEC, with RTX or not, answered as they should
 * be, and the answer written accordingly. */
static void
test_answer_red_ulpfec (void)
{
  /* What the peer offers (RED, ULPFEC, RED's RTX, VP8's RTX, FlexFEC;
   * 0: not offered), whether we want FEC and RTX, and the answer's FEC,
   * RED, RED's RTX and VP8's RTX. */
  static const struct
  {
    guint offer[5];
    gboolean fec, rtx;
    guint answer[4];
  } cases[] = {
    /* RED+ULPFEC with RTX, for the VP8 and for the RED. */
    { { 118, 120, 119, 97, 0 }, TRUE, TRUE, { 120, 118, 119, 97 } },
    /* Without RTX, or an rtx for the RED only, or RTX refused here: FEC
     * alone. */
    { { 118, 120, 0, 0, 0 }, TRUE, TRUE, { 120, 118, 0, 0 } },
    { { 118, 120, 119, 0, 0 }, TRUE, TRUE, { 120, 118, 0, 0 } },
    { { 118, 120, 119, 97, 0 }, TRUE, FALSE, { 120, 118, 0, 0 } },
    /* Both kinds: FlexFEC, Confab's own, and no RED. */
    { { 118, 120, 119, 97, 110 }, TRUE, TRUE, { 110, 0, 0, 97 } },
    /* RED without ULPFEC (or ULPFEC without RED), nothing at all, or FEC
     * not wanted here: no FEC. */
    { { 118, 0, 0, 97, 0 }, TRUE, TRUE, { 0, 0, 0, 97 } },
    { { 0, 120, 0, 97, 0 }, TRUE, TRUE, { 0, 0, 0, 97 } },
    { { 0, 0, 0, 0, 0 }, TRUE, TRUE, { 0, 0, 0, 0 } },
    { { 118, 120, 119, 97, 0 }, FALSE, TRUE, { 0, 0, 0, 97 } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const guint *o = cases[i].offer, *a = cases[i].answer;
      ConfabLocalMedia local = our_media (cases[i].fec);
      g_autoptr (ConfabSdp) offer = peer_red_offer (o[0], o[1], o[2], o[3], o[4]);
      ConfabStreamSet set;

      local.no_rtx = !cases[i].rtx;
      g_assert_true (confab_negotiation_answer (&local, offer, &set, NULL));
      assert_video_fec (&set, a[0], a[1], a[2], a[3]);

      g_autofree char *text = answer_text (&set);
      g_assert_true ((strstr (text, " red/90000\r\n") != NULL) == (a[1] != 0));
      g_assert_true ((strstr (text, " ulpfec/90000\r\n") != NULL) == (a[1] != 0));
      g_assert_true ((strstr (text, "flexfec") != NULL) == (a[1] == 0 && a[0] != 0));
      if (i > 0)
        continue;
      g_assert_nonnull (strstr (text, "SAVPF 96 97 118 119 120\r\n"));
      g_assert_nonnull (strstr (text, "a=fmtp:119 apt=118\r\n"));
      /* ULPFEC travels on the media SSRC: no repair SSRC. */
      g_assert_null (strstr (text, "FEC-FR"));
      g_assert_null (strstr (text, "1003"));
    }
}

/* Offering ULPFEC in RED: Chromium's numbers; the answer keeps it, takes it
 * away, or is refused for changing it. */
static void
test_offer_red_ulpfec (void)
{
  ConfabLocalMedia local = our_media (TRUE);
  ConfabStreamSet set, answered;
  gboolean declined = TRUE;
  g_autoptr (ConfabSdp) offer = NULL;
  g_autoptr (ConfabSdp) answer = NULL;
  g_autoptr (ConfabSdp) plain = peer_blob_rtx (CONFAB_SDP_ANSWER, 111, 96, 0, 97);
  g_autoptr (ConfabSdp) flexfec = peer_blob_rtx (CONFAB_SDP_ANSWER, 111, 96, 110, 97);
  g_autoptr (GError) error = NULL;
  ConfabLocalMedia answerer = { .fec = TRUE, .audio_ssrc = 21, .video_ssrc = 22, .rtx_ssrc = 24 };

  local.ulpfec = TRUE;
  confab_negotiation_offer (&local, &set);
  assert_video_fec (&set, 120, 118, 119, 97);
  offer = as_pasted (confab_negotiation_describe (&set, CONFAB_SDP_OFFER, 1));

  /* A Confab answerer takes it as offered. */
  g_assert_true (confab_negotiation_answer (&answerer, offer, &answered, NULL));
  assert_video_fec (&answered, 120, 118, 119, 97);
  answer = as_pasted (confab_negotiation_describe (&answered, CONFAB_SDP_ANSWER, 2));
  g_assert_true (confab_negotiation_apply_answer (&set, answer, &declined, &error));
  g_assert_no_error (error);
  g_assert_false (declined);
  assert_video_fec (&set, 120, 118, 119, 97);

  /* An answer without it, or with FlexFEC we did not offer: no FEC. */
  confab_negotiation_offer (&local, &set);
  g_assert_true (confab_negotiation_apply_answer (&set, plain, &declined, NULL));
  g_assert_true (declined);
  assert_video_fec (&set, 0, 0, 0, 97);
  confab_negotiation_offer (&local, &set);
  g_assert_true (confab_negotiation_apply_answer (&set, flexfec, &declined, NULL));
  g_assert_true (declined);
  assert_video_fec (&set, 0, 0, 0, 97);
}

/* A peer that did not say its SSRCs: 0, "unknown", as before. */
static void
test_answer_without_ssrcs (void)
{
  ConfabLocalMedia local = our_media (TRUE);
  ConfabSdp *sdp = confab_sdp_new (CONFAB_SDP_OFFER);
  g_autoptr (ConfabSdp) offer = NULL;
  ConfabStreamSet set;

  confab_sdp_add_opus_media (sdp, "0", 111, 0);
  confab_sdp_add_vp8_media (sdp, "1", 96, 0, 110, PEER_FEC_SSRC);
  offer = as_pasted (sdp);
  g_assert_true (confab_negotiation_answer (&local, offer, &set, NULL));
  g_assert_cmpuint (audio_of (&set)->remote_ssrc, ==, 0);
  g_assert_cmpuint (video_of (&set)->remote_ssrc, ==, 0);
  g_assert_cmpuint (video_of (&set)->fec_pt, ==, 110);
  g_assert_cmpuint (video_of (&set)->remote_fec_ssrc, ==, 0);
}

/* An offer with one kind gives one stream; one with neither codec is
 * refused, and nothing is written then. */
static void
test_one_kind (void)
{
  ConfabLocalMedia local = our_media (TRUE);
  ConfabSdp *audio_only = confab_sdp_new (CONFAB_SDP_OFFER);
  ConfabSdp *video_only = confab_sdp_new (CONFAB_SDP_OFFER);
  g_autoptr (ConfabSdp) no_codec = confab_sdp_new (CONFAB_SDP_OFFER);
  g_autoptr (ConfabSdp) a = NULL;
  g_autoptr (ConfabSdp) v = NULL;
  g_autoptr (GError) error = NULL;
  ConfabStreamSet set = { .n_streams = 99 };

  confab_sdp_add_opus_media (audio_only, "a", 111, PEER_AUDIO_SSRC);
  a = as_pasted (audio_only);
  g_assert_true (confab_negotiation_answer (&local, a, &set, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (set.n_streams, ==, 1);
  assert_stream (audio_of (&set), CONFAB_STREAM_KIND_AUDIO, "a", "OPUS", 111, OUR_AUDIO_SSRC,
                 PEER_AUDIO_SSRC);
  g_assert_null (video_of (&set));

  confab_sdp_add_vp8_media (video_only, "v", 100, PEER_VIDEO_SSRC, 0, 0);
  v = as_pasted (video_only);
  g_assert_true (confab_negotiation_answer (&local, v, &set, &error));
  g_assert_cmpuint (set.n_streams, ==, 1);
  assert_stream (video_of (&set), CONFAB_STREAM_KIND_VIDEO, "v", "VP8", 100, OUR_VIDEO_SSRC,
                 PEER_VIDEO_SSRC);

  set.n_streams = 99;
  confab_sdp_media_add_codec (confab_sdp_add_media (no_codec, CONFAB_SDP_MEDIA_VIDEO, "1"), 97,
                              "H264", 90000, 0, NULL);
  g_assert_false (confab_negotiation_answer (&local, no_codec, &set, &error));
  g_assert_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_UNSUPPORTED);
  g_assert_cmpuint (set.n_streams, ==, 99);
}

static ConfabSdp *
load_sample (const char *name, ConfabSdpType type)
{
  g_autofree char *path
      = g_build_filename (g_getenv ("CONFAB_SOURCE_DIR"), "tests", "transport", "data", name, NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  ConfabSdp *sdp;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  sdp = confab_sdp_parse (text, -1, type, &error);
  g_assert_no_error (error);
  return sdp;
}

/* Our answer to @offer as the other side reads it. */
static char *
answer_text (const ConfabStreamSet *set)
{
  g_autoptr (ConfabSdp) answer = confab_negotiation_describe (set, CONFAB_SDP_ANSWER, 7);

  answer->ice_ufrag = g_strdup ("Ours");
  answer->ice_pwd = g_strdup ("oursoursoursoursoursours");
  confab_sdp_add_candidate (answer, "candidate:1 1 UDP 2130706431 192.0.2.8 50000 typ host");
  add_dtls (answer);
  return confab_sdp_to_string (answer);
}

/* Chromium's offer with a data channel: Opus and VP8 on Chromium's
 * numbers, RED/ULPFEC/RTX not answered, m=application declined in its
 * place, the BUNDLE group naming only what was accepted. */
static void
test_answer_chromium (void)
{
  ConfabLocalMedia local = our_media (TRUE);
  g_autoptr (ConfabSdp) offer
      = load_sample ("chromium-156-max-bundle-data-offer.sdp", CONFAB_SDP_OFFER);
  g_autoptr (ConfabSdp) back = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  ConfabStreamSet set;

  g_assert_true (confab_negotiation_answer (&local, offer, &set, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (set.n_streams, ==, 2);
  g_assert_cmpuint (set.n_sections, ==, 3);
  g_assert_cmpuint (audio_of (&set)->pt, ==, 111);
  g_assert_cmpuint (video_of (&set)->pt, ==, 96);
  /* Chromium offers red+ulpfec (and RTX for the RED), not flexfec-03:
   * ULPFEC in RED on its numbers. */
  g_assert_cmpuint (video_of (&set)->fec_pt, ==, 120);
  g_assert_cmpuint (video_of (&set)->red_pt, ==, 118);
  g_assert_cmpuint (video_of (&set)->red_rtx_pt, ==, 119);
  g_assert_true (confab_stream_params_validate (set.streams, set.n_streams, NULL));
  g_assert_cmpuint (
      audio_of (&set)->remote_ssrc, ==,
      confab_sdp_media_get_ssrc (confab_sdp_find_media (offer, CONFAB_SDP_MEDIA_AUDIO)));
  g_assert_cmpint (set.sections[2].stream, ==, -1);

  text = answer_text (&set);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "a=group:BUNDLE 0 1\r\n"));
  g_assert_nonnull (strstr (text, "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"));
  g_assert_true (g_str_has_suffix (text, "m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\n"
                                         "c=IN IP4 0.0.0.0\r\n"
                                         "a=mid:2\r\n"));
  g_assert_null (strstr (text, "red/48000"));
  g_assert_nonnull (strstr (text, "a=rtpmap:118 red/90000\r\n"));
  g_assert_nonnull (strstr (text, "a=rtpmap:119 rtx/90000\r\na=fmtp:119 apt=118\r\n"));
  g_assert_nonnull (strstr (text, "a=rtpmap:120 ulpfec/90000\r\n"));
  g_assert_null (strstr (text, "flexfec"));
  g_assert_null (strstr (text, "FEC-FR"));
  /* RTX for the VP8 on Chromium's numbers (97, apt=96), and only that one. */
  g_assert_cmpuint (video_of (&set)->rtx_pt, ==, 97);
  g_assert_cmpuint (
      video_of (&set)->remote_rtx_ssrc, ==,
      confab_sdp_media_get_rtx_ssrc (confab_sdp_find_media (offer, CONFAB_SDP_MEDIA_VIDEO)));
  g_assert_cmpuint (video_of (&set)->remote_rtx_ssrc, !=, 0);
  g_assert_nonnull (strstr (text, "m=video 9 UDP/TLS/RTP/SAVPF 96 97 118 119 120\r\n"));
  g_assert_nonnull (strstr (text, "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"));
  g_assert_nonnull (strstr (text, "a=ssrc-group:FID 1002 1004\r\n"));
  g_assert_null (strstr (text, "apt=102"));
  g_assert_null (strstr (text, "telephone-event"));
  g_assert_nonnull (strstr (text, "a=msid:confab audio\r\n"));
  back = confab_sdp_parse (text, -1, CONFAB_SDP_ANSWER, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->media->len, ==, 3);
}

/* webrtcbin: mids "audio0"/"video1", the video bundle-only on port 0,
 * OPUS in upper case; and its one-kind offers. */
static void
test_answer_webrtcbin (void)
{
  static const struct
  {
    const char *file;
    guint n_streams;
  } cases[] = {
    { "webrtcbin-1.22-offer.sdp", 2 },       { "webrtcbin-1.22-audio-offer.sdp", 1 },
    { "webrtcbin-1.22-video-offer.sdp", 1 }, { "chromium-156-offer.sdp", 2 },
    { "chromium-156-audio-offer.sdp", 1 },   { "chromium-156-video-offer.sdp", 1 },
    { "firefox-style-offer.sdp", 2 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ConfabLocalMedia local = our_media (TRUE);
      g_autoptr (ConfabSdp) offer = load_sample (cases[i].file, CONFAB_SDP_OFFER);
      g_autofree char *text = NULL;
      g_autoptr (ConfabSdp) back = NULL;
      g_autoptr (GError) error = NULL;
      ConfabStreamSet set;

      g_test_message ("%s", cases[i].file);
      g_assert_true (confab_negotiation_answer (&local, offer, &set, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (set.n_streams, ==, cases[i].n_streams);
      g_assert_cmpuint (set.n_sections, ==, offer->media->len);
      for (guint j = 0; j < set.n_streams; j++)
        g_assert_cmpstr (set.streams[j].mid, ==, ((ConfabSdpMedia *) offer->media->pdata[j])->mid);
      text = answer_text (&set);
      back = confab_sdp_parse (text, -1, CONFAB_SDP_ANSWER, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (back->media->len, ==, offer->media->len);
    }
}

/* Our offer as the call writes it (ICE and DTLS as the call adds them):
 * what a browser gets; printed for checking it against one by hand. */
static void
test_offer_text (void)
{
  ConfabLocalMedia local = our_media (TRUE);
  ConfabStreamSet set;
  g_autoptr (ConfabSdp) offer = NULL;
  g_autofree char *text = NULL;
  g_autoptr (ConfabSdp) back = NULL;
  g_autoptr (GError) error = NULL;

  confab_negotiation_offer (&local, &set);
  offer = confab_negotiation_describe (&set, CONFAB_SDP_OFFER, 7);
  offer->ice_ufrag = g_strdup ("Ours");
  offer->ice_pwd = g_strdup ("oursoursoursoursoursours");
  confab_sdp_add_candidate (offer, "candidate:1 1 UDP 2130706431 192.0.2.8 50000 typ host");
  add_dtls (offer);
  text = confab_sdp_to_string (offer);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"));
  g_assert_nonnull (strstr (text, "a=setup:actpass\r\n"));
  g_assert_nonnull (strstr (text, "a=msid:confab video\r\n"));
  g_assert_nonnull (strstr (text, "a=ssrc:1002 cname:confab\r\n"));
  back = confab_sdp_parse (text, -1, CONFAB_SDP_OFFER, &error);
  g_assert_no_error (error);
}

/* Chromium's answer to our offer (test_offer_text()'s, captured): it
 * keeps Opus and VP8 on our numbers and drops FlexFEC. */
static void
test_apply_chromium_answer (void)
{
  ConfabLocalMedia local = our_media (TRUE);
  g_autoptr (ConfabSdp) answer
      = load_sample ("chromium-156-answer-to-confab.sdp", CONFAB_SDP_ANSWER);
  g_autoptr (GError) error = NULL;
  gboolean fec_declined = FALSE;
  ConfabStreamSet set;

  confab_negotiation_offer (&local, &set);
  g_assert_true (confab_negotiation_apply_answer (&set, answer, &fec_declined, &error));
  g_assert_no_error (error);
  g_assert_true (fec_declined);
  g_assert_cmpuint (set.n_streams, ==, 2);
  assert_stream (audio_of (&set), CONFAB_STREAM_KIND_AUDIO, "0", "OPUS", 111, OUR_AUDIO_SSRC,
                 2452012731u);
  assert_stream (video_of (&set), CONFAB_STREAM_KIND_VIDEO, "1", "VP8", 96, OUR_VIDEO_SSRC,
                 2577915640u);
  g_assert_cmpuint (video_of (&set)->fec_pt, ==, 0);
}

/* A second section of a kind, and one without Confab's codec, are
 * declined in place. */
static void
test_answer_declines_extra (void)
{
  ConfabLocalMedia local = our_media (FALSE);
  ConfabSdp *sdp = confab_sdp_new (CONFAB_SDP_OFFER);
  g_autoptr (ConfabSdp) offer = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  ConfabStreamSet set;

  confab_sdp_media_add_codec (confab_sdp_add_media (sdp, CONFAB_SDP_MEDIA_VIDEO, "h"), 102, "H264",
                              90000, 0, NULL);
  confab_sdp_add_opus_media (sdp, "a1", 111, PEER_AUDIO_SSRC);
  confab_sdp_add_opus_media (sdp, "a2", 109, 0);
  confab_sdp_add_vp8_media (sdp, "v", 96, PEER_VIDEO_SSRC, 0, 0);
  offer = as_pasted (sdp);
  g_assert_true (confab_negotiation_answer (&local, offer, &set, &error));
  g_assert_cmpuint (set.n_streams, ==, 2);
  g_assert_cmpuint (set.n_sections, ==, 4);
  g_assert_cmpint (set.sections[0].stream, ==, -1);
  g_assert_cmpint (set.sections[2].stream, ==, -1);
  g_assert_cmpstr (audio_of (&set)->mid, ==, "a1");
  text = answer_text (&set);
  g_assert_nonnull (strstr (text, "a=group:BUNDLE a1 v\r\n"));
  g_assert_nonnull (strstr (text,
                            "m=video 0 UDP/TLS/RTP/SAVPF 102\r\nc=IN IP4 0.0.0.0\r\na=mid:h\r\n"
                            "m=audio 9"));
  g_assert_nonnull (strstr (text, "m=audio 0 UDP/TLS/RTP/SAVPF 109\r\nc=IN IP4 0.0.0.0\r\n"
                                  "a=mid:a2\r\nm=video 9"));
}

/* The offerer: a declined video section removes the stream; the answer
 * must keep the offer's m-lines. */
static void
test_apply_answer_declined_section (void)
{
  ConfabLocalMedia local = our_media (TRUE);
  ConfabSdp *sdp = confab_sdp_new (CONFAB_SDP_ANSWER);
  ConfabSdp *short_sdp = confab_sdp_new (CONFAB_SDP_ANSWER);
  g_autoptr (ConfabSdp) answer = NULL;
  g_autoptr (ConfabSdp) one = NULL;
  g_autoptr (GError) error = NULL;
  ConfabSdpMedia *video;
  ConfabStreamSet set, before;
  gboolean fec_declined = TRUE;

  confab_sdp_add_opus_media (sdp, "0", 111, PEER_AUDIO_SSRC);
  video = confab_sdp_add_media (sdp, CONFAB_SDP_MEDIA_VIDEO, "1");
  video->port = 0;
  confab_sdp_media_add_codec (video, 96, NULL, 0, 0, NULL);
  answer = as_pasted (sdp);
  confab_negotiation_offer (&local, &set);
  g_assert_true (confab_negotiation_apply_answer (&set, answer, &fec_declined, &error));
  g_assert_no_error (error);
  g_assert_false (fec_declined);
  g_assert_cmpuint (set.n_streams, ==, 1);
  g_assert_null (video_of (&set));
  g_assert_cmpuint (audio_of (&set)->remote_ssrc, ==, PEER_AUDIO_SSRC);
  g_assert_cmpint (set.sections[1].stream, ==, -1);

  confab_sdp_add_opus_media (short_sdp, "0", 111, PEER_AUDIO_SSRC);
  one = as_pasted (short_sdp);
  confab_negotiation_offer (&local, &set);
  before = set;
  g_assert_false (confab_negotiation_apply_answer (&set, one, NULL, &error));
  g_assert_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID);
  g_assert_true (memcmp (&set, &before, sizeof set) == 0);
}

/* The offerer's side: our offer (FEC if @fec), then an answer on the
 * default payload types with FEC on @answer_fec_pt (0: none). Returns
 * whether the answer declined our FEC. */
static gboolean
offer_and_apply (gboolean fec, guint answer_fec_pt, ConfabStreamSet *set)
{
  ConfabLocalMedia local = our_media (fec);
  g_autoptr (ConfabSdp) answer = peer_blob (CONFAB_SDP_ANSWER, 111, 96, answer_fec_pt);
  g_autoptr (GError) error = NULL;
  gboolean declined = TRUE; /* reset by every call */

  confab_negotiation_offer (&local, set);
  g_assert_true (confab_negotiation_apply_answer (set, answer, &declined, &error));
  g_assert_no_error (error);
  /* The peer's SSRCs, whatever happened to FEC. */
  assert_stream (audio_of (set), CONFAB_STREAM_KIND_AUDIO, "0", "OPUS", 111, OUR_AUDIO_SSRC,
                 PEER_AUDIO_SSRC);
  assert_stream (video_of (set), CONFAB_STREAM_KIND_VIDEO, "1", "VP8", 96, OUR_VIDEO_SSRC,
                 PEER_VIDEO_SSRC);
  return declined;
}

static void
test_apply_answer_accepts_fec (void)
{
  ConfabStreamSet set;

  g_assert_false (offer_and_apply (TRUE, 110, &set));
  g_assert_cmpuint (video_of (&set)->fec_pt, ==, 110);
  g_assert_cmpuint (video_of (&set)->remote_fec_ssrc, ==, PEER_FEC_SSRC);
}

static void
test_apply_answer_declines_fec (void)
{
  ConfabStreamSet set;

  g_assert_true (offer_and_apply (TRUE, 0, &set));
  g_assert_cmpuint (video_of (&set)->fec_pt, ==, 0);
  g_assert_cmpuint (video_of (&set)->remote_fec_ssrc, ==, 0);
}

/* FEC the answer adds without our offer is ignored: nothing decodes it. */
static void
test_apply_answer_adds_fec (void)
{
  ConfabStreamSet set;

  g_assert_false (offer_and_apply (FALSE, 110, &set));
  g_assert_cmpuint (video_of (&set)->fec_pt, ==, 0);
  g_assert_cmpuint (video_of (&set)->remote_fec_ssrc, ==, 0);
}

static void
expect_refused (const ConfabSdp *answer, const char *message)
{
  ConfabLocalMedia local = our_media (TRUE);
  g_autoptr (GError) error = NULL;
  ConfabStreamSet set, before;

  confab_negotiation_offer (&local, &set);
  before = set;
  g_assert_false (confab_negotiation_apply_answer (&set, answer, NULL, &error));
  g_assert_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_true (memcmp (&set, &before, sizeof set) == 0);
}

static void
test_apply_answer_changes_pts (void)
{
  g_autoptr (ConfabSdp) audio = peer_blob (CONFAB_SDP_ANSWER, 109, 96, 110);
  g_autoptr (ConfabSdp) video = peer_blob (CONFAB_SDP_ANSWER, 111, 120, 110);

  expect_refused (audio, "The answer changed the payload types (audio 109, video 96; offered 111 "
                         "and 96)");
  expect_refused (video, "The answer changed the payload types (audio 111, video 120; offered 111 "
                         "and 96)");
}

static void
test_apply_answer_changes_fec_pt (void)
{
  g_autoptr (ConfabSdp) answer = peer_blob (CONFAB_SDP_ANSWER, 111, 96, 127);

  expect_refused (answer, "The answer changed the FEC payload type (127; offered 110)");
}

static void
test_apply_answer_changes_rtx_pt (void)
{
  g_autoptr (ConfabSdp) answer = peer_blob_rtx (CONFAB_SDP_ANSWER, 111, 96, 110, 98);

  expect_refused (answer, "The answer changed the RTX payload type (98; offered 97)");
}

/* An answer with RTX keeps it, with the peer's RTX SSRC; one without turns
 * it off. */
static void
test_apply_answer_rtx (void)
{
  ConfabLocalMedia local = our_media (TRUE);
  g_autoptr (ConfabSdp) with = peer_blob_rtx (CONFAB_SDP_ANSWER, 111, 96, 110, 97);
  g_autoptr (ConfabSdp) without = peer_blob (CONFAB_SDP_ANSWER, 111, 96, 110);
  ConfabStreamSet set;

  confab_negotiation_offer (&local, &set);
  g_assert_true (confab_negotiation_apply_answer (&set, with, NULL, NULL));
  g_assert_cmpuint (video_of (&set)->rtx_pt, ==, 97);
  g_assert_cmpuint (video_of (&set)->remote_rtx_ssrc, ==, PEER_RTX_SSRC);

  confab_negotiation_offer (&local, &set);
  g_assert_true (confab_negotiation_apply_answer (&set, without, NULL, NULL));
  g_assert_cmpuint (video_of (&set)->rtx_pt, ==, 0);
  g_assert_cmpuint (video_of (&set)->remote_rtx_ssrc, ==, 0);
  g_assert_cmpuint (video_of (&set)->fec_pt, ==, 110);

  /* Added without our offer: ignored. */
  local.no_rtx = TRUE;
  confab_negotiation_offer (&local, &set);
  g_assert_true (confab_negotiation_apply_answer (&set, with, NULL, NULL));
  g_assert_cmpuint (video_of (&set)->rtx_pt, ==, 0);
  g_assert_cmpuint (video_of (&set)->remote_rtx_ssrc, ==, 0);
}

/* Our description is what Confab has always written for these streams. */
static void
test_describe (void)
{
  ConfabLocalMedia local = our_media (TRUE);
  ConfabStreamSet set;
  g_autoptr (ConfabSdp) ours = NULL;
  g_autoptr (ConfabSdp) expected = confab_sdp_new (CONFAB_SDP_OFFER);
  g_autofree char *text = NULL;
  g_autofree char *expected_text = NULL;
  ConfabSdpMedia *video;

  confab_negotiation_offer (&local, &set);
  ours = confab_negotiation_describe (&set, CONFAB_SDP_OFFER, 42);
  g_assert_cmpint (ours->type, ==, CONFAB_SDP_OFFER);
  g_assert_cmpuint (ours->session_id, ==, 42);
  expected->session_id = 42;
  confab_sdp_add_opus_media (expected, "0", 111, OUR_AUDIO_SSRC)->msid = g_strdup ("confab audio");
  video = confab_sdp_add_vp8_media (expected, "1", 96, OUR_VIDEO_SSRC, 110, OUR_FEC_SSRC);
  video->msid = g_strdup ("confab video");
  confab_sdp_media_add_rtx (video, 97, 96, OUR_VIDEO_SSRC, OUR_RTX_SSRC);
  text = confab_sdp_to_string (ours);
  expected_text = confab_sdp_to_string (expected);
  g_assert_cmpstr (text, ==, expected_text);
  g_assert_nonnull (strstr (text, "m=video 9 RTP/AVPF 96 110 97\r\n"));
  g_assert_nonnull (strstr (text, "a=ssrc-group:FEC-FR 1002 1003\r\n"));
  g_assert_nonnull (strstr (text, "a=ssrc-group:FID 1002 1004\r\n"));

  /* Declined FEC and RTX leave no trace of them. */
  set.streams[1].fec_pt = 0;
  set.streams[1].rtx_pt = 0;
  g_clear_pointer (&ours, confab_sdp_free);
  g_clear_pointer (&text, g_free);
  ours = confab_negotiation_describe (&set, CONFAB_SDP_ANSWER, 42);
  text = confab_sdp_to_string (ours);
  g_assert_null (strstr (text, "flexfec"));
  g_assert_null (strstr (text, "1003"));
  g_assert_null (strstr (text, "rtx"));
  g_assert_null (strstr (text, "1004"));
}

/* Both sides through the blobs: they end up with the same streams seen
 * from either end. */
static void
test_round_trip (void)
{
  ConfabLocalMedia offerer = { .audio_pt = 109,
                               .video_pt = 120,
                               .fec = TRUE,
                               .audio_ssrc = 11,
                               .video_ssrc = 12,
                               .fec_ssrc = 13,
                               .rtx_ssrc = 14 };
  ConfabLocalMedia answerer
      = { .fec = TRUE, .audio_ssrc = 21, .video_ssrc = 22, .fec_ssrc = 23, .rtx_ssrc = 24 };
  ConfabStreamSet o, a;
  g_autoptr (ConfabSdp) offer = NULL;
  g_autoptr (ConfabSdp) answer = NULL;

  confab_negotiation_offer (&offerer, &o);
  offer = as_pasted (confab_negotiation_describe (&o, CONFAB_SDP_OFFER, 1));
  g_assert_true (confab_negotiation_answer (&answerer, offer, &a, NULL));
  answer = as_pasted (confab_negotiation_describe (&a, CONFAB_SDP_ANSWER, 2));
  g_assert_true (confab_negotiation_apply_answer (&o, answer, NULL, NULL));

  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpuint (o.streams[i].pt, ==, a.streams[i].pt);
      g_assert_cmpuint (o.streams[i].fec_pt, ==, a.streams[i].fec_pt);
      g_assert_cmpuint (o.streams[i].local_ssrc, ==, a.streams[i].remote_ssrc);
      g_assert_cmpuint (o.streams[i].remote_ssrc, ==, a.streams[i].local_ssrc);
    }
  g_assert_cmpuint (o.streams[0].pt, ==, 109);
  g_assert_cmpuint (o.streams[1].pt, ==, 120);
  g_assert_cmpuint (o.streams[1].fec_pt, ==, CONFAB_SDP_DEFAULT_FLEXFEC_PT);
  g_assert_cmpuint (o.streams[1].remote_fec_ssrc, ==, 23);
  g_assert_cmpuint (a.streams[1].remote_fec_ssrc, ==, 13);
  g_assert_cmpuint (o.streams[1].rtx_pt, ==, CONFAB_SDP_DEFAULT_RTX_PT);
  g_assert_cmpuint (a.streams[1].rtx_pt, ==, CONFAB_SDP_DEFAULT_RTX_PT);
  g_assert_cmpuint (o.streams[1].remote_rtx_ssrc, ==, 24);
  g_assert_cmpuint (a.streams[1].remote_rtx_ssrc, ==, 14);
}

/* Reed-Solomon ------------------------------------------------------------- */

/* A peer's description with x-confab-rs/@clock_rate on @rs_pt besides
 * FlexFEC on @flexfec_pt (0: none; it brings the FEC-FR group); without
 * FlexFEC, the group only when @group. */
static ConfabSdp *
peer_rs_blob (ConfabSdpType type, guint flexfec_pt, guint rs_pt, guint clock_rate, gboolean group)
{
  ConfabSdpMedia *video;
  ConfabSdp *sdp = peer_sdp (type, 111, 96, flexfec_pt, &video);

  if (group && clock_rate == 90000)
    confab_sdp_media_add_rs (video, rs_pt, PEER_VIDEO_SSRC, PEER_FEC_SSRC);
  else
    confab_sdp_media_add_codec (video, rs_pt, "x-confab-rs", clock_rate, 0, NULL);
  return as_pasted (sdp);
}

static ConfabLocalMedia
our_rs_media (void)
{
  ConfabLocalMedia local = our_media (TRUE);

  local.rs = TRUE;
  return local;
}

/* Confab to Confab: the offer lists Reed-Solomon besides FlexFEC, on one
 * FEC-FR group; a Confab answer that wants FEC (--fec on will do) takes
 * it and lists nothing else; the offerer switches to it. Without rs in
 * the offer, or without FEC on the answering side, it is FlexFEC or
 * nothing as before. */
static void
test_rs_round_trip (void)
{
  const struct
  {
    gboolean offer_rs, answer_fec;
    ConfabStreamFecScheme scheme;
    guint fec_pt;
  } cases[] = {
    { TRUE, TRUE, CONFAB_STREAM_FEC_RS, CONFAB_SDP_DEFAULT_RS_PT },
    { FALSE, TRUE, CONFAB_STREAM_FEC_STANDARD, CONFAB_SDP_DEFAULT_FLEXFEC_PT },
    { TRUE, FALSE, CONFAB_STREAM_FEC_STANDARD, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ConfabLocalMedia offerer = our_media (TRUE);
      ConfabLocalMedia answerer = { .fec = cases[i].answer_fec,
                                    .audio_ssrc = 21,
                                    .video_ssrc = 22,
                                    .fec_ssrc = 23,
                                    .rtx_ssrc = 24 };
      g_autoptr (ConfabSdp) offer = NULL;
      g_autoptr (ConfabSdp) answer = NULL;
      g_autofree char *offer_text = NULL;
      g_autofree char *answer_blob = NULL;
      gboolean declined = TRUE;
      ConfabStreamSet o, a;

      offerer.rs = cases[i].offer_rs;
      confab_negotiation_offer (&offerer, &o);
      offer_text = confab_sdp_to_string (confab_negotiation_describe (&o, CONFAB_SDP_OFFER, 1));
      offer = as_pasted (confab_negotiation_describe (&o, CONFAB_SDP_OFFER, 1));
      g_assert_true (confab_negotiation_answer (&answerer, offer, &a, NULL));
      answer_blob = answer_text (&a);
      answer = as_pasted (confab_negotiation_describe (&a, CONFAB_SDP_ANSWER, 2));
      g_assert_true (confab_negotiation_apply_answer (&o, answer, &declined, NULL));
      g_test_message ("offer:\n%s\nanswer:\n%s", offer_text, answer_blob);

      g_assert_nonnull (strstr (offer_text, "a=rtpmap:110 flexfec-03/90000\r\n"));
      g_assert_true ((strstr (offer_text, "a=rtpmap:112 x-confab-rs/90000\r\n") != NULL)
                     == cases[i].offer_rs);
      /* One group for both: they share the repair SSRC. */
      g_assert_nonnull (strstr (offer_text, "a=ssrc-group:FEC-FR 1002 1003\r\n"));
      g_assert_null (strstr (strstr (offer_text, "FEC-FR") + 1, "FEC-FR"));
      g_assert_true ((strstr (answer_blob, "x-confab-rs") != NULL)
                     == (cases[i].scheme == CONFAB_STREAM_FEC_RS));
      g_assert_true ((strstr (answer_blob, "flexfec") != NULL)
                     == (cases[i].fec_pt == CONFAB_SDP_DEFAULT_FLEXFEC_PT));
      g_assert_true ((strstr (answer_blob, "a=ssrc-group:FEC-FR 22 23\r\n") != NULL)
                     == (cases[i].fec_pt != 0));

      for (const ConfabStreamSet *set = &o; set != NULL; set = set == &o ? &a : NULL)
        {
          g_assert_cmpuint (video_of (set)->fec_pt, ==, cases[i].fec_pt);
          g_assert_cmpint (video_of (set)->fec_scheme, ==, cases[i].scheme);
          g_assert_true (confab_stream_params_validate (set->streams, set->n_streams, NULL));
        }
      g_assert_cmpuint (video_of (&o)->remote_fec_ssrc, ==, cases[i].fec_pt ? 23 : 0);
      g_assert_cmpuint (video_of (&a)->remote_fec_ssrc, ==, cases[i].fec_pt ? OUR_FEC_SSRC : 0);
      g_assert_true (declined == (cases[i].fec_pt == 0));
      g_assert_cmpuint (o.sections[1].rs_pt, ==, 0);
    }
}

/* A browser or an older Confab answers an offer with Reed-Solomon as one
 * without: FlexFEC, or nothing (RED with ULPFEC was not offered). */
static void
test_rs_apply_foreign_answer (void)
{
  const struct
  {
    ConfabSdp *answer;
    guint fec_pt;
  } cases[] = {
    { peer_blob (CONFAB_SDP_ANSWER, 111, 96, 110), 110 },
    { peer_blob (CONFAB_SDP_ANSWER, 111, 96, 0), 0 },
    { peer_red_offer (118, 120, 0, 0, 0), 0 },
  };

  /* peer_red_offer() writes an offer: an answer with the same lines. */
  cases[2].answer->type = CONFAB_SDP_ANSWER;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ConfabLocalMedia local = our_rs_media ();
      g_autoptr (GError) error = NULL;
      gboolean declined = FALSE;
      ConfabStreamSet set;

      confab_negotiation_offer (&local, &set);
      g_assert_cmpuint (set.sections[1].rs_pt, ==, CONFAB_SDP_DEFAULT_RS_PT);
      g_assert_true (confab_negotiation_apply_answer (&set, cases[i].answer, &declined, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (video_of (&set)->fec_pt, ==, cases[i].fec_pt);
      g_assert_cmpint (video_of (&set)->fec_scheme, ==, CONFAB_STREAM_FEC_STANDARD);
      g_assert_true (declined == (cases[i].fec_pt == 0));
      confab_sdp_free (cases[i].answer);
    }
}

/* Browser offers never get Reed-Solomon, whatever we would like. */
static void
test_rs_browser_offers (void)
{
  ConfabSdp *offers[] = {
    load_sample ("chromium-156-max-bundle-data-offer.sdp", CONFAB_SDP_OFFER),
    peer_blob (CONFAB_SDP_OFFER, 111, 96, 110),
    peer_red_offer (118, 120, 119, 97, 0),
  };

  for (guint i = 0; i < G_N_ELEMENTS (offers); i++)
    {
      ConfabLocalMedia local = our_rs_media ();
      g_autoptr (GError) error = NULL;
      g_autofree char *text = NULL;
      ConfabStreamSet set;

      g_assert_true (confab_negotiation_answer (&local, offers[i], &set, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (video_of (&set)->fec_pt, !=, 0);
      g_assert_cmpint (video_of (&set)->fec_scheme, ==, CONFAB_STREAM_FEC_STANDARD);
      text = answer_text (&set);
      g_assert_null (strstr (text, "x-confab-rs"));
      confab_sdp_free (offers[i]);
    }
}

/* Offers that get Reed-Solomon wrong: parsed (an unknown name is just a
 * format), then FlexFEC or no FEC, never a broken Reed-Solomon. */
static void
test_rs_hostile_offers (void)
{
  const struct
  {
    guint flexfec_pt, rs_pt, clock_rate;
    gboolean group;
    guint fec_pt; /* what the answer takes */
  } cases[] = {
    { 0, 112, 90000, FALSE, 0 },    /* no FEC-FR group: no repair SSRC */
    { 110, 20, 90000, TRUE, 110 },  /* a static payload type */
    { 110, 112, 8000, TRUE, 110 },  /* another clock rate */
    { 0, 112, 90000, TRUE, 112 },   /* the control: usable */
    { 110, 126, 90000, TRUE, 126 }, /* the control with FlexFEC */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (ConfabSdp) offer
          = peer_rs_blob (CONFAB_SDP_OFFER, cases[i].flexfec_pt, cases[i].rs_pt,
                          cases[i].clock_rate, cases[i].group);
      ConfabLocalMedia local = our_media (TRUE);
      g_autoptr (GError) error = NULL;
      ConfabStreamSet set;

      g_assert_true (confab_negotiation_answer (&local, offer, &set, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (video_of (&set)->fec_pt, ==, cases[i].fec_pt);
      g_assert_cmpint (video_of (&set)->fec_scheme, ==,
                       cases[i].fec_pt == cases[i].rs_pt ? CONFAB_STREAM_FEC_RS
                                                         : CONFAB_STREAM_FEC_STANDARD);
      g_assert_true (confab_stream_params_validate (set.streams, set.n_streams, NULL));
    }

  /* On the audio's payload type: one transport cannot tell them apart. */
  {
    g_autoptr (ConfabSdp) offer = peer_rs_blob (CONFAB_SDP_OFFER, 110, 111, 90000, TRUE);
    ConfabLocalMedia local = our_media (TRUE);
    ConfabStreamSet set;

    g_assert_true (confab_negotiation_answer (&local, offer, &set, NULL));
    g_assert_cmpuint (video_of (&set)->fec_pt, ==, 110);
    g_assert_cmpint (video_of (&set)->fec_scheme, ==, CONFAB_STREAM_FEC_STANDARD);
  }
}

/* Answers to our Reed-Solomon offer that get it wrong: another payload
 * type is refused, one without its repair SSRC declines FEC. */
static void
test_rs_hostile_answers (void)
{
  g_autoptr (ConfabSdp) moved = peer_rs_blob (CONFAB_SDP_ANSWER, 0, 113, 90000, TRUE);
  g_autoptr (ConfabSdp) no_group = peer_rs_blob (CONFAB_SDP_ANSWER, 0, 112, 90000, FALSE);
  ConfabLocalMedia local = our_rs_media ();
  g_autoptr (GError) error = NULL;
  gboolean declined = FALSE;
  ConfabStreamSet set, before;

  confab_negotiation_offer (&local, &set);
  before = set;
  g_assert_false (confab_negotiation_apply_answer (&set, moved, NULL, &error));
  g_assert_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "The answer changed the FEC payload type (113; offered 112)");
  g_assert_true (memcmp (&set, &before, sizeof set) == 0);

  g_assert_true (confab_negotiation_apply_answer (&set, no_group, &declined, NULL));
  g_assert_true (declined);
  g_assert_cmpuint (video_of (&set)->fec_pt, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/confab/negotiation/pick-ssrcs", test_pick_ssrcs);
  g_test_add_func ("/confab/negotiation/offer", test_offer);
  g_test_add_func ("/confab/negotiation/answer/rtx", test_answer_rtx);
  g_test_add_func ("/confab/negotiation/answer/rtx-other-codec", test_answer_rtx_other_codec);
  g_test_add_func ("/confab/negotiation/apply-answer/rtx", test_apply_answer_rtx);
  g_test_add_func ("/confab/negotiation/apply-answer/changes-rtx-pt",
                   test_apply_answer_changes_rtx_pt);
  g_test_add_func ("/confab/negotiation/answer/fec-accepted", test_answer_fec_accepted);
  g_test_add_func ("/confab/negotiation/answer/fec-declined-by-us", test_answer_fec_declined_by_us);
  g_test_add_func ("/confab/negotiation/answer/fec-not-offered", test_answer_fec_not_offered);
  g_test_add_func ("/confab/negotiation/answer/without-ssrcs", test_answer_without_ssrcs);
  g_test_add_func ("/confab/negotiation/answer/red-ulpfec", test_answer_red_ulpfec);
  g_test_add_func ("/confab/negotiation/offer/red-ulpfec", test_offer_red_ulpfec);
  g_test_add_func ("/confab/negotiation/offer-text", test_offer_text);
  g_test_add_func ("/confab/negotiation/apply-answer/chromium", test_apply_chromium_answer);
  g_test_add_func ("/confab/negotiation/answer/one-kind", test_one_kind);
  g_test_add_func ("/confab/negotiation/answer/chromium", test_answer_chromium);
  g_test_add_func ("/confab/negotiation/answer/samples", test_answer_webrtcbin);
  g_test_add_func ("/confab/negotiation/answer/declines-extra", test_answer_declines_extra);
  g_test_add_func ("/confab/negotiation/apply-answer/declined-section",
                   test_apply_answer_declined_section);
  g_test_add_func ("/confab/negotiation/apply-answer/accepts-fec", test_apply_answer_accepts_fec);
  g_test_add_func ("/confab/negotiation/apply-answer/declines-fec", test_apply_answer_declines_fec);
  g_test_add_func ("/confab/negotiation/apply-answer/adds-fec", test_apply_answer_adds_fec);
  g_test_add_func ("/confab/negotiation/apply-answer/changes-pts", test_apply_answer_changes_pts);
  g_test_add_func ("/confab/negotiation/apply-answer/changes-fec-pt",
                   test_apply_answer_changes_fec_pt);
  g_test_add_func ("/confab/negotiation/describe", test_describe);
  g_test_add_func ("/confab/negotiation/round-trip", test_round_trip);
  g_test_add_func ("/confab/negotiation/rs/round-trip", test_rs_round_trip);
  g_test_add_func ("/confab/negotiation/rs/foreign-answer", test_rs_apply_foreign_answer);
  g_test_add_func ("/confab/negotiation/rs/browser-offers", test_rs_browser_offers);
  g_test_add_func ("/confab/negotiation/rs/hostile-offers", test_rs_hostile_offers);
  g_test_add_func ("/confab/negotiation/rs/hostile-answers", test_rs_hostile_answers);

  return g_test_run ();
}
