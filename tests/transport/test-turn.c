/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Relayed calls through a real coturn on loopback: the privacy mode
 * (relay only) over TURN/UDP and TURN/TCP, what an ordinary peer of a
 * relay-only one learns (its pasted text and every datagram it receives),
 * and wrong credentials.
 */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "confab-ice-server.h"
#include "transport-test-util.h"
#include "confab-ice-session-private.h"

#define WATCHDOG_SECONDS 60
#define RELAY_MIN_PORT 49400
#define RELAY_MAX_PORT 49500
#define N_PACKETS 20
#define PACKET_MARK "confab privacy test packet"

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
make_peers (Fixture *f, const char *uri, const char *password, gboolean open_answerer)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfabIceServer) turn = confab_ice_server_parse (uri, CONFAB_ICE_SERVER_TURN, &error);
  g_assert_no_error (error);
  turn->username = g_strdup ("alice");
  turn->password = g_strdup (password);
  f->t.gather_error
      = transport_test_gather_relay_only (f->t.peers, turn, 5000, open_answerer, f->t.loop);
}

/* Gathers both peers through coturn over @transport (see make_peers());
 * FALSE when the test is skipped. */
static gboolean
gather_peers (Fixture *f, const char *transport, gboolean open_answerer)
{
  if (!f->t.coturn)
    {
      g_test_skip ("coturn's turnserver is not installed (apt-get install coturn)");
      return FALSE;
    }
  g_autofree char *uri = g_strdup_printf ("turn:127.0.0.1:%u?transport=%s", f->port, transport);
  make_peers (f, uri, "secret", open_answerer);
  g_assert_no_error (f->t.gather_error);
  return TRUE;
}

static void
test_relayed (Fixture *f, gconstpointer data)
{
  if (gather_peers (f, data, FALSE))
    transport_test_connect_relayed (f->t.peers, f->t.loop, RELAY_MIN_PORT, RELAY_MAX_PORT);
}

/* One UDP datagram this machine received, as a raw socket sees it. */
typedef struct
{
  GInetAddress *source;
  GInetAddress *destination;
  guint destination_port;
  gboolean marked; /* carries PACKET_MARK: a packet the test sent, not a check */
} Datagram;

static void
datagram_clear (gpointer data)
{
  Datagram *d = data;
  g_clear_object (&d->source);
  g_clear_object (&d->destination);
}

/* A copy of every IPv4 UDP datagram delivered to this machine, with the
 * source address the receiving socket sees; NULL without CAP_NET_RAW. */
static GSocket *
capture_open (void)
{
  int fd = socket (AF_INET, SOCK_RAW, IPPROTO_UDP);
  if (fd < 0 && (errno == EPERM || errno == EACCES))
    return NULL;
  g_assert_cmpint (fd, >=, 0);
  g_autoptr (GError) error = NULL;
  GSocket *capture = g_socket_new_from_fd (fd, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (capture, FALSE);
  g_socket_set_option (capture, SOL_SOCKET, SO_RCVBUF, 4 << 20, NULL);
  return capture;
}

/*  IPv4 header (IHL 32-bit words; protocol at byte 9, source at 12,
 *  destination at 16), then UDP's (RFC 768):
 *   0      7 8     15 16    23 24    31
 *  +--------+--------+--------+--------+
 *  |   source port   |destination port |
 *  +--------+--------+--------+--------+
 *  |     length      |    checksum     |
 *  +--------+--------+--------+--------+ */
static void
capture_drain (GSocket *capture, GArray *datagrams)
{
  static guint8 buf[65536];
  gssize n;
  while ((n = g_socket_receive (capture, (char *) buf, sizeof buf, NULL, NULL)) > 0)
    {
      gsize ihl = (buf[0] & 0x0f) * 4u;
      if (buf[0] >> 4 != 4 || buf[9] != IPPROTO_UDP || (gsize) n < ihl + 8)
        continue;
      Datagram d = {
        g_inet_address_new_from_bytes (buf + 12, G_SOCKET_FAMILY_IPV4),
        g_inet_address_new_from_bytes (buf + 16, G_SOCKET_FAMILY_IPV4),
        buf[ihl + 2] << 8 | buf[ihl + 3],
        memmem (buf + ihl + 8, n - ihl - 8, PACKET_MARK, strlen (PACKET_MARK)) != NULL,
      };
      g_array_append_val (datagrams, d);
    }
}

/* The ports of @peer's UDP candidates: where datagrams for it arrive. */
static GArray *
udp_ports (ConfabIceSession *peer)
{
  GArray *ports = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GPtrArray) lines = confab_ice_session_dup_local_candidates (peer);
  for (guint i = 0; i < lines->len; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines->pdata[i], " ", -1);
      guint port = g_strv_length (f) > 5 ? (guint) g_ascii_strtoull (f[5], NULL, 10) : 0;
      if (port && g_ascii_strcasecmp (f[2], "UDP") == 0)
        g_array_append_val (ports, port);
    }
  g_assert_cmpuint (ports->len, >, 0);
  return ports;
}

static void
on_marked_packet (const guint8 *data, gsize size, gpointer user_data)
{
  if (size >= strlen (PACKET_MARK) && memcmp (data, PACKET_MARK, strlen (PACKET_MARK)) == 0)
    g_atomic_int_inc ((gint *) user_data);
}

typedef struct
{
  ConfabIceSession **peers;
  GMainLoop *loop;
  gint received[2]; /* by each peer, on libnice's threads */
  guint sent;
} Exchange;

/* Both ways, one packet per tick, until each side has N_PACKETS. */
static gboolean
on_send_tick (gpointer data)
{
  Exchange *x = data;
  g_autofree char *packet = g_strdup_printf (PACKET_MARK " %u", x->sent++);
  for (guint i = 0; i < 2; i++)
    confab_ice_session_send (x->peers[i], (const guint8 *) packet, strlen (packet));
  if (g_atomic_int_get (&x->received[0]) >= N_PACKETS
      && g_atomic_int_get (&x->received[1]) >= N_PACKETS)
    {
      g_main_loop_quit (x->loop);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_capture_readable (GSocket *socket, GIOCondition condition, gpointer data)
{
  capture_drain (socket, data);
  return G_SOURCE_CONTINUE;
}

/* peers[0] is relay-only, peers[1] an ordinary peer that pastes its text.
 * What peers[1] learns must be the relay's address and nothing else: in the
 * text (it parses, and libnice takes the hidden related address), and on
 * the wire, where every datagram to its sockets, checks and media alike,
 * comes from the TURN server's relay. */
static void
test_open_peer (Fixture *f, gconstpointer data)
{
  if (!gather_peers (f, data, TRUE))
    return;
  ConfabIceSession **peers = f->t.peers;

  /* The offer travels in the compact form a chat carries. */
  g_autofree char *offer = transport_test_describe_blob (peers[0], CONFAB_SDP_OFFER);
  g_autofree char *answer = transport_test_describe_blob (peers[1], CONFAB_SDP_ANSWER);
  g_autofree char *compact = confab_sdp_compact_encode (offer, CONFAB_SDP_OFFER);
  transport_test_assert_blob_hides_machine (offer);

  g_autoptr (GSocket) capture = capture_open ();
  g_autoptr (GArray) datagrams = g_array_new (FALSE, FALSE, sizeof (Datagram));
  g_array_set_clear_func (datagrams, datagram_clear);
  g_autoptr (GSource) watch = capture ? g_socket_create_source (capture, G_IO_IN, NULL) : NULL;
  if (watch)
    {
      g_source_set_callback (watch, G_SOURCE_FUNC (on_capture_readable), datagrams, NULL);
      g_source_attach (watch, NULL);
    }

  Exchange x = { peers, f->t.loop, { 0, 0 }, 0 };
  for (guint i = 0; i < 2; i++)
    confab_ice_session_set_receive_func (peers[i], on_marked_packet, &x.received[i], NULL);
  transport_test_apply_blob (peers[1], compact, CONFAB_SDP_OFFER);
  transport_test_apply_blob (peers[0], answer, CONFAB_SDP_ANSWER);
  transport_test_run_until_connected (peers, f->t.loop);

  ConfabIcePair pair;
  g_assert_true (confab_ice_session_get_selected_pair (peers[1], &pair));
  g_autofree char *described = confab_ice_pair_to_string (&pair);
  g_test_message ("the open peer: %s", described);
  g_assert_cmpstr (pair.local.type, ==, "host");
  g_assert_cmpstr (pair.remote.type, ==, "relay");
  g_assert_cmpstr (pair.remote.address, ==, TRANSPORT_TEST_RELAY_IP);

  g_timeout_add (10, on_send_tick, &x);
  g_main_loop_run (f->t.loop);
  for (guint i = 0; i < 2; i++)
    confab_ice_session_set_receive_func (peers[i], NULL, NULL, NULL);
  g_test_message ("%u packets sent each way, %d and %d received", x.sent, x.received[0],
                  x.received[1]);
  if (!capture)
    {
      g_test_skip ("the call carried packets, but what the open peer received was not looked "
                   "at: capturing needs CAP_NET_RAW");
      return;
    }
  g_source_destroy (watch);
  capture_drain (capture, datagrams);

  g_autoptr (GArray) ports = udp_ports (peers[1]);
  g_autoptr (GInetAddress) relay = g_inet_address_new_from_string (TRANSPORT_TEST_RELAY_IP);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_from_string ("127.0.0.1");
  guint to_peer = 0, marked = 0;
  g_autofree char *leak = NULL;
  for (guint i = 0; i < datagrams->len && !leak; i++)
    {
      const Datagram *d = &g_array_index (datagrams, Datagram, i);
      gboolean ours = FALSE;
      for (guint p = 0; p < ports->len; p++)
        ours |= d->destination_port == g_array_index (ports, guint, p);
      if (!ours || !g_inet_address_equal (d->destination, loopback))
        continue;
      to_peer++;
      marked += d->marked;
      if (!g_inet_address_equal (d->source, relay))
        leak = g_inet_address_to_string (d->source);
    }
  g_test_message ("%u datagrams to the open peer, %u of them the test's packets", to_peer, marked);
  g_assert_cmpstr (leak, ==, NULL);
  g_assert_cmpuint (marked, >=, N_PACKETS);
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
  make_peers (f, uri, "not-the-password", FALSE);
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
    { "turn-udp-relay-only-to-open-peer", "udp", (GTestFixtureFunc) test_open_peer },
    { "turn-tcp-relay-only-to-open-peer", "tcp", (GTestFixtureFunc) test_open_peer },
    { "turn-wrong-password", NULL, (GTestFixtureFunc) test_wrong_password },
  };
  transport_test_add_cases (cases, G_N_ELEMENTS (cases), sizeof (Fixture),
                            (GTestFixtureFunc) fixture_setup, (GTestFixtureFunc) fixture_teardown);
  return g_test_run ();
}
