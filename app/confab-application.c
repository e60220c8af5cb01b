/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-application.h"

#include <glib/gi18n.h>

#include "confab-resources.h"
#include "confab-preferences-window.h"
#include "confab-window.h"

struct _ConfabApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (ConfabApplication, confab_application, ADW_TYPE_APPLICATION)

void
confab_application_register_resources (void)
{
  static gsize done = 0;
  if (g_once_init_enter (&done))
    {
      g_resources_register (confab_get_resource ());
      /* AdwApplication loads style.css for its own windows; windows made
       * without it (tests, embedding) need it too. */
      GdkDisplay *display = gdk_display_get_default ();
      if (display)
        {
          g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();
          gtk_css_provider_load_from_resource (css, "/org/confab/Confab/style.css");
          gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (css),
                                                      GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
          /* The icon, also when Confab runs from its build folder. */
          gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (display),
                                            "/org/confab/Confab/icons");
        }
      g_once_init_leave (&done, 1);
    }
}

static void
on_quit (GSimpleAction *action, GVariant *param, gpointer data)
{
  g_application_quit (G_APPLICATION (data));
}

static void
on_about (GSimpleAction *action, GVariant *param, gpointer data)
{
  GtkApplication *app = data;
  const char *developers[] = { _ ("The Confab developers"), NULL };
  GtkWidget *about = adw_about_window_new ();
  g_object_set (about, "transient-for", gtk_application_get_active_window (app), "application-name",
                _ ("Confab"), "application-icon", "org.confab.Confab", "version", PACKAGE_VERSION,
                "developers", developers, "license-type", GTK_LICENSE_GPL_3_0, "comments",
                _ ("Video calls between two people with no server in the middle"), NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
on_preferences (GSimpleAction *action, GVariant *param, gpointer data)
{
  GtkApplication *app = data;
  GtkWindow *parent = gtk_application_get_active_window (app);
  GtkWindow *prefs = confab_preferences_window_new_for (parent);
  if (prefs)
    gtk_window_present (prefs);
}

static void
confab_application_activate (GApplication *app)
{
  ConfabWindow *window = confab_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (window));
}

static void
confab_application_startup (GApplication *app)
{
  static const GActionEntry entries[] = {
    { "quit", on_quit },
    { "about", on_about },
    { "preferences", on_preferences },
  };

  confab_application_register_resources ();
  G_APPLICATION_CLASS (confab_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), entries, G_N_ELEMENTS (entries), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit",
                                         (const char *[]){ "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences",
                                         (const char *[]){ "<Control>comma", NULL });
}

static void
confab_application_class_init (ConfabApplicationClass *klass)
{
  G_APPLICATION_CLASS (klass)->activate = confab_application_activate;
  G_APPLICATION_CLASS (klass)->startup = confab_application_startup;
}

static void
confab_application_init (ConfabApplication *self)
{
}

ConfabApplication *
confab_application_new (void)
{
  /* Not unique: two windows of two instances are how people test a call
   * on one machine, and the demo runs beside the app. */
  return g_object_new (CONFAB_TYPE_APPLICATION, "application-id", "org.confab.Confab", "flags",
                       G_APPLICATION_NON_UNIQUE, "resource-base-path", "/org/confab/Confab", NULL);
}
