/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The command line with bad input: every bad paste or option ends with one
 * clear line on stderr and exit status 2, never a crash or a hang.
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>
#include <unistd.h>

static char confab_path[4096];

typedef struct
{
  int status;
  char *out;
  char *err;
} Run;

static void
run_confab (const char *input, Run *run, const char *first, ...)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  g_ptr_array_add (args, confab_path);
  va_start (ap, first);
  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  g_autoptr (GSubprocess) proc
      = g_subprocess_newv ((const char *const *) args->pdata,
                           G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                               | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                           &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, input, NULL, &run->out, &run->err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc)); /* no crash, no signal */
  run->status = g_subprocess_get_exit_status (proc);
}

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

/* The last stderr line carries the error; it names @needle. */
static void
assert_usage_error (Run *run, const char *needle)
{
  g_test_message ("stderr: %s", run->err);
  g_assert_cmpint (run->status, ==, 2);
  g_assert_nonnull (strstr (run->err, needle));
  g_assert_null (strstr (run->err, "CRITICAL"));
  g_assert_null (strstr (run->err, "WARNING"));
  g_assert_cmpstr (run->out, ==, ""); /* nothing but a blob ever goes to stdout */
}

static void
test_bad_offers (void)
{
  static const struct
  {
    const char *paste;
    const char *needle;
  } cases[] = {
    { "", "no offer was given" },
    { "hello, here is my offer!\n\n", "line 1" },
    { "HTTP/1.1 200 OK\nContent-Type: text/html\n\n", "line 1" },
    { "{\"type\": \"offer\", \"sdp\": \"v=0\"}\n\n", "line 1" },
    { "v=0\no=- 1 2 IN IP4 127.0.0.1\ns=Confab offer\nt=0 0\na=group:BUNDLE 0 1\n"
      "m=audio 9 RTP/AVPF 111\nc=IN IP4 0.0.0.0\na=mid:0\n\n",
      "truncated" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Run run = { 0 };
      run_confab (cases[i].paste, &run, "answer", "--local-address", "127.0.0.1", NULL);
      assert_usage_error (&run, cases[i].needle);
      run_clear (&run);
    }
}

static void
test_bad_options (void)
{
  static const struct
  {
    const char *option;
    const char *value;
    const char *needle;
    int status;
  } cases[] = {
    { "--port-range", "5000-4000", "--port-range" },
    { "--port-range", "abc", "--port-range" },
    { "--stun", "stun.example.org", "stun:" },
    { "--turn", "turn:[::1", "]" },
    { "--local-address", "not-an-ip", "--local-address" },
    { "--resolution", "1280by720", "--resolution" },
    /* Not a keyword, so a device id that no device has: a device failure. */
    { "--video", "holographic", "holographic", 1 },
    { "--relay-only", NULL, "--relay-only needs a TURN server" },
    { "--fec", "yes", "--fec" },
    { "--rtx", "maybe", "--rtx" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Run run = { 0 };
      run_confab ("", &run, "offer", cases[i].option, cases[i].value, NULL);
      g_test_message ("%s %s -> %d: %s", cases[i].option, cases[i].value ?: "", run.status,
                      run.err);
      g_assert_nonnull (strstr (run.err, cases[i].needle));
      g_assert_cmpint (run.status, ==, cases[i].status ? cases[i].status : 2);
      g_assert_cmpstr (run.out, ==, "");
      run_clear (&run);
    }
}

static void
test_help (void)
{
  Run run = { 0 };
  run_confab ("", &run, "offer", "--help-all", NULL);
  g_assert_cmpint (run.status, ==, 0);
  for (const char *const *o
       = (const char *const[]){ "--stun", "--turn", "--turn-user", "--turn-pass", "--relay-only",
                                "--port-range", "--video", "--audio", "--duration", "--stats",
                                "--fec", "--rtx", NULL };
       *o; o++)
    g_assert_nonnull (strstr (run.out, *o));
  run_clear (&run);

  run_confab ("", &run, "frobnicate", NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "unknown command"));
  run_clear (&run);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  alarm (120);

  const char *build = g_getenv ("CONFAB_BUILD_DIR");
  g_assert_nonnull (build);
  g_snprintf (confab_path, sizeof confab_path, "%s/app/confab", build);

  g_test_add_func ("/confab/cli/bad-offers", test_bad_offers);
  g_test_add_func ("/confab/cli/bad-options", test_bad_options);
  g_test_add_func ("/confab/cli/help", test_help);
  return g_test_run ();
}
