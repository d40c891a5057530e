/* tf-base64-private.h — base64 decoding for well-formed MIME parts
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Decodes @in when it is plain MIME base64: whole 4-character groups (the
 * last one possibly padded with '='), line breaks (CR, LF) only between
 * groups.
 * Returns NULL for anything else (stray characters, groups split across
 * lines, data after the padding): callers then use GMime's decoder, which
 * gives the same bytes for the plain form. */
GBytes *tf_base64_decode_clean (const char *in,
                                gsize len);

G_END_DECLS
