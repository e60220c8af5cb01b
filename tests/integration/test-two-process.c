/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `confab offer` and `confab answer` as two processes, their stdin and
 * stdout wired by this test exactly as a person would carry the text.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define CALL_SECONDS 10
#define VIDEO_FPS 30
#define AUDIO_FPS 50 /* 20 ms Opus frames */

static const char *confab_path;

static char *
read_blob (GSubprocess *proc)
{
  g_autoptr (GDataInputStream) in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  GString *blob = g_string_new (NULL);
  for (;;)
    {
      g_autoptr (GError) error = NULL;
      gsize len;
      g_autofree char *line = g_data_input_stream_read_line (in, &len, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (line); /* the blob ends with an empty line, not EOF */
      if (len == 0 || (len == 1 && line[0] == '\r'))
        break;
      g_string_append (blob, line);
      g_string_append_c (blob, '\n');
    }
  /* Keep the stream open: closing it would close the child's stdout. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);
  return g_string_free (blob, FALSE);
}

static void
write_blob (GSubprocess *proc, const char *blob)
{
  g_autoptr (GError) error = NULL;
  GOutputStream *out = g_subprocess_get_stdin_pipe (proc);
  g_assert_true (g_output_stream_write_all (out, blob, strlen (blob), NULL, NULL, &error));
  g_assert_true (g_output_stream_write_all (out, "\n", 1, NULL, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_flush (out, NULL, NULL);
}

static JsonObject *
load_stats (const char *path, JsonParser **keep)
{
  g_autoptr (GError) error = NULL;
  *keep = json_parser_new ();
  g_assert_true (json_parser_load_from_file (*keep, path, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (*keep));
}

static gint64
member_int (JsonObject *obj, const char *section, const char *name)
{
  JsonObject *s = json_object_get_object_member (obj, section);
  g_assert_nonnull (s);
  g_assert_true (json_object_has_member (s, name));
  return json_object_get_int_member (s, name);
}

/* The selected local candidate must be one this side put in its blob. */
static void
assert_pair_in_blob (JsonObject *pair_end, const char *blob)
{
  const char *address = json_object_get_string_member (pair_end, "address");
  gint64 port = json_object_get_int_member (pair_end, "port");
  g_autofree char *needle = g_strdup_printf (" %s %" G_GINT64_FORMAT " typ ", address, port);
  if (!strstr (blob, needle))
    g_error ("selected %s:%" G_GINT64_FORMAT " is not among the blob's candidates:\n%s", address,
             port, blob);
}

static void
assert_stream (JsonObject *receiver, JsonObject *sender, const char *stream, guint rate)
{
  gint64 decoded = member_int (receiver, stream, "frames_decoded");
  gint64 sent_frames = member_int (sender, stream, "frames_encoded");
  gint64 expected = CALL_SECONDS * rate;
  gint64 received = member_int (receiver, stream, "packets_received");
  gint64 sent = member_int (sender, stream, "packets_sent");

  g_test_message ("%s: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
                  " expected frames decoded (peer encoded %" G_GINT64_FORMAT
                  "); packets %" G_GINT64_FORMAT " received of %" G_GINT64_FORMAT " sent",
                  stream, decoded, expected, sent_frames, received, sent);
  /* What the call carried, not how busy the machine was: nine in ten of
   * the frames the other side encoded (a starved encoder drops frames, an
   * idle one none), and that side encoded half the call's at least. */
  g_assert_cmpint (sent_frames * 2, >=, expected);
  g_assert_cmpint (decoded * 10, >=, sent_frames * 9);
  /* Nothing is decoded that was not sent, and loopback loses (almost) nothing:
   * the two sides hang up a few milliseconds apart. */
  g_assert_cmpint (decoded, <=, sent_frames);
  g_assert_cmpint (received, <=, sent);
  g_assert_cmpint (received * 100, >=, sent * 95);
  g_assert_cmpint (member_int (receiver, stream, "packets_lost"), <=, sent / 50);
}

static void
run_call (guint answer_delay_s)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("confab-test-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *offer_stats = g_build_filename (dir, "offer.json", NULL);
  g_autofree char *answer_stats = g_build_filename (dir, "answer.json", NULL);
  g_autofree char *duration = g_strdup_printf ("%d", CALL_SECONDS);

  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE;
  g_autoptr (GSubprocess) offerer
      = g_subprocess_new (flags, &error, confab_path, "offer", "--local-address", "127.0.0.1",
                          "--duration", duration, "--stats", offer_stats, NULL);
  g_assert_no_error (error);
  g_autofree char *offer = read_blob (offerer);
  g_assert_true (g_str_has_prefix (offer, "v=0"));

  g_autoptr (GSubprocess) answerer
      = g_subprocess_new (flags, &error, confab_path, "answer", "--local-address", "127.0.0.1",
                          "--duration", duration, "--stats", answer_stats, NULL);
  g_assert_no_error (error);
  write_blob (answerer, offer);
  g_autofree char *answer = read_blob (answerer);
  g_assert_true (g_str_has_prefix (answer, "v=0"));

  if (answer_delay_s)
    {
      g_test_message ("carrying the answer back after %u s", answer_delay_s);
      g_usleep (answer_delay_s * G_USEC_PER_SEC);
    }
  write_blob (offerer, answer);

  g_assert_true (g_subprocess_wait (offerer, NULL, &error));
  g_assert_true (g_subprocess_wait (answerer, NULL, &error));
  g_assert_cmpint (g_subprocess_get_exit_status (offerer), ==, 0);
  g_assert_cmpint (g_subprocess_get_exit_status (answerer), ==, 0);

  g_autoptr (JsonParser) op = NULL;
  g_autoptr (JsonParser) ap = NULL;
  JsonObject *o = load_stats (offer_stats, &op);
  JsonObject *a = load_stats (answer_stats, &ap);

  JsonObject *opair
      = json_object_get_object_member (json_object_get_object_member (o, "ice"), "selected_pair");
  JsonObject *apair
      = json_object_get_object_member (json_object_get_object_member (a, "ice"), "selected_pair");
  g_assert_nonnull (opair);
  g_assert_nonnull (apair);
  g_assert_false (json_object_get_boolean_member (opair, "relayed"));
  JsonObject *ol = json_object_get_object_member (opair, "local");
  JsonObject *orem = json_object_get_object_member (opair, "remote");
  JsonObject *al = json_object_get_object_member (apair, "local");
  JsonObject *ar = json_object_get_object_member (apair, "remote");
  g_assert_cmpstr (json_object_get_string_member (ol, "type"), ==, "host");
  g_assert_cmpstr (json_object_get_string_member (ol, "protocol"), ==, "udp");
  /* The two sides name the same pair, seen from either end. */
  g_assert_cmpint (json_object_get_int_member (ol, "port"), ==,
                   json_object_get_int_member (ar, "port"));
  g_assert_cmpint (json_object_get_int_member (al, "port"), ==,
                   json_object_get_int_member (orem, "port"));
  assert_pair_in_blob (ol, offer);
  assert_pair_in_blob (al, answer);

  assert_stream (a, o, "video", VIDEO_FPS);
  assert_stream (o, a, "video", VIDEO_FPS);
  assert_stream (a, o, "audio", AUDIO_FPS);
  assert_stream (o, a, "audio", AUDIO_FPS);
  /* --fec is on by default on both sides: FlexFEC was negotiated and sent. */
  g_assert_cmpint (member_int (o, "video", "fec_repair_sent"), >, 0);
  g_assert_cmpint (member_int (a, "video", "fec_repair_sent"), >, 0);
  /* The picture the other side sends: 640x360, unless its congestion
   * control shrank it (a loaded machine's stalls read as a queue). */
  g_assert_cmpint (member_int (o, "video", "width"), ==, member_int (a, "video", "sent_width"));
  g_assert_cmpint (member_int (o, "video", "height"), ==, member_int (a, "video", "sent_height"));

  /* Encrypted, checked, and the same security code on both screens. */
  JsonObject *odtls = json_object_get_object_member (o, "dtls");
  JsonObject *adtls = json_object_get_object_member (a, "dtls");
  g_assert_nonnull (odtls);
  g_assert_nonnull (adtls);
  g_assert_true (json_object_get_boolean_member (odtls, "fingerprint_verified"));
  g_assert_true (json_object_get_boolean_member (adtls, "fingerprint_verified"));
  g_assert_nonnull (json_object_get_string_member (odtls, "srtp_profile"));
  g_assert_cmpstr (json_object_get_string_member (odtls, "sas"), ==,
                   json_object_get_string_member (adtls, "sas"));

  double elapsed = json_object_get_double_member (o, "elapsed_s");
  /* Whoever hangs up first ends the other side at once (BYE and
   * close_notify), a few milliseconds short of its own --duration. */
  g_assert_cmpfloat (elapsed, >=, CALL_SECONDS - 0.5);
  g_assert_cmpfloat (elapsed, <, CALL_SECONDS + 3);

  g_unlink (offer_stats);
  g_unlink (answer_stats);
  g_rmdir (dir);
}

static void
test_call (void)
{
  run_call (0);
}

static void
test_late_answer (void)
{
  run_call (20);
}

/* Flips one hex digit of every a=fingerprint line alike: the text still
 * parses, only the certificate check can tell. */
static char *
tamper_fingerprint (const char *text)
{
  char *copy = g_strdup (text);
  guint changed = 0;

  for (char *at = strstr (copy, "a=fingerprint:"); at; at = strstr (at + 1, "a=fingerprint:"))
    {
      char *hex = strchr (at, ' ') + 1;
      *hex = *hex == 'A' ? 'B' : 'A';
      changed++;
    }
  g_assert_cmpuint (changed, >, 0);
  return copy;
}

/* Someone changed the fingerprint in the offer (@in_answer FALSE) or the
 * answer on the way: the side that reads it refuses media and exits 1
 * with a message naming the cause; nothing is decoded on either side. */
static void
run_tampered (gboolean in_answer)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("confab-test-XXXXXX", &error);
  char *stats[2]
      = { g_build_filename (dir, "offer.json", NULL), g_build_filename (dir, "answer.json", NULL) };
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                           | G_SUBPROCESS_FLAGS_STDERR_PIPE;
  g_autoptr (GSubprocess) offerer
      = g_subprocess_new (flags, &error, confab_path, "offer", "--local-address", "127.0.0.1",
                          "--duration", "5", "--stats", stats[0], NULL);
  g_assert_no_error (error);
  g_autofree char *offer = read_blob (offerer);
  g_autoptr (GSubprocess) answerer
      = g_subprocess_new (flags, &error, confab_path, "answer", "--local-address", "127.0.0.1",
                          "--duration", "5", "--stats", stats[1], NULL);
  g_assert_no_error (error);
  g_autofree char *bad_offer = tamper_fingerprint (offer);
  write_blob (answerer, in_answer ? offer : bad_offer);
  g_autofree char *answer = read_blob (answerer);
  g_autofree char *bad_answer = tamper_fingerprint (answer);
  write_blob (offerer, in_answer ? bad_answer : answer);

  GSubprocess *procs[2] = { offerer, answerer };
  char *err[2] = { NULL, NULL };
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (g_subprocess_communicate_utf8 (procs[i], NULL, NULL, NULL, &err[i], &error));
      g_assert_no_error (error);
      g_test_message ("%s stderr:\n%s", i == 0 ? "offerer" : "answerer", err[i]);
      g_assert_true (g_subprocess_get_if_exited (procs[i]));
      g_assert_cmpint (g_subprocess_get_exit_status (procs[i]), ==, 1);
    }
  /* The checker says what happened, in the user's terms. */
  guint checker = in_answer ? 0 : 1;
  g_assert_nonnull (strstr (err[checker], "does not match the fingerprint in their"));
  g_assert_nonnull (strstr (err[checker], in_answer ? "their answer" : "their offer"));

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (JsonParser) p = NULL;
      JsonObject *o = load_stats (stats[i], &p);
      g_assert_cmpint (member_int (o, "video", "frames_decoded"), ==, 0);
      g_assert_cmpint (member_int (o, "audio", "frames_decoded"), ==, 0);
      JsonObject *dtls = json_object_get_object_member (o, "dtls");
      g_assert_nonnull (dtls);
      g_assert_cmpint (json_object_get_int_member (dtls, "srtp_packets_received"), ==, 0);
      if (i == checker)
        g_assert_false (json_object_get_boolean_member (dtls, "fingerprint_verified"));
      g_unlink (stats[i]);
      g_free (stats[i]);
      g_free (err[i]);
    }
  g_rmdir (dir);
}

static void
test_tampered_offer (void)
{
  run_tampered (FALSE);
}

static void
test_tampered_answer (void)
{
  run_tampered (TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* Watchdog: a hung child or a blocked read must fail the test, not hang CI. */
  alarm (240);

  g_autofree char *build = g_strdup (g_getenv ("CONFAB_BUILD_DIR"));
  if (!build)
    build = g_path_get_dirname (g_path_get_dirname (g_path_get_dirname (argv[0])));
  static char path[4096];
  g_snprintf (path, sizeof path, "%s/app/confab", build);
  confab_path = path;

  g_test_add_func ("/confab/integration/two-process-call", test_call);
  g_test_add_func ("/confab/integration/two-process-late-answer", test_late_answer);
  g_test_add_func ("/confab/integration/two-process-tampered-offer", test_tampered_offer);
  g_test_add_func ("/confab/integration/two-process-tampered-answer", test_tampered_answer);
  return g_test_run ();
}
