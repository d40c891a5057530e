/* test-frame-warmup.c — full-window frames drawn into memory already
 * written (tf-frame-warmup.c; suite 'ui', under Xvfb)
 *
 * Without a GPU the window draws with cairo. On X11 a frame that redraws
 * the whole window after an idle spell wrote ~1,900 pages new to the
 * process (a fresh heap buffer and a fresh shared-memory segment), each
 * ~16 µs on the VM of tests/bench/RESULTS.md. Counted here in the main
 * thread's page faults, not timed.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE /* RUSAGE_THREAD */
#include "config.h"

#include <adwaita.h>
#include <sys/resource.h>

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "tf-ui-test.h"
#include "tf-window-private.h"

static char *scratch;
static AdwApplication *app;

typedef struct
{
  long start;
  long faults;
  guint n_frames;
} FrameFaults;

static long
thread_minor_faults (void)
{
  struct rusage usage;

  getrusage (RUSAGE_THREAD, &usage);
  return usage.ru_minflt;
}

static void
before_paint_cb (GdkFrameClock *clock,
                 FrameFaults *f)
{
  f->start = thread_minor_faults ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                FrameFaults *f)
{
  f->faults = thread_minor_faults () - f->start;
  f->n_frames++;
}

static gboolean
frame_done (gpointer data)
{
  return ((FrameFaults *) data)->n_frames > 0;
}

/* Starts counting the page faults of the next frame of @widget's clock */
static void
count_next_frame (GtkWidget *widget,
                  FrameFaults *f)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), f);
  g_signal_connect_after (clock, "after-paint", G_CALLBACK (after_paint_cb), f);
}

static void
stop_counting (GtkWidget *widget,
               FrameFaults *f)
{
  g_signal_handlers_disconnect_by_data (gtk_widget_get_frame_clock (widget), f);
}

/* The warm-up keeps buffers of glibc's allocator; under AddressSanitizer
 * the image's buffer comes from its allocator instead */
static gboolean
draws_with_cairo_on_x11 (GtkWidget *window)
{
#if defined(__SANITIZE_ADDRESS__)
  return FALSE;
#elif defined(GDK_WINDOWING_X11)
  return GDK_IS_X11_DISPLAY (gtk_widget_get_display (window))
         && GSK_IS_CAIRO_RENDERER (gtk_native_get_renderer (GTK_NATIVE (window)));
#else
  return FALSE;
#endif
}

/* Opening a folder turns the welcome page into the list, a frame that
 * redraws nearly all of the window after it has been idle: with the
 * warm-up left out (TRACKFIX_FRAME_WARMUP=0) that frame took ~1,900 page
 * faults here (a fresh heap buffer for the image, a fresh segment for the
 * X server), with it a few */
static void
test_open_frame_warm (void)
{
  g_autofree char *demo = tf_ui_test_make_demo (scratch);
  g_autoptr (GFile) folder = g_file_new_for_path (demo);
  TfWindow *window = tf_window_new (app);
  FrameFaults f = { 0 };

  gtk_window_set_default_size (GTK_WINDOW (window), 1366, 768);
  gtk_window_present (GTK_WINDOW (window));
  tf_ui_test_spin_for (1000);
  if (!draws_with_cairo_on_x11 (GTK_WIDGET (window)))
    {
      g_test_skip ("Not drawn with cairo on X11, or built with AddressSanitizer");
      gtk_window_destroy (GTK_WINDOW (window));
      return;
    }

  count_next_frame (GTK_WIDGET (window), &f);
  tf_window_open_files (window, &folder, 1);
  tf_ui_test_spin_until (frame_done, &f, 10000);
  stop_counting (GTK_WIDGET (window), &f);
  g_test_message ("the open's frame: %ld page faults", f.faults);
  g_assert_cmpint (f.faults, <, 300);

  tf_ui_test_spin_until (tf_ui_test_scan_done, window, 60000);
  gtk_window_destroy (GTK_WINDOW (window));
  tf_ui_test_spin_for (50);
}

int
main (int argc,
      char *argv[])
{
  int ret;

  scratch = tf_ui_test_make_scratch ("trackfix-warmup-XXXXXX");
  app = tf_ui_test_init (&argc, &argv);
  g_test_add_func ("/frame-warmup/open-frame-warm", test_open_frame_warm);
  ret = g_test_run ();
  tf_ui_test_remove_scratch (scratch);
  g_object_unref (app);
  return ret;
}
