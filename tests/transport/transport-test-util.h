/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Small helpers the transport tests share: loopback ports and waiting for
 * a server (coturn) to listen.
 */
#pragma once

#include <gio/gio.h>

/* A TCP port on 127.0.0.1 that was free a moment ago. */
static inline guint
transport_test_free_port (void)
{
  g_autoptr (GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                           G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_assert_true (g_socket_bind (sock, any, FALSE, NULL));
  g_autoptr (GSocketAddress) bound = g_socket_get_local_address (sock, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static inline gboolean
transport_test_listening (guint port)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn =
    g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  return conn != NULL;
}

/* Waits up to 5 s for a server to accept TCP connections on @port. */
static inline void
transport_test_wait_listening (guint port)
{
  for (int i = 0; i < 100 && !transport_test_listening (port); i++)
    g_usleep (50 * 1000);
  g_assert_true (transport_test_listening (port));
}
