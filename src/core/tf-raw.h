/* tf-raw.h — the "Raw" view of an item: headers, iCalendar text, MAPI dump
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tf-item.h"

G_BEGIN_DECLS

/**
 * tf_item_describe_raw:
 * @item: an item as read by the scanner
 *
 * Re-reads the item's file with %TF_READ_FULL and renders, as plain text:
 * the MIME header block (for .eml / mbox messages), every iCalendar part,
 * and every MAPI property of the message and of each recipient (tag, name,
 * type, value, offset). Blocking: call it from a worker thread.
 *
 * Returns: (transfer full) (nullable): the text, or NULL with @error set
 *   when the file can no longer be read.
 */
char *tf_item_describe_raw (TfItem *item,
                            GError **error);

G_END_DECLS
