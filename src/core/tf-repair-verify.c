/* tf-repair-verify.c — reading repaired bytes back and comparing them with the original
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

#include "tf-reader.h"
#include "tf-repair-private.h"

GPtrArray *
tf_repair_read_items (GBytes *data,
                      const char *file_path)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  tf_read_bytes (data, file_path, file_path, TF_READ_NONE, items);
  return items;
}

guint
tf_repair_item_position (TfItem *item)
{
  return tf_item_get_mbox_index (item) > 0 ? tf_item_get_mbox_index (item) - 1 : 0;
}

/* The detail (translated at each use) names what differs, e.g. "number of
 * recipients"; finding codes inside it stay untranslated. */
#define VERIFY_FAIL(...)                                              \
  G_STMT_START                                                        \
  {                                                                   \
    g_autofree char *detail_ = g_strdup_printf (__VA_ARGS__);         \
    g_set_error (error, TF_ERROR, TF_ERROR_FAILED,                    \
                 _ ("Verification of the repaired data failed (%s)"), \
                 detail_);                                            \
    return FALSE;                                                     \
  }                                                                   \
  G_STMT_END

static gboolean
stamps_equal (const TfStamp *a,
              const TfStamp *b)
{
  return a->kind == b->kind && a->source == b->source && a->filetime == b->filetime;
}

gboolean
tf_repair_verify_item (TfItem *b,
                       TfItem *a,
                       GPtrArray *changes,
                       GError **error)
{
  gboolean has_ical = FALSE;
  guint ia = 0;
  g_autoptr (GArray) wanted = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint n_new = 0;

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

      if (g_strcmp0 (tf_recipient_get_address (ra), tf_recipient_get_address (rb)) != 0 || g_strcmp0 (tf_recipient_get_name (ra), tf_recipient_get_name (rb)) != 0 || tf_recipient_get_source (ra) != tf_recipient_get_source (rb) || tf_recipient_get_track_status (ra) != tf_recipient_get_track_status (rb) || tf_recipient_get_has_track_time (ra) != tf_recipient_get_has_track_time (rb) || tf_recipient_get_track_time_type (ra) != tf_recipient_get_track_time_type (rb) || tf_recipient_get_is_organizer (ra) != tf_recipient_get_is_organizer (rb) || tf_recipient_get_flags (ra) != tf_recipient_get_flags (rb) || tf_recipient_get_recipient_type (ra) != tf_recipient_get_recipient_type (rb) || g_strcmp0 (tf_recipient_get_embedded (ra), tf_recipient_get_embedded (rb)) != 0 || g_strcmp0 (tf_recipient_get_embedded_subject (ra), tf_recipient_get_embedded_subject (rb)) != 0)
        VERIFY_FAIL (_ ("recipient %u"), i + 1);
      if ((sa == NULL) != (sb == NULL))
        VERIFY_FAIL (_ ("recipient %u patch site"), i + 1);

      if (sb != NULL)
        for (guint k = 0; k < changes->len; k++)
          {
            TfRepairChange *change = g_ptr_array_index (changes, k);

            if (change->code != TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE && tf_repair_same_site (sb, &change->site))
              expected = change->new_value;
          }
      if (tf_recipient_get_track_time (ra) != expected)
        VERIFY_FAIL (_ ("track-status time of recipient %u"), i + 1);
    }

  for (guint k = 0; k < changes->len; k++)
    {
      TfRepairChange *change = g_ptr_array_index (changes, k);

      if (change->code == TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE)
        has_ical = TRUE;
    }
  /* Every reply event without the stamp gets one with its own DTSTAMP,
   * in order (the mark's time is that DTSTAMP) */
  for (guint i = 0; has_ical && i < tf_item_get_n_stamps (b); i++)
    if (tf_item_get_stamp (b, i)->kind == TF_STAMP_REPLY_WITHOUT_CRITICAL_CHANGE)
      g_array_append_val (wanted, tf_item_get_stamp (b, i)->filetime);

  /* Stamps: the same, in order; a repaired reply gains only attendee
   * critical-change stamps, one per event that lacked it, each with the
   * value inserted for that event. */
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
      if (n_new >= wanted->len || sa->filetime != g_array_index (wanted, guint64, n_new))
        VERIFY_FAIL (_ ("new critical-change value"));
      n_new++;
    }
  while (has_ical && ia < tf_item_get_n_stamps (b) && tf_item_get_stamp (b, ia)->kind == TF_STAMP_REPLY_WITHOUT_CRITICAL_CHANGE)
    ia++;
  if (ia != tf_item_get_n_stamps (b) || (has_ical && (n_new == 0 || n_new != wanted->len)))
    VERIFY_FAIL (_ ("time stamps"));

  /* Findings: no new ones; the repaired ones are gone. */
  for (guint i = 0; i < tf_item_get_n_findings (a); i++)
    {
      TfFinding *fa = tf_item_get_finding (a, i);
      TfFindingCode code = tf_finding_get_code (fa);
      gboolean was_there = tf_repair_has_finding_for (b, code, tf_finding_get_recipient (fa));

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
      if (!planned && !tf_repair_has_finding_for (a, code, tf_finding_get_recipient (fb)))
        VERIFY_FAIL (_ ("finding %s disappeared"), tf_finding_code_to_string (code));
    }

  return TRUE;
}

gboolean
tf_repair_verify_bytes (TfRepairVerify *ctx,
                        GBytes *data,
                        GError **error)
{
  g_autoptr (GPtrArray) after = tf_repair_read_items (data, ctx->file_path);

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
          if (tf_repair_item_position (change->item) == i)
            g_ptr_array_add (item_changes, change);
        }
      if (!tf_repair_verify_item (b, a, item_changes, error))
        return FALSE;
    }

  g_clear_pointer (&ctx->after, g_ptr_array_unref);
  ctx->after = g_steal_pointer (&after);
  return TRUE;
}
