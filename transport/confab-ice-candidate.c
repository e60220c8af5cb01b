/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-ice-candidate-private.h"

#include <string.h>

const char *
confab_ice_state_to_string (ConfabIceState state)
{
  switch (state)
    {
    case CONFAB_ICE_STATE_NEW:
      return "new";
    case CONFAB_ICE_STATE_GATHERING:
      return "gathering";
    case CONFAB_ICE_STATE_GATHERED:
      return "gathered";
    case CONFAB_ICE_STATE_CHECKING:
      return "checking";
    case CONFAB_ICE_STATE_CONNECTED:
      return "connected";
    case CONFAB_ICE_STATE_FAILED:
      return "failed";
    case CONFAB_ICE_STATE_CLOSED:
      return "closed";
    default:
      return "unknown";
    }
}

void
confab_ice_candidate_info_fill (ConfabIceCandidateInfo *info, const NiceCandidate *cand)
{
  static const char *const types[] = { "host", "srflx", "prflx", "relay" };
  memset (info, 0, sizeof *info);
  g_strlcpy (info->type, cand->type < G_N_ELEMENTS (types) ? types[cand->type] : "host",
             sizeof info->type);
  g_strlcpy (info->protocol, cand->transport == NICE_CANDIDATE_TRANSPORT_UDP ? "udp" : "tcp",
             sizeof info->protocol);
  char buf[NICE_ADDRESS_STRING_LEN];
  nice_address_to_string (&cand->addr, buf);
  g_strlcpy (info->address, buf, sizeof info->address);
  info->port = nice_address_get_port (&cand->addr);
}

void
confab_ice_pair_fill (ConfabIcePair *pair, const NiceCandidate *local, const NiceCandidate *remote)
{
  confab_ice_candidate_info_fill (&pair->local, local);
  confab_ice_candidate_info_fill (&pair->remote, remote);
  pair->relayed
      = local->type == NICE_CANDIDATE_TYPE_RELAYED || remote->type == NICE_CANDIDATE_TYPE_RELAYED;
}

char *
confab_ice_pair_to_string (const ConfabIcePair *pair)
{
  return g_strdup_printf ("%s %s %s:%u -> %s %s:%u", pair->local.protocol, pair->local.type,
                          pair->local.address, pair->local.port, pair->remote.type,
                          pair->remote.address, pair->remote.port);
}

/* libnice writes a relay candidate's related address: the local address
 * its allocation was made from, exactly what relay-only mode must keep to
 * itself. Leaving raddr out is no answer (RFC 8839 5.1 wants it on every
 * non-host candidate and Firefox refuses a line without it), so the
 * unspecified address and port 0 go in its place, as browsers write them;
 * libnice would write a port 0 as 9, hence the pair is put in here. */
static char *
relay_line_without_related (NiceAgent *agent, NiceCandidate *cand)
{
  const char *hidden = nice_address_ip_version (&cand->addr) == 6 ? "::" : "0.0.0.0";
  /* @cand is a copy: made invalid, its related address is not written. */
  nice_address_init (&cand->base_addr);
  g_autofree char *line = nice_agent_generate_local_candidate_sdp (agent, cand);
  const char *typ = line ? strstr (line, " typ relay") : NULL;
  if (!typ)
    return NULL;
  gsize head = typ - line + strlen (" typ relay");
  return g_strdup_printf ("%.*s raddr %s rport 0%s", (int) head, line, hidden, line + head);
}

GPtrArray *
confab_ice_dup_local_candidate_lines (NiceAgent *agent, guint stream_id, gboolean relay_only)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  GSList *cands = nice_agent_get_local_candidates (agent, stream_id, 1);
  for (GSList *l = cands; l; l = l->next)
    {
      NiceCandidate *cand = l->data;
      g_autofree char *line = NULL;
      if (!relay_only)
        line = nice_agent_generate_local_candidate_sdp (agent, cand);
      else if (cand->type == NICE_CANDIDATE_TYPE_RELAYED)
        line = relay_line_without_related (agent, cand);
      /* force-relay keeps host and srflx candidates to itself; should a
       * libnice ever list one, relay-only still offers only relays. */
      if (line)
        g_ptr_array_add (out, g_strdup (g_str_has_prefix (line, "a=") ? line + 2 : line));
    }
  g_slist_free_full (cands, (GDestroyNotify) nice_candidate_free);
  return out;
}
