/* tf-server-fix-page.c — the "Server Fix" page: FixRecipientTrackStatusTime
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Everything it does is in the core (tf-registry.h, tf-regfile.h): the page
 * shows a SYSTEM hive's status as rows, asks before writing (the dialog
 * lists the exact changes from a dry run), and offers the .reg export and
 * command lines for when there is no hive at hand. Results go to the
 * nearest AdwToastOverlay, so the page needs no window API. */

#define G_LOG_DOMAIN "Trackfix"

#include "config.h"

#include <glib/gi18n.h>

#include "tf-labels-private.h"
#include "tf-reader.h"
#include "tf-regfile.h"
#include "tf-registry.h"
#include "tf-repair.h"
#include "tf-server-fix-page.h"

struct _TfServerFixPage
{
  GtkWidget parent_instance;

  /* Template Widgets */
  AdwActionRow *control_set_row;
  AdwActionRow *excdo_row;
  AdwActionRow *exchange_row;
  AdwActionRow *hive_row;
  AdwActionRow *key_row;
  GtkLabel *restart_label;
  AdwExpanderRow *setup_row;
  AdwActionRow *software_row;
  AdwActionRow *state_row;
  AdwActionRow *value_row;
  GtkLabel *verdict_label;

  /* Owned References */
  GFile *hive;
  TfHiveStatus *status;
  GCancellable *cancellable;
  GPtrArray *setup_value_rows; /* rows added to setup_row */
  char *backup_dir;
  char *journal_path;

  TfFlagAction pending_action;
  guint busy; /* running operations */
};

enum
{
  PROP_0,
  PROP_HIVE,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TfServerFixPage, tf_server_fix_page, GTK_TYPE_WIDGET)

static void update_actions (TfServerFixPage *self);

/* Helpers ----------------------------------------------------------------- */

static void
add_toast (TfServerFixPage *self,
           const char *title)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast;

  g_debug ("%s", title);
  if (overlay == NULL)
    return;
  toast = tf_labels_new_toast (title);
  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

static GtkWindow *
get_window (TfServerFixPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* Registry paths in monospace that break only after a "\\" and never
 * gain a hyphen: "MimeHandlers\\FixRecipient-TrackStatusTime" would be
 * typed wrong from the dialog. Not selectable: the joiners would be
 * copied too (Copy Command and the .reg export are for copying). */
static GtkWidget *
registry_label (char **lines)
{
  g_autoptr (GString) text = g_string_new (NULL);
  PangoAttrList *attrs = pango_attr_list_new ();
  GtkWidget *label;

  for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, "• ");
      /* U+2060 WORD JOINER after every character but "\\", a zero-width
       * space after "\\": the only place Pango may break the line */
      for (const char *p = lines[i]; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          g_string_append_unichar (text, c);
          if (c == '\\')
            g_string_append_unichar (text, 0x200B);
          else if (c != ' ' && *g_utf8_next_char (p) != '\0')
            g_string_append_unichar (text, 0x2060);
        }
    }

  pango_attr_list_insert (attrs, pango_attr_insert_hyphens_new (FALSE));
  label = g_object_new (GTK_TYPE_LABEL,
                        "label", text->str,
                        "xalign", 0.0f,
                        "wrap", TRUE,
                        "wrap-mode", PANGO_WRAP_WORD,
                        "attributes", attrs,
                        NULL);
  gtk_widget_add_css_class (label, "monospace");
  pango_attr_list_unref (attrs);

  return label;
}

/* Errors that need reading (refusals) get a dialog, not a toast. */
static void
show_error (TfServerFixPage *self,
            const char *heading,
            const GError *error)
{
  AdwMessageDialog *dialog;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (get_window (self), heading, error->message));
  adw_message_dialog_add_response (dialog, "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
set_busy (TfServerFixPage *self,
          gboolean busy)
{
  gboolean was = self->busy > 0;

  if (busy)
    self->busy++;
  else if (self->busy > 0)
    self->busy--;
  if (was != (self->busy > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  update_actions (self);
}

static void
set_row (AdwActionRow *row,
         const char *subtitle)
{
  /* Never empty: an empty subtitle hides its label, and a row whose height
   * changes while the page is being laid out made GTK 4.8 allocate that
   * label a negative height (a warning, fatal in the tests). */
  adw_action_row_set_subtitle (row, subtitle != NULL && *subtitle != '\0' ? subtitle : "—");
}

static void
set_row_title (gpointer row,
               const char *title)
{
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
}

static const char *
present_text (gboolean present)
{
  /* Translators: a registry key exists / does not exist */
  return present ? _ ("Present") : _ ("Absent");
}

static void
update_actions (TfServerFixPage *self)
{
  gboolean ready = FALSE;
  gboolean idle = self->busy == 0;
  TfFlagState state = TF_FLAG_STATE_ABSENT;

  if (self->status != NULL)
    {
      ready = tf_hive_status_get_verdict (self->status, NULL) == TF_HIVE_VERDICT_READY;
      state = self->status->flag_state;
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "server-fix.enable",
                                 idle && ready && state != TF_FLAG_STATE_ONE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "server-fix.revert",
                                 idle && ready && state != TF_FLAG_STATE_ABSENT && state != TF_FLAG_STATE_ZERO);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "server-fix.choose-hive", idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "server-fix.reload", idle && self->hive != NULL);
}

static void
show_status (TfServerFixPage *self,
             const GError *error)
{
  g_autofree char *reason = NULL;
  g_autofree char *key = NULL;
  TfHiveStatus *status = self->status;

  gtk_widget_set_visible (GTK_WIDGET (self->verdict_label), FALSE);
  /* Before a hive was read the rows would only show empty values */
  gtk_widget_set_visible (GTK_WIDGET (self->state_row), status != NULL || error != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->control_set_row), status != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->exchange_row), status != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->key_row), status != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->value_row), status != NULL);
  if (status == NULL)
    {
      set_row (self->state_row, error != NULL ? error->message : NULL);
      set_row (self->control_set_row, NULL);
      set_row (self->exchange_row, NULL);
      set_row (self->key_row, NULL);
      set_row (self->value_row, NULL);
      update_actions (self);
      return;
    }

  if (status->dirty_reason != NULL)
    {
      /* Translators: %s is the reason, e.g. "Its header sequence numbers differ (4 and 3)…" */
      g_autofree char *text = g_strdup_printf (_ ("Dirty: %s"), status->dirty_reason);
      set_row (self->state_row, text);
    }
  else
    {
      /* Translators: %u %u are the hive header's two sequence numbers */
      g_autofree char *text = g_strdup_printf (_ ("Clean (sequence numbers %u / %u)"),
                                               status->sequence1, status->sequence2);
      set_row (self->state_row, text);
    }

  if (status->not_system_reason != NULL)
    set_row (self->control_set_row, status->not_system_reason);
  else
    {
      /* Translators: %s is ControlSet001 etc., %u the \Select\Current number */
      g_autofree char *text = g_strdup_printf (_ ("%s (\\Select\\Current = %u)"),
                                               status->control_set, status->current);
      set_row (self->control_set_row, text);
    }

  set_row (self->exchange_row, status->control_set != NULL && status->not_system_reason == NULL
                                   ? present_text (status->has_exchange_is)
                                   : NULL);
  key = tf_hive_status_dup_key_path (status);
  if (key != NULL && status->not_system_reason == NULL)
    {
      /* Translators: "Present — ControlSet002\Services\…"; the path stays untranslated */
      g_autofree char *text = g_strdup_printf (_ ("%s — %s"), present_text (status->has_mime_handler_key), key);
      set_row (self->key_row, text);
    }
  else
    set_row (self->key_row, NULL);

  if (status->not_system_reason != NULL)
    set_row (self->value_row, NULL);
  else if (status->flag_display != NULL)
    {
      g_autofree char *text = g_strdup_printf (_ ("%s — %s"), tf_flag_state_get_label (status->flag_state),
                                               status->flag_display);
      set_row (self->value_row, text);
    }
  else
    set_row (self->value_row, tf_flag_state_get_label (status->flag_state));

  if (tf_hive_status_get_verdict (status, &reason) != TF_HIVE_VERDICT_READY)
    {
      gtk_label_set_text (self->verdict_label, reason);
      gtk_widget_set_visible (GTK_WIDGET (self->verdict_label), TRUE);
    }
  update_actions (self);
}

/* Status ------------------------------------------------------------------ */

static void
status_read_cb (GObject *source,
                GAsyncResult *result,
                gpointer user_data)
{
  g_autoptr (TfServerFixPage) self = user_data;
  g_autoptr (GError) error = NULL;
  TfHiveStatus *status;

  status = tf_hive_status_read_finish (result, &error);
  if (status == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_busy (self, FALSE);
      return;
    }
  g_clear_pointer (&self->status, tf_hive_status_free);
  self->status = status;
  show_status (self, error);
  set_busy (self, FALSE);
}

static void
reload (TfServerFixPage *self)
{
  g_autofree char *path = NULL;

  g_clear_pointer (&self->status, tf_hive_status_free);
  if (self->hive == NULL)
    {
      set_row (self->hive_row, _ ("No file chosen"));
      show_status (self, NULL);
      return;
    }
  path = g_file_get_path (self->hive);
  set_row (self->hive_row, path);
  if (path == NULL)
    {
      g_autoptr (GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                                      _ ("Only local files can be opened"));
      show_status (self, error);
      return;
    }
  set_busy (self, TRUE);
  tf_hive_status_read_async (path, self->cancellable, status_read_cb, g_object_ref (self));
}

/* Undo ------------------------------------------------------------------- */

typedef struct
{
  char *journal;
  char *run_id;
} UndoData;

static void
undo_data_free (UndoData *ud)
{
  g_free (ud->journal);
  g_free (ud->run_id);
  g_free (ud);
}

/* The shared undo of repairs and flag changes: restores the backup byte
 * for byte, and refuses when the hive changed since. */
static void
undo_thread (GTask *task,
             gpointer source_object,
             gpointer task_data,
             GCancellable *cancellable)
{
  UndoData *ud = task_data;
  GError *error = NULL;
  GPtrArray *results = tf_repair_undo (ud->journal, 0, ud->run_id, FALSE, cancellable, &error);

  if (results == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, results, (GDestroyNotify) g_ptr_array_unref);
}

static void
undo_done_cb (GObject *source,
              GAsyncResult *res,
              gpointer user_data)
{
  TfServerFixPage *self = TF_SERVER_FIX_PAGE (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) results = g_task_propagate_pointer (G_TASK (res), &error);

  set_busy (self, FALSE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (results == NULL)
    {
      show_error (self, _ ("The Change Was Not Undone"), error);
      reload (self);
      return;
    }
  for (guint i = 0; i < results->len; i++)
    {
      TfRepairResult *r = g_ptr_array_index (results, i);
      TfRepairStatus status = tf_repair_result_get_status (r);

      if (status == TF_REPAIR_STATUS_REFUSED || status == TF_REPAIR_STATUS_FAILED)
        {
          g_autoptr (GError) failure = g_error_new_literal (TF_ERROR, TF_ERROR_REFUSED,
                                                            tf_repair_result_get_message (r));
          show_error (self, _ ("The Change Was Not Undone"), failure);
          reload (self);
          return;
        }
    }
  add_toast (self, _ ("The hive was restored from its backup"));
  reload (self);
}

static void
undo_clicked_cb (AdwToast *toast,
                 gpointer user_data)
{
  TfServerFixPage *self = TF_SERVER_FIX_PAGE (user_data);
  UndoData *src = g_object_get_data (G_OBJECT (toast), "undo");
  g_autoptr (GTask) task = NULL;
  UndoData *ud;

  if (src == NULL)
    return;
  ud = g_new0 (UndoData, 1);
  ud->journal = g_strdup (src->journal);
  ud->run_id = g_strdup (src->run_id);
  task = g_task_new (self, self->cancellable, undo_done_cb, NULL);
  g_task_set_source_tag (task, undo_clicked_cb);
  g_task_set_task_data (task, ud, (GDestroyNotify) undo_data_free);
  set_busy (self, TRUE);
  g_task_run_in_thread (task, undo_thread);
}

static void
add_undo_toast (TfServerFixPage *self,
                const char *title,
                const TfFlagResult *result)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  UndoData *ud;
  AdwToast *toast;

  if (overlay == NULL || result->journal == NULL || result->run_id == NULL)
    {
      add_toast (self, title);
      return;
    }
  toast = tf_labels_new_toast (title);
  adw_toast_set_timeout (toast, 10);
  adw_toast_set_button_label (toast, _ ("_Undo"));
  ud = g_new0 (UndoData, 1);
  ud->journal = g_strdup (result->journal);
  ud->run_id = g_strdup (result->run_id);
  g_object_set_data_full (G_OBJECT (toast), "undo", ud, (GDestroyNotify) undo_data_free);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_clicked_cb), self, 0);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

/* Enable / revert --------------------------------------------------------- */

static void
flag_done_cb (GObject *source,
              GAsyncResult *res,
              gpointer user_data)
{
  g_autoptr (TfServerFixPage) self = user_data;
  g_autoptr (TfFlagResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *title = NULL;

  result = tf_flag_run_finish (res, &error);
  set_busy (self, FALSE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (result == NULL)
    {
      show_error (self, self->pending_action == TF_FLAG_ENABLE ? _ ("The Fix Flag Was Not Set") : _ ("The Fix Flag Was Not Reverted"),
                  error);
      reload (self);
      return;
    }
  if (!result->written)
    title = g_strdup (_ ("Nothing to change"));
  else if (result->action == TF_FLAG_ENABLE)
    /* Translators: %s is a control set name such as ControlSet001 */
    title = g_strdup_printf (_ ("Fix flag set in %s; the original hive was backed up"), result->control_set);
  else
    title = g_strdup_printf (_ ("Fix flag removed from %s; the original hive was backed up"), result->control_set);
  if (result->written)
    add_undo_toast (self, title, result);
  else
    add_toast (self, title);
  reload (self);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char *response,
                     gpointer user_data)
{
  TfServerFixPage *self = user_data;
  g_autofree char *path = NULL;

  if (g_strcmp0 (response, "apply") != 0 || self->hive == NULL)
    return;
  path = g_file_get_path (self->hive);
  set_busy (self, TRUE);
  tf_flag_run_async (path, self->pending_action, TF_FLAG_RUN_NONE, self->backup_dir, self->journal_path,
                     self->cancellable, flag_done_cb, g_object_ref (self));
}

static void
plan_done_cb (GObject *source,
              GAsyncResult *res,
              gpointer user_data)
{
  g_autoptr (TfServerFixPage) self = user_data;
  g_autoptr (TfFlagResult) plan = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) body = g_string_new (NULL);
  g_autofree char *path = NULL;
  AdwMessageDialog *dialog;
  gboolean enable = self->pending_action == TF_FLAG_ENABLE;

  plan = tf_flag_run_finish (res, &error);
  set_busy (self, FALSE);
  if (plan == NULL)
    {
      show_error (self, _ ("This Hive Cannot Be Changed"), error);
      return;
    }
  if (plan->changes[0] == NULL)
    {
      add_toast (self, enable ? _ ("The fix flag is already set") : _ ("The fix flag is already off"));
      return;
    }

  path = g_file_get_path (self->hive);
  /* Translators: %s is the hive file; a list of changes follows */
  g_string_append_printf (body, _ ("These changes will be written to %s:"), path);
  g_string_append (body, "\n\n");
  g_string_append (body, _ ("A copy of the hive is kept first and the change is recorded in the journal, so it can be undone. "
                            "Windows must not be running from this hive."));

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (get_window (self),
                                                       enable ? _ ("Enable the Fix Flag?") : _ ("Revert the Fix Flag?"),
                                                       body->str));
  adw_message_dialog_set_extra_child (dialog, registry_label (plan->changes));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _ ("_Cancel"),
                                    "apply", enable ? _ ("_Enable") : _ ("_Revert"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "apply",
                                              enable ? ADW_RESPONSE_SUGGESTED : ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
start_flag (TfServerFixPage *self,
            TfFlagAction action)
{
  g_autofree char *path = NULL;

  if (self->hive == NULL || self->busy > 0)
    return;
  path = g_file_get_path (self->hive);
  self->pending_action = action;
  set_busy (self, TRUE);
  /* A dry run first: the confirmation states the exact change. */
  tf_flag_run_async (path, action, TF_FLAG_RUN_DRY_RUN, NULL, NULL,
                     self->cancellable, plan_done_cb, g_object_ref (self));
}

/* File choosers ----------------------------------------------------------- */

typedef enum
{
  CHOOSE_HIVE,
  CHOOSE_EXCDO,
  CHOOSE_SOFTWARE,
  CHOOSE_EXPORT_ENABLE,
  CHOOSE_EXPORT_REVERT,
} ChooseKind;

static void
regfile_write_thread (GTask *task,
                      gpointer source_object,
                      gpointer task_data,
                      GCancellable *cancellable)
{
  const char *path = task_data;
  GError *error = NULL;
  TfFlagAction action = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "action"));

  if (tf_regfile_write (path, action, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
regfile_written_cb (GObject *source,
                    GAsyncResult *res,
                    gpointer user_data)
{
  TfServerFixPage *self = TF_SERVER_FIX_PAGE (source);
  g_autoptr (GError) error = NULL;
  g_autofree char *reminder = tf_flag_dup_restart_reminder (TF_COMMAND_STYLE_REG);

  set_busy (self, FALSE);
  if (!g_task_propagate_boolean (G_TASK (res), &error))
    {
      show_error (self, _ ("The .reg File Was Not Written"), error);
      return;
    }
  {
    /* Translators: %s is the reminder to restart the Information Store */
    g_autofree char *title = g_strdup_printf (_ ("Registry file saved. %s"), reminder);
    add_toast (self, title);
  }
}

static void
export_reg (TfServerFixPage *self,
            GFile *file,
            TfFlagAction action)
{
  g_autoptr (GTask) task = NULL;
  char *path = g_file_get_path (file);

  if (path == NULL)
    return;
  task = g_task_new (self, self->cancellable, regfile_written_cb, NULL);
  g_task_set_source_tag (task, export_reg);
  g_task_set_task_data (task, path, g_free);
  g_object_set_data (G_OBJECT (task), "action", GINT_TO_POINTER (action));
  set_busy (self, TRUE);
  g_task_run_in_thread (task, regfile_write_thread);
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int response,
                     gpointer user_data)
{
  TfServerFixPage *self = user_data;
  ChooseKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "kind"));
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  if (file != NULL)
    {
      switch (kind)
        {
        case CHOOSE_HIVE:
          tf_server_fix_page_set_hive (self, file);
          break;
        case CHOOSE_EXCDO:
          tf_server_fix_page_set_excdo (self, file);
          break;
        case CHOOSE_SOFTWARE:
          tf_server_fix_page_set_software (self, file);
          break;
        case CHOOSE_EXPORT_ENABLE:
          export_reg (self, file, TF_FLAG_ENABLE);
          break;
        case CHOOSE_EXPORT_REVERT:
          export_reg (self, file, TF_FLAG_DISABLE);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  g_object_unref (self);
  g_object_unref (dialog);
}

static void
choose_file (TfServerFixPage *self,
             ChooseKind kind)
{
  GtkFileChooserNative *native;
  gboolean save = kind == CHOOSE_EXPORT_ENABLE || kind == CHOOSE_EXPORT_REVERT;
  const char *title;

  switch (kind)
    {
    case CHOOSE_HIVE:
      title = _ ("Open SYSTEM Hive");
      break;
    case CHOOSE_EXCDO:
      title = _ ("Open Excdo.dll");
      break;
    case CHOOSE_SOFTWARE:
      title = _ ("Open SOFTWARE Hive");
      break;
    case CHOOSE_EXPORT_REVERT:
      title = _ ("Export Revert .reg File");
      break;
    case CHOOSE_EXPORT_ENABLE:
    default:
      title = _ ("Export .reg File");
      break;
    }
  native = gtk_file_chooser_native_new (title, get_window (self),
                                        save ? GTK_FILE_CHOOSER_ACTION_SAVE : GTK_FILE_CHOOSER_ACTION_OPEN,
                                        save ? _ ("_Save") : _ ("_Open"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  if (save)
    {
      /* Beside the hive when it is local, else home: never the working
       * directory the app happened to start in */
      g_autoptr (GFile) folder = self->hive != NULL && g_file_is_native (self->hive) ? g_file_get_parent (self->hive) : NULL;

      if (folder == NULL || !g_file_query_exists (folder, NULL))
        {
          g_clear_object (&folder);
          folder = g_file_new_for_path (g_get_home_dir ());
        }
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native), folder, NULL);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native),
                                         kind == CHOOSE_EXPORT_ENABLE ? "FixRecipientTrackStatusTime-enable.reg"
                                                                      : "FixRecipientTrackStatusTime-revert.reg");
    }
  g_object_set_data (G_OBJECT (native), "kind", GINT_TO_POINTER (kind));
  g_signal_connect (native, "response", G_CALLBACK (chooser_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* Prerequisites ----------------------------------------------------------- */

static void
excdo_thread (GTask *task,
              gpointer source_object,
              gpointer task_data,
              GCancellable *cancellable)
{
  TfFileVersion *version = g_new0 (TfFileVersion, 1);
  GError *error = NULL;

  if (tf_pe_read_version_file (task_data, version, &error))
    g_task_return_pointer (task, version, g_free);
  else
    {
      g_free (version);
      g_task_return_error (task, error);
    }
}

static void
excdo_done_cb (GObject *source,
               GAsyncResult *res,
               gpointer user_data)
{
  TfServerFixPage *self = TF_SERVER_FIX_PAGE (source);
  g_autoptr (GError) error = NULL;
  g_autofree TfFileVersion *version = g_task_propagate_pointer (G_TASK (res), &error);
  g_autofree char *text = NULL;
  g_autofree char *str = NULL;

  set_busy (self, FALSE);
  if (version == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_row (self->excdo_row, error->message);
      return;
    }
  str = tf_file_version_to_string (version);
  if (tf_excdo_version_has_fix (version))
    /* Translators: first %s the file version, second the required one */
    text = g_strdup_printf (_ ("Version %s: the hotfix is installed (needs %s or later)"), str, TF_EXCDO_FIXED_VERSION);
  else
    text = g_strdup_printf (_ ("Version %s: the hotfix is missing (needs %s or later, KB 969254); the flag has no effect without it"),
                            str, TF_EXCDO_FIXED_VERSION);
  set_row (self->excdo_row, text);
}

static void
software_thread (GTask *task,
                 gpointer source_object,
                 gpointer task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;
  gboolean found = FALSE;
  GPtrArray *values = tf_software_hive_read_exchange_setup (task_data, &found, &error);

  if (values == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_object_set_data (G_OBJECT (task), "found", GINT_TO_POINTER (found));
  g_task_return_pointer (task, values, (GDestroyNotify) g_ptr_array_unref);
}

static void
clear_setup_rows (TfServerFixPage *self)
{
  for (guint i = 0; i < self->setup_value_rows->len; i++)
    adw_expander_row_remove (self->setup_row, g_ptr_array_index (self->setup_value_rows, i));
  g_ptr_array_set_size (self->setup_value_rows, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->setup_row), FALSE);
}

static void
software_done_cb (GObject *source,
                  GAsyncResult *res,
                  gpointer user_data)
{
  TfServerFixPage *self = TF_SERVER_FIX_PAGE (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) values = g_task_propagate_pointer (G_TASK (res), &error);
  gboolean found = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (res), "found"));

  set_busy (self, FALSE);
  clear_setup_rows (self);
  if (values == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_row (self->software_row, error->message);
      return;
    }
  if (!found)
    {
      set_row (self->software_row, _ ("No Microsoft\\Exchange\\Setup key: Exchange is not installed in this hive"));
      return;
    }
  {
    g_autofree char *text = g_strdup_printf (ngettext ("Microsoft\\Exchange\\Setup holds %u value",
                                                       "Microsoft\\Exchange\\Setup holds %u values", values->len),
                                             values->len);
    set_row (self->software_row, text);
  }
  for (guint i = 0; i < values->len; i++)
    {
      TfRegValue *v = g_ptr_array_index (values, i);
      GtkWidget *row = adw_action_row_new ();

      /* Translators: the name of a registry key's unnamed value */
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), *v->name ? v->name : _ ("(Default)"));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), v->display);
      adw_expander_row_add_row (self->setup_row, row);
      g_ptr_array_add (self->setup_value_rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->setup_row), values->len > 0);
}

/* Actions ----------------------------------------------------------------- */

static void
choose_hive_cb (GtkWidget *widget,
                const char *action_name,
                GVariant *param)
{
  choose_file (TF_SERVER_FIX_PAGE (widget), CHOOSE_HIVE);
}

static void
reload_cb (GtkWidget *widget,
           const char *action_name,
           GVariant *param)
{
  reload (TF_SERVER_FIX_PAGE (widget));
}

static void
enable_cb (GtkWidget *widget,
           const char *action_name,
           GVariant *param)
{
  start_flag (TF_SERVER_FIX_PAGE (widget), TF_FLAG_ENABLE);
}

static void
revert_cb (GtkWidget *widget,
           const char *action_name,
           GVariant *param)
{
  start_flag (TF_SERVER_FIX_PAGE (widget), TF_FLAG_DISABLE);
}

static void
export_reg_cb (GtkWidget *widget,
               const char *action_name,
               GVariant *param)
{
  choose_file (TF_SERVER_FIX_PAGE (widget),
               g_variant_get_boolean (param) ? CHOOSE_EXPORT_REVERT : CHOOSE_EXPORT_ENABLE);
}

static void
copy_command_cb (GtkWidget *widget,
                 const char *action_name,
                 GVariant *param)
{
  TfServerFixPage *self = TF_SERVER_FIX_PAGE (widget);
  const char *which = g_variant_get_string (param, NULL);
  TfCommandStyle style = g_str_has_prefix (which, "powershell") ? TF_COMMAND_STYLE_POWERSHELL : TF_COMMAND_STYLE_REG;
  TfFlagAction action = g_str_has_suffix (which, "-revert") ? TF_FLAG_DISABLE : TF_FLAG_ENABLE;
  g_autofree char *commands = tf_flag_build_commands (action, style);
  g_autofree char *reminder = tf_flag_dup_restart_reminder (style);
  g_autofree char *title = NULL;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), commands);
  /* Translators: %s is the reminder to restart the Information Store */
  title = g_strdup_printf (_ ("Commands copied. %s"), reminder);
  add_toast (self, title);
}

static void
choose_excdo_cb (GtkWidget *widget,
                 const char *action_name,
                 GVariant *param)
{
  choose_file (TF_SERVER_FIX_PAGE (widget), CHOOSE_EXCDO);
}

static void
choose_software_cb (GtkWidget *widget,
                    const char *action_name,
                    GVariant *param)
{
  choose_file (TF_SERVER_FIX_PAGE (widget), CHOOSE_SOFTWARE);
}

/* GObject ----------------------------------------------------------------- */

static void
tf_server_fix_page_dispose (GObject *object)
{
  TfServerFixPage *self = (TfServerFixPage *) object;
  GtkWidget *child;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TF_TYPE_SERVER_FIX_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->hive);
  g_clear_pointer (&self->status, tf_hive_status_free);
  g_clear_pointer (&self->setup_value_rows, g_ptr_array_unref);
  g_clear_pointer (&self->backup_dir, g_free);
  g_clear_pointer (&self->journal_path, g_free);

  G_OBJECT_CLASS (tf_server_fix_page_parent_class)->dispose (object);
}

static void
tf_server_fix_page_get_property (GObject *object,
                                 guint prop_id,
                                 GValue *value,
                                 GParamSpec *pspec)
{
  TfServerFixPage *self = TF_SERVER_FIX_PAGE (object);

  switch (prop_id)
    {
    case PROP_HIVE:
      g_value_set_object (value, tf_server_fix_page_get_hive (self));
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, tf_server_fix_page_get_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tf_server_fix_page_set_property (GObject *object,
                                 guint prop_id,
                                 const GValue *value,
                                 GParamSpec *pspec)
{
  TfServerFixPage *self = TF_SERVER_FIX_PAGE (object);

  switch (prop_id)
    {
    case PROP_HIVE:
      tf_server_fix_page_set_hive (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tf_server_fix_page_class_init (TfServerFixPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tf_server_fix_page_dispose;
  object_class->get_property = tf_server_fix_page_get_property;
  object_class->set_property = tf_server_fix_page_set_property;

  properties[PROP_HIVE] = g_param_spec_object ("hive", NULL, NULL, G_TYPE_FILE,
                                               (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                                                (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/ui/tf-server-fix-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TfServerFixPage, control_set_row);
  gtk_widget_class_bind_template_child (widget_class, TfServerFixPage, excdo_row);
  gtk_widget_class_bind_template_child (widget_class, TfServerFixPage, exchange_row);
  gtk_widget_class_bind_template_child (widget_class, TfServerFixPage, hive_row);
  gtk_widget_class_bind_template_child (widget_class, TfServerFixPage, key_row);
  gtk_widget_class_bind_template_child (widget_class, TfServerFixPage, restart_label);
  gtk_widget_class_bind_template_child (widget_class, TfServerFixPage, setup_row);
  gtk_widget_class_bind_template_child (widget_class, TfServerFixPage, software_row);
  gtk_widget_class_bind_template_child (widget_class, TfServerFixPage, state_row);
  gtk_widget_class_bind_template_child (widget_class, TfServerFixPage, value_row);
  gtk_widget_class_bind_template_child (widget_class, TfServerFixPage, verdict_label);

  gtk_widget_class_install_action (widget_class, "server-fix.choose-hive", NULL, choose_hive_cb);
  gtk_widget_class_install_action (widget_class, "server-fix.reload", NULL, reload_cb);
  gtk_widget_class_install_action (widget_class, "server-fix.enable", NULL, enable_cb);
  gtk_widget_class_install_action (widget_class, "server-fix.revert", NULL, revert_cb);
  gtk_widget_class_install_action (widget_class, "server-fix.export-reg", "b", export_reg_cb);
  gtk_widget_class_install_action (widget_class, "server-fix.copy-command", "s", copy_command_cb);
  gtk_widget_class_install_action (widget_class, "server-fix.choose-excdo", NULL, choose_excdo_cb);
  gtk_widget_class_install_action (widget_class, "server-fix.choose-software", NULL, choose_software_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tf_server_fix_page_init (TfServerFixPage *self)
{
  g_autofree char *reminder = tf_flag_dup_restart_reminder (TF_COMMAND_STYLE_REG);

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Names exactly as they are on the server: a registry value, a file and
   * a registry key */
  set_row_title (self->value_row, "FixRecipientTrackStatusTime"); /* not translated */
  set_row_title (self->excdo_row, "Excdo.dll");                   /* not translated */
  set_row_title (self->setup_row, "Microsoft\\Exchange\\Setup");  /* not translated */
  self->cancellable = g_cancellable_new ();
  self->setup_value_rows = g_ptr_array_new ();
  gtk_label_set_text (self->restart_label, reminder);
  reload (self);
}

/* Public API -------------------------------------------------------------- */

GtkWidget *
tf_server_fix_page_new (void)
{
  return g_object_new (TF_TYPE_SERVER_FIX_PAGE, NULL);
}

void
tf_server_fix_page_set_hive (TfServerFixPage *self,
                             GFile *hive)
{
  g_return_if_fail (TF_IS_SERVER_FIX_PAGE (self));
  g_return_if_fail (hive == NULL || G_IS_FILE (hive));

  if (g_set_object (&self->hive, hive))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIVE]);
  reload (self);
}

GFile *
tf_server_fix_page_get_hive (TfServerFixPage *self)
{
  g_return_val_if_fail (TF_IS_SERVER_FIX_PAGE (self), NULL);

  return self->hive;
}

void
tf_server_fix_page_set_storage (TfServerFixPage *self,
                                const char *backup_dir,
                                const char *journal_path)
{
  g_return_if_fail (TF_IS_SERVER_FIX_PAGE (self));

  g_free (self->backup_dir);
  self->backup_dir = g_strdup (backup_dir);
  g_free (self->journal_path);
  self->journal_path = g_strdup (journal_path);
}

void
tf_server_fix_page_set_excdo (TfServerFixPage *self,
                              GFile *excdo)
{
  g_autoptr (GTask) task = NULL;
  char *path;

  g_return_if_fail (TF_IS_SERVER_FIX_PAGE (self));
  g_return_if_fail (G_IS_FILE (excdo));

  path = g_file_get_path (excdo);
  if (path == NULL)
    return;
  task = g_task_new (self, self->cancellable, excdo_done_cb, NULL);
  g_task_set_source_tag (task, tf_server_fix_page_set_excdo);
  g_task_set_task_data (task, path, g_free);
  set_busy (self, TRUE);
  g_task_run_in_thread (task, excdo_thread);
}

void
tf_server_fix_page_set_software (TfServerFixPage *self,
                                 GFile *software)
{
  g_autoptr (GTask) task = NULL;
  char *path;

  g_return_if_fail (TF_IS_SERVER_FIX_PAGE (self));
  g_return_if_fail (G_IS_FILE (software));

  path = g_file_get_path (software);
  if (path == NULL)
    return;
  task = g_task_new (self, self->cancellable, software_done_cb, NULL);
  g_task_set_source_tag (task, tf_server_fix_page_set_software);
  g_task_set_task_data (task, path, g_free);
  set_busy (self, TRUE);
  g_task_run_in_thread (task, software_thread);
}

gboolean
tf_server_fix_page_get_busy (TfServerFixPage *self)
{
  g_return_val_if_fail (TF_IS_SERVER_FIX_PAGE (self), FALSE);

  return self->busy > 0;
}
