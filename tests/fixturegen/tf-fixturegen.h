/* tf-fixturegen.h — TEST-ONLY generator of meeting fixtures
 *
 * No public sample carries a 1601 track-status time (see
 * shared/corpus/NOTES.md), so tests, the demo data and the benchmarks build
 * their own with this generator. It is never linked into trackfix or
 * trackfix-cli.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "tf-core.h"

G_BEGIN_DECLS

typedef struct
{
  const char      *name;
  const char      *address;        /* SMTP address */
  TfRecipientType  type;           /* ORGANIZER, TO (required), CC (optional), RESOURCE */
  int              track_status;   /* TF_TRACK_STATUS_ABSENT to omit 0x5FFF0003 */
  gboolean         has_track_time; /* FALSE to omit 0x5FFB0040 */
  guint64          track_time;     /* FILETIME */
} TfGenRecipient;

typedef struct TfGenMeeting TfGenMeeting;

struct TfGenMeeting
{
  const char           *message_class;  /* e.g. "IPM.Schedule.Meeting.Request" */
  const char           *subject;
  const char           *uid;            /* seeds the GlobalObjectId; NULL = random */
  gint                  sequence;       /* PidLidAppointmentSequence, -1 to omit */
  gboolean              has_attendee_cc;
  guint64               attendee_cc;    /* PidLidAttendeeCriticalChange */
  gboolean              has_owner_cc;
  guint64               owner_cc;       /* PidLidOwnerCriticalChange */
  gint64                sent;           /* unix seconds (PR_CLIENT_SUBMIT_TIME) */
  const TfGenRecipient *recipients;
  guint                 n_recipients;
  /* Messages attached to this one as embedded messages (each may carry its
   * own): .msg attach method 5 with a __substg1.0_3701000D storage; TNEF
   * attAttachRendData + attAttachment with PR_ATTACH_DATA_OBJ as a
   * PT_OBJECT (IID_IMessage) holding the message's own TNEF stream */
  const TfGenMeeting *attachments;
  guint n_attachments;
};

typedef struct
{
  const char *address;
  const char *name;
  const char *partstat;   /* "ACCEPTED", … or NULL */
  const char *role;       /* "REQ-PARTICIPANT", … or NULL */
} TfGenAttendee;

/* How tf_gen_ics() writes names (RFC 5545 3.1: case-insensitive) */
typedef enum
{
  TF_GEN_CASE_UPPER, /* as Outlook and Exchange write them */
  TF_GEN_CASE_LOWER, /* "x-microsoft-cdo-attendee-critical-change" */
  TF_GEN_CASE_MIXED, /* "x-MiCrOsOfT-…" */
} TfGenNameCase;

typedef struct
{
  const char          *method;          /* "REQUEST", "REPLY", "CANCEL", "COUNTER", NULL */
  const char          *uid;
  gint                 sequence;
  gint64               dtstamp;         /* unix seconds */
  const char          *organizer;       /* address */
  const TfGenAttendee *attendees;
  guint                n_attendees;
  const char          *summary;
  /* X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE / -OWNER-CRITICAL-CHANGE
   * verbatim values ("20080820T113400Z", "16010101T000000Z"); NULL omits */
  const char          *attendee_cc;
  const char          *owner_cc;
  /* Case of property and parameter names and of the BEGIN, END, METHOD
   * and PARTSTAT values (on the first line of a folded line) */
  TfGenNameCase name_case;
} TfGenEvent;

/* Raw TNEF stream (winmail.dat) with attMessageClass, attMsgProps (named
 * properties for GOID, sequence, critical changes) and attRecipTable. */
GBytes *tf_gen_tnef       (const TfGenMeeting *meeting);
/* Outlook .msg (CFB, written with libgsf) with the same content. */
GBytes *tf_gen_msg        (const TfGenMeeting *meeting);
/* iCalendar text, CRLF line ends, folded at 75 octets. */
GBytes *tf_gen_ics        (const TfGenEvent   *event);

/* RFC 5322 queue message (CRLF) from @from to @to with @subject and @date;
 * @tnef (nullable) attached as application/ms-tnef "winmail.dat" (base64),
 * @ics (nullable) as text/calendar inside multipart/alternative. Extra
 * envelope lines (X-Sender / X-Receiver) are written first when
 * @with_envelope is TRUE, as in an Exchange 2003 queue/Drop file. */
GBytes *tf_gen_eml        (const char         *from,
                           const char         *to,
                           const char         *subject,
                           gint64              date,
                           GBytes             *tnef,
                           GBytes             *ics,
                           const char         *ical_method,
                           gboolean            with_envelope);
/* The same with @tnef (no calendar text) as a quoted-printable part:
 * multipart/mixed (0) { text/plain (1), application/ms-tnef (2) } */
GBytes *tf_gen_eml_tnef_qp (const char *from,
                            const char *to,
                            const char *subject,
                            gint64 date,
                            GBytes *tnef);
/* RFC 3464 DSN (multipart/report) for @recipients with @status
 * ("4.4.7"), plus the Exchange 2003 text part ("… #4.4.7>"). */
GBytes *tf_gen_dsn        (const char         *reporting_mta,
                           const char * const *recipients,
                           const char         *status,
                           const char         *subject,
                           gint64              date);

/* Exchange 2003 / IMS text NDR (text/plain only) with each recipient line
 * written verbatim, see tf_gen_text_ndr() */
GBytes *tf_gen_text_ndr (const char *reporting_mta,
                         const char *const *recipient_lines,
                         const char *status,
                         const char *subject,
                         gint64 date);

/* Removes @path and everything below it, never following a symlink, a
 * folder whose permissions a test took away included (a test's scratch
 * folder) */
void tf_gen_remove_tree (const char *path);

/* A new scratch folder "trackfix-@what-XXXXXX" in the temp folder; the
 * test fails when it cannot be made */
char *tf_gen_make_tmp_dir (const char *what);

/* A repair test's scratch folder: the files, a backup folder and a
 * journal path (@journal_name relative to @dir), none made yet but @dir */
typedef struct
{
  char *dir;
  char *backups;
  char *journal;
} TfGenRepairDir;

void tf_gen_repair_dir_init (TfGenRepairDir *rd,
                             const char *what,
                             const char *journal_name);
void tf_gen_repair_dir_clear (TfGenRepairDir *rd);

/* Writes the demo folder (data/demo layout): a queue with healthy and
 * affected TNEF updates, iCalendar replies with and without the critical
 * change stamp, organizer .msg items, an NDR and a damaged file. */
gboolean tf_gen_demo      (const char         *dir,
                           GError            **error);
/* Writes @n realistic queue files (mix of formats, ~1 in 10 affected) into
 * @dir for benchmarks. @seed makes it reproducible. */
gboolean tf_gen_queue     (const char         *dir,
                           guint               n,
                           guint32             seed,
                           GError            **error);

/* Named single samples for tests ("tnef-1601", "msg-pre1900", "dsn-447",
 * "damaged", …: see tf_gen_sample_names()), built like the demo data.
 * Returns NULL for an unknown name. */
GBytes             *tf_gen_sample       (const char         *name);
const char * const *tf_gen_sample_names (void);

G_END_DECLS
