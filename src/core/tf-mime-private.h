/* tf-mime-private.h — MIME helpers shared by the reader and repair
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gmime/gmime.h>

#include "tf-autocleanups-private.h"
#include "tf-reader.h"

G_BEGIN_DECLS

/* Deepest MIME nesting the reader descends into. Parts below it are not
 * numbered and the item gets a PARSE_ERROR finding. */
#define TF_MIME_MAX_DEPTH 64

/*
 * MIME part numbering (TfPatchSite.part_index, TfStamp.part_index, the
 * @part_index passed to tf_tnef_read() / tf_ical_read()):
 *
 * Parts are numbered depth-first, pre-order, from 0:
 *  - 0 is the message's top-level body part (message->mime_part);
 *  - a multipart gets its number, then its children follow in order, each
 *    with its whole subtree before the next sibling;
 *  - a message/rfc822 (or message/news, message/global) part gets its
 *    number, then the attached message's body part follows (and its
 *    subtree), so parts inside attached messages are numbered too;
 *  - parts deeper than TF_MIME_MAX_DEPTH levels are not numbered.
 *
 * Example: multipart/mixed(0) { text/plain(1), message/rfc822(2)
 * { multipart/alternative(3) { text/plain(4), text/calendar(5) } },
 * application/ms-tnef(6) }.
 *
 * -1 means "the whole file, not a MIME part".
 */

/**
 * tf_mime_parse_bytes:
 * @data: an RFC 5322 message; a leading mbox "From " line and Exchange
 *   envelope lines ("x-sender:", "x-receiver:") are tolerated
 * @error: TF_ERROR_PARSE when no message could be read
 *
 * Parses @data without copying it: the returned message's part contents
 * are substreams of @data (which the message keeps a reference to), so for
 * a #GMimePart, `g_mime_data_wrapper_get_stream (g_mime_part_get_content
 * (part))->bound_start` / `bound_end` are the byte offsets of that part's
 * still-encoded content inside @data.
 *
 * Returns: (transfer full) (nullable): the message
 */
GMimeMessage *tf_mime_parse_bytes (GBytes *data,
                                   GError **error);

/**
 * tf_mime_find_part:
 *
 * Returns: (transfer none) (nullable): the part numbered @part_index as
 *   described above, or NULL.
 */
GMimeObject *tf_mime_find_part (GMimeMessage *message,
                                gint part_index);

/**
 * tf_mime_dup_part_types:
 *
 * Returns: (transfer full) (element-type utf8): "type/subtype" (lower
 *   case) of every numbered part, indexed by part number. For tests and
 *   `show`.
 */
GPtrArray *tf_mime_dup_part_types (GMimeMessage *message);

/* Decoded (transfer encoding removed) content of a leaf part. */
GBytes *tf_mime_dup_part_content (GMimePart *part);

/* tf-encoded-words.c: RFC 2047 with characters split across words */
char *tf_mime_join_encoded_words (const char *value);
char *tf_mime_dup_header_text (GMimeObject *object,
                               const char *name);
char *tf_mime_decode_header_text (const char *raw);

/* tf-mime-parts.c: what both MIME paths do with a part */
typedef enum
{
  TF_MIME_LEAF_OTHER,
  TF_MIME_LEAF_TNEF,
  TF_MIME_LEAF_CALENDAR,
  TF_MIME_LEAF_STATUS,
  TF_MIME_LEAF_TEXT,
} TfMimeLeafKind;

/* How a MIME path decodes one of its parts (@part is the path's own) */
typedef struct
{
  /* transfer encoding removed; NULL when it cannot be (too big) */
  GBytes *(*dup_content) (gconstpointer part);
  /* decoded and converted to valid UTF-8 (as GMime's text parts), *@len
   * set; NULL when it cannot be */
  char *(*dup_text) (gconstpointer part,
                     gsize *len);
} TfMimeLeafOps;

gboolean tf_mime_is_delivery_status (GMimeContentType *ct);
gboolean tf_mime_is_delivery_report (GMimeContentType *ct);
TfMimeLeafKind tf_mime_leaf_kind (GMimeContentType *ct,
                                  GMimeContentDisposition *disposition,
                                  gboolean in_message);
void tf_mime_read_leaf (TfMimeLeafKind kind,
                        GMimeContentType *ct,
                        const TfMimeLeafOps *ops,
                        gconstpointer part,
                        gint index,
                        TfItem *item,
                        TfReadFlags flags);
void tf_mime_add_report_without_status (TfItem *item,
                                        int part_index);

G_END_DECLS
