/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-netsim.h"

#include <string.h>

enum
{
  DOWN, /* toward the network */
  UP,   /* toward the media */
  N_DIRECTIONS
};

/* A packet waiting for its departure time. */
typedef struct
{
  gint64 departure;
  gsize size;
  guint8 data[];
} Held;

/* The timer thread's share: the queues, its context and loop. Shared by
 * the layer and the thread (each holds a reference), so that the layer can
 * go away on any thread, the timer's included, without joining it. */
typedef struct
{
  gatomicrefcount ref;
  GMutex lock;
  GQueue held[N_DIRECTIONS]; /* Held, departures in order (the model keeps it) */
  GMainContext *context;
  GMainLoop *loop;
  GSource *source;
  GWeakRef layer;
} Timer;

struct _ConfabNetsim
{
  ConfabPacketLayer parent_instance;

  GMutex lock;
  ConfabNetsimModel models[N_DIRECTIONS];
  ConfabNetsimDirectionStats stats[N_DIRECTIONS];
  Timer *timer; /* NULL until a packet has to wait */
};

G_DEFINE_FINAL_TYPE (ConfabNetsim, confab_netsim, CONFAB_TYPE_PACKET_LAYER)

static Timer *
timer_ref (Timer *timer)
{
  g_atomic_ref_count_inc (&timer->ref);
  return timer;
}

static void
timer_unref (Timer *timer)
{
  if (!g_atomic_ref_count_dec (&timer->ref))
    return;
  for (guint d = 0; d < N_DIRECTIONS; d++)
    g_queue_clear_full (&timer->held[d], g_free);
  g_source_destroy (timer->source);
  g_source_unref (timer->source);
  g_main_loop_unref (timer->loop);
  g_main_context_unref (timer->context);
  g_weak_ref_clear (&timer->layer);
  g_mutex_clear (&timer->lock);
  g_free (timer);
}

/* Under the timer's lock. */
static void
timer_update_ready_time (Timer *timer)
{
  gint64 next = -1;

  for (guint d = 0; d < N_DIRECTIONS; d++)
    {
      Held *head = g_queue_peek_head (&timer->held[d]);
      if (head && (next < 0 || head->departure < next))
        next = head->departure;
    }
  g_source_set_ready_time (timer->source, next);
}

/* Takes the packets due at @now (all of them when @now is G_MAXINT64) of
 * @direction out of the queue. */
static void
timer_take_due (Timer *timer, guint direction, gint64 now, GQueue *due)
{
  Held *head;

  while ((head = g_queue_peek_head (&timer->held[direction])) && head->departure <= now)
    g_queue_push_tail (due, g_queue_pop_head (&timer->held[direction]));
}

static void
pass_on (ConfabPacketLayer *layer, guint direction, GQueue *packets)
{
  Held *held;

  while ((held = g_queue_pop_head (packets)))
    {
      if (direction == DOWN)
        confab_packet_layer_send_down (layer, held->data, held->size);
      else
        confab_packet_layer_deliver_up (layer, held->data, held->size);
      g_free (held);
    }
}

static gboolean
on_timer_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  Timer *timer = user_data;
  GQueue due[N_DIRECTIONS] = { G_QUEUE_INIT, G_QUEUE_INIT };
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&timer->lock);
  for (guint d = 0; d < N_DIRECTIONS; d++)
    timer_take_due (timer, d, now, &due[d]);
  timer_update_ready_time (timer);
  g_mutex_unlock (&timer->lock);

  ConfabPacketLayer *layer = g_weak_ref_get (&timer->layer);
  for (guint d = 0; d < N_DIRECTIONS; d++)
    {
      if (layer && !confab_packet_layer_is_closed (layer))
        pass_on (layer, d, &due[d]);
      g_queue_clear_full (&due[d], g_free);
    }
  g_clear_object (&layer);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs timer_funcs = { .dispatch = on_timer_dispatch };

static gpointer
timer_thread (gpointer data)
{
  Timer *timer = data;

  g_main_context_push_thread_default (timer->context);
  g_main_loop_run (timer->loop);
  g_main_context_pop_thread_default (timer->context);
  timer_unref (timer);
  return NULL;
}

static Timer *
timer_new (ConfabNetsim *layer)
{
  Timer *timer = g_new0 (Timer, 1);

  g_atomic_ref_count_init (&timer->ref);
  g_mutex_init (&timer->lock);
  for (guint d = 0; d < N_DIRECTIONS; d++)
    g_queue_init (&timer->held[d]);
  timer->context = g_main_context_new ();
  timer->loop = g_main_loop_new (timer->context, FALSE);
  g_weak_ref_init (&timer->layer, layer);
  timer->source = g_source_new (&timer_funcs, sizeof (GSource));
  g_source_set_callback (timer->source, NULL, timer, NULL);
  g_source_set_priority (timer->source, G_PRIORITY_HIGH);
  g_source_set_name (timer->source, "confab-netsim");
  g_source_attach (timer->source, timer->context);
  g_thread_unref (g_thread_new ("confab-netsim", timer_thread, timer_ref (timer)));
  return timer;
}

static void
timer_hold (Timer *timer, guint direction, gint64 departure, const guint8 *data, gsize size)
{
  Held *held = g_malloc (sizeof (Held) + size);

  held->departure = departure;
  held->size = size;
  memcpy (held->data, data, size);
  g_mutex_lock (&timer->lock);
  g_queue_push_tail (&timer->held[direction], held);
  if (timer->held[direction].length == 1)
    timer_update_ready_time (timer);
  g_mutex_unlock (&timer->lock);
}

/* Decides @data's fate; passes it on at once, or holds it. */
static void
impair (ConfabNetsim *self, guint direction, const guint8 *data, gsize size)
{
  gint64 now = g_get_monotonic_time ();
  gint64 departure = now;
  Timer *timer = NULL;

  g_mutex_lock (&self->lock);
  ConfabNetsimModel *model = &self->models[direction];
  ConfabNetsimDirectionStats *stats = &self->stats[direction];
  ConfabNetsimVerdict verdict = confab_netsim_model_packet (model, now, size, &departure);
  if (verdict == CONFAB_NETSIM_LOST)
    stats->lost++;
  else if (verdict == CONFAB_NETSIM_OVERRUN)
    stats->overrun++;
  else
    {
      stats->passed++;
      stats->bytes_passed += size;
      stats->delay_sum_us += departure - now;
      /* Once there is a queue, everything goes through it: a packet passed
       * at once could overtake one still held. */
      if (!self->timer && confab_netsim_spec_needs_timer (&model->spec))
        self->timer = timer_new (self);
      if (self->timer)
        timer = timer_ref (self->timer);
    }
  g_mutex_unlock (&self->lock);

  if (verdict != CONFAB_NETSIM_PASS)
    return;
  if (timer)
    {
      timer_hold (timer, direction, departure, data, size);
      timer_unref (timer);
    }
  else if (direction == DOWN)
    confab_packet_layer_send_down (CONFAB_PACKET_LAYER (self), data, size);
  else
    confab_packet_layer_deliver_up (CONFAB_PACKET_LAYER (self), data, size);
}

static void
confab_netsim_send (ConfabPacketLayer *layer, const guint8 *data, gsize size)
{
  impair (CONFAB_NETSIM (layer), DOWN, data, size);
}

static void
confab_netsim_receive (ConfabPacketLayer *layer, const guint8 *data, gsize size)
{
  impair (CONFAB_NETSIM (layer), UP, data, size);
}

/* Stops the timer thread; returns what was still held toward the network. */
static void
stop_timer (ConfabNetsim *self, GQueue *down)
{
  g_mutex_lock (&self->lock);
  Timer *timer = g_steal_pointer (&self->timer);
  g_mutex_unlock (&self->lock);
  if (!timer)
    return;

  g_mutex_lock (&timer->lock);
  if (down)
    timer_take_due (timer, DOWN, G_MAXINT64, down);
  g_mutex_unlock (&timer->lock);
  g_main_loop_quit (timer->loop);
  timer_unref (timer);
}

static void
confab_netsim_close (ConfabPacketLayer *layer)
{
  GQueue down = G_QUEUE_INIT;

  stop_timer (CONFAB_NETSIM (layer), &down);
  /* The layer below is still open: the encryption's goodbye leaves. */
  pass_on (layer, DOWN, &down);
}

static void
confab_netsim_finalize (GObject *object)
{
  ConfabNetsim *self = CONFAB_NETSIM (object);

  stop_timer (self, NULL);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (confab_netsim_parent_class)->finalize (object);
}

static void
confab_netsim_class_init (ConfabNetsimClass *klass)
{
  ConfabPacketLayerClass *layer_class = CONFAB_PACKET_LAYER_CLASS (klass);

  layer_class->send = confab_netsim_send;
  layer_class->receive = confab_netsim_receive;
  layer_class->close = confab_netsim_close;
  G_OBJECT_CLASS (klass)->finalize = confab_netsim_finalize;
}

static void
confab_netsim_init (ConfabNetsim *self)
{
  g_mutex_init (&self->lock);
}

ConfabNetsim *
confab_netsim_new (const ConfabNetsimSpec *spec)
{
  g_return_val_if_fail (spec != NULL, NULL);

  ConfabNetsim *self = g_object_new (CONFAB_TYPE_NETSIM, NULL);
  for (guint d = 0; d < N_DIRECTIONS; d++)
    confab_netsim_model_init (&self->models[d], spec, d);
  return self;
}

void
confab_netsim_set_spec (ConfabNetsim *self, const ConfabNetsimSpec *spec)
{
  g_return_if_fail (CONFAB_IS_NETSIM (self));
  g_return_if_fail (spec != NULL);

  g_mutex_lock (&self->lock);
  for (guint d = 0; d < N_DIRECTIONS; d++)
    confab_netsim_model_set_spec (&self->models[d], spec);
  g_mutex_unlock (&self->lock);
}

void
confab_netsim_get_spec (ConfabNetsim *self, ConfabNetsimSpec *spec)
{
  g_return_if_fail (CONFAB_IS_NETSIM (self));

  g_mutex_lock (&self->lock);
  *spec = self->models[DOWN].spec;
  g_mutex_unlock (&self->lock);
}

void
confab_netsim_get_stats (ConfabNetsim *self, ConfabNetsimStats *stats)
{
  g_return_if_fail (CONFAB_IS_NETSIM (self));

  g_mutex_lock (&self->lock);
  stats->sent = self->stats[DOWN];
  stats->received = self->stats[UP];
  g_mutex_unlock (&self->lock);
}
