/* bench-gui.c — how the window copes with a big queue (not a test)
 *
 * Usage: bench-gui DIR   (a folder, e.g. from `trackfix-gen queue DIR 100000`)
 *
 * Opens DIR in a real TfWindow and prints:
 *   first_rows_s   time from open until the list shows its first rows
 *   full_list_s    time until the scan finished and the filter caught up
 *   max_stall_ms   longest gap between two main-loop ticks (a 2 ms timer)
 *   peak_rss_mb    peak resident set size of the process
 * plus the same after a search (and clearing it), Problems Only (and back
 * to All Items) and a sort over the full list. Goals
 * (issue 3): first rows ≤ 0.3 s, no stall > 50 ms, ≤ 300 MB; (issue 16)
 * first frame within 100 ms of mapping.
 *
 * BENCH_OPEN_AT_START=1 opens DIR before the window is shown, as
 * `trackfix DIR` does (the scan then waits for the first frame); by
 * default the window is shown and idle for 2 s first. BENCH_FILTER_ONLY=1
 * stops after the search and Problems Only steps.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE /* RUSAGE_THREAD */
#include "config.h"

#include <adwaita.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench-frames.h"
#include "tf-application.h"
#include "tf-window-private.h"

static gint64 last_tick;
static gint64 max_stall;
static gint64 last_cpu;
static gint64 max_cpu_stall;
static gint64 bench_start;

/* Frame phases (BENCH_VERBOSE): where a slow frame spends its time
 * (bench-frames.h) */
static gint64 frame_marks[N_MARKS];
static long frame_start_faults;
static guint n_frames;

static void
frame_phase_cb (GdkFrameClock *clock,
                gpointer data)
{
  guint mark = GPOINTER_TO_UINT (data);
  gint64 now = g_get_monotonic_time ();
  gint64 *m = frame_marks;

  frame_marks[mark] = now;
  if (mark == FRAME_START)
    frame_start_faults = bench_thread_minor_faults ();
  if (mark != AFTER_PAINT_END)
    return;
  n_frames++;
  bench_frames_fill_skipped (m);
  if (m[FRAME_START] != 0 && now - m[FRAME_START] > 30000)
    g_printerr ("  slow frame at %.3f s (monotonic %.6f s): %.0f ms (update %.0f, layout %.0f, paint %.0f, after-paint %.0f; %ld page faults)\n",
                (m[FRAME_START] - bench_start) / 1e6, m[FRAME_START] / 1e6, (now - m[FRAME_START]) / 1e3,
                (m[UPDATE_END] - m[FRAME_START]) / 1e3, (m[LAYOUT_END] - m[UPDATE_END]) / 1e3,
                (m[PAINT_END] - m[LAYOUT_END]) / 1e3, (now - m[PAINT_END]) / 1e3,
                bench_thread_minor_faults () - frame_start_faults);
  memset (frame_marks, 0, sizeof frame_marks);
}

/* CPU time of the main thread: on a loaded machine (other processes
 * competing for the cores) wall-clock stalls mostly measure waiting for a
 * core; the main thread's own CPU time between two ticks is what the app
 * costs. Both are reported. */
static gint64
thread_cpu_usec (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
tick_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_usec ();

  if (last_cpu != 0 && cpu - last_cpu > max_cpu_stall)
    max_cpu_stall = cpu - last_cpu;
  if (last_cpu != 0 && cpu - last_cpu > 50000 && g_getenv ("BENCH_VERBOSE") != NULL)
    g_printerr ("  main-thread CPU stall of %.0f ms at %.3f s\n", (cpu - last_cpu) / 1e3, (now - bench_start) / 1e6);
  last_cpu = cpu;

  if (last_tick != 0 && now - last_tick > max_stall)
    max_stall = now - last_tick;
  if (last_tick != 0 && now - last_tick > 50000 && g_getenv ("BENCH_VERBOSE") != NULL)
    g_printerr ("  stall of %.0f ms ending at %.3f s (monotonic %.6f s)\n", (now - last_tick) / 1e3, (now - bench_start) / 1e6, now / 1e6);
  last_tick = now;

  return G_SOURCE_CONTINUE;
}

/* From mapping the window to the end of its first painted frame: until
 * then the window is black (issue 16: within 100 ms) */
static gint64 map_time;
static gint64 first_frame_time;
static gint64 map_cpu;
static gint64 first_frame_cpu;

static void
first_paint_cb (GdkFrameClock *clock,
                gpointer data)
{
  if (first_frame_time == 0 && map_time != 0)
    {
      first_frame_time = g_get_monotonic_time ();
      first_frame_cpu = thread_cpu_usec ();
    }
}

static void
window_map_cb (GtkWidget *widget,
               gpointer data)
{
  map_time = g_get_monotonic_time ();
  map_cpu = thread_cpu_usec ();
}

static void
window_realize_cb (GtkWidget *widget,
                   gpointer data)
{
  g_signal_connect (gtk_widget_get_frame_clock (widget), "after-paint", G_CALLBACK (first_paint_cb), NULL);
}

static double
peak_rss_mb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

static gboolean
settled (TfWindow *window)
{
  return !_tf_window_is_scanning (window) && !_tf_window_list_is_sorting (window) && tf_filter_store_get_pending (window->filter_model) == 0;
}

static void
wait_settled (TfWindow *window)
{
  while (!settled (window))
    g_main_context_iteration (NULL, TRUE);
}

static gint64 step_start;
static gint64 step_start_cpu;

static void
step_begin (void)
{
  max_stall = 0;
  max_cpu_stall = 0;
  last_cpu = thread_cpu_usec ();
  last_tick = g_get_monotonic_time ();
  step_start = last_tick;
  step_start_cpu = last_cpu;
  /* For `perf record -k CLOCK_MONOTONIC` + `perf report --time A,B` */
  if (g_getenv ("BENCH_VERBOSE") != NULL)
    g_printerr ("  step starts at monotonic %.6f s\n", step_start / 1e6);
}

/* Waits for the list to settle, then prints how long it took and the
 * longest stall */
static void
step_end (TfWindow *window,
          const char *name)
{
  g_autofree char *s = g_strdup_printf ("%s_s", name);
  g_autofree char *stall = g_strdup_printf ("%s_stall_ms", name);

  /* A change applied on a worker thread settles later: spin a little */
  for (gint64 until = g_get_monotonic_time () + 100000; g_get_monotonic_time () < until;)
    g_main_context_iteration (NULL, FALSE);
  wait_settled (window);
  g_print ("%-15s %.3f (%u rows)\n", s, (g_get_monotonic_time () - step_start) / 1e6,
           g_list_model_get_n_items (G_LIST_MODEL (window->selection)));
  g_print ("%-15s %.1f (wall)  %.1f (main-thread CPU)\n", stall, max_stall / 1e3, max_cpu_stall / 1e3);
  g_print ("%s_cpu_ms%*s%.1f (main-thread CPU, whole step)\n", name, (int) MAX (1, 9 - (int) strlen (name)), "",
           (thread_cpu_usec () - step_start_cpu) / 1e3);
  if (g_getenv ("BENCH_VERBOSE") != NULL)
    {
      /* The row widgets GTK keeps: each new one is built and measured */
      GtkWidget *list = gtk_widget_get_last_child (GTK_WIDGET (window->items_view));
      guint rows = 0;

      for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
        rows++;
      g_printerr ("  %u row widgets after %s\n", rows, name);
    }
}

int
main (int argc,
      char *argv[])
{
  g_autoptr (TfApplication) app = NULL;
  g_autoptr (GFile) dir = NULL;
  TfWindow *window;
  gint64 start = 0;
  gint64 first_rows = -1;
  gint64 full;
  GtkScrolledWindow *scroller;
  GtkAdjustment *adjustment;
  gboolean open_at_start = g_getenv ("BENCH_OPEN_AT_START") != NULL;

  if (argc != 2)
    {
      g_printerr ("Usage: %s DIR\n", argv[0]);
      return 2;
    }

  /* As main() does: the application chooses the renderer (and leaves
   * OpenGL out without a GPU) before GTK starts */
  app = tf_application_new ();
  gtk_init ();
  adw_init ();

  g_application_register (G_APPLICATION (app), NULL, NULL);
  window = tf_window_new (ADW_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1366, 768);
  g_signal_connect (window, "realize", G_CALLBACK (window_realize_cb), NULL);
  g_signal_connect (window, "map", G_CALLBACK (window_map_cb), NULL);
  dir = g_file_new_for_commandline_arg (argv[1]);
  if (open_at_start)
    {
      start = g_get_monotonic_time ();
      bench_start = start;
      last_tick = start;
      last_cpu = thread_cpu_usec ();
      tf_window_open_files (window, &dir, 1);
    }
  gtk_window_present (GTK_WINDOW (window));
  /* Let the window map and draw its first frame before measuring */
  while (!open_at_start && (map_time == 0 || g_get_monotonic_time () - map_time < 2 * G_USEC_PER_SEC))
    g_main_context_iteration (NULL, FALSE);

  g_timeout_add (2, tick_cb, NULL);
  scroller = GTK_SCROLLED_WINDOW (gtk_widget_get_parent (GTK_WIDGET (window->items_view)));
  adjustment = gtk_scrolled_window_get_vadjustment (scroller);
  if (g_getenv ("BENCH_NO_OVERLAY") != NULL)
    gtk_scrolled_window_set_overlay_scrolling (scroller, FALSE);

  if (g_getenv ("BENCH_VERBOSE") != NULL)
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

      bench_frames_connect (clock, G_CALLBACK (frame_phase_cb));
    }

  if (!open_at_start)
    {
      start = g_get_monotonic_time ();
      bench_start = start;
      last_tick = start;
      max_stall = 0;
      last_cpu = thread_cpu_usec ();
      max_cpu_stall = 0;
      tf_window_open_files (window, &dir, 1);
    }

  while (!settled (window) || first_rows < 0)
    {
      if (g_get_monotonic_time () - start > 900 * G_USEC_PER_SEC)
        {
          g_printerr ("bench-gui: gave up after 900 s (%u rows so far)\n",
                      g_list_model_get_n_items (G_LIST_MODEL (window->selection)));
          return 1;
        }
      g_main_context_iteration (NULL, TRUE);
      if (first_rows < 0 && g_list_model_get_n_items (G_LIST_MODEL (window->selection)) > 0)
        {
          first_rows = g_get_monotonic_time () - start;
          if (g_getenv ("BENCH_VERBOSE") != NULL)
            g_printerr ("  first %u rows at %.3f s\n", g_list_model_get_n_items (G_LIST_MODEL (window->selection)),
                        first_rows / 1e6);
        }
      if (g_getenv ("BENCH_VERBOSE") != NULL)
        {
          static gint64 last_report;

          if (g_get_monotonic_time () - last_report > G_USEC_PER_SEC)
            {
              last_report = g_get_monotonic_time ();
              g_printerr ("  %.1f s: %u rows, %u frames, sorting %d, filter pending %u, stall %.0f ms\n",
                          (last_report - start) / 1e6,
                          g_list_model_get_n_items (G_LIST_MODEL (window->selection)), n_frames,
                          _tf_window_list_is_sorting (window),
                          tf_filter_store_get_pending (window->filter_model),
                          max_stall / 1e3);
            }
        }
      /* Scroll like a user watching the queue fill up */
      if (g_getenv ("BENCH_NO_SCROLL") == NULL)
        gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    }
  full = g_get_monotonic_time () - start;
  if (g_getenv ("BENCH_VERBOSE") != NULL)
    {
      /* An idle window should not draw at all */
      for (guint second = 1; second <= 2; second++)
        {
          guint frames = n_frames;
          gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC;

          while (g_get_monotonic_time () < until)
            g_main_context_iteration (NULL, FALSE);
          g_printerr ("  %u frames in second %u after the list was complete\n", n_frames - frames, second);
        }
    }

  g_print ("renderer        %s\n", G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))));
  g_print ("first_frame_ms  %.1f (map to first painted frame)  %.1f (main-thread CPU)\n",
           (first_frame_time - map_time) / 1e3, (first_frame_cpu - map_cpu) / 1e3);
  g_print ("items           %u\n", g_list_model_get_n_items (G_LIST_MODEL (window->selection)));
  g_print ("first_rows_s    %.3f\n", first_rows / 1e6);
  g_print ("full_list_s     %.3f\n", full / 1e6);
  g_print ("max_stall_ms    %.1f (wall)  %.1f (main-thread CPU)\n", max_stall / 1e3, max_cpu_stall / 1e3);
  g_print ("peak_rss_mb     %.1f\n", peak_rss_mb ());
#ifdef __GLIBC__
  if (g_getenv ("BENCH_VERBOSE") != NULL)
    {
      struct mallinfo2 info = mallinfo2 ();

      /* What of the RSS is malloc (items, GTK objects) and what is not
       * (renderer buffers, mapped fonts and libraries) */
      g_printerr ("  malloc: %.1f MB in use, %.1f MB held (arenas %.1f, mmap %.1f)\n",
                  info.uordblks / 1e6 + info.hblkhd / 1e6, (info.arena + info.hblkhd) / 1e6,
                  info.arena / 1e6, info.hblkhd / 1e6);
    }
#endif

  /* Search as you type over the full list */
  step_begin ();
  gtk_editable_set_text (GTK_EDITABLE (window->search_entry), "track_time_1601");
  g_signal_emit_by_name (window->search_entry, "search-changed");
  step_end (window, "search");

  step_begin ();
  gtk_editable_set_text (GTK_EDITABLE (window->search_entry), "");
  g_signal_emit_by_name (window->search_entry, "search-changed");
  step_end (window, "unsearch");

  /* Problems Only (a filter over the full list), then back to all */
  step_begin ();
  gtk_list_box_select_row (window->views_list, gtk_list_box_get_row_at_index (window->views_list, 4));
  step_end (window, "problems");
  step_begin ();
  gtk_list_box_select_row (window->views_list, gtk_list_box_get_row_at_index (window->views_list, 0));
  step_end (window, "all");

  if (g_getenv ("BENCH_FILTER_ONLY") != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (window));
      return 0;
    }

  /* Sort by subject from the sort menu (a header click does the same),
   * then back to the default order */
  step_begin ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.sort-by", "s", "subject");
  step_end (window, "sort");
  step_begin ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.sort-by", "s", "default");
  step_end (window, "unsort");

  /* A rescan: the same files read again, swapped in at the end */
  step_begin ();
  _tf_window_rescan (window);
  step_end (window, "rescan");
  g_print ("peak_rss_mb     %.1f\n", peak_rss_mb ());

  gtk_window_destroy (GTK_WINDOW (window));

  return 0;
}
