/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The verdict: is the call direct, relayed (through which TURN server), or
 * not connected (and why), in words for people. One wording for the call
 * view's badge, the connection panel, the command line and --stats.
 */
#pragma once

#include "confab-call.h"

G_BEGIN_DECLS

typedef enum
{
  CONFAB_VERDICT_NO_CALL,
  CONFAB_VERDICT_GATHERING,
  CONFAB_VERDICT_WAITING,
  CONFAB_VERDICT_CHECKING,
  CONFAB_VERDICT_CONNECTED, /* in the call, but ICE named no pair */
  CONFAB_VERDICT_DIRECT,
  CONFAB_VERDICT_RELAYED,
  CONFAB_VERDICT_ENDED,
  CONFAB_VERDICT_FAILED,
} ConfabVerdictKind;

typedef struct
{
  ConfabVerdictKind kind;
  /* "Direct connection", "Relayed through TURN server turn.example.org:3478 (UDP)",
   * "Checking connectivity…" */
  char *title;
  /* The pair's types ("host ↔ srflx over UDP") or what the call waits for. */
  char *detail;
} ConfabVerdict;

/* @stats: a snapshot of the call, or NULL for no call. */
void confab_verdict_init (ConfabVerdict *verdict, const ConfabCallStats *stats);
void confab_verdict_clear (ConfabVerdict *verdict);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ConfabVerdict, confab_verdict_clear)

/* The title for a call with a pair (@stats->have_pair), whatever its state
 * now: "Direct connection" or "Relayed through …". */
char *confab_verdict_describe_pair (const ConfabCallStats *stats) G_GNUC_WARN_UNUSED_RESULT;

/* "title (detail)", as the diagnostics carry it. */
char *confab_verdict_to_string (const ConfabVerdict *verdict) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
