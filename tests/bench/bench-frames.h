/* bench-frames.h — the phases of a frame, as bench-gui.c and
 * bench-frame-floor.c time them (benchmarks, not tests)
 *
 * GTK connects its own handlers to the frame clock's phase signals when
 * the window is realized, before these, so a phase's end is taken in a
 * handler connected after (G_CONNECT_AFTER) and the frame's start in
 * before-paint: "update" is then the tick callbacks (GTK validates the
 * styles of the whole tree in one, on the toplevel), "layout" size
 * allocation, "paint" the snapshot and the renderer, "after-paint" what
 * the backend does after a frame (on X11 it may wait for the server).
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <sys/resource.h>

typedef enum
{
  FRAME_START,
  UPDATE_END,
  LAYOUT_END,
  PAINT_END,
  AFTER_PAINT_END,
  N_MARKS
} BenchFrameMark;

/* @callback (a GdkFrameClock signal handler) gets the BenchFrameMark as
 * its data (GUINT_TO_POINTER) at the start of each frame and at the end
 * of each phase */
static inline void
bench_frames_connect (GdkFrameClock *clock,
                      GCallback callback)
{
  g_signal_connect (clock, "before-paint", callback, GUINT_TO_POINTER (FRAME_START));
  g_signal_connect_after (clock, "update", callback, GUINT_TO_POINTER (UPDATE_END));
  g_signal_connect_after (clock, "layout", callback, GUINT_TO_POINTER (LAYOUT_END));
  g_signal_connect_after (clock, "paint", callback, GUINT_TO_POINTER (PAINT_END));
  g_signal_connect_after (clock, "after-paint", callback, GUINT_TO_POINTER (AFTER_PAINT_END));
}

/* A phase that did not run this frame (its mark older than the one
 * before it) took no time */
static inline void
bench_frames_fill_skipped (gint64 *marks)
{
  for (guint i = UPDATE_END; i < AFTER_PAINT_END; i++)
    if (marks[i] < marks[i - 1])
      marks[i] = marks[i - 1];
}

/* Minor page faults of the calling thread so far: first touches of fresh
 * memory (on the 2-vCPU VM of tests/bench/RESULTS.md one costs ~16 µs).
 * RUSAGE_THREAD needs _GNU_SOURCE before the first include. */
static inline long
bench_thread_minor_faults (void)
{
  struct rusage usage;

  getrusage (RUSAGE_THREAD, &usage);
  return usage.ru_minflt;
}
