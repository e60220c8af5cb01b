/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `confab demo`: a caller and a callee in one process call each other over
 * loopback ICE, through the very same offer/answer text a person would
 * carry. With a display it shows both received videos; without one it
 * prints a one-screen summary.
 */
#include "config.h"

#include "confab-demo.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <stdio.h>

#include "confab-cli.h"
#include "confab-demo-window.h"

#define DEMO_DEFAULT_DURATION_S 10
#define DEMO_SETUP_TIMEOUT_S 30

typedef struct
{
  ConfabCliOptions *cli;
  gboolean gui;
  ConfabCall *peers[2]; /* caller, callee */
  ConfabDemoWindow *window;
  GtkApplication *app;
  GMainLoop *loop;
  int status;
  gboolean done;
  gboolean in_call;
  guint duration_timer;
  guint setup_timer;
  guint stats_timer;
  guint sigint;
  gint64 answer_applied_time;
} Demo;

static const char *const side_names[2] = { N_ ("caller"), N_ ("callee") };

static void
demo_finish (Demo *demo, int status)
{
  if (demo->done)
    return;
  demo->done = TRUE;
  demo->status = status;
  g_clear_handle_id (&demo->duration_timer, g_source_remove);
  g_clear_handle_id (&demo->setup_timer, g_source_remove);
  for (guint i = 0; i < 2; i++)
    if (demo->peers[i])
      confab_call_hang_up (demo->peers[i]);
  if (demo->app)
    g_application_quit (G_APPLICATION (demo->app));
  else
    g_main_loop_quit (demo->loop);
}

static gboolean
on_stats_timer (gpointer data)
{
  Demo *demo = data;
  confab_cli_write_stats (demo->cli->stats, demo->peers[0]);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_duration_over (gpointer data)
{
  Demo *demo = data;
  demo->duration_timer = 0;
  demo_finish (demo, CONFAB_EXIT_OK);
  return G_SOURCE_REMOVE;
}

static gboolean
on_setup_timeout (gpointer data)
{
  Demo *demo = data;
  demo->setup_timer = 0;
  g_printerr (_ ("confab: the two peers did not connect within %d seconds\n"),
              DEMO_SETUP_TIMEOUT_S);
  demo_finish (demo, CONFAB_EXIT_FAILURE);
  return G_SOURCE_REMOVE;
}

static gboolean
on_sigint (gpointer data)
{
  Demo *demo = data;
  demo_finish (demo, demo->in_call ? CONFAB_EXIT_OK : CONFAB_EXIT_FAILURE);
  return G_SOURCE_CONTINUE;
}

static void
on_failed (ConfabCall *call, GError *error, gpointer data)
{
  Demo *demo = data;
  guint side = call == demo->peers[0] ? 0 : 1;
  g_printerr (_ ("confab: the %s failed: %s\n"), _ (side_names[side]), error->message);
  demo_finish (demo, CONFAB_EXIT_FAILURE);
}

static void
update_window_status (Demo *demo)
{
  if (!demo->window)
    return;
  for (guint i = 0; i < 2; i++)
    {
      g_auto (ConfabCallStats) stats = { 0 };
      confab_call_get_stats (demo->peers[i], &stats);
      g_autofree char *text
          = stats.state == CONFAB_CALL_STATE_IN_CALL ? confab_cli_describe_pair (&stats) : NULL;
      confab_demo_window_set_status (demo->window, i,
                                     text ?: confab_call_state_to_string (stats.state));
    }
}

static void
on_state (GObject *object, GParamSpec *pspec, gpointer data)
{
  Demo *demo = data;

  update_window_status (demo);
  if (demo->in_call || !demo->peers[1])
    return;
  if (confab_call_get_state (demo->peers[0]) != CONFAB_CALL_STATE_IN_CALL
      || confab_call_get_state (demo->peers[1]) != CONFAB_CALL_STATE_IN_CALL)
    return;

  demo->in_call = TRUE;
  g_clear_handle_id (&demo->setup_timer, g_source_remove);
  g_auto (ConfabCallStats) stats = { 0 };
  confab_call_get_stats (demo->peers[0], &stats);
  g_printerr (_ ("confab: connected %.1f ms after the answer was applied\n"),
              (stats.ice.connected_time - stats.ice.remote_applied_time) / 1000.0);

  int duration = demo->cli->duration;
  if (duration == 0 && !demo->gui)
    duration = DEMO_DEFAULT_DURATION_S;
  if (duration > 0)
    {
      g_printerr (_ ("confab: calling for %d seconds…\n"), duration);
      demo->duration_timer = g_timeout_add (duration * 1000, on_duration_over, demo);
    }
}

static void
on_remote_frame (GstSample *sample, gboolean remote, gpointer data)
{
  if (remote)
    confab_video_paintable_push_sample (data, sample);
}

/* One side has gathered: its offer or answer goes to the other, as the
 * two people of a real call would copy it. */
static gboolean
hand_over (Demo *demo, GObject *source, GAsyncResult *result)
{
  ConfabCall *from = CONFAB_CALL (source);
  gboolean offer = from == demo->peers[0];
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (!confab_call_gather_finish (from, result, &error)
      || !(text = confab_call_create_local_description (from, &error)))
    g_printerr (offer ? _ ("confab: the caller could not make an offer: %s\n")
                      : _ ("confab: the callee could not answer: %s\n"),
                error->message);
  else
    {
      g_printerr (offer ? _ ("confab: the caller offered (%zu bytes); the callee reads it\n")
                        : _ ("confab: the callee answered (%zu bytes); the caller applies it\n"),
                  strlen (text));
      if (confab_call_set_remote_description (demo->peers[offer ? 1 : 0], text, -1, &error))
        return TRUE;
      g_printerr (offer ? _ ("confab: the callee rejected the offer: %s\n")
                        : _ ("confab: the caller rejected the answer: %s\n"),
                  error->message);
    }
  demo_finish (demo, CONFAB_EXIT_FAILURE);
  return FALSE;
}

static void
on_callee_gathered (GObject *source, GAsyncResult *result, gpointer data)
{
  hand_over (data, source, result);
}

static void
on_caller_gathered (GObject *source, GAsyncResult *result, gpointer data)
{
  Demo *demo = data;

  if (!hand_over (demo, source, result))
    return;
  if (demo->window)
    confab_call_pipeline_set_video_frame_func (
        confab_call_get_pipeline (demo->peers[1]), on_remote_frame,
        g_object_ref (confab_demo_window_get_paintable (demo->window, 1)), g_object_unref);
  confab_call_gather_async (demo->peers[1], NULL, on_callee_gathered, demo);
}

static gboolean
start_demo (Demo *demo)
{
  g_autoptr (GError) error = NULL;
  ConfabCallOptions options;

  confab_call_options_init (&options);
  if (!confab_cli_build_call_options (demo->cli, &options, &error))
    {
      g_printerr ("confab: %s\n", error->message);
      confab_call_options_clear (&options);
      demo->done = TRUE;
      demo->status = CONFAB_EXIT_USAGE;
      return FALSE;
    }
  /* Loopback: the demo must work on a machine with no network at all. */
  if (!options.local_addresses)
    options.local_addresses = g_strdupv ((char *[]){ "127.0.0.1", NULL });

  for (guint i = 0; i < 2; i++)
    {
      demo->peers[i]
          = confab_call_new (i == 0 ? CONFAB_SDP_OFFER : CONFAB_SDP_ANSWER, &options, &error);
      if (!demo->peers[i])
        {
          g_printerr ("confab: %s\n", error->message);
          confab_call_options_clear (&options);
          demo->done = TRUE;
          demo->status = CONFAB_EXIT_FAILURE;
          return FALSE;
        }
      g_signal_connect (demo->peers[i], "failed", G_CALLBACK (on_failed), demo);
      g_signal_connect (demo->peers[i], "notify::state", G_CALLBACK (on_state), demo);
    }
  confab_call_options_clear (&options);

  if (demo->window)
    confab_call_pipeline_set_video_frame_func (
        confab_call_get_pipeline (demo->peers[0]), on_remote_frame,
        g_object_ref (confab_demo_window_get_paintable (demo->window, 0)), g_object_unref);

  demo->setup_timer = g_timeout_add_seconds (DEMO_SETUP_TIMEOUT_S, on_setup_timeout, demo);
  if (demo->cli->stats)
    demo->stats_timer = g_timeout_add_seconds (1, on_stats_timer, demo);
  g_printerr (_ ("confab: the caller gathers candidates…\n"));
  confab_call_gather_async (demo->peers[0], NULL, on_caller_gathered, demo);
  return TRUE;
}

static void
print_summary (Demo *demo)
{
  printf ("%s\n", _ ("Confab demo: two peers over loopback ICE"));
  for (guint i = 0; i < 2; i++)
    {
      if (!demo->peers[i])
        continue;
      g_auto (ConfabCallStats) s = { 0 };
      confab_call_get_stats (demo->peers[i], &s);
      printf ("\n%s (%s)\n", i == 0 ? _ ("Caller") : _ ("Callee"),
              i == 0 ? _ ("ICE controlling") : _ ("ICE controlled"));
      g_autofree char *pair = confab_cli_describe_pair (&s);
      printf ("  %-16s %s\n", _ ("selected pair"), pair ?: _ ("none"));
      printf ("  %-16s %s, %.1f s in the call\n", _ ("state"),
              confab_call_state_to_string (s.state), s.elapsed_s);
      if (s.ice.connected_time && s.ice.remote_applied_time)
        printf ("  %-16s %.1f ms after the answer was applied\n", _ ("connected"),
                (s.ice.connected_time - s.ice.remote_applied_time) / 1000.0);
      printf ("  %-16s DTLS %s, %s, %s; security code %s\n", _ ("encryption"),
              confab_dtls_state_to_string (s.dtls.state), s.dtls.srtp_profile ?: _ ("no keys"),
              s.dtls.fingerprint_verified ? _ ("certificate checked")
                                          : _ ("certificate not checked"),
              s.sas ?: "—");
      printf ("  %-16s %" G_GUINT64_FORMAT " packets sent, %" G_GUINT64_FORMAT
              " received, %" G_GUINT64_FORMAT " lost; %" G_GUINT64_FORMAT
              " frames sent, %" G_GUINT64_FORMAT " decoded (%ux%u)\n",
              _ ("video"), s.media.video.packets_sent, s.media.video.packets_received,
              s.media.video.packets_lost, s.media.video.frames_encoded,
              s.media.video.frames_decoded, s.media.video.width, s.media.video.height);
      printf ("  %-16s %" G_GUINT64_FORMAT " packets sent, %" G_GUINT64_FORMAT
              " received, %" G_GUINT64_FORMAT " lost; %" G_GUINT64_FORMAT
              " frames sent, %" G_GUINT64_FORMAT " decoded\n",
              _ ("audio"), s.media.audio.packets_sent, s.media.audio.packets_received,
              s.media.audio.packets_lost, s.media.audio.frames_encoded,
              s.media.audio.frames_decoded);
    }
  fflush (stdout);
}

static void
on_activate (GtkApplication *app, gpointer data)
{
  Demo *demo = data;
  if (demo->window)
    {
      gtk_window_present (GTK_WINDOW (demo->window));
      return;
    }
  demo->window = confab_demo_window_new (app);
  gtk_window_present (GTK_WINDOW (demo->window));
  if (!start_demo (demo))
    g_application_quit (G_APPLICATION (app));
}

int
confab_demo_run (int argc, char **argv)
{
  ConfabCliOptions cli = { 0 };
  gboolean headless = FALSE;
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("");
  const GOptionEntry entries[] = {
    { "headless", 0, 0, G_OPTION_ARG_NONE, &headless,
      N_ ("Print a summary instead of opening a window, even when a display is available"), NULL },
    { NULL },
  };

  g_option_context_set_summary (
      context,
      _ ("Two peers in this process call each other over loopback ICE, with a test pattern "
         "and a tone unless --video/--audio say otherwise. With a display, a window shows "
         "both received videos; without one (or with --headless) the call runs for "
         "--duration seconds (default 10) and a summary is printed."));
  g_option_context_set_main_group (context, confab_cli_option_group (&cli));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("confab: %s\n", error->message);
      confab_cli_options_clear (&cli);
      return CONFAB_EXIT_USAGE;
    }
  if (cli.verbose)
    g_setenv ("G_MESSAGES_DEBUG", "confab-app confab-transport confab-media", TRUE);

  Demo demo = { 0 };
  demo.cli = &cli;
  demo.gui
      = !headless && (g_getenv ("DISPLAY") || g_getenv ("WAYLAND_DISPLAY")) && gtk_init_check ();
  demo.sigint = g_unix_signal_add (SIGINT, on_sigint, &demo);

  if (demo.gui)
    {
      adw_init ();
      demo.app = GTK_APPLICATION (
          adw_application_new ("org.confab.Confab.Demo", G_APPLICATION_NON_UNIQUE));
      g_signal_connect (demo.app, "activate", G_CALLBACK (on_activate), &demo);
      g_application_run (G_APPLICATION (demo.app), 0, NULL);
      /* Closing the window ends the demo normally. */
      if (!demo.done)
        demo_finish (&demo, demo.in_call ? CONFAB_EXIT_OK : CONFAB_EXIT_FAILURE);
    }
  else
    {
      demo.loop = g_main_loop_new (NULL, FALSE);
      if (start_demo (&demo) && !demo.done)
        g_main_loop_run (demo.loop);
    }

  confab_cli_write_stats (cli.stats, demo.peers[0]);
  if (demo.peers[0])
    print_summary (&demo);

  g_clear_handle_id (&demo.stats_timer, g_source_remove);
  g_clear_handle_id (&demo.sigint, g_source_remove);
  for (guint i = 0; i < 2; i++)
    if (demo.peers[i])
      {
        g_signal_handlers_disconnect_by_data (demo.peers[i], &demo);
        g_clear_object (&demo.peers[i]);
      }
  while (g_main_context_iteration (NULL, FALSE))
    ;
  if (demo.window)
    gtk_window_destroy (GTK_WINDOW (demo.window));
  g_clear_object (&demo.app);
  g_clear_pointer (&demo.loop, g_main_loop_unref);
  confab_cli_options_clear (&cli);
  return demo.status;
}
