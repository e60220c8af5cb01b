/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The compact form of the signaling blob (see the header for the frame).
 *
 * Deflate alone does little for a 1.5 KB text: most of an SDP is the same
 * boilerplate every time, and the compressor has not seen any of it yet
 * when it starts. Format 1 therefore compresses against a preset dictionary,
 * a typical Confab blob. GIO's GZlibCompressor has no deflateSetDictionary(),
 * so the same effect is had through the stream itself: the encoder feeds the
 * dictionary, sync-flushes (which ends the block on a byte boundary) and
 * throws that output away; the decoder puts the dictionary back as a stored
 * block in front of the received data and drops it from the output. Later
 * blocks may point back into earlier ones' output however those were coded,
 * so this is plain raw deflate (RFC 1951) from end to end.
 */

#include "confab-sdp-compact.h"
#include "confab-sdp-private.h"

#include <gio/gio.h>
#include <string.h>

#define FRAME_VERSION 1
#define FRAME_TYPE_OFFER 'O'
#define FRAME_TYPE_ANSWER 'A'
#define FRAME_HEADER_LEN 2
#define FRAME_CRC_LEN 4

/* Room for the largest SDP we accept, base64 growth, and a chat that put
 * every character on its own CRLF-terminated line; beyond that nobody is
 * pasting a blob by hand, and scanning it would only cost time. */
#define MAX_TEXT_LEN (8 * CONFAB_SDP_MAX_SIZE)

#define CONVERT_CHUNK 16384

/* Part of format 1: never change a byte of it. A new dictionary is a new
 * frame version. Laid out like our own offer, so that deflate finds long
 * runs; the values that differ per call are left out. */
static const char dictionary[]
    = "v=0\r\n"
      "o=- 2 IN IP4 127.0.0.1\r\n"
      "s=Confab answer\r\n"
      "s=Confab offer\r\n"
      "t=0 0\r\n"
      "a=group:BUNDLE 0 1\r\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
      "a=rtpmap:96 VP8/90000\r\n"
      "a=rtcp-fb:96 nack\r\n"
      "a=rtcp-fb:96 nack pli\r\n"
      "a=candidate:1 1 TCP 1015021823 192.168.1.2 9 typ host tcptype active\r\n"
      "a=candidate:2 1 TCP 1010827519 192.168.1.2 51000 typ host tcptype passive\r\n"
      "a=candidate:3 1 UDP 1677729535 203.0.113.5 51000 typ srflx raddr 192.168.1.2 rport 51000\r\n"
      "a=candidate:4 1 UDP 16777215 198.51.100.7 49152 typ relay raddr 203.0.113.5 rport 51000\r\n"
      "a=setup:active\r\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
      "c=IN IP4 0.0.0.0\r\n"
      "a=mid:0\r\n"
      "a=ice-ufrag:\r\n"
      "a=ice-pwd:\r\n"
      "a=fingerprint:sha-256 \r\n"
      "a=setup:actpass\r\n"
      "a=sendrecv\r\n"
      "a=rtcp-mux\r\n"
      "a=rtpmap:111 opus/48000/2\r\n"
      "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
      "a=ssrc: cname:confab\r\n"
      "a=candidate:1 1 UDP 2130706431 192.168.1.2 51000 typ host\r\n"
      "a=end-of-candidates\r\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
      "c=IN IP4 0.0.0.0\r\n"
      "a=mid:1\r\n"
      "a=ice-ufrag:";

#define DICTIONARY_LEN (sizeof dictionary - 1)
G_STATIC_ASSERT (DICTIONARY_LEN < 32768); /* inside deflate's window, one stored block */

/* ------------------------------------------------------------------------ */
/* CRC-32 and base64url                                                     */
/* ------------------------------------------------------------------------ */

/* The CRC-32 of zip, PNG and Ethernet (reflected polynomial 0xEDB88320):
 * any change of up to 32 consecutive bits is caught, and one wrong base64
 * character touches at most 6 bits spread over two bytes. */
static guint32
crc32_compute (const guint8 *data, gsize len)
{
  static guint32 table[256];
  static gsize table_ready = 0;
  guint32 crc = 0xFFFFFFFFu;

  if (g_once_init_enter (&table_ready))
    {
      for (guint32 i = 0; i < 256; i++)
        {
          guint32 c = i;

          for (guint k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
          table[i] = c;
        }
      g_once_init_leave (&table_ready, 1);
    }

  for (gsize i = 0; i < len; i++)
    crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

static const char base64url_alphabet[]
    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* The URL-safe alphabet because "+" and "/" make chat apps cut links short
 * or turn the text into one; no "=" padding because the length is known. */
static void
base64url_append (GString *out, const guint8 *data, gsize len)
{
  gsize i = 0;

  for (; i + 3 <= len; i += 3)
    {
      guint32 v = (guint32) data[i] << 16 | (guint32) data[i + 1] << 8 | data[i + 2];

      g_string_append_c (out, base64url_alphabet[v >> 18 & 63]);
      g_string_append_c (out, base64url_alphabet[v >> 12 & 63]);
      g_string_append_c (out, base64url_alphabet[v >> 6 & 63]);
      g_string_append_c (out, base64url_alphabet[v & 63]);
    }
  if (len - i == 1)
    {
      guint32 v = (guint32) data[i] << 16;

      g_string_append_c (out, base64url_alphabet[v >> 18 & 63]);
      g_string_append_c (out, base64url_alphabet[v >> 12 & 63]);
    }
  else if (len - i == 2)
    {
      guint32 v = (guint32) data[i] << 16 | (guint32) data[i + 1] << 8;

      g_string_append_c (out, base64url_alphabet[v >> 18 & 63]);
      g_string_append_c (out, base64url_alphabet[v >> 12 & 63]);
      g_string_append_c (out, base64url_alphabet[v >> 6 & 63]);
    }
}

static int
base64url_value (gunichar c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '-')
    return 62;
  if (c == '_')
    return 63;
  return -1;
}

/* ------------------------------------------------------------------------ */
/* Deflate against the dictionary                                           */
/* ------------------------------------------------------------------------ */

static gboolean
deflate_with_dictionary (const char *text, gsize len, GByteArray *out)
{
  g_autoptr (GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW, 9);
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *buf = g_malloc (CONVERT_CHUNK);
  gsize pos = 0, read, written;
  GConverterResult res;

  /* GIO reports the flush done only on a call that has nothing left to
   * give; everything before it is the dictionary's, and dropped. */
  do
    {
      res = g_converter_convert (G_CONVERTER (z), dictionary + pos, DICTIONARY_LEN - pos, buf,
                                 CONVERT_CHUNK, G_CONVERTER_FLUSH, &read, &written, &error);
      if (res == G_CONVERTER_ERROR)
        {
          g_critical ("deflating the dictionary: %s", error->message);
          return FALSE;
        }
      pos += read;
    }
  while (res != G_CONVERTER_FLUSHED || pos < DICTIONARY_LEN);

  pos = 0;
  do
    {
      res = g_converter_convert (G_CONVERTER (z), text + pos, len - pos, buf, CONVERT_CHUNK,
                                 G_CONVERTER_INPUT_AT_END, &read, &written, &error);
      if (res == G_CONVERTER_ERROR)
        {
          g_critical ("deflating the SDP: %s", error->message);
          return FALSE;
        }
      pos += read;
      g_byte_array_append (out, buf, written);
    }
  while (res != G_CONVERTER_FINISHED);

  return TRUE;
}

/* Returns the inflated text after the dictionary, or NULL with @error set.
 * The output never exceeds the dictionary plus CONFAB_SDP_MAX_SIZE + 1
 * bytes, whatever the input claims: a few hundred bytes of deflate can
 * describe gigabytes. */
static char *
inflate_with_dictionary (const guint8 *data, gsize len, GError **error)
{
  const gsize cap = DICTIONARY_LEN + CONFAB_SDP_MAX_SIZE;
  g_autoptr (GZlibDecompressor) z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW);
  g_autoptr (GByteArray) in = g_byte_array_sized_new (5 + DICTIONARY_LEN + len);
  g_autoptr (GByteArray) out = g_byte_array_sized_new (MIN (cap + 1, 4 * 1024));
  /* A stored block, not the last one (RFC 1951, 3.2.4): BFINAL=0 BTYPE=00
   * padded to a byte, then LEN and its one's complement, little endian. */
  const guint8 stored[5] = { 0x00, DICTIONARY_LEN & 0xFF, DICTIONARY_LEN >> 8,
                             ~DICTIONARY_LEN & 0xFF, (~DICTIONARY_LEN >> 8) & 0xFF };
  gsize pos = 0;

  g_byte_array_append (in, stored, sizeof stored);
  g_byte_array_append (in, (const guint8 *) dictionary, DICTIONARY_LEN);
  g_byte_array_append (in, data, len);

  for (;;)
    {
      g_autoptr (GError) local = NULL;
      gsize room = MIN (CONVERT_CHUNK, cap + 1 - out->len);
      gsize old = out->len, read = 0, written = 0;
      GConverterResult res;

      g_byte_array_set_size (out, old + room);
      res = g_converter_convert (G_CONVERTER (z), in->data + pos, in->len - pos, out->data + old,
                                 room, G_CONVERTER_INPUT_AT_END, &read, &written, &local);
      g_byte_array_set_size (out, old + written);
      pos += read;

      if (out->len > cap)
        {
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_TOO_LARGE,
                       "the compact text unpacks to more than %u bytes; a real offer or answer "
                       "is far smaller",
                       CONFAB_SDP_MAX_SIZE);
          return NULL;
        }
      if (res == G_CONVERTER_FINISHED)
        break;
      /* The checksum matched, so this is no copying accident: whatever
       * made the text did not make it the way Confab does. */
      if (res == G_CONVERTER_ERROR || (read == 0 && written == 0))
        {
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                       "the compact text is complete but does not unpack; ask for the plain "
                       "SDP text instead");
          return NULL;
        }
    }

  if (pos != in->len || out->len < DICTIONARY_LEN)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   "the compact text has data after its end; ask for the plain SDP text instead");
      return NULL;
    }
  /* The SDP goes on as a C string: a NUL inside would cut it silently. */
  if (memchr (out->data + DICTIONARY_LEN, '\0', out->len - DICTIONARY_LEN) != NULL)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   "the compact text unpacks to something that is not text");
      return NULL;
    }

  return g_strndup ((const char *) out->data + DICTIONARY_LEN, out->len - DICTIONARY_LEN);
}

/* ------------------------------------------------------------------------ */
/* Reading a paste                                                          */
/* ------------------------------------------------------------------------ */

/* Carry no data, and are what chat and mail clients insert when they wrap,
 * indent or justify: white space of every kind, the BOM, zero-width
 * characters and the soft hyphen. */
static gboolean
is_ignorable (gunichar c)
{
  return g_unichar_isspace (c) || c == 0xFEFF || c == 0x200B || c == 0x200C || c == 0x200D
         || c == 0x2060 || c == 0x00AD;
}

/* What a person selects along with the blob, or types around it: quotes
 * in several scripts, brackets, Markdown marks, and the full stop or comma
 * that ended their sentence. None is in the base64url alphabet. */
static gboolean
is_wrapping (gunichar c)
{
  static const gunichar marks[] = {
    '"',    '\'',   '`',    '<',    '>',    '(',    ')',    '[',    ']',    '*',    '~',    '|',
    '.',    ',',    ';',    '!',    '=',    0x00AB, 0x00BB, 0x2018, 0x2019, 0x201A, 0x201C, 0x201D,
    0x201E, 0x2039, 0x203A, 0x2026, 0x3002, 0x300C, 0x300D, 0x300E, 0x300F, 0xFF0C, 0xFF0E,
  };

  for (guint i = 0; i < G_N_ELEMENTS (marks); i++)
    if (c == marks[i])
      return TRUE;
  return FALSE;
}

typedef struct
{
  const char *p;
  const char *end;
  guint next_line;
  guint next_column;
  gboolean after_cr;

  /* The character last read: */
  gunichar c;
  int bad_byte; /* >= 0 when c is not UTF-8 but this byte */
  guint line;   /* 1-based, as the person sees the paste */
  guint column; /* in characters */
} Reader;

static void
reader_init (Reader *r, const char *text, gsize len)
{
  memset (r, 0, sizeof *r);
  r->p = text;
  r->end = text + len;
  r->next_line = 1;
  r->next_column = 1;
}

/* Reads the next character that is not ignorable. FALSE at the end. */
static gboolean
reader_next (Reader *r)
{
  while (r->p < r->end)
    {
      gunichar c = g_utf8_get_char_validated (r->p, r->end - r->p);
      gboolean cr = FALSE;

      r->line = r->next_line;
      r->column = r->next_column;
      r->bad_byte = -1;
      if (c == (gunichar) -1 || c == (gunichar) -2 || *r->p == '\0')
        {
          r->bad_byte = (guchar) *r->p;
          r->c = 0xFFFD;
          r->p++;
        }
      else
        {
          r->c = c;
          r->p = g_utf8_next_char (r->p);
        }

      /* CR, LF and CRLF each end one line, as the person's editor shows. */
      if (r->c == '\r' || r->c == 0x2028 || r->c == 0x2029 || (r->c == '\n' && !r->after_cr))
        {
          r->next_line++;
          r->next_column = 1;
          cr = r->c == '\r';
        }
      else if (r->c != '\n')
        r->next_column++;
      r->after_cr = cr;

      if (r->bad_byte >= 0 || !is_ignorable (r->c))
        return TRUE;
    }
  return FALSE;
}

/* The character as it can go into a one-line message: no control, format
 * or bidi character reaches a dialog or a terminal, and a look-alike from
 * another script is shown with its code point. */
static char *
describe_char (const Reader *r)
{
  gunichar c = r->c;
  char utf8[8] = { 0 };

  if (r->bad_byte >= 0)
    return g_strdup_printf ("\"\\x%02X\"", (guint) r->bad_byte);
  if (c == '"' || c == '\\')
    return g_strdup_printf ("\"\\%c\"", (char) c);
  if (c < 0x20 || c == 0x7F)
    return g_strdup_printf ("\"\\x%02X\"", c);
  if (c < 0x7F)
    return g_strdup_printf ("\"%c\"", (char) c);
  if (!g_unichar_isgraph (c) || g_unichar_type (c) == G_UNICODE_FORMAT)
    return g_strdup_printf ("\"\\u%04X\"", c);
  g_unichar_to_utf8 (c, utf8);
  return g_strdup_printf ("\"%s\" (U+%04X)", utf8, c);
}

static void
set_bad_char_error (GError **error, const Reader *r)
{
  g_autofree char *what = describe_char (r);
  g_autofree char *where = NULL;

  if (r->line == 1)
    where = g_strdup_printf ("character %u", r->column);
  else
    where = g_strdup_printf ("line %u, character %u", r->line, r->column);
  g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
               "%s of the compact text: %s does not belong there (it has only letters, "
               "digits, \"-\" and \"_\")",
               where, what);
}

static void
set_version_error (GError **error, guint version)
{
  g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_UNSUPPORTED,
               "this compact text is format %u, which this version of Confab cannot read; "
               "update Confab or ask for the plain SDP text",
               version);
}

static void
set_incomplete_error (GError **error)
{
  g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_TRUNCATED,
               "the compact text is incomplete or altered (checksum mismatch): copy it again "
               "in full");
}

/* Whether the paste ends here but for punctuation: a text cut inside its
 * prefix, to which the person's sentence added a full stop. */
static gboolean
rest_is_wrapping (Reader r)
{
  do
    if (r.bad_byte >= 0 || !is_wrapping (r.c))
      return FALSE;
  while (reader_next (&r));
  return TRUE;
}

typedef enum
{
  PREFIX_OK,
  PREFIX_EMPTY,    /* nothing but white space and quotes */
  PREFIX_CUT,      /* the text ends inside the prefix */
  PREFIX_MISMATCH, /* not "confab<digits>:" */
} PrefixResult;

/* Reads up to and including the prefix's colon. Stops at the first
 * character that cannot belong, so that a plain SDP costs a few steps. */
static PrefixResult
read_prefix (Reader *r, guint *version_out)
{
  static const char word[] = "confab";
  guint version = 0, n_digits = 0;

  do
    if (!reader_next (r))
      return PREFIX_EMPTY;
  while (r->bad_byte < 0 && is_wrapping (r->c));

  for (guint i = 0; i < sizeof word - 1; i++)
    {
      if (i > 0 && !reader_next (r))
        return PREFIX_CUT;
      if (r->bad_byte >= 0 || g_unichar_tolower (r->c) != (gunichar) word[i])
        return i > 0 && rest_is_wrapping (*r) ? PREFIX_CUT : PREFIX_MISMATCH;
    }

  for (;;)
    {
      if (!reader_next (r))
        return PREFIX_CUT;
      if (r->bad_byte < 0 && r->c < 0x80 && g_ascii_isdigit (r->c) && n_digits < 3)
        {
          version = version * 10 + (r->c - '0');
          n_digits++;
          continue;
        }
      if (r->bad_byte < 0 && r->c == ':' && n_digits > 0)
        break;
      return rest_is_wrapping (*r) ? PREFIX_CUT : PREFIX_MISMATCH;
    }

  *version_out = version;
  return PREFIX_OK;
}

/* The start of every way in: a NULL @text is empty, a negative @len is
 * measured, and the prefix is read. */
static PrefixResult
start_reading (Reader *r, const char **text, gssize *len, guint *version_out)
{
  confab_sdp_take_input (text, len, G_MAXSIZE, NULL, NULL);
  reader_init (r, *text, *len);
  return read_prefix (r, version_out);
}

gboolean
confab_sdp_compact_looks_like (const char *text, gssize len)
{
  Reader r;
  guint version;

  return start_reading (&r, &text, &len, &version) == PREFIX_OK;
}

/* ------------------------------------------------------------------------ */
/* Public API                                                               */
/* ------------------------------------------------------------------------ */

char *
confab_sdp_compact_encode (const char *sdp_text, ConfabSdpType type)
{
  g_autoptr (GByteArray) frame = g_byte_array_new ();
  GString *out;
  guint8 header[FRAME_HEADER_LEN] = {
    FRAME_VERSION,
    type == CONFAB_SDP_ANSWER ? FRAME_TYPE_ANSWER : FRAME_TYPE_OFFER,
  };
  guint8 trailer[FRAME_CRC_LEN];
  gsize len;
  guint32 crc;

  g_return_val_if_fail (sdp_text != NULL, NULL);
  len = strlen (sdp_text);
  g_return_val_if_fail (len <= CONFAB_SDP_MAX_SIZE, NULL);

  g_byte_array_append (frame, header, sizeof header);
  if (!deflate_with_dictionary (sdp_text, len, frame))
    return NULL;
  crc = crc32_compute (frame->data, frame->len);
  trailer[0] = crc >> 24;
  trailer[1] = crc >> 16 & 0xFF;
  trailer[2] = crc >> 8 & 0xFF;
  trailer[3] = crc & 0xFF;
  g_byte_array_append (frame, trailer, sizeof trailer);

  out = g_string_sized_new (strlen (CONFAB_SDP_COMPACT_PREFIX) + frame->len * 4 / 3 + 4);
  g_string_append (out, CONFAB_SDP_COMPACT_PREFIX);
  base64url_append (out, frame->data, frame->len);
  return g_string_free (out, FALSE);
}

/* What follows the prefix: the base64url digits, decoded as they are read
 * (punctuation is allowed only at the end; reported, if something follows
 * it, as the first character that does not belong), then the frame. */
static char *
decode_frame (Reader *r, ConfabSdpType *type_out, GError **error)
{
  g_autoptr (GByteArray) frame = g_byte_array_new ();
  Reader pending;
  gboolean have_pending = FALSE;
  gsize n_digits = 0;
  guint32 acc = 0, crc;
  guint bits = 0;
  gsize body_len;

  while (reader_next (r))
    {
      int v = r->bad_byte < 0 ? base64url_value (r->c) : -1;

      if (v >= 0)
        {
          if (have_pending)
            {
              set_bad_char_error (error, &pending);
              return NULL;
            }
          n_digits++;
          acc = acc << 6 | (guint32) v;
          bits += 6;
          if (bits >= 8)
            {
              guint8 b = (guint8) (acc >> (bits - 8));

              g_byte_array_append (frame, &b, 1);
              bits -= 8;
              acc &= (1u << bits) - 1;
            }
        }
      else if (r->bad_byte < 0 && is_wrapping (r->c))
        {
          if (!have_pending)
            pending = *r;
          have_pending = TRUE;
        }
      else
        {
          set_bad_char_error (error, have_pending ? &pending : r);
          return NULL;
        }
    }

  /* One digit left over carries fewer than 8 bits: the paste was cut. */
  if (n_digits % 4 == 1 || frame->len < FRAME_HEADER_LEN + 1 + FRAME_CRC_LEN)
    {
      set_incomplete_error (error);
      return NULL;
    }
  body_len = frame->len - FRAME_CRC_LEN;
  crc = (guint32) frame->data[body_len] << 24 | (guint32) frame->data[body_len + 1] << 16
        | (guint32) frame->data[body_len + 2] << 8 | frame->data[body_len + 3];
  if (crc != crc32_compute (frame->data, body_len))
    {
      set_incomplete_error (error);
      return NULL;
    }

  /* Checked after the checksum, which every version keeps: a damaged
   * version byte is a damaged paste, not a newer Confab. */
  if (frame->data[0] != FRAME_VERSION)
    {
      set_version_error (error, frame->data[0]);
      return NULL;
    }
  if (frame->data[1] != FRAME_TYPE_OFFER && frame->data[1] != FRAME_TYPE_ANSWER)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   "the compact text is neither an offer nor an answer");
      return NULL;
    }

  if (type_out != NULL)
    *type_out = frame->data[1] == FRAME_TYPE_ANSWER ? CONFAB_SDP_ANSWER : CONFAB_SDP_OFFER;
  return inflate_with_dictionary (frame->data + FRAME_HEADER_LEN, body_len - FRAME_HEADER_LEN,
                                  error);
}

/* Both ways in. With @not_compact (parse_any), a paste that is not meant
 * to be compact text sets it and returns NULL without an error; the prefix
 * is read once either way, and one cut short ("confab1" and a full stop)
 * is reported as such. */
static char *
decode_paste (const char *text, gssize len, gboolean *not_compact, ConfabSdpType *type_out,
              GError **error)
{
  Reader r;
  guint version = 0;
  PrefixResult prefix = start_reading (&r, &text, &len, &version);

  if (not_compact != NULL)
    {
      *not_compact = prefix == PREFIX_EMPTY || prefix == PREFIX_MISMATCH;
      if (*not_compact)
        return NULL;
    }
  if (!confab_sdp_take_input (&text, &len, MAX_TEXT_LEN, "the compact text", error))
    return NULL;

  switch (prefix)
    {
    case PREFIX_OK:
      break;
    case PREFIX_EMPTY:
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_EMPTY, "nothing was pasted");
      return NULL;
    case PREFIX_CUT:
      set_incomplete_error (error);
      return NULL;
    case PREFIX_MISMATCH:
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                   "this is not Confab's compact text, which starts with \"%s\"",
                   CONFAB_SDP_COMPACT_PREFIX);
      return NULL;
    }
  if (version != FRAME_VERSION)
    {
      set_version_error (error, version);
      return NULL;
    }
  return decode_frame (&r, type_out, error);
}

char *
confab_sdp_compact_decode (const char *text, gssize len, ConfabSdpType *type_out, GError **error)
{
  g_return_val_if_fail (text != NULL || len <= 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return decode_paste (text, len, NULL, type_out, error);
}

ConfabSdp *
confab_sdp_parse_any (const char *text, gssize len, ConfabSdpType expected, GError **error)
{
  g_autofree char *sdp_text = NULL;
  g_autoptr (GError) local = NULL;
  gboolean not_compact;
  ConfabSdpType type;
  ConfabSdp *sdp;

  g_return_val_if_fail (text != NULL || len <= 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sdp_text = decode_paste (text, len, &not_compact, &type, error);
  if (not_compact)
    return confab_sdp_parse (text, len, expected, error);
  if (sdp_text == NULL)
    return NULL;
  /* The same words as for plain SDP: the person swapped the blobs. */
  if (type != expected)
    {
      confab_sdp_set_wrong_type_error (error, type, expected);
      return NULL;
    }

  sdp = confab_sdp_parse (sdp_text, -1, expected, &local);
  if (sdp == NULL)
    {
      /* Line numbers refer to text the person never saw. */
      g_prefix_error (&local, "inside the compact text: ");
      g_propagate_error (error, g_steal_pointer (&local));
    }
  return sdp;
}
