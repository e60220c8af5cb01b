/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the call's statistics take from RTCP reports (RFC 3550 section 6.4),
 * on bytes only: the report blocks of a compound packet, the peer's loss
 * of one of our streams from its running totals, and the round trip from
 * LSR/DLSR against the sender reports we sent. No GStreamer; the compound
 * packets are walked with fec/'s RTCP view.
 *
 * We read the report blocks ourselves rather than ask rtpsession: it keeps
 * only the last block a peer's SSRC sent, whichever of our SSRCs it was
 * about, so the audio and video figures would overwrite each other.
 *
 * A sender report, followed by its report blocks:
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    RC   |   PT=SR=200   |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         SSRC of sender                        |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |              NTP timestamp, most significant word             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             NTP timestamp, least significant word             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      RTP timestamp, sender's packet count, octet count        |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_1 (SSRC of first source)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | fraction lost |       cumulative number of packets lost       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           extended highest sequence number received           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      interarrival jitter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         last SR (LSR)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   delay since last SR (DLSR)                  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *
 * A receiver report (PT=RR=201) has the same blocks right after the
 * sender's SSRC. LSR is the middle 32 bits of the NTP timestamp of our
 * last SR the peer got, DLSR the time it held it in 1/65536 s: matched
 * against when that SR left, they give the round trip without any clock
 * shared with the peer (RFC 3550 section 6.4.1).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint32 ssrc;        /* the stream the block is about */
  gint32 lost;         /* cumulative, 24-bit signed: duplicates can make it go down */
  guint32 highest_seq; /* extended highest sequence number received */
  guint32 lsr;
  guint32 dlsr;
} ConfabReportBlock;

typedef void (*ConfabReportBlockFunc) (const ConfabReportBlock *block, gpointer user_data);

/* Calls @func for each report block of the SRs and RRs in the compound
 * packet @data, as far as the packets are whole; bytes from the network. */
void confab_rtcp_foreach_report_block (const guint8 *data, gsize len, ConfabReportBlockFunc func,
                                       gpointer user_data);

/* Sender reports we sent: several per second at most, 16 outlast any
 * receiver report's delay. */
#define CONFAB_SENT_REPORTS 16

typedef struct
{
  struct
  {
    guint32 lsr;      /* the middle 32 bits of the SR's NTP timestamp */
    gint64 sent_time; /* monotonic microseconds when it left, 0: unused */
  } reports[CONFAB_SENT_REPORTS];
  guint next;
} ConfabSentReports;

/* Notes the SRs of the compound packet @data we are sending at @now. */
void confab_sent_reports_note (ConfabSentReports *sent, const guint8 *data, gsize len, gint64 now);

/* The round trip in ms that @block gives at @now, if its LSR matches a
 * report we sent (not 0: the peer has had none yet) and its DLSR is
 * plausible. */
gboolean confab_sent_reports_rtt (const ConfabSentReports *sent, const ConfabReportBlock *block,
                                  gint64 now, double *rtt_ms);

/* The peer's loss of one of our streams, from its running totals over 1 to
 * 2 s (CONFAB_LOSS_WINDOW_US), once the window holds enough packets
 * (CONFAB_LOSS_MIN_PACKETS) to mean something. Not a block's own fraction
 * lost: that covers the time since the peer's previous report, and AVPF's
 * early feedback (a PLI after each video loss) sends reports a few packets
 * apart, whose fractions are mostly 0 and sometimes large. */
#define CONFAB_LOSS_WINDOW_US G_USEC_PER_SEC
#define CONFAB_LOSS_MIN_PACKETS 20

typedef struct
{
  gboolean valid;
  gint64 time;
  guint32 highest_seq;
  gint32 lost;
} ConfabLossReference;

/* Takes @block in at @now; TRUE with the fraction lost (0..1) when the
 * window allows a figure. The first block only starts the window. */
gboolean confab_loss_reference_update (ConfabLossReference *reference,
                                       const ConfabReportBlock *block, gint64 now,
                                       double *fraction);

/* Hang-up (RFC 3550 section 6.6): writes an RTCP compound packet of an
 * empty RR from @ssrcs[0] and a BYE for all of @ssrcs (1..31) into @out,
 * which must hold 8 + 4 + 4 * @n bytes. Returns the length written, 0 if
 * @n or @size does not fit. */
gsize confab_rtcp_write_bye (const guint32 *ssrcs, guint n, guint8 *out, gsize size);

/* TRUE when the RTCP compound packet @data holds a BYE naming @ssrc (0:
 * any SSRC). Bounds-checked for bytes from the network. */
gboolean confab_rtcp_has_bye (const guint8 *data, gsize len, guint32 ssrc);

/* REMB, the receiver's estimate of the bitrate it can take
 * (draft-alvestrand-rmcat-remb-03): browsers send it when they negotiate
 * goog-remb. A payload-specific feedback packet with FMT 15:
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| FMT=15  |   PT=206      |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source (0)                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Unique identifier 'R' 'E' 'M' 'B'                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Num SSRC     | BR Exp    |  BR Mantissa                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   SSRC feedback (Num SSRC of them)                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The bitrate is mantissa × 2^exp bits per second. TRUE with the last
 * REMB's bitrate in the compound packet @data; bounds-checked for bytes
 * from the network (a REMB shorter than its SSRC list is ignored). */
gboolean confab_rtcp_find_remb (const guint8 *data, gsize len, guint64 *bitrate_bps);

/* Writes an RTCP compound packet of an empty RR from @sender (a compound
 * packet starts with a report) and a REMB of @bitrate_bps about @ssrcs
 * (1..255) into @out, which must hold 8 + 20 + 4 * @n bytes. Returns the
 * length written, 0 if @n or @size does not fit. */
gsize confab_rtcp_write_remb (guint32 sender, guint64 bitrate_bps, const guint32 *ssrcs, guint n,
                              guint8 *out, gsize size);

/* Generic NACK (RFC 4585 section 6.2.1): a transport-layer feedback packet
 * (PT=205, FMT=1) from @sender about @media_ssrc, whose FCI entries each
 * name a lost packet (PID) and, in a bitmask (BLP), which of the 16 after
 * it are lost too. Writes a compound packet of an empty RR from @sender
 * and one NACK for @seqs (1..CONFAB_RTCP_NACK_MAX, in the order asked;
 * each entry starts at the first sequence number not yet named and takes
 * those of the rest that fall in its 16) into @out, which must hold
 * 8 + 12 + 4 * @n bytes. Returns the length written, 0 if @n or @size does
 * not fit. */
#define CONFAB_RTCP_NACK_MAX 64
gsize confab_rtcp_write_nack (guint32 sender, guint32 media_ssrc, const guint16 *seqs, guint n,
                              guint8 *out, gsize size);

G_END_DECLS
