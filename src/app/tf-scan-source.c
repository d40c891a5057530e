/* tf-scan-source.c — one folder or file the user opened, and its items
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "Trackfix"

#include "config.h"

#include <glib/gi18n.h>

#include "tf-scan-source.h"
#include "tf-scanner.h"

/* A burst of queue activity (the MTA writing and deleting files) should
 * cause one rescan, not hundreds. */
#define RESCAN_DELAY_MS 1000

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
  GFileMonitor *monitor;
  GPtrArray *pending; /* rescan: items collected until finished */
  GError *error;

  guint rescan_source;
  guint n_items;
  guint n_problems;
  guint64 total_size;
  gint64 oldest;
  guint n_files_done;
  guint n_files_total;
  guint scanning : 1;
  guint replacing : 1;
};

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
      if (sent != G_MININT64 && sent < self->oldest)
        self->oldest = sent;
    }
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

  /* One items-changed per batch keeps the list models cheap */
  g_list_store_splice (self->items,
                       g_list_model_get_n_items (G_LIST_MODEL (self->items)),
                       0, items->pdata, items->len);
  count_items (self, items->pdata, items->len);
  notify_counts (self);
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

  if (self->replacing && error == NULL)
    {
      reset_counts (self);
      count_items (self, self->pending->pdata, self->pending->len);
      g_list_store_splice (self->items, 0,
                           g_list_model_get_n_items (G_LIST_MODEL (self->items)),
                           self->pending->pdata, self->pending->len);
    }
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  self->replacing = FALSE;

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Scanning %s failed: %s", self->subtitle, error->message);

  g_clear_error (&self->error);
  self->error = g_steal_pointer (&error);
  g_clear_object (&self->cancellable);

  set_scanning (self, FALSE);
  notify_counts (self);
  g_signal_emit (self, signals[SCAN_FINISHED], 0);

  scan_data_free (scan);
}

static gboolean
rescan_timeout_cb (gpointer user_data)
{
  TfScanSource *self = user_data;

  self->rescan_source = 0;
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
      g_clear_handle_id (&self->rescan_source, g_source_remove);
      self->rescan_source = g_timeout_add (RESCAN_DELAY_MS, rescan_timeout_cb, self);
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

static void
tf_scan_source_dispose (GObject *object)
{
  TfScanSource *self = (TfScanSource *) object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->rescan_source, g_source_remove);
  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);
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
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->subtitle, g_free);
  g_clear_error (&self->error);

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
        self->subtitle = g_file_get_path (file);
      else
        self->subtitle = g_file_get_parse_name (file);
      if (self->title == NULL || g_str_equal (self->title, "/"))
        {
          g_free (self->title);
          self->title = g_strdup (self->subtitle);
        }
    }
  else
    {
      self->title = g_strdup (_ ("All Sources"));
      self->subtitle = NULL;
    }

  return self;
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

const GError *
tf_scan_source_get_error (TfScanSource *self)
{
  g_return_val_if_fail (TF_IS_SCAN_SOURCE (self), NULL);
  return self->error;
}

void
tf_scan_source_scan (TfScanSource *self)
{
  g_autofree char *arg = NULL;
  const char *paths[2] = { NULL, NULL };
  ScanData *scan;

  g_return_if_fail (TF_IS_SCAN_SOURCE (self));
  g_return_if_fail (self->file != NULL);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pending, g_ptr_array_unref);

  if (self->scanner == NULL)
    {
      self->scanner = tf_scanner_new ();
      /* Drawing the window comes before reading the next file */
      tf_scanner_set_low_priority (self->scanner, TRUE);
    }

  /* The scanner takes local paths or GIO URIs (smb:// through gvfs) */
  if (g_file_is_native (self->file))
    arg = g_file_get_path (self->file);
  else
    arg = g_file_get_uri (self->file);
  paths[0] = arg;

  self->replacing = g_list_model_get_n_items (G_LIST_MODEL (self->items)) > 0;
  if (self->replacing)
    self->pending = g_ptr_array_new_with_free_func (g_object_unref);
  else
    reset_counts (self);

  self->cancellable = g_cancellable_new ();
  self->n_files_done = 0;
  self->n_files_total = 0;

  scan = g_new0 (ScanData, 1);
  g_set_weak_pointer (&scan->self, self);
  scan->cancellable = g_object_ref (self->cancellable);

  set_scanning (self, TRUE);
  notify_counts (self);

  tf_scanner_scan_async (self->scanner, paths, self->cancellable,
                         scan_items_cb, scan, NULL,
                         scan_finished_cb, scan);
}

void
tf_scan_source_cancel (TfScanSource *self)
{
  g_return_if_fail (TF_IS_SCAN_SOURCE (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

void
tf_scan_source_set_watch (TfScanSource *self,
                          gboolean watch)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (TF_IS_SCAN_SOURCE (self));

  if (!watch)
    {
      if (self->monitor != NULL)
        g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
      return;
    }

  if (self->monitor != NULL || self->file == NULL)
    return;

  /* Only the top folder is watched: queue folders are flat, and watching
   * a whole tree costs one inotify watch per folder. */
  if (g_file_query_file_type (self->file, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
    self->monitor = g_file_monitor_directory (self->file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  else
    self->monitor = g_file_monitor_file (self->file, G_FILE_MONITOR_NONE, NULL, &error);

  if (self->monitor == NULL)
    {
      g_debug ("Cannot watch %s: %s", self->subtitle, error->message);
      return;
    }

  g_signal_connect_object (self->monitor, "changed",
                           G_CALLBACK (on_monitor_changed_cb), self,
                           G_CONNECT_SWAPPED);
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
