/* tf-fixturegen-demo.c — TEST-ONLY: the demo folder and benchmark queues
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "tf-fixturegen-pst.h"
#include "tf-fixturegen.h"

/* Everything here is deterministic: fixed dates, fixed UIDs, and a seeded
 * GRand for the benchmark queue, so regenerating gives identical bytes. */

#define ORGANIZER_NAME "Ken Myer"
#define ORGANIZER "ken.myer@contoso.example"
#define ORGANIZER_FROM ORGANIZER_NAME " <" ORGANIZER ">"
#define JANE_NAME "Jane Doe"
#define JANE "jane.doe@fabrikam.example"
#define CHRIS_NAME "Chris Preston"
#define CHRIS "chris.preston@contoso.example"
#define ROOM_NAME "Conf Room 12/1201"
#define ROOM "room1201@contoso.example"
#define PILAR_NAME "Pilar Ackerman"
#define PILAR "pilar.ackerman@contoso.example"
#define DAVID_NAME "David Hamilton"
#define DAVID "david.hamilton@fabrikam.example"
#define REPORTING_MTA "mail.contoso.example"

/* Exchange puts the GlobalObjectId, in hex, into iCalendar UID: the affected
 * meeting uses that form so the queue copy, the organizer's .msg, the replies
 * and the NDR all name the same meeting. */
#define UID_BUDGET TF_GEN_DEMO_BUDGET_UID /* shared with the demo PST */
#define UID_AUDIT "040000008200E00074C5B7101A82E0080000000080F1A9E2B1FDC8010000000000000000100000004F7C21D03B9E5A4C8D2E6F1A0B3C4D5E"
#define UID_OPS "040000008200E00074C5B7101A82E00800000000402E7D4A27F9C80100000000000000001000000011A2B3C4D5E6F708192A3B4C5D6E7F80"
#define UID_TRAINING "040000008200E00074C5B7101A82E00800000000C0D46E5F9AFCC8010000000000000000100000002233445566778899AABBCCDDEEFF0011"
#define UID_PARTNER "7C1E2D3F-4A5B-4C6D-8E9F-A0B1C2D3E4F5@contoso.example"
#define UID_FACILITIES "040000008200E00074C5B7101A82E00800000000A0B7E8E6A1F6C80100000000000000001000000099887766554433221100FFEEDDCCBBAA"
#define UID_VENDOR "040000008200E00074C5B7101A82E008000000006051A0C8E2F4C8010000000000000000100000000F1E2D3C4B5A69788796A5B4C3D2E1F0"
#define UID_BOARD "1B2C3D4E-5F60-4172-8394-A5B6C7D8E9F0@contoso.example"
#define UID_DESIGN "040000008200E00074C5B7101A82E00800000000E0E3E4B6D3FBC80100000000000000001000000055AA55AA55AA55AA55AA55AA55AA55AA"
#define UID_LUNCH "3E4F5061-7283-4945-A6B7-C8D9EAFB0C1D@contoso.example"

static gint64
utc (int year,
     int month,
     int day,
     int hour,
     int minute)
{
  g_autoptr (GDateTime) dt = g_date_time_new_utc (year, month, day, hour, minute, 0);

  return g_date_time_to_unix (dt);
}

static guint64
utc_ft (int year,
        int month,
        int day,
        int hour,
        int minute)
{
  return tf_filetime_from_unix (utc (year, month, day, hour, minute));
}

static gboolean
write_bytes (const char *dir,
             const char *relative,
             GBytes *bytes,
             GError **error)
{
  g_autofree char *path = g_build_filename (dir, relative, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  if (g_mkdir_with_parents (parent, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create %s: %s", parent, g_strerror (saved_errno));
      return FALSE;
    }

  /* No fsync: benchmark queues have 100,000 files and are throw-away. */
  return g_file_set_contents_full (path, data, (gssize) len, G_FILE_SET_CONTENTS_NONE, 0644, error);
}

/* Flips the checksum of the TNEF attribute carrying the message class, the
 * way a transfer error would: the data stays readable, the checksum is
 * wrong ([MS-OXTNEF] 2.1.3.3: level 1, id 4, length 4, data, checksum 2). */
static GBytes *
corrupt_tnef_checksum (GBytes *tnef)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (tnef, &len);
  g_autofree guint8 *copy = g_memdup2 (data, len);
  gsize pos = 6;

  while (pos + 9 <= len)
    {
      guint32 id = copy[pos + 1] | copy[pos + 2] << 8 | (guint32) copy[pos + 3] << 16 | (guint32) copy[pos + 4] << 24;
      guint32 size = copy[pos + 5] | copy[pos + 6] << 8 | (guint32) copy[pos + 7] << 16 | (guint32) copy[pos + 8] << 24;
      gsize sum = pos + 9 + (gsize) size;

      if (sum + 2 > len)
        break;
      /* attMessageClass (0x00078008) */
      if (id == 0x00078008)
        {
          copy[sum] ^= 0x5A;
          copy[sum + 1] ^= 0xA5;
          break;
        }
      pos = sum + 2;
    }

  return g_bytes_new_take (g_steal_pointer (&copy), len);
}

static const TfGenRecipient budget_rows[] = {
  { ORGANIZER_NAME, ORGANIZER, TF_RECIPIENT_TYPE_ORGANIZER, TF_TRACK_STATUS_ORGANIZED, FALSE, 0 },
  /* The attendee on Exchange 2007: her acceptance lacked the critical
   * change stamp, so Outlook stored FILETIME 0 (KB 938650). */
  { JANE_NAME, JANE, TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ACCEPTED, TRUE, TF_FILETIME_1601 },
  { CHRIS_NAME, CHRIS, TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ACCEPTED, TRUE, 0 /* set below */ },
  { ROOM_NAME, ROOM, TF_RECIPIENT_TYPE_RESOURCE, TF_TRACK_STATUS_ACCEPTED, TRUE, 0 /* set below */ },
};

static GBytes *
budget_meeting (const char *message_class,
                gint sequence,
                gboolean msg)
{
  TfGenRecipient rows[G_N_ELEMENTS (budget_rows)];
  TfGenMeeting meeting = { 0 };

  memcpy (rows, budget_rows, sizeof rows);
  rows[2].track_time = utc_ft (2008, 8, 18, 9, 12);
  rows[3].track_time = utc_ft (2008, 8, 18, 8, 5);

  meeting.message_class = message_class;
  meeting.subject = sequence > 0 ? "Updated: Q3 budget review" : "Q3 budget review";
  meeting.uid = UID_BUDGET;
  meeting.sequence = sequence;
  meeting.has_attendee_cc = TRUE;
  meeting.attendee_cc = utc_ft (2008, 8, 20, 11, 44);
  meeting.has_owner_cc = TRUE;
  meeting.owner_cc = utc_ft (2008, 8, 20, 11, 44);
  meeting.sent = utc (2008, 8, 20, 11, 44);
  meeting.recipients = rows;
  meeting.n_recipients = G_N_ELEMENTS (rows);

  return msg ? tf_gen_msg (&meeting) : tf_gen_tnef (&meeting);
}

static gboolean
demo_queue (const char *dir,
            GError **error)
{
  const char *to_budget = JANE ", " CHRIS ", " ROOM;

  /* 1. The stuck update: one 1601 row in the TNEF recipient table */
  {
    g_autoptr (GBytes) tnef = budget_meeting ("IPM.Schedule.Meeting.Request", 2, FALSE);
    g_autoptr (GBytes) eml = tf_gen_eml (ORGANIZER_FROM, to_budget, "Updated: Q3 budget review",
                                         utc (2008, 8, 20, 11, 44), tnef, NULL, NULL, TRUE);

    if (!write_bytes (dir, "vsi 1/Queue/NTFS_01C902A1B4E7F3A0.EML", eml, error))
      return FALSE;
  }

  /* 2. A cancellation of another meeting, same attendee, same damage */
  {
    const TfGenRecipient rows[] = {
      { ORGANIZER_NAME, ORGANIZER, TF_RECIPIENT_TYPE_ORGANIZER, TF_TRACK_STATUS_ORGANIZED, FALSE, 0 },
      { JANE_NAME, JANE, TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ACCEPTED, TRUE, TF_FILETIME_1601 },
      { DAVID_NAME, DAVID, TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_TENTATIVE, TRUE, utc_ft (2008, 8, 12, 16, 30) },
      { PILAR_NAME, PILAR, TF_RECIPIENT_TYPE_CC, TF_TRACK_STATUS_ACCEPTED, TRUE, utc_ft (2008, 8, 12, 10, 2) },
    };
    const TfGenMeeting meeting = {
      "IPM.Schedule.Meeting.Canceled", "Canceled: Supplier audit prep", UID_AUDIT, 3,
      TRUE, utc_ft (2008, 8, 21, 16, 5), TRUE, utc_ft (2008, 8, 21, 16, 5),
      utc (2008, 8, 21, 16, 5), rows, G_N_ELEMENTS (rows)
    };
    g_autoptr (GBytes) tnef = tf_gen_tnef (&meeting);
    g_autoptr (GBytes) eml = tf_gen_eml (ORGANIZER_FROM, JANE ", " DAVID ", " PILAR,
                                         "Canceled: Supplier audit prep", utc (2008, 8, 21, 16, 5),
                                         tnef, NULL, NULL, TRUE);

    if (!write_bytes (dir, "vsi 1/Queue/NTFS_01C902A1B4E7F3A1.EML", eml, error))
      return FALSE;
  }

  /* 3. A healthy update inside the organisation */
  {
    const TfGenRecipient rows[] = {
      { ORGANIZER_NAME, ORGANIZER, TF_RECIPIENT_TYPE_ORGANIZER, TF_TRACK_STATUS_ORGANIZED, FALSE, 0 },
      { CHRIS_NAME, CHRIS, TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ACCEPTED, TRUE, utc_ft (2008, 8, 4, 8, 31) },
      { PILAR_NAME, PILAR, TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_DECLINED, TRUE, utc_ft (2008, 8, 4, 9, 47) },
      { ROOM_NAME, ROOM, TF_RECIPIENT_TYPE_RESOURCE, TF_TRACK_STATUS_ACCEPTED, TRUE, utc_ft (2008, 8, 4, 8, 0) },
    };
    const TfGenMeeting meeting = {
      "IPM.Schedule.Meeting.Request", "Updated: Weekly ops sync", UID_OPS, 1,
      TRUE, utc_ft (2008, 8, 20, 9, 15), TRUE, utc_ft (2008, 8, 20, 9, 15),
      utc (2008, 8, 20, 9, 15), rows, G_N_ELEMENTS (rows)
    };
    g_autoptr (GBytes) tnef = tf_gen_tnef (&meeting);
    g_autoptr (GBytes) eml = tf_gen_eml (ORGANIZER_FROM, CHRIS ", " PILAR ", " ROOM,
                                         "Updated: Weekly ops sync", utc (2008, 8, 20, 9, 15),
                                         tnef, NULL, NULL, TRUE);

    if (!write_bytes (dir, "vsi 1/Queue/NTFS_01C902A1B4E7F3A2.EML", eml, error))
      return FALSE;
  }

  /* 4. Healthy too: a not-yet-responded attendee with Outlook's
   * 4501-01-01 "none" date, which is legitimate and not a finding */
  {
    const TfGenRecipient rows[] = {
      { ORGANIZER_NAME, ORGANIZER, TF_RECIPIENT_TYPE_ORGANIZER, TF_TRACK_STATUS_ORGANIZED, FALSE, 0 },
      { PILAR_NAME, PILAR, TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_NOT_RESPONDED, TRUE, TF_FILETIME_NONE_4501 },
      { CHRIS_NAME, CHRIS, TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_TENTATIVE, TRUE, utc_ft (2008, 8, 19, 13, 20) },
    };
    const TfGenMeeting meeting = {
      "IPM.Schedule.Meeting.Request", "Updated: Training: Exchange 2007 migration", UID_TRAINING, 1,
      TRUE, utc_ft (2008, 8, 20, 14, 2), TRUE, utc_ft (2008, 8, 20, 14, 2),
      utc (2008, 8, 20, 14, 2), rows, G_N_ELEMENTS (rows)
    };
    g_autoptr (GBytes) tnef = tf_gen_tnef (&meeting);
    g_autoptr (GBytes) eml = tf_gen_eml (ORGANIZER_FROM, PILAR ", " CHRIS,
                                         "Updated: Training: Exchange 2007 migration",
                                         utc (2008, 8, 20, 14, 2), tnef, NULL, NULL, TRUE);

    if (!write_bytes (dir, "vsi 1/Queue/NTFS_01C902A1B4E7F3A3.EML", eml, error))
      return FALSE;
  }

  /* 5. An iCalendar request to the partner organisation, healthy */
  {
    const TfGenAttendee attendees[] = {
      { DAVID, DAVID_NAME, "NEEDS-ACTION", "REQ-PARTICIPANT" },
      { JANE, JANE_NAME, "NEEDS-ACTION", "OPT-PARTICIPANT" },
    };
    const TfGenEvent event = {
      "REQUEST", UID_PARTNER, 0, utc (2008, 8, 20, 15, 30), ORGANIZER,
      attendees, G_N_ELEMENTS (attendees), "Partner call: Fabrikam integration",
      "20080820T153000Z", "20080820T153000Z"
    };
    g_autoptr (GBytes) ics = tf_gen_ics (&event);
    g_autoptr (GBytes) eml = tf_gen_eml (ORGANIZER_FROM, DAVID ", " JANE,
                                         "Partner call: Fabrikam integration",
                                         utc (2008, 8, 20, 15, 30), NULL, ics, "REQUEST", TRUE);

    if (!write_bytes (dir, "vsi 1/Queue/NTFS_01C902A1B4E7F3A4.EML", eml, error))
      return FALSE;
  }

  /* 6. A healthy update whose TNEF was damaged in transfer (checksum) */
  {
    const TfGenRecipient rows[] = {
      { ORGANIZER_NAME, ORGANIZER, TF_RECIPIENT_TYPE_ORGANIZER, TF_TRACK_STATUS_ORGANIZED, FALSE, 0 },
      { CHRIS_NAME, CHRIS, TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ACCEPTED, TRUE, utc_ft (2008, 8, 15, 10, 40) },
    };
    const TfGenMeeting meeting = {
      "IPM.Schedule.Meeting.Request", "Updated: Facilities walkthrough", UID_FACILITIES, 1,
      TRUE, utc_ft (2008, 8, 20, 16, 50), TRUE, utc_ft (2008, 8, 20, 16, 50),
      utc (2008, 8, 20, 16, 50), rows, G_N_ELEMENTS (rows)
    };
    g_autoptr (GBytes) tnef = tf_gen_tnef (&meeting);
    g_autoptr (GBytes) damaged = corrupt_tnef_checksum (tnef);
    g_autoptr (GBytes) eml = tf_gen_eml (ORGANIZER_FROM, CHRIS, "Updated: Facilities walkthrough",
                                         utc (2008, 8, 20, 16, 50), damaged, NULL, NULL, TRUE);

    if (!write_bytes (dir, "vsi 1/Queue/NTFS_01C902A1B4E7F3A5.EML", eml, error))
      return FALSE;
  }

  return TRUE;
}

static gboolean
demo_replies (const char *dir,
              GError **error)
{
  /* Jane's acceptance, sent by Exchange 2007: no critical change stamp.
   * This is the reply that made Outlook write 1601; its DTSTAMP is the
   * time repair puts back. */
  {
    const TfGenAttendee attendees[] = {
      { JANE, JANE_NAME, "ACCEPTED", "REQ-PARTICIPANT" },
    };
    const TfGenEvent event = {
      "REPLY", UID_BUDGET, 0, utc (2008, 8, 18, 14, 2), ORGANIZER,
      attendees, G_N_ELEMENTS (attendees), "Accepted: Q3 budget review", NULL, NULL
    };
    g_autoptr (GBytes) ics = tf_gen_ics (&event);
    g_autoptr (GBytes) eml = tf_gen_eml (JANE_NAME " <" JANE ">", ORGANIZER,
                                         "Accepted: Q3 budget review", utc (2008, 8, 18, 14, 2),
                                         NULL, ics, "REPLY", FALSE);

    if (!write_bytes (dir, "Replies/Accepted- Q3 budget review (Jane Doe).eml", eml, error))
      return FALSE;
  }

  /* Chris's acceptance from Outlook 2003: carries the stamp, healthy */
  {
    const TfGenAttendee attendees[] = {
      { CHRIS, CHRIS_NAME, "ACCEPTED", "REQ-PARTICIPANT" },
    };
    const TfGenEvent event = {
      "REPLY", UID_BUDGET, 0, utc (2008, 8, 18, 9, 12), ORGANIZER,
      attendees, G_N_ELEMENTS (attendees), "Accepted: Q3 budget review", "20080818T091200Z", NULL
    };
    g_autoptr (GBytes) ics = tf_gen_ics (&event);
    g_autoptr (GBytes) eml = tf_gen_eml (CHRIS_NAME " <" CHRIS ">", ORGANIZER,
                                         "Accepted: Q3 budget review", utc (2008, 8, 18, 9, 12),
                                         NULL, ics, "REPLY", FALSE);

    if (!write_bytes (dir, "Replies/Accepted- Q3 budget review (Chris Preston).eml", eml, error))
      return FALSE;
  }

  return TRUE;
}

static gboolean
demo_calendar (const char *dir,
               GError **error)
{
  /* The organizer's own calendar item: where the 1601 row really lives */
  {
    g_autoptr (GBytes) msg = budget_meeting ("IPM.Appointment", 2, TRUE);

    if (!write_bytes (dir, "Calendar/Q3 budget review.msg", msg, error))
      return FALSE;
  }

  /* A row with OLE DATE 0 (1899-12-30) converted back: before 1900 */
  {
    const TfGenRecipient rows[] = {
      { ORGANIZER_NAME, ORGANIZER, TF_RECIPIENT_TYPE_ORGANIZER, TF_TRACK_STATUS_ORGANIZED, FALSE, 0 },
      { DAVID_NAME, DAVID, TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ACCEPTED, TRUE,
        G_GUINT64_CONSTANT (0x014F35A9A90CC000) },
      { PILAR_NAME, PILAR, TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ACCEPTED, TRUE, utc_ft (2008, 7, 29, 11, 3) },
    };
    const TfGenMeeting meeting = {
      "IPM.Appointment", "Vendor kickoff", UID_VENDOR, 1,
      TRUE, utc_ft (2008, 7, 28, 17, 45), TRUE, utc_ft (2008, 7, 28, 17, 45),
      utc (2008, 7, 28, 17, 45), rows, G_N_ELEMENTS (rows)
    };
    g_autoptr (GBytes) msg = tf_gen_msg (&meeting);

    if (!write_bytes (dir, "Calendar/Vendor kickoff.msg", msg, error))
      return FALSE;
  }

  /* An exported event whose critical change stamp is 1601 */
  {
    const TfGenAttendee attendees[] = {
      { CHRIS, CHRIS_NAME, "ACCEPTED", "REQ-PARTICIPANT" },
      { DAVID, DAVID_NAME, "ACCEPTED", "REQ-PARTICIPANT" },
    };
    const TfGenEvent event = {
      "REQUEST", UID_BOARD, 2, utc (2008, 8, 22, 8, 30), ORGANIZER,
      attendees, G_N_ELEMENTS (attendees), "Board meeting prep",
      "16010101T000000Z", "20080822T083000Z"
    };
    g_autoptr (GBytes) ics = tf_gen_ics (&event);

    if (!write_bytes (dir, "Calendar/Board meeting prep.ics", ics, error))
      return FALSE;
  }

  /* A damaged file: an Outlook item cut off after its first sectors */
  {
    const TfGenRecipient rows[] = {
      { ORGANIZER_NAME, ORGANIZER, TF_RECIPIENT_TYPE_ORGANIZER, TF_TRACK_STATUS_ORGANIZED, FALSE, 0 },
      { CHRIS_NAME, CHRIS, TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ACCEPTED, TRUE, utc_ft (2008, 8, 1, 9, 0) },
    };
    const TfGenMeeting meeting = {
      "IPM.Appointment", "Staff meeting", NULL, 0,
      FALSE, 0, FALSE, 0, utc (2008, 8, 1, 8, 0), rows, G_N_ELEMENTS (rows)
    };
    g_autoptr (GBytes) msg = NULL;
    g_autoptr (GBytes) truncated = NULL;
    TfGenMeeting fixed = meeting;

    fixed.uid = "0F0E0D0C-0B0A-4908-8706-050403020100@contoso.example";
    msg = tf_gen_msg (&fixed);
    truncated = g_bytes_new_from_bytes (msg, 0, MIN (g_bytes_get_size (msg), 1536));

    if (!write_bytes (dir, "Calendar/Staff meeting (damaged).msg", truncated, error))
      return FALSE;
  }

  return TRUE;
}

static gboolean
demo_misc (const char *dir,
           GError **error)
{
  /* The bounce the organizer got two days later */
  {
    const char *recipients[] = { JANE, NULL };
    g_autoptr (GBytes) dsn = tf_gen_dsn (REPORTING_MTA, recipients, "4.4.7",
                                         "Updated: Q3 budget review", utc (2008, 8, 22, 11, 50));

    if (!write_bytes (dir, "NDR/Undeliverable- Updated- Q3 budget review.eml", dsn, error))
      return FALSE;
  }

  /* A winmail.dat saved on its own: an accepted row without a time, and
   * a time past year 9999 */
  {
    const TfGenRecipient rows[] = {
      { ORGANIZER_NAME, ORGANIZER, TF_RECIPIENT_TYPE_ORGANIZER, TF_TRACK_STATUS_ORGANIZED, FALSE, 0 },
      { CHRIS_NAME, CHRIS, TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ACCEPTED, FALSE, 0 },
      { PILAR_NAME, PILAR, TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_TENTATIVE, TRUE,
        G_GUINT64_CONSTANT (0x7FFFFFFFFFFFFFFF) },
      { DAVID_NAME, DAVID, TF_RECIPIENT_TYPE_CC, TF_TRACK_STATUS_DECLINED, TRUE, utc_ft (2008, 8, 14, 7, 55) },
    };
    const TfGenMeeting meeting = {
      "IPM.Schedule.Meeting.Request", "Updated: Design review", UID_DESIGN, 4,
      TRUE, utc_ft (2008, 8, 19, 12, 0), TRUE, utc_ft (2008, 8, 19, 12, 0),
      utc (2008, 8, 19, 12, 0), rows, G_N_ELEMENTS (rows)
    };
    g_autoptr (GBytes) tnef = tf_gen_tnef (&meeting);

    if (!write_bytes (dir, "Attachments/winmail.dat", tnef, error))
      return FALSE;
  }

  /* An mbox with three messages (a request, an update, a reply) */
  {
    const TfGenAttendee request_attendees[] = {
      { CHRIS, CHRIS_NAME, "NEEDS-ACTION", "REQ-PARTICIPANT" },
      { PILAR, PILAR_NAME, "NEEDS-ACTION", "REQ-PARTICIPANT" },
    };
    const TfGenEvent request = {
      "REQUEST", UID_LUNCH, 0, utc (2008, 8, 11, 10, 0), ORGANIZER,
      request_attendees, G_N_ELEMENTS (request_attendees), "Team lunch",
      "20080811T100000Z", "20080811T100000Z"
    };
    const TfGenAttendee reply_attendees[] = {
      { PILAR, PILAR_NAME, "ACCEPTED", "REQ-PARTICIPANT" },
    };
    const TfGenEvent reply = {
      "REPLY", UID_LUNCH, 0, utc (2008, 8, 11, 12, 41), ORGANIZER,
      reply_attendees, G_N_ELEMENTS (reply_attendees), "Accepted: Team lunch",
      "20080811T124100Z", NULL
    };
    const TfGenRecipient rows[] = {
      { ORGANIZER_NAME, ORGANIZER, TF_RECIPIENT_TYPE_ORGANIZER, TF_TRACK_STATUS_ORGANIZED, FALSE, 0 },
      { CHRIS_NAME, CHRIS, TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ACCEPTED, TRUE, utc_ft (2008, 8, 11, 10, 22) },
      { PILAR_NAME, PILAR, TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ACCEPTED, TRUE, utc_ft (2008, 8, 11, 12, 41) },
    };
    const TfGenMeeting update = {
      "IPM.Schedule.Meeting.Request", "Updated: Team lunch", UID_LUNCH, 1,
      TRUE, utc_ft (2008, 8, 12, 9, 5), TRUE, utc_ft (2008, 8, 12, 9, 5),
      utc (2008, 8, 12, 9, 5), rows, G_N_ELEMENTS (rows)
    };
    g_autoptr (GBytes) request_ics = tf_gen_ics (&request);
    g_autoptr (GBytes) reply_ics = tf_gen_ics (&reply);
    g_autoptr (GBytes) update_tnef = tf_gen_tnef (&update);
    GBytes *messages[3];
    g_autoptr (GString) mbox = g_string_new (NULL);
    g_autoptr (GBytes) mbox_bytes = NULL;
    const char *senders[] = { ORGANIZER, PILAR, ORGANIZER };
    const char *dates[] = { "Mon Aug 11 10:00:00 2008", "Mon Aug 11 12:41:00 2008", "Tue Aug 12 09:05:00 2008" };

    messages[0] = tf_gen_eml (ORGANIZER_FROM, CHRIS ", " PILAR, "Team lunch",
                              utc (2008, 8, 11, 10, 0), NULL, request_ics, "REQUEST", FALSE);
    messages[1] = tf_gen_eml (PILAR_NAME " <" PILAR ">", ORGANIZER, "Accepted: Team lunch",
                              utc (2008, 8, 11, 12, 41), NULL, reply_ics, "REPLY", FALSE);
    messages[2] = tf_gen_eml (ORGANIZER_FROM, CHRIS ", " PILAR, "Updated: Team lunch",
                              utc (2008, 8, 12, 9, 5), update_tnef, NULL, NULL, FALSE);

    for (guint i = 0; i < G_N_ELEMENTS (messages); i++)
      {
        gsize len = 0;
        const char *data = g_bytes_get_data (messages[i], &len);

        /* mbox files use LF line ends */
        g_string_append_printf (mbox, "From %s %s\n", senders[i], dates[i]);
        for (gsize j = 0; j < len; j++)
          if (!(data[j] == '\r' && j + 1 < len && data[j + 1] == '\n'))
            g_string_append_c (mbox, data[j]);
        g_string_append_c (mbox, '\n');
        g_bytes_unref (messages[i]);
      }

    mbox_bytes = g_bytes_new (mbox->str, mbox->len);
    if (!write_bytes (dir, "Mailbox/Sent Items.mbox", mbox_bytes, error))
      return FALSE;
  }

  return TRUE;
}

/* The organizer's mailbox export (tf-fixturegen-pst-cases.c) */
static gboolean
demo_pst (const char *dir,
          GError **error)
{
  g_autofree char *folder = g_build_filename (dir, "Mailbox", NULL);
  g_autofree char *path = g_build_filename (folder, "Ken Myer.pst", NULL);

  if (g_mkdir_with_parents (folder, 0755) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", folder, g_strerror (errno));
      return FALSE;
    }
  return tf_gen_pst_demo (path, error);
}

/**
 * tf_gen_demo:
 * @dir: the folder to fill (created if needed)
 *
 * Writes the demo data set described in data/demo.md.
 */
gboolean
tf_gen_demo (const char *dir,
             GError **error)
{
  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return demo_queue (dir, error) && demo_replies (dir, error) && demo_calendar (dir, error) && demo_misc (dir, error)
         && demo_pst (dir, error);
}

/* Benchmark queue */

static const struct
{
  const char *name;
  const char *address;
} people[] = {
  { "Jane Doe", "jane.doe@fabrikam.example" },
  { "Chris Preston", "chris.preston@contoso.example" },
  { "Pilar Ackerman", "pilar.ackerman@contoso.example" },
  { "David Hamilton", "david.hamilton@fabrikam.example" },
  { "Molly Dempsey", "molly.dempsey@contoso.example" },
  { "Sean Chai", "sean.chai@fabrikam.example" },
  { "Kim Akers", "kim.akers@contoso.example" },
  { "Bart Duncan", "bart.duncan@fabrikam.example" },
  { "Yan Li", "yan.li@contoso.example" },
  { "Ben Smith", "ben.smith@contoso.example" },
};

static const char *const topics[] = {
  "Q3 budget review",
  "Weekly ops sync",
  "Supplier audit prep",
  "Design review",
  "Exchange 2007 migration",
  "Partner call",
  "Staff meeting",
  "Release planning",
  "Customer escalation",
  "Facilities walkthrough",
  "Quarterly business review",
  "Security patch window",
};

static char *
queue_uid (GRand *rand)
{
  guint32 r[6];

  /* One call per statement: argument evaluation order is unspecified and
   * the bytes must not depend on the compiler. */
  for (guint i = 0; i < G_N_ELEMENTS (r); i++)
    r[i] = g_rand_int (rand);

  /* GOID-shaped, like Exchange: prefix, no instance date, creation time,
   * 16 random bytes */
  return g_strdup_printf ("040000008200E00074C5B7101A82E00800000000%08X%08X000000000000000010000000%08X%08X%08X%08X",
                          r[0], r[1], r[2], r[3], r[4], r[5]);
}

static GBytes *
queue_message (GRand *rand,
               guint index,
               char **name)
{
  guint kind = (guint) g_rand_int_range (rand, 0, 100);
  gboolean affected = g_rand_int_range (rand, 0, 10) == 0;
  const char *topic = topics[g_rand_int_range (rand, 0, G_N_ELEMENTS (topics))];
  gint64 sent = utc (2008, 6, 2, 8, 0) + g_rand_int_range (rand, 0, 90 * 24 * 60) * 60;
  guint first = (guint) g_rand_int_range (rand, 0, G_N_ELEMENTS (people));
  guint n_attendees = (guint) g_rand_int_range (rand, 1, 5);
  g_autofree char *uid = queue_uid (rand);
  g_autofree char *subject = NULL;
  g_autoptr (GString) to = g_string_new (NULL);
  guint32 id_hi = g_rand_int (rand);

  for (guint i = 0; i < n_attendees; i++)
    g_string_append_printf (to, "%s%s", i > 0 ? ", " : "",
                            people[(first + i) % G_N_ELEMENTS (people)].address);

  if (kind < 70 || kind >= 93)
    {
      /* An Outlook update with TNEF (or, for .msg, the calendar item) */
      TfGenRecipient rows[6];
      TfGenMeeting meeting = { 0 };
      gboolean msg = kind >= 93;
      g_autoptr (GBytes) tnef = NULL;

      rows[0] = (TfGenRecipient){ ORGANIZER_NAME, ORGANIZER, TF_RECIPIENT_TYPE_ORGANIZER,
                                  TF_TRACK_STATUS_ORGANIZED, FALSE, 0 };
      for (guint i = 0; i < n_attendees; i++)
        {
          guint p = (first + i) % G_N_ELEMENTS (people);
          gint64 replied = sent - g_rand_int_range (rand, 3600, 14 * 24 * 3600);

          rows[i + 1] = (TfGenRecipient){ people[p].name, people[p].address, TF_RECIPIENT_TYPE_TO,
                                          TF_TRACK_STATUS_ACCEPTED, TRUE,
                                          tf_filetime_from_unix (replied) };
        }
      if (affected)
        rows[1 + g_rand_int_range (rand, 0, (gint32) n_attendees)].track_time = TF_FILETIME_1601;

      subject = g_strdup_printf ("%s%s", msg ? "" : "Updated: ", topic);
      meeting.message_class = msg ? "IPM.Appointment" : "IPM.Schedule.Meeting.Request";
      meeting.subject = subject;
      meeting.uid = uid;
      meeting.sequence = g_rand_int_range (rand, 1, 6);
      meeting.has_attendee_cc = TRUE;
      meeting.attendee_cc = tf_filetime_from_unix (sent);
      meeting.has_owner_cc = TRUE;
      meeting.owner_cc = tf_filetime_from_unix (sent);
      meeting.sent = sent;
      meeting.recipients = rows;
      meeting.n_recipients = n_attendees + 1;

      if (msg)
        {
          *name = g_strdup_printf ("%06u %s.msg", index, topic);
          return tf_gen_msg (&meeting);
        }

      tnef = tf_gen_tnef (&meeting);
      *name = g_strdup_printf ("NTFS_%08X%08X.EML", id_hi, index);
      return tf_gen_eml (ORGANIZER_FROM, to->str, subject, sent, tnef, NULL, NULL, TRUE);
    }

  *name = g_strdup_printf ("NTFS_%08X%08X.EML", id_hi, index);

  if (kind < 85)
    {
      /* iCalendar: a request, or a reply (without the stamp when affected) */
      gboolean reply = kind >= 78;
      TfGenAttendee attendees[4];
      TfGenEvent event = { 0 };
      g_autoptr (GBytes) ics = NULL;
      g_autofree char *stamp = NULL;
      g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (sent);

      stamp = g_date_time_format (dt, "%Y%m%dT%H%M%SZ");
      for (guint i = 0; i < n_attendees; i++)
        {
          guint p = (first + i) % G_N_ELEMENTS (people);

          attendees[i] = (TfGenAttendee){ people[p].address, people[p].name,
                                          reply ? "ACCEPTED" : "NEEDS-ACTION", "REQ-PARTICIPANT" };
        }

      subject = g_strdup_printf ("%s%s", reply ? "Accepted: " : "", topic);
      event.method = reply ? "REPLY" : "REQUEST";
      event.uid = uid;
      event.sequence = g_rand_int_range (rand, 0, 4);
      event.dtstamp = sent;
      event.organizer = ORGANIZER;
      event.attendees = attendees;
      event.n_attendees = reply ? 1 : n_attendees;
      event.summary = subject;
      event.attendee_cc = reply && affected ? NULL : stamp;
      event.owner_cc = reply ? NULL : stamp;

      ics = tf_gen_ics (&event);
      if (reply)
        return tf_gen_eml (people[first].address, ORGANIZER, subject, sent, NULL, ics, "REPLY", TRUE);
      return tf_gen_eml (ORGANIZER_FROM, to->str, subject, sent, NULL, ics, "REQUEST", TRUE);
    }

  /* A bounce: 4.4.7 when affected, else an unknown mailbox */
  {
    const char *recipients[] = { people[first].address, NULL };

    subject = g_strdup_printf ("Updated: %s", topic);
    return tf_gen_dsn (REPORTING_MTA, recipients, affected ? "4.4.7" : "5.1.1", subject, sent);
  }
}

/**
 * tf_gen_queue:
 * @dir: the folder to fill (created if needed)
 * @n: number of files
 * @seed: random seed; the same seed gives the same bytes
 *
 * About 70 % TNEF queue updates, 15 % iCalendar requests and replies, 8 %
 * bounces and 7 % .msg calendar items; about one in ten is affected.
 */
gboolean
tf_gen_queue (const char *dir,
              guint n,
              guint32 seed,
              GError **error)
{
  g_autoptr (GRand) rand = NULL;

  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create %s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }

  rand = g_rand_new_with_seed (seed);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = NULL;
      g_autoptr (GBytes) bytes = queue_message (rand, i, &name);

      if (!write_bytes (dir, name, bytes, error))
        return FALSE;
    }

  return TRUE;
}

/* Single samples for tests */

static const char *const sample_names[] = {
  "damaged",
  "dsn-447",
  "eml-ics-reply",
  "eml-ics-reply-missing-cc",
  "eml-ics-request",
  "eml-tnef-1601",
  "eml-tnef-cancel-1601",
  "eml-tnef-healthy",
  "eml-tnef-qp-embedded-1601",
  "ics-cc-1601",
  "msg-1601",
  "msg-healthy",
  "msg-note-embedded-1601",
  "msg-pre1900",
  "tnef-1601",
  "tnef-healthy",
  "tnef-note-embedded-1601",
  NULL
};

const char *const *
tf_gen_sample_names (void)
{
  return sample_names;
}

static GBytes *
sample_meeting (const char *message_class,
                guint64 jane_time,
                gboolean msg)
{
  const TfGenRecipient rows[] = {
    { ORGANIZER_NAME, ORGANIZER, TF_RECIPIENT_TYPE_ORGANIZER, TF_TRACK_STATUS_ORGANIZED, FALSE, 0 },
    { JANE_NAME, JANE, TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ACCEPTED, TRUE, jane_time },
    { CHRIS_NAME, CHRIS, TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ACCEPTED, TRUE, utc_ft (2008, 8, 18, 9, 12) },
  };
  const TfGenMeeting meeting = {
    message_class, "Updated: Q3 budget review", UID_BUDGET, 2,
    TRUE, utc_ft (2008, 8, 20, 11, 44), TRUE, utc_ft (2008, 8, 20, 11, 44),
    utc (2008, 8, 20, 11, 44), rows, G_N_ELEMENTS (rows)
  };

  return msg ? tf_gen_msg (&meeting) : tf_gen_tnef (&meeting);
}

/* A helpdesk ticket (IPM.Note) with two attachments: a plain note, and a
 * forwarded note that carries the organizer's meeting (Jane's row 1601)
 * as its own attachment: the 1601 row is attachment 2/1, two levels deep */
static GBytes *
sample_embedded (gboolean msg)
{
  const TfGenRecipient meeting_rows[] = {
    { ORGANIZER_NAME, ORGANIZER, TF_RECIPIENT_TYPE_ORGANIZER, TF_TRACK_STATUS_ORGANIZED, FALSE, 0 },
    { JANE_NAME, JANE, TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ACCEPTED, TRUE, TF_FILETIME_1601 },
    { CHRIS_NAME, CHRIS, TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ACCEPTED, TRUE, utc_ft (2008, 8, 18, 9, 12) },
  };
  const TfGenRecipient helpdesk[] = {
    { "Helpdesk", "helpdesk@contoso.example", TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ABSENT, FALSE, 0 },
  };
  const TfGenMeeting meeting = {
    "IPM.Appointment", "Q3 budget review", UID_BUDGET, 2,
    TRUE, utc_ft (2008, 8, 20, 11, 44), TRUE, utc_ft (2008, 8, 20, 11, 44),
    utc (2008, 8, 20, 11, 44), meeting_rows, G_N_ELEMENTS (meeting_rows), NULL, 0
  };
  const TfGenMeeting inner[] = {
    { "IPM.Note", "Screenshot of the error", NULL, -1, FALSE, 0, FALSE, 0,
      utc (2008, 8, 21, 9, 0), helpdesk, G_N_ELEMENTS (helpdesk), NULL, 0 },
    { "IPM.Note", "FW: Q3 budget review", NULL, -1, FALSE, 0, FALSE, 0,
      utc (2008, 8, 21, 9, 5), helpdesk, G_N_ELEMENTS (helpdesk), &meeting, 1 },
  };
  const TfGenMeeting ticket = {
    "IPM.Note", "Ticket 4711: meeting update stuck", NULL, -1, FALSE, 0, FALSE, 0,
    utc (2008, 8, 21, 9, 10), helpdesk, G_N_ELEMENTS (helpdesk), inner, G_N_ELEMENTS (inner)
  };

  return msg ? tf_gen_msg (&ticket) : tf_gen_tnef (&ticket);
}

static GBytes *
sample_reply (gboolean with_cc)
{
  const TfGenAttendee attendees[] = {
    { JANE, JANE_NAME, "ACCEPTED", "REQ-PARTICIPANT" },
  };
  const TfGenEvent event = {
    "REPLY", UID_BUDGET, 0, utc (2008, 8, 18, 14, 2), ORGANIZER,
    attendees, G_N_ELEMENTS (attendees), "Accepted: Q3 budget review",
    with_cc ? "20080818T140200Z" : NULL, NULL
  };
  g_autoptr (GBytes) ics = tf_gen_ics (&event);

  return tf_gen_eml (JANE_NAME " <" JANE ">", ORGANIZER, "Accepted: Q3 budget review",
                     utc (2008, 8, 18, 14, 2), NULL, ics, "REPLY", FALSE);
}

/**
 * tf_gen_sample:
 * @name: one of tf_gen_sample_names()
 *
 * Returns: (transfer full) (nullable): the sample's bytes, or %NULL if
 *   @name is unknown
 */
GBytes *
tf_gen_sample (const char *name)
{
  guint64 healthy = utc_ft (2008, 8, 18, 14, 2);

  g_return_val_if_fail (name != NULL, NULL);

  if (g_str_equal (name, "tnef-1601"))
    return sample_meeting ("IPM.Schedule.Meeting.Request", TF_FILETIME_1601, FALSE);
  if (g_str_equal (name, "tnef-healthy"))
    return sample_meeting ("IPM.Schedule.Meeting.Request", healthy, FALSE);
  if (g_str_equal (name, "msg-1601"))
    return sample_meeting ("IPM.Appointment", TF_FILETIME_1601, TRUE);
  if (g_str_equal (name, "msg-pre1900"))
    return sample_meeting ("IPM.Appointment", G_GUINT64_CONSTANT (0x014F35A9A90CC000), TRUE);
  if (g_str_equal (name, "msg-healthy"))
    return sample_meeting ("IPM.Appointment", healthy, TRUE);

  if (g_str_equal (name, "eml-tnef-1601") || g_str_equal (name, "eml-tnef-healthy") || g_str_equal (name, "eml-tnef-cancel-1601"))
    {
      gboolean cancel = g_str_equal (name, "eml-tnef-cancel-1601");
      g_autoptr (GBytes) tnef = sample_meeting (cancel ? "IPM.Schedule.Meeting.Canceled"
                                                       : "IPM.Schedule.Meeting.Request",
                                                g_str_equal (name, "eml-tnef-healthy") ? healthy : TF_FILETIME_1601,
                                                FALSE);

      return tf_gen_eml (ORGANIZER_FROM, JANE ", " CHRIS,
                         cancel ? "Canceled: Q3 budget review" : "Updated: Q3 budget review",
                         utc (2008, 8, 20, 11, 44), tnef, NULL, NULL, TRUE);
    }

  if (g_str_equal (name, "msg-note-embedded-1601"))
    return sample_embedded (TRUE);
  if (g_str_equal (name, "tnef-note-embedded-1601"))
    return sample_embedded (FALSE);
  if (g_str_equal (name, "eml-tnef-qp-embedded-1601"))
    {
      g_autoptr (GBytes) tnef = sample_embedded (FALSE);

      return tf_gen_eml_tnef_qp (JANE_NAME " <" JANE ">", "helpdesk@contoso.example",
                                 "Ticket 4711: meeting update stuck", utc (2008, 8, 21, 9, 10), tnef);
    }

  if (g_str_equal (name, "eml-ics-request"))
    {
      const TfGenAttendee attendees[] = {
        { JANE, JANE_NAME, "NEEDS-ACTION", "REQ-PARTICIPANT" },
        { CHRIS, CHRIS_NAME, "NEEDS-ACTION", "REQ-PARTICIPANT" },
      };
      const TfGenEvent event = {
        "REQUEST", UID_PARTNER, 0, utc (2008, 8, 20, 15, 30), ORGANIZER,
        attendees, G_N_ELEMENTS (attendees), "Partner call: Fabrikam integration",
        "20080820T153000Z", "20080820T153000Z"
      };
      g_autoptr (GBytes) ics = tf_gen_ics (&event);

      return tf_gen_eml (ORGANIZER_FROM, JANE ", " CHRIS, "Partner call: Fabrikam integration",
                         utc (2008, 8, 20, 15, 30), NULL, ics, "REQUEST", TRUE);
    }

  if (g_str_equal (name, "eml-ics-reply"))
    return sample_reply (TRUE);
  if (g_str_equal (name, "eml-ics-reply-missing-cc"))
    return sample_reply (FALSE);

  if (g_str_equal (name, "ics-cc-1601"))
    {
      const TfGenAttendee attendees[] = {
        { CHRIS, CHRIS_NAME, "ACCEPTED", "REQ-PARTICIPANT" },
      };
      const TfGenEvent event = {
        "REQUEST", UID_BOARD, 2, utc (2008, 8, 22, 8, 30), ORGANIZER,
        attendees, G_N_ELEMENTS (attendees), "Board meeting prep",
        "16010101T000000Z", "20080822T083000Z"
      };

      return tf_gen_ics (&event);
    }

  if (g_str_equal (name, "dsn-447"))
    {
      const char *recipients[] = { JANE, NULL };

      return tf_gen_dsn (REPORTING_MTA, recipients, "4.4.7", "Updated: Q3 budget review",
                         utc (2008, 8, 22, 11, 50));
    }

  if (g_str_equal (name, "damaged"))
    {
      /* Binary noise: no header block, no signature */
      static const guint8 noise[] = {
        0x00,
        0x13,
        0x37,
        0xFE,
        0xED,
        0xFA,
        0xCE,
        0x0D,
        0x0A,
        0x1A,
        0x00,
        0xFF,
        0x42,
        0x41,
        0x44,
        0x21,
        0x00,
        0x01,
        0x02,
        0x03,
        0x04,
        0x05,
        0x06,
        0x07,
      };

      return g_bytes_new_static (noise, sizeof noise);
    }

  return NULL;
}
