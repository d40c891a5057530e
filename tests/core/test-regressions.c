/* test-regressions.c — replays the fuzzers' findings (tests/data/regressions)
 *
 * Each file there once crashed, leaked, hung or timed out a fuzz target
 * (tests/fuzz); its name prefix picks the same code path. The test checks
 * the outcome stays sane (an item, a reason for damage) — the memory and
 * time checks come from running it under ASan/UBSan, valgrind and the Meson
 * timeout.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "tf-core.h"
#include "tf-cfb.h"
#include "tf-pst.h"
#include "tf-registry.h"
#include "tf-tnef-private.h"

#define GOOD_FILETIME G_GUINT64_CONSTANT (0x01C902B5A2F6E000)

static void
check_item (TfItem *item)
{
  g_assert_nonnull (tf_item_get_path (item));
  g_assert_nonnull (tf_item_get_search_text (item));
  for (guint i = 0; i < tf_item_get_n_findings (item); i++)
    {
      TfFinding *f = tf_item_get_finding (item, i);

      g_assert_nonnull (tf_finding_get_code_name (f));
      if (tf_finding_get_code (f) == TF_FINDING_PARSE_ERROR)
        g_assert_cmpstr (tf_finding_get_detail (f), !=, "");
    }
  for (guint i = 0; i < tf_item_get_n_recipients (item); i++)
    {
      TfRecipient *r = tf_item_get_recipient (item, i);
      g_autofree char *display = tf_recipient_dup_display (r);

      g_assert_true (display == NULL || g_utf8_validate (display, -1, NULL));
      /* A patch site always holds the time that is shown */
      if (tf_recipient_get_patch_site (r)->offset >= 0)
        g_assert_true (tf_recipient_get_has_track_time (r));
    }
}

static void
replay_tnef (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autoptr (TfItem) item = tf_item_new ("regression.dat", "regression.dat", 0);

  tf_tnef_read (data, len, item, -1, TF_READ_FULL);
  tf_rules_classify (item);
  tf_rules_apply (item);
  check_item (item);

  for (guint i = 0; i < tf_item_get_n_recipients (item); i++)
    {
      const TfPatchSite *site = tf_recipient_get_patch_site (tf_item_get_recipient (item, i));
      g_autofree guint8 *copy = NULL;

      if (site == NULL || site->offset < 0 || site->part_index != -1)
        continue;
      copy = g_memdup2 (data, len);
      if (tf_tnef_patch_filetime (copy, len, site, GOOD_FILETIME, NULL))
        {
          g_autoptr (TfItem) again = tf_item_new ("regression.dat", "regression.dat", 0);
          gboolean found = FALSE;

          g_assert_cmpmem (copy + site->offset, 8, "\x00\xe0\xf6\xa2\xb5\x02\xc9\x01", 8);
          /* Reading the patched copy shows the new time at that place */
          tf_tnef_read (copy, len, again, -1, TF_READ_NONE);
          for (guint k = 0; k < tf_item_get_n_recipients (again); k++)
            {
              TfRecipient *r = tf_item_get_recipient (again, k);

              if (tf_recipient_get_patch_site (r)->offset != site->offset)
                continue;
              found = TRUE;
              g_assert_true (tf_recipient_get_has_track_time (r));
              g_assert_cmpuint (tf_recipient_get_track_time (r), ==, GOOD_FILETIME);
            }
          g_assert_true (found);
        }
      else
        g_assert_cmpmem (copy, len, data, len);
    }
}

static void
replay_msg (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autoptr (TfItem) item = tf_item_new ("regression.msg", "regression.msg", 0);
  g_autoptr (GError) error = NULL;
  TfCfb *cfb;

  tf_msg_read (bytes, item, TF_READ_FULL);
  tf_rules_classify (item);
  tf_rules_apply (item);
  check_item (item);

  cfb = tf_cfb_new (data, len, &error);
  if (cfb == NULL)
    {
      g_assert_error (error, TF_ERROR, TF_ERROR_PARSE);
      g_assert_true (g_str_has_prefix (error->message, "CFB:"));
      return;
    }
  for (guint32 e = 0; e < tf_cfb_get_n_entries (cfb); e++)
    {
      guint64 size = tf_cfb_entry_get_size (cfb, e);
      guint64 at = 0;

      if (!tf_cfb_entry_is_stream (cfb, e) || size == 0)
        continue;
      if (tf_cfb_entry_offset_to_file_offset (cfb, e, size - 1, &at, NULL, NULL))
        g_assert_cmpuint (at, <, len);
    }
  tf_cfb_free (cfb);
}

static void
replay_read (GBytes *bytes)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  tf_read_bytes (bytes, "regression.eml", "regression.eml", TF_READ_FULL, items);
  g_assert_cmpuint (items->len, >, 0);
  for (guint i = 0; i < items->len; i++)
    check_item (g_ptr_array_index (items, i));
}

/* As fuzz-pst: every way the PST reader is used; every item is a message
 * with its NID or the file's PARSE_ERROR item, and a read of one NID chain
 * yields an item */
static void
replay_pst (GBytes *bytes)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) one = g_ptr_array_new_with_free_func (g_object_unref);
  const char *nid = NULL;

  tf_pst_read_bytes (bytes, "regression.pst", "regression.pst", NULL, TF_READ_FULL, items);
  for (guint i = 0; i < items->len; i++)
    {
      TfItem *item = g_ptr_array_index (items, i);

      check_item (item);
      g_assert_true (tf_item_get_nid (item) != NULL || tf_item_has_finding (item, TF_FINDING_PARSE_ERROR));
      if (nid == NULL)
        nid = tf_item_get_nid (item);
    }
  if (nid == NULL)
    return;
  tf_pst_read_bytes (bytes, "regression.pst", "regression.pst", nid, TF_READ_FULL, one);
  g_assert_cmpuint (one->len, >, 0);
  for (guint i = 0; i < one->len; i++)
    check_item (g_ptr_array_index (one, i));
}

static void
replay_hive (GBytes *bytes)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("trackfix-regression-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr (TfHiveStatus) status = NULL;

  g_assert_no_error (error);
  path = g_build_filename (dir, "SYSTEM", NULL);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                      (gssize) g_bytes_get_size (bytes), NULL));
  status = tf_hive_status_read (path, &error);
  if (status == NULL)
    {
      g_assert_nonnull (error);
      g_assert_cmpstr (error->message, !=, "");
    }
  else
    {
      g_autofree char *reason = NULL;

      tf_hive_status_get_verdict (status, &reason);
    }
  g_unlink (path);
  g_rmdir (dir);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
replay (gconstpointer user_data)
{
  const char *path = user_data;
  g_autofree char *name = g_path_get_basename (path);
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GBytes) bytes = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);

  if (g_str_has_prefix (name, "tnef-"))
    replay_tnef (bytes);
  else if (g_str_has_prefix (name, "msg-"))
    replay_msg (bytes);
  else if (g_str_has_prefix (name, "hive-"))
    replay_hive (bytes);
  else if (g_str_has_prefix (name, "pst-"))
    replay_pst (bytes);
  else
    {
      g_assert_true (g_str_has_prefix (name, "read-"));
      replay_read (bytes);
    }
}

int
main (int argc,
      char **argv)
{
  g_autofree char *dir = NULL;
  g_autoptr (GDir) d = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_test_init (&argc, &argv, NULL);
  tf_core_init ();

  dir = g_test_build_filename (G_TEST_DIST, "data", "regressions", NULL);
  d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (!g_str_has_suffix (name, ".md"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_assert_cmpuint (names->len, >, 0);

  for (guint i = 0; i < names->len; i++)
    {
      const char *n = g_ptr_array_index (names, i);
      g_autofree char *test_path = g_strconcat ("/regressions/", n, NULL);

      /* The path lives as long as the process: the test runner keeps it. */
      g_test_add_data_func_full (test_path, g_build_filename (dir, n, NULL), replay, g_free);
    }

  return g_test_run ();
}
