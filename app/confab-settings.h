/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The app's preferences (GSettings org.confab.Confab) turned into call
 * options.
 */
#pragma once

#include <gio/gio.h>

#include "confab-call.h"

G_BEGIN_DECLS

/* NULL when the schema is neither installed nor in the build tree: the app
 * then runs with defaults and remembers nothing. */
GSettings *confab_settings_new (void) G_GNUC_WARN_UNUSED_RESULT;

/* Fills @options from @settings (NULL = defaults); a one-line @error names
 * the preference that is wrong. */
gboolean confab_settings_fill_call_options (GSettings *settings, ConfabCallOptions *options,
                                            GError **error);

/* The description in the compact form for chat apps. */
char *confab_settings_compact_description (const char *sdp_text,
                                           ConfabSdpType type) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
