/* tf-repair-tnef.c — repair writer for TNEF recipient rows (8 bytes + checksums)
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
#include "tf-tnef-private.h"

typedef struct
{
  GPtrArray *changes; /* TfRepairChange with the same TNEF part */
} TnefPatch;

static gboolean
patch_tnef_cb (GByteArray *decoded,
               gpointer user_data,
               GError **error)
{
  TnefPatch *tp = user_data;

  for (guint i = 0; i < tp->changes->len; i++)
    {
      TfRepairChange *change = g_ptr_array_index (tp->changes, i);

      if (!tf_tnef_patch_filetime (decoded->data, decoded->len, &change->site, change->new_value, error))
        return FALSE;
    }
  return TRUE;
}

/* Every change of one TNEF stream is patched into one decoded copy: a
 * winmail.dat item is the stream itself (part index -1), else the stream
 * is the decoded body of a MIME part, written back with its own transfer
 * encoding and the same length. */
static gboolean
write_tnef (TfRepairItemBytes *ib,
            GPtrArray *changes,
            GArray *edits,
            GError **error)
{
  g_autoptr (GHashTable) parts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  for (guint i = 0; i < changes->len; i++)
    {
      TfRepairChange *change = g_ptr_array_index (changes, i);
      GPtrArray *group;

      if (tf_repair_find_row (ib->fresh, change, error) == NULL)
        return FALSE;
      group = g_hash_table_lookup (parts, GINT_TO_POINTER (change->site.part_index + 1));
      if (group == NULL)
        {
          group = g_ptr_array_new ();
          g_hash_table_insert (parts, GINT_TO_POINTER (change->site.part_index + 1), group);
        }
      g_ptr_array_add (group, change);
    }

  g_hash_table_iter_init (&iter, parts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint part_index = GPOINTER_TO_INT (key) - 1;
      TnefPatch tp = { value };

      if (part_index < 0)
        {
          g_autoptr (GByteArray) body = g_byte_array_new ();
          g_autoptr (GBytes) replacement = NULL;

          g_byte_array_append (body, g_bytes_get_data (ib->range, NULL), g_bytes_get_size (ib->range));
          if (!patch_tnef_cb (body, &tp, error))
            return FALSE;
          replacement = g_bytes_new (body->data, body->len);
          tf_repair_edits_add (edits, ib->range_offset, body->len, replacement);
        }
      else if (!tf_repair_edit_part (ib, part_index, FALSE, patch_tnef_cb, &tp, edits, error))
        return FALSE;
    }
  return TRUE;
}

const TfRepairWriter tf_repair_writer_tnef = {
  .name = "tnef",
  .source = TF_SOURCE_TNEF,
  .write = write_tnef,
};
