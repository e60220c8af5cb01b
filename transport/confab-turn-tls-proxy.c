/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "confab-turn-tls-proxy.h"

/* libnice opens a TCP connection or two per TURN allocation (a call has
 * one or two); the cap keeps any local process from using the proxy as an
 * open relay to the world. */
#define MAX_CONNECTIONS 8

/* Bounds the TCP connect and the TLS handshake together; an established
 * connection has no timeout. */
#define CONNECT_TIMEOUT_SECONDS 15

/* Bounds the close_notify write at teardown, so a server that stopped
 * reading cannot hang dispose. */
#define CLOSE_TIMEOUT_SECONDS 1

#define BUFFER_SIZE 16384

typedef struct _Connection Connection;

/* One direction of a splice. */
typedef struct
{
  Connection *conn;
  GInputStream *in;
  GOutputStream *out;
  gboolean up; /* libnice -> server */
  guint8 buffer[BUFFER_SIZE];
} Pump;

/* Lives on the proxy thread only. */
struct _Connection
{
  ConfabTurnTlsProxy *proxy;
  GSocketConnection *local;
  GSocketConnection *tcp; /* to the server; NULL until connected */
  GIOStream *tls;         /* over @tcp; NULL until the handshake starts */
  gboolean handshaked;
  GSource *connect_timeout;
  GCancellable *cancellable;
  guint pending; /* async operations in flight; freed when 0 and closing */
  gboolean closing;
  gint tls_errors; /* GTlsCertificateFlags the server's certificate failed with */
  Pump pumps[2];
};

struct _ConfabTurnTlsProxy
{
  GObject parent_instance;

  char *server_host;
  guint16 server_port;
  guint16 port;
  GTlsDatabase *database;

  GThread *thread;
  GMainContext *context;
  GSocketClient *client; /* proxy thread only */
  GSocket *listener;
  GSource *accept_source;
  GList *connections; /* of Connection, proxy thread only */
  gboolean stopping;  /* proxy thread only */

  GMutex lock; /* guards the diagnostics below */
  guint n_established;
  guint64 bytes_up;
  guint64 bytes_down;
  char *last_error;
};

G_DEFINE_FINAL_TYPE (ConfabTurnTlsProxy, confab_turn_tls_proxy, G_TYPE_OBJECT)

static void
set_last_error (ConfabTurnTlsProxy *self, char *message /* owned */)
{
  g_debug ("TURN/TLS proxy: %s", message);
  g_mutex_lock (&self->lock);
  g_free (self->last_error);
  self->last_error = message;
  g_mutex_unlock (&self->lock);
}

static char *
describe_certificate_errors (ConfabTurnTlsProxy *self, GTlsCertificateFlags flags)
{
  /* The most actionable reason first: an unknown CA usually means a
   * self-signed or private-CA server, a bad identity a wrong host name. */
  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    return g_strdup (_ ("the TURN server's certificate is not trusted (unknown CA)"));
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return g_strdup_printf (_ ("the TURN server's certificate is not valid for %s"),
                            self->server_host);
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    return g_strdup (_ ("the TURN server's certificate has expired"));
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return g_strdup (_ ("the TURN server's certificate is not valid yet (check the clock)"));
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    return g_strdup (_ ("the TURN server's certificate has been revoked"));
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    return g_strdup (_ ("the TURN server's certificate uses an insecure algorithm"));
  return g_strdup (_ ("the TURN server's certificate is not valid"));
}

static char *
describe_connect_error (Connection *conn, const GError *error)
{
  ConfabTurnTlsProxy *self = conn->proxy;
  const char *host = self->server_host;
  guint port = self->server_port;

  GTlsCertificateFlags flags = (GTlsCertificateFlags) g_atomic_int_get (&conn->tls_errors);
  if (flags != 0 || g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    return describe_certificate_errors (self, flags);

  if (error->domain == G_RESOLVER_ERROR
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND))
    return g_strdup_printf ("cannot resolve the TURN server's name %s: %s", host, error->message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_strdup_printf ("the TURN server %s:%u refused the connection", host, port);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_strdup_printf ("the TURN server %s:%u did not answer in time", host, port);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    return g_strdup_printf ("the TURN server %s:%u is unreachable", host, port);
  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_NOT_TLS))
    return g_strdup_printf ("the server at %s:%u does not speak TLS (is it a turns: port?)", host,
                            port);
  if (error->domain == G_TLS_ERROR)
    return g_strdup_printf ("the TLS handshake with the TURN server %s:%u failed: %s", host, port,
                            error->message);
  return g_strdup_printf ("cannot connect to the TURN server %s:%u: %s", host, port,
                          error->message);
}

/* -- connections (proxy thread) -------------------------------------------- */

static void
close_remote (Connection *conn, gboolean abrupt)
{
  GSocket *socket = g_socket_connection_get_socket (conn->tcp);
  /* A TLS close writes close_notify with a blocking write. When the proxy
   * is being disposed nothing may block, so the socket goes first and the
   * TLS layer's write fails at once; otherwise the timeout bounds it.
   * Errors do not matter any more. */
  if (abrupt || !conn->handshaked)
    g_socket_close (socket, NULL);
  else
    g_socket_set_timeout (socket, CLOSE_TIMEOUT_SECONDS);
  if (conn->tls)
    g_io_stream_close (conn->tls, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (conn->tcp), NULL, NULL);
}

static void
stop_connect_timeout (Connection *conn)
{
  if (conn->connect_timeout)
    {
      g_source_destroy (conn->connect_timeout);
      g_clear_pointer (&conn->connect_timeout, g_source_unref);
    }
}

static void
connection_maybe_free (Connection *conn)
{
  if (!conn->closing || conn->pending > 0)
    return;

  ConfabTurnTlsProxy *self = conn->proxy;
  self->connections = g_list_remove (self->connections, conn);

  stop_connect_timeout (conn);
  if (conn->tcp)
    close_remote (conn, self->stopping);
  g_io_stream_close (G_IO_STREAM (conn->local), NULL, NULL);
  if (conn->tls)
    g_signal_handlers_disconnect_by_data (conn->tls, conn);
  g_clear_object (&conn->tls);
  g_clear_object (&conn->tcp);
  g_clear_object (&conn->local);
  g_clear_object (&conn->cancellable);
  g_free (conn);
}

/* Tears the whole connection down: TURN over TCP has no use for a
 * half-open stream, and libnice notices the close and reports no relay. */
static void
connection_close (Connection *conn)
{
  if (!conn->closing)
    {
      conn->closing = TRUE;
      g_cancellable_cancel (conn->cancellable);
    }
  connection_maybe_free (conn);
}

/* Where every asynchronous step of a connection ends. A failed step
 * (@ok FALSE) closes the connection, keeping @why (owned, may be NULL) as
 * the last error unless the connection was going away anyway; a step that
 * finishes while the connection closes lets it go. TRUE if the step may
 * go on. */
static gboolean
step_finished (Connection *conn, gboolean ok, const GError *error, char *why)
{
  g_autofree char *message = why;

  conn->pending--;
  if (!ok)
    {
      if (message && !conn->closing && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_last_error (conn->proxy, g_steal_pointer (&message));
      connection_close (conn);
      return FALSE;
    }
  if (conn->closing)
    {
      connection_maybe_free (conn);
      return FALSE;
    }
  return TRUE;
}

static void pump_read (Pump *pump);

/* @server_side: the error came from the server's stream, not libnice's.
 * Only that is worth showing (a reset, a TLS alert); libnice closing its
 * end is not, nor is an EOF from the server, which is how coturn drops a
 * connection it no longer wants (the allocation was deleted). */
static char *
describe_lost (Pump *pump, const GError *error, gboolean server_side)
{
  if (!error || !server_side)
    return NULL;
  return g_strdup_printf ("the connection to the TURN server %s:%u was lost: %s",
                          pump->conn->proxy->server_host, pump->conn->proxy->server_port,
                          error->message);
}

static void
on_pump_written (GObject *source, GAsyncResult *result, gpointer data)
{
  Pump *pump = data;
  Connection *conn = pump->conn;
  g_autoptr (GError) error = NULL;
  gsize written = 0;

  gboolean ok
      = g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, &written, &error);

  ConfabTurnTlsProxy *self = conn->proxy;
  g_mutex_lock (&self->lock);
  if (pump->up)
    self->bytes_up += written;
  else
    self->bytes_down += written;
  g_mutex_unlock (&self->lock);

  if (step_finished (conn, ok, error, ok ? NULL : describe_lost (pump, error, pump->up)))
    pump_read (pump);
}

static void
on_pump_read (GObject *source, GAsyncResult *result, gpointer data)
{
  Pump *pump = data;
  Connection *conn = pump->conn;
  g_autoptr (GError) error = NULL;

  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (!step_finished (conn, n > 0, error, n > 0 ? NULL : describe_lost (pump, error, !pump->up)))
    return;

  conn->pending++;
  g_output_stream_write_all_async (pump->out, pump->buffer, n, G_PRIORITY_DEFAULT,
                                   conn->cancellable, on_pump_written, pump);
}

static void
pump_read (Pump *pump)
{
  Connection *conn = pump->conn;
  conn->pending++;
  g_input_stream_read_async (pump->in, pump->buffer, sizeof pump->buffer, G_PRIORITY_DEFAULT,
                             conn->cancellable, on_pump_read, pump);
}

static gboolean
on_accept_certificate (GTlsConnection *tls, GTlsCertificate *peer_cert, GTlsCertificateFlags errors,
                       gpointer data)
{
  Connection *conn = data;
  /* Only called when validation failed. Never accept: remember why, so
   * the user is told more than "handshake failed". */
  g_atomic_int_set (&conn->tls_errors, (gint) errors);
  return FALSE;
}

static void
on_handshake (GObject *source, GAsyncResult *result, gpointer data)
{
  Connection *conn = data;
  ConfabTurnTlsProxy *self = conn->proxy;
  g_autoptr (GError) error = NULL;

  /* Known before the step ends: closing a handshaked connection says
   * goodbye to the server. */
  conn->handshaked = g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error);
  if (!step_finished (conn, conn->handshaked, error,
                      conn->handshaked ? NULL : describe_connect_error (conn, error)))
    return;
  stop_connect_timeout (conn);

  g_mutex_lock (&self->lock);
  self->n_established++;
  g_mutex_unlock (&self->lock);

  GIOStream *local = G_IO_STREAM (conn->local);
  conn->pumps[0] = (Pump){ .conn = conn,
                           .up = TRUE,
                           .in = g_io_stream_get_input_stream (local),
                           .out = g_io_stream_get_output_stream (conn->tls) };
  conn->pumps[1] = (Pump){ .conn = conn,
                           .up = FALSE,
                           .in = g_io_stream_get_input_stream (conn->tls),
                           .out = g_io_stream_get_output_stream (local) };
  pump_read (&conn->pumps[0]);
  pump_read (&conn->pumps[1]);
}

static void
on_tcp_connected (GObject *source, GAsyncResult *result, gpointer data)
{
  Connection *conn = data;
  ConfabTurnTlsProxy *self = conn->proxy;
  g_autoptr (GError) error = NULL;

  conn->tcp = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, &error);
  if (!step_finished (conn, conn->tcp != NULL, error,
                      conn->tcp ? NULL : describe_connect_error (conn, error)))
    return;

  GSocket *socket = g_socket_connection_get_socket (conn->tcp);
  /* GSocketClient's timeout stays on the socket; the connect timer bounds
   * the handshake instead, and an established connection has none (before
   * the answer is pasted, a TURN connection sits idle for minutes). */
  g_socket_set_timeout (socket, 0);
  /* Notices a server that vanished while the allocation sat idle. */
  g_socket_set_keepalive (socket, TRUE);

  /* The handshake is done here rather than by g_socket_client_set_tls():
   * GLib 2.74's GSocketClient leaks its state when cancelled during the
   * handshake (as dispose does). The identity is the name the user gave,
   * matched against the certificate's DNS names or IP addresses. */
  g_autoptr (GSocketConnectable) identity
      = g_network_address_new (self->server_host, self->server_port);
  conn->tls = g_tls_client_connection_new (G_IO_STREAM (conn->tcp), identity, &error);
  if (!conn->tls)
    {
      set_last_error (self, g_strdup_printf ("TLS is not available: %s", error->message));
      connection_close (conn);
      return;
    }
  if (self->database)
    g_tls_connection_set_database (G_TLS_CONNECTION (conn->tls), self->database);
  g_signal_connect (conn->tls, "accept-certificate", G_CALLBACK (on_accept_certificate), conn);

  conn->pending++;
  g_tls_connection_handshake_async (G_TLS_CONNECTION (conn->tls), G_PRIORITY_DEFAULT,
                                    conn->cancellable, on_handshake, conn);
}

static gboolean
on_connect_timeout (gpointer data)
{
  Connection *conn = data;
  ConfabTurnTlsProxy *self = conn->proxy;
  g_clear_pointer (&conn->connect_timeout, g_source_unref);
  set_last_error (self,
                  g_strdup_printf ("the TURN server %s:%u did not complete a TLS "
                                   "connection within %d s",
                                   self->server_host, self->server_port, CONNECT_TIMEOUT_SECONDS));
  connection_close (conn);
  return G_SOURCE_REMOVE;
}

static void
connection_start (ConfabTurnTlsProxy *self, GSocket *socket)
{
  Connection *conn = g_new0 (Connection, 1);
  conn->proxy = self;
  conn->local = g_socket_connection_factory_create_connection (socket);
  conn->cancellable = g_cancellable_new ();
  self->connections = g_list_prepend (self->connections, conn);

  conn->connect_timeout = g_timeout_source_new_seconds (CONNECT_TIMEOUT_SECONDS);
  g_source_set_callback (conn->connect_timeout, on_connect_timeout, conn, NULL);
  g_source_attach (conn->connect_timeout, self->context);

  /* libnice's first request waits in the kernel's buffer until the TLS
   * connection is up: nothing is read from it before. */
  conn->pending++;
  g_socket_client_connect_to_host_async (self->client, self->server_host, self->server_port,
                                         conn->cancellable, on_tcp_connected, conn);
}

static gboolean
on_incoming (GSocket *listener, GIOCondition condition, gpointer data)
{
  ConfabTurnTlsProxy *self = data;
  g_autoptr (GError) error = NULL;

  g_autoptr (GSocket) socket = g_socket_accept (listener, NULL, &error);
  if (!socket)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        g_debug ("TURN/TLS proxy: accept failed: %s", error->message);
      return G_SOURCE_CONTINUE;
    }

  /* Bound to 127.0.0.1 already; the check guards against that changing. */
  g_autoptr (GSocketAddress) peer = g_socket_get_remote_address (socket, NULL);
  GInetAddress *address = G_IS_INET_SOCKET_ADDRESS (peer)
                              ? g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (peer))
                              : NULL;
  if (!address || !g_inet_address_get_is_loopback (address))
    {
      g_socket_close (socket, NULL);
      return G_SOURCE_CONTINUE;
    }

  if (g_list_length (self->connections) >= MAX_CONNECTIONS)
    {
      set_last_error (self, g_strdup_printf ("refused a local connection: %u are open already",
                                             MAX_CONNECTIONS));
      g_socket_close (socket, NULL);
      return G_SOURCE_CONTINUE;
    }

  connection_start (self, socket);
  return G_SOURCE_CONTINUE;
}

/* -- thread ---------------------------------------------------------------- */

static gboolean
on_stop (gpointer data)
{
  ConfabTurnTlsProxy *self = data;
  self->stopping = TRUE;
  g_source_destroy (self->accept_source);
  g_socket_close (self->listener, NULL);

  /* Closing may free a connection at once; walk a copy. */
  GList *copy = g_list_copy (self->connections);
  for (GList *l = copy; l; l = l->next)
    connection_close (l->data);
  g_list_free (copy);
  return G_SOURCE_REMOVE;
}

static gpointer
run_proxy_thread (gpointer data)
{
  ConfabTurnTlsProxy *self = data;
  /* A flag (set by on_stop, on this thread) rather than g_main_loop_quit():
   * a quit that came before the loop ran would be lost. The loop keeps
   * going until the cancelled operations have all come back, so that
   * nothing is left pending on a context nobody iterates. */
  g_main_context_push_thread_default (self->context);
  while (!self->stopping || self->connections)
    g_main_context_iteration (self->context, TRUE);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

/* -- GObject --------------------------------------------------------------- */

static void
confab_turn_tls_proxy_dispose (GObject *object)
{
  ConfabTurnTlsProxy *self = CONFAB_TURN_TLS_PROXY (object);

  if (self->thread)
    {
      GSource *stop = g_idle_source_new ();
      g_source_set_callback (stop, on_stop, self, NULL);
      g_source_attach (stop, self->context);
      g_source_unref (stop);
      g_main_context_wakeup (self->context);
      g_thread_join (self->thread);
      self->thread = NULL;
    }

  g_clear_pointer (&self->accept_source, g_source_unref);
  g_clear_object (&self->listener);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (confab_turn_tls_proxy_parent_class)->dispose (object);
}

static void
confab_turn_tls_proxy_finalize (GObject *object)
{
  ConfabTurnTlsProxy *self = CONFAB_TURN_TLS_PROXY (object);

  g_free (self->server_host);
  g_clear_object (&self->database);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->last_error);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (confab_turn_tls_proxy_parent_class)->finalize (object);
}

static void
confab_turn_tls_proxy_class_init (ConfabTurnTlsProxyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = confab_turn_tls_proxy_dispose;
  object_class->finalize = confab_turn_tls_proxy_finalize;
}

static void
confab_turn_tls_proxy_init (ConfabTurnTlsProxy *self)
{
  g_mutex_init (&self->lock);
}

static gboolean
start_listening (ConfabTurnTlsProxy *self, GError **error)
{
  self->listener
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (!self->listener)
    return FALSE;

  /* Loopback only: the proxy must not be reachable from the network. */
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  if (!g_socket_bind (self->listener, any_port, FALSE, error))
    return FALSE;
  g_socket_set_listen_backlog (self->listener, MAX_CONNECTIONS);
  if (!g_socket_listen (self->listener, error))
    return FALSE;
  g_socket_set_blocking (self->listener, FALSE);

  g_autoptr (GSocketAddress) bound = g_socket_get_local_address (self->listener, error);
  if (!bound)
    return FALSE;
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return TRUE;
}

ConfabTurnTlsProxy *
confab_turn_tls_proxy_new (const char *server_host, guint16 server_port, GTlsDatabase *database,
                           GError **error)
{
  g_return_val_if_fail (server_host != NULL && *server_host != '\0', NULL);
  g_return_val_if_fail (server_port != 0, NULL);
  g_return_val_if_fail (database == NULL || G_IS_TLS_DATABASE (database), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_autoptr (ConfabTurnTlsProxy) self = g_object_new (CONFAB_TYPE_TURN_TLS_PROXY, NULL);
  self->server_host = g_strdup (server_host);
  self->server_port = server_port;
  self->database = database ? g_object_ref (database) : NULL;

  if (!start_listening (self, error))
    return NULL;

  self->client = g_socket_client_new ();
  g_socket_client_set_timeout (self->client, CONNECT_TIMEOUT_SECONDS);
  self->context = g_main_context_new ();
  self->accept_source = g_socket_create_source (self->listener, G_IO_IN, NULL);
  g_source_set_callback (self->accept_source, (GSourceFunc) (GCallback) on_incoming, self, NULL);
  g_source_attach (self->accept_source, self->context);
  self->thread = g_thread_new ("confab-turn-tls", run_proxy_thread, self);

  return g_steal_pointer (&self);
}

guint16
confab_turn_tls_proxy_get_port (ConfabTurnTlsProxy *self)
{
  g_return_val_if_fail (CONFAB_IS_TURN_TLS_PROXY (self), 0);
  return self->port;
}

void
confab_turn_tls_proxy_get_stats (ConfabTurnTlsProxy *self, guint *connections, guint64 *bytes_up,
                                 guint64 *bytes_down)
{
  g_return_if_fail (CONFAB_IS_TURN_TLS_PROXY (self));
  g_mutex_lock (&self->lock);
  if (connections)
    *connections = self->n_established;
  if (bytes_up)
    *bytes_up = self->bytes_up;
  if (bytes_down)
    *bytes_down = self->bytes_down;
  g_mutex_unlock (&self->lock);
}

char *
confab_turn_tls_proxy_dup_last_error (ConfabTurnTlsProxy *self)
{
  g_return_val_if_fail (CONFAB_IS_TURN_TLS_PROXY (self), NULL);
  g_mutex_lock (&self->lock);
  char *message = g_strdup (self->last_error);
  g_mutex_unlock (&self->lock);
  return message;
}
