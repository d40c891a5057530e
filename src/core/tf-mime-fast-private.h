/* tf-mime-fast-private.h — MIME reader fast path (no GMime object tree)
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "tf-reader.h"

G_BEGIN_DECLS

/* Which MIME reader tf_mime_read() uses. AUTO tries the fast path and
 * falls back to GMime's parser for anything it does not fully understand;
 * GMIME always builds GMime's object tree, and tf_ical_read() then hands
 * libical every property (no trimming, see tf-ical.c): the reference
 * readers the fast ones are compared with. The environment variable
 * TRACKFIX_MIME_PATH=gmime selects GMIME at start-up. */
typedef enum
{
  TF_MIME_PATH_AUTO,
  TF_MIME_PATH_GMIME,
} TfMimePath;

TfMimePath tf_mime_get_path (void);

/* For the differential tests and fuzzer: switches the path for the whole
 * process (not thread-safe against running scans). */
void tf_mime_set_path (TfMimePath path);

/* How many messages the fast path read / handed back to GMime since start
 * (for tests and benchmarks). */
void tf_mime_fast_get_counts (guint64 *n_fast,
                              guint64 *n_fallback);

/**
 * tf_mime_fast_read:
 * @data: the message (no mbox "From " line)
 * @item: the item to fill
 * @flags: read flags
 *
 * Reads @data exactly as tf_mime_read() would with GMime's parser when
 * the message has an ordinary shape; leaves @item untouched and returns
 * FALSE otherwise (the caller then uses GMime's parser).
 */
/* How many calendars libical parsed with unread properties left out */
guint64 tf_ical_get_n_trimmed (void);

gboolean tf_mime_fast_read (GBytes *data,
                            TfItem *item,
                            TfReadFlags flags);

G_END_DECLS
