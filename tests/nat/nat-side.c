/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The two sides of a row's call: `confab offer` and `confab answer` in
 * their namespaces, the text pasted between them, their logs and stats.
 */
#include "config.h"

#include "nat-test-util.h"

#include <signal.h>
#include <string.h>

/* -- the two sides ------------------------------------------------------------- */

/* Starts `confab ROLE` in @ns with the row's options, less --turn-ca
 * unless @with_ca. */
void
side_start (Side *side, const Lab *lab, const char *ns, const char *role, const char *name,
            const Row *row, gboolean with_ca)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *ca = g_build_filename (lab->dir, "ca.pem", NULL);

  side->role = role;
  side->name = name;
  side->stats = g_strdup_printf ("%s/%s.json", lab->dir, name);
  side->log = g_strdup_printf ("%s/%s.log", lab->dir, name);
  g_autofree char *duration
      = g_strdup_printf ("%d", row->cut_path ? CUT_CALL_SECONDS : CALL_SECONDS);
  g_strv_builder_add_many (builder, "ip", "netns", "exec", ns, confab_path, role, "--duration",
                           duration, "--stats", side->stats, NULL);
  const char *const *options
      = g_str_equal (role, "answer") && row->answer_options[0] ? row->answer_options : row->options;
  for (const char *const *o = options; *o; o++)
    {
      if (!with_ca && g_str_equal (*o, "--turn-ca"))
        o++;
      else
        g_strv_builder_add (builder, g_str_equal (*o, CA_FILE) ? ca : *o);
    }
  g_auto (GStrv) argv = g_strv_builder_end (builder);

  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_stderr_file_path (launcher, side->log);
  /* The path-cut row reads the log for what the user sees. */
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  side->proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv, &error);
  g_assert_no_error (error);
}

/* What the side printed up to the blank line that ends its blob. */
void
side_read_blob (Side *side)
{
  GInputStream *out = g_subprocess_get_stdout_pipe (side->proc);
  GString *text = g_string_new (NULL);
  char c;

  while (!g_str_has_suffix (text->str, "\n\n"))
    {
      g_autoptr (GError) error = NULL;
      gssize n = g_input_stream_read (out, &c, 1, NULL, &error);
      g_assert_no_error (error);
      if (n == 0)
        g_error ("confab %s ended before its blob was complete:\n%s", side->role, text->str);
      if (c != '\r')
        g_string_append_c (text, c);
    }
  side->blob = g_string_free (text, FALSE);
}

void
side_paste (Side *side, const char *blob)
{
  g_autoptr (GError) error = NULL;
  GOutputStream *in = g_subprocess_get_stdin_pipe (side->proc);
  g_assert_true (g_output_stream_write_all (in, blob, strlen (blob), NULL, NULL, &error));
  g_assert_true (g_output_stream_flush (in, NULL, &error));
  g_assert_no_error (error);
}

/* Waits for the side to hang up; TRUE when it ended the call cleanly. */
gboolean
side_wait (Side *side)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (g_subprocess_wait (side->proc, NULL, &error));
  g_assert_no_error (error);
  if (g_subprocess_get_if_exited (side->proc) && g_subprocess_get_exit_status (side->proc) == 0)
    return TRUE;
  print_file (side->name, side->log);
  return FALSE;
}

void
side_load_stats (Side *side)
{
  g_autoptr (GError) error = NULL;
  side->parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (side->parser, side->stats, &error));
  g_assert_no_error (error);
  side->root = json_node_get_object (json_parser_get_root (side->parser));
}

void
side_clear (Side *side)
{
  g_clear_object (&side->proc);
  g_clear_object (&side->parser);
  g_free (side->stats);
  g_free (side->log);
  g_free (side->blob);
}

/* Waits until @side's log says it is in the call. */
void
side_wait_connected (Side *side)
{
  for (;;)
    {
      g_autofree char *text = NULL;
      if (g_file_get_contents (side->log, &text, NULL, NULL) && strstr (text, "confab: connected"))
        return;
      if (!g_subprocess_get_identifier (side->proc))
        g_error ("confab %s ended before it connected", side->role);
      g_usleep (G_USEC_PER_SEC / 20);
    }
}
