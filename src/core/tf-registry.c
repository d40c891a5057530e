/* tf-registry.c — the server fix flag in an offline SYSTEM hive: header, logs, status
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

/* Registry base block ("regf" header), see the Windows registry file format
 * specification: hivex reads hives but does not expose the header fields we
 * need to refuse dirty or truncated hives, so they are read here directly. */
#define REGF_HEADER_SIZE 4096
#define REGF_OFF_SEQUENCE1 0x04
#define REGF_OFF_SEQUENCE2 0x08
#define REGF_OFF_TIMESTAMP 0x0c
#define REGF_OFF_FILE_TYPE 0x1c
#define REGF_OFF_BINS_SIZE 0x28
#define REGF_FILE_TYPE_HIVE 0
#define REGF_FILE_TYPE_LOG1 1
#define REGF_FILE_TYPE_LOG2 2
#define REGF_FILE_TYPE_LOG_NEW 6
#define LOG_SECTOR 512
#define MAX_LOG_ENTRIES 65536
#define MAX_LOG_SIZE (512 * 1024 * 1024)
#define MAX_CONTROL_SET 999
#define MAX_HIVE_SIZE G_GUINT64_CONSTANT (0x80000000)
#define MAX_BINARY_DISPLAY 64

const char *const tf_registry_flag_key_path[TF_REGISTRY_N_FLAG_KEYS] = {
  "Services",
  "MSExchangeIS",
  "ParametersSystem",
  "InternetContent",
  "MimeHandlers",
  TF_FLAG_MIME_HANDLER_GUID,
};

const char *
tf_flag_action_to_string (TfFlagAction action)
{
  return action == TF_FLAG_ENABLE ? "enable" : "disable";
}

const char *
tf_flag_state_to_string (TfFlagState state)
{
  switch (state)
    {
    case TF_FLAG_STATE_ZERO:
      return "zero";
    case TF_FLAG_STATE_ONE:
      return "one";
    case TF_FLAG_STATE_OTHER:
      return "other";
    case TF_FLAG_STATE_WRONG_TYPE:
      return "wrong-type";
    case TF_FLAG_STATE_ABSENT:
    default:
      return "absent";
    }
}

const char *
tf_flag_state_get_label (TfFlagState state)
{
  switch (state)
    {
    case TF_FLAG_STATE_ZERO:
      /* Translators: state of the FixRecipientTrackStatusTime registry value */
      return _ ("0 (fix off)");
    case TF_FLAG_STATE_ONE:
      /* Translators: state of the FixRecipientTrackStatusTime registry value */
      return _ ("1 (fix on)");
    case TF_FLAG_STATE_OTHER:
      /* Translators: state of the FixRecipientTrackStatusTime registry value */
      return _ ("another number (not a valid setting)");
    case TF_FLAG_STATE_WRONG_TYPE:
      /* Translators: state of the FixRecipientTrackStatusTime registry value */
      return _ ("wrong type (not a REG_DWORD)");
    case TF_FLAG_STATE_ABSENT:
    default:
      /* Translators: state of the FixRecipientTrackStatusTime registry value */
      return _ ("absent (fix off)");
    }
}

const char *
tf_hive_verdict_to_string (TfHiveVerdict verdict)
{
  switch (verdict)
    {
    case TF_HIVE_VERDICT_DIRTY:
      return "dirty";
    case TF_HIVE_VERDICT_NOT_SYSTEM:
      return "not-system";
    case TF_HIVE_VERDICT_NO_EXCHANGE:
      return "no-exchange";
    case TF_HIVE_VERDICT_READY:
    default:
      return "ready";
    }
}

char *
tf_reg_type_to_string (guint32 type)
{
  static const char *const names[] = {
    "REG_NONE",
    "REG_SZ",
    "REG_EXPAND_SZ",
    "REG_BINARY",
    "REG_DWORD",
    "REG_DWORD_BIG_ENDIAN",
    "REG_LINK",
    "REG_MULTI_SZ",
    "REG_RESOURCE_LIST",
    "REG_FULL_RESOURCE_DESCRIPTOR",
    "REG_RESOURCE_REQUIREMENTS_LIST",
    "REG_QWORD",
  };

  if (type < G_N_ELEMENTS (names))
    return g_strdup (names[type]);
  return g_strdup_printf ("REG_0x%08X", type);
}

/* ---- Header and transaction logs ------------------------------------- */

static gboolean
read_file_prefix (const char *path,
                  guint8 *buf,
                  gsize want,
                  gsize *got,
                  guint64 *file_size,
                  GError **error)
{
  struct stat st;
  gsize done = 0;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, TF_ERROR, TF_ERROR_IO,
                   /* Translators: %s is a file name, the second %s a system error */
                   _ ("Cannot open “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, TF_ERROR, TF_ERROR_IO,
                   _ ("“%s” is not a regular file"), path);
      close (fd);
      return FALSE;
    }
  while (done < want)
    {
      gssize n = read (fd, buf + done, want - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, TF_ERROR, TF_ERROR_IO,
                       _ ("Cannot read “%s”: %s"), path, g_strerror (saved));
          close (fd);
          return FALSE;
        }
      if (n == 0)
        break;
      done += (gsize) n;
    }
  close (fd);
  *got = done;
  *file_size = (guint64) st.st_size;
  return TRUE;
}

gboolean
tf_registry_read_regf_header (const char *path,
                              TfRegfHeader *hdr,
                              GError **error)
{
  guint8 buf[REGF_HEADER_SIZE];
  guint32 checksum = 0;
  gsize got = 0;

  if (!read_file_prefix (path, buf, sizeof buf, &got, &hdr->file_size, error))
    return FALSE;
  if (got < 512 || memcmp (buf, "regf", 4) != 0)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("“%s” is not a registry hive (no “regf” signature)"), path);
      return FALSE;
    }
  hdr->sequence1 = read_le32 (buf + REGF_OFF_SEQUENCE1);
  hdr->sequence2 = read_le32 (buf + REGF_OFF_SEQUENCE2);
  hdr->timestamp = read_le64 (buf + REGF_OFF_TIMESTAMP);
  hdr->file_type = read_le32 (buf + REGF_OFF_FILE_TYPE);
  hdr->bins_size = read_le32 (buf + REGF_OFF_BINS_SIZE);

  if (hdr->file_type != REGF_FILE_TYPE_HIVE)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("“%s” is a registry transaction log, not a hive"), path);
      return FALSE;
    }
  if (got < REGF_HEADER_SIZE || hdr->bins_size == 0 || hdr->bins_size % 4096 != 0)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("The hive “%s” is damaged: its header is incomplete"), path);
      return FALSE;
    }
  if (hdr->file_size > MAX_HIVE_SIZE)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   /* Translators: %s is a file name */
                   _ ("“%s” is larger than any registry hive Windows writes (2 GiB)"), path);
      return FALSE;
    }
  if ((guint64) REGF_HEADER_SIZE + hdr->bins_size > hdr->file_size)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   /* Translators: %s is a file name; the two %llu are byte counts */
                   _ ("The hive “%s” is truncated: its header declares %llu bytes but the file has %llu"),
                   path, (unsigned long long) REGF_HEADER_SIZE + hdr->bins_size,
                   (unsigned long long) hdr->file_size);
      return FALSE;
    }
  /* The base block checksum: XOR of the first 127 double words. hivex
   * refuses a wrong one too; checking here gives a clearer message. */
  for (guint i = 0; i < 127; i++)
    checksum ^= read_le32 (buf + 4 * i);
  if (checksum != read_le32 (buf + 0x1fc))
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("The hive “%s” is damaged: its header checksum is wrong"), path);
      return FALSE;
    }
  return TRUE;
}

/* Whether the log file holds changes the hive does not have yet. Simple
 * and conservative (see the registry file format specification):
 * - an empty file, or one without a "regf" base block, cannot be applied
 *   by Windows either: nothing pending;
 * - old format (file type 1/2, "DIRT" vector): the writer bumps the log's
 *   sequence numbers before it touches the hive, so a log whose sequence
 *   is newer than the hive's was not (completely) written back;
 * - new format (file type 6, "HvLE" entries): an entry whose sequence
 *   number is equal to or greater than the hive's has not been applied. */
static char *
check_log_file (const char *log_path,
                guint32 hive_sequence)
{
  g_autofree char *contents = NULL;
  g_autofree char *basename = g_path_get_basename (log_path);
  gsize len = 0;
  const guint8 *p;
  guint32 type, seq1, seq2;

  GStatBuf st;

  if (g_stat (log_path, &st) == 0 && st.st_size > MAX_LOG_SIZE)
    /* Translators: %s is a log file name such as SYSTEM.LOG1 */
    return g_strdup_printf (_ ("The transaction log %s beside the hive is too large to check"), basename);
  if (!g_file_get_contents (log_path, &contents, &len, NULL))
    /* Translators: %s is a log file name such as SYSTEM.LOG1 */
    return g_strdup_printf (_ ("The transaction log %s beside the hive cannot be read"), basename);
  if (len == 0)
    return NULL;
  p = (const guint8 *) contents;
  if (len < LOG_SECTOR || memcmp (p, "regf", 4) != 0)
    return NULL;

  seq1 = read_le32 (p + REGF_OFF_SEQUENCE1);
  seq2 = read_le32 (p + REGF_OFF_SEQUENCE2);
  type = read_le32 (p + REGF_OFF_FILE_TYPE);

  if (type == REGF_FILE_TYPE_LOG_NEW)
    {
      gsize off = LOG_SECTOR;

      for (guint n = 0; n < MAX_LOG_ENTRIES && off + 40 <= len; n++)
        {
          guint32 size, seq;

          if (memcmp (p + off, "HvLE", 4) != 0)
            break;
          size = read_le32 (p + off + 4);
          seq = read_le32 (p + off + 12);
          if (seq >= hive_sequence)
            return g_strdup_printf (_ ("The transaction log %s holds changes not yet written to the hive (log entry %u, hive %u)"),
                                    basename, seq, hive_sequence);
          if (size < LOG_SECTOR || size % LOG_SECTOR != 0 || size > len - off)
            break;
          off += size;
        }
      return NULL;
    }

  if (MAX (seq1, seq2) > hive_sequence)
    return g_strdup_printf (_ ("The transaction log %s holds changes not yet written to the hive (log %u, hive %u)"),
                            basename, MAX (seq1, seq2), hive_sequence);
  return NULL;
}

/* SYSTEM.LOG, SYSTEM.LOG1, SYSTEM.LOG2 beside the hive, any letter case
 * (copies from Windows often change it). */
static char *
check_logs (const char *hive_path,
            guint32 hive_sequence)
{
  g_autofree char *dirname = g_path_get_dirname (hive_path);
  g_autofree char *basename = g_path_get_basename (hive_path);
  g_autoptr (GDir) dir = g_dir_open (dirname, 0, NULL);
  const char *name;

  if (dir == NULL)
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      static const char *const suffixes[] = { ".LOG", ".LOG1", ".LOG2" };
      gsize blen = strlen (basename);

      if (g_ascii_strncasecmp (name, basename, blen) != 0)
        continue;
      for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          if (g_ascii_strcasecmp (name + blen, suffixes[i]) == 0)
            {
              g_autofree char *log_path = g_build_filename (dirname, name, NULL);
              char *reason = check_log_file (log_path, hive_sequence);

              if (reason != NULL)
                return reason;
            }
        }
    }
  return NULL;
}

/* ---- hivex helpers ---------------------------------------------------- */

void
tf_registry_set_hivex_error (GError **error,
                             const char *path,
                             const char *what,
                             int err)
{
  g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
               /* Translators: first %s a file name, second what failed, third a system error */
               _ ("The hive “%s” is damaged: %s failed (%s)"),
               path, what, g_strerror (err ? err : EINVAL));
}

/* hivex_node_get_child returns 0 without setting errno when the child is
 * absent, and 0 with errno set on damage. */
gboolean
tf_registry_get_child (hive_h *h,
                       hive_node_h parent,
                       const char *name,
                       hive_node_h *child,
                       const char *path,
                       GError **error)
{
  errno = 0;
  *child = hivex_node_get_child (h, parent, name);
  if (*child == 0 && errno != 0)
    {
      tf_registry_set_hivex_error (error, path, "hivex_node_get_child", errno);
      return FALSE;
    }
  return TRUE;
}

static gboolean
get_value (hive_h *h,
           hive_node_h node,
           const char *name,
           hive_value_h *value,
           const char *path,
           GError **error)
{
  errno = 0;
  *value = hivex_node_get_value (h, node, name);
  if (*value == 0 && errno != 0)
    {
      tf_registry_set_hivex_error (error, path, "hivex_node_get_value", errno);
      return FALSE;
    }
  return TRUE;
}

static char *
format_bytes_hex (const guint8 *data,
                  gsize len)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < len && i < MAX_BINARY_DISPLAY; i++)
    g_string_append_printf (s, "%s%02x", i ? " " : "", data[i]);
  if (len > MAX_BINARY_DISPLAY)
    g_string_append (s, " …");
  return g_string_free (s, FALSE);
}

/* Renders any value as text, never failing: strings that do not decode
 * fall back to hex. */
char *
tf_registry_format_value (hive_h *h,
                          hive_value_h v,
                          guint32 *type_out)
{
  g_autofree char *raw = NULL;
  g_autofree char *type_name = NULL;
  hive_type t = 0;
  size_t len = 0;

  raw = hivex_value_value (h, v, &t, &len);
  if (type_out != NULL)
    *type_out = (guint32) t;
  type_name = tf_reg_type_to_string ((guint32) t);
  if (raw == NULL)
    return g_strdup_printf ("%s (?)", type_name);

  switch (t)
    {
    case hive_t_REG_DWORD:
    case hive_t_REG_DWORD_BIG_ENDIAN:
      if (len == 4)
        {
          const guint8 *b = (const guint8 *) raw;
          guint32 n = t == hive_t_REG_DWORD ? read_le32 (b)
                                            : ((guint32) b[0] << 24 | (guint32) b[1] << 16 | (guint32) b[2] << 8 | b[3]);
          return g_strdup_printf ("%s 0x%08x (%u)", type_name, n, n);
        }
      break;
    case hive_t_REG_QWORD:
      if (len == 8)
        {
          guint64 n = read_le64 ((const guint8 *) raw);
          return g_strdup_printf ("%s 0x%016" G_GINT64_MODIFIER "x (%" G_GUINT64_FORMAT ")",
                                  type_name, n, n);
        }
      break;
    case hive_t_REG_SZ:
    case hive_t_REG_EXPAND_SZ:
    case hive_t_REG_LINK:
      {
        g_autofree char *str = NULL;

        errno = 0;
        str = hivex_value_string (h, v);
        if (str != NULL)
          return g_strdup_printf ("%s \"%s\"", type_name, str);
      }
      break;
    case hive_t_REG_MULTI_SZ:
      {
        char **strs;

        errno = 0;
        strs = hivex_value_multiple_strings (h, v);
        if (strs != NULL)
          {
            GString *s = g_string_new (type_name);

            for (guint i = 0; strs[i] != NULL && i < MAX_SETUP_VALUES; i++)
              g_string_append_printf (s, "%s\"%s\"", i ? ", " : " ", strs[i]);
            for (guint i = 0; strs[i] != NULL; i++)
              free (strs[i]);
            free (strs);
            return g_string_free (s, FALSE);
          }
      }
      break;
    default:
      break;
    }

  {
    g_autofree char *hex = format_bytes_hex ((const guint8 *) raw, len);
    return g_strdup_printf ("%s [%s]", type_name, hex);
  }
}

/* ---- Status ----------------------------------------------------------- */

void
tf_hive_status_free (TfHiveStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->path);
  g_free (status->dirty_reason);
  g_free (status->not_system_reason);
  g_free (status->control_set);
  g_free (status->flag_display);
  g_free (status);
}

/* Reads the SYSTEM structure of an open hive into @status. */
static gboolean
inspect_hive (hive_h *h,
              TfHiveStatus *status,
              TfFlagNodes *nodes,
              GError **error)
{
  hive_node_h root, select, node;
  hive_value_h current;
  hive_type t = 0;
  size_t len = 0;

  memset (nodes, 0, sizeof *nodes);
  root = hivex_root (h);
  if (root == 0)
    {
      tf_registry_set_hivex_error (error, status->path, "hivex_root", errno);
      return FALSE;
    }
  if (!tf_registry_get_child (h, root, "Select", &select, status->path, error))
    return FALSE;
  if (select == 0)
    {
      status->not_system_reason = g_strdup (_ ("It has no \\Select key, so it is not a SYSTEM hive"));
      return TRUE;
    }
  if (!get_value (h, select, "Current", &current, status->path, error))
    return FALSE;
  if (current == 0)
    {
      status->not_system_reason = g_strdup (_ ("Its \\Select key has no “Current” value, so the current control set is unknown"));
      return TRUE;
    }
  if (hivex_value_type (h, current, &t, &len) != 0 || t != hive_t_REG_DWORD || len != 4)
    {
      status->not_system_reason = g_strdup (_ ("Its \\Select\\Current value is not a REG_DWORD"));
      return TRUE;
    }
  errno = 0;
  status->current = (guint32) hivex_value_dword (h, current);
  if (errno != 0)
    {
      tf_registry_set_hivex_error (error, status->path, "hivex_value_dword", errno);
      return FALSE;
    }
  if (status->current == 0 || status->current > MAX_CONTROL_SET)
    {
      status->not_system_reason = g_strdup_printf (_ ("Its \\Select\\Current value %u names no control set"),
                                                   status->current);
      return TRUE;
    }
  status->control_set = g_strdup_printf ("ControlSet%03u", status->current);
  if (!tf_registry_get_child (h, root, status->control_set, &nodes->control_set, status->path, error))
    return FALSE;
  if (nodes->control_set == 0)
    {
      status->not_system_reason = g_strdup_printf (_ ("\\Select\\Current names %s, which the hive does not contain"),
                                                   status->control_set);
      return TRUE;
    }

  node = nodes->control_set;
  for (guint i = 0; i < TF_REGISTRY_N_FLAG_KEYS && node != 0; i++)
    {
      if (!tf_registry_get_child (h, node, tf_registry_flag_key_path[i], &nodes->keys[i], status->path, error))
        return FALSE;
      node = nodes->keys[i];
    }
  status->has_exchange_is = nodes->keys[1] != 0;
  status->has_parameters_system = nodes->keys[2] != 0;
  status->has_mime_handler_key = nodes->keys[TF_REGISTRY_N_FLAG_KEYS - 1] != 0;

  status->flag_state = TF_FLAG_STATE_ABSENT;
  if (status->has_mime_handler_key)
    {
      if (!get_value (h, nodes->keys[TF_REGISTRY_N_FLAG_KEYS - 1], TF_FLAG_VALUE_NAME,
                      &nodes->value, status->path, error))
        return FALSE;
    }
  if (nodes->value != 0)
    {
      g_autofree char *raw = NULL;

      raw = hivex_value_value (h, nodes->value, &t, &len);
      if (raw == NULL)
        {
          tf_registry_set_hivex_error (error, status->path, "hivex_value_value", errno);
          return FALSE;
        }
      status->flag_type = (guint32) t;
      status->flag_display = tf_registry_format_value (h, nodes->value, NULL);
      if (t != hive_t_REG_DWORD || len != 4)
        status->flag_state = TF_FLAG_STATE_WRONG_TYPE;
      else
        {
          guint32 n = read_le32 ((const guint8 *) raw);

          status->flag_state = n == 0 ? TF_FLAG_STATE_ZERO : n == 1 ? TF_FLAG_STATE_ONE
                                                                    : TF_FLAG_STATE_OTHER;
        }
    }
  return TRUE;
}

hive_h *
tf_registry_open_hive (const char *path,
                       int flags,
                       GError **error)
{
  hive_h *h;

  /* Always HIVEX_OPEN_WRITE, even to only read: hivex opens the file
   * O_RDONLY either way and writes only on hivex_commit() (which is never
   * called on the user's file), but without the flag it mmap()s the hive,
   * and a file that shrinks under a mapping kills the process with SIGBUS.
   * With it the hive is read into memory once. */
  errno = 0;
  h = hivex_open (path, flags | HIVEX_OPEN_WRITE);
  if (h == NULL)
    {
      int saved = errno;

      g_set_error (error, TF_ERROR, saved == ENOENT || saved == EACCES ? TF_ERROR_IO : TF_ERROR_PARSE,
                   /* Translators: %s is a file name, the second %s a system error */
                   _ ("The hive “%s” cannot be opened: %s"), path, g_strerror (saved ? saved : EINVAL));
    }
  return h;
}

/* @hive_path is the file hivex reads (possibly a scratch copy); @log_base
 * is where the hive lives, for its transaction logs. */
TfHiveStatus *
tf_registry_read_status (const char *display_path,
                         const char *hive_path,
                         const char *log_base,
                         TfFlagNodes *nodes_out,
                         hive_h **h_out,
                         int open_flags,
                         GError **error)
{
  g_autoptr (TfHiveStatus) status = g_new0 (TfHiveStatus, 1);
  g_autoptr (hive_h) h = NULL;
  TfFlagNodes nodes;
  TfRegfHeader hdr;

  status->path = g_strdup (display_path);
  if (!tf_registry_read_regf_header (hive_path, &hdr, error))
    return NULL;
  status->sequence1 = hdr.sequence1;
  status->sequence2 = hdr.sequence2;
  status->last_written = hdr.timestamp;
  if (hdr.sequence1 != hdr.sequence2)
    status->dirty_reason = g_strdup_printf (_ ("Its header sequence numbers differ (%u and %u): Windows did not finish writing it"),
                                            hdr.sequence1, hdr.sequence2);
  else
    status->dirty_reason = check_logs (log_base, hdr.sequence2);

  h = tf_registry_open_hive (hive_path, open_flags, error);
  if (h == NULL)
    return NULL;
  if (!inspect_hive (h, status, &nodes, error))
    return NULL;
  if (nodes_out != NULL)
    *nodes_out = nodes;
  if (h_out != NULL)
    *h_out = g_steal_pointer (&h);
  return g_steal_pointer (&status);
}

TfHiveStatus *
tf_hive_status_read (const char *path,
                     GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return tf_registry_read_status (path, path, path, NULL, NULL, 0, error);
}

static void
status_read_thread (GTask *task,
                    gpointer source_object,
                    gpointer task_data,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  TfHiveStatus *status = tf_hive_status_read (task_data, &error);

  if (status == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, status, (GDestroyNotify) tf_hive_status_free);
}

void
tf_hive_status_read_async (const char *path,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (path != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tf_hive_status_read_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, status_read_thread);
}

TfHiveStatus *
tf_hive_status_read_finish (GAsyncResult *result,
                            GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

TfHiveVerdict
tf_hive_status_get_verdict (const TfHiveStatus *status,
                            char **reason)
{
  TfHiveVerdict verdict = TF_HIVE_VERDICT_READY;
  char *text = NULL;

  g_return_val_if_fail (status != NULL, TF_HIVE_VERDICT_NOT_SYSTEM);

  if (status->dirty_reason != NULL)
    {
      verdict = TF_HIVE_VERDICT_DIRTY;
      /* Translators: %s explains why; the hive is a copy of a Windows registry file */
      text = g_strdup_printf (_ ("The hive is dirty and must not be written. %s. Load it once in Windows (or copy it from a cleanly shut down system) first."),
                              status->dirty_reason);
    }
  else if (status->not_system_reason != NULL)
    {
      verdict = TF_HIVE_VERDICT_NOT_SYSTEM;
      /* Translators: %s explains why */
      text = g_strdup_printf (_ ("This is not a SYSTEM hive. %s. Choose the file Windows\\System32\\config\\SYSTEM of the Exchange server."),
                              status->not_system_reason);
    }
  else if (!status->has_exchange_is)
    {
      verdict = TF_HIVE_VERDICT_NO_EXCHANGE;
      /* Translators: %s is a control set name such as ControlSet001 */
      text = g_strdup_printf (_ ("%s has no Services\\MSExchangeIS key: this is not the SYSTEM hive of an Exchange mailbox (Information Store) server."),
                              status->control_set);
    }
  else if (!status->has_parameters_system)
    {
      verdict = TF_HIVE_VERDICT_NO_EXCHANGE;
      text = g_strdup_printf (_ ("%s\\Services\\MSExchangeIS has no ParametersSystem key: the Information Store is not configured on this server."),
                              status->control_set);
    }

  if (reason != NULL)
    *reason = text;
  else
    g_free (text);
  return verdict;
}

char *
tf_hive_status_dup_key_path (const TfHiveStatus *status)
{
  g_return_val_if_fail (status != NULL, NULL);

  if (status->control_set == NULL)
    return NULL;
  return g_strconcat (status->control_set, "\\", TF_FLAG_KEY_BELOW_CONTROL_SET, NULL);
}
