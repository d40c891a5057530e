/* tf-registry-write.c — setting and clearing the server fix flag in a SYSTEM hive (hivex)
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tf-filetime.h"
#include "tf-journal.h"
#include "tf-reader.h"
#include "tf-registry-private.h"
#include "tf-safe-io.h"

#define MAX_DIGEST_NODES (4u * 1024 * 1024)

/* ---- Enable / disable ------------------------------------------------- */

void
tf_flag_result_free (TfFlagResult *result)
{
  if (result == NULL)
    return;
  g_free (result->control_set);
  g_strfreev (result->changes);
  g_free (result->backup);
  g_free (result->journal);
  g_free (result->run_id);
  g_free (result->sha256_before);
  g_free (result->sha256_after);
  g_free (result);
}

static char *
key_path_upto (const TfHiveStatus *status,
               guint n_keys)
{
  GString *s = g_string_new (status->control_set);

  for (guint i = 0; i < n_keys && i < TF_REGISTRY_N_FLAG_KEYS; i++)
    {
      g_string_append_c (s, '\\');
      g_string_append (s, tf_registry_flag_key_path[i]);
    }
  return g_string_free (s, FALSE);
}

/* The translated change lines for @action on a hive in @status. Enable
 * creates the missing keys and sets the value; disable deletes the value.
 *
 * Why disable deletes instead of writing 0: a stock Exchange 2003 server
 * has no FixRecipientTrackStatusTime value, and the store treats a missing
 * value as "fix off". Deleting it therefore restores exactly the state from
 * before the fix, which is what a revert promises; a 0 would leave a
 * trace that looks like a deliberate setting. Keys that enable created are
 * kept: an empty key changes nothing, and removing keys could delete ones
 * that existed before (whether the {85D2…} key exists on a stock server is
 * not confirmed). A value of 0 already means "off", so disable leaves it. */
static GPtrArray *
plan_changes (const TfHiveStatus *status,
              const TfFlagNodes *nodes,
              TfFlagAction action)
{
  g_autoptr (GPtrArray) changes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *key = tf_hive_status_dup_key_path (status);

  if (action == TF_FLAG_ENABLE)
    {
      if (status->flag_state == TF_FLAG_STATE_ONE)
        return g_steal_pointer (&changes);
      for (guint i = TF_REGISTRY_N_REQUIRED_KEYS; i < TF_REGISTRY_N_FLAG_KEYS; i++)
        {
          if (nodes->keys[i] == 0)
            {
              g_autofree char *path = key_path_upto (status, i + 1);

              /* Translators: a planned change; %s is a registry key path */
              g_ptr_array_add (changes, g_strdup_printf (_ ("create key %s"), path));
            }
        }
      if (status->flag_state == TF_FLAG_STATE_ABSENT)
        g_ptr_array_add (changes,
                         /* Translators: a planned change; %s is a registry key path, the value name and type stay untranslated */
                         g_strdup_printf (_ ("set value %s\\%s = REG_DWORD 1"), key, TF_FLAG_VALUE_NAME));
      else
        g_ptr_array_add (changes,
                         /* Translators: a planned change; the last %s is the old value, e.g. REG_DWORD 0x00000000 (0) */
                         g_strdup_printf (_ ("set value %s\\%s = REG_DWORD 1 (was %s)"),
                                          key, TF_FLAG_VALUE_NAME, status->flag_display));
    }
  else
    {
      if (status->flag_state == TF_FLAG_STATE_ABSENT || status->flag_state == TF_FLAG_STATE_ZERO)
        return g_steal_pointer (&changes);
      g_ptr_array_add (changes,
                       /* Translators: a planned change; the last %s is the old value, e.g. REG_DWORD 0x00000001 (1) */
                       g_strdup_printf (_ ("delete value %s\\%s (was %s)"),
                                        key, TF_FLAG_VALUE_NAME, status->flag_display));
    }
  return g_steal_pointer (&changes);
}

static char **
changes_to_strv (GPtrArray *changes)
{
  char **strv = g_new0 (char *, changes->len + 1);

  for (guint i = 0; i < changes->len; i++)
    strv[i] = g_strdup (g_ptr_array_index (changes, i));
  return strv;
}

typedef struct
{
  char *name;
  guint32 type;
  GBytes *data;
} SavedValue;

static void
saved_value_free (SavedValue *v)
{
  g_free (v->name);
  g_bytes_unref (v->data);
  g_free (v);
}

/* Every value of @node except @skip (0 for none). */
static GPtrArray *
save_values (hive_h *h,
             hive_node_h node,
             const char *skip,
             const char *path,
             GError **error)
{
  g_autoptr (GPtrArray) saved = g_ptr_array_new_with_free_func ((GDestroyNotify) saved_value_free);
  g_autofree hive_value_h *values = NULL;

  errno = 0;
  values = hivex_node_values (h, node);
  if (values == NULL)
    {
      tf_registry_set_hivex_error (error, path, "hivex_node_values", errno);
      return NULL;
    }
  for (guint i = 0; values[i] != 0; i++)
    {
      g_autofree char *name = hivex_value_key (h, values[i]);
      SavedValue *v;
      hive_type t = 0;
      size_t len = 0;
      char *raw;

      if (name == NULL)
        {
          tf_registry_set_hivex_error (error, path, "hivex_value_key", errno);
          return NULL;
        }
      if (skip != NULL && g_ascii_strcasecmp (name, skip) == 0)
        continue;
      raw = hivex_value_value (h, values[i], &t, &len);
      if (raw == NULL)
        {
          tf_registry_set_hivex_error (error, path, "hivex_value_value", errno);
          return NULL;
        }
      v = g_new0 (SavedValue, 1);
      v->name = g_steal_pointer (&name);
      v->type = (guint32) t;
      v->data = g_bytes_new_with_free_func (raw, len, free, raw);
      g_ptr_array_add (saved, v);
    }
  return g_steal_pointer (&saved);
}

static gboolean
apply_change (hive_h *h,
              const char *path,
              const TfFlagNodes *nodes,
              TfFlagAction action,
              GPtrArray **kept_out,
              GError **error)
{
  hive_node_h node = nodes->keys[TF_REGISTRY_N_REQUIRED_KEYS - 1];

  if (action == TF_FLAG_ENABLE)
    {
      static const guint8 one[4] = { 1, 0, 0, 0 };
      hive_set_value sv = { (char *) TF_FLAG_VALUE_NAME, hive_t_REG_DWORD, 4, (char *) one };

      for (guint i = TF_REGISTRY_N_REQUIRED_KEYS; i < TF_REGISTRY_N_FLAG_KEYS; i++)
        {
          if (nodes->keys[i] != 0)
            node = nodes->keys[i];
          else
            {
              errno = 0;
              node = hivex_node_add_child (h, node, tf_registry_flag_key_path[i]);
              if (node == 0)
                {
                  tf_registry_set_hivex_error (error, path, "hivex_node_add_child", errno);
                  return FALSE;
                }
            }
        }
      errno = 0;
      if (hivex_node_set_value (h, node, &sv, 0) != 0)
        {
          tf_registry_set_hivex_error (error, path, "hivex_node_set_value", errno);
          return FALSE;
        }
      return TRUE;
    }
  else
    {
      /* hivex has no call to delete one value: write back all the others. */
      g_autoptr (GPtrArray) kept = NULL;
      g_autofree hive_set_value *set = NULL;

      node = nodes->keys[TF_REGISTRY_N_FLAG_KEYS - 1];
      kept = save_values (h, node, TF_FLAG_VALUE_NAME, path, error);
      if (kept == NULL)
        return FALSE;
      set = g_new0 (hive_set_value, kept->len + 1);
      for (guint i = 0; i < kept->len; i++)
        {
          SavedValue *v = g_ptr_array_index (kept, i);
          gsize len = 0;

          set[i].key = v->name;
          set[i].t = v->type;
          set[i].value = (char *) g_bytes_get_data (v->data, &len);
          set[i].len = len;
        }
      errno = 0;
      if (hivex_node_set_values (h, node, kept->len, set, 0) != 0)
        {
          tf_registry_set_hivex_error (error, path, "hivex_node_set_values", errno);
          return FALSE;
        }
      *kept_out = g_steal_pointer (&kept);
      return TRUE;
    }
}

/* A SHA-256 over the whole tree (key names, value names, types and data,
 * in hive order), leaving out ParametersSystem\InternetContent below
 * @skip_parent, which is the only part a flag change may touch. Equal
 * digests before and after show hivex changed nothing else; the walk also
 * proves that every cell of the new hive can be read. */
static char *
digest_tree (hive_h *h,
             hive_node_h skip_parent,
             const char *path,
             GError **error)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (hive_node_h));
  hive_node_h root = hivex_root (h);
  guint n_nodes = 0;

  g_array_append_val (stack, root);
  while (stack->len > 0)
    {
      hive_node_h node = g_array_index (stack, hive_node_h, stack->len - 1);
      g_autofree hive_node_h *children = NULL;
      g_autofree hive_value_h *values = NULL;
      g_autofree char *name = NULL;
      guint32 n_children = 0;
      guint i;

      g_array_set_size (stack, stack->len - 1);
      if (++n_nodes > MAX_DIGEST_NODES)
        {
          g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                       _ ("The hive “%s” has more than %u keys; refusing to change it"), path, MAX_DIGEST_NODES);
          return NULL;
        }
      errno = 0;
      name = hivex_node_name (h, node);
      children = hivex_node_children (h, node);
      values = hivex_node_values (h, node);
      if (name == NULL || children == NULL || values == NULL)
        {
          tf_registry_set_hivex_error (error, path, "hivex_node_children", errno);
          return NULL;
        }
      g_checksum_update (sum, (const guchar *) name, strlen (name) + 1);
      for (i = 0; values[i] != 0; i++)
        {
          g_autofree char *key = hivex_value_key (h, values[i]);
          g_autofree char *raw = NULL;
          hive_type t = 0;
          size_t len = 0;
          guint8 head[12] = { 0 };

          errno = 0;
          raw = hivex_value_value (h, values[i], &t, &len);
          if (key == NULL || raw == NULL)
            {
              tf_registry_set_hivex_error (error, path, "hivex_value_value", errno);
              return NULL;
            }
          g_checksum_update (sum, (const guchar *) key, strlen (key) + 1);
          memcpy (head, &t, 4);
          memcpy (head + 4, &len, MIN (sizeof len, 8));
          g_checksum_update (sum, head, sizeof head);
          g_checksum_update (sum, (const guchar *) raw, len);
        }
      /* Children in reverse so they are visited in hive order */
      for (i = 0; children[i] != 0; i++)
        ;
      while (i-- > 0)
        {
          if (node == skip_parent)
            {
              g_autofree char *child_name = hivex_node_name (h, children[i]);

              if (child_name != NULL && g_ascii_strcasecmp (child_name, "InternetContent") == 0)
                continue;
            }
          g_array_append_val (stack, children[i]);
          n_children++;
        }
      g_checksum_update (sum, (const guchar *) &n_children, sizeof n_children);
    }
  return g_strdup (g_checksum_get_string (sum));
}

typedef struct
{
  TfFlagAction action;
  char *control_set;
  guint32 current;
  GPtrArray *kept; /* disable: the other values of the key, unchanged */
  char *digest;    /* digest_tree() of the original */
} VerifyData;

/* Re-opens the written hive and checks the flag is as requested, in the
 * same control set, and (for disable) that the other values of the key
 * survived byte for byte. */
static gboolean
verify_written_hive (const char *path,
                     GBytes *data,
                     gpointer user_data,
                     GError **error)
{
  VerifyData *vd = user_data;
  g_autoptr (TfHiveStatus) status = NULL;
  g_autoptr (hive_h) h = NULL;
  g_autoptr (GError) local_error = NULL;
  TfFlagNodes nodes;

  status = tf_registry_read_status (path, path, path, &nodes, &h, 0, &local_error);
  if (status == NULL)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_FAILED,
                   _ ("Verification of the written hive failed: %s"), local_error->message);
      return FALSE;
    }
  if (status->sequence1 != status->sequence2 || status->current != vd->current || g_strcmp0 (status->control_set, vd->control_set) != 0)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_FAILED,
                   _ ("Verification of the written hive failed: its header or control set is not as expected"));
      return FALSE;
    }
  {
    g_autofree char *digest = digest_tree (h, nodes.keys[TF_REGISTRY_N_REQUIRED_KEYS - 1], path, error);

    if (digest == NULL)
      return FALSE;
    if (g_strcmp0 (digest, vd->digest) != 0)
      {
        g_set_error (error, TF_ERROR, TF_ERROR_FAILED,
                     _ ("Verification of the written hive failed: keys or values outside the flag's key changed"));
        return FALSE;
      }
  }
  if (vd->action == TF_FLAG_ENABLE && status->flag_state != TF_FLAG_STATE_ONE)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_FAILED,
                   _ ("Verification of the written hive failed: the value is not REG_DWORD 1"));
      return FALSE;
    }
  if (vd->action == TF_FLAG_DISABLE)
    {
      g_autoptr (GPtrArray) now = NULL;
      gboolean same;

      if (status->flag_state != TF_FLAG_STATE_ABSENT || !status->has_mime_handler_key)
        {
          g_set_error (error, TF_ERROR, TF_ERROR_FAILED,
                       _ ("Verification of the written hive failed: the value is still present"));
          return FALSE;
        }
      now = save_values (h, nodes.keys[TF_REGISTRY_N_FLAG_KEYS - 1], NULL, path, error);
      if (now == NULL)
        return FALSE;
      same = now->len == vd->kept->len;
      for (guint i = 0; same && i < now->len; i++)
        {
          SavedValue *a = g_ptr_array_index (now, i);
          SavedValue *b = g_ptr_array_index (vd->kept, i);

          same = strcmp (a->name, b->name) == 0 && a->type == b->type && g_bytes_equal (a->data, b->data);
        }
      if (!same)
        {
          g_set_error (error, TF_ERROR, TF_ERROR_FAILED,
                       _ ("Verification of the written hive failed: other values of the key changed"));
          return FALSE;
        }
    }
  return TRUE;
}

static void
remove_scratch (const char *dir)
{
  g_autoptr (GDir) d = NULL;
  const char *name;

  if (dir == NULL)
    return;
  d = g_dir_open (dir, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (dir);
}

static gboolean
refuse_if_needed (const TfHiveStatus *status,
                  GError **error)
{
  g_autofree char *reason = NULL;

  if (tf_hive_status_get_verdict (status, &reason) == TF_HIVE_VERDICT_READY)
    return TRUE;
  g_set_error_literal (error, TF_ERROR, TF_ERROR_REFUSED, reason);
  return FALSE;
}

/* A read-only look first: refusals, dry runs and "already as requested"
 * need no scratch copy, backup or journal entry. FALSE with @error when
 * refused; *@done when @result is already complete. */
static gboolean
flag_look (const char *path,
           TfFlagAction action,
           gboolean dry_run,
           TfFlagResult *result,
           gboolean *done,
           GError **error)
{
  g_autoptr (TfHiveStatus) status = NULL;
  g_autoptr (GPtrArray) changes = NULL;
  TfFlagNodes nodes;

  status = tf_registry_read_status (path, path, path, &nodes, NULL, 0, error);
  if (status == NULL || !refuse_if_needed (status, error))
    return FALSE;
  changes = plan_changes (status, &nodes, action);
  result->dry_run = dry_run;
  *done = dry_run || changes->len == 0;
  if (*done)
    {
      result->control_set = g_strdup (status->control_set);
      result->changes = changes_to_strv (changes);
    }
  return TRUE;
}

/* hivex writes the changed hive to @scratch_out; its bytes */
static GBytes *
commit_scratch (hive_h *h,
                const char *scratch_out,
                GError **error)
{
  gsize len = 0;
  gchar *contents = NULL;

  errno = 0;
  if (hivex_commit (h, scratch_out, 0) != 0)
    {
      int saved = errno;
      g_set_error (error, TF_ERROR, TF_ERROR_IO,
                   _ ("Cannot write the changed hive: %s"), g_strerror (saved ? saved : EIO));
      return NULL;
    }
  if (!g_file_get_contents (scratch_out, &contents, &len, error))
    return NULL;
  return g_bytes_new_take (contents, len);
}

/* Backup first: the original bytes, checked against the hash we read.
 * Then write-ahead, as repairs do: the journal entry is on disk before the
 * hive is replaced. If the replace then fails, the hive still has
 * sha256_before and undo skips the entry. */
static gboolean
backup_and_journal (const char *abs_path,
                    TfFlagAction action,
                    const TfFileStamp *stamp,
                    GBytes *written,
                    GPtrArray *changes,
                    const char *backup_dir,
                    const char *journal_path,
                    TfFlagResult *result,
                    GError **error)
{
  g_autoptr (TfJournalEntry) entry = NULL;
  g_autofree char *default_backup_dir = NULL;
  g_autofree char *default_journal = NULL;

  if (backup_dir == NULL)
    backup_dir = default_backup_dir = tf_journal_default_backup_dir ();
  if (journal_path == NULL)
    journal_path = default_journal = tf_journal_default_path ();
  result->backup = tf_safe_backup (abs_path, backup_dir, stamp->sha256, error);
  if (result->backup == NULL)
    return FALSE;

  result->sha256_after = tf_sha256_bytes (written);
  result->changes = changes_to_strv (changes);
  result->run_id = tf_journal_new_run_id ();
  entry = tf_journal_entry_new (result->run_id,
                                action == TF_FLAG_ENABLE ? "flag-enable" : "flag-disable",
                                abs_path);
  entry->sha256_before = g_strdup (result->sha256_before);
  entry->sha256_after = g_strdup (result->sha256_after);
  entry->backup = g_strdup (result->backup);
  g_strfreev (entry->changes);
  entry->changes = g_strdupv (result->changes);
  if (!tf_journal_append (journal_path, entry, error))
    return FALSE;
  result->journal = g_strdup (journal_path);
  return TRUE;
}

TfFlagResult *
tf_flag_run (const char *path,
             TfFlagAction action,
             TfFlagRunFlags flags,
             const char *backup_dir,
             const char *journal_path,
             GError **error)
{
  g_autoptr (TfFlagResult) result = NULL;
  g_autoptr (TfHiveStatus) status = NULL;
  g_autoptr (GPtrArray) changes = NULL;
  g_autoptr (GBytes) original = NULL;
  g_autoptr (GBytes) written = NULL;
  g_autoptr (GPtrArray) kept = NULL;
  g_autoptr (hive_h) h = NULL;
  g_autofree char *dirname = NULL;
  g_autofree char *scratch_tmpl = NULL;
  g_autofree char *scratch_in = NULL;
  g_autofree char *scratch_out = NULL;
  g_autofree char *abs_path = NULL;
  g_autofree char *digest = NULL;
  char *scratch = NULL;
  gboolean done = FALSE;
  TfFileStamp stamp;
  TfFlagNodes nodes;
  VerifyData vd = { 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (action == TF_FLAG_ENABLE || action == TF_FLAG_DISABLE, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  result = g_new0 (TfFlagResult, 1);
  result->action = action;

  if (!flag_look (path, action, (flags & TF_FLAG_RUN_DRY_RUN) != 0, result, &done, error))
    return NULL;
  if (done)
    return g_steal_pointer (&result);

  abs_path = g_canonicalize_filename (path, NULL);
  /* Read once, remember the identity: everything below works on these
   * bytes, and tf_safe_replace() refuses to write if the file changed. */
  original = tf_safe_read (abs_path, &stamp, error);
  if (original == NULL)
    return NULL;

  /* hivex commits to a file, so it works on a scratch copy in a private
   * folder beside the hive; the hive itself is never opened for writing. */
  dirname = g_path_get_dirname (abs_path);
  scratch_tmpl = g_build_filename (dirname, ".trackfix-hive-XXXXXX", NULL);
  scratch = g_mkdtemp_full (scratch_tmpl, 0700);
  if (scratch == NULL)
    {
      int saved = errno;
      g_set_error (error, TF_ERROR, TF_ERROR_IO,
                   _ ("Cannot create a scratch folder in “%s”: %s"), dirname, g_strerror (saved));
      return NULL;
    }
  scratch_in = g_build_filename (scratch, "hive", NULL);
  scratch_out = g_build_filename (scratch, "hive.new", NULL);
  if (!g_file_set_contents_full (scratch_in, g_bytes_get_data (original, NULL),
                                 g_bytes_get_size (original), G_FILE_SET_CONTENTS_NONE, 0600, error))
    goto out;

  status = tf_registry_read_status (abs_path, scratch_in, abs_path, &nodes, &h, HIVEX_OPEN_WRITE, error);
  if (status == NULL || !refuse_if_needed (status, error))
    goto out;
  changes = plan_changes (status, &nodes, action);
  result->control_set = g_strdup (status->control_set);
  result->sha256_before = g_strdup (stamp.sha256);
  if (changes->len == 0)
    {
      result->changes = changes_to_strv (changes);
      ok = TRUE;
      goto out;
    }

  digest = digest_tree (h, nodes.keys[TF_REGISTRY_N_REQUIRED_KEYS - 1], abs_path, error);
  if (digest == NULL)
    goto out;
  if (!apply_change (h, scratch_in, &nodes, action, &kept, error))
    goto out;
  written = commit_scratch (h, scratch_out, error);
  if (written == NULL)
    goto out;
  g_clear_pointer (&h, hivex_close);

  if (!backup_and_journal (abs_path, action, &stamp, written, changes, backup_dir, journal_path, result, error))
    goto out;

  vd.action = action;
  vd.control_set = status->control_set;
  vd.current = status->current;
  vd.kept = kept;
  vd.digest = digest;
  if (!tf_safe_replace (abs_path, &stamp, written, verify_written_hive, &vd, error))
    goto out;
  result->written = TRUE;
  ok = TRUE;

out:
  g_clear_pointer (&h, hivex_close);
  remove_scratch (scratch); /* scratch is scratch_tmpl, filled in */
  if (!ok)
    return NULL;
  return g_steal_pointer (&result);
}

typedef struct
{
  char *path;
  TfFlagAction action;
  TfFlagRunFlags flags;
  char *backup_dir;
  char *journal_path;
} RunData;

static void
run_data_free (RunData *rd)
{
  g_free (rd->path);
  g_free (rd->backup_dir);
  g_free (rd->journal_path);
  g_free (rd);
}

static void
flag_run_thread (GTask *task,
                 gpointer source_object,
                 gpointer task_data,
                 GCancellable *cancellable)
{
  RunData *rd = task_data;
  GError *error = NULL;
  TfFlagResult *result;

  result = tf_flag_run (rd->path, rd->action, rd->flags, rd->backup_dir, rd->journal_path, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) tf_flag_result_free);
}

void
tf_flag_run_async (const char *path,
                   TfFlagAction action,
                   TfFlagRunFlags flags,
                   const char *backup_dir,
                   const char *journal_path,
                   GCancellable *cancellable,
                   GAsyncReadyCallback callback,
                   gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  RunData *rd;

  g_return_if_fail (path != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  rd = g_new0 (RunData, 1);
  rd->path = g_strdup (path);
  rd->action = action;
  rd->flags = flags;
  rd->backup_dir = g_strdup (backup_dir);
  rd->journal_path = g_strdup (journal_path);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tf_flag_run_async);
  g_task_set_task_data (task, rd, (GDestroyNotify) run_data_free);
  /* Writes must not overlap: one at a time, in order. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, flag_run_thread);
}

TfFlagResult *
tf_flag_run_finish (GAsyncResult *result,
                    GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
