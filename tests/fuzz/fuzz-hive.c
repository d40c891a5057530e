/* fuzz-hive.c — libFuzzer target: offline hive status reader and flag planner
 *
 * The hive code opens files by path (hivex has no memory API), so each
 * input is written to a private temp folder (on /dev/shm when present)
 * first. Drives tf_hive_status_read(), the verdict, the dry-run plan of
 * both actions, a real enable run on the temp copy when the hive is ready
 * (backup, journal, verified atomic replace), the SOFTWARE hive reader and
 * the PE version reader (the same bytes as a DLL).
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "fuzz-common.h"
#include "tf-registry.h"

static const char *work_dir;
static char *hive_path;
static char *backup_dir;
static char *journal_path;

int
LLVMFuzzerInitialize (int *argc,
                      char ***argv)
{
  fuzz_init ();
  work_dir = fuzz_scratch_dir ("fuzz-hive");
  hive_path = g_build_filename (work_dir, "SYSTEM", NULL);
  backup_dir = g_build_filename (work_dir, "backups", NULL);
  journal_path = g_build_filename (work_dir, "journal.jsonl", NULL);
  return 0;
}

static void
drive_status (void)
{
  g_autoptr (TfHiveStatus) status = NULL;
  g_autoptr (TfFlagResult) plan = NULL;
  g_autoptr (TfFlagResult) done = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *key = NULL;
  TfHiveVerdict verdict;

  status = tf_hive_status_read (hive_path, NULL);
  if (status == NULL)
    return;

  verdict = tf_hive_status_get_verdict (status, &reason);
  key = tf_hive_status_dup_key_path (status);
  g_assert_true ((verdict == TF_HIVE_VERDICT_READY) == (reason == NULL));
  g_assert_nonnull (tf_flag_state_to_string (status->flag_state));
  g_assert_nonnull (tf_hive_verdict_to_string (verdict));
  if (verdict != TF_HIVE_VERDICT_READY)
    return;

  plan = tf_flag_run (hive_path, TF_FLAG_DISABLE, TF_FLAG_RUN_DRY_RUN, backup_dir, journal_path,
                      NULL);
  g_clear_pointer (&plan, tf_flag_result_free);
  plan = tf_flag_run (hive_path, TF_FLAG_ENABLE, TF_FLAG_RUN_DRY_RUN, backup_dir, journal_path,
                      NULL);
  if (plan == NULL)
    return;

  /* A real run on the private copy: after it, the hive must read back as
   * enabled (or the run must have failed cleanly, leaving it alone). */
  done = tf_flag_run (hive_path, TF_FLAG_ENABLE, TF_FLAG_RUN_NONE, backup_dir, journal_path, NULL);
  if (done != NULL && done->written)
    {
      g_autoptr (TfHiveStatus) after = tf_hive_status_read (hive_path, NULL);

      if (after == NULL || after->flag_state != TF_FLAG_STATE_ONE)
        {
          g_printerr ("hive does not read back as enabled after tf_flag_run\n");
          abort ();
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t size)
{
  g_autoptr (GPtrArray) values = NULL;
  TfFileVersion version;
  gboolean found = FALSE;

  fuzz_empty_dir (work_dir);
  if (!g_file_set_contents (hive_path, (const char *) data, (gssize) size, NULL))
    abort ();

  drive_status ();

  values = tf_software_hive_read_exchange_setup (hive_path, &found, NULL);
  if (values != NULL)
    for (guint i = 0; i < values->len; i++)
      {
        TfRegValue *v = g_ptr_array_index (values, i);

        g_assert_true (g_utf8_validate (v->name, -1, NULL));
        g_assert_nonnull (v->display);
      }

  if (tf_pe_read_version (data, size, &version, NULL))
    {
      g_autofree char *s = tf_file_version_to_string (&version);
      TfFileVersion back;

      g_assert_true (tf_file_version_parse (s, &back));
      g_assert_cmpint (tf_file_version_compare (&version, &back), ==, 0);
    }
  return 0;
}
