/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The connection panel against a real call: two ConfabCalls in this
 * process over loopback ICE. What the panel displays must be what its
 * diagnostics JSON says, figure by figure, because that JSON is what users
 * paste into bug reports.
 */
#include "config.h"

#include "json-path.h"
#include "screenshot.h"

#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "confab-connection-panel.h"
#include "confab-resources.h"

#define SETUP_TIMEOUT_S 30
#define UNKNOWN "—"

typedef struct
{
  ConfabCall *peers[2]; /* caller, callee */
  GtkWindow *window;
  ConfabConnectionPanel *panel;
  gboolean timed_out;
  GError *error;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  if (!gtk_init_check ())
    {
      g_test_skip ("no display (run under xvfb-run)");
      return;
    }
  adw_init ();
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  if (f->window)
    gtk_window_destroy (f->window);
  for (guint i = 0; i < 2; i++)
    if (f->peers[i])
      {
        confab_call_hang_up (f->peers[i]);
        g_signal_handlers_disconnect_by_data (f->peers[i], f);
        g_clear_object (&f->peers[i]);
      }
  /* Let the agents close on their own threads before the next case. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_error (&f->error);
}

static gboolean
on_watchdog (gpointer data)
{
  Fixture *f = data;
  f->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
on_wait_over (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin (guint ms)
{
  gboolean over = FALSE;
  g_timeout_add (ms, on_wait_over, &over);
  while (!over)
    g_main_context_iteration (NULL, TRUE);
}

static void
on_failed (ConfabCall *call, GError *error, gpointer data)
{
  Fixture *f = data;
  if (!f->error)
    f->error = g_error_copy (error);
}

/* @from has gathered: its description goes to @to, as a person would paste it. */
static gboolean
hand_over (GObject *from, GAsyncResult *result, ConfabCall *to, GError **error)
{
  g_autofree char *text = NULL;

  return confab_call_gather_finish (CONFAB_CALL (from), result, error)
         && (text = confab_call_create_local_description (CONFAB_CALL (from), error))
         && confab_call_set_remote_description (to, text, -1, error);
}

static void
on_callee_gathered (GObject *source, GAsyncResult *result, gpointer data)
{
  Fixture *f = data;
  hand_over (source, result, f->peers[0], &f->error);
}

static void
on_caller_gathered (GObject *source, GAsyncResult *result, gpointer data)
{
  Fixture *f = data;
  if (hand_over (source, result, f->peers[1], &f->error))
    confab_call_gather_async (f->peers[1], NULL, on_callee_gathered, f);
}

/* The demo's flow, with the same text a person would carry. */
static void
start_call (Fixture *f)
{
  ConfabCallOptions options;

  confab_call_options_init (&options);
  options.local_addresses = g_strdupv ((char *[]){ "127.0.0.1", NULL });
  options.media.video_source = "test";
  options.media.audio_source = "test";
  for (guint i = 0; i < 2; i++)
    {
      f->peers[i]
          = confab_call_new (i == 0 ? CONFAB_SDP_OFFER : CONFAB_SDP_ANSWER, &options, &f->error);
      g_assert_no_error (f->error);
      g_signal_connect (f->peers[i], "failed", G_CALLBACK (on_failed), f);
    }
  confab_call_options_clear (&options);

  guint watchdog = g_timeout_add_seconds (SETUP_TIMEOUT_S, on_watchdog, f);
  confab_call_gather_async (f->peers[0], NULL, on_caller_gathered, f);
  while (!f->timed_out && !f->error
         && (confab_call_get_state (f->peers[0]) != CONFAB_CALL_STATE_IN_CALL
             || confab_call_get_state (f->peers[1]) != CONFAB_CALL_STATE_IN_CALL))
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (f->error);
  g_assert_false (f->timed_out);
  g_source_remove (watchdog);

  /* Long enough for decoded frames, the rate figures and an RTCP round trip. */
  spin (2000);
}

static void
show_panel (Fixture *f, ConfabCall *call)
{
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (f->window, "Connection");
  gtk_window_set_default_size (f->window, 360, 2000);
  f->panel = CONFAB_CONNECTION_PANEL (confab_connection_panel_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (f->panel));
  gtk_window_present (f->window);
  confab_connection_panel_set_call (f->panel, call);
  while (!gtk_widget_get_mapped (GTK_WIDGET (f->panel)))
    g_main_context_iteration (NULL, TRUE);
}

static JsonNode *
parse_diagnostics (ConfabConnectionPanel *panel)
{
  g_autofree char *text = confab_connection_panel_dup_diagnostics (panel);
  return confab_test_json_parse (text);
}

/* The same members with the same kinds of value, all the way down (the
 * figures themselves move on between two snapshots). */
static void
assert_same_members (JsonNode *a, JsonNode *b, const char *path)
{
  if (JSON_NODE_TYPE (a) != JSON_NODE_TYPE (b))
    g_error ("%s: a %s and a %s", path, json_node_type_name (a), json_node_type_name (b));
  if (!JSON_NODE_HOLDS_OBJECT (a))
    return;

  g_autoptr (GList) names = json_object_get_members (json_node_get_object (a));
  g_assert_cmpuint (g_list_length (names), ==, json_object_get_size (json_node_get_object (b)));
  for (GList *l = names; l; l = l->next)
    {
      g_autofree char *member = g_strdup_printf ("%s.%s", path, (const char *) l->data);
      JsonNode *other = json_object_get_member (json_node_get_object (b), l->data);
      if (!other)
        g_error ("%s: only in the diagnostics", member);
      assert_same_members (json_object_get_member (json_node_get_object (a), l->data), other,
                           member);
    }
}

/* A figure: a JSON null is as unknown as a missing member. */
static JsonNode *
lookup (JsonNode *root, const char *key)
{
  JsonNode *node = confab_test_json_member (root, key);
  return node && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

static gboolean
is_zero_or_empty (JsonNode *node)
{
  if (!node)
    return TRUE;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return !*json_node_get_string (node);
  return json_node_get_double (node) == 0;
}

/* Every figure the panel exposes, against the JSON of the same snapshot.
 * Numbers are shown rounded and with a unit: the displayed number must be
 * the JSON's, rounded to the decimals shown. */
static void
assert_fields_match (ConfabConnectionPanel *panel, JsonNode *root)
{
  g_auto (GStrv) keys = confab_connection_panel_dup_field_keys (panel);
  const char *const expected[] = { "video.packets_received",
                                   "audio.frames_decoded",
                                   "ice.selected_pair.local.port",
                                   "ice.state",
                                   "video.width",
                                   "video.fec_recovered",
                                   "audio.fec_recovered",
                                   "video.fec_overhead_pct",
                                   "video.packets_lost_before_fec",
                                   "video.rtx_recovered",
                                   "video.packets_lost",
                                   "audio.concealed",
                                   "rtt_ms" };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_true (g_strv_contains ((const char *const *) keys, expected[i]));
  g_assert_null (confab_connection_panel_get_field (panel, "no.such.figure"));

  for (guint i = 0; keys[i]; i++)
    {
      const char *key = keys[i];
      const char *shown = confab_connection_panel_get_field (panel, key);
      JsonNode *node = lookup (root, key);

      g_test_message ("%s: shown \"%s\"", key, shown);
      g_assert_nonnull (shown);
      if (g_str_equal (key, "verdict"))
        {
          g_assert_nonnull (node);
          g_assert_true (g_str_has_prefix (json_node_get_string (node), shown));
          continue;
        }
      if (g_str_equal (shown, UNKNOWN))
        {
          /* Loss before the first receiver report is unknown, not 0. */
          JsonNode *rtt = lookup (root, "rtt_ms");
          gboolean no_rtcp = !rtt || json_node_get_double (rtt) == 0;
          g_assert_true (is_zero_or_empty (node)
                         || (g_str_has_suffix (key, ".remote_loss") && no_rtcp));
          continue;
        }
      g_assert_nonnull (node);
      g_assert_true (JSON_NODE_HOLDS_VALUE (node));
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          g_assert_cmpstr (shown, ==, json_node_get_string (node));
          continue;
        }
      if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
        {
          g_assert_cmpstr (shown, ==, json_node_get_boolean (node) ? "yes" : "no");
          continue;
        }

      /* The translation may use a decimal comma. */
      g_autofree char *number = g_strdelimit (g_strdup (shown), ",", '.');
      char *end = NULL;
      double value = g_ascii_strtod (number, &end);
      g_assert_true (end != number);
      const char *dot = strchr (number, '.');
      guint decimals = dot && dot < end ? (guint) (end - dot - 1) : 0;
      /* A fraction shown in percent; figures named _pct are in percent. */
      double scale = strchr (end, '%') && !g_str_has_suffix (key, "_pct") ? 0.01 : 1;
      double tolerance = 0.5 * pow (10, -(double) decimals) + 1e-9;
      double actual = json_node_get_double (node);
      if (fabs (value - actual / scale) > tolerance)
        g_error ("%s: shown \"%s\", the JSON says %g", key, shown, actual);
    }
}

/* Depth-first, for the widgets a screenshot wants in a given state. */
static void
collect (GtkWidget *widget, GType type, GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    collect (child, type, found);
}

/* The whole column, candidates open: what the window shows is only its top. */
static void
save_full_screenshot (GtkWidget *panel, const char *name)
{
  g_autoptr (GPtrArray) expanders = g_ptr_array_new ();
  g_autoptr (GPtrArray) viewports = g_ptr_array_new ();

  collect (panel, ADW_TYPE_EXPANDER_ROW, expanders);
  g_assert_cmpuint (expanders->len, ==, 2);
  for (guint i = 0; i < expanders->len; i++)
    adw_expander_row_set_expanded (expanders->pdata[i], TRUE);
  spin (500); /* the expanders animate */

  collect (panel, GTK_TYPE_VIEWPORT, viewports);
  g_assert_cmpuint (viewports->len, ==, 1);
  confab_test_save_screenshot (gtk_viewport_get_child (viewports->pdata[0]), name);
}

static void
test_call (Fixture *f, gconstpointer data)
{
  if (g_test_failed () || !gdk_display_get_default ())
    return;

  start_call (f);
  show_panel (f, f->peers[0]);
  confab_connection_panel_refresh (f->panel);

  g_autoptr (JsonNode) root = parse_diagnostics (f->panel);
  assert_fields_match (f->panel, root);

  g_assert_cmpstr (confab_connection_panel_get_field (f->panel, "verdict"), ==,
                   "Direct connection");
  g_assert_cmpstr (confab_connection_panel_get_field (f->panel, "ice.state"), ==, "connected");
  g_assert_cmpstr (confab_connection_panel_get_field (f->panel, "ice.selected_pair.local.address"),
                   ==, "127.0.0.1");
  g_assert_cmpstr (confab_connection_panel_get_field (f->panel, "video.width"), ==, "640");
  g_assert_cmpint (json_node_get_int (lookup (root, "video.packets_received")), >, 0);
  g_assert_cmpint (json_node_get_int (lookup (root, "audio.frames_decoded")), >, 0);
  g_assert_true (
      g_str_has_prefix (json_node_get_string (lookup (root, "verdict")), "Direct connection"));

  /* The diagnostics are the --stats object of the same call, member for member. */
  g_auto (ConfabCallStats) stats = { 0 };
  confab_call_get_stats (f->peers[0], &stats);
  g_autofree char *stats_text = confab_call_stats_to_json (&stats);
  g_autoptr (JsonNode) stats_root = confab_test_json_parse (stats_text);
  assert_same_members (root, stats_root, "");

  JsonObject *object = json_node_get_object (root);
  const char *const members[] = {
    "call",        "ice",    "audio", "video", "elapsed_s", "local_candidates", "remote_candidates",
    "turn_server", "verdict"
  };
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    g_assert_true (json_object_has_member (object, members[i]));
  g_assert_cmpuint (
      json_array_get_length (json_object_get_array_member (object, "local_candidates")), >, 0);
  g_assert_cmpuint (
      json_array_get_length (json_object_get_array_member (object, "remote_candidates")), >, 0);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (object, "turn_server")));

  /* Let the window draw, then keep a picture of it as a test artifact. */
  spin (300);
  confab_test_save_screenshot (GTK_WIDGET (f->window), "connection-panel.png");
  save_full_screenshot (GTK_WIDGET (f->panel), "connection-panel-full.png");
}

static void
test_no_call (Fixture *f, gconstpointer data)
{
  if (g_test_failed () || !gdk_display_get_default ())
    return;

  show_panel (f, NULL);
  confab_connection_panel_refresh (f->panel);
  g_assert_cmpstr (confab_connection_panel_get_field (f->panel, "verdict"), ==, "Not connected");
  g_assert_cmpstr (confab_connection_panel_get_field (f->panel, "ice.state"), ==, UNKNOWN);
  g_assert_cmpstr (confab_connection_panel_get_field (f->panel, "video.packets_received"), ==,
                   UNKNOWN);

  g_autoptr (JsonNode) root = parse_diagnostics (f->panel);
  assert_fields_match (f->panel, root);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_node_get_object (root), "local_candidates")),
                    ==, 0);

  /* Setting NULL again, and a tick, change nothing. */
  confab_connection_panel_set_call (f->panel, NULL);
  spin (1100);
  g_assert_cmpstr (confab_connection_panel_get_field (f->panel, "verdict"), ==, "Not connected");
}

static void
test_ended (Fixture *f, gconstpointer data)
{
  if (g_test_failed () || !gdk_display_get_default ())
    return;

  start_call (f);
  show_panel (f, f->peers[0]);
  confab_call_hang_up (f->peers[0]);
  confab_call_hang_up (f->peers[1]);
  spin (1100); /* at least one tick on an ended call */
  confab_connection_panel_refresh (f->panel);

  g_assert_cmpstr (confab_connection_panel_get_field (f->panel, "verdict"), ==, "Not connected");
  g_autoptr (JsonNode) root = parse_diagnostics (f->panel);
  assert_fields_match (f->panel, root);
  /* What the call counted stays readable after it ended. */
  g_assert_cmpint (json_node_get_int (lookup (root, "video.packets_received")), >, 0);
}

int
main (int argc, char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_resources_register (confab_get_resource ());

  g_test_add ("/confab/app/connection-panel/call", Fixture, NULL, fixture_setup, test_call,
              fixture_teardown);
  g_test_add ("/confab/app/connection-panel/no-call", Fixture, NULL, fixture_setup, test_no_call,
              fixture_teardown);
  g_test_add ("/confab/app/connection-panel/ended", Fixture, NULL, fixture_setup, test_ended,
              fixture_teardown);
  return g_test_run ();
}
