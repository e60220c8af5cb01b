/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-ice-server.h"

#include <gio/gio.h>
#include <string.h>

G_DEFINE_QUARK (confab - ice - server - error - quark, confab_ice_server_error)

static gboolean
set_invalid (GError **error, const char *uri, const char *why)
{
  g_autofree char *shown = g_strescape (uri, NULL);
  g_set_error (error, CONFAB_ICE_SERVER_ERROR, CONFAB_ICE_SERVER_ERROR_INVALID_URI,
               "invalid server URI \"%.60s\": %s", shown, why);
  return FALSE;
}

static gboolean
is_valid_host (const char *host)
{
  if (*host == '\0' || strlen (host) > 253)
    return FALSE;
  if (g_hostname_is_ip_address (host))
    return TRUE;
  for (const char *p = host; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

ConfabIceServer *
confab_ice_server_parse (const char *uri, ConfabIceServerKind kind_wanted, GError **error)
{
  g_return_val_if_fail (uri != NULL, NULL);

  g_autoptr (ConfabIceServer) server = g_new0 (ConfabIceServer, 1);
  const char *rest;

  if (g_ascii_strncasecmp (uri, "stun:", 5) == 0)
    server->kind = CONFAB_ICE_SERVER_STUN, rest = uri + 5;
  else if (g_ascii_strncasecmp (uri, "stuns:", 6) == 0)
    server->kind = CONFAB_ICE_SERVER_STUN, server->secure = TRUE, rest = uri + 6;
  else if (g_ascii_strncasecmp (uri, "turn:", 5) == 0)
    server->kind = CONFAB_ICE_SERVER_TURN, rest = uri + 5;
  else if (g_ascii_strncasecmp (uri, "turns:", 6) == 0)
    server->kind = CONFAB_ICE_SERVER_TURN, server->secure = TRUE, rest = uri + 6;
  else
    {
      set_invalid (error, uri,
                   kind_wanted == CONFAB_ICE_SERVER_TURN
                       ? "expected turn:HOST[:PORT][?transport=udp|tcp] or turns:HOST[:PORT]"
                       : "expected stun:HOST[:PORT]");
      return NULL;
    }

  if (server->kind != kind_wanted)
    {
      set_invalid (error, uri,
                   kind_wanted == CONFAB_ICE_SERVER_TURN ? "this option takes a turn: or turns: URI"
                                                         : "this option takes a stun: URI");
      return NULL;
    }

  /* Split off the query first: RFC 7065 allows only ?transport=. */
  g_autofree char *hostport = NULL;
  const char *query = strchr (rest, '?');
  if (query)
    {
      hostport = g_strndup (rest, query - rest);
      query++;
      if (server->kind != CONFAB_ICE_SERVER_TURN)
        {
          set_invalid (error, uri, "a stun: URI takes no ?query");
          return NULL;
        }
      if (g_ascii_strcasecmp (query, "transport=udp") == 0)
        server->transport = CONFAB_ICE_TRANSPORT_UDP;
      else if (g_ascii_strcasecmp (query, "transport=tcp") == 0)
        server->transport = CONFAB_ICE_TRANSPORT_TCP;
      else
        {
          set_invalid (error, uri, "the only query allowed is ?transport=udp or ?transport=tcp");
          return NULL;
        }
    }
  else
    hostport = g_strdup (rest);

  if (server->secure)
    {
      if (query && server->transport == CONFAB_ICE_TRANSPORT_UDP)
        {
          set_invalid (error, uri, "turns: runs over TLS, which needs ?transport=tcp");
          return NULL;
        }
      server->transport = CONFAB_ICE_TRANSPORT_TCP;
    }

  /* Host, with IPv6 literals in brackets, then an optional port. */
  const char *port_str = NULL;
  if (hostport[0] == '[')
    {
      char *close = strchr (hostport, ']');
      if (!close)
        {
          set_invalid (error, uri, "missing ']' after the IPv6 address");
          return NULL;
        }
      server->host = g_strndup (hostport + 1, close - hostport - 1);
      if (close[1] == ':')
        port_str = close + 2;
      else if (close[1] != '\0')
        {
          set_invalid (error, uri, "unexpected text after ']'");
          return NULL;
        }
      if (!g_hostname_is_ip_address (server->host) || !strchr (server->host, ':'))
        {
          set_invalid (error, uri, "the text in brackets is not an IPv6 address");
          return NULL;
        }
    }
  else
    {
      char *colon = strchr (hostport, ':');
      if (colon && strchr (colon + 1, ':'))
        {
          set_invalid (error, uri, "an IPv6 address must be written in brackets");
          return NULL;
        }
      server->host = colon ? g_strndup (hostport, colon - hostport) : g_strdup (hostport);
      port_str = colon ? colon + 1 : NULL;
    }

  if (server->host[0] == '\0')
    {
      set_invalid (error, uri, "the host is missing");
      return NULL;
    }
  if (!is_valid_host (server->host))
    {
      set_invalid (error, uri, "the host name has characters a host name cannot have");
      return NULL;
    }

  if (port_str)
    {
      guint64 port;
      if (!g_ascii_string_to_unsigned (port_str, 10, 1, 65535, &port, NULL))
        {
          set_invalid (error, uri, "the port must be a number from 1 to 65535");
          return NULL;
        }
      server->port = port;
    }
  else
    server->port = server->secure ? 5349 : 3478;

  return g_steal_pointer (&server);
}

ConfabIceServer *
confab_ice_server_copy (const ConfabIceServer *server)
{
  ConfabIceServer *copy = g_memdup2 (server, sizeof *server);
  copy->host = g_strdup (server->host);
  copy->username = g_strdup (server->username);
  copy->password = g_strdup (server->password);
  copy->ca_file = g_strdup (server->ca_file);
  return copy;
}

void
confab_ice_server_free (ConfabIceServer *server)
{
  if (!server)
    return;
  g_free (server->host);
  g_free (server->username);
  g_free (server->ca_file);
  if (server->password)
    memset (server->password, 0, strlen (server->password));
  g_free (server->password);
  g_free (server);
}

char *
confab_ice_server_to_string (const ConfabIceServer *server)
{
  const char *scheme = server->kind == CONFAB_ICE_SERVER_STUN ? (server->secure ? "stuns" : "stun")
                                                              : (server->secure ? "turns" : "turn");
  gboolean v6 = strchr (server->host, ':') != NULL;
  return g_strdup_printf (
      "%s:%s%s%s:%u%s", scheme, v6 ? "[" : "", server->host, v6 ? "]" : "", server->port,
      server->kind == CONFAB_ICE_SERVER_TURN && !server->secure
          ? (server->transport == CONFAB_ICE_TRANSPORT_TCP ? "?transport=tcp" : "?transport=udp")
          : "");
}
