/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The compact form of the signaling blob, for chats that mangle or refuse
 * long multi-line text: one line of letters, digits, "-" and "_" behind a
 * prefix that says what it is.
 *
 *   confab1:<base64url, no padding, of the frame>
 *
 *   frame:  +---------+------+-------------------------+-----------------+
 *           | version | type | raw deflate of the SDP  | CRC-32 of all   |
 *           | 0x01    | O/A  | (see the .c: preset     | that precedes,  |
 *           | 1 byte  | 1    |  dictionary)            | big endian, 4   |
 *           +---------+------+-------------------------+-----------------+
 *
 * Every version, present or future, ends the frame with that CRC-32, so an
 * unknown version is told apart from a damaged paste. The "1" in the prefix
 * is the version of the text form; "confab2:" is recognised and reported as
 * made by a newer Confab rather than as garbage.
 *
 * The compact form is lossless: decoding gives back the SDP text byte for
 * byte, which then goes through the same strict confab_sdp_parse().
 */
#pragma once

#include <glib.h>

#include "confab-sdp.h"

G_BEGIN_DECLS

#define CONFAB_SDP_COMPACT_PREFIX "confab1:"

/* @sdp_text is one of our own blobs (confab_sdp_to_string()), at most
 * CONFAB_SDP_MAX_SIZE bytes. Returns "confab1:..." on one line. */
char *confab_sdp_compact_encode (const char *sdp_text,
                                 ConfabSdpType type) G_GNUC_WARN_UNUSED_RESULT;

/* Whether a paste is meant to be the compact form: after a BOM, white
 * space and opening quotes, "confab<digits>:" in any case (white space
 * inside it allowed, as a hard wrap may fall there). Cheap: reads only the
 * start. @len may be -1 for a NUL-terminated @text. */
gboolean confab_sdp_compact_looks_like (const char *text, gssize len);

/* Decodes a pasted compact blob. Tolerates a BOM, white space anywhere
 * (chat apps wrap and indent; no-break and zero-width spaces included),
 * quotes around it and a trailing full stop or comma a person copied along.
 *
 * Returns the SDP text, NUL-terminated and free of NUL bytes, and stores the
 * frame's type in @type_out (may be NULL); the text is still untrusted and
 * goes to confab_sdp_parse(). On failure returns NULL and sets a one-line
 * @error in CONFAB_SDP_ERROR: EMPTY, TRUNCATED (cut short or altered: the
 * checksum does not match), SYNTAX (not compact text, or a character
 * outside base64url, with its line and column), UNSUPPORTED (a newer
 * version), INVALID (a frame that checks out but does not unpack) or
 * TOO_LARGE (the text, or what it unpacks to, is over the limits; the
 * decompressor never produces more than CONFAB_SDP_MAX_SIZE bytes). */
char *confab_sdp_compact_decode (const char *text, gssize len, ConfabSdpType *type_out,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* What the app calls on a paste: the compact form or plain SDP, either way
 * parsed by confab_sdp_parse(). A compact answer where an offer is expected
 * (or the reverse) is CONFAB_SDP_ERROR_WRONG_TYPE; a paste cut inside the
 * prefix ("confab1" and nothing after) is CONFAB_SDP_ERROR_TRUNCATED. */
ConfabSdp *confab_sdp_parse_any (const char *text, gssize len, ConfabSdpType expected,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
