/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-verdict.h"

#include <glib/gi18n-lib.h>
#include <string.h>

static char *
format_host_port (const char *host, guint port)
{
  if (strchr (host, ':'))
    return g_strdup_printf ("[%s]:%u", host, port);
  return g_strdup_printf ("%s:%u", host, port);
}

static const char *
turn_transport_name (const ConfabIceServer *turn)
{
  if (turn->secure)
    return "TLS";
  return turn->transport == CONFAB_ICE_TRANSPORT_TCP ? "TCP" : "UDP";
}

static void
say (ConfabVerdict *verdict, ConfabVerdictKind kind, const char *title, const char *detail)
{
  verdict->kind = kind;
  verdict->title = g_strdup (title);
  verdict->detail = g_strdup (detail);
}

void
confab_verdict_init (ConfabVerdict *verdict, const ConfabCallStats *stats)
{
  memset (verdict, 0, sizeof *verdict);
  if (!stats)
    {
      say (verdict, CONFAB_VERDICT_NO_CALL, _ ("Not connected"), _ ("No call"));
      return;
    }

  switch (stats->state)
    {
    case CONFAB_CALL_STATE_NEW:
    case CONFAB_CALL_STATE_GATHERING:
      say (verdict, CONFAB_VERDICT_GATHERING, _ ("Not connected yet"),
           _ ("Gathering this side’s candidates…"));
      return;
    case CONFAB_CALL_STATE_WAITING:
      say (verdict, CONFAB_VERDICT_WAITING, _ ("Not connected yet"),
           _ ("Waiting for the other side"));
      return;
    case CONFAB_CALL_STATE_CONNECTING:
      say (verdict, CONFAB_VERDICT_CHECKING, _ ("Checking connectivity…"),
           _ ("Trying candidate pairs"));
      return;
    case CONFAB_CALL_STATE_ENDED:
      say (verdict, CONFAB_VERDICT_ENDED, _ ("Not connected"), _ ("The call has ended"));
      return;
    case CONFAB_CALL_STATE_FAILED:
      say (verdict, CONFAB_VERDICT_FAILED, _ ("Not connected"), _ ("The connection failed"));
      return;
    case CONFAB_CALL_STATE_IN_CALL:
    default:
      break;
    }

  if (!stats->have_pair)
    {
      say (verdict, CONFAB_VERDICT_CONNECTED, _ ("Connected"), _ ("No candidate pair reported"));
      return;
    }

  g_autofree char *protocol = g_ascii_strup (stats->pair.local.protocol, -1);
  verdict->kind = stats->pair.relayed ? CONFAB_VERDICT_RELAYED : CONFAB_VERDICT_DIRECT;
  verdict->title = confab_verdict_describe_pair (stats);
  /* Translators: the local and remote candidate types and the transport,
   * e.g. "host ↔ srflx over UDP" */
  verdict->detail = g_strdup_printf (_ ("%s ↔ %s over %s"), stats->pair.local.type,
                                     stats->pair.remote.type, protocol);
}

char *
confab_verdict_describe_pair (const ConfabCallStats *stats)
{
  g_return_val_if_fail (stats->have_pair, NULL);

  if (!stats->pair.relayed)
    return g_strdup (_ ("Direct connection"));

  const ConfabIceCandidateInfo *local = &stats->pair.local;
  const ConfabIceCandidateInfo *remote = &stats->pair.remote;
  if (g_str_equal (local->type, "relay") && stats->turn)
    {
      g_autofree char *server = format_host_port (stats->turn->host, stats->turn->port);
      /* Translators: "Relayed through TURN server turn.example.org:3478 (UDP)" */
      return g_strdup_printf (_ ("Relayed through TURN server %s (%s)"), server,
                              turn_transport_name (stats->turn));
    }
  if (g_str_equal (local->type, "relay"))
    {
      /* No configured server to name (it cannot happen today): name the relay. */
      g_autofree char *server = format_host_port (local->address, local->port);
      g_autofree char *protocol = g_ascii_strup (local->protocol, -1);
      return g_strdup_printf (_ ("Relayed through TURN server %s (%s)"), server, protocol);
    }
  g_autofree char *server = format_host_port (remote->address, remote->port);
  /* Translators: the other side's TURN relay address, e.g. "203.0.113.9:49152" */
  return g_strdup_printf (_ ("Relayed through the other side’s TURN server (%s)"), server);
}

void
confab_verdict_clear (ConfabVerdict *verdict)
{
  g_clear_pointer (&verdict->title, g_free);
  g_clear_pointer (&verdict->detail, g_free);
}

char *
confab_verdict_to_string (const ConfabVerdict *verdict)
{
  return g_strdup_printf ("%s (%s)", verdict->title, verdict->detail);
}
