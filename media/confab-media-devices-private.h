/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Device lookup for the call pipeline (media/ only).
 */
#pragma once

#include "confab-media-devices.h"

#include <gst/gst.h>

G_BEGIN_DECLS

/* The device of @kind whose id (see ConfabMediaDevice) is @id, or with
 * @id NULL the default one (the provider's default, else the first).
 * Fails with CONFAB_MEDIA_ERROR_NO_DEVICE, naming @id. */
GstDevice *confab_media_device_find (ConfabMediaDeviceKind kind, const char *id,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
