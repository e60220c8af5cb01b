/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the parts of the signaling blob's code share: the lexical helpers,
 * the first parsing pass (paste to logical lines), the transport attribute
 * values and the checks both parsers (plain and compact) make on their
 * input. Not installed, not for other directories.
 */
#pragma once

#include "confab-sdp.h"

G_BEGIN_DECLS

/* Quotes at most a few dozen characters of pasted text, every control,
 * format and invalid character escaped: safe for a dialog or a terminal. */
char *confab_sdp_excerpt (const char *s) G_GNUC_WARN_UNUSED_RESULT;
/* Splits on runs of spaces and tabs. */
GStrv confab_sdp_split_fields (const char *s) G_GNUC_WARN_UNUSED_RESULT;
/* Decimal digits only, @min..@max; a one-line error naming @what. */
gboolean confab_sdp_parse_number (const char *s, const char *what, guint64 min, guint64 max,
                                  guint64 *out, GError **error);
/* RFC 8839 ice-chars, @min..@max of them. */
gboolean confab_sdp_is_ice_string (const char *s, gsize min, gsize max);

/* For GArrays of structs whose first member is an owned string. */
void confab_sdp_clear_leading_string (gpointer data);

/* The start of every public parsing function: a NULL @text is empty, a
 * negative @len is measured, and over @max bytes is TOO_LARGE ("@what has
 * N bytes; ..."). */
gboolean confab_sdp_take_input (const char **text, gssize *len, gsize max, const char *what,
                                GError **error);
/* The person swapped the blobs: the same words for plain and compact. */
void confab_sdp_set_wrong_type_error (GError **error, ConfabSdpType found, ConfabSdpType expected);

typedef struct
{
  char *text;      /* stripped, wrapped pieces joined; first member (see above) */
  guint line;      /* 1-based physical line where it starts */
  gsize first_len; /* length of the piece on that line */
} SdpLine;

/* First pass: checks the encoding and returns the logical lines (SdpLine),
 * never empty, or NULL with EMPTY, SYNTAX or TOO_LARGE. */
GArray *confab_sdp_split_lines (const char *text, gsize len,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

typedef enum
{
  CANDIDATE_USABLE,
  CANDIDATE_OTHER_COMPONENT, /* RTCP of a peer without rtcp-mux: never used */
  CANDIDATE_MDNS,            /* a .local name that cannot be resolved here */
} CandidateUse;

/* The value of an a=candidate (after "candidate:"); @normalized (may be
 * NULL) gets libnice's form of a usable one. */
gboolean confab_sdp_parse_candidate (const char *value, CandidateUse *use, char **normalized,
                                     GError **error);
gboolean confab_sdp_parse_fingerprint (const char *value, char **normalized, GError **error);
gboolean confab_sdp_parse_setup (const char *value, char **normalized, GError **error);

/* -- Second pass: what the lines say (confab-sdp-fields.c) -- */

typedef struct
{
  char *value;
  guint line; /* 0 when absent */
} Value;

typedef struct
{
  char *encoding; /* "opus/48000/2" as written; first member (see the clear function) */
  guint pt;
  guint line;
} Rtpmap;

/* An a=fmtp or a=rtcp-fb line, attached to its format once all are read. */
typedef struct
{
  char *value; /* what follows the payload type; first member */
  guint pt;
  gboolean any_pt; /* a=rtcp-fb:* */
  gboolean fmtp;
} FormatParam;

typedef struct
{
  ConfabSdpMediaKind kind;
  guint line;
  gboolean rtp;      /* an RTP profile: numeric formats, rtpmaps */
  GArray *formats;   /* guint */
  GArray *rtpmaps;   /* Rtpmap */
  GPtrArray *listed; /* per format, its Rtpmap or NULL; made by the checks */
  GArray *params;    /* FormatParam */
  Value mid, ufrag, pwd, fingerprint, setup;
  guint rtcp_mux_line;
  guint direction_line; /* 0 when the section has no direction attribute */
  gboolean end_of_candidates;
  GPtrArray *candidates; /* normalized, each once */
  /* The section in the result: port, protocol, direction and SSRCs go in
   * as they are read, the formats and the mid after the checks. */
  ConfabSdpMedia *media;
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
  guint direction_line; /* session-level, the sections' default */
  ConfabSdpDirection direction;

  Section sections[CONFAB_SDP_MAX_SECTIONS];
  guint n_sections;

  GPtrArray *candidates; /* session-level ones, normalized */
  guint n_candidate_lines;
  guint n_mdns;

  ConfabSdp *sdp; /* the result, its type set at the end */
} Parser;

void confab_sdp_parser_init (Parser *p, ConfabSdpType expected);
void confab_sdp_parser_clear (Parser *p);
/* One logical line (not the first, v=0) into @p; on failure @field names
 * the line's kind ("a=candidate", "m=video") for the message. */
gboolean confab_sdp_parse_line (Parser *p, const SdpLine *l, const char **field, GError **error);
const char *confab_sdp_section_name (const Section *s);

G_END_DECLS
