/* tf-registry.c — the server fix flag in an offline SYSTEM hive (hivex)
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
#include <hivex.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tf-filetime.h"
#include "tf-journal.h"
#include "tf-reader.h"
#include "tf-registry.h"
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
#define MAX_SETUP_VALUES 4096
#define MAX_DIGEST_NODES (4u * 1024 * 1024)
#define MAX_BINARY_DISPLAY 64
#define MAX_PE_RESOURCE_ENTRIES 4096
#define MAX_PE_FILE_SIZE (256 * 1024 * 1024)

typedef struct
{
  guint32 sequence1;
  guint32 sequence2;
  guint64 timestamp;
  guint32 file_type;
  guint32 bins_size;
  guint64 file_size;
} RegfHeader;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (hive_h, hivex_close)

/* The keys from the control set down to the flag's key. The first three
 * must exist (an Information Store server); the others are created. */
static const char *const flag_key_path[] = {
  "Services",
  "MSExchangeIS",
  "ParametersSystem",
  "InternetContent",
  "MimeHandlers",
  TF_FLAG_MIME_HANDLER_GUID,
};
#define N_FLAG_KEYS G_N_ELEMENTS (flag_key_path)
#define N_REQUIRED_KEYS 3

static inline guint32
read_le32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static inline guint16
read_le16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static inline guint64
read_le64 (const guint8 *p)
{
  return (guint64) read_le32 (p) | ((guint64) read_le32 (p + 4) << 32);
}

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

static gboolean
read_regf_header (const char *path,
                  RegfHeader *hdr,
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

static void
set_hivex_error (GError **error,
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
static gboolean
get_child (hive_h *h,
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
      set_hivex_error (error, path, "hivex_node_get_child", errno);
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
      set_hivex_error (error, path, "hivex_node_get_value", errno);
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
static char *
format_value (hive_h *h,
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

typedef struct
{
  hive_node_h keys[N_FLAG_KEYS]; /* 0 where absent (and below) */
  hive_node_h control_set;
  hive_value_h value;
} FlagNodes;

/* Reads the SYSTEM structure of an open hive into @status. */
static gboolean
inspect_hive (hive_h *h,
              TfHiveStatus *status,
              FlagNodes *nodes,
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
      set_hivex_error (error, status->path, "hivex_root", errno);
      return FALSE;
    }
  if (!get_child (h, root, "Select", &select, status->path, error))
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
      set_hivex_error (error, status->path, "hivex_value_dword", errno);
      return FALSE;
    }
  if (status->current == 0 || status->current > MAX_CONTROL_SET)
    {
      status->not_system_reason = g_strdup_printf (_ ("Its \\Select\\Current value %u names no control set"),
                                                   status->current);
      return TRUE;
    }
  status->control_set = g_strdup_printf ("ControlSet%03u", status->current);
  if (!get_child (h, root, status->control_set, &nodes->control_set, status->path, error))
    return FALSE;
  if (nodes->control_set == 0)
    {
      status->not_system_reason = g_strdup_printf (_ ("\\Select\\Current names %s, which the hive does not contain"),
                                                   status->control_set);
      return TRUE;
    }

  node = nodes->control_set;
  for (guint i = 0; i < N_FLAG_KEYS && node != 0; i++)
    {
      if (!get_child (h, node, flag_key_path[i], &nodes->keys[i], status->path, error))
        return FALSE;
      node = nodes->keys[i];
    }
  status->has_exchange_is = nodes->keys[1] != 0;
  status->has_parameters_system = nodes->keys[2] != 0;
  status->has_mime_handler_key = nodes->keys[N_FLAG_KEYS - 1] != 0;

  status->flag_state = TF_FLAG_STATE_ABSENT;
  if (status->has_mime_handler_key)
    {
      if (!get_value (h, nodes->keys[N_FLAG_KEYS - 1], TF_FLAG_VALUE_NAME,
                      &nodes->value, status->path, error))
        return FALSE;
    }
  if (nodes->value != 0)
    {
      g_autofree char *raw = NULL;

      raw = hivex_value_value (h, nodes->value, &t, &len);
      if (raw == NULL)
        {
          set_hivex_error (error, status->path, "hivex_value_value", errno);
          return FALSE;
        }
      status->flag_type = (guint32) t;
      status->flag_display = format_value (h, nodes->value, NULL);
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

static hive_h *
open_hive (const char *path,
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
static TfHiveStatus *
read_status (const char *display_path,
             const char *hive_path,
             const char *log_base,
             FlagNodes *nodes_out,
             hive_h **h_out,
             int open_flags,
             GError **error)
{
  g_autoptr (TfHiveStatus) status = g_new0 (TfHiveStatus, 1);
  g_autoptr (hive_h) h = NULL;
  FlagNodes nodes;
  RegfHeader hdr;

  status->path = g_strdup (display_path);
  if (!read_regf_header (hive_path, &hdr, error))
    return NULL;
  status->sequence1 = hdr.sequence1;
  status->sequence2 = hdr.sequence2;
  status->last_written = hdr.timestamp;
  if (hdr.sequence1 != hdr.sequence2)
    status->dirty_reason = g_strdup_printf (_ ("Its header sequence numbers differ (%u and %u): Windows did not finish writing it"),
                                            hdr.sequence1, hdr.sequence2);
  else
    status->dirty_reason = check_logs (log_base, hdr.sequence2);

  h = open_hive (hive_path, open_flags, error);
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

  return read_status (path, path, path, NULL, NULL, 0, error);
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

  for (guint i = 0; i < n_keys && i < N_FLAG_KEYS; i++)
    {
      g_string_append_c (s, '\\');
      g_string_append (s, flag_key_path[i]);
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
              const FlagNodes *nodes,
              TfFlagAction action)
{
  g_autoptr (GPtrArray) changes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *key = tf_hive_status_dup_key_path (status);

  if (action == TF_FLAG_ENABLE)
    {
      if (status->flag_state == TF_FLAG_STATE_ONE)
        return g_steal_pointer (&changes);
      for (guint i = N_REQUIRED_KEYS; i < N_FLAG_KEYS; i++)
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
      set_hivex_error (error, path, "hivex_node_values", errno);
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
          set_hivex_error (error, path, "hivex_value_key", errno);
          return NULL;
        }
      if (skip != NULL && g_ascii_strcasecmp (name, skip) == 0)
        continue;
      raw = hivex_value_value (h, values[i], &t, &len);
      if (raw == NULL)
        {
          set_hivex_error (error, path, "hivex_value_value", errno);
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
              const FlagNodes *nodes,
              TfFlagAction action,
              GPtrArray **kept_out,
              GError **error)
{
  hive_node_h node = nodes->keys[N_REQUIRED_KEYS - 1];

  if (action == TF_FLAG_ENABLE)
    {
      static const guint8 one[4] = { 1, 0, 0, 0 };
      hive_set_value sv = { (char *) TF_FLAG_VALUE_NAME, hive_t_REG_DWORD, 4, (char *) one };

      for (guint i = N_REQUIRED_KEYS; i < N_FLAG_KEYS; i++)
        {
          if (nodes->keys[i] != 0)
            node = nodes->keys[i];
          else
            {
              errno = 0;
              node = hivex_node_add_child (h, node, flag_key_path[i]);
              if (node == 0)
                {
                  set_hivex_error (error, path, "hivex_node_add_child", errno);
                  return FALSE;
                }
            }
        }
      errno = 0;
      if (hivex_node_set_value (h, node, &sv, 0) != 0)
        {
          set_hivex_error (error, path, "hivex_node_set_value", errno);
          return FALSE;
        }
      return TRUE;
    }
  else
    {
      /* hivex has no call to delete one value: write back all the others. */
      g_autoptr (GPtrArray) kept = NULL;
      g_autofree hive_set_value *set = NULL;

      node = nodes->keys[N_FLAG_KEYS - 1];
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
          set_hivex_error (error, path, "hivex_node_set_values", errno);
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
          set_hivex_error (error, path, "hivex_node_children", errno);
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
              set_hivex_error (error, path, "hivex_value_value", errno);
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
  FlagNodes nodes;

  status = read_status (path, path, path, &nodes, &h, 0, &local_error);
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
    g_autofree char *digest = digest_tree (h, nodes.keys[N_REQUIRED_KEYS - 1], path, error);

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
      now = save_values (h, nodes.keys[N_FLAG_KEYS - 1], NULL, path, error);
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
  g_autoptr (TfJournalEntry) entry = NULL;
  g_autofree char *dirname = NULL;
  g_autofree char *scratch_tmpl = NULL;
  g_autofree char *scratch_in = NULL;
  g_autofree char *scratch_out = NULL;
  g_autofree char *default_backup_dir = NULL;
  g_autofree char *default_journal = NULL;
  g_autofree char *abs_path = NULL;
  g_autofree char *digest = NULL;
  char *scratch = NULL;
  gsize len = 0;
  gchar *contents = NULL;
  TfFileStamp stamp;
  FlagNodes nodes;
  VerifyData vd = { 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (action == TF_FLAG_ENABLE || action == TF_FLAG_DISABLE, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  result = g_new0 (TfFlagResult, 1);
  result->action = action;

  if (flags & TF_FLAG_RUN_DRY_RUN)
    {
      status = read_status (path, path, path, &nodes, NULL, 0, error);
      if (status == NULL || !refuse_if_needed (status, error))
        return NULL;
      changes = plan_changes (status, &nodes, action);
      result->dry_run = TRUE;
      result->control_set = g_strdup (status->control_set);
      result->changes = changes_to_strv (changes);
      return g_steal_pointer (&result);
    }

  /* A read-only look first: refusals and "already as requested" need no
   * scratch copy, backup or journal entry. */
  status = read_status (path, path, path, &nodes, NULL, 0, error);
  if (status == NULL || !refuse_if_needed (status, error))
    return NULL;
  changes = plan_changes (status, &nodes, action);
  result->control_set = g_strdup (status->control_set);
  if (changes->len == 0)
    {
      result->changes = changes_to_strv (changes);
      return g_steal_pointer (&result);
    }
  g_clear_pointer (&status, tf_hive_status_free);
  g_clear_pointer (&changes, g_ptr_array_unref);
  g_clear_pointer (&result->control_set, g_free);

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

  status = read_status (abs_path, scratch_in, abs_path, &nodes, &h, HIVEX_OPEN_WRITE, error);
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

  digest = digest_tree (h, nodes.keys[N_REQUIRED_KEYS - 1], abs_path, error);
  if (digest == NULL)
    goto out;
  if (!apply_change (h, scratch_in, &nodes, action, &kept, error))
    goto out;
  errno = 0;
  if (hivex_commit (h, scratch_out, 0) != 0)
    {
      int saved = errno;
      g_set_error (error, TF_ERROR, TF_ERROR_IO,
                   _ ("Cannot write the changed hive: %s"), g_strerror (saved ? saved : EIO));
      goto out;
    }
  g_clear_pointer (&h, hivex_close);
  if (!g_file_get_contents (scratch_out, &contents, &len, error))
    goto out;
  written = g_bytes_new_take (contents, len);

  /* Backup first: the original bytes, checked against the hash we read. */
  if (backup_dir == NULL)
    backup_dir = default_backup_dir = tf_journal_default_backup_dir ();
  if (journal_path == NULL)
    journal_path = default_journal = tf_journal_default_path ();
  result->backup = tf_safe_backup (abs_path, backup_dir, stamp.sha256, error);
  if (result->backup == NULL)
    goto out;

  /* Write-ahead, as repairs do: the journal entry is on disk before the
   * hive is replaced. If the replace then fails, the hive still has
   * sha256_before and undo skips the entry. */
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
    goto out;

  vd.action = action;
  vd.control_set = status->control_set;
  vd.current = status->current;
  vd.kept = kept;
  vd.digest = digest;
  if (!tf_safe_replace (abs_path, &stamp, written, verify_written_hive, &vd, error))
    goto out;
  result->written = TRUE;
  result->journal = g_strdup (journal_path);
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

/* ---- SOFTWARE hive: Microsoft\Exchange\Setup --------------------------- */

void
tf_reg_value_free (TfRegValue *value)
{
  if (value == NULL)
    return;
  g_free (value->name);
  g_free (value->display);
  g_free (value);
}

GPtrArray *
tf_software_hive_read_exchange_setup (const char *path,
                                      gboolean *found,
                                      GError **error)
{
  static const char *const setup_path[] = { "Microsoft", "Exchange", "Setup" };
  g_autoptr (GPtrArray) values = NULL;
  g_autoptr (hive_h) h = NULL;
  g_autofree hive_value_h *vals = NULL;
  hive_node_h node;
  RegfHeader hdr;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (found != NULL)
    *found = FALSE;
  if (!read_regf_header (path, &hdr, error))
    return NULL;
  h = open_hive (path, 0, error);
  if (h == NULL)
    return NULL;
  values = g_ptr_array_new_with_free_func ((GDestroyNotify) tf_reg_value_free);
  node = hivex_root (h);
  for (guint i = 0; i < G_N_ELEMENTS (setup_path) && node != 0; i++)
    if (!get_child (h, node, setup_path[i], &node, path, error))
      return NULL;
  if (node == 0)
    return g_steal_pointer (&values);
  if (found != NULL)
    *found = TRUE;

  errno = 0;
  vals = hivex_node_values (h, node);
  if (vals == NULL)
    {
      set_hivex_error (error, path, "hivex_node_values", errno);
      return NULL;
    }
  for (guint i = 0; vals[i] != 0 && i < MAX_SETUP_VALUES; i++)
    {
      TfRegValue *v = g_new0 (TfRegValue, 1);
      char *name = hivex_value_key (h, vals[i]);

      v->name = g_strdup (name != NULL ? name : "?");
      free (name);
      v->display = format_value (h, vals[i], &v->type);
      g_ptr_array_add (values, v);
    }
  return g_steal_pointer (&values);
}

/* ---- PE version resource ----------------------------------------------
 *
 * Hand-written on purpose: no library packaged in Debian reads PE version
 * resources from C (libpe/pev are not libraries there, and GLib, GIO and
 * libgsf know nothing of PE). Every offset and count from the file is
 * checked against the buffer before use. */

#define PE_RT_VERSION 16
#define PE_DIR_RESOURCE 2
#define PE_VS_FIXED_SIGNATURE 0xFEEF04BDu

typedef struct
{
  const guint8 *data;
  gsize len;
  guint32 rsrc_rva;    /* RVA of the resource section's root */
  guint32 rsrc_offset; /* file offset of the root */
  guint32 rsrc_size;   /* bytes available from the root */
  guint32 n_sections;
  gsize sections; /* file offset of the section table */
} PeImage;

static gboolean
pe_fail (GError **error,
         const char *what)
{
  g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
               /* Translators: %s says what is wrong in the DLL file */
               _ ("Cannot read the file version: %s"), what);
  return FALSE;
}

static gboolean
in_range (gsize len,
          guint64 off,
          guint64 n)
{
  return off <= len && n <= len - off;
}

/* Maps an RVA to a file offset through the section table. */
static gboolean
pe_rva_to_offset (const PeImage *pe,
                  guint32 rva,
                  guint32 need,
                  guint32 *offset)
{
  for (guint32 i = 0; i < pe->n_sections; i++)
    {
      const guint8 *s = pe->data + pe->sections + 40 * (gsize) i;
      guint32 vsize = read_le32 (s + 8);
      guint32 va = read_le32 (s + 12);
      guint32 raw_size = read_le32 (s + 16);
      guint32 raw_ptr = read_le32 (s + 20);
      guint32 span = MAX (vsize, raw_size);

      if (rva >= va && (guint64) rva - va < span)
        {
          guint64 delta = (guint64) rva - va;

          if (delta + need > raw_size)
            return FALSE;
          if (!in_range (pe->len, (guint64) raw_ptr + delta, need))
            return FALSE;
          *offset = (guint32) (raw_ptr + delta);
          return TRUE;
        }
    }
  return FALSE;
}

/* Returns the entry of directory @dir_off (relative to the resource root)
 * whose id is @id, or the first one when @id is -1. */
static gboolean
pe_find_entry (const PeImage *pe,
               guint32 dir_off,
               gint64 id,
               guint32 *target,
               gboolean *is_dir)
{
  const guint8 *dir;
  guint32 n;

  if (!in_range (pe->rsrc_size, dir_off, 16))
    return FALSE;
  dir = pe->data + pe->rsrc_offset + dir_off;
  n = (guint32) read_le16 (dir + 12) + read_le16 (dir + 14);
  if (n > MAX_PE_RESOURCE_ENTRIES || !in_range (pe->rsrc_size, (guint64) dir_off + 16, 8 * (guint64) n))
    return FALSE;
  for (guint32 i = 0; i < n; i++)
    {
      const guint8 *e = dir + 16 + 8 * (gsize) i;
      guint32 name = read_le32 (e);
      guint32 off = read_le32 (e + 4);

      if (id >= 0 && ((name & 0x80000000u) != 0 || name != (guint32) id))
        continue;
      *is_dir = (off & 0x80000000u) != 0;
      *target = off & 0x7fffffffu;
      return TRUE;
    }
  return FALSE;
}

gboolean
tf_pe_read_version (const guint8 *data,
                    gsize len,
                    TfFileVersion *version,
                    GError **error)
{
  PeImage pe = { data, len };
  guint32 pe_off, opt_off, opt_size, magic, n_dirs, dir_base, node, data_rva, data_size, vs_off;
  guint16 coff_opt_size;
  gboolean is_dir = FALSE;
  const guint8 *vs;
  gsize pos;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (version != NULL, FALSE);

  if (len < 0x40 || data[0] != 'M' || data[1] != 'Z')
    return pe_fail (error, _ ("not a Windows program file (no MZ header)"));
  pe_off = read_le32 (data + 0x3c);
  if (!in_range (len, pe_off, 24) || memcmp (data + pe_off, "PE\0\0", 4) != 0)
    return pe_fail (error, _ ("no PE header"));
  pe.n_sections = read_le16 (data + pe_off + 6);
  coff_opt_size = read_le16 (data + pe_off + 20);
  opt_off = pe_off + 24;
  opt_size = coff_opt_size;
  if (!in_range (len, opt_off, opt_size) || opt_size < 2)
    return pe_fail (error, _ ("the optional header is truncated"));
  magic = read_le16 (data + opt_off);
  if (magic == 0x10b)
    dir_base = 96;
  else if (magic == 0x20b)
    dir_base = 112;
  else
    return pe_fail (error, _ ("unknown optional header type"));
  if (opt_size < dir_base)
    return pe_fail (error, _ ("the optional header is truncated"));
  n_dirs = read_le32 (data + opt_off + dir_base - 4);
  if (n_dirs <= PE_DIR_RESOURCE || (guint64) dir_base + 8 * (PE_DIR_RESOURCE + 1) > opt_size)
    return pe_fail (error, _ ("the file has no resources"));
  pe.rsrc_rva = read_le32 (data + opt_off + dir_base + 8 * PE_DIR_RESOURCE);
  pe.rsrc_size = read_le32 (data + opt_off + dir_base + 8 * PE_DIR_RESOURCE + 4);
  pe.sections = (gsize) opt_off + opt_size;
  if (pe.n_sections == 0 || !in_range (len, pe.sections, 40 * (guint64) pe.n_sections))
    return pe_fail (error, _ ("the section table is truncated"));
  if (pe.rsrc_rva == 0 || pe.rsrc_size < 16 || !pe_rva_to_offset (&pe, pe.rsrc_rva, 16, &pe.rsrc_offset))
    return pe_fail (error, _ ("the file has no resources"));
  /* Clamp the resource size to what the file holds. */
  pe.rsrc_size = (guint32) MIN ((guint64) pe.rsrc_size, len - pe.rsrc_offset);

  /* type RT_VERSION → first name → first language → data entry */
  if (!pe_find_entry (&pe, 0, PE_RT_VERSION, &node, &is_dir) || !is_dir)
    return pe_fail (error, _ ("the file has no version resource"));
  if (!pe_find_entry (&pe, node, -1, &node, &is_dir) || !is_dir)
    return pe_fail (error, _ ("the version resource is damaged"));
  if (!pe_find_entry (&pe, node, -1, &node, &is_dir) || is_dir)
    return pe_fail (error, _ ("the version resource is damaged"));
  if (!in_range (pe.rsrc_size, node, 16))
    return pe_fail (error, _ ("the version resource is damaged"));
  data_rva = read_le32 (data + pe.rsrc_offset + node);
  data_size = read_le32 (data + pe.rsrc_offset + node + 4);
  if (data_size < 40 + 52 || !pe_rva_to_offset (&pe, data_rva, data_size, &vs_off))
    return pe_fail (error, _ ("the version resource is damaged"));

  /* VS_VERSIONINFO: wLength, wValueLength, wType, L"VS_VERSION_INFO\0",
   * padding to 32 bits, then VS_FIXEDFILEINFO. */
  vs = data + vs_off;
  {
    static const char key[] = "VS_VERSION_INFO";

    for (guint i = 0; i < sizeof key; i++)
      if (read_le16 (vs + 6 + 2 * i) != (guint8) key[i])
        return pe_fail (error, _ ("the version resource is damaged"));
  }
  if (read_le16 (vs + 2) < 52)
    return pe_fail (error, _ ("the version resource has no fixed file information"));
  pos = (6 + 2 * sizeof "VS_VERSION_INFO" + 3) & ~(gsize) 3;
  if (pos + 52 > data_size || read_le32 (vs + pos) != PE_VS_FIXED_SIGNATURE)
    return pe_fail (error, _ ("the version resource has no fixed file information"));

  version->major = (guint16) (read_le32 (vs + pos + 8) >> 16);
  version->minor = (guint16) (read_le32 (vs + pos + 8) & 0xffff);
  version->build = (guint16) (read_le32 (vs + pos + 12) >> 16);
  version->revision = (guint16) (read_le32 (vs + pos + 12) & 0xffff);
  return TRUE;
}

gboolean
tf_pe_read_version_file (const char *path,
                         TfFileVersion *version,
                         GError **error)
{
  g_autofree char *contents = NULL;
  GError *local_error = NULL;
  GStatBuf st;
  gsize len = 0;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (version != NULL, FALSE);

  /* Read, not mapped: a file shrinking under a mapping would be a SIGBUS. */
  if (g_stat (path, &st) == 0 && st.st_size > MAX_PE_FILE_SIZE)
    return pe_fail (error, _ ("the file is too large for a DLL"));
  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_IO, local_error->message);
      g_error_free (local_error);
      return FALSE;
    }
  return tf_pe_read_version ((const guint8 *) contents, len, version, error);
}

int
tf_file_version_compare (const TfFileVersion *a,
                         const TfFileVersion *b)
{
  const guint16 va[4] = { a->major, a->minor, a->build, a->revision };
  const guint16 vb[4] = { b->major, b->minor, b->build, b->revision };

  for (guint i = 0; i < 4; i++)
    if (va[i] != vb[i])
      return va[i] < vb[i] ? -1 : 1;
  return 0;
}

char *
tf_file_version_to_string (const TfFileVersion *version)
{
  g_return_val_if_fail (version != NULL, NULL);

  return g_strdup_printf ("%u.%u.%u.%u", version->major, version->minor,
                          version->build, version->revision);
}

gboolean
tf_file_version_parse (const char *str,
                       TfFileVersion *version)
{
  g_auto (GStrv) parts = NULL;
  guint16 v[4] = { 0 };

  g_return_val_if_fail (str != NULL, FALSE);
  g_return_val_if_fail (version != NULL, FALSE);

  parts = g_strsplit (str, ".", -1);
  if (g_strv_length (parts) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      guint64 n = 0;

      if (!g_ascii_string_to_unsigned (parts[i], 10, 0, G_MAXUINT16, &n, NULL))
        return FALSE;
      v[i] = (guint16) n;
    }
  version->major = v[0];
  version->minor = v[1];
  version->build = v[2];
  version->revision = v[3];
  return TRUE;
}

gboolean
tf_excdo_version_has_fix (const TfFileVersion *version)
{
  TfFileVersion fixed;

  g_return_val_if_fail (version != NULL, FALSE);

  if (!tf_file_version_parse (TF_EXCDO_FIXED_VERSION, &fixed))
    g_assert_not_reached ();
  return tf_file_version_compare (version, &fixed) >= 0;
}
