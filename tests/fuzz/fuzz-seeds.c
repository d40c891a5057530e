/* fuzz-seeds.c — writes generated seed inputs for the fuzz targets
 *
 * Usage: fuzz-seeds DIR
 * Creates DIR/tnef, DIR/msg and DIR/read with small fixtures from the test
 * fixture generator: healthy and 1601 track-status times, missing times,
 * organizer rows, iCalendar replies with and without the critical-change
 * stamp, queue messages carrying TNEF or iCalendar, an mbox and a DSN.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "tf-fixturegen.h"

#define GOOD_FILETIME G_GUINT64_CONSTANT (0x01C902B5A2F6E000)

static void
save (const char *dir,
      const char *sub,
      const char *name,
      GBytes *bytes)
{
  g_autofree char *folder = g_build_filename (dir, sub, NULL);
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autoptr (GError) error = NULL;

  if (g_mkdir_with_parents (folder, 0755) != 0)
    g_error ("cannot create %s", folder);
  if (!g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                            (gssize) g_bytes_get_size (bytes), &error))
    g_error ("%s", error->message);
}

static GBytes *
concat (GBytes *a,
        GBytes *b)
{
  GByteArray *out = g_byte_array_new ();

  g_byte_array_append (out, g_bytes_get_data (a, NULL), g_bytes_get_size (a));
  g_byte_array_append (out, g_bytes_get_data (b, NULL), g_bytes_get_size (b));
  return g_byte_array_free_to_bytes (out);
}

int
main (int argc,
      char **argv)
{
  const char *dir;
  const TfGenRecipient recipients[] = {
    { "Org Anizer", "organizer@example.com", TF_RECIPIENT_TYPE_ORGANIZER, 1, TRUE, GOOD_FILETIME },
    { "Ann Good", "ann@example.com", TF_RECIPIENT_TYPE_TO, 3, TRUE, GOOD_FILETIME },
    { "Bob Stuck", "bob@example.com", TF_RECIPIENT_TYPE_TO, 3, TRUE, 0 },
    { "Cat Old", "cat@example.com", TF_RECIPIENT_TYPE_CC, 2, TRUE, G_GUINT64_CONSTANT (0x0000000100000000) },
    { "Dan None", "dan@example.com", TF_RECIPIENT_TYPE_CC, TF_TRACK_STATUS_ABSENT, FALSE, 0 },
    { "Room", "room@example.com", TF_RECIPIENT_TYPE_RESOURCE, 0, TRUE, 0 },
  };
  TfGenMeeting update = {
    .message_class = "IPM.Schedule.Meeting.Request",
    .subject = "Weekly sync (updated)",
    .uid = "040000008200E00074C5B7101A82E0080000000010B1C2D3E4F5",
    .sequence = 2,
    .has_attendee_cc = TRUE,
    .attendee_cc = GOOD_FILETIME,
    .has_owner_cc = TRUE,
    .owner_cc = 0,
    .sent = 1219232040,
    .recipients = recipients,
    .n_recipients = G_N_ELEMENTS (recipients),
  };
  TfGenMeeting reply = {
    .message_class = "IPM.Schedule.Meeting.Resp.Pos",
    .subject = "Accepted: Weekly sync",
    .uid = NULL,
    .sequence = -1,
    .sent = 1219232040,
    .recipients = recipients,
    .n_recipients = 2,
  };
  const TfGenAttendee attendees[] = {
    { "ann@example.com", "Ann Good", "ACCEPTED", "REQ-PARTICIPANT" },
    { "bob@example.com", NULL, "NEEDS-ACTION", "OPT-PARTICIPANT" },
  };
  TfGenEvent ev_reply = {
    .method = "REPLY",
    .uid = "weekly-sync@example.com",
    .sequence = 2,
    .dtstamp = 1219232040,
    .organizer = "organizer@example.com",
    .attendees = attendees,
    .n_attendees = 1,
    .summary = "Weekly sync",
    .attendee_cc = NULL,
    .owner_cc = NULL,
  };
  TfGenEvent ev_request = {
    .method = "REQUEST",
    .uid = "weekly-sync@example.com",
    .sequence = 3,
    .dtstamp = 1219232040,
    .organizer = "organizer@example.com",
    .attendees = attendees,
    .n_attendees = G_N_ELEMENTS (attendees),
    .summary = "Weekly sync",
    .attendee_cc = "20080820T113400Z",
    .owner_cc = "16010101T000000Z",
  };
  const char *const bounced[] = { "bob@example.com", "dan@example.com", NULL };
  g_autoptr (GBytes) tnef_update = NULL;
  g_autoptr (GBytes) tnef_reply = NULL;
  g_autoptr (GBytes) msg_update = NULL;
  g_autoptr (GBytes) msg_reply = NULL;
  g_autoptr (GBytes) ics_reply = NULL;
  g_autoptr (GBytes) ics_request = NULL;
  g_autoptr (GBytes) eml_tnef = NULL;
  g_autoptr (GBytes) eml_ics = NULL;
  g_autoptr (GBytes) dsn = NULL;
  g_autoptr (GBytes) mbox = NULL;
  g_autoptr (GBytes) from_line = NULL;

  if (argc != 2)
    {
      g_printerr ("usage: %s DIR\n", argv[0]);
      return 2;
    }
  dir = argv[1];

  tnef_update = tf_gen_tnef (&update);
  tnef_reply = tf_gen_tnef (&reply);
  msg_update = tf_gen_msg (&update);
  msg_reply = tf_gen_msg (&reply);
  ics_reply = tf_gen_ics (&ev_reply);
  ics_request = tf_gen_ics (&ev_request);
  eml_tnef = tf_gen_eml ("organizer@example.com", "bob@example.com", "Weekly sync (updated)",
                         1219232040, tnef_update, NULL, NULL, TRUE);
  eml_ics = tf_gen_eml ("ann@example.com", "organizer@example.com", "Accepted: Weekly sync",
                        1219232040, NULL, ics_reply, "REPLY", FALSE);
  dsn = tf_gen_dsn ("mail.example.com", bounced, "4.4.7", "Weekly sync (updated)", 1219232040);
  from_line = g_bytes_new_static ("From organizer@example.com Wed Aug 20 11:34:00 2008\n", 53);
  mbox = concat (from_line, eml_tnef);
  {
    g_autoptr (GBytes) second = concat (from_line, eml_ics);
    g_autoptr (GBytes) both = concat (mbox, second);

    g_bytes_unref (mbox);
    mbox = g_steal_pointer (&both);
  }

  save (dir, "tnef", "gen-update.tnef", tnef_update);
  save (dir, "tnef", "gen-reply.tnef", tnef_reply);
  save (dir, "msg", "gen-update.msg", msg_update);
  save (dir, "msg", "gen-reply.msg", msg_reply);
  save (dir, "read", "gen-update.tnef", tnef_update);
  save (dir, "read", "gen-update.msg", msg_update);
  save (dir, "read", "gen-reply.ics", ics_reply);
  save (dir, "read", "gen-request.ics", ics_request);
  save (dir, "read", "gen-update.eml", eml_tnef);
  save (dir, "read", "gen-reply.eml", eml_ics);
  save (dir, "read", "gen-ndr.eml", dsn);
  save (dir, "read", "gen-two.mbox", mbox);

  /* Embedded messages two levels deep (issue 15 §3), and TNEF in a
   * quoted-printable part (§5) */
  {
    g_autoptr (GBytes) msg_embedded = tf_gen_sample ("msg-note-embedded-1601");
    g_autoptr (GBytes) tnef_embedded = tf_gen_sample ("tnef-note-embedded-1601");
    g_autoptr (GBytes) eml_qp = tf_gen_sample ("eml-tnef-qp-embedded-1601");

    save (dir, "msg", "gen-embedded.msg", msg_embedded);
    save (dir, "tnef", "gen-embedded.tnef", tnef_embedded);
    save (dir, "read", "gen-embedded.msg", msg_embedded);
    save (dir, "read", "gen-embedded.tnef", tnef_embedded);
    save (dir, "read", "gen-embedded-qp.eml", eml_qp);
  }

  return 0;
}
