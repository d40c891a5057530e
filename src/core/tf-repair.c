/* tf-repair.c — running a repair plan: prepare, verify and write each file
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

#include <glib/gi18n.h>

#include "tf-repair-private.h"

/* The engine's rooms, the writer interface and the promise it keeps are
 * described in tf-repair-private.h. This file runs a plan: file by file it
 * reads, computes the edits through the writers, verifies the result in
 * memory and hands batches of verified files to tf-repair-run.c. */

/* ------------------------------------------------------------------ */
/* Preparing one file                                                  */

/* Reads the file, checks it is the one scanned, applies the changes in
 * memory and verifies them. Returns NULL (with @result set) when the file
 * cannot be repaired. */
static TfRepairPrepared *
prepare_file (TfRepairFileJob *job,
              TfRepairResult *result)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GArray) edits = NULL;
  g_autoptr (GError) error = NULL;
  TfRepairPrepared *p;

  for (guint i = 0; i < job->changes->len; i++)
    g_ptr_array_add (result->changes, g_object_ref (g_ptr_array_index (job->changes, i)));

  p = g_new0 (TfRepairPrepared, 1);
  p->job = job;
  p->result = result;

  bytes = tf_safe_read (job->file_path, &p->stamp, &error);
  if (bytes == NULL)
    {
      tf_repair_result_set_error (result, error);
      goto fail;
    }
  result->sha256_before = g_strdup (p->stamp.sha256);

  /* The scan recorded size and time; a file that differs is not the file
   * the plan was made for. */
  for (guint i = 0; i < job->items->len; i++)
    {
      TfItem *item = g_ptr_array_index (job->items, i);

      if (tf_item_get_file_size (item) != p->stamp.size || (tf_item_get_file_mtime_usec (item) != 0 && tf_item_get_file_mtime_usec (item) != p->stamp.mtime_usec))
        {
          g_autofree char *display = g_filename_display_name (job->file_path);
          g_autofree char *msg = g_strdup_printf (_ ("“%s” changed since it was scanned; scan it again before repairing"), display);

          tf_repair_result_set (result, TF_REPAIR_STATUS_REFUSED, msg);
          goto fail;
        }
    }

  p->before = tf_repair_read_items (bytes, job->file_path);
  edits = tf_repair_edits_new ();

  for (guint i = 0; i < job->items->len; i++)
    {
      TfItem *item = g_ptr_array_index (job->items, i);
      guint pos = tf_repair_item_position (item);
      g_autoptr (GPtrArray) item_changes = g_ptr_array_new ();

      if (pos >= p->before->len)
        {
          tf_repair_result_set (result, TF_REPAIR_STATUS_REFUSED, _ ("The file no longer holds the scanned message"));
          goto fail;
        }
      for (guint k = 0; k < job->changes->len; k++)
        {
          TfRepairChange *change = g_ptr_array_index (job->changes, k);
          if (change->item == item)
            g_ptr_array_add (item_changes, change);
        }
      if (!tf_repair_edits_for_item (bytes, g_ptr_array_index (p->before, pos), item_changes, edits, &error))
        {
          tf_repair_result_set_error (result, error);
          goto fail;
        }
    }

  p->repaired = tf_repair_edits_apply (bytes, edits, &error);
  if (p->repaired == NULL)
    {
      tf_repair_result_set_error (result, error);
      goto fail;
    }
  result->sha256_after = tf_sha256_bytes (p->repaired);

  /* Check in memory first, so that nothing is backed up or journaled for a
   * change that cannot pass. */
  p->ctx.file_path = job->file_path;
  p->ctx.before = p->before;
  p->ctx.changes = job->changes;
  if (!tf_repair_verify_bytes (&p->ctx, p->repaired, &error))
    {
      /* TRANSLATORS: %s is why a repair's check failed, e.g.
       * "Verification of the repaired data failed (number of recipients)" */
      g_autoptr (GError) told = g_error_new (error->domain, error->code, _ ("%s; nothing was written"), error->message);

      tf_repair_result_set_error (result, told);
      goto fail;
    }
  return p;

fail:
  tf_repair_prepared_free (p);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Running the plan                                                    */

/* Swaps the fresh reading into the items the plan was made from; the
 * result then lists those (now refreshed) items. */
static void
refresh_items (TfRepairPlan *self,
               GPtrArray *results)
{
  for (guint i = 0; i < results->len; i++)
    {
      TfRepairResult *result = g_ptr_array_index (results, i);
      TfRepairFileJob *job = NULL;

      if (result->status != TF_REPAIR_STATUS_DONE || result->items == NULL)
        continue;
      for (guint k = 0; k < self->jobs->len; k++)
        if (g_strcmp0 (((TfRepairFileJob *) g_ptr_array_index (self->jobs, k))->file_path, result->file_path) == 0)
          job = g_ptr_array_index (self->jobs, k);
      if (job == NULL)
        continue;

      for (guint k = 0; k < job->items->len; k++)
        {
          TfItem *item = g_ptr_array_index (job->items, k);
          /* An in-place run returns the job's items, in job order (a
           * mailbox file's items have no position among all its items) */
          guint pos = tf_repair_job_in_place (job) ? k : tf_repair_item_position (item);
          TfItem *fresh;

          if (pos >= result->items->len)
            continue;
          fresh = g_ptr_array_index (result->items, pos);
          tf_item_update_from (item, fresh);
          g_ptr_array_index (result->items, pos) = g_object_ref (item);
          g_object_unref (fresh);
        }
    }
}

static GPtrArray *
execute_internal (TfRepairPlan *self,
                  const char *backup_dir,
                  const char *journal_path,
                  const char *run_id,
                  gboolean dry_run,
                  GCancellable *cancellable,
                  TfRepairProgressFunc progress,
                  gpointer progress_data)
{
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) tf_repair_prepared_free);
  g_autoptr (GError) fatal = NULL;
  g_autofree char *own_run_id = NULL;
  guint n_done = 0;
  gsize batch_bytes = 0;

  if (run_id == NULL)
    run_id = own_run_id = tf_journal_new_run_id ();

  for (guint i = 0; i <= self->jobs->len; i++)
    {
      TfRepairFileJob *job = i < self->jobs->len ? g_ptr_array_index (self->jobs, i) : NULL;
      TfRepairResult *result = NULL;
      TfRepairPrepared *p = NULL;

      if (job != NULL)
        {
          result = tf_repair_result_new (job->file_path, "repair", run_id);
          g_ptr_array_add (results, result);

          if (fatal != NULL)
            {
              /* Translators: %s is an error message */
              g_autofree char *msg = g_strdup_printf (_ ("Not attempted: %s"), fatal->message);
              for (guint k = 0; k < job->changes->len; k++)
                g_ptr_array_add (result->changes, g_object_ref (g_ptr_array_index (job->changes, k)));
              tf_repair_result_set (result, TF_REPAIR_STATUS_FAILED, msg);
            }
          else if (g_cancellable_is_cancelled (cancellable))
            {
              for (guint k = 0; k < job->changes->len; k++)
                g_ptr_array_add (result->changes, g_object_ref (g_ptr_array_index (job->changes, k)));
              tf_repair_result_set (result, TF_REPAIR_STATUS_SKIPPED, _ ("Cancelled before this file"));
            }
          else if (tf_repair_job_in_place (job))
            /* Patched where it lies, alone (tf-repair-inplace.c) */
            tf_repair_inplace_run (job, result, self->full_backup ? backup_dir : NULL, journal_path, run_id, dry_run);
          else
            p = prepare_file (job, result);
        }

      if (p != NULL && dry_run)
        {
          result->items = g_steal_pointer (&p->ctx.after);
          tf_repair_result_set (result, TF_REPAIR_STATUS_DONE, NULL);
          tf_repair_prepared_free (p);
          p = NULL;
        }
      if (p != NULL)
        {
          g_ptr_array_add (batch, p);
          batch_bytes += g_bytes_get_size (p->repaired);
        }
      if (p == NULL && job != NULL && batch->len == 0 && progress != NULL)
        progress (++n_done, self->jobs->len, job->file_path, progress_data);
      else if (p == NULL && job != NULL)
        n_done++;

      /* Flush a full batch, or what is left at the end. */
      if (batch->len > 0 && (job == NULL || batch->len >= TF_REPAIR_BATCH_FILES || batch_bytes >= TF_REPAIR_BATCH_BYTES || g_cancellable_is_cancelled (cancellable)))
        {
          guint n = batch->len;

          tf_repair_write_batch (batch, backup_dir, journal_path, run_id, &fatal);
          g_ptr_array_set_size (batch, 0);
          batch_bytes = 0;
          n_done += n;
          if (progress != NULL)
            progress (n_done, self->jobs->len, job ? job->file_path : NULL, progress_data);
        }
    }

  return g_steal_pointer (&results);
}

GPtrArray *
tf_repair_plan_execute (TfRepairPlan *self,
                        const char *backup_dir,
                        const char *journal_path,
                        const char *run_id,
                        gboolean dry_run,
                        GCancellable *cancellable,
                        TfRepairProgressFunc progress,
                        gpointer progress_data,
                        GError **error)
{
  GPtrArray *results;

  g_return_val_if_fail (TF_IS_REPAIR_PLAN (self), NULL);
  g_return_val_if_fail (dry_run || backup_dir != NULL, NULL);
  g_return_val_if_fail (dry_run || journal_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  results = execute_internal (self, backup_dir, journal_path, run_id, dry_run, cancellable, progress, progress_data);
  if (!dry_run)
    refresh_items (self, results);
  return results;
}

typedef struct
{
  char *backup_dir;
  char *journal_path;
  char *run_id;
  TfRepairProgressFunc progress;
  gpointer progress_data;
  GDestroyNotify progress_destroy;
  GMainContext *context;
} ExecuteData;

static void
execute_data_free (ExecuteData *data)
{
  g_free (data->backup_dir);
  g_free (data->journal_path);
  g_free (data->run_id);
  if (data->progress_destroy != NULL)
    data->progress_destroy (data->progress_data);
  g_main_context_unref (data->context);
  g_free (data);
}

typedef struct
{
  ExecuteData *data;
  guint n_done;
  guint n_total;
  char *file_path;
} ProgressCall;

static gboolean
progress_idle_cb (gpointer user_data)
{
  ProgressCall *call = user_data;

  call->data->progress (call->n_done, call->n_total, call->file_path, call->data->progress_data);
  return G_SOURCE_REMOVE;
}

static void
progress_call_free (gpointer user_data)
{
  ProgressCall *call = user_data;

  g_free (call->file_path);
  g_free (call);
}

static void
thread_progress_cb (guint n_done,
                    guint n_total,
                    const char *file_path,
                    gpointer user_data)
{
  GTask *task = user_data;
  ExecuteData *data = g_task_get_task_data (task);
  ProgressCall *call;

  if (data->progress == NULL)
    return;
  call = g_new0 (ProgressCall, 1);
  call->data = data;
  call->n_done = n_done;
  call->n_total = n_total;
  call->file_path = g_strdup (file_path);
  /* The task (and so @data) outlives every queued call: the task's own
   * completion is dispatched on the same context, after them. */
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, progress_idle_cb, call, progress_call_free);
}

static void
execute_thread (GTask *task,
                gpointer source_object,
                gpointer task_data,
                GCancellable *cancellable)
{
  TfRepairPlan *self = source_object;
  ExecuteData *data = task_data;
  GPtrArray *results;

  results = execute_internal (self, data->backup_dir, data->journal_path, data->run_id, FALSE,
                              cancellable, thread_progress_cb, task);
  g_task_return_pointer (task, results, (GDestroyNotify) g_ptr_array_unref);
}

void
tf_repair_plan_execute_async (TfRepairPlan *self,
                              const char *backup_dir,
                              const char *journal_path,
                              const char *run_id,
                              GCancellable *cancellable,
                              TfRepairProgressFunc progress,
                              gpointer progress_data,
                              GDestroyNotify progress_destroy,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  ExecuteData *data;

  g_return_if_fail (TF_IS_REPAIR_PLAN (self));
  g_return_if_fail (backup_dir != NULL);
  g_return_if_fail (journal_path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (ExecuteData, 1);
  data->backup_dir = g_strdup (backup_dir);
  data->journal_path = g_strdup (journal_path);
  data->run_id = run_id ? g_strdup (run_id) : tf_journal_new_run_id ();
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_destroy = progress_destroy;
  data->context = g_main_context_ref_thread_default ();

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tf_repair_plan_execute_async);
  g_task_set_task_data (task, data, (GDestroyNotify) execute_data_free);
  /* Cancelling stops between files; the results so far still come back. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, execute_thread);
}

GPtrArray *
tf_repair_plan_execute_finish (TfRepairPlan *self,
                               GAsyncResult *result,
                               GError **error)
{
  GPtrArray *results;

  g_return_val_if_fail (TF_IS_REPAIR_PLAN (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  results = g_task_propagate_pointer (G_TASK (result), error);
  if (results != NULL)
    refresh_items (self, results);
  return results;
}
