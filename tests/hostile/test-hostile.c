/* test-hostile.c — the hostile input corpus of issue 7 §3
 *
 * gen-hostile.py builds the corpus into a temp folder at test time (so
 * nothing big or binary lives in the repository); this test scans it with
 * the core scanner and checks that every file comes back as an item (a
 * PARSE_ERROR with a reason where the issue asks for one), that the healthy
 * canaries before and after the hostile files are still read, and that
 * nothing crashes or hangs. The time bound is the Meson test timeout.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "tf-core.h"
#include "tf-fixturegen.h"
#include "tf-registry.h"

/* Set up once by main(): the generated corpus */
static char *corpus_dir;

static void
generate (const char *dir,
          const char *extra_arg,
          const char *extra_value)
{
  const char *srcdir = g_getenv ("G_TEST_SRCDIR");
  g_autofree char *script = g_build_filename (srcdir != NULL ? srcdir : ".", "hostile",
                                              "gen-hostile.py", NULL);
  const char *argv[] = { "python3", script, dir, extra_arg, extra_value, NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, &err, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("gen-hostile.py failed: %s\n%s", error->message, err);
}

static GPtrArray *
scan (const char *path,
      guint *n_files)
{
  g_autoptr (TfScanner) scanner = tf_scanner_new ();
  g_autoptr (GError) error = NULL;
  const char *paths[] = { path, NULL };
  GPtrArray *items;

  tf_scanner_set_ordered (scanner, TRUE);
  items = tf_scanner_scan_sync (scanner, paths, NULL, n_files, &error);
  g_assert_no_error (error);
  g_assert_nonnull (items);
  return items;
}

/* The file an item came from, relative to @base */
static const char *
relative_file (TfItem *item,
               const char *base)
{
  const char *file = tf_item_get_file_path (item);
  gsize n = strlen (base);

  if (g_str_has_prefix (file, base) && file[n] == '/')
    return file + n + 1;
  return file;
}

static TfFinding *
find_code (TfItem *item,
           TfFindingCode code)
{
  for (guint i = 0; i < tf_item_get_n_findings (item); i++)
    {
      TfFinding *f = tf_item_get_finding (item, i);

      if (tf_finding_get_code (f) == code)
        return f;
    }
  return NULL;
}

static void
check_expectation (const char *name,
                   const char *expect,
                   const char *what,
                   GPtrArray *items)
{
  if (g_str_equal (expect, "skip"))
    {
      /* Symlinks and FIFOs: optional; when reported, with a reason. */
      for (guint i = 0; items != NULL && i < items->len; i++)
        {
          TfFinding *f = find_code (g_ptr_array_index (items, i), TF_FINDING_PARSE_ERROR);

          if (f != NULL)
            g_assert_cmpstr (tf_finding_get_detail (f), !=, "");
        }
      return;
    }

  if (items == NULL || items->len == 0)
    g_error ("%s (%s): no item came back", name, what);

  if (g_str_equal (expect, "error"))
    {
      gboolean found = FALSE;

      for (guint i = 0; i < items->len; i++)
        {
          TfFinding *f = find_code (g_ptr_array_index (items, i), TF_FINDING_PARSE_ERROR);

          if (f != NULL)
            {
              const char *detail = tf_finding_get_detail (f);

              g_assert_nonnull (detail);
              g_assert_cmpuint (strlen (detail), >, 5);
              g_test_message ("%s: %s", name, detail);
              found = TRUE;
            }
        }
      if (!found)
        g_error ("%s (%s): expected a PARSE_ERROR finding, got none", name, what);
    }
  else if (g_str_has_prefix (expect, "finding:"))
    {
      const char *code = expect + strlen ("finding:");
      gboolean found = FALSE;

      for (guint i = 0; i < items->len && !found; i++)
        {
          TfItem *item = g_ptr_array_index (items, i);

          for (guint j = 0; j < tf_item_get_n_findings (item) && !found; j++)
            found = g_str_equal (tf_finding_get_code_name (tf_item_get_finding (item, j)), code);
        }
      if (!found)
        g_error ("%s (%s): expected finding %s", name, what, code);
    }
  else
    {
      g_assert_cmpstr (expect, ==, "handled");
      for (guint i = 0; i < items->len; i++)
        {
          TfFinding *f = find_code (g_ptr_array_index (items, i), TF_FINDING_PARSE_ERROR);

          if (f != NULL)
            g_test_message ("%s: %s", name, tf_finding_get_detail (f));
        }
    }
}

static void
test_files (void)
{
  g_autofree char *files = g_build_filename (corpus_dir, "files", NULL);
  g_autofree char *manifest_path = g_build_filename (corpus_dir, "MANIFEST", NULL);
  g_autofree char *manifest = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GHashTable) by_file = NULL;
  g_autoptr (GError) error = NULL;
  guint n_files = 0;
  guint n_checked = 0;

  g_file_get_contents (manifest_path, &manifest, NULL, &error);
  g_assert_no_error (error);

  items = scan (files, &n_files);
  g_assert_cmpuint (items->len, >=, n_files);

  by_file = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                   (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < items->len; i++)
    {
      TfItem *item = g_ptr_array_index (items, i);
      const char *rel = relative_file (item, files);
      GPtrArray *list = g_hash_table_lookup (by_file, rel);

      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (by_file, g_strdup (rel), list);
        }
      g_ptr_array_add (list, item);
    }

  lines = g_strsplit (manifest, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], "\t", 3);

      if (g_strv_length (f) != 3 || g_str_has_prefix (f[0], "hives/"))
        continue;
      check_expectation (f[0], f[1], f[2], g_hash_table_lookup (by_file, f[0]));
      n_checked++;
    }
  g_assert_cmpuint (n_checked, >, 60);
}

static void
test_hives (void)
{
  g_autofree char *manifest_path = g_build_filename (corpus_dir, "MANIFEST", NULL);
  g_autofree char *manifest = NULL;
  g_auto (GStrv) lines = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (manifest_path, &manifest, NULL, NULL));
  lines = g_strsplit (manifest, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], "\t", 3);
      g_autofree char *path = NULL;
      g_autoptr (TfHiveStatus) status = NULL;
      g_autoptr (GError) error = NULL;

      if (g_strv_length (f) != 3 || !g_str_has_prefix (f[0], "hives/"))
        continue;
      path = g_build_filename (corpus_dir, f[0], NULL);
      status = tf_hive_status_read (path, &error);
      if (status == NULL)
        {
          g_assert_nonnull (error);
          g_assert_true (error->domain == TF_ERROR);
          g_assert_cmpuint (strlen (error->message), >, 5);
          g_test_message ("%s: %s", f[0], error->message);
        }
      else
        {
          g_autofree char *reason = NULL;

          /* A damaged hive may still open; it must never look writable. */
          g_assert_cmpint (tf_hive_status_get_verdict (status, &reason), !=,
                           TF_HIVE_VERDICT_READY);
          g_test_message ("%s: %s", f[0], reason);
        }
      n++;
    }
  g_assert_cmpuint (n, >=, 6);
}

static const char canary_eml[]
    = "From: a@example.com\r\nTo: b@example.com\r\nSubject: canary\r\n"
      "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhello\r\n";

static void
test_unreadable_subprocess (void)
{
  const char *dir = g_getenv ("TRACKFIX_HOSTILE_UNREADABLE_DIR");
  g_autoptr (GPtrArray) items = NULL;
  gboolean saw_secret = FALSE, saw_open = FALSE;

  if (!g_test_subprocess ())
    {
      g_test_skip ("run by /hostile/unreadable");
      return;
    }
  g_assert_nonnull (dir);
  if (geteuid () == 0)
    {
      /* root reads everything: become "nobody" for this one process. */
      if (setgroups (0, NULL) != 0 || setgid (65534) != 0 || setuid (65534) != 0)
        g_error ("cannot drop privileges: %s", g_strerror (errno));
      /* Keep LeakSanitizer able to attach to us after the uid change. */
      prctl (PR_SET_DUMPABLE, 1, 0, 0, 0);
    }

  items = scan (dir, NULL);
  for (guint i = 0; i < items->len; i++)
    {
      TfItem *item = g_ptr_array_index (items, i);
      const char *path = tf_item_get_file_path (item);

      if (g_str_has_suffix (path, "secret.eml"))
        {
          TfFinding *f = find_code (item, TF_FINDING_PARSE_ERROR);

          g_assert_nonnull (f);
          g_test_message ("secret.eml: %s", tf_finding_get_detail (f));
          g_assert_nonnull (strstr (tf_finding_get_detail (f), g_strerror (EACCES)));
          saw_secret = TRUE;
        }
      else if (g_str_has_suffix (path, "open.eml"))
        {
          g_assert_null (find_code (item, TF_FINDING_PARSE_ERROR));
          saw_open = TRUE;
        }
    }
  g_assert_true (saw_secret);
  g_assert_true (saw_open);
}

static void
test_unreadable (void)
{
  g_autofree char *dir = g_build_filename (corpus_dir, "unreadable", NULL);
  g_autofree char *secret = g_build_filename (dir, "secret.eml", NULL);
  g_autofree char *open_path = g_build_filename (dir, "open.eml", NULL);

  if (geteuid () == 0 && access ("/proc/self/status", R_OK) == 0)
    {
      struct stat st;

      /* "nobody" must reach the folder: every parent needs o+x. */
      for (g_autofree char *p = g_strdup (corpus_dir); strlen (p) > 1;)
        {
          char *parent;

          if (stat (p, &st) != 0 || (st.st_mode & S_IXOTH) == 0)
            {
              g_test_skip_printf ("running as root and “nobody” cannot reach %s; "
                                  "chmod 000 means nothing to root",
                                  p);
              return;
            }
          parent = g_path_get_dirname (p);
          g_free (p);
          p = parent;
        }
    }

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (secret, canary_eml, -1, NULL));
  g_assert_true (g_file_set_contents (open_path, canary_eml, -1, NULL));
  g_assert_cmpint (g_chmod (secret, 0000), ==, 0);
  g_assert_cmpint (g_chmod (open_path, 0644), ==, 0);

  g_setenv ("TRACKFIX_HOSTILE_UNREADABLE_DIR", dir, TRUE);
  g_test_trap_subprocess ("/hostile/unreadable/subprocess", 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

typedef struct
{
  char *path;
  GBytes *content;
  gint stop;
  guint n_rewrites;
} Changer;

/* Rewrites the file over and over: truncate, write it back in chunks,
 * cut it in half, grow it again — what a queue file being delivered, or a
 * careless copy, looks like to a scanner. */
static gpointer
changer_thread (gpointer data)
{
  Changer *c = data;
  gsize len = 0;
  const guint8 *bytes = g_bytes_get_data (c->content, &len);

  while (!g_atomic_int_get (&c->stop))
    {
      int fd = open (c->path, O_WRONLY | O_TRUNC | O_CLOEXEC);

      if (fd < 0)
        continue;
      for (gsize off = 0; off < len;)
        {
          gsize n = MIN (len - off, 65536);
          ssize_t w = write (fd, bytes + off, n);

          if (w <= 0)
            break;
          off += (gsize) w;
        }
      if (ftruncate (fd, (off_t) (len / 2)) != 0 || ftruncate (fd, (off_t) len) != 0)
        g_warning ("ftruncate: %s", g_strerror (errno));
      close (fd);
      c->n_rewrites++;
    }
  return NULL;
}

/* @big: a file above the reader's read()-into-memory limit (16 MiB), which
 * the reader maps instead: truncating a mapped file under the reader must
 * not kill the scan with SIGBUS. */
static void
run_changing (const char *subdir,
              gboolean big)
{
  g_autofree char *dir = g_build_filename (corpus_dir, subdir, NULL);
  g_autofree char *src = g_build_filename (corpus_dir, "files", "eml-many-headers.eml", NULL);
  g_autofree char *canary_src = g_build_filename (corpus_dir, "files", "aa-canary.dat", NULL);
  g_autofree char *canary = g_build_filename (dir, "zz-canary.dat", NULL);
  g_autofree char *content = NULL;
  g_autofree char *canary_content = NULL;
  gsize len = 0, canary_len = 0;
  Changer c = { 0 };
  GThread *thread;

  g_assert_true (g_file_get_contents (src, &content, &len, NULL));
  g_assert_true (g_file_get_contents (canary_src, &canary_content, &canary_len, NULL));
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  c.path = g_build_filename (dir, "aa-changing.eml", NULL);
  if (big)
    {
      GString *s = g_string_new (canary_eml);

      while (s->len < 20 * 1024 * 1024)
        g_string_append (s, "0123456789012345678901234567890123456789012345678901234567890123456789\r\n");
      c.content = g_string_free_to_bytes (s);
    }
  else
    c.content = g_bytes_new (content, len);
  g_assert_true (g_file_set_contents (c.path, g_bytes_get_data (c.content, NULL),
                                      (gssize) g_bytes_get_size (c.content), NULL));
  g_assert_true (g_file_set_contents (canary, canary_content, (gssize) canary_len, NULL));

  thread = g_thread_new ("changer", changer_thread, &c);
  for (guint round = 0; round < 20; round++)
    {
      g_autoptr (GPtrArray) items = scan (dir, NULL);
      gboolean saw_changing = FALSE, saw_canary = FALSE;

      for (guint i = 0; i < items->len; i++)
        {
          TfItem *item = g_ptr_array_index (items, i);

          if (g_str_has_suffix (tf_item_get_file_path (item), "aa-changing.eml"))
            saw_changing = TRUE;
          else if (g_str_has_suffix (tf_item_get_file_path (item), "zz-canary.dat"))
            saw_canary = tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601);
        }
      g_assert_true (saw_changing);
      g_assert_true (saw_canary);
    }
  g_atomic_int_set (&c.stop, 1);
  g_thread_join (thread);
  g_test_message ("file rewritten %u times during 20 scans", c.n_rewrites);
  g_free (c.path);
  g_bytes_unref (c.content);
}

static void
test_changing (void)
{
  run_changing ("changing", FALSE);
}

static void
test_changing_big (void)
{
  run_changing ("changing-big", TRUE);
}

static void
test_bigdir (void)
{
  g_autofree char *top = g_dir_make_tmp ("trackfix-hostile-big-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (top, "bigdir", NULL);
  g_autoptr (GPtrArray) items = NULL;
  guint n_files = 0;

  g_assert_nonnull (top);
  g_assert_cmpint (g_rmdir (top), ==, 0);
  generate (top, "--bigdir", "100000");

  items = scan (dir, &n_files);
  g_assert_cmpuint (n_files, ==, 100000);
  g_assert_cmpuint (items->len, ==, 100000);
  for (guint i = 0; i < items->len; i++)
    g_assert_false (tf_item_has_finding (g_ptr_array_index (items, i), TF_FINDING_PARSE_ERROR));

  g_clear_pointer (&items, g_ptr_array_unref);
  tf_gen_remove_tree (top);
}

int
main (int argc,
      char **argv)
{
  g_autofree char *tmp = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  tf_core_init ();

  g_test_add_func ("/hostile/unreadable/subprocess", test_unreadable_subprocess);
  if (g_test_subprocess ())
    return g_test_run ();

  tmp = g_dir_make_tmp ("trackfix-hostile-XXXXXX", NULL);
  g_assert_nonnull (tmp);
  /* g_dir_make_tmp() makes it 0700; "nobody" must enter it too. */
  g_chmod (tmp, 0755);
  corpus_dir = g_build_filename (tmp, "corpus", NULL);

  g_test_add_func ("/hostile/files", test_files);
  g_test_add_func ("/hostile/hives", test_hives);
  g_test_add_func ("/hostile/unreadable", test_unreadable);
  g_test_add_func ("/hostile/changing", test_changing);
  g_test_add_func ("/hostile/changing-big", test_changing_big);
  g_test_add_func ("/hostile/bigdir", test_bigdir);

  /* Generate only when a test that needs the corpus will run. */
  generate (corpus_dir, NULL, NULL);
  g_chmod (corpus_dir, 0755);

  ret = g_test_run ();
  tf_gen_remove_tree (tmp);
  g_free (corpus_dir);
  return ret;
}
