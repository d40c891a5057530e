/* test-scanner.c — folder walking, worker pool, ordering, errors
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tf-core.h"
#include "tf-fixturegen-pst.h"
#include "tf-fixturegen.h"
#include "tf-pst.h"
#include "tf-read-progress-private.h"

static void
put_sample (const char *dir,
            const char *relative,
            const char *sample)
{
  g_autoptr (GBytes) bytes = tf_gen_sample (sample);
  g_autofree char *path = g_build_filename (dir, relative, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (bytes);
  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
}

static TfItem *
find_item (GPtrArray *items,
           const char *path)
{
  for (guint i = 0; i < items->len; i++)
    if (g_str_equal (tf_item_get_path (g_ptr_array_index (items, i)), path))
      return g_ptr_array_index (items, i);

  return NULL;
}

static GPtrArray *
scan (const char *path,
      guint *n_files,
      GError **error)
{
  g_autoptr (TfScanner) scanner = tf_scanner_new ();
  const char *paths[] = { path, NULL };

  return tf_scanner_scan_sync (scanner, paths, NULL, n_files, error);
}

/* queue/, a Maildir with cur/ new/ tmp/, a backup folder, symlinks (one to
 * a file, one looping back to the root), an mbox, a FIFO */
static char *
make_tree (void)
{
  char *dir = tf_gen_make_tmp_dir ("scanner");
  g_autofree char *loop = g_build_filename (dir, "queue", "loop", NULL);
  g_autofree char *link = g_build_filename (dir, "link.eml", NULL);
  g_autofree char *dangling = g_build_filename (dir, "dangling.eml", NULL);
  g_autofree char *fifo = g_build_filename (dir, "pipe.eml", NULL);
  g_autofree char *mbox = g_build_filename (dir, "Sent.mbox", NULL);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  put_sample (dir, "queue/NTFS_01.EML", "eml-tnef-1601");
  put_sample (dir, "queue/NTFS_02.EML", "eml-tnef-healthy");
  put_sample (dir, "queue/NTFS_03.EML", "damaged");
  put_sample (dir, "Maildir/cur/1219232640.M1P1.host:2,S", "eml-ics-reply-missing-cc");
  put_sample (dir, "Maildir/new/1219232641.M2P1.host", "eml-ics-request");
  put_sample (dir, "Maildir/tmp/1219232642.M3P1.host", "eml-tnef-1601");
  put_sample (dir, "Maildir/.Calendar/cur/1219232643.M4P1.host:2,S", "eml-tnef-cancel-1601");
  put_sample (dir, "Maildir/dovecot-uidlist", "damaged");
  put_sample (dir, "queue/.trackfix-tmp-0a1b2c3d-NTFS_01.EML.tmp", "eml-tnef-1601");
  put_sample (dir, ".trackfix-backup-20081020/queue/NTFS_01.EML", "eml-tnef-1601");
  put_sample (dir, "Calendar/Q3 budget review.msg", "msg-1601");
  put_sample (dir, "Calendar/tmp/not-maildir.ics", "ics-cc-1601");

  g_assert_cmpint (symlink ("..", loop), ==, 0);
  g_assert_cmpint (symlink ("queue/NTFS_01.EML", link), ==, 0);
  g_assert_cmpint (symlink ("nowhere.eml", dangling), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);

  g_string_append (text, "From a@b Mon Aug 18 14:02:00 2008\nSubject: one\n\nbody\n\n"
                         "From a@b Mon Aug 18 14:03:00 2008\nSubject: two\n\n>From quoted\n");
  g_file_set_contents (mbox, text->str, (gssize) text->len, &error);
  g_assert_no_error (error);

  return dir;
}

static void
test_walk_tree (void)
{
  g_autofree char *dir = make_tree ();
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *p = NULL;
  guint n_files = 0;
  TfItem *item;

#define PATH(rel) (g_free (p), p = g_build_filename (dir, rel, NULL))

  items = scan (dir, &n_files, &error);
  g_assert_no_error (error);
  g_assert_nonnull (items);

  /* queue 3 + Maildir cur/new 2 + Maildir subfolder 1 + Calendar 2 + link
   * + dangling + pipe + mbox (one file, two items) */
  g_assert_cmpuint (n_files, ==, 12);
  g_assert_cmpuint (items->len, ==, 13);

  /* Sorted by path */
  for (guint i = 1; i < items->len; i++)
    g_assert_cmpint (strcmp (tf_item_get_path (g_ptr_array_index (items, i - 1)),
                             tf_item_get_path (g_ptr_array_index (items, i))),
                     <, 0);

  item = find_item (items, PATH ("queue/NTFS_01.EML"));
  g_assert_nonnull (item);
  g_assert_true (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601));
  g_assert_cmpuint (tf_item_get_n_recipients (item), >, 0);
  /* Summaries only */
  g_assert_null (tf_recipient_get_props (tf_item_get_recipient (item, 0)));

  item = find_item (items, PATH ("queue/NTFS_02.EML"));
  g_assert_nonnull (item);
  g_assert_cmpuint (tf_item_get_n_problems (item), ==, 0);

  item = find_item (items, PATH ("queue/NTFS_03.EML"));
  g_assert_nonnull (item);
  g_assert_true (tf_item_has_finding (item, TF_FINDING_PARSE_ERROR));

  /* Maildir: cur/ and new/ read, tmp/ and bookkeeping skipped, subfolders read */
  g_assert_nonnull (find_item (items, PATH ("Maildir/cur/1219232640.M1P1.host:2,S")));
  g_assert_nonnull (find_item (items, PATH ("Maildir/new/1219232641.M2P1.host")));
  g_assert_nonnull (find_item (items, PATH ("Maildir/.Calendar/cur/1219232643.M4P1.host:2,S")));
  g_assert_null (find_item (items, PATH ("Maildir/tmp/1219232642.M3P1.host")));
  g_assert_null (find_item (items, PATH ("Maildir/dovecot-uidlist")));
  /* tmp/ outside a Maildir is an ordinary folder */
  g_assert_nonnull (find_item (items, PATH ("Calendar/tmp/not-maildir.ics")));

  /* Neither are a repair's temp files */
  g_assert_null (find_item (items, PATH ("queue/.trackfix-tmp-0a1b2c3d-NTFS_01.EML.tmp")));

  /* Our backups are never scanned */
  for (guint i = 0; i < items->len; i++)
    g_assert_null (strstr (tf_item_get_path (g_ptr_array_index (items, i)), ".trackfix-backup"));

  /* The symlinked folder is not followed (no loop), the symlinked file is read */
  for (guint i = 0; i < items->len; i++)
    g_assert_null (strstr (tf_item_get_path (g_ptr_array_index (items, i)), "/loop/"));
  item = find_item (items, PATH ("link.eml"));
  g_assert_nonnull (item);
  g_assert_true (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601));

  /* A dangling link and a FIFO are reported, not skipped, not waited on */
  item = find_item (items, PATH ("dangling.eml"));
  g_assert_nonnull (item);
  g_assert_true (tf_item_has_finding (item, TF_FINDING_PARSE_ERROR));
  item = find_item (items, PATH ("pipe.eml"));
  g_assert_nonnull (item);
  g_assert_true (tf_item_has_finding (item, TF_FINDING_PARSE_ERROR));

  /* mbox: one item per message */
  g_assert_nonnull (find_item (items, PATH ("Sent.mbox#1")));
  g_assert_nonnull (find_item (items, PATH ("Sent.mbox#2")));
  g_assert_null (find_item (items, PATH ("Sent.mbox#3")));

#undef PATH
  tf_gen_remove_tree (dir);
}

/* Paths keep the form the user gave: relative stays relative, a trailing
 * slash does not double. */
static void
test_display_paths (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("scanner");
  g_autofree char *cwd = g_get_current_dir ();
  g_autoptr (TfScanner) scanner = tf_scanner_new ();
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = NULL;
  const char *paths[] = { "queue/", "single.ics", NULL, NULL };

  put_sample (dir, "queue/NTFS_01.EML", "eml-tnef-1601");
  put_sample (dir, "single.ics", "ics-cc-1601");
  g_assert_cmpint (g_chdir (dir), ==, 0);

  uri = g_strconcat ("file://", dir, "/single.ics", NULL);
  paths[2] = uri;

  items = tf_scanner_scan_sync (scanner, paths, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 3);
  /* In argument order; a URI becomes its local path */
  g_assert_cmpstr (tf_item_get_path (g_ptr_array_index (items, 0)), ==, "queue/NTFS_01.EML");
  g_assert_cmpstr (tf_item_get_path (g_ptr_array_index (items, 1)), ==, "single.ics");
  g_assert_true (g_str_has_prefix (tf_item_get_path (g_ptr_array_index (items, 2)), "/"));
  g_assert_true (g_str_has_suffix (tf_item_get_path (g_ptr_array_index (items, 2)), "/single.ics"));

  g_assert_cmpint (g_chdir (cwd), ==, 0);
  tf_gen_remove_tree (dir);
}

typedef struct
{
  GMainLoop *loop;
  GPtrArray *paths;
  guint n_batches;
  guint last_done;
  guint n_files;
  gboolean destroyed;
  GCancellable *cancel_after_first; /* cancelled by the first batch */
  GError *error;
  /* Progress inside a big file (tf_scanner_set_progress_func) */
  guint n_progress;
  guint progress_done;
  guint progress_total;
  gboolean progress_ended;
  GCancellable *cancel_on_progress; /* cancelled by the first report */
  guint max_batch;                  /* most items in one batch */
  GPtrArray *items;                 /* set: the items too, not only paths */
  /* Set: counts the items delivered and finalized (weak references),
   * and those finalized on another thread than this one */
  GThread *watch_thread;
  guint n_watched;
  gint n_finalized;          /* atomic */
  gint n_finalized_off_main; /* atomic */
} AsyncRun;

static void
item_finalized_cb (gpointer data,
                   GObject *where_the_object_was)
{
  AsyncRun *run = data;

  if (g_thread_self () != run->watch_thread)
    g_atomic_int_inc (&run->n_finalized_off_main);
  g_atomic_int_inc (&run->n_finalized);
}

static void
async_items_cb (GPtrArray *items,
                guint n_files_done,
                guint n_files_total,
                gpointer user_data)
{
  AsyncRun *run = user_data;

  g_assert_false (run->destroyed);
  g_assert_cmpuint (items->len, >, 0);
  g_assert_cmpuint (n_files_done, <=, n_files_total);
  g_assert_cmpuint (n_files_done, >=, run->last_done);
  run->last_done = n_files_done;
  run->n_batches++;
  run->max_batch = MAX (run->max_batch, items->len);

  /* No batch arrives after the scan was cancelled */
  g_assert_true (run->cancel_after_first == NULL || run->n_batches == 1);
  if (run->cancel_after_first != NULL)
    g_cancellable_cancel (run->cancel_after_first);

  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (run->paths, g_strdup (tf_item_get_path (g_ptr_array_index (items, i))));
  for (guint i = 0; run->items != NULL && i < items->len; i++)
    g_ptr_array_add (run->items, g_object_ref (g_ptr_array_index (items, i)));
  for (guint i = 0; run->watch_thread != NULL && i < items->len; i++)
    g_object_weak_ref (g_ptr_array_index (items, i), item_finalized_cb, run);
  if (run->watch_thread != NULL)
    run->n_watched += items->len;
}

static void
async_destroy_cb (gpointer user_data)
{
  AsyncRun *run = user_data;

  run->destroyed = TRUE;
}

static void
async_done_cb (GObject *object,
               GAsyncResult *result,
               gpointer user_data)
{
  AsyncRun *run = user_data;

  tf_scanner_scan_finish (TF_SCANNER (object), result, &run->n_files, &run->error);
  g_main_loop_quit (run->loop);
}

static void
async_progress_cb (const char *path,
                   guint n_done,
                   guint n_total,
                   gpointer user_data)
{
  AsyncRun *run = user_data;

  g_assert_false (run->destroyed);
  /* Nothing is reported once the scan is cancelled */
  g_assert_true (run->cancel_on_progress == NULL || !g_cancellable_is_cancelled (run->cancel_on_progress));
  if (path == NULL)
    {
      run->progress_ended = TRUE;
      return;
    }
  g_assert_true (g_str_has_suffix (path, "big.pst"));
  g_assert_cmpuint (n_done, <, n_total);
  g_assert_cmpuint (n_done, >=, run->progress_done);
  run->progress_done = n_done;
  run->progress_total = n_total;
  run->n_progress++;
  if (run->cancel_on_progress != NULL)
    g_cancellable_cancel (run->cancel_on_progress);
}

static void
run_async (TfScanner *scanner,
           const char *path,
           GCancellable *cancellable,
           AsyncRun *run)
{
  const char *paths[] = { path, NULL };

  run->loop = g_main_loop_new (NULL, FALSE);
  run->paths = g_ptr_array_new_with_free_func (g_free);
  tf_scanner_scan_async (scanner, paths, cancellable, async_items_cb, run, async_destroy_cb,
                         async_done_cb, run);
  g_main_loop_run (run->loop);
  g_main_loop_unref (run->loop);
  g_assert_true (run->destroyed);
}

/* More files than the scanner keeps in flight, three workers: unordered
 * delivery gets every file exactly once, ordered delivery in path order. */
static void
test_many_files (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("scanner");
  g_autoptr (GBytes) ics = tf_gen_sample ("ics-cc-1601");
  g_autoptr (TfScanner) scanner = tf_scanner_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const guint n = 1500;
  AsyncRun run = { 0 };

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/%02u/NTFS_%05u.EML", dir, i % 7, (i * 7919) % n);
      g_autofree char *parent = g_path_get_dirname (name);

      g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
      /* No temporary file + rename per file: this loop must be quick */
      g_assert_true (g_file_set_contents_full (name, g_bytes_get_data (ics, NULL),
                                               (gssize) g_bytes_get_size (ics),
                                               G_FILE_SET_CONTENTS_NONE, 0644, NULL));
    }

  tf_scanner_set_n_workers (scanner, 3);

  g_test_timer_start ();
  run_async (scanner, dir, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.n_files, ==, n);
  g_assert_cmpuint (run.paths->len, ==, n);
  g_assert_cmpuint (run.last_done, ==, n);
  g_test_message ("unordered scan of %u files: %.2f s", n, g_test_timer_elapsed ());
  for (guint i = 0; i < run.paths->len; i++)
    g_assert_true (g_hash_table_add (seen, g_ptr_array_index (run.paths, i)));
  g_ptr_array_unref (run.paths);

  memset (&run, 0, sizeof run);
  tf_scanner_set_ordered (scanner, TRUE);
  run_async (scanner, dir, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.paths->len, ==, n);
  for (guint i = 1; i < run.paths->len; i++)
    g_assert_cmpint (strcmp (g_ptr_array_index (run.paths, i - 1), g_ptr_array_index (run.paths, i)), <, 0);
  g_ptr_array_unref (run.paths);

  /* Cancelled from the first batch: the scan stops early and says so */
  memset (&run, 0, sizeof run);
  run.cancel_after_first = g_cancellable_new ();
  tf_scanner_set_ordered (scanner, FALSE);
  run_async (scanner, dir, run.cancel_after_first, &run);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (run.n_batches, ==, 1);
  g_assert_cmpuint (run.paths->len, <, n);
  g_clear_error (&run.error);
  g_clear_object (&run.cancel_after_first);
  g_ptr_array_unref (run.paths);

  tf_gen_remove_tree (dir);
}

static void
test_not_found (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("scanner");
  g_autofree char *missing = g_build_filename (dir, "no-such-queue", NULL);
  g_autoptr (TfScanner) scanner = tf_scanner_new ();
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) error = NULL;
  const char *paths[] = { dir, missing, NULL };
  AsyncRun run = { 0 };

  put_sample (dir, "a.EML", "eml-tnef-1601");

  /* Fails before reading anything, even the argument that exists */
  items = tf_scanner_scan_sync (scanner, paths, NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no-such-queue"));
  g_assert_null (items);

  run_async (scanner, missing, NULL, &run);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpuint (run.n_batches, ==, 0);
  g_clear_error (&run.error);
  g_ptr_array_unref (run.paths);

  tf_gen_remove_tree (dir);
}

static void
test_cancelled (void)
{
  g_autofree char *dir = make_tree ();
  g_autoptr (TfScanner) scanner = tf_scanner_new ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  AsyncRun run = { 0 };

  g_cancellable_cancel (cancellable);
  run_async (scanner, dir, cancellable, &run);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (run.n_batches, ==, 0);
  g_clear_error (&run.error);
  g_ptr_array_unref (run.paths);

  tf_gen_remove_tree (dir);
}

/* A folder with just a PST of @n messages (nothing else, so the first
 * delivery, 16 ms after the first report, finds the PST still being
 * read); returns the folder */
static char *
make_pst_tree (guint n)
{
  g_autoptr (GError) error = NULL;
  char *dir = tf_gen_make_tmp_dir ("scanner");
  g_autofree char *path = g_build_filename (dir, "big.pst", NULL);

  g_assert_true (tf_gen_pst_bench (path, TRUE, TF_PST_CRYPT_PERMUTE, 8 * 1024 * 1024, n, &error));
  g_assert_no_error (error);
  return dir;
}

/* Messages read of all while a PST is read, then "done" (NULL) */
static void
test_pst_progress (void)
{
  g_autofree char *dir = make_pst_tree (5000);
  g_autoptr (TfScanner) scanner = tf_scanner_new ();
  AsyncRun run = { 0 };

  tf_scanner_set_n_workers (scanner, 1);
  tf_scanner_set_progress_func (scanner, async_progress_cb);
  run_async (scanner, dir, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.n_files, ==, 1);
  g_assert_cmpuint (run.n_progress, >=, 1);
  g_assert_cmpuint (run.progress_total, ==, 5000);
  g_assert_true (run.progress_ended);
  g_ptr_array_unref (run.paths);

  tf_gen_remove_tree (dir);
}

/* A PST's items arrive in several bounded batches while it is read, not
 * all at once at its end, in the reader's order between the files around
 * it (ordered), or each once (unordered) */
static void
test_pst_stream (void)
{
  g_autofree char *dir = make_pst_tree (5000);
  g_autofree char *path = g_build_filename (dir, "big.pst", NULL);
  g_autoptr (TfScanner) scanner = tf_scanner_new ();
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  AsyncRun run = { 0 };

  put_sample (dir, "a.EML", "eml-tnef-1601");
  put_sample (dir, "z.EML", "eml-tnef-healthy");
  g_assert_true (tf_read_file (path, path, TF_READ_NONE, items, NULL));
  g_assert_cmpuint (items->len, >=, 5000);

  tf_scanner_set_n_workers (scanner, 2);
  tf_scanner_set_ordered (scanner, TRUE);
  run_async (scanner, dir, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.paths->len, ==, items->len + 2);
  g_assert_true (g_str_has_suffix (g_ptr_array_index (run.paths, 0), "/a.EML"));
  for (guint i = 0; i < items->len; i++)
    g_assert_cmpstr (g_ptr_array_index (run.paths, i + 1), ==, tf_item_get_path (g_ptr_array_index (items, i)));
  g_assert_true (g_str_has_suffix (g_ptr_array_index (run.paths, items->len + 1), "/z.EML"));
  /* Held all, the file's 5,000 items would come in one batch */
  g_assert_cmpuint (run.n_batches, >=, 4);
  g_assert_cmpuint (run.max_batch, <=, 1024 + TF_PST_BATCH + 2);
  g_ptr_array_unref (run.paths);

  memset (&run, 0, sizeof run);
  tf_scanner_set_ordered (scanner, FALSE);
  run_async (scanner, dir, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.paths->len, ==, items->len + 2);
  for (guint i = 0; i < run.paths->len; i++)
    g_assert_true (g_hash_table_add (seen, g_ptr_array_index (run.paths, i)));
  g_assert_cmpuint (run.n_batches, >=, 4);
  g_assert_cmpuint (run.max_batch, <=, 1024 + TF_PST_BATCH + 2);
  g_ptr_array_unref (run.paths);

  tf_gen_remove_tree (dir);
}

/* The items a PST streams are freed on its reader's thread when the
 * consumer keeps none (as the CLI): glibc makes a free() from another
 * thread wait for the arena's lock, which the reader holds allocating
 * the next items. Every item is freed, none is kept past the scan. */
static void
test_pst_freed_by_reader (void)
{
  g_autofree char *dir = make_pst_tree (5000);
  g_autoptr (TfScanner) scanner = tf_scanner_new ();
  gint64 deadline;
  AsyncRun run = { 0 };

  run.watch_thread = g_thread_self ();
  tf_scanner_set_n_workers (scanner, 1);
  tf_scanner_set_ordered (scanner, TRUE);
  run_async (scanner, dir, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.n_watched, >=, 5000);
  g_assert_cmpuint (run.n_batches, >=, 4);

  /* The reader drops the last batches it took as it returns: wait for it */
  deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  while ((guint) g_atomic_int_get (&run.n_finalized) < run.n_watched && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_assert_cmpuint ((guint) g_atomic_int_get (&run.n_finalized), ==, run.n_watched);
  /* Batches delivered while the file was read went back to the reader */
  g_assert_cmpint (g_atomic_int_get (&run.n_finalized_off_main), >=, TF_PST_BATCH);
  g_ptr_array_unref (run.paths);

  tf_gen_remove_tree (dir);
}

/* Cancelling while a PST is read ends the scan; the reader itself stops
 * between two messages (tf_read_progress_step() says so) */
typedef struct
{
  GCancellable *cancellable;
  guint calls;
  guint last_done;
  guint total;
} StepCount;

static void
count_step_cb (guint done,
               guint total,
               gpointer user_data)
{
  StepCount *count = user_data;

  count->calls++;
  count->last_done = done;
  count->total = total;
  if (done == 10)
    g_cancellable_cancel (count->cancellable);
}

static void
test_pst_cancel (void)
{
  g_autofree char *dir = make_pst_tree (5000);
  g_autofree char *path = g_build_filename (dir, "big.pst", NULL);
  g_autoptr (TfScanner) scanner = tf_scanner_new ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  StepCount count = { cancellable, 0, 0, 0 };
  TfReadProgress progress = { cancellable, count_step_cb, &count };
  AsyncRun run = { 0 };

  /* The scan: no report and no batch after the cancel */
  run.cancel_on_progress = cancellable;
  tf_scanner_set_progress_func (scanner, async_progress_cb);
  run_async (scanner, dir, cancellable, &run);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (run.n_progress, ==, 1);
  g_clear_error (&run.error);
  g_ptr_array_unref (run.paths);

  /* The reader: messages 0…10 reported, then the step after the cancel
   * said stop */
  g_cancellable_reset (cancellable);
  tf_read_progress_push (&progress);
  g_assert_true (tf_read_file (path, path, TF_READ_NONE, items, NULL));
  tf_read_progress_pop ();
  g_assert_cmpuint (count.total, ==, 5000);
  g_assert_cmpuint (count.last_done, ==, 10);
  g_assert_cmpuint (count.calls, ==, 11);
  g_assert_cmpuint (items->len, <=, 11);

  /* Without a TfReadProgress the same file is read whole */
  g_ptr_array_set_size (items, 0);
  g_assert_true (tf_read_file (path, path, TF_READ_NONE, items, NULL));
  g_assert_cmpuint (items->len, >=, 5000);

  tf_gen_remove_tree (dir);
}

static void
test_unreadable (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  g_autofree char *folder = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) error = NULL;
  TfItem *item;

  if (geteuid () == 0)
    {
      /* Root reads everything; the FIFO and dangling-link cases of
       * /scanner/walk cover the "cannot read, keep going" path. */
      g_test_skip ("running as root: permissions do not stop reading");
      return;
    }

  dir = tf_gen_make_tmp_dir ("scanner");
  put_sample (dir, "locked.EML", "eml-tnef-1601");
  put_sample (dir, "ok.EML", "eml-tnef-healthy");
  put_sample (dir, "closed/inside.EML", "eml-tnef-1601");
  file = g_build_filename (dir, "locked.EML", NULL);
  folder = g_build_filename (dir, "closed", NULL);
  g_assert_cmpint (g_chmod (file, 0), ==, 0);
  g_assert_cmpint (g_chmod (folder, 0), ==, 0);

  items = scan (dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 3);

  item = find_item (items, file);
  g_assert_nonnull (item);
  g_assert_true (tf_item_has_finding (item, TF_FINDING_PARSE_ERROR));
  g_assert_nonnull (strstr (tf_finding_get_detail (tf_item_get_finding (item, 0)), g_strerror (EACCES)));

  item = find_item (items, folder);
  g_assert_nonnull (item);
  g_assert_true (tf_item_has_finding (item, TF_FINDING_PARSE_ERROR));

  tf_gen_remove_tree (dir);
}

/* Every corpus file is read without a crash and appears as an item. */
static void
test_corpus (void)
{
  const char *corpus = g_getenv ("TRACKFIX_CORPUS_DIR");
  g_autoptr (TfScanner) scanner = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GHashTable) files = NULL;
  g_autoptr (GError) error = NULL;
  const char *paths[] = { corpus, NULL };
  guint n_files = 0;
  guint n_found = 0;
  GHashTableIter iter;
  gpointer key, value;

  if (corpus == NULL || !g_file_test (corpus, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("TRACKFIX_CORPUS_DIR is not set or absent");
      return;
    }

  files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  {
    g_autofree char *command = g_strdup_printf ("find '%s' -type f", corpus);
    g_autofree char *out = NULL;
    g_auto (GStrv) lines = NULL;

    g_assert_true (g_spawn_command_line_sync (command, &out, NULL, NULL, NULL));
    lines = g_strsplit (out, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++)
      if (*lines[i] != '\0')
        g_hash_table_insert (files, g_strdup (lines[i]), GINT_TO_POINTER (0));
  }

  scanner = tf_scanner_new ();
  tf_scanner_set_flags (scanner, TF_READ_FULL);
  items = tf_scanner_scan_sync (scanner, paths, NULL, &n_files, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_files, ==, g_hash_table_size (files));

  for (guint i = 0; i < items->len; i++)
    {
      TfItem *item = g_ptr_array_index (items, i);
      const char *file_path = tf_item_get_file_path (item);

      g_assert_true (g_hash_table_contains (files, file_path));
      g_hash_table_insert (files, g_strdup (file_path), GINT_TO_POINTER (1));
      if (tf_item_get_nid (item) != NULL)
        {
          /* A PST/OST message: FILE#0x<NID> */
          g_autofree char *want = g_strdup_printf ("%s#%s", file_path, tf_item_get_nid (item));

          g_assert_cmpstr (tf_item_get_path (item), ==, want);
        }
      else if (tf_item_get_mbox_index (item) == 0)
        g_assert_cmpstr (tf_item_get_path (item), ==, file_path);
      else
        g_assert_true (g_str_has_prefix (tf_item_get_path (item), file_path));
    }

  g_hash_table_iter_init (&iter, files);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (GPOINTER_TO_INT (value) == 0)
        g_test_message ("no item for %s", (const char *) key);
      n_found += GPOINTER_TO_INT (value);
    }
  g_assert_cmpuint (n_found, ==, g_hash_table_size (files));
}

/* Unordered, as the window scans */
static GPtrArray *
scan_unordered (TfScanner *scanner,
                const char *dir)
{
  AsyncRun run = { 0 };

  run.items = g_ptr_array_new_with_free_func (g_object_unref);
  tf_scanner_set_ordered (scanner, FALSE);
  run_async (scanner, dir, NULL, &run);
  g_assert_no_error (run.error);
  g_ptr_array_unref (run.paths);
  return run.items;
}

static void
set_file_time (const char *dir,
               const char *name,
               gint64 seconds)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  struct timespec times[2] = { { seconds, 0 }, { seconds, 0 } };

  g_assert_cmpint (utimensat (AT_FDCWD, path, times, 0), ==, 0);
}

/* The items of @old in reverse order: the scanner must not rely on the
 * caller's order (a window's store is sorted by severity) */
static GPtrArray *
reversed (GPtrArray *old)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = old->len; i > 0; i--)
    g_ptr_array_add (copy, g_object_ref (g_ptr_array_index (old, i - 1)));
  return copy;
}

static TfItem *
item_at (GPtrArray *items,
         const char *dir,
         const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return find_item (items, path);
}

/* Unchanged files are not read again: the old objects come back, an
 * mbox's in file order; a file with a new time or size, or whose item
 * is a read error, is read again; a removed file is gone */
static void
test_known_items (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("scanner");
  g_autofree char *mbox = g_build_filename (dir, "Sent.mbox", NULL);
  g_autofree char *grown = g_build_filename (dir, "grown.EML", NULL);
  g_autofree char *gone = g_build_filename (dir, "gone.EML", NULL);
  g_autoptr (TfScanner) scanner = tf_scanner_new ();
  g_autoptr (GPtrArray) first = NULL;
  g_autoptr (GPtrArray) second = NULL;
  g_autoptr (GPtrArray) third = NULL;
  g_autoptr (GPtrArray) known = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  const char *paths[] = { dir, NULL };
  const char *names[] = { "same.EML", "touched.EML", "grown.EML", "damaged.EML" };
  guint mbox_at;

  put_sample (dir, "same.EML", "eml-tnef-1601");
  put_sample (dir, "touched.EML", "eml-tnef-healthy");
  put_sample (dir, "grown.EML", "eml-tnef-1601");
  put_sample (dir, "damaged.EML", "damaged");
  put_sample (dir, "gone.EML", "eml-tnef-1601");
  for (guint i = 1; i <= 3; i++)
    g_string_append_printf (text, "From a@b Mon Aug 18 14:0%u:00 2008\nSubject: m%u\n\nbody\n\n", i, i);
  g_file_set_contents (mbox, text->str, (gssize) text->len, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    set_file_time (dir, names[i], 1219068120);

  first = tf_scanner_scan_sync (scanner, paths, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->len, ==, 8);
  g_assert_true (tf_item_has_finding (item_at (first, dir, "damaged.EML"), TF_FINDING_PARSE_ERROR));

  /* A new time, the same size */
  set_file_time (dir, "touched.EML", 1219068180);
  /* A new size, the same time */
  g_file_set_contents (grown, "X-Pad: 1\r\n", -1, &error);
  g_assert_no_error (error);
  set_file_time (dir, "grown.EML", 1219068120);
  g_assert_cmpint (g_unlink (gone), ==, 0);

  known = reversed (first);
  tf_scanner_set_known_items (scanner, known);
  second = tf_scanner_scan_sync (scanner, paths, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->len, ==, 7);

  g_assert_true (item_at (second, dir, "same.EML") == item_at (first, dir, "same.EML"));
  g_assert_nonnull (item_at (second, dir, "touched.EML"));
  g_assert_true (item_at (second, dir, "touched.EML") != item_at (first, dir, "touched.EML"));
  g_assert_nonnull (item_at (second, dir, "grown.EML"));
  g_assert_true (item_at (second, dir, "grown.EML") != item_at (first, dir, "grown.EML"));
  g_assert_nonnull (item_at (second, dir, "damaged.EML"));
  g_assert_true (item_at (second, dir, "damaged.EML") != item_at (first, dir, "damaged.EML"));
  g_assert_null (item_at (second, dir, "gone.EML"));

  /* The mbox's three messages: the same objects, in file order, together */
  for (mbox_at = 0; mbox_at < second->len; mbox_at++)
    if (g_str_has_suffix (tf_item_get_path (g_ptr_array_index (second, mbox_at)), "/Sent.mbox#1"))
      break;
  g_assert_cmpuint (mbox_at + 3, <=, second->len);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s#%u", mbox, i + 1);
      TfItem *item = g_ptr_array_index (second, mbox_at + i);

      g_assert_cmpstr (tf_item_get_path (item), ==, path);
      g_assert_true (item == find_item (first, path));
      g_assert_cmpuint (tf_item_get_mbox_index (item), ==, i + 1);
    }

  /* Known items serve one scan only */
  third = tf_scanner_scan_sync (scanner, paths, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (third->len, ==, 7);
  g_assert_true (item_at (third, dir, "same.EML") != item_at (second, dir, "same.EML"));
  g_clear_pointer (&known, g_ptr_array_unref);

  /* Forgotten with NULL: everything read again */
  tf_scanner_set_known_items (scanner, third);
  tf_scanner_set_known_items (scanner, NULL);
  g_clear_pointer (&second, g_ptr_array_unref);
  second = tf_scanner_scan_sync (scanner, paths, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->len, ==, 7);
  for (guint i = 0; i < second->len; i++)
    {
      TfItem *item = g_ptr_array_index (second, i);

      g_assert_true (find_item (third, tf_item_get_path (item)) != item);
    }

  /* Unordered (the window), the known items given one at a time as the
   * window gives them in slices: the same rules */
  known = reversed (third);
  for (guint i = 0; i < known->len; i++)
    {
      g_autoptr (GPtrArray) slice = g_ptr_array_new ();

      g_ptr_array_add (slice, g_ptr_array_index (known, i));
      tf_scanner_add_known_items (scanner, slice);
    }
  g_clear_pointer (&second, g_ptr_array_unref);
  second = scan_unordered (scanner, dir);
  g_assert_cmpuint (second->len, ==, 7);
  for (guint i = 0; i < third->len; i++)
    {
      TfItem *old = g_ptr_array_index (third, i);
      gboolean retried = tf_item_has_finding (old, TF_FINDING_PARSE_ERROR);

      g_assert_true ((find_item (second, tf_item_get_path (old)) == old) == !retried);
    }

  tf_gen_remove_tree (dir);
}

int
main (int argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tf_core_init ();

  g_test_add_func ("/scanner/walk", test_walk_tree);
  g_test_add_func ("/scanner/display-paths", test_display_paths);
  g_test_add_func ("/scanner/many-files", test_many_files);
  g_test_add_func ("/scanner/not-found", test_not_found);
  g_test_add_func ("/scanner/cancelled", test_cancelled);
  g_test_add_func ("/scanner/pst-progress", test_pst_progress);
  g_test_add_func ("/scanner/pst-cancel", test_pst_cancel);
  g_test_add_func ("/scanner/pst-stream", test_pst_stream);
  g_test_add_func ("/scanner/pst-freed-by-reader", test_pst_freed_by_reader);
  g_test_add_func ("/scanner/unreadable", test_unreadable);
  g_test_add_func ("/scanner/corpus", test_corpus);
  g_test_add_func ("/scanner/known-items", test_known_items);

  return g_test_run ();
}
