/* tf-labels.c — short texts and icons the views share
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "Trackfix"

#include "config.h"

#include <glib/gi18n.h>

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
