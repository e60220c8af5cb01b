/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-ice-reach-private.h"

#include <gio/gio.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>

static gboolean
has_relay_candidate (NiceAgent *agent, guint stream_id)
{
  GSList *local = nice_agent_get_local_candidates (agent, stream_id, 1);
  gboolean found = FALSE;
  for (GSList *l = local; l; l = l->next)
    found |= ((NiceCandidate *) l->data)->type == NICE_CANDIDATE_TYPE_RELAYED;
  g_slist_free_full (local, (GDestroyNotify) nice_candidate_free);
  return found;
}

/* The address bytes of @sa (IPv4 or IPv6), or NULL. */
static const guint8 *
address_bytes (const struct sockaddr *sa, gsize *size)
{
  if (sa && sa->sa_family == AF_INET)
    {
      *size = 4;
      return (const guint8 *) &((const struct sockaddr_in *) sa)->sin_addr;
    }
  if (sa && sa->sa_family == AF_INET6)
    {
      *size = 16;
      return (const guint8 *) &((const struct sockaddr_in6 *) sa)->sin6_addr;
    }
  return NULL;
}

/* Private (RFC 1918, IPv6 unique local) or link-local: a relay on the
 * public internet cannot reach it. */
static gboolean
is_private (const struct sockaddr *sa)
{
  gsize size = 0;
  const guint8 *bytes = address_bytes (sa, &size);
  if (!bytes)
    return FALSE;
  g_autoptr (GInetAddress) address = g_inet_address_new_from_bytes (
      bytes, size == 4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);
  return g_inet_address_get_is_site_local (address) || g_inet_address_get_is_link_local (address)
         || (size == 16 && (bytes[0] & 0xfe) == 0xfc);
}

/* On the subnet of one of @links: reachable without a router, as two hosts
 * on one LAN are. */
static gboolean
is_on_link (const struct sockaddr *sa, const struct ifaddrs *links)
{
  gsize size = 0;
  const guint8 *bytes = address_bytes (sa, &size);
  for (const struct ifaddrs *i = links; bytes && i; i = i->ifa_next)
    {
      gsize local_size = 0, mask_size = 0;
      const guint8 *local = address_bytes (i->ifa_addr, &local_size);
      const guint8 *mask = address_bytes (i->ifa_netmask, &mask_size);
      if (!local || !mask || local_size != size || mask_size != size)
        continue;
      gboolean same = TRUE;
      for (gsize b = 0; b < size && same; b++)
        same = (bytes[b] & mask[b]) == (local[b] & mask[b]);
      if (same)
        return TRUE;
    }
  return FALSE;
}

static gboolean
is_unreachable_by_relay (const NiceCandidate *c, const struct ifaddrs *links)
{
  struct sockaddr_storage sa;
  if (c->type != NICE_CANDIDATE_TYPE_HOST)
    return FALSE;
  nice_address_copy_to_sockaddr (&c->addr, (struct sockaddr *) &sa);
  return is_private ((struct sockaddr *) &sa) && !is_on_link ((struct sockaddr *) &sa, links);
}

GSList *
confab_ice_drop_unreachable_remote (NiceAgent *agent, guint stream_id, GSList *remote,
                                    guint *dropped)
{
  *dropped = 0;
  struct ifaddrs *links = NULL;
  if (!has_relay_candidate (agent, stream_id) || getifaddrs (&links) != 0)
    return remote;

  GSList *kept = NULL;
  GSList *left_out = NULL;
  for (GSList *l = remote; l; l = l->next)
    {
      if (is_unreachable_by_relay (l->data, links))
        left_out = g_slist_prepend (left_out, l->data);
      else
        kept = g_slist_prepend (kept, l->data);
    }
  freeifaddrs (links);

  /* Only private candidates: a routed private network is the one way to
   * the peer, so it is worth the risk to the allocation. */
  if (!kept)
    {
      g_slist_free (left_out);
      return remote;
    }
  *dropped = g_slist_length (left_out);
  g_slist_free_full (left_out, (GDestroyNotify) nice_candidate_free);
  g_slist_free (remote);
  return g_slist_reverse (kept);
}
