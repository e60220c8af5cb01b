/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the ICE and TURN tests share: a watchdog, loopback ports, a coturn
 * on loopback, and two relay-only sessions that gather and connect.
 */
#pragma once

#include "../confab-test-watchdog.h"
#include <gio/gio.h>
#include <signal.h>
#include <sys/prctl.h>

#define transport_test_watchdog confab_test_watchdog

/* A fixture test, registered as /confab/transport/<name>. */
typedef struct
{
  const char *name;
  gconstpointer data;
  GTestFixtureFunc test;
} TransportTestCase;

static inline void
transport_test_add_cases (const TransportTestCase *cases, guint n_cases, gsize fixture_size,
                          GTestFixtureFunc setup, GTestFixtureFunc teardown)
{
  for (guint i = 0; i < n_cases; i++)
    {
      g_autofree char *path = g_strconcat ("/confab/transport/", cases[i].name, NULL);
      g_test_add_vtable (path, fixture_size, cases[i].data, setup, cases[i].test, teardown);
    }
}

static inline void
transport_test_rm_rf (GFile *file)
{
  g_autoptr (GFileEnumerator) children = g_file_enumerate_children (
      file, G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children)
    {
      GFile *child;
      while (g_file_enumerator_iterate (children, NULL, &child, NULL, NULL) && child)
        transport_test_rm_rf (child);
    }
  g_file_delete (file, NULL, NULL);
}

/* A TCP port on 127.0.0.1 that was free a moment ago. */
static inline guint
transport_test_free_port (void)
{
  g_autoptr (GSocket) sock
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
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
  g_autoptr (GSocketConnection) conn
      = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
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

/* coturn's relayed addresses: loopback (Linux routes all of 127/8 there),
 * but no interface's address, so that a test tells the relay apart from
 * this machine's own 127.0.0.1. */
#define TRANSPORT_TEST_RELAY_IP "127.0.0.2"

/* In the child: a failed assertion aborts the test before its teardown
 * stops coturn, which would otherwise live on. */
static inline void
transport_test_die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* Starts coturn with its state in @dir, listening on 127.0.0.1, relaying on
 * TRANSPORT_TEST_RELAY_IP from ports @relay_min_port to @relay_max_port for
 * alice:secret, with @args (how it listens) added, and waits until it
 * accepts TCP on @wait_port. */
static inline GSubprocess *
transport_test_start_coturn (const char *turnserver, const char *dir, guint relay_min_port,
                             guint relay_max_port, const char *const *args, guint wait_port)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GStrvBuilder) argv = g_strv_builder_new ();
  g_strv_builder_add_many (argv, turnserver, "-n", "--listening-ip=127.0.0.1",
                           "--relay-ip=" TRANSPORT_TEST_RELAY_IP, "--user=alice:secret",
                           "--realm=confab.test", "--lt-cred-mech",
                           /* coturn refuses to relay to loopback peers unless told; both
                            * peers are here. */
                           "--allow-loopback-peers", "--no-dtls", "--no-cli", "--fingerprint",
                           "--log-file=stdout", "--simple-log", NULL);
  g_autofree char *minp = g_strdup_printf ("--min-port=%u", relay_min_port);
  g_autofree char *maxp = g_strdup_printf ("--max-port=%u", relay_max_port);
  g_autofree char *pidfile = g_strdup_printf ("--pidfile=%s/turn.pid", dir);
  g_autofree char *db = g_strdup_printf ("--userdb=%s/turn.db", dir);
  g_strv_builder_add_many (argv, minp, maxp, pidfile, db, NULL);
  g_strv_builder_addv (argv, (const char **) args);
  g_auto (GStrv) strv = g_strv_builder_end (argv);

  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (
      G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, transport_test_die_with_parent, NULL, NULL);
  GSubprocess *coturn = g_subprocess_launcher_spawnv (launcher, (const char *const *) strv, &error);
  g_assert_no_error (error);
  transport_test_wait_listening (wait_port);
  return coturn;
}

/* Stops coturn if it runs and removes its directory if there is one. */
static inline void
transport_test_stop_coturn (GSubprocess **coturn, char **dir)
{
  if (*coturn)
    {
      g_subprocess_force_exit (*coturn);
      g_subprocess_wait (*coturn, NULL, NULL);
      g_clear_object (coturn);
    }
  if (*dir)
    {
      g_autoptr (GFile) file = g_file_new_for_path (*dir);
      transport_test_rm_rf (file);
      g_clear_pointer (dir, g_free);
    }
}

#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>

#include "confab-ice-session.h"
#include "confab-sdp-compact.h"

/* What the TURN tests' fixtures share. */
typedef struct
{
  GMainLoop *loop;
  guint watchdog;
  char *dir; /* coturn's state (and certificates) */
  GSubprocess *coturn;
  ConfabIceSession *peers[2];
  GError *gather_error;
} TransportTestTurn;

static inline void
transport_test_turn_init (TransportTestTurn *t, guint watchdog_seconds)
{
  t->loop = g_main_loop_new (NULL, FALSE);
  t->watchdog = transport_test_watchdog (watchdog_seconds);
}

/* The sessions first: they release their TURN allocations as they go. */
static inline void
transport_test_turn_clear_peers (TransportTestTurn *t)
{
  for (guint i = 0; i < 2; i++)
    g_clear_object (&t->peers[i]);
}

static inline void
transport_test_turn_clear (TransportTestTurn *t)
{
  transport_test_turn_clear_peers (t);
  transport_test_stop_coturn (&t->coturn, &t->dir);
  g_clear_error (&t->gather_error);
  g_source_remove (t->watchdog);
  g_main_loop_unref (t->loop);
}

typedef struct
{
  GMainLoop *loop;
  guint gathered;
  GError *error; /* the first */
} TransportTestGather;

static inline void
transport_test_on_gathered (GObject *source, GAsyncResult *result, gpointer data)
{
  TransportTestGather *g = data;
  GError *error = NULL;
  if (!confab_ice_session_gather_finish (CONFAB_ICE_SESSION (source), result, &error))
    {
      if (!g->error)
        g->error = error;
      else
        g_error_free (error);
    }
  if (++g->gathered == 2)
    g_main_loop_quit (g->loop);
}

/* Makes two relay-only sessions on loopback through @turn (peers[0]
 * controlling) and gathers both; returns the first error, or NULL. With
 * @open_answerer, peers[1] is an ordinary session with host candidates
 * only, which the relay reaches directly. */
static inline GError *
transport_test_gather_relay_only (ConfabIceSession **peers, const ConfabIceServer *turn,
                                  guint gather_timeout_ms, gboolean open_answerer, GMainLoop *loop)
{
  TransportTestGather g = { loop, 0, NULL };
  for (guint i = 0; i < 2; i++)
    {
      gboolean relay_only = i == 0 || !open_answerer;
      peers[i] = confab_ice_session_new (i == 0);
      confab_ice_session_add_local_address (peers[i], "127.0.0.1");
      confab_ice_session_set_turn_server (peers[i], relay_only ? turn : NULL);
      confab_ice_session_set_relay_only (peers[i], relay_only);
      confab_ice_session_set_gather_timeout (peers[i], gather_timeout_ms);
      confab_ice_session_gather_async (peers[i], NULL, transport_test_on_gathered, &g);
    }
  g_main_loop_run (loop);
  return g.error;
}

/* Every address of this machine's interfaces. */
static inline GPtrArray *
transport_test_dup_interface_addresses (void)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);
  struct ifaddrs *list = NULL;
  g_assert_cmpint (getifaddrs (&list), ==, 0);
  for (struct ifaddrs *i = list; i; i = i->ifa_next)
    {
      int family = i->ifa_addr ? i->ifa_addr->sa_family : AF_UNSPEC;
      if (family != AF_INET && family != AF_INET6)
        continue;
      g_autoptr (GSocketAddress) native = g_socket_address_new_from_native (
          i->ifa_addr,
          family == AF_INET ? sizeof (struct sockaddr_in) : sizeof (struct sockaddr_in6));
      GInetAddress *address = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (native));
      g_ptr_array_add (out, g_object_ref (address));
    }
  freeifaddrs (list);
  return out;
}

static inline gboolean
transport_test_is_ours (GPtrArray *addresses, GInetAddress *address)
{
  for (guint i = 0; i < addresses->len; i++)
    if (g_inet_address_equal (addresses->pdata[i], address))
      return TRUE;
  return FALSE;
}

/* What relay-only mode promises, checked on every line of @blob: each
 * candidate is a relay on the TURN server with its related address hidden
 * ("raddr 0.0.0.0 rport 0"), and no other address appears, let alone one
 * of this machine's interfaces. The one exception is o='s 127.0.0.1, the
 * fixed placeholder every Confab (and Chrome) blob carries. */
static inline void
transport_test_assert_blob_hides_machine (const char *blob)
{
  g_autoptr (GPtrArray) ours = transport_test_dup_interface_addresses ();
  g_autoptr (GInetAddress) relay = g_inet_address_new_from_string (TRANSPORT_TEST_RELAY_IP);
  g_auto (GStrv) lines = g_strsplit (blob, "\r\n", -1);
  g_autofree char *leak = NULL;
  guint n_candidates = 0;

  /* Else the test could not tell the relay from this machine. */
  g_assert_false (transport_test_is_ours (ours, relay));
  for (guint l = 0; lines[l] && !leak; l++)
    {
      const char *line = lines[l];
      g_auto (GStrv) tokens = g_strsplit (line, " ", -1);
      for (guint t = 0; tokens[t] && !leak; t++)
        {
          g_autoptr (GInetAddress) address = g_inet_address_new_from_string (tokens[t]);
          if (!address || g_inet_address_get_is_any (address)
              || g_inet_address_equal (address, relay)
              || (g_str_has_prefix (line, "o=") && t == 5 && strcmp (tokens[t], "127.0.0.1") == 0))
            continue;
          leak = g_strdup_printf (
              "line %u reveals %s (%s): %s", l + 1, tokens[t],
              transport_test_is_ours (ours, address) ? "this machine's" : "not the relay's", line);
        }
      if (!leak && g_str_has_prefix (line, "a=candidate:"))
        {
          n_candidates++;
          /* A relayed address is UDP whatever carries TURN: no tcptype. */
          if (!g_str_has_suffix (line, " typ relay raddr 0.0.0.0 rport 0"))
            leak = g_strdup_printf ("line %u is not a relay with a hidden related address: %s",
                                    l + 1, line);
        }
    }
  g_assert_cmpstr (leak, ==, NULL);
  g_assert_cmpuint (n_candidates, >, 0);
}

#define TRANSPORT_TEST_FINGERPRINT_HEX                                                             \
  "7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:"  \
  "08"

/* @peer's description as the text a person pastes (Confab's audio and
 * video sections, its candidates in the first). */
static inline char *
transport_test_describe_blob (ConfabIceSession *peer, ConfabSdpType type)
{
  g_autoptr (ConfabSdp) sdp = confab_sdp_new (type);
  sdp->session_id = confab_sdp_new_session_id ();
  confab_sdp_add_opus_media (sdp, "0", 111, 0x11111111);
  confab_sdp_add_vp8_media (sdp, "1", 96, 0x22222222, 110, 0x33333333);
  confab_ice_session_describe (peer, sdp);
  /* Every blob carries DTLS's fields; these tests do not encrypt. */
  sdp->fingerprint = g_strdup ("sha-256 " TRANSPORT_TEST_FINGERPRINT_HEX);
  sdp->setup = g_strdup (type == CONFAB_SDP_OFFER ? "actpass" : "active");
  return confab_sdp_to_string (sdp);
}

/* Hands @blob to @peer as the other side's, through the parser that reads
 * a pasted one. */
static inline void
transport_test_apply_blob (ConfabIceSession *peer, const char *blob, ConfabSdpType type)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfabSdp) remote = confab_sdp_parse_any (blob, -1, type, &error);
  g_assert_no_error (error);
  g_assert_true (confab_ice_session_set_remote (peer, remote, &error));
  g_assert_no_error (error);
}

typedef struct
{
  ConfabIceSession **peers;
  GMainLoop *loop;
} TransportTestPair;

static inline void
transport_test_on_state (GObject *object, GParamSpec *pspec, gpointer data)
{
  TransportTestPair *p = data;
  if (confab_ice_session_get_state (p->peers[0]) == CONFAB_ICE_STATE_CONNECTED
      && confab_ice_session_get_state (p->peers[1]) == CONFAB_ICE_STATE_CONNECTED)
    g_main_loop_quit (p->loop);
}

/* Runs @loop until both @peers are CONNECTED. */
static inline void
transport_test_run_until_connected (ConfabIceSession **peers, GMainLoop *loop)
{
  TransportTestPair pair_data = { peers, loop };
  gulong handlers[2];
  for (guint i = 0; i < 2; i++)
    handlers[i] = g_signal_connect (peers[i], "notify::state", G_CALLBACK (transport_test_on_state),
                                    &pair_data);
  if (confab_ice_session_get_state (peers[0]) != CONFAB_ICE_STATE_CONNECTED
      || confab_ice_session_get_state (peers[1]) != CONFAB_ICE_STATE_CONNECTED)
    g_main_loop_run (loop);
  for (guint i = 0; i < 2; i++)
    g_signal_handler_disconnect (peers[i], handlers[i]);
}

/* Two gathered relay-only sessions (peers[0] controlling) exchange their
 * descriptions as text and connect; both must select a relayed pair whose
 * local end is the TURN server's, from its relay port range. */
static inline void
transport_test_connect_relayed (ConfabIceSession **peers, GMainLoop *loop, guint relay_min_port,
                                guint relay_max_port)
{
  g_autofree char *offer = transport_test_describe_blob (peers[0], CONFAB_SDP_OFFER);
  g_autofree char *answer = transport_test_describe_blob (peers[1], CONFAB_SDP_ANSWER);
  /* Privacy mode: nothing but relay candidates leave this machine. */
  transport_test_assert_blob_hides_machine (offer);
  transport_test_assert_blob_hides_machine (answer);

  transport_test_apply_blob (peers[1], offer, CONFAB_SDP_OFFER);
  transport_test_apply_blob (peers[0], answer, CONFAB_SDP_ANSWER);
  transport_test_run_until_connected (peers, loop);

  for (guint i = 0; i < 2; i++)
    {
      ConfabIcePair pair;
      g_assert_true (confab_ice_session_get_selected_pair (peers[i], &pair));
      g_autofree char *described = confab_ice_pair_to_string (&pair);
      g_test_message ("peer %u: %s", i, described);
      g_assert_true (pair.relayed);
      g_assert_cmpstr (pair.local.type, ==, "relay");
      g_assert_cmpstr (pair.local.address, ==, TRANSPORT_TEST_RELAY_IP);
      g_assert_cmpuint (pair.local.port, >=, relay_min_port);
      g_assert_cmpuint (pair.local.port, <=, relay_max_port);
    }
}
