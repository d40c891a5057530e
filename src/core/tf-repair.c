/* tf-repair.c — plan, write, verify and undo byte-minimal repairs
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

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "tf-autocleanups-private.h"
#include "tf-filetime.h"
#include "tf-mime-private.h"
#include "tf-reader.h"
#include "tf-repair.h"
#include "tf-safe-io.h"
#include "tf-tnef-private.h"

/* How the engine keeps its promise of "nothing else changes":
 *
 * - Every change becomes an Edit on the original bytes: a byte range and
 *   its replacement. TNEF and .msg patches replace bytes with as many
 *   bytes; an iCalendar fix inserts one line. No library re-serialises
 *   anything: GMime, libical and libgsf would all rewrite far more than
 *   the value (headers, folding, CFB layout), so the byte work is ours.
 * - The libraries are still the judges: GMime locates a part's encoded
 *   body, and every result is read back with the core readers
 *   (tf_read_bytes) and compared with the original reading, field by
 *   field, before and after it is written. */

#define ICAL_CC_NAME "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE"
#define MAX_HOLD_NAMES 1000

/* ------------------------------------------------------------------ */
/* TfRepairChange                                                      */

struct _TfRepairChange
{
  GObject parent_instance;

  TfItem *item;
  TfRecipient *recipient;
  TfItem *value_item;
  char *address;
  char *reason;
  char *explanation;
  TfPatchSite site;
  TfFindingCode code;
  TfRepairValueSource value_source;
  guint64 old_value;
  guint64 new_value;
  gboolean has_old_value;
  gboolean repairable;
};

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
                              who, ICAL_CC_NAME, value, self->explanation);
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
/* TfRepairResult                                                      */

struct _TfRepairResult
{
  GObject parent_instance;

  char *file_path;
  char *action;
  char *message;
  char *sha256_before;
  char *sha256_after;
  char *backup;
  char *target;
  char *run_id;
  GPtrArray *changes;
  GPtrArray *items;
  GError *error;
  TfRepairStatus status;
};

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

static TfRepairResult *
result_new (const char *file_path,
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

static void
result_set (TfRepairResult *self,
            TfRepairStatus status,
            const char *message)
{
  self->status = status;
  g_free (self->message);
  self->message = g_strdup (message);
}

/* Maps an error to REFUSED (safety rules) or FAILED. */
static void
result_set_error (TfRepairResult *self,
                  const GError *error)
{
  TfRepairStatus status = TF_REPAIR_STATUS_FAILED;

  if (error->domain == TF_ERROR && (error->code == TF_ERROR_CHANGED || error->code == TF_ERROR_REFUSED))
    status = TF_REPAIR_STATUS_REFUSED;
  result_set (self, status, error->message);
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

/* ------------------------------------------------------------------ */
/* TfRepairPlan                                                        */

/* The changes that go into one file, with the items they touch. */
typedef struct
{
  char *file_path;
  GPtrArray *changes; /* TfRepairChange, repairable only */
  GPtrArray *items;   /* TfItem, distinct, file order */
} FileJob;

struct _TfRepairPlan
{
  GObject parent_instance;

  GListStore *changes;
  GPtrArray *jobs; /* FileJob */
  guint n_repairable;
  guint n_unrepairable;
  guint n_items;
};

G_DEFINE_FINAL_TYPE (TfRepairPlan, tf_repair_plan, G_TYPE_OBJECT)

static void
file_job_free (FileJob *job)
{
  g_free (job->file_path);
  g_ptr_array_unref (job->changes);
  g_ptr_array_unref (job->items);
  g_free (job);
}

static void
tf_repair_plan_finalize (GObject *object)
{
  TfRepairPlan *self = TF_REPAIR_PLAN (object);

  g_clear_object (&self->changes);
  g_clear_pointer (&self->jobs, g_ptr_array_unref);

  G_OBJECT_CLASS (tf_repair_plan_parent_class)->finalize (object);
}

static void
tf_repair_plan_class_init (TfRepairPlanClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tf_repair_plan_finalize;
}

static void
tf_repair_plan_init (TfRepairPlan *self)
{
  self->changes = g_list_store_new (TF_TYPE_REPAIR_CHANGE);
  self->jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) file_job_free);
}

static const char *
recipient_key (TfRecipient *r)
{
  if (tf_recipient_get_address (r) != NULL)
    return tf_recipient_get_address (r);
  return tf_recipient_get_name (r);
}

static gboolean
time_usable (guint64 filetime)
{
  return tf_filetime_classify (filetime) == TF_TIME_CLASS_OK;
}

static char *
format_utc (guint64 filetime)
{
  g_autofree char *when = tf_filetime_format_display (filetime, FALSE);

  return g_strdup_printf ("%s UTC", when);
}

/* "Name <a@b>" or "a@b" → the address part */
static char *
dup_from_address (const char *from)
{
  const char *lt;
  const char *gt;

  if (from == NULL)
    return NULL;
  lt = strrchr (from, '<');
  gt = lt ? strchr (lt, '>') : NULL;
  if (lt != NULL && gt != NULL)
    return g_strstrip (g_strndup (lt + 1, gt - lt - 1));
  return g_strstrip (g_strdup (from));
}

/* Exchange wraps a foreign iCalendar UID into a GlobalObjectId whose data
 * is "vCal-Uid" 01 00 00 00 <UID> 00 ([MS-OXCICAL] 2.1.3.1.1.20.26); the
 * other copy of the same meeting may carry the bare UID. */
static char *
dup_vcal_uid (const char *hex)
{
  g_autofree guint8 *bin = NULL;
  gsize len;
  guint32 size;

  if (hex == NULL)
    return NULL;
  len = strlen (hex);
  if (len < 2 * 52 || len % 2 != 0 || len > 8192)
    return NULL;
  bin = g_malloc (len / 2);
  for (gsize i = 0; i < len / 2; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);
      if (hi < 0 || lo < 0)
        return NULL;
      bin[i] = (guint8) (hi << 4 | lo);
    }
  len /= 2;
  size = bin[36] | bin[37] << 8 | bin[38] << 16 | (guint32) bin[39] << 24;
  if (size < 13 || size > len - 40 || memcmp (bin + 40, "vCal-Uid\x01\x00\x00\x00", 12) != 0)
    return NULL;
  return g_strndup ((const char *) bin + 52, size - 12);
}

static gboolean
same_meeting (TfItem *a,
              TfItem *b)
{
  const char *ka = tf_item_get_meeting_key (a);
  const char *kb = tf_item_get_meeting_key (b);
  g_autofree char *va = NULL;
  g_autofree char *vb = NULL;

  if (ka != NULL && kb != NULL && g_ascii_strcasecmp (ka, kb) == 0)
    return TRUE;
  if (tf_item_get_uid (a) != NULL && tf_item_get_uid (b) != NULL && g_ascii_strcasecmp (tf_item_get_uid (a), tf_item_get_uid (b)) == 0)
    return TRUE;

  va = dup_vcal_uid (tf_item_get_uid (a) ? tf_item_get_uid (a) : ka);
  vb = dup_vcal_uid (tf_item_get_uid (b) ? tf_item_get_uid (b) : kb);
  if (va != NULL && (g_strcmp0 (va, tf_item_get_uid (b)) == 0 || g_strcmp0 (va, vb) == 0))
    return TRUE;
  if (vb != NULL && g_strcmp0 (vb, tf_item_get_uid (a)) == 0)
    return TRUE;
  return FALSE;
}

static gboolean
reply_is_from (TfItem *reply,
               const char *address)
{
  g_autofree char *from = NULL;

  for (guint i = 0; i < tf_item_get_n_recipients (reply); i++)
    {
      TfRecipient *r = tf_item_get_recipient (reply, i);

      if (tf_recipient_get_source (r) == TF_SOURCE_ICAL && !tf_recipient_get_is_organizer (r) && tf_recipient_get_address (r) != NULL && g_ascii_strcasecmp (tf_recipient_get_address (r), address) == 0)
        return TRUE;
    }

  from = dup_from_address (tf_item_get_from (reply));
  return from != NULL && g_ascii_strcasecmp (from, address) == 0;
}

/* The attendee's response time as the reply states it: the critical-change
 * stamp, else DTSTAMP, else the Date / submit time. */
static gboolean
reply_time (TfItem *reply,
            guint64 *filetime)
{
  static const TfStampKind order[] = { TF_STAMP_ATTENDEE_CRITICAL_CHANGE, TF_STAMP_DTSTAMP };

  for (guint k = 0; k < G_N_ELEMENTS (order); k++)
    for (guint i = 0; i < tf_item_get_n_stamps (reply); i++)
      {
        const TfStamp *stamp = tf_item_get_stamp (reply, i);

        if (stamp->kind == order[k] && time_usable (stamp->filetime))
          {
            *filetime = stamp->filetime;
            return TRUE;
          }
      }

  if (tf_item_get_sent (reply) != G_MININT64)
    {
      guint64 ft = tf_filetime_from_unix (tf_item_get_sent (reply));
      if (time_usable (ft))
        {
          *filetime = ft;
          return TRUE;
        }
    }
  return FALSE;
}

static void
choose_track_time (TfRepairChange *change,
                   GPtrArray *sources,
                   gint64 now)
{
  TfItem *item = change->item;
  TfItem *best = NULL;
  guint64 best_time = 0;
  const TfStamp *owner;
  g_autofree char *when = NULL;

  if (change->address != NULL && strchr (change->address, '@') != NULL)
    for (guint i = 0; i < sources->len; i++)
      {
        TfItem *s = g_ptr_array_index (sources, i);
        guint64 t;

        if (s == item)
          continue;
        if (tf_item_get_kind (s) != TF_KIND_REPLY && tf_item_get_kind (s) != TF_KIND_COUNTER)
          continue;
        if (!same_meeting (item, s) || !reply_is_from (s, change->address))
          continue;
        if (!reply_time (s, &t))
          continue;
        /* The newest response is the one the track status reflects. */
        if (best == NULL || t > best_time)
          {
            best = s;
            best_time = t;
          }
      }

  if (best != NULL)
    {
      change->new_value = best_time;
      change->value_source = TF_REPAIR_VALUE_REPLY;
      change->value_item = g_object_ref (best);
      when = format_utc (best_time);
      /* Translators: %s is a UTC date and time */
      change->explanation = g_strdup_printf (_ ("from reply of %s"), when);
      return;
    }

  owner = tf_item_find_stamp (item, TF_STAMP_OWNER_CRITICAL_CHANGE);
  if (owner != NULL && time_usable (owner->filetime))
    {
      change->new_value = owner->filetime;
      change->value_source = TF_REPAIR_VALUE_OWNER_CRITICAL_CHANGE;
      when = format_utc (owner->filetime);
      /* Translators: %s is a UTC date and time */
      change->explanation = g_strdup_printf (_ ("no reply from this attendee was opened; from the item's owner critical change of %s"), when);
      return;
    }

  if (tf_item_get_sent (item) != G_MININT64 && time_usable (tf_filetime_from_unix (tf_item_get_sent (item))))
    {
      change->new_value = tf_filetime_from_unix (tf_item_get_sent (item));
      change->value_source = TF_REPAIR_VALUE_SENT;
      when = format_utc (change->new_value);
      /* Translators: %s is a UTC date and time */
      change->explanation = g_strdup_printf (_ ("no reply from this attendee was opened; from the item's sent time %s"), when);
      return;
    }

  change->new_value = tf_filetime_from_unix (now);
  change->value_source = TF_REPAIR_VALUE_NOW;
  when = format_utc (change->new_value);
  /* Translators: %s is a UTC date and time */
  change->explanation = g_strdup_printf (_ ("no reply, critical change or sent time is known; time of repair %s"), when);
}

static TfRepairChange *
change_new (TfItem *item,
            TfFindingCode code,
            const char *address)
{
  TfRepairChange *change = g_object_new (TF_TYPE_REPAIR_CHANGE, NULL);

  change->item = g_object_ref (item);
  change->code = code;
  change->address = g_strdup (address);
  return change;
}

static void
change_refuse (TfRepairChange *change,
               const char *reason)
{
  change->repairable = FALSE;
  change->value_source = TF_REPAIR_VALUE_NONE;
  g_free (change->reason);
  change->reason = g_strdup (reason);
}

static gboolean
is_in_scope (TfFindingCode code)
{
  return code == TF_FINDING_TRACK_TIME_1601 || code == TF_FINDING_TRACK_TIME_PRE_1900 || code == TF_FINDING_TRACK_TIME_MISSING || code == TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE;
}

static void
plan_add (TfRepairPlan *self,
          GPtrArray *item_changes,
          TfRepairChange *change)
{
  g_list_store_append (self->changes, change);
  if (change->repairable)
    {
      self->n_repairable++;
      g_ptr_array_add (item_changes, g_object_ref (change));
    }
  else
    self->n_unrepairable++;
}

static gboolean
has_finding_for (TfItem *item,
                 TfFindingCode code,
                 const char *key)
{
  for (guint i = 0; i < tf_item_get_n_findings (item); i++)
    {
      TfFinding *f = tf_item_get_finding (item, i);

      if (tf_finding_get_code (f) == code && g_strcmp0 (tf_finding_get_recipient (f), key) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
plan_item (TfRepairPlan *self,
           TfItem *item,
           GPtrArray *sources,
           gint64 now,
           GPtrArray *item_changes)
{
  const char *damage = NULL;
  TfFindingCode damage_code = TF_FINDING_PARSE_ERROR;
  gboolean any = FALSE;

  if (tf_item_has_finding (item, TF_FINDING_PARSE_ERROR))
    damage = _ ("the file could not be read completely, and Trackfix does not write to a file it cannot fully read");
  else if (tf_item_has_finding (item, TF_FINDING_TNEF_CHECKSUM))
    {
      damage = _ ("the TNEF data already has a checksum error, and Trackfix does not write to damaged data");
      damage_code = TF_FINDING_TNEF_CHECKSUM;
    }

  if (damage != NULL)
    {
      for (guint i = 0; i < tf_item_get_n_findings (item); i++)
        {
          TfFinding *f = tf_item_get_finding (item, i);
          g_autoptr (TfRepairChange) change = NULL;

          if (!is_in_scope (tf_finding_get_code (f)))
            continue;
          change = change_new (item, tf_finding_get_code (f), tf_finding_get_recipient (f));
          change_refuse (change, damage);
          plan_add (self, item_changes, change);
          any = TRUE;
        }
      if (!any)
        {
          g_autoptr (TfRepairChange) change = change_new (item, damage_code, NULL);
          change_refuse (change, damage);
          plan_add (self, item_changes, change);
        }
      return;
    }

  /* Recipient rows: one change per damaged row (several rows may share an
   * address and a finding). */
  for (guint i = 0; i < tf_item_get_n_recipients (item); i++)
    {
      TfRecipient *r = tf_item_get_recipient (item, i);
      TfSource source = tf_recipient_get_source (r);
      const TfPatchSite *site = tf_recipient_get_patch_site (r);
      g_autoptr (TfRepairChange) change = NULL;
      TfFindingCode code;

      if (source != TF_SOURCE_TNEF && source != TF_SOURCE_MSG)
        continue;

      if (tf_recipient_get_has_track_time (r))
        {
          TfTimeClass klass = tf_filetime_classify (tf_recipient_get_track_time (r));

          if (klass == TF_TIME_CLASS_ZERO)
            code = TF_FINDING_TRACK_TIME_1601;
          else if (klass == TF_TIME_CLASS_PRE_1900)
            code = TF_FINDING_TRACK_TIME_PRE_1900;
          else
            continue;
        }
      else if (has_finding_for (item, TF_FINDING_TRACK_TIME_MISSING, recipient_key (r)) && (tf_recipient_get_track_time_type (r) == 0 || tf_recipient_get_track_time_type (r) == TF_PT_SYSTIME))
        code = TF_FINDING_TRACK_TIME_MISSING;
      else
        continue;

      change = change_new (item, code, recipient_key (r));
      change->recipient = g_object_ref (r);
      change->has_old_value = tf_recipient_get_has_track_time (r);
      change->old_value = tf_recipient_get_track_time (r);
      if (site != NULL)
        change->site = *site;

      if (code == TF_FINDING_TRACK_TIME_MISSING)
        change_refuse (change, _ ("PR_RECIPIENT_TRACKSTATUS_TIME is absent from this recipient row; adding it would change the size of the recipient table, which cannot be done in place"));
      else if (site == NULL || site->offset < 0 || site->source != source)
        change_refuse (change, _ ("where the value is stored in the file is not known, so it cannot be overwritten in place"));
      else
        {
          change->repairable = TRUE;
          choose_track_time (change, sources, now);
        }
      plan_add (self, item_changes, change);
    }

  /* An iCalendar REPLY without the attendee critical-change stamp. */
  for (guint i = 0; i < tf_item_get_n_findings (item); i++)
    {
      TfFinding *f = tf_item_get_finding (item, i);
      g_autoptr (TfRepairChange) change = NULL;
      const TfStamp *dtstamp = NULL;

      if (tf_finding_get_code (f) != TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE)
        continue;

      for (guint k = 0; k < tf_item_get_n_stamps (item); k++)
        {
          const TfStamp *s = tf_item_get_stamp (item, k);
          if (s->kind == TF_STAMP_DTSTAMP && s->source == TF_SOURCE_ICAL)
            {
              dtstamp = s;
              break;
            }
        }

      change = change_new (item, TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE, tf_finding_get_recipient (f));
      if (dtstamp == NULL)
        change_refuse (change, _ ("the reply has no DTSTAMP to copy into X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE"));
      else if (!time_usable (dtstamp->filetime))
        change_refuse (change, _ ("the reply's DTSTAMP is not a usable time"));
      else
        {
          g_autofree char *when = format_utc (dtstamp->filetime);

          change->repairable = TRUE;
          change->new_value = dtstamp->filetime;
          change->value_source = TF_REPAIR_VALUE_DTSTAMP;
          change->site.source = TF_SOURCE_ICAL;
          change->site.part_index = dtstamp->part_index;
          /* Translators: %s is a UTC date and time */
          change->explanation = g_strdup_printf (_ ("from the reply's DTSTAMP %s"), when);
        }
      plan_add (self, item_changes, change);
    }
}

TfRepairPlan *
tf_repair_plan_new_at (GPtrArray *items,
                       GPtrArray *sources,
                       gint64 now)
{
  g_autoptr (TfRepairPlan) self = NULL;
  g_autoptr (GHashTable) jobs_by_path = NULL;

  g_return_val_if_fail (items != NULL, NULL);

  self = g_object_new (TF_TYPE_REPAIR_PLAN, NULL);
  jobs_by_path = g_hash_table_new (g_str_hash, g_str_equal);
  if (sources == NULL)
    sources = items;

  for (guint i = 0; i < items->len; i++)
    {
      TfItem *item = g_ptr_array_index (items, i);
      g_autoptr (GPtrArray) item_changes = g_ptr_array_new_with_free_func (g_object_unref);
      FileJob *job;

      g_return_val_if_fail (TF_IS_ITEM (item), NULL);

      /* A temp file a crash left behind is never a repair target. */
      {
        g_autofree char *base = g_path_get_basename (tf_item_get_file_path (item));
        if (tf_safe_is_temp_name (base))
          continue;
      }

      plan_item (self, item, sources, now, item_changes);
      if (item_changes->len == 0)
        continue;

      self->n_items++;
      job = g_hash_table_lookup (jobs_by_path, tf_item_get_file_path (item));
      if (job == NULL)
        {
          job = g_new0 (FileJob, 1);
          job->file_path = g_strdup (tf_item_get_file_path (item));
          job->changes = g_ptr_array_new_with_free_func (g_object_unref);
          job->items = g_ptr_array_new_with_free_func (g_object_unref);
          g_ptr_array_add (self->jobs, job);
          g_hash_table_insert (jobs_by_path, job->file_path, job);
        }
      if (!g_ptr_array_find (job->items, item, NULL))
        g_ptr_array_add (job->items, g_object_ref (item));
      for (guint k = 0; k < item_changes->len; k++)
        g_ptr_array_add (job->changes, g_object_ref (g_ptr_array_index (item_changes, k)));
    }

  return g_steal_pointer (&self);
}

TfRepairPlan *
tf_repair_plan_new (GPtrArray *items,
                    GPtrArray *sources)
{
  return tf_repair_plan_new_at (items, sources, g_get_real_time () / G_USEC_PER_SEC);
}

GListModel *
tf_repair_plan_get_changes (TfRepairPlan *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_PLAN (self), NULL);
  return G_LIST_MODEL (self->changes);
}

guint
tf_repair_plan_get_n_repairable (TfRepairPlan *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_PLAN (self), 0);
  return self->n_repairable;
}

guint
tf_repair_plan_get_n_unrepairable (TfRepairPlan *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_PLAN (self), 0);
  return self->n_unrepairable;
}

guint
tf_repair_plan_get_n_items (TfRepairPlan *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_PLAN (self), 0);
  return self->n_items;
}

guint
tf_repair_plan_get_n_files (TfRepairPlan *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_PLAN (self), 0);
  return self->jobs->len;
}

/* ------------------------------------------------------------------ */
/* Byte edits                                                          */

typedef struct
{
  gsize offset;
  gsize len;
  GBytes *replacement;
} Edit;

static void
edit_clear (gpointer data)
{
  Edit *edit = data;

  g_clear_pointer (&edit->replacement, g_bytes_unref);
}

static void
add_edit (GArray *edits,
          gsize offset,
          gsize len,
          GBytes *replacement)
{
  Edit edit = { offset, len, g_bytes_ref (replacement) };

  g_array_append_val (edits, edit);
}

static gint
compare_edits (gconstpointer a,
               gconstpointer b)
{
  const Edit *ea = a;
  const Edit *eb = b;

  if (ea->offset != eb->offset)
    return ea->offset < eb->offset ? -1 : 1;
  /* Insertions before replacements at the same place */
  return (ea->len > eb->len) - (ea->len < eb->len);
}

static GBytes *
apply_edits (GBytes *original,
             GArray *edits,
             GError **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (original, &len);
  GByteArray *out;
  gsize pos = 0;

  g_array_sort (edits, compare_edits);
  out = g_byte_array_sized_new (len + 256);
  for (guint i = 0; i < edits->len; i++)
    {
      const Edit *e = &g_array_index (edits, Edit, i);
      gsize rlen;
      const guint8 *r = g_bytes_get_data (e->replacement, &rlen);

      if (e->offset < pos || e->offset + e->len > len)
        {
          g_byte_array_unref (out);
          g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED,
                               _ ("Two planned changes overlap; nothing was written"));
          return NULL;
        }
      g_byte_array_append (out, data + pos, e->offset - pos);
      g_byte_array_append (out, r, rlen);
      pos = e->offset + e->len;
    }
  g_byte_array_append (out, data + pos, len - pos);
  return g_byte_array_free_to_bytes (out);
}

/* Base64 with the position of every significant character, so that a
 * patched decoded buffer can be written back into exactly the characters
 * that changed: the line length, line ends and all other characters stay
 * as they were. */
typedef struct
{
  GByteArray *decoded;
  GArray *positions; /* gsize: offset of each base64 / '=' character */
} B64Map;

static void
b64_map_clear (B64Map *map)
{
  g_clear_pointer (&map->decoded, g_byte_array_unref);
  g_clear_pointer (&map->positions, g_array_unref);
}

static int
b64_value (guint8 c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static gboolean
b64_map_decode (const guint8 *enc,
                gsize len,
                B64Map *map)
{
  guint n_pad = 0;
  guint32 quad = 0;
  guint nq = 0;

  map->decoded = g_byte_array_sized_new (len * 3 / 4 + 3);
  map->positions = g_array_sized_new (FALSE, FALSE, sizeof (gsize), len);

  for (gsize i = 0; i < len; i++)
    {
      guint8 c = enc[i];
      int v;

      if (c == '\r' || c == '\n' || c == ' ' || c == '\t')
        continue;
      if (c == '=')
        {
          n_pad++;
          g_array_append_val (map->positions, i);
          quad <<= 6;
          nq++;
        }
      else
        {
          v = b64_value (c);
          if (v < 0 || n_pad > 0)
            return FALSE;
          g_array_append_val (map->positions, i);
          quad = quad << 6 | (guint32) v;
          nq++;
        }
      if (nq == 4)
        {
          guint8 bytes[3] = { quad >> 16 & 0xFF, quad >> 8 & 0xFF, quad & 0xFF };

          if (n_pad > 2)
            return FALSE;
          g_byte_array_append (map->decoded, bytes, 3 - n_pad);
          if (n_pad > 0 && i + 1 < len)
            {
              /* Padding ends the data: only whitespace may follow. */
              for (gsize k = i + 1; k < len; k++)
                if (enc[k] != '\r' && enc[k] != '\n' && enc[k] != ' ' && enc[k] != '\t')
                  return FALSE;
            }
          quad = 0;
          nq = 0;
        }
    }
  return nq == 0;
}

/* Writes the 4-character groups whose 3 decoded bytes changed. */
static void
b64_map_patch (const B64Map *map,
               const guint8 *patched,
               guint8 *enc)
{
  const guint8 *orig = map->decoded->data;
  gsize n = map->decoded->len;

  for (gsize g = 0; g * 3 < n; g++)
    {
      gsize start = g * 3;
      gsize take = MIN (3, n - start);
      guint8 in[3] = { 0, 0, 0 };
      char out[4];

      if (memcmp (orig + start, patched + start, take) == 0)
        continue;
      memcpy (in, patched + start, take);
      out[0] = b64_alphabet[in[0] >> 2];
      out[1] = b64_alphabet[(in[0] & 3) << 4 | in[1] >> 4];
      out[2] = take > 1 ? b64_alphabet[(in[1] & 15) << 2 | in[2] >> 6] : '=';
      out[3] = take > 2 ? b64_alphabet[in[2] & 63] : '=';
      for (guint k = 0; k < 4; k++)
        enc[g_array_index (map->positions, gsize, g * 4 + k)] = (guint8) out[k];
    }
}

/* Encodes @data with the line layout of the original encoded text @orig:
 * same leading and trailing white space, same characters per line, same
 * line end. Used when an inserted line changes the decoded length. */
static GBytes *
b64_encode_like (const guint8 *orig,
                 gsize orig_len,
                 const guint8 *data,
                 gsize len)
{
  g_autofree char *flat = g_base64_encode (data, len);
  GString *out = g_string_sized_new (orig_len + 128);
  gsize first = 0;
  gsize last = orig_len;
  gsize line_len = 0;
  const char *eol = "\r\n";
  gsize flat_len = strlen (flat);

  while (first < orig_len && g_ascii_isspace (orig[first]))
    first++;
  while (last > first && g_ascii_isspace (orig[last - 1]))
    last--;
  for (gsize i = first; i < last && orig[i] != '\r' && orig[i] != '\n'; i++)
    line_len++;
  for (gsize i = first; i < last; i++)
    if (orig[i] == '\n')
      {
        eol = (i > 0 && orig[i - 1] == '\r') ? "\r\n" : "\n";
        break;
      }
  if (line_len == 0 || line_len == last - first)
    line_len = G_MAXSIZE; /* one line */

  g_string_append_len (out, (const char *) orig, first);
  for (gsize pos = 0; pos < flat_len; pos += line_len)
    {
      if (pos > 0)
        g_string_append (out, eol);
      g_string_append_len (out, flat + pos, MIN (line_len, flat_len - pos));
    }
  g_string_append_len (out, (const char *) orig + last, orig_len - last);
  return g_string_free_to_bytes (out);
}

/* Quoted-printable with, for every decoded byte, where it starts in the
 * encoded text. */
static gboolean
qp_map_decode (const guint8 *enc,
               gsize len,
               GByteArray *decoded,
               GArray *positions)
{
  gsize i = 0;

  while (i < len)
    {
      guint8 c = enc[i];

      if (c == '=')
        {
          int hi;
          int lo;

          if (i + 1 < len && enc[i + 1] == '\n')
            {
              i += 2;
              continue;
            }
          if (i + 2 < len && enc[i + 1] == '\r' && enc[i + 2] == '\n')
            {
              i += 3;
              continue;
            }
          if (i + 2 >= len)
            return FALSE;
          hi = g_ascii_xdigit_value (enc[i + 1]);
          lo = g_ascii_xdigit_value (enc[i + 2]);
          if (hi < 0 || lo < 0)
            return FALSE;
          c = (guint8) (hi << 4 | lo);
          g_byte_array_append (decoded, &c, 1);
          g_array_append_val (positions, i);
          i += 3;
          continue;
        }
      g_byte_array_append (decoded, &c, 1);
      g_array_append_val (positions, i);
      i++;
    }
  /* One past the end maps to the end. */
  g_array_append_val (positions, len);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* iCalendar: where to insert the stamp                                */

typedef struct
{
  gsize offset; /* start of the END:VEVENT line */
  guint64 dtstamp;
  const char *eol;
} IcalInsert;

static gboolean
line_is (const char *line,
         gsize len,
         const char *what)
{
  gsize n = strlen (what);

  return len == n && g_ascii_strncasecmp (line, what, n) == 0;
}

/* Property name of an unfolded content line ("DTSTAMP;X=1:…" → DTSTAMP) */
static gsize
prop_name_len (const char *line,
               gsize len)
{
  gsize i = 0;

  while (i < len && line[i] != ':' && line[i] != ';')
    i++;
  return i;
}

/* Walks the content lines of @text (unfolding continuation lines) and
 * finds, in every VCALENDAR whose METHOD is REPLY or COUNTER, each VEVENT
 * without X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE: the stamp goes right
 * before its END:VEVENT line, with that VEVENT's own DTSTAMP. */
static GArray *
find_ical_inserts (const char *text,
                   gsize len,
                   GError **error)
{
  g_autoptr (GArray) inserts = g_array_new (FALSE, FALSE, sizeof (IcalInsert));
  g_autoptr (GArray) pending = g_array_new (FALSE, FALSE, sizeof (IcalInsert));
  g_autoptr (GString) logical = g_string_new (NULL);
  gboolean is_reply = FALSE;
  gboolean in_cal = FALSE;
  guint depth_in_event = 0; /* 0 = outside, 1 = VEVENT level, >1 nested */
  gboolean event_has_cc = FALSE;
  gboolean event_has_dtstamp = FALSE;
  guint64 event_dtstamp = 0;
  gboolean bad_dtstamp = FALSE;
  const char *last_eol = "\r\n"; /* RFC 5545 */
  gsize pos = 0;

  while (pos < len)
    {
      gsize start = pos;
      /* A last line without its line end takes the file's own */
      const char *eol = last_eol;

      /* Gather one logical line: a physical line plus continuation lines
       * that start with a space or tab. */
      g_string_truncate (logical, 0);
      for (;;)
        {
          const char *nl = memchr (text + pos, '\n', len - pos);
          gsize end = nl ? (gsize) (nl - text) : len;
          gsize content_end = end;

          if (nl != NULL && content_end > pos && text[content_end - 1] == '\r')
            {
              content_end--;
              eol = last_eol = "\r\n";
            }
          else if (nl != NULL)
            eol = last_eol = "\n";
          else if (content_end > pos && text[content_end - 1] == '\r')
            content_end--;
          g_string_append_len (logical, text + pos, content_end - pos);
          pos = nl ? end + 1 : len;
          if (pos < len && (text[pos] == ' ' || text[pos] == '\t'))
            {
              pos++;
              continue;
            }
          break;
        }

      if (line_is (logical->str, logical->len, "BEGIN:VCALENDAR"))
        {
          in_cal = TRUE;
          is_reply = FALSE;
          g_array_set_size (pending, 0);
        }
      else if (line_is (logical->str, logical->len, "END:VCALENDAR"))
        {
          if (is_reply)
            g_array_append_vals (inserts, pending->data, pending->len);
          g_array_set_size (pending, 0);
          in_cal = FALSE;
        }
      else if (in_cal && depth_in_event == 0 && prop_name_len (logical->str, logical->len) == 6 && g_ascii_strncasecmp (logical->str, "METHOD", 6) == 0)
        {
          const char *colon = memchr (logical->str, ':', logical->len);
          if (colon != NULL)
            {
              g_autofree char *value = g_strstrip (g_strdup (colon + 1));
              is_reply = g_ascii_strcasecmp (value, "REPLY") == 0 || g_ascii_strcasecmp (value, "COUNTER") == 0;
            }
        }
      else if (line_is (logical->str, logical->len, "BEGIN:VEVENT") && depth_in_event == 0)
        {
          depth_in_event = 1;
          event_has_cc = FALSE;
          event_has_dtstamp = FALSE;
          bad_dtstamp = FALSE;
        }
      else if (depth_in_event > 0 && g_ascii_strncasecmp (logical->str, "BEGIN:", 6) == 0)
        depth_in_event++;
      else if (depth_in_event > 1 && g_ascii_strncasecmp (logical->str, "END:", 4) == 0)
        depth_in_event--;
      else if (depth_in_event == 1 && line_is (logical->str, logical->len, "END:VEVENT"))
        {
          depth_in_event = 0;
          if (!event_has_cc)
            {
              IcalInsert ins = { start, event_dtstamp, eol };

              if (!event_has_dtstamp || bad_dtstamp)
                {
                  g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED,
                                       _ ("A VEVENT of the reply has no usable UTC DTSTAMP"));
                  return NULL;
                }
              g_array_append_val (pending, ins);
            }
        }
      else if (depth_in_event == 1)
        {
          gsize nlen = prop_name_len (logical->str, logical->len);

          if (nlen == strlen (ICAL_CC_NAME) && g_ascii_strncasecmp (logical->str, ICAL_CC_NAME, nlen) == 0)
            event_has_cc = TRUE;
          else if (nlen == 7 && g_ascii_strncasecmp (logical->str, "DTSTAMP", 7) == 0)
            {
              const char *colon = memchr (logical->str, ':', logical->len);
              g_autofree char *value = colon ? g_strstrip (g_strdup (colon + 1)) : NULL;

              event_has_dtstamp = TRUE;
              /* DTSTAMP is UTC by definition (RFC 5545 3.8.7.2); a TZID
               * parameter would make the copy ambiguous. */
              if (value == NULL || logical->str[nlen] == ';' || !tf_filetime_parse_ical (value, &event_dtstamp) || !time_usable (event_dtstamp))
                bad_dtstamp = TRUE;
            }
        }
    }

  if (inserts->len == 0)
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED,
                           _ ("No REPLY event without X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE was found in the calendar text"));
      return NULL;
    }
  return g_steal_pointer (&inserts);
}

/* One content line, folded at 75 octets (RFC 5545 3.1). ASCII only. */
static char *
make_stamp_line (guint64 filetime,
                 const char *eol)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (tf_filetime_to_unix (filetime));
  g_autofree char *value = g_date_time_format (dt, "%Y%m%dT%H%M%SZ");
  g_autofree char *line = g_strconcat (ICAL_CC_NAME ":", value, NULL);
  GString *out = g_string_new (NULL);
  gsize len = strlen (line);
  gsize pos = 0;
  gsize chunk = 75;

  while (pos < len)
    {
      if (pos > 0)
        {
          g_string_append (out, eol);
          g_string_append_c (out, ' ');
        }
      g_string_append_len (out, line + pos, MIN (chunk, len - pos));
      pos += MIN (chunk, len - pos);
      chunk = 74;
    }
  g_string_append (out, eol);
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------ */
/* Computing the edits of one item                                     */

typedef struct
{
  GBytes *range;      /* the item's bytes */
  gsize range_offset; /* where they start in the file */
  GMimeMessage *message;
} ItemBytes;

static GMimePart *
find_leaf (ItemBytes *ib,
           gint part_index,
           GError **error)
{
  GMimeObject *object;

  if (ib->message == NULL)
    {
      ib->message = tf_mime_parse_bytes (ib->range, error);
      if (ib->message == NULL)
        return NULL;
    }
  object = tf_mime_find_part (ib->message, part_index);
  if (object == NULL || !GMIME_IS_PART (object))
    {
      g_set_error (error, TF_ERROR, TF_ERROR_CHANGED,
                   _ ("MIME part %d is no longer where it was when the file was read"), part_index);
      return NULL;
    }
  return GMIME_PART (object);
}

/* The encoded body of @part: [*start, *end) inside the item's bytes */
static gboolean
part_body_range (ItemBytes *ib,
                 GMimePart *part,
                 gsize *start,
                 gsize *end,
                 GError **error)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  GMimeStream *stream = content ? g_mime_data_wrapper_get_stream (content) : NULL;
  gsize len = g_bytes_get_size (ib->range);
  gint64 s;
  gint64 e;

  if (stream == NULL)
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED, _ ("The MIME part has no content"));
      return FALSE;
    }
  s = stream->bound_start;
  e = stream->bound_end < 0 ? (gint64) len : stream->bound_end;
  if (s < 0 || e < s || (guint64) e > len)
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED,
                           _ ("The position of the MIME part's content is not known"));
      return FALSE;
    }
  *start = (gsize) s;
  *end = (gsize) e;
  return TRUE;
}

static const char *
encoding_label (GMimeContentEncoding encoding)
{
  return g_mime_content_encoding_to_string (encoding) ? g_mime_content_encoding_to_string (encoding) : "?";
}

/* Applies @patch to the decoded body of MIME part @part_index and adds the
 * edit that writes it back with the part's own transfer encoding. */
typedef gboolean (*PatchDecodedFunc) (GByteArray *decoded,
                                      gpointer user_data,
                                      GError **error);

static gboolean
edit_part (ItemBytes *ib,
           gint part_index,
           gboolean may_change_length,
           PatchDecodedFunc patch,
           gpointer patch_data,
           GArray *edits,
           GError **error)
{
  const guint8 *data = g_bytes_get_data (ib->range, NULL);
  g_autoptr (GBytes) expected = NULL;
  GMimeContentEncoding encoding;
  GMimePart *part;
  gsize start;
  gsize end;

  part = find_leaf (ib, part_index, error);
  if (part == NULL || !part_body_range (ib, part, &start, &end, error))
    return FALSE;

  expected = tf_mime_dup_part_content (part);
  if (expected == NULL)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_FAILED, _ ("MIME part %d cannot be decoded"), part_index);
      return FALSE;
    }

  encoding = g_mime_part_get_content_encoding (part);
  switch (encoding)
    {
    case GMIME_CONTENT_ENCODING_DEFAULT:
    case GMIME_CONTENT_ENCODING_7BIT:
    case GMIME_CONTENT_ENCODING_8BIT:
    case GMIME_CONTENT_ENCODING_BINARY:
      {
        g_autoptr (GByteArray) body = g_byte_array_new ();
        g_autoptr (GBytes) replacement = NULL;

        g_byte_array_append (body, data + start, end - start);
        if (body->len != g_bytes_get_size (expected) || memcmp (body->data, g_bytes_get_data (expected, NULL), body->len) != 0)
          {
            g_set_error (error, TF_ERROR, TF_ERROR_FAILED,
                         _ ("MIME part %d does not decode to its raw bytes; it is not changed in place"), part_index);
            return FALSE;
          }
        if (!patch (body, patch_data, error))
          return FALSE;
        replacement = g_bytes_new (body->data, body->len);
        add_edit (edits, ib->range_offset + start, end - start, replacement);
        return TRUE;
      }

    case GMIME_CONTENT_ENCODING_BASE64:
      {
        B64Map map = { NULL, NULL };
        g_autoptr (GByteArray) patched = g_byte_array_new ();
        g_autoptr (GBytes) replacement = NULL;
        gboolean ok = FALSE;

        if (!b64_map_decode (data + start, end - start, &map) || map.decoded->len != g_bytes_get_size (expected) || memcmp (map.decoded->data, g_bytes_get_data (expected, NULL), map.decoded->len) != 0)
          {
            g_set_error (error, TF_ERROR, TF_ERROR_FAILED,
                         _ ("The base64 text of MIME part %d is not in a form Trackfix can re-encode byte for byte"), part_index);
            goto b64_out;
          }
        g_byte_array_append (patched, map.decoded->data, map.decoded->len);
        if (!patch (patched, patch_data, error))
          goto b64_out;

        if (patched->len == map.decoded->len)
          {
            /* Same length: only the 4-character groups that changed. */
            g_autofree guint8 *enc = g_memdup2 (data + start, end - start);

            b64_map_patch (&map, patched->data, enc);
            replacement = g_bytes_new_take (g_steal_pointer (&enc), end - start);
          }
        else if (may_change_length)
          replacement = b64_encode_like (data + start, end - start, patched->data, patched->len);
        else
          {
            g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED, _ ("The patch changed the length of the data"));
            goto b64_out;
          }
        add_edit (edits, ib->range_offset + start, end - start, replacement);
        ok = TRUE;
      b64_out:
        b64_map_clear (&map);
        return ok;
      }

    case GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE:
    case GMIME_CONTENT_ENCODING_UUENCODE:
    default:
      g_set_error (error, TF_ERROR, TF_ERROR_FAILED,
                   /* Translators: %d is a MIME part number, %s a transfer encoding such as quoted-printable */
                   _ ("MIME part %d is %s-encoded; Trackfix cannot re-encode it byte-minimally, so it is not repaired in place"),
                   part_index, encoding_label (encoding));
      return FALSE;
    }
}

typedef struct
{
  GPtrArray *changes; /* TfRepairChange with the same TNEF part */
} TnefPatch;

static gboolean
patch_tnef_cb (GByteArray *decoded,
               gpointer user_data,
               GError **error)
{
  TnefPatch *tp = user_data;

  for (guint i = 0; i < tp->changes->len; i++)
    {
      TfRepairChange *change = g_ptr_array_index (tp->changes, i);

      if (!tf_tnef_patch_filetime (decoded->data, decoded->len, &change->site, change->new_value, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
patch_ical_cb (GByteArray *decoded,
               gpointer user_data,
               GError **error)
{
  g_autoptr (GArray) inserts = find_ical_inserts ((const char *) decoded->data, decoded->len, error);

  if (inserts == NULL)
    return FALSE;
  /* Back to front, so earlier offsets stay valid. */
  for (guint i = inserts->len; i > 0; i--)
    {
      const IcalInsert *ins = &g_array_index (inserts, IcalInsert, i - 1);
      g_autofree char *line = make_stamp_line (ins->dtstamp, ins->eol);

      gsize n = strlen (line);
      gsize tail = decoded->len - ins->offset;

      g_byte_array_set_size (decoded, decoded->len + n);
      memmove (decoded->data + ins->offset + n, decoded->data + ins->offset, tail);
      memcpy (decoded->data + ins->offset, line, n);
    }
  return TRUE;
}

/* iCalendar in a quoted-printable part: the new line is plain ASCII
 * without '=', so it can be inserted into the encoded text as it is,
 * right after the hard line break that ends the line before END:VEVENT. */
static gboolean
edit_ical_qp_part (ItemBytes *ib,
                   gint part_index,
                   GArray *edits,
                   GError **error)
{
  const guint8 *data = g_bytes_get_data (ib->range, NULL);
  g_autoptr (GByteArray) decoded = g_byte_array_new ();
  g_autoptr (GArray) positions = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr (GBytes) expected = NULL;
  g_autoptr (GArray) inserts = NULL;
  GMimePart *part;
  gsize start;
  gsize end;

  part = find_leaf (ib, part_index, error);
  if (part == NULL || !part_body_range (ib, part, &start, &end, error))
    return FALSE;
  expected = tf_mime_dup_part_content (part);
  if (expected == NULL || !qp_map_decode (data + start, end - start, decoded, positions) || decoded->len != g_bytes_get_size (expected) || memcmp (decoded->data, g_bytes_get_data (expected, NULL), decoded->len) != 0)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_FAILED,
                   _ ("The quoted-printable text of MIME part %d is not in a form Trackfix can change byte for byte"), part_index);
      return FALSE;
    }

  inserts = find_ical_inserts ((const char *) decoded->data, decoded->len, error);
  if (inserts == NULL)
    return FALSE;
  for (guint i = 0; i < inserts->len; i++)
    {
      const IcalInsert *ins = &g_array_index (inserts, IcalInsert, i);
      gsize enc_pos = g_array_index (positions, gsize, ins->offset);
      const char *eol = (enc_pos >= 2 && data[start + enc_pos - 2] == '\r' && data[start + enc_pos - 1] == '\n') ? "\r\n" : "\n";
      g_autofree char *line = NULL;
      g_autoptr (GBytes) bytes = NULL;

      /* The insertion point must follow a hard line break. */
      if (enc_pos == 0 || data[start + enc_pos - 1] != '\n' || (enc_pos >= 2 && data[start + enc_pos - 2] == '='))
        {
          g_set_error (error, TF_ERROR, TF_ERROR_FAILED,
                       _ ("The quoted-printable text of MIME part %d is not in a form Trackfix can change byte for byte"), part_index);
          return FALSE;
        }
      line = make_stamp_line (ins->dtstamp, eol);
      bytes = g_bytes_new (line, strlen (line));
      add_edit (edits, ib->range_offset + start + enc_pos, 0, bytes);
    }
  return TRUE;
}

static gboolean
item_has_content_length (ItemBytes *ib)
{
  const guint8 *data;
  gsize len;
  gsize pos = 0;

  data = g_bytes_get_data (ib->range, &len);
  /* Header block only */
  while (pos < len)
    {
      const guint8 *nl = memchr (data + pos, '\n', len - pos);
      gsize end = nl ? (gsize) (nl - data) : len;
      gsize line_len = end - pos;

      if (line_len == 0 || (line_len == 1 && data[pos] == '\r'))
        break;
      if (line_len >= 15 && g_ascii_strncasecmp ((const char *) data + pos, "Content-Length:", 15) == 0)
        return TRUE;
      pos = end + 1;
    }
  return FALSE;
}

static gboolean
same_site (const TfPatchSite *a,
           const TfPatchSite *b)
{
  return a->source == b->source && a->part_index == b->part_index && a->offset == b->offset;
}

static guint64
read_le64 (const guint8 *p)
{
  guint64 v = 0;

  for (int i = 7; i >= 0; i--)
    v = v << 8 | p[i];
  return v;
}

static void
write_le64 (guint8 *p,
            guint64 v)
{
  for (int i = 0; i < 8; i++)
    {
      p[i] = v & 0xFF;
      v >>= 8;
    }
}

/* Computes the edits of every change of @item (changes of one file) */
static gboolean
edits_for_item (GBytes *file_bytes,
                TfItem *fresh,
                GPtrArray *changes,
                GArray *edits,
                GError **error)
{
  ItemBytes ib = { NULL, 0, NULL };
  g_autoptr (GHashTable) tnef_parts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GHashTable) ical_parts = g_hash_table_new (g_direct_hash, g_direct_equal);
  gsize file_len = g_bytes_get_size (file_bytes);
  gsize off = tf_item_get_offset (fresh);
  gsize size = tf_item_get_size (fresh);
  gboolean ok = FALSE;
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  if (off > file_len || size > file_len - off)
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED, _ ("The item's position in the file is not known"));
      return FALSE;
    }
  ib.range = g_bytes_new_from_bytes (file_bytes, off, size);
  ib.range_offset = off;

  for (guint i = 0; i < changes->len; i++)
    {
      TfRepairChange *change = g_ptr_array_index (changes, i);
      TfRecipient *row = NULL;

      if (change->code == TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE)
        {
          if (tf_item_get_format (fresh) == TF_FORMAT_MBOX && item_has_content_length (&ib))
            {
              g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED,
                                   _ ("The message carries a Content-Length header, which an inserted line would make wrong"));
              goto out;
            }
          g_hash_table_add (ical_parts, GINT_TO_POINTER (change->site.part_index + 1));
          continue;
        }

      /* The row must still be there, at the same place, with the value the
       * plan was made from. */
      for (guint k = 0; k < tf_item_get_n_recipients (fresh); k++)
        {
          TfRecipient *r = tf_item_get_recipient (fresh, k);
          const TfPatchSite *site = tf_recipient_get_patch_site (r);

          if (site != NULL && same_site (site, &change->site))
            {
              row = r;
              break;
            }
        }
      if (row == NULL || g_strcmp0 (recipient_key (row), change->address) != 0 || !tf_recipient_get_has_track_time (row) || tf_recipient_get_track_time (row) != change->old_value)
        {
          g_set_error (error, TF_ERROR, TF_ERROR_CHANGED,
                       _ ("The recipient row of %s is not what it was when the file was scanned"),
                       change->address ? change->address : "?");
          goto out;
        }

      if (change->site.source == TF_SOURCE_MSG)
        {
          guint8 *patched;
          gsize o = (gsize) change->site.offset;
          g_autoptr (GBytes) bytes = NULL;
          const guint8 *data = g_bytes_get_data (file_bytes, NULL);

          /* Absolute file offset, mapped through the FAT / mini FAT by the
           * reader; the 8 bytes there must be the value it read. */
          if (change->site.offset < 0 || o > file_len - 8 || read_le64 (data + o) != change->old_value)
            {
              g_set_error_literal (error, TF_ERROR, TF_ERROR_CHANGED,
                                   _ ("The .msg file no longer holds the planned value at the recorded place"));
              goto out;
            }
          patched = g_malloc (8);
          write_le64 (patched, change->new_value);
          bytes = g_bytes_new_take (patched, 8);
          add_edit (edits, o, 8, bytes);
        }
      else if (change->site.source == TF_SOURCE_TNEF)
        {
          GPtrArray *group = g_hash_table_lookup (tnef_parts, GINT_TO_POINTER (change->site.part_index + 1));

          if (group == NULL)
            {
              group = g_ptr_array_new ();
              g_hash_table_insert (tnef_parts, GINT_TO_POINTER (change->site.part_index + 1), group);
            }
          g_ptr_array_add (group, change);
        }
      else
        {
          g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED, _ ("Unsupported place for a change"));
          goto out;
        }
    }

  g_hash_table_iter_init (&iter, tnef_parts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint part_index = GPOINTER_TO_INT (key) - 1;
      TnefPatch tp = { value };

      if (part_index < 0)
        {
          g_autoptr (GByteArray) body = g_byte_array_new ();
          g_autoptr (GBytes) replacement = NULL;

          g_byte_array_append (body, g_bytes_get_data (ib.range, NULL), g_bytes_get_size (ib.range));
          if (!patch_tnef_cb (body, &tp, error))
            goto out;
          replacement = g_bytes_new (body->data, body->len);
          add_edit (edits, ib.range_offset, body->len, replacement);
        }
      else if (!edit_part (&ib, part_index, FALSE, patch_tnef_cb, &tp, edits, error))
        goto out;
    }

  g_hash_table_iter_init (&iter, ical_parts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      gint part_index = GPOINTER_TO_INT (key) - 1;

      if (part_index < 0)
        {
          g_autoptr (GArray) inserts = find_ical_inserts (g_bytes_get_data (ib.range, NULL), g_bytes_get_size (ib.range), error);

          if (inserts == NULL)
            goto out;
          for (guint i = 0; i < inserts->len; i++)
            {
              const IcalInsert *ins = &g_array_index (inserts, IcalInsert, i);
              g_autofree char *line = make_stamp_line (ins->dtstamp, ins->eol);
              g_autoptr (GBytes) bytes = g_bytes_new (line, strlen (line));

              add_edit (edits, ib.range_offset + ins->offset, 0, bytes);
            }
        }
      else
        {
          GMimePart *part = find_leaf (&ib, part_index, error);

          if (part == NULL)
            goto out;
          if (g_mime_part_get_content_encoding (part) == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE)
            {
              if (!edit_ical_qp_part (&ib, part_index, edits, error))
                goto out;
            }
          else if (!edit_part (&ib, part_index, TRUE, patch_ical_cb, NULL, edits, error))
            goto out;
        }
    }

  ok = TRUE;
out:
  g_clear_object (&ib.message);
  g_bytes_unref (ib.range);
  return ok;
}

/* ------------------------------------------------------------------ */
/* Verification                                                        */

typedef struct
{
  const char *file_path;
  GPtrArray *before;  /* fresh items of the original bytes */
  GPtrArray *changes; /* planned changes of this file */
  GPtrArray *after;   /* out: items of the new bytes */
} VerifyContext;

static GPtrArray *
read_items (GBytes *data,
            const char *file_path)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  tf_read_bytes (data, file_path, file_path, TF_READ_NONE, items);
  return items;
}

static guint
item_position (TfItem *item)
{
  return tf_item_get_mbox_index (item) > 0 ? tf_item_get_mbox_index (item) - 1 : 0;
}

/* The detail (translated at each use) names what differs, e.g. "number of
 * recipients"; finding codes inside it stay untranslated. */
#define VERIFY_FAIL(...)                                                                   \
  G_STMT_START                                                                             \
  {                                                                                        \
    g_autofree char *detail_ = g_strdup_printf (__VA_ARGS__);                              \
    g_set_error (error, TF_ERROR, TF_ERROR_FAILED,                                         \
                 _ ("Verification of the repaired data failed (%s); nothing was written"), \
                 detail_);                                                                 \
    return FALSE;                                                                          \
  }                                                                                        \
  G_STMT_END

static gboolean
stamps_equal (const TfStamp *a,
              const TfStamp *b)
{
  return a->kind == b->kind && a->source == b->source && a->filetime == b->filetime;
}

static gboolean
verify_item (TfItem *b,
             TfItem *a,
             GPtrArray *changes,
             GError **error)
{
  guint64 ical_value = 0;
  gboolean has_ical = FALSE;
  guint ia = 0;
  gboolean found_new_stamp = FALSE;

  if (tf_item_get_format (a) != tf_item_get_format (b) || tf_item_get_kind (a) != tf_item_get_kind (b))
    VERIFY_FAIL (_ ("format or kind"));
  if (g_strcmp0 (tf_item_get_uid (a), tf_item_get_uid (b)) != 0 || g_strcmp0 (tf_item_get_meeting_key (a), tf_item_get_meeting_key (b)) != 0 || g_strcmp0 (tf_item_get_subject (a), tf_item_get_subject (b)) != 0 || g_strcmp0 (tf_item_get_message_class (a), tf_item_get_message_class (b)) != 0 || g_strcmp0 (tf_item_get_ical_method (a), tf_item_get_ical_method (b)) != 0 || g_strcmp0 (tf_item_get_from (a), tf_item_get_from (b)) != 0 || tf_item_get_sequence (a) != tf_item_get_sequence (b) || tf_item_get_sent (a) != tf_item_get_sent (b))
    VERIFY_FAIL (_ ("message fields"));
  if (tf_item_get_n_recipients (a) != tf_item_get_n_recipients (b))
    VERIFY_FAIL (_ ("number of recipients"));

  for (guint i = 0; i < tf_item_get_n_recipients (b); i++)
    {
      TfRecipient *rb = tf_item_get_recipient (b, i);
      TfRecipient *ra = tf_item_get_recipient (a, i);
      const TfPatchSite *sb = tf_recipient_get_patch_site (rb);
      const TfPatchSite *sa = tf_recipient_get_patch_site (ra);
      guint64 expected = tf_recipient_get_track_time (rb);

      if (g_strcmp0 (tf_recipient_get_address (ra), tf_recipient_get_address (rb)) != 0 || g_strcmp0 (tf_recipient_get_name (ra), tf_recipient_get_name (rb)) != 0 || tf_recipient_get_source (ra) != tf_recipient_get_source (rb) || tf_recipient_get_track_status (ra) != tf_recipient_get_track_status (rb) || tf_recipient_get_has_track_time (ra) != tf_recipient_get_has_track_time (rb) || tf_recipient_get_track_time_type (ra) != tf_recipient_get_track_time_type (rb) || tf_recipient_get_is_organizer (ra) != tf_recipient_get_is_organizer (rb) || tf_recipient_get_flags (ra) != tf_recipient_get_flags (rb) || tf_recipient_get_recipient_type (ra) != tf_recipient_get_recipient_type (rb))
        VERIFY_FAIL (_ ("recipient %u"), i + 1);
      if ((sa == NULL) != (sb == NULL))
        VERIFY_FAIL (_ ("recipient %u patch site"), i + 1);

      if (sb != NULL)
        for (guint k = 0; k < changes->len; k++)
          {
            TfRepairChange *change = g_ptr_array_index (changes, k);

            if (change->code != TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE && same_site (sb, &change->site))
              expected = change->new_value;
          }
      if (tf_recipient_get_track_time (ra) != expected)
        VERIFY_FAIL (_ ("track-status time of recipient %u"), i + 1);
    }

  for (guint k = 0; k < changes->len; k++)
    {
      TfRepairChange *change = g_ptr_array_index (changes, k);

      if (change->code == TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE)
        {
          has_ical = TRUE;
          ical_value = change->new_value;
        }
    }

  /* Stamps: the same, in order; a repaired reply gains only attendee
   * critical-change stamps, the first with the planned value. */
  for (guint i = 0; i < tf_item_get_n_stamps (a); i++)
    {
      const TfStamp *sa = tf_item_get_stamp (a, i);

      /* The marks of unstamped replies go; none may remain */
      while (has_ical && ia < tf_item_get_n_stamps (b) && tf_item_get_stamp (b, ia)->kind == TF_STAMP_REPLY_WITHOUT_CRITICAL_CHANGE)
        ia++;
      if (has_ical && sa->kind == TF_STAMP_REPLY_WITHOUT_CRITICAL_CHANGE)
        VERIFY_FAIL (_ ("time stamps"));
      if (ia < tf_item_get_n_stamps (b) && stamps_equal (sa, tf_item_get_stamp (b, ia)))
        {
          ia++;
          continue;
        }
      if (!has_ical || sa->kind != TF_STAMP_ATTENDEE_CRITICAL_CHANGE || sa->source != TF_SOURCE_ICAL)
        VERIFY_FAIL (_ ("time stamps"));
      if (!found_new_stamp && sa->filetime != ical_value)
        VERIFY_FAIL (_ ("new critical-change value"));
      found_new_stamp = TRUE;
    }
  while (has_ical && ia < tf_item_get_n_stamps (b) && tf_item_get_stamp (b, ia)->kind == TF_STAMP_REPLY_WITHOUT_CRITICAL_CHANGE)
    ia++;
  if (ia != tf_item_get_n_stamps (b) || (has_ical && !found_new_stamp))
    VERIFY_FAIL (_ ("time stamps"));

  /* Findings: no new ones; the repaired ones are gone. */
  for (guint i = 0; i < tf_item_get_n_findings (a); i++)
    {
      TfFinding *fa = tf_item_get_finding (a, i);
      TfFindingCode code = tf_finding_get_code (fa);
      gboolean was_there = has_finding_for (b, code, tf_finding_get_recipient (fa));

      if (!was_there)
        VERIFY_FAIL (_ ("new finding %s"), tf_finding_code_to_string (code));
      if (has_ical && code == TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE)
        VERIFY_FAIL (_ ("%s still reported"), tf_finding_code_to_string (code));
    }
  for (guint i = 0; i < tf_item_get_n_findings (b); i++)
    {
      TfFinding *fb = tf_item_get_finding (b, i);
      TfFindingCode code = tf_finding_get_code (fb);
      gboolean planned = FALSE;

      for (guint k = 0; k < changes->len; k++)
        if (((TfRepairChange *) g_ptr_array_index (changes, k))->code == code)
          planned = TRUE;
      if (!planned && !has_finding_for (a, code, tf_finding_get_recipient (fb)))
        VERIFY_FAIL (_ ("finding %s disappeared"), tf_finding_code_to_string (code));
    }

  return TRUE;
}

static gboolean
verify_bytes (VerifyContext *ctx,
              GBytes *data,
              GError **error)
{
  g_autoptr (GPtrArray) after = read_items (data, ctx->file_path);

  if (after->len != ctx->before->len)
    VERIFY_FAIL (_ ("number of messages"));

  for (guint i = 0; i < after->len; i++)
    {
      TfItem *b = g_ptr_array_index (ctx->before, i);
      TfItem *a = g_ptr_array_index (after, i);
      g_autoptr (GPtrArray) item_changes = g_ptr_array_new ();

      for (guint k = 0; k < ctx->changes->len; k++)
        {
          TfRepairChange *change = g_ptr_array_index (ctx->changes, k);
          if (item_position (change->item) == i)
            g_ptr_array_add (item_changes, change);
        }
      if (!verify_item (b, a, item_changes, error))
        return FALSE;
    }

  g_clear_pointer (&ctx->after, g_ptr_array_unref);
  ctx->after = g_steal_pointer (&after);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Repairing one file                                                  */

static char **
describe_changes (GPtrArray *changes)
{
  GPtrArray *strv = g_ptr_array_new ();

  for (guint i = 0; i < changes->len; i++)
    g_ptr_array_add (strv, tf_repair_change_dup_description (g_ptr_array_index (changes, i)));
  g_ptr_array_add (strv, NULL);
  return (char **) g_ptr_array_free (strv, FALSE);
}

/* One file between reading and replacing: its stamp, the repaired bytes
 * (parsed and verified in memory; the written temp file must equal them
 * byte for byte) and the items read from them. */
typedef struct
{
  FileJob *job;
  TfRepairResult *result;
  GBytes *repaired;
  TfFileStamp stamp;
  VerifyContext ctx;
  GPtrArray *before;
  TfSafeStaged *staged;
  TfJournalEntry *entry;
} Prepared;

static void
prepared_free (Prepared *p)
{
  g_clear_pointer (&p->repaired, g_bytes_unref);
  g_clear_pointer (&p->before, g_ptr_array_unref);
  g_clear_pointer (&p->ctx.after, g_ptr_array_unref);
  g_clear_pointer (&p->staged, tf_safe_staged_free);
  g_clear_pointer (&p->entry, tf_journal_entry_free);
  g_free (p);
}

/* Reads the file, checks it is the one scanned, applies the changes in
 * memory and verifies them. Returns NULL (with @result set) when the file
 * cannot be repaired. */
static Prepared *
prepare_file (FileJob *job,
              TfRepairResult *result)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GArray) edits = NULL;
  g_autoptr (GError) error = NULL;
  Prepared *p;

  for (guint i = 0; i < job->changes->len; i++)
    g_ptr_array_add (result->changes, g_object_ref (g_ptr_array_index (job->changes, i)));

  p = g_new0 (Prepared, 1);
  p->job = job;
  p->result = result;

  bytes = tf_safe_read (job->file_path, &p->stamp, &error);
  if (bytes == NULL)
    {
      result_set_error (result, error);
      goto fail;
    }
  result->sha256_before = g_strdup (p->stamp.sha256);

  /* The scan recorded size and time; a file that differs is not the file
   * the plan was made for. */
  for (guint i = 0; i < job->items->len; i++)
    {
      TfItem *item = g_ptr_array_index (job->items, i);

      if (tf_item_get_file_size (item) != p->stamp.size || (tf_item_get_file_mtime_usec (item) != 0 && tf_item_get_file_mtime_usec (item) != p->stamp.mtime_usec))
        {
          g_autofree char *display = g_filename_display_name (job->file_path);
          g_autofree char *msg = g_strdup_printf (_ ("“%s” changed since it was scanned; scan it again before repairing"), display);

          result_set (result, TF_REPAIR_STATUS_REFUSED, msg);
          goto fail;
        }
    }

  p->before = read_items (bytes, job->file_path);
  edits = g_array_new (FALSE, FALSE, sizeof (Edit));
  g_array_set_clear_func (edits, edit_clear);

  for (guint i = 0; i < job->items->len; i++)
    {
      TfItem *item = g_ptr_array_index (job->items, i);
      guint pos = item_position (item);
      g_autoptr (GPtrArray) item_changes = g_ptr_array_new ();

      if (pos >= p->before->len)
        {
          result_set (result, TF_REPAIR_STATUS_REFUSED, _ ("The file no longer holds the scanned message"));
          goto fail;
        }
      for (guint k = 0; k < job->changes->len; k++)
        {
          TfRepairChange *change = g_ptr_array_index (job->changes, k);
          if (change->item == item)
            g_ptr_array_add (item_changes, change);
        }
      if (!edits_for_item (bytes, g_ptr_array_index (p->before, pos), item_changes, edits, &error))
        {
          result_set_error (result, error);
          goto fail;
        }
    }

  p->repaired = apply_edits (bytes, edits, &error);
  if (p->repaired == NULL)
    {
      result_set_error (result, error);
      goto fail;
    }
  result->sha256_after = tf_sha256_bytes (p->repaired);

  /* Check in memory first, so that nothing is backed up or journaled for a
   * change that cannot pass. */
  p->ctx.file_path = job->file_path;
  p->ctx.before = p->before;
  p->ctx.changes = job->changes;
  if (!verify_bytes (&p->ctx, p->repaired, &error))
    {
      result_set_error (result, error);
      goto fail;
    }
  return p;

fail:
  prepared_free (p);
  return NULL;
}

static void
set_file_info_from_disk (TfRepairResult *result)
{
  struct stat st;

  /* What a new scan would record, so the next repair accepts it. */
  if (result->items != NULL && g_lstat (result->file_path, &st) == 0)
    for (guint i = 0; i < result->items->len; i++)
      tf_item_set_file_info (g_ptr_array_index (result->items, i), (guint64) st.st_size,
                             (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000);
}

/* Flushes every file system that holds one of @paths (usually one). */
static gboolean
sync_file_systems (GPtrArray *paths,
                   GError **error)
{
  g_autoptr (GArray) devices = g_array_new (FALSE, FALSE, sizeof (dev_t));

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      gboolean seen = FALSE;
      struct stat st;

      if (stat (path, &st) != 0)
        continue;
      for (guint k = 0; k < devices->len; k++)
        if (g_array_index (devices, dev_t, k) == st.st_dev)
          seen = TRUE;
      if (seen)
        continue;
      g_array_append_val (devices, st.st_dev);
      if (!tf_safe_sync_fs (path, error))
        return FALSE;
    }
  return TRUE;
}

/* Files repaired together: their backups, journal entries and temp files
 * are each flushed with one syncfs() / fsync for the whole batch, in the
 * same write-ahead order a single file follows:
 *   1. backups written, then flushed;
 *   2. journal entries appended in one write, then fsynced;
 *   3. temp files written next to the originals, then flushed;
 *   4. each temp file re-read and verified, the original checked against
 *      its stamp once more, then renamed over it;
 *   5. the renames flushed.
 * A crash anywhere leaves every file either original or repaired, and
 * every repaired file has its journal entry and backup on disk. */
#define BATCH_FILES 64
#define BATCH_BYTES (32 * 1024 * 1024)

/* Returns FALSE when the run must stop (journal not writable). */
static gboolean
repair_batch (GPtrArray *batch,
              const char *backup_dir,
              const char *journal_path,
              const char *run_id,
              GError **fatal)
{
  g_autoptr (GPtrArray) entries = g_ptr_array_new ();
  g_autoptr (GPtrArray) sync_paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;

  /* 1. Backups */
  for (guint i = 0; i < batch->len; i++)
    {
      Prepared *p = g_ptr_array_index (batch, i);
      char *backup = tf_safe_backup_full (p->job->file_path, backup_dir, p->stamp.sha256,
                                          TF_SAFE_NO_SYNC | TF_SAFE_LINK_BACKUP, &error);

      if (backup == NULL)
        {
          result_set_error (p->result, error);
          g_clear_error (&error);
          /* The batch owns its entries: this frees @p. */
          g_ptr_array_remove_index (batch, i--);
          continue;
        }
      p->result->backup = backup;
    }
  if (batch->len == 0)
    return TRUE;
  g_ptr_array_add (sync_paths, g_strdup (((Prepared *) g_ptr_array_index (batch, 0))->result->backup));
  if (!sync_file_systems (sync_paths, &error))
    goto fail_all;

  /* 2. Journal */
  for (guint i = 0; i < batch->len; i++)
    {
      Prepared *p = g_ptr_array_index (batch, i);

      p->entry = tf_journal_entry_new (run_id, "repair", p->job->file_path);
      p->entry->sha256_before = g_strdup (p->stamp.sha256);
      p->entry->sha256_after = g_strdup (p->result->sha256_after);
      p->entry->backup = g_strdup (p->result->backup);
      g_strfreev (p->entry->changes);
      p->entry->changes = describe_changes (p->job->changes);
      g_ptr_array_add (entries, p->entry);
    }
  if (!tf_journal_append_many (journal_path, (TfJournalEntry *const *) entries->pdata, entries->len, &error))
    {
      for (guint i = 0; i < batch->len; i++)
        result_set_error (((Prepared *) g_ptr_array_index (batch, i))->result, error);
      g_propagate_error (fatal, g_steal_pointer (&error));
      return FALSE;
    }

  /* 3. Temp files */
  g_ptr_array_set_size (sync_paths, 0);
  for (guint i = 0; i < batch->len; i++)
    {
      Prepared *p = g_ptr_array_index (batch, i);

      p->staged = tf_safe_stage (p->job->file_path, &p->stamp, p->repaired, TF_SAFE_NO_SYNC, &error);
      if (p->staged == NULL)
        {
          result_set_error (p->result, error);
          g_clear_error (&error);
          continue;
        }
      g_ptr_array_add (sync_paths, g_strdup (p->job->file_path));
    }
  if (!sync_file_systems (sync_paths, &error))
    goto fail_all;

  /* 4. Verify and rename */
  for (guint i = 0; i < batch->len; i++)
    {
      Prepared *p = g_ptr_array_index (batch, i);

      if (p->staged == NULL)
        continue;
      /* The commit reads the temp file back and compares it byte for byte
       * with p->repaired, which verify_bytes() already parsed and checked
       * in prepare_file(): parsing the same bytes again cannot differ. */
      if (!tf_safe_staged_commit (p->staged, NULL, NULL, TF_SAFE_NO_SYNC, &error))
        {
          result_set_error (p->result, error);
          g_clear_error (&error);
          continue;
        }
      p->result->items = g_steal_pointer (&p->ctx.after);
      set_file_info_from_disk (p->result);
      result_set (p->result, TF_REPAIR_STATUS_DONE, NULL);
    }

  /* 5. The renames */
  if (!sync_file_systems (sync_paths, &error))
    {
      for (guint i = 0; i < batch->len; i++)
        {
          Prepared *p = g_ptr_array_index (batch, i);
          /* Written and verified, but not known to be on disk yet. */
          if (p->result->status == TF_REPAIR_STATUS_DONE)
            result_set_error (p->result, error);
        }
    }
  return TRUE;

fail_all:
  for (guint i = 0; i < batch->len; i++)
    result_set_error (((Prepared *) g_ptr_array_index (batch, i))->result, error);
  return TRUE;
}

/* Swaps the fresh reading into the items the plan was made from; the
 * result then lists those (now refreshed) items. */
static void
refresh_items (TfRepairPlan *self,
               GPtrArray *results)
{
  for (guint i = 0; i < results->len; i++)
    {
      TfRepairResult *result = g_ptr_array_index (results, i);
      FileJob *job = NULL;

      if (result->status != TF_REPAIR_STATUS_DONE || result->items == NULL)
        continue;
      for (guint k = 0; k < self->jobs->len; k++)
        if (g_strcmp0 (((FileJob *) g_ptr_array_index (self->jobs, k))->file_path, result->file_path) == 0)
          job = g_ptr_array_index (self->jobs, k);
      if (job == NULL)
        continue;

      for (guint k = 0; k < job->items->len; k++)
        {
          TfItem *item = g_ptr_array_index (job->items, k);
          guint pos = item_position (item);
          TfItem *fresh;

          if (pos >= result->items->len)
            continue;
          fresh = g_ptr_array_index (result->items, pos);
          tf_item_update_from (item, fresh);
          g_ptr_array_index (result->items, pos) = g_object_ref (item);
          g_object_unref (fresh);
        }
    }
}

static GPtrArray *
execute_internal (TfRepairPlan *self,
                  const char *backup_dir,
                  const char *journal_path,
                  const char *run_id,
                  gboolean dry_run,
                  GCancellable *cancellable,
                  TfRepairProgressFunc progress,
                  gpointer progress_data)
{
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) prepared_free);
  g_autoptr (GError) fatal = NULL;
  g_autofree char *own_run_id = NULL;
  guint n_done = 0;
  gsize batch_bytes = 0;

  if (run_id == NULL)
    run_id = own_run_id = tf_journal_new_run_id ();

  for (guint i = 0; i <= self->jobs->len; i++)
    {
      FileJob *job = i < self->jobs->len ? g_ptr_array_index (self->jobs, i) : NULL;
      TfRepairResult *result = NULL;
      Prepared *p = NULL;

      if (job != NULL)
        {
          result = result_new (job->file_path, "repair", run_id);
          g_ptr_array_add (results, result);

          if (fatal != NULL)
            {
              /* Translators: %s is an error message */
              g_autofree char *msg = g_strdup_printf (_ ("Not attempted: %s"), fatal->message);
              for (guint k = 0; k < job->changes->len; k++)
                g_ptr_array_add (result->changes, g_object_ref (g_ptr_array_index (job->changes, k)));
              result_set (result, TF_REPAIR_STATUS_FAILED, msg);
            }
          else if (g_cancellable_is_cancelled (cancellable))
            {
              for (guint k = 0; k < job->changes->len; k++)
                g_ptr_array_add (result->changes, g_object_ref (g_ptr_array_index (job->changes, k)));
              result_set (result, TF_REPAIR_STATUS_SKIPPED, _ ("Cancelled before this file"));
            }
          else
            p = prepare_file (job, result);
        }

      if (p != NULL && dry_run)
        {
          result->items = g_steal_pointer (&p->ctx.after);
          result_set (result, TF_REPAIR_STATUS_DONE, NULL);
          prepared_free (p);
          p = NULL;
        }
      if (p != NULL)
        {
          g_ptr_array_add (batch, p);
          batch_bytes += g_bytes_get_size (p->repaired);
        }
      if (p == NULL && job != NULL && batch->len == 0 && progress != NULL)
        progress (++n_done, self->jobs->len, job->file_path, progress_data);
      else if (p == NULL && job != NULL)
        n_done++;

      /* Flush a full batch, or what is left at the end. */
      if (batch->len > 0 && (job == NULL || batch->len >= BATCH_FILES || batch_bytes >= BATCH_BYTES || g_cancellable_is_cancelled (cancellable)))
        {
          guint n = batch->len;

          repair_batch (batch, backup_dir, journal_path, run_id, &fatal);
          g_ptr_array_set_size (batch, 0);
          batch_bytes = 0;
          n_done += n;
          if (progress != NULL)
            progress (n_done, self->jobs->len, job ? job->file_path : NULL, progress_data);
        }
    }

  return g_steal_pointer (&results);
}

GPtrArray *
tf_repair_plan_execute (TfRepairPlan *self,
                        const char *backup_dir,
                        const char *journal_path,
                        const char *run_id,
                        gboolean dry_run,
                        GCancellable *cancellable,
                        TfRepairProgressFunc progress,
                        gpointer progress_data,
                        GError **error)
{
  GPtrArray *results;

  g_return_val_if_fail (TF_IS_REPAIR_PLAN (self), NULL);
  g_return_val_if_fail (dry_run || backup_dir != NULL, NULL);
  g_return_val_if_fail (dry_run || journal_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  results = execute_internal (self, backup_dir, journal_path, run_id, dry_run, cancellable, progress, progress_data);
  if (!dry_run)
    refresh_items (self, results);
  return results;
}

typedef struct
{
  char *backup_dir;
  char *journal_path;
  char *run_id;
  TfRepairProgressFunc progress;
  gpointer progress_data;
  GDestroyNotify progress_destroy;
  GMainContext *context;
} ExecuteData;

static void
execute_data_free (ExecuteData *data)
{
  g_free (data->backup_dir);
  g_free (data->journal_path);
  g_free (data->run_id);
  if (data->progress_destroy != NULL)
    data->progress_destroy (data->progress_data);
  g_main_context_unref (data->context);
  g_free (data);
}

typedef struct
{
  ExecuteData *data;
  guint n_done;
  guint n_total;
  char *file_path;
} ProgressCall;

static gboolean
progress_idle_cb (gpointer user_data)
{
  ProgressCall *call = user_data;

  call->data->progress (call->n_done, call->n_total, call->file_path, call->data->progress_data);
  return G_SOURCE_REMOVE;
}

static void
progress_call_free (gpointer user_data)
{
  ProgressCall *call = user_data;

  g_free (call->file_path);
  g_free (call);
}

static void
thread_progress_cb (guint n_done,
                    guint n_total,
                    const char *file_path,
                    gpointer user_data)
{
  GTask *task = user_data;
  ExecuteData *data = g_task_get_task_data (task);
  ProgressCall *call;

  if (data->progress == NULL)
    return;
  call = g_new0 (ProgressCall, 1);
  call->data = data;
  call->n_done = n_done;
  call->n_total = n_total;
  call->file_path = g_strdup (file_path);
  /* The task (and so @data) outlives every queued call: the task's own
   * completion is dispatched on the same context, after them. */
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, progress_idle_cb, call, progress_call_free);
}

static void
execute_thread (GTask *task,
                gpointer source_object,
                gpointer task_data,
                GCancellable *cancellable)
{
  TfRepairPlan *self = source_object;
  ExecuteData *data = task_data;
  GPtrArray *results;

  results = execute_internal (self, data->backup_dir, data->journal_path, data->run_id, FALSE,
                              cancellable, thread_progress_cb, task);
  g_task_return_pointer (task, results, (GDestroyNotify) g_ptr_array_unref);
}

void
tf_repair_plan_execute_async (TfRepairPlan *self,
                              const char *backup_dir,
                              const char *journal_path,
                              const char *run_id,
                              GCancellable *cancellable,
                              TfRepairProgressFunc progress,
                              gpointer progress_data,
                              GDestroyNotify progress_destroy,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  ExecuteData *data;

  g_return_if_fail (TF_IS_REPAIR_PLAN (self));
  g_return_if_fail (backup_dir != NULL);
  g_return_if_fail (journal_path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (ExecuteData, 1);
  data->backup_dir = g_strdup (backup_dir);
  data->journal_path = g_strdup (journal_path);
  data->run_id = run_id ? g_strdup (run_id) : tf_journal_new_run_id ();
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_destroy = progress_destroy;
  data->context = g_main_context_ref_thread_default ();

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tf_repair_plan_execute_async);
  g_task_set_task_data (task, data, (GDestroyNotify) execute_data_free);
  /* Cancelling stops between files; the results so far still come back. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, execute_thread);
}

GPtrArray *
tf_repair_plan_execute_finish (TfRepairPlan *self,
                               GAsyncResult *result,
                               GError **error)
{
  GPtrArray *results;

  g_return_val_if_fail (TF_IS_REPAIR_PLAN (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  results = g_task_propagate_pointer (G_TASK (result), error);
  if (results != NULL)
    refresh_items (self, results);
  return results;
}

/* ------------------------------------------------------------------ */
/* Undo                                                                */

static gboolean
journal_undo (const char *journal_path,
              const char *undo_run_id,
              TfJournalEntry *e,
              const char *sha_before,
              const char *sha_after,
              GError **error)
{
  g_autoptr (TfJournalEntry) undo = tf_journal_entry_new (undo_run_id, "undo", e->file);
  g_autofree char *what = NULL;

  undo->sha256_before = g_strdup (sha_before);
  undo->sha256_after = g_strdup (sha_after);
  undo->backup = g_strdup (e->backup);
  undo->target = g_strdup (e->target);
  /* Translators: %1$s is a journal action such as "repair", %2$u an entry number, %3$s a run id */
  what = g_strdup_printf (_ ("undo of %1$s (journal entry %2$u, run %3$s)"),
                          e->action, e->index, e->run_id ? e->run_id : "-");
  g_strfreev (undo->changes);
  undo->changes = g_new0 (char *, 2);
  undo->changes[0] = g_steal_pointer (&what);
  return tf_journal_append (journal_path, undo, error);
}

typedef struct
{
  const char *sha256;
} ShaCheck;

static gboolean
verify_sha_cb (const char *path,
               GBytes *data,
               gpointer user_data,
               GError **error)
{
  ShaCheck *check = user_data;
  g_autofree char *sha = tf_sha256_bytes (data);

  if (g_strcmp0 (sha, check->sha256) != 0)
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED, _ ("The restored file does not match the original"));
      return FALSE;
    }
  return TRUE;
}

/* One file to restore from its backup, checked and ready to be written */
typedef struct
{
  TfJournalEntry *e;
  TfRepairResult *result;
  GBytes *original;
  TfFileStamp stamp;
  ShaCheck check;
  TfSafeStaged *staged;
  TfJournalEntry *undo;
} Restore;

static void
restore_free (Restore *r)
{
  g_clear_pointer (&r->original, g_bytes_unref);
  g_clear_pointer (&r->staged, tf_safe_staged_free);
  g_clear_pointer (&r->undo, tf_journal_entry_free);
  g_free (r);
}

static TfJournalEntry *
undo_entry_new (const char *undo_run_id,
                TfJournalEntry *e,
                const char *sha_before,
                const char *sha_after)
{
  TfJournalEntry *undo = tf_journal_entry_new (undo_run_id, "undo", e->file);

  undo->sha256_before = g_strdup (sha_before);
  undo->sha256_after = g_strdup (sha_after);
  undo->backup = g_strdup (e->backup);
  undo->target = g_strdup (e->target);
  g_strfreev (undo->changes);
  undo->changes = g_new0 (char *, 2);
  /* Translators: %1$s is a journal action such as "repair", %2$u an entry number, %3$s a run id */
  undo->changes[0] = g_strdup_printf (_ ("undo of %1$s (journal entry %2$u, run %3$s)"),
                                      e->action, e->index, e->run_id ? e->run_id : "-");
  return undo;
}

/* Checks that @e can be undone by restoring its backup. Returns NULL when
 * there is nothing to write (@result says why, or the action is done). */
static Restore *
undo_restore_prepare (const char *journal_path,
                      const char *undo_run_id,
                      TfJournalEntry *e,
                      TfRepairResult *result)
{
  g_autoptr (GBytes) current = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *backup_sha = NULL;
  Restore *r;

  r = g_new0 (Restore, 1);
  r->e = e;
  r->result = result;
  r->check.sha256 = e->sha256_before;

  current = tf_safe_read (e->file, &r->stamp, &error);
  if (current == NULL)
    {
      result_set_error (result, error);
      goto none;
    }
  result->sha256_before = g_strdup (r->stamp.sha256);

  if (e->sha256_before != NULL && g_strcmp0 (r->stamp.sha256, e->sha256_before) == 0)
    {
      result_set (result, TF_REPAIR_STATUS_SKIPPED, _ ("The file is already the original"));
      goto none;
    }
  if (g_strcmp0 (r->stamp.sha256, e->sha256_after) != 0)
    {
      result_set (result, TF_REPAIR_STATUS_REFUSED,
                  _ ("The file changed after it was written (its SHA-256 is not the one in the journal); it is left alone"));
      goto none;
    }

  if (e->backup == NULL && e->sha256_before == NULL)
    {
      /* The journaled action created this file: undo removes it. */
      if (!tf_safe_check_unchanged (e->file, &r->stamp, &error) || !journal_undo (journal_path, undo_run_id, e, r->stamp.sha256, NULL, &error))
        {
          result_set_error (result, error);
          goto none;
        }
      if (g_unlink (e->file) != 0)
        {
          int saved = errno;
          result_set (result, TF_REPAIR_STATUS_FAILED, g_strerror (saved));
          goto none;
        }
      result_set (result, TF_REPAIR_STATUS_DONE, NULL);
      goto none;
    }

  if (e->backup == NULL)
    {
      result_set (result, TF_REPAIR_STATUS_FAILED, _ ("The journal entry names no backup"));
      goto none;
    }
  r->original = tf_safe_read (e->backup, NULL, &error);
  if (r->original == NULL)
    {
      result_set_error (result, error);
      goto none;
    }
  backup_sha = tf_sha256_bytes (r->original);
  if (g_strcmp0 (backup_sha, e->sha256_before) != 0)
    {
      result_set (result, TF_REPAIR_STATUS_FAILED, _ ("The backup does not match the original recorded in the journal"));
      goto none;
    }

  result->backup = g_strdup (e->backup);
  result->sha256_after = g_strdup (backup_sha);
  r->undo = undo_entry_new (undo_run_id, e, r->stamp.sha256, backup_sha);
  return r;

none:
  restore_free (r);
  return NULL;
}

/* Restores a batch like repair_batch() writes one: undo entries journaled
 * first (one write), temp files written and flushed together, each one
 * verified against the original's SHA-256 and renamed, then flushed. */
static void
undo_restore_batch (const char *journal_path,
                    GPtrArray *batch)
{
  g_autoptr (GPtrArray) entries = g_ptr_array_new ();
  g_autoptr (GPtrArray) sync_paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;

  if (batch->len == 0)
    return;

  for (guint i = 0; i < batch->len; i++)
    g_ptr_array_add (entries, ((Restore *) g_ptr_array_index (batch, i))->undo);
  if (!tf_journal_append_many (journal_path, (TfJournalEntry *const *) entries->pdata, entries->len, &error))
    {
      for (guint i = 0; i < batch->len; i++)
        result_set_error (((Restore *) g_ptr_array_index (batch, i))->result, error);
      return;
    }

  for (guint i = 0; i < batch->len; i++)
    {
      Restore *r = g_ptr_array_index (batch, i);

      r->staged = tf_safe_stage (r->e->file, &r->stamp, r->original, TF_SAFE_NO_SYNC, &error);
      if (r->staged == NULL)
        {
          result_set_error (r->result, error);
          g_clear_error (&error);
          continue;
        }
      g_ptr_array_add (sync_paths, g_strdup (r->e->file));
    }
  if (!sync_file_systems (sync_paths, &error))
    {
      for (guint i = 0; i < batch->len; i++)
        result_set_error (((Restore *) g_ptr_array_index (batch, i))->result, error);
      return;
    }

  for (guint i = 0; i < batch->len; i++)
    {
      Restore *r = g_ptr_array_index (batch, i);

      if (r->staged == NULL)
        continue;
      if (!tf_safe_staged_commit (r->staged, verify_sha_cb, &r->check, TF_SAFE_NO_SYNC, &error))
        {
          result_set_error (r->result, error);
          g_clear_error (&error);
          continue;
        }
      result_set (r->result, TF_REPAIR_STATUS_DONE, NULL);
    }

  if (!sync_file_systems (sync_paths, &error))
    for (guint i = 0; i < batch->len; i++)
      {
        Restore *r = g_ptr_array_index (batch, i);
        if (r->result->status == TF_REPAIR_STATUS_DONE)
          result_set_error (r->result, error);
      }
}

static void
undo_hold (const char *journal_path,
           const char *undo_run_id,
           TfJournalEntry *e,
           TfRepairResult *result)
{
  g_autoptr (GBytes) held = NULL;
  g_autoptr (GError) error = NULL;
  TfFileStamp stamp;

  result->target = g_strdup (e->target);
  if (e->target == NULL)
    {
      result_set (result, TF_REPAIR_STATUS_FAILED, _ ("The journal entry names no hold location"));
      return;
    }
  if (!g_file_test (e->target, G_FILE_TEST_EXISTS) && g_file_test (e->file, G_FILE_TEST_EXISTS))
    {
      result_set (result, TF_REPAIR_STATUS_SKIPPED, _ ("The file is already back in its place"));
      return;
    }
  held = tf_safe_read (e->target, &stamp, &error);
  if (held == NULL)
    {
      result_set_error (result, error);
      return;
    }
  result->sha256_before = g_strdup (stamp.sha256);
  result->sha256_after = g_strdup (stamp.sha256);
  if (g_strcmp0 (stamp.sha256, e->sha256_after) != 0)
    {
      result_set (result, TF_REPAIR_STATUS_REFUSED,
                  _ ("The held file changed after it was moved (its SHA-256 is not the one in the journal); it is left alone"));
      return;
    }
  if (!journal_undo (journal_path, undo_run_id, e, stamp.sha256, stamp.sha256, &error) || !tf_safe_move (e->target, &stamp, e->file, &error))
    {
      result_set_error (result, error);
      return;
    }
  result_set (result, TF_REPAIR_STATUS_DONE, NULL);
}

static void
undo_resubmit (const char *journal_path,
               const char *undo_run_id,
               TfJournalEntry *e,
               TfRepairResult *result)
{
  g_autoptr (GBytes) copy = NULL;
  g_autoptr (GError) error = NULL;
  TfFileStamp stamp;

  result->target = g_strdup (e->target);
  if (e->target == NULL || !g_file_test (e->target, G_FILE_TEST_EXISTS))
    {
      result_set (result, TF_REPAIR_STATUS_REFUSED,
                  _ ("The resubmitted copy is gone: the mail server has picked it up, so it cannot be taken back"));
      return;
    }
  copy = tf_safe_read (e->target, &stamp, &error);
  if (copy == NULL)
    {
      result_set_error (result, error);
      return;
    }
  if (g_strcmp0 (stamp.sha256, e->sha256_after) != 0)
    {
      result_set (result, TF_REPAIR_STATUS_REFUSED, _ ("The resubmitted copy changed; it is left alone"));
      return;
    }
  if (!journal_undo (journal_path, undo_run_id, e, stamp.sha256, NULL, &error) || !tf_safe_check_unchanged (e->target, &stamp, &error))
    {
      result_set_error (result, error);
      return;
    }
  if (g_unlink (e->target) != 0)
    {
      int saved = errno;
      result_set (result, TF_REPAIR_STATUS_FAILED, g_strerror (saved));
      return;
    }
  result_set (result, TF_REPAIR_STATUS_DONE, NULL);
}

GPtrArray *
tf_repair_undo (const char *journal_path,
                guint entry_index,
                const char *run_id,
                gboolean all,
                GCancellable *cancellable,
                GError **error)
{
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GPtrArray) selected = g_ptr_array_new ();
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *undo_run_id = tf_journal_new_run_id ();
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) restore_free);
  g_autoptr (GHashTable) batch_files = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (journal_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  entries = tf_journal_read (journal_path, error);
  if (entries == NULL)
    return NULL;

  /* Newest first: a file repaired twice goes back step by step. */
  for (guint i = entries->len; i > 0; i--)
    {
      TfJournalEntry *e = g_ptr_array_index (entries, i - 1);

      if ((entry_index > 0 && e->index == entry_index) || (run_id != NULL && g_strcmp0 (e->run_id, run_id) == 0) || (all && g_strcmp0 (e->action, "undo") != 0))
        g_ptr_array_add (selected, e);
    }
  if (selected->len == 0)
    {
      if (entry_index > 0)
        g_set_error (error, TF_ERROR, TF_ERROR_NOT_FOUND, _ ("The journal has no entry %u"), entry_index);
      else if (run_id != NULL)
        g_set_error (error, TF_ERROR, TF_ERROR_NOT_FOUND, _ ("The journal has no run “%s”"), run_id);
      else
        g_set_error_literal (error, TF_ERROR, TF_ERROR_NOT_FOUND, _ ("The journal has nothing to undo"));
      return NULL;
    }

  for (guint i = 0; i < selected->len; i++)
    {
      TfJournalEntry *e = g_ptr_array_index (selected, i);
      TfRepairResult *result = result_new (e->file, "undo", undo_run_id);
      Restore *r;

      g_ptr_array_add (results, result);
      if (g_cancellable_is_cancelled (cancellable))
        {
          result_set (result, TF_REPAIR_STATUS_SKIPPED, _ ("Cancelled before this entry"));
          continue;
        }

      /* An older entry of a file already in the batch must see the file
       * as the batch leaves it. */
      if (g_hash_table_contains (batch_files, e->file) || batch->len >= BATCH_FILES)
        {
          undo_restore_batch (journal_path, batch);
          g_ptr_array_set_size (batch, 0);
          g_hash_table_remove_all (batch_files);
        }

      if (g_strcmp0 (e->action, "undo") == 0)
        result_set (result, TF_REPAIR_STATUS_SKIPPED, _ ("An undo is not undone; repair the file again instead"));
      else if (g_strcmp0 (e->action, "hold") == 0)
        undo_hold (journal_path, undo_run_id, e, result);
      else if (g_strcmp0 (e->action, "resubmit") == 0)
        undo_resubmit (journal_path, undo_run_id, e, result);
      else if ((r = undo_restore_prepare (journal_path, undo_run_id, e, result)) != NULL)
        {
          g_ptr_array_add (batch, r);
          g_hash_table_add (batch_files, e->file);
        }
    }
  undo_restore_batch (journal_path, batch);

  return g_steal_pointer (&results);
}

/* ------------------------------------------------------------------ */
/* Queue actions                                                       */

static gboolean
check_folder (const char *dir,
              gboolean create,
              GError **error)
{
  struct stat st;

  if (create && g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_autofree char *display = g_filename_display_name (dir);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _ ("Cannot create folder “%s”: %s"), display, g_strerror (saved));
      return FALSE;
    }
  if (lstat (dir, &st) != 0 || !S_ISDIR (st.st_mode))
    {
      g_autofree char *display = g_filename_display_name (dir);
      g_set_error (error, TF_ERROR, TF_ERROR_REFUSED,
                   _ ("“%s” is not a folder (a symbolic link is not accepted)"), display);
      return FALSE;
    }
  return TRUE;
}

TfRepairResult *
tf_queue_resubmit (const char *path,
                   const char *pickup_dir,
                   const char *journal_path,
                   const char *run_id,
                   GError **error)
{
  g_autoptr (TfRepairResult) result = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (TfJournalEntry) entry = NULL;
  g_autofree char *own_run_id = NULL;
  g_autofree char *base = NULL;
  g_autofree char *stem = NULL;
  g_autofree char *target = NULL;
  g_autofree char *abs_pickup = NULL;
  TfFileStamp stamp;
  struct stat st;
  char *dot;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (pickup_dir != NULL, NULL);
  g_return_val_if_fail (journal_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (run_id == NULL)
    run_id = own_run_id = tf_journal_new_run_id ();
  result = result_new (path, "resubmit", run_id);

  bytes = tf_safe_read (path, &stamp, error);
  if (bytes == NULL)
    return NULL;
  result->sha256_before = g_strdup (stamp.sha256);
  result->sha256_after = g_strdup (stamp.sha256);

  items = read_items (bytes, path);
  for (guint i = 0; i < items->len; i++)
    {
      TfItem *item = g_ptr_array_index (items, i);

      if (tf_item_get_format (item) != TF_FORMAT_EML)
        {
          g_set_error_literal (error, TF_ERROR, TF_ERROR_REFUSED,
                               _ ("Only RFC 5322 messages (.eml queue files) can be put into a Pickup or Replay folder"));
          return NULL;
        }
      if (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601) || tf_item_has_finding (item, TF_FINDING_TRACK_TIME_PRE_1900))
        {
          g_set_error_literal (error, TF_ERROR, TF_ERROR_REFUSED,
                               _ ("The message still has a 1601 or pre-1900 track-status time; repair it before resubmitting"));
          return NULL;
        }
    }

  abs_pickup = g_canonicalize_filename (pickup_dir, NULL);
  if (!check_folder (abs_pickup, FALSE, error))
    return NULL;

  /* "<name>-trackfix-<random>.eml": the Pickup and Replay folders pick up
   * *.eml files only. */
  base = g_path_get_basename (path);
  stem = g_strdup (base);
  dot = strrchr (stem, '.');
  if (dot != NULL && dot != stem)
    *dot = '\0';
  if (strlen (stem) > 100)
    stem[100] = '\0';
  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autofree char *name = g_strdup_printf ("%s-trackfix-%08x.eml", stem, g_random_int ());

      g_free (target);
      target = g_build_filename (abs_pickup, name, NULL);
      if (lstat (target, &st) != 0)
        break;
    }
  result->target = g_strdup (target);

  entry = tf_journal_entry_new (run_id, "resubmit", path);
  entry->sha256_before = g_strdup (stamp.sha256);
  entry->sha256_after = g_strdup (stamp.sha256);
  entry->target = g_strdup (target);
  g_strfreev (entry->changes);
  entry->changes = g_new0 (char *, 2);
  /* Translators: %s is a file path */
  entry->changes[0] = g_strdup_printf (_ ("copied into the Pickup / Replay folder as %s"), target);
  if (!tf_journal_append (journal_path, entry, error))
    return NULL;

  if (!tf_safe_write_new (target, bytes, 0644, error))
    return NULL;

  result_set (result, TF_REPAIR_STATUS_DONE, NULL);
  return g_steal_pointer (&result);
}

TfRepairResult *
tf_queue_hold (const char *path,
               const char *hold_dir,
               const char *journal_path,
               const char *run_id,
               GError **error)
{
  g_autoptr (TfRepairResult) result = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (TfJournalEntry) entry = NULL;
  g_autofree char *own_run_id = NULL;
  g_autofree char *base = NULL;
  g_autofree char *target = NULL;
  g_autofree char *abs_hold = NULL;
  TfFileStamp stamp;
  struct stat st;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (hold_dir != NULL, NULL);
  g_return_val_if_fail (journal_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (run_id == NULL)
    run_id = own_run_id = tf_journal_new_run_id ();
  result = result_new (path, "hold", run_id);

  bytes = tf_safe_read (path, &stamp, error);
  if (bytes == NULL)
    return NULL;
  result->sha256_before = g_strdup (stamp.sha256);
  result->sha256_after = g_strdup (stamp.sha256);

  abs_hold = g_canonicalize_filename (hold_dir, NULL);
  if (!check_folder (abs_hold, TRUE, error))
    return NULL;

  base = g_path_get_basename (path);
  target = g_build_filename (abs_hold, base, NULL);
  for (guint n = 1; lstat (target, &st) == 0; n++)
    {
      g_autofree char *name = g_strdup_printf ("%s.%u", base, n);

      if (n > MAX_HOLD_NAMES)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, _ ("No free name in the hold folder"));
          return NULL;
        }
      g_free (target);
      target = g_build_filename (abs_hold, name, NULL);
    }
  result->target = g_strdup (target);

  entry = tf_journal_entry_new (run_id, "hold", path);
  entry->sha256_before = g_strdup (stamp.sha256);
  entry->sha256_after = g_strdup (stamp.sha256);
  entry->target = g_strdup (target);
  g_strfreev (entry->changes);
  entry->changes = g_new0 (char *, 2);
  /* Translators: %s is a file path */
  entry->changes[0] = g_strdup_printf (_ ("moved to the hold folder as %s"), target);
  if (!tf_journal_append (journal_path, entry, error))
    return NULL;

  if (!tf_safe_move (path, &stamp, target, error))
    return NULL;

  result_set (result, TF_REPAIR_STATUS_DONE, NULL);
  return g_steal_pointer (&result);
}
