/* tf-journal.c — append-only JSON-lines record of every write, for undo
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

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "tf-journal.h"
#include "tf-reader.h"
#include "tf-safe-io-private.h"
#include "tf-safe-io.h"

/* One JSON object per line, written with a single write() on an O_APPEND
 * descriptor under flock() and fsynced before the caller goes on: the
 * journal entry of a repair is on disk before the file is replaced
 * (write-ahead), so a crash can never leave a repaired file without the
 * record that undoes it. */

#define MAX_JOURNAL_SIZE (G_GUINT64_CONSTANT (1) << 31)
/* Longest range an in-place entry records (a PST patch writes 8 or 4) */
#define TF_JOURNAL_MAX_RANGE 4096

static void
add_string_member (JsonBuilder *builder,
                   const char *name,
                   const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* File names are bytes, JSON strings are UTF-8. A path that is not valid
 * UTF-8 is written twice: readable (invalid bytes shown as U+FFFD) under
 * @name, and exactly, base64-encoded, under "@name_b64", which the reader
 * prefers — undo must find the very file it backed up. */
static void
add_path_member (JsonBuilder *builder,
                 const char *name,
                 const char *path)
{
  g_autofree char *b64_name = NULL;
  g_autofree char *display = NULL;
  g_autofree char *b64 = NULL;

  if (path == NULL || g_utf8_validate (path, -1, NULL))
    {
      add_string_member (builder, name, path);
      return;
    }

  display = g_utf8_make_valid (path, -1);
  add_string_member (builder, name, display);
  b64_name = g_strconcat (name, "_b64", NULL);
  b64 = g_base64_encode ((const guchar *) path, strlen (path));
  add_string_member (builder, b64_name, b64);
}

static char *
bytes_to_hex (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GString *hex = g_string_sized_new (2 * len + 1);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (hex, "%02x", data[i]);
  return g_string_free (hex, FALSE);
}

static GBytes *
hex_to_bytes (const char *hex)
{
  gsize len = hex != NULL ? strlen (hex) : 0;
  g_autofree guint8 *data = NULL;

  if (hex == NULL || len % 2 != 0 || len > 2 * TF_JOURNAL_MAX_RANGE)
    return NULL;
  data = g_malloc (len / 2 + 1);
  for (gsize i = 0; i < len / 2; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);

      if (hi < 0 || lo < 0)
        return NULL;
      data[i] = (guint8) (hi << 4 | lo);
    }
  return g_bytes_new_take (g_steal_pointer (&data), len / 2);
}

/* "ranges": [{"offset": N, "old": "hex", "new": "hex"}, …] */
static void
add_ranges_member (JsonBuilder *builder,
                   GArray *ranges)
{
  if (ranges == NULL)
    return;
  json_builder_set_member_name (builder, "ranges");
  json_builder_begin_array (builder);
  for (guint i = 0; i < ranges->len; i++)
    {
      const TfJournalRange *r = &g_array_index (ranges, TfJournalRange, i);
      g_autofree char *old_hex = bytes_to_hex (r->before);
      g_autofree char *new_hex = bytes_to_hex (r->after);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "offset");
      json_builder_add_int_value (builder, (gint64) r->offset);
      add_string_member (builder, "old", old_hex);
      add_string_member (builder, "new", new_hex);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static char *dup_member (JsonObject *object,
                         const char *name);
static void range_clear (gpointer data);

/* FALSE when a range is malformed: an entry whose undo data cannot be
 * trusted is not an entry. */
static gboolean
read_ranges_member (JsonObject *object,
                    TfJournalEntry *entry)
{
  JsonNode *node = json_object_get_member (object, "ranges");
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *el = json_array_get_element (array, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (el) ? json_node_get_object (el) : NULL;
      JsonNode *off = o ? json_object_get_member (o, "offset") : NULL;
      g_autofree char *old_hex = o ? dup_member (o, "old") : NULL;
      g_autofree char *new_hex = o ? dup_member (o, "new") : NULL;
      g_autoptr (GBytes) before = hex_to_bytes (old_hex);
      g_autoptr (GBytes) after = hex_to_bytes (new_hex);

      if (off == NULL || !JSON_NODE_HOLDS_VALUE (off) || json_node_get_value_type (off) != G_TYPE_INT64 || json_node_get_int (off) < 0 || before == NULL || after == NULL || g_bytes_get_size (before) != g_bytes_get_size (after) || g_bytes_get_size (before) == 0)
        return FALSE;
      tf_journal_entry_add_range (entry, (guint64) json_node_get_int (off), before, after);
    }
  return TRUE;
}

static char *
entry_to_line (TfJournalEntry *entry)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (builder);
  add_string_member (builder, "run_id", entry->run_id);
  add_string_member (builder, "time", entry->time);
  add_string_member (builder, "action", entry->action);
  add_path_member (builder, "file", entry->file);
  add_string_member (builder, "sha256_before", entry->sha256_before);
  add_string_member (builder, "sha256_after", entry->sha256_after);
  add_path_member (builder, "backup", entry->backup);
  add_path_member (builder, "target", entry->target);
  json_builder_set_member_name (builder, "changes");
  json_builder_begin_array (builder);
  for (guint i = 0; entry->changes != NULL && entry->changes[i] != NULL; i++)
    json_builder_add_string_value (builder, entry->changes[i]);
  json_builder_end_array (builder);
  add_ranges_member (builder, entry->ranges);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, FALSE);
  json = json_generator_to_data (generator, NULL);

  /* The generator escapes control characters, so this is one line. */
  g_assert (strchr (json, '\n') == NULL);
  return g_strconcat (json, "\n", NULL);
}

static char *
dup_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

/* See add_path_member(). A "_b64" member that does not decode to a
 * NUL-free path is ignored rather than trusted. */
static char *
dup_path_member (JsonObject *object,
                 const char *name)
{
  g_autofree char *b64_name = g_strconcat (name, "_b64", NULL);
  g_autofree char *b64 = dup_member (object, b64_name);

  if (b64 != NULL)
    {
      gsize len = 0;
      g_autofree guchar *raw = g_base64_decode (b64, &len);

      if (raw != NULL && len > 0 && memchr (raw, '\0', len) == NULL)
        return g_strndup ((const char *) raw, len);
    }

  return dup_member (object, name);
}

static TfJournalEntry *
entry_from_line (const char *line,
                 gsize len,
                 guint index)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (TfJournalEntry) entry = NULL;
  JsonObject *object;
  JsonNode *root;
  JsonNode *changes;

  if (!json_parser_load_from_data (parser, line, len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);

  entry = g_new0 (TfJournalEntry, 1);
  entry->index = index;
  entry->run_id = dup_member (object, "run_id");
  entry->time = dup_member (object, "time");
  entry->action = dup_member (object, "action");
  entry->file = dup_path_member (object, "file");
  entry->sha256_before = dup_member (object, "sha256_before");
  entry->sha256_after = dup_member (object, "sha256_after");
  entry->backup = dup_path_member (object, "backup");
  entry->target = dup_path_member (object, "target");

  /* An entry must say what was done to which file. */
  if (entry->action == NULL || entry->file == NULL)
    return NULL;
  if (!read_ranges_member (object, entry))
    return NULL;

  changes = json_object_get_member (object, "changes");
  if (changes != NULL && JSON_NODE_HOLDS_ARRAY (changes))
    {
      JsonArray *array = json_node_get_array (changes);
      guint n = json_array_get_length (array);
      g_autoptr (GPtrArray) strv = g_ptr_array_new_full (n + 1, g_free);

      for (guint i = 0; i < n; i++)
        {
          JsonNode *node = json_array_get_element (array, i);
          if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
            g_ptr_array_add (strv, g_strdup (json_node_get_string (node)));
        }
      g_ptr_array_add (strv, NULL);
      entry->changes = (char **) g_ptr_array_free (g_steal_pointer (&strv), FALSE);
    }
  else
    entry->changes = g_new0 (char *, 1);

  return g_steal_pointer (&entry);
}

TfJournalEntry *
tf_journal_entry_new (const char *run_id,
                      const char *action,
                      const char *file)
{
  TfJournalEntry *entry;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  g_return_val_if_fail (action != NULL, NULL);
  g_return_val_if_fail (file != NULL, NULL);

  entry = g_new0 (TfJournalEntry, 1);
  entry->run_id = g_strdup (run_id);
  entry->time = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  entry->action = g_strdup (action);
  entry->file = g_canonicalize_filename (file, NULL);
  entry->changes = g_new0 (char *, 1);
  return entry;
}

static void
range_clear (gpointer data)
{
  TfJournalRange *r = data;

  g_clear_pointer (&r->before, g_bytes_unref);
  g_clear_pointer (&r->after, g_bytes_unref);
}

void
tf_journal_entry_add_range (TfJournalEntry *entry,
                            guint64 offset,
                            GBytes *before,
                            GBytes *after)
{
  TfJournalRange r = { offset, NULL, NULL };

  g_return_if_fail (entry != NULL);
  g_return_if_fail (before != NULL && after != NULL);
  g_return_if_fail (g_bytes_get_size (before) == g_bytes_get_size (after));

  if (entry->ranges == NULL)
    {
      entry->ranges = g_array_new (FALSE, FALSE, sizeof (TfJournalRange));
      g_array_set_clear_func (entry->ranges, range_clear);
    }
  r.before = g_bytes_ref (before);
  r.after = g_bytes_ref (after);
  g_array_append_val (entry->ranges, r);
}

void
tf_journal_entry_free (TfJournalEntry *entry)
{
  if (entry == NULL)
    return;
  g_clear_pointer (&entry->ranges, g_array_unref);
  g_free (entry->run_id);
  g_free (entry->time);
  g_free (entry->action);
  g_free (entry->file);
  g_free (entry->sha256_before);
  g_free (entry->sha256_after);
  g_free (entry->backup);
  g_free (entry->target);
  g_strfreev (entry->changes);
  g_free (entry);
}

char *
tf_journal_new_run_id (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (now, "%Y%m%dT%H%M%SZ");

  return g_strdup_printf ("%s-%06x", date, g_random_int () & 0xFFFFFF);
}

char *
tf_journal_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "trackfix", "journal.jsonl", NULL);
}

char *
tf_journal_default_backup_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "trackfix", "backups", NULL);
}

/* A crash or a full disk may have left part of a line at the end. A
 * fragment is never a whole entry (each entry is one write ending in a
 * newline), so it is cut off; a complete last line that merely lacks its
 * newline (edited by hand) is kept and terminated. */
static gboolean
repair_tail (int fd,
             const char *path,
             GString *line,
             GError **error)
{
  struct stat st;
  g_autofree char *tail = NULL;
  off_t start;
  off_t pos;
  char c;

  if (fstat (fd, &st) != 0)
    {
      tf_safe_io_set_errno_error (error, errno, _ ("Cannot read journal “%s”"), path);
      return FALSE;
    }
  if (st.st_size == 0)
    return TRUE;
  if (pread (fd, &c, 1, st.st_size - 1) != 1)
    {
      tf_safe_io_set_errno_error (error, errno, _ ("Cannot read journal “%s”"), path);
      return FALSE;
    }
  if (c == '\n')
    return TRUE;

  /* Find the start of the unterminated last line. */
  pos = st.st_size - 1;
  start = 0;
  while (pos > 0)
    {
      char buf[4096];
      off_t from = MAX (0, pos - (off_t) sizeof buf);
      gssize n = pread (fd, buf, pos - from, from);

      if (n <= 0)
        break;
      for (gssize i = n - 1; i >= 0; i--)
        if (buf[i] == '\n')
          {
            start = from + i + 1;
            goto found;
          }
      pos = from;
    }
found:
  if (st.st_size - start > (off_t) (16 << 20))
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("The journal “%s” ends in an overlong line"), path);
      return FALSE;
    }
  tail = g_malloc (st.st_size - start + 1);
  if (pread (fd, tail, st.st_size - start, start) != st.st_size - start)
    {
      tf_safe_io_set_errno_error (error, errno, _ ("Cannot read journal “%s”"), path);
      return FALSE;
    }
  tail[st.st_size - start] = '\0';

  {
    g_autoptr (TfJournalEntry) entry = entry_from_line (tail, st.st_size - start, 0);

    if (entry != NULL)
      {
        g_string_prepend_c (line, '\n');
        return TRUE;
      }
  }

  g_debug ("Cutting %" G_GINT64_FORMAT " bytes of a torn entry off %s",
           (gint64) (st.st_size - start), path);
  if (ftruncate (fd, start) != 0)
    {
      tf_safe_io_set_errno_error (error, errno, _ ("Cannot write journal “%s”"), path);
      return FALSE;
    }
  return TRUE;
}

gboolean
tf_journal_append (const char *journal_path,
                   TfJournalEntry *entry,
                   GError **error)
{
  g_return_val_if_fail (journal_path != NULL, FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  return tf_journal_append_many (journal_path, &entry, 1, error);
}

gboolean
tf_journal_append_many (const char *journal_path,
                        TfJournalEntry *const *entries,
                        guint n_entries,
                        GError **error)
{
  g_autofree char *dir = NULL;
  g_autoptr (GString) line = NULL;
  struct stat st;
  gboolean ok = FALSE;
  off_t size_before;
  const char *data;
  gsize len;
  int fd;

  g_return_val_if_fail (journal_path != NULL, FALSE);
  g_return_val_if_fail (entries != NULL || n_entries == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_entries == 0)
    return TRUE;

  dir = g_path_get_dirname (journal_path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      tf_safe_io_set_errno_error (error, errno, _ ("Cannot create folder “%s”"), dir);
      return FALSE;
    }

  fd = open (journal_path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
  if (fd < 0)
    {
      tf_safe_io_set_errno_error (error, errno, _ ("Cannot open journal “%s”"), journal_path);
      return FALSE;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, TF_ERROR, TF_ERROR_REFUSED,
                   _ ("The journal “%s” is not a regular file"), journal_path);
      goto out;
    }

  /* Serialise writers (the app and the CLI may run at once). */
  while (flock (fd, LOCK_EX) != 0)
    {
      if (errno == EINTR)
        continue;
      if (errno == ENOLCK || errno == EOPNOTSUPP)
        break;
      tf_safe_io_set_errno_error (error, errno, _ ("Cannot lock journal “%s”"), journal_path);
      goto out;
    }

  /* All lines in one write(): a batch lands whole or (after a crash in
   * the middle of it) as a torn tail that the next append cuts off. */
  line = g_string_new (NULL);
  for (guint i = 0; i < n_entries; i++)
    {
      g_autofree char *json = entry_to_line (entries[i]);
      g_string_append (line, json);
    }
  if (!repair_tail (fd, journal_path, line, error))
    goto out;

  if (fstat (fd, &st) != 0)
    {
      tf_safe_io_set_errno_error (error, errno, _ ("Cannot write journal “%s”"), journal_path);
      goto out;
    }
  size_before = st.st_size;

  data = line->str;
  len = line->len;
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;
          /* Take a partial line back out so the journal stays readable. */
          if (ftruncate (fd, size_before) != 0)
            g_debug ("ftruncate %s: %s", journal_path, g_strerror (errno));
          tf_safe_io_set_errno_error (error, saved ? saved : EIO, _ ("Cannot write journal “%s”"), journal_path);
          goto out;
        }
      data += n;
      len -= n;
    }

  if (fsync (fd) != 0)
    {
      tf_safe_io_set_errno_error (error, errno, _ ("Cannot write journal “%s”"), journal_path);
      goto out;
    }

  /* A new journal file also needs its folder entry on disk. */
  if (size_before == 0)
    {
      int dirfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dirfd >= 0)
        {
          fsync (dirfd);
          close (dirfd);
        }
    }
  ok = TRUE;

out:
  close (fd);
  return ok;
}

GPtrArray *
tf_journal_read (const char *journal_path,
                 GError **error)
{
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GBytes) bytes = NULL;
  const char *data;
  const char *end;
  const char *p;
  gsize len;
  guint line_no = 0;

  g_return_val_if_fail (journal_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = tf_safe_read (journal_path, NULL, error);
  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &len);
  if (len > MAX_JOURNAL_SIZE)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_REFUSED,
                   _ ("The journal “%s” is too large"), journal_path);
      return NULL;
    }

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) tf_journal_entry_free);
  end = data + len;
  for (p = data; p < end;)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl ? nl : end;
      gsize line_len = line_end - p;
      TfJournalEntry *entry;
      gboolean blank = TRUE;

      line_no++;
      for (gsize i = 0; i < line_len; i++)
        if (!g_ascii_isspace (p[i]))
          {
            blank = FALSE;
            break;
          }

      if (!blank)
        {
          entry = entry_from_line (p, line_len, line_no);
          if (entry == NULL)
            {
              /* A torn last line (crash during an append) is no entry. */
              if (nl == NULL)
                break;
              g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                           /* Translators: %s is a file path, %u a line number */
                           _ ("The journal “%s” cannot be read at line %u"),
                           journal_path, line_no);
              return NULL;
            }
          g_ptr_array_add (entries, entry);
        }

      p = nl ? nl + 1 : end;
    }

  return g_steal_pointer (&entries);
}
