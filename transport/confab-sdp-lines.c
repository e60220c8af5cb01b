/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The signaling blob's text: the lexical helpers every parsing step
 * shares, and the first pass of the parser, which undoes what chat and
 * mail clients do to text (BOM, line endings, indentation, wrapping) and
 * remembers, for every logical SDP line, the line number the person sees
 * in their paste.
 */

#include "confab-sdp-private.h"

#include <string.h>

/* Enough pasted text in a message to recognise the line, too little to
 * carry a payload into a dialog or a terminal. */
#define EXCERPT_CHARS 40

/* Quotes at most EXCERPT_CHARS characters of pasted text with every control,
 * format (bidi overrides, zero-width) and invalid character escaped, so that
 * a hostile paste cannot reach a terminal or reorder a dialog's text. */
char *
confab_sdp_excerpt (const char *s)
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
GStrv
confab_sdp_split_fields (const char *s)
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

gboolean
confab_sdp_parse_number (const char *s, const char *what, guint64 min, guint64 max, guint64 *out,
                         GError **error)
{
  g_autofree char *quoted = NULL;

  if (is_decimal (s) && g_ascii_string_to_unsigned (s, 10, min, max, out, NULL))
    return TRUE;

  quoted = confab_sdp_excerpt (s);
  if (is_decimal (s))
    g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID, "%s \"%s\" is out of range",
                 what, quoted);
  else
    g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX, "%s \"%s\" is not a number",
                 what, quoted);
  return FALSE;
}

/* RFC 8839: ice-char = ALPHA / DIGIT / "+" / "/" */
gboolean
confab_sdp_is_ice_string (const char *s, gsize min, gsize max)
{
  gsize len = 0;

  for (; *s != '\0'; s++, len++)
    if (!g_ascii_isalnum (*s) && *s != '+' && *s != '/')
      return FALSE;
  return len >= min && len <= max;
}

/* ------------------------------------------------------------------------ */
/* First pass: from a paste to logical lines                                */
/* ------------------------------------------------------------------------ */

void
confab_sdp_clear_leading_string (gpointer data)
{
  g_free (*(char **) data);
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

/* g_utf8_validate_len() stops at a NUL as well: one scan finds both. */
static gboolean
check_encoding (const char *text, gsize len, GError **error)
{
  const char *end;

  if (g_utf8_validate_len (text, len, &end))
    return TRUE;
  g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
               *end == '\0' ? "line %u: the text contains a NUL byte; the paste is garbled"
                            : "line %u: the text is not valid UTF-8; the paste is garbled",
               line_of_offset (text, end - text));
  return FALSE;
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

GArray *
confab_sdp_split_lines (const char *text, gsize len, GError **error)
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

  g_array_set_clear_func (lines, confab_sdp_clear_leading_string);

  if (!check_encoding (text, len, error))
    return NULL;

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

gboolean
confab_sdp_take_input (const char **text, gssize *len, gsize max, const char *what, GError **error)
{
  if (*text == NULL)
    *text = "";
  if (*len < 0)
    *len = strlen (*text);
  if ((gsize) *len <= max)
    return TRUE;
  g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_TOO_LARGE,
               "%s has %" G_GSIZE_FORMAT " bytes; at most %" G_GSIZE_FORMAT " are accepted", what,
               (gsize) *len, max);
  return FALSE;
}

void
confab_sdp_set_wrong_type_error (GError **error, ConfabSdpType found, ConfabSdpType expected)
{
  g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_WRONG_TYPE,
               "this is an %s; paste the %s from the other side", confab_sdp_type_to_string (found),
               confab_sdp_type_to_string (expected));
}
