/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-dtls-certificate-private.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <string.h>

#include "confab-dtls-layer.h"

#define VALID_DAYS 30
#define SERIAL_BITS 64

static gboolean
fail (GError **error, const char *what)
{
  char reason[256];
  ERR_error_string_n (ERR_get_error (), reason, sizeof reason);
  ERR_clear_error ();
  g_set_error (error, CONFAB_DTLS_ERROR, CONFAB_DTLS_ERROR_CERTIFICATE, "%s: %s", what, reason);
  return FALSE;
}

static gboolean
set_random_serial (X509 *cert)
{
  BIGNUM *bn = BN_new ();
  gboolean ok = bn && BN_rand (bn, SERIAL_BITS, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY)
                && BN_to_ASN1_INTEGER (bn, X509_get_serialNumber (cert));
  BN_free (bn);
  return ok;
}

static gboolean
set_name (X509 *cert)
{
  X509_NAME *name = X509_get_subject_name (cert);
  return X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const guchar *) "confab", -1, -1,
                                     0)
         && X509_set_issuer_name (cert, name);
}

gboolean
confab_dtls_certificate_init (ConfabDtlsCertificate *self, GError **error)
{
  memset (self, 0, sizeof *self);
  self->key = EVP_EC_gen ("P-256");
  if (!self->key)
    return fail (error, "could not make an ECDSA P-256 key");

  self->cert = X509_new ();
  if (!self->cert || !X509_set_version (self->cert, 2) || !set_random_serial (self->cert)
      || !X509_gmtime_adj (X509_getm_notBefore (self->cert), -24 * 60 * 60)
      || !X509_gmtime_adj (X509_getm_notAfter (self->cert), VALID_DAYS * 24 * 60 * 60)
      || !X509_set_pubkey (self->cert, self->key) || !set_name (self->cert)
      || !X509_sign (self->cert, self->key, EVP_sha256 ()))
    {
      confab_dtls_certificate_clear (self);
      return fail (error, "could not make a certificate");
    }
  self->fingerprint = confab_dtls_fingerprint_of (self->cert, EVP_sha256 ());
  return TRUE;
}

void
confab_dtls_certificate_clear (ConfabDtlsCertificate *self)
{
  g_clear_pointer (&self->cert, X509_free);
  g_clear_pointer (&self->key, EVP_PKEY_free);
  g_clear_pointer (&self->fingerprint, g_free);
}

/* RFC 8122's hash function textual names, and OpenSSL's digests. */
static const struct
{
  const char *name;
  const EVP_MD *(*md) (void);
} hashes[] = {
  { "sha-1", EVP_sha1 },     { "sha-224", EVP_sha224 }, { "sha-256", EVP_sha256 },
  { "sha-384", EVP_sha384 }, { "sha-512", EVP_sha512 },
};

gboolean
confab_dtls_fingerprint_parse (const char *text, ConfabDtlsFingerprint *out)
{
  memset (out, 0, sizeof *out);
  if (!text)
    return FALSE;
  const char *space = strchr (text, ' ');
  if (!space)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (hashes) && !out->md; i++)
    if ((gsize) (space - text) == strlen (hashes[i].name)
        && g_ascii_strncasecmp (text, hashes[i].name, space - text) == 0)
      out->md = hashes[i].md ();
  if (!out->md)
    return FALSE;

  guint expected = EVP_MD_get_size (out->md);
  const char *p = space + 1;
  for (guint i = 0; i < expected; i++)
    {
      if (i > 0 && *p++ != ':')
        return FALSE;
      int high = g_ascii_xdigit_value (p[0]);
      int low = high < 0 ? -1 : g_ascii_xdigit_value (p[1]);
      if (low < 0)
        return FALSE;
      out->digest[i] = (guint8) (high << 4 | low);
      p += 2;
    }
  if (*p != '\0')
    return FALSE;
  out->size = expected;
  return TRUE;
}

static const char *
hash_name (const EVP_MD *md)
{
  for (guint i = 0; i < G_N_ELEMENTS (hashes); i++)
    if (EVP_MD_get_type (hashes[i].md ()) == EVP_MD_get_type (md))
      return hashes[i].name;
  g_return_val_if_reached (NULL);
}

char *
confab_dtls_fingerprint_of (X509 *cert, const EVP_MD *md)
{
  guint8 digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!X509_digest (cert, md, digest, &size))
    return NULL;
  GString *out = g_string_new (hash_name (md));
  for (guint i = 0; i < size; i++)
    g_string_append_printf (out, "%c%02X", i == 0 ? ' ' : ':', digest[i]);
  return g_string_free (out, FALSE);
}

gboolean
confab_dtls_fingerprint_matches (const ConfabDtlsFingerprint *self, X509 *cert)
{
  guint8 digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  return self->md && cert && X509_digest (cert, self->md, digest, &size) && size == self->size
         && CRYPTO_memcmp (digest, self->digest, size) == 0;
}
