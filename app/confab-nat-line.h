/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Tell the user before the call": the NAT-type probe's one line, on the
 * start page (under the progress line) and on stderr for `confab -v`.
 */
#pragma once

#include <gtk/gtk.h>

#include "confab-ice-server.h"

G_BEGIN_DECLS

/* Probes with the servers of @settings and shows the result in a line
 * placed after @anchor in its box (made on first use). */
void confab_nat_line_show (GtkWidget *anchor, GSettings *settings, GCancellable *cancellable);

/* Probes with @stun and @turn (either may be NULL) and prints the result
 * on stderr, "confab: network: …". */
void confab_nat_line_print (const ConfabIceServer *stun, const ConfabIceServer *turn,
                            GCancellable *cancellable);

G_END_DECLS
