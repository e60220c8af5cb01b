/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window: start or join a call through the copy-paste flow, then
 * the call view.
 */
#pragma once

#include <adwaita.h>

#include "confab-call-view.h"
#include "confab-call.h"

G_BEGIN_DECLS

#define CONFAB_TYPE_WINDOW (confab_window_get_type ())
G_DECLARE_FINAL_TYPE (ConfabWindow, confab_window, CONFAB, WINDOW, AdwApplicationWindow)

ConfabWindow *confab_window_new (GtkApplication *app) G_GNUC_WARN_UNUSED_RESULT;

ConfabCall *confab_window_get_call (ConfabWindow *self);
ConfabCallView *confab_window_get_call_view (ConfabWindow *self);
/* "welcome", "start", "join" or "call". */
const char *confab_window_get_page (ConfabWindow *self);

/* What a person would do with the keyboard and the clipboard, for tests and
 * for scripting: the text shown for copying, and pasting + pressing the
 * Connect / Accept button. */
char *confab_window_dup_local_text (ConfabWindow *self) G_GNUC_WARN_UNUSED_RESULT;
void confab_window_paste_and_submit (ConfabWindow *self, const char *text);
/* The inline validation error shown under the paste box, NULL if none. */
const char *confab_window_get_inline_error (ConfabWindow *self);

G_END_DECLS
