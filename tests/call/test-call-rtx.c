/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two real ConfabCalls over loopback ICE and DTLS-SRTP, 640x360, with a
 * seeded random loss layer right above each side's ICE layer (SRTP and
 * SRTCP only, so the handshake is not what is measured): both offer and
 * answer retransmission, NACKs go out, retransmissions come back and most
 * of what the network lost is there in time; with Confab's FEC (the
 * default) and without.
 *
 * CONFAB_TEST_RTX_SECONDS sets how long the call runs (default 20 s).
 */
#include "config.h"

#include <string.h>

#include "confab-call.h"
#include "confab-packet-layer.h"
#include "../confab-test-watchdog.h"

#define LOSS_PERCENT 10
#define DEFAULT_SECONDS 20

/* -- a lossy link ------------------------------------------------------------ */

#define TEST_TYPE_SRTP_LOSS (test_srtp_loss_get_type ())
G_DECLARE_FINAL_TYPE (TestSrtpLoss, test_srtp_loss, TEST, SRTP_LOSS, ConfabPacketLayer)

struct _TestSrtpLoss
{
  ConfabPacketLayer parent_instance;
  GMutex lock;
  GRand *rand;
  guint dropped;
};

G_DEFINE_FINAL_TYPE (TestSrtpLoss, test_srtp_loss, CONFAB_TYPE_PACKET_LAYER)

/* RFC 7983: a first byte of 128..191 is RTP or RTCP (here SRTP/SRTCP). */
static void
test_srtp_loss_send (ConfabPacketLayer *layer, const guint8 *data, gsize size)
{
  TestSrtpLoss *self = TEST_SRTP_LOSS (layer);
  gboolean drop = FALSE;

  if (size > 0 && data[0] >= 128 && data[0] <= 191)
    {
      g_mutex_lock (&self->lock);
      drop = (guint) g_rand_int_range (self->rand, 0, 100) < LOSS_PERCENT;
      self->dropped += drop;
      g_mutex_unlock (&self->lock);
    }
  if (!drop)
    confab_packet_layer_send_down (layer, data, size);
}

static void
test_srtp_loss_receive (ConfabPacketLayer *layer, const guint8 *data, gsize size)
{
  confab_packet_layer_deliver_up (layer, data, size);
}

static void
test_srtp_loss_finalize (GObject *object)
{
  TestSrtpLoss *self = TEST_SRTP_LOSS (object);

  g_rand_free (self->rand);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (test_srtp_loss_parent_class)->finalize (object);
}

static void
test_srtp_loss_class_init (TestSrtpLossClass *klass)
{
  CONFAB_PACKET_LAYER_CLASS (klass)->send = test_srtp_loss_send;
  CONFAB_PACKET_LAYER_CLASS (klass)->receive = test_srtp_loss_receive;
  G_OBJECT_CLASS (klass)->finalize = test_srtp_loss_finalize;
}

static void
test_srtp_loss_init (TestSrtpLoss *self)
{
  g_mutex_init (&self->lock);
}

/* -- two calls --------------------------------------------------------------- */

typedef struct
{
  ConfabCall *peers[2]; /* offerer, answerer */
  char *texts[2];       /* each side's description */
  GMainLoop *loop;
} Pair;

static void
on_failed (ConfabCall *call, GError *error, gpointer data)
{
  g_error ("call failed: %s", error->message);
}

static void
on_gathered (GObject *source, GAsyncResult *result, gpointer data)
{
  Pair *pair = data;
  guint from = CONFAB_CALL (source) == pair->peers[0] ? 0 : 1;
  g_autoptr (GError) error = NULL;

  g_assert_true (confab_call_gather_finish (pair->peers[from], result, &error));
  g_assert_no_error (error);
  pair->texts[from] = confab_call_create_local_description (pair->peers[from], &error);
  g_assert_no_error (error);
  g_assert_true (
      confab_call_set_remote_description (pair->peers[1 - from], pair->texts[from], -1, &error));
  g_assert_no_error (error);
  if (from == 0)
    confab_call_gather_async (pair->peers[1], NULL, on_gathered, pair);
}

static gboolean
on_in_call (gpointer data)
{
  Pair *pair = data;

  if (confab_call_get_state (pair->peers[0]) != CONFAB_CALL_STATE_IN_CALL
      || confab_call_get_state (pair->peers[1]) != CONFAB_CALL_STATE_IN_CALL)
    return G_SOURCE_CONTINUE;
  g_main_loop_quit (pair->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
on_done (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* @data: whether the calls use FEC as well (Confab's default). */
static void
test_lossy_call (gconstpointer data)
{
  gboolean fec = GPOINTER_TO_INT (data);
  guint seconds = confab_test_seconds_from_env ("CONFAB_TEST_RTX_SECONDS", DEFAULT_SECONDS);
  guint watchdog = confab_test_watchdog (seconds + 60);
  guint32 seed = g_test_rand_int ();
  Pair pair = { .loop = g_main_loop_new (NULL, FALSE) };
  TestSrtpLoss *loss[2];
  ConfabCallOptions options;
  ConfabMediaStats stats[2];

  g_test_message ("seed %u, FEC %s", seed, fec ? "on" : "off");
  confab_call_options_init (&options);
  options.fec = fec;
  options.local_addresses = g_strdupv ((char *[]){ "127.0.0.1", NULL });
  options.media.video_source = "test";
  options.media.audio_source = "test";
  options.media.width = 640;
  options.media.height = 360;
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (GError) error = NULL;
      ConfabPacketPath *path;
      g_autoptr (GPtrArray) layers = NULL;

      pair.peers[i]
          = confab_call_new (i == 0 ? CONFAB_SDP_OFFER : CONFAB_SDP_ANSWER, &options, &error);
      g_assert_no_error (error);
      g_signal_connect (pair.peers[i], "failed", G_CALLBACK (on_failed), &pair);
      path = confab_call_get_packet_path (pair.peers[i]);
      layers = confab_packet_path_dup_layers (path);
      loss[i] = g_object_new (TEST_TYPE_SRTP_LOSS, NULL);
      loss[i]->rand = g_rand_new_with_seed (seed + i);
      g_assert_true (
          confab_packet_path_insert_above (path, CONFAB_PACKET_LAYER (loss[i]), layers->pdata[0]));
    }
  confab_call_options_clear (&options);

  confab_call_gather_async (pair.peers[0], NULL, on_gathered, &pair);
  g_timeout_add (50, on_in_call, &pair);
  g_main_loop_run (pair.loop);
  g_timeout_add_seconds (seconds, on_done, pair.loop);
  g_main_loop_run (pair.loop);

  for (guint i = 0; i < 2; i++)
    {
      g_auto (ConfabCallStats) call_stats = { 0 };

      confab_call_get_stats (pair.peers[i], &call_stats);
      stats[i] = call_stats.media;
    }
  for (guint i = 0; i < 2; i++)
    {
      const ConfabStreamStats *v = &stats[i].video;

      g_test_message (
          "%s: %u dropped on the way out; video lost before FEC %" G_GUINT64_FORMAT
          ", FEC %" G_GUINT64_FORMAT ", RTX %" G_GUINT64_FORMAT ", lost after %" G_GUINT64_FORMAT
          "; NACKs %" G_GUINT64_FORMAT ", PLIs %" G_GUINT64_FORMAT ", RTX sent %" G_GUINT64_FORMAT
          "; decoded %" G_GUINT64_FORMAT " of the %" G_GUINT64_FORMAT
          " frames the other side encoded",
          i == 0 ? "offerer" : "answerer", loss[i]->dropped, v->packets_lost_before_fec,
          v->fec_recovered, v->rtx_recovered, v->packets_lost, v->nack_sent, v->pli_sent,
          v->rtx_sent, v->frames_decoded, stats[1 - i].video.frames_encoded);
    }

  /* Both descriptions carry RTX for the VP8 and its SSRC group. */
  for (guint i = 0; i < 2; i++)
    {
      g_assert_nonnull (strstr (pair.texts[i], " rtx/90000\r\n"));
      g_assert_nonnull (strstr (pair.texts[i], "a=ssrc-group:FID "));
    }
  for (guint i = 0; i < 2; i++)
    {
      const ConfabStreamStats *v = &stats[i].video;

      g_assert_cmpuint (loss[i]->dropped, >, 0);
      g_assert_cmpuint (v->packets_lost_before_fec, >, 0);
      g_assert_cmpuint (v->nack_sent, >, 0);
      g_assert_cmpuint (stats[1 - i].video.nack_received, >, 0);
      g_assert_cmpuint (stats[1 - i].video.rtx_sent, >, 0);
      g_assert_cmpuint (v->rtx_recovered, >, 0);
      /* Retransmissions are not counted as invalid packets. */
      g_assert_cmpuint (stats[i].invalid_packets, ==, 0);
      /* What FEC and RTX brought back, they brought back once (the FEC
       * decoder takes retransmissions as received, or it would rebuild
       * them again: 138 for 116 losses before it did). */
      g_test_message ("%s: lost %" G_GUINT64_FORMAT ", FEC %" G_GUINT64_FORMAT
                      ", RTX %" G_GUINT64_FORMAT ", never %" G_GUINT64_FORMAT,
                      i == 0 ? "offerer" : "answerer", v->packets_lost_before_fec, v->fec_recovered,
                      v->rtx_recovered, v->packets_lost);
      g_assert_cmpuint (v->fec_recovered + v->rtx_recovered, <=,
                        v->packets_lost_before_fec + v->packets_lost_before_fec / 10);
      g_assert_cmpuint (v->packets_lost * 5, <, v->packets_lost_before_fec);
      g_assert_cmpuint (v->frames_decoded * 100, >=, stats[1 - i].video.frames_encoded * 90);
    }

  for (guint i = 0; i < 2; i++)
    {
      confab_call_hang_up (pair.peers[i]);
      g_clear_object (&pair.peers[i]);
      g_object_unref (loss[i]);
      g_free (pair.texts[i]);
    }
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_main_loop_unref (pair.loop);
  g_source_remove (watchdog);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/confab/call/rtx/lossy-call", GINT_TO_POINTER (TRUE), test_lossy_call);
  g_test_add_data_func ("/confab/call/rtx/lossy-call-without-fec", GINT_TO_POINTER (FALSE),
                        test_lossy_call);
  return g_test_run ();
}
