/* tf-rules.c — the detector policy (domain.md §6.2) as findings
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tf-filetime.h"
#include "tf-mapi.h"
#include "tf-rules.h"

static gboolean
has_prefix_ci (const char *str,
               const char *prefix)
{
  return str != NULL && g_ascii_strncasecmp (str, prefix, strlen (prefix)) == 0;
}

static gboolean
kind_from_method (const char *method,
                  TfKind *kind)
{
  static const struct
  {
    const char *method;
    TfKind kind;
  } map[] = {
    { "REQUEST", TF_KIND_REQUEST },
    { "ADD", TF_KIND_REQUEST },
    { "REPLY", TF_KIND_REPLY },
    { "CANCEL", TF_KIND_CANCEL },
    { "COUNTER", TF_KIND_COUNTER },
    { "PUBLISH", TF_KIND_APPOINTMENT },
  };

  if (method == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    {
      if (g_ascii_strcasecmp (method, map[i].method) == 0)
        {
          *kind = map[i].kind;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
contains_ci (const char *haystack,
             const char *needle)
{
  gsize n = strlen (needle);

  for (const char *p = haystack; *p != '\0'; p++)
    if (g_ascii_strncasecmp (p, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
kind_from_class (const char *klass,
                 TfKind *kind)
{
  /* Current classes plus the legacy MS Mail forms MimeKit maps */
  static const struct
  {
    const char *prefix;
    TfKind kind;
  } map[] = {
    { "IPM.Schedule.Meeting.Request", TF_KIND_REQUEST },
    { "IPM.Schedule.Meeting.Resp.", TF_KIND_REPLY },
    { "IPM.Schedule.Meeting.Canceled", TF_KIND_CANCEL },
    { "IPM.Appointment", TF_KIND_APPOINTMENT },
    { "IPM.Microsoft Schedule.MtgReq", TF_KIND_REQUEST },
    { "IPM.Microsoft Schedule.MtgResp", TF_KIND_REPLY },
    { "IPM.Microsoft Schedule.MtgCncl", TF_KIND_CANCEL },
    /* A PST lists an exception as an item of its own */
    { TF_MAPI_CLASS_EXCEPTION, TF_KIND_APPOINTMENT },
  };

  if (klass == NULL)
    return FALSE;
  /* Message classes are case-insensitive ("Report.IPM.Note.ndr") */
  if (has_prefix_ci (klass, "REPORT.") && contains_ci (klass, ".NDR"))
    {
      *kind = TF_KIND_NDR;
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    {
      if (has_prefix_ci (klass, map[i].prefix))
        {
          *kind = map[i].kind;
          return TRUE;
        }
    }
  return FALSE;
}

void
tf_rules_classify (TfItem *item)
{
  TfKind kind = TF_KIND_MESSAGE;

  g_return_if_fail (TF_IS_ITEM (item));

  /* A delivery report wins: it may carry the returned meeting inside. */
  if ((tf_item_get_sources (item) & (1u << TF_SOURCE_DSN)) != 0)
    kind = TF_KIND_NDR;
  else if (!kind_from_method (tf_item_get_ical_method (item), &kind)
           && !kind_from_class (tf_item_get_message_class (item), &kind))
    kind = TF_KIND_MESSAGE;

  tf_item_set_kind (item, kind);
}

static gboolean
already_has (TfItem *item,
             TfFindingCode code,
             const char *recipient)
{
  for (guint i = 0; i < tf_item_get_n_findings (item); i++)
    {
      TfFinding *f = tf_item_get_finding (item, i);

      if (tf_finding_get_code (f) == code
          && g_strcmp0 (tf_finding_get_recipient (f), recipient) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
add (TfItem *item,
     TfFindingCode code,
     const char *recipient,
     char *detail)
{
  if (!already_has (item, code, recipient))
    tf_item_add_finding (item, tf_finding_new (code, recipient, detail));
  g_free (detail);
}

static const char *
recipient_key (TfRecipient *r)
{
  if (tf_recipient_get_address (r) != NULL)
    return tf_recipient_get_address (r);
  return tf_recipient_get_name (r);
}

static void
check_track_time (TfItem *item,
                  TfRecipient *r)
{
  /* Made only for a finding: most rows are fine (PST: thousands) */
  g_autofree char *who = NULL;
  const char *key = recipient_key (r);
  int status = tf_recipient_get_track_status (r);

  if (tf_recipient_get_has_track_time (r))
    {
      guint64 ft = tf_recipient_get_track_time (r);
      TfTimeClass time_class = tf_filetime_classify (ft);
      /* Formatted only for a finding: most rows are fine (PST: thousands) */
      gboolean bad = time_class == TF_TIME_CLASS_ZERO || time_class == TF_TIME_CLASS_PRE_1900
                     || time_class == TF_TIME_CLASS_OUT_OF_RANGE;
      g_autofree char *when = bad ? tf_filetime_format_display (ft, FALSE) : NULL;
      g_autofree char *hex = bad ? tf_filetime_format_hex (ft) : NULL;

      if (bad)
        who = tf_recipient_dup_display (r);

      switch (time_class)
        {
        case TF_TIME_CLASS_ZERO:
          add (item, TF_FINDING_TRACK_TIME_1601, key,
               /* Translators: %1$s recipient, %2$s time, %3$s raw FILETIME hex */
               g_strdup_printf (_ ("%1$s: PR_RECIPIENT_TRACKSTATUS_TIME is %2$s (FILETIME %3$s). "
                                   "Exchange 2003 cannot convert this update or cancellation, "
                                   "so it stays in the retry queue and bounces with 4.4.7 "
                                   "(KB 938650)."),
                                who, when, hex));
          break;
        case TF_TIME_CLASS_PRE_1900:
          add (item, TF_FINDING_TRACK_TIME_PRE_1900, key,
               g_strdup_printf (_ ("%1$s: PR_RECIPIENT_TRACKSTATUS_TIME is %2$s (FILETIME %3$s), "
                                   "before 1900. Exchange 2003 may fail to convert this update "
                                   "(KB 938650)."),
                                who, when, hex));
          break;
        case TF_TIME_CLASS_OUT_OF_RANGE:
          add (item, TF_FINDING_TRACK_TIME_OUT_OF_RANGE, key,
               g_strdup_printf (_ ("%1$s: PR_RECIPIENT_TRACKSTATUS_TIME is %2$s (FILETIME %3$s), "
                                   "after 9999-12-31."),
                                who, when, hex));
          break;
        case TF_TIME_CLASS_NONE_4501:
        case TF_TIME_CLASS_OK:
        default:
          break;
        }
      return;
    }

  if (tf_recipient_get_track_time_type (r) != 0 && tf_recipient_get_track_time_type (r) != TF_PT_SYSTIME)
    {
      g_autofree char *type = tf_mapi_type_to_string (tf_recipient_get_track_time_type (r));

      who = tf_recipient_dup_display (r);

      add (item, TF_FINDING_TRACK_TIME_OUT_OF_RANGE, key,
           /* Translators: %2$s is a MAPI type name such as PT_LONG */
           g_strdup_printf (_ ("%1$s: PR_RECIPIENT_TRACKSTATUS_TIME is stored as %2$s instead of "
                               "PT_SYSTIME; Exchange cannot convert it."),
                            who, type));
      return;
    }

  if (status == TF_TRACK_STATUS_TENTATIVE || status == TF_TRACK_STATUS_ACCEPTED
      || status == TF_TRACK_STATUS_DECLINED)
    {
      who = tf_recipient_dup_display (r);
      add (item, TF_FINDING_TRACK_TIME_MISSING, key,
           /* Translators: %2$s is a response such as "Accepted" */
           g_strdup_printf (_ ("%1$s: the response is recorded as “%2$s” but "
                               "PR_RECIPIENT_TRACKSTATUS_TIME is missing."),
                            who, tf_track_status_get_label (status)));
    }
}

static void
check_stamps (TfItem *item)
{
  for (guint i = 0; i < tf_item_get_n_stamps (item); i++)
    {
      const TfStamp *stamp = tf_item_get_stamp (item, i);
      TfTimeClass klass;
      const char *name;
      g_autofree char *when = NULL;
      g_autofree char *hex = NULL;

      if (stamp->kind != TF_STAMP_ATTENDEE_CRITICAL_CHANGE
          && stamp->kind != TF_STAMP_OWNER_CRITICAL_CHANGE)
        continue;

      klass = tf_filetime_classify (stamp->filetime);
      if (klass != TF_TIME_CLASS_ZERO && klass != TF_TIME_CLASS_PRE_1900)
        continue;

      if (stamp->source == TF_SOURCE_ICAL)
        name = stamp->kind == TF_STAMP_ATTENDEE_CRITICAL_CHANGE
                   ? "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE"
                   : "X-MICROSOFT-CDO-OWNER-CRITICAL-CHANGE";
      else
        name = stamp->kind == TF_STAMP_ATTENDEE_CRITICAL_CHANGE
                   ? "PidLidAttendeeCriticalChange"
                   : "PidLidOwnerCriticalChange";

      when = tf_filetime_format_display (stamp->filetime, FALSE);
      hex = tf_filetime_format_hex (stamp->filetime);
      add (item, TF_FINDING_CRITICAL_CHANGE_1601, NULL,
           /* Translators: %1$s is a property name, %2$s a time, %3$s raw FILETIME hex */
           g_strdup_printf (_ ("%1$s is %2$s (FILETIME %3$s). Outlook copies it into the "
                               "organizer's recipient table, where Exchange 2003 cannot "
                               "convert it (KB 938650)."),
                            name, when, hex));
    }
}

static gboolean
has_ical_stamp (TfItem *item,
                TfStampKind kind)
{
  for (guint i = 0; i < tf_item_get_n_stamps (item); i++)
    {
      const TfStamp *stamp = tf_item_get_stamp (item, i);

      if (stamp->kind == kind && stamp->source == TF_SOURCE_ICAL)
        return TRUE;
    }
  return FALSE;
}

static void
check_reply (TfItem *item)
{
  const char *replier = NULL;

  /* The calendar reader marks every REPLY / COUNTER VEVENT without the
   * stamp, whichever VCALENDAR object of the item it is in. */
  if (!has_ical_stamp (item, TF_STAMP_REPLY_WITHOUT_CRITICAL_CHANGE))
    return;

  for (guint i = 0; i < tf_item_get_n_recipients (item); i++)
    {
      TfRecipient *r = tf_item_get_recipient (item, i);

      if (tf_recipient_get_source (r) == TF_SOURCE_ICAL && !tf_recipient_get_is_organizer (r))
        {
          replier = recipient_key (r);
          break;
        }
    }

  add (item, TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE, replier,
       replier != NULL
           /* Translators: %s is the attendee who replied */
           ? g_strdup_printf (_ ("The response from %s has no X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE. "
                                 "Outlook 2007 will record its response time as 1601-01-01, and "
                                 "later updates of this meeting will get stuck (KB 938650)."),
                              replier)
           : g_strdup (_ ("This meeting response has no X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE. "
                          "Outlook 2007 will record the response time as 1601-01-01, and later "
                          "updates of this meeting will get stuck (KB 938650).")));
}

static gboolean
is_status_4_4_7 (const char *status)
{
  const char *p;

  if (status == NULL)
    return FALSE;
  p = strstr (status, "4.4.7");
  if (p == NULL)
    return FALSE;
  /* Not part of a longer number such as 4.4.70 or 14.4.7 */
  if (p > status && (g_ascii_isdigit (p[-1]) || p[-1] == '.'))
    return FALSE;
  return !g_ascii_isdigit (p[5]) && p[5] != '.';
}

static void
check_dsn (TfItem *item,
           TfRecipient *r)
{
  const char *key = recipient_key (r);

  if (!is_status_4_4_7 (tf_recipient_get_dsn_status (r)))
    return;

  add (item, TF_FINDING_NDR_EXPIRED_4_4_7, key,
       /* Translators: %s is the recipient the message could not reach */
       g_strdup_printf (_ ("Delivery to %s expired in the retry queue (status 4.4.7, “Could not "
                           "deliver the message in the time limit specified”). For an Exchange "
                           "2003 meeting update this is the typical end of KB 938650."),
                        key != NULL ? key : _ ("an unnamed recipient")));
}

void
tf_rules_apply (TfItem *item)
{
  g_return_if_fail (TF_IS_ITEM (item));

  for (guint i = 0; i < tf_item_get_n_recipients (item); i++)
    {
      TfRecipient *r = tf_item_get_recipient (item, i);

      switch (tf_recipient_get_source (r))
        {
        case TF_SOURCE_TNEF:
        case TF_SOURCE_MSG:
          check_track_time (item, r);
          break;
        case TF_SOURCE_PST:
        case TF_SOURCE_OST:
          check_track_time (item, r);
          /* A bounce stored in a mailbox: its rows carry the NDR text */
          check_dsn (item, r);
          break;
        case TF_SOURCE_DSN:
          check_dsn (item, r);
          break;
        case TF_SOURCE_ICAL:
        case TF_SOURCE_HEADER:
        case TF_SOURCE_NONE:
        default:
          break;
        }
    }

  check_stamps (item);
  check_reply (item);
}
