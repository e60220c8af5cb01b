/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Which of the peer's candidates a public TURN relay must never be asked to
 * reach. libnice pairs our relay candidate with every remote candidate; a
 * check from it to the peer's private host address makes the TURN server
 * send there, and a server whose host has no route to private ranges fails
 * that send and drops our whole allocation (coturn), which libnice 0.1.21
 * keeps using. libnice has no per-pair filter, so the peer's private host
 * candidates that are not on one of our own links are left out.
 */
#pragma once

#include <nice/agent.h>

G_BEGIN_DECLS

/* Takes @remote (NiceCandidate *, owned) and returns it less the host
 * candidates with a private or link-local address outside every subnet of
 * this machine's interfaces, when the agent has a relay candidate for
 * @stream_id. Without one, or when nothing would be left, @remote as it
 * was. *@dropped: how many were left out. */
GSList *confab_ice_drop_unreachable_remote (NiceAgent *agent, guint stream_id, GSList *remote,
                                            guint *dropped) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
