/* tf-scanner.h — walk folders and read files on a worker pool
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tf-item.h"
#include "tf-reader.h"

G_BEGIN_DECLS

#define TF_TYPE_SCANNER (tf_scanner_get_type ())

G_DECLARE_FINAL_TYPE (TfScanner, tf_scanner, TF, SCANNER, GObject)

/**
 * TfScannerItemsFunc:
 * @items: (element-type TfItem): a batch of items, in scan order within the
 *   batch; each item's tf_item_get_path() is relative to what the user gave
 *   (the argument path joined with the path below it).
 * @n_files_done: files read so far
 * @n_files_total: files found so far (grows while folders are walked)
 *
 * Called on the thread-default main context of the caller of
 * tf_scanner_scan_async(), several times while the scan runs.
 */
typedef void (*TfScannerItemsFunc) (GPtrArray *items,
                                    guint      n_files_done,
                                    guint      n_files_total,
                                    gpointer   user_data);

/**
 * TfScannerProgressFunc:
 * @path: (nullable): the display path of a big file being read (a PST or
 *   OST), or NULL when that file is done
 * @n_done: its messages read so far
 * @n_total: its messages
 * @user_data: the @items_data of tf_scanner_scan_async()
 *
 * Called like #TfScannerItemsFunc, at most once per batch, while a file
 * with many messages is read (one at a time is reported: the latest).
 */
typedef void (*TfScannerProgressFunc) (const char *path,
                                       guint n_done,
                                       guint n_total,
                                       gpointer user_data);

TfScanner *tf_scanner_new          (void);
/* Progress inside big files for the scans started after this call;
 * cancelling the scan also stops such a file's reading between two
 * messages */
void tf_scanner_set_progress_func (TfScanner *self,
                                   TfScannerProgressFunc progress_func);
void       tf_scanner_set_flags    (TfScanner          *self,
                                    TfReadFlags         flags);
/* Worker threads; 0 = number of processors (the default) */
void       tf_scanner_set_n_workers (TfScanner         *self,
                                     guint              n_workers);
/* Worker threads run at a lower CPU priority (nice +5) when TRUE, so a
 * GUI's main thread and renderer win over reading files on a busy
 * machine. Off by default (the CLI wants all the CPU it can get). */
void tf_scanner_set_low_priority (TfScanner *self,
                                  gboolean low_priority);
/* Items are emitted sorted by path within each argument when TRUE
 * (the CLI wants stable output); otherwise as soon as they are read. */
void       tf_scanner_set_ordered  (TfScanner          *self,
                                    gboolean            ordered);

/* Items of an earlier scan, for the next scan started (then forgotten):
 * a file whose lstat() size and modification time still equal those of
 * its items, none of which has a PARSE_ERROR finding, is not read again;
 * references to its items are delivered instead (in the order of their
 * mbox index and offset, ties as in @items), at the file's place in the
 * scan. Files not found any more are not delivered. Call it on the thread
 * that starts the scan; the items' fields are copied there.
 * @items: (element-type TfItem) (nullable): NULL forgets them */
/* TRUE for a subfolder @name that no scan reads: repair backups, and
 * tmp/ of a Maildir (@in_maildir: its parent has cur/ and new/). The
 * GUI's folder watcher follows the same rule. */
gboolean tf_scanner_skips_folder (const char *name,
                                  gboolean in_maildir);

void tf_scanner_set_known_items (TfScanner *self,
                                 GPtrArray *items);

/* Adds @items to the known items of the next scan (their fields copied
 * now, on the caller's thread), so that a long list can be given in
 * slices between two main-loop passes; ties keep the order of the calls.
 * @items: (element-type TfItem) */
void tf_scanner_add_known_items (TfScanner *self,
                                 GPtrArray *items);

/* @paths: files or folders (local paths or GIO URIs). A path that does not
 * exist fails the whole scan with G_IO_ERROR_NOT_FOUND before anything is
 * read; unreadable files below a folder become PARSE_ERROR items. */
void       tf_scanner_scan_async   (TfScanner          *self,
                                    const char * const *paths,
                                    GCancellable       *cancellable,
                                    TfScannerItemsFunc  items_func,
                                    gpointer            items_data,
                                    GDestroyNotify      items_destroy,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data);
/* Returns the number of files read */
gboolean   tf_scanner_scan_finish  (TfScanner          *self,
                                    GAsyncResult       *result,
                                    guint              *n_files,
                                    GError            **error);
/* Blocking convenience for the CLI and tests: all items, sorted by path.
 * (element-type TfItem) (transfer full) */
GPtrArray *tf_scanner_scan_sync    (TfScanner          *self,
                                    const char * const *paths,
                                    GCancellable       *cancellable,
                                    guint              *n_files,
                                    GError            **error);

G_END_DECLS
