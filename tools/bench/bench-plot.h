/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-plot.h: a line chart as a PNG (cairo), for residual loss against channel loss. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *label;
  guint n;
  const double *x; /* percent */
  const double *y; /* percent; <= 0 is drawn at the axis floor */
  gboolean dashed;
} BenchCurve;

gboolean bench_plot_png (const char *path, const char *title, const char *subtitle,
                         const BenchCurve *curves, guint n_curves, GError **error);

G_END_DECLS
