/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_CONFAB_FEC_ENC (gst_confab_fec_enc_get_type ())
G_DECLARE_FINAL_TYPE (GstConfabFecEnc, gst_confab_fec_enc, GST, CONFAB_FEC_ENC, GstElement)

GST_ELEMENT_REGISTER_DECLARE (confabfecenc);

G_END_DECLS
