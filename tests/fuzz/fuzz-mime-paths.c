/* fuzz-mime-paths.c — libFuzzer target: the MIME fast path against GMime
 *
 * Reads every input twice, once with the reference readers
 * (TF_MIME_PATH_GMIME: GMime's full parser, libical on every iCalendar
 * property) and once the normal way (the fast path of tf-mime-fast.c,
 * which hands unusual shapes back to GMime, and libical without the
 * properties nothing reads), and aborts when the two JSON documents
 * differ in any byte (issue 17).
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>

#include "fuzz-common.h"
#include "tf-json.h"
#include "tf-mime-fast-private.h"

int
LLVMFuzzerInitialize (int *argc,
                      char ***argv)
{
  fuzz_init ();
  return 0;
}

static char *
read_json (GBytes *bytes,
           TfMimePath path)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  tf_mime_set_path (path);
  tf_read_bytes (bytes, "queue/fuzz.eml", "/nonexistent/queue/fuzz.eml", TF_READ_FULL, items);

  return tf_items_to_json_document (items, 1);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (data, size);
  g_autofree char *slow = read_json (bytes, TF_MIME_PATH_GMIME);
  g_autofree char *fast = read_json (bytes, TF_MIME_PATH_AUTO);

  if (strcmp (slow, fast) != 0)
    {
      g_printerr ("the MIME paths differ\nGMime: %s\nfast:  %s\n", slow, fast);
      abort ();
    }
  return 0;
}
