/* tf-scan-source.h — one folder or file the user opened, and its items
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tf-list-order.h"

#include "tf-item.h"

G_BEGIN_DECLS

#define TF_TYPE_SCAN_SOURCE (tf_scan_source_get_type ())

G_DECLARE_FINAL_TYPE (TfScanSource, tf_scan_source, TF, SCAN_SOURCE, GObject)

/* @file NULL makes the "All sources" aggregate row of the sidebar; its
 * counts are set with tf_scan_source_set_totals(). */
TfScanSource *tf_scan_source_new (GFile *file);
GFile *tf_scan_source_get_file (TfScanSource *self);
const char *tf_scan_source_get_title (TfScanSource *self);
const char *tf_scan_source_get_subtitle (TfScanSource *self);
/* (element-type TfItem) */
GListModel *tf_scan_source_get_items (TfScanSource *self);
guint tf_scan_source_get_n_items (TfScanSource *self);
/* Items with at least one warning or error */
guint tf_scan_source_get_n_problems (TfScanSource *self);
guint64 tf_scan_source_get_total_size (TfScanSource *self);
/* Oldest sent time (unix seconds) or G_MAXINT64 */
gint64 tf_scan_source_get_oldest (TfScanSource *self);
gboolean tf_scan_source_get_scanning (TfScanSource *self);
guint tf_scan_source_get_n_files_done (TfScanSource *self);
guint tf_scan_source_get_n_files_total (TfScanSource *self);
/* While a scan reads a PST or OST: its display path, and its messages
 * read so far of all (the latest such file when several are read); FALSE
 * otherwise. "notify::progress-path" tells when they change. */
gboolean tf_scan_source_get_file_progress (TfScanSource *self,
                                           const char **path,
                                           guint *n_done,
                                           guint *n_total);
/* Items from PST/OST files (they have a folder and a node id) */
guint tf_scan_source_get_n_mailbox_items (TfScanSource *self);
/* The error of the last scan, or NULL */
const GError *tf_scan_source_get_error (TfScanSource *self);

/* Starts a scan (cancelling a running one). The first scan appends items
 * as they arrive; a rescan swaps the whole list in when it completes so
 * the view does not flicker. Emits "scan-finished" at the end. */
void tf_scan_source_scan (TfScanSource *self);
/* The order the item store is kept in (NULL: none, rows are appended):
 * a first scan merges each batch into the store in it (on the main
 * thread), so its rows are shown in order as they arrive; a rescan sorts
 * its rows on a worker thread before it swaps them in. Changed while the
 * first scan streams, the rows shown so far are merged again (a slice per
 * main-loop pass); changed later, a snapshot of the store is sorted on a
 * worker thread and swapped in with one change. Unset, rows not merged
 * yet are dropped. */
void tf_scan_source_set_order (TfScanSource *self,
                               const TfListOrder *order);
/* TRUE while rows are taken out and put back in a new order (a new
 * order for all rows; a changed item moving to its new place) */
gboolean tf_scan_source_get_replacing_rows (TfScanSource *self);
/* TRUE while rows wait to be merged or a new order is being applied */
gboolean tf_scan_source_get_reordering (TfScanSource *self);
/* @item changed in place (a repair, an undo): its row is announced again
 * so every view rebinds it, and moves to where the order puts it now */
void tf_scan_source_item_changed (TfScanSource *self,
                                  TfItem *item);
/* TRUE while a first scan puts its rows in batch by batch (a rescan
 * replaces them all at once when it ends) */
gboolean tf_scan_source_get_streaming (TfScanSource *self);
void tf_scan_source_cancel (TfScanSource *self);
/* Watch the folder/file and rescan (debounced) when it changes */
void tf_scan_source_set_watch (TfScanSource *self,
                               gboolean watch);
/* Files and folders with a monitor: the opened folder and, once listed,
 * the folders below it (capped), or the opened file */
guint tf_scan_source_get_n_watched (TfScanSource *self);
void tf_scan_source_set_totals (TfScanSource *self,
                                guint n_items,
                                guint n_problems,
                                gboolean scanning);

G_END_DECLS
