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

#include <string.h>

#include "confab-ice-session.h"

typedef struct
{
  ConfabIceSession **peers;
  GMainLoop *loop;
} TransportTestPair;

static void
transport_test_on_state (GObject *object, GParamSpec *pspec, gpointer data)
{
  TransportTestPair *p = data;
  if (confab_ice_session_get_state (p->peers[0]) == CONFAB_ICE_STATE_CONNECTED
      && confab_ice_session_get_state (p->peers[1]) == CONFAB_ICE_STATE_CONNECTED)
    g_main_loop_quit (p->loop);
}

/* Two gathered relay-only sessions (peers[0] controlling) exchange their
 * descriptions and connect; both must select a relayed pair whose local
 * end is the TURN server's, from its relay port range. */
static inline void
transport_test_connect_relayed (ConfabIceSession **peers, GMainLoop *loop, guint relay_min_port,
                                guint relay_max_port)
{
  TransportTestPair pair_data = { peers, loop };
  ConfabSdp *sdp[2];
  gulong handlers[2];

  for (guint i = 0; i < 2; i++)
    {
      sdp[i] = confab_sdp_new (i == 0 ? CONFAB_SDP_OFFER : CONFAB_SDP_ANSWER);
      confab_ice_session_describe (peers[i], sdp[i]);
      /* Privacy mode: nothing but relay candidates leave this machine. */
      g_assert_cmpuint (sdp[i]->candidates->len, >, 0);
      for (guint c = 0; c < sdp[i]->candidates->len; c++)
        g_assert_nonnull (strstr (sdp[i]->candidates->pdata[c], " typ relay"));
      handlers[i] = g_signal_connect (peers[i], "notify::state",
                                      G_CALLBACK (transport_test_on_state), &pair_data);
    }

  g_autoptr (GError) error = NULL;
  g_assert_true (confab_ice_session_set_remote (peers[1], sdp[0], &error));
  g_assert_true (confab_ice_session_set_remote (peers[0], sdp[1], &error));
  g_assert_no_error (error);
  g_main_loop_run (loop);

  for (guint i = 0; i < 2; i++)
    {
      ConfabIcePair pair;
      g_signal_handler_disconnect (peers[i], handlers[i]);
      g_assert_true (confab_ice_session_get_selected_pair (peers[i], &pair));
      g_test_message ("peer %u: %s %s %s:%u -> %s %s:%u", i, pair.local.protocol,
                      pair.local.type, pair.local.address, pair.local.port, pair.remote.type,
                      pair.remote.address, pair.remote.port);
      g_assert_true (pair.relayed);
      g_assert_cmpstr (pair.local.type, ==, "relay");
      g_assert_cmpuint (pair.local.port, >=, relay_min_port);
      g_assert_cmpuint (pair.local.port, <=, relay_max_port);
      confab_sdp_free (sdp[i]);
    }
}
