/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TURN over TLS through ConfabTurnTlsProxy, against a real coturn on
 * loopback with a throwaway CA made by openssl at test time: a hand-made
 * STUN request through the splice, a full relayed ICE connection, an
 * untrusted certificate, and a server that is not there.
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "confab-ice-server.h"
#include "transport-test-util.h"
#include "confab-ice-session-private.h"
#include "confab-turn-tls-proxy.h"

#define WATCHDOG_SECONDS 60
#define IO_TIMEOUT_SECONDS 20
#define RELAY_MIN_PORT 49600
#define RELAY_MAX_PORT 49700
#define STUN_MAGIC_COOKIE 0x2112A442u

typedef struct
{
  TransportTestTurn t;
  const char *skip_reason; /* static; NULL when coturn and openssl are there */
  GTlsDatabase *ca;        /* trusts the test CA only */
  guint tls_port;
  ConfabTurnTlsProxy *proxy;
} Fixture;

static void
run_openssl (Fixture *f, const char *const *args)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_strv_builder_add (builder, "openssl");
  g_strv_builder_addv (builder, (const char **) args);
  g_auto (GStrv) argv = g_strv_builder_end (builder);

  g_spawn_sync (f->t.dir, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("openssl %s failed: %s", args[0], err);
}

/* A CA and a server certificate for localhost and 127.0.0.1, signed by it. */
static void
make_certificates (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *ext = g_build_filename (f->t.dir, "server.ext", NULL);
  g_file_set_contents (ext,
                       "basicConstraints = critical, CA:FALSE\n"
                       "keyUsage = critical, digitalSignature, keyEncipherment\n"
                       "extendedKeyUsage = serverAuth\n"
                       "subjectAltName = DNS:localhost, IP:127.0.0.1\n",
                       -1, &error);
  g_assert_no_error (error);

  const char *ca[] = { "req",    "-x509",    "-newkey",
                       "ec",     "-pkeyopt", "ec_paramgen_curve:prime256v1",
                       "-nodes", "-keyout",  "ca.key",
                       "-out",   "ca.pem",   "-days",
                       "2",      "-subj",    "/CN=Confab Test CA",
                       NULL };
  const char *csr[] = {
    "req",           "-new",    "-newkey",    "ec",   "-pkeyopt",   "ec_paramgen_curve:prime256v1",
    "-nodes",        "-keyout", "server.key", "-out", "server.csr", "-subj",
    "/CN=localhost", NULL
  };
  const char *sign[] = { "x509",     "-req",       "-in",         "server.csr", "-CA",   "ca.pem",
                         "-CAkey",   "ca.key",     "-set_serial", "2",          "-days", "2",
                         "-extfile", "server.ext", "-out",        "server.pem", NULL };
  run_openssl (f, ca);
  run_openssl (f, csr);
  run_openssl (f, sign);

  g_autofree char *ca_path = g_build_filename (f->t.dir, "ca.pem", NULL);
  f->ca = g_tls_file_database_new (ca_path, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *turnserver = g_find_program_in_path ("turnserver");
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  transport_test_turn_init (&f->t, WATCHDOG_SECONDS);
  if (!turnserver)
    {
      f->skip_reason = "coturn's turnserver is not installed (apt-get install coturn)";
      return;
    }
  if (!openssl)
    {
      f->skip_reason = "the openssl command is not installed (apt-get install openssl)";
      return;
    }
  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      f->skip_reason = "GIO has no TLS backend (apt-get install glib-networking)";
      return;
    }

  g_autoptr (GError) error = NULL;
  f->t.dir = g_dir_make_tmp ("confab-turn-tls-XXXXXX", &error);
  g_assert_no_error (error);
  make_certificates (f);

  f->tls_port = transport_test_free_port ();
  guint plain_port = transport_test_free_port ();
  g_autofree char *tls_listen = g_strdup_printf ("--tls-listening-port=%u", f->tls_port);
  g_autofree char *listen = g_strdup_printf ("--listening-port=%u", plain_port);
  g_autofree char *cert = g_strdup_printf ("--cert=%s/server.pem", f->t.dir);
  g_autofree char *pkey = g_strdup_printf ("--pkey=%s/server.key", f->t.dir);
  const char *args[] = { tls_listen, listen, cert, pkey, NULL };
  f->t.coturn = transport_test_start_coturn (turnserver, f->t.dir, RELAY_MIN_PORT, RELAY_MAX_PORT,
                                             args, f->tls_port);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  transport_test_turn_clear_peers (&f->t);
  g_clear_object (&f->proxy);
  transport_test_turn_clear (&f->t);
  g_clear_object (&f->ca);
}

/* Sync I/O keeps the STUN tests short; the socket timeout stands in for
 * the watchdog, which cannot fire while the main thread is blocked. */
static GSocketConnection *
connect_to_proxy (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_socket_client_set_timeout (client, IO_TIMEOUT_SECONDS);
  GSocketConnection *conn = g_socket_client_connect_to_host (
      client, "127.0.0.1", confab_turn_tls_proxy_get_port (f->proxy), NULL, &error);
  g_assert_no_error (error);
  return conn;
}

/* Waits (briefly) for a condition the proxy thread makes true. */
#define WAIT_FOR(cond)                                                                             \
  G_STMT_START                                                                                     \
  {                                                                                                \
    for (int i_ = 0; i_ < 200 && !(cond); i_++)                                                    \
      g_usleep (10 * 1000);                                                                        \
  }                                                                                                \
  G_STMT_END

/* Reads until the proxy closes the connection; TRUE if nothing came. */
static gboolean
read_until_closed (GSocketConnection *conn)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  guint8 buf[64];
  g_autoptr (GError) error = NULL;
  gssize n = g_input_stream_read (in, buf, sizeof buf, NULL, &error);
  /* The proxy closes with our request unread, so a reset is as good as an EOF. */
  if (error)
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  return n <= 0;
}

static void
test_stun_through_proxy (Fixture *f, gconstpointer data)
{
  if (f->skip_reason)
    {
      g_test_skip (f->skip_reason);
      return;
    }
  g_autoptr (GError) error = NULL;
  /* By name: the certificate's DNS name is checked (the relay test checks its IP). */
  f->proxy = confab_turn_tls_proxy_new ("localhost", f->tls_port, f->ca, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (confab_turn_tls_proxy_get_port (f->proxy), !=, 0);

  /* An unauthenticated Allocate: coturn answers 401 with its realm, which
   * shows the request reached the TURN server itself (RFC 5766 §6.2). */
  guint8 request[28] = { 0x00, 0x03, 0x00, 0x08, 0x21, 0x12, 0xA4, 0x42 };
  for (guint i = 8; i < 20; i++)
    request[i] = g_random_int_range (0, 256);
  const guint8 transport[] = { 0x00, 0x19, 0x00, 0x04, 17, 0, 0, 0 }; /* REQUESTED-TRANSPORT: UDP */
  memcpy (request + 20, transport, sizeof transport);

  g_autoptr (GSocketConnection) conn = connect_to_proxy (f);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  g_assert_true (g_output_stream_write_all (out, request, sizeof request, NULL, NULL, &error));
  g_assert_no_error (error);

  guint8 header[20];
  gsize got = 0;
  g_assert_true (g_input_stream_read_all (in, header, sizeof header, &got, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (got, ==, sizeof header);
  guint16 type = (header[0] << 8) | header[1];
  guint16 length = (header[2] << 8) | header[3];
  guint32 cookie = ((guint32) header[4] << 24) | (header[5] << 16) | (header[6] << 8) | header[7];
  g_assert_cmphex (cookie, ==, STUN_MAGIC_COOKIE);
  g_assert_cmpmem (header + 8, 12, request + 8, 12);
  g_assert_cmphex (type, ==, 0x0113); /* Allocate error response */
  g_assert_cmpuint (length % 4, ==, 0);

  g_autofree guint8 *attrs = g_malloc (length);
  g_assert_true (g_input_stream_read_all (in, attrs, length, &got, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (got, ==, length);
  gboolean saw_401 = FALSE;
  for (guint off = 0; off + 4 <= length;)
    {
      guint16 attr = (attrs[off] << 8) | attrs[off + 1];
      guint16 len = (attrs[off + 2] << 8) | attrs[off + 3];
      g_assert_cmpuint (off + 4 + len, <=, length);
      if (attr == 0x0009 && len >= 4) /* ERROR-CODE */
        saw_401 = attrs[off + 6] * 100 + attrs[off + 7] == 401;
      off += 4 + ((len + 3) & ~3u);
    }
  g_assert_true (saw_401);

  guint connections = 0;
  guint64 up = 0, down = 0;
  WAIT_FOR ((confab_turn_tls_proxy_get_stats (f->proxy, &connections, &up, &down),
             down == sizeof header + length));
  g_assert_cmpuint (connections, ==, 1);
  g_assert_cmpuint (up, ==, sizeof request);
  g_assert_cmpuint (down, ==, sizeof header + length);
  g_autofree char *last_error = confab_turn_tls_proxy_dup_last_error (f->proxy);
  g_assert_null (last_error);
}

static void
test_relayed (Fixture *f, gconstpointer data)
{
  if (f->skip_reason)
    {
      g_test_skip (f->skip_reason);
      return;
    }
  g_autoptr (GError) error = NULL;
  gboolean through_session = data != NULL;
  g_autofree char *uri = NULL;

  if (through_session)
    {
      /* What the app does with --turn turns:...: the session makes its own proxy. */
      uri = g_strdup_printf ("turns:127.0.0.1:%u", f->tls_port);
    }
  else
    {
      /* An IP literal: the certificate's IP address is checked, and there is
       * no detour through ::1 (coturn listens on 127.0.0.1 only) to eat into
       * libnice's Allocate timeout under valgrind. */
      f->proxy = confab_turn_tls_proxy_new ("127.0.0.1", f->tls_port, f->ca, &error);
      g_assert_no_error (error);
      /* libnice sees a plain TCP TURN server on loopback: the proxy. */
      uri = g_strdup_printf ("turn:127.0.0.1:%u?transport=tcp",
                             confab_turn_tls_proxy_get_port (f->proxy));
    }
  g_autoptr (ConfabIceServer) turn = confab_ice_server_parse (uri, CONFAB_ICE_SERVER_TURN, &error);
  g_assert_no_error (error);
  turn->username = g_strdup ("alice");
  turn->password = g_strdup ("secret");
  if (through_session)
    turn->ca_file = g_build_filename (f->t.dir, "ca.pem", NULL);

  /* A TLS handshake comes first: a generous timeout, for valgrind. */
  f->t.gather_error = transport_test_gather_relay_only (f->t.peers, turn, 20000, FALSE, f->t.loop);
  if (f->t.gather_error && f->proxy)
    {
      g_autofree char *proxy_error = confab_turn_tls_proxy_dup_last_error (f->proxy);
      g_test_message ("the proxy's last error: %s", proxy_error);
    }
  g_assert_no_error (f->t.gather_error);

  transport_test_connect_relayed (f->t.peers, f->t.loop, RELAY_MIN_PORT, RELAY_MAX_PORT);

  if (through_session)
    return;

  guint connections = 0;
  guint64 up = 0, down = 0;
  confab_turn_tls_proxy_get_stats (f->proxy, &connections, &up, &down);
  g_test_message ("proxy: %u connections, %" G_GUINT64_FORMAT " bytes up, %" G_GUINT64_FORMAT
                  " down",
                  connections, up, down);
  /* One TURN connection per peer. */
  g_assert_cmpuint (connections, >=, 2);
  g_assert_cmpuint (up, >, 0);
  g_assert_cmpuint (down, >, 0);
  g_autofree char *last_error = confab_turn_tls_proxy_dup_last_error (f->proxy);
  g_assert_null (last_error);
}

static void
test_untrusted (Fixture *f, gconstpointer data)
{
  if (f->skip_reason)
    {
      g_test_skip (f->skip_reason);
      return;
    }
  /* The system's CAs do not know the test CA. */
  g_autoptr (GError) error = NULL;
  f->proxy = confab_turn_tls_proxy_new ("127.0.0.1", f->tls_port, NULL, &error);
  g_assert_no_error (error);

  g_autoptr (GSocketConnection) conn = connect_to_proxy (f);
  const guint8 binding[20]
      = { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), binding,
                             sizeof binding, NULL, NULL, NULL);
  g_assert_true (read_until_closed (conn));

  g_autofree char *last_error = confab_turn_tls_proxy_dup_last_error (f->proxy);
  g_test_message ("last error: %s", last_error);
  g_assert_nonnull (last_error);
  g_assert_nonnull (strstr (last_error, "not trusted"));

  guint connections = 1;
  guint64 up = 1, down = 1;
  confab_turn_tls_proxy_get_stats (f->proxy, &connections, &up, &down);
  g_assert_cmpuint (connections, ==, 0);
  g_assert_cmpuint (up, ==, 0);
  g_assert_cmpuint (down, ==, 0);
}

static void
on_relay_problem (ConfabIceSession *session, const char *problem, gpointer data)
{
  char **said = data;
  g_free (*said);
  *said = g_strdup (problem);
}

/* What `--turn turns:…` does with a certificate the system's CAs do not
 * trust: no relay, and the session says why (the CLI prints the signal,
 * the stats carry it) rather than going on silently without one. */
static void
test_untrusted_session (Fixture *f, gconstpointer data)
{
  if (f->skip_reason)
    {
      g_test_skip (f->skip_reason);
      return;
    }
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = g_strdup_printf ("turns:127.0.0.1:%u", f->tls_port);
  g_autoptr (ConfabIceServer) turn = confab_ice_server_parse (uri, CONFAB_ICE_SERVER_TURN, &error);
  g_assert_no_error (error);
  turn->username = g_strdup ("alice");
  turn->password = g_strdup ("secret");

  g_autofree char *said = NULL;
  TransportTestGather g = { f->t.loop, 1, NULL };
  f->t.peers[0] = confab_ice_session_new (TRUE);
  confab_ice_session_add_local_address (f->t.peers[0], "127.0.0.1");
  confab_ice_session_set_turn_server (f->t.peers[0], turn);
  confab_ice_session_set_gather_timeout (f->t.peers[0], 20000);
  g_signal_connect (f->t.peers[0], "relay-problem", G_CALLBACK (on_relay_problem), &said);
  confab_ice_session_gather_async (f->t.peers[0], NULL, transport_test_on_gathered, &g);
  g_main_loop_run (f->t.loop);
  g_assert_no_error (g.error);
  while (!said)
    g_main_context_iteration (NULL, TRUE);

  ConfabIceStats stats;
  confab_ice_session_get_stats (f->t.peers[0], &stats);
  g_test_message ("relay problem: %s", said);
  g_assert_cmpstr (stats.relay_problem, ==, said);
  g_assert_nonnull (strstr (said, uri));
  g_assert_nonnull (strstr (said, "gave no relay address"));
  g_assert_nonnull (strstr (said, "not trusted"));
}

static void
test_refused (Fixture *f, gconstpointer data)
{
  if (f->skip_reason)
    {
      g_test_skip (f->skip_reason);
      return;
    }
  g_autoptr (GError) error = NULL;
  f->proxy = confab_turn_tls_proxy_new ("127.0.0.1", transport_test_free_port (), f->ca, &error);
  g_assert_no_error (error);

  g_autoptr (GSocketConnection) conn = connect_to_proxy (f);
  g_assert_true (read_until_closed (conn));

  g_autofree char *last_error = confab_turn_tls_proxy_dup_last_error (f->proxy);
  g_test_message ("last error: %s", last_error);
  g_assert_nonnull (last_error);
  g_assert_nonnull (strstr (last_error, "refused"));
}

/* A server that takes the TCP connection and never answers the TLS
 * handshake: the proxy's connections stay pending. Eight of them are
 * allowed, the ninth is closed at once, and dispose cancels the rest
 * without waiting for the handshake timeout. */
static void
test_limit_and_dispose (Fixture *f, gconstpointer data)
{
  if (f->skip_reason)
    {
      g_test_skip (f->skip_reason);
      return;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) silent
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_assert_true (g_socket_bind (silent, any, FALSE, &error));
  g_socket_set_listen_backlog (silent, 32);
  g_assert_true (g_socket_listen (silent, &error));
  g_autoptr (GSocketAddress) bound = g_socket_get_local_address (silent, &error);
  g_assert_no_error (error);
  guint16 silent_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  f->proxy = confab_turn_tls_proxy_new ("127.0.0.1", silent_port, f->ca, &error);
  g_assert_no_error (error);

  GSocketConnection *conns[8];
  for (guint i = 0; i < G_N_ELEMENTS (conns); i++)
    conns[i] = connect_to_proxy (f);
  g_autoptr (GSocketConnection) extra = connect_to_proxy (f);
  g_assert_true (read_until_closed (extra));
  g_autofree char *last_error = confab_turn_tls_proxy_dup_last_error (f->proxy);
  g_test_message ("last error: %s", last_error);
  g_assert_nonnull (last_error);
  g_assert_nonnull (strstr (last_error, "refused a local connection"));

  gint64 start = g_get_monotonic_time ();
  g_clear_object (&f->proxy);
  g_test_message ("dispose took %" G_GINT64_FORMAT " us", g_get_monotonic_time () - start);
  /* Tens of milliseconds normally, a few seconds under valgrind; the
   * proxy's handshake timeout (15 s) is what must not be waited for. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  for (guint i = 0; i < G_N_ELEMENTS (conns); i++)
    {
      g_assert_true (read_until_closed (conns[i]));
      g_object_unref (conns[i]);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  static const TransportTestCase cases[] = {
    { "turn-tls-stun", NULL, (GTestFixtureFunc) test_stun_through_proxy },
    { "turn-tls-relay-only", NULL, (GTestFixtureFunc) test_relayed },
    { "turn-tls-turns-uri", "session", (GTestFixtureFunc) test_relayed },
    { "turn-tls-untrusted", NULL, (GTestFixtureFunc) test_untrusted },
    { "turn-tls-untrusted-session", NULL, (GTestFixtureFunc) test_untrusted_session },
    { "turn-tls-refused", NULL, (GTestFixtureFunc) test_refused },
    { "turn-tls-limit", NULL, (GTestFixtureFunc) test_limit_and_dispose },
  };
  transport_test_add_cases (cases, G_N_ELEMENTS (cases), sizeof (Fixture),
                            (GTestFixtureFunc) fixture_setup, (GTestFixtureFunc) fixture_teardown);
  return g_test_run ();
}
