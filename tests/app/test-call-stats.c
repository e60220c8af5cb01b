/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The stats model (confab_call_stats_to_json_node()) and the verdict, from
 * hand-made snapshots: every key --stats documents, the figures derived
 * from the counters, the wording for each state and path, and numbers that
 * keep their dot under a decimal-comma locale. No display needed.
 */
#include "config.h"

#include <gst/gst.h>
#include <locale.h>
#include <string.h>

#include "confab-cli.h"
#include "confab-json-writer.h"
#include "confab-verdict.h"
#include "json-path.h"

static void
set_candidate (ConfabIceCandidateInfo *info, const char *type, const char *protocol,
               const char *address, guint port)
{
  g_strlcpy (info->type, type, sizeof info->type);
  g_strlcpy (info->protocol, protocol, sizeof info->protocol);
  g_strlcpy (info->address, address, sizeof info->address);
  info->port = port;
}

/* A call 6.28 s in, direct over UDP, with FEC on the video. */
static void
fill_in_call (ConfabCallStats *stats)
{
  const gint64 t0 = 1000000000;

  memset (stats, 0, sizeof *stats);
  stats->state = CONFAB_CALL_STATE_IN_CALL;
  stats->ice_state = CONFAB_ICE_STATE_CONNECTED;
  stats->have_pair = TRUE;
  set_candidate (&stats->pair.local, "host", "udp", "192.0.2.1", 50000);
  set_candidate (&stats->pair.remote, "srflx", "udp", "198.51.100.2", 61000);
  stats->ice.packets_sent = 1072;
  stats->ice.packets_received = 1082;
  stats->ice.gather_start_time = t0;
  stats->ice.gather_end_time = t0 + 1340; /* 1.34 ms: written as 1.3 */
  stats->ice.remote_applied_time = t0 + 100000;
  stats->ice.connected_time = t0 + 162230; /* 62.23 ms */
  stats->media.first_remote_frame_time = t0 + 327660;
  stats->media.rtt_ms = 6.4;
  stats->media.audio = (ConfabStreamStats){ .packets_sent = 314,
                                            .packets_received = 314,
                                            .frames_encoded = 314,
                                            .frames_decoded = 302,
                                            .send_kbps = 33.5,
                                            .jitter_ms = 2.5,
                                            .codec = "OPUS",
                                            .fec_recovered = 3 };
  stats->media.video = (ConfabStreamStats){ .packets_sent = 800,
                                            .packets_received = 762,
                                            .packets_lost = 2,
                                            .frames_encoded = 187,
                                            .frames_decoded = 182,
                                            .width = 640,
                                            .height = 360,
                                            .decoded_fps = 29.5,
                                            .remote_loss = 0.125,
                                            .codec = "VP8",
                                            .fec_scheme = "rs",
                                            .fec_repair_sent = 200,
                                            .fec_recovered = 5,
                                            .fec_unrecovered = 1,
                                            .fec_overhead_pct = 4.5 };
  stats->elapsed_s = 6.2804;
  stats->local_candidates = g_strdupv ((char *[]){ "candidate:1 1 UDP 2015363327 192.0.2.1 "
                                                   "50000 typ host",
                                                   NULL });
  stats->remote_candidates = g_strdupv ((char *[]){ NULL });
}

static JsonNode *
value_at (JsonNode *root, const char *path)
{
  JsonNode *node = confab_test_json_member (root, path);
  if (!node || !JSON_NODE_HOLDS_VALUE (node))
    g_error ("%s: no value", path);
  return node;
}

static double
number (JsonNode *root, const char *path)
{
  return json_node_get_double (value_at (root, path));
}

static const char *
string (JsonNode *root, const char *path)
{
  return json_node_get_string (value_at (root, path));
}

static guint
array_length (JsonNode *root, const char *path)
{
  JsonNode *node = confab_test_json_member (root, path);
  if (!node || !JSON_NODE_HOLDS_ARRAY (node))
    g_error ("%s: no array", path);
  return json_array_get_length (json_node_get_array (node));
}

static gboolean
is_null (JsonNode *root, const char *path)
{
  JsonNode *node = confab_test_json_member (root, path);
  return node && JSON_NODE_HOLDS_NULL (node);
}

static void
test_model (void)
{
  g_auto (ConfabCallStats) stats = { 0 };
  fill_in_call (&stats);
  g_autoptr (JsonNode) root = confab_call_stats_to_json_node (&stats);

  /* Every key of README's "The --stats file", and the panel's. */
  const char *const keys[] = { "call.state",
                               "ice.state",
                               "ice.selected_pair.local.type",
                               "ice.selected_pair.local.protocol",
                               "ice.selected_pair.local.address",
                               "ice.selected_pair.local.port",
                               "ice.selected_pair.remote.port",
                               "ice.selected_pair.relayed",
                               "ice.packets_sent",
                               "ice.packets_received",
                               "ice.send_failures",
                               "ice.gathering_ms",
                               "ice.checks_ms",
                               "audio.packets_sent",
                               "audio.packets_received",
                               "audio.packets_lost",
                               "audio.frames_encoded",
                               "audio.frames_decoded",
                               "video.packets_sent",
                               "video.frames_decoded",
                               "video.width",
                               "video.height",
                               "video.fec_repair_sent",
                               "video.fec_recovered",
                               "video.fec_unrecovered",
                               "first_frame_ms",
                               "elapsed_s",
                               "rtt_ms",
                               "audio.send_kbps",
                               "audio.receive_kbps",
                               "audio.jitter_ms",
                               "audio.remote_loss",
                               "audio.codec",
                               "audio.fec_recovered",
                               "video.decoded_fps",
                               "video.fec_overhead",
                               "video.fec_overhead_pct",
                               "audio.concealed",
                               "local_candidates",
                               "remote_candidates",
                               "turn_server",
                               "verdict" };
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (!confab_test_json_member (root, keys[i]))
      g_error ("no %s", keys[i]);

  g_assert_cmpstr (string (root, "call.state"), ==, "in-call");
  g_assert_cmpstr (string (root, "ice.state"), ==, "connected");
  g_assert_cmpstr (string (root, "ice.selected_pair.remote.type"), ==, "srflx");
  g_assert_cmpfloat (number (root, "ice.selected_pair.local.port"), ==, 50000);
  g_assert_false (json_node_get_boolean (value_at (root, "ice.selected_pair.relayed")));
  g_assert_cmpfloat (number (root, "video.packets_lost"), ==, 2);
  g_assert_cmpfloat (number (root, "audio.fec_recovered"), ==, 3);
  g_assert_cmpstr (string (root, "video.codec"), ==, "VP8");
  g_assert_cmpstr (string (root, "video.fec_scheme"), ==, "rs");
  g_assert_null (confab_test_json_member (root, "audio.fec_scheme"));
  /* Audio has no picture and no repair packets of ours. */
  g_assert_null (confab_test_json_member (root, "audio.width"));
  g_assert_null (confab_test_json_member (root, "audio.fec_overhead"));
  g_assert_null (confab_test_json_member (root, "audio.fec_overhead_pct"));
  /* ... and the video no Opus concealment. */
  g_assert_null (confab_test_json_member (root, "video.concealed"));
  g_assert_cmpfloat (number (root, "video.fec_overhead_pct"), ==, 4.5);

  /* Derived figures: timings between stamps, rounded as the file always had them. */
  g_assert_cmpfloat (number (root, "ice.gathering_ms"), ==, 1.3);
  g_assert_cmpfloat (number (root, "ice.checks_ms"), ==, 62.2);
  g_assert_cmpfloat (number (root, "first_frame_ms"), ==, 227.7);
  g_assert_cmpfloat (number (root, "elapsed_s"), ==, 6.28);
  g_assert_cmpfloat (number (root, "video.fec_overhead"), ==, 0.25);
  g_assert_cmpfloat (number (root, "rtt_ms"), ==, 6.4);
  g_assert_cmpfloat (number (root, "video.remote_loss"), ==, 0.125);

  g_assert_cmpuint (array_length (root, "local_candidates"), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (
                       json_node_get_array (confab_test_json_member (root, "local_candidates")), 0),
                   ==, stats.local_candidates[0]);
  g_assert_cmpuint (array_length (root, "remote_candidates"), ==, 0);
  g_assert_true (is_null (root, "turn_server"));
  g_assert_cmpstr (string (root, "verdict"), ==, "Direct connection (host ↔ srflx over UDP)");

  /* The text --stats writes is that same object. */
  g_autofree char *text = confab_call_stats_to_json (&stats);
  g_autoptr (JsonNode) reparsed = confab_test_json_parse (text);
  g_assert_true (json_node_equal (root, reparsed));
}

/* Before the pair, and without a call at all: what is not known yet is
 * absent or null, not 0. */
static void
test_model_not_in_call (void)
{
  ConfabCallStats waiting = { .state = CONFAB_CALL_STATE_WAITING };
  waiting.ice.gather_start_time = 5;
  g_autoptr (JsonNode) early = confab_call_stats_to_json_node (&waiting);
  g_autoptr (JsonNode) none = confab_call_stats_to_json_node (NULL);
  const char *const timings[] = { "ice.gathering_ms", "ice.checks_ms", "first_frame_ms" };

  g_assert_true (is_null (early, "ice.selected_pair"));
  g_assert_true (is_null (early, "video.fec_scheme"));
  for (guint i = 0; i < G_N_ELEMENTS (timings); i++)
    g_assert_null (confab_test_json_member (early, timings[i]));
  g_assert_cmpstr (string (early, "verdict"), ==, "Not connected yet (Waiting for the other side)");

  g_assert_true (is_null (none, "call"));
  g_assert_null (confab_test_json_member (none, "ice"));
  g_assert_true (is_null (none, "turn_server"));
  g_assert_cmpstr (string (none, "verdict"), ==, "Not connected (No call)");

  JsonNode *roots[] = { early, none };
  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    {
      g_assert_cmpuint (array_length (roots[i], "local_candidates"), ==, 0);
      g_assert_cmpuint (array_length (roots[i], "remote_candidates"), ==, 0);
    }
}

/* gtk_init() and the CLI's setlocale() take LC_NUMERIC from the user: JSON
 * must still say 6.4, not 6,4. */
static void
test_model_comma_locale (void)
{
  const char *const locales[] = { "fr_FR.UTF-8", "de_DE.UTF-8", "sv_SE.UTF-8", "ru_RU.UTF-8" };
  g_autofree char *previous = g_strdup (setlocale (LC_NUMERIC, NULL));
  const char *found = NULL;

  for (guint i = 0; !found && i < G_N_ELEMENTS (locales); i++)
    if (setlocale (LC_NUMERIC, locales[i]))
      found = locales[i];
  char probe[16];
  g_snprintf (probe, sizeof probe, "%.1f", 6.4);
  if (!found || !strchr (probe, ','))
    {
      setlocale (LC_NUMERIC, previous);
      g_test_skip ("no decimal-comma locale installed");
      return;
    }

  g_auto (ConfabCallStats) stats = { 0 };
  fill_in_call (&stats);
  g_autofree char *text = confab_call_stats_to_json (&stats);
  setlocale (LC_NUMERIC, previous);

  g_test_message ("%s: %s", found, text);
  g_assert_nonnull (strstr (text, "6.4"));
  g_autoptr (JsonNode) root = confab_test_json_parse (text);
  g_assert_cmpfloat (number (root, "rtt_ms"), ==, 6.4);
  g_assert_cmpfloat (number (root, "elapsed_s"), ==, 6.28);
}

/* The writer every stats text goes through: shortest exact doubles, escaped strings, the
 * same tree back when json-glib reads it. */
static void
test_json_writer (void)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "checks_ms");
  json_builder_add_double_value (builder, 62.4);
  json_builder_set_member_name (builder, "fps");
  json_builder_add_double_value (builder, 29.0);
  json_builder_set_member_name (builder, "tiny");
  json_builder_add_double_value (builder, 1e-9);
  json_builder_set_member_name (builder, "third");
  json_builder_add_double_value (builder, 1.0 / 3);
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, G_MAXINT64);
  json_builder_set_member_name (builder, "text \"quoted\"");
  json_builder_add_string_value (builder, "a\\b\n\x01 é");
  json_builder_set_member_name (builder, "list");
  json_builder_begin_array (builder);
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_add_null_value (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "empty");
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  g_autoptr (JsonNode) tree = json_builder_get_root (builder);
  g_autofree char *text = confab_json_write (tree);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "\"checks_ms\": 62.4,\n"));
  g_assert_nonnull (strstr (text, "\"fps\": 29.0,\n"));
  g_assert_nonnull (strstr (text, "\"text \\\"quoted\\\"\": \"a\\\\b\\u000a\\u0001 é\""));
  g_assert_nonnull (strstr (text, "\"empty\": {}\n}\n"));

  g_autoptr (JsonNode) back = confab_test_json_parse (text);
  g_assert_true (json_node_equal (tree, back));
  g_assert_cmpfloat (number (back, "third"), ==, 1.0 / 3);
  g_assert_cmpfloat (number (back, "tiny"), ==, 1e-9);
}

static char *
verdict_for (const ConfabCallStats *stats, ConfabVerdictKind *kind)
{
  g_auto (ConfabVerdict) verdict = { 0 };

  confab_verdict_init (&verdict, stats);
  *kind = verdict.kind;
  return confab_verdict_to_string (&verdict);
}

static void
test_verdict_states (void)
{
  const struct
  {
    ConfabCallState state;
    ConfabVerdictKind kind;
    const char *words;
  } cases[] = {
    { CONFAB_CALL_STATE_NEW, CONFAB_VERDICT_GATHERING,
      "Not connected yet (Gathering this side’s candidates…)" },
    { CONFAB_CALL_STATE_GATHERING, CONFAB_VERDICT_GATHERING,
      "Not connected yet (Gathering this side’s candidates…)" },
    { CONFAB_CALL_STATE_WAITING, CONFAB_VERDICT_WAITING,
      "Not connected yet (Waiting for the other side)" },
    { CONFAB_CALL_STATE_CONNECTING, CONFAB_VERDICT_CHECKING,
      "Checking connectivity… (Trying candidate pairs)" },
    { CONFAB_CALL_STATE_IN_CALL, CONFAB_VERDICT_CONNECTED,
      "Connected (No candidate pair reported)" },
    { CONFAB_CALL_STATE_ENDED, CONFAB_VERDICT_ENDED, "Not connected (The call has ended)" },
    { CONFAB_CALL_STATE_FAILED, CONFAB_VERDICT_FAILED, "Not connected (The connection failed)" },
  };
  ConfabVerdictKind kind;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ConfabCallStats stats = { .state = cases[i].state };
      g_autofree char *words = verdict_for (&stats, &kind);
      g_assert_cmpstr (words, ==, cases[i].words);
      g_assert_cmpint (kind, ==, cases[i].kind);
    }
  g_autofree char *none = verdict_for (NULL, &kind);
  g_assert_cmpstr (none, ==, "Not connected (No call)");
  g_assert_cmpint (kind, ==, CONFAB_VERDICT_NO_CALL);
}

static void
test_verdict_relayed (void)
{
  g_auto (ConfabCallStats) stats = { 0 };
  ConfabVerdictKind kind;

  fill_in_call (&stats);
  stats.pair.relayed = TRUE;
  set_candidate (&stats.pair.local, "relay", "udp", "203.0.113.5", 49170);

  /* Our relay, named by the configured server and its transport. */
  const struct
  {
    const char *uri;
    const char *title;
  } servers[] = {
    { "turn:turn.example.org", "Relayed through TURN server turn.example.org:3478 (UDP)" },
    { "turn:turn.example.org:3479?transport=tcp",
      "Relayed through TURN server turn.example.org:3479 (TCP)" },
    { "turns:turn.example.org:443", "Relayed through TURN server turn.example.org:443 (TLS)" },
    { "turn:[2001:db8::1]", "Relayed through TURN server [2001:db8::1]:3478 (UDP)" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    {
      g_autoptr (GError) error = NULL;
      g_clear_pointer (&stats.turn, confab_ice_server_free);
      stats.turn = confab_ice_server_parse (servers[i].uri, CONFAB_ICE_SERVER_TURN, &error);
      g_assert_no_error (error);
      g_autofree char *words = verdict_for (&stats, &kind);
      g_autofree char *expected = g_strdup_printf ("%s (relay ↔ srflx over UDP)", servers[i].title);
      g_assert_cmpstr (words, ==, expected);
      g_assert_cmpint (kind, ==, CONFAB_VERDICT_RELAYED);
    }

  /* The snapshot names the server without its credentials. */
  g_autoptr (JsonNode) root = confab_call_stats_to_json_node (&stats);
  g_assert_cmpstr (string (root, "turn_server"), ==, "turn:[2001:db8::1]:3478?transport=udp");

  /* A relay but no server configured: the relay's own address. */
  g_clear_pointer (&stats.turn, confab_ice_server_free);
  g_autofree char *unnamed = verdict_for (&stats, &kind);
  g_assert_true (g_str_has_prefix (unnamed, "Relayed through TURN server 203.0.113.5:49170 (UDP)"));

  /* The other side's relay. */
  set_candidate (&stats.pair.local, "host", "udp", "192.0.2.1", 50000);
  set_candidate (&stats.pair.remote, "relay", "udp", "203.0.113.9", 49152);
  g_autofree char *theirs = verdict_for (&stats, &kind);
  g_assert_cmpstr (theirs, ==,
                   "Relayed through the other side’s TURN server (203.0.113.9:49152) "
                   "(host ↔ relay over UDP)");
}

/* The command line's one-liner says what the panel says, also after the call. */
static void
test_cli_pair (void)
{
  g_auto (ConfabCallStats) stats = { 0 };

  fill_in_call (&stats);
  stats.state = CONFAB_CALL_STATE_ENDED;
  g_autofree char *line = confab_cli_describe_pair (&stats);
  g_assert_cmpstr (line, ==,
                   "Direct connection: udp host 192.0.2.1:50000 <-> srflx 198.51.100.2:61000");
  stats.have_pair = FALSE;
  g_assert_null (confab_cli_describe_pair (&stats));
}

/* A real call's snapshot: TURN credentials stay out, the candidate lists
 * are there (empty) before gathering. */
static void
test_call_snapshot (void)
{
  g_autoptr (GError) error = NULL;
  g_auto (ConfabCallStats) stats = { 0 };
  ConfabCallOptions options;

  confab_call_options_init (&options);
  options.media.video_source = "test";
  options.media.audio_source = "test";
  options.turn = confab_ice_server_parse ("turns:turn.example.org", CONFAB_ICE_SERVER_TURN, &error);
  g_assert_no_error (error);
  options.turn->username = g_strdup ("alice");
  options.turn->password = g_strdup ("sesame-secret");
  g_autoptr (ConfabCall) call = confab_call_new (CONFAB_SDP_OFFER, &options, &error);
  confab_call_options_clear (&options);
  g_assert_no_error (error);

  confab_call_get_stats (call, &stats);
  g_assert_nonnull (stats.turn);
  g_assert_null (stats.turn->password);
  g_assert_null (stats.turn->username);
  g_assert_nonnull (stats.local_candidates);
  g_assert_nonnull (stats.remote_candidates);
  g_assert_cmpuint (g_strv_length (stats.remote_candidates), ==, 0);

  g_autofree char *text = confab_call_stats_to_json (&stats);
  g_assert_null (strstr (text, "sesame-secret"));
  g_assert_null (strstr (text, "alice"));
  g_assert_nonnull (strstr (text, "\"turns:turn.example.org:5349\""));
  confab_call_hang_up (call);
}

int
main (int argc, char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/confab/app/call-stats/model", test_model);
  g_test_add_func ("/confab/app/call-stats/model-not-in-call", test_model_not_in_call);
  g_test_add_func ("/confab/app/call-stats/model-comma-locale", test_model_comma_locale);
  g_test_add_func ("/confab/app/call-stats/json-writer", test_json_writer);
  g_test_add_func ("/confab/app/call-stats/verdict-states", test_verdict_states);
  g_test_add_func ("/confab/app/call-stats/verdict-relayed", test_verdict_relayed);
  g_test_add_func ("/confab/app/call-stats/cli-pair", test_cli_pair);
  g_test_add_func ("/confab/app/call-stats/call-snapshot", test_call_snapshot);
  return g_test_run ();
}
