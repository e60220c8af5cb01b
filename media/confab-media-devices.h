/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cameras, microphones and speakers a call can use, as the GStreamer
 * device providers (v4l2, PulseAudio, PipeWire) see them. Each device has
 * an id that stays the same from one run to the next, so that preferences
 * can store it, and a name to show.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CONFAB_MEDIA_DEVICE_CAMERA,
  CONFAB_MEDIA_DEVICE_MICROPHONE,
  CONFAB_MEDIA_DEVICE_SPEAKER,
} ConfabMediaDeviceKind;

typedef struct
{
  /* Stable: PipeWire's "object.path" or "node.name", v4l2's device path,
   * PulseAudio's source or sink name; the display name when the provider
   * offers nothing better. What ConfabMediaConfig's video_source,
   * audio_source and speaker accept. */
  char *id;
  char *display_name; /* for people, e.g. "Integrated Camera" */
} ConfabMediaDevice;

ConfabMediaDevice *
confab_media_device_copy (const ConfabMediaDevice *device) G_GNUC_WARN_UNUSED_RESULT;
void confab_media_device_free (ConfabMediaDevice *device);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabMediaDevice, confab_media_device_free)

/* The devices of @kind present now, as ConfabMediaDevice elements (the
 * array frees them); an empty array when there are none. Probes the
 * device providers synchronously, which can take a moment with a sound
 * server: call it when the user opens a device list, not per frame. */
GPtrArray *confab_media_list_devices (ConfabMediaDeviceKind kind) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
