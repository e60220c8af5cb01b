/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Relayed calls through a real coturn on loopback: the privacy mode
 * (relay only) over TURN/UDP and TURN/TCP, and wrong credentials.
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

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
  GError *gather_error;
  guint watchdog;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *turnserver = g_find_program_in_path ("turnserver");
  f->loop = g_main_loop_new (NULL, FALSE);
  f->watchdog = transport_test_watchdog (WATCHDOG_SECONDS);
  if (!turnserver)
    return;

  g_autoptr (GError) error = NULL;
  f->dir = g_dir_make_tmp ("confab-turn-XXXXXX", &error);
  g_assert_no_error (error);
  f->port = transport_test_free_port ();
  g_autofree char *listen = g_strdup_printf ("--listening-port=%u", f->port);
  const char *args[] = { listen, "--no-tls", NULL };
  f->coturn = transport_test_start_coturn (turnserver, f->dir, RELAY_MIN_PORT, RELAY_MAX_PORT,
                                           args, f->port);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  for (guint i = 0; i < 2; i++)
    g_clear_object (&f->peers[i]);
  transport_test_stop_coturn (&f->coturn);
  if (f->dir)
    {
      g_autoptr (GFile) dir = g_file_new_for_path (f->dir);
      transport_test_rm_rf (dir);
      g_free (f->dir);
    }
  g_clear_error (&f->gather_error);
  g_source_remove (f->watchdog);
  g_main_loop_unref (f->loop);
}

static void
make_peers (Fixture *f, const char *uri, const char *password)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfabIceServer) turn = confab_ice_server_parse (uri, CONFAB_ICE_SERVER_TURN, &error);
  g_assert_no_error (error);
  turn->username = g_strdup ("alice");
  turn->password = g_strdup (password);
  f->gather_error = transport_test_gather_relay_only (f->peers, turn, 5000, f->loop);
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

  static const TransportTestCase cases[] = {
    { "turn-udp-relay-only", "udp", (GTestFixtureFunc) test_relayed },
    { "turn-tcp-relay-only", "tcp", (GTestFixtureFunc) test_relayed },
    { "turn-wrong-password", NULL, (GTestFixtureFunc) test_wrong_password },
  };
  transport_test_add_cases (cases, G_N_ELEMENTS (cases), sizeof (Fixture),
                            (GTestFixtureFunc) fixture_setup, (GTestFixtureFunc) fixture_teardown);
  return g_test_run ();
}
