/* tf-cfb.h — minimal read-only Compound File Binary ([MS-CFB]) locator
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TfCfb:
 *
 * A validated view of a CFB file held in memory. It does not copy @data:
 * the caller keeps the buffer alive (and unchanged in size) while the TfCfb
 * exists.
 *
 * libgsf reads .msg files for us, but it can neither tell where a stream's
 * bytes sit in the file nor update a file in place; repair overwrites the
 * 8 bytes of a FILETIME directly, so it needs this locator. tf_cfb_new()
 * also checks the whole structure libgsf is about to walk (header, DIFAT,
 * FAT, mini FAT, directory tree, every stream's sector chain), so damaged
 * files are refused with a precise reason before libgsf sees them.
 */
typedef struct _TfCfb TfCfb;

/* No stream/storage: the directory's "no entry" marker */
#define TF_CFB_NO_ENTRY G_MAXUINT32

/* Parses and validates. Errors are TF_ERROR_PARSE with a translated reason
 * that starts with "CFB:" (e.g. "CFB: FAT chain loops at sector 7"). */
TfCfb    *tf_cfb_new                          (const guint8  *data,
                                               gsize          len,
                                               GError       **error);
void      tf_cfb_free                         (TfCfb         *self);

guint     tf_cfb_get_sector_size              (TfCfb         *self);
guint     tf_cfb_get_n_entries                (TfCfb         *self);

/**
 * tf_cfb_lookup:
 * @path: '/'-separated names below the root, e.g.
 *   "__recip_version1.0_#00000000/__properties_version1.0"
 *   (compared case-insensitively, as CFB does)
 *
 * Returns: the directory entry index, or %TF_CFB_NO_ENTRY if absent.
 */
guint32   tf_cfb_lookup                       (TfCfb         *self,
                                               const char    *path);
/* Child of storage @parent (0 = root) called @name, or TF_CFB_NO_ENTRY */
guint32   tf_cfb_lookup_child                 (TfCfb         *self,
                                               guint32        parent,
                                               const char    *name);
/* Entries directly below storage @parent, in directory order.
 * (transfer full) (element-type guint32) */
GArray   *tf_cfb_list_children                (TfCfb         *self,
                                               guint32        parent);
/* Stream size of @entry, or 0 for storages and bad indices */
guint64   tf_cfb_entry_get_size               (TfCfb         *self,
                                               guint32        entry);
gboolean  tf_cfb_entry_is_stream              (TfCfb         *self,
                                               guint32        entry);
/* Name as stored (UTF-8), or NULL for bad indices */
const char *tf_cfb_entry_get_name             (TfCfb         *self,
                                               guint32        entry);

/**
 * tf_cfb_entry_offset_to_file_offset:
 * @entry: a stream entry from tf_cfb_lookup()
 * @stream_offset: byte offset inside the stream, < its size
 * @file_offset: (out): absolute offset of that byte in the file
 * @contiguous: (out) (optional): how many bytes from there on are contiguous
 *   in the file and inside the stream (to the end of the sector or mini
 *   sector, or of the stream)
 *
 * Follows the FAT chain, or for streams below the mini-stream cutoff the
 * mini-FAT chain and then the root's chain through the mini stream.
 */
gboolean  tf_cfb_entry_offset_to_file_offset  (TfCfb         *self,
                                               guint32        entry,
                                               guint64        stream_offset,
                                               guint64       *file_offset,
                                               gsize         *contiguous,
                                               GError       **error);
/* Same, by path */
gboolean  tf_cfb_stream_offset_to_file_offset (TfCfb         *self,
                                               const char    *stream_path,
                                               guint64        stream_offset,
                                               guint64       *file_offset,
                                               GError       **error);

/**
 * tf_cfb_file_offset_to_stream:
 * @file_offset: absolute byte offset in the file
 * @entry: (out): the stream entry whose data holds that byte
 * @stream_offset: (out): where inside that stream
 *
 * The reverse of tf_cfb_entry_offset_to_file_offset(), for writers that
 * want to confirm an offset they were given still points into the stream
 * they expect. Returns %FALSE (without error) when the byte belongs to no
 * stream (header, FAT, directory, free space).
 */
gboolean  tf_cfb_file_offset_to_stream        (TfCfb         *self,
                                               guint64        file_offset,
                                               guint32       *entry,
                                               guint64       *stream_offset);

/**
 * tf_cfb_patch:
 * @data: the whole file, modified in place
 * @stream_path: e.g. "__recip_version1.0_#00000001/__properties_version1.0"
 * @stream_offset: where inside that stream to write
 * @bytes: what to write; @n bytes
 *
 * Overwrites @n bytes of an existing stream without changing its size or
 * any other byte of the file. Writes that cross a sector (or mini sector)
 * boundary are split along the chain. Nothing is written unless the whole
 * range maps inside the stream and the file.
 */
gboolean  tf_cfb_patch                        (guint8        *data,
                                               gsize          len,
                                               const char    *stream_path,
                                               guint64        stream_offset,
                                               const guint8  *bytes,
                                               gsize          n,
                                               GError       **error);

G_END_DECLS
