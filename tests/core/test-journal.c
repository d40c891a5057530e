/* test-journal.c — JSON-lines journal
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

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "tf-core.h"
#include "tf-fixturegen.h"

static void
append_raw (const char *path,
            const char *text)
{
  FILE *f = fopen (path, "ab");

  g_assert_nonnull (f);
  fputs (text, f);
  fclose (f);
}

static TfJournalEntry *
make_entry (const char *run_id,
            const char *file,
            const char *change)
{
  TfJournalEntry *entry = tf_journal_entry_new (run_id, "repair", file);
  const char *changes[] = { change, "second \"quoted\" line\nwith newline", NULL };

  entry->sha256_before = g_strdup ("aa");
  entry->sha256_after = g_strdup ("bb");
  entry->backup = g_strdup ("/backups/x");
  g_strfreev (entry->changes);
  entry->changes = g_strdupv ((char **) changes);
  return entry;
}

static void
test_run_id (void)
{
  g_autofree char *a = tf_journal_new_run_id ();
  g_autofree char *b = tf_journal_new_run_id ();

  g_assert_true (g_regex_match_simple ("^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$", a, 0, 0));
  g_assert_cmpstr (a, !=, b);
}

static void
test_default_paths (void)
{
  g_autofree char *journal = tf_journal_default_path ();
  g_autofree char *backups = tf_journal_default_backup_dir ();
  g_autofree char *expected_j = g_build_filename (g_get_user_data_dir (), "trackfix", "journal.jsonl", NULL);
  g_autofree char *expected_b = g_build_filename (g_get_user_data_dir (), "trackfix", "backups", NULL);

  g_assert_cmpstr (journal, ==, expected_j);
  g_assert_cmpstr (backups, ==, expected_b);
}

static void
test_roundtrip (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("journal");
  g_autofree char *path = g_build_filename (dir, "sub", "journal.jsonl", NULL);
  g_autoptr (TfJournalEntry) e1 = make_entry ("run-1", "/q/a.eml", "alice: 1601 → 2008");
  g_autoptr (TfJournalEntry) e2 = tf_journal_entry_new ("run-2", "hold", "/q/b.eml");
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  TfJournalEntry *r;
  struct stat st;

  e2->target = g_strdup ("/hold/b.eml");

  g_assert_true (tf_journal_append (path, e1, &error));
  g_assert_no_error (error);
  g_assert_true (tf_journal_append (path, e2, &error));
  g_assert_no_error (error);

  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* One line per entry. */
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  {
    g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, 3);
    g_assert_cmpstr (lines[2], ==, "");
  }

  entries = tf_journal_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);

  r = g_ptr_array_index (entries, 0);
  g_assert_cmpuint (r->index, ==, 1);
  g_assert_cmpstr (r->run_id, ==, "run-1");
  g_assert_cmpstr (r->action, ==, "repair");
  g_assert_cmpstr (r->file, ==, "/q/a.eml");
  g_assert_cmpstr (r->sha256_before, ==, "aa");
  g_assert_cmpstr (r->sha256_after, ==, "bb");
  g_assert_cmpstr (r->backup, ==, "/backups/x");
  g_assert_null (r->target);
  g_assert_cmpstr (r->time, ==, e1->time);
  g_assert_true (g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$", r->time, 0, 0));
  g_assert_cmpuint (g_strv_length (r->changes), ==, 2);
  g_assert_cmpstr (r->changes[0], ==, "alice: 1601 → 2008");
  g_assert_cmpstr (r->changes[1], ==, "second \"quoted\" line\nwith newline");

  r = g_ptr_array_index (entries, 1);
  g_assert_cmpuint (r->index, ==, 2);
  g_assert_cmpstr (r->action, ==, "hold");
  g_assert_cmpstr (r->target, ==, "/hold/b.eml");
  g_assert_null (r->backup);
  g_assert_nonnull (r->changes);
  g_assert_cmpuint (g_strv_length (r->changes), ==, 0);

  tf_gen_remove_tree (dir);
}

/* Paths that are not UTF-8 (old Latin-1 file names on a share) keep their
 * exact bytes through the journal, and the journal stays valid JSON. */
static void
test_non_utf8_paths (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("journal");
  g_autofree char *path = g_build_filename (dir, "journal.jsonl", NULL);
  const char *file = "/q/Spotkanie \xbfó\xb3w.eml";
  g_autoptr (TfJournalEntry) e = tf_journal_entry_new ("run-1", "repair", file);
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  TfJournalEntry *r;

  e->backup = g_strdup ("/backups/\xff\xfe");
  g_assert_true (tf_journal_append (path, e, &error));
  g_assert_no_error (error);

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_nonnull (strstr (text, "\"file_b64\""));

  entries = tf_journal_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  r = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (r->file, ==, file);
  g_assert_cmpstr (r->backup, ==, "/backups/\xff\xfe");
  g_assert_null (r->target);

  tf_gen_remove_tree (dir);
}

static void
test_relative_file_made_absolute (void)
{
  g_autoptr (TfJournalEntry) e = tf_journal_entry_new (NULL, "repair", "rel/a.eml");

  g_assert_true (g_path_is_absolute (e->file));
  g_assert_true (g_str_has_suffix (e->file, "/rel/a.eml"));
}

static void
test_torn_tail (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("journal");
  g_autofree char *path = g_build_filename (dir, "journal.jsonl", NULL);
  g_autoptr (TfJournalEntry) e1 = make_entry ("run-1", "/q/a.eml", "one");
  g_autoptr (TfJournalEntry) e2 = make_entry ("run-1", "/q/b.eml", "two");
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (tf_journal_append (path, e1, &error));
  g_assert_no_error (error);

  /* A crash in the middle of an append leaves a fragment. */
  append_raw (path, "{\"run_id\":\"run-1\",\"action\":\"rep");
  entries = tf_journal_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* The next append cuts the fragment off. */
  g_assert_true (tf_journal_append (path, e2, &error));
  g_assert_no_error (error);
  entries = tf_journal_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (((TfJournalEntry *) g_ptr_array_index (entries, 1))->file, ==, "/q/b.eml");
  g_assert_cmpuint (((TfJournalEntry *) g_ptr_array_index (entries, 1))->index, ==, 2);
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* A complete line without its newline (hand edit) is kept. */
  append_raw (path, "{\"action\":\"hold\",\"file\":\"/q/c.eml\"}");
  g_assert_true (tf_journal_append (path, e1, &error));
  g_assert_no_error (error);
  entries = tf_journal_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 4);
  g_assert_cmpstr (((TfJournalEntry *) g_ptr_array_index (entries, 2))->file, ==, "/q/c.eml");

  tf_gen_remove_tree (dir);
}

static void
test_bad_line (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("journal");
  g_autofree char *path = g_build_filename (dir, "journal.jsonl", NULL);
  g_autoptr (TfJournalEntry) e1 = make_entry ("run-1", "/q/a.eml", "one");
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (tf_journal_append (path, e1, &error));
  g_assert_no_error (error);
  append_raw (path, "\nnot json\n");
  g_assert_true (tf_journal_append (path, e1, &error));
  g_assert_no_error (error);

  entries = tf_journal_read (path, &error);
  g_assert_null (entries);
  g_assert_error (error, TF_ERROR, TF_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "3"));

  tf_gen_remove_tree (dir);
}

static void
test_missing_and_symlink (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("journal");
  g_autofree char *path = g_build_filename (dir, "journal.jsonl", NULL);
  g_autofree char *other = g_build_filename (dir, "other", NULL);
  g_autoptr (TfJournalEntry) e1 = make_entry ("run-1", "/q/a.eml", "one");
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;

  entries = tf_journal_read (path, &error);
  g_assert_null (entries);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_file_set_contents (other, "", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (symlink (other, path), ==, 0);
  g_assert_false (tf_journal_append (path, e1, &error));
  g_assert_nonnull (error);

  tf_gen_remove_tree (dir);
}

static void
test_append_many (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("journal");
  g_autofree char *path = g_build_filename (dir, "journal.jsonl", NULL);
  g_autoptr (TfJournalEntry) e1 = make_entry ("run-9", "/q/a.eml", "one");
  g_autoptr (TfJournalEntry) e2 = make_entry ("run-9", "/q/b.eml", "two");
  g_autoptr (TfJournalEntry) e3 = make_entry ("run-9", "/q/c.eml", "three");
  TfJournalEntry *batch[] = { e2, e3 };
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (tf_journal_append (path, e1, &error));
  g_assert_no_error (error);
  g_assert_true (tf_journal_append_many (path, batch, 2, &error));
  g_assert_no_error (error);
  g_assert_true (tf_journal_append_many (path, batch, 0, &error));
  g_assert_no_error (error);

  entries = tf_journal_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 3);
  g_assert_cmpstr (((TfJournalEntry *) g_ptr_array_index (entries, 2))->file, ==, "/q/c.eml");
  g_assert_cmpuint (((TfJournalEntry *) g_ptr_array_index (entries, 2))->index, ==, 3);

  tf_gen_remove_tree (dir);
}

int
main (int argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tf_core_init ();

  g_test_add_func ("/journal/run-id", test_run_id);
  g_test_add_func ("/journal/default-paths", test_default_paths);
  g_test_add_func ("/journal/roundtrip", test_roundtrip);
  g_test_add_func ("/journal/non-utf8-paths", test_non_utf8_paths);
  g_test_add_func ("/journal/absolute", test_relative_file_made_absolute);
  g_test_add_func ("/journal/torn-tail", test_torn_tail);
  g_test_add_func ("/journal/bad-line", test_bad_line);
  g_test_add_func ("/journal/append-many", test_append_many);
  g_test_add_func ("/journal/missing-and-symlink", test_missing_and_symlink);

  return g_test_run ();
}
