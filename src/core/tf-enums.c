/* tf-enums.c
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

#include <glib/gi18n.h>

#include "tf-enums.h"

const char *
tf_format_to_string (TfFormat format)
{
  switch (format)
    {
    case TF_FORMAT_EML:
      return "eml";
    case TF_FORMAT_MBOX:
      return "mbox";
    case TF_FORMAT_MSG:
      return "msg";
    case TF_FORMAT_TNEF:
      return "tnef";
    case TF_FORMAT_ICS:
      return "ics";
    case TF_FORMAT_PST:
      return "pst";
    case TF_FORMAT_OST:
      return "ost";
    case TF_FORMAT_UNKNOWN:
    default:
      return "unknown";
    }
}

const char *
tf_format_get_label (TfFormat format)
{
  switch (format)
    {
    case TF_FORMAT_EML:
      /* Translators: file format of an RFC 5322 message (.eml) */
      return _ ("Mail message");
    case TF_FORMAT_MBOX:
      return _ ("Mailbox (mbox)");
    case TF_FORMAT_MSG:
      return _ ("Outlook item (.msg)");
    case TF_FORMAT_TNEF:
      return _ ("TNEF (winmail.dat)");
    case TF_FORMAT_ICS:
      return _ ("iCalendar (.ics)");
    case TF_FORMAT_PST:
      /* Translators: file format; Microsoft says "Plik danych programu Outlook (.pst)" in Polish, "Outlook-Datendatei (.pst)" in German */
      return _ ("Outlook data file (.pst)");
    case TF_FORMAT_OST:
      return _ ("Offline Outlook data file (.ost)");
    case TF_FORMAT_UNKNOWN:
    default:
      /* Translators: file format that could not be recognised */
      return _ ("Unknown format");
    }
}

const char *
tf_kind_to_string (TfKind kind)
{
  switch (kind)
    {
    case TF_KIND_REQUEST:
      return "request";
    case TF_KIND_REPLY:
      return "reply";
    case TF_KIND_CANCEL:
      return "cancel";
    case TF_KIND_COUNTER:
      return "counter";
    case TF_KIND_APPOINTMENT:
      return "appointment";
    case TF_KIND_NDR:
      return "ndr";
    case TF_KIND_MESSAGE:
    default:
      return "message";
    }
}

const char *
tf_kind_get_label (TfKind kind)
{
  switch (kind)
    {
    case TF_KIND_REQUEST:
      /* Translators: kind of item; Microsoft's Polish KBs say "wezwanie na spotkanie" */
      return _ ("Meeting request");
    case TF_KIND_REPLY:
      return _ ("Meeting response");
    case TF_KIND_CANCEL:
      return _ ("Meeting cancellation");
    case TF_KIND_COUNTER:
      return _ ("New time proposal");
    case TF_KIND_APPOINTMENT:
      return _ ("Calendar item");
    case TF_KIND_NDR:
      /* Translators: non-delivery report; Polish KBs: "raport o niedostarczeniu" */
      return _ ("Non-delivery report");
    case TF_KIND_MESSAGE:
    default:
      return _ ("Message");
    }
}

const char *
tf_source_to_string (TfSource source)
{
  switch (source)
    {
    case TF_SOURCE_TNEF:
      return "tnef";
    case TF_SOURCE_MSG:
      return "msg";
    case TF_SOURCE_ICAL:
      return "ical";
    case TF_SOURCE_DSN:
      return "dsn";
    case TF_SOURCE_HEADER:
      return "header";
    case TF_SOURCE_PST:
      return "pst";
    case TF_SOURCE_OST:
      return "ost";
    case TF_SOURCE_NONE:
    default:
      return "none";
    }
}

const char *
tf_source_get_label (TfSource source)
{
  switch (source)
    {
    case TF_SOURCE_TNEF:
      return "TNEF";
    case TF_SOURCE_MSG:
      return ".msg";
    case TF_SOURCE_ICAL:
      return "iCalendar";
    case TF_SOURCE_DSN:
      /* Translators: delivery status notification, the source of a row */
      return _ ("Delivery report");
    case TF_SOURCE_HEADER:
      /* Translators: the row came from the message headers */
      return _ ("Headers");
    case TF_SOURCE_PST:
      return ".pst";
    case TF_SOURCE_OST:
      return ".ost";
    case TF_SOURCE_NONE:
    default:
      return "—";
    }
}

const char *
tf_severity_to_string (TfSeverity severity)
{
  switch (severity)
    {
    case TF_SEVERITY_ERROR:
      return "error";
    case TF_SEVERITY_WARNING:
      return "warning";
    case TF_SEVERITY_INFO:
    default:
      return "info";
    }
}

const char *
tf_severity_get_label (TfSeverity severity)
{
  switch (severity)
    {
    case TF_SEVERITY_ERROR:
      /* Translators: severity of a finding */
      return _ ("Error");
    case TF_SEVERITY_WARNING:
      /* Translators: severity of a finding */
      return _ ("Warning");
    case TF_SEVERITY_INFO:
    default:
      /* Translators: severity of a finding */
      return _ ("Information");
    }
}

const char *
tf_track_status_to_string (int status)
{
  switch (status)
    {
    case TF_TRACK_STATUS_NONE:
      return "none";
    case TF_TRACK_STATUS_ORGANIZED:
      return "organized";
    case TF_TRACK_STATUS_TENTATIVE:
      return "tentative";
    case TF_TRACK_STATUS_ACCEPTED:
      return "accepted";
    case TF_TRACK_STATUS_DECLINED:
      return "declined";
    case TF_TRACK_STATUS_NOT_RESPONDED:
      return "not-responded";
    default:
      return NULL;
    }
}

const char *
tf_track_status_get_label (int status)
{
  switch (status)
    {
    case TF_TRACK_STATUS_ABSENT:
      /* Translators: no track status property on this recipient */
      return _ ("Not recorded");
    case TF_TRACK_STATUS_NONE:
      /* Translators: respNone, no response required or received */
      return _ ("None");
    case TF_TRACK_STATUS_ORGANIZED:
      return _ ("Organizer");
    case TF_TRACK_STATUS_TENTATIVE:
      return _ ("Tentative");
    case TF_TRACK_STATUS_ACCEPTED:
      return _ ("Accepted");
    case TF_TRACK_STATUS_DECLINED:
      return _ ("Declined");
    case TF_TRACK_STATUS_NOT_RESPONDED:
      return _ ("Not responded");
    default:
      /* Translators: a track status value outside the documented set */
      return _ ("Unknown value");
    }
}

const char *
tf_recipient_type_to_string (TfRecipientType type)
{
  switch (type)
    {
    case TF_RECIPIENT_TYPE_ORGANIZER:
      return "organizer";
    case TF_RECIPIENT_TYPE_TO:
      return "to";
    case TF_RECIPIENT_TYPE_CC:
      return "cc";
    case TF_RECIPIENT_TYPE_BCC:
      return "bcc";
    case TF_RECIPIENT_TYPE_RESOURCE:
      return "resource";
    case TF_RECIPIENT_TYPE_UNKNOWN:
    default:
      return "unknown";
    }
}

const char *
tf_recipient_type_get_label (TfRecipientType type)
{
  switch (type)
    {
    case TF_RECIPIENT_TYPE_ORGANIZER:
      return _ ("Organizer");
    case TF_RECIPIENT_TYPE_TO:
      /* Translators: attendee role */
      return _ ("Required");
    case TF_RECIPIENT_TYPE_CC:
      /* Translators: attendee role */
      return _ ("Optional");
    case TF_RECIPIENT_TYPE_BCC:
      return _ ("Bcc");
    case TF_RECIPIENT_TYPE_RESOURCE:
      /* Translators: attendee role (room or equipment) */
      return _ ("Resource");
    case TF_RECIPIENT_TYPE_UNKNOWN:
    default:
      return _ ("Unknown");
    }
}

static const struct
{
  const char *name;
  TfSeverity severity;
} finding_codes[TF_N_FINDING_CODES] = {
  [TF_FINDING_TRACK_TIME_1601] = { "TRACK_TIME_1601", TF_SEVERITY_ERROR },
  [TF_FINDING_TRACK_TIME_PRE_1900] = { "TRACK_TIME_PRE_1900", TF_SEVERITY_ERROR },
  [TF_FINDING_TRACK_TIME_MISSING] = { "TRACK_TIME_MISSING", TF_SEVERITY_WARNING },
  [TF_FINDING_TRACK_TIME_OUT_OF_RANGE] = { "TRACK_TIME_OUT_OF_RANGE", TF_SEVERITY_WARNING },
  [TF_FINDING_CRITICAL_CHANGE_1601] = { "CRITICAL_CHANGE_1601", TF_SEVERITY_ERROR },
  [TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE] = { "REPLY_MISSING_CRITICAL_CHANGE", TF_SEVERITY_WARNING },
  [TF_FINDING_NDR_EXPIRED_4_4_7] = { "NDR_EXPIRED_4_4_7", TF_SEVERITY_WARNING },
  [TF_FINDING_TNEF_CHECKSUM] = { "TNEF_CHECKSUM", TF_SEVERITY_WARNING },
  [TF_FINDING_PARSE_ERROR] = { "PARSE_ERROR", TF_SEVERITY_ERROR },
  [TF_FINDING_PST_CHECKSUM] = { "PST_CHECKSUM", TF_SEVERITY_WARNING },
  [TF_FINDING_PST_PASSWORD] = { "PST_PASSWORD", TF_SEVERITY_INFO },
};

const char *
tf_finding_code_to_string (TfFindingCode code)
{
  g_return_val_if_fail (code < TF_N_FINDING_CODES, "UNKNOWN");

  return finding_codes[code].name;
}

gboolean
tf_finding_code_from_string (const char *str,
                             TfFindingCode *code)
{
  g_return_val_if_fail (str != NULL, FALSE);

  for (guint i = 0; i < TF_N_FINDING_CODES; i++)
    {
      if (g_ascii_strcasecmp (str, finding_codes[i].name) == 0)
        {
          if (code != NULL)
            *code = (TfFindingCode) i;
          return TRUE;
        }
    }

  return FALSE;
}

TfSeverity
tf_finding_code_get_severity (TfFindingCode code)
{
  g_return_val_if_fail (code < TF_N_FINDING_CODES, TF_SEVERITY_ERROR);

  return finding_codes[code].severity;
}

const char *
tf_finding_code_get_title (TfFindingCode code)
{
  switch (code)
    {
    case TF_FINDING_TRACK_TIME_1601:
      return _ ("Track-status time is 1601-01-01");
    case TF_FINDING_TRACK_TIME_PRE_1900:
      return _ ("Track-status time is before 1900");
    case TF_FINDING_TRACK_TIME_MISSING:
      return _ ("Track-status time is missing");
    case TF_FINDING_TRACK_TIME_OUT_OF_RANGE:
      return _ ("Track-status time is out of range");
    case TF_FINDING_CRITICAL_CHANGE_1601:
      return _ ("Critical-change time is 1601-01-01");
    case TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE:
      return _ ("Meeting response lacks the critical-change time");
    case TF_FINDING_NDR_EXPIRED_4_4_7:
      return _ ("Delivery expired in the retry queue (4.4.7)");
    case TF_FINDING_TNEF_CHECKSUM:
      return _ ("TNEF checksum does not match");
    case TF_FINDING_PARSE_ERROR:
      return _ ("File cannot be read");
    case TF_FINDING_PST_CHECKSUM:
      return _ ("PST block checksum does not match");
    case TF_FINDING_PST_PASSWORD:
      return _ ("PST file has a password");
    case TF_N_FINDING_CODES:
    default:
      return _ ("Unknown finding");
    }
}

const char *
tf_finding_code_get_explanation (TfFindingCode code)
{
  switch (code)
    {
    case TF_FINDING_TRACK_TIME_1601:
      return _ ("Outlook stored this attendee's response time (PR_RECIPIENT_TRACKSTATUS_TIME) as "
                "1601-01-01 00:00 because the attendee's acceptance carried no "
                "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE. Exchange 2003 cannot convert that value "
                "when it turns the meeting update or cancellation into an Internet message, so the "
                "message waits in the retry queue (\"Unable to open for delivery\") and finally "
                "bounces with 4.4.7 (KB 938650). Repair the item to set a real time, and enable "
                "FixRecipientTrackStatusTime on the server to stop new cases.");
    case TF_FINDING_TRACK_TIME_PRE_1900:
      return _ ("The attendee's response time is before 1900. Exchange 2003 converts this time "
                "the same way as 1601-01-01 and can fail on it, leaving meeting updates in the "
                "retry queue (KB 938650). Repair the item to set a real time.");
    case TF_FINDING_TRACK_TIME_MISSING:
      return _ ("The recipient row records a response (tentative, accepted or declined) but no "
                "response time. Outlook normally stores both; a missing time points to the same "
                "faulty reply processing as KB 938650. The value cannot be added in place.");
    case TF_FINDING_TRACK_TIME_OUT_OF_RANGE:
      return _ ("The response time lies after 9999-12-31, outside what Windows time conversion "
                "accepts. Exchange may fail to convert the item. Check the item in Outlook.");
    case TF_FINDING_CRITICAL_CHANGE_1601:
      return _ ("The meeting's attendee or owner critical-change time is 1601-01-01 or before "
                "1900. Outlook copies this value into the organizer's recipient table, where "
                "Exchange 2003 cannot convert it (KB 938650).");
    case TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE:
      return _ ("This meeting response (iCalendar REPLY) has no "
                "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE property. When Outlook 2007 on the "
                "organizer's side processes it, it records the response time as 1601-01-01 and "
                "later updates get stuck (KB 938650). Repair adds the property with the reply's "
                "own DTSTAMP.");
    case TF_FINDING_NDR_EXPIRED_4_4_7:
      return _ ("The message expired in the SMTP retry queue and was returned with status 4.4.7. "
                "For meeting updates from Exchange 2003 this is the visible end of KB 938650: "
                "look for the organizer's item with a 1601 track-status time.");
    case TF_FINDING_TNEF_CHECKSUM:
      return _ ("A TNEF attribute's checksum does not match its data. The content is shown as "
                "read, but the file may be damaged; Trackfix will not repair it.");
    case TF_FINDING_PARSE_ERROR:
      return _ ("The file or one of its parts could not be read. The detail says what and where. "
                "Other files are not affected.");
    case TF_FINDING_PST_CHECKSUM:
      return _ ("A block or index page of this Outlook data file does not match its CRC. The "
                "content is shown as read, but the file may be damaged: run the Inbox Repair Tool "
                "(scanpst.exe). Trackfix never writes into a block whose CRC does not verify.");
    case TF_FINDING_PST_PASSWORD:
      return _ ("The Outlook data file has a password. The password is only checked by Outlook’s "
                "dialog and does not encrypt the data, so Trackfix reads the file without asking for "
                "it. Keep the file as protected as any other mailbox export.");
    case TF_N_FINDING_CODES:
    default:
      return "";
    }
}

const char *
tf_finding_code_get_row_reason (TfFindingCode code)
{
  switch (code)
    {
    case TF_FINDING_TRACK_TIME_1601:
      return _ ("Exchange 2003 cannot convert this update (KB 938650)");
    case TF_FINDING_TRACK_TIME_PRE_1900:
      return _ ("Exchange 2003 may fail to convert this update (KB 938650)");
    case TF_FINDING_TRACK_TIME_MISSING:
      return _ ("Response recorded without a response time");
    case TF_FINDING_TRACK_TIME_OUT_OF_RANGE:
      return _ ("Response time outside the range Windows can convert");
    case TF_FINDING_CRITICAL_CHANGE_1601:
      return _ ("Critical-change time Exchange 2003 cannot convert (KB 938650)");
    case TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE:
      return _ ("Response without X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE (KB 938650)");
    case TF_FINDING_NDR_EXPIRED_4_4_7:
      return _ ("Expired in the retry queue (#4.4.7)");
    case TF_FINDING_TNEF_CHECKSUM:
      return _ ("Damaged TNEF data");
    case TF_FINDING_PARSE_ERROR:
      return _ ("Cannot be read");
    case TF_FINDING_PST_CHECKSUM:
      return _ ("Damaged PST block");
    case TF_FINDING_PST_PASSWORD:
      return _ ("Password-protected, read without the password");
    case TF_N_FINDING_CODES:
    default:
      return "";
    }
}
