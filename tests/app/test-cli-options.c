/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The command line's options as ConfabCall gets them: parsed by the real
 * option group, then built into call options. No display, no call.
 */
#include "config.h"

#include "confab-cli.h"

/* Parses @args (NULL-terminated, without the program name) and builds the
 * call options; the error, if any, in *@error. */
static gboolean
build (const char *const *args, ConfabCallOptions *options, GError **error)
{
  ConfabCliOptions cli = { 0 };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  gboolean ok;

  g_ptr_array_add (argv, (gpointer) "confab");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_option_context_set_main_group (context, confab_cli_option_group (&cli));

  int argc = (int) argv->len - 1;
  char **v = (char **) argv->pdata;
  confab_call_options_init (options);
  ok = g_option_context_parse (context, &argc, &v, error)
       && confab_cli_build_call_options (&cli, options, error);
  confab_cli_options_clear (&cli);
  return ok;
}

/* --fec and --rtx: the defaults and each value (bad values are
 * test-cli's: the real binary's message and exit status). */
static void
test_fec_and_rtx (void)
{
  static const struct
  {
    const char *args[3];
    gboolean fec, rs, rtx;
  } cases[] = {
    { { NULL }, TRUE, FALSE, TRUE },
    { { "--fec", "off", NULL }, FALSE, FALSE, TRUE },
    { { "--fec", "rs", NULL }, TRUE, TRUE, TRUE },
    { { "--rtx", "off", NULL }, TRUE, FALSE, FALSE },
    { { "--rtx=on", NULL }, TRUE, FALSE, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ConfabCallOptions options;
      g_autoptr (GError) error = NULL;

      g_assert_true (build (cases[i].args, &options, &error));
      g_assert_no_error (error);
      g_assert_cmpint (options.fec, ==, cases[i].fec);
      g_assert_cmpint (options.rs_fec, ==, cases[i].rs);
      g_assert_cmpint (options.rtx, ==, cases[i].rtx);
      confab_call_options_clear (&options);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/confab/app/cli-options/fec-and-rtx", test_fec_and_rtx);
  return g_test_run ();
}
