/* tf-item.h — one message or calendar object read from a file
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tf-enums.h"
#include "tf-finding.h"
#include "tf-mapi.h"
#include "tf-recipient.h"

G_BEGIN_DECLS

/* A time stamp other than a recipient's track-status time that the rules
 * check: PidLidAttendeeCriticalChange / PidLidOwnerCriticalChange and the
 * iCalendar X-MICROSOFT-CDO-*-CRITICAL-CHANGE properties. */
typedef enum
{
  TF_STAMP_ATTENDEE_CRITICAL_CHANGE,
  TF_STAMP_OWNER_CRITICAL_CHANGE,
  TF_STAMP_DTSTAMP,
  TF_STAMP_REPLY_TIME,
  /* Not a time of its own: an iCalendar REPLY / COUNTER component without
   * X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE; @filetime is its DTSTAMP
   * (0 when it has none) */
  TF_STAMP_REPLY_WITHOUT_CRITICAL_CHANGE,
} TfStampKind;

typedef struct
{
  TfStampKind kind;
  TfSource    source;
  guint64     filetime;
  gint64      offset;      /* like TfPatchSite.offset, -1 if unknown */
  gint        part_index;
} TfStamp;

#define TF_TYPE_ITEM (tf_item_get_type ())

G_DECLARE_FINAL_TYPE (TfItem, tf_item, TF, ITEM, GObject)

/* @path: the path as found (display form; for mbox messages and the
 * VCALENDAR objects of a multi-object .ics file "file#N").
 * @file_path: the real file on disk. @mbox_index: 1-based message number
 * inside an mbox or object number inside an .ics file (then the item is
 * that byte range of the file), or 0. */
TfItem        *tf_item_new                  (const char    *path,
                                             const char    *file_path,
                                             guint          mbox_index);
const char    *tf_item_get_path             (TfItem        *self);
const char    *tf_item_get_file_path        (TfItem        *self);
guint          tf_item_get_mbox_index       (TfItem        *self);

/* Byte range of this item inside its file (the whole file unless mbox) */
guint64        tf_item_get_offset           (TfItem        *self);
guint64        tf_item_get_size             (TfItem        *self);
void           tf_item_set_range            (TfItem        *self,
                                             guint64        offset,
                                             guint64        size);
/* File identity when read, so writers can refuse a changed file */
guint64        tf_item_get_file_size        (TfItem        *self);
gint64         tf_item_get_file_mtime_usec  (TfItem        *self);
void           tf_item_set_file_info        (TfItem        *self,
                                             guint64        file_size,
                                             gint64         mtime_usec);

TfFormat       tf_item_get_format           (TfItem        *self);
void           tf_item_set_format           (TfItem        *self,
                                             TfFormat       format);
TfKind         tf_item_get_kind             (TfItem        *self);
void           tf_item_set_kind             (TfItem        *self,
                                             TfKind         kind);
/* TRUE when a request is an update of an earlier one (SEQUENCE > 0 or
 * PidLidAppointmentSequence > 0) */
gboolean       tf_item_get_is_update        (TfItem        *self);

const char    *tf_item_get_message_class    (TfItem        *self);
void           tf_item_set_message_class    (TfItem        *self,
                                             const char    *message_class);
const char    *tf_item_get_ical_method      (TfItem        *self);
void           tf_item_set_ical_method      (TfItem        *self,
                                             const char    *method);
const char    *tf_item_get_subject          (TfItem        *self);
void           tf_item_set_subject          (TfItem        *self,
                                             const char    *subject);
/* The sender / organizer as "Name <address>" or address */
const char    *tf_item_get_from             (TfItem        *self);
void           tf_item_set_from             (TfItem        *self,
                                             const char    *from);
const char    *tf_item_get_message_id       (TfItem        *self);
void           tf_item_set_message_id       (TfItem        *self,
                                             const char    *message_id);
/* PST/OST items: the folder path ("/Top of Personal Folders/Calendar")
 * and the node id in hex ("0x00214A44"; an embedded message gives the chain
 * "0x00200024/0x00008025/0x00200044"), else NULL */
const char *tf_item_get_folder (TfItem *self);
void tf_item_set_folder (TfItem *self,
                         const char *folder);
const char *tf_item_get_nid (TfItem *self);
void tf_item_set_nid (TfItem *self,
                      const char *nid);
/* iCalendar UID, or the GlobalObjectId as upper-case hex */
const char    *tf_item_get_uid              (TfItem        *self);
void           tf_item_set_uid              (TfItem        *self,
                                             const char    *uid);
/* Meeting key for grouping copies: the CleanGlobalObjectId / UID with the
 * instance-specific bytes removed, or NULL */
const char    *tf_item_get_meeting_key      (TfItem        *self);
void           tf_item_set_meeting_key      (TfItem        *self,
                                             const char    *key);
/* UID and meeting key from PidLidGlobalObjectId / CleanGlobalObjectId */
void tf_item_set_global_object_id (TfItem *self,
                                   const guint8 *goid,
                                   gsize goid_len,
                                   const guint8 *clean,
                                   gsize clean_len);
gint           tf_item_get_sequence         (TfItem        *self); /* -1 absent */
void           tf_item_set_sequence         (TfItem        *self,
                                             gint           sequence);
/* Unix seconds; G_MININT64 when unknown */
gint64         tf_item_get_sent             (TfItem        *self);
void           tf_item_set_sent             (TfItem        *self,
                                             gint64         unix_seconds);

/* Recipients and findings keep insertion order. tf_item_add_recipient()
 * takes its own reference; tf_item_add_finding() takes ownership of the
 * new finding (findings are created for exactly one item). */
GListModel    *tf_item_get_recipients       (TfItem        *self);
guint          tf_item_get_n_recipients     (TfItem        *self);
TfRecipient   *tf_item_get_recipient        (TfItem        *self,
                                             guint          position);
void           tf_item_add_recipient        (TfItem        *self,
                                             TfRecipient   *recipient);
/* Same address (case-insensitive) and source, or NULL */
TfRecipient   *tf_item_find_recipient       (TfItem        *self,
                                             const char    *address,
                                             TfSource       source);

GListModel    *tf_item_get_findings         (TfItem        *self);
guint          tf_item_get_n_findings       (TfItem        *self);
TfFinding     *tf_item_get_finding          (TfItem        *self,
                                             guint          position);
void           tf_item_add_finding          (TfItem        *self,
                                             TfFinding     *finding);
/* Counts findings of severity warning or error */
guint          tf_item_get_n_problems       (TfItem        *self);
TfSeverity     tf_item_get_max_severity     (TfItem        *self);
gboolean       tf_item_has_finding          (TfItem        *self,
                                             TfFindingCode  code);
/* Findings that concern @address (case-insensitive); transfer container */
GPtrArray     *tf_item_dup_findings_for     (TfItem        *self,
                                             const char    *address);

void           tf_item_add_stamp            (TfItem        *self,
                                             const TfStamp *stamp);
guint          tf_item_get_n_stamps         (TfItem        *self);
const TfStamp *tf_item_get_stamp            (TfItem        *self,
                                             guint          i);
/* First stamp of @kind, any source, or NULL */
const TfStamp *tf_item_find_stamp           (TfItem        *self,
                                             TfStampKind    kind);

/* Which sources contributed (bit i = 1 << TfSource) */
guint          tf_item_get_sources          (TfItem        *self);
void           tf_item_add_source           (TfItem        *self,
                                             TfSource       source);

/* Message-level MAPI properties (only with TF_READ_FULL) */
GPtrArray     *tf_item_get_props            (TfItem        *self);
void           tf_item_take_prop            (TfItem        *self,
                                             TfProp        *prop);

/* Lower-case haystack for search-as-you-type: subject, from, addresses,
 * file name, PST/OST folder, finding codes. Built lazily, cached. */
const char    *tf_item_get_search_text      (TfItem        *self);
/* TRUE when every word (lower case, as g_utf8_strdown() gives) occurs in
 * the search text: what strstr() on tf_item_get_search_text() answers,
 * without building and keeping that text (100,000 items × ~500 bytes). */
gboolean tf_item_matches_words (TfItem *self,
                                const char *const *words);

/* Set by the repair engine when it rewrote the file; the GUI refreshes. */
void           tf_item_notify_changed       (TfItem        *self);
/* Replaces everything read from the file (recipients, findings, fields)
 * with @fresh's, keeps @self's identity, then notifies (main thread only). */
void           tf_item_update_from          (TfItem        *self,
                                             TfItem        *fresh);

G_END_DECLS
