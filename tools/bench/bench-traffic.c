/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-traffic.c: a VP8 RTP stream from a live-like encoder.
 *
 * libvpx is run in realtime mode (deadline=1) with a fixed speed (negative cpu-used: a
 * positive value lets libvpx pick its speed from the wall clock, which makes the bitstream
 * depend on the machine's load) and one thread, so the same seed gives the same packets
 * on every run. */
#include "bench-traffic.h"

#include "confab-rtp-packet.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <string.h>

#define BENCH_VIDEO_PT 96
#define BENCH_MTU 1200

BenchStream *
bench_stream_new_vp8 (const BenchVideoSpec *spec, GError **error)
{
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autofree char *desc = NULL;
  GstElement *sink;
  GArray *packets = g_array_new (FALSE, TRUE, sizeof (BenchPacket));
  BenchStream *s;
  guint n_frames = (guint) (spec->seconds * spec->fps + 0.5);
  guint speed = 2 + (guint) (spec->seed % 4);
  guint32 ssrc = 0x10000000u | (guint32) (spec->seed * 2654435761u & 0x0fffffffu);
  gint64 t0 = g_get_monotonic_time ();
  guint32 last_ts = 0;
  gboolean have_ts = FALSE, frame_key = FALSE;
  guint frame = 0, key_frames = 0;
  guint64 bytes = 0;

  /* SMPTE bars scrolling at a seeded speed: motion everywhere, as with a panning camera,
   * so delta frames are not empty. */
  desc = g_strdup_printf ("videotestsrc num-buffers=%u pattern=smpte horizontal-speed=%u ! "
                          "video/x-raw,format=I420,width=%u,height=%u,framerate=%u/1 ! "
                          "vp8enc deadline=1 cpu-used=-8 threads=1 end-usage=cbr target-bitrate=%u "
                          "keyframe-max-dist=%u ! "
                          "rtpvp8pay mtu=%u pt=%u ssrc=%u seqnum-offset=1000 timestamp-offset=0 "
                          "picture-id-mode=15-bit ! "
                          "appsink name=sink sync=false max-buffers=0",
                          n_frames, speed, spec->width, spec->height, spec->fps,
                          spec->bitrate_kbps * 1000, spec->keyframe_distance, BENCH_MTU,
                          BENCH_VIDEO_PT, ssrc);
  pipeline = gst_parse_launch (desc, error);
  if (pipeline == NULL)
    {
      g_prefix_error (error, "cannot build the VP8 pipeline (are gst-plugins-good's vpx and "
                             "rtp plugins installed?): ");
      g_array_unref (packets);
      return NULL;
    }
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  bus = gst_element_get_bus (pipeline);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_STATE_CHANGE,
                   "the VP8 pipeline did not start");
      gst_object_unref (sink);
      g_array_unref (packets);
      return NULL;
    }

  for (;;)
    {
      g_autoptr (GstSample) sample = gst_app_sink_pull_sample (GST_APP_SINK (sink));
      GstBuffer *buf;
      GstMapInfo map;
      BenchPacket pkt = { 0 };
      const guint8 *d;

      if (sample == NULL)
        break;
      buf = gst_sample_get_buffer (sample);
      if (!gst_buffer_map (buf, &map, GST_MAP_READ))
        continue;
      d = map.data;
      if (map.size < 12)
        {
          gst_buffer_unmap (buf, &map);
          continue;
        }
      pkt.data = g_bytes_new (map.data, map.size);
      pkt.marker = (d[1] & 0x80) != 0;
      pkt.seq = (guint16) ((d[2] << 8) | d[3]);
      pkt.ts = ((guint32) d[4] << 24) | ((guint32) d[5] << 16) | ((guint32) d[6] << 8) | d[7];
      if (have_ts && pkt.ts != last_ts)
        frame++;
      if (!have_ts || pkt.ts != last_ts)
        {
          gsize hl = 12 + 4 * (d[0] & 0x0f);

          frame_key = map.size > hl && confab_vp8_payload_starts_key_frame (d + hl, map.size - hl);
          key_frames += frame_key;
        }
      have_ts = TRUE;
      last_ts = pkt.ts;
      pkt.key = frame_key;
      pkt.frame = frame;
      pkt.pts_ns = (guint64) pkt.ts * G_GUINT64_CONSTANT (100000) / 9;
      bytes += map.size;
      gst_buffer_unmap (buf, &map);
      g_array_append_val (packets, pkt);
    }

  {
    g_autoptr (GstMessage) msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

    if (msg != NULL)
      {
        g_autoptr (GError) gerr = NULL;

        gst_message_parse_error (msg, &gerr, NULL);
        g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED, "the VP8 pipeline failed: %s",
                     gerr->message);
      }
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (sink);
  if (error && *error)
    goto fail;
  if (packets->len == 0 || packets->len > 60000)
    {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
                   "the VP8 pipeline made %u packets (need 1-60000: shorten the clip)",
                   packets->len);
      goto fail;
    }

  s = g_new0 (BenchStream, 1);
  s->name = g_strdup (spec->name);
  s->description = g_strdup_printf (
      "VP8 %ux%u %u fps, %u kbit/s CBR, key frame every %u frames, libvpx realtime "
      "cpu-used=-8, rtpvp8pay mtu=%u; videotestsrc smpte scrolling at %u px/frame",
      spec->width, spec->height, spec->fps, spec->bitrate_kbps, spec->keyframe_distance, BENCH_MTU,
      speed);
  s->ssrc = ssrc;
  s->pt = BENCH_VIDEO_PT;
  s->n_packets = packets->len;
  s->packets = (BenchPacket *) g_array_free (packets, FALSE);
  s->n_frames = frame + 1;
  s->n_key_frames = key_frames;
  s->bytes = bytes;
  s->seconds = (double) s->n_frames / spec->fps;
  s->encode_us = (guint64) (g_get_monotonic_time () - t0);
  return s;

fail:
  for (guint i = 0; i < packets->len; i++)
    g_bytes_unref (g_array_index (packets, BenchPacket, i).data);
  g_array_unref (packets);
  return NULL;
}

void
bench_stream_free (BenchStream *stream)
{
  if (stream == NULL)
    return;
  for (guint i = 0; i < stream->n_packets; i++)
    g_bytes_unref (stream->packets[i].data);
  g_free (stream->packets);
  g_free (stream->name);
  g_free (stream->description);
  g_free (stream);
}

gint
bench_stream_index_of_seq (const BenchStream *stream, guint16 seq)
{
  guint idx;

  if (stream->n_packets == 0)
    return -1;
  idx = (guint16) (seq - stream->packets[0].seq);
  return idx < stream->n_packets ? (gint) idx : -1;
}
