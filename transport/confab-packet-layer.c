/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-packet-layer-private.h"

typedef struct
{
  /* Weak: the path owns its layers, and a packet in flight may outlive
   * both the layer's removal and the path. */
  GWeakRef path;
  gint attached; /* atomic: once in a path, never again */
  gint closed;   /* atomic */
} ConfabPacketLayerPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (ConfabPacketLayer, confab_packet_layer, G_TYPE_OBJECT)

static void
confab_packet_layer_real_send (ConfabPacketLayer *self, const guint8 *data, gsize size)
{
  confab_packet_layer_send_down (self, data, size);
}

static void
confab_packet_layer_real_receive (ConfabPacketLayer *self, const guint8 *data, gsize size)
{
  confab_packet_layer_deliver_up (self, data, size);
}

static void
confab_packet_layer_finalize (GObject *object)
{
  ConfabPacketLayerPrivate *priv
      = confab_packet_layer_get_instance_private (CONFAB_PACKET_LAYER (object));
  g_weak_ref_clear (&priv->path);
  G_OBJECT_CLASS (confab_packet_layer_parent_class)->finalize (object);
}

static void
confab_packet_layer_class_init (ConfabPacketLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = confab_packet_layer_finalize;
  klass->send = confab_packet_layer_real_send;
  klass->receive = confab_packet_layer_real_receive;
}

static void
confab_packet_layer_init (ConfabPacketLayer *self)
{
  ConfabPacketLayerPrivate *priv = confab_packet_layer_get_instance_private (self);
  g_weak_ref_init (&priv->path, NULL);
}

static void
forward (ConfabPacketLayer *self, gboolean up, const guint8 *data, gsize size)
{
  g_return_if_fail (CONFAB_IS_PACKET_LAYER (self));
  ConfabPacketLayerPrivate *priv = confab_packet_layer_get_instance_private (self);
  g_autoptr (ConfabPacketPath) path = g_weak_ref_get (&priv->path);
  if (path)
    confab_packet_path_forward (path, self, up, data, size);
}

void
confab_packet_layer_send_down (ConfabPacketLayer *self, const guint8 *data, gsize size)
{
  forward (self, FALSE, data, size);
}

void
confab_packet_layer_deliver_up (ConfabPacketLayer *self, const guint8 *data, gsize size)
{
  forward (self, TRUE, data, size);
}

gboolean
confab_packet_layer_is_closed (ConfabPacketLayer *self)
{
  g_return_val_if_fail (CONFAB_IS_PACKET_LAYER (self), TRUE);
  ConfabPacketLayerPrivate *priv = confab_packet_layer_get_instance_private (self);
  return g_atomic_int_get (&priv->closed);
}

gboolean
confab_packet_layer_attach (ConfabPacketLayer *self, ConfabPacketPath *path)
{
  ConfabPacketLayerPrivate *priv = confab_packet_layer_get_instance_private (self);
  if (!g_atomic_int_compare_and_exchange (&priv->attached, FALSE, TRUE))
    return FALSE;
  g_weak_ref_set (&priv->path, path);
  return TRUE;
}

void
confab_packet_layer_close_once (ConfabPacketLayer *self)
{
  ConfabPacketLayerPrivate *priv = confab_packet_layer_get_instance_private (self);
  if (!g_atomic_int_compare_and_exchange (&priv->closed, FALSE, TRUE))
    return;
  ConfabPacketLayerClass *klass = CONFAB_PACKET_LAYER_GET_CLASS (self);
  if (klass->close)
    klass->close (self);
}

void
confab_packet_layer_handle (ConfabPacketLayer *self, gboolean up, const guint8 *data, gsize size)
{
  if (confab_packet_layer_is_closed (self))
    return;
  ConfabPacketLayerClass *klass = CONFAB_PACKET_LAYER_GET_CLASS (self);
  if (up)
    klass->receive (self, data, size);
  else
    klass->send (self, data, size);
}
