/* tf-repair-ical.c — repair writer for iCalendar replies (one inserted line)
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

#include "tf-filetime.h"
#include "tf-repair-private.h"

/* The fix of a REPLY_MISSING_CRITICAL_CHANGE finding: one line
 * X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:<the VEVENT's DTSTAMP> inserted
 * before END:VEVENT, in the calendar text as it is (a bare .ics or mbox
 * message body) or inside a MIME part with its transfer encoding. */

/* ------------------------------------------------------------------ */
/* Where to insert the stamp                                           */

typedef struct
{
  gsize offset; /* start of the END:VEVENT line */
  guint64 dtstamp;
  const char *eol;
} IcalInsert;

static gboolean
line_is (const char *line,
         gsize len,
         const char *what)
{
  gsize n = strlen (what);

  return len == n && g_ascii_strncasecmp (line, what, n) == 0;
}

/* Property name of an unfolded content line ("DTSTAMP;X=1:…" → DTSTAMP) */
static gsize
prop_name_len (const char *line,
               gsize len)
{
  gsize i = 0;

  while (i < len && line[i] != ':' && line[i] != ';')
    i++;
  return i;
}

/* Gathers the logical line at *@pos into @logical: a physical line plus
 * continuation lines that start with a space or tab. Returns the line end
 * of its last physical line (a last line without one takes the one seen
 * before, @last_eol) and moves *@pos past it. */
static const char *
read_logical_line (const char *text,
                   gsize len,
                   gsize *pos,
                   const char **last_eol,
                   GString *logical)
{
  const char *eol = *last_eol;

  g_string_truncate (logical, 0);
  for (;;)
    {
      const char *nl = memchr (text + *pos, '\n', len - *pos);
      gsize end = nl ? (gsize) (nl - text) : len;
      gsize content_end = end;

      if (nl != NULL && content_end > *pos && text[content_end - 1] == '\r')
        {
          content_end--;
          eol = *last_eol = "\r\n";
        }
      else if (nl != NULL)
        eol = *last_eol = "\n";
      else if (content_end > *pos && text[content_end - 1] == '\r')
        content_end--;
      g_string_append_len (logical, text + *pos, content_end - *pos);
      *pos = nl ? end + 1 : len;
      if (*pos < len && (text[*pos] == ' ' || text[*pos] == '\t'))
        {
          (*pos)++;
          continue;
        }
      break;
    }
  return eol;
}

/* The value of a VEVENT's DTSTAMP line (property name @nlen bytes long).
 * DTSTAMP is UTC by definition (RFC 5545 3.8.7.2); a TZID parameter would
 * make the copy ambiguous, so it makes the value unusable. */
static gboolean
parse_dtstamp (GString *logical,
               gsize nlen,
               guint64 *filetime)
{
  const char *colon = memchr (logical->str, ':', logical->len);
  g_autofree char *value = colon ? g_strstrip (g_strdup (colon + 1)) : NULL;

  return value != NULL && logical->str[nlen] != ';' && tf_filetime_parse_ical (value, filetime) && tf_repair_time_usable (*filetime);
}

/* Walks the content lines of @text (unfolding continuation lines) and
 * finds, in every VCALENDAR whose METHOD is REPLY or COUNTER, each VEVENT
 * without X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE: the stamp goes right
 * before its END:VEVENT line, with that VEVENT's own DTSTAMP. */
static GArray *
find_ical_inserts (const char *text,
                   gsize len,
                   GError **error)
{
  g_autoptr (GArray) inserts = g_array_new (FALSE, FALSE, sizeof (IcalInsert));
  g_autoptr (GArray) pending = g_array_new (FALSE, FALSE, sizeof (IcalInsert));
  g_autoptr (GString) logical = g_string_new (NULL);
  gboolean is_reply = FALSE;
  gboolean in_cal = FALSE;
  guint depth_in_event = 0; /* 0 = outside, 1 = VEVENT level, >1 nested */
  gboolean event_has_cc = FALSE;
  gboolean event_has_dtstamp = FALSE;
  guint64 event_dtstamp = 0;
  gboolean bad_dtstamp = FALSE;
  const char *last_eol = "\r\n"; /* RFC 5545 */
  gsize pos = 0;

  while (pos < len)
    {
      gsize start = pos;
      const char *eol;

      eol = read_logical_line (text, len, &pos, &last_eol, logical);

      if (line_is (logical->str, logical->len, "BEGIN:VCALENDAR"))
        {
          in_cal = TRUE;
          is_reply = FALSE;
          g_array_set_size (pending, 0);
        }
      else if (line_is (logical->str, logical->len, "END:VCALENDAR"))
        {
          if (is_reply)
            g_array_append_vals (inserts, pending->data, pending->len);
          g_array_set_size (pending, 0);
          in_cal = FALSE;
        }
      else if (in_cal && depth_in_event == 0 && prop_name_len (logical->str, logical->len) == 6 && g_ascii_strncasecmp (logical->str, "METHOD", 6) == 0)
        {
          const char *colon = memchr (logical->str, ':', logical->len);
          if (colon != NULL)
            {
              g_autofree char *value = g_strstrip (g_strdup (colon + 1));
              is_reply = g_ascii_strcasecmp (value, "REPLY") == 0 || g_ascii_strcasecmp (value, "COUNTER") == 0;
            }
        }
      else if (line_is (logical->str, logical->len, "BEGIN:VEVENT") && depth_in_event == 0)
        {
          depth_in_event = 1;
          event_has_cc = FALSE;
          event_has_dtstamp = FALSE;
          bad_dtstamp = FALSE;
        }
      else if (depth_in_event > 0 && g_ascii_strncasecmp (logical->str, "BEGIN:", 6) == 0)
        depth_in_event++;
      else if (depth_in_event > 1 && g_ascii_strncasecmp (logical->str, "END:", 4) == 0)
        depth_in_event--;
      else if (depth_in_event == 1 && line_is (logical->str, logical->len, "END:VEVENT"))
        {
          depth_in_event = 0;
          if (!event_has_cc)
            {
              IcalInsert ins = { start, event_dtstamp, eol };

              if (!event_has_dtstamp || bad_dtstamp)
                {
                  g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED,
                                       _ ("A VEVENT of the reply has no usable UTC DTSTAMP"));
                  return NULL;
                }
              g_array_append_val (pending, ins);
            }
        }
      else if (depth_in_event == 1)
        {
          gsize nlen = prop_name_len (logical->str, logical->len);

          if (nlen == strlen (TF_REPAIR_ICAL_CC_NAME) && g_ascii_strncasecmp (logical->str, TF_REPAIR_ICAL_CC_NAME, nlen) == 0)
            event_has_cc = TRUE;
          else if (nlen == 7 && g_ascii_strncasecmp (logical->str, "DTSTAMP", 7) == 0)
            {
              event_has_dtstamp = TRUE;
              if (!parse_dtstamp (logical, nlen, &event_dtstamp))
                bad_dtstamp = TRUE;
            }
        }
    }

  if (inserts->len == 0)
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED,
                           _ ("No REPLY event without X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE was found in the calendar text"));
      return NULL;
    }
  return g_steal_pointer (&inserts);
}

/* One content line, folded at 75 octets (RFC 5545 3.1). ASCII only. */
static char *
make_stamp_line (guint64 filetime,
                 const char *eol)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (tf_filetime_to_unix (filetime));
  g_autofree char *value = g_date_time_format (dt, "%Y%m%dT%H%M%SZ");
  g_autofree char *line = g_strconcat (TF_REPAIR_ICAL_CC_NAME ":", value, NULL);
  GString *out = g_string_new (NULL);
  gsize len = strlen (line);
  gsize pos = 0;
  gsize chunk = 75;

  while (pos < len)
    {
      if (pos > 0)
        {
          g_string_append (out, eol);
          g_string_append_c (out, ' ');
        }
      g_string_append_len (out, line + pos, MIN (chunk, len - pos));
      pos += MIN (chunk, len - pos);
      chunk = 74;
    }
  g_string_append (out, eol);
  return g_string_free (out, FALSE);
}

static gboolean
patch_ical_cb (GByteArray *decoded,
               gpointer user_data,
               GError **error)
{
  g_autoptr (GArray) inserts = find_ical_inserts ((const char *) decoded->data, decoded->len, error);

  if (inserts == NULL)
    return FALSE;
  /* Back to front, so earlier offsets stay valid. */
  for (guint i = inserts->len; i > 0; i--)
    {
      const IcalInsert *ins = &g_array_index (inserts, IcalInsert, i - 1);
      g_autofree char *line = make_stamp_line (ins->dtstamp, ins->eol);

      gsize n = strlen (line);
      gsize tail = decoded->len - ins->offset;

      g_byte_array_set_size (decoded, decoded->len + n);
      memmove (decoded->data + ins->offset + n, decoded->data + ins->offset, tail);
      memcpy (decoded->data + ins->offset, line, n);
    }
  return TRUE;
}

/* iCalendar in a quoted-printable part: the new line is plain ASCII
 * without '=', so it can be inserted into the encoded text as it is,
 * right after the hard line break that ends the line before END:VEVENT. */
static gboolean
edit_ical_qp_part (TfRepairItemBytes *ib,
                   gint part_index,
                   GArray *edits,
                   GError **error)
{
  const guint8 *data = g_bytes_get_data (ib->range, NULL);
  g_autoptr (GByteArray) decoded = g_byte_array_new ();
  g_autoptr (GArray) positions = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr (GBytes) expected = NULL;
  g_autoptr (GArray) inserts = NULL;
  GMimePart *part;
  gsize start;
  gsize end;

  part = tf_repair_find_part_body (ib, part_index, &start, &end, &expected, error);
  if (part == NULL)
    return FALSE;
  if (!tf_repair_qp_map_part (ib, part_index, start, end, expected, decoded, positions, error))
    return FALSE;

  inserts = find_ical_inserts ((const char *) decoded->data, decoded->len, error);
  if (inserts == NULL)
    return FALSE;
  for (guint i = 0; i < inserts->len; i++)
    {
      const IcalInsert *ins = &g_array_index (inserts, IcalInsert, i);
      gsize enc_pos = g_array_index (positions, gsize, ins->offset);
      const char *eol = (enc_pos >= 2 && data[start + enc_pos - 2] == '\r' && data[start + enc_pos - 1] == '\n') ? "\r\n" : "\n";
      g_autofree char *line = NULL;
      g_autoptr (GBytes) bytes = NULL;

      /* The insertion point must follow a hard line break. */
      if (enc_pos == 0 || data[start + enc_pos - 1] != '\n' || (enc_pos >= 2 && data[start + enc_pos - 2] == '='))
        {
          g_set_error (error, TF_ERROR, TF_ERROR_FAILED,
                       _ ("The quoted-printable text of MIME part %d is not in a form Trackfix can change byte for byte"), part_index);
          return FALSE;
        }
      line = make_stamp_line (ins->dtstamp, eol);
      bytes = g_bytes_new (line, strlen (line));
      tf_repair_edits_add (edits, ib->range_offset + start + enc_pos, 0, bytes);
    }
  return TRUE;
}

/* The stamp lines of the calendar text of the item itself (part index
 * -1: a bare .ics file), inserted as they are. */
static gboolean
edit_ical_text (TfRepairItemBytes *ib,
                GArray *edits,
                GError **error)
{
  g_autoptr (GArray) inserts = find_ical_inserts (g_bytes_get_data (ib->range, NULL), g_bytes_get_size (ib->range), error);

  if (inserts == NULL)
    return FALSE;
  for (guint i = 0; i < inserts->len; i++)
    {
      const IcalInsert *ins = &g_array_index (inserts, IcalInsert, i);
      g_autofree char *line = make_stamp_line (ins->dtstamp, ins->eol);
      g_autoptr (GBytes) bytes = g_bytes_new (line, strlen (line));

      tf_repair_edits_add (edits, ib->range_offset + ins->offset, 0, bytes);
    }
  return TRUE;
}

static gboolean
write_ical (TfRepairItemBytes *ib,
            GPtrArray *changes,
            GArray *edits,
            GError **error)
{
  g_autoptr (GHashTable) parts = g_hash_table_new (g_direct_hash, g_direct_equal);
  GHashTableIter iter;
  gpointer key;

  if (tf_item_get_format (ib->fresh) == TF_FORMAT_MBOX && tf_repair_item_has_content_length (ib))
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED,
                           _ ("The message carries a Content-Length header, which an inserted line would make wrong"));
      return FALSE;
    }
  /* One pass per calendar text fixes every reply event in it. */
  for (guint i = 0; i < changes->len; i++)
    g_hash_table_add (parts, GINT_TO_POINTER (((TfRepairChange *) g_ptr_array_index (changes, i))->site.part_index + 1));

  g_hash_table_iter_init (&iter, parts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      gint part_index = GPOINTER_TO_INT (key) - 1;
      GMimePart *part;

      if (part_index < 0)
        {
          if (!edit_ical_text (ib, edits, error))
            return FALSE;
          continue;
        }
      part = tf_repair_find_part (ib, part_index, error);
      if (part == NULL)
        return FALSE;
      if (g_mime_part_get_content_encoding (part) == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE)
        {
          if (!edit_ical_qp_part (ib, part_index, edits, error))
            return FALSE;
        }
      else if (!tf_repair_edit_part (ib, part_index, TRUE, patch_ical_cb, NULL, edits, error))
        return FALSE;
    }
  return TRUE;
}

const TfRepairWriter tf_repair_writer_ical = {
  .name = "ical",
  .source = TF_SOURCE_ICAL,
  .write = write_ical,
};
