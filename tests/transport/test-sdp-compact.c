/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The compact form of the signaling blob: byte-exact round trips, what chat
 * apps do to one long line, and everything a damaged or hostile paste can
 * be. The frames built here use the test's own CRC-32 and base64, so that
 * the format is checked against its description, not against itself.
 */

#include "confab-sdp-compact.h"

#include <gio/gio.h>
#include <string.h>

#include "sdp-test-util.h"
#include <sys/resource.h>

/* What a laptop behind a home router with a TURN server gathers. */
static const char *const sample_candidates[] = {
  "candidate:1 1 UDP 2015363327 192.168.1.23 51000 typ host",
  "candidate:2 1 UDP 2015363071 2001:db8:85a3::8a2e:370:7334 51002 typ host",
  "candidate:3 1 TCP 1015021823 192.168.1.23 9 typ host tcptype active",
  "candidate:4 1 TCP 1010827519 192.168.1.23 51010 typ host tcptype passive",
  "candidate:5 1 UDP 1679819007 198.51.100.7 61000 typ srflx raddr 192.168.1.23 rport 51000",
  "candidate:6 1 UDP 8331263 203.0.113.5 49152 typ relay raddr 198.51.100.7 rport 61000",
};

static ConfabSdp *
make_sample (ConfabSdpType type)
{
  ConfabSdp *sdp = confab_sdp_new (type);

  sdp->ice_ufrag = g_strdup ("Xk3+/Zq9");
  sdp->ice_pwd = g_strdup ("a5B+c/7d9e1F3g5H7i9J1k3L");
  for (guint i = 0; i < G_N_ELEMENTS (sample_candidates); i++)
    confab_sdp_add_candidate (sdp, sample_candidates[i]);
  sdp->fingerprint = g_strdup (FINGERPRINT);
  sdp->setup = g_strdup (type == CONFAB_SDP_OFFER ? "actpass" : "active");
  add_confab_media (sdp, CONFAB_SDP_DEFAULT_AUDIO_PT, 3570614608u, CONFAB_SDP_DEFAULT_VIDEO_PT,
                    2231627014u, 0, 0);
  return sdp;
}

static char *
sample_text (ConfabSdpType type)
{
  g_autoptr (ConfabSdp) sdp = make_sample (type);

  return confab_sdp_to_string (sdp);
}

static char *
sample_compact (ConfabSdpType type)
{
  g_autofree char *text = sample_text (type);

  return confab_sdp_compact_encode (text, type);
}

static char *
decode_ok (const char *text, gssize len, ConfabSdpType *type_out)
{
  g_autoptr (GError) error = NULL;
  char *sdp_text = confab_sdp_compact_decode (text, len, type_out, &error);

  g_assert_no_error (error);
  g_assert_nonnull (sdp_text);
  return sdp_text;
}

/* Decodes @text expecting @code and a message that contains @needle. */
static void
expect_error_len (const char *text, gssize len, ConfabSdpError code, const char *needle)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *sdp_text = confab_sdp_compact_decode (text, len, NULL, &error);

  g_assert_null (sdp_text);
  assert_good_message (error);
  g_test_message ("rejected as expected: %s", error->message);
  g_assert_error (error, CONFAB_SDP_ERROR, (gint) code);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("message \"%s\" does not contain \"%s\"", error->message, needle);
}

static void
expect_error (const char *text, ConfabSdpError code, const char *needle)
{
  expect_error_len (text, -1, code, needle);
}

/* ------------------------------------------------------------------------ */
/* An independent reading of the format                                     */
/* ------------------------------------------------------------------------ */

/* Bit by bit, unlike the table the code under test uses. */
static guint32
ref_crc32 (const guint8 *data, gsize len)
{
  guint32 crc = 0xFFFFFFFFu;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (guint k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
    }
  return ~crc;
}

static char *
ref_base64url (const guint8 *data, gsize len)
{
  g_autofree char *std = g_base64_encode (data, len);
  GString *out = g_string_new (NULL);

  for (const char *c = std; *c != '\0'; c++)
    if (*c == '+')
      g_string_append_c (out, '-');
    else if (*c == '/')
      g_string_append_c (out, '_');
    else if (*c != '=')
      g_string_append_c (out, *c);
  return g_string_free (out, FALSE);
}

static GBytes *
ref_unbase64url (const char *text)
{
  GString *std = g_string_new (text);
  gsize len = 0;
  guchar *data;

  for (gsize i = 0; i < std->len; i++)
    if (std->str[i] == '-')
      std->str[i] = '+';
    else if (std->str[i] == '_')
      std->str[i] = '/';
  while (std->len % 4 != 0)
    g_string_append_c (std, '=');
  data = g_base64_decode (std->str, &len);
  g_string_free (std, TRUE);
  return g_bytes_new_take (data, len);
}

/* Raw deflate of @len bytes of @fill (or of @data when given), streamed
 * through a small buffer so that the test never holds the plain text. */
static GByteArray *
ref_deflate (const guint8 *data, guint8 fill, gsize len)
{
  g_autoptr (GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW, 9);
  GByteArray *out = g_byte_array_new ();
  guint8 in[4096], buf[4096];
  gsize done = 0;
  GConverterResult res;

  memset (in, fill, sizeof in);
  do
    {
      gsize chunk = MIN (sizeof in, len - done);
      gsize read = 0, written = 0;
      g_autoptr (GError) error = NULL;

      res = g_converter_convert (G_CONVERTER (z), data ? data + done : in, chunk, buf, sizeof buf,
                                 done + chunk == len ? G_CONVERTER_INPUT_AT_END
                                                     : G_CONVERTER_NO_FLAGS,
                                 &read, &written, &error);
      g_assert_no_error (error);
      done += read;
      g_byte_array_append (out, buf, written);
    }
  while (res != G_CONVERTER_FINISHED);
  return out;
}

/* "confab1:" and a frame with a correct checksum around @body. */
static char *
make_frame (guint8 version, guint8 type, const guint8 *body, gsize body_len)
{
  g_autoptr (GByteArray) frame = g_byte_array_new ();
  g_autofree char *b64 = NULL;
  guint8 head[2] = { version, type };
  guint8 crc_be[4];
  guint32 crc;

  g_byte_array_append (frame, head, 2);
  g_byte_array_append (frame, body, body_len);
  crc = ref_crc32 (frame->data, frame->len);
  crc_be[0] = crc >> 24;
  crc_be[1] = crc >> 16;
  crc_be[2] = crc >> 8;
  crc_be[3] = crc;
  g_byte_array_append (frame, crc_be, 4);
  b64 = ref_base64url (frame->data, frame->len);
  return g_strconcat ("confab1:", b64, NULL);
}

/* ------------------------------------------------------------------------ */
/* Round trips and the format                                               */
/* ------------------------------------------------------------------------ */

static void
check_round_trip (ConfabSdpType type)
{
  g_autofree char *text = sample_text (type);
  g_autofree char *compact = confab_sdp_compact_encode (text, type);
  g_autofree char *back = NULL;
  ConfabSdpType type_out = type == CONFAB_SDP_OFFER ? CONFAB_SDP_ANSWER : CONFAB_SDP_OFFER;

  g_assert_true (g_str_has_prefix (compact, CONFAB_SDP_COMPACT_PREFIX));
  g_assert_cmpuint (strspn (compact + strlen (CONFAB_SDP_COMPACT_PREFIX),
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                    ==, strlen (compact) - strlen (CONFAB_SDP_COMPACT_PREFIX));
  g_assert_true (confab_sdp_compact_looks_like (compact, -1));

  back = decode_ok (compact, -1, &type_out);
  g_assert_cmpstr (back, ==, text);
  g_assert_cmpint (type_out, ==, type);

  g_test_message ("%s: %zu bytes of SDP, %zu of compact text (%.0f%%)",
                  confab_sdp_type_to_string (type), strlen (text), strlen (compact),
                  100.0 * strlen (compact) / strlen (text));
  /* What the preset dictionary buys, for the record. */
  {
    g_autoptr (GByteArray) plain = ref_deflate ((const guint8 *) text, 0, strlen (text));
    gsize without = strlen ("confab1:") + ((plain->len + 6) * 4 + 2) / 3;

    g_test_message ("without the dictionary it would be %zu (%.0f%%)", without,
                    100.0 * without / strlen (text));
  }
  /* A chat that refuses 2 KB should take what is left. */
  g_assert_cmpuint (strlen (compact) * 2, <, strlen (text));
}

/* The captured browser and webrtcbin blobs: lossless, and parsed the same
 * through the compact form. */
static void
test_round_trip_samples (void)
{
  static const char *const files[] = {
    "chromium-156-offer.sdp",   "chromium-156-answer.sdp", "chromium-156-max-bundle-data-offer.sdp",
    "webrtcbin-1.22-offer.sdp", "firefox-style-offer.sdp",
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (g_getenv ("CONFAB_SOURCE_DIR"), "tests",
                                                "transport", "data", files[i], NULL);
      g_autofree char *text = NULL;
      g_autofree char *compact = NULL;
      g_autofree char *back = NULL;
      g_autoptr (GError) error = NULL;
      ConfabSdpType type
          = strstr (files[i], "answer") != NULL ? CONFAB_SDP_ANSWER : CONFAB_SDP_OFFER;
      g_autoptr (ConfabSdp) sdp = NULL;

      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      compact = confab_sdp_compact_encode (text, type);
      back = decode_ok (compact, -1, NULL);
      g_assert_cmpstr (back, ==, text);
      sdp = confab_sdp_parse_any (compact, -1, type, &error);
      g_assert_no_error (error);
      g_test_message ("%s: %zu bytes of SDP, %zu of compact text", files[i], strlen (text),
                      strlen (compact));
    }
}

/* Our offer as the call now writes it (msid, FlexFEC, four candidates):
 * the length people paste, for the record and against regressions. */
static void
test_length_of_our_offer (void)
{
  g_autoptr (ConfabSdp) sdp = make_sample (CONFAB_SDP_OFFER);
  g_autofree char *text = NULL;
  g_autofree char *compact = NULL;

  g_ptr_array_set_size (sdp->media, 0);
  add_confab_media (sdp, CONFAB_SDP_DEFAULT_AUDIO_PT, 3570614608u, CONFAB_SDP_DEFAULT_VIDEO_PT,
                    2231627014u, CONFAB_SDP_DEFAULT_FLEXFEC_PT, 4000000000u);
  ((ConfabSdpMedia *) sdp->media->pdata[0])->msid = g_strdup ("confab audio");
  ((ConfabSdpMedia *) sdp->media->pdata[1])->msid = g_strdup ("confab video");
  g_ptr_array_set_size (sdp->candidates, 4);
  text = confab_sdp_to_string (sdp);
  compact = confab_sdp_compact_encode (text, CONFAB_SDP_OFFER);
  g_test_message ("our offer: %zu bytes of SDP, %zu of compact text", strlen (text),
                  strlen (compact));
  g_assert_cmpuint (strlen (compact) * 2, <, strlen (text));
}

static void
test_round_trip_offer (void)
{
  check_round_trip (CONFAB_SDP_OFFER);
}

static void
test_round_trip_answer (void)
{
  check_round_trip (CONFAB_SDP_ANSWER);
}

/* Lossless for any text, not only for what the dictionary expects: empty,
 * a browser's SDP style, non-ASCII, and the largest accepted size made of
 * incompressible bytes (several converter rounds on both sides). */
static void
test_round_trip_any_text (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  g_autoptr (GString) big = g_string_new (NULL);
  const char *texts[] = {
    "",
    "v=0\n",
    "v=0\r\no=mozilla...THIS_IS_SDPARTA-99.0 5 0 IN IP4 0.0.0.0\r\n",
    "Grüße, 你好, привет\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *compact = confab_sdp_compact_encode (texts[i], CONFAB_SDP_ANSWER);
      g_autofree char *back = NULL;
      ConfabSdpType type;

      back = decode_ok (compact, -1, &type);
      g_assert_cmpstr (back, ==, texts[i]);
      g_assert_cmpint (type, ==, CONFAB_SDP_ANSWER);
    }

  while (big->len < CONFAB_SDP_MAX_SIZE)
    g_string_append_c (big, (char) g_rand_int_range (rand, 0x21, 0x7F));
  {
    g_autofree char *compact = confab_sdp_compact_encode (big->str, CONFAB_SDP_OFFER);
    g_autofree char *back = decode_ok (compact, -1, NULL);

    g_assert_cmpstr (back, ==, big->str);
  }
}

/* The frame is what the header says it is. */
static void
test_format (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_ANSWER);
  g_autofree char *compact = confab_sdp_compact_encode (text, CONFAB_SDP_ANSWER);
  g_autoptr (GBytes) frame = ref_unbase64url (compact + strlen ("confab1:"));
  gsize len;
  const guint8 *d = g_bytes_get_data (frame, &len);
  guint32 crc;

  g_assert_cmpuint (ref_crc32 ((const guint8 *) "123456789", 9), ==, 0xCBF43926u);
  g_assert_cmpuint (len, >, 7);
  g_assert_cmpuint (d[0], ==, 1);
  g_assert_cmpuint (d[1], ==, 'A');
  crc = (guint32) d[len - 4] << 24 | (guint32) d[len - 3] << 16 | (guint32) d[len - 2] << 8
        | d[len - 1];
  g_assert_cmpuint (crc, ==, ref_crc32 (d, len - 4));
}

/* ------------------------------------------------------------------------ */
/* What chats and people do to it                                           */
/* ------------------------------------------------------------------------ */

static char *
wrap (const char *s, guint every, const char *separator)
{
  GString *out = g_string_new (NULL);
  gsize len = strlen (s);

  for (gsize i = 0; i < len; i += every)
    {
      if (i > 0)
        g_string_append (out, separator);
      g_string_append_len (out, s + i, MIN (every, len - i));
    }
  return g_string_free (out, FALSE);
}

static void
test_tolerance_wraps (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER);
  g_autofree char *compact = confab_sdp_compact_encode (text, CONFAB_SDP_OFFER);
  /* Line breaks of three systems, indentation, and what rich-text chats
   * use to wrap: no-break, zero-width and soft-hyphen. */
  const char *separators[] = {
    "\n", "\r\n", "\r", " ", "\t", "\n    ", "\xC2\xA0", "\xE2\x80\x8B", "\xC2\xAD", "\xE2\x80\xA8",
  };
  guint n = 0;

  for (guint every = 1; every <= 80; every++)
    for (guint s = 0; s < G_N_ELEMENTS (separators); s++)
      {
        g_autofree char *wrapped = wrap (compact, every, separators[s]);
        g_autofree char *back = NULL;

        g_assert_true (confab_sdp_compact_looks_like (wrapped, -1));
        back = decode_ok (wrapped, -1, NULL);
        g_assert_cmpstr (back, ==, text);
        n++;
      }
  g_test_message ("%u wrapped forms decoded", n);
}

static void
test_tolerance_surroundings (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER);
  g_autofree char *compact = confab_sdp_compact_encode (text, CONFAB_SDP_OFFER);
  g_autofree char *upper = g_strdup (compact);
  g_autofree char *mixed = g_strdup (compact);
  const char *body = compact + strlen ("confab1:");
  struct
  {
    const char *before, *after;
  } around[] = {
    { "", "" },
    { "\xEF\xBB\xBF", "" },
    { "  \n\t", " \r\n\r\n" },
    { "\"", "\"" },
    { "'", "'." },
    { "", "." },
    { "", "..." },
    { "\xEF\xBB\xBF  \"", "\".\n" },
    { "\xE2\x80\x9C", "\xE2\x80\x9D" },             /* “ ” */
    { "\xC2\xAB", "\xC2\xBB" },                     /* « » */
    { "\xE3\x80\x8C", "\xE3\x80\x8D\xE3\x80\x82" }, /* 「 」。 */
    { "```\n", "\n```" },
    { "`", "`," },
    { "<", ">" },
  };

  memcpy (upper, "CONFAB1:", 8);
  memcpy (mixed, "Confab1:", 8);

  for (guint i = 0; i < G_N_ELEMENTS (around); i++)
    {
      const char *forms[] = { compact, upper, mixed };

      for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
        {
          g_autofree char *pasted = g_strconcat (around[i].before, forms[f], around[i].after, NULL);
          g_autofree char *back = NULL;

          g_assert_true (confab_sdp_compact_looks_like (pasted, -1));
          back = decode_ok (pasted, -1, NULL);
          g_assert_cmpstr (back, ==, text);
        }
    }

  /* White space inside the prefix too: a wrap may fall there. */
  {
    g_autofree char *pasted = g_strconcat ("conf\r\nab1\n:", body, NULL);
    g_autofree char *back = decode_ok (pasted, -1, NULL);

    g_assert_cmpstr (back, ==, text);
  }

  /* @len is honoured: what follows is not read. */
  {
    g_autofree char *pasted = g_strconcat (compact, "!!garbage", NULL);
    g_autofree char *back = decode_ok (pasted, strlen (compact), NULL);

    g_assert_cmpstr (back, ==, text);
  }
}

static void
test_looks_like (void)
{
  g_autofree char *plain = sample_text (CONFAB_SDP_OFFER);
  struct
  {
    const char *text;
    gboolean expected;
  } cases[] = {
    { "confab1:AAAA", TRUE },
    { "CONFAB1:", TRUE },
    { "\xEF\xBB\xBF \r\n\"confab1:x", TRUE },
    { "c o n f a b 1 :", TRUE },
    { "confab2:AAAA", TRUE }, /* recognised, so that it is reported as newer */
    { "confab12:", TRUE },
    { "", FALSE },
    { "   \n", FALSE },
    { "conf", FALSE },
    { "confab", FALSE },
    { "confab:", FALSE },
    { "confab1", FALSE },
    { "confabulation", FALSE },
    { "confab1234:", FALSE },
    { "v=0\r\nconfab1:", FALSE },
    { "\xFF"
      "confab1:",
      FALSE },
    { "please use confab1:AAAA", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *escaped = g_strescape (cases[i].text, NULL);

      g_test_message ("looks_like (\"%s\")", escaped);
      g_assert_cmpint (confab_sdp_compact_looks_like (cases[i].text, -1), ==, cases[i].expected);
    }
  g_assert_false (confab_sdp_compact_looks_like (plain, -1));
  g_assert_false (confab_sdp_compact_looks_like (NULL, -1));
  g_assert_false (confab_sdp_compact_looks_like ("confab1:", 7));
}

/* ------------------------------------------------------------------------ */
/* Damage                                                                   */
/* ------------------------------------------------------------------------ */

static void
test_truncation (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER);
  g_autofree char *compact = confab_sdp_compact_encode (text, CONFAB_SDP_OFFER);
  gsize len = strlen (compact);

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autofree char *piece = g_strndup (compact, cut);
      g_autofree char *dotted = g_strconcat (piece, "...", NULL);
      g_autofree char *ellipsis = g_strconcat (piece, "\xE2\x80\xA6", NULL); /* … */
      const char *forms[] = { piece, dotted, ellipsis };

      for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
        {
          g_autoptr (GError) error = NULL;
          g_autofree char *back = confab_sdp_compact_decode (forms[f], -1, NULL, &error);

          g_assert_null (back);
          assert_good_message (error);
          if (cut == 0)
            g_assert_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_EMPTY);
          else
            g_assert_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_TRUNCATED);
        }
    }
  expect_error (compact + 20, CONFAB_SDP_ERROR_SYNTAX, "confab1:");
  {
    g_autofree char *piece = g_strndup (compact, len / 2);

    expect_error (piece, CONFAB_SDP_ERROR_TRUNCATED, "copy it again in full");
  }
}

/* A wrong character anywhere either changes nothing (a case change in the
 * prefix; bits that base64 leaves unused in the last character) or fails:
 * never a different blob. */
static void
test_substitution (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER);
  g_autofree char *compact = confab_sdp_compact_encode (text, CONFAB_SDP_OFFER);
  gsize len = strlen (compact);
  const char *replacements
      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_ .:=+/\"\n";
  guint n_errors = 0, n_same = 0;

  for (gsize pos = 0; pos < len; pos++)
    for (const char *r = replacements; *r != '\0'; r++)
      {
        g_autofree char *bad = g_strdup (compact);
        g_autoptr (GError) error = NULL;
        g_autofree char *back = NULL;

        if (bad[pos] == *r)
          continue;
        bad[pos] = *r;
        back = confab_sdp_compact_decode (bad, -1, NULL, &error);
        if (back == NULL)
          {
            assert_good_message (error);
            n_errors++;
          }
        else
          {
            g_assert_cmpstr (back, ==, text);
            n_same++;
          }
      }
  g_test_message ("%u substitutions rejected, %u harmless", n_errors, n_same);
  g_assert_cmpuint (n_errors, >, 0);
}

static void
test_bad_character (void)
{
  g_autofree char *compact = sample_compact (CONFAB_SDP_OFFER);
  g_autofree char *wrapped = wrap (compact, 30, "\r\n");
  struct
  {
    gsize pos;     /* where in @compact the bad character replaces one */
    const char *c; /* as UTF-8 */
    const char *needle;
  } cases[] = {
    { 20, "+", "character 21 of the compact text: \"+\"" },
    { 8, "/", "character 9 of the compact text: \"/\"" },
    { 40, "\x01", "character 41 of the compact text: \"\\x01\"" },
    { 40, "\"", "\"\\\"\"" },
    { 40, "\\", "\"\\\\\"" },
    { 40, "\xD0\xB0", "\"\xD0\xB0\" (U+0430)" },            /* Cyrillic a */
    { 40, "\xE2\x80\xAE", "\"\\u202E\"" },                  /* right-to-left override */
    { 40, "\xFF", "\"\\xFF\"" },                            /* not UTF-8 */
    { 40, ".", "character 41 of the compact text: \".\"" }, /* punctuation, then more */
    { 40, "\xE2\x80\x9D", "character 41" },                 /* ” inside */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GString) bad = g_string_new (compact);

      g_string_erase (bad, cases[i].pos, 1);
      g_string_insert (bad, cases[i].pos, cases[i].c);
      expect_error_len (bad->str, bad->len, CONFAB_SDP_ERROR_SYNTAX, cases[i].needle);
    }

  /* A NUL inside a counted paste is a character like any other. */
  {
    g_autofree char *bad = g_strdup (compact);

    bad[30] = '\0';
    expect_error_len (bad, strlen (compact), CONFAB_SDP_ERROR_SYNTAX, "character 31");
  }

  /* In a wrapped paste, the line and the character as the person sees
   * them: 30 characters a line, CRLF between. */
  {
    g_autoptr (GString) bad = g_string_new (wrapped);
    gsize pos = 2 * 32 + 4; /* line 3, character 5 */

    bad->str[pos] = '@';
    expect_error (bad->str, CONFAB_SDP_ERROR_SYNTAX, "line 3, character 5 of the compact text");
  }

  expect_error ("confab1:####", CONFAB_SDP_ERROR_SYNTAX, "character 9");
  expect_error ("hello", CONFAB_SDP_ERROR_SYNTAX, "not Confab's compact text");
  expect_error ("v=0\r\n", CONFAB_SDP_ERROR_SYNTAX, "confab1:");
  expect_error ("", CONFAB_SDP_ERROR_EMPTY, "nothing");
  expect_error (" \r\n\xEF\xBB\xBF\"\" ", CONFAB_SDP_ERROR_EMPTY, "nothing");
  expect_error ("confab1:", CONFAB_SDP_ERROR_TRUNCATED, "copy it again");
  expect_error ("confab1:A", CONFAB_SDP_ERROR_TRUNCATED, "copy it again");
  expect_error ("confab1:AAAAAAAAAA", CONFAB_SDP_ERROR_TRUNCATED, "checksum mismatch");
}

static void
test_version (void)
{
  g_autofree char *text = sample_text (CONFAB_SDP_OFFER);
  g_autofree char *compact = confab_sdp_compact_encode (text, CONFAB_SDP_OFFER);
  g_autoptr (GByteArray) body = ref_deflate ((const guint8 *) "v=0\r\n", 0, 5);
  g_autofree char *v2 = make_frame (2, 'O', body->data, body->len);
  g_autofree char *v0 = make_frame (0, 'O', body->data, body->len);
  g_autofree char *bad_type = make_frame (1, 'X', body->data, body->len);
  g_autofree char *good = make_frame (1, 'A', body->data, body->len);
  g_autofree char *prefix2 = g_strdup (compact);
  g_autofree char *back = NULL;
  ConfabSdpType type = CONFAB_SDP_OFFER;

  prefix2[6] = '2';
  expect_error (prefix2, CONFAB_SDP_ERROR_UNSUPPORTED, "format 2");
  expect_error ("confab7:whatever it is", CONFAB_SDP_ERROR_UNSUPPORTED, "update Confab");
  expect_error (v2, CONFAB_SDP_ERROR_UNSUPPORTED, "format 2");
  expect_error (v0, CONFAB_SDP_ERROR_UNSUPPORTED, "format 0");
  expect_error (bad_type, CONFAB_SDP_ERROR_INVALID, "neither an offer nor an answer");

  /* A frame deflated without the dictionary is valid too: the decoder
   * does not depend on how the encoder chose its matches. */
  back = decode_ok (good, -1, &type);
  g_assert_cmpstr (back, ==, "v=0\r\n");
  g_assert_cmpint (type, ==, CONFAB_SDP_ANSWER);
}

/* A frame whose checksum is right but whose inside is not: only a broken
 * or hostile encoder makes these. */
static void
test_bad_inside (void)
{
  const guint8 junk[] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
  g_autoptr (GByteArray) sdp = ref_deflate ((const guint8 *) "v=0\r\n", 0, 5);
  g_autoptr (GByteArray) with_nul = ref_deflate ((const guint8 *) "v=0\0x\r\n", 0, 7);
  g_autofree char *garbage = make_frame (1, 'O', junk, sizeof junk);
  g_autofree char *cut = make_frame (1, 'O', sdp->data, sdp->len - 1);
  g_autofree char *nul = make_frame (1, 'O', with_nul->data, with_nul->len);
  g_autofree char *trailing = NULL;

  g_byte_array_append (sdp, (const guint8 *) "xyz", 3);
  trailing = make_frame (1, 'O', sdp->data, sdp->len);

  expect_error (garbage, CONFAB_SDP_ERROR_INVALID, "does not unpack");
  expect_error (cut, CONFAB_SDP_ERROR_INVALID, "does not unpack");
  expect_error (trailing, CONFAB_SDP_ERROR_INVALID, "after its end");
  expect_error (nul, CONFAB_SDP_ERROR_INVALID, "not text");
}

static glong
peak_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

/* 10 MiB of zeros deflate to about 10 KB. The decoder must stop at its
 * limit instead of unpacking it all; the process's peak resident size
 * shows that no buffer near 10 MiB was ever filled. */
static void
test_zip_bomb (void)
{
  const gsize bomb_size = 10 * 1024 * 1024;
  g_autoptr (GByteArray) bomb = ref_deflate (NULL, 0, bomb_size);
  g_autoptr (GByteArray) at_limit = ref_deflate (NULL, 'a', CONFAB_SDP_MAX_SIZE);
  g_autoptr (GByteArray) over_limit = ref_deflate (NULL, 'a', CONFAB_SDP_MAX_SIZE + 1);
  g_autofree char *bomb_text = make_frame (1, 'O', bomb->data, bomb->len);
  g_autofree char *at_text = make_frame (1, 'O', at_limit->data, at_limit->len);
  g_autofree char *over_text = make_frame (1, 'O', over_limit->data, over_limit->len);
  g_autofree char *back = NULL;
  glong before, after;

  g_test_message ("bomb: %zu bytes of deflate, %zu of compact text", (gsize) bomb->len,
                  strlen (bomb_text));
  before = peak_rss_kib ();
  expect_error (bomb_text, CONFAB_SDP_ERROR_TOO_LARGE, "more than");
  after = peak_rss_kib ();
  g_test_message ("peak resident size %ld KiB before, %ld KiB after", before, after);
  g_assert_cmpint (after - before, <, 4 * 1024);

  /* The limit itself is exact. */
  back = decode_ok (at_text, -1, NULL);
  g_assert_cmpuint (strlen (back), ==, CONFAB_SDP_MAX_SIZE);
  expect_error (over_text, CONFAB_SDP_ERROR_TOO_LARGE, "more than");

  /* So is the one on the pasted text. */
  {
    g_autoptr (GString) huge = g_string_new ("confab1:");

    while (huge->len <= 8 * CONFAB_SDP_MAX_SIZE)
      g_string_append (huge, "          ");
    expect_error (huge->str, CONFAB_SDP_ERROR_TOO_LARGE, "at most");
  }
}

/* ------------------------------------------------------------------------ */
/* The app's entry point                                                    */
/* ------------------------------------------------------------------------ */

static void
test_parse_any (void)
{
  for (ConfabSdpType type = CONFAB_SDP_OFFER; type <= CONFAB_SDP_ANSWER; type++)
    {
      ConfabSdpType other = type == CONFAB_SDP_OFFER ? CONFAB_SDP_ANSWER : CONFAB_SDP_OFFER;
      g_autofree char *text = sample_text (type);
      g_autofree char *compact = confab_sdp_compact_encode (text, type);
      g_autofree char *wrapped = wrap (compact, 64, "\n");
      g_autofree char *quoted = g_strconcat ("\xEF\xBB\xBF  \"", wrapped, "\".\n", NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (ConfabSdp) from_plain = confab_sdp_parse_any (text, -1, type, &error);
      g_autoptr (ConfabSdp) from_compact = NULL;
      g_autoptr (ConfabSdp) from_quoted = NULL;
      g_autoptr (ConfabSdp) wrong = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (from_plain);
      from_compact = confab_sdp_parse_any (compact, -1, type, &error);
      g_assert_no_error (error);
      from_quoted = confab_sdp_parse_any (quoted, strlen (quoted), type, &error);
      g_assert_no_error (error);
      assert_sdp_equal (from_plain, from_compact);
      assert_sdp_equal (from_plain, from_quoted);

      /* The blobs swapped, in either form. */
      wrong = confab_sdp_parse_any (compact, -1, other, &error);
      g_assert_null (wrong);
      assert_good_message (error);
      g_assert_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_WRONG_TYPE);
      g_test_message ("%s", error->message);
      g_clear_error (&error);
      wrong = confab_sdp_parse_any (text, -1, other, &error);
      g_assert_null (wrong);
      g_assert_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_WRONG_TYPE);
      g_clear_error (&error);
    }

  /* A compact text whose SDP is bad: the plain parser's message, marked
   * as being about text the person never saw. */
  {
    g_autofree char *text = sample_text (CONFAB_SDP_OFFER);
    g_autofree char *half = g_strndup (text, strlen (text) / 2);
    g_autofree char *compact = confab_sdp_compact_encode (half, CONFAB_SDP_OFFER);
    g_autoptr (GError) error = NULL;
    g_autoptr (ConfabSdp) sdp = confab_sdp_parse_any (compact, -1, CONFAB_SDP_OFFER, &error);

    g_assert_null (sdp);
    assert_good_message (error);
    g_test_message ("%s", error->message);
    g_assert_true (g_str_has_prefix (error->message, "inside the compact text: "));
  }

  /* Damage is reported by the compact decoder, not as "expected v=0". */
  {
    g_autofree char *compact = sample_compact (CONFAB_SDP_OFFER);
    g_autoptr (GError) error = NULL;
    g_autoptr (ConfabSdp) sdp = NULL;

    compact[strlen (compact) - 10] = '\0';
    sdp = confab_sdp_parse_any (compact, -1, CONFAB_SDP_OFFER, &error);
    g_assert_null (sdp);
    g_assert_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_TRUNCATED);
    g_clear_error (&error);
    sdp = confab_sdp_parse_any ("", 0, CONFAB_SDP_OFFER, &error);
    g_assert_null (sdp);
    g_assert_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_EMPTY);
  }

  /* So is a paste cut inside the prefix: it was meant to be compact. */
  {
    static const char *const cut[] = { "confab1", "\"Confab1\".", "confab" };

    for (guint i = 0; i < G_N_ELEMENTS (cut); i++)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (ConfabSdp) sdp = confab_sdp_parse_any (cut[i], -1, CONFAB_SDP_OFFER, &error);

        g_assert_null (sdp);
        g_assert_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_TRUNCATED);
        assert_good_message (error);
      }
  }
}

/* ------------------------------------------------------------------------ */
/* Garbage                                                                  */
/* ------------------------------------------------------------------------ */

static void
test_random_garbage (void)
{
  const char *env = g_getenv ("CONFAB_TEST_SEED");
  guint32 seed = env ? (guint32) g_ascii_strtoull (env, NULL, 10) : (guint32) g_test_rand_int ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  guint iterations = g_test_slow () ? 20000 : 3000;
  guint n_ok = 0;

  g_test_message ("seed %u (set CONFAB_TEST_SEED to repeat)", seed);

  for (guint i = 0; i < iterations; i++)
    {
      g_autoptr (GString) text = g_string_new ("confab1:");
      g_autoptr (GError) error = NULL;
      g_autofree char *back = NULL;
      g_autoptr (ConfabSdp) sdp = NULL;
      guint len = g_rand_int_range (rand, 0, 2000);

      switch (i % 3)
        {
        case 0: /* any bytes */
          for (guint k = 0; k < len; k++)
            g_string_append_c (text, (char) g_rand_int_range (rand, 0, 256));
          break;
        case 1: /* plausible characters */
          for (guint k = 0; k < len; k++)
            g_string_append_c (text, alphabet[g_rand_int_range (rand, 0, 64)]);
          break;
        case 2: /* a frame that checks out around random deflate data */
          {
            g_autofree guint8 *body = g_malloc (len + 1);
            g_autofree char *frame = NULL;

            for (guint k = 0; k < len + 1; k++)
              body[k] = (guint8) g_rand_int_range (rand, 0, 256);
            frame = make_frame (1, g_rand_boolean (rand) ? 'O' : 'A', body, len + 1);
            g_string_assign (text, frame);
          }
          break;
        }

      back = confab_sdp_compact_decode (text->str, text->len, NULL, &error);
      if (back == NULL)
        assert_good_message (error);
      else
        n_ok++;
      g_clear_error (&error);
      sdp = confab_sdp_parse_any (text->str, text->len, CONFAB_SDP_OFFER, &error);
      if (sdp == NULL)
        assert_good_message (error);
    }
  g_test_message ("%u random texts, %u unpacked to something", iterations, n_ok);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/confab/sdp-compact/round-trip/offer", test_round_trip_offer);
  g_test_add_func ("/confab/sdp-compact/round-trip/answer", test_round_trip_answer);
  g_test_add_func ("/confab/sdp-compact/round-trip/any-text", test_round_trip_any_text);
  g_test_add_func ("/confab/sdp-compact/round-trip/samples", test_round_trip_samples);
  g_test_add_func ("/confab/sdp-compact/length-of-our-offer", test_length_of_our_offer);
  g_test_add_func ("/confab/sdp-compact/format", test_format);
  g_test_add_func ("/confab/sdp-compact/tolerance/wraps", test_tolerance_wraps);
  g_test_add_func ("/confab/sdp-compact/tolerance/surroundings", test_tolerance_surroundings);
  g_test_add_func ("/confab/sdp-compact/looks-like", test_looks_like);
  g_test_add_func ("/confab/sdp-compact/damage/truncation", test_truncation);
  g_test_add_func ("/confab/sdp-compact/damage/substitution", test_substitution);
  g_test_add_func ("/confab/sdp-compact/damage/bad-character", test_bad_character);
  g_test_add_func ("/confab/sdp-compact/damage/version", test_version);
  g_test_add_func ("/confab/sdp-compact/damage/bad-inside", test_bad_inside);
  g_test_add_func ("/confab/sdp-compact/damage/zip-bomb", test_zip_bomb);
  g_test_add_func ("/confab/sdp-compact/parse-any", test_parse_any);
  g_test_add_func ("/confab/sdp-compact/random-garbage", test_random_garbage);

  return g_test_run ();
}
