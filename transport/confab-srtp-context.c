/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-srtp-context-private.h"

#include <srtp2/srtp.h>
#include <string.h>

#include "confab-dtls-layer.h"

/* The DTLS-SRTP protection profiles' numbers (RFC 5764 section 4.1.2,
 * RFC 7714 section 14.2). */
#define PROFILE_AES128_CM_SHA1_80 0x0001
#define PROFILE_AEAD_AES_128_GCM 0x0007

#define REPLAY_WINDOW 1024

typedef struct
{
  gulong id;
  const char *name;
  gsize key_size, salt_size;
  void (*set_policy) (srtp_crypto_policy_t *policy);
} Profile;

/* Best first, as offered. */
static const Profile profiles[] = {
  { PROFILE_AEAD_AES_128_GCM, "SRTP_AEAD_AES_128_GCM", 16, 12,
    srtp_crypto_policy_set_aes_gcm_128_16_auth },
  { PROFILE_AES128_CM_SHA1_80, "SRTP_AES128_CM_SHA1_80", 16, 14,
    srtp_crypto_policy_set_rtp_default }, /* AES_CM_128_HMAC_SHA1_80 */
};

typedef struct
{
  GMutex lock;
  srtp_t session;
  guint64 packets;
  guint64 failures;
} Direction;

struct _ConfabSrtpContext
{
  Direction out, in;
};

/* libsrtp2 can be built without AES-GCM (it needs a crypto library
 * backend): try it once rather than trust the headers. */
static gboolean
can_do (const Profile *profile)
{
  guint8 key[SRTP_MAX_KEY_LEN] = { 0 };
  srtp_policy_t policy = { 0 };
  profile->set_policy (&policy.rtp);
  profile->set_policy (&policy.rtcp);
  policy.ssrc.type = ssrc_any_outbound;
  policy.key = key;
  srtp_t session = NULL;
  if (srtp_create (&session, &policy) != srtp_err_status_ok)
    return FALSE;
  srtp_dealloc (session);
  return TRUE;
}

static gboolean available[G_N_ELEMENTS (profiles)];

static gpointer
init_once (gpointer data)
{
  if (srtp_init () != srtp_err_status_ok)
    return g_strdup ("");
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  for (guint i = 0; i < G_N_ELEMENTS (profiles); i++)
    {
      available[i] = can_do (&profiles[i]);
      if (available[i])
        g_strv_builder_add (names, profiles[i].name);
      else
        g_debug ("libsrtp2 cannot do %s", profiles[i].name);
    }
  g_auto (GStrv) strv = g_strv_builder_end (names);
  return g_strjoinv (":", strv);
}

const char *
confab_srtp_profiles (void)
{
  static GOnce once = G_ONCE_INIT;
  return g_once (&once, init_once, NULL);
}

static const Profile *
find_profile (gulong id)
{
  confab_srtp_profiles ();
  for (guint i = 0; i < G_N_ELEMENTS (profiles); i++)
    if (profiles[i].id == id && available[i])
      return &profiles[i];
  return NULL;
}

gsize
confab_srtp_material_size (gulong profile_id)
{
  const Profile *profile = find_profile (profile_id);
  return profile ? 2 * (profile->key_size + profile->salt_size) : 0;
}

static gboolean
direction_init (Direction *self, const Profile *profile, const guint8 *key, const guint8 *salt,
                srtp_ssrc_type_t type)
{
  guint8 key_salt[SRTP_MAX_KEY_LEN];
  memcpy (key_salt, key, profile->key_size);
  memcpy (key_salt + profile->key_size, salt, profile->salt_size);

  srtp_policy_t policy = { 0 };
  profile->set_policy (&policy.rtp);
  profile->set_policy (&policy.rtcp);
  policy.ssrc.type = type;
  policy.key = key_salt;
  policy.window_size = REPLAY_WINDOW;
  /* rtpbin may send an RTX or FEC copy under a sequence number already used. */
  policy.allow_repeat_tx = 1;
  srtp_err_status_t status = srtp_create (&self->session, &policy);
  memset (key_salt, 0, sizeof key_salt);
  return status == srtp_err_status_ok;
}

ConfabSrtpContext *
confab_srtp_context_new (gulong profile_id, const guint8 *material, gsize size, gboolean is_client,
                         GError **error)
{
  const Profile *profile = find_profile (profile_id);
  if (!profile || size != confab_srtp_material_size (profile_id))
    {
      g_set_error (error, CONFAB_DTLS_ERROR, CONFAB_DTLS_ERROR_SRTP,
                   "SRTP profile %lu is not one libsrtp2 can do here", profile_id);
      return NULL;
    }

  /* RFC 5764 section 4.2: client_write_SRTP_master_key,
   * server_write_SRTP_master_key, client_write_SRTP_master_salt,
   * server_write_SRTP_master_salt. */
  const guint8 *client_key = material;
  const guint8 *server_key = client_key + profile->key_size;
  const guint8 *client_salt = server_key + profile->key_size;
  const guint8 *server_salt = client_salt + profile->salt_size;

  g_autoptr (ConfabSrtpContext) self = g_new0 (ConfabSrtpContext, 1);
  g_mutex_init (&self->out.lock);
  g_mutex_init (&self->in.lock);
  gboolean ok = direction_init (&self->out, profile, is_client ? client_key : server_key,
                                is_client ? client_salt : server_salt, ssrc_any_outbound)
                && direction_init (&self->in, profile, is_client ? server_key : client_key,
                                   is_client ? server_salt : client_salt, ssrc_any_inbound);
  if (!ok)
    {
      g_set_error (error, CONFAB_DTLS_ERROR, CONFAB_DTLS_ERROR_SRTP, "libsrtp2 refused the %s keys",
                   profile->name);
      return NULL;
    }
  return g_steal_pointer (&self);
}

static void
direction_clear (Direction *self)
{
  if (self->session)
    srtp_dealloc (self->session);
  g_mutex_clear (&self->lock);
}

void
confab_srtp_context_free (ConfabSrtpContext *self)
{
  direction_clear (&self->out);
  direction_clear (&self->in);
  g_free (self);
}

/* libsrtp2 works in place and needs room behind the packet for the tag
 * (and SRTCP's index): a per-thread copy, so no packet costs a malloc. */
static _Thread_local guint8 protect_buffer[CONFAB_SRTP_MAX_PACKET + SRTP_MAX_TRAILER_LEN];
static _Thread_local guint8 unprotect_buffer[CONFAB_SRTP_MAX_PACKET + SRTP_MAX_TRAILER_LEN];

const guint8 *
confab_srtp_context_protect (ConfabSrtpContext *self, gboolean rtcp, const guint8 *data, gsize size,
                             gsize *out_size)
{
  if (size > CONFAB_SRTP_MAX_PACKET)
    return NULL;
  memcpy (protect_buffer, data, size);
  int len = (int) size;
  g_mutex_lock (&self->out.lock);
  srtp_err_status_t status = rtcp ? srtp_protect_rtcp (self->out.session, protect_buffer, &len)
                                  : srtp_protect (self->out.session, protect_buffer, &len);
  if (status == srtp_err_status_ok)
    self->out.packets++;
  g_mutex_unlock (&self->out.lock);
  if (status != srtp_err_status_ok)
    {
      g_debug ("SRTP%s protect failed: %d", rtcp ? "C" : "", status);
      return NULL;
    }
  *out_size = len;
  return protect_buffer;
}

const guint8 *
confab_srtp_context_unprotect (ConfabSrtpContext *self, gboolean rtcp, const guint8 *data,
                               gsize size, gsize *out_size)
{
  srtp_err_status_t status = srtp_err_status_bad_param;
  int len = (int) size;
  gboolean fits = size <= CONFAB_SRTP_MAX_PACKET;
  if (fits)
    memcpy (unprotect_buffer, data, size);
  g_mutex_lock (&self->in.lock);
  if (fits)
    status = rtcp ? srtp_unprotect_rtcp (self->in.session, unprotect_buffer, &len)
                  : srtp_unprotect (self->in.session, unprotect_buffer, &len);
  if (status == srtp_err_status_ok)
    self->in.packets++;
  else
    self->in.failures++;
  g_mutex_unlock (&self->in.lock);
  if (status != srtp_err_status_ok)
    return NULL;
  *out_size = len;
  return unprotect_buffer;
}

void
confab_srtp_context_get_counts (ConfabSrtpContext *self, ConfabSrtpCounts *counts)
{
  g_mutex_lock (&self->out.lock);
  counts->packets_protected = self->out.packets;
  g_mutex_unlock (&self->out.lock);
  g_mutex_lock (&self->in.lock);
  counts->packets_unprotected = self->in.packets;
  counts->unprotect_failures = self->in.failures;
  g_mutex_unlock (&self->in.lock);
}
