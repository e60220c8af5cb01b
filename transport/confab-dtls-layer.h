/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DTLS-SRTP (RFC 5763, 5764, 8827) as a packet layer, right above the ICE
 * layer: a fresh ECDSA P-256 certificate per call, the DTLS handshake over
 * the ICE transport, the peer's certificate checked against the
 * a=fingerprint of the pasted description, and SRTP/SRTCP (libsrtp2) keyed
 * from the handshake.
 *
 * Fail closed: until the handshake has finished *and* the peer's
 * certificate matched the expected fingerprint, no media packet goes down
 * (send() drops it and counts it) and none comes up. A mismatch ends the
 * handshake with an alert and moves the layer to FAILED with
 * CONFAB_DTLS_ERROR_FINGERPRINT_MISMATCH.
 *
 * Demultiplexing (RFC 7983) of what comes up from ICE: first byte 20..63
 * is DTLS, 128..191 is SRTP/SRTCP (RTCP when the second byte is 192..223,
 * RFC 5761), anything else is dropped and counted.
 *
 * Retransmission (RFC 6347 section 4.2.4) starts at 100 ms and doubles
 * up to 1 s (OpenSSL gives up on a flight after 12 tries). Until the peer
 * has answered at all, a client repeats its ClientHello every second at
 * most, for as long as it takes (ICE may still be looking for a path);
 * from the peer's first packet on, the handshake has 30 s to finish, or
 * the layer fails with CONFAB_DTLS_ERROR_TIMEOUT.
 *
 * Threads: as every packet layer (see confab-packet-layer.h); the state
 * and its notifications, and the retransmission timer, run on the
 * GMainContext given at construction. The "state" property (an int, a
 * ConfabDtlsState) is notified there, after the change.
 */
#pragma once

#include "confab-packet-layer.h"

G_BEGIN_DECLS

#define CONFAB_DTLS_ERROR (confab_dtls_error_quark ())
GQuark confab_dtls_error_quark (void);

typedef enum
{
  /* Our certificate could not be made. */
  CONFAB_DTLS_ERROR_CERTIFICATE,
  /* The peer's certificate is not the one in its description. */
  CONFAB_DTLS_ERROR_FINGERPRINT_MISMATCH,
  /* The handshake failed (alert, no SRTP profile in common...). */
  CONFAB_DTLS_ERROR_HANDSHAKE,
  /* The handshake did not finish in time. */
  CONFAB_DTLS_ERROR_TIMEOUT,
  /* libsrtp2 refused the keys. */
  CONFAB_DTLS_ERROR_SRTP,
  /* start(): the expected fingerprint is not one. */
  CONFAB_DTLS_ERROR_INVALID_FINGERPRINT,
  /* start(): called before, or after shutdown. */
  CONFAB_DTLS_ERROR_STARTED,
} ConfabDtlsError;

typedef enum
{
  CONFAB_DTLS_ROLE_CLIENT, /* sends the ClientHello: a=setup:active */
  CONFAB_DTLS_ROLE_SERVER, /* waits for it: a=setup:passive */
} ConfabDtlsRole;

typedef enum
{
  CONFAB_DTLS_STATE_NEW,        /* no peer yet */
  CONFAB_DTLS_STATE_CONNECTING, /* handshake under way */
  CONFAB_DTLS_STATE_CONNECTED,  /* verified, SRTP keyed: media flows */
  CONFAB_DTLS_STATE_CLOSED,     /* close_notify sent or received */
  CONFAB_DTLS_STATE_FAILED,     /* see confab_dtls_layer_dup_error() */
} ConfabDtlsState;

/* "new", "connecting", "connected", "closed", "failed" (the stats JSON's). */
const char *confab_dtls_state_to_string (ConfabDtlsState state);

/* A consistent snapshot, for the stats. Strings are owned by the snapshot. */
typedef struct
{
  ConfabDtlsState state;
  ConfabDtlsRole role;
  gboolean fingerprint_verified;
  char *cipher;       /* OpenSSL's name of the cipher suite, NULL before CONNECTED */
  char *srtp_profile; /* "SRTP_AES128_CM_SHA1_80", "SRTP_AEAD_AES_128_GCM", ...; NULL before */
  /* From the ClientHello that got through (the client: the last one it
   * sent before the first answer; the server: the first one it read) to
   * CONNECTED, so time spent waiting for ICE does not count; 0 before. */
  double handshake_ms;
  guint64 dtls_packets_sent, dtls_packets_received;
  guint64 srtp_packets_sent, srtp_packets_received;
  guint64 dropped_before_keys; /* media refused (either way) while not CONNECTED */
  guint64 unprotect_failures;  /* SRTP/SRTCP that failed authentication or replay checks */
  guint64 not_demuxed;         /* first byte neither DTLS nor RTP/RTCP (either way) */
} ConfabDtlsInfo;

void confab_dtls_info_clear (ConfabDtlsInfo *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ConfabDtlsInfo, confab_dtls_info_clear)

#define CONFAB_TYPE_DTLS_LAYER (confab_dtls_layer_get_type ())
G_DECLARE_FINAL_TYPE (ConfabDtlsLayer, confab_dtls_layer, CONFAB, DTLS_LAYER, ConfabPacketLayer)

/* Makes the certificate (so the fingerprint can go into our description
 * at once). @context: where the timer and the notify::state emissions run;
 * NULL for the thread-default context of the caller. */
ConfabDtlsLayer *confab_dtls_layer_new (GMainContext *context,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* "sha-256 AB:CD:..." (upper-case hex, as confab_sdp_parse() normalizes
 * fingerprints) of our certificate. */
const char *confab_dtls_layer_get_local_fingerprint (ConfabDtlsLayer *self);

/* Once the other side's description is known: our role and the
 * fingerprint its certificate must have ("sha-256 AB:..", as normalized by
 * the SDP parser; sha-1/sha-384/sha-512 are accepted too). A server
 * answers ClientHellos from then on (one arriving earlier is kept and
 * answered then); a client sends its ClientHello at once and retransmits
 * it until answered (RFC 6347 timers, starting short), so call it when
 * ICE has a path (or earlier: the retransmissions cover it). Returns FALSE
 * if @remote_fingerprint is not a fingerprint
 * (CONFAB_DTLS_ERROR_INVALID_FINGERPRINT) or it was called before or after
 * shutdown (CONFAB_DTLS_ERROR_STARTED). */
gboolean confab_dtls_layer_start (ConfabDtlsLayer *self, ConfabDtlsRole role,
                                  const char *remote_fingerprint, GError **error);

/* Sends close_notify (once) and moves to CLOSED; media stops. close() of
 * the packet layer does the same. */
void confab_dtls_layer_shutdown (ConfabDtlsLayer *self);

/* Thread-safe. */
ConfabDtlsState confab_dtls_layer_get_state (ConfabDtlsLayer *self);
void confab_dtls_layer_get_info (ConfabDtlsLayer *self, ConfabDtlsInfo *info);
/* The reason for FAILED, or NULL. */
GError *confab_dtls_layer_dup_error (ConfabDtlsLayer *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
