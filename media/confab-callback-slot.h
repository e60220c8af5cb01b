/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One user callback that streaming threads call while the owner may
 * replace it (media/ only). The slot's lock is held while the callback
 * runs, so that replacing it waits for a call in flight and the destroy
 * notify never races with a call; a callback must therefore not replace
 * its own slot.
 *
 * Each slot has its own lock, apart from any counters' lock: the packet
 * function of one call may push into another pipeline (or this one),
 * which takes that pipeline's counter lock; sharing one lock would
 * deadlock two pipelines wired back to back.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  GMutex lock;
  gpointer func; /* the slot's function type, NULL: none */
  gpointer data;
  GDestroyNotify destroy;
} ConfabCallbackSlot;

void confab_callback_slot_init (ConfabCallbackSlot *slot);
/* Runs the old destroy notify, outside the lock. */
void confab_callback_slot_set (ConfabCallbackSlot *slot, gpointer func, gpointer data,
                               GDestroyNotify destroy);
/* Drops the callback and frees the lock. */
void confab_callback_slot_clear (ConfabCallbackSlot *slot);
gboolean confab_callback_slot_is_set (ConfabCallbackSlot *slot);

/* Between these two, slot->func is stable and may be called (if not
 * NULL) with slot->data. */
#define confab_callback_slot_lock(slot) g_mutex_lock (&(slot)->lock)
#define confab_callback_slot_unlock(slot) g_mutex_unlock (&(slot)->lock)

G_END_DECLS
