/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every refresh takes one snapshot of the call and shows its stats model
 * (confab_call_stats_to_json_node()): each figure is formatted from that
 * JSON, the verdict is the model's. The panel, "Copy diagnostics" and
 * --stats therefore can never disagree.
 */
#include "config.h"

#include "confab-connection-panel.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "confab-call-ticker.h"
#include "confab-verdict.h"

#define UNKNOWN "—"

typedef enum
{
  FORMAT_TEXT,
  FORMAT_COUNT,
  FORMAT_MS,
  FORMAT_SECONDS,
  FORMAT_KBPS,
  FORMAT_FPS,
  FORMAT_PERCENT,        /* a 0..1 fraction, shown as a percentage */
  FORMAT_PERCENT_POINTS, /* already in percent */
  FORMAT_YES_NO,         /* a boolean */
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
  GROUP_ENCRYPTION,
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

/* The connection and FEC groups, in display order. Pair rows are built
 * apart: they show four figures each. */
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
  { GROUP_CONNECTION, N_ ("Relay problem"), N_ ("Why the TURN server gave no relay address"),
    "ice.relay_problem", FORMAT_TEXT },

  { GROUP_FEC, N_ ("Video repair overhead"), N_ ("Repair packets per video packet sent"),
    "video.fec_overhead", FORMAT_PERCENT },
  { GROUP_FEC, N_ ("Video repair overhead now"),
    N_ ("Repair packets per 100 video packets over the last few seconds"), "video.fec_overhead_pct",
    FORMAT_PERCENT_POINTS },
  { GROUP_FEC, N_ ("Video repair packets sent"), NULL, "video.fec_repair_sent", FORMAT_COUNT },
  { GROUP_FEC, N_ ("Video repair code"),
    N_ ("flexfec, ulpfec-red (as browsers send it) or rs (Confab’s Reed–Solomon)"),
    "video.fec_scheme", FORMAT_TEXT },
  /* The ledger of the other side's video: lost, rebuilt, resent, never. */
  { GROUP_FEC, N_ ("Video packets lost"), N_ ("On the way, before any repair"),
    "video.packets_lost_before_fec", FORMAT_COUNT },
  { GROUP_FEC, N_ ("Video packets recovered"), N_ ("Rebuilt from repair packets"),
    "video.fec_recovered", FORMAT_COUNT },
  { GROUP_FEC, N_ ("Video packets resent"), N_ ("Retransmitted in time after a NACK"),
    "video.rtx_recovered", FORMAT_COUNT },
  { GROUP_FEC, N_ ("Video packets never recovered"), N_ ("Still missing when due to be shown"),
    "video.packets_lost", FORMAT_COUNT },
  { GROUP_FEC, N_ ("Video packets unrecovered"), N_ ("Lost even with the repair data"),
    "video.fec_unrecovered", FORMAT_COUNT },
  { GROUP_FEC, N_ ("Opus frames rebuilt"), N_ ("From Opus in-band FEC"), "audio.fec_recovered",
    FORMAT_COUNT },
  { GROUP_FEC, N_ ("Opus frames concealed"), N_ ("Lost audio the decoder filled in"),
    "audio.concealed", FORMAT_COUNT },

  { GROUP_ENCRYPTION, N_ ("Security code"),
    N_ ("Read it to the other side: it must be the same on both screens"), "dtls.sas",
    FORMAT_TEXT },
  { GROUP_ENCRYPTION, N_ ("DTLS state"), NULL, "dtls.state", FORMAT_TEXT },
  { GROUP_ENCRYPTION, N_ ("Certificate checked"),
    N_ ("The other side’s certificate matches the fingerprint in its text"),
    "dtls.fingerprint_verified", FORMAT_YES_NO },
  { GROUP_ENCRYPTION, N_ ("SRTP profile"), NULL, "dtls.srtp_profile", FORMAT_TEXT },
  { GROUP_ENCRYPTION, N_ ("Cipher suite"), N_ ("Of the DTLS handshake"), "dtls.cipher",
    FORMAT_TEXT },
  { GROUP_ENCRYPTION, N_ ("Handshake took"), NULL, "dtls.handshake_ms", FORMAT_MS,
    FIGURE_ZERO_UNKNOWN },
};

/* The rows of the audio and the video group, keys under "audio." and
 * "video."; GROUP_VIDEO rows are the video's only. */
static const RowSpec stream_row_specs[] = {
  { GROUP_AUDIO, N_ ("Codec"), NULL, "codec", FORMAT_TEXT },
  { GROUP_VIDEO, N_ ("Resolution"), N_ ("Of the other side’s video"), "width", FORMAT_COUNT,
    FIGURE_ZERO_UNKNOWN, "height",
    /* Translators: the sign between a video's width and height */
    N_ ("×") },
  { GROUP_VIDEO, N_ ("Frame rate"), N_ ("Frames decoded per second"), "decoded_fps", FORMAT_FPS,
    FIGURE_ZERO_UNKNOWN },
  { GROUP_VIDEO, N_ ("Freezes"), N_ ("Pauses of the other side’s video, as browsers count them"),
    "freezes", FORMAT_COUNT },
  { GROUP_VIDEO, N_ ("Frozen for"), N_ ("The freezes’ total length"), "freeze_s", FORMAT_SECONDS },
  { GROUP_VIDEO, N_ ("Target bitrate"), N_ ("What congestion control lets the encoder send"),
    "target_bitrate_kbps", FORMAT_KBPS, FIGURE_ZERO_UNKNOWN },
  { GROUP_VIDEO, N_ ("Picture sent"), N_ ("This side’s, as congestion control sizes it"),
    "sent_width", FORMAT_COUNT, FIGURE_ZERO_UNKNOWN, "sent_height", N_ ("×") },
  { GROUP_VIDEO, N_ ("Frame rate sent"), NULL, "sent_fps", FORMAT_FPS, FIGURE_ZERO_UNKNOWN },
  { GROUP_AUDIO, N_ ("Bitrate sent"), NULL, "send_kbps", FORMAT_KBPS, FIGURE_ZERO_UNKNOWN },
  { GROUP_AUDIO, N_ ("Bitrate received"), NULL, "receive_kbps", FORMAT_KBPS, FIGURE_ZERO_UNKNOWN },
  { GROUP_AUDIO, N_ ("Packets sent"), NULL, "packets_sent", FORMAT_COUNT },
  { GROUP_AUDIO, N_ ("Packets received"), NULL, "packets_received", FORMAT_COUNT },
  { GROUP_AUDIO, N_ ("Packets lost"), N_ ("Counted by the jitter buffer"), "packets_lost",
    FORMAT_COUNT },
  { GROUP_AUDIO, N_ ("Loss at the other side"), N_ ("Of ours, as the other side reports it"),
    "remote_loss", FORMAT_PERCENT, FIGURE_NEEDS_RTCP },
  { GROUP_AUDIO, N_ ("Jitter"), NULL, "jitter_ms", FORMAT_MS, FIGURE_ZERO_UNKNOWN },
  { GROUP_AUDIO, N_ ("Frames encoded"), NULL, "frames_encoded", FORMAT_COUNT },
  { GROUP_AUDIO, N_ ("Frames decoded"), NULL, "frames_decoded", FORMAT_COUNT },
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
  AdwPreferencesGroup *encryption_group;
  AdwExpanderRow *local_expander;
  AdwExpanderRow *remote_expander;

  ConfabCall *call;
  ConfabCallTicker ticker; /* while mapped, with a call */

  GPtrArray *figures;      /* of Figure*, display order */
  GHashTable *figure_keys; /* key -> Figure* */
  JsonNode *snapshot;      /* the diagnostics on display */
  GPtrArray *local_rows;   /* candidate rows currently in the expanders */
  GPtrArray *remote_rows;
  char **local_candidates; /* what those rows show, to rebuild them only on change */
  char **remote_candidates;
};

G_DEFINE_FINAL_TYPE (ConfabConnectionPanel, confab_connection_panel, ADW_TYPE_BIN)

/* -- the snapshot ----------------------------------------------------------- */

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
  if (figure->format == FORMAT_YES_NO)
    return g_strdup (json_node_get_boolean (node) ? _ ("yes") : _ ("no"));
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
    case FORMAT_PERCENT_POINTS:
      return g_strdup_printf ("%.1f %%", value);
    case FORMAT_TEXT:
    case FORMAT_YES_NO:
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

/* @stream: the object the spec's keys are in ("audio", "video"), or NULL
 * when they are whole paths. Keys are interned because figures keep them. */
static void
add_spec_row (ConfabConnectionPanel *self, AdwPreferencesGroup *group, const RowSpec *spec,
              const char *stream)
{
  g_autofree char *key = stream ? g_strdup_printf ("%s.%s", stream, spec->key) : NULL;
  g_autofree char *key2
      = stream && spec->key2 ? g_strdup_printf ("%s.%s", stream, spec->key2) : NULL;
  Row row = add_row (group, _ (spec->title), spec->subtitle ? _ (spec->subtitle) : NULL);

  add_figure (self, row.values, row.title, g_intern_string (key ?: spec->key), spec->format,
              spec->flags);
  if (spec->key2)
    add_joined_figure (self, row.values, row.title, _ (spec->joiner), TRUE,
                       g_intern_string (key2 ?: spec->key2), spec->format, spec->flags);
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
    [GROUP_ENCRYPTION] = self->encryption_group,
  };

  add_pair_row (self, _ ("This side"), "local");
  add_pair_row (self, _ ("Other side"), "remote");
  for (guint i = 0; i < G_N_ELEMENTS (row_specs); i++)
    if (row_specs[i].group == GROUP_CONNECTION)
      add_spec_row (self, groups[GROUP_CONNECTION], &row_specs[i], NULL);
  for (guint i = 0; i < G_N_ELEMENTS (stream_row_specs); i++)
    if (stream_row_specs[i].group == GROUP_AUDIO)
      add_spec_row (self, groups[GROUP_AUDIO], &stream_row_specs[i], "audio");
  for (guint i = 0; i < G_N_ELEMENTS (stream_row_specs); i++)
    add_spec_row (self, groups[GROUP_VIDEO], &stream_row_specs[i], "video");
  for (guint i = 0; i < G_N_ELEMENTS (row_specs); i++)
    if (row_specs[i].group == GROUP_FEC || row_specs[i].group == GROUP_ENCRYPTION)
      add_spec_row (self, groups[row_specs[i].group], &row_specs[i], NULL);
}

/* -- refreshing ------------------------------------------------------------------ */

/* The verdict's icon, and a style class for it (or NULL). */
static void
show_verdict (ConfabConnectionPanel *self, const ConfabVerdict *verdict)
{
  static const char *const styles[] = { "success", "accent", "error" };
  const char *icon_name = "network-offline-symbolic";
  const char *style = NULL;

  switch (verdict->kind)
    {
    case CONFAB_VERDICT_GATHERING:
    case CONFAB_VERDICT_CHECKING:
      icon_name = "network-wired-acquiring-symbolic";
      break;
    case CONFAB_VERDICT_WAITING:
      icon_name = "network-idle-symbolic";
      break;
    case CONFAB_VERDICT_CONNECTED:
      icon_name = "network-transmit-receive-symbolic";
      break;
    case CONFAB_VERDICT_DIRECT:
      icon_name = "network-transmit-receive-symbolic";
      style = "success";
      break;
    case CONFAB_VERDICT_RELAYED:
      icon_name = "network-server-symbolic";
      style = "accent";
      break;
    case CONFAB_VERDICT_FAILED:
      icon_name = "network-error-symbolic";
      style = "error";
      break;
    case CONFAB_VERDICT_NO_CALL:
    case CONFAB_VERDICT_ENDED:
    default:
      break;
    }

  gtk_label_set_text (self->verdict_label, verdict->title);
  gtk_label_set_text (self->verdict_detail_label, verdict->detail);
  gtk_image_set_from_icon_name (self->verdict_icon, icon_name);
  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_icon), styles[i]);
  if (style)
    gtk_widget_add_css_class (GTK_WIDGET (self->verdict_icon), style);
}

void
confab_connection_panel_refresh (ConfabConnectionPanel *self)
{
  g_auto (ConfabCallStats) stats = { 0 };
  g_auto (ConfabVerdict) verdict = { 0 };
  char *none[] = { NULL };

  g_return_if_fail (CONFAB_IS_CONNECTION_PANEL (self));

  /* One snapshot: the figures come from its JSON, the verdict and the
   * candidates from the same stats, so nothing on display can disagree. */
  if (self->call)
    confab_call_get_stats (self->call, &stats);
  const ConfabCallStats *snapshot = self->call ? &stats : NULL;
  g_clear_pointer (&self->snapshot, json_node_unref);
  self->snapshot = confab_call_stats_to_json_node (snapshot);

  confab_verdict_init (&verdict, snapshot);
  show_verdict (self, &verdict);
  update_figures (self);
  adw_preferences_group_set_description (
      self->pair_group, stats.have_pair ? _ ("The two addresses the call’s packets travel between")
                                        : _ ("No pair selected yet"));
  update_candidate_rows (self->local_expander, self->local_rows, &self->local_candidates,
                         stats.local_candidates ?: none);
  update_candidate_rows (self->remote_expander, self->remote_rows, &self->remote_candidates,
                         stats.remote_candidates ?: none);
}

/* Refreshes now, and then every second and on each state change, but only
 * while someone can see it: a snapshot costs a few locks and builds the
 * JSON. Without a call nothing changes between refreshes. */
static void
follow_call (ConfabConnectionPanel *self)
{
  if (self->call && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      confab_call_ticker_start (&self->ticker, self->call, 1000,
                                (ConfabCallTickFunc) confab_connection_panel_refresh, self);
      return;
    }
  confab_call_ticker_stop (&self->ticker);
  confab_connection_panel_refresh (self);
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
  follow_call (self);
}

static void
confab_connection_panel_unmap (GtkWidget *widget)
{
  ConfabConnectionPanel *self = CONFAB_CONNECTION_PANEL (widget);

  confab_call_ticker_stop (&self->ticker);
  GTK_WIDGET_CLASS (confab_connection_panel_parent_class)->unmap (widget);
}

static void
confab_connection_panel_dispose (GObject *object)
{
  ConfabConnectionPanel *self = CONFAB_CONNECTION_PANEL (object);

  confab_call_ticker_stop (&self->ticker);
  g_clear_object (&self->call);
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
confab_connection_panel_class_init (ConfabConnectionPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = confab_connection_panel_dispose;
  object_class->finalize = confab_connection_panel_finalize;
  widget_class->map = confab_connection_panel_map;
  widget_class->unmap = confab_connection_panel_unmap;

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
  gtk_widget_class_bind_template_child (widget_class, ConfabConnectionPanel, encryption_group);
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

  g_set_object (&self->call, call);
  follow_call (self);
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

  return confab_call_stats_node_to_json (self->snapshot);
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
