/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * SECTION:element-confabfecdec
 * @title: confabfecdec
 *
 * Recovers lost RTP media packets from ULPFEC (RFC 5109, plain or inside RED), FlexFEC
 * (RFC 8627) or, between two Confabs, Reed-Solomon (scheme=rs, x-confab-rs) repair packets
 * as soon as they arrive. Put it *before* the jitter buffer (for
 * example in front of rtpbin's recv_rtp_sink pad): media packets pass through untouched,
 * repair packets are consumed, and a recovered packet is pushed the moment it can be
 * rebuilt, so to the jitter buffer it is merely a late packet. It also works from rtpbin's
 * #GstRtpBin::request-fec-decoder signal, where it then sits after the jitter buffer.
 * Duplicates of packets already passed on (received or recovered) are dropped.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=300 ! vp8enc deadline=1 ! rtpvp8pay ! \
 *   confabfecenc scheme=ulpfec pt=97 overhead=30 ! identity drop-probability=0.05 ! \
 *   confabfecdec scheme=ulpfec pt=97 ! rtpjitterbuffer ! rtpvp8depay ! vp8dec ! fakesink
 * ]|
 * Protects VP8 with ULPFEC, drops 5% of all packets and recovers them; the
 * #GstConfabFecDec:recovered and #GstConfabFecDec:unrecovered counters tell how well.
 */
#include "gstconfabfecdec.h"

#include <string.h>

#include "confab-fec-decoder.h"
#include "confab-fec-rs-decoder.h"
#include "confab-rtp-packet.h"
#include "gstconfabfeccommon.h"
#include "gstconfabfecenums.h"

GST_DEBUG_CATEGORY_STATIC (confab_fec_dec_debug);
#define GST_CAT_DEFAULT confab_fec_dec_debug

struct _GstConfabFecDec
{
  GstElement parent;

  GstPad *sinkpad;
  GstPad *srcpad;

  /* properties, under the object lock */
  ConfabFecScheme scheme;
  guint pt;
  gint red_pt;
  guint32 repair_ssrc;
  /* Retransmissions (RFC 4588) of the protected media: their payload type (-1: none), the
   * media's, and the media SSRC they restore. */
  gint rtx_pt;
  guint rtx_apt;
  guint32 media_ssrc;
  /* Retransmissions that filled a gap: their packet was neither received nor rebuilt when they
   * came (a retransmission that comes after FEC rebuilt its packet restores nothing). */
  guint64 rtx_restored;

  /* created on the first buffer, under the object lock (counters are read from it): the
   * XOR decoder, or for scheme=rs the Reed-Solomon one */
  ConfabFecDecoder *dec;
  ConfabFecRsDecoder *rs;
};

enum
{
  PROP_0,
  PROP_SCHEME,
  PROP_PT,
  PROP_RED_PT,
  PROP_REPAIR_SSRC,
  PROP_RTX_PT,
  PROP_RTX_APT,
  PROP_MEDIA_SSRC,
  PROP_RECOVERED,
  PROP_UNRECOVERED,
  PROP_REPAIR_PACKETS_RECEIVED,
  PROP_REPAIR_PACKETS_REJECTED,
  PROP_RTX_RESTORED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (GstConfabFecDec, gst_confab_fec_dec, GST_TYPE_ELEMENT)
GST_ELEMENT_REGISTER_DEFINE (confabfecdec, "confabfecdec", GST_RANK_NONE, GST_TYPE_CONFAB_FEC_DEC);

/* Called with the object lock. */
static gboolean
ensure_decoder (GstConfabFecDec *self)
{
  ConfabFecDecoderConfig cfg;
  g_autoptr (GError) error = NULL;

  if (self->dec || self->rs)
    return TRUE;
  if (self->scheme == CONFAB_FEC_SCHEME_RS)
    {
      ConfabFecRsDecoderConfig rc;

      confab_fec_rs_decoder_config_init (&rc);
      rc.payload_type = (gint) self->pt;
      rc.repair_ssrc = self->repair_ssrc;
      /* Valid for every value the properties allow. */
      self->rs = confab_fec_rs_decoder_new (&rc, NULL);
      return TRUE;
    }
  confab_fec_decoder_config_init (&cfg);
  if (self->scheme == CONFAB_FEC_SCHEME_FLEXFEC)
    {
      cfg.flexfec_pt = (gint) self->pt;
      cfg.flexfec_ssrc = self->repair_ssrc;
    }
  else
    cfg.ulpfec_pt = (gint) self->pt;
  cfg.red_pt = self->red_pt;
  self->dec = confab_fec_decoder_new (&cfg, &error);
  if (self->dec == NULL)
    {
      GST_WARNING_OBJECT (self, "cannot create decoder: %s", error->message);
      return FALSE;
    }
  return TRUE;
}

/* A retransmission of a protected packet, written into @out as the packet it restores:
 * media payload type, the original sequence number (the payload's first two bytes) and SSRC.
 * Returns its length, 0 when @data is no such retransmission. Called with the object lock. */
static gsize
restored_packet (GstConfabFecDec *self, const guint8 *data, gsize size, guint8 *out)
{
  ConfabRtpView v;

  /* Every packet comes here: the payload type rules out most before any parsing. */
  if (self->rtx_pt < 0 || self->media_ssrc == 0 || size < 2
      || (data[1] & 0x7f) != (guint) self->rtx_pt || size > CONFAB_FEC_MAX_PACKET_SIZE
      || confab_rtp_view_parse (&v, data, size) != CONFAB_FEC_OK || v.ssrc == self->media_ssrc
      || v.payload_len < 2)
    return 0;
  memcpy (out, data, v.header_len);
  out[1] = (guint8) ((data[1] & 0x80) | self->rtx_apt);
  memcpy (out + 2, v.payload, 2);
  confab_write_u32 (out + 8, self->media_ssrc);
  memcpy (out + v.header_len, v.payload + 2, size - v.header_len - 2);
  return size - 2;
}

/* The decoder's counters, whichever it is. Called with the object lock. */
static void
decoder_stats (GstConfabFecDec *self, ConfabFecDecoderStats *stats)
{
  *stats = (ConfabFecDecoderStats){ 0 };
  if (self->dec)
    confab_fec_decoder_get_stats (self->dec, stats);
  if (self->rs)
    confab_fec_rs_decoder_get_stats (self->rs, stats);
}

/* One packet to the decoder, whichever it is. Called with the object lock. */
static ConfabFecPacketKind
decoder_push (GstConfabFecDec *self, const guint8 *data, gsize size)
{
  return self->rs ? confab_fec_rs_decoder_push (self->rs, data, size, NULL)
                  : confab_fec_decoder_push (self->dec, data, size, NULL);
}

/* The decoder's next recovered packet, whichever it is, or NULL. Called with the object lock. */
static const guint8 *
decoder_next_recovered (GstConfabFecDec *self, gsize *len)
{
  return self->rs ? confab_fec_rs_decoder_next_recovered (self->rs, len)
                  : confab_fec_decoder_next_recovered (self->dec, len);
}

/* A packet a retransmission restores (behind rtpsession, out of sight) is
 * one the decoder must not rebuild again, and it may complete a repair
 * packet: the decoder takes it as received, and counts it restored if it
 * was still missing. Called with the object lock. */
static void
take_restored (GstConfabFecDec *self, const guint8 *restored, gsize size)
{
  ConfabFecDecoderStats before, after;

  decoder_stats (self, &before);
  if (decoder_push (self, restored, size) != CONFAB_FEC_PACKET_MEDIA)
    return;
  decoder_stats (self, &after);
  /* Older than the window: the decoder cannot tell, nor count it. */
  self->rtx_restored += after.late == before.late;
}

static GstFlowReturn
gst_confab_fec_dec_chain (GstPad *pad, GstObject *parent, GstBuffer *buffer)
{
  GstConfabFecDec *self = GST_CONFAB_FEC_DEC (parent);
  GstMapInfo map;
  ConfabFecPacketKind kind = CONFAB_FEC_PACKET_NOT_RTP;
  GPtrArray *recovered = NULL;
  GstClockTime pts = GST_BUFFER_PTS (buffer);
  GstClockTime dts = GST_BUFFER_DTS (buffer);
  GstFlowReturn ret = GST_FLOW_OK;

  if (gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      const guint8 *r;
      gsize len;

      GST_OBJECT_LOCK (self);
      if (ensure_decoder (self))
        {
          guint8 restored[CONFAB_FEC_MAX_PACKET_SIZE];
          gsize n = restored_packet (self, map.data, map.size, restored);

          /* The retransmission itself goes on, to rtpsession. */
          if (n > 0)
            {
              take_restored (self, restored, n);
              kind = CONFAB_FEC_PACKET_NOT_RTP;
            }
          else
            kind = decoder_push (self, map.data, map.size);
          while ((r = decoder_next_recovered (self, &len)) != NULL)
            gst_confab_fec_collect (&recovered, r, len);
        }
      GST_OBJECT_UNLOCK (self);
      gst_buffer_unmap (buffer, &map);
    }

  if (kind == CONFAB_FEC_PACKET_MEDIA || kind == CONFAB_FEC_PACKET_NOT_RTP)
    ret = gst_pad_push (self->srcpad, buffer);
  else
    gst_buffer_unref (buffer);

  /* Recovered now: to the jitter buffer these are packets arriving late. */
  return gst_confab_fec_push_after (self->srcpad, ret, recovered, pts, dts);
}

static gboolean
gst_confab_fec_dec_sink_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  GstConfabFecDec *self = GST_CONFAB_FEC_DEC (parent);

  /* End of stream or a flush: whatever is still missing will not be recovered any more. */
  if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP || GST_EVENT_TYPE (event) == GST_EVENT_EOS)
    {
      GST_OBJECT_LOCK (self);
      if (self->dec)
        confab_fec_decoder_drain (self->dec);
      if (self->rs)
        confab_fec_rs_decoder_drain (self->rs);
      GST_OBJECT_UNLOCK (self);
    }
  return gst_pad_event_default (pad, parent, event);
}

#define FIELD(name) G_STRUCT_OFFSET (GstConfabFecDec, name)
static const gsize prop_fields[N_PROPS] = {
  [PROP_SCHEME] = FIELD (scheme),         [PROP_PT] = FIELD (pt),
  [PROP_RED_PT] = FIELD (red_pt),         [PROP_REPAIR_SSRC] = FIELD (repair_ssrc),
  [PROP_RTX_PT] = FIELD (rtx_pt),         [PROP_RTX_APT] = FIELD (rtx_apt),
  [PROP_MEDIA_SSRC] = FIELD (media_ssrc),
};
#undef FIELD
/* The decoder's counters. */
#define STAT(name) G_STRUCT_OFFSET (ConfabFecDecoderStats, name)
static const gsize prop_stats[N_PROPS] = {
  [PROP_RECOVERED] = STAT (recovered),
  [PROP_UNRECOVERED] = STAT (unrecovered),
  [PROP_REPAIR_PACKETS_RECEIVED] = STAT (repair_packets),
  [PROP_REPAIR_PACKETS_REJECTED] = STAT (repair_rejected),
};
#undef STAT

/* Called with the object lock: settings take effect on a fresh decoder. */
static void
on_settings_changed (GObject *object)
{
  g_clear_pointer (&GST_CONFAB_FEC_DEC (object)->dec, confab_fec_decoder_free);
  g_clear_pointer (&GST_CONFAB_FEC_DEC (object)->rs, confab_fec_rs_decoder_free);
}

static const GstConfabFecFields fields = { prop_fields, N_PROPS, on_settings_changed };

static void
gst_confab_fec_dec_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GstConfabFecDec *self = GST_CONFAB_FEC_DEC (object);
  ConfabFecDecoderStats stats = { 0 };

  GST_OBJECT_LOCK (self);
  if (prop_id == PROP_RTX_RESTORED)
    {
      g_value_set_uint64 (value, self->rtx_restored);
      GST_OBJECT_UNLOCK (self);
      return;
    }
  decoder_stats (self, &stats);
  GST_OBJECT_UNLOCK (self);
  if (!gst_confab_fec_fields_get (&stats, prop_stats, N_PROPS, prop_id, value))
    gst_confab_fec_get_property (object, prop_id, value, pspec);
}

static void
gst_confab_fec_dec_finalize (GObject *object)
{
  on_settings_changed (object);
  G_OBJECT_CLASS (gst_confab_fec_dec_parent_class)->finalize (object);
}

static void
gst_confab_fec_dec_class_init (GstConfabFecDecClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  GST_DEBUG_CATEGORY_INIT (confab_fec_dec_debug, "confabfecdec", 0, "Confab FEC decoder");

  gst_confab_fec_class_install_fields (object_class, &fields);
  object_class->get_property = gst_confab_fec_dec_get_property;
  object_class->finalize = gst_confab_fec_dec_finalize;

  properties[PROP_SCHEME]
      = g_param_spec_enum ("scheme", "Scheme", "Repair packet format", GST_TYPE_CONFAB_FEC_SCHEME,
                           CONFAB_FEC_SCHEME_FLEXFEC, rw);
  properties[PROP_PT] = g_param_spec_uint ("pt", "Payload type",
                                           "Payload type of the repair packets (ULPFEC: also "
                                           "the RED block type)",
                                           0, 127, 110, rw);
  properties[PROP_RED_PT] = g_param_spec_int (
      "red-pt", "RED payload type",
      "Payload type of RED (RFC 2198) carrying media and ULPFEC (-1: none)", -1, 127, -1, rw);
  properties[PROP_REPAIR_SSRC] = g_param_spec_uint (
      "repair-ssrc", "Repair SSRC",
      "SSRC of FlexFEC or Reed-Solomon repair packets (0: any SSRC with the payload type)", 0,
      G_MAXUINT32, 0, rw);
  properties[PROP_RTX_PT] = g_param_spec_int (
      "rtx-pt", "RTX payload type",
      "Payload type of retransmissions (RFC 4588) of the protected media, which the decoder "
      "takes as received (-1: none)",
      -1, 127, -1, rw);
  properties[PROP_RTX_APT]
      = g_param_spec_uint ("rtx-apt", "RTX associated payload type",
                           "Payload type of the media the retransmissions restore", 0, 127, 96, rw);
  properties[PROP_MEDIA_SSRC] = g_param_spec_uint (
      "media-ssrc", "Media SSRC", "SSRC of the media the retransmissions restore (0: ignore them)",
      0, G_MAXUINT32, 0, rw);
  properties[PROP_RECOVERED] = g_param_spec_uint64 (
      "recovered", "Recovered", "Media packets recovered", 0, G_MAXUINT64, 0, ro);
  properties[PROP_UNRECOVERED]
      = g_param_spec_uint64 ("unrecovered", "Unrecovered",
                             "Media packets lost and not recovered (counted when they leave the "
                             "recovery window)",
                             0, G_MAXUINT64, 0, ro);
  properties[PROP_REPAIR_PACKETS_RECEIVED]
      = g_param_spec_uint64 ("repair-packets-received", "Repair packets received",
                             "Repair packets received", 0, G_MAXUINT64, 0, ro);
  properties[PROP_REPAIR_PACKETS_REJECTED]
      = g_param_spec_uint64 ("repair-packets-rejected", "Repair packets rejected",
                             "Repair packets refused as malformed, out of window or for unknown "
                             "SSRCs",
                             0, G_MAXUINT64, 0, ro);
  properties[PROP_RTX_RESTORED] = g_param_spec_uint64 (
      "rtx-restored", "Restored by retransmission",
      "Retransmissions whose packet was still missing (neither received nor recovered) when "
      "they arrived",
      0, G_MAXUINT64, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gst_confab_fec_class_add_pad_templates (element_class);
  gst_element_class_set_static_metadata (
      element_class, "Confab FEC decoder", "Codec/Decoder/Network/RTP",
      "Recovers lost RTP packets from ULPFEC, FlexFEC or Reed-Solomon", "Confab developers");
  gst_type_mark_as_plugin_api (GST_TYPE_CONFAB_FEC_SCHEME, 0);
}

static void
gst_confab_fec_dec_init (GstConfabFecDec *self)
{
  gst_confab_fec_add_pads (GST_ELEMENT (self), GST_DEBUG_FUNCPTR (gst_confab_fec_dec_chain),
                           GST_DEBUG_FUNCPTR (gst_confab_fec_dec_sink_event), &self->sinkpad,
                           &self->srcpad);

  self->scheme = CONFAB_FEC_SCHEME_FLEXFEC;
  self->pt = 110;
  self->red_pt = -1;
  self->rtx_pt = -1;
  self->rtx_apt = 96;
}
