/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where libnice is to find the STUN and TURN servers: host names resolved
 * (one address each, IPv4 preferred: libnice takes one), and for a
 * turns: server a ConfabTurnTlsProxy on loopback (libnice's own TLS mode
 * is not real TLS, so it gets a plain TCP TURN server whose bytes go over
 * our TLS connection).
 */
#pragma once

#include <gio/gio.h>

#include "confab-ice-server.h"
#include "confab-turn-tls-proxy.h"

G_BEGIN_DECLS

typedef struct
{
  char *stun_ip; /* NULL: no STUN server */
  guint stun_port;
  char *turn_ip;   /* NULL: no TURN server */
  guint turn_port; /* the server's, or the TLS proxy's on loopback */
  ConfabTurnTlsProxy *tls_proxy;
} ConfabIceAddresses;

void confab_ice_addresses_free (ConfabIceAddresses *addresses);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabIceAddresses, confab_ice_addresses_free)

/* Either server may be NULL. Fails with CONFAB_ICE_ERROR_RESOLVE (a name
 * did not resolve) or CONFAB_ICE_ERROR_SETUP (the TLS proxy). */
void confab_ice_resolve_servers_async (const ConfabIceServer *stun, const ConfabIceServer *turn,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
ConfabIceAddresses *confab_ice_resolve_servers_finish (GAsyncResult *result,
                                                       GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
