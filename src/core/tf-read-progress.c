/* tf-read-progress.c — progress and cancellation inside one file
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tf-read-progress-private.h"

/* One per thread: the scanner's workers each read one file at a time */
static GPrivate current_progress;

void
tf_read_progress_push (const TfReadProgress *progress)
{
  g_return_if_fail (progress != NULL);
  g_return_if_fail (g_private_get (&current_progress) == NULL);

  g_private_set (&current_progress, (gpointer) progress);
}

void
tf_read_progress_pop (void)
{
  g_private_set (&current_progress, NULL);
}

gboolean
tf_read_progress_step (guint done,
                       guint total)
{
  const TfReadProgress *progress = g_private_get (&current_progress);

  if (progress == NULL)
    return TRUE;
  if (progress->cancellable != NULL && g_cancellable_is_cancelled (progress->cancellable))
    return FALSE;
  if (progress->func != NULL)
    progress->func (done, total, progress->user_data);
  return TRUE;
}

void
tf_read_progress_items (GPtrArray *items,
                        guint first)
{
  const TfReadProgress *progress = g_private_get (&current_progress);

  g_return_if_fail (items != NULL);

  if (progress == NULL || progress->items_func == NULL || first >= items->len)
    return;
  progress->items_func (items, first, progress->user_data);
}
