/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The NAT lab's namespaces for one row (natlab.sh), their teardown from
 * any exit, and running commands in them.
 */
#include "config.h"

#include "nat-test-util.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

char confab_path[4096];
char natlab_path[4096];

/* -- the lab, and its teardown from any exit ---------------------------------- */

/* The running lab's ID, for the signal handlers: an assertion (SIGABRT), the
 * watchdog (SIGALRM) or meson's timeout (SIGTERM) still removes the lab. */
char lab_id[64];

void
lab_down_now (void)
{
  if (!lab_id[0])
    return;
  pid_t pid = fork ();
  if (pid == 0)
    {
      execl ("/bin/sh", "sh", natlab_path, "down", lab_id, (char *) NULL);
      _exit (127);
    }
  while (pid > 0 && waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
  lab_id[0] = '\0';
}

static void
on_fatal_signal (int sig)
{
  static const char watchdog[] = "test-nat: watchdog: the row did not finish in time\n";
  if (sig == SIGALRM && write (STDERR_FILENO, watchdog, sizeof watchdog - 1) < 0)
    _exit (1);
  lab_down_now ();
  signal (sig, SIG_DFL);
  raise (sig == SIGALRM ? SIGABRT : sig);
}

void
natlab (const char *const *args)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_strv_builder_add_many (builder, "/bin/sh", natlab_path, NULL);
  g_strv_builder_addv (builder, (const char **) args);
  g_auto (GStrv) argv = g_strv_builder_end (builder);

  g_spawn_sync (NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("natlab.sh %s failed: %s", args[0], err);
}

void
lab_up (Lab *lab, const Row *row)
{
  g_autoptr (GError) error = NULL;
  lab->dir = g_dir_make_tmp ("confab-nat-XXXXXX", &error);
  g_assert_no_error (error);

  natlab ((const char *[]){ "reap", NULL });
  g_snprintf (lab_id, sizeof lab_id, "confab-nat-%d-%08x", (int) getpid (), g_random_int ());
  lab->ns_a = g_strconcat (lab_id, "-a", NULL);
  lab->ns_b = g_strconcat (lab_id, "-b", NULL);
  g_test_message ("lab %s (%s <-> %s), files in %s", lab_id, row->kind_a, row->kind_b, lab->dir);
  natlab ((const char *[]){ "up", lab_id, row->kind_a, row->kind_b,
                            row->turn_host_unroutable ? "--turn-host-unroutable" : NULL, NULL });
  if (row->options[0])
    natlab ((const char *[]){ "coturn", lab_id, lab->dir, row->coturn_options[0],
                              row->coturn_options[1], row->coturn_options[2],
                              row->coturn_options[3], NULL });
}

/* Only after a row passed: a failed one keeps its logs and stats. */
void
lab_clear (Lab *lab)
{
  g_autoptr (GDir) dir = g_dir_open (lab->dir, 0, NULL);
  for (const char *name; dir && (name = g_dir_read_name (dir));)
    {
      g_autofree char *path = g_build_filename (lab->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (lab->dir);
  g_free (lab->dir);
  g_free (lab->ns_a);
  g_free (lab->ns_b);
}

void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

void
print_file (const char *what, const char *path)
{
  g_autofree char *text = NULL;
  if (g_file_get_contents (path, &text, NULL, NULL))
    g_test_message ("%s (%s):\n%s", what, path, text);
}

/* What @command printed in namespace @ns; it must succeed. */
char *
ns_run (const char *ns, const char *const *command)
{
  g_autoptr (GError) error = NULL;
  char *out = NULL;
  int status = 0;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_strv_builder_add_many (builder, "ip", "netns", "exec", ns, NULL);
  g_strv_builder_addv (builder, (const char **) command);
  g_auto (GStrv) argv = g_strv_builder_end (builder);

  g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed in %s", command[0], ns);
  return out;
}

/* The reason to skip, or NULL: each program and the package that has it. */
const char *
missing_tool (void)
{
  static const char *const tools[][2] = {
    { "ip", "the ip command is not installed (apt-get install iproute2)" },
    { "ss", "the ss command is not installed (apt-get install iproute2)" },
    { "iptables", "iptables is not installed (apt-get install iptables)" },
    { "turnserver", "coturn's turnserver is not installed (apt-get install coturn)" },
    { "openssl", "the openssl command is not installed (apt-get install openssl)" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      g_autofree char *path = g_find_program_in_path (tools[i][0]);
      if (!path)
        return tools[i][1];
    }
  return NULL;
}

void
nat_lab_init (void)
{
  const char *build = g_getenv ("CONFAB_BUILD_DIR");
  const char *source = g_getenv ("CONFAB_SOURCE_DIR");
  g_assert_nonnull (build);
  g_assert_nonnull (source);
  g_snprintf (confab_path, sizeof confab_path, "%s/app/confab", build);
  g_snprintf (natlab_path, sizeof natlab_path, "%s/tests/nat/natlab.sh", source);

  struct sigaction action = { .sa_handler = on_fatal_signal };
  for (const int *s = (const int[]){ SIGABRT, SIGALRM, SIGTERM, SIGINT, SIGTRAP, 0 }; *s; s++)
    sigaction (*s, &action, NULL);
}
