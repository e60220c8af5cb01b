/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-fec-controller-feed.h"

struct _ConfabFecFeed
{
  ConfabCallPipeline *pipeline;
  gboolean video;
  guint audio_bitrate_kbps;
  ConfabFecController controller;
  guint tick_id;
  guint64 last_rtcp_received; /* as of the previous tick */
  guint last_audio_hint;
  gboolean audio_raised;
};

static void
tick_audio (ConfabFecFeed *feed, const ConfabStreamStats *audio)
{
  guint bitrate = feed->audio_bitrate_kbps;

  if (audio->packets_sent == 0)
    return;
  /* Under 24 kbit/s libopus spends nothing on LBRR, whatever the hint:
   * raised once the peer reports loss, and kept there. */
  if (!feed->audio_raised && bitrate < CONFAB_FEC_OPUS_LBRR_MIN_KBPS
      && audio->remote_loss >= CONFAB_FEC_FEED_AUDIO_RAISE_LOSS)
    {
      g_debug ("Opus at %u kbit/s for its in-band FEC (%.1f%% reported lost)",
               CONFAB_FEC_OPUS_LBRR_MIN_KBPS, 100 * audio->remote_loss);
      confab_call_pipeline_set_audio_bitrate (feed->pipeline, CONFAB_FEC_OPUS_LBRR_MIN_KBPS);
      feed->audio_raised = TRUE;
    }
  if (feed->audio_raised)
    bitrate = CONFAB_FEC_OPUS_LBRR_MIN_KBPS;

  guint hint = confab_fec_controller_audio_loss_hint (audio->remote_loss, bitrate);
  if (hint != feed->last_audio_hint)
    {
      confab_call_pipeline_set_audio_loss_hint (feed->pipeline, hint);
      feed->last_audio_hint = hint;
    }
}

static gboolean
on_tick (gpointer data)
{
  ConfabFecFeed *feed = data;
  ConfabMediaStats stats;

  confab_call_pipeline_get_stats (feed->pipeline, &stats);
  tick_audio (feed, &stats.audio);
  if (!feed->video || stats.video.packets_sent == 0)
    return G_SOURCE_CONTINUE;

  /* The loss figure covers the last second or two of reports (which come
   * many times a second): it is news while reports arrive. */
  ConfabFecFeedback feedback = {
    .loss = stats.rtcp_packets_received != feed->last_rtcp_received ? stats.video.remote_loss : -1,
    .rtt_ms = stats.rtt_ms,
  };
  feed->last_rtcp_received = stats.rtcp_packets_received;
  if (confab_fec_controller_update (&feed->controller, g_get_monotonic_time (), &feedback))
    {
      guint overhead = confab_fec_controller_get_overhead (&feed->controller);
      guint key = confab_fec_controller_get_key_frame_overhead (&feed->controller);

      g_debug ("adaptive FEC: %u%% (key frames %u%%) for %.1f%% loss (smoothed), rtt %.0f ms",
               overhead, key, 100 * feed->controller.loss, feed->controller.rtt_ms);
      confab_call_pipeline_set_fec_overhead (feed->pipeline, overhead, key);
    }
  return G_SOURCE_CONTINUE;
}

ConfabFecFeed *
confab_fec_feed_new (ConfabCallPipeline *pipeline, gboolean video, gboolean rtx,
                     guint audio_bitrate_kbps)
{
  ConfabFecFeed *feed = g_new0 (ConfabFecFeed, 1);

  feed->pipeline = g_object_ref (pipeline);
  feed->video = video;
  feed->audio_bitrate_kbps = audio_bitrate_kbps;
  confab_fec_controller_init (&feed->controller, CONFAB_FEC_FEED_MAX_PCT, rtx,
                              CONFAB_MEDIA_LATENCY_MS);
  /* Nothing known of the path yet: the controller's opening overheads. */
  if (video)
    confab_call_pipeline_set_fec_overhead (
        pipeline, confab_fec_controller_get_overhead (&feed->controller),
        confab_fec_controller_get_key_frame_overhead (&feed->controller));
  feed->tick_id = g_timeout_add (CONFAB_FEC_FEED_INTERVAL_MS, on_tick, feed);
  return feed;
}

void
confab_fec_feed_free (ConfabFecFeed *feed)
{
  if (feed == NULL)
    return;
  g_clear_handle_id (&feed->tick_id, g_source_remove);
  g_object_unref (feed->pipeline);
  g_free (feed);
}
