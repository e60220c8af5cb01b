/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define GST_TYPE_CONFAB_FEC_SCHEME (gst_confab_fec_scheme_get_type ())
GType gst_confab_fec_scheme_get_type (void);

#define GST_TYPE_CONFAB_FEC_MASK_FAMILY (gst_confab_fec_mask_family_get_type ())
GType gst_confab_fec_mask_family_get_type (void);

G_END_DECLS
