/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SRTP and SRTCP for one DTLS-SRTP association (libsrtp2): the keys split
 * from the DTLS exporter's output (RFC 5764 section 4.2), one outbound and
 * one inbound session, each under its own lock so that sending and
 * receiving never wait for each other.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The largest packet protected or unprotected; anything larger is refused
 * (RTP here is at most one Ethernet MTU). */
#define CONFAB_SRTP_MAX_PACKET 8192

/* The OpenSSL "use_srtp" list of the profiles this libsrtp2 can do, best
 * first: AEAD_AES_128_GCM (RFC 7714) when libsrtp2 was built with it,
 * then AES128_CM_SHA1_80 (RFC 5764). */
const char *confab_srtp_profiles (void);

/* The bytes of keying material @profile_id (the DTLS-SRTP protection
 * profile's number, OpenSSL's SRTP_PROTECTION_PROFILE.id) takes from the
 * exporter, or 0 if it is not one of confab_srtp_profiles(). */
gsize confab_srtp_material_size (gulong profile_id);

typedef struct _ConfabSrtpContext ConfabSrtpContext;

/* @material: confab_srtp_material_size() bytes exported with the label
 * "EXTRACTOR-dtls_srtp"; @is_client: which half of it we send with. */
ConfabSrtpContext *confab_srtp_context_new (gulong profile_id, const guint8 *material, gsize size,
                                            gboolean is_client,
                                            GError **error) G_GNUC_WARN_UNUSED_RESULT;
void confab_srtp_context_free (ConfabSrtpContext *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabSrtpContext, confab_srtp_context_free)

/* Protect or unprotect one RTP (or, with @rtcp, RTCP) packet. Thread-safe.
 * The result lives in a buffer of the calling thread, valid until its next
 * call of the same function; NULL if the packet was refused (unprotect
 * counts it as a failure). */
const guint8 *confab_srtp_context_protect (ConfabSrtpContext *self, gboolean rtcp,
                                           const guint8 *data, gsize size, gsize *out_size);
const guint8 *confab_srtp_context_unprotect (ConfabSrtpContext *self, gboolean rtcp,
                                             const guint8 *data, gsize size, gsize *out_size);

typedef struct
{
  guint64 packets_protected;
  guint64 packets_unprotected;
  guint64 unprotect_failures;
} ConfabSrtpCounts;

void confab_srtp_context_get_counts (ConfabSrtpContext *self, ConfabSrtpCounts *counts);

G_END_DECLS
