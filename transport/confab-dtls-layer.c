/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-dtls-layer.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <string.h>

#include "confab-dtls-certificate-private.h"
#include "confab-dtls-demux-private.h"
#include "confab-srtp-context-private.h"

/* What OpenSSL may put in one datagram: safe on any path, with room for
 * TURN's and IPv6's headers. */
#define MTU 1200
#define FIRST_TIMEOUT_US (100 * 1000)
#define MAX_TIMEOUT_US (1000 * 1000)
#define MAX_HELLO_INTERVAL_US (1000 * 1000)
#define HANDSHAKE_TIMEOUT_US (30 * G_USEC_PER_SEC)
/* ClientHellos kept for a server that is not started yet. */
#define MAX_EARLY 4
#define CIPHERS                                                                                    \
  "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384:"     \
  "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES256-GCM-SHA384"

G_DEFINE_QUARK (confab - dtls - error - quark, confab_dtls_error)

struct _ConfabDtlsLayer
{
  ConfabPacketLayer parent_instance;

  GMainContext *context;
  ConfabDtlsCertificate certificate;
  GSource *timer; /* its ready time is the next retransmission or the deadline */

  /* Guards everything below, and the SSL object: no packet is passed on
   * while it is held. */
  GMutex lock;
  SSL_CTX *ssl_ctx;
  SSL *ssl; /* from start() */
  ConfabDtlsRole role;
  ConfabDtlsState state;
  gboolean notify_due;
  GError *error;
  char *expected_text;
  ConfabDtlsFingerprint expected;
  gboolean verified;
  char *mismatch; /* the fingerprint the peer's certificate had instead */
  int peer_alert; /* the last fatal alert received, or -1 */

  /* The custom BIO's datagrams: OpenSSL's records packed up to MTU, sent
   * once the lock is released; the one datagram it is reading. */
  GPtrArray *outbox;
  GByteArray *packing;
  const guint8 *inbox;
  gsize inbox_size;

  GPtrArray *early; /* ClientHellos before start() */
  gboolean heard;   /* from the peer */
  GPtrArray *hello; /* the client's first flight, repeated until heard */
  gint64 hello_interval, hello_next;
  gint64 handshake_start, connected_time, deadline;

  char *cipher, *srtp_profile;
  guint64 dtls_sent, dtls_received, dropped_before_keys, not_demuxed;

  /* Set once (atomically) at CONNECTED, freed with the layer; the media
   * paths read it without the lock. */
  ConfabSrtpContext *srtp;
  gint media_open;
};

G_DEFINE_FINAL_TYPE (ConfabDtlsLayer, confab_dtls_layer, CONFAB_TYPE_PACKET_LAYER)

enum
{
  PROP_0,
  PROP_STATE,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

/* -- the datagram BIO ------------------------------------------------------- */

/* Under the lock: what was packed becomes one datagram. */
static void
seal (ConfabDtlsLayer *self)
{
  if (self->packing->len == 0)
    return;
  g_ptr_array_add (self->outbox, g_byte_array_free_to_bytes (self->packing));
  self->packing = g_byte_array_new ();
}

/* OpenSSL writes each record on its own and sizes each for MTU; several go
 * into one datagram while they fit (RFC 6347 section 4.1.1), so that a
 * flight is one or two datagrams and a loss costs less of it. */
static int
on_bio_write (BIO *bio, const char *data, int size)
{
  ConfabDtlsLayer *self = BIO_get_data (bio);
  if (self->packing->len > 0 && self->packing->len + size > MTU)
    seal (self);
  g_byte_array_append (self->packing, (const guint8 *) data, size);
  return size;
}

static int
on_bio_read (BIO *bio, char *data, int size)
{
  ConfabDtlsLayer *self = BIO_get_data (bio);
  BIO_clear_retry_flags (bio);
  if (!self->inbox)
    {
      BIO_set_retry_read (bio);
      return -1;
    }
  /* A datagram is read whole or cut, never in two reads. */
  int n = (int) MIN ((gsize) size, self->inbox_size);
  memcpy (data, self->inbox, n);
  self->inbox = NULL;
  return n;
}

static long
on_bio_ctrl (BIO *bio, int cmd, long num, void *ptr)
{
  ConfabDtlsLayer *self = BIO_get_data (bio);
  switch (cmd)
    {
    case BIO_CTRL_FLUSH: /* the end of a flight */
      seal (self);
      return 1;
    case BIO_CTRL_DGRAM_QUERY_MTU:
    case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
      return MTU;
    default:
      return 0;
    }
}

static int
on_bio_create (BIO *bio)
{
  BIO_set_init (bio, 1);
  return 1;
}

static gpointer
make_bio_method (gpointer data)
{
  BIO_METHOD *method = BIO_meth_new (BIO_get_new_index () | BIO_TYPE_SOURCE_SINK, "confab-dtls");
  BIO_meth_set_write (method, on_bio_write);
  BIO_meth_set_read (method, on_bio_read);
  BIO_meth_set_ctrl (method, on_bio_ctrl);
  BIO_meth_set_create (method, on_bio_create);
  return method;
}

static BIO *
new_bio (ConfabDtlsLayer *self)
{
  static GOnce once = G_ONCE_INIT;
  BIO *bio = BIO_new (g_once (&once, make_bio_method, NULL));
  BIO_set_data (bio, self);
  return bio;
}

/* -- state ------------------------------------------------------------------ */

static gboolean
on_notify_state (gpointer data)
{
  g_object_notify_by_pspec (G_OBJECT (data), properties[PROP_STATE]);
  return G_SOURCE_REMOVE;
}

/* Under the lock. CLOSED and FAILED are final. */
static void
set_state (ConfabDtlsLayer *self, ConfabDtlsState state)
{
  if (self->state == state || self->state == CONFAB_DTLS_STATE_CLOSED
      || self->state == CONFAB_DTLS_STATE_FAILED)
    return;
  self->state = state;
  self->notify_due = TRUE;
  g_atomic_int_set (&self->media_open, state == CONFAB_DTLS_STATE_CONNECTED);
}

static void G_GNUC_PRINTF (3, 4)
    fail (ConfabDtlsLayer *self, ConfabDtlsError code, const char *format, ...)
{
  if (self->state == CONFAB_DTLS_STATE_CLOSED || self->state == CONFAB_DTLS_STATE_FAILED)
    return;
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_debug ("DTLS failed: %s", message);
  self->error = g_error_new_literal (CONFAB_DTLS_ERROR, code, message);
  set_state (self, CONFAB_DTLS_STATE_FAILED);
}

/* Takes the lock's harvest (datagrams, a due notification) and releases
 * it, then passes the datagrams down: every locked section ends here. */
static void
unlock_and_send (ConfabDtlsLayer *self)
{
  seal (self);
  g_autoptr (GPtrArray) datagrams = NULL;
  if (self->outbox->len > 0)
    {
      datagrams = g_steal_pointer (&self->outbox);
      self->outbox = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      self->dtls_sent += datagrams->len;
    }
  gboolean notify = self->notify_due;
  self->notify_due = FALSE;
  g_mutex_unlock (&self->lock);

  for (guint i = 0; datagrams && i < datagrams->len; i++)
    {
      gsize size = 0;
      const guint8 *data = g_bytes_get_data (datagrams->pdata[i], &size);
      confab_packet_layer_send_down (CONFAB_PACKET_LAYER (self), data, size);
    }
  if (notify)
    {
      GSource *source = g_idle_source_new ();
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, on_notify_state, g_object_ref (self), g_object_unref);
      g_source_attach (source, self->context);
      g_source_unref (source);
    }
}

/* -- the handshake ---------------------------------------------------------- */

/* Replaces OpenSSL's chain verification: the peer's certificate is
 * self-signed and trusted for one reason only, that its digest is the one
 * in the peer's description. Runs inside the handshake, so a mismatch ends
 * it with an alert (bad_certificate) before any key is derived. */
static int
on_verify_certificate (X509_STORE_CTX *store, void *data)
{
  ConfabDtlsLayer *self = data;
  X509 *cert = X509_STORE_CTX_get0_cert (store);
  if (confab_dtls_fingerprint_matches (&self->expected, cert))
    {
      self->verified = TRUE;
      return 1;
    }
  g_free (self->mismatch);
  self->mismatch = cert ? confab_dtls_fingerprint_of (cert, self->expected.md) : NULL;
  if (!self->mismatch)
    self->mismatch = g_strdup ("unreadable");
  X509_STORE_CTX_set_error (store, X509_V_ERR_CERT_REJECTED);
  return 0;
}

static void
on_ssl_info (const SSL *ssl, int where, int ret)
{
  if (!(where & SSL_CB_READ_ALERT) || (ret >> 8) != SSL3_AL_FATAL)
    return;
  ConfabDtlsLayer *self = SSL_get_app_data (ssl);
  self->peer_alert = ret;
}

/* RFC 6347 starts at 1 s; on an ICE path that is known to work, a lost
 * packet is better resent sooner. */
static unsigned int
on_dtls_timer (SSL *ssl, unsigned int previous_us)
{
  return previous_us == 0 ? FIRST_TIMEOUT_US : MIN (previous_us * 2, MAX_TIMEOUT_US);
}

static gboolean
make_ssl_ctx (ConfabDtlsLayer *self, GError **error)
{
  self->ssl_ctx = SSL_CTX_new (DTLS_method ());
  SSL_CTX *ctx = self->ssl_ctx;
  /* SSL_CTX_set_tlsext_use_srtp returns 0 on success. */
  if (!ctx || !SSL_CTX_set_min_proto_version (ctx, DTLS1_2_VERSION)
      || !SSL_CTX_use_certificate (ctx, self->certificate.cert)
      || !SSL_CTX_use_PrivateKey (ctx, self->certificate.key)
      || !SSL_CTX_set_cipher_list (ctx, CIPHERS)
      || SSL_CTX_set_tlsext_use_srtp (ctx, confab_srtp_profiles ()) != 0)
    {
      char reason[256];
      ERR_error_string_n (ERR_get_error (), reason, sizeof reason);
      ERR_clear_error ();
      g_set_error (error, CONFAB_DTLS_ERROR, CONFAB_DTLS_ERROR_CERTIFICATE,
                   "could not set up DTLS: %s", reason);
      return FALSE;
    }
  SSL_CTX_set_verify (ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
  SSL_CTX_set_cert_verify_callback (ctx, on_verify_certificate, self);
  SSL_CTX_set_info_callback (ctx, on_ssl_info);
  SSL_CTX_set_options (ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET);
  return TRUE;
}

static SSL *
make_ssl (ConfabDtlsLayer *self)
{
  SSL *ssl = SSL_new (self->ssl_ctx);
  SSL_set_app_data (ssl, self);
  BIO *bio = new_bio (self);
  SSL_set_bio (ssl, bio, bio);
  DTLS_set_link_mtu (ssl, MTU);
  DTLS_set_timer_cb (ssl, on_dtls_timer);
  if (self->role == CONFAB_DTLS_ROLE_CLIENT)
    SSL_set_connect_state (ssl);
  else
    SSL_set_accept_state (ssl);
  return ssl;
}

/* Under the lock, the handshake just finished: verified, or it did not
 * happen; then the SRTP keys. */
static void
on_handshake_done (ConfabDtlsLayer *self)
{
  if (!self->verified)
    {
      fail (self, CONFAB_DTLS_ERROR_FINGERPRINT_MISMATCH, "the peer showed no certificate");
      return;
    }
  const SRTP_PROTECTION_PROFILE *profile = SSL_get_selected_srtp_profile (self->ssl);
  gsize size = profile ? confab_srtp_material_size (profile->id) : 0;
  if (size == 0)
    {
      fail (self, CONFAB_DTLS_ERROR_HANDSHAKE, "no SRTP protection profile in common");
      return;
    }
  static const char label[] = "EXTRACTOR-dtls_srtp";
  guint8 material[128];
  g_assert (size <= sizeof material);
  if (!SSL_export_keying_material (self->ssl, material, size, label, strlen (label), NULL, 0, 0))
    {
      fail (self, CONFAB_DTLS_ERROR_SRTP, "could not export the SRTP keys");
      return;
    }
  g_autoptr (GError) error = NULL;
  ConfabSrtpContext *srtp = confab_srtp_context_new (profile->id, material, size,
                                                     self->role == CONFAB_DTLS_ROLE_CLIENT, &error);
  OPENSSL_cleanse (material, sizeof material);
  if (!srtp)
    {
      fail (self, (ConfabDtlsError) error->code, "%s", error->message);
      return;
    }
  g_atomic_pointer_set (&self->srtp, srtp);
  self->cipher = g_strdup (SSL_get_cipher_name (self->ssl));
  self->srtp_profile = g_strdup (profile->name);
  self->connected_time = g_get_monotonic_time ();
  g_debug ("DTLS connected (%s, %s) in %.1f ms", self->cipher, self->srtp_profile,
           (self->connected_time - self->handshake_start) / 1000.0);
  set_state (self, CONFAB_DTLS_STATE_CONNECTED);
}

/* Under the lock: what an SSL call's result @ret means for the state. */
static void
check_result (ConfabDtlsLayer *self, int ret)
{
  int code = SSL_get_error (self->ssl, ret);
  if (code == SSL_ERROR_NONE || code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE)
    return;
  if (code == SSL_ERROR_ZERO_RETURN)
    {
      g_debug ("DTLS: the peer sent close_notify");
      set_state (self, CONFAB_DTLS_STATE_CLOSED);
    }
  else if (self->mismatch)
    fail (self, CONFAB_DTLS_ERROR_FINGERPRINT_MISMATCH,
          "the peer's certificate is %s, but its description said %s", self->mismatch,
          self->expected_text);
  else if (self->peer_alert >= 0)
    fail (self, CONFAB_DTLS_ERROR_HANDSHAKE, "the peer ended the handshake: %s",
          SSL_alert_desc_string_long (self->peer_alert));
  else
    {
      char reason[256];
      ERR_error_string_n (ERR_peek_last_error (), reason, sizeof reason);
      fail (self, CONFAB_DTLS_ERROR_HANDSHAKE, "DTLS handshake failed: %s", reason);
    }
  ERR_clear_error ();
}

static gboolean
is_running (ConfabDtlsLayer *self)
{
  return self->state == CONFAB_DTLS_STATE_CONNECTING || self->state == CONFAB_DTLS_STATE_CONNECTED;
}

/* Under the lock: moves the handshake on, or after it reads what the peer
 * sent (its alerts and close_notify, and retransmitted final flights, which
 * OpenSSL answers by resending ours). */
static void
advance (ConfabDtlsLayer *self)
{
  ERR_clear_error ();
  if (self->state == CONFAB_DTLS_STATE_CONNECTING)
    {
      int ret = SSL_do_handshake (self->ssl);
      if (ret == 1)
        on_handshake_done (self);
      else
        check_result (self, ret);
    }
  if (self->state == CONFAB_DTLS_STATE_CONNECTED)
    {
      guint8 ignored[2048]; /* nothing speaks application data here */
      int ret;
      while ((ret = SSL_read (self->ssl, ignored, sizeof ignored)) > 0)
        ;
      check_result (self, ret);
    }
}

/* Under the lock: the timer's next ready time. */
static void
arm_timer (ConfabDtlsLayer *self)
{
  gint64 ready = -1;
  if (is_running (self))
    {
      struct timeval tv;
      if (self->hello && !self->heard)
        ready = self->hello_next;
      else if (DTLSv1_get_timeout (self->ssl, &tv))
        ready = g_get_monotonic_time () + tv.tv_sec * G_USEC_PER_SEC + tv.tv_usec;
      if (self->state == CONFAB_DTLS_STATE_CONNECTING && self->deadline > 0)
        ready = ready < 0 ? self->deadline : MIN (ready, self->deadline);
    }
  g_source_set_ready_time (self->timer, ready);
}

/* Under the lock: one datagram from the peer. */
static void
feed (ConfabDtlsLayer *self, const guint8 *data, gsize size)
{
  if (!self->heard)
    {
      gint64 now = g_get_monotonic_time ();
      self->heard = TRUE;
      self->deadline = now + HANDSHAKE_TIMEOUT_US;
      if (self->role == CONFAB_DTLS_ROLE_SERVER)
        self->handshake_start = now;
    }
  self->inbox = data;
  self->inbox_size = size;
  advance (self);
  self->inbox = NULL;
}

static void
repeat_hello (ConfabDtlsLayer *self)
{
  gint64 now = g_get_monotonic_time ();
  for (guint i = 0; i < self->hello->len; i++)
    g_ptr_array_add (self->outbox, g_bytes_ref (self->hello->pdata[i]));
  self->handshake_start = now;
  self->hello_interval = MIN (self->hello_interval * 2, MAX_HELLO_INTERVAL_US);
  self->hello_next = now + self->hello_interval;
}

static gboolean
on_timer (gpointer data)
{
  g_autoptr (ConfabDtlsLayer) self = g_weak_ref_get (data);
  if (!self)
    return G_SOURCE_REMOVE;

  g_mutex_lock (&self->lock);
  g_source_set_ready_time (self->timer, -1);
  if (is_running (self))
    {
      if (self->state == CONFAB_DTLS_STATE_CONNECTING && self->deadline > 0
          && g_get_monotonic_time () >= self->deadline)
        fail (self, CONFAB_DTLS_ERROR_TIMEOUT, "the DTLS handshake did not finish in %d s",
              (int) (HANDSHAKE_TIMEOUT_US / G_USEC_PER_SEC));
      else if (self->hello && !self->heard)
        repeat_hello (self);
      else
        {
          ERR_clear_error ();
          if (DTLSv1_handle_timeout (self->ssl) < 0)
            fail (self, CONFAB_DTLS_ERROR_TIMEOUT, "the peer stopped answering the handshake");
          ERR_clear_error ();
        }
      arm_timer (self);
    }
  unlock_and_send (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
dispatch_timer (GSource *source, GSourceFunc callback, gpointer data)
{
  return callback (data);
}

static GSourceFuncs timer_funcs = { NULL, NULL, dispatch_timer, NULL, NULL, NULL };

static void
free_weak_ref (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

/* -- the packet layer ------------------------------------------------------- */

static void
receive_dtls (ConfabDtlsLayer *self, const guint8 *data, gsize size)
{
  g_mutex_lock (&self->lock);
  self->dtls_received++;
  if (!self->ssl)
    {
      /* A server learns it is one at start(); the peer may be quicker. */
      if (self->state == CONFAB_DTLS_STATE_NEW && confab_dtls_demux_is_client_hello (data, size))
        {
          if (self->early->len == MAX_EARLY)
            g_ptr_array_remove_index (self->early, 0);
          g_ptr_array_add (self->early, g_bytes_new (data, size));
        }
    }
  else if (is_running (self))
    {
      feed (self, data, size);
      arm_timer (self);
    }
  unlock_and_send (self);
}

static void
count_refused (ConfabDtlsLayer *self, guint64 *counter)
{
  g_mutex_lock (&self->lock);
  (*counter)++;
  g_mutex_unlock (&self->lock);
}

/* The SRTP context, if media may flow. */
static ConfabSrtpContext *
media_context (ConfabDtlsLayer *self)
{
  if (!g_atomic_int_get (&self->media_open))
    return NULL;
  return g_atomic_pointer_get (&self->srtp);
}

/* The SRTP context for a media packet of @kind, or NULL if it may not
 * pass (counted). */
static ConfabSrtpContext *
admit_media (ConfabDtlsLayer *self, ConfabDtlsDemux kind)
{
  if (kind != CONFAB_DTLS_DEMUX_RTP && kind != CONFAB_DTLS_DEMUX_RTCP)
    {
      count_refused (self, &self->not_demuxed);
      return NULL;
    }
  ConfabSrtpContext *srtp = media_context (self);
  if (!srtp)
    count_refused (self, &self->dropped_before_keys);
  return srtp;
}

static void
confab_dtls_layer_receive (ConfabPacketLayer *layer, const guint8 *data, gsize size)
{
  ConfabDtlsLayer *self = CONFAB_DTLS_LAYER (layer);
  ConfabDtlsDemux kind = confab_dtls_demux (data, size);
  if (kind == CONFAB_DTLS_DEMUX_DTLS)
    {
      receive_dtls (self, data, size);
      return;
    }
  ConfabSrtpContext *srtp = admit_media (self, kind);
  gsize plain_size = 0;
  const guint8 *plain = srtp ? confab_srtp_context_unprotect (srtp, kind == CONFAB_DTLS_DEMUX_RTCP,
                                                              data, size, &plain_size)
                             : NULL;
  if (plain)
    confab_packet_layer_deliver_up (layer, plain, plain_size);
}

static void
confab_dtls_layer_send (ConfabPacketLayer *layer, const guint8 *data, gsize size)
{
  ConfabDtlsDemux kind = confab_dtls_demux (data, size);
  ConfabSrtpContext *srtp = admit_media (CONFAB_DTLS_LAYER (layer), kind);
  gsize protected_size = 0;
  const guint8 *protected = srtp ? confab_srtp_context_protect (
                                srtp, kind == CONFAB_DTLS_DEMUX_RTCP, data, size, &protected_size)
                                 : NULL;
  if (protected)
    confab_packet_layer_send_down (layer, protected, protected_size);
}

static void
confab_dtls_layer_close (ConfabPacketLayer *layer)
{
  confab_dtls_layer_shutdown (CONFAB_DTLS_LAYER (layer));
}

/* -- public ----------------------------------------------------------------- */

const char *
confab_dtls_state_to_string (ConfabDtlsState state)
{
  static const char *const names[] = {
    [CONFAB_DTLS_STATE_NEW] = "new",
    [CONFAB_DTLS_STATE_CONNECTING] = "connecting",
    [CONFAB_DTLS_STATE_CONNECTED] = "connected",
    [CONFAB_DTLS_STATE_CLOSED] = "closed",
    [CONFAB_DTLS_STATE_FAILED] = "failed",
  };
  return (guint) state < G_N_ELEMENTS (names) ? names[state] : "unknown";
}

void
confab_dtls_info_clear (ConfabDtlsInfo *info)
{
  g_free (info->cipher);
  g_free (info->srtp_profile);
  memset (info, 0, sizeof *info);
}

ConfabDtlsLayer *
confab_dtls_layer_new (GMainContext *context, GError **error)
{
  g_autoptr (ConfabDtlsLayer) self = g_object_new (CONFAB_TYPE_DTLS_LAYER, NULL);
  self->context = context ? g_main_context_ref (context) : g_main_context_ref_thread_default ();
  if (!confab_dtls_certificate_init (&self->certificate, error) || !make_ssl_ctx (self, error))
    return NULL;

  self->timer = g_source_new (&timer_funcs, sizeof (GSource));
  GWeakRef *weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  g_source_set_callback (self->timer, on_timer, weak, free_weak_ref);
  g_source_attach (self->timer, self->context);
  return g_steal_pointer (&self);
}

const char *
confab_dtls_layer_get_local_fingerprint (ConfabDtlsLayer *self)
{
  g_return_val_if_fail (CONFAB_IS_DTLS_LAYER (self), NULL);
  return self->certificate.fingerprint;
}

/* Under the lock, a client's first flight. */
static void
start_client (ConfabDtlsLayer *self)
{
  g_ptr_array_set_size (self->early, 0); /* a ClientHello to a client: both think they are */
  advance (self);
  seal (self);
  self->hello = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < self->outbox->len; i++)
    g_ptr_array_add (self->hello, g_bytes_ref (self->outbox->pdata[i]));
  self->handshake_start = g_get_monotonic_time ();
  self->hello_interval = FIRST_TIMEOUT_US;
  self->hello_next = self->handshake_start + self->hello_interval;
}

gboolean
confab_dtls_layer_start (ConfabDtlsLayer *self, ConfabDtlsRole role, const char *remote_fingerprint,
                         GError **error)
{
  g_return_val_if_fail (CONFAB_IS_DTLS_LAYER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ConfabDtlsFingerprint expected;
  if (!confab_dtls_fingerprint_parse (remote_fingerprint, &expected))
    {
      g_set_error (error, CONFAB_DTLS_ERROR, CONFAB_DTLS_ERROR_INVALID_FINGERPRINT,
                   "the peer's fingerprint is not one");
      return FALSE;
    }

  g_mutex_lock (&self->lock);
  if (self->state != CONFAB_DTLS_STATE_NEW)
    {
      g_mutex_unlock (&self->lock);
      g_set_error (error, CONFAB_DTLS_ERROR, CONFAB_DTLS_ERROR_STARTED,
                   "DTLS was started or shut down before");
      return FALSE;
    }
  self->role = role;
  self->expected = expected;
  self->expected_text = g_strdup (remote_fingerprint);
  self->ssl = make_ssl (self);
  set_state (self, CONFAB_DTLS_STATE_CONNECTING);
  if (role == CONFAB_DTLS_ROLE_CLIENT)
    start_client (self);
  else
    for (guint i = 0; i < self->early->len && is_running (self); i++)
      {
        gsize size = 0;
        const guint8 *data = g_bytes_get_data (self->early->pdata[i], &size);
        feed (self, data, size);
      }
  g_ptr_array_set_size (self->early, 0);
  arm_timer (self);
  unlock_and_send (self);
  return TRUE;
}

void
confab_dtls_layer_shutdown (ConfabDtlsLayer *self)
{
  g_return_if_fail (CONFAB_IS_DTLS_LAYER (self));

  g_mutex_lock (&self->lock);
  if (self->state == CONFAB_DTLS_STATE_CONNECTED)
    {
      ERR_clear_error ();
      SSL_shutdown (self->ssl);
      ERR_clear_error ();
    }
  set_state (self, CONFAB_DTLS_STATE_CLOSED);
  arm_timer (self);
  unlock_and_send (self);
}

ConfabDtlsState
confab_dtls_layer_get_state (ConfabDtlsLayer *self)
{
  g_return_val_if_fail (CONFAB_IS_DTLS_LAYER (self), CONFAB_DTLS_STATE_FAILED);
  g_mutex_lock (&self->lock);
  ConfabDtlsState state = self->state;
  g_mutex_unlock (&self->lock);
  return state;
}

void
confab_dtls_layer_get_info (ConfabDtlsLayer *self, ConfabDtlsInfo *info)
{
  g_return_if_fail (CONFAB_IS_DTLS_LAYER (self));
  memset (info, 0, sizeof *info);

  g_mutex_lock (&self->lock);
  info->state = self->state;
  info->role = self->role;
  info->fingerprint_verified = self->verified;
  info->cipher = g_strdup (self->cipher);
  info->srtp_profile = g_strdup (self->srtp_profile);
  if (self->connected_time > 0)
    info->handshake_ms = (self->connected_time - self->handshake_start) / 1000.0;
  info->dtls_packets_sent = self->dtls_sent;
  info->dtls_packets_received = self->dtls_received;
  info->dropped_before_keys = self->dropped_before_keys;
  info->not_demuxed = self->not_demuxed;
  if (self->srtp)
    {
      ConfabSrtpCounts counts;
      confab_srtp_context_get_counts (self->srtp, &counts);
      info->srtp_packets_sent = counts.packets_protected;
      info->srtp_packets_received = counts.packets_unprotected;
      info->unprotect_failures = counts.unprotect_failures;
    }
  g_mutex_unlock (&self->lock);
}

GError *
confab_dtls_layer_dup_error (ConfabDtlsLayer *self)
{
  g_return_val_if_fail (CONFAB_IS_DTLS_LAYER (self), NULL);
  g_mutex_lock (&self->lock);
  GError *error = self->error ? g_error_copy (self->error) : NULL;
  g_mutex_unlock (&self->lock);
  return error;
}

/* -- GObject ---------------------------------------------------------------- */

static void
confab_dtls_layer_dispose (GObject *object)
{
  ConfabDtlsLayer *self = CONFAB_DTLS_LAYER (object);
  if (self->timer)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  G_OBJECT_CLASS (confab_dtls_layer_parent_class)->dispose (object);
}

static void
confab_dtls_layer_finalize (GObject *object)
{
  ConfabDtlsLayer *self = CONFAB_DTLS_LAYER (object);
  g_clear_pointer (&self->ssl, SSL_free);
  g_clear_pointer (&self->ssl_ctx, SSL_CTX_free);
  confab_dtls_certificate_clear (&self->certificate);
  g_clear_pointer (&self->srtp, confab_srtp_context_free);
  g_clear_error (&self->error);
  g_free (self->expected_text);
  g_free (self->mismatch);
  g_free (self->cipher);
  g_free (self->srtp_profile);
  g_ptr_array_unref (self->outbox);
  g_byte_array_unref (self->packing);
  g_ptr_array_unref (self->early);
  g_clear_pointer (&self->hello, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (confab_dtls_layer_parent_class)->finalize (object);
}

static void
confab_dtls_layer_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, confab_dtls_layer_get_state (CONFAB_DTLS_LAYER (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_dtls_layer_class_init (ConfabDtlsLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ConfabPacketLayerClass *layer_class = CONFAB_PACKET_LAYER_CLASS (klass);

  object_class->dispose = confab_dtls_layer_dispose;
  object_class->finalize = confab_dtls_layer_finalize;
  object_class->get_property = confab_dtls_layer_get_property;
  layer_class->send = confab_dtls_layer_send;
  layer_class->receive = confab_dtls_layer_receive;
  layer_class->close = confab_dtls_layer_close;

  /* An int rather than a registered enum: the values are ConfabDtlsState. */
  properties[PROP_STATE] = g_param_spec_int (
      "state", NULL, NULL, CONFAB_DTLS_STATE_NEW, CONFAB_DTLS_STATE_FAILED, CONFAB_DTLS_STATE_NEW,
      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
confab_dtls_layer_init (ConfabDtlsLayer *self)
{
  g_mutex_init (&self->lock);
  self->peer_alert = -1;
  self->outbox = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->packing = g_byte_array_new ();
  self->early = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
}
