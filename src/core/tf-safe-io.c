/* tf-safe-io.c — never-lose-data file writing, backups and hashes
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
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "tf-reader.h"
#include "tf-safe-io-private.h"
#include "tf-safe-io.h"

/* Everything here works relative to an open folder descriptor (openat,
 * renameat, …) so that the folder we checked is the folder we write into,
 * and every open of the file itself uses O_NOFOLLOW: a symlink planted in
 * place of a file is refused, never followed. */

#define TEMP_SUFFIX ".tmp"
#define MAX_TEMP_ATTEMPTS 100
#define MAX_BASENAME_IN_TEMP 80

/* @format is always one of our translated literals with a single %s for
 * the path; the path is converted for display first. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
void
tf_safe_io_set_errno_error (GError **error,
                            int saved_errno,
                            const char *format,
                            const char *path)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *msg = g_strdup_printf (format, display);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "%s: %s", msg, g_strerror (saved_errno));
}
#pragma GCC diagnostic pop

static int
open_parent (const char *path,
             char **out_dir,
             char **out_base,
             GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  int dirfd;

  if (g_strcmp0 (base, ".") == 0 || g_strcmp0 (base, "..") == 0 || g_strcmp0 (base, G_DIR_SEPARATOR_S) == 0)
    {
      g_autofree char *display = g_filename_display_name (path);
      g_set_error (error, TF_ERROR, TF_ERROR_REFUSED,
                   _ ("“%s” is not a file name"), display);
      return -1;
    }

  dirfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    {
      /* Translators: %s is a folder path */
      tf_safe_io_set_errno_error (error, errno, _ ("Cannot open folder “%s”"), dir);
      return -1;
    }

  if (out_dir)
    *out_dir = g_steal_pointer (&dir);
  if (out_base)
    *out_base = g_steal_pointer (&base);
  return dirfd;
}

static gboolean
check_regular (const struct stat *st,
               const char *path,
               GError **error)
{
  g_autofree char *display = NULL;

  if (S_ISREG (st->st_mode))
    return TRUE;

  display = g_filename_display_name (path);
  if (S_ISLNK (st->st_mode))
    g_set_error (error, TF_ERROR, TF_ERROR_REFUSED,
                 _ ("“%s” is a symbolic link; Trackfix never writes through links"), display);
  else
    g_set_error (error, TF_ERROR, TF_ERROR_REFUSED,
                 _ ("“%s” is not a regular file"), display);
  return FALSE;
}

gint64
tf_stat_mtime_usec (const struct stat *st)
{
  return (gint64) st->st_mtim.tv_sec * G_USEC_PER_SEC + st->st_mtim.tv_nsec / 1000;
}

static gboolean
write_all (int fd,
           const guint8 *data,
           gsize len,
           const char *path,
           GError **error)
{
  while (len > 0)
    {
      gssize n = write (fd, data, MIN (len, (gsize) G_MAXSSIZE));

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          tf_safe_io_set_errno_error (error, errno, _ ("Cannot write “%s”"), path);
          return FALSE;
        }
      data += n;
      len -= n;
    }
  return TRUE;
}

/* Reads an open regular file completely; @st is its fstat. */
static GBytes *
read_fd (int fd,
         const struct stat *st,
         const char *path,
         GError **error)
{
  g_autoptr (GByteArray) buf = NULL;
  guint8 chunk[65536];

  if ((guint64) st->st_size > G_MAXSIZE / 2)
    {
      g_autofree char *display = g_filename_display_name (path);
      g_set_error (error, TF_ERROR, TF_ERROR_REFUSED,
                   _ ("“%s” is too large"), display);
      return NULL;
    }

  buf = g_byte_array_sized_new ((guint) MIN ((guint64) st->st_size + 1, G_MAXUINT));
  for (;;)
    {
      gssize n = read (fd, chunk, sizeof chunk);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          tf_safe_io_set_errno_error (error, errno, _ ("Cannot read “%s”"), path);
          return NULL;
        }
      if (n == 0)
        break;
      g_byte_array_append (buf, chunk, (guint) n);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

/* Opens @base in @dirfd for reading without following a symlink and
 * without blocking on a FIFO, and checks it is a regular file. */
static int
open_regular_at (int dirfd,
                 const char *base,
                 const char *path,
                 struct stat *st,
                 GError **error)
{
  struct stat lst;
  int fd;

  if (fstatat (dirfd, base, &lst, AT_SYMLINK_NOFOLLOW) != 0)
    {
      tf_safe_io_set_errno_error (error, errno, _ ("Cannot open “%s”"), path);
      return -1;
    }
  if (!check_regular (&lst, path, error))
    return -1;

  fd = openat (dirfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    {
      int saved = errno;

      if (saved == ELOOP)
        {
          lst.st_mode = S_IFLNK;
          check_regular (&lst, path, error);
        }
      else
        tf_safe_io_set_errno_error (error, saved, _ ("Cannot open “%s”"), path);
      return -1;
    }

  if (fstat (fd, st) != 0)
    {
      tf_safe_io_set_errno_error (error, errno, _ ("Cannot open “%s”"), path);
      close (fd);
      return -1;
    }
  /* Swapped between the lstat and the open? */
  if (!check_regular (st, path, error))
    {
      close (fd);
      return -1;
    }
  if (st->st_dev != lst.st_dev || st->st_ino != lst.st_ino)
    {
      g_autofree char *display = g_filename_display_name (path);
      g_set_error (error, TF_ERROR, TF_ERROR_CHANGED,
                   _ ("“%s” was replaced while it was being opened"), display);
      close (fd);
      return -1;
    }
  return fd;
}

static GBytes *
read_at (int dirfd,
         const char *base,
         const char *path,
         struct stat *st,
         GError **error)
{
  GBytes *bytes;
  int fd = open_regular_at (dirfd, base, path, st, error);

  if (fd < 0)
    return NULL;
  bytes = read_fd (fd, st, path, error);
  close (fd);
  return bytes;
}

static void
fill_stamp (TfFileStamp *stamp,
            const struct stat *st,
            GBytes *bytes)
{
  g_autofree char *sha = tf_sha256_bytes (bytes);

  memset (stamp, 0, sizeof *stamp);
  stamp->size = g_bytes_get_size (bytes);
  stamp->mtime_usec = tf_stat_mtime_usec (st);
  g_strlcpy (stamp->sha256, sha, sizeof stamp->sha256);
}

static gboolean
check_unchanged_at (int dirfd,
                    const char *base,
                    const char *path,
                    const TfFileStamp *stamp,
                    GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *display = NULL;
  struct stat st;

  bytes = read_at (dirfd, base, path, &st, error);
  if (bytes == NULL)
    return FALSE;

  display = g_filename_display_name (path);
  if ((guint64) g_bytes_get_size (bytes) != stamp->size || tf_stat_mtime_usec (&st) != stamp->mtime_usec)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_CHANGED,
                   _ ("“%s” changed since it was read (size or modification time differ)"), display);
      return FALSE;
    }

  sha = tf_sha256_bytes (bytes);
  if (g_ascii_strcasecmp (sha, stamp->sha256) != 0)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_CHANGED,
                   _ ("“%s” changed since it was read (content differs)"), display);
      return FALSE;
    }
  return TRUE;
}

static gboolean
fsync_dir (int dirfd,
           const char *dir,
           GError **error)
{
  /* Some file systems refuse fsync on a folder (EINVAL); nothing more can be
   * done there, the rename itself is still atomic. */
  if (fsync (dirfd) != 0 && errno != EINVAL && errno != ENOTSUP)
    {
      tf_safe_io_set_errno_error (error, errno, _ ("Cannot flush folder “%s”"), dir);
      return FALSE;
    }
  return TRUE;
}

/* Creates a fresh temp file next to @base in @dirfd. */
static int
create_temp_at (int dirfd,
                const char *dir,
                const char *base,
                guint mode,
                char **out_name,
                GError **error)
{
  g_autofree char *short_base = NULL;
  gsize len = strlen (base);

  /* Keep the name well below NAME_MAX, cutting on a UTF-8 boundary. */
  if (len > MAX_BASENAME_IN_TEMP)
    {
      const char *end = base + MAX_BASENAME_IN_TEMP;
      if (g_utf8_validate (base, -1, NULL))
        end = g_utf8_find_prev_char (base, end + 1);
      short_base = g_strndup (base, end - base);
    }
  else
    short_base = g_strdup (base);

  for (guint attempt = 0; attempt < MAX_TEMP_ATTEMPTS; attempt++)
    {
      g_autofree char *name = g_strdup_printf (TF_SAFE_TEMP_PREFIX "%08x-%s" TEMP_SUFFIX,
                                               g_random_int (), short_base);
      int fd = openat (dirfd, name,
                       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
                       mode & 0777);

      if (fd >= 0)
        {
          *out_name = g_steal_pointer (&name);
          return fd;
        }
      if (errno != EEXIST)
        {
          tf_safe_io_set_errno_error (error, errno, _ ("Cannot create a temporary file in “%s”"), dir);
          return -1;
        }
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
               _ ("Cannot create a unique temporary file in “%s”"), dir);
  return -1;
}

/* Writes @contents into a new temp file in @dirfd, fsyncs (unless the
 * caller flushes the whole file system later) and closes it. */
static char *
write_temp_at (int dirfd,
               const char *dir,
               const char *base,
               GBytes *contents,
               guint mode,
               uid_t uid,
               gid_t gid,
               gboolean set_owner,
               gboolean sync,
               GError **error)
{
  g_autofree char *name = NULL;
  g_autofree char *tmp_path = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (contents, &len);
  int fd;

  fd = create_temp_at (dirfd, dir, base, 0600, &name, error);
  if (fd < 0)
    return NULL;
  tmp_path = g_build_filename (dir, name, NULL);

  /* Keep the original owner when we may (root); otherwise the file simply
   * becomes ours, as with any editor's safe save. */
  if (set_owner && (fchown (fd, uid, gid) != 0) && errno != EPERM)
    g_debug ("fchown %s: %s", tmp_path, g_strerror (errno));

  if (fchmod (fd, mode & 07777) != 0 || !write_all (fd, data, len, tmp_path, error) || (sync && fsync (fd) != 0))
    {
      if (error && *error == NULL)
        tf_safe_io_set_errno_error (error, errno, _ ("Cannot write “%s”"), tmp_path);
      close (fd);
      unlinkat (dirfd, name, 0);
      return NULL;
    }

  if (close (fd) != 0)
    {
      tf_safe_io_set_errno_error (error, errno, _ ("Cannot write “%s”"), tmp_path);
      unlinkat (dirfd, name, 0);
      return NULL;
    }

  return g_steal_pointer (&name);
}

/* Re-reads the temp file from disk and checks it holds exactly @expected. */
static GBytes *
reread_and_compare (int dirfd,
                    const char *name,
                    const char *tmp_path,
                    GBytes *expected,
                    GError **error)
{
  g_autoptr (GBytes) back = NULL;
  struct stat st;

  back = read_at (dirfd, name, tmp_path, &st, error);
  if (back == NULL)
    return NULL;
  if (!g_bytes_equal (back, expected))
    {
      g_autofree char *display = g_filename_display_name (tmp_path);
      g_set_error (error, TF_ERROR, TF_ERROR_IO,
                   _ ("“%s” does not read back as written"), display);
      return NULL;
    }
  return g_steal_pointer (&back);
}

gboolean
tf_safe_is_temp_name (const char *basename)
{
  g_return_val_if_fail (basename != NULL, FALSE);

  return g_str_has_prefix (basename, TF_SAFE_TEMP_PREFIX) && g_str_has_suffix (basename, TEMP_SUFFIX);
}

char *
tf_sha256_bytes (GBytes *bytes)
{
  g_return_val_if_fail (bytes != NULL, NULL);

  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

/**
 * tf_safe_read:
 * @path: a regular file (a symlink is refused)
 * @stamp: (out) (optional): size, modification time and SHA-256 of what
 *   was read
 *
 * Returns: (transfer full): the content, or %NULL with @error set
 */
GBytes *
tf_safe_read (const char *path,
              TfFileStamp *stamp,
              GError **error)
{
  g_autofree char *base = NULL;
  GBytes *bytes;
  struct stat st;
  int dirfd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  dirfd = open_parent (path, NULL, &base, error);
  if (dirfd < 0)
    return NULL;
  bytes = read_at (dirfd, base, path, &st, error);
  close (dirfd);

  if (bytes != NULL && stamp != NULL)
    fill_stamp (stamp, &st, bytes);
  return bytes;
}

gboolean
tf_safe_check_unchanged (const char *path,
                         const TfFileStamp *stamp,
                         GError **error)
{
  g_autofree char *base = NULL;
  gboolean ok;
  int dirfd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (stamp != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  dirfd = open_parent (path, NULL, &base, error);
  if (dirfd < 0)
    return FALSE;
  ok = check_unchanged_at (dirfd, base, path, stamp, error);
  close (dirfd);
  return ok;
}

struct _TfSafeStaged
{
  char *path;
  char *dir;
  char *base;
  char *tmp_name;
  char *tmp_path;
  GBytes *contents;
  TfFileStamp stamp;
  int dirfd;
};

void
tf_safe_staged_free (TfSafeStaged *staged)
{
  if (staged == NULL)
    return;
  if (staged->tmp_name != NULL)
    unlinkat (staged->dirfd, staged->tmp_name, 0);
  if (staged->dirfd >= 0)
    close (staged->dirfd);
  g_free (staged->path);
  g_free (staged->dir);
  g_free (staged->base);
  g_free (staged->tmp_name);
  g_free (staged->tmp_path);
  g_clear_pointer (&staged->contents, g_bytes_unref);
  g_free (staged);
}

TfSafeStaged *
tf_safe_stage (const char *path,
               const TfFileStamp *stamp,
               GBytes *contents,
               TfSafeFlags flags,
               GError **error)
{
  g_autoptr (TfSafeStaged) staged = NULL;
  struct stat st;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (stamp != NULL, NULL);
  g_return_val_if_fail (contents != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  staged = g_new0 (TfSafeStaged, 1);
  staged->dirfd = open_parent (path, &staged->dir, &staged->base, error);
  if (staged->dirfd < 0)
    return NULL;
  staged->path = g_strdup (path);
  staged->stamp = *stamp;
  staged->contents = g_bytes_ref (contents);

  /* The original decides mode and owner, and must still be what was read. */
  fd = open_regular_at (staged->dirfd, staged->base, path, &st, error);
  if (fd < 0)
    return NULL;
  close (fd);
  if (!check_unchanged_at (staged->dirfd, staged->base, path, stamp, error))
    return NULL;

  staged->tmp_name = write_temp_at (staged->dirfd, staged->dir, staged->base, contents, st.st_mode,
                                    st.st_uid, st.st_gid, geteuid () == 0,
                                    (flags & TF_SAFE_NO_SYNC) == 0, error);
  if (staged->tmp_name == NULL)
    return NULL;
  staged->tmp_path = g_build_filename (staged->dir, staged->tmp_name, NULL);

  return g_steal_pointer (&staged);
}

gboolean
tf_safe_staged_commit (TfSafeStaged *staged,
                       TfVerifyFunc verify,
                       gpointer verify_data,
                       TfSafeFlags flags,
                       GError **error)
{
  g_autoptr (GBytes) back = NULL;

  g_return_val_if_fail (staged != NULL, FALSE);
  g_return_val_if_fail (staged->tmp_name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  back = reread_and_compare (staged->dirfd, staged->tmp_name, staged->tmp_path, staged->contents, error);
  if (back == NULL)
    return FALSE;
  if (verify != NULL && !verify (staged->tmp_path, back, verify_data, error))
    return FALSE;

  /* Last look at the original right before the swap. */
  if (!check_unchanged_at (staged->dirfd, staged->base, staged->path, &staged->stamp, error))
    return FALSE;

  if (renameat (staged->dirfd, staged->tmp_name, staged->dirfd, staged->base) != 0)
    {
      tf_safe_io_set_errno_error (error, errno, _ ("Cannot replace “%s”"), staged->path);
      return FALSE;
    }
  g_clear_pointer (&staged->tmp_name, g_free);

  if ((flags & TF_SAFE_NO_SYNC) == 0)
    return fsync_dir (staged->dirfd, staged->dir, error);
  return TRUE;
}

gboolean
tf_safe_replace (const char *path,
                 const TfFileStamp *stamp,
                 GBytes *contents,
                 TfVerifyFunc verify,
                 gpointer verify_data,
                 GError **error)
{
  g_autoptr (TfSafeStaged) staged = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (stamp != NULL, FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  staged = tf_safe_stage (path, stamp, contents, TF_SAFE_FLAGS_NONE, error);
  if (staged == NULL)
    return FALSE;
  return tf_safe_staged_commit (staged, verify, verify_data, TF_SAFE_FLAGS_NONE, error);
}

gboolean
tf_safe_sync_fs (const char *path,
                 GError **error)
{
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);

  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    {
      tf_safe_io_set_errno_error (error, errno, _ ("Cannot open “%s”"), path);
      return FALSE;
    }
  /* syncfs() flushes every file and folder entry of that file system and
   * waits for it: one call instead of an fsync per file and per folder. */
  /* Through syscall(): glibc declares syncfs() only with _GNU_SOURCE. */
  if (syscall (SYS_syncfs, fd) != 0)
    {
      int saved = errno;
      close (fd);
      tf_safe_io_set_errno_error (error, saved, _ ("Cannot flush the file system of “%s”"), path);
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static char *
make_absolute (const char *path)
{
  return g_canonicalize_filename (path, NULL);
}

/* Creates @dir (and parents) with mode 0700 and checks it is a real folder. */
static gboolean
ensure_private_dir (const char *dir,
                    GError **error)
{
  struct stat st;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      /* Translators: %s is a folder path */
      tf_safe_io_set_errno_error (error, errno, _ ("Cannot create folder “%s”"), dir);
      return FALSE;
    }
  if (lstat (dir, &st) != 0)
    {
      tf_safe_io_set_errno_error (error, errno, _ ("Cannot open folder “%s”"), dir);
      return FALSE;
    }
  if (!S_ISDIR (st.st_mode))
    {
      g_autofree char *display = g_filename_display_name (dir);
      g_set_error (error, TF_ERROR, TF_ERROR_REFUSED,
                   _ ("“%s” is not a folder (a symbolic link is not accepted)"), display);
      return FALSE;
    }
  return TRUE;
}

char *
tf_safe_backup (const char *path,
                const char *backup_dir,
                const char *sha256,
                GError **error)
{
  return tf_safe_backup_full (path, backup_dir, sha256, TF_SAFE_FLAGS_NONE, error);
}

char *
tf_safe_backup_full (const char *path,
                     const char *backup_dir,
                     const char *sha256,
                     TfSafeFlags flags,
                     GError **error)
{
  gboolean sync = (flags & TF_SAFE_NO_SYNC) == 0;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) back = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *abs_dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *stamp_str = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *final_path = NULL;
  g_autofree char *tmp_name = NULL;
  TfFileStamp stamp;
  int dirfd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (backup_dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = tf_safe_read (path, &stamp, error);
  if (bytes == NULL)
    return NULL;
  if (sha256 != NULL && g_ascii_strcasecmp (stamp.sha256, sha256) != 0)
    {
      g_autofree char *display = g_filename_display_name (path);
      g_set_error (error, TF_ERROR, TF_ERROR_CHANGED,
                   _ ("“%s” changed since it was read; no backup was made"), display);
      return NULL;
    }

  abs_dir = make_absolute (backup_dir);
  if (!ensure_private_dir (abs_dir, error))
    return NULL;
  dirfd = open (abs_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dirfd < 0)
    {
      tf_safe_io_set_errno_error (error, errno, _ ("Cannot open folder “%s”"), abs_dir);
      return NULL;
    }

  base = g_path_get_basename (path);
  now = g_date_time_new_now_utc ();
  stamp_str = g_date_time_format (now, "%Y%m%dT%H%M%SZ");

  if ((flags & TF_SAFE_LINK_BACKUP) != 0)
    {
      /* The original inode itself becomes the backup: repairs never write
       * into a file, they rename a new one over it, so the linked inode
       * keeps the original bytes. The hash check below proves it. Only a
       * file with a single name qualifies: another hard link elsewhere
       * could be edited in place later and take the backup with it. */
      g_autofree char *src_dir = g_path_get_dirname (path);
      int src_fd = open (src_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      struct stat src_st;

      if (src_fd >= 0
          && (fstatat (src_fd, base, &src_st, AT_SYMLINK_NOFOLLOW) != 0
              || !S_ISREG (src_st.st_mode) || src_st.st_nlink != 1))
        {
          close (src_fd);
          src_fd = -1;
        }

      for (guint attempt = 0; src_fd >= 0 && attempt < MAX_TEMP_ATTEMPTS; attempt++)
        {
          g_autofree char *name = g_strdup_printf ("%s-%08x-%s", stamp_str, g_random_int (), base);

          if (linkat (src_fd, base, dirfd, name, 0) == 0)
            {
              final_path = g_build_filename (abs_dir, name, NULL);
              break;
            }
          if (errno != EEXIST)
            break; /* EXDEV, no hard links here: copy instead */
        }
      if (src_fd >= 0)
        close (src_fd);
    }

  if (final_path != NULL)
    goto linked;

  tmp_name = write_temp_at (dirfd, abs_dir, base, bytes, 0600, 0, 0, FALSE, sync, error);
  if (tmp_name == NULL)
    goto fail;

  /* Unique final name: time, random tag, original name. link() never
   * replaces an existing backup. */
  for (guint attempt = 0; attempt < MAX_TEMP_ATTEMPTS; attempt++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%08x-%s", stamp_str, g_random_int (), base);

      if (linkat (dirfd, tmp_name, dirfd, name, 0) == 0)
        {
          final_path = g_build_filename (abs_dir, name, NULL);
          break;
        }
      if (errno == EEXIST)
        continue;
      if (errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP)
        {
          /* No hard links here (FAT, some network shares): the backup
           * folder is private, so a rename of the fresh temp is enough
           * once we know the name is free. */
          if (faccessat (dirfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
            continue;
          if (renameat (dirfd, tmp_name, dirfd, name) == 0)
            {
              g_clear_pointer (&tmp_name, g_free);
              final_path = g_build_filename (abs_dir, name, NULL);
              break;
            }
        }
      tf_safe_io_set_errno_error (error, errno, _ ("Cannot create a backup in “%s”"), abs_dir);
      goto fail;
    }
  if (final_path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _ ("Cannot create a unique backup name in “%s”"), abs_dir);
      goto fail;
    }
  if (tmp_name != NULL)
    {
      unlinkat (dirfd, tmp_name, 0);
      g_clear_pointer (&tmp_name, g_free);
    }
linked:
  if (sync && !fsync_dir (dirfd, abs_dir, error))
    goto fail;

  /* Verify the backup as it is on disk. */
  back = tf_safe_read (final_path, NULL, error);
  if (back == NULL)
    {
      /* e.g. the file was swapped for a symlink that got linked: no
       * half-made backup stays behind */
      g_unlink (final_path);
      goto fail;
    }
  sha = tf_sha256_bytes (back);
  if (g_strcmp0 (sha, stamp.sha256) != 0)
    {
      g_autofree char *display = g_filename_display_name (final_path);
      g_set_error (error, TF_ERROR, TF_ERROR_IO,
                   _ ("The backup “%s” does not match the original"), display);
      g_unlink (final_path);
      goto fail;
    }

  close (dirfd);
  return g_steal_pointer (&final_path);

fail:
  if (tmp_name != NULL)
    unlinkat (dirfd, tmp_name, 0);
  close (dirfd);
  return NULL;
}

gboolean
tf_safe_write_new (const char *path,
                   GBytes *contents,
                   guint mode,
                   GError **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp_name = NULL;
  g_autofree char *tmp_path = NULL;
  g_autoptr (GBytes) back = NULL;
  gboolean ok = FALSE;
  int dirfd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  dirfd = open_parent (path, &dir, &base, error);
  if (dirfd < 0)
    return FALSE;

  if (faccessat (dirfd, base, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    {
      g_autofree char *display = g_filename_display_name (path);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _ ("“%s” already exists"), display);
      goto out;
    }

  tmp_name = write_temp_at (dirfd, dir, base, contents, mode, 0, 0, FALSE, TRUE, error);
  if (tmp_name == NULL)
    goto out;
  tmp_path = g_build_filename (dir, tmp_name, NULL);
  back = reread_and_compare (dirfd, tmp_name, tmp_path, contents, error);
  if (back == NULL)
    goto out;

  /* link() fails with EEXIST rather than replacing anything, and the new
   * name appears complete in one step: a Pickup folder never sees a half
   * file. */
  if (linkat (dirfd, tmp_name, dirfd, base, 0) != 0)
    {
      tf_safe_io_set_errno_error (error, errno, _ ("Cannot create “%s”"), path);
      goto out;
    }
  unlinkat (dirfd, tmp_name, 0);
  g_clear_pointer (&tmp_name, g_free);

  ok = fsync_dir (dirfd, dir, error);

out:
  if (tmp_name != NULL)
    unlinkat (dirfd, tmp_name, 0);
  close (dirfd);
  return ok;
}

gboolean
tf_safe_move (const char *path,
              const TfFileStamp *stamp,
              const char *target,
              GError **error)
{
  g_autofree char *src_dir = NULL;
  g_autofree char *src_base = NULL;
  g_autofree char *dst_dir = NULL;
  g_autofree char *dst_base = NULL;
  gboolean ok = FALSE;
  int src_fd;
  int dst_fd = -1;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (stamp != NULL, FALSE);
  g_return_val_if_fail (target != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  src_fd = open_parent (path, &src_dir, &src_base, error);
  if (src_fd < 0)
    return FALSE;
  dst_fd = open_parent (target, &dst_dir, &dst_base, error);
  if (dst_fd < 0)
    goto out;

  if (!check_unchanged_at (src_fd, src_base, path, stamp, error))
    goto out;

  if (linkat (src_fd, src_base, dst_fd, dst_base, 0) == 0)
    {
      if (!fsync_dir (dst_fd, dst_dir, error))
        goto out;
      if (unlinkat (src_fd, src_base, 0) != 0)
        {
          tf_safe_io_set_errno_error (error, errno, _ ("Cannot remove “%s”"), path);
          unlinkat (dst_fd, dst_base, 0);
          goto out;
        }
      ok = fsync_dir (src_fd, src_dir, error);
      goto out;
    }

  if (errno == EEXIST)
    {
      g_autofree char *display = g_filename_display_name (target);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _ ("“%s” already exists"), display);
      goto out;
    }

  if (errno == EXDEV || errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP)
    {
      /* Another file system: verified copy first, then remove the original
       * only if it is still what we copied. */
      g_autoptr (GBytes) bytes = NULL;
      struct stat st;

      bytes = read_at (src_fd, src_base, path, &st, error);
      if (bytes == NULL)
        goto out;
      if (!tf_safe_write_new (target, bytes, st.st_mode & 07777, error))
        goto out;
      if (!check_unchanged_at (src_fd, src_base, path, stamp, error))
        {
          unlinkat (dst_fd, dst_base, 0);
          goto out;
        }
      if (unlinkat (src_fd, src_base, 0) != 0)
        {
          tf_safe_io_set_errno_error (error, errno, _ ("Cannot remove “%s”"), path);
          unlinkat (dst_fd, dst_base, 0);
          goto out;
        }
      ok = fsync_dir (src_fd, src_dir, error);
      goto out;
    }

  tf_safe_io_set_errno_error (error, errno, _ ("Cannot move “%s”"), path);

out:
  close (src_fd);
  if (dst_fd >= 0)
    close (dst_fd);
  return ok;
}
