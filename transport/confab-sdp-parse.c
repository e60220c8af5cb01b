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

/* RFC 3551's dynamic range, and 35..63, which libwebrtc (Chromium) hands
 * out once 96..127 are taken (RFC 5761 section 4 keeps 64..95 for RTCP). */
#define FIRST_DYNAMIC_PT 96
#define LAST_DYNAMIC_PT 127
#define FIRST_EXTRA_DYNAMIC_PT 35
#define LAST_EXTRA_DYNAMIC_PT 63
/* Below this RFC 3551 assigns static payload types, which need no a=rtpmap. */
#define FIRST_UNASSIGNED_PT 35

/* ------------------------------------------------------------------------ */
/* Checks on the whole                                                      */
/* ------------------------------------------------------------------------ */

/* Confab's own blobs say so on the s= line (see the header). */
static gboolean
is_own (const Parser *p)
{
  return g_strcmp0 (p->session_name.value, "Confab offer") == 0
         || g_strcmp0 (p->session_name.value, "Confab answer") == 0;
}

static gboolean
is_active (const Section *s)
{
  return confab_sdp_media_is_active (s->media);
}

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

/* Session-level values apply to every section unless a section has its
 * own; with BUNDLE there is one transport, so the sections in use must
 * agree. */
static gboolean
agree (const Parser *p, const char *name, gsize session_offset, gsize section_offset,
       gboolean required, char **out, GError **error)
{
  const Value *session = G_STRUCT_MEMBER_P (p, session_offset);
  const Value *found = NULL;
  const Section *found_in = NULL;

  for (guint i = 0; i < p->n_sections; i++)
    {
      const Section *s = &p->sections[i];
      const Value *v = G_STRUCT_MEMBER_P (s, section_offset);

      if (!is_active (s))
        continue;
      if (v->line == 0)
        v = session;
      if (v->line == 0)
        continue;
      if (found == NULL)
        {
          found = v;
          found_in = s;
        }
      else if (strcmp (found->value, v->value) != 0)
        {
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                       "line %u (a=%s): %s's value differs from %s's (line %u), "
                       "but BUNDLE shares one transport",
                       v->line, name, confab_sdp_section_name (s),
                       confab_sdp_section_name (found_in), found->line);
          return FALSE;
        }
    }
  if (found == NULL)
    found = session;
  if (found->line == 0)
    {
      if (required)
        g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_MISSING, "no a=%s line", name);
      return !required;
    }
  *out = g_strdup (found->value);
  return TRUE;
}

#define AGREE(name, member, required, out, error)                                                  \
  agree (p, name, G_STRUCT_OFFSET (Parser, member), G_STRUCT_OFFSET (Section, member), required,   \
         out, error)

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
  if ((r->pt >= FIRST_DYNAMIC_PT && r->pt <= LAST_DYNAMIC_PT)
      || (r->pt >= FIRST_EXTRA_DYNAMIC_PT && r->pt <= LAST_EXTRA_DYNAMIC_PT))
    return TRUE;
  g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
               "line %u (a=rtpmap): %s on payload type %u, which is not a dynamic one (%u to %u "
               "or %u to %u)",
               r->line, codec, r->pt, FIRST_EXTRA_DYNAMIC_PT, LAST_EXTRA_DYNAMIC_PT,
               FIRST_DYNAMIC_PT, LAST_DYNAMIC_PT);
  return FALSE;
}

/* The payload type of @encoding in @s, 0 if absent; FALSE (with @error)
 * only for one on a payload type that is not dynamic. */
static gboolean
find_codec (const Section *s, const char *codec, const char *encoding, guint *pt, GError **error)
{
  *pt = 0;
  for (guint i = 0; i < s->listed->len; i++)
    {
      const Rtpmap *r = g_ptr_array_index (s->listed, i);

      if (r != NULL && g_ascii_strcasecmp (r->encoding, encoding) == 0)
        {
          *pt = r->pt;
          return check_dynamic (r, codec, error);
        }
    }
  return TRUE;
}

/* "m=audio offers no Opus (found PCMU, G722)": what the section has instead. */
static void
set_no_codec_error (const Section *s, const char *codec, GError **error)
{
  g_autoptr (GString) found = g_string_new (NULL);
  g_autofree char *quoted = NULL;

  for (guint i = 0; i < s->listed->len; i++)
    {
      const Rtpmap *r = g_ptr_array_index (s->listed, i);

      /* Repair packets are not a codec to offer instead. */
      if (r == NULL || is_flexfec (r))
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
  if (s->direction_line == 0 && p->direction_line != 0)
    m->direction = p->direction;
  /* A declined section is only its m-line and mid, as the writer gives it
   * back: what else it said means nothing. */
  if (!is_active (s))
    {
      m->direction = CONFAB_SDP_SENDRECV;
      m->rtcp_mux = FALSE;
      g_clear_pointer (&m->msid, g_free);
      g_array_set_size (m->ssrcs, 0);
      g_array_set_size (m->ssrc_groups, 0);
    }

  for (guint i = 0; s->rtp && i < s->formats->len; i++)
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
      if (!is_active (s))
        {
          confab_sdp_media_add_codec (m, pt, NULL, 0, 0, NULL);
          continue;
        }
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
in_bundle (const Parser *p, const char *mid)
{
  return g_strv_contains ((const char *const *) p->bundle, mid);
}

static const Section *
find_section (const Parser *p, const char *mid)
{
  for (guint i = 0; i < p->n_sections; i++)
    if (g_strcmp0 (p->sections[i].mid.value, mid) == 0)
      return &p->sections[i];
  return NULL;
}

/* Every mid the BUNDLE group names is a section's (RFC 8843 7.2). In
 * Confab's own blob a missing one can only be a cut. */
static gboolean
check_bundle (const Parser *p, GError **error)
{
  for (guint i = 1; p->bundle[i] != NULL; i++)
    {
      g_autofree char *quoted = NULL;

      if (find_section (p, p->bundle[i]) != NULL)
        continue;
      quoted = confab_sdp_excerpt (p->bundle[i]);
      if (is_own (p))
        g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_TRUNCATED,
                     "the blob is truncated: the section with mid \"%s\" is missing", quoted);
      else
        g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                     "line %u (a=group): BUNDLE names mid \"%s\", which no m-section has",
                     p->bundle_line, quoted);
      return FALSE;
    }
  return TRUE;
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
  for (const Section *o = p->sections; o < s; o++)
    if (strcmp (o->mid.value, s->mid.value) == 0)
      {
        g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                     "line %u (a=mid): %s has the same mid as %s (line %u)", s->mid.line,
                     confab_sdp_section_name (s), confab_sdp_section_name (o), o->line);
        return FALSE;
      }
  /* Sections Confab would decline anyway need no more. */
  if (s->kind == CONFAB_SDP_MEDIA_OTHER || !is_active (s))
    return TRUE;
  if (!in_bundle (p, s->mid.value))
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
  /* A dynamic payload type means nothing without its a=rtpmap; in a pasted
   * blob its absence is most often a cut. */
  for (guint i = 0; i < s->formats->len; i++)
    if (g_ptr_array_index (s->listed, i) == NULL
        && g_array_index (s->formats, guint, i) >= FIRST_UNASSIGNED_PT)
      {
        g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_MISSING,
                     "line %u (%s): payload type %u has no a=rtpmap", s->line,
                     confab_sdp_section_name (s), g_array_index (s->formats, guint, i));
        return FALSE;
      }
  return TRUE;
}

/* Opus and VP8 of the first usable audio and video sections; at least one
 * of them is there, on payload types of their own. */
static gboolean
check_codecs (const Parser *p, GError **error)
{
  const Section *first_av = NULL, *audio = NULL, *video = NULL;
  guint audio_pt = 0, video_pt = 0;

  for (guint i = 0; i < p->n_sections; i++)
    {
      const Section *s = &p->sections[i];
      guint pt;

      if (s->kind == CONFAB_SDP_MEDIA_OTHER || !is_active (s))
        continue;
      if (first_av == NULL)
        first_av = s;
      if (s->kind == CONFAB_SDP_MEDIA_AUDIO)
        {
          if (!find_codec (s, "Opus", "opus/48000/2", &pt, error))
            return FALSE;
          if (audio == NULL && pt != 0)
            {
              audio = s;
              audio_pt = pt;
            }
        }
      else
        {
          if (!find_codec (s, "VP8", "VP8/90000", &pt, error))
            return FALSE;
          if (video == NULL && pt != 0)
            {
              video = s;
              video_pt = pt;
            }
        }
    }

  if (first_av == NULL)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_UNSUPPORTED,
                   "no m=audio or m=video section in use; Confab needs one of them");
      return FALSE;
    }
  if (audio == NULL && video == NULL)
    {
      set_no_codec_error (first_av, first_av->kind == CONFAB_SDP_MEDIA_AUDIO ? "Opus" : "VP8",
                          error);
      return FALSE;
    }
  /* One transport: payload types are what tells the streams apart. */
  if (audio != NULL && video != NULL && audio_pt == video_pt)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   "line %u (%s): Opus and VP8 share payload type %u on one transport",
                   MAX (audio->line, video->line),
                   audio->line > video->line ? "m=audio" : "m=video", video_pt);
      return FALSE;
    }
  return video == NULL || check_flexfec (video, audio_pt, video_pt, error);
}

/* The candidates of the transport BUNDLE keeps: those of the section the
 * group names first (RFC 8843 7.1: the offerer's tagged one), where
 * browsers put them; without any there, every section's and the
 * session's, as Firefox repeats them. */
static GPtrArray *
take_candidates (Parser *p)
{
  const Section *tagged = find_section (p, p->bundle[1]);
  GPtrArray *all;

  if (tagged != NULL && tagged->candidates->len > 0)
    return g_ptr_array_ref (tagged->candidates);

  all = g_ptr_array_ref (p->candidates);
  for (guint i = 0; i < p->n_sections; i++)
    {
      const Section *s = &p->sections[i];

      if (!is_active (s))
        continue;
      for (guint j = 0; j < s->candidates->len; j++)
        {
          const char *c = g_ptr_array_index (s->candidates, j);
          gboolean seen = FALSE;

          for (guint k = 0; k < all->len && !seen; k++)
            seen = strcmp (g_ptr_array_index (all, k), c) == 0;
          if (!seen)
            g_ptr_array_add (all, g_strdup (c));
        }
    }
  return all;
}

/* Whether the last line is known to be whole: the last section ends with
 * a=end-of-candidates, or (someone else's blob) a line break follows it or
 * it is a flag that cannot be cut into another. */
static gboolean
text_is_complete (GArray *lines, const char *text, gsize len)
{
  static const char *const flags[]
      = { "a=rtcp-mux", "a=rtcp-mux-only", "a=rtcp-rsize", "a=sendrecv",
          "a=sendonly", "a=recvonly",      "a=inactive",   "a=bundle-only" };
  const char *last = g_array_index (lines, SdpLine, lines->len - 1).text;
  gboolean own = FALSE;
  const char *end = text + len;

  for (guint i = lines->len; i-- > 0;)
    {
      const char *t = g_array_index (lines, SdpLine, i).text;

      if (strcmp (t, "a=end-of-candidates") == 0)
        return TRUE;
      if (g_str_has_prefix (t, "m="))
        break;
    }
  for (guint i = 0; i < lines->len && i < 4; i++)
    {
      const char *t = g_array_index (lines, SdpLine, i).text;

      own |= strcmp (t, "s=Confab offer") == 0 || strcmp (t, "s=Confab answer") == 0;
    }
  if (own)
    return FALSE;

  while (end > text && (end[-1] == ' ' || end[-1] == '\t'))
    end--;
  if (end > text && (end[-1] == '\n' || end[-1] == '\r'))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    if (strcmp (last, flags[i]) == 0)
      return TRUE;
  return FALSE;
}

/* What @p read, checked as a whole, into p->sdp. */
static gboolean
check_whole (Parser *p, ConfabSdpType expected, gboolean complete, const SdpLine *last,
             GError **error)
{
  ConfabSdp *sdp = p->sdp;
  ConfabSdpType type;
  const Section *last_active = NULL;

  /* The wrong blob is the bigger mistake; say so before anything else. */
  type = infer_type (p, expected);
  if (type != expected)
    {
      confab_sdp_set_wrong_type_error (error, type, expected);
      return FALSE;
    }

  if (p->n_sections == 0)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_TRUNCATED,
                   "the blob is truncated: it has no m= section");
      return FALSE;
    }
  for (guint i = 0; i < p->n_sections; i++)
    if (is_active (&p->sections[i]))
      last_active = &p->sections[i];
  if (is_own (p) && !p->end_of_candidates
      && (last_active == NULL || !last_active->end_of_candidates))
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_TRUNCATED,
                   "the blob is truncated: no a=end-of-candidates line at the end of %s",
                   last_active != NULL ? confab_sdp_section_name (last_active) : "the blob");
      return FALSE;
    }
  if (!is_own (p) && !complete)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_TRUNCATED,
                   "the blob is truncated: its last line (line %u) has no line break after "
                   "it; paste the blob to its very end (if it ends there, add a line break)",
                   last->line);
      return FALSE;
    }

  if (p->origin_line == 0 || p->session_name.line == 0)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_MISSING, "no %s line",
                   p->origin_line == 0 ? "o=" : "s=");
      return FALSE;
    }
  if (p->bundle == NULL)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_MISSING,
                   "no a=group:BUNDLE line; Confab sends all media over one transport");
      return FALSE;
    }
  for (guint i = 0; i < p->n_sections; i++)
    {
      Section *s = &p->sections[i];

      if (s->rtp)
        list_rtpmaps (s);
      if (!check_section (p, s, error))
        return FALSE;
    }
  if (!check_bundle (p, error))
    return FALSE;

  sdp->type = type;
  sdp->session_id = p->session_id;
  if (!AGREE ("ice-ufrag", ufrag, TRUE, &sdp->ice_ufrag, error)
      || !AGREE ("ice-pwd", pwd, TRUE, &sdp->ice_pwd, error))
    return FALSE;
  if (!AGREE ("fingerprint", fingerprint, FALSE, &sdp->fingerprint, error))
    return FALSE;
  if (sdp->fingerprint == NULL)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_MISSING,
                   "no a=fingerprint: the other side does not encrypt");
      return FALSE;
    }
  if (!AGREE ("setup", setup, TRUE, &sdp->setup, error))
    return FALSE;
  /* RFC 5763 5: the answerer picks the DTLS role. */
  if (type == CONFAB_SDP_ANSWER && strcmp (sdp->setup, "actpass") == 0)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   "a=setup:actpass in an answer; the answer must choose active or passive");
      return FALSE;
    }

  if (!check_codecs (p, error))
    return FALSE;

  g_ptr_array_unref (sdp->candidates);
  sdp->candidates = take_candidates (p);
  if (sdp->candidates->len == 0)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_MISSING,
                   "no usable a=candidate line%s",
                   p->n_mdns > 0 ? " (only mDNS .local names, which cannot be resolved here)" : "");
      return FALSE;
    }
  for (guint i = 0; i < p->n_sections; i++)
    fill_media (p, &p->sections[i]);
  return TRUE;
}

ConfabSdp *
confab_sdp_parse (const char *text, gssize len, ConfabSdpType expected, GError **error)
{
  g_autoptr (GArray) lines = NULL;
  ConfabSdp *sdp;
  Parser p;
  const SdpLine *first;
  gboolean complete;

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

  /* Whether a bad last line is a cut-off one. */
  complete = text_is_complete (lines, text, len);

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

  if (!check_whole (&p, expected, complete, &g_array_index (lines, SdpLine, lines->len - 1), error))
    goto fail;

  sdp = g_steal_pointer (&p.sdp);
  confab_sdp_parser_clear (&p);
  return sdp;

fail:
  confab_sdp_parser_clear (&p);
  return NULL;
}
