/* tf-frame-warmup.c — keep the memory full-window frames are drawn in
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Without a GPU Trackfix draws with GSK's cairo renderer (tf-application.c).
 * On X11, GDK 4.8 then draws each frame into a new image surface the size
 * of the damaged area, and cairo-xlib copies it into a shared-memory
 * segment for the X server, taken from a pool that cairo destroys as soon
 * as nothing in it is in use. So a frame that redraws the whole window
 * after an idle spell writes to two buffers of ~4 MB that are new to the
 * process: a fresh heap area (glibc returns a freed buffer of that size to
 * the system the first time, then keeps the next ones in the heap) and a
 * fresh segment, which the X server maps anew as well. In the VMs and
 * remote desktops where admins run Trackfix without a GPU, the first write
 * to a page costs ~16 µs (50× hardware), so such a frame pays ~30 ms
 * before it draws anything; the open of a queue folder (welcome page →
 * list) is such a frame (tests/bench/RESULTS.md, issue 16 §8).
 *
 * After the window's first frame, in three idle passes of ~1,000 first
 * writes each (~16 ms here), this keeps both warm:
 *   - cairo-xlib's pool: it takes a frame's image from a pool of shared
 *     memory eight times the size of the image that made it, a buddy
 *     allocator that hands out the block of a size freed last first. A
 *     full-window image, a 64 × 64 one (16 KiB, well above the 128 bytes
 *     below which cairo-xlib keeps an image out of shared memory), then an
 *     image of the block size below (4 MiB at 1366 × 768): cairo clears each
 *     new image, so the blocks of the first and the last are written once;
 *     let go, they are the blocks the next frames of those sizes get (a
 *     full window; most of one, as when a folder opens). The small image
 *     is held while the window is realized, so the pool, and the X server's
 *     mapping of it, stay;
 *   - the heap: one write to a buffer the size of a full-window frame,
 *     freed again next to the heap's top (glibc keeps buffers of the size
 *     of one it once returned to the system), where the next frame's image
 *     surface finds it.
 * Neither changes what is drawn. With OpenGL or on Wayland it does
 * nothing; with another cairo or C library it costs the writes and saves
 * nothing.
 */

#define G_LOG_DOMAIN "Trackfix"

#include "config.h"

#include "tf-frame-warmup.h"

#include <string.h>

#if defined(GDK_WINDOWING_X11) && defined(HAVE_X11_FRAMES)
#include <cairo-xlib.h>
#include <gdk/x11/gdkx.h>
#endif

#define WARMUP_KEY "tf-frame-warmup"

#if defined(GDK_WINDOWING_X11) && defined(HAVE_X11_FRAMES)
typedef enum
{
  STEP_POOL,
  STEP_PART,
  STEP_HEAP,
} Step;

typedef struct
{
  GdkSurface *surface;
  GdkFrameClock *clock;
  gulong after_paint_id;
  guint idle_id;
  Step step;
  cairo_surface_t *root;
  cairo_surface_t *frame;
  cairo_surface_t *pool_holder;
} Warmup;

static void
warmup_free (gpointer data)
{
  Warmup *w = data;

  g_clear_signal_handler (&w->after_paint_id, w->clock);
  g_clear_object (&w->clock);
  g_clear_object (&w->surface);
  g_clear_handle_id (&w->idle_id, g_source_remove);
  g_clear_pointer (&w->frame, cairo_surface_destroy);
  g_clear_pointer (&w->pool_holder, cairo_surface_destroy);
  g_clear_pointer (&w->root, cairo_surface_destroy);
  g_free (w);
}

/* An image in cairo-xlib's shared memory, or NULL when cairo would give a
 * plain image (no MIT-SHM, as over ssh -X: then there is nothing to keep
 * warm, and drawing it onto a pixmap would send it over the wire). Only
 * cairo-xlib's shared-memory images belong to the display's device. */
static cairo_surface_t *
shm_image (cairo_surface_t *root,
           int width,
           int height)
{
  cairo_surface_t *image = cairo_surface_create_similar_image (root, CAIRO_FORMAT_ARGB32, width, height);

  if (cairo_surface_status (image) != CAIRO_STATUS_SUCCESS || cairo_surface_get_device (image) == NULL)
    g_clear_pointer (&image, cairo_surface_destroy);
  return image;
}

/* A full-window frame's size in device pixels */
static void
frame_size (GdkSurface *surface,
            int *width,
            int *height)
{
  int scale = gdk_surface_get_scale_factor (surface);

  *width = MAX (gdk_surface_get_width (surface), 1) * scale;
  *height = MAX (gdk_surface_get_height (surface), 1) * scale;
}

static void
warm_pool (Warmup *w)
{
  Display *xdisplay = gdk_x11_display_get_xdisplay (gdk_surface_get_display (w->surface));
  int width, height;

  frame_size (w->surface, &width, &height);
  w->root = cairo_xlib_surface_create (xdisplay, DefaultRootWindow (xdisplay),
                                       DefaultVisual (xdisplay, DefaultScreen (xdisplay)), 1, 1);
  w->frame = shm_image (w->root, width, height);
  if (w->frame != NULL)
    w->pool_holder = shm_image (w->root, 64, 64);
}

/* An image of the block size below a full window's (most of a window: as
 * when a folder opens, 1288 × 750 of 1366 × 768), 1024 pixels wide. Both
 * images are then drawn onto a pixmap of the X server's, which reads them
 * from the segment: its first reads of these pages are paid here, not by
 * the next frames. */
static void
warm_pool_part (Warmup *w)
{
  cairo_surface_t *part = NULL;

  if (w->frame != NULL && w->pool_holder != NULL)
    {
      int width = cairo_image_surface_get_width (w->frame);
      int height = cairo_image_surface_get_height (w->frame);
      gsize block = 4096;
      cairo_surface_t *pixmap;
      cairo_t *cr;

      while (block < (gsize) cairo_image_surface_get_stride (w->frame) * (gsize) height)
        block <<= 1;
      part = shm_image (w->root, 1024, (int) MAX (block / 2 / (1024 * 4), 1));
      pixmap = cairo_surface_create_similar (w->root, CAIRO_CONTENT_COLOR_ALPHA, width, height);
      cr = cairo_create (pixmap);
      cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
      cairo_set_source_surface (cr, w->frame, 0, 0);
      cairo_paint (cr);
      if (part != NULL)
        {
          cairo_set_source_surface (cr, part, 0, 0);
          cairo_paint (cr);
        }
      cairo_destroy (cr);
      cairo_surface_destroy (pixmap);
    }
  g_clear_pointer (&part, cairo_surface_destroy);
  g_clear_pointer (&w->frame, cairo_surface_destroy);
  g_clear_pointer (&w->root, cairo_surface_destroy);
}

static gsize
warm_heap (GdkSurface *surface)
{
  int width, height;
  gsize size;
  guint8 *heap;

  frame_size (surface, &width, &height);
  size = (gsize) width * (gsize) height * 4; /* ARGB32, as GDK's image */

  /* Nothing may be allocated between these lines, or the buffer is not
   * freed next to the top. explicit_bzero(), not memset(): a compiler may
   * drop a memset() of memory freed right after, and the writes are the
   * point. */
  heap = g_malloc (size);
  explicit_bzero (heap, size);
  g_free (heap);
  return size;
}

static gboolean
warm_step_cb (gpointer data)
{
  Warmup *w = data;

  switch (w->step++)
    {
    case STEP_POOL:
      warm_pool (w);
      return G_SOURCE_CONTINUE;
    case STEP_PART:
      warm_pool_part (w);
      return G_SOURCE_CONTINUE;
    case STEP_HEAP:
    default:
      g_debug ("Frame memory warm: %s shared-memory pool, %" G_GSIZE_FORMAT " bytes of heap",
               w->pool_holder != NULL ? "holding a" : "no", warm_heap (w->surface));
      w->idle_id = 0;
      return G_SOURCE_REMOVE;
    }
}

/* GdkSurface::render would say when a frame was drawn, but GTK's own
 * handler stops its emission; the first frame clock cycle that ends with
 * the surface mapped, its size known, is the one that drew it first. */
static void
after_paint_cb (GdkFrameClock *clock,
                gpointer data)
{
  Warmup *w = data;

  if (!gdk_surface_get_mapped (w->surface))
    return;
  g_clear_signal_handler (&w->after_paint_id, w->clock);
  w->idle_id = g_idle_add_full (G_PRIORITY_LOW, warm_step_cb, w, NULL);
}

static void
realize_cb (GtkWidget *window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  Warmup *w;

  if (!GDK_IS_X11_SURFACE (surface) || !GSK_IS_CAIRO_RENDERER (gtk_native_get_renderer (GTK_NATIVE (window))))
    return;

  w = g_new0 (Warmup, 1);
  w->surface = g_object_ref (surface);
  w->clock = g_object_ref (gdk_surface_get_frame_clock (surface));
  w->after_paint_id = g_signal_connect (w->clock, "after-paint", G_CALLBACK (after_paint_cb), w);
  g_object_set_data_full (G_OBJECT (window), WARMUP_KEY, w, warmup_free);
}

static void
unrealize_cb (GtkWidget *window)
{
  g_object_set_data (G_OBJECT (window), WARMUP_KEY, NULL);
}
#endif

void
tf_frame_warmup_heap (GtkWindow *window)
{
  g_return_if_fail (GTK_IS_WINDOW (window));

#if defined(GDK_WINDOWING_X11) && defined(HAVE_X11_FRAMES)
  if (g_object_get_data (G_OBJECT (window), WARMUP_KEY) != NULL)
    warm_heap (gtk_native_get_surface (GTK_NATIVE (window)));
#endif
}

void
tf_frame_warmup_attach (GtkWindow *window)
{
  g_return_if_fail (GTK_IS_WINDOW (window));

#if defined(GDK_WINDOWING_X11) && defined(HAVE_X11_FRAMES)
  /* TRACKFIX_FRAME_WARMUP=0 leaves it out, for comparing (tests/bench) */
  if (g_strcmp0 (g_getenv ("TRACKFIX_FRAME_WARMUP"), "0") == 0)
    return;
  g_signal_connect (window, "realize", G_CALLBACK (realize_cb), NULL);
  g_signal_connect (window, "unrealize", G_CALLBACK (unrealize_cb), NULL);
#endif
}
