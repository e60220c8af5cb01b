/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-demo-window.h"

#include <glib/gi18n.h>

struct _ConfabDemoWindow
{
  AdwApplicationWindow parent_instance;

  ConfabVideoPaintable *paintables[2];
  GtkLabel *status[2];
};

G_DEFINE_FINAL_TYPE (ConfabDemoWindow, confab_demo_window, ADW_TYPE_APPLICATION_WINDOW)

static void
confab_demo_window_dispose (GObject *object)
{
  ConfabDemoWindow *self = CONFAB_DEMO_WINDOW (object);

  g_clear_object (&self->paintables[0]);
  g_clear_object (&self->paintables[1]);

  G_OBJECT_CLASS (confab_demo_window_parent_class)->dispose (object);
}

static void
confab_demo_window_class_init (ConfabDemoWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = confab_demo_window_dispose;
}

static GtkWidget *
make_side (ConfabDemoWindow *self, guint side, const char *title)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *heading = gtk_label_new (title);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (box), heading);

  self->paintables[side] = confab_video_paintable_new ();
  GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (self->paintables[side]));
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
  gtk_widget_set_vexpand (picture, TRUE);
  gtk_widget_set_hexpand (picture, TRUE);
  gtk_widget_set_size_request (picture, 160, 90);
  gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  gtk_box_append (GTK_BOX (box), picture);

  self->status[side] = GTK_LABEL (gtk_label_new (_ ("Connecting…")));
  gtk_label_set_wrap (self->status[side], TRUE);
  gtk_label_set_selectable (self->status[side], TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->status[side]), "dim-label");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status[side]));
  return box;
}

static void
confab_demo_window_init (ConfabDemoWindow *self)
{
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  adw_header_bar_set_title_widget (
      ADW_HEADER_BAR (header),
      adw_window_title_new (_ ("Confab demo"), _ ("Two peers calling each other over loopback")));
  gtk_box_append (GTK_BOX (toolbar), header);

  GtkWidget *sides = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_box_set_homogeneous (GTK_BOX (sides), TRUE);
  gtk_widget_set_margin_start (sides, 12);
  gtk_widget_set_margin_end (sides, 12);
  gtk_widget_set_margin_top (sides, 12);
  gtk_widget_set_margin_bottom (sides, 12);
  gtk_box_append (GTK_BOX (sides), make_side (self, 0, _ ("The caller receives")));
  gtk_box_append (GTK_BOX (sides), make_side (self, 1, _ ("The callee receives")));
  gtk_widget_set_vexpand (sides, TRUE);
  gtk_box_append (GTK_BOX (toolbar), sides);

  adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), toolbar);
  gtk_window_set_default_size (GTK_WINDOW (self), 960, 440);
  gtk_window_set_title (GTK_WINDOW (self), _ ("Confab demo"));
}

ConfabDemoWindow *
confab_demo_window_new (GtkApplication *app)
{
  return g_object_new (CONFAB_TYPE_DEMO_WINDOW, "application", app, NULL);
}

ConfabVideoPaintable *
confab_demo_window_get_paintable (ConfabDemoWindow *self, guint side)
{
  g_return_val_if_fail (side < 2, NULL);
  return self->paintables[side];
}

void
confab_demo_window_set_status (ConfabDemoWindow *self, guint side, const char *text)
{
  g_return_if_fail (side < 2);
  gtk_label_set_text (self->status[side], text);
}
