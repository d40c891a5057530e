/* tf-repair-undo.c — undoing journaled repairs byte for byte
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

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "tf-repair-private.h"

TfJournalEntry *
tf_repair_undo_entry_new (const char *undo_run_id,
                          TfJournalEntry *e,
                          const char *sha_before,
                          const char *sha_after)
{
  TfJournalEntry *undo = tf_journal_entry_new (undo_run_id, "undo", e->file);

  undo->sha256_before = g_strdup (sha_before);
  undo->sha256_after = g_strdup (sha_after);
  undo->backup = g_strdup (e->backup);
  undo->target = g_strdup (e->target);
  g_strfreev (undo->changes);
  undo->changes = g_new0 (char *, 2);
  /* Translators: %1$s is a journal action such as "repair", %2$u an entry number, %3$s a run id */
  undo->changes[0] = g_strdup_printf (_ ("undo of %1$s (journal entry %2$u, run %3$s)"),
                                      e->action, e->index, e->run_id ? e->run_id : "-");
  return undo;
}

gboolean
tf_repair_journal_undo (const char *journal_path,
                        const char *undo_run_id,
                        TfJournalEntry *e,
                        const char *sha_before,
                        const char *sha_after,
                        GError **error)
{
  g_autoptr (TfJournalEntry) undo = tf_repair_undo_entry_new (undo_run_id, e, sha_before, sha_after);

  return tf_journal_append (journal_path, undo, error);
}

typedef struct
{
  const char *sha256;
} ShaCheck;

static gboolean
verify_sha_cb (const char *path,
               GBytes *data,
               gpointer user_data,
               GError **error)
{
  ShaCheck *check = user_data;
  g_autofree char *sha = tf_sha256_bytes (data);

  if (g_strcmp0 (sha, check->sha256) != 0)
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED, _ ("The restored file does not match the original"));
      return FALSE;
    }
  return TRUE;
}

/* One file to restore from its backup, checked and ready to be written */
typedef struct
{
  TfJournalEntry *e;
  TfRepairResult *result;
  GBytes *original;
  TfFileStamp stamp;
  ShaCheck check;
  TfSafeStaged *staged;
  TfJournalEntry *undo;
} Restore;

static void
restore_free (Restore *r)
{
  g_clear_pointer (&r->original, g_bytes_unref);
  g_clear_pointer (&r->staged, tf_safe_staged_free);
  g_clear_pointer (&r->undo, tf_journal_entry_free);
  g_free (r);
}

/* Checks that @e can be undone by restoring its backup. Returns NULL when
 * there is nothing to write (@result says why, or the action is done). */
static Restore *
undo_restore_prepare (const char *journal_path,
                      const char *undo_run_id,
                      TfJournalEntry *e,
                      TfRepairResult *result)
{
  g_autoptr (GBytes) current = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *backup_sha = NULL;
  Restore *r;

  r = g_new0 (Restore, 1);
  r->e = e;
  r->result = result;
  r->check.sha256 = e->sha256_before;

  current = tf_safe_read (e->file, &r->stamp, &error);
  if (current == NULL)
    {
      tf_repair_result_set_error (result, error);
      goto none;
    }
  result->sha256_before = g_strdup (r->stamp.sha256);

  if (e->sha256_before != NULL && g_strcmp0 (r->stamp.sha256, e->sha256_before) == 0)
    {
      tf_repair_result_set (result, TF_REPAIR_STATUS_SKIPPED, _ ("The file is already the original"));
      goto none;
    }
  if (g_strcmp0 (r->stamp.sha256, e->sha256_after) != 0)
    {
      tf_repair_result_set (result, TF_REPAIR_STATUS_REFUSED,
                            _ ("The file changed after it was written (its SHA-256 is not the one in the journal); it is left alone"));
      goto none;
    }

  if (e->backup == NULL && e->sha256_before == NULL)
    {
      /* The journaled action created this file: undo removes it. */
      if (!tf_safe_check_unchanged (e->file, &r->stamp, &error) || !tf_repair_journal_undo (journal_path, undo_run_id, e, r->stamp.sha256, NULL, &error))
        {
          tf_repair_result_set_error (result, error);
          goto none;
        }
      if (g_unlink (e->file) != 0)
        {
          int saved = errno;
          tf_repair_result_set (result, TF_REPAIR_STATUS_FAILED, g_strerror (saved));
          goto none;
        }
      tf_repair_result_set (result, TF_REPAIR_STATUS_DONE, NULL);
      goto none;
    }

  if (e->backup == NULL)
    {
      tf_repair_result_set (result, TF_REPAIR_STATUS_FAILED, _ ("The journal entry names no backup"));
      goto none;
    }
  r->original = tf_safe_read (e->backup, NULL, &error);
  if (r->original == NULL)
    {
      tf_repair_result_set_error (result, error);
      goto none;
    }
  backup_sha = tf_sha256_bytes (r->original);
  if (g_strcmp0 (backup_sha, e->sha256_before) != 0)
    {
      tf_repair_result_set (result, TF_REPAIR_STATUS_FAILED, _ ("The backup does not match the original recorded in the journal"));
      goto none;
    }

  result->backup = g_strdup (e->backup);
  result->sha256_after = g_strdup (backup_sha);
  r->undo = tf_repair_undo_entry_new (undo_run_id, e, r->stamp.sha256, backup_sha);
  return r;

none:
  restore_free (r);
  return NULL;
}

/* Restores a batch like tf_repair_write_batch() writes one: undo entries journaled
 * first (one write), temp files written and flushed together, each one
 * verified against the original's SHA-256 and renamed, then flushed. */
static void
undo_restore_batch (const char *journal_path,
                    GPtrArray *batch)
{
  g_autoptr (GPtrArray) entries = g_ptr_array_new ();
  g_autoptr (GPtrArray) sync_paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;

  if (batch->len == 0)
    return;

  for (guint i = 0; i < batch->len; i++)
    g_ptr_array_add (entries, ((Restore *) g_ptr_array_index (batch, i))->undo);
  if (!tf_journal_append_many (journal_path, (TfJournalEntry *const *) entries->pdata, entries->len, &error))
    {
      for (guint i = 0; i < batch->len; i++)
        tf_repair_result_set_error (((Restore *) g_ptr_array_index (batch, i))->result, error);
      return;
    }

  for (guint i = 0; i < batch->len; i++)
    {
      Restore *r = g_ptr_array_index (batch, i);

      r->staged = tf_safe_stage (r->e->file, &r->stamp, r->original, TF_SAFE_NO_SYNC, &error);
      if (r->staged == NULL)
        {
          tf_repair_result_set_error (r->result, error);
          g_clear_error (&error);
          continue;
        }
      g_ptr_array_add (sync_paths, g_strdup (r->e->file));
    }
  if (!tf_repair_sync_file_systems (sync_paths, &error))
    {
      for (guint i = 0; i < batch->len; i++)
        tf_repair_result_set_error (((Restore *) g_ptr_array_index (batch, i))->result, error);
      return;
    }

  for (guint i = 0; i < batch->len; i++)
    {
      Restore *r = g_ptr_array_index (batch, i);

      if (r->staged == NULL)
        continue;
      if (!tf_safe_staged_commit (r->staged, verify_sha_cb, &r->check, TF_SAFE_NO_SYNC, &error))
        {
          tf_repair_result_set_error (r->result, error);
          g_clear_error (&error);
          continue;
        }
      tf_repair_result_set (r->result, TF_REPAIR_STATUS_DONE, NULL);
    }

  if (!tf_repair_sync_file_systems (sync_paths, &error))
    for (guint i = 0; i < batch->len; i++)
      {
        Restore *r = g_ptr_array_index (batch, i);
        if (r->result->status == TF_REPAIR_STATUS_DONE)
          tf_repair_result_set_error (r->result, error);
      }
}

GPtrArray *
tf_repair_undo (const char *journal_path,
                guint entry_index,
                const char *run_id,
                gboolean all,
                GCancellable *cancellable,
                GError **error)
{
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GPtrArray) selected = g_ptr_array_new ();
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *undo_run_id = tf_journal_new_run_id ();
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) restore_free);
  g_autoptr (GHashTable) batch_files = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (journal_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  entries = tf_journal_read (journal_path, error);
  if (entries == NULL)
    return NULL;

  /* Newest first: a file repaired twice goes back step by step. */
  for (guint i = entries->len; i > 0; i--)
    {
      TfJournalEntry *e = g_ptr_array_index (entries, i - 1);

      if ((entry_index > 0 && e->index == entry_index) || (run_id != NULL && g_strcmp0 (e->run_id, run_id) == 0) || (all && g_strcmp0 (e->action, "undo") != 0))
        g_ptr_array_add (selected, e);
    }
  if (selected->len == 0)
    {
      if (entry_index > 0)
        g_set_error (error, TF_ERROR, TF_ERROR_NOT_FOUND, _ ("The journal has no entry %u"), entry_index);
      else if (run_id != NULL)
        g_set_error (error, TF_ERROR, TF_ERROR_NOT_FOUND, _ ("The journal has no run “%s”"), run_id);
      else
        g_set_error_literal (error, TF_ERROR, TF_ERROR_NOT_FOUND, _ ("The journal has nothing to undo"));
      return NULL;
    }

  for (guint i = 0; i < selected->len; i++)
    {
      TfJournalEntry *e = g_ptr_array_index (selected, i);
      TfRepairResult *result = tf_repair_result_new (e->file, "undo", undo_run_id);
      Restore *r;

      g_ptr_array_add (results, result);
      if (g_cancellable_is_cancelled (cancellable))
        {
          tf_repair_result_set (result, TF_REPAIR_STATUS_SKIPPED, _ ("Cancelled before this entry"));
          continue;
        }

      /* An older entry of a file already in the batch must see the file
       * as the batch leaves it. */
      if (g_hash_table_contains (batch_files, e->file) || batch->len >= TF_REPAIR_BATCH_FILES)
        {
          undo_restore_batch (journal_path, batch);
          g_ptr_array_set_size (batch, 0);
          g_hash_table_remove_all (batch_files);
        }

      if (g_strcmp0 (e->action, "undo") == 0)
        tf_repair_result_set (result, TF_REPAIR_STATUS_SKIPPED, _ ("An undo is not undone; repair the file again instead"));
      else if (g_strcmp0 (e->action, "hold") == 0)
        tf_queue_undo_hold (journal_path, undo_run_id, e, result);
      else if (g_strcmp0 (e->action, "resubmit") == 0)
        tf_queue_undo_resubmit (journal_path, undo_run_id, e, result);
      else if (e->ranges != NULL && e->ranges->len > 0)
        /* Patched in place (PST): the journal's ranges restore it, no
         * copy needed */
        tf_repair_inplace_undo (journal_path, undo_run_id, e, result);
      else if ((r = undo_restore_prepare (journal_path, undo_run_id, e, result)) != NULL)
        {
          g_ptr_array_add (batch, r);
          g_hash_table_add (batch_files, e->file);
        }
    }
  undo_restore_batch (journal_path, batch);

  return g_steal_pointer (&results);
}
