/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What `confab offer -v` says about the network before the call, behind
 * each router kind: one test per line of the README's NAT-type table.
 */
#include "config.h"

#include "nat-test-util.h"

#include <signal.h>
#include <string.h>

/* -- the NAT-type probe ---------------------------------------------------------- */

/* What `confab offer -v` says about the network before the call, on a host
 * behind each router kind (and on router A itself: no NAT). coturn has a
 * second address for RFC 5780 unless the row turns that off; then the
 * probe asks the TURN server on the second address instead. */
typedef struct
{
  const char *name;
  const char *kind; /* both routers' */
  const char *ns;   /* a, or ra for a public address */
  const char *coturn_options[3];
  const char *options[10];
  const char *expected;
} ProbeRow;

static const ProbeRow probe_rows[] = {
  { "home-router",
    "cone",
    "a",
    { "--listening-ip=203.0.113.2" },
    { "--stun", "stun:" TURN_HOST ":3478" },
    "home router: direct calls likely" },
  { "symmetric",
    "symmetric",
    "a",
    { "--listening-ip=203.0.113.2" },
    { "--stun", "stun:" TURN_HOST ":3478" },
    "symmetric NAT: calls will use the relay unless the other side is open" },
  { "udp-blocked",
    "udp-blocked",
    "a",
    { "--listening-ip=203.0.113.2" },
    { "--stun", "stun:" TURN_HOST ":3478" },
    "UDP blocked: TURN over TCP/TLS needed" },
  { "no-nat",
    "cone",
    "ra",
    { "--listening-ip=203.0.113.2" },
    { "--stun", "stun:" TURN_HOST ":3478" },
    "no NAT (public address)" },
  { "home-router-no-rfc5780",
    "cone",
    "a",
    { "--listening-ip=203.0.113.2", "--no-rfc5780" },
    { "--stun", "stun:" TURN_HOST ":3478", "--turn", "turn:203.0.113.2:3478", TURN_CREDENTIALS },
    "home router: direct calls likely" },
  { "symmetric-no-rfc5780",
    "symmetric",
    "a",
    { "--listening-ip=203.0.113.2", "--no-rfc5780" },
    { "--stun", "stun:" TURN_HOST ":3478", "--turn", "turn:203.0.113.2:3478", TURN_CREDENTIALS },
    "symmetric NAT: calls will use the relay unless the other side is open" },
  { "no-server", "cone", "a", { NULL }, { NULL }, "unknown (no STUN server)" },
};

/* The "confab: network: " line of @log, or NULL while there is none. */
static char *
network_line (const char *log)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (log, &text, NULL, NULL))
    return NULL;
  const char *line = strstr (text, "confab: network: ");
  if (!line)
    return NULL;
  line += strlen ("confab: network: ");
  return g_strndup (line, strcspn (line, "\n"));
}

static void
test_probe (gconstpointer data)
{
  const ProbeRow *row = data;
  const char *missing = missing_tool ();
  if (geteuid () != 0 || missing)
    {
      g_test_skip (missing ? missing : "the NAT lab needs root");
      return;
    }

  alarm (WATCHDOG_SECONDS);
  g_autoptr (GError) error = NULL;
  Lab lab = { 0 };
  Row lab_row = { row->name, row->kind, row->kind, { row->options[0] } };
  memcpy ((gpointer) lab_row.coturn_options, row->coturn_options, sizeof row->coturn_options);
  lab_up (&lab, &lab_row);

  g_autofree char *ns = g_strconcat (lab_id, "-", row->ns, NULL);
  g_autofree char *log = g_build_filename (lab.dir, "probe.log", NULL);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_strv_builder_add_many (builder, "ip", "netns", "exec", ns, confab_path, "offer", "-v", NULL);
  g_strv_builder_addv (builder, (const char **) row->options);
  g_auto (GStrv) argv = g_strv_builder_end (builder);
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (
      G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_autoptr (GSubprocess) proc
      = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv, &error);
  g_assert_no_error (error);

  /* The probe waits 1.5 s per unanswered question; the offer waits for
   * its answer meanwhile (stdin stays open). */
  g_autofree char *line = NULL;
  for (int i = 0; i < 200 && !line && g_subprocess_get_identifier (proc); i++)
    {
      g_usleep (G_USEC_PER_SEC / 20);
      line = network_line (log);
    }
  g_subprocess_send_signal (proc, SIGTERM);
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
  if (!line)
    print_file ("confab offer -v", log);
  lab_down_now ();
  alarm (0);
  g_test_message ("%s (%s, %s): %s", row->name, row->kind, row->ns, line ? line : "(nothing)");
  g_assert_cmpstr (line, ==, row->expected);
  lab_clear (&lab);
}

void
nat_probe_add_tests (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (probe_rows); i++)
    {
      g_autofree char *path = g_strconcat ("/confab/nat/probe/", probe_rows[i].name, NULL);
      g_test_add_data_func (path, &probe_rows[i], test_probe);
    }
}
