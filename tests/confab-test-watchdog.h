/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The watchdog every network and pipeline test runs under: a test that
 * hangs fails with a message instead of stalling the suite.
 */
#pragma once

#include <glib.h>

static inline gboolean
confab_test_on_watchdog (gpointer data)
{
  g_error ("watchdog: the test did not finish within %u s", GPOINTER_TO_UINT (data));
  return G_SOURCE_REMOVE;
}

/* Ends the test with an error if the main loop still runs after @seconds;
 * remove the returned source when the test is done. */
static inline guint
confab_test_watchdog (guint seconds)
{
  return g_timeout_add_seconds (seconds, confab_test_on_watchdog, GUINT_TO_POINTER (seconds));
}

/* How long a test's call lasts: @name from the environment (2..600 s)
 * when set and valid, @fallback otherwise. Longer runs for figures, the
 * watchdog sized from the result. */
static inline guint
confab_test_seconds_from_env (const char *name, guint fallback)
{
  const char *env = g_getenv (name);
  guint64 seconds;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 2, 600, &seconds, NULL))
    return (guint) seconds;
  return fallback;
}
