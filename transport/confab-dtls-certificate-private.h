/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The DTLS layer's key and self-signed certificate, and the SDP
 * fingerprints (RFC 8122 section 5) that name certificates.
 */
#pragma once

#include <glib.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

G_BEGIN_DECLS

typedef struct
{
  EVP_PKEY *key;
  X509 *cert;
  char *fingerprint; /* "sha-256 AB:CD:..." */
} ConfabDtlsCertificate;

/* A fresh ECDSA P-256 key and a certificate for it, CN "confab", a random
 * serial, valid from yesterday for 30 days (a clock a little behind does
 * not matter: nobody checks the dates, the fingerprint is what counts). */
gboolean confab_dtls_certificate_init (ConfabDtlsCertificate *self, GError **error);
void confab_dtls_certificate_clear (ConfabDtlsCertificate *self);

/* An expected fingerprint, parsed. */
typedef struct
{
  const EVP_MD *md;
  guint8 digest[EVP_MAX_MD_SIZE];
  guint size;
} ConfabDtlsFingerprint;

/* "sha-256 AB:CD:..": a hash name (sha-1, sha-224, sha-256, sha-384,
 * sha-512, any case) and as many colon-separated hex bytes as it makes.
 * FALSE for anything else. */
gboolean confab_dtls_fingerprint_parse (const char *text, ConfabDtlsFingerprint *out);
/* @cert's fingerprint with @md, in the form the SDP parser normalizes to. */
char *confab_dtls_fingerprint_of (X509 *cert, const EVP_MD *md) G_GNUC_WARN_UNUSED_RESULT;
gboolean confab_dtls_fingerprint_matches (const ConfabDtlsFingerprint *self, X509 *cert);

G_END_DECLS
