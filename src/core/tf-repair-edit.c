/* tf-repair-edit.c — byte edits, and the table of per-format repair writers
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

/* ------------------------------------------------------------------ */
/* Byte edits                                                          */

static void
edit_clear (gpointer data)
{
  TfRepairEdit *edit = data;

  g_clear_pointer (&edit->replacement, g_bytes_unref);
}

void
tf_repair_edits_add (GArray *edits,
                     gsize offset,
                     gsize len,
                     GBytes *replacement)
{
  TfRepairEdit edit = { offset, len, g_bytes_ref (replacement) };

  g_array_append_val (edits, edit);
}

GArray *
tf_repair_edits_new (void)
{
  GArray *edits = g_array_new (FALSE, FALSE, sizeof (TfRepairEdit));

  g_array_set_clear_func (edits, edit_clear);
  return edits;
}

static gint
compare_edits (gconstpointer a,
               gconstpointer b)
{
  const TfRepairEdit *ea = a;
  const TfRepairEdit *eb = b;

  if (ea->offset != eb->offset)
    return ea->offset < eb->offset ? -1 : 1;
  /* Insertions before replacements at the same place */
  return (ea->len > eb->len) - (ea->len < eb->len);
}

GBytes *
tf_repair_edits_apply (GBytes *original,
                       GArray *edits,
                       GError **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (original, &len);
  GByteArray *out;
  gsize pos = 0;

  g_array_sort (edits, compare_edits);
  out = g_byte_array_sized_new (len + 256);
  for (guint i = 0; i < edits->len; i++)
    {
      const TfRepairEdit *e = &g_array_index (edits, TfRepairEdit, i);
      gsize rlen;
      const guint8 *r = g_bytes_get_data (e->replacement, &rlen);

      if (e->offset < pos || e->offset + e->len > len)
        {
          g_byte_array_unref (out);
          g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED,
                               _ ("Two planned changes overlap; nothing was written"));
          return NULL;
        }
      g_byte_array_append (out, data + pos, e->offset - pos);
      g_byte_array_append (out, r, rlen);
      pos = e->offset + e->len;
    }
  g_byte_array_append (out, data + pos, len - pos);
  return g_byte_array_free_to_bytes (out);
}

/* ------------------------------------------------------------------ */
/* Writers                                                             */

#define TF_REPAIR_WRITER_ENTRY(format) &tf_repair_writer_##format,
static const TfRepairWriter *const writers[] = { TF_REPAIR_WRITERS (TF_REPAIR_WRITER_ENTRY) };
#undef TF_REPAIR_WRITER_ENTRY

gboolean
tf_repair_same_site (const TfPatchSite *a,
                     const TfPatchSite *b)
{
  return a->source == b->source && a->part_index == b->part_index && a->offset == b->offset;
}

TfRecipient *
tf_repair_find_row (TfItem *fresh,
                    TfRepairChange *change,
                    GError **error)
{
  TfRecipient *row = NULL;

  /* The row must still be there, at the same place, with the value the
   * plan was made from. */
  for (guint k = 0; k < tf_item_get_n_recipients (fresh); k++)
    {
      TfRecipient *r = tf_item_get_recipient (fresh, k);
      const TfPatchSite *site = tf_recipient_get_patch_site (r);

      if (site != NULL && tf_repair_same_site (site, &change->site))
        {
          row = r;
          break;
        }
    }
  if (row == NULL || g_strcmp0 (tf_repair_recipient_key (row), change->address) != 0 || !tf_recipient_get_has_track_time (row) || tf_recipient_get_track_time (row) != change->old_value)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_CHANGED,
                   _ ("The recipient row of %s is not what it was when the file was scanned"),
                   change->address ? change->address : "?");
      return NULL;
    }
  return row;
}

static const TfRepairWriter *
writer_for (TfSource source)
{
  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    if (writers[i]->source == source)
      return writers[i];
  return NULL;
}

gboolean
tf_repair_edits_for_item (GBytes *file_bytes,
                          TfItem *fresh,
                          GPtrArray *changes,
                          GArray *edits,
                          GError **error)
{
  TfRepairItemBytes ib = { file_bytes, fresh, NULL, 0, NULL };
  gsize file_len = g_bytes_get_size (file_bytes);
  gsize off = tf_item_get_offset (fresh);
  gsize size = tf_item_get_size (fresh);
  gboolean ok = TRUE;

  if (off > file_len || size > file_len - off)
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED, _ ("The item's position in the file is not known"));
      return FALSE;
    }
  for (guint i = 0; i < changes->len; i++)
    if (writer_for (((TfRepairChange *) g_ptr_array_index (changes, i))->site.source) == NULL)
      {
        g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED, _ ("Unsupported place for a change"));
        return FALSE;
      }

  ib.range = g_bytes_new_from_bytes (file_bytes, off, size);
  ib.range_offset = off;

  /* Each writer gets the changes of its source, in plan order. */
  for (guint w = 0; ok && w < G_N_ELEMENTS (writers); w++)
    {
      g_autoptr (GPtrArray) mine = g_ptr_array_new ();

      for (guint i = 0; i < changes->len; i++)
        {
          TfRepairChange *change = g_ptr_array_index (changes, i);

          if (change->site.source == writers[w]->source)
            g_ptr_array_add (mine, change);
        }
      if (mine->len > 0)
        ok = writers[w]->write (&ib, mine, edits, error);
    }

  g_clear_object (&ib.message);
  g_bytes_unref (ib.range);
  return ok;
}
