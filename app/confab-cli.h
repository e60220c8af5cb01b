/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The command line: `confab offer`, `confab answer` and the headless part
 * of `confab demo`. Exit status: 0 the call ran and ended, 1 it failed
 * (could not connect, media error), 2 bad usage or a bad pasted blob.
 */
#pragma once

#include <glib.h>

#include "confab-call.h"

G_BEGIN_DECLS

#define CONFAB_EXIT_OK 0
#define CONFAB_EXIT_FAILURE 1
#define CONFAB_EXIT_USAGE 2

/* Shared by every command: the network and media options. */
typedef struct
{
  char *stun;
  char *turn;
  char *turn_user;
  char *turn_pass;
  char *turn_ca;
  gboolean relay_only;
  char *fec;
  char *rtx;
  char *netsim;
  char *port_range;
  char **local_addresses;
  char *video;
  char *audio;
  char *resolution;
  int framerate;
  int duration;
  char *stats;
  gboolean verbose;
} ConfabCliOptions;

GOptionGroup *confab_cli_option_group (ConfabCliOptions *cli);
void confab_cli_options_clear (ConfabCliOptions *cli);

/* Turns the parsed strings into call options; a one-line @error names the
 * bad option. */
gboolean confab_cli_build_call_options (ConfabCliOptions *cli, ConfabCallOptions *options,
                                        GError **error);

int confab_cli_run_peer (ConfabSdpType role, int argc, char **argv);

/* Writes @call's stats as JSON to @path atomically (temporary file +
 * rename); a failure is reported on stderr. No-op when either is NULL. */
void confab_cli_write_stats (const char *path, ConfabCall *call);

/* One line for people: "Direct connection: udp host 192.0.2.1:5000 <-> host
 * 192.0.2.2:6000"; NULL without a selected pair. */
char *confab_cli_describe_pair (const ConfabCallStats *stats) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
