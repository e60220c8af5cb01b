/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-call-ticker.h"

static gboolean
on_timeout (gpointer data)
{
  ConfabCallTicker *ticker = data;
  ticker->func (ticker->data);
  return G_SOURCE_CONTINUE;
}

static void
on_state (GObject *object, GParamSpec *pspec, gpointer data)
{
  ConfabCallTicker *ticker = data;
  ticker->func (ticker->data);
}

void
confab_call_ticker_start (ConfabCallTicker *ticker, ConfabCall *call, guint interval_ms,
                          ConfabCallTickFunc func, gpointer data)
{
  g_return_if_fail (CONFAB_IS_CALL (call));

  confab_call_ticker_stop (ticker);
  ticker->call = g_object_ref (call);
  ticker->func = func;
  ticker->data = data;
  ticker->timeout_id = g_timeout_add (interval_ms, on_timeout, ticker);
  ticker->state_handler = g_signal_connect (call, "notify::state", G_CALLBACK (on_state), ticker);
  func (data);
}

void
confab_call_ticker_stop (ConfabCallTicker *ticker)
{
  g_clear_handle_id (&ticker->timeout_id, g_source_remove);
  if (ticker->call)
    g_clear_signal_handler (&ticker->state_handler, ticker->call);
  g_clear_object (&ticker->call);
}
