/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The signaling blob: the writer, and a strict parser for pasted text.
 *
 * The parser makes two passes over the paste. The first undoes what chat and
 * mail clients do to text (BOM, line endings, indentation, wrapping) and
 * remembers, for every logical SDP line, the line number the person sees in
 * their paste. The second checks every line, then the whole. GstSDPMessage
 * is not used for parsing: it accepts nearly anything and cannot say which
 * line was wrong.
 */

#include "confab-sdp.h"

#include <gio/gio.h>
#include <string.h>

/* clang-format off */
G_DEFINE_QUARK (confab-sdp-error-quark, confab_sdp_error)
/* clang-format on */

/* Enough pasted text in a message to recognise the line, too little to
 * carry a payload into a dialog or a terminal. */
#define EXCERPT_CHARS 40

#define FIRST_DYNAMIC_PT 96
#define LAST_DYNAMIC_PT 127

#define MID_AUDIO "0"
#define MID_VIDEO "1"

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

/* ------------------------------------------------------------------------ */
/* Small lexical helpers                                                    */
/* ------------------------------------------------------------------------ */

/* Quotes at most EXCERPT_CHARS characters of pasted text with every control,
 * format (bidi overrides, zero-width) and invalid character escaped, so that
 * a hostile paste cannot reach a terminal or reorder a dialog's text. */
static char *
excerpt (const char *s)
{
  GString *out = g_string_new (NULL);
  guint n = 0;

  while (*s != '\0')
    {
      gunichar c;
      GUnicodeType t;

      if (n++ == EXCERPT_CHARS)
        {
          g_string_append (out, "...");
          break;
        }

      c = g_utf8_get_char_validated (s, -1);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02X", (guchar) *s);
          s++;
          continue;
        }

      t = g_unichar_type (c);
      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", (char) c);
      else if (c < 0x20 || c == 0x7f || !g_unichar_isprint (c) || t == G_UNICODE_LINE_SEPARATOR
               || t == G_UNICODE_PARAGRAPH_SEPARATOR)
        {
          if (c < 0x100)
            g_string_append_printf (out, "\\x%02X", c);
          else
            g_string_append_printf (out, "\\u%04X", c);
        }
      else
        g_string_append_len (out, s, g_utf8_next_char (s) - s);

      s = g_utf8_next_char (s);
    }

  return g_string_free (out, FALSE);
}

/* Splits on runs of spaces and tabs. SDP wants exactly one space, but
 * people re-indent and editors turn spaces into tabs; the fields are what
 * matters. */
static GStrv
split_fields (const char *s)
{
  GPtrArray *fields = g_ptr_array_new ();

  while (*s != '\0')
    {
      const char *start;

      while (*s == ' ' || *s == '\t')
        s++;
      if (*s == '\0')
        break;
      start = s;
      while (*s != '\0' && *s != ' ' && *s != '\t')
        s++;
      g_ptr_array_add (fields, g_strndup (start, s - start));
    }
  g_ptr_array_add (fields, NULL);

  return (GStrv) g_ptr_array_free (fields, FALSE);
}

/* Digits only: strtoull would let "+9", " 9" and "-1" through. */
static gboolean
is_decimal (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

static gboolean
parse_number (const char *s, const char *what, guint64 min, guint64 max, guint64 *out,
              GError **error)
{
  g_autofree char *quoted = NULL;

  if (is_decimal (s) && g_ascii_string_to_unsigned (s, 10, min, max, out, NULL))
    return TRUE;

  quoted = excerpt (s);
  if (is_decimal (s))
    g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID, "%s \"%s\" is out of range",
                 what, quoted);
  else
    g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX, "%s \"%s\" is not a number",
                 what, quoted);
  return FALSE;
}

/* RFC 8839: ice-char = ALPHA / DIGIT / "+" / "/" */
static gboolean
is_ice_string (const char *s, gsize min, gsize max)
{
  gsize len = 0;

  for (; *s != '\0'; s++, len++)
    if (!g_ascii_isalnum (*s) && *s != '+' && *s != '/')
      return FALSE;
  return len >= min && len <= max;
}

static gboolean
is_ip_address (const char *s)
{
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (s);

  return address != NULL;
}

/* Browsers hide host addresses behind random mDNS names such as
 * "1f4712db-ea17-4bcf-a596-105139dfd8bf.local"; nothing here resolves those,
 * but they are legitimate and must not fail the whole blob. */
static gboolean
is_mdns_name (const char *s)
{
  g_auto (GStrv) labels = NULL;
  guint n;

  if (strlen (s) > 253)
    return FALSE;
  labels = g_strsplit (s, ".", -1);
  n = g_strv_length (labels);
  if (n < 2 || g_ascii_strcasecmp (labels[n - 1], "local") != 0)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      gsize len = strlen (labels[i]);

      if (len == 0 || len > 63)
        return FALSE;
      for (const char *c = labels[i]; *c != '\0'; c++)
        if (!g_ascii_isalnum (*c) && *c != '-')
          return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Candidates                                                               */
/* ------------------------------------------------------------------------ */

typedef enum
{
  CANDIDATE_USABLE,
  CANDIDATE_OTHER_COMPONENT, /* RTCP of a peer without rtcp-mux: never used */
  CANDIDATE_MDNS,            /* a .local name that cannot be resolved here */
} CandidateUse;

/* Parses the value of an a=candidate attribute (after "candidate:") and,
 * for a usable one, builds the form libnice 0.1.21 parses: its parser splits
 * on single spaces, compares "typ" values case-sensitively in lower case,
 * and hits a critical on a TCP candidate without tcptype, so the normal
 * form is rebuilt from the checked fields rather than copied. */
static gboolean
parse_candidate (const char *value, CandidateUse *use, char **normalized, GError **error)
{
  static const char *const types[] = { "host", "srflx", "prflx", "relay" };
  static const char *const tcptypes[] = { "active", "passive", "so" };
  g_auto (GStrv) f = split_fields (value);
  guint n = g_strv_length (f);
  guint64 component, priority, port, rport = 0;
  const char *transport, *type = NULL, *raddr = NULL, *rport_text = NULL, *tcptype = NULL;
  gboolean mdns = FALSE;
  g_autofree char *quoted = NULL;
  GString *out;

  if (n < 8)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                   "missing fields: expected \"<foundation> <component> <transport> <priority> "
                   "<address> <port> typ <type>\"");
      return FALSE;
    }

  if (!is_ice_string (f[0], 1, 32))
    {
      quoted = excerpt (f[0]);
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                   "foundation \"%s\" is not 1 to 32 letters, digits, \"+\" or \"/\"", quoted);
      return FALSE;
    }

  if (!parse_number (f[1], "component", 1, 256, &component, error))
    return FALSE;

  if (g_ascii_strcasecmp (f[2], "UDP") == 0)
    transport = "UDP";
  else if (g_ascii_strcasecmp (f[2], "TCP") == 0)
    transport = "TCP";
  else
    {
      quoted = excerpt (f[2]);
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   "transport \"%s\" is not UDP or TCP", quoted);
      return FALSE;
    }

  if (!parse_number (f[3], "priority", 1, G_MAXUINT32, &priority, error))
    return FALSE;

  if (!is_ip_address (f[4]))
    {
      if (!is_mdns_name (f[4]))
        {
          quoted = excerpt (f[4]);
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                       "address \"%s\" is not an IP address or an mDNS .local name", quoted);
          return FALSE;
        }
      mdns = TRUE;
    }

  if (!parse_number (f[5], "port", 0, G_MAXUINT16, &port, error))
    return FALSE;

  if (g_ascii_strcasecmp (f[6], "typ") != 0)
    {
      quoted = excerpt (f[6]);
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                   "expected \"typ\" after the port, found \"%s\"", quoted);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_ascii_strcasecmp (f[7], types[i]) == 0)
      type = types[i];
  if (type == NULL)
    {
      quoted = excerpt (f[7]);
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   "candidate type \"%s\" is not host, srflx, prflx or relay", quoted);
      return FALSE;
    }

  /* Extensions come in name/value pairs; Chrome adds generation, ufrag,
   * network-id and network-cost, which mean nothing to libnice. */
  for (guint i = 8; i < n; i += 2)
    {
      const char *name = f[i];
      const char *val = f[i + 1];

      if (val == NULL)
        {
          quoted = excerpt (name);
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                       "extension \"%s\" has no value", quoted);
          return FALSE;
        }

      if (g_ascii_strcasecmp (name, "raddr") == 0 || g_ascii_strcasecmp (name, "rport") == 0
          || g_ascii_strcasecmp (name, "tcptype") == 0)
        {
          const char **slot = g_ascii_strcasecmp (name, "raddr") == 0   ? &raddr
                              : g_ascii_strcasecmp (name, "rport") == 0 ? &rport_text
                                                                        : &tcptype;
          if (*slot != NULL)
            {
              g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX, "a second %s",
                           slot == &raddr        ? "raddr"
                           : slot == &rport_text ? "rport"
                                                 : "tcptype");
              return FALSE;
            }
          *slot = val;
        }
    }

  if ((raddr == NULL) != (rport_text == NULL))
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                   "raddr and rport must come together");
      return FALSE;
    }
  if (rport_text != NULL && !parse_number (rport_text, "rport", 0, G_MAXUINT16, &rport, error))
    return FALSE;
  if (raddr != NULL && !is_ip_address (raddr))
    {
      /* The related address is informational (RFC 8445 5.1.3); an mDNS
       * one is simply left out. */
      if (!is_mdns_name (raddr))
        {
          quoted = excerpt (raddr);
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                       "raddr \"%s\" is not an IP address", quoted);
          return FALSE;
        }
      raddr = NULL;
    }

  if (tcptype != NULL)
    {
      const char *known = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (tcptypes); i++)
        if (g_ascii_strcasecmp (tcptype, tcptypes[i]) == 0)
          known = tcptypes[i];
      if (known == NULL)
        {
          quoted = excerpt (tcptype);
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                       "tcptype \"%s\" is not active, passive or so", quoted);
          return FALSE;
        }
      tcptype = known;
    }
  if (strcmp (transport, "TCP") == 0 && tcptype == NULL)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   "a TCP candidate needs a tcptype (RFC 6544)");
      return FALSE;
    }

  if (mdns)
    *use = CANDIDATE_MDNS;
  else if (component != 1)
    *use = CANDIDATE_OTHER_COMPONENT;
  else
    *use = CANDIDATE_USABLE;

  if (*use != CANDIDATE_USABLE || normalized == NULL)
    return TRUE;

  out = g_string_new (NULL);
  g_string_append_printf (out, "candidate:%s %u %s %u %s %u typ %s", f[0], (guint) component,
                          transport, (guint) priority, f[4], (guint) port, type);
  if (raddr != NULL)
    g_string_append_printf (out, " raddr %s rport %u", raddr, (guint) rport);
  if (strcmp (transport, "TCP") == 0)
    g_string_append_printf (out, " tcptype %s", tcptype);
  *normalized = g_string_free (out, FALSE);

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Other attribute values                                                   */
/* ------------------------------------------------------------------------ */

static const struct
{
  const char *name;
  guint bytes;
} hash_functions[] = {
  { "sha-1", 20 }, { "sha-224", 28 }, { "sha-256", 32 }, { "sha-384", 48 }, { "sha-512", 64 },
};

/* RFC 8122: "<hash-func> <hex pairs separated by colons>". Normalized to
 * the lower-case name and upper-case hex the RFC recommends, so that the
 * DTLS layer can compare strings. */
static gboolean
parse_fingerprint (const char *value, char **normalized, GError **error)
{
  g_auto (GStrv) f = split_fields (value);
  g_autofree char *quoted = NULL;
  const char *name = NULL;
  guint bytes = 0;
  gsize len;

  if (g_strv_length (f) != 2)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                   "expected \"<hash function> <hex bytes>\", e.g. \"sha-256 AB:CD:...\"");
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (hash_functions); i++)
    if (g_ascii_strcasecmp (f[0], hash_functions[i].name) == 0)
      {
        name = hash_functions[i].name;
        bytes = hash_functions[i].bytes;
      }
  if (name == NULL)
    {
      quoted = excerpt (f[0]);
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_UNSUPPORTED,
                   "hash function \"%s\" is not supported (sha-1, sha-256, sha-384 or sha-512)",
                   quoted);
      return FALSE;
    }

  len = strlen (f[1]);
  for (gsize i = 0; i < len; i++)
    if (i % 3 == 2 ? f[1][i] != ':' : !g_ascii_isxdigit (f[1][i]))
      len = 0;
  if (len != bytes * 3 - 1)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   "a %s fingerprint must be %u hex byte pairs separated by \":\"", name, bytes);
      return FALSE;
    }

  *normalized = g_strdup_printf ("%s %s", name, f[1]);
  for (char *c = *normalized + strlen (name) + 1; *c != '\0'; c++)
    *c = g_ascii_toupper (*c);
  return TRUE;
}

static gboolean
parse_setup (const char *value, char **normalized, GError **error)
{
  static const char *const roles[] = { "actpass", "active", "passive" };
  g_autofree char *stripped = g_strstrip (g_strdup (value));
  g_autofree char *quoted = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (g_ascii_strcasecmp (stripped, roles[i]) == 0)
      {
        *normalized = g_strdup (roles[i]);
        return TRUE;
      }

  quoted = excerpt (stripped);
  g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
               "setup \"%s\" is not actpass, active or passive", quoted);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* The writer                                                               */
/* ------------------------------------------------------------------------ */

ConfabSdp *
confab_sdp_new (ConfabSdpType type)
{
  ConfabSdp *sdp = g_new0 (ConfabSdp, 1);

  sdp->type = type;
  /* JSEP (RFC 8829 5.2.1) asks for 63 random bits, so that the value stays
   * positive for parsers that read it as a signed 64-bit number. */
  sdp->session_id = (((guint64) g_random_int () << 32) | g_random_int ())
                    & G_GUINT64_CONSTANT (0x7fffffffffffffff);
  sdp->candidates = g_ptr_array_new_with_free_func (g_free);
  sdp->audio_pt = CONFAB_SDP_DEFAULT_AUDIO_PT;
  sdp->video_pt = CONFAB_SDP_DEFAULT_VIDEO_PT;

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
  if (parse_candidate (candidate + strlen ("candidate:"), &use, &normalized, NULL)
      && normalized != NULL)
    g_ptr_array_add (sdp->candidates, normalized);
  else
    g_ptr_array_add (sdp->candidates, g_strdup (candidate));
}

static void
append_media (GString *out, const ConfabSdp *sdp, gboolean audio)
{
  guint pt = audio ? sdp->audio_pt : sdp->video_pt;
  guint32 ssrc = audio ? sdp->audio_ssrc : sdp->video_ssrc;

  /* Without DTLS there is no SRTP: claiming SAVPF would be a lie that
   * browsers and GStreamer's webrtcbin would act upon. */
  g_string_append_printf (out, "m=%s 9 %s %u", audio ? "audio" : "video",
                          sdp->fingerprint != NULL ? "UDP/TLS/RTP/SAVPF" : "RTP/AVPF", pt);
  if (!audio && sdp->flexfec_pt != 0)
    g_string_append_printf (out, " %u", sdp->flexfec_pt);
  g_string_append (out, "\r\n");
  g_string_append (out, "c=IN IP4 0.0.0.0\r\n");
  g_string_append_printf (out, "a=mid:%s\r\n", audio ? MID_AUDIO : MID_VIDEO);
  /* BUNDLE: both sections name the one transport, as browsers write it. */
  if (sdp->ice_ufrag != NULL)
    g_string_append_printf (out, "a=ice-ufrag:%s\r\n", sdp->ice_ufrag);
  if (sdp->ice_pwd != NULL)
    g_string_append_printf (out, "a=ice-pwd:%s\r\n", sdp->ice_pwd);
  if (sdp->fingerprint != NULL)
    g_string_append_printf (out, "a=fingerprint:%s\r\n", sdp->fingerprint);
  if (sdp->setup != NULL)
    g_string_append_printf (out, "a=setup:%s\r\n", sdp->setup);
  g_string_append (out, "a=sendrecv\r\n");
  g_string_append (out, "a=rtcp-mux\r\n");
  if (audio)
    {
      g_string_append_printf (out, "a=rtpmap:%u opus/48000/2\r\n", pt);
      g_string_append_printf (out, "a=fmtp:%u minptime=10;useinbandfec=1\r\n", pt);
    }
  else
    {
      g_string_append_printf (out, "a=rtpmap:%u VP8/90000\r\n", pt);
      g_string_append_printf (out, "a=rtcp-fb:%u nack\r\n", pt);
      g_string_append_printf (out, "a=rtcp-fb:%u nack pli\r\n", pt);
      if (sdp->flexfec_pt != 0)
        {
          /* The window in microseconds, as browsers write it. */
          g_string_append_printf (out, "a=rtpmap:%u flexfec-03/90000\r\n", sdp->flexfec_pt);
          g_string_append_printf (out, "a=fmtp:%u repair-window=10000000\r\n", sdp->flexfec_pt);
        }
    }
  if (!audio && ssrc != 0 && sdp->flexfec_pt != 0 && sdp->video_fec_ssrc != 0)
    g_string_append_printf (out, "a=ssrc-group:FEC-FR %u %u\r\n", ssrc, sdp->video_fec_ssrc);
  if (ssrc != 0)
    g_string_append_printf (out, "a=ssrc:%u cname:confab\r\n", ssrc);
  if (!audio && ssrc != 0 && sdp->flexfec_pt != 0 && sdp->video_fec_ssrc != 0)
    g_string_append_printf (out, "a=ssrc:%u cname:confab\r\n", sdp->video_fec_ssrc);
  /* BUNDLE lets the candidates live in the first section only (RFC 9143). */
  if (audio)
    for (guint i = 0; i < sdp->candidates->len; i++)
      g_string_append_printf (out, "a=%s\r\n",
                              (const char *) g_ptr_array_index (sdp->candidates, i));
  g_string_append (out, "a=end-of-candidates\r\n");
}

char *
confab_sdp_to_string (const ConfabSdp *sdp)
{
  GString *out;

  g_return_val_if_fail (sdp != NULL, NULL);

  out = g_string_new ("v=0\r\n");
  g_string_append_printf (out, "o=- %" G_GUINT64_FORMAT " 2 IN IP4 127.0.0.1\r\n", sdp->session_id);
  g_string_append_printf (out, "s=Confab %s\r\n", confab_sdp_type_to_string (sdp->type));
  g_string_append (out, "t=0 0\r\n");
  g_string_append (out, "a=group:BUNDLE " MID_AUDIO " " MID_VIDEO "\r\n");
  append_media (out, sdp, TRUE);
  append_media (out, sdp, FALSE);

  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------ */
/* First pass: from a paste to logical lines                                */
/* ------------------------------------------------------------------------ */

typedef struct
{
  char *text;      /* stripped, wrapped pieces joined */
  guint line;      /* 1-based physical line where it starts */
  gsize first_len; /* length of the piece on that line */
} SdpLine;

static void
sdp_line_clear (gpointer data)
{
  SdpLine *l = data;

  g_free (l->text);
}

static guint
line_of_offset (const char *text, gsize offset)
{
  guint line = 1;

  for (gsize i = 0; i < offset; i++)
    if (text[i] == '\n' || (text[i] == '\r' && text[i + 1] != '\n'))
      line++;
  return line;
}

static gboolean
check_encoding (const char *text, gsize len, GError **error)
{
  const char *nul = memchr (text, '\0', len);
  const char *end;

  if (nul != NULL)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                   "line %u: the text contains a NUL byte; the paste is garbled",
                   line_of_offset (text, nul - text));
      return FALSE;
    }
  if (!g_utf8_validate_len (text, len, &end))
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                   "line %u: the text is not valid UTF-8; the paste is garbled",
                   line_of_offset (text, end - text));
      return FALSE;
    }
  return TRUE;
}

/* Whether a physical line starts a new SDP line rather than continuing a
 * wrapped one. "<letter>=" alone is too weak: a hard wrap inside
 * "useinbandfec=1" leaves a piece "c=1", inside "minptime=10" one "e=10".
 * So a piece only starts a line when its letter may appear at this point
 * (RFC 8866 5: inside a media section only i, c, b, k, a and m) and, for the
 * letters that have one, when it starts the way that line must. */
static gboolean
starts_sdp_line (const char *s, gboolean in_media)
{
  const char *v = s + 2;

  if (!g_ascii_islower (s[0]) || s[1] != '=')
    return FALSE;

  /* A second blob pasted after the first. */
  if (g_str_has_prefix (s, "v=0"))
    {
      for (v = s + 3; g_ascii_isspace (*v); v++)
        ;
      if (*v == '\0')
        return TRUE;
      v = s + 2;
    }

  switch (s[0])
    {
    case 'o':
    case 's':
    case 'u':
    case 'e':
    case 'p':
    case 't':
    case 'r':
    case 'z':
      return !in_media;
    case 'i':
    case 'k':
      return TRUE;
    case 'c':
      return g_str_has_prefix (v, "IN ");
    case 'a':
      return g_ascii_isalpha (*v);
    case 'b':
      if (!g_ascii_isalpha (*v))
        return FALSE;
      while (g_ascii_isalnum (*v) || *v == '-')
        v++;
      return *v == ':';
    case 'm':
      if (!g_ascii_isalpha (*v))
        return FALSE;
      while (g_ascii_isalpha (*v))
        v++;
      return *v == ' ' || *v == '\t';
    default:
      return FALSE;
    }
}

/* Undoes the damage chat clients do besides wrapping: no-break spaces for
 * spaces, and zero-width spaces or stray BOMs at the wrap points. */
static char *
normalize_physical_line (const char *start, gsize len)
{
  GString *out = g_string_sized_new (len);

  for (gsize i = 0; i < len;)
    {
      if (len - i >= 2 && memcmp (start + i, "\xC2\xA0", 2) == 0)
        {
          g_string_append_c (out, ' ');
          i += 2;
        }
      else if (len - i >= 3
               && (memcmp (start + i, "\xE2\x80\x8B", 3) == 0
                   || memcmp (start + i, "\xEF\xBB\xBF", 3) == 0))
        i += 3;
      else
        g_string_append_c (out, start[i++]);
    }

  return g_string_free (out, FALSE);
}

static void
flush_line (GArray *lines, GString **current, guint line, gsize first_len)
{
  SdpLine l;

  if (*current == NULL)
    return;
  l.text = g_string_free (*current, FALSE);
  l.line = line;
  l.first_len = first_len;
  g_array_append_val (lines, l);
  *current = NULL;
}

static GArray *
split_lines (const char *text, gsize len, GError **error)
{
  g_autoptr (GArray) lines = g_array_new (FALSE, FALSE, sizeof (SdpLine));
  GString *current = NULL;
  guint current_line = 0;
  gsize current_first_len = 0;
  const char *p = text;
  const char *end = text + len;
  guint line = 0;
  gboolean break_had_space = FALSE;
  gboolean in_media = FALSE;

  g_array_set_clear_func (lines, sdp_line_clear);

  if (len >= 3 && memcmp (p, "\xEF\xBB\xBF", 3) == 0)
    p += 3;

  while (p < end)
    {
      const char *eol = p;
      g_autofree char *raw = NULL;
      char *s;
      gboolean leading, trailing, new_line;
      gsize raw_len;

      while (eol < end && *eol != '\r' && *eol != '\n')
        eol++;
      line++;
      raw = normalize_physical_line (p, eol - p);
      p = eol;
      if (p < end && *p == '\r')
        {
          p++;
          if (p < end && *p == '\n')
            p++;
        }
      else if (p < end)
        p++;

      raw_len = strlen (raw);
      leading = raw_len > 0 && g_ascii_isspace (raw[0]);
      trailing = raw_len > 0 && g_ascii_isspace (raw[raw_len - 1]);
      s = g_strchug (raw);

      if (*s == '\0')
        {
          /* A blank line inside a wrapped line is as good as a space. */
          break_had_space = TRUE;
          continue;
        }

      /* Judged before the trailing space goes: a wrap right after
       * "m=video " leaves that space as the only sign of a new line. */
      new_line = current == NULL || starts_sdp_line (s, in_media);
      g_strchomp (s);

      if (new_line)
        {
          flush_line (lines, &current, current_line, current_first_len);
          current = g_string_new (s);
          current_line = line;
          current_first_len = strlen (s);
          if (s[0] == 'm')
            in_media = TRUE;
        }
      else
        {
          /* A mail client breaks at a space, a chat window anywhere. */
          if (break_had_space || leading)
            g_string_append_c (current, ' ');
          g_string_append (current, s);
        }
      break_had_space = trailing;
    }
  flush_line (lines, &current, current_line, current_first_len);

  if (lines->len == 0)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_EMPTY,
                   "nothing was pasted (only white space)");
      return NULL;
    }
  if (line > CONFAB_SDP_MAX_LINES)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_TOO_LARGE,
                   "the blob has %u lines; at most %u are accepted", line, CONFAB_SDP_MAX_LINES);
      return NULL;
    }

  return g_steal_pointer (&lines);
}

/* ------------------------------------------------------------------------ */
/* Second pass: lines to fields                                             */
/* ------------------------------------------------------------------------ */

typedef struct
{
  char *value;
  guint line; /* 0 when absent */
} Value;

static void
value_clear (Value *v)
{
  g_clear_pointer (&v->value, g_free);
  v->line = 0;
}

typedef struct
{
  guint pt;
  char *encoding; /* "opus/48000/2" as written */
  guint line;
} Rtpmap;

static void
rtpmap_clear (gpointer data)
{
  Rtpmap *r = data;

  g_free (r->encoding);
}

typedef struct
{
  gboolean audio;
  guint line;
  GArray *formats; /* guint */
  GArray *rtpmaps; /* Rtpmap */
  Value mid, ufrag, pwd, fingerprint, setup;
  guint rtcp_mux_line;
  gboolean end_of_candidates;
  gboolean have_ssrc;
  guint32 ssrc;
  gboolean have_fec_ssrc; /* from the first a=ssrc-group:FEC-FR */
  guint32 fec_ssrc;
} Section;

typedef struct
{
  guint origin_line;
  guint64 session_id;
  Value session_name;
  Value ufrag, pwd, fingerprint, setup;
  GStrv bundle; /* mids, NULL when there is no a=group:BUNDLE */
  guint bundle_line;
  gboolean end_of_candidates;

  /* Confab talks to exactly one m=audio followed by one m=video. */
  Section sections[2];
  guint n_sections;

  GPtrArray *candidates;
  guint n_candidate_lines;
  guint n_mdns;
} Parser;

static void
parser_init (Parser *p)
{
  memset (p, 0, sizeof *p);
  p->candidates = g_ptr_array_new_with_free_func (g_free);
}

static void
section_clear (Section *s)
{
  g_clear_pointer (&s->formats, g_array_unref);
  g_clear_pointer (&s->rtpmaps, g_array_unref);
  value_clear (&s->mid);
  value_clear (&s->ufrag);
  value_clear (&s->pwd);
  value_clear (&s->fingerprint);
  value_clear (&s->setup);
}

static void
parser_clear (Parser *p)
{
  value_clear (&p->session_name);
  value_clear (&p->ufrag);
  value_clear (&p->pwd);
  value_clear (&p->fingerprint);
  value_clear (&p->setup);
  g_clear_pointer (&p->bundle, g_strfreev);
  for (guint i = 0; i < p->n_sections; i++)
    section_clear (&p->sections[i]);
  g_clear_pointer (&p->candidates, g_ptr_array_unref);
}

static const char *
section_name (const Section *s)
{
  return s->audio ? "m=audio" : "m=video";
}

/* Stores a single-valued attribute; a second one at the same level is
 * rejected, since which one wins would be a guess. */
static gboolean
set_value (Value *v, const char *name, char *value, guint line, GError **error)
{
  if (v->line != 0)
    {
      g_free (value);
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   "a second a=%s line (the first is line %u)", name, v->line);
      return FALSE;
    }
  v->value = value;
  v->line = line;
  return TRUE;
}

static gboolean
parse_media_line (Parser *p, const SdpLine *l, const char **field, GError **error)
{
  g_auto (GStrv) f = split_fields (l->text + 2);
  g_autofree char *quoted = NULL;
  gboolean audio;
  Section *s;
  guint64 port;

  *field = "m=";
  if (g_strv_length (f) < 4)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                   "expected \"m=<media> <port> <protocol> <formats>\"");
      return FALSE;
    }

  if (strcmp (f[0], "audio") == 0)
    audio = TRUE;
  else if (strcmp (f[0], "video") == 0)
    audio = FALSE;
  else
    {
      quoted = excerpt (f[0]);
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_UNSUPPORTED,
                   "m=%s is not supported; Confab needs one m=audio and one m=video", quoted);
      return FALSE;
    }
  *field = audio ? "m=audio" : "m=video";

  if (p->n_sections == 2)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_UNSUPPORTED,
                   "a third m-section; Confab needs exactly one m=audio and one m=video");
      return FALSE;
    }
  if (audio != (p->n_sections == 0))
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_UNSUPPORTED,
                   audio ? "a second m=audio section; Confab needs m=audio then m=video"
                         : "m=video before m=audio; Confab needs m=audio then m=video");
      return FALSE;
    }

  if (!parse_number (f[1], "port", 0, G_MAXUINT16, &port, error))
    return FALSE;

  if (strcmp (f[2], "RTP/AVPF") != 0 && strcmp (f[2], "RTP/SAVPF") != 0
      && strcmp (f[2], "UDP/TLS/RTP/SAVPF") != 0)
    {
      quoted = excerpt (f[2]);
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_UNSUPPORTED,
                   "protocol \"%s\" is not RTP/AVPF, RTP/SAVPF or UDP/TLS/RTP/SAVPF", quoted);
      return FALSE;
    }

  s = &p->sections[p->n_sections++];
  s->audio = audio;
  s->line = l->line;
  s->formats = g_array_new (FALSE, FALSE, sizeof (guint));
  s->rtpmaps = g_array_new (FALSE, FALSE, sizeof (Rtpmap));
  g_array_set_clear_func (s->rtpmaps, rtpmap_clear);

  for (guint i = 3; f[i] != NULL; i++)
    {
      guint64 pt;
      guint format;

      if (!parse_number (f[i], "payload type", 0, 127, &pt, error))
        return FALSE;
      format = pt;
      g_array_append_val (s->formats, format);
    }

  return TRUE;
}

static gboolean
parse_rtpmap (Section *s, const char *value, guint line, GError **error)
{
  g_auto (GStrv) f = split_fields (value);
  g_auto (GStrv) parts = NULL;
  g_autofree char *quoted = NULL;
  guint64 pt, clock;
  Rtpmap r;

  if (g_strv_length (f) != 2)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                   "expected \"<payload type> <encoding>/<clock rate>[/<channels>]\"");
      return FALSE;
    }
  if (!parse_number (f[0], "payload type", 0, 127, &pt, error))
    return FALSE;

  parts = g_strsplit (f[1], "/", -1);
  if (g_strv_length (parts) < 2 || g_strv_length (parts) > 3 || *parts[0] == '\0')
    {
      quoted = excerpt (f[1]);
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                   "encoding \"%s\" is not \"<name>/<clock rate>[/<channels>]\"", quoted);
      return FALSE;
    }
  if (!parse_number (parts[1], "clock rate", 1, G_MAXUINT32, &clock, error))
    return FALSE;

  for (guint i = 0; i < s->rtpmaps->len; i++)
    if (g_array_index (s->rtpmaps, Rtpmap, i).pt == pt)
      {
        g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                     "a second a=rtpmap for payload type %u (the first is line %u)", (guint) pt,
                     g_array_index (s->rtpmaps, Rtpmap, i).line);
        return FALSE;
      }

  r.pt = pt;
  r.encoding = g_strdup (f[1]);
  r.line = line;
  g_array_append_val (s->rtpmaps, r);
  return TRUE;
}

static const char *const known_attributes[] = {
  "a=candidate",   "a=end-of-candidates",
  "a=ice-ufrag",   "a=ice-pwd",
  "a=fingerprint", "a=setup",
  "a=group",       "a=mid",
  "a=rtcp-mux",    "a=rtpmap",
  "a=fmtp",        "a=ssrc",
  "a=ssrc-group",
};

static gboolean
parse_attribute (Parser *p, const SdpLine *l, const char **field, GError **error)
{
  Section *s = p->n_sections > 0 ? &p->sections[p->n_sections - 1] : NULL;
  const char *colon = strchr (l->text, ':');
  g_autofree char *name = NULL;
  const char *value;
  g_auto (GStrv) f = NULL;
  g_autofree char *quoted = NULL;
  guint64 number;

  name = colon != NULL ? g_strndup (l->text + 2, colon - l->text - 2) : g_strdup (l->text + 2);
  value = colon != NULL ? colon + 1 : NULL;

  /* Name the field in messages only for attributes we know: the name of
   * an unknown one is pasted content. */
  for (guint i = 0; i < G_N_ELEMENTS (known_attributes); i++)
    if (strcmp (name, known_attributes[i] + 2) == 0)
      *field = known_attributes[i];

#define IS(attr) (strcmp (name, attr) == 0)
#define NEEDS_VALUE()                                                                              \
  if (value == NULL || *value == '\0')                                                             \
    {                                                                                              \
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX, "the value is missing");      \
      return FALSE;                                                                                \
    }

  if (IS ("candidate"))
    {
      char *normalized = NULL;
      CandidateUse use;

      NEEDS_VALUE ();
      if (++p->n_candidate_lines > CONFAB_SDP_MAX_CANDIDATES)
        {
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_TOO_LARGE,
                       "more than %u a=candidate lines", CONFAB_SDP_MAX_CANDIDATES);
          return FALSE;
        }
      if (!parse_candidate (value, &use, &normalized, error))
        return FALSE;
      if (use == CANDIDATE_MDNS)
        p->n_mdns++;
      if (normalized == NULL)
        return TRUE;
      /* Each BUNDLE section may repeat the shared transport's candidates. */
      for (guint i = 0; i < p->candidates->len; i++)
        if (strcmp (g_ptr_array_index (p->candidates, i), normalized) == 0)
          {
            g_free (normalized);
            return TRUE;
          }
      g_ptr_array_add (p->candidates, normalized);
      return TRUE;
    }

  if (IS ("end-of-candidates"))
    {
      if (s != NULL)
        s->end_of_candidates = TRUE;
      else
        p->end_of_candidates = TRUE;
      return TRUE;
    }

  if (IS ("ice-ufrag") || IS ("ice-pwd"))
    {
      gboolean ufrag = strcmp (name, "ice-ufrag") == 0;

      NEEDS_VALUE ();
      f = split_fields (value);
      if (g_strv_length (f) != 1 || !is_ice_string (f[0], 0, G_MAXSIZE))
        {
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                       "only letters, digits, \"+\" and \"/\" may appear in an ICE %s",
                       ufrag ? "username fragment" : "password");
          return FALSE;
        }
      if (!is_ice_string (f[0], ufrag ? 4 : 22, 256))
        {
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                       "the ICE %s has %u characters; it needs %u to 256",
                       ufrag ? "username fragment" : "password", (guint) strlen (f[0]),
                       ufrag ? 4 : 22);
          return FALSE;
        }
      if (ufrag)
        return set_value (s != NULL ? &s->ufrag : &p->ufrag, name, g_strdup (f[0]), l->line, error);
      return set_value (s != NULL ? &s->pwd : &p->pwd, name, g_strdup (f[0]), l->line, error);
    }

  if (IS ("fingerprint"))
    {
      Value *v = s != NULL ? &s->fingerprint : &p->fingerprint;
      char *normalized = NULL;

      NEEDS_VALUE ();
      if (!parse_fingerprint (value, &normalized, error))
        return FALSE;
      /* RFC 8122 5 allows several (one per hash function); the first is
       * the one the peer prefers. */
      if (v->line != 0)
        g_free (normalized);
      else
        {
          v->value = normalized;
          v->line = l->line;
        }
      return TRUE;
    }

  if (IS ("setup"))
    {
      char *normalized = NULL;

      NEEDS_VALUE ();
      if (!parse_setup (value, &normalized, error))
        return FALSE;
      return set_value (s != NULL ? &s->setup : &p->setup, name, normalized, l->line, error);
    }

  if (IS ("group"))
    {
      NEEDS_VALUE ();
      f = split_fields (value);
      if (f[0] == NULL || g_ascii_strcasecmp (f[0], "BUNDLE") != 0)
        return TRUE; /* LS, FID and friends: nothing for us */
      if (p->bundle != NULL)
        {
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                       "a second BUNDLE group (the first is line %u)", p->bundle_line);
          return FALSE;
        }
      p->bundle = g_steal_pointer (&f);
      p->bundle_line = l->line;
      return TRUE;
    }

  /* The rest only means something inside a media section. */
  if (s == NULL)
    return TRUE;

  if (IS ("mid"))
    {
      NEEDS_VALUE ();
      f = split_fields (value);
      if (g_strv_length (f) != 1)
        {
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX, "a media id is one word");
          return FALSE;
        }
      return set_value (&s->mid, name, g_strdup (f[0]), l->line, error);
    }

  if (IS ("rtcp-mux"))
    {
      s->rtcp_mux_line = l->line;
      return TRUE;
    }

  if (IS ("rtpmap"))
    {
      NEEDS_VALUE ();
      return parse_rtpmap (s, value, l->line, error);
    }

  if (IS ("fmtp"))
    {
      /* Opus's useinbandfec=1 is a wish about what we send, not a
       * condition for talking; only the syntax is checked. */
      NEEDS_VALUE ();
      f = split_fields (value);
      return parse_number (f[0] != NULL ? f[0] : "", "payload type", 0, 127, &number, error);
    }

  if (IS ("ssrc"))
    {
      NEEDS_VALUE ();
      f = split_fields (value);
      if (!parse_number (f[0] != NULL ? f[0] : "", "ssrc", 0, G_MAXUINT32, &number, error))
        return FALSE;
      /* The first is the media stream; later ones are RTX or FEC. */
      if (!s->have_ssrc)
        {
          s->have_ssrc = TRUE;
          s->ssrc = number;
        }
      return TRUE;
    }

  if (IS ("ssrc-group"))
    {
      guint64 media_ssrc;

      NEEDS_VALUE ();
      f = split_fields (value);
      /* RFC 5956: FEC-FR <media SSRC> <repair SSRC>; other groups (FID
       * for RTX, SIM) are not needed here. */
      if (f[0] == NULL || g_ascii_strcasecmp (f[0], "FEC-FR") != 0 || s == NULL || s->audio)
        return TRUE;
      if (g_strv_length (f) != 3)
        {
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                       "expected \"FEC-FR <media ssrc> <repair ssrc>\"");
          return FALSE;
        }
      if (!parse_number (f[1], "ssrc", 0, G_MAXUINT32, &media_ssrc, error)
          || !parse_number (f[2], "ssrc", 0, G_MAXUINT32, &number, error))
        return FALSE;
      if (!s->have_fec_ssrc)
        {
          s->have_fec_ssrc = TRUE;
          s->fec_ssrc = number;
        }
      return TRUE;
    }

#undef NEEDS_VALUE
#undef IS

  /* extmap, msid, rtcp-fb, sendrecv, ssrc-group...: not needed here. */
  return TRUE;
}

static gboolean
parse_line (Parser *p, const SdpLine *l, const char **field, GError **error)
{
  g_auto (GStrv) f = NULL;
  guint64 id;

  switch (l->text[0])
    {
    case 'v':
      *field = "v=";
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                   "a second blob starts here; paste one blob only");
      return FALSE;

    case 'o':
      *field = "o=";
      if (p->origin_line != 0)
        {
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                       "a second o= line (the first is line %u)", p->origin_line);
          return FALSE;
        }
      f = split_fields (l->text + 2);
      if (g_strv_length (f) != 6)
        {
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                       "expected \"o=<user> <session id> <version> IN IP4 <address>\"");
          return FALSE;
        }
      if (!parse_number (f[1], "session id", 0, G_MAXUINT64, &id, error))
        return FALSE;
      p->origin_line = l->line;
      p->session_id = id;
      return TRUE;

    case 's':
      *field = "s=";
      if (p->session_name.line != 0)
        {
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                       "a second s= line (the first is line %u)", p->session_name.line);
          return FALSE;
        }
      p->session_name.value = g_strdup (l->text + 2);
      p->session_name.line = l->line;
      return TRUE;

    case 'm':
      return parse_media_line (p, l, field, error);

    case 'a':
      *field = "a=";
      return parse_attribute (p, l, field, error);

    default:
      /* t=, c=, b=, i= and the rest carry nothing ICE or RTP needs. */
      return TRUE;
    }
}

/* ------------------------------------------------------------------------ */
/* Checks on the whole                                                      */
/* ------------------------------------------------------------------------ */

static ConfabSdpType
infer_type (const Parser *p, ConfabSdpType expected)
{
  const char *setup = NULL;

  if (g_strcmp0 (p->session_name.value, "Confab offer") == 0)
    return CONFAB_SDP_OFFER;
  if (g_strcmp0 (p->session_name.value, "Confab answer") == 0)
    return CONFAB_SDP_ANSWER;

  /* Someone else's SDP: RFC 5763 5 makes the offerer say actpass and the
   * answerer choose a role. */
  if (p->setup.value != NULL)
    setup = p->setup.value;
  for (guint i = 0; setup == NULL && i < p->n_sections; i++)
    setup = p->sections[i].setup.value;
  if (setup == NULL)
    return expected;
  return strcmp (setup, "actpass") == 0 ? CONFAB_SDP_OFFER : CONFAB_SDP_ANSWER;
}

/* Session-level values apply to both sections unless a section has its
 * own; with BUNDLE there is one transport, so the two must be the same. */
static gboolean
agree (const char *name, const Value *session, const Value *audio, const Value *video,
       gboolean required, char **out, GError **error)
{
  const Value *a = audio->line != 0 ? audio : session;
  const Value *v = video->line != 0 ? video : session;

  if (a->line == 0 && v->line == 0)
    {
      if (required)
        g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_MISSING, "no a=%s line", name);
      return !required;
    }
  if (a->line != 0 && v->line != 0 && strcmp (a->value, v->value) != 0)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   "line %u (a=%s): m=video's value differs from m=audio's (line %u), "
                   "but BUNDLE shares one transport",
                   v->line, name, a->line);
      return FALSE;
    }
  *out = g_strdup ((a->line != 0 ? a : v)->value);
  return TRUE;
}

static gboolean
find_codec (const Section *s, const char *codec, const char *encoding, guint *pt, GError **error)
{
  g_autoptr (GString) found = g_string_new (NULL);
  g_autofree char *quoted = NULL;

  for (guint i = 0; i < s->formats->len; i++)
    {
      guint format = g_array_index (s->formats, guint, i);

      for (guint j = 0; j < s->rtpmaps->len; j++)
        {
          const Rtpmap *r = &g_array_index (s->rtpmaps, Rtpmap, j);
          gsize name_len = strcspn (r->encoding, "/");

          if (r->pt != format)
            continue;
          if (g_ascii_strcasecmp (r->encoding, encoding) == 0)
            {
              if (format < FIRST_DYNAMIC_PT)
                {
                  g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                               "line %u (a=rtpmap): %s on payload type %u, which is not a "
                               "dynamic one (%u to %u)",
                               r->line, codec, format, FIRST_DYNAMIC_PT, LAST_DYNAMIC_PT);
                  return FALSE;
                }
              *pt = format;
              return TRUE;
            }
          /* Repair packets are not a codec to offer instead. */
          if (name_len == strlen ("flexfec-03")
              && g_ascii_strncasecmp (r->encoding, "flexfec-03", name_len) == 0)
            continue;
          /* Browsers list H264 once per profile; name each codec once. */
          g_autofree char *codec_name = g_strndup (r->encoding, name_len);
          g_autofree char *needle = g_strdup_printf (", %s,", codec_name);
          g_autofree char *haystack = g_strdup_printf (", %s,", found->str);

          if (strstr (haystack, needle) != NULL)
            continue;
          if (found->len > 0)
            g_string_append (found, ", ");
          g_string_append (found, codec_name);
        }
    }

  quoted = excerpt (found->len > 0 ? found->str : "nothing");
  g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_UNSUPPORTED,
               "line %u (%s): %s offers no %s (found %s)", s->line, section_name (s),
               section_name (s), codec, quoted);
  return FALSE;
}

/* FlexFEC is optional: absent, *pt stays 0. */
static gboolean
find_flexfec (const Section *s, guint audio_pt, guint video_pt, guint *pt, GError **error)
{
  for (guint i = 0; i < s->formats->len; i++)
    {
      guint format = g_array_index (s->formats, guint, i);

      for (guint j = 0; j < s->rtpmaps->len; j++)
        {
          const Rtpmap *r = &g_array_index (s->rtpmaps, Rtpmap, j);
          gsize name_len = strcspn (r->encoding, "/");

          if (r->pt != format || name_len != strlen ("flexfec-03")
              || g_ascii_strncasecmp (r->encoding, "flexfec-03", name_len) != 0)
            continue;
          if (g_ascii_strcasecmp (r->encoding, "flexfec-03/90000") != 0)
            {
              g_autofree char *quoted = excerpt (r->encoding);

              g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                           "line %u (a=rtpmap): FlexFEC as \"%s\"; it needs a clock rate of "
                           "90000",
                           r->line, quoted);
              return FALSE;
            }
          if (format < FIRST_DYNAMIC_PT)
            {
              g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                           "line %u (a=rtpmap): FlexFEC on payload type %u, which is not a "
                           "dynamic one (%u to %u)",
                           r->line, format, FIRST_DYNAMIC_PT, LAST_DYNAMIC_PT);
              return FALSE;
            }
          if (format == audio_pt || format == video_pt)
            {
              g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                           "line %u (a=rtpmap): FlexFEC on payload type %u, which %s already "
                           "uses on this transport",
                           r->line, format, format == audio_pt ? "Opus" : "VP8");
              return FALSE;
            }
          *pt = format;
          return TRUE;
        }
    }

  return TRUE;
}

static gboolean
check_section (const Parser *p, const Section *s, GError **error)
{
  if (s->mid.line == 0)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_MISSING,
                   "line %u (%s): the section has no a=mid line", s->line, section_name (s));
      return FALSE;
    }
  if (!g_strv_contains ((const char *const *) p->bundle, s->mid.value))
    {
      g_autofree char *quoted = excerpt (s->mid.value);

      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   "line %u (a=group): BUNDLE does not name %s's mid \"%s\"", p->bundle_line,
                   section_name (s), quoted);
      return FALSE;
    }
  if (s->rtcp_mux_line == 0)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_MISSING,
                   "line %u (%s): no a=rtcp-mux; Confab needs RTP and RTCP on one port", s->line,
                   section_name (s));
      return FALSE;
    }
  return TRUE;
}

ConfabSdp *
confab_sdp_parse (const char *text, gssize len, ConfabSdpType expected, GError **error)
{
  g_autoptr (GArray) lines = NULL;
  g_autoptr (ConfabSdp) sdp = NULL;
  Parser p;
  const Section *audio, *video;
  const SdpLine *first;
  gboolean complete = FALSE;
  ConfabSdpType type;

  g_return_val_if_fail (text != NULL || len <= 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (text == NULL)
    text = "";
  if (len < 0)
    len = strlen (text);

  if ((gsize) len > CONFAB_SDP_MAX_SIZE)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_TOO_LARGE,
                   "the blob has %" G_GSIZE_FORMAT " bytes; at most %u are accepted", (gsize) len,
                   CONFAB_SDP_MAX_SIZE);
      return NULL;
    }
  if (!check_encoding (text, len, error))
    return NULL;
  lines = split_lines (text, len, error);
  if (lines == NULL)
    return NULL;

  first = &g_array_index (lines, SdpLine, 0);
  if (strcmp (first->text, "v=0") != 0)
    {
      /* What the person sees on that line, not what wrapping made of it. */
      g_autofree char *first_piece = g_strndup (first->text, first->first_len);
      g_autofree char *quoted = excerpt (first_piece);
      const char *hint = "";

      if (first->text[0] == '{' || first->text[0] == '[')
        hint = " (JSON? paste only the SDP text)";
      else if (g_str_has_prefix (first->text, "HTTP/") || first->text[0] == '<')
        hint = " (a web page? paste only the SDP text)";
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                   "line %u: expected \"v=0\", found \"%s\"%s", first->line, quoted, hint);
      return NULL;
    }

  /* Whether the last m-section closes with a=end-of-candidates decides
   * whether a bad last line is a cut-off one. */
  for (guint i = lines->len; i-- > 0;)
    {
      const char *t = g_array_index (lines, SdpLine, i).text;

      if (strcmp (t, "a=end-of-candidates") == 0)
        complete = TRUE;
      if (complete || g_str_has_prefix (t, "m="))
        break;
    }

  parser_init (&p);

  for (guint i = 1; i < lines->len; i++)
    {
      const SdpLine *l = &g_array_index (lines, SdpLine, i);
      const char *field = NULL;
      g_autoptr (GError) local = NULL;

      if (parse_line (&p, l, &field, &local))
        continue;

      if (i == lines->len - 1 && !complete
          && (local->code == CONFAB_SDP_ERROR_SYNTAX || local->code == CONFAB_SDP_ERROR_INVALID))
        g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_TRUNCATED,
                     "the blob is truncated: its last line (line %u, %s) is cut short", l->line,
                     field);
      else
        {
          g_prefix_error (&local, "line %u (%s): ", l->line, field);
          g_propagate_error (error, g_steal_pointer (&local));
        }
      goto fail;
    }

  /* The wrong blob is the bigger mistake; say so before anything else. */
  type = infer_type (&p, expected);
  if (type != expected)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_WRONG_TYPE,
                   "this is an %s; paste the %s from the other side",
                   confab_sdp_type_to_string (type), confab_sdp_type_to_string (expected));
      goto fail;
    }

  if (p.n_sections < 2)
    {
      g_set_error (
          error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_TRUNCATED, "the blob is truncated: %s missing",
          p.n_sections == 0 ? "the m=audio and m=video sections are" : "the m=video section is");
      goto fail;
    }
  audio = &p.sections[0];
  video = &p.sections[1];
  if (!video->end_of_candidates && !p.end_of_candidates)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_TRUNCATED,
                   "the blob is truncated: no a=end-of-candidates line at the end of m=video "
                   "(or the other side did not wait for all its candidates)");
      goto fail;
    }

  if (p.origin_line == 0 || p.session_name.line == 0)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_MISSING, "no %s line",
                   p.origin_line == 0 ? "o=" : "s=");
      goto fail;
    }
  if (p.bundle == NULL)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_MISSING,
                   "no a=group:BUNDLE line; Confab sends audio and video over one transport");
      goto fail;
    }
  if (!check_section (&p, audio, error) || !check_section (&p, video, error))
    goto fail;
  if (strcmp (audio->mid.value, video->mid.value) == 0)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   "line %u (a=mid): m=video has the same mid as m=audio", video->mid.line);
      goto fail;
    }

  sdp = confab_sdp_new (type);
  sdp->session_id = p.session_id;

  if (!agree ("ice-ufrag", &p.ufrag, &audio->ufrag, &video->ufrag, TRUE, &sdp->ice_ufrag, error)
      || !agree ("ice-pwd", &p.pwd, &audio->pwd, &video->pwd, TRUE, &sdp->ice_pwd, error)
      || !agree ("fingerprint", &p.fingerprint, &audio->fingerprint, &video->fingerprint, FALSE,
                 &sdp->fingerprint, error)
      || !agree ("setup", &p.setup, &audio->setup, &video->setup, FALSE, &sdp->setup, error))
    goto fail;

  if (!find_codec (audio, "Opus", "opus/48000/2", &sdp->audio_pt, error)
      || !find_codec (video, "VP8", "VP8/90000", &sdp->video_pt, error))
    goto fail;
  /* One transport: payload types are what tells the streams apart. */
  if (sdp->audio_pt == sdp->video_pt)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   "line %u (m=video): Opus and VP8 share payload type %u on one transport",
                   video->line, sdp->video_pt);
      goto fail;
    }
  sdp->audio_ssrc = audio->ssrc;
  sdp->video_ssrc = video->ssrc;
  if (!find_flexfec (video, sdp->audio_pt, sdp->video_pt, &sdp->flexfec_pt, error))
    goto fail;
  if (sdp->flexfec_pt != 0 && video->have_fec_ssrc)
    sdp->video_fec_ssrc = video->fec_ssrc;

  if (p.candidates->len == 0)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_MISSING,
                   "no usable a=candidate line%s",
                   p.n_mdns > 0 ? " (only mDNS .local names, which cannot be resolved here)" : "");
      goto fail;
    }
  g_ptr_array_unref (sdp->candidates);
  sdp->candidates = g_steal_pointer (&p.candidates);

  parser_clear (&p);
  return g_steal_pointer (&sdp);

fail:
  parser_clear (&p);
  return NULL;
}
