/* tf-reader.h — content sniffing and format dispatch
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tf-item.h"

G_BEGIN_DECLS

#define TF_ERROR (tf_error_quark ())

typedef enum
{
  TF_ERROR_FAILED,
  TF_ERROR_PARSE,        /* damaged or unsupported content */
  TF_ERROR_IO,
  TF_ERROR_CHANGED,      /* file changed since it was read */
  TF_ERROR_REFUSED,      /* a safety rule refused the operation */
  TF_ERROR_NOT_FOUND,
} TfError;

GQuark tf_error_quark (void);

/* Initialises GMime and libical settings once per process; every entry
 * point (CLI, app, tests) calls it before reading. Safe to call again. */
void   tf_core_init   (void);

typedef enum
{
  TF_READ_NONE = 0,
  /* Keep every MAPI property (TfProp) on items and recipients, for `show`
   * and the Raw page. Without it only the summary fields are kept. */
  TF_READ_FULL = 1 << 0,
} TfReadFlags;

/* What the content looks like, from its first bytes. */
TfFormat   tf_sniff_format     (const guint8  *data,
                                gsize          len);

/**
 * tf_read_bytes:
 * @data: file content
 * @path: display path (used for items and messages)
 * @file_path: real path on disk
 * @items: (element-type TfItem): receives one item per message (one for
 *   most files, one per message for mbox). A file that cannot be read still
 *   yields one item carrying a PARSE_ERROR finding.
 *
 * Reads any supported format, then applies the rules (tf_rules_apply) so
 * every item comes back with its findings. Never fails: damage is reported
 * as findings.
 */
void       tf_read_bytes       (GBytes        *data,
                                const char    *path,
                                const char    *file_path,
                                TfReadFlags    flags,
                                GPtrArray     *items);

/**
 * tf_read_file:
 *
 * Maps @file_path and calls tf_read_bytes(). Returns FALSE only when the file
 * cannot be opened at all (then @error says why); the caller decides whether
 * that becomes a PARSE_ERROR item (the scanner does).
 */
gboolean   tf_read_file        (const char    *file_path,
                                const char    *path,
                                TfReadFlags    flags,
                                GPtrArray     *items,
                                GError       **error);

/**
 * tf_read_item_path:
 *
 * Like tf_read_file() on an item path as scan prints it: a plain file, or
 * "export.pst#0x00214A44" (one message of a PST/OST, also a chain
 * "#0x00200024/0x00008025/0x00200044" for an embedded one), which yields
 * only that item.
 */
gboolean tf_read_item_path (const char *item_path,
                            TfReadFlags flags,
                            GPtrArray *items,
                            GError **error);

/* A fresh item with a single PARSE_ERROR finding carrying @reason. */
TfItem    *tf_item_new_parse_error (const char *path,
                                    const char *file_path,
                                    TfFormat    format,
                                    const char *reason);

/* Messages embedded in an item (attached messages, and messages attached
 * to those) are read this many levels deep, in every container. */
#define TF_MAX_EMBED_DEPTH 3

/* The PARSE_ERROR a reader adds (once per item) when a message is embedded
 * deeper than TF_MAX_EMBED_DEPTH */
void tf_item_add_too_deep (TfItem *item);

/* Format-specific readers fill an existing item. They add PARSE_ERROR /
 * TNEF_CHECKSUM findings themselves for damage they meet, and return FALSE
 * only when nothing useful could be read. @part_index is the MIME part
 * number the content came from (-1 for a whole file). */
gboolean   tf_tnef_read        (const guint8  *data,
                                gsize          len,
                                TfItem        *item,
                                gint           part_index,
                                TfReadFlags    flags);
gboolean   tf_msg_read         (GBytes        *data,
                                TfItem        *item,
                                TfReadFlags    flags);
gboolean   tf_ical_read        (const char    *text,
                                gsize          len,
                                TfItem        *item,
                                gint           part_index,
                                TfReadFlags    flags);
gboolean tf_ical_read_with_method (const char *text,
                                   gsize len,
                                   TfItem *item,
                                   gint part_index,
                                   const char *default_method,
                                   TfReadFlags flags);
/* One VCALENDAR object of an .ics file: byte range */
typedef struct
{
  gsize offset;
  gsize len;
} TfIcalObject;

GArray *tf_ical_split (const char *text,
                       gsize len,
                       guint max_objects);
gboolean   tf_mime_read        (GBytes        *data,
                                TfItem        *item,
                                TfReadFlags    flags);
/* Reads an RFC 3464 message/delivery-status body */
gboolean   tf_dsn_read_status  (const char    *text,
                                gsize          len,
                                TfItem        *item);
/* Looks for Exchange text NDR recipients ("user@x on <date>" … #4.4.7) */
gboolean   tf_dsn_read_text    (const char    *text,
                                gsize          len,
                                TfItem        *item);

G_END_DECLS
