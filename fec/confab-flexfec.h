/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-flexfec.h: FlexFEC repair packets (RFC 8627), non-retransmission formats.
 *
 * The repair packet has its own SSRC and sequence numbers; its CSRC list names the protected
 * SSRCs (CC of the repair packet = their count), and for each one the FEC header carries an
 * SN base and either a flexible mask (F=0) or fixed L/D parameters (F=1). RFC 8627 section
 * 4.2.2.1, flexible mask:
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |0|0|P|X|  CC   |M| PT recovery |        length recovery        |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                          TS recovery                          |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |           SN base_i           |k|          Mask [0-14]        |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |k|                   Mask [15-45] (optional)                   |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                     Mask [46-109] (optional)                  |
 *    |                                                               |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |   ... next SN base and Mask for CSRC_i in CSRC list ...       |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    :               Repair "Payload" follows FEC Header             :
 *
 * k=1 ends the mask: 15, 46 or 110 positions (the figure's Mask [46-109]; the prose calls
 * the longest one 109 bits). Fixed form (section 4.2.2.2), F=1:
 *
 *    |0|1|P|X|  CC   |M| PT recovery |        length recovery        |
 *    |                          TS recovery                          |
 *    |           SN base_i           |  L (columns)  |    D (rows)   |
 *
 * L=0 is reserved. D<=1: a row, packets SN base .. SN base+L-1 (D=1 announces column
 * repair packets too, i.e. 2-D). D>1: a column, packets SN base + i*L for i < D.
 * R=1 is the retransmission format, which Confab does not use.
 */
#pragma once

#include <glib.h>

#include "confab-fec-parity.h"
#include "confab-rtp-packet.h"

G_BEGIN_DECLS

#define CONFAB_FLEXFEC_BASE_HEADER_SIZE 8
#define CONFAB_FLEXFEC_MAX_MASK_BITS 110

/* Parses a FlexFEC repair packet. info->payload points into @rtp's bytes. */
ConfabFecStatus confab_flexfec_parse (const ConfabRtpView *rtp, ConfabFecRepairInfo *info);

/* How to write the protected lists. */
typedef enum
{
  CONFAB_FLEXFEC_FORMAT_FLEXIBLE = 0,
  CONFAB_FLEXFEC_FORMAT_FIXED_ROW,    /* D=0: 1-D row */
  CONFAB_FLEXFEC_FORMAT_FIXED_2D_ROW, /* D=1: row of a 2-D code */
  CONFAB_FLEXFEC_FORMAT_FIXED_COLUMN, /* D>1 */
} ConfabFlexfecFormat;

/* The format @info can use: @wanted when every protected mask fits it, else flexible. */
ConfabFlexfecFormat confab_flexfec_choose_format (const ConfabFecRepairInfo *info,
                                                  ConfabFlexfecFormat wanted);

/* Size of the FEC header plus repair payload for @info in @format. */
gsize confab_flexfec_payload_size (const ConfabFecRepairInfo *info, ConfabFlexfecFormat format);

/* Writes the FEC header and repair payload (the RTP payload of the repair packet). @format
 * must come from confab_flexfec_choose_format(). */
ConfabFecStatus confab_flexfec_write (const ConfabFecRepairInfo *info, ConfabFlexfecFormat format,
                                      guint8 *out, gsize out_size, gsize *written);

/* Bytes of a complete repair packet before its repair payload: the payload of the packet
 * confab_flexfec_write_packet() writes starts at this offset. */
gsize confab_flexfec_packet_header_size (const ConfabFecRepairInfo *info,
                                         ConfabFlexfecFormat format);

/* A complete repair packet on @repair_ssrc with the protected SSRCs as its CSRC list, into
 * caller-owned @out. info->payload may already sit in place, at @out +
 * confab_flexfec_packet_header_size(): then it is not copied. */
ConfabFecStatus confab_flexfec_write_packet (const ConfabFecRepairInfo *info,
                                             ConfabFlexfecFormat format, guint8 pt,
                                             guint32 repair_ssrc, guint16 seq, guint32 timestamp,
                                             guint8 *out, gsize out_size, gsize *written);

/* The same, newly allocated. */
G_GNUC_WARN_UNUSED_RESULT
GBytes *confab_flexfec_packet_new (const ConfabFecRepairInfo *info, ConfabFlexfecFormat format,
                                   guint8 pt, guint32 repair_ssrc, guint16 seq, guint32 timestamp);

G_END_DECLS
