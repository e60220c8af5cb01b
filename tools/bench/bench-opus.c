/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-opus.c: Opus LBRR measured on real packets.
 *
 * libopus 1.3.1 has no opus_packet_has_lbrr() (it came in 1.5), so the LBRR flag is read
 * from the packet: in SILK-only and hybrid packets the range coder's first symbols are the
 * VAD flag of each SILK frame and then the LBRR flag (RFC 6716 section 4.2.3), each coded
 * with probability 1/2. As a cross-check the decoder state is copied before each loss and
 * the decode_fec=1 output is compared with plain PLC: when they differ, LBRR was used. */
#include "bench-opus.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <math.h>
#include <opus.h>
#include <string.h>

#define RATE 48000
#define FRAME 960 /* 20 ms */
#define MAX_PACKET 1500
#define BENCH_OPUS_ERROR (g_quark_from_static_string ("bench-opus-error"))

/* A frame the decoder rejects is played as silence: it never happens with our own packets,
 * and silence scores as badly as it sounds. */
static void
decode_frame (OpusDecoder *dec, const guint8 *data, gsize len, gint16 *out, int fec)
{
  if (opus_decode (dec, data, (opus_int32) len, out, FRAME, fec) < 0)
    memset (out, 0, sizeof (gint16) * FRAME);
}

void
bench_opus_row_clear (BenchOpusRow *row)
{
  g_clear_pointer (&row->source, g_free);
}

/* A voice-like test signal: a harmonic source with a drifting pitch, shaped by two moving
 * formants, in syllables of 150-350 ms with short pauses, all drawn from @seed. SILK's VAD
 * takes it for speech, which is what in-band FEC is for. */
static gint16 *
make_voice (double seconds, guint64 seed, gsize *n_out)
{
  gsize n = (gsize) (seconds * RATE);
  gint16 *pcm = g_new0 (gint16, n);
  guint64 rng = bench_mix_seed (seed, 0x766f696365);
  double phase = 0, f0 = 140;
  gsize i = 0;

  while (i < n)
    {
      gsize syl = (gsize) ((0.15 + 0.2 * bench_rng_double (&rng)) * RATE);
      gsize pause = (gsize) ((0.03 + 0.12 * bench_rng_double (&rng)) * RATE);
      double f_start = 100 + 120 * bench_rng_double (&rng);
      double f_end = f_start * (0.8 + 0.4 * bench_rng_double (&rng));
      double fm1 = 300 + 600 * bench_rng_double (&rng), fm2 = 900 + 1500 * bench_rng_double (&rng);

      for (gsize j = 0; j < syl && i < n; j++, i++)
        {
          double t = (double) j / syl;
          double env = sin (G_PI * t);
          double s = 0;

          f0 = f_start + (f_end - f_start) * t;
          phase += 2 * G_PI * f0 / RATE;
          for (guint h = 1; h * f0 < 4000; h++)
            {
              double fh = h * f0;
              /* Formant resonances as simple bumps over the 1/h source spectrum. */
              double g = 1.0 / h
                         * (1 + 3 * exp (-pow ((fh - fm1) / 150, 2))
                            + 2 * exp (-pow ((fh - fm2) / 250, 2)));

              s += g * sin (h * phase);
            }
          s += 0.02 * (bench_rng_double (&rng) - 0.5);
          pcm[i] = (gint16) CLAMP (s * env * 5000, -32767, 32767);
        }
      for (gsize j = 0; j < pause && i < n; j++, i++)
        pcm[i] = (gint16) (60 * (bench_rng_double (&rng) - 0.5));
    }
  *n_out = n;
  return pcm;
}

/* The two range-coder symbols we need (RFC 6716 section 4.1). */
typedef struct
{
  const guint8 *buf;
  gsize len, pos;
  guint32 rng, val;
  guint rem;
} RangeDec;

static guint
rd_byte (RangeDec *d)
{
  return d->pos < d->len ? d->buf[d->pos++] : 0;
}

static void
rd_normalize (RangeDec *d)
{
  while (d->rng <= (1u << 23))
    {
      guint sym = d->rem;

      d->rem = rd_byte (d);
      sym = (sym << 8 | d->rem) >> 1;
      d->rng <<= 8;
      d->val = ((d->val << 8) + (255 & ~sym)) & 0x7fffffffu;
    }
}

static void
rd_init (RangeDec *d, const guint8 *buf, gsize len)
{
  memset (d, 0, sizeof *d);
  d->buf = buf;
  d->len = len;
  d->rem = rd_byte (d);
  d->rng = 128;
  d->val = 127 - (d->rem >> 1);
  rd_normalize (d);
}

static gboolean
rd_bit_logp (RangeDec *d, guint logp)
{
  guint32 s = d->rng >> logp;
  gboolean bit = d->val < s;

  if (!bit)
    d->val -= s;
  d->rng = bit ? s : d->rng - s;
  rd_normalize (d);
  return bit;
}

typedef enum
{
  MODE_SILK,
  MODE_HYBRID,
  MODE_CELT
} PacketMode;

static PacketMode
packet_mode (const guint8 *p)
{
  guint config = p[0] >> 3;

  return config < 12 ? MODE_SILK : config < 16 ? MODE_HYBRID : MODE_CELT;
}

/* TRUE if a mono 20 ms SILK/hybrid packet carries LBRR for the frame before it. */
static gboolean
packet_has_lbrr (const guint8 *p, gsize len)
{
  const guint8 *frames[48];
  opus_int16 sizes[48];
  RangeDec d;
  int n;

  if (len < 2 || packet_mode (p) == MODE_CELT)
    return FALSE;
  n = opus_packet_parse (p, (opus_int32) len, NULL, frames, sizes, NULL);
  if (n < 1 || sizes[0] < 1)
    return FALSE;
  rd_init (&d, frames[0], (gsize) sizes[0]);
  (void) rd_bit_logp (&d, 1); /* VAD flag of the one 20 ms SILK frame */
  return rd_bit_logp (&d, 1); /* LBRR flag */
}

static double
snr_db (const gint16 *ref, const gint16 *got, gsize n)
{
  double sig = 0, err = 0;

  for (gsize i = 0; i < n; i++)
    {
      double e = (double) ref[i] - got[i];

      sig += (double) ref[i] * ref[i];
      err += e * e;
    }
  if (sig < 1)
    return 0;
  return 10 * log10 (sig / MAX (err, 1e-9));
}

/* Decodes @packets under the losses of @run, filling the loss columns of @row. */
static gboolean
analyse (GPtrArray *packets, const BenchLossRun *run, BenchOpusRow *row, GError **error)
{
  int err = 0;
  OpusDecoder *dec = opus_decoder_create (RATE, 1, &err);
  OpusDecoder *ref = opus_decoder_create (RATE, 1, &err);
  gsize dsize = (gsize) opus_decoder_get_size (1);
  OpusDecoder *copy = g_malloc (dsize);
  gint16 out[FRAME * 6], plc[FRAME * 6], refpcm[FRAME * 6];
  double snr_r = 0, snr_c = 0;
  guint64 n_snr_r = 0, n_snr_c = 0;

  if (dec == NULL || ref == NULL)
    {
      g_set_error (error, BENCH_OPUS_ERROR, 0, "opus_decoder_create: %s", opus_strerror (err));
      g_free (copy);
      if (dec)
        opus_decoder_destroy (dec);
      if (ref)
        opus_decoder_destroy (ref);
      return FALSE;
    }
  for (guint i = 0; i < MIN (packets->len, run->n); i++)
    {
      GBytes *b = g_ptr_array_index (packets, i);
      gsize len;
      const guint8 *p = g_bytes_get_data (b, &len);
      PacketMode mode = packet_mode (p);

      row->frames++;
      row->bytes += len;
      row->silk_packets += mode == MODE_SILK;
      row->hybrid_packets += mode == MODE_HYBRID;
      row->celt_packets += mode == MODE_CELT;
      row->lbrr_packets += packet_has_lbrr (p, len);
      decode_frame (ref, p, len, refpcm, 0);

      if (!run->lost[i])
        {
          decode_frame (dec, p, len, out, 0);
          continue;
        }
      row->lost++;
      if (i + 1 < MIN (packets->len, run->n) && !run->lost[i + 1])
        {
          gsize nlen;
          const guint8 *np = g_bytes_get_data (g_ptr_array_index (packets, i + 1), &nlen);
          gboolean lbrr = packet_has_lbrr (np, nlen);

          memcpy (copy, dec, dsize);
          decode_frame (copy, NULL, 0, plc, 0);
          decode_frame (dec, np, nlen, out, 1);
          if (lbrr)
            {
              row->rebuilt++;
              row->fec_plc_differs += memcmp (out, plc, sizeof (gint16) * FRAME) != 0;
              snr_r += snr_db (refpcm, out, FRAME);
              n_snr_r++;
            }
          else
            {
              row->concealed++;
              snr_c += snr_db (refpcm, out, FRAME);
              n_snr_c++;
            }
        }
      else
        {
          decode_frame (dec, NULL, 0, out, 0);
          row->concealed++;
          row->next_lost++;
          snr_c += snr_db (refpcm, out, FRAME);
          n_snr_c++;
        }
    }
  row->snr_rebuilt_db = n_snr_r ? snr_r / n_snr_r : NAN;
  row->snr_concealed_db = n_snr_c ? snr_c / n_snr_c : NAN;
  opus_decoder_destroy (dec);
  opus_decoder_destroy (ref);
  g_free (copy);
  return TRUE;
}

static GPtrArray *
encode_libopus (const gint16 *pcm, gsize n, guint bitrate_kbps, guint hint, gboolean fec,
                GError **error)
{
  int err = 0;
  OpusEncoder *enc = opus_encoder_create (RATE, 1, OPUS_APPLICATION_VOIP, &err);
  GPtrArray *packets;
  guint8 buf[MAX_PACKET];

  if (enc == NULL)
    {
      g_set_error (error, BENCH_OPUS_ERROR, 0, "opus_encoder_create: %s", opus_strerror (err));
      return NULL;
    }
  opus_encoder_ctl (enc, OPUS_SET_BITRATE (bitrate_kbps * 1000));
  opus_encoder_ctl (enc, OPUS_SET_SIGNAL (OPUS_SIGNAL_VOICE));
  opus_encoder_ctl (enc, OPUS_SET_INBAND_FEC (fec ? 1 : 0));
  opus_encoder_ctl (enc, OPUS_SET_PACKET_LOSS_PERC ((int) hint));
  packets = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (gsize off = 0; off + FRAME <= n; off += FRAME)
    {
      opus_int32 len = opus_encode (enc, pcm + off, FRAME, buf, sizeof buf);

      if (len < 0)
        {
          g_set_error (error, BENCH_OPUS_ERROR, 0, "opus_encode: %s", opus_strerror (len));
          g_ptr_array_unref (packets);
          opus_encoder_destroy (enc);
          return NULL;
        }
      g_ptr_array_add (packets, g_bytes_new (buf, (gsize) len));
    }
  opus_encoder_destroy (enc);
  return packets;
}

/* The same voice through GStreamer's opusenc ! rtpopuspay with the call's settings
 * (media/confab-call-pipeline.c: 32 kbit/s, voice, inband-fec, packet-loss-percentage=10);
 * returns the Opus payloads of the RTP packets. */
static GPtrArray *
encode_gst (const gint16 *pcm, gsize n, guint bitrate_kbps, guint hint, GError **error)
{
  g_autofree char *desc = g_strdup_printf (
      "appsrc name=src format=time caps=audio/x-raw,format=S16LE,rate=48000,channels=1,"
      "layout=interleaved ! opusenc bitrate=%u inband-fec=true packet-loss-percentage=%u "
      "audio-type=voice frame-size=20 ! rtpopuspay pt=111 ! appsink name=sink sync=false",
      bitrate_kbps * 1000, hint);
  g_autoptr (GstElement) pipeline = gst_parse_launch (desc, error);
  GstElement *src, *sink;
  GPtrArray *packets;
  GstBuffer *in;

  if (pipeline == NULL)
    return NULL;
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  in = gst_buffer_new_memdup (pcm, n * sizeof (gint16));
  GST_BUFFER_PTS (in) = 0;
  GST_BUFFER_DURATION (in) = gst_util_uint64_scale (n, GST_SECOND, RATE);
  gst_app_src_push_buffer (GST_APP_SRC (src), in);
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  packets = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (;;)
    {
      g_autoptr (GstSample) sample = gst_app_sink_pull_sample (GST_APP_SINK (sink));
      GstMapInfo map;
      GstBuffer *b;

      if (sample == NULL)
        break;
      b = gst_sample_get_buffer (sample);
      if (!gst_buffer_map (b, &map, GST_MAP_READ))
        continue;
      /* RTP fixed header, no CSRCs or extension from rtpopuspay. */
      if (map.size > 12)
        g_ptr_array_add (packets, g_bytes_new (map.data + 12, map.size - 12));
      gst_buffer_unmap (b, &map);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (src);
  gst_object_unref (sink);
  if (packets->len == 0)
    {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
                   "the opusenc pipeline made no packets");
      g_ptr_array_unref (packets);
      return NULL;
    }
  return packets;
}

/* Analyses @packets (taken; NULL after an encoder error) into @row and appends it to @rows,
 * or clears @row. */
static gboolean
add_row (GArray *rows, BenchOpusRow *row, GPtrArray *packets, const BenchLossRun *run,
         GError **error)
{
  gboolean ok = packets != NULL && analyse (packets, run, row, error);

  g_clear_pointer (&packets, g_ptr_array_unref);
  if (ok)
    g_array_append_vals (rows, row, 1);
  else
    bench_opus_row_clear (row);
  return ok;
}

GArray *
bench_opus_run (const guint *bitrates, guint n_bitrates, const guint *hints, guint n_hints,
                double seconds, const BenchLossModel *loss, guint64 seed, GError **error)
{
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (BenchOpusRow));
  gsize n = 0;
  g_autofree gint16 *pcm = make_voice (seconds, seed, &n);
  g_autoptr (BenchLossRun) run
      = bench_loss_run_new (loss, bench_mix_seed (seed, 0x6f707573), (guint) (n / FRAME) + 16);

  g_array_set_clear_func (rows, (GDestroyNotify) bench_opus_row_clear);
  for (guint b = 0; b < n_bitrates; b++)
    for (guint h = 0; h <= n_hints; h++)
      {
        /* The extra column is FEC off, as the control. */
        BenchOpusRow row = { 0 };
        gboolean fec = h < n_hints;
        GPtrArray *packets;

        row.source = g_strdup ("libopus");
        row.bitrate_kbps = bitrates[b];
        row.loss_hint = fec ? hints[h] : 10;
        row.inband_fec = fec;
        packets = encode_libopus (pcm, n, row.bitrate_kbps, row.loss_hint, fec, error);
        if (!add_row (rows, &row, packets, run, error))
          {
            g_array_unref (rows);
            return NULL;
          }
      }

  {
    BenchOpusRow row = { 0 };
    GPtrArray *packets;

    row.source = g_strdup ("gst opusenc");
    row.bitrate_kbps = 32;
    row.loss_hint = 10;
    row.inband_fec = TRUE;
    packets = encode_gst (pcm, n, row.bitrate_kbps, row.loss_hint, error);
    if (!add_row (rows, &row, packets, run, error))
      {
        g_array_unref (rows);
        return NULL;
      }
  }
  return rows;
}
