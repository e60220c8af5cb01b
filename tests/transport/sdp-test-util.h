/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Checks the SDP tests share: field-by-field equality of two descriptions
 * and the shape every parser message must have.
 */
#pragma once

#include <string.h>

#include "confab-sdp.h"

#define FINGERPRINT                                                                                \
  "sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:"   \
  "A1:2C:19:08"

static inline void
assert_sdp_equal (const ConfabSdp *a, const ConfabSdp *b)
{
  g_assert_cmpint (a->type, ==, b->type);
  g_assert_cmpuint (a->session_id, ==, b->session_id);
  g_assert_cmpstr (a->ice_ufrag, ==, b->ice_ufrag);
  g_assert_cmpstr (a->ice_pwd, ==, b->ice_pwd);
  g_assert_cmpstr (a->fingerprint, ==, b->fingerprint);
  g_assert_cmpstr (a->setup, ==, b->setup);
  g_assert_cmpuint (a->audio_pt, ==, b->audio_pt);
  g_assert_cmpuint (a->video_pt, ==, b->video_pt);
  g_assert_cmpuint (a->audio_ssrc, ==, b->audio_ssrc);
  g_assert_cmpuint (a->video_ssrc, ==, b->video_ssrc);
  g_assert_cmpuint (a->flexfec_pt, ==, b->flexfec_pt);
  g_assert_cmpuint (a->video_fec_ssrc, ==, b->video_fec_ssrc);
  g_assert_cmpuint (a->candidates->len, ==, b->candidates->len);
  for (guint i = 0; i < a->candidates->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a->candidates, i), ==,
                     g_ptr_array_index (b->candidates, i));
}

/* Every message goes into a dialog as one line: no line breaks, no control
 * characters, valid UTF-8, and short. */
static inline void
assert_good_message (const GError *error)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == CONFAB_SDP_ERROR);
  g_assert_cmpstr (error->message, !=, "");
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpuint (strlen (error->message), <, 300);
  for (const char *c = error->message; *c != '\0'; c++)
    g_assert_false ((guchar) *c < 0x20 || *c == 0x7f);
}
