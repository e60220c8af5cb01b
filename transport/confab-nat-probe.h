/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What kind of network this machine is behind, asked of the STUN server
 * before a call: does the NAT keep one public port for every destination
 * (a home router: direct calls likely), or make a new one for each (a
 * symmetric NAT: the relay), or does no STUN answer come back over UDP?
 * RFC 5780's OTHER-ADDRESS when the server has one, else the TURN server's
 * address as the second destination.
 */
#pragma once

#include <gio/gio.h>

#include "confab-ice-server.h"

G_BEGIN_DECLS

typedef enum
{
  CONFAB_NAT_TYPE_UNKNOWN_NO_SERVER, /* no STUN server to ask */
  CONFAB_NAT_TYPE_UNKNOWN,           /* behind a NAT, one server address only */
  CONFAB_NAT_TYPE_OPEN,              /* the mapped address is our own */
  CONFAB_NAT_TYPE_HOME_ROUTER,       /* endpoint-independent mapping */
  CONFAB_NAT_TYPE_SYMMETRIC,         /* a new mapping per destination */
  CONFAB_NAT_TYPE_UDP_BLOCKED,       /* no STUN answer over UDP */
} ConfabNatType;

/* Asks @stun (NULL: none; the result is then UNKNOWN_NO_SERVER) and, when
 * the server names no second address, @turn if it is a UDP TURN server
 * (may be NULL). Each question waits up to @timeout_ms over retransmits. */
void confab_nat_probe_async (const ConfabIceServer *stun, const ConfabIceServer *turn,
                             guint timeout_ms, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);

/* The NAT type; *@detail (may be NULL) gets what was seen, for -v. Errors
 * only for a name that does not resolve or a cancelled probe. */
ConfabNatType confab_nat_probe_finish (GAsyncResult *result, char **detail, GError **error);

/* One line for people: "home router: direct calls likely" etc. */
const char *confab_nat_type_describe (ConfabNatType type);

/* "home-router", "symmetric" etc., for logs and tests. */
const char *confab_nat_type_to_string (ConfabNatType type);

G_END_DECLS
