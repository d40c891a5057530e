/* tf-scan-source-watch.c — a scan source's file monitors and the rescans
 * they trigger
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "Trackfix"

#include "config.h"

#include "tf-scan-source-private.h"
#include "tf-watch-folders.h"

/* A burst of queue activity (the MTA writing and deleting files) should
 * cause one rescan, not hundreds. */
#define RESCAN_DELAY_MS 1000
/* … but a queue that never stops changing (now that its subfolders are
 * watched too) still gets a rescan this often */
#define RESCAN_MAX_WAIT_USEC (10 * G_USEC_PER_SEC)

/* One GFileMonitor (an inotify watch for local folders) per folder below
 * an opened folder, breadth first, up to this many; deeper or further
 * folders are still read by each rescan, they just do not trigger one. */
#define MAX_MONITORS 256
#define MAX_WATCH_DEPTH 32
static gboolean
rescan_timeout_cb (gpointer user_data)
{
  TfScanSource *self = user_data;

  self->rescan_source = 0;
  /* Let a running scan finish rather than restart it on every burst: a
   * big, busy queue would otherwise never be shown complete */
  if (self->scanning)
    {
      self->rescan_after_scan = TRUE;
      return G_SOURCE_REMOVE;
    }
  self->rescan_first_change = 0;
  g_debug ("Rescanning %s after a change", self->subtitle);
  tf_scan_source_scan (self);

  return G_SOURCE_REMOVE;
}

static void
on_monitor_changed_cb (TfScanSource *self,
                       GFile *file,
                       GFile *other_file,
                       GFileMonitorEvent event,
                       GFileMonitor *monitor)
{
  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_DELETED:
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_MOVED_OUT:
    case G_FILE_MONITOR_EVENT_RENAMED:
      {
        gint64 now = g_get_monotonic_time ();

        /* Debounced: each change restarts the delay, up to the maximum wait */
        if (self->rescan_first_change == 0)
          self->rescan_first_change = now;
        if (self->rescan_source != 0 && now - self->rescan_first_change >= RESCAN_MAX_WAIT_USEC)
          break;
        g_clear_handle_id (&self->rescan_source, g_source_remove);
        self->rescan_source = g_timeout_add (RESCAN_DELAY_MS, rescan_timeout_cb, self);
      }
      break;

    case G_FILE_MONITOR_EVENT_CHANGED:
    case G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED:
    case G_FILE_MONITOR_EVENT_PRE_UNMOUNT:
    case G_FILE_MONITOR_EVENT_UNMOUNTED:
    case G_FILE_MONITOR_EVENT_MOVED:
    default:
      break;
    }
}

/* Watching ------------------------------------------------------------------ */

void
tf_scan_source_monitor_free (gpointer data)
{
  GFileMonitor *monitor = data;

  g_file_monitor_cancel (monitor);
  g_object_unref (monitor);
}

static gboolean
add_monitor (TfScanSource *self,
             GFile *file,
             gboolean directory)
{
  g_autoptr (GError) error = NULL;
  GFileMonitor *monitor;

  if (g_hash_table_contains (self->monitors, file))
    return FALSE;

  if (directory)
    monitor = g_file_monitor_directory (file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  else
    monitor = g_file_monitor_file (file, G_FILE_MONITOR_NONE, NULL, &error);
  if (monitor == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_debug ("Cannot watch %s: %s", name, error->message);
      return FALSE;
    }

  g_signal_connect_object (monitor, "changed",
                           G_CALLBACK (on_monitor_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_hash_table_insert (self->monitors, g_object_ref (file), monitor);

  return TRUE;
}

/* The folder walk runs in a thread of its own (tf-watch-folders.c) */
static void
find_folders_thread (GTask *task,
                     gpointer source_object,
                     gpointer task_data,
                     GCancellable *cancellable)
{
  TfFoundFolders *found = tf_watch_folders_find (task_data, MAX_WATCH_DEPTH, MAX_MONITORS, cancellable);

  if (found == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
  else
    g_task_return_pointer (task, found, (GDestroyNotify) tf_found_folders_free);
}

static void
find_folders_cb (GObject *object,
                 GAsyncResult *result,
                 gpointer user_data)
{
  TfScanSource *self = TF_SCAN_SOURCE (object);
  TfFoundFolders *found = g_task_propagate_pointer (G_TASK (result), NULL);
  g_autoptr (GHashTable) wanted = NULL;
  GHashTableIter iter;
  gpointer key;
  gboolean first = !self->watch_synced;
  guint added = 0;

  if (found == NULL)
    return; /* cancelled: the source stopped watching or went away */

  if (!self->watching)
    {
      tf_found_folders_free (found);
      return;
    }

  wanted = g_hash_table_new (g_file_hash, (GEqualFunc) g_file_equal);
  for (guint i = 0; i < found->folders->len; i++)
    g_hash_table_add (wanted, g_ptr_array_index (found->folders, i));

  /* Folders that went away */
  g_hash_table_iter_init (&iter, self->monitors);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (wanted, key) && !g_file_equal (key, self->file))
      g_hash_table_iter_remove (&iter);

  for (guint i = 0; i < found->folders->len; i++)
    if (add_monitor (self, g_ptr_array_index (found->folders, i), TRUE))
      added++;

  if (found->truncated)
    g_debug ("Watching only the first %u folders of %s; changes further down show at the next rescan",
             MAX_MONITORS, self->subtitle);
  g_debug ("Watching %u folders of %s", g_hash_table_size (self->monitors), self->subtitle);

  /* A folder that appeared after the scan read its parent may have got
   * files before its monitor existed: look once more. */
  self->watch_synced = TRUE;
  if (!first && added > 0 && !self->scanning && self->rescan_source == 0)
    tf_scan_source_schedule_rescan (self);

  tf_found_folders_free (found);
}

/* (Re)lists the folders below a watched folder and watches each */
void
tf_scan_source_watch_sync (TfScanSource *self)
{
  g_autoptr (GTask) task = NULL;

  if (!self->watching || !self->watch_folder)
    return;

  if (self->watch_cancellable != NULL)
    g_cancellable_cancel (self->watch_cancellable);
  g_clear_object (&self->watch_cancellable);
  self->watch_cancellable = g_cancellable_new ();

  task = g_task_new (self, self->watch_cancellable, find_folders_cb, NULL);
  g_task_set_source_tag (task, tf_scan_source_watch_sync);
  g_task_set_task_data (task, g_object_ref (self->file), g_object_unref);
  g_task_run_in_thread (task, find_folders_thread);
}

/* Rescans after RESCAN_DELAY_MS; the callers know none is due yet */
void
tf_scan_source_schedule_rescan (TfScanSource *self)
{
  self->rescan_source = g_timeout_add (RESCAN_DELAY_MS, rescan_timeout_cb, self);
}

void
tf_scan_source_set_watch (TfScanSource *self,
                          gboolean watch)
{
  g_return_if_fail (TF_IS_SCAN_SOURCE (self));

  if (!watch)
    {
      self->watching = FALSE;
      self->watch_synced = FALSE;
      if (self->watch_cancellable != NULL)
        g_cancellable_cancel (self->watch_cancellable);
      g_clear_object (&self->watch_cancellable);
      g_hash_table_remove_all (self->monitors);
      return;
    }

  if (self->watching || self->file == NULL)
    return;
  self->watching = TRUE;

  /* The top folder (or the file) at once; the folders below it, each
   * with its own monitor, when they have been listed. */
  self->watch_folder = g_file_query_file_type (self->file, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY;
  add_monitor (self, self->file, self->watch_folder);
  tf_scan_source_watch_sync (self);
}

guint
tf_scan_source_get_n_watched (TfScanSource *self)
{
  g_return_val_if_fail (TF_IS_SCAN_SOURCE (self), 0);
  return g_hash_table_size (self->monitors);
}
