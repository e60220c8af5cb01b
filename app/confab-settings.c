/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-settings.h"

#include <glib/gi18n.h>

#include "confab-media-devices.h"
#include "confab-sdp-compact.h"

#define SCHEMA_ID "org.confab.Confab"

GSettings *
confab_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema
      = source ? g_settings_schema_source_lookup (source, SCHEMA_ID, TRUE) : NULL;

  /* Running from the build tree: use the schema compiled there. */
  if (!schema && g_file_test (CONFAB_SCHEMA_BUILDDIR "/gschemas.compiled", G_FILE_TEST_EXISTS))
    {
      g_autoptr (GSettingsSchemaSource) build_source = g_settings_schema_source_new_from_directory (
          CONFAB_SCHEMA_BUILDDIR, source, FALSE, NULL);
      if (build_source)
        schema = g_settings_schema_source_lookup (build_source, SCHEMA_ID, FALSE);
    }
  if (!schema)
    {
      g_debug ("GSettings schema %s not found; preferences are not kept", SCHEMA_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

static gboolean
has_key (GSettings *settings, const char *key)
{
  g_autoptr (GSettingsSchema) schema = NULL;
  g_object_get (settings, "settings-schema", &schema, NULL);
  return schema && g_settings_schema_has_key (schema, key);
}

static gboolean
have_device (ConfabMediaDeviceKind kind)
{
  g_autoptr (GPtrArray) devices = confab_media_list_devices (kind);
  return devices && devices->len > 0;
}

/* The chosen devices; else the first camera and microphone there are; else
 * the test pattern and tone, so a machine without them still calls. The
 * strings point into static storage or are kept alive by @options' owner
 * through the interned string table. */
static void
pick_devices (GSettings *settings, ConfabCallOptions *options)
{
  g_autofree char *camera = settings ? g_settings_get_string (settings, "camera-device") : NULL;
  g_autofree char *mic = settings ? g_settings_get_string (settings, "microphone-device") : NULL;
  g_autofree char *speaker = settings ? g_settings_get_string (settings, "speaker-device") : NULL;

  if (camera && *camera)
    options->media.video_source = g_intern_string (camera);
  else
    options->media.video_source = have_device (CONFAB_MEDIA_DEVICE_CAMERA) ? "camera" : "test";
  if (mic && *mic)
    options->media.audio_source = g_intern_string (mic);
  else
    options->media.audio_source = have_device (CONFAB_MEDIA_DEVICE_MICROPHONE) ? "mic" : "test";
  if (speaker && *speaker)
    options->media.speaker = g_intern_string (speaker);
}

gboolean
confab_settings_fill_call_options (GSettings *settings, ConfabCallOptions *options, GError **error)
{
  options->media.play_audio = TRUE;
  pick_devices (settings, options);
  if (!settings)
    return TRUE;

  g_auto (GStrv) stun
      = has_key (settings, "stun-servers") ? g_settings_get_strv (settings, "stun-servers") : NULL;
  if (stun && stun[0] && *stun[0])
    {
      /* libnice takes one STUN server: the first. */
      options->stun = confab_ice_server_parse (stun[0], CONFAB_ICE_SERVER_STUN, error);
      if (!options->stun)
        return FALSE;
    }

  g_autofree char *turn
      = has_key (settings, "turn-server") ? g_settings_get_string (settings, "turn-server") : NULL;
  if (turn && *turn)
    {
      options->turn = confab_ice_server_parse (turn, CONFAB_ICE_SERVER_TURN, error);
      if (!options->turn)
        return FALSE;
      options->turn->username = g_settings_get_string (settings, "turn-username");
      options->turn->password = g_settings_get_string (settings, "turn-password");
    }

  options->relay_only
      = has_key (settings, "relay-only") && g_settings_get_boolean (settings, "relay-only");
  if (options->relay_only && !options->turn)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _ ("privacy mode (relay only) needs a TURN server"));
      return FALSE;
    }

  if (has_key (settings, "port-range-min"))
    {
      guint lo = g_settings_get_uint (settings, "port-range-min");
      guint hi = g_settings_get_uint (settings, "port-range-max");
      if ((lo || hi) && (lo == 0 || hi < lo))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _ ("the port range %u–%u is not valid"), lo, hi);
          return FALSE;
        }
      options->min_port = lo;
      options->max_port = hi;
    }

  /* "off" turns FEC off; anything else asks for it. Only FlexFEC is wired
   * into calls so far, so "ulpfec" and "auto" both mean FlexFEC (when the
   * other side supports it). */
  if (has_key (settings, "fec-mode"))
    {
      g_autofree char *fec = g_settings_get_string (settings, "fec-mode");
      options->fec = g_strcmp0 (fec, "off") != 0;
    }

  if (has_key (settings, "video-quality"))
    {
      g_autofree char *quality = g_settings_get_string (settings, "video-quality");
      if (g_strcmp0 (quality, "low") == 0)
        options->media.width = 640, options->media.height = 360;
      else if (g_strcmp0 (quality, "high") == 0)
        options->media.width = 1280, options->media.height = 720,
        options->media.video_bitrate_kbps = 2000;
      else
        options->media.width = 960, options->media.height = 540,
        options->media.video_bitrate_kbps = 1300;
    }
  return TRUE;
}

char *
confab_settings_compact_description (const char *sdp_text, ConfabSdpType type)
{
  return confab_sdp_compact_encode (sdp_text, type);
}
