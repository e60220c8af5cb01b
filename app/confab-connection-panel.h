/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The connection panel: which candidate pair carries the call, whether it is
 * direct or relayed, and the figures behind it (ICE timings, candidates,
 * per-stream counters and rates, FEC), readable by a person and copyable as
 * JSON for a bug report. A side sheet of the call view.
 */
#pragma once

#include <adwaita.h>

#include "confab-call.h"

G_BEGIN_DECLS

#define CONFAB_TYPE_CONNECTION_PANEL (confab_connection_panel_get_type ())
G_DECLARE_FINAL_TYPE (ConfabConnectionPanel, confab_connection_panel, CONFAB, CONNECTION_PANEL,
                      AdwBin)

GtkWidget *confab_connection_panel_new (void);

/* @call may be NULL ("Not connected"). Refreshes at once; afterwards the
 * panel refreshes itself every second while it is mapped. */
void confab_connection_panel_set_call (ConfabConnectionPanel *self, ConfabCall *call);
ConfabCall *confab_connection_panel_get_call (ConfabConnectionPanel *self);

/* Takes a new snapshot of the call and shows it. */
void confab_connection_panel_refresh (ConfabConnectionPanel *self);

/* The snapshot on display as JSON: the stats model of
 * confab_call_stats_to_json(), the object --stats writes. */
char *
confab_connection_panel_dup_diagnostics (ConfabConnectionPanel *self) G_GNUC_WARN_UNUSED_RESULT;

/* For tests: the text on display for the figure at a JSON path of the
 * diagnostics ("video.packets_received", "ice.selected_pair.local.port"),
 * "—" when unknown; "verdict" gives the verdict's headline. NULL for a key
 * the panel does not show. */
const char *confab_connection_panel_get_field (ConfabConnectionPanel *self, const char *key);
/* For tests: every key get_field() knows, in display order. */
char **
confab_connection_panel_dup_field_keys (ConfabConnectionPanel *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
