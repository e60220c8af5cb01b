/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "gstconfabfeccommon.h"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE (
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS ("application/x-rtp"));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE (
    "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("application/x-rtp"));

void
gst_confab_fec_class_add_pad_templates (GstElementClass *klass)
{
  gst_element_class_add_static_pad_template (klass, &sink_template);
  gst_element_class_add_static_pad_template (klass, &src_template);
}

void
gst_confab_fec_add_pads (GstElement *element, GstPadChainFunction chain, GstPadEventFunction event,
                         GstPad **sinkpad, GstPad **srcpad)
{
  *sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (*sinkpad, chain);
  gst_pad_set_event_function (*sinkpad, event);
  GST_PAD_SET_PROXY_CAPS (*sinkpad);
  GST_PAD_SET_PROXY_ALLOCATION (*sinkpad);
  gst_element_add_pad (element, *sinkpad);

  *srcpad = gst_pad_new_from_static_template (&src_template, "src");
  GST_PAD_SET_PROXY_CAPS (*srcpad);
  gst_element_add_pad (element, *srcpad);
}

void
gst_confab_fec_collect (GPtrArray **buffers, const guint8 *data, gsize len)
{
  if (*buffers == NULL)
    *buffers = g_ptr_array_new ();
  g_ptr_array_add (*buffers, gst_buffer_new_memdup (data, len));
}

GstFlowReturn
gst_confab_fec_push_after (GstPad *srcpad, GstFlowReturn ret, GPtrArray *buffers, GstClockTime pts,
                           GstClockTime dts)
{
  if (buffers == NULL)
    return ret;
  for (guint i = 0; i < buffers->len; i++)
    {
      GstBuffer *b = g_ptr_array_index (buffers, i);

      if (ret != GST_FLOW_OK)
        {
          gst_buffer_unref (b);
          continue;
        }
      GST_BUFFER_PTS (b) = pts;
      GST_BUFFER_DTS (b) = dts;
      ret = gst_pad_push (srcpad, b);
    }
  g_ptr_array_unref (buffers);
  return ret;
}

gboolean
gst_confab_fec_fields_set (gpointer instance, const gsize *fields, guint n_fields, guint prop_id,
                           const GValue *value)
{
  gpointer field;

  if (prop_id >= n_fields || fields[prop_id] == 0)
    return FALSE;
  field = G_STRUCT_MEMBER_P (instance, fields[prop_id]);
  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (value)))
    {
    case G_TYPE_ENUM:
      *(gint *) field = g_value_get_enum (value);
      break;
    case G_TYPE_INT:
      *(gint *) field = g_value_get_int (value);
      break;
    case G_TYPE_UINT:
      *(guint *) field = g_value_get_uint (value);
      break;
    case G_TYPE_UINT64:
      *(guint64 *) field = g_value_get_uint64 (value);
      break;
    case G_TYPE_STRING:
      {
        const gchar *str = g_value_get_string (value);

        g_free (*(gchar **) field);
        *(gchar **) field = str && str[0] ? g_strdup (str) : NULL;
      }
      break;
    default:
      g_return_val_if_reached (FALSE);
    }
  return TRUE;
}

gboolean
gst_confab_fec_fields_get (gconstpointer instance, const gsize *fields, guint n_fields,
                           guint prop_id, GValue *value)
{
  gconstpointer field;

  if (prop_id >= n_fields || fields[prop_id] == 0)
    return FALSE;
  field = G_STRUCT_MEMBER_P (instance, fields[prop_id]);
  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (value)))
    {
    case G_TYPE_ENUM:
      g_value_set_enum (value, *(const gint *) field);
      break;
    case G_TYPE_INT:
      g_value_set_int (value, *(const gint *) field);
      break;
    case G_TYPE_UINT:
      g_value_set_uint (value, *(const guint *) field);
      break;
    case G_TYPE_UINT64:
      g_value_set_uint64 (value, *(const guint64 *) field);
      break;
    case G_TYPE_STRING:
      g_value_set_string (value, *(gchar *const *) field);
      break;
    default:
      g_return_val_if_reached (FALSE);
    }
  return TRUE;
}

G_DEFINE_QUARK (gst - confab - fec - fields, fields)

static const GstConfabFecFields *
fields_of (GObject *object)
{
  return g_type_get_qdata (G_OBJECT_TYPE (object), fields_quark ());
}

static void
set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  const GstConfabFecFields *f = fields_of (object);
  gboolean known;

  GST_OBJECT_LOCK (object);
  known = gst_confab_fec_fields_set (object, f->fields, f->n_fields, prop_id, value);
  if (known && f->changed)
    f->changed (object);
  GST_OBJECT_UNLOCK (object);
  if (known)
    g_object_notify_by_pspec (object, pspec);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

void
gst_confab_fec_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  const GstConfabFecFields *f = fields_of (object);
  gboolean known;

  GST_OBJECT_LOCK (object);
  known = gst_confab_fec_fields_get (object, f->fields, f->n_fields, prop_id, value);
  GST_OBJECT_UNLOCK (object);
  if (!known)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

void
gst_confab_fec_class_install_fields (GObjectClass *klass, const GstConfabFecFields *fields)
{
  g_type_set_qdata (G_OBJECT_CLASS_TYPE (klass), fields_quark (), (gpointer) fields);
  klass->set_property = set_property;
  klass->get_property = gst_confab_fec_get_property;
}
