/* tf-recipient.h — one recipient / attendee row of an item
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "tf-enums.h"
#include "tf-mapi.h"

G_BEGIN_DECLS

#define TF_MAX_TNEF_NESTING 4

/**
 * TfTnefSpan:
 *
 * One TNEF attribute that encloses a value: its data starts at
 * @data_offset and is @data_length bytes long; its 16-bit checksum sits
 * right after, at @data_offset + @data_length. Offsets are relative to the
 * outermost TNEF stream.
 */
typedef struct
{
  guint64 data_offset;
  guint32 data_length;
} TfTnefSpan;

/**
 * TfPatchSite:
 *
 * Where a recipient's PidTagRecipientTrackStatusTime value lives, so repair
 * can overwrite those 8 bytes in place.
 *
 * - @source TF_SOURCE_TNEF: @offset is relative to the decoded TNEF stream.
 *   @part_index is the MIME part holding that stream (depth-first numbering
 *   as produced by the MIME reader; -1 when the file itself is TNEF).
 *   @spans lists enclosing attributes, innermost first, whose checksums must
 *   be recomputed.
 * - @source TF_SOURCE_MSG: @offset is the absolute file offset (the CFB
 *   reader maps stream offsets through the FAT / mini FAT).
 * - @source TF_SOURCE_PST / TF_SOURCE_OST: @offset is the absolute file
 *   offset of the 8 value bytes inside a recipient-table row; @pst says
 *   which block holds them and what to re-check before writing.
 * - @offset == -1: the property is absent (not patchable in place), or it
 *   lies in a PST block whose CRC does not verify.
 */
typedef struct
{
  guint64 bid;          /* block holding the row */
  guint64 block_offset; /* file offset of the block's data */
  guint32 block_size;   /* cb: bytes covered by the CRC */
  guint64 crc_offset;   /* file offset of the trailer's dwCRC */
  guint32 crc;          /* dwCRC as read (0 = writer left it unset) */
  guint16 cref;         /* BBT reference count; > 2 = shared block */
  guint8 encoding;      /* bCryptMethod: 0 none, 1 permute, 2 cyclic */
  gboolean unicode;     /* 64-bit (Unicode) or 32-bit (ANSI) file */
  guint64 ceb_offset;   /* file offset of the CEB byte holding the bit */
  guint8 ceb_mask;      /* the cell's bit in that (decoded) byte */
  guint32 row;          /* row in the recipient table */
  guint32 nids[3];      /* message NID, then attachment / inner message */
  guint n_nids;
} TfPstSite;

typedef struct
{
  TfSource   source;
  gint       part_index;
  gint64     offset;
  guint      n_spans;
  TfTnefSpan spans[TF_MAX_TNEF_NESTING];
  TfPstSite pst;
} TfPatchSite;

#define TF_TYPE_RECIPIENT (tf_recipient_get_type ())

G_DECLARE_FINAL_TYPE (TfRecipient, tf_recipient, TF, RECIPIENT, GObject)

TfRecipient     *tf_recipient_new                 (TfSource         source);
TfSource         tf_recipient_get_source          (TfRecipient     *self);

const char      *tf_recipient_get_address         (TfRecipient     *self);
void             tf_recipient_set_address         (TfRecipient     *self,
                                                   const char      *address);
const char      *tf_recipient_get_name            (TfRecipient     *self);
void             tf_recipient_set_name            (TfRecipient     *self,
                                                   const char      *name);
/* "Name <address>", or whichever exists */
char            *tf_recipient_dup_display         (TfRecipient     *self);

TfRecipientType  tf_recipient_get_recipient_type  (TfRecipient     *self);
void             tf_recipient_set_recipient_type  (TfRecipient     *self,
                                                   TfRecipientType  type);
/* MAPI PR_RECIPIENT_TYPE as read (0..3), -1 when absent */
gint             tf_recipient_get_mapi_type       (TfRecipient     *self);
void             tf_recipient_set_mapi_type       (TfRecipient     *self,
                                                   gint             mapi_type);

gboolean         tf_recipient_get_has_flags       (TfRecipient     *self);
guint32          tf_recipient_get_flags           (TfRecipient     *self);
void             tf_recipient_set_flags           (TfRecipient     *self,
                                                   guint32          flags);
gboolean         tf_recipient_get_is_organizer    (TfRecipient     *self);
void             tf_recipient_set_is_organizer    (TfRecipient     *self,
                                                   gboolean         is_organizer);

/* TfTrackStatus or any other value read; TF_TRACK_STATUS_ABSENT if absent */
int              tf_recipient_get_track_status    (TfRecipient     *self);
void             tf_recipient_set_track_status    (TfRecipient     *self,
                                                   int              status);

gboolean         tf_recipient_get_has_track_time  (TfRecipient     *self);
guint64          tf_recipient_get_track_time      (TfRecipient     *self);
/* The property tag as read: normally 0x5FFB0040, but a damaged row may carry
 * PropID 0x5FFB with another type (then has-track-time is FALSE,
 * track-time-type says what was there and the patch site is cleared). */
guint16          tf_recipient_get_track_time_type (TfRecipient     *self);
void             tf_recipient_set_track_time      (TfRecipient     *self,
                                                   guint64          filetime);
void             tf_recipient_set_track_time_type (TfRecipient     *self,
                                                   guint16          type);

/* iCalendar PARTSTAT / ROLE as written (NULL unless source is iCalendar) */
const char      *tf_recipient_get_partstat        (TfRecipient     *self);
void             tf_recipient_set_partstat        (TfRecipient     *self,
                                                   const char      *partstat);
const char      *tf_recipient_get_role            (TfRecipient     *self);
void             tf_recipient_set_role            (TfRecipient     *self,
                                                   const char      *role);

/* A row read from a message embedded in the item (an attached message, or
 * one attached to that, …): which attachment holds it, as 1-based
 * attachment numbers from the outer message inward joined by "/" ("2",
 * "2/1"), and that embedded message's subject (NULL when it has none).
 * Both NULL for rows of the item itself. */
const char *tf_recipient_get_embedded (TfRecipient *self);
const char *tf_recipient_get_embedded_subject (TfRecipient *self);
void tf_recipient_set_embedded (TfRecipient *self,
                                const char *attachments,
                                const char *subject);
/* "attachment 2/1 “Subject”" (localized), or NULL; g_free() it */
char *tf_recipient_dup_embedded_label (TfRecipient *self);

/* DSN / NDR per-recipient fields (NULL unless source is DSN) */
const char      *tf_recipient_get_dsn_action      (TfRecipient     *self);
const char      *tf_recipient_get_dsn_status      (TfRecipient     *self);
const char      *tf_recipient_get_dsn_diagnostic  (TfRecipient     *self);
void             tf_recipient_set_dsn             (TfRecipient     *self,
                                                   const char      *action,
                                                   const char      *status,
                                                   const char      *diagnostic);

const TfPatchSite *tf_recipient_get_patch_site    (TfRecipient     *self);
void             tf_recipient_set_patch_site      (TfRecipient     *self,
                                                   const TfPatchSite *site);

/* Index of this row in its table (TNEF row / .msg storage number) or -1 */
gint             tf_recipient_get_row             (TfRecipient     *self);
void             tf_recipient_set_row             (TfRecipient     *self,
                                                   gint             row);

/* Every property read (only when read with TF_READ_FULL), else NULL.
 * Element type TfProp. */
GPtrArray       *tf_recipient_get_props           (TfRecipient     *self);
void             tf_recipient_take_prop           (TfRecipient     *self,
                                                   TfProp          *prop);

G_END_DECLS
