/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two real ConfabCalls over loopback ICE, with real pipelines: what goes
 * over the wire is DTLS and SRTP, never the clear media; the two sides show
 * the same security code; a fingerprint changed on the way stops the call
 * before any media; hanging up ends the other side at once.
 */
#include "config.h"

#include <string.h>

#include "confab-call.h"
#include "confab-packet-tap.h"
#include "confab-rtp-packet.h"
#include "../confab-test-watchdog.h"
#include "call-test-util.h"

#define WATCHDOG_S 60

typedef struct
{
  ConfabCall *peers[2]; /* offerer, answerer */
  GMainLoop *loop;
  /* Change the fingerprint in the offer (0) or the answer (1) on the way;
   * -1 carries both as they are. */
  int tamper;
  GError *failures[2];
  /* The offerer's packets, as the media handed them over (clear) and as
   * they left for libnice (the wire). */
  GMutex lock;
  GByteArray *clear_payloads; /* RTP payloads sent, concatenated */
  GPtrArray *clear_samples;   /* 16-byte pieces of them, GBytes */
  GByteArray *wire;           /* every packet sent and received, concatenated */
  guint dtls_records_seen;
  gboolean stop_when_decoding;
  gint64 first_failure_time;
  guint poll_id;
  CallTestPair pair;
} Harness;

/* Flips one hex digit of every a=fingerprint line, the same way in each,
 * so the text still parses and only the certificate check can notice. */
static char *
tamper_fingerprint (const char *text)
{
  char *copy = g_strdup (text);
  guint changed = 0;

  for (char *at = strstr (copy, "a=fingerprint:"); at; at = strstr (at + 1, "a=fingerprint:"))
    {
      char *hex = strchr (at, ' ');
      g_assert_nonnull (hex);
      hex++;
      *hex = *hex == 'A' ? 'B' : 'A';
      changed++;
    }
  g_assert_cmpuint (changed, >, 0);
  return copy;
}

static void
on_failed (ConfabCall *call, GError *error, gpointer data)
{
  Harness *h = data;

  call_test_note_failure (h->peers, h->failures, call, error);
}

static void
on_clear_packet (gboolean sent, GBytes *packet, gpointer data)
{
  Harness *h = data;
  gsize size;
  const guint8 *bytes = g_bytes_get_data (packet, &size);
  ConfabRtpView view;

  if (!sent || confab_rtp_is_rtcp (bytes, size)
      || confab_rtp_view_parse (&view, bytes, size) != CONFAB_FEC_OK || view.payload_len < 48)
    return;
  const guint8 *payload = view.payload;
  gsize payload_len = view.payload_len;
  g_mutex_lock (&h->lock);
  g_byte_array_append (h->clear_payloads, payload, payload_len);
  /* From the middle of the payload: past any codec header. */
  if (h->clear_samples->len < 2000)
    g_ptr_array_add (h->clear_samples, g_bytes_new (payload + payload_len / 2, 16));
  g_mutex_unlock (&h->lock);
}

static void
on_wire_packet (gboolean sent, GBytes *packet, gpointer data)
{
  Harness *h = data;
  gsize size;
  const guint8 *bytes = g_bytes_get_data (packet, &size);

  g_mutex_lock (&h->lock);
  g_byte_array_append (h->wire, bytes, size);
  /* A DTLS 1.2 handshake record (RFC 6347): content type 22, version
   * 254.253. */
  if (size >= 13 && bytes[0] == 22 && bytes[1] == 254 && bytes[2] == 253)
    h->dtls_records_seen++;
  g_mutex_unlock (&h->lock);
}

/* Stops the loop once each side has ended, or (stop_when_decoding)
 * decodes both streams; after a failure, once the other side had a second
 * to hear of it. */
static gboolean
on_poll (gpointer data)
{
  Harness *h = data;
  gint64 now = g_get_monotonic_time ();

  if ((h->failures[0] || h->failures[1]) && !h->first_failure_time)
    h->first_failure_time = now;
  if (h->first_failure_time && now - h->first_failure_time > G_USEC_PER_SEC)
    goto quit;
  for (guint i = 0; i < 2; i++)
    {
      ConfabCallState state = confab_call_get_state (h->peers[i]);
      if (state == CONFAB_CALL_STATE_FAILED || state == CONFAB_CALL_STATE_ENDED)
        continue;
      if (!h->stop_when_decoding || state != CONFAB_CALL_STATE_IN_CALL)
        return G_SOURCE_CONTINUE;
      g_auto (ConfabCallStats) stats = { 0 };
      confab_call_get_stats (h->peers[i], &stats);
      if (stats.media.video.frames_decoded < 30 || stats.media.audio.frames_decoded < 50)
        return G_SOURCE_CONTINUE;
    }
quit:
  h->poll_id = 0;
  g_main_loop_quit (h->loop);
  return G_SOURCE_REMOVE;
}

static void
harness_init (Harness *h, int tamper)
{
  ConfabCallOptions options;

  memset (h, 0, sizeof *h);
  h->tamper = tamper;
  h->pair = (CallTestPair){ h->peers, tamper, tamper_fingerprint };
  h->loop = g_main_loop_new (NULL, FALSE);
  g_mutex_init (&h->lock);
  h->clear_payloads = g_byte_array_new ();
  h->clear_samples = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  h->wire = g_byte_array_new ();

  confab_call_options_init (&options);
  options.local_addresses = g_strdupv ((char *[]){ "127.0.0.1", NULL });
  options.media.video_source = "test";
  options.media.audio_source = "test";
  options.media.width = 320;
  options.media.height = 240;
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (GError) error = NULL;
      h->peers[i]
          = confab_call_new (i == 0 ? CONFAB_SDP_OFFER : CONFAB_SDP_ANSWER, &options, &error);
      g_assert_no_error (error);
      g_signal_connect (h->peers[i], "failed", G_CALLBACK (on_failed), h);
    }
  confab_call_options_clear (&options);

  /* The offerer's clear packets on top of its path, its wire packets right
   * above the ICE layer (below the DTLS layer). */
  ConfabPacketPath *path = confab_call_get_packet_path (h->peers[0]);
  g_autoptr (GPtrArray) layers = confab_packet_path_dup_layers (path);
  g_autoptr (ConfabPacketTap) clear = confab_packet_tap_new ();
  g_autoptr (ConfabPacketTap) wire = confab_packet_tap_new ();
  confab_packet_tap_set_func (clear, on_clear_packet, h, NULL);
  confab_packet_tap_set_func (wire, on_wire_packet, h, NULL);
  g_assert_true (confab_packet_path_push (path, CONFAB_PACKET_LAYER (clear)));
  g_assert_true (
      confab_packet_path_insert_above (path, CONFAB_PACKET_LAYER (wire), layers->pdata[0]));
}

/* @start: set the call up first (the offerer gathers). */
static void
harness_run (Harness *h, gboolean start)
{
  guint watchdog = confab_test_watchdog (WATCHDOG_S);

  h->poll_id = g_timeout_add (50, on_poll, h);
  if (start)
    call_test_start (&h->pair);
  g_main_loop_run (h->loop);
  g_clear_handle_id (&h->poll_id, g_source_remove);
  g_source_remove (watchdog);
}

static void
harness_clear (Harness *h)
{
  for (guint i = 0; i < 2; i++)
    {
      confab_call_hang_up (h->peers[i]);
      g_signal_handlers_disconnect_by_data (h->peers[i], h);
      g_clear_object (&h->peers[i]);
      g_clear_error (&h->failures[i]);
    }
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_main_loop_unref (h->loop);
  g_byte_array_unref (h->clear_payloads);
  g_ptr_array_unref (h->clear_samples);
  g_byte_array_unref (h->wire);
  g_mutex_clear (&h->lock);
}

static void
test_wire (void)
{
  Harness h;
  g_auto (ConfabCallStats) offerer = { 0 };
  g_auto (ConfabCallStats) answerer = { 0 };

  harness_init (&h, -1);
  h.stop_when_decoding = TRUE;
  harness_run (&h, TRUE);
  g_assert_no_error (h.failures[0]);
  g_assert_no_error (h.failures[1]);

  confab_call_get_stats (h.peers[0], &offerer);
  confab_call_get_stats (h.peers[1], &answerer);
  for (guint i = 0; i < 2; i++)
    {
      const ConfabCallStats *s = i == 0 ? &offerer : &answerer;
      g_test_message ("%s: %s, %s, handshake %.1f ms, code %s", i == 0 ? "offerer" : "answerer",
                      s->dtls.cipher, s->dtls.srtp_profile, s->dtls.handshake_ms, s->sas);
      g_assert_cmpint (s->dtls.state, ==, CONFAB_DTLS_STATE_CONNECTED);
      g_assert_true (s->dtls.fingerprint_verified);
      g_assert_nonnull (s->dtls.cipher);
      g_assert_nonnull (s->dtls.srtp_profile);
      g_assert_cmpfloat (s->dtls.handshake_ms, >, 0);
      g_assert_cmpuint (s->dtls.unprotect_failures, ==, 0);
      g_assert_cmpuint (s->media.video.frames_decoded, >=, 30);
    }
  /* The answerer is DTLS client (a=setup:active), the offerer server. */
  g_assert_cmpint (offerer.dtls.role, ==, CONFAB_DTLS_ROLE_SERVER);
  g_assert_cmpint (answerer.dtls.role, ==, CONFAB_DTLS_ROLE_CLIENT);
  g_assert_nonnull (offerer.sas);
  g_assert_cmpuint (strlen (offerer.sas), ==, 7);
  g_assert_cmpstr (offerer.sas, ==, answerer.sas);

  /* The stats JSON carries the same. */
  g_autoptr (JsonNode) node = confab_call_stats_to_json_node (&offerer);
  JsonObject *dtls = json_object_get_object_member (json_node_get_object (node), "dtls");
  g_assert_nonnull (dtls);
  g_assert_cmpstr (json_object_get_string_member (dtls, "state"), ==, "connected");
  g_assert_cmpstr (json_object_get_string_member (dtls, "sas"), ==, offerer.sas);
  g_assert_true (json_object_get_boolean_member (dtls, "fingerprint_verified"));
  g_assert_nonnull (json_object_get_string_member (dtls, "srtp_profile"));
  g_assert_nonnull (json_object_get_string_member (dtls, "cipher"));
  g_assert_cmpfloat (json_object_get_double_member (dtls, "handshake_ms"), >, 0);

  /* The wire: a DTLS handshake, and not one piece of the clear media. */
  g_mutex_lock (&h.lock);
  g_test_message ("%u DTLS handshake records; %u clear samples; %u clear bytes; %u wire bytes",
                  h.dtls_records_seen, h.clear_samples->len, h.clear_payloads->len, h.wire->len);
  g_assert_cmpuint (h.dtls_records_seen, >=, 2);
  g_assert_cmpuint (h.clear_samples->len, >=, 50);
  guint found_in_clear = 0, found_on_wire = 0;
  /* The call still runs: samples keep coming after this snapshot. */
  guint n_samples = h.clear_samples->len;
  for (guint i = 0; i < n_samples; i++)
    {
      gsize n;
      const guint8 *sample = g_bytes_get_data (h.clear_samples->pdata[i], &n);
      /* The search works: every sample is in the clear stream it came from. */
      if (memmem (h.clear_payloads->data, h.clear_payloads->len, sample, n))
        found_in_clear++;
      if (memmem (h.wire->data, h.wire->len, sample, n))
        found_on_wire++;
    }
  g_mutex_unlock (&h.lock);
  g_assert_cmpuint (found_in_clear, ==, n_samples);
  g_assert_cmpuint (found_on_wire, ==, 0);

  harness_clear (&h);
}

/* A changed fingerprint: the side that checks it refuses; nobody decodes a
 * thing, and the message says why. */
static void
run_tampered (int tamper)
{
  Harness h;

  harness_init (&h, tamper);
  harness_run (&h, TRUE);

  /* The side that received the changed text is the one that notices. */
  guint checker = tamper == 0 ? 1 : 0;
  g_assert_error (h.failures[checker], CONFAB_DTLS_ERROR, CONFAB_DTLS_ERROR_FINGERPRINT_MISMATCH);
  g_assert_nonnull (strstr (h.failures[checker]->message, "fingerprint"));
  g_assert_nonnull (
      strstr (h.failures[checker]->message, tamper == 0 ? "their offer" : "their answer"));
  /* The other side sees the handshake fail (an alert) or ends. */
  g_assert_cmpint (confab_call_get_state (h.peers[1 - checker]), !=, CONFAB_CALL_STATE_IN_CALL);
  for (guint i = 0; i < 2; i++)
    {
      g_auto (ConfabCallStats) s = { 0 };
      confab_call_get_stats (h.peers[i], &s);
      g_assert_false (s.dtls.fingerprint_verified && i == checker);
      g_assert_cmpuint (s.media.video.frames_decoded, ==, 0);
      g_assert_cmpuint (s.media.audio.frames_decoded, ==, 0);
      g_assert_cmpuint (s.dtls.srtp_packets_received, ==, 0);
    }
  harness_clear (&h);
}

static void
test_tampered_offer (void)
{
  run_tampered (0);
}

static void
test_tampered_answer (void)
{
  run_tampered (1);
}

static void
on_hang_up_state (GObject *object, GParamSpec *pspec, gpointer data)
{
  gint64 *ended = data;
  if (confab_call_get_state (CONFAB_CALL (object)) == CONFAB_CALL_STATE_ENDED)
    *ended = g_get_monotonic_time ();
}

static gboolean
on_hang_up_now (gpointer data)
{
  Harness *h = data;
  confab_call_hang_up (h->peers[0]);
  return G_SOURCE_REMOVE;
}

/* Hanging up says goodbye: the other side ends at once, not after the
 * 10 s of silence that would end it otherwise. */
static void
test_hang_up (void)
{
  Harness h;
  gint64 ended = 0;

  harness_init (&h, -1);
  h.stop_when_decoding = TRUE;
  harness_run (&h, TRUE);
  g_assert_no_error (h.failures[0]);
  g_assert_no_error (h.failures[1]);
  g_assert_cmpint (confab_call_get_state (h.peers[1]), ==, CONFAB_CALL_STATE_IN_CALL);

  g_signal_connect (h.peers[1], "notify::state", G_CALLBACK (on_hang_up_state), &ended);
  gint64 start = g_get_monotonic_time ();
  g_idle_add (on_hang_up_now, &h);
  h.stop_when_decoding = FALSE;
  harness_run (&h, FALSE);
  g_assert_cmpint (ended, >, 0);
  g_test_message ("the other side ended %.1f ms after the hang-up", (ended - start) / 1000.0);
  g_assert_cmpint (ended - start, <, 2 * G_USEC_PER_SEC);
  g_assert_true (confab_call_ended_by_peer (h.peers[1]));
  g_assert_false (confab_call_ended_by_peer (h.peers[0]));
  g_assert_no_error (h.failures[1]);
  /* It ended because of our goodbye, not because of silence. */
  g_auto (ConfabCallStats) other = { 0 };
  confab_call_get_stats (h.peers[1], &other);
  g_assert_cmpint (other.state, ==, CONFAB_CALL_STATE_ENDED);
  g_signal_handlers_disconnect_by_data (h.peers[1], &ended);
  harness_clear (&h);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/confab/call/encryption/wire", test_wire);
  g_test_add_func ("/confab/call/encryption/tampered-offer", test_tampered_offer);
  g_test_add_func ("/confab/call/encryption/tampered-answer", test_tampered_answer);
  g_test_add_func ("/confab/call/encryption/hang-up", test_hang_up);
  return g_test_run ();
}
