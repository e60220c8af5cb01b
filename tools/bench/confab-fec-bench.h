/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-fec-bench.h: the benchmark as a function, so the test suite can run a tiny one
 * in process. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs confab-fec-bench with @argv (argv[0] is the program name). Returns the exit status;
 * on a usage or run error also sets @error. */
int confab_fec_bench_run (int argc, char **argv, GError **error);

/* The file the plot goes to without --plot: relative, so in the current directory. */
G_GNUC_WARN_UNUSED_RESULT
char *bench_default_plot_path (gint64 seed);

G_END_DECLS
