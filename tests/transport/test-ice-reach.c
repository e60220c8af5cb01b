/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Which of the peer's candidates a session with a TURN relay hands to
 * libnice: not the private host addresses off this machine's links, which
 * a public relay cannot reach (a TURN server that tries may drop the whole
 * allocation). A relay from coturn on loopback makes the session
 * relay-capable; an open session beside it has no relay.
 */
#include "config.h"

#include <gio/gio.h>

#include "confab-ice-reach-private.h"
#include "confab-ice-server.h"
#include "confab-ice-session-private.h"
#include "transport-test-util.h"

#define WATCHDOG_SECONDS 30
#define RELAY_MIN_PORT 49600
#define RELAY_MAX_PORT 49650

static const char *const remote_lines[] = {
  "candidate:1 1 UDP 2130706431 10.213.7.9 5000 typ host",   /* private, off-link */
  "candidate:2 1 UDP 2130706431 169.254.77.1 5001 typ host", /* link-local, off-link */
  "candidate:3 1 UDP 2130706431 198.51.100.7 5002 typ host", /* public */
  "candidate:4 1 UDP 1694498815 198.51.100.8 5003 typ srflx raddr 10.213.7.9 rport 5000",
  "candidate:5 1 UDP 16777215 203.0.113.5 5004 typ relay raddr 198.51.100.8 rport 5003",
  NULL,
};

static GSList *
parse_remote (ConfabIceSession *session, const char *const *lines)
{
  GSList *out = NULL;
  for (const char *const *l = lines; *l; l++)
    {
      g_autofree char *line = g_strconcat ("a=", *l, NULL);
      NiceCandidate *c = nice_agent_parse_remote_candidate_sdp (
          confab_ice_session_get_agent (session), confab_ice_session_get_stream_id (session), line);
      g_assert_nonnull (c);
      out = g_slist_append (out, c);
    }
  return out;
}

/* The remote candidates the session keeps, as their ports, "5002 5003". */
static char *
kept_ports (ConfabIceSession *session, const char *const *lines, guint *dropped)
{
  GSList *kept = confab_ice_drop_unreachable_remote (confab_ice_session_get_agent (session),
                                                     confab_ice_session_get_stream_id (session),
                                                     parse_remote (session, lines), dropped);
  GString *ports = g_string_new (NULL);
  for (GSList *l = kept; l; l = l->next)
    g_string_append_printf (ports, "%s%u", ports->len ? " " : "",
                            nice_address_get_port (&((NiceCandidate *) l->data)->addr));
  g_slist_free_full (kept, (GDestroyNotify) nice_candidate_free);
  return g_string_free (ports, FALSE);
}

static void
test_reach (void)
{
  g_autofree char *turnserver = g_find_program_in_path ("turnserver");
  if (!turnserver)
    {
      g_test_skip ("coturn's turnserver is not installed (apt-get install coturn)");
      return;
    }
  TransportTestTurn t = { 0 };
  transport_test_turn_init (&t, WATCHDOG_SECONDS);
  g_autoptr (GError) error = NULL;
  t.dir = g_dir_make_tmp ("confab-reach-XXXXXX", &error);
  g_assert_no_error (error);
  guint port = transport_test_free_port ();
  g_autofree char *listen = g_strdup_printf ("--listening-port=%u", port);
  t.coturn = transport_test_start_coturn (turnserver, t.dir, RELAY_MIN_PORT, RELAY_MAX_PORT,
                                          (const char *[]){ listen, "--no-tls", NULL }, port);
  g_autofree char *uri = g_strdup_printf ("turn:127.0.0.1:%u", port);
  g_autoptr (ConfabIceServer) turn = confab_ice_server_parse (uri, CONFAB_ICE_SERVER_TURN, &error);
  g_assert_no_error (error);
  turn->username = g_strdup ("alice");
  turn->password = g_strdup ("secret");
  t.gather_error = transport_test_gather_relay_only (t.peers, turn, 5000, TRUE, t.loop);
  g_assert_no_error (t.gather_error);

  guint dropped = 0;
  g_autofree char *with_relay = kept_ports (t.peers[0], remote_lines, &dropped);
  g_assert_cmpstr (with_relay, ==, "5002 5003 5004");
  g_assert_cmpuint (dropped, ==, 2);

  /* Without a relay every pair starts from this machine's own sockets. */
  g_autofree char *without_relay = kept_ports (t.peers[1], remote_lines, &dropped);
  g_assert_cmpstr (without_relay, ==, "5000 5001 5002 5003 5004");
  g_assert_cmpuint (dropped, ==, 0);

  /* A peer with private addresses only: a routed private network is the
   * one way there, so nothing is left out. */
  const char *const private_lines[] = { remote_lines[0], remote_lines[1], NULL };
  g_autofree char *only_private = kept_ports (t.peers[0], private_lines, &dropped);
  g_assert_cmpstr (only_private, ==, "5000 5001");
  g_assert_cmpuint (dropped, ==, 0);

  transport_test_turn_clear (&t);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/confab/transport/ice-reach", test_reach);
  return g_test_run ();
}
