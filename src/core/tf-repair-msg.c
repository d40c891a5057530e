/* tf-repair-msg.c — repair writer for Outlook .msg recipient rows (8 bytes)
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

#include <glib/gi18n.h>

#include "tf-repair-private.h"

static guint64
read_le64 (const guint8 *p)
{
  guint64 v = 0;

  for (int i = 7; i >= 0; i--)
    v = v << 8 | p[i];
  return v;
}

static void
write_le64 (guint8 *p,
            guint64 v)
{
  for (int i = 0; i < 8; i++)
    {
      p[i] = v & 0xFF;
      v >>= 8;
    }
}

/* The reader records the absolute file offset of the value, mapped
 * through the FAT / mini FAT (tf-msg.c), so the 8 bytes are replaced in
 * the file itself; a CFB stream has no checksum to update. */
static gboolean
write_msg (TfRepairItemBytes *ib,
           GPtrArray *changes,
           GArray *edits,
           GError **error)
{
  gsize file_len;
  const guint8 *data = g_bytes_get_data (ib->file, &file_len);

  for (guint i = 0; i < changes->len; i++)
    {
      TfRepairChange *change = g_ptr_array_index (changes, i);
      gsize o = (gsize) change->site.offset;
      g_autoptr (GBytes) bytes = NULL;
      guint8 *patched;

      if (tf_repair_find_row (ib->fresh, change, error) == NULL)
        return FALSE;
      /* The 8 bytes there must be the value the reader read. */
      if (change->site.offset < 0 || file_len < 8 || o > file_len - 8 || read_le64 (data + o) != change->old_value)
        {
          g_set_error_literal (error, TF_ERROR, TF_ERROR_CHANGED,
                               _ ("The .msg file no longer holds the planned value at the recorded place"));
          return FALSE;
        }
      patched = g_malloc (8);
      write_le64 (patched, change->new_value);
      bytes = g_bytes_new_take (patched, 8);
      tf_repair_edits_add (edits, o, 8, bytes);
    }
  return TRUE;
}

const TfRepairWriter tf_repair_writer_msg = {
  .name = "msg",
  .source = TF_SOURCE_MSG,
  .write = write_msg,
};
