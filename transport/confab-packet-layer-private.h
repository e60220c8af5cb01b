/* SPDX-License-Identifier: GPL-3.0-or-later
 * Between ConfabPacketLayer and ConfabPacketPath. */
#pragma once

#include "confab-packet-path.h"

G_BEGIN_DECLS

/* FALSE if @self was ever in a path. Under the path's lock. */
gboolean confab_packet_layer_attach (ConfabPacketLayer *self, ConfabPacketPath *path);
/* Runs close() the first time only. */
void confab_packet_layer_close_once (ConfabPacketLayer *self);
/* Hand a packet to the layer unless it is closed. */
void confab_packet_layer_handle (ConfabPacketLayer *self, gboolean up, const guint8 *data,
                                 gsize size);

/* The packet @from passes on, to its neighbour above (@up) or below. */
void confab_packet_path_forward (ConfabPacketPath *self, ConfabPacketLayer *from, gboolean up,
                                 const guint8 *data, gsize size);

G_END_DECLS
