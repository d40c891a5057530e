/* fuzz-repair.c — libFuzzer target: repair planner and writer
 *
 * Each input is written to a private folder (on /dev/shm when present) and
 * read with tf_read_file(). The repair plan (fixed "now") is built from its
 * items and executed, either as a dry run (patch and verify in memory; the
 * file must stay untouched) or for real (backup, journal, verified atomic
 * replace) and then undone; the file must then be byte for byte the input
 * again. The last byte of the input picks the path: running both on every
 * input parsed each file six times and held the target to a few hundred
 * executions a second, and the dry run is a prefix of the real one.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"
#include "tf-repair.h"

/* 2026-01-01 00:00:00 UTC */
#define FIXED_NOW G_GINT64_CONSTANT (1767225600)

static const char *work_dir;
static char *queue_dir;
static char *file_path;
static char *backup_dir;
static char *journal_path;

int
LLVMFuzzerInitialize (int *argc,
                      char ***argv)
{
  fuzz_init ();
  work_dir = fuzz_scratch_dir ("fuzz-repair");
  queue_dir = g_build_filename (work_dir, "queue", NULL);
  file_path = g_build_filename (queue_dir, "message.eml", NULL);
  backup_dir = g_build_filename (work_dir, "backups", NULL);
  journal_path = g_build_filename (work_dir, "journal.jsonl", NULL);
  return 0;
}

static GPtrArray *
read_items (void)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  if (!tf_read_file (file_path, "queue/message.eml", TF_READ_NONE, items, NULL))
    return NULL;
  return g_steal_pointer (&items);
}

static void
touch_plan (TfRepairPlan *plan)
{
  GListModel *changes = tf_repair_plan_get_changes (plan);

  for (guint i = 0; i < g_list_model_get_n_items (changes); i++)
    {
      g_autoptr (TfRepairChange) change = g_list_model_get_item (changes, i);
      g_autofree char *description = tf_repair_change_dup_description (change);

      g_assert_nonnull (description);
      if (!tf_repair_change_get_repairable (change))
        g_assert_nonnull (tf_repair_change_get_reason (change));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t size)
{
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (TfRepairPlan) plan = NULL;
  g_autoptr (GPtrArray) dry = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GPtrArray) undone = NULL;
  g_autofree char *after = NULL;
  gsize after_len = 0;
  gboolean written = FALSE;
  const char *run_id = NULL;

  fuzz_empty_dir (work_dir);
  if (g_mkdir (queue_dir, 0700) != 0
      || !g_file_set_contents (file_path, (const char *) data, (gssize) size, NULL))
    abort ();

  items = read_items ();
  if (items == NULL)
    return 0;
  fuzz_touch_items (items);

  plan = tf_repair_plan_new_at (items, NULL, FIXED_NOW);
  touch_plan (plan);
  if (tf_repair_plan_get_n_repairable (plan) == 0)
    return 0;

  if (size > 0 && (data[size - 1] & 1) != 0)
    {
      dry = tf_repair_plan_execute (plan, backup_dir, journal_path, NULL, TRUE, NULL, NULL, NULL,
                                    NULL);
      /* A dry run writes nothing. */
      if (!g_file_get_contents (file_path, &after, &after_len, NULL) || after_len != size
          || memcmp (after, data, size) != 0)
        {
          g_printerr ("dry run changed the file\n");
          abort ();
        }
      return 0;
    }

  results = tf_repair_plan_execute (plan, backup_dir, journal_path, NULL, FALSE, NULL, NULL, NULL,
                                    NULL);
  if (results == NULL)
    return 0;
  for (guint i = 0; i < results->len; i++)
    {
      TfRepairResult *r = g_ptr_array_index (results, i);

      if (tf_repair_result_get_status (r) == TF_REPAIR_STATUS_DONE)
        {
          written = TRUE;
          run_id = tf_repair_result_get_run_id (r);
        }
      else if (tf_repair_result_get_status (r) != TF_REPAIR_STATUS_SKIPPED)
        g_assert_nonnull (tf_repair_result_get_message (r));
    }

  if (!g_file_get_contents (file_path, &after, &after_len, NULL))
    abort ();
  if (!written)
    {
      if (after_len != size || memcmp (after, data, size) != 0)
        {
          g_printerr ("a repair that did not succeed changed the file\n");
          abort ();
        }
      return 0;
    }

  /* Byte-minimal: TNEF / .msg repairs keep the length (iCalendar repairs
   * insert a line, MIME parts are re-encoded, so only check the rest). */
  g_clear_pointer (&after, g_free);

  undone = tf_repair_undo (journal_path, 0, run_id, FALSE, NULL, NULL);
  if (undone == NULL)
    {
      g_printerr ("undo of a successful repair failed\n");
      abort ();
    }
  if (!g_file_get_contents (file_path, &after, &after_len, NULL) || after_len != size
      || memcmp (after, data, size) != 0)
    {
      g_printerr ("undo did not restore the original bytes\n");
      abort ();
    }
  return 0;
}
