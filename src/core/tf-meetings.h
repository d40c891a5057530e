/* tf-meetings.h — group items by meeting and consolidate attendees
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tf-item.h"

G_BEGIN_DECLS

#define TF_TYPE_MEETING_ATTENDEE (tf_meeting_attendee_get_type ())

G_DECLARE_FINAL_TYPE (TfMeetingAttendee, tf_meeting_attendee, TF, MEETING_ATTENDEE, GObject)

/* One attendee of a meeting, consolidated from every copy of it. */
const char *tf_meeting_attendee_get_address (TfMeetingAttendee *self);
const char *tf_meeting_attendee_get_name (TfMeetingAttendee *self);
/* Latest response (TfTrackStatus), from the newest reply or, without one,
 * from the organizer-side track status; TF_TRACK_STATUS_ABSENT if none. */
int tf_meeting_attendee_get_response (TfMeetingAttendee *self);
/* Unix seconds of the newest reply (its DTSTAMP / sent time), or G_MININT64 */
gint64 tf_meeting_attendee_get_reply_time (TfMeetingAttendee *self);
/* Whether the newest reply carried ATTENDEE-CRITICAL-CHANGE. Only
 * meaningful when there is a reply. */
gboolean tf_meeting_attendee_get_has_reply (TfMeetingAttendee *self);
gboolean tf_meeting_attendee_get_reply_has_critical_change (TfMeetingAttendee *self);
/* Organizer-side PR_RECIPIENT_TRACKSTATUS_TIME from the newest copy that
 * has one (TNEF or .msg) */
gboolean tf_meeting_attendee_get_has_track_time (TfMeetingAttendee *self);
guint64 tf_meeting_attendee_get_track_time (TfMeetingAttendee *self);
/* DSN status ("4.4.7") of an NDR for this attendee, or NULL */
const char *tf_meeting_attendee_get_ndr_status (TfMeetingAttendee *self);
/* Worst finding severity that concerns this attendee in any copy, or -1 */
int tf_meeting_attendee_get_max_severity (TfMeetingAttendee *self);

#define TF_TYPE_MEETING (tf_meeting_get_type ())

G_DECLARE_FINAL_TYPE (TfMeeting, tf_meeting, TF, MEETING, GObject)

TfMeeting *tf_meeting_new (const char *key);
const char *tf_meeting_get_key (TfMeeting *self);
/* Subject / organizer of the newest request (or any item when none) */
const char *tf_meeting_get_subject (TfMeeting *self);
const char *tf_meeting_get_organizer (TfMeeting *self);
void tf_meeting_add_item (TfMeeting *self,
                          TfItem *item);
GListModel *tf_meeting_get_items (TfMeeting *self);
guint tf_meeting_get_n_items (TfMeeting *self);
/* Requests, cancellations and appointments (organizer-side copies) */
guint tf_meeting_get_n_copies (TfMeeting *self);
guint tf_meeting_get_n_replies (TfMeeting *self);
guint tf_meeting_get_n_ndrs (TfMeeting *self);
/* Copies (requests/updates/cancels) that carry a TRACK_TIME_1601,
 * TRACK_TIME_PRE_1900 or CRITICAL_CHANGE_1601 finding: the updates that
 * Exchange 2003 leaves in the retry queue. */
guint tf_meeting_get_n_stuck (TfMeeting *self);
/* Newest sent time of any item, G_MININT64 if none */
gint64 tf_meeting_get_last_sent (TfMeeting *self);
/* (transfer full): one TfMeetingAttendee per address, organizer excluded,
 * sorted by address. Computed on each call. */
GListModel *tf_meeting_dup_attendees (TfMeeting *self);

/**
 * tf_meetings_group:
 * @items: (element-type TfItem): items from any number of sources
 *
 * Groups items by tf_item_get_meeting_key() (or the UID when an item has
 * no key), in one canonical form: a GlobalObjectId with its instance date
 * cleared, and the iCalendar UID a "vCal-Uid" GlobalObjectId wraps. Items
 * without either are skipped, except NDRs: an NDR whose subject names a meeting ("Undeliverable:
 * Updated: Budget") joins that meeting, so its failed recipients show up on
 * the attendee rows.
 *
 * Returns: (transfer full) (element-type TfMeeting): meetings, the newest
 *   first (by last sent time, then key).
 */
GPtrArray *tf_meetings_group (GListModel *items);

G_END_DECLS
