/* test-ical.c — iCalendar reader and the iCalendar fixture generator
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tf-core.h"
#include "tf-fixturegen.h"

#define GOID_HEX "040000008200E00074C5B7101A82E00807D8081400000000" \
                 "50A7D4E5C502C9010000000000000000100000001F4ACA94B1A4E24AAD0D0BFA2DF4B1E4"

static const TfGenAttendee reply_attendee[] = {
  { "user@other.example", "User, Other", "ACCEPTED", "REQ-PARTICIPANT" },
};

static char *
corpus_path (const char *name)
{
  const char *dir = g_getenv ("TRACKFIX_CORPUS_DIR");

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    return NULL;

  return g_build_filename (dir, name, NULL);
}

static guint
count_code (TfItem *item,
            TfFindingCode code)
{
  guint n = 0;

  for (guint i = 0; i < tf_item_get_n_findings (item); i++)
    if (tf_finding_get_code (tf_item_get_finding (item, i)) == code)
      n++;

  return n;
}

static TfItem *
read_text (const char *text,
           gsize len,
           TfReadFlags flags,
           gboolean *ok)
{
  TfItem *item = tf_item_new ("test.ics", "test.ics", 0);

  tf_item_set_format (item, TF_FORMAT_ICS);
  *ok = tf_ical_read (text, len, item, -1, flags);

  return item;
}

static TfItem *
read_generated (const TfGenEvent *event,
                gboolean apply_rules)
{
  g_autoptr (GBytes) ics = tf_gen_ics (event);
  gboolean ok;
  TfItem *item;

  item = read_text (g_bytes_get_data (ics, NULL), g_bytes_get_size (ics), TF_READ_FULL, &ok);
  g_assert_true (ok);
  if (apply_rules)
    tf_rules_classify (item);
  tf_rules_apply (item);

  return item;
}

static TfItem *
read_corpus (const char *name,
             gboolean *ok)
{
  g_autofree char *path = corpus_path (name);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  gsize len = 0;

  if (path == NULL)
    return NULL;

  g_file_get_contents (path, &text, &len, &error);
  g_assert_no_error (error);

  return read_text (text, len, TF_READ_FULL, ok);
}

static guint64
filetime_of (const char *ical)
{
  guint64 filetime = 0;

  g_assert_true (tf_filetime_parse_ical (ical, &filetime));
  return filetime;
}

static void
test_generated_reply (void)
{
  TfGenEvent event = {
    .method = "REPLY",
    .uid = GOID_HEX,
    .sequence = 1,
    .dtstamp = 1219232040, /* 2008-08-20T11:34:00Z */
    .organizer = "boss@corp.example",
    .attendees = reply_attendee,
    .n_attendees = 1,
    .summary = "Quarterly review",
    .attendee_cc = "20080820T113400Z",
  };
  g_autoptr (TfItem) item = read_generated (&event, TRUE);
  const TfStamp *stamp;
  TfRecipient *attendee;
  TfRecipient *organizer;
  g_autofree char *clean = NULL;

  g_assert_cmpstr (tf_item_get_ical_method (item), ==, "REPLY");
  g_assert_cmpint (tf_item_get_kind (item), ==, TF_KIND_REPLY);
  g_assert_cmpstr (tf_item_get_subject (item), ==, "Quarterly review");
  g_assert_cmpint (tf_item_get_sequence (item), ==, 1);
  g_assert_true (tf_item_get_sources (item) & (1u << TF_SOURCE_ICAL));

  /* UID upper-case GOID; the meeting key is the clean GOID */
  g_assert_cmpstr (tf_item_get_uid (item), ==, GOID_HEX);
  clean = g_strdup (GOID_HEX);
  memset (clean + 32, '0', 8);
  g_assert_cmpstr (tf_item_get_meeting_key (item), ==, clean);

  g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 2);
  organizer = tf_item_find_recipient (item, "boss@corp.example", TF_SOURCE_ICAL);
  g_assert_nonnull (organizer);
  g_assert_true (tf_recipient_get_is_organizer (organizer));
  g_assert_cmpint (tf_recipient_get_recipient_type (organizer), ==, TF_RECIPIENT_TYPE_ORGANIZER);
  g_assert_cmpstr (tf_item_get_from (item), ==, "boss@corp.example");

  attendee = tf_item_find_recipient (item, "USER@other.example", TF_SOURCE_ICAL);
  g_assert_nonnull (attendee);
  g_assert_cmpstr (tf_recipient_get_address (attendee), ==, "user@other.example");
  g_assert_cmpstr (tf_recipient_get_name (attendee), ==, "User, Other");
  g_assert_cmpstr (tf_recipient_get_partstat (attendee), ==, "ACCEPTED");
  g_assert_cmpstr (tf_recipient_get_role (attendee), ==, "REQ-PARTICIPANT");
  g_assert_cmpint (tf_recipient_get_track_status (attendee), ==, TF_TRACK_STATUS_ACCEPTED);
  g_assert_cmpint (tf_recipient_get_recipient_type (attendee), ==, TF_RECIPIENT_TYPE_TO);

  stamp = tf_item_find_stamp (item, TF_STAMP_ATTENDEE_CRITICAL_CHANGE);
  g_assert_nonnull (stamp);
  g_assert_cmpint (stamp->source, ==, TF_SOURCE_ICAL);
  g_assert_cmpint (stamp->part_index, ==, -1);
  g_assert_cmpuint (stamp->filetime, ==, tf_filetime_from_unix (1219232040));
  stamp = tf_item_find_stamp (item, TF_STAMP_DTSTAMP);
  g_assert_nonnull (stamp);
  g_assert_cmpuint (stamp->filetime, ==, tf_filetime_from_unix (1219232040));

  g_assert_cmpuint (count_code (item, TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE), ==, 0);
  g_assert_cmpuint (count_code (item, TF_FINDING_CRITICAL_CHANGE_1601), ==, 0);
  g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), ==, 0);
}

static void
test_generated_reply_without_critical_change (void)
{
  TfGenEvent event = {
    .method = "REPLY",
    .uid = "plain-uid-42@corp.example",
    .sequence = 0,
    .dtstamp = 1219232040,
    .organizer = "boss@corp.example",
    .attendees = reply_attendee,
    .n_attendees = 1,
  };
  g_autoptr (TfItem) item = read_generated (&event, TRUE);

  g_assert_cmpstr (tf_item_get_uid (item), ==, "plain-uid-42@corp.example");
  g_assert_cmpstr (tf_item_get_meeting_key (item), ==, "plain-uid-42@corp.example");
  g_assert_null (tf_item_find_stamp (item, TF_STAMP_ATTENDEE_CRITICAL_CHANGE));
  g_assert_cmpuint (count_code (item, TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE), ==, 1);
}

static void
test_generated_reply_1601 (void)
{
  TfGenEvent event = {
    .method = "REPLY",
    .uid = GOID_HEX,
    .sequence = 2,
    .dtstamp = 1219232040,
    .organizer = "boss@corp.example",
    .attendees = reply_attendee,
    .n_attendees = 1,
    .attendee_cc = "16010101T000000Z",
    .owner_cc = "16010101T000000Z",
  };
  g_autoptr (GBytes) ics = tf_gen_ics (&event);
  g_autoptr (TfItem) item = read_generated (&event, TRUE);
  const TfStamp *stamp;

  /* the generator writes the value verbatim */
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (ics, NULL), g_bytes_get_size (ics),
                                  "\r\nX-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:16010101T000000Z\r\n"));

  stamp = tf_item_find_stamp (item, TF_STAMP_ATTENDEE_CRITICAL_CHANGE);
  g_assert_nonnull (stamp);
  g_assert_cmpuint (stamp->filetime, ==, TF_FILETIME_1601);
  stamp = tf_item_find_stamp (item, TF_STAMP_OWNER_CRITICAL_CHANGE);
  g_assert_nonnull (stamp);
  g_assert_cmpuint (stamp->filetime, ==, TF_FILETIME_1601);
  g_assert_cmpuint (count_code (item, TF_FINDING_CRITICAL_CHANGE_1601), >=, 1);
  g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), ==, 0);
}

/* RFC 5545 3.1: names, METHOD and PARTSTAT values in any case */
static void
test_generated_name_case (void)
{
  static const TfGenNameCase cases[] = { TF_GEN_CASE_LOWER, TF_GEN_CASE_MIXED };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      TfGenEvent event = {
        .method = "REPLY",
        .uid = "case@corp.example",
        .sequence = 1,
        .dtstamp = 1219232040,
        .organizer = "boss@corp.example",
        .attendees = reply_attendee,
        .n_attendees = 1,
        .attendee_cc = "20080820T113400Z",
        .owner_cc = "16010101T000000Z",
        .name_case = cases[i],
      };
      g_autoptr (GBytes) ics = tf_gen_ics (&event);
      g_autoptr (TfItem) item = read_generated (&event, TRUE);
      const char *text = g_bytes_get_data (ics, NULL);
      TfRecipient *r;

      g_assert_nonnull (g_strstr_len (text, g_bytes_get_size (ics),
                                      cases[i] == TF_GEN_CASE_LOWER ? "\r\nx-microsoft-cdo-attendee-critical-change:"
                                                                    : "\r\nX-MiCrOsOfT-CdO-AtTeNdEe-cRiTiCaL-ChAnGe:"));
      g_assert_nonnull (g_strstr_len (text, g_bytes_get_size (ics), cases[i] == TF_GEN_CASE_LOWER ? "method:reply" : "MeThOd:RePlY"));

      g_assert_cmpstr (tf_item_get_ical_method (item), ==, "REPLY");
      g_assert_cmpint (tf_item_get_kind (item), ==, TF_KIND_REPLY);
      g_assert_nonnull (tf_item_find_stamp (item, TF_STAMP_ATTENDEE_CRITICAL_CHANGE));
      g_assert_cmpuint (count_code (item, TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE), ==, 0);
      /* the owner stamp is read too, and its 1601 value reported */
      g_assert_cmpuint (count_code (item, TF_FINDING_CRITICAL_CHANGE_1601), ==, 1);
      g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), ==, 0);
      r = tf_item_find_recipient (item, "user@other.example", TF_SOURCE_ICAL);
      g_assert_nonnull (r);
      g_assert_cmpint (tf_recipient_get_track_status (r), ==, TF_TRACK_STATUS_ACCEPTED);
      g_assert_cmpstr (tf_recipient_get_role (r), ==, "REQ-PARTICIPANT");
    }
}

/* Every VEVENT of a REPLY is checked, not just whether one has the stamp */
static void
test_reply_events (void)
{
  static const char text[] = "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nVERSION:2.0\r\n"
                             "BEGIN:VEVENT\r\nUID:r@x\r\nDTSTAMP:20080820T113400Z\r\n"
                             "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x.example\r\n"
                             "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:20080820T113400Z\r\nEND:VEVENT\r\n"
                             "BEGIN:VEVENT\r\nUID:r@x\r\nRECURRENCE-ID:20080901T090000Z\r\n"
                             "DTSTAMP:20080821T080000Z\r\nATTENDEE;PARTSTAT=DECLINED:mailto:a@x.example\r\n"
                             "END:VEVENT\r\nEND:VCALENDAR\r\n";
  gboolean ok;
  g_autoptr (TfItem) item = read_text (text, sizeof text - 1, TF_READ_NONE, &ok);
  const TfStamp *mark;

  g_assert_true (ok);
  tf_rules_classify (item);
  tf_rules_apply (item);
  g_assert_cmpuint (count_code (item, TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE), ==, 1);
  mark = tf_item_find_stamp (item, TF_STAMP_REPLY_WITHOUT_CRITICAL_CHANGE);
  g_assert_nonnull (mark);
  /* the unstamped event's own DTSTAMP */
  g_assert_cmpuint (mark->filetime, ==, filetime_of ("20080821T080000Z"));
}

/* Several VCALENDAR objects in one text/calendar part: every one is read,
 * a REPLY after a REQUEST is checked, damage names its object. */
static void
test_objects_in_part (void)
{
  static const char text[] = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\n"
                             "BEGIN:VEVENT\r\nUID:o@x\r\nDTSTAMP:20080820T113400Z\r\n"
                             "ORGANIZER:mailto:boss@x.example\r\nATTENDEE:mailto:a@x.example\r\n"
                             "END:VEVENT\r\nEND:VCALENDAR\r\n"
                             "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\n"
                             "BEGIN:VEVENT\r\nUID:o@x\r\nDTSTAMP:2008082T113400Z\r\n"
                             "ATTENDEE;PARTSTAT=ACCEPTED:mailto:b@x.example\r\n"
                             "END:VEVENT\r\nEND:VCALENDAR\r\n";
  g_autoptr (TfItem) item = tf_item_new ("m.eml", "m.eml", 0);
  TfFinding *error = NULL;

  g_assert_true (tf_ical_read (text, sizeof text - 1, item, 3, TF_READ_NONE));
  tf_rules_classify (item);
  tf_rules_apply (item);
  g_assert_cmpstr (tf_item_get_ical_method (item), ==, "REQUEST");
  g_assert_nonnull (tf_item_find_recipient (item, "b@x.example", TF_SOURCE_ICAL));
  g_assert_cmpuint (count_code (item, TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE), ==, 1);

  for (guint i = 0; i < tf_item_get_n_findings (item); i++)
    if (tf_finding_get_code (tf_item_get_finding (item, i)) == TF_FINDING_PARSE_ERROR)
      error = tf_item_get_finding (item, i);
  g_assert_nonnull (error);
  /* which object, and the value exactly as written */
  g_assert_nonnull (strstr (tf_finding_get_detail (error), "MIME part 3, object 2"));
  g_assert_nonnull (strstr (tf_finding_get_detail (error), "“2008082T113400Z”"));
}

/* Error details quote the value as written, not as libical re-formats it */
static void
test_value_as_written (void)
{
  static const char *const bad[] = { "2008082T113400Z", "20080820T1134Z", "2008-08-20T11:34:00Z", "20080820T113400+0100" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text = g_strdup_printf ("BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:v@x\r\n"
                                               "dtstamp:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
                                               bad[i]);
      g_autofree char *quoted = g_strdup_printf ("DTSTAMP has a value that is not a date-time: “%s”", bad[i]);
      gboolean ok;
      g_autoptr (TfItem) item = read_text (text, strlen (text), TF_READ_NONE, &ok);

      g_assert_true (ok);
      g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), ==, 1);
      g_assert_nonnull (strstr (tf_finding_get_detail (tf_item_get_finding (item, 0)), quoted));
      g_assert_null (tf_item_find_stamp (item, TF_STAMP_DTSTAMP));
    }
}

static void
test_generated_folding (void)
{
  const char *summary = "Überprüfung der Besprechungsaktualisierung, die seit Tagen in der "
                        "SMTP-Warteschlange hängt; bitte nicht löschen — äöü ÄÖÜ ß € 日本語";
  TfGenEvent event = {
    .method = "REQUEST",
    .uid = "fold-test",
    .sequence = -1,
    .dtstamp = 1219232040,
    .organizer = "boss@corp.example",
    .summary = summary,
  };
  g_autoptr (GBytes) ics = tf_gen_ics (&event);
  g_autofree char *text = g_strndup (g_bytes_get_data (ics, NULL), g_bytes_get_size (ics));
  g_auto (GStrv) lines = NULL;
  g_autoptr (TfItem) item = NULL;
  gboolean ok;

  g_assert_true (g_str_has_suffix (text, "END:VCALENDAR\r\n"));
  lines = g_strsplit (text, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_assert_cmpuint (strlen (lines[i]), <=, 75);
      g_assert_null (strchr (lines[i], '\n'));
      g_assert_true (g_utf8_validate (lines[i], -1, NULL));
    }

  item = read_text (text, strlen (text), TF_READ_NONE, &ok);
  g_assert_true (ok);
  g_assert_cmpstr (tf_item_get_subject (item), ==, summary);
  g_assert_cmpint (tf_item_get_sequence (item), ==, -1);
}

static const char appt_sequence_ics[] = "BEGIN:VCALENDAR\r\n"
                                        "METHOD:request\r\n"
                                        "VERSION:2.0\r\n"
                                        "X-MICROSOFT-CALSCALE:Gregorian\r\n"
                                        "BEGIN:VEVENT\r\n"
                                        "ORGANIZER;CN=\"Boss, The\":MAILTO:boss@corp.example\r\n"
                                        "ATTENDEE;CN=Boss;PARTSTAT=ACCEPTED:mailto:BOSS@corp.example\r\n"
                                        "ATTENDEE;ROLE=OPT-PARTICIPANT;PARTSTAT=TENTATIVE:mailto:opt@corp.example\r\n"
                                        "ATTENDEE;ROLE=NON-PARTICIPANT;PARTSTAT=DECLINED:mailto:info@corp.example\r\n"
                                        "ATTENDEE;CUTYPE=ROOM:mailto:room@corp.example\r\n"
                                        "ATTENDEE;PARTSTAT=DELEGATED:mailto:deleg@corp.example\r\n"
                                        "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:opt@corp.example\r\n"
                                        "UID:seq-test\r\n"
                                        "SEQUENCE:1\r\n"
                                        "DTSTAMP:20080820T113400Z\r\n"
                                        "SUMMARY:Sequence test\r\n"
                                        "X-MICROSOFT-CDO-APPT-SEQUENCE:3\r\n"
                                        "X-MICROSOFT-CDO-REPLYTIME:20080821T080000Z\r\n"
                                        "X-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\n"
                                        "END:VEVENT\r\n"
                                        "END:VCALENDAR\r\n";

static void
test_fields (void)
{
  g_autoptr (TfItem) item = NULL;
  TfRecipient *r;
  const TfStamp *stamp;
  GPtrArray *props;
  gboolean ok;
  gboolean busy = FALSE;

  item = read_text (appt_sequence_ics, strlen (appt_sequence_ics), TF_READ_FULL, &ok);
  g_assert_true (ok);

  g_assert_cmpstr (tf_item_get_ical_method (item), ==, "REQUEST");
  /* X-MICROSOFT-CDO-APPT-SEQUENCE wins over SEQUENCE */
  g_assert_cmpint (tf_item_get_sequence (item), ==, 3);
  g_assert_cmpstr (tf_item_get_from (item), ==, "Boss, The <boss@corp.example>");

  /* organizer listed again as attendee: one row; opt@ twice: one row */
  g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 5);
  r = tf_item_find_recipient (item, "boss@corp.example", TF_SOURCE_ICAL);
  g_assert_true (tf_recipient_get_is_organizer (r));
  g_assert_cmpint (tf_recipient_get_recipient_type (r), ==, TF_RECIPIENT_TYPE_ORGANIZER);
  g_assert_cmpint (tf_recipient_get_track_status (r), ==, TF_TRACK_STATUS_ACCEPTED);

  r = tf_item_find_recipient (item, "opt@corp.example", TF_SOURCE_ICAL);
  g_assert_cmpint (tf_recipient_get_recipient_type (r), ==, TF_RECIPIENT_TYPE_CC);
  g_assert_cmpint (tf_recipient_get_track_status (r), ==, TF_TRACK_STATUS_TENTATIVE);
  g_assert_cmpstr (tf_recipient_get_partstat (r), ==, "TENTATIVE");

  r = tf_item_find_recipient (item, "info@corp.example", TF_SOURCE_ICAL);
  g_assert_cmpint (tf_recipient_get_recipient_type (r), ==, TF_RECIPIENT_TYPE_RESOURCE);
  g_assert_cmpint (tf_recipient_get_track_status (r), ==, TF_TRACK_STATUS_DECLINED);
  g_assert_cmpstr (tf_recipient_get_role (r), ==, "NON-PARTICIPANT");

  r = tf_item_find_recipient (item, "room@corp.example", TF_SOURCE_ICAL);
  g_assert_cmpint (tf_recipient_get_recipient_type (r), ==, TF_RECIPIENT_TYPE_RESOURCE);
  g_assert_cmpint (tf_recipient_get_track_status (r), ==, TF_TRACK_STATUS_ABSENT);
  g_assert_null (tf_recipient_get_partstat (r));

  r = tf_item_find_recipient (item, "deleg@corp.example", TF_SOURCE_ICAL);
  g_assert_cmpint (tf_recipient_get_track_status (r), ==, TF_TRACK_STATUS_NONE);

  stamp = tf_item_find_stamp (item, TF_STAMP_REPLY_TIME);
  g_assert_nonnull (stamp);
  g_assert_cmpuint (stamp->filetime, ==, filetime_of ("20080821T080000Z"));

  /* TF_READ_FULL keeps the Microsoft X- properties for `show` */
  props = tf_item_get_props (item);
  g_assert_nonnull (props);
  g_assert_cmpuint (props->len, ==, 4);
  for (guint i = 0; i < props->len; i++)
    {
      TfProp *prop = g_ptr_array_index (props, i);

      g_assert_cmpuint (prop->tag, ==, 0);
      g_assert_nonnull (prop->name);
      if (g_strcmp0 (prop->name, "X-MICROSOFT-CDO-BUSYSTATUS") == 0)
        {
          g_assert_cmpstr (prop->value, ==, "BUSY");
          busy = TRUE;
        }
    }
  g_assert_true (busy);

  /* without TF_READ_FULL nothing is kept */
  g_clear_object (&item);
  item = read_text (appt_sequence_ics, strlen (appt_sequence_ics), TF_READ_NONE, &ok);
  g_assert_true (ok);
  props = tf_item_get_props (item);
  g_assert_true (props == NULL || props->len == 0);
}

static void
test_damaged (void)
{
  static const char *const bad[] = {
    "",
    "hello world",
    "BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n",
    "BEGIN:VCALENDAR\r\n\x01\x02\xff\xfe garbage",
    "BEGIN:VCALENDAR",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (TfItem) item = NULL;
      gboolean ok;

      item = read_text (bad[i], strlen (bad[i]), TF_READ_FULL, &ok);
      g_assert_false (ok);
      g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), ==, 1);
      g_assert_cmpstr (tf_finding_get_detail (tf_item_get_finding (item, 0)), !=, "");
    }
}

static void
test_hostile (void)
{
  g_autoptr (GString) deep = g_string_new ("BEGIN:VCALENDAR\r\n");
  g_autoptr (GString) crowd = g_string_new ("BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:x\r\n");
  g_autoptr (TfItem) item = NULL;
  gboolean ok;

  /* nesting that would overflow libical's recursive free */
  for (guint i = 0; i < 100000; i++)
    g_string_append (deep, "BEGIN:VEVENT\r\n");
  for (guint i = 0; i < 100000; i++)
    g_string_append (deep, "END:VEVENT\r\n");
  g_string_append (deep, "END:VCALENDAR\r\n");
  item = read_text (deep->str, deep->len, TF_READ_NONE, &ok);
  g_assert_false (ok);
  g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), ==, 1);
  g_clear_object (&item);

  /* attendees are capped */
  for (guint i = 0; i < 6000; i++)
    g_string_append_printf (crowd, "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a%u@example.com\r\n", i);
  g_string_append (crowd, "END:VEVENT\r\nEND:VCALENDAR\r\n");
  item = read_text (crowd->str, crowd->len, TF_READ_NONE, &ok);
  g_assert_true (ok);
  g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 5000);
  g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), ==, 1);
}

static void
test_bad_values (void)
{
  const char *text = "BEGIN:VCALENDAR\r\n"
                     "METHOD:REPLY\r\n"
                     "BEGIN:VEVENT\r\n"
                     "UID:bad-values\r\n"
                     "DTSTAMP:2006717T080000Z\r\n"
                     "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@example.com\r\n"
                     "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:not a date\r\n"
                     "END:VEVENT\r\n"
                     "END:VCALENDAR\r\n";
  g_autoptr (TfItem) item = NULL;
  gboolean ok;

  item = read_text (text, strlen (text), TF_READ_NONE, &ok);
  /* still readable; the damage is reported */
  g_assert_true (ok);
  g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 1);
  g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), ==, 2);
  g_assert_null (tf_item_find_stamp (item, TF_STAMP_ATTENDEE_CRITICAL_CHANGE));
}

static void
test_stray_end (void)
{
  const char *text = "END:VEVENT\r\n"
                     "BEGIN:VCALENDAR\r\n"
                     "METHOD:REPLY\r\n"
                     "BEGIN:VEVENT\r\n"
                     "UID:stray\r\n"
                     "ATTENDEE;PARTSTAT=DECLINED:mailto:a@example.com\r\n"
                     "END:VEVENT\r\n"
                     "END:VCALENDAR\r\n"
                     "end;x=1:VCALENDAR\r\n";

  if (g_test_subprocess ())
    {
      g_autoptr (TfItem) item = NULL;
      gboolean ok;

      item = read_text (text, strlen (text), TF_READ_NONE, &ok);
      g_assert_true (ok);
      g_assert_cmpstr (tf_item_get_ical_method (item), ==, "REPLY");
      g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 1);
      return;
    }

  /* END lines that close nothing are read past, and libical does not get
   * to print its warning about them */
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr_unmatched ("*END before BEGIN*");
}

static void
test_length_respected (void)
{
  /* Only the first @len bytes count; the rest is another calendar. */
  g_autofree char *text = g_strconcat (appt_sequence_ics,
                                       "BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n", NULL);
  g_autoptr (TfItem) item = NULL;
  gboolean ok;

  item = read_text (text, strlen (appt_sequence_ics), TF_READ_NONE, &ok);
  g_assert_true (ok);
  g_assert_cmpstr (tf_item_get_ical_method (item), ==, "REQUEST");
}

static gpointer
parse_thread (gpointer data)
{
  TfGenEvent event = {
    .method = "REPLY",
    .uid = GOID_HEX,
    .sequence = 1,
    .dtstamp = 1219232040,
    .organizer = "boss@corp.example",
    .attendees = reply_attendee,
    .n_attendees = 1,
    .attendee_cc = "16010101T000000Z",
  };
  g_autoptr (GBytes) ics = tf_gen_ics (&event);

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr (TfItem) item = tf_item_new ("t.ics", "t.ics", 0);

      if (!tf_ical_read (g_bytes_get_data (ics, NULL), g_bytes_get_size (ics), item, -1, TF_READ_FULL))
        return GINT_TO_POINTER (1);
      if (tf_item_get_n_recipients (item) != 2 || tf_item_find_stamp (item, TF_STAMP_ATTENDEE_CRITICAL_CHANGE) == NULL || g_strcmp0 (tf_item_get_ical_method (item), "REPLY") != 0)
        return GINT_TO_POINTER (1);
    }

  return GINT_TO_POINTER (0);
}

static void
test_threads (void)
{
  GThread *threads[4];

  /* the scanner runs readers on a worker pool */
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("ical", parse_thread, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (threads[i])), ==, 0);
}

static void
test_corpus_all (void)
{
  g_autofree char *dir_path = corpus_path ("ics");
  g_autoptr (GDir) dir = NULL;
  guint n = 0;

  if (dir_path == NULL)
    {
      g_test_skip ("corpus not available (TRACKFIX_CORPUS_DIR)");
      return;
    }

  dir = g_dir_open (dir_path, 0, NULL);
  g_assert_nonnull (dir);

  for (const char *name; (name = g_dir_read_name (dir)) != NULL;)
    {
      g_autofree char *rel = g_build_filename ("ics", name, NULL);
      g_autoptr (TfItem) item = NULL;
      gboolean ok;

      item = read_corpus (rel, &ok);
      g_assert_nonnull (item);
      tf_rules_classify (item);
      tf_rules_apply (item);
      /* every file holds a VCALENDAR */
      g_assert_true (ok);
      n++;
    }

  g_assert_cmpuint (n, >=, 25);
}

static void
test_corpus_facts (void)
{
  g_autoptr (TfItem) item = NULL;
  const TfStamp *stamp;
  TfRecipient *r;
  gboolean ok;

  item = read_corpus ("ics/nodeical-music-school-weekly-until.ics", &ok);
  if (item == NULL)
    {
      g_test_skip ("corpus not available (TRACKFIX_CORPUS_DIR)");
      return;
    }
  g_assert_true (ok);
  stamp = tf_item_find_stamp (item, TF_STAMP_ATTENDEE_CRITICAL_CHANGE);
  g_assert_nonnull (stamp);
  g_assert_cmpuint (stamp->filetime, ==, filetime_of ("20221014T203413Z"));
  stamp = tf_item_find_stamp (item, TF_STAMP_OWNER_CRITICAL_CHANGE);
  g_assert_nonnull (stamp);
  g_assert_cmpuint (stamp->filetime, ==, filetime_of ("20221014T203413Z"));
  g_clear_object (&item);

  item = read_corpus ("ics/ical4j-transform-yahoo2.ics", &ok);
  g_assert_true (ok);
  stamp = tf_item_find_stamp (item, TF_STAMP_ATTENDEE_CRITICAL_CHANGE);
  g_assert_nonnull (stamp);
  g_assert_cmpuint (stamp->filetime, ==, filetime_of ("20150129T210549Z"));
  /* "mailto:MAILTO:" prefix stripped */
  r = tf_item_find_recipient (item, "wolfgang.reisser@gmx.de", TF_SOURCE_ICAL);
  g_assert_nonnull (r);
  g_assert_cmpint (tf_recipient_get_track_status (r), ==, TF_TRACK_STATUS_NOT_RESPONDED);
  g_clear_object (&item);

  /* invalid date-time: readable, with a reason */
  item = read_corpus ("ics/ical4j-boeing.ics", &ok);
  g_assert_true (ok);
  g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), ==, 1);
  g_assert_nonnull (strstr (tf_finding_get_detail (tf_item_get_finding (item, 0)), "DTSTAMP"));
  g_clear_object (&item);

  item = read_corpus ("ics/aspose-test.ics", &ok);
  g_assert_true (ok);
  g_assert_cmpstr (tf_item_get_ical_method (item), ==, "REQUEST");
  g_clear_object (&item);

  item = read_corpus ("ics/pyicalendar-property_params.ics", &ok);
  g_assert_true (ok);
  g_assert_cmpstr (tf_item_get_ical_method (item), ==, "REQUEST");
  /* 3 attendees; the organizer is one of them (one row per address) */
  g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 3);
  r = tf_item_find_recipient (item, "rembrand@daxlab.com", TF_SOURCE_ICAL);
  g_assert_nonnull (r);
  g_assert_true (tf_recipient_get_is_organizer (r));
  g_assert_cmpstr (tf_recipient_get_name (r), ==, "RembrandDX");
  g_clear_object (&item);

  /* 15 concatenated iTIP objects: one item each */
  item = read_corpus ("ics/libical-incoming.ics", &ok);
  g_assert_true (ok);
  g_assert_cmpstr (tf_item_get_ical_method (item), ==, "REQUEST");
  g_assert_cmpstr (tf_item_get_uid (item), ==, "calsrv.example.com-873970198738776@example.com");
  g_assert_cmpuint (tf_item_get_n_recipients (item), >, 0);
  g_clear_object (&item);
}

/* Counts, checked with python3-icalendar (each object parsed alone):
 * the METHOD of every object and which are REPLY / COUNTER objects with a
 * VEVENT and no X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE. */
static void
check_objects (const char *name,
               guint n_objects,
               const char *const *methods,
               const char *unstamped)
{
  g_autofree char *path = corpus_path (name);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GString) flagged = g_string_new (NULL);

  g_assert_true (tf_read_file (path, path, TF_READ_NONE, items, NULL));
  g_assert_cmpuint (items->len, ==, n_objects);
  for (guint i = 0; i < items->len; i++)
    {
      TfItem *item = g_ptr_array_index (items, i);
      g_autofree char *expected_path = g_strdup_printf ("%s#%u", path, i + 1);

      g_assert_cmpstr (tf_item_get_path (item), ==, expected_path);
      g_assert_cmpuint (tf_item_get_mbox_index (item), ==, i + 1);
      g_assert_cmpstr (tf_item_get_ical_method (item), ==, methods[i]);
      g_assert_false (tf_item_has_finding (item, TF_FINDING_PARSE_ERROR));
      if (tf_item_has_finding (item, TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE))
        g_string_append_printf (flagged, "%s%u", flagged->len > 0 ? " " : "", i + 1);
      /* each item is exactly its object */
      if (i > 0)
        g_assert_cmpuint (tf_item_get_offset (item), >=,
                          tf_item_get_offset (g_ptr_array_index (items, i - 1)) + tf_item_get_size (g_ptr_array_index (items, i - 1)));
    }
  g_assert_cmpstr (flagged->str, ==, unstamped);
}

static void
test_corpus_objects (void)
{
  static const char *const incoming[] = {
    "REQUEST", "REQUEST", "REQUEST", "REQUEST", "REPLY", "REPLY", "REQUEST", "REPLY",
    "REPLY", "REPLY", "CANCEL", "COUNTER", "PUBLISH", "PUBLISH", "PUBLISH"
  };
  static const char *const rfc2446[] = {
    "PUBLISH", "PUBLISH", "CANCEL", "PUBLISH", "PUBLISH", "REQUEST", "REPLY", "REQUEST",
    "REQUEST", "COUNTER", "REQUEST", "DECLINECOUNTER", "REPLY", "REQUEST", "REPLY", "REPLY",
    "REQUEST", "CANCEL", "CANCEL", "REQUEST", "REQUEST", "PUBLISH", "REQUEST", "REPLY",
    "REQUEST", "REQUEST", "REQUEST", "CANCEL", "CANCEL", "REQUEST", "ADD", "REQUEST",
    "ADD", "REQUEST", "REQUEST", "REQUEST", "ADD", "REQUEST", "COUNTER", "REQUEST",
    "REPLY", "REQUEST", "REPLY", "REQUEST", "REPLY", "REPLY", "REQUEST", "REQUEST",
    "REPLY", "PUBLISH", "REFRESH", "REQUEST", "REFRESH"
  };
  g_autofree char *dir = corpus_path ("ics");

  if (dir == NULL)
    {
      g_test_skip ("corpus not available (TRACKFIX_CORPUS_DIR)");
      return;
    }

  G_STATIC_ASSERT (G_N_ELEMENTS (incoming) == 15);
  G_STATIC_ASSERT (G_N_ELEMENTS (rfc2446) == 53);
  check_objects ("ics/libical-incoming.ics", 15, incoming, "5 6 8 9 10 12");
  /* 24 is a VFREEBUSY reply, 43-49 reply without a VEVENT: no meeting
   * response, nothing Outlook records a response time from */
  check_objects ("ics/libical-2446.ics", 53, rfc2446, "7 10 13 15 16 39 41");
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* python3-icalendar's view of each file: for every VCALENDAR object (each
 * is an item of ours) the METHOD and the ATTENDEE / ORGANIZER addresses,
 * objects separated by tabs; "ERROR …" when it cannot parse the file. */
static const char python_icalendar[] = "import sys\n"
                                       "try:\n"
                                       "    import icalendar\n"
                                       "except ImportError:\n"
                                       "    sys.exit(77)\n"
                                       "SCHED = ('VEVENT', 'VTODO', 'VJOURNAL', 'VFREEBUSY')\n"
                                       "for path in sys.argv[1:]:\n"
                                       "    try:\n"
                                       "        with open(path, 'rb') as f:\n"
                                       "            cals = icalendar.Calendar.from_ical(f.read(), multiple=True)\n"
                                       "        out = []\n"
                                       "        for cal in cals:\n"
                                       "            addrs = set()\n"
                                       "            for comp in cal.subcomponents:\n"
                                       "                if comp.name not in SCHED:\n"
                                       "                    continue\n"
                                       "                for key in ('ATTENDEE', 'ORGANIZER'):\n"
                                       "                    v = comp.get(key)\n"
                                       "                    for a in (v if isinstance(v, list) else [v] if v is not None else []):\n"
                                       "                        s = str(a)\n"
                                       "                        while s.lower().startswith('mailto:'):\n"
                                       "                            s = s[7:]\n"
                                       "                        s = s.strip().lower()\n"
                                       "                        if s:\n"
                                       "                            addrs.add(s)\n"
                                       "            out.append(str(cal.get('METHOD', '')).upper() + '|' + ' '.join(sorted(addrs)))\n"
                                       "        print('\\t'.join(out))\n"
                                       "    except Exception as e:\n"
                                       "        print('ERROR ' + type(e).__name__)\n";

static void
test_corpus_python_icalendar (void)
{
  const char *dir_path = g_getenv ("TRACKFIX_CORPUS_DIR");
  g_autofree char *python = NULL;
  g_autofree char *ics_dir = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;
  int status = 0;
  guint n_compared = 0;

  if (dir_path == NULL || !g_file_test (dir_path, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("corpus not available (TRACKFIX_CORPUS_DIR)");
      return;
    }

  /* Debian's python3-icalendar lives with /usr/bin/python3 */
  python = g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE) ? g_strdup ("/usr/bin/python3")
                                                                       : g_find_program_in_path ("python3");
  if (python == NULL)
    {
      g_test_skip ("python3 not installed");
      return;
    }

  g_ptr_array_add (argv, g_strdup (python));
  g_ptr_array_add (argv, g_strdup ("-c"));
  g_ptr_array_add (argv, g_strdup (python_icalendar));
  ics_dir = g_build_filename (dir_path, "ics", NULL);
  dir = g_dir_open (ics_dir, 0, NULL);
  g_assert_nonnull (dir);
  for (const char *name; (name = g_dir_read_name (dir)) != NULL;)
    g_ptr_array_add (argv, g_build_filename (ics_dir, name, NULL));
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  if (g_spawn_check_wait_status (status, NULL) == FALSE)
    {
      g_test_skip ("python3-icalendar not installed");
      return;
    }

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 3; i + 1 < argv->len; i++)
    {
      const char *path = g_ptr_array_index (argv, i);
      const char *expected = lines[i - 3];
      g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr (GString) ours = g_string_new (NULL);

      g_assert_nonnull (expected);
      if (g_str_has_prefix (expected, "ERROR"))
        continue;

      g_assert_true (tf_read_file (path, path, TF_READ_NONE, items, NULL));
      for (guint k = 0; k < items->len; k++)
        {
          TfItem *item = g_ptr_array_index (items, k);
          g_autoptr (GPtrArray) addresses = g_ptr_array_new_with_free_func (g_free);

          for (guint r = 0; r < tf_item_get_n_recipients (item); r++)
            g_ptr_array_add (addresses, g_ascii_strdown (tf_recipient_get_address (tf_item_get_recipient (item, r)), -1));
          g_ptr_array_sort (addresses, compare_strings);
          g_string_append_printf (ours, "%s%s|", k > 0 ? "\t" : "",
                                  tf_item_get_ical_method (item) ? tf_item_get_ical_method (item) : "");
          for (guint r = 0; r < addresses->len; r++)
            g_string_append_printf (ours, "%s%s", r > 0 ? " " : "", (char *) g_ptr_array_index (addresses, r));
        }

      g_test_message ("%s", path);
      g_assert_cmpstr (ours->str, ==, expected);
      n_compared++;
    }

  g_assert_cmpuint (n_compared, >=, 20);
}

int
main (int argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tf_core_init ();

  g_test_add_func ("/ical/generated/reply", test_generated_reply);
  g_test_add_func ("/ical/generated/reply-without-critical-change", test_generated_reply_without_critical_change);
  g_test_add_func ("/ical/generated/reply-1601", test_generated_reply_1601);
  g_test_add_func ("/ical/generated/folding", test_generated_folding);
  g_test_add_func ("/ical/generated/name-case", test_generated_name_case);
  g_test_add_func ("/ical/reply-events", test_reply_events);
  g_test_add_func ("/ical/objects-in-part", test_objects_in_part);
  g_test_add_func ("/ical/value-as-written", test_value_as_written);
  g_test_add_func ("/ical/fields", test_fields);
  g_test_add_func ("/ical/damaged", test_damaged);
  g_test_add_func ("/ical/bad-values", test_bad_values);
  g_test_add_func ("/ical/hostile", test_hostile);
  g_test_add_func ("/ical/length", test_length_respected);
  g_test_add_func ("/ical/stray-end", test_stray_end);
  g_test_add_func ("/ical/threads", test_threads);
  g_test_add_func ("/ical/corpus/all", test_corpus_all);
  g_test_add_func ("/ical/corpus/facts", test_corpus_facts);
  g_test_add_func ("/ical/corpus/objects", test_corpus_objects);
  g_test_add_func ("/ical/corpus/python-icalendar", test_corpus_python_icalendar);

  return g_test_run ();
}
