/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The demo's window: what each of the two local peers receives from the
 * other, side by side, with the connection under each.
 */
#pragma once

#include <adwaita.h>

#include "confab-video-paintable.h"

G_BEGIN_DECLS

#define CONFAB_TYPE_DEMO_WINDOW (confab_demo_window_get_type ())
G_DECLARE_FINAL_TYPE (ConfabDemoWindow, confab_demo_window, CONFAB, DEMO_WINDOW,
                      AdwApplicationWindow)

ConfabDemoWindow *confab_demo_window_new (GtkApplication *app) G_GNUC_WARN_UNUSED_RESULT;

/* @side: 0 for the caller, 1 for the callee. */
ConfabVideoPaintable *confab_demo_window_get_paintable (ConfabDemoWindow *self, guint side);
void confab_demo_window_set_status (ConfabDemoWindow *self, guint side, const char *text);

G_END_DECLS
