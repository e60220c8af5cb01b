/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Confab against GStreamer's webrtcbin, both directions, as two processes
 * whose stdin and stdout this test carries like a person would. The
 * /confab/webrtc/peer/ cases run the webrtcbin peer against itself, to prove
 * the peer works; the /confab/webrtc/confab/ cases run it against `confab`.
 *
 * A case that fails says where the call stopped and goes on to the next:
 * the children's stderr is in the test log.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define CALL_SECONDS 5
/* Per case: gathering, connecting, the call and both hang-ups, under load. */
#define CASE_WATCHDOG_S 90

typedef enum
{
  WEBRTCBIN,
  CONFAB,
} Program;

typedef struct
{
  Program program;
  const char *shape; /* the webrtcbin peer's --video-first, --audio-only… or NULL */
} Side;

typedef struct
{
  GSubprocess *proc;
  const char *name;
  char *stats_path;
  char *log_path;
  char *blob;
  JsonParser *parser;
  JsonObject *stats;
  gboolean exited_ok;
} Running;

static char *confab_path;
static char *peer_path;
static char *missing_plugins;

static const char *
program_name (Program program)
{
  return program == CONFAB ? "confab" : "webrtcbin";
}

/* The blob up to its empty line, or NULL if the child closed stdout first. */
static char *
read_blob (GSubprocess *proc)
{
  g_autoptr (GDataInputStream) in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  /* Keep the stream open: closing it would close the child's stdout. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);
  GString *blob = g_string_new (NULL);
  for (;;)
    {
      gsize len;
      g_autofree char *line = g_data_input_stream_read_line (in, &len, NULL, NULL);
      if (!line)
        {
          g_string_free (blob, TRUE);
          return NULL;
        }
      if (len == 0 || (len == 1 && line[0] == '\r'))
        break;
      g_string_append (blob, line);
      g_string_append_c (blob, '\n');
    }
  return g_string_free (blob, FALSE);
}

static gboolean
write_blob (GSubprocess *proc, const char *blob)
{
  GOutputStream *out = g_subprocess_get_stdin_pipe (proc);
  return g_output_stream_write_all (out, blob, strlen (blob), NULL, NULL, NULL)
         && g_output_stream_write_all (out, "\n", 1, NULL, NULL, NULL)
         && g_output_stream_flush (out, NULL, NULL);
}

static gboolean
start (Running *run, const Side *side, const char *role, const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *duration = g_strdup_printf ("%d", CALL_SECONDS);
  run->name = program_name (side->program);
  run->stats_path = g_strdup_printf ("%s/%s-%s.json", dir, role, run->name);
  run->log_path = g_strdup_printf ("%s/%s-%s.log", dir, role, run->name);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  if (side->program == CONFAB)
    {
      g_ptr_array_add (argv, confab_path);
      g_ptr_array_add (argv, (char *) role);
      g_ptr_array_add (argv, "--video");
      g_ptr_array_add (argv, "test");
      g_ptr_array_add (argv, "--audio");
      g_ptr_array_add (argv, "test");
    }
  else
    {
      g_ptr_array_add (argv, peer_path);
      g_ptr_array_add (argv, (char *) role);
      if (side->shape)
        g_ptr_array_add (argv, (char *) side->shape);
    }
  g_ptr_array_add (argv, "--duration");
  g_ptr_array_add (argv, duration);
  g_ptr_array_add (argv, "--stats");
  g_ptr_array_add (argv, run->stats_path);
  g_ptr_array_add (argv, NULL);
  /* Each child's stderr in its own file, shown when the case fails. */
  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_stderr_file_path (launcher, run->log_path);
  run->proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  if (!run->proc)
    {
      g_test_fail_printf ("cannot start %s: %s", program_name (side->program), error->message);
      return FALSE;
    }
  return TRUE;
}

static void
on_waited (GObject *source, GAsyncResult *result, gpointer data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) data = TRUE;
}

static gboolean
on_wait_over (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets a child that is about to exit (with its reason on stderr) do so. */
static void
wait_a_little (GSubprocess *proc, guint seconds)
{
  gboolean exited = FALSE, over = FALSE;
  g_subprocess_wait_async (proc, NULL, on_waited, &exited);
  guint timer = g_timeout_add_seconds (seconds, on_wait_over, &over);
  while (!exited && !over)
    g_main_context_iteration (NULL, TRUE);
  if (!over)
    g_source_remove (timer);
  while (!exited)
    {
      g_subprocess_force_exit (proc);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
running_clear (Running *run, gboolean show_log)
{
  if (run->proc)
    wait_a_little (run->proc, 2);
  g_autofree char *log = NULL;
  if (run->proc && show_log && g_file_get_contents (run->log_path, &log, NULL, NULL))
    g_test_message ("%s (wait status %d) wrote on stderr:\n%s", run->name,
                    g_subprocess_get_status (run->proc), log);
  g_clear_object (&run->proc);
  if (run->log_path)
    g_unlink (run->log_path);
  if (run->stats_path)
    g_unlink (run->stats_path);
  g_clear_pointer (&run->log_path, g_free);
  g_clear_pointer (&run->stats_path, g_free);
  g_clear_pointer (&run->blob, g_free);
  g_clear_object (&run->parser);
}

typedef struct
{
  Running *run;
  Running *other;
  gboolean *done;
} Waiting;

static void
on_exited (GObject *source, GAsyncResult *result, gpointer data)
{
  Waiting *w = data;
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *w->done = TRUE;
  /* A side that gave up ends the other at once, not at its own timeout;
   * SIGINT (Ctrl-C: both hang up) lets it write its stats first. */
  if (!g_subprocess_get_successful (w->run->proc))
    g_subprocess_send_signal (w->other->proc, SIGINT);
}

/* Waits for both sides to end. */
static void
wait_both (Running *offerer, Running *answerer)
{
  gboolean offer_done = FALSE, answer_done = FALSE;
  Waiting wo = { offerer, answerer, &offer_done }, wa = { answerer, offerer, &answer_done };
  g_subprocess_wait_async (offerer->proc, NULL, on_exited, &wo);
  g_subprocess_wait_async (answerer->proc, NULL, on_exited, &wa);
  while (!offer_done || !answer_done)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
finish_and_load (Running *run, const char *what)
{
  g_autoptr (GError) error = NULL;
  g_subprocess_wait (run->proc, NULL, NULL);
  run->exited_ok
      = g_subprocess_get_if_exited (run->proc) && g_subprocess_get_exit_status (run->proc) == 0;
  if (!run->exited_ok)
    g_test_message ("%s (%s) ended with wait status %d", what, run->name,
                    g_subprocess_get_status (run->proc));
  run->parser = json_parser_new ();
  if (!json_parser_load_from_file (run->parser, run->stats_path, &error))
    {
      g_test_fail_printf ("%s wrote no stats: %s", what, error->message);
      return FALSE;
    }
  run->stats = json_node_get_object (json_parser_get_root (run->parser));
  return TRUE;
}

/* @obj's member @name, or its object @section's; NULL when absent or null. */
static JsonNode *
member_at (JsonObject *obj, const char *section, const char *name)
{
  if (section)
    {
      JsonNode *node = json_object_get_member (obj, section);
      obj = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    }
  JsonNode *node = obj ? json_object_get_member (obj, name) : NULL;
  return node && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

static gint64
int_at (JsonObject *obj, const char *section, const char *name)
{
  JsonNode *node = member_at (obj, section, name);
  return node ? json_node_get_int (node) : -1;
}

static double
double_at (JsonObject *obj, const char *section, const char *name)
{
  JsonNode *node = member_at (obj, section, name);
  return node ? json_node_get_double (node) : -1;
}

static gboolean
bool_at (JsonObject *obj, const char *section, const char *name)
{
  JsonNode *node = member_at (obj, section, name);
  return node && json_node_get_boolean (node);
}

static const char *
string_at (JsonObject *obj, const char *section, const char *name)
{
  JsonNode *node = member_at (obj, section, name);
  return node ? json_node_get_string (node) : NULL;
}

static gboolean
check (gboolean ok, const char *what)
{
  if (!ok)
    g_test_fail_printf ("%s", what);
  return ok;
}

/* The webrtcbin peer's view: DTLS up, media decoded, the SAS it computed. */
/* The webrtcbin peer's view: DTLS up, media decoded, the SAS it computed. */
static gboolean
check_webrtcbin (JsonObject *s, const char *role, gboolean expect_video, gboolean expect_audio)
{
  g_test_message ("webrtcbin %s: DTLS %s, %" G_GINT64_FORMAT " video frames, %" G_GINT64_FORMAT
                  " audio buffers decoded, SAS %s, fingerprint verified %d; "
                  "remote description applied -> DTLS connected %.0f ms, -> first frame %.0f ms",
                  role, string_at (s, NULL, "dtls_state_reached"),
                  int_at (s, NULL, "video_frames_decoded"),
                  int_at (s, NULL, "audio_buffers_decoded"), string_at (s, NULL, "sas"),
                  bool_at (s, NULL, "fingerprint_verified"),
                  double_at (s, NULL, "remote_applied_to_dtls_connected_ms"),
                  double_at (s, NULL, "remote_applied_to_first_frame_ms"));
  return check (bool_at (s, NULL, "dtls_connected"), "webrtcbin: DTLS did not connect")
         && check (bool_at (s, NULL, "fingerprint_verified"),
                   "webrtcbin: the DTLS certificate does not match the remote a=fingerprint")
         && check (!expect_video || int_at (s, NULL, "video_frames_decoded") > 0,
                   "webrtcbin: no video decoded")
         && check (!expect_audio || int_at (s, NULL, "audio_buffers_decoded") > 0,
                   "webrtcbin: no audio decoded");
}

/* Confab's --stats view (call/confab-call-stats.c). */
static gboolean
check_confab (JsonObject *s, const char *role, gboolean expect_video, gboolean expect_audio)
{
  const char *dtls_state = string_at (s, "dtls", "state");
  g_test_message ("confab %s: call %s, DTLS %s, %" G_GINT64_FORMAT " video and %" G_GINT64_FORMAT
                  " audio frames decoded, SAS %s; remote description applied -> ICE %.0f ms, "
                  "-> DTLS connected %.0f ms (handshake %.0f ms), -> first frame %.0f ms",
                  role, string_at (s, "call", "state"), dtls_state ? dtls_state : "(none)",
                  int_at (s, "video", "frames_decoded"), int_at (s, "audio", "frames_decoded"),
                  string_at (s, "dtls", "sas"), double_at (s, "ice", "checks_ms"),
                  double_at (s, "dtls", "connected_ms"), double_at (s, "dtls", "handshake_ms"),
                  double_at (s, NULL, "first_frame_ms"));
  return check (member_at (s, NULL, "dtls") != NULL, "confab: its stats have no \"dtls\" object")
         && check (g_strcmp0 (dtls_state, "connected") == 0
                       || g_strcmp0 (dtls_state, "closed") == 0,
                   "confab: DTLS is neither connected nor closed after the call")
         && check (bool_at (s, "dtls", "fingerprint_verified"), "confab: fingerprint not verified")
         && check (!expect_video || int_at (s, "video", "frames_decoded") > 0,
                   "confab: no video decoded")
         && check (!expect_audio || int_at (s, "audio", "frames_decoded") > 0,
                   "confab: no audio decoded");
}

static const char *
sas_of (JsonObject *s, Program program)
{
  return string_at (s, program == CONFAB ? "dtls" : NULL, "sas");
}

static gboolean
skip_if_missing (gboolean needs_confab)
{
  if (missing_plugins)
    {
      g_test_skip_printf ("GStreamer elements missing: %s", missing_plugins);
      return TRUE;
    }
  if (needs_confab && !g_file_test (confab_path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip_printf ("no confab binary at %s", confab_path);
      return TRUE;
    }
  return FALSE;
}

/* Runs one call; @video and @audio say which media both ends must decode. */
static void
run_call (const Side *offer_side, const Side *answer_side, gboolean video, gboolean audio)
{
  if (skip_if_missing (offer_side->program == CONFAB || answer_side->program == CONFAB))
    return;
  alarm (CASE_WATCHDOG_S);

  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("confab-webrtc-XXXXXX", &error);
  g_assert_no_error (error);
  Running offerer = { 0 }, answerer = { 0 };
  const char *stage = "start";

  if (!start (&offerer, offer_side, "offer", dir))
    goto out;
  stage = "the offer";
  offerer.blob = read_blob (offerer.proc);
  if (!offerer.blob)
    {
      g_test_fail_printf ("%s wrote no offer", program_name (offer_side->program));
      goto out;
    }
  g_test_message ("offer from %s:\n%s", program_name (offer_side->program), offerer.blob);

  if (!start (&answerer, answer_side, "answer", dir))
    goto out;
  stage = "the answer";
  if (!write_blob (answerer.proc, offerer.blob) || !(answerer.blob = read_blob (answerer.proc)))
    {
      g_test_fail_printf ("%s wrote no answer to %s's offer", program_name (answer_side->program),
                          program_name (offer_side->program));
      goto out;
    }
  g_test_message ("answer from %s:\n%s", program_name (answer_side->program), answerer.blob);
  if (!write_blob (offerer.proc, answerer.blob))
    {
      g_test_fail_printf ("%s did not take the answer (it has exited)",
                          program_name (offer_side->program));
      goto out;
    }

  stage = "the call";
  wait_both (&offerer, &answerer);
  if (!finish_and_load (&offerer, "the offerer") || !finish_and_load (&answerer, "the answerer"))
    goto out;

  /* Both sides' summaries in the log, then the first failure. */
  gboolean offer_ok = (offer_side->program == CONFAB ? check_confab : check_webrtcbin) (
      offerer.stats, "offerer", video, audio);
  gboolean answer_ok = (answer_side->program == CONFAB ? check_confab : check_webrtcbin) (
      answerer.stats, "answerer", video, audio);
  gboolean ok = check (offerer.exited_ok, "the offerer did not exit 0")
                && check (answerer.exited_ok, "the answerer did not exit 0") && offer_ok
                && answer_ok;
  const char *offer_sas = sas_of (offerer.stats, offer_side->program);
  const char *answer_sas = sas_of (answerer.stats, answer_side->program);
  if (ok)
    ok = check (offer_sas && g_regex_match_simple ("^[0-9]{3} [0-9]{3}$", offer_sas, 0, 0),
                "the offerer has no six-digit SAS")
         && check (g_strcmp0 (offer_sas, answer_sas) == 0, "the two SAS differ");
  if (ok)
    stage = NULL;

out:
  if (stage)
    g_test_message ("stopped at %s", stage);
  running_clear (&offerer, stage != NULL);
  running_clear (&answerer, stage != NULL);
  g_rmdir (dir);
  alarm (0);
}

static const Side webrtcbin = { WEBRTCBIN, NULL };
static const Side webrtcbin_video_first = { WEBRTCBIN, "--video-first" };
static const Side webrtcbin_audio_only = { WEBRTCBIN, "--audio-only" };
static const Side webrtcbin_video_only = { WEBRTCBIN, "--video-only" };
static const Side confab = { CONFAB, NULL };

typedef struct
{
  const char *path;
  const Side *offerer;
  const Side *answerer;
  gboolean video; /* both ends decode video */
  gboolean audio; /* both ends decode audio */
} Case;

/* The peer/ cases prove the peer itself; then Confab each way and in each shape. */
static const Case cases[] = {
  { "/confab/webrtc/peer/pair", &webrtcbin, &webrtcbin, TRUE, TRUE },
  { "/confab/webrtc/peer/pair-video-first", &webrtcbin_video_first, &webrtcbin, TRUE, TRUE },
  { "/confab/webrtc/peer/pair-video-only-offer", &webrtcbin_video_only, &webrtcbin, TRUE, FALSE },
  { "/confab/webrtc/confab/confab-offers", &confab, &webrtcbin, TRUE, TRUE },
  { "/confab/webrtc/confab/webrtcbin-offers", &webrtcbin, &confab, TRUE, TRUE },
  { "/confab/webrtc/confab/webrtcbin-offers-video-first", &webrtcbin_video_first, &confab, TRUE,
    TRUE },
  { "/confab/webrtc/confab/webrtcbin-offers-audio-only", &webrtcbin_audio_only, &confab, FALSE,
    TRUE },
  /* webrtcbin sends no video: only audio is decoded on both ends. */
  { "/confab/webrtc/confab/confab-offers-webrtcbin-audio-only", &confab, &webrtcbin_audio_only,
    FALSE, TRUE },
};

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  run_call (c->offerer, c->answerer, c->video, c->audio);
}

static char *
find_missing_plugins (void)
{
  static const char *const needed[]
      = { "webrtcbin", "nicesrc",   "nicesink",   "dtlsenc",      "dtlsdec",
          "srtpenc",   "srtpdec",   "vp8enc",     "vp8dec",       "opusenc",
          "opusdec",   "rtpvp8pay", "rtpopuspay", "videotestsrc", "audiotestsrc" };
  GString *missing = g_string_new (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (needed); i++)
    {
      g_autoptr (GstElementFactory) f = gst_element_factory_find (needed[i]);
      if (!f)
        g_string_append_printf (missing, "%s%s", missing->len ? ", " : "", needed[i]);
    }
  return missing->len ? g_string_free (missing, FALSE) : (g_string_free (missing, TRUE), NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* A child that exits early must fail the case, not kill the test on a write. */
  signal (SIGPIPE, SIG_IGN);
  gst_init (NULL, NULL);

  g_autofree char *build = g_strdup (g_getenv ("CONFAB_BUILD_DIR"));
  if (!build)
    build = g_path_get_dirname (g_path_get_dirname (g_path_get_dirname (argv[0])));
  confab_path = g_build_filename (build, "app", "confab", NULL);
  peer_path = g_build_filename (build, "tests", "webrtc", "confab-webrtcbin-peer", NULL);
  missing_plugins = find_missing_plugins ();

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_test_add_data_func (cases[i].path, &cases[i], test_case);
  int status = g_test_run ();
  g_free (confab_path);
  g_free (peer_path);
  g_free (missing_plugins);
  return status;
}
