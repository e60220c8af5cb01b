/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * WebRTC's ULPFEC in RED on the way in: media and ULPFEC repair packets
 * both wrapped in RED (RFC 2198) on one payload type, in one run of
 * sequence numbers, and retransmissions of either (RFC 4588) on the RED's
 * RTX payload type. Confab's FEC decoder and rtpbin want plain VP8, so:
 * - media leaves its RED wrapper, and a retransmitted one becomes a
 *   retransmission of the VP8 (on the VP8's RTX payload type);
 * - a repair packet goes on to the FEC decoder as it is; it took one of
 *   the media's sequence numbers, so a payload-less packet with that
 *   number (a stand-in, which the VP8 depayloader ignores) follows it:
 *   without it the jitter buffer would take every repair packet for lost
 *   media, ask for it again and report it lost. A retransmitted repair
 *   packet is too late to repair anything: only its stand-in goes on.
 * The sender keeps repair packets between frames, so a stand-in never
 * comes between two packets of a frame (which would cost the frame).
 *
 * Bytes only, no GStreamer (tests/media/test-red-unwrap.c).
 */
#pragma once

#include "confab-red.h"
#include "confab-rtp-packet.h"
#include "confab-stream-params.h"

G_BEGIN_DECLS

#define CONFAB_RED_STAND_IN_SIZE 12

typedef enum
{
  CONFAB_RED_BROKEN,      /* not RED this stream can use: drop it */
  CONFAB_RED_MEDIA,       /* push @out (media or its RTX, without RED) instead */
  CONFAB_RED_REPAIR,      /* push the packet, then @out (its stand-in) */
  CONFAB_RED_LATE_REPAIR, /* a retransmitted repair packet: push @out (its stand-in) instead */
} ConfabRedUnwrap;

/* The payload type of the primary block of the RED packet @data, -1 if it
 * is not one; the block in *@primary (may be NULL), pointing into @data. */
gint confab_red_primary_pt (const guint8 *data, gsize size, ConfabRedBlock *primary);

/* @rtp (of @params's red_pt or red_rtx_pt, parsed) as above. @out holds
 * at least @rtp->len bytes (and CONFAB_RED_STAND_IN_SIZE); @media_ssrc is
 * the peer's media SSRC, which a retransmission does not carry (0:
 * unknown, and a retransmitted repair packet is BROKEN). */
ConfabRedUnwrap confab_red_unwrap (const ConfabStreamParams *params, guint32 media_ssrc,
                                   const ConfabRtpView *rtp, guint8 *out, gsize *out_size);

G_END_DECLS
