/* tf-export.h — CSV export of items and their findings
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tf-item.h"

G_BEGIN_DECLS

typedef enum
{
  TF_EXPORT_NONE = 0,
  /* Replace addresses and subjects with salted SHA-256 digests so a list
   * can be shared: the same value maps to the same token within one
   * export, but the tokens cannot be looked up without the salt. */
  TF_EXPORT_REDACT = 1 << 0,
} TfExportFlags;

/* "a1b2c3d4e5f6" style token for @value (12 hex digits of
 * SHA-256(salt || value)); addresses are lower-cased first. */
char *tf_export_redact (const char *value,
                        const char *salt);

/**
 * tf_export_csv:
 * @out: where the CSV goes (UTF-8, CRLF line ends, RFC 4180 quoting)
 * @items: (element-type TfItem): the items to export
 * @salt: (nullable): salt for %TF_EXPORT_REDACT; NULL picks a random one
 *
 * Writes one row per finding (one row with empty finding columns for items
 * without findings). Cells that a spreadsheet would run as a formula are
 * prefixed with an apostrophe.
 */
gboolean tf_export_csv (GOutputStream *out,
                        GListModel *items,
                        TfExportFlags flags,
                        const char *salt,
                        GCancellable *cancellable,
                        GError **error);

G_END_DECLS
