/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The stream records without a pipeline: the packets the network lost
 * before FEC and RTX, counted from sequence numbers (wrap-around,
 * reordering, duplicates, another SSRC); finding a stream by its RTX
 * payload type or the peer's SSRC; and the RTX parameters the pipeline
 * refuses. */
#include "config.h"

#include "confab-media-stream.h"

static ConfabStreamParams
video_params (void)
{
  return (ConfabStreamParams){ .kind = CONFAB_STREAM_KIND_VIDEO,
                               .mid = "1",
                               .codec = "VP8",
                               .pt = 96,
                               .clock_rate = 90000,
                               .send = TRUE,
                               .receive = TRUE,
                               .rtx_pt = 97 };
}

static guint64
lost_before_fec (const ConfabMediaStream *stream)
{
  ConfabStreamStats stats;

  confab_media_stream_get_stats (stream, 0, &stats);
  return stats.packets_lost_before_fec;
}

static void
test_lost_before_fec (void)
{
  ConfabStreamParams params = video_params ();
  ConfabMediaStream stream;
  /* Across the wrap, 65535 and 1 missing, 3 late, 4 twice. */
  const guint16 seqs[] = { 65533, 65534, 0, 2, 4, 3, 4, 5 };

  confab_media_stream_init (&stream, &params, NULL, 0);
  g_assert_cmpuint (lost_before_fec (&stream), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (seqs); i++)
    confab_media_stream_note_seq (&stream, 7, seqs[i]);
  /* Another SSRC (an old stream, a stray packet) is not this one's. */
  confab_media_stream_note_seq (&stream, 8, 100);
  /* 65533..5 is nine packets and eight came: as in RFC 3550's cumulative
   * count, the duplicate hides one of the two holes. */
  g_assert_cmpuint (lost_before_fec (&stream), ==, 1);

  /* One from before the first, late: the range starts there, and the
   * one between is missing too. */
  confab_media_stream_note_seq (&stream, 7, 65531);
  g_assert_cmpuint (lost_before_fec (&stream), ==, 2);
  confab_media_stream_note_seq (&stream, 7, 1);
  g_assert_cmpuint (lost_before_fec (&stream), ==, 1);
}

static void
test_find (void)
{
  ConfabStreamParams params[2] = { video_params (), video_params () };
  ConfabMediaStream streams[2];

  params[0].kind = CONFAB_STREAM_KIND_AUDIO;
  g_strlcpy (params[0].codec, "OPUS", sizeof params[0].codec);
  params[0].pt = 111;
  params[0].rtx_pt = 0;
  params[0].remote_ssrc = 42;
  confab_media_stream_init (&streams[0], &params[0], streams, 0);
  confab_media_stream_init (&streams[1], &params[1], streams, 1);

  g_assert_true (confab_media_stream_find (streams, 2, CONFAB_STREAM_BY_RTX_PT, 97) == &streams[1]);
  /* No stream has "no RTX" as its RTX payload type. */
  g_assert_null (confab_media_stream_find (streams, 2, CONFAB_STREAM_BY_RTX_PT, 0));
  g_assert_true (confab_media_stream_find (streams, 2, CONFAB_STREAM_BY_REMOTE_SSRC, 42)
                 == &streams[0]);
  /* The video's peer did not say its SSRC: the first one seen is it. */
  g_assert_null (confab_media_stream_find (streams, 2, CONFAB_STREAM_BY_REMOTE_SSRC, 9));
  confab_media_stream_note_seq (&streams[1], 9, 1);
  g_assert_true (confab_media_stream_find (streams, 2, CONFAB_STREAM_BY_REMOTE_SSRC, 9)
                 == &streams[1]);
  /* Our RTX SSRC was picked, apart from the others. */
  g_assert_cmpuint (streams[1].params.local_rtx_ssrc, !=, 0);
  g_assert_cmpuint (streams[1].params.local_rtx_ssrc, !=, streams[1].params.local_ssrc);
  g_assert_cmpuint (streams[1].params.local_rtx_ssrc, !=, streams[0].params.local_ssrc);
}

static void
expect_invalid (const ConfabStreamParams *params, guint n)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (confab_stream_params_validate (params, n, &error));
  g_assert_error (error, CONFAB_MEDIA_ERROR, CONFAB_MEDIA_ERROR_INVALID_CONFIG);
  g_test_message ("%s", error->message);
}

static void
test_validate_rtx (void)
{
  ConfabStreamParams p[2] = { video_params (), video_params () };

  g_assert_true (confab_stream_params_validate (p, 1, NULL));
  p[0].rtx_pt = 96; /* the media's own */
  expect_invalid (p, 1);
  p[0].rtx_pt = 70; /* RTCP's range */
  expect_invalid (p, 1);
  p[0].rtx_pt = 97;
  p[0].fec_pt = 97;
  expect_invalid (p, 1);
  p[0].fec_pt = 0;
  p[0].local_ssrc = p[0].local_rtx_ssrc = 5;
  expect_invalid (p, 1);

  /* An audio stream with RTX, or one whose media payload type is the
   * video's RTX. */
  p[0] = video_params ();
  p[1] = video_params ();
  p[1].kind = CONFAB_STREAM_KIND_AUDIO;
  g_strlcpy (p[1].codec, "OPUS", sizeof p[1].codec);
  p[1].pt = 111;
  p[1].clock_rate = 48000;
  expect_invalid (p, 2);
  p[1].rtx_pt = 0;
  g_assert_true (confab_stream_params_validate (p, 2, NULL));
  p[1].pt = 97;
  expect_invalid (p, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/confab/media/stream/lost-before-fec", test_lost_before_fec);
  g_test_add_func ("/confab/media/stream/find", test_find);
  g_test_add_func ("/confab/media/stream/validate-rtx", test_validate_rtx);
  return g_test_run ();
}
