/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-media-elements.h"

#include "confab-media-devices-private.h"

#include <glib/gi18n-lib.h>
#include "confab-media-meters.h"

#include <gst/app/gstappsink.h>

static const char *
package_for_element (const char *factory)
{
  static const struct
  {
    const char *factory;
    const char *package;
  } packages[] = {
    { "queue", "libgstreamer1.0-0" },
    { "tee", "libgstreamer1.0-0" },
    { "capsfilter", "libgstreamer1.0-0" },
    { "fakesink", "libgstreamer1.0-0" },
    { "appsrc", "gstreamer1.0-plugins-base" },
    { "appsink", "gstreamer1.0-plugins-base" },
    { "videotestsrc", "gstreamer1.0-plugins-base" },
    { "audiotestsrc", "gstreamer1.0-plugins-base" },
    { "videoconvert", "gstreamer1.0-plugins-base" },
    { "videoscale", "gstreamer1.0-plugins-base" },
    { "videorate", "gstreamer1.0-plugins-base" },
    { "audioconvert", "gstreamer1.0-plugins-base" },
    { "audioresample", "gstreamer1.0-plugins-base" },
    { "volume", "gstreamer1.0-plugins-base" },
    { "opusenc", "gstreamer1.0-plugins-base" },
    { "opusdec", "gstreamer1.0-plugins-base" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (packages); i++)
    if (g_str_equal (packages[i].factory, factory))
      return packages[i].package;

  /* rtpbin, rtpfunnel, the RTP (de)payloaders, vp8enc/vp8dec, v4l2src and
   * autoaudiosink. */
  return "gstreamer1.0-plugins-good";
}

GstElement *
confab_media_add_element (GstBin *bin, const char *factory, const char *name, GError **error)
{
  GstElement *element = gst_element_factory_make (factory, name);

  if (element == NULL)
    {
      g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_MISSING_ELEMENT,
                   _ ("The GStreamer element “%s” is missing (install %s)"), factory,
                   package_for_element (factory));
      return NULL;
    }

  gst_bin_add (bin, element);
  return element;
}

GstElement *
confab_media_add_device_element (GstBin *bin, GstDevice *device, ConfabMediaDeviceKind kind,
                                 const char *id, const char *name, GError **error)
{
  g_autoptr (GstDevice) found = NULL;
  GstElement *element;

  if (device == NULL && (device = found = confab_media_device_find (kind, id, error)) == NULL)
    return NULL;

  element = gst_device_create_element (device, name);
  if (element == NULL)
    {
      g_autofree char *display_name = gst_device_get_display_name (device);

      g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_NO_DEVICE,
                   _ ("The device “%s” cannot be opened"), display_name);
      return NULL;
    }

  gst_bin_add (bin, element);
  return element;
}

GstElement *
confab_media_add_capsfilter (GstBin *bin, GstCaps *caps, GError **error)
{
  GstElement *filter = confab_media_add_element (bin, "capsfilter", NULL, error);

  if (filter != NULL)
    g_object_set (filter, "caps", caps, NULL);
  gst_caps_unref (caps);

  return filter;
}

gboolean
confab_media_link_elements (GError **error, GstElement *first, ...)
{
  va_list args;
  GstElement *previous = first;
  GstElement *next;
  gboolean ok = TRUE;

  va_start (args, first);
  while (ok && (next = va_arg (args, GstElement *)) != NULL)
    {
      if (!gst_element_link (previous, next))
        {
          g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_PIPELINE,
                       _ ("Could not link %s to %s"), GST_OBJECT_NAME (previous),
                       GST_OBJECT_NAME (next));
          ok = FALSE;
        }
      previous = next;
    }
  va_end (args);

  return ok;
}

gboolean
confab_media_link_pads (GstElement *src, const char *src_pad_name, GstElement *sink,
                        const char *sink_pad_name, GError **error)
{
  g_autoptr (GstPad) src_pad = gst_element_get_static_pad (src, src_pad_name);
  g_autoptr (GstPad) sink_pad = NULL;

  if (src_pad == NULL)
    src_pad = gst_element_request_pad_simple (src, src_pad_name);
  sink_pad = gst_element_get_static_pad (sink, sink_pad_name);
  if (sink_pad == NULL)
    sink_pad = gst_element_request_pad_simple (sink, sink_pad_name);

  if (src_pad == NULL || sink_pad == NULL || GST_PAD_LINK_FAILED (gst_pad_link (src_pad, sink_pad)))
    {
      g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_PIPELINE,
                   _ ("Could not link %s:%s to %s:%s"), GST_OBJECT_NAME (src), src_pad_name,
                   GST_OBJECT_NAME (sink), sink_pad_name);
      return FALSE;
    }

  return TRUE;
}

void
confab_media_add_probe (GstElement *element, const char *pad_name, GstPadProbeType mask,
                        GstPadProbeCallback callback, gpointer user_data)
{
  g_autoptr (GstPad) pad = gst_element_get_static_pad (element, pad_name);

  gst_pad_add_probe (pad, mask, callback, user_data, NULL);
}

guint
confab_media_count_buffers (GstPadProbeInfo *info)
{
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    return gst_buffer_list_length (GST_PAD_PROBE_INFO_BUFFER_LIST (info));
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    return 1;
  return 0;
}

static GstFlowReturn
deliver_frame (GstAppSink *sink, ConfabCallbackSlot *slot, gboolean remote)
{
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);

  if (sample == NULL)
    return GST_FLOW_EOS;

  confab_callback_slot_lock (slot);
  if (slot->func != NULL)
    ((ConfabVideoFrameFunc) slot->func) (sample, remote, slot->data);
  confab_callback_slot_unlock (slot);

  return GST_FLOW_OK;
}

static GstFlowReturn
on_remote_frame_sample (GstAppSink *sink, gpointer user_data)
{
  return deliver_frame (sink, user_data, TRUE);
}

static GstFlowReturn
on_local_frame_sample (GstAppSink *sink, gpointer user_data)
{
  return deliver_frame (sink, user_data, FALSE);
}

GstElement *
confab_media_add_frame_sink (GstBin *bin, const char *name, gboolean remote,
                             ConfabCallbackSlot *slot, GError **error)
{
  GstAppSinkCallbacks callbacks = {
    .new_sample = remote ? on_remote_frame_sample : on_local_frame_sample,
  };
  GstElement *sink = confab_media_add_element (bin, "appsink", name, error);
  g_autoptr (GstCaps) caps = NULL;

  if (sink == NULL)
    return NULL;

  caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "RGBA", NULL);
  /* A slow consumer loses frames rather than stalling the stream behind
   * it. */
  g_object_set (sink, "caps", caps, "sync", remote, "async", FALSE, "max-buffers", 2, "drop", TRUE,
                "enable-last-sample", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, slot, NULL);

  return sink;
}

void
confab_media_report_level (ConfabCallbackSlot *slot, GstBuffer *buffer, gboolean remote)
{
  GstMapInfo map;
  double dbfs;

  confab_callback_slot_lock (slot);
  if (slot->func != NULL && gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      if (confab_audio_level_s16 ((const gint16 *) map.data, map.size / sizeof (gint16), &dbfs))
        ((ConfabAudioLevelFunc) slot->func) (dbfs, remote, slot->data);
      gst_buffer_unmap (buffer, &map);
    }
  confab_callback_slot_unlock (slot);
}
