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
void gst_confab_fec_collect (GPtrArray **buffers, GBytes *bytes);

/* Pushes @buffers (taken; NULL for none) on @srcpad after the input buffer was pushed with
 * result @ret, each stamped with the input's @pts and @dts: to a jitter buffer a recovered
 * packet is just a late one, and repair packets travel with their frame. Stops at the first
 * failure, dropping the rest; returns the last flow result. */
GstFlowReturn gst_confab_fec_push_after (GstPad *srcpad, GstFlowReturn ret, GPtrArray *buffers,
                                         GstClockTime pts, GstClockTime dts);

/* Properties kept as plain fields of the element instance: @offset is the field's place in
 * it (0: not such a property), its type the pspec's value type (enum, int, uint, uint64 or
 * string; an empty string is stored as NULL). Call with the object lock held. */
void gst_confab_fec_field_set (gpointer instance, gsize offset, const GValue *value);
void gst_confab_fec_field_get (gconstpointer instance, gsize offset, GValue *value);

G_END_DECLS
