/* test-safe-io.c — safe replace, backups, new files and moves
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
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tf-core.h"
#include "tf-fixturegen.h"

static void
write_file (const char *path,
            const char *contents,
            int mode)
{
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

static char *
read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static guint
count_entries (const char *dir_path,
               const char *prefix)
{
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (prefix == NULL || g_str_has_prefix (name, prefix))
      n++;
  return n;
}

static void
test_read_stamp (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("safeio");
  g_autofree char *path = g_build_filename (dir, "a.eml", NULL);
  g_autofree char *expected = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "hello world\n", -1);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  TfFileStamp stamp;
  struct stat st;

  write_file (path, "hello world\n", 0644);
  bytes = tf_safe_read (path, &stamp, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 12);
  g_assert_cmpuint (stamp.size, ==, 12);
  g_assert_cmpstr (stamp.sha256, ==, expected);
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (stamp.mtime_usec, ==, (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000);

  g_assert_true (tf_safe_check_unchanged (path, &stamp, &error));
  g_assert_no_error (error);

  tf_gen_remove_tree (dir);
}

static void
test_read_refuses_symlink_and_fifo (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("safeio");
  g_autofree char *target = g_build_filename (dir, "target.eml", NULL);
  g_autofree char *link = g_build_filename (dir, "link.eml", NULL);
  g_autofree char *fifo = g_build_filename (dir, "fifo.eml", NULL);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  TfFileStamp stamp;

  write_file (target, "data", 0644);
  g_assert_cmpint (symlink (target, link), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);

  bytes = tf_safe_read (link, &stamp, &error);
  g_assert_null (bytes);
  g_assert_error (error, TF_ERROR, TF_ERROR_REFUSED);
  g_clear_error (&error);

  /* Must not block on the FIFO either. */
  bytes = tf_safe_read (fifo, &stamp, &error);
  g_assert_null (bytes);
  g_assert_error (error, TF_ERROR, TF_ERROR_REFUSED);
  g_clear_error (&error);

  tf_gen_remove_tree (dir);
}

typedef struct
{
  guint calls;
  gboolean result;
  char *seen;
  char *touch_path; /* modified during verify to simulate a race */
} VerifyData;

static gboolean
verify_cb (const char *path,
           GBytes *data,
           gpointer user_data,
           GError **error)
{
  VerifyData *vd = user_data;
  g_autofree char *on_disk = read_file (path);

  vd->calls++;
  g_free (vd->seen);
  vd->seen = g_strndup (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  /* The callback sees the written temp file, fully on disk. */
  g_assert_cmpstr (on_disk, ==, vd->seen);
  g_assert_true (tf_safe_is_temp_name (strrchr (path, '/') + 1));

  if (vd->touch_path != NULL)
    {
      g_autoptr (GError) local_error = NULL;
      g_file_set_contents (vd->touch_path, "someone else wrote this", -1, &local_error);
      g_assert_no_error (local_error);
    }

  if (!vd->result)
    g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED, "verification failed on purpose");
  return vd->result;
}

static void
test_replace (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("safeio");
  g_autofree char *path = g_build_filename (dir, "q.eml", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GBytes) old = NULL;
  g_autoptr (GBytes) new_bytes = g_bytes_new_static ("new content\r\n", 13);
  g_autoptr (GError) error = NULL;
  VerifyData vd = { 0, TRUE, NULL, NULL };
  TfFileStamp stamp;
  struct stat st;

  write_file (path, "old content\r\n", 0640);
  old = tf_safe_read (path, &stamp, &error);
  g_assert_no_error (error);

  g_assert_true (tf_safe_replace (path, &stamp, new_bytes, verify_cb, &vd, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vd.calls, ==, 1);
  g_assert_cmpstr (vd.seen, ==, "new content\r\n");

  contents = read_file (path);
  g_assert_cmpstr (contents, ==, "new content\r\n");
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0640);
  g_assert_cmpuint (count_entries (dir, NULL), ==, 1);

  /* The stamp is stale now: a second replace with it is refused. */
  g_assert_false (tf_safe_replace (path, &stamp, old, NULL, NULL, &error));
  g_assert_error (error, TF_ERROR, TF_ERROR_CHANGED);

  g_free (vd.seen);
  tf_gen_remove_tree (dir);
}

static void
test_replace_verify_fails (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("safeio");
  g_autofree char *path = g_build_filename (dir, "q.eml", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GBytes) old = NULL;
  g_autoptr (GBytes) new_bytes = g_bytes_new_static ("bad", 3);
  g_autoptr (GError) error = NULL;
  VerifyData vd = { 0, FALSE, NULL, NULL };
  TfFileStamp stamp;

  write_file (path, "original", 0600);
  old = tf_safe_read (path, &stamp, &error);
  g_assert_no_error (error);

  g_assert_false (tf_safe_replace (path, &stamp, new_bytes, verify_cb, &vd, &error));
  g_assert_error (error, TF_ERROR, TF_ERROR_FAILED);
  contents = read_file (path);
  g_assert_cmpstr (contents, ==, "original");
  g_assert_cmpuint (count_entries (dir, NULL), ==, 1);

  g_free (vd.seen);
  tf_gen_remove_tree (dir);
}

static void
test_replace_refuses_changed (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("safeio");
  g_autofree char *path = g_build_filename (dir, "q.eml", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GBytes) old = NULL;
  g_autoptr (GBytes) new_bytes = g_bytes_new_static ("new", 3);
  g_autoptr (GError) error = NULL;
  VerifyData vd = { 0, TRUE, NULL, NULL };
  struct timespec times[2];
  TfFileStamp stamp;
  struct stat st;

  write_file (path, "AAAA", 0600);
  old = tf_safe_read (path, &stamp, &error);
  g_assert_no_error (error);

  /* Same size, same mtime, different content: only the hash tells. */
  g_assert_cmpint (stat (path, &st), ==, 0);
  write_file (path, "BBBB", 0600);
  times[0] = st.st_atim;
  times[1] = st.st_mtim;
  g_assert_cmpint (utimensat (AT_FDCWD, path, times, 0), ==, 0);

  g_assert_false (tf_safe_check_unchanged (path, &stamp, &error));
  g_assert_error (error, TF_ERROR, TF_ERROR_CHANGED);
  g_clear_error (&error);
  g_assert_false (tf_safe_replace (path, &stamp, new_bytes, verify_cb, &vd, &error));
  g_assert_error (error, TF_ERROR, TF_ERROR_CHANGED);
  g_clear_error (&error);
  g_assert_cmpuint (vd.calls, ==, 0);
  contents = read_file (path);
  g_assert_cmpstr (contents, ==, "BBBB");

  /* A change while the temp file is being verified is caught by the
   * last check before the rename. */
  write_file (path, "CCCC", 0600);
  g_clear_pointer (&old, g_bytes_unref);
  old = tf_safe_read (path, &stamp, &error);
  g_assert_no_error (error);
  vd.touch_path = path;
  g_assert_false (tf_safe_replace (path, &stamp, new_bytes, verify_cb, &vd, &error));
  g_assert_error (error, TF_ERROR, TF_ERROR_CHANGED);
  g_free (contents);
  contents = read_file (path);
  g_assert_cmpstr (contents, ==, "someone else wrote this");
  g_assert_cmpuint (count_entries (dir, NULL), ==, 1);

  g_free (vd.seen);
  tf_gen_remove_tree (dir);
}

static void
test_replace_refuses_symlink (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("safeio");
  g_autofree char *target = g_build_filename (dir, "target.eml", NULL);
  g_autofree char *link = g_build_filename (dir, "link.eml", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GBytes) old = NULL;
  g_autoptr (GBytes) new_bytes = g_bytes_new_static ("evil", 4);
  g_autoptr (GError) error = NULL;
  TfFileStamp stamp;

  write_file (target, "precious", 0644);
  old = tf_safe_read (target, &stamp, &error);
  g_assert_no_error (error);

  /* Swap the file for a symlink after it was read. */
  g_assert_cmpint (symlink (target, link), ==, 0);
  g_assert_false (tf_safe_replace (link, &stamp, new_bytes, NULL, NULL, &error));
  g_assert_error (error, TF_ERROR, TF_ERROR_REFUSED);

  contents = read_file (target);
  g_assert_cmpstr (contents, ==, "precious");
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  g_assert_cmpuint (count_entries (dir, NULL), ==, 2);

  tf_gen_remove_tree (dir);
}

static void
test_backup (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("safeio");
  g_autofree char *path = g_build_filename (dir, "winmail.dat", NULL);
  g_autofree char *backups = g_build_filename (dir, "deep", "backups", NULL);
  g_autofree char *b1 = NULL;
  g_autofree char *b2 = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  TfFileStamp stamp;
  struct stat st;

  write_file (path, "\x78\x9f\x3e\x22 tnef", 0644);
  bytes = tf_safe_read (path, &stamp, &error);
  g_assert_no_error (error);

  b1 = tf_safe_backup (path, backups, stamp.sha256, &error);
  g_assert_no_error (error);
  b2 = tf_safe_backup (path, backups, stamp.sha256, &error);
  g_assert_no_error (error);
  g_assert_true (g_path_is_absolute (b1));
  g_assert_cmpstr (b1, !=, b2);
  g_assert_true (g_str_has_suffix (b1, "-winmail.dat"));

  contents = read_file (b1);
  g_assert_cmpmem (contents, strlen (contents), "\x78\x9f\x3e\x22 tnef", 9);
  g_assert_cmpint (stat (backups, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (stat (b1, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpuint (count_entries (backups, NULL), ==, 2);
  g_assert_cmpuint (count_entries (backups, TF_SAFE_TEMP_PREFIX), ==, 0);

  /* Wrong hash: the file is not what the caller thinks it is. */
  g_assert_null (tf_safe_backup (path, backups, "0000000000000000000000000000000000000000000000000000000000000000", &error));
  g_assert_error (error, TF_ERROR, TF_ERROR_CHANGED);
  g_clear_error (&error);
  g_assert_cmpuint (count_entries (backups, NULL), ==, 2);

  /* A symlink as backup folder is refused. */
  {
    g_autofree char *linkdir = g_build_filename (dir, "linkdir", NULL);
    g_assert_cmpint (symlink (backups, linkdir), ==, 0);
    g_assert_null (tf_safe_backup (path, linkdir, stamp.sha256, &error));
    g_assert_error (error, TF_ERROR, TF_ERROR_REFUSED);
  }

  tf_gen_remove_tree (dir);
}

static void
test_write_new (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("safeio");
  g_autofree char *path = g_build_filename (dir, "resubmit.eml", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GBytes) a = g_bytes_new_static ("first", 5);
  g_autoptr (GBytes) b = g_bytes_new_static ("second", 6);
  g_autoptr (GError) error = NULL;
  struct stat st;

  g_assert_true (tf_safe_write_new (path, a, 0644, &error));
  g_assert_no_error (error);
  g_assert_false (tf_safe_write_new (path, b, 0644, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);

  contents = read_file (path);
  g_assert_cmpstr (contents, ==, "first");
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644);
  g_assert_cmpuint (count_entries (dir, NULL), ==, 1);

  tf_gen_remove_tree (dir);
}

static void
test_move (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("safeio");
  g_autofree char *path = g_build_filename (dir, "stuck.eml", NULL);
  g_autofree char *hold = g_build_filename (dir, "hold", NULL);
  g_autofree char *target = g_build_filename (hold, "stuck.eml", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  TfFileStamp stamp;

  write_file (path, "queued message", 0644);
  bytes = tf_safe_read (path, &stamp, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (hold, 0700), ==, 0);

  /* An existing target is never replaced. */
  write_file (target, "other", 0644);
  g_assert_false (tf_safe_move (path, &stamp, target, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_unlink (target);

  g_assert_true (tf_safe_move (path, &stamp, target, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  contents = read_file (target);
  g_assert_cmpstr (contents, ==, "queued message");

  /* Moving back with a stale stamp is refused. */
  write_file (target, "changed message", 0644);
  g_assert_false (tf_safe_move (target, &stamp, path, &error));
  g_assert_error (error, TF_ERROR, TF_ERROR_CHANGED);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  tf_gen_remove_tree (dir);
}

static void
test_temp_name (void)
{
  g_assert_true (tf_safe_is_temp_name (TF_SAFE_TEMP_PREFIX "0123abcd-x.eml.tmp"));
  g_assert_false (tf_safe_is_temp_name ("x.eml"));
  g_assert_false (tf_safe_is_temp_name (TF_SAFE_TEMP_PREFIX "x.eml"));
}

static void
test_long_name (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("safeio");
  g_autoptr (GString) name = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GBytes) old = NULL;
  g_autoptr (GBytes) new_bytes = g_bytes_new_static ("x", 1);
  g_autoptr (GError) error = NULL;
  TfFileStamp stamp;

  /* 240 bytes of multi-byte UTF-8: the temp name must stay legal. */
  while (name->len < 236)
    g_string_append (name, "\xc3\xa9");
  g_string_append (name, ".eml");
  path = g_build_filename (dir, name->str, NULL);
  write_file (path, "y", 0644);
  old = tf_safe_read (path, &stamp, &error);
  g_assert_no_error (error);
  g_assert_true (tf_safe_replace (path, &stamp, new_bytes, NULL, NULL, &error));
  g_assert_no_error (error);
  contents = read_file (path);
  g_assert_cmpstr (contents, ==, "x");

  tf_gen_remove_tree (dir);
}

static void
test_staged_batch (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("safeio");
  g_autofree char *a = g_build_filename (dir, "a.eml", NULL);
  g_autofree char *b = g_build_filename (dir, "b.eml", NULL);
  g_autofree char *backups = g_build_filename (dir, "backups", NULL);
  g_autofree char *backup = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GBytes) ba = NULL;
  g_autoptr (GBytes) bb = NULL;
  g_autoptr (GBytes) new_bytes = g_bytes_new_static ("repaired", 8);
  g_autoptr (TfSafeStaged) sa = NULL;
  g_autoptr (TfSafeStaged) sb = NULL;
  g_autoptr (GError) error = NULL;
  TfFileStamp stamp_a;
  TfFileStamp stamp_b;
  VerifyData vd = { 0, TRUE, NULL, NULL };
  struct stat st_orig;
  struct stat st_backup;

  write_file (a, "original a", 0644);
  write_file (b, "original b", 0644);
  ba = tf_safe_read (a, &stamp_a, &error);
  g_assert_no_error (error);
  bb = tf_safe_read (b, &stamp_b, &error);
  g_assert_no_error (error);

  /* A linked backup is the original inode, and stays the original bytes
   * once the file is replaced by rename. */
  g_assert_cmpint (stat (a, &st_orig), ==, 0);
  backup = tf_safe_backup_full (a, backups, stamp_a.sha256, TF_SAFE_NO_SYNC | TF_SAFE_LINK_BACKUP, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stat (backup, &st_backup), ==, 0);
  g_assert_cmpuint (st_backup.st_ino, ==, st_orig.st_ino);

  sa = tf_safe_stage (a, &stamp_a, new_bytes, TF_SAFE_NO_SYNC, &error);
  g_assert_no_error (error);
  sb = tf_safe_stage (b, &stamp_b, new_bytes, TF_SAFE_NO_SYNC, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_entries (dir, TF_SAFE_TEMP_PREFIX), ==, 2);
  g_assert_true (tf_safe_sync_fs (a, &error));
  g_assert_no_error (error);

  g_assert_true (tf_safe_staged_commit (sa, verify_cb, &vd, TF_SAFE_NO_SYNC, &error));
  g_assert_no_error (error);
  contents = read_file (a);
  g_assert_cmpstr (contents, ==, "repaired");
  g_free (contents);
  contents = read_file (backup);
  g_assert_cmpstr (contents, ==, "original a");

  /* b is changed after staging: its commit is refused, and freeing the
   * staged file removes the temp file. */
  write_file (b, "someone else", 0644);
  g_assert_false (tf_safe_staged_commit (sb, NULL, NULL, TF_SAFE_NO_SYNC, &error));
  g_assert_error (error, TF_ERROR, TF_ERROR_CHANGED);
  g_clear_pointer (&sb, tf_safe_staged_free);
  g_clear_pointer (&sa, tf_safe_staged_free);
  g_assert_cmpuint (count_entries (dir, TF_SAFE_TEMP_PREFIX), ==, 0);
  g_free (contents);
  contents = read_file (b);
  g_assert_cmpstr (contents, ==, "someone else");

  g_free (vd.seen);
  tf_gen_remove_tree (dir);
}

int
main (int argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tf_core_init ();

  g_test_add_func ("/safe-io/read/stamp", test_read_stamp);
  g_test_add_func ("/safe-io/read/refuses-symlink-and-fifo", test_read_refuses_symlink_and_fifo);
  g_test_add_func ("/safe-io/replace/basic", test_replace);
  g_test_add_func ("/safe-io/replace/verify-fails", test_replace_verify_fails);
  g_test_add_func ("/safe-io/replace/refuses-changed", test_replace_refuses_changed);
  g_test_add_func ("/safe-io/replace/refuses-symlink", test_replace_refuses_symlink);
  g_test_add_func ("/safe-io/replace/long-name", test_long_name);
  g_test_add_func ("/safe-io/backup", test_backup);
  g_test_add_func ("/safe-io/write-new", test_write_new);
  g_test_add_func ("/safe-io/move", test_move);
  g_test_add_func ("/safe-io/temp-name", test_temp_name);
  g_test_add_func ("/safe-io/staged-batch", test_staged_batch);

  return g_test_run ();
}
