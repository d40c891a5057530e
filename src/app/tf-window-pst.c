/* tf-window-pst.c — mailbox exports (PST/OST) in the window: the Folder
 * column, the progress through a big file's messages, and why an OST item
 * is not repaired here
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "Trackfix"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tf-columns-private.h"
#include "tf-window-private.h"

#define FOLDER_COLUMN_KEY "tf-folder-column"

/* Folder column --------------------------------------------------------------
 *
 * The folder's own name ("Calendar"); the path above it and the node id
 * are in its tooltip. Items from other files have no folder, and the
 * column costs the message its room at 1366 px: it is shown only while
 * every item of the list's scope comes from a PST or OST. In a scope that
 * mixes them, a mailbox item's second line names its folder instead
 * (_tf_window_pst_location()). */

/* The folder's own name (after the last '/'), or NULL for items without
 * a folder */
static const char *
folder_name (TfItem *item)
{
  const char *folder = tf_item_get_folder (item);
  const char *slash = folder != NULL ? strrchr (folder, '/') : NULL;

  if (slash == NULL || slash[1] == '\0')
    return folder;
  return slash + 1;
}

static char *
folder_name_text (gpointer item,
                  gpointer user_data)
{
  return g_strdup (folder_name (item));
}

static char *
folder_tooltip (gpointer item,
                gpointer user_data)
{
  if (tf_item_get_folder (item) == NULL)
    return NULL;
  /* Translators: tooltip of the Folder column: the folder path in the PST/OST
   * file, then the message's node id (NID) in it */
  return g_strdup_printf (_ ("%s\nNode ID %s"), tf_item_get_folder (item),
                          tf_item_get_nid (item) != NULL ? tf_item_get_nid (item) : "—");
}

/* GtkStringSorter (4.8) cannot casefold NULL */
static char *
sort_folder (TfItem *item,
             gpointer data)
{
  return g_strdup (tf_item_get_folder (item) ?: "");
}

void
_tf_window_pst_add_folder_column (TfWindow *self)
{
  GtkColumnViewColumn *column;
  /* Translators: column header: the folder of a message in a PST/OST file */
  const char *title = C_ ("column", "Folder");

  column = tf_column_view_add_text_column (self->items_view, "folder", title,
                                           folder_name_text, folder_tooltip, NULL,
                                           tf_string_sorter_new (G_CALLBACK (sort_folder)),
                                           FALSE, MAX (10, tf_column_title_chars (title)), self);
  gtk_column_view_column_set_visible (column, FALSE);
  g_object_set_data (G_OBJECT (self->items_view), FOLDER_COLUMN_KEY, column);
}

static gboolean
folder_column_shown (TfWindow *self)
{
  GtkColumnViewColumn *column = g_object_get_data (G_OBJECT (self->items_view), FOLDER_COLUMN_KEY);

  return column != NULL && gtk_column_view_column_get_visible (column);
}

/* What tells an item's copies apart after its sender and problem: the
 * file name, or for a mailbox item its folder ("Calendar"), nothing
 * while the Folder column shows it (tf-window-list.c) */
char *
_tf_window_pst_location (TfWindow *self,
                         TfItem *item)
{
  if (tf_item_get_folder (item) != NULL)
    return folder_column_shown (self) ? NULL : g_strdup (folder_name (item));
  return g_path_get_basename (tf_item_get_file_path (item));
}

/* The column is there while every item of the scope (the selected source,
 * or all) comes from a mailbox file */
void
_tf_window_pst_update (TfWindow *self)
{
  GtkColumnViewColumn *column = g_object_get_data (G_OBJECT (self->items_view), FOLDER_COLUMN_KEY);
  guint n_mailbox = 0;
  guint n_items = 0;
  gboolean shown;

  if (column == NULL)
    return;
  if (self->current_source != NULL)
    {
      n_mailbox = tf_scan_source_get_n_mailbox_items (self->current_source);
      n_items = tf_scan_source_get_n_items (self->current_source);
    }
  else
    {
      GListModel *sources = G_LIST_MODEL (self->sources);

      for (guint i = 0; i < g_list_model_get_n_items (sources); i++)
        {
          g_autoptr (TfScanSource) source = g_list_model_get_item (sources, i);

          n_mailbox += tf_scan_source_get_n_mailbox_items (source);
          n_items += tf_scan_source_get_n_items (source);
        }
    }
  shown = n_mailbox > 0 && n_mailbox == n_items;
  if (gtk_column_view_column_get_visible (column) == shown)
    return;
  gtk_column_view_column_set_visible (column, shown);
  /* The second lines name the folder, or no longer do */
  _tf_window_rebind_items (self);
}

/* Progress ---------------------------------------------------------------------
 *
 * A folder scan counts files; a single PST of 10 GB is one file that takes
 * minutes, so while one is read the bar shows its messages read of all. */

void
_tf_window_show_file_progress (TfWindow *self,
                               const char *path,
                               guint n_done,
                               guint n_total,
                               guint n_items)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *messages = NULL;
  g_autofree char *items = NULL;
  g_autofree char *label = NULL;

  gtk_progress_bar_set_fraction (self->progress_bar, n_total > 0 ? (double) MIN (n_done, n_total) / n_total : 0.0);
  /* Not a count of files: the files' pulse resumes after this one */
  self->progress_last_done = G_MAXUINT;

  /* Translators: progress inside a PST/OST file: "1200 of 5000 messages" */
  messages = g_strdup_printf (ngettext ("%u of %u message", "%u of %u messages", n_total), n_done, n_total);
  items = g_strdup_printf (ngettext ("%u item", "%u items", n_items), n_items);
  /* Translators: progress: "Reading “export.pst”… 1200 of 5000 messages · 118 items" */
  label = g_strdup_printf (_ ("Reading “%s”… %s · %s"), base, messages, items);
  gtk_label_set_text (self->progress_label, label);
}
