/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every refresh takes one snapshot of the call, turns it into the
 * diagnostics JSON, and formats each figure on display from that JSON. The
 * panel and "Copy diagnostics" therefore can never disagree, and a figure
 * added to confab_call_stats_to_json() later shows up here unchanged.
 */
#include "config.h"

#include "confab-connection-panel.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <locale.h>

#define UNKNOWN "—"

typedef enum
{
  FORMAT_TEXT,
  FORMAT_COUNT,
  FORMAT_MS,
  FORMAT_SECONDS,
  FORMAT_KBPS,
  FORMAT_FPS,
  FORMAT_PERCENT, /* a 0..1 fraction, shown as a percentage */
} FigureFormat;

typedef enum
{
  FIGURE_PLAIN = 0,
  /* Documented as "0 when unknown": a 0 is shown as "—", not as a measurement. */
  FIGURE_ZERO_UNKNOWN = 1 << 0,
  /* The peer's loss report only exists once an RTCP receiver report came
   * back, which is also when the RTT becomes known; before that 0 % would
   * be a claim nobody made. */
  FIGURE_NEEDS_RTCP = 1 << 1,
} FigureFlags;

typedef enum
{
  GROUP_CONNECTION,
  GROUP_PAIR,
  GROUP_AUDIO,
  GROUP_VIDEO,
  GROUP_FEC,
  N_GROUPS,
} Group;

typedef struct
{
  const char *key;
  FigureFormat format;
  FigureFlags flags;
  GtkLabel *label;
  /* A second figure on the same row ("640 × 360") hides its joiner while
   * either value is unknown, so the row reads "—" rather than "— × —". */
  GtkWidget *joiner;
  gboolean joined;
} Figure;

typedef struct
{
  Group group;
  const char *title;    /* N_() */
  const char *subtitle; /* N_() or NULL */
  const char *key;
  FigureFormat format;
  FigureFlags flags;
  const char *key2; /* a second figure on the same row, or NULL */
  const char *joiner;
} RowSpec;

/* Display order. Pair rows are built apart: they show four figures each. */
static const RowSpec row_specs[] = {
  { GROUP_CONNECTION, N_ ("ICE state"), NULL, "ice.state", FORMAT_TEXT },
  { GROUP_CONNECTION, N_ ("Gathering took"), N_ ("Finding this side’s candidates"),
    "ice.gathering_ms", FORMAT_MS },
  { GROUP_CONNECTION, N_ ("Checks took"), N_ ("From the answer to a working pair"), "ice.checks_ms",
    FORMAT_MS },
  { GROUP_CONNECTION, N_ ("Round-trip time"), NULL, "rtt_ms", FORMAT_MS, FIGURE_ZERO_UNKNOWN },
  { GROUP_CONNECTION, N_ ("First video after"), N_ ("From the answer to the first picture"),
    "first_frame_ms", FORMAT_MS },
  { GROUP_CONNECTION, N_ ("Time in call"), NULL, "elapsed_s", FORMAT_SECONDS, FIGURE_ZERO_UNKNOWN },
  { GROUP_CONNECTION, N_ ("Packets sent"), N_ ("Everything on the wire"), "ice.packets_sent",
    FORMAT_COUNT },
  { GROUP_CONNECTION, N_ ("Packets received"), N_ ("Everything on the wire"),
    "ice.packets_received", FORMAT_COUNT },
  { GROUP_CONNECTION, N_ ("Send failures"), N_ ("Packets the network refused to take"),
    "ice.send_failures", FORMAT_COUNT },

  { GROUP_AUDIO, N_ ("Codec"), NULL, "audio.codec", FORMAT_TEXT },
  { GROUP_AUDIO, N_ ("Bitrate sent"), NULL, "audio.send_kbps", FORMAT_KBPS, FIGURE_ZERO_UNKNOWN },
  { GROUP_AUDIO, N_ ("Bitrate received"), NULL, "audio.receive_kbps", FORMAT_KBPS,
    FIGURE_ZERO_UNKNOWN },
  { GROUP_AUDIO, N_ ("Packets sent"), NULL, "audio.packets_sent", FORMAT_COUNT },
  { GROUP_AUDIO, N_ ("Packets received"), NULL, "audio.packets_received", FORMAT_COUNT },
  { GROUP_AUDIO, N_ ("Packets lost"), N_ ("Counted by the jitter buffer"), "audio.packets_lost",
    FORMAT_COUNT },
  { GROUP_AUDIO, N_ ("Loss at the other side"), N_ ("Of ours, as the other side reports it"),
    "audio.remote_loss", FORMAT_PERCENT, FIGURE_NEEDS_RTCP },
  { GROUP_AUDIO, N_ ("Jitter"), NULL, "audio.jitter_ms", FORMAT_MS, FIGURE_ZERO_UNKNOWN },
  { GROUP_AUDIO, N_ ("Frames encoded"), NULL, "audio.frames_encoded", FORMAT_COUNT },
  { GROUP_AUDIO, N_ ("Frames decoded"), NULL, "audio.frames_decoded", FORMAT_COUNT },

  { GROUP_VIDEO, N_ ("Codec"), NULL, "video.codec", FORMAT_TEXT },
  { GROUP_VIDEO, N_ ("Resolution"), N_ ("Of the other side’s video"), "video.width", FORMAT_COUNT,
    FIGURE_ZERO_UNKNOWN, "video.height",
    /* Translators: the sign between a video's width and height */
    N_ ("×") },
  { GROUP_VIDEO, N_ ("Frame rate"), N_ ("Frames decoded per second"), "video.decoded_fps",
    FORMAT_FPS, FIGURE_ZERO_UNKNOWN },
  { GROUP_VIDEO, N_ ("Bitrate sent"), NULL, "video.send_kbps", FORMAT_KBPS, FIGURE_ZERO_UNKNOWN },
  { GROUP_VIDEO, N_ ("Bitrate received"), NULL, "video.receive_kbps", FORMAT_KBPS,
    FIGURE_ZERO_UNKNOWN },
  { GROUP_VIDEO, N_ ("Packets sent"), NULL, "video.packets_sent", FORMAT_COUNT },
  { GROUP_VIDEO, N_ ("Packets received"), NULL, "video.packets_received", FORMAT_COUNT },
  { GROUP_VIDEO, N_ ("Packets lost"), N_ ("Counted by the jitter buffer"), "video.packets_lost",
    FORMAT_COUNT },
  { GROUP_VIDEO, N_ ("Loss at the other side"), N_ ("Of ours, as the other side reports it"),
    "video.remote_loss", FORMAT_PERCENT, FIGURE_NEEDS_RTCP },
  { GROUP_VIDEO, N_ ("Jitter"), NULL, "video.jitter_ms", FORMAT_MS, FIGURE_ZERO_UNKNOWN },
  { GROUP_VIDEO, N_ ("Frames encoded"), NULL, "video.frames_encoded", FORMAT_COUNT },
  { GROUP_VIDEO, N_ ("Frames decoded"), NULL, "video.frames_decoded", FORMAT_COUNT },

  { GROUP_FEC, N_ ("Video repair overhead"), N_ ("Repair packets per video packet sent"),
    "video.fec_overhead", FORMAT_PERCENT },
  { GROUP_FEC, N_ ("Video repair packets sent"), NULL, "video.fec_repair_sent", FORMAT_COUNT },
  { GROUP_FEC, N_ ("Video packets recovered"), NULL, "video.fec_recovered", FORMAT_COUNT },
  { GROUP_FEC, N_ ("Video packets unrecovered"), N_ ("Lost even with the repair data"),
    "video.fec_unrecovered", FORMAT_COUNT },
  { GROUP_FEC, N_ ("Opus frames rebuilt"), N_ ("From Opus in-band FEC"), "audio.fec_recovered",
    FORMAT_COUNT },
};

struct _ConfabConnectionPanel
{
  AdwBin parent_instance;

  AdwToastOverlay *toast_overlay;
  GtkImage *verdict_icon;
  GtkLabel *verdict_label;
  GtkLabel *verdict_detail_label;
  AdwPreferencesGroup *connection_group;
  AdwPreferencesGroup *pair_group;
  AdwPreferencesGroup *audio_group;
  AdwPreferencesGroup *video_group;
  AdwPreferencesGroup *fec_group;
  AdwExpanderRow *local_expander;
  AdwExpanderRow *remote_expander;

  ConfabCall *call;
  guint tick_id;

  GPtrArray *figures;      /* of Figure*, display order */
  GHashTable *figure_keys; /* key -> Figure* */
  JsonNode *snapshot;      /* the diagnostics on display */
  GPtrArray *local_rows;   /* candidate rows currently in the expanders */
  GPtrArray *remote_rows;
  char **local_candidates; /* what those rows show, to rebuild them only on change */
  char **remote_candidates;
};

G_DEFINE_FINAL_TYPE (ConfabConnectionPanel, confab_connection_panel, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_CALL,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

/* -- the snapshot ----------------------------------------------------------- */

static JsonObject *
ensure_object (JsonObject *root, const char *name)
{
  JsonNode *node = json_object_get_member (root, name);
  if (node && JSON_NODE_HOLDS_OBJECT (node))
    return json_node_get_object (node);
  JsonObject *object = json_object_new ();
  json_object_set_object_member (root, name, object);
  return object;
}

/* The stats JSON is another module's: only fill in what it does not (yet)
 * say, so that its own spelling of a figure always wins. */
static void
add_double (JsonObject *object, const char *name, double value)
{
  if (!json_object_has_member (object, name))
    json_object_set_double_member (object, name, value);
}

static void
add_int (JsonObject *object, const char *name, guint64 value)
{
  if (!json_object_has_member (object, name))
    json_object_set_int_member (object, name, (gint64) value);
}

static void
add_stream (JsonObject *root, const char *name, const ConfabStreamStats *s, gboolean video)
{
  JsonObject *object = ensure_object (root, name);

  add_double (object, "send_kbps", s->send_kbps);
  add_double (object, "receive_kbps", s->receive_kbps);
  add_double (object, "jitter_ms", s->jitter_ms);
  add_double (object, "remote_loss", s->remote_loss);
  if (!json_object_has_member (object, "codec"))
    json_object_set_string_member (object, "codec", s->codec);
  add_int (object, "fec_recovered", s->fec_recovered);
  if (!video)
    return;
  add_double (object, "decoded_fps", s->decoded_fps);
  add_int (object, "fec_unrecovered", s->fec_unrecovered);
  add_int (object, "fec_repair_sent", s->fec_repair_sent);
  /* Repair packets travel under their own payload type, so packets_sent
   * counts media only and this is the overhead on top of it. */
  add_double (object, "fec_overhead",
              s->packets_sent ? (double) s->fec_repair_sent / s->packets_sent : 0);
}

static JsonArray *
string_array (GPtrArray *strings)
{
  JsonArray *array = json_array_new ();
  for (guint i = 0; strings && i < strings->len; i++)
    json_array_add_string_element (array, strings->pdata[i]);
  return array;
}

static char **
strv_from_array (GPtrArray *strings)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  for (guint i = 0; strings && i < strings->len; i++)
    g_strv_builder_add (builder, strings->pdata[i]);
  char **strv = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return strv;
}

static char *
format_host_port (const char *host, guint port)
{
  if (strchr (host, ':'))
    return g_strdup_printf ("[%s]:%u", host, port);
  return g_strdup_printf ("%s:%u", host, port);
}

static const char *
turn_transport_name (const ConfabIceServer *turn)
{
  if (turn->secure)
    return "TLS";
  return turn->transport == CONFAB_ICE_TRANSPORT_TCP ? "TCP" : "UDP";
}

/* The verdict in words, with the pair's types as its detail. */
static void
describe_verdict (ConfabCall *call, const ConfabCallStats *stats, char **title, char **detail,
                  const char **icon_name, const char **style)
{
  *style = NULL;
  if (!call)
    {
      *title = g_strdup (_ ("Not connected"));
      *detail = g_strdup (_ ("No call"));
      *icon_name = "network-offline-symbolic";
      return;
    }

  switch (stats->state)
    {
    case CONFAB_CALL_STATE_NEW:
    case CONFAB_CALL_STATE_GATHERING:
      *title = g_strdup (_ ("Not connected yet"));
      *detail = g_strdup (_ ("Gathering this side’s candidates…"));
      *icon_name = "network-wired-acquiring-symbolic";
      return;
    case CONFAB_CALL_STATE_WAITING:
      *title = g_strdup (_ ("Not connected yet"));
      *detail = g_strdup (_ ("Waiting for the other side"));
      *icon_name = "network-idle-symbolic";
      return;
    case CONFAB_CALL_STATE_CONNECTING:
      *title = g_strdup (_ ("Checking connectivity…"));
      *detail = g_strdup (_ ("Trying candidate pairs"));
      *icon_name = "network-wired-acquiring-symbolic";
      return;
    case CONFAB_CALL_STATE_ENDED:
      *title = g_strdup (_ ("Not connected"));
      *detail = g_strdup (_ ("The call has ended"));
      *icon_name = "network-offline-symbolic";
      return;
    case CONFAB_CALL_STATE_FAILED:
      *title = g_strdup (_ ("Not connected"));
      *detail = g_strdup (_ ("The connection failed"));
      *icon_name = "network-error-symbolic";
      *style = "error";
      return;
    case CONFAB_CALL_STATE_IN_CALL:
    default:
      break;
    }

  if (!stats->have_pair)
    {
      *title = g_strdup (_ ("Connected"));
      *detail = g_strdup (_ ("No candidate pair reported"));
      *icon_name = "network-transmit-receive-symbolic";
      return;
    }

  g_autofree char *protocol = g_ascii_strup (stats->pair.local.protocol, -1);
  /* Translators: the local and remote candidate types and the transport,
   * e.g. "host ↔ srflx over UDP" */
  *detail = g_strdup_printf (_ ("%s ↔ %s over %s"), stats->pair.local.type, stats->pair.remote.type,
                             protocol);
  if (!stats->pair.relayed)
    {
      *title = g_strdup (_ ("Direct connection"));
      *icon_name = "network-transmit-receive-symbolic";
      *style = "success";
      return;
    }

  *icon_name = "network-server-symbolic";
  *style = "accent";
  const ConfabIceServer *turn = confab_call_get_turn_server (call);
  if (g_str_equal (stats->pair.local.type, "relay") && turn)
    {
      g_autofree char *server = format_host_port (turn->host, turn->port);
      /* Translators: "Relayed through TURN server turn.example.org:3478 (UDP)" */
      *title = g_strdup_printf (_ ("Relayed through TURN server %s (%s)"), server,
                                turn_transport_name (turn));
    }
  else if (g_str_equal (stats->pair.local.type, "relay"))
    {
      /* No configured server to name (it cannot happen today): name the relay. */
      g_autofree char *server
          = format_host_port (stats->pair.local.address, stats->pair.local.port);
      *title = g_strdup_printf (_ ("Relayed through TURN server %s (%s)"), server, protocol);
    }
  else
    {
      g_autofree char *server
          = format_host_port (stats->pair.remote.address, stats->pair.remote.port);
      /* Translators: the other side's TURN relay address, e.g. "203.0.113.9:49152" */
      *title = g_strdup_printf (_ ("Relayed through the other side’s TURN server (%s)"), server);
    }
}

typedef struct
{
  char *title;
  char *detail;
  const char *icon_name;
  const char *style; /* a style class for the icon, or NULL */
  char **local_candidates;
  char **remote_candidates;
} Header;

static void
header_clear (Header *header)
{
  g_free (header->title);
  g_free (header->detail);
  g_strfreev (header->local_candidates);
  g_strfreev (header->remote_candidates);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Header, header_clear)

/* Takes the snapshot; @header gets what is shown outside the figures. */
static JsonNode *
take_snapshot (ConfabConnectionPanel *self, Header *header)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GPtrArray) local = NULL;
  g_autoptr (GPtrArray) remote = NULL;
  ConfabCallStats stats = { 0 };
  JsonObject *root;

  if (self->call)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) error = NULL;

      confab_call_get_stats (self->call, &stats);
      /* The stats JSON is printf-formatted: under a locale with a decimal
       * comma (fr, sv, ru: gtk_init() sets LC_NUMERIC) "6,4" would not parse. */
      locale_t c_numeric = newlocale (LC_NUMERIC_MASK, "C", (locale_t) 0);
      locale_t previous = uselocale (c_numeric);
      g_autofree char *json = confab_call_stats_to_json (&stats);
      uselocale (previous);
      freelocale (c_numeric);
      if (json_parser_load_from_data (parser, json, -1, &error)
          && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        node = json_node_copy (json_parser_get_root (parser));
      else
        g_warning ("the stats JSON does not parse: %s", error ? error->message : "not an object");
      local = confab_call_dup_local_candidates (self->call);
      remote = confab_call_dup_remote_candidates (self->call);
    }
  if (!node)
    {
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, json_object_new ());
    }
  root = json_node_get_object (node);

  if (self->call)
    {
      add_stream (root, "audio", &stats.media.audio, FALSE);
      add_stream (root, "video", &stats.media.video, TRUE);
      add_double (root, "rtt_ms", stats.media.rtt_ms);
    }
  else
    json_object_set_null_member (root, "call");

  json_object_set_array_member (root, "local_candidates", string_array (local));
  json_object_set_array_member (root, "remote_candidates", string_array (remote));
  const ConfabIceServer *turn = self->call ? confab_call_get_turn_server (self->call) : NULL;
  if (turn)
    {
      g_autofree char *uri = confab_ice_server_to_string (turn);
      json_object_set_string_member (root, "turn_server", uri);
    }
  else
    json_object_set_null_member (root, "turn_server");

  describe_verdict (self->call, &stats, &header->title, &header->detail, &header->icon_name,
                    &header->style);
  g_autofree char *verdict = g_strdup_printf ("%s (%s)", header->title, header->detail);
  json_object_set_string_member (root, "verdict", verdict);

  header->local_candidates = strv_from_array (local);
  header->remote_candidates = strv_from_array (remote);

  return g_steal_pointer (&node);
}

static JsonNode *
lookup_path (JsonNode *root, const char *key)
{
  g_auto (GStrv) parts = g_strsplit (key, ".", -1);
  JsonNode *node = root;

  for (guint i = 0; node && parts[i]; i++)
    {
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return NULL;
      node = json_object_get_member (json_node_get_object (node), parts[i]);
    }
  if (node && JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return node;
}

/* -- formatting --------------------------------------------------------------- */

static char *
format_figure (const Figure *figure, JsonNode *root)
{
  JsonNode *node = lookup_path (root, figure->key);

  if (!node || !JSON_NODE_HOLDS_VALUE (node))
    return g_strdup (UNKNOWN);
  if (figure->format == FORMAT_TEXT)
    {
      const char *text = json_node_get_string (node);
      return g_strdup (text && *text ? text : UNKNOWN);
    }

  double value = json_node_get_double (node);
  if (value == 0 && (figure->flags & FIGURE_ZERO_UNKNOWN))
    return g_strdup (UNKNOWN);
  if (figure->flags & FIGURE_NEEDS_RTCP)
    {
      JsonNode *rtt = lookup_path (root, "rtt_ms");
      if (!rtt || json_node_get_double (rtt) == 0)
        return g_strdup (UNKNOWN);
    }

  switch (figure->format)
    {
    case FORMAT_COUNT:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case FORMAT_MS:
      /* Translators: a duration in milliseconds */
      return g_strdup_printf (_ ("%.1f ms"), value);
    case FORMAT_SECONDS:
      /* Translators: a duration in seconds */
      return g_strdup_printf (_ ("%.1f s"), value);
    case FORMAT_KBPS:
      /* Translators: a bitrate in kilobits per second */
      return g_strdup_printf (_ ("%.1f kbit/s"), value);
    case FORMAT_FPS:
      /* Translators: a frame rate, frames per second */
      return g_strdup_printf (_ ("%.1f fps"), value);
    case FORMAT_PERCENT:
      return g_strdup_printf ("%.1f %%", value * 100);
    case FORMAT_TEXT:
    default:
      g_assert_not_reached ();
    }
}

static void
update_figures (ConfabConnectionPanel *self)
{
  for (guint i = 0; i < self->figures->len; i++)
    {
      Figure *figure = self->figures->pdata[i];
      g_autofree char *text = format_figure (figure, self->snapshot);
      gtk_label_set_text (figure->label, text);
    }

  /* Joined figures: "640 × 360", or a lone "—". */
  for (guint i = 1; i < self->figures->len; i++)
    {
      Figure *second = self->figures->pdata[i];
      Figure *first = self->figures->pdata[i - 1];
      if (!second->joined)
        continue;
      gboolean known = !g_str_equal (gtk_label_get_text (first->label), UNKNOWN)
                       && !g_str_equal (gtk_label_get_text (second->label), UNKNOWN);
      gtk_widget_set_visible (second->joiner, known);
      gtk_widget_set_visible (GTK_WIDGET (second->label), known);
    }
}

static char *
summarize_candidates (char **candidates)
{
  guint n = candidates ? g_strv_length (candidates) : 0;
  g_autoptr (GString) types = g_string_new (NULL);

  if (n == 0)
    return g_strdup (_ ("None yet"));

  /* "typ host" is the one field a person needs to tell the lines apart. */
  for (guint i = 0; i < n; i++)
    {
      const char *typ = strstr (candidates[i], " typ ");
      if (!typ)
        continue;
      g_autofree char *type = g_strndup (typ + 5, strcspn (typ + 5, " "));
      g_autofree char *needle = g_strdup_printf (", %s,", type);
      g_autofree char *haystack = g_strdup_printf (", %s,", types->str);
      if (!strstr (haystack, needle))
        g_string_append_printf (types, "%s%s", types->len ? ", " : "", type);
    }
  /* Translators: "3 candidates: host, srflx" */
  g_autofree char *count = g_strdup_printf (ngettext ("%u candidate", "%u candidates", n), n);
  if (!types->len)
    return g_steal_pointer (&count);
  return g_strdup_printf ("%s: %s", count, types->str);
}

static void
update_candidate_rows (AdwExpanderRow *expander, GPtrArray *rows, char ***shown, char **candidates)
{
  if (*shown && g_strv_equal ((const char *const *) *shown, (const char *const *) candidates))
    return;

  for (guint i = 0; i < rows->len; i++)
    adw_expander_row_remove (expander, rows->pdata[i]);
  g_ptr_array_set_size (rows, 0);

  for (guint i = 0; candidates[i]; i++)
    {
      GtkWidget *label = gtk_label_new (candidates[i]);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_widget_set_margin_start (label, 12);
      gtk_widget_set_margin_end (label, 12);
      gtk_widget_add_css_class (label, "monospace");
      gtk_widget_add_css_class (label, "caption");

      GtkWidget *row = gtk_list_box_row_new ();
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      candidates[i], -1);
      adw_expander_row_add_row (expander, row);
      g_ptr_array_add (rows, row);
    }

  g_autofree char *summary = summarize_candidates (candidates);
  adw_expander_row_set_subtitle (expander, summary);
  g_strfreev (*shown);
  *shown = g_strdupv (candidates);
}

/* -- building the rows ---------------------------------------------------------- */

typedef struct
{
  GtkWidget *title;     /* the label that names the row's figures */
  GtkWidget *subtitles; /* a box under the title */
  GtkWidget *values;    /* the box at the end of the row */
} Row;

static Row
add_row (AdwPreferencesGroup *group, const char *title, const char *subtitle)
{
  Row row;

  row.title = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (row.title), 0);
  gtk_label_set_wrap (GTK_LABEL (row.title), TRUE);

  row.subtitles = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (row.subtitles, "dim-label");
  gtk_widget_add_css_class (row.subtitles, "caption");
  gtk_widget_set_visible (row.subtitles, FALSE);
  if (subtitle)
    {
      GtkWidget *label = gtk_label_new (subtitle);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_box_append (GTK_BOX (row.subtitles), label);
      gtk_widget_set_visible (row.subtitles, TRUE);
    }

  GtkWidget *titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (titles, TRUE);
  gtk_widget_set_valign (titles, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (titles), row.title);
  gtk_box_append (GTK_BOX (titles), row.subtitles);

  row.values = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_valign (row.values, GTK_ALIGN_CENTER);
  gtk_widget_set_halign (row.values, GTK_ALIGN_END);

  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_box_append (GTK_BOX (box), titles);
  gtk_box_append (GTK_BOX (box), row.values);

  /* An AdwPreferencesRow, not a plain GtkListBoxRow: libadwaita 1.2's group
   * only puts preferences rows into its boxed list. */
  GtkWidget *list_row = adw_preferences_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (list_row), title);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (list_row), FALSE);
  /* The values are selectable labels and take the focus themselves. */
  gtk_widget_set_focusable (list_row, FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (list_row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (list_row), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  adw_preferences_group_add (group, list_row);
  return row;
}

static GtkWidget *
add_joiner (GtkWidget *box, const char *text)
{
  GtkWidget *label = gtk_label_new (text);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  gtk_box_append (GTK_BOX (box), label);
  return label;
}

static Figure *
add_figure (ConfabConnectionPanel *self, GtkWidget *box, GtkWidget *title, const char *key,
            FigureFormat format, FigureFlags flags)
{
  Figure *figure = g_new0 (Figure, 1);

  figure->key = key;
  figure->format = format;
  figure->flags = flags;
  figure->label = GTK_LABEL (gtk_label_new (UNKNOWN));
  gtk_label_set_selectable (figure->label, TRUE);
  gtk_label_set_xalign (figure->label, 1);
  gtk_widget_add_css_class (GTK_WIDGET (figure->label), "numeric");
  gtk_accessible_update_relation (GTK_ACCESSIBLE (figure->label),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, title, NULL, -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (figure->label));

  g_ptr_array_add (self->figures, figure);
  g_hash_table_insert (self->figure_keys, (gpointer) key, figure);
  return figure;
}

static void
add_joined_figure (ConfabConnectionPanel *self, GtkWidget *box, GtkWidget *title,
                   const char *joiner, gboolean spaced, const char *key, FigureFormat format,
                   FigureFlags flags)
{
  GtkWidget *joiner_label = add_joiner (box, joiner);
  /* "640 × 360" wants air around the sign; "127.0.0.1:3478" must have none. */
  if (spaced)
    {
      gtk_widget_set_margin_start (joiner_label, 4);
      gtk_widget_set_margin_end (joiner_label, 4);
    }
  Figure *figure = add_figure (self, box, title, key, format, flags);
  figure->joiner = joiner_label;
  figure->joined = TRUE;
}

static void
add_pair_row (ConfabConnectionPanel *self, const char *title, const char *side)
{
  Row row = add_row (self->pair_group, title, NULL);
  g_autofree char *address = g_strdup_printf ("ice.selected_pair.%s.address", side);
  g_autofree char *port = g_strdup_printf ("ice.selected_pair.%s.port", side);
  g_autofree char *type = g_strdup_printf ("ice.selected_pair.%s.type", side);
  g_autofree char *protocol = g_strdup_printf ("ice.selected_pair.%s.protocol", side);

  /* The address goes under the title, where an IPv6 address has the row's
   * whole width; the keys are interned because figures keep them. */
  Figure *figure
      = add_figure (self, row.subtitles, row.title, g_intern_string (address), FORMAT_TEXT, 0);
  gtk_label_set_wrap (figure->label, TRUE);
  gtk_label_set_wrap_mode (figure->label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (figure->label, 0);
  add_joined_figure (self, row.subtitles, row.title, ":", FALSE, g_intern_string (port),
                     FORMAT_COUNT, 0);
  gtk_widget_remove_css_class (row.subtitles, "dim-label");
  gtk_widget_remove_css_class (row.subtitles, "caption");
  gtk_widget_add_css_class (row.subtitles, "monospace");
  gtk_widget_set_visible (row.subtitles, TRUE);

  add_figure (self, row.values, row.title, g_intern_string (type), FORMAT_TEXT, 0);
  add_joined_figure (self, row.values, row.title, " · ", FALSE, g_intern_string (protocol),
                     FORMAT_TEXT, 0);
}

static void
build_rows (ConfabConnectionPanel *self)
{
  AdwPreferencesGroup *groups[N_GROUPS] = {
    [GROUP_CONNECTION] = self->connection_group,
    [GROUP_PAIR] = self->pair_group,
    [GROUP_AUDIO] = self->audio_group,
    [GROUP_VIDEO] = self->video_group,
    [GROUP_FEC] = self->fec_group,
  };

  add_pair_row (self, _ ("This side"), "local");
  add_pair_row (self, _ ("Other side"), "remote");

  for (guint i = 0; i < G_N_ELEMENTS (row_specs); i++)
    {
      const RowSpec *spec = &row_specs[i];
      Row row = add_row (groups[spec->group], _ (spec->title),
                         spec->subtitle ? _ (spec->subtitle) : NULL);
      add_figure (self, row.values, row.title, spec->key, spec->format, spec->flags);
      if (spec->key2)
        add_joined_figure (self, row.values, row.title, _ (spec->joiner), TRUE, spec->key2,
                           spec->format, spec->flags);
    }
}

/* -- refreshing ------------------------------------------------------------------ */

static void
set_icon_style (GtkWidget *icon, const char *style)
{
  static const char *const styles[] = { "success", "accent", "error" };
  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    gtk_widget_remove_css_class (icon, styles[i]);
  if (style)
    gtk_widget_add_css_class (icon, style);
}

void
confab_connection_panel_refresh (ConfabConnectionPanel *self)
{
  g_auto (Header) header = { 0 };

  g_return_if_fail (CONFAB_IS_CONNECTION_PANEL (self));

  JsonNode *snapshot = take_snapshot (self, &header);
  g_clear_pointer (&self->snapshot, json_node_unref);
  self->snapshot = snapshot;

  gtk_label_set_text (self->verdict_label, header.title);
  gtk_label_set_text (self->verdict_detail_label, header.detail);
  gtk_image_set_from_icon_name (self->verdict_icon, header.icon_name);
  set_icon_style (GTK_WIDGET (self->verdict_icon), header.style);

  update_figures (self);
  adw_preferences_group_set_description (
      self->pair_group, lookup_path (self->snapshot, "ice.selected_pair")
                            ? _ ("The two addresses the call’s packets travel between")
                            : _ ("No pair selected yet"));
  update_candidate_rows (self->local_expander, self->local_rows, &self->local_candidates,
                         header.local_candidates);
  update_candidate_rows (self->remote_expander, self->remote_rows, &self->remote_candidates,
                         header.remote_candidates);
}

static gboolean
on_tick (gpointer data)
{
  confab_connection_panel_refresh (data);
  return G_SOURCE_CONTINUE;
}

static void
on_call_state (GObject *object, GParamSpec *pspec, gpointer data)
{
  /* The verdict should not lag a state change by up to a second. */
  confab_connection_panel_refresh (data);
}

static void
on_copy_clicked (ConfabConnectionPanel *self)
{
  g_autofree char *diagnostics = confab_connection_panel_dup_diagnostics (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), diagnostics);
  AdwToast *toast = adw_toast_new (_ ("Copied"));
  adw_toast_set_timeout (toast, 2);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* -- GObject ------------------------------------------------------------------- */

static void
confab_connection_panel_map (GtkWidget *widget)
{
  ConfabConnectionPanel *self = CONFAB_CONNECTION_PANEL (widget);

  GTK_WIDGET_CLASS (confab_connection_panel_parent_class)->map (widget);
  /* Only while someone can see it: the snapshot costs a few locks and a
   * JSON round trip. */
  confab_connection_panel_refresh (self);
  if (!self->tick_id)
    self->tick_id = g_timeout_add_seconds (1, on_tick, self);
}

static void
confab_connection_panel_unmap (GtkWidget *widget)
{
  ConfabConnectionPanel *self = CONFAB_CONNECTION_PANEL (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (confab_connection_panel_parent_class)->unmap (widget);
}

static void
detach_call (ConfabConnectionPanel *self)
{
  if (!self->call)
    return;
  g_signal_handlers_disconnect_by_data (self->call, self);
  g_clear_object (&self->call);
}

static void
confab_connection_panel_dispose (GObject *object)
{
  ConfabConnectionPanel *self = CONFAB_CONNECTION_PANEL (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  detach_call (self);
  /* The toast overlay is both AdwBin's child and a template child: let the
   * bin let go of it first, or dispose_template() unparents it behind the
   * bin's back and the bin's own dispose touches a dead widget. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_CONNECTION_PANEL);

  G_OBJECT_CLASS (confab_connection_panel_parent_class)->dispose (object);
}

static void
confab_connection_panel_finalize (GObject *object)
{
  ConfabConnectionPanel *self = CONFAB_CONNECTION_PANEL (object);

  g_clear_pointer (&self->figure_keys, g_hash_table_unref);
  g_clear_pointer (&self->figures, g_ptr_array_unref);
  g_clear_pointer (&self->snapshot, json_node_unref);
  g_clear_pointer (&self->local_rows, g_ptr_array_unref);
  g_clear_pointer (&self->remote_rows, g_ptr_array_unref);
  g_clear_pointer (&self->local_candidates, g_strfreev);
  g_clear_pointer (&self->remote_candidates, g_strfreev);

  G_OBJECT_CLASS (confab_connection_panel_parent_class)->finalize (object);
}

static void
confab_connection_panel_get_property (GObject *object, guint prop_id, GValue *value,
                                      GParamSpec *pspec)
{
  ConfabConnectionPanel *self = CONFAB_CONNECTION_PANEL (object);

  switch (prop_id)
    {
    case PROP_CALL:
      g_value_set_object (value, self->call);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_connection_panel_set_property (GObject *object, guint prop_id, const GValue *value,
                                      GParamSpec *pspec)
{
  ConfabConnectionPanel *self = CONFAB_CONNECTION_PANEL (object);

  switch (prop_id)
    {
    case PROP_CALL:
      confab_connection_panel_set_call (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_connection_panel_class_init (ConfabConnectionPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = confab_connection_panel_dispose;
  object_class->finalize = confab_connection_panel_finalize;
  object_class->get_property = confab_connection_panel_get_property;
  object_class->set_property = confab_connection_panel_set_property;
  widget_class->map = confab_connection_panel_map;
  widget_class->unmap = confab_connection_panel_unmap;

  properties[PROP_CALL]
      = g_param_spec_object ("call", NULL, NULL, CONFAB_TYPE_CALL,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confab/Confab/ui/confab-connection-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, ConfabConnectionPanel, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ConfabConnectionPanel, verdict_icon);
  gtk_widget_class_bind_template_child (widget_class, ConfabConnectionPanel, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabConnectionPanel, verdict_detail_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabConnectionPanel, connection_group);
  gtk_widget_class_bind_template_child (widget_class, ConfabConnectionPanel, pair_group);
  gtk_widget_class_bind_template_child (widget_class, ConfabConnectionPanel, audio_group);
  gtk_widget_class_bind_template_child (widget_class, ConfabConnectionPanel, video_group);
  gtk_widget_class_bind_template_child (widget_class, ConfabConnectionPanel, fec_group);
  gtk_widget_class_bind_template_child (widget_class, ConfabConnectionPanel, local_expander);
  gtk_widget_class_bind_template_child (widget_class, ConfabConnectionPanel, remote_expander);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_clicked);
  gtk_widget_class_set_css_name (widget_class, "confab-connection-panel");
}

static void
confab_connection_panel_init (ConfabConnectionPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->figures = g_ptr_array_new_with_free_func (g_free);
  self->figure_keys = g_hash_table_new (g_str_hash, g_str_equal);
  self->local_rows = g_ptr_array_new ();
  self->remote_rows = g_ptr_array_new ();
  build_rows (self);
  confab_connection_panel_refresh (self);
}

GtkWidget *
confab_connection_panel_new (void)
{
  return g_object_new (CONFAB_TYPE_CONNECTION_PANEL, NULL);
}

void
confab_connection_panel_set_call (ConfabConnectionPanel *self, ConfabCall *call)
{
  g_return_if_fail (CONFAB_IS_CONNECTION_PANEL (self));
  g_return_if_fail (!call || CONFAB_IS_CALL (call));

  if (self->call == call)
    {
      confab_connection_panel_refresh (self);
      return;
    }
  detach_call (self);
  if (call)
    {
      self->call = g_object_ref (call);
      g_signal_connect (call, "notify::state", G_CALLBACK (on_call_state), self);
    }
  confab_connection_panel_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CALL]);
}

ConfabCall *
confab_connection_panel_get_call (ConfabConnectionPanel *self)
{
  g_return_val_if_fail (CONFAB_IS_CONNECTION_PANEL (self), NULL);
  return self->call;
}

char *
confab_connection_panel_dup_diagnostics (ConfabConnectionPanel *self)
{
  g_return_val_if_fail (CONFAB_IS_CONNECTION_PANEL (self), NULL);

  g_autoptr (JsonGenerator) generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, self->snapshot);
  return json_generator_to_data (generator, NULL);
}

const char *
confab_connection_panel_get_field (ConfabConnectionPanel *self, const char *key)
{
  g_return_val_if_fail (CONFAB_IS_CONNECTION_PANEL (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (g_str_equal (key, "verdict"))
    return gtk_label_get_text (self->verdict_label);
  Figure *figure = g_hash_table_lookup (self->figure_keys, key);
  return figure ? gtk_label_get_text (figure->label) : NULL;
}

char **
confab_connection_panel_dup_field_keys (ConfabConnectionPanel *self)
{
  g_return_val_if_fail (CONFAB_IS_CONNECTION_PANEL (self), NULL);

  GStrvBuilder *builder = g_strv_builder_new ();
  g_strv_builder_add (builder, "verdict");
  for (guint i = 0; i < self->figures->len; i++)
    g_strv_builder_add (builder, ((Figure *) self->figures->pdata[i])->key);
  char **keys = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return keys;
}
