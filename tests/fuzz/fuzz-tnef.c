/* fuzz-tnef.c — libFuzzer target: TNEF reader and in-place patcher
 *
 * Reads the input as a winmail.dat stream with tf_tnef_read(), then, for
 * the first MAX_CHECKED recipients whose track-status time has a patch
 * site, patches a copy with tf_tnef_patch_filetime() and reads the copy
 * again: the reader must find the new value at the same place (the patch
 * must never produce a stream our own reader disagrees with). Every check
 * walks the stream twice, so checking all of a few hundred rows an 8 KiB
 * input can hold made the target quadratic; the rows share one code path.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"
#include "tf-tnef-private.h"

/* 2008-08-20 11:34:00 UTC, a good track-status time */
#define GOOD_FILETIME G_GUINT64_CONSTANT (0x01C902B5A2F6E000)

#define MAX_CHECKED 8

/* Only the 8 value bytes and the two checksum bytes after every enclosing
 * attribute may differ */
static void
check_only_site_changed (const uint8_t *data,
                         const guint8 *copy,
                         size_t size,
                         const TfPatchSite *site)
{
  FuzzRange allowed[1 + TF_MAX_TNEF_NESTING];
  guint n = 0;

  g_assert_true (site->offset >= 0 && (guint64) site->offset + 8 <= size);
  g_assert_true (site->n_spans <= TF_MAX_TNEF_NESTING);
  allowed[n++] = (FuzzRange){ (guint64) site->offset, (guint64) site->offset + 8 };
  for (guint s = 0; s < site->n_spans; s++)
    {
      guint64 end = site->spans[s].data_offset + site->spans[s].data_length;

      allowed[n++] = (FuzzRange){ end, end + 2 };
    }
  fuzz_assert_unchanged_outside (data, copy, size, allowed, n, "tf_tnef_patch_filetime");
}

int
LLVMFuzzerInitialize (int *argc,
                      char ***argv)
{
  fuzz_init ();
  return 0;
}

static void
check_patch (const uint8_t *data,
             size_t size,
             const TfPatchSite *site,
             gint row)
{
  g_autofree guint8 *copy = g_memdup2 (data, size);
  g_autoptr (TfItem) again = NULL;
  gboolean found = FALSE;

  if (!tf_tnef_patch_filetime (copy, size, site, GOOD_FILETIME, NULL))
    return;

  check_only_site_changed (data, copy, size, site);

  again = tf_item_new ("fuzz.dat", "fuzz.dat", 0);
  tf_tnef_read (copy, size, again, -1, TF_READ_NONE);
  for (guint i = 0; i < tf_item_get_n_recipients (again); i++)
    {
      TfRecipient *r = tf_item_get_recipient (again, i);
      const TfPatchSite *s2 = tf_recipient_get_patch_site (r);

      if (s2 != NULL && s2->offset == site->offset && tf_recipient_get_row (r) == row)
        {
          found = TRUE;
          if (!tf_recipient_get_has_track_time (r)
              || tf_recipient_get_track_time (r) != GOOD_FILETIME)
            {
              g_printerr ("re-read after patch does not show the new time\n");
              abort ();
            }
        }
    }
  if (!found)
    {
      g_printerr ("re-read after patch lost the patched recipient\n");
      abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t size)
{
  g_autoptr (TfItem) item = tf_item_new ("fuzz.dat", "fuzz.dat", 0);

  tf_item_set_format (item, TF_FORMAT_TNEF);
  tf_tnef_read (data, size, item, -1, TF_READ_FULL);
  tf_rules_classify (item);
  tf_rules_apply (item);
  fuzz_touch_item (item);

  for (guint i = 0, n_checked = 0; i < tf_item_get_n_recipients (item) && n_checked < MAX_CHECKED; i++)
    {
      TfRecipient *r = tf_item_get_recipient (item, i);
      const TfPatchSite *site = tf_recipient_get_patch_site (r);

      if (site != NULL && site->source == TF_SOURCE_TNEF && site->offset >= 0
          && site->part_index == -1)
        {
          check_patch (data, size, site, tf_recipient_get_row (r));
          n_checked++;
        }
    }
  return 0;
}
