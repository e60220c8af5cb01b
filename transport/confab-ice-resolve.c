/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-ice-resolve-private.h"

#include "confab-ice-session.h"

typedef struct
{
  ConfabIceAddresses *addresses;
  char *host[2]; /* STUN, TURN: names still to resolve */
  guint pending;
  GError *error; /* the first */
} Resolve;

static void
resolve_free (gpointer data)
{
  Resolve *r = data;
  g_clear_pointer (&r->addresses, confab_ice_addresses_free);
  g_free (r->host[0]);
  g_free (r->host[1]);
  g_clear_error (&r->error);
  g_free (r);
}

void
confab_ice_addresses_free (ConfabIceAddresses *addresses)
{
  g_free (addresses->stun_ip);
  g_free (addresses->turn_ip);
  g_clear_object (&addresses->tls_proxy);
  g_free (addresses);
}

static void
finish (GTask *task)
{
  Resolve *r = g_task_get_task_data (task);
  if (r->error)
    g_task_return_error (task, g_steal_pointer (&r->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&r->addresses),
                           (GDestroyNotify) confab_ice_addresses_free);
}

typedef struct
{
  GTask *task;
  guint which; /* 0: STUN, 1: TURN */
} Lookup;

static void
on_lookup_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Lookup *lookup = data;
  g_autoptr (GTask) task = lookup->task;
  guint which = lookup->which;
  g_free (lookup);
  Resolve *r = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  GList *found = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
  if (found)
    {
      GInetAddress *pick = found->data;
      for (GList *l = found; l; l = l->next)
        if (g_inet_address_get_family (l->data) == G_SOCKET_FAMILY_IPV4)
          {
            pick = l->data;
            break;
          }
      char **slot = which == 1 ? &r->addresses->turn_ip : &r->addresses->stun_ip;
      *slot = g_inet_address_to_string (pick);
      g_resolver_free_addresses (found);
    }
  else if (!r->error)
    r->error = g_error_new (CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_RESOLVE,
                            "cannot resolve the %s server \"%s\": %s", which == 1 ? "TURN" : "STUN",
                            r->host[which], error->message);

  if (--r->pending == 0)
    finish (task);
}

/* The TURN server as libnice will see it: itself, or the TLS proxy. */
static gboolean
set_up_turn (ConfabIceAddresses *addresses, const ConfabIceServer *turn, GError **error)
{
  addresses->turn_port = turn->port;
  if (!turn->secure)
    return TRUE;

  g_autoptr (GError) local_error = NULL;
  g_autoptr (GTlsDatabase) database = NULL;
  if (turn->ca_file)
    {
      database = g_tls_file_database_new (turn->ca_file, &local_error);
      if (!database)
        {
          g_set_error (error, CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_SETUP,
                       "cannot read the TURN server's CA file: %s", local_error->message);
          return FALSE;
        }
    }
  addresses->tls_proxy = confab_turn_tls_proxy_new (turn->host, turn->port, database, &local_error);
  if (!addresses->tls_proxy)
    {
      g_set_error (error, CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_SETUP,
                   "cannot set up TURN over TLS: %s", local_error->message);
      return FALSE;
    }
  addresses->turn_ip = g_strdup ("127.0.0.1");
  addresses->turn_port = confab_turn_tls_proxy_get_port (addresses->tls_proxy);
  return TRUE;
}

void
confab_ice_resolve_servers_async (const ConfabIceServer *stun, const ConfabIceServer *turn,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_ice_resolve_servers_async);
  Resolve *r = g_new0 (Resolve, 1);
  r->addresses = g_new0 (ConfabIceAddresses, 1);
  g_task_set_task_data (task, r, resolve_free);

  if (turn && !set_up_turn (r->addresses, turn, &r->error))
    {
      finish (task);
      return;
    }
  if (stun)
    r->addresses->stun_port = stun->port;

  const ConfabIceServer *servers[2] = { stun, turn };
  char **ips[2] = { &r->addresses->stun_ip, &r->addresses->turn_ip };
  for (guint i = 0; i < 2; i++)
    {
      if (!servers[i] || *ips[i])
        continue;
      if (g_hostname_is_ip_address (servers[i]->host))
        *ips[i] = g_strdup (servers[i]->host);
      else
        r->host[i] = g_strdup (servers[i]->host);
    }

  for (guint i = 0; i < 2; i++)
    r->pending += r->host[i] != NULL;
  if (r->pending == 0)
    {
      finish (task);
      return;
    }
  g_autoptr (GResolver) resolver = g_resolver_get_default ();
  for (guint i = 0; i < 2; i++)
    {
      if (!r->host[i])
        continue;
      Lookup *lookup = g_new0 (Lookup, 1);
      lookup->task = g_object_ref (task);
      lookup->which = i;
      g_resolver_lookup_by_name_async (resolver, r->host[i], cancellable, on_lookup_done, lookup);
    }
}

ConfabIceAddresses *
confab_ice_resolve_servers_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
