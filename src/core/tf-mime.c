/* tf-mime.c — RFC 5322 / MIME reader (GMime)
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tf-autocleanups-private.h"
#include "tf-bytes-stream-private.h"
#include "tf-mime-fast-private.h"
#include "tf-mime-private.h"
#include "tf-reader.h"

/* Decoded parts larger than this are not handed to the readers: no
 * meeting item or report comes close, and it bounds memory per file. */
#define MAX_DECODED_PART (256 * 1024 * 1024)

typedef struct
{
  gboolean truncated;
  gboolean nesting_overflow;
} ParseIssues;

/* Called for every numbered part; return TRUE to stop the walk. */
typedef gboolean (*PartVisitFunc) (GMimeObject *part,
                                   gint index,
                                   guint n_messages,
                                   gpointer user_data);

typedef struct
{
  PartVisitFunc func;
  gpointer user_data;
  gint next_index;
  gboolean too_deep;
  gboolean stopped;
} PartWalk;

typedef struct
{
  TfItem *item;
  TfReadFlags flags;
} ReadContext;

typedef struct
{
  gint wanted;
  GMimeObject *found;
} FindContext;

static void
ensure_gmime (void)
{
  static gsize initialized = 0;

  /* tf_core_init() normally did this already; g_mime_init() counts its
   * callers, so a second call is harmless. */
  if (g_once_init_enter (&initialized))
    {
      g_mime_init ();
      g_once_init_leave (&initialized, 1);
    }
}

static void
parser_warning_cb (gint64 offset,
                   GMimeParserWarning code,
                   const char *what,
                   gpointer user_data)
{
  ParseIssues *issues = user_data;

  /* GMime recovers from everything else (duplicated headers, bad
   * parameters…) well enough for our purpose; these two lose content. */
  switch ((int) code)
    {
    case GMIME_WARN_TRUNCATED_MESSAGE:
      issues->truncated = TRUE;
      break;
    case GMIME_CRIT_NESTING_OVERFLOW:
      issues->nesting_overflow = TRUE;
      break;
    default:
      break;
    }
}

static gsize
skip_mbox_from_line (const guint8 *data,
                     gsize len)
{
  const guint8 *nl;

  /* An mbox separator is not a header; GMime would stop the header block
   * at it. */
  if (len < 5 || memcmp (data, "From ", 5) != 0)
    return 0;

  nl = memchr (data, '\n', len);

  return nl != NULL ? (gsize) (nl - data) + 1 : len;
}

static GMimeMessage *
parse_message (GBytes *data,
               ParseIssues *issues,
               GError **error)
{
  g_autoptr (GMimeStream) stream = NULL;
  g_autoptr (GMimeParser) parser = NULL;
  GMimeParserOptions *options;
  GMimeMessage *message;
  const guint8 *bytes;
  gsize len = 0;
  gsize start;

  ensure_gmime ();

  bytes = g_bytes_get_data (data, &len);
  start = skip_mbox_from_line (bytes, len);

  if (start >= len)
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_PARSE,
                           _ ("The message is empty."));
      return NULL;
    }

  stream = tf_bytes_stream_new (data, (gint64) start, (gint64) len);
  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  g_mime_parser_set_persist_stream (parser, TRUE);

  options = g_mime_parser_options_new ();
  g_mime_parser_options_set_warning_callback (options, parser_warning_cb, issues);
  message = g_mime_parser_construct_message (parser, options);
  g_mime_parser_options_free (options);

  if (message == NULL)
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_PARSE,
                           _ ("No RFC 5322 header block was found."));
      return NULL;
    }

  if (g_mime_header_list_get_count (g_mime_object_get_header_list (GMIME_OBJECT (message))) == 0)
    {
      g_object_unref (message);
      g_set_error_literal (error, TF_ERROR, TF_ERROR_PARSE,
                           _ ("No RFC 5322 header block was found."));
      return NULL;
    }

  return message;
}

static void
walk_part (PartWalk *walk,
           GMimeObject *part,
           guint depth,
           guint n_messages)
{
  gint index;

  if (walk->stopped || part == NULL)
    return;

  if (depth >= TF_MIME_MAX_DEPTH)
    {
      walk->too_deep = TRUE;
      return;
    }

  index = walk->next_index++;
  if (walk->func (part, index, n_messages, walk->user_data))
    {
      walk->stopped = TRUE;
      return;
    }

  if (GMIME_IS_MULTIPART (part))
    {
      GMimeMultipart *multipart = GMIME_MULTIPART (part);
      int n = g_mime_multipart_get_count (multipart);

      for (int i = 0; i < n && !walk->stopped; i++)
        walk_part (walk, g_mime_multipart_get_part (multipart, i), depth + 1, n_messages);
    }
  else if (GMIME_IS_MESSAGE_PART (part))
    {
      GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (part));

      if (inner != NULL)
        walk_part (walk, g_mime_message_get_mime_part (inner), depth + 1, n_messages + 1);
    }
}

/* Returns TRUE when parts were left out because they nest too deeply. */
static gboolean
walk_message (GMimeMessage *message,
              PartVisitFunc func,
              gpointer user_data)
{
  PartWalk walk = { func, user_data, 0, FALSE, FALSE };

  walk_part (&walk, g_mime_message_get_mime_part (message), 0, 0);

  return walk.too_deep;
}

static gboolean
find_part_cb (GMimeObject *part,
              gint index,
              guint n_messages,
              gpointer user_data)
{
  FindContext *ctx = user_data;

  if (index != ctx->wanted)
    return FALSE;

  ctx->found = part;
  return TRUE;
}

static gboolean
collect_type_cb (GMimeObject *part,
                 gint index,
                 guint n_messages,
                 gpointer user_data)
{
  GPtrArray *types = user_data;
  GMimeContentType *ct = g_mime_object_get_content_type (part);
  g_autofree char *mime_type = ct != NULL ? g_mime_content_type_get_mime_type (ct) : NULL;

  g_ptr_array_add (types, g_ascii_strdown (mime_type != NULL ? mime_type : "application/octet-stream", -1));

  return FALSE;
}

/* RFC 3464: a delivery report must hold a message/delivery-status part. */
static gboolean
has_status_part (GMimeMultipart *multipart)
{
  int n = g_mime_multipart_get_count (multipart);

  for (int i = 0; i < n; i++)
    {
      GMimeObject *child = g_mime_multipart_get_part (multipart, i);

      if (GMIME_IS_PART (child) && tf_mime_is_delivery_status (g_mime_object_get_content_type (child)))
        return TRUE;
    }

  return FALSE;
}

/* TRUE when the last non-blank line is a closing delimiter ("--x--"). */
static gboolean
ends_with_close_delimiter (GBytes *data)
{
  gsize len = 0;
  const char *text = g_bytes_get_data (data, &len);
  gsize end = len;
  gsize start;

  while (end > 0 && g_ascii_isspace (text[end - 1]))
    end--;

  start = end;
  while (start > 0 && text[start - 1] != '\n' && text[start - 1] != '\r')
    start--;

  return end - start >= 4 && text[start] == '-' && text[start + 1] == '-' && text[end - 1] == '-' && text[end - 2] == '-';
}

/* Text for the iCalendar and DSN readers: transfer encoding removed,
 * converted to UTF-8 when a charset is declared, invalid UTF-8 replaced. */
static char *
dup_part_text (gconstpointer data,
               gsize *len)
{
  GMimePart *part = (GMimePart *) data;
  g_autofree char *text = NULL;

  if (GMIME_IS_TEXT_PART (part))
    {
      text = g_mime_text_part_get_text (GMIME_TEXT_PART (part));
    }
  else
    {
      g_autoptr (GBytes) bytes = tf_mime_dup_part_content (part);

      if (bytes != NULL)
        text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    }

  if (text == NULL)
    return NULL;

  if (!g_utf8_validate (text, -1, NULL))
    {
      char *valid = g_utf8_make_valid (text, -1);

      g_free (text);
      text = valid;
    }

  *len = strlen (text);

  return g_steal_pointer (&text);
}

static GBytes *
dup_part_content (gconstpointer part)
{
  return tf_mime_dup_part_content ((GMimePart *) part);
}

static const TfMimeLeafOps gmime_ops = { dup_part_content, dup_part_text };

static gboolean
read_part_cb (GMimeObject *object,
              gint index,
              guint n_messages,
              gpointer user_data)
{
  ReadContext *ctx = user_data;
  GMimeContentType *ct = g_mime_object_get_content_type (object);

  if (GMIME_IS_MULTIPART (object))
    {
      if (n_messages == 0 && tf_mime_is_delivery_report (ct))
        {
          /* A bounce even when its status part is lost */
          tf_item_add_source (ctx->item, TF_SOURCE_DSN);
          if (!has_status_part (GMIME_MULTIPART (object)))
            tf_mime_add_report_without_status (ctx->item, index);
        }
      return FALSE;
    }

  if (!GMIME_IS_PART (object))
    return FALSE;

  tf_mime_read_leaf (tf_mime_leaf_kind (ct, g_mime_object_get_content_disposition (object), n_messages > 0),
                     ct, &gmime_ops, object, index, ctx->item, ctx->flags);

  return FALSE;
}

static char *
dup_from (GMimeMessage *message)
{
  InternetAddressList *list = g_mime_message_get_from (message);
  g_autofree char *from = NULL;

  if (list == NULL || internet_address_list_length (list) == 0)
    return NULL;

  from = internet_address_list_to_string (list, NULL, FALSE);
  if (from == NULL || *from == '\0')
    return NULL;

  return g_steal_pointer (&from);
}

static void
read_headers (GMimeMessage *message,
              TfItem *item)
{
  /* Not g_mime_message_get_subject(): it decodes each encoded word alone */
  g_autofree char *subject = tf_mime_dup_header_text (GMIME_OBJECT (message), "Subject");
  const char *message_id = g_mime_message_get_message_id (message);
  GDateTime *date = g_mime_message_get_date (message);
  g_autofree char *from = dup_from (message);

  if (subject != NULL)
    tf_item_set_subject (item, subject);

  if (from != NULL && g_utf8_validate (from, -1, NULL))
    tf_item_set_from (item, from);

  if (message_id != NULL && g_utf8_validate (message_id, -1, NULL))
    tf_item_set_message_id (item, message_id);

  if (date != NULL)
    tf_item_set_sent (item, g_date_time_to_unix (date));

  tf_item_add_source (item, TF_SOURCE_HEADER);
}

/**
 * tf_mime_parse_bytes:
 *
 * See tf-mime-private.h.
 */
GMimeMessage *
tf_mime_parse_bytes (GBytes *data,
                     GError **error)
{
  ParseIssues issues = { 0 };

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_message (data, &issues, error);
}

GMimeObject *
tf_mime_find_part (GMimeMessage *message,
                   gint part_index)
{
  FindContext ctx = { part_index, NULL };

  g_return_val_if_fail (GMIME_IS_MESSAGE (message), NULL);

  if (part_index < 0)
    return NULL;

  walk_message (message, find_part_cb, &ctx);

  return ctx.found;
}

GPtrArray *
tf_mime_dup_part_types (GMimeMessage *message)
{
  GPtrArray *types;

  g_return_val_if_fail (GMIME_IS_MESSAGE (message), NULL);

  types = g_ptr_array_new_with_free_func (g_free);
  walk_message (message, collect_type_cb, types);

  return types;
}

GBytes *
tf_mime_dup_part_content (GMimePart *part)
{
  g_autoptr (GMimeStream) out = NULL;
  GMimeDataWrapper *content;
  GByteArray *array;

  g_return_val_if_fail (GMIME_IS_PART (part), NULL);

  content = g_mime_part_get_content (part);
  if (content == NULL)
    return g_bytes_new (NULL, 0);

  array = g_byte_array_new ();
  out = g_mime_stream_mem_new_with_byte_array (array);
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (out), FALSE);

  if (g_mime_data_wrapper_write_to_stream (content, out) < 0 || array->len > MAX_DECODED_PART)
    {
      g_byte_array_unref (array);
      return NULL;
    }

  return g_byte_array_free_to_bytes (array);
}

/**
 * tf_mime_read:
 * @data: an RFC 5322 message (an .eml, a queue file, one mbox message)
 * @item: the item to fill
 * @flags: read flags
 *
 * Reads the headers (subject, from, message-id, date) and every MIME part
 * (numbered as described in tf-mime-private.h): calendar parts go to
 * tf_ical_read(), TNEF parts to tf_tnef_read(), delivery-status parts to
 * tf_dsn_read_status() and top-level text parts to tf_dsn_read_text().
 *
 * Returns: FALSE when no message could be read (a PARSE_ERROR finding says
 *   why)
 */
gboolean
tf_mime_read (GBytes *data,
              TfItem *item,
              TfReadFlags flags)
{
  g_autoptr (GMimeMessage) message = NULL;
  g_autoptr (GError) error = NULL;
  ParseIssues issues = { 0 };
  ReadContext ctx = { item, flags };

  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (TF_IS_ITEM (item), FALSE);

  /* Ordinary shapes without GMime's object tree (tf-mime-fast.c) */
  if (tf_mime_get_path () == TF_MIME_PATH_AUTO && tf_mime_fast_read (data, item, flags))
    return TRUE;

  message = parse_message (data, &issues, &error);
  if (message == NULL)
    {
      tf_item_add_finding (item, tf_finding_new (TF_FINDING_PARSE_ERROR, NULL, error->message));
      return FALSE;
    }

  read_headers (message, item);

  if (walk_message (message, read_part_cb, &ctx) || issues.nesting_overflow)
    tf_item_add_finding (item,
                         tf_finding_new (TF_FINDING_PARSE_ERROR, NULL,
                                         _ ("MIME parts are nested too deeply (an attack on mail parsers or a damaged file); the deepest parts were not read.")));

  /* GMime also says "truncated" when only the final closing boundary is
   * missing, which is common and loses nothing (Thunderbird writes such
   * files); a file cut off inside a part does not end with a delimiter. */
  if (issues.truncated && !ends_with_close_delimiter (data))
    tf_item_add_finding (item,
                         tf_finding_new (TF_FINDING_PARSE_ERROR, NULL,
                                         _ ("The message is truncated: the file ends inside a MIME part, so the rest of that part and any later parts are lost.")));

  return TRUE;
}
