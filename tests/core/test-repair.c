/* test-repair.c — repair planner, writers, verification, undo, queue actions
 *
 * Copyright 2026 The Trackfix authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libical/ical.h>

#include <gsf/gsf.h>

#include "tf-autocleanups-private.h"
#include "tf-fixturegen.h"
#include "tf-mime-private.h"
#include "tf-repair.h"

/* 2008-08-20 11:34:00 UTC, the reply; the update went out a day later. */
#define REPLY_UNIX G_GINT64_CONSTANT (1219232040)
#define SENT_UNIX G_GINT64_CONSTANT (1219318440)
#define OWNER_UNIX G_GINT64_CONSTANT (1219145640)
#define HEALTHY_UNIX G_GINT64_CONSTANT (1219200000)
#define NOW_UNIX G_GINT64_CONSTANT (1795000000)
#define UID "trackfix-repair-0001@contoso.example"

static const TfGenRecipient base_recipients[] = {
  { "Olga Organizer", "olga@contoso.example", TF_RECIPIENT_TYPE_ORGANIZER, TF_TRACK_STATUS_NONE, FALSE, 0 },
  { "Alice Zero", "alice@fabrikam.example", TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ACCEPTED, TRUE, 0 },
  { "Bob Healthy", "bob@contoso.example", TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ACCEPTED, TRUE, 0 /* set below */ },
  { "Carol Missing", "carol@contoso.example", TF_RECIPIENT_TYPE_CC, TF_TRACK_STATUS_TENTATIVE, FALSE, 0 },
  { "Dan Old", "dan@fabrikam.example", TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_DECLINED, TRUE, 1 },
};

typedef TfGenRepairDir Fixture;

static void
fixture_setup (Fixture *fx,
               gconstpointer data)
{
  tf_gen_repair_dir_init (fx, "repair", "journal/journal.jsonl");
}

static void
fixture_teardown (Fixture *fx,
                  gconstpointer data)
{
  tf_gen_repair_dir_clear (fx);
}

static GBytes *
make_tnef (gboolean has_owner_cc,
           gint64 sent)
{
  TfGenRecipient recipients[G_N_ELEMENTS (base_recipients)];
  TfGenMeeting meeting = { 0 };

  memcpy (recipients, base_recipients, sizeof recipients);
  recipients[2].track_time = tf_filetime_from_unix (HEALTHY_UNIX);
  meeting.message_class = "IPM.Schedule.Meeting.Request";
  meeting.subject = "Budget review";
  meeting.uid = UID;
  meeting.sequence = 2;
  meeting.has_owner_cc = has_owner_cc;
  meeting.owner_cc = tf_filetime_from_unix (OWNER_UNIX);
  meeting.sent = sent;
  meeting.recipients = recipients;
  meeting.n_recipients = G_N_ELEMENTS (recipients);
  return tf_gen_tnef (&meeting);
}

static GBytes *
make_msg (void)
{
  TfGenRecipient recipients[G_N_ELEMENTS (base_recipients)];
  TfGenMeeting meeting = { 0 };

  memcpy (recipients, base_recipients, sizeof recipients);
  recipients[2].track_time = tf_filetime_from_unix (HEALTHY_UNIX);
  meeting.message_class = "IPM.Appointment";
  meeting.subject = "Budget review";
  meeting.uid = UID;
  meeting.sequence = 2;
  meeting.sent = SENT_UNIX;
  meeting.recipients = recipients;
  meeting.n_recipients = G_N_ELEMENTS (recipients);
  return tf_gen_msg (&meeting);
}

static GBytes *
make_reply (const char *address,
            const char *attendee_cc)
{
  TfGenAttendee attendee = { address, "Replier", "ACCEPTED", "REQ-PARTICIPANT" };
  TfGenEvent event = { 0 };

  event.method = "REPLY";
  event.uid = UID;
  event.sequence = 2;
  event.dtstamp = REPLY_UNIX;
  event.organizer = "olga@contoso.example";
  event.attendees = &attendee;
  event.n_attendees = 1;
  event.summary = "Accepted: Budget review";
  event.attendee_cc = attendee_cc;
  return tf_gen_ics (&event);
}

static char *
write_fixture (Fixture *fx,
               const char *name,
               GBytes *bytes)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (fx->dir, name, NULL);

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return path;
}

static GPtrArray *
scan (const char *path)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_true (tf_read_file (path, path, TF_READ_NONE, items, &error));
  g_assert_no_error (error);
  return items;
}

static GBytes *
slurp (const char *path)
{
  g_autoptr (GError) error = NULL;
  GBytes *bytes = tf_safe_read (path, NULL, &error);

  g_assert_no_error (error);
  return bytes;
}

static TfRecipient *
find_row (TfItem *item,
          const char *address,
          TfSource source)
{
  TfRecipient *r = tf_item_find_recipient (item, address, source);

  g_assert_nonnull (r);
  return r;
}

static TfRepairChange *
find_change (TfRepairPlan *plan,
             const char *address,
             TfFindingCode code)
{
  GListModel *changes = tf_repair_plan_get_changes (plan);

  for (guint i = 0; i < g_list_model_get_n_items (changes); i++)
    {
      g_autoptr (TfRepairChange) change = g_list_model_get_item (changes, i);

      if (g_strcmp0 (tf_repair_change_get_address (change), address) == 0 && tf_repair_change_get_code (change) == code)
        return change; /* the plan keeps it alive */
    }
  return NULL;
}

static GPtrArray *
execute (Fixture *fx,
         TfRepairPlan *plan,
         gboolean dry_run)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *results = tf_repair_plan_execute (plan, fx->backups, fx->journal, NULL, dry_run,
                                               NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (results);
  return results;
}

static TfRepairResult *
only_result (GPtrArray *results)
{
  g_assert_cmpuint (results->len, ==, 1);
  return g_ptr_array_index (results, 0);
}

static void
assert_done (TfRepairResult *result)
{
  if (tf_repair_result_get_status (result) != TF_REPAIR_STATUS_DONE)
    g_error ("%s: %s: %s", tf_repair_result_get_file_path (result),
             tf_repair_status_to_string (tf_repair_result_get_status (result)),
             tf_repair_result_get_message (result));
}

/* Positions where @a and @b (same length) differ */
static GArray *
diff_positions (GBytes *a,
                GBytes *b)
{
  gsize la;
  gsize lb;
  const guint8 *pa = g_bytes_get_data (a, &la);
  const guint8 *pb = g_bytes_get_data (b, &lb);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (gsize));

  g_assert_cmpuint (la, ==, lb);
  for (gsize i = 0; i < la; i++)
    if (pa[i] != pb[i])
      g_array_append_val (out, i);
  return out;
}

/* ---------------------------------------------------------------- */

static void
test_plan_sources (Fixture *fx,
                   gconstpointer data)
{
  g_autoptr (GBytes) tnef = make_tnef (TRUE, SENT_UNIX);
  g_autoptr (GBytes) reply = make_reply ("ALICE@fabrikam.example", "20080820T113400Z");
  g_autofree char *tnef_path = write_fixture (fx, "winmail.dat", tnef);
  g_autofree char *reply_path = write_fixture (fx, "reply.ics", reply);
  g_autoptr (GPtrArray) items = scan (tnef_path);
  g_autoptr (GPtrArray) sources = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) reply_items = scan (reply_path);
  g_autoptr (TfRepairPlan) plan = NULL;
  g_autofree char *desc = NULL;
  TfRepairChange *change;

  g_ptr_array_add (sources, g_object_ref (g_ptr_array_index (items, 0)));
  g_ptr_array_add (sources, g_object_ref (g_ptr_array_index (reply_items, 0)));

  plan = tf_repair_plan_new_at (items, sources, NOW_UNIX);
  /* alice 1601 + dan pre-1900 repairable; carol missing not repairable */
  g_assert_cmpuint (tf_repair_plan_get_n_repairable (plan), ==, 2);
  g_assert_cmpuint (tf_repair_plan_get_n_unrepairable (plan), ==, 1);
  g_assert_cmpuint (tf_repair_plan_get_n_files (plan), ==, 1);
  g_assert_cmpuint (tf_repair_plan_get_n_items (plan), ==, 1);

  /* Alice replied: her reply's critical-change stamp, matched through the
   * vCal-Uid inside the GlobalObjectId and a case-insensitive address. */
  change = find_change (plan, "alice@fabrikam.example", TF_FINDING_TRACK_TIME_1601);
  g_assert_nonnull (change);
  g_assert_true (tf_repair_change_get_repairable (change));
  g_assert_true (tf_repair_change_get_has_old_value (change));
  g_assert_cmpuint (tf_repair_change_get_old_value (change), ==, 0);
  g_assert_cmpuint (tf_repair_change_get_new_value (change), ==, tf_filetime_from_unix (REPLY_UNIX));
  g_assert_cmpint (tf_repair_change_get_value_source (change), ==, TF_REPAIR_VALUE_REPLY);
  g_assert_true (tf_repair_change_get_value_item (change) == g_ptr_array_index (reply_items, 0));
  g_assert_cmpstr (tf_repair_change_get_explanation (change), ==, "from reply of 2008-08-20 11:34:00 UTC");
  g_assert_cmpstr (tf_repair_value_source_to_string (TF_REPAIR_VALUE_REPLY), ==, "reply");
  desc = tf_repair_change_dup_description (change);
  g_assert_nonnull (strstr (desc, "1601-01-01 00:00:00 → 2008-08-20 11:34:00 UTC"));

  /* Dan did not reply: the owner critical change. */
  change = find_change (plan, "dan@fabrikam.example", TF_FINDING_TRACK_TIME_PRE_1900);
  g_assert_nonnull (change);
  g_assert_cmpint (tf_repair_change_get_value_source (change), ==, TF_REPAIR_VALUE_OWNER_CRITICAL_CHANGE);
  g_assert_cmpuint (tf_repair_change_get_new_value (change), ==, tf_filetime_from_unix (OWNER_UNIX));

  change = find_change (plan, "carol@contoso.example", TF_FINDING_TRACK_TIME_MISSING);
  g_assert_nonnull (change);
  g_assert_false (tf_repair_change_get_repairable (change));
  g_assert_nonnull (strstr (tf_repair_change_get_reason (change), "absent"));
  g_assert_false (tf_repair_change_get_has_old_value (change));
}

static void
test_plan_fallbacks (Fixture *fx,
                     gconstpointer data)
{
  g_autoptr (GBytes) with_sent = make_tnef (FALSE, SENT_UNIX);
  g_autoptr (GBytes) reply_no_cc = make_reply ("alice@fabrikam.example", NULL);
  g_autofree char *p1 = write_fixture (fx, "sent.dat", with_sent);
  g_autofree char *p2 = write_fixture (fx, "reply.ics", reply_no_cc);
  g_autoptr (GPtrArray) items = scan (p1);
  g_autoptr (GPtrArray) reply_items = scan (p2);
  g_autoptr (GPtrArray) sources = g_ptr_array_new ();
  g_autoptr (TfRepairPlan) plan = NULL;
  TfRepairChange *change;

  /* A reply without the stamp: its DTSTAMP. */
  g_ptr_array_add (sources, g_ptr_array_index (items, 0));
  g_ptr_array_add (sources, g_ptr_array_index (reply_items, 0));
  plan = tf_repair_plan_new_at (items, sources, NOW_UNIX);
  change = find_change (plan, "alice@fabrikam.example", TF_FINDING_TRACK_TIME_1601);
  g_assert_cmpint (tf_repair_change_get_value_source (change), ==, TF_REPAIR_VALUE_REPLY);
  g_assert_cmpuint (tf_repair_change_get_new_value (change), ==, tf_filetime_from_unix (REPLY_UNIX));

  /* No owner critical change: the sent time. */
  change = find_change (plan, "dan@fabrikam.example", TF_FINDING_TRACK_TIME_PRE_1900);
  g_assert_cmpint (tf_repair_change_get_value_source (change), ==, TF_REPAIR_VALUE_SENT);
  g_assert_cmpuint (tf_repair_change_get_new_value (change), ==, tf_filetime_from_unix (SENT_UNIX));
  g_clear_object (&plan);

  /* A reply from someone else for another meeting does not count. */
  {
    g_autoptr (GPtrArray) alone = g_ptr_array_new ();
    g_autoptr (GBytes) bare = make_tnef (FALSE, SENT_UNIX);
    g_autofree char *p3 = write_fixture (fx, "bare.dat", bare);
    g_autoptr (GPtrArray) bare_items = scan (p3);

    tf_item_set_sent (g_ptr_array_index (bare_items, 0), G_MININT64);
    g_ptr_array_add (alone, g_ptr_array_index (bare_items, 0));
    plan = tf_repair_plan_new_at (bare_items, alone, NOW_UNIX);
    change = find_change (plan, "alice@fabrikam.example", TF_FINDING_TRACK_TIME_1601);
    g_assert_cmpint (tf_repair_change_get_value_source (change), ==, TF_REPAIR_VALUE_NOW);
    g_assert_cmpuint (tf_repair_change_get_new_value (change), ==, tf_filetime_from_unix (NOW_UNIX));
  }
}

static void
test_tnef_file (Fixture *fx,
                gconstpointer data)
{
  g_autoptr (GBytes) tnef = make_tnef (TRUE, SENT_UNIX);
  g_autofree char *path = write_fixture (fx, "winmail.dat", tnef);
  g_autoptr (GPtrArray) items = scan (path);
  g_autoptr (TfRepairPlan) plan = tf_repair_plan_new_at (items, NULL, NOW_UNIX);
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (GBytes) repaired = NULL;
  g_autoptr (GBytes) backup = NULL;
  g_autoptr (GArray) diffs = NULL;
  g_autoptr (GPtrArray) journal = NULL;
  g_autoptr (GError) error = NULL;
  TfRepairResult *result;
  TfItem *item;
  const TfPatchSite *alice_site;
  const TfPatchSite *dan_site;
  g_autofree char *sha = NULL;

  item = g_ptr_array_index (items, 0);
  alice_site = tf_recipient_get_patch_site (find_row (item, "alice@fabrikam.example", TF_SOURCE_TNEF));
  dan_site = tf_recipient_get_patch_site (find_row (item, "dan@fabrikam.example", TF_SOURCE_TNEF));
  g_assert_nonnull (alice_site);
  g_assert_cmpint (alice_site->offset, >=, 0);

  results = execute (fx, plan, FALSE);
  result = only_result (results);
  assert_done (result);

  /* The scanned item is refreshed in place. */
  g_assert_false (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601));
  g_assert_false (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_PRE_1900));
  g_assert_true (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_MISSING));

  after = scan (path);
  item = g_ptr_array_index (after, 0);
  g_assert_cmpuint (tf_recipient_get_track_time (find_row (item, "alice@fabrikam.example", TF_SOURCE_TNEF)), ==, tf_filetime_from_unix (OWNER_UNIX));
  g_assert_cmpuint (tf_recipient_get_track_time (find_row (item, "dan@fabrikam.example", TF_SOURCE_TNEF)), ==, tf_filetime_from_unix (OWNER_UNIX));
  g_assert_cmpuint (tf_recipient_get_track_time (find_row (item, "bob@contoso.example", TF_SOURCE_TNEF)), ==, tf_filetime_from_unix (HEALTHY_UNIX));
  g_assert_false (tf_item_has_finding (item, TF_FINDING_TNEF_CHECKSUM));

  /* Only the two values and the recipient table's checksum changed. */
  repaired = slurp (path);
  diffs = diff_positions (tnef, repaired);
  g_assert_cmpuint (diffs->len, >, 0);
  for (guint i = 0; i < diffs->len; i++)
    {
      gsize p = g_array_index (diffs, gsize, i);
      gsize cks = alice_site->spans[0].data_offset + alice_site->spans[0].data_length;
      gboolean in_value = (p >= (gsize) alice_site->offset && p < (gsize) alice_site->offset + 8) || (p >= (gsize) dan_site->offset && p < (gsize) dan_site->offset + 8);
      gboolean in_checksum = p >= cks && p < cks + 2;

      g_assert_true (in_value || in_checksum);
    }

  /* Backup and journal */
  backup = slurp (tf_repair_result_get_backup (result));
  g_assert_true (g_bytes_equal (backup, tnef));
  sha = tf_sha256_bytes (repaired);
  g_assert_cmpstr (tf_repair_result_get_sha256_after (result), ==, sha);
  journal = tf_journal_read (fx->journal, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (journal->len, ==, 1);
  {
    TfJournalEntry *e = g_ptr_array_index (journal, 0);
    g_autofree char *abs = g_canonicalize_filename (path, NULL);

    g_assert_cmpstr (e->action, ==, "repair");
    g_assert_cmpstr (e->file, ==, abs);
    g_assert_cmpstr (e->sha256_after, ==, sha);
    g_assert_cmpstr (e->run_id, ==, tf_repair_result_get_run_id (result));
    g_assert_cmpuint (g_strv_length (e->changes), ==, 2);
  }

  /* Nothing left to do. */
  {
    g_autoptr (GPtrArray) again = scan (path);
    g_autoptr (TfRepairPlan) plan2 = tf_repair_plan_new_at (again, NULL, NOW_UNIX);
    g_assert_cmpuint (tf_repair_plan_get_n_repairable (plan2), ==, 0);
  }
}

static void
test_dry_run (Fixture *fx,
              gconstpointer data)
{
  g_autoptr (GBytes) tnef = make_tnef (TRUE, SENT_UNIX);
  g_autofree char *path = write_fixture (fx, "winmail.dat", tnef);
  g_autoptr (GPtrArray) items = scan (path);
  g_autoptr (TfRepairPlan) plan = tf_repair_plan_new_at (items, NULL, NOW_UNIX);
  g_autoptr (GPtrArray) results = execute (fx, plan, TRUE);
  g_autoptr (GBytes) now = slurp (path);

  assert_done (only_result (results));
  g_assert_nonnull (tf_repair_result_get_sha256_after (only_result (results)));
  g_assert_true (g_bytes_equal (now, tnef));
  g_assert_false (g_file_test (fx->backups, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (fx->journal, G_FILE_TEST_EXISTS));
  g_assert_true (tf_item_has_finding (g_ptr_array_index (items, 0), TF_FINDING_TRACK_TIME_1601));
}

/* The encoded body range of MIME part @index in @data */
static void
part_range (GBytes *data,
            gint index,
            gsize *start,
            gsize *end)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GMimeMessage) message = tf_mime_parse_bytes (data, &error);
  GMimeObject *part;
  GMimeStream *stream;

  g_assert_no_error (error);
  part = tf_mime_find_part (message, index);
  g_assert_true (GMIME_IS_PART (part));
  stream = g_mime_data_wrapper_get_stream (g_mime_part_get_content (GMIME_PART (part)));
  *start = stream->bound_start;
  *end = stream->bound_end;
}

static void
test_tnef_in_mime (Fixture *fx,
                   gconstpointer data)
{
  g_autoptr (GBytes) tnef = make_tnef (TRUE, SENT_UNIX);
  g_autoptr (GBytes) eml = tf_gen_eml ("olga@contoso.example", "alice@fabrikam.example, dan@fabrikam.example",
                                       "Updated: Budget review", SENT_UNIX, tnef, NULL, NULL, TRUE);
  g_autofree char *path = write_fixture (fx, "NTFS_0001.EML", eml);
  g_autoptr (GPtrArray) items = scan (path);
  g_autoptr (TfRepairPlan) plan = tf_repair_plan_new_at (items, NULL, NOW_UNIX);
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (GBytes) repaired = NULL;
  g_autoptr (GArray) diffs = NULL;
  const TfPatchSite *site;
  gsize start;
  gsize end;
  gsize rs;
  gsize re;

  site = tf_recipient_get_patch_site (find_row (g_ptr_array_index (items, 0), "alice@fabrikam.example", TF_SOURCE_TNEF));
  g_assert_cmpint (site->part_index, >=, 0);
  part_range (eml, site->part_index, &start, &end);

  g_assert_cmpuint (tf_repair_plan_get_n_repairable (plan), ==, 2);
  results = execute (fx, plan, FALSE);
  assert_done (only_result (results));

  repaired = slurp (path);
  /* Same length, differences only inside the base64 body, and no line
   * structure change (CR / LF never differ). */
  diffs = diff_positions (eml, repaired);
  g_assert_cmpuint (diffs->len, >, 0);
  g_assert_cmpuint (diffs->len, <=, 3 * 8);
  for (guint i = 0; i < diffs->len; i++)
    {
      gsize p = g_array_index (diffs, gsize, i);
      const guint8 *b = g_bytes_get_data (repaired, NULL);

      g_assert_cmpuint (p, >=, start);
      g_assert_cmpuint (p, <, end);
      g_assert_true (b[p] != '\r' && b[p] != '\n');
    }
  part_range (repaired, site->part_index, &rs, &re);
  g_assert_cmpuint (rs, ==, start);
  g_assert_cmpuint (re, ==, end);

  after = scan (path);
  g_assert_cmpuint (tf_recipient_get_track_time (find_row (g_ptr_array_index (after, 0), "alice@fabrikam.example", TF_SOURCE_TNEF)), ==,
                    tf_filetime_from_unix (OWNER_UNIX));
  g_assert_false (tf_item_has_finding (g_ptr_array_index (after, 0), TF_FINDING_TNEF_CHECKSUM));
}

static void
test_msg (Fixture *fx,
          gconstpointer data)
{
  g_autoptr (GBytes) msg = make_msg ();
  g_autofree char *path = write_fixture (fx, "organizer.msg", msg);
  g_autoptr (GPtrArray) items = scan (path);
  g_autoptr (TfRepairPlan) plan = tf_repair_plan_new_at (items, NULL, NOW_UNIX);
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (GBytes) repaired = NULL;
  g_autoptr (GArray) diffs = NULL;
  const TfPatchSite *alice;
  const TfPatchSite *dan;

  alice = tf_recipient_get_patch_site (find_row (g_ptr_array_index (items, 0), "alice@fabrikam.example", TF_SOURCE_MSG));
  dan = tf_recipient_get_patch_site (find_row (g_ptr_array_index (items, 0), "dan@fabrikam.example", TF_SOURCE_MSG));
  g_assert_cmpint (alice->offset, >, 0);

  g_assert_cmpuint (tf_repair_plan_get_n_repairable (plan), ==, 2);
  results = execute (fx, plan, FALSE);
  assert_done (only_result (results));

  repaired = slurp (path);
  diffs = diff_positions (msg, repaired);
  g_assert_cmpuint (diffs->len, >, 0);
  for (guint i = 0; i < diffs->len; i++)
    {
      gsize p = g_array_index (diffs, gsize, i);
      g_assert_true ((p >= (gsize) alice->offset && p < (gsize) alice->offset + 8) || (p >= (gsize) dan->offset && p < (gsize) dan->offset + 8));
    }

  after = scan (path);
  g_assert_cmpuint (tf_recipient_get_track_time (find_row (g_ptr_array_index (after, 0), "alice@fabrikam.example", TF_SOURCE_MSG)), ==,
                    tf_filetime_from_unix (SENT_UNIX));

  /* libgsf still opens it and finds the recipient storages. */
  {
    g_autoptr (GError) error = NULL;
    GsfInput *input = gsf_input_stdio_new (path, &error);
    GsfInfile *infile;
    GsfInput *child;

    g_assert_no_error (error);
    infile = gsf_infile_msole_new (input, &error);
    g_assert_no_error (error);
    child = gsf_infile_child_by_name (infile, "__recip_version1.0_#00000001");
    g_assert_nonnull (child);
    g_object_unref (child);
    g_object_unref (infile);
    g_object_unref (input);
  }
}

static char *
ical_text_of (GBytes *bytes)
{
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static void
assert_libical_has_cc (const char *text,
                       const char *value)
{
  g_autoptr (icalcomponent) root = icalparser_parse_string (text);
  icalcomponent *event;
  gboolean found = FALSE;

  g_assert_nonnull (root);
  event = icalcomponent_get_first_component (root, ICAL_VEVENT_COMPONENT);
  g_assert_nonnull (event);
  for (icalproperty *p = icalcomponent_get_first_property (event, ICAL_X_PROPERTY); p != NULL;
       p = icalcomponent_get_next_property (event, ICAL_X_PROPERTY))
    if (g_strcmp0 (icalproperty_get_x_name (p), "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE") == 0)
      {
        g_assert_cmpstr (icalproperty_get_value_as_string (p), ==, value);
        found = TRUE;
      }
  g_assert_true (found);
}

static void
test_ics_reply (Fixture *fx,
                gconstpointer data)
{
  g_autoptr (GBytes) ics = make_reply ("alice@fabrikam.example", NULL);
  g_autofree char *path = write_fixture (fx, "reply.ics", ics);
  g_autoptr (GPtrArray) items = scan (path);
  g_autoptr (TfRepairPlan) plan = tf_repair_plan_new_at (items, NULL, NOW_UNIX);
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GBytes) repaired = NULL;
  g_autofree char *before = ical_text_of (ics);
  g_autofree char *after = NULL;
  const char *line = "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:20080820T113400Z\r\n";
  const char *end_event;
  gsize cut;
  TfRepairChange *change;

  g_assert_true (tf_item_has_finding (g_ptr_array_index (items, 0), TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE));
  change = find_change (plan, "alice@fabrikam.example", TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE);
  g_assert_nonnull (change);
  g_assert_true (tf_repair_change_get_repairable (change));
  g_assert_cmpint (tf_repair_change_get_value_source (change), ==, TF_REPAIR_VALUE_DTSTAMP);

  results = execute (fx, plan, FALSE);
  assert_done (only_result (results));

  repaired = slurp (path);
  after = ical_text_of (repaired);
  /* Exactly one line inserted before END:VEVENT; the rest byte-identical. */
  end_event = strstr (before, "END:VEVENT");
  g_assert_nonnull (end_event);
  cut = end_event - before;
  g_assert_cmpuint (strlen (after), ==, strlen (before) + strlen (line));
  g_assert_cmpmem (after, cut, before, cut);
  g_assert_cmpmem (after + cut, strlen (line), line, strlen (line));
  g_assert_cmpstr (after + cut + strlen (line), ==, before + cut);

  assert_libical_has_cc (after, "20080820T113400Z");
  g_assert_false (tf_item_has_finding (g_ptr_array_index (items, 0), TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE));
}

/* A REPLY inside a message, with the calendar part in @encoding */
static GBytes *
make_reply_eml (const char *encoding)
{
  g_autoptr (GBytes) ics = make_reply ("alice@fabrikam.example", NULL);
  g_autofree char *text = ical_text_of (ics);
  g_autofree char *body = NULL;
  GString *out = g_string_new (NULL);

  if (g_strcmp0 (encoding, "base64") == 0)
    {
      g_autofree char *flat = g_base64_encode ((const guchar *) text, strlen (text));
      GString *b = g_string_new (NULL);

      for (gsize i = 0; i < strlen (flat); i += 72)
        {
          g_string_append_len (b, flat + i, MIN (72, strlen (flat) - i));
          g_string_append (b, "\r\n");
        }
      body = g_string_free (b, FALSE);
    }
  else if (g_strcmp0 (encoding, "quoted-printable") == 0)
    {
      /* Soft-break the long ORGANIZER line and escape one character. */
      GString *b = g_string_new (text);
      const char *org;

      g_string_replace (b, "=", "=3D", 0);
      org = strstr (b->str, "ORGANIZER");
      g_assert_nonnull (org);
      g_string_insert (b, org - b->str + 5, "=\r\n");
      {
        const char *colon = strstr (b->str, "mailto:");
        if (colon != NULL)
          {
            gsize at = colon - b->str + 6;
            g_string_erase (b, at, 1);
            g_string_insert (b, at, "=3A");
          }
      }
      body = g_string_free (b, FALSE);
    }
  else
    body = g_strdup (text);

  g_string_append (out, "From: Alice <alice@fabrikam.example>\r\n"
                        "To: olga@contoso.example\r\n"
                        "Subject: Accepted: Budget review\r\n"
                        "Date: Wed, 20 Aug 2008 11:34:00 +0000\r\n"
                        "Message-ID: <reply-1@fabrikam.example>\r\n"
                        "MIME-Version: 1.0\r\n"
                        "Content-Type: multipart/alternative; boundary=\"b1\"\r\n"
                        "\r\n"
                        "--b1\r\n"
                        "Content-Type: text/plain; charset=utf-8\r\n"
                        "\r\n"
                        "Accepted.\r\n"
                        "--b1\r\n"
                        "Content-Type: text/calendar; method=REPLY; charset=utf-8\r\n");
  g_string_append_printf (out, "Content-Transfer-Encoding: %s\r\n\r\n", encoding);
  g_string_append (out, body);
  g_string_append (out, "\r\n--b1--\r\n");
  return g_string_free_to_bytes (out);
}

static void
test_ical_part (Fixture *fx,
                gconstpointer data)
{
  const char *encoding = data;
  g_autoptr (GBytes) eml = make_reply_eml (encoding);
  g_autofree char *path = write_fixture (fx, "reply.eml", eml);
  g_autoptr (GPtrArray) items = scan (path);
  g_autoptr (TfRepairPlan) plan = tf_repair_plan_new_at (items, NULL, NOW_UNIX);
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GBytes) repaired = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (GMimeMessage) message = NULL;
  g_autoptr (GError) error = NULL;
  GMimeObject *part;
  g_autoptr (GBytes) content = NULL;
  g_autofree char *text = NULL;
  gsize start;
  gsize end;
  gsize rs;
  gsize re;
  gsize len;
  gsize rlen;
  const guint8 *a;
  const guint8 *b;

  g_assert_true (tf_item_has_finding (g_ptr_array_index (items, 0), TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE));
  g_assert_cmpuint (tf_repair_plan_get_n_repairable (plan), ==, 1);
  part_range (eml, 2, &start, &end);

  results = execute (fx, plan, FALSE);
  assert_done (only_result (results));

  /* Headers and the other parts are byte-identical: everything before the
   * calendar body and everything after it. */
  repaired = slurp (path);
  part_range (repaired, 2, &rs, &re);
  a = g_bytes_get_data (eml, &len);
  b = g_bytes_get_data (repaired, &rlen);
  g_assert_cmpuint (rs, ==, start);
  g_assert_cmpmem (a, start, b, start);
  g_assert_cmpmem (a + end, len - end, b + re, rlen - re);
  g_assert_cmpuint (re - rs, >, end - start);

  message = tf_mime_parse_bytes (repaired, &error);
  g_assert_no_error (error);
  part = tf_mime_find_part (message, 2);
  g_assert_cmpstr (g_mime_content_encoding_to_string (g_mime_part_get_content_encoding (GMIME_PART (part))), ==, encoding);
  content = tf_mime_dup_part_content (GMIME_PART (part));
  text = g_strndup (g_bytes_get_data (content, NULL), g_bytes_get_size (content));
  assert_libical_has_cc (text, "20080820T113400Z");

  after = scan (path);
  g_assert_false (tf_item_has_finding (g_ptr_array_index (after, 0), TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE));

  if (g_strcmp0 (encoding, "base64") == 0)
    {
      /* Same line length and line ends as the original part */
      g_autofree char *orig_body = g_strndup ((const char *) a + start, end - start);
      g_autofree char *new_body = g_strndup ((const char *) b + rs, re - rs);
      g_auto (GStrv) ol = g_strsplit (orig_body, "\r\n", -1);
      g_auto (GStrv) nl = g_strsplit (new_body, "\r\n", -1);

      g_assert_cmpuint (strlen (nl[0]), ==, strlen (ol[0]));
      for (guint i = 0; nl[i + 1] != NULL && nl[i + 2] != NULL; i++)
        g_assert_cmpuint (strlen (nl[i]), ==, 72);
    }
}

static void
test_mbox (Fixture *fx,
           gconstpointer data)
{
  g_autoptr (GBytes) tnef = make_tnef (TRUE, SENT_UNIX);
  g_autoptr (GBytes) eml = tf_gen_eml ("olga@contoso.example", "alice@fabrikam.example", "Updated: Budget review",
                                       SENT_UNIX, tnef, NULL, NULL, FALSE);
  g_autoptr (GBytes) reply = make_reply_eml ("8bit");
  GString *mbox = g_string_new (NULL);
  g_autoptr (GBytes) mbox_bytes = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (TfRepairPlan) plan = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (GBytes) repaired = NULL;
  gsize first_end;

  g_string_append (mbox, "From olga@contoso.example Thu Aug 21 11:34:00 2008\r\n");
  g_string_append_len (mbox, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  g_string_append (mbox, "\r\n");
  first_end = mbox->len;
  g_string_append (mbox, "From olga@contoso.example Thu Aug 21 11:35:00 2008\r\n");
  g_string_append_len (mbox, g_bytes_get_data (eml, NULL), g_bytes_get_size (eml));
  mbox_bytes = g_string_free_to_bytes (mbox);
  path = write_fixture (fx, "Sent.mbox", mbox_bytes);

  items = scan (path);
  g_assert_cmpuint (items->len, ==, 2);
  plan = tf_repair_plan_new_at (items, NULL, NOW_UNIX);
  /* the reply stamp + alice + dan */
  g_assert_cmpuint (tf_repair_plan_get_n_repairable (plan), ==, 3);
  g_assert_cmpuint (tf_repair_plan_get_n_files (plan), ==, 1);
  results = execute (fx, plan, FALSE);
  assert_done (only_result (results));

  repaired = slurp (path);
  after = scan (path);
  g_assert_cmpuint (after->len, ==, 2);
  g_assert_false (tf_item_has_finding (g_ptr_array_index (after, 0), TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE));
  g_assert_false (tf_item_has_finding (g_ptr_array_index (after, 1), TF_FINDING_TRACK_TIME_1601));
  g_assert_cmpuint (g_bytes_get_size (repaired), >, g_bytes_get_size (mbox_bytes));
  /* The second message's bytes after the inserted line: same length */
  g_assert_cmpuint (g_bytes_get_size (repaired) - g_bytes_get_size (mbox_bytes), ==,
                    strlen ("X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:20080820T113400Z\r\n"));
  (void) first_end;
}

/* An .ics file of three objects, two of them replies without the stamp:
 * repairing object 3 inserts the line into object 3 only */
static void
test_ics_objects (Fixture *fx,
                  gconstpointer data)
{
  g_autoptr (GBytes) reply1 = make_reply ("alice@fabrikam.example", NULL);
  g_autoptr (GBytes) healthy = make_reply ("bob@fabrikam.example", "20080820T113400Z");
  g_autoptr (GBytes) reply3 = make_reply ("carol@fabrikam.example", NULL);
  GString *text = g_string_new (NULL);
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after_text = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) third = g_ptr_array_new ();
  g_autoptr (TfRepairPlan) plan = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (GBytes) repaired = NULL;
  const char *line = "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:20080820T113400Z\r\n";
  const char *end_event;
  gsize cut;

  g_string_append_len (text, g_bytes_get_data (reply1, NULL), g_bytes_get_size (reply1));
  g_string_append_len (text, g_bytes_get_data (healthy, NULL), g_bytes_get_size (healthy));
  g_string_append_len (text, g_bytes_get_data (reply3, NULL), g_bytes_get_size (reply3));
  before = g_strdup (text->str);
  bytes = g_string_free_to_bytes (text);
  path = write_fixture (fx, "replies.ics", bytes);

  items = scan (path);
  g_assert_cmpuint (items->len, ==, 3);
  g_assert_true (tf_item_has_finding (g_ptr_array_index (items, 0), TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE));
  g_assert_false (tf_item_has_finding (g_ptr_array_index (items, 1), TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE));
  g_assert_true (tf_item_has_finding (g_ptr_array_index (items, 2), TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE));
  g_assert_true (g_str_has_suffix (tf_item_get_path (g_ptr_array_index (items, 2)), "replies.ics#3"));

  g_ptr_array_add (third, g_ptr_array_index (items, 2));
  plan = tf_repair_plan_new_at (third, items, NOW_UNIX);
  g_assert_cmpuint (tf_repair_plan_get_n_repairable (plan), ==, 1);
  results = execute (fx, plan, FALSE);
  assert_done (only_result (results));

  repaired = slurp (path);
  after_text = g_strndup (g_bytes_get_data (repaired, NULL), g_bytes_get_size (repaired));
  /* one line, before the last END:VEVENT; everything else identical */
  end_event = g_strrstr (before, "END:VEVENT");
  cut = end_event - before;
  g_assert_cmpuint (strlen (after_text), ==, strlen (before) + strlen (line));
  g_assert_cmpmem (after_text, cut, before, cut);
  g_assert_cmpmem (after_text + cut, strlen (line), line, strlen (line));
  g_assert_cmpstr (after_text + cut + strlen (line), ==, before + cut);

  after = scan (path);
  g_assert_cmpuint (after->len, ==, 3);
  g_assert_true (tf_item_has_finding (g_ptr_array_index (after, 0), TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE));
  g_assert_false (tf_item_has_finding (g_ptr_array_index (after, 2), TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE));

  /* Then the whole file: object 1 gets its line, 3 stays as it is */
  {
    g_autoptr (TfRepairPlan) all = tf_repair_plan_new_at (after, NULL, NOW_UNIX);
    g_autoptr (GPtrArray) all_results = NULL;
    g_autoptr (GPtrArray) final = NULL;
    g_autoptr (GBytes) twice = NULL;

    g_assert_cmpuint (tf_repair_plan_get_n_repairable (all), ==, 1);
    all_results = execute (fx, all, FALSE);
    assert_done (only_result (all_results));
    twice = slurp (path);
    g_assert_cmpuint (g_bytes_get_size (twice), ==, g_bytes_get_size (repaired) + strlen (line));
    final = scan (path);
    g_assert_cmpuint (final->len, ==, 3);
    for (guint i = 0; i < final->len; i++)
      g_assert_cmpuint (tf_item_get_n_problems (g_ptr_array_index (final, i)), ==, 0);
  }
}

static void
test_refuses_changed (Fixture *fx,
                      gconstpointer data)
{
  g_autoptr (GBytes) tnef = make_tnef (TRUE, SENT_UNIX);
  g_autofree char *path = write_fixture (fx, "winmail.dat", tnef);
  g_autoptr (GPtrArray) items = scan (path);
  g_autoptr (TfRepairPlan) plan = tf_repair_plan_new_at (items, NULL, NOW_UNIX);
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GBytes) now = NULL;
  g_autoptr (GByteArray) changed = g_byte_array_new ();
  g_autoptr (GError) error = NULL;

  /* Someone touched the file after the scan (one byte appended). */
  g_byte_array_append (changed, g_bytes_get_data (tnef, NULL), g_bytes_get_size (tnef));
  g_byte_array_append (changed, (const guint8 *) "\0", 1);
  g_file_set_contents (path, (const char *) changed->data, changed->len, &error);
  g_assert_no_error (error);

  results = execute (fx, plan, FALSE);
  g_assert_cmpint (tf_repair_result_get_status (only_result (results)), ==, TF_REPAIR_STATUS_REFUSED);
  now = slurp (path);
  g_assert_cmpuint (g_bytes_get_size (now), ==, changed->len);
  g_assert_false (g_file_test (fx->journal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (fx->backups, G_FILE_TEST_EXISTS));
}

static void
test_refuses_changed_same_size (Fixture *fx,
                                gconstpointer data)
{
  g_autoptr (GBytes) tnef = make_tnef (TRUE, SENT_UNIX);
  g_autofree char *path = write_fixture (fx, "winmail.dat", tnef);
  g_autoptr (GPtrArray) items = scan (path);
  g_autoptr (TfRepairPlan) plan = tf_repair_plan_new_at (items, NULL, NOW_UNIX);
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GByteArray) changed = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  const TfPatchSite *site;
  struct stat st;
  struct timespec times[2];

  /* Same size and time, but alice's value was fixed by someone else. */
  site = tf_recipient_get_patch_site (find_row (g_ptr_array_index (items, 0), "alice@fabrikam.example", TF_SOURCE_TNEF));
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_byte_array_append (changed, g_bytes_get_data (tnef, NULL), g_bytes_get_size (tnef));
  changed->data[site->offset + 6] = 0x01;
  g_file_set_contents (path, (const char *) changed->data, changed->len, &error);
  g_assert_no_error (error);
  times[0] = st.st_atim;
  times[1] = st.st_mtim;
  g_assert_cmpint (utimensat (AT_FDCWD, path, times, 0), ==, 0);

  results = execute (fx, plan, FALSE);
  g_assert_cmpint (tf_repair_result_get_status (only_result (results)), ==, TF_REPAIR_STATUS_REFUSED);
  g_assert_false (g_file_test (fx->journal, G_FILE_TEST_EXISTS));
}

static void
test_refuses_symlink (Fixture *fx,
                      gconstpointer data)
{
  g_autoptr (GBytes) tnef = make_tnef (TRUE, SENT_UNIX);
  g_autofree char *real = write_fixture (fx, "real.dat", tnef);
  g_autofree char *link = g_build_filename (fx->dir, "link.dat", NULL);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (TfRepairPlan) plan = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GBytes) now = NULL;

  g_assert_cmpint (symlink (real, link), ==, 0);
  items = scan (link);
  plan = tf_repair_plan_new_at (items, NULL, NOW_UNIX);
  g_assert_cmpuint (tf_repair_plan_get_n_repairable (plan), ==, 2);
  results = execute (fx, plan, FALSE);
  g_assert_cmpint (tf_repair_result_get_status (only_result (results)), ==, TF_REPAIR_STATUS_REFUSED);
  now = slurp (real);
  g_assert_true (g_bytes_equal (now, tnef));
}

static void
test_damaged_not_repaired (Fixture *fx,
                           gconstpointer data)
{
  g_autoptr (GBytes) tnef = make_tnef (TRUE, SENT_UNIX);
  g_autoptr (GByteArray) bad = g_byte_array_new ();
  g_autoptr (GBytes) bad_bytes = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (TfRepairPlan) plan = NULL;
  GListModel *changes;
  const TfPatchSite *site;

  /* Break the recipient table's checksum. */
  {
    g_autofree char *tmp = write_fixture (fx, "ok.dat", tnef);
    g_autoptr (GPtrArray) ok_items = scan (tmp);
    site = tf_recipient_get_patch_site (find_row (g_ptr_array_index (ok_items, 0), "alice@fabrikam.example", TF_SOURCE_TNEF));
    g_byte_array_append (bad, g_bytes_get_data (tnef, NULL), g_bytes_get_size (tnef));
    bad->data[site->spans[0].data_offset + site->spans[0].data_length] ^= 0x55;
  }
  bad_bytes = g_bytes_new (bad->data, bad->len);
  path = write_fixture (fx, "bad.dat", bad_bytes);
  items = scan (path);
  g_assert_true (tf_item_has_finding (g_ptr_array_index (items, 0), TF_FINDING_TNEF_CHECKSUM));

  plan = tf_repair_plan_new_at (items, NULL, NOW_UNIX);
  g_assert_cmpuint (tf_repair_plan_get_n_repairable (plan), ==, 0);
  g_assert_cmpuint (tf_repair_plan_get_n_files (plan), ==, 0);
  changes = tf_repair_plan_get_changes (plan);
  g_assert_cmpuint (g_list_model_get_n_items (changes), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (changes); i++)
    {
      g_autoptr (TfRepairChange) c = g_list_model_get_item (changes, i);
      g_assert_false (tf_repair_change_get_repairable (c));
      g_assert_nonnull (strstr (tf_repair_change_get_reason (c), "checksum"));
    }

  /* An unreadable file: one PARSE_ERROR entry. */
  {
    g_autoptr (GBytes) junk = g_bytes_new_static ("\x78\x9f\x3e\x22\x01\x00\x01", 7);
    g_autofree char *jpath = write_fixture (fx, "junk.dat", junk);
    g_autoptr (GPtrArray) jitems = scan (jpath);
    g_autoptr (TfRepairPlan) jplan = tf_repair_plan_new_at (jitems, NULL, NOW_UNIX);
    g_autoptr (TfRepairChange) c = NULL;

    g_assert_cmpuint (tf_repair_plan_get_n_unrepairable (jplan), ==, 1);
    c = g_list_model_get_item (tf_repair_plan_get_changes (jplan), 0);
    g_assert_cmpint (tf_repair_change_get_code (c), ==, TF_FINDING_PARSE_ERROR);
  }
}

static void
test_undo (Fixture *fx,
           gconstpointer data)
{
  g_autoptr (GBytes) tnef = make_tnef (TRUE, SENT_UNIX);
  g_autoptr (GBytes) msg = make_msg ();
  g_autoptr (GBytes) ics = make_reply ("alice@fabrikam.example", NULL);
  g_autofree char *p1 = write_fixture (fx, "a.dat", tnef);
  g_autofree char *p2 = write_fixture (fx, "b.msg", msg);
  g_autofree char *p3 = write_fixture (fx, "c.ics", ics);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (TfRepairPlan) plan = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GPtrArray) undone = NULL;
  g_autoptr (GPtrArray) journal = NULL;
  g_autoptr (GError) error = NULL;
  const char *paths[] = { p1, p2, p3 };
  GBytes *originals[] = { tnef, msg, ics };
  const char *run_id;

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (GPtrArray) one = scan (paths[i]);
      g_ptr_array_extend_and_steal (items, g_steal_pointer (&one));
    }
  plan = tf_repair_plan_new_at (items, NULL, NOW_UNIX);
  results = execute (fx, plan, FALSE);
  g_assert_cmpuint (results->len, ==, 3);
  for (guint i = 0; i < results->len; i++)
    assert_done (g_ptr_array_index (results, i));
  run_id = tf_repair_result_get_run_id (g_ptr_array_index (results, 0));

  /* c.ics changed after the repair: its undo is refused, the others work */
  {
    g_autoptr (GBytes) now = slurp (p3);
    GString *s = g_string_new_len (g_bytes_get_data (now, NULL), g_bytes_get_size (now));
    g_string_append (s, "\r\n");
    g_file_set_contents (p3, s->str, s->len, &error);
    g_assert_no_error (error);
    g_string_free (s, TRUE);
  }

  undone = tf_repair_undo (fx->journal, 0, run_id, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (undone->len, ==, 3);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (GBytes) now = slurp (paths[i]);
      g_assert_true (g_bytes_equal (now, originals[i]));
    }
  {
    g_autoptr (GBytes) now = slurp (p3);
    g_assert_false (g_bytes_equal (now, ics));
  }
  /* newest first: c.ics is the first result */
  g_assert_cmpint (tf_repair_result_get_status (g_ptr_array_index (undone, 0)), ==, TF_REPAIR_STATUS_REFUSED);
  g_assert_cmpint (tf_repair_result_get_status (g_ptr_array_index (undone, 1)), ==, TF_REPAIR_STATUS_DONE);
  g_assert_cmpint (tf_repair_result_get_status (g_ptr_array_index (undone, 2)), ==, TF_REPAIR_STATUS_DONE);

  /* Undo is journaled; undoing again skips what is already original. */
  journal = tf_journal_read (fx->journal, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (journal->len, ==, 5);
  g_assert_cmpstr (((TfJournalEntry *) g_ptr_array_index (journal, 4))->action, ==, "undo");
  g_clear_pointer (&undone, g_ptr_array_unref);
  undone = tf_repair_undo (fx->journal, 1, NULL, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tf_repair_result_get_status (g_ptr_array_index (undone, 0)), ==, TF_REPAIR_STATUS_SKIPPED);

  g_clear_pointer (&undone, g_ptr_array_unref);
  undone = tf_repair_undo (fx->journal, 99, NULL, FALSE, NULL, &error);
  g_assert_error (error, TF_ERROR, TF_ERROR_NOT_FOUND);
  g_assert_null (undone);
}

static void
test_ics_no_final_newline (Fixture *fx,
                           gconstpointer data)
{
  g_autoptr (GBytes) ics = make_reply ("alice@fabrikam.example", NULL);
  g_autofree char *text = ical_text_of (ics);
  g_autoptr (GBytes) cut = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (TfRepairPlan) plan = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GBytes) repaired = NULL;
  g_autofree char *after = NULL;
  gsize len = strlen (text);

  /* "END:VCALENDAR" without its CRLF: the new line still ends in CRLF */
  g_assert_true (g_str_has_suffix (text, "\r\n"));
  cut = g_bytes_new (text, len - 2);
  path = write_fixture (fx, "reply.ics", cut);
  items = scan (path);
  plan = tf_repair_plan_new_at (items, NULL, NOW_UNIX);
  results = execute (fx, plan, FALSE);
  assert_done (only_result (results));
  repaired = slurp (path);
  after = ical_text_of (repaired);
  g_assert_nonnull (strstr (after, "\r\nX-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:20080820T113400Z\r\nEND:VEVENT\r\n"));
  g_assert_true (g_str_has_suffix (after, "END:VCALENDAR"));
}

typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
  guint n_progress;
  guint last_done;
} AsyncData;

static void
async_progress_cb (guint done,
                   guint total,
                   const char *file,
                   gpointer user_data)
{
  AsyncData *d = user_data;

  /* Files are written in batches: progress may jump, never go back. */
  g_assert_cmpuint (total, ==, 2);
  g_assert_cmpuint (done, >, d->last_done);
  g_assert_cmpuint (done, <=, total);
  d->last_done = done;
  d->n_progress++;
}

static void
async_done_cb (GObject *source,
               GAsyncResult *result,
               gpointer user_data)
{
  AsyncData *d = user_data;

  d->result = g_object_ref (result);
  g_main_loop_quit (d->loop);
}

static void
count_changed_cb (TfItem *item,
                  guint *count)
{
  (*count)++;
}

static void
test_async (Fixture *fx,
            gconstpointer data)
{
  g_autoptr (GBytes) tnef = make_tnef (TRUE, SENT_UNIX);
  g_autofree char *p1 = write_fixture (fx, "a.dat", tnef);
  g_autofree char *p2 = write_fixture (fx, "b.dat", tnef);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (TfRepairPlan) plan = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GError) error = NULL;
  AsyncData d = { g_main_loop_new (NULL, FALSE), NULL, 0, 0 };
  guint n_changed = 0;

  {
    g_autoptr (GPtrArray) a = scan (p1);
    g_autoptr (GPtrArray) b = scan (p2);
    g_ptr_array_extend_and_steal (items, g_steal_pointer (&a));
    g_ptr_array_extend_and_steal (items, g_steal_pointer (&b));
  }
  g_signal_connect (g_ptr_array_index (items, 0), "changed", G_CALLBACK (count_changed_cb), &n_changed);
  plan = tf_repair_plan_new_at (items, NULL, NOW_UNIX);

  /* Cancelled first: nothing is written, every file is reported. */
  {
    g_autoptr (GCancellable) cancellable = g_cancellable_new ();

    g_cancellable_cancel (cancellable);
    tf_repair_plan_execute_async (plan, fx->backups, fx->journal, NULL, cancellable,
                                  NULL, NULL, NULL, async_done_cb, &d);
    g_main_loop_run (d.loop);
    results = tf_repair_plan_execute_finish (plan, d.result, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (results->len, ==, 2);
    g_assert_cmpint (tf_repair_result_get_status (g_ptr_array_index (results, 0)), ==, TF_REPAIR_STATUS_SKIPPED);
    g_assert_false (g_file_test (fx->journal, G_FILE_TEST_EXISTS));
    g_clear_object (&d.result);
    g_clear_pointer (&results, g_ptr_array_unref);
  }

  tf_repair_plan_execute_async (plan, fx->backups, fx->journal, NULL, NULL,
                                async_progress_cb, &d, NULL, async_done_cb, &d);
  g_main_loop_run (d.loop);
  results = tf_repair_plan_execute_finish (plan, d.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 2);
  assert_done (g_ptr_array_index (results, 0));
  assert_done (g_ptr_array_index (results, 1));
  g_assert_cmpuint (d.n_progress, >=, 1);
  g_assert_cmpuint (d.last_done, ==, 2);
  g_assert_cmpuint (n_changed, ==, 1);
  g_assert_false (tf_item_has_finding (g_ptr_array_index (items, 1), TF_FINDING_TRACK_TIME_1601));
  g_assert_true (g_ptr_array_index (tf_repair_result_get_items (g_ptr_array_index (results, 0)), 0) == g_ptr_array_index (items, 0));

  g_clear_object (&d.result);
  g_main_loop_unref (d.loop);
}

static void
test_queue (Fixture *fx,
            gconstpointer data)
{
  g_autoptr (GBytes) tnef = make_tnef (TRUE, SENT_UNIX);
  g_autoptr (GBytes) eml = tf_gen_eml ("olga@contoso.example", "alice@fabrikam.example", "Updated: Budget review",
                                       SENT_UNIX, tnef, NULL, NULL, TRUE);
  g_autofree char *queue = g_build_filename (fx->dir, "Queue", NULL);
  g_autofree char *pickup = g_build_filename (fx->dir, "Pickup", NULL);
  g_autofree char *hold = g_build_filename (fx->dir, "Hold", NULL);
  g_autofree char *path = g_build_filename (queue, "NTFS_01.EML", NULL);
  g_autoptr (TfRepairResult) held = NULL;
  g_autoptr (TfRepairResult) resubmitted = NULL;
  g_autoptr (GPtrArray) undone = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir (queue, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (pickup, 0755), ==, 0);
  g_file_set_contents (path, g_bytes_get_data (eml, NULL), g_bytes_get_size (eml), &error);
  g_assert_no_error (error);

  /* Not repaired yet: resubmitting is refused. */
  resubmitted = tf_queue_resubmit (path, pickup, fx->journal, NULL, &error);
  g_assert_null (resubmitted);
  g_assert_error (error, TF_ERROR, TF_ERROR_REFUSED);
  g_clear_error (&error);

  /* Hold, then undo the hold. */
  held = tf_queue_hold (path, hold, fx->journal, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (g_str_has_prefix (tf_repair_result_get_target (held), hold));
  g_assert_true (g_file_test (tf_repair_result_get_target (held), G_FILE_TEST_IS_REGULAR));
  undone = tf_repair_undo (fx->journal, 0, tf_repair_result_get_run_id (held), FALSE, NULL, &error);
  g_assert_no_error (error);
  assert_done (g_ptr_array_index (undone, 0));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (tf_repair_result_get_target (held), G_FILE_TEST_EXISTS));
  g_clear_pointer (&undone, g_ptr_array_unref);

  /* Repair, then resubmit: a new .eml in Pickup, byte-identical. */
  {
    g_autoptr (GPtrArray) items = scan (path);
    g_autoptr (TfRepairPlan) plan = tf_repair_plan_new_at (items, NULL, NOW_UNIX);
    g_autoptr (GPtrArray) results = execute (fx, plan, FALSE);
    assert_done (only_result (results));
  }
  resubmitted = tf_queue_resubmit (path, pickup, fx->journal, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (tf_repair_result_get_target (resubmitted), ".eml"));
  {
    g_autoptr (GBytes) a = slurp (path);
    g_autoptr (GBytes) b = slurp (tf_repair_result_get_target (resubmitted));
    g_assert_true (g_bytes_equal (a, b));
  }
  undone = tf_repair_undo (fx->journal, 0, tf_repair_result_get_run_id (resubmitted), FALSE, NULL, &error);
  g_assert_no_error (error);
  assert_done (g_ptr_array_index (undone, 0));
  g_assert_false (g_file_test (tf_repair_result_get_target (resubmitted), G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

int
main (int argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tf_core_init ();

#define ADD(name, func) g_test_add ("/repair/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("plan/sources", test_plan_sources);
  ADD ("plan/fallbacks", test_plan_fallbacks);
  ADD ("write/tnef-file", test_tnef_file);
  ADD ("write/dry-run", test_dry_run);
  ADD ("write/tnef-in-mime", test_tnef_in_mime);
  ADD ("write/msg", test_msg);
  ADD ("write/ics-reply", test_ics_reply);
  ADD ("write/ics-no-final-newline", test_ics_no_final_newline);
  ADD ("write/ics-objects", test_ics_objects);
  g_test_add ("/repair/write/ical-part/8bit", Fixture, "8bit", fixture_setup, test_ical_part, fixture_teardown);
  g_test_add ("/repair/write/ical-part/base64", Fixture, "base64", fixture_setup, test_ical_part, fixture_teardown);
  g_test_add ("/repair/write/ical-part/quoted-printable", Fixture, "quoted-printable", fixture_setup, test_ical_part, fixture_teardown);
  ADD ("write/mbox", test_mbox);
  ADD ("refuse/changed", test_refuses_changed);
  ADD ("refuse/changed-same-size", test_refuses_changed_same_size);
  ADD ("refuse/symlink", test_refuses_symlink);
  ADD ("refuse/damaged", test_damaged_not_repaired);
  ADD ("undo", test_undo);
  ADD ("async", test_async);
  ADD ("queue", test_queue);
#undef ADD

  return g_test_run ();
}
