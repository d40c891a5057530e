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
 * "/Top of Personal Folders/Calendar" in two lines like the other
 * columns: the folder's own name, and the folders above it in dim type.
 * Items from other files have no folder: the column is shown only while
 * the list's scope holds items from a PST or OST. */

/* The folder's own name (after the last '/'), or NULL for items without
 * a folder; *@parent_len: how much of the path is above it (0: none) */
static const char *
folder_split (TfItem *item,
              gsize *parent_len)
{
  const char *folder = tf_item_get_folder (item);
  const char *slash = folder != NULL ? strrchr (folder, '/') : NULL;

  *parent_len = slash != NULL ? (gsize) (slash - folder) : 0;
  if (slash == NULL || slash[1] == '\0')
    return folder;
  return slash + 1;
}

static char *
folder_name_text (gpointer item,
                  gpointer user_data)
{
  gsize parent_len;

  return g_strdup (folder_split (item, &parent_len));
}

static char *
folder_parent_text (gpointer item,
                    gpointer user_data)
{
  gsize parent_len;

  if (folder_split (item, &parent_len) == NULL || parent_len == 0)
    return NULL;
  return g_strndup (tf_item_get_folder (item), parent_len);
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
  tf_column_view_column_set_second_line (column, folder_parent_text, 16);
  gtk_column_view_column_set_visible (column, FALSE);
  g_object_set_data (G_OBJECT (self->items_view), FOLDER_COLUMN_KEY, column);
}

/* The column is there while the scope (the selected source, or all) has
 * items from a mailbox file */
void
_tf_window_pst_update (TfWindow *self)
{
  GtkColumnViewColumn *column = g_object_get_data (G_OBJECT (self->items_view), FOLDER_COLUMN_KEY);
  guint n_mailbox = 0;

  if (column == NULL)
    return;
  if (self->current_source != NULL)
    n_mailbox = tf_scan_source_get_n_mailbox_items (self->current_source);
  else
    {
      GListModel *sources = G_LIST_MODEL (self->sources);

      for (guint i = 0; i < g_list_model_get_n_items (sources); i++)
        {
          g_autoptr (TfScanSource) source = g_list_model_get_item (sources, i);

          n_mailbox += tf_scan_source_get_n_mailbox_items (source);
        }
    }
  if (gtk_column_view_column_get_visible (column) != (n_mailbox > 0))
    gtk_column_view_column_set_visible (column, n_mailbox > 0);
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
