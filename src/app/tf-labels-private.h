/* tf-labels-private.h — short texts and icons the views share
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "tf-item.h"

G_BEGIN_DECLS

/* "Update" for a request that updates an earlier one, else the kind label */
const char *tf_labels_item_kind (TfItem *item);
/* Untranslated machine form of the same ("update", "request", …) */
const char *tf_labels_item_kind_id (TfItem *item);
/* One line for a recipient row: "Exchange 2003 cannot convert this update
 * (KB 938650)" */
/* Symbolic icon name for a severity, NULL for info */
const char *tf_labels_severity_icon (TfSeverity severity);
/* CSS class for a severity ("warning" / "error") */
const char *tf_labels_severity_class (TfSeverity severity);
/* ISO 8601 24 h ("2026-11-24 09:30:00"), UTC or local; "—" when unknown */
char *tf_labels_format_unix (gint64 unix_seconds,
                             gboolean local);
/* The finding of @item for @address with the highest severity, or NULL */
TfFinding *tf_labels_worst_finding_for (TfItem *item,
                                        const char *address);

G_END_DECLS
