/* tf-json.h — JSON form of items (trackfix-cli --json, reports, tests)
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "tf-item.h"

G_BEGIN_DECLS

/* Version of the document layout ("version" member). Bump only for
 * incompatible changes; adding members is compatible. */
#define TF_JSON_VERSION 1

/**
 * tf_item_to_json:
 *
 * One item as in issue 2 §4: path, format, folder, nid, kind,
 * message_class, subject, uid, sent, recipients[], findings[]. For PST/OST
 * items (format "pst" / "ost") path is "FILE#0x<NID>" (an embedded
 * message: "FILE#0xOUTER/0xATTACH/0xINNER"), folder the folder path and
 * nid the NID chain; both are null for other formats. Each recipient has
 * address, name, type, track_status and track_time / track_time_raw
 * (null when absent, never 0) and source ("pst" / "ost" for mailbox
 * files). Items read with TF_READ_FULL also
 * carry "props" arrays (on the item and on each recipient) with every MAPI
 * property read: tag, name, type, value, offset, and for PT_SYSTIME the
 * ISO 8601 UTC time and the raw FILETIME hex.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *tf_item_to_json (TfItem *item);

/* The whole document {"version", "items", "summary"} for @items
 * (element-type TfItem) read from @n_files files. Returns a newly
 * allocated string ending in a newline. */
char *tf_items_to_json_document (GPtrArray *items,
                                 guint n_files);

/**
 * TfJsonWriter:
 *
 * Writes the same document incrementally, one item per line, so a scan of
 * 100,000 files never holds the whole document (or every item) in memory:
 * tf_json_writer_add_item() as items arrive, tf_json_writer_finish() last.
 * Each call returns the text to output next.
 */
typedef struct _TfJsonWriter TfJsonWriter;

TfJsonWriter *tf_json_writer_new (void);
/* Returns (transfer full) the text for @item (after the document head when
 * it is the first item). */
char *tf_json_writer_add_item (TfJsonWriter *writer,
                               TfItem *item);
/* The same text appended to @out: a scan reuses one buffer for every
 * batch of items */
void tf_json_writer_append_item (TfJsonWriter *writer,
                                 TfItem *item,
                                 GString *out);
/* Counts @item in the summary without listing it (a scan that lists
 * only the items with problems) */
void tf_json_writer_count_item (TfJsonWriter *writer,
                                TfItem *item);
/* Returns (transfer full) the rest of the document, summary included.
 * @n_files: files read (items may be more: mbox). */
char *tf_json_writer_finish (TfJsonWriter *writer,
                             guint n_files);
guint tf_json_writer_get_n_items (TfJsonWriter *writer);
/* Findings of severity warning or error seen so far */
guint tf_json_writer_get_n_problems (TfJsonWriter *writer);
void tf_json_writer_free (TfJsonWriter *writer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TfJsonWriter, tf_json_writer_free)

G_END_DECLS
