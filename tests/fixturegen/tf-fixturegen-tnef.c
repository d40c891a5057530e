/* tf-fixturegen-tnef.c — TEST-ONLY fixture generator (see tf-fixturegen.h)
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * Writes a TNEF stream the way Outlook does for a meeting item
 * ([MS-OXTNEF] 2.1.3; shared/docs/domain.md §4): attTnefVersion,
 * attOemCodepage, attMessageClass (with the MS Mail name of meeting
 * classes), attSubject, attDateSent, attRecipTable, then attMsgProps as the
 * last message attribute. The encoder is written independently of the
 * reader in src/core/tf-tnef.c (it shares no code with it, not even the
 * checksum) so the tests cross-check one against the other, and against
 * the `tnef` and `ytnefprint` tools.
 */

#include "config.h"

#include <string.h>

#include "tf-fixturegen.h"

#define TNEF_SIGNATURE 0x223E9F78u
#define LVL_MESSAGE 0x01

#define ATT_SUBJECT 0x00018004
#define ATT_DATE_SENT 0x00038005
#define ATT_MESSAGE_CLASS 0x00078008
#define ATT_MSG_PROPS 0x00069003
#define ATT_RECIP_TABLE 0x00069004
#define ATT_TNEF_VERSION 0x00089006
#define ATT_OEM_CODEPAGE 0x00069007
#define LVL_ATTACHMENT 0x02
#define ATT_ATTACH_REND_DATA 0x00069002
#define ATT_ATTACHMENT 0x00069005

static void
put8 (GByteArray *out,
      guint8 v)
{
  g_byte_array_append (out, &v, 1);
}

static void
put16 (GByteArray *out,
       guint16 v)
{
  guint8 b[2] = { v & 0xFF, v >> 8 };

  g_byte_array_append (out, b, 2);
}

static void
put32 (GByteArray *out,
       guint32 v)
{
  guint8 b[4] = { v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF, v >> 24 };

  g_byte_array_append (out, b, 4);
}

static void
put64 (GByteArray *out,
       guint64 v)
{
  put32 (out, (guint32) (v & 0xFFFFFFFF));
  put32 (out, (guint32) (v >> 32));
}

static void
put_pad (GByteArray *out,
         gsize size)
{
  static const guint8 zero[3] = { 0 };

  g_byte_array_append (out, zero, (guint) ((4 - (size & 3)) & 3));
}

static void
put_attribute (GByteArray *out,
               guint8 level,
               guint32 id,
               const guint8 *data,
               gsize len)
{
  guint16 sum = 0;

  for (gsize i = 0; i < len; i++)
    sum = (guint16) (sum + data[i]);
  put8 (out, level);
  put32 (out, id);
  put32 (out, (guint32) len);
  g_byte_array_append (out, data, (guint) len);
  put16 (out, sum);
}

/* --- property values --------------------------------------------------- */

typedef struct
{
  GByteArray *out;
  guint32 count;
  guint16 next_named_id;
} PropList;

static void
props_init (PropList *list)
{
  list->out = g_byte_array_new ();
  list->count = 0;
  list->next_named_id = 0x8000;
}

static void
put_tag (PropList *list,
         guint32 tag)
{
  put32 (list->out, tag);
  list->count++;
}

/* A named property: tag with a fresh ID >= 0x8000, then GUID, MNID_ID, LID */
static void
put_named_tag (PropList *list,
               guint16 type,
               const guint8 guid[16],
               guint32 lid)
{
  put_tag (list, ((guint32) list->next_named_id++ << 16) | type);
  g_byte_array_append (list->out, guid, 16);
  put32 (list->out, 0); /* MNID_ID */
  put32 (list->out, lid);
}

static void
put_long_value (PropList *list,
                guint32 v)
{
  put32 (list->out, v);
}

static void
put_systime_value (PropList *list,
                   guint64 v)
{
  put64 (list->out, v);
}

static void
put_binary_value (PropList *list,
                  const guint8 *data,
                  gsize len)
{
  put32 (list->out, 1); /* one value */
  put32 (list->out, (guint32) len);
  g_byte_array_append (list->out, data, (guint) len);
  put_pad (list->out, len);
}

static void
put_unicode_value (PropList *list,
                   const char *utf8)
{
  g_autofree gunichar2 *utf16 = NULL;
  glong n_units = 0;
  g_autoptr (GByteArray) bytes = g_byte_array_new ();

  utf16 = g_utf8_to_utf16 (utf8, -1, NULL, &n_units, NULL);
  g_assert (utf16 != NULL);
  for (glong i = 0; i <= n_units; i++) /* with the NUL */
    put16 (bytes, utf16[i]);
  put_binary_value (list, bytes->data, bytes->len);
}

static void
put_string8_value (PropList *list,
                   const char *str)
{
  put_binary_value (list, (const guint8 *) str, strlen (str) + 1);
}

static void
put_unicode (PropList *list,
             guint32 tag,
             const char *utf8)
{
  put_tag (list, tag);
  put_unicode_value (list, utf8);
}

static void
put_string8 (PropList *list,
             guint32 tag,
             const char *str)
{
  put_tag (list, tag);
  put_string8_value (list, str);
}

static void
put_long (PropList *list,
          guint32 tag,
          guint32 v)
{
  put_tag (list, tag);
  put_long_value (list, v);
}

static void
put_systime (PropList *list,
             guint32 tag,
             guint64 v)
{
  put_tag (list, tag);
  put_systime_value (list, v);
}

/* "u32 count ; properties" */
static GByteArray *
props_finish (PropList *list)
{
  GByteArray *out = g_byte_array_new ();

  put32 (out, list->count);
  g_byte_array_append (out, list->out->data, list->out->len);
  g_byte_array_unref (list->out);
  list->out = NULL;
  return out;
}

/* --- GlobalObjectId ([MS-OXOCAL] 2.2.1.27, domain.md §2.7) -------------- */

static gboolean
is_goid_hex (const char *uid)
{
  static const char prefix[] = "040000008200E00074C5B7101A82E008";
  gsize len = strlen (uid);

  if (len < 80 || len % 2 != 0 || g_ascii_strncasecmp (uid, prefix, strlen (prefix)) != 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (uid[i]))
      return FALSE;
  return TRUE;
}

/* Outlook's GlobalObjectId for @uid: an iCalendar UID travels as
 * "vCal-Uid" 01 00 00 00 UID NUL; a UID that already is a hex GOID (what
 * Exchange puts in UID:) is decoded back; NULL makes a random one. */
static GByteArray *
make_goid (const char *uid,
           guint64 created)
{
  static const guint8 vcal[12] = { 'v', 'C', 'a', 'l', '-', 'U', 'i', 'd', 0x01, 0x00, 0x00, 0x00 };
  GByteArray *goid = g_byte_array_new ();

  if (uid != NULL && is_goid_hex (uid))
    {
      for (gsize i = 0; uid[i] != '\0'; i += 2)
        put8 (goid, (guint8) (g_ascii_xdigit_value (uid[i]) << 4 | g_ascii_xdigit_value (uid[i + 1])));
      return goid;
    }

  g_byte_array_append (goid, TF_GOID_PREFIX, 16);
  put8 (goid, 0); /* year, big-endian: 0 = the whole series */
  put8 (goid, 0);
  put8 (goid, 0); /* month */
  put8 (goid, 0); /* day */
  put64 (goid, created);
  put64 (goid, 0); /* reserved */
  if (uid != NULL)
    {
      gsize len = strlen (uid);

      put32 (goid, (guint32) (sizeof vcal + len + 1));
      g_byte_array_append (goid, vcal, sizeof vcal);
      g_byte_array_append (goid, (const guint8 *) uid, (guint) len + 1);
    }
  else
    {
      put32 (goid, 16);
      for (guint i = 0; i < 4; i++)
        put32 (goid, g_random_int ());
    }
  return goid;
}

/* --- the stream ---------------------------------------------------------- */

static const char *
legacy_class (const char *message_class)
{
  static const struct
  {
    const char *modern;
    const char *legacy;
  } map[] = {
    { "IPM.Schedule.Meeting.Request", "IPM.Microsoft Schedule.MtgReq" },
    { "IPM.Schedule.Meeting.Resp.Pos", "IPM.Microsoft Schedule.MtgRespP" },
    { "IPM.Schedule.Meeting.Resp.Neg", "IPM.Microsoft Schedule.MtgRespN" },
    { "IPM.Schedule.Meeting.Resp.Tent", "IPM.Microsoft Schedule.MtgRespA" },
    { "IPM.Schedule.Meeting.Canceled", "IPM.Microsoft Schedule.MtgCncl" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_strcmp0 (message_class, map[i].modern) == 0)
      return map[i].legacy;
  return message_class;
}

static void
put_string_attribute (GByteArray *out,
                      guint32 id,
                      const char *utf8)
{
  g_autofree char *cp1252 = g_convert_with_fallback (utf8, -1, "WINDOWS-1252", "UTF-8", "?", NULL, NULL, NULL);
  const char *str = cp1252 != NULL ? cp1252 : utf8;

  put_attribute (out, LVL_MESSAGE, id, (const guint8 *) str, strlen (str) + 1);
}

static void
put_recipient_row (PropList *row,
                   const TfGenRecipient *r,
                   guint index)
{
  guint32 mapi_type;
  guint32 flags = 0x0001; /* recipSendable */

  switch (r->type)
    {
    case TF_RECIPIENT_TYPE_ORGANIZER:
      mapi_type = 1;
      flags |= 0x0002; /* recipOrganizer */
      break;
    case TF_RECIPIENT_TYPE_CC:
      mapi_type = 2;
      break;
    case TF_RECIPIENT_TYPE_BCC:
    case TF_RECIPIENT_TYPE_RESOURCE:
      mapi_type = 3;
      break;
    case TF_RECIPIENT_TYPE_TO:
    case TF_RECIPIENT_TYPE_UNKNOWN:
    default:
      mapi_type = 1;
      break;
    }

  put_long (row, 0x30000003, index); /* PR_ROWID */
  put_unicode (row, 0x3001001F, r->name != NULL ? r->name : r->address);
  put_string8 (row, 0x3002001E, "SMTP");
  put_unicode (row, 0x3003001F, r->address);
  put_unicode (row, 0x39FE001F, r->address);
  put_long (row, 0x0C150003, mapi_type);
  put_long (row, 0x5FFD0003, flags);
  if (r->track_status != TF_TRACK_STATUS_ABSENT)
    put_long (row, 0x5FFF0003, (guint32) r->track_status);
  if (r->has_track_time)
    put_systime (row, 0x5FFB0040, r->track_time);
}

/* One attachment holding @inner as an embedded message, as Outlook writes
 * it ([MS-OXTNEF] 2.1.3.4): attAttachRendData starts the attachment, then
 * attAttachment with PR_ATTACH_METHOD = ATTACH_EMBEDDED_MSG and
 * PR_ATTACH_DATA_OBJ, a PT_OBJECT value (size, IID_IMessage, the embedded
 * message's own TNEF stream, padding) */
static void
put_embedded (GByteArray *out,
              const TfGenMeeting *inner)
{
  static const guint8 iid_imessage[16] = { 0x07, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
                                           0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 };
  /* attRenddata: type 1 (file), position -1, width, height, flags */
  static const guint8 rend[14] = { 0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0 };
  g_autoptr (GBytes) stream = tf_gen_tnef (inner);
  g_autoptr (GByteArray) attach = NULL;
  PropList props;
  gsize len;
  const guint8 *data = g_bytes_get_data (stream, &len);

  put_attribute (out, LVL_ATTACHMENT, ATT_ATTACH_REND_DATA, rend, sizeof rend);
  props_init (&props);
  put_long (&props, 0x37050003, 5); /* PR_ATTACH_METHOD: ATTACH_EMBEDDED_MSG */
  put_tag (&props, 0x3701000D);     /* PR_ATTACH_DATA_OBJ */
  put32 (props.out, 1);
  put32 (props.out, (guint32) (16 + len));
  g_byte_array_append (props.out, iid_imessage, 16);
  g_byte_array_append (props.out, data, (guint) len);
  put_pad (props.out, 16 + len);
  attach = props_finish (&props);
  put_attribute (out, LVL_ATTACHMENT, ATT_ATTACHMENT, attach->data, attach->len);
}

GBytes *
tf_gen_tnef (const TfGenMeeting *meeting)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GByteArray) table = g_byte_array_new ();
  g_autoptr (GByteArray) msg = NULL;
  g_autoptr (GByteArray) goid = NULL;
  g_autoptr (GByteArray) clean_goid = NULL;
  g_autoptr (GDateTime) sent = NULL;
  const TfGenRecipient *organizer = NULL;
  const char *message_class;
  guint64 sent_ft;
  PropList props;
  guint8 version[4] = { 0x00, 0x00, 0x01, 0x00 };
  guint8 codepage[8] = { 0xE4, 0x04, 0, 0, 0, 0, 0, 0 }; /* 1252, 0 */
  guint8 date[14];

  g_return_val_if_fail (meeting != NULL, NULL);
  g_return_val_if_fail (meeting->recipients != NULL || meeting->n_recipients == 0, NULL);

  message_class = meeting->message_class != NULL ? meeting->message_class : "IPM.Schedule.Meeting.Request";
  sent_ft = tf_filetime_from_unix (meeting->sent);
  sent = g_date_time_new_from_unix_utc (meeting->sent);
  g_return_val_if_fail (sent != NULL, NULL);
  for (guint i = 0; i < meeting->n_recipients; i++)
    if (meeting->recipients[i].type == TF_RECIPIENT_TYPE_ORGANIZER && organizer == NULL)
      organizer = &meeting->recipients[i];

  put32 (out, TNEF_SIGNATURE);
  put16 (out, 0x0001); /* legacy key */
  put_attribute (out, LVL_MESSAGE, ATT_TNEF_VERSION, version, sizeof version);
  put_attribute (out, LVL_MESSAGE, ATT_OEM_CODEPAGE, codepage, sizeof codepage);
  put_string_attribute (out, ATT_MESSAGE_CLASS, legacy_class (message_class));
  if (meeting->subject != NULL)
    put_string_attribute (out, ATT_SUBJECT, meeting->subject);

  /* attDateSent: year, month, day, hour, minute, second, day of week */
  {
    guint16 fields[7] = {
      (guint16) g_date_time_get_year (sent),
      (guint16) g_date_time_get_month (sent),
      (guint16) g_date_time_get_day_of_month (sent),
      (guint16) g_date_time_get_hour (sent),
      (guint16) g_date_time_get_minute (sent),
      (guint16) g_date_time_get_second (sent),
      (guint16) (g_date_time_get_day_of_week (sent) % 7),
    };

    for (guint i = 0; i < 7; i++)
      {
        date[2 * i] = fields[i] & 0xFF;
        date[2 * i + 1] = fields[i] >> 8;
      }
    put_attribute (out, LVL_MESSAGE, ATT_DATE_SENT, date, sizeof date);
  }

  /* attRecipTable: u32 rows ; rows × (u32 count ; properties) */
  put32 (table, meeting->n_recipients);
  for (guint i = 0; i < meeting->n_recipients; i++)
    {
      PropList row;
      g_autoptr (GByteArray) encoded = NULL;

      props_init (&row);
      put_recipient_row (&row, &meeting->recipients[i], i);
      encoded = props_finish (&row);
      g_byte_array_append (table, encoded->data, encoded->len);
    }
  if (meeting->n_recipients > 0)
    put_attribute (out, LVL_MESSAGE, ATT_RECIP_TABLE, table->data, table->len);

  /* attMsgProps, the last message attribute */
  props_init (&props);
  put_string8 (&props, 0x001A001E, message_class);
  if (meeting->subject != NULL)
    put_unicode (&props, 0x0037001F, meeting->subject);
  put_systime (&props, 0x00390040, sent_ft);
  if (organizer != NULL)
    {
      const char *name = organizer->name != NULL ? organizer->name : organizer->address;

      put_unicode (&props, 0x0042001F, name);               /* PR_SENT_REPRESENTING_NAME */
      put_unicode (&props, 0x0064001F, "SMTP");             /* PR_SENT_REPRESENTING_ADDRTYPE */
      put_unicode (&props, 0x0065001F, organizer->address); /* PR_SENT_REPRESENTING_EMAIL_ADDRESS */
      put_unicode (&props, 0x0C1A001F, name);               /* PR_SENDER_NAME */
      put_unicode (&props, 0x0C1E001F, "SMTP");             /* PR_SENDER_ADDRTYPE */
      put_unicode (&props, 0x0C1F001F, organizer->address); /* PR_SENDER_EMAIL_ADDRESS */
    }

  goid = make_goid (meeting->uid, sent_ft);
  clean_goid = g_byte_array_new ();
  g_byte_array_append (clean_goid, goid->data, goid->len);
  for (guint i = 16; i < 20 && i < clean_goid->len; i++)
    clean_goid->data[i] = 0;
  put_named_tag (&props, TF_PT_BINARY, TF_PSETID_MEETING, TF_LID_GLOBAL_OBJECT_ID);
  put_binary_value (&props, goid->data, goid->len);
  put_named_tag (&props, TF_PT_BINARY, TF_PSETID_MEETING, TF_LID_CLEAN_GLOBAL_OBJECT_ID);
  put_binary_value (&props, clean_goid->data, clean_goid->len);
  if (meeting->sequence >= 0)
    {
      put_named_tag (&props, TF_PT_LONG, TF_PSETID_APPOINTMENT, TF_LID_APPOINTMENT_SEQUENCE);
      put_long_value (&props, (guint32) meeting->sequence);
    }
  if (meeting->has_attendee_cc)
    {
      put_named_tag (&props, TF_PT_SYSTIME, TF_PSETID_MEETING, TF_LID_ATTENDEE_CRITICAL_CHANGE);
      put_systime_value (&props, meeting->attendee_cc);
    }
  if (meeting->has_owner_cc)
    {
      put_named_tag (&props, TF_PT_SYSTIME, TF_PSETID_MEETING, TF_LID_OWNER_CRITICAL_CHANGE);
      put_systime_value (&props, meeting->owner_cc);
    }
  msg = props_finish (&props);
  put_attribute (out, LVL_MESSAGE, ATT_MSG_PROPS, msg->data, msg->len);

  for (guint i = 0; i < meeting->n_attachments; i++)
    put_embedded (out, &meeting->attachments[i]);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
