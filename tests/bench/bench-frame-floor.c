/* bench-frame-floor.c — what one full-window frame costs on this display,
 * without Trackfix (not a test)
 *
 * Usage: bench-frame-floor [SWITCHES]
 *
 * A bare libadwaita window of 1366 × 768 with the renderer Trackfix picks
 * without a GPU (cairo, OpenGL left out) shows a status page like the
 * welcome page; after 2 s idle, as bench-gui waits before its open, it
 * switches SWITCHES times (default 12, every 400 ms) between that page
 * and a page that covers the window with a view background and 30 lines
 * of text, so every switch redraws the whole window. For each switch it
 * prints the frame's wall time, its phases and the main thread's minor
 * page faults, then
 *   floor_cold_frame_ms   the first switch (fresh image and shared
 *                         memory to draw into)
 *   floor_warm_frame_ms   the median of the others
 * bench-gui.sh prints these next to the window's own figures: a frame of
 * Trackfix's that redraws the whole window cannot cost less than this.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE /* RUSAGE_THREAD */
#include <adwaita.h>
#include <stdlib.h>

#include "bench-frames.h"

typedef struct
{
  GtkStack *stack;
  gint64 marks[N_MARKS];
  long start_faults;
  guint n_switches;
  guint switches_done;
  gboolean switched;
  GArray *frames_ms;
  GApplication *app;
} Floor;

static Floor floor_state;

/* Frame phases as bench-gui.c takes them (bench-frames.h) */
static void
phase_cb (GdkFrameClock *clock,
          gpointer data)
{
  Floor *f = &floor_state;
  guint mark = GPOINTER_TO_UINT (data);
  gint64 now = g_get_monotonic_time ();
  gint64 *m = f->marks;
  double total;

  m[mark] = now;
  if (mark == FRAME_START)
    {
      for (guint i = UPDATE_END; i < N_MARKS; i++)
        m[i] = now;
      f->start_faults = bench_thread_minor_faults ();
    }
  if (mark != AFTER_PAINT_END || !f->switched)
    return;
  f->switched = FALSE;
  bench_frames_fill_skipped (m);
  total = (now - m[FRAME_START]) / 1e3;
  g_array_append_val (f->frames_ms, total);
  g_print ("switch %u: %.1f ms (update %.1f, layout %.1f, paint %.1f, after-paint %.1f; %ld page faults)\n",
           f->frames_ms->len, total, (m[UPDATE_END] - m[FRAME_START]) / 1e3, (m[LAYOUT_END] - m[UPDATE_END]) / 1e3,
           (m[PAINT_END] - m[LAYOUT_END]) / 1e3, (now - m[PAINT_END]) / 1e3,
           bench_thread_minor_faults () - f->start_faults);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
print_summary (Floor *f)
{
  g_autoptr (GArray) warm = g_array_new (FALSE, FALSE, sizeof (double));

  if (f->frames_ms->len == 0)
    {
      g_printerr ("bench-frame-floor: no switch was drawn\n");
      return;
    }
  g_print ("floor_cold_frame_ms %.1f\n", g_array_index (f->frames_ms, double, 0));
  if (f->frames_ms->len < 2)
    return;
  g_array_append_vals (warm, &g_array_index (f->frames_ms, double, 1), f->frames_ms->len - 1);
  g_array_sort (warm, compare_doubles);
  g_print ("floor_warm_frame_ms %.1f\n", g_array_index (warm, double, warm->len / 2));
}

static gboolean
switch_cb (gpointer data)
{
  Floor *f = data;

  if (f->switches_done == f->n_switches)
    {
      print_summary (f);
      g_application_quit (f->app);
      return G_SOURCE_REMOVE;
    }
  f->switches_done++;
  f->switched = TRUE;
  gtk_stack_set_visible_child_name (f->stack, f->switches_done % 2 ? "rows" : "welcome");
  return G_SOURCE_CONTINUE;
}

static gboolean
start_cb (gpointer data)
{
  g_timeout_add (400, switch_cb, data);
  switch_cb (data);
  return G_SOURCE_REMOVE;
}

static GtkWidget *
rows_page (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  gtk_widget_add_css_class (box, "view");
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *text = g_strdup_printf ("Bench meeting %05u    Anna Organizer <anna@example.com>    "
                                               "2022-11-29 10:00    1601 track time",
                                               i);
      GtkWidget *label = gtk_label_new (text);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_box_append (GTK_BOX (box), label);
    }
  return box;
}

static void
activate_cb (GtkApplication *app,
             gpointer data)
{
  Floor *f = data;
  GtkWidget *window = adw_application_window_new (app);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *welcome = adw_status_page_new ();
  GdkFrameClock *clock;

  gtk_window_set_default_size (GTK_WINDOW (window), 1366, 768);
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (welcome), "folder-open-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (welcome), "Open a Queue Folder");
  adw_status_page_set_description (ADW_STATUS_PAGE (welcome), "A full-window change, drawn by GTK alone");
  f->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_add_named (f->stack, welcome, "welcome");
  gtk_stack_add_named (f->stack, rows_page (), "rows");
  gtk_widget_set_vexpand (GTK_WIDGET (f->stack), TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->stack));
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));

  clock = gtk_widget_get_frame_clock (window);
  bench_frames_connect (clock, G_CALLBACK (phase_cb));
  g_timeout_add (2000, start_cb, f);
}

int
main (int argc,
      char **argv)
{
  g_autoptr (AdwApplication) app = NULL;
  Floor *f = &floor_state;
  int status;

  /* The renderer tf-application.c chooses when there is no GPU */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GDK_DEBUG", "gl-disable", FALSE);
  f->n_switches = argc > 1 ? (guint) CLAMP (atoi (argv[1]), 1, 1000) : 12;
  f->frames_ms = g_array_new (FALSE, FALSE, sizeof (double));
  app = adw_application_new ("io.github.trackfix.BenchFrameFloor", G_APPLICATION_NON_UNIQUE);
  f->app = G_APPLICATION (app);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), f);
  status = g_application_run (G_APPLICATION (app), 1, argv);
  g_array_unref (f->frames_ms);
  return status;
}
