/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Keeps a view of a call current: runs a function at once, then every
 * interval and on every change of the call's state, so what it shows never
 * lags a state change by up to a tick. The call view's timer and badge and
 * the connection panel both follow their call this way.
 */
#pragma once

#include "confab-call.h"

G_BEGIN_DECLS

typedef void (*ConfabCallTickFunc) (gpointer data);

typedef struct
{
  ConfabCall *call;
  ConfabCallTickFunc func;
  gpointer data;
  guint timeout_id;
  gulong state_handler;
} ConfabCallTicker;

/* Stops what @ticker ran before. @ticker must stay at its address until
 * confab_call_ticker_stop(). */
void confab_call_ticker_start (ConfabCallTicker *ticker, ConfabCall *call, guint interval_ms,
                               ConfabCallTickFunc func, gpointer data);
/* Idempotent; drops the ticker's reference on the call. */
void confab_call_ticker_stop (ConfabCallTicker *ticker);

G_END_DECLS
