/* tf-labels.c — short texts and icons the views share
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "Trackfix"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tf-filetime.h"
#include "tf-labels-private.h"

const char *
tf_labels_item_kind (TfItem *item)
{
  if (tf_item_get_kind (item) == TF_KIND_REQUEST && tf_item_get_is_update (item))
    /* Translators: item kind: a meeting request that updates an earlier one */
    return C_ ("kind", "Update");

  return tf_kind_get_label (tf_item_get_kind (item));
}

const char *
tf_labels_item_kind_id (TfItem *item)
{
  if (tf_item_get_kind (item) == TF_KIND_REQUEST && tf_item_get_is_update (item))
    return "update";

  return tf_kind_to_string (tf_item_get_kind (item));
}

const char *
tf_labels_severity_icon (TfSeverity severity)
{
  switch (severity)
    {
    case TF_SEVERITY_ERROR:
    case TF_SEVERITY_WARNING:
      return "dialog-warning-symbolic";
    case TF_SEVERITY_INFO:
    default:
      return NULL;
    }
}

const char *
tf_labels_severity_class (TfSeverity severity)
{
  switch (severity)
    {
    case TF_SEVERITY_ERROR:
      return "error";
    case TF_SEVERITY_WARNING:
      return "warning";
    case TF_SEVERITY_INFO:
    default:
      return NULL;
    }
}

char *
tf_labels_format_unix (gint64 unix_seconds,
                       gboolean local)
{
  if (unix_seconds == G_MININT64 || unix_seconds == G_MAXINT64 || unix_seconds < -TF_FILETIME_UNIX_OFFSET_SEC)
    return g_strdup ("—");

  return tf_filetime_format_display (tf_filetime_from_unix (unix_seconds), local);
}

TfFinding *
tf_labels_worst_finding_for (TfItem *item,
                             const char *address)
{
  g_autoptr (GPtrArray) findings = NULL;
  TfFinding *worst = NULL;

  if (address == NULL)
    return NULL;

  findings = tf_item_dup_findings_for (item, address);
  for (guint i = 0; findings != NULL && i < findings->len; i++)
    {
      TfFinding *finding = g_ptr_array_index (findings, i);

      if (worst == NULL || tf_finding_get_severity (finding) > tf_finding_get_severity (worst))
        worst = finding;
    }

  /* Borrowed: the item keeps its findings */
  return worst;
}

const char *
tf_labels_finding_short (TfFindingCode code)
{
  switch (code)
    {
    case TF_FINDING_TRACK_TIME_1601:
      /* Translators: short label in the item list: a recipient's track-status time is 1601-01-01 */
      return C_ ("finding", "1601 track time");
    case TF_FINDING_TRACK_TIME_PRE_1900:
      /* Translators: short label in the item list */
      return C_ ("finding", "pre-1900 track time");
    case TF_FINDING_TRACK_TIME_MISSING:
      /* Translators: short label in the item list */
      return C_ ("finding", "no track time");
    case TF_FINDING_TRACK_TIME_OUT_OF_RANGE:
      /* Translators: short label in the item list */
      return C_ ("finding", "track time out of range");
    case TF_FINDING_CRITICAL_CHANGE_1601:
      /* Translators: short label in the item list: Attendee/OwnerCriticalChange is 1601 */
      return C_ ("finding", "1601 critical change");
    case TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE:
      /* Translators: short label in the item list: an iCalendar reply lacks X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE */
      return C_ ("finding", "reply without critical change");
    case TF_FINDING_NDR_EXPIRED_4_4_7:
      /* Translators: short label in the item list: a non-delivery report with status 4.4.7 */
      return C_ ("finding", "4.4.7 bounce");
    case TF_FINDING_TNEF_CHECKSUM:
      /* Translators: short label in the item list */
      return C_ ("finding", "TNEF checksum");
    case TF_FINDING_PARSE_ERROR:
      /* Translators: short label in the item list: the file is damaged */
      return C_ ("finding", "cannot be read");
    default:
      return tf_finding_code_get_title (code);
    }
}

guint
tf_labels_item_rank (TfItem *item)
{
  if (tf_item_get_n_problems (item) == 0)
    return 0;
  if (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601))
    return 5;
  if (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_PRE_1900) || tf_item_has_finding (item, TF_FINDING_CRITICAL_CHANGE_1601))
    return 4;

  return 1 + (guint) tf_item_get_max_severity (item);
}

TfFinding *
tf_labels_worst_finding (TfItem *item)
{
  TfFinding *worst = NULL;
  guint n = tf_item_get_n_findings (item);

  /* The KB 938650 cases first, as in tf_labels_item_rank() */
  for (guint i = 0; i < n; i++)
    {
      TfFinding *finding = tf_item_get_finding (item, i);
      TfFindingCode code = tf_finding_get_code (finding);

      if (code == TF_FINDING_TRACK_TIME_1601 || code == TF_FINDING_TRACK_TIME_PRE_1900 || code == TF_FINDING_CRITICAL_CHANGE_1601)
        return finding;
      if (worst == NULL || tf_finding_get_severity (finding) > tf_finding_get_severity (worst))
        worst = finding;
    }

  return worst;
}

AdwToast *
tf_labels_new_toast (const char *text)
{
  /* AdwToast (libadwaita 1.2) always parses its title as Pango markup;
   * adw_toast_set_use_markup() is 1.4. Texts with file names or command
   * lines ("net stop … && net start …") would be dropped as bad markup. */
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);

  return adw_toast_new (escaped);
}

char *
tf_labels_format_iso_local (const char *iso8601)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) local = NULL;

  if (iso8601 == NULL)
    return g_strdup ("");
  utc = g_date_time_new_from_iso8601 (iso8601, NULL);
  if (utc == NULL)
    return g_strdup (iso8601);
  local = g_date_time_to_local (utc);

  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

char *
tf_labels_display_name (const char *from)
{
  const char *bracket = from != NULL ? strchr (from, '<') : NULL;

  if (from == NULL)
    return NULL;
  if (bracket != NULL && bracket > from)
    {
      g_autofree char *name = g_strndup (from, bracket - from);

      g_strstrip (name);
      /* "Ken Myer" <…>: without the quotes too */
      if (name[0] == '"' && strlen (name) > 1 && name[strlen (name) - 1] == '"')
        {
          name[strlen (name) - 1] = '\0';
          memmove (name, name + 1, strlen (name));
        }
      if (*name != '\0')
        return g_steal_pointer (&name);
    }

  return g_strdup (from);
}

gboolean
tf_labels_item_has_repair_target (TfItem *item)
{
  static const TfFindingCode repairable[] = {
    TF_FINDING_TRACK_TIME_1601,
    TF_FINDING_TRACK_TIME_PRE_1900,
    TF_FINDING_TRACK_TIME_MISSING,
    TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE,
  };

  for (guint i = 0; item != NULL && i < G_N_ELEMENTS (repairable); i++)
    if (tf_item_has_finding (item, repairable[i]))
      return TRUE;
  return FALSE;
}

char *
tf_labels_display_path (const char *path)
{
  const char *home = g_get_home_dir ();
  gsize len = home != NULL ? strlen (home) : 0;

  if (path == NULL)
    return NULL;
  /* Not for "/" as home (a service account) or a path merely starting
   * with the same letters ("/home/ken2" under "/home/ken") */
  if (len > 1 && strncmp (path, home, len) == 0 && (path[len] == '/' || path[len] == '\0'))
    return g_strconcat ("~", path + len, NULL);

  return g_strdup (path);
}
