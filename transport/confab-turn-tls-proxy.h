/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TURN over TLS (RFC 7065, "turns:") for libnice 0.1.21, which has no real
 * TLS relay in RFC 5245 mode: a plain TCP TURN server on 127.0.0.1 whose
 * bytes are carried over Confab's own TLS connection to the real server.
 * TURN over TCP is a byte stream of STUN and ChannelData messages
 * (RFC 5766 §11), so a transparent splice is all it takes; libnice is then
 * given "127.0.0.1", confab_turn_tls_proxy_get_port() and
 * NICE_RELAY_TYPE_TURN_TCP.
 *
 * The proxy runs on a private thread with its own GMainContext. Each
 * loopback connection gets its own TLS connection to the server; the
 * server's certificate is always validated (never accepted silently), and
 * a failure closes the loopback connection and is kept, in words, for the
 * UI (libnice itself only reports that it got no relay).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CONFAB_TYPE_TURN_TLS_PROXY (confab_turn_tls_proxy_get_type ())
G_DECLARE_FINAL_TYPE (ConfabTurnTlsProxy, confab_turn_tls_proxy, CONFAB, TURN_TLS_PROXY, GObject)

/* Starts listening on 127.0.0.1, an ephemeral port, at once.
 * @server_host: the TURN server's host name or IP literal; it is resolved
 *   for every connection, and the certificate must match it.
 * @database: the trust anchors; NULL means the system's trusted CAs.
 * Fails only if the loopback socket cannot be set up. */
ConfabTurnTlsProxy *confab_turn_tls_proxy_new (const char *server_host, guint16 server_port,
                                               GTlsDatabase *database,
                                               GError **error) G_GNUC_WARN_UNUSED_RESULT;

guint16 confab_turn_tls_proxy_get_port (ConfabTurnTlsProxy *self);

/* Diagnostics; thread-safe, any argument may be NULL.
 * @connections: TLS connections established to the server so far.
 * @bytes_up: bytes carried from libnice to the server; @bytes_down the other way. */
void confab_turn_tls_proxy_get_stats (ConfabTurnTlsProxy *self, guint *connections,
                                      guint64 *bytes_up, guint64 *bytes_down);

/* The last TLS or connection failure in words (for the connection panel),
 * e.g. "the TURN server's certificate is not trusted (unknown CA)", or
 * NULL if there was none. Thread-safe. */
char *confab_turn_tls_proxy_dup_last_error (ConfabTurnTlsProxy *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
