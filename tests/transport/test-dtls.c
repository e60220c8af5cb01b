/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DTLS-SRTP between two real libnice agents on loopback: each side's
 * packet path is ICE, a loss layer (off unless a test turns it on), a tap
 * that sees the wire, the DTLS layer, then the media.
 */
#include "config.h"

#include <string.h>

#include "confab-dtls-layer.h"
#include "confab-ice-layer.h"
#include "confab-packet-path.h"
#include "confab-packet-tap.h"
#include "transport-test-util.h"

#define WATCHDOG_SECONDS 90
#define LAYER(l) CONFAB_PACKET_LAYER (l)

/* -- a lossy link ------------------------------------------------------------- */

/* Drops each packet it sends with @loss_percent probability (its own
 * seeded generator; one on each side makes both directions lossy),
 * optionally every ClientHello after the first, or everything after the
 * first few. */
#define TEST_TYPE_LOSS (test_loss_get_type ())
G_DECLARE_FINAL_TYPE (TestLoss, test_loss, TEST, LOSS, ConfabPacketLayer)

struct _TestLoss
{
  ConfabPacketLayer parent_instance;
  GMutex lock;
  GRand *rand;
  guint loss_percent;
  gboolean one_client_hello;
  guint client_hellos_sent;
  gint cut_after; /* sent packets let through before the link goes dead; -1: never */
};

G_DEFINE_FINAL_TYPE (TestLoss, test_loss, CONFAB_TYPE_PACKET_LAYER)

static gboolean
test_loss_drops (TestLoss *self, gboolean sent, const guint8 *data, gsize size)
{
  g_mutex_lock (&self->lock);
  gboolean drop = sent && self->loss_percent > 0
                  && (guint) g_rand_int_range (self->rand, 0, 100) < self->loss_percent;
  if (sent && self->one_client_hello && size > 13 && data[0] == 22 && data[13] == 1)
    drop = self->client_hellos_sent++ > 0;
  if (sent && self->cut_after >= 0)
    drop = self->cut_after == 0 || (self->cut_after--, FALSE);
  g_mutex_unlock (&self->lock);
  return drop;
}

static void
test_loss_send (ConfabPacketLayer *layer, const guint8 *data, gsize size)
{
  if (!test_loss_drops (TEST_LOSS (layer), TRUE, data, size))
    confab_packet_layer_send_down (layer, data, size);
}

static void
test_loss_receive (ConfabPacketLayer *layer, const guint8 *data, gsize size)
{
  if (!test_loss_drops (TEST_LOSS (layer), FALSE, data, size))
    confab_packet_layer_deliver_up (layer, data, size);
}

static void
test_loss_finalize (GObject *object)
{
  TestLoss *self = TEST_LOSS (object);
  g_rand_free (self->rand);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (test_loss_parent_class)->finalize (object);
}

static void
test_loss_class_init (TestLossClass *klass)
{
  CONFAB_PACKET_LAYER_CLASS (klass)->send = test_loss_send;
  CONFAB_PACKET_LAYER_CLASS (klass)->receive = test_loss_receive;
  G_OBJECT_CLASS (klass)->finalize = test_loss_finalize;
}

static void
test_loss_init (TestLoss *self)
{
  g_mutex_init (&self->lock);
  self->rand = g_rand_new_with_seed (0);
  self->cut_after = -1;
}

/* -- what each side sees ------------------------------------------------------ */

typedef struct
{
  GMutex lock;
  GPtrArray *media; /* GBytes the media received */
  GPtrArray *wire;  /* GBytes the tap saw going to the network */
  gint notifications;
} Side;

static void
on_media (const guint8 *data, gsize size, gpointer user_data)
{
  Side *side = user_data;
  g_mutex_lock (&side->lock);
  g_ptr_array_add (side->media, g_bytes_new (data, size));
  g_mutex_unlock (&side->lock);
}

static void
on_wire (gboolean sent, GBytes *packet, gpointer user_data)
{
  Side *side = user_data;
  if (!sent)
    return;
  g_mutex_lock (&side->lock);
  g_ptr_array_add (side->wire, g_bytes_ref (packet));
  g_mutex_unlock (&side->lock);
}

static guint
media_count (Side *side)
{
  g_mutex_lock (&side->lock);
  guint n = side->media->len;
  g_mutex_unlock (&side->lock);
  return n;
}

/* -- the fixture ---------------------------------------------------------------- */

typedef struct
{
  GMainLoop *loop;
  guint watchdog;
  guint gathered;
  ConfabIceSession *sessions[2]; /* [0] the offerer, controlling */
  ConfabPacketPath *paths[2];
  TestLoss *loss[2];
  ConfabPacketTap *taps[2];
  ConfabDtlsLayer *dtls[2];
  Side sides[2];
} Fixture;

static void
on_gathered (GObject *source, GAsyncResult *result, gpointer data)
{
  Fixture *f = data;
  g_autoptr (GError) error = NULL;
  g_assert_true (confab_ice_session_gather_finish (CONFAB_ICE_SESSION (source), result, &error));
  if (++f->gathered == 2)
    g_main_loop_quit (f->loop);
}

static void
on_dtls_state (GObject *object, GParamSpec *pspec, gpointer data)
{
  Side *side = data;
  g_atomic_int_inc (&side->notifications);
}

/* Two ICE sessions connected over loopback, each at the bottom of a path
 * with its loss layer, tap and (not yet started) DTLS layer. */
static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->loop = g_main_loop_new (NULL, FALSE);
  f->watchdog = transport_test_watchdog (WATCHDOG_SECONDS);
  for (guint i = 0; i < 2; i++)
    {
      f->sessions[i] = confab_ice_session_new (i == 0);
      confab_ice_session_add_local_address (f->sessions[i], "127.0.0.1");
      confab_ice_session_gather_async (f->sessions[i], NULL, on_gathered, f);
    }
  g_main_loop_run (f->loop);
  g_autoptr (ConfabSdp) offer = confab_sdp_new (CONFAB_SDP_OFFER);
  g_autoptr (ConfabSdp) answer = confab_sdp_new (CONFAB_SDP_ANSWER);
  confab_ice_session_describe (f->sessions[0], offer);
  confab_ice_session_describe (f->sessions[1], answer);
  g_autoptr (GError) error = NULL;
  g_assert_true (confab_ice_session_set_remote (f->sessions[1], offer, &error));
  g_assert_true (confab_ice_session_set_remote (f->sessions[0], answer, &error));
  g_assert_no_error (error);
  transport_test_run_until_connected (f->sessions, f->loop);

  for (guint i = 0; i < 2; i++)
    {
      Side *side = &f->sides[i];
      g_mutex_init (&side->lock);
      side->media = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      side->wire = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

      g_autoptr (ConfabIceLayer) bottom = confab_ice_layer_new (f->sessions[i]);
      f->paths[i] = confab_packet_path_new (LAYER (bottom));
      f->loss[i] = g_object_new (TEST_TYPE_LOSS, NULL);
      f->taps[i] = confab_packet_tap_new ();
      f->dtls[i] = confab_dtls_layer_new (NULL, &error);
      g_assert_no_error (error);
      g_assert_true (confab_packet_path_push (f->paths[i], LAYER (f->loss[i])));
      g_assert_true (confab_packet_path_push (f->paths[i], LAYER (f->taps[i])));
      g_assert_true (confab_packet_path_push (f->paths[i], LAYER (f->dtls[i])));
      confab_packet_tap_set_func (f->taps[i], on_wire, side, NULL);
      confab_packet_path_set_deliver_func (f->paths[i], on_media, side, NULL);
      g_signal_connect (f->dtls[i], "notify::state", G_CALLBACK (on_dtls_state), side);
    }
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  /* Both paths closed, and a packet already on its way up let through,
   * before any reference goes: that packet holds its ICE layer, and would
   * otherwise drop the last reference to the session on libnice's own
   * thread, which cannot join itself. */
  for (guint i = 0; i < 2; i++)
    {
      g_signal_handlers_disconnect_by_data (f->dtls[i], &f->sides[i]);
      confab_packet_path_close (f->paths[i]);
    }
  g_usleep (50 * 1000);
  for (guint i = 0; i < 2; i++)
    {
      g_clear_object (&f->paths[i]);
      g_clear_object (&f->dtls[i]);
      g_clear_object (&f->taps[i]);
      g_clear_object (&f->loss[i]);
      g_clear_object (&f->sessions[i]);
      g_ptr_array_unref (f->sides[i].media);
      g_ptr_array_unref (f->sides[i].wire);
      g_mutex_clear (&f->sides[i].lock);
    }
  /* The layers' last notifications hold references until they run. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_source_remove (f->watchdog);
  g_main_loop_unref (f->loop);
}

typedef gboolean (*Condition) (Fixture *f);

/* Runs the main context (the layers' timers and notifications) until
 * @condition holds or @timeout_ms pass; returns whether it holds. */
static gboolean
wait_for (Fixture *f, Condition condition, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * (gint64) 1000;
  while (!condition (f) && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  return condition (f);
}

static gboolean
never (Fixture *f)
{
  return FALSE;
}

static void
run_for (Fixture *f, guint ms)
{
  wait_for (f, never, ms);
}

static gboolean
both_settled (Fixture *f)
{
  for (guint i = 0; i < 2; i++)
    {
      ConfabDtlsState state = confab_dtls_layer_get_state (f->dtls[i]);
      if (state == CONFAB_DTLS_STATE_NEW || state == CONFAB_DTLS_STATE_CONNECTING)
        return FALSE;
    }
  return TRUE;
}

static gboolean
both_connected (Fixture *f)
{
  return confab_dtls_layer_get_state (f->dtls[0]) == CONFAB_DTLS_STATE_CONNECTED
         && confab_dtls_layer_get_state (f->dtls[1]) == CONFAB_DTLS_STATE_CONNECTED;
}

/* Starts side @i in @role, expecting the other side's real fingerprint. */
static void
start (Fixture *f, guint i, ConfabDtlsRole role)
{
  g_autoptr (GError) error = NULL;
  const char *theirs = confab_dtls_layer_get_local_fingerprint (f->dtls[1 - i]);
  g_assert_true (confab_dtls_layer_start (f->dtls[i], role, theirs, &error));
  g_assert_no_error (error);
}

static void
await_connected (Fixture *f)
{
  g_assert_true (wait_for (f, both_settled, 60000));
  g_assert_true (both_connected (f));
}

/* Side @client starts as the client, the other as the server; both
 * connect, each notified at least once. */
static void
connect_both (Fixture *f, guint client)
{
  start (f, 1 - client, CONFAB_DTLS_ROLE_SERVER);
  start (f, client, CONFAB_DTLS_ROLE_CLIENT);
  await_connected (f);
  /* The notifications are queued on the main context: let them run. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (g_atomic_int_get (&f->sides[0].notifications), >=, 1);
  g_assert_cmpint (g_atomic_int_get (&f->sides[1].notifications), >=, 1);
}

/* -- packets -------------------------------------------------------------------- */

#define RTP_PAYLOAD 160

/* Opus RTP (12-byte header, PT 111) with a payload that is easy to spot. */
static GBytes *
make_rtp (guint16 seq, guint32 ssrc)
{
  guint8 packet[12 + RTP_PAYLOAD]
      = { 0x80,     111,        seq >> 8,   seq & 0xff, 0,         0,
          seq >> 8, seq & 0xff, ssrc >> 24, ssrc >> 16, ssrc >> 8, ssrc };
  for (guint i = 0; i < RTP_PAYLOAD; i++)
    packet[12 + i] = (guint8) ('a' + (i + seq) % 26);
  return g_bytes_new (packet, sizeof packet);
}

/* An RTCP sender report with no report blocks (RFC 3550 section 6.4.1). */
static GBytes *
make_rtcp_sr (guint32 ssrc, guint32 packets)
{
  guint8 packet[28] = { 0x80, 200, 0, 6, ssrc >> 24, ssrc >> 16, ssrc >> 8, ssrc };
  for (guint i = 8; i < 20; i++)
    packet[i] = (guint8) (i * 11);
  packet[20] = packets >> 24, packet[21] = packets >> 16, packet[22] = packets >> 8;
  packet[23] = packets;
  packet[27] = 0x42;
  return g_bytes_new (packet, sizeof packet);
}

static void
send_bytes (Fixture *f, guint i, GBytes *packet)
{
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (packet, &size);
  confab_packet_path_send (f->paths[i], data, size);
}

/* Hands @packet to side @i's DTLS layer as if it came from the network. */
static void
inject (Fixture *f, guint i, const guint8 *data, gsize size)
{
  confab_packet_layer_deliver_up (LAYER (f->taps[i]), data, size);
}

static guint want_media[2];

static gboolean
media_arrived (Fixture *f)
{
  return media_count (&f->sides[0]) >= want_media[0] && media_count (&f->sides[1]) >= want_media[1];
}

/* The packet side @i sent on the wire with @plain's first @header bytes
 * (SRTP leaves the RTP header and the first 8 bytes of RTCP clear). */
static GBytes *
find_on_wire (Fixture *f, guint i, GBytes *plain, gsize header)
{
  GBytes *found = NULL;
  g_mutex_lock (&f->sides[i].lock);
  for (guint k = 0; k < f->sides[i].wire->len && !found; k++)
    {
      GBytes *wire = f->sides[i].wire->pdata[k];
      if (g_bytes_get_size (wire) > g_bytes_get_size (plain)
          && memcmp (g_bytes_get_data (wire, NULL), g_bytes_get_data (plain, NULL), header) == 0)
        found = g_bytes_ref (wire);
    }
  g_mutex_unlock (&f->sides[i].lock);
  return found;
}

static void
assert_encrypted (GBytes *wire, GBytes *plain, gsize header, gsize tag)
{
  g_assert_nonnull (wire);
  gsize plain_size = g_bytes_get_size (plain);
  g_assert_cmpuint (g_bytes_get_size (wire), ==, plain_size + tag);
  const guint8 *w = g_bytes_get_data (wire, NULL);
  const guint8 *p = g_bytes_get_data (plain, NULL);
  g_assert_true (memcmp (w + header, p + header, plain_size - header) != 0);
}

/* RTP and RTCP each way: the media gets exactly the bytes sent, the wire
 * carried them encrypted and authenticated. */
static void
assert_round_trip (Fixture *f)
{
  g_auto (ConfabDtlsInfo) info = { 0 };
  confab_dtls_layer_get_info (f->dtls[0], &info);
  gboolean gcm = g_strcmp0 (info.srtp_profile, "SRTP_AEAD_AES_128_GCM") == 0;
  gsize rtp_tag = gcm ? 16 : 10;
  gsize rtcp_tag = 4 + rtp_tag; /* E flag and SRTCP index, then the tag */
  ConfabDtlsInfo before[2];
  for (guint i = 0; i < 2; i++)
    confab_dtls_layer_get_info (f->dtls[i], &before[i]);

  GPtrArray *sent[2];
  for (guint i = 0; i < 2; i++)
    {
      sent[i] = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      for (guint16 seq = 1; seq <= 20; seq++)
        g_ptr_array_add (sent[i], make_rtp (seq, 0x1000 + i));
      g_ptr_array_add (sent[i], make_rtcp_sr (0x1000 + i, 20));
      for (guint k = 0; k < sent[i]->len; k++)
        send_bytes (f, i, sent[i]->pdata[k]);
      want_media[1 - i] = sent[i]->len;
    }
  g_assert_true (wait_for (f, media_arrived, 10000));

  for (guint i = 0; i < 2; i++)
    {
      Side *receiver = &f->sides[1 - i];
      g_assert_cmpuint (receiver->media->len, ==, sent[i]->len);
      /* Loopback keeps the order. */
      for (guint k = 0; k < sent[i]->len; k++)
        g_assert_true (g_bytes_equal (receiver->media->pdata[k], sent[i]->pdata[k]));

      g_autoptr (GBytes) rtp_wire = find_on_wire (f, i, sent[i]->pdata[0], 12);
      assert_encrypted (rtp_wire, sent[i]->pdata[0], 12, rtp_tag);
      GBytes *sr = sent[i]->pdata[sent[i]->len - 1];
      g_autoptr (GBytes) rtcp_wire = find_on_wire (f, i, sr, 8);
      assert_encrypted (rtcp_wire, sr, 8, rtcp_tag);

      g_auto (ConfabDtlsInfo) counts = { 0 };
      confab_dtls_layer_get_info (f->dtls[i], &counts);
      g_assert_cmpuint (counts.srtp_packets_sent - before[i].srtp_packets_sent, ==, sent[i]->len);
      g_assert_cmpuint (counts.srtp_packets_received - before[i].srtp_packets_received, ==,
                        sent[1 - i]->len);
      g_assert_cmpuint (counts.unprotect_failures, ==, before[i].unprotect_failures);
      confab_dtls_info_clear (&before[i]);
    }
  g_ptr_array_unref (sent[0]);
  g_ptr_array_unref (sent[1]);
}

static void
assert_connected_info (Fixture *f, guint i, ConfabDtlsRole role)
{
  g_auto (ConfabDtlsInfo) info = { 0 };
  confab_dtls_layer_get_info (f->dtls[i], &info);
  g_test_message ("side %u (%s): %s, %s, %.1f ms, %" G_GUINT64_FORMAT
                  " DTLS packets sent, %" G_GUINT64_FORMAT " received",
                  i, role == CONFAB_DTLS_ROLE_CLIENT ? "client" : "server", info.cipher,
                  info.srtp_profile, info.handshake_ms, info.dtls_packets_sent,
                  info.dtls_packets_received);
  g_assert_cmpint (info.state, ==, CONFAB_DTLS_STATE_CONNECTED);
  g_assert_cmpint (info.role, ==, role);
  g_assert_true (info.fingerprint_verified);
  g_assert_nonnull (info.cipher);
  g_assert_true (strstr (info.cipher, "ECDHE-ECDSA") != NULL);
  g_assert_true (g_strcmp0 (info.srtp_profile, "SRTP_AEAD_AES_128_GCM") == 0
                 || g_strcmp0 (info.srtp_profile, "SRTP_AES128_CM_SHA1_80") == 0);
  g_assert_cmpfloat (info.handshake_ms, >, 0);
  g_assert_cmpuint (info.dtls_packets_sent, >, 0);
  g_assert_cmpuint (info.dtls_packets_received, >, 0);
  g_assert_cmpstr (confab_dtls_state_to_string (info.state), ==, "connected");
  g_autoptr (GError) error = confab_dtls_layer_dup_error (f->dtls[i]);
  g_assert_no_error (error);
}

static void
await_connected_round_trip (Fixture *f)
{
  await_connected (f);
  assert_round_trip (f);
}

/* -- tests ---------------------------------------------------------------------- */

/* Either side may be the client (a=setup:active): both connect, agree on
 * the profile, and carry RTP and RTCP both ways. */
static void
test_handshake (Fixture *f, gconstpointer data)
{
  guint client = GPOINTER_TO_UINT (data);
  connect_both (f, client);
  assert_connected_info (f, client, CONFAB_DTLS_ROLE_CLIENT);
  assert_connected_info (f, 1 - client, CONFAB_DTLS_ROLE_SERVER);

  g_auto (ConfabDtlsInfo) a = { 0 };
  g_auto (ConfabDtlsInfo) b = { 0 };
  confab_dtls_layer_get_info (f->dtls[0], &a);
  confab_dtls_layer_get_info (f->dtls[1], &b);
  g_assert_cmpstr (a.srtp_profile, ==, b.srtp_profile);
  g_assert_cmpstr (a.cipher, ==, b.cipher);
  assert_round_trip (f);

  /* A second start is refused, with its own error. */
  g_autoptr (GError) error = NULL;
  g_assert_false (confab_dtls_layer_start (f->dtls[0], CONFAB_DTLS_ROLE_CLIENT,
                                           confab_dtls_layer_get_local_fingerprint (f->dtls[1]),
                                           &error));
  g_assert_error (error, CONFAB_DTLS_ERROR, CONFAB_DTLS_ERROR_STARTED);
}

/* Fail closed: media from either end is dropped, and counted, until the
 * handshake is done, whether it comes from the media or the network. */
static void
test_media_before_connected (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) rtp = make_rtp (1, 0x1000);
  g_autoptr (GBytes) sr = make_rtcp_sr (0x1000, 1);
  send_bytes (f, 0, rtp);
  send_bytes (f, 0, sr);
  inject (f, 1, g_bytes_get_data (rtp, NULL), g_bytes_get_size (rtp));

  /* Started but not connected: the server waits for a ClientHello that
   * nobody sends. */
  start (f, 1, CONFAB_DTLS_ROLE_SERVER);
  g_assert_cmpint (confab_dtls_layer_get_state (f->dtls[1]), ==, CONFAB_DTLS_STATE_CONNECTING);
  send_bytes (f, 1, rtp);

  g_auto (ConfabDtlsInfo) info0 = { 0 };
  g_auto (ConfabDtlsInfo) info1 = { 0 };
  confab_dtls_layer_get_info (f->dtls[0], &info0);
  confab_dtls_layer_get_info (f->dtls[1], &info1);
  g_assert_cmpuint (info0.dropped_before_keys, ==, 2);
  g_assert_cmpuint (info1.dropped_before_keys, ==, 2);
  g_assert_cmpuint (info0.srtp_packets_sent, ==, 0);
  g_assert_null (info0.cipher);
  g_assert_null (info0.srtp_profile);
  g_assert_cmpfloat (info0.handshake_ms, ==, 0);
  ConfabPacketTapStats stats;
  confab_packet_tap_get_stats (f->taps[0], &stats);
  g_assert_cmpuint (stats.packets_sent, ==, 0);
  g_assert_cmpuint (media_count (&f->sides[1]), ==, 0);

  /* Once connected, the same packets go through. */
  start (f, 0, CONFAB_DTLS_ROLE_CLIENT);
  await_connected_round_trip (f);
}

/* A fingerprint changed on the way: the side that expected another
 * certificate fails with FINGERPRINT_MISMATCH and ends the handshake with
 * an alert, so the other fails too; no media moves either way. */
static void
test_fingerprint_mismatch (Fixture *f, gconstpointer data)
{
  guint checker = GPOINTER_TO_UINT (data) & 1;
  guint client = GPOINTER_TO_UINT (data) >> 1;
  g_autofree char *tampered
      = g_strdup (confab_dtls_layer_get_local_fingerprint (f->dtls[1 - checker]));
  gsize last = strlen (tampered) - 1;
  tampered[last] = tampered[last] == '0' ? '1' : '0';

  for (guint i = 0; i < 2; i++)
    {
      ConfabDtlsRole role = i == client ? CONFAB_DTLS_ROLE_CLIENT : CONFAB_DTLS_ROLE_SERVER;
      const char *expected
          = i == checker ? tampered : confab_dtls_layer_get_local_fingerprint (f->dtls[1 - i]);
      g_autoptr (GError) error = NULL;
      g_assert_true (confab_dtls_layer_start (f->dtls[i], role, expected, &error));
    }
  g_assert_true (wait_for (f, both_settled, 30000));

  g_autoptr (GError) error = confab_dtls_layer_dup_error (f->dtls[checker]);
  g_test_message ("checker (%s): %s", checker == client ? "client" : "server", error->message);
  g_assert_error (error, CONFAB_DTLS_ERROR, CONFAB_DTLS_ERROR_FINGERPRINT_MISMATCH);
  g_assert_true (strstr (error->message, tampered) != NULL);
  g_autoptr (GError) other = confab_dtls_layer_dup_error (f->dtls[1 - checker]);
  g_test_message ("the other: %s", other->message);
  g_assert_error (other, CONFAB_DTLS_ERROR, CONFAB_DTLS_ERROR_HANDSHAKE);
  g_assert_true (strstr (other->message, "bad certificate") != NULL);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (GBytes) rtp = make_rtp (1, 0x1000 + i);
      send_bytes (f, i, rtp);
      g_auto (ConfabDtlsInfo) info = { 0 };
      confab_dtls_layer_get_info (f->dtls[i], &info);
      g_assert_cmpint (info.state, ==, CONFAB_DTLS_STATE_FAILED);
      g_assert_cmpuint (info.srtp_packets_sent, ==, 0);
      g_assert_cmpuint (info.dropped_before_keys, ==, 1);
      g_assert_null (info.srtp_profile);
      if (i == checker)
        g_assert_false (info.fingerprint_verified);
    }
  run_for (f, 200);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpuint (media_count (&f->sides[i]), ==, 0);
      /* Nothing in the RTP range ever went on the wire. */
      g_mutex_lock (&f->sides[i].lock);
      for (guint k = 0; k < f->sides[i].wire->len; k++)
        {
          const guint8 *d = g_bytes_get_data (f->sides[i].wire->pdata[k], NULL);
          g_assert_cmpuint (d[0], <, 128);
        }
      g_mutex_unlock (&f->sides[i].lock);
    }
}

/* 30% of the packets lost each way, handshake included: the
 * retransmissions still get it through. */
static void
test_lossy (Fixture *f, gconstpointer data)
{
  guint32 seed = g_test_rand_int ();
  g_test_message ("loss seed %u (rerun with --seed to repeat)", seed);
  for (guint i = 0; i < 2; i++)
    {
      g_rand_set_seed (f->loss[i]->rand, seed + i);
      f->loss[i]->loss_percent = 30;
    }
  gint64 begin = g_get_monotonic_time ();
  connect_both (f, 0);
  g_test_message ("connected after %.0f ms", (g_get_monotonic_time () - begin) / 1000.0);
  assert_connected_info (f, 0, CONFAB_DTLS_ROLE_CLIENT);
  assert_connected_info (f, 1, CONFAB_DTLS_ROLE_SERVER);
}

static gboolean
second_closed (Fixture *f)
{
  return confab_dtls_layer_get_state (f->dtls[1]) == CONFAB_DTLS_STATE_CLOSED;
}

/* Hanging up closes the path; the DTLS layer says close_notify on its way
 * out and the other side ends at once, not when ICE times out. */
static void
test_close_notify (Fixture *f, gconstpointer data)
{
  connect_both (f, 0);
  confab_packet_path_close (f->paths[0]);
  g_assert_cmpint (confab_dtls_layer_get_state (f->dtls[0]), ==, CONFAB_DTLS_STATE_CLOSED);
  gint64 begin = g_get_monotonic_time ();
  g_assert_true (wait_for (f, second_closed, 2000));
  g_test_message ("the other side closed after %.1f ms",
                  (g_get_monotonic_time () - begin) / 1000.0);
  g_autoptr (GError) error = confab_dtls_layer_dup_error (f->dtls[1]);
  g_assert_no_error (error);

  g_autoptr (GBytes) rtp = make_rtp (1, 0x1001);
  send_bytes (f, 1, rtp);
  g_auto (ConfabDtlsInfo) info = { 0 };
  confab_dtls_layer_get_info (f->dtls[1], &info);
  g_assert_cmpuint (info.dropped_before_keys, ==, 1);
  g_assert_cmpuint (info.srtp_packets_sent, ==, 0);
  /* Closing again sends nothing more. */
  confab_dtls_layer_shutdown (f->dtls[0]);
  g_assert_cmpint (confab_dtls_layer_get_state (f->dtls[0]), ==, CONFAB_DTLS_STATE_CLOSED);
}

/* What is neither DTLS nor RTP/RTCP is dropped and counted, both ways. */
static void
test_not_demuxed (Fixture *f, gconstpointer data)
{
  connect_both (f, 0);
  static const guint8 firsts[] = { 0, 3, 17, 64, 79, 100, 127, 192, 255 };
  for (guint k = 0; k < G_N_ELEMENTS (firsts); k++)
    {
      guint8 packet[64] = { firsts[k], 111 };
      inject (f, 1, packet, sizeof packet);
      confab_packet_path_send (f->paths[0], packet, sizeof packet);
    }
  /* Too short to be what its first byte says. */
  guint8 short_rtp[4] = { 0x80, 111 };
  inject (f, 1, short_rtp, sizeof short_rtp);

  g_auto (ConfabDtlsInfo) info0 = { 0 };
  g_auto (ConfabDtlsInfo) info1 = { 0 };
  confab_dtls_layer_get_info (f->dtls[0], &info0);
  confab_dtls_layer_get_info (f->dtls[1], &info1);
  g_assert_cmpuint (info0.not_demuxed, ==, G_N_ELEMENTS (firsts));
  g_assert_cmpuint (info1.not_demuxed, ==, G_N_ELEMENTS (firsts) + 1);
  g_assert_cmpuint (info0.srtp_packets_sent, ==, 0);
  g_assert_cmpuint (media_count (&f->sides[1]), ==, 0);

  /* An RTP packet that is not SRTP fails authentication. */
  g_autoptr (GBytes) plain = make_rtp (7, 0x1000);
  inject (f, 1, g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
  confab_dtls_info_clear (&info1);
  confab_dtls_layer_get_info (f->dtls[1], &info1);
  g_assert_cmpuint (info1.unprotect_failures, ==, 1);
  g_assert_cmpuint (media_count (&f->sides[1]), ==, 0);
  assert_round_trip (f);
}

static gboolean
server_heard (Fixture *f)
{
  g_auto (ConfabDtlsInfo) info = { 0 };
  confab_dtls_layer_get_info (f->dtls[1], &info);
  return info.dtls_packets_received > 0;
}

/* The client's first ClientHello reaches the server before the server
 * knows it is one (its answer was not applied yet): it is kept and
 * answered at start(). The loss layer lets only that one ClientHello
 * through, so a later retransmission cannot be what connects them. */
static void
test_early_client_hello (Fixture *f, gconstpointer data)
{
  f->loss[0]->one_client_hello = TRUE;
  start (f, 0, CONFAB_DTLS_ROLE_CLIENT);
  g_assert_true (wait_for (f, server_heard, 5000));
  run_for (f, 500); /* past the client's first retransmissions */
  g_assert_cmpint (confab_dtls_layer_get_state (f->dtls[1]), ==, CONFAB_DTLS_STATE_NEW);
  g_assert_cmpuint (f->loss[0]->client_hellos_sent, >, 1);

  start (f, 1, CONFAB_DTLS_ROLE_SERVER);
  await_connected_round_trip (f);
}

static gboolean
both_failed (Fixture *f)
{
  return confab_dtls_layer_get_state (f->dtls[0]) == CONFAB_DTLS_STATE_FAILED
         && confab_dtls_layer_get_state (f->dtls[1]) == CONFAB_DTLS_STATE_FAILED;
}

/* The client's ClientHello arrives, then its link goes dead: the client
 * hears the server's flight but cannot answer it, and both retransmit
 * their flights until OpenSSL gives up (12 tries, about 10 s with the
 * timers capped at 1 s) and fail with TIMEOUT. */
static void
test_handshake_timeout (Fixture *f, gconstpointer data)
{
  f->loss[0]->cut_after = 1;
  gint64 begin = g_get_monotonic_time ();
  start (f, 1, CONFAB_DTLS_ROLE_SERVER);
  start (f, 0, CONFAB_DTLS_ROLE_CLIENT);
  g_assert_true (wait_for (f, both_failed, 45000));
  g_test_message ("both failed after %.1f s", (g_get_monotonic_time () - begin) / 1e6);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (GError) error = confab_dtls_layer_dup_error (f->dtls[i]);
      g_test_message ("side %u: %s", i, error->message);
      g_assert_error (error, CONFAB_DTLS_ERROR, CONFAB_DTLS_ERROR_TIMEOUT);
    }
}

static void
test_bad_expected_fingerprint (Fixture *f, gconstpointer data)
{
  const char *bad[] = { "", "sha-256", "sha-256 AB:CD", "md5 00:11", "nonsense" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (
          confab_dtls_layer_start (f->dtls[0], CONFAB_DTLS_ROLE_CLIENT, bad[i], &error));
      g_assert_error (error, CONFAB_DTLS_ERROR, CONFAB_DTLS_ERROR_INVALID_FINGERPRINT);
    }
  g_assert_cmpint (confab_dtls_layer_get_state (f->dtls[0]), ==, CONFAB_DTLS_STATE_NEW);
  /* Shut down before it started: closed, and it cannot start any more. */
  confab_dtls_layer_shutdown (f->dtls[0]);
  g_assert_cmpint (confab_dtls_layer_get_state (f->dtls[0]), ==, CONFAB_DTLS_STATE_CLOSED);
  g_autoptr (GError) error = NULL;
  g_assert_false (confab_dtls_layer_start (f->dtls[0], CONFAB_DTLS_ROLE_CLIENT,
                                           confab_dtls_layer_get_local_fingerprint (f->dtls[1]),
                                           &error));
  g_assert_error (error, CONFAB_DTLS_ERROR, CONFAB_DTLS_ERROR_STARTED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  const struct
  {
    const char *name;
    gconstpointer data;
    void (*test) (Fixture *f, gconstpointer data);
  } cases[] = {
    { "dtls/handshake-offerer-client", GUINT_TO_POINTER (0), test_handshake },
    { "dtls/handshake-answerer-client", GUINT_TO_POINTER (1), test_handshake },
    { "dtls/media-before-connected", NULL, test_media_before_connected },
    /* data: bit 0 the side that checks a tampered fingerprint, bit 1 the client. */
    { "dtls/mismatch-client-checks", GUINT_TO_POINTER (0 | 0 << 1), test_fingerprint_mismatch },
    { "dtls/mismatch-server-checks", GUINT_TO_POINTER (1 | 0 << 1), test_fingerprint_mismatch },
    { "dtls/mismatch-answerer-client-checks", GUINT_TO_POINTER (1 | 1 << 1),
      test_fingerprint_mismatch },
    { "dtls/lossy-30-percent", NULL, test_lossy },
    { "dtls/close-notify", NULL, test_close_notify },
    { "dtls/not-demuxed", NULL, test_not_demuxed },
    { "dtls/early-client-hello", NULL, test_early_client_hello },
    { "dtls/handshake-timeout", NULL, test_handshake_timeout },
    { "dtls/bad-expected-fingerprint", NULL, test_bad_expected_fingerprint },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strconcat ("/confab/transport/", cases[i].name, NULL);
      g_test_add (path, Fixture, cases[i].data, fixture_setup, cases[i].test, fixture_teardown);
    }
  return g_test_run ();
}
