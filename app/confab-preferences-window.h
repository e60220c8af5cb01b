/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Preferences: STUN and TURN servers, privacy (relay only), the local port
 * range, video quality and FEC, stored in GSettings.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CONFAB_TYPE_PREFERENCES_WINDOW (confab_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (ConfabPreferencesWindow, confab_preferences_window, CONFAB,
                      PREFERENCES_WINDOW, AdwPreferencesWindow)

/* NULL (after a message to @parent) when the settings schema is missing. */
GtkWindow *confab_preferences_window_new_for (GtkWindow *parent);

G_END_DECLS
