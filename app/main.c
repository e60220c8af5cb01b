/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * confab [demo] | offer | answer | --help | --version
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gst/gst.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "confab-application.h"
#include "confab-cli.h"
#include "confab-demo.h"

static void
print_usage (FILE *to)
{
  fprintf (to, "%s",
           _ ("Usage: confab [COMMAND] [OPTIONS]\n"
              "\n"
              "A video call between two people with no server in the middle: copy the offer\n"
              "to the other side, paste their answer back, and ICE finds the path.\n"
              "\n"
              "Commands:\n"
              "  app       the desktop application (start or join a call with copy and paste)\n"
              "  demo      two peers in this process call each other over loopback (the default)\n"
              "  offer     start a call: print an offer, read the answer from standard input\n"
              "  answer    join a call: read the offer from standard input, print the answer\n"
              "\n"
              "Run 'confab COMMAND --help-all' for the options of a command.\n"
              "Exit status: 0 the call ran and ended, 1 it failed, 2 bad usage or a bad pasted "
              "text.\n"));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  const char *command = argc > 1 ? argv[1] : "demo";

  if (strcmp (command, "--help") == 0 || strcmp (command, "-h") == 0
      || strcmp (command, "help") == 0)
    {
      print_usage (stdout);
      return CONFAB_EXIT_OK;
    }
  if (strcmp (command, "--version") == 0)
    {
      printf ("confab %s\n", PACKAGE_VERSION);
      return CONFAB_EXIT_OK;
    }

  gst_init (NULL, NULL);

  /* The subcommand parses the rest; argv[0] becomes "confab COMMAND". */
  int sub_argc = argc > 1 ? argc - 1 : 1;
  char **sub_argv = argc > 1 ? argv + 1 : argv;
  int status;

  if (strcmp (command, "demo") == 0 || (argc > 1 && command[0] == '-'))
    {
      /* "confab --headless" is "confab demo --headless". */
      if (argc > 1 && command[0] == '-')
        sub_argc = argc, sub_argv = argv;
      status = confab_demo_run (sub_argc, sub_argv);
    }
  else if (strcmp (command, "app") == 0)
    {
      g_autoptr (ConfabApplication) app = confab_application_new ();
      status = g_application_run (G_APPLICATION (app), sub_argc, sub_argv);
    }
  else if (strcmp (command, "offer") == 0)
    status = confab_cli_run_peer (CONFAB_SDP_OFFER, sub_argc, sub_argv);
  else if (strcmp (command, "answer") == 0)
    status = confab_cli_run_peer (CONFAB_SDP_ANSWER, sub_argc, sub_argv);
  else
    {
      g_printerr (_ ("confab: unknown command \"%s\"\n\n"), command);
      print_usage (stderr);
      status = CONFAB_EXIT_USAGE;
    }

  gst_deinit ();
  return status;
}
