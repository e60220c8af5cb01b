/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-callback-slot.h"

void
confab_callback_slot_init (ConfabCallbackSlot *slot)
{
  *slot = (ConfabCallbackSlot){ 0 };
  g_mutex_init (&slot->lock);
}

void
confab_callback_slot_set (ConfabCallbackSlot *slot, gpointer func, gpointer data,
                          GDestroyNotify destroy)
{
  gpointer old_data;
  GDestroyNotify old_destroy;

  g_mutex_lock (&slot->lock);
  old_data = slot->data;
  old_destroy = slot->destroy;
  slot->func = func;
  slot->data = data;
  slot->destroy = destroy;
  g_mutex_unlock (&slot->lock);

  if (old_destroy != NULL)
    old_destroy (old_data);
}

void
confab_callback_slot_clear (ConfabCallbackSlot *slot)
{
  confab_callback_slot_set (slot, NULL, NULL, NULL);
  g_mutex_clear (&slot->lock);
}

gboolean
confab_callback_slot_is_set (ConfabCallbackSlot *slot)
{
  gboolean set;

  g_mutex_lock (&slot->lock);
  set = slot->func != NULL;
  g_mutex_unlock (&slot->lock);

  return set;
}
