/* tf-export.c — CSV export of items and their findings
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tf-enums.h"
#include "tf-export.h"
#include "tf-filetime.h"

/* Column names are a stable, untranslated interface for scripts. */
static const char *const columns[] = {
  "file",
  "format",
  "kind",
  "subject",
  "from",
  "sent",
  "uid",
  "recipients",
  "problems",
  "finding",
  "severity",
  "finding_recipient",
  "detail",
};

char *
tf_export_redact (const char *value,
                  const char *salt)
{
  g_autoptr (GChecksum) checksum = NULL;
  g_autofree char *lower = NULL;
  const char *digest;

  g_return_val_if_fail (value != NULL, NULL);

  lower = g_utf8_strdown (value, -1);
  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  if (salt != NULL)
    g_checksum_update (checksum, (const guchar *) salt, strlen (salt));
  g_checksum_update (checksum, (const guchar *) lower, strlen (lower));
  digest = g_checksum_get_string (checksum);

  return g_strndup (digest, 12);
}

static void
append_cell (GString *row,
             const char *value,
             gboolean first)
{
  gboolean quote;

  if (!first)
    g_string_append_c (row, ',');
  if (value == NULL || *value == '\0')
    return;

  quote = strpbrk (value, ",\"\r\n") != NULL;
  if (quote)
    g_string_append_c (row, '"');

  /* CSV injection: spreadsheets execute cells starting with these */
  if (strchr ("=+-@\t\r", value[0]) != NULL)
    g_string_append_c (row, '\'');

  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append (row, "\"\"");
      else
        g_string_append_c (row, *p);
    }

  if (quote)
    g_string_append_c (row, '"');
}

typedef struct
{
  gboolean redact;
  const char *salt;
  GHashTable *cache; /* value → token */
} Redactor;

static const char *
redact (Redactor *r,
        const char *value)
{
  char *token;

  if (!r->redact || value == NULL || *value == '\0')
    return value;

  token = g_hash_table_lookup (r->cache, value);
  if (token == NULL)
    {
      token = tf_export_redact (value, r->salt);
      g_hash_table_insert (r->cache, g_strdup (value), token);
    }

  return token;
}

/* Replaces every recipient address of @item (and the sender) inside @text
 * with its token, so finding details do not leak what the address column
 * hides. */
static char *
redact_text (Redactor *r,
             TfItem *item,
             const char *text)
{
  g_autoptr (GString) out = NULL;
  guint n;

  if (!r->redact || text == NULL)
    return g_strdup (text);

  out = g_string_new (text);
  n = tf_item_get_n_recipients (item);
  for (guint i = 0; i < n; i++)
    {
      TfRecipient *recipient = tf_item_get_recipient (item, i);
      const char *address = tf_recipient_get_address (recipient);
      const char *name = tf_recipient_get_name (recipient);

      if (address != NULL && *address != '\0')
        g_string_replace (out, address, redact (r, address), 0);
      if (name != NULL && *name != '\0')
        g_string_replace (out, name, redact (r, name), 0);
    }
  if (tf_item_get_subject (item) != NULL && *tf_item_get_subject (item) != '\0')
    g_string_replace (out, tf_item_get_subject (item), redact (r, tf_item_get_subject (item)), 0);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
append_item_cells (GString *row,
                   Redactor *r,
                   TfItem *item)
{
  g_autofree char *sent = NULL;
  g_autofree char *n_recipients = NULL;
  g_autofree char *n_problems = NULL;
  const char *kind;

  if (tf_item_get_sent (item) != G_MININT64)
    sent = tf_unix_format_iso (tf_item_get_sent (item));
  n_recipients = g_strdup_printf ("%u", tf_item_get_n_recipients (item));
  n_problems = g_strdup_printf ("%u", tf_item_get_n_problems (item));

  kind = tf_kind_to_string (tf_item_get_kind (item));
  if (tf_item_get_kind (item) == TF_KIND_REQUEST && tf_item_get_is_update (item))
    kind = "update";

  append_cell (row, tf_item_get_path (item), TRUE);
  append_cell (row, tf_format_to_string (tf_item_get_format (item)), FALSE);
  append_cell (row, kind, FALSE);
  append_cell (row, redact (r, tf_item_get_subject (item)), FALSE);
  append_cell (row, redact (r, tf_item_get_from (item)), FALSE);
  append_cell (row, sent, FALSE);
  append_cell (row, tf_item_get_uid (item), FALSE);
  append_cell (row, n_recipients, FALSE);
  append_cell (row, n_problems, FALSE);
}

gboolean
tf_export_csv (GOutputStream *out,
               GListModel *items,
               TfExportFlags flags,
               const char *salt,
               GCancellable *cancellable,
               GError **error)
{
  g_autoptr (GHashTable) cache = NULL;
  g_autoptr (GString) row = NULL;
  g_autofree char *random_salt = NULL;
  Redactor r;
  guint n;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);
  g_return_val_if_fail (G_IS_LIST_MODEL (items), FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (salt == NULL && (flags & TF_EXPORT_REDACT) != 0)
    {
      guint8 bytes[16];

      for (guint i = 0; i < G_N_ELEMENTS (bytes); i++)
        bytes[i] = (guint8) g_random_int_range (0, 256);
      random_salt = g_compute_checksum_for_data (G_CHECKSUM_SHA256, bytes, sizeof bytes);
      salt = random_salt;
    }

  cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  r.redact = (flags & TF_EXPORT_REDACT) != 0;
  r.salt = salt;
  r.cache = cache;

  row = g_string_sized_new (4096);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    append_cell (row, columns[i], i == 0);
  g_string_append (row, "\r\n");

  n = g_list_model_get_n_items (items);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (items, i);
      guint n_findings = tf_item_get_n_findings (item);

      for (guint j = 0; j < MAX (n_findings, 1); j++)
        {
          append_item_cells (row, &r, item);

          if (n_findings > 0)
            {
              TfFinding *finding = tf_item_get_finding (item, j);
              g_autofree char *detail = redact_text (&r, item, tf_finding_get_detail (finding));

              append_cell (row, tf_finding_get_code_name (finding), FALSE);
              append_cell (row, tf_severity_to_string (tf_finding_get_severity (finding)), FALSE);
              append_cell (row, redact (&r, tf_finding_get_recipient (finding)), FALSE);
              append_cell (row, detail, FALSE);
            }
          else
            {
              for (guint k = 0; k < 4; k++)
                append_cell (row, NULL, FALSE);
            }
          g_string_append (row, "\r\n");
        }

      if (row->len >= 64 * 1024 || i + 1 == n)
        {
          if (!g_output_stream_write_all (out, row->str, row->len, NULL, cancellable, error))
            return FALSE;
          g_string_truncate (row, 0);
        }
    }

  if (row->len > 0 && !g_output_stream_write_all (out, row->str, row->len, NULL, cancellable, error))
    return FALSE;

  return g_output_stream_flush (out, cancellable, error);
}
