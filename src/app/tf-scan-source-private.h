/* tf-scan-source-private.h — what the scan source's files share
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "tf-list-order.h"
#include "tf-scan-source.h"
#include "tf-scanner.h"

G_BEGIN_DECLS

typedef struct _Resort Resort;

struct _TfScanSource
{
  GObject parent_instance;

  /* Owned References */
  GFile *file;
  char *title;
  char *subtitle;
  GListStore *items;
  TfScanner *scanner;
  GCancellable *cancellable;
  GHashTable *monitors; /* GFile (folder or the file) → GFileMonitor */
  GCancellable *watch_cancellable;
  GPtrArray *pending; /* rescan: items collected until finished */
  GError *error;
  Resort *resort;          /* rows being put in order */
  TfListOrder order;       /* the order the store is kept in */
  TfListOrder store_order; /* … and the one it is in now */
  GPtrArray *incoming;     /* streamed rows not merged into the store yet */
  GError *merge_error;     /* the scan's result, once the merge is done */

  guint rescan_source;
  guint known_source; /* a rescan's known items given in slices */
  guint known_pos;    /* … up to this row of the store */
  char *scan_arg;     /* the path or URI being scanned */
  guint merge_source;
  gint64 rescan_first_change; /* monotonic µs of the first change since the last rescan, or 0 */
  guint recount_source;
  gulong changed_hook;
  guint n_items;
  guint n_problems;
  guint64 total_size;
  gint64 oldest;
  guint n_files_done;
  guint n_files_total;
  char *progress_path; /* a PST being read, or NULL */
  guint progress_done; /* … its messages read */
  guint progress_total;
  guint n_mailbox_items; /* items from PST/OST files */
  guint generation;      /* changes of the store, for a reorder */
  guint scanning : 1;
  guint replacing : 1;
  guint watching : 1;
  guint watch_folder : 1;       /* watching a folder tree, not one file */
  guint watch_synced : 1;       /* the folders were listed once */
  guint splicing : 1;           /* our own change of the item store */
  guint rescan_after_scan : 1;  /* a change came while a scan ran */
  guint finish_after_merge : 1; /* the scanner is done, the merge not yet */
  guint ordered : 1;            /* an order is set */
  guint replacing_rows : 1;     /* replace_rows() runs */
};

/* tf-scan-source-watch.c: file monitors on the opened folder tree, and
 * the debounced rescan they trigger */
void tf_scan_source_watch_sync (TfScanSource *self);
void tf_scan_source_schedule_rescan (TfScanSource *self);
void tf_scan_source_monitor_free (gpointer monitor);

G_END_DECLS
