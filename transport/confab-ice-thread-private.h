/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The libnice side of an ICE session: a private thread iterating its own
 * GMainContext, where libnice runs its timers and callbacks and receives
 * packets (off the UI thread), and the way back to the owner: updates
 * scheduled from any thread run on the owner's context (the
 * thread-default context of whoever created the thread), and only while
 * the owner object is alive.
 */
#pragma once

#include <nice/agent.h>

G_BEGIN_DECLS

typedef struct _ConfabIceThread ConfabIceThread;

/* Runs on the owner's context with a reference on @owner. */
typedef void (*ConfabIceThreadUpdateFunc) (GObject *owner);

/* Starts the thread. */
ConfabIceThread *confab_ice_thread_new (GObject *owner,
                                        ConfabIceThreadUpdateFunc update) G_GNUC_WARN_UNUSED_RESULT;

/* libnice's context: give it to nice_agent_new_full() and attach_recv(). */
GMainContext *confab_ice_thread_get_context (ConfabIceThread *self);
GMainContext *confab_ice_thread_get_owner_context (ConfabIceThread *self);

/* Any thread. Always through a source on the owner's context, so the
 * update never runs on libnice's thread (g_main_context_invoke() would,
 * whenever the owner's context is not running). */
void confab_ice_thread_schedule_update (ConfabIceThread *self);

/* Closes @agent from libnice's thread (its last TURN refreshes release the
 * allocations; nice_agent_close_async() completes on its caller's context)
 * and waits up to 2 s for it while the thread keeps reading the sockets. */
void confab_ice_thread_close_agent (ConfabIceThread *self, NiceAgent *agent);

/* Stops and joins the thread (idempotent); later updates do nothing. */
void confab_ice_thread_stop (ConfabIceThread *self);
/* Stops, and frees once the agent is gone (sources it left behind belong
 * to the context, which nobody iterates any more). */
void confab_ice_thread_free (ConfabIceThread *self);

G_END_DECLS
