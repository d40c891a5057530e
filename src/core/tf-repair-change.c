/* tf-repair-change.c — the planned changes and the per-file results of the repair engine
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

#include "tf-filetime.h"
#include "tf-repair-private.h"

/* ------------------------------------------------------------------ */
/* TfRepairChange                                                     */

G_DEFINE_FINAL_TYPE (TfRepairChange, tf_repair_change, G_TYPE_OBJECT)

static void
tf_repair_change_finalize (GObject *object)
{
  TfRepairChange *self = TF_REPAIR_CHANGE (object);

  g_clear_object (&self->item);
  g_clear_object (&self->recipient);
  g_clear_object (&self->value_item);
  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->reason, g_free);
  g_clear_pointer (&self->explanation, g_free);

  G_OBJECT_CLASS (tf_repair_change_parent_class)->finalize (object);
}

static void
tf_repair_change_class_init (TfRepairChangeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tf_repair_change_finalize;
}

static void
tf_repair_change_init (TfRepairChange *self)
{
  self->site.offset = -1;
  self->site.part_index = -1;
}

TfItem *
tf_repair_change_get_item (TfRepairChange *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_CHANGE (self), NULL);
  return self->item;
}

const char *
tf_repair_change_get_file_path (TfRepairChange *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_CHANGE (self), NULL);
  return tf_item_get_file_path (self->item);
}

TfRecipient *
tf_repair_change_get_recipient (TfRepairChange *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_CHANGE (self), NULL);
  return self->recipient;
}

const char *
tf_repair_change_get_address (TfRepairChange *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_CHANGE (self), NULL);
  return self->address;
}

TfFindingCode
tf_repair_change_get_code (TfRepairChange *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_CHANGE (self), TF_FINDING_PARSE_ERROR);
  return self->code;
}

gboolean
tf_repair_change_get_repairable (TfRepairChange *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_CHANGE (self), FALSE);
  return self->repairable;
}

const char *
tf_repair_change_get_reason (TfRepairChange *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_CHANGE (self), NULL);
  return self->reason;
}

gboolean
tf_repair_change_get_has_old_value (TfRepairChange *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_CHANGE (self), FALSE);
  return self->has_old_value;
}

guint64
tf_repair_change_get_old_value (TfRepairChange *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_CHANGE (self), 0);
  return self->old_value;
}

guint64
tf_repair_change_get_new_value (TfRepairChange *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_CHANGE (self), 0);
  return self->new_value;
}

TfRepairValueSource
tf_repair_change_get_value_source (TfRepairChange *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_CHANGE (self), TF_REPAIR_VALUE_NONE);
  return self->value_source;
}

TfItem *
tf_repair_change_get_value_item (TfRepairChange *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_CHANGE (self), NULL);
  return self->value_item;
}

const char *
tf_repair_change_get_explanation (TfRepairChange *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_CHANGE (self), NULL);
  return self->explanation;
}

char *
tf_repair_change_dup_description (TfRepairChange *self)
{
  g_autofree char *old_str = NULL;
  g_autofree char *new_str = NULL;
  const char *who;

  g_return_val_if_fail (TF_IS_REPAIR_CHANGE (self), NULL);

  who = self->address != NULL ? self->address : tf_item_get_path (self->item);

  if (!self->repairable)
    /* Translators: %1$s is an address or file, %2$s a finding code, %3$s the reason */
    return g_strdup_printf (_ ("%1$s: %2$s not repairable: %3$s"),
                            who, tf_finding_code_to_string (self->code), self->reason);

  new_str = tf_filetime_format_display (self->new_value, FALSE);
  if (self->code == TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE)
    {
      g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (tf_filetime_to_unix (self->new_value));
      g_autofree char *value = g_date_time_format (dt, "%Y%m%dT%H%M%SZ");

      /* Translators: %1$s is an address, %2$s the iCalendar property, %3$s its value, %4$s where it came from */
      return g_strdup_printf (_ ("%1$s: add %2$s:%3$s (%4$s)"),
                              who, TF_REPAIR_ICAL_CC_NAME, value, self->explanation);
    }

  if (self->has_old_value)
    old_str = tf_filetime_format_display (self->old_value, FALSE);
  else
    old_str = g_strdup (_ ("absent"));
  /* Translators: %1$s is an address, %2$s the old time, %3$s the new time, %4$s where it came from */
  return g_strdup_printf (_ ("%1$s: PR_RECIPIENT_TRACKSTATUS_TIME %2$s → %3$s UTC (%4$s)"),
                          who, old_str, new_str, self->explanation);
}

/* ------------------------------------------------------------------ */
/* TfRepairResult                                                     */

G_DEFINE_FINAL_TYPE (TfRepairResult, tf_repair_result, G_TYPE_OBJECT)

static void
tf_repair_result_finalize (GObject *object)
{
  TfRepairResult *self = TF_REPAIR_RESULT (object);

  g_free (self->file_path);
  g_free (self->action);
  g_free (self->message);
  g_free (self->sha256_before);
  g_free (self->sha256_after);
  g_free (self->backup);
  g_free (self->target);
  g_free (self->run_id);
  g_clear_pointer (&self->changes, g_ptr_array_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (tf_repair_result_parent_class)->finalize (object);
}

static void
tf_repair_result_class_init (TfRepairResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tf_repair_result_finalize;
}

static void
tf_repair_result_init (TfRepairResult *self)
{
  self->changes = g_ptr_array_new_with_free_func (g_object_unref);
}

TfRepairResult *
tf_repair_result_new (const char *file_path,
                      const char *action,
                      const char *run_id)
{
  TfRepairResult *self = g_object_new (TF_TYPE_REPAIR_RESULT, NULL);

  self->file_path = g_strdup (file_path);
  self->action = g_strdup (action);
  self->run_id = g_strdup (run_id);
  self->status = TF_REPAIR_STATUS_FAILED;
  return self;
}

void
tf_repair_result_set (TfRepairResult *self,
                      TfRepairStatus status,
                      const char *message)
{
  self->status = status;
  g_free (self->message);
  self->message = g_strdup (message);
}

void
tf_repair_result_set_error (TfRepairResult *self,
                            const GError *error)
{
  TfRepairStatus status = TF_REPAIR_STATUS_FAILED;

  if (error->domain == TF_ERROR && (error->code == TF_ERROR_CHANGED || error->code == TF_ERROR_REFUSED))
    status = TF_REPAIR_STATUS_REFUSED;
  tf_repair_result_set (self, status, error->message);
  g_clear_error (&self->error);
  self->error = g_error_copy (error);
}

const char *
tf_repair_result_get_file_path (TfRepairResult *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_RESULT (self), NULL);
  return self->file_path;
}

const char *
tf_repair_result_get_action (TfRepairResult *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_RESULT (self), NULL);
  return self->action;
}

TfRepairStatus
tf_repair_result_get_status (TfRepairResult *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_RESULT (self), TF_REPAIR_STATUS_FAILED);
  return self->status;
}

const char *
tf_repair_result_get_message (TfRepairResult *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_RESULT (self), NULL);
  return self->message;
}

const GError *
tf_repair_result_get_error (TfRepairResult *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_RESULT (self), NULL);
  return self->error;
}

const char *
tf_repair_result_get_sha256_before (TfRepairResult *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_RESULT (self), NULL);
  return self->sha256_before;
}

const char *
tf_repair_result_get_sha256_after (TfRepairResult *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_RESULT (self), NULL);
  return self->sha256_after;
}

const char *
tf_repair_result_get_backup (TfRepairResult *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_RESULT (self), NULL);
  return self->backup;
}

const char *
tf_repair_result_get_target (TfRepairResult *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_RESULT (self), NULL);
  return self->target;
}

GPtrArray *
tf_repair_result_get_changes (TfRepairResult *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_RESULT (self), NULL);
  return self->changes;
}

GPtrArray *
tf_repair_result_get_items (TfRepairResult *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_RESULT (self), NULL);
  return self->items;
}

const char *
tf_repair_result_get_run_id (TfRepairResult *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_RESULT (self), NULL);
  return self->run_id;
}

const char *
tf_repair_status_to_string (TfRepairStatus status)
{
  switch (status)
    {
    case TF_REPAIR_STATUS_DONE:
      return "done";
    case TF_REPAIR_STATUS_SKIPPED:
      return "skipped";
    case TF_REPAIR_STATUS_REFUSED:
      return "refused";
    case TF_REPAIR_STATUS_FAILED:
    default:
      return "failed";
    }
}

const char *
tf_repair_value_source_to_string (TfRepairValueSource source)
{
  switch (source)
    {
    case TF_REPAIR_VALUE_REPLY:
      return "reply";
    case TF_REPAIR_VALUE_OWNER_CRITICAL_CHANGE:
      return "owner-critical-change";
    case TF_REPAIR_VALUE_SENT:
      return "sent";
    case TF_REPAIR_VALUE_NOW:
      return "repair-time";
    case TF_REPAIR_VALUE_DTSTAMP:
      return "dtstamp";
    case TF_REPAIR_VALUE_NONE:
    default:
      return "none";
    }
}
