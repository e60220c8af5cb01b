/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gstconfabfeccommon.h: what confabfecenc and confabfecdec share: one RTP sink and one RTP
 * source pad, and the chain tail that pushes the packets an input produced (repair or
 * recovered) after it, with its timestamps. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* Adds the element's "sink" and "src" pad templates (application/x-rtp, always). */
void gst_confab_fec_class_add_pad_templates (GstElementClass *klass);

/* Creates, sets up and adds both pads: @chain and @event on the sink pad, caps and
 * allocation proxied. */
void gst_confab_fec_add_pads (GstElement *element, GstPadChainFunction chain,
                              GstPadEventFunction event, GstPad **sinkpad, GstPad **srcpad);

/* Appends @bytes (not taken) as a buffer to *@buffers, creating the array on first use. */
void gst_confab_fec_collect (GPtrArray **buffers, const guint8 *data, gsize len);

/* Pushes @buffers (taken; NULL for none) on @srcpad after the input buffer was pushed with
 * result @ret, each stamped with the input's @pts and @dts: to a jitter buffer a recovered
 * packet is just a late one, and repair packets travel with their frame. Stops at the first
 * failure, dropping the rest; returns the last flow result. */
GstFlowReturn gst_confab_fec_push_after (GstPad *srcpad, GstFlowReturn ret, GPtrArray *buffers,
                                         GstClockTime pts, GstClockTime dts);

/* Properties kept as plain fields of a struct: @fields[prop_id] is the field's offset in
 * @instance (0: not one of these), its type the value's (enum, int, uint, uint64 or string;
 * an empty string is stored as NULL). FALSE, touching nothing, for other properties. The
 * caller holds whatever lock guards @instance. */
gboolean gst_confab_fec_fields_set (gpointer instance, const gsize *fields, guint n_fields,
                                    guint prop_id, const GValue *value);
gboolean gst_confab_fec_fields_get (gconstpointer instance, const gsize *fields, guint n_fields,
                                    guint prop_id, GValue *value);

/* An element class whose settings are plain fields: its set_property sets one in @fields
 * under the object lock and then, still under it, calls @changed (if not NULL); its
 * get_property reads them. @fields must outlive the class. */
typedef struct
{
  const gsize *fields; /* offsets by property id, as for gst_confab_fec_fields_set() */
  guint n_fields;
  void (*changed) (GObject *object);
} GstConfabFecFields;

void gst_confab_fec_class_install_fields (GObjectClass *klass, const GstConfabFecFields *fields);

/* The get_property gst_confab_fec_class_install_fields() installs, for a class that adds
 * properties of its own and chains to it for the rest. */
void gst_confab_fec_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec);

G_END_DECLS
