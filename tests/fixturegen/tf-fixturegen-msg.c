/* tf-fixturegen-msg.c — TEST-ONLY fixture generator (see tf-fixturegen.h)
 *
 * Writes Outlook .msg files ([MS-OXMSG]) with libgsf's compound-file
 * writer: the top-level property stream, message class and subject, the
 * named-property map for the PSETID_Meeting / PSETID_Appointment
 * properties, and one recipient storage per recipient with the
 * track-status properties as requested.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gsf/gsf.h>
#include <string.h>

#include "tf-fixturegen.h"

#define PROP_FLAGS 0x00000006 /* readable | writable */

/* Named properties of the generated files, in entry-stream order: the
 * property id is 0x8000 + index */
enum
{
  NAMED_GOID,
  NAMED_CLEAN_GOID,
  NAMED_SEQUENCE,
  NAMED_ATTENDEE_CC,
  NAMED_OWNER_CC,
  N_NAMED
};

typedef struct
{
  const guint8 *guid;
  guint32 lid;
} NamedDef;

static void
put_u32 (GByteArray *a,
         guint32 v)
{
  guint8 b[4] = { v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF, (v >> 24) & 0xFF };

  g_byte_array_append (a, b, 4);
}

static void
put_u64 (GByteArray *a,
         guint64 v)
{
  put_u32 (a, (guint32) (v & 0xFFFFFFFF));
  put_u32 (a, (guint32) (v >> 32));
}

static void
put_zeros (GByteArray *a,
           guint n)
{
  static const guint8 zero[32] = { 0 };

  while (n > 0)
    {
      guint k = MIN (n, (guint) sizeof zero);

      g_byte_array_append (a, zero, k);
      n -= k;
    }
}

/* A fixed-size property entry (16 bytes) */
static void
put_fixed (GByteArray *props,
           guint32 tag,
           guint64 value)
{
  put_u32 (props, tag);
  put_u32 (props, PROP_FLAGS);
  put_u64 (props, value);
}

static void
write_stream (GsfOutfile *storage,
              const char *name,
              const guint8 *data,
              gsize len)
{
  GsfOutput *child = gsf_outfile_new_child (storage, name, FALSE);

  g_assert (child != NULL);
  if (len > 0)
    g_assert_true (gsf_output_write (child, len, data));
  g_assert_true (gsf_output_close (child));
  g_object_unref (child);
}

static GByteArray *
utf16le (const char *text)
{
  g_autofree gunichar2 *units = NULL;
  glong n = 0;
  GByteArray *a = g_byte_array_new ();

  units = g_utf8_to_utf16 (text != NULL ? text : "", -1, NULL, &n, NULL);
  g_assert (units != NULL);
  for (glong i = 0; i < n; i++)
    {
      guint8 b[2] = { units[i] & 0xFF, units[i] >> 8 };

      g_byte_array_append (a, b, 2);
    }
  return a;
}

/* PT_UNICODE property: its entry (size includes the terminator, as Outlook
 * writes it) plus its __substg1.0_ stream (without the terminator) */
static void
put_string (GsfOutfile *storage,
            GByteArray *props,
            guint16 prop_id,
            const char *text)
{
  g_autoptr (GByteArray) value = utf16le (text);
  g_autofree char *name = g_strdup_printf ("__substg1.0_%04X001F", prop_id);

  put_u32 (props, TF_PROP_TAG (prop_id, TF_PT_UNICODE));
  put_u32 (props, PROP_FLAGS);
  put_u32 (props, value->len + 2);
  put_u32 (props, 0);
  write_stream (storage, name, value->data, value->len);
}

static void
put_binary (GsfOutfile *storage,
            GByteArray *props,
            guint16 prop_id,
            const guint8 *data,
            gsize len)
{
  g_autofree char *name = g_strdup_printf ("__substg1.0_%04X0102", prop_id);

  put_u32 (props, TF_PROP_TAG (prop_id, TF_PT_BINARY));
  put_u32 (props, PROP_FLAGS);
  put_u32 (props, (guint32) len);
  put_u32 (props, 0);
  write_stream (storage, name, data, len);
}

/* GlobalObjectId ([MS-OXOCAL] 2.2.1.27): byte-array id, instance date
 * (zero: not an exception), creation time, reserved, and the "vCal-Uid"
 * data block carrying the iCalendar UID */
static GByteArray *
make_goid (const TfGenMeeting *meeting)
{
  GByteArray *goid = g_byte_array_new ();
  g_autofree char *random_uid = NULL;
  const char *uid = meeting->uid;
  static const char vcal[] = "vCal-Uid";
  guint32 data_len;

  if (uid == NULL)
    uid = random_uid = g_uuid_string_random ();
  data_len = (guint32) (strlen (vcal) + 4 + strlen (uid) + 1);

  g_byte_array_append (goid, TF_GOID_PREFIX, 16);
  put_zeros (goid, 4);
  put_u64 (goid, tf_filetime_from_unix (meeting->sent));
  put_zeros (goid, 8);
  put_u32 (goid, data_len);
  g_byte_array_append (goid, (const guint8 *) vcal, strlen (vcal));
  put_u32 (goid, 1);
  g_byte_array_append (goid, (const guint8 *) uid, strlen (uid) + 1);
  return goid;
}

static void
write_nameid (GsfOutfile *root)
{
  const NamedDef defs[N_NAMED] = {
    [NAMED_GOID] = { TF_PSETID_MEETING, TF_LID_GLOBAL_OBJECT_ID },
    [NAMED_CLEAN_GOID] = { TF_PSETID_MEETING, TF_LID_CLEAN_GLOBAL_OBJECT_ID },
    [NAMED_SEQUENCE] = { TF_PSETID_APPOINTMENT, TF_LID_APPOINTMENT_SEQUENCE },
    [NAMED_ATTENDEE_CC] = { TF_PSETID_MEETING, TF_LID_ATTENDEE_CRITICAL_CHANGE },
    [NAMED_OWNER_CC] = { TF_PSETID_MEETING, TF_LID_OWNER_CRITICAL_CHANGE },
  };
  g_autoptr (GByteArray) guids = g_byte_array_new ();
  g_autoptr (GByteArray) entries = g_byte_array_new ();
  GsfOutfile *nameid;

  /* GUID stream indices start at 3 (1 = PS_MAPI, 2 = PS_PUBLIC_STRINGS) */
  g_byte_array_append (guids, TF_PSETID_MEETING, 16);
  g_byte_array_append (guids, TF_PSETID_APPOINTMENT, 16);

  for (guint i = 0; i < N_NAMED; i++)
    {
      guint guid_index = defs[i].guid == TF_PSETID_MEETING ? 3 : 4;

      put_u32 (entries, defs[i].lid);
      put_u32 (entries, (i << 16) | (guid_index << 1));
    }

  nameid = GSF_OUTFILE (gsf_outfile_new_child (root, "__nameid_version1.0", TRUE));
  write_stream (nameid, "__substg1.0_00020102", guids->data, guids->len);
  write_stream (nameid, "__substg1.0_00030102", entries->data, entries->len);
  write_stream (nameid, "__substg1.0_00040102", NULL, 0);
  g_assert_true (gsf_output_close (GSF_OUTPUT (nameid)));
  g_object_unref (nameid);
}

static guint32
mapi_type_for (TfRecipientType type)
{
  switch (type)
    {
    case TF_RECIPIENT_TYPE_CC:
      return 2;
    case TF_RECIPIENT_TYPE_BCC:
    case TF_RECIPIENT_TYPE_RESOURCE:
      return 3;
    case TF_RECIPIENT_TYPE_ORGANIZER:
    case TF_RECIPIENT_TYPE_TO:
    case TF_RECIPIENT_TYPE_UNKNOWN:
    default:
      return 1;
    }
}

static void
write_recipient (GsfOutfile *root,
                 guint index,
                 const TfGenRecipient *r)
{
  g_autoptr (GByteArray) props = g_byte_array_new ();
  g_autofree char *name = g_strdup_printf ("__recip_version1.0_#%08X", index);
  GsfOutfile *storage = GSF_OUTFILE (gsf_outfile_new_child (root, name, TRUE));
  gboolean organizer = r->type == TF_RECIPIENT_TYPE_ORGANIZER;

  put_zeros (props, 8);
  put_fixed (props, TF_TAG_RECIPIENT_TYPE, mapi_type_for (r->type));
  put_fixed (props, 0x0FFE0003, 6); /* PR_OBJECT_TYPE: MAPI_MAILUSER */
  put_fixed (props, 0x39000003, 0); /* PR_DISPLAY_TYPE: DT_MAILUSER */
  put_string (storage, props, TF_PROP_ID (TF_TAG_DISPLAY_NAME), r->name != NULL ? r->name : r->address);
  put_string (storage, props, TF_PROP_ID (TF_TAG_ADDRTYPE), "SMTP");
  put_string (storage, props, TF_PROP_ID (TF_TAG_EMAIL_ADDRESS), r->address);
  put_string (storage, props, TF_PROP_ID (TF_TAG_SMTP_ADDRESS), r->address);
  put_string (storage, props, TF_PROP_ID (TF_TAG_RECIPIENT_DISPLAY_NAME), r->name != NULL ? r->name : r->address);
  /* Outlook: sendable|organizer on the organizer row, sendable|0x0200 on
   * invited attendees (shared/corpus/NOTES.md) */
  put_fixed (props, TF_TAG_RECIPIENT_FLAGS, organizer ? 0x0003 : 0x0201);
  if (r->track_status != TF_TRACK_STATUS_ABSENT)
    put_fixed (props, TF_TAG_RECIPIENT_TRACKSTATUS, (guint32) r->track_status);
  if (r->has_track_time)
    put_fixed (props, TF_TAG_RECIPIENT_TRACKSTATUS_TIME, r->track_time);
  put_fixed (props, TF_TAG_ROWID, index);

  write_stream (storage, "__properties_version1.0", props->data, props->len);
  g_assert_true (gsf_output_close (GSF_OUTPUT (storage)));
  g_object_unref (storage);
}

static void write_message (GsfOutfile *root,
                           const TfGenMeeting *meeting,
                           gboolean embedded);

/* __attach_version1.0_#N holding @inner as an embedded message
 * ([MS-OXMSG] 2.2.2.1): PR_ATTACH_METHOD ATTACH_EMBEDDED_MSG and the
 * PR_ATTACH_DATA_OBJ storage __substg1.0_3701000D, itself a message whose
 * property stream has the 24-byte embedded header */
static void
write_attachment (GsfOutfile *root,
                  guint index,
                  const TfGenMeeting *inner)
{
  g_autoptr (GByteArray) props = g_byte_array_new ();
  g_autofree char *name = g_strdup_printf ("__attach_version1.0_#%08X", index);
  GsfOutfile *storage = GSF_OUTFILE (gsf_outfile_new_child (root, name, TRUE));
  GsfOutfile *object;

  put_zeros (props, 8);
  put_fixed (props, 0x37050003, 5);          /* PR_ATTACH_METHOD */
  put_fixed (props, 0x0E210003, index);      /* PR_ATTACH_NUM */
  put_fixed (props, 0x370B0003, 0xFFFFFFFF); /* PR_RENDERING_POSITION */
  put_fixed (props, 0x0FFE0003, 7);          /* PR_OBJECT_TYPE: MAPI_ATTACH */
  /* PT_OBJECT entry of an embedded message: size 0xFFFFFFFF */
  put_u32 (props, 0x3701000D);
  put_u32 (props, PROP_FLAGS);
  put_u32 (props, 0xFFFFFFFF);
  put_u32 (props, 0);
  put_string (storage, props, 0x3001, inner->subject != NULL ? inner->subject : ""); /* PR_DISPLAY_NAME */
  write_stream (storage, "__properties_version1.0", props->data, props->len);

  object = GSF_OUTFILE (gsf_outfile_new_child (storage, "__substg1.0_3701000D", TRUE));
  write_message (object, inner, TRUE);
  g_assert_true (gsf_output_close (GSF_OUTPUT (object)));
  g_object_unref (object);
  g_assert_true (gsf_output_close (GSF_OUTPUT (storage)));
  g_object_unref (storage);
}

/* The message's properties, recipients and attachments into @root: the
 * file's root storage, or (@embedded) an embedded message's storage,
 * which has a 24-byte property header and uses the root's named-property
 * map */
static void
write_message (GsfOutfile *root,
               const TfGenMeeting *meeting,
               gboolean embedded)
{
  g_autoptr (GByteArray) props = g_byte_array_new ();
  g_autoptr (GByteArray) goid = NULL;
  g_autoptr (GByteArray) clean = NULL;
  const TfGenRecipient *organizer = NULL;

  g_return_if_fail (meeting->recipients != NULL || meeting->n_recipients == 0);

  /* Header: reserved, next recipient id, next attachment id, recipient
   * count, attachment count, and 8 more reserved bytes at the top level */
  put_zeros (props, 8);
  put_u32 (props, meeting->n_recipients);
  put_u32 (props, meeting->n_attachments);
  put_u32 (props, meeting->n_recipients);
  put_u32 (props, meeting->n_attachments);
  if (!embedded)
    put_zeros (props, 8);

  put_string (root, props, TF_PROP_ID (TF_TAG_MESSAGE_CLASS),
              meeting->message_class != NULL ? meeting->message_class : "IPM.Schedule.Meeting.Request");
  put_string (root, props, TF_PROP_ID (TF_TAG_SUBJECT), meeting->subject != NULL ? meeting->subject : "");
  put_fixed (props, TF_TAG_CLIENT_SUBMIT_TIME, tf_filetime_from_unix (meeting->sent));
  put_fixed (props, 0x3FDE0003, 65001); /* PR_INTERNET_CPID: UTF-8 */

  /* PR_DISPLAY_TO / PR_DISPLAY_CC: "; "-separated display names, as
   * Outlook writes them (msgconvert builds To: and Cc: from these) */
  {
    g_autoptr (GString) to = g_string_new (NULL);
    g_autoptr (GString) cc = g_string_new (NULL);

    for (guint i = 0; i < meeting->n_recipients; i++)
      {
        const TfGenRecipient *r = &meeting->recipients[i];
        GString *list = mapi_type_for (r->type) == 2 ? cc : mapi_type_for (r->type) == 1 ? to
                                                                                         : NULL;

        if (r->type == TF_RECIPIENT_TYPE_ORGANIZER && organizer == NULL)
          organizer = r;
        if (list == NULL)
          continue;
        if (list->len > 0)
          g_string_append (list, "; ");
        g_string_append (list, r->name != NULL ? r->name : r->address);
      }
    put_string (root, props, 0x0E04, to->str); /* PR_DISPLAY_TO */
    put_string (root, props, 0x0E03, cc->str); /* PR_DISPLAY_CC */
  }
  if (organizer != NULL)
    {
      const char *name = organizer->name != NULL ? organizer->name : organizer->address;

      put_string (root, props, TF_PROP_ID (TF_TAG_SENDER_NAME), name);
      put_string (root, props, TF_PROP_ID (TF_TAG_SENDER_EMAIL_ADDRESS), organizer->address);
      put_string (root, props, 0x0C1E, "SMTP"); /* PR_SENDER_ADDRTYPE */
      put_string (root, props, TF_PROP_ID (TF_TAG_SENDER_SMTP_ADDRESS), organizer->address);
      put_string (root, props, TF_PROP_ID (TF_TAG_SENT_REPRESENTING_NAME), name);
      put_string (root, props, TF_PROP_ID (TF_TAG_SENT_REPRESENTING_EMAIL), organizer->address);
    }

  goid = make_goid (meeting);
  clean = g_byte_array_new ();
  g_byte_array_append (clean, goid->data, goid->len);
  memset (clean->data + 16, 0, 4);
  put_binary (root, props, 0x8000 + NAMED_GOID, goid->data, goid->len);
  put_binary (root, props, 0x8000 + NAMED_CLEAN_GOID, clean->data, clean->len);
  if (meeting->sequence >= 0)
    put_fixed (props, TF_PROP_TAG (0x8000 + NAMED_SEQUENCE, TF_PT_LONG), (guint32) meeting->sequence);
  if (meeting->has_attendee_cc)
    put_fixed (props, TF_PROP_TAG (0x8000 + NAMED_ATTENDEE_CC, TF_PT_SYSTIME), meeting->attendee_cc);
  if (meeting->has_owner_cc)
    put_fixed (props, TF_PROP_TAG (0x8000 + NAMED_OWNER_CC, TF_PT_SYSTIME), meeting->owner_cc);

  if (meeting->n_attachments > 0)
    put_fixed (props, 0x0E070003, 0x10); /* PR_MESSAGE_FLAGS: MSGFLAG_HASATTACH */
  write_stream (root, "__properties_version1.0", props->data, props->len);
  if (!embedded)
    write_nameid (root);
  for (guint i = 0; i < meeting->n_recipients; i++)
    write_recipient (root, i, &meeting->recipients[i]);
  for (guint i = 0; i < meeting->n_attachments; i++)
    write_attachment (root, i, &meeting->attachments[i]);
}

/**
 * tf_gen_msg:
 *
 * Returns: (transfer full): the .msg file
 */
GBytes *
tf_gen_msg (const TfGenMeeting *meeting)
{
  GsfOutput *sink;
  GsfOutfile *root;
  GBytes *result;

  g_return_val_if_fail (meeting != NULL, NULL);
  g_return_val_if_fail (meeting->recipients != NULL || meeting->n_recipients == 0, NULL);

  sink = gsf_output_memory_new ();
  root = gsf_outfile_msole_new (sink);
  write_message (root, meeting, FALSE);
  g_assert_true (gsf_output_close (GSF_OUTPUT (root)));
  g_object_unref (root);

  result = g_bytes_new (gsf_output_memory_get_bytes (GSF_OUTPUT_MEMORY (sink)),
                        (gsize) gsf_output_size (sink));
  if (!gsf_output_is_closed (sink))
    gsf_output_close (sink);
  g_object_unref (sink);
  return result;
}
