/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a packet on a DTLS-SRTP transport is, by its first bytes (RFC 7983
 * section 7, RFC 5761 section 4): byte-level, no state.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CONFAB_DTLS_DEMUX_OTHER, /* none of ours: dropped and counted */
  CONFAB_DTLS_DEMUX_DTLS,
  CONFAB_DTLS_DEMUX_RTP,
  CONFAB_DTLS_DEMUX_RTCP,
} ConfabDtlsDemux;

ConfabDtlsDemux confab_dtls_demux (const guint8 *data, gsize size);

/* A DTLS record that carries the start of a ClientHello. */
gboolean confab_dtls_demux_is_client_hello (const guint8 *data, gsize size);

G_END_DECLS
