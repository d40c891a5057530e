/* tf-watch-folders.c — the folders below an opened folder to watch
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tf-scanner.h"
#include "tf-watch-folders.h"

void
tf_found_folders_free (TfFoundFolders *found)
{
  if (found == NULL)
    return;
  g_ptr_array_unref (found->folders);
  g_free (found);
}

typedef struct
{
  GFile *folder;
  guint depth;
} PendingFolder;

static void
pending_folder_free (gpointer data)
{
  PendingFolder *pending = data;

  g_object_unref (pending->folder);
  g_free (pending);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

TfFoundFolders *
tf_watch_folders_find (GFile *root_folder,
                       guint max_depth,
                       guint max_folders,
                       GCancellable *cancellable)
{
  TfFoundFolders *found = g_new0 (TfFoundFolders, 1);
  GQueue queue = G_QUEUE_INIT;
  PendingFolder *root = g_new0 (PendingFolder, 1);

  found->folders = g_ptr_array_new_with_free_func (g_object_unref);
  root->folder = g_object_ref (root_folder);
  g_queue_push_tail (&queue, root);

  while (!g_queue_is_empty (&queue) && !g_cancellable_is_cancelled (cancellable))
    {
      PendingFolder *pending = g_queue_pop_head (&queue);
      g_autoptr (GFileEnumerator) enumerator = NULL;
      g_autoptr (GPtrArray) names = NULL;
      gboolean has_cur = FALSE;
      gboolean has_new = FALSE;

      g_ptr_array_add (found->folders, g_object_ref (pending->folder));
      if (pending->depth < max_depth)
        enumerator = g_file_enumerate_children (pending->folder,
                                                G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                                G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                                cancellable, NULL);
      names = g_ptr_array_new_with_free_func (g_free);
      while (enumerator != NULL)
        {
          GFileInfo *info = NULL;
          const char *name;

          if (!g_file_enumerator_iterate (enumerator, &info, NULL, cancellable, NULL) || info == NULL)
            break;
          /* Not followed: a symlink reports G_FILE_TYPE_SYMBOLIC_LINK */
          if (g_file_info_get_file_type (info) != G_FILE_TYPE_DIRECTORY)
            continue;
          name = g_file_info_get_name (info);
          if (name == NULL || tf_scanner_skips_folder (name, FALSE))
            continue;
          has_cur |= strcmp (name, "cur") == 0;
          has_new |= strcmp (name, "new") == 0;
          g_ptr_array_add (names, g_strdup (name));
        }
      g_ptr_array_sort (names, compare_names);

      for (guint i = 0; i < names->len; i++)
        {
          const char *name = g_ptr_array_index (names, i);
          PendingFolder *child;

          if (tf_scanner_skips_folder (name, has_cur && has_new))
            continue;
          if (found->folders->len + g_queue_get_length (&queue) >= max_folders)
            {
              found->truncated = TRUE;
              break;
            }
          child = g_new0 (PendingFolder, 1);
          child->folder = g_file_get_child (pending->folder, name);
          child->depth = pending->depth + 1;
          g_queue_push_tail (&queue, child);
        }
      pending_folder_free (pending);
    }
  g_queue_clear_full (&queue, pending_folder_free);

  if (g_cancellable_is_cancelled (cancellable))
    {
      tf_found_folders_free (found);
      return NULL;
    }
  return found;
}
