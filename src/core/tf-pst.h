/* tf-pst.h — PST and OST mailbox files as items
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tf-reader.h"

G_BEGIN_DECLS

/**
 * tf_pst_read_fd:
 * @fd: an open, readable file (read with pread(); never mapped or read
 *   whole)
 * @size: its size
 * @path: display path; items get "@path#0x<NID>"
 * @file_path: the real path on disk
 * @only_nid: (nullable): read only the message whose NID chain is this
 *   ("0x00214A44" or "0x00200024/0x00008025/0x00200044"), or NULL for all
 * @items: (element-type TfItem): receives one item per message (and per
 *   embedded message with track-status rows), each with rules applied; a
 *   file that cannot be read yields one PARSE_ERROR item
 */
void tf_pst_read_fd (int fd,
                     guint64 size,
                     const char *path,
                     const char *file_path,
                     const char *only_nid,
                     TfReadFlags flags,
                     GPtrArray *items);

/* Items are handed out in batches of this many (or a few more: a
 * message's embedded items stay with it) */
#define TF_PST_BATCH 256

/* Takes over (removes) the items of @items from @first on */
typedef void (*TfPstBatchFunc) (GPtrArray *items,
                                guint first,
                                gpointer user_data);

/* tf_pst_read_fd() that calls @batch_func every TF_PST_BATCH items while
 * the whole file is read (not with @only_nid), so a 10 GB mailbox never
 * holds all its items at once; what is left at the end stays in @items */
void tf_pst_read_fd_batched (int fd,
                             guint64 size,
                             const char *path,
                             const char *file_path,
                             const char *only_nid,
                             TfReadFlags flags,
                             TfPstBatchFunc batch_func,
                             gpointer batch_data,
                             GPtrArray *items);

/* The same on file content in memory (tests, fuzzing, tf_read_bytes) */
void tf_pst_read_bytes (GBytes *data,
                        const char *path,
                        const char *file_path,
                        const char *only_nid,
                        TfReadFlags flags,
                        GPtrArray *items);

/**
 * tf_pst_read_nids_fd:
 * @chains: (array zero-terminated=1): NID chains in the form of
 *   tf_pst_read_fd()'s @only_nid ("0x%08X" joined by '/')
 *
 * Like tf_pst_read_fd() with a set of messages: the node BTree is walked
 * as for a scan (folders, index-page checks), but only the messages
 * @chains name are read, each with the scan's code, and only those items
 * are returned (in file order). Each chain without a message gives a
 * PARSE_ERROR item that names it. The in-place repair reads the messages
 * it wrote to again with this.
 */
void tf_pst_read_nids_fd (int fd,
                          guint64 size,
                          const char *path,
                          const char *file_path,
                          const char *const *chains,
                          TfReadFlags flags,
                          GPtrArray *items);

/* Splits "export.pst#0x00214A44[/…]" into the file path and the NID chain
 * when the part after the last '#' is such a chain; FALSE otherwise. */
gboolean tf_pst_split_item_path (const char *item_path,
                                 char **file_path,
                                 char **nid_chain);

G_END_DECLS
