/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-call-pipeline.h"

#include "confab-media-devices-private.h"
#include "gstconfabfecdec.h"
#include "gstconfabfecenc.h"

#include <glib/gi18n-lib.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/audio/audio.h>
#include <gst/video/video.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* clang-format off */
G_DEFINE_QUARK (confab-media-error-quark, confab_media_error)
/* clang-format on */

/* Our own packets stay under the payloaders' MTU (1200) and peers use
 * similar sizes so that they fit any path. 8 KiB leaves room for jumbo
 * frames and large RTCP compounds; anything bigger is not a packet of a
 * call but someone trying to make us buffer it. */
#define MAX_PACKET_SIZE 8192

/* rtpbin's jitter buffer: long enough to reorder packets on a real path,
 * short enough for a conversation. */
#define JITTERBUFFER_LATENCY_MS 100

#define VIDEO_MTU 1200

/* A flood of pushed packets must not grow memory without bound: the
 * appsrc queues are capped and drop their oldest packets first (a late
 * packet is worth less than a fresh one in a call). */
#define APPSRC_MAX_BYTES (512 * 1024)
#define APPSRC_MAX_BUFFERS 1000

/* Bounds the streams (SSRCs) one session accepts, so that a peer making up
 * SSRCs cannot make rtpbin create jitter buffers and threads without end. */
#define MAX_STREAMS 16

/* RFC 3550 asks for at least 5 s between RTCP reports, which makes the
 * loss and round-trip figures lag the call by as much; browsers report
 * about once a second (the RTCP bandwidth is still a fraction of a
 * percent of the media's). */
#define RTCP_MIN_INTERVAL GST_SECOND

/* With the camera off, one black frame every 200 ms: the peer sees a
 * steady "camera off" picture instead of a freeze, and the encoder costs
 * next to nothing. */
#define CAMERA_OFF_INTERVAL (200 * GST_MSECOND)

/* Rates (send_kbps, decoded_fps, ...) are sums over the last second, kept
 * in 100 ms buckets so that they are cheap to update per packet. */
#define RATE_BUCKET_US (100 * G_TIME_SPAN_MILLISECOND)
#define RATE_BUCKETS 16
#define RATE_WINDOW_BUCKETS 10

/* Sender reports we sent, to turn the peer's LSR and DLSR into a round
 * trip. Several reports per second at most; 16 outlast any RR delay. */
#define SENT_REPORTS 16

/* remote_loss is taken over 1 to 2 s of the peer's running totals, and
 * only once the window holds enough packets to mean something. */
#define LOSS_WINDOW_US G_USEC_PER_SEC
#define LOSS_MIN_PACKETS 20

typedef struct
{
  GstElement *jitterbuffer;
  gint pt; /* -1 until rtpbin exposes the stream's pad */
} JitterBufferEntry;

typedef struct
{
  gint64 first; /* g_get_monotonic_time () of the first amount, 0 before */
  gint64 epochs[RATE_BUCKETS];
  guint64 amounts[RATE_BUCKETS];
} RateMeter;

/* RFC 3550 section 6.4.1 interarrival jitter of one remote stream. */
typedef struct
{
  gboolean valid;
  guint32 ssrc;
  guint32 transit;
  double jitter; /* in RTP clock units */
} JitterEstimate;

typedef struct
{
  guint32 lsr;      /* the middle 32 bits of the SR's NTP timestamp */
  gint64 sent_time; /* g_get_monotonic_time () when it left */
} SentReport;

/* A report block's running totals about one of our streams. */
typedef struct
{
  gboolean valid;
  gint64 time;
  guint32 highest_seq;
  gint32 lost;
} LossReference;

struct _ConfabCallPipeline
{
  GObject parent_instance;

  /* Immutable after construction. */
  char *video_source;
  char *audio_source;
  char *speaker;
  ConfabMediaConfig config; /* its strings point at the three above */
  GstDevice *speaker_device; /* NULL: autoaudiosink */
  GMainContext *context;
  GstElement *pipeline;
  GstElement *rtpbin;
  GstElement *volume; /* mutes the microphone */
  GstElement *rtp_src;  /* appsrc feeding recv_rtp_sink_0 */
  GstElement *rtcp_src; /* appsrc feeding recv_rtcp_sink_0 */
  GstElement *video_tee;
  /* With config.fec_pt: after send_rtp_src_0 and before recv_rtp_sink_0;
   * NULL without FEC (or once confab_call_pipeline_disable_fec() ran,
   * which only the owner thread does, before start). */
  GstElement *fec_enc;
  GstElement *fec_dec;
  GSource *bus_source;

  /* Owner thread only. */
  gboolean preview_built;

  /* Call controls: the flags are read by streaming threads without a lock;
   * controls_lock keeps flag and element in step when two threads set
   * them at once. */
  GMutex controls_lock;
  gint audio_muted;   /* atomic */
  gint video_enabled; /* atomic */

  /* The video source's streaming thread only (and dispose, once it has
   * stopped). */
  GstBuffer *black_frame;
  GstClockTime next_black_pts;

  /* Counters, state and the jitter buffer table, touched from streaming
   * threads, the network thread and the owner thread. Never held while
   * calling out of this file. */
  GMutex lock;
  gboolean running;
  gboolean stopped;
  ConfabMediaStats stats;    /* packets_lost is filled in by get_stats */
  GHashTable *jitterbuffers; /* SSRC -> JitterBufferEntry */
  gboolean lost_frozen;
  guint64 frozen_audio_lost;
  guint64 frozen_video_lost;
  RateMeter audio_sent, audio_received, video_sent, video_received, video_decoded;
  JitterEstimate audio_jitter, video_jitter;
  SentReport sent_reports[SENT_REPORTS];
  guint next_sent_report;
  LossReference audio_loss, video_loss;

  /* Held while the packet function runs, so that replacing it waits for
   * a call in flight and the destroy notify never races with a call. A
   * separate lock from the counters: the packet function of one call may
   * push into another pipeline (or this one), which takes that pipeline's
   * counter lock; sharing one lock would deadlock two pipelines wired back
   * to back. */
  GMutex packet_func_lock;
  ConfabPacketFunc packet_func;
  gpointer packet_func_data;
  GDestroyNotify packet_func_destroy;

  GMutex frame_func_lock;
  ConfabVideoFrameFunc frame_func;
  gpointer frame_func_data;
  GDestroyNotify frame_func_destroy;

  GMutex level_func_lock;
  ConfabAudioLevelFunc level_func;
  gpointer level_func_data;
  GDestroyNotify level_func_destroy;
};

G_DEFINE_FINAL_TYPE (ConfabCallPipeline, confab_call_pipeline, G_TYPE_OBJECT)

enum
{
  SIGNAL_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
confab_media_config_init (ConfabMediaConfig *config)
{
  g_return_if_fail (config != NULL);

  *config = (ConfabMediaConfig){
    .video_source = "test",
    .audio_source = "test",
    .width = 640,
    .height = 360,
    .framerate = 30,
    .video_bitrate_kbps = 1000,
    .audio_bitrate_kbps = 32,
    .audio_pt = 111,
    .video_pt = 96,
    .audio_ssrc = 0,
    .video_ssrc = 0,
    .play_audio = FALSE,
    .speaker = NULL,
    .fec_pt = 0,
    .fec_ssrc = 0,
    .fec_overhead = 25,
    .fec_key_frame_overhead = 50,
  };
}

/* Element creation ------------------------------------------------------- */

static const char *
package_for_element (const char *factory)
{
  static const struct
  {
    const char *factory;
    const char *package;
  } packages[] = {
    { "queue", "libgstreamer1.0-0" },
    { "tee", "libgstreamer1.0-0" },
    { "capsfilter", "libgstreamer1.0-0" },
    { "fakesink", "libgstreamer1.0-0" },
    { "appsrc", "gstreamer1.0-plugins-base" },
    { "appsink", "gstreamer1.0-plugins-base" },
    { "videotestsrc", "gstreamer1.0-plugins-base" },
    { "audiotestsrc", "gstreamer1.0-plugins-base" },
    { "videoconvert", "gstreamer1.0-plugins-base" },
    { "videoscale", "gstreamer1.0-plugins-base" },
    { "videorate", "gstreamer1.0-plugins-base" },
    { "audioconvert", "gstreamer1.0-plugins-base" },
    { "audioresample", "gstreamer1.0-plugins-base" },
    { "volume", "gstreamer1.0-plugins-base" },
    { "opusenc", "gstreamer1.0-plugins-base" },
    { "opusdec", "gstreamer1.0-plugins-base" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (packages); i++)
    if (g_str_equal (packages[i].factory, factory))
      return packages[i].package;

  /* rtpbin, rtpfunnel, the RTP (de)payloaders, vp8enc/vp8dec, v4l2src and
   * autoaudiosink. */
  return "gstreamer1.0-plugins-good";
}

/* Creates an element and adds it to @bin at once, so that a floating
 * reference never needs to be dropped on an error path. */
static GstElement *
add_element (GstBin *bin, const char *factory, const char *name, GError **error)
{
  GstElement *element = gst_element_factory_make (factory, name);

  if (element == NULL)
    {
      g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_MISSING_ELEMENT,
                   _ ("The GStreamer element “%s” is missing (install %s)"), factory,
                   package_for_element (factory));
      return NULL;
    }

  gst_bin_add (bin, element);
  return element;
}

static gboolean link_elements (GError **error, GstElement *first, ...) G_GNUC_NULL_TERMINATED;

static gboolean
link_elements (GError **error, GstElement *first, ...)
{
  va_list args;
  GstElement *previous = first;
  GstElement *next;
  gboolean ok = TRUE;

  va_start (args, first);
  while (ok && (next = va_arg (args, GstElement *)) != NULL)
    {
      if (!gst_element_link (previous, next))
        {
          g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_PIPELINE,
                       _ ("Could not link %s to %s"), GST_OBJECT_NAME (previous),
                       GST_OBJECT_NAME (next));
          ok = FALSE;
        }
      previous = next;
    }
  va_end (args);

  return ok;
}

static gboolean
link_pads (GstElement *src, const char *src_pad_name, GstElement *sink, const char *sink_pad_name,
           GError **error)
{
  g_autoptr (GstPad) src_pad = gst_element_get_static_pad (src, src_pad_name);
  g_autoptr (GstPad) sink_pad = NULL;

  if (src_pad == NULL)
    src_pad = gst_element_request_pad_simple (src, src_pad_name);
  sink_pad = gst_element_get_static_pad (sink, sink_pad_name);
  if (sink_pad == NULL)
    sink_pad = gst_element_request_pad_simple (sink, sink_pad_name);

  if (src_pad == NULL || sink_pad == NULL || GST_PAD_LINK_FAILED (gst_pad_link (src_pad, sink_pad)))
    {
      g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_PIPELINE,
                   _ ("Could not link %s:%s to %s:%s"), GST_OBJECT_NAME (src), src_pad_name,
                   GST_OBJECT_NAME (sink), sink_pad_name);
      return FALSE;
    }

  return TRUE;
}

static GstElement *
add_capsfilter (GstBin *bin, const char *name, GstCaps *caps, GError **error)
{
  GstElement *filter = add_element (bin, "capsfilter", name, error);

  if (filter != NULL)
    g_object_set (filter, "caps", caps, NULL);
  gst_caps_unref (caps);

  return filter;
}

/* Adds the element of the device of @kind with @id (NULL: the default
 * one) to @bin. */
static GstElement *
add_device_element (GstBin *bin, ConfabMediaDeviceKind kind, const char *id, const char *name,
                    GError **error)
{
  g_autoptr (GstDevice) device = confab_media_device_find (kind, id, error);
  GstElement *element;

  if (device == NULL)
    return NULL;

  element = gst_device_create_element (device, name);
  if (element == NULL)
    {
      g_autofree char *display_name = gst_device_get_display_name (device);

      g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_NO_DEVICE,
                   _ ("The device “%s” cannot be opened"), display_name);
      return NULL;
    }

  gst_bin_add (bin, element);
  return element;
}

/* Rates ------------------------------------------------------------------- */

static void
rate_meter_add (RateMeter *meter, gint64 now, guint64 amount)
{
  gint64 epoch = now / RATE_BUCKET_US;
  guint i = (guint)(epoch % RATE_BUCKETS);

  if (meter->first == 0)
    meter->first = now;
  if (meter->epochs[i] != epoch)
    {
      meter->epochs[i] = epoch;
      meter->amounts[i] = 0;
    }
  meter->amounts[i] += amount;
}

/* Per second over the last whole buckets (the one being filled would
 * read low), or since the first amount when that is more recent. */
static double
rate_meter_get (const RateMeter *meter, gint64 now)
{
  gint64 epoch = now / RATE_BUCKET_US;
  gint64 window_start = (epoch - RATE_WINDOW_BUCKETS) * RATE_BUCKET_US;
  gint64 window_end = epoch * RATE_BUCKET_US;
  guint64 sum = 0;

  if (meter->first == 0)
    return 0;
  window_start = MAX (window_start, meter->first);
  if (window_end - window_start < RATE_BUCKET_US)
    return 0;

  for (gint64 e = epoch - RATE_WINDOW_BUCKETS; e < epoch; e++)
    {
      guint i = (guint)(e % RATE_BUCKETS);

      if (meter->epochs[i] == e)
        sum += meter->amounts[i];
    }

  return (double)sum * G_USEC_PER_SEC / (double)(window_end - window_start);
}

static void
jitter_estimate_update (JitterEstimate *estimate, guint32 ssrc, guint32 rtp_time, gint64 now,
                        gint clock_rate)
{
  guint32 arrival = (guint32)gst_util_uint64_scale_int (now, clock_rate, G_USEC_PER_SEC);
  guint32 transit = arrival - rtp_time;
  gint32 d;

  if (!estimate->valid || estimate->ssrc != ssrc)
    {
      *estimate = (JitterEstimate){ .valid = TRUE, .ssrc = ssrc, .transit = transit };
      return;
    }

  /* Modulo 2^32, like the timestamps. */
  d = (gint32)(transit - estimate->transit);
  estimate->transit = transit;
  estimate->jitter += (fabs ((double)d) - estimate->jitter) / 16;
}

/* Packet classification -------------------------------------------------- */

typedef enum
{
  PACKET_INVALID,
  PACKET_RTP,
  PACKET_RTCP,
} PacketKind;

/* RFC 5761 section 4: with RTP and RTCP on one port, the second octet
 * tells them apart; RTCP packet types 192..223 never collide with RTP
 * payload types outside 64..95 (which confab_call_pipeline_new() refuses).
 * A compound RTCP packet must be exactly a sequence of RTCP packets. */
static gboolean
is_valid_rtcp (const guint8 *data, gsize size)
{
  gsize offset = 0;

  while (offset + 4 <= size)
    {
      gsize length = ((gsize)GST_READ_UINT16_BE (data + offset + 2) + 1) * 4;

      if ((data[offset] >> 6) != 2 || length > size - offset)
        return FALSE;
      offset += length;
    }

  return offset == size;
}

/*  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                             SSRC                              |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                   CSRC list (CC * 4 octets)                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   profile-defined (X)         |        length (32-bit words)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Everything the header announces (CSRCs, extension, padding) must fit. */
static gboolean
is_valid_rtp (const guint8 *data, gsize size)
{
  gsize header;

  if (size < 12 || (data[0] >> 6) != 2)
    return FALSE;

  header = 12 + 4 * (gsize)(data[0] & 0x0f);
  if (data[0] & 0x10)
    {
      if (header + 4 > size)
        return FALSE;
      header += 4 + 4 * (gsize)GST_READ_UINT16_BE (data + header + 2);
    }
  if (header > size)
    return FALSE;

  if (data[0] & 0x20)
    {
      guint8 padding = data[size - 1];

      if (padding == 0 || padding > size - header)
        return FALSE;
    }

  return TRUE;
}

static PacketKind
classify_packet (const guint8 *data, gsize size)
{
  if (data == NULL || size < 2 || size > MAX_PACKET_SIZE)
    return PACKET_INVALID;

  if (data[1] >= 192 && data[1] <= 223)
    return size >= 8 && is_valid_rtcp (data, size) ? PACKET_RTCP : PACKET_INVALID;

  return is_valid_rtp (data, size) ? PACKET_RTP : PACKET_INVALID;
}

/* RTCP reports (RFC 3550 section 6.4) -------------------------------------
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

#define RTCP_SR 200
#define RTCP_RR 201
#define RTCP_HEADER_SIZE 8
#define RTCP_SENDER_INFO_SIZE 20
#define RTCP_REPORT_BLOCK_SIZE 24

/* Under self->lock. @data is a compound packet is_valid_rtcp() accepted. */
static void
note_sent_rtcp (ConfabCallPipeline *self, const guint8 *data, gsize size, gint64 now)
{
  for (gsize offset = 0; offset + RTCP_HEADER_SIZE <= size;)
    {
      gsize length = ((gsize)GST_READ_UINT16_BE (data + offset + 2) + 1) * 4;

      if (length > size - offset)
        break;
      if (data[offset + 1] == RTCP_SR && length >= RTCP_HEADER_SIZE + RTCP_SENDER_INFO_SIZE)
        {
          SentReport *report = &self->sent_reports[self->next_sent_report];

          report->lsr = GST_READ_UINT32_BE (data + offset + 10);
          report->sent_time = now;
          self->next_sent_report = (self->next_sent_report + 1) % SENT_REPORTS;
        }
      offset += length;
    }
}

/* Under self->lock. */
static void
note_report_block (ConfabCallPipeline *self, const guint8 *block, gint64 now)
{
  guint32 ssrc = GST_READ_UINT32_BE (block);
  /* 24-bit signed: duplicates can make it go down. */
  gint32 lost = (gint32)(GST_READ_UINT32_BE (block + 4) << 8) >> 8;
  guint32 highest_seq = GST_READ_UINT32_BE (block + 8);
  guint32 lsr = GST_READ_UINT32_BE (block + 16);
  guint32 dlsr = GST_READ_UINT32_BE (block + 20);
  ConfabStreamStats *stream;
  LossReference *reference;

  if (ssrc == self->config.audio_ssrc)
    {
      stream = &self->stats.audio;
      reference = &self->audio_loss;
    }
  else if (ssrc == self->config.video_ssrc)
    {
      stream = &self->stats.video;
      reference = &self->video_loss;
    }
  else
    return; /* about someone else's stream */

  /* Not the block's own fraction lost: that covers the time since the
   * peer's previous report, and AVPF's early feedback (a PLI after each
   * video loss) sends reports a few packets apart, whose fractions are
   * mostly 0 and sometimes large. The running totals give a steady
   * figure. */
  if (!reference->valid)
    /* The first report only starts the window: its own fraction lost is
     * the noisy figure this avoids. */
    *reference = (LossReference){ TRUE, now, highest_seq, lost };
  else
    {
      guint32 expected = highest_seq - reference->highest_seq;

      if (expected >= LOSS_MIN_PACKETS && expected < G_MAXINT32)
        stream->remote_loss
            = CLAMP ((double)((gint64)lost - reference->lost) / expected, 0.0, 1.0);
      if (now - reference->time >= LOSS_WINDOW_US)
        *reference = (LossReference){ TRUE, now, highest_seq, lost };
    }

  /* LSR 0: the peer has not had an SR from us yet. */
  if (lsr == 0)
    return;
  for (guint i = 0; i < SENT_REPORTS; i++)
    {
      const SentReport *report = &self->sent_reports[i];
      gint64 rtt;

      if (report->sent_time == 0 || report->lsr != lsr)
        continue;
      rtt = now - report->sent_time - (gint64)gst_util_uint64_scale (dlsr, G_USEC_PER_SEC, 65536);
      /* DLSR's 15 us resolution can make a loopback round trip negative;
       * more than that is a peer's bogus DLSR. */
      if (rtt >= -100)
        self->stats.rtt_ms = MAX (rtt, 0) / 1000.0;
      return;
    }
}

/* Under self->lock. @data is a compound packet is_valid_rtcp() accepted,
 * but from the network: every block is checked against its packet. */
static void
note_received_rtcp (ConfabCallPipeline *self, const guint8 *data, gsize size, gint64 now)
{
  for (gsize offset = 0; offset + RTCP_HEADER_SIZE <= size;)
    {
      gsize length = ((gsize)GST_READ_UINT16_BE (data + offset + 2) + 1) * 4;
      guint count = data[offset] & 0x1f;
      gsize blocks;

      if (length > size - offset)
        break;
          if (data[offset + 1] == RTCP_SR)
        blocks = RTCP_HEADER_SIZE + RTCP_SENDER_INFO_SIZE;
      else if (data[offset + 1] == RTCP_RR)
        blocks = RTCP_HEADER_SIZE;
      else
        blocks = length; /* no report blocks */

      for (guint i = 0; i < count && blocks + RTCP_REPORT_BLOCK_SIZE <= length; i++)
        {
          note_report_block (self, data + offset + blocks, now);
          blocks += RTCP_REPORT_BLOCK_SIZE;
        }
      offset += length;
    }
}

/* Probes and sinks (streaming threads) ----------------------------------- */

static guint
count_buffers (GstPadProbeInfo *info)
{
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    return gst_buffer_list_length (GST_PAD_PROBE_INFO_BUFFER_LIST (info));
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    return 1;
  return 0;
}

static GstPadProbeReturn
on_audio_encoded (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  ConfabCallPipeline *self = user_data;

  g_mutex_lock (&self->lock);
  self->stats.audio.frames_encoded += count_buffers (info);
  g_mutex_unlock (&self->lock);

  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_video_encoded (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  ConfabCallPipeline *self = user_data;

  g_mutex_lock (&self->lock);
  self->stats.video.frames_encoded += count_buffers (info);
  g_mutex_unlock (&self->lock);

  return GST_PAD_PROBE_OK;
}

/* The RMS level of @buffer in dBFS (-inf for digital silence). */
static gboolean
buffer_level (GstPad *pad, GstBuffer *buffer, double *dbfs)
{
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  GstAudioInfo info;
  GstMapInfo map;
  double sum = 0;
  gsize n = 0;

  if (caps == NULL || !gst_audio_info_from_caps (&info, caps)
      || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    return FALSE;

  switch (GST_AUDIO_INFO_FORMAT (&info))
    {
    case GST_AUDIO_FORMAT_S16:
      {
        const gint16 *samples = (const gint16 *)map.data;

        n = map.size / sizeof *samples;
        for (gsize i = 0; i < n; i++)
          sum += (double)samples[i] * samples[i];
        sum /= 32768.0 * 32768.0;
        break;
      }

    case GST_AUDIO_FORMAT_F32:
      {
        const float *samples = (const float *)map.data;

        n = map.size / sizeof *samples;
        for (gsize i = 0; i < n; i++)
          sum += (double)samples[i] * samples[i];
        break;
      }

    default:
      break;
    }
  gst_buffer_unmap (buffer, &map);

  if (n == 0)
    return FALSE;
  *dbfs = 10 * log10 (sum / n);
  return TRUE;
}

static void
report_level (ConfabCallPipeline *self, GstPad *pad, GstPadProbeInfo *info, gboolean remote)
{
  double dbfs;

  if (!(info->type & GST_PAD_PROBE_TYPE_BUFFER))
    return;

  g_mutex_lock (&self->level_func_lock);
  if (self->level_func != NULL && buffer_level (pad, GST_PAD_PROBE_INFO_BUFFER (info), &dbfs))
    self->level_func (dbfs, remote, self->level_func_data);
  g_mutex_unlock (&self->level_func_lock);
}

static GstPadProbeReturn
on_audio_captured (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  report_level (user_data, pad, info, FALSE);

  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_audio_decoded (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  ConfabCallPipeline *self = user_data;

  g_mutex_lock (&self->lock);
  self->stats.audio.frames_decoded += count_buffers (info);
  g_mutex_unlock (&self->lock);

  report_level (self, pad, info, TRUE);

  return GST_PAD_PROBE_OK;
}

/* Opus in-band FEC --------------------------------------------------------
 *
 * opusdec (1.22) does not count what it rebuilds from FEC, so we watch its
 * input and count the frames it can only have decoded from LBRR data (the
 * low-bitrate copy of the previous frame that SILK puts in a packet):
 *
 * - a lost packet reaches opusdec as a GAP event (jitter buffer lost
 *   event, depayloader), which GstAudioDecoder hands it as an empty buffer;
 * - with use-inband-fec, opusdec holds each packet back by one; when the
 *   held one is such an empty buffer and the next packet has data, it
 *   calls opus_decode (next packet, decode_fec = 1) for the gap's duration;
 * - libopus then rebuilds the last frame of the gap from the packet's
 *   LBRR data if the gap covers at least one frame of the packet and
 *   neither the packet nor the frame before is CELT-only (CELT has no
 *   LBRR); SILK falls back to concealment when the packet's LBRR flag is
 *   clear.
 *
 * So a frame counts as rebuilt when a GAP of at least the packet's frame
 * duration is directly followed by a SILK or hybrid packet, after a packet
 * that was not CELT-only, whose LBRR flag is set. Packets of more than one
 * frame or of 40/60 ms SILK frames (not what opusenc sends here) are not
 * counted: their LBRR flags sit elsewhere. */

typedef struct
{
  ConfabCallPipeline *self;
  GstClockTime gap; /* duration of the latest GAP, NONE after a packet */
  gboolean last_celt;
} FecCounter;

/* RFC 6716 section 3.1: the TOC byte's configuration gives the mode and
 * frame size, its last two bits the frame count code. */
static gboolean
opus_frame_has_lbrr (const guint8 *data, gsize size, GstClockTime *frame_duration,
                     gboolean *celt)
{
  static const guint16 silk_us[] = { 10000, 20000, 40000, 60000 };
  guint config, code;
  gsize offset = 1;

  if (size < 2)
    return FALSE;

  config = data[0] >> 3;
  code = data[0] & 0x03;
  *celt = config >= 16;
  if (*celt)
    return FALSE;
  /* 0..11 SILK (10/20/40/60 ms), 12..15 hybrid (10/20 ms). */
  *frame_duration = (config < 12 ? silk_us[config & 3] : (config & 1 ? 20000 : 10000)) * GST_USECOND;
  if (*frame_duration > 20 * GST_MSECOND)
    return FALSE;

  if (code == 3)
    {
      /* One frame, maybe with padding (libopus pads to keep CBR). */
      if ((data[1] & 0x3f) != 1)
        return FALSE;
      offset = 2;
      if (data[1] & 0x40)
        {
          while (offset < size && data[offset] == 255)
            offset++;
          offset++;
        }
    }
  else if (code != 0)
    return FALSE;

  /* The range coder's first binary symbols of probability 1/2 are the
   * first bits of the frame: mono or mid channel's VAD flag, then its
   * LBRR flag (RFC 6716 section 4.2.3). */
  return offset < size && (data[offset] & 0x40) != 0;
}

static GstPadProbeReturn
on_opus_input (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  FecCounter *counter = user_data;
  GstClockTime gap = counter->gap, frame_duration = GST_CLOCK_TIME_NONE;
  gboolean rebuilt = FALSE, celt = FALSE;
  GstBuffer *buffer;
  GstMapInfo map;

  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
    {
      GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

      if (GST_EVENT_TYPE (event) == GST_EVENT_GAP)
        gst_event_parse_gap (event, NULL, &counter->gap);
      else if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP)
        counter->gap = GST_CLOCK_TIME_NONE;
      return GST_PAD_PROBE_OK;
    }

  if (!(info->type & GST_PAD_PROBE_TYPE_BUFFER))
    return GST_PAD_PROBE_OK;

  buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return GST_PAD_PROBE_OK;
  if (opus_frame_has_lbrr (map.data, map.size, &frame_duration, &celt) && !counter->last_celt
      && GST_CLOCK_TIME_IS_VALID (gap)
      /* opusdec rounds the gap to 2.5 ms. */
      && gap + 1250 * GST_USECOND >= frame_duration)
    rebuilt = TRUE;
  if (map.size > 0)
    counter->last_celt = celt;
  gst_buffer_unmap (buffer, &map);
  counter->gap = GST_CLOCK_TIME_NONE;

  if (rebuilt)
    {
      g_mutex_lock (&counter->self->lock);
      counter->self->stats.audio.fec_recovered++;
      g_mutex_unlock (&counter->self->lock);
    }

  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_video_decoded (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  ConfabCallPipeline *self = user_data;
  gint64 now;
  guint frames;

  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
    {
      GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
      GstCaps *caps;
      GstVideoInfo video_info;

      if (GST_EVENT_TYPE (event) != GST_EVENT_CAPS)
        return GST_PAD_PROBE_OK;

      gst_event_parse_caps (event, &caps);
      if (gst_video_info_from_caps (&video_info, caps))
        {
          g_mutex_lock (&self->lock);
          self->stats.video.width = GST_VIDEO_INFO_WIDTH (&video_info);
          self->stats.video.height = GST_VIDEO_INFO_HEIGHT (&video_info);
          g_mutex_unlock (&self->lock);
        }
      return GST_PAD_PROBE_OK;
    }

  now = g_get_monotonic_time ();
  frames = count_buffers (info);

  g_mutex_lock (&self->lock);
  self->stats.video.frames_decoded += frames;
  rate_meter_add (&self->video_decoded, now, frames);
  if (self->stats.first_remote_frame_time == 0)
    self->stats.first_remote_frame_time = now;
  g_mutex_unlock (&self->lock);

  return GST_PAD_PROBE_OK;
}

/* opusdec declares 120 ms of latency (the longest Opus packet) when
 * in-band FEC is on, because it holds back one packet to repair it from the
 * next. Our packets are 20 ms, so the decoder's real delay is 20 ms; the
 * other 100 ms would be added to the whole call's mouth-to-ear delay. */
#define OPUS_FEC_LATENCY (20 * GST_MSECOND)

static GstPadProbeReturn
on_opus_latency_query (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  GstQuery *query = GST_PAD_PROBE_INFO_QUERY (info);
  g_autoptr (GstElement) decoder = NULL;
  g_autoptr (GstPad) sink_pad = NULL;
  g_autoptr (GstQuery) upstream = NULL;
  GstClockTime min, max, upstream_min;
  gboolean live;

  /* After the decoder answered. */
  if (GST_QUERY_TYPE (query) != GST_QUERY_LATENCY || !(info->type & GST_PAD_PROBE_TYPE_PULL))
    return GST_PAD_PROBE_OK;

  gst_query_parse_latency (query, &live, &min, &max);
  decoder = gst_pad_get_parent_element (pad);
  if (decoder == NULL)
    return GST_PAD_PROBE_OK;
  sink_pad = gst_element_get_static_pad (decoder, "sink");
  upstream = gst_query_new_latency ();
  if (!gst_pad_peer_query (sink_pad, upstream))
    return GST_PAD_PROBE_OK;
  gst_query_parse_latency (upstream, NULL, &upstream_min, NULL);

  if (GST_CLOCK_TIME_IS_VALID (min) && GST_CLOCK_TIME_IS_VALID (upstream_min)
      && min > upstream_min + OPUS_FEC_LATENCY)
    gst_query_set_latency (query, live, upstream_min + OPUS_FEC_LATENCY, max);

  return GST_PAD_PROBE_OK;
}

/* An I420 frame of the camera's size in video black (Y 16, U and V 128),
 * shared by all the frames sent while the camera is off. */
static GstBuffer *
new_black_frame (GstPad *pad)
{
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  GstVideoInfo info;
  GstBuffer *buffer;
  GstMapInfo map;

  if (caps == NULL || !gst_video_info_from_caps (&info, caps)
      || GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_FORMAT_I420)
    return NULL;

  buffer = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  memset (map.data, 128, map.size);
  memset (map.data + GST_VIDEO_INFO_PLANE_OFFSET (&info, 0), 16,
          (gsize)GST_VIDEO_INFO_PLANE_STRIDE (&info, 0) * GST_VIDEO_INFO_COMP_HEIGHT (&info, 0));
  gst_buffer_unmap (buffer, &map);

  return buffer;
}

/* With the camera off, replaces its frames by black ones, a few per second.
 * Done on the raw frames before the tee, so that the preview shows what the
 * peer sees. */
static GstPadProbeReturn
on_camera_frame (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  ConfabCallPipeline *self = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime pts = GST_BUFFER_PTS (buffer);
  GstBuffer *black;

  if (g_atomic_int_get (&self->video_enabled))
    {
      self->next_black_pts = GST_CLOCK_TIME_NONE;
      return GST_PAD_PROBE_OK;
    }

  if (GST_CLOCK_TIME_IS_VALID (pts) && GST_CLOCK_TIME_IS_VALID (self->next_black_pts)
      && pts < self->next_black_pts)
    return GST_PAD_PROBE_DROP;
  self->next_black_pts = GST_CLOCK_TIME_IS_VALID (pts) ? pts + CAMERA_OFF_INTERVAL
                                                       : GST_CLOCK_TIME_NONE;

  if (self->black_frame == NULL)
    self->black_frame = new_black_frame (pad);
  /* Never the camera's picture while it is off. */
  if (self->black_frame == NULL)
    return GST_PAD_PROBE_DROP;

  /* A new buffer sharing the black memory, with the frame's timing. */
  black = gst_buffer_copy (self->black_frame);
  gst_buffer_copy_into (black, buffer, GST_BUFFER_COPY_FLAGS | GST_BUFFER_COPY_TIMESTAMPS, 0, -1);
  gst_buffer_unref (buffer);
  GST_PAD_PROBE_INFO_DATA (info) = black;

  return GST_PAD_PROBE_OK;
}

static void
add_probe (GstElement *element, const char *pad_name, GstPadProbeType mask,
           GstPadProbeCallback callback, ConfabCallPipeline *self)
{
  g_autoptr (GstPad) pad = gst_element_get_static_pad (element, pad_name);

  gst_pad_add_probe (pad, mask, callback, self, NULL);
}

static void
count_sent (ConfabCallPipeline *self, const guint8 *data, gsize size, gboolean rtcp)
{
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&self->lock);
  if (rtcp)
    {
      self->stats.rtcp_packets_sent++;
      if (is_valid_rtcp (data, size))
        note_sent_rtcp (self, data, size, now);
    }
  else if (size >= 2)
    {
      guint pt = data[1] & 0x7f;

      if (pt == self->config.audio_pt)
        {
          self->stats.audio.packets_sent++;
          rate_meter_add (&self->audio_sent, now, size);
        }
      else if (pt == self->config.video_pt)
        {
          self->stats.video.packets_sent++;
          rate_meter_add (&self->video_sent, now, size);
        }
    }
  g_mutex_unlock (&self->lock);
}

static void
deliver_packet (ConfabCallPipeline *self, GstBuffer *buffer, gboolean rtcp)
{
  GstMapInfo map;

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return;

  /* Counted before the call, so that a receiver the packet function feeds
   * directly never shows more packets than this sender. (Lock order:
   * packet_func_lock, then lock.) */
  g_mutex_lock (&self->packet_func_lock);
  if (self->packet_func != NULL)
    {
      count_sent (self, map.data, map.size, rtcp);
      self->packet_func (map.data, map.size, self->packet_func_data);
    }
  g_mutex_unlock (&self->packet_func_lock);

  gst_buffer_unmap (buffer, &map);
}

static GstFlowReturn
deliver_sample (GstAppSink *sink, ConfabCallPipeline *self, gboolean rtcp)
{
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  GstBufferList *list;
  GstBuffer *buffer;

  if (sample == NULL)
    return GST_FLOW_EOS;

  /* The payloaders push buffer lists (one per video frame); the appsink
   * hands them over whole so that no packet of a frame is lost or
   * reordered. */
  list = gst_sample_get_buffer_list (sample);
  if (list != NULL)
    {
      guint n = gst_buffer_list_length (list);

      for (guint i = 0; i < n; i++)
        deliver_packet (self, gst_buffer_list_get (list, i), rtcp);
    }
  else if ((buffer = gst_sample_get_buffer (sample)) != NULL)
    deliver_packet (self, buffer, rtcp);

  return GST_FLOW_OK;
}

static GstFlowReturn
on_rtp_sample (GstAppSink *sink, gpointer user_data)
{
  return deliver_sample (sink, user_data, FALSE);
}

static GstFlowReturn
on_rtcp_sample (GstAppSink *sink, gpointer user_data)
{
  return deliver_sample (sink, user_data, TRUE);
}

static GstFlowReturn
deliver_frame (GstAppSink *sink, ConfabCallPipeline *self, gboolean remote)
{
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);

  if (sample == NULL)
    return GST_FLOW_EOS;

  g_mutex_lock (&self->frame_func_lock);
  if (self->frame_func != NULL)
    self->frame_func (sample, remote, self->frame_func_data);
  g_mutex_unlock (&self->frame_func_lock);

  return GST_FLOW_OK;
}

static GstFlowReturn
on_remote_frame_sample (GstAppSink *sink, gpointer user_data)
{
  return deliver_frame (sink, user_data, TRUE);
}

static GstFlowReturn
on_local_frame_sample (GstAppSink *sink, gpointer user_data)
{
  return deliver_frame (sink, user_data, FALSE);
}

static GstElement *
add_frame_sink (ConfabCallPipeline *self, const char *name, gboolean remote, GError **error)
{
  GstAppSinkCallbacks callbacks = {
    .new_sample = remote ? on_remote_frame_sample : on_local_frame_sample,
  };
  GstElement *sink = add_element (GST_BIN (self->pipeline), "appsink", name, error);
  g_autoptr (GstCaps) caps = NULL;

  if (sink == NULL)
    return NULL;

  caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "RGBA", NULL);
  /* The remote frames are clocked like the audio (lip sync); the preview
   * is shown as soon as it is captured. A slow consumer loses frames
   * rather than stalling the stream behind it. */
  g_object_set (sink, "caps", caps, "sync", remote, "async", FALSE, "max-buffers", 2, "drop", TRUE,
                "enable-last-sample", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);

  return sink;
}

static gboolean
frame_func_is_set (ConfabCallPipeline *self)
{
  gboolean set;

  g_mutex_lock (&self->frame_func_lock);
  set = self->frame_func != NULL;
  g_mutex_unlock (&self->frame_func_lock);

  return set;
}

/* rtpbin callbacks -------------------------------------------------------- */

static GstCaps *
on_request_pt_map (GstElement *rtpbin, guint session, guint pt, gpointer user_data)
{
  ConfabCallPipeline *self = user_data;

  if (pt == self->config.audio_pt)
    return gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING, "audio",
                                "encoding-name", G_TYPE_STRING, "OPUS", "clock-rate", G_TYPE_INT,
                                48000, "encoding-params", G_TYPE_STRING, "2", "payload", G_TYPE_INT,
                                (gint)pt, NULL);
  /* rtcp-fb-nack-pli (SDP a=rtcp-fb:<pt> nack pli) lets rtpsession turn a
   * depayloader's keyframe request into an RTCP PLI; without it the
   * request is dropped. */
  if (pt == self->config.video_pt)
    return gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING, "video",
                                "encoding-name", G_TYPE_STRING, "VP8", "clock-rate", G_TYPE_INT,
                                90000, "payload", G_TYPE_INT, (gint)pt, "rtcp-fb-nack-pli",
                                G_TYPE_BOOLEAN, TRUE, NULL);

  /* The FEC decoder consumes our repair packets; should one slip through
   * (another SSRC), it is not a stream for rtpbin to decode. */
  if (self->config.fec_pt != 0 && pt == self->config.fec_pt)
    return NULL;

  g_debug ("No caps for payload type %u", pt);
  return NULL;
}

static void
jitter_buffer_entry_free (gpointer data)
{
  JitterBufferEntry *entry = data;

  gst_object_unref (entry->jitterbuffer);
  g_free (entry);
}

static void
on_new_jitterbuffer (GstElement *rtpbin, GstElement *jitterbuffer, guint session, guint ssrc,
                     gpointer user_data)
{
  ConfabCallPipeline *self = user_data;
  JitterBufferEntry *entry = g_new0 (JitterBufferEntry, 1);

  entry->jitterbuffer = gst_object_ref (jitterbuffer);
  entry->pt = -1;

  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->jitterbuffers, GUINT_TO_POINTER (ssrc), entry);
  g_mutex_unlock (&self->lock);
}

/* Errors in streaming threads reach the owner through the bus, like any
 * element's. */
static void
post_error (ConfabCallPipeline *self, const GError *error)
{
  GstMessage *message = gst_message_new_error (GST_OBJECT (self->rtpbin), (GError *)error, NULL);

  gst_element_post_message (self->pipeline, message);
}

static GstElement *
chain_add (ConfabCallPipeline *self, GPtrArray *chain, const char *factory, GError **error)
{
  GstElement *element = add_element (GST_BIN (self->pipeline), factory, NULL, error);

  if (element != NULL)
    g_ptr_array_add (chain, element);

  return element;
}

static GstElement *
chain_add_fakesink (ConfabCallPipeline *self, GPtrArray *chain, gboolean sync, GError **error)
{
  GstElement *sink = chain_add (self, chain, "fakesink", error);

  if (sink != NULL)
    g_object_set (sink, "sync", sync, "async", FALSE, "enable-last-sample", FALSE, NULL);

  return sink;
}

static gboolean
chain_link (GPtrArray *chain, GError **error)
{
  for (guint i = 1; i < chain->len; i++)
    if (!link_elements (error, g_ptr_array_index (chain, i - 1), g_ptr_array_index (chain, i),
                        NULL))
      return FALSE;

  return TRUE;
}

/* Fills @chain, upstream first, with the elements that consume the
 * stream of payload type @pt. */
static gboolean
build_receive_chain (ConfabCallPipeline *self, guint pt, GPtrArray *chain, GError **error)
{
  GstElement *depay, *decoder, *sink;

  if (pt == self->config.audio_pt)
    {
      if ((depay = chain_add (self, chain, "rtpopusdepay", error)) == NULL
          || (decoder = chain_add (self, chain, "opusdec", error)) == NULL
          || chain_add (self, chain, "audioconvert", error) == NULL
          || chain_add (self, chain, "audioresample", error) == NULL)
        return FALSE;

      if (self->config.play_audio && self->speaker_device != NULL)
        {
          sink = gst_device_create_element (self->speaker_device, NULL);
          if (sink == NULL)
            {
              g_autofree char *display_name = gst_device_get_display_name (self->speaker_device);

              g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_NO_DEVICE,
                           _ ("The device “%s” cannot be opened"), display_name);
              return FALSE;
            }
          gst_bin_add (GST_BIN (self->pipeline), sink);
          g_ptr_array_add (chain, sink);
        }
      else if (self->config.play_audio)
        sink = chain_add (self, chain, "autoaudiosink", error);
      else
        sink = chain_add_fakesink (self, chain, TRUE, error);
      if (sink == NULL)
        return FALSE;

      /* Opus's in-band FEC recovers a lost packet from the next one, and
       * PLC fills what it cannot; both need the jitter buffer's lost
       * events (rtpbin do-lost). A corrupt packet from the network must
       * not end the call: max-errors -1. */
      g_object_set (decoder, "use-inband-fec", TRUE, "plc", TRUE, "max-errors", -1, NULL);
      add_probe (decoder, "src", GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                 on_audio_decoded, self);
      add_probe (decoder, "src", GST_PAD_PROBE_TYPE_QUERY_UPSTREAM, on_opus_latency_query, self);
      {
        g_autoptr (GstPad) pad = gst_element_get_static_pad (decoder, "sink");
        FecCounter *counter = g_new0 (FecCounter, 1);

        counter->self = self;
        counter->gap = GST_CLOCK_TIME_NONE;
        gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                           on_opus_input, counter, g_free);
      }
    }
  else if (pt == self->config.video_pt)
    {
      if ((depay = chain_add (self, chain, "rtpvp8depay", error)) == NULL
          || (decoder = chain_add (self, chain, "vp8dec", error)) == NULL
          || chain_add (self, chain, "videoconvert", error) == NULL)
        return FALSE;

      if (frame_func_is_set (self))
        {
          if ((sink = add_frame_sink (self, NULL, TRUE, error)) == NULL)
            return FALSE;
          g_ptr_array_add (chain, sink);
        }
      else if (chain_add_fakesink (self, chain, TRUE, error) == NULL)
        return FALSE;

      /* After a loss, ask the sender for a keyframe (an RTCP PLI, rate
       * limited by rtpsession) but keep decoding meanwhile: VP8 in
       * error-resilient mode degrades gracefully, and a frozen picture is
       * worse in a conversation. */
      g_object_set (depay, "request-keyframe", TRUE, "wait-for-keyframe", FALSE, NULL);
      g_object_set (decoder, "max-errors", -1, NULL);
      add_probe (decoder, "src",
                 GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST
                     | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                 on_video_decoded, self);
    }
  else
    {
      g_debug ("Discarding the stream of unknown payload type %u", pt);
      if (chain_add_fakesink (self, chain, FALSE, error) == NULL)
        return FALSE;
    }

  return chain_link (chain, error);
}

static void
remove_chain (ConfabCallPipeline *self, GPtrArray *chain)
{
  for (guint i = 0; i < chain->len; i++)
    {
      GstElement *element = g_ptr_array_index (chain, i);

      gst_element_set_state (element, GST_STATE_NULL);
      gst_bin_remove (GST_BIN (self->pipeline), element);
    }
  g_ptr_array_set_size (chain, 0);
}

static gboolean
attach_chain (GstPad *pad, GPtrArray *chain, GError **error)
{
  GstElement *first = g_ptr_array_index (chain, 0);
  g_autoptr (GstPad) sink_pad = gst_element_get_static_pad (first, "sink");

  /* Downstream first, so that nothing pushes into an element that is not
   * ready for it yet. */
  for (guint i = chain->len; i > 0; i--)
    gst_element_sync_state_with_parent (g_ptr_array_index (chain, i - 1));

  if (GST_PAD_LINK_FAILED (gst_pad_link (pad, sink_pad)))
    {
      g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_PIPELINE,
                   _ ("Could not link %s to %s"), GST_PAD_NAME (pad), GST_OBJECT_NAME (first));
      return FALSE;
    }

  return TRUE;
}

static void
on_pad_added (GstElement *rtpbin, GstPad *pad, gpointer user_data)
{
  ConfabCallPipeline *self = user_data;
  g_autofree char *name = gst_pad_get_name (pad);
  g_autoptr (GPtrArray) chain = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  guint session, ssrc, pt;
  JitterBufferEntry *entry;

  if (sscanf (name, "recv_rtp_src_%u_%u_%u", &session, &ssrc, &pt) != 3)
    return;

  g_debug ("New remote stream: SSRC %u, payload type %u", ssrc, pt);

  g_mutex_lock (&self->lock);
  entry = g_hash_table_lookup (self->jitterbuffers, GUINT_TO_POINTER (ssrc));
  if (entry != NULL)
    entry->pt = pt;
  g_mutex_unlock (&self->lock);

  if (!build_receive_chain (self, pt, chain, &error))
    {
      g_autoptr (GError) fallback_error = NULL;

      post_error (self, error);
      /* An unlinked pad would stop rtpbin with a not-linked error and take
       * the other stream down with it; discard this one instead. */
      remove_chain (self, chain);
      if (chain_add_fakesink (self, chain, FALSE, &fallback_error) == NULL)
        return;
    }

  g_clear_error (&error);
  if (!attach_chain (pad, chain, &error))
    post_error (self, error);

  /* The new sinks change the pipeline's latency; the bus handler
   * redistributes it. */
  gst_element_post_message (self->pipeline, gst_message_new_latency (GST_OBJECT (rtpbin)));
}

/* Bus (owner's main context) ---------------------------------------------- */

static gboolean
on_bus_message (GstBus *bus, GstMessage *message, gpointer user_data)
{
  ConfabCallPipeline *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr (GError) gst_error = NULL;
        g_autofree char *debug = NULL;
        g_autoptr (GError) error = NULL;

        gst_message_parse_error (message, &gst_error, &debug);
        g_debug ("Error from %s: %s (%s)", GST_MESSAGE_SRC_NAME (message), gst_error->message,
                 debug ? debug : "");
        if (gst_error->domain == CONFAB_MEDIA_ERROR)
          error = g_error_copy (gst_error);
        else
          error = g_error_new (CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_PIPELINE, "%s (%s)",
                               gst_error->message, GST_MESSAGE_SRC_NAME (message));

        g_object_ref (self);
        g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
        g_object_unref (self);
        break;
      }

    case GST_MESSAGE_WARNING:
      {
        g_autoptr (GError) warning = NULL;
        g_autofree char *debug = NULL;

        /* Not g_warning(): a warning from a plugin (a late buffer, a
         * decoder hiccup after loss) is not a bug in this program. */
        gst_message_parse_warning (message, &warning, &debug);
        g_debug ("Warning from %s: %s (%s)", GST_MESSAGE_SRC_NAME (message), warning->message,
                 debug ? debug : "");
        break;
      }

    case GST_MESSAGE_LATENCY:
      gst_bin_recalculate_latency (GST_BIN (self->pipeline));
      break;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

/* Construction ------------------------------------------------------------ */

static GstElement *
add_video_source (ConfabCallPipeline *self, GError **error)
{
  GstBin *bin = GST_BIN (self->pipeline);
  const char *source = self->video_source;
  GstElement *element;

  if (g_str_equal (source, "test"))
    {
      element = add_element (bin, "videotestsrc", "video-source", error);
      /* A scrolling picture, so that the encoder codes real motion and
       * the packet counts look like a camera's rather than a still's. */
      if (element != NULL)
        {
          g_object_set (element, "is-live", TRUE, "horizontal-speed", 2, NULL);
          gst_util_set_object_arg (G_OBJECT (element), "pattern", "smpte");
        }
      return element;
    }

  if (g_str_equal (source, "camera"))
    return add_device_element (bin, CONFAB_MEDIA_DEVICE_CAMERA, NULL, "video-source", error);

  if (g_str_has_prefix (source, "/dev/"))
    {
      if (!g_file_test (source, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_NO_DEVICE,
                       _ ("The camera “%s” does not exist"), source);
          return NULL;
        }
      element = add_element (bin, "v4l2src", "video-source", error);
      if (element != NULL)
        g_object_set (element, "device", source, NULL);
      return element;
    }

  return add_device_element (bin, CONFAB_MEDIA_DEVICE_CAMERA, source, "video-source", error);
}

static GstElement *
add_audio_source (ConfabCallPipeline *self, GError **error)
{
  GstBin *bin = GST_BIN (self->pipeline);
  const char *source = self->audio_source;
  GstElement *element;

  if (g_str_equal (source, "test"))
    {
      element = add_element (bin, "audiotestsrc", "audio-source", error);
      /* One 20 ms Opus frame per buffer. Tone bursts of 200 ms every
       * 300 ms, like syllables: SILK's voice activity detector takes a
       * steady tone for background noise after a second, and then the
       * encoder stops sending in-band FEC, as it would in a pause. */
      if (element != NULL)
        {
          g_object_set (element, "is-live", TRUE, "volume", 0.3, "samplesperbuffer", 960,
                        "sine-periods-per-tick", 88, "tick-interval", (guint64)(300 * GST_MSECOND),
                        "apply-tick-ramp", TRUE, NULL);
          gst_util_set_object_arg (G_OBJECT (element), "wave", "ticks");
        }
      return element;
    }

  if (g_str_equal (source, "mic"))
    return add_device_element (bin, CONFAB_MEDIA_DEVICE_MICROPHONE, NULL, "audio-source", error);

  return add_device_element (bin, CONFAB_MEDIA_DEVICE_MICROPHONE, source, "audio-source", error);
}

/* libvpx's VP8 worker threads spin while they wait for each other: on a
 * small picture or with few cores, a second thread burns a core and slows
 * the encoder down (measured: 2 threads at 320x240 on 2 cores took ~45% of
 * a core each and made the encoder drop frames). The thresholds are
 * WebRTC's (vp8_impl.cc, NumberOfThreads). */
static gint
encoder_threads (guint width, guint height)
{
  guint pixels = width * height;
  guint cpus = g_get_num_processors ();

  if (pixels >= 1920 * 1080 && cpus > 8)
    return 8;
  if (pixels > 1280 * 960 && cpus >= 6)
    return 3;
  if (pixels > 640 * 480 && cpus >= 3)
    return 2;
  return 1;
}

/* libvpx realtime mode with a positive cpu-used adapts its effort to the
 * time it has: on an idle core it spends most of it (measured: a 720p peer
 * at cpu-used 8 took 35-63% of a core depending on what else ran). Like
 * WebRTC (vp8_impl.cc, GetCpuSpeed), ask for the fastest setting on big
 * pictures with few cores, so a call leaves room for decoding and the UI. */
static gint
encoder_speed (guint width, guint height)
{
  if (width * height > 640 * 480 && g_get_num_processors () <= 3)
    return 12;
  return 8;
}

static gboolean
build_video_send (ConfabCallPipeline *self, GstElement *funnel, GError **error)
{
  GstBin *bin = GST_BIN (self->pipeline);
  GstElement *source, *convert, *scale, *rate, *filter, *queue, *encoder, *payloader;

  if ((source = add_video_source (self, error)) == NULL
      || (convert = add_element (bin, "videoconvert", NULL, error)) == NULL
      || (scale = add_element (bin, "videoscale", NULL, error)) == NULL
      || (rate = add_element (bin, "videorate", NULL, error)) == NULL
      || (filter = add_capsfilter (
              bin, NULL,
              gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "I420", "width",
                                   G_TYPE_INT, (gint)self->config.width, "height", G_TYPE_INT,
                                   (gint)self->config.height, "framerate", GST_TYPE_FRACTION,
                                   (gint)self->config.framerate, 1, "pixel-aspect-ratio",
                                   GST_TYPE_FRACTION, 1, 1, NULL),
              error))
             == NULL
      || (self->video_tee = add_element (bin, "tee", "video-tee", error)) == NULL
      || (queue = add_element (bin, "queue", NULL, error)) == NULL
      || (encoder = add_element (bin, "vp8enc", "video-encoder", error)) == NULL
      || (payloader = add_element (bin, "rtpvp8pay", NULL, error)) == NULL)
    return FALSE;

  /* The encoder gets its own thread; when it cannot keep up, old frames
   * are dropped instead of stalling the camera. */
  g_object_set (queue, "max-size-buffers", 3, "max-size-bytes", 0, "max-size-time", (guint64)0,
                NULL);
  gst_util_set_object_arg (G_OBJECT (queue), "leaky", "downstream");

  /* Realtime VP8: no lookahead, constant bitrate for the network, a
   * keyframe at least every 3 s so a receiver that lost one recovers
   * even without a PLI, and error resilience so that decoding goes on
   * after a loss. */
  g_object_set (encoder, "deadline", (gint64)1, "cpu-used",
                encoder_speed (self->config.width, self->config.height), "target-bitrate",
                (gint)(self->config.video_bitrate_kbps * 1000), "keyframe-max-dist",
                (gint)(self->config.framerate * 3), "threads",
                encoder_threads (self->config.width, self->config.height), "lag-in-frames", 0,
                NULL);
  gst_util_set_object_arg (G_OBJECT (encoder), "end-usage", "cbr");
  gst_util_set_object_arg (G_OBJECT (encoder), "error-resilient", "default");

  g_object_set (payloader, "pt", self->config.video_pt, "ssrc", self->config.video_ssrc, "mtu",
                VIDEO_MTU, NULL);
  gst_util_set_object_arg (G_OBJECT (payloader), "picture-id-mode", "15-bit");

  add_probe (encoder, "src", GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
             on_video_encoded, self);
  add_probe (filter, "src", GST_PAD_PROBE_TYPE_BUFFER, on_camera_frame, self);

  return link_elements (error, source, convert, scale, rate, filter, self->video_tee, queue,
                        encoder, payloader, NULL)
         && link_pads (payloader, "src", funnel, "sink_%u", error);
}

static gboolean
build_audio_send (ConfabCallPipeline *self, GstElement *funnel, GError **error)
{
  GstBin *bin = GST_BIN (self->pipeline);
  GstElement *source, *convert, *resample, *filter, *encoder, *payloader;

  if ((source = add_audio_source (self, error)) == NULL
      || (convert = add_element (bin, "audioconvert", NULL, error)) == NULL
      || (resample = add_element (bin, "audioresample", NULL, error)) == NULL
      || (filter = add_capsfilter (bin, NULL,
                                   gst_caps_new_simple ("audio/x-raw", "rate", G_TYPE_INT, 48000,
                                                        "channels", G_TYPE_INT, 1, NULL),
                                   error))
             == NULL
      || (self->volume = add_element (bin, "volume", "mute", error)) == NULL
      || (encoder = add_element (bin, "opusenc", "audio-encoder", error)) == NULL
      || (payloader = add_element (bin, "rtpopuspay", NULL, error)) == NULL)
    return FALSE;

  /* Muting zeroes the samples but keeps the buffers coming: the encoder
   * goes on sending (tiny) packets with their usual timing, so the peer's
   * jitter buffer and lip sync see no discontinuity when the mic comes
   * back. */
  g_object_set (self->volume, "mute", (gboolean)g_atomic_int_get (&self->audio_muted), NULL);

  /* In-band FEC only helps when the encoder expects loss; 10% makes it
   * spend the bits. */
  g_object_set (encoder, "bitrate", (gint)(self->config.audio_bitrate_kbps * 1000), "inband-fec",
                TRUE, "packet-loss-percentage", 10, NULL);
  gst_util_set_object_arg (G_OBJECT (encoder), "frame-size", "20");
  gst_util_set_object_arg (G_OBJECT (encoder), "audio-type", "voice");

  g_object_set (payloader, "pt", self->config.audio_pt, "ssrc", self->config.audio_ssrc, NULL);

  add_probe (encoder, "src", GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
             on_audio_encoded, self);
  /* Before the mute, so that the UI can tell a muted user who talks. */
  add_probe (filter, "src", GST_PAD_PROBE_TYPE_BUFFER, on_audio_captured, self);

  return link_elements (error, source, convert, resample, filter, self->volume, encoder,
                        payloader, NULL)
         && link_pads (payloader, "src", funnel, "sink_%u", error);
}

static GstElement *
add_packet_sink (ConfabCallPipeline *self, const char *name, gboolean rtcp, GError **error)
{
  GstAppSinkCallbacks callbacks = {
    .new_sample = rtcp ? on_rtcp_sample : on_rtp_sample,
  };
  GstElement *sink = add_element (GST_BIN (self->pipeline), "appsink", name, error);

  if (sink == NULL)
    return NULL;

  /* Packets leave as soon as they exist: pacing is the network's job. */
  g_object_set (sink, "sync", FALSE, "async", FALSE, "buffer-list", TRUE, "enable-last-sample",
                FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);

  return sink;
}

static GstElement *
add_packet_source (ConfabCallPipeline *self, const char *name, const char *media_type,
                   GError **error)
{
  GstElement *source = add_element (GST_BIN (self->pipeline), "appsrc", name, error);
  g_autoptr (GstCaps) caps = NULL;

  if (source == NULL)
    return NULL;

  caps = gst_caps_new_empty_simple (media_type);
  /* Arrival time stamps drive the jitter buffer. */
  g_object_set (source, "is-live", TRUE, "format", GST_FORMAT_TIME, "do-timestamp", TRUE, "caps",
                caps, "max-bytes", (guint64)APPSRC_MAX_BYTES, "max-buffers",
                (guint64)APPSRC_MAX_BUFFERS, "emit-signals", FALSE, NULL);
  gst_util_set_object_arg (G_OBJECT (source), "leaky-type", "downstream");

  return gst_object_ref (source);
}

static gpointer
register_fec_elements (gpointer data)
{
  /* Linked in statically (gst_fec_dep): nothing to install or to find on
   * a plugin path. */
  gst_element_register (NULL, "confabfecenc", GST_RANK_NONE, GST_TYPE_CONFAB_FEC_ENC);
  gst_element_register (NULL, "confabfecdec", GST_RANK_NONE, GST_TYPE_CONFAB_FEC_DEC);
  return NULL;
}

/* FlexFEC for the video: the encoder between rtpbin's send_rtp_src_0 and
 * the RTP appsink (it passes audio and RTCP through: protect-pt), the
 * decoder between the RTP appsrc and recv_rtp_sink_0, so that a lost
 * packet is rebuilt as soon as its repair packet arrives and reaches the
 * jitter buffer merely late (DESIGN.md). The decoder consumes the repair
 * packets: rtpbin never sees them as a stream. */
static gboolean
build_fec (ConfabCallPipeline *self, GstElement *rtp_sink, GError **error)
{
  static GOnce registered = G_ONCE_INIT;
  GstBin *bin = GST_BIN (self->pipeline);

  g_once (&registered, register_fec_elements, NULL);

  if ((self->fec_enc = add_element (bin, "confabfecenc", "fec-enc", error)) == NULL
      || (self->fec_dec = add_element (bin, "confabfecdec", "fec-dec", error)) == NULL)
    return FALSE;
  gst_object_ref (self->fec_enc);
  gst_object_ref (self->fec_dec);

  gst_util_set_object_arg (G_OBJECT (self->fec_enc), "scheme", "flexfec");
  g_object_set (self->fec_enc, "pt", self->config.fec_pt, "repair-ssrc", self->config.fec_ssrc,
                "protect-pt", (gint)self->config.video_pt, "overhead", self->config.fec_overhead,
                "key-frame-overhead", self->config.fec_key_frame_overhead, NULL);
  gst_util_set_object_arg (G_OBJECT (self->fec_dec), "scheme", "flexfec");
  g_object_set (self->fec_dec, "pt", self->config.fec_pt, NULL);

  return link_pads (self->rtpbin, "send_rtp_src_0", self->fec_enc, "sink", error)
         && link_pads (self->fec_enc, "src", rtp_sink, "sink", error)
         && link_pads (self->rtp_src, "src", self->fec_dec, "sink", error)
         && link_pads (self->fec_dec, "src", self->rtpbin, "recv_rtp_sink_0", error);
}

static gboolean
build_pipeline (ConfabCallPipeline *self, GError **error)
{
  GstBin *bin = GST_BIN (self->pipeline);
  GstElement *funnel, *rtp_sink, *rtcp_sink;
  g_autoptr (GstBus) bus = NULL;

  if ((self->rtpbin = add_element (bin, "rtpbin", "rtpbin", error)) == NULL)
    return FALSE;
  gst_object_ref (self->rtpbin);

  /* do-lost: the jitter buffer tells the depayloaders about losses (Opus
   * FEC and PLC, VP8 keyframe requests). rtcp-sync-send-time off: the
   * sender reports map RTP time to capture time, so the peer lines audio
   * up with video as they were captured, whatever each encoder's delay.
   * Retransmission is off: Confab's FEC repairs losses. AVPF allows early
   * RTCP feedback (PLI). drop-on-latency stays off: lip sync makes a
   * jitter buffer hold more than its latency, and with it on about half
   * of the frames were dropped in the loopback test. */
  g_object_set (self->rtpbin, "latency", JITTERBUFFER_LATENCY_MS, "do-lost", TRUE,
                "do-retransmission", FALSE, "max-streams", MAX_STREAMS, "rtcp-sync-send-time",
                FALSE, NULL);
  gst_util_set_object_arg (G_OBJECT (self->rtpbin), "rtp-profile", "avpf");
  g_signal_connect (self->rtpbin, "request-pt-map", G_CALLBACK (on_request_pt_map), self);
  g_signal_connect (self->rtpbin, "new-jitterbuffer", G_CALLBACK (on_new_jitterbuffer), self);
  g_signal_connect (self->rtpbin, "pad-added", G_CALLBACK (on_pad_added), self);

  /* Both streams share session 0 (BUNDLE); rtpfunnel keeps upstream
   * events such as keyframe requests going to the right encoder. */
  if ((funnel = add_element (bin, "rtpfunnel", NULL, error)) == NULL
      || !build_video_send (self, funnel, error) || !build_audio_send (self, funnel, error)
      || !link_pads (funnel, "src", self->rtpbin, "send_rtp_sink_0", error))
    return FALSE;

  {
    GObject *session = NULL;

    g_signal_emit_by_name (self->rtpbin, "get-internal-session", 0, &session);
    if (session != NULL)
      {
        g_object_set (session, "rtcp-min-interval", (guint64)RTCP_MIN_INTERVAL, NULL);
        g_object_unref (session);
      }
  }

  if ((rtp_sink = add_packet_sink (self, "rtp-sink", FALSE, error)) == NULL
      || (rtcp_sink = add_packet_sink (self, "rtcp-sink", TRUE, error)) == NULL
      || !link_pads (self->rtpbin, "send_rtcp_src_0", rtcp_sink, "sink", error))
    return FALSE;

  if ((self->rtp_src = add_packet_source (self, "rtp-source", "application/x-rtp", error)) == NULL
      || (self->rtcp_src = add_packet_source (self, "rtcp-source", "application/x-rtcp", error))
             == NULL
      || !link_pads (self->rtcp_src, "src", self->rtpbin, "recv_rtcp_sink_0", error))
    return FALSE;

  if (self->config.fec_pt != 0)
    {
      if (!build_fec (self, rtp_sink, error))
        return FALSE;
    }
  else if (!link_pads (self->rtpbin, "send_rtp_src_0", rtp_sink, "sink", error)
           || !link_pads (self->rtp_src, "src", self->rtpbin, "recv_rtp_sink_0", error))
    return FALSE;

  bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
  self->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (self->bus_source, G_SOURCE_FUNC (on_bus_message), self, NULL);
  g_source_attach (self->bus_source, self->context);

  return TRUE;
}

static gboolean
validate_config (const ConfabMediaConfig *config, GError **error)
{
  const char *problem = NULL;

  if (config->video_source == NULL || config->audio_source == NULL)
    problem = _ ("no video or audio source given");
  else if (config->width < 16 || config->width > 4096 || config->height < 16
           || config->height > 4096)
    problem = _ ("the video size must be between 16 and 4096 pixels");
  else if (config->framerate < 1 || config->framerate > 120)
    problem = _ ("the frame rate must be between 1 and 120");
  else if (config->video_bitrate_kbps < 1 || config->video_bitrate_kbps > 100000
           || config->audio_bitrate_kbps < 6 || config->audio_bitrate_kbps > 510)
    problem = _ ("the bitrate is out of range");
  /* RFC 5761 section 4: with rtcp-mux, payload types 64..95 would be
   * taken for RTCP. */
  else if (config->audio_pt > 127 || config->video_pt > 127
           || (config->audio_pt >= 64 && config->audio_pt <= 95)
           || (config->video_pt >= 64 && config->video_pt <= 95))
    problem = _ ("a payload type is outside 0..63 and 96..127");
  else if (config->audio_pt == config->video_pt)
    problem = _ ("audio and video need different payload types");
  else if (config->audio_ssrc != 0 && config->audio_ssrc == config->video_ssrc)
    problem = _ ("audio and video need different SSRCs");
  else if (config->fec_pt != 0
           && (config->fec_pt < 96 || config->fec_pt > 127 || config->fec_pt == config->audio_pt
               || config->fec_pt == config->video_pt))
    problem = _ ("the FEC payload type must be a free one in 96..127");
  else if (config->fec_ssrc != 0
           && (config->fec_ssrc == config->audio_ssrc || config->fec_ssrc == config->video_ssrc))
    problem = _ ("the FEC repair packets need an SSRC of their own");
  else if (config->fec_overhead > 100 || config->fec_key_frame_overhead > 100)
    problem = _ ("the FEC overhead must be between 0 and 100%");

  if (problem != NULL)
    {
      g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_INVALID_CONFIG,
                   _ ("Invalid media configuration: %s"), problem);
      return FALSE;
    }

  return TRUE;
}

static guint32
random_ssrc (guint32 other)
{
  guint32 ssrc;

  do
    ssrc = g_random_int ();
  while (ssrc == 0 || ssrc == other);

  return ssrc;
}

ConfabCallPipeline *
confab_call_pipeline_new (const ConfabMediaConfig *config, GError **error)
{
  g_autoptr (ConfabCallPipeline) self = NULL;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);

  if (!validate_config (config, error))
    return NULL;

  self = g_object_new (CONFAB_TYPE_CALL_PIPELINE, NULL);
  self->video_source = g_strdup (config->video_source);
  self->audio_source = g_strdup (config->audio_source);
  self->speaker = g_strdup (config->speaker);
  self->config = *config;
  self->config.video_source = self->video_source;
  self->config.audio_source = self->audio_source;
  self->config.speaker = self->speaker;
  if (self->config.video_ssrc == 0)
    self->config.video_ssrc = random_ssrc (self->config.audio_ssrc);
  if (self->config.audio_ssrc == 0)
    self->config.audio_ssrc = random_ssrc (self->config.video_ssrc);
  if (self->config.fec_pt != 0)
    while (self->config.fec_ssrc == 0 || self->config.fec_ssrc == self->config.audio_ssrc)
      self->config.fec_ssrc = random_ssrc (self->config.video_ssrc);
  self->context = g_main_context_ref_thread_default ();
  self->pipeline = gst_object_ref_sink (gst_pipeline_new (NULL));

  /* Looked up now, so that a speaker that is gone fails the call's setup
   * rather than its first audio packet. */
  if (self->config.play_audio && self->speaker != NULL
      && (self->speaker_device
          = confab_media_device_find (CONFAB_MEDIA_DEVICE_SPEAKER, self->speaker, error))
             == NULL)
    return NULL;

  if (!build_pipeline (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* Public API -------------------------------------------------------------- */

void
confab_call_pipeline_set_packet_func (ConfabCallPipeline *self, ConfabPacketFunc func,
                                      gpointer user_data, GDestroyNotify destroy)
{
  gpointer old_data;
  GDestroyNotify old_destroy;

  g_return_if_fail (CONFAB_IS_CALL_PIPELINE (self));

  g_mutex_lock (&self->packet_func_lock);
  old_data = self->packet_func_data;
  old_destroy = self->packet_func_destroy;
  self->packet_func = func;
  self->packet_func_data = user_data;
  self->packet_func_destroy = destroy;
  g_mutex_unlock (&self->packet_func_lock);

  if (old_destroy != NULL)
    old_destroy (old_data);
}

void
confab_call_pipeline_set_video_frame_func (ConfabCallPipeline *self, ConfabVideoFrameFunc func,
                                           gpointer user_data, GDestroyNotify destroy)
{
  gpointer old_data;
  GDestroyNotify old_destroy;

  g_return_if_fail (CONFAB_IS_CALL_PIPELINE (self));

  g_mutex_lock (&self->frame_func_lock);
  old_data = self->frame_func_data;
  old_destroy = self->frame_func_destroy;
  self->frame_func = func;
  self->frame_func_data = user_data;
  self->frame_func_destroy = destroy;
  g_mutex_unlock (&self->frame_func_lock);

  if (old_destroy != NULL)
    old_destroy (old_data);
}

void
confab_call_pipeline_set_audio_level_func (ConfabCallPipeline *self, ConfabAudioLevelFunc func,
                                           gpointer user_data, GDestroyNotify destroy)
{
  gpointer old_data;
  GDestroyNotify old_destroy;

  g_return_if_fail (CONFAB_IS_CALL_PIPELINE (self));

  g_mutex_lock (&self->level_func_lock);
  old_data = self->level_func_data;
  old_destroy = self->level_func_destroy;
  self->level_func = func;
  self->level_func_data = user_data;
  self->level_func_destroy = destroy;
  g_mutex_unlock (&self->level_func_lock);

  if (old_destroy != NULL)
    old_destroy (old_data);
}

void
confab_call_pipeline_set_audio_muted (ConfabCallPipeline *self, gboolean muted)
{
  g_return_if_fail (CONFAB_IS_CALL_PIPELINE (self));

  g_mutex_lock (&self->controls_lock);
  g_atomic_int_set (&self->audio_muted, !!muted);
  if (self->volume != NULL)
    g_object_set (self->volume, "mute", !!muted, NULL);
  g_mutex_unlock (&self->controls_lock);
}

gboolean
confab_call_pipeline_get_audio_muted (ConfabCallPipeline *self)
{
  g_return_val_if_fail (CONFAB_IS_CALL_PIPELINE (self), FALSE);

  return g_atomic_int_get (&self->audio_muted);
}

void
confab_call_pipeline_set_video_enabled (ConfabCallPipeline *self, gboolean enabled)
{
  g_return_if_fail (CONFAB_IS_CALL_PIPELINE (self));

  /* The camera probe reads the flag per frame. */
  g_atomic_int_set (&self->video_enabled, !!enabled);
}

gboolean
confab_call_pipeline_get_video_enabled (ConfabCallPipeline *self)
{
  g_return_val_if_fail (CONFAB_IS_CALL_PIPELINE (self), FALSE);

  return g_atomic_int_get (&self->video_enabled);
}

void
confab_call_pipeline_push_packet (ConfabCallPipeline *self, const guint8 *data, gsize size)
{
  PacketKind kind;
  GstElement *target = NULL;
  gint64 now;

  g_return_if_fail (CONFAB_IS_CALL_PIPELINE (self));

  kind = classify_packet (data, size);

  now = g_get_monotonic_time ();

  g_mutex_lock (&self->lock);
  if (self->running)
    {
      switch (kind)
        {
        case PACKET_RTCP:
          self->stats.rtcp_packets_received++;
          note_received_rtcp (self, data, size, now);
          target = self->rtcp_src;
          break;

        case PACKET_RTP:
          {
            guint pt = data[1] & 0x7f;
            guint32 rtp_time = GST_READ_UINT32_BE (data + 4);
            guint32 ssrc = GST_READ_UINT32_BE (data + 8);

            /* Our own jitter figure rather than rtpsession's: taken at
             * the real arrival, before the appsrc queue, and per stream
             * without a call into rtpbin under its locks. */
            if (pt == self->config.audio_pt)
              {
                self->stats.audio.packets_received++;
                rate_meter_add (&self->audio_received, now, size);
                jitter_estimate_update (&self->audio_jitter, ssrc, rtp_time, now, 48000);
              }
            else if (pt == self->config.video_pt)
              {
                self->stats.video.packets_received++;
                rate_meter_add (&self->video_received, now, size);
                jitter_estimate_update (&self->video_jitter, ssrc, rtp_time, now, 90000);
              }
            target = self->rtp_src;
            break;
          }

        case PACKET_INVALID:
        default:
          self->stats.invalid_packets++;
          break;
        }
    }
  g_mutex_unlock (&self->lock);

  /* appsrc is thread-safe and never blocks here (leaky); after stop it
   * is flushing and drops the buffer. The pipeline keeps @target alive
   * for as long as the caller's reference on self. */
  if (target != NULL)
    gst_app_src_push_buffer (GST_APP_SRC (target), gst_buffer_new_memdup (data, size));
}

gboolean
confab_call_pipeline_disable_fec (ConfabCallPipeline *self)
{
  GstBin *bin;
  GstElement *rtp_sink;
  gboolean started;
  g_autoptr (GError) error = NULL;

  g_return_val_if_fail (CONFAB_IS_CALL_PIPELINE (self), FALSE);

  g_mutex_lock (&self->lock);
  started = self->running || self->stopped;
  g_mutex_unlock (&self->lock);
  if (started)
    return FALSE;
  if (self->fec_enc == NULL)
    return TRUE;

  /* Still in NULL state: nothing flows, relinking is plain surgery.
   * Removing an element unlinks its pads. */
  bin = GST_BIN (self->pipeline);
  rtp_sink = gst_bin_get_by_name (bin, "rtp-sink");
  gst_bin_remove (bin, self->fec_enc);
  gst_bin_remove (bin, self->fec_dec);
  gst_clear_object (&self->fec_enc);
  gst_clear_object (&self->fec_dec);
  if (!link_pads (self->rtpbin, "send_rtp_src_0", rtp_sink, "sink", &error)
      || !link_pads (self->rtp_src, "src", self->rtpbin, "recv_rtp_sink_0", &error))
    g_critical ("Could not relink the pipeline without FEC: %s", error->message);
  gst_object_unref (rtp_sink);

  return TRUE;
}

static gboolean
build_preview (ConfabCallPipeline *self, GError **error)
{
  GstBin *bin = GST_BIN (self->pipeline);
  GstElement *queue, *convert, *sink;

  if ((queue = add_element (bin, "queue", NULL, error)) == NULL
      || (convert = add_element (bin, "videoconvert", NULL, error)) == NULL
      || (sink = add_frame_sink (self, "preview-sink", FALSE, error)) == NULL)
    return FALSE;

  g_object_set (queue, "max-size-buffers", 2, "max-size-bytes", 0, "max-size-time", (guint64)0,
                NULL);
  gst_util_set_object_arg (G_OBJECT (queue), "leaky", "downstream");

  return link_elements (error, self->video_tee, queue, convert, sink, NULL);
}

gboolean
confab_call_pipeline_start (ConfabCallPipeline *self, GError **error)
{
  GstStateChangeReturn ret;

  g_return_val_if_fail (CONFAB_IS_CALL_PIPELINE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->lock);
  if (self->stopped)
    {
      g_mutex_unlock (&self->lock);
      g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_PIPELINE,
                   _ ("The call has already ended"));
      return FALSE;
    }
  g_mutex_unlock (&self->lock);

  /* The preview branch costs a colour conversion per frame: only build it
   * for someone who looks. */
  if (!self->preview_built && frame_func_is_set (self))
    {
      if (!build_preview (self, error))
        return FALSE;
      self->preview_built = TRUE;
    }

  g_mutex_lock (&self->lock);
  self->running = TRUE;
  g_mutex_unlock (&self->lock);

  ret = gst_element_set_state (self->pipeline, GST_STATE_PLAYING);
  if (ret == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr (GstBus) bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
      g_autoptr (GstMessage) message = NULL;

      g_mutex_lock (&self->lock);
      self->running = FALSE;
      g_mutex_unlock (&self->lock);

      /* Report the element's own reason here rather than again through
       * the "error" signal. */
      message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      if (message != NULL)
        {
          g_autoptr (GError) gst_error = NULL;

          gst_message_parse_error (message, &gst_error, NULL);
          g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_PIPELINE, "%s (%s)",
                       gst_error->message, GST_MESSAGE_SRC_NAME (message));
        }
      else
        g_set_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_PIPELINE,
                     _ ("Could not start the call pipeline"));

      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  GstElement *jitterbuffer;
  gint pt;
} LostQuery;

/* Sums the jitter buffers' lost counts per stream. The jitter buffers are
 * queried outside self->lock: their property getter takes their own lock,
 * which their streaming thread may hold while it runs our probes. */
static void
query_lost (ConfabCallPipeline *self, guint64 *audio_lost, guint64 *video_lost)
{
  g_autoptr (GArray) queries = g_array_new (FALSE, FALSE, sizeof (LostQuery));
  GHashTableIter iter;
  gpointer value;

  *audio_lost = 0;
  *video_lost = 0;

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->jitterbuffers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      JitterBufferEntry *entry = value;
      LostQuery query = { gst_object_ref (entry->jitterbuffer), entry->pt };

      g_array_append_val (queries, query);
    }
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < queries->len; i++)
    {
      LostQuery *query = &g_array_index (queries, LostQuery, i);
      g_autoptr (GstStructure) stats = NULL;
      guint64 lost = 0;

      g_object_get (query->jitterbuffer, "stats", &stats, NULL);
      if (stats != NULL)
        gst_structure_get_uint64 (stats, "num-lost", &lost);
      if (query->pt >= 0 && (guint)query->pt == self->config.audio_pt)
        *audio_lost += lost;
      else if (query->pt >= 0 && (guint)query->pt == self->config.video_pt)
        *video_lost += lost;
      gst_object_unref (query->jitterbuffer);
    }
}

void
confab_call_pipeline_stop (ConfabCallPipeline *self)
{
  guint64 audio_lost, video_lost;
  gboolean freeze;

  g_return_if_fail (CONFAB_IS_CALL_PIPELINE (self));

  g_mutex_lock (&self->lock);
  self->running = FALSE;
  self->stopped = TRUE;
  freeze = !self->lost_frozen;
  g_mutex_unlock (&self->lock);

  if (self->pipeline == NULL)
    return;

  /* The jitter buffers forget their statistics when they restart; keep
   * the final figures for get_stats() after the call. */
  if (freeze)
    {
      query_lost (self, &audio_lost, &video_lost);
      g_mutex_lock (&self->lock);
      self->frozen_audio_lost = audio_lost;
      self->frozen_video_lost = video_lost;
      self->lost_frozen = TRUE;
      g_mutex_unlock (&self->lock);
    }

  gst_element_set_state (self->pipeline, GST_STATE_NULL);
}

void
confab_call_pipeline_get_stats (ConfabCallPipeline *self, ConfabMediaStats *stats)
{
  guint64 audio_lost = 0, video_lost = 0;
  guint64 fec_repair_sent = 0, fec_recovered = 0, fec_unrecovered = 0;
  gboolean frozen;
  gint64 now;

  g_return_if_fail (CONFAB_IS_CALL_PIPELINE (self));
  g_return_if_fail (stats != NULL);

  g_mutex_lock (&self->lock);
  frozen = self->lost_frozen;
  g_mutex_unlock (&self->lock);

  if (!frozen)
    query_lost (self, &audio_lost, &video_lost);

  /* The FEC elements' getters take their object lock, which their
   * streaming threads hold only briefly and never around our callbacks;
   * still, not under self->lock. */
  if (self->fec_enc != NULL)
    g_object_get (self->fec_enc, "repair-packets-sent", &fec_repair_sent, NULL);
  if (self->fec_dec != NULL)
    g_object_get (self->fec_dec, "recovered", &fec_recovered, "unrecovered", &fec_unrecovered,
                  NULL);

  now = g_get_monotonic_time ();

  g_mutex_lock (&self->lock);
  *stats = self->stats;
  if (self->lost_frozen)
    {
      audio_lost = self->frozen_audio_lost;
      video_lost = self->frozen_video_lost;
    }
  stats->audio.send_kbps = rate_meter_get (&self->audio_sent, now) * 8 / 1000;
  stats->audio.receive_kbps = rate_meter_get (&self->audio_received, now) * 8 / 1000;
  stats->video.send_kbps = rate_meter_get (&self->video_sent, now) * 8 / 1000;
  stats->video.receive_kbps = rate_meter_get (&self->video_received, now) * 8 / 1000;
  stats->video.decoded_fps = rate_meter_get (&self->video_decoded, now);
  stats->audio.jitter_ms = self->audio_jitter.jitter * 1000 / 48000;
  stats->video.jitter_ms = self->video_jitter.jitter * 1000 / 90000;
  g_mutex_unlock (&self->lock);

  stats->audio.packets_lost = audio_lost;
  stats->video.packets_lost = video_lost;
  stats->video.fec_repair_sent = fec_repair_sent;
  stats->video.fec_recovered = fec_recovered;
  stats->video.fec_unrecovered = fec_unrecovered;
}

/* GObject ------------------------------------------------------------------ */

static void
confab_call_pipeline_dispose (GObject *object)
{
  ConfabCallPipeline *self = CONFAB_CALL_PIPELINE (object);

  /* Stops the streaming threads, so no callback runs after this. */
  if (self->pipeline != NULL)
    confab_call_pipeline_stop (self);
  if (self->rtpbin != NULL)
    g_signal_handlers_disconnect_by_data (self->rtpbin, self);

  if (self->bus_source != NULL)
    {
      g_source_destroy (self->bus_source);
      g_clear_pointer (&self->bus_source, g_source_unref);
    }

  gst_clear_object (&self->rtp_src);
  gst_clear_object (&self->rtcp_src);
  gst_clear_object (&self->fec_enc);
  gst_clear_object (&self->fec_dec);
  gst_clear_object (&self->rtpbin);
  self->video_tee = NULL;
  self->volume = NULL;
  gst_clear_object (&self->pipeline);
  gst_clear_buffer (&self->black_frame);
  gst_clear_object (&self->speaker_device);

  g_clear_pointer (&self->jitterbuffers, g_hash_table_unref);

  confab_call_pipeline_set_packet_func (self, NULL, NULL, NULL);
  confab_call_pipeline_set_video_frame_func (self, NULL, NULL, NULL);
  confab_call_pipeline_set_audio_level_func (self, NULL, NULL, NULL);

  G_OBJECT_CLASS (confab_call_pipeline_parent_class)->dispose (object);
}

static void
confab_call_pipeline_finalize (GObject *object)
{
  ConfabCallPipeline *self = CONFAB_CALL_PIPELINE (object);

  g_free (self->video_source);
  g_free (self->audio_source);
  g_free (self->speaker);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->packet_func_lock);
  g_mutex_clear (&self->frame_func_lock);
  g_mutex_clear (&self->level_func_lock);
  g_mutex_clear (&self->controls_lock);

  G_OBJECT_CLASS (confab_call_pipeline_parent_class)->finalize (object);
}

static void
confab_call_pipeline_class_init (ConfabCallPipelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = confab_call_pipeline_dispose;
  object_class->finalize = confab_call_pipeline_finalize;

  /**
   * ConfabCallPipeline::error:
   * @self: the pipeline
   * @error: a #GError in the %CONFAB_MEDIA_ERROR domain
   *
   * A runtime failure (a device that stops working, a missing decoder),
   * emitted on the thread-default main context of the thread that
   * created the pipeline. The call cannot go on; stop it.
   */
  signals[SIGNAL_ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
confab_call_pipeline_init (ConfabCallPipeline *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->packet_func_lock);
  g_mutex_init (&self->frame_func_lock);
  g_mutex_init (&self->level_func_lock);
  g_mutex_init (&self->controls_lock);
  self->video_enabled = TRUE;
  self->next_black_pts = GST_CLOCK_TIME_NONE;
  g_strlcpy (self->stats.audio.codec, "OPUS", sizeof self->stats.audio.codec);
  g_strlcpy (self->stats.video.codec, "VP8", sizeof self->stats.video.codec);
  self->jitterbuffers = g_hash_table_new_full (NULL, NULL, NULL, jitter_buffer_entry_free);
}
