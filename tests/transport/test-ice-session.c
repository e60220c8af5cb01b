/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two real libnice agents in one process, talking over loopback.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "confab-ice-layer.h"
#include "confab-ice-server.h"
#include "confab-ice-session-private.h"
#include "confab-packet-path.h"
#include "confab-packet-tap.h"
#include "transport-test-util.h"

#define WATCHDOG_SECONDS 60

typedef struct
{
  GMainLoop *loop;
  ConfabIceSession *offerer;
  ConfabIceSession *answerer;
  ConfabSdp *offer;
  ConfabSdp *answer;
  guint watchdog;
  guint gathered;
  gint received_by_offerer;
  gint received_by_answerer;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->loop = g_main_loop_new (NULL, FALSE);
  const char *late = g_getenv ("CONFAB_LATE_ANSWER_SECONDS");
  f->watchdog = transport_test_watchdog (WATCHDOG_SECONDS + (late ? atoi (late) : 0));
  f->offerer = confab_ice_session_new (TRUE);
  f->answerer = confab_ice_session_new (FALSE);
  /* Loopback only: the test must not depend on the machine's interfaces. */
  confab_ice_session_add_local_address (f->offerer, "127.0.0.1");
  confab_ice_session_add_local_address (f->answerer, "127.0.0.1");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->offerer);
  g_clear_object (&f->answerer);
  g_clear_pointer (&f->offer, confab_sdp_free);
  g_clear_pointer (&f->answer, confab_sdp_free);
  g_source_remove (f->watchdog);
  g_main_loop_unref (f->loop);
}

static void
on_gathered (GObject *source, GAsyncResult *result, gpointer data)
{
  Fixture *f = data;
  g_autoptr (GError) error = NULL;
  g_assert_true (confab_ice_session_gather_finish (CONFAB_ICE_SESSION (source), result, &error));
  g_assert_no_error (error);
  if (++f->gathered == 2)
    g_main_loop_quit (f->loop);
}

static void
gather_both (Fixture *f)
{
  confab_ice_session_gather_async (f->offerer, NULL, on_gathered, f);
  confab_ice_session_gather_async (f->answerer, NULL, on_gathered, f);
  g_main_loop_run (f->loop);
  g_assert_cmpint (confab_ice_session_get_state (f->offerer), ==, CONFAB_ICE_STATE_GATHERED);

  f->offer = confab_sdp_new (CONFAB_SDP_OFFER);
  f->answer = confab_sdp_new (CONFAB_SDP_ANSWER);
  confab_ice_session_describe (f->offerer, f->offer);
  confab_ice_session_describe (f->answerer, f->answer);
  g_assert_cmpuint (f->offer->candidates->len, >, 0);
  g_assert_cmpuint (f->answer->candidates->len, >, 0);
  g_assert_nonnull (f->offer->ice_ufrag);
}

static void
on_state (GObject *object, GParamSpec *pspec, gpointer data)
{
  Fixture *f = data;
  if (confab_ice_session_get_state (f->offerer) == CONFAB_ICE_STATE_CONNECTED
      && confab_ice_session_get_state (f->answerer) == CONFAB_ICE_STATE_CONNECTED)
    g_main_loop_quit (f->loop);
}

static void
wait_connected (Fixture *f)
{
  gulong a = g_signal_connect (f->offerer, "notify::state", G_CALLBACK (on_state), f);
  gulong b = g_signal_connect (f->answerer, "notify::state", G_CALLBACK (on_state), f);
  on_state (NULL, NULL, f);
  if (confab_ice_session_get_state (f->offerer) != CONFAB_ICE_STATE_CONNECTED
      || confab_ice_session_get_state (f->answerer) != CONFAB_ICE_STATE_CONNECTED)
    g_main_loop_run (f->loop);
  g_signal_handler_disconnect (f->offerer, a);
  g_signal_handler_disconnect (f->answerer, b);
}

static void
assert_pair_matches_libnice (ConfabIceSession *session)
{
  ConfabIcePair pair;
  NiceCandidate *local = NULL, *remote = NULL;
  char addr[NICE_ADDRESS_STRING_LEN];

  g_assert_true (confab_ice_session_get_selected_pair (session, &pair));
  g_assert_true (nice_agent_get_selected_pair (confab_ice_session_get_agent (session),
                                               confab_ice_session_get_stream_id (session), 1,
                                               &local, &remote));

  nice_address_to_string (&local->addr, addr);
  g_assert_cmpstr (pair.local.address, ==, addr);
  g_assert_cmpuint (pair.local.port, ==, nice_address_get_port (&local->addr));
  nice_address_to_string (&remote->addr, addr);
  g_assert_cmpstr (pair.remote.address, ==, addr);
  g_assert_cmpuint (pair.remote.port, ==, nice_address_get_port (&remote->addr));
  g_assert_cmpstr (pair.local.protocol, ==,
                   local->transport == NICE_CANDIDATE_TRANSPORT_UDP ? "udp" : "tcp");
  g_assert_cmpstr (pair.local.type, ==,
                   local->type == NICE_CANDIDATE_TYPE_HOST             ? "host"
                   : local->type == NICE_CANDIDATE_TYPE_PEER_REFLEXIVE ? "prflx"
                   : local->type == NICE_CANDIDATE_TYPE_RELAYED        ? "relay"
                                                                       : "srflx");
  g_assert_false (pair.relayed);
  g_assert_cmpstr (pair.local.address, ==, "127.0.0.1");
}

static void
on_offerer_receive (const guint8 *data, gsize size, gpointer user_data)
{
  Fixture *f = user_data;
  if (size == 5 && memcmp (data, "pong!", 5) == 0)
    g_atomic_int_inc (&f->received_by_offerer);
}

static void
on_answerer_receive (const guint8 *data, gsize size, gpointer user_data)
{
  Fixture *f = user_data;
  if (size == 5 && memcmp (data, "ping!", 5) == 0)
    g_atomic_int_inc (&f->received_by_answerer);
}

static gboolean
on_poll_received (gpointer data)
{
  Fixture *f = data;
  if (g_atomic_int_get (&f->received_by_offerer) >= 10
      && g_atomic_int_get (&f->received_by_answerer) >= 10)
    {
      g_main_loop_quit (f->loop);
      return G_SOURCE_REMOVE;
    }
  confab_ice_session_send (f->offerer, (const guint8 *) "ping!", 5);
  confab_ice_session_send (f->answerer, (const guint8 *) "pong!", 5);
  return G_SOURCE_CONTINUE;
}

static void
exchange_packets (Fixture *f)
{
  confab_ice_session_set_receive_func (f->offerer, on_offerer_receive, f, NULL);
  confab_ice_session_set_receive_func (f->answerer, on_answerer_receive, f, NULL);
  g_timeout_add (10, on_poll_received, f);
  g_main_loop_run (f->loop);

  ConfabIceStats stats;
  confab_ice_session_get_stats (f->offerer, &stats);
  g_assert_cmpuint (stats.packets_sent, >=, 10);
  g_assert_cmpuint (stats.packets_received, >=, 10);
  g_assert_cmpint (stats.connected_time, >=, stats.remote_applied_time);
  g_assert_cmpint (stats.gather_end_time, >=, stats.gather_start_time);
}

static void
connect_both (Fixture *f)
{
  gather_both (f);

  g_autoptr (GError) error = NULL;
  gboolean ok_ = confab_ice_session_set_remote (f->answerer, f->offer, &error);
  g_assert_no_error (error);
  g_assert_true (ok_);
  ok_ = confab_ice_session_set_remote (f->offerer, f->answer, &error);
  g_assert_no_error (error);
  g_assert_true (ok_);

  wait_connected (f);
}

static void
test_connect_loopback (Fixture *f, gconstpointer data)
{
  connect_both (f);
  assert_pair_matches_libnice (f->offerer);
  assert_pair_matches_libnice (f->answerer);
  exchange_packets (f);

  ConfabIceStats stats;
  confab_ice_session_get_stats (f->offerer, &stats);
  g_test_message ("loopback: connected %.1f ms after the answer was applied",
                  (stats.connected_time - stats.remote_applied_time) / 1000.0);
}

/* What one side's packet path delivered: numbered packets, in order. */
typedef struct
{
  gint count;
  gint out_of_order;
  guint32 next;
} Delivered;

static void
on_path_deliver (const guint8 *data, gsize size, gpointer user_data)
{
  Delivered *d = user_data;
  g_assert_cmpuint (size, ==, 100);
  guint32 seq = ((guint32) data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3];
  if (seq != d->next)
    g_atomic_int_inc (&d->out_of_order);
  d->next = seq + 1;
  g_atomic_int_inc (&d->count);
}

static void
send_numbered (ConfabPacketPath *path, guint32 first, guint n)
{
  for (guint32 seq = first; seq < first + n; seq++)
    {
      guint8 packet[100] = { seq >> 24, seq >> 16, seq >> 8, seq };
      confab_packet_path_send (path, packet, sizeof packet);
    }
}

static void
wait_delivered (Delivered *d, gint count, gint64 timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;
  while (g_atomic_int_get (&d->count) < count && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
}

/* Two connected sessions, each the bottom of a packet path with a tap on
 * top: numbered packets go through both paths, in order, and are counted
 * by the taps; closing a path closes its session and stops delivery. */
static void
test_packet_path (Fixture *f, gconstpointer data)
{
  connect_both (f);

  ConfabIceSession *sessions[2] = { f->offerer, f->answerer };
  ConfabPacketPath *paths[2];
  ConfabPacketTap *taps[2];
  Delivered delivered[2] = { 0 };
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (ConfabIceLayer) bottom = confab_ice_layer_new (sessions[i]);
      paths[i] = confab_packet_path_new (CONFAB_PACKET_LAYER (bottom));
      taps[i] = confab_packet_tap_new ();
      g_assert_true (confab_packet_path_push (paths[i], CONFAB_PACKET_LAYER (taps[i])));
      confab_packet_path_set_deliver_func (paths[i], on_path_deliver, &delivered[i], NULL);
    }

  send_numbered (paths[0], 0, 50);
  send_numbered (paths[1], 0, 50);
  wait_delivered (&delivered[0], 50, 10000);
  wait_delivered (&delivered[1], 50, 10000);
  for (guint i = 0; i < 2; i++)
    {
      ConfabPacketTapStats stats;
      confab_packet_tap_get_stats (taps[i], &stats);
      g_assert_cmpint (delivered[i].count, ==, 50);
      g_assert_cmpint (delivered[i].out_of_order, ==, 0);
      g_assert_cmpuint (stats.packets_sent, ==, 50);
      g_assert_cmpuint (stats.bytes_sent, ==, 5000);
      g_assert_cmpuint (stats.packets_received, ==, 50);
      g_assert_cmpuint (stats.bytes_received, ==, 5000);
    }

  /* The offerer hangs up: its session closes with its path. */
  confab_packet_path_close (paths[0]);
  g_assert_cmpint (confab_ice_session_get_state (f->offerer), ==, CONFAB_ICE_STATE_CLOSED);
  g_assert_true (confab_packet_layer_is_closed (CONFAB_PACKET_LAYER (taps[0])));
  send_numbered (paths[1], 50, 10);
  send_numbered (paths[0], 50, 10);
  wait_delivered (&delivered[0], 60, 300);
  g_assert_cmpint (delivered[0].count, ==, 50);
  ConfabPacketTapStats stats;
  confab_packet_tap_get_stats (taps[0], &stats);
  g_assert_cmpuint (stats.packets_sent, ==, 50);

  for (guint i = 0; i < 2; i++)
    {
      g_object_unref (paths[i]);
      g_object_unref (taps[i]);
    }
}

static gboolean
on_late_answer (gpointer data)
{
  Fixture *f = data;
  g_autoptr (GError) error = NULL;
  gboolean ok_ = confab_ice_session_set_remote (f->offerer, f->answer, &error);
  g_assert_no_error (error);
  g_assert_true (ok_);
  return G_SOURCE_REMOVE;
}

/* The answerer starts its checks at once, the offerer gets the answer much
 * later (a person carries it). libnice's answerer gives up in seconds; the
 * session must still connect when the offerer's checks finally come. */
static void
test_late_answer (Fixture *f, gconstpointer data)
{
  guint delay = GPOINTER_TO_UINT (data);
  /* CONFAB_LATE_ANSWER_SECONDS=125 checks the full human paste latency by hand. */
  const char *env = g_getenv ("CONFAB_LATE_ANSWER_SECONDS");
  if (env)
    delay = MAX (1, atoi (env));
  g_test_message ("the offerer applies the answer after %u s", delay);
  gather_both (f);

  g_autoptr (GError) error = NULL;
  g_assert_true (confab_ice_session_set_remote (f->answerer, f->offer, &error));
  g_timeout_add_seconds (delay, on_late_answer, f);

  wait_connected (f);
  assert_pair_matches_libnice (f->answerer);
  exchange_packets (f);
}

static void
on_answerer_state (GObject *object, GParamSpec *pspec, gpointer data)
{
  gboolean *saw_failed = data;
  if (confab_ice_session_get_state (CONFAB_ICE_SESSION (object)) == CONFAB_ICE_STATE_FAILED)
    *saw_failed = TRUE;
}

/* The recovery itself: the answerer's checks all fail and libnice reports
 * FAILED (made quick here with a short idle timeout) long before the answer
 * reaches the offerer; the session must still connect when the offerer's
 * checks arrive. */
static void
test_recovers_from_failed (Fixture *f, gconstpointer data)
{
  gboolean saw_failed = FALSE;
  confab_ice_session_set_idle_timeout (f->answerer, 500);
  gather_both (f);
  g_signal_connect (f->answerer, "notify::state", G_CALLBACK (on_answerer_state), &saw_failed);

  g_autoptr (GError) error = NULL;
  g_assert_true (confab_ice_session_set_remote (f->answerer, f->offer, &error));
  while (!saw_failed)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("the answerer reported FAILED; now the offerer gets the answer");
  on_late_answer (f);

  wait_connected (f);
  assert_pair_matches_libnice (f->answerer);
  exchange_packets (f);
}

static void
test_own_description_rejected (Fixture *f, gconstpointer data)
{
  gather_both (f);
  g_autoptr (GError) error = NULL;
  g_assert_false (confab_ice_session_set_remote (f->offerer, f->offer, &error));
  g_assert_error (error, CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_REMOTE);
}

static void
test_unusable_candidates (Fixture *f, gconstpointer data)
{
  gather_both (f);
  g_ptr_array_set_size (f->answer->candidates, 0);
  confab_sdp_add_candidate (f->answer, "candidate:1 1 SCTP 1 127.0.0.1 9 typ host");
  g_autoptr (GError) error = NULL;
  g_assert_false (confab_ice_session_set_remote (f->offerer, f->answer, &error));
  g_assert_error (error, CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_REMOTE);
}

static void
test_port_range (Fixture *f, gconstpointer data)
{
  confab_ice_session_set_port_range (f->offerer, 47100, 47110);
  confab_ice_session_set_port_range (f->answerer, 47111, 47120);
  gather_both (f);
  for (guint i = 0; i < f->offer->candidates->len; i++)
    {
      const char *line = f->offer->candidates->pdata[i];
      if (!strstr (line, " UDP "))
        continue;
      g_autofree char *attr = g_strconcat ("a=", line, NULL);
      NiceCandidate *c = nice_agent_parse_remote_candidate_sdp (
          confab_ice_session_get_agent (f->answerer),
          confab_ice_session_get_stream_id (f->answerer), attr);
      g_assert_nonnull (c);
      guint port = nice_address_get_port (&c->addr);
      g_assert_cmpuint (port, >=, 47100);
      g_assert_cmpuint (port, <=, 47110);
      nice_candidate_free (c);
    }
}

static void
on_gather_expect_error (GObject *source, GAsyncResult *result, gpointer data)
{
  GError **error = data;
  g_assert_false (confab_ice_session_gather_finish (CONFAB_ICE_SESSION (source), result, error));
}

static void
test_relay_only_needs_turn (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  confab_ice_session_set_relay_only (f->offerer, TRUE);
  confab_ice_session_gather_async (f->offerer, NULL, on_gather_expect_error, &error);
  while (!error)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_SETUP);
}

static void
test_relay_only_unreachable_turn (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfabIceServer) turn
      = confab_ice_server_parse ("turn:127.0.0.1:9", CONFAB_ICE_SERVER_TURN, NULL);
  turn->username = g_strdup ("u");
  turn->password = g_strdup ("p");
  confab_ice_session_set_turn_server (f->offerer, turn);
  confab_ice_session_set_relay_only (f->offerer, TRUE);
  confab_ice_session_set_gather_timeout (f->offerer, 1500);
  confab_ice_session_gather_async (f->offerer, NULL, on_gather_expect_error, &error);
  while (!error)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_NO_RELAY);
}

static void
test_server_uris (void)
{
  static const struct
  {
    const char *uri;
    ConfabIceServerKind kind;
    const char *host;
    guint port;
    ConfabIceTransport transport;
    gboolean secure;
  } good[] = {
    { "stun:stun.example.org", CONFAB_ICE_SERVER_STUN, "stun.example.org", 3478,
      CONFAB_ICE_TRANSPORT_UDP, FALSE },
    { "stun:192.0.2.1:19302", CONFAB_ICE_SERVER_STUN, "192.0.2.1", 19302, CONFAB_ICE_TRANSPORT_UDP,
      FALSE },
    { "turn:[2001:db8::1]:3479?transport=tcp", CONFAB_ICE_SERVER_TURN, "2001:db8::1", 3479,
      CONFAB_ICE_TRANSPORT_TCP, FALSE },
    { "TURN:relay.example.org?transport=udp", CONFAB_ICE_SERVER_TURN, "relay.example.org", 3478,
      CONFAB_ICE_TRANSPORT_UDP, FALSE },
    { "turns:relay.example.org", CONFAB_ICE_SERVER_TURN, "relay.example.org", 5349,
      CONFAB_ICE_TRANSPORT_TCP, TRUE },
  };
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ConfabIceServer) s = confab_ice_server_parse (good[i].uri, good[i].kind, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (s->host, ==, good[i].host);
      g_assert_cmpuint (s->port, ==, good[i].port);
      g_assert_cmpint (s->transport, ==, good[i].transport);
      g_assert_cmpint (s->secure, ==, good[i].secure);
    }

  static const struct
  {
    const char *uri;
    ConfabIceServerKind kind;
    const char *needle;
  } bad[] = {
    { "stun.example.org", CONFAB_ICE_SERVER_STUN, "expected stun:" },
    { "turn:relay.example.org", CONFAB_ICE_SERVER_STUN, "takes a stun:" },
    { "stun:host:0", CONFAB_ICE_SERVER_STUN, "port" },
    { "stun:host:70000", CONFAB_ICE_SERVER_STUN, "port" },
    { "stun:host:12ab", CONFAB_ICE_SERVER_STUN, "port" },
    { "stun:", CONFAB_ICE_SERVER_STUN, "host is missing" },
    { "stun:host?transport=udp", CONFAB_ICE_SERVER_STUN, "no ?query" },
    { "turn:host?transport=sctp", CONFAB_ICE_SERVER_TURN, "transport=udp" },
    { "turn:2001:db8::1", CONFAB_ICE_SERVER_TURN, "brackets" },
    { "turn:[2001:db8::1", CONFAB_ICE_SERVER_TURN, "]" },
    { "turn:[not-v6]:3478", CONFAB_ICE_SERVER_TURN, "IPv6" },
    { "turn:bad host\x1b[31m", CONFAB_ICE_SERVER_TURN, "characters" },
    { "turns:host?transport=udp", CONFAB_ICE_SERVER_TURN, "TLS" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ConfabIceServer) s = confab_ice_server_parse (bad[i].uri, bad[i].kind, &error);
      g_assert_null (s);
      g_assert_error (error, CONFAB_ICE_SERVER_ERROR, CONFAB_ICE_SERVER_ERROR_INVALID_URI);
      if (!strstr (error->message, bad[i].needle))
        g_error ("\"%s\": message \"%s\" lacks \"%s\"", bad[i].uri, error->message, bad[i].needle);
      g_assert_null (strchr (error->message, '\x1b'));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/confab/transport/server-uris", test_server_uris);
  g_test_add ("/confab/transport/connect-loopback", Fixture, NULL, fixture_setup,
              test_connect_loopback, fixture_teardown);
  g_test_add ("/confab/transport/packet-path-over-ice", Fixture, NULL, fixture_setup,
              test_packet_path, fixture_teardown);
  g_test_add ("/confab/transport/late-answer", Fixture, GUINT_TO_POINTER (20), fixture_setup,
              test_late_answer, fixture_teardown);
  g_test_add ("/confab/transport/recovers-from-failed", Fixture, NULL, fixture_setup,
              test_recovers_from_failed, fixture_teardown);
  g_test_add ("/confab/transport/own-description-rejected", Fixture, NULL, fixture_setup,
              test_own_description_rejected, fixture_teardown);
  g_test_add ("/confab/transport/unusable-candidates", Fixture, NULL, fixture_setup,
              test_unusable_candidates, fixture_teardown);
  g_test_add ("/confab/transport/port-range", Fixture, NULL, fixture_setup, test_port_range,
              fixture_teardown);
  g_test_add ("/confab/transport/relay-only-needs-turn", Fixture, NULL, fixture_setup,
              test_relay_only_needs_turn, fixture_teardown);
  g_test_add ("/confab/transport/relay-only-unreachable-turn", Fixture, NULL, fixture_setup,
              test_relay_only_unreachable_turn, fixture_teardown);

  return g_test_run ();
}
