/* tf-queue.c — queue files: hold, resubmit into Pickup / Replay, and their undo
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
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "tf-repair-private.h"

#define MAX_HOLD_NAMES 1000

static gboolean
check_folder (const char *dir,
              gboolean create,
              GError **error)
{
  struct stat st;

  if (create && g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_autofree char *display = g_filename_display_name (dir);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _ ("Cannot create folder “%s”: %s"), display, g_strerror (saved));
      return FALSE;
    }
  if (lstat (dir, &st) != 0 || !S_ISDIR (st.st_mode))
    {
      g_autofree char *display = g_filename_display_name (dir);
      g_set_error (error, TF_ERROR, TF_ERROR_REFUSED,
                   _ ("“%s” is not a folder (a symbolic link is not accepted)"), display);
      return FALSE;
    }
  return TRUE;
}

TfRepairResult *
tf_queue_resubmit (const char *path,
                   const char *pickup_dir,
                   const char *journal_path,
                   const char *run_id,
                   GError **error)
{
  g_autoptr (TfRepairResult) result = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (TfJournalEntry) entry = NULL;
  g_autofree char *own_run_id = NULL;
  g_autofree char *base = NULL;
  g_autofree char *stem = NULL;
  g_autofree char *target = NULL;
  g_autofree char *abs_pickup = NULL;
  TfFileStamp stamp;
  struct stat st;
  char *dot;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (pickup_dir != NULL, NULL);
  g_return_val_if_fail (journal_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (run_id == NULL)
    run_id = own_run_id = tf_journal_new_run_id ();
  result = tf_repair_result_new (path, "resubmit", run_id);

  bytes = tf_safe_read (path, &stamp, error);
  if (bytes == NULL)
    return NULL;
  result->sha256_before = g_strdup (stamp.sha256);
  result->sha256_after = g_strdup (stamp.sha256);

  items = tf_repair_read_items (bytes, path);
  for (guint i = 0; i < items->len; i++)
    {
      TfItem *item = g_ptr_array_index (items, i);

      if (tf_item_get_format (item) != TF_FORMAT_EML)
        {
          g_set_error_literal (error, TF_ERROR, TF_ERROR_REFUSED,
                               _ ("Only RFC 5322 messages (.eml queue files) can be put into a Pickup or Replay folder"));
          return NULL;
        }
      if (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601) || tf_item_has_finding (item, TF_FINDING_TRACK_TIME_PRE_1900))
        {
          g_set_error_literal (error, TF_ERROR, TF_ERROR_REFUSED,
                               _ ("The message still has a 1601 or pre-1900 track-status time; repair it before resubmitting"));
          return NULL;
        }
    }

  abs_pickup = g_canonicalize_filename (pickup_dir, NULL);
  if (!check_folder (abs_pickup, FALSE, error))
    return NULL;

  /* "<name>-trackfix-<random>.eml": the Pickup and Replay folders pick up
   * *.eml files only. */
  base = g_path_get_basename (path);
  stem = g_strdup (base);
  dot = strrchr (stem, '.');
  if (dot != NULL && dot != stem)
    *dot = '\0';
  if (strlen (stem) > 100)
    stem[100] = '\0';
  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autofree char *name = g_strdup_printf ("%s-trackfix-%08x.eml", stem, g_random_int ());

      g_free (target);
      target = g_build_filename (abs_pickup, name, NULL);
      if (lstat (target, &st) != 0)
        break;
    }
  result->target = g_strdup (target);

  entry = tf_journal_entry_new (run_id, "resubmit", path);
  entry->sha256_before = g_strdup (stamp.sha256);
  entry->sha256_after = g_strdup (stamp.sha256);
  entry->target = g_strdup (target);
  g_strfreev (entry->changes);
  entry->changes = g_new0 (char *, 2);
  /* Translators: %s is a file path */
  entry->changes[0] = g_strdup_printf (_ ("copied into the Pickup / Replay folder as %s"), target);
  if (!tf_journal_append (journal_path, entry, error))
    return NULL;

  if (!tf_safe_write_new (target, bytes, 0644, error))
    return NULL;

  tf_repair_result_set (result, TF_REPAIR_STATUS_DONE, NULL);
  return g_steal_pointer (&result);
}

TfRepairResult *
tf_queue_hold (const char *path,
               const char *hold_dir,
               const char *journal_path,
               const char *run_id,
               GError **error)
{
  g_autoptr (TfRepairResult) result = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (TfJournalEntry) entry = NULL;
  g_autofree char *own_run_id = NULL;
  g_autofree char *base = NULL;
  g_autofree char *target = NULL;
  g_autofree char *abs_hold = NULL;
  TfFileStamp stamp;
  struct stat st;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (hold_dir != NULL, NULL);
  g_return_val_if_fail (journal_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (run_id == NULL)
    run_id = own_run_id = tf_journal_new_run_id ();
  result = tf_repair_result_new (path, "hold", run_id);

  bytes = tf_safe_read (path, &stamp, error);
  if (bytes == NULL)
    return NULL;
  result->sha256_before = g_strdup (stamp.sha256);
  result->sha256_after = g_strdup (stamp.sha256);

  abs_hold = g_canonicalize_filename (hold_dir, NULL);
  if (!check_folder (abs_hold, TRUE, error))
    return NULL;

  base = g_path_get_basename (path);
  target = g_build_filename (abs_hold, base, NULL);
  for (guint n = 1; lstat (target, &st) == 0; n++)
    {
      g_autofree char *name = g_strdup_printf ("%s.%u", base, n);

      if (n > MAX_HOLD_NAMES)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, _ ("No free name in the hold folder"));
          return NULL;
        }
      g_free (target);
      target = g_build_filename (abs_hold, name, NULL);
    }
  result->target = g_strdup (target);

  entry = tf_journal_entry_new (run_id, "hold", path);
  entry->sha256_before = g_strdup (stamp.sha256);
  entry->sha256_after = g_strdup (stamp.sha256);
  entry->target = g_strdup (target);
  g_strfreev (entry->changes);
  entry->changes = g_new0 (char *, 2);
  /* Translators: %s is a file path */
  entry->changes[0] = g_strdup_printf (_ ("moved to the hold folder as %s"), target);
  if (!tf_journal_append (journal_path, entry, error))
    return NULL;

  if (!tf_safe_move (path, &stamp, target, error))
    return NULL;

  tf_repair_result_set (result, TF_REPAIR_STATUS_DONE, NULL);
  return g_steal_pointer (&result);
}

/* ------------------------------------------------------------------ */
/* Undo (called by tf_repair_undo())                                   */

void
tf_queue_undo_hold (const char *journal_path,
                    const char *undo_run_id,
                    TfJournalEntry *e,
                    TfRepairResult *result)
{
  g_autoptr (GBytes) held = NULL;
  g_autoptr (GError) error = NULL;
  TfFileStamp stamp;

  result->target = g_strdup (e->target);
  if (e->target == NULL)
    {
      tf_repair_result_set (result, TF_REPAIR_STATUS_FAILED, _ ("The journal entry names no hold location"));
      return;
    }
  if (!g_file_test (e->target, G_FILE_TEST_EXISTS) && g_file_test (e->file, G_FILE_TEST_EXISTS))
    {
      tf_repair_result_set (result, TF_REPAIR_STATUS_SKIPPED, _ ("The file is already back in its place"));
      return;
    }
  held = tf_safe_read (e->target, &stamp, &error);
  if (held == NULL)
    {
      tf_repair_result_set_error (result, error);
      return;
    }
  result->sha256_before = g_strdup (stamp.sha256);
  result->sha256_after = g_strdup (stamp.sha256);
  if (g_strcmp0 (stamp.sha256, e->sha256_after) != 0)
    {
      tf_repair_result_set (result, TF_REPAIR_STATUS_REFUSED,
                            _ ("The held file changed after it was moved (its SHA-256 is not the one in the journal); it is left alone"));
      return;
    }
  if (!tf_repair_journal_undo (journal_path, undo_run_id, e, stamp.sha256, stamp.sha256, &error) || !tf_safe_move (e->target, &stamp, e->file, &error))
    {
      tf_repair_result_set_error (result, error);
      return;
    }
  tf_repair_result_set (result, TF_REPAIR_STATUS_DONE, NULL);
}

void
tf_queue_undo_resubmit (const char *journal_path,
                        const char *undo_run_id,
                        TfJournalEntry *e,
                        TfRepairResult *result)
{
  g_autoptr (GBytes) copy = NULL;
  g_autoptr (GError) error = NULL;
  TfFileStamp stamp;

  result->target = g_strdup (e->target);
  if (e->target == NULL || !g_file_test (e->target, G_FILE_TEST_EXISTS))
    {
      tf_repair_result_set (result, TF_REPAIR_STATUS_REFUSED,
                            _ ("The resubmitted copy is gone: the mail server has picked it up, so it cannot be taken back"));
      return;
    }
  copy = tf_safe_read (e->target, &stamp, &error);
  if (copy == NULL)
    {
      tf_repair_result_set_error (result, error);
      return;
    }
  if (g_strcmp0 (stamp.sha256, e->sha256_after) != 0)
    {
      tf_repair_result_set (result, TF_REPAIR_STATUS_REFUSED, _ ("The resubmitted copy changed; it is left alone"));
      return;
    }
  if (!tf_repair_journal_undo (journal_path, undo_run_id, e, stamp.sha256, NULL, &error) || !tf_safe_check_unchanged (e->target, &stamp, &error))
    {
      tf_repair_result_set_error (result, error);
      return;
    }
  if (g_unlink (e->target) != 0)
    {
      int saved = errno;
      tf_repair_result_set (result, TF_REPAIR_STATUS_FAILED, g_strerror (saved));
      return;
    }
  tf_repair_result_set (result, TF_REPAIR_STATUS_DONE, NULL);
}
