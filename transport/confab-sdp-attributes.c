/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The values of the transport attributes: a=candidate, a=fingerprint and
 * a=setup, checked and brought to one normal form.
 */

#include "confab-sdp-private.h"

#include <gio/gio.h>
#include <string.h>

static gboolean
is_ip_address (const char *s)
{
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (s);

  return address != NULL;
}

/* A candidate must name one host that can answer (RFC 8445 5.1.1.1):
 * "0.0.0.0", "::" and multicast groups cannot. */
static const char *
unusable_address (const char *s)
{
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (s);

  if (address == NULL)
    return NULL;
  if (g_inet_address_get_is_any (address))
    return "is unspecified";
  if (g_inet_address_get_is_multicast (address))
    return "is a multicast address";
  return NULL;
}

/* Browsers hide host addresses behind random mDNS names such as
 * "1f4712db-ea17-4bcf-a596-105139dfd8bf.local"; nothing here resolves those,
 * but they are legitimate and must not fail the whole blob. */
static gboolean
is_mdns_name (const char *s)
{
  g_auto (GStrv) labels = NULL;
  guint n;

  if (strlen (s) > 253)
    return FALSE;
  labels = g_strsplit (s, ".", -1);
  n = g_strv_length (labels);
  if (n < 2 || g_ascii_strcasecmp (labels[n - 1], "local") != 0)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      gsize len = strlen (labels[i]);

      if (len == 0 || len > 63)
        return FALSE;
      for (const char *c = labels[i]; *c != '\0'; c++)
        if (!g_ascii_isalnum (*c) && *c != '-')
          return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Candidates                                                               */
/* ------------------------------------------------------------------------ */

/* Parses the value of an a=candidate attribute (after "candidate:") and,
 * for a usable one, builds the form libnice 0.1.21 parses: its parser splits
 * on single spaces, compares "typ" values case-sensitively in lower case,
 * and hits a critical on a TCP candidate without tcptype, so the normal
 * form is rebuilt from the checked fields rather than copied. */
gboolean
confab_sdp_parse_candidate (const char *value, CandidateUse *use, char **normalized, GError **error)
{
  static const char *const types[] = { "host", "srflx", "prflx", "relay" };
  static const char *const tcptypes[] = { "active", "passive", "so" };
  g_auto (GStrv) f = confab_sdp_split_fields (value);
  guint n = g_strv_length (f);
  guint64 component, priority, port, rport = 0;
  const char *transport, *type = NULL, *raddr = NULL, *rport_text = NULL, *tcptype = NULL;
  gboolean mdns = FALSE;
  g_autofree char *quoted = NULL;
  GString *out;

  if (n < 8)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                   "missing fields: expected \"<foundation> <component> <transport> <priority> "
                   "<address> <port> typ <type>\"");
      return FALSE;
    }

  if (!confab_sdp_is_ice_string (f[0], 1, 32))
    {
      quoted = confab_sdp_excerpt (f[0]);
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                   "foundation \"%s\" is not 1 to 32 letters, digits, \"+\" or \"/\"", quoted);
      return FALSE;
    }

  if (!confab_sdp_parse_number (f[1], "component", 1, 256, &component, error))
    return FALSE;

  if (g_ascii_strcasecmp (f[2], "UDP") == 0)
    transport = "UDP";
  else if (g_ascii_strcasecmp (f[2], "TCP") == 0)
    transport = "TCP";
  else
    {
      quoted = confab_sdp_excerpt (f[2]);
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   "transport \"%s\" is not UDP or TCP", quoted);
      return FALSE;
    }

  if (!confab_sdp_parse_number (f[3], "priority", 1, G_MAXUINT32, &priority, error))
    return FALSE;

  if (!is_ip_address (f[4]))
    {
      if (!is_mdns_name (f[4]))
        {
          quoted = confab_sdp_excerpt (f[4]);
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                       "address \"%s\" is not an IP address or an mDNS .local name", quoted);
          return FALSE;
        }
      mdns = TRUE;
    }

  if (!mdns && unusable_address (f[4]) != NULL)
    {
      quoted = confab_sdp_excerpt (f[4]);
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID, "address \"%s\" %s", quoted,
                   unusable_address (f[4]));
      return FALSE;
    }

  /* Port 0 reaches nothing; Chrome's active TCP candidates say 9. */
  if (!confab_sdp_parse_number (f[5], "port", 1, G_MAXUINT16, &port, error))
    return FALSE;

  if (g_ascii_strcasecmp (f[6], "typ") != 0)
    {
      quoted = confab_sdp_excerpt (f[6]);
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                   "expected \"typ\" after the port, found \"%s\"", quoted);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_ascii_strcasecmp (f[7], types[i]) == 0)
      type = types[i];
  if (type == NULL)
    {
      quoted = confab_sdp_excerpt (f[7]);
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   "candidate type \"%s\" is not host, srflx, prflx or relay", quoted);
      return FALSE;
    }

  /* Extensions come in name/value pairs; Chrome adds generation, ufrag,
   * network-id and network-cost, which mean nothing to libnice. */
  for (guint i = 8; i < n; i += 2)
    {
      const char *name = f[i];
      const char *val = f[i + 1];

      if (val == NULL)
        {
          quoted = confab_sdp_excerpt (name);
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                       "extension \"%s\" has no value", quoted);
          return FALSE;
        }

      if (g_ascii_strcasecmp (name, "raddr") == 0 || g_ascii_strcasecmp (name, "rport") == 0
          || g_ascii_strcasecmp (name, "tcptype") == 0)
        {
          const char **slot = g_ascii_strcasecmp (name, "raddr") == 0   ? &raddr
                              : g_ascii_strcasecmp (name, "rport") == 0 ? &rport_text
                                                                        : &tcptype;
          if (*slot != NULL)
            {
              g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX, "a second %s",
                           slot == &raddr        ? "raddr"
                           : slot == &rport_text ? "rport"
                                                 : "tcptype");
              return FALSE;
            }
          *slot = val;
        }
    }

  if ((raddr == NULL) != (rport_text == NULL))
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                   "raddr and rport must come together");
      return FALSE;
    }
  if (rport_text != NULL
      && !confab_sdp_parse_number (rport_text, "rport", 0, G_MAXUINT16, &rport, error))
    return FALSE;
  if (raddr != NULL && !is_ip_address (raddr))
    {
      /* The related address is informational (RFC 8445 5.1.3); an mDNS
       * one is simply left out. */
      if (!is_mdns_name (raddr))
        {
          quoted = confab_sdp_excerpt (raddr);
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                       "raddr \"%s\" is not an IP address", quoted);
          return FALSE;
        }
      raddr = NULL;
    }

  if (tcptype != NULL)
    {
      const char *known = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (tcptypes); i++)
        if (g_ascii_strcasecmp (tcptype, tcptypes[i]) == 0)
          known = tcptypes[i];
      if (known == NULL)
        {
          quoted = confab_sdp_excerpt (tcptype);
          g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                       "tcptype \"%s\" is not active, passive or so", quoted);
          return FALSE;
        }
      tcptype = known;
    }
  if (strcmp (transport, "TCP") == 0 && tcptype == NULL)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   "a TCP candidate needs a tcptype (RFC 6544)");
      return FALSE;
    }

  if (mdns)
    *use = CANDIDATE_MDNS;
  else if (component != 1)
    *use = CANDIDATE_OTHER_COMPONENT;
  else
    *use = CANDIDATE_USABLE;

  if (*use != CANDIDATE_USABLE || normalized == NULL)
    return TRUE;

  out = g_string_new (NULL);
  g_string_append_printf (out, "candidate:%s %u %s %u %s %u typ %s", f[0], (guint) component,
                          transport, (guint) priority, f[4], (guint) port, type);
  if (raddr != NULL)
    g_string_append_printf (out, " raddr %s rport %u", raddr, (guint) rport);
  if (strcmp (transport, "TCP") == 0)
    g_string_append_printf (out, " tcptype %s", tcptype);
  *normalized = g_string_free (out, FALSE);

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Other attribute values                                                   */
/* ------------------------------------------------------------------------ */

static const struct
{
  const char *name;
  guint bytes;
} hash_functions[] = {
  { "sha-1", 20 },
  { "sha-256", 32 },
  { "sha-384", 48 },
  { "sha-512", 64 },
};

/* RFC 8122: "<hash-func> <hex pairs separated by colons>". Normalized to
 * the lower-case name and upper-case hex the RFC recommends, so that the
 * DTLS layer can compare strings. */
gboolean
confab_sdp_parse_fingerprint (const char *value, char **normalized, GError **error)
{
  g_auto (GStrv) f = confab_sdp_split_fields (value);
  g_autofree char *quoted = NULL;
  const char *name = NULL;
  guint bytes = 0;
  gsize len;

  if (g_strv_length (f) != 2)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_SYNTAX,
                   "expected \"<hash function> <hex bytes>\", e.g. \"sha-256 AB:CD:...\"");
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (hash_functions); i++)
    if (g_ascii_strcasecmp (f[0], hash_functions[i].name) == 0)
      {
        name = hash_functions[i].name;
        bytes = hash_functions[i].bytes;
      }
  if (name == NULL)
    {
      quoted = confab_sdp_excerpt (f[0]);
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_UNSUPPORTED,
                   "hash function \"%s\" is not supported (sha-1, sha-256, sha-384 or sha-512)",
                   quoted);
      return FALSE;
    }

  len = strlen (f[1]);
  for (gsize i = 0; i < len; i++)
    if (i % 3 == 2 ? f[1][i] != ':' : !g_ascii_isxdigit (f[1][i]))
      len = 0;
  if (len != bytes * 3 - 1)
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   "a %s fingerprint must be %u hex byte pairs separated by \":\"", name, bytes);
      return FALSE;
    }

  *normalized = g_strdup_printf ("%s %s", name, f[1]);
  for (char *c = *normalized + strlen (name) + 1; *c != '\0'; c++)
    *c = g_ascii_toupper (*c);
  return TRUE;
}

gboolean
confab_sdp_parse_setup (const char *value, char **normalized, GError **error)
{
  static const char *const roles[] = { "actpass", "active", "passive" };
  g_autofree char *stripped = g_strstrip (g_strdup (value));
  g_autofree char *quoted = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (g_ascii_strcasecmp (stripped, roles[i]) == 0)
      {
        *normalized = g_strdup (roles[i]);
        return TRUE;
      }

  quoted = confab_sdp_excerpt (stripped);
  g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
               "setup \"%s\" is not actpass, active or passive", quoted);
  return FALSE;
}
