/* tf-bytes-stream-private.h — read-only GMimeStream over a GBytes
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "tf-autocleanups-private.h"

G_BEGIN_DECLS

#define TF_TYPE_BYTES_STREAM (tf_bytes_stream_get_type ())
G_DECLARE_FINAL_TYPE (TfBytesStream, tf_bytes_stream, TF, BYTES_STREAM, GMimeStream)

/**
 * tf_bytes_stream_new:
 * @bytes: the data; the stream keeps a reference
 * @start: first byte of the stream
 * @end: one past the last byte, or -1 for the end of @bytes
 *
 * The only stream Trackfix hands to a #GMimeParser: it reads @bytes in
 * place (no copy) and keeps GMime 3.2's header scanner away from a
 * crash, see tf-bytes-stream.c.
 *
 * Returns: (transfer full): the stream
 */
GMimeStream *tf_bytes_stream_new (GBytes *bytes,
                                  gint64 start,
                                  gint64 end);

G_END_DECLS
