/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-ice-layer.h"

struct _ConfabIceLayer
{
  ConfabPacketLayer parent_instance;

  ConfabIceSession *session;
  GMainContext *owner_context; /* where the session was made: it must die there */
};

G_DEFINE_FINAL_TYPE (ConfabIceLayer, confab_ice_layer, CONFAB_TYPE_PACKET_LAYER)

static void
free_weak_ref (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

/* libnice's thread. */
static void
on_ice_packet (const guint8 *data, gsize size, gpointer user_data)
{
  g_autoptr (ConfabPacketLayer) self = g_weak_ref_get (user_data);
  if (self)
    confab_packet_layer_deliver_up (self, data, size);
}

static void
confab_ice_layer_send (ConfabPacketLayer *layer, const guint8 *data, gsize size)
{
  ConfabIceLayer *self = CONFAB_ICE_LAYER (layer);
  /* A refused send is counted by the session; RTP tolerates the loss. */
  confab_ice_session_send (self->session, data, size);
}

static void
confab_ice_layer_close (ConfabPacketLayer *layer)
{
  ConfabIceLayer *self = CONFAB_ICE_LAYER (layer);
  confab_ice_session_set_receive_func (self->session, NULL, NULL, NULL);
  confab_ice_session_close (self->session);
}

static void
confab_ice_layer_init (ConfabIceLayer *self)
{
}

static gboolean
unref_session (gpointer data)
{
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

static void
confab_ice_layer_dispose (GObject *object)
{
  ConfabIceLayer *self = CONFAB_ICE_LAYER (object);
  /* Never closed (never in a path): the session stays open, but stops
   * calling into a layer that is gone. */
  if (self->session && !confab_packet_layer_is_closed (CONFAB_PACKET_LAYER (self)))
    confab_ice_session_set_receive_func (self->session, NULL, NULL, NULL);
  /* The last reference to the layer can be the one on_ice_packet() holds
   * while it delivers, on libnice's thread; a session disposed there would
   * wait for, then join, its own thread. Its owner's context drops it. */
  if (self->session)
    g_main_context_invoke_full (self->owner_context, G_PRIORITY_DEFAULT, unref_session,
                                g_steal_pointer (&self->session), NULL);
  g_clear_pointer (&self->owner_context, g_main_context_unref);
  G_OBJECT_CLASS (confab_ice_layer_parent_class)->dispose (object);
}

static void
confab_ice_layer_class_init (ConfabIceLayerClass *klass)
{
  ConfabPacketLayerClass *layer_class = CONFAB_PACKET_LAYER_CLASS (klass);
  /* Nothing is below: receive() is never called. */
  layer_class->send = confab_ice_layer_send;
  layer_class->close = confab_ice_layer_close;
  G_OBJECT_CLASS (klass)->dispose = confab_ice_layer_dispose;
}

ConfabIceLayer *
confab_ice_layer_new (ConfabIceSession *session)
{
  g_return_val_if_fail (CONFAB_IS_ICE_SESSION (session), NULL);

  ConfabIceLayer *self = g_object_new (CONFAB_TYPE_ICE_LAYER, NULL);
  self->session = g_object_ref (session);
  self->owner_context = g_main_context_ref_thread_default ();
  /* The session's receive function holds a weak reference, not the layer:
   * the layer holds the session, and a packet may still arrive while the
   * layer goes. */
  GWeakRef *weak_self = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak_self, self);
  confab_ice_session_set_receive_func (session, on_ice_packet, weak_self, free_weak_ref);
  return self;
}

ConfabIceSession *
confab_ice_layer_get_session (ConfabIceLayer *self)
{
  g_return_val_if_fail (CONFAB_IS_ICE_LAYER (self), NULL);
  return self->session;
}
