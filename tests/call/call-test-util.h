/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the two-call tests share: setting two ConfabCalls up the way two
 * people do, each description handed to the other side as text.
 */
#pragma once

#include <string.h>

#include "confab-call.h"

/* Returns a changed copy of a description on its way (a test of what the
 * other side refuses). */
typedef char *(*CallTestChangeFunc) (const char *text);

typedef struct
{
  ConfabCall **peers; /* offerer, answerer */
  int change_side;    /* whose description @change rewrites; -1: none */
  CallTestChangeFunc change;
} CallTestPair;

/* A "failed" handler's work: logs which side failed and keeps its first
 * error in @failures (offerer's, answerer's). */
static inline void
call_test_note_failure (ConfabCall **peers, GError **failures, ConfabCall *call,
                        const GError *error)
{
  guint i = call == peers[0] ? 0 : 1;

  g_test_message ("%s failed: %s", i == 0 ? "offerer" : "answerer", error->message);
  if (!failures[i])
    failures[i] = g_error_copy (error);
}

static inline void
call_test_hand_over (CallTestPair *pair, GObject *source, GAsyncResult *result)
{
  ConfabCall *from = CONFAB_CALL (source);
  guint i = from == pair->peers[0] ? 0 : 1;
  g_autoptr (GError) error = NULL;

  g_assert_true (confab_call_gather_finish (from, result, &error));
  g_assert_no_error (error);
  g_autofree char *text = confab_call_create_local_description (from, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "UDP/TLS/RTP/SAVPF"));
  if (pair->change && pair->change_side == (int) i)
    {
      char *changed = pair->change (text);
      g_free (text);
      text = changed;
    }
  g_assert_true (confab_call_set_remote_description (pair->peers[1 - i], text, -1, &error));
  g_assert_no_error (error);
}

static inline void
call_test_on_answerer_gathered (GObject *source, GAsyncResult *result, gpointer data)
{
  call_test_hand_over (data, source, result);
}

static inline void
call_test_on_offerer_gathered (GObject *source, GAsyncResult *result, gpointer data)
{
  CallTestPair *pair = data;

  call_test_hand_over (pair, source, result);
  confab_call_gather_async (pair->peers[1], NULL, call_test_on_answerer_gathered, pair);
}

/* The offerer gathers; the rest follows as each side is ready. @pair must
 * live until both sides have their descriptions. */
static inline void
call_test_start (CallTestPair *pair)
{
  confab_call_gather_async (pair->peers[0], NULL, call_test_on_offerer_gathered, pair);
}
