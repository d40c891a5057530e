/* tf-mapi.c
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tf-filetime.h"
#include "tf-mapi.h"

/* GUIDs in their on-disk layout: Data1 (LE u32), Data2 (LE u16), Data3 (LE u16), Data4[8] */
const guint8 TF_PSETID_MEETING[16] = {
  0x90, 0xDA, 0xD8, 0x6E, 0x0B, 0x45, 0x1B, 0x10,
  0x98, 0xDA, 0x00, 0xAA, 0x00, 0x3F, 0x13, 0x05
};
const guint8 TF_PSETID_APPOINTMENT[16] = {
  0x02, 0x20, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00,
  0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46
};
const guint8 TF_PSETID_COMMON[16] = {
  0x08, 0x20, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00,
  0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46
};
const guint8 TF_PS_MAPI[16] = {
  0x28, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
  0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46
};
const guint8 TF_PS_PUBLIC_STRINGS[16] = {
  0x29, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
  0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46
};
const guint8 TF_GOID_PREFIX[16] = {
  0x04, 0x00, 0x00, 0x00, 0x82, 0x00, 0xE0, 0x00,
  0x74, 0xC5, 0xB7, 0x10, 0x1A, 0x82, 0xE0, 0x08
};

G_DEFINE_BOXED_TYPE (TfProp, tf_prop, tf_prop_copy, tf_prop_free)

TfProp *
tf_prop_new (guint32 tag,
             const char *value,
             gint64 offset)
{
  TfProp *prop = g_new0 (TfProp, 1);

  prop->tag = tag;
  prop->value = g_strdup (value != NULL ? value : "");
  prop->offset = offset;
  return prop;
}

TfProp *
tf_prop_new_systime (guint32 tag,
                     guint64 filetime,
                     gint64 offset)
{
  TfProp *prop = g_new0 (TfProp, 1);

  prop->tag = tag;
  prop->filetime = filetime;
  prop->value = tf_filetime_format_iso (filetime);
  prop->offset = offset;
  return prop;
}

TfProp *
tf_prop_new_absent (guint32 tag,
                    const char *value)
{
  TfProp *prop = tf_prop_new (tag, value, -1);

  prop->absent = TRUE;
  return prop;
}

void
tf_prop_set_named (TfProp *prop,
                   const guint8 guid[16],
                   guint32 lid,
                   const char *name)
{
  g_return_if_fail (prop != NULL);
  g_return_if_fail (guid != NULL);

  prop->named = TRUE;
  memcpy (prop->guid, guid, 16);
  prop->lid = lid;
  g_free (prop->name);
  prop->name = g_strdup (name);
}

TfProp *
tf_prop_copy (const TfProp *prop)
{
  TfProp *copy;

  g_return_val_if_fail (prop != NULL, NULL);

  copy = g_memdup2 (prop, sizeof *prop);
  copy->name = g_strdup (prop->name);
  copy->value = g_strdup (prop->value);
  return copy;
}

gboolean
tf_prop_is_ical (const TfProp *prop)
{
  return prop != NULL && prop->tag == 0 && !prop->named && prop->name != NULL;
}

void
tf_prop_free (TfProp *prop)
{
  if (prop == NULL)
    return;
  g_free (prop->name);
  g_free (prop->value);
  g_free (prop);
}

static const struct
{
  guint32 tag;
  const char *name;
} tag_names[] = {
  { 0x001A0000, "PidTagMessageClass" },
  { 0x00370000, "PidTagSubject" },
  { 0x00390000, "PidTagClientSubmitTime" },
  { 0x00420000, "PidTagSentRepresentingName" },
  { 0x00620000, "PidTagOwnerAppointmentId" },
  { 0x00640000, "PidTagSentRepresentingAddressType" },
  { 0x00650000, "PidTagSentRepresentingEmailAddress" },
  { 0x0C150000, "PidTagRecipientType" },
  { 0x0C1A0000, "PidTagSenderName" },
  { 0x0C1E0000, "PidTagSenderAddressType" },
  { 0x0C1F0000, "PidTagSenderEmailAddress" },
  { 0x0E060000, "PidTagMessageDeliveryTime" },
  { 0x0E070000, "PidTagMessageFlags" },
  { 0x0E080000, "PidTagMessageSize" },
  { 0x0E0F0000, "PidTagResponsibility" },
  { 0x0FF60000, "PidTagInstanceKey" },
  { 0x0FF90000, "PidTagRecordKey" },
  { 0x0FFE0000, "PidTagObjectType" },
  { 0x0FFF0000, "PidTagEntryId" },
  { 0x10000000, "PidTagBody" },
  { 0x30000000, "PidTagRowid" },
  { 0x30010000, "PidTagDisplayName" },
  { 0x30020000, "PidTagAddressType" },
  { 0x30030000, "PidTagEmailAddress" },
  { 0x30070000, "PidTagCreationTime" },
  { 0x30080000, "PidTagLastModificationTime" },
  { 0x300B0000, "PidTagSearchKey" },
  { 0x37010000, "PidTagAttachDataObject" },
  { 0x37040000, "PidTagAttachFilename" },
  { 0x37050000, "PidTagAttachMethod" },
  { 0x39000000, "PidTagDisplayType" },
  { 0x39050000, "PidTagDisplayTypeEx" },
  { 0x39FE0000, "PidTagSmtpAddress" },
  { 0x3A200000, "PidTagTransmittableDisplayName" },
  { 0x3A400000, "PidTagSendRichInfo" },
  { 0x3A710000, "PidTagSendInternetEncoding" },
  { 0x3FDE0000, "PidTagInternetCodepage" },
  { 0x3FFD0000, "PidTagMessageCodepage" },
  { 0x5D010000, "PidTagSenderSmtpAddress" },
  { 0x5FDE0000, "PidTagRecipientResourceState" },
  { 0x5FDF0000, "PidTagRecipientOrder" },
  { 0x5FE10000, "PidTagRecipientProposed" },
  { 0x5FE30000, "PidTagRecipientProposedStartTime" },
  { 0x5FE40000, "PidTagRecipientProposedEndTime" },
  { 0x5FF60000, "PidTagRecipientDisplayName" },
  { 0x5FF70000, "PidTagRecipientEntryId" },
  { 0x5FFB0000, "PidTagRecipientTrackStatusTime" },
  { 0x5FFD0000, "PidTagRecipientFlags" },
  { 0x5FFF0000, "PidTagRecipientTrackStatus" },
};

const char *
tf_mapi_tag_get_name (guint32 tag)
{
  guint32 id = tag & 0xFFFF0000;

  for (guint i = 0; i < G_N_ELEMENTS (tag_names); i++)
    if (tag_names[i].tag == id)
      return tag_names[i].name;
  return NULL;
}

static const struct
{
  const guint8 *guid;
  guint32 lid;
  const char *name;
} named_names[] = {
  { TF_PSETID_MEETING, TF_LID_ATTENDEE_CRITICAL_CHANGE, "PidLidAttendeeCriticalChange" },
  { TF_PSETID_MEETING, TF_LID_WHERE, "PidLidWhere" },
  { TF_PSETID_MEETING, TF_LID_GLOBAL_OBJECT_ID, "PidLidGlobalObjectId" },
  { TF_PSETID_MEETING, TF_LID_IS_RECURRING, "PidLidIsRecurring" },
  { TF_PSETID_MEETING, TF_LID_IS_EXCEPTION, "PidLidIsException" },
  { TF_PSETID_MEETING, TF_LID_OWNER_CRITICAL_CHANGE, "PidLidOwnerCriticalChange" },
  { TF_PSETID_MEETING, TF_LID_CLEAN_GLOBAL_OBJECT_ID, "PidLidCleanGlobalObjectId" },
  { TF_PSETID_MEETING, TF_LID_MEETING_TYPE, "PidLidMeetingType" },
  { TF_PSETID_APPOINTMENT, TF_LID_APPOINTMENT_SEQUENCE, "PidLidAppointmentSequence" },
  { TF_PSETID_APPOINTMENT, TF_LID_APPOINTMENT_SEQUENCE_TIME, "PidLidAppointmentSequenceTime" },
  { TF_PSETID_APPOINTMENT, TF_LID_APPOINTMENT_LAST_SEQUENCE, "PidLidAppointmentLastSequence" },
  { TF_PSETID_APPOINTMENT, TF_LID_BUSY_STATUS, "PidLidBusyStatus" },
  { TF_PSETID_APPOINTMENT, TF_LID_APPOINTMENT_START_WHOLE, "PidLidAppointmentStartWhole" },
  { TF_PSETID_APPOINTMENT, TF_LID_APPOINTMENT_END_WHOLE, "PidLidAppointmentEndWhole" },
  { TF_PSETID_APPOINTMENT, TF_LID_APPOINTMENT_STATE_FLAGS, "PidLidAppointmentStateFlags" },
  { TF_PSETID_APPOINTMENT, TF_LID_RESPONSE_STATUS, "PidLidResponseStatus" },
  { TF_PSETID_APPOINTMENT, TF_LID_APPOINTMENT_REPLY_TIME, "PidLidAppointmentReplyTime" },
  { TF_PSETID_APPOINTMENT, TF_LID_APPOINTMENT_REPLY_NAME, "PidLidAppointmentReplyName" },
  { TF_PSETID_APPOINTMENT, 0x8223, "PidLidRecurring" },
  { TF_PSETID_APPOINTMENT, 0x8250, "PidLidAppointmentProposedStartWhole" },
  { TF_PSETID_COMMON, 0x8502, "PidLidReminderTime" },
  { TF_PSETID_COMMON, 0x8560, "PidLidReminderSignalTime" },
};

const char *
tf_mapi_named_get_name (const guint8 guid[16],
                        guint32 lid)
{
  g_return_val_if_fail (guid != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (named_names); i++)
    if (named_names[i].lid == lid && memcmp (named_names[i].guid, guid, 16) == 0)
      return named_names[i].name;
  return NULL;
}

char *
tf_mapi_guid_to_string (const guint8 guid[16])
{
  g_return_val_if_fail (guid != NULL, NULL);

  if (memcmp (guid, TF_PSETID_MEETING, 16) == 0)
    return g_strdup ("PSETID_Meeting");
  if (memcmp (guid, TF_PSETID_APPOINTMENT, 16) == 0)
    return g_strdup ("PSETID_Appointment");
  if (memcmp (guid, TF_PSETID_COMMON, 16) == 0)
    return g_strdup ("PSETID_Common");
  if (memcmp (guid, TF_PS_MAPI, 16) == 0)
    return g_strdup ("PS_MAPI");
  if (memcmp (guid, TF_PS_PUBLIC_STRINGS, 16) == 0)
    return g_strdup ("PS_PUBLIC_STRINGS");

  return g_strdup_printf ("{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}",
                          (guint) (guid[0] | guid[1] << 8 | guid[2] << 16 | (guint32) guid[3] << 24),
                          (guint) (guid[4] | guid[5] << 8),
                          (guint) (guid[6] | guid[7] << 8),
                          guid[8], guid[9], guid[10], guid[11],
                          guid[12], guid[13], guid[14], guid[15]);
}

char *
tf_mapi_type_to_string (guint16 type)
{
  static const struct
  {
    guint16 type;
    const char *name;
  } names[] = {
    { TF_PT_UNSPECIFIED, "PT_UNSPECIFIED" },
    { TF_PT_NULL, "PT_NULL" },
    { TF_PT_SHORT, "PT_SHORT" },
    { TF_PT_LONG, "PT_LONG" },
    { TF_PT_FLOAT, "PT_FLOAT" },
    { TF_PT_DOUBLE, "PT_DOUBLE" },
    { TF_PT_CURRENCY, "PT_CURRENCY" },
    { TF_PT_APPTIME, "PT_APPTIME" },
    { TF_PT_ERROR, "PT_ERROR" },
    { TF_PT_BOOLEAN, "PT_BOOLEAN" },
    { TF_PT_OBJECT, "PT_OBJECT" },
    { TF_PT_I8, "PT_I8" },
    { TF_PT_STRING8, "PT_STRING8" },
    { TF_PT_UNICODE, "PT_UNICODE" },
    { TF_PT_SYSTIME, "PT_SYSTIME" },
    { TF_PT_CLSID, "PT_CLSID" },
    { TF_PT_SVREID, "PT_SVREID" },
    { TF_PT_SRESTRICT, "PT_SRESTRICT" },
    { TF_PT_ACTIONS, "PT_ACTIONS" },
    { TF_PT_BINARY, "PT_BINARY" },
  };
  guint16 base = type & ~TF_MV_FLAG;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (names[i].type == base)
        {
          if (type & TF_MV_FLAG)
            return g_strdup_printf ("PT_MV_%s", names[i].name + 3);
          return g_strdup (names[i].name);
        }
    }

  return g_strdup_printf ("0x%04X", type);
}

char *
tf_mapi_goid_to_string (const guint8 *data,
                        gsize len)
{
  static const char hex[] = "0123456789ABCDEF";
  char *str;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  str = g_malloc (len * 2 + 1);
  for (gsize i = 0; i < len; i++)
    {
      str[2 * i] = hex[data[i] >> 4];
      str[2 * i + 1] = hex[data[i] & 0xF];
    }
  str[len * 2] = '\0';
  return str;
}

/* ---- value decoding shared by the .msg and PST readers ---- */

#define MAX_RENDER_BINARY 256

static guint32
mapi_u32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static guint64
mapi_u64 (const guint8 *p)
{
  return (guint64) mapi_u32 (p) | ((guint64) mapi_u32 (p + 4) << 32);
}

/* PR_INTERNET_CPID names the MIME charset, but PT_STRING8 values are kept
 * in the matching Windows code page (e.g. ISO-2022-JP mail stores
 * Shift-JIS): map the one to the other. */
guint
tf_mapi_ansi_codepage_for (guint internet_cpid)
{
  switch (internet_cpid)
    {
    case 50220:
    case 50221:
    case 50222:
    case 51932:
    case 20932:
      return 932;
    case 51949:
    case 50225:
      return 949;
    case 52936:
    case 50227:
    case 20936:
      return 936;
    case 20866:
    case 21866:
    case 28595:
      return 1251;
    case 28592:
      return 1250;
    case 28597:
      return 1253;
    case 28599:
      return 1254;
    case 28598:
    case 38598:
      return 1255;
    case 28596:
      return 1256;
    case 28594:
    case 28603:
      return 1257;
    case 28591:
    case 28605:
    case 20127:
      return 1252;
    default:
      return internet_cpid;
    }
}

static char *
codepage_to_charset (guint codepage)
{
  switch (codepage)
    {
    case 0:
    case 1252:
      return g_strdup ("WINDOWS-1252");
    case 65001:
      return g_strdup ("UTF-8");
    case 20127:
      return g_strdup ("ASCII");
    case 50220:
    case 50221:
    case 50222:
      return g_strdup ("ISO-2022-JP");
    case 51932:
      return g_strdup ("EUC-JP");
    case 51949:
      return g_strdup ("EUC-KR");
    case 52936:
      return g_strdup ("HZ-GB-2312");
    case 20866:
      return g_strdup ("KOI8-R");
    case 21866:
      return g_strdup ("KOI8-U");
    default:
      if (codepage >= 28591 && codepage <= 28606)
        return g_strdup_printf ("ISO-8859-%u", codepage - 28590);
      return g_strdup_printf ("CP%u", codepage);
    }
}

/* @text (@n bytes of UTF-8) with every NUL inside it as U+FFFD: a value
 * with a NUL before its end (damage, or a writer that pads oddly) keeps
 * the text after the NUL instead of ending there */
static char *
replace_nuls (const char *text,
              gsize n)
{
  GString *out;

  if (memchr (text, '\0', n) == NULL)
    return g_strndup (text, n);
  out = g_string_sized_new (n + 8);
  for (gsize i = 0; i < n; i++)
    {
      if (text[i] == '\0')
        g_string_append_unichar (out, 0xFFFD);
      else
        g_string_append_c (out, text[i]);
    }
  return g_string_free (out, FALSE);
}

/* PT_STRING8 → UTF-8 through @codepage, falling back to Windows-1252
 * (every byte maps or is replaced); *@exact says whether @codepage worked */
char *
tf_mapi_decode_string8 (const guint8 *data,
                        gsize len,
                        guint codepage,
                        gboolean *exact)
{
  g_autofree char *charset = codepage_to_charset (codepage);
  g_autofree char *text = NULL;
  gsize n = 0;

  while (len > 0 && data[len - 1] == '\0')
    len--;
  if (exact != NULL)
    *exact = TRUE;
  text = g_convert ((const char *) data, len, "UTF-8", charset, NULL, &n, NULL);
  if (text == NULL)
    {
      if (exact != NULL)
        *exact = FALSE;
      text = g_convert_with_fallback ((const char *) data, len, "UTF-8", "WINDOWS-1252", "?", NULL, &n, NULL);
    }
  if (text == NULL)
    {
      text = g_utf8_make_valid ((const char *) data, len);
      n = strlen (text);
    }
  return replace_nuls (text, n);
}

char *
tf_mapi_decode_unicode (const guint8 *data,
                        gsize len)
{
  g_autofree gunichar2 *units = NULL;
  gsize n = len / 2;
  gsize ascii = 0;
  gsize tail;
  char *text;

  /* ASCII fast path (most names, addresses and classes): ASCII units up
   * to the end or to trailing U+0000 padding give the same result as the
   * general path below; a NUL with text after it goes there */
  while (ascii < n && data[2 * ascii + 1] == 0 && data[2 * ascii] < 0x80 && data[2 * ascii] != 0)
    ascii++;
  for (tail = ascii; tail < n && data[2 * tail] == 0 && data[2 * tail + 1] == 0; tail++)
    ;
  if (tail == n)
    {
      text = g_malloc (ascii + 1);
      for (gsize i = 0; i < ascii; i++)
        text[i] = (char) data[2 * i];
      text[ascii] = '\0';
      return text;
    }

  units = g_new (gunichar2, n + 1);
  for (gsize i = 0; i < n; i++)
    units[i] = (gunichar2) (data[2 * i] | (data[2 * i + 1] << 8));
  while (n > 0 && units[n - 1] == 0)
    n--;
  units[n] = 0;
  /* A NUL with text after it: keep the text (see replace_nuls()) */
  for (gsize i = 0; i < n; i++)
    if (units[i] == 0)
      units[i] = 0xFFFD;
  text = g_utf16_to_utf8 (units, (glong) n, NULL, NULL, NULL);
  if (text == NULL)
    {
      /* Unpaired surrogates: replace rather than lose the whole string */
      GString *s = g_string_new (NULL);

      for (gsize i = 0; i < n; i++)
        g_string_append_unichar (s, (units[i] >= 0xD800 && units[i] <= 0xDFFF) ? 0xFFFD : units[i]);
      text = g_string_free (s, FALSE);
    }
  return text;
}

char *
tf_mapi_render_binary (const guint8 *data,
                       gsize len)
{
  static const char hex[] = "0123456789ABCDEF";
  gsize shown = MIN (len, (gsize) MAX_RENDER_BINARY);
  GString *s = g_string_sized_new (shown * 2 + 16);

  for (gsize i = 0; i < shown; i++)
    {
      g_string_append_c (s, hex[data[i] >> 4]);
      g_string_append_c (s, hex[data[i] & 0xF]);
    }
  if (shown < len)
    g_string_append (s, "…");
  return g_string_free (s, FALSE);
}

gboolean
tf_mapi_type_is_fixed (guint16 type)
{
  switch (type)
    {
    case TF_PT_SHORT:
    case TF_PT_LONG:
    case TF_PT_FLOAT:
    case TF_PT_DOUBLE:
    case TF_PT_CURRENCY:
    case TF_PT_APPTIME:
    case TF_PT_ERROR:
    case TF_PT_BOOLEAN:
    case TF_PT_I8:
    case TF_PT_SYSTIME:
    case TF_PT_NULL:
      return TRUE;
    default:
      return FALSE;
    }
}

char *
tf_mapi_render_fixed (guint16 type,
                      const guint8 *v)
{
  union
  {
    guint32 u;
    gfloat f;
  } f32;
  union
  {
    guint64 u;
    gdouble d;
  } f64;

  switch (type)
    {
    case TF_PT_SHORT:
      return g_strdup_printf ("%d", (gint16) (v[0] | (v[1] << 8)));
    case TF_PT_LONG:
      return g_strdup_printf ("%" G_GINT32_FORMAT, (gint32) mapi_u32 (v));
    case TF_PT_ERROR:
      return g_strdup_printf ("0x%08X", mapi_u32 (v));
    case TF_PT_BOOLEAN:
      return g_strdup ((v[0] | v[1]) != 0 ? "true" : "false");
    case TF_PT_FLOAT:
      f32.u = mapi_u32 (v);
      return g_strdup_printf ("%g", (double) f32.f);
    case TF_PT_DOUBLE:
    case TF_PT_APPTIME:
      f64.u = mapi_u64 (v);
      return g_strdup_printf ("%g", f64.d);
    case TF_PT_CURRENCY:
      {
        gint64 c = (gint64) mapi_u64 (v);
        guint64 mag = c < 0 ? -(guint64) c : (guint64) c;

        return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%04u", c < 0 ? "-" : "",
                                mag / 10000, (guint) (mag % 10000));
      }
    case TF_PT_I8:
      return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) mapi_u64 (v));
    case TF_PT_NULL:
    default:
      return g_strdup ("");
    }
}

/* Calendar classes: meeting messages, appointments, the legacy MS Mail
 * schedule forms and recurring-meeting exceptions */
gboolean
tf_mapi_is_calendar_class (const char *message_class)
{
  if (message_class == NULL)
    return FALSE;
  return g_ascii_strncasecmp (message_class, "IPM.Schedule.Meeting", 20) == 0
         || g_ascii_strncasecmp (message_class, "IPM.Appointment", 15) == 0
         || g_ascii_strncasecmp (message_class, "IPM.Microsoft Schedule", 22) == 0
         || g_ascii_strncasecmp (message_class, TF_MAPI_CLASS_EXCEPTION, sizeof TF_MAPI_CLASS_EXCEPTION - 1) == 0;
}

TfRecipientType
tf_mapi_recipient_type (gint mapi_type,
                        guint32 flags,
                        gboolean has_flags,
                        const char *message_class)
{
  if (has_flags && (flags & TF_RECIP_FLAG_ORGANIZER) != 0)
    return TF_RECIPIENT_TYPE_ORGANIZER;
  switch (mapi_type)
    {
    case 1:
      return TF_RECIPIENT_TYPE_TO;
    case 2:
      return TF_RECIPIENT_TYPE_CC;
    case 3:
      return tf_mapi_is_calendar_class (message_class) ? TF_RECIPIENT_TYPE_RESOURCE : TF_RECIPIENT_TYPE_BCC;
    default:
      return TF_RECIPIENT_TYPE_UNKNOWN;
    }
}

char *
tf_mapi_format_sender (const char *name,
                       const char *address)
{
  gboolean has_name = name != NULL && *name != '\0';
  gboolean has_address = address != NULL && *address != '\0';

  if (has_name && has_address && g_ascii_strcasecmp (name, address) != 0)
    return g_strconcat (name, " <", address, ">", NULL);
  if (has_address)
    return g_strdup (address);
  return has_name ? g_strdup (name) : NULL;
}
