/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two real ConfabCalls over loopback ICE with the path simulator on the
 * offerer's link (both ways), for adaptive FEC:
 * - a clean path: after 10 s the FEC overhead is at most 5% of the video
 *   packets, and nothing was retransmitted;
 * - each kind of FEC (FlexFEC, ULPFEC in RED, Reed-Solomon asked for by
 *   the offerer and taken by the answerer) over a lossy path: both sides
 *   agreed on it, and repair packets rebuild lost ones.
 *
 * With CONFAB_FIGURES=1 it also measures adaptive FEC against the fixed
 * 25% (CONFAB_FEC_SECONDS long calls, default 30 s): frames decoded, as a
 * share of a clean run, freezes and frozen time, at 10% loss (20 ms round
 * trip) and at 20% loss with 150 ms.
 */
#include "config.h"

#include <string.h>

#include "confab-call.h"
#include "../confab-test-watchdog.h"
#include "call-test-util.h"

typedef enum
{
  FEC_ADAPTIVE,
  FEC_FIXED, /* today's 25% (key frames 50%) throughout */
  FEC_ULPFEC_RED,
  FEC_RS, /* the offerer's --fec=rs; the answerer's default takes it */
} FecMode;

/* The video's fec_scheme each mode agrees on. */
static const char *const schemes[] = { "flexfec", "flexfec", "ulpfec-red", "rs" };

typedef struct
{
  ConfabCall *peers[2]; /* offerer, answerer */
  GError *failures[2];
  CallTestPair pair;
  gboolean quit;
} Calls;

static void
on_failed (ConfabCall *call, GError *error, gpointer data)
{
  Calls *c = data;

  call_test_note_failure (c->peers, c->failures, call, error);
}

static gboolean
on_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the default main context for @ms, or until both calls are in
 * progress (@until_in_call) or one failed. */
static void
spin (Calls *c, guint ms, gboolean until_in_call)
{
  gboolean done = FALSE;
  guint timer = g_timeout_add (ms, on_timeout, &done);

  while (!done && !c->failures[0] && !c->failures[1])
    {
      g_main_context_iteration (NULL, TRUE);
      if (until_in_call && confab_call_get_state (c->peers[0]) == CONFAB_CALL_STATE_IN_CALL
          && confab_call_get_state (c->peers[1]) == CONFAB_CALL_STATE_IN_CALL)
        break;
    }
  if (!done)
    g_source_remove (timer);
  g_assert_no_error (c->failures[0]);
  g_assert_no_error (c->failures[1]);
}

static void
calls_start (Calls *c, const char *spec, FecMode mode)
{
  memset (c, 0, sizeof *c);
  c->pair = (CallTestPair){ c->peers, -1, NULL };
  for (guint i = 0; i < 2; i++)
    {
      ConfabCallOptions options;
      g_autoptr (GError) error = NULL;

      confab_call_options_init (&options);
      options.local_addresses = g_strdupv ((char *[]){ "127.0.0.1", NULL });
      options.media.video_source = "test";
      options.media.audio_source = "test";
      options.adaptive_fec = mode != FEC_FIXED;
      options.ulpfec = mode == FEC_ULPFEC_RED;
      options.rs_fec = mode == FEC_RS && i == 0;
      if (i == 0)
        g_assert_true (confab_netsim_spec_parse (spec, &options.netsim, &error));
      c->peers[i]
          = confab_call_new (i == 0 ? CONFAB_SDP_OFFER : CONFAB_SDP_ANSWER, &options, &error);
      g_assert_no_error (error);
      g_signal_connect (c->peers[i], "failed", G_CALLBACK (on_failed), c);
      confab_call_options_clear (&options);
    }
  call_test_start (&c->pair);
  spin (c, 20000, TRUE);
}

static void
calls_stop (Calls *c)
{
  for (guint i = 0; i < 2; i++)
    {
      confab_call_hang_up (c->peers[i]);
      g_signal_handlers_disconnect_by_data (c->peers[i], c);
      g_clear_object (&c->peers[i]);
      g_clear_error (&c->failures[i]);
    }
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
media_stats (Calls *c, guint i, ConfabMediaStats *out)
{
  g_auto (ConfabCallStats) stats = { 0 };

  confab_call_get_stats (c->peers[i], &stats);
  *out = stats.media;
}

static const char *const sides[] = { "offerer", "answerer" };

static void
log_video (const char *what, const ConfabMediaStats *m)
{
  const ConfabStreamStats *v = &m->video;

  g_test_message (
      "%s: FEC %.1f%% now (%" G_GUINT64_FORMAT " repair for %" G_GUINT64_FORMAT
      " media); lost %" G_GUINT64_FORMAT ", rebuilt %" G_GUINT64_FORMAT
      ", resent %" G_GUINT64_FORMAT ", never %" G_GUINT64_FORMAT "; RTX sent %" G_GUINT64_FORMAT
      "; decoded %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
      " freezes; audio rebuilt %" G_GUINT64_FORMAT ", concealed %" G_GUINT64_FORMAT
      "; encoded %" G_GUINT64_FORMAT ", target %u kbit/s; NACKs %" G_GUINT64_FORMAT
      " sent, %" G_GUINT64_FORMAT " received",
      what, v->fec_overhead_pct, v->fec_repair_sent, v->packets_sent, v->packets_lost_before_fec,
      v->fec_recovered, v->rtx_recovered, v->packets_lost, v->rtx_sent, v->frames_decoded,
      v->freezes, m->audio.fec_recovered, m->audio.concealed, v->frames_encoded,
      v->target_bitrate_kbps, v->nack_sent, v->nack_received);
}

/* The target: no loss, FEC overhead <= 5% of the video packets
 * after 10 s, no retransmissions. */
static void
test_clean (void)
{
  guint watchdog = confab_test_watchdog (90);
  Calls c;
  ConfabMediaStats m[2];

  calls_start (&c, "", FEC_ADAPTIVE);
  spin (&c, 12000, FALSE);
  for (guint i = 0; i < 2; i++)
    {
      media_stats (&c, i, &m[i]);
      log_video (sides[i], &m[i]);
    }
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpuint (m[i].video.packets_sent, >, 300);
      g_assert_cmpfloat (m[i].video.fec_overhead_pct, <=, 5);
      g_assert_cmpuint (m[i].video.rtx_sent, ==, 0);
    }
  calls_stop (&c);
  g_source_remove (watchdog);
}

/* @data: a FecMode. Over 10% loss each way both sides rebuild lost
 * packets from the repair packets; adaptive FEC raised the overhead. */
static void
test_lossy (gconstpointer data)
{
  FecMode mode = GPOINTER_TO_INT (data);
  guint watchdog = confab_test_watchdog (90);
  Calls c;
  ConfabMediaStats m[2];

  const char *spec = g_getenv ("CONFAB_FEC_LOSSY_SPEC");

  calls_start (&c, spec ? spec : "loss=10%,delay=10ms", mode);
  spin (&c, 15000, FALSE);
  for (guint i = 0; i < 2; i++)
    {
      media_stats (&c, i, &m[i]);
      log_video (sides[i], &m[i]);
    }
  for (guint i = 0; i < 2; i++)
    {
      const ConfabStreamStats *v = &m[i].video;

      g_assert_cmpuint (v->packets_lost_before_fec, >, 0);
      g_assert_cmpuint (v->fec_recovered, >, 0);
      g_assert_cmpuint (m[1 - i].video.fec_repair_sent, >, 0);
      g_assert_cmpfloat (m[1 - i].video.fec_overhead_pct, >, 5);
      /* (Loose: on a machine shared with other tests, congestion control
       * and late packets vary a lot from run to run.) */
      g_assert_cmpuint (v->packets_lost, <, v->packets_lost_before_fec);
      g_assert_cmpuint (v->frames_decoded * 100, >=, m[1 - i].video.frames_encoded * 40);
      g_assert_cmpuint (m[i].invalid_packets, ==, 0);
      g_assert_cmpstr (v->fec_scheme, ==, schemes[mode]);
    }
  calls_stop (&c);
  g_source_remove (watchdog);
}

/* -- figures ------------------------------------------------------------------ */

typedef struct
{
  guint64 frames;  /* decoded by both sides */
  guint64 encoded; /* by both sides, so sent to the other */
  guint64 freezes;
  double freeze_s;
  double overhead_pct; /* repair per 100 media packets, both senders, whole call */
  guint64 lost, rebuilt, resent, never;
} Figure;

static Figure
measure (const char *spec, FecMode mode, guint seconds)
{
  Calls c;
  Figure f = { 0 };
  ConfabMediaStats m;
  guint64 frames_before = 0, encoded_before = 0, repair = 0, media = 0;

  calls_start (&c, spec, mode);
  for (guint i = 0; i < 2; i++)
    {
      media_stats (&c, i, &m);
      frames_before += m.video.frames_decoded;
      encoded_before += m.video.frames_encoded;
    }
  spin (&c, seconds * 1000, FALSE);
  for (guint i = 0; i < 2; i++)
    {
      media_stats (&c, i, &m);
      log_video (sides[i], &m);
      f.frames += m.video.frames_decoded;
      f.encoded += m.video.frames_encoded;
      f.freezes += m.video.freezes;
      f.freeze_s += m.video.freeze_s;
      repair += m.video.fec_repair_sent;
      media += m.video.packets_sent;
      f.lost += m.video.packets_lost_before_fec;
      f.rebuilt += m.video.fec_recovered;
      f.resent += m.video.rtx_recovered;
      f.never += m.video.packets_lost;
    }
  f.frames -= frames_before;
  f.encoded -= encoded_before;
  f.overhead_pct = media ? 100.0 * repair / media : 0;
  calls_stop (&c);
  return f;
}

static void
test_figures (void)
{
  static const struct
  {
    const char *spec;
    FecMode mode;
  } runs[] = {
    { "", FEC_ADAPTIVE },
    { "", FEC_FIXED },
    { "loss=10%,delay=10ms", FEC_ADAPTIVE },
    { "loss=10%,delay=10ms", FEC_FIXED },
    { "loss=10%,delay=10ms", FEC_ULPFEC_RED },
    { "loss=20%,delay=75ms", FEC_ADAPTIVE },
    { "loss=20%,delay=75ms", FEC_FIXED },
    { "loss=20%,delay=75ms", FEC_ULPFEC_RED },
    { "loss=20%,delay=75ms", FEC_RS },
  };
  static const char *const modes[] = { "adaptive", "fixed 25%", "ULPFEC/RED", "Reed-Solomon" };
  Figure clean = { 0 };

  if (!g_getenv ("CONFAB_FIGURES"))
    {
      g_test_skip ("set CONFAB_FIGURES=1 for the figures (minutes of calls)");
      return;
    }
  guint seconds = confab_test_seconds_from_env ("CONFAB_FEC_SECONDS", 30);
  guint watchdog = confab_test_watchdog (G_N_ELEMENTS (runs) * (seconds + 40));
  for (guint r = 0; r < G_N_ELEMENTS (runs); r++)
    {
      Figure f = measure (runs[r].spec, runs[r].mode, seconds);
      if (r == 0)
        clean = f;
      /* Also of the frames the other side encoded: a busy machine encodes
       * fewer, which is not the path's doing. */
      g_test_message (
          "%-20s %-10s: %5" G_GUINT64_FORMAT " frames (%5.1f%% of clean, %5.1f%% of "
          "those encoded), %3" G_GUINT64_FORMAT " freezes, %5.1f s frozen; FEC %4.1f%%; "
          "lost %" G_GUINT64_FORMAT ", rebuilt %" G_GUINT64_FORMAT ", resent %" G_GUINT64_FORMAT
          ", never %" G_GUINT64_FORMAT,
          *runs[r].spec ? runs[r].spec : "clean", modes[runs[r].mode], f.frames,
          100.0 * f.frames / MAX (clean.frames, 1), 100.0 * f.frames / MAX (f.encoded, 1),
          f.freezes, f.freeze_s, f.overhead_pct, f.lost, f.rebuilt, f.resent, f.never);
    }
  g_source_remove (watchdog);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/confab/call/fec/clean", test_clean);
  g_test_add_data_func ("/confab/call/fec/lossy-flexfec", GINT_TO_POINTER (FEC_ADAPTIVE),
                        test_lossy);
  g_test_add_data_func ("/confab/call/fec/lossy-ulpfec-red", GINT_TO_POINTER (FEC_ULPFEC_RED),
                        test_lossy);
  g_test_add_data_func ("/confab/call/fec/lossy-rs", GINT_TO_POINTER (FEC_RS), test_lossy);
  g_test_add_func ("/confab/call/fec/figures", test_figures);
  return g_test_run ();
}
