/* tf-meeting-view.h — one meeting: an attendee table consolidated from all copies
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tf-meetings.h"

G_BEGIN_DECLS

#define TF_TYPE_MEETING_VIEW (tf_meeting_view_get_type ())

G_DECLARE_FINAL_TYPE (TfMeetingView, tf_meeting_view, TF, MEETING_VIEW, GtkWidget)

TfMeeting *tf_meeting_view_get_meeting (TfMeetingView *self);
void tf_meeting_view_set_meeting (TfMeetingView *self,
                                  TfMeeting *meeting);
void tf_meeting_view_set_local_time (TfMeetingView *self,
                                     gboolean local_time);
/* (element-type TfMeetingAttendee): what the table shows */
GListModel *tf_meeting_view_get_attendees (TfMeetingView *self);

G_END_DECLS
