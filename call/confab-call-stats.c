/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The stats model as JSON. One object serves --stats, the connection panel
 * and "Copy diagnostics", so a figure is derived (rates, overhead, the
 * timings, the verdict) in one place and the three cannot disagree.
 * json-glib writes numbers with g_ascii_dtostr(): a dot in every locale.
 */
#include "config.h"

#include "confab-call.h"
#include "confab-verdict.h"

#include <math.h>

void
confab_call_stats_clear (ConfabCallStats *stats)
{
  g_clear_pointer (&stats->local_candidates, g_strfreev);
  g_clear_pointer (&stats->remote_candidates, g_strfreev);
  g_clear_pointer (&stats->turn, confab_ice_server_free);
}

/* What the hand-written file used to print (%.1f ms, %.3f s), as a number. */
static void
set_rounded (JsonObject *object, const char *name, double value, double scale)
{
  json_object_set_double_member (object, name, round (value * scale) / scale);
}

/* A duration between two g_get_monotonic_time() stamps, when both are known. */
static void
set_interval_ms (JsonObject *object, const char *name, gint64 from, gint64 to)
{
  if (from && to)
    set_rounded (object, name, (to - from) / 1000.0, 10);
}

static JsonObject *
candidate_object (const ConfabIceCandidateInfo *info)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "type", info->type);
  json_object_set_string_member (object, "protocol", info->protocol);
  json_object_set_string_member (object, "address", info->address);
  json_object_set_int_member (object, "port", info->port);
  return object;
}

static JsonObject *
ice_object (const ConfabCallStats *stats)
{
  JsonObject *object = json_object_new ();
  const ConfabIceStats *ice = &stats->ice;

  json_object_set_string_member (object, "state", confab_ice_state_to_string (stats->ice_state));
  if (stats->have_pair)
    {
      JsonObject *pair = json_object_new ();
      json_object_set_object_member (pair, "local", candidate_object (&stats->pair.local));
      json_object_set_object_member (pair, "remote", candidate_object (&stats->pair.remote));
      json_object_set_boolean_member (pair, "relayed", stats->pair.relayed);
      json_object_set_object_member (object, "selected_pair", pair);
    }
  else
    json_object_set_null_member (object, "selected_pair");
  json_object_set_int_member (object, "packets_sent", ice->packets_sent);
  json_object_set_int_member (object, "packets_received", ice->packets_received);
  json_object_set_int_member (object, "send_failures", ice->send_failures);
  set_interval_ms (object, "gathering_ms", ice->gather_start_time, ice->gather_end_time);
  /* From applying the other side's description to a working pair. */
  set_interval_ms (object, "checks_ms", ice->remote_applied_time, ice->connected_time);
  return object;
}

static JsonObject *
stream_object (const ConfabStreamStats *s, gboolean video)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "packets_sent", s->packets_sent);
  json_object_set_int_member (object, "packets_received", s->packets_received);
  json_object_set_int_member (object, "packets_lost", s->packets_lost);
  json_object_set_int_member (object, "frames_encoded", s->frames_encoded);
  json_object_set_int_member (object, "frames_decoded", s->frames_decoded);
  if (video)
    {
      json_object_set_int_member (object, "width", s->width);
      json_object_set_int_member (object, "height", s->height);
      json_object_set_int_member (object, "fec_repair_sent", s->fec_repair_sent);
    }
  json_object_set_int_member (object, "fec_recovered", s->fec_recovered);
  if (video)
    {
      json_object_set_int_member (object, "fec_unrecovered", s->fec_unrecovered);
      /* Repair packets travel under their own payload type, so packets_sent
       * counts media only and this is the overhead on top of it. */
      json_object_set_double_member (object, "fec_overhead",
                                     s->packets_sent
                                         ? (double) s->fec_repair_sent / s->packets_sent
                                         : 0);
      json_object_set_double_member (object, "decoded_fps", s->decoded_fps);
    }
  json_object_set_double_member (object, "send_kbps", s->send_kbps);
  json_object_set_double_member (object, "receive_kbps", s->receive_kbps);
  json_object_set_double_member (object, "jitter_ms", s->jitter_ms);
  json_object_set_double_member (object, "remote_loss", s->remote_loss);
  json_object_set_string_member (object, "codec", s->codec);
  return object;
}

static JsonArray *
string_array (char **strings)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; strings && strings[i]; i++)
    json_array_add_string_element (array, strings[i]);
  return array;
}

JsonNode *
confab_call_stats_to_json_node (const ConfabCallStats *stats)
{
  JsonObject *root = json_object_new ();
  g_auto (ConfabVerdict) verdict = { 0 };

  if (stats)
    {
      JsonObject *call = json_object_new ();
      json_object_set_string_member (call, "state", confab_call_state_to_string (stats->state));
      json_object_set_object_member (root, "call", call);
      json_object_set_object_member (root, "ice", ice_object (stats));
      json_object_set_object_member (root, "audio", stream_object (&stats->media.audio, FALSE));
      json_object_set_object_member (root, "video", stream_object (&stats->media.video, TRUE));
      /* From applying the other side's description to the first picture. */
      set_interval_ms (root, "first_frame_ms", stats->ice.remote_applied_time,
                       stats->media.first_remote_frame_time);
      set_rounded (root, "elapsed_s", stats->elapsed_s, 1000);
      json_object_set_double_member (root, "rtt_ms", stats->media.rtt_ms);
    }
  else
    json_object_set_null_member (root, "call");

  json_object_set_array_member (root, "local_candidates",
                                string_array (stats ? stats->local_candidates : NULL));
  json_object_set_array_member (root, "remote_candidates",
                                string_array (stats ? stats->remote_candidates : NULL));
  if (stats && stats->turn)
    {
      g_autofree char *uri = confab_ice_server_to_string (stats->turn);
      json_object_set_string_member (root, "turn_server", uri);
    }
  else
    json_object_set_null_member (root, "turn_server");

  confab_verdict_init (&verdict, stats);
  g_autofree char *words = confab_verdict_to_string (&verdict);
  json_object_set_string_member (root, "verdict", words);

  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, root);
  return node;
}

char *
confab_call_stats_node_to_json (JsonNode *node)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  g_autofree char *text = json_generator_to_data (generator, NULL);
  return g_strconcat (text, "\n", NULL);
}

char *
confab_call_stats_to_json (const ConfabCallStats *stats)
{
  g_autoptr (JsonNode) node = confab_call_stats_to_json_node (stats);
  return confab_call_stats_node_to_json (node);
}
