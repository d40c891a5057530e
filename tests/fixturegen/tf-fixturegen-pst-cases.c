/* tf-fixturegen-pst-cases.c — TEST-ONLY PST data sets: test cases, demo,
 * benchmark (see tf-fixturegen-pst.h)
 *
 * pst-cases writes every case twice, ANSI (NAME-ansi.pst) and Unicode
 * (NAME-unicode.pst), and a MANIFEST the tests read, tab-separated:
 *   F file messages rows           counts over the whole file, embedded
 *                                  messages included
 *   R file depth class subject row value
 *                                  the 0x5FFB0040 cell of one recipient row:
 *                                  FILETIME hex or "absent"; depth 0 for a
 *                                  folder's message, 1 for one embedded in it
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tf-core.h"
#include "tf-fixturegen-pst.h"

/* Track-status times the cases use */
#define FT_1601 G_GUINT64_CONSTANT (0)
#define FT_PRE1900 G_GUINT64_CONSTANT (0x01179F8C6E7A0000) /* 1850-06-01 */
#define FT_NONE G_GUINT64_CONSTANT (0x0CB34557A3DD4000)    /* 4501-01-01 */
#define FT_NORMAL G_GUINT64_CONSTANT (0x01D903D957CD5000)  /* 2022-11-29 10:00 */

#define T0 1214841600 /* 2008-06-30 16:00 UTC */

typedef struct
{
  GString *manifest;
  const char *file;
  guint messages;
  guint rows;
  guint depth;
} Manifest;

/* A subject as readers show it: Outlook may store 0x01 and one more
 * character (the prefix length) before it */
static const char *
plain_subject (const char *subject)
{
  return subject[0] == 0x01 && subject[1] != '\0' ? subject + 2 : subject;
}

static void
note_message (Manifest *mf,
              const TfPstMessage *m)
{
  mf->messages++;
  for (guint i = 0; i < m->n_recipients; i++)
    {
      const TfPstRecipient *r = &m->recipients[i];

      mf->rows++;
      g_string_append_printf (mf->manifest, "R\t%s\t%u\t%s\t%s\t%u\t", mf->file, mf->depth, m->message_class, plain_subject (m->subject), i);
      if (r->has_track_time)
        g_string_append_printf (mf->manifest, "%016" G_GINT64_MODIFIER "X\n", r->track_time);
      else
        g_string_append (mf->manifest, "absent\n");
    }
  mf->depth++;
  for (guint i = 0; i < m->n_embedded; i++)
    note_message (mf, &m->embedded[i]);
  mf->depth--;
}

static gboolean
add (TfPstWriter *w,
     Manifest *mf,
     guint32 folder,
     const TfPstMessage *m,
     GError **error)
{
  if (mf != NULL)
    note_message (mf, m);
  return tf_pst_writer_add_message (w, folder, m, error) != 0;
}

static TfPstRecipient
attendee (const char *name,
          const char *smtp,
          guint32 type,
          gboolean has_time,
          guint64 time)
{
  TfPstRecipient r = { name, smtp, smtp, type, has_time ? 2 : -1, has_time, time, NULL };

  return r;
}

static TfPstMessage
meeting (const char *cls,
         const char *subject,
         const char *uid,
         const TfPstRecipient *rcpts,
         guint n)
{
  TfPstMessage m = { cls, subject, "Anna Organizer", "anna@example.com", T0, uid, 0, NULL, 1252, rcpts, n, 0, NULL, 0 };

  return m;
}

/* --- the cases ----------------------------------------------------------- */

/* Calendar, Sent Items, Outbox and a non-ASCII folder; row matrices in the
 * heap; every kind of value and an absent cell */
static gboolean
case_heap_rows (TfPstWriter *w,
                Manifest *mf,
                GError **error)
{
  guint32 top = tf_pst_writer_ipm_subtree (w);
  guint32 cal = tf_pst_writer_add_folder (w, top, "Calendar", "IPF.Appointment");
  guint32 sent = tf_pst_writer_add_folder (w, top, "Sent Items", NULL);
  guint32 outbox = tf_pst_writer_add_folder (w, top, "Outbox", NULL);
  guint32 other = tf_pst_writer_add_folder (w, top, "Besprechungsräume – Übersicht", "IPF.Appointment");
  TfPstRecipient r1[] = {
    attendee ("Anna Organizer", "anna@example.com", 0, TRUE, FT_NORMAL),
    attendee ("Bartosz Kowalski", "bartosz@example.com", 1, TRUE, FT_1601),
    attendee ("Carla Dörfler", "carla@example.com", 1, TRUE, FT_PRE1900),
    attendee ("Dieter Hansen", "dieter@example.com", 2, TRUE, FT_NONE),
    attendee ("Ewa Nowak", "ewa@example.com", 2, FALSE, 0),
  };
  TfPstRecipient r2[] = {
    attendee ("Frank Meier", "frank@example.com", 1, TRUE, FT_1601),
    attendee ("Gosia Zielińska", "gosia@example.com", 1, FALSE, 0),
  };
  TfPstRecipient r3[] = { attendee ("Hanna Schulz", "hanna@example.com", 1, TRUE, FT_NORMAL) };
  TfPstMessage m1 = meeting ("IPM.Appointment", "Weekly sync", "heap-1", r1, G_N_ELEMENTS (r1));
  TfPstMessage m2 = meeting ("IPM.Schedule.Meeting.Request", "Budget review", "heap-2", r2, G_N_ELEMENTS (r2));
  TfPstMessage m3 = meeting ("IPM.Schedule.Meeting.Request", "Room move", "heap-3", r3, G_N_ELEMENTS (r3));
  TfPstMessage m4 = meeting ("IPM.Appointment", "Raumplanung Größe", "heap-4", r2, G_N_ELEMENTS (r2));

  m2.body = "Please review the budget before the meeting.";
  m2.subject = "\001\005RE: Budget review"; /* with Outlook's prefix marker */
  return add (w, mf, cal, &m1, error) && add (w, mf, sent, &m2, error)
         && add (w, mf, outbox, &m3, error) && add (w, mf, other, &m4, error);
}

/* 250 rows: the row matrix sits in a subnode spanning several blocks */
static gboolean
case_subnode_rows (TfPstWriter *w,
                   Manifest *mf,
                   GError **error)
{
  guint32 cal = tf_pst_writer_add_folder (w, tf_pst_writer_ipm_subtree (w), "Calendar", "IPF.Appointment");
  TfPstRecipient r[250];
  g_autoptr (GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  TfPstMessage m;

  for (guint i = 0; i < G_N_ELEMENTS (r); i++)
    {
      char *name = g_strdup_printf ("Attendee %03u", i);
      char *smtp = g_strdup_printf ("attendee%03u@example.com", i);
      guint64 t = i % 10 == 3 ? FT_1601 : FT_NORMAL + (guint64) i * 10000000;

      g_ptr_array_add (strings, name);
      g_ptr_array_add (strings, smtp);
      r[i] = attendee (name, smtp, i == 0 ? 0 : 1, i % 7 != 5, t);
    }
  m = meeting ("IPM.Appointment", "All hands", "subnode-1", r, G_N_ELEMENTS (r));
  return add (w, mf, cal, &m, error);
}

/* A recurring meeting whose exceptions are embedded messages with their
 * own recipient tables; one exception has a 1601 row */
static gboolean
case_embedded (TfPstWriter *w,
               Manifest *mf,
               GError **error)
{
  guint32 cal = tf_pst_writer_add_folder (w, tf_pst_writer_ipm_subtree (w), "Calendar", "IPF.Appointment");
  TfPstRecipient series[] = {
    attendee ("Anna Organizer", "anna@example.com", 0, TRUE, FT_NORMAL),
    attendee ("Ivo Petrov", "ivo@example.com", 1, TRUE, FT_NORMAL),
  };
  TfPstRecipient ex1[] = {
    attendee ("Ivo Petrov", "ivo@example.com", 1, TRUE, FT_1601),
    attendee ("Jana Svoboda", "jana@example.com", 1, FALSE, 0),
  };
  TfPstRecipient ex2[] = { attendee ("Ivo Petrov", "ivo@example.com", 1, TRUE, FT_NONE) };
  TfPstMessage exceptions[2] = {
    meeting ("IPM.OLE.CLASS.{00061055-0000-0000-C000-000000000046}", "Standup (moved)", "rec-1", ex1, 2),
    meeting ("IPM.OLE.CLASS.{00061055-0000-0000-C000-000000000046}", "Standup (room)", "rec-1", ex2, 1),
  };
  TfPstMessage m = meeting ("IPM.Appointment", "Standup", "rec-1", series, G_N_ELEMENTS (series));

  exceptions[0].instance = T0 + 7 * 86400;
  exceptions[1].instance = T0 + 14 * 86400;
  m.embedded = exceptions;
  m.n_embedded = G_N_ELEMENTS (exceptions);
  return add (w, mf, cal, &m, error);
}

/* A bounce stored in the Inbox: REPORT.IPM.Note.NDR, rows holding 4.4.7 */
static gboolean
case_ndr (TfPstWriter *w,
          Manifest *mf,
          GError **error)
{
  guint32 inbox = tf_pst_writer_add_folder (w, tf_pst_writer_ipm_subtree (w), "Inbox", NULL);
  TfPstRecipient r[] = {
    { "Karl Berg", "karl@example.com", "karl@example.com", 1, -1, FALSE, 0,
      "< #4.4.7 smtp;550 4.4.7 QUEUE.Expired; message expired>" },
    { "Lena Fischer", "/O=EXAMPLE/OU=FIRST ADMINISTRATIVE GROUP/CN=RECIPIENTS/CN=LFISCHER", NULL, 1, -1, FALSE, 0,
      "< #4.4.7 smtp;550 4.4.7 QUEUE.Expired; message expired>" },
  };
  TfPstMessage m = meeting ("REPORT.IPM.Note.NDR", "Undeliverable: Weekly sync", NULL, r, G_N_ELEMENTS (r));

  m.sender_name = "System Administrator";
  m.sender_email = "postmaster@example.com";
  return add (w, mf, inbox, &m, error);
}

/* A large attachment (XXBLOCK / XBLOCK), a body in a subnode, 460 messages (contents
 * table heap over several blocks, NBT over several pages) */
static gboolean
case_many (TfPstWriter *w,
           Manifest *mf,
           GError **error)
{
  guint32 top = tf_pst_writer_ipm_subtree (w);
  guint32 inbox = tf_pst_writer_add_folder (w, top, "Inbox", NULL);
  guint32 cal = tf_pst_writer_add_folder (w, top, "Calendar", "IPF.Appointment");
  TfPstRecipient r[] = { attendee ("Mia Wolf", "mia@example.com", 1, TRUE, FT_NORMAL) };
  TfPstRecipient bad[] = { attendee ("Nils Roth", "nils@example.com", 1, TRUE, FT_1601) };
  GString *body = g_string_new (NULL);
  TfPstMessage big = meeting ("IPM.Note", "Large attachment", NULL, r, 1);
  gboolean ok;

  for (guint i = 0; i < 400; i++)
    g_string_append (body, "Lorem ipsum dolor sit amet. ");
  big.body = body->str;
  big.attachment_size = 9000000; /* an XXBLOCK in Unicode files */
  ok = add (w, mf, inbox, &big, error);
  for (guint i = 0; ok && i < 460; i++)
    {
      g_autofree char *subject = g_strdup_printf ("Meeting %03u", i);
      g_autofree char *uid = g_strdup_printf ("many-%u", i);
      TfPstMessage m = meeting ("IPM.Appointment", subject, uid, i % 100 == 42 ? bad : r, 1);

      m.sent = T0 + i * 3600;
      ok = add (w, mf, cal, &m, error);
    }
  g_string_free (body, TRUE);
  return ok;
}

typedef gboolean (*CaseFunc) (TfPstWriter *w, Manifest *mf, GError **error);

typedef struct
{
  const char *name;
  CaseFunc func;
  TfPstCrypt crypt;
} Case;

static const Case cases[] = {
  { "heap-rows", case_heap_rows, TF_PST_CRYPT_PERMUTE },
  { "subnode-rows", case_subnode_rows, TF_PST_CRYPT_PERMUTE },
  { "embedded", case_embedded, TF_PST_CRYPT_PERMUTE },
  { "ndr", case_ndr, TF_PST_CRYPT_PERMUTE },
  { "many", case_many, TF_PST_CRYPT_PERMUTE },
  { "crypt-none", case_heap_rows, TF_PST_CRYPT_NONE },
  { "crypt-cyclic", case_heap_rows, TF_PST_CRYPT_CYCLIC },
  { "cyclic-embedded", case_embedded, TF_PST_CRYPT_CYCLIC },
};

static gboolean
write_case (const char *dir,
            const Case *c,
            gboolean unicode,
            GString *manifest,
            GError **error)
{
  g_autofree char *base = g_strdup_printf ("%s-%s.pst", c->name, unicode ? "unicode" : "ansi");
  g_autofree char *path = g_build_filename (dir, base, NULL);
  g_autoptr (TfPstWriter) w = tf_pst_writer_new (path, unicode, c->crypt, error);
  Manifest mf = { manifest, base, 0, 0, 0 };
  GString *rows = g_string_new (NULL);
  gboolean ok;

  if (w == NULL)
    return FALSE;
  mf.manifest = rows;
  ok = c->func (w, &mf, error) && tf_pst_writer_finish (w, error);
  g_string_append_printf (manifest, "F\t%s\t%u\t%u\n%s", base, mf.messages, mf.rows, rows->str);
  g_string_free (rows, TRUE);
  return ok;
}

gboolean
tf_gen_pst_cases (const char *dir,
                  GError **error)
{
  g_autoptr (GString) manifest = g_string_new ("# trackfix-gen pst-cases (tab-separated): F file messages rows / R file depth class subject row 0x5FFB0040\n");
  g_autofree char *path = g_build_filename (dir, "MANIFEST", NULL);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", dir, g_strerror (errno));
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (int unicode = 0; unicode <= 1; unicode++)
      if (!write_case (dir, &cases[i], unicode, manifest, error))
        return FALSE;
  return g_file_set_contents (path, manifest->str, (gssize) manifest->len, error);
}

/* --- demo and benchmark -------------------------------------------------- */

/* The organizer's mailbox of the demo data set (data/demo): Ken Myer's
 * calendar with the "Q3 budget review" whose 1601 row keeps the update in
 * the demo's retry queue (same GlobalObjectId as the queue files, so
 * Meetings groups them), a recurring meeting whose exception has a 1601
 * row, a meeting with an absent cell that must not be flagged, a healthy
 * meeting, and the sent update in Sent Items. */
/* A row of the demo mailbox: the organizer's own row says "Organized",
 * an attendee who answered "Accepted" (pst-cases keep "Tentative") */
static TfPstRecipient
demo_attendee (const char *name,
               const char *smtp,
               guint32 type,
               gboolean has_time,
               guint64 time)
{
  TfPstRecipient r = attendee (name, smtp, type, has_time, time);

  if (has_time)
    r.track_status = type == 0 ? 1 : 3;
  return r;
}

gboolean
tf_gen_pst_demo (const char *path,
                 GError **error)
{
  g_autoptr (TfPstWriter) w = tf_pst_writer_new (path, TRUE, TF_PST_CRYPT_PERMUTE, error);
  const gint64 sent = 1219232640; /* 2008-08-20 11:44 UTC, as the queue's update */
  /* The attendees answered on 2008-08-18 (09:12 and 14:02 UTC) */
  const guint64 answered = tf_filetime_from_unix (1219050720);
  const guint64 answered_later = tf_filetime_from_unix (1219068120);
  guint32 cal, sent_items;
  TfPstRecipient stuck[] = {
    demo_attendee ("Ken Myer", "ken.myer@contoso.example", 0, TRUE, answered),
    demo_attendee ("Jane Doe", "jane.doe@fabrikam.example", 1, TRUE, FT_1601),
    demo_attendee ("Chris Preston", "chris.preston@contoso.example", 1, TRUE, answered),
  };
  TfPstRecipient absent[] = {
    demo_attendee ("Ken Myer", "ken.myer@contoso.example", 0, TRUE, answered),
    demo_attendee ("Pilar Ackerman", "pilar.ackerman@contoso.example", 1, FALSE, 0),
  };
  TfPstRecipient healthy[] = {
    demo_attendee ("Ken Myer", "ken.myer@contoso.example", 0, TRUE, answered),
    demo_attendee ("Molly Dempsey", "molly.dempsey@contoso.example", 1, TRUE, answered_later),
  };
  TfPstRecipient ex_rows[] = { demo_attendee ("Sean Chai", "sean.chai@fabrikam.example", 1, TRUE, FT_1601) };
  TfPstMessage ex = meeting ("IPM.OLE.CLASS.{00061055-0000-0000-C000-000000000046}",
                             "Project standup (moved)", "demo-recurring", ex_rows, 1);
  TfPstMessage items[] = {
    meeting ("IPM.Appointment", "Q3 budget review", TF_GEN_DEMO_BUDGET_UID, stuck, G_N_ELEMENTS (stuck)),
    meeting ("IPM.Appointment", "Project standup", "demo-recurring", healthy, 2),
    meeting ("IPM.Appointment", "Architecture board", "demo-absent", absent, 2),
    meeting ("IPM.Appointment", "Team offsite", "demo-healthy", healthy, 2),
  };

  if (w == NULL)
    return FALSE;
  cal = tf_pst_writer_add_folder (w, tf_pst_writer_ipm_subtree (w), "Calendar", "IPF.Appointment");
  sent_items = tf_pst_writer_add_folder (w, tf_pst_writer_ipm_subtree (w), "Sent Items", NULL);
  ex.instance = T0 + 7 * 86400;
  /* Moved an hour after the update was sent: the demo's first 1601 item
   * in the window's order stays the .msg calendar item (test-repair-ui) */
  ex.sent = sent + 3600;
  ex.sender_name = "Ken Myer";
  ex.sender_email = "ken.myer@contoso.example";
  items[1].embedded = &ex;
  items[1].n_embedded = 1;
  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      items[i].sender_name = "Ken Myer";
      items[i].sender_email = "ken.myer@contoso.example";
      items[i].sent = sent - (gint64) i * 86400;
      if (!add (w, NULL, cal, &items[i], error))
        return FALSE;
    }
  items[0].message_class = "IPM.Schedule.Meeting.Request";
  items[0].subject = "Updated: Q3 budget review";
  if (!add (w, NULL, sent_items, &items[0], error))
    return FALSE;
  return tf_pst_writer_finish (w, error);
}

gboolean
tf_gen_pst_bench (const char *path,
                  gboolean unicode,
                  TfPstCrypt crypt,
                  guint64 size,
                  guint n,
                  GError **error)
{
  static const char *const names[] = { "Calendar", "Inbox", "Sent Items", "Outbox" };
  g_autoptr (TfPstWriter) w = tf_pst_writer_new (path, unicode, crypt, error);
  guint32 folders[G_N_ELEMENTS (names)];
  guint64 per = n > 0 ? size / n : 0;

  if (w == NULL)
    return FALSE;
  per = per > 6000 ? per - 6000 : 0; /* the message's own nodes */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    folders[i] = tf_pst_writer_add_folder (w, tf_pst_writer_ipm_subtree (w), names[i], i == 0 ? "IPF.Appointment" : NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *subject = g_strdup_printf ("Bench meeting %05u", i);
      g_autofree char *uid = g_strdup_printf ("bench-%u", i);
      TfPstRecipient r[] = {
        attendee ("Anna Organizer", "anna@example.com", 0, TRUE, FT_NORMAL),
        attendee ("Bartosz Kowalski", "bartosz@example.com", 1, TRUE, i % 200 == 7 ? FT_1601 : FT_NORMAL),
        attendee ("Carla Dörfler", "carla@example.com", 1, i % 3 != 0, FT_NORMAL),
      };
      TfPstMessage m = meeting (i % 4 == 0 ? "IPM.Appointment" : "IPM.Schedule.Meeting.Request", subject, uid, r, 3);

      m.sent = T0 + i * 60;
      m.attachment_size = per;
      if (!add (w, NULL, folders[i % G_N_ELEMENTS (names)], &m, error))
        return FALSE;
    }
  return tf_pst_writer_finish (w, error);
}
