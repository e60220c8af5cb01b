/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * SECTION:element-confabfecenc
 * @title: confabfecenc
 *
 * Adds ULPFEC (RFC 5109), FlexFEC (RFC 8627) or, between two Confabs, Reed-Solomon
 * (scheme=rs, x-confab-rs: any k of a block's k + m packets rebuild it; mask-family, columns
 * and rows do not apply) repair packets to an RTP stream. Media packets
 * pass through untouched (their sequence numbers are never rewritten, so a lost repair packet
 * never looks like lost media); after each frame (marker bit) the element sends the repair
 * packets for it, as many as #GstConfabFecEnc:overhead asks for
 * (#GstConfabFecEnc:key-frame-overhead for VP8 key frames). Key frames are found from the codec
 * #GstConfabFecEnc:encoding-name names; left empty, from the caps' encoding-name, which after
 * rtpbin or rtpfunnel is usually absent, so set the property in a call. FlexFEC repair packets go
 * on their own SSRC (#GstConfabFecEnc:repair-ssrc); ULPFEC ones on the media SSRC with their own
 * sequence numbers, told apart by payload type. With #GstConfabFecEnc:red-pt set, ULPFEC is sent
 * as WebRTC does: protected media and repair packets both wrapped in RED (RFC 2198) on that
 * payload type, in one sequence space (media packets are renumbered to leave room for the repair
 * packets after each block), so put the element before anything that keeps sequence numbers
 * (rtpbin's #GstRtpBin::request-fec-encoder). Use it from rtpbin's
 * #GstRtpBin::request-fec-encoder signal, or directly after a payloader.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=300 ! vp8enc deadline=1 ! rtpvp8pay ! \
 *   confabfecenc scheme=flexfec pt=110 overhead=30 key-frame-overhead=60 encoding-name=VP8 ! \
 *   identity drop-probability=0.1 ! confabfecdec scheme=flexfec pt=110 ! \
 *   rtpjitterbuffer ! rtpvp8depay ! vp8dec ! fakesink
 * ]|
 * Encodes VP8, protects it with FlexFEC at 30% overhead, drops 10% of all packets and
 * recovers them with #confabfecdec.
 */
#include "gstconfabfecenc.h"

#include <gst/rtp/rtp.h>

#include "confab-fec-encoder.h"
#include "confab-fec-rs-encoder.h"
#include "confab-red.h"
#include "confab-rtp-packet.h"
#include "gstconfabfeccommon.h"
#include "gstconfabfecenums.h"

GST_DEBUG_CATEGORY_STATIC (confab_fec_enc_debug);
#define GST_CAT_DEFAULT confab_fec_enc_debug

/* SSRCs protected at once (audio, video, a spare); others pass through unprotected. */
#define MAX_STREAMS 4

typedef struct
{
  guint32 ssrc;
  ConfabFecEncoder *enc;  /* ULPFEC and FlexFEC */
  ConfabFecRsEncoder *rs; /* Reed-Solomon: one of the two is set for a stream in use */
  guint64 protected_seen; /* the encoder's protected count already added to the element's */
  guint16 seq_shift;      /* RED: repair packets numbered among the media so far */
} Stream;

struct _GstConfabFecEnc
{
  GstElement parent;

  GstPad *sinkpad;
  GstPad *srcpad;

  /* properties, under the object lock */
  ConfabFecScheme scheme;
  ConfabFecMaskFamily family;
  guint overhead;
  guint key_frame_overhead;
  guint pt;
  guint32 repair_ssrc;
  gint protect_pt;
  gint red_pt;
  guint columns;
  guint rows;
  guint min_block;
  guint delay_budget;
  guint64 protected_packets;
  guint64 repair_packets;
  guint64 key_frames;
  /* The codec set by the encoding-name property; NULL: learnt from caps. */
  gchar *encoding_name;

  gboolean caps_vp8; /* the caps' encoding-name says VP8 */
  /* Set (atomically) when a property or the caps change what the chain function uses. */
  gint settings_changed;

  /* streaming thread only */
  Stream streams[MAX_STREAMS];
  /* All FlexFEC streams share one repair SSRC and so one sequence, this one. */
  guint16 flexfec_seq;
  /* RED: repair packets of a block that ended inside a frame (a full one),
   * held until the frame's last packet, so that they never come between
   * two packets of a frame. */
  GPtrArray *red_pending;
  struct
  {
    gint protect_pt;
    gint red_pt; /* >= 0 only with ULPFEC */
    guint overhead;
    guint key_frame_overhead;
    gboolean vp8;
  } chain_settings; /* the properties as of the last change */
};

enum
{
  PROP_0,
  PROP_SCHEME,
  PROP_OVERHEAD,
  PROP_KEY_FRAME_OVERHEAD,
  PROP_MASK_FAMILY,
  PROP_PT,
  PROP_REPAIR_SSRC,
  PROP_PROTECT_PT,
  PROP_COLUMNS,
  PROP_ROWS,
  PROP_MIN_BLOCK,
  PROP_DELAY_BUDGET,
  PROP_PROTECTED,
  PROP_REPAIR_PACKETS_SENT,
  PROP_ENCODING_NAME,
  PROP_KEY_FRAMES,
  PROP_RED_PT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (GstConfabFecEnc, gst_confab_fec_enc, GST_TYPE_ELEMENT)
GST_ELEMENT_REGISTER_DEFINE (confabfecenc, "confabfecenc", GST_RANK_NONE, GST_TYPE_CONFAB_FEC_ENC);

static void
streams_clear (GstConfabFecEnc *self)
{
  for (guint i = 0; i < MAX_STREAMS; i++)
    {
      g_clear_pointer (&self->streams[i].enc, confab_fec_encoder_free);
      g_clear_pointer (&self->streams[i].rs, confab_fec_rs_encoder_free);
      self->streams[i].ssrc = 0;
      self->streams[i].protected_seen = 0;
      self->streams[i].seq_shift = 0;
    }
  if (self->red_pending != NULL)
    {
      for (guint i = 0; i < self->red_pending->len; i++)
        gst_buffer_unref (g_ptr_array_index (self->red_pending, i));
      g_ptr_array_set_size (self->red_pending, 0);
    }
}

/* The Reed-Solomon encoder for the settings of @cfg (mask family, L and D do not apply; the
 * delay budget does). */
static ConfabFecRsEncoder *
rs_encoder_new (const ConfabFecEncoderConfig *cfg, GError **error)
{
  ConfabFecRsEncoderConfig rc;

  confab_fec_rs_encoder_config_init (&rc);
  rc.overhead_percent = cfg->overhead_percent;
  rc.key_frame_overhead_percent = cfg->key_frame_overhead_percent;
  rc.payload_type = cfg->payload_type;
  rc.repair_ssrc = cfg->repair_ssrc;
  rc.min_block = cfg->min_block;
  rc.delay_budget_ms = cfg->delay_budget_ms;
  rc.clock_rate = cfg->clock_rate;
  rc.shared_repair_seq = cfg->shared_repair_seq;
  return confab_fec_rs_encoder_new (&rc, error);
}

static Stream *
stream_get (GstConfabFecEnc *self, guint32 ssrc)
{
  ConfabFecEncoderConfig cfg;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < MAX_STREAMS; i++)
    if ((self->streams[i].enc || self->streams[i].rs) && self->streams[i].ssrc == ssrc)
      return &self->streams[i];
  for (guint i = 0; i < MAX_STREAMS; i++)
    if (self->streams[i].enc == NULL && self->streams[i].rs == NULL)
      {
        confab_fec_encoder_config_init (&cfg);
        GST_OBJECT_LOCK (self);
        cfg.scheme = self->scheme;
        cfg.family = self->family;
        cfg.overhead_percent = self->overhead;
        cfg.key_frame_overhead_percent = self->key_frame_overhead;
        cfg.payload_type = (guint8) self->pt;
        cfg.repair_ssrc = self->repair_ssrc;
        cfg.columns = self->columns;
        cfg.rows = self->rows;
        cfg.min_block = self->min_block;
        cfg.delay_budget_ms = self->delay_budget;
        if (cfg.scheme == CONFAB_FEC_SCHEME_ULPFEC)
          cfg.red_payload_type = self->red_pt;
        GST_OBJECT_UNLOCK (self);
        cfg.repair_seq = (guint16) g_random_int ();
        if (cfg.scheme != CONFAB_FEC_SCHEME_ULPFEC)
          cfg.shared_repair_seq = &self->flexfec_seq;
        if (cfg.scheme == CONFAB_FEC_SCHEME_RS)
          self->streams[i].rs = rs_encoder_new (&cfg, &error);
        else
          self->streams[i].enc = confab_fec_encoder_new (&cfg, &error);
        if (self->streams[i].enc == NULL && self->streams[i].rs == NULL)
          {
            GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS, ("Invalid FEC settings"),
                                 ("%s", error->message));
            return NULL;
          }
        self->streams[i].ssrc = ssrc;
        GST_INFO_OBJECT (self, "protecting SSRC %08x", ssrc);
        return &self->streams[i];
      }
  return NULL;
}

/* Takes the properties the chain function uses, when they changed: not a lock per packet. */
static void
chain_settings_update (GstConfabFecEnc *self)
{
  if (!g_atomic_int_compare_and_exchange (&self->settings_changed, TRUE, FALSE))
    return;
  GST_OBJECT_LOCK (self);
  self->chain_settings.protect_pt = self->protect_pt;
  self->chain_settings.red_pt = self->scheme == CONFAB_FEC_SCHEME_ULPFEC ? self->red_pt : -1;
  self->chain_settings.overhead = self->overhead;
  self->chain_settings.key_frame_overhead = self->key_frame_overhead;
  self->chain_settings.vp8
      = self->encoding_name ? g_ascii_strcasecmp (self->encoding_name, "VP8") == 0 : self->caps_vp8;
  GST_OBJECT_UNLOCK (self);
}

/* Feeds one media packet to its stream's encoder; returns the repair packets it released. */
static GPtrArray *
protect (GstConfabFecEnc *self, const ConfabRtpView *v)
{
  Stream *stream;
  gboolean key;
  guint64 protected_now;
  GPtrArray *repairs = NULL;
  guint64 newly_protected;
  const guint8 *r;
  gsize len;

  if (self->chain_settings.protect_pt >= 0 && v->payload_type != self->chain_settings.protect_pt)
    return NULL;
  stream = stream_get (self, v->ssrc);
  if (stream == NULL)
    return NULL;
  /* A key frame's first packet (S=1, PID=0) counts it once. */
  key = self->chain_settings.vp8
        && confab_vp8_payload_starts_key_frame (v->payload, v->payload_len);
  if (stream->rs)
    {
      ConfabFecRsEncoderStats st;

      confab_fec_rs_encoder_set_overhead (stream->rs, self->chain_settings.overhead,
                                          self->chain_settings.key_frame_overhead);
      confab_fec_rs_encoder_add_media (stream->rs, v->data, v->len, key);
      while ((r = confab_fec_rs_encoder_next_repair (stream->rs, &len)) != NULL)
        gst_confab_fec_collect (&repairs, r, len);
      confab_fec_rs_encoder_get_stats (stream->rs, &st);
      protected_now = st.protected_packets;
    }
  else
    {
      ConfabFecEncoderStats st;

      confab_fec_encoder_set_overhead (stream->enc, self->chain_settings.overhead,
                                       self->chain_settings.key_frame_overhead);
      confab_fec_encoder_add_media (stream->enc, v->data, v->len, key);
      while ((r = confab_fec_encoder_next_repair (stream->enc, &len)) != NULL)
        gst_confab_fec_collect (&repairs, r, len);
      confab_fec_encoder_get_stats (stream->enc, &st);
      protected_now = st.protected_packets;
    }
  /* Counted when a block ends: a packet is protected once a repair packet covers it. */
  newly_protected = protected_now - stream->protected_seen;
  stream->protected_seen = protected_now;
  if (key || newly_protected > 0 || repairs)
    {
      GST_OBJECT_LOCK (self);
      self->protected_packets += newly_protected;
      self->key_frames += key ? 1 : 0;
      self->repair_packets += repairs ? repairs->len : 0;
      GST_OBJECT_UNLOCK (self);
    }
  return repairs;
}

/* The media stream of @ssrc, NULL for one not seen yet. */
static Stream *
stream_find (GstConfabFecEnc *self, guint32 ssrc)
{
  for (guint i = 0; i < MAX_STREAMS; i++)
    if (self->streams[i].enc && self->streams[i].ssrc == ssrc)
      return &self->streams[i];
  return NULL;
}

/* RED: the held repair packets, numbered right after the media packet
 * @v (a frame's last), which moves the stream's later media on. */
static GPtrArray *
release_red (GstConfabFecEnc *self, const ConfabRtpView *v)
{
  Stream *stream = stream_find (self, v->ssrc);
  GPtrArray *out = NULL;

  if (stream == NULL || self->red_pending == NULL || self->red_pending->len == 0)
    return NULL;
  out = g_ptr_array_new ();
  for (guint i = 0; i < self->red_pending->len; i++)
    {
      GstBuffer *repair = gst_buffer_make_writable (g_ptr_array_index (self->red_pending, i));
      guint8 seq[2];

      confab_write_u16 (seq, (guint16) (v->seq + 1 + i));
      gst_buffer_fill (repair, 2, seq, sizeof seq);
      g_ptr_array_add (out, repair);
    }
  stream->seq_shift += self->red_pending->len;
  g_ptr_array_set_size (self->red_pending, 0);
  return out;
}

/* RED mode: @buffer (protected media) renumbered, protected and wrapped in
 * RED; NULL when it is not RTP this mode changes (passed on as it is). */
static GstBuffer *
protect_red (GstConfabFecEnc *self, GstBuffer *buffer, GPtrArray **repairs)
{
  guint8 packet[CONFAB_FEC_MAX_PACKET_SIZE], red[CONFAB_FEC_MAX_PACKET_SIZE + 1];
  gsize size = gst_buffer_get_size (buffer), written;
  Stream *stream;
  ConfabRtpView v;
  GPtrArray *made;
  GstBuffer *out;

  if (size > sizeof packet || gst_buffer_extract (buffer, 0, packet, size) != size
      || confab_rtp_view_parse (&v, packet, size) != CONFAB_FEC_OK
      || v.payload_type != self->chain_settings.protect_pt)
    return NULL;
  stream = stream_find (self, v.ssrc);
  confab_write_u16 (packet + 2, (guint16) (v.seq + (stream ? stream->seq_shift : 0)));
  if (confab_rtp_view_parse (&v, packet, size) != CONFAB_FEC_OK
      || confab_red_encapsulate (packet, size, (guint8) self->chain_settings.red_pt, red,
                                 sizeof red, &written)
             != CONFAB_FEC_OK)
    return NULL;
  if ((made = protect (self, &v)) != NULL)
    {
      if (self->red_pending == NULL)
        self->red_pending = g_ptr_array_new ();
      g_ptr_array_extend_and_steal (self->red_pending, made);
    }
  *repairs = v.marker ? release_red (self, &v) : NULL;
  out = gst_buffer_new_memdup (red, written);
  gst_buffer_copy_into (out, buffer, GST_BUFFER_COPY_METADATA, 0, -1);
  return out;
}

static GstFlowReturn
gst_confab_fec_enc_chain (GstPad *pad, GstObject *parent, GstBuffer *buffer)
{
  GstConfabFecEnc *self = GST_CONFAB_FEC_ENC (parent);
  GstMapInfo map;
  ConfabRtpView v;
  GstClockTime pts = GST_BUFFER_PTS (buffer);
  GstClockTime dts = GST_BUFFER_DTS (buffer);
  GstFlowReturn ret;
  GPtrArray *repairs = NULL;

  chain_settings_update (self);
  if (self->chain_settings.red_pt >= 0 && self->chain_settings.protect_pt >= 0)
    {
      GstBuffer *red = protect_red (self, buffer, &repairs);

      if (red != NULL)
        {
          gst_buffer_unref (buffer);
          buffer = red;
        }
    }
  else if (gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      if (confab_rtp_view_parse (&v, map.data, map.size) == CONFAB_FEC_OK)
        repairs = protect (self, &v);
      gst_buffer_unmap (buffer, &map);
    }

  ret = gst_pad_push (self->srcpad, buffer);
  /* The frame's repair packets go right after its last packet. */
  return gst_confab_fec_push_after (self->srcpad, ret, repairs, pts, dts);
}

static gboolean
gst_confab_fec_enc_sink_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  GstConfabFecEnc *self = GST_CONFAB_FEC_ENC (parent);

  if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS)
    {
      GstCaps *caps;
      const gchar *name;

      gst_event_parse_caps (event, &caps);
      name = gst_structure_get_string (gst_caps_get_structure (caps, 0), "encoding-name");
      GST_OBJECT_LOCK (self);
      self->caps_vp8 = name && g_ascii_strcasecmp (name, "VP8") == 0;
      g_atomic_int_set (&self->settings_changed, TRUE);
      GST_OBJECT_UNLOCK (self);
    }
  else if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP)
    streams_clear (self);
  return gst_pad_event_default (pad, parent, event);
}

static gpointer
prepare_masks_thread (gpointer data)
{
  confab_fec_encoder_prepare_masks (data);
  g_free (data);
  return NULL;
}

static GstStateChangeReturn
gst_confab_fec_enc_change_state (GstElement *element, GstStateChange transition)
{
  GstConfabFecEnc *self = GST_CONFAB_FEC_ENC (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
    {
      ConfabFecEncoderConfig *cfg = g_new (ConfabFecEncoderConfig, 1);

      confab_fec_encoder_config_init (cfg);
      GST_OBJECT_LOCK (self);
      if (self->repair_ssrc == 0)
        self->repair_ssrc = confab_rtp_random_ssrc (NULL, 0);
      cfg->family = self->family;
      cfg->overhead_percent = self->overhead;
      cfg->key_frame_overhead_percent = self->key_frame_overhead;
      GST_OBJECT_UNLOCK (self);
      self->flexfec_seq = (guint16) g_random_int ();
      /* Masks are generated on first use; do it now, off the streaming thread. */
      g_thread_unref (g_thread_new ("confabfec-masks", prepare_masks_thread, cfg));
    }
  ret = GST_ELEMENT_CLASS (gst_confab_fec_enc_parent_class)->change_state (element, transition);
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    streams_clear (self);
  return ret;
}

#define FIELD(name) G_STRUCT_OFFSET (GstConfabFecEnc, name)
static const gsize prop_fields[N_PROPS] = {
  [PROP_SCHEME] = FIELD (scheme),
  [PROP_OVERHEAD] = FIELD (overhead),
  [PROP_KEY_FRAME_OVERHEAD] = FIELD (key_frame_overhead),
  [PROP_MASK_FAMILY] = FIELD (family),
  [PROP_PT] = FIELD (pt),
  [PROP_REPAIR_SSRC] = FIELD (repair_ssrc),
  [PROP_PROTECT_PT] = FIELD (protect_pt),
  [PROP_COLUMNS] = FIELD (columns),
  [PROP_ROWS] = FIELD (rows),
  [PROP_MIN_BLOCK] = FIELD (min_block),
  [PROP_DELAY_BUDGET] = FIELD (delay_budget),
  [PROP_PROTECTED] = FIELD (protected_packets),
  [PROP_REPAIR_PACKETS_SENT] = FIELD (repair_packets),
  [PROP_ENCODING_NAME] = FIELD (encoding_name),
  [PROP_KEY_FRAMES] = FIELD (key_frames),
  [PROP_RED_PT] = FIELD (red_pt),
};
#undef FIELD

/* Called with the object lock. */
static void
on_settings_changed (GObject *object)
{
  g_atomic_int_set (&GST_CONFAB_FEC_ENC (object)->settings_changed, TRUE);
}

static const GstConfabFecFields fields = { prop_fields, N_PROPS, on_settings_changed };

static void
gst_confab_fec_enc_finalize (GObject *object)
{
  streams_clear (GST_CONFAB_FEC_ENC (object));
  g_clear_pointer (&GST_CONFAB_FEC_ENC (object)->red_pending, g_ptr_array_unref);
  g_free (GST_CONFAB_FEC_ENC (object)->encoding_name);
  G_OBJECT_CLASS (gst_confab_fec_enc_parent_class)->finalize (object);
}

static void
gst_confab_fec_enc_class_init (GstConfabFecEncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS
                         | GST_PARAM_MUTABLE_PLAYING;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  GST_DEBUG_CATEGORY_INIT (confab_fec_enc_debug, "confabfecenc", 0, "Confab FEC encoder");

  gst_confab_fec_class_install_fields (object_class, &fields);
  object_class->finalize = gst_confab_fec_enc_finalize;
  element_class->change_state = gst_confab_fec_enc_change_state;

  properties[PROP_SCHEME]
      = g_param_spec_enum ("scheme", "Scheme", "Repair packet format (applies to new streams)",
                           GST_TYPE_CONFAB_FEC_SCHEME, CONFAB_FEC_SCHEME_FLEXFEC, rw);
  properties[PROP_OVERHEAD]
      = g_param_spec_uint ("overhead", "Overhead",
                           "Repair packets per 100 media packets (delta frames)", 0, 100, 25, rw);
  properties[PROP_KEY_FRAME_OVERHEAD] = g_param_spec_uint (
      "key-frame-overhead", "Key frame overhead",
      "Repair packets per 100 media packets of VP8 key frames", 0, 100, 50, rw);
  properties[PROP_MASK_FAMILY] = g_param_spec_enum (
      "mask-family", "Mask family", "Which packets each repair packet protects",
      GST_TYPE_CONFAB_FEC_MASK_FAMILY, CONFAB_FEC_MASK_SEARCHED, rw);
  properties[PROP_PT] = g_param_spec_uint ("pt", "Payload type",
                                           "Payload type of the repair packets", 0, 127, 110, rw);
  properties[PROP_REPAIR_SSRC] = g_param_spec_uint (
      "repair-ssrc", "Repair SSRC", "SSRC of FlexFEC or Reed-Solomon repair packets (0: random)", 0,
      G_MAXUINT32, 0, rw);
  properties[PROP_PROTECT_PT]
      = g_param_spec_int ("protect-pt", "Protected payload type",
                          "Only protect media of this payload type (-1: all)", -1, 127, -1, rw);
  properties[PROP_COLUMNS]
      = g_param_spec_uint ("columns", "Columns", "L of the fixed row/column codes", 1, 255, 4, rw);
  properties[PROP_ROWS]
      = g_param_spec_uint ("rows", "Rows", "D of the fixed column and 2-D codes", 1, 255, 4, rw);
  properties[PROP_MIN_BLOCK] = g_param_spec_uint (
      "min-block", "Minimum block",
      "Media packets a block holds at least before a frame boundary ends it: more recovers "
      "better at the same overhead, but delays recovery of the earlier frames (applies to new "
      "streams)",
      1, 48, 1, rw);
  properties[PROP_DELAY_BUDGET] = g_param_spec_uint (
      "delay-budget", "Delay budget",
      "Longest wait of a media packet for its repair packets, ms (0: one frame; new streams)", 0,
      60000, 0, rw);
  properties[PROP_PROTECTED] = g_param_spec_uint64 (
      "protected", "Protected", "Media packets protected", 0, G_MAXUINT64, 0, ro);
  properties[PROP_REPAIR_PACKETS_SENT] = g_param_spec_uint64 (
      "repair-packets-sent", "Repair packets sent", "Repair packets sent", 0, G_MAXUINT64, 0, ro);
  properties[PROP_ENCODING_NAME] = g_param_spec_string (
      "encoding-name", "Encoding name",
      "Codec of the protected media as SDP names it (\"VP8\"), which tells key frames apart; "
      "empty: the caps' encoding-name",
      NULL, rw);
  properties[PROP_KEY_FRAMES] = g_param_spec_uint64 (
      "key-frames", "Key frames", "Key frames seen (and protected with key-frame-overhead)", 0,
      G_MAXUINT64, 0, ro);
  properties[PROP_RED_PT] = g_param_spec_int (
      "red-pt", "RED payload type",
      "ULPFEC only: wrap the protected media and the repair packets in RED (RFC 2198) on this "
      "payload type, in one sequence space, as WebRTC does; needs protect-pt (-1: plain ULPFEC)",
      -1, 127, -1, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gst_confab_fec_class_add_pad_templates (element_class);
  gst_element_class_set_static_metadata (
      element_class, "Confab FEC encoder", "Codec/Encoder/Network/RTP",
      "Adds ULPFEC, FlexFEC or Reed-Solomon repair packets to RTP", "Confab developers");
  gst_type_mark_as_plugin_api (GST_TYPE_CONFAB_FEC_SCHEME, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_CONFAB_FEC_MASK_FAMILY, 0);
}

static void
gst_confab_fec_enc_init (GstConfabFecEnc *self)
{
  gst_confab_fec_add_pads (GST_ELEMENT (self), GST_DEBUG_FUNCPTR (gst_confab_fec_enc_chain),
                           GST_DEBUG_FUNCPTR (gst_confab_fec_enc_sink_event), &self->sinkpad,
                           &self->srcpad);

  self->scheme = CONFAB_FEC_SCHEME_FLEXFEC;
  self->family = CONFAB_FEC_MASK_SEARCHED;
  self->overhead = 25;
  self->key_frame_overhead = 50;
  self->pt = 110;
  self->protect_pt = -1;
  self->red_pt = -1;
  self->columns = 4;
  self->rows = 4;
  self->min_block = 1;
  self->settings_changed = TRUE;
}
