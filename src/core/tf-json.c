/* tf-json.c — JSON form of items
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tf-filetime.h"
#include "tf-json.h"
#include "tf-text-private.h"

struct _TfJsonWriter
{
  gboolean started;
  guint n_items;
  guint n_problems;
  guint counts[TF_N_FINDING_CODES];
};

/* The document is written straight into a GString instead of through a
 * JsonBuilder tree and a JsonGenerator: a 100,000-file scan spent 12 % of
 * its time building and freeing those trees. The text is the same compact
 * JSON json-glib would produce; tests parse it back with json-glib. */

/* g_string_append_len() without its overlap checks and function call:
 * a scan appends a few hundred short pieces per item */
static inline void
put (GString *out,
     const char *text,
     gsize len)
{
  if (G_UNLIKELY (out->len + len >= out->allocated_len))
    {
      g_string_append_len (out, text, (gssize) len);
      return;
    }
  memcpy (out->str + out->len, text, len);
  out->len += len;
  out->str[out->len] = '\0';
}

#define put_literal(out, text) put ((out), (text), sizeof (text) - 1)

/* %" G_GINT64_FORMAT ", without printf */
static void
put_int (GString *out,
         gint64 value)
{
  char buf[24];
  char *p = buf + sizeof buf;
  guint64 v = value < 0 ? -(guint64) value : (guint64) value;

  do
    *--p = (char) ('0' + v % 10);
  while ((v /= 10) != 0);
  if (value < 0)
    *--p = '-';

  put (out, p, (gsize) (buf + sizeof buf - p));
}

/* The JSON escape of a byte below 0x20, '"' or '\\' */
static void
put_escape (GString *out,
            guchar c)
{
  static const char hex[] = "0123456789abcdef";
  char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF] };

  switch (c)
    {
    case '"':
      put_literal (out, "\\\"");
      break;
    case '\\':
      put_literal (out, "\\\\");
      break;
    case '\b':
      put_literal (out, "\\b");
      break;
    case '\f':
      put_literal (out, "\\f");
      break;
    case '\n':
      put_literal (out, "\\n");
      break;
    case '\r':
      put_literal (out, "\\r");
      break;
    case '\t':
      put_literal (out, "\\t");
      break;
    default:
      put (out, u, sizeof u);
      break;
    }
}

/* A JSON string of @value, copied by runs that need no escaping in one go
 * (most values are plain addresses, subjects and paths): returns FALSE,
 * leaving @out as it was, at the first byte past ASCII when @value is not
 * valid UTF-8 from there on. */
static gboolean
put_string (GString *out,
            const char *value)
{
  gsize start = out->len;
  const char *p = value;
  gboolean checked = FALSE;

  put_literal (out, "\"");
  for (;;)
    {
      const char *run = p;
      guchar c;

      while ((c = (guchar) *p) >= 0x20 && c != '"' && c != '\\' && (c < 0x80 || checked))
        p++;
      if (p > run)
        put (out, run, (gsize) (p - run));
      if (c == '\0')
        break;
      if (c >= 0x80)
        {
          /* What came before is ASCII: the rest decides */
          if (!tf_text_is_utf8 (p, strlen (p)))
            {
              g_string_truncate (out, start);
              return FALSE;
            }
          checked = TRUE;
          continue;
        }
      put_escape (out, c);
      p++;
    }
  put_literal (out, "\"");

  return TRUE;
}

static void
append_string (GString *out,
               const char *value)
{
  if (value == NULL)
    {
      put_literal (out, "null");
      return;
    }

  if (!put_string (out, value))
    {
      /* File names are bytes and damaged files carry anything; JSON must
       * stay valid UTF-8, so invalid sequences become U+FFFD. */
      g_autofree char *valid = g_utf8_make_valid (value, -1);

      put_string (out, valid);
    }
}

/* ,"member": — @first is cleared after the first member of an object */
static void
append_member (GString *out,
               gboolean *first,
               const char *member)
{
  if (!*first)
    g_string_append_c (out, ',');
  *first = FALSE;
  /* member names are ASCII literals: nothing to validate or escape */
  g_string_append_c (out, '"');
  put (out, member, strlen (member));
  put_literal (out, "\":");
}

static void
append_string_member (GString *out,
                      gboolean *first,
                      const char *member,
                      const char *value)
{
  append_member (out, first, member);
  append_string (out, value);
}

static void
append_hex32_member (GString *out,
                     gboolean *first,
                     const char *member,
                     guint32 value,
                     guint digits)
{
  append_member (out, first, member);
  g_string_append_printf (out, "\"0x%0*X\"", (int) digits, value);
}

static void
append_int_member (GString *out,
                   gboolean *first,
                   const char *member,
                   gint64 value)
{
  append_member (out, first, member);
  put_int (out, value);
}

/* "1601-01-01T00:00:00Z", formatted on the stack: digits and punctuation
 * need no escaping */
static void
put_time (GString *out,
          guint64 filetime)
{
  char buf[TF_FILETIME_ISO_MAX + 2];
  gsize len;

  buf[0] = '"';
  len = tf_filetime_format_iso_buf (filetime, buf + 1);
  buf[len + 1] = '"';
  put (out, buf, len + 2);
}

/* "time":"1601-01-01T00:00:00Z","raw":"0x0000000000000000" */
static void
append_time_members (GString *out,
                     gboolean *first,
                     const char *time_member,
                     const char *raw_member,
                     guint64 filetime)
{
  char buf[TF_FILETIME_HEX_MAX + 1];

  append_member (out, first, time_member);
  put_time (out, filetime);

  append_member (out, first, raw_member);
  buf[0] = '"';
  tf_filetime_format_hex_buf (filetime, buf + 1);
  buf[TF_FILETIME_HEX_MAX] = '"';
  put (out, buf, TF_FILETIME_HEX_MAX + 1);
}

static void
append_prop (GString *out,
             const TfProp *prop)
{
  g_autofree char *type = tf_mapi_type_to_string (TF_PROP_TYPE (prop->tag));
  gboolean first = TRUE;

  g_string_append_c (out, '{');

  if (tf_prop_is_ical (prop))
    {
      /* An iCalendar property (X-MICROSOFT-*): no MAPI tag */
      append_string_member (out, &first, "tag", NULL);
      append_string_member (out, &first, "name", prop->name);
      append_string_member (out, &first, "type", "TEXT");
      append_string_member (out, &first, "value", prop->value);
      append_string_member (out, &first, "offset", NULL);
      g_string_append_c (out, '}');
      return;
    }

  append_hex32_member (out, &first, "tag", prop->tag, 8);

  if (prop->named)
    {
      g_autofree char *set = tf_mapi_guid_to_string (prop->guid);
      const char *name = prop->name == NULL ? tf_mapi_named_get_name (prop->guid, prop->lid) : NULL;
      gboolean first_named = TRUE;

      append_string_member (out, &first, "name", name);
      append_member (out, &first, "named");
      g_string_append_c (out, '{');
      append_string_member (out, &first_named, "set", set);
      if (prop->name != NULL)
        append_string_member (out, &first_named, "string", prop->name);
      else
        append_hex32_member (out, &first_named, "lid", prop->lid, 4);
      g_string_append_c (out, '}');
    }
  else
    {
      append_string_member (out, &first, "name", tf_mapi_tag_get_name (prop->tag));
    }

  append_string_member (out, &first, "type", type);
  append_string_member (out, &first, "value", prop->value);

  /* A PST table cell without a value has no time, not FILETIME 0 */
  if (prop->absent)
    {
      append_member (out, &first, "absent");
      put_literal (out, "true");
    }
  else if (TF_PROP_TYPE (prop->tag) == TF_PT_SYSTIME)
    {
      append_time_members (out, &first, "time", "raw", prop->filetime);
    }

  append_member (out, &first, "offset");
  if (prop->offset >= 0)
    put_int (out, (gint64) prop->offset);
  else
    put_literal (out, "null");

  g_string_append_c (out, '}');
}

static void
append_props (GString *out,
              gboolean *first,
              GPtrArray *props)
{
  if (props == NULL)
    return;

  append_member (out, first, "props");
  g_string_append_c (out, '[');
  for (guint i = 0; i < props->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_prop (out, g_ptr_array_index (props, i));
    }
  g_string_append_c (out, ']');
}

static void
append_recipient (GString *out,
                  TfRecipient *recipient)
{
  gboolean first = TRUE;

  g_string_append_c (out, '{');

  append_string_member (out, &first, "address", tf_recipient_get_address (recipient));
  append_string_member (out, &first, "name", tf_recipient_get_name (recipient));
  append_string_member (out, &first, "type",
                        tf_recipient_type_to_string (tf_recipient_get_recipient_type (recipient)));
  append_string_member (out, &first, "track_status",
                        tf_track_status_to_string (tf_recipient_get_track_status (recipient)));

  if (tf_recipient_get_has_track_time (recipient))
    {
      guint64 filetime = tf_recipient_get_track_time (recipient);

      append_time_members (out, &first, "track_time", "track_time_raw", filetime);
    }
  else
    {
      append_string_member (out, &first, "track_time", NULL);
      append_string_member (out, &first, "track_time_raw", NULL);
    }

  if (tf_recipient_get_track_status (recipient) != TF_TRACK_STATUS_ABSENT)
    append_int_member (out, &first, "track_status_value", tf_recipient_get_track_status (recipient));

  append_string_member (out, &first, "source",
                        tf_source_to_string (tf_recipient_get_source (recipient)));
  if (tf_recipient_get_row (recipient) >= 0)
    append_int_member (out, &first, "row", tf_recipient_get_row (recipient));
  /* A row of an embedded message: its attachment numbers ("2/1") and subject */
  if (tf_recipient_get_embedded (recipient) != NULL)
    {
      append_string_member (out, &first, "embedded_attachment", tf_recipient_get_embedded (recipient));
      append_string_member (out, &first, "embedded_subject", tf_recipient_get_embedded_subject (recipient));
    }
  /* What `show` prints for iCalendar and DSN rows */
  if (tf_recipient_get_source (recipient) == TF_SOURCE_ICAL)
    {
      append_string_member (out, &first, "partstat", tf_recipient_get_partstat (recipient));
      append_string_member (out, &first, "role", tf_recipient_get_role (recipient));
    }
  if (tf_recipient_get_source (recipient) == TF_SOURCE_DSN)
    {
      append_string_member (out, &first, "dsn_action", tf_recipient_get_dsn_action (recipient));
      append_string_member (out, &first, "dsn_status", tf_recipient_get_dsn_status (recipient));
      append_string_member (out, &first, "dsn_diagnostic", tf_recipient_get_dsn_diagnostic (recipient));
    }
  append_props (out, &first, tf_recipient_get_props (recipient));

  g_string_append_c (out, '}');
}

static void
append_finding (GString *out,
                TfFinding *finding)
{
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  append_string_member (out, &first, "code", tf_finding_get_code_name (finding));
  append_string_member (out, &first, "severity",
                        tf_severity_to_string (tf_finding_get_severity (finding)));
  append_string_member (out, &first, "recipient", tf_finding_get_recipient (finding));
  append_string_member (out, &first, "detail", tf_finding_get_detail (finding));
  g_string_append_c (out, '}');
}

static void
append_item (GString *out,
             TfItem *item)
{
  gboolean first = TRUE;
  guint n;

  g_string_append_c (out, '{');

  append_string_member (out, &first, "path", tf_item_get_path (item));
  append_string_member (out, &first, "format", tf_format_to_string (tf_item_get_format (item)));
  append_string_member (out, &first, "folder", tf_item_get_folder (item));
  append_string_member (out, &first, "nid", tf_item_get_nid (item));
  append_string_member (out, &first, "kind", tf_kind_to_string (tf_item_get_kind (item)));
  append_string_member (out, &first, "message_class", tf_item_get_message_class (item));
  append_string_member (out, &first, "ical_method", tf_item_get_ical_method (item));
  append_string_member (out, &first, "subject", tf_item_get_subject (item));
  append_string_member (out, &first, "from", tf_item_get_from (item));
  append_string_member (out, &first, "uid", tf_item_get_uid (item));
  append_member (out, &first, "sequence");
  if (tf_item_get_sequence (item) >= 0)
    put_int (out, tf_item_get_sequence (item));
  else
    put_literal (out, "null");
  append_member (out, &first, "sent");
  if (tf_item_get_sent (item) != G_MININT64)
    put_time (out, tf_filetime_from_unix (tf_item_get_sent (item)));
  else
    put_literal (out, "null");

  append_member (out, &first, "recipients");
  g_string_append_c (out, '[');
  n = tf_item_get_n_recipients (item);
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_recipient (out, tf_item_get_recipient (item, i));
    }
  g_string_append_c (out, ']');

  append_member (out, &first, "findings");
  g_string_append_c (out, '[');
  n = tf_item_get_n_findings (item);
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_finding (out, tf_item_get_finding (item, i));
    }
  g_string_append_c (out, ']');

  append_props (out, &first, tf_item_get_props (item));

  g_string_append_c (out, '}');
}

JsonNode *
tf_item_to_json (TfItem *item)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  JsonNode *node;

  g_return_val_if_fail (TF_IS_ITEM (item), NULL);

  append_item (text, item);
  node = json_from_string (text->str, &error);
  /* append_item() only writes valid JSON */
  g_assert_no_error (error);

  return node;
}

TfJsonWriter *
tf_json_writer_new (void)
{
  return g_new0 (TfJsonWriter, 1);
}

void
tf_json_writer_free (TfJsonWriter *writer)
{
  g_free (writer);
}

guint
tf_json_writer_get_n_items (TfJsonWriter *writer)
{
  g_return_val_if_fail (writer != NULL, 0);

  return writer->n_items;
}

guint
tf_json_writer_get_n_problems (TfJsonWriter *writer)
{
  g_return_val_if_fail (writer != NULL, 0);

  return writer->n_problems;
}

#define DOCUMENT_HEAD "{\"version\": 1, \"items\": ["

void
tf_json_writer_count_item (TfJsonWriter *writer,
                           TfItem *item)
{
  guint n;

  g_return_if_fail (writer != NULL);
  g_return_if_fail (TF_IS_ITEM (item));

  n = tf_item_get_n_findings (item);
  for (guint i = 0; i < n; i++)
    {
      TfFinding *finding = tf_item_get_finding (item, i);
      TfFindingCode code = tf_finding_get_code (finding);

      if ((guint) code < TF_N_FINDING_CODES)
        writer->counts[code]++;
      if (tf_finding_get_severity (finding) >= TF_SEVERITY_WARNING)
        writer->n_problems++;
    }
  writer->n_items++;
}

void
tf_json_writer_append_item (TfJsonWriter *writer,
                            TfItem *item,
                            GString *out)
{
  g_return_if_fail (writer != NULL);
  g_return_if_fail (TF_IS_ITEM (item));
  g_return_if_fail (out != NULL);

  G_STATIC_ASSERT (TF_JSON_VERSION == 1);

  tf_json_writer_count_item (writer, item);
  if (!writer->started)
    {
      writer->started = TRUE;
      g_string_append (out, DOCUMENT_HEAD "\n  ");
    }
  else
    {
      put_literal (out, ",\n  ");
    }
  append_item (out, item);
}

char *
tf_json_writer_add_item (TfJsonWriter *writer,
                         TfItem *item)
{
  GString *out;

  g_return_val_if_fail (writer != NULL, NULL);
  g_return_val_if_fail (TF_IS_ITEM (item), NULL);

  out = g_string_sized_new (1024);
  tf_json_writer_append_item (writer, item, out);

  return g_string_free (out, FALSE);
}

char *
tf_json_writer_finish (TfJsonWriter *writer,
                       guint n_files)
{
  GString *out;

  g_return_val_if_fail (writer != NULL, NULL);

  out = g_string_new (writer->started ? "\n ]" : DOCUMENT_HEAD "]");
  g_string_append_printf (out, ", \"summary\": {\"files\":%u,\"items\":%u,\"findings\":{",
                          n_files, writer->n_items);
  for (guint code = 0; code < TF_N_FINDING_CODES; code++)
    {
      if (code > 0)
        g_string_append_c (out, ',');
      append_string (out, tf_finding_code_to_string (code));
      g_string_append_printf (out, ":%u", writer->counts[code]);
    }
  g_string_append (out, "}}}\n");

  return g_string_free (out, FALSE);
}

char *
tf_items_to_json_document (GPtrArray *items,
                           guint n_files)
{
  g_autoptr (TfJsonWriter) writer = tf_json_writer_new ();
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (items != NULL, NULL);

  for (guint i = 0; i < items->len; i++)
    tf_json_writer_append_item (writer, g_ptr_array_index (items, i), out);

  {
    g_autofree char *tail = tf_json_writer_finish (writer, n_files);

    g_string_append (out, tail);
  }

  return g_string_free (out, FALSE);
}
