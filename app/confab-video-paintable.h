/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GdkPaintable showing the newest video frame. Frames come from a
 * GStreamer streaming thread as RGBA GstSamples; only the newest one is
 * kept, and the UI thread is told once per frame at most, so a slow UI
 * drops frames instead of queueing them.
 */
#pragma once

#include <gst/gst.h>
#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CONFAB_TYPE_VIDEO_PAINTABLE (confab_video_paintable_get_type ())
G_DECLARE_FINAL_TYPE (ConfabVideoPaintable, confab_video_paintable, CONFAB, VIDEO_PAINTABLE,
                      GObject)

ConfabVideoPaintable *confab_video_paintable_new (void) G_GNUC_WARN_UNUSED_RESULT;

/* Thread-safe; does not block. */
void confab_video_paintable_push_sample (ConfabVideoPaintable *self, GstSample *sample);

guint64 confab_video_paintable_get_frames_shown (ConfabVideoPaintable *self);
/* The frame shown now (UI thread), or NULL before the first. */
GdkTexture *confab_video_paintable_get_texture (ConfabVideoPaintable *self);

G_END_DECLS
