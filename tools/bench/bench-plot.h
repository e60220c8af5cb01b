/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-plot.h: line charts side by side in one PNG (cairo): residual loss (log scale)
 * against the delay budget or the channel loss, one curve per scheme, one legend. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *label;
  guint color; /* palette index: the same scheme gets the same colour in every panel */
  guint n;
  const double *x;
  const double *y; /* percent; <= 0 is drawn at the axis floor */
  gboolean dashed;
} BenchCurve;

typedef struct
{
  const char *title;
  const char *x_label;
  const char *x_unit; /* after each tick's value: "%", " ms" */
  double x_step;      /* between grid lines */
  const BenchCurve *curves;
  guint n_curves;
} BenchPanel;

/* The legend lists each colour once, with the label of its first curve. */
gboolean bench_plot_png (const char *path, const char *title, const char *subtitle,
                         const BenchPanel *panels, guint n_panels, GError **error);

G_END_DECLS
