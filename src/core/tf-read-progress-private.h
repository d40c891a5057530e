/* tf-read-progress-private.h — progress and cancellation inside one file
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Reading one big container (a 10 GB PST holds tens of thousands of
 * messages) can take minutes: the scanner wants to say how far it is and
 * to stop when the user cancels. tf_read_file() has many callers that
 * need neither, so rather than a parameter on every reader, the scanner
 * installs a TfReadProgress for the reads of its worker thread and the
 * container readers (tf-pst.c) call tf_read_progress_step() per message. */

/* @done of @total messages of the file being read; called on the reading
 * thread */
typedef void (*TfReadProgressFunc) (guint done,
                                    guint total,
                                    gpointer user_data);

/* Takes over every item of @items from index @first on (removes them from
 * @items); called on the reading thread while a container is read, so its
 * items need not all be held at once. It may block until the consumer
 * caught up. */
typedef void (*TfReadItemsFunc) (GPtrArray *items,
                                 guint first,
                                 gpointer user_data);

typedef struct
{
  GCancellable *cancellable; /* (nullable) */
  TfReadProgressFunc func;   /* (nullable) */
  gpointer user_data;
  /* (nullable) Receives a big container's items while it is read
   * (tf_read_progress_items()); without it they all stay in the caller's
   * array until the read returns. Gets @user_data too. */
  TfReadItemsFunc items_func;
} TfReadProgress;

/* Installs @progress (borrowed until tf_read_progress_pop()) for the reads
 * this thread makes; one at a time */
void tf_read_progress_push (const TfReadProgress *progress);
void tf_read_progress_pop (void);

/* Reports @done of @total; FALSE when the read should stop (cancelled).
 * Cheap without a TfReadProgress on this thread (TRUE). */
gboolean tf_read_progress_step (guint done,
                                guint total);

/* Hands the items of @items from @first on to this thread's items_func,
 * which removes them; does nothing (they stay) without one. Container
 * readers call it every few hundred messages, never with only one item of
 * a file asked for. */
void tf_read_progress_items (GPtrArray *items,
                             guint first);

G_END_DECLS
