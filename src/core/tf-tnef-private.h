/* tf-tnef-private.h — TNEF internals shared by the reader and repair
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "tf-recipient.h"

G_BEGIN_DECLS

/* First four bytes of every TNEF stream (little-endian on disk) */
#define TF_TNEF_SIGNATURE 0x223E9F78u

/* TNEF attribute checksum: the sum of the data bytes modulo 65536. */
guint16 tf_tnef_checksum (const guint8 *data,
                          gsize len);

/**
 * tf_tnef_patch_filetime:
 * @data: (inout): the decoded TNEF stream @site refers to (the outermost
 *   stream: for a MIME part, the decoded part content)
 * @site: a patch site produced by tf_tnef_read() for this stream
 * @new_value: the FILETIME to write
 *
 * Overwrites the 8-byte PT_SYSTIME value at @site->offset and recomputes
 * the checksum of every attribute in @site->spans, innermost first, so an
 * embedded message's attribute and the attachment attribute that carries
 * it both stay valid. The length of the stream does not change.
 *
 * Before writing anything the stream is walked again: the call is refused
 * (%TF_ERROR_CHANGED) unless a single-valued PT_SYSTIME value sits exactly
 * at @site->offset inside exactly the attributes in @site->spans. A
 * checksum that was already wrong before is replaced by the correct one.
 *
 * Returns: %TRUE when @data was patched; on failure @data is unchanged.
 */
gboolean tf_tnef_patch_filetime (guint8 *data,
                                 gsize len,
                                 const TfPatchSite *site,
                                 guint64 new_value,
                                 GError **error);

G_END_DECLS
