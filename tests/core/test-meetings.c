/* test-meetings.c — grouping copies by meeting and consolidating attendees
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "tf-core.h"
#include "tf-fixturegen.h"
#include "tf-meetings.h"

static char *demo_dir;

static GListStore *
scan_demo (void)
{
  g_autoptr (TfScanner) scanner = tf_scanner_new ();
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) error = NULL;
  const char *paths[] = { demo_dir, NULL };
  GListStore *store = g_list_store_new (TF_TYPE_ITEM);

  items = tf_scanner_scan_sync (scanner, paths, NULL, NULL, &error);
  g_assert_no_error (error);
  g_list_store_splice (store, 0, 0, items->pdata, items->len);

  return store;
}

static TfMeeting *
find_meeting (GPtrArray *meetings,
              const char *subject_part,
              guint min_copies)
{
  for (guint i = 0; i < meetings->len; i++)
    {
      TfMeeting *meeting = g_ptr_array_index (meetings, i);
      const char *subject = tf_meeting_get_subject (meeting);

      if (subject != NULL && strstr (subject, subject_part) != NULL && tf_meeting_get_n_copies (meeting) >= min_copies)
        return meeting;
    }

  return NULL;
}

static TfMeetingAttendee *
find_attendee (GListModel *attendees,
               const char *address)
{
  for (guint i = 0; i < g_list_model_get_n_items (attendees); i++)
    {
      g_autoptr (TfMeetingAttendee) attendee = g_list_model_get_item (attendees, i);

      if (g_strcmp0 (tf_meeting_attendee_get_address (attendee), address) == 0)
        return attendee; /* the model keeps a reference */
    }

  return NULL;
}

static void
test_meetings_group_demo (void)
{
  g_autoptr (GListStore) items = scan_demo ();
  g_autoptr (GPtrArray) meetings = tf_meetings_group (G_LIST_MODEL (items));
  g_autoptr (GListModel) attendees = NULL;
  TfMeeting *budget;
  TfMeetingAttendee *jane;
  TfMeetingAttendee *chris;
  gboolean has_msg = FALSE;
  gboolean has_eml = FALSE;
  guint n_grouped = 0;

  g_assert_cmpuint (meetings->len, >, 1);
  for (guint i = 0; i < meetings->len; i++)
    n_grouped += tf_meeting_get_n_items (g_ptr_array_index (meetings, i));
  g_assert_cmpuint (n_grouped, <=, g_list_model_get_n_items (G_LIST_MODEL (items)));

  /* The affected meeting: the organizer's .msg (its GOID wraps the UID),
   * the stuck queue update, two replies and the NDR are one meeting. */
  budget = find_meeting (meetings, "Q3 budget review", 2);
  g_assert_nonnull (budget);
  for (guint i = 0; i < tf_meeting_get_n_items (budget); i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (tf_meeting_get_items (budget), i);

      has_msg |= tf_item_get_format (item) == TF_FORMAT_MSG;
      has_eml |= tf_item_get_format (item) == TF_FORMAT_EML;
    }
  g_assert_true (has_msg);
  g_assert_true (has_eml);
  g_assert_cmpuint (tf_meeting_get_n_replies (budget), >=, 2);
  g_assert_cmpuint (tf_meeting_get_n_stuck (budget), >=, 1);
  g_assert_cmpuint (tf_meeting_get_n_ndrs (budget), >=, 1);

  attendees = tf_meeting_dup_attendees (budget);
  g_assert_cmpuint (g_list_model_get_n_items (attendees), >=, 2);

  /* Jane: accepted without the critical-change stamp; the organizer's
   * copy recorded 1601; her update bounced */
  jane = find_attendee (attendees, "jane.doe@fabrikam.example");
  g_assert_nonnull (jane);
  g_assert_cmpstr (tf_meeting_attendee_get_name (jane), ==, "Jane Doe");
  g_assert_true (tf_meeting_attendee_get_has_reply (jane));
  g_assert_false (tf_meeting_attendee_get_reply_has_critical_change (jane));
  g_assert_cmpint (tf_meeting_attendee_get_response (jane), ==, TF_TRACK_STATUS_ACCEPTED);
  g_assert_true (tf_meeting_attendee_get_has_track_time (jane));
  g_assert_cmpuint (tf_meeting_attendee_get_track_time (jane), ==, TF_FILETIME_1601);
  g_assert_cmpint (tf_meeting_attendee_get_max_severity (jane), ==, TF_SEVERITY_ERROR);
  g_assert_nonnull (tf_meeting_attendee_get_ndr_status (jane));
  g_assert_true (g_str_has_prefix (tf_meeting_attendee_get_ndr_status (jane), "4.4.7"));

  /* Chris: a proper reply with the stamp and a real time */
  chris = find_attendee (attendees, "chris.preston@contoso.example");
  g_assert_nonnull (chris);
  g_assert_true (tf_meeting_attendee_get_has_reply (chris));
  g_assert_true (tf_meeting_attendee_get_reply_has_critical_change (chris));
  g_assert_true (tf_meeting_attendee_get_has_track_time (chris));
  g_assert_cmpint (tf_filetime_classify (tf_meeting_attendee_get_track_time (chris)), ==, TF_TIME_CLASS_OK);
  g_assert_null (tf_meeting_attendee_get_ndr_status (chris));

  /* The organizer is not an attendee row */
  g_assert_null (find_attendee (attendees, "ken.myer@contoso.example"));

  /* The demo PST's recurring "Project standup": its exception, an
   * embedded message with a 1601 row, is a calendar copy of the meeting,
   * so the meeting counts it as a stuck update */
  {
    TfMeeting *standup = find_meeting (meetings, "Project standup", 1);
    gboolean has_exception = FALSE;

    g_assert_nonnull (standup);
    for (guint i = 0; i < tf_meeting_get_n_items (standup); i++)
      {
        g_autoptr (TfItem) item = g_list_model_get_item (tf_meeting_get_items (standup), i);

        if (tf_item_get_nid (item) != NULL && strchr (tf_item_get_nid (item), '/') != NULL)
          {
            has_exception = TRUE;
            g_assert_cmpint (tf_item_get_kind (item), ==, TF_KIND_APPOINTMENT);
          }
      }
    g_assert_true (has_exception);
    g_assert_cmpuint (tf_meeting_get_n_stuck (standup), ==, 1);
  }
}

static void
test_meetings_canonical_key (void)
{
  g_autoptr (GListStore) items = g_list_store_new (TF_TYPE_ITEM);
  g_autoptr (GPtrArray) meetings = NULL;
  g_autoptr (TfItem) a = tf_item_new ("a.eml", "a.eml", 0);
  g_autoptr (TfItem) b = tf_item_new ("b.msg", "b.msg", 0);
  g_autoptr (TfItem) c = tf_item_new ("c.ics", "c.ics", 0);
  g_autoptr (TfItem) d = tf_item_new ("d.ics", "d.ics", 0);
  /* Same GOID, one with an instance date (an exception), one without */
  const char *goid = "040000008200E00074C5B7101A82E00800000000E0E3E4B6D3FBC80100000000000000001000000055AA55AA55AA55AA55AA55AA55AA55AA";
  const char *goid_instance = "040000008200E00074C5B7101A82E00807D80814E0E3E4B6D3FBC80100000000000000001000000055AA55AA55AA55AA55AA55AA55AA55AA";
  /* A vCal-Uid GOID wrapping "party@example" */
  const char *vcal = "040000008200E00074C5B7101A82E00800000000000000000000000000000000000000001A0000007643616C2D55696401000000706172747940657861"
                     "6D706C6500";

  tf_item_set_kind (a, TF_KIND_REQUEST);
  tf_item_set_meeting_key (a, goid);
  tf_item_set_kind (b, TF_KIND_APPOINTMENT);
  tf_item_set_meeting_key (b, goid_instance);
  tf_item_set_kind (c, TF_KIND_REQUEST);
  tf_item_set_uid (c, "party@example");
  tf_item_set_kind (d, TF_KIND_REPLY);
  tf_item_set_meeting_key (d, vcal);
  g_list_store_append (items, a);
  g_list_store_append (items, b);
  g_list_store_append (items, c);
  g_list_store_append (items, d);

  meetings = tf_meetings_group (G_LIST_MODEL (items));
  g_assert_cmpuint (meetings->len, ==, 2);
  for (guint i = 0; i < meetings->len; i++)
    {
      TfMeeting *meeting = g_ptr_array_index (meetings, i);

      g_assert_cmpuint (tf_meeting_get_n_items (meeting), ==, 2);
      if (g_str_equal (tf_meeting_get_key (meeting), "party@example"))
        {
          g_assert_cmpuint (tf_meeting_get_n_copies (meeting), ==, 1);
          g_assert_cmpuint (tf_meeting_get_n_replies (meeting), ==, 1);
        }
      else
        g_assert_cmpstr (tf_meeting_get_key (meeting), ==, goid);
    }
}

int
main (int argc,
      char *argv[])
{
  const char *source_root = g_getenv ("TRACKFIX_SOURCE_ROOT");
  g_autofree char *shipped = g_build_filename (source_root ?: ".", "data", "demo", NULL);
  g_autofree char *tmp = NULL;
  g_autoptr (GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  tf_core_init ();

  if (g_file_test (shipped, G_FILE_TEST_IS_DIR))
    demo_dir = g_strdup (shipped);
  else
    {
      tmp = g_dir_make_tmp ("trackfix-meetings-XXXXXX", &error);
      g_assert_no_error (error);
      g_assert_true (tf_gen_demo (tmp, &error));
      g_assert_no_error (error);
      demo_dir = g_strdup (tmp);
    }

  g_test_add_func ("/meetings/group-demo", test_meetings_group_demo);
  g_test_add_func ("/meetings/canonical-key", test_meetings_canonical_key);

  ret = g_test_run ();
  g_free (demo_dir);

  return ret;
}
