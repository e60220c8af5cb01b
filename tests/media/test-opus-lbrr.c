/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Counting the frames opusdec rebuilds from Opus in-band FEC, on
 * hand-made packets (RFC 6716 TOC bytes): no pipeline, no codec. */
#include "config.h"

#include "confab-opus-lbrr.h"

#define MS_NS G_GUINT64_CONSTANT (1000000)

/* TOC byte: configuration, stereo flag, frame count code. */
#define TOC(config, code) ((guint8) ((config) << 3 | (code)))
#define SILK_NB_10 0
#define SILK_NB_20 1
#define SILK_NB_40 2
#define HYBRID_SWB_20 13
#define HYBRID_FB_10 14
#define CELT_FB_20 31

/* The first byte of a SILK frame: VAD flag, then the LBRR flag (0x40). */
#define LBRR 0x40
#define NO_LBRR 0x80

static gboolean
has_lbrr (const guint8 *data, gsize size, guint64 *duration, gboolean *celt)
{
  *duration = 0;
  *celt = FALSE;
  return confab_opus_frame_has_lbrr (data, size, duration, celt);
}

static void
test_toc (void)
{
  const guint8 silk[] = { TOC (SILK_NB_20, 0), LBRR | 0x80, 1, 2 };
  const guint8 silk_no_lbrr[] = { TOC (SILK_NB_20, 0), NO_LBRR, 1, 2 };
  const guint8 silk_10[] = { TOC (SILK_NB_10, 0), LBRR, 1 };
  const guint8 silk_40[] = { TOC (SILK_NB_40, 0), LBRR, 1 };
  const guint8 hybrid[] = { TOC (HYBRID_SWB_20, 0), LBRR };
  const guint8 hybrid_10[] = { TOC (HYBRID_FB_10, 0), LBRR };
  const guint8 celt[] = { TOC (CELT_FB_20, 0), 0xff, 0xff };
  const guint8 two_frames[] = { TOC (SILK_NB_20, 1), LBRR, LBRR };
  guint64 duration;
  gboolean is_celt;

  g_assert_true (has_lbrr (silk, sizeof silk, &duration, &is_celt));
  g_assert_cmpuint (duration, ==, 20 * MS_NS);
  g_assert_false (is_celt);
  g_assert_false (has_lbrr (silk_no_lbrr, sizeof silk_no_lbrr, &duration, &is_celt));
  g_assert_true (has_lbrr (silk_10, sizeof silk_10, &duration, &is_celt));
  g_assert_cmpuint (duration, ==, 10 * MS_NS);
  /* 40 and 60 ms SILK frames keep their LBRR flags elsewhere. */
  g_assert_false (has_lbrr (silk_40, sizeof silk_40, &duration, &is_celt));
  g_assert_true (has_lbrr (hybrid, sizeof hybrid, &duration, &is_celt));
  g_assert_cmpuint (duration, ==, 20 * MS_NS);
  g_assert_true (has_lbrr (hybrid_10, sizeof hybrid_10, &duration, &is_celt));
  g_assert_cmpuint (duration, ==, 10 * MS_NS);
  g_assert_false (has_lbrr (celt, sizeof celt, &duration, &is_celt));
  g_assert_true (is_celt);
  g_assert_false (has_lbrr (two_frames, sizeof two_frames, &duration, &is_celt));

  /* Too short to tell, or nothing at all. */
  g_assert_false (has_lbrr (silk, 1, &duration, &is_celt));
  g_assert_false (has_lbrr (NULL, 0, &duration, &is_celt));
}

/* Code 3 (libopus's CBR padding): one frame after the padding length. */
static void
test_code3 (void)
{
  const guint8 padded[] = { TOC (SILK_NB_20, 3), 0x40 | 1, 255, 10, LBRR, 0 };
  const guint8 unpadded[] = { TOC (SILK_NB_20, 3), 1, LBRR };
  const guint8 two[] = { TOC (SILK_NB_20, 3), 2, LBRR, LBRR };
  /* The padding length runs to the end: no frame to look at. */
  const guint8 all_padding[] = { TOC (SILK_NB_20, 3), 0x40 | 1, 255, 255 };
  guint64 duration;
  gboolean celt;

  g_assert_true (has_lbrr (padded, sizeof padded, &duration, &celt));
  g_assert_true (has_lbrr (unpadded, sizeof unpadded, &duration, &celt));
  g_assert_false (has_lbrr (two, sizeof two, &duration, &celt));
  g_assert_false (has_lbrr (all_padding, sizeof all_padding, &duration, &celt));
}

static void
test_counter (void)
{
  const guint8 lbrr[] = { TOC (SILK_NB_20, 0), LBRR, 1 };
  const guint8 plain[] = { TOC (SILK_NB_20, 0), NO_LBRR, 1 };
  const guint8 celt[] = { TOC (CELT_FB_20, 0), 0xff };
  ConfabOpusFecCounter counter;

  confab_opus_fec_counter_init (&counter);
  /* No gap before: nothing to rebuild. */
  g_assert_false (confab_opus_fec_counter_packet (&counter, lbrr, sizeof lbrr));

  /* A lost packet, then one carrying it. */
  confab_opus_fec_counter_gap (&counter, 20 * MS_NS);
  g_assert_true (confab_opus_fec_counter_packet (&counter, lbrr, sizeof lbrr));
  g_assert_false (confab_opus_fec_counter_packet (&counter, lbrr, sizeof lbrr));

  /* Without LBRR data the decoder conceals. */
  confab_opus_fec_counter_gap (&counter, 20 * MS_NS);
  g_assert_false (confab_opus_fec_counter_packet (&counter, plain, sizeof plain));

  /* opusdec rounds gaps to 2.5 ms: 18.75 ms still covers a 20 ms frame,
   * 17.5 ms does not. */
  confab_opus_fec_counter_gap (&counter, 18750 * G_GUINT64_CONSTANT (1000));
  g_assert_true (confab_opus_fec_counter_packet (&counter, lbrr, sizeof lbrr));
  confab_opus_fec_counter_gap (&counter, 17500 * G_GUINT64_CONSTANT (1000));
  g_assert_false (confab_opus_fec_counter_packet (&counter, lbrr, sizeof lbrr));

  /* A gap of unknown duration, and a flush, count nothing. */
  confab_opus_fec_counter_gap (&counter, CONFAB_OPUS_NO_GAP);
  g_assert_false (confab_opus_fec_counter_packet (&counter, lbrr, sizeof lbrr));
  confab_opus_fec_counter_gap (&counter, 20 * MS_NS);
  confab_opus_fec_counter_flush (&counter);
  g_assert_false (confab_opus_fec_counter_packet (&counter, lbrr, sizeof lbrr));

  /* After a CELT-only packet there is nothing to rebuild from; an empty
   * buffer (a gap's) does not change what came before. */
  g_assert_false (confab_opus_fec_counter_packet (&counter, celt, sizeof celt));
  confab_opus_fec_counter_gap (&counter, 20 * MS_NS);
  g_assert_false (confab_opus_fec_counter_packet (&counter, NULL, 0));
  confab_opus_fec_counter_gap (&counter, 20 * MS_NS);
  g_assert_false (confab_opus_fec_counter_packet (&counter, lbrr, sizeof lbrr));
  confab_opus_fec_counter_gap (&counter, 20 * MS_NS);
  g_assert_true (confab_opus_fec_counter_packet (&counter, lbrr, sizeof lbrr));
}

/* What is not rebuilt is concealed: a gap's frames, less the one the next
 * packet's LBRR rebuilds. */
static void
test_concealed (void)
{
  const guint8 lbrr[] = { TOC (SILK_NB_20, 0), LBRR, 1 };
  const guint8 plain[] = { TOC (SILK_NB_20, 0), NO_LBRR, 1 };
  ConfabOpusFecCounter counter;

  confab_opus_fec_counter_init (&counter);
  g_assert_false (confab_opus_fec_counter_packet (&counter, lbrr, sizeof lbrr));
  g_assert_cmpuint (counter.concealed, ==, 0);

  /* One lost, rebuilt: nothing concealed. */
  confab_opus_fec_counter_gap (&counter, 20 * MS_NS);
  g_assert_true (confab_opus_fec_counter_packet (&counter, lbrr, sizeof lbrr));
  g_assert_cmpuint (counter.concealed, ==, 0);

  /* One lost, no LBRR: concealed. */
  confab_opus_fec_counter_gap (&counter, 20 * MS_NS);
  g_assert_false (confab_opus_fec_counter_packet (&counter, plain, sizeof plain));
  g_assert_cmpuint (counter.concealed, ==, 1);

  /* Three lost in one gap: the last rebuilt, two concealed. */
  confab_opus_fec_counter_gap (&counter, 60 * MS_NS);
  g_assert_true (confab_opus_fec_counter_packet (&counter, lbrr, sizeof lbrr));
  g_assert_cmpuint (counter.concealed, ==, 3);

  /* Two gaps in a row: the first is concealed whole. */
  confab_opus_fec_counter_gap (&counter, 20 * MS_NS);
  confab_opus_fec_counter_gap (&counter, 20 * MS_NS);
  g_assert_true (confab_opus_fec_counter_packet (&counter, lbrr, sizeof lbrr));
  g_assert_cmpuint (counter.concealed, ==, 4);

  /* A flush forgets the gap: nothing concealed that anyone heard. */
  confab_opus_fec_counter_gap (&counter, 20 * MS_NS);
  confab_opus_fec_counter_flush (&counter);
  g_assert_false (confab_opus_fec_counter_packet (&counter, plain, sizeof plain));
  g_assert_cmpuint (counter.concealed, ==, 4);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/confab/media/opus-lbrr/toc", test_toc);
  g_test_add_func ("/confab/media/opus-lbrr/code3", test_code3);
  g_test_add_func ("/confab/media/opus-lbrr/counter", test_counter);
  g_test_add_func ("/confab/media/opus-lbrr/concealed", test_concealed);

  return g_test_run ();
}
