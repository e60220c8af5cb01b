/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One side of a call: the ICE session and the media pipeline, wired
 * together, plus the offer/answer bookkeeping. Headless; the command line
 * and the GUI both drive it.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "confab-call-pipeline.h"
#include "confab-dtls-layer.h"
#include "confab-ice-server.h"
#include "confab-ice-session.h"
#include "confab-netsim.h"
#include "confab-packet-path.h"
#include "confab-sdp.h"

G_BEGIN_DECLS

typedef enum
{
  CONFAB_CALL_STATE_NEW,
  CONFAB_CALL_STATE_GATHERING,
  CONFAB_CALL_STATE_WAITING,    /* local description ready; waiting for the other side */
  CONFAB_CALL_STATE_CONNECTING, /* both descriptions known, ICE checks running */
  CONFAB_CALL_STATE_IN_CALL,    /* connected, media flowing */
  CONFAB_CALL_STATE_ENDED,
  CONFAB_CALL_STATE_FAILED,
} ConfabCallState;

const char *confab_call_state_to_string (ConfabCallState state);

typedef struct
{
  ConfabIceServer *stun; /* NULL = none */
  ConfabIceServer *turn; /* NULL = none; credentials inside */
  gboolean relay_only;
  guint min_port, max_port; /* 0, 0 = any */
  char **local_addresses;   /* NULL = every interface */
  /* Offer (or accept) Confab's FlexFEC on the video; TRUE by default. Used
   * only when both sides want it. */
  gboolean fec;
  /* The FEC overhead follows the reported loss and round trip
   * (confab-fec-controller.h); FALSE: media.fec_overhead throughout.
   * TRUE by default. */
  gboolean adaptive_fec;
  /* Offer ULPFEC in RED (as browsers do) rather than FlexFEC; FALSE by
   * default. Answering, Confab takes whichever the offer has (FlexFEC
   * when it has both). */
  gboolean ulpfec;
  /* With fec: offer Confab's Reed-Solomon FEC besides FlexFEC, which
   * another Confab takes instead (--fec=rs); FALSE by default. Answering,
   * Confab takes it whenever offered, if fec allows FEC at all. */
  gboolean rs_fec;
  /* Offer (or accept) retransmission of the video: NACK and RTX (--rtx);
   * TRUE by default. */
  gboolean rtx;
  ConfabMediaConfig media;
  /* --netsim: the path simulator right above the ICE layer; impairs
   * nothing by default. */
  ConfabNetsimSpec netsim;
  /* The video bitrate follows what the path carries (confab-rate-controller.h),
   * up to media.video_bitrate_kbps; TRUE by default. */
  gboolean congestion_control;
} ConfabCallOptions;

void confab_call_options_init (ConfabCallOptions *options);
void confab_call_options_clear (ConfabCallOptions *options);

/* One snapshot of a call: everything the connection panel, the call view,
 * the command line and --stats show comes from one of these. */
typedef struct
{
  ConfabCallState state;
  ConfabIceState ice_state;
  gboolean have_pair;
  ConfabIcePair pair;
  ConfabIceStats ice;
  ConfabMediaStats media;
  double elapsed_s; /* since the call connected; 0 before */
  /* Owned; confab_call_stats_clear() frees them. */
  char **local_candidates;    /* "candidate:..." lines */
  char **remote_candidates;   /* empty until the other side's text is in */
  ConfabIceServer *turn;      /* the TURN server in use without its credentials, NULL = none */
  ConfabDtlsInfo dtls;        /* the encryption: handshake state, cipher, SRTP profile */
  char *sas;                  /* the short authentication string, NULL until both sides are known */
  gint64 dtls_connected_time; /* monotonic, 0 before the handshake finished */
} ConfabCallStats;

void confab_call_stats_clear (ConfabCallStats *stats);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ConfabCallStats, confab_call_stats_clear)

#define CONFAB_TYPE_CALL (confab_call_get_type ())
G_DECLARE_FINAL_TYPE (ConfabCall, confab_call, CONFAB, CALL, GObject)

/* @role: CONFAB_SDP_OFFER for the caller (ICE-controlling), CONFAB_SDP_ANSWER
 * for the callee. Builds the media pipeline at once, so a missing camera or
 * plugin is reported before anybody copies anything. */
ConfabCall *confab_call_new (ConfabSdpType role, const ConfabCallOptions *options,
                             GError **error) G_GNUC_WARN_UNUSED_RESULT;

ConfabSdpType confab_call_get_role (ConfabCall *self);
ConfabCallState confab_call_get_state (ConfabCall *self);
ConfabIceSession *confab_call_get_ice_session (ConfabCall *self);
ConfabCallPipeline *confab_call_get_pipeline (ConfabCall *self);
/* Between the ICE session (its bottom) and the media: add layers
 * (encryption, a loss simulator, a capture tap) before the call connects.
 * NULL once the call has ended. */
ConfabPacketPath *confab_call_get_packet_path (ConfabCall *self);

void confab_call_gather_async (ConfabCall *self, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
gboolean confab_call_gather_finish (ConfabCall *self, GAsyncResult *result, GError **error);

/* The offer or answer to hand to the other side. The answerer can only
 * describe itself after confab_call_set_remote_description() (it echoes the
 * offer's payload types). */
char *confab_call_create_local_description (ConfabCall *self,
                                            GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Parses and validates the pasted blob; on success the checks start as
 * soon as the local candidates are gathered. On failure nothing changes and
 * the same call can take another paste. */
gboolean confab_call_set_remote_description (ConfabCall *self, const char *blob, gssize length,
                                             GError **error);

/* The six digits both people compare by voice ("042 917", see
 * confab-dtls-sas.h), NULL until the other side's description is in. */
char *confab_call_dup_sas (ConfabCall *self) G_GNUC_WARN_UNUSED_RESULT;

/* Ends the call (idempotent): tells the other side (RTCP BYE, then DTLS
 * close_notify) so that it ends at once too. */
void confab_call_hang_up (ConfabCall *self);
/* TRUE when the call ended because the other side hung up. */
gboolean confab_call_ended_by_peer (ConfabCall *self);

/* Fills @stats (clear it with confab_call_stats_clear() afterwards). */
void confab_call_get_stats (ConfabCall *self, ConfabCallStats *stats);

/* Every local and remote candidate as "candidate:..." lines (remote: empty
 * until the other side's text is in); confab_call_get_stats() copies them
 * into the snapshot, which is what displays should read. */
GPtrArray *confab_call_dup_local_candidates (ConfabCall *self) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray *confab_call_dup_remote_candidates (ConfabCall *self) G_GNUC_WARN_UNUSED_RESULT;
/* The TURN server in use (NULL if none), e.g. for "Relayed through TURN server X (TLS)". */
const ConfabIceServer *confab_call_get_turn_server (ConfabCall *self);
/* Media controls, forwarded to the pipeline (no-ops before it exists). */
void confab_call_set_audio_muted (ConfabCall *self, gboolean muted);
void confab_call_set_video_enabled (ConfabCall *self, gboolean enabled);

/* The stats as one JSON object: what --stats writes, what the connection
 * panel shows and "Copy diagnostics" copies. Counters, rates, codecs, FEC,
 * timings, the pair, the candidates, the TURN server and the verdict;
 * @stats NULL stands for "no call". */
JsonNode *confab_call_stats_to_json_node (const ConfabCallStats *stats) G_GNUC_WARN_UNUSED_RESULT;
/* That object as text (pretty, numbers with a dot in every locale). */
char *confab_call_stats_to_json (const ConfabCallStats *stats) G_GNUC_WARN_UNUSED_RESULT;
/* The same for a node confab_call_stats_to_json_node() made earlier. */
char *confab_call_stats_node_to_json (JsonNode *node) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
