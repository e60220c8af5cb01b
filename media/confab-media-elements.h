/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Building blocks for the call pipeline's parts (media/ only): element
 * creation that names the missing package, linking with CONFAB_MEDIA_ERROR
 * errors, probes, and the appsink that hands decoded frames to the frame
 * callback.
 */
#pragma once

#include "confab-call-pipeline.h"
#include "confab-callback-slot.h"
#include "confab-media-devices.h"

#include <gst/gst.h>

G_BEGIN_DECLS

/* Creates an element and adds it to @bin at once, so that a floating
 * reference never needs to be dropped on an error path. */
GstElement *confab_media_add_element (GstBin *bin, const char *factory, const char *name,
                                      GError **error);
/* The element of @device (or, with @device NULL, of the device of @kind
 * with @id, NULL: the default one), added to @bin. */
GstElement *confab_media_add_device_element (GstBin *bin, GstDevice *device,
                                             ConfabMediaDeviceKind kind, const char *id,
                                             const char *name, GError **error);
/* Takes @caps. */
GstElement *confab_media_add_capsfilter (GstBin *bin, GstCaps *caps, GError **error);

gboolean confab_media_link_elements (GError **error, GstElement *first, ...) G_GNUC_NULL_TERMINATED;
/* Static pads, else request pads (e.g. "sink_%u"). */
gboolean confab_media_link_pads (GstElement *src, const char *src_pad_name, GstElement *sink,
                                 const char *sink_pad_name, GError **error);

void confab_media_add_probe (GstElement *element, const char *pad_name, GstPadProbeType mask,
                             GstPadProbeCallback callback, gpointer user_data);
/* Buffers in a buffer or buffer list probe. */
guint confab_media_count_buffers (GstPadProbeInfo *info);

/* An appsink that hands RGBA frames to the ConfabVideoFrameFunc in @slot.
 * The remote frames are clocked like the audio (lip sync); the preview is
 * shown as soon as it is captured. */
GstElement *confab_media_add_frame_sink (GstBin *bin, const char *name, gboolean remote,
                                         ConfabCallbackSlot *slot, GError **error);

/* Hands the RMS level of @buffer, 16-bit native-endian samples (what
 * opusenc takes and opusdec gives), to the ConfabAudioLevelFunc in @slot. */
void confab_media_report_level (ConfabCallbackSlot *slot, GstBuffer *buffer, gboolean remote);

G_END_DECLS
