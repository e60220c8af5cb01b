/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading the stats JSON in tests: parsing text into a node, and members
 * by dotted path ("ice.selected_pair.local.port"), as the panel names them.
 */
#pragma once

#include <json-glib/json-glib.h>

/* The object in @text; fails the test unless it is one. */
static inline JsonNode *
confab_test_json_parse (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (text);
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_copy (json_parser_get_root (parser));
}

/* The member at @path, a JSON null included; NULL when there is none. */
static inline JsonNode *
confab_test_json_member (JsonNode *root, const char *path)
{
  g_auto (GStrv) parts = g_strsplit (path, ".", -1);
  JsonNode *node = root;

  for (guint i = 0; node && parts[i]; i++)
    node = JSON_NODE_HOLDS_OBJECT (node)
               ? json_object_get_member (json_node_get_object (node), parts[i])
               : NULL;
  return node;
}
