/* tf-safe-io.h — never-lose-data file writing, backups and hashes
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Identity of a file as it was read, to refuse writing a changed file. */
typedef struct
{
  guint64 size;
  gint64  mtime_usec;
  char    sha256[65];    /* lower-case hex */
} TfFileStamp;

/* Reads @path (refusing symlinks) into memory and fills @stamp. */
GBytes   *tf_safe_read          (const char        *path,
                                 TfFileStamp       *stamp,
                                 GError           **error);
/* Re-reads @path and fails with TF_ERROR_CHANGED when size, mtime or hash
 * differ from @stamp. */
gboolean  tf_safe_check_unchanged (const char      *path,
                                   const TfFileStamp *stamp,
                                   GError         **error);
char     *tf_sha256_bytes       (GBytes            *bytes);

struct stat;
/* The modification time of @st in microseconds, as stamps and items keep it */
gint64 tf_stat_mtime_usec (const struct stat *st);

/**
 * TfVerifyFunc:
 * @path: the temp file just written and fsynced
 * @data: its content
 *
 * Re-reads the written file with the core readers and returns FALSE (with
 * @error set) when the result is not what was planned.
 */
typedef gboolean (*TfVerifyFunc) (const char *path,
                                  GBytes     *data,
                                  gpointer    user_data,
                                  GError    **error);

/**
 * tf_safe_replace:
 * @path: file to replace; must be a regular file, not a symlink
 * @stamp: identity when read; the write is refused if it changed
 * @contents: new content
 * @backup_path: where the original was already copied (may be NULL when
 *   the caller keeps no backup, e.g. for new files)
 * @verify: (nullable): called on the temp file before the rename
 *
 * Writes a temp file in the same folder (O_EXCL, O_NOFOLLOW), fsyncs it,
 * verifies it, checks @path once more against @stamp, renames it over @path
 * atomically and fsyncs the folder. Keeps the original mode.
 */
gboolean  tf_safe_replace       (const char        *path,
                                 const TfFileStamp *stamp,
                                 GBytes            *contents,
                                 TfVerifyFunc       verify,
                                 gpointer           verify_data,
                                 GError           **error);

/* Copies @path byte for byte into @backup_dir (created 0700 if missing)
 * under a unique name, fsyncs it, checks its SHA-256 equals @sha256 and
 * returns the backup's absolute path. */
char     *tf_safe_backup        (const char        *path,
                                 const char        *backup_dir,
                                 const char        *sha256,
                                 GError           **error);

/* Additions by the repair engine (backward compatible). */

/* Every temp file tf-safe-io creates starts with this prefix and ends in
 * ".tmp", so scanners can skip one a crash left behind. */
#define TF_SAFE_TEMP_PREFIX ".trackfix-tmp-"
gboolean  tf_safe_is_temp_name  (const char        *basename);

/* Creates @path with @contents (mode @mode): temp file in the same folder,
 * fsync, then a hard link to @path, so a reader never sees a half-written
 * file and an existing @path is never replaced (fails with
 * G_IO_ERROR_EXISTS). Fsyncs the folder. */
gboolean  tf_safe_write_new     (const char        *path,
                                 GBytes            *contents,
                                 guint              mode,
                                 GError           **error);

/* Moves @path (checked against @stamp) to @target without ever replacing
 * an existing @target (G_IO_ERROR_EXISTS). Same file system: link + unlink;
 * otherwise a verified copy, then the original is removed. */
gboolean  tf_safe_move          (const char        *path,
                                 const TfFileStamp *stamp,
                                 const char        *target,
                                 GError           **error);

/* Batched writes (additive): the same steps as tf_safe_replace() and
 * tf_safe_backup(), but the caller flushes many files at once with one
 * tf_safe_sync_fs() instead of an fsync per file and folder. */
typedef enum
{
  TF_SAFE_FLAGS_NONE = 0,
  TF_SAFE_NO_SYNC = 1 << 0, /* the caller calls tf_safe_sync_fs() before relying on it */
  /* tf_safe_backup_full(): make the backup a hard link to the original
   * inode when the backup folder is on the same file system (falls back to
   * a copy). Only for files that are then replaced by rename, never
   * written in place. */
  TF_SAFE_LINK_BACKUP = 1 << 1,
} TfSafeFlags;

char     *tf_safe_backup_full   (const char        *path,
                                 const char        *backup_dir,
                                 const char        *sha256,
                                 TfSafeFlags        flags,
                                 GError           **error);

/* A temp file written next to @path (checked against @stamp), not yet
 * renamed; freeing an uncommitted one removes the temp file. */
typedef struct _TfSafeStaged TfSafeStaged;

TfSafeStaged *tf_safe_stage     (const char        *path,
                                 const TfFileStamp *stamp,
                                 GBytes            *contents,
                                 TfSafeFlags        flags,
                                 GError           **error);
/* Re-reads and verifies the temp file, checks @path against its stamp once
 * more and renames the temp file over it. */
gboolean  tf_safe_staged_commit (TfSafeStaged      *staged,
                                 TfVerifyFunc       verify,
                                 gpointer           verify_data,
                                 TfSafeFlags        flags,
                                 GError           **error);
void      tf_safe_staged_free   (TfSafeStaged      *staged);
/* syncfs() on the file system holding @path */
gboolean  tf_safe_sync_fs       (const char        *path,
                                 GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TfSafeStaged, tf_safe_staged_free)

G_END_DECLS
