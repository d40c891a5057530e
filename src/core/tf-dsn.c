/* tf-dsn.c — delivery status notifications (RFC 3464) and Exchange text NDRs
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tf-reader.h"
#include "tf-text-private.h"

/* Hand-written: a message/delivery-status body is a series of header-style
 * field groups, and neither GMime nor GLib parse those (GMime's parser
 * stops after the first header block). Text NDRs have no standard at all. */

/* Reports with more recipients than this are cut: the rest is noise for
 * our purpose and it bounds the work per file. */
#define MAX_DSN_RECIPIENTS 1000
#define MAX_FIELD_LENGTH 4096

typedef struct
{
  char *address;
  char *name; /* display name a text NDR gave, or NULL */
  char *action;
  char *status;
  char *diagnostic;
  gboolean has_final; /* @address came from Final-Recipient */
} DsnRecord;

static void
dsn_record_clear (DsnRecord *record)
{
  g_clear_pointer (&record->address, g_free);
  g_clear_pointer (&record->name, g_free);
  g_clear_pointer (&record->action, g_free);
  g_clear_pointer (&record->status, g_free);
  g_clear_pointer (&record->diagnostic, g_free);
  record->has_final = FALSE;
}

static GRegex *
status_regex (void)
{
  static GRegex *regex = NULL;

  if (g_once_init_enter (&regex))
    {
      /* RFC 3463 class.subject.detail, as "#4.4.7", "4.4.7" or
       * "550 5.1.1"; only classes 2, 4 and 5 exist. GRegex matching is
       * thread-safe once compiled. Not G_REGEX_OPTIMIZE: the texts are
       * short, and PCRE's JIT code reads past string ends in ways memory
       * checkers report. */
      GRegex *r = g_regex_new ("(?:^|[\\s#(\\[<:;])([245]\\.\\d{1,3}\\.\\d{1,3})(?![\\d.]*\\d)",
                               0, 0, NULL);
      g_once_init_leave (&regex, r);
    }

  return regex;
}

/* First RFC 3463 status code in @text, or NULL */
static char *
find_status (const char *text)
{
  g_autoptr (GMatchInfo) match = NULL;

  if (text == NULL)
    return NULL;

  if (!g_regex_match (status_regex (), text, 0, &match))
    return NULL;

  return g_match_info_fetch (match, 1);
}

/* "rfc822; user@example.com" → "user@example.com" */
static char *
dup_address (const char *value)
{
  const char *semicolon = strchr (value, ';');
  const char *start = semicolon != NULL ? semicolon + 1 : value;
  g_autofree char *address = g_strstrip (g_strdup (start));
  gsize len = strlen (address);

  if (len >= 2 && address[0] == '<' && address[len - 1] == '>')
    {
      address[len - 1] = '\0';
      memmove (address, address + 1, len - 1);
      g_strstrip (address);
    }

  if (*address == '\0')
    return NULL;

  return g_steal_pointer (&address);
}

static void
set_field (char **field,
           const char *value,
           gboolean replace)
{
  if (value == NULL || *value == '\0')
    return;

  if (*field != NULL && !replace)
    return;

  g_free (*field);
  *field = g_strdup (value);
}

/* Adds or updates the DSN recipient for @record. The machine-readable
 * report replaces what a text part said (@replace TRUE); a text NDR only
 * fills gaps. */
static void
store_record (TfItem *item,
              DsnRecord *record,
              gboolean replace)
{
  g_autoptr (TfRecipient) created = NULL;
  TfRecipient *recipient;
  g_autofree char *action = NULL;
  g_autofree char *status = NULL;
  g_autofree char *diagnostic = NULL;

  if (record->address == NULL)
    return;

  recipient = tf_item_find_recipient (item, record->address, TF_SOURCE_DSN);
  if (recipient == NULL)
    {
      created = tf_recipient_new (TF_SOURCE_DSN);
      tf_recipient_set_address (created, record->address);
      tf_recipient_set_recipient_type (created, TF_RECIPIENT_TYPE_TO);
      recipient = created;
    }

  action = g_strdup (tf_recipient_get_dsn_action (recipient));
  status = g_strdup (tf_recipient_get_dsn_status (recipient));
  diagnostic = g_strdup (tf_recipient_get_dsn_diagnostic (recipient));
  set_field (&action, record->action, replace);
  set_field (&status, record->status, replace);
  set_field (&diagnostic, record->diagnostic, replace);
  tf_recipient_set_dsn (recipient, action, status, diagnostic);
  if (record->name != NULL && tf_recipient_get_name (recipient) == NULL)
    tf_recipient_set_name (recipient, record->name);

  if (created != NULL)
    tf_item_add_recipient (item, created);

  tf_item_add_source (item, TF_SOURCE_DSN);
}

static gboolean
field_is (const char *name,
          gsize name_len,
          const char *wanted)
{
  return strlen (wanted) == name_len && g_ascii_strncasecmp (name, wanted, name_len) == 0;
}

/* Splits @text into lines (CRLF, LF or CR), without the terminators. */
static char **
split_lines (const char *text,
             gsize len)
{
  GPtrArray *lines = g_ptr_array_new ();
  gsize start = 0;

  for (gsize i = 0; i <= len; i++)
    {
      if (i == len || text[i] == '\n' || text[i] == '\r' || text[i] == '\0')
        {
          if (i == len && start == len)
            break;

          g_ptr_array_add (lines, g_strndup (text + start, i - start));

          if (i < len && text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
            i++;
          if (i < len && text[i] == '\0')
            break;
          start = i + 1;
        }
    }

  g_ptr_array_add (lines, NULL);

  return (char **) g_ptr_array_free (lines, FALSE);
}

/* Stores the pending record (if any) and starts a new one. */
static void
flush_record (TfItem *item,
              DsnRecord *record,
              guint *n_records,
              gboolean replace)
{
  if (record->address != NULL)
    {
      if (*n_records < MAX_DSN_RECIPIENTS)
        store_record (item, record, replace);
      (*n_records)++;
    }

  dsn_record_clear (record);
}

static void
apply_field (DsnRecord *record,
             TfItem *item,
             guint *n_records,
             const char *name,
             gsize name_len,
             const char *value,
             gboolean *found)
{
  gboolean is_final = field_is (name, name_len, "Final-Recipient");

  if (is_final || field_is (name, name_len, "Original-Recipient"))
    {
      g_autofree char *address = dup_address (value);

      /* Original-Recipient precedes Final-Recipient within a group, so a
       * recipient field that cannot belong to the pending group starts the
       * next one, even without the blank line RFC 3464 asks for. */
      if (is_final ? record->has_final : record->address != NULL)
        flush_record (item, record, n_records, TRUE);

      if (address != NULL && (is_final || record->address == NULL))
        {
          g_free (record->address);
          record->address = g_steal_pointer (&address);
          record->has_final = is_final;
          *found = TRUE;
        }
    }
  else if (field_is (name, name_len, "Action"))
    {
      g_autofree char *action = g_ascii_strdown (value, -1);
      set_field (&record->action, g_strstrip (action), TRUE);
    }
  else if (field_is (name, name_len, "Status"))
    {
      g_autofree char *status = find_status (value);
      set_field (&record->status, status != NULL ? status : value, TRUE);
    }
  else if (field_is (name, name_len, "Diagnostic-Code"))
    {
      set_field (&record->diagnostic, value, TRUE);
    }
}

static gboolean
read_status (const char *text,
             gsize len,
             TfItem *item,
             guint depth)
{
  g_auto (GStrv) lines = NULL;
  DsnRecord record = { 0 };
  GString *field = NULL;
  guint n_records = 0;
  gboolean found = FALSE;
  gboolean base64_rest = FALSE;

  if (len == 0)
    return FALSE;

  lines = split_lines (text, len);
  field = g_string_new (NULL);

  /* One extra round with a NULL line flushes the last field and group. */
  for (guint i = 0;; i++)
    {
      const char *line = lines[i];
      gboolean continuation = line != NULL && (line[0] == ' ' || line[0] == '\t');

      if (continuation && field->len > 0)
        {
          /* Folded field: unfold. */
          if (field->len < MAX_FIELD_LENGTH)
            {
              g_string_append_c (field, ' ');
              g_string_append (field, g_strstrip ((char *) line));
            }
          continue;
        }

      if (field->len > 0)
        {
          const char *colon = strchr (field->str, ':');

          if (colon != NULL && colon > field->str)
            {
              g_autofree char *value = g_strstrip (g_strdup (colon + 1));
              gsize name_len = (gsize) (colon - field->str);

              while (name_len > 0 && g_ascii_isspace (field->str[name_len - 1]))
                name_len--;

              /* Postfix sometimes base64-encodes the per-recipient groups and
               * says so in the per-message group. */
              if (field_is (field->str, name_len, "Content-Transfer-Encoding") && g_ascii_strcasecmp (value, "base64") == 0)
                base64_rest = TRUE;
              else
                apply_field (&record, item, &n_records, field->str, name_len, value, &found);
            }
          g_string_truncate (field, 0);
        }

      if (line == NULL || *g_strstrip ((char *) line) == '\0')
        {
          /* Blank line: end of a group. */
          flush_record (item, &record, &n_records, TRUE);

          if (base64_rest && line != NULL && depth == 0)
            {
              g_autofree char *rest = g_strjoinv ("\n", (char **) &lines[i + 1]);
              g_autofree guchar *decoded = NULL;
              gsize decoded_len = 0;

              decoded = g_base64_decode (rest, &decoded_len);
              if (read_status ((const char *) decoded, decoded_len, item, depth + 1))
                found = TRUE;
              break;
            }

          if (line == NULL)
            break;
          continue;
        }

      g_string_append (field, line);
    }

  g_string_free (field, TRUE);

  return found;
}

/**
 * tf_dsn_read_status:
 * @text: the decoded body of a message/delivery-status part
 * @len: its length in bytes
 * @item: the item to add TF_SOURCE_DSN recipients to
 *
 * Reads every per-recipient group: Final-Recipient (or
 * Original-Recipient), Action, Status and Diagnostic-Code. Groups are
 * told apart by blank lines or, when a sender forgot those, by the next
 * recipient field.
 *
 * Returns: TRUE when at least one recipient was found
 */
gboolean
tf_dsn_read_status (const char *text,
                    gsize len,
                    TfItem *item)
{
  g_return_val_if_fail (text != NULL || len == 0, FALSE);
  g_return_val_if_fail (TF_IS_ITEM (item), FALSE);

  return read_status (text, len, item, 0);
}

/* An address: local@domain, no blanks, no further '@' */
static gboolean
is_bare_address (const char *text)
{
  const char *at = strchr (text, '@');

  return at != NULL && at != text && at[1] != '\0' && strchr (at + 1, '@') == NULL && strpbrk (text, " \t<>()[],;:\"'") == NULL;
}

/* A display name written without quotes before "<address>": short, and
 * not a sentence (diagnostic lines also hold "<…>") */
#define MAX_BARE_NAME 64

static gboolean
is_bare_name (const char *text,
              gsize len)
{
  return len <= MAX_BARE_NAME && strpbrk (text, ".,:;!?()[]@\"'<>") == NULL;
}

/* What may follow the address on a recipient line: nothing, "on <date>",
 * or the status ("#4.4.7", "#4.4.7 X.400; …", "#< #4.4.7 smtp;…>") */
static gboolean
is_recipient_tail (const char *rest)
{
  return *rest == '\0' || *rest == '#' || (g_ascii_strncasecmp (rest, "on", 2) == 0 && (rest[2] == ' ' || rest[2] == '\t'));
}

/*
 * A recipient line of a text NDR:
 *   user@example.com on 8/22/2008 11:34 AM
 *   'user@example.com' on 8/22/2008 11:34 AM      (Exchange 2003)
 *   "Jane Doe" <user@example.com> on 8/22/2008 …
 *   Jane Doe <user@example.com>
 *   <user@example.com>
 *   user@example.com #4.4.7 X.400; …               (IMS)
 * Returns the bare address (and the display name, when there is one, in
 * @name), with a status on the same line in @tail, or NULL.
 */
static char *
parse_recipient_line (const char *line,
                      char **name,
                      char **tail)
{
  g_autofree char *copy = g_strstrip (g_strdup (line));
  g_autofree char *display = NULL;
  g_autofree char *address = NULL;
  char *p = copy;
  char *end;

  if (*p == '"')
    {
      end = strchr (p + 1, '"');
      if (end == NULL)
        return NULL;
      display = g_strndup (p + 1, end - p - 1);
      p = end + 1;
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p != '<')
        return NULL;
    }
  else if (*p != '<' && *p != '\'' && (end = strchr (p, '<')) != NULL)
    {
      display = g_strstrip (g_strndup (p, end - p));
      /* Office 365: "user@example.com<mailto:user@example.com>" */
      if (is_bare_address (display) && g_ascii_strncasecmp (end + 1, "mailto:", 7) == 0)
        {
          gsize n = strlen (display);

          if (g_ascii_strncasecmp (end + 8, display, n) != 0 || end[8 + n] != '>')
            return NULL;
          address = g_steal_pointer (&display);
          p = end + 8 + n + 1;
        }
      else if (!is_bare_name (display, strlen (display)))
        return NULL;
      else
        p = end;
    }

  if (address != NULL)
    ;

  else if (*p == '<' || *p == '\'')
    {
      char close = *p == '<' ? '>' : '\'';

      end = strchr (p + 1, close);
      if (end == NULL)
        return NULL;
      address = g_strstrip (g_strndup (p + 1, end - p - 1));
      p = end + 1;
      /* '<user@example.com>' */
      if (close == '\'' && address[0] == '<' && g_str_has_suffix (address, ">"))
        {
          char *inner = g_strndup (address + 1, strlen (address) - 2);

          g_free (address);
          address = inner;
        }
    }
  else if (address == NULL)
    {
      gsize n = strcspn (p, " \t");

      address = g_strndup (p, n);
      p += n;
    }

  while (*p == ' ' || *p == '\t')
    p++;
  if (!is_bare_address (address) || !is_recipient_tail (p))
    return NULL;

  if (display != NULL && *display != '\0' && g_ascii_strcasecmp (display, address) != 0)
    *name = g_steal_pointer (&display);
  *tail = *p == '#' ? g_strdup (p) : NULL;

  return g_steal_pointer (&address);
}

/* Exchange 2000/2003 ("The following recipient(s) could not be reached:"),
 * Exchange 5.5 / IMS ("did not reach the following recipient(s):") and
 * Exchange 2007+ text parts ("Delivery has failed to these recipients or
 * groups:"). English only: the server localized these reports and no
 * sample in another language exists. Lower case. */
static const char *const recipient_markers[] = {
  "could not be reached",
  "did not reach the following recipient",
  "delivery has failed to these recipients",
};

static gboolean
has_recipients_marker (const char *text,
                       gsize len)
{
  for (guint i = 0; i < G_N_ELEMENTS (recipient_markers); i++)
    if (tf_text_contains_ci (text, len, recipient_markers[i]))
      return TRUE;

  return FALSE;
}

static void
flush_text_record (TfItem *item,
                   DsnRecord *record,
                   GString *diagnostic,
                   guint *n_records)
{
  if (record->address != NULL)
    {
      record->status = find_status (diagnostic->str);
      record->action = g_strdup ("failed");
      if (diagnostic->len > 0)
        record->diagnostic = g_strdup (diagnostic->str);
    }

  flush_record (item, record, n_records, FALSE);
  g_string_truncate (diagnostic, 0);
}

/**
 * tf_dsn_read_text:
 * @text: a decoded text/plain body
 * @len: its length in bytes
 * @item: the item to add TF_SOURCE_DSN recipients to
 *
 * Looks for an Exchange text NDR: after "The following recipient(s) could
 * not be reached:" (or the older/newer equivalents), each recipient line
 * ("user@domain on <date>", "'user@domain' on <date>", "\"Name\"
 * <user@domain>", a bare address, see parse_recipient_line()) starts a
 * recipient: the bare address, with the display name kept separately; the
 * rest of that line from '#' and the indented lines after it are its
 * diagnostic, in which "#4.4.7" or "4.4.7" is the status.
 *
 * Returns: TRUE when at least one recipient was found
 */
gboolean
tf_dsn_read_text (const char *text,
                  gsize len,
                  TfItem *item)
{
  g_auto (GStrv) lines = NULL;
  g_autoptr (GString) diagnostic = NULL;
  DsnRecord record = { 0 };
  gboolean in_list = FALSE;
  gboolean found = FALSE;
  guint n_records = 0;

  g_return_val_if_fail (text != NULL || len == 0, FALSE);
  g_return_val_if_fail (TF_IS_ITEM (item), FALSE);

  if (len == 0)
    return FALSE;

  /* Most text parts are ordinary mail: don't split those into lines. */
  if (!has_recipients_marker (text, len))
    return FALSE;

  lines = split_lines (text, len);
  diagnostic = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      g_autofree char *address = NULL;
      g_autofree char *name = NULL;
      g_autofree char *tail = NULL;
      g_autofree char *trimmed = NULL;

      if (!in_list)
        {
          in_list = has_recipients_marker (line, strlen (line));
          continue;
        }

      address = parse_recipient_line (line, &name, &tail);
      if (address != NULL)
        {
          flush_text_record (item, &record, diagnostic, &n_records);
          record.address = g_steal_pointer (&address);
          record.name = g_steal_pointer (&name);
          if (tail != NULL)
            g_string_append (diagnostic, tail);
          found = TRUE;
          continue;
        }

      if (record.address == NULL)
        continue;

      trimmed = g_strstrip (g_strdup (line));
      if (*trimmed == '\0')
        {
          /* A blank line after some diagnostic text ends the block; text
           * after it (until the next recipient line) is not about it. */
          if (diagnostic->len > 0)
            flush_text_record (item, &record, diagnostic, &n_records);
          continue;
        }

      if (diagnostic->len < MAX_FIELD_LENGTH)
        {
          if (diagnostic->len > 0)
            g_string_append_c (diagnostic, ' ');
          g_string_append (diagnostic, trimmed);
        }
    }

  flush_text_record (item, &record, diagnostic, &n_records);

  return found;
}
