/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_CONFAB_FEC_DEC (gst_confab_fec_dec_get_type ())
G_DECLARE_FINAL_TYPE (GstConfabFecDec, gst_confab_fec_dec, GST, CONFAB_FEC_DEC, GstElement)

GST_ELEMENT_REGISTER_DECLARE (confabfecdec);

G_END_DECLS
