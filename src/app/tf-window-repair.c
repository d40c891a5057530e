/* tf-window-repair.c — Repair…, Repair All…, Undo and the undo history
 *
 * Copyright 2026 The Trackfix authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "Trackfix"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tf-list-merge.h"
#include "tf-labels-private.h"
#include "tf-filetime.h"
#include "tf-reader.h"
#include "tf-repair.h"
#include "tf-window-private.h"

/* The window side of the repair engine (src/core/tf-repair.c): a preview
 * dialog listing every planned change and where its value comes from, a
 * progress dialog with Cancel while files are written on a worker thread,
 * then a toast with Undo. Everything that reads or writes files is core
 * code; this file only shows what it plans and did. */

#define MAX_PREVIEW_ROWS 200
#define PREVIEW_ROWS_UNSCROLLED 3

/* A PST is patched in place: the journal keeps the old bytes of every
 * range written, so Undo needs no copy of the file. Past this size the
 * preview also offers a full copy first (issue 14: "the GUI offers it,
 * with the size, before writing a file over 1 GB"). g_format_size()
 * counts in SI units, so 1 GB is 10^9 bytes here too. A test lowers it
 * through TfWindow.full_copy_offer_bytes. */
#define TF_FULL_COPY_OFFER_BYTES G_GUINT64_CONSTANT (1000000000)

typedef struct
{
  TfWindow *window;
  TfRepairPlan *plan;
  GCancellable *cancellable;
  AdwMessageDialog *progress_dialog;
  GtkProgressBar *progress_bar;
  GtkCheckButton *full_copy; /* the preview's offer, NULL when none */
  gboolean all_in_place;     /* every file written is a PST patched in place */
  char *run_id;
} RepairRun;

static void
repair_run_free (RepairRun *run)
{
  g_clear_object (&run->window);
  g_clear_object (&run->plan);
  g_clear_object (&run->cancellable);
  g_clear_object (&run->progress_dialog);
  g_clear_object (&run->progress_bar);
  g_clear_object (&run->full_copy);
  g_free (run->run_id);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RepairRun, repair_run_free)

/* Every item of every opened source: replies anywhere supply the
 * attendees' response times. */
static GPtrArray *
dup_all_items (TfWindow *self)
{
  return tf_list_model_dup_items (G_LIST_MODEL (self->all_items));
}

static void
unref_item (gpointer item)
{
  if (item != NULL)
    g_object_unref (item);
}

/* Re-reads @paths and refreshes the window's items from those files (after
 * an undo put the originals back). */
static void
refresh_files (TfWindow *self,
               GPtrArray *paths)
{
  g_autoptr (GPtrArray) all = dup_all_items (self);
  g_autoptr (GHashTable) fresh_by_file = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      GPtrArray *fresh = g_ptr_array_new_with_free_func (unref_item);

      if (g_hash_table_contains (fresh_by_file, path))
        {
          g_ptr_array_unref (fresh);
          continue;
        }
      if (!tf_read_file (path, path, TF_READ_NONE, fresh, NULL))
        g_ptr_array_set_size (fresh, 0);
      g_hash_table_insert (fresh_by_file, g_strdup (path), fresh);
    }

  for (guint i = 0; i < all->len; i++)
    {
      TfItem *item = g_ptr_array_index (all, i);
      GPtrArray *fresh = g_hash_table_lookup (fresh_by_file, tf_item_get_file_path (item));
      guint pos = tf_item_get_mbox_index (item) > 0 ? tf_item_get_mbox_index (item) - 1 : 0;

      /* A PST/OST holds many messages: the fresh one with the same node id */
      if (fresh != NULL && tf_item_get_nid (item) != NULL)
        {
          pos = G_MAXUINT;
          for (guint j = 0; j < fresh->len && pos == G_MAXUINT; j++)
            if (g_ptr_array_index (fresh, j) != NULL
                && g_strcmp0 (tf_item_get_nid (g_ptr_array_index (fresh, j)), tf_item_get_nid (item)) == 0)
              pos = j;
        }

      if (fresh == NULL || pos >= fresh->len || g_ptr_array_index (fresh, pos) == NULL)
        continue;
      {
        /* emptied by the update: take it out so it is used once */
        g_autoptr (TfItem) emptied = g_ptr_array_index (fresh, pos);

        g_ptr_array_index (fresh, pos) = NULL;
        tf_item_update_from (item, emptied);
      }
      _tf_window_item_changed (self, item);
    }
}

/* Undo ---------------------------------------------------------------------------- */

typedef struct
{
  char *run_id;
  char *journal;
} UndoData;

static void
undo_data_free (UndoData *data)
{
  g_free (data->run_id);
  g_free (data->journal);
  g_free (data);
}

static void
undo_thread (GTask *task,
             gpointer source_object,
             gpointer task_data,
             GCancellable *cancellable)
{
  UndoData *data = task_data;
  GError *error = NULL;
  GPtrArray *results = tf_repair_undo (data->journal, 0, data->run_id, FALSE, cancellable, &error);

  if (results == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, results, (GDestroyNotify) g_ptr_array_unref);
}

static void
undo_done_cb (GObject *object,
              GAsyncResult *result,
              gpointer user_data)
{
  TfWindow *self = TF_WINDOW (object);
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GPtrArray) paths = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  guint n_done = 0;
  guint n_refused = 0;

  results = g_task_propagate_pointer (G_TASK (result), &error);
  if (results == NULL)
    {
      /* Translators: toast; %s is the reason */
      message = g_strdup_printf (_ ("Cannot undo: %s"), error->message);
      _tf_window_add_toast (self, tf_labels_new_toast (message));
      return;
    }

  for (guint i = 0; i < results->len; i++)
    {
      TfRepairResult *r = g_ptr_array_index (results, i);

      switch (tf_repair_result_get_status (r))
        {
        case TF_REPAIR_STATUS_DONE:
          n_done++;
          g_ptr_array_add (paths, (gpointer) tf_repair_result_get_file_path (r));
          break;
        case TF_REPAIR_STATUS_REFUSED:
        case TF_REPAIR_STATUS_FAILED:
          n_refused++;
          break;
        case TF_REPAIR_STATUS_SKIPPED:
        default:
          break;
        }
    }
  refresh_files (self, paths);
  _tf_window_actions_update (self);

  if (n_refused > 0)
    {
      /* Translators: toast after Undo, first part */
      g_autofree char *restored = g_strdup_printf (ngettext ("Restored %u file", "Restored %u files", n_done), n_done);
      /* Translators: toast after Undo, second part: files changed since the repair */
      g_autofree char *left = g_strdup_printf (ngettext ("%u changed since and left alone",
                                                         "%u changed since and left alone", n_refused),
                                               n_refused);

      /* Translators: toast after Undo: "Restored 3 files; 1 changed since and left alone" */
      message = g_strdup_printf (C_ ("undo toast", "%s; %s"), restored, left);
    }
  else
    /* Translators: toast after Undo */
    message = g_strdup_printf (ngettext ("Restored %u original file", "Restored %u original files", n_done), n_done);
  _tf_window_add_toast (self, tf_labels_new_toast (message));
}

static void
undo_run (TfWindow *self,
          const char *run_id)
{
  g_autoptr (GTask) task = NULL;
  UndoData *data = g_new0 (UndoData, 1);

  data->run_id = g_strdup (run_id);
  data->journal = tf_journal_default_path ();
  if (g_strcmp0 (run_id, self->last_run_id) == 0)
    g_clear_pointer (&self->last_run_id, g_free);
  _tf_window_actions_update (self);
  task = g_task_new (self, NULL, undo_done_cb, NULL);
  g_task_set_source_tag (task, undo_run);
  g_task_set_task_data (task, data, (GDestroyNotify) undo_data_free);
  g_task_run_in_thread (task, undo_thread);
}

static void
on_toast_undo_cb (AdwToast *toast,
                  TfWindow *self)
{
  const char *run_id = g_object_get_data (G_OBJECT (toast), "trackfix-run-id");

  if (run_id != NULL)
    undo_run (self, run_id);
}

/* Queue actions ------------------------------------------------------------------ */

typedef struct
{
  char *path;
  char *folder;
  gboolean hold;
} QueueData;

static void
queue_data_free (QueueData *data)
{
  g_free (data->path);
  g_free (data->folder);
  g_free (data);
}

static void
queue_thread (GTask *task,
              gpointer source_object,
              gpointer task_data,
              GCancellable *cancellable)
{
  QueueData *data = task_data;
  g_autofree char *journal = tf_journal_default_path ();
  GError *error = NULL;
  TfRepairResult *result;

  if (data->hold)
    result = tf_queue_hold (data->path, data->folder, journal, NULL, &error);
  else
    result = tf_queue_resubmit (data->path, data->folder, journal, NULL, &error);

  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, g_object_unref);
}

static void
queue_done_cb (GObject *object,
               GAsyncResult *result,
               gpointer user_data)
{
  TfWindow *self = TF_WINDOW (object);
  QueueData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr (TfRepairResult) done = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *target = NULL;
  AdwToast *toast;

  done = g_task_propagate_pointer (G_TASK (result), &error);
  if (done == NULL)
    {
      if (data->hold)
        /* Translators: toast; %s is the reason */
        message = g_strdup_printf (_ ("Cannot hold the file: %s"), error->message);
      else
        /* Translators: toast; %s is the reason */
        message = g_strdup_printf (_ ("Cannot resubmit the file: %s"), error->message);
      _tf_window_add_toast (self, tf_labels_new_toast (message));
      return;
    }

  target = g_path_get_basename (tf_repair_result_get_target (done));
  if (data->hold)
    /* Translators: toast; %s is the new file name in the hold folder */
    message = g_strdup_printf (_ ("Moved to the hold folder as “%s”"), target);
  else
    /* Translators: toast; %s is the new file name in the Pickup / Replay folder */
    message = g_strdup_printf (_ ("Resubmitted as “%s”"), target);
  toast = tf_labels_new_toast (message);
  adw_toast_set_button_label (toast, _ ("_Undo"));
  adw_toast_set_timeout (toast, 10);
  g_object_set_data_full (G_OBJECT (toast), "trackfix-run-id", g_strdup (tf_repair_result_get_run_id (done)), g_free);
  g_free (self->last_run_id);
  self->last_run_id = g_strdup (tf_repair_result_get_run_id (done));
  _tf_window_actions_update (self);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_toast_undo_cb), self, 0);
  _tf_window_add_toast (self, toast);

  /* The held file left its folder: show the folders as they are now. */
  if (data->hold)
    _tf_window_rescan (self);
}

static void
on_queue_folder_response_cb (GtkNativeDialog *dialog,
                             int response,
                             TfWindow *self)
{
  QueueData *data = g_object_steal_data (G_OBJECT (dialog), "trackfix-queue");

  if (response == GTK_RESPONSE_ACCEPT && data != NULL)
    {
      g_autoptr (GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr (GTask) task = NULL;

      data->folder = folder ? g_file_get_path (folder) : NULL;
      if (data->folder != NULL)
        {
          task = g_task_new (self, NULL, queue_done_cb, NULL);
          g_task_set_source_tag (task, on_queue_folder_response_cb);
          g_task_set_task_data (task, g_steal_pointer (&data), (GDestroyNotify) queue_data_free);
          g_task_run_in_thread (task, queue_thread);
        }
    }
  if (data != NULL)
    queue_data_free (data);
  g_object_unref (dialog);
}

static void
queue_action (GtkWidget *widget,
              const char *action_name,
              GVariant *param)
{
  TfWindow *self = TF_WINDOW (widget);
  TfItem *item = _tf_window_get_selected_item (self);
  gboolean hold = g_strcmp0 (action_name, "win.hold") == 0;
  GtkFileChooserNative *native;
  QueueData *data;

  if (item == NULL)
    return;

  data = g_new0 (QueueData, 1);
  data->path = g_strdup (tf_item_get_file_path (item));
  data->hold = hold;
  native = gtk_file_chooser_native_new (hold ? _ ("Choose the Hold Folder") : _ ("Choose the Pickup or Replay Folder"),
                                        GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                        hold ? _ ("_Hold") : _ ("_Resubmit"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_object_set_data (G_OBJECT (native), "trackfix-queue", data);
  g_signal_connect_object (native, "response", G_CALLBACK (on_queue_folder_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* Repair ------------------------------------------------------------------------- */

static void
progress_cb (guint n_done,
             guint n_total,
             const char *file_path,
             gpointer user_data)
{
  RepairRun *run = user_data;
  g_autofree char *text = NULL;

  if (run->progress_bar == NULL || n_total == 0)
    return;
  gtk_progress_bar_set_fraction (run->progress_bar, (double) n_done / n_total);
  /* Translators: progress of a repair; %u of %u files */
  text = g_strdup_printf (ngettext ("%u of %u file", "%u of %u files", n_total), n_done, n_total);
  gtk_progress_bar_set_text (run->progress_bar, text);
}

static GtkWidget *
failure_list (GPtrArray *results)
{
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; i < results->len; i++)
    {
      TfRepairResult *r = g_ptr_array_index (results, i);
      GtkWidget *row;

      if (tf_repair_result_get_status (r) == TF_REPAIR_STATUS_DONE)
        continue;
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), tf_repair_result_get_file_path (r));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), tf_repair_result_get_message (r));
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  return scrolled;
}

static void
execute_done_cb (GObject *object,
                 GAsyncResult *result,
                 gpointer user_data)
{
  g_autoptr (RepairRun) run = user_data;
  TfWindow *self = run->window;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  guint n_items = 0;
  guint n_failed = 0;
  AdwToast *toast;

  if (run->progress_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (run->progress_dialog));

  results = tf_repair_plan_execute_finish (TF_REPAIR_PLAN (object), result, &error);
  if (results == NULL)
    {
      /* Translators: toast; %s is the reason */
      message = g_strdup_printf (_ ("Cannot repair: %s"), error->message);
      _tf_window_add_toast (self, tf_labels_new_toast (message));
      return;
    }

  /* The engine refreshed the items already; show it everywhere. */
  for (guint i = 0; i < results->len; i++)
    {
      TfRepairResult *r = g_ptr_array_index (results, i);
      GPtrArray *items = tf_repair_result_get_items (r);

      if (tf_repair_result_get_status (r) != TF_REPAIR_STATUS_DONE)
        {
          if (tf_repair_result_get_status (r) != TF_REPAIR_STATUS_SKIPPED)
            n_failed++;
          continue;
        }
      for (guint k = 0; items != NULL && k < items->len; k++)
        {
          _tf_window_item_changed (self, g_ptr_array_index (items, k));
          n_items++;
        }
    }

  _tf_window_actions_update (self);

  if (n_items == 0 && n_failed == 0)
    {
      _tf_window_add_toast (self, tf_labels_new_toast (_ ("Repair cancelled; nothing was changed")));
      return;
    }

  if (n_failed > 0)
    {
      AdwMessageDialog *dialog;

      /* Translators: dialog heading; %u is a number of files */
      message = g_strdup_printf (ngettext ("%u File Was Not Repaired", "%u Files Were Not Repaired", n_failed), n_failed);
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), message,
                                                           _ ("These files were left exactly as they were.")));
      adw_message_dialog_set_extra_child (dialog, failure_list (results));
      adw_message_dialog_add_response (dialog, "close", _ ("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      g_clear_pointer (&message, g_free);
    }

  if (n_items == 0)
    return;

  /* Translators: toast after a repair */
  message = g_strdup_printf (ngettext ("Repaired %u item", "Repaired %u items", n_items), n_items);
  toast = tf_labels_new_toast (message);
  adw_toast_set_button_label (toast, _ ("_Undo"));
  adw_toast_set_timeout (toast, 10);
  g_object_set_data_full (G_OBJECT (toast), "trackfix-run-id", g_strdup (run->run_id), g_free);
  g_free (self->last_run_id);
  self->last_run_id = g_strdup (run->run_id);
  _tf_window_actions_update (self);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_toast_undo_cb), self, 0);
  _tf_window_add_toast (self, toast);
}

static void
on_progress_response_cb (AdwMessageDialog *dialog,
                         const char *response,
                         GCancellable *cancellable)
{
  /* Stops between files: a file is never left half-done. */
  g_cancellable_cancel (cancellable);
}

static void
start_repair (RepairRun *run)
{
  g_autofree char *backups = tf_journal_default_backup_dir ();
  g_autofree char *journal = tf_journal_default_path ();
  GtkWidget *bar = gtk_progress_bar_new ();
  AdwMessageDialog *dialog;

  run->cancellable = g_cancellable_new ();
  run->run_id = tf_journal_new_run_id ();

  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (bar), TRUE);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (run->window), _ ("Repairing…"),
                                                       run->all_in_place
                                                           ? _ ("The changed bytes are journaled, written in "
                                                                "place, read back and checked.")
                                                           : _ ("Each file is backed up, written, read back and "
                                                                "checked before it replaces the original.")));
  adw_message_dialog_set_extra_child (dialog, bar);
  adw_message_dialog_add_response (dialog, "cancel", _ ("_Cancel"));
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_progress_response_cb), run->cancellable, 0);
  run->progress_dialog = g_object_ref (dialog);
  run->progress_bar = g_object_ref (GTK_PROGRESS_BAR (bar));
  gtk_window_present (GTK_WINDOW (dialog));

  tf_repair_plan_execute_async (run->plan, backups, journal, run->run_id, run->cancellable,
                                progress_cb, run, NULL, execute_done_cb, run);
}

/* The preview dialog owns the run until "Repair" hands it to the async
 * call; a dialog closed or destroyed any other way frees it. */
#define PREVIEW_RUN_KEY "trackfix-repair-run"

static void
on_preview_response_cb (AdwMessageDialog *dialog,
                        const char *response,
                        gpointer user_data)
{
  if (g_strcmp0 (response, "repair") == 0)
    {
      RepairRun *run = g_object_steal_data (G_OBJECT (dialog), PREVIEW_RUN_KEY);

      if (run == NULL)
        return;
      if (run->full_copy != NULL)
        tf_repair_plan_set_full_backup (run->plan, gtk_check_button_get_active (run->full_copy));
      start_repair (run); /* the run now belongs to the async call */
    }
}

/* "1601-01-01 00:00:00 → 2008-08-20 11:34:00 UTC" and where the value comes
 * from, on two lines; the property and the address are in the title. */
static char *
dup_change_summary (TfRepairChange *change)
{
  g_autofree char *new_str = tf_filetime_format_display (tf_repair_change_get_new_value (change), FALSE);
  g_autofree char *old_str = NULL;

  if (tf_repair_change_get_code (change) == TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE)
    /* Translators: %1$s is a UTC time, %2$s where it comes from */
    return g_strdup_printf (_ ("Add X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE: %1$s UTC\n%2$s"),
                            new_str, tf_repair_change_get_explanation (change));

  if (tf_repair_change_get_has_old_value (change))
    old_str = tf_filetime_format_display (tf_repair_change_get_old_value (change), FALSE);
  else
    old_str = g_strdup (_ ("absent"));
  /* Translators: %1$s old time, %2$s new time, %3$s where the new one comes from */
  return g_strdup_printf (_ ("Track-status time %1$s → %2$s UTC\n%3$s"),
                          old_str, new_str, tf_repair_change_get_explanation (change));
}

static GtkWidget *
change_row (TfRepairChange *change,
            gboolean show_path)
{
  GtkWidget *row = adw_action_row_new ();
  TfItem *item = tf_repair_change_get_item (change);
  const char *who = tf_repair_change_get_address (change);
  g_autofree char *base = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  /* A PST item's path ends in its node id, an embedded one's in a chain of
   * them ("a.pst#0x00200024/0x00008025/0x00200044"): keep the file name */
  if (tf_item_get_nid (item) != NULL)
    {
      g_autofree char *file = g_path_get_basename (tf_item_get_file_path (item));

      base = g_strconcat (file, "#", tf_item_get_nid (item), NULL);
    }
  else
    base = g_path_get_basename (tf_item_get_path (item));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (show_path && who != NULL)
    /* Translators: a row of the repair preview: %1$s an address, %2$s a file name */
    title = g_strdup_printf (_ ("%1$s in %2$s"), who, base);
  else
    title = g_strdup (who ? who : base);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_tooltip_text (row, tf_item_get_path (item));

  if (tf_repair_change_get_repairable (change))
    subtitle = dup_change_summary (change);
  else
    {
      GtkWidget *icon = gtk_image_new_from_icon_name ("action-unavailable-symbolic");

      /* Translators: %1$s is a finding title, %2$s why it cannot be repaired */
      subtitle = g_strdup_printf (_ ("%1$s — not repairable: %2$s"),
                                  tf_finding_code_get_title (tf_repair_change_get_code (change)),
                                  tf_repair_change_get_reason (change));
      gtk_widget_set_tooltip_text (icon, _ ("Not repairable"));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  return row;
}

#define ALL_PROBLEMS_RESPONSE "all-problems"

static void
on_preview_all_problems_cb (AdwMessageDialog *dialog,
                            const char *response,
                            TfWindow *self);

/* Mailbox files (PST) are patched in place (tf_repair_job_in_place()):
 * how many the plan writes, their bytes, the largest one */
typedef struct
{
  guint n_files;
  guint64 total;
  guint64 largest;
} InPlaceFiles;

static void
measure_in_place (TfRepairPlan *plan,
                  InPlaceFiles *out)
{
  GListModel *changes = tf_repair_plan_get_changes (plan);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  *out = (InPlaceFiles){ 0 };
  for (guint i = 0; i < g_list_model_get_n_items (changes); i++)
    {
      g_autoptr (TfRepairChange) change = g_list_model_get_item (changes, i);
      const char *path = tf_repair_change_get_file_path (change);
      GStatBuf st;

      /* An OST's changes are all refused: only a PST is written in place */
      if (!tf_repair_change_get_repairable (change)
          || tf_item_get_format (tf_repair_change_get_item (change)) != TF_FORMAT_PST
          || !g_hash_table_add (seen, (gpointer) path))
        continue;
      out->n_files++;
      if (g_stat (path, &st) != 0)
        continue; /* the run itself says why it cannot read it */
      out->total += (guint64) st.st_size;
      out->largest = MAX (out->largest, (guint64) st.st_size);
    }
}

/* The backup folder as a person reads it: "~/.local/share/trackfix/backups" */
static char *
dup_display_folder (const char *path)
{
  const char *home = g_get_home_dir ();
  gsize len = strlen (home);

  if (len > 1 && strncmp (path, home, len) == 0 && path[len] == G_DIR_SEPARATOR)
    return g_strconcat ("~", path + len, NULL);
  return g_strdup (path);
}

/* Below the list: a PST's undo is the journal's ranges, said in one line;
 * for a large one, the offer of a full copy first, with its size and
 * where it goes. NULL when the plan writes no PST. */
static GtkWidget *
in_place_note (RepairRun *run,
               const InPlaceFiles *pst)
{
  g_autofree char *folder = NULL;
  g_autofree char *display = NULL;
  g_autofree char *size = NULL;
  g_autofree char *subtitle = NULL;
  GtkWidget *list;
  GtkWidget *row;
  GtkWidget *check;

  if (pst->n_files == 0)
    return NULL;
  if (pst->largest <= run->window->full_copy_offer_bytes)
    {
      /* Translators: one line below the repair preview when PST files are
       * patched in place (no backup copy of the whole file is made) */
      GtkWidget *label = gtk_label_new (_ ("Undo restores the changed bytes of a PST from the journal."));

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0.0);
      gtk_widget_add_css_class (label, "dim-label");
      return label;
    }

  folder = tf_journal_default_backup_dir ();
  display = dup_display_folder (folder);
  size = g_format_size (pst->total);
  /* Translators: subtitle of "Keep a full copy first"; %1$s is a size
   * ("4.2 GB"), %2$s the backup folder */
  subtitle = g_strdup_printf (_ ("%1$s into %2$s. Without it, Undo restores the changed bytes from the journal."),
                              size, display);
  check = gtk_check_button_new ();
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  /* Translators: a check box in the repair preview of a large PST file */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ ("Keep a full copy first"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  gtk_widget_set_tooltip_text (row, folder);
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  run->full_copy = g_object_ref (GTK_CHECK_BUTTON (check));
  return list;
}

/* "3 changes in 2 files." and how the originals are kept */
static char *
dup_preview_body (TfRepairPlan *plan,
                  const InPlaceFiles *pst)
{
  guint n_changes = g_list_model_get_n_items (tf_repair_plan_get_changes (plan));
  guint n_repairable = tf_repair_plan_get_n_repairable (plan);
  guint n_files = tf_repair_plan_get_n_files (plan);
  g_autofree char *n_changes_text = NULL;

  if (n_changes == 0)
    return g_strdup (_ ("Nothing here needs repairing."));
  if (n_repairable == 0)
    return g_strdup (_ ("None of these findings can be repaired in place; the reasons are listed below."));

  /* Translators: the start of "3 changes in 2 files. Only the affected bytes…" */
  n_changes_text = g_strdup_printf (ngettext ("%u change", "%u changes", n_repairable), n_repairable);
  if (pst->n_files == n_files)
    /* Translators: %s is "3 changes", %u a number of PST files; how undo
     * works follows below the list */
    return g_strdup_printf (ngettext ("%s in %u file. Only the affected bytes are written, "
                                      "in the file itself.",
                                      "%s in %u files. Only the affected bytes are written, "
                                      "in the files themselves.",
                                      n_files),
                            n_changes_text, n_files);
  /* Translators: %s is "3 changes", %u a number of files; the second
   * sentence explains backup and undo */
  return g_strdup_printf (ngettext ("%s in %u file. Only the affected bytes are written; "
                                    "the original is backed up first and can be restored with Undo.",
                                    "%s in %u files. Only the affected bytes are written; "
                                    "each original is backed up first and can be restored with Undo.",
                                    n_files),
                          n_changes_text, n_files);
}

/* The planned changes, refused ones with their reasons */
static GtkWidget *
preview_list (GListModel *changes,
              gboolean single)
{
  guint n_changes = g_list_model_get_n_items (changes);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *scrolled;

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; i < n_changes && i < MAX_PREVIEW_ROWS; i++)
    {
      g_autoptr (TfRepairChange) change = g_list_model_get_item (changes, i);
      gtk_list_box_append (GTK_LIST_BOX (list), change_row (change, !single));
    }
  if (n_changes > MAX_PREVIEW_ROWS)
    {
      GtkWidget *more = adw_action_row_new ();
      g_autofree char *text = NULL;

      /* Translators: last row of a long list; %u is how many are not shown */
      text = g_strdup_printf (ngettext ("…and %u more", "…and %u more", n_changes - MAX_PREVIEW_ROWS),
                              n_changes - MAX_PREVIEW_ROWS);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (more), text);
      gtk_list_box_append (GTK_LIST_BOX (list), more);
    }
  /* A few rows need no scrolling; and GTK 4.8's scrolled window takes the
   * natural height of a row whose subtitle wraps for one line too few */
  gtk_widget_set_size_request (list, 520, -1);
  if (n_changes <= PREVIEW_ROWS_UNSCROLLED)
    return list;
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 360);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  return scrolled;
}

/* @scope: the view the items come from (Repair All), NULL for one item;
 * @n_more: items with problems outside it (offered as a response) */
static void
show_preview (TfWindow *self,
              GPtrArray *items,
              gboolean single,
              const char *scope,
              guint n_more)
{
  g_autoptr (GPtrArray) sources = dup_all_items (self);
  RepairRun *run = g_new0 (RepairRun, 1);
  AdwMessageDialog *dialog;
  GtkWidget *note;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  InPlaceFiles pst;
  guint n_repairable;

  run->window = g_object_ref (self);
  run->plan = tf_repair_plan_new (items, sources);
  n_repairable = tf_repair_plan_get_n_repairable (run->plan);
  measure_in_place (run->plan, &pst);
  run->all_in_place = pst.n_files > 0 && pst.n_files == tf_repair_plan_get_n_files (run->plan);

  if (single)
    heading = g_strdup (_ ("Repair This Item?"));
  else
    /* Translators: dialog heading; %u is a number of items */
    /* Of the items the list shows, those with something to repair */
    heading = g_strdup_printf (ngettext ("Repair %u Item in “%s”?", "Repair All %u Items in “%s”?",
                                         tf_repair_plan_get_n_items (run->plan)),
                               tf_repair_plan_get_n_items (run->plan), scope);
  body = dup_preview_body (run->plan, &pst);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));

  note = in_place_note (run, &pst);
  if (g_list_model_get_n_items (tf_repair_plan_get_changes (run->plan)) > 0)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

      gtk_box_append (GTK_BOX (box), preview_list (tf_repair_plan_get_changes (run->plan), single));
      if (note != NULL)
        gtk_box_append (GTK_BOX (box), note);
      adw_message_dialog_set_extra_child (dialog, box);
    }

  adw_message_dialog_add_response (dialog, "cancel", _ ("_Cancel"));
  if (n_more > 0)
    {
      g_autofree char *label = NULL;

      /* Translators: a response of the Repair All dialog when the list is
       * filtered; %u is the number of items with problems in all views */
      label = g_strdup_printf (ngettext ("All %u _Problem", "All %u _Problems", n_more), n_more);
      adw_message_dialog_add_response (dialog, ALL_PROBLEMS_RESPONSE, label);
      g_signal_connect_object (dialog, "response::" ALL_PROBLEMS_RESPONSE, G_CALLBACK (on_preview_all_problems_cb), self, 0);
    }
  if (n_repairable > 0)
    {
      adw_message_dialog_add_response (dialog, "repair", _ ("_Repair"));
      adw_message_dialog_set_response_appearance (dialog, "repair", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "repair");
    }
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), PREVIEW_RUN_KEY, run, (GDestroyNotify) repair_run_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_preview_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
repair_action (GtkWidget *widget,
               const char *action_name,
               GVariant *param)
{
  TfWindow *self = TF_WINDOW (widget);
  TfItem *item = _tf_window_get_selected_item (self);
  g_autoptr (GPtrArray) items = g_ptr_array_new ();

  if (item == NULL)
    return;
  g_ptr_array_add (items, item);
  show_preview (self, items, TRUE, NULL, 0);
}

static void
repair_all_action (GtkWidget *widget,
                   const char *action_name,
                   GVariant *param)
{
  TfWindow *self = TF_WINDOW (widget);
  g_autoptr (GListStore) visible = _tf_window_dup_visible_items (self);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (visible));
  g_autoptr (GPtrArray) items = g_ptr_array_new_full (n, g_object_unref);

  g_autofree char *scope = _tf_window_dup_view_title (self);
  guint n_all = tf_scan_source_get_n_problems (self->all_source);
  guint n_shown = 0;

  /* "All" is what the list shows: the current view, source and search.
   * When that is narrower than every item with a problem, the dialog
   * also offers those. */
  for (guint i = 0; i < n; i++)
    {
      TfItem *item = g_list_model_get_item (G_LIST_MODEL (visible), i);

      if (tf_item_get_n_problems (item) > 0)
        n_shown++;
      g_ptr_array_add (items, item);
    }
  show_preview (self, items, FALSE, scope, n_all > n_shown ? n_all : 0);
}

static void
on_preview_all_problems_cb (AdwMessageDialog *dialog,
                            const char *response,
                            TfWindow *self)
{
  g_autoptr (GPtrArray) all = dup_all_items (self);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < all->len; i++)
    {
      TfItem *item = g_ptr_array_index (all, i);

      if (tf_item_get_n_problems (item) > 0)
        g_ptr_array_add (items, g_object_ref (item));
    }
  /* Translators: the scope of Repair All: every opened folder and file */
  show_preview (self, items, FALSE, _ ("All Sources"), 0);
}

static void
undo_action (GtkWidget *widget,
             const char *action_name,
             GVariant *param)
{
  TfWindow *self = TF_WINDOW (widget);

  if (self->last_run_id != NULL)
    undo_run (self, self->last_run_id);
}

/* Undo history ----------------------------------------------------------------- */

static void
on_history_undo_clicked_cb (GtkButton *button,
                            TfWindow *self)
{
  const char *run_id = g_object_get_data (G_OBJECT (button), "trackfix-run-id");

  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  undo_run (self, run_id);
}

static const char *
action_label (const char *action)
{
  if (g_strcmp0 (action, "repair") == 0)
    /* Translators: a journaled action in the undo history */
    return _ ("Repair");
  if (g_strcmp0 (action, "hold") == 0)
    return _ ("Hold");
  if (g_strcmp0 (action, "resubmit") == 0)
    return _ ("Resubmit");
  if (g_str_has_prefix (action, "flag-"))
    return _ ("Server fix flag");
  return action;
}

/* An undo's journal entry names the run it undid ("… run RUN-ID)") */
static gboolean
run_was_undone (GPtrArray *entries,
                const char *run_id)
{
  for (guint i = 0; i < entries->len; i++)
    {
      TfJournalEntry *e = g_ptr_array_index (entries, i);

      if (g_strcmp0 (e->action, "undo") != 0 || e->changes == NULL)
        continue;
      for (guint k = 0; e->changes[k] != NULL; k++)
        if (strstr (e->changes[k], run_id) != NULL)
          return TRUE;
    }
  return FALSE;
}

static void
undo_history_action (GtkWidget *widget,
                     const char *action_name,
                     GVariant *param)
{
  TfWindow *self = TF_WINDOW (widget);
  g_autofree char *journal = tf_journal_default_path ();
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  AdwMessageDialog *dialog;
  GtkWidget *list = NULL;
  guint n_runs = 0;

  entries = tf_journal_read (journal, &error);
  if (entries == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_autofree char *message = g_strdup_printf (_ ("Cannot read the journal: %s"), error->message);
      _tf_window_add_toast (self, tf_labels_new_toast (message));
      return;
    }

  /* One row per run, newest first */
  if (entries != NULL)
    for (guint i = entries->len; i > 0; i--)
      {
        TfJournalEntry *e = g_ptr_array_index (entries, i - 1);
        g_autofree char *title = NULL;
        g_autofree char *subtitle = NULL;
        g_autofree char *local_time = NULL;
        GtkWidget *row;
        GtkWidget *button;
        guint n_files = 0;

        if (e->run_id == NULL || g_hash_table_contains (seen, e->run_id) || g_strcmp0 (e->action, "undo") == 0)
          continue;
        g_hash_table_add (seen, e->run_id);
        for (guint k = 0; k < entries->len; k++)
          if (g_strcmp0 (((TfJournalEntry *) g_ptr_array_index (entries, k))->run_id, e->run_id) == 0)
            n_files++;

        if (list == NULL)
          {
            list = gtk_list_box_new ();
            gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
            gtk_widget_add_css_class (list, "boxed-list");
          }
        local_time = tf_labels_format_iso_local (e->time);
        if (run_was_undone (entries, e->run_id))
          /* Translators: a row of the undo history: action, then the local time, of a run already undone */
          title = g_strdup_printf (_ ("%s, %s (undone)"), action_label (e->action), local_time);
        else
          /* Translators: a row of the undo history: action, then the local time */
          title = g_strdup_printf (_ ("%s, %s"), action_label (e->action), local_time);
        /* Translators: %u files; %s the newest file's path */
        subtitle = g_strdup_printf (ngettext ("%u file, e.g. %s", "%u files, e.g. %s", n_files), n_files, e->file);
        row = adw_action_row_new ();
        adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
        button = gtk_button_new_with_mnemonic (_ ("_Undo"));
        gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
        g_object_set_data_full (G_OBJECT (button), "trackfix-run-id", g_strdup (e->run_id), g_free);
        g_signal_connect_object (button, "clicked", G_CALLBACK (on_history_undo_clicked_cb), self, 0);
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        gtk_list_box_append (GTK_LIST_BOX (list), row);
        if (++n_runs >= 50)
          break;
      }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _ ("Undo History"),
                                                       list ? _ ("Undo restores the originals of a whole run "
                                                                 "byte for byte. A file changed since is left alone.")
                                                            : _ ("Nothing has been repaired, held or resubmitted yet.")));
  if (list != NULL)
    {
      GtkWidget *scrolled = gtk_scrolled_window_new ();

      gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
      gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
      gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 360);
      gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
      gtk_widget_set_size_request (scrolled, 480, -1);
      adw_message_dialog_set_extra_child (dialog, scrolled);
    }
  adw_message_dialog_add_response (dialog, "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Hooks ------------------------------------------------------------------------------ */

#define REPAIR_BUTTON_KEY "trackfix-repair-button"

/* An OST item's Repair button says why it is off (the view says more) */
static void
update_repair_tooltip (TfWindow *self,
                       TfItem *item)
{
  GtkWidget *button = g_object_get_data (G_OBJECT (self), REPAIR_BUTTON_KEY);
  const char *tooltip = tf_item_view_item_is_unwritable_ost (item)
                            ? _ ("OST files are never written: make the fix in the mailbox or in a PST")
                            : _ ("Preview and write the repair of this item");

  /* Only on change: setting a tooltip queries the pointer (X round trip) */
  if (button != NULL && g_strcmp0 (gtk_widget_get_tooltip_text (button), tooltip) != 0)
    gtk_widget_set_tooltip_text (button, tooltip);
}

/* An OST is never written (the item view says why) */
static gboolean
item_has_repair_target (TfItem *item)
{
  return tf_labels_item_has_repair_target (item) && !tf_item_view_item_is_unwritable_ost (item);
}

void
_tf_window_repair_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.repair", NULL, repair_action);
  gtk_widget_class_install_action (widget_class, "win.repair-all", NULL, repair_all_action);
  gtk_widget_class_install_action (widget_class, "win.undo-history", NULL, undo_history_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "win.repair", NULL);
  gtk_widget_class_install_action (widget_class, "win.resubmit", NULL, queue_action);
  gtk_widget_class_install_action (widget_class, "win.hold", NULL, queue_action);
}

void
_tf_window_repair_init (TfWindow *self)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (_ ("_Repair…"));

  self->full_copy_offer_bytes = TF_FULL_COPY_OFFER_BYTES;

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.repair");
  gtk_widget_set_tooltip_text (button, _ ("Preview and write the repair of this item"));
  gtk_widget_add_css_class (button, "suggested-action");
  g_object_set_data (G_OBJECT (self), REPAIR_BUTTON_KEY, button);
  gtk_box_prepend (tf_item_view_get_action_box (self->item_view), button);

  /* Queue Viewer's file-level actions */
  {
    g_autoptr (GMenu) menu = g_menu_new ();
    GtkWidget *queue = gtk_menu_button_new ();

    g_menu_append (menu, _ ("_Resubmit to Pickup / Replay Folder…"), "win.resubmit");
    g_menu_append (menu, _ ("_Move to Hold Folder…"), "win.hold");
    gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (queue), G_MENU_MODEL (menu));
    gtk_menu_button_set_label (GTK_MENU_BUTTON (queue), _ ("Queue"));
    gtk_widget_set_tooltip_text (queue, _ ("Hold this queue file, or resubmit it once repaired"));
    gtk_widget_insert_after (queue, GTK_WIDGET (tf_item_view_get_action_box (self->item_view)), button);
  }
}

void
_tf_window_repair_update (TfWindow *self)
{
  gboolean scanning = _tf_window_is_scanning (self);
  gboolean has_sources = g_list_model_get_n_items (G_LIST_MODEL (self->sources)) > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.repair",
                                 !scanning && item_has_repair_target (_tf_window_get_selected_item (self)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.repair-all", !scanning && has_sources);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo", !scanning && self->last_run_id != NULL);

  {
    TfItem *item = _tf_window_get_selected_item (self);
    /* Whole files only (not a message of an mbox or a PST: holding it
     * would move the whole mailbox); Pickup takes RFC 5322 messages,
     * repaired ones. */
    gboolean is_file = item != NULL && tf_item_get_mbox_index (item) == 0 && tf_item_get_nid (item) == NULL;
    gboolean resubmittable = is_file && tf_item_get_format (item) == TF_FORMAT_EML && !tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601) && !tf_item_has_finding (item, TF_FINDING_TRACK_TIME_PRE_1900) && !tf_item_has_finding (item, TF_FINDING_PARSE_ERROR);

    update_repair_tooltip (self, item);
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.hold", !scanning && is_file);
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.resubmit", !scanning && resubmittable);
  }
}
