/* tf-repair-run.c — writing a batch of repaired files: backups, journal, fsync, rename
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

#include "config.h"

#include <sys/stat.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "tf-repair-private.h"

void
tf_repair_prepared_free (TfRepairPrepared *p)
{
  g_clear_pointer (&p->repaired, g_bytes_unref);
  g_clear_pointer (&p->before, g_ptr_array_unref);
  g_clear_pointer (&p->ctx.after, g_ptr_array_unref);
  g_clear_pointer (&p->staged, tf_safe_staged_free);
  g_clear_pointer (&p->entry, tf_journal_entry_free);
  g_free (p);
}

static char **
describe_changes (GPtrArray *changes)
{
  GPtrArray *strv = g_ptr_array_new ();

  for (guint i = 0; i < changes->len; i++)
    g_ptr_array_add (strv, tf_repair_change_dup_description (g_ptr_array_index (changes, i)));
  g_ptr_array_add (strv, NULL);
  return (char **) g_ptr_array_free (strv, FALSE);
}

static void
set_file_info_from_disk (TfRepairResult *result)
{
  struct stat st;

  /* What a new scan would record, so the next repair accepts it. */
  if (result->items != NULL && g_lstat (result->file_path, &st) == 0)
    for (guint i = 0; i < result->items->len; i++)
      tf_item_set_file_info (g_ptr_array_index (result->items, i), (guint64) st.st_size,
                             tf_stat_mtime_usec (&st));
}

gboolean
tf_repair_sync_file_systems (GPtrArray *paths,
                             GError **error)
{
  g_autoptr (GArray) devices = g_array_new (FALSE, FALSE, sizeof (dev_t));

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      gboolean seen = FALSE;
      struct stat st;

      if (stat (path, &st) != 0)
        continue;
      for (guint k = 0; k < devices->len; k++)
        if (g_array_index (devices, dev_t, k) == st.st_dev)
          seen = TRUE;
      if (seen)
        continue;
      g_array_append_val (devices, st.st_dev);
      if (!tf_safe_sync_fs (path, error))
        return FALSE;
    }
  return TRUE;
}

/* Files repaired together: their backups, journal entries and temp files
 * are each flushed with one syncfs() / fsync for the whole batch, in the
 * same write-ahead order a single file follows:
 *   1. backups written, then flushed;
 *   2. journal entries appended in one write, then fsynced;
 *   3. temp files written next to the originals, then flushed;
 *   4. each temp file re-read and verified, the original checked against
 *      its stamp once more, then renamed over it;
 *   5. the renames flushed.
 * A crash anywhere leaves every file either original or repaired, and
 * every repaired file has its journal entry and backup on disk. */

gboolean
tf_repair_write_batch (GPtrArray *batch,
                       const char *backup_dir,
                       const char *journal_path,
                       const char *run_id,
                       GError **fatal)
{
  g_autoptr (GPtrArray) entries = g_ptr_array_new ();
  g_autoptr (GPtrArray) sync_paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;

  /* 1. Backups */
  for (guint i = 0; i < batch->len; i++)
    {
      TfRepairPrepared *p = g_ptr_array_index (batch, i);
      char *backup = tf_safe_backup_full (p->job->file_path, backup_dir, p->stamp.sha256,
                                          TF_SAFE_NO_SYNC | TF_SAFE_LINK_BACKUP, &error);

      if (backup == NULL)
        {
          tf_repair_result_set_error (p->result, error);
          g_clear_error (&error);
          /* The batch owns its entries: this frees @p. */
          g_ptr_array_remove_index (batch, i--);
          continue;
        }
      p->result->backup = backup;
    }
  if (batch->len == 0)
    return TRUE;
  g_ptr_array_add (sync_paths, g_strdup (((TfRepairPrepared *) g_ptr_array_index (batch, 0))->result->backup));
  if (!tf_repair_sync_file_systems (sync_paths, &error))
    goto fail_all;

  /* 2. Journal */
  for (guint i = 0; i < batch->len; i++)
    {
      TfRepairPrepared *p = g_ptr_array_index (batch, i);

      p->entry = tf_journal_entry_new (run_id, "repair", p->job->file_path);
      p->entry->sha256_before = g_strdup (p->stamp.sha256);
      p->entry->sha256_after = g_strdup (p->result->sha256_after);
      p->entry->backup = g_strdup (p->result->backup);
      g_strfreev (p->entry->changes);
      p->entry->changes = describe_changes (p->job->changes);
      g_ptr_array_add (entries, p->entry);
    }
  if (!tf_journal_append_many (journal_path, (TfJournalEntry *const *) entries->pdata, entries->len, &error))
    {
      for (guint i = 0; i < batch->len; i++)
        tf_repair_result_set_error (((TfRepairPrepared *) g_ptr_array_index (batch, i))->result, error);
      g_propagate_error (fatal, g_steal_pointer (&error));
      return FALSE;
    }

  /* 3. Temp files */
  g_ptr_array_set_size (sync_paths, 0);
  for (guint i = 0; i < batch->len; i++)
    {
      TfRepairPrepared *p = g_ptr_array_index (batch, i);

      p->staged = tf_safe_stage (p->job->file_path, &p->stamp, p->repaired, TF_SAFE_NO_SYNC, &error);
      if (p->staged == NULL)
        {
          tf_repair_result_set_error (p->result, error);
          g_clear_error (&error);
          continue;
        }
      g_ptr_array_add (sync_paths, g_strdup (p->job->file_path));
    }
  if (!tf_repair_sync_file_systems (sync_paths, &error))
    goto fail_all;

  /* 4. Verify and rename */
  for (guint i = 0; i < batch->len; i++)
    {
      TfRepairPrepared *p = g_ptr_array_index (batch, i);

      if (p->staged == NULL)
        continue;
      /* The commit reads the temp file back and compares it byte for byte
       * with p->repaired, which tf_repair_verify_bytes() already parsed and checked
       * in prepare_file(): parsing the same bytes again cannot differ. */
      if (!tf_safe_staged_commit (p->staged, NULL, NULL, TF_SAFE_NO_SYNC, &error))
        {
          tf_repair_result_set_error (p->result, error);
          g_clear_error (&error);
          continue;
        }
      p->result->items = g_steal_pointer (&p->ctx.after);
      set_file_info_from_disk (p->result);
      tf_repair_result_set (p->result, TF_REPAIR_STATUS_DONE, NULL);
    }

  /* 5. The renames */
  if (!tf_repair_sync_file_systems (sync_paths, &error))
    {
      for (guint i = 0; i < batch->len; i++)
        {
          TfRepairPrepared *p = g_ptr_array_index (batch, i);
          /* Written and verified, but not known to be on disk yet. */
          if (p->result->status == TF_REPAIR_STATUS_DONE)
            tf_repair_result_set_error (p->result, error);
        }
    }
  return TRUE;

fail_all:
  for (guint i = 0; i < batch->len; i++)
    tf_repair_result_set_error (((TfRepairPrepared *) g_ptr_array_index (batch, i))->result, error);
  return TRUE;
}
