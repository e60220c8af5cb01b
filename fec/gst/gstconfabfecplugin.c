/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The gstconfabfec plugin: Confab's ULPFEC/FlexFEC encoder and decoder elements. The app
 * loads it from its build directory (CONFAB_PLUGIN_BUILDDIR), so nothing needs installing. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "gstconfabfecdec.h"
#include "gstconfabfecenc.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

static gboolean
plugin_init (GstPlugin *plugin)
{
  gboolean ok = FALSE;

  ok |= GST_ELEMENT_REGISTER (confabfecenc, plugin);
  ok |= GST_ELEMENT_REGISTER (confabfecdec, plugin);
  return ok;
}

#define PACKAGE "confab"
GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, confabfec,
                   "Confab forward error correction (ULPFEC, FlexFEC)", plugin_init,
                   PACKAGE_VERSION, "GPL", "confab", "https://example.invalid/confab")
