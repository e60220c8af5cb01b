/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The stats model as JSON. One object serves --stats, the connection panel
 * and "Copy diagnostics", so a figure is derived (rates, overhead, the
 * timings, the verdict) in one place and the three cannot disagree.
 * Written by confab_json_write(): a dot in every locale, and no
 * 17-digit tails.
 */
#include "config.h"

#include "confab-call.h"
#include "confab-json-writer.h"
#include "confab-verdict.h"

#include <math.h>
#include <string.h>

/* Leaves an empty snapshot, ready for confab_call_get_stats() again. */
void
confab_call_stats_clear (ConfabCallStats *stats)
{
  g_strfreev (stats->local_candidates);
  g_strfreev (stats->remote_candidates);
  if (stats->turn)
    confab_ice_server_free (stats->turn);
  confab_dtls_info_clear (&stats->dtls);
  g_free (stats->sas);
  memset (stats, 0, sizeof *stats);
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

static void
set_string_or_null (JsonObject *object, const char *name, const char *value)
{
  if (value)
    json_object_set_string_member (object, name, value);
  else
    json_object_set_null_member (object, name);
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
  set_string_or_null (object, "relay_problem", ice->relay_problem[0] ? ice->relay_problem : NULL);
  return object;
}

static JsonObject *
dtls_object (const ConfabCallStats *stats)
{
  JsonObject *object = json_object_new ();
  const ConfabDtlsInfo *dtls = &stats->dtls;

  json_object_set_string_member (object, "state", confab_dtls_state_to_string (dtls->state));
  set_string_or_null (object, "cipher", dtls->cipher);
  set_string_or_null (object, "srtp_profile", dtls->srtp_profile);
  json_object_set_boolean_member (object, "fingerprint_verified", dtls->fingerprint_verified);
  set_string_or_null (object, "sas", stats->sas);
  set_rounded (object, "handshake_ms", dtls->handshake_ms, 10);
  /* From applying the other side's description to keys in hand. */
  set_interval_ms (object, "connected_ms", stats->ice.remote_applied_time,
                   stats->dtls_connected_time);
  json_object_set_int_member (object, "srtp_packets_sent", dtls->srtp_packets_sent);
  json_object_set_int_member (object, "srtp_packets_received", dtls->srtp_packets_received);
  json_object_set_int_member (object, "dropped_before_keys", dtls->dropped_before_keys);
  json_object_set_int_member (object, "unprotect_failures", dtls->unprotect_failures);
  return object;
}

typedef enum
{
  FIELD_COUNT, /* guint64 */
  FIELD_SIZE,  /* guint */
  FIELD_DOUBLE,
} FieldType;

/* Which streams list a figure. */
enum
{
  BOTH,
  VIDEO,
  AUDIO,
};

/* A stream's figures in the order the object lists them. */
static const struct
{
  const char *name;
  FieldType type;
  gsize offset;
  guint kinds;
} stream_fields[] = {
/* clang-format off */
#define FIELD(name, type, kinds) { #name, type, G_STRUCT_OFFSET (ConfabStreamStats, name), kinds }
  FIELD (packets_sent, FIELD_COUNT, BOTH),
  FIELD (packets_received, FIELD_COUNT, BOTH),
  FIELD (packets_lost, FIELD_COUNT, BOTH),
  FIELD (frames_encoded, FIELD_COUNT, BOTH),
  FIELD (frames_decoded, FIELD_COUNT, BOTH),
  FIELD (width, FIELD_SIZE, VIDEO),
  FIELD (height, FIELD_SIZE, VIDEO),
  FIELD (sent_width, FIELD_SIZE, VIDEO),
  FIELD (sent_height, FIELD_SIZE, VIDEO),
  FIELD (sent_fps, FIELD_DOUBLE, VIDEO),
  FIELD (fec_repair_sent, FIELD_COUNT, VIDEO),
  FIELD (fec_recovered, FIELD_COUNT, BOTH),
  FIELD (fec_unrecovered, FIELD_COUNT, VIDEO),
  FIELD (packets_lost_before_fec, FIELD_COUNT, VIDEO),
  FIELD (nack_sent, FIELD_COUNT, VIDEO),
  FIELD (pli_sent, FIELD_COUNT, VIDEO),
  FIELD (rtx_recovered, FIELD_COUNT, VIDEO),
  FIELD (rtx_sent, FIELD_COUNT, VIDEO),
  FIELD (nack_received, FIELD_COUNT, VIDEO),
  FIELD (pli_received, FIELD_COUNT, VIDEO),
  FIELD (decoded_fps, FIELD_DOUBLE, VIDEO),
  FIELD (send_kbps, FIELD_DOUBLE, BOTH),
  FIELD (receive_kbps, FIELD_DOUBLE, BOTH),
  FIELD (jitter_ms, FIELD_DOUBLE, BOTH),
  FIELD (remote_loss, FIELD_DOUBLE, BOTH),
  FIELD (freezes, FIELD_COUNT, VIDEO),
  FIELD (freeze_s, FIELD_DOUBLE, VIDEO),
  FIELD (target_bitrate_kbps, FIELD_SIZE, VIDEO),
  FIELD (fec_overhead_pct, FIELD_DOUBLE, VIDEO),
  FIELD (concealed, FIELD_COUNT, AUDIO),
#undef FIELD
  /* clang-format on */
};

static JsonObject *
stream_object (const ConfabStreamStats *s, gboolean video)
{
  JsonObject *object = json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (stream_fields); i++)
    {
      const char *name = stream_fields[i].name;
      gconstpointer field = G_STRUCT_MEMBER_P (s, stream_fields[i].offset);

      if (stream_fields[i].kinds != BOTH && (stream_fields[i].kinds == VIDEO) != video)
        continue;
      switch (stream_fields[i].type)
        {
        case FIELD_COUNT:
          json_object_set_int_member (object, name, *(const guint64 *) field);
          break;
        case FIELD_SIZE:
          json_object_set_int_member (object, name, *(const guint *) field);
          break;
        case FIELD_DOUBLE:
          json_object_set_double_member (object, name, *(const double *) field);
          break;
        }
    }
  if (video)
    /* Repair packets travel under their own payload type, so packets_sent
     * counts media only and this is the overhead on top of it. */
    json_object_set_double_member (object, "fec_overhead",
                                   s->packets_sent ? (double) s->fec_repair_sent / s->packets_sent
                                                   : 0);
  json_object_set_string_member (object, "codec", s->codec);
  if (video)
    set_string_or_null (object, "fec_scheme", s->fec_scheme[0] ? s->fec_scheme : NULL);
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
      json_object_set_object_member (root, "dtls", dtls_object (stats));
      json_object_set_object_member (root, "audio", stream_object (&stats->media.audio, FALSE));
      json_object_set_object_member (root, "video", stream_object (&stats->media.video, TRUE));
      /* From applying the other side's description to the first picture. */
      set_interval_ms (root, "first_frame_ms", stats->ice.remote_applied_time,
                       stats->media.first_remote_frame_time);
      set_rounded (root, "elapsed_s", stats->elapsed_s, 1000);
      json_object_set_double_member (root, "rtt_ms", stats->media.rtt_ms);
      /* What congestion control reacts to: the peer's loss of our video
       * (of our audio in an audio-only call), in percent. */
      const ConfabStreamStats *sent
          = stats->media.video.packets_sent ? &stats->media.video : &stats->media.audio;
      set_rounded (root, "loss_reported_pct", sent->remote_loss * 100, 10);
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
  return confab_json_write (node);
}

char *
confab_call_stats_to_json (const ConfabCallStats *stats)
{
  g_autoptr (JsonNode) node = confab_call_stats_to_json_node (stats);
  return confab_call_stats_node_to_json (node);
}
