/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "confab-ice-candidate-private.h"
#include "confab-ice-reach-private.h"
#include "confab-ice-resolve-private.h"
#include "confab-ice-session-private.h"
#include "confab-ice-thread-private.h"
#include "confab-packet-sink-private.h"

#include <string.h>

G_DEFINE_QUARK (confab - ice - error - quark, confab_ice_error)

/* libnice gives up on a check after stun-max-retransmissions; with its
 * defaults a controlled agent declares FAILED within seconds. The answerer
 * must wait for a person to carry its answer back (minutes), so the session
 * treats FAILED as recoverable (libnice moves FAILED -> CONNECTED when the
 * controlling side's nominated check arrives) and the app decides when to
 * give up. */
#define DEFAULT_GATHER_TIMEOUT_MS 10000

struct _ConfabIceSession
{
  GObject parent_instance;

  gboolean controlling;
  ConfabIceServer *stun;
  ConfabIceServer *turn;
  ConfabIceAddresses *addresses; /* the servers' as libnice sees them, once resolved */
  gboolean relay_only;
  guint min_port, max_port;
  GPtrArray *local_addresses;
  guint gather_timeout_ms;

  ConfabIceThread *nice; /* libnice's thread and context, and the way back */
  NiceAgent *agent;
  guint stream_id;

  GTask *gather_task;
  GSource *gather_timeout;

  /* Written on the libnice thread, read anywhere: under the lock. */
  GMutex lock;
  ConfabIceState state;
  ConfabIceState reported_state; /* owner thread only */
  NiceComponentState nice_state;
  gboolean have_pair;
  ConfabIcePair pair;
  guint pair_serial, reported_pair_serial;
  gboolean gathering_done;
  gboolean receiving; /* FALSE once closed */
  ConfabIceStats stats;
  guint relay_problem_serial, reported_relay_problem_serial;
  ConfabPacketSink *receiver; /* a ConfabIceReceiveFunc */
};

G_DEFINE_FINAL_TYPE (ConfabIceSession, confab_ice_session, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STATE,
  PROP_CONTROLLING,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_SELECTED_PAIR_CHANGED,
  SIGNAL_CANDIDATE_GATHERED,
  SIGNAL_RELAY_PROBLEM,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

/* -- owner-context side --------------------------------------------------- */

static void complete_gathering (ConfabIceSession *self, gboolean timed_out);

/* Owner thread: what "state" reads, with a notification when it changes. */
static void
report_state (ConfabIceSession *self, ConfabIceState state)
{
  if (state == self->reported_state)
    return;
  self->reported_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
on_owner_update (GObject *object)
{
  ConfabIceSession *self = CONFAB_ICE_SESSION (object);

  g_mutex_lock (&self->lock);
  gboolean gathering_done = self->gathering_done;
  g_mutex_unlock (&self->lock);

  /* Gathering can only complete once the task exists and its timeout is
   * armed; libnice may report "done" from inside nice_agent_gather_candidates(). */
  if (gathering_done && self->gather_task && self->gather_timeout)
    complete_gathering (self, FALSE);

  g_mutex_lock (&self->lock);
  ConfabIceState state = self->state;
  gboolean pair_changed = self->pair_serial != self->reported_pair_serial;
  self->reported_pair_serial = self->pair_serial;
  g_autofree char *relay_problem = NULL;
  if (self->relay_problem_serial != self->reported_relay_problem_serial)
    relay_problem = g_strdup (self->stats.relay_problem);
  self->reported_relay_problem_serial = self->relay_problem_serial;
  g_mutex_unlock (&self->lock);

  report_state (self, state);
  if (pair_changed)
    g_signal_emit (self, signals[SIGNAL_SELECTED_PAIR_CHANGED], 0);
  if (relay_problem)
    g_signal_emit (self, signals[SIGNAL_RELAY_PROBLEM], 0, relay_problem);
}

static void
schedule_owner_update (ConfabIceSession *self)
{
  confab_ice_thread_schedule_update (self->nice);
}

/* Any thread, under the lock: the stats and the relay-problem signal. */
static void G_GNUC_PRINTF (2, 3)
    set_relay_problem_locked (ConfabIceSession *self, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_vsnprintf (self->stats.relay_problem, sizeof self->stats.relay_problem, format, args);
  va_end (args);
  self->relay_problem_serial++;
  g_debug ("TURN relay: %s", self->stats.relay_problem);
}

static void
set_state_locked (ConfabIceSession *self, ConfabIceState state)
{
  self->state = state;
  if (state == CONFAB_ICE_STATE_CONNECTED && self->stats.connected_time == 0)
    self->stats.connected_time = g_get_monotonic_time ();
}

/* -- libnice callbacks (libnice thread, or any thread that unlocks the agent) -- */

static void
on_new_selected_pair_full (NiceAgent *agent, guint stream_id, guint component_id,
                           NiceCandidate *lcand, NiceCandidate *rcand, gpointer data)
{
  ConfabIceSession *self = data;

  ConfabIcePair pair;
  confab_ice_pair_fill (&pair, lcand, rcand);
  g_mutex_lock (&self->lock);
  self->pair = pair;
  self->have_pair = TRUE;
  self->pair_serial++;
  g_mutex_unlock (&self->lock);

  g_autofree char *described = confab_ice_pair_to_string (&pair);
  g_debug ("selected pair: %s", described);
  schedule_owner_update (self);
}

static void
on_component_state_changed (NiceAgent *agent, guint stream_id, guint component_id, guint nice_state,
                            gpointer data)
{
  ConfabIceSession *self = data;

  g_debug ("component state: %s", nice_component_state_to_string (nice_state));

  g_mutex_lock (&self->lock);
  self->nice_state = nice_state;
  if (self->state != CONFAB_ICE_STATE_CLOSED)
    {
      switch (nice_state)
        {
        case NICE_COMPONENT_STATE_CONNECTED:
        case NICE_COMPONENT_STATE_READY:
          set_state_locked (self, CONFAB_ICE_STATE_CONNECTED);
          break;
        case NICE_COMPONENT_STATE_FAILED:
          set_state_locked (self, CONFAB_ICE_STATE_FAILED);
          break;
        case NICE_COMPONENT_STATE_CONNECTING:
          if (self->stats.remote_applied_time != 0)
            set_state_locked (self, CONFAB_ICE_STATE_CHECKING);
          break;
        default:
          break;
        }
    }
  g_mutex_unlock (&self->lock);
  schedule_owner_update (self);
}

static void
on_candidate_gathering_done (NiceAgent *agent, guint stream_id, gpointer data)
{
  ConfabIceSession *self = data;

  g_mutex_lock (&self->lock);
  self->gathering_done = TRUE;
  g_mutex_unlock (&self->lock);
  schedule_owner_update (self);
}

static void
on_receive (NiceAgent *agent, guint stream_id, guint component_id, guint len, gchar *buf,
            gpointer data)
{
  ConfabIceSession *self = data;

  g_mutex_lock (&self->lock);
  if (!self->receiving)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->stats.packets_received++;
  self->stats.bytes_received += len;
  ConfabPacketSink *receiver = self->receiver ? confab_packet_sink_ref (self->receiver) : NULL;
  g_mutex_unlock (&self->lock);

  /* Called unlocked: the media side may take its own locks. The reference
   * keeps the function's data alive if it is replaced meanwhile. */
  if (receiver)
    {
      confab_packet_sink_call (receiver, (const guint8 *) buf, len);
      confab_packet_sink_unref (receiver);
    }
}

/* -- GObject --------------------------------------------------------------- */

static void
confab_ice_session_init (ConfabIceSession *self)
{
  g_mutex_init (&self->lock);
  self->gather_timeout_ms = DEFAULT_GATHER_TIMEOUT_MS;
  self->receiving = TRUE;
  self->local_addresses = g_ptr_array_new_with_free_func (g_free);
}

static void
confab_ice_session_constructed (GObject *object)
{
  ConfabIceSession *self = CONFAB_ICE_SESSION (object);

  G_OBJECT_CLASS (confab_ice_session_parent_class)->constructed (object);

  /* The controlling side nominates aggressively (every check carries
   * USE-CANDIDATE, so the first pair that works carries the call at once,
   * and a better one that works later takes over). Regular nomination cost
   * about 2 s behind NATs: libnice 0.1.21 nominates only once a host-host
   * pair or two pairs are valid, or no pair is left to check, so it waited
   * for the checks to the peer's private addresses to time out (500 + 1000
   * + 500 ms) although the public pair had answered within 50 ms; Chromium
   * connects in about 90 ms in the same lab. libnice falls back to regular
   * nomination whenever a TCP candidate comes in, so the controlling side
   * does without ICE-TCP (TURN over TCP and TLS is unaffected: its relay
   * candidates are UDP to ICE), and leaves out the peer's TCP candidates.
   * The controlled side's nomination mode does not matter; it keeps ICE-TCP
   * for a controlling browser. */
  self->nice = confab_ice_thread_new (object, on_owner_update);
  self->agent
      = nice_agent_new_full (confab_ice_thread_get_context (self->nice), NICE_COMPATIBILITY_RFC5245,
                             self->controlling ? 0 : NICE_AGENT_OPTION_REGULAR_NOMINATION);
  if (self->controlling)
    g_object_set (self->agent, "ice-tcp", FALSE, NULL);
  g_object_set (self->agent, "controlling-mode", self->controlling, "upnp", FALSE,
                /* libnice keeps a component alive this long after the
                 * last check before it reports FAILED. */
                "idle-timeout", 60000, NULL);

  g_signal_connect (self->agent, "new-selected-pair-full", G_CALLBACK (on_new_selected_pair_full),
                    self);
  g_signal_connect (self->agent, "component-state-changed", G_CALLBACK (on_component_state_changed),
                    self);
  g_signal_connect (self->agent, "candidate-gathering-done",
                    G_CALLBACK (on_candidate_gathering_done), self);

  self->stream_id = nice_agent_add_stream (self->agent, 1);
  nice_agent_set_stream_name (self->agent, self->stream_id, "audio");
}

static void
confab_ice_session_dispose (GObject *object)
{
  ConfabIceSession *self = CONFAB_ICE_SESSION (object);

  g_mutex_lock (&self->lock);
  self->receiving = FALSE;
  g_mutex_unlock (&self->lock);

  /* TURN allocations are released with a last refresh, sent from
   * libnice's own thread: wait (briefly) while that thread still runs and
   * the sockets are still read, or the server's answers would never come. */
  if (self->agent)
    confab_ice_thread_close_agent (self->nice, self->agent);

  if (self->agent && self->stream_id)
    nice_agent_attach_recv (self->agent, self->stream_id, 1,
                            confab_ice_thread_get_context (self->nice), NULL, NULL);

  if (self->nice)
    confab_ice_thread_stop (self->nice);

  if (self->agent)
    {
      g_signal_handlers_disconnect_by_data (self->agent, self);
      g_clear_object (&self->agent);
    }
  /* After the agent: its last TURN refreshes went through the TLS proxy. */
  g_clear_pointer (&self->addresses, confab_ice_addresses_free);

  if (self->gather_timeout)
    {
      g_source_destroy (self->gather_timeout);
      g_clear_pointer (&self->gather_timeout, g_source_unref);
    }
  if (self->gather_task)
    {
      g_task_return_new_error (self->gather_task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "the ICE session was closed");
      g_clear_object (&self->gather_task);
    }

  confab_packet_sink_replace (&self->receiver, NULL, &self->lock);

  G_OBJECT_CLASS (confab_ice_session_parent_class)->dispose (object);
}

static void
confab_ice_session_finalize (GObject *object)
{
  ConfabIceSession *self = CONFAB_ICE_SESSION (object);

  g_clear_pointer (&self->nice, confab_ice_thread_free);
  confab_ice_server_free (self->stun);
  confab_ice_server_free (self->turn);
  g_ptr_array_unref (self->local_addresses);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (confab_ice_session_parent_class)->finalize (object);
}

static void
confab_ice_session_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ConfabIceSession *self = CONFAB_ICE_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->reported_state);
      break;
    case PROP_CONTROLLING:
      g_value_set_boolean (value, self->controlling);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_ice_session_set_property (GObject *object, guint prop_id, const GValue *value,
                                 GParamSpec *pspec)
{
  ConfabIceSession *self = CONFAB_ICE_SESSION (object);

  switch (prop_id)
    {
    case PROP_CONTROLLING:
      self->controlling = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_ice_session_class_init (ConfabIceSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = confab_ice_session_constructed;
  object_class->dispose = confab_ice_session_dispose;
  object_class->finalize = confab_ice_session_finalize;
  object_class->get_property = confab_ice_session_get_property;
  object_class->set_property = confab_ice_session_set_property;

  /* An int rather than a registered enum: the values are ConfabIceState. */
  properties[PROP_STATE] = g_param_spec_int (
      "state", NULL, NULL, CONFAB_ICE_STATE_NEW, CONFAB_ICE_STATE_CLOSED, CONFAB_ICE_STATE_NEW,
      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTROLLING]
      = g_param_spec_boolean ("controlling", NULL, NULL, FALSE,
                              G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SELECTED_PAIR_CHANGED]
      = g_signal_new ("selected-pair-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                      NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* (type, address) of each local candidate as gathering finds it: progress for the UI. */
  signals[SIGNAL_CANDIDATE_GATHERED]
      = g_signal_new ("candidate-gathered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /* (problem) in words: see the header. */
  signals[SIGNAL_RELAY_PROBLEM]
      = g_signal_new ("relay-problem", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

ConfabIceSession *
confab_ice_session_new (gboolean controlling)
{
  return g_object_new (CONFAB_TYPE_ICE_SESSION, "controlling", controlling, NULL);
}

NiceAgent *
confab_ice_session_get_agent (ConfabIceSession *self)
{
  return self->agent;
}

guint
confab_ice_session_get_stream_id (ConfabIceSession *self)
{
  return self->stream_id;
}

void
confab_ice_session_set_idle_timeout (ConfabIceSession *self, guint timeout_ms)
{
  g_object_set (self->agent, "idle-timeout", timeout_ms, NULL);
}

/* -- configuration ---------------------------------------------------------- */

void
confab_ice_session_set_stun_server (ConfabIceSession *self, const ConfabIceServer *server)
{
  g_return_if_fail (CONFAB_IS_ICE_SESSION (self));
  g_clear_pointer (&self->stun, confab_ice_server_free);
  self->stun = server ? confab_ice_server_copy (server) : NULL;
}

void
confab_ice_session_set_turn_server (ConfabIceSession *self, const ConfabIceServer *server)
{
  g_return_if_fail (CONFAB_IS_ICE_SESSION (self));
  g_clear_pointer (&self->turn, confab_ice_server_free);
  self->turn = server ? confab_ice_server_copy (server) : NULL;
}

void
confab_ice_session_set_relay_only (ConfabIceSession *self, gboolean relay_only)
{
  g_return_if_fail (CONFAB_IS_ICE_SESSION (self));
  self->relay_only = relay_only;
}

void
confab_ice_session_set_port_range (ConfabIceSession *self, guint min_port, guint max_port)
{
  g_return_if_fail (CONFAB_IS_ICE_SESSION (self));
  g_return_if_fail (min_port <= max_port && max_port <= 65535);
  self->min_port = min_port;
  self->max_port = max_port;
}

void
confab_ice_session_add_local_address (ConfabIceSession *self, const char *address)
{
  g_return_if_fail (CONFAB_IS_ICE_SESSION (self));
  g_ptr_array_add (self->local_addresses, g_strdup (address));
}

void
confab_ice_session_set_gather_timeout (ConfabIceSession *self, guint timeout_ms)
{
  g_return_if_fail (CONFAB_IS_ICE_SESSION (self));
  self->gather_timeout_ms = timeout_ms;
}

void
confab_ice_session_set_receive_func (ConfabIceSession *self, ConfabIceReceiveFunc func,
                                     gpointer user_data, GDestroyNotify destroy)
{
  g_return_if_fail (CONFAB_IS_ICE_SESSION (self));

  confab_packet_sink_replace (&self->receiver, confab_packet_sink_new (func, user_data, destroy),
                              &self->lock);
}

/* -- gathering -------------------------------------------------------------- */

/* Ends gathering (@task, owned) with an error; the session stays in
 * GATHERING. */
static void G_GNUC_PRINTF (3, 4)
    fail_gathering (GTask *task, ConfabIceError code, const char *format, ...)
{
  g_autoptr (GTask) owned = task;
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_task_return_new_error (owned, CONFAB_ICE_ERROR, code, "%s", message);
}

/* Owner thread: moves the state on (from @from only, unless @from is -1)
 * and reports it. */
static void
advance_state (ConfabIceSession *self, int from, ConfabIceState to)
{
  g_mutex_lock (&self->lock);
  if (from < 0 || self->state == (ConfabIceState) from)
    self->state = to;
  ConfabIceState state = self->state;
  g_mutex_unlock (&self->lock);
  report_state (self, state);
}

static gboolean
on_gather_timeout (gpointer data)
{
  ConfabIceSession *self = data;
  g_clear_pointer (&self->gather_timeout, g_source_unref);
  if (self->gather_task)
    complete_gathering (self, TRUE);
  return G_SOURCE_REMOVE;
}

static void
complete_gathering (ConfabIceSession *self, gboolean timed_out)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->gather_task);

  if (self->gather_timeout)
    {
      g_source_destroy (self->gather_timeout);
      g_clear_pointer (&self->gather_timeout, g_source_unref);
    }

  g_mutex_lock (&self->lock);
  self->stats.gather_end_time = g_get_monotonic_time ();
  g_mutex_unlock (&self->lock);

  if (timed_out)
    g_debug ("gathering timed out after %u ms; going on with what was gathered",
             self->gather_timeout_ms);

  /* Tell the UI what was found, in gathering order, counting as we go. */
  guint n_candidates = 0, n_relays = 0;
  GSList *cands = nice_agent_get_local_candidates (self->agent, self->stream_id, 1);
  for (GSList *l = cands; l; l = l->next)
    {
      NiceCandidate *c = l->data;
      ConfabIceCandidateInfo info;
      n_candidates++;
      n_relays += c->type == NICE_CANDIDATE_TYPE_RELAYED;
      confab_ice_candidate_info_fill (&info, c);
      g_autofree char *where = g_strdup_printf ("%s %s:%u", info.protocol, info.address, info.port);
      g_signal_emit (self, signals[SIGNAL_CANDIDATE_GATHERED], 0, info.type, where);
    }
  g_slist_free_full (cands, (GDestroyNotify) nice_candidate_free);

  /* Without a relay the call may still connect: say why there is none
   * (libnice only knows that none came; a refused certificate is the TLS
   * proxy's to tell). */
  if (self->turn && n_relays == 0)
    {
      g_autofree char *uri = confab_ice_server_to_string (self->turn);
      ConfabTurnTlsProxy *proxy = self->addresses ? self->addresses->tls_proxy : NULL;
      g_autofree char *tls_error = proxy ? confab_turn_tls_proxy_dup_last_error (proxy) : NULL;
      g_autofree char *why
          = tls_error
                ? g_strconcat (": ", tls_error, NULL)
                : g_strdup (_ (" (check the address, the credentials and that it is running)"));
      g_mutex_lock (&self->lock);
      set_relay_problem_locked (self, _ ("the TURN server %s gave no relay address%s"), uri, why);
      g_mutex_unlock (&self->lock);
      schedule_owner_update (self);
      if (self->relay_only)
        {
          fail_gathering (g_steal_pointer (&task), CONFAB_ICE_ERROR_NO_RELAY,
                          _ ("relay-only mode, but the TURN server %s gave no relay address%s"),
                          uri, why);
          return;
        }
    }
  if (n_candidates == 0)
    {
      fail_gathering (g_steal_pointer (&task), CONFAB_ICE_ERROR_NO_CANDIDATES,
                      "no network address could be used for the call");
      return;
    }

  advance_state (self, CONFAB_ICE_STATE_GATHERING, CONFAB_ICE_STATE_GATHERED);
  g_task_return_boolean (task, TRUE);
}

static void
start_gathering (ConfabIceSession *self)
{
  const ConfabIceAddresses *addresses = self->addresses;
  if (addresses->stun_ip)
    g_object_set (self->agent, "stun-server", addresses->stun_ip, "stun-server-port",
                  addresses->stun_port, NULL);

  if (addresses->turn_ip)
    {
      /* A TLS proxy is a TCP TURN server to libnice. */
      NiceRelayType type = self->turn->transport == CONFAB_ICE_TRANSPORT_TCP
                               ? NICE_RELAY_TYPE_TURN_TCP
                               : NICE_RELAY_TYPE_TURN_UDP;
      if (!nice_agent_set_relay_info (self->agent, self->stream_id, 1, addresses->turn_ip,
                                      addresses->turn_port, self->turn->username ?: "",
                                      self->turn->password ?: "", type))
        {
          fail_gathering (g_steal_pointer (&self->gather_task), CONFAB_ICE_ERROR_SETUP,
                          "libnice refused the TURN server %s:%u", addresses->turn_ip,
                          addresses->turn_port);
          return;
        }
    }

  if (self->min_port || self->max_port)
    nice_agent_set_port_range (self->agent, self->stream_id, 1, self->min_port, self->max_port);

  for (guint i = 0; i < self->local_addresses->len; i++)
    {
      NiceAddress addr;
      nice_address_init (&addr);
      if (!nice_address_set_from_string (&addr, self->local_addresses->pdata[i]))
        {
          fail_gathering (g_steal_pointer (&self->gather_task), CONFAB_ICE_ERROR_SETUP,
                          "\"%s\" is not an IP address",
                          (const char *) self->local_addresses->pdata[i]);
          return;
        }
      nice_agent_add_local_address (self->agent, &addr);
    }

  /* The session's thread must be running the agent's context before
   * gathering, or the candidate-gathering-done signal would not come. */
  nice_agent_attach_recv (self->agent, self->stream_id, 1,
                          confab_ice_thread_get_context (self->nice), on_receive, self);

  g_mutex_lock (&self->lock);
  self->stats.gather_start_time = g_get_monotonic_time ();
  g_mutex_unlock (&self->lock);

  if (!nice_agent_gather_candidates (self->agent, self->stream_id))
    {
      g_autofree char *why = NULL;
      if (self->min_port || self->max_port)
        why = g_strdup_printf ("no free UDP port in the range %u-%u", self->min_port,
                               self->max_port);
      fail_gathering (g_steal_pointer (&self->gather_task), CONFAB_ICE_ERROR_SETUP,
                      "gathering candidates failed%s%s", why ? ": " : "", why ?: "");
      return;
    }

  self->gather_timeout = g_timeout_source_new (self->gather_timeout_ms);
  g_source_set_callback (self->gather_timeout, on_gather_timeout, self, NULL);
  g_source_attach (self->gather_timeout, confab_ice_thread_get_owner_context (self->nice));
  schedule_owner_update (self);
}

static void
on_servers_resolved (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GTask) task = data;
  ConfabIceSession *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;

  g_autoptr (ConfabIceAddresses) addresses = confab_ice_resolve_servers_finish (result, &error);
  if (self->gather_task != task)
    return; /* closed meanwhile */
  if (!addresses)
    {
      fail_gathering (g_steal_pointer (&self->gather_task), error->code, "%s", error->message);
      return;
    }
  self->addresses = g_steal_pointer (&addresses);
  start_gathering (self);
}

void
confab_ice_session_gather_async (ConfabIceSession *self, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CONFAB_IS_ICE_SESSION (self));

  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_ice_session_gather_async);

  if (self->reported_state != CONFAB_ICE_STATE_NEW || self->gather_task)
    {
      g_task_return_new_error (task, CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_STATE,
                               "candidates were gathered already");
      return;
    }
  if (self->relay_only && !self->turn)
    {
      g_task_return_new_error (task, CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_SETUP,
                               "relay-only mode needs a TURN server");
      return;
    }

  g_object_set (self->agent, "force-relay", self->relay_only, NULL);
  advance_state (self, -1, CONFAB_ICE_STATE_GATHERING);
  self->gather_task = g_object_ref (task);

  /* STUN only matters when relays are allowed to be bypassed. */
  confab_ice_resolve_servers_async (self->relay_only ? NULL : self->stun, self->turn, cancellable,
                                    on_servers_resolved, g_steal_pointer (&task));
}

gboolean
confab_ice_session_gather_finish (ConfabIceSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* -- descriptions ------------------------------------------------------------ */

void
confab_ice_session_describe (ConfabIceSession *self, ConfabSdp *sdp)
{
  g_return_if_fail (CONFAB_IS_ICE_SESSION (self));

  g_autofree char *ufrag = NULL;
  g_autofree char *pwd = NULL;
  nice_agent_get_local_credentials (self->agent, self->stream_id, &ufrag, &pwd);
  g_free (sdp->ice_ufrag);
  g_free (sdp->ice_pwd);
  sdp->ice_ufrag = g_steal_pointer (&ufrag);
  sdp->ice_pwd = g_steal_pointer (&pwd);

  g_autoptr (GPtrArray) lines = confab_ice_session_dup_local_candidates (self);
  for (guint i = 0; i < lines->len; i++)
    confab_sdp_add_candidate (sdp, lines->pdata[i]);
}

GPtrArray *
confab_ice_session_dup_local_candidates (ConfabIceSession *self)
{
  g_return_val_if_fail (CONFAB_IS_ICE_SESSION (self), NULL);
  return confab_ice_dup_local_candidate_lines (self->agent, self->stream_id, self->relay_only);
}

/* The UDP candidates of @cands (owned); the others are freed and counted.
 * A TCP candidate would turn libnice's aggressive nomination regular (see
 * constructed()), and without ICE-TCP of our own it makes no pair. */
static GSList *
drop_tcp (GSList *cands, guint *dropped)
{
  GSList *kept = NULL;
  for (GSList *l = cands; l; l = l->next)
    {
      NiceCandidate *c = l->data;
      if (c->transport == NICE_CANDIDATE_TRANSPORT_UDP)
        kept = g_slist_prepend (kept, c);
      else
        {
          nice_candidate_free (c);
          (*dropped)++;
        }
    }
  g_slist_free (cands);
  return g_slist_reverse (kept);
}

gboolean
confab_ice_session_set_remote (ConfabIceSession *self, const ConfabSdp *remote, GError **error)
{
  g_return_val_if_fail (CONFAB_IS_ICE_SESSION (self), FALSE);
  g_return_val_if_fail (remote != NULL, FALSE);

  if (self->reported_state != CONFAB_ICE_STATE_GATHERED)
    {
      g_set_error (error, CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_STATE,
                   "the remote description can only be applied once, after gathering");
      return FALSE;
    }

  g_autofree char *ufrag = NULL;
  g_autofree char *pwd = NULL;
  nice_agent_get_local_credentials (self->agent, self->stream_id, &ufrag, &pwd);
  if (g_strcmp0 (ufrag, remote->ice_ufrag) == 0 && g_strcmp0 (pwd, remote->ice_pwd) == 0)
    {
      g_set_error (error, CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_REMOTE,
                   "this is our own description, not the other side's");
      return FALSE;
    }

  GSList *cands = NULL;
  guint skipped = 0;
  for (guint i = 0; i < remote->candidates->len; i++)
    {
      /* libnice wants the attribute with its "a=". */
      g_autofree char *line = g_strconcat ("a=", (const char *) remote->candidates->pdata[i], NULL);
      NiceCandidate *c = nice_agent_parse_remote_candidate_sdp (self->agent, self->stream_id, line);
      if (!c)
        {
          skipped++;
          continue;
        }
      /* Relay-only (privacy) mode still accepts every remote candidate:
       * force-relay constrains our side only. */
      cands = g_slist_prepend (cands, c);
    }
  cands = g_slist_reverse (cands);
  if (self->controlling)
    cands = drop_tcp (cands, &skipped);
  guint unreachable = 0;
  cands = confab_ice_drop_unreachable_remote (self->agent, self->stream_id, cands, &unreachable);

  if (!cands)
    {
      g_slist_free_full (cands, (GDestroyNotify) nice_candidate_free);
      g_set_error (error, CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_REMOTE,
                   "none of the %u candidates of the other side can be used",
                   remote->candidates->len);
      return FALSE;
    }
  if (skipped)
    g_debug ("skipped %u remote candidates (libnice cannot use them, or TCP ones here)", skipped);
  if (unreachable)
    g_debug ("left out %u private remote candidates our TURN relay cannot reach", unreachable);

  if (!nice_agent_set_remote_credentials (self->agent, self->stream_id, remote->ice_ufrag,
                                          remote->ice_pwd))
    {
      g_slist_free_full (cands, (GDestroyNotify) nice_candidate_free);
      g_set_error (error, CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_REMOTE,
                   "libnice refused the remote ICE credentials");
      return FALSE;
    }

  g_mutex_lock (&self->lock);
  self->stats.remote_applied_time = g_get_monotonic_time ();
  if (self->state == CONFAB_ICE_STATE_GATHERED)
    self->state = CONFAB_ICE_STATE_CHECKING;
  g_mutex_unlock (&self->lock);

  int added = nice_agent_set_remote_candidates (self->agent, self->stream_id, 1, cands);
  g_slist_free_full (cands, (GDestroyNotify) nice_candidate_free);
  if (added <= 0)
    {
      g_set_error (error, CONFAB_ICE_ERROR, CONFAB_ICE_ERROR_REMOTE,
                   "libnice accepted none of the remote candidates");
      return FALSE;
    }
  /* No trickle: the blob carried every candidate. */
  nice_agent_peer_candidate_gathering_done (self->agent, self->stream_id);

  schedule_owner_update (self);
  return TRUE;
}

/* -- data ---------------------------------------------------------------------- */

gboolean
confab_ice_session_send (ConfabIceSession *self, const guint8 *data, gsize size)
{
  g_return_val_if_fail (CONFAB_IS_ICE_SESSION (self), FALSE);

  int sent = -1;
  if (size <= G_MAXUINT && self->agent)
    sent = nice_agent_send (self->agent, self->stream_id, 1, size, (const char *) data);

  g_mutex_lock (&self->lock);
  if (sent == (int) size)
    {
      self->stats.packets_sent++;
      self->stats.bytes_sent += size;
    }
  else
    self->stats.send_failures++;
  g_mutex_unlock (&self->lock);

  return sent == (int) size;
}

ConfabIceState
confab_ice_session_get_state (ConfabIceSession *self)
{
  g_return_val_if_fail (CONFAB_IS_ICE_SESSION (self), CONFAB_ICE_STATE_CLOSED);
  return self->reported_state;
}

gboolean
confab_ice_session_get_selected_pair (ConfabIceSession *self, ConfabIcePair *pair)
{
  g_return_val_if_fail (CONFAB_IS_ICE_SESSION (self), FALSE);

  g_mutex_lock (&self->lock);
  gboolean have = self->have_pair;
  if (have)
    *pair = self->pair;
  else
    memset (pair, 0, sizeof *pair);
  g_mutex_unlock (&self->lock);
  return have;
}

void
confab_ice_session_get_stats (ConfabIceSession *self, ConfabIceStats *stats)
{
  g_return_if_fail (CONFAB_IS_ICE_SESSION (self));

  g_mutex_lock (&self->lock);
  *stats = self->stats;
  g_mutex_unlock (&self->lock);
}

void
confab_ice_session_close (ConfabIceSession *self)
{
  g_return_if_fail (CONFAB_IS_ICE_SESSION (self));

  /* Packets stop reaching the receive function; the agent itself keeps
   * running until dispose so that it can release TURN allocations. */
  g_mutex_lock (&self->lock);
  self->receiving = FALSE;
  g_mutex_unlock (&self->lock);
  advance_state (self, -1, CONFAB_ICE_STATE_CLOSED);
}
