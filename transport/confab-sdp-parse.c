/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The strict parser for pasted text: the paste becomes logical lines
 * (confab-sdp-lines.c), each line is checked (confab-sdp-fields.c), then
 * the whole is, here, and the result becomes a ConfabSdp. GstSDPMessage
 * is not used for parsing: it accepts nearly anything and cannot say which
 * line was wrong.
 */

#include "confab-sdp-private.h"

#include <string.h>

#define FIRST_DYNAMIC_PT 96
#define LAST_DYNAMIC_PT 127

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

/* The a=rtpmap of each format the m-line lists, in its order, NULL for a
 * format without one: an rtpmap for a payload type the m-line does not
 * list is not offered. */
static void
list_rtpmaps (Section *s)
{
  s->listed = g_ptr_array_sized_new (s->formats->len);
  for (guint i = 0; i < s->formats->len; i++)
    {
      const Rtpmap *found = NULL;

      for (guint j = 0; j < s->rtpmaps->len && found == NULL; j++)
        if (g_array_index (s->rtpmaps, Rtpmap, j).pt == g_array_index (s->formats, guint, i))
          found = &g_array_index (s->rtpmaps, Rtpmap, j);
      g_ptr_array_add (s->listed, (gpointer) found);
    }
}

static gboolean
is_flexfec (const Rtpmap *r)
{
  gsize name_len = strcspn (r->encoding, "/");

  return name_len == strlen ("flexfec-03")
         && g_ascii_strncasecmp (r->encoding, "flexfec-03", name_len) == 0;
}

static gboolean
check_dynamic (const Rtpmap *r, const char *codec, GError **error)
{
  if (r->pt >= FIRST_DYNAMIC_PT)
    return TRUE;
  g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
               "line %u (a=rtpmap): %s on payload type %u, which is not a dynamic one (%u to %u)",
               r->line, codec, r->pt, FIRST_DYNAMIC_PT, LAST_DYNAMIC_PT);
  return FALSE;
}

static gboolean
find_codec (const Section *s, const char *codec, const char *encoding, guint *pt, GError **error)
{
  g_autoptr (GString) found = g_string_new (NULL);
  g_autofree char *quoted = NULL;

  for (guint i = 0; i < s->listed->len; i++)
    {
      const Rtpmap *r = g_ptr_array_index (s->listed, i);

      if (r == NULL)
        continue;
      if (g_ascii_strcasecmp (r->encoding, encoding) == 0)
        {
          *pt = r->pt;
          return check_dynamic (r, codec, error);
        }
      /* Repair packets are not a codec to offer instead. */
      if (is_flexfec (r))
        continue;
      /* Browsers list H264 once per profile; name each codec once. */
      g_autofree char *codec_name = g_strndup (r->encoding, strcspn (r->encoding, "/"));
      g_autofree char *needle = g_strdup_printf (", %s,", codec_name);
      g_autofree char *haystack = g_strdup_printf (", %s,", found->str);

      if (strstr (haystack, needle) != NULL)
        continue;
      if (found->len > 0)
        g_string_append (found, ", ");
      g_string_append (found, codec_name);
    }

  quoted = confab_sdp_excerpt (found->len > 0 ? found->str : "nothing");
  g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_UNSUPPORTED,
               "line %u (%s): %s offers no %s (found %s)", s->line, confab_sdp_section_name (s),
               confab_sdp_section_name (s), codec, quoted);
  return FALSE;
}

/* FlexFEC is optional, but a listed one must be usable: 90000 Hz, on a
 * payload type of its own. The model keeps it for negotiation. */
static gboolean
check_flexfec (const Section *s, guint audio_pt, guint video_pt, GError **error)
{
  for (guint i = 0; i < s->listed->len; i++)
    {
      const Rtpmap *r = g_ptr_array_index (s->listed, i);

      if (r == NULL || !is_flexfec (r))
        continue;
      if (g_ascii_strcasecmp (r->encoding, "flexfec-03/90000") != 0)
        {
          g_autofree char *quoted = confab_sdp_excerpt (r->encoding);

          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                       "line %u (a=rtpmap): FlexFEC as \"%s\"; it needs a clock rate of 90000",
                       r->line, quoted);
          return FALSE;
        }
      if (!check_dynamic (r, "FlexFEC", error))
        return FALSE;
      if (r->pt == audio_pt || r->pt == video_pt)
        {
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                       "line %u (a=rtpmap): FlexFEC on payload type %u, which %s already "
                       "uses on this transport",
                       r->line, r->pt, r->pt == audio_pt ? "Opus" : "VP8");
          return FALSE;
        }
      return TRUE;
    }

  return TRUE;
}

static gboolean
has_codec (const ConfabSdpMedia *m, guint pt)
{
  for (guint i = 0; i < m->codecs->len; i++)
    if (g_array_index (m->codecs, ConfabSdpCodec, i).pt == pt)
      return TRUE;
  return FALSE;
}

/* The checked section into the result: its formats with their rtpmap,
 * fmtp and rtcp-fb, its mid, and the session's direction if it has none. */
static void
fill_media (const Parser *p, const Section *s)
{
  ConfabSdpMedia *m = s->media;

  g_free (m->mid);
  m->mid = g_strdup (s->mid.value);
  if (!s->have_direction && p->have_direction)
    m->direction = p->direction;

  for (guint i = 0; i < s->formats->len; i++)
    {
      const Rtpmap *r = g_ptr_array_index (s->listed, i);
      guint pt = g_array_index (s->formats, guint, i);
      g_auto (GStrv) parts = r != NULL ? g_strsplit (r->encoding, "/", 3) : NULL;
      guint64 clock = 0, channels = 0;
      const char *fmtp = NULL;
      ConfabSdpCodec *codec;

      /* "96 96" is accepted; the model lists a format once, so that what
       * the writer makes of it parses again. */
      if (has_codec (m, pt))
        continue;
      if (parts != NULL)
        {
          /* parse_rtpmap() checked the clock rate; odd channels count as none. */
          confab_sdp_parse_number (parts[1], "clock rate", 1, G_MAXUINT32, &clock, NULL);
          if (parts[2] != NULL)
            confab_sdp_parse_number (parts[2], "channels", 1, 255, &channels, NULL);
        }
      for (guint j = 0; j < s->params->len && fmtp == NULL; j++)
        {
          const FormatParam *f = &g_array_index (s->params, FormatParam, j);

          if (f->fmtp && f->pt == pt && *f->value != '\0')
            fmtp = f->value;
        }
      codec = confab_sdp_media_add_codec (m, pt, parts != NULL ? parts[0] : NULL, clock, channels,
                                          fmtp);
      for (guint j = 0; j < s->params->len; j++)
        {
          const FormatParam *f = &g_array_index (s->params, FormatParam, j);

          if (!f->fmtp && (f->any_pt || f->pt == pt))
            confab_sdp_codec_add_rtcp_fb (codec, f->value);
        }
    }
}

static gboolean
check_section (const Parser *p, const Section *s, GError **error)
{
  if (s->mid.line == 0)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_MISSING,
                   "line %u (%s): the section has no a=mid line", s->line,
                   confab_sdp_section_name (s));
      return FALSE;
    }
  if (!g_strv_contains ((const char *const *) p->bundle, s->mid.value))
    {
      g_autofree char *quoted = confab_sdp_excerpt (s->mid.value);

      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   "line %u (a=group): BUNDLE does not name %s's mid \"%s\"", p->bundle_line,
                   confab_sdp_section_name (s), quoted);
      return FALSE;
    }
  if (s->rtcp_mux_line == 0)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_MISSING,
                   "line %u (%s): no a=rtcp-mux; Confab needs RTP and RTCP on one port", s->line,
                   confab_sdp_section_name (s));
      return FALSE;
    }
  return TRUE;
}

ConfabSdp *
confab_sdp_parse (const char *text, gssize len, ConfabSdpType expected, GError **error)
{
  g_autoptr (GArray) lines = NULL;
  ConfabSdp *sdp;
  Parser p;
  Section *audio, *video;
  const SdpLine *first;
  gboolean complete = FALSE;
  ConfabSdpType type;
  guint audio_pt, video_pt;

  g_return_val_if_fail (text != NULL || len <= 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!confab_sdp_take_input (&text, &len, CONFAB_SDP_MAX_SIZE, "the blob", error))
    return NULL;
  lines = confab_sdp_split_lines (text, len, error);
  if (lines == NULL)
    return NULL;

  first = &g_array_index (lines, SdpLine, 0);
  if (strcmp (first->text, "v=0") != 0)
    {
      /* What the person sees on that line, not what wrapping made of it. */
      g_autofree char *first_piece = g_strndup (first->text, first->first_len);
      g_autofree char *quoted = confab_sdp_excerpt (first_piece);
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

  confab_sdp_parser_init (&p, expected);

  for (guint i = 1; i < lines->len; i++)
    {
      const SdpLine *l = &g_array_index (lines, SdpLine, i);
      const char *field = NULL;
      g_autoptr (GError) local = NULL;

      if (confab_sdp_parse_line (&p, l, &field, &local))
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
      confab_sdp_set_wrong_type_error (error, type, expected);
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

  sdp = p.sdp;
  sdp->type = type;
  sdp->session_id = p.session_id;

  if (!agree ("ice-ufrag", &p.ufrag, &audio->ufrag, &video->ufrag, TRUE, &sdp->ice_ufrag, error)
      || !agree ("ice-pwd", &p.pwd, &audio->pwd, &video->pwd, TRUE, &sdp->ice_pwd, error)
      || !agree ("fingerprint", &p.fingerprint, &audio->fingerprint, &video->fingerprint, FALSE,
                 &sdp->fingerprint, error)
      || !agree ("setup", &p.setup, &audio->setup, &video->setup, FALSE, &sdp->setup, error))
    goto fail;

  list_rtpmaps (audio);
  list_rtpmaps (video);
  if (!find_codec (audio, "Opus", "opus/48000/2", &audio_pt, error)
      || !find_codec (video, "VP8", "VP8/90000", &video_pt, error))
    goto fail;
  /* One transport: payload types are what tells the streams apart. */
  if (audio_pt == video_pt)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   "line %u (m=video): Opus and VP8 share payload type %u on one transport",
                   video->line, video_pt);
      goto fail;
    }
  if (!check_flexfec (video, audio_pt, video_pt, error))
    goto fail;

  if (p.candidates->len == 0)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_MISSING,
                   "no usable a=candidate line%s",
                   p.n_mdns > 0 ? " (only mDNS .local names, which cannot be resolved here)" : "");
      goto fail;
    }
  g_ptr_array_unref (sdp->candidates);
  sdp->candidates = g_steal_pointer (&p.candidates);
  fill_media (&p, audio);
  fill_media (&p, video);

  p.sdp = NULL;
  confab_sdp_parser_clear (&p);
  return sdp;

fail:
  confab_sdp_parser_clear (&p);
  return NULL;
}
