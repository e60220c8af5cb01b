/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One ICE session over libnice: a single stream with a single component
 * (BUNDLE and rtcp-mux put audio, video and RTCP on one 5-tuple).
 *
 * libnice runs on a private thread with its own GMainContext, so packets
 * are received off the UI thread; state changes, the selected pair and
 * gathering results are delivered on the thread-default main context of
 * whoever called confab_ice_session_new().
 */
#pragma once

#include <gio/gio.h>

#include "confab-ice-server.h"
#include "confab-sdp.h"

G_BEGIN_DECLS

#define CONFAB_ICE_ERROR (confab_ice_error_quark ())
GQuark confab_ice_error_quark (void);

typedef enum
{
  CONFAB_ICE_ERROR_SETUP,         /* libnice refused the configuration */
  CONFAB_ICE_ERROR_RESOLVE,       /* a STUN/TURN host name did not resolve */
  CONFAB_ICE_ERROR_NO_CANDIDATES, /* gathering produced nothing usable */
  CONFAB_ICE_ERROR_NO_RELAY,      /* relay-only, but the TURN server gave no relay candidate */
  CONFAB_ICE_ERROR_REMOTE,        /* the remote description cannot be applied */
  CONFAB_ICE_ERROR_STATE,         /* called in the wrong state */
} ConfabIceError;

typedef enum
{
  CONFAB_ICE_STATE_NEW,
  CONFAB_ICE_STATE_GATHERING,
  CONFAB_ICE_STATE_GATHERED,  /* local description ready, no remote yet */
  CONFAB_ICE_STATE_CHECKING,  /* remote applied, connectivity checks running */
  CONFAB_ICE_STATE_CONNECTED, /* a pair is selected and media can flow */
  CONFAB_ICE_STATE_FAILED,    /* every pair failed (may still recover, see below) */
  CONFAB_ICE_STATE_CLOSED,
} ConfabIceState;

const char *confab_ice_state_to_string (ConfabIceState state);

typedef struct
{
  char type[8];     /* host, srflx, prflx, relay */
  char protocol[4]; /* udp, tcp */
  char address[48];
  guint port;
} ConfabIceCandidateInfo;

typedef struct
{
  ConfabIceCandidateInfo local;
  ConfabIceCandidateInfo remote;
  gboolean relayed; /* either end is a TURN relay */
} ConfabIcePair;

/* "udp host 192.0.2.1:5000 -> relay 198.51.100.7:49152", for logs. */
char *confab_ice_pair_to_string (const ConfabIcePair *pair) G_GNUC_WARN_UNUSED_RESULT;

typedef struct
{
  guint64 packets_sent;
  guint64 bytes_sent;
  guint64 send_failures; /* nice_agent_send() refused or short: counted, never silent */
  guint64 packets_received;
  guint64 bytes_received;
  gint64 gather_start_time; /* g_get_monotonic_time(), 0 = not yet */
  gint64 gather_end_time;
  gint64 remote_applied_time;
  gint64 connected_time; /* first CONNECTED */
  /* The last trouble with the TURN relay, in words, or "" (see
   * ConfabIceSession::relay-problem). */
  char relay_problem[256];
} ConfabIceStats;

/* Called on the libnice thread for every packet received. @data is only valid during the call. */
typedef void (*ConfabIceReceiveFunc) (const guint8 *data, gsize size, gpointer user_data);

#define CONFAB_TYPE_ICE_SESSION (confab_ice_session_get_type ())
G_DECLARE_FINAL_TYPE (ConfabIceSession, confab_ice_session, CONFAB, ICE_SESSION, GObject)

ConfabIceSession *confab_ice_session_new (gboolean controlling) G_GNUC_WARN_UNUSED_RESULT;

/* Configuration, before gathering. */
void confab_ice_session_set_stun_server (ConfabIceSession *self, const ConfabIceServer *server);
void confab_ice_session_set_turn_server (ConfabIceSession *self, const ConfabIceServer *server);
void confab_ice_session_set_relay_only (ConfabIceSession *self, gboolean relay_only);
void confab_ice_session_set_port_range (ConfabIceSession *self, guint min_port, guint max_port);
/* Restricts host candidates to these local addresses (tests use 127.0.0.1). */
void confab_ice_session_add_local_address (ConfabIceSession *self, const char *address);
/* How long gathering may take before the session goes on with the candidates it has. */
void confab_ice_session_set_gather_timeout (ConfabIceSession *self, guint timeout_ms);

/* Resolves the server names, gathers every candidate, and completes when
 * gathering is done (or timed out with at least one usable candidate). */
void confab_ice_session_gather_async (ConfabIceSession *self, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
gboolean confab_ice_session_gather_finish (ConfabIceSession *self, GAsyncResult *result,
                                           GError **error);

/* Fills the ICE part of @sdp (ufrag, pwd, candidates). After gathering. */
void confab_ice_session_describe (ConfabIceSession *self, ConfabSdp *sdp);

/* Applies the peer's credentials and candidates and starts the checks.
 * The session stays connectable after libnice's own checks time out: a
 * FAILED component recovers when the peer's checks arrive later (the
 * answerer waits for a human to paste its answer on the other side). */
gboolean confab_ice_session_set_remote (ConfabIceSession *self, const ConfabSdp *remote,
                                        GError **error);

/* ConfabIceSession::relay-problem (const char *problem), on the owner's
 * context: a TURN server was given but gave no relay address, and why when
 * that is known (a refused certificate, a TLS error). libnice 0.1.21 only
 * knows that no relay candidate came; the call may still connect without
 * one. */

/* Thread-safe. Returns FALSE when the packet was not sent (not connected,
 * socket buffer full): the caller decides; the failure is counted. */
gboolean confab_ice_session_send (ConfabIceSession *self, const guint8 *data, gsize size);

/* Thread-safe, any time; NULL stops the calls. The previous @destroy runs
 * once no call to it is in flight (possibly on libnice's thread). A call
 * normally receives through a ConfabIceLayer, which sets this. */
void confab_ice_session_set_receive_func (ConfabIceSession *self, ConfabIceReceiveFunc func,
                                          gpointer user_data, GDestroyNotify destroy);

ConfabIceState confab_ice_session_get_state (ConfabIceSession *self);
gboolean confab_ice_session_get_selected_pair (ConfabIceSession *self, ConfabIcePair *pair);
void confab_ice_session_get_stats (ConfabIceSession *self, ConfabIceStats *stats);

/* The local candidates as "candidate:..." strings, as the description
 * offers them (relay-only: relays alone, their related address hidden). */
GPtrArray *
confab_ice_session_dup_local_candidates (ConfabIceSession *self) G_GNUC_WARN_UNUSED_RESULT;

void confab_ice_session_close (ConfabIceSession *self);

G_END_DECLS
