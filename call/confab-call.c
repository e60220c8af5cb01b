/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-call.h"

#include "confab-dtls-sas.h"
#include "confab-fec-controller-feed.h"
#include "confab-ice-layer.h"
#include "confab-negotiation.h"
#include "confab-rate-controller-feed.h"
#include "confab-rtcp-reports.h"
#include "confab-rtp-packet.h"
#include "confab-sdp-compact.h"

#include <glib/gi18n.h>
#include <string.h>

/* The answerer's description reaches the offerer by hand: allow minutes. */
#define ANSWERER_CONNECT_TIMEOUT_S 300
/* Once the offerer has the answer, both sides know everything; a direct or
 * relayed path is found in seconds or not at all. */
#define OFFERER_CONNECT_TIMEOUT_S 30
/* No packet at all from the other side for this long ends the call. */
#define MEDIA_TIMEOUT_S 10

struct _ConfabCall
{
  GObject parent_instance;

  ConfabSdpType role;
  ConfabCallState state;
  ConfabCallOptions options;

  ConfabIceSession *ice;
  ConfabPacketPath *path; /* between the two: the ICE session at the bottom */
  ConfabDtlsLayer *dtls;  /* right above it: no media leaves or enters unencrypted */
  ConfabDtlsRole dtls_role;
  gboolean dtls_started;
  gint64 dtls_connected_time;
  gboolean ended_by_peer;
  ConfabCallPipeline *pipeline;
  ConfabRateFeed *rate_feed; /* congestion control, while the media runs */
  ConfabFecFeed *fec_feed;   /* adaptive FEC, likewise */
  ConfabSdp *remote;
  /* What we can do, and what negotiation made of it: the offerer's streams
   * from the start, the answerer's once the offer is in. */
  ConfabLocalMedia local;
  ConfabStreamSet streams;
  guint64 session_id;

  gboolean gathered;
  gboolean remote_applied;
  gboolean media_started;
  gint64 connected_time;
  gint64 ended_time;
  guint connect_timeout_id;
  guint media_watch_id;
  guint64 last_packets_received;
  gint64 last_packet_time;
  gboolean audio_muted; /* applied again when the answerer's pipeline is built */
  gboolean video_disabled;
};

G_DEFINE_FINAL_TYPE (ConfabCall, confab_call, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STATE,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_FAILED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

const char *
confab_call_state_to_string (ConfabCallState state)
{
  switch (state)
    {
    case CONFAB_CALL_STATE_NEW:
      return "new";
    case CONFAB_CALL_STATE_GATHERING:
      return "gathering";
    case CONFAB_CALL_STATE_WAITING:
      return "waiting";
    case CONFAB_CALL_STATE_CONNECTING:
      return "connecting";
    case CONFAB_CALL_STATE_IN_CALL:
      return "in-call";
    case CONFAB_CALL_STATE_ENDED:
      return "ended";
    case CONFAB_CALL_STATE_FAILED:
      return "failed";
    default:
      return "unknown";
    }
}

void
confab_call_options_init (ConfabCallOptions *options)
{
  memset (options, 0, sizeof *options);
  options->fec = TRUE;
  options->rtx = TRUE;
  options->adaptive_fec = TRUE;
  confab_media_config_init (&options->media);
  confab_netsim_spec_init (&options->netsim);
  options->congestion_control = TRUE;
}

void
confab_call_options_clear (ConfabCallOptions *options)
{
  g_clear_pointer (&options->stun, confab_ice_server_free);
  g_clear_pointer (&options->turn, confab_ice_server_free);
  g_clear_pointer (&options->local_addresses, g_strfreev);
}

static void
set_state (ConfabCall *self, ConfabCallState state)
{
  if (self->state == state)
    return;
  g_debug ("call state: %s -> %s", confab_call_state_to_string (self->state),
           confab_call_state_to_string (state));
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* RTCP BYE for every SSRC we send, so the other side's media ends now
 * rather than when it notices the silence; it goes through the DTLS layer
 * like any RTCP. */
static void
send_bye (ConfabCall *self)
{
  guint32 ssrcs[2 * CONFAB_MAX_STREAMS];
  guint n = 0;
  guint8 packet[8 + 4 + 4 * G_N_ELEMENTS (ssrcs)];

  for (guint i = 0; i < self->streams.n_streams; i++)
    {
      const ConfabStreamParams *stream = &self->streams.streams[i];
      if (!stream->send)
        continue;
      if (stream->local_ssrc)
        ssrcs[n++] = stream->local_ssrc;
      if (stream->fec_pt && stream->local_fec_ssrc)
        ssrcs[n++] = stream->local_fec_ssrc;
    }
  gsize len = confab_rtcp_write_bye (ssrcs, n, packet, sizeof packet);
  if (len > 0)
    confab_packet_path_send (self->path, packet, len);
}

static void
stop_everything (ConfabCall *self)
{
  if (self->connected_time && !self->ended_time)
    self->ended_time = g_get_monotonic_time ();
  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  g_clear_handle_id (&self->media_watch_id, g_source_remove);
  if (self->rate_feed)
    confab_rate_feed_stop (self->rate_feed);
  g_clear_pointer (&self->rate_feed, confab_rate_feed_unref);
  g_clear_pointer (&self->fec_feed, confab_fec_feed_free);
  /* The goodbye first, so that the other side ends now rather than once
   * our pipeline has wound down (which takes a while on a busy machine):
   * the BYE, then the path closes top layer first (the DTLS layer says
   * close_notify), the ICE session last (its layer closes it). What the
   * pipeline still sends meets a closed path. */
  if (self->path && self->media_started && !self->ended_by_peer)
    send_bye (self);
  if (self->path)
    confab_packet_path_close (self->path);
  g_clear_object (&self->path);
  if (self->pipeline)
    confab_call_pipeline_stop (self->pipeline);
  if (self->ice)
    confab_ice_session_close (self->ice);
}

static void
fail (ConfabCall *self, GError *error)
{
  if (self->state == CONFAB_CALL_STATE_FAILED || self->state == CONFAB_CALL_STATE_ENDED)
    {
      g_error_free (error);
      return;
    }
  g_debug ("call failed: %s", error->message);
  stop_everything (self);
  set_state (self, CONFAB_CALL_STATE_FAILED);
  g_signal_emit (self, signals[SIGNAL_FAILED], 0, error);
  g_error_free (error);
}

/* The pipeline is rebuilt once on the answerer's side: controls set
 * before that are applied again. */
static void
apply_controls (ConfabCall *self)
{
  if (!self->pipeline)
    return;
  confab_call_pipeline_set_audio_muted (self->pipeline, self->audio_muted);
  confab_call_pipeline_set_video_enabled (self->pipeline, !self->video_disabled);
}

/* -- packets between the two halves ---------------------------------------- */

/* A GStreamer streaming thread. */
static void
on_media_packet (const guint8 *data, gsize size, gpointer user_data)
{
  ConfabPacketPath *path = user_data;
  confab_packet_path_send (path, data, size);
}

/* What the packet path hands the media to: the pipeline, and how to tell
 * the call when the other side says BYE. */
typedef struct
{
  ConfabCallPipeline *pipeline;
  ConfabRateFeed *rate_feed; /* hears the peer's REMB */
  GWeakRef call;
  GMainContext *context;
  guint32 remote_ssrcs[CONFAB_MAX_STREAMS];
  guint n_remote_ssrcs;
  gint bye_seen;
} Delivery;

static void
delivery_free (gpointer data)
{
  Delivery *delivery = data;
  g_object_unref (delivery->pipeline);
  g_clear_pointer (&delivery->rate_feed, confab_rate_feed_unref);
  g_weak_ref_clear (&delivery->call);
  g_main_context_unref (delivery->context);
  g_free (delivery);
}

static void end_by_peer (ConfabCall *self);

static gboolean
on_bye_idle (gpointer data)
{
  g_autoptr (ConfabCall) self = g_weak_ref_get (data);
  if (self)
    end_by_peer (self);
  return G_SOURCE_REMOVE;
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

/* A BYE naming one of the peer's media SSRCs (any BYE when it named
 * none) means it hung up. */
static gboolean
is_peer_bye (const Delivery *delivery, const guint8 *data, gsize size)
{
  if (!confab_rtp_is_rtcp (data, size))
    return FALSE;
  if (delivery->n_remote_ssrcs == 0)
    return confab_rtcp_has_bye (data, size, 0);
  for (guint i = 0; i < delivery->n_remote_ssrcs; i++)
    if (confab_rtcp_has_bye (data, size, delivery->remote_ssrcs[i]))
      return TRUE;
  return FALSE;
}

/* libnice's thread (or a layer's). */
static void
on_network_packet (const guint8 *data, gsize size, gpointer user_data)
{
  Delivery *delivery = user_data;

  confab_call_pipeline_push_packet (delivery->pipeline, data, size);
  if (delivery->rate_feed)
    confab_rate_feed_note_packet (delivery->rate_feed, data, size);
  if (is_peer_bye (delivery, data, size)
      && g_atomic_int_compare_and_exchange (&delivery->bye_seen, 0, 1))
    {
      GWeakRef *ref = g_new0 (GWeakRef, 1);
      g_autoptr (GObject) call = g_weak_ref_get (&delivery->call);
      g_weak_ref_init (ref, call);
      g_main_context_invoke_full (delivery->context, G_PRIORITY_DEFAULT, on_bye_idle, ref,
                                  weak_ref_free);
    }
}

static gboolean
on_media_watch (gpointer data)
{
  ConfabCall *self = data;
  ConfabIceStats stats;

  confab_ice_session_get_stats (self->ice, &stats);
  gint64 now = g_get_monotonic_time ();
  if (stats.packets_received != self->last_packets_received)
    {
      self->last_packets_received = stats.packets_received;
      self->last_packet_time = now;
      return G_SOURCE_CONTINUE;
    }
  if (now - self->last_packet_time >= MEDIA_TIMEOUT_S * G_USEC_PER_SEC)
    {
      self->media_watch_id = 0;
      fail (self, g_error_new (CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_STATE,
                               _ ("Nothing has arrived from the other side for %d seconds: "
                                  "they hung up or the network went away"),
                               MEDIA_TIMEOUT_S));
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* Made on first use: layers can be added before media starts. */
ConfabPacketPath *
confab_call_get_packet_path (ConfabCall *self)
{
  g_return_val_if_fail (CONFAB_IS_CALL (self), NULL);
  if (!self->path && self->state != CONFAB_CALL_STATE_ENDED
      && self->state != CONFAB_CALL_STATE_FAILED)
    {
      g_autoptr (ConfabIceLayer) bottom = confab_ice_layer_new (self->ice);
      self->path = confab_packet_path_new (CONFAB_PACKET_LAYER (bottom));
    }
  return self->path;
}

static guint32
remote_video_ssrc (const ConfabStreamSet *streams)
{
  for (guint i = 0; i < streams->n_streams; i++)
    if (streams->streams[i].kind == CONFAB_STREAM_KIND_VIDEO)
      return streams->streams[i].remote_ssrc;
  return 0;
}

static void
start_media (ConfabCall *self)
{
  g_autoptr (GError) error = NULL;

  if (self->media_started)
    return;
  self->media_started = TRUE;

  /* The path holds the pipeline and the pipeline the path until the path
   * is closed (stop_everything). */
  ConfabPacketPath *path = confab_call_get_packet_path (self);
  Delivery *delivery = g_new0 (Delivery, 1);
  delivery->pipeline = g_object_ref (self->pipeline);
  if (self->options.congestion_control)
    {
      self->rate_feed
          = confab_rate_feed_new (self->pipeline, path, self->options.media.video_bitrate_kbps,
                                  self->streams.n_streams ? self->streams.streams[0].local_ssrc : 0,
                                  remote_video_ssrc (&self->streams));
      delivery->rate_feed = confab_rate_feed_ref (self->rate_feed);
    }
  const ConfabStreamParams *video
      = confab_stream_set_find (&self->streams, CONFAB_STREAM_KIND_VIDEO);
  self->fec_feed = confab_fec_feed_new (
      self->pipeline, self->options.adaptive_fec && video && video->fec_pt && video->send,
      video && video->rtx_pt, self->options.media.audio_bitrate_kbps);
  g_weak_ref_init (&delivery->call, self);
  delivery->context = g_main_context_ref_thread_default ();
  for (guint i = 0; i < self->streams.n_streams; i++)
    if (self->streams.streams[i].remote_ssrc)
      delivery->remote_ssrcs[delivery->n_remote_ssrcs++] = self->streams.streams[i].remote_ssrc;
  confab_packet_path_set_deliver_func (path, on_network_packet, delivery, delivery_free);
  confab_call_pipeline_set_packet_func (self->pipeline, on_media_packet, g_object_ref (path),
                                        g_object_unref);
  if (!confab_call_pipeline_start (self->pipeline, &error))
    {
      fail (self, g_steal_pointer (&error));
      return;
    }
  self->last_packet_time = g_get_monotonic_time ();
  self->media_watch_id = g_timeout_add_seconds (1, on_media_watch, self);
}

static void
on_ice_state (GObject *object, GParamSpec *pspec, gpointer data)
{
  ConfabCall *self = data;
  ConfabIceState ice_state = confab_ice_session_get_state (self->ice);

  if (self->state == CONFAB_CALL_STATE_ENDED || self->state == CONFAB_CALL_STATE_FAILED)
    return;

  /* A path: now the DTLS handshake, whose end starts the media (see
   * on_dtls_state). The connect timeout covers both. */
  if (ice_state == CONFAB_ICE_STATE_CONNECTED && self->state == CONFAB_CALL_STATE_CONNECTING
      && !self->dtls_started)
    {
      g_autoptr (GError) error = NULL;

      self->dtls_started = TRUE;
      if (!confab_dtls_layer_start (self->dtls, self->dtls_role, self->remote->fingerprint, &error))
        fail (self, g_steal_pointer (&error));
    }
  /* FAILED is not final here: the answerer's checks fail while the offerer
   * still waits for a person to paste the answer, and libnice recovers when
   * the offerer's checks arrive. The connect timeout decides. */
}

static void
end_by_peer (ConfabCall *self)
{
  if (self->state != CONFAB_CALL_STATE_IN_CALL && self->state != CONFAB_CALL_STATE_CONNECTING)
    return;
  g_debug ("the other side hung up");
  self->ended_by_peer = TRUE;
  stop_everything (self);
  set_state (self, CONFAB_CALL_STATE_ENDED);
}

/* The owner's thread (the layer notifies there). */
static void
on_dtls_state (GObject *object, GParamSpec *pspec, gpointer data)
{
  ConfabCall *self = data;

  if (self->state == CONFAB_CALL_STATE_ENDED || self->state == CONFAB_CALL_STATE_FAILED)
    return;
  switch (confab_dtls_layer_get_state (self->dtls))
    {
    case CONFAB_DTLS_STATE_CONNECTED:
      if (self->state != CONFAB_CALL_STATE_CONNECTING)
        break;
      g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
      self->dtls_connected_time = self->connected_time = g_get_monotonic_time ();
      set_state (self, CONFAB_CALL_STATE_IN_CALL);
      start_media (self);
      break;
    case CONFAB_DTLS_STATE_FAILED:
      {
        GError *error = confab_dtls_layer_dup_error (self->dtls);
        if (!error)
          error = g_error_new_literal (CONFAB_DTLS_ERROR, CONFAB_DTLS_ERROR_HANDSHAKE,
                                       _ ("The encrypted connection failed"));
        else if (g_error_matches (error, CONFAB_DTLS_ERROR, CONFAB_DTLS_ERROR_FINGERPRINT_MISMATCH))
          {
            /* Say it in the user's terms: the text they carried. */
            g_clear_error (&error);
            error = g_error_new_literal (
                CONFAB_DTLS_ERROR, CONFAB_DTLS_ERROR_FINGERPRINT_MISMATCH,
                self->role == CONFAB_SDP_OFFER
                    ? _ ("The other side's certificate does not match the fingerprint in their "
                         "answer: the text was changed on the way, or comes from another call. "
                         "No media was sent or played")
                    : _ ("The other side's certificate does not match the fingerprint in their "
                         "offer: the text was changed on the way, or comes from another call. "
                         "No media was sent or played"));
          }
        fail (self, error);
        break;
      }
    case CONFAB_DTLS_STATE_CLOSED:
      /* Our own close comes after stop_everything() has ended the call;
       * this is the other side's close_notify. */
      end_by_peer (self);
      break;
    default:
      break;
    }
}

static void
on_pipeline_error (ConfabCallPipeline *pipeline, GError *error, gpointer data)
{
  ConfabCall *self = data;
  fail (self, g_error_copy (error));
}

static int
connect_timeout_s (ConfabCall *self)
{
  return self->role == CONFAB_SDP_OFFER ? OFFERER_CONNECT_TIMEOUT_S : ANSWERER_CONNECT_TIMEOUT_S;
}

static gboolean
on_connect_timeout (gpointer data)
{
  ConfabCall *self = data;
  self->connect_timeout_id = 0;

  guint n = self->remote ? self->remote->candidates->len : 0;
  ConfabIceStats stats;
  confab_ice_session_get_stats (self->ice, &stats);
  /* With a TURN server that gave no relay, the firewall or NAT guess is
   * wrong: the relay that would have got through is what failed. */
  if (stats.relay_problem[0])
    fail (self, g_error_new (CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_STATE,
                             _ ("Could not connect within %d seconds: none of the %u addresses of "
                                "the other side answered, and the TURN relay that could have "
                                "carried the call was not there (%s)"),
                             connect_timeout_s (self), n, stats.relay_problem));
  /* A relay that was there and carried nothing: a firewall that blocks it
   * too, or an allocation the server dropped without a word (coturn does
   * when its host cannot reach an address we asked it to; libnice 0.1.21
   * cannot tell). */
  else if (self->options.turn != NULL && self->role == CONFAB_SDP_OFFER)
    fail (self, g_error_new (CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_STATE,
                             _ ("Could not connect within %d seconds: none of the %u addresses of "
                                "the other side answered, not even through the TURN relay (a "
                                "firewall that blocks the relay too, or a relay the server "
                                "dropped)"),
                             connect_timeout_s (self), n));
  else
    fail (self,
          g_error_new (CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_STATE,
                       self->role == CONFAB_SDP_OFFER
                           ? _ ("Could not connect within %d seconds: none of the %u addresses of "
                                "the other side answered (a firewall, or both sides behind strict "
                                "NATs without a TURN server)")
                           : _ ("The other side did not connect within %d seconds (did they paste "
                                "the answer? %u addresses of theirs were tried)"),
                       connect_timeout_s (self), n));
  return G_SOURCE_REMOVE;
}

static void
maybe_apply_remote (ConfabCall *self)
{
  g_autoptr (GError) error = NULL;

  if (!self->gathered || !self->remote || self->remote_applied)
    return;
  self->remote_applied = TRUE;

  if (!confab_ice_session_set_remote (self->ice, self->remote, &error))
    {
      fail (self, g_steal_pointer (&error));
      return;
    }
  set_state (self, CONFAB_CALL_STATE_CONNECTING);
  self->connect_timeout_id
      = g_timeout_add_seconds (connect_timeout_s (self), on_connect_timeout, self);
  /* Loopback can connect before we get here. */
  on_ice_state (NULL, NULL, self);
}

/* The pipeline with this call's payload types and SSRCs: the offerer's
 * own, or the offer's echoed by the answerer. Controls set before (the
 * answerer's pipeline comes late) are applied to it. */
static gboolean
build_pipeline (ConfabCall *self, GError **error)
{
  g_autoptr (ConfabCallPipeline) pipeline = confab_call_pipeline_new (
      &self->options.media, self->streams.streams, self->streams.n_streams, error);
  if (!pipeline)
    return FALSE;
  if (self->pipeline)
    g_signal_handlers_disconnect_by_data (self->pipeline, self);
  g_set_object (&self->pipeline, pipeline);
  g_signal_connect (self->pipeline, "error", G_CALLBACK (on_pipeline_error), self);
  apply_controls (self);
  return TRUE;
}

/* -- GObject ----------------------------------------------------------------- */

static void
confab_call_dispose (GObject *object)
{
  ConfabCall *self = CONFAB_CALL (object);

  stop_everything (self);
  if (self->ice)
    g_signal_handlers_disconnect_by_data (self->ice, self);
  if (self->dtls)
    g_signal_handlers_disconnect_by_data (self->dtls, self);
  if (self->pipeline)
    g_signal_handlers_disconnect_by_data (self->pipeline, self);
  g_clear_object (&self->dtls);
  g_clear_object (&self->pipeline);
  g_clear_object (&self->ice);
  g_clear_pointer (&self->remote, confab_sdp_free);

  G_OBJECT_CLASS (confab_call_parent_class)->dispose (object);
}

static void
confab_call_finalize (GObject *object)
{
  ConfabCall *self = CONFAB_CALL (object);
  confab_call_options_clear (&self->options);
  G_OBJECT_CLASS (confab_call_parent_class)->finalize (object);
}

static void
confab_call_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ConfabCall *self = CONFAB_CALL (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_call_class_init (ConfabCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = confab_call_dispose;
  object_class->finalize = confab_call_finalize;
  object_class->get_property = confab_call_get_property;

  properties[PROP_STATE] = g_param_spec_int (
      "state", NULL, NULL, CONFAB_CALL_STATE_NEW, CONFAB_CALL_STATE_FAILED, CONFAB_CALL_STATE_NEW,
      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The call failed for good; the GError says why in words for people. */
  signals[SIGNAL_FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
confab_call_init (ConfabCall *self)
{
}

ConfabCall *
confab_call_new (ConfabSdpType role, const ConfabCallOptions *options, GError **error)
{
  g_return_val_if_fail (options != NULL, NULL);

  g_autoptr (ConfabCall) self = g_object_new (CONFAB_TYPE_CALL, NULL);
  self->role = role;
  self->options = *options;
  self->options.stun = options->stun ? confab_ice_server_copy (options->stun) : NULL;
  self->options.turn = options->turn ? confab_ice_server_copy (options->turn) : NULL;
  self->options.local_addresses = g_strdupv (options->local_addresses);

  self->session_id = confab_sdp_new_session_id ();
  self->local = (ConfabLocalMedia){
    .fec = options->fec, .ulpfec = options->ulpfec, .rs = options->rs_fec, .no_rtx = !options->rtx
  };
  confab_local_media_pick_ssrcs (&self->local);
  /* The offerer offers FEC if it wants it; the answerer decides when it
   * sees the offer. */
  if (role == CONFAB_SDP_OFFER)
    confab_negotiation_offer (&self->local, &self->streams);

  self->ice = confab_ice_session_new (role == CONFAB_SDP_OFFER);
  if (self->options.stun)
    confab_ice_session_set_stun_server (self->ice, self->options.stun);
  if (self->options.turn)
    confab_ice_session_set_turn_server (self->ice, self->options.turn);
  confab_ice_session_set_relay_only (self->ice, self->options.relay_only);
  if (self->options.min_port || self->options.max_port)
    confab_ice_session_set_port_range (self->ice, self->options.min_port, self->options.max_port);
  for (char **a = self->options.local_addresses; a && *a; a++)
    confab_ice_session_add_local_address (self->ice, *a);
  g_signal_connect (self->ice, "notify::state", G_CALLBACK (on_ice_state), self);

  /* Below the encryption: it impairs what goes over the wire. */
  if (confab_netsim_spec_impairs (&self->options.netsim))
    {
      g_autoptr (ConfabNetsim) netsim = confab_netsim_new (&self->options.netsim);
      confab_packet_path_push (confab_call_get_packet_path (self), CONFAB_PACKET_LAYER (netsim));
    }

  /* Our certificate now: its fingerprint goes into our description. */
  self->dtls = confab_dtls_layer_new (NULL, error);
  if (!self->dtls)
    return NULL;
  g_signal_connect (self->dtls, "notify::state", G_CALLBACK (on_dtls_state), self);
  confab_packet_path_push (confab_call_get_packet_path (self), CONFAB_PACKET_LAYER (self->dtls));

  /* The offerer builds its pipeline now (its payload types are its own);
   * the answerer builds it once it knows the offer's. Either way, before
   * anything is printed for the other side. */
  if (role == CONFAB_SDP_OFFER)
    {
      /* Built with FEC as offered; confab_call_set_remote_description()
       * takes it out again (before start) if the answer declines it. */
      if (!build_pipeline (self, error))
        return NULL;
    }

  return g_steal_pointer (&self);
}

ConfabSdpType
confab_call_get_role (ConfabCall *self)
{
  return self->role;
}

ConfabCallState
confab_call_get_state (ConfabCall *self)
{
  return self->state;
}

ConfabIceSession *
confab_call_get_ice_session (ConfabCall *self)
{
  return self->ice;
}

ConfabCallPipeline *
confab_call_get_pipeline (ConfabCall *self)
{
  return self->pipeline;
}

/* -- the offer/answer flow ------------------------------------------------------ */

static void
on_gathered (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GTask) task = data;
  ConfabCall *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;

  if (!confab_ice_session_gather_finish (CONFAB_ICE_SESSION (source), result, &error))
    {
      if (self->state == CONFAB_CALL_STATE_GATHERING)
        set_state (self, CONFAB_CALL_STATE_FAILED);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self->gathered = TRUE;
  if (self->state == CONFAB_CALL_STATE_GATHERING)
    set_state (self, CONFAB_CALL_STATE_WAITING);
  maybe_apply_remote (self);
  g_task_return_boolean (task, TRUE);
}

void
confab_call_gather_async (ConfabCall *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_return_if_fail (CONFAB_IS_CALL (self));

  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_call_gather_async);
  if (self->state != CONFAB_CALL_STATE_NEW)
    {
      g_task_return_new_error (task, CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_STATE,
                               "the call was set up already");
      g_object_unref (task);
      return;
    }
  set_state (self, CONFAB_CALL_STATE_GATHERING);
  confab_ice_session_gather_async (self->ice, cancellable, on_gathered, task);
}

gboolean
confab_call_gather_finish (ConfabCall *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

char *
confab_call_create_local_description (ConfabCall *self, GError **error)
{
  g_return_val_if_fail (CONFAB_IS_CALL (self), NULL);

  if (!self->gathered)
    {
      g_set_error (error, CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_STATE,
                   "the local candidates are not gathered yet");
      return NULL;
    }
  if (self->role == CONFAB_SDP_ANSWER && !self->remote)
    {
      g_set_error (error, CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_STATE,
                   "an answer needs the offer first");
      return NULL;
    }

  g_autoptr (ConfabSdp) sdp
      = confab_negotiation_describe (&self->streams, self->role, self->session_id);
  confab_ice_session_describe (self->ice, sdp);
  g_free (sdp->fingerprint);
  sdp->fingerprint = g_strdup (confab_dtls_layer_get_local_fingerprint (self->dtls));
  g_free (sdp->setup);
  /* RFC 8842: the offerer lets the answerer choose; we answer active (we
   * send the ClientHello) unless the offer insists on being active. */
  sdp->setup = g_strdup (self->role == CONFAB_SDP_OFFER               ? "actpass"
                         : self->dtls_role == CONFAB_DTLS_ROLE_CLIENT ? "active"
                                                                      : "passive");
  return confab_sdp_to_string (sdp);
}

/* Who sends the ClientHello (RFC 5763 section 5, RFC 8842): the answerer
 * is active unless the offer is; the offerer takes what the answer says. */
static gboolean
dtls_role_for (ConfabSdpType our_role, const ConfabSdp *remote, ConfabDtlsRole *role,
               GError **error)
{
  const char *setup = remote->setup ? remote->setup : "";

  if (!remote->fingerprint)
    {
      g_set_error_literal (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_UNSUPPORTED,
                           _ ("The other side does not encrypt its media (no a=fingerprint); "
                              "Confab only makes encrypted calls"));
      return FALSE;
    }
  if (our_role == CONFAB_SDP_ANSWER)
    *role = strcmp (setup, "active") == 0 ? CONFAB_DTLS_ROLE_SERVER : CONFAB_DTLS_ROLE_CLIENT;
  else if (strcmp (setup, "active") == 0)
    *role = CONFAB_DTLS_ROLE_SERVER;
  else if (strcmp (setup, "passive") == 0)
    *role = CONFAB_DTLS_ROLE_CLIENT;
  else
    {
      g_set_error (error, CONFAB_SDP_ERROR, CONFAB_SDP_ERROR_INVALID,
                   _ ("The answer's a=setup is \"%s\"; an answer must say active or passive"),
                   setup);
      return FALSE;
    }
  return TRUE;
}

gboolean
confab_call_set_remote_description (ConfabCall *self, const char *blob, gssize length,
                                    GError **error)
{
  g_return_val_if_fail (CONFAB_IS_CALL (self), FALSE);
  g_return_val_if_fail (blob != NULL, FALSE);

  if (self->remote)
    {
      g_set_error (error, CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_STATE,
                   _ ("The other side's description was already given"));
      return FALSE;
    }

  ConfabSdpType expected = self->role == CONFAB_SDP_OFFER ? CONFAB_SDP_ANSWER : CONFAB_SDP_OFFER;
  /* Plain SDP or the compact form for chat apps: both paste fine. */
  g_autoptr (ConfabSdp) remote = confab_sdp_parse_any (blob, length, expected, error);
  if (!remote)
    return FALSE;
  ConfabDtlsRole dtls_role;
  if (!dtls_role_for (self->role, remote, &dtls_role, error))
    return FALSE;

  if (self->role == CONFAB_SDP_ANSWER)
    {
      if (!confab_negotiation_answer (&self->local, remote, &self->streams, error)
          || !build_pipeline (self, error))
        return FALSE;
    }
  else
    {
      gboolean fec_declined;
      guint offered = self->streams.n_streams;

      if (!confab_negotiation_apply_answer (&self->streams, remote, &fec_declined, error))
        return FALSE;
      const ConfabStreamParams *video
          = confab_stream_set_find (&self->streams, CONFAB_STREAM_KIND_VIDEO);
      /* The answer declined a section (a browser without a camera, say),
       * or took Reed-Solomon over the FlexFEC we built for: the pipeline,
       * not started yet, is built again for what is left. */
      if ((self->streams.n_streams != offered
           || (video != NULL && video->fec_scheme == CONFAB_STREAM_FEC_RS))
          && !build_pipeline (self, error))
        return FALSE;
      /* The pipeline has not started: media starts once both descriptions
       * are applied. */
      if (fec_declined && !confab_call_pipeline_disable_fec (self->pipeline))
        g_warning ("FEC declined by the answer, but the media had already started");
      if (!confab_call_pipeline_set_remote_ssrcs (self->pipeline, self->streams.streams,
                                                  self->streams.n_streams))
        g_warning ("The answer's SSRCs came after the media had started");
    }

  self->dtls_role = dtls_role;
  self->remote = g_steal_pointer (&remote);
  maybe_apply_remote (self);
  return TRUE;
}

char *
confab_call_dup_sas (ConfabCall *self)
{
  g_return_val_if_fail (CONFAB_IS_CALL (self), NULL);
  if (!self->remote || !self->dtls)
    return NULL;
  const char *local = confab_dtls_layer_get_local_fingerprint (self->dtls);
  const char *remote = self->remote->fingerprint;
  return self->role == CONFAB_SDP_OFFER ? confab_dtls_sas (local, remote)
                                        : confab_dtls_sas (remote, local);
}

gboolean
confab_call_ended_by_peer (ConfabCall *self)
{
  g_return_val_if_fail (CONFAB_IS_CALL (self), FALSE);
  return self->ended_by_peer;
}

void
confab_call_hang_up (ConfabCall *self)
{
  g_return_if_fail (CONFAB_IS_CALL (self));
  if (self->state == CONFAB_CALL_STATE_ENDED || self->state == CONFAB_CALL_STATE_FAILED)
    return;
  stop_everything (self);
  set_state (self, CONFAB_CALL_STATE_ENDED);
}

void
confab_call_get_stats (ConfabCall *self, ConfabCallStats *stats)
{
  g_return_if_fail (CONFAB_IS_CALL (self));

  memset (stats, 0, sizeof *stats);
  stats->state = self->state;
  stats->ice_state = confab_ice_session_get_state (self->ice);
  stats->have_pair = confab_ice_session_get_selected_pair (self->ice, &stats->pair);
  confab_ice_session_get_stats (self->ice, &stats->ice);
  if (self->pipeline)
    confab_call_pipeline_get_stats (self->pipeline, &stats->media);
  if (self->dtls)
    confab_dtls_layer_get_info (self->dtls, &stats->dtls);
  stats->sas = confab_call_dup_sas (self);
  stats->dtls_connected_time = self->dtls_connected_time;
  if (self->connected_time)
    stats->elapsed_s = ((self->ended_time ?: g_get_monotonic_time ()) - self->connected_time)
                       / (double) G_USEC_PER_SEC;
  GPtrArray *local = confab_call_dup_local_candidates (self);
  GPtrArray *remote = confab_call_dup_remote_candidates (self);
  g_ptr_array_add (local, NULL);
  g_ptr_array_add (remote, NULL);
  stats->local_candidates = (char **) g_ptr_array_free (local, FALSE);
  stats->remote_candidates = (char **) g_ptr_array_free (remote, FALSE);
  if (self->options.turn)
    {
      /* A snapshot gets pasted into bug reports: no credentials in it. */
      stats->turn = confab_ice_server_copy (self->options.turn);
      g_clear_pointer (&stats->turn->username, g_free);
      g_clear_pointer (&stats->turn->password, g_free);
    }
}

GPtrArray *
confab_call_dup_local_candidates (ConfabCall *self)
{
  g_return_val_if_fail (CONFAB_IS_CALL (self), NULL);
  return confab_ice_session_dup_local_candidates (self->ice);
}

GPtrArray *
confab_call_dup_remote_candidates (ConfabCall *self)
{
  g_return_val_if_fail (CONFAB_IS_CALL (self), NULL);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; self->remote && i < self->remote->candidates->len; i++)
    g_ptr_array_add (out, g_strdup (self->remote->candidates->pdata[i]));
  return out;
}

const ConfabIceServer *
confab_call_get_turn_server (ConfabCall *self)
{
  g_return_val_if_fail (CONFAB_IS_CALL (self), NULL);
  return self->options.turn;
}

void
confab_call_set_audio_muted (ConfabCall *self, gboolean muted)
{
  g_return_if_fail (CONFAB_IS_CALL (self));
  self->audio_muted = muted;
  apply_controls (self);
}

void
confab_call_set_video_enabled (ConfabCall *self, gboolean enabled)
{
  g_return_if_fail (CONFAB_IS_CALL (self));
  self->video_disabled = !enabled;
  apply_controls (self);
}
