/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-media-devices-private.h"

#include "confab-call-pipeline.h"

#include <glib/gi18n-lib.h>

ConfabMediaDevice *
confab_media_device_copy (const ConfabMediaDevice *device)
{
  ConfabMediaDevice *copy;

  g_return_val_if_fail (device != NULL, NULL);

  copy = g_new0 (ConfabMediaDevice, 1);
  copy->id = g_strdup (device->id);
  copy->display_name = g_strdup (device->display_name);

  return copy;
}

void
confab_media_device_free (ConfabMediaDevice *device)
{
  if (device == NULL)
    return;

  g_free (device->id);
  g_free (device->display_name);
  g_free (device);
}

static void
kind_filter (ConfabMediaDeviceKind kind, const char **device_class, const char **caps)
{
  /* Raw caps only: the pipeline converts and scales raw video and audio,
   * it does not decode a camera's MJPEG. */
  switch (kind)
    {
    case CONFAB_MEDIA_DEVICE_CAMERA:
      *device_class = "Video/Source";
      *caps = "video/x-raw";
      break;
    case CONFAB_MEDIA_DEVICE_MICROPHONE:
      *device_class = "Audio/Source";
      *caps = "audio/x-raw";
      break;
    case CONFAB_MEDIA_DEVICE_SPEAKER:
    default:
      *device_class = "Audio/Sink";
      *caps = "audio/x-raw";
      break;
    }
}

static char *
device_id (GstDevice *device)
{
  /* Most stable first: PipeWire's object path survives reboots and
   * replugging into the same port, v4l2's device path is what a user
   * types. */
  static const char *const keys[] = { "object.path", "node.name", "device.path" };
  g_autoptr (GstStructure) properties = gst_device_get_properties (device);

  for (gsize i = 0; properties != NULL && i < G_N_ELEMENTS (keys); i++)
    {
      const char *value = gst_structure_get_string (properties, keys[i]);

      if (value != NULL && *value != '\0')
        return g_strdup (value);
    }

  /* PulseAudio keeps its source or sink name out of the properties. */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (device), "internal-name") != NULL)
    {
      char *name = NULL;

      g_object_get (device, "internal-name", &name, NULL);
      if (name != NULL && *name != '\0')
        return name;
      g_free (name);
    }

  return gst_device_get_display_name (device);
}

/* A microphone list should not offer what the speakers play (PulseAudio's
 * monitor sources). */
static gboolean
is_monitor (GstDevice *device)
{
  g_autoptr (GstStructure) properties = gst_device_get_properties (device);

  return properties != NULL
         && g_strcmp0 (gst_structure_get_string (properties, "device.class"), "monitor") == 0;
}

static gboolean
is_default (GstDevice *device)
{
  g_autoptr (GstStructure) properties = gst_device_get_properties (device);
  gboolean value = FALSE;

  return properties != NULL && gst_structure_get_boolean (properties, "is-default", &value)
         && value;
}

/* Returns the GstDevices of @kind, without monitors of sinks. */
static GList *
probe_devices (ConfabMediaDeviceKind kind)
{
  g_autoptr (GstDeviceMonitor) monitor = NULL;
  g_autoptr (GstCaps) caps = NULL;
  const char *device_class, *caps_string;
  GList *devices;

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);

  kind_filter (kind, &device_class, &caps_string);
  monitor = gst_device_monitor_new ();
  caps = gst_caps_from_string (caps_string);
  gst_device_monitor_add_filter (monitor, device_class, caps);

  /* A monitor that is not started probes each provider once,
   * synchronously: the same list as start, get, stop, without starting
   * the providers' hotplug threads (PulseAudio's main loop, udev) only to
   * stop them again, and without stop's complaints about a provider that
   * failed to start (no sound server). */
  devices = gst_device_monitor_get_devices (monitor);

  if (kind == CONFAB_MEDIA_DEVICE_MICROPHONE)
    {
      for (GList *l = devices; l != NULL;)
        {
          GList *next = l->next;

          if (is_monitor (l->data))
            {
              gst_object_unref (l->data);
              devices = g_list_delete_link (devices, l);
            }
          l = next;
        }
    }

  return devices;
}

GPtrArray *
confab_media_list_devices (ConfabMediaDeviceKind kind)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_media_device_free);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GList *devices = probe_devices (kind);

  for (GList *l = devices; l != NULL; l = l->next)
    {
      ConfabMediaDevice *device = g_new0 (ConfabMediaDevice, 1);

      device->id = device_id (l->data);
      device->display_name = gst_device_get_display_name (l->data);

      /* Two providers can offer the same device under one id. */
      if (device->id == NULL || g_hash_table_contains (seen, device->id))
        {
          confab_media_device_free (device);
          continue;
        }
      g_hash_table_add (seen, device->id);
      g_ptr_array_add (result, device);
    }
  g_list_free_full (devices, gst_object_unref);

  return result;
}

static const char *
kind_not_found_message (ConfabMediaDeviceKind kind)
{
  switch (kind)
    {
    case CONFAB_MEDIA_DEVICE_CAMERA:
      return _ ("No camera found");
    case CONFAB_MEDIA_DEVICE_MICROPHONE:
      return _ ("No microphone found");
    case CONFAB_MEDIA_DEVICE_SPEAKER:
    default:
      return _ ("No speaker found");
    }
}

GstDevice *
confab_media_device_find (ConfabMediaDeviceKind kind, const char *id, GError **error)
{
  GList *devices = probe_devices (kind);
  GstDevice *found = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (GList *l = devices; l != NULL && found == NULL; l = l->next)
    {
      g_autofree char *candidate = device_id (l->data);

      if (id != NULL ? g_strcmp0 (candidate, id) == 0 : is_default (l->data))
        found = gst_object_ref (l->data);
    }
  if (found == NULL && id == NULL && devices != NULL)
    found = gst_object_ref (devices->data);
  g_list_free_full (devices, gst_object_unref);

  if (found != NULL)
    {
      g_autofree char *display_name = gst_device_get_display_name (found);

      g_debug ("Using “%s” (%s)", display_name, id != NULL ? id : "default");
      return found;
    }

  if (id == NULL)
    {
      g_set_error_literal (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_NO_DEVICE,
                           kind_not_found_message (kind));
      return NULL;
    }

  switch (kind)
    {
    case CONFAB_MEDIA_DEVICE_CAMERA:
      g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_NO_DEVICE,
                   _ ("The camera “%s” was not found"), id);
      break;
    case CONFAB_MEDIA_DEVICE_MICROPHONE:
      g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_NO_DEVICE,
                   _ ("The microphone “%s” was not found"), id);
      break;
    case CONFAB_MEDIA_DEVICE_SPEAKER:
    default:
      g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_NO_DEVICE,
                   _ ("The speaker “%s” was not found"), id);
      break;
    }

  return NULL;
}
