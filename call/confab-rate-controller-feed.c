/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-rate-controller-feed.h"

#include "confab-rtcp-reports.h"
#include "confab-rtp-packet.h"

/* The REMB's bytes: an RR and the REMB about one SSRC. */
#define REMB_PACKET_SIZE 32

struct _ConfabRateFeed
{
  gatomicrefcount ref;
  ConfabCallPipeline *pipeline;
  ConfabPacketPath *path;
  guint32 local_ssrc, remote_video_ssrc;
  ConfabRateController controller;
  guint tick_id;
  guint last_target_kbps;
  guint max_kbps;                /* the encoder's ceiling */
  double last_loss, last_rtt_ms; /* the previous tick's figures */
  /* Video packets on top of the media (FEC repair, retransmissions) per
   * media packet, over the last ticks, and the counts it came from. */
  double overhead;
  guint64 last_media, last_extra;

  GMutex lock; /* what the network's thread writes */
  guint64 remb_bps;
  gint64 remb_time;
  guint64 rtcp_bytes; /* since the last tick, for the log */
  ConfabRateEstimate estimate;
};

/* What the video sends on top of its media packets, now: FEC repair and
 * retransmissions, both about a media packet's size. A whole-call average
 * would lag behind adaptive FEC and bursts of retransmission. */
static void
update_overhead (ConfabRateFeed *feed, const ConfabMediaStats *stats)
{
  guint64 media = stats->video.packets_sent;
  guint64 extra = stats->video.fec_repair_sent + stats->video.rtx_sent;

  if (media > feed->last_media)
    {
      double now = (double) (extra - feed->last_extra) / (media - feed->last_media);
      feed->overhead = feed->last_media ? 0.7 * feed->overhead + 0.3 * now : now;
    }
  feed->last_media = media;
  feed->last_extra = extra;
}

/* The peer's REMB is about every RTP packet it receives from us: the
 * video's share is what is left after the audio. */
static guint64
video_share (guint64 remb_bps, const ConfabMediaStats *stats)
{
  double audio_bps = stats->audio.send_kbps * 1000;

  if (remb_bps <= audio_bps)
    return 1;
  return (guint64) (remb_bps - audio_bps);
}

/* The controller's target is everything the video sends: the encoder gets
 * what is left after FEC and retransmissions, so that more FEC on a lossy
 * path never pushes more onto it (loss at a bottleneck would otherwise
 * raise the FEC that overflows it further). */
static guint
encoder_kbps (const ConfabRateFeed *feed, guint target_kbps)
{
  guint kbps = (guint) (target_kbps / (1 + feed->overhead) + 0.5);

  return CLAMP (kbps, MIN (CONFAB_RATE_FEED_MIN_KBPS, feed->max_kbps), feed->max_kbps);
}

static void
send_remb (ConfabRateFeed *feed, gint64 now)
{
  guint8 packet[REMB_PACKET_SIZE];

  g_mutex_lock (&feed->lock);
  guint64 bps = confab_rate_estimate_tick (&feed->estimate, now);
  ConfabRateEstimate seen = feed->estimate;
  guint64 rtcp_bytes = feed->rtcp_bytes;
  feed->rtcp_bytes = 0;
  g_mutex_unlock (&feed->lock);

  if (bps == 0 || feed->remote_video_ssrc == 0)
    return;
  g_debug ("receive estimate: %.0f kbit/s (arrived %.0f kbit/s of RTP and %.0f of RTCP, queue "
           "%.0f ms, loss %.1f%%)",
           bps / 1000.0, seen.last_rate_bps / 1000, rtcp_bytes * 8.0 / CONFAB_RATE_FEED_INTERVAL_MS,
           seen.last_queue_ms, 100 * seen.last_loss);
  gsize len = confab_rtcp_write_remb (feed->local_ssrc, bps, &feed->remote_video_ssrc, 1, packet,
                                      sizeof packet);
  if (len > 0)
    confab_packet_path_send (feed->path, packet, len);
}

static gboolean
on_tick (gpointer data)
{
  ConfabRateFeed *feed = data;
  ConfabMediaStats stats;
  gint64 now = g_get_monotonic_time ();

  confab_call_pipeline_get_stats (feed->pipeline, &stats);
  update_overhead (feed, &stats);
  /* The figures keep their last value between reports, and GStreamer
   * sends none while it sends early feedback: only a new figure is news. */
  ConfabRateFeedback feedback = {
    .loss = stats.video.remote_loss != feed->last_loss ? stats.video.remote_loss : -1,
    .rtt_ms = stats.rtt_ms != feed->last_rtt_ms ? stats.rtt_ms : 0,
  };
  feed->last_loss = stats.video.remote_loss;
  feed->last_rtt_ms = stats.rtt_ms;
  g_mutex_lock (&feed->lock);
  if (feed->remb_time && now - feed->remb_time < CONFAB_RATE_FEED_REMB_TIMEOUT_US)
    feedback.remb_bps = video_share (feed->remb_bps, &stats);
  g_mutex_unlock (&feed->lock);
  send_remb (feed, now);

  if (stats.video.packets_sent > 0)
    {
      ConfabRateDecision decision
          = confab_rate_controller_update (&feed->controller, now, &feedback);
      guint target = confab_rate_controller_get_target_kbps (&feed->controller);
      guint encoder = encoder_kbps (feed, target);
      if (target != feed->last_target_kbps)
        g_debug ("congestion control: %s, video %u kbit/s, encoder %u (loss %.1f%%, rtt %.0f ms, "
                 "overhead %.0f%%)",
                 confab_rate_decision_to_string (decision), target, encoder, 100 * feedback.loss,
                 feedback.rtt_ms, 100 * feed->overhead);
      /* Every tick: the overhead moves, and the picture size follows the
       * encoder's rate with some delay. */
      confab_call_pipeline_set_video_bitrate (feed->pipeline, encoder);
      feed->last_target_kbps = target;
    }

  /* Opus's loss hint is the FEC feed's (confab-fec-controller-feed.c). */
  return G_SOURCE_CONTINUE;
}

ConfabRateFeed *
confab_rate_feed_new (ConfabCallPipeline *pipeline, ConfabPacketPath *path, guint max_kbps,
                      guint32 local_ssrc, guint32 remote_video_ssrc)
{
  ConfabRateFeed *feed = g_new0 (ConfabRateFeed, 1);

  g_atomic_ref_count_init (&feed->ref);
  g_mutex_init (&feed->lock);
  feed->pipeline = g_object_ref (pipeline);
  feed->path = g_object_ref (path);
  feed->local_ssrc = local_ssrc;
  feed->remote_video_ssrc = remote_video_ssrc;
  confab_rate_estimate_init (&feed->estimate, 90000);
  feed->max_kbps = max_kbps;
  /* The whole video's ceiling: half as much again as the encoder's, room
   * for the FEC and retransmissions of a lossy path that carries them. */
  confab_rate_controller_init (&feed->controller, MIN (CONFAB_RATE_FEED_MIN_KBPS, max_kbps),
                               max_kbps + max_kbps / 2);
  confab_rate_controller_start_at (&feed->controller, g_get_monotonic_time (),
                                   CONFAB_RATE_FEED_START_KBPS);
  feed->last_target_kbps = confab_rate_controller_get_target_kbps (&feed->controller);
  confab_call_pipeline_set_video_bitrate (pipeline, encoder_kbps (feed, feed->last_target_kbps));
  feed->tick_id = g_timeout_add (CONFAB_RATE_FEED_INTERVAL_MS, on_tick, feed);
  return feed;
}

ConfabRateFeed *
confab_rate_feed_ref (ConfabRateFeed *feed)
{
  g_atomic_ref_count_inc (&feed->ref);
  return feed;
}

void
confab_rate_feed_unref (ConfabRateFeed *feed)
{
  if (!g_atomic_ref_count_dec (&feed->ref))
    return;
  g_warn_if_fail (feed->tick_id == 0);
  g_object_unref (feed->pipeline);
  g_object_unref (feed->path);
  g_mutex_clear (&feed->lock);
  g_free (feed);
}

void
confab_rate_feed_stop (ConfabRateFeed *feed)
{
  g_clear_handle_id (&feed->tick_id, g_source_remove);
}

void
confab_rate_feed_note_packet (ConfabRateFeed *feed, const guint8 *data, gsize size)
{
  guint64 bps;
  ConfabRtpView rtp;

  if (confab_rtp_is_rtcp (data, size))
    {
      g_mutex_lock (&feed->lock);
      feed->rtcp_bytes += size;
      g_mutex_unlock (&feed->lock);
      if (!confab_rtcp_find_remb (data, size, &bps))
        return;
      g_mutex_lock (&feed->lock);
      feed->remb_bps = bps;
      feed->remb_time = g_get_monotonic_time ();
      g_mutex_unlock (&feed->lock);
      return;
    }
  if (confab_rtp_view_parse (&rtp, data, size) != CONFAB_FEC_OK)
    return;
  g_mutex_lock (&feed->lock);
  if (feed->remote_video_ssrc && rtp.ssrc == feed->remote_video_ssrc)
    confab_rate_estimate_media (&feed->estimate, g_get_monotonic_time (), rtp.seq, rtp.timestamp,
                                size);
  else
    confab_rate_estimate_other (&feed->estimate, size);
  g_mutex_unlock (&feed->lock);
}
