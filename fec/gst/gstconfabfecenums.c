/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "gstconfabfecenums.h"

#include "confab-fec-common.h"

GType
gst_confab_fec_scheme_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { CONFAB_FEC_SCHEME_ULPFEC, "ULPFEC (RFC 5109) on the media SSRC", "ulpfec" },
    { CONFAB_FEC_SCHEME_FLEXFEC, "FlexFEC (RFC 8627) on its own SSRC", "flexfec" },
    { CONFAB_FEC_SCHEME_RS, "Reed-Solomon (x-confab-rs, Confab only) on its own SSRC", "rs" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstConfabFecScheme", values));
  return type;
}

GType
gst_confab_fec_mask_family_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { CONFAB_FEC_MASK_RANDOM, "Masks tuned for independent loss", "random" },
    { CONFAB_FEC_MASK_BURSTY, "Masks that always recover a burst of up to m losses", "bursty" },
    { CONFAB_FEC_MASK_ROWS, "Fixed rows of L packets", "rows" },
    { CONFAB_FEC_MASK_COLUMNS, "Fixed columns of an L x D block", "columns" },
    { CONFAB_FEC_MASK_2D, "Fixed rows and columns of an L x D block", "2d" },
    { CONFAB_FEC_MASK_SEARCHED, "Masks searched offline for independent and bursty loss",
      "searched" },
    { CONFAB_FEC_MASK_SLIDING, "Overlapping windows within the delay budget (needs one)",
      "sliding" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstConfabFecMaskFamily", values));
  return type;
}
