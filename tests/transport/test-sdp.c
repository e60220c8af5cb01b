/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The signaling blob: round trips, tolerance of what chat and mail clients
 * do to pasted text, real browser offers, and rejection of everything a
 * stranger might paste (with the line and field named in the message).
 */

#include "confab-sdp.h"

#include <gst/sdp/sdp.h>
#include <nice.h>
#include <string.h>

#include "sdp-test-util.h"

/* One of each kind the parser must carry through unchanged. */
static const char *const sample_candidates[] = {
  "candidate:1 1 UDP 2130706431 192.0.2.10 51000 typ host",
  "candidate:2 1 UDP 2130706175 2001:db8::10 51002 typ host",
  "candidate:3 1 UDP 1694498815 198.51.100.7 61000 typ srflx raddr 192.0.2.10 rport 51000",
  "candidate:4 1 UDP 16777215 203.0.113.5 49152 typ relay raddr 198.51.100.7 rport 61000",
  "candidate:5 1 TCP 1019216383 192.0.2.10 51010 typ host tcptype passive",
  /* A relay-only peer's, related address hidden as browsers write it. */
  "candidate:6 1 UDP 16777215 203.0.113.5 49153 typ relay raddr 0.0.0.0 rport 0",
};

static ConfabSdp *
make_sample (ConfabSdpType type, gboolean dtls)
{
  ConfabSdp *sdp = confab_sdp_new (type);

  sdp->ice_ufrag = g_strdup ("Xk3+/Zq9");
  sdp->ice_pwd = g_strdup ("a5B+c/7d9e1F3g5H7i9J1k3L");
  for (guint i = 0; i < G_N_ELEMENTS (sample_candidates); i++)
    confab_sdp_add_candidate (sdp, sample_candidates[i]);
  add_dtls (sdp);
  if (dtls)
    {
      /* Our FlexFEC on the video (the plain sample has none). */
      add_confab_media (sdp, CONFAB_SDP_DEFAULT_AUDIO_PT, 3570614608u, CONFAB_SDP_DEFAULT_VIDEO_PT,
                        1, CONFAB_SDP_DEFAULT_FLEXFEC_PT, 4000000000u);
    }
  else
    add_confab_media (sdp, CONFAB_SDP_DEFAULT_AUDIO_PT, 0, CONFAB_SDP_DEFAULT_VIDEO_PT, 0, 0, 0);
  return sdp;
}

static char *
sample_text (ConfabSdpType type, gboolean dtls)
{
  g_autoptr (ConfabSdp) sdp = make_sample (type, dtls);

  return confab_sdp_to_string (sdp);
}

static ConfabSdp *
parse_ok (const char *text, gssize len, ConfabSdpType expected)
{
  g_autoptr (GError) error = NULL;
  ConfabSdp *sdp = confab_sdp_parse (text, len, expected, &error);

  g_assert_no_error (error);
  g_assert_nonnull (sdp);
  return sdp;
}

/* Parses @text expecting @code and a message that contains @needle. */
static void
expect_error_len (const char *text, gssize len, ConfabSdpType expected, ConfabSdpError code,
                  const char *needle)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfabSdp) sdp = confab_sdp_parse (text, len, expected, &error);

  g_assert_null (sdp);
  assert_good_message (error);
  g_test_message ("rejected as expected: %s", error->message);
  g_assert_error (error, CONFAB_SDP_ERROR, (gint) code);
  if (strstr (error->message, needle) == NULL)
    g_error ("message \"%s\" does not contain \"%s\"", error->message, needle);
}

static void
expect_error (const char *text, ConfabSdpError code, const char *needle)
{
  expect_error_len (text, -1, CONFAB_SDP_OFFER, code, needle);
}

/* Our blobs are CRLF; edits work on lines. Replaces the first line
 * starting with @prefix by @replacement (NULL removes it), or every such
 * line when @all. Returns the 1-based number of the first match. */
static char *
edit_blob (const char *text, const char *prefix, const char *replacement, gboolean all,
           guint *line_no)
{
  g_auto (GStrv) lines = g_strsplit (text, "\r\n", -1);
  GString *out = g_string_new (NULL);
  gboolean done = FALSE;
  guint first = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i + 1] == NULL && lines[i][0] == '\0')
        break;
      if (g_str_has_prefix (lines[i], prefix) && (all || !done))
        {
          if (first == 0)
            first = i + 1;
          done = TRUE;
          if (replacement != NULL)
            g_string_append_printf (out, "%s\r\n", replacement);
          continue;
        }
      g_string_append_printf (out, "%s\r\n", lines[i]);
    }
  g_assert_cmpuint (first, >, 0);
  if (line_no != NULL)
    *line_no = first;
  return g_string_free (out, FALSE);
}

static char *
replace_all (const char *text, const char *from, const char *to)
{
  g_auto (GStrv) parts = g_strsplit (text, from, -1);

  return g_strjoinv (to, parts);
}

/* ------------------------------------------------------------------------ */

static void
test_new_defaults (void)
{
  g_autoptr (ConfabSdp) a = confab_sdp_new (CONFAB_SDP_OFFER);
  g_autoptr (ConfabSdp) b = confab_sdp_new (CONFAB_SDP_ANSWER);

  g_assert_cmpint (a->type, ==, CONFAB_SDP_OFFER);
  g_assert_cmpint (b->type, ==, CONFAB_SDP_ANSWER);
  /* The sections are the caller's (the call's negotiation adds them). */
  g_assert_cmpuint (a->media->len, ==, 0);
  g_assert_cmpuint (a->candidates->len, ==, 0);
  g_assert_null (a->fingerprint);
  /* JSEP: 63 random bits. */
  g_assert_cmpuint (a->session_id >> 63, ==, 0);
  g_assert_cmpuint (a->session_id, !=, b->session_id);
  g_assert_cmpstr (confab_sdp_type_to_string (CONFAB_SDP_OFFER), ==, "offer");
  g_assert_cmpstr (confab_sdp_type_to_string (CONFAB_SDP_ANSWER), ==, "answer");
}

static void
check_round_trip (ConfabSdpType type, gboolean dtls)
{
  g_autoptr (ConfabSdp) sdp = make_sample (type, dtls);
  g_autofree char *text = confab_sdp_to_string (sdp);
  g_autoptr (ConfabSdp) back = parse_ok (text, -1, type);
  g_autofree char *again = confab_sdp_to_string (back);

  g_assert_cmpuint (back->candidates->len, ==, G_N_ELEMENTS (sample_candidates));
  assert_sdp_equal (sdp, back);
  g_assert_cmpstr (text, ==, again);

  /* CRLF everywhere, and only there. */
  g_assert_true (g_str_has_suffix (text, "a=end-of-candidates\r\n"));
  for (const char *c = text; *c != '\0'; c++)
    {
      if (*c == '\n')
        g_assert_true (c > text && c[-1] == '\r');
      if (*c == '\r')
        g_assert_true (c[1] == '\n');
    }
  g_assert_true (g_str_has_prefix (text, "v=0\r\n"));
  g_assert_nonnull (
      strstr (text, type == CONFAB_SDP_OFFER ? "s=Confab offer\r\n" : "s=Confab answer\r\n"));
  g_assert_nonnull (strstr (text, "a=group:BUNDLE 0 1\r\n"));

  if (dtls)
    {
      g_assert_nonnull (strstr (text, "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"));
      g_assert_nonnull (strstr (text, "a=fingerprint:" FINGERPRINT "\r\n"));
      g_assert_nonnull (strstr (text, "a=ssrc:3570614608 cname:confab\r\n"));
      g_assert_nonnull (strstr (text, "m=video 9 UDP/TLS/RTP/SAVPF 96 110\r\n"));
      g_assert_nonnull (strstr (text, "a=rtpmap:110 flexfec-03/90000\r\n"));
      g_assert_nonnull (strstr (text, "a=fmtp:110 repair-window=10000000\r\n"));
      g_assert_nonnull (strstr (text, "a=ssrc-group:FEC-FR 1 4000000000\r\n"));
      g_assert_nonnull (strstr (text, "a=ssrc:4000000000 cname:confab\r\n"));
    }
  else
    {
      g_assert_nonnull (strstr (text, "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"));
      g_assert_nonnull (strstr (text, "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"));
      g_assert_null (strstr (text, "a=ssrc"));
      g_assert_null (strstr (text, "flexfec"));
      g_assert_cmpuint (sdp_pt (back, CONFAB_SDP_MEDIA_VIDEO, "flexfec-03"), ==, 0);
    }
}

static void
test_round_trip_offer (void)
{
  check_round_trip (CONFAB_SDP_OFFER, TRUE);
  check_round_trip (CONFAB_SDP_OFFER, FALSE);
}

static void
test_round_trip_answer (void)
{
  check_round_trip (CONFAB_SDP_ANSWER, TRUE);
  check_round_trip (CONFAB_SDP_ANSWER, FALSE);
}

static void
test_round_trip_other_values (void)
{
  g_autoptr (ConfabSdp) sdp = make_sample (CONFAB_SDP_ANSWER, TRUE);
  g_autofree char *text = NULL;
  g_autoptr (ConfabSdp) back = NULL;

  sdp->session_id = G_MAXUINT64;
  g_ptr_array_set_size (sdp->media, 0);
  /* Without a video SSRC there is no group to name the repair SSRC in. */
  add_confab_media (sdp, 109, G_MAXUINT32, 120, 0, 127, 4000000000u);
  g_free (sdp->setup);
  sdp->setup = g_strdup ("passive");
  g_free (sdp->fingerprint);
  sdp->fingerprint = g_strdup ("sha-1 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33");
  text = confab_sdp_to_string (sdp);
  g_assert_null (strstr (text, "a=ssrc-group"));
  back = parse_ok (text, -1, CONFAB_SDP_ANSWER);
  assert_sdp_equal (sdp, back);
  g_assert_cmpuint (sdp_pt (back, CONFAB_SDP_MEDIA_VIDEO, "flexfec-03"), ==, 127);
}

/* How a browser or an older Confab may write FlexFEC: upper case, the
 * group before the SSRC lines, other groups around it; and an offer
 * without FEC parses with no FlexFEC format (its group and repair SSRC
 * stay in the model; negotiation ignores them without the format). */
static void
test_flexfec_variants (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_autofree char *upper = replace_all (text, "flexfec-03/90000", "FlexFEC-03/90000");
  g_autofree char *grouped = replace_all (upper, "a=ssrc-group:FEC-FR 1 4000000000\r\n",
                                          "a=ssrc-group:FID 1 5\r\n"
                                          "a=ssrc-group:FEC-FR 1 4000000000\r\n");
  g_autofree char *unlisted = replace_all (text, "SAVPF 96 110\r\n", "SAVPF 96\r\n");
  g_autoptr (ConfabSdp) a = parse_ok (grouped, -1, CONFAB_SDP_OFFER);
  g_autoptr (ConfabSdp) b = parse_ok (unlisted, -1, CONFAB_SDP_OFFER);

  g_assert_cmpuint (sdp_pt (a, CONFAB_SDP_MEDIA_VIDEO, "flexfec-03"), ==, 110);
  g_assert_cmpuint (sdp_fec_ssrc (a), ==, 4000000000u);
  /* An rtpmap for a payload type the m= line does not list is not offered. */
  g_assert_cmpuint (sdp_pt (b, CONFAB_SDP_MEDIA_VIDEO, "flexfec-03"), ==, 0);
}

/* The blob is real SDP: GStreamer's parser, which webrtcbin uses, sees
 * what a browser would. */
static void
test_round_trip_gst (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  GstSDPMessage *msg = NULL;
  const GstSDPMedia *audio, *video;
  guint n_candidates = 0;

  g_assert_cmpint (gst_sdp_message_new (&msg), ==, GST_SDP_OK);
  g_assert_cmpint (gst_sdp_message_parse_buffer ((const guint8 *) text, strlen (text), msg), ==,
                   GST_SDP_OK);
  g_assert_cmpstr (gst_sdp_message_get_version (msg), ==, "0");
  g_assert_cmpstr (gst_sdp_message_get_session_name (msg), ==, "Confab offer");
  g_assert_cmpstr (gst_sdp_message_get_attribute_val (msg, "group"), ==, "BUNDLE 0 1");
  g_assert_cmpuint (gst_sdp_message_medias_len (msg), ==, 2);

  audio = gst_sdp_message_get_media (msg, 0);
  video = gst_sdp_message_get_media (msg, 1);
  g_assert_cmpstr (gst_sdp_media_get_media (audio), ==, "audio");
  g_assert_cmpstr (gst_sdp_media_get_media (video), ==, "video");
  g_assert_cmpstr (gst_sdp_media_get_proto (audio), ==, "UDP/TLS/RTP/SAVPF");
  g_assert_cmpuint (gst_sdp_media_get_port (audio), ==, 9);
  g_assert_cmpstr (gst_sdp_media_get_format (audio, 0), ==, "111");
  g_assert_cmpstr (gst_sdp_media_get_format (video, 0), ==, "96");
  g_assert_cmpstr (gst_sdp_media_get_attribute_val (audio, "mid"), ==, "0");
  g_assert_cmpstr (gst_sdp_media_get_attribute_val (video, "mid"), ==, "1");
  g_assert_cmpstr (gst_sdp_media_get_attribute_val (audio, "rtpmap"), ==, "111 opus/48000/2");
  g_assert_cmpstr (gst_sdp_media_get_attribute_val (video, "rtpmap"), ==, "96 VP8/90000");
  g_assert_cmpstr (gst_sdp_media_get_attribute_val (audio, "ice-ufrag"), ==, "Xk3+/Zq9");
  g_assert_cmpstr (gst_sdp_media_get_attribute_val (video, "ice-ufrag"), ==, "Xk3+/Zq9");
  g_assert_cmpstr (gst_sdp_media_get_attribute_val (audio, "fingerprint"), ==, FINGERPRINT);
  g_assert_cmpstr (gst_sdp_media_get_attribute_val (video, "setup"), ==, "actpass");
  g_assert_nonnull (gst_sdp_media_get_attribute_val (audio, "rtcp-mux"));
  g_assert_nonnull (gst_sdp_media_get_attribute_val (video, "rtcp-mux"));
  g_assert_nonnull (gst_sdp_media_get_attribute_val (video, "end-of-candidates"));
  while (gst_sdp_media_get_attribute_val_n (audio, "candidate", n_candidates) != NULL)
    n_candidates++;
  g_assert_cmpuint (n_candidates, ==, G_N_ELEMENTS (sample_candidates));
  g_assert_cmpstr (gst_sdp_media_get_attribute_val_n (audio, "candidate", 2), ==,
                   sample_candidates[2] + strlen ("candidate:"));
  g_assert_null (gst_sdp_media_get_attribute_val (video, "candidate"));

  gst_sdp_message_free (msg);
}

static void
test_add_candidate (void)
{
  g_autoptr (ConfabSdp) sdp = confab_sdp_new (CONFAB_SDP_OFFER);

  /* libnice's own output carries "a="; other spellings are normalized. */
  confab_sdp_add_candidate (sdp, "a=candidate:1 1 UDP 2130706431 192.0.2.1 5000 typ host");
  confab_sdp_add_candidate (sdp, "candidate:2 1 udp 100 192.0.2.1  5001 typ HOST generation 0");
  confab_sdp_add_candidate (sdp, "candidate:3 1 tcp 100 192.0.2.1 9 typ host tcptype ACTIVE");
  g_assert_cmpuint (sdp->candidates->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (sdp->candidates, 0), ==,
                   "candidate:1 1 UDP 2130706431 192.0.2.1 5000 typ host");
  g_assert_cmpstr (g_ptr_array_index (sdp->candidates, 1), ==,
                   "candidate:2 1 UDP 100 192.0.2.1 5001 typ host");
  g_assert_cmpstr (g_ptr_array_index (sdp->candidates, 2), ==,
                   "candidate:3 1 TCP 100 192.0.2.1 9 typ host tcptype active");
}

/* The stored form is exactly what libnice 0.1.21 accepts once "a=" is put
 * back in front (its parser insists on that prefix). */
static void
test_candidates_libnice (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_autoptr (ConfabSdp) sdp = parse_ok (text, -1, CONFAB_SDP_OFFER);
  NiceAgent *agent = nice_agent_new (g_main_context_default (), NICE_COMPATIBILITY_RFC5245);
  static const struct
  {
    NiceCandidateType type;
    NiceCandidateTransport transport;
    guint port, base_port;
  } expected[] = {
    { NICE_CANDIDATE_TYPE_HOST, NICE_CANDIDATE_TRANSPORT_UDP, 51000, 0 },
    { NICE_CANDIDATE_TYPE_HOST, NICE_CANDIDATE_TRANSPORT_UDP, 51002, 0 },
    { NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE, NICE_CANDIDATE_TRANSPORT_UDP, 61000, 51000 },
    { NICE_CANDIDATE_TYPE_RELAYED, NICE_CANDIDATE_TRANSPORT_UDP, 49152, 61000 },
    { NICE_CANDIDATE_TYPE_HOST, NICE_CANDIDATE_TRANSPORT_TCP_PASSIVE, 51010, 0 },
    { NICE_CANDIDATE_TYPE_RELAYED, NICE_CANDIDATE_TRANSPORT_UDP, 49153, 0 },
  };

  g_assert_cmpuint (sdp->candidates->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < sdp->candidates->len; i++)
    {
      g_autofree char *line = g_strconcat ("a=", g_ptr_array_index (sdp->candidates, i), NULL);
      NiceCandidate *c = nice_agent_parse_remote_candidate_sdp (agent, 1, line);

      g_assert_nonnull (c);
      g_assert_cmpint (c->type, ==, expected[i].type);
      g_assert_cmpint (c->transport, ==, expected[i].transport);
      g_assert_cmpuint (c->component_id, ==, 1);
      g_assert_cmpuint (nice_address_get_port (&c->addr), ==, expected[i].port);
      if (expected[i].base_port != 0)
        g_assert_cmpuint (nice_address_get_port (&c->base_addr), ==, expected[i].base_port);
      nice_candidate_free (c);
    }

  g_object_unref (agent);
}

/* ------------------------------------------------------------------------ */
/* Tolerance                                                                */
/* ------------------------------------------------------------------------ */

static void
expect_same (const char *variant, const char *what)
{
  g_autoptr (ConfabSdp) reference = make_sample (CONFAB_SDP_OFFER, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfabSdp) sdp = NULL;
  g_autofree char *text = confab_sdp_to_string (reference);

  /* Same session id as the variant, which came from another sample. */
  sdp = confab_sdp_parse (variant, -1, CONFAB_SDP_OFFER, &error);
  if (sdp == NULL)
    g_error ("%s: %s", what, error->message);
  reference->session_id = sdp->session_id;
  assert_sdp_equal (reference, sdp);
}

static void
test_tolerance_line_endings (void)
{
  g_autofree char *crlf = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_autofree char *lf = replace_all (crlf, "\r\n", "\n");
  g_autofree char *cr = replace_all (crlf, "\r\n", "\r");
  g_autofree char *no_final = g_strndup (lf, strlen (lf) - 1);

  expect_same (crlf, "CRLF");
  expect_same (lf, "LF");
  expect_same (cr, "CR");
  expect_same (no_final, "no final line ending");
}

static void
test_tolerance_bom (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_autofree char *bom = g_strconcat ("\xEF\xBB\xBF", text, NULL);

  expect_same (bom, "BOM");
}

static void
test_tolerance_white_space (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_auto (GStrv) lines = g_strsplit (text, "\r\n", -1);
  g_autoptr (GString) spaced = g_string_new ("\n  \r\n\t\n");
  g_autofree char *edges = g_strconcat ("\r\n", text, "\r\n \r\n", NULL);
  g_autofree char *nbsp = replace_all (text, " ", "\xC2\xA0");

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_string_append_printf (spaced, "%s%s \t\n", i % 2 ? "  " : "\t", lines[i]);
      if (i % 3 == 0)
        g_string_append (spaced, "\n   \n");
    }

  expect_same (spaced->str, "leading, trailing white space and blank lines");
  expect_same (edges, "leading and trailing blank line");
  /* Some chat clients turn spaces into no-break spaces. */
  expect_same (nbsp, "no-break spaces");
}

/* A chat window's hard wrap: mid-token, no white space added. Every width,
 * so that no piece of a wrapped line is mistaken for a line of its own. */
static void
test_tolerance_hard_wrap (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_auto (GStrv) lines = g_strsplit (text, "\r\n", -1);

  for (guint width = 8; width <= 110; width++)
    {
      g_autoptr (GString) wrapped = g_string_new (NULL);
      g_autofree char *what = g_strdup_printf ("hard wrap at %u columns", width);
      guint pieces = 0;

      for (guint i = 0; lines[i] != NULL; i++)
        {
          const char *l = lines[i];
          gsize len = strlen (l);

          for (gsize at = 0; at < len; at += width, pieces++)
            g_string_append_printf (wrapped, "%.*s\n", (int) MIN (width, len - at), l + at);
        }
      g_assert_cmpuint (pieces, >, g_strv_length (lines) - 1);
      expect_same (wrapped->str, what);
    }
}

/* A mail client's soft wrap: at a space, the space kept at the end of the
 * broken line (format=flowed) or moved to the start of the next. */
static void
test_tolerance_soft_wrap (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_auto (GStrv) lines = g_strsplit (text, "\r\n", -1);

  for (guint leading = 0; leading < 2; leading++)
    for (guint width = 20; width <= 72; width += 13)
      {
        g_autoptr (GString) wrapped = g_string_new (NULL);
        g_autofree char *what = g_strdup_printf ("soft wrap at %u columns", width);

        for (guint i = 0; lines[i] != NULL; i++)
          {
            const char *l = lines[i];
            gsize col = 0;

            for (const char *c = l; *c != '\0'; c++, col++)
              {
                if (*c == ' ' && col >= width && strchr (c + 1, ' ') != NULL)
                  {
                    g_string_append (wrapped, leading ? "\r\n " : " \r\n");
                    col = 0;
                    continue;
                  }
                g_string_append_c (wrapped, *c);
              }
            g_string_append (wrapped, "\r\n");
          }
        g_assert_cmpuint (strlen (wrapped->str), >, strlen (text));
        expect_same (wrapped->str, what);
      }
}

/* ------------------------------------------------------------------------ */
/* Browsers                                                                 */
/* ------------------------------------------------------------------------ */

/* What Chrome writes for audio and video with max-bundle (trimmed a
 * little: m=video does not repeat ice-options, fingerprint and setup;
 * tests/transport/data has real blobs whole), plus a=end-of-candidates, which Chrome itself only
 * sends as an event: a person has to add it or a tool has to. */
static const char chrome_offer[]
    = "v=0\r\n"
      "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
      "s=-\r\n"
      "t=0 0\r\n"
      "a=group:BUNDLE 0 1\r\n"
      "a=extmap-allow-mixed\r\n"
      "a=msid-semantic: WMS 6a3c2d0e-7f41-4b59-9d7c-2c1f4d8a9b10\r\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n"
      "c=IN IP4 0.0.0.0\r\n"
      "a=rtcp:9 IN IP4 0.0.0.0\r\n"
      "a=candidate:1467250027 1 udp 2122260223 192.168.0.196 46243 typ host generation 0 "
      "network-id 1 network-cost 10\r\n"
      "a=candidate:1467250027 2 udp 2122260222 192.168.0.196 56280 typ host generation 0 "
      "network-id 1 network-cost 10\r\n"
      "a=candidate:2848436741 1 udp 2122194687 2a02:8109:9c0:1d00:2c9c:ab42:ec18:e4a3 48291 typ "
      "host generation 0 network-id 2 network-cost 10\r\n"
      "a=candidate:3798306779 1 udp 2122262783 9d7b2f4e-1c3a-4f5b-8e6d-0a1b2c3d4e5f.local 52341 "
      "typ host generation 0 network-id 3\r\n"
      "a=candidate:435653019 1 tcp 1518280447 192.168.0.196 9 typ host tcptype active generation 0 "
      "network-id 1 network-cost 10\r\n"
      "a=candidate:1853887674 1 udp 1686052607 203.0.113.77 46243 typ srflx raddr 192.168.0.196 "
      "rport 46243 generation 0 network-id 1 network-cost 10\r\n"
      "a=ice-ufrag:Pg8V\r\n"
      "a=ice-pwd:bG3jK9mXq2rT5vW8yZ1aC4eF\r\n"
      "a=ice-options:trickle\r\n"
      "a=fingerprint:sha-256 "
      "7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:"
      "19:"
      "08\r\n"
      "a=setup:actpass\r\n"
      "a=mid:0\r\n"
      "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
      "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
      "a=sendrecv\r\n"
      "a=msid:6a3c2d0e-7f41-4b59-9d7c-2c1f4d8a9b10 1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b\r\n"
      "a=rtcp-mux\r\n"
      "a=rtpmap:111 opus/48000/2\r\n"
      "a=rtcp-fb:111 transport-cc\r\n"
      "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
      "a=rtpmap:63 red/48000/2\r\n"
      "a=fmtp:63 111/111\r\n"
      "a=rtpmap:9 G722/8000\r\n"
      "a=rtpmap:0 PCMU/8000\r\n"
      "a=rtpmap:8 PCMA/8000\r\n"
      "a=rtpmap:13 CN/8000\r\n"
      "a=rtpmap:110 telephone-event/48000\r\n"
      "a=rtpmap:126 telephone-event/8000\r\n"
      "a=ssrc:3570614608 cname:4TOk42mSjXCkVIa6\r\n"
      "a=ssrc:3570614608 msid:6a3c2d0e-7f41-4b59-9d7c-2c1f4d8a9b10 "
      "1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b\r\n"
      "a=end-of-candidates\r\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 45 46 98 99\r\n"
      "c=IN IP4 0.0.0.0\r\n"
      "a=rtcp:9 IN IP4 0.0.0.0\r\n"
      "a=ice-ufrag:Pg8V\r\n"
      "a=ice-pwd:bG3jK9mXq2rT5vW8yZ1aC4eF\r\n"
      "a=mid:1\r\n"
      "a=extmap:14 urn:ietf:params:rtp-hdrext:toffset\r\n"
      "a=extmap:13 urn:3gpp:video-orientation\r\n"
      "a=sendrecv\r\n"
      "a=msid:6a3c2d0e-7f41-4b59-9d7c-2c1f4d8a9b10 8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5968\r\n"
      "a=rtcp-mux\r\n"
      "a=rtcp-rsize\r\n"
      "a=rtpmap:96 VP8/90000\r\n"
      "a=rtcp-fb:96 goog-remb\r\n"
      "a=rtcp-fb:96 transport-cc\r\n"
      "a=rtcp-fb:96 ccm fir\r\n"
      "a=rtcp-fb:96 nack\r\n"
      "a=rtcp-fb:96 nack pli\r\n"
      "a=rtpmap:97 rtx/90000\r\n"
      "a=fmtp:97 apt=96\r\n"
      "a=rtpmap:102 H264/90000\r\n"
      "a=rtcp-fb:102 nack pli\r\n"
      "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n"
      "a=rtpmap:103 rtx/90000\r\n"
      "a=fmtp:103 apt=102\r\n"
      "a=rtpmap:45 AV1/90000\r\n"
      "a=fmtp:45 level-idx=5;profile=0;tier=0\r\n"
      "a=rtpmap:46 rtx/90000\r\n"
      "a=fmtp:46 apt=45\r\n"
      "a=rtpmap:98 VP9/90000\r\n"
      "a=fmtp:98 profile-id=0\r\n"
      "a=rtpmap:99 rtx/90000\r\n"
      "a=fmtp:99 apt=98\r\n"
      "a=ssrc-group:FID 2231627014 632943048\r\n"
      "a=ssrc:2231627014 cname:4TOk42mSjXCkVIa6\r\n"
      "a=ssrc:2231627014 msid:6a3c2d0e-7f41-4b59-9d7c-2c1f4d8a9b10 "
      "8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5968\r\n"
      "a=ssrc:632943048 cname:4TOk42mSjXCkVIa6\r\n"
      "a=end-of-candidates\r\n";

/* Firefox: session-level fingerprint (here in lower-case hex), per-section
 * credentials, Opus on 109, VP8 on 120, candidates repeated in both
 * sections, LF line endings. */
static const char firefox_answer[]
    = "v=0\n"
      "o=mozilla...THIS_IS_SDPARTA-99.0 6823358428237428349 0 IN IP4 0.0.0.0\n"
      "s=-\n"
      "t=0 0\n"
      "a=fingerprint:sha-256 "
      "7b:8b:f0:65:5f:78:e2:51:3b:ac:6f:f3:3f:46:1b:35:dc:b8:5f:64:1a:24:c2:43:f0:a1:58:d0:a1:2c:"
      "19:"
      "08\n"
      "a=group:BUNDLE 0 1\n"
      "a=ice-options:trickle\n"
      "a=msid-semantic:WMS *\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101\n"
      "c=IN IP4 0.0.0.0\n"
      "a=candidate:0 1 UDP 2122252543 192.0.2.4 60001 typ host\n"
      "a=candidate:1 1 TCP 2105524479 192.0.2.4 9 typ host tcptype active\n"
      "a=candidate:2 1 UDP 1686052863 198.51.100.4 60001 typ srflx raddr 192.0.2.4 rport 60001\n"
      "a=sendrecv\n"
      "a=end-of-candidates\n"
      "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\n"
      "a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1\n"
      "a=fmtp:101 0-15\n"
      "a=ice-pwd:e0c9e0fc8e7b1b1d6c1e0c4f9b5f1a2d\n"
      "a=ice-ufrag:8a1f2b3c\n"
      "a=mid:0\n"
      "a=msid:{7c6b5a49-3827-4615-a4b3-c2d1e0f9a8b7} {1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d}\n"
      "a=rtcp-mux\n"
      "a=rtpmap:109 opus/48000/2\n"
      "a=rtpmap:9 G722/8000/1\n"
      "a=rtpmap:0 PCMU/8000\n"
      "a=rtpmap:8 PCMA/8000\n"
      "a=rtpmap:101 telephone-event/8000\n"
      "a=setup:active\n"
      "a=ssrc:2655508255 cname:{5f1e2d3c-4b5a-4697-8877-665544332211}\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 120 124 121 125 126 127 97 98\n"
      "c=IN IP4 0.0.0.0\n"
      "a=candidate:0 1 UDP 2122252543 192.0.2.4 60001 typ host\n"
      "a=sendrecv\n"
      "a=end-of-candidates\n"
      "a=fmtp:126 profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1\n"
      "a=fmtp:97 profile-level-id=42e01f;level-asymmetry-allowed=1\n"
      "a=fmtp:120 max-fs=12288;max-fr=60\n"
      "a=fmtp:124 apt=120\n"
      "a=ice-pwd:e0c9e0fc8e7b1b1d6c1e0c4f9b5f1a2d\n"
      "a=ice-ufrag:8a1f2b3c\n"
      "a=mid:1\n"
      "a=rtcp-fb:120 nack\n"
      "a=rtcp-fb:120 nack pli\n"
      "a=rtcp-fb:120 ccm fir\n"
      "a=rtcp-mux\n"
      "a=rtpmap:120 VP8/90000\n"
      "a=rtpmap:124 rtx/90000\n"
      "a=rtpmap:121 VP9/90000\n"
      "a=rtpmap:125 rtx/90000\n"
      "a=rtpmap:126 H264/90000\n"
      "a=rtpmap:127 rtx/90000\n"
      "a=rtpmap:97 H264/90000\n"
      "a=rtpmap:98 rtx/90000\n"
      "a=setup:active\n"
      "a=ssrc:1283716102 cname:{5f1e2d3c-4b5a-4697-8877-665544332211}\n"
      "a=ssrc:3028376515 cname:{5f1e2d3c-4b5a-4697-8877-665544332211}\n"
      "a=ssrc-group:FID 1283716102 3028376515\n";

static void
test_browser_chrome (void)
{
  g_autoptr (ConfabSdp) sdp = parse_ok (chrome_offer, -1, CONFAB_SDP_OFFER);
  g_autofree char *trickled = NULL;
  /* The mDNS and the RTCP (component 2) candidates are gone. */
  static const char *const usable[] = {
    "candidate:1467250027 1 UDP 2122260223 192.168.0.196 46243 typ host",
    "candidate:2848436741 1 UDP 2122194687 2a02:8109:9c0:1d00:2c9c:ab42:ec18:e4a3 48291 typ host",
    "candidate:435653019 1 TCP 1518280447 192.168.0.196 9 typ host tcptype active",
    "candidate:1853887674 1 UDP 1686052607 203.0.113.77 46243 typ srflx raddr 192.168.0.196 "
    "rport 46243",
  };

  g_assert_cmpint (sdp->type, ==, CONFAB_SDP_OFFER);
  g_assert_cmpuint (sdp->session_id, ==, G_GUINT64_CONSTANT (4611731400430051336));
  g_assert_cmpstr (sdp->ice_ufrag, ==, "Pg8V");
  g_assert_cmpstr (sdp->ice_pwd, ==, "bG3jK9mXq2rT5vW8yZ1aC4eF");
  g_assert_cmpstr (sdp->fingerprint, ==, FINGERPRINT);
  g_assert_cmpstr (sdp->setup, ==, "actpass");
  assert_streams (sdp, 111, 96, 3570614608u, 2231627014u);
  g_assert_cmpuint (sdp->candidates->len, ==, G_N_ELEMENTS (usable));
  for (guint i = 0; i < G_N_ELEMENTS (usable); i++)
    g_assert_cmpstr (g_ptr_array_index (sdp->candidates, i), ==, usable[i]);

  /* An offer (a=setup:actpass) where an answer is wanted. */
  expect_error_len (chrome_offer, -1, CONFAB_SDP_ANSWER, CONFAB_SDP_ERROR_WRONG_TYPE,
                    "this is an offer; paste the answer");

  /* As Chrome really writes it, without a=end-of-candidates: a browser's
   * non-trickled blob holds every candidate it will have. */
  trickled = replace_all (chrome_offer, "a=end-of-candidates\r\n", "");
  {
    g_autoptr (ConfabSdp) whole = parse_ok (trickled, -1, CONFAB_SDP_OFFER);

    assert_sdp_equal (sdp, whole);
  }
}

/* Retransmission (RFC 4588): rtx/90000 with apt= the media format, the
 * FID group and both SSRCs, written and read back; the rtx format is
 * found by its apt, whatever else its parameters say. */
static void
test_rtx (void)
{
  g_autoptr (ConfabSdp) sdp = make_sample (CONFAB_SDP_OFFER, TRUE);
  ConfabSdpMedia *video = g_ptr_array_index (sdp->media, 1);
  g_autoptr (ConfabSdp) back = NULL;
  g_autoptr (ConfabSdp) chrome = NULL;
  g_autofree char *text = NULL;
  const ConfabSdpMedia *m;
  const ConfabSdpCodec *rtx;
  ConfabSdpCodec *other;

  confab_sdp_media_add_rtx (video, 100, CONFAB_SDP_DEFAULT_VIDEO_PT, 1, 2);
  text = confab_sdp_to_string (sdp);
  g_assert_nonnull (strstr (text, "a=rtpmap:100 rtx/90000\r\na=fmtp:100 apt=96\r\n"));
  g_assert_nonnull (strstr (text, "a=ssrc-group:FID 1 2\r\n"));
  g_assert_nonnull (strstr (text, "a=ssrc:2 cname:confab\r\n"));
  back = parse_ok (text, -1, CONFAB_SDP_OFFER);
  assert_sdp_equal (sdp, back);
  m = confab_sdp_find_media (back, CONFAB_SDP_MEDIA_VIDEO);
  rtx = confab_sdp_media_find_rtx (m, CONFAB_SDP_DEFAULT_VIDEO_PT);
  g_assert_nonnull (rtx);
  g_assert_cmpuint (rtx->pt, ==, 100);
  g_assert_null (confab_sdp_media_find_rtx (m, 97));
  g_assert_cmpuint (confab_sdp_media_get_rtx_ssrc (m), ==, 2);
  /* The FEC-FR group is still the repair stream's. */
  g_assert_cmpuint (confab_sdp_media_get_fec_ssrc (m), ==, 4000000000u);

  /* apt among other parameters, with spaces, in any case. */
  other = confab_sdp_media_add_codec (video, 101, "RTX", 90000, 0, "rtx-time=3000; APT=120");
  g_assert_true (confab_sdp_media_find_rtx (video, 120) == other);
  other = confab_sdp_media_add_codec (video, 102, "rtx", 90000, 0, "apt=x");
  g_assert_null (confab_sdp_media_find_rtx (video, 0));
  other = confab_sdp_media_add_codec (video, 103, "rtx", 90000, 0, NULL);
  g_assert_null (confab_sdp_media_find_rtx (video, 121));

  /* Without an SSRC there is no group. */
  g_ptr_array_set_size (sdp->media, 0);
  video = confab_sdp_add_vp8_media (sdp, "1", 96, 0, 0, 0);
  confab_sdp_media_add_rtx (video, 97, 96, 0, 5);
  g_clear_pointer (&text, g_free);
  text = confab_sdp_to_string (sdp);
  g_assert_null (strstr (text, "FID"));
  g_assert_null (strstr (text, "a=ssrc:"));
  g_assert_cmpuint (confab_sdp_media_get_rtx_ssrc (video), ==, 0);

  /* Chromium's: one rtx per codec, the FID group of its video SSRC. */
  chrome = parse_ok (chrome_offer, -1, CONFAB_SDP_OFFER);
  m = confab_sdp_find_media (chrome, CONFAB_SDP_MEDIA_VIDEO);
  g_assert_cmpuint (confab_sdp_media_find_rtx (m, 96)->pt, ==, 97);
  g_assert_cmpuint (confab_sdp_media_find_rtx (m, 102)->pt, ==, 103);
  g_assert_cmpuint (confab_sdp_media_get_rtx_ssrc (m), ==, 632943048u);
}

/* The model keeps what the sections say beyond Confab's codecs: every
 * format in the m-line's order, with its fmtp and rtcp-fb, the SSRCs and
 * their groups, and the direction. */
static void
test_browser_chrome_model (void)
{
  g_autoptr (ConfabSdp) sdp = parse_ok (chrome_offer, -1, CONFAB_SDP_OFFER);
  const ConfabSdpMedia *audio, *video;
  const ConfabSdpCodec *opus, *vp8, *rtx;
  const ConfabSdpSsrcGroup *fid;

  g_assert_cmpuint (sdp->media->len, ==, 2);
  audio = g_ptr_array_index (sdp->media, 0);
  video = g_ptr_array_index (sdp->media, 1);
  g_assert_true (confab_sdp_find_media (sdp, CONFAB_SDP_MEDIA_AUDIO) == audio);
  g_assert_true (confab_sdp_find_media (sdp, CONFAB_SDP_MEDIA_VIDEO) == video);
  g_assert_cmpint (audio->kind, ==, CONFAB_SDP_MEDIA_AUDIO);
  g_assert_cmpstr (audio->mid, ==, "0");
  g_assert_cmpstr (audio->proto, ==, "UDP/TLS/RTP/SAVPF");
  g_assert_cmpuint (audio->port, ==, 9);
  g_assert_cmpint (audio->direction, ==, CONFAB_SDP_SENDRECV);
  g_assert_true (audio->rtcp_mux);

  /* m=audio ... 111 63 9 0 8 13 110 126 */
  g_assert_cmpuint (audio->codecs->len, ==, 8);
  opus = &g_array_index (audio->codecs, ConfabSdpCodec, 0);
  g_assert_true (confab_sdp_media_find_codec (audio, "OPUS", 48000, 2) == opus);
  g_assert_null (confab_sdp_media_find_codec (audio, "opus", 48000, 1));
  g_assert_cmpuint (opus->pt, ==, 111);
  g_assert_cmpstr (opus->name, ==, "opus");
  g_assert_cmpuint (opus->clock_rate, ==, 48000);
  g_assert_cmpuint (opus->channels, ==, 2);
  g_assert_cmpstr (opus->fmtp, ==, "minptime=10;useinbandfec=1");
  g_assert_cmpuint (opus->rtcp_fb->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (opus->rtcp_fb, 0), ==, "transport-cc");
  g_assert_cmpuint (g_array_index (audio->codecs, ConfabSdpCodec, 3).pt, ==, 0);
  g_assert_cmpstr (g_array_index (audio->codecs, ConfabSdpCodec, 3).name, ==, "PCMU");
  g_assert_cmpuint (g_array_index (audio->codecs, ConfabSdpCodec, 3).channels, ==, 0);
  g_assert_cmpuint (confab_sdp_media_get_ssrc (audio), ==, 3570614608u);
  g_assert_cmpuint (audio->ssrcs->len, ==, 1);

  /* m=video ... 96 97 102 103 45 46 98 99 */
  g_assert_cmpuint (video->codecs->len, ==, 8);
  vp8 = confab_sdp_media_find_codec (video, "VP8", 90000, 0);
  g_assert_true (vp8 == &g_array_index (video->codecs, ConfabSdpCodec, 0));
  g_assert_null (vp8->fmtp);
  g_assert_cmpuint (vp8->rtcp_fb->len, ==, 5);
  g_assert_cmpstr (g_ptr_array_index (vp8->rtcp_fb, 2), ==, "ccm fir");
  g_assert_cmpstr (g_ptr_array_index (vp8->rtcp_fb, 4), ==, "nack pli");
  rtx = &g_array_index (video->codecs, ConfabSdpCodec, 1);
  g_assert_cmpuint (rtx->pt, ==, 97);
  g_assert_cmpstr (rtx->name, ==, "rtx");
  g_assert_cmpstr (rtx->fmtp, ==, "apt=96");
  g_assert_cmpuint (video->ssrcs->len, ==, 2);
  g_assert_cmpuint (confab_sdp_media_get_ssrc (video), ==, 2231627014u);
  g_assert_cmpuint (video->ssrc_groups->len, ==, 1);
  fid = &g_array_index (video->ssrc_groups, ConfabSdpSsrcGroup, 0);
  g_assert_cmpstr (fid->semantics, ==, "FID");
  g_assert_cmpuint (fid->ssrcs->len, ==, 2);
  g_assert_cmpuint (g_array_index (fid->ssrcs, guint32, 1), ==, 632943048u);
  /* A FID group is no repair stream. */
  g_assert_cmpuint (confab_sdp_media_get_fec_ssrc (video), ==, 0);
}

/* a=sendonly and friends, per section or for the session, are kept and
 * written back. */
static void
test_direction (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_autofree char *video_recv = NULL;
  g_autofree char *session = NULL;
  g_autofree char *session_only = NULL;
  g_autoptr (ConfabSdp) a = NULL;
  g_autoptr (ConfabSdp) b = NULL;
  g_autofree char *again = NULL;
  char *video;

  video_recv = g_strdup (text);
  video = strstr (video_recv, "m=video");
  memcpy (strstr (video, "a=sendrecv"), "a=recvonly", strlen ("a=recvonly"));
  a = parse_ok (video_recv, -1, CONFAB_SDP_OFFER);
  g_assert_cmpint (((ConfabSdpMedia *) a->media->pdata[0])->direction, ==, CONFAB_SDP_SENDRECV);
  g_assert_cmpint (((ConfabSdpMedia *) a->media->pdata[1])->direction, ==, CONFAB_SDP_RECVONLY);
  again = confab_sdp_to_string (a);
  g_assert_cmpstr (again, ==, video_recv);

  /* A session-level one is the default of the sections without their own. */
  session = replace_all (text, "t=0 0\r\n", "t=0 0\r\na=sendonly\r\n");
  b = parse_ok (session, -1, CONFAB_SDP_OFFER);
  g_assert_cmpint (((ConfabSdpMedia *) b->media->pdata[0])->direction, ==, CONFAB_SDP_SENDRECV);
  g_clear_pointer (&b, confab_sdp_free);
  session_only = edit_blob (session, "a=sendrecv", NULL, TRUE, NULL);
  b = parse_ok (session_only, -1, CONFAB_SDP_OFFER);
  g_assert_cmpint (((ConfabSdpMedia *) b->media->pdata[0])->direction, ==, CONFAB_SDP_SENDONLY);
  g_assert_cmpint (((ConfabSdpMedia *) b->media->pdata[1])->direction, ==, CONFAB_SDP_SENDONLY);
}

/* A format listed twice is one format, written once. */
static void
test_repeated_format (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_autofree char *twice = replace_all (text, "SAVPF 96 110\r\n", "SAVPF 96 96 110 96\r\n");
  g_autoptr (ConfabSdp) sdp = parse_ok (twice, -1, CONFAB_SDP_OFFER);
  g_autofree char *again = confab_sdp_to_string (sdp);

  g_assert_cmpuint (((ConfabSdpMedia *) sdp->media->pdata[1])->codecs->len, ==, 2);
  g_assert_cmpstr (again, ==, text);
}

static void
test_browser_firefox (void)
{
  g_autoptr (ConfabSdp) sdp = parse_ok (firefox_answer, -1, CONFAB_SDP_ANSWER);

  g_assert_cmpint (sdp->type, ==, CONFAB_SDP_ANSWER);
  g_assert_cmpuint (sdp->session_id, ==, G_GUINT64_CONSTANT (6823358428237428349));
  g_assert_cmpstr (sdp->ice_ufrag, ==, "8a1f2b3c");
  g_assert_cmpstr (sdp->ice_pwd, ==, "e0c9e0fc8e7b1b1d6c1e0c4f9b5f1a2d");
  g_assert_cmpstr (sdp->fingerprint, ==, FINGERPRINT);
  g_assert_cmpstr (sdp->setup, ==, "active");
  assert_streams (sdp, 109, 120, 2655508255u, 1283716102u);
  /* The host candidate repeated in m=video counts once. */
  g_assert_cmpuint (sdp->candidates->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (sdp->candidates, 0), ==,
                   "candidate:0 1 UDP 2122252543 192.0.2.4 60001 typ host");
  g_assert_cmpstr (g_ptr_array_index (sdp->candidates, 1), ==,
                   "candidate:1 1 TCP 2105524479 192.0.2.4 9 typ host tcptype active");

  expect_error_len (firefox_answer, -1, CONFAB_SDP_OFFER, CONFAB_SDP_ERROR_WRONG_TYPE,
                    "this is an answer; paste the offer");
}

/* ------------------------------------------------------------------------ */
/* Rejections                                                               */
/* ------------------------------------------------------------------------ */

static void
test_reject_empty (void)
{
  g_autoptr (GError) error = NULL;

  expect_error ("", CONFAB_SDP_ERROR_EMPTY, "nothing was pasted");
  expect_error (" \r\n\t\n\r  \n", CONFAB_SDP_ERROR_EMPTY, "nothing was pasted");
  expect_error ("\xEF\xBB\xBF\n", CONFAB_SDP_ERROR_EMPTY, "nothing was pasted");
  expect_error_len (NULL, 0, CONFAB_SDP_OFFER, CONFAB_SDP_ERROR_EMPTY, "nothing was pasted");
  /* Only as much as @len says. */
  expect_error_len ("  v=0", 2, CONFAB_SDP_OFFER, CONFAB_SDP_ERROR_EMPTY, "nothing was pasted");
}

static void
test_reject_garbled (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_autofree char *bad_utf8 = NULL;
  g_autofree char *nul = g_strdup (text);
  gsize len = strlen (text);
  char *fifth = strstr (nul, "a=group");

  /* A NUL byte on line 5: only visible with an explicit length. */
  fifth[3] = '\0';
  expect_error_len (nul, len, CONFAB_SDP_OFFER, CONFAB_SDP_ERROR_SYNTAX, "line 5: ");
  expect_error_len (nul, len, CONFAB_SDP_OFFER, CONFAB_SDP_ERROR_SYNTAX, "NUL byte");

  bad_utf8 = replace_all (text, "s=Confab offer", "s=Confab \xC3\x28offer");
  expect_error (bad_utf8, CONFAB_SDP_ERROR_SYNTAX, "line 3: the text is not valid UTF-8");
  expect_error ("v=0\n\xFF\xFE", CONFAB_SDP_ERROR_SYNTAX, "line 2: the text is not valid UTF-8");
}

static void
test_reject_not_sdp (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_autofree char *escaped = g_strescape (text, NULL);
  g_autofree char *json = g_strdup_printf ("{\"type\": \"offer\", \"sdp\": \"%s\"}", escaped);
  g_autofree char *http
      = g_strconcat ("HTTP/1.1 200 OK\r\nContent-Type: application/sdp\r\n\r\n", text, NULL);
  g_autofree char *chatter = g_strconcat ("\n\nhere is my offer:\n", text, NULL);
  g_autofree char *twice = g_strconcat (text, text, NULL);
  g_auto (GStrv) lines = g_strsplit (text, "\r\n", -1);
  /* The split leaves an empty last element: its index + 1 is where the
   * second blob starts. */
  g_autofree char *twice_line
      = g_strdup_printf ("line %u (v=): a second blob", g_strv_length (lines));

  expect_error ("hello", CONFAB_SDP_ERROR_SYNTAX, "line 1: expected \"v=0\", found \"hello\"");
  expect_error (json, CONFAB_SDP_ERROR_SYNTAX, "line 1: expected \"v=0\", found \"{\\\"type");
  expect_error (json, CONFAB_SDP_ERROR_SYNTAX, "JSON");
  expect_error (http, CONFAB_SDP_ERROR_SYNTAX,
                "line 1: expected \"v=0\", found \"HTTP/1.1 200 OK\"");
  /* Line numbers are those of the paste, blank lines included. */
  expect_error (chatter, CONFAB_SDP_ERROR_SYNTAX, "line 3: expected \"v=0\"");
  expect_error ("v=1\r\n", CONFAB_SDP_ERROR_SYNTAX, "expected \"v=0\", found \"v=1\"");
  expect_error (twice, CONFAB_SDP_ERROR_SYNTAX, twice_line);
}

/* Pasted text in a message is short and cannot drive a terminal. */
static void
test_reject_escapes (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfabSdp) sdp = NULL;
  const char *hostile = "\x1B]0;pwned\x07\x1B[31m\xE2\x80\xAEgnp.exe and a long tail of text that "
                        "goes on and on and on\nv=0";

  sdp = confab_sdp_parse (hostile, -1, CONFAB_SDP_OFFER, &error);
  g_assert_null (sdp);
  assert_good_message (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "\\x1B]0;pwned\\x07\\x1B[31m\\u202Egnp.exe"));
  g_assert_null (strstr (error->message, "on and on and on"));
  g_assert_nonnull (strstr (error->message, "...\""));
}

static void
test_reject_too_large (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_autoptr (GString) big = g_string_new (text);
  g_autoptr (GString) tall = g_string_new (text);
  g_autoptr (GString) just_fits = g_string_new (NULL);

  while (big->len <= CONFAB_SDP_MAX_SIZE)
    g_string_append (big, "a=x-padding:0123456789012345678901234567890123456789\r\n");
  expect_error (big->str, CONFAB_SDP_ERROR_TOO_LARGE, "at most 65536");

  for (guint i = 0; i < CONFAB_SDP_MAX_LINES; i++)
    g_string_append (tall, "a=x\n");
  g_assert_cmpuint (tall->len, <, CONFAB_SDP_MAX_SIZE);
  expect_error (tall->str, CONFAB_SDP_ERROR_TOO_LARGE, "lines; at most 1000");

  /* Below both limits a blob with padding is fine. */
  g_string_append (just_fits, text);
  for (guint i = 0; i < 100; i++)
    g_string_append (just_fits, "a=x-padding\r\n");
  g_string_append (just_fits, "a=end-of-candidates\r\n");
  g_autoptr (ConfabSdp) sdp = parse_ok (just_fits->str, -1, CONFAB_SDP_OFFER);
}

static void
test_reject_too_many_candidates (void)
{
  g_autoptr (ConfabSdp) sdp = make_sample (CONFAB_SDP_OFFER, TRUE);
  g_autoptr (ConfabSdp) most = NULL;
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;
  guint first = 0;

  for (guint i = sdp->candidates->len; i < CONFAB_SDP_MAX_CANDIDATES; i++)
    {
      g_autofree char *c
          = g_strdup_printf ("candidate:%u 1 UDP %u 192.0.2.%u 5%04u typ host", i, 1000 + i, i, i);
      confab_sdp_add_candidate (sdp, c);
    }
  text = confab_sdp_to_string (sdp);
  most = parse_ok (text, -1, CONFAB_SDP_OFFER);
  g_assert_cmpuint (most->candidates->len, ==, CONFAB_SDP_MAX_CANDIDATES);
  g_clear_pointer (&text, g_free);

  for (guint i = sdp->candidates->len; i < 100; i++)
    {
      g_autofree char *c
          = g_strdup_printf ("candidate:%u 1 UDP %u 192.0.2.%u 5%04u typ host", i, 1000 + i, i, i);
      confab_sdp_add_candidate (sdp, c);
    }
  text = confab_sdp_to_string (sdp);
  g_free (edit_blob (text, "a=candidate", NULL, FALSE, &first));
  line = g_strdup_printf ("line %u (a=candidate): more than 64", first + CONFAB_SDP_MAX_CANDIDATES);
  expect_error (text, CONFAB_SDP_ERROR_TOO_LARGE, line);
}

static gboolean
only_white_space (const char *s)
{
  for (; *s != '\0'; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

/* Every prefix of a valid blob fails, unless all that is missing is white
 * space: a cut paste must never become a call with half the candidates. */
static void
check_every_cut (const char *text, ConfabSdpType type)
{
  gsize len = strlen (text);
  guint truncated = 0, failed = 0;

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ConfabSdp) sdp = confab_sdp_parse (text, cut, type, &error);

      if (only_white_space (text + cut))
        {
          g_assert_no_error (error);
          g_assert_nonnull (sdp);
          continue;
        }
      if (sdp != NULL)
        g_error ("a blob cut at byte %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " was accepted", cut,
                 len);
      assert_good_message (error);
      failed++;
      if (error->code == CONFAB_SDP_ERROR_TRUNCATED)
        {
          g_assert_true (g_str_has_prefix (error->message, "the blob is truncated: "));
          truncated++;
        }
    }
  /* Only the first line's few cuts say something else (empty, "v="). */
  g_test_message ("%u cuts, %u reported as truncated", failed, truncated);
  g_assert_cmpuint (failed - truncated, <=, 4);
}

static void
test_reject_truncated (void)
{
  g_autofree char *offer = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_autofree char *answer = sample_text (CONFAB_SDP_ANSWER, FALSE);
  g_autofree char *lf = replace_all (offer, "\r\n", "\n");
  g_autofree char *no_video = NULL;
  char *video;

  check_every_cut (offer, CONFAB_SDP_OFFER);
  check_every_cut (answer, CONFAB_SDP_ANSWER);
  check_every_cut (lf, CONFAB_SDP_OFFER);

  no_video = g_strdup (offer);
  video = strstr (no_video, "m=video");
  *video = '\0';
  expect_error (no_video, CONFAB_SDP_ERROR_TRUNCATED,
                "the blob is truncated: the section with mid \"1\" is missing");
  expect_error ("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=Confab offer\r\n", CONFAB_SDP_ERROR_TRUNCATED,
                "the blob is truncated: it has no m= section");
  /* Cut in the middle of a candidate's fields. */
  video = strstr (no_video, " typ relay");
  video[4] = '\0';
  expect_error (no_video, CONFAB_SDP_ERROR_TRUNCATED, "is cut short");
}

/* Replaces the first line starting with @prefix in the sample offer and
 * expects @code with "line N (field): ..." naming that line. */
static void
expect_line_error (const char *text, const char *prefix, const char *replacement,
                   ConfabSdpError code, const char *field, const char *detail)
{
  guint line_no = 0;
  g_autofree char *edited = edit_blob (text, prefix, replacement, FALSE, &line_no);
  g_autofree char *needle = g_strdup_printf ("line %u (%s): %s", line_no, field, detail);

  expect_error (edited, code, needle);
}

static void
test_reject_candidates (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  static const struct
  {
    const char *line;
    ConfabSdpError code;
    const char *detail;
  } cases[] = {
    { "a=candidate:1 1 UDP 2130706431 192.0.2.10 99999 typ host", CONFAB_SDP_ERROR_INVALID,
      "port \"99999\" is out of range" },
    { "a=candidate:1 1 UDP 2130706431 192.0.2.10 5x00 typ host", CONFAB_SDP_ERROR_SYNTAX,
      "port \"5x00\" is not a number" },
    { "a=candidate:1 1 UDP 2130706431 192.0.2.300 5000 typ host", CONFAB_SDP_ERROR_INVALID,
      "address \"192.0.2.300\" is not an IP address" },
    { "a=candidate:1 1 UDP 2130706431 stun.example.com 5000 typ host", CONFAB_SDP_ERROR_INVALID,
      "address \"stun.example.com\" is not an IP address" },
    { "a=candidate:1 1 UDP 2130706431 fe80::1%eth0 5000 typ host", CONFAB_SDP_ERROR_INVALID,
      "address \"fe80::1%eth0\" is not an IP address" },
    { "a=candidate:1 1 UDP 2130706431 192.0.2.10 5000 typ magic", CONFAB_SDP_ERROR_INVALID,
      "candidate type \"magic\" is not host" },
    { "a=candidate:1 1 UDP 2130706431 192.0.2.10 5000 type host", CONFAB_SDP_ERROR_SYNTAX,
      "expected \"typ\" after the port, found \"type\"" },
    { "a=candidate:1 1 UDP 2130706431 192.0.2.10 5000", CONFAB_SDP_ERROR_SYNTAX, "missing fields" },
    { "a=candidate:", CONFAB_SDP_ERROR_SYNTAX, "the value is missing" },
    { "a=candidate:1 1 SCTP 2130706431 192.0.2.10 5000 typ host", CONFAB_SDP_ERROR_INVALID,
      "transport \"SCTP\" is not UDP or TCP" },
    { "a=candidate:1 1 TCP 2130706431 192.0.2.10 5000 typ host", CONFAB_SDP_ERROR_INVALID,
      "a TCP candidate needs a tcptype" },
    { "a=candidate:1 1 TCP 2130706431 192.0.2.10 5000 typ host tcptype sideways",
      CONFAB_SDP_ERROR_INVALID, "tcptype \"sideways\"" },
    { "a=candidate:1 1 UDP 0 192.0.2.10 5000 typ host", CONFAB_SDP_ERROR_INVALID,
      "priority \"0\" is out of range" },
    { "a=candidate:1 1 UDP 4294967296 192.0.2.10 5000 typ host", CONFAB_SDP_ERROR_INVALID,
      "priority \"4294967296\" is out of range" },
    { "a=candidate:1 0 UDP 2130706431 192.0.2.10 5000 typ host", CONFAB_SDP_ERROR_INVALID,
      "component \"0\" is out of range" },
    { "a=candidate:1 257 UDP 2130706431 192.0.2.10 5000 typ host", CONFAB_SDP_ERROR_INVALID,
      "component \"257\" is out of range" },
    { "a=candidate:123456789012345678901234567890123 1 UDP 2130706431 192.0.2.10 5000 typ host",
      CONFAB_SDP_ERROR_SYNTAX, "foundation \"1234" },
    { "a=candidate:a-b 1 UDP 2130706431 192.0.2.10 5000 typ host", CONFAB_SDP_ERROR_SYNTAX,
      "foundation \"a-b\"" },
    { "a=candidate:1 1 UDP 2130706431 192.0.2.10 5000 typ host generation", CONFAB_SDP_ERROR_SYNTAX,
      "extension \"generation\" has no value" },
    { "a=candidate:1 1 UDP 2130706431 192.0.2.10 5000 typ srflx raddr 192.0.2.1",
      CONFAB_SDP_ERROR_SYNTAX, "raddr and rport must come together" },
    { "a=candidate:1 1 UDP 2130706431 192.0.2.10 5000 typ srflx raddr nope rport 1",
      CONFAB_SDP_ERROR_INVALID, "raddr \"nope\" is not an IP address" },
    { "a=candidate:1 1 UDP 2130706431 192.0.2.10 5000 typ srflx raddr 192.0.2.1 rport 70000",
      CONFAB_SDP_ERROR_INVALID, "rport \"70000\" is out of range" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    expect_line_error (text, "a=candidate", cases[i].line, cases[i].code, "a=candidate",
                       cases[i].detail);
}

/* Unusable but legitimate candidates are dropped without complaint; when
 * nothing usable is left, that is the error. */
static void
test_reject_no_usable_candidate (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_autofree char *none = edit_blob (text, "a=candidate", NULL, TRUE, NULL);
  g_autofree char *mdns = edit_blob (
      text, "a=candidate",
      "a=candidate:1 1 udp 2122262783 9d7b2f4e-1c3a-4f5b-8e6d-0a1b2c3d4e5f.local 52341 "
      "typ host generation 0",
      TRUE, NULL);
  g_autofree char *rtcp = edit_blob (
      text, "a=candidate", "a=candidate:1 2 UDP 2130706430 192.0.2.10 51001 typ host", TRUE, NULL);

  expect_error (none, CONFAB_SDP_ERROR_MISSING, "no usable a=candidate line");
  expect_error (mdns, CONFAB_SDP_ERROR_MISSING, "no usable a=candidate line (only mDNS");
  expect_error (rtcp, CONFAB_SDP_ERROR_MISSING, "no usable a=candidate line");
}

static void
test_reject_ice_credentials (void)
{
  g_autoptr (ConfabSdp) sdp = NULL;
  guint line_no;
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_autofree char *no_pwd = edit_blob (text, "a=ice-pwd", NULL, TRUE, NULL);
  g_autofree char *no_ufrag = edit_blob (text, "a=ice-ufrag", NULL, TRUE, NULL);
  g_autofree char *audio_only = NULL;
  g_autofree char *video_ufrag = NULL;
  g_autofree char *needle = NULL;
  char *at;

  expect_error (no_pwd, CONFAB_SDP_ERROR_MISSING, "no a=ice-pwd line");
  expect_error (no_ufrag, CONFAB_SDP_ERROR_MISSING, "no a=ice-ufrag line");
  expect_line_error (text, "a=ice-ufrag", "a=ice-ufrag:ab-cd", CONFAB_SDP_ERROR_INVALID,
                     "a=ice-ufrag", "only letters, digits");
  expect_line_error (text, "a=ice-ufrag", "a=ice-ufrag:abc", CONFAB_SDP_ERROR_INVALID,
                     "a=ice-ufrag",
                     "the ICE username fragment has 3 characters; it needs 4 to 256");
  expect_line_error (text, "a=ice-ufrag", "a=ice-ufrag:", CONFAB_SDP_ERROR_SYNTAX, "a=ice-ufrag",
                     "the value is missing");
  expect_line_error (text, "a=ice-pwd", "a=ice-pwd:short", CONFAB_SDP_ERROR_INVALID, "a=ice-pwd",
                     "the ICE password has 5 characters; it needs 22 to 256");
  expect_line_error (text, "a=ice-pwd", "a=ice-pwd:a5B+c/7d9e1F3g5H7i9J1k3L\x1B[2J",
                     CONFAB_SDP_ERROR_INVALID, "a=ice-pwd", "only letters, digits");

  /* Given once (here in m=audio only), the credentials cover both. */
  audio_only = g_strdup (text);
  at = strstr (strstr (audio_only, "m=video"), "a=ice-ufrag");
  memcpy (at, "a=x-ice-uf", 10);
  sdp = parse_ok (audio_only, -1, CONFAB_SDP_OFFER);
  g_assert_cmpstr (sdp->ice_ufrag, ==, "Xk3+/Zq9");

  /* BUNDLE: one transport, one set of credentials. */
  video_ufrag = g_strdup (text);
  at = strstr (strstr (video_ufrag, "m=video"), "a=ice-ufrag:Xk3+");
  memcpy (at, "a=ice-ufrag:Yk3+", 16);
  {
    g_auto (GStrv) lines = g_strsplit (text, "\r\n", -1);
    guint audio_line = 0;

    line_no = 0;
    for (guint i = 0; lines[i] != NULL; i++)
      if (g_str_has_prefix (lines[i], "a=ice-ufrag"))
        {
          if (audio_line == 0)
            audio_line = i + 1;
          else
            line_no = i + 1;
        }
    needle = g_strdup_printf ("line %u (a=ice-ufrag): m=video's value differs from m=audio's "
                              "(line %u)",
                              line_no, audio_line);
  }
  expect_error (video_ufrag, CONFAB_SDP_ERROR_INVALID, needle);
}

static void
test_reject_wrong_type (void)
{
  g_autofree char *offer = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_autofree char *answer = sample_text (CONFAB_SDP_ANSWER, FALSE);
  g_autofree char *foreign = replace_all (offer, "s=Confab offer", "s=-");
  g_autofree char *foreign_answer = replace_all (foreign, "a=setup:actpass", "a=setup:passive");
  g_autofree char *no_setup = edit_blob (foreign, "a=setup", NULL, TRUE, NULL);
  expect_error_len (answer, -1, CONFAB_SDP_OFFER, CONFAB_SDP_ERROR_WRONG_TYPE,
                    "this is an answer; paste the offer from the other side");
  expect_error_len (offer, -1, CONFAB_SDP_ANSWER, CONFAB_SDP_ERROR_WRONG_TYPE,
                    "this is an offer; paste the answer from the other side");

  /* Someone else's SDP: a=setup tells, or the caller's expectation. */
  expect_error_len (foreign, -1, CONFAB_SDP_ANSWER, CONFAB_SDP_ERROR_WRONG_TYPE,
                    "this is an offer");
  expect_error_len (foreign_answer, -1, CONFAB_SDP_OFFER, CONFAB_SDP_ERROR_WRONG_TYPE,
                    "this is an answer");
  /* Without a=setup nothing tells, and DTLS needs it anyway. */
  expect_error_len (no_setup, -1, CONFAB_SDP_ANSWER, CONFAB_SDP_ERROR_MISSING, "no a=setup line");
  expect_error_len (no_setup, -1, CONFAB_SDP_OFFER, CONFAB_SDP_ERROR_MISSING, "no a=setup line");
}

static void
test_reject_flexfec (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_autofree char *listed_111 = replace_all (text, "SAVPF 96 110", "SAVPF 96 111");
  g_autofree char *on_opus = replace_all (listed_111, ":110 ", ":111 ");
  g_autofree char *listed_34 = replace_all (text, "SAVPF 96 110", "SAVPF 96 34");
  g_autofree char *static_pt = replace_all (listed_34, ":110 ", ":34 ");
  guint line_no = 0;
  g_autofree char *needle = NULL;

  g_free (edit_blob (on_opus, "a=rtpmap:111 flexfec", NULL, FALSE, &line_no));
  needle = g_strdup_printf (
      "line %u (a=rtpmap): FlexFEC on payload type 111, which Opus already uses", line_no);
  expect_error (on_opus, CONFAB_SDP_ERROR_INVALID, needle);
  expect_error (static_pt, CONFAB_SDP_ERROR_INVALID,
                "(a=rtpmap): FlexFEC on payload type 34, which is not a dynamic one");
  /* 35..63 are dynamic too: Chromium puts FlexFEC on 49 when it has no
   * camera (its receive-only offer). */
  g_autofree char *listed_49 = replace_all (text, "SAVPF 96 110", "SAVPF 96 49");
  g_autofree char *on_49 = replace_all (listed_49, ":110 ", ":49 ");
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfabSdp) parsed = confab_sdp_parse (on_49, -1, CONFAB_SDP_OFFER, &error);
  g_assert_no_error (error);
  g_assert_nonnull (confab_sdp_media_find_codec (
      confab_sdp_find_media (parsed, CONFAB_SDP_MEDIA_VIDEO), "flexfec-03", 90000, 0));
  expect_line_error (text, "a=rtpmap:110", "a=rtpmap:110 flexfec-03/48000",
                     CONFAB_SDP_ERROR_INVALID, "a=rtpmap", "FlexFEC as \"flexfec-03/48000\"");
  expect_line_error (text, "a=ssrc-group", "a=ssrc-group:FEC-FR 1", CONFAB_SDP_ERROR_SYNTAX,
                     "a=ssrc-group", "expected \"FEC-FR <media ssrc> <repair ssrc>\"");
}

static void
test_reject_unsupported (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_autofree char *h264 = replace_all (text, "a=rtpmap:96 VP8/90000", "a=rtpmap:96 H264/90000");
  g_autofree char *neither = NULL;
  g_autofree char *static_opus = NULL;
  g_autofree char *same_pt = NULL;
  g_autoptr (ConfabSdp) audio_only = NULL;
  guint line_no = 0;
  g_autofree char *needle = NULL;

  /* H264 video beside Opus audio: the section stays, to be declined. */
  audio_only = parse_ok (h264, -1, CONFAB_SDP_OFFER);
  g_assert_cmpuint (sdp_pt (audio_only, CONFAB_SDP_MEDIA_VIDEO, "VP8"), ==, 0);
  g_assert_cmpuint (sdp_pt (audio_only, CONFAB_SDP_MEDIA_VIDEO, "H264"), ==, 96);

  /* Nothing Confab can use: the first section says what it has instead. */
  neither = replace_all (h264, "a=rtpmap:111 opus/48000/2", "a=rtpmap:111 PCMU/8000");
  g_free (edit_blob (text, "m=audio", "", FALSE, &line_no));
  needle = g_strdup_printf ("line %u (m=audio): m=audio offers no Opus (found PCMU)", line_no);
  expect_error (neither, CONFAB_SDP_ERROR_UNSUPPORTED, needle);

  static_opus = replace_all (text, "111", "11");
  expect_error (static_opus, CONFAB_SDP_ERROR_INVALID,
                "(a=rtpmap): Opus on payload type 11, which is not a dynamic one");

  same_pt = replace_all (text, "111", "96");
  expect_error (same_pt, CONFAB_SDP_ERROR_INVALID, "Opus and VP8 share payload type 96");

  expect_line_error (text, "m=audio", "m=audio 9 RTP/AVP 111", CONFAB_SDP_ERROR_UNSUPPORTED,
                     "m=audio", "protocol \"RTP/AVP\" is not");
  expect_line_error (text, "m=audio", "m=audio 99999 RTP/AVPF 111", CONFAB_SDP_ERROR_INVALID,
                     "m=audio", "port \"99999\" is out of range");
  expect_line_error (text, "m=audio", "m=audio 9 RTP/AVPF", CONFAB_SDP_ERROR_SYNTAX,
                     "m=", "expected \"m=<media> <port> <protocol> <formats>\"");
  expect_line_error (text, "m=audio", "m=application 9 UDP/DTLS/SCTP web\x01rtc",
                     CONFAB_SDP_ERROR_SYNTAX, "m=", "\"web\\x01rtc\" is not an SDP token");
}

/* What browsers write beyond Confab's two sections: any order, one kind
 * only, data channels, more sections than needed. */
static void
test_sections_any_order (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  const char *audio_at = strstr (text, "m=audio");
  const char *video_at = strstr (text, "m=video");
  g_autofree char *head = g_strndup (text, audio_at - text);
  g_autofree char *audio = g_strndup (audio_at, video_at - audio_at);
  g_autofree char *video_first = g_strconcat (head, video_at, audio, NULL);
  g_autofree char *data = NULL;
  g_autofree char *foreign = NULL;
  g_autoptr (ConfabSdp) a = NULL;
  g_autoptr (ConfabSdp) b = NULL;
  const ConfabSdpMedia *app;

  a = parse_ok (video_first, -1, CONFAB_SDP_OFFER);
  g_assert_cmpuint (a->media->len, ==, 2);
  g_assert_cmpint (((ConfabSdpMedia *) a->media->pdata[0])->kind, ==, CONFAB_SDP_MEDIA_VIDEO);
  assert_streams (a, 111, 96, 3570614608u, 1);
  g_assert_cmpuint (a->candidates->len, ==, G_N_ELEMENTS (sample_candidates));

  /* A browser's: no a=end-of-candidates needed after the last section. */
  foreign = replace_all (text, "s=Confab offer", "s=-");
  data = g_strconcat (foreign,
                      "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
                      "c=IN IP4 198.51.100.1\r\n"
                      "a=mid:2\r\n"
                      "a=sctp-port:5000\r\n",
                      NULL);
  b = parse_ok (data, -1, CONFAB_SDP_OFFER);
  g_assert_cmpuint (b->media->len, ==, 3);
  app = g_ptr_array_index (b->media, 2);
  g_assert_cmpint (app->kind, ==, CONFAB_SDP_MEDIA_OTHER);
  g_assert_cmpstr (app->media_name, ==, "application");
  g_assert_cmpstr (app->proto, ==, "UDP/DTLS/SCTP");
  g_assert_cmpstr (app->other_formats, ==, "webrtc-datachannel");
  g_assert_cmpstr (app->mid, ==, "2");
  g_assert_cmpuint (app->codecs->len, ==, 0);
}

static void
test_reject_structure (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_autofree char *no_mux = edit_blob (text, "a=rtcp-mux", NULL, TRUE, NULL);
  g_autofree char *no_bundle = edit_blob (text, "a=group", NULL, TRUE, NULL);
  g_autofree char *half_bundle = replace_all (text, "a=group:BUNDLE 0 1", "a=group:BUNDLE 0");
  g_autofree char *no_mid = edit_blob (text, "a=mid", NULL, TRUE, NULL);
  g_autofree char *no_origin = edit_blob (text, "o=", NULL, TRUE, NULL);
  g_autofree char *no_name = edit_blob (text, "s=", NULL, TRUE, NULL);
  g_autofree char *same_mid = replace_all (text, "a=mid:1", "a=mid:0");
  guint line_no = 0;
  g_autofree char *needle = NULL;

  g_free (edit_blob (text, "m=audio", "", FALSE, &line_no));
  needle = g_strdup_printf ("line %u (m=audio): no a=rtcp-mux", line_no);
  expect_error (no_mux, CONFAB_SDP_ERROR_MISSING, needle);
  expect_error (no_bundle, CONFAB_SDP_ERROR_MISSING, "no a=group:BUNDLE line");
  expect_error (half_bundle, CONFAB_SDP_ERROR_INVALID,
                "line 5 (a=group): BUNDLE does not name m=video's mid \"1\"");
  g_clear_pointer (&needle, g_free);
  needle = g_strdup_printf ("line %u (m=audio): the section has no a=mid line", line_no);
  expect_error (no_mid, CONFAB_SDP_ERROR_MISSING, needle);
  expect_error (same_mid, CONFAB_SDP_ERROR_INVALID, "m=video has the same mid as m=audio");
  expect_error (no_origin, CONFAB_SDP_ERROR_MISSING, "no o= line");
  expect_error (no_name, CONFAB_SDP_ERROR_MISSING, "no s= line");
  expect_line_error (text, "o=", "o=- 99999999999999999999 2 IN IP4 127.0.0.1",
                     CONFAB_SDP_ERROR_INVALID, "o=", "session id \"99999999999999999999\"");
  expect_line_error (text, "o=", "o=- 1 2 IN IP4", CONFAB_SDP_ERROR_SYNTAX, "o=", "expected");
  expect_line_error (text, "a=sendrecv", "a=mid:2", CONFAB_SDP_ERROR_INVALID, "a=mid",
                     "a second a=mid line (the first is line 8)");
  expect_line_error (text, "a=rtpmap", "a=rtpmap:111 opus", CONFAB_SDP_ERROR_SYNTAX, "a=rtpmap",
                     "encoding \"opus\" is not");
  expect_line_error (text, "a=rtpmap", "a=rtpmap:300 opus/48000/2", CONFAB_SDP_ERROR_INVALID,
                     "a=rtpmap", "payload type \"300\" is out of range");
  expect_line_error (text, "a=ssrc", "a=ssrc:-1 cname:x", CONFAB_SDP_ERROR_SYNTAX, "a=ssrc",
                     "ssrc \"-1\" is not a number");
}

/* ------------------------------------------------------------------------ */
/* Real samples (tests/transport/data, see its README)                      */
/* ------------------------------------------------------------------------ */

static char *
load_sample (const char *name)
{
  g_autofree char *path
      = g_build_filename (g_getenv ("CONFAB_SOURCE_DIR"), "tests", "transport", "data", name, NULL);
  g_autoptr (GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

static const struct
{
  const char *file;
  ConfabSdpType type;
  guint n_sections;
  guint audio_pt, video_pt; /* 0: no such stream */
  guint n_candidates;
} samples[] = {
  { "chromium-156-offer.sdp", CONFAB_SDP_OFFER, 2, 111, 96, 4 },
  { "chromium-156-answer.sdp", CONFAB_SDP_ANSWER, 2, 111, 96, 2 },
  { "chromium-156-audio-offer.sdp", CONFAB_SDP_OFFER, 1, 111, 0, 4 },
  { "chromium-156-audio-answer.sdp", CONFAB_SDP_ANSWER, 1, 111, 0, 2 },
  { "chromium-156-video-offer.sdp", CONFAB_SDP_OFFER, 1, 0, 96, 4 },
  { "chromium-156-video-answer.sdp", CONFAB_SDP_ANSWER, 1, 0, 96, 2 },
  { "chromium-156-max-bundle-data-offer.sdp", CONFAB_SDP_OFFER, 3, 111, 96, 4 },
  { "chromium-156-max-bundle-data-answer.sdp", CONFAB_SDP_ANSWER, 3, 111, 96, 2 },
  { "webrtcbin-1.22-offer.sdp", CONFAB_SDP_OFFER, 2, 111, 96, 9 },
  { "webrtcbin-1.22-audio-offer.sdp", CONFAB_SDP_OFFER, 1, 111, 0, 9 },
  { "webrtcbin-1.22-video-offer.sdp", CONFAB_SDP_OFFER, 1, 0, 96, 9 },
  { "firefox-style-offer.sdp", CONFAB_SDP_OFFER, 2, 109, 120, 3 },
  { "chromium-156-max-bundle-data-offer-2.sdp", CONFAB_SDP_OFFER, 3, 111, 96, 4 },
  { "confab-answer-to-chromium-data.sdp", CONFAB_SDP_ANSWER, 3, 111, 96, 9 },
};

static void
test_samples (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autofree char *text = load_sample (samples[i].file);
      g_autoptr (ConfabSdp) sdp = NULL;
      g_autofree char *again = NULL;
      g_autoptr (ConfabSdp) back = NULL;

      g_test_message ("%s", samples[i].file);
      sdp = parse_ok (text, -1, samples[i].type);
      g_assert_cmpint (sdp->type, ==, samples[i].type);
      g_assert_cmpuint (sdp->media->len, ==, samples[i].n_sections);
      g_assert_cmpuint (sdp_pt (sdp, CONFAB_SDP_MEDIA_AUDIO, "opus"), ==, samples[i].audio_pt);
      g_assert_cmpuint (sdp_pt (sdp, CONFAB_SDP_MEDIA_VIDEO, "VP8"), ==, samples[i].video_pt);
      g_assert_cmpuint (sdp->candidates->len, ==, samples[i].n_candidates);
      g_assert_true (g_str_has_prefix (sdp->fingerprint, "sha-256 "));
      /* Written back as Confab writes: the same model. */
      again = confab_sdp_to_string (sdp);
      back = parse_ok (again, -1, samples[i].type);
      assert_sdp_equal (sdp, back);
    }
}

/* Chromium balances its offer: every section has its own candidates and
 * port; BUNDLE keeps the first section's transport, so only its count. */
static void
test_sample_chromium_bundle (void)
{
  g_autofree char *text = load_sample ("chromium-156-offer.sdp");
  g_autoptr (ConfabSdp) sdp = parse_ok (text, -1, CONFAB_SDP_OFFER);
  const ConfabSdpMedia *video = confab_sdp_find_media (sdp, CONFAB_SDP_MEDIA_VIDEO);

  g_assert_cmpstr (g_ptr_array_index (sdp->candidates, 0), ==,
                   "candidate:2049592051 1 UDP 2122194687 192.0.2.2 33655 typ host");
  for (guint i = 0; i < sdp->candidates->len; i++)
    g_assert_null (strstr (g_ptr_array_index (sdp->candidates, i), " 57401 "));
  g_assert_cmpstr (video->msid, ==,
                   "ac801344-6965-4b50-b106-033426e499bd f8b9dd34-920c-44ab-9c9e-b97fdfb58599");
  /* RED, RTX and ULPFEC are in the model, for negotiation to skip. */
  g_assert_nonnull (confab_sdp_media_find_codec (video, "red", 90000, 0));
  g_assert_nonnull (confab_sdp_media_find_codec (video, "ulpfec", 90000, 0));
  g_assert_cmpuint (video->codecs->len, ==, 23);
}

/* webrtcbin's max-bundle offer: the video on port 0 with a=bundle-only
 * is in use, not declined. */
static void
test_sample_webrtcbin_bundle_only (void)
{
  g_autofree char *text = load_sample ("webrtcbin-1.22-offer.sdp");
  g_autoptr (ConfabSdp) sdp = parse_ok (text, -1, CONFAB_SDP_OFFER);
  const ConfabSdpMedia *video = confab_sdp_find_media (sdp, CONFAB_SDP_MEDIA_VIDEO);

  g_assert_cmpuint (video->port, ==, 0);
  g_assert_true (video->bundle_only);
  g_assert_true (confab_sdp_media_is_active (video));
  g_assert_cmpstr (video->mid, ==, "video1");
}

/* Every prefix of someone else's blob: refused with one line, or, cut at a
 * line break once every section is there, accepted as what it holds. */
static void
test_sample_truncation_sweep (void)
{
  g_autofree char *text = load_sample ("chromium-156-offer.sdp");
  gsize len = strlen (text);
  guint accepted = 0;
  const char *video = strstr (text, "m=video");

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ConfabSdp) sdp = confab_sdp_parse (text, cut, CONFAB_SDP_OFFER, &error);

      if (sdp == NULL)
        {
          assert_good_message (error);
          continue;
        }
      accepted++;
      if (cut == 0 || (text[cut - 1] != '\n' && text[cut - 1] != '\r'))
        g_error ("a blob cut inside a line (byte %" G_GSIZE_FORMAT ") was accepted", cut);
      /* Both sections, each with its codec. */
      g_assert_cmpuint (text + cut - video, >, 0);
      g_assert_cmpuint (sdp->media->len, ==, 2);
      g_assert_cmpuint (sdp_pt (sdp, CONFAB_SDP_MEDIA_VIDEO, "VP8"), ==, 96);
      g_assert_cmpuint (sdp->candidates->len, ==, 4);
    }
  g_test_message ("%u of %" G_GSIZE_FORMAT " prefixes accepted", accepted, len);
  /* Whole but without its last line break (a chat trimmed it): the person
   * is told how to tell it is whole. */
  expect_error_len (text, len - 2, CONFAB_SDP_OFFER, CONFAB_SDP_ERROR_TRUNCATED,
                    "has no line break after it; paste the blob to its very end (if it ends "
                    "there, add a line break)");
  /* Only cuts after the last a=rtpmap, among the a=ssrc lines (both
   * sides of each CR LF): 11 in this sample. */
  g_assert_cmpuint (accepted, <=, 12);
  g_assert_cmpuint (accepted, >=, 1);
}

/* ------------------------------------------------------------------------ */
/* What the validator refuses, one case each                                */
/* ------------------------------------------------------------------------ */

static void
test_reject_unknown_bundle_mid (void)
{
  g_autofree char *text = load_sample ("chromium-156-offer.sdp");
  g_autofree char *edited = replace_all (text, "a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 7");

  expect_error (edited, CONFAB_SDP_ERROR_INVALID,
                "line 5 (a=group): BUNDLE names mid \"7\", which no m-section has");
}

static void
test_reject_repeated_direction (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);

  expect_line_error (text, "a=rtcp-mux", "a=recvonly", CONFAB_SDP_ERROR_INVALID, "a=recvonly",
                     "a second direction attribute (the first is line");
}

/* "a=candidate:1 1 UDP 2130706431 <@rest>" in the sample, refused as INVALID. */
static void
expect_candidate_error (const char *rest, const char *detail)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_autofree char *line = g_strconcat ("a=candidate:1 1 UDP 2130706431 ", rest, NULL);

  expect_line_error (text, "a=candidate", line, CONFAB_SDP_ERROR_INVALID, "a=candidate", detail);
}

static void
test_reject_candidate_port_zero (void)
{
  expect_candidate_error ("192.0.2.10 0 typ host", "port \"0\" is out of range");
}

static void
test_reject_candidate_multicast (void)
{
  expect_candidate_error ("239.1.2.3 5000 typ host",
                          "address \"239.1.2.3\" is a multicast address");
  expect_candidate_error ("ff02::1 5000 typ host", "address \"ff02::1\" is a multicast address");
}

static void
test_reject_candidate_unspecified (void)
{
  expect_candidate_error ("0.0.0.0 5000 typ host", "address \"0.0.0.0\" is unspecified");
  expect_candidate_error (":: 5000 typ host", "address \"::\" is unspecified");
}

static void
test_reject_missing_fingerprint (void)
{
  g_autofree char *text = load_sample ("chromium-156-offer.sdp");
  g_autofree char *none = edit_blob (text, "a=fingerprint", NULL, TRUE, NULL);

  expect_error (none, CONFAB_SDP_ERROR_MISSING,
                "no a=fingerprint: the other side does not encrypt");
}

static void
test_reject_malformed_fingerprint (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_autofree char *bad_hex = replace_all (text, "sha-256 7B:8B", "sha-256 7G:8B");

  expect_error (bad_hex, CONFAB_SDP_ERROR_INVALID,
                "(a=fingerprint): a sha-256 fingerprint must be 32 hex byte pairs");
  expect_line_error (text, "a=fingerprint", "a=fingerprint:sha-256 7B:8B:F0",
                     CONFAB_SDP_ERROR_INVALID, "a=fingerprint",
                     "a sha-256 fingerprint must be 32 hex byte pairs");
  expect_line_error (text, "a=fingerprint", "a=fingerprint:md5 7B:8B:F0:65:5F:78:E2:51",
                     CONFAB_SDP_ERROR_UNSUPPORTED, "a=fingerprint", "hash function \"md5\"");
  expect_line_error (text, "a=fingerprint", "a=fingerprint:" FINGERPRINT " extra",
                     CONFAB_SDP_ERROR_SYNTAX, "a=fingerprint", "expected \"<hash function>");
}

static void
test_reject_bad_setup (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_autofree char *answer = sample_text (CONFAB_SDP_ANSWER, TRUE);
  g_autofree char *actpass = replace_all (answer, "a=setup:active", "a=setup:actpass");

  expect_line_error (text, "a=setup", "a=setup:holdconn", CONFAB_SDP_ERROR_INVALID, "a=setup",
                     "setup \"holdconn\" is not actpass, active or passive");
  expect_error_len (actpass, -1, CONFAB_SDP_ANSWER, CONFAB_SDP_ERROR_INVALID,
                    "a=setup:actpass in an answer");
}

static void
test_reject_fingerprint_differs (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_autofree char *edited = g_strdup (text);
  char *at = strstr (strstr (edited, "m=video"), "a=fingerprint:sha-256 7B");

  at[strlen ("a=fingerprint:sha-256 7")] = 'C';
  expect_error (edited, CONFAB_SDP_ERROR_INVALID,
                "(a=fingerprint): m=video's value differs from m=audio's");
}

/* ------------------------------------------------------------------------ */
/* Fuzzing                                                                  */
/* ------------------------------------------------------------------------ */

/* Whatever comes in: no crash, no critical (fatal here), and either a
 * result or a well-formed message. */
static gboolean
parse_anything (const char *text, gsize len, ConfabSdpType type)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfabSdp) sdp = confab_sdp_parse (text, len, type, &error);

  if (sdp != NULL)
    {
      g_assert_no_error (error);
      g_assert_nonnull (sdp->ice_ufrag);
      g_assert_nonnull (sdp->ice_pwd);
      g_assert_cmpuint (sdp->candidates->len, >, 0);
      g_assert_cmpuint (sdp->candidates->len, <=, CONFAB_SDP_MAX_CANDIDATES);
      g_assert_cmpuint (sdp_pt (sdp, CONFAB_SDP_MEDIA_AUDIO, "opus")
                            + sdp_pt (sdp, CONFAB_SDP_MEDIA_VIDEO, "VP8"),
                        >=, 96);
      g_assert_nonnull (sdp->fingerprint);
      g_assert_nonnull (sdp->setup);

      /* Whatever was accepted is written back as a blob that reads the
       * same: nothing accepted can make the writer produce garbage. */
      {
        g_autofree char *again = confab_sdp_to_string (sdp);
        g_autoptr (ConfabSdp) back = parse_ok (again, -1, type);

        assert_sdp_equal (sdp, back);
      }
      return TRUE;
    }
  assert_good_message (error);
  return FALSE;
}

static GRand *
seeded_rand (void)
{
  guint32 seed = g_test_rand_int ();

  g_test_message ("random seed: %" G_GUINT32_FORMAT, seed);
  return g_rand_new_with_seed (seed);
}

static void
test_fuzz_random (void)
{
  g_autoptr (GRand) rand = seeded_rand ();
  static const char *const pieces[] = {
    "v=0\n",
    "a=candidate:",
    " typ ",
    "host",
    " 1 UDP ",
    "m=audio 9 RTP/AVPF 111\n",
    "m=video ",
    "a=",
    "=",
    ":",
    "\r\n",
    " ",
    "\xC2\xA0",
    "\xE2\x80\xAE",
    "9",
    "65536",
    "::1",
    "a=end-of-candidates\n",
    "a=rtpmap:111 opus/48000/2\n",
    "a=group:BUNDLE 0 1\n",
  };

  for (guint i = 0; i < 400; i++)
    {
      gsize len = g_rand_int_range (rand, 0, 2000);
      g_autofree char *buf = g_malloc (len + 1);

      switch (i % 4)
        {
        case 0: /* any bytes */
          for (gsize j = 0; j < len; j++)
            buf[j] = g_rand_int_range (rand, 0, 256);
          break;
        case 1: /* printable ASCII and line breaks */
          for (gsize j = 0; j < len; j++)
            buf[j] = g_rand_int_range (rand, 0, 20) == 0 ? '\n' : g_rand_int_range (rand, 32, 127);
          break;
        default: /* SDP-ish pieces, starting like a blob */
          {
            GString *s = g_string_new ("v=0\n");

            while (s->len < len)
              g_string_append (s, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
            g_free (buf);
            len = s->len;
            buf = g_string_free (s, FALSE);
          }
          break;
        }
      buf[len] = '\0';
      parse_anything (buf, len, i % 8 < 4 ? CONFAB_SDP_OFFER : CONFAB_SDP_ANSWER);
    }
}

static void
test_fuzz_mutate (void)
{
  g_autoptr (GRand) rand = seeded_rand ();
  g_autofree char *ours = sample_text (CONFAB_SDP_OFFER, TRUE);
  g_autofree char *chromium = load_sample ("chromium-156-max-bundle-data-offer.sdp");
  g_autofree char *webrtcbin = load_sample ("webrtcbin-1.22-offer.sdp");
  const char *const seeds[] = { ours, chrome_offer, firefox_answer, chromium, webrtcbin };
  guint accepted = 0;

  for (guint i = 0; i < 1000; i++)
    {
      const char *seed = seeds[i % G_N_ELEMENTS (seeds)];
      g_autoptr (GString) s = g_string_new (seed);
      guint n = g_rand_int_range (rand, 1, 4);

      for (guint k = 0; k < n && s->len > 2; k++)
        {
          gsize at = g_rand_int_range (rand, 0, s->len);
          gsize span = g_rand_int_range (rand, 1, 64);

          span = MIN (span, s->len - at);

          switch (g_rand_int_range (rand, 0, 5))
            {
            case 0: /* flip a byte */
              s->str[at] ^= 1 << g_rand_int_range (rand, 0, 8);
              break;
            case 1: /* delete a range */
              g_string_erase (s, at, span);
              break;
            case 2: /* duplicate a range */
              {
                g_autofree char *copy = g_strndup (s->str + at, span);

                g_string_insert (s, g_rand_int_range (rand, 0, s->len), copy);
              }
              break;
            case 3: /* a random byte */
              s->str[at] = g_rand_int_range (rand, 1, 256);
              break;
            default: /* a line break somewhere */
              g_string_insert (s, at, g_rand_boolean (rand) ? "\n" : "\r\n ");
              break;
            }
        }
      if (parse_anything (s->str, s->len,
                          seed == firefox_answer ? CONFAB_SDP_ANSWER : CONFAB_SDP_OFFER))
        accepted++;
    }
  g_test_message ("%u of 1000 mutated blobs still parse", accepted);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/confab/sdp/new-defaults", test_new_defaults);
  g_test_add_func ("/confab/sdp/round-trip/offer", test_round_trip_offer);
  g_test_add_func ("/confab/sdp/round-trip/answer", test_round_trip_answer);
  g_test_add_func ("/confab/sdp/round-trip/other-values", test_round_trip_other_values);
  g_test_add_func ("/confab/sdp/round-trip/gst-sdp", test_round_trip_gst);
  g_test_add_func ("/confab/sdp/flexfec-variants", test_flexfec_variants);
  g_test_add_func ("/confab/sdp/rtx", test_rtx);
  g_test_add_func ("/confab/sdp/reject-flexfec", test_reject_flexfec);
  g_test_add_func ("/confab/sdp/add-candidate", test_add_candidate);
  g_test_add_func ("/confab/sdp/candidates-libnice", test_candidates_libnice);
  g_test_add_func ("/confab/sdp/tolerance/line-endings", test_tolerance_line_endings);
  g_test_add_func ("/confab/sdp/tolerance/bom", test_tolerance_bom);
  g_test_add_func ("/confab/sdp/tolerance/white-space", test_tolerance_white_space);
  g_test_add_func ("/confab/sdp/tolerance/hard-wrap", test_tolerance_hard_wrap);
  g_test_add_func ("/confab/sdp/tolerance/soft-wrap", test_tolerance_soft_wrap);
  g_test_add_func ("/confab/sdp/browser/chrome", test_browser_chrome);
  g_test_add_func ("/confab/sdp/browser/chrome-model", test_browser_chrome_model);
  g_test_add_func ("/confab/sdp/direction", test_direction);
  g_test_add_func ("/confab/sdp/repeated-format", test_repeated_format);
  g_test_add_func ("/confab/sdp/browser/firefox", test_browser_firefox);
  g_test_add_func ("/confab/sdp/reject/empty", test_reject_empty);
  g_test_add_func ("/confab/sdp/reject/garbled", test_reject_garbled);
  g_test_add_func ("/confab/sdp/reject/not-sdp", test_reject_not_sdp);
  g_test_add_func ("/confab/sdp/reject/escapes", test_reject_escapes);
  g_test_add_func ("/confab/sdp/reject/too-large", test_reject_too_large);
  g_test_add_func ("/confab/sdp/reject/too-many-candidates", test_reject_too_many_candidates);
  g_test_add_func ("/confab/sdp/reject/truncated", test_reject_truncated);
  g_test_add_func ("/confab/sdp/reject/candidates", test_reject_candidates);
  g_test_add_func ("/confab/sdp/reject/no-usable-candidate", test_reject_no_usable_candidate);
  g_test_add_func ("/confab/sdp/reject/ice-credentials", test_reject_ice_credentials);
  g_test_add_func ("/confab/sdp/reject/wrong-type", test_reject_wrong_type);
  g_test_add_func ("/confab/sdp/reject/unsupported", test_reject_unsupported);
  g_test_add_func ("/confab/sdp/reject/structure", test_reject_structure);
  g_test_add_func ("/confab/sdp/sections-any-order", test_sections_any_order);
  g_test_add_func ("/confab/sdp/samples/parse", test_samples);
  g_test_add_func ("/confab/sdp/samples/chromium-bundle", test_sample_chromium_bundle);
  g_test_add_func ("/confab/sdp/samples/webrtcbin-bundle-only", test_sample_webrtcbin_bundle_only);
  g_test_add_func ("/confab/sdp/samples/truncation-sweep", test_sample_truncation_sweep);
  g_test_add_func ("/confab/sdp/reject/unknown-bundle-mid", test_reject_unknown_bundle_mid);
  g_test_add_func ("/confab/sdp/reject/repeated-direction", test_reject_repeated_direction);
  g_test_add_func ("/confab/sdp/reject/candidate-port-zero", test_reject_candidate_port_zero);
  g_test_add_func ("/confab/sdp/reject/candidate-multicast", test_reject_candidate_multicast);
  g_test_add_func ("/confab/sdp/reject/candidate-unspecified", test_reject_candidate_unspecified);
  g_test_add_func ("/confab/sdp/reject/missing-fingerprint", test_reject_missing_fingerprint);
  g_test_add_func ("/confab/sdp/reject/malformed-fingerprint", test_reject_malformed_fingerprint);
  g_test_add_func ("/confab/sdp/reject/bad-setup", test_reject_bad_setup);
  g_test_add_func ("/confab/sdp/reject/fingerprint-differs", test_reject_fingerprint_differs);
  g_test_add_func ("/confab/sdp/fuzz/random", test_fuzz_random);
  g_test_add_func ("/confab/sdp/fuzz/mutate", test_fuzz_mutate);

  return g_test_run ();
}
