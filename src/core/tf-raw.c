/* tf-raw.c — the "Raw" view of an item: headers, iCalendar text, MAPI dump
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tf-autocleanups-private.h"
#include "tf-filetime.h"
#include "tf-mapi.h"
#include "tf-mime-private.h"
#include "tf-pst.h"
#include "tf-raw.h"
#include "tf-reader.h"

/* Keep the page readable and bounded whatever the file holds. */
#define MAX_HEADER_BYTES (64 * 1024)
#define MAX_ICAL_BYTES (256 * 1024)
#define MAX_ICAL_PARTS 16

static void
append_section (GString *out,
                const char *title)
{
  if (out->len > 0)
    g_string_append_c (out, '\n');
  g_string_append_printf (out, "== %s ==\n", title);
}

static void
append_prop (GString *out,
             const TfProp *prop,
             const char *indent)
{
  g_autofree char *type = tf_mapi_type_to_string (TF_PROP_TYPE (prop->tag));
  const char *name = NULL;
  g_autofree char *set = NULL;
  g_autofree char *hex = NULL;

  if (prop->absent)
    {
      /* A PST/OST table column with no value in this row: no type-specific
       * rendering (its bytes are not a value; a time would read as 1601) */
      name = tf_mapi_tag_get_name (prop->tag);
      g_string_append_printf (out, "%s0x%08X", indent, prop->tag);
      if (name != NULL)
        g_string_append_printf (out, " %s", name);
      g_string_append_printf (out, " %s — %s\n", type, prop->value != NULL ? prop->value : "");
      return;
    }

  if (tf_prop_is_ical (prop))
    {
      /* iCalendar: the property by name, its value as written */
      g_string_append_printf (out, "%s%s:%s\n", indent, prop->name, prop->value != NULL ? prop->value : "");
      return;
    }

  if (prop->named)
    {
      name = prop->name != NULL ? prop->name : tf_mapi_named_get_name (prop->guid, prop->lid);
      set = tf_mapi_guid_to_string (prop->guid);
      if (prop->name != NULL)
        g_string_append_printf (out, "%s%s \"%s\"", indent, set, prop->name);
      else
        g_string_append_printf (out, "%s%s 0x%04X", indent, set, prop->lid);
      if (name != NULL && prop->name == NULL)
        g_string_append_printf (out, " %s", name);
    }
  else
    {
      name = tf_mapi_tag_get_name (prop->tag);
      g_string_append_printf (out, "%s0x%08X", indent, prop->tag);
      if (name != NULL)
        g_string_append_printf (out, " %s", name);
    }

  g_string_append_printf (out, " %s = %s", type, prop->value != NULL ? prop->value : "");

  if (TF_PROP_TYPE (prop->tag) == TF_PT_SYSTIME)
    {
      hex = tf_filetime_format_hex (prop->filetime);
      g_string_append_printf (out, " (%s)", hex);
    }
  if (prop->offset >= 0)
    g_string_append_printf (out, " @%" G_GINT64_FORMAT, prop->offset);
  g_string_append_c (out, '\n');
}

static void
append_props (GString *out,
              GPtrArray *props,
              const char *indent)
{
  for (guint i = 0; props != NULL && i < props->len; i++)
    append_prop (out, g_ptr_array_index (props, i), indent);
}

/* A PST/OST message: where it is in the mailbox file */
static void
append_mailbox (GString *out,
                TfItem *item)
{
  g_autofree char *file = NULL;
  g_autofree char *nid = NULL;

  if (tf_item_get_nid (item) == NULL)
    return;
  append_section (out, tf_format_get_label (tf_item_get_format (item)));
  tf_pst_split_item_path (tf_item_get_path (item), &file, &nid);
  /* Translators: Raw page, a PST/OST message: the mailbox file */
  g_string_append_printf (out, "  %s %s\n", _ ("File:"), file != NULL ? file : tf_item_get_file_path (item));
  /* Translators: Raw page: the folder path inside the PST/OST file */
  g_string_append_printf (out, "  %s %s\n", _ ("Folder:"), tf_item_get_folder (item) != NULL ? tf_item_get_folder (item) : "");
  /* Translators: Raw page: the message's node id (NID) in the PST/OST file */
  g_string_append_printf (out, "  %s %s\n", _ ("Node id:"), tf_item_get_nid (item));
}

/* The cell existence of a PST/OST recipient row, in words */
static void
append_cell_summary (GString *out,
                     GPtrArray *props)
{
  guint n_absent = 0;

  for (guint i = 0; i < props->len; i++)
    if (((TfProp *) g_ptr_array_index (props, i))->absent)
      n_absent++;
  g_string_append (out, "  ");
  /* Translators: Raw page, above a PST recipient row's properties; %u is the number of
   * columns of the recipient table that have no value (cell existence bit clear) in this row */
  g_string_append_printf (out, ngettext ("Cell existence: %u column has no value in this row.", "Cell existence: %u columns have no value in this row.", n_absent),
                          n_absent);
  g_string_append_c (out, '\n');
}

static void
append_mime (GString *out,
             GBytes *bytes)
{
  g_autoptr (GMimeMessage) message = NULL;
  GMimePartIter *iter;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  const char *end;
  gsize header_len;
  guint n_ical = 0;

  /* The header block exactly as stored: up to the first empty line */
  end = g_strstr_len (data, MIN (len, MAX_HEADER_BYTES), "\r\n\r\n");
  if (end == NULL)
    end = g_strstr_len (data, MIN (len, MAX_HEADER_BYTES), "\n\n");
  header_len = end != NULL ? (gsize) (end - data) : MIN (len, MAX_HEADER_BYTES);

  append_section (out, _ ("Headers"));
  {
    g_autofree char *valid = g_utf8_make_valid (data, header_len);
    g_string_append (out, valid);
    g_string_append_c (out, '\n');
  }

  /* When the structure cannot be read, the reader already gave the item a
   * PARSE_ERROR finding with the reason, shown next to this page. */
  message = tf_mime_parse_bytes (bytes, NULL);
  if (message == NULL || message->mime_part == NULL)
    return;

  iter = g_mime_part_iter_new (message->mime_part);
  do
    {
      GMimeObject *part = g_mime_part_iter_get_current (iter);
      GMimeContentType *type;
      g_autoptr (GBytes) content = NULL;
      const char *ical;
      gsize ical_len;
      g_autofree char *title = NULL;
      g_autofree char *text = NULL;

      if (part == NULL || !GMIME_IS_PART (part))
        continue;
      type = g_mime_object_get_content_type (part);
      if (type == NULL || !g_mime_content_type_is_type (type, "text", "calendar"))
        continue;
      content = tf_mime_dup_part_content (GMIME_PART (part));
      if (content == NULL)
        continue;
      ical = g_bytes_get_data (content, &ical_len);

      /* Translators: %d is the number of the iCalendar part in the message */
      title = g_strdup_printf (_ ("iCalendar part %d"), ++n_ical);
      append_section (out, title);
      text = g_utf8_make_valid (ical, MIN (ical_len, MAX_ICAL_BYTES));
      g_string_append (out, text);
      if (ical_len > MAX_ICAL_BYTES)
        g_string_append (out, _ ("\n[truncated]\n"));
    }
  while (n_ical < MAX_ICAL_PARTS && g_mime_part_iter_next (iter));
  g_mime_part_iter_free (iter);
}

static GBytes *
read_range (TfItem *item,
            GError **error)
{
  g_autoptr (GMappedFile) mapped = NULL;
  g_autoptr (GBytes) whole = NULL;
  guint64 offset = tf_item_get_offset (item);
  guint64 size = tf_item_get_size (item);
  gsize len;

  mapped = g_mapped_file_new (tf_item_get_file_path (item), FALSE, error);
  if (mapped == NULL)
    return NULL;

  whole = g_mapped_file_get_bytes (mapped);
  len = g_bytes_get_size (whole);
  if (offset > len)
    offset = len;
  if (size == 0 || size > len - offset)
    size = len - offset;

  return g_bytes_new_from_bytes (whole, offset, size);
}

char *
tf_item_describe_raw (TfItem *item,
                      GError **error)
{
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GString) out = NULL;
  TfItem *full = NULL;
  TfFormat format;
  guint mbox_index;

  g_return_val_if_fail (TF_IS_ITEM (item), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  tf_core_init ();

  items = g_ptr_array_new_with_free_func (g_object_unref);
  if (tf_item_get_nid (item) != NULL)
    {
      /* A PST/OST message: read just that one (a mailbox may hold
       * thousands; reading them all with every property would take long) */
      g_autofree char *one = g_strdup_printf ("%s#%s", tf_item_get_file_path (item), tf_item_get_nid (item));

      if (!tf_read_item_path (one, TF_READ_FULL, items, error))
        return NULL;
    }
  else if (!tf_read_file (tf_item_get_file_path (item), tf_item_get_path (item), TF_READ_FULL, items, error))
    return NULL;

  /* An mbox yields one item per message; pick ours */
  mbox_index = tf_item_get_mbox_index (item);
  if (mbox_index > 0 && mbox_index <= items->len)
    full = g_ptr_array_index (items, mbox_index - 1);
  if (full == NULL && items->len > 0)
    full = g_ptr_array_index (items, 0);

  out = g_string_new (NULL);
  format = tf_item_get_format (item);
  append_mailbox (out, item);

  if (format == TF_FORMAT_EML || format == TF_FORMAT_MBOX || format == TF_FORMAT_ICS)
    {
      bytes = read_range (item, error);
      if (bytes == NULL)
        return NULL;

      if (format == TF_FORMAT_ICS)
        {
          gsize len;
          const char *data = g_bytes_get_data (bytes, &len);
          g_autofree char *text = g_utf8_make_valid (data, MIN (len, MAX_ICAL_BYTES));

          append_section (out, _ ("iCalendar"));
          g_string_append (out, text);
        }
      else
        append_mime (out, bytes);
    }

  if (full != NULL)
    {
      GPtrArray *props = tf_item_get_props (full);
      guint n = tf_item_get_n_recipients (full);

      if (props != NULL && props->len > 0)
        {
          append_section (out, _ ("MAPI message properties"));
          append_props (out, props, "  ");
        }

      for (guint i = 0; i < n; i++)
        {
          TfRecipient *recipient = tf_item_get_recipient (full, i);
          GPtrArray *rprops = tf_recipient_get_props (recipient);
          g_autofree char *display = NULL;
          g_autofree char *title = NULL;

          if (rprops == NULL || rprops->len == 0)
            continue;

          display = tf_recipient_dup_display (recipient);
          /* Translators: %d is the row number in the recipient table, %s the recipient */
          title = g_strdup_printf (_ ("MAPI recipient row %d: %s"),
                                   tf_recipient_get_row (recipient), display != NULL ? display : "");
          append_section (out, title);
          if (tf_item_get_nid (item) != NULL)
            append_cell_summary (out, rprops);
          append_props (out, rprops, "  ");
        }
    }

  if (out->len == 0)
    g_string_append (out, _ ("This item has no headers, iCalendar text or MAPI properties to show."));

  return g_string_free (g_steal_pointer (&out), FALSE);
}
