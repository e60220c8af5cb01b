/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-ice-thread-private.h"

#define CLOSE_WAIT_SECONDS 2

/* Shared with the updates queued on the owner's context: it outlives the
 * thread so that an update that runs after the owner went finds nothing
 * instead of a dangling pointer. */
typedef struct
{
  gatomicrefcount ref;
  GWeakRef owner;
  GMainContext *owner_context;
  ConfabIceThreadUpdateFunc update;
} Bridge;

struct _ConfabIceThread
{
  GThread *thread;
  GMainContext *context;
  gint quit;
  Bridge *bridge;
};

static Bridge *
bridge_ref (Bridge *bridge)
{
  g_atomic_ref_count_inc (&bridge->ref);
  return bridge;
}

static void
bridge_unref (gpointer data)
{
  Bridge *bridge = data;
  if (g_atomic_ref_count_dec (&bridge->ref))
    {
      g_weak_ref_clear (&bridge->owner);
      g_main_context_unref (bridge->owner_context);
      g_free (bridge);
    }
}

static gpointer
run_nice_thread (gpointer data)
{
  ConfabIceThread *self = data;
  /* A flag rather than g_main_loop_quit(): a quit that comes before the
   * thread reaches g_main_loop_run() would be lost. */
  g_main_context_push_thread_default (self->context);
  while (!g_atomic_int_get (&self->quit))
    g_main_context_iteration (self->context, TRUE);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

ConfabIceThread *
confab_ice_thread_new (GObject *owner, ConfabIceThreadUpdateFunc update)
{
  ConfabIceThread *self = g_new0 (ConfabIceThread, 1);
  self->bridge = g_new0 (Bridge, 1);
  g_atomic_ref_count_init (&self->bridge->ref);
  g_weak_ref_init (&self->bridge->owner, owner);
  self->bridge->owner_context = g_main_context_ref_thread_default ();
  self->bridge->update = update;
  self->context = g_main_context_new ();
  self->thread = g_thread_new ("confab-ice", run_nice_thread, self);
  return self;
}

GMainContext *
confab_ice_thread_get_context (ConfabIceThread *self)
{
  return self->context;
}

GMainContext *
confab_ice_thread_get_owner_context (ConfabIceThread *self)
{
  return self->bridge->owner_context;
}

static gboolean
on_owner_update (gpointer data)
{
  Bridge *bridge = data;
  g_autoptr (GObject) owner = g_weak_ref_get (&bridge->owner);
  if (owner)
    bridge->update (owner);
  return G_SOURCE_REMOVE;
}

void
confab_ice_thread_schedule_update (ConfabIceThread *self)
{
  GSource *source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, on_owner_update, bridge_ref (self->bridge), bridge_unref);
  g_source_attach (source, self->bridge->owner_context);
  g_source_unref (source);
}

/* Shared by the waiter and the close callback, in case the wait times out. */
typedef struct
{
  gatomicrefcount ref;
  NiceAgent *agent;
  GMutex lock;
  GCond cond;
  gboolean done;
} CloseWait;

static void
close_wait_unref (CloseWait *wait)
{
  if (g_atomic_ref_count_dec (&wait->ref))
    {
      g_object_unref (wait->agent);
      g_mutex_clear (&wait->lock);
      g_cond_clear (&wait->cond);
      g_free (wait);
    }
}

static void
on_agent_closed (GObject *source, GAsyncResult *result, gpointer data)
{
  CloseWait *wait = data;

  g_mutex_lock (&wait->lock);
  wait->done = TRUE;
  g_cond_signal (&wait->cond);
  g_mutex_unlock (&wait->lock);
  close_wait_unref (wait);
}

static gboolean
on_close_in_nice_thread (gpointer data)
{
  CloseWait *wait = data;
  nice_agent_close_async (wait->agent, on_agent_closed, wait);
  return G_SOURCE_REMOVE;
}

void
confab_ice_thread_close_agent (ConfabIceThread *self, NiceAgent *agent)
{
  if (!self->thread)
    return;

  CloseWait *wait = g_new0 (CloseWait, 1);
  g_atomic_ref_count_init (&wait->ref);
  g_atomic_ref_count_inc (&wait->ref); /* the callback's */
  wait->agent = g_object_ref (agent);
  g_mutex_init (&wait->lock);
  g_cond_init (&wait->cond);

  GSource *source = g_idle_source_new ();
  g_source_set_callback (source, on_close_in_nice_thread, wait, NULL);
  g_source_attach (source, self->context);
  g_source_unref (source);

  gint64 deadline = g_get_monotonic_time () + CLOSE_WAIT_SECONDS * G_USEC_PER_SEC;
  g_mutex_lock (&wait->lock);
  while (!wait->done)
    if (!g_cond_wait_until (&wait->cond, &wait->lock, deadline))
      break;
  gboolean done = wait->done;
  g_mutex_unlock (&wait->lock);
  if (!done)
    g_debug ("libnice did not finish closing within %d s", CLOSE_WAIT_SECONDS);
  /* If the callback never ran, its reference is dropped with the context. */
  close_wait_unref (wait);
}

void
confab_ice_thread_stop (ConfabIceThread *self)
{
  g_weak_ref_set (&self->bridge->owner, NULL);
  if (!self->thread)
    return;
  g_atomic_int_set (&self->quit, TRUE);
  g_main_context_wakeup (self->context);
  g_thread_join (self->thread);
  self->thread = NULL;
}

void
confab_ice_thread_free (ConfabIceThread *self)
{
  confab_ice_thread_stop (self);
  g_main_context_unref (self->context);
  bridge_unref (self->bridge);
  g_free (self);
}
