/* tf-repair-plan.c — which findings can be repaired, and with which value
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

#include <string.h>

#include <glib/gi18n.h>

#include "tf-filetime.h"
#include "tf-repair-private.h"
#include "tf-safe-io.h"

G_DEFINE_FINAL_TYPE (TfRepairPlan, tf_repair_plan, G_TYPE_OBJECT)

static void
file_job_free (TfRepairFileJob *job)
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

const char *
tf_repair_recipient_key (TfRecipient *r)
{
  if (tf_recipient_get_address (r) != NULL)
    return tf_recipient_get_address (r);
  return tf_recipient_get_name (r);
}

gboolean
tf_repair_time_usable (guint64 filetime)
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

        if (stamp->kind == order[k] && tf_repair_time_usable (stamp->filetime))
          {
            *filetime = stamp->filetime;
            return TRUE;
          }
      }

  if (tf_item_get_sent (reply) != G_MININT64)
    {
      guint64 ft = tf_filetime_from_unix (tf_item_get_sent (reply));
      if (tf_repair_time_usable (ft))
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
  if (owner != NULL && tf_repair_time_usable (owner->filetime))
    {
      change->new_value = owner->filetime;
      change->value_source = TF_REPAIR_VALUE_OWNER_CRITICAL_CHANGE;
      when = format_utc (owner->filetime);
      /* Translators: %s is a UTC date and time */
      change->explanation = g_strdup_printf (_ ("no reply from this attendee was opened; from the item's owner critical change of %s"), when);
      return;
    }

  if (tf_item_get_sent (item) != G_MININT64 && tf_repair_time_usable (tf_filetime_from_unix (tf_item_get_sent (item))))
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

gboolean
tf_repair_has_finding_for (TfItem *item,
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

/* Refuses every in-scope finding of @item with @reason; FALSE when it
 * has none. */
static gboolean
refuse_findings (TfRepairPlan *self,
                 TfItem *item,
                 const char *reason,
                 GPtrArray *item_changes)
{
  gboolean any = FALSE;

  for (guint i = 0; i < tf_item_get_n_findings (item); i++)
    {
      TfFinding *f = tf_item_get_finding (item, i);
      g_autoptr (TfRepairChange) change = NULL;

      if (!is_in_scope (tf_finding_get_code (f)))
        continue;
      change = change_new (item, tf_finding_get_code (f), tf_finding_get_recipient (f));
      change_refuse (change, reason);
      plan_add (self, item_changes, change);
      any = TRUE;
    }
  return any;
}

/* An item the engine must not write to: every in-scope finding becomes a
 * refused change with @damage as the reason. */
static void
plan_refuse_item (TfRepairPlan *self,
                  TfItem *item,
                  TfFindingCode damage_code,
                  const char *damage,
                  GPtrArray *item_changes)
{
  if (!refuse_findings (self, item, damage, item_changes))
    {
      g_autoptr (TfRepairChange) change = change_new (item, damage_code, NULL);
      change_refuse (change, damage);
      plan_add (self, item_changes, change);
    }
}

/* A PST cell is written only in a block whose CRC verified when it was
 * read and that no other item shares (tf-repair-pst.c checks both again
 * before writing); the reason when not, else NULL. */
static char *
pst_site_refusal (const TfPatchSite *site)
{
  if (site->offset < 0 && site->pst.bid != 0)
    return g_strdup (_ ("the block holding this row fails its CRC check (PST_CHECKSUM); Trackfix never writes to a damaged block"));
  if (site->pst.cref > 2)
    /* Translators: %u is a reference count */
    return g_strdup_printf (_ ("the block holding this row is shared by several items (reference count %u); changing it would change all of them"),
                            site->pst.cref);
  return NULL;
}

/* Recipient rows: one change per damaged row (several rows may share an
 * address and a finding). */
static void
plan_rows (TfRepairPlan *self,
           TfItem *item,
           GPtrArray *sources,
           gint64 now,
           GPtrArray *item_changes)
{
  for (guint i = 0; i < tf_item_get_n_recipients (item); i++)
    {
      TfRecipient *r = tf_item_get_recipient (item, i);
      TfSource source = tf_recipient_get_source (r);
      const TfPatchSite *site = tf_recipient_get_patch_site (r);
      g_autoptr (TfRepairChange) change = NULL;
      g_autofree char *pst_reason = NULL;
      TfFindingCode code;

      if (source != TF_SOURCE_TNEF && source != TF_SOURCE_MSG && source != TF_SOURCE_PST)
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
      else if (tf_repair_has_finding_for (item, TF_FINDING_TRACK_TIME_MISSING, tf_repair_recipient_key (r)) && (tf_recipient_get_track_time_type (r) == 0 || tf_recipient_get_track_time_type (r) == TF_PT_SYSTIME))
        code = TF_FINDING_TRACK_TIME_MISSING;
      else
        continue;

      change = change_new (item, code, tf_repair_recipient_key (r));
      change->recipient = g_object_ref (r);
      change->has_old_value = tf_recipient_get_has_track_time (r);
      change->old_value = tf_recipient_get_track_time (r);
      if (site != NULL)
        change->site = *site;

      if (code == TF_FINDING_TRACK_TIME_MISSING && source == TF_SOURCE_PST)
        change_refuse (change, _ ("PR_RECIPIENT_TRACKSTATUS_TIME is absent from this row of the mailbox file; adding it would mean setting the cell's existence bit and moving data between blocks, and Trackfix only overwrites values that exist (fix it in Outlook or on the server)"));
      else if (code == TF_FINDING_TRACK_TIME_MISSING)
        change_refuse (change, _ ("PR_RECIPIENT_TRACKSTATUS_TIME is absent from this recipient row; adding it would change the size of the recipient table, which cannot be done in place"));
      else if (source == TF_SOURCE_PST && site != NULL && (pst_reason = pst_site_refusal (site)) != NULL)
        change_refuse (change, pst_reason);
      else if (site == NULL || site->offset < 0 || site->source != source)
        change_refuse (change, _ ("where the value is stored in the file is not known, so it cannot be overwritten in place"));
      else
        {
          change->repairable = TRUE;
          choose_track_time (change, sources, now);
        }
      plan_add (self, item_changes, change);
    }
}

/* An iCalendar REPLY without the attendee critical-change stamp. */
static void
plan_replies (TfRepairPlan *self,
              TfItem *item,
              GPtrArray *item_changes)
{
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
      else if (!tf_repair_time_usable (dtstamp->filetime))
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

static void
plan_item (TfRepairPlan *self,
           TfItem *item,
           GPtrArray *sources,
           gint64 now,
           GPtrArray *item_changes)
{
  const char *damage = NULL;
  TfFindingCode damage_code = TF_FINDING_PARSE_ERROR;

  if (tf_item_has_finding (item, TF_FINDING_PARSE_ERROR))
    damage = _ ("the file could not be read completely, and Trackfix does not write to a file it cannot fully read");
  else if (tf_item_has_finding (item, TF_FINDING_TNEF_CHECKSUM))
    {
      damage = _ ("the TNEF data already has a checksum error, and Trackfix does not write to damaged data");
      damage_code = TF_FINDING_TNEF_CHECKSUM;
    }

  if (damage != NULL)
    {
      plan_refuse_item (self, item, damage_code, damage, item_changes);
      return;
    }
  if (tf_item_get_format (item) == TF_FORMAT_OST)
    {
      /* An OST is never written: every finding is refused */
      refuse_findings (self, item, tf_repair_pst_ost_reason (), item_changes);
      return;
    }

  plan_rows (self, item, sources, now, item_changes);
  plan_replies (self, item, item_changes);
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
      TfRepairFileJob *job;

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
          job = g_new0 (TfRepairFileJob, 1);
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

void
tf_repair_plan_set_full_backup (TfRepairPlan *self,
                                gboolean full_backup)
{
  g_return_if_fail (TF_IS_REPAIR_PLAN (self));
  self->full_backup = full_backup;
}

guint
tf_repair_plan_get_n_files (TfRepairPlan *self)
{
  g_return_val_if_fail (TF_IS_REPAIR_PLAN (self), 0);
  return self->jobs->len;
}
