/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-window.h"

#include <glib/gi18n.h>
#include <string.h>

#include "confab-call-view.h"
#include "confab-nat-line.h"
#include "confab-settings.h"

struct _ConfabWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  GtkButton *back_button;
  GtkStack *stack;

  GtkWidget *start_progress;
  GtkSpinner *start_spinner;
  GtkLabel *start_progress_label;
  GtkLabel *start_candidates_label;
  GtkWidget *offer_box;
  GtkTextView *offer_view;
  GtkCheckButton *offer_compact_check;
  GtkWidget *answer_entry_box;
  GtkTextView *answer_paste_view;
  GtkLabel *answer_error_label;
  GtkButton *connect_button;

  GtkWidget *offer_entry_box;
  GtkTextView *offer_paste_view;
  GtkLabel *offer_error_label;
  AdwStatusPage *error_page;
  GtkButton *accept_button;
  GtkWidget *join_progress;
  GtkSpinner *join_spinner;
  GtkLabel *join_progress_label;
  GtkWidget *answer_box;
  GtkTextView *answer_view;
  GtkCheckButton *answer_compact_check;

  ConfabCallView *call_view;

  GSettings *settings; /* NULL when the schema is not installed */
  ConfabCall *call;
  GCancellable *cancellable;
  char *local_description; /* plain SDP */
  GString *candidates_text;
  gint64 waiting_since;
  guint waiting_timer;
};

G_DEFINE_FINAL_TYPE (ConfabWindow, confab_window, ADW_TYPE_APPLICATION_WINDOW)

static void
toast (ConfabWindow *self, const char *text)
{
  AdwToast *t = adw_toast_new (text);
  adw_toast_set_timeout (t, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static char *
text_view_get_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
text_view_set_text (GtkTextView *view, const char *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, -1);
}

static void
show_inline_error (GtkLabel *label, const char *prefix, const GError *error)
{
  g_autofree char *text = error ? g_strdup_printf ("%s %s", prefix, error->message) : NULL;
  gtk_label_set_text (label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), error != NULL);
}

/* -- call life --------------------------------------------------------------- */

static void
drop_call (ConfabWindow *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->waiting_timer, g_source_remove);
  if (self->call)
    {
      g_signal_handlers_disconnect_by_data (self->call, self);
      g_signal_handlers_disconnect_by_data (confab_call_get_ice_session (self->call), self);
      confab_call_hang_up (self->call);
    }
  confab_call_view_set_call (self->call_view, NULL);
  g_clear_object (&self->call);
  g_clear_pointer (&self->local_description, g_free);
  g_string_truncate (self->candidates_text, 0);
}

static void
reset_pages (ConfabWindow *self)
{
  gtk_widget_set_visible (self->start_progress, TRUE);
  gtk_spinner_set_spinning (self->start_spinner, TRUE);
  gtk_label_set_text (self->start_candidates_label, "");
  gtk_widget_set_visible (self->offer_box, FALSE);
  gtk_widget_set_visible (self->answer_entry_box, FALSE);
  text_view_set_text (self->offer_view, "");
  text_view_set_text (self->answer_paste_view, "");
  show_inline_error (self->answer_error_label, NULL, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->connect_button), TRUE);
  gtk_text_view_set_editable (self->answer_paste_view, TRUE);

  gtk_widget_set_visible (self->offer_entry_box, TRUE);
  text_view_set_text (self->offer_paste_view, "");
  show_inline_error (self->offer_error_label, NULL, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->accept_button), TRUE);
  gtk_widget_set_visible (self->join_progress, FALSE);
  gtk_widget_set_visible (self->answer_box, FALSE);
  text_view_set_text (self->answer_view, "");
}

static void
show_page (ConfabWindow *self, const char *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), g_strcmp0 (name, "welcome") != 0);
}

static void
on_error_back_clicked (ConfabWindow *self)
{
  show_page (self, "welcome");
}

static void
on_call_failed (ConfabCall *call, GError *error, gpointer data)
{
  ConfabWindow *self = data;
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  /* Not a network hiccup to retry: a page of its own that says so. */
  if (g_error_matches (error, CONFAB_DTLS_ERROR, CONFAB_DTLS_ERROR_FINGERPRINT_MISMATCH))
    {
      adw_status_page_set_description (self->error_page, error->message);
      g_clear_handle_id (&self->waiting_timer, g_source_remove);
      drop_call (self);
      reset_pages (self);
      show_page (self, "error");
      return;
    }

  if (g_strcmp0 (page, "call") == 0)
    {
      g_autofree char *text = g_strdup_printf (_ ("The call ended: %s"), error->message);
      toast (self, text);
      drop_call (self);
      reset_pages (self);
      show_page (self, "welcome");
      return;
    }

  /* Still setting up: say it where the user is looking. */
  GtkLabel *label
      = g_strcmp0 (page, "start") == 0 ? self->start_progress_label : self->join_progress_label;
  gtk_widget_set_visible (
      g_strcmp0 (page, "start") == 0 ? self->start_progress : self->join_progress, TRUE);
  gtk_spinner_set_spinning (
      g_strcmp0 (page, "start") == 0 ? self->start_spinner : self->join_spinner, FALSE);
  g_autofree char *text = g_strdup_printf (_ ("Could not connect: %s"), error->message);
  gtk_label_set_text (label, text);
  g_clear_handle_id (&self->waiting_timer, g_source_remove);
}

static void
on_call_state (GObject *object, GParamSpec *pspec, gpointer data)
{
  ConfabWindow *self = data;
  ConfabCallState state = confab_call_get_state (self->call);

  switch (state)
    {
    case CONFAB_CALL_STATE_CONNECTING:
      if (confab_call_get_role (self->call) == CONFAB_SDP_OFFER)
        {
          gtk_widget_set_visible (self->start_progress, TRUE);
          gtk_spinner_set_spinning (self->start_spinner, TRUE);
          g_autofree char *sas = confab_call_dup_sas (self->call);
          g_autofree char *text = g_strdup_printf (
              _ ("Connecting… Security code %s: read it to the other side, it must match "
                 "theirs"),
              sas ? sas : "—");
          gtk_label_set_text (self->start_progress_label, text);
        }
      break;
    case CONFAB_CALL_STATE_IN_CALL:
      g_clear_handle_id (&self->waiting_timer, g_source_remove);
      show_page (self, "call");
      gtk_widget_grab_focus (GTK_WIDGET (self->call_view));
      break;
    case CONFAB_CALL_STATE_ENDED:
      if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "call") == 0)
        {
          g_auto (ConfabCallStats) stats = { 0 };
          confab_call_get_stats (self->call, &stats);
          guint s = (guint) stats.elapsed_s;
          g_autofree char *text = g_strdup_printf (_ ("Call ended after %u:%02u"), s / 60, s % 60);
          toast (self, text);
          drop_call (self);
          reset_pages (self);
          show_page (self, "welcome");
        }
      break;
    default:
      break;
    }
}

static void
on_candidate_gathered (ConfabIceSession *ice, const char *type, const char *where, gpointer data)
{
  ConfabWindow *self = data;
  g_string_append_printf (self->candidates_text, "%s%s %s", self->candidates_text->len ? "\n" : "",
                          type, where);
  gtk_label_set_text (self->start_candidates_label, self->candidates_text->str);
}

static gboolean
create_call (ConfabWindow *self, ConfabSdpType role)
{
  g_autoptr (GError) error = NULL;
  ConfabCallOptions options;

  drop_call (self);
  confab_call_options_init (&options);
  if (!confab_settings_fill_call_options (self->settings, &options, &error))
    {
      g_autofree char *text = g_strdup_printf (_ ("Check the preferences: %s"), error->message);
      toast (self, text);
      confab_call_options_clear (&options);
      return FALSE;
    }
  self->call = confab_call_new (role, &options, &error);
  confab_call_options_clear (&options);
  if (!self->call)
    {
      toast (self, error->message);
      return FALSE;
    }
  self->cancellable = g_cancellable_new ();
  g_signal_connect (self->call, "failed", G_CALLBACK (on_call_failed), self);
  g_signal_connect (self->call, "notify::state", G_CALLBACK (on_call_state), self);
  g_signal_connect (confab_call_get_ice_session (self->call), "candidate-gathered",
                    G_CALLBACK (on_candidate_gathered), self);
  return TRUE;
}

static char *
describe_servers (ConfabWindow *self, ConfabCall *call)
{
  GString *s = g_string_new (_ ("Gathering network addresses: local interfaces"));
  g_autoptr (GError) error = NULL;
  ConfabCallOptions options;
  confab_call_options_init (&options);
  if (confab_settings_fill_call_options (self->settings, &options, &error))
    {
      if (options.stun && !options.relay_only)
        g_string_append_printf (s, _ (", STUN server %s"), options.stun->host);
      if (options.turn)
        g_string_append_printf (s, _ (", TURN server %s"), options.turn->host);
    }
  confab_call_options_clear (&options);
  g_string_append (s, "…");
  return g_string_free (s, FALSE);
}

static void
show_description (ConfabWindow *self, GtkTextView *view, GtkCheckButton *compact)
{
  if (!self->local_description)
    return;
  if (gtk_check_button_get_active (compact))
    {
      g_autofree char *text = confab_settings_compact_description (
          self->local_description, confab_call_get_role (self->call));
      text_view_set_text (view, text);
    }
  else
    text_view_set_text (view, self->local_description);
}

/* Gathering is over: TRUE with self->local_description set, or FALSE with
 * the reason on the page's progress line (nothing when it was cancelled). */
static gboolean
take_local_description (ConfabWindow *self, GObject *source, GAsyncResult *result,
                        GtkSpinner *spinner, GtkLabel *progress_label)
{
  g_autoptr (GError) error = NULL;

  if (!confab_call_gather_finish (CONFAB_CALL (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return FALSE;
      gtk_spinner_set_spinning (spinner, FALSE);
      g_autofree char *text
          = g_strdup_printf (_ ("Could not gather network addresses: %s"), error->message);
      gtk_label_set_text (progress_label, text);
      return FALSE;
    }
  self->local_description = confab_call_create_local_description (self->call, &error);
  if (!self->local_description)
    gtk_label_set_text (progress_label, error->message);
  return self->local_description != NULL;
}

static void
on_offer_gathered (GObject *source, GAsyncResult *result, gpointer data)
{
  ConfabWindow *self = data;

  if (!take_local_description (self, source, result, self->start_spinner,
                               self->start_progress_label))
    return;
  gtk_widget_set_visible (self->start_progress, FALSE);
  gtk_spinner_set_spinning (self->start_spinner, FALSE);
  show_description (self, self->offer_view, self->offer_compact_check);
  gtk_widget_set_visible (self->offer_box, TRUE);
  gtk_widget_set_visible (self->answer_entry_box, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->answer_paste_view));
}

static void
on_start_call (GtkWidget *widget, const char *action, GVariant *param)
{
  ConfabWindow *self = CONFAB_WINDOW (widget);

  reset_pages (self);
  if (!create_call (self, CONFAB_SDP_OFFER))
    return;
  confab_call_view_set_call (self->call_view, self->call);
  g_autofree char *what = describe_servers (self, self->call);
  gtk_label_set_text (self->start_progress_label, what);
  show_page (self, "start");
  confab_nat_line_show (self->start_progress, self->settings, self->cancellable);
  confab_call_gather_async (self->call, self->cancellable, on_offer_gathered, self);
}

static void
on_join_call (GtkWidget *widget, const char *action, GVariant *param)
{
  ConfabWindow *self = CONFAB_WINDOW (widget);
  drop_call (self);
  reset_pages (self);
  show_page (self, "join");
  gtk_widget_grab_focus (GTK_WIDGET (self->offer_paste_view));
}

static void
on_new_call (GtkWidget *widget, const char *action, GVariant *param)
{
  ConfabWindow *self = CONFAB_WINDOW (widget);
  drop_call (self);
  reset_pages (self);
  show_page (self, "welcome");
}

static void
on_connect_clicked (ConfabWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = text_view_get_text (self->answer_paste_view);

  if (!self->call)
    return;
  if (!confab_call_set_remote_description (self->call, text, -1, &error))
    {
      show_inline_error (self->answer_error_label, _ ("That is not a usable answer:"), error);
      return;
    }
  show_inline_error (self->answer_error_label, NULL, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->connect_button), FALSE);
  gtk_text_view_set_editable (self->answer_paste_view, FALSE);
}

static gboolean
on_waiting_tick (gpointer data)
{
  ConfabWindow *self = data;
  guint s = (g_get_monotonic_time () - self->waiting_since) / G_USEC_PER_SEC;
  g_autofree char *sas = confab_call_dup_sas (self->call);
  g_autofree char *text
      = g_strdup_printf (_ ("Waiting for the other side to paste your answer and connect… %u:%02u\n"
                            "Security code %s: read it to the other side, it must match theirs"),
                         s / 60, s % 60, sas ? sas : "—");
  gtk_label_set_text (self->join_progress_label, text);
  return G_SOURCE_CONTINUE;
}

static void
on_answer_gathered (GObject *source, GAsyncResult *result, gpointer data)
{
  ConfabWindow *self = data;

  if (!take_local_description (self, source, result, self->join_spinner, self->join_progress_label))
    return;
  show_description (self, self->answer_view, self->answer_compact_check);
  gtk_widget_set_visible (self->answer_box, TRUE);
  self->waiting_since = g_get_monotonic_time ();
  on_waiting_tick (self);
  self->waiting_timer = g_timeout_add_seconds (1, on_waiting_tick, self);
}

static void
on_accept_clicked (ConfabWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = text_view_get_text (self->offer_paste_view);

  if (!create_call (self, CONFAB_SDP_ANSWER))
    return;
  if (!confab_call_set_remote_description (self->call, text, -1, &error))
    {
      /* Nothing is half-done: the call is dropped, the paste stays for fixing. */
      drop_call (self);
      show_inline_error (self->offer_error_label, _ ("That is not a usable offer:"), error);
      return;
    }
  show_inline_error (self->offer_error_label, NULL, NULL);
  confab_call_view_set_call (self->call_view, self->call);
  gtk_widget_set_visible (self->offer_entry_box, FALSE);
  gtk_widget_set_visible (self->join_progress, TRUE);
  gtk_spinner_set_spinning (self->join_spinner, TRUE);
  g_autofree char *what = describe_servers (self, self->call);
  gtk_label_set_text (self->join_progress_label, what);
  confab_call_gather_async (self->call, self->cancellable, on_answer_gathered, self);
}

static void
copy_text (ConfabWindow *self, GtkTextView *view)
{
  g_autofree char *text = text_view_get_text (view);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  toast (self, _ ("Copied to the clipboard"));
}

static void
on_copy_offer_clicked (ConfabWindow *self)
{
  copy_text (self, self->offer_view);
}

static void
on_copy_answer_clicked (ConfabWindow *self)
{
  copy_text (self, self->answer_view);
}

static void
on_save_response (GtkNativeDialog *dialog, int response, gpointer data)
{
  ConfabWindow *self = g_object_get_data (G_OBJECT (dialog), "confab-window");
  char *text = data;
  g_autoptr (GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (!g_file_replace_contents (file, text, strlen (text), NULL, FALSE,
                                    G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, &error))
        {
          g_autofree char *msg = g_strdup_printf (_ ("Could not save: %s"), error->message);
          toast (self, msg);
        }
      else
        toast (self, _ ("Saved"));
    }
  g_free (text);
  g_object_unref (dialog);
}

static void
save_text (ConfabWindow *self, GtkTextView *view, const char *name)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (
      _ ("Save"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Save"), _ ("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_object_set_data (G_OBJECT (dialog), "confab-window", self);
  g_signal_connect (dialog, "response", G_CALLBACK (on_save_response), text_view_get_text (view));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
on_save_offer_clicked (ConfabWindow *self)
{
  save_text (self, self->offer_view, "confab-offer.txt");
}

static void
on_save_answer_clicked (ConfabWindow *self)
{
  save_text (self, self->answer_view, "confab-answer.txt");
}

static void
on_compact_toggled (ConfabWindow *self, GtkCheckButton *button)
{
  if (button == self->offer_compact_check)
    show_description (self, self->offer_view, self->offer_compact_check);
  else
    show_description (self, self->answer_view, self->answer_compact_check);
  if (self->settings)
    g_settings_set_boolean (self->settings, "compact-blobs", gtk_check_button_get_active (button));
}

/* -- GObject ------------------------------------------------------------------ */

static void
confab_window_dispose (GObject *object)
{
  ConfabWindow *self = CONFAB_WINDOW (object);

  drop_call (self);
  if (self->settings)
    {
      int width, height;
      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized",
                              gtk_window_is_maximized (GTK_WINDOW (self)));
    }
  g_clear_object (&self->settings);
  if (self->candidates_text)
    g_string_free (self->candidates_text, TRUE);
  self->candidates_text = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_WINDOW);

  G_OBJECT_CLASS (confab_window_parent_class)->dispose (object);
}

static void
confab_window_class_init (ConfabWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = confab_window_dispose;

  g_type_ensure (CONFAB_TYPE_CALL_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confab/Confab/ui/confab-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, ConfabWindow, name)
  BIND (toast_overlay);
  BIND (back_button);
  BIND (stack);
  BIND (start_progress);
  BIND (start_spinner);
  BIND (start_progress_label);
  BIND (start_candidates_label);
  BIND (offer_box);
  BIND (offer_view);
  BIND (offer_compact_check);
  BIND (answer_entry_box);
  BIND (answer_paste_view);
  BIND (answer_error_label);
  BIND (connect_button);
  BIND (offer_entry_box);
  BIND (offer_paste_view);
  BIND (offer_error_label);
  BIND (error_page);
  BIND (accept_button);
  BIND (join_progress);
  BIND (join_spinner);
  BIND (join_progress_label);
  BIND (answer_box);
  BIND (answer_view);
  BIND (answer_compact_check);
  BIND (call_view);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_connect_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_error_back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_accept_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_offer_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_answer_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_save_offer_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_save_answer_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_compact_toggled);

  gtk_widget_class_install_action (widget_class, "win.start-call", NULL, on_start_call);
  gtk_widget_class_install_action (widget_class, "win.join-call", NULL, on_join_call);
  gtk_widget_class_install_action (widget_class, "win.new-call", NULL, on_new_call);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.start-call",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_j, GDK_CONTROL_MASK, "win.join-call",
                                       NULL);
}

static void
confab_window_init (ConfabWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->candidates_text = g_string_new (NULL);
  self->settings = confab_settings_new ();
  if (self->settings)
    {
      gboolean compact = g_settings_get_boolean (self->settings, "compact-blobs");
      gtk_check_button_set_active (self->offer_compact_check, compact);
      gtk_check_button_set_active (self->answer_compact_check, compact);
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }
}

ConfabWindow *
confab_window_new (GtkApplication *app)
{
  return g_object_new (CONFAB_TYPE_WINDOW, "application", app, NULL);
}

ConfabCall *
confab_window_get_call (ConfabWindow *self)
{
  return self->call;
}

ConfabCallView *
confab_window_get_call_view (ConfabWindow *self)
{
  return self->call_view;
}

const char *
confab_window_get_page (ConfabWindow *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

char *
confab_window_dup_local_text (ConfabWindow *self)
{
  GtkTextView *view = confab_call_get_role (self->call) == CONFAB_SDP_OFFER ? self->offer_view
                                                                            : self->answer_view;
  return text_view_get_text (view);
}

void
confab_window_paste_and_submit (ConfabWindow *self, const char *text)
{
  if (self->call && confab_call_get_role (self->call) == CONFAB_SDP_OFFER)
    {
      text_view_set_text (self->answer_paste_view, text);
      on_connect_clicked (self);
    }
  else
    {
      text_view_set_text (self->offer_paste_view, text);
      on_accept_clicked (self);
    }
}

const char *
confab_window_get_inline_error (ConfabWindow *self)
{
  GtkLabel *label = self->call && confab_call_get_role (self->call) == CONFAB_SDP_OFFER
                        ? self->answer_error_label
                        : self->offer_error_label;
  return gtk_widget_get_visible (GTK_WIDGET (label)) ? gtk_label_get_text (label) : NULL;
}
