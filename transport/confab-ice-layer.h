/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bottom of a packet path: packets going down are sent on the ICE
 * session's selected pair, packets the session receives (on libnice's
 * thread) go up. Closing the layer closes the session (on the thread that
 * owns the session, see confab-ice-session.h).
 */
#pragma once

#include "confab-ice-session.h"
#include "confab-packet-layer.h"

G_BEGIN_DECLS

#define CONFAB_TYPE_ICE_LAYER (confab_ice_layer_get_type ())
G_DECLARE_FINAL_TYPE (ConfabIceLayer, confab_ice_layer, CONFAB, ICE_LAYER, ConfabPacketLayer)

/* Takes over the session's receive function. */
ConfabIceLayer *confab_ice_layer_new (ConfabIceSession *session) G_GNUC_WARN_UNUSED_RESULT;

ConfabIceSession *confab_ice_layer_get_session (ConfabIceLayer *self);

G_END_DECLS
