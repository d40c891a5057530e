/* tf-window-actions.c — the window's actions (win.*)
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "Trackfix"

#include "config.h"

#include <glib/gi18n.h>

#include "tf-labels-private.h"
#include "tf-export.h"
#include "tf-window-private.h"

/* Open ----------------------------------------------------------------------- */

static void
on_open_response_cb (GtkNativeDialog *dialog,
                     int response,
                     TfWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      g_autoptr (GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);
      guint n = g_list_model_get_n_items (files);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (array, g_list_model_get_item (files, i));

      tf_window_open_files (self, (GFile **) array->pdata, array->len);
    }

  /* style.md §7.6: the native dialog is ours to release */
  g_object_unref (dialog);
}

static void
add_filters (GtkFileChooser *chooser)
{
  g_autoptr (GtkFileFilter) all = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) any = gtk_file_filter_new ();

  gtk_file_filter_set_name (all, _ ("Mail and Calendar Files"));
  gtk_file_filter_add_suffix (all, "eml");
  gtk_file_filter_add_suffix (all, "msg");
  gtk_file_filter_add_suffix (all, "dat");
  gtk_file_filter_add_suffix (all, "tnef");
  gtk_file_filter_add_suffix (all, "ics");
  gtk_file_filter_add_suffix (all, "mbox");
  gtk_file_filter_add_suffix (all, "mbx");
  gtk_file_filter_add_mime_type (all, "message/rfc822");
  gtk_file_filter_add_mime_type (all, "application/vnd.ms-tnef");
  gtk_file_filter_add_mime_type (all, "application/vnd.ms-outlook");
  gtk_file_filter_add_mime_type (all, "text/calendar");
  gtk_file_filter_add_mime_type (all, "application/mbox");
  gtk_file_chooser_add_filter (chooser, all);

  /* Queue files often have no extension at all */
  gtk_file_filter_set_name (any, _ ("All Files"));
  gtk_file_filter_add_pattern (any, "*");
  gtk_file_chooser_add_filter (chooser, any);
}

static void
open_folder_action (GtkWidget *widget,
                    const char *action_name,
                    GVariant *param)
{
  TfWindow *self = TF_WINDOW (widget);
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_ ("Open Queue Folder"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                        _ ("_Open"), _ ("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect_object (native, "response", G_CALLBACK (on_open_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
open_files_action (GtkWidget *widget,
                   const char *action_name,
                   GVariant *param)
{
  TfWindow *self = TF_WINDOW (widget);
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_ ("Open Files"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _ ("_Open"), _ ("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), TRUE);
  add_filters (GTK_FILE_CHOOSER (native));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect_object (native, "response", G_CALLBACK (on_open_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
open_demo_action (GtkWidget *widget,
                  const char *action_name,
                  GVariant *param)
{
  TfWindow *self = TF_WINDOW (widget);
  g_autoptr (GFile) demo = tf_window_dup_demo_folder ();

  if (!g_file_query_exists (demo, NULL))
    {
      _tf_window_add_toast (self, tf_labels_new_toast (_ ("The demo data is not installed")));
      return;
    }

  tf_window_open_files (self, &demo, 1);
}

static void
open_recent_action (GtkWidget *widget,
                    const char *action_name,
                    GVariant *param)
{
  TfWindow *self = TF_WINDOW (widget);
  g_autoptr (GFile) file = g_file_new_for_uri (g_variant_get_string (param, NULL));

  tf_window_open_files (self, &file, 1);
}

/* Export ------------------------------------------------------------------------ */

typedef struct
{
  GFile *file;
  GListModel *items;
  TfExportFlags flags;
} ExportData;

static void
export_data_free (gpointer data)
{
  ExportData *export = data;

  g_clear_object (&export->file);
  g_clear_object (&export->items);
  g_free (export);
}

static void
export_thread (GTask *task,
               gpointer source_object,
               gpointer task_data,
               GCancellable *cancellable)
{
  ExportData *export = task_data;
  g_autoptr (GFileOutputStream) stream = NULL;
  g_autoptr (GError) error = NULL;

  stream = g_file_replace (export->file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                           cancellable, &error);
  if (stream == NULL || !tf_export_csv (G_OUTPUT_STREAM (stream), export->items, export->flags, NULL, cancellable, &error) || !g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
export_done_cb (GObject *object,
                GAsyncResult *result,
                gpointer user_data)
{
  TfWindow *self = TF_WINDOW (object);
  ExportData *export = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *name = g_file_get_basename (export->file);
  guint n = g_list_model_get_n_items (export->items);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    /* Translators: toast; %s is the file name, then the reason */
    message = g_strdup_printf (_ ("Cannot export to “%s”: %s"), name, error->message);
  else
    /* Translators: toast; %u items, %s is the file name */
    message = g_strdup_printf (ngettext ("Exported %u item to “%s”", "Exported %u items to “%s”", n), n, name);

  _tf_window_add_toast (self, tf_labels_new_toast (message));
}

static void
on_export_response_cb (GtkNativeDialog *dialog,
                       int response,
                       TfWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GTask) task = NULL;
      ExportData *export = g_new0 (ExportData, 1);
      const char *redact = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "redact");

      export->file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      export->items = G_LIST_MODEL (_tf_window_dup_visible_items (self));
      export->flags = g_strcmp0 (redact, "true") == 0 ? TF_EXPORT_REDACT : TF_EXPORT_NONE;

      task = g_task_new (self, NULL, export_done_cb, NULL);
      g_task_set_source_tag (task, on_export_response_cb);
      g_task_set_task_data (task, export, export_data_free);
      g_task_run_in_thread (task, export_thread);
    }

  g_object_unref (dialog);
}

static void
export_action (GtkWidget *widget,
               const char *action_name,
               GVariant *param)
{
  TfWindow *self = TF_WINDOW (widget);
  GtkFileChooserNative *native;
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  native = gtk_file_chooser_native_new (_ ("Export as CSV"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _ ("_Export"), _ ("_Cancel"));
  /* Translators: default file name of the CSV export */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), _ ("trackfix-findings.csv"));
  _tf_window_set_save_folder (self, GTK_FILE_CHOOSER (native));
  gtk_file_filter_set_name (filter, _ ("CSV Files"));
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (native), "redact",
                               _ ("Redact addresses and subjects (hashed)"), NULL, NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect_object (native, "response", G_CALLBACK (on_export_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* Others ------------------------------------------------------------------------- */

static void
cancel_scan_action (GtkWidget *widget,
                    const char *action_name,
                    GVariant *param)
{
  _tf_window_cancel_scans (TF_WINDOW (widget));
}

static void
rescan_action (GtkWidget *widget,
               const char *action_name,
               GVariant *param)
{
  _tf_window_rescan (TF_WINDOW (widget));
}

static void
search_action (GtkWidget *widget,
               const char *action_name,
               GVariant *param)
{
  _tf_window_focus_search (TF_WINDOW (widget));
}

static void
show_sidebar_action (GtkWidget *widget,
                     const char *action_name,
                     GVariant *param)
{
  _tf_window_show_sidebar (TF_WINDOW (widget));
}

/* Ctrl+1 … Ctrl+6: the sidebar's views in order */
static void
show_view_action (GtkWidget *widget,
                  const char *action_name,
                  GVariant *param)
{
  TfWindow *self = TF_WINDOW (widget);
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->views_list, g_variant_get_int32 (param));

  if (row != NULL)
    gtk_list_box_select_row (self->views_list, row);
}

/* Ctrl+Tab: sidebar → list → item view → sidebar (Shift: backwards), for
 * keyboard users inside a widget that keeps Tab to itself */
static void
next_pane_action (GtkWidget *widget,
                  const char *action_name,
                  GVariant *param)
{
  _tf_window_focus_next_pane (TF_WINDOW (widget), g_variant_get_boolean (param));
}

void
_tf_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "win.open-files", NULL, open_files_action);
  gtk_widget_class_install_action (widget_class, "win.open-demo", NULL, open_demo_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-scan", NULL, cancel_scan_action);
  gtk_widget_class_install_action (widget_class, "win.rescan", NULL, rescan_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.show-sidebar", NULL, show_sidebar_action);
  gtk_widget_class_install_action (widget_class, "win.show-view", "i", show_view_action);
  gtk_widget_class_install_action (widget_class, "win.next-pane", "b", next_pane_action);
  _tf_window_repair_class_init (widget_class);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open-folder", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.open-files", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.rescan", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.rescan", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.cancel-scan", NULL);
  for (int i = 0; i < 6; i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_CONTROL_MASK, "win.show-view", "i", i);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Tab, GDK_CONTROL_MASK, "win.next-pane", "b", FALSE);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_ISO_Left_Tab, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.next-pane", "b", TRUE);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Tab, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.next-pane", "b", TRUE);
}

void
_tf_window_actions_init (TfWindow *self)
{
  g_autoptr (GAction) local_time = g_settings_create_action (self->settings, "use-local-time");

  /* A stateful action straight from GSettings: the switch and the menu
   * check item share it (win.use-local-time). */
  g_action_map_add_action (G_ACTION_MAP (self), local_time);
  _tf_window_repair_init (self);
}

void
_tf_window_actions_update (TfWindow *self)
{
  gboolean scanning = _tf_window_is_scanning (self);
  gboolean has_sources = g_list_model_get_n_items (G_LIST_MODEL (self->sources)) > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-scan", scanning);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.rescan", has_sources);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", has_sources);
  _tf_window_repair_update (self);
}
