/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The desktop app as a person uses it, under a real (Xvfb) display: two
 * windows in one process, one starts a call and one joins it through the
 * copy-paste flow; both must show the other's (non-black) video. A
 * screenshot of the call window is kept as a test artifact.
 */
#include "config.h"

#include "screenshot.h"

#include <gst/gst.h>
#include <string.h>

#include "confab-application.h"
#include "confab-preferences-window.h"
#include "confab-settings.h"
#include "confab-window.h"

#define WATCHDOG_SECONDS 90

static gboolean
on_watchdog (gpointer data)
{
  g_error ("watchdog: the GUI test did not finish in %d s", WATCHDOG_SECONDS);
  return G_SOURCE_REMOVE;
}

typedef gboolean (*Condition) (gpointer data);

/* Runs the main loop until @cond holds; the watchdog ends a hang. */
static void
wait_until (Condition cond, gpointer data)
{
  while (!cond (data))
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
has_local_text (gpointer data)
{
  ConfabWindow *w = data;
  if (!confab_window_get_call (w))
    return FALSE;
  g_autofree char *text = confab_window_dup_local_text (w);
  return text && g_str_has_prefix (text, "v=0");
}

static gboolean
in_call (gpointer data)
{
  ConfabWindow **w = data;
  return g_strcmp0 (confab_window_get_page (w[0]), "call") == 0
         && g_strcmp0 (confab_window_get_page (w[1]), "call") == 0;
}

static gboolean
frames_shown (gpointer data)
{
  ConfabWindow **w = data;
  for (guint i = 0; i < 2; i++)
    {
      ConfabCallView *view = confab_window_get_call_view (w[i]);
      if (confab_video_paintable_get_frames_shown (confab_call_view_get_remote_paintable (view))
          < 45)
        return FALSE;
    }
  return TRUE;
}

/* Mean luma of a texture: the test pattern is bright, black video is 0. */
static double
mean_luma (GdkTexture *texture)
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  gsize stride = (gsize) w * 4;
  g_autofree guchar *pixels = g_malloc (stride * h);
  gdk_texture_download (texture, pixels, stride);
  double sum = 0;
  for (int y = 0; y < h; y += 4)
    for (int x = 0; x < w; x += 4)
      {
        /* GDK_MEMORY_DEFAULT is premultiplied B8G8R8A8. */
        const guchar *p = pixels + y * stride + x * 4;
        sum += 0.114 * p[0] + 0.587 * p[1] + 0.299 * p[2];
      }
  return sum / ((double) ((h + 3) / 4) * ((w + 3) / 4));
}

static gboolean
is_welcome (gpointer data)
{
  return g_strcmp0 (confab_window_get_page (data), "welcome") == 0;
}

static void
test_call_between_two_windows (void)
{
  ConfabWindow *w[2];
  for (guint i = 0; i < 2; i++)
    {
      w[i] = confab_window_new (NULL);
      gtk_window_set_default_size (GTK_WINDOW (w[i]), 900, 600);
      gtk_window_present (GTK_WINDOW (w[i]));
    }
  g_assert_cmpstr (confab_window_get_page (w[0]), ==, "welcome");

  /* The caller starts: candidates are gathered, the offer appears. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (w[0]), "win.start-call", NULL));
  g_assert_cmpstr (confab_window_get_page (w[0]), ==, "start");
  wait_until (has_local_text, w[0]);
  g_autofree char *offer = confab_window_dup_local_text (w[0]);

  /* The callee joins with the offer and gets an answer to send back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (w[1]), "win.join-call", NULL));
  g_assert_cmpstr (confab_window_get_page (w[1]), ==, "join");
  confab_window_paste_and_submit (w[1], offer);
  g_assert_null (confab_window_get_inline_error (w[1]));
  wait_until (has_local_text, w[1]);
  g_autofree char *answer = confab_window_dup_local_text (w[1]);

  /* A damaged answer is refused inline, and the window stays usable. */
  g_autofree char *damaged = g_strndup (answer, strlen (answer) / 2);
  confab_window_paste_and_submit (w[0], damaged);
  g_assert_nonnull (confab_window_get_inline_error (w[0]));
  g_test_message ("inline error: %s", confab_window_get_inline_error (w[0]));
  g_assert_cmpstr (confab_window_get_page (w[0]), ==, "start");

  confab_window_paste_and_submit (w[0], answer);
  g_assert_null (confab_window_get_inline_error (w[0]));
  wait_until (in_call, w);
  wait_until (frames_shown, w);

  for (guint i = 0; i < 2; i++)
    {
      ConfabCallView *view = confab_window_get_call_view (w[i]);
      GdkTexture *remote
          = confab_video_paintable_get_texture (confab_call_view_get_remote_paintable (view));
      g_assert_nonnull (remote);
      double luma = mean_luma (remote);
      g_test_message ("window %u: remote video %dx%d, mean luma %.1f", i,
                      gdk_texture_get_width (remote), gdk_texture_get_height (remote), luma);
      g_assert_cmpfloat (luma, >, 40);
      /* The self view shows our own camera (here the test pattern). */
      ConfabVideoPaintable *local = confab_call_view_get_local_paintable (view);
      g_assert_cmpuint (confab_video_paintable_get_frames_shown (local), >, 0);
    }

  confab_call_view_set_panel_revealed (confab_window_get_call_view (w[0]), TRUE);
  /* The panel shows this very call: its pair is the one the call reports. */
  ConfabConnectionPanel *panel = confab_call_view_get_panel (confab_window_get_call_view (w[0]));
  confab_connection_panel_refresh (panel);
  g_auto (ConfabCallStats) stats = { 0 };
  confab_call_get_stats (confab_window_get_call (w[0]), &stats);
  g_autofree char *port = g_strdup_printf ("%u", stats.pair.local.port);
  g_assert_cmpstr (confab_connection_panel_get_field (panel, "ice.selected_pair.local.port"), ==,
                   port);
  g_assert_cmpstr (confab_connection_panel_get_field (panel, "verdict"), ==, "Direct connection");
  /* Encrypted, checked, and the same security code in both windows. */
  g_assert_cmpstr (confab_connection_panel_get_field (panel, "dtls.state"), ==, "connected");
  g_assert_cmpstr (confab_connection_panel_get_field (panel, "dtls.fingerprint_verified"), ==,
                   "yes");
  ConfabConnectionPanel *other = confab_call_view_get_panel (confab_window_get_call_view (w[1]));
  confab_connection_panel_refresh (other);
  const char *sas = confab_connection_panel_get_field (panel, "dtls.sas");
  g_test_message ("security code %s", sas);
  g_assert_cmpuint (strlen (sas), ==, 7);
  g_assert_cmpstr (confab_connection_panel_get_field (other, "dtls.sas"), ==, sas);
  for (int i = 0; i < 30; i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
  confab_test_save_screenshot (adw_application_window_get_content (ADW_APPLICATION_WINDOW (w[0])),
                               "call-window.png");

  /* Hanging up returns to the start page. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (confab_window_get_call_view (w[0])),
                                             "call.hang-up", NULL));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpstr (confab_window_get_page (w[0]), ==, "welcome");
  /* The other window hears the goodbye and ends too, at once. */
  wait_until (is_welcome, w[1]);

  for (guint i = 0; i < 2; i++)
    gtk_window_destroy (GTK_WINDOW (w[i]));
}

/* Flips one hex digit of every a=fingerprint line alike. */
static char *
tamper_fingerprint (const char *text)
{
  char *copy = g_strdup (text);

  for (char *at = strstr (copy, "a=fingerprint:"); at; at = strstr (at + 1, "a=fingerprint:"))
    {
      char *hex = strchr (at, ' ') + 1;
      *hex = *hex == 'A' ? 'B' : 'A';
    }
  return copy;
}

static gboolean
is_error_page (gpointer data)
{
  return g_strcmp0 (confab_window_get_page (data), "error") == 0;
}

/* An answer whose fingerprint was changed on the way: the caller's window
 * shows the error page saying so, and no call starts. */
static void
test_tampered_answer (void)
{
  ConfabWindow *w[2];
  for (guint i = 0; i < 2; i++)
    {
      w[i] = confab_window_new (NULL);
      gtk_window_present (GTK_WINDOW (w[i]));
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (w[0]), "win.start-call", NULL));
  wait_until (has_local_text, w[0]);
  g_autofree char *offer = confab_window_dup_local_text (w[0]);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (w[1]), "win.join-call", NULL));
  confab_window_paste_and_submit (w[1], offer);
  wait_until (has_local_text, w[1]);
  g_autofree char *answer = confab_window_dup_local_text (w[1]);
  g_autofree char *tampered = tamper_fingerprint (answer);

  confab_window_paste_and_submit (w[0], tampered);
  g_assert_null (confab_window_get_inline_error (w[0]));
  wait_until (is_error_page, w[0]);
  g_assert_null (confab_window_get_call (w[0]));
  g_assert_cmpstr (confab_window_get_page (w[1]), !=, "call");
  /* Past the stack's crossfade. */
  for (int i = 0; i < 60; i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
  confab_test_save_screenshot (adw_application_window_get_content (ADW_APPLICATION_WINDOW (w[0])),
                               "not-safe.png");

  for (guint i = 0; i < 2; i++)
    gtk_window_destroy (GTK_WINDOW (w[i]));
}

static void
test_damaged_offers (void)
{
  static const char *const pastes[] = {
    "",
    "hello there",
    "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=Confab offer\r\nt=0 0\r\n",
    "\xff\xfe garbage \x01\x02",
  };
  ConfabWindow *w = confab_window_new (NULL);
  gtk_window_present (GTK_WINDOW (w));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (w), "win.join-call", NULL));
  for (guint i = 0; i < G_N_ELEMENTS (pastes); i++)
    {
      /* GtkTextBuffer takes UTF-8 only; what a paste can really bring. */
      g_autofree char *valid = g_utf8_make_valid (pastes[i], -1);
      confab_window_paste_and_submit (w, valid);
      const char *error = confab_window_get_inline_error (w);
      g_test_message ("paste %u -> %s", i, error);
      g_assert_nonnull (error);
      g_assert_cmpstr (confab_window_get_page (w), ==, "join");
      g_assert_null (confab_window_get_call (w)); /* nothing left half-done */
    }
  gtk_window_destroy (GTK_WINDOW (w));
}

/* Depth-first search for a widget of @type whose title is @title. */
static GtkWidget *
find_row (GtkWidget *widget, GType type, const char *title)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type)
      && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_row (c, type, title);
      if (found)
        return found;
    }
  return NULL;
}

static void
test_preferences (void)
{
  g_autoptr (GSettings) settings = confab_settings_new ();
  if (!settings)
    {
      g_test_skip ("the GSettings schema is not compiled in the build tree");
      return;
    }
  GtkWindow *prefs = confab_preferences_window_new_for (NULL);
  g_assert_nonnull (prefs);
  gtk_window_present (prefs);

  /* A bad STUN URI is refused and not stored; a good one is. */
  GtkWidget *stun
      = find_row (GTK_WIDGET (prefs), ADW_TYPE_ENTRY_ROW, "STUN server (stun:host:port)");
  g_assert_nonnull (stun);
  gtk_editable_set_text (GTK_EDITABLE (stun), "stun.example.org");
  g_signal_emit_by_name (stun, "apply");
  g_assert_true (gtk_widget_has_css_class (stun, "error"));
  g_auto (GStrv) none = g_settings_get_strv (settings, "stun-servers");
  g_assert_cmpuint (g_strv_length (none), ==, 0);

  gtk_editable_set_text (GTK_EDITABLE (stun), "stun:stun.example.org:3478");
  g_signal_emit_by_name (stun, "apply");
  g_assert_false (gtk_widget_has_css_class (stun, "error"));
  g_auto (GStrv) one = g_settings_get_strv (settings, "stun-servers");
  g_assert_cmpstr (one[0], ==, "stun:stun.example.org:3478");

  /* The call options follow the preferences. */
  ConfabCallOptions options;
  confab_call_options_init (&options);
  g_assert_true (confab_settings_fill_call_options (settings, &options, NULL));
  g_assert_cmpstr (options.stun->host, ==, "stun.example.org");
  g_assert_cmpuint (options.stun->port, ==, 3478);
  confab_call_options_clear (&options);

  /* Privacy mode without a TURN server is reported, not silently ignored. */
  g_settings_set_boolean (settings, "relay-only", TRUE);
  g_autoptr (GError) error = NULL;
  confab_call_options_init (&options);
  g_assert_false (confab_settings_fill_call_options (settings, &options, &error));
  g_assert_nonnull (strstr (error->message, "TURN"));
  confab_call_options_clear (&options);
  g_settings_reset (settings, "relay-only");
  g_settings_reset (settings, "stun-servers");

  g_assert_nonnull (find_row (GTK_WIDGET (prefs), ADW_TYPE_COMBO_ROW, "Camera"));
  gtk_window_destroy (prefs);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_message ("no display: run under xvfb-run");
      return 77;
    }
  adw_init ();
  gst_init (NULL, NULL);
  confab_application_register_resources ();
  g_timeout_add_seconds (WATCHDOG_SECONDS, on_watchdog, NULL);

  g_test_add_func ("/confab/app/window/call-between-two-windows", test_call_between_two_windows);
  g_test_add_func ("/confab/app/window/damaged-offers", test_damaged_offers);
  g_test_add_func ("/confab/app/window/tampered-answer", test_tampered_answer);
  g_test_add_func ("/confab/app/window/preferences", test_preferences);
  return g_test_run ();
}
