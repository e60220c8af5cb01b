/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes a json-glib tree as indented text, with each double in the
 * shortest form that reads back as the same value ("62.4", not
 * json-glib 1.6's "62.399999999999999") and a dot in every locale.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Two-space indentation, one member per line, ending with a newline. */
char *confab_json_write (JsonNode *node) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
