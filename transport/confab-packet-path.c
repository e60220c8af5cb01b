/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-packet-layer-private.h"
#include "confab-packet-sink-private.h"

struct _ConfabPacketPath
{
  GObject parent_instance;

  GMutex lock;       /* guards everything below; never held while calling out */
  GPtrArray *layers; /* ConfabPacketLayer, bottom first, owned */
  ConfabPacketSink *deliver;
  gboolean closed;
};

G_DEFINE_FINAL_TYPE (ConfabPacketPath, confab_packet_path, G_TYPE_OBJECT)

static void
confab_packet_path_dispose (GObject *object)
{
  ConfabPacketPath *self = CONFAB_PACKET_PATH (object);

  confab_packet_path_close (self);
  confab_packet_sink_replace (&self->deliver, NULL, &self->lock);
  g_mutex_lock (&self->lock);
  GPtrArray *layers = g_steal_pointer (&self->layers);
  g_mutex_unlock (&self->lock);
  g_clear_pointer (&layers, g_ptr_array_unref);

  G_OBJECT_CLASS (confab_packet_path_parent_class)->dispose (object);
}

static void
confab_packet_path_finalize (GObject *object)
{
  ConfabPacketPath *self = CONFAB_PACKET_PATH (object);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (confab_packet_path_parent_class)->finalize (object);
}

static void
confab_packet_path_class_init (ConfabPacketPathClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = confab_packet_path_dispose;
  G_OBJECT_CLASS (klass)->finalize = confab_packet_path_finalize;
}

static void
confab_packet_path_init (ConfabPacketPath *self)
{
  g_mutex_init (&self->lock);
  self->layers = g_ptr_array_new_with_free_func (g_object_unref);
}

ConfabPacketPath *
confab_packet_path_new (ConfabPacketLayer *bottom)
{
  g_return_val_if_fail (CONFAB_IS_PACKET_LAYER (bottom), NULL);

  ConfabPacketPath *self = g_object_new (CONFAB_TYPE_PACKET_PATH, NULL);
  if (!confab_packet_layer_attach (bottom, self))
    g_critical ("%s: the layer was in a path before", G_STRFUNC);
  else
    g_ptr_array_add (self->layers, g_object_ref (bottom));
  return self;
}

void
confab_packet_path_set_deliver_func (ConfabPacketPath *self, ConfabPacketDeliverFunc func,
                                     gpointer user_data, GDestroyNotify destroy)
{
  g_return_if_fail (CONFAB_IS_PACKET_PATH (self));

  /* After close nothing is delivered any more: dispose releases a
   * function set that late. */
  confab_packet_sink_replace (&self->deliver, confab_packet_sink_new (func, user_data, destroy),
                              &self->lock);
}

/* Under the lock. G_MAXUINT if absent (a removed layer, or another path's). */
static guint
find_locked (ConfabPacketPath *self, ConfabPacketLayer *layer)
{
  guint index;
  if (self->layers && g_ptr_array_find (self->layers, layer, &index))
    return index;
  return G_MAXUINT;
}

typedef enum
{
  INSERTED,
  NOT_INSERTED,
  REUSED, /* the layer was in a path before: a programming error */
} Insertion;

/* Inserts at @index under the lock. */
static Insertion
insert_locked (ConfabPacketPath *self, ConfabPacketLayer *layer, guint index)
{
  if (self->closed || index == G_MAXUINT)
    return NOT_INSERTED;
  if (!confab_packet_layer_attach (layer, self))
    return REUSED;
  g_ptr_array_insert (self->layers, index, g_object_ref (layer));
  return INSERTED;
}

/* Outside the lock: a log handler may do anything. */
static gboolean
inserted (Insertion insertion, ConfabPacketLayer *layer)
{
  if (insertion == REUSED)
    g_critical ("confab_packet_path: the layer %p was in a path before", layer);
  return insertion == INSERTED;
}

gboolean
confab_packet_path_push (ConfabPacketPath *self, ConfabPacketLayer *layer)
{
  g_return_val_if_fail (CONFAB_IS_PACKET_PATH (self), FALSE);
  g_return_val_if_fail (CONFAB_IS_PACKET_LAYER (layer), FALSE);

  g_mutex_lock (&self->lock);
  Insertion insertion
      = self->layers ? insert_locked (self, layer, self->layers->len) : NOT_INSERTED;
  g_mutex_unlock (&self->lock);
  return inserted (insertion, layer);
}

gboolean
confab_packet_path_insert_above (ConfabPacketPath *self, ConfabPacketLayer *layer,
                                 ConfabPacketLayer *below)
{
  g_return_val_if_fail (CONFAB_IS_PACKET_PATH (self), FALSE);
  g_return_val_if_fail (CONFAB_IS_PACKET_LAYER (layer), FALSE);

  g_mutex_lock (&self->lock);
  guint index = find_locked (self, below);
  Insertion insertion = insert_locked (self, layer, index == G_MAXUINT ? index : index + 1);
  g_mutex_unlock (&self->lock);
  return inserted (insertion, layer);
}

/* Takes @old out (putting @layer in its place if not NULL) and closes it,
 * outside the lock. */
static gboolean
take_out (ConfabPacketPath *self, ConfabPacketLayer *old, ConfabPacketLayer *layer)
{
  Insertion insertion = NOT_INSERTED;
  g_mutex_lock (&self->lock);
  guint index = find_locked (self, old);
  if (index != G_MAXUINT && layer)
    insertion = insert_locked (self, layer, index + 1);
  gboolean take = index != G_MAXUINT && (layer ? insertion == INSERTED : index > 0);
  /* The array's reference moves here: the layer is closed and released
   * outside the lock. */
  ConfabPacketLayer *taken = take ? g_ptr_array_steal_index (self->layers, index) : NULL;
  g_mutex_unlock (&self->lock);

  if (layer)
    inserted (insertion, layer);
  else if (index == 0)
    g_critical ("confab_packet_path_remove: the bottom layer can only be replaced");
  if (!taken)
    return FALSE;
  confab_packet_layer_close_once (taken);
  g_object_unref (taken);
  return TRUE;
}

gboolean
confab_packet_path_remove (ConfabPacketPath *self, ConfabPacketLayer *layer)
{
  g_return_val_if_fail (CONFAB_IS_PACKET_PATH (self), FALSE);
  g_return_val_if_fail (CONFAB_IS_PACKET_LAYER (layer), FALSE);
  return take_out (self, layer, NULL);
}

gboolean
confab_packet_path_replace (ConfabPacketPath *self, ConfabPacketLayer *old,
                            ConfabPacketLayer *layer)
{
  g_return_val_if_fail (CONFAB_IS_PACKET_PATH (self), FALSE);
  g_return_val_if_fail (CONFAB_IS_PACKET_LAYER (old), FALSE);
  g_return_val_if_fail (CONFAB_IS_PACKET_LAYER (layer), FALSE);
  return take_out (self, old, layer);
}

static GPtrArray *
dup_layers_locked (ConfabPacketPath *self)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; self->layers && i < self->layers->len; i++)
    g_ptr_array_add (out, g_object_ref (self->layers->pdata[i]));
  return out;
}

GPtrArray *
confab_packet_path_dup_layers (ConfabPacketPath *self)
{
  g_return_val_if_fail (CONFAB_IS_PACKET_PATH (self), NULL);

  g_mutex_lock (&self->lock);
  GPtrArray *out = dup_layers_locked (self);
  g_mutex_unlock (&self->lock);
  return out;
}

/* Runs a packet into @layer (a reference the caller took under the lock)
 * or into @sink, and releases it. */
static void
hand_over (ConfabPacketLayer *layer, ConfabPacketSink *sink, gboolean up, const guint8 *data,
           gsize size)
{
  if (layer)
    {
      confab_packet_layer_handle (layer, up, data, size);
      g_object_unref (layer);
    }
  else if (sink)
    {
      confab_packet_sink_call (sink, data, size);
      confab_packet_sink_unref (sink);
    }
}

void
confab_packet_path_forward (ConfabPacketPath *self, ConfabPacketLayer *from, gboolean up,
                            const guint8 *data, gsize size)
{
  ConfabPacketLayer *next = NULL;
  ConfabPacketSink *sink = NULL;

  g_mutex_lock (&self->lock);
  guint index = find_locked (self, from);
  if (index == G_MAXUINT)
    ; /* removed: what it still passes on goes nowhere */
  else if (!up && index > 0)
    next = g_object_ref (self->layers->pdata[index - 1]);
  else if (up && index + 1 < self->layers->len)
    next = g_object_ref (self->layers->pdata[index + 1]);
  else if (up && self->deliver && !self->closed)
    sink = confab_packet_sink_ref (self->deliver);
  g_mutex_unlock (&self->lock);

  hand_over (next, sink, up, data, size);
}

void
confab_packet_path_send (ConfabPacketPath *self, const guint8 *data, gsize size)
{
  g_return_if_fail (CONFAB_IS_PACKET_PATH (self));

  ConfabPacketLayer *top = NULL;
  g_mutex_lock (&self->lock);
  if (!self->closed && self->layers && self->layers->len > 0)
    top = g_object_ref (self->layers->pdata[self->layers->len - 1]);
  g_mutex_unlock (&self->lock);

  hand_over (top, NULL, FALSE, data, size);
}

void
confab_packet_path_close (ConfabPacketPath *self)
{
  g_return_if_fail (CONFAB_IS_PACKET_PATH (self));

  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->closed = TRUE;
  ConfabPacketSink *deliver = g_steal_pointer (&self->deliver);
  /* The layers stay in place while they close: an upper layer's last
   * packets still go down through the ones not closed yet. */
  g_autoptr (GPtrArray) layers = dup_layers_locked (self);
  g_mutex_unlock (&self->lock);

  g_clear_pointer (&deliver, confab_packet_sink_unref);
  for (guint i = layers->len; i > 0; i--)
    confab_packet_layer_close_once (layers->pdata[i - 1]);
}

gboolean
confab_packet_path_is_closed (ConfabPacketPath *self)
{
  g_return_val_if_fail (CONFAB_IS_PACKET_PATH (self), TRUE);
  g_mutex_lock (&self->lock);
  gboolean closed = self->closed;
  g_mutex_unlock (&self->lock);
  return closed;
}
