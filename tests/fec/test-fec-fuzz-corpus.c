/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replays the committed fuzz corpora through the fuzzers' entry points, so every build
 * exercises them even without clang and libFuzzer. */
#include <glib.h>

#include "fuzz/confab-fuzz-targets.h"

typedef void (*FuzzFunc) (const guint8 *data, gsize size);

typedef struct
{
  const char *name;
  FuzzFunc func;
} Target;

static const Target targets[] = {
  { "rtp", confab_fuzz_rtp },
  { "ulpfec-red", confab_fuzz_ulpfec_red },
  { "flexfec", confab_fuzz_flexfec },
  { "rs", confab_fuzz_rs },
};

static void
replay (gconstpointer user_data)
{
  const Target *t = user_data;
  g_autofree char *dir = g_build_filename (CONFAB_FUZZ_CORPUS_DIR, t->name, NULL);
  g_autoptr (GDir) d = NULL;
  g_autoptr (GError) error = NULL;
  const char *entry;
  guint n = 0;

  d = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((entry = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, entry, NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;

      g_assert_true (g_file_get_contents (path, &contents, &len, &error));
      g_assert_no_error (error);
      t->func ((const guint8 *) contents, len);
      n++;
    }
  g_test_message ("%s: %u inputs", t->name, n);
  g_assert_cmpuint (n, >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autofree char *path = g_strdup_printf ("/confab/fec/fuzz-corpus/%s", targets[i].name);

      g_test_add_data_func (path, &targets[i], replay);
    }
  return g_test_run ();
}
