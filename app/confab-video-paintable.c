/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-video-paintable.h"

#include <gst/video/video.h>

struct _ConfabVideoPaintable
{
  GObject parent_instance;

  GMainContext *context;
  GdkTexture *texture;  /* UI thread only */
  guint64 frames_shown; /* UI thread only */

  GMutex lock;
  GdkTexture *pending; /* newest frame not yet shown */
  gboolean update_scheduled;
};

static void confab_video_paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConfabVideoPaintable, confab_video_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      confab_video_paintable_iface_init))

static void
confab_video_paintable_snapshot (GdkPaintable *paintable, GdkSnapshot *snapshot, double width,
                                 double height)
{
  ConfabVideoPaintable *self = CONFAB_VIDEO_PAINTABLE (paintable);

  if (self->texture)
    gdk_paintable_snapshot (GDK_PAINTABLE (self->texture), snapshot, width, height);
  else
    {
      GdkRGBA black = { 0, 0, 0, 1 };
      gtk_snapshot_append_color (GTK_SNAPSHOT (snapshot), &black,
                                 &GRAPHENE_RECT_INIT (0, 0, width, height));
    }
}

static int
confab_video_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  ConfabVideoPaintable *self = CONFAB_VIDEO_PAINTABLE (paintable);
  return self->texture ? gdk_texture_get_width (self->texture) : 640;
}

static int
confab_video_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  ConfabVideoPaintable *self = CONFAB_VIDEO_PAINTABLE (paintable);
  return self->texture ? gdk_texture_get_height (self->texture) : 360;
}

static void
confab_video_paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = confab_video_paintable_snapshot;
  iface->get_intrinsic_width = confab_video_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = confab_video_paintable_get_intrinsic_height;
}

static void
confab_video_paintable_finalize (GObject *object)
{
  ConfabVideoPaintable *self = CONFAB_VIDEO_PAINTABLE (object);

  g_clear_object (&self->texture);
  g_clear_object (&self->pending);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (confab_video_paintable_parent_class)->finalize (object);
}

static void
confab_video_paintable_class_init (ConfabVideoPaintableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = confab_video_paintable_finalize;
}

static void
confab_video_paintable_init (ConfabVideoPaintable *self)
{
  g_mutex_init (&self->lock);
  self->context = g_main_context_ref_thread_default ();
}

ConfabVideoPaintable *
confab_video_paintable_new (void)
{
  return g_object_new (CONFAB_TYPE_VIDEO_PAINTABLE, NULL);
}

static gboolean
on_update (gpointer data)
{
  ConfabVideoPaintable *self = data;

  g_mutex_lock (&self->lock);
  GdkTexture *texture = g_steal_pointer (&self->pending);
  self->update_scheduled = FALSE;
  g_mutex_unlock (&self->lock);

  if (!texture)
    return G_SOURCE_REMOVE;

  gboolean size_changed
      = !self->texture || gdk_texture_get_width (texture) != gdk_texture_get_width (self->texture)
        || gdk_texture_get_height (texture) != gdk_texture_get_height (self->texture);
  g_clear_object (&self->texture);
  self->texture = texture;
  self->frames_shown++;
  if (size_changed)
    gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
  return G_SOURCE_REMOVE;
}

static void
free_mapped_frame (gpointer data)
{
  GstVideoFrame *frame = data;
  gst_video_frame_unmap (frame);
  g_free (frame);
}

void
confab_video_paintable_push_sample (ConfabVideoPaintable *self, GstSample *sample)
{
  g_return_if_fail (CONFAB_IS_VIDEO_PAINTABLE (self));

  GstVideoInfo info;
  GstCaps *caps = gst_sample_get_caps (sample);
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  if (!caps || !buffer || !gst_video_info_from_caps (&info, caps)
      || GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_FORMAT_RGBA)
    return;

  /* The texture borrows the mapped buffer rather than copying it; the
   * GBytes keeps the mapping (and so the buffer) alive. */
  GstVideoFrame *frame = g_new0 (GstVideoFrame, 1);
  if (!gst_video_frame_map (frame, &info, buffer, GST_MAP_READ))
    {
      g_free (frame);
      return;
    }
  gsize stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  g_autoptr (GBytes) bytes = g_bytes_new_with_free_func (GST_VIDEO_FRAME_PLANE_DATA (frame, 0),
                                                         stride * GST_VIDEO_INFO_HEIGHT (&info),
                                                         free_mapped_frame, frame);
  GdkTexture *texture
      = gdk_memory_texture_new (GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_HEIGHT (&info),
                                GDK_MEMORY_R8G8B8A8, bytes, stride);

  g_mutex_lock (&self->lock);
  g_clear_object (&self->pending);
  self->pending = texture;
  gboolean schedule = !self->update_scheduled;
  self->update_scheduled = TRUE;
  g_mutex_unlock (&self->lock);

  /* An idle source, not g_main_context_invoke(): invoke would run on_update
   * right here, on the streaming thread, whenever the UI context is idle. */
  if (schedule)
    {
      GSource *source = g_idle_source_new ();
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, on_update, g_object_ref (self), g_object_unref);
      g_source_attach (source, self->context);
      g_source_unref (source);
    }
}

guint64
confab_video_paintable_get_frames_shown (ConfabVideoPaintable *self)
{
  return self->frames_shown;
}

GdkTexture *
confab_video_paintable_get_texture (ConfabVideoPaintable *self)
{
  g_return_val_if_fail (CONFAB_IS_VIDEO_PAINTABLE (self), NULL);
  return self->texture;
}
