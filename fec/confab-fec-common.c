/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-fec-common.h"

GQuark
confab_fec_error_quark (void)
{
  return g_quark_from_static_string ("confab-fec-error-quark");
}

const char *
confab_fec_status_to_string (ConfabFecStatus status)
{
  switch (status)
    {
    case CONFAB_FEC_OK:
      return "ok";
    case CONFAB_FEC_ERR_TRUNCATED:
      return "truncated";
    case CONFAB_FEC_ERR_VERSION:
      return "bad RTP version";
    case CONFAB_FEC_ERR_PADDING:
      return "bad padding";
    case CONFAB_FEC_ERR_TOO_LARGE:
      return "packet too large";
    case CONFAB_FEC_ERR_MALFORMED:
      return "malformed";
    case CONFAB_FEC_ERR_UNSUPPORTED:
      return "unsupported";
    case CONFAB_FEC_ERR_UNKNOWN_SSRC:
      return "unknown SSRC";
    case CONFAB_FEC_ERR_OUT_OF_WINDOW:
      return "outside the window";
    case CONFAB_FEC_ERR_NO_SPACE:
      return "no space";
    case CONFAB_FEC_ERR_INVALID_ARGUMENT:
      return "invalid argument";
    }
  return "unknown status";
}
