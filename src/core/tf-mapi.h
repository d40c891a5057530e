/* tf-mapi.h — MAPI property tags, types, named-property sets and TfProp
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "tf-enums.h"

G_BEGIN_DECLS

/* Property types ([MS-OXCDATA] 2.11.1) */
#define TF_PT_UNSPECIFIED 0x0000
#define TF_PT_NULL        0x0001
#define TF_PT_SHORT       0x0002
#define TF_PT_LONG        0x0003
#define TF_PT_FLOAT       0x0004
#define TF_PT_DOUBLE      0x0005
#define TF_PT_CURRENCY    0x0006
#define TF_PT_APPTIME     0x0007
#define TF_PT_ERROR       0x000A
#define TF_PT_BOOLEAN     0x000B
#define TF_PT_OBJECT      0x000D
#define TF_PT_I8          0x0014
#define TF_PT_STRING8     0x001E
#define TF_PT_UNICODE     0x001F
#define TF_PT_SYSTIME     0x0040
#define TF_PT_CLSID       0x0048
#define TF_PT_SVREID      0x00FB
#define TF_PT_SRESTRICT   0x00FD
#define TF_PT_ACTIONS     0x00FE
#define TF_PT_BINARY      0x0102
#define TF_MV_FLAG        0x1000

#define TF_PROP_TYPE(tag) ((guint16) ((tag) & 0xFFFF))
#define TF_PROP_ID(tag)   ((guint16) (((tag) >> 16) & 0xFFFF))
#define TF_PROP_TAG(id, type) ((((guint32) (id)) << 16) | ((guint32) (type)))

/* Tags ([MS-OXPROPS]; MFCMAPI genTagArray.h) */
#define TF_TAG_MESSAGE_CLASS             0x001A001F
#define TF_TAG_MESSAGE_CLASS_A           0x001A001E
#define TF_TAG_SUBJECT                   0x0037001F
#define TF_TAG_SUBJECT_A                 0x0037001E
#define TF_TAG_CLIENT_SUBMIT_TIME        0x00390040
#define TF_TAG_MESSAGE_DELIVERY_TIME     0x0E060040
#define TF_TAG_OWNER_APPT_ID             0x00620003
#define TF_TAG_SENT_REPRESENTING_NAME    0x0042001F
#define TF_TAG_SENT_REPRESENTING_EMAIL   0x0065001F
#define TF_TAG_SENDER_NAME               0x0C1A001F
#define TF_TAG_SENDER_EMAIL_ADDRESS      0x0C1F001F
#define TF_TAG_SENDER_SMTP_ADDRESS       0x5D01001F
#define TF_TAG_RECIPIENT_TYPE            0x0C150003
#define TF_TAG_DISPLAY_NAME              0x3001001F
#define TF_TAG_DISPLAY_NAME_A            0x3001001E
#define TF_TAG_ADDRTYPE                  0x3002001F
#define TF_TAG_ADDRTYPE_A                0x3002001E
#define TF_TAG_EMAIL_ADDRESS             0x3003001F
#define TF_TAG_EMAIL_ADDRESS_A           0x3003001E
#define TF_TAG_SMTP_ADDRESS              0x39FE001F
#define TF_TAG_SMTP_ADDRESS_A            0x39FE001E
#define TF_TAG_ROWID                     0x30000003
#define TF_TAG_ENTRYID                   0x0FFF0102
#define TF_TAG_RECIPIENT_TRACKSTATUS     0x5FFF0003
#define TF_TAG_RECIPIENT_FLAGS           0x5FFD0003
#define TF_TAG_RECIPIENT_TRACKSTATUS_TIME 0x5FFB0040
#define TF_TAG_RECIPIENT_DISPLAY_NAME    0x5FF6001F
#define TF_TAG_RECIPIENT_ENTRYID         0x5FF70102
#define TF_TAG_RECIPIENT_ORDER           0x5FDF0003
#define TF_TAG_RECIPIENT_PROPOSED        0x5FE1000B
#define TF_TAG_RECIPIENT_PROPOSED_START  0x5FE30040
#define TF_TAG_RECIPIENT_PROPOSED_END    0x5FE40040
#define TF_TAG_ATTACH_DATA_OBJ           0x3701000D
#define TF_TAG_ATTACH_DATA_BIN           0x37010102
#define TF_TAG_ATTACH_METHOD             0x37050003

/* PidTagRecipientFlags bits */
#define TF_RECIP_FLAG_SENDABLE           0x0001
#define TF_RECIP_FLAG_ORGANIZER          0x0002
#define TF_RECIP_FLAG_EXCEPTIONAL_RESP   0x0010
#define TF_RECIP_FLAG_EXCEPTIONAL_DEL    0x0020
#define TF_RECIP_FLAG_ORIGINAL           0x0100

/* Named-property sets, as 16 raw bytes in little-endian GUID layout. */
extern const guint8 TF_PSETID_MEETING[16];     /* {6ED8DA90-450B-101B-98DA-00AA003F1305} */
extern const guint8 TF_PSETID_APPOINTMENT[16]; /* {00062002-0000-0000-C000-000000000046} */
extern const guint8 TF_PSETID_COMMON[16];      /* {00062008-0000-0000-C000-000000000046} */
extern const guint8 TF_PS_MAPI[16];            /* {00020328-0000-0000-C000-000000000046} */
extern const guint8 TF_PS_PUBLIC_STRINGS[16];  /* {00020329-0000-0000-C000-000000000046} */

/* LIDs in PSETID_Meeting */
#define TF_LID_ATTENDEE_CRITICAL_CHANGE  0x0001
#define TF_LID_WHERE                     0x0002
#define TF_LID_GLOBAL_OBJECT_ID          0x0003
#define TF_LID_IS_RECURRING              0x0005
#define TF_LID_IS_EXCEPTION              0x000A
#define TF_LID_OWNER_CRITICAL_CHANGE     0x001A
#define TF_LID_CLEAN_GLOBAL_OBJECT_ID    0x0023
#define TF_LID_MEETING_TYPE              0x0026
/* LIDs in PSETID_Appointment */
#define TF_LID_APPOINTMENT_SEQUENCE      0x8201
#define TF_LID_APPOINTMENT_SEQUENCE_TIME 0x8202
#define TF_LID_APPOINTMENT_LAST_SEQUENCE 0x8203
#define TF_LID_BUSY_STATUS               0x8205
#define TF_LID_APPOINTMENT_START_WHOLE   0x820D
#define TF_LID_APPOINTMENT_END_WHOLE     0x820E
#define TF_LID_APPOINTMENT_STATE_FLAGS   0x8217
#define TF_LID_RESPONSE_STATUS           0x8218
#define TF_LID_APPOINTMENT_REPLY_TIME    0x8220
#define TF_LID_APPOINTMENT_REPLY_NAME    0x8230

/* The GlobalObjectId byte-array prefix ([MS-OXOCAL] 2.2.1.27) */
extern const guint8 TF_GOID_PREFIX[16];

/**
 * TfProp:
 *
 * One MAPI property as read from a file: what `trackfix-cli show` prints and
 * what the GUI's Raw page lists. For named properties (@id >= 0x8000 in the
 * file) @named is TRUE and @guid plus @lid (or @name) identify it.
 *
 * @offset is the absolute byte offset of the value inside its container
 * (the decoded TNEF stream for TNEF, the file for .msg), or -1 when the
 * value does not live at one place (variable-length, split).
 *
 * @absent is TRUE for a column of a PST/OST table whose cell existence bit
 * is clear in this row: the column exists but the row has no value, so
 * @filetime and the row's bytes mean nothing (never show them as 0).
 */
typedef struct
{
  guint32   tag;
  gboolean  named;
  guint8    guid[16];
  guint32   lid;          /* valid when named && name == NULL */
  char     *name;         /* MNID_STRING name, or NULL */
  char     *value;        /* rendered for people, never NULL */
  guint64   filetime;     /* valid when TF_PROP_TYPE (tag) == TF_PT_SYSTIME */
  gint64    offset;
  gboolean absent; /* a table cell with its existence bit clear */
} TfProp;

#define TF_TYPE_PROP (tf_prop_get_type ())

GType       tf_prop_get_type        (void) G_GNUC_CONST;
TfProp     *tf_prop_new             (guint32       tag,
                                     const char   *value,
                                     gint64        offset);
TfProp     *tf_prop_new_systime     (guint32       tag,
                                     guint64       filetime,
                                     gint64        offset);
/* A table column without a value in this row (@absent TRUE, no offset);
 * @value says so in words */
TfProp *tf_prop_new_absent (guint32 tag,
                            const char *value);
void        tf_prop_set_named       (TfProp       *prop,
                                     const guint8  guid[16],
                                     guint32       lid,
                                     const char   *name);
TfProp     *tf_prop_copy            (const TfProp *prop);
void        tf_prop_free            (TfProp       *prop);

/* TRUE for an iCalendar property kept like a MAPI one (the calendar
 * reader's X-MICROSOFT-* / X-MS-OLK-* properties: tag 0, @name the
 * property name, @value its text as written) */
gboolean tf_prop_is_ical (const TfProp *prop);

/* "PidTagRecipientTrackStatusTime" for known tags, NULL otherwise. */
const char *tf_mapi_tag_get_name    (guint32       tag);
/* "PidLidAttendeeCriticalChange" for known (set, lid), NULL otherwise. */
const char *tf_mapi_named_get_name  (const guint8  guid[16],
                                     guint32       lid);
/* "PSETID_Meeting" or "{6ED8DA90-…}" */
char       *tf_mapi_guid_to_string  (const guint8  guid[16]);
/* "PT_SYSTIME", "PT_MV_LONG", or "0x1234" */
char       *tf_mapi_type_to_string  (guint16       type);
/* Printable form of a GlobalObjectId: upper-case hex. */
char       *tf_mapi_goid_to_string  (const guint8 *data,
                                     gsize         len);

/* Value decoding shared by the .msg and PST readers */
/* PR_INTERNET_CPID → the Windows code page PT_STRING8 values use */
guint tf_mapi_ansi_codepage_for (guint internet_cpid);
/* PT_STRING8 → UTF-8 through @codepage (0 = Windows-1252); when the code
 * page is unknown or the bytes do not fit it, Windows-1252 with
 * replacements and *@exact = FALSE */
char *tf_mapi_decode_string8 (const guint8 *data,
                              gsize len,
                              guint codepage,
                              gboolean *exact);
/* PT_UNICODE (UTF-16LE) → UTF-8; unpaired surrogates become U+FFFD */
char *tf_mapi_decode_unicode (const guint8 *data,
                              gsize len);
/* Upper-case hex, at most 256 bytes shown then "…" */
char *tf_mapi_render_binary (const guint8 *data,
                             gsize len);
/* Types whose value is a fixed-size number, boolean or time */
gboolean tf_mapi_type_is_fixed (guint16 type);
/* A fixed-size value rendered for people (8 bytes readable at @v) */
char *tf_mapi_render_fixed (guint16 type,
                            const guint8 *v);

/* The class of a recurring meeting's exception, an embedded message of
 * its series ([MS-OXOCAL] 2.2.10.2.1) */
#define TF_MAPI_CLASS_EXCEPTION "IPM.OLE.CLASS.{00061055-0000-0000-C000-000000000046}"

/* Meeting, appointment and exception classes */
gboolean tf_mapi_is_calendar_class (const char *message_class);
/* The model's recipient type from PR_RECIPIENT_TYPE (-1 absent) and
 * PR_RECIPIENT_FLAGS: an organizer flag wins; MAPI_BCC on a calendar item
 * is a resource */
TfRecipientType tf_mapi_recipient_type (gint mapi_type,
                                        guint32 flags,
                                        gboolean has_flags,
                                        const char *message_class);

/* "Name <address>", or whichever is set (the same once), or NULL */
char *tf_mapi_format_sender (const char *name,
                             const char *address);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TfProp, tf_prop_free)

G_END_DECLS
