/* SPDX-License-Identifier: GPL-3.0-or-later
 * libnice's candidates as the session describes them. */
#pragma once

#include <nice/agent.h>

#include "confab-ice-session.h"

G_BEGIN_DECLS

/* Zeroes @info first: pairs are compared with memcmp(). */
void confab_ice_candidate_info_fill (ConfabIceCandidateInfo *info, const NiceCandidate *cand);
void confab_ice_pair_fill (ConfabIcePair *pair, const NiceCandidate *local,
                           const NiceCandidate *remote);

/* The agent's local candidates of @stream_id (component 1) as
 * "candidate:..." lines, in gathering order. With @relay_only, the relay
 * candidates alone, each with "raddr 0.0.0.0 rport 0" ("::" for IPv6)
 * instead of the local address its allocation was made from. */
GPtrArray *confab_ice_dup_local_candidate_lines (NiceAgent *agent, guint stream_id,
                                                 gboolean relay_only) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
