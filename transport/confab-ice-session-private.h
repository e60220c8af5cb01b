/* SPDX-License-Identifier: GPL-3.0-or-later
 * For tests that compare what the session reports with libnice itself. */
#pragma once

#include <nice/agent.h>

#include "confab-ice-session.h"

G_BEGIN_DECLS

NiceAgent *confab_ice_session_get_agent (ConfabIceSession *self);
guint confab_ice_session_get_stream_id (ConfabIceSession *self);
/* How long libnice waits after its last check before it reports FAILED
 * (60 s by default here); tests shorten it to reach FAILED quickly. */
void confab_ice_session_set_idle_timeout (ConfabIceSession *self, guint timeout_ms);

G_END_DECLS
