/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The --stats JSON. Written by hand rather than with json-glib: the object
 * is small and fixed, and it keeps the dependency list to what Debian ships
 * with GStreamer and GTK.
 */
#include "config.h"

#include "confab-call.h"

static void
append_json_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s; *p; p++)
    {
      guchar c = *p;
      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}

/* JSON numbers use a dot whatever the user's locale (the GUI runs in
 * theirs: "6,4" would not parse). */
static void
append_number (GString *out, const char *name, const char *format, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append_printf (out, "\"%s\": %s", name, g_ascii_formatd (buf, sizeof buf, format, value));
}

static void
append_candidate (GString *out, const ConfabIceCandidateInfo *info)
{
  g_string_append (out, "{\"type\": ");
  append_json_string (out, info->type);
  g_string_append (out, ", \"protocol\": ");
  append_json_string (out, info->protocol);
  g_string_append (out, ", \"address\": ");
  append_json_string (out, info->address);
  g_string_append_printf (out, ", \"port\": %u}", info->port);
}

static void
append_stream (GString *out, const ConfabStreamStats *s, gboolean video)
{
  g_string_append_printf (out,
                          "{\"packets_sent\": %" G_GUINT64_FORMAT
                          ", \"packets_received\": %" G_GUINT64_FORMAT
                          ", \"packets_lost\": %" G_GUINT64_FORMAT
                          ", \"frames_encoded\": %" G_GUINT64_FORMAT
                          ", \"frames_decoded\": %" G_GUINT64_FORMAT,
                          s->packets_sent, s->packets_received, s->packets_lost, s->frames_encoded,
                          s->frames_decoded);
  if (video)
    g_string_append_printf (out,
                            ", \"width\": %u, \"height\": %u, \"fec_repair_sent\": %" G_GUINT64_FORMAT
                            ", \"fec_recovered\": %" G_GUINT64_FORMAT
                            ", \"fec_unrecovered\": %" G_GUINT64_FORMAT,
                            s->width, s->height, s->fec_repair_sent, s->fec_recovered,
                            s->fec_unrecovered);
  g_string_append (out, "}");
}

char *
confab_call_stats_to_json (const ConfabCallStats *stats)
{
  GString *out = g_string_new ("{\n  \"call\": {\"state\": ");
  append_json_string (out, confab_call_state_to_string (stats->state));
  g_string_append (out, "},\n  \"ice\": {\"state\": ");
  append_json_string (out, confab_ice_state_to_string (stats->ice_state));
  g_string_append (out, ", \"selected_pair\": ");
  if (stats->have_pair)
    {
      g_string_append (out, "{\"local\": ");
      append_candidate (out, &stats->pair.local);
      g_string_append (out, ", \"remote\": ");
      append_candidate (out, &stats->pair.remote);
      g_string_append_printf (out, ", \"relayed\": %s}", stats->pair.relayed ? "true" : "false");
    }
  else
    g_string_append (out, "null");

  const ConfabIceStats *ice = &stats->ice;
  double gather_ms = ice->gather_end_time && ice->gather_start_time
                       ? (ice->gather_end_time - ice->gather_start_time) / 1000.0
                       : -1;
  double connect_ms = ice->connected_time && ice->remote_applied_time
                        ? (ice->connected_time - ice->remote_applied_time) / 1000.0
                        : -1;
  g_string_append_printf (out,
                          ", \"packets_sent\": %" G_GUINT64_FORMAT
                          ", \"packets_received\": %" G_GUINT64_FORMAT
                          ", \"send_failures\": %" G_GUINT64_FORMAT,
                          ice->packets_sent, ice->packets_received, ice->send_failures);
  if (gather_ms >= 0)
    {
      g_string_append (out, ", ");
      append_number (out, "gathering_ms", "%.1f", gather_ms);
    }
  if (connect_ms >= 0)
    {
      g_string_append (out, ", ");
      append_number (out, "checks_ms", "%.1f", connect_ms);
    }
  g_string_append (out, "},\n  \"audio\": ");
  append_stream (out, &stats->media.audio, FALSE);
  g_string_append (out, ",\n  \"video\": ");
  append_stream (out, &stats->media.video, TRUE);
  if (stats->media.first_remote_frame_time && ice->remote_applied_time)
    {
      g_string_append (out, ",\n  ");
      append_number (out, "first_frame_ms", "%.1f",
                     (stats->media.first_remote_frame_time - ice->remote_applied_time) / 1000.0);
    }
  g_string_append (out, ",\n  ");
  append_number (out, "elapsed_s", "%.3f", stats->elapsed_s);
  g_string_append (out, "\n}\n");
  return g_string_free (out, FALSE);
}
