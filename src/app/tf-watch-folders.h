/* tf-watch-folders.h — the folders below an opened folder to watch
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  GPtrArray *folders; /* GFile, breadth first, the root first */
  gboolean truncated; /* more than max_folders were there */
} TfFoundFolders;

/* Lists @root_folder and the folders below it, breadth first so a cut
 * keeps the queue's own subfolders (Queue/, BadMail/, cur/ new/) rather
 * than something deep in one of them: at most @max_folders, none deeper
 * than @max_depth. Symlinked folders are not followed, and backups and
 * Maildir tmp/ are skipped, as the scanner does. Blocking (run it in a
 * thread); NULL when @cancellable was cancelled. */
TfFoundFolders *tf_watch_folders_find (GFile *root_folder,
                                       guint max_depth,
                                       guint max_folders,
                                       GCancellable *cancellable);

void tf_found_folders_free (TfFoundFolders *found);

G_END_DECLS
