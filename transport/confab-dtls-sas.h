/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The short authentication string: six digits both people read to each
 * other to check that nobody changed the fingerprints on the way. Both
 * sides compute it from the two fingerprints, so it is the same on both
 * ends only if each received the other's real one.
 *
 * Definition (data/web/confab.html computes the same):
 *   input  = "confab-sas-1\n" + OFFER_FP + "\n" + ANSWER_FP + "\n"
 *   where each FP is the normalized fingerprint "sha-256 AB:CD:..." (hash
 *   name lower-case, hex upper-case, as confab_sdp_parse() keeps it)
 *   digest = SHA-256 (input)
 *   n      = the first four bytes of digest, big-endian, mod 1000000
 *   SAS    = n as six digits with a space in the middle: "042 917"
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* NULL when either fingerprint is NULL or empty. */
char *confab_dtls_sas (const char *offer_fingerprint,
                       const char *answer_fingerprint) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
