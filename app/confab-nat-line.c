/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The NAT-type probe's line for people. The probe runs beside gathering and
 * never delays the call: its result shows up when it comes.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "confab-nat-line.h"
#include "confab-nat-probe.h"
#include "confab-settings.h"

/* Per question; a UDP-blocked network costs the probe this long. */
#define PROBE_TIMEOUT_MS 1500
#define LINE_KEY "confab-nat-line"

static char *
finish_text (GAsyncResult *result)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *detail = NULL;
  ConfabNatType type = confab_nat_probe_finish (result, &detail, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return NULL;
  if (error)
    return g_strdup_printf (_ ("unknown (%s)"), error->message);
  if (detail)
    g_debug ("NAT probe: %s: %s", confab_nat_type_to_string (type), detail);
  return g_strdup (confab_nat_type_describe (type));
}

static void
on_probed_label (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GtkLabel) label = data;
  g_autofree char *text = finish_text (result);
  if (!text)
    return;
  g_autofree char *line = g_strdup_printf (_ ("Your network: %s"), text);
  gtk_label_set_text (label, line);
}

void
confab_nat_line_show (GtkWidget *anchor, GSettings *settings, GCancellable *cancellable)
{
  GtkWidget *label = g_object_get_data (G_OBJECT (anchor), LINE_KEY);
  if (!label)
    {
      label = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (anchor)), label, anchor);
      g_object_set_data (G_OBJECT (anchor), LINE_KEY, label);
    }
  gtk_label_set_text (GTK_LABEL (label), _ ("Your network: checking…"));

  ConfabCallOptions options;
  confab_call_options_init (&options);
  /* Relay-only asks no STUN server: it is about not showing our address. */
  if (confab_settings_fill_call_options (settings, &options, NULL))
    confab_nat_probe_async (options.relay_only ? NULL : options.stun, options.turn,
                            PROBE_TIMEOUT_MS, cancellable, on_probed_label, g_object_ref (label));
  confab_call_options_clear (&options);
}

static void
on_probed_print (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autofree char *text = finish_text (result);
  if (text)
    g_printerr (_ ("confab: network: %s\n"), text);
}

void
confab_nat_line_print (const ConfabIceServer *stun, const ConfabIceServer *turn,
                       GCancellable *cancellable)
{
  confab_nat_probe_async (stun, turn, PROBE_TIMEOUT_MS, cancellable, on_probed_print, NULL);
}
