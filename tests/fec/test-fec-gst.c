/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confabfecenc / confabfecdec through GstHarness: the encoder's output, with packets dropped,
 * decoded by our decoder gives back every media packet bit-exact; without loss the decoder
 * is a pass-through for media. */
#include <gst/app/app.h>
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <string.h>

#include "confab-red.h"
#include "confab-rtp-packet.h"
#include "fec-test-util.h"
#include "gstconfabfecdec.h"
#include "gstconfabfecenc.h"

/* GLib 2.74 keeps a buffer from a library constructor forever; with ASan, unwind slowly
 * enough to see that it comes from _dl_init and suppress just that. */
const char *__asan_default_options (void);
const char *__lsan_default_suppressions (void);

const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}

const char *
__lsan_default_suppressions (void)
{
  return "leak:_dl_init\n";
}

#define CAPS "application/x-rtp,media=video,encoding-name=VP8,clock-rate=90000,payload=96"
#define MEDIA_SSRC 0x77665544u
#define FRAMES 60
#define PER_FRAME 4

static GPtrArray *
make_media (guint32 seed)
{
  GRand *rand = g_rand_new_with_seed (seed);
  GPtrArray *media = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  guint16 seq = 65500; /* crosses the wrap */

  for (guint f = 0; f < FRAMES; f++)
    for (guint i = 0; i < PER_FRAME; i++)
      g_ptr_array_add (media, fec_test_media_packet (rand, MEDIA_SSRC, seq++, f * 3000,
                                                     i == PER_FRAME - 1, 900));
  g_rand_free (rand);
  return media;
}

/* The buffer takes its own reference to @b. */
static GstBuffer *
to_buffer (GBytes *b)
{
  return gst_buffer_new_wrapped_bytes (b);
}

static GBytes *
buffer_bytes (GstBuffer *buf)
{
  GstMapInfo map;
  GBytes *b;

  g_assert_true (gst_buffer_map (buf, &map, GST_MAP_READ));
  b = g_bytes_new (map.data, map.size);
  gst_buffer_unmap (buf, &map);
  return b;
}

static gboolean
is_media (GBytes *b)
{
  ConfabRtpView v;
  gsize len;
  const guint8 *d = g_bytes_get_data (b, &len);

  return confab_rtp_view_parse (&v, d, len) == CONFAB_FEC_OK && v.payload_type != 110
         && v.payload_type != 97 && v.payload_type != 112;
}

/* Runs media through the encoder, drops media packets with index % drop_every == 1 (none if
 * 0), runs the rest through the decoder, and returns what the decoder put out. */
/* An encoder and a decoder of @scheme with repair packets on @pt, 50% overhead on every
 * frame. */
static void
harness_pair (const char *scheme, guint pt, GstHarness **enc, GstHarness **dec)
{
  *enc = gst_harness_new ("confabfecenc");
  *dec = gst_harness_new ("confabfecdec");
  gst_util_set_object_arg (G_OBJECT ((*enc)->element), "scheme", scheme);
  gst_util_set_object_arg (G_OBJECT ((*dec)->element), "scheme", scheme);
  g_object_set ((*enc)->element, "pt", pt, "overhead", 50, "key-frame-overhead", 50, NULL);
  g_object_set ((*dec)->element, "pt", pt, NULL);
  gst_harness_set_src_caps_str (*enc, CAPS);
  gst_harness_set_src_caps_str (*dec, CAPS);
}

static GPtrArray *
run (GPtrArray *media, const char *scheme, guint pt, guint drop_every, guint64 *recovered,
     guint64 *repair_sent)
{
  GstHarness *enc, *dec;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GstBuffer *buf;
  guint media_index = 0;

  harness_pair (scheme, pt, &enc, &dec);

  for (guint i = 0; i < media->len; i++)
    {
      g_assert_cmpint (gst_harness_push (enc, to_buffer (g_ptr_array_index (media, i))), ==,
                       GST_FLOW_OK);
      while ((buf = gst_harness_try_pull (enc)) != NULL)
        {
          g_autoptr (GBytes) b = buffer_bytes (buf);
          gboolean drop = FALSE;

          if (is_media (b))
            {
              drop = drop_every && media_index % drop_every == 1;
              media_index++;
            }
          if (drop)
            gst_buffer_unref (buf);
          else
            g_assert_cmpint (gst_harness_push (dec, buf), ==, GST_FLOW_OK);
          while ((buf = gst_harness_try_pull (dec)) != NULL)
            {
              g_ptr_array_add (out, buffer_bytes (buf));
              gst_buffer_unref (buf);
            }
        }
    }
  g_assert_cmpuint (media_index, ==, media->len);
  g_object_get (dec->element, "recovered", recovered, NULL);
  g_object_get (enc->element, "repair-packets-sent", repair_sent, NULL);
  {
    guint64 prot = 0;

    g_object_get (enc->element, "protected", &prot, NULL);
    g_assert_cmpuint (prot, ==, media->len);
  }
  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
  return out;
}

/* A VP8 packet (RFC 7741): descriptor S=1, PID=0 on a frame's first packet, then the payload
 * header whose P bit is clear on key frames. */
static GstBuffer *
vp8_packet (guint16 seq, guint32 ts, gboolean first, gboolean last, gboolean key)
{
  ConfabRtpHeader hdr
      = { .marker = last, .payload_type = 96, .seq = seq, .timestamp = ts, .ssrc = MEDIA_SSRC };
  guint8 payload[600];
  g_autoptr (GBytes) packet = NULL;

  memset (payload, 0xa5, sizeof payload);
  payload[0] = first ? 0x10 : 0x00;
  payload[1] = key ? 0x00 : 0x01;
  packet = confab_rtp_packet_new (&hdr, payload, sizeof payload);
  return to_buffer (packet);
}

/* After rtpbin or rtpfunnel the caps no longer name the codec: the encoding-name property
 * must still let key frames get key-frame-overhead. With overhead 0 only key frames earn
 * repair packets. */
static void
run_key_frames (const char *encoding_name, guint64 *key_frames, guint64 *repairs)
{
  GstHarness *enc = gst_harness_new ("confabfecenc");
  guint16 seq = 1000;

  g_object_set (enc->element, "overhead", 0, "key-frame-overhead", 50, "encoding-name",
                encoding_name, NULL);
  gst_harness_set_src_caps_str (enc, "application/x-rtp");
  for (guint f = 0; f < 20; f++)
    for (guint i = 0; i < PER_FRAME; i++)
      g_assert_cmpint (gst_harness_push (enc, vp8_packet (seq++, f * 3000, i == 0,
                                                          i == PER_FRAME - 1, f % 10 == 0)),
                       ==, GST_FLOW_OK);
  g_object_get (enc->element, "key-frames", key_frames, "repair-packets-sent", repairs, NULL);
  gst_harness_teardown (enc);
}

static void
test_key_frames_from_property (void)
{
  guint64 key_frames, repairs;

  run_key_frames ("VP8", &key_frames, &repairs);
  g_assert_cmpuint (key_frames, ==, 2);
  g_assert_cmpuint (repairs, >=, 2);

  /* Bare caps and no property: nothing says VP8, so no key frame is seen. */
  run_key_frames (NULL, &key_frames, &repairs);
  g_assert_cmpuint (key_frames, ==, 0);
  g_assert_cmpuint (repairs, ==, 0);
}

static void
check_recovery (const char *scheme, guint pt)
{
  g_autoptr (GPtrArray) media = make_media (11);
  guint64 recovered = 0, repair_sent = 0;
  g_autoptr (GPtrArray) out = run (media, scheme, pt, PER_FRAME, &recovered, &repair_sent);
  GHashTable *seen = g_hash_table_new (NULL, NULL);

  g_assert_cmpuint (repair_sent, ==, FRAMES * PER_FRAME / 2);
  /* One packet per frame dropped; each frame has two repair packets covering all of it. */
  g_assert_cmpuint (recovered, ==, FRAMES);
  g_assert_cmpuint (out->len, ==, media->len);
  for (guint i = 0; i < out->len; i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < media->len && !found; j++)
        if (g_bytes_equal (g_ptr_array_index (out, i), g_ptr_array_index (media, j)))
          {
            found = TRUE;
            g_assert_false (g_hash_table_contains (seen, GUINT_TO_POINTER (j)));
            g_hash_table_add (seen, GUINT_TO_POINTER (j));
          }
      g_assert_true (found);
    }
  g_hash_table_unref (seen);
}

static void
test_flexfec_recovery (void)
{
  check_recovery ("flexfec", 110);
}

static void
test_ulpfec_recovery (void)
{
  check_recovery ("ulpfec", 97);
}

/* Reed-Solomon: with one loss per frame of four and two repair packets, as above; here the
 * code is MDS, so two losses per frame come back too. */
static void
test_rs_recovery (void)
{
  check_recovery ("rs", 112);
  {
    g_autoptr (GPtrArray) media = make_media (21);
    guint64 recovered = 0, repair_sent = 0;
    g_autoptr (GPtrArray) out = run (media, "rs", 112, 2, &recovered, &repair_sent);

    g_assert_cmpuint (recovered, ==, FRAMES * PER_FRAME / 2);
    g_assert_cmpuint (out->len, ==, media->len);
  }
}

static void
test_lossless_passthrough (void)
{
  static const char *const schemes[] = { "flexfec", "ulpfec", "rs" };
  static const guint pts[] = { 110, 97, 112 };

  for (guint s = 0; s < G_N_ELEMENTS (schemes); s++)
    {
      g_autoptr (GPtrArray) media = make_media (12 + s);
      guint64 recovered = 99, repair_sent = 0;
      g_autoptr (GPtrArray) out = run (media, schemes[s], pts[s], 0, &recovered, &repair_sent);

      g_assert_cmpuint (recovered, ==, 0);
      g_assert_cmpuint (repair_sent, >, 0);
      /* exactly the media, unchanged and in order */
      g_assert_cmpuint (out->len, ==, media->len);
      for (guint i = 0; i < out->len; i++)
        g_assert_true (g_bytes_equal (g_ptr_array_index (out, i), g_ptr_array_index (media, i)));
    }
}

#define RTX_PT 97
#define RTX_SSRC 0x0bad0bedu

/* The retransmission (RFC 4588) of @b: its header (CSRCs and extension included) on the RTX
 * payload type, SSRC and sequence number, the original sequence number in front of the
 * payload. */
static GstBuffer *
rtx_of (GBytes *b, guint16 rtx_seq)
{
  ConfabRtpView v;
  gsize len;
  const guint8 *d = g_bytes_get_data (b, &len);
  guint8 *rtx = g_malloc (len + 2);

  g_assert_cmpint (confab_rtp_view_parse (&v, d, len), ==, CONFAB_FEC_OK);
  memcpy (rtx, d, v.header_len);
  rtx[1] = (guint8) ((d[1] & 0x80) | RTX_PT);
  confab_write_u16 (rtx + 2, rtx_seq);
  confab_write_u32 (rtx + 8, RTX_SSRC);
  confab_write_u16 (rtx + v.header_len, v.seq);
  memcpy (rtx + v.header_len + 2, v.payload, len - v.header_len);
  return gst_buffer_new_wrapped (rtx, len + 2);
}

/* The decoder sits before rtpsession, which hands retransmissions to rtprtxreceive: told
 * which packets are retransmissions, it takes them as received. Per frame of four, three
 * media packets are lost and one of them comes back by retransmission before the frame's two
 * repair packets: FEC never rebuilds the retransmitted one, and the retransmission goes on
 * unchanged; each retransmission counts as restoring a missing packet. Reed-Solomon then
 * rebuilds the other two (two missing, two repair packets); FlexFEC's XOR masks over four
 * packets cannot. Without the RTX settings FlexFEC rebuilds the retransmitted ones again, and
 * Reed-Solomon, three missing for two repair packets, nothing. */
static void
test_rtx_taken_as_received (void)
{
  for (guint run = 0; run < 4; run++)
    {
      gboolean told = run % 2;
      const char *scheme = run < 2 ? "flexfec" : "rs";
      g_autoptr (GPtrArray) media = make_media (41);
      GstHarness *enc, *dec;
      GstBuffer *buf;
      guint media_index = 0, rtx_out = 0, rebuilt_rtx = 0;
      guint16 rtx_seq = 100;
      guint64 recovered = 0, restored = 0;
      g_autoptr (GHashTable) retransmitted = g_hash_table_new (NULL, NULL);

      harness_pair (scheme, 110, &enc, &dec);
      if (told)
        g_object_set (dec->element, "rtx-pt", RTX_PT, "rtx-apt", 96, "media-ssrc", MEDIA_SSRC,
                      NULL);
      for (guint i = 0; i < media->len; i++)
        {
          g_assert_cmpint (gst_harness_push (enc, to_buffer (g_ptr_array_index (media, i))), ==,
                           GST_FLOW_OK);
          while ((buf = gst_harness_try_pull (enc)) != NULL)
            {
              g_autoptr (GBytes) b = buffer_bytes (buf);

              if (is_media (b) && media_index++ % PER_FRAME != 0)
                {
                  gst_buffer_unref (buf);
                  if (media_index % PER_FRAME == 2)
                    {
                      ConfabRtpView v;
                      gsize len;
                      const guint8 *d = g_bytes_get_data (b, &len);

                      g_assert_cmpint (confab_rtp_view_parse (&v, d, len), ==, CONFAB_FEC_OK);
                      g_hash_table_add (retransmitted, GUINT_TO_POINTER ((guint) v.seq));
                      g_assert_cmpint (gst_harness_push (dec, rtx_of (b, rtx_seq++)), ==,
                                       GST_FLOW_OK);
                    }
                }
              else
                g_assert_cmpint (gst_harness_push (dec, buf), ==, GST_FLOW_OK);
              while ((buf = gst_harness_try_pull (dec)) != NULL)
                {
                  g_autoptr (GBytes) o = buffer_bytes (buf);
                  ConfabRtpView v;
                  gsize len;
                  const guint8 *d = g_bytes_get_data (o, &len);

                  g_assert_cmpint (confab_rtp_view_parse (&v, d, len), ==, CONFAB_FEC_OK);
                  if (v.payload_type == RTX_PT)
                    rtx_out++;
                  else if (v.ssrc == MEDIA_SSRC
                           && g_hash_table_contains (retransmitted,
                                                     GUINT_TO_POINTER ((guint) v.seq)))
                    rebuilt_rtx++;
                  gst_buffer_unref (buf);
                }
            }
        }
      g_object_get (dec->element, "recovered", &recovered, "rtx-restored", &restored, NULL);
      g_test_message ("%s, %s the RTX settings: %" G_GUINT64_FORMAT
                      " rebuilt, %u of them retransmitted already; %" G_GUINT64_FORMAT
                      " restored by retransmission",
                      scheme, told ? "with" : "without", recovered, rebuilt_rtx, restored);
      g_assert_cmpuint (rtx_out, ==, FRAMES);
      if (told)
        {
          g_assert_cmpuint (rebuilt_rtx, ==, 0);
          g_assert_cmpuint (restored, ==, FRAMES);
          if (run >= 2)
            g_assert_cmpuint (recovered, ==, 2 * FRAMES);
        }
      else
        {
          g_assert_cmpuint (restored, ==, 0);
          if (run < 2)
            g_assert_cmpuint (rebuilt_rtx, >, 0);
          else
            g_assert_cmpuint (recovered, ==, 0);
        }
      gst_harness_teardown (enc);
      gst_harness_teardown (dec);
    }
}

static GstElement *
on_request_fec_encoder (GstElement *rtpbin, guint session, gpointer user_data)
{
  GstElement *enc = gst_element_factory_make ("confabfecenc", NULL);

  g_object_set (enc, "pt", 110, "overhead", 50, NULL);
  *(GstElement **) user_data = enc;
  return enc; /* rtpbin takes the floating reference */
}

/* The encoder plugged in through rtpbin's request-fec-encoder signal adds repair packets
 * after the session, leaving the media as the session sent it. */
static void
test_rtpbin_encoder (void)
{
  g_autoptr (GPtrArray) media = make_media (21);
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstElement *src = gst_element_factory_make ("appsrc", NULL);
  GstElement *rtpbin = gst_element_factory_make ("rtpbin", NULL);
  GstElement *sink = gst_element_factory_make ("appsink", NULL);
  GstElement *enc = NULL;
  g_autoptr (GstCaps) caps = gst_caps_from_string (CAPS ",ssrc=(uint)2003129668");
  GstPad *pad;
  GstSample *sample;
  guint n_media = 0, n_repair = 0;
  guint64 repair_sent = 0;

  if (rtpbin == NULL)
    {
      g_test_skip ("rtpbin not available");
      gst_object_unref (pipeline);
      return;
    }
  g_object_set (src, "caps", caps, "format", GST_FORMAT_TIME, NULL);
  g_object_set (sink, "sync", FALSE, NULL);
  g_signal_connect (rtpbin, "request-fec-encoder", G_CALLBACK (on_request_fec_encoder), &enc);
  gst_bin_add_many (GST_BIN (pipeline), src, rtpbin, sink, NULL);
  pad = gst_element_request_pad_simple (rtpbin, "send_rtp_sink_0");
  g_assert_nonnull (pad);
  {
    GstPad *srcpad = gst_element_get_static_pad (src, "src");

    g_assert_cmpint (gst_pad_link (srcpad, pad), ==, GST_PAD_LINK_OK);
    gst_object_unref (srcpad);
  }
  gst_object_unref (pad);
  g_assert_true (gst_element_link_pads (rtpbin, "send_rtp_src_0", sink, "sink"));
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
  g_assert_nonnull (enc);

  for (guint i = 0; i < media->len; i++)
    {
      GstBuffer *buf = to_buffer (g_ptr_array_index (media, i));

      GST_BUFFER_PTS (buf) = i * GST_MSECOND;
      g_assert_cmpint (gst_app_src_push_buffer (GST_APP_SRC (src), buf), ==, GST_FLOW_OK);
    }
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 5 * GST_SECOND)) != NULL)
    {
      g_autoptr (GBytes) b = buffer_bytes (gst_sample_get_buffer (sample));

      if (is_media (b))
        {
          /* untouched: same bytes as given to rtpbin */
          g_assert_true (g_bytes_equal (b, g_ptr_array_index (media, n_media)));
          n_media++;
        }
      else
        n_repair++;
      gst_sample_unref (sample);
    }
  g_object_get (enc, "repair-packets-sent", &repair_sent, NULL);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  g_assert_cmpuint (n_media, ==, media->len);
  g_assert_cmpuint (n_repair, ==, repair_sent);
  g_assert_cmpuint (n_repair, ==, FRAMES * PER_FRAME / 2);
}

/* WebRTC's ULPFEC in RED (red-pt): everything of the protected payload
 * type leaves in RED, media and repair in one run of sequence numbers,
 * repair packets only after a frame's last packet even when a block fills
 * up inside a frame (frames of 60 packets here, blocks of at most 48);
 * media unwrapped and repair packets as they are, our decoder rebuilds
 * what was dropped. */
static void
test_red_ulpfec (void)
{
  GstHarness *enc = gst_harness_new ("confabfecenc");
  GstHarness *dec = gst_harness_new ("confabfecdec");
  GRand *rand = g_rand_new_with_seed (7);
  GHashTable *seen = g_hash_table_new (NULL, NULL);
  guint media = 0, repair = 0, dropped = 0, n = 0;
  gint last_seq = -1;
  gboolean after_marker = FALSE;
  guint64 recovered = 0;
  GstBuffer *buf;

  gst_util_set_object_arg (G_OBJECT (enc->element), "scheme", "ulpfec");
  gst_util_set_object_arg (G_OBJECT (dec->element), "scheme", "ulpfec");
  g_object_set (enc->element, "pt", 120, "red-pt", 118, "protect-pt", 96, "overhead", 30,
                "key-frame-overhead", 30, NULL);
  g_object_set (dec->element, "pt", 120, "red-pt", 118, NULL);
  gst_harness_set_src_caps_str (enc, CAPS);
  gst_harness_set_src_caps_str (dec, CAPS);

  for (guint f = 0; f < 6; f++)
    for (guint i = 0; i < 60; i++)
      {
        g_autoptr (GBytes) b = fec_test_media_packet (rand, MEDIA_SSRC, (guint16) (1000 + n++),
                                                      f * 3000, i == 59, 900);
        GstBuffer *in = gst_buffer_new_memdup (g_bytes_get_data (b, NULL), g_bytes_get_size (b));
        guint8 byte1;

        /* All on the protected payload type, the marker kept. */
        gst_buffer_extract (in, 1, &byte1, 1);
        byte1 = (byte1 & 0x80) | 96;
        gst_buffer_fill (in, 1, &byte1, 1);
        g_assert_cmpint (gst_harness_push (enc, in), ==, GST_FLOW_OK);
        while ((buf = gst_harness_try_pull (enc)) != NULL)
          {
            g_autoptr (GBytes) out = buffer_bytes (buf);
            gsize len;
            const guint8 *d = g_bytes_get_data (out, &len);
            guint8 plain[2048];
            gsize plain_len = 0;
            ConfabRtpView v;

            g_assert_cmpint (confab_rtp_view_parse (&v, d, len), ==, CONFAB_FEC_OK);
            g_assert_cmpuint (v.payload_type, ==, 118);
            if (last_seq >= 0)
              g_assert_cmpuint (v.seq, ==, (guint16) (last_seq + 1));
            last_seq = v.seq;
            if (v.payload[0] == 120)
              {
                /* A repair packet: only between frames. */
                g_assert_true (after_marker);
                repair++;
                g_assert_cmpint (gst_harness_push (dec, buf), ==, GST_FLOW_OK);
              }
            else
              {
                g_assert_cmpuint (v.payload[0], ==, 96);
                after_marker = v.marker;
                g_assert_cmpint (confab_red_decapsulate (d, len, plain, sizeof plain, &plain_len),
                                 ==, CONFAB_FEC_OK);
                gst_buffer_unref (buf);
                if (media++ % 7 == 3)
                  dropped++;
                else
                  g_assert_cmpint (gst_harness_push (dec, gst_buffer_new_memdup (plain, plain_len)),
                                   ==, GST_FLOW_OK);
              }
            while ((buf = gst_harness_try_pull (dec)) != NULL)
              {
                g_autoptr (GBytes) got = buffer_bytes (buf);
                const guint8 *g = g_bytes_get_data (got, &len);

                g_assert_cmpint (confab_rtp_view_parse (&v, g, len), ==, CONFAB_FEC_OK);
                g_assert_cmpuint (v.payload_type, ==, 96);
                g_hash_table_add (seen, GUINT_TO_POINTER (v.seq));
                gst_buffer_unref (buf);
              }
          }
      }
  g_object_get (dec->element, "recovered", &recovered, NULL);
  g_test_message ("%u media, %u repair in RED; %u dropped, %" G_GUINT64_FORMAT " rebuilt", media,
                  repair, dropped, recovered);
  g_assert_cmpuint (media, ==, n);
  g_assert_cmpuint (repair, >=, n * 30 / 100 - 2);
  g_assert_cmpuint (recovered, >, dropped / 2);
  g_assert_cmpuint (g_hash_table_size (seen), ==, media - dropped + recovered);

  g_hash_table_unref (seen);
  g_rand_free (rand);
  gst_harness_teardown (enc);
  gst_harness_teardown (dec);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  GST_ELEMENT_REGISTER (confabfecenc, NULL);
  GST_ELEMENT_REGISTER (confabfecdec, NULL);
  g_test_add_func ("/confab/fec/gst/flexfec-recovery", test_flexfec_recovery);
  g_test_add_func ("/confab/fec/gst/ulpfec-recovery", test_ulpfec_recovery);
  g_test_add_func ("/confab/fec/gst/rs-recovery", test_rs_recovery);
  g_test_add_func ("/confab/fec/gst/red-ulpfec", test_red_ulpfec);
  g_test_add_func ("/confab/fec/gst/rtx-taken-as-received", test_rtx_taken_as_received);
  g_test_add_func ("/confab/fec/gst/lossless-passthrough", test_lossless_passthrough);
  g_test_add_func ("/confab/fec/gst/rtpbin-encoder", test_rtpbin_encoder);
  g_test_add_func ("/confab/fec/gst/key-frames-from-property", test_key_frames_from_property);
  return g_test_run ();
}
