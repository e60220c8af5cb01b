/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A WebRTC peer of our own on GStreamer's webrtcbin, to test Confab against
 * an implementation it does not share code with. It is driven like
 * `confab offer|answer`: the local description goes to stdout (followed by
 * an empty line) once ICE gathering is over, the other side's description is
 * read from stdin up to an empty line. It sends test video (VP8) and audio
 * (Opus), decodes what arrives, and writes what happened to --stats as JSON.
 */
#define GST_USE_UNSTABLE_API
#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define GATHER_TIMEOUT_S 10
#define CONNECT_TIMEOUT_S 30
/* The peer ends by itself this long after the call should have ended. */
#define WATCHDOG_MARGIN_S 60

typedef struct _Peer Peer;

/* A timer that ends the call: its duration, the connect timeout, the watchdog. */
typedef struct
{
  Peer *peer;
  guint id;
  int status;
  const char *reason;
} EndTimer;

struct _Peer
{
  GMainLoop *loop;
  GstElement *pipeline;
  GstElement *webrtc;
  gboolean offerer;
  gboolean audio;
  gboolean video;
  gboolean video_first;
  int duration;
  char *stats_path;
  int exit_status;

  GDataInputStream *input;
  GString *remote_text;
  GString *remote_kinds; /* the remote m-lines: 'a'udio, 'v'ideo, '-' other */
  gboolean printed;
  guint gather_timer;
  EndTimer connect_timer;
  EndTimer duration_timer;
  EndTimer watchdog_timer;

  char *local_fingerprint;
  char *remote_fingerprint;
  GPtrArray *watched_transports;

  /* Written from streaming threads, read on the main thread. */
  GMutex lock;
  gint64 start_time;
  gint64 remote_applied_time;
  gint64 dtls_connected_time;
  gint64 first_video_time;
  gint64 first_audio_time;
  guint64 video_frames;
  guint64 audio_buffers;
  GstWebRTCDTLSTransportState dtls_state;
  gboolean dtls_connected;
  gboolean dtls_failed;
  char *remote_cert_fingerprint;
  char *local_cert_fingerprint;
  const char *ice_state;
};

static void finish (Peer *peer, int status);

/* "sha-256 ab:cd…" → "sha-256 AB:CD…", as confab-dtls-sas.h wants it. */
static char *
normalize_fingerprint (const char *value)
{
  g_auto (GStrv) parts = g_strsplit (value, " ", 2);
  if (!parts[0] || !parts[1])
    return NULL;
  g_autofree char *hash = g_ascii_strdown (parts[0], -1);
  g_autofree char *hex = g_ascii_strup (g_strstrip (parts[1]), -1);
  return g_strdup_printf ("%s %s", hash, hex);
}

static char *
sdp_fingerprint (const GstSDPMessage *sdp)
{
  const char *value = gst_sdp_message_get_attribute_val (sdp, "fingerprint");
  for (guint i = 0; !value && i < gst_sdp_message_medias_len (sdp); i++)
    value = gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (sdp, i), "fingerprint");
  return value ? normalize_fingerprint (value) : NULL;
}

static void
sha256 (const void *data, gsize size, guint8 digest[32])
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (sum, data, size);
  gsize len = 32;
  g_checksum_get_digest (sum, digest, &len);
}

/* The SAS of confab-dtls-sas.h, computed here independently of Confab. */
static char *
compute_sas (const char *offer_fp, const char *answer_fp)
{
  if (!offer_fp || !*offer_fp || !answer_fp || !*answer_fp)
    return NULL;
  g_autofree char *input = g_strdup_printf ("confab-sas-1\n%s\n%s\n", offer_fp, answer_fp);
  guint8 digest[32];
  sha256 (input, strlen (input), digest);
  guint32 n = ((guint32) digest[0] << 24) | ((guint32) digest[1] << 16) | ((guint32) digest[2] << 8)
              | digest[3];
  n %= 1000000;
  return g_strdup_printf ("%03u %03u", n / 1000, n % 1000);
}

/* The "sha-256 AB:…" fingerprint of a PEM certificate, to check that the
 * certificate DTLS actually saw is the one the description announced. */
static char *
pem_fingerprint (const char *pem)
{
  if (!pem)
    return NULL;
  const char *begin = strstr (pem, "-----BEGIN CERTIFICATE-----");
  const char *end = begin ? strstr (begin, "-----END CERTIFICATE-----") : NULL;
  if (!end)
    return NULL;
  begin += strlen ("-----BEGIN CERTIFICATE-----");
  g_autofree char *b64 = g_strndup (begin, end - begin);
  gsize der_len = 0;
  g_autofree guchar *der = g_base64_decode (g_strstrip (b64), &der_len);
  if (der_len == 0)
    return NULL;
  guint8 digest[32];
  sha256 (der, der_len, digest);
  GString *out = g_string_new ("sha-256 ");
  for (gsize i = 0; i < sizeof digest; i++)
    g_string_append_printf (out, i ? ":%02X" : "%02X", digest[i]);
  return g_string_free (out, FALSE);
}

static double
ms_between (gint64 from, gint64 to)
{
  return (to - from) / 1000.0;
}

static void
add_interval (JsonBuilder *b, const char *name, gint64 from, gint64 to)
{
  json_builder_set_member_name (b, name);
  if (from && to)
    json_builder_add_double_value (b, ms_between (from, to));
  else
    json_builder_add_null_value (b);
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

/* "connected", "checking"…: the nick of a webrtc enum value. */
static const char *
enum_nick (GType type, int value)
{
  GEnumClass *klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (klass, value);
  const char *nick = v ? v->value_nick : "unknown";
  g_type_class_unref (klass); /* the class of a registered enum stays */
  return nick;
}

static const char *
dtls_state_name (GstWebRTCDTLSTransportState state)
{
  return enum_nick (GST_TYPE_WEBRTC_DTLS_TRANSPORT_STATE, state);
}

static void
write_stats (Peer *peer)
{
  if (!peer->stats_path)
    return;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_mutex_lock (&peer->lock);
  const char *offer_fp = peer->offerer ? peer->local_fingerprint : peer->remote_fingerprint;
  const char *answer_fp = peer->offerer ? peer->remote_fingerprint : peer->local_fingerprint;
  g_autofree char *sas = compute_sas (offer_fp, answer_fp);
  json_builder_begin_object (b);
  add_string (b, "role", peer->offerer ? "offer" : "answer");
  json_builder_set_member_name (b, "dtls_connected");
  json_builder_add_boolean_value (b, peer->dtls_connected);
  add_string (b, "dtls_state_reached",
              peer->dtls_connected ? "connected"
              : peer->dtls_failed  ? "failed"
                                   : dtls_state_name (peer->dtls_state));
  add_string (b, "dtls_state", dtls_state_name (peer->dtls_state));
  add_string (b, "ice_connection_state", peer->ice_state);
  json_builder_set_member_name (b, "video_frames_decoded");
  json_builder_add_int_value (b, peer->video_frames);
  json_builder_set_member_name (b, "audio_buffers_decoded");
  json_builder_add_int_value (b, peer->audio_buffers);
  add_string (b, "local_fingerprint", peer->local_fingerprint);
  add_string (b, "remote_fingerprint", peer->remote_fingerprint);
  add_string (b, "local_certificate_fingerprint", peer->local_cert_fingerprint);
  add_string (b, "remote_certificate_fingerprint", peer->remote_cert_fingerprint);
  /* webrtcbin's DTLS accepts any certificate: check it here. */
  json_builder_set_member_name (b, "fingerprint_verified");
  json_builder_add_boolean_value (
      b, peer->remote_cert_fingerprint && peer->remote_fingerprint
             && g_str_equal (peer->remote_cert_fingerprint, peer->remote_fingerprint));
  add_string (b, "sas", sas);
  add_interval (b, "remote_applied_to_dtls_connected_ms", peer->remote_applied_time,
                peer->dtls_connected_time);
  add_interval (b, "remote_applied_to_first_frame_ms", peer->remote_applied_time,
                peer->first_video_time);
  add_interval (b, "remote_applied_to_first_audio_ms", peer->remote_applied_time,
                peer->first_audio_time);
  json_builder_set_member_name (b, "elapsed_s");
  json_builder_add_double_value (b, ms_between (peer->start_time, g_get_monotonic_time ()) / 1000);
  json_builder_end_object (b);
  g_mutex_unlock (&peer->lock);

  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  g_autoptr (GError) error = NULL;
  if (!json_generator_to_file (gen, peer->stats_path, &error))
    g_printerr ("webrtcbin-peer: cannot write %s: %s\n", peer->stats_path, error->message);
}

static void
finish (Peer *peer, int status)
{
  /* The first reason to end is the one that counts. */
  if (!g_main_loop_is_running (peer->loop))
    return;
  peer->exit_status = status;
  g_main_loop_quit (peer->loop);
}

static gboolean
on_end_timer (gpointer data)
{
  EndTimer *timer = data;
  timer->id = 0;
  g_printerr ("webrtcbin-peer: %s\n", timer->reason);
  finish (timer->peer, timer->status);
  return G_SOURCE_REMOVE;
}

static void
end_after (EndTimer *timer, Peer *peer, guint seconds, int status, const char *reason)
{
  timer->peer = peer;
  timer->status = status;
  timer->reason = reason;
  timer->id = g_timeout_add_seconds (seconds, on_end_timer, timer);
}

/* SIGINT or SIGTERM hang up like the end of the duration: the summary is
 * still written, and the exit status says whether the call had connected. */
static gboolean
on_hang_up_signal (gpointer data)
{
  g_printerr ("webrtcbin-peer: hanging up on a signal\n");
  finish (data, 0);
  return G_SOURCE_CONTINUE;
}

/* Runs on the main thread once DTLS is up. */
static gboolean
on_dtls_connected_idle (gpointer data)
{
  Peer *peer = data;
  g_clear_handle_id (&peer->connect_timer.id, g_source_remove);
  g_printerr ("webrtcbin-peer: DTLS connected (%.0f ms after the remote description)\n",
              ms_between (peer->remote_applied_time, peer->dtls_connected_time));
  if (!peer->duration_timer.id)
    end_after (&peer->duration_timer, peer, peer->duration, 0,
               "the call's duration is over, hanging up");
  return G_SOURCE_REMOVE;
}

static gboolean
on_dtls_failed_idle (gpointer data)
{
  g_printerr ("webrtcbin-peer: DTLS failed\n");
  finish (data, 1);
  return G_SOURCE_REMOVE;
}

static void
on_dtls_state (GObject *transport, GParamSpec *pspec, gpointer data)
{
  Peer *peer = data;
  GstWebRTCDTLSTransportState state;
  g_autofree char *remote_pem = NULL;
  g_autofree char *local_pem = NULL;
  g_object_get (transport, "state", &state, "remote-certificate", &remote_pem, "certificate",
                &local_pem, NULL);
  g_autofree char *remote_fp = pem_fingerprint (remote_pem);
  g_autofree char *local_fp = pem_fingerprint (local_pem);

  g_mutex_lock (&peer->lock);
  peer->dtls_state = state;
  if (remote_fp)
    g_free (peer->remote_cert_fingerprint),
        peer->remote_cert_fingerprint = g_steal_pointer (&remote_fp);
  if (local_fp)
    g_free (peer->local_cert_fingerprint),
        peer->local_cert_fingerprint = g_steal_pointer (&local_fp);
  gboolean first_connect
      = state == GST_WEBRTC_DTLS_TRANSPORT_STATE_CONNECTED && !peer->dtls_connected;
  gboolean first_failure = state == GST_WEBRTC_DTLS_TRANSPORT_STATE_FAILED && !peer->dtls_failed;
  if (first_connect)
    {
      peer->dtls_connected = TRUE;
      peer->dtls_connected_time = g_get_monotonic_time ();
    }
  if (first_failure)
    peer->dtls_failed = TRUE;
  g_mutex_unlock (&peer->lock);

  g_printerr ("webrtcbin-peer: DTLS %s\n", dtls_state_name (state));
  if (first_connect)
    g_idle_add (on_dtls_connected_idle, peer);
  if (first_failure)
    g_idle_add (on_dtls_failed_idle, peer);
}

/* With max-bundle every transceiver shares one transport; watch each distinct one. */
static void
watch_transports (Peer *peer)
{
  GArray *transceivers = NULL;
  g_signal_emit_by_name (peer->webrtc, "get-transceivers", &transceivers);
  for (guint i = 0; transceivers && i < transceivers->len; i++)
    {
      GstWebRTCRTPTransceiver *trans = g_array_index (transceivers, GstWebRTCRTPTransceiver *, i);
      g_autoptr (GstWebRTCRTPSender) sender = NULL;
      g_object_get (trans, "sender", &sender, NULL);
      if (!sender)
        continue;
      g_autoptr (GstWebRTCDTLSTransport) transport = NULL;
      g_object_get (sender, "transport", &transport, NULL);
      if (!transport || g_ptr_array_find (peer->watched_transports, transport, NULL))
        continue;
      g_ptr_array_add (peer->watched_transports, g_object_ref (transport));
      g_signal_connect (transport, "notify::state", G_CALLBACK (on_dtls_state), peer);
      on_dtls_state (G_OBJECT (transport), NULL, peer);
    }
  if (transceivers)
    g_array_unref (transceivers);
}

static void
on_ice_connection_state (GObject *webrtc, GParamSpec *pspec, gpointer data)
{
  Peer *peer = data;
  GstWebRTCICEConnectionState state;
  g_object_get (webrtc, "ice-connection-state", &state, NULL);
  const char *nick = enum_nick (GST_TYPE_WEBRTC_ICE_CONNECTION_STATE, state);
  g_mutex_lock (&peer->lock);
  peer->ice_state = nick;
  g_mutex_unlock (&peer->lock);
  g_printerr ("webrtcbin-peer: ICE %s\n", nick);
}

static GstPadProbeReturn
on_decoded (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  Peer *peer = data;
  gboolean is_video = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (pad), "confab-video"));
  g_mutex_lock (&peer->lock);
  gint64 now = g_get_monotonic_time ();
  if (is_video)
    {
      if (peer->video_frames++ == 0)
        peer->first_video_time = now;
    }
  else if (peer->audio_buffers++ == 0)
    peer->first_audio_time = now;
  g_mutex_unlock (&peer->lock);
  return GST_PAD_PROBE_OK;
}

static void
on_decodebin_pad (GstElement *decodebin, GstPad *pad, gpointer data)
{
  Peer *peer = data;
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  const char *name = caps ? gst_structure_get_name (gst_caps_get_structure (caps, 0)) : "";
  gboolean is_video = g_str_has_prefix (name, "video/");
  if (!is_video && !g_str_has_prefix (name, "audio/"))
    return;
  g_printerr ("webrtcbin-peer: decoding %s\n", name);
  GstElement *queue = gst_element_factory_make ("queue", NULL);
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add_many (GST_BIN (peer->pipeline), queue, sink, NULL);
  gst_element_link (queue, sink);
  gst_element_sync_state_with_parent (queue);
  gst_element_sync_state_with_parent (sink);
  g_autoptr (GstPad) sinkpad = gst_element_get_static_pad (queue, "sink");
  g_object_set_data (G_OBJECT (pad), "confab-video", GINT_TO_POINTER (is_video));
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_decoded, peer, NULL);
  gst_pad_link (pad, sinkpad);
}

static void
on_webrtc_pad (GstElement *webrtc, GstPad *pad, gpointer data)
{
  Peer *peer = data;
  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  GstElement *decodebin = gst_element_factory_make ("decodebin", NULL);
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (on_decodebin_pad), peer);
  gst_bin_add (GST_BIN (peer->pipeline), decodebin);
  gst_element_sync_state_with_parent (decodebin);
  g_autoptr (GstPad) sinkpad = gst_element_get_static_pad (decodebin, "sink");
  gst_pad_link (pad, sinkpad);
}

/* webrtcbin 1.22 writes the candidates it gathered into local-description
 * (all on the first m-line with max-bundle): once gathering is over, it is
 * the whole blob. */
static void
print_local_description (Peer *peer)
{
  if (peer->printed)
    return;
  peer->printed = TRUE;
  g_clear_handle_id (&peer->gather_timer, g_source_remove);
  GstWebRTCSessionDescription *desc = NULL;
  g_object_get (peer->webrtc, "local-description", &desc, NULL);
  if (!desc)
    {
      g_printerr ("webrtcbin-peer: no local description\n");
      finish (peer, 1);
      return;
    }
  g_autofree char *text = gst_sdp_message_as_text (desc->sdp);
  g_mutex_lock (&peer->lock);
  peer->local_fingerprint = sdp_fingerprint (desc->sdp);
  g_mutex_unlock (&peer->lock);
  gst_webrtc_session_description_free (desc);
  fputs (text, stdout);
  fputs ("\n", stdout);
  fflush (stdout);
  g_printerr ("webrtcbin-peer: %s written\n", peer->offerer ? "offer" : "answer");
}

static gboolean
on_gather_timeout (gpointer data)
{
  Peer *peer = data;
  peer->gather_timer = 0;
  g_printerr ("webrtcbin-peer: ICE gathering not complete after %d s, sending what there is\n",
              GATHER_TIMEOUT_S);
  print_local_description (peer);
  return G_SOURCE_REMOVE;
}

static gboolean
on_gathering_complete_idle (gpointer data)
{
  Peer *peer = data;
  /* The offer's printing on stdout starts the exchange; the answerer's
   * transports exist only now. */
  if (peer->gather_timer)
    print_local_description (peer);
  return G_SOURCE_REMOVE;
}

static void
on_ice_gathering_state (GObject *webrtc, GParamSpec *pspec, gpointer data)
{
  GstWebRTCICEGatheringState state;
  g_object_get (webrtc, "ice-gathering-state", &state, NULL);
  if (state == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE)
    g_idle_add (on_gathering_complete_idle, data);
}

/* Starts the gathering wait; the description is printed when it completes. */
static void
wait_for_gathering (Peer *peer)
{
  peer->gather_timer = g_timeout_add_seconds (GATHER_TIMEOUT_S, on_gather_timeout, peer);
  GstWebRTCICEGatheringState state;
  g_object_get (peer->webrtc, "ice-gathering-state", &state, NULL);
  if (state == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE)
    g_idle_add (on_gathering_complete_idle, peer);
}

static const char video_branch[]
    = "videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 "
      "! videoconvert ! vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay pt=96 "
      "! application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000 ! queue";
static const char audio_branch[]
    = "audiotestsrc is-live=true wave=sine ! audioconvert ! audioresample ! opusenc "
      "! rtpopuspay pt=111 "
      "! application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000 ! queue";

/* Links a send branch to webrtcbin's @pad_name: "sink_%u" makes a new
 * transceiver, "sink_N" uses the one for m-line N. */
static gboolean
add_branch (Peer *peer, const char *description, const char *pad_name)
{
  g_autoptr (GError) error = NULL;
  GstElement *bin = gst_parse_bin_from_description (description, TRUE, &error);
  if (!bin)
    {
      g_printerr ("webrtcbin-peer: %s\n", error->message);
      return FALSE;
    }
  gst_bin_add (GST_BIN (peer->pipeline), bin);
  g_autoptr (GstPad) src = gst_element_get_static_pad (bin, "src");
  g_autoptr (GstPad) sink = gst_element_request_pad_simple (peer->webrtc, pad_name);
  if (!sink || gst_pad_link (src, sink) != GST_PAD_LINK_OK)
    {
      g_printerr ("webrtcbin-peer: cannot link a send branch to webrtcbin's %s\n", pad_name);
      return FALSE;
    }
  gst_element_sync_state_with_parent (bin);
  return TRUE;
}

/* A promise's reply, or NULL with the error printed. */
static gboolean
promise_ok (GstPromise *promise, const char *what)
{
  GstPromiseResult result = gst_promise_wait (promise);
  const GstStructure *reply = gst_promise_get_reply (promise);
  GError *error = NULL;
  if (result != GST_PROMISE_RESULT_REPLIED)
    {
      g_printerr ("webrtcbin-peer: %s: no reply\n", what);
      return FALSE;
    }
  if (reply && gst_structure_has_field (reply, "error"))
    {
      gst_structure_get (reply, "error", G_TYPE_ERROR, &error, NULL);
      g_printerr ("webrtcbin-peer: %s: %s\n", what, error ? error->message : "failed");
      g_clear_error (&error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
on_remote_applied_idle (gpointer data)
{
  Peer *peer = data;
  watch_transports (peer);
  end_after (&peer->connect_timer, peer, CONNECT_TIMEOUT_S, 1, "DTLS did not connect in time");
  return G_SOURCE_REMOVE;
}

static gboolean
on_failure_idle (gpointer data)
{
  finish (data, 1);
  return G_SOURCE_REMOVE;
}

static gboolean
on_local_applied_idle (gpointer data)
{
  Peer *peer = data;
  wait_for_gathering (peer);
  /* The answerer has both descriptions now and starts its checks. */
  if (!peer->offerer)
    on_remote_applied_idle (peer);
  return G_SOURCE_REMOVE;
}

static void
on_local_description_set (GstPromise *promise, gpointer data)
{
  Peer *peer = data;
  g_idle_add (promise_ok (promise, "set-local-description") ? on_local_applied_idle
                                                            : on_failure_idle,
              peer);
  gst_promise_unref (promise);
}

static void
on_description_created (GstPromise *promise, gpointer data)
{
  Peer *peer = data;
  const char *field = peer->offerer ? "offer" : "answer";
  GstWebRTCSessionDescription *desc = NULL;
  if (!promise_ok (promise, peer->offerer ? "create-offer" : "create-answer"))
    {
      g_idle_add (on_failure_idle, peer);
      gst_promise_unref (promise);
      return;
    }
  gst_structure_get (gst_promise_get_reply (promise), field, GST_TYPE_WEBRTC_SESSION_DESCRIPTION,
                     &desc, NULL);
  gst_promise_unref (promise);
  if (!desc)
    {
      g_printerr ("webrtcbin-peer: webrtcbin gave no %s\n", field);
      g_idle_add (on_failure_idle, peer);
      return;
    }
  g_signal_emit_by_name (peer->webrtc, "set-local-description", desc,
                         gst_promise_new_with_change_func (on_local_description_set, peer, NULL));
  gst_webrtc_session_description_free (desc);
}

/* In webrtcbin 1.22 an answerer's branches linked before the offer are not
 * reliably matched to the offer's m-lines: with a video-only offer the
 * answer said sendrecv but the answerer's video never arrived. So the
 * answerer links its branches now, each to the offer's m-line of its kind. */
static gboolean
on_offer_applied_idle (gpointer data)
{
  Peer *peer = data;
  gboolean audio_done = !peer->audio, video_done = !peer->video;
  for (guint m = 0; m < peer->remote_kinds->len; m++)
    {
      char kind = peer->remote_kinds->str[m];
      g_autofree char *pad_name = g_strdup_printf ("sink_%u", m);
      gboolean *done = kind == 'a' ? &audio_done : kind == 'v' ? &video_done : NULL;
      if (!done || *done)
        continue;
      *done = TRUE;
      if (!add_branch (peer, kind == 'a' ? audio_branch : video_branch, pad_name))
        {
          finish (peer, 1);
          return G_SOURCE_REMOVE;
        }
    }
  g_signal_emit_by_name (peer->webrtc, "create-answer", NULL,
                         gst_promise_new_with_change_func (on_description_created, peer, NULL));
  return G_SOURCE_REMOVE;
}

static void
on_remote_description_set (GstPromise *promise, gpointer data)
{
  Peer *peer = data;
  if (!promise_ok (promise, "set-remote-description"))
    {
      g_idle_add (on_failure_idle, peer);
      gst_promise_unref (promise);
      return;
    }
  gst_promise_unref (promise);
  g_idle_add (peer->offerer ? on_remote_applied_idle : on_offer_applied_idle, peer);
}

static void
apply_remote (Peer *peer)
{
  GstSDPMessage *sdp = NULL;
  gst_sdp_message_new (&sdp);
  if (gst_sdp_message_parse_buffer ((const guint8 *) peer->remote_text->str, peer->remote_text->len,
                                    sdp)
          != GST_SDP_OK
      || gst_sdp_message_medias_len (sdp) == 0)
    {
      g_printerr ("webrtcbin-peer: the pasted text is not an SDP description\n");
      gst_sdp_message_free (sdp);
      finish (peer, 1);
      return;
    }
  g_mutex_lock (&peer->lock);
  peer->remote_fingerprint = sdp_fingerprint (sdp);
  peer->remote_applied_time = g_get_monotonic_time ();
  g_mutex_unlock (&peer->lock);
  g_string_truncate (peer->remote_kinds, 0);
  for (guint m = 0; m < gst_sdp_message_medias_len (sdp); m++)
    {
      const char *media = gst_sdp_media_get_media (gst_sdp_message_get_media (sdp, m));
      g_string_append_c (peer->remote_kinds, g_strcmp0 (media, "audio") == 0   ? 'a'
                                             : g_strcmp0 (media, "video") == 0 ? 'v'
                                                                               : '-');
    }
  if (!peer->remote_fingerprint)
    g_printerr ("webrtcbin-peer: the remote description has no a=fingerprint\n");
  GstWebRTCSessionDescription *desc = gst_webrtc_session_description_new (
      peer->offerer ? GST_WEBRTC_SDP_TYPE_ANSWER : GST_WEBRTC_SDP_TYPE_OFFER, sdp);
  g_printerr ("webrtcbin-peer: applying the remote %s\n", peer->offerer ? "answer" : "offer");
  g_signal_emit_by_name (peer->webrtc, "set-remote-description", desc,
                         gst_promise_new_with_change_func (on_remote_description_set, peer, NULL));
  gst_webrtc_session_description_free (desc);
}

static void read_next_line (Peer *peer);

static void
on_line (GObject *source, GAsyncResult *result, gpointer data)
{
  Peer *peer = data;
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  g_autofree char *line
      = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, &len, &error);
  if (!line)
    {
      g_printerr ("webrtcbin-peer: stdin ended before the other side's description\n");
      finish (peer, 1);
      return;
    }
  g_strchomp (line);
  if (*line == '\0')
    {
      if (peer->remote_text->len > 0)
        {
          apply_remote (peer);
          return;
        }
    }
  else
    g_string_append_printf (peer->remote_text, "%s\r\n", line);
  read_next_line (peer);
}

static void
read_next_line (Peer *peer)
{
  g_data_input_stream_read_line_async (peer->input, G_PRIORITY_DEFAULT, NULL, on_line, peer);
}

static void
on_negotiation_needed (GstElement *webrtc, gpointer data)
{
  Peer *peer = data;
  static gboolean done;
  if (!peer->offerer || done)
    return;
  done = TRUE;
  g_signal_emit_by_name (webrtc, "create-offer", NULL,
                         gst_promise_new_with_change_func (on_description_created, peer, NULL));
}

static void
on_bus_error (GstBus *bus, GstMessage *msg, gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *debug = NULL;
  gst_message_parse_error (msg, &error, &debug);
  g_printerr ("webrtcbin-peer: error from %s: %s (%s)\n", GST_OBJECT_NAME (msg->src),
              error->message, debug ? debug : "");
  finish (data, 1);
}

static void
on_bus_eos (GstBus *bus, GstMessage *msg, gpointer data)
{
  Peer *peer = data;
  g_printerr ("webrtcbin-peer: end of stream\n");
  finish (peer, peer->dtls_connected ? 0 : 1);
}

static gboolean
build_pipeline (Peer *peer)
{
  peer->pipeline = gst_pipeline_new ("webrtcbin-peer");
  peer->webrtc = gst_element_factory_make ("webrtcbin", "webrtc");
  if (!peer->webrtc)
    {
      g_printerr ("webrtcbin-peer: no webrtcbin element\n");
      return FALSE;
    }
  g_object_set (peer->webrtc, "bundle-policy", GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, NULL);
  gst_bin_add (GST_BIN (peer->pipeline), peer->webrtc);

  /* The offerer's transceivers, and so its m-lines, come in the order the sink
   * pads are requested. The answerer links its branches once it has the offer. */
  const char *first = peer->video_first ? video_branch : audio_branch;
  const char *second = peer->video_first ? audio_branch : video_branch;
  gboolean first_on = peer->video_first ? peer->video : peer->audio;
  gboolean second_on = peer->video_first ? peer->audio : peer->video;
  if (peer->offerer
      && ((first_on && !add_branch (peer, first, "sink_%u"))
          || (second_on && !add_branch (peer, second, "sink_%u"))))
    return FALSE;

  g_signal_connect (peer->webrtc, "on-negotiation-needed", G_CALLBACK (on_negotiation_needed),
                    peer);
  g_signal_connect (peer->webrtc, "notify::ice-gathering-state",
                    G_CALLBACK (on_ice_gathering_state), peer);
  g_signal_connect (peer->webrtc, "notify::ice-connection-state",
                    G_CALLBACK (on_ice_connection_state), peer);
  g_signal_connect (peer->webrtc, "pad-added", G_CALLBACK (on_webrtc_pad), peer);
  g_autoptr (GstBus) bus = gst_pipeline_get_bus (GST_PIPELINE (peer->pipeline));
  gst_bus_add_signal_watch (bus);
  g_signal_connect (bus, "message::error", G_CALLBACK (on_bus_error), peer);
  g_signal_connect (bus, "message::eos", G_CALLBACK (on_bus_eos), peer);
  return TRUE;
}

int
main (int argc, char **argv)
{
  Peer peer = { .exit_status = 1, .duration = 10 };
  gboolean audio_only = FALSE, video_only = FALSE;
  g_autofree char *stats = NULL;
  GOptionEntry entries[] = {
    { "audio-only", 0, 0, G_OPTION_ARG_NONE, &audio_only, "Send and offer audio only", NULL },
    { "video-only", 0, 0, G_OPTION_ARG_NONE, &video_only, "Send and offer video only", NULL },
    { "video-first", 0, 0, G_OPTION_ARG_NONE, &peer.video_first,
      "Put m=video before m=audio (as webrtcbin's own examples do)", NULL },
    { "duration", 0, 0, G_OPTION_ARG_INT, &peer.duration,
      "Hang up this many seconds after DTLS connects (default 10)", "SECONDS" },
    { "stats", 0, 0, G_OPTION_ARG_FILENAME, &stats, "Write a JSON summary here", "FILE" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("offer|answer");
  g_option_context_set_summary (context, "A WebRTC test peer on GStreamer's webrtcbin.");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("webrtcbin-peer: %s\n", error->message);
      return 2;
    }
  if (argc != 2 || (!g_str_equal (argv[1], "offer") && !g_str_equal (argv[1], "answer"))
      || (audio_only && video_only) || peer.duration <= 0)
    {
      g_printerr ("usage: confab-webrtcbin-peer offer|answer [--audio-only|--video-only] "
                  "[--video-first] [--duration SECONDS] [--stats FILE]\n");
      return 2;
    }
  peer.offerer = g_str_equal (argv[1], "offer");
  peer.audio = !video_only;
  peer.video = !audio_only;
  peer.stats_path = stats;
  g_mutex_init (&peer.lock);
  peer.start_time = g_get_monotonic_time ();
  peer.watched_transports = g_ptr_array_new_with_free_func (g_object_unref);
  peer.remote_text = g_string_new (NULL);
  peer.remote_kinds = g_string_new (NULL);
  peer.loop = g_main_loop_new (NULL, FALSE);

  /* The last resort if the main loop itself hangs. */
  alarm (peer.duration + CONNECT_TIMEOUT_S + 2 * WATCHDOG_MARGIN_S);
  end_after (&peer.watchdog_timer, &peer, peer.duration + CONNECT_TIMEOUT_S + WATCHDOG_MARGIN_S, 1,
             "watchdog: the call should have ended long ago");

  if (!build_pipeline (&peer))
    return 1;
  g_autoptr (GInputStream) in = g_unix_input_stream_new (0, FALSE);
  peer.input = g_data_input_stream_new (in);
  if (gst_element_set_state (peer.pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_printerr ("webrtcbin-peer: the pipeline does not start\n");
      return 1;
    }
  read_next_line (&peer);

  guint sigint = g_unix_signal_add (SIGINT, on_hang_up_signal, &peer);
  guint sigterm = g_unix_signal_add (SIGTERM, on_hang_up_signal, &peer);
  g_main_loop_run (peer.loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);

  if (peer.exit_status == 0 && !peer.dtls_connected)
    peer.exit_status = 1;
  write_stats (&peer);
  g_clear_handle_id (&peer.gather_timer, g_source_remove);
  g_clear_handle_id (&peer.connect_timer.id, g_source_remove);
  g_clear_handle_id (&peer.duration_timer.id, g_source_remove);
  g_clear_handle_id (&peer.watchdog_timer.id, g_source_remove);
  gst_element_set_state (peer.pipeline, GST_STATE_NULL);
  g_autoptr (GstBus) bus = gst_pipeline_get_bus (GST_PIPELINE (peer.pipeline));
  gst_bus_remove_signal_watch (bus);
  g_printerr ("webrtcbin-peer: %u video frames and %u audio buffers decoded; exit %d\n",
              (guint) peer.video_frames, (guint) peer.audio_buffers, peer.exit_status);
  g_ptr_array_unref (peer.watched_transports);
  gst_object_unref (peer.pipeline);
  g_object_unref (peer.input);
  g_string_free (peer.remote_text, TRUE);
  g_string_free (peer.remote_kinds, TRUE);
  g_free (peer.local_fingerprint);
  g_free (peer.remote_fingerprint);
  g_free (peer.remote_cert_fingerprint);
  g_free (peer.local_cert_fingerprint);
  g_main_loop_unref (peer.loop);
  g_mutex_clear (&peer.lock);
  return peer.exit_status;
}
