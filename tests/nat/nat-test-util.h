/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the NAT lab's files share: a row, the lab, the two sides, the
 * checks. nat-lab.c builds and removes the lab, nat-side.c runs confab
 * in it, nat-checks.c says what must hold, test-nat.c has the rows and
 * nat-probe.c the NAT-type lines.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#define CALL_SECONDS 4
/* Setting up, connecting (at most 30 s for the offerer), the call, teardown;
 * a row that pastes late or cuts the path gets its delay on top. */
#define WATCHDOG_SECONDS 75
/* The answer reaches the offerer this late in the paste-delay row. */
#define LATE_ANSWER_SECONDS 120
/* The path-cut row's call: long enough to outlast the cut and the media
 * watch (10 s of silence) with room to spare. */
#define CUT_CALL_SECONDS 40
#define CUT_AFTER_SECONDS 3
/* After the cut, the call must end within libnice's consent timeout (10 s)
 * plus the media watch's one-second tick and the exit. */
#define CUT_DEADLINE_SECONDS 15
/* How long `confab offer` tries to connect before it gives up. */
#define OFFER_CONNECT_TIMEOUT_SECONDS 30
#define RANGE_MIN 50000
#define RANGE_MAX 50100
#define TURN_HOST "203.0.113.1"
#define TURN_CREDENTIALS "--turn-user", "alice", "--turn-pass", "secret"
#define CA_FILE "@CA@" /* replaced by the lab CA's PEM file */

typedef enum
{
  PATH_HOST,   /* host ↔ host on one LAN */
  PATH_DIRECT, /* through both NATs, no relay */
  PATH_RELAY,
} Path;

typedef struct
{
  const char *name;
  const char *kind_a; /* natlab.sh's router kinds */
  const char *kind_b;
  const char *options[10]; /* both sides' server options */
  Path path;
  const char *turn_server; /* what the stats name as the TURN server */
  gboolean relay_only;
  gboolean port_range;
  gboolean check_ca;             /* also: without --turn-ca there is no relay */
  gboolean turn_host_unroutable; /* coturn's host has no route to the LANs */
  const char *coturn_options[4];
  guint answer_delay; /* seconds before the answer reaches the offerer */
  gboolean cut_path;  /* router A drops all UDP once media flows */
  /* The answerer's server options, when they are not the offerer's. */
  const char *answer_options[10];
  /* A candidate line added to the answer the offerer applies. */
  const char *inject_candidate;
  /* The call cannot connect: the offerer must say so and exit 1 in time. */
  gboolean no_connection;
} Row;

#define STUN_TURN                                                                                  \
  "--stun", "stun:" TURN_HOST ":3478", "--turn", "turn:" TURN_HOST ":3478", TURN_CREDENTIALS
#define TURN_UDP "turn:" TURN_HOST ":3478?transport=udp"
/* TEST-NET-2: public, and unroutable from a TURN host without a default
 * route. */
#define UNROUTABLE_CANDIDATE "candidate:99 1 UDP 2130706431 198.51.100.7 40000 typ host"

typedef struct
{
  char *dir; /* the stats, the logs, coturn's state and the lab CA */
  char *ns_a;
  char *ns_b;
} Lab;

typedef struct
{
  const char *role; /* offer or answer */
  const char *name; /* of its files */
  GSubprocess *proc;
  char *stats;
  char *log;
  char *blob;
  JsonParser *parser;
  JsonObject *root; /* the final stats */
} Side;

/* What one run of a row measured, from the offerer's stats. */
typedef struct
{
  double connected_ms; /* ICE */
  double dtls_ms;      /* -1 for a call without DTLS */
  double first_frame_ms;
  char *pair;
} Figures;

/* nat-lab.c */
extern char confab_path[4096];
extern char natlab_path[4096];
/* The running lab's ID (empty: none), for the signal handlers. */
extern char lab_id[64];
/* Paths from the environment, and the lab's removal on a fatal signal. */
void nat_lab_init (void);
void lab_down_now (void);
void natlab (const char *const *args);
void lab_up (Lab *lab, const Row *row);
void lab_clear (Lab *lab);
void die_with_parent (gpointer data);
void print_file (const char *what, const char *path);
char *ns_run (const char *ns, const char *const *command) G_GNUC_WARN_UNUSED_RESULT;
const char *missing_tool (void);

/* nat-side.c */
void side_start (Side *side, const Lab *lab, const char *ns, const char *role, const char *name,
                 const Row *row, gboolean with_ca);
void side_read_blob (Side *side);
void side_paste (Side *side, const char *blob);
gboolean side_wait (Side *side);
void side_load_stats (Side *side);
void side_clear (Side *side);
void side_wait_connected (Side *side);

/* nat-checks.c */
JsonObject *object_at (JsonObject *object, const char *first, const char *second);
const char *string_at (JsonObject *object, const char *member);
void assert_pair (const Row *row, Side *side, const char *peer_router);
void assert_stream (Side *receiver, Side *sender, const char *stream, gint64 frames_per_second);
void assert_candidates_in_range (Side *side);
void assert_sockets_in_range (const char *ns);
void assert_blob_private (Side *side);
void assert_ca_checked (const Lab *lab, const Row *row);
void count_packets_not_from_turn (const char *ns);
void assert_only_turn_reached (const char *ns);
void count_udp_out_of_range (const char *ns);
void assert_udp_in_range (const char *ns);
Figures figures_of (Side *offer);

/* nat-probe.c */
void nat_probe_add_tests (void);
