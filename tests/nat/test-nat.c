/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Through real NATs: `confab offer` and `confab answer` on two hosts, each
 * behind its own Linux NAT router, with coturn on an "internet" segment, all
 * in network namespaces that natlab.sh makes for each row and removes after.
 * Each test is one row of the README's "Will my call be direct?" table: the
 * pair ICE selects, and media both ways. Needs root, ip, iptables, coturn
 * and openssl; skips and says which is missing otherwise.
 */
#include "config.h"

#include "nat-test-util.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A with STUN and TURN behind a symmetric NAT, B with STUN alone behind a
 * home router, the TURN host without a default route. */
#define SYMMETRIC_TURN_CONE_STUN_UNROUTABLE                                                        \
  "symmetric", "cone", { STUN_TURN }, PATH_RELAY, TURN_UDP,                                        \
      .turn_host_unroutable = TRUE, .answer_options = { "--stun", "stun:" TURN_HOST ":3478" }

static const Row rows[] = {
  { "same-lan", "lan", "lan", { NULL }, PATH_HOST },
  /* The peer's private host candidate is on our LAN: ICE still tries it
   * (a TURN server configured changes nothing between two hosts there). */
  { "same-lan-turn-unroutable",
    "lan",
    "lan",
    { STUN_TURN },
    PATH_HOST,
    .turn_host_unroutable = TRUE },
  { "cone-cone-stun", "cone", "cone", { "--stun", "stun:" TURN_HOST ":3478" }, PATH_DIRECT },
  /* Direct if ICE finds a pair, else the relay. In this lab it cannot: the
   * home router lets in only what comes from an address and port it sent
   * to, and the symmetric router gives each destination its own port, so
   * neither side's check ever matches what the other's router expects. */
  { "cone-symmetric-turn", "cone", "symmetric", { STUN_TURN }, PATH_RELAY, TURN_UDP },
  { "symmetric-symmetric-turn", "symmetric", "symmetric", { STUN_TURN }, PATH_RELAY, TURN_UDP },
  /* A hardened coturn answers 403 to permissions for private peers. */
  { "symmetric-symmetric-turn-hardened",
    "symmetric",
    "symmetric",
    { STUN_TURN },
    PATH_RELAY,
    TURN_UDP,
    .coturn_options
    = { "--denied-peer-ip=10.0.0.0-10.255.255.255", "--denied-peer-ip=172.16.0.0-172.31.255.255",
        "--denied-peer-ip=192.168.0.0-192.168.255.255" } },
  /* Copy-paste: the offerer gets the answer two minutes after the answerer
   * started its checks (and its TURN permissions). */
  { "symmetric-symmetric-turn-late-answer",
    "symmetric",
    "symmetric",
    { STUN_TURN },
    PATH_RELAY,
    TURN_UDP,
    .answer_delay = LATE_ANSWER_SECONDS },
  /* Router A drops every UDP packet mid-call: both sides must say so and
   * end with status 1. */
  { "cone-cone-path-cut",
    "cone",
    "cone",
    { "--stun", "stun:" TURN_HOST ":3478" },
    PATH_DIRECT,
    .cut_path = TRUE },
  /* A check from a relay candidate to the peer's private address makes
   * coturn's send fail (ENETUNREACH), and coturn drops the allocation. */
  { "symmetric-symmetric-turn-unroutable",
    "symmetric",
    "symmetric",
    { STUN_TURN },
    PATH_RELAY,
    TURN_UDP,
    .turn_host_unroutable = TRUE },
  /* The TURN server drops our relay: its host cannot route the address of
   * a candidate in the answer (a public one, so Confab keeps it), coturn's
   * send fails, and the relay forwards nothing more; coturn says nothing
   * (it frees the allocation a minute later) and libnice 0.1.21 cannot tell.
   * The call still connects, through the other side's relay. */
  { "symmetric-symmetric-turn-relay-lost",
    "symmetric",
    "symmetric",
    { STUN_TURN },
    PATH_RELAY,
    TURN_UDP,
    .turn_host_unroutable = TRUE,
    .inject_candidate = UNROUTABLE_CANDIDATE },
  /* Without that candidate the same two connect through our relay: the
   * next row fails because the relay was lost, not because of the NATs. */
  { "symmetric-cone-turn-unroutable", SYMMETRIC_TURN_CONE_STUN_UNROUTABLE },
  /* The same, with a peer that has no relay of its own and lets in only
   * what comes from where it sent (a home router): our relay was the one
   * way, and a new allocation would have a port the peer never heard of.
   * The offerer gives up within its connect timeout and says so. */
  { "symmetric-cone-relay-lost", SYMMETRIC_TURN_CONE_STUN_UNROUTABLE,
    .inject_candidate = UNROUTABLE_CANDIDATE, .no_connection = TRUE },
  { "udp-blocked-turn-tcp",
    "udp-blocked",
    "udp-blocked",
    { "--turn", "turn:" TURN_HOST ":3478?transport=tcp", TURN_CREDENTIALS },
    PATH_RELAY,
    "turn:" TURN_HOST ":3478?transport=tcp" },
  { "https-only-turns",
    "https-only",
    "cone",
    { "--turn", "turns:" TURN_HOST ":443", "--turn-ca", CA_FILE, TURN_CREDENTIALS },
    PATH_RELAY,
    "turns:" TURN_HOST ":443",
    .check_ca = TRUE },
  { "relay-only",
    "cone",
    "cone",
    { "--turn", "turn:" TURN_HOST ":3478", TURN_CREDENTIALS, "--relay-only" },
    PATH_RELAY,
    "turn:" TURN_HOST ":3478?transport=udp",
    .relay_only = TRUE },
  { "port-range",
    "cone",
    "cone",
    { "--stun", "stun:" TURN_HOST ":3478", "--port-range",
      G_STRINGIFY (RANGE_MIN) "-" G_STRINGIFY (RANGE_MAX) },
    PATH_DIRECT,
    .port_range = TRUE },
};

/* Where a run in a child process sends its figures (-1: not in a child). */
static int figures_fd = -1;

/* -- a row ------------------------------------------------------------------------ */

/* Path cut: once media flows, router A drops every UDP packet; both sides
 * must notice within the consent timeout and end the call with status 1
 * and a message that says why. */
static void
cut_path_and_wait (const Lab *lab, Side *offer, Side *answer)
{
  g_autofree char *router = g_strconcat (lab_id, "-ra", NULL);
  side_wait_connected (offer);
  g_usleep (CUT_AFTER_SECONDS * G_USEC_PER_SEC);
  g_free (ns_run (router, (const char *[]){ "iptables", "-w", "-I", "FORWARD", "1", "-p", "udp",
                                            "-j", "DROP", NULL }));
  gint64 cut = g_get_monotonic_time ();

  for (Side *s = offer; s; s = s == offer ? answer : NULL)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *text = NULL;
      g_assert_true (g_subprocess_wait (s->proc, NULL, &error));
      g_assert_no_error (error);
      double after = (g_get_monotonic_time () - cut) / (double) G_USEC_PER_SEC;
      g_assert_true (g_file_get_contents (s->log, &text, NULL, NULL));
      const char *said = strstr (text, "confab: the call failed: ");
      g_test_message ("%s ended %.1f s after the cut, status %d: %s", s->role, after,
                      g_subprocess_get_if_exited (s->proc) ? g_subprocess_get_exit_status (s->proc)
                                                           : -1,
                      said ? said : "(no message)");
      g_assert_true (g_subprocess_get_if_exited (s->proc));
      g_assert_cmpint (g_subprocess_get_exit_status (s->proc), ==, 1);
      g_assert_nonnull (said);
      g_assert_nonnull (strstr (said, "Nothing has arrived from the other side"));
      g_assert_cmpfloat (after, <, CUT_DEADLINE_SECONDS);
    }
}

/* The offerer gives up within its connect timeout, exits 1 and says it
 * could not connect; the answerer, which waits minutes for a late answer,
 * is stopped then. */
static void
assert_no_connection (Side *offer, Side *answer)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 start = g_get_monotonic_time ();
  g_assert_true (g_subprocess_wait (offer->proc, NULL, &error));
  g_assert_no_error (error);
  double after = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_assert_true (g_file_get_contents (offer->log, &text, NULL, NULL));
  const char *said = strstr (text, "confab: the call failed: ");
  g_test_message (
      "the offerer ended %.1f s after the answer, status %d: %s", after,
      g_subprocess_get_if_exited (offer->proc) ? g_subprocess_get_exit_status (offer->proc) : -1,
      said ? said : "(no message)");
  g_subprocess_force_exit (answer->proc);
  g_assert_true (g_subprocess_get_if_exited (offer->proc));
  g_assert_cmpint (g_subprocess_get_exit_status (offer->proc), ==, 1);
  g_assert_nonnull (said);
  g_assert_nonnull (strstr (said, "Could not connect"));
  /* Not the NATs' fault: the relay, which was there, carried nothing. */
  g_assert_nonnull (strstr (said, "TURN relay"));
  g_assert_cmpfloat (after, <, OFFER_CONNECT_TIMEOUT_SECONDS + 5);
}

/* One call through a fresh lab; FALSE and the figures unset for the
 * path-cut and no-connection rows, which end in failure on purpose. */
static gboolean
run_row (const Row *row, Figures *figures)
{
  Lab lab = { 0 };
  Side offer = { 0 };
  Side answer = { 0 };

  alarm (WATCHDOG_SECONDS + row->answer_delay + (row->cut_path ? CUT_CALL_SECONDS : 0)
         + (row->no_connection ? OFFER_CONNECT_TIMEOUT_SECONDS : 0));
  lab_up (&lab, row);
  if (row->check_ca)
    assert_ca_checked (&lab, row);
  if (row->relay_only)
    count_packets_not_from_turn (lab.ns_b);
  if (row->port_range)
    count_udp_out_of_range (lab.ns_a);

  side_start (&offer, &lab, lab.ns_a, "offer", "offer", row, TRUE);
  side_read_blob (&offer);
  side_start (&answer, &lab, lab.ns_b, "answer", "answer", row, TRUE);
  side_paste (&answer, offer.blob);
  side_read_blob (&answer);
  if (row->answer_delay)
    {
      g_test_message ("applying the answer %u s late", row->answer_delay);
      g_usleep (row->answer_delay * G_USEC_PER_SEC);
    }
  if (row->inject_candidate)
    {
      g_autofree char *line = g_strconcat ("a=", row->inject_candidate, "\n", NULL);
      char *end = strstr (answer.blob, "a=end-of-candidates\n");
      g_assert_nonnull (end);
      g_autofree char *blob
          = g_strdup_printf ("%.*s%s%s", (int) (end - answer.blob), answer.blob, line, end);
      side_paste (&offer, blob);
    }
  else
    side_paste (&offer, answer.blob);
  if (row->no_connection || row->cut_path)
    {
      if (row->no_connection)
        assert_no_connection (&offer, &answer);
      else
        cut_path_and_wait (&lab, &offer, &answer);
      lab_down_now ();
      alarm (0);
      side_clear (&offer);
      side_clear (&answer);
      lab_clear (&lab);
      return FALSE;
    }
  if (row->port_range)
    {
      /* Connected by then, and still in the call. */
      g_usleep (CALL_SECONDS * G_USEC_PER_SEC * 3 / 4);
      assert_sockets_in_range (lab.ns_a);
      assert_sockets_in_range (lab.ns_b);
    }

  gboolean offer_ok = side_wait (&offer);
  gboolean answer_ok = side_wait (&answer);
  if (row->relay_only)
    assert_only_turn_reached (lab.ns_b);
  if (row->port_range)
    assert_udp_in_range (lab.ns_a);
  if (!offer_ok || !answer_ok)
    {
      g_autofree char *turn_log = g_build_filename (lab.dir, "turn.log", NULL);
      print_file ("coturn", turn_log);
    }
  lab_down_now ();
  alarm (0);
  g_assert_true (offer_ok);
  g_assert_true (answer_ok);

  side_load_stats (&offer);
  side_load_stats (&answer);
  gboolean lan = row->path == PATH_HOST;
  assert_pair (row, &offer, lan ? NULL : "203.0.113.20");
  assert_pair (row, &answer, lan ? NULL : "203.0.113.10");
  if (row->inject_candidate)
    {
      /* The offerer's own relay is dead: the call runs on the answerer's. */
      JsonObject *local = object_at (object_at (offer.root, "ice", "selected_pair"), "local", NULL);
      g_assert_cmpstr (string_at (local, "type"), !=, "relay");
    }
  *figures = figures_of (&offer);
  g_test_message ("figures %s: %s, answer->ICE connected %.0f ms, ->DTLS connected %.0f ms, "
                  "->first frame %.0f ms",
                  row->name, figures->pair, figures->connected_ms, figures->dtls_ms,
                  figures->first_frame_ms);
  if (figures_fd >= 0)
    {
      /* To the parent of a run in a child, before the media asserts. */
      g_autofree char *line
          = g_strdup_printf ("%.0f %.0f %.0f %s", figures->connected_ms, figures->dtls_ms,
                             figures->first_frame_ms, figures->pair);
      g_assert_cmpint (write (figures_fd, line, strlen (line)), ==, (gssize) strlen (line));
      close (figures_fd);
      figures_fd = -1;
    }
  for (Side *s = &offer; s; s = s == &offer ? &answer : NULL)
    {
      Side *other = s == &offer ? &answer : &offer;
      assert_stream (s, other, "video", 30);
      assert_stream (s, other, "audio", 50); /* 20 ms Opus frames */
      if (row->port_range)
        assert_candidates_in_range (s);
    }
  if (row->relay_only)
    {
      assert_blob_private (&offer);
      assert_blob_private (&answer);
    }
  side_clear (&offer);
  side_clear (&answer);
  lab_clear (&lab);
  return TRUE;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  guint n = values->len;
  double *v = (double *) values->data;
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Run @i of several, in a child process so that a failed run is counted
 * and the next one still runs; its output goes to a file named on failure.
 * TRUE when it passed; *@figures when the call connected, even if a later
 * check failed (pair NULL: nothing timed). */
static gboolean
run_row_in_child (const Row *row, guint i, Figures *figures)
{
  g_autofree char *log
      = g_strdup_printf ("%s/confab-nat-%s-run%u.log", g_get_tmp_dir (), row->name, i + 1);
  int fds[2];
  g_assert_cmpint (pipe (fds), ==, 0);
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      int out = g_open (log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (out < 0 || dup2 (out, STDOUT_FILENO) < 0 || dup2 (out, STDERR_FILENO) < 0)
        _exit (1);
      close (fds[0]);
      figures_fd = fds[1];
      Figures f = { 0 };
      run_row (row, &f);
      _exit (0);
    }
  close (fds[1]);
  GString *text = g_string_new (NULL);
  char buffer[512];
  for (gssize n; (n = read (fds[0], buffer, sizeof buffer)) != 0;)
    if (n > 0)
      g_string_append_len (text, buffer, n);
    else if (errno != EINTR)
      break;
  close (fds[0]);
  int status = 0;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  g_autofree char *line = g_string_free (text, FALSE);
  char *rest = NULL;
  figures->connected_ms = g_ascii_strtod (line, &rest);
  if (rest && *rest == ' ')
    figures->dtls_ms = g_ascii_strtod (rest, &rest);
  if (rest && *rest == ' ')
    figures->first_frame_ms = g_ascii_strtod (rest, &rest);
  if (rest && *rest == ' ')
    figures->pair = g_strdup (rest + 1);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      g_test_message ("%s run %u failed: see %s", row->name, i + 1, log);
      return FALSE;
    }
  g_unlink (log);
  return TRUE;
}

/* CONFAB_NAT_RUNS (default 1) runs of the row, each in its own lab; with
 * more than one, the pairs seen and the medians for the README's table. */
static void
test_row (gconstpointer data)
{
  const Row *row = data;
  const char *missing = missing_tool ();

  if (geteuid () != 0)
    {
      g_test_skip ("the NAT lab needs root for network namespaces and iptables (CI runs it as "
                   "root: meson test -C build --suite nat)");
      return;
    }
  if (missing)
    {
      g_test_skip (missing);
      return;
    }

  guint runs = MAX (1, g_ascii_strtoull (g_getenv ("CONFAB_NAT_RUNS") ?: "1", NULL, 10));
  g_autoptr (GArray) connected = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) dtls = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) first_frame = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GHashTable) pairs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (runs == 1)
    {
      Figures f = { 0 };
      run_row (row, &f);
      g_free (f.pair);
      return;
    }
  guint passed = 0;
  for (guint i = 0; i < runs; i++)
    {
      Figures f = { 0 };
      if (run_row_in_child (row, i, &f))
        passed++;
      if (!f.pair)
        continue;
      g_test_message ("%s run %u: %s, answer->ICE connected %.0f ms, ->DTLS connected %.0f ms, "
                      "->first frame %.0f ms",
                      row->name, i + 1, f.pair, f.connected_ms, f.dtls_ms, f.first_frame_ms);
      g_array_append_val (connected, f.connected_ms);
      g_array_append_val (dtls, f.dtls_ms);
      g_array_append_val (first_frame, f.first_frame_ms);
      guint seen = GPOINTER_TO_UINT (g_hash_table_lookup (pairs, f.pair));
      g_hash_table_insert (pairs, f.pair, GUINT_TO_POINTER (seen + 1));
    }
  if (!connected->len)
    {
      g_test_message ("summary %s: %u of %u runs passed", row->name, passed, runs);
      g_assert_cmpuint (passed, ==, runs);
      return;
    }

  g_autoptr (GString) seen = g_string_new (NULL);
  GHashTableIter iter;
  gpointer pair, count;
  g_hash_table_iter_init (&iter, pairs);
  while (g_hash_table_iter_next (&iter, &pair, &count))
    g_string_append_printf (seen, "%s%s x%u", seen->len ? "; " : "", (const char *) pair,
                            GPOINTER_TO_UINT (count));
  g_test_message ("summary %s: %u of %u runs passed; %s; medians of the calls that connected: "
                  "answer->ICE connected %.0f ms, ->DTLS connected %.0f ms, ->first frame %.0f ms",
                  row->name, passed, runs, seen->str, median (connected), median (dtls),
                  median (first_frame));
  g_assert_cmpuint (passed, ==, runs);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  nat_lab_init ();

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *path = g_strconcat ("/confab/nat/", rows[i].name, NULL);
      g_test_add_data_func (path, &rows[i], test_row);
    }
  nat_probe_add_tests ();
  return g_test_run ();
}
