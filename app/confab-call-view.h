/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The call: the other person's video filling the space with its aspect
 * kept, our own in a corner, the controls (mute, camera, hang up,
 * fullscreen, connection details), the call timer, and the connection
 * panel as a side sheet that collapses on narrow windows.
 */
#pragma once

#include <adwaita.h>

#include "confab-call.h"
#include "confab-connection-panel.h"
#include "confab-video-paintable.h"

G_BEGIN_DECLS

#define CONFAB_TYPE_CALL_VIEW (confab_call_view_get_type ())
G_DECLARE_FINAL_TYPE (ConfabCallView, confab_call_view, CONFAB, CALL_VIEW, GtkWidget)

GtkWidget *confab_call_view_new (void);

/* Takes over the call's video. Set it before the call connects: the
 * pipeline takes its frame function before it starts. */
void confab_call_view_set_call (ConfabCallView *self, ConfabCall *call);
ConfabCall *confab_call_view_get_call (ConfabCallView *self);

ConfabVideoPaintable *confab_call_view_get_remote_paintable (ConfabCallView *self);
ConfabVideoPaintable *confab_call_view_get_local_paintable (ConfabCallView *self);
void confab_call_view_set_panel_revealed (ConfabCallView *self, gboolean revealed);
/* The side sheet's container, for the connection panel. */
GtkBox *confab_call_view_get_panel_box (ConfabCallView *self);
ConfabConnectionPanel *confab_call_view_get_panel (ConfabCallView *self);

G_END_DECLS
