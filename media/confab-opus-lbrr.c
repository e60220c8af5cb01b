/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-opus-lbrr.h"

#define MS_NS G_GUINT64_CONSTANT (1000000)

/* RFC 6716 section 3.1: the TOC byte's configuration gives the mode and
 * frame size, its last two bits the frame count code. */
gboolean
confab_opus_frame_has_lbrr (const guint8 *data, gsize size, guint64 *frame_duration_ns,
                            gboolean *celt)
{
  static const guint16 silk_us[] = { 10000, 20000, 40000, 60000 };
  guint config, code;
  gsize offset = 1;

  if (data == NULL || size < 2)
    return FALSE;

  config = data[0] >> 3;
  code = data[0] & 0x03;
  *celt = config >= 16;
  if (*celt)
    return FALSE;
  /* 0..11 SILK (10/20/40/60 ms), 12..15 hybrid (10/20 ms). */
  *frame_duration_ns
      = (guint64) (config < 12 ? silk_us[config & 3] : (config & 1 ? 20000 : 10000)) * 1000;
  if (*frame_duration_ns > 20 * MS_NS)
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

void
confab_opus_fec_counter_init (ConfabOpusFecCounter *counter)
{
  *counter = (ConfabOpusFecCounter){ .gap = CONFAB_OPUS_NO_GAP, .frame_duration = 20 * MS_NS };
}

/* The frames of the pending gap, at least one. */
static guint64
gap_frames (const ConfabOpusFecCounter *counter)
{
  if (counter->gap == CONFAB_OPUS_NO_GAP)
    return 0;
  /* opusdec rounds the gap to 2.5 ms. */
  return MAX ((counter->gap + counter->frame_duration / 2) / counter->frame_duration, 1);
}

void
confab_opus_fec_counter_gap (ConfabOpusFecCounter *counter, guint64 duration_ns)
{
  counter->concealed += gap_frames (counter);
  counter->gap = duration_ns;
}

void
confab_opus_fec_counter_flush (ConfabOpusFecCounter *counter)
{
  counter->gap = CONFAB_OPUS_NO_GAP;
}

gboolean
confab_opus_fec_counter_packet (ConfabOpusFecCounter *counter, const guint8 *data, gsize size)
{
  guint64 frame_duration = CONFAB_OPUS_NO_GAP;
  gboolean celt = FALSE;
  gboolean rebuilt = confab_opus_frame_has_lbrr (data, size, &frame_duration, &celt)
                     && !counter->last_celt
                     && counter->gap != CONFAB_OPUS_NO_GAP
                     /* opusdec rounds the gap to 2.5 ms. */
                     && counter->gap + MS_NS * 5 / 4 >= frame_duration;

  counter->concealed += gap_frames (counter) - (rebuilt ? 1 : 0);
  if (size > 0)
    counter->last_celt = celt;
  if (!celt && frame_duration != CONFAB_OPUS_NO_GAP)
    counter->frame_duration = frame_duration;
  counter->gap = CONFAB_OPUS_NO_GAP;

  return rebuilt;
}
