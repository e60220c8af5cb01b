/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-preferences-window.h"

#include <glib/gi18n.h>

#include "confab-ice-server.h"
#include "confab-media-devices.h"
#include "confab-settings.h"

struct _ConfabPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  AdwEntryRow *stun_row;
  AdwEntryRow *turn_row;
  AdwEntryRow *turn_user_row;
  AdwEntryRow *turn_pass_row;
  GtkSwitch *relay_only_switch;
  GtkSpinButton *port_min_spin;
  GtkSpinButton *port_max_spin;
  AdwComboRow *quality_row;
  AdwComboRow *fec_row;
  AdwPreferencesGroup *devices_group;
  AdwComboRow *device_rows[3];
  GPtrArray *device_ids[3]; /* per kind: "" (automatic) then the device ids */

  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (ConfabPreferencesWindow, confab_preferences_window,
                     ADW_TYPE_PREFERENCES_WINDOW)

static const char *const quality_nicks[] = { "low", "medium", "high" };
/* ULPFEC is in the FEC library and elements but not in calls yet: calls
 * protect video with FlexFEC, so the choice is not offered. */
static const char *const fec_nicks[] = { "off", "flexfec", "auto" };

static void
mark_row (ConfabPreferencesWindow *self, AdwEntryRow *row, const GError *error)
{
  if (error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (error->message));
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

/* The row's server URI, or NULL (and the row marked) when it does not
 * parse as a @kind server; "" means no server. */
static const char *
get_server_row (ConfabPreferencesWindow *self, AdwEntryRow *row, ConfabIceServerKind kind)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfabIceServer) server = *text ? confab_ice_server_parse (text, kind, &error) : NULL;

  mark_row (self, row, error);
  return error ? NULL : text;
}

static void
on_stun_apply (ConfabPreferencesWindow *self)
{
  const char *text = get_server_row (self, self->stun_row, CONFAB_ICE_SERVER_STUN);
  if (!text)
    return;
  const char *strv[] = { text, NULL };
  g_settings_set_strv (self->settings, "stun-servers", *text ? strv : NULL);
}

static void
on_turn_apply (ConfabPreferencesWindow *self)
{
  const char *text = get_server_row (self, self->turn_row, CONFAB_ICE_SERVER_TURN);
  if (text)
    g_settings_set_string (self->settings, "turn-server", text);
}

static void
on_turn_user_apply (ConfabPreferencesWindow *self)
{
  g_settings_set_string (self->settings, "turn-username",
                         gtk_editable_get_text (GTK_EDITABLE (self->turn_user_row)));
}

static void
on_turn_pass_apply (ConfabPreferencesWindow *self)
{
  g_settings_set_string (self->settings, "turn-password",
                         gtk_editable_get_text (GTK_EDITABLE (self->turn_pass_row)));
}

static void
on_relay_only (ConfabPreferencesWindow *self)
{
  gboolean on = gtk_switch_get_active (self->relay_only_switch);
  g_autofree char *turn = g_settings_get_string (self->settings, "turn-server");
  if (on && !*turn)
    adw_preferences_window_add_toast (
        ADW_PREFERENCES_WINDOW (self),
        adw_toast_new (
            _ ("Relay only needs a TURN server: calls will not start until one is set")));
  g_settings_set_boolean (self->settings, "relay-only", on);
}

static void
on_ports_changed (ConfabPreferencesWindow *self)
{
  guint lo = gtk_spin_button_get_value_as_int (self->port_min_spin);
  guint hi = gtk_spin_button_get_value_as_int (self->port_max_spin);
  g_settings_set_uint (self->settings, "port-range-min", lo);
  g_settings_set_uint (self->settings, "port-range-max", hi);
}

static void
on_combo_changed (ConfabPreferencesWindow *self, GParamSpec *pspec, AdwComboRow *row)
{
  guint i = adw_combo_row_get_selected (row);
  if (row == self->quality_row && i < G_N_ELEMENTS (quality_nicks))
    g_settings_set_string (self->settings, "video-quality", quality_nicks[i]);
  else if (row == self->fec_row && i < G_N_ELEMENTS (fec_nicks))
    g_settings_set_string (self->settings, "fec-mode", fec_nicks[i]);
}

static guint
index_of (const char *const *nicks, guint n, const char *nick)
{
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (nicks[i], nick) == 0)
      return i;
  return 0;
}

static void
load (ConfabPreferencesWindow *self)
{
  g_auto (GStrv) stun = g_settings_get_strv (self->settings, "stun-servers");
  g_autofree char *turn = g_settings_get_string (self->settings, "turn-server");
  g_autofree char *user = g_settings_get_string (self->settings, "turn-username");
  g_autofree char *pass = g_settings_get_string (self->settings, "turn-password");
  g_autofree char *quality = g_settings_get_string (self->settings, "video-quality");
  g_autofree char *fec = g_settings_get_string (self->settings, "fec-mode");

  gtk_editable_set_text (GTK_EDITABLE (self->stun_row), stun[0] ? stun[0] : "");
  gtk_editable_set_text (GTK_EDITABLE (self->turn_row), turn);
  gtk_editable_set_text (GTK_EDITABLE (self->turn_user_row), user);
  gtk_editable_set_text (GTK_EDITABLE (self->turn_pass_row), pass);
  gtk_switch_set_active (self->relay_only_switch,
                         g_settings_get_boolean (self->settings, "relay-only"));
  gtk_spin_button_set_value (self->port_min_spin,
                             g_settings_get_uint (self->settings, "port-range-min"));
  gtk_spin_button_set_value (self->port_max_spin,
                             g_settings_get_uint (self->settings, "port-range-max"));
  adw_combo_row_set_selected (self->quality_row,
                              index_of (quality_nicks, G_N_ELEMENTS (quality_nicks), quality));
  adw_combo_row_set_selected (self->fec_row,
                              g_strcmp0 (fec, "ulpfec") == 0
                                  ? 1 /* stored by an older version: calls use FlexFEC */
                                  : index_of (fec_nicks, G_N_ELEMENTS (fec_nicks), fec));

  g_signal_connect_swapped (self->relay_only_switch, "notify::active", G_CALLBACK (on_relay_only),
                            self);
  g_signal_connect_swapped (self->port_min_spin, "value-changed", G_CALLBACK (on_ports_changed),
                            self);
  g_signal_connect_swapped (self->port_max_spin, "value-changed", G_CALLBACK (on_ports_changed),
                            self);
  g_signal_connect_swapped (self->quality_row, "notify::selected", G_CALLBACK (on_combo_changed),
                            self);
  g_signal_connect_swapped (self->fec_row, "notify::selected", G_CALLBACK (on_combo_changed), self);
}

static const char *const device_keys[3]
    = { "camera-device", "microphone-device", "speaker-device" };

static void
on_device_selected (ConfabPreferencesWindow *self, GParamSpec *pspec, AdwComboRow *row)
{
  for (guint k = 0; k < 3; k++)
    if (row == self->device_rows[k])
      {
        guint i = adw_combo_row_get_selected (row);
        if (i < self->device_ids[k]->len)
          g_settings_set_string (self->settings, device_keys[k], self->device_ids[k]->pdata[i]);
      }
}

/* One row per kind, listing what GstDeviceMonitor finds now. A device
 * chosen earlier but absent now stays listed, so the choice is not lost. */
static void
load_devices (ConfabPreferencesWindow *self)
{
  static const char *const titles[3] = { N_ ("Camera"), N_ ("Microphone"), N_ ("Speaker") };
  static const char *const automatic[3]
      = { N_ ("Automatic (test pattern if none)"), N_ ("Automatic (test tone if none)"),
          N_ ("Default output") };
  static const ConfabMediaDeviceKind kinds[3]
      = { CONFAB_MEDIA_DEVICE_CAMERA, CONFAB_MEDIA_DEVICE_MICROPHONE, CONFAB_MEDIA_DEVICE_SPEAKER };

  for (guint k = 0; k < 3; k++)
    {
      g_autoptr (GPtrArray) devices = confab_media_list_devices (kinds[k]);
      g_autofree char *chosen = g_settings_get_string (self->settings, device_keys[k]);
      GtkStringList *names = gtk_string_list_new (NULL);
      guint selected = 0;

      self->device_ids[k] = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (self->device_ids[k], g_strdup (""));
      gtk_string_list_append (names, _ (automatic[k]));
      for (guint i = 0; devices && i < devices->len; i++)
        {
          ConfabMediaDevice *d = devices->pdata[i];
          if (g_strcmp0 (d->id, chosen) == 0)
            selected = self->device_ids[k]->len;
          g_ptr_array_add (self->device_ids[k], g_strdup (d->id));
          gtk_string_list_append (names, d->display_name);
        }
      if (*chosen && selected == 0)
        {
          selected = self->device_ids[k]->len;
          g_ptr_array_add (self->device_ids[k], g_strdup (chosen));
          g_autofree char *missing = g_strdup_printf (_ ("%s (not connected)"), chosen);
          gtk_string_list_append (names, missing);
        }

      self->device_rows[k] = ADW_COMBO_ROW (adw_combo_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->device_rows[k]), _ (titles[k]));
      adw_combo_row_set_model (self->device_rows[k], G_LIST_MODEL (names));
      g_object_unref (names);
      adw_combo_row_set_selected (self->device_rows[k], selected);
      g_signal_connect_swapped (self->device_rows[k], "notify::selected",
                                G_CALLBACK (on_device_selected), self);
      adw_preferences_group_add (self->devices_group, GTK_WIDGET (self->device_rows[k]));
    }
}

static void
confab_preferences_window_dispose (GObject *object)
{
  ConfabPreferencesWindow *self = CONFAB_PREFERENCES_WINDOW (object);
  g_clear_object (&self->settings);
  for (guint k = 0; k < 3; k++)
    g_clear_pointer (&self->device_ids[k], g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_PREFERENCES_WINDOW);
  G_OBJECT_CLASS (confab_preferences_window_parent_class)->dispose (object);
}

static void
confab_preferences_window_class_init (ConfabPreferencesWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = confab_preferences_window_dispose;
  gtk_widget_class_set_template_from_resource (
      widget_class, "/org/confab/Confab/ui/confab-preferences-window.ui");
#define BIND(name)                                                                                 \
  gtk_widget_class_bind_template_child (widget_class, ConfabPreferencesWindow, name)
  BIND (stun_row);
  BIND (turn_row);
  BIND (turn_user_row);
  BIND (turn_pass_row);
  BIND (relay_only_switch);
  BIND (port_min_spin);
  BIND (port_max_spin);
  BIND (quality_row);
  BIND (fec_row);
  BIND (devices_group);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_stun_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_turn_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_turn_user_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_turn_pass_apply);
}

static void
confab_preferences_window_init (ConfabPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWindow *
confab_preferences_window_new_for (GtkWindow *parent)
{
  g_autoptr (GSettings) settings = confab_settings_new ();
  if (!settings)
    {
      GtkWidget *dialog = adw_message_dialog_new (
          parent, _ ("Preferences Are Not Available"),
          _ ("The settings schema org.confab.Confab is not installed; run “meson install” or "
             "start Confab from its build folder."));
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return NULL;
    }
  ConfabPreferencesWindow *self
      = g_object_new (CONFAB_TYPE_PREFERENCES_WINDOW, "transient-for", parent, "modal", TRUE, NULL);
  self->settings = g_steal_pointer (&settings);
  load (self);
  load_devices (self);
  return GTK_WINDOW (self);
}
