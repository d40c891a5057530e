/* tf-scan-source.c — one folder or file the user opened, and its items
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "Trackfix"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tf-labels-private.h"
#include "tf-list-merge.h"
#include "tf-list-order.h"
#include "tf-scan-source-private.h"

/* A first scan merges the rows it streams into the ordered store in
 * slices of this many items, for at most MERGE_BUDGET_USEC per main-loop
 * pass: drawing comes between slices. While the store is nearly empty,
 * every row merged lands on screen and the list view builds its row
 * widgets inside the store's items-changed (1–2 ms a row on the bench's
 * VM, 64 ms for a first slice of 64: tests/bench/RESULTS.md, issue 16):
 * a slice is then half the store, from MERGE_FIRST_SLICE up, and one such
 * slice is a pass, so that the frame between two passes styles and lays
 * out a few new rows, not a screenful. */
#define MERGE_FIRST_SLICE 4
#define MERGE_SLICE 64
#define MERGE_BUDGET_USEC 20000

G_DEFINE_FINAL_TYPE (TfScanSource, tf_scan_source, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_FILE,
  PROP_TITLE,
  PROP_SUBTITLE,
  PROP_N_ITEMS,
  PROP_N_PROBLEMS,
  PROP_SCANNING,
  PROP_N_FILES_DONE,
  PROP_N_FILES_TOTAL,
  PROP_PROGRESS_PATH,
  N_PROPS
};

enum
{
  SCAN_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  TfScanSource *self; /* weak: cleared when the source goes away */
  GCancellable *cancellable;
} ScanData;

static void
scan_data_free (gpointer data)
{
  ScanData *scan = data;

  g_clear_weak_pointer (&scan->self);
  g_clear_object (&scan->cancellable);
  g_free (scan);
}

static void
reset_counts (TfScanSource *self)
{
  self->n_items = 0;
  self->n_problems = 0;
  self->total_size = 0;
  self->oldest = G_MAXINT64;
  self->n_mailbox_items = 0;
}

static void
count_items (TfScanSource *self,
             gpointer *items,
             guint n)
{
  for (guint i = 0; i < n; i++)
    {
      TfItem *item = items[i];
      gint64 sent = tf_item_get_sent (item);

      self->n_items++;
      if (tf_item_get_n_problems (item) > 0)
        self->n_problems++;
      self->total_size += tf_item_get_size (item);
      if (tf_item_get_nid (item) != NULL)
        self->n_mailbox_items++;
      if (sent != G_MININT64 && sent < self->oldest)
        self->oldest = sent;
    }
}

static void notify_counts (TfScanSource *self);

/* Counts from what the store holds now: after a repair or undo changed
 * items, or when items were replaced or removed by someone else. */
static void
recount (TfScanSource *self)
{
  GListModel *model = G_LIST_MODEL (self->items);
  guint n = g_list_model_get_n_items (model);

  reset_counts (self);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (model, i);
      gpointer items[1] = { item };

      count_items (self, items, 1);
    }
  notify_counts (self);
}

static gboolean
recount_idle_cb (gpointer user_data)
{
  TfScanSource *self = user_data;

  self->recount_source = 0;
  recount (self);

  return G_SOURCE_REMOVE;
}

/* Once per burst (Repair All changes many items), ahead of the window's
 * summary timeout */
static void
schedule_recount (TfScanSource *self)
{
  if (self->recount_source == 0)
    self->recount_source = g_idle_add_full (G_PRIORITY_DEFAULT, recount_idle_cb, self, NULL);
}

static void
on_items_changed_cb (TfScanSource *self,
                     guint position,
                     guint removed,
                     guint added,
                     GListModel *model)
{
  self->generation++;
  /* Our own splices keep the counts themselves */
  if (!self->splicing)
    schedule_recount (self);
}

/* TfItem::changed is emitted by every item; a hook (one per source) is
 * cheaper than a handler per item. Any change recounts: the recount is one
 * pass over the list, once per burst. */
static gboolean
item_changed_hook (GSignalInvocationHint *hint,
                   guint n_param_values,
                   const GValue *param_values,
                   gpointer user_data)
{
  schedule_recount (user_data);

  return TRUE;
}

static void
splice_items (TfScanSource *self,
              guint position,
              guint n_removals,
              gpointer *additions,
              guint n_additions)
{
  self->splicing = TRUE;
  g_list_store_splice (self->items, position, n_removals, additions, n_additions);
  self->splicing = FALSE;
}

static void
set_scanning (TfScanSource *self,
              gboolean scanning)
{
  if (self->scanning != !!scanning)
    {
      self->scanning = !!scanning;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCANNING]);
    }
}

static void
notify_counts (TfScanSource *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PROBLEMS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FILES_DONE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FILES_TOTAL]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void finish_scan (TfScanSource *self,
                         GError *error);

static void
merge_splice (gpointer user_data,
              guint position,
              gpointer *additions,
              guint n_additions)
{
  splice_items (user_data, position, 0, additions, n_additions);
}

/* Merges streamed rows into the store in its order, a slice at a time
 * within MERGE_BUDGET_USEC, so a big batch (or a reorder) never holds
 * the main loop; frames are drawn between passes (a lower priority than
 * GTK's redraw). Finishes the scan when the scanner was done first. */
static gboolean
merge_idle_cb (gpointer user_data)
{
  TfScanSource *self = user_data;
  gint64 deadline = g_get_monotonic_time () + MERGE_BUDGET_USEC;
  guint done = 0;

  while (done < self->incoming->len && g_get_monotonic_time () < deadline)
    {
      guint n_store = g_list_model_get_n_items (G_LIST_MODEL (self->items));
      guint slice = CLAMP (n_store / 2, MERGE_FIRST_SLICE, MERGE_SLICE);
      guint n = MIN (slice, self->incoming->len - done);

      tf_list_store_merge_sorted (self->items, self->incoming->pdata + done, n,
                                  tf_list_order_compare, &self->order, merge_splice, self);
      done += n;
      if (slice < MERGE_SLICE)
        break;
    }
  g_ptr_array_remove_range (self->incoming, 0, done);
  if (self->incoming->len > 0)
    return G_SOURCE_CONTINUE;

  self->merge_source = 0;
  if (self->finish_after_merge)
    {
      self->finish_after_merge = FALSE;
      finish_scan (self, g_steal_pointer (&self->merge_error));
    }
  return G_SOURCE_REMOVE;
}

static void
schedule_merge (TfScanSource *self)
{
  if (self->merge_source == 0)
    self->merge_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, merge_idle_cb, self, NULL);
}

static gboolean
merging (TfScanSource *self)
{
  return self->merge_source != 0 || (self->incoming != NULL && self->incoming->len > 0);
}

static void
clear_merge (TfScanSource *self)
{
  g_clear_handle_id (&self->merge_source, g_source_remove);
  if (self->incoming != NULL)
    g_ptr_array_set_size (self->incoming, 0);
  g_clear_error (&self->merge_error);
  self->finish_after_merge = FALSE;
}

static void
scan_items_cb (GPtrArray *items,
               guint n_files_done,
               guint n_files_total,
               gpointer user_data)
{
  ScanData *scan = user_data;
  TfScanSource *self = scan->self;

  if (self == NULL || self->cancellable != scan->cancellable)
    return;

  self->n_files_done = n_files_done;
  self->n_files_total = n_files_total;

  if (self->replacing)
    {
      for (guint i = 0; i < items->len; i++)
        g_ptr_array_add (self->pending, g_object_ref (g_ptr_array_index (items, i)));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FILES_DONE]);
      return;
    }

  if (self->ordered)
    {
      /* In order as they arrive (merge_idle_cb()) */
      for (guint i = 0; i < items->len; i++)
        g_ptr_array_add (self->incoming, g_object_ref (g_ptr_array_index (items, i)));
      schedule_merge (self);
    }
  else
    /* One items-changed per batch keeps the list models cheap */
    splice_items (self, g_list_model_get_n_items (G_LIST_MODEL (self->items)),
                  0, items->pdata, items->len);
  count_items (self, items->pdata, items->len);
  notify_counts (self);
}

static void
set_progress (TfScanSource *self,
              const char *path,
              guint done,
              guint total)
{
  if (g_strcmp0 (self->progress_path, path) == 0 && self->progress_done == done && self->progress_total == total)
    return;
  g_free (self->progress_path);
  self->progress_path = g_strdup (path);
  self->progress_done = done;
  self->progress_total = total;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS_PATH]);
}

static void
scan_progress_cb (const char *path,
                  guint n_done,
                  guint n_total,
                  gpointer user_data)
{
  ScanData *scan = user_data;
  TfScanSource *self = scan->self;

  if (self == NULL || self->cancellable != scan->cancellable)
    return;
  set_progress (self, path, n_done, n_total);
}

/* A rescan delivers the items of files unchanged since they were read
 * (tf_scanner_set_known_items()) and reads the rest again; where a file
 * read again is unchanged all the same (same path, size and modification
 * time, as when a repair already refreshed its item, or a symlink), keep
 * the item object the views hold, so the selection and the item view
 * survive a rescan caused by a repair or by an unrelated file. */
static void start_resort (TfScanSource *self,
                          gboolean finishes_scan);

static void
keep_unchanged (GPtrArray *old_items,
                GPtrArray *fresh,
                GPtrArray *dropped)
{
  g_autoptr (GHashTable) by_path = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < old_items->len; i++)
    {
      TfItem *item = g_ptr_array_index (old_items, i);

      /* The first one wins if paths repeat; the rest are replaced */
      if (!g_hash_table_contains (by_path, tf_item_get_path (item)))
        g_hash_table_insert (by_path, (gpointer) tf_item_get_path (item), item);
    }

  for (guint i = 0; i < fresh->len; i++)
    {
      TfItem *item = g_ptr_array_index (fresh, i);
      TfItem *old = g_hash_table_lookup (by_path, tf_item_get_path (item));

      if (old == NULL || old == item || tf_item_get_file_size (old) != tf_item_get_file_size (item) || tf_item_get_file_mtime_usec (old) != tf_item_get_file_mtime_usec (item) || tf_item_get_mbox_index (old) != tf_item_get_mbox_index (item) || tf_item_get_offset (old) != tf_item_get_offset (item) || tf_item_get_size (old) != tf_item_get_size (item))
        continue;

      g_ptr_array_index (fresh, i) = g_object_ref (old);
      g_ptr_array_add (dropped, item);
      /* Once: a second item with the same path gets a fresh object */
      g_hash_table_remove (by_path, tf_item_get_path (old));
    }
}

static GPtrArray *
dup_store_items (TfScanSource *self)
{
  return tf_list_model_dup_items (G_LIST_MODEL (self->items));
}

static void
keep_unchanged_items (TfScanSource *self,
                      GPtrArray *fresh)
{
  g_autoptr (GPtrArray) old_items = dup_store_items (self);
  g_autoptr (GPtrArray) dropped = g_ptr_array_new_with_free_func (g_object_unref);

  keep_unchanged (old_items, fresh, dropped);
}

/* The same on a worker thread, which also frees the fresh items it
 * dropped: at 100,000 unchanged files that was 0.4 s of the main thread.
 * The scanner made them there and no view has seen them. */
typedef struct
{
  TfScanSource *self; /* weak */
  GCancellable *cancellable;
  GPtrArray *old_items;
  GPtrArray *fresh;
} KeepData;

static void
keep_data_free (KeepData *keep)
{
  g_clear_weak_pointer (&keep->self);
  g_clear_object (&keep->cancellable);
  g_clear_pointer (&keep->old_items, g_ptr_array_unref);
  g_clear_pointer (&keep->fresh, g_ptr_array_unref);
  g_free (keep);
}

static void
keep_thread (GTask *task,
             gpointer source_object,
             gpointer task_data,
             GCancellable *cancellable)
{
  KeepData *keep = task_data;
  g_autoptr (GPtrArray) dropped = g_ptr_array_new_with_free_func (g_object_unref);

  keep_unchanged (keep->old_items, keep->fresh, dropped);
  g_task_return_boolean (task, TRUE);
}

static void
kept_cb (GObject *object,
         GAsyncResult *result,
         gpointer user_data)
{
  KeepData *keep = g_task_get_task_data (G_TASK (result));
  TfScanSource *self = keep->self;

  if (self == NULL || self->cancellable != keep->cancellable || self->pending != keep->fresh)
    return; /* cancelled, or a new scan began */
  start_resort (self, TRUE);
}

static void
keep_unchanged_then_sort (TfScanSource *self)
{
  g_autoptr (GTask) task = NULL;
  KeepData *keep = g_new0 (KeepData, 1);

  g_set_weak_pointer (&keep->self, self);
  keep->cancellable = g_object_ref (self->cancellable);
  keep->old_items = dup_store_items (self);
  keep->fresh = g_ptr_array_ref (self->pending);
  task = g_task_new (NULL, NULL, kept_cb, NULL);
  g_task_set_source_tag (task, keep_unchanged_then_sort);
  g_task_set_task_data (task, keep, (GDestroyNotify) keep_data_free);
  g_task_run_in_thread (task, keep_thread);
}

static void
finish_scan (TfScanSource *self,
             GError *error)
{
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  self->replacing = FALSE;

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    /* Shown in the window (a toast and the list's empty state) */
    g_debug ("Scanning %s failed: %s", self->subtitle, error->message);

  g_clear_error (&self->error);
  self->error = error;
  g_clear_object (&self->cancellable);

  set_progress (self, NULL, 0, 0);
  set_scanning (self, FALSE);
  notify_counts (self);
  /* Folders may have come or gone: watch what is there now */
  if (self->watch_synced)
    tf_scan_source_watch_sync (self);
  /* Changes seen while scanning: look again */
  if (self->rescan_after_scan && self->watching && self->rescan_source == 0)
    tf_scan_source_schedule_rescan (self);
  self->rescan_after_scan = FALSE;
  g_signal_emit (self, signals[SCAN_FINISHED], 0);
}

/* Putting the rows in order after a rescan or a change of order
 * (tf-list-order.c): a slice per main-loop pass copies what the order
 * reads of each row, a worker thread sorts, and the sorted rows replace
 * the store's (replace_rows()) */
#define RESORT_SLICE 2048

typedef enum
{
  RESORT_COLLECT,
  RESORT_SORT,
} ResortPhase;

struct _Resort
{
  ResortPhase phase;
  TfListOrder order;
  TfListSort *sort; /* COLLECT */
  GPtrArray *from;  /* a rescan's rows, or NULL: the store's */
  GCancellable *cancellable;
  guint next;       /* COLLECT: rows copied */
  guint generation; /* the store's when COLLECT began */
  guint idle;
  guint finishes_scan : 1;
};

static gboolean
needs_reorder (TfScanSource *self)
{
  return self->ordered && !tf_list_order_equal (&self->store_order, &self->order);
}

static void
resort_free (Resort *resort)
{
  if (resort == NULL)
    return;
  g_cancellable_cancel (resort->cancellable);
  g_clear_object (&resort->cancellable);
  g_clear_handle_id (&resort->idle, g_source_remove);
  g_clear_pointer (&resort->sort, tf_list_sort_free);
  g_clear_pointer (&resort->from, g_ptr_array_unref);
  g_free (resort);
}

/* A new order: two changes, not one replacing splice. For the rows it
 * showed, GTK 4.8's list view looks among the added rows (one by one,
 * until it has found them all — after a sort by subject, nearly all
 * 100,000: 100 ms); after a removal and an insertion it has none to look
 * for. The window keeps the selected item across the two and brings it
 * into view (tf-window-list.c). A rescan's rows are mostly where they
 * were: one splice finds them soon and keeps the view where it is. */
static void
replace_rows (TfScanSource *self,
              GPtrArray *rows,
              gboolean reorder)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  if (!reorder)
    {
      splice_items (self, 0, n, rows->pdata, rows->len);
      return;
    }
  self->replacing_rows = TRUE;
  splice_items (self, 0, n, NULL, 0);
  splice_items (self, 0, 0, rows->pdata, rows->len);
  self->replacing_rows = FALSE;
}

static void
sorted_cb (GObject *object,
           GAsyncResult *result,
           gpointer user_data)
{
  g_autoptr (GPtrArray) sorted = tf_list_sort_finish (result, NULL);
  TfScanSource *self;
  Resort *resort;
  gboolean finishes_scan;

  if (sorted == NULL)
    return; /* cancelled: the source or its resort is gone */
  self = user_data;
  resort = self->resort;
  g_return_if_fail (resort != NULL && resort->phase == RESORT_SORT);
  finishes_scan = resort->finishes_scan;

  if (resort->from == NULL && resort->generation != self->generation)
    {
      /* The store changed while its rows were sorted */
      g_clear_pointer (&self->resort, resort_free);
      start_resort (self, finishes_scan);
      return;
    }
  if (finishes_scan)
    {
      reset_counts (self);
      count_items (self, sorted->pdata, sorted->len);
    }
  replace_rows (self, sorted, !finishes_scan);
  self->store_order = resort->order;
  g_clear_pointer (&self->resort, resort_free);
  if (finishes_scan)
    finish_scan (self, NULL);
  /* The order changed meanwhile */
  if (needs_reorder (self) && !tf_scan_source_get_streaming (self))
    start_resort (self, FALSE);
}

static gboolean
collect_idle_cb (gpointer user_data)
{
  TfScanSource *self = user_data;
  Resort *resort = self->resort;
  GListModel *model = G_LIST_MODEL (self->items);
  guint n = resort->from != NULL ? resort->from->len : g_list_model_get_n_items (model);
  gint64 deadline = g_get_monotonic_time () + MERGE_BUDGET_USEC;

  if (resort->from == NULL && resort->generation != self->generation)
    {
      /* The store changed under the snapshot: start it again */
      tf_list_sort_free (resort->sort);
      resort->sort = tf_list_sort_new (&resort->order, n);
      resort->next = 0;
      resort->generation = self->generation;
    }
  while (resort->next < n && g_get_monotonic_time () < deadline)
    {
      guint end = MIN (n, resort->next + RESORT_SLICE);

      for (; resort->next < end; resort->next++)
        {
          if (resort->from != NULL)
            tf_list_sort_add (resort->sort, g_ptr_array_index (resort->from, resort->next));
          else
            {
              g_autoptr (TfItem) item = g_list_model_get_item (model, resort->next);

              tf_list_sort_add (resort->sort, item);
            }
        }
    }
  if (resort->next < n)
    return G_SOURCE_CONTINUE;

  resort->idle = 0;
  resort->phase = RESORT_SORT;
  tf_list_sort_run_async (g_steal_pointer (&resort->sort), resort->cancellable, sorted_cb, self);
  return G_SOURCE_REMOVE;
}

/* Puts the store in the current order: the rows of a rescan
 * (@finishes_scan: self->pending, then the scan finishes), or the
 * store's own rows (a new order) */
static void
start_resort (TfScanSource *self,
              gboolean finishes_scan)
{
  Resort *resort;
  guint n;

  g_clear_pointer (&self->resort, resort_free);

  n = finishes_scan ? self->pending->len : g_list_model_get_n_items (G_LIST_MODEL (self->items));
  if (!finishes_scan && n < 2)
    {
      self->store_order = self->order;
      return;
    }

  resort = g_new0 (Resort, 1);
  resort->order = self->order;
  resort->finishes_scan = !!finishes_scan;
  resort->from = finishes_scan ? g_ptr_array_ref (self->pending) : NULL;
  resort->sort = tf_list_sort_new (&self->order, n);
  resort->cancellable = g_cancellable_new ();
  resort->generation = self->generation;
  self->resort = resort;
  resort->idle = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, collect_idle_cb, self, NULL);
}

static void
scan_finished_cb (GObject *object,
                  GAsyncResult *result,
                  gpointer user_data)
{
  ScanData *scan = user_data;
  TfScanSource *self = scan->self;
  g_autoptr (GError) error = NULL;
  guint n_files = 0;

  tf_scanner_scan_finish (TF_SCANNER (object), result, &n_files, &error);

  if (self == NULL || self->cancellable != scan->cancellable)
    {
      scan_data_free (scan);
      return;
    }

  /* Streamed in order: done once the last rows are merged */
  if (!self->replacing && self->ordered)
    {
      if (merging (self))
        {
          self->finish_after_merge = TRUE;
          self->merge_error = g_steal_pointer (&error);
        }
      else
        finish_scan (self, g_steal_pointer (&error));
      scan_data_free (scan);
      return;
    }

  if (error == NULL && self->replacing && self->ordered)
    {
      keep_unchanged_then_sort (self);
      scan_data_free (scan);
      return;
    }

  if (self->replacing && error == NULL)
    {
      keep_unchanged_items (self, self->pending);
      reset_counts (self);
      count_items (self, self->pending->pdata, self->pending->len);
      splice_items (self, 0, g_list_model_get_n_items (G_LIST_MODEL (self->items)),
                    self->pending->pdata, self->pending->len);
    }
  finish_scan (self, g_steal_pointer (&error));

  scan_data_free (scan);
}

static void
tf_scan_source_dispose (GObject *object)
{
  TfScanSource *self = (TfScanSource *) object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->rescan_source, g_source_remove);
  g_clear_handle_id (&self->known_source, g_source_remove);
  g_clear_handle_id (&self->recount_source, g_source_remove);
  clear_merge (self);
  g_clear_pointer (&self->resort, resort_free);
  if (self->changed_hook != 0)
    {
      g_signal_remove_emission_hook (g_signal_lookup ("changed", TF_TYPE_ITEM), self->changed_hook);
      self->changed_hook = 0;
    }
  if (self->watch_cancellable != NULL)
    g_cancellable_cancel (self->watch_cancellable);
  g_clear_object (&self->watch_cancellable);
  self->watching = FALSE;
  g_hash_table_remove_all (self->monitors);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->scanner);

  G_OBJECT_CLASS (tf_scan_source_parent_class)->dispose (object);
}

static void
tf_scan_source_finalize (GObject *object)
{
  TfScanSource *self = (TfScanSource *) object;

  g_clear_object (&self->file);
  g_clear_object (&self->items);
  g_clear_pointer (&self->monitors, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->incoming, g_ptr_array_unref);
  g_clear_error (&self->merge_error);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->subtitle, g_free);
  g_clear_pointer (&self->progress_path, g_free);
  g_clear_error (&self->error);

  g_free (self->scan_arg);

  G_OBJECT_CLASS (tf_scan_source_parent_class)->finalize (object);
}

static void
tf_scan_source_get_property (GObject *object,
                             guint prop_id,
                             GValue *value,
                             GParamSpec *pspec)
{
  TfScanSource *self = TF_SCAN_SOURCE (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_SUBTITLE:
      g_value_set_string (value, self->subtitle);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;
    case PROP_N_PROBLEMS:
      g_value_set_uint (value, self->n_problems);
      break;
    case PROP_SCANNING:
      g_value_set_boolean (value, self->scanning);
      break;
    case PROP_N_FILES_DONE:
      g_value_set_uint (value, self->n_files_done);
      break;
    case PROP_N_FILES_TOTAL:
      g_value_set_uint (value, self->n_files_total);
      break;
    case PROP_PROGRESS_PATH:
      g_value_set_string (value, self->progress_path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tf_scan_source_class_init (TfScanSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tf_scan_source_dispose;
  object_class->finalize = tf_scan_source_finalize;
  object_class->get_property = tf_scan_source_get_property;

  properties[PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                                               (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL,
                                                (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_SUBTITLE] = g_param_spec_string ("subtitle", NULL, NULL, NULL,
                                                   (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                                                (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_N_PROBLEMS] = g_param_spec_uint ("n-problems", NULL, NULL, 0, G_MAXUINT, 0,
                                                   (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SCANNING] = g_param_spec_boolean ("scanning", NULL, NULL, FALSE,
                                                    (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_N_FILES_DONE] = g_param_spec_uint ("n-files-done", NULL, NULL, 0, G_MAXUINT, 0,
                                                     (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_N_FILES_TOTAL] = g_param_spec_uint ("n-files-total", NULL, NULL, 0, G_MAXUINT, 0,
                                                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* The PST being read, whose messages tf_scan_source_get_file_progress()
   * counts; notified as they are read */
  properties[PROP_PROGRESS_PATH] = g_param_spec_string ("progress-path", NULL, NULL, NULL,
                                                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SCAN_FINISHED] = g_signal_new ("scan-finished",
                                         G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 0);
}

static void
tf_scan_source_init (TfScanSource *self)
{
  self->items = g_list_store_new (TF_TYPE_ITEM);
  self->monitors = g_hash_table_new_full (g_file_hash, (GEqualFunc) g_file_equal, g_object_unref, tf_scan_source_monitor_free);
  g_signal_connect_object (self->items, "items-changed", G_CALLBACK (on_items_changed_cb), self, G_CONNECT_SWAPPED);
  reset_counts (self);
}

TfScanSource *
tf_scan_source_new (GFile *file)
{
  TfScanSource *self;

  g_return_val_if_fail (!file || G_IS_FILE (file), NULL);

  self = g_object_new (TF_TYPE_SCAN_SOURCE, NULL);

  if (file != NULL)
    {
      self->file = g_object_ref (file);
      self->title = g_file_get_basename (file);
      if (g_file_is_native (file))
        {
          g_autofree char *path = g_file_get_path (file);

          self->subtitle = tf_labels_display_path (path);
        }
      else
        self->subtitle = g_file_get_parse_name (file);
      if (self->title == NULL || g_str_equal (self->title, "/"))
        {
          g_free (self->title);
          self->title = g_strdup (self->subtitle);
        }
      /* Badges and the summary follow repairs and undos. The signal
       * exists once the class does (static types keep their class). */
      g_type_class_unref (g_type_class_ref (TF_TYPE_ITEM));
      self->changed_hook = g_signal_add_emission_hook (g_signal_lookup ("changed", TF_TYPE_ITEM), 0,
                                                       item_changed_hook, self, NULL);
    }
  else
    {
      self->title = g_strdup (_ ("All Sources"));
      self->subtitle = NULL;
    }

  return self;
}

void
tf_scan_source_set_order (TfScanSource *self,
                          const TfListOrder *order)
{
  gboolean was_ordered;

  g_return_if_fail (TF_IS_SCAN_SOURCE (self));

  /* Unset (the window goes away): rows not merged yet are dropped */
  if (order == NULL)
    {
      clear_merge (self);
      g_clear_pointer (&self->resort, resort_free);
      self->ordered = FALSE;
      return;
    }
  if (self->ordered && tf_list_order_equal (&self->order, order))
    return;

  was_ordered = self->ordered;
  self->order = *order;
  self->ordered = TRUE;
  if (self->incoming == NULL)
    self->incoming = g_ptr_array_new_with_free_func (g_object_unref);
  if (!was_ordered && g_list_model_get_n_items (G_LIST_MODEL (self->items)) == 0)
    {
      self->store_order = *order;
      return;
    }

  if (tf_scan_source_get_streaming (self))
    {
      GListModel *model = G_LIST_MODEL (self->items);
      guint n = g_list_model_get_n_items (model);
      g_autoptr (GPtrArray) shown = g_ptr_array_new_full (n + self->incoming->len, g_object_unref);

      /* The rows shown so far go back to the queue, ahead of the rest, and
       * are merged again in the new order: one change now, then slices */
      self->store_order = *order;
      if (n == 0)
        return;
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (shown, g_list_model_get_item (model, i));
      for (guint i = 0; i < self->incoming->len; i++)
        g_ptr_array_add (shown, g_object_ref (g_ptr_array_index (self->incoming, i)));
      g_ptr_array_set_size (self->incoming, 0);
      g_ptr_array_extend_and_steal (self->incoming, g_steal_pointer (&shown));
      splice_items (self, 0, n, NULL, 0);
      schedule_merge (self);
      return;
    }

  /* Settled, or a rescan running (its rows are sorted when it ends), or
   * a rescan's rows being sorted (again, in the new order) */
  start_resort (self, self->resort != NULL && self->resort->finishes_scan);
}

gboolean
tf_scan_source_get_replacing_rows (TfScanSource *self)
{
  g_return_val_if_fail (TF_IS_SCAN_SOURCE (self), FALSE);

  return self->replacing_rows;
}

gboolean
tf_scan_source_get_reordering (TfScanSource *self)
{
  g_return_val_if_fail (TF_IS_SCAN_SOURCE (self), FALSE);

  return self->resort != NULL || merging (self);
}

void
tf_scan_source_item_changed (TfScanSource *self,
                             TfItem *item)
{
  guint position;

  g_return_if_fail (TF_IS_SCAN_SOURCE (self));

  if (!g_list_store_find (self->items, item, &position))
    return;
  g_object_ref (item);
  /* Re-announced so every view rebinds it; in an ordered store it moves
   * to where it belongs now (a repair changes its severity) */
  if (self->ordered && !needs_reorder (self))
    {
      /* The window keeps the item selected across the two changes */
      self->replacing_rows = TRUE;
      splice_items (self, position, 1, NULL, 0);
      tf_list_store_merge_sorted (self->items, (gpointer *) &item, 1, tf_list_order_compare, &self->order,
                                  merge_splice, self);
      self->replacing_rows = FALSE;
    }
  else
    splice_items (self, position, 1, (gpointer *) &item, 1);
  g_object_unref (item);
  schedule_recount (self);
}

gboolean
tf_scan_source_get_streaming (TfScanSource *self)
{
  g_return_val_if_fail (TF_IS_SCAN_SOURCE (self), FALSE);

  return self->cancellable != NULL && !self->replacing;
}

GFile *
tf_scan_source_get_file (TfScanSource *self)
{
  g_return_val_if_fail (TF_IS_SCAN_SOURCE (self), NULL);
  return self->file;
}

const char *
tf_scan_source_get_title (TfScanSource *self)
{
  g_return_val_if_fail (TF_IS_SCAN_SOURCE (self), NULL);
  return self->title;
}

const char *
tf_scan_source_get_subtitle (TfScanSource *self)
{
  g_return_val_if_fail (TF_IS_SCAN_SOURCE (self), NULL);
  return self->subtitle;
}

GListModel *
tf_scan_source_get_items (TfScanSource *self)
{
  g_return_val_if_fail (TF_IS_SCAN_SOURCE (self), NULL);
  return G_LIST_MODEL (self->items);
}

guint
tf_scan_source_get_n_items (TfScanSource *self)
{
  g_return_val_if_fail (TF_IS_SCAN_SOURCE (self), 0);
  return self->n_items;
}

guint
tf_scan_source_get_n_problems (TfScanSource *self)
{
  g_return_val_if_fail (TF_IS_SCAN_SOURCE (self), 0);
  return self->n_problems;
}

guint64
tf_scan_source_get_total_size (TfScanSource *self)
{
  g_return_val_if_fail (TF_IS_SCAN_SOURCE (self), 0);
  return self->total_size;
}

gint64
tf_scan_source_get_oldest (TfScanSource *self)
{
  g_return_val_if_fail (TF_IS_SCAN_SOURCE (self), G_MAXINT64);
  return self->oldest;
}

gboolean
tf_scan_source_get_scanning (TfScanSource *self)
{
  g_return_val_if_fail (TF_IS_SCAN_SOURCE (self), FALSE);
  return self->scanning;
}

guint
tf_scan_source_get_n_files_done (TfScanSource *self)
{
  g_return_val_if_fail (TF_IS_SCAN_SOURCE (self), 0);
  return self->n_files_done;
}

guint
tf_scan_source_get_n_files_total (TfScanSource *self)
{
  g_return_val_if_fail (TF_IS_SCAN_SOURCE (self), 0);
  return self->n_files_total;
}

gboolean
tf_scan_source_get_file_progress (TfScanSource *self,
                                  const char **path,
                                  guint *n_done,
                                  guint *n_total)
{
  g_return_val_if_fail (TF_IS_SCAN_SOURCE (self), FALSE);

  if (self->progress_path == NULL)
    return FALSE;
  if (path != NULL)
    *path = self->progress_path;
  if (n_done != NULL)
    *n_done = self->progress_done;
  if (n_total != NULL)
    *n_total = self->progress_total;
  return TRUE;
}

guint
tf_scan_source_get_n_mailbox_items (TfScanSource *self)
{
  g_return_val_if_fail (TF_IS_SCAN_SOURCE (self), 0);
  return self->n_mailbox_items;
}

const GError *
tf_scan_source_get_error (TfScanSource *self)
{
  g_return_val_if_fail (TF_IS_SCAN_SOURCE (self), NULL);
  return self->error;
}

static void
start_scanner (TfScanSource *self)
{
  const char *paths[2] = { self->scan_arg, NULL };
  ScanData *scan = g_new0 (ScanData, 1);

  g_set_weak_pointer (&scan->self, self);
  scan->cancellable = g_object_ref (self->cancellable);
  tf_scanner_scan_async (self->scanner, paths, self->cancellable,
                         scan_items_cb, scan, NULL,
                         scan_finished_cb, scan);
}

/* Rows whose fields are copied for the scanner per main-loop pass: at
 * ~2 µs a row (fetching it from the store and copying its fields, cache
 * misses mostly) about 16 ms; all 100,000 at once held the main loop for
 * 105–197 ms of CPU (tests/bench/RESULTS.md) */
#define KNOWN_SLICE 8192

/* A rescan gives the scanner the store's items in slices, then starts
 * it; cancelled meanwhile, the scan starts cancelled and ends as usual */
static gboolean
add_known_cb (gpointer user_data)
{
  TfScanSource *self = user_data;
  GListModel *store = G_LIST_MODEL (self->items);
  guint n = g_list_model_get_n_items (store);

  if (!g_cancellable_is_cancelled (self->cancellable) && self->known_pos < n)
    {
      guint end = MIN (n, self->known_pos + KNOWN_SLICE);
      g_autoptr (GPtrArray) slice = g_ptr_array_new_full (end - self->known_pos, g_object_unref);

      /* Rows the store gains or loses meanwhile are at worst read again */
      for (guint i = self->known_pos; i < end; i++)
        g_ptr_array_add (slice, g_list_model_get_item (store, i));
      tf_scanner_add_known_items (self->scanner, slice);
      self->known_pos = end;
      if (end < n)
        return G_SOURCE_CONTINUE;
    }

  self->known_source = 0;
  start_scanner (self);
  return G_SOURCE_REMOVE;
}

void
tf_scan_source_scan (TfScanSource *self)
{
  g_return_if_fail (TF_IS_SCAN_SOURCE (self));
  g_return_if_fail (self->file != NULL);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->known_source, g_source_remove);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  clear_merge (self);
  g_clear_pointer (&self->resort, resort_free);

  if (self->scanner == NULL)
    {
      self->scanner = tf_scanner_new ();
      tf_scanner_set_progress_func (self->scanner, scan_progress_cb);
      /* Drawing the window comes before reading the next file */
      tf_scanner_set_low_priority (self->scanner, TRUE);
    }

  /* The scanner takes local paths or GIO URIs (smb:// through gvfs) */
  g_free (self->scan_arg);
  if (g_file_is_native (self->file))
    self->scan_arg = g_file_get_path (self->file);
  else
    self->scan_arg = g_file_get_uri (self->file);

  self->replacing = g_list_model_get_n_items (G_LIST_MODEL (self->items)) > 0;
  if (self->replacing)
    self->pending = g_ptr_array_new_with_free_func (g_object_unref);
  else
    reset_counts (self);

  self->cancellable = g_cancellable_new ();
  self->n_files_done = 0;
  self->n_files_total = 0;
  set_progress (self, NULL, 0, 0);

  set_scanning (self, TRUE);
  notify_counts (self);

  /* Unchanged files come back as the objects the views hold, without
   * being read: a rescan holds one generation of items, not two */
  tf_scanner_set_known_items (self->scanner, NULL);
  if (self->replacing)
    {
      self->known_pos = 0;
      self->known_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, add_known_cb, self, NULL);
    }
  else
    start_scanner (self);
}

void
tf_scan_source_cancel (TfScanSource *self)
{
  g_return_if_fail (TF_IS_SCAN_SOURCE (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

void
tf_scan_source_set_totals (TfScanSource *self,
                           guint n_items,
                           guint n_problems,
                           gboolean scanning)
{
  g_return_if_fail (TF_IS_SCAN_SOURCE (self));

  if (self->n_items != n_items)
    {
      self->n_items = n_items;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }
  if (self->n_problems != n_problems)
    {
      self->n_problems = n_problems;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PROBLEMS]);
    }
  set_scanning (self, scanning);
}
