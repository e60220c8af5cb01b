/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-plot.c: residual loss (log scale, so 0.1% and 1% can be told apart next to the
 * 30% of no FEC) against channel loss, one curve per scheme, with a legend. */
#include "bench-plot.h"

#include <cairo.h>
#include <math.h>

#define W 1100
#define H 720
#define LEFT 90
#define RIGHT 290
#define TOP 70
#define BOTTOM 70
#define Y_MIN 0.01
#define Y_MAX 100.0

static const double palette[][3] = {
  { 0.10, 0.10, 0.10 }, { 0.85, 0.37, 0.01 }, { 0.12, 0.47, 0.71 }, { 0.17, 0.63, 0.17 },
  { 0.58, 0.40, 0.74 }, { 0.55, 0.34, 0.29 }, { 0.89, 0.47, 0.76 }, { 0.09, 0.75, 0.81 },
  { 0.84, 0.15, 0.16 }, { 0.74, 0.74, 0.13 },
};

static double
map_y (double v)
{
  double lv = log10 (CLAMP (v, Y_MIN, Y_MAX));

  return TOP + (H - TOP - BOTTOM) * (log10 (Y_MAX) - lv) / (log10 (Y_MAX) - log10 (Y_MIN));
}

static double
map_x (double v, double xmax)
{
  return LEFT + (W - LEFT - RIGHT) * v / xmax;
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

gboolean
bench_plot_png (const char *path, const char *title, const char *subtitle, const BenchCurve *curves,
                guint n_curves, GError **error)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (surface);
  cairo_text_extents_t ext;
  cairo_status_t status;
  double xmax = 1;
  char buf[64];

  for (guint c = 0; c < n_curves; c++)
    for (guint i = 0; i < curves[c].n; i++)
      xmax = MAX (xmax, curves[c].x[i]);
  /* Room on the right so the last markers are not cut. */
  xmax = ceil ((xmax + 1) / 5) * 5;

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

  /* Grid and tick labels. */
  cairo_set_line_width (cr, 1);
  for (double v = Y_MIN; v <= Y_MAX * 1.001; v *= 10)
    for (int s = 1; s < 10; s++)
      {
        double y = map_y (v * s);

        if (v * s > Y_MAX * 1.001)
          break;
        cairo_set_source_rgb (cr, s == 1 ? 0.75 : 0.92, s == 1 ? 0.75 : 0.92, s == 1 ? 0.75 : 0.92);
        cairo_move_to (cr, LEFT, y);
        cairo_line_to (cr, W - RIGHT, y);
        cairo_stroke (cr);
        if (s == 1)
          {
            g_snprintf (buf, sizeof buf, "%g%%", v);
            cairo_set_source_rgb (cr, 0, 0, 0);
            cairo_text_extents (cr, buf, &ext);
            cairo_move_to (cr, LEFT - 8 - ext.width, y + 4);
            cairo_show_text (cr, buf);
          }
      }
  for (double v = 0; v <= xmax + 1e-9; v += 5)
    {
      double x = map_x (v, xmax);

      cairo_set_source_rgb (cr, 0.85, 0.85, 0.85);
      cairo_move_to (cr, x, TOP);
      cairo_line_to (cr, x, H - BOTTOM);
      cairo_stroke (cr);
      g_snprintf (buf, sizeof buf, "%g%%", v);
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_text_extents (cr, buf, &ext);
      cairo_move_to (cr, x - ext.width / 2, H - BOTTOM + 20);
      cairo_show_text (cr, buf);
    }
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_rectangle (cr, LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM);
  cairo_stroke (cr);

  cairo_set_font_size (cr, 15);
  cairo_text_extents (cr, "channel packet loss", &ext);
  cairo_move_to (cr, LEFT + (W - LEFT - RIGHT - ext.width) / 2, H - 22);
  cairo_show_text (cr, "channel packet loss");
  cairo_save (cr);
  cairo_translate (cr, 24, TOP + (H - TOP - BOTTOM) / 2.0);
  cairo_rotate (cr, -G_PI / 2);
  cairo_text_extents (cr, "media packets still lost after FEC (log scale)", &ext);
  cairo_move_to (cr, -ext.width / 2, 0);
  cairo_show_text (cr, "media packets still lost after FEC (log scale)");
  cairo_restore (cr);

  /* Curves, clipped to the plot area. */
  cairo_save (cr);
  cairo_rectangle (cr, LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM);
  cairo_clip (cr);
  for (guint c = 0; c < n_curves; c++)
    {
      const double *rgb = palette[c % G_N_ELEMENTS (palette)];
      double dash[] = { 7, 5 };

      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      cairo_set_line_width (cr, 2.2);
      cairo_set_dash (cr, dash, curves[c].dashed ? 2 : 0, 0);
      for (guint i = 0; i < curves[c].n; i++)
        {
          double x = map_x (curves[c].x[i], xmax), y = map_y (curves[c].y[i]);

          if (i == 0)
            cairo_move_to (cr, x, y);
          else
            cairo_line_to (cr, x, y);
        }
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      for (guint i = 0; i < curves[c].n; i++)
        marker (cr, c, map_x (curves[c].x[i], xmax), map_y (curves[c].y[i]));
    }
  cairo_restore (cr);

  /* Legend. */
  cairo_set_font_size (cr, 14);
  for (guint c = 0; c < n_curves; c++)
    {
      const double *rgb = palette[c % G_N_ELEMENTS (palette)];
      double x = W - RIGHT + 24, y = TOP + 16 + c * 26;
      double dash[] = { 7, 5 };

      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      cairo_set_line_width (cr, 2.2);
      cairo_set_dash (cr, dash, curves[c].dashed ? 2 : 0, 0);
      cairo_move_to (cr, x, y);
      cairo_line_to (cr, x + 36, y);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      marker (cr, c, x + 18, y);
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_move_to (cr, x + 46, y + 5);
      cairo_show_text (cr, curves[c].label);
    }
  cairo_set_font_size (cr, 12);
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  cairo_move_to (cr, W - RIGHT + 24, TOP + 32 + n_curves * 26);
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
