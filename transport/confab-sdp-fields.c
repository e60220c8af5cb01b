/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The strict parser for pasted text, second pass: each logical line
 * (confab-sdp-lines.c made them) checked and taken apart into the Parser.
 * The checks on the whole and the result are in confab-sdp-parse.c.
 */

#include "confab-sdp-private.h"

#include <string.h>

static void
value_clear (Value *v)
{
  g_clear_pointer (&v->value, g_free);
  v->line = 0;
}

void
confab_sdp_parser_init (Parser *p, ConfabSdpType expected)
{
  memset (p, 0, sizeof *p);
  p->candidates = g_ptr_array_new_with_free_func (g_free);
  p->sdp = confab_sdp_new (expected);
}

static void
section_clear (Section *s)
{
  g_clear_pointer (&s->formats, g_array_unref);
  g_clear_pointer (&s->rtpmaps, g_array_unref);
  g_clear_pointer (&s->listed, g_ptr_array_unref);
  g_clear_pointer (&s->params, g_array_unref);
  g_clear_pointer (&s->candidates, g_ptr_array_unref);
  value_clear (&s->mid);
  value_clear (&s->ufrag);
  value_clear (&s->pwd);
  value_clear (&s->fingerprint);
  value_clear (&s->setup);
}

void
confab_sdp_parser_clear (Parser *p)
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
  g_clear_pointer (&p->sdp, confab_sdp_free);
}

const char *
confab_sdp_section_name (const Section *s)
{
  switch (s->kind)
    {
    case CONFAB_SDP_MEDIA_AUDIO:
      return "m=audio";
    case CONFAB_SDP_MEDIA_VIDEO:
      return "m=video";
    case CONFAB_SDP_MEDIA_OTHER:
    default:
      return "m=";
    }
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
is_rtp_proto (const char *proto)
{
  return strcmp (proto, "RTP/AVPF") == 0 || strcmp (proto, "RTP/SAVPF") == 0
         || strcmp (proto, "UDP/TLS/RTP/SAVPF") == 0;
}

static gboolean
is_token (const char *s)
{
  for (; *s != '\0'; s++)
    if (!g_ascii_isalnum (*s) && strchr ("!#$%&'*+-.^_`{|}~/", *s) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
parse_media_line (Parser *p, const SdpLine *l, const char **field, GError **error)
{
  g_auto (GStrv) f = confab_sdp_split_fields (l->text + 2);
  g_autofree char *quoted = NULL;
  ConfabSdpMediaKind kind;
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
    kind = CONFAB_SDP_MEDIA_AUDIO;
  else if (strcmp (f[0], "video") == 0)
    kind = CONFAB_SDP_MEDIA_VIDEO;
  else
    kind = CONFAB_SDP_MEDIA_OTHER;
  if (kind != CONFAB_SDP_MEDIA_OTHER)
    *field = kind == CONFAB_SDP_MEDIA_AUDIO ? "m=audio" : "m=video";

  if (p->n_sections == CONFAB_SDP_MAX_SECTIONS)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_TOO_LARGE, "more than %u m-sections",
                   CONFAB_SDP_MAX_SECTIONS);
      return FALSE;
    }

  if (!confab_sdp_parse_number (f[1], "port", 0, G_MAXUINT16, &port, error))
    return FALSE;

  /* Another kind is only kept to be declined: its protocol and formats
   * are echoed, so they must be SDP tokens, nothing more. */
  if (kind == CONFAB_SDP_MEDIA_OTHER)
    for (guint i = 0; f[i] != NULL; i++)
      if (i != 1 && !is_token (f[i]))
        {
          quoted = confab_sdp_excerpt (f[i]);
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                       "\"%s\" is not an SDP token", quoted);
          return FALSE;
        }
  if (kind != CONFAB_SDP_MEDIA_OTHER && !is_rtp_proto (f[2]))
    {
      quoted = confab_sdp_excerpt (f[2]);
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_UNSUPPORTED,
                   "protocol \"%s\" is not RTP/AVPF, RTP/SAVPF or UDP/TLS/RTP/SAVPF", quoted);
      return FALSE;
    }

  s = &p->sections[p->n_sections++];
  s->kind = kind;
  s->rtp = is_rtp_proto (f[2]);
  s->line = l->line;
  s->formats = g_array_new (FALSE, FALSE, sizeof (guint));
  s->rtpmaps = g_array_new (FALSE, FALSE, sizeof (Rtpmap));
  g_array_set_clear_func (s->rtpmaps, confab_sdp_clear_leading_string);
  s->params = g_array_new (FALSE, FALSE, sizeof (FormatParam));
  g_array_set_clear_func (s->params, confab_sdp_clear_leading_string);
  s->candidates = g_ptr_array_new_with_free_func (g_free);
  s->media = confab_sdp_add_media (p->sdp, kind, "");
  s->media->port = port;
  s->media->proto = g_strdup (f[2]);
  s->media->rtcp_mux = FALSE;
  if (kind == CONFAB_SDP_MEDIA_OTHER)
    s->media->media_name = g_strdup (f[0]);

  if (!s->rtp)
    {
      s->media->other_formats = g_strjoinv (" ", f + 3);
      return TRUE;
    }
  for (guint i = 3; f[i] != NULL; i++)
    {
      guint64 pt;
      guint format;

      if (!confab_sdp_parse_number (f[i], "payload type", 0, 127, &pt, error))
        return FALSE;
      format = pt;
      g_array_append_val (s->formats, format);
    }

  return TRUE;
}

static gboolean
parse_rtpmap (Section *s, const char *value, guint line, GError **error)
{
  g_auto (GStrv) f = confab_sdp_split_fields (value);
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
  if (!confab_sdp_parse_number (f[0], "payload type", 0, 127, &pt, error))
    return FALSE;

  parts = g_strsplit (f[1], "/", -1);
  if (g_strv_length (parts) < 2 || g_strv_length (parts) > 3 || *parts[0] == '\0')
    {
      quoted = confab_sdp_excerpt (f[1]);
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                   "encoding \"%s\" is not \"<name>/<clock rate>[/<channels>]\"", quoted);
      return FALSE;
    }
  if (!confab_sdp_parse_number (parts[1], "clock rate", 1, G_MAXUINT32, &clock, error))
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
  "a=ssrc-group",  "a=msid",
  "a=bundle-only", "a=sendrecv",
  "a=sendonly",    "a=recvonly",
  "a=inactive",
};

/* In the order of ConfabSdpDirection. */
static const char *const directions[] = { "sendrecv", "sendonly", "recvonly", "inactive" };

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
      GPtrArray *list;

      NEEDS_VALUE ();
      if (++p->n_candidate_lines > CONFAB_SDP_MAX_CANDIDATES)
        {
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_TOO_LARGE,
                       "more than %u a=candidate lines", CONFAB_SDP_MAX_CANDIDATES);
          return FALSE;
        }
      if (!confab_sdp_parse_candidate (value, &use, &normalized, error))
        return FALSE;
      if (use == CANDIDATE_MDNS)
        p->n_mdns++;
      if (normalized == NULL)
        return TRUE;
      list = s != NULL ? s->candidates : p->candidates;
      /* A section may repeat a candidate (Firefox repeats them all). */
      for (guint i = 0; i < list->len; i++)
        if (strcmp (g_ptr_array_index (list, i), normalized) == 0)
          {
            g_free (normalized);
            return TRUE;
          }
      g_ptr_array_add (list, normalized);
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
      f = confab_sdp_split_fields (value);
      if (g_strv_length (f) != 1 || !confab_sdp_is_ice_string (f[0], 0, G_MAXSIZE))
        {
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                       "only letters, digits, \"+\" and \"/\" may appear in an ICE %s",
                       ufrag ? "username fragment" : "password");
          return FALSE;
        }
      if (!confab_sdp_is_ice_string (f[0], ufrag ? 4 : 22, 256))
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
      if (!confab_sdp_parse_fingerprint (value, &normalized, error))
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
      if (!confab_sdp_parse_setup (value, &normalized, error))
        return FALSE;
      return set_value (s != NULL ? &s->setup : &p->setup, name, normalized, l->line, error);
    }

  if (IS ("group"))
    {
      NEEDS_VALUE ();
      f = confab_sdp_split_fields (value);
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

  for (guint i = 0; i < G_N_ELEMENTS (directions); i++)
    if (IS (directions[i]))
      {
        guint *first = s != NULL ? &s->direction_line : &p->direction_line;

        /* Which of two would win is a guess (RFC 3264 5.1 allows one). */
        if (*first != 0)
          {
            g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                         "a second direction attribute (the first is line %u)", *first);
            return FALSE;
          }
        *first = l->line;
        if (s != NULL)
          s->media->direction = i;
        else
          p->direction = i;
        return TRUE;
      }

  /* The rest only means something inside a media section. */
  if (s == NULL)
    return TRUE;

  if (IS ("mid"))
    {
      NEEDS_VALUE ();
      f = confab_sdp_split_fields (value);
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
      s->media->rtcp_mux = TRUE;
      return TRUE;
    }

  if (IS ("bundle-only"))
    {
      s->media->bundle_only = TRUE;
      return TRUE;
    }

  if (IS ("msid"))
    {
      /* RFC 8830: "<stream id> [<track id>]", tokens; kept as one string. */
      NEEDS_VALUE ();
      f = confab_sdp_split_fields (value);
      if (f[0] == NULL || g_strv_length (f) > 2 || !is_token (f[0])
          || (f[1] != NULL && !is_token (f[1])))
        {
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                       "expected \"<stream id> [<track id>]\"");
          return FALSE;
        }
      if (s->media->msid == NULL)
        s->media->msid = g_strjoinv (" ", f);
      return TRUE;
    }

  /* Formats mean nothing in a section that is not RTP. */
  if (!s->rtp)
    return TRUE;

  if (IS ("rtpmap"))
    {
      NEEDS_VALUE ();
      return parse_rtpmap (s, value, l->line, error);
    }

  if (IS ("fmtp") || IS ("rtcp-fb"))
    {
      gboolean fmtp = strcmp (name, "fmtp") == 0;
      FormatParam param = { NULL, 0, FALSE, fmtp };

      /* Opus's useinbandfec=1 is a wish about what we send, not a
       * condition for talking: a=fmtp has only its syntax checked, and
       * a=rtcp-fb (NACK, PLI) is taken as it comes. */
      if (fmtp)
        NEEDS_VALUE ();
      f = confab_sdp_split_fields (value != NULL ? value : "");
      if (f[0] == NULL || f[1] == NULL)
        return !fmtp
               || confab_sdp_parse_number (f[0] != NULL ? f[0] : "", "payload type", 0, 127,
                                           &number, error);
      if (!confab_sdp_parse_number (f[0], "payload type", 0, 127, &number, fmtp ? error : NULL))
        {
          /* "a=rtcp-fb:* nack": every format (RFC 4585 4.2). */
          if (fmtp || strcmp (f[0], "*") != 0)
            return !fmtp;
          param.any_pt = TRUE;
          number = 0;
        }
      param.pt = number;
      if (fmtp)
        {
          /* A parameter list may hold spaces ("a=b; c=d"): kept as written. */
          const char *rest = value + strspn (value, " \t");

          rest += strcspn (rest, " \t");
          param.value = g_strdup (rest + strspn (rest, " \t"));
        }
      else
        param.value = g_strjoinv (" ", f + 1);
      g_array_append_val (s->params, param);
      return TRUE;
    }

  if (IS ("ssrc"))
    {
      NEEDS_VALUE ();
      f = confab_sdp_split_fields (value);
      if (!confab_sdp_parse_number (f[0] != NULL ? f[0] : "", "ssrc", 0, G_MAXUINT32, &number,
                                    error))
        return FALSE;
      /* The first is the media stream; later ones are RTX or FEC. */
      confab_sdp_media_add_ssrc (s->media, number);
      return TRUE;
    }

  if (IS ("ssrc-group"))
    {
      g_autoptr (GArray) ssrcs = g_array_new (FALSE, FALSE, sizeof (guint32));
      /* RFC 5956: FEC-FR <media SSRC> <repair SSRC>, in m=video held to
       * that; other groups (FID for RTX, SIM) are only kept when they
       * parse. */
      gboolean strict;

      NEEDS_VALUE ();
      f = confab_sdp_split_fields (value);
      strict = f[0] != NULL && g_ascii_strcasecmp (f[0], "FEC-FR") == 0
               && s->kind == CONFAB_SDP_MEDIA_VIDEO;
      if (strict && g_strv_length (f) != 3)
        {
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                       "expected \"FEC-FR <media ssrc> <repair ssrc>\"");
          return FALSE;
        }
      for (guint i = 1; f[0] != NULL && f[i] != NULL; i++)
        {
          guint32 ssrc;

          if (!confab_sdp_parse_number (f[i], "ssrc", 0, G_MAXUINT32, &number,
                                        strict ? error : NULL))
            return !strict;
          ssrc = number;
          g_array_append_val (ssrcs, ssrc);
        }
      if (ssrcs->len > 0)
        confab_sdp_media_add_ssrc_group (s->media, f[0], (const guint32 *) ssrcs->data, ssrcs->len);
      return TRUE;
    }

#undef NEEDS_VALUE
#undef IS

  /* extmap, msid...: not needed here. */
  return TRUE;
}

gboolean
confab_sdp_parse_line (Parser *p, const SdpLine *l, const char **field, GError **error)
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
      f = confab_sdp_split_fields (l->text + 2);
      if (g_strv_length (f) != 6)
        {
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                       "expected \"o=<user> <session id> <version> IN IP4 <address>\"");
          return FALSE;
        }
      if (!confab_sdp_parse_number (f[1], "session id", 0, G_MAXUINT64, &id, error))
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
