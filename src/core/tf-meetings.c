/* tf-meetings.c — group items by meeting and consolidate attendees
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tf-filetime.h"
#include "tf-meetings.h"

/* ------------------------------------------------------------------ */
/* TfMeetingAttendee                                                    */
/* ------------------------------------------------------------------ */

struct _TfMeetingAttendee
{
  GObject parent_instance;

  char *address;
  char *name;
  int response;
  gint64 response_when; /* time the response was recorded, for "latest" */
  gboolean has_reply;
  gint64 reply_time;
  gboolean reply_has_cc;
  gboolean has_track_time;
  guint64 track_time;
  gint64 track_time_when; /* sent time of the copy it came from */
  char *ndr_status;
  int max_severity;
};

G_DEFINE_FINAL_TYPE (TfMeetingAttendee, tf_meeting_attendee, G_TYPE_OBJECT)

static void
tf_meeting_attendee_finalize (GObject *object)
{
  TfMeetingAttendee *self = (TfMeetingAttendee *) object;

  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->ndr_status, g_free);

  G_OBJECT_CLASS (tf_meeting_attendee_parent_class)->finalize (object);
}

static void
tf_meeting_attendee_class_init (TfMeetingAttendeeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tf_meeting_attendee_finalize;
}

static void
tf_meeting_attendee_init (TfMeetingAttendee *self)
{
  self->response = TF_TRACK_STATUS_ABSENT;
  self->response_when = G_MININT64;
  self->reply_time = G_MININT64;
  self->track_time_when = G_MININT64;
  self->max_severity = -1;
}

const char *
tf_meeting_attendee_get_address (TfMeetingAttendee *self)
{
  g_return_val_if_fail (TF_IS_MEETING_ATTENDEE (self), NULL);
  return self->address;
}

const char *
tf_meeting_attendee_get_name (TfMeetingAttendee *self)
{
  g_return_val_if_fail (TF_IS_MEETING_ATTENDEE (self), NULL);
  return self->name;
}

int
tf_meeting_attendee_get_response (TfMeetingAttendee *self)
{
  g_return_val_if_fail (TF_IS_MEETING_ATTENDEE (self), TF_TRACK_STATUS_ABSENT);
  return self->response;
}

gint64
tf_meeting_attendee_get_reply_time (TfMeetingAttendee *self)
{
  g_return_val_if_fail (TF_IS_MEETING_ATTENDEE (self), G_MININT64);
  return self->reply_time;
}

gboolean
tf_meeting_attendee_get_has_reply (TfMeetingAttendee *self)
{
  g_return_val_if_fail (TF_IS_MEETING_ATTENDEE (self), FALSE);
  return self->has_reply;
}

gboolean
tf_meeting_attendee_get_reply_has_critical_change (TfMeetingAttendee *self)
{
  g_return_val_if_fail (TF_IS_MEETING_ATTENDEE (self), FALSE);
  return self->reply_has_cc;
}

gboolean
tf_meeting_attendee_get_has_track_time (TfMeetingAttendee *self)
{
  g_return_val_if_fail (TF_IS_MEETING_ATTENDEE (self), FALSE);
  return self->has_track_time;
}

guint64
tf_meeting_attendee_get_track_time (TfMeetingAttendee *self)
{
  g_return_val_if_fail (TF_IS_MEETING_ATTENDEE (self), 0);
  return self->track_time;
}

const char *
tf_meeting_attendee_get_ndr_status (TfMeetingAttendee *self)
{
  g_return_val_if_fail (TF_IS_MEETING_ATTENDEE (self), NULL);
  return self->ndr_status;
}

int
tf_meeting_attendee_get_max_severity (TfMeetingAttendee *self)
{
  g_return_val_if_fail (TF_IS_MEETING_ATTENDEE (self), -1);
  return self->max_severity;
}

/* ------------------------------------------------------------------ */
/* TfMeeting                                                            */
/* ------------------------------------------------------------------ */

struct _TfMeeting
{
  GObject parent_instance;

  char *key;
  GListStore *items;
  TfItem *newest_request; /* borrowed from @items */
  guint n_copies;
  guint n_replies;
  guint n_ndrs;
  guint n_stuck;
  gint64 last_sent;
};

G_DEFINE_FINAL_TYPE (TfMeeting, tf_meeting, G_TYPE_OBJECT)

static void
tf_meeting_finalize (GObject *object)
{
  TfMeeting *self = (TfMeeting *) object;

  g_clear_pointer (&self->key, g_free);
  g_clear_object (&self->items);

  G_OBJECT_CLASS (tf_meeting_parent_class)->finalize (object);
}

static void
tf_meeting_class_init (TfMeetingClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tf_meeting_finalize;
}

static void
tf_meeting_init (TfMeeting *self)
{
  self->items = g_list_store_new (TF_TYPE_ITEM);
  self->last_sent = G_MININT64;
}

static gboolean
kind_is_copy (TfKind kind)
{
  return kind == TF_KIND_REQUEST || kind == TF_KIND_CANCEL || kind == TF_KIND_APPOINTMENT;
}

static gboolean
kind_is_reply (TfKind kind)
{
  return kind == TF_KIND_REPLY || kind == TF_KIND_COUNTER;
}

static gboolean
item_is_stuck (TfItem *item)
{
  return tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601) || tf_item_has_finding (item, TF_FINDING_TRACK_TIME_PRE_1900) || tf_item_has_finding (item, TF_FINDING_CRITICAL_CHANGE_1601);
}

/**
 * tf_meeting_new:
 * @key: the meeting key (tf_item_get_meeting_key())
 *
 * Returns: (transfer full): an empty meeting
 */
TfMeeting *
tf_meeting_new (const char *key)
{
  TfMeeting *self;

  g_return_val_if_fail (key != NULL, NULL);

  self = g_object_new (TF_TYPE_MEETING, NULL);
  self->key = g_strdup (key);

  return self;
}

const char *
tf_meeting_get_key (TfMeeting *self)
{
  g_return_val_if_fail (TF_IS_MEETING (self), NULL);
  return self->key;
}

static TfItem *
any_item (TfMeeting *self)
{
  g_autoptr (TfItem) first = NULL;

  if (self->newest_request != NULL)
    return self->newest_request;

  first = g_list_model_get_item (G_LIST_MODEL (self->items), 0);
  return first; /* borrowed: the store keeps its reference */
}

const char *
tf_meeting_get_subject (TfMeeting *self)
{
  TfItem *item;

  g_return_val_if_fail (TF_IS_MEETING (self), NULL);

  item = any_item (self);
  return item != NULL ? tf_item_get_subject (item) : NULL;
}

const char *
tf_meeting_get_organizer (TfMeeting *self)
{
  TfItem *item;

  g_return_val_if_fail (TF_IS_MEETING (self), NULL);

  item = any_item (self);
  return item != NULL ? tf_item_get_from (item) : NULL;
}

void
tf_meeting_add_item (TfMeeting *self,
                     TfItem *item)
{
  TfKind kind;
  gint64 sent;

  g_return_if_fail (TF_IS_MEETING (self));
  g_return_if_fail (TF_IS_ITEM (item));

  g_list_store_append (self->items, item);

  kind = tf_item_get_kind (item);
  sent = tf_item_get_sent (item);

  if (kind_is_copy (kind))
    {
      self->n_copies++;
      if (item_is_stuck (item))
        self->n_stuck++;
      if (kind != TF_KIND_CANCEL && (self->newest_request == NULL || sent >= tf_item_get_sent (self->newest_request)))
        self->newest_request = item;
    }
  else if (kind_is_reply (kind))
    self->n_replies++;
  else if (kind == TF_KIND_NDR)
    self->n_ndrs++;

  if (sent != G_MININT64 && sent > self->last_sent)
    self->last_sent = sent;
}

GListModel *
tf_meeting_get_items (TfMeeting *self)
{
  g_return_val_if_fail (TF_IS_MEETING (self), NULL);
  return G_LIST_MODEL (self->items);
}

guint
tf_meeting_get_n_items (TfMeeting *self)
{
  g_return_val_if_fail (TF_IS_MEETING (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->items));
}

guint
tf_meeting_get_n_copies (TfMeeting *self)
{
  g_return_val_if_fail (TF_IS_MEETING (self), 0);
  return self->n_copies;
}

guint
tf_meeting_get_n_replies (TfMeeting *self)
{
  g_return_val_if_fail (TF_IS_MEETING (self), 0);
  return self->n_replies;
}

guint
tf_meeting_get_n_ndrs (TfMeeting *self)
{
  g_return_val_if_fail (TF_IS_MEETING (self), 0);
  return self->n_ndrs;
}

guint
tf_meeting_get_n_stuck (TfMeeting *self)
{
  g_return_val_if_fail (TF_IS_MEETING (self), 0);
  return self->n_stuck;
}

gint64
tf_meeting_get_last_sent (TfMeeting *self)
{
  g_return_val_if_fail (TF_IS_MEETING (self), G_MININT64);
  return self->last_sent;
}

/* "Name <addr@x>" → "addr@x"; a bare address is returned as is. */
static char *
extract_address (const char *from)
{
  const char *lt;
  const char *gt;

  if (from == NULL)
    return NULL;

  lt = strrchr (from, '<');
  if (lt != NULL && (gt = strchr (lt, '>')) != NULL && gt > lt + 1)
    return g_ascii_strdown (lt + 1, gt - lt - 1);

  if (strchr (from, '@') != NULL)
    return g_ascii_strdown (g_strstrip (g_strdup (from)), -1);

  return NULL;
}

static int
partstat_to_track_status (const char *partstat)
{
  if (partstat == NULL)
    return TF_TRACK_STATUS_ABSENT;
  if (g_ascii_strcasecmp (partstat, "ACCEPTED") == 0)
    return TF_TRACK_STATUS_ACCEPTED;
  if (g_ascii_strcasecmp (partstat, "TENTATIVE") == 0)
    return TF_TRACK_STATUS_TENTATIVE;
  if (g_ascii_strcasecmp (partstat, "DECLINED") == 0)
    return TF_TRACK_STATUS_DECLINED;
  if (g_ascii_strcasecmp (partstat, "NEEDS-ACTION") == 0)
    return TF_TRACK_STATUS_NOT_RESPONDED;
  return TF_TRACK_STATUS_ABSENT;
}

static gboolean
has_suffix_ci (const char *text,
               const char *suffix)
{
  gsize len = strlen (text);
  gsize n = strlen (suffix);

  return len >= n && g_ascii_strcasecmp (text + len - n, suffix) == 0;
}

/* IPM.Schedule.Meeting.Resp.Pos / .Tent / .Neg (message classes are
 * case-insensitive) */
static int
message_class_to_track_status (const char *message_class)
{
  if (message_class == NULL)
    return TF_TRACK_STATUS_ABSENT;
  if (has_suffix_ci (message_class, ".Pos"))
    return TF_TRACK_STATUS_ACCEPTED;
  if (has_suffix_ci (message_class, ".Tent"))
    return TF_TRACK_STATUS_TENTATIVE;
  if (has_suffix_ci (message_class, ".Neg"))
    return TF_TRACK_STATUS_DECLINED;
  return TF_TRACK_STATUS_ABSENT;
}

static TfMeetingAttendee *
lookup_attendee (GHashTable *table,
                 const char *address,
                 const char *name)
{
  TfMeetingAttendee *attendee;
  g_autofree char *key = NULL;

  if (address == NULL || *address == '\0')
    return NULL;

  key = g_ascii_strdown (address, -1);
  attendee = g_hash_table_lookup (table, key);
  if (attendee == NULL)
    {
      attendee = g_object_new (TF_TYPE_MEETING_ATTENDEE, NULL);
      attendee->address = g_strdup (key);
      g_hash_table_insert (table, g_steal_pointer (&key), attendee);
    }

  if (attendee->name == NULL && name != NULL && *name != '\0')
    attendee->name = g_strdup (name);

  return attendee;
}

static void
note_severity (TfMeetingAttendee *attendee,
               TfItem *item)
{
  g_autoptr (GPtrArray) findings = tf_item_dup_findings_for (item, attendee->address);

  for (guint i = 0; findings != NULL && i < findings->len; i++)
    {
      int severity = (int) tf_finding_get_severity (g_ptr_array_index (findings, i));

      if (severity > attendee->max_severity)
        attendee->max_severity = severity;
    }
}

static gint64
reply_time_of (TfItem *item)
{
  const TfStamp *stamp = tf_item_find_stamp (item, TF_STAMP_REPLY_TIME);

  if (stamp == NULL)
    stamp = tf_item_find_stamp (item, TF_STAMP_DTSTAMP);
  if (stamp != NULL && tf_filetime_classify (stamp->filetime) == TF_TIME_CLASS_OK)
    return tf_filetime_to_unix (stamp->filetime);

  return tf_item_get_sent (item);
}

static void
consolidate_copy (GHashTable *table,
                  TfItem *item,
                  const char *organizer)
{
  gint64 sent = tf_item_get_sent (item);
  guint n = tf_item_get_n_recipients (item);

  for (guint i = 0; i < n; i++)
    {
      TfRecipient *recipient = tf_item_get_recipient (item, i);
      TfMeetingAttendee *attendee;
      const char *address = tf_recipient_get_address (recipient);
      TfSource source = tf_recipient_get_source (recipient);

      if (tf_recipient_get_is_organizer (recipient) || tf_recipient_get_recipient_type (recipient) == TF_RECIPIENT_TYPE_ORGANIZER || (organizer != NULL && address != NULL && g_ascii_strcasecmp (address, organizer) == 0))
        continue;

      if (source == TF_SOURCE_DSN)
        continue;

      attendee = lookup_attendee (table, address, tf_recipient_get_name (recipient));
      if (attendee == NULL)
        continue;

      note_severity (attendee, item);

      if ((source == TF_SOURCE_TNEF || source == TF_SOURCE_MSG) && (attendee->track_time_when == G_MININT64 || sent >= attendee->track_time_when))
        {
          int status = tf_recipient_get_track_status (recipient);

          if (tf_recipient_get_has_track_time (recipient))
            {
              attendee->has_track_time = TRUE;
              attendee->track_time = tf_recipient_get_track_time (recipient);
              attendee->track_time_when = sent;
            }

          /* The organizer-side status counts until a newer reply says otherwise */
          if (status != TF_TRACK_STATUS_ABSENT && !attendee->has_reply && (attendee->response_when == G_MININT64 || sent >= attendee->response_when))
            {
              attendee->response = status;
              attendee->response_when = sent;
            }
        }
    }
}

static void
consolidate_reply (GHashTable *table,
                   TfItem *item)
{
  gint64 when = reply_time_of (item);
  gboolean has_cc = tf_item_find_stamp (item, TF_STAMP_ATTENDEE_CRITICAL_CHANGE) != NULL;
  guint n = tf_item_get_n_recipients (item);
  gboolean found = FALSE;

  for (guint i = 0; i < n; i++)
    {
      TfRecipient *recipient = tf_item_get_recipient (item, i);
      TfMeetingAttendee *attendee;
      int status;

      if (tf_recipient_get_source (recipient) != TF_SOURCE_ICAL || tf_recipient_get_is_organizer (recipient) || tf_recipient_get_recipient_type (recipient) == TF_RECIPIENT_TYPE_ORGANIZER)
        continue;

      attendee = lookup_attendee (table,
                                  tf_recipient_get_address (recipient),
                                  tf_recipient_get_name (recipient));
      if (attendee == NULL)
        continue;

      found = TRUE;
      note_severity (attendee, item);
      status = partstat_to_track_status (tf_recipient_get_partstat (recipient));
      if (status == TF_TRACK_STATUS_ABSENT)
        status = message_class_to_track_status (tf_item_get_message_class (item));

      if (!attendee->has_reply || when >= attendee->reply_time)
        {
          attendee->has_reply = TRUE;
          attendee->reply_time = when;
          attendee->reply_has_cc = has_cc;
          if (status != TF_TRACK_STATUS_ABSENT)
            {
              attendee->response = status;
              attendee->response_when = when;
            }
        }
    }

  /* A TNEF / .msg response names its sender only in From */
  if (!found)
    {
      g_autofree char *address = extract_address (tf_item_get_from (item));
      TfMeetingAttendee *attendee = lookup_attendee (table, address, NULL);

      if (attendee != NULL && (!attendee->has_reply || when >= attendee->reply_time))
        {
          int status = message_class_to_track_status (tf_item_get_message_class (item));

          note_severity (attendee, item);
          attendee->has_reply = TRUE;
          attendee->reply_time = when;
          attendee->reply_has_cc = has_cc;
          if (status != TF_TRACK_STATUS_ABSENT)
            {
              attendee->response = status;
              attendee->response_when = when;
            }
        }
    }
}

static void
consolidate_ndr (GHashTable *table,
                 TfItem *item)
{
  guint n = tf_item_get_n_recipients (item);

  for (guint i = 0; i < n; i++)
    {
      TfRecipient *recipient = tf_item_get_recipient (item, i);
      TfMeetingAttendee *attendee;
      const char *status;

      if (tf_recipient_get_source (recipient) != TF_SOURCE_DSN)
        continue;

      attendee = lookup_attendee (table,
                                  tf_recipient_get_address (recipient),
                                  tf_recipient_get_name (recipient));
      if (attendee == NULL)
        continue;

      note_severity (attendee, item);
      status = tf_recipient_get_dsn_status (recipient);
      if (status == NULL)
        status = tf_recipient_get_dsn_action (recipient);
      if (status != NULL)
        {
          g_free (attendee->ndr_status);
          attendee->ndr_status = g_strdup (status);
        }
    }
}

static int
compare_attendees (gconstpointer a,
                   gconstpointer b)
{
  TfMeetingAttendee *aa = *(TfMeetingAttendee **) a;
  TfMeetingAttendee *bb = *(TfMeetingAttendee **) b;

  return g_strcmp0 (aa->address, bb->address);
}

static int
compare_items_by_sent (gconstpointer a,
                       gconstpointer b)
{
  gint64 sa = tf_item_get_sent (*(TfItem **) a);
  gint64 sb = tf_item_get_sent (*(TfItem **) b);

  return sa < sb ? -1 : sa > sb ? 1
                                : 0;
}

GListModel *
tf_meeting_dup_attendees (TfMeeting *self)
{
  g_autoptr (GHashTable) table = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) sorted = NULL;
  g_autofree char *organizer = NULL;
  GListStore *store;
  GHashTableIter iter;
  gpointer value;
  guint n;

  g_return_val_if_fail (TF_IS_MEETING (self), NULL);

  table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  organizer = extract_address (tf_meeting_get_organizer (self));

  /* Oldest first, so "newest wins" falls out of processing order */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  items = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_list_model_get_item (G_LIST_MODEL (self->items), i));
  g_ptr_array_sort (items, compare_items_by_sent);

  for (guint i = 0; i < items->len; i++)
    {
      TfItem *item = g_ptr_array_index (items, i);
      TfKind kind = tf_item_get_kind (item);

      if (kind_is_copy (kind))
        consolidate_copy (table, item, organizer);
      else if (kind_is_reply (kind))
        consolidate_reply (table, item);
    }
  /* NDRs only annotate attendees known from copies or replies */
  for (guint i = 0; i < items->len; i++)
    {
      TfItem *item = g_ptr_array_index (items, i);

      if (tf_item_get_kind (item) == TF_KIND_NDR)
        consolidate_ndr (table, item);
    }

  sorted = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (sorted, value);
  g_ptr_array_sort (sorted, compare_attendees);

  store = g_list_store_new (TF_TYPE_MEETING_ATTENDEE);
  g_list_store_splice (store, 0, 0, sorted->pdata, sorted->len);

  return G_LIST_MODEL (store);
}

/* ------------------------------------------------------------------ */
/* Grouping                                                             */
/* ------------------------------------------------------------------ */

/* Reply / forward / NDR prefixes in the languages Exchange and Outlook
 * commonly use; compared case-insensitively. */
static const char *const subject_prefixes[] = {
  "undeliverable:",
  "unzustellbar:",
  "non remis:",
  "niedostarczalne:",
  "delivery status notification (failure):",
  "returned mail:",
  "updated:",
  "aktualisiert:",
  "mis à jour:",
  "zaktualizowano:",
  "canceled:",
  "cancelled:",
  "abgesagt:",
  "annulé:",
  "anulowano:",
  "accepted:",
  "tentative:",
  "declined:",
  "re:",
  "aw:",
  "fw:",
  "wg:",
};

static char *
normalize_subject (const char *subject)
{
  g_autofree char *folded = NULL;
  const char *p;
  gboolean again = TRUE;

  if (subject == NULL)
    return NULL;

  folded = g_utf8_casefold (subject, -1);
  p = folded;
  while (again)
    {
      again = FALSE;
      while (g_ascii_isspace (*p))
        p++;
      for (guint i = 0; i < G_N_ELEMENTS (subject_prefixes); i++)
        {
          gsize len = strlen (subject_prefixes[i]);

          if (strncmp (p, subject_prefixes[i], len) == 0)
            {
              p += len;
              again = TRUE;
              break;
            }
        }
    }

  if (*p == '\0')
    return NULL;

  return g_strstrip (g_strdup (p));
}

/* The GlobalObjectId class id ([MS-OXOCAL] 2.2.1.27) as hex */
#define GOID_PREFIX_HEX "040000008200E00074C5B7101A82E008"
#define GOID_HEADER_LEN 40 /* class id, instance date, creation time, zeros, size */

/* One key per meeting whatever form a copy carries it in:
 * - a GlobalObjectId (hex) gets its instance date (bytes 16–19) zeroed,
 *   as in PidLidCleanGlobalObjectId;
 * - a GOID that wraps an iCalendar UID ("vCal-Uid", 1, UID, NUL — how
 *   Outlook stores meetings that came in as iCalendar) becomes that UID,
 *   which may itself be a GOID in hex (Exchange writes those into UID).
 * Anything else is used as it is. */
static char *
canonical_key (const char *key,
               guint depth)
{
  g_autofree guint8 *bytes = NULL;
  gsize len = strlen (key);
  GString *hex;

  if (depth > 2 || len < GOID_HEADER_LEN * 2 || len % 2 != 0 || g_ascii_strncasecmp (key, GOID_PREFIX_HEX, strlen (GOID_PREFIX_HEX)) != 0)
    return g_strdup (key);

  bytes = g_malloc (len / 2);
  for (gsize i = 0; i < len / 2; i++)
    {
      int hi = g_ascii_xdigit_value (key[2 * i]);
      int lo = g_ascii_xdigit_value (key[2 * i + 1]);

      if (hi < 0 || lo < 0)
        return g_strdup (key);
      bytes[i] = (guint8) (hi << 4 | lo);
    }
  len /= 2;

  if (len > GOID_HEADER_LEN + 12 && memcmp (bytes + GOID_HEADER_LEN, "vCal-Uid", 8) == 0 && bytes[GOID_HEADER_LEN + 8] == 1 && bytes[GOID_HEADER_LEN + 9] == 0 && bytes[GOID_HEADER_LEN + 10] == 0 && bytes[GOID_HEADER_LEN + 11] == 0)
    {
      const char *uid = (const char *) bytes + GOID_HEADER_LEN + 12;
      gsize uid_len = strnlen (uid, len - GOID_HEADER_LEN - 12);
      g_autofree char *inner = g_strndup (uid, uid_len);

      if (uid_len > 0 && g_utf8_validate (inner, -1, NULL))
        return canonical_key (inner, depth + 1);
    }

  memset (bytes + 16, 0, 4);
  hex = g_string_sized_new (len * 2);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (hex, "%02X", bytes[i]);

  return g_string_free (hex, FALSE);
}

static int
compare_meetings (gconstpointer a,
                  gconstpointer b)
{
  TfMeeting *ma = *(TfMeeting **) a;
  TfMeeting *mb = *(TfMeeting **) b;

  if (ma->last_sent != mb->last_sent)
    return ma->last_sent > mb->last_sent ? -1 : 1;

  return g_strcmp0 (ma->key, mb->key);
}

GPtrArray *
tf_meetings_group (GListModel *items)
{
  g_autoptr (GHashTable) by_key = NULL;
  g_autoptr (GHashTable) by_subject = NULL;
  g_autoptr (GPtrArray) orphan_ndrs = NULL;
  GPtrArray *meetings;
  GHashTableIter iter;
  gpointer value;
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (items), NULL);

  by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  orphan_ndrs = g_ptr_array_new_with_free_func (g_object_unref);

  n = g_list_model_get_n_items (items);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (items, i);
      const char *raw_key = tf_item_get_meeting_key (item);
      g_autofree char *key = NULL;
      TfMeeting *meeting;

      if (raw_key == NULL || *raw_key == '\0')
        raw_key = tf_item_get_uid (item);

      if (raw_key == NULL || *raw_key == '\0')
        {
          if (tf_item_get_kind (item) == TF_KIND_NDR)
            g_ptr_array_add (orphan_ndrs, g_steal_pointer (&item));
          continue;
        }

      key = canonical_key (raw_key, 0);
      meeting = g_hash_table_lookup (by_key, key);
      if (meeting == NULL)
        {
          meeting = tf_meeting_new (key);
          g_hash_table_insert (by_key, g_steal_pointer (&key), meeting);
        }
      tf_meeting_add_item (meeting, item);
    }

  if (orphan_ndrs->len > 0)
    {
      by_subject = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_iter_init (&iter, by_key);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          char *subject = normalize_subject (tf_meeting_get_subject (value));

          if (subject != NULL)
            g_hash_table_insert (by_subject, subject, value);
        }

      for (guint i = 0; i < orphan_ndrs->len; i++)
        {
          TfItem *item = g_ptr_array_index (orphan_ndrs, i);
          g_autofree char *subject = normalize_subject (tf_item_get_subject (item));
          TfMeeting *meeting = subject != NULL ? g_hash_table_lookup (by_subject, subject) : NULL;

          if (meeting != NULL)
            tf_meeting_add_item (meeting, item);
        }
    }

  meetings = g_ptr_array_new_full (g_hash_table_size (by_key), g_object_unref);
  g_hash_table_iter_init (&iter, by_key);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_ptr_array_add (meetings, g_object_ref (value));
    }
  g_ptr_array_sort (meetings, compare_meetings);

  return meetings;
}
