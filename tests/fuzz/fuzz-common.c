/* fuzz-common.c — shared set-up for the libFuzzer targets
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "fuzz-common.h"

static void
null_log (const char *log_domain,
          GLogLevelFlags log_level,
          const char *message,
          gpointer user_data)
{
}

void
fuzz_init (void)
{
  static gboolean done = FALSE;

  if (done)
    return;
  done = TRUE;

  g_setenv ("TZ", "UTC", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  /* Criticals (g_return_if_fail) are bugs on fuzzed input: keep them fatal
   * through G_DEBUG=fatal-criticals when run-fuzzers.sh asks for it, but
   * don't spam the log with reader warnings. */
  g_log_set_default_handler (null_log, NULL);
  tf_core_init ();
}

static int
compare_ranges (gconstpointer a,
                gconstpointer b)
{
  const FuzzRange *ra = a;
  const FuzzRange *rb = b;

  return ra->start < rb->start ? -1 : ra->start > rb->start;
}

void
fuzz_assert_unchanged_outside (const guint8 *before,
                               const guint8 *after,
                               size_t size,
                               FuzzRange *allowed,
                               guint n,
                               const char *what)
{
  guint64 pos = 0;

  qsort (allowed, n, sizeof (FuzzRange), compare_ranges);
  for (guint r = 0; r <= n; r++)
    {
      guint64 stop = r < n ? MIN (allowed[r].start, size) : size;

      if (stop > pos && memcmp (after + pos, before + pos, stop - pos) != 0)
        {
          g_printerr ("%s changed bytes outside what it may change (between %" G_GUINT64_FORMAT
                      " and %" G_GUINT64_FORMAT ")\n",
                      what, pos, stop);
          abort ();
        }
      if (r < n)
        pos = MAX (pos, MIN (allowed[r].end, size));
    }
}

static volatile guint touch_sink;

static void
touch_string (const char *s)
{
  if (s == NULL)
    return;
  for (const char *p = s; *p != '\0'; p++)
    touch_sink += (guchar) *p;
}

void
fuzz_touch_item (TfItem *item)
{
  touch_string (tf_item_get_path (item));
  touch_string (tf_item_get_message_class (item));
  touch_string (tf_item_get_ical_method (item));
  touch_string (tf_item_get_subject (item));
  touch_string (tf_item_get_from (item));
  touch_string (tf_item_get_message_id (item));
  touch_string (tf_item_get_uid (item));
  touch_string (tf_item_get_meeting_key (item));
  touch_string (tf_item_get_search_text (item));
  touch_sink += tf_item_get_kind (item) + tf_item_get_format (item);
  touch_sink += (guint) tf_item_get_sequence (item);
  touch_sink += tf_item_get_is_update (item);
  touch_sink += tf_item_get_n_problems (item);

  for (guint i = 0; i < tf_item_get_n_recipients (item); i++)
    {
      TfRecipient *r = tf_item_get_recipient (item, i);
      g_autofree char *display = tf_recipient_dup_display (r);
      const TfPatchSite *site = tf_recipient_get_patch_site (r);

      touch_string (display);
      touch_string (tf_recipient_get_address (r));
      touch_string (tf_recipient_get_name (r));
      touch_sink += tf_recipient_get_recipient_type (r);
      touch_sink += (guint) tf_recipient_get_mapi_type (r);
      touch_sink += (guint) tf_recipient_get_row (r);
      if (site != NULL)
        touch_sink += (guint) site->offset + site->n_spans;
    }

  for (guint i = 0; i < tf_item_get_n_findings (item); i++)
    {
      TfFinding *f = tf_item_get_finding (item, i);

      touch_string (tf_finding_get_code_name (f));
      touch_string (tf_finding_get_recipient (f));
      touch_string (tf_finding_get_detail (f));
      touch_sink += tf_finding_get_severity (f);
    }

  for (guint i = 0; i < tf_item_get_n_stamps (item); i++)
    touch_sink += (guint) tf_item_get_stamp (item, i)->filetime;
}

void
fuzz_touch_items (GPtrArray *items)
{
  for (guint i = 0; i < items->len; i++)
    fuzz_touch_item (g_ptr_array_index (items, i));
}

void
fuzz_empty_dir (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        {
          fuzz_empty_dir (child);
          g_rmdir (child);
        }
      else
        g_unlink (child);
    }
}

static char *scratch_dir;

static void
remove_scratch_dir (void)
{
  fuzz_empty_dir (scratch_dir);
  g_rmdir (scratch_dir);
}

const char *
fuzz_scratch_dir (const char *target)
{
  const char *base = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir ();
  g_autofree char *name = g_strdup_printf ("trackfix-%s-XXXXXX", target);

  g_assert_null (scratch_dir);
  scratch_dir = g_mkdtemp (g_build_filename (base, name, NULL));
  g_assert_nonnull (scratch_dir);
  atexit (remove_scratch_dir);
  return scratch_dir;
}
