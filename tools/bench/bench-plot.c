/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-plot.c: residual loss (log scale, so 0.1% and 1% can be told apart next to the
 * 30% of no FEC) against the delay budget or channel loss, panels side by side, one curve per
 * scheme, with one legend. */
#include "bench-plot.h"

#include <cairo.h>
#include <math.h>

#define PANEL_W 640
#define H 720
#define LEFT 90
#define GAP 70
#define RIGHT 250
#define TOP 100
#define BOTTOM 70
#define Y_MIN 0.01
#define Y_MAX 100.0

static const double palette[][3] = {
  { 0.10, 0.10, 0.10 }, { 0.85, 0.37, 0.01 }, { 0.12, 0.47, 0.71 }, { 0.17, 0.63, 0.17 },
  { 0.58, 0.40, 0.74 }, { 0.55, 0.34, 0.29 }, { 0.89, 0.47, 0.76 }, { 0.09, 0.75, 0.81 },
  { 0.84, 0.15, 0.16 }, { 0.74, 0.74, 0.13 }, { 0.40, 0.40, 0.40 }, { 0.00, 0.40, 0.30 },
};

static double
map_y (double v)
{
  double lv = log10 (CLAMP (v, Y_MIN, Y_MAX));

  return TOP + (H - TOP - BOTTOM) * (log10 (Y_MAX) - lv) / (log10 (Y_MAX) - log10 (Y_MIN));
}

static double
map_x (double v, double x0, double xmax)
{
  return x0 + (PANEL_W - GAP) * v / xmax;
}

static void
marker (cairo_t *cr, guint shape, double x, double y)
{
  switch (shape % 4)
    {
    case 0:
      cairo_arc (cr, x, y, 4, 0, 2 * G_PI);
      break;
    case 1:
      cairo_rectangle (cr, x - 4, y - 4, 8, 8);
      break;
    case 2:
      cairo_move_to (cr, x, y - 5);
      cairo_line_to (cr, x + 5, y + 4);
      cairo_line_to (cr, x - 5, y + 4);
      cairo_close_path (cr);
      break;
    default:
      cairo_move_to (cr, x, y - 5);
      cairo_line_to (cr, x + 5, y);
      cairo_line_to (cr, x, y + 5);
      cairo_line_to (cr, x - 5, y);
      cairo_close_path (cr);
      break;
    }
  cairo_fill (cr);
}

static void
draw_panel (cairo_t *cr, const BenchPanel *p, double x0)
{
  cairo_text_extents_t ext;
  double xmax = p->x_step;
  double x1 = x0 + PANEL_W - GAP;
  char buf[64];

  for (guint c = 0; c < p->n_curves; c++)
    for (guint i = 0; i < p->curves[c].n; i++)
      xmax = MAX (xmax, p->curves[c].x[i]);
  /* Room on the right so the last markers are not cut. */
  xmax = ceil ((xmax + p->x_step / 5) / p->x_step) * p->x_step;

  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 15);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_move_to (cr, x0, TOP - 12);
  cairo_show_text (cr, p->title);
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 13);

  /* Grid and tick labels. */
  cairo_set_line_width (cr, 1);
  for (double v = Y_MIN; v <= Y_MAX * 1.001; v *= 10)
    for (int s = 1; s < 10; s++)
      {
        double y = map_y (v * s);

        if (v * s > Y_MAX * 1.001)
          break;
        cairo_set_source_rgb (cr, s == 1 ? 0.75 : 0.92, s == 1 ? 0.75 : 0.92, s == 1 ? 0.75 : 0.92);
        cairo_move_to (cr, x0, y);
        cairo_line_to (cr, x1, y);
        cairo_stroke (cr);
        if (s == 1)
          {
            g_snprintf (buf, sizeof buf, "%g%%", v);
            cairo_set_source_rgb (cr, 0, 0, 0);
            cairo_text_extents (cr, buf, &ext);
            cairo_move_to (cr, x0 - 8 - ext.width, y + 4);
            cairo_show_text (cr, buf);
          }
      }
  for (double v = 0; v <= xmax + 1e-9; v += p->x_step)
    {
      double x = map_x (v, x0, xmax);

      cairo_set_source_rgb (cr, 0.85, 0.85, 0.85);
      cairo_move_to (cr, x, TOP);
      cairo_line_to (cr, x, H - BOTTOM);
      cairo_stroke (cr);
      /* The last tick is only room for the markers, and its label would meet the next
       * panel's first. */
      if (v > xmax - p->x_step / 2)
        continue;
      g_snprintf (buf, sizeof buf, "%g%s", v, p->x_unit);
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_text_extents (cr, buf, &ext);
      cairo_move_to (cr, x - ext.width / 2, H - BOTTOM + 20);
      cairo_show_text (cr, buf);
    }
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_rectangle (cr, x0, TOP, x1 - x0, H - TOP - BOTTOM);
  cairo_stroke (cr);

  cairo_set_font_size (cr, 15);
  cairo_text_extents (cr, p->x_label, &ext);
  cairo_move_to (cr, x0 + (x1 - x0 - ext.width) / 2, H - 22);
  cairo_show_text (cr, p->x_label);

  /* Curves, clipped to the plot area. */
  cairo_save (cr);
  cairo_rectangle (cr, x0, TOP, x1 - x0, H - TOP - BOTTOM);
  cairo_clip (cr);
  for (guint c = 0; c < p->n_curves; c++)
    {
      const BenchCurve *cv = &p->curves[c];
      const double *rgb = palette[cv->color % G_N_ELEMENTS (palette)];
      double dash[] = { 7, 5 };

      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      cairo_set_line_width (cr, 2.2);
      cairo_set_dash (cr, dash, cv->dashed ? 2 : 0, 0);
      for (guint i = 0; i < cv->n; i++)
        {
          double x = map_x (cv->x[i], x0, xmax), y = map_y (cv->y[i]);

          if (i == 0)
            cairo_move_to (cr, x, y);
          else
            cairo_line_to (cr, x, y);
        }
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      for (guint i = 0; i < cv->n; i++)
        marker (cr, cv->color, map_x (cv->x[i], x0, xmax), map_y (cv->y[i]));
    }
  cairo_restore (cr);
}

gboolean
bench_plot_png (const char *path, const char *title, const char *subtitle, const BenchPanel *panels,
                guint n_panels, GError **error)
{
  double w = LEFT + n_panels * PANEL_W + RIGHT;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) w, H);
  cairo_t *cr = cairo_create (surface);
  cairo_text_extents_t ext;
  cairo_status_t status;
  guint64 shown = 0;
  guint n_legend = 0;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 20);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_move_to (cr, LEFT, 32);
  cairo_show_text (cr, title);
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 13);
  cairo_move_to (cr, LEFT, 54);
  cairo_show_text (cr, subtitle);

  for (guint i = 0; i < n_panels; i++)
    draw_panel (cr, &panels[i], LEFT + i * PANEL_W);

  cairo_set_font_size (cr, 15);
  cairo_save (cr);
  cairo_translate (cr, 24, TOP + (H - TOP - BOTTOM) / 2.0);
  cairo_rotate (cr, -G_PI / 2);
  cairo_text_extents (cr, "media packets still lost after FEC (log scale)", &ext);
  cairo_move_to (cr, -ext.width / 2, 0);
  cairo_show_text (cr, "media packets still lost after FEC (log scale)");
  cairo_restore (cr);

  /* Legend: each colour once. */
  cairo_set_font_size (cr, 14);
  for (guint i = 0; i < n_panels; i++)
    for (guint c = 0; c < panels[i].n_curves; c++)
      {
        const BenchCurve *cv = &panels[i].curves[c];
        const double *rgb = palette[cv->color % G_N_ELEMENTS (palette)];
        double x = w - RIGHT + 10, y = TOP + 16 + n_legend * 26;
        double dash[] = { 7, 5 };

        if (cv->color < 64 && (shown & (G_GUINT64_CONSTANT (1) << cv->color)))
          continue;
        if (cv->color < 64)
          shown |= G_GUINT64_CONSTANT (1) << cv->color;
        n_legend++;
        cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
        cairo_set_line_width (cr, 2.2);
        cairo_set_dash (cr, dash, cv->dashed ? 2 : 0, 0);
        cairo_move_to (cr, x, y);
        cairo_line_to (cr, x + 36, y);
        cairo_stroke (cr);
        cairo_set_dash (cr, NULL, 0, 0);
        marker (cr, cv->color, x + 18, y);
        cairo_set_source_rgb (cr, 0, 0, 0);
        cairo_move_to (cr, x + 46, y + 5);
        cairo_show_text (cr, cv->label);
      }
  cairo_set_font_size (cr, 12);
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  cairo_move_to (cr, w - RIGHT + 10, TOP + 32 + n_legend * 26);
  cairo_show_text (cr, "0 is drawn at 0.01%");

  cairo_destroy (cr);
  status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot write the plot %s: %s", path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
