/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-gst-ulpfec.c: GStreamer's ULPFEC in the benchmark.
 *
 * rtpulpfecenc and rtpulpfecdec are not given packets
 * through a running pipeline (whose timing would make runs differ) but pushed to
 * synchronously through pads of our own, the way GstHarness does:
 *
 *  - encoder: our pad -> rtpulpfecenc (pt=100, percentage=N, percentage-important=0,
 *    multipacket=TRUE, the video defaults) -> our pad. Media packets come out renumbered
 *    (the element puts its FEC packets in the media sequence space), each FEC packet right
 *    after the marker packet of the frame it protects. The element's start sequence number
 *    comes from g_random, which we seed, so runs repeat.
 *  - decoder, as rtpbin builds it: rtpstorage (size-time = latency + 50 ms, as gst-plugins-
 *    good's FEC example sets it) sees every received packet on arrival; rtpulpfecdec (pt=100,
 *    storage = the rtpstorage's internal-storage) sits after the jitter buffer. We play the
 *    jitter buffer: it hands on sequence numbers in order, and for each one that never
 *    arrived sends the GstRTPPacketLost event rtpjitterbuffer sends with do-lost=TRUE
 *    (seqnum, timestamp, duration, retry), once every packet sent up to `latency` after it
 *    has reached the storage. A buffer that rtpulpfecdec pushes while handling that event
 *    is its recovery of that sequence number; we check it against what was sent.
 *    Lost FEC packets get lost events too, as they share the media sequence space.
 */
#include "bench-schemes-private.h"

#include <gst/gst.h>
#include <string.h>

#include "confab-fec-common.h"

#define GST_FEC_PT 100

/* --- GStreamer elements driven through our own pads ----------------------------------- */

typedef struct
{
  GPtrArray *out;    /* GstBuffer */
  guint lost_events; /* GstRTPPacketLost events that came through (not recovered) */
} PadSink;

static GstFlowReturn
on_sink_chain (GstPad *pad, GstObject *parent, GstBuffer *buf)
{
  PadSink *ps = gst_pad_get_element_private (pad);

  g_ptr_array_add (ps->out, buf);
  return GST_FLOW_OK;
}

static gboolean
on_sink_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  PadSink *ps = gst_pad_get_element_private (pad);

  if (GST_EVENT_TYPE (event) == GST_EVENT_CUSTOM_DOWNSTREAM
      && gst_event_has_name (event, "GstRTPPacketLost"))
    ps->lost_events++;
  gst_event_unref (event);
  return TRUE;
}

static GstPad *
our_sink_pad (GstElement *element, PadSink *ps)
{
  GstPad *pad = gst_pad_new ("benchsink", GST_PAD_SINK);
  g_autoptr (GstPad) peer = gst_element_get_static_pad (element, "src");

  gst_pad_set_element_private (pad, ps);
  gst_pad_set_chain_function (pad, on_sink_chain);
  gst_pad_set_event_function (pad, on_sink_event);
  gst_pad_set_active (pad, TRUE);
  gst_pad_link (peer, pad);
  return pad;
}

static GstPad *
our_src_pad (GstElement *element, guint32 ssrc, guint8 pt)
{
  GstPad *pad = gst_pad_new ("benchsrc", GST_PAD_SRC);
  g_autoptr (GstPad) peer = gst_element_get_static_pad (element, "sink");
  g_autoptr (GstCaps) caps = NULL;
  GstSegment seg;

  gst_pad_set_active (pad, TRUE);
  gst_pad_link (pad, peer);
  gst_pad_push_event (pad, gst_event_new_stream_start ("confab-fec-bench"));
  caps = gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING, "video", "clock-rate",
                              G_TYPE_INT, 90000, "encoding-name", G_TYPE_STRING, "VP8", "payload",
                              G_TYPE_INT, (gint) pt, "ssrc", G_TYPE_UINT, ssrc, NULL);
  gst_pad_push_event (pad, gst_event_new_caps (caps));
  gst_segment_init (&seg, GST_FORMAT_TIME);
  gst_pad_push_event (pad, gst_event_new_segment (&seg));
  return pad;
}

static void
drop_pad (GstPad *pad)
{
  gst_pad_set_active (pad, FALSE);
  gst_object_unref (pad);
}

static GstBuffer *
buffer_from (GBytes *data, guint64 pts_ns)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (data, &len);
  GstBuffer *b = gst_buffer_new_memdup (d, len);

  GST_BUFFER_PTS (b) = pts_ns;
  GST_BUFFER_DTS (b) = pts_ns;
  return b;
}

static GBytes *
bytes_from_buffer (GstBuffer *b)
{
  GstMapInfo map;
  GBytes *bytes;

  gst_buffer_map (b, &map, GST_MAP_READ);
  bytes = g_bytes_new (map.data, map.size);
  gst_buffer_unmap (b, &map);
  return bytes;
}

static GstElement *
make_element (const char *factory, GError **error)
{
  GstElement *e = gst_element_factory_make (factory, NULL);

  if (e == NULL)
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
                 "GStreamer element %s is missing (gst-plugins-good's rtp plugin)", factory);
  else
    gst_object_ref_sink (e);
  return e;
}

/* One pass of rtpulpfecenc over the stream; @e gets the wire when not NULL. Returns the
 * time the element took, in ns. */
static double
gst_encode_pass (const BenchStream *s, guint overhead, BenchEncoded *e, GError **error)
{
  GstElement *enc = make_element ("rtpulpfecenc", error);
  PadSink ps = { g_ptr_array_new_with_free_func ((GDestroyNotify) gst_buffer_unref), 0 };
  GstPad *src, *sink;
  double ns = 0;

  if (enc == NULL)
    {
      g_ptr_array_unref (ps.out);
      return -1;
    }
  g_object_set (enc, "pt", GST_FEC_PT, "percentage", overhead, "percentage-important", 0,
                "multipacket", TRUE, NULL);
  /* The element draws its first sequence number from g_random when it sees the SSRC. */
  g_random_set_seed (0xc0fab);
  gst_element_set_state (enc, GST_STATE_PLAYING);
  sink = our_sink_pad (enc, &ps);
  src = our_src_pad (enc, s->ssrc, s->pt);

  for (guint i = 0; i < s->n_packets; i++)
    {
      GstBuffer *b = buffer_from (s->packets[i].data, s->packets[i].pts_ns);
      gint64 t0 = g_get_monotonic_time ();
      guint rank = 0;

      gst_pad_push (src, b);
      ns += (g_get_monotonic_time () - t0) * 1e3;
      for (guint j = 0; j < ps.out->len; j++)
        {
          GstBuffer *ob = g_ptr_array_index (ps.out, j);
          GBytes *data;

          if (e == NULL)
            continue;
          data = bytes_from_buffer (ob);
          if ((((const guint8 *) g_bytes_get_data (data, NULL))[1] & 0x7f) == GST_FEC_PT)
            bench_wire_add_repair (e, s, i, rank++, -1, data);
          else
            bench_wire_add_media (e, s, i, data);
        }
      g_ptr_array_set_size (ps.out, 0);
    }

  gst_element_set_state (enc, GST_STATE_NULL);
  drop_pad (src);
  drop_pad (sink);
  gst_object_unref (enc);
  g_ptr_array_unref (ps.out);
  return ns;
}

BenchEncoded *
bench_gst_ulpfec_encode (const BenchStream *s, BenchEncoded *e, const BenchSchemeOptions *o,
                         GError **error)
{
  double ns;

  e->params = g_strdup_printf ("percentage=%u per frame", o->overhead);
  ns = gst_encode_pass (s, o->overhead, e, error);
  if (ns < 0)
    {
      bench_encoded_free (e);
      return NULL;
    }
  e->encode_ns = ns;
  for (guint rep = 1; rep < MAX (1u, o->timing_repeats); rep++)
    e->encode_ns = MIN (e->encode_ns, gst_encode_pass (s, o->overhead, NULL, NULL));
  return e;
}

/* Same bytes apart from the sequence number, which rtpulpfecdec rewrites. */
static gboolean
same_but_seq (GstBuffer *b, GBytes *sent)
{
  GstMapInfo map;
  gsize len;
  const guint8 *d = g_bytes_get_data (sent, &len);
  gboolean same;

  gst_buffer_map (b, &map, GST_MAP_READ);
  same = map.size == len && len >= 12 && memcmp (map.data, d, 2) == 0
         && memcmp (map.data + 4, d + 4, len - 4) == 0;
  gst_buffer_unmap (b, &map);
  return same;
}

gboolean
bench_gst_ulpfec_decode (const BenchStream *s, const BenchEncoded *e, const guint8 *wlost,
                         guint8 *present, const BenchSchemeOptions *o, BenchTally *t,
                         GError **error)
{
  GstElement *storage = make_element ("rtpstorage", error);
  GstElement *dec = storage ? make_element ("rtpulpfecdec", error) : NULL;
  GObject *internal = NULL;
  PadSink to_jb = { g_ptr_array_new_with_free_func ((GDestroyNotify) gst_buffer_unref), 0 };
  PadSink out = { g_ptr_array_new_with_free_func ((GDestroyNotify) gst_buffer_unref), 0 };
  GstPad *st_src, *st_sink, *dec_src, *dec_sink;
  guint64 latency = (guint64) o->latency_ms * GST_MSECOND;
  guint arrived = 0, pushed = 0;
  guint64 bytes = 0;
  guint16 first_seq = 0;
  gint64 t0;
  guint recovered = 0;

  if (dec == NULL)
    {
      g_clear_object (&storage);
      g_ptr_array_unref (to_jb.out);
      g_ptr_array_unref (out.out);
      return FALSE;
    }
  g_object_set (storage, "size-time", latency + 50 * GST_MSECOND, NULL);
  g_object_get (storage, "internal-storage", &internal, NULL);
  g_object_set (dec, "pt", GST_FEC_PT, "storage", internal, NULL);
  g_object_unref (internal);
  gst_element_set_state (storage, GST_STATE_PLAYING);
  gst_element_set_state (dec, GST_STATE_PLAYING);
  st_sink = our_sink_pad (storage, &to_jb);
  st_src = our_src_pad (storage, s->ssrc, s->pt);
  dec_sink = our_sink_pad (dec, &out);
  dec_src = our_src_pad (dec, s->ssrc, s->pt);

  if (e->wire->len > 0)
    first_seq = confab_read_u16 (
        (const guint8 *) g_bytes_get_data (g_array_index (e->wire, BenchWire, 0).data, NULL) + 2);

  t0 = g_get_monotonic_time ();
  for (guint w = 0; w < e->wire->len; w++)
    {
      const BenchWire *x = &g_array_index (e->wire, BenchWire, w);

      /* Everything sent up to `latency` after this packet has reached the storage. */
      for (; arrived < e->wire->len
             && g_array_index (e->wire, BenchWire, arrived).pts_ns <= x->pts_ns + latency;
           arrived++)
        if (!wlost[arrived])
          {
            const BenchWire *a = &g_array_index (e->wire, BenchWire, arrived);

            gst_pad_push (st_src, buffer_from (a->data, a->pts_ns));
          }
      g_ptr_array_set_size (to_jb.out, 0);

      if (!wlost[w])
        {
          gst_pad_push (dec_src, buffer_from (x->data, x->pts_ns));
          pushed++;
          if (x->media >= 0)
            bytes += g_bytes_get_size (x->data);
        }
      else
        {
          GstStructure *lost_s = gst_structure_new (
              "GstRTPPacketLost", "seqnum", G_TYPE_UINT, (guint) (guint16) (first_seq + w),
              "timestamp", G_TYPE_UINT64, x->pts_ns, "duration", G_TYPE_UINT64, (guint64) 0,
              "retry", G_TYPE_UINT, 0u, NULL);

          gst_pad_push_event (dec_src, gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM, lost_s));
          if (x->media >= 0 && out.out->len > 0)
            {
              GstBuffer *rb = g_ptr_array_index (out.out, out.out->len - 1);

              if (same_but_seq (rb, x->data))
                {
                  present[x->media] = 1;
                  bytes += g_bytes_get_size (x->data);
                }
              else
                t->corrupt++;
            }
        }
      g_ptr_array_set_size (out.out, 0);
    }
  bench_tally_decode_time (t, (g_get_monotonic_time () - t0) * 1e3, pushed, bytes);
  g_object_get (dec, "recovered", &recovered, NULL);
  t->reported_recovered += recovered;

  gst_element_set_state (dec, GST_STATE_NULL);
  gst_element_set_state (storage, GST_STATE_NULL);
  drop_pad (st_src);
  drop_pad (st_sink);
  drop_pad (dec_src);
  drop_pad (dec_sink);
  gst_object_unref (dec);
  gst_object_unref (storage);
  g_ptr_array_unref (to_jb.out);
  g_ptr_array_unref (out.out);
  return TRUE;
}
