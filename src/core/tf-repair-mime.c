/* tf-repair-mime.c — changing the decoded body of one MIME part in place
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

#include <glib/gi18n.h>

#include "tf-mime-private.h"
#include "tf-repair-private.h"

GMimePart *
tf_repair_find_part (TfRepairItemBytes *ib,
                     gint part_index,
                     GError **error)
{
  GMimeObject *object;

  if (ib->message == NULL)
    {
      ib->message = tf_mime_parse_bytes (ib->range, error);
      if (ib->message == NULL)
        return NULL;
    }
  object = tf_mime_find_part (ib->message, part_index);
  if (object == NULL || !GMIME_IS_PART (object))
    {
      g_set_error (error, TF_ERROR, TF_ERROR_CHANGED,
                   _ ("MIME part %d is no longer where it was when the file was read"), part_index);
      return NULL;
    }
  return GMIME_PART (object);
}

/* The encoded body of @part: [*start, *end) inside the item's bytes */
static gboolean
part_body_range (TfRepairItemBytes *ib,
                 GMimePart *part,
                 gsize *start,
                 gsize *end,
                 GError **error)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  GMimeStream *stream = content ? g_mime_data_wrapper_get_stream (content) : NULL;
  gsize len = g_bytes_get_size (ib->range);
  gint64 s;
  gint64 e;

  if (stream == NULL)
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED, _ ("The MIME part has no content"));
      return FALSE;
    }
  s = stream->bound_start;
  e = stream->bound_end < 0 ? (gint64) len : stream->bound_end;
  if (s < 0 || e < s || (guint64) e > len)
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED,
                           _ ("The position of the MIME part's content is not known"));
      return FALSE;
    }
  *start = (gsize) s;
  *end = (gsize) e;
  return TRUE;
}

GMimePart *
tf_repair_find_part_body (TfRepairItemBytes *ib,
                          gint part_index,
                          gsize *start,
                          gsize *end,
                          GBytes **decoded,
                          GError **error)
{
  GMimePart *part = tf_repair_find_part (ib, part_index, error);

  if (part == NULL || !part_body_range (ib, part, start, end, error))
    return NULL;
  *decoded = tf_mime_dup_part_content (part);
  return part;
}

static const char *
encoding_label (GMimeContentEncoding encoding)
{
  return g_mime_content_encoding_to_string (encoding) ? g_mime_content_encoding_to_string (encoding) : "?";
}

gboolean
tf_repair_item_has_content_length (TfRepairItemBytes *ib)
{
  const guint8 *data;
  gsize len;
  gsize pos = 0;

  data = g_bytes_get_data (ib->range, &len);
  /* Header block only */
  while (pos < len)
    {
      const guint8 *nl = memchr (data + pos, '\n', len - pos);
      gsize end = nl ? (gsize) (nl - data) : len;
      gsize line_len = end - pos;

      if (line_len == 0 || (line_len == 1 && data[pos] == '\r'))
        break;
      if (line_len >= 15 && g_ascii_strncasecmp ((const char *) data + pos, "Content-Length:", 15) == 0)
        return TRUE;
      pos = end + 1;
    }
  return FALSE;
}

gboolean
tf_repair_qp_map_part (TfRepairItemBytes *ib,
                       gint part_index,
                       gsize start,
                       gsize end,
                       GBytes *expected,
                       GByteArray *decoded,
                       GArray *positions,
                       GError **error)
{
  const guint8 *data = g_bytes_get_data (ib->range, NULL);

  if (expected == NULL || !tf_repair_qp_map_decode (data + start, end - start, decoded, positions) || decoded->len != g_bytes_get_size (expected) || memcmp (decoded->data, g_bytes_get_data (expected, NULL), decoded->len) != 0)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_FAILED,
                   _ ("The quoted-printable text of MIME part %d is not in a form Trackfix can change byte for byte"), part_index);
      return FALSE;
    }
  return TRUE;
}

/* A quoted-printable body [start, end) of the item: only the encoded lines
 * that hold a changed byte are written again (tf_repair_qp_reencode()) */
static gboolean
edit_qp_body (TfRepairItemBytes *ib,
              gint part_index,
              gsize start,
              gsize end,
              GBytes *expected,
              TfRepairPatchFunc patch,
              gpointer patch_data,
              GArray *edits,
              GError **error)
{
  const guint8 *data = g_bytes_get_data (ib->range, NULL);
  g_autoptr (GByteArray) decoded = g_byte_array_new ();
  g_autoptr (GArray) positions = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr (GByteArray) patched = g_byte_array_new ();
  g_autoptr (GBytes) replacement = NULL;

  if (!tf_repair_qp_map_part (ib, part_index, start, end, expected, decoded, positions, error))
    return FALSE;
  g_byte_array_append (patched, decoded->data, decoded->len);
  if (!patch (patched, patch_data, error))
    return FALSE;
  if (patched->len != decoded->len)
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED, _ ("The patch changed the length of the data"));
      return FALSE;
    }
  replacement = tf_repair_qp_reencode (data + start, end - start, decoded, positions, patched->data);
  if (replacement == NULL)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_FAILED,
                   _ ("The quoted-printable text of MIME part %d is not in a form Trackfix can change byte for byte"), part_index);
      return FALSE;
    }
  /* A re-encoded line may have grown (a character became =XX) */
  if (g_bytes_get_size (replacement) != end - start && tf_item_get_format (ib->fresh) == TF_FORMAT_MBOX && tf_repair_item_has_content_length (ib))
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED,
                           _ ("The message carries a Content-Length header, which a longer encoded line would make wrong"));
      return FALSE;
    }
  tf_repair_edits_add (edits, ib->range_offset + start, end - start, replacement);
  return TRUE;
}

gboolean
tf_repair_edit_part (TfRepairItemBytes *ib,
                     gint part_index,
                     gboolean may_change_length,
                     TfRepairPatchFunc patch,
                     gpointer patch_data,
                     GArray *edits,
                     GError **error)
{
  const guint8 *data = g_bytes_get_data (ib->range, NULL);
  g_autoptr (GBytes) expected = NULL;
  GMimeContentEncoding encoding;
  GMimePart *part;
  gsize start;
  gsize end;

  part = tf_repair_find_part_body (ib, part_index, &start, &end, &expected, error);
  if (part == NULL)
    return FALSE;
  if (expected == NULL)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_FAILED, _ ("MIME part %d cannot be decoded"), part_index);
      return FALSE;
    }

  encoding = g_mime_part_get_content_encoding (part);
  switch (encoding)
    {
    case GMIME_CONTENT_ENCODING_DEFAULT:
    case GMIME_CONTENT_ENCODING_7BIT:
    case GMIME_CONTENT_ENCODING_8BIT:
    case GMIME_CONTENT_ENCODING_BINARY:
      {
        g_autoptr (GByteArray) body = g_byte_array_new ();
        g_autoptr (GBytes) replacement = NULL;

        g_byte_array_append (body, data + start, end - start);
        if (body->len != g_bytes_get_size (expected) || memcmp (body->data, g_bytes_get_data (expected, NULL), body->len) != 0)
          {
            g_set_error (error, TF_ERROR, TF_ERROR_FAILED,
                         _ ("MIME part %d does not decode to its raw bytes; it is not changed in place"), part_index);
            return FALSE;
          }
        if (!patch (body, patch_data, error))
          return FALSE;
        replacement = g_bytes_new (body->data, body->len);
        tf_repair_edits_add (edits, ib->range_offset + start, end - start, replacement);
        return TRUE;
      }

    case GMIME_CONTENT_ENCODING_BASE64:
      {
        TfRepairB64Map map = { NULL, NULL };
        g_autoptr (GByteArray) patched = g_byte_array_new ();
        g_autoptr (GBytes) replacement = NULL;
        gboolean ok = FALSE;

        if (!tf_repair_b64_map_decode (data + start, end - start, &map) || map.decoded->len != g_bytes_get_size (expected) || memcmp (map.decoded->data, g_bytes_get_data (expected, NULL), map.decoded->len) != 0)
          {
            g_set_error (error, TF_ERROR, TF_ERROR_FAILED,
                         _ ("The base64 text of MIME part %d is not in a form Trackfix can re-encode byte for byte"), part_index);
            goto b64_out;
          }
        g_byte_array_append (patched, map.decoded->data, map.decoded->len);
        if (!patch (patched, patch_data, error))
          goto b64_out;

        if (patched->len == map.decoded->len)
          {
            /* Same length: only the 4-character groups that changed. */
            g_autofree guint8 *enc = g_memdup2 (data + start, end - start);

            tf_repair_b64_map_patch (&map, patched->data, enc);
            replacement = g_bytes_new_take (g_steal_pointer (&enc), end - start);
          }
        else if (may_change_length)
          replacement = tf_repair_b64_encode_like (data + start, end - start, patched->data, patched->len);
        else
          {
            g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED, _ ("The patch changed the length of the data"));
            goto b64_out;
          }
        tf_repair_edits_add (edits, ib->range_offset + start, end - start, replacement);
        ok = TRUE;
      b64_out:
        tf_repair_b64_map_clear (&map);
        return ok;
      }

    case GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE:
      return edit_qp_body (ib, part_index, start, end, expected, patch, patch_data, edits, error);

    case GMIME_CONTENT_ENCODING_UUENCODE:
    default:
      g_set_error (error, TF_ERROR, TF_ERROR_FAILED,
                   /* Translators: %d is a MIME part number, %s a transfer encoding such as quoted-printable */
                   _ ("MIME part %d is %s-encoded; Trackfix cannot re-encode it byte-minimally, so it is not repaired in place"),
                   part_index, encoding_label (encoding));
      return FALSE;
    }
}
