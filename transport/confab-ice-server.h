/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * STUN and TURN server URIs (RFC 7064, RFC 7065) as the user types them:
 * "stun:stun.example.org", "turn:198.51.100.7:3478?transport=tcp",
 * "turns:[2001:db8::1]:5349".
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CONFAB_ICE_SERVER_ERROR (confab_ice_server_error_quark ())
GQuark confab_ice_server_error_quark (void);

typedef enum
{
  CONFAB_ICE_SERVER_ERROR_INVALID_URI,
  CONFAB_ICE_SERVER_ERROR_UNSUPPORTED,
} ConfabIceServerError;

typedef enum
{
  CONFAB_ICE_SERVER_STUN,
  CONFAB_ICE_SERVER_TURN,
} ConfabIceServerKind;

typedef enum
{
  CONFAB_ICE_TRANSPORT_UDP,
  CONFAB_ICE_TRANSPORT_TCP,
} ConfabIceTransport;

typedef struct
{
  ConfabIceServerKind kind;
  gboolean secure;              /* stuns: / turns: (TLS over TCP) */
  char *host;                   /* without brackets for IPv6 literals */
  guint16 port;                 /* 3478, or 5349 for the secure schemes, unless given */
  ConfabIceTransport transport; /* UDP unless ?transport=tcp or secure */
  char *username;               /* TURN only; NULL until set */
  char *password;
  char *ca_file; /* turns: only; PEM CA to trust instead of the system's */
} ConfabIceServer;

/* Parses @uri; @kind_wanted says which of stun:/turn: the option accepts.
 * Returns NULL with a one-line @error naming what is wrong. */
ConfabIceServer *confab_ice_server_parse (const char *uri, ConfabIceServerKind kind_wanted,
                                          GError **error) G_GNUC_WARN_UNUSED_RESULT;
ConfabIceServer *confab_ice_server_copy (const ConfabIceServer *server) G_GNUC_WARN_UNUSED_RESULT;
void confab_ice_server_free (ConfabIceServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabIceServer, confab_ice_server_free)

/* "turn:host:port?transport=tcp", for messages and diagnostics. */
char *confab_ice_server_to_string (const ConfabIceServer *server) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
