/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Screenshots of widgets for GUI tests, saved as test artifacts under
 * $CONFAB_BUILD_DIR/tests/app/.
 */
#pragma once

#include <gtk/gtk.h>

typedef struct
{
  GtkWidget *widget;
  GskRenderNode *node;
  int width, height;
} ConfabTestShot;

/* Right after a frame is painted every render node is fresh; at other
 * moments a widget whose content was just invalidated (video does that 30
 * times a second) may have nothing to copy yet. */
static void
confab_test_on_after_paint (GdkFrameClock *clock, gpointer data)
{
  ConfabTestShot *shot = data;
  if (shot->node)
    return;
  shot->width = gtk_widget_get_width (shot->widget);
  shot->height = gtk_widget_get_height (shot->widget);
  if (shot->width <= 0 || shot->height <= 0)
    return;

  GdkRGBA background = { 0.98, 0.98, 0.98, 1 };
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_lookup_color (gtk_widget_get_style_context (shot->widget), "window_bg_color",
                                  &background);
  G_GNUC_END_IGNORE_DEPRECATIONS

  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (shot->widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  /* A widget below the window has no background of its own. */
  gtk_snapshot_append_color (snapshot, &background,
                             &GRAPHENE_RECT_INIT (0, 0, shot->width, shot->height));
  gdk_paintable_snapshot (paintable, snapshot, shot->width, shot->height);
  shot->node = gtk_snapshot_free_to_node (snapshot);
}

static void
confab_test_save_screenshot (GtkWidget *widget, const char *name)
{
  const char *build_dir = g_getenv ("CONFAB_BUILD_DIR");
  g_autofree char *dir
      = build_dir ? g_build_filename (build_dir, "tests", "app", NULL) : g_get_current_dir ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  ConfabTestShot shot = { widget, NULL, 0, 0 };
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gulong id
      = g_signal_connect (clock, "after-paint", G_CALLBACK (confab_test_on_after_paint), &shot);
  /* The caller's watchdog ends a wait that never succeeds. */
  while (!shot.node)
    {
      gtk_widget_queue_draw (widget);
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, id);

  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  g_autoptr (GdkTexture) texture = gsk_renderer_render_texture (
      renderer, shot.node, &GRAPHENE_RECT_INIT (0, 0, shot.width, shot.height));
  gsk_render_node_unref (shot.node);
  g_mkdir_with_parents (dir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}
