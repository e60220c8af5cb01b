/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The packet path with real packets through real layers: the tap, and
 * test layers that tag, drop or stand in for the wire (the path with the
 * ICE session at its bottom is in test-ice-session.c).
 */
#include "config.h"

#include <string.h>

#include "confab-packet-path.h"
#include "confab-packet-tap.h"

/* -- a configurable test layer ------------------------------------------------ */

/* @tag: appended on the way down, checked and stripped on the way up
 * (a packet without it is dropped, as a decryption layer would).
 * @drop_odd: drops packets whose first byte is odd, both ways.
 * @wire: the bottom; keeps what is sent instead of passing it on.
 * @goodbye: sends "bye" down when closed (as DTLS sends close_notify). */
#define TEST_TYPE_LAYER (test_layer_get_type ())
G_DECLARE_FINAL_TYPE (TestLayer, test_layer, TEST, LAYER, ConfabPacketLayer)

struct _TestLayer
{
  ConfabPacketLayer parent_instance;
  char tag;
  gboolean drop_odd;
  gboolean wire;
  gboolean goodbye;
  GMutex lock;
  GPtrArray *sent; /* GBytes, for @wire */
  gint n_closed;
  GString *close_log; /* shared, not owned; guarded by close_lock */
  GMutex *close_lock;
};

G_DEFINE_FINAL_TYPE (TestLayer, test_layer, CONFAB_TYPE_PACKET_LAYER)

static void
test_layer_send (ConfabPacketLayer *layer, const guint8 *data, gsize size)
{
  TestLayer *self = TEST_LAYER (layer);
  if (self->drop_odd && size > 0 && data[0] % 2 == 1)
    return;
  if (self->wire)
    {
      g_mutex_lock (&self->lock);
      g_ptr_array_add (self->sent, g_bytes_new (data, size));
      g_mutex_unlock (&self->lock);
      return;
    }
  if (!self->tag)
    {
      confab_packet_layer_send_down (layer, data, size);
      return;
    }
  g_autofree guint8 *tagged = g_malloc (size + 1);
  memcpy (tagged, data, size);
  tagged[size] = self->tag;
  confab_packet_layer_send_down (layer, tagged, size + 1);
}

static void
test_layer_receive (ConfabPacketLayer *layer, const guint8 *data, gsize size)
{
  TestLayer *self = TEST_LAYER (layer);
  if (self->drop_odd && size > 0 && data[0] % 2 == 1)
    return;
  if (self->tag && (size == 0 || data[size - 1] != self->tag))
    return;
  confab_packet_layer_deliver_up (layer, data, self->tag ? size - 1 : size);
}

static void
test_layer_close (ConfabPacketLayer *layer)
{
  TestLayer *self = TEST_LAYER (layer);
  g_atomic_int_inc (&self->n_closed);
  if (self->goodbye)
    confab_packet_layer_send_down (layer, (const guint8 *) "bye", 3);
  if (self->close_log)
    {
      g_mutex_lock (self->close_lock);
      g_string_append_c (self->close_log, self->tag ?: self->wire ? 'w' : '-');
      g_mutex_unlock (self->close_lock);
    }
}

static void
test_layer_finalize (GObject *object)
{
  g_ptr_array_unref (TEST_LAYER (object)->sent);
  g_mutex_clear (&TEST_LAYER (object)->lock);
  G_OBJECT_CLASS (test_layer_parent_class)->finalize (object);
}

static void
test_layer_class_init (TestLayerClass *klass)
{
  CONFAB_PACKET_LAYER_CLASS (klass)->send = test_layer_send;
  CONFAB_PACKET_LAYER_CLASS (klass)->receive = test_layer_receive;
  CONFAB_PACKET_LAYER_CLASS (klass)->close = test_layer_close;
  G_OBJECT_CLASS (klass)->finalize = test_layer_finalize;
}

static void
test_layer_init (TestLayer *self)
{
  g_mutex_init (&self->lock);
  self->sent = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
}

static TestLayer *
test_layer_new (char tag)
{
  TestLayer *self = g_object_new (TEST_TYPE_LAYER, NULL);
  self->tag = tag;
  return self;
}

static TestLayer *
test_wire_new (void)
{
  TestLayer *self = test_layer_new (0);
  self->wire = TRUE;
  return self;
}

static guint
wire_count (TestLayer *wire)
{
  g_mutex_lock (&wire->lock);
  guint n = wire->sent->len;
  g_mutex_unlock (&wire->lock);
  return n;
}

/* The @i-th packet that reached the wire, as a string. */
static char *
wire_packet (TestLayer *wire, guint i)
{
  g_mutex_lock (&wire->lock);
  g_assert_cmpuint (i, <, wire->sent->len);
  gsize size = 0;
  const char *data = g_bytes_get_data (wire->sent->pdata[i], &size);
  char *out = g_strndup (data, size);
  g_mutex_unlock (&wire->lock);
  return out;
}

#define LAYER(l) CONFAB_PACKET_LAYER (l)

static void
send_string (ConfabPacketPath *path, const char *s)
{
  confab_packet_path_send (path, (const guint8 *) s, strlen (s));
}

static void
receive_string (TestLayer *wire, const char *s)
{
  confab_packet_layer_deliver_up (LAYER (wire), (const guint8 *) s, strlen (s));
}

/* -- what reaches the media -------------------------------------------------------- */

typedef struct
{
  GMutex lock;
  GPtrArray *packets; /* char * */
  gint destroyed;
} Media;

static void
on_deliver (const guint8 *data, gsize size, gpointer user_data)
{
  Media *media = user_data;
  g_mutex_lock (&media->lock);
  g_ptr_array_add (media->packets, g_strndup ((const char *) data, size));
  g_mutex_unlock (&media->lock);
}

static void
on_media_destroyed (gpointer user_data)
{
  Media *media = user_data;
  g_atomic_int_inc (&media->destroyed);
}

static void
media_init (Media *media, ConfabPacketPath *path)
{
  g_mutex_init (&media->lock);
  media->packets = g_ptr_array_new_with_free_func (g_free);
  media->destroyed = 0;
  confab_packet_path_set_deliver_func (path, on_deliver, media, on_media_destroyed);
}

static void
media_clear (Media *media)
{
  g_ptr_array_unref (media->packets);
  g_mutex_clear (&media->lock);
}

/* -- tests ------------------------------------------------------------------------ */

/* Layers run top to bottom on the way out and bottom to top on the way
 * in, and each direction keeps the packets' order. */
static void
test_order (void)
{
  g_autoptr (TestLayer) wire = test_wire_new ();
  g_autoptr (TestLayer) a = test_layer_new ('A');
  g_autoptr (TestLayer) b = test_layer_new ('B');
  g_autoptr (ConfabPacketPath) path = confab_packet_path_new (LAYER (wire));
  Media media;
  media_init (&media, path);
  g_assert_true (confab_packet_path_push (path, LAYER (b)));
  /* Below B after the fact: the stack is wire, A, B. */
  g_assert_true (confab_packet_path_insert_above (path, LAYER (a), LAYER (wire)));

  g_autoptr (GPtrArray) layers = confab_packet_path_dup_layers (path);
  g_assert_cmpuint (layers->len, ==, 3);
  g_assert_true (layers->pdata[0] == wire && layers->pdata[1] == a && layers->pdata[2] == b);

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *s = g_strdup_printf ("out%03u", i);
      send_string (path, s);
    }
  g_assert_cmpuint (wire_count (wire), ==, 100);
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *expected = g_strdup_printf ("out%03uBA", i);
      g_autofree char *got = wire_packet (wire, i);
      g_assert_cmpstr (got, ==, expected);
    }

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *s = g_strdup_printf ("in%03uBA", i);
      receive_string (wire, s);
    }
  /* Tags in the wrong order: A strips nothing, so the packet goes no further. */
  receive_string (wire, "badAB");
  g_assert_cmpuint (media.packets->len, ==, 100);
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *expected = g_strdup_printf ("in%03u", i);
      g_assert_cmpstr (media.packets->pdata[i], ==, expected);
    }

  g_clear_object (&path);
  g_assert_cmpint (media.destroyed, ==, 1);
  media_clear (&media);
}

/* Closing runs every close() once, top first (so the top layer's goodbye
 * still goes down through the others); after it nothing moves. */
static void
test_close_once (void)
{
  GMutex lock;
  g_mutex_init (&lock);
  g_autoptr (GString) log = g_string_new (NULL);
  g_autoptr (TestLayer) wire = test_wire_new ();
  g_autoptr (TestLayer) a = test_layer_new ('A');
  g_autoptr (TestLayer) b = test_layer_new ('B');
  TestLayer *all[] = { wire, a, b };
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      all[i]->close_log = log;
      all[i]->close_lock = &lock;
    }
  g_autoptr (ConfabPacketPath) path = confab_packet_path_new (LAYER (wire));
  Media media;
  media_init (&media, path);
  confab_packet_path_push (path, LAYER (a));
  confab_packet_path_push (path, LAYER (b));
  b->goodbye = TRUE;

  send_string (path, "before");
  confab_packet_path_close (path);
  g_assert_cmpuint (wire_count (wire), ==, 2);
  g_autofree char *goodbye = wire_packet (wire, 1);
  g_assert_cmpstr (goodbye, ==, "byeA");
  g_assert_true (confab_packet_path_is_closed (path));
  g_assert_cmpstr (log->str, ==, "BAw");
  g_assert_cmpint (media.destroyed, ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      g_assert_cmpint (all[i]->n_closed, ==, 1);
      g_assert_true (confab_packet_layer_is_closed (LAYER (all[i])));
    }

  send_string (path, "after");
  receive_string (wire, "afterBA");
  g_assert_cmpuint (wire_count (wire), ==, 2);
  g_assert_cmpuint (media.packets->len, ==, 0);

  /* Again, and by dispose: nothing runs twice. */
  confab_packet_path_close (path);
  g_autoptr (TestLayer) late = test_layer_new ('L');
  g_assert_false (confab_packet_path_push (path, LAYER (late)));
  g_clear_object (&path);
  g_assert_cmpstr (log->str, ==, "BAw");
  g_assert_cmpint (media.destroyed, ==, 1);
  g_assert_cmpint (late->n_closed, ==, 0);

  media_clear (&media);
  g_mutex_clear (&lock);
}

static void
test_remove_replace (void)
{
  g_autoptr (TestLayer) wire = test_wire_new ();
  g_autoptr (TestLayer) a = test_layer_new ('A');
  g_autoptr (TestLayer) b = test_layer_new ('B');
  g_autoptr (TestLayer) c = test_layer_new ('C');
  g_autoptr (ConfabPacketPath) path = confab_packet_path_new (LAYER (wire));
  Media media;
  media_init (&media, path);
  confab_packet_path_push (path, LAYER (a));
  confab_packet_path_push (path, LAYER (b));

  /* A removed layer is closed at once, once. */
  g_assert_true (confab_packet_path_remove (path, LAYER (a)));
  g_assert_false (confab_packet_path_remove (path, LAYER (a)));
  g_assert_cmpint (a->n_closed, ==, 1);
  send_string (path, "1");
  g_autofree char *p1 = wire_packet (wire, 0);
  g_assert_cmpstr (p1, ==, "1B");
  /* What a removed layer still passes on goes nowhere. */
  confab_packet_layer_send_down (LAYER (a), (const guint8 *) "x", 1);
  confab_packet_layer_deliver_up (LAYER (a), (const guint8 *) "x", 1);
  g_assert_cmpuint (wire_count (wire), ==, 1);
  g_assert_cmpuint (media.packets->len, ==, 0);
  /* ...and it cannot come back. */
  g_test_expect_message ("confab-transport", G_LOG_LEVEL_CRITICAL, "*was in a path before*");
  g_assert_false (confab_packet_path_push (path, LAYER (a)));
  g_test_assert_expected_messages ();

  g_assert_true (confab_packet_path_replace (path, LAYER (b), LAYER (c)));
  g_assert_cmpint (b->n_closed, ==, 1);
  g_assert_cmpint (c->n_closed, ==, 0);
  send_string (path, "2");
  g_autofree char *p2 = wire_packet (wire, 1);
  g_assert_cmpstr (p2, ==, "2C");
  receive_string (wire, "3C");
  receive_string (wire, "4B"); /* B's packets are not understood any more */
  g_assert_cmpuint (media.packets->len, ==, 1);
  g_assert_cmpstr (media.packets->pdata[0], ==, "3");

  /* The bottom is replaced, not removed. */
  g_test_expect_message ("confab-transport", G_LOG_LEVEL_CRITICAL, "*can only be replaced*");
  g_assert_false (confab_packet_path_remove (path, LAYER (wire)));
  g_test_assert_expected_messages ();
  g_autoptr (TestLayer) wire2 = test_wire_new ();
  g_assert_true (confab_packet_path_replace (path, LAYER (wire), LAYER (wire2)));
  g_assert_cmpint (wire->n_closed, ==, 1);
  send_string (path, "5");
  g_assert_cmpuint (wire_count (wire), ==, 2);
  g_autofree char *p5 = wire_packet (wire2, 0);
  g_assert_cmpstr (p5, ==, "5C");

  confab_packet_path_close (path);
  g_assert_cmpint (a->n_closed, ==, 1);
  g_assert_cmpint (b->n_closed, ==, 1);
  g_assert_cmpint (c->n_closed, ==, 1);
  g_assert_cmpint (wire->n_closed, ==, 1);
  g_assert_cmpint (wire2->n_closed, ==, 1);
  media_clear (&media);
}

typedef struct
{
  GString *seen; /* "s<byte>" or "r<byte>" per packet */
  gint destroyed;
} Capture;

static void
on_tap_copy (gboolean sent, GBytes *packet, gpointer user_data)
{
  Capture *capture = user_data;
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (packet, &size);
  g_assert_cmpuint (size, >, 0);
  g_string_append_printf (capture->seen, "%c%u ", sent ? 's' : 'r', data[0]);
}

static void
on_capture_destroyed (gpointer user_data)
{
  Capture *capture = user_data;
  capture->destroyed++;
}

/* A layer that drops, between two taps: the taps count what each side of
 * it sees, and the capture gets copies in order. */
static void
test_drop_and_tap (void)
{
  g_autoptr (TestLayer) wire = test_wire_new ();
  g_autoptr (ConfabPacketTap) below = confab_packet_tap_new ();
  g_autoptr (TestLayer) dropper = test_layer_new (0);
  g_autoptr (ConfabPacketTap) above = confab_packet_tap_new ();
  dropper->drop_odd = TRUE;
  g_autoptr (ConfabPacketPath) path = confab_packet_path_new (LAYER (wire));
  Media media;
  media_init (&media, path);
  confab_packet_path_push (path, LAYER (below));
  confab_packet_path_push (path, LAYER (dropper));
  confab_packet_path_push (path, LAYER (above));
  Capture capture = { g_string_new (NULL), 0 };
  confab_packet_tap_set_func (below, on_tap_copy, &capture, on_capture_destroyed);

  for (guint8 i = 0; i < 10; i++)
    {
      guint8 packet[100] = { i };
      confab_packet_path_send (path, packet, 10 + i);
      confab_packet_layer_deliver_up (LAYER (wire), packet, 20);
    }

  ConfabPacketTapStats stats;
  confab_packet_tap_get_stats (above, &stats);
  g_assert_cmpuint (stats.packets_sent, ==, 10);
  g_assert_cmpuint (stats.bytes_sent, ==, 10 * 10 + 45);
  g_assert_cmpuint (stats.packets_received, ==, 5);
  g_assert_cmpuint (stats.bytes_received, ==, 5 * 20);
  confab_packet_tap_get_stats (below, &stats);
  g_assert_cmpuint (stats.packets_sent, ==, 5);
  g_assert_cmpuint (stats.bytes_sent, ==, 10 + 12 + 14 + 16 + 18);
  g_assert_cmpuint (stats.packets_received, ==, 10);
  g_assert_cmpuint (stats.bytes_received, ==, 10 * 20);
  g_assert_cmpuint (wire_count (wire), ==, 5);
  g_assert_cmpuint (media.packets->len, ==, 5);
  g_assert_cmpstr (capture.seen->str, ==, "s0 r0 r1 s2 r2 r3 s4 r4 r5 s6 r6 r7 s8 r8 r9 ");

  /* Closing the path lets go of the capture. */
  confab_packet_path_close (path);
  g_assert_cmpint (capture.destroyed, ==, 1);
  g_string_free (capture.seen, TRUE);
  media_clear (&media);
}

/* -- many threads ----------------------------------------------------------------- */

#define THREAD_PACKETS 20000

typedef struct
{
  ConfabPacketPath *path;
  TestLayer *wire;
  gboolean up;
} Pusher;

static gpointer
run_pusher (gpointer data)
{
  Pusher *pusher = data;
  for (guint i = 0; i < THREAD_PACKETS; i++)
    {
      guint8 packet[32] = { (guint8) (i * 2) }; /* even: the droppers let it through */
      if (pusher->up)
        confab_packet_layer_deliver_up (LAYER (pusher->wire), packet, sizeof packet);
      else
        confab_packet_path_send (pusher->path, packet, sizeof packet);
    }
  return NULL;
}

static void
on_count (const guint8 *data, gsize size, gpointer user_data)
{
  g_atomic_int_inc ((gint *) user_data);
}

/* Packets flow both ways from four threads while the main thread keeps
 * adding, replacing and removing layers: nothing crashes or leaks (run it
 * under ASan or valgrind), every layer is closed once, and no more comes
 * out than went in. */
static void
test_threads (void)
{
  g_autoptr (TestLayer) wire = test_wire_new ();
  g_autoptr (ConfabPacketPath) path = confab_packet_path_new (LAYER (wire));
  gint delivered = 0;
  confab_packet_path_set_deliver_func (path, on_count, &delivered, NULL);
  g_autoptr (ConfabPacketTap) tap = confab_packet_tap_new ();
  confab_packet_path_push (path, LAYER (tap));

  Pusher pushers[4];
  GThread *threads[4];
  for (guint i = 0; i < 4; i++)
    {
      pushers[i] = (Pusher){ path, wire, i % 2 == 1 };
      threads[i] = g_thread_new ("pusher", run_pusher, &pushers[i]);
    }

  g_autoptr (GPtrArray) removed = g_ptr_array_new_with_free_func (g_object_unref);
  ConfabPacketLayer *current = NULL;
  for (guint round = 0; round < 500; round++)
    {
      TestLayer *layer = test_layer_new (0);
      layer->drop_odd = TRUE;
      g_ptr_array_add (removed, layer);
      if (!current)
        g_assert_true (confab_packet_path_insert_above (path, LAYER (layer), LAYER (wire)));
      else if (round % 3 == 0)
        g_assert_true (confab_packet_path_replace (path, current, LAYER (layer)));
      else
        {
          g_assert_true (confab_packet_path_remove (path, current));
          g_assert_true (confab_packet_path_insert_above (path, LAYER (layer), LAYER (wire)));
        }
      current = LAYER (layer);
      g_thread_yield ();
    }
  for (guint i = 0; i < 4; i++)
    g_thread_join (threads[i]);
  confab_packet_path_close (path);

  for (guint i = 0; i < removed->len; i++)
    g_assert_cmpint (TEST_LAYER (removed->pdata[i])->n_closed, ==, 1);
  ConfabPacketTapStats stats;
  confab_packet_tap_get_stats (tap, &stats);
  g_test_message ("%u packets reached the wire, %d the media", wire_count (wire),
                  g_atomic_int_get (&delivered));
  g_assert_cmpuint (stats.packets_sent, ==, 2 * THREAD_PACKETS);
  g_assert_cmpuint (wire_count (wire), <=, 2 * THREAD_PACKETS);
  g_assert_cmpuint (stats.packets_received, <=, 2 * THREAD_PACKETS);
  g_assert_cmpint (g_atomic_int_get (&delivered), ==, (gint) stats.packets_received);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/confab/transport/packet-path/order", test_order);
  g_test_add_func ("/confab/transport/packet-path/close-once", test_close_once);
  g_test_add_func ("/confab/transport/packet-path/remove-replace", test_remove_replace);
  g_test_add_func ("/confab/transport/packet-path/drop-and-tap", test_drop_and_tap);
  g_test_add_func ("/confab/transport/packet-path/threads", test_threads);
  return g_test_run ();
}
