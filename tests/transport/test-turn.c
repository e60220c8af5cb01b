/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Relayed calls through a real coturn on loopback: the privacy mode
 * (relay only) over TURN/UDP and TURN/TCP, and wrong credentials.
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "confab-ice-server.h"
#include "transport-test-util.h"
#include "confab-ice-session-private.h"

#define WATCHDOG_SECONDS 60
#define RELAY_MIN_PORT 49400
#define RELAY_MAX_PORT 49500

typedef struct
{
  GSubprocess *coturn;
  guint port;
  char *dir;
  GMainLoop *loop;
  ConfabIceSession *peers[2];
  guint gathered;
  GError *gather_error;
  guint watchdog;
} Fixture;

static gboolean
on_watchdog (gpointer data)
{
  g_error ("watchdog: the test did not finish in %d s", WATCHDOG_SECONDS);
  return G_SOURCE_REMOVE;
}


static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *turnserver = g_find_program_in_path ("turnserver");
  f->loop = g_main_loop_new (NULL, FALSE);
  f->watchdog = g_timeout_add_seconds (WATCHDOG_SECONDS, on_watchdog, NULL);
  if (!turnserver)
    return;

  g_autoptr (GError) error = NULL;
  f->dir = g_dir_make_tmp ("confab-turn-XXXXXX", &error);
  g_assert_no_error (error);
  f->port = transport_test_free_port ();
  g_autofree char *listen = g_strdup_printf ("--listening-port=%u", f->port);
  g_autofree char *pidfile = g_strdup_printf ("--pidfile=%s/turn.pid", f->dir);
  g_autofree char *db = g_strdup_printf ("--userdb=%s/turn.db", f->dir);
  g_autofree char *minp = g_strdup_printf ("--min-port=%d", RELAY_MIN_PORT);
  g_autofree char *maxp = g_strdup_printf ("--max-port=%d", RELAY_MAX_PORT);

  f->coturn = g_subprocess_new (
    G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, turnserver,
    "-n", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", listen, minp, maxp,
    "--user=alice:secret", "--realm=confab.test", "--lt-cred-mech",
    /* coturn refuses to relay to loopback peers unless told; both peers are here. */
    "--allow-loopback-peers", "--no-tls", "--no-dtls", "--no-cli", "--fingerprint",
    "--log-file=stdout", "--simple-log", pidfile, db, NULL);
  g_assert_no_error (error);

  transport_test_wait_listening (f->port);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  for (guint i = 0; i < 2; i++)
    g_clear_object (&f->peers[i]);
  if (f->coturn)
    {
      g_subprocess_force_exit (f->coturn);
      g_subprocess_wait (f->coturn, NULL, NULL);
      g_clear_object (&f->coturn);
    }
  if (f->dir)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);
      g_assert_cmpint (system (cmd), ==, 0);
      g_free (f->dir);
    }
  g_clear_error (&f->gather_error);
  g_source_remove (f->watchdog);
  g_main_loop_unref (f->loop);
}

static void
on_gathered (GObject *source, GAsyncResult *result, gpointer data)
{
  Fixture *f = data;
  GError *error = NULL;
  if (!confab_ice_session_gather_finish (CONFAB_ICE_SESSION (source), result, &error))
    {
      if (!f->gather_error)
        f->gather_error = error;
      else
        g_error_free (error);
    }
  if (++f->gathered == 2)
    g_main_loop_quit (f->loop);
}

static void
make_peers (Fixture *f, const char *uri, const char *password)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfabIceServer) turn = confab_ice_server_parse (uri, CONFAB_ICE_SERVER_TURN, &error);
  g_assert_no_error (error);
  turn->username = g_strdup ("alice");
  turn->password = g_strdup (password);

  for (guint i = 0; i < 2; i++)
    {
      f->peers[i] = confab_ice_session_new (i == 0);
      confab_ice_session_add_local_address (f->peers[i], "127.0.0.1");
      confab_ice_session_set_turn_server (f->peers[i], turn);
      confab_ice_session_set_relay_only (f->peers[i], TRUE);
      confab_ice_session_set_gather_timeout (f->peers[i], 5000);
      confab_ice_session_gather_async (f->peers[i], NULL, on_gathered, f);
    }
  g_main_loop_run (f->loop);
}

static void
test_relayed (Fixture *f, gconstpointer data)
{
  const char *transport = data;
  if (!f->coturn)
    {
      g_test_skip ("coturn's turnserver is not installed (apt-get install coturn)");
      return;
    }

  g_autofree char *uri = g_strdup_printf ("turn:127.0.0.1:%u?transport=%s", f->port, transport);
  make_peers (f, uri, "secret");
  g_assert_no_error (f->gather_error);

  transport_test_connect_relayed (f->peers, f->loop, RELAY_MIN_PORT, RELAY_MAX_PORT);
}

static void
test_wrong_password (Fixture *f, gconstpointer data)
{
  if (!f->coturn)
    {
      g_test_skip ("coturn's turnserver is not installed (apt-get install coturn)");
      return;
    }
  g_autofree char *uri = g_strdup_printf ("turn:127.0.0.1:%u", f->port);
  make_peers (f, uri, "not-the-password");
  g_assert_error (f->gather_error, CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_NO_RELAY);
  g_assert_nonnull (strstr (f->gather_error->message, "credentials"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/confab/transport/turn-udp-relay-only", Fixture, "udp", fixture_setup,
              test_relayed, fixture_teardown);
  g_test_add ("/confab/transport/turn-tcp-relay-only", Fixture, "tcp", fixture_setup,
              test_relayed, fixture_teardown);
  g_test_add ("/confab/transport/turn-wrong-password", Fixture, NULL, fixture_setup,
              test_wrong_password, fixture_teardown);
  return g_test_run ();
}
