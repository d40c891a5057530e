/* tf-tnef-patch.c — the in-place FILETIME patch of a TNEF stream
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "tf-reader.h"
#include "tf-tnef-stream-private.h"

static gboolean
site_matches (const SystimeSite *found,
              const TfPatchSite *site)
{
  if (found->offset != (guint64) site->offset || found->n_spans != site->n_spans)
    return FALSE;
  for (guint i = 0; i < found->n_spans; i++)
    if (found->spans[i].data_offset != site->spans[i].data_offset || found->spans[i].data_length != site->spans[i].data_length)
      return FALSE;
  return TRUE;
}

gboolean
tf_tnef_patch_filetime (guint8 *data,
                        gsize len,
                        const TfPatchSite *site,
                        guint64 new_value,
                        GError **error)
{
  g_autoptr (TfItem) scratch = NULL;
  g_autoptr (GArray) sites = NULL;
  gboolean found = FALSE;
  Reader reader;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (site != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (site->source != TF_SOURCE_TNEF || site->offset < 0 || site->n_spans == 0 || site->n_spans > TF_MAX_TNEF_NESTING)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_FAILED,
                   _ ("The value has no place in a TNEF stream that could be patched."));
      return FALSE;
    }

  /* Walk the stream as it is now and insist the site is a PT_SYSTIME
   * value inside exactly these attributes before touching a byte. */
  scratch = tf_item_new ("", "", 0);
  sites = g_array_new (FALSE, FALSE, sizeof (SystimeSite));
  reader = (Reader){ data, scratch, -1, TF_READ_NONE, sites, NULL, 0, NULL, 0, FALSE };
  if (tf_tnef_read_stream (&reader, data, len))
    {
      for (guint i = 0; i < sites->len && !found; i++)
        found = site_matches (&g_array_index (sites, SystimeSite, i), site);
    }
  if (!found)
    {
      g_autofree char *off = tf_tnef_format_offset ((gsize) site->offset);

      g_set_error (error, TF_ERROR, TF_ERROR_CHANGED,
                   /* Translators: %s is a byte offset */
                   _ ("No PT_SYSTIME value is at offset %s of the TNEF stream any more; the file changed since it was read."),
                   off);
      return FALSE;
    }

  /* The walk proved these bounds; check them again anyway before writing */
  for (guint i = 0; i < site->n_spans; i++)
    {
      const TfTnefSpan *span = &site->spans[i];

      if (span->data_offset > len || span->data_length > len - span->data_offset || len - span->data_offset - span->data_length < 2 || (guint64) site->offset < span->data_offset || (guint64) site->offset + 8 > span->data_offset + span->data_length)
        {
          g_set_error (error, TF_ERROR, TF_ERROR_FAILED,
                       _ ("The TNEF attribute around the value lies outside the stream."));
          return FALSE;
        }
    }

  for (guint i = 0; i < 8; i++)
    data[site->offset + i] = (guint8) (new_value >> (8 * i));
  /* Innermost first: an inner checksum is part of the outer data */
  for (guint i = 0; i < site->n_spans; i++)
    {
      const TfTnefSpan *span = &site->spans[i];
      guint16 sum = tf_tnef_checksum (data + span->data_offset, span->data_length);

      data[span->data_offset + span->data_length] = (guint8) (sum & 0xFF);
      data[span->data_offset + span->data_length + 1] = (guint8) (sum >> 8);
    }
  return TRUE;
}
