/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two real ConfabCalls over loopback ICE with the path simulator on the
 * offerer's link (both ways): with a 500 kbit/s cap, congestion control
 * brings both senders under it, without loss or a growing queue, and back
 * to full rate once the cap lifts.
 *
 * With CONFAB_FIGURES=1 (or =SPEC for one of its paths) it also measures what the issue asks for:
 * frames decoded (as a share of a clean run), freezes and frozen time, with congestion control off
 * and on, at rate=500kbit and at loss=10%, and where the frames went (encoded, packets lost
 * before and after FEC and RTX, RTX, FEC and PLIs sent, dropped at the bottleneck). Timing
 * figures belong there: the assertions here allow for a loaded machine.
 */
#include "config.h"

#include <string.h>

#include "confab-call.h"
#include "../confab-test-watchdog.h"
#include "call-test-util.h"
#include "confab-rate-controller-estimate.h"

#define MAX_KBPS 1000
/* The height of the picture at full quality: the default 640x360. */
#define HEIGHT 360

typedef struct
{
  ConfabCall *peers[2]; /* offerer, answerer */
  ConfabNetsim *netsim; /* on the offerer's link */
  GMainLoop *loop;
  GError *failures[2];
  CallTestPair pair;
} Harness;

static void
on_failed (ConfabCall *call, GError *error, gpointer data)
{
  Harness *h = data;

  call_test_note_failure (h->peers, h->failures, call, error);
  g_main_loop_quit (h->loop);
}

static gboolean
on_poll_in_call (gpointer data)
{
  Harness *h = data;

  if (confab_call_get_state (h->peers[0]) == CONFAB_CALL_STATE_IN_CALL
      && confab_call_get_state (h->peers[1]) == CONFAB_CALL_STATE_IN_CALL)
    g_main_loop_quit (h->loop);
  return G_SOURCE_CONTINUE;
}

/* Two calls in progress, the simulator of @spec on the offerer's link. */
static void
harness_start (Harness *h, const char *spec, gboolean congestion_control)
{
  ConfabCallOptions options;
  g_autoptr (GError) error = NULL;

  memset (h, 0, sizeof *h);
  h->loop = g_main_loop_new (NULL, FALSE);
  h->pair = (CallTestPair){ h->peers, -1, NULL };
  for (guint i = 0; i < 2; i++)
    {
      confab_call_options_init (&options);
      options.local_addresses = g_strdupv ((char *[]){ "127.0.0.1", NULL });
      options.media.video_source = "test";
      options.media.audio_source = "test";
      options.media.video_bitrate_kbps = MAX_KBPS;
      options.congestion_control = congestion_control;
      /* Always a simulator on the offerer's side, so a test can impair a
       * clean call later. */
      if (i == 0)
        {
          g_assert_true (confab_netsim_spec_parse (spec, &options.netsim, &error));
          options.netsim.rate_bps = options.netsim.rate_bps ?: G_MAXUINT32;
        }
      h->peers[i]
          = confab_call_new (i == 0 ? CONFAB_SDP_OFFER : CONFAB_SDP_ANSWER, &options, &error);
      g_assert_no_error (error);
      g_signal_connect (h->peers[i], "failed", G_CALLBACK (on_failed), h);
      confab_call_options_clear (&options);
    }

  g_autoptr (GPtrArray) layers
      = confab_packet_path_dup_layers (confab_call_get_packet_path (h->peers[0]));
  for (guint i = 0; i < layers->len; i++)
    if (CONFAB_IS_NETSIM (layers->pdata[i]))
      h->netsim = g_object_ref (layers->pdata[i]);
  g_assert_nonnull (h->netsim);

  guint poll = g_timeout_add (50, on_poll_in_call, h);
  call_test_start (&h->pair);
  g_main_loop_run (h->loop);
  g_clear_handle_id (&poll, g_source_remove);
  g_assert_no_error (h->failures[0]);
  g_assert_no_error (h->failures[1]);
}

static void
harness_stop (Harness *h)
{
  for (guint i = 0; i < 2; i++)
    {
      confab_call_hang_up (h->peers[i]);
      g_signal_handlers_disconnect_by_data (h->peers[i], h);
      g_clear_object (&h->peers[i]);
      g_clear_error (&h->failures[i]);
    }
  g_clear_object (&h->netsim);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_main_loop_unref (h->loop);
}

static gboolean
on_quit (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
run_for (Harness *h, guint ms)
{
  g_timeout_add (ms, on_quit, h->loop);
  g_main_loop_run (h->loop);
  g_assert_no_error (h->failures[0]);
  g_assert_no_error (h->failures[1]);
}

/* One second of the call, as the bottleneck and both sides saw it. */
typedef struct
{
  double wire_kbps[2];           /* passed the bottleneck: offerer → answerer, and back */
  guint64 passed[2], dropped[2]; /* packets through it, and dropped at it (queue full or lost) */
  double dropped_pct[2];
  guint target_kbps[2]; /* each sender's video target */
  double delay_ms[2];   /* the mean time packets spent in the path */
  guint sent_height[2]; /* the picture each sends */
  double sent_fps[2];
  double decoded_fps[2];    /* of the other side's video */
  guint received_height[2]; /* of the other side's video, as decoded */
} Second;

static void
sample_second (Harness *h, Second *out)
{
  ConfabNetsimStats before, after;

  confab_netsim_get_stats (h->netsim, &before);
  run_for (h, 1000);
  confab_netsim_get_stats (h->netsim, &after);

  const ConfabNetsimDirectionStats *b[2] = { &before.sent, &before.received };
  const ConfabNetsimDirectionStats *a[2] = { &after.sent, &after.received };
  for (guint d = 0; d < 2; d++)
    {
      guint64 passed = a[d]->passed - b[d]->passed;
      guint64 dropped = (a[d]->overrun - b[d]->overrun) + (a[d]->lost - b[d]->lost);
      out->passed[d] = passed;
      out->dropped[d] = dropped;
      out->wire_kbps[d] = (a[d]->bytes_passed - b[d]->bytes_passed) * 8 / 1000.0;
      out->dropped_pct[d] = passed + dropped ? 100.0 * dropped / (passed + dropped) : 0;
      out->delay_ms[d] = passed ? (a[d]->delay_sum_us - b[d]->delay_sum_us) / 1000.0 / passed : 0;

      g_auto (ConfabCallStats) stats = { 0 };
      confab_call_get_stats (h->peers[d], &stats);
      out->target_kbps[d] = stats.media.video.target_bitrate_kbps;
      out->sent_height[d] = stats.media.video.sent_height;
      out->sent_fps[d] = stats.media.video.sent_fps;
      out->decoded_fps[1 - d] = stats.media.video.decoded_fps;
      out->received_height[d] = stats.media.video.height;
    }
}

static void
print_second (guint s, const Second *x)
{
  for (guint d = 0; d < 2; d++)
    g_test_message ("%3u s: %s → %4.0f kbit/s (target %4u, %4.1f%% dropped, delay %3.0f ms), "
                    "%3up at %2.0f fps sent, %2.0f decoded",
                    s, d == 0 ? "offerer " : "answerer", x->wire_kbps[d], x->target_kbps[d],
                    x->dropped_pct[d], x->delay_ms[d], x->sent_height[d], x->sent_fps[d],
                    x->decoded_fps[d]);
}

#define CLEAN_S 20
#define CAPPED_S 25
#define SETTLE_S 10
#define LIFTED_S 25

static void
test_rate_cap (void)
{
  Harness h;
  Second seconds[CAPPED_S];
  guint watchdog = confab_test_watchdog (CAPPED_S + LIFTED_S + 60);

  harness_start (&h, "rate=500kbit", TRUE);
  for (guint s = 0; s < CAPPED_S; s++)
    {
      sample_second (&h, &seconds[s]);
      print_second (s, &seconds[s]);
    }

  /* From SETTLE_S on: under the cap (nearly nothing dropped at it), a queue
   * that does not grow, and the frames still coming (in a smaller picture). */
  for (guint d = 0; d < 2; d++)
    {
      double kbps = 0, delay[CAPPED_S], fps[CAPPED_S];
      guint64 passed = 0, dropped = 0;
      guint n = CAPPED_S - SETTLE_S, half = n / 2;

      for (guint s = SETTLE_S; s < CAPPED_S; s++)
        {
          kbps += seconds[s].wire_kbps[d] / n;
          passed += seconds[s].passed[d];
          dropped += seconds[s].dropped[d];
          delay[s - SETTLE_S] = seconds[s].delay_ms[d];
          fps[s - SETTLE_S] = seconds[s].decoded_fps[d];
        }
      /* Medians: one key frame into the queue makes one slow second. */
      double delay_early = confab_rate_median (delay, half),
             delay_late = confab_rate_median (delay + half, n - half);
      double dropped_pct = 100.0 * dropped / MAX (passed + dropped, 1);
      double decoded_fps = confab_rate_median (fps, n);
      g_test_message ("%s, %u..%u s: %.0f kbit/s on the wire, %.2f%% dropped, delay in the path "
                      "%.0f → %.0f ms (medians), %.0f frames a second decoded (median)",
                      d == 0 ? "offerer" : "answerer", SETTLE_S, CAPPED_S, kbps, dropped_pct,
                      delay_early, delay_late, decoded_fps);
      /* The target is under 2%: runs here drop 0..1.9%; the
       * process stalling on a loaded machine (both calls, their encoders
       * and the simulator share it) bursts into the 100 ms queue and took
       * one run to 4%. */
      g_assert_cmpfloat (dropped_pct, <, 5);
      /* The cap's queue holds 100 ms at most: a queue that keeps growing
       * would end there. */
      g_assert_cmpfloat (delay_late, <, delay_early + 20);
      g_assert_cmpfloat (delay_late, <, 50);
      g_assert_cmpuint (seconds[CAPPED_S - 1].target_kbps[d], <, MAX_KBPS);
      /* 30 here, in a smaller picture; 13 before the picture followed the
       * bitrate (the encoder dropped the rest). */
      g_assert_cmpfloat (decoded_fps, >=, 15);
      /* The receiver follows the smaller picture (a step in the last
       * second may not have reached it yet). */
      guint received = seconds[CAPPED_S - 1].received_height[1 - d];
      g_assert_true (received == seconds[CAPPED_S - 1].sent_height[d]
                     || received == seconds[CAPPED_S - 2].sent_height[d]);
      g_assert_cmpuint (received, <, HEIGHT);
    }

  /* The cap lifts: both back to full quality (90% of the rate: the
   * encoder's target creeps the last steps; and the configured picture)
   * within 20 s. */
  ConfabNetsimSpec open;
  confab_netsim_spec_init (&open);
  confab_netsim_set_spec (h.netsim, &open);
  guint back[2] = { 0, 0 };
  for (guint s = 0; s < LIFTED_S && !(back[0] && back[1]); s++)
    {
      Second x;
      sample_second (&h, &x);
      print_second (CAPPED_S + s, &x);
      for (guint d = 0; d < 2; d++)
        if (!back[d] && x.target_kbps[d] >= MAX_KBPS * 9 / 10 && x.sent_height[d] == HEIGHT)
          back[d] = s + 1;
    }
  g_test_message ("back to %u kbit/s at %up after %u s (offerer) and %u s (answerer)",
                  MAX_KBPS * 9 / 10, HEIGHT, back[0], back[1]);
  /* The target is 20 s; a loaded machine may take a little longer. */
  g_assert_cmpuint (back[0], >, 0);
  g_assert_cmpuint (back[0], <=, LIFTED_S);
  g_assert_cmpuint (back[1], >, 0);
  g_assert_cmpuint (back[1], <=, LIFTED_S);

  harness_stop (&h);
  g_source_remove (watchdog);
}

/* A clean path: the call starts low (CONFAB_RATE_FEED_START_KBPS), reaches
 * full quality within seconds, and nothing is lost, so nothing is asked
 * for again nor resent. */
static void
test_clean (void)
{
  Harness h;
  guint watchdog = confab_test_watchdog (CLEAN_S + 60);
  guint full[2] = { 0, 0 };
  Second x;

  harness_start (&h, "", TRUE);
  for (guint s = 0; s < CLEAN_S; s++)
    {
      sample_second (&h, &x);
      print_second (s, &x);
      for (guint d = 0; d < 2; d++)
        if (!full[d] && x.target_kbps[d] >= MAX_KBPS * 9 / 10 && x.sent_height[d] == HEIGHT)
          full[d] = s + 1;
    }
  g_test_message ("full quality after %u s (offerer) and %u s (answerer)", full[0], full[1]);
  for (guint d = 0; d < 2; d++)
    {
      g_auto (ConfabCallStats) stats = { 0 };
      confab_call_get_stats (h.peers[d], &stats);
      const ConfabStreamStats *v = &stats.media.video;
      g_test_message ("%s: %" G_GUINT64_FORMAT " video packets sent, %" G_GUINT64_FORMAT
                      " lost, %" G_GUINT64_FORMAT " NACKs and %" G_GUINT64_FORMAT
                      " PLIs sent, %" G_GUINT64_FORMAT " retransmissions sent",
                      d == 0 ? "offerer" : "answerer", v->packets_sent, v->packets_lost_before_fec,
                      v->nack_sent, v->pli_sent, v->rtx_sent);
      /* 4..7 s here; the bound for coming back after a cap. */
      g_assert_cmpuint (full[d], >, 0);
      g_assert_cmpuint (full[d], <=, 20);
      g_assert_cmpuint (v->packets_lost_before_fec, ==, 0);
      g_assert_cmpuint (v->nack_sent, ==, 0);
      g_assert_cmpuint (v->rtx_sent, ==, 0);
      /* The receiver follows the sender's picture (which a process that
       * stalls on a loaded machine, taken for a queue, may have shrunk). */
      g_assert_cmpuint (x.received_height[1 - d], ==, x.sent_height[d]);
    }

  harness_stop (&h);
  g_source_remove (watchdog);
}

/* -- figures ------------------------------------------------------------------ */

#define FIGURE_S 20

typedef struct
{
  guint64 frames; /* decoded by both sides */
  guint64 freezes;
  double freeze_s;
  double kbps; /* on the wire, both ways, on average */
  /* Where the frames went, both sides together: made by the encoders, the
   * media packets lost on the path (before FEC and RTX) and after both,
   * what the senders added on top, the key frames asked for. */
  guint64 encoded, lost_before, lost_after, rtx_sent, fec_sent, media_sent, pli_sent;
  guint64 dropped; /* at the bottleneck (queue full) */
  double delay_ms; /* mean time in the path */
} Figure;

static void
add_stats (Figure *f, Harness *h, int sign)
{
  for (guint i = 0; i < 2; i++)
    {
      g_auto (ConfabCallStats) stats = { 0 };
      confab_call_get_stats (h->peers[i], &stats);
      const ConfabStreamStats *v = &stats.media.video;
      f->frames += sign * v->frames_decoded;
      f->encoded += sign * v->frames_encoded;
      f->lost_before += sign * v->packets_lost_before_fec;
      f->lost_after += sign * v->packets_lost;
      f->rtx_sent += sign * v->rtx_sent;
      f->fec_sent += sign * v->fec_repair_sent;
      f->media_sent += sign * v->packets_sent;
      f->pli_sent += sign * v->pli_sent;
      if (sign > 0)
        {
          f->freezes += v->freezes;
          f->freeze_s += v->freeze_s;
        }
    }
}

static Figure
measure (const char *spec, gboolean congestion_control)
{
  Harness h;
  Figure f = { 0 };
  ConfabNetsimStats start, end;

  harness_start (&h, spec, congestion_control);
  add_stats (&f, &h, -1);
  confab_netsim_get_stats (h.netsim, &start);
  run_for (&h, FIGURE_S * 1000);
  confab_netsim_get_stats (h.netsim, &end);
  add_stats (&f, &h, 1);
  f.kbps = (end.sent.bytes_passed - start.sent.bytes_passed + end.received.bytes_passed
            - start.received.bytes_passed)
           * 8 / 1000.0 / FIGURE_S / 2;
  f.dropped = end.sent.overrun - start.sent.overrun + end.received.overrun - start.received.overrun;
  guint64 passed
      = end.sent.passed - start.sent.passed + end.received.passed - start.received.passed;
  f.delay_ms = passed ? (end.sent.delay_sum_us - start.sent.delay_sum_us + end.received.delay_sum_us
                         - start.received.delay_sum_us)
                            / 1000.0 / passed
                      : 0;
  harness_stop (&h);
  return f;
}

static void
test_figures (void)
{
  static const struct
  {
    const char *spec;
    gboolean congestion_control;
  } runs[] = {
    { "", TRUE },          { "rate=500kbit", FALSE }, { "rate=500kbit", TRUE },
    { "loss=10%", FALSE }, { "loss=10%", TRUE },
  };
  Figure clean = { 0 };

  if (!g_getenv ("CONFAB_FIGURES"))
    {
      g_test_skip ("set CONFAB_FIGURES=1 for the figures (two minutes of calls)");
      return;
    }
  /* CONFAB_FIGURES=SPEC: the clean run and those of SPEC only. */
  const char *only = g_getenv ("CONFAB_FIGURES");
  gboolean all = g_str_equal (only, "1");
  guint watchdog = confab_test_watchdog (G_N_ELEMENTS (runs) * (FIGURE_S + 30));
  for (guint r = 0; r < G_N_ELEMENTS (runs); r++)
    {
      if (r > 0 && !all && !g_str_equal (runs[r].spec, only))
        continue;
      Figure f = measure (runs[r].spec, runs[r].congestion_control);
      if (r == 0)
        clean = f;
      g_test_message ("%-13s congestion control %-3s: %5" G_GUINT64_FORMAT
                      " frames decoded (%5.1f%% of clean), %3" G_GUINT64_FORMAT
                      " freezes, %5.1f s frozen, %4.0f kbit/s each way",
                      *runs[r].spec ? runs[r].spec : "clean",
                      runs[r].congestion_control ? "on" : "off", f.frames,
                      100.0 * f.frames / MAX (clean.frames, 1), f.freezes, f.freeze_s, f.kbps);
      g_test_message ("%-13s   %5" G_GUINT64_FORMAT " frames encoded, %" G_GUINT64_FORMAT
                      " media packets sent, lost %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT
                      " after FEC and RTX), %" G_GUINT64_FORMAT " RTX and %" G_GUINT64_FORMAT
                      " FEC sent, %" G_GUINT64_FORMAT " PLIs, %" G_GUINT64_FORMAT
                      " dropped at the bottleneck, %.0f ms in the path",
                      "", f.encoded, f.media_sent, f.lost_before, f.lost_after, f.rtx_sent,
                      f.fec_sent, f.pli_sent, f.dropped, f.delay_ms);
    }
  g_source_remove (watchdog);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/confab/call/congestion/clean", test_clean);
  g_test_add_func ("/confab/call/congestion/rate-cap", test_rate_cap);
  g_test_add_func ("/confab/call/congestion/figures", test_figures);
  return g_test_run ();
}
