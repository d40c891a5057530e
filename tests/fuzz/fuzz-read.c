/* fuzz-read.c — libFuzzer target: the whole item reader on arbitrary bytes
 *
 * tf_read_bytes() sniffs the format and dispatches to the MIME (GMime),
 * iCalendar (libical), DSN, mbox, TNEF and .msg readers, then applies the
 * rules. Whatever the input, it must yield at least one item and never
 * crash, hang or leak.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>

#include "fuzz-common.h"

int
LLVMFuzzerInitialize (int *argc,
                      char ***argv)
{
  fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  tf_read_bytes (bytes, "queue/fuzz.eml", "/nonexistent/queue/fuzz.eml", TF_READ_FULL, items);
  if (items->len == 0)
    {
      g_printerr ("tf_read_bytes returned no item\n");
      abort ();
    }
  fuzz_touch_items (items);
  return 0;
}
