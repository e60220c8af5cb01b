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
  TransportTestTurn t;
  guint port;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *turnserver = g_find_program_in_path ("turnserver");
  transport_test_turn_init (&f->t, WATCHDOG_SECONDS);
  if (!turnserver)
    return;

  g_autoptr (GError) error = NULL;
  f->t.dir = g_dir_make_tmp ("confab-turn-XXXXXX", &error);
  g_assert_no_error (error);
  f->port = transport_test_free_port ();
  g_autofree char *listen = g_strdup_printf ("--listening-port=%u", f->port);
  const char *args[] = { listen, "--no-tls", NULL };
  f->t.coturn = transport_test_start_coturn (turnserver, f->t.dir, RELAY_MIN_PORT, RELAY_MAX_PORT,
                                             args, f->port);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  transport_test_turn_clear (&f->t);
}

static void
make_peers (Fixture *f, const char *uri, const char *password)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfabIceServer) turn = confab_ice_server_parse (uri, CONFAB_ICE_SERVER_TURN, &error);
  g_assert_no_error (error);
  turn->username = g_strdup ("alice");
  turn->password = g_strdup (password);
  f->t.gather_error = transport_test_gather_relay_only (f->t.peers, turn, 5000, f->t.loop);
}

static void
test_relayed (Fixture *f, gconstpointer data)
{
  const char *transport = data;
  if (!f->t.coturn)
    {
      g_test_skip ("coturn's turnserver is not installed (apt-get install coturn)");
      return;
    }

  g_autofree char *uri = g_strdup_printf ("turn:127.0.0.1:%u?transport=%s", f->port, transport);
  make_peers (f, uri, "secret");
  g_assert_no_error (f->t.gather_error);

  transport_test_connect_relayed (f->t.peers, f->t.loop, RELAY_MIN_PORT, RELAY_MAX_PORT);
}

static void
test_wrong_password (Fixture *f, gconstpointer data)
{
  if (!f->t.coturn)
    {
      g_test_skip ("coturn's turnserver is not installed (apt-get install coturn)");
      return;
    }
  g_autofree char *uri = g_strdup_printf ("turn:127.0.0.1:%u", f->port);
  make_peers (f, uri, "not-the-password");
  g_assert_error (f->t.gather_error, CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_NO_RELAY);
  g_assert_nonnull (strstr (f->t.gather_error->message, "credentials"));
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
