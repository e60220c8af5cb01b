/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-fec-bench's entry point; the program itself is the bench library, which the test
 * suite runs in process. */
#include "confab-fec-bench.h"

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status = confab_fec_bench_run (argc, argv, &error);

  if (error)
    g_printerr ("confab-fec-bench: %s\n", error->message);
  return status;
}
