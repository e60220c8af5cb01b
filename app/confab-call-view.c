/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-call-view.h"

#include "confab-call-ticker.h"
#include "confab-connection-panel.h"
#include "confab-verdict.h"

struct _ConfabCallView
{
  GtkWidget parent_instance;

  AdwFlap *flap;
  GtkPicture *remote_picture;
  GtkPicture *self_picture;
  GtkWidget *self_clamp;
  GtkLabel *timer_label;
  GtkLabel *verdict_label;
  GtkBox *panel_box;
  ConfabConnectionPanel *panel;

  ConfabCall *call;
  ConfabVideoPaintable *remote;
  ConfabVideoPaintable *local;
  ConfabCallTicker ticker; /* the timer and the badge */
  gboolean muted;
  gboolean camera_off;
};

G_DEFINE_FINAL_TYPE (ConfabCallView, confab_call_view, GTK_TYPE_WIDGET)

static void
on_frame (GstSample *sample, gboolean remote, gpointer data)
{
  ConfabCallView *self = data;
  /* Streaming thread: the paintables hand frames to the UI thread themselves. */
  confab_video_paintable_push_sample (remote ? self->remote : self->local, sample);
}

static void
update_timer_and_verdict (ConfabCallView *self)
{
  g_auto (ConfabCallStats) stats = { 0 };
  g_auto (ConfabVerdict) verdict = { 0 };

  if (!self->call)
    return;
  confab_call_get_stats (self->call, &stats);
  guint seconds = (guint) stats.elapsed_s;
  g_autofree char *timer
      = seconds >= 3600
            ? g_strdup_printf ("%u:%02u:%02u", seconds / 3600, seconds / 60 % 60, seconds % 60)
            : g_strdup_printf ("%u:%02u", seconds / 60, seconds % 60);
  gtk_label_set_text (self->timer_label, timer);

  /* The panel's headline, so the badge and the panel never disagree. */
  confab_verdict_init (&verdict, &stats);
  gtk_label_set_text (self->verdict_label, verdict.title);
}

static void
on_hang_up (GtkWidget *widget, const char *action, GVariant *param)
{
  ConfabCallView *self = CONFAB_CALL_VIEW (widget);
  if (self->call)
    confab_call_hang_up (self->call);
}

static void
on_fullscreen (GtkWidget *widget, const char *action, GVariant *param)
{
  GtkWindow *window = GTK_WINDOW (gtk_widget_get_root (widget));
  if (!window)
    return;
  if (gtk_window_is_fullscreen (window))
    gtk_window_unfullscreen (window);
  else
    gtk_window_fullscreen (window);
}

static void
set_muted (ConfabCallView *self, gboolean muted)
{
  self->muted = muted;
  if (self->call)
    confab_call_set_audio_muted (self->call, muted);
}

static void
set_camera_off (ConfabCallView *self, gboolean off)
{
  self->camera_off = off;
  if (self->call)
    confab_call_set_video_enabled (self->call, !off);
  gtk_widget_set_visible (GTK_WIDGET (self->self_picture), !off);
  gtk_widget_set_visible (GTK_WIDGET (self->self_clamp), !off);
}

enum
{
  PROP_0,
  PROP_MUTED,
  PROP_CAMERA_OFF,
  PROP_PANEL_REVEALED,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
confab_call_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ConfabCallView *self = CONFAB_CALL_VIEW (object);

  switch (prop_id)
    {
    case PROP_MUTED:
      g_value_set_boolean (value, self->muted);
      break;
    case PROP_CAMERA_OFF:
      g_value_set_boolean (value, self->camera_off);
      break;
    case PROP_PANEL_REVEALED:
      g_value_set_boolean (value, adw_flap_get_reveal_flap (self->flap));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_call_view_set_property (GObject *object, guint prop_id, const GValue *value,
                               GParamSpec *pspec)
{
  ConfabCallView *self = CONFAB_CALL_VIEW (object);

  switch (prop_id)
    {
    case PROP_MUTED:
      if (self->muted != g_value_get_boolean (value))
        {
          set_muted (self, g_value_get_boolean (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_CAMERA_OFF:
      if (self->camera_off != g_value_get_boolean (value))
        {
          set_camera_off (self, g_value_get_boolean (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_PANEL_REVEALED:
      confab_call_view_set_panel_revealed (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
detach_call (ConfabCallView *self)
{
  if (!self->call)
    return;
  confab_call_ticker_stop (&self->ticker);
  ConfabCallPipeline *pipeline = confab_call_get_pipeline (self->call);
  if (pipeline)
    confab_call_pipeline_set_video_frame_func (pipeline, NULL, NULL, NULL);
  g_clear_object (&self->call);
  if (self->panel)
    confab_connection_panel_set_call (self->panel, NULL);
}

static void
confab_call_view_dispose (GObject *object)
{
  ConfabCallView *self = CONFAB_CALL_VIEW (object);

  detach_call (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_CALL_VIEW);
  g_clear_object (&self->remote);
  g_clear_object (&self->local);

  G_OBJECT_CLASS (confab_call_view_parent_class)->dispose (object);
}

static void
confab_call_view_class_init (ConfabCallViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = confab_call_view_dispose;
  object_class->get_property = confab_call_view_get_property;
  object_class->set_property = confab_call_view_set_property;

  properties[PROP_MUTED]
      = g_param_spec_boolean ("muted", NULL, NULL, FALSE,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAMERA_OFF]
      = g_param_spec_boolean ("camera-off", NULL, NULL, FALSE,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PANEL_REVEALED]
      = g_param_spec_boolean ("panel-revealed", NULL, NULL, FALSE,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/confab/Confab/ui/confab-call-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ConfabCallView, flap);
  gtk_widget_class_bind_template_child (widget_class, ConfabCallView, remote_picture);
  gtk_widget_class_bind_template_child (widget_class, ConfabCallView, self_picture);
  gtk_widget_class_bind_template_child (widget_class, ConfabCallView, self_clamp);
  gtk_widget_class_bind_template_child (widget_class, ConfabCallView, timer_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabCallView, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabCallView, panel_box);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "confab-call-view");

  /* Stateful toggles: the buttons show the property's state. */
  gtk_widget_class_install_property_action (widget_class, "call.mute", "muted");
  gtk_widget_class_install_property_action (widget_class, "call.camera-off", "camera-off");
  gtk_widget_class_install_property_action (widget_class, "call.connection-panel",
                                            "panel-revealed");
  gtk_widget_class_install_action (widget_class, "call.hang-up", NULL, on_hang_up);
  gtk_widget_class_install_action (widget_class, "call.fullscreen", NULL, on_fullscreen);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "call.mute",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "call.camera-off",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_h, GDK_CONTROL_MASK, "call.hang-up",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "call.fullscreen", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK,
                                       "call.connection-panel", NULL);
}

static void
confab_call_view_init (ConfabCallView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->remote = confab_video_paintable_new ();
  self->local = confab_video_paintable_new ();
  gtk_picture_set_paintable (self->remote_picture, GDK_PAINTABLE (self->remote));
  gtk_picture_set_paintable (self->self_picture, GDK_PAINTABLE (self->local));
  self->panel = CONFAB_CONNECTION_PANEL (confab_connection_panel_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->panel), TRUE);
  gtk_box_append (self->panel_box, GTK_WIDGET (self->panel));
}

GtkWidget *
confab_call_view_new (void)
{
  return g_object_new (CONFAB_TYPE_CALL_VIEW, NULL);
}

void
confab_call_view_set_call (ConfabCallView *self, ConfabCall *call)
{
  g_return_if_fail (CONFAB_IS_CALL_VIEW (self));

  detach_call (self);
  if (!call)
    return;
  self->call = g_object_ref (call);
  ConfabCallPipeline *pipeline = confab_call_get_pipeline (call);
  if (pipeline)
    confab_call_pipeline_set_video_frame_func (pipeline, on_frame, self, NULL);
  confab_call_set_audio_muted (call, self->muted);
  confab_call_set_video_enabled (call, !self->camera_off);
  confab_connection_panel_set_call (self->panel, call);
  confab_call_ticker_start (&self->ticker, call, 500, (ConfabCallTickFunc) update_timer_and_verdict,
                            self);
}

ConfabCall *
confab_call_view_get_call (ConfabCallView *self)
{
  return self->call;
}

ConfabVideoPaintable *
confab_call_view_get_remote_paintable (ConfabCallView *self)
{
  return self->remote;
}

ConfabVideoPaintable *
confab_call_view_get_local_paintable (ConfabCallView *self)
{
  return self->local;
}

void
confab_call_view_set_panel_revealed (ConfabCallView *self, gboolean revealed)
{
  if (adw_flap_get_reveal_flap (self->flap) == revealed)
    return;
  adw_flap_set_reveal_flap (self->flap, revealed);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PANEL_REVEALED]);
}

GtkBox *
confab_call_view_get_panel_box (ConfabCallView *self)
{
  return self->panel_box;
}

ConfabConnectionPanel *
confab_call_view_get_panel (ConfabCallView *self)
{
  return self->panel;
}
