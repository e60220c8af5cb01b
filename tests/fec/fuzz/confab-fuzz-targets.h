/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Entry points shared by the libFuzzer targets and by the corpus replay test, so CI runs
 * exactly what the fuzzers ran. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* RTP packet views, RED parsing and RED round trips. */
void confab_fuzz_rtp (const guint8 *data, gsize size);

/* Input split into packets ([2-byte big-endian length][bytes]...) fed to a decoder set up for
 * ULPFEC (PT 97) and RED (PT 116); each chunk also goes through the ULPFEC parser and
 * writer round trip. */
void confab_fuzz_ulpfec_red (const guint8 *data, gsize size);

/* The same for FlexFEC (PT 110). */
void confab_fuzz_flexfec (const guint8 *data, gsize size);

/* The same for the Reed-Solomon decoder (PT 112); each repair packet that parses is also
 * written again from its fields and must come out the same. */
void confab_fuzz_rs (const guint8 *data, gsize size);

G_END_DECLS
