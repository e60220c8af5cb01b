/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The desktop application (org.confab.Confab): windows, app-wide actions
 * (preferences, about, quit) and their shortcuts.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CONFAB_TYPE_APPLICATION (confab_application_get_type ())
G_DECLARE_FINAL_TYPE (ConfabApplication, confab_application, CONFAB, APPLICATION, AdwApplication)

ConfabApplication *confab_application_new (void) G_GNUC_WARN_UNUSED_RESULT;

/* Registers the GResource (static libraries drop its constructor). Idempotent. */
void confab_application_register_resources (void);

G_END_DECLS
