/* tf-reader.c — content sniffing and format dispatch
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "tf-autocleanups-private.h"
#include "tf-bytes-stream-private.h"
#include "tf-pst.h"
#include "tf-read-progress-private.h"
#include "tf-reader.h"
#include "tf-rules.h"
#include "tf-safe-io.h"

/* TNEF: TNEF_SIGNATURE 0x223E9F78, little-endian ([MS-OXTNEF] 2.1.3.1) */
static const guint8 tnef_signature[] = { 0x78, 0x9F, 0x3E, 0x22 };
/* Compound File Binary header signature ([MS-CFB] 2.2) */
static const guint8 cfb_signature[] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };
/* PST / OST header dwMagic ([MS-PST] 2.2.2.6) */
static const guint8 pst_signature[] = { '!', 'B', 'D', 'N' };

/* RFC 5322 caps a line at 998 octets; a header field name is shorter. */
#define MAX_FIELD_NAME_LEN 998

G_DEFINE_QUARK (tf - error - quark, tf_error)

void
tf_core_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      g_mime_init ();

      /* libical: never abort on a malformed line (a damaged .ics is a
       * finding, not a crash), and keep unknown tokens instead of turning
       * them into X-LIC-ERROR properties: Microsoft iCalendar carries many
       * non-standard parameters. */
      icalerror_set_errors_are_fatal (0);
      ical_set_unknown_token_handling_setting (ICAL_ASSUME_IANA_TOKEN);

      g_once_init_leave (&initialized, 1);
    }
}

static gboolean
has_prefix_bytes (const guint8 *data,
                  gsize len,
                  const guint8 *prefix,
                  gsize prefix_len)
{
  return len >= prefix_len && memcmp (data, prefix, prefix_len) == 0;
}

static gboolean
is_ical (const guint8 *data,
         gsize len)
{
  static const char begin[] = "BEGIN:VCALENDAR";
  gsize i = 0;

  if (len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF)
    i = 3;

  while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
    i++;

  return len - i >= sizeof begin - 1 && g_ascii_strncasecmp ((const char *) data + i, begin, sizeof begin - 1) == 0;
}

/* RFC 5322 §2.2 / §3.6.8: field-name = 1*ftext, ftext = %d33-57 / %d59-126,
 * then ':' (obsolete syntax allows white space before the colon). Exchange
 * 2003 Drop/Queue copies start with "x-sender:" / "x-receiver:" envelope
 * lines, which have the same shape. */
static gboolean
is_rfc5322 (const guint8 *data,
            gsize len)
{
  gsize i = 0;

  while (i < len && i < MAX_FIELD_NAME_LEN && data[i] >= 33 && data[i] <= 126 && data[i] != ':')
    i++;

  if (i == 0)
    return FALSE;

  while (i < len && (data[i] == ' ' || data[i] == '\t'))
    i++;

  return i < len && data[i] == ':';
}

/**
 * tf_sniff_format:
 * @data: (array length=len): the first bytes of a file (all of it is fine)
 * @len: length of @data
 *
 * Looks at the content, never at the file name: queue folders hold .EML,
 * .TMP and extension-less files, and users rename things.
 *
 * Returns: the format, or %TF_FORMAT_UNKNOWN
 */
TfFormat
tf_sniff_format (const guint8 *data,
                 gsize len)
{
  g_return_val_if_fail (data != NULL || len == 0, TF_FORMAT_UNKNOWN);

  if (len == 0)
    return TF_FORMAT_UNKNOWN;

  if (has_prefix_bytes (data, len, tnef_signature, sizeof tnef_signature))
    return TF_FORMAT_TNEF;

  if (has_prefix_bytes (data, len, cfb_signature, sizeof cfb_signature))
    return TF_FORMAT_MSG;

  if (has_prefix_bytes (data, len, pst_signature, sizeof pst_signature))
    return TF_FORMAT_PST;

  if (has_prefix_bytes (data, len, (const guint8 *) "From ", 5))
    return TF_FORMAT_MBOX;

  /* Before the header test: "BEGIN:VCALENDAR" has the shape of a header. */
  if (is_ical (data, len))
    return TF_FORMAT_ICS;

  if (is_rfc5322 (data, len))
    return TF_FORMAT_EML;

  return TF_FORMAT_UNKNOWN;
}

/**
 * tf_item_new_parse_error:
 * @path: display path
 * @file_path: real path on disk
 * @format: what the file looked like, or %TF_FORMAT_UNKNOWN
 * @reason: translated reason, naming what failed and where
 *
 * Returns: (transfer full): a new item with a single PARSE_ERROR finding
 */
TfItem *
tf_item_new_parse_error (const char *path,
                         const char *file_path,
                         TfFormat format,
                         const char *reason)
{
  g_autoptr (TfItem) item = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (reason != NULL, NULL);

  item = tf_item_new (path, file_path != NULL ? file_path : path, 0);
  tf_item_set_format (item, format);
  tf_item_add_finding (item, tf_finding_new (TF_FINDING_PARSE_ERROR, NULL, reason));

  return g_steal_pointer (&item);
}

/**
 * tf_item_add_too_deep:
 * @item: the item a reader fills
 *
 * Says that a message embedded more than %TF_MAX_EMBED_DEPTH levels deep
 * was not read (one PARSE_ERROR finding per item), so the item may hide a
 * recipient row and is not repaired.
 */
void
tf_item_add_too_deep (TfItem *item)
{
  g_return_if_fail (TF_IS_ITEM (item));

  tf_item_add_finding (item,
                       tf_finding_new_printf (TF_FINDING_PARSE_ERROR, NULL,
                                              /* Translators: %u is a number of levels */
                                              ngettext ("A message is embedded more than %u level deep; Trackfix does "
                                                        "not read it, so a recipient row in it may be missing here.",
                                                        "A message is embedded more than %u levels deep; Trackfix does "
                                                        "not read it, so a recipient row in it may be missing here.",
                                                        TF_MAX_EMBED_DEPTH),
                                              TF_MAX_EMBED_DEPTH));
}

static void
finish_item (TfItem *item)
{
  tf_rules_classify (item);
  tf_rules_apply (item);
}

/* A reader that returned FALSE normally added its own PARSE_ERROR; make
 * sure every unreadable item says so. */
static void
ensure_parse_error (TfItem *item,
                    gboolean ok,
                    const char *what)
{
  if (ok || tf_item_has_finding (item, TF_FINDING_PARSE_ERROR))
    return;

  tf_item_add_finding (item,
                       tf_finding_new_printf (TF_FINDING_PARSE_ERROR, NULL,
                                              /* Translators: %s is a file format, e.g. "TNEF (winmail.dat)" */
                                              _ ("Nothing could be read from this %s content."), what));
}

static void
read_single (GBytes *data,
             TfFormat format,
             TfItem *item,
             TfReadFlags flags)
{
  gsize len = 0;
  const guint8 *bytes = g_bytes_get_data (data, &len);
  gboolean ok = FALSE;

  switch (format)
    {
    case TF_FORMAT_TNEF:
      ok = tf_tnef_read (bytes, len, item, -1, flags);
      break;
    case TF_FORMAT_MSG:
      ok = tf_msg_read (data, item, flags);
      break;
    case TF_FORMAT_ICS:
      ok = tf_ical_read ((const char *) bytes, len, item, -1, flags);
      break;
    case TF_FORMAT_PST:
    case TF_FORMAT_OST:
    case TF_FORMAT_EML:
    case TF_FORMAT_MBOX:
      ok = tf_mime_read (data, item, flags);
      break;
    case TF_FORMAT_UNKNOWN:
    default:
      g_assert_not_reached ();
    }

  ensure_parse_error (item, ok, tf_format_get_label (format));
}

typedef struct
{
  gint64 marker;  /* offset of the "From " line */
  gint64 headers; /* offset of the first header line */
} MboxMessage;

/* Splits an mbox with GMime's parser in mbox mode, which recognises the
 * "From " separator lines and leaves ">From " quoted body lines alone, then
 * reads each message's bytes (headers up to the next separator) as its own
 * item. The byte range kept on the item is that slice of the file. */
static void
read_mbox (GBytes *data,
           const char *path,
           const char *file_path,
           TfReadFlags flags,
           GPtrArray *items)
{
  g_autoptr (GMimeStream) stream = NULL;
  g_autoptr (GMimeParser) parser = NULL;
  g_autoptr (GArray) messages = NULL;
  gsize len = g_bytes_get_size (data);

  messages = g_array_new (FALSE, FALSE, sizeof (MboxMessage));

  stream = tf_bytes_stream_new (data, 0, -1);
  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MBOX);

  while (!g_mime_parser_eos (parser))
    {
      g_autoptr (GMimeMessage) message = NULL;
      MboxMessage m;

      message = g_mime_parser_construct_message (parser, NULL);
      if (message == NULL)
        break;

      m.marker = g_mime_parser_get_mbox_marker_offset (parser);
      m.headers = g_mime_parser_get_headers_begin (parser);

      /* Never trust the parser to make progress on hostile input. */
      if (m.marker < 0 || m.headers < m.marker || (gsize) m.headers > len)
        break;
      if (messages->len > 0 && m.marker <= g_array_index (messages, MboxMessage, messages->len - 1).marker)
        break;

      g_array_append_val (messages, m);
    }

  if (messages->len == 0)
    {
      g_ptr_array_add (items,
                       tf_item_new_parse_error (path, file_path, TF_FORMAT_MBOX,
                                                _ ("The mailbox (mbox) file holds no message after its first “From ” line.")));
      return;
    }

  for (guint i = 0; i < messages->len; i++)
    {
      const MboxMessage *m = &g_array_index (messages, MboxMessage, i);
      gsize end = i + 1 < messages->len
                      ? (gsize) g_array_index (messages, MboxMessage, i + 1).marker
                      : len;
      /* A header block that would start past the next separator: an
       * empty message ("From " lines back to back) */
      gsize start = MIN ((gsize) m->headers, end);
      g_autoptr (GBytes) slice = NULL;
      g_autoptr (TfItem) item = NULL;
      g_autofree char *item_path = NULL;

      item_path = g_strdup_printf ("%s#%u", path, i + 1);
      item = tf_item_new (item_path, file_path, i + 1);
      tf_item_set_format (item, TF_FORMAT_MBOX);
      tf_item_set_range (item, (guint64) start, (guint64) (end - start));

      slice = g_bytes_new_from_bytes (data, start, end - start);
      read_single (slice, TF_FORMAT_MBOX, item, flags);
      /* The MIME reader may label the content as a plain message. */
      tf_item_set_format (item, TF_FORMAT_MBOX);
      finish_item (item);

      g_ptr_array_add (items, g_steal_pointer (&item));
    }
}

/* Objects read from one .ics file; a bound like the calendar reader's
 * MAX_COMPONENTS, so a hostile file cannot make a million items. */
#define MAX_ICS_OBJECTS 10000

/* An .ics file holding several VCALENDAR objects (concatenated iTIP
 * messages) yields one item per object, "file.ics#3", whose byte range is
 * that object: each REPLY is checked, shown and repaired on its own. One
 * object (or none, which the calendar reader reports) is the whole file. */
static gboolean
read_ics_objects (GBytes *data,
                  const char *path,
                  const char *file_path,
                  TfReadFlags flags,
                  GPtrArray *items)
{
  gsize len = 0;
  const char *text = g_bytes_get_data (data, &len);
  g_autoptr (GArray) objects = tf_ical_split (text, len, MAX_ICS_OBJECTS + 1);
  gboolean truncated = objects->len > MAX_ICS_OBJECTS;

  if (objects->len < 2)
    return FALSE;
  if (truncated)
    g_array_set_size (objects, MAX_ICS_OBJECTS);

  for (guint i = 0; i < objects->len; i++)
    {
      const TfIcalObject *o = &g_array_index (objects, TfIcalObject, i);
      g_autoptr (GBytes) slice = g_bytes_new_from_bytes (data, o->offset, o->len);
      g_autoptr (TfItem) item = NULL;
      g_autofree char *item_path = g_strdup_printf ("%s#%u", path, i + 1);

      item = tf_item_new (item_path, file_path, i + 1);
      tf_item_set_format (item, TF_FORMAT_ICS);
      tf_item_set_range (item, (guint64) o->offset, (guint64) o->len);
      read_single (slice, TF_FORMAT_ICS, item, flags);
      if (truncated && i + 1 == objects->len)
        tf_item_add_finding (item,
                             tf_finding_new_printf (TF_FINDING_PARSE_ERROR, NULL,
                                                    /* Translators: %d is a number of calendar objects */
                                                    _ ("The file holds more than %d calendar objects; the rest were not read."),
                                                    MAX_ICS_OBJECTS));
      finish_item (item);
      g_ptr_array_add (items, g_steal_pointer (&item));
    }

  return TRUE;
}

void
tf_read_bytes (GBytes *data,
               const char *path,
               const char *file_path,
               TfReadFlags flags,
               GPtrArray *items)
{
  g_autoptr (TfItem) item = NULL;
  const guint8 *bytes;
  gsize len = 0;
  TfFormat format;

  g_return_if_fail (data != NULL);
  g_return_if_fail (path != NULL);
  g_return_if_fail (items != NULL);

  tf_core_init ();

  if (file_path == NULL)
    file_path = path;

  bytes = g_bytes_get_data (data, &len);

  if (len == 0)
    {
      g_ptr_array_add (items,
                       tf_item_new_parse_error (path, file_path, TF_FORMAT_UNKNOWN, _ ("empty file")));
      return;
    }

  format = tf_sniff_format (bytes, len);

  switch (format)
    {
    case TF_FORMAT_UNKNOWN:
      g_ptr_array_add (items,
                       tf_item_new_parse_error (path, file_path, TF_FORMAT_UNKNOWN,
                                                _ ("not a supported format: no RFC 5322 header block, "
                                                   "no TNEF or CFB signature, no BEGIN:VCALENDAR")));
      return;

    case TF_FORMAT_MBOX:
      read_mbox (data, path, file_path, flags, items);
      return;

    case TF_FORMAT_ICS:
      if (read_ics_objects (data, path, file_path, flags, items))
        return;
      break;

    case TF_FORMAT_PST:
    case TF_FORMAT_OST:
      tf_pst_read_bytes (data, path, file_path, NULL, flags, items);
      return;

    case TF_FORMAT_EML:
    case TF_FORMAT_MSG:
    case TF_FORMAT_TNEF:
    default:
      break;
    }

  item = tf_item_new (path, file_path, 0);
  tf_item_set_format (item, format);
  tf_item_set_range (item, 0, len);
  read_single (data, format, item, flags);
  tf_item_set_format (item, format);
  finish_item (item);

  g_ptr_array_add (items, g_steal_pointer (&item));
}

/* Read buffers up to this size are kept for the next file */
#define MAX_KEPT_BUFFER (4 * 1024 * 1024)

/* One read buffer per worker thread, reused from file to file: a fresh
 * allocation per file made glibc grow and trim its heap for every file
 * (8.6 % of a 10,000-file scan, issue 17). */
typedef struct
{
  guint8 *data;
  gsize size;
} ReadBuffer;

static void
read_buffer_free (gpointer data)
{
  ReadBuffer *buffer = data;

  g_free (buffer->data);
  g_free (buffer);
}

static GPrivate read_buffer_key = G_PRIVATE_INIT (read_buffer_free);

static ReadBuffer *
get_read_buffer (void)
{
  ReadBuffer *buffer = g_private_get (&read_buffer_key);

  if (buffer == NULL)
    {
      buffer = g_new0 (ReadBuffer, 1);
      g_private_set (&read_buffer_key, buffer);
    }

  return buffer;
}

/* Gives the data of @bytes (from read_all()) back to this thread's buffer
 * when nothing else holds a reference to it. */
static void
release_read_bytes (GBytes *bytes,
                    gsize capacity)
{
  ReadBuffer *buffer = get_read_buffer ();
  gconstpointer original = g_bytes_get_data (bytes, NULL);
  gsize size = 0;
  guint8 *data = g_bytes_unref_to_data (bytes, &size);

  /* a copy: an item still holds the original */
  if (data != original || capacity > MAX_KEPT_BUFFER || capacity <= buffer->size)
    {
      g_free (data);
      return;
    }

  g_free (buffer->data);
  buffer->data = data;
  buffer->size = capacity;
}

/* Reads up to @size bytes (the size fstat() reported; a file that
 * shrank meanwhile yields what is there) into this thread's buffer. */
static GBytes *
read_all (int fd,
          gsize size,
          gsize *capacity,
          GError **error)
{
  ReadBuffer *kept = get_read_buffer ();
  g_autofree guint8 *buffer = NULL;
  gsize done = 0;

  if (kept->data != NULL && kept->size >= size)
    {
      buffer = g_steal_pointer (&kept->data);
      *capacity = kept->size;
      kept->size = 0;
    }
  else
    {
      buffer = g_malloc (size);
      *capacity = size;
    }

  while (done < size)
    {
      gssize n = read (fd, buffer + done, size - done);

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0)
        break;
      done += (gsize) n;
    }

  return g_bytes_new_take (g_steal_pointer (&buffer), done);
}

/* Files up to this size are read whole before the PST signature is
 * checked */
#define SMALL_FILE_SIZE (1024 * 1024)

static gboolean
is_pst_fd (int fd,
           off_t size)
{
  guint8 magic[sizeof pst_signature];

  return size >= (off_t) sizeof magic && pread (fd, magic, sizeof magic, 0) == (ssize_t) sizeof magic
         && memcmp (magic, pst_signature, sizeof magic) == 0;
}

static gboolean
is_pst_bytes (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  return has_prefix_bytes (data, len, pst_signature, sizeof pst_signature);
}

static void
set_file_info (GPtrArray *items,
               guint first,
               const struct stat *st)
{
  for (guint i = first; i < items->len; i++)
    tf_item_set_file_info (g_ptr_array_index (items, i), (guint64) st->st_size,
                           tf_stat_mtime_usec (st));
}

/* A PST's items leave in batches while it is read: they get the file's
 * size and time first */
static void
hand_out_batch (GPtrArray *items,
                guint first,
                gpointer user_data)
{
  set_file_info (items, first, user_data);
  tf_read_progress_items (items, first);
}

/* A mailbox file may hold gigabytes: only its index and the nodes needed
 * are read, by offset. Closes @fd. */
static void
read_pst_fd (int fd,
             struct stat *st,
             const char *path,
             const char *file_path,
             const char *only_nid,
             TfReadFlags flags,
             GPtrArray *items)
{
  guint first = items->len;

  tf_pst_read_fd_batched (fd, (guint64) st->st_size, path, file_path, only_nid, flags,
                          hand_out_batch, st, items);
  close (fd);
  set_file_info (items, first, st);
}

static gboolean
read_file (const char *file_path,
           const char *path,
           const char *only_nid,
           TfReadFlags flags,
           GPtrArray *items,
           GError **error)
{
  GBytes *bytes = NULL;
  g_autoptr (GError) local_error = NULL;
  struct stat st;
  gsize capacity = 0;
  guint first;
  int fd;

  g_return_val_if_fail (file_path != NULL, FALSE);
  g_return_val_if_fail (items != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (path == NULL)
    path = file_path;

  /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
  fd = g_open (file_path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   /* Translators: %s is an error message such as "Permission denied" */
                   _ ("Cannot open the file: %s"), g_strerror (saved_errno));
      return FALSE;
    }

  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _ ("Cannot read the file’s attributes: %s"), g_strerror (saved_errno));
      return FALSE;
    }

  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, G_IO_ERROR,
                   S_ISDIR (st.st_mode) ? G_IO_ERROR_IS_DIRECTORY : G_IO_ERROR_NOT_REGULAR_FILE,
                   S_ISDIR (st.st_mode) ? _ ("This is a folder, not a file.")
                                        : _ ("Not a regular file (a device, pipe or socket)."));
      return FALSE;
    }

  first = items->len;
  /* A small file is read whole at once and its first bytes tell whether
   * it is a mailbox: one system call less per queue file than a pread()
   * of the signature first */
  if (st.st_size > SMALL_FILE_SIZE && is_pst_fd (fd, st.st_size))
    {
      read_pst_fd (fd, &st, path, file_path, only_nid, flags, items);
      return TRUE;
    }

  if (st.st_size == 0)
    {
      bytes = g_bytes_new_static ("", 0);
    }
  else
    {
      /* Always read(), never mmap(): a mapped file that another process
       * truncates while we parse it kills the whole scan with SIGBUS
       * (tests/hostile: /hostile/changing-big). read() is also faster for
       * queue files: unmapping in a process with worker threads costs a
       * TLB shootdown on every CPU, which dominated a 100,000-file scan. */
      bytes = read_all (fd, (gsize) st.st_size, &capacity, &local_error);
      if (bytes == NULL)
        {
          close (fd);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _ ("Cannot read the file: %s"), local_error->message);
          return FALSE;
        }
      if (st.st_size <= SMALL_FILE_SIZE && is_pst_bytes (bytes))
        {
          release_read_bytes (bytes, capacity);
          read_pst_fd (fd, &st, path, file_path, only_nid, flags, items);
          return TRUE;
        }
    }
  close (fd);

  tf_read_bytes (bytes, path, file_path, flags, items);
  set_file_info (items, first, &st);

  if (capacity > 0)
    release_read_bytes (bytes, capacity);
  else
    g_bytes_unref (bytes);

  return TRUE;
}

gboolean
tf_read_file (const char *file_path,
              const char *path,
              TfReadFlags flags,
              GPtrArray *items,
              GError **error)
{
  return read_file (file_path, path, NULL, flags, items, error);
}

gboolean
tf_read_item_path (const char *item_path,
                   TfReadFlags flags,
                   GPtrArray *items,
                   GError **error)
{
  g_autofree char *file_path = NULL;
  g_autofree char *chain = NULL;

  g_return_val_if_fail (item_path != NULL, FALSE);

  /* "export.pst#0x00214A44": one message of a mailbox file, unless a file
   * of that very name exists */
  if (!g_file_test (item_path, G_FILE_TEST_EXISTS)
      && tf_pst_split_item_path (item_path, &file_path, &chain))
    return read_file (file_path, file_path, chain, flags, items, error);
  return read_file (item_path, item_path, NULL, flags, items, error);
}
