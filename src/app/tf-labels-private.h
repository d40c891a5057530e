/* tf-labels-private.h — short texts and icons the views share
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

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

/* A few words for the list: "1601 track time", "4.4.7 bounce" */
const char *tf_labels_finding_short (TfFindingCode code);
/* Sort rank: 5 for a 1601 track-status time (KB 938650, what users come
 * for), 4 for the related pre-1900 / critical-change cases, 3 other
 * errors, 2 warnings, 1 info, 0 healthy */
guint tf_labels_item_rank (TfItem *item);
/* TRUE when @item has a finding the repair engine may fix in place (a
 * 1601, pre-1900 or missing track-status time, a reply without its
 * critical change) */
gboolean tf_labels_item_has_repair_target (TfItem *item);
/* The finding the list names for @item (the highest rank), or NULL */
TfFinding *tf_labels_worst_finding (TfItem *item);

/* "Ken Myer" for "Ken Myer <ken.myer@contoso.example>"; the address when
 * there is no name (transfer full, NULL for NULL) */
char *tf_labels_display_name (const char *from);
/* A local path for reading: below the home folder as "~/…" (as Files
 * shows it); anything else unchanged */
char *tf_labels_display_path (const char *path);
/* A toast showing @text as it is (escaped: AdwToast 1.2 parses markup) */
AdwToast *tf_labels_new_toast (const char *text);
/* A journal time ("2026-11-24T18:30:00Z") in local time, 24 h */
char *tf_labels_format_iso_local (const char *iso8601);

G_END_DECLS
