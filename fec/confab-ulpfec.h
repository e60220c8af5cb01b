/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-ulpfec.h: ULPFEC repair packets (RFC 5109), level 0 only.
 *
 * The RTP payload of a ULPFEC packet is the FEC header, one level header and the XOR of the
 * protected packets' bytes after their fixed RTP header (RFC 5109 sections 7.3 and 7.4):
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |E|L|P|X|  CC   |M| PT recovery |            SN base            |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                          TS recovery                          |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |        length recovery        |      Protection Length        |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |        mask (bits 0-15)       |  mask cont. (L=1, bits 16-47) :
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    :  mask cont. (L=1)             |  level 0 payload ...          |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * E must be 0. L=0: 16-bit mask, L=1: 48-bit mask. Mask bit i (most significant first) set
 * means packet SN base + i is protected. The repair packet travels on the media SSRC (RFC
 * 5109 section 9), so the protected SSRC is the packet's own.
 */
#pragma once

#include <glib.h>

#include "confab-fec-parity.h"
#include "confab-rtp-packet.h"

G_BEGIN_DECLS

#define CONFAB_ULPFEC_HEADER_SIZE 10
#define CONFAB_ULPFEC_LEVEL_HEADER_SHORT 4
#define CONFAB_ULPFEC_LEVEL_HEADER_LONG 8
#define CONFAB_ULPFEC_MAX_MASK_BITS 48

/* Parses a ULPFEC payload (the RTP payload, or a RED block) protecting @ssrc. Fills
 * info->protected[0]; info->payload points into @payload. */
ConfabFecStatus confab_ulpfec_parse (const guint8 *payload, gsize len, guint32 ssrc,
                                     ConfabFecRepairInfo *info);

/* Size of the ULPFEC payload confab_ulpfec_write() produces for @info. */
gsize confab_ulpfec_payload_size (const ConfabFecRepairInfo *info);

/* Writes the ULPFEC payload (FEC header, level 0 header, level 0 payload) for
 * info->protected[0]. Fails if the mask reaches beyond 48 packets. */
ConfabFecStatus confab_ulpfec_write (const ConfabFecRepairInfo *info, guint8 *out, gsize out_size,
                                     gsize *written);

/* Bytes of a complete ULPFEC packet (in RED when @red_pt >= 0) before its level-0 payload. */
gsize confab_ulpfec_packet_header_size (const ConfabFecRepairInfo *info, gint red_pt);

/* confab_ulpfec_packet_new() into caller-owned @out. info->payload may already sit in place,
 * at @out + confab_ulpfec_packet_header_size(): then it is not copied. */
ConfabFecStatus confab_ulpfec_write_packet (const ConfabFecRepairInfo *info, guint8 pt, gint red_pt,
                                            guint16 seq, guint32 timestamp, guint8 *out,
                                            gsize out_size, gsize *written);

/* A complete ULPFEC RTP packet on info->protected[0].ssrc; when @red_pt >= 0 it is
 * wrapped in RED (RFC 2198) with @pt as the block's payload type, as WebRTC sends it. */
G_GNUC_WARN_UNUSED_RESULT
GBytes *confab_ulpfec_packet_new (const ConfabFecRepairInfo *info, guint8 pt, gint red_pt,
                                  guint16 seq, guint32 timestamp);

G_END_DECLS
