/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The NAT-type probe: a few STUN Binding transactions from one UDP socket,
 * in a worker thread (blocking GSocket calls with deadlines, cancellable),
 * so that the caller's main loop never waits on the network. The bytes are
 * confab-nat-stun.c's.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "confab-nat-stun-private.h"

/* The first retransmission; then twice the wait each time (RFC 5389 7.2.1
 * starts at 500 ms; a probe before a call cannot wait that long). */
#define FIRST_WAIT_MS 200

typedef struct
{
  char *stun_host;
  guint16 stun_port;
  char *turn_host; /* NULL: no UDP TURN server */
  guint16 turn_port;
  guint timeout_ms;
  char *detail;
} Probe;

static void
probe_free (Probe *probe)
{
  g_free (probe->stun_host);
  g_free (probe->turn_host);
  g_free (probe->detail);
  g_free (probe);
}

static GInetAddress *
resolve (const char *host, GCancellable *cancellable, GError **error)
{
  g_autoptr (GResolver) resolver = g_resolver_get_default ();
  GList *list = g_resolver_lookup_by_name_with_flags (
      resolver, host, G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY, cancellable, error);
  if (!list)
    return NULL;
  GInetAddress *address = g_object_ref (list->data);
  g_resolver_free_addresses (list);
  return address;
}

static gboolean
to_stun_address (GSocketAddress *address, ConfabStunAddress *out)
{
  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return FALSE;
  GInetAddress *inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
  gsize size = g_inet_address_get_native_size (inet);
  memset (out, 0, sizeof *out);
  out->family = size == 4 ? 4 : 6;
  memcpy (out->bytes, g_inet_address_to_bytes (inet), size);
  out->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
  return TRUE;
}

static char *
stun_address_to_string (const ConfabStunAddress *address)
{
  g_autoptr (GInetAddress) inet = g_inet_address_new_from_bytes (
      address->bytes, address->family == 4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);
  g_autofree char *text = g_inet_address_to_string (inet);
  return g_strdup_printf (address->family == 4 ? "%s:%u" : "[%s]:%u", text, address->port);
}

/* One Binding transaction to @to, retransmitted until @timeout_ms: TRUE
 * and *@response when answered. A refused or unreachable destination is no
 * answer; only cancelling sets @error. */
static gboolean
ask (GSocket *socket, GSocketAddress *to, guint timeout_ms, GCancellable *cancellable,
     ConfabStunResponse *response, GError **error)
{
  guint8 id[CONFAB_STUN_TRANSACTION_ID_SIZE];
  guint8 request[CONFAB_STUN_HEADER_SIZE];
  for (guint i = 0; i < sizeof id; i++)
    id[i] = g_random_int_range (0, 256);
  confab_stun_write_binding_request (request, id);

  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  gint64 wait = FIRST_WAIT_MS * G_TIME_SPAN_MILLISECOND;
  for (gint64 now = g_get_monotonic_time (); now < deadline; wait *= 2)
    {
      g_autoptr (GError) send_error = NULL;
      if (g_socket_send_to (socket, to, (const char *) request, sizeof request, cancellable,
                            &send_error)
          < 0)
        {
          if (g_error_matches (send_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&send_error));
              return FALSE;
            }
          g_debug ("NAT probe: cannot send a STUN request: %s", send_error->message);
          return FALSE;
        }
      gint64 until = MIN (now + wait, deadline);
      while ((now = g_get_monotonic_time ()) < until)
        {
          g_autoptr (GError) wait_error = NULL;
          guint8 buffer[1500];
          if (!g_socket_condition_timed_wait (socket, G_IO_IN, until - now, cancellable,
                                              &wait_error))
            {
              if (g_error_matches (wait_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
                {
                  g_propagate_error (error, g_steal_pointer (&wait_error));
                  return FALSE;
                }
              continue;
            }
          gssize n = g_socket_receive (socket, (char *) buffer, sizeof buffer, NULL, NULL);
          if (n <= 0)
            continue;
          ConfabStunStatus status = confab_stun_read_binding_response (buffer, n, id, response);
          if (status == CONFAB_STUN_OK)
            return TRUE;
          if (status != CONFAB_STUN_OTHER_TRANSACTION)
            {
              g_debug ("NAT probe: unusable STUN answer: %s",
                       confab_stun_status_to_string (status));
              if (status == CONFAB_STUN_ERROR_RESPONSE)
                return FALSE;
            }
        }
    }
  return FALSE;
}

/* A UDP socket bound to the address this machine uses toward @server (so
 * that an unchanged mapping means no NAT), and that address in *@local. */
static GSocket *
bound_socket (GSocketAddress *server, ConfabStunAddress *local)
{
  g_autoptr (GSocket) route
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
  if (!route || !g_socket_connect (route, server, NULL, NULL))
    return NULL;
  g_autoptr (GSocketAddress) route_local = g_socket_get_local_address (route, NULL);
  if (!route_local)
    return NULL;
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (
      g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (route_local)), 0);
  g_autoptr (GSocket) socket
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
  if (!socket || !g_socket_bind (socket, any, FALSE, NULL))
    return NULL;
  g_autoptr (GSocketAddress) bound = g_socket_get_local_address (socket, NULL);
  if (!bound || !to_stun_address (bound, local))
    return NULL;
  return g_steal_pointer (&socket);
}

/* Where to ask the second question: RFC 5780's other address at the
 * primary port, else the TURN server when it is another address or port. */
static GSocketAddress *
second_destination (const Probe *probe, const ConfabStunResponse *first, GInetAddress *server,
                    GCancellable *cancellable)
{
  if (first->has_other && first->other.family == 4)
    {
      g_autoptr (GInetAddress) other
          = g_inet_address_new_from_bytes (first->other.bytes, G_SOCKET_FAMILY_IPV4);
      if (!g_inet_address_equal (other, server))
        return g_inet_socket_address_new (other, probe->stun_port);
    }
  if (!probe->turn_host)
    return NULL;
  g_autoptr (GInetAddress) turn = resolve (probe->turn_host, cancellable, NULL);
  if (!turn || (g_inet_address_equal (turn, server) && probe->turn_port == probe->stun_port))
    return NULL;
  return g_inet_socket_address_new (turn, probe->turn_port);
}

static ConfabNatType
run_probe (Probe *probe, GCancellable *cancellable, GError **error)
{
  if (!probe->stun_host)
    return CONFAB_NAT_TYPE_UNKNOWN_NO_SERVER;
  g_autoptr (GInetAddress) server = resolve (probe->stun_host, cancellable, error);
  if (!server)
    return CONFAB_NAT_TYPE_UNKNOWN;
  g_autoptr (GSocketAddress) to = g_inet_socket_address_new (server, probe->stun_port);
  ConfabStunAddress local;
  g_autoptr (GSocket) socket = bound_socket (to, &local);
  ConfabStunResponse first, second;
  if (!socket || !ask (socket, to, probe->timeout_ms, cancellable, &first, error))
    return error && *error ? CONFAB_NAT_TYPE_UNKNOWN : CONFAB_NAT_TYPE_UDP_BLOCKED;

  g_autofree char *local_text = stun_address_to_string (&local);
  g_autofree char *first_text = stun_address_to_string (&first.mapped);
  g_autoptr (GSocketAddress) to2 = confab_stun_address_equal (&local, &first.mapped)
                                       ? NULL
                                       : second_destination (probe, &first, server, cancellable);
  gboolean answered = to2 && ask (socket, to2, probe->timeout_ms, cancellable, &second, error);
  if (error && *error)
    return CONFAB_NAT_TYPE_UNKNOWN;
  g_autofree char *second_text = answered ? stun_address_to_string (&second.mapped) : NULL;
  g_autofree char *to2_text
      = to2 ? g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (to2)) : NULL;
  probe->detail = g_strdup_printf ("local %s, mapped %s by %s:%u%s%s%s%s%s", local_text, first_text,
                                   probe->stun_host, probe->stun_port, to2 ? ", " : "",
                                   answered ? second_text : (to2 ? "no answer" : ""),
                                   to2 ? " by " : "", to2 ? to2_text : "",
                                   first.has_other ? " (the server supports RFC 5780)" : "");
  return confab_nat_classify (&local, &first.mapped, answered ? &second.mapped : NULL);
}

static void
on_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  ConfabNatType type = run_probe (data, cancellable, &error);
  if (error)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, type);
}

void
confab_nat_probe_async (const ConfabIceServer *stun, const ConfabIceServer *turn, guint timeout_ms,
                        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Probe *probe = g_new0 (Probe, 1);
  if (stun)
    {
      probe->stun_host = g_strdup (stun->host);
      probe->stun_port = stun->port;
    }
  if (turn && !turn->secure && turn->transport == CONFAB_ICE_TRANSPORT_UDP)
    {
      probe->turn_host = g_strdup (turn->host);
      probe->turn_port = turn->port;
    }
  probe->timeout_ms = timeout_ms;
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_nat_probe_async);
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);
  g_task_run_in_thread (task, on_thread);
}

ConfabNatType
confab_nat_probe_finish (GAsyncResult *result, char **detail, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), CONFAB_NAT_TYPE_UNKNOWN);
  Probe *probe = g_task_get_task_data (G_TASK (result));
  if (detail)
    *detail = g_strdup (probe->detail);
  gssize type = g_task_propagate_int (G_TASK (result), error);
  return type < 0 ? CONFAB_NAT_TYPE_UNKNOWN : (ConfabNatType) type;
}

const char *
confab_nat_type_describe (ConfabNatType type)
{
  switch (type)
    {
    case CONFAB_NAT_TYPE_UNKNOWN_NO_SERVER:
      return _ ("unknown (no STUN server)");
    case CONFAB_NAT_TYPE_UNKNOWN:
      return _ ("behind a NAT of unknown kind (the STUN server gave no second address)");
    case CONFAB_NAT_TYPE_OPEN:
      return _ ("no NAT (public address)");
    case CONFAB_NAT_TYPE_HOME_ROUTER:
      return _ ("home router: direct calls likely");
    case CONFAB_NAT_TYPE_SYMMETRIC:
      return _ ("symmetric NAT: calls will use the relay unless the other side is open");
    case CONFAB_NAT_TYPE_UDP_BLOCKED:
      return _ ("UDP blocked: TURN over TCP/TLS needed");
    }
  return "?";
}

const char *
confab_nat_type_to_string (ConfabNatType type)
{
  static const char *const names[]
      = { "unknown-no-server", "unknown", "open", "home-router", "symmetric", "udp-blocked" };
  return (guint) type < G_N_ELEMENTS (names) ? names[type] : "?";
}
