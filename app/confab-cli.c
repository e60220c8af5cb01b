/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-cli.h"

#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "confab-nat-line.h"
#include "confab-verdict.h"

/* -- options ------------------------------------------------------------------ */

GOptionGroup *
confab_cli_option_group (ConfabCliOptions *cli)
{
  const GOptionEntry entries[] = {
    { "stun", 0, 0, G_OPTION_ARG_STRING, &cli->stun,
      N_ ("STUN server, e.g. stun:stun.example.org:3478"), "URI" },
    { "turn", 0, 0, G_OPTION_ARG_STRING, &cli->turn,
      N_ ("TURN server: turn:HOST[:PORT][?transport=udp|tcp] or turns:HOST[:PORT] (TLS)"), "URI" },
    { "turn-user", 0, 0, G_OPTION_ARG_STRING, &cli->turn_user, N_ ("TURN user name"), "NAME" },
    { "turn-pass", 0, 0, G_OPTION_ARG_STRING, &cli->turn_pass,
      N_ ("TURN password (or set CONFAB_TURN_PASS, which other users cannot see)"), "PASSWORD" },
    { "turn-ca", 0, 0, G_OPTION_ARG_FILENAME, &cli->turn_ca,
      N_ ("For turns: servers, trust the CA certificates in this PEM file instead of the system's"),
      "FILE" },
    { "relay-only", 0, 0, G_OPTION_ARG_NONE, &cli->relay_only,
      N_ ("Privacy mode: only offer the TURN relay, so the other side never learns your address"),
      NULL },
    { "fec", 0, 0, G_OPTION_ARG_STRING, &cli->fec,
      N_ ("Protect the video with forward error correction (FlexFEC) when the other side "
          "supports it (default on); rs: Confab's Reed-Solomon code if the other side is "
          "Confab, else FlexFEC"),
      "on|off|rs" },
    { "rtx", 0, 0, G_OPTION_ARG_STRING, &cli->rtx,
      N_ ("Ask for lost video packets again (NACK) and resend those the other side asks for "
          "(RTX) when it supports it (default on)"),
      "on|off" },
    { "netsim", 0, 0, G_OPTION_ARG_STRING, &cli->netsim,
      N_ ("Simulate a bad network on this side's link, both ways (for tests and demos), e.g. "
          "loss=10%, loss=ge:5:3 (5% in bursts of 3), delay=75ms, jitter=10ms, rate=600kbit, "
          "queue=100ms, seed=7, comma-separated"),
      "SPEC" },
    { "port-range", 0, 0, G_OPTION_ARG_STRING, &cli->port_range,
      N_ ("Use only these local UDP/TCP ports, e.g. 50000-50100 (for firewall rules)"), "MIN-MAX" },
    { "local-address", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cli->local_addresses,
      N_ ("Offer only this local address (repeatable; default: every interface)"), "ADDRESS" },
    { "video", 0, 0, G_OPTION_ARG_STRING, &cli->video,
      N_ ("Video source: test (pattern), camera (first camera) or a device such as /dev/video0"),
      "test|camera|DEVICE" },
    { "audio", 0, 0, G_OPTION_ARG_STRING, &cli->audio,
      N_ ("Audio source: test (tone) or mic (default microphone)"), "test|mic" },
    { "resolution", 0, 0, G_OPTION_ARG_STRING, &cli->resolution,
      N_ ("Video size to send (default 640x360)"), "WxH" },
    { "framerate", 0, 0, G_OPTION_ARG_INT, &cli->framerate,
      N_ ("Video frames per second to send (default 30)"), "FPS" },
    { "duration", 0, 0, G_OPTION_ARG_INT, &cli->duration,
      N_ ("Hang up this many seconds after connecting (default: run until Ctrl-C)"), "SECONDS" },
    { "stats", 0, 0, G_OPTION_ARG_FILENAME, &cli->stats,
      N_ ("Write call statistics as JSON to FILE every second and at the end"), "FILE" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &cli->verbose, N_ ("Print debugging messages"), NULL },
    { NULL },
  };

  GOptionGroup *group
      = g_option_group_new ("call", _ ("Call options:"), _ ("Show the call options"), NULL, NULL);
  g_option_group_add_entries (group, entries);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  return group;
}

void
confab_cli_options_clear (ConfabCliOptions *cli)
{
  g_clear_pointer (&cli->stun, g_free);
  g_clear_pointer (&cli->turn, g_free);
  g_clear_pointer (&cli->turn_user, g_free);
  g_clear_pointer (&cli->turn_pass, g_free);
  g_clear_pointer (&cli->turn_ca, g_free);
  g_clear_pointer (&cli->fec, g_free);
  g_clear_pointer (&cli->rtx, g_free);
  g_clear_pointer (&cli->netsim, g_free);
  g_clear_pointer (&cli->port_range, g_free);
  g_clear_pointer (&cli->local_addresses, g_strfreev);
  g_clear_pointer (&cli->video, g_free);
  g_clear_pointer (&cli->audio, g_free);
  g_clear_pointer (&cli->resolution, g_free);
  g_clear_pointer (&cli->stats, g_free);
}

static gboolean
parse_pair (const char *text, char sep, guint64 min, guint64 max, guint64 *a, guint64 *b)
{
  g_auto (GStrv) parts = NULL;
  char seps[2] = { sep, '\0' };
  parts = g_strsplit (text, seps, 3);
  return g_strv_length (parts) == 2 && g_ascii_string_to_unsigned (parts[0], 10, min, max, a, NULL)
         && g_ascii_string_to_unsigned (parts[1], 10, min, max, b, NULL);
}

gboolean
confab_cli_build_call_options (ConfabCliOptions *cli, ConfabCallOptions *options, GError **error)
{
  if (cli->stun)
    {
      options->stun = confab_ice_server_parse (cli->stun, CONFAB_ICE_SERVER_STUN, error);
      if (!options->stun)
        return FALSE;
    }
  if (cli->turn)
    {
      options->turn = confab_ice_server_parse (cli->turn, CONFAB_ICE_SERVER_TURN, error);
      if (!options->turn)
        return FALSE;
      const char *pass = cli->turn_pass ?: g_getenv ("CONFAB_TURN_PASS");
      if (!cli->turn_user || !pass)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _ ("--turn needs --turn-user and --turn-pass (or CONFAB_TURN_PASS)"));
          return FALSE;
        }
      options->turn->username = g_strdup (cli->turn_user);
      options->turn->password = g_strdup (pass);
      if (cli->turn_ca && !options->turn->secure)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _ ("--turn-ca only applies to turns: (TURN over TLS) servers"));
          return FALSE;
        }
      options->turn->ca_file = g_strdup (cli->turn_ca);
    }
  else if (cli->turn_user || cli->turn_pass || cli->turn_ca)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _ ("--turn-user, --turn-pass and --turn-ca need --turn"));
      return FALSE;
    }
  options->relay_only = cli->relay_only;
  if (cli->relay_only && !cli->turn)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _ ("--relay-only needs a TURN server (--turn)"));
      return FALSE;
    }

  options->fec
      = cli->fec == NULL || g_strcmp0 (cli->fec, "on") == 0 || g_strcmp0 (cli->fec, "rs") == 0;
  options->rs_fec = g_strcmp0 (cli->fec, "rs") == 0;
  if (!options->fec && g_strcmp0 (cli->fec, "off") != 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _ ("--fec wants on, off or rs, not \"%s\""), cli->fec);
      return FALSE;
    }

  options->rtx = cli->rtx == NULL || g_strcmp0 (cli->rtx, "on") == 0;
  if (!options->rtx && g_strcmp0 (cli->rtx, "off") != 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _ ("--rtx wants on or off, not \"%s\""), cli->rtx);
      return FALSE;
    }

  if (cli->netsim && !confab_netsim_spec_parse (cli->netsim, &options->netsim, error))
    return FALSE;

  if (cli->port_range)
    {
      guint64 lo, hi;
      if (!parse_pair (cli->port_range, '-', 1, 65535, &lo, &hi) || lo > hi)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _ ("--port-range wants MIN-MAX with 1 <= MIN <= MAX <= 65535, e.g. "
                          "50000-50100"));
          return FALSE;
        }
      options->min_port = lo;
      options->max_port = hi;
    }

  for (char **a = cli->local_addresses; a && *a; a++)
    if (!g_hostname_is_ip_address (*a))
      {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     _ ("--local-address \"%s\" is not an IP address"), *a);
        return FALSE;
      }
  options->local_addresses = g_strdupv (cli->local_addresses);

  if (cli->video)
    options->media.video_source = cli->video;
  if (cli->audio)
    options->media.audio_source = cli->audio;
  if (cli->resolution)
    {
      guint64 w, h;
      if (!parse_pair (cli->resolution, 'x', 16, 4096, &w, &h) || w % 2 || h % 2)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _ ("--resolution wants WIDTHxHEIGHT, even numbers from 16 to 4096, e.g. "
                          "1280x720"));
          return FALSE;
        }
      options->media.width = w;
      options->media.height = h;
    }
  if (cli->framerate)
    {
      if (cli->framerate < 1 || cli->framerate > 60)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _ ("--framerate wants a number from 1 to 60"));
          return FALSE;
        }
      options->media.framerate = cli->framerate;
    }
  if (cli->duration < 0 || cli->duration > 7 * 24 * 3600)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _ ("--duration wants a number of seconds from 0 (no limit) to 604800"));
      return FALSE;
    }
  return TRUE;
}

/* -- output ------------------------------------------------------------------- */

void
confab_cli_write_stats (const char *path, ConfabCall *call)
{
  g_auto (ConfabCallStats) stats = { 0 };
  g_autoptr (GError) error = NULL;

  if (!path || !call)
    return;
  confab_call_get_stats (call, &stats);
  g_autofree char *json = confab_call_stats_to_json (&stats);
  /* g_file_set_contents() writes a temporary file and renames it over
   * @path, so a reader never sees half a file. */
  if (!g_file_set_contents (path, json, -1, &error))
    g_printerr ("confab: %s\n", error->message);
}

char *
confab_cli_describe_pair (const ConfabCallStats *stats)
{
  const ConfabIcePair *pair = &stats->pair;

  if (!stats->have_pair)
    return NULL;
  g_autofree char *verdict = confab_verdict_describe_pair (stats);
  return g_strdup_printf ("%s: %s %s %s:%u <-> %s %s:%u", verdict, pair->local.protocol,
                          pair->local.type, pair->local.address, pair->local.port,
                          pair->remote.type, pair->remote.address, pair->remote.port);
}

/* -- a peer: confab offer / confab answer --------------------------------------- */

typedef struct
{
  ConfabSdpType role;
  ConfabCall *call;
  GMainLoop *loop;
  int status;
  ConfabCliOptions *cli;
  guint stats_timer;
  guint duration_timer;
  guint sigint, sigterm;

  GDataInputStream *input;
  GCancellable *cancellable;
  GString *blob;
  gboolean blob_started;
  gboolean done;
  ConfabIcePair shown_pair; /* zero-filled copies, so memcmp compares them */
} Peer;

static void
finish (Peer *peer, int status)
{
  if (peer->done)
    return;
  peer->done = TRUE;
  peer->status = status;
  g_main_loop_quit (peer->loop);
}

static gboolean
on_stats_timer (gpointer data)
{
  Peer *peer = data;
  confab_cli_write_stats (peer->cli->stats, peer->call);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_duration_over (gpointer data)
{
  Peer *peer = data;
  peer->duration_timer = 0;
  g_printerr (_ ("confab: %d seconds are over, hanging up\n"), peer->cli->duration);
  confab_call_hang_up (peer->call);
  finish (peer, CONFAB_EXIT_OK);
  return G_SOURCE_REMOVE;
}

static gboolean
on_signal (gpointer data)
{
  Peer *peer = data;
  gboolean in_call = confab_call_get_state (peer->call) == CONFAB_CALL_STATE_IN_CALL;
  g_printerr (in_call ? _ ("confab: hanging up\n") : _ ("confab: cancelled\n"));
  confab_call_hang_up (peer->call);
  finish (peer, in_call ? CONFAB_EXIT_OK : CONFAB_EXIT_FAILURE);
  return G_SOURCE_CONTINUE;
}

static void
on_call_failed (ConfabCall *call, GError *error, gpointer data)
{
  Peer *peer = data;
  g_printerr (_ ("confab: the call failed: %s\n"), error->message);
  finish (peer, CONFAB_EXIT_FAILURE);
}

static void
on_call_state (GObject *object, GParamSpec *pspec, gpointer data)
{
  Peer *peer = data;

  switch (confab_call_get_state (peer->call))
    {
    case CONFAB_CALL_STATE_CONNECTING:
      /* The answerer says "waiting for them" once its answer is out. */
      if (peer->role == CONFAB_SDP_OFFER)
        g_printerr (_ ("confab: connecting…\n"));
      break;
    case CONFAB_CALL_STATE_IN_CALL:
      {
        g_auto (ConfabCallStats) stats = { 0 };
        confab_call_get_stats (peer->call, &stats);
        if (stats.have_pair)
          {
            g_autofree char *text = confab_cli_describe_pair (&stats);
            g_printerr (_ ("confab: connected, %s\n"), text);
            peer->shown_pair = stats.pair;
          }
        g_printerr (_ ("confab: encrypted (DTLS-SRTP, %s; the other side's certificate matches "
                       "its fingerprint), security code %s\n"),
                    stats.dtls.srtp_profile ? stats.dtls.srtp_profile : "?",
                    stats.sas ? stats.sas : "?");
        if (peer->cli->duration > 0)
          peer->duration_timer = g_timeout_add (peer->cli->duration * 1000, on_duration_over, peer);
        else
          g_printerr (_ ("confab: in the call; Ctrl-C hangs up\n"));
        break;
      }
    case CONFAB_CALL_STATE_ENDED:
      if (confab_call_ended_by_peer (peer->call))
        {
          g_printerr (_ ("confab: the other side hung up\n"));
          finish (peer, CONFAB_EXIT_OK);
        }
      break;
    default:
      break;
    }
}

static void
on_selected_pair_changed (ConfabIceSession *ice, gpointer data)
{
  Peer *peer = data;
  g_auto (ConfabCallStats) stats = { 0 };

  confab_call_get_stats (peer->call, &stats);
  if (stats.state == CONFAB_CALL_STATE_IN_CALL && stats.have_pair
      && memcmp (&stats.pair, &peer->shown_pair, sizeof stats.pair) != 0)
    {
      peer->shown_pair = stats.pair;
      g_autofree char *text = confab_cli_describe_pair (&stats);
      g_printerr (_ ("confab: the path changed, %s\n"), text);
    }
}

static void
on_candidate_gathered (ConfabIceSession *ice, const char *type, const char *where, gpointer data)
{
  g_printerr (_ ("confab: candidate %s %s\n"), type, where);
}

static void
on_relay_problem (ConfabIceSession *ice, const char *problem, gpointer data)
{
  g_printerr (_ ("confab: TURN relay: %s\n"), problem);
}

/* Both fingerprints are known once the other side's text is in. */
static void
print_security_code (Peer *peer)
{
  g_autofree char *sas = confab_call_dup_sas (peer->call);
  if (sas)
    g_printerr (_ ("confab: security code %s: read it to the other side; if theirs differs, "
                   "someone is listening in: hang up\n"),
                sas);
}

static void read_next_line (Peer *peer);
static void on_gathered (GObject *source, GAsyncResult *result, gpointer data);

static void
blob_complete (Peer *peer)
{
  g_autoptr (GError) error = NULL;

  if (!peer->blob_started)
    {
      g_printerr (peer->role == CONFAB_SDP_OFFER
                      ? _ ("confab: no answer was given (standard input ended)\n")
                      : _ ("confab: no offer was given (standard input ended)\n"));
      finish (peer, CONFAB_EXIT_USAGE);
      return;
    }

  if (!confab_call_set_remote_description (peer->call, peer->blob->str, peer->blob->len, &error))
    {
      g_printerr (peer->role == CONFAB_SDP_OFFER ? _ ("confab: the answer is not valid: %s\n")
                                                 : _ ("confab: the offer is not valid: %s\n"),
                  error->message);
      /* A bad paste is the user's to fix (2); a camera that fails is not (1). */
      finish (peer, error->domain == CONFAB_MEDIA_ERROR
                            && !g_error_matches (error, CONFAB_MEDIA_ERROR,
                                                 CONFAB_MEDIA_ERROR_INVALID_CONFIG)
                        ? CONFAB_EXIT_FAILURE
                        : CONFAB_EXIT_USAGE);
      return;
    }

  if (peer->role == CONFAB_SDP_OFFER)
    print_security_code (peer);
  else
    {
      g_printerr (_ ("confab: offer accepted; gathering candidates…\n"));
      confab_call_gather_async (peer->call, peer->cancellable, on_gathered, peer);
    }
}

static void
on_line_read (GObject *source, GAsyncResult *result, gpointer data)
{
  Peer *peer = data;
  g_autoptr (GError) error = NULL;
  gsize length = 0;
  g_autofree char *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source),
                                                                result, &length, &error);
  if (error)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_printerr (_ ("confab: cannot read standard input: %s\n"), error->message);
          finish (peer, CONFAB_EXIT_FAILURE);
        }
      return;
    }
  if (!line)
    {
      blob_complete (peer);
      return;
    }

  /* A blank line ends the blob; blank lines before it are the user's Enter. */
  g_autofree char *stripped = g_strstrip (g_strdup (line));
  if (*stripped == '\0' || g_strcmp0 (stripped, "\xef\xbb\xbf") == 0)
    {
      if (peer->blob_started)
        {
          blob_complete (peer);
          return;
        }
      read_next_line (peer);
      return;
    }

  peer->blob_started = TRUE;
  g_string_append_len (peer->blob, line, length);
  g_string_append_c (peer->blob, '\n');
  if (peer->blob->len > CONFAB_SDP_MAX_SIZE)
    {
      g_printerr (_ ("confab: the pasted text is over %d KiB; that is not an offer or answer\n"),
                  CONFAB_SDP_MAX_SIZE / 1024);
      finish (peer, CONFAB_EXIT_USAGE);
      return;
    }
  read_next_line (peer);
}

static void
read_next_line (Peer *peer)
{
  g_data_input_stream_read_line_async (peer->input, G_PRIORITY_DEFAULT, peer->cancellable,
                                       on_line_read, peer);
}

static void
on_gathered (GObject *source, GAsyncResult *result, gpointer data)
{
  Peer *peer = data;
  g_autoptr (GError) error = NULL;

  if (!confab_call_gather_finish (CONFAB_CALL (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_printerr (_ ("confab: %s\n"), error->message);
          finish (peer, CONFAB_EXIT_FAILURE);
        }
      return;
    }

  g_autofree char *blob = confab_call_create_local_description (peer->call, &error);
  if (!blob)
    {
      g_printerr ("confab: %s\n", error->message);
      finish (peer, CONFAB_EXIT_FAILURE);
      return;
    }

  /* stdout carries the blob and nothing else, so it can be piped. */
  fputs (blob, stdout);
  fputs ("\n", stdout);
  fflush (stdout);

  if (peer->role == CONFAB_SDP_OFFER)
    {
      g_printerr (_ ("confab: send the offer above to the other side, then paste their answer "
                     "here and end it with an empty line\n"));
      read_next_line (peer);
    }
  else
    {
      g_printerr (_ ("confab: send the answer above to the other side; waiting for them to "
                     "connect…\n"));
      print_security_code (peer);
    }
}

int
confab_cli_run_peer (ConfabSdpType role, int argc, char **argv)
{
  ConfabCliOptions cli = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = NULL;

  context = g_option_context_new (role == CONFAB_SDP_OFFER ? "" : "");
  g_option_context_set_summary (
      context, role == CONFAB_SDP_OFFER
                   ? _ ("Start a call: print an offer on standard output, read the answer from "
                        "standard input (up to an empty line), then run the call.")
                   : _ ("Join a call: read the offer from standard input (up to an empty line), "
                        "print the answer on standard output, then run the call."));
  g_option_context_set_main_group (context, confab_cli_option_group (&cli));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("confab: %s\n", error->message);
      confab_cli_options_clear (&cli);
      return CONFAB_EXIT_USAGE;
    }
  if (argc > 1)
    {
      g_printerr (_ ("confab: unexpected argument \"%s\" (see --help)\n"), argv[1]);
      confab_cli_options_clear (&cli);
      return CONFAB_EXIT_USAGE;
    }
  if (cli.verbose)
    g_setenv ("G_MESSAGES_DEBUG", "confab-app confab-transport confab-media", TRUE);

  ConfabCallOptions options;
  confab_call_options_init (&options);
  if (!confab_cli_build_call_options (&cli, &options, &error))
    {
      g_printerr ("confab: %s\n", error->message);
      confab_call_options_clear (&options);
      confab_cli_options_clear (&cli);
      return CONFAB_EXIT_USAGE;
    }

  Peer peer = { 0 };
  peer.role = role;
  peer.cli = &cli;
  peer.status = CONFAB_EXIT_OK;
  peer.loop = g_main_loop_new (NULL, FALSE);
  peer.blob = g_string_new (NULL);
  peer.cancellable = g_cancellable_new ();
  g_autoptr (GInputStream) in = g_unix_input_stream_new (0, FALSE);
  peer.input = g_data_input_stream_new (in);
  g_data_input_stream_set_newline_type (peer.input, G_DATA_STREAM_NEWLINE_TYPE_ANY);

  if (cli.verbose)
    confab_nat_line_print (options.relay_only ? NULL : options.stun, options.turn,
                           peer.cancellable);
  peer.call = confab_call_new (role, &options, &error);
  confab_call_options_clear (&options);
  if (!peer.call)
    {
      g_printerr ("confab: %s\n", error->message);
      peer.status = error->domain == CONFAB_ICE_SERVER_ERROR
                            || g_error_matches (error, CONFAB_MEDIA_ERROR,
                                                CONFAB_MEDIA_ERROR_INVALID_CONFIG)
                        ? CONFAB_EXIT_USAGE
                        : CONFAB_EXIT_FAILURE;
      goto out;
    }

  g_signal_connect (peer.call, "failed", G_CALLBACK (on_call_failed), &peer);
  g_signal_connect (peer.call, "notify::state", G_CALLBACK (on_call_state), &peer);
  g_signal_connect (confab_call_get_ice_session (peer.call), "candidate-gathered",
                    G_CALLBACK (on_candidate_gathered), &peer);
  g_signal_connect (confab_call_get_ice_session (peer.call), "selected-pair-changed",
                    G_CALLBACK (on_selected_pair_changed), &peer);
  g_signal_connect (confab_call_get_ice_session (peer.call), "relay-problem",
                    G_CALLBACK (on_relay_problem), &peer);
  peer.sigint = g_unix_signal_add (SIGINT, on_signal, &peer);
  peer.sigterm = g_unix_signal_add (SIGTERM, on_signal, &peer);
  if (cli.stats)
    {
      confab_cli_write_stats (cli.stats, peer.call);
      peer.stats_timer = g_timeout_add_seconds (1, on_stats_timer, &peer);
    }

  if (role == CONFAB_SDP_OFFER)
    {
      g_printerr (_ ("confab: gathering candidates…\n"));
      confab_call_gather_async (peer.call, peer.cancellable, on_gathered, &peer);
    }
  else
    {
      g_printerr (_ ("confab: paste the offer, then an empty line\n"));
      read_next_line (&peer);
    }

  if (!peer.done)
    g_main_loop_run (peer.loop);

  g_cancellable_cancel (peer.cancellable);
  confab_call_hang_up (peer.call);
  confab_cli_write_stats (cli.stats, peer.call);

  if (peer.status == CONFAB_EXIT_OK && confab_call_get_state (peer.call) == CONFAB_CALL_STATE_ENDED)
    {
      g_auto (ConfabCallStats) stats = { 0 };
      confab_call_get_stats (peer.call, &stats);
      /* %llu, not G_GUINT64_FORMAT: xgettext cannot see through the macro. */
      g_printerr (_ ("confab: call ended after %.1f s; video: %llu frames sent, %llu decoded "
                     "(%ux%u); audio: %llu frames sent, %llu decoded\n"),
                  stats.elapsed_s, (unsigned long long) stats.media.video.frames_encoded,
                  (unsigned long long) stats.media.video.frames_decoded, stats.media.video.width,
                  stats.media.video.height, (unsigned long long) stats.media.audio.frames_encoded,
                  (unsigned long long) stats.media.audio.frames_decoded);
    }

out:
  g_clear_handle_id (&peer.stats_timer, g_source_remove);
  g_clear_handle_id (&peer.duration_timer, g_source_remove);
  g_clear_handle_id (&peer.sigint, g_source_remove);
  g_clear_handle_id (&peer.sigterm, g_source_remove);
  /* Let the cancelled read and other pending callbacks run before freeing what they use. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  if (peer.call)
    g_signal_handlers_disconnect_by_data (peer.call, &peer);
  if (peer.call)
    g_signal_handlers_disconnect_by_data (confab_call_get_ice_session (peer.call), &peer);
  g_clear_object (&peer.call);
  g_clear_object (&peer.input);
  g_clear_object (&peer.cancellable);
  g_string_free (peer.blob, TRUE);
  g_main_loop_unref (peer.loop);
  confab_cli_options_clear (&cli);
  return peer.status;
}
