/* test-repair-pst.c — PST repair in place: only value and CRC bytes change,
 * independent readers agree, undo restores every byte, refusals write
 * nothing
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fixtures come from the test PST writer (tf_gen_pst_cases: ANSI and
 * Unicode, all three encodings, row matrix in the heap and in a subnode,
 * embedded messages, absent cells). The independent checks are libpff
 * (tests/pst/pst-probe, env PST_PROBE) and the CRC walk of
 * tests/pst/pst-verify.py (env PST_VERIFY); readpst and pffexport are run
 * by tests/sh/test-cli-repair-pst.sh.
 */

#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tf-core.h"
#include "tf-fixturegen-pst.h"
#include "tf-pst-private.h"
#include "tf-pst.h"
#include "tf-repair-private.h"

static char *cases_dir;
static char *base_dir; /* every test's files, removed at the end */

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static char *
make_dir (void)
{
  char *dir = g_build_filename (base_dir, "t-XXXXXX", NULL);

  g_assert_nonnull (g_mkdtemp (dir));
  return dir;
}

static char *
tmp_copy (const char *name,
          const char *dir)
{
  g_autofree char *src = g_build_filename (cases_dir, name, NULL);
  char *dst = g_build_filename (dir, name, NULL);
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (src, &data, &len, NULL));
  g_assert_true (g_file_set_contents (dst, data, (gssize) len, NULL));
  return dst;
}

static GBytes *
file_bytes (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_bytes_new_take (g_steal_pointer (&data), len);
}

static GPtrArray *
scan (const char *path)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_true (tf_read_file (path, path, TF_READ_NONE, items, &error));
  g_assert_no_error (error);
  return items;
}

static GPtrArray *
execute (TfRepairPlan *plan,
         const char *dir,
         const char *run_id,
         gboolean dry_run)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *journal = g_build_filename (dir, "journal.jsonl", NULL);
  g_autofree char *backups = g_build_filename (dir, "backups", NULL);
  GPtrArray *results = tf_repair_plan_execute (plan, backups, journal, run_id, dry_run, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (results);
  return results;
}

static GPtrArray *
journal_entries (const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *journal = g_build_filename (dir, "journal.jsonl", NULL);
  GPtrArray *entries = tf_journal_read (journal, &error);

  g_assert_no_error (error);
  return entries;
}

static char *
run_tool (const char *env,
          const char *path,
          gboolean python)
{
  const char *tool = g_getenv (env);
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;
  const char *argv[4] = { 0 };

  if (tool == NULL)
    return NULL;
  argv[0] = python ? "python3" : tool;
  argv[1] = python ? tool : path;
  argv[2] = python ? path : NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s %s failed: %s%s", tool, path, out, err);
  return out;
}

/* The row lines of pst-probe (libpff): "R subject row value" */
static GPtrArray *
probe_rows (const char *path)
{
  g_autofree char *out = run_tool ("PST_PROBE", path, FALSE);
  g_auto (GStrv) lines = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);

  if (out == NULL)
    return rows;
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "R\t"))
      g_ptr_array_add (rows, g_strdup (lines[i]));
  return rows;
}

static void
assert_crcs_verify (const char *path)
{
  g_autofree char *out = run_tool ("PST_VERIFY", path, TRUE);

  if (out != NULL)
    g_assert_nonnull (strstr (out, ": ok"));
}

static guint
count_findings (GPtrArray *items,
                TfFindingCode code)
{
  guint n = 0;

  for (guint i = 0; i < items->len; i++)
    for (guint k = 0; k < tf_item_get_n_findings (g_ptr_array_index (items, i)); k++)
      if (tf_finding_get_code (tf_item_get_finding (g_ptr_array_index (items, i), k)) == code)
        n++;
  return n;
}

static guint
count_absent (GPtrArray *items)
{
  guint n = 0;

  for (guint i = 0; i < items->len; i++)
    for (guint k = 0; k < tf_item_get_n_recipients (g_ptr_array_index (items, i)); k++)
      if (!tf_recipient_get_has_track_time (tf_item_get_recipient (g_ptr_array_index (items, i), k)))
        n++;
  return n;
}

static TfRepairChange *
repairable_change (TfRepairPlan *plan,
                   guint nth)
{
  GListModel *changes = tf_repair_plan_get_changes (plan);

  for (guint i = 0; i < g_list_model_get_n_items (changes); i++)
    {
      g_autoptr (TfRepairChange) c = g_list_model_get_item (changes, i);

      if (c->repairable && nth-- == 0)
        return c;
    }
  return NULL;
}

static gint64
file_mtime (const char *path)
{
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;
}

/* Flips one encoded byte of a block (not a value byte) and keeps mtime,
 * so only the block's CRC can tell */
static void
damage_block (const char *path,
              guint64 offset)
{
  struct stat st;
  struct timespec times[2];
  guint8 b;
  int fd = g_open (path, O_RDWR, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (fstat (fd, &st), ==, 0);
  g_assert_cmpint (pread (fd, &b, 1, (off_t) offset), ==, 1);
  b ^= 0x5A;
  g_assert_cmpint (pwrite (fd, &b, 1, (off_t) offset), ==, 1);
  times[0] = st.st_atim;
  times[1] = st.st_mtim;
  g_assert_cmpint (futimens (fd, times), ==, 0);
  close (fd);
}

/* ------------------------------------------------------------------ */
/* Every writer case: repair, minimality, oracles, undo                */

/* Every byte that differs lies in a journal range; the ranges are the
 * 8 value bytes of each change and the 4 CRC bytes of each block. */
static void
assert_minimal (GBytes *before,
                GBytes *after,
                TfJournalEntry *e,
                GPtrArray *changes)
{
  gsize len = 0;
  const guint8 *a = g_bytes_get_data (before, &len);
  const guint8 *b = g_bytes_get_data (after, NULL);
  g_autoptr (GHashTable) blocks = g_hash_table_new (g_int64_hash, g_int64_equal);
  guint n_values = 0;

  g_assert_cmpuint (g_bytes_get_size (after), ==, len);
  g_assert_nonnull (e->ranges);
  for (gsize i = 0; i < len; i++)
    if (a[i] != b[i])
      {
        gboolean inside = FALSE;

        for (guint k = 0; k < e->ranges->len && !inside; k++)
          {
            const TfJournalRange *r = &g_array_index (e->ranges, TfJournalRange, k);
            inside = i >= r->offset && i < r->offset + g_bytes_get_size (r->after);
          }
        g_assert_true (inside);
      }

  for (guint k = 0; k < changes->len; k++)
    {
      TfRepairChange *c = g_ptr_array_index (changes, k);
      g_hash_table_add (blocks, &c->site.pst.bid);
    }
  for (guint k = 0; k < e->ranges->len; k++)
    {
      const TfJournalRange *r = &g_array_index (e->ranges, TfJournalRange, k);
      gsize n = g_bytes_get_size (r->after);
      gboolean known = FALSE;

      g_assert_cmpmem (a + r->offset, n, g_bytes_get_data (r->before, NULL), n);
      g_assert_cmpmem (b + r->offset, n, g_bytes_get_data (r->after, NULL), n);
      for (guint c = 0; c < changes->len; c++)
        {
          TfRepairChange *ch = g_ptr_array_index (changes, c);

          if (n == 8 && (guint64) ch->site.offset == r->offset)
            known = TRUE;
          if (n == 4 && ch->site.pst.crc_offset == r->offset)
            known = TRUE;
        }
      g_assert_true (known);
      n_values += n == 8;
    }
  g_assert_cmpuint (n_values, ==, changes->len);
  g_assert_cmpuint (e->ranges->len, ==, changes->len + g_hash_table_size (blocks));
}

/* libpff sees exactly the planned rows change, to the planned values */
static void
assert_probe_changes (GPtrArray *rows_before,
                      GPtrArray *rows_after,
                      GPtrArray *changes)
{
  guint n_changed = 0;

  if (g_getenv ("PST_PROBE") == NULL)
    return;
  g_assert_cmpuint (rows_before->len, ==, rows_after->len);
  for (guint i = 0; i < rows_before->len; i++)
    {
      g_auto (GStrv) fb = g_strsplit (g_ptr_array_index (rows_before, i), "\t", -1);
      g_auto (GStrv) fa = g_strsplit (g_ptr_array_index (rows_after, i), "\t", -1);
      gboolean planned = FALSE;

      g_assert_cmpuint (g_strv_length (fa), ==, 4);
      g_assert_cmpstr (fa[1], ==, fb[1]);
      g_assert_cmpstr (fa[2], ==, fb[2]);
      if (g_strcmp0 (fa[3], fb[3]) == 0)
        continue;
      n_changed++;
      for (guint k = 0; k < changes->len; k++)
        {
          TfRepairChange *c = g_ptr_array_index (changes, k);
          g_autofree char *old_hex = g_strdup_printf ("%016" G_GINT64_MODIFIER "X", c->old_value);
          g_autofree char *new_hex = g_strdup_printf ("%016" G_GINT64_MODIFIER "X", c->new_value);

          if (g_strcmp0 (fb[3], old_hex) == 0 && g_strcmp0 (fa[3], new_hex) == 0 && c->site.pst.row == (guint) atoi (fb[2]))
            planned = TRUE;
        }
      g_assert_true (planned);
    }
  g_assert_cmpuint (n_changed, ==, changes->len);
}

static void
repair_one_case (const char *name)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = tmp_copy (name, dir);
  g_autoptr (GBytes) original = file_bytes (path);
  g_autoptr (GPtrArray) items = scan (path);
  g_autoptr (TfRepairPlan) plan = tf_repair_plan_new (items, items);
  g_autoptr (GPtrArray) rows_before = probe_rows (path);
  g_autoptr (GPtrArray) rows_after = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GPtrArray) again = NULL;
  g_autoptr (GPtrArray) undone = NULL;
  g_autoptr (GBytes) repaired = NULL;
  g_autoptr (GBytes) restored = NULL;
  g_autoptr (GError) error = NULL;
  guint n_bad = count_findings (items, TF_FINDING_TRACK_TIME_1601) + count_findings (items, TF_FINDING_TRACK_TIME_PRE_1900);
  TfRepairResult *result;
  TfJournalEntry *e;

  g_test_message ("%s: %u bad rows", name, n_bad);
  if (n_bad == 0)
    {
      g_assert_cmpuint (tf_repair_plan_get_n_repairable (plan), ==, 0);
      return;
    }
  g_assert_cmpuint (tf_repair_plan_get_n_repairable (plan), ==, n_bad);
  results = execute (plan, dir, "run-case", FALSE);
  g_assert_cmpuint (results->len, ==, 1);
  result = g_ptr_array_index (results, 0);
  g_assert_cmpstr (tf_repair_result_get_message (result), ==, NULL);
  g_assert_cmpint (tf_repair_result_get_status (result), ==, TF_REPAIR_STATUS_DONE);
  g_assert_null (tf_repair_result_get_backup (result));

  entries = journal_entries (dir);
  g_assert_cmpuint (entries->len, ==, 1);
  e = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (e->sha256_before, ==, tf_repair_result_get_sha256_before (result));
  repaired = file_bytes (path);
  {
    g_autofree char *sha_before = tf_sha256_bytes (original);
    g_autofree char *sha_after = tf_sha256_bytes (repaired);

    g_assert_cmpstr (e->sha256_before, ==, sha_before);
    g_assert_cmpstr (e->sha256_after, ==, sha_after);
  }
  assert_minimal (original, repaired, e, tf_repair_result_get_changes (result));

  /* Our reader: the bad rows are gone, absent cells stay absent */
  again = scan (path);
  g_assert_cmpuint (again->len, ==, items->len);
  g_assert_cmpuint (count_findings (again, TF_FINDING_TRACK_TIME_1601) + count_findings (again, TF_FINDING_TRACK_TIME_PRE_1900), ==, 0);
  g_assert_cmpuint (count_findings (again, TF_FINDING_PST_CHECKSUM), ==, 0);
  g_assert_cmpuint (count_absent (again), ==, count_absent (items));

  /* libpff and the CRC walk */
  rows_after = probe_rows (path);
  assert_probe_changes (rows_before, rows_after, tf_repair_result_get_changes (result));
  assert_crcs_verify (path);

  /* Undo: every byte back, without a backup */
  {
    g_autofree char *journal = g_build_filename (dir, "journal.jsonl", NULL);

    undone = tf_repair_undo (journal, 0, "run-case", FALSE, NULL, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpuint (undone->len, ==, 1);
  g_assert_cmpint (tf_repair_result_get_status (g_ptr_array_index (undone, 0)), ==, TF_REPAIR_STATUS_DONE);
  restored = file_bytes (path);
  g_assert_true (g_bytes_equal (restored, original));
}

static void
test_cases (void)
{
  g_autofree char *manifest = g_build_filename (cases_dir, "MANIFEST", NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  guint n_files = 0;

  g_assert_true (g_file_get_contents (manifest, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "F\t"))
      {
        g_auto (GStrv) f = g_strsplit (lines[i], "\t", -1);

        repair_one_case (f[1]);
        n_files++;
      }
  g_assert_cmpuint (n_files, ==, 16);
}

/* ------------------------------------------------------------------ */
/* One item, dry run, full backup, torn write                          */

static void
test_one_item (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = tmp_copy ("heap-rows-unicode.pst", dir);
  g_autoptr (GPtrArray) all = scan (path);
  g_autoptr (GPtrArray) one = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (TfRepairPlan) plan = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GPtrArray) again = NULL;
  g_autoptr (GError) error = NULL;
  const char *item_path = NULL;
  guint bad_elsewhere = 0;

  for (guint i = 0; i < all->len && item_path == NULL; i++)
    if (tf_item_has_finding (g_ptr_array_index (all, i), TF_FINDING_TRACK_TIME_1601))
      item_path = tf_item_get_path (g_ptr_array_index (all, i));
  g_assert_nonnull (item_path);
  g_assert_true (tf_read_item_path (item_path, TF_READ_NONE, one, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (one->len, ==, 1);

  plan = tf_repair_plan_new (one, one);
  g_assert_cmpuint (tf_repair_plan_get_n_repairable (plan), >, 0);
  results = execute (plan, dir, NULL, FALSE);
  g_assert_cmpint (tf_repair_result_get_status (g_ptr_array_index (results, 0)), ==, TF_REPAIR_STATUS_DONE);
  /* The plan's item was refreshed from the disk */
  g_assert_false (tf_item_has_finding (g_ptr_array_index (one, 0), TF_FINDING_TRACK_TIME_1601));

  again = scan (path);
  for (guint i = 0; i < again->len; i++)
    {
      TfItem *item = g_ptr_array_index (again, i);

      if (g_strcmp0 (tf_item_get_path (item), item_path) == 0)
        g_assert_false (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601));
      else
        bad_elsewhere += tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601);
    }
  /* The other messages with 1601 rows were left alone */
  g_assert_cmpuint (bad_elsewhere, >, 0);
}

static void
test_dry_run_and_backup (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = tmp_copy ("subnode-rows-ansi.pst", dir);
  g_autoptr (GBytes) original = file_bytes (path);
  g_autoptr (GPtrArray) items = scan (path);
  g_autoptr (TfRepairPlan) plan = tf_repair_plan_new (items, items);
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GBytes) now = NULL;
  g_autoptr (GBytes) backup = NULL;
  g_autofree char *journal = g_build_filename (dir, "journal.jsonl", NULL);
  gint64 mtime = file_mtime (path);
  TfRepairResult *result;

  results = execute (plan, dir, NULL, TRUE);
  result = g_ptr_array_index (results, 0);
  g_assert_cmpint (tf_repair_result_get_status (result), ==, TF_REPAIR_STATUS_DONE);
  g_assert_nonnull (tf_repair_result_get_sha256_after (result));
  now = file_bytes (path);
  g_assert_true (g_bytes_equal (now, original));
  g_assert_cmpint (file_mtime (path), ==, mtime);
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_clear_pointer (&results, g_ptr_array_unref);

  /* --backup-dir: a full copy as well */
  tf_repair_plan_set_full_backup (plan, TRUE);
  results = execute (plan, dir, NULL, FALSE);
  result = g_ptr_array_index (results, 0);
  g_assert_cmpint (tf_repair_result_get_status (result), ==, TF_REPAIR_STATUS_DONE);
  g_assert_nonnull (tf_repair_result_get_backup (result));
  backup = file_bytes (tf_repair_result_get_backup (result));
  g_assert_true (g_bytes_equal (backup, original));
}

/* The writer-table entry (edits on bytes in memory) and the in-place run
 * produce the very same file */
static void
test_writer_in_memory (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = tmp_copy ("cyclic-embedded-ansi.pst", dir);
  g_autoptr (GBytes) original = file_bytes (path);
  g_autoptr (GPtrArray) items = scan (path);
  g_autoptr (TfRepairPlan) plan = tf_repair_plan_new (items, items);
  g_autoptr (GArray) edits = tf_repair_edits_new ();
  g_autoptr (GBytes) expected = NULL;
  g_autoptr (GBytes) written = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GError) error = NULL;
  GListModel *changes = tf_repair_plan_get_changes (plan);

  g_assert_cmpuint (tf_repair_plan_get_n_repairable (plan), >, 0);
  for (guint i = 0; i < items->len; i++)
    {
      TfItem *item = g_ptr_array_index (items, i);
      g_autoptr (GPtrArray) mine = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint k = 0; k < g_list_model_get_n_items (changes); k++)
        {
          TfRepairChange *c = g_list_model_get_item (changes, k);

          if (c->item == item && c->repairable)
            g_ptr_array_add (mine, c);
          else
            g_object_unref (c);
        }
      if (mine->len > 0)
        g_assert_true (tf_repair_edits_for_item (original, item, mine, edits, &error));
      g_assert_no_error (error);
    }
  expected = tf_repair_edits_apply (original, edits, &error);
  g_assert_no_error (error);

  results = execute (plan, dir, NULL, FALSE);
  g_assert_cmpint (tf_repair_result_get_status (g_ptr_array_index (results, 0)), ==, TF_REPAIR_STATUS_DONE);
  written = file_bytes (path);
  g_assert_true (g_bytes_equal (written, expected));
  g_assert_false (g_bytes_equal (written, original));
}

/* A crash between the journal entry and the fsync may leave some ranges
 * new and some old: undo still restores the original. */
static void
test_torn_undo (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = tmp_copy ("many-unicode.pst", dir);
  g_autofree char *journal = g_build_filename (dir, "journal.jsonl", NULL);
  g_autoptr (GBytes) original = file_bytes (path);
  g_autoptr (GPtrArray) items = scan (path);
  g_autoptr (TfRepairPlan) plan = tf_repair_plan_new (items, items);
  g_autoptr (GPtrArray) results = execute (plan, dir, "run-torn", FALSE);
  g_autoptr (GPtrArray) entries = journal_entries (dir);
  g_autoptr (GPtrArray) undone = NULL;
  g_autoptr (GBytes) restored = NULL;
  g_autoptr (GError) error = NULL;
  TfJournalEntry *e = g_ptr_array_index (entries, 0);
  int fd;

  g_assert_cmpint (tf_repair_result_get_status (g_ptr_array_index (results, 0)), ==, TF_REPAIR_STATUS_DONE);
  g_assert_cmpuint (e->ranges->len, >=, 4);
  fd = g_open (path, O_RDWR, 0);
  for (guint i = 0; i < e->ranges->len; i += 2)
    {
      const TfJournalRange *r = &g_array_index (e->ranges, TfJournalRange, i);
      g_assert_cmpint (pwrite (fd, g_bytes_get_data (r->before, NULL), g_bytes_get_size (r->before), (off_t) r->offset), ==, (gssize) g_bytes_get_size (r->before));
    }
  close (fd);

  undone = tf_repair_undo (journal, 0, "run-torn", FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tf_repair_result_get_status (g_ptr_array_index (undone, 0)), ==, TF_REPAIR_STATUS_DONE);
  restored = file_bytes (path);
  g_assert_true (g_bytes_equal (restored, original));
}

/* ------------------------------------------------------------------ */
/* Refusals: nothing written                                           */

static void
assert_refused_unchanged (const char *dir,
                          const char *path,
                          TfRepairPlan *plan,
                          GBytes *expect,
                          TfRepairStatus status)
{
  gint64 mtime = file_mtime (path);
  g_autoptr (GPtrArray) results = execute (plan, dir, NULL, FALSE);
  g_autoptr (GBytes) now = file_bytes (path);
  g_autofree char *journal = g_build_filename (dir, "journal.jsonl", NULL);

  g_assert_cmpuint (results->len, ==, 1);
  g_test_message ("refusal: %s", tf_repair_result_get_message (g_ptr_array_index (results, 0)));
  g_assert_cmpint (tf_repair_result_get_status (g_ptr_array_index (results, 0)), ==, status);
  g_assert_true (g_bytes_equal (now, expect));
  g_assert_cmpint (file_mtime (path), ==, mtime);
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
}

static void
test_changed_refused (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = tmp_copy ("embedded-unicode.pst", dir);
  g_autoptr (GPtrArray) items = scan (path);
  g_autoptr (TfRepairPlan) plan = tf_repair_plan_new (items, items);
  g_autoptr (GBytes) damaged = NULL;
  TfRepairChange *c = repairable_change (plan, 0);
  struct timespec later[2] = { { 0, UTIME_OMIT }, { 2000000000, 0 } };

  g_assert_nonnull (c);

  /* 1. mtime moved: refused before anything is read */
  g_assert_cmpint (utimensat (AT_FDCWD, path, later, 0), ==, 0);
  {
    g_autoptr (GBytes) same = file_bytes (path);
    assert_refused_unchanged (dir, path, plan, same, TF_REPAIR_STATUS_REFUSED);
  }

  /* 2. one byte of the row's block changed, size and mtime kept: the
   * block CRC no longer verifies, and it is never written */
  g_clear_pointer (&items, g_ptr_array_unref);
  g_clear_object (&plan);
  items = scan (path);
  plan = tf_repair_plan_new (items, items);
  c = repairable_change (plan, 0);
  damage_block (path, c->site.pst.block_offset + 2);
  damaged = file_bytes (path);
  assert_refused_unchanged (dir, path, plan, damaged, TF_REPAIR_STATUS_REFUSED);
}

static void
test_crc_bad_not_planned (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = tmp_copy ("crypt-cyclic-ansi.pst", dir);
  g_autoptr (GPtrArray) items = scan (path);
  g_autoptr (TfRepairPlan) plan = tf_repair_plan_new (items, items);
  g_autoptr (GPtrArray) damaged_items = NULL;
  g_autoptr (TfRepairPlan) damaged_plan = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) after = NULL;
  TfRepairChange *c = repairable_change (plan, 0);
  GListModel *changes;
  gboolean said_crc = FALSE;

  g_assert_nonnull (c);
  /* The stored CRC itself: the data still reads, the block fails */
  damage_block (path, c->site.pst.crc_offset);
  before = file_bytes (path);
  damaged_items = scan (path);
  g_assert_cmpuint (count_findings (damaged_items, TF_FINDING_PST_CHECKSUM), >, 0);
  damaged_plan = tf_repair_plan_new (damaged_items, damaged_items);
  changes = tf_repair_plan_get_changes (damaged_plan);
  for (guint i = 0; i < g_list_model_get_n_items (changes); i++)
    {
      g_autoptr (TfRepairChange) ch = g_list_model_get_item (changes, i);

      if (!ch->repairable && ch->reason != NULL && strstr (ch->reason, "CRC") != NULL)
        said_crc = TRUE;
      /* No row of the damaged block is planned */
      g_assert_false (ch->repairable && ch->site.pst.bid == c->site.pst.bid);
    }
  g_assert_true (said_crc);
  results = execute (damaged_plan, dir, NULL, FALSE);
  after = file_bytes (path);
  /* Rows in other blocks may be repaired; the damaged block is untouched */
  g_assert_cmpmem ((const guint8 *) g_bytes_get_data (after, NULL) + c->site.pst.block_offset, c->site.pst.block_size,
                   (const guint8 *) g_bytes_get_data (before, NULL) + c->site.pst.block_offset, c->site.pst.block_size);
  g_assert_cmpmem ((const guint8 *) g_bytes_get_data (after, NULL) + c->site.pst.crc_offset, 4,
                   (const guint8 *) g_bytes_get_data (before, NULL) + c->site.pst.crc_offset, 4);
}

/* Turns a writer PST into an OST: wMagicClient "SO" and a fresh header
 * CRC ([MS-PST] 2.2.2.6: dwCRCPartial over 471 bytes from offset 8;
 * Unicode also dwCRCFull at 524 over 516 bytes) */
static void
make_ost (const char *path)
{
  g_autofree guint8 *data = NULL;
  gsize len = 0;
  guint32 crc;

  g_assert_true (g_file_get_contents (path, (char **) &data, &len, NULL));
  g_assert_cmpuint (len, >, 1024);
  data[8] = 'S';
  data[9] = 'O';
  crc = tf_pst_crc32 (data + 8, 471);
  for (guint i = 0; i < 4; i++)
    data[4 + i] = (guint8) (crc >> (8 * i));
  if (data[10] >= 23)
    {
      crc = tf_pst_crc32 (data + 8, 516);
      for (guint i = 0; i < 4; i++)
        data[524 + i] = (guint8) (crc >> (8 * i));
    }
  g_assert_true (g_file_set_contents (path, (const char *) data, (gssize) len, NULL));
}

static void
test_ost_refused (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "cache.ost", NULL);
  g_autofree char *src = tmp_copy ("heap-rows-unicode.pst", dir);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (TfRepairPlan) plan = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) after = NULL;
  GListModel *changes;
  gint64 mtime;

  g_assert_cmpint (g_rename (src, path), ==, 0);
  make_ost (path);
  before = file_bytes (path);
  mtime = file_mtime (path);
  items = scan (path);
  g_assert_cmpuint (items->len, >, 0);
  g_assert_cmpint (tf_item_get_format (g_ptr_array_index (items, 0)), ==, TF_FORMAT_OST);
  g_assert_cmpuint (count_findings (items, TF_FINDING_TRACK_TIME_1601), >, 0);

  plan = tf_repair_plan_new (items, items);
  g_assert_cmpuint (tf_repair_plan_get_n_repairable (plan), ==, 0);
  g_assert_cmpuint (tf_repair_plan_get_n_unrepairable (plan), >=, count_findings (items, TF_FINDING_TRACK_TIME_1601));
  changes = tf_repair_plan_get_changes (plan);
  for (guint i = 0; i < g_list_model_get_n_items (changes); i++)
    {
      g_autoptr (TfRepairChange) ch = g_list_model_get_item (changes, i);
      g_assert_cmpstr (ch->reason, ==, tf_repair_pst_ost_reason ());
    }
  results = execute (plan, dir, NULL, FALSE);
  g_assert_cmpuint (results->len, ==, 0);
  after = file_bytes (path);
  g_assert_true (g_bytes_equal (after, before));
  g_assert_cmpint (file_mtime (path), ==, mtime);

  /* The writer refuses it too, should a plan ever reach it */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (TfPstFile) file = tf_pst_file_open_bytes (g_bytes_get_data (before, NULL), g_bytes_get_size (before), &error);

    g_assert_no_error (error);
    g_assert_false (tf_repair_pst_check_file (file, &error));
    g_assert_error (error, TF_ERROR, TF_ERROR_REFUSED);
  }
}

static void
test_symlink_refused (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = tmp_copy ("heap-rows-ansi.pst", dir);
  g_autofree char *link = g_build_filename (dir, "link.pst", NULL);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (TfRepairPlan) plan = NULL;
  g_autoptr (GBytes) before = file_bytes (path);

  g_assert_cmpint (symlink (path, link), ==, 0);
  items = scan (link);
  plan = tf_repair_plan_new (items, items);
  g_assert_cmpuint (tf_repair_plan_get_n_repairable (plan), >, 0);
  assert_refused_unchanged (dir, path, plan, before, TF_REPAIR_STATUS_REFUSED);
}

/* TRACK_TIME_MISSING (a response without its time cell): never written,
 * with the reason; the 1601 row next to it is repaired */
static void
test_missing_not_repaired (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "missing.pst", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TfPstWriter) w = tf_pst_writer_new (path, TRUE, TF_PST_CRYPT_PERMUTE, &error);
  const TfPstRecipient rows[] = {
    { "Anna Organizer", "anna@example.com", "anna@example.com", 0, 2, TRUE, G_GUINT64_CONSTANT (0x01D903D957CD5000), NULL },
    { "Bartosz Kowalski", "bartosz@example.com", "bartosz@example.com", 1, 3, FALSE, 0, NULL },
    { "Carla Dörfler", "carla@example.com", "carla@example.com", 1, 2, TRUE, 0, NULL },
  };
  const TfPstMessage m = { "IPM.Appointment", "Missing time", "Anna Organizer", "anna@example.com", 1214841600, "missing-1", 0, NULL, 1252, rows, G_N_ELEMENTS (rows), 0, NULL, 0 };
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (TfRepairPlan) plan = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GPtrArray) again = NULL;
  GListModel *changes;
  guint n_missing = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (tf_pst_writer_add_message (w, tf_pst_writer_add_folder (w, tf_pst_writer_ipm_subtree (w), "Calendar", "IPF.Appointment"), &m, &error), !=, 0);
  g_assert_true (tf_pst_writer_finish (w, &error));
  items = scan (path);
  plan = tf_repair_plan_new (items, items);
  changes = tf_repair_plan_get_changes (plan);
  for (guint i = 0; i < g_list_model_get_n_items (changes); i++)
    {
      g_autoptr (TfRepairChange) ch = g_list_model_get_item (changes, i);

      if (ch->code == TF_FINDING_TRACK_TIME_MISSING)
        {
          n_missing++;
          g_assert_false (ch->repairable);
          g_assert_nonnull (strstr (ch->reason, "mailbox file"));
        }
      else
        g_assert_true (ch->repairable && ch->has_old_value && ch->site.offset > 0);
    }
  g_assert_cmpuint (n_missing, ==, 1);
  g_assert_cmpuint (tf_repair_plan_get_n_repairable (plan), ==, 1);

  results = execute (plan, dir, NULL, FALSE);
  g_assert_cmpint (tf_repair_result_get_status (g_ptr_array_index (results, 0)), ==, TF_REPAIR_STATUS_DONE);
  again = scan (path);
  g_assert_cmpuint (count_findings (again, TF_FINDING_TRACK_TIME_1601), ==, 0);
  g_assert_cmpuint (count_findings (again, TF_FINDING_TRACK_TIME_MISSING), ==, 1);
  g_assert_cmpuint (count_absent (again), ==, 1);
  assert_crcs_verify (path);
}

/* The journal keeps ranges byte for byte */
static void
test_journal_ranges (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *journal = g_build_filename (dir, "journal.jsonl", NULL);
  g_autoptr (TfJournalEntry) e = tf_journal_entry_new ("r", "repair", "/x.pst");
  g_autoptr (GBytes) a = g_bytes_new ("\x00\x01\xff\x7f\x80\x41\x42\x43", 8);
  g_autoptr (GBytes) b = g_bytes_new ("\x10\x11\x12\x13\x14\x15\x16\x17", 8);
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  const TfJournalRange *r;

  tf_journal_entry_add_range (e, G_GUINT64_CONSTANT (5000000000), a, b);
  g_assert_true (tf_journal_append (journal, e, &error));
  entries = tf_journal_read (journal, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  r = &g_array_index (((TfJournalEntry *) g_ptr_array_index (entries, 0))->ranges, TfJournalRange, 0);
  g_assert_cmpuint (r->offset, ==, G_GUINT64_CONSTANT (5000000000));
  g_assert_true (g_bytes_equal (r->before, a));
  g_assert_true (g_bytes_equal (r->after, b));

  /* A malformed range makes the line unreadable, not a silent no-op */
  g_assert_true (g_file_set_contents (journal, "{\"action\":\"repair\",\"file\":\"/x\",\"ranges\":[{\"offset\":1,\"old\":\"00\",\"new\":\"0\"}]}\n{}\n", -1, NULL));
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = tf_journal_read (journal, &error);
  g_assert_null (entries);
  g_assert_error (error, TF_ERROR, TF_ERROR_PARSE);
}

/* ------------------------------------------------------------------ */
/* Verification after the write: a touched message that reads back     */
/* wrong is noticed and the old bytes are put back                     */

typedef enum
{
  DAMAGE_VALUE, /* another time value, block CRC recomputed: only the field check sees it */
  DAMAGE_CRC,   /* the block's CRC bytes: only the CRC walk sees it */
} DamageKind;

typedef struct
{
  DamageKind kind;
  gboolean embedded; /* damage a row of an embedded message */
  gboolean done;
} Damage;

/* The test hook: runs after the ranges are written and read back */
static void
damage_touched (int fd,
                TfRepairFileJob *job,
                gpointer user_data)
{
  Damage *d = user_data;
  TfRepairChange *c = NULL;
  const TfPstSite *s;
  g_autofree guint8 *block = NULL;
  guint64 off;
  guint32 crc;

  for (guint i = 0; i < job->changes->len && c == NULL; i++)
    {
      TfRepairChange *ci = g_ptr_array_index (job->changes, i);

      if (!d->embedded || strchr (tf_item_get_nid (ci->item), '/') != NULL)
        c = ci;
    }
  g_assert_nonnull (c);
  s = &c->site.pst;
  block = g_malloc (s->block_size);
  g_assert_cmpint (pread (fd, block, s->block_size, (off_t) s->block_offset), ==, (ssize_t) s->block_size);
  off = (guint64) c->site.offset - s->block_offset;
  if (d->kind == DAMAGE_VALUE)
    {
      /* One tick later than planned, encoded and CRC'd like a real write */
      tf_pst_encode (s->encoding, s->bid, block, s->block_size, FALSE);
      g_assert_cmpuint (tf_pst_u64 (block + off), ==, c->new_value);
      for (guint i = 0; i < 8; i++)
        block[off + i] = (guint8) ((c->new_value + 1) >> (8 * i));
      tf_pst_encode (s->encoding, s->bid, block, s->block_size, TRUE);
      crc = tf_pst_crc32 (block, s->block_size);
      g_assert_cmpint (pwrite (fd, block + off, 8, (off_t) c->site.offset), ==, 8);
    }
  else
    crc = tf_pst_crc32 (block, s->block_size) ^ 0x00010000;
  {
    guint8 le[4] = { (guint8) crc, (guint8) (crc >> 8), (guint8) (crc >> 16), (guint8) (crc >> 24) };

    g_assert_cmpint (pwrite (fd, le, 4, (off_t) s->crc_offset), ==, 4);
  }
  d->done = TRUE;
}

static void
damage_case (const char *name,
             DamageKind kind,
             gboolean embedded,
             const char *why)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = tmp_copy (name, dir);
  g_autoptr (GBytes) original = file_bytes (path);
  g_autoptr (GPtrArray) items = scan (path);
  g_autoptr (TfRepairPlan) plan = tf_repair_plan_new (items, items);
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GBytes) now = NULL;
  Damage d = { kind, embedded, FALSE };
  TfRepairResult *result;

  g_assert_cmpuint (tf_repair_plan_get_n_repairable (plan), >, 0);
  tf_repair_inplace_set_test_hook (damage_touched, &d);
  results = execute (plan, dir, "run-damage", FALSE);
  tf_repair_inplace_set_test_hook (NULL, NULL);
  g_assert_true (d.done);
  result = g_ptr_array_index (results, 0);
  g_test_message ("%s: %s", name, tf_repair_result_get_message (result));
  g_assert_cmpint (tf_repair_result_get_status (result), ==, TF_REPAIR_STATUS_FAILED);
  g_assert_nonnull (strstr (tf_repair_result_get_message (result), why));
  g_assert_nonnull (strstr (tf_repair_result_get_message (result), "the old bytes were written back"));

  /* Every byte as before (the damage lay inside the written ranges),
   * and the journal says so: the repair, then its undo */
  now = file_bytes (path);
  g_assert_true (g_bytes_equal (now, original));
  entries = journal_entries (dir);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (((TfJournalEntry *) g_ptr_array_index (entries, 0))->action, ==, "repair");
  g_assert_cmpstr (((TfJournalEntry *) g_ptr_array_index (entries, 1))->action, ==, "undo");
}

static void
test_verify_rolls_back (void)
{
  damage_case ("heap-rows-unicode.pst", DAMAGE_VALUE, FALSE, "track-status time of recipient");
  /* Our reader notices the bad CRC (a new PST_CHECKSUM finding) before
   * the CRC walk of the touched blocks would */
  damage_case ("heap-rows-unicode.pst", DAMAGE_CRC, FALSE, "new finding PST_CHECKSUM");
  /* A row of an embedded message: its NID chain is read again too */
  damage_case ("cyclic-embedded-ansi.pst", DAMAGE_VALUE, TRUE, "track-status time of recipient");
}

/* ------------------------------------------------------------------ */
/* The one-pass SHA-256 of a large file, plain and patched              */

static void
assert_hashes (int fd,
               GBytes *file,
               const guint64 *offsets,
               guint n)
{
  g_autoptr (TfJournalEntry) holder = tf_journal_entry_new (NULL, "repair", "/");
  g_autoptr (GByteArray) patched = g_byte_array_new ();
  g_autoptr (GBytes) patched_bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *want_plain = tf_sha256_bytes (file);
  g_autofree char *want_patched = NULL;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (file, &len);

  g_byte_array_append (patched, data, (guint) len);
  for (guint i = 0; i < n; i++)
    {
      guint8 neu[8];
      g_autoptr (GBytes) before = g_bytes_new (data + offsets[i], 8);
      g_autoptr (GBytes) after = NULL;

      for (guint k = 0; k < 8; k++)
        neu[k] = (guint8) ~data[offsets[i] + k];
      after = g_bytes_new (neu, 8);
      memcpy (patched->data + offsets[i], neu, 8);
      tf_journal_entry_add_range (holder, offsets[i], before, after);
    }
  if (holder->ranges == NULL)
    holder->ranges = g_array_new (FALSE, FALSE, sizeof (TfJournalRange));
  patched_bytes = g_bytes_new (patched->data, patched->len);
  want_patched = tf_sha256_bytes (patched_bytes);

  for (guint way = 0; way < 2; way++)
    {
      g_autofree char *plain = NULL;
      g_autofree char *other = NULL;

      g_assert_true (tf_repair_inplace_hash (fd, len, holder->ranges, way == 0, &plain, &other, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (plain, ==, want_plain);
      /* after: the new bytes; before: the file's own bytes again */
      g_assert_cmpstr (other, ==, way == 0 ? want_patched : want_plain);
    }
  {
    g_autofree char *plain = NULL;

    g_assert_true (tf_repair_inplace_hash (fd, len, NULL, FALSE, &plain, NULL, &error));
    g_assert_cmpstr (plain, ==, want_plain);
  }
}

static void
test_hash_two_threads (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "big.bin", NULL);
  const gsize mib = 1024 * 1024;
  const gsize size = 5 * mib + 123;
  g_autofree guint8 *data = g_malloc (size);
  g_autoptr (GBytes) file = NULL;
  GRand *rand = g_rand_new_with_seed (14);
  int fd;

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_rand_int (rand);
  g_rand_free (rand);
  g_assert_true (g_file_set_contents (path, (const char *) data, (gssize) size, NULL));
  file = g_bytes_new (data, size);
  fd = g_open (path, O_RDONLY, 0);
  g_assert_cmpint (fd, >=, 0);

  /* With its threads, then all on the calling thread (as when none can be
   * started): the same digests */
  for (guint threads = 0; threads < 2; threads++)
    {
      tf_repair_inplace_set_hash_threads (threads == 0);
      {
        /* Ranges across chunk edges, at the start and the very end */
        const guint64 spread[] = { 0, mib - 3, 2 * mib + 5, 4 * mib - 8, size - 8 };
        /* The first difference late in the file: the digests fork there */
        const guint64 late[] = { 3 * mib + 1000, 4 * mib + 4 };

        assert_hashes (fd, file, spread, G_N_ELEMENTS (spread));
        assert_hashes (fd, file, late, G_N_ELEMENTS (late));
        assert_hashes (fd, file, NULL, 0);
      }
      /* The file ends before the size asked for: the reading thread's error
       * ends the pass, with no digest and no hang */
      for (guint way = 0; way < 2; way++)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (GArray) ranges = g_array_new (FALSE, FALSE, sizeof (TfJournalRange));
          char *plain = NULL;
          char *other = NULL;

          g_assert_false (tf_repair_inplace_hash (fd, size + (way == 0 ? 1 : 3 * mib), ranges, TRUE, &plain,
                                                  way == 0 ? &other : NULL, &error));
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
          g_assert_null (plain);
          g_assert_null (other);
        }
    }
  tf_repair_inplace_set_hash_threads (TRUE);
  close (fd);
}

/* The verification's reader: only the messages asked for, each read as
 * the scan reads it; a chain with no message is named in a parse error */
static void
test_read_nids (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = tmp_copy ("cyclic-embedded-ansi.pst", dir);
  g_autoptr (GPtrArray) all = scan (path);
  g_autoptr (GPtrArray) some = g_ptr_array_new_with_free_func (g_object_unref);
  TfItem *outer = NULL;
  TfItem *inner = NULL;
  const char *chains[4] = { 0 };
  struct stat st;
  int fd;

  for (guint i = 0; i < all->len; i++)
    {
      TfItem *item = g_ptr_array_index (all, i);

      if (strchr (tf_item_get_nid (item), '/') != NULL)
        inner = inner != NULL ? inner : item;
      else
        outer = outer != NULL ? outer : item;
    }
  g_assert_nonnull (outer);
  g_assert_nonnull (inner);
  chains[0] = tf_item_get_nid (inner);
  chains[1] = "0x7FFFFFE4";
  chains[2] = tf_item_get_nid (outer);

  fd = g_open (path, O_RDONLY, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (fstat (fd, &st), ==, 0);
  tf_pst_read_nids_fd (fd, (guint64) st.st_size, path, path, chains, TF_READ_NONE, some);
  close (fd);

  g_assert_cmpuint (some->len, ==, 3);
  for (guint i = 0; i < 2; i++)
    {
      TfItem *got = g_ptr_array_index (some, i);
      TfItem *want = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) none = g_ptr_array_new ();

      for (guint k = 0; k < all->len; k++)
        if (g_strcmp0 (tf_item_get_nid (g_ptr_array_index (all, k)), tf_item_get_nid (got)) == 0)
          want = g_ptr_array_index (all, k);
      g_assert_nonnull (want);
      g_assert_true (want == outer || want == inner);
      g_assert_cmpstr (tf_item_get_path (got), ==, tf_item_get_path (want));
      g_assert_cmpstr (tf_item_get_folder (got), ==, tf_item_get_folder (want));
      g_assert_cmpuint (tf_item_get_n_findings (got), ==, tf_item_get_n_findings (want));
      /* Field by field, as the repair compares them */
      g_assert_true (tf_repair_verify_item (want, got, none, &error));
      g_assert_no_error (error);
    }
  g_assert_nonnull (strstr (tf_finding_get_detail (tf_item_get_finding (g_ptr_array_index (some, 2), 0)), "0x7FFFFFE4"));
}

/* ------------------------------------------------------------------ */
/* Offsets past 4 GiB                                                  */

#define GIB (G_GUINT64_CONSTANT (1) << 30)
#define SPAN (8 * 1024 * 1024) /* the written head and tail of the file */

static TfPstRecipient
row (const char *name,
     gboolean has_time,
     guint64 time)
{
  TfPstRecipient r = { name, "person@example.com", "person@example.com", 1, has_time ? 2 : -1, has_time, time, NULL };

  return r;
}

/* A Unicode PST whose second part lies past a 4 GiB hole: one 1601 row
 * before it; after it a 1601 row, an absent cell, a healthy row and an
 * embedded exception with a 1601 row. Sparse: a few MB on the disk. */
static void
write_large_pst (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TfPstWriter) w = tf_pst_writer_new (path, TRUE, TF_PST_CRYPT_PERMUTE, &error);
  const guint64 normal = G_GUINT64_CONSTANT (0x01D903D957CD5000);
  TfPstRecipient before[] = { row ("Early Attendee", TRUE, 0) };
  TfPstRecipient after[] = { row ("Late Attendee", TRUE, 0), row ("Absent Cell", FALSE, 0), row ("Healthy Row", TRUE, normal) };
  TfPstRecipient exception[] = { row ("Exception Attendee", TRUE, 0) };
  TfPstMessage inner = { "IPM.OLE.CLASS.{00061055-0000-0000-C000-000000000046}", "Standup (moved)", "Anna Organizer",
                         "anna@example.com", 1214841600, "large-2", 1215446400, NULL, 1252, exception, 1, 0, NULL, 0 };
  TfPstMessage m1 = { "IPM.Appointment", "Before the hole", "Anna Organizer", "anna@example.com", 1214841600,
                      "large-1", 0, NULL, 1252, before, 1, 0, NULL, 0 };
  TfPstMessage m2 = { "IPM.Schedule.Meeting.Request", "After the hole", "Anna Organizer", "anna@example.com", 1214841600,
                      "large-2", 0, NULL, 1252, after, G_N_ELEMENTS (after), 0, &inner, 1 };
  guint32 cal;

  g_assert_no_error (error);
  cal = tf_pst_writer_add_folder (w, tf_pst_writer_ipm_subtree (w), "Calendar", "IPF.Appointment");
  g_assert_cmpuint (tf_pst_writer_add_message (w, cal, &m1, &error), !=, 0);
  tf_pst_writer_skip (w, 4 * GIB);
  g_assert_cmpuint (tf_pst_writer_add_message (w, cal, &m2, &error), !=, 0);
  g_assert_no_error (error);
  g_assert_true (tf_pst_writer_finish (w, &error));
  g_assert_no_error (error);
}

/* @len bytes at @offset */
static GBytes *
read_span (int fd,
           guint64 offset,
           gsize len)
{
  guint8 *data = g_malloc (len);

  g_assert_cmpint (pread (fd, data, len, (off_t) offset), ==, (gssize) len);
  return g_bytes_new_take (data, len);
}

/* The head and the tail of the file (everything but the hole) */
static void
read_ends (const char *path,
           guint64 size,
           GBytes **head,
           GBytes **tail)
{
  int fd = g_open (path, O_RDONLY, 0);

  g_assert_cmpint (fd, >=, 0);
  *head = read_span (fd, 0, SPAN);
  *tail = read_span (fd, size - SPAN, SPAN);
  close (fd);
}

/* The bytes that differ between @a and @b (spans at @base) are inside
 * the journal's ranges, and the ranges hold what the spans show */
static void
assert_span_changes (GBytes *a,
                     GBytes *b,
                     guint64 base,
                     TfJournalEntry *e)
{
  gsize len = 0;
  const guint8 *x = g_bytes_get_data (a, &len);
  const guint8 *y = g_bytes_get_data (b, NULL);

  for (gsize i = 0; i < len; i++)
    if (x[i] != y[i])
      {
        gboolean inside = FALSE;

        for (guint k = 0; k < e->ranges->len && !inside; k++)
          {
            const TfJournalRange *r = &g_array_index (e->ranges, TfJournalRange, k);

            inside = base + i >= r->offset && base + i < r->offset + g_bytes_get_size (r->after);
          }
        g_assert_true (inside);
      }
  for (guint k = 0; k < e->ranges->len; k++)
    {
      const TfJournalRange *r = &g_array_index (e->ranges, TfJournalRange, k);
      gsize n = g_bytes_get_size (r->after);

      if (r->offset >= base && r->offset + n <= base + len)
        {
          g_assert_cmpmem (x + (r->offset - base), n, g_bytes_get_data (r->before, NULL), n);
          g_assert_cmpmem (y + (r->offset - base), n, g_bytes_get_data (r->after, NULL), n);
        }
    }
}

/* The whole file's SHA-256, as the repair computes it */
static char *
file_sha256 (const char *path,
             guint64 size)
{
  g_autoptr (GError) error = NULL;
  int fd = g_open (path, O_RDONLY, 0);
  char *sha = NULL;

  g_assert_cmpint (fd, >=, 0);
  g_assert_true (tf_repair_inplace_hash (fd, size, NULL, FALSE, &sha, NULL, &error));
  g_assert_no_error (error);
  close (fd);
  return sha;
}

/* Whether files in @dir can have holes: one byte written 1 GiB in takes
 * no more than a few blocks */
static gboolean
holes_supported (const char *dir)
{
  g_autofree char *probe = g_build_filename (dir, "sparse-probe", NULL);
  int fd = g_open (probe, O_RDWR | O_CREAT | O_EXCL, 0600);
  struct stat st;
  gboolean sparse;

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, "x", 1, (off_t) GIB), ==, 1);
  g_assert_cmpint (fstat (fd, &st), ==, 0);
  sparse = (guint64) st.st_blocks * 512 < 1024 * 1024;
  close (fd);
  g_unlink (probe);
  return sparse;
}

/* Issue 14 "works on a 10 GB file": rows, patch sites, the journal's
 * ranges and undo past 4 GiB. Every whole-file pass (SHA-256 before, after,
 * on undo) reads 4 GiB of hole, so this test runs on its own, not under
 * valgrind (tests/meson.build). */
static void
test_beyond_4gib (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "large.pst", NULL);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) again = NULL;
  g_autoptr (GPtrArray) rows_before = NULL;
  g_autoptr (GPtrArray) rows_after = NULL;
  g_autoptr (TfRepairPlan) plan = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GPtrArray) undone = NULL;
  g_autoptr (GBytes) head0 = NULL, tail0 = NULL, head1 = NULL, tail1 = NULL, head2 = NULL, tail2 = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *sha_original = NULL;
  g_autofree char *sha_restored = NULL;
  g_autofree char *journal = g_build_filename (dir, "journal.jsonl", NULL);
  guint n_sites_high = 0, n_ranges_high = 0;
  TfRepairResult *result;
  TfJournalEntry *e;
  struct stat st;

  if (!holes_supported (dir))
    {
      g_test_skip ("the temporary folder's file system has no sparse files: the test would write 4 GiB");
      return;
    }
  write_large_pst (path);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint ((guint64) st.st_size, >, 4 * GIB);
  g_test_message ("%" G_GUINT64_FORMAT " bytes, %" G_GUINT64_FORMAT " on the disk",
                  (guint64) st.st_size, (guint64) st.st_blocks * 512);
  read_ends (path, (guint64) st.st_size, &head0, &tail0);
  sha_original = file_sha256 (path, (guint64) st.st_size);

  items = scan (path);
  g_assert_cmpuint (items->len, ==, 3); /* two messages and the exception */
  g_assert_cmpuint (count_findings (items, TF_FINDING_TRACK_TIME_1601), ==, 3);
  g_assert_cmpuint (count_absent (items), ==, 1);
  g_assert_cmpuint (count_findings (items, TF_FINDING_PST_CHECKSUM), ==, 0);
  for (guint i = 0; i < items->len; i++)
    {
      TfItem *item = g_ptr_array_index (items, i);

      for (guint k = 0; k < tf_item_get_n_recipients (item); k++)
        {
          const TfPatchSite *site = tf_recipient_get_patch_site (tf_item_get_recipient (item, k));

          if (site == NULL || site->offset < 0)
            continue;
          g_assert_cmpuint (site->pst.block_offset + site->pst.block_size, <=, (guint64) st.st_size);
          g_assert_cmpuint ((guint64) site->offset, >=, site->pst.block_offset);
          g_assert_cmpuint (site->pst.crc_offset, >, (guint64) site->offset);
          n_sites_high += (guint64) site->offset > G_MAXUINT32;
        }
    }
  /* The late message, its healthy row and the exception's */
  g_assert_cmpuint (n_sites_high, ==, 3);

  rows_before = probe_rows (path);
  plan = tf_repair_plan_new (items, items);
  g_assert_cmpuint (tf_repair_plan_get_n_repairable (plan), ==, 3);
  results = execute (plan, dir, "run-large", FALSE);
  g_assert_cmpuint (results->len, ==, 1);
  result = g_ptr_array_index (results, 0);
  g_assert_cmpstr (tf_repair_result_get_message (result), ==, NULL);
  g_assert_cmpint (tf_repair_result_get_status (result), ==, TF_REPAIR_STATUS_DONE);

  entries = journal_entries (dir);
  g_assert_cmpuint (entries->len, ==, 1);
  e = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (e->sha256_before, ==, sha_original);
  g_assert_nonnull (e->sha256_after);
  g_assert_cmpstr (e->sha256_after, !=, sha_original);
  for (guint k = 0; k < e->ranges->len; k++)
    n_ranges_high += g_array_index (e->ranges, TfJournalRange, k).offset > G_MAXUINT32;
  /* Two values and their CRCs past 4 GiB (the exception's block is its own) */
  g_assert_cmpuint (n_ranges_high, >=, 4);
  read_ends (path, (guint64) st.st_size, &head1, &tail1);
  assert_span_changes (head0, head1, 0, e);
  assert_span_changes (tail0, tail1, (guint64) st.st_size - SPAN, e);

  /* Our reader and libpff read the new values; the CRCs verify */
  again = scan (path);
  g_assert_cmpuint (again->len, ==, items->len);
  g_assert_cmpuint (count_findings (again, TF_FINDING_TRACK_TIME_1601), ==, 0);
  g_assert_cmpuint (count_findings (again, TF_FINDING_PST_CHECKSUM), ==, 0);
  g_assert_cmpuint (count_absent (again), ==, 1);
  rows_after = probe_rows (path);
  assert_probe_changes (rows_before, rows_after, tf_repair_result_get_changes (result));
  assert_crcs_verify (path);

  /* Undo from the journal's ranges: every byte back */
  undone = tf_repair_undo (journal, 0, "run-large", FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (undone->len, ==, 1);
  g_assert_cmpint (tf_repair_result_get_status (g_ptr_array_index (undone, 0)), ==, TF_REPAIR_STATUS_DONE);
  read_ends (path, (guint64) st.st_size, &head2, &tail2);
  g_assert_true (g_bytes_equal (head2, head0));
  g_assert_true (g_bytes_equal (tail2, tail0));
  sha_restored = file_sha256 (path, (guint64) st.st_size);
  g_assert_cmpstr (sha_restored, ==, sha_original);
}

int
main (int argc,
      char **argv)
{
  g_autoptr (GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  base_dir = g_dir_make_tmp ("tf-repair-pst-XXXXXX", &error);
  g_assert_no_error (error);
  cases_dir = g_build_filename (base_dir, "cases", NULL);
  g_assert_true (tf_gen_pst_cases (cases_dir, &error));
  g_assert_no_error (error);

  g_test_add_func ("/repair-pst/cases", test_cases);
  g_test_add_func ("/repair-pst/one-item", test_one_item);
  g_test_add_func ("/repair-pst/dry-run-and-backup", test_dry_run_and_backup);
  g_test_add_func ("/repair-pst/writer-in-memory", test_writer_in_memory);
  g_test_add_func ("/repair-pst/torn-undo", test_torn_undo);
  g_test_add_func ("/repair-pst/changed-refused", test_changed_refused);
  g_test_add_func ("/repair-pst/crc-bad-not-planned", test_crc_bad_not_planned);
  g_test_add_func ("/repair-pst/ost-refused", test_ost_refused);
  g_test_add_func ("/repair-pst/symlink-refused", test_symlink_refused);
  g_test_add_func ("/repair-pst/missing-not-repaired", test_missing_not_repaired);
  g_test_add_func ("/repair-pst/journal-ranges", test_journal_ranges);
  g_test_add_func ("/repair-pst/verify-rolls-back", test_verify_rolls_back);
  g_test_add_func ("/repair-pst/hash-two-threads", test_hash_two_threads);
  g_test_add_func ("/repair-pst/read-nids", test_read_nids);
  g_test_add_func ("/repair-pst/beyond-4gib", test_beyond_4gib);

  ret = g_test_run ();
  {
    const char *rm[] = { "rm", "-rf", base_dir, NULL };
    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  g_free (cases_dir);
  g_free (base_dir);
  return ret;
}
