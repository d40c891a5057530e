/* test-msg.c — Outlook .msg reader, CFB locator and in-place patching
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <gsf/gsf.h>
#include <string.h>

#include "tf-cfb.h"
#include "tf-core.h"
#include "tf-fixturegen.h"

/* 2008-08-20 11:44:00 UTC */
#define SENT_UNIX G_GINT64_CONSTANT (1219232640)
/* 2008-08-20 12:00:00 UTC as FILETIME */
#define HEALTHY_FT (TF_FILETIME_UNIX_EPOCH + (guint64) (SENT_UNIX + 960) * TF_FILETIME_TICKS_PER_SEC)
/* 1850-06-01 00:00 UTC: non-zero but before 1900 */
#define PRE_1900_FT G_GUINT64_CONSTANT (0x01179F8C6E7A0000)

typedef enum
{
  CASE_1601,
  CASE_PRE_1900,
  CASE_MISSING,
  CASE_4501,
  CASE_HEALTHY,
  N_CASES
} Case;

static const char *case_names[N_CASES] = { "1601", "pre-1900", "missing", "4501", "healthy" };

static void
fill_meeting (Case c,
              TfGenRecipient recipients[4],
              TfGenMeeting *meeting)
{
  guint64 attendee_time = 0;
  gboolean has_time = TRUE;

  switch (c)
    {
    case CASE_1601:
      attendee_time = TF_FILETIME_1601;
      break;
    case CASE_PRE_1900:
      attendee_time = PRE_1900_FT;
      break;
    case CASE_MISSING:
      has_time = FALSE;
      break;
    case CASE_4501:
      attendee_time = TF_FILETIME_NONE_4501;
      break;
    case CASE_HEALTHY:
    case N_CASES:
    default:
      attendee_time = HEALTHY_FT;
      break;
    }

  recipients[0] = (TfGenRecipient){ "Olga Organizer", "olga@example.com", TF_RECIPIENT_TYPE_ORGANIZER,
                                    TF_TRACK_STATUS_NONE, TRUE, TF_FILETIME_NONE_4501 };
  recipients[1] = (TfGenRecipient){ "Anna Attendee", "anna@example.com", TF_RECIPIENT_TYPE_TO,
                                    TF_TRACK_STATUS_ACCEPTED, has_time, attendee_time };
  recipients[2] = (TfGenRecipient){ "Carl Optional", "carl@example.com", TF_RECIPIENT_TYPE_CC,
                                    TF_TRACK_STATUS_TENTATIVE, TRUE, HEALTHY_FT };
  recipients[3] = (TfGenRecipient){ "Room 1", "room1@example.com", TF_RECIPIENT_TYPE_RESOURCE,
                                    TF_TRACK_STATUS_ABSENT, FALSE, 0 };

  *meeting = (TfGenMeeting){
    .message_class = "IPM.Appointment",
    .subject = "Quarterly review — ÄÖÜ",
    .uid = "040000008200E00074C5B7101A82E00800000000",
    .sequence = 2,
    .has_attendee_cc = TRUE,
    .attendee_cc = HEALTHY_FT,
    .has_owner_cc = TRUE,
    .owner_cc = c == CASE_1601 ? TF_FILETIME_1601 : HEALTHY_FT,
    .sent = SENT_UNIX,
    .recipients = recipients,
    .n_recipients = 4,
  };
}

static TfItem *
read_msg (GBytes *bytes,
          TfReadFlags flags,
          gboolean *ok)
{
  TfItem *item = tf_item_new ("test.msg", "test.msg", 0);
  gboolean result = tf_msg_read (bytes, item, flags);

  if (ok != NULL)
    *ok = result;
  return item;
}

static guint64
le64_at (GBytes *bytes,
         gint64 offset)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (bytes, &len);
  guint64 v = 0;

  g_assert_cmpint (offset, >=, 0);
  g_assert_cmpuint ((guint64) offset + 8, <=, len);
  for (int i = 7; i >= 0; i--)
    v = (v << 8) | d[offset + i];
  return v;
}

static gboolean
has_parse_error (TfItem *item)
{
  return tf_item_has_finding (item, TF_FINDING_PARSE_ERROR);
}

static const char *
parse_error_detail (TfItem *item)
{
  for (guint i = 0; i < tf_item_get_n_findings (item); i++)
    {
      TfFinding *f = tf_item_get_finding (item, i);

      if (tf_finding_get_code (f) == TF_FINDING_PARSE_ERROR)
        return tf_finding_get_detail (f);
    }
  return NULL;
}

static void
assert_patch_site (TfRecipient *r,
                   GBytes *bytes)
{
  const TfPatchSite *site = tf_recipient_get_patch_site (r);

  if (!tf_recipient_get_has_track_time (r))
    {
      g_assert_cmpint (site->offset, ==, -1);
      return;
    }
  g_assert_cmpint (site->source, ==, TF_SOURCE_MSG);
  g_assert_cmpint (site->part_index, ==, -1);
  g_assert_cmpint (site->offset, >, 512);
  g_assert_cmpuint (le64_at (bytes, site->offset), ==, tf_recipient_get_track_time (r));
}

static void
test_fixture_readback (void)
{
  for (Case c = 0; c < N_CASES; c++)
    {
      TfGenRecipient recipients[4];
      TfGenMeeting meeting;
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (TfItem) item = NULL;
      gboolean ok = FALSE;
      const TfStamp *stamp;

      g_test_message ("case %s", case_names[c]);
      fill_meeting (c, recipients, &meeting);
      bytes = tf_gen_msg (&meeting);
      g_assert_nonnull (bytes);
      g_assert_cmpuint (tf_sniff_format (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)), ==, TF_FORMAT_MSG);

      item = read_msg (bytes, TF_READ_NONE, &ok);
      g_assert_true (ok);
      g_assert_false (has_parse_error (item));
      g_assert_cmpuint (tf_item_get_sources (item) & (1u << TF_SOURCE_MSG), !=, 0);
      g_assert_cmpstr (tf_item_get_message_class (item), ==, "IPM.Appointment");
      g_assert_cmpstr (tf_item_get_subject (item), ==, "Quarterly review — ÄÖÜ");
      g_assert_cmpint (tf_item_get_sent (item), ==, SENT_UNIX);
      g_assert_cmpstr (tf_item_get_from (item), ==, "Olga Organizer <olga@example.com>");
      g_assert_cmpint (tf_item_get_sequence (item), ==, 2);

      /* GOID: prefix, zero instance date; the meeting key is the clean id */
      g_assert_nonnull (tf_item_get_uid (item));
      g_assert_true (g_str_has_prefix (tf_item_get_uid (item), "040000008200E00074C5B7101A82E008"));
      g_assert_nonnull (strstr (tf_item_get_uid (item), "7643616C2D556964")); /* "vCal-Uid" */
      g_assert_cmpstr (tf_item_get_meeting_key (item), ==, tf_item_get_uid (item));

      stamp = tf_item_find_stamp (item, TF_STAMP_ATTENDEE_CRITICAL_CHANGE);
      g_assert_nonnull (stamp);
      g_assert_cmpint (stamp->source, ==, TF_SOURCE_MSG);
      g_assert_cmpuint (stamp->filetime, ==, HEALTHY_FT);
      g_assert_cmpuint (le64_at (bytes, stamp->offset), ==, HEALTHY_FT);
      stamp = tf_item_find_stamp (item, TF_STAMP_OWNER_CRITICAL_CHANGE);
      g_assert_nonnull (stamp);
      g_assert_cmpuint (stamp->filetime, ==, c == CASE_1601 ? TF_FILETIME_1601 : HEALTHY_FT);
      g_assert_cmpuint (le64_at (bytes, stamp->offset), ==, stamp->filetime);

      g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 4);
      for (guint i = 0; i < 4; i++)
        {
          TfRecipient *r = tf_item_get_recipient (item, i);
          const TfGenRecipient *g = &recipients[i];

          g_assert_cmpint (tf_recipient_get_source (r), ==, TF_SOURCE_MSG);
          g_assert_cmpint (tf_recipient_get_row (r), ==, (gint) i);
          g_assert_cmpstr (tf_recipient_get_address (r), ==, g->address);
          g_assert_cmpstr (tf_recipient_get_name (r), ==, g->name);
          g_assert_cmpint (tf_recipient_get_recipient_type (r), ==, g->type);
          g_assert_cmpint (tf_recipient_get_is_organizer (r), ==, g->type == TF_RECIPIENT_TYPE_ORGANIZER);
          g_assert_true (tf_recipient_get_has_flags (r));
          g_assert_cmpuint (tf_recipient_get_flags (r), ==, i == 0 ? 3 : 513);
          g_assert_cmpint (tf_recipient_get_mapi_type (r), ==,
                           g->type == TF_RECIPIENT_TYPE_CC ? 2 : g->type == TF_RECIPIENT_TYPE_RESOURCE ? 3
                                                                                                       : 1);
          g_assert_cmpint (tf_recipient_get_track_status (r), ==, g->track_status);
          g_assert_cmpint (tf_recipient_get_has_track_time (r), ==, g->has_track_time);
          if (g->has_track_time)
            {
              g_assert_cmpuint (tf_recipient_get_track_time (r), ==, g->track_time);
              g_assert_cmpuint (tf_recipient_get_track_time_type (r), ==, TF_PT_SYSTIME);
            }
          assert_patch_site (r, bytes);
        }
    }
}

static void
test_fixture_rules (void)
{
  static const struct
  {
    Case c;
    TfFindingCode expected;
    gboolean any;
  } cases[] = {
    { CASE_1601, TF_FINDING_TRACK_TIME_1601, TRUE },
    { CASE_PRE_1900, TF_FINDING_TRACK_TIME_PRE_1900, TRUE },
    { CASE_MISSING, TF_FINDING_TRACK_TIME_MISSING, TRUE },
    { CASE_4501, 0, FALSE },
    { CASE_HEALTHY, 0, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      TfGenRecipient recipients[4];
      TfGenMeeting meeting;
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
      TfItem *item;

      fill_meeting (cases[i].c, recipients, &meeting);
      bytes = tf_gen_msg (&meeting);
      tf_read_bytes (bytes, "fixture.msg", "fixture.msg", TF_READ_NONE, items);
      g_assert_cmpuint (items->len, ==, 1);
      item = g_ptr_array_index (items, 0);
      g_assert_cmpint (tf_item_get_format (item), ==, TF_FORMAT_MSG);
      g_assert_false (has_parse_error (item));
      if (cases[i].any)
        {
          g_autoptr (GPtrArray) for_anna = tf_item_dup_findings_for (item, "anna@example.com");
          gboolean found = FALSE;

          for (guint k = 0; k < for_anna->len; k++)
            found |= tf_finding_get_code (g_ptr_array_index (for_anna, k)) == cases[i].expected;
          g_assert_true (found);
        }
      else
        g_assert_cmpuint (tf_item_get_n_problems (item), ==, 0);
      if (cases[i].c == CASE_1601)
        g_assert_true (tf_item_has_finding (item, TF_FINDING_CRITICAL_CHANGE_1601));
    }
}

static const TfProp *
find_prop (GPtrArray *props,
           guint32 tag)
{
  for (guint i = 0; props != NULL && i < props->len; i++)
    {
      const TfProp *p = g_ptr_array_index (props, i);

      if (p->tag == tag)
        return p;
    }
  return NULL;
}

static void
test_fixture_full (void)
{
  TfGenRecipient recipients[4];
  TfGenMeeting meeting;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (TfItem) item = NULL;
  g_autoptr (TfItem) summary = NULL;
  GPtrArray *props;
  const TfProp *p;
  gboolean named_acc = FALSE, named_goid = FALSE;
  TfRecipient *anna;

  fill_meeting (CASE_1601, recipients, &meeting);
  bytes = tf_gen_msg (&meeting);
  item = read_msg (bytes, TF_READ_FULL, NULL);
  summary = read_msg (bytes, TF_READ_NONE, NULL);
  g_assert_null (tf_item_get_props (summary));

  props = tf_item_get_props (item);
  g_assert_nonnull (props);
  p = find_prop (props, TF_TAG_MESSAGE_CLASS);
  g_assert_nonnull (p);
  g_assert_cmpstr (p->value, ==, "IPM.Appointment");
  g_assert_cmpint (p->offset, ==, -1);
  p = find_prop (props, TF_TAG_CLIENT_SUBMIT_TIME);
  g_assert_nonnull (p);
  g_assert_cmpuint (p->filetime, ==, tf_filetime_from_unix (SENT_UNIX));
  g_assert_cmpuint (le64_at (bytes, p->offset), ==, p->filetime);

  for (guint i = 0; i < props->len; i++)
    {
      const TfProp *q = g_ptr_array_index (props, i);

      if (!q->named)
        continue;
      g_assert_cmpuint (TF_PROP_ID (q->tag), >=, 0x8000);
      if (memcmp (q->guid, TF_PSETID_MEETING, 16) == 0 && q->lid == TF_LID_ATTENDEE_CRITICAL_CHANGE)
        {
          named_acc = TRUE;
          g_assert_cmpuint (TF_PROP_TYPE (q->tag), ==, TF_PT_SYSTIME);
          g_assert_cmpuint (q->filetime, ==, HEALTHY_FT);
        }
      if (memcmp (q->guid, TF_PSETID_MEETING, 16) == 0 && q->lid == TF_LID_GLOBAL_OBJECT_ID)
        {
          named_goid = TRUE;
          g_assert_cmpstr (q->value, ==, tf_item_get_uid (item));
        }
    }
  g_assert_true (named_acc);
  g_assert_true (named_goid);

  anna = tf_item_get_recipient (item, 1);
  p = find_prop (tf_recipient_get_props (anna), TF_TAG_RECIPIENT_TRACKSTATUS_TIME);
  g_assert_nonnull (p);
  g_assert_cmpuint (p->filetime, ==, TF_FILETIME_1601);
  g_assert_cmpint (p->offset, ==, tf_recipient_get_patch_site (anna)->offset);
  p = find_prop (tf_recipient_get_props (anna), TF_TAG_SMTP_ADDRESS);
  g_assert_nonnull (p);
  g_assert_cmpstr (p->value, ==, "anna@example.com");
  p = find_prop (tf_recipient_get_props (anna), TF_TAG_RECIPIENT_FLAGS);
  g_assert_nonnull (p);
  g_assert_cmpstr (p->value, ==, "513");
}

/* A .msg whose recipient property stream is larger than the mini-stream
 * cutoff (4096 bytes), so it lives in regular sectors; written with
 * libgsf directly, @sector_size 512 or 4096. The track-status time is
 * the last entry. */
static GBytes *
make_big_msg (guint sector_size,
              guint64 track_time,
              guint *value_stream_offset)
{
  GsfOutput *sink = gsf_output_memory_new ();
  GsfOutfile *root = gsf_outfile_msole_new_full (sink, sector_size, 64);
  g_autoptr (GByteArray) props = g_byte_array_new ();
  g_autoptr (GByteArray) rprops = g_byte_array_new ();
  static const guint8 zero[32] = { 0 };
  static const guint8 klass[] = { 'I', 0, 'P', 0, 'M', 0, '.', 0, 'N', 0, 'o', 0, 't', 0, 'e', 0 };
  static const guint8 email[] = { 'b', 0, '@', 0, 'x', 0, '.', 0, 'o', 0, 'r', 0, 'g', 0 };
  GsfOutput *child;
  GsfOutfile *recip;
  GBytes *result;
  guint8 entry[16];

#define PUT_ENTRY(array, tag, value)        \
  G_STMT_START                              \
  {                                         \
    guint32 t_ = GUINT32_TO_LE (tag);       \
    guint32 f_ = GUINT32_TO_LE (6);         \
    guint64 v_ = GUINT64_TO_LE (value);     \
    memcpy (entry, &t_, 4);                 \
    memcpy (entry + 4, &f_, 4);             \
    memcpy (entry + 8, &v_, 8);             \
    g_byte_array_append (array, entry, 16); \
  }                                         \
  G_STMT_END

  g_byte_array_append (props, zero, 32);
  PUT_ENTRY (props, TF_TAG_MESSAGE_CLASS, sizeof klass + 2);
  child = gsf_outfile_new_child (root, "__properties_version1.0", FALSE);
  gsf_output_write (child, props->len, props->data);
  gsf_output_close (child);
  g_object_unref (child);
  child = gsf_outfile_new_child (root, "__substg1.0_001A001F", FALSE);
  gsf_output_write (child, sizeof klass, klass);
  gsf_output_close (child);
  g_object_unref (child);

  recip = GSF_OUTFILE (gsf_outfile_new_child (root, "__recip_version1.0_#00000000", TRUE));
  g_byte_array_append (rprops, zero, 8);
  PUT_ENTRY (rprops, TF_TAG_RECIPIENT_TYPE, 1);
  for (guint i = 0; i < 300; i++)
    PUT_ENTRY (rprops, TF_PROP_TAG (0x6000 + i, TF_PT_LONG), i);
  PUT_ENTRY (rprops, TF_TAG_SMTP_ADDRESS, sizeof email + 2);
  PUT_ENTRY (rprops, TF_TAG_RECIPIENT_TRACKSTATUS, 3);
  *value_stream_offset = rprops->len + 8;
  PUT_ENTRY (rprops, TF_TAG_RECIPIENT_TRACKSTATUS_TIME, track_time);
  g_assert_cmpuint (rprops->len, >, 4096);
  child = gsf_outfile_new_child (recip, "__properties_version1.0", FALSE);
  gsf_output_write (child, rprops->len, rprops->data);
  gsf_output_close (child);
  g_object_unref (child);
  child = gsf_outfile_new_child (recip, "__substg1.0_39FE001F", FALSE);
  gsf_output_write (child, sizeof email, email);
  gsf_output_close (child);
  g_object_unref (child);
  gsf_output_close (GSF_OUTPUT (recip));
  g_object_unref (recip);
#undef PUT_ENTRY

  gsf_output_close (GSF_OUTPUT (root));
  g_object_unref (root);
  result = g_bytes_new (gsf_output_memory_get_bytes (GSF_OUTPUT_MEMORY (sink)), (gsize) gsf_output_size (sink));
  if (!gsf_output_is_closed (sink))
    gsf_output_close (sink);
  g_object_unref (sink);
  return result;
}

static void
gsf_put (GsfOutfile *storage,
         const char *name,
         const guint8 *data,
         gsize len)
{
  GsfOutput *child = gsf_outfile_new_child (storage, name, FALSE);

  if (len > 0)
    gsf_output_write (child, len, data);
  gsf_output_close (child);
  g_object_unref (child);
}

static void
put_entry (GByteArray *array,
           guint32 tag,
           guint64 value)
{
  guint8 e[16];

  for (int i = 0; i < 4; i++)
    e[i] = (guint8) (tag >> (8 * i));
  e[4] = 6, e[5] = e[6] = e[7] = 0;
  for (int i = 0; i < 8; i++)
    e[8 + i] = (guint8) (value >> (8 * i));
  g_byte_array_append (array, e, 16);
}

static void
put_recipient (GsfOutfile *parent,
               guint index,
               const char *address,
               gboolean with_time,
               guint64 track_time)
{
  g_autofree char *name = g_strdup_printf ("__recip_version1.0_#%08X", index);
  GsfOutfile *recip = GSF_OUTFILE (gsf_outfile_new_child (parent, name, TRUE));
  g_autoptr (GByteArray) props = g_byte_array_new ();
  g_autofree gunichar2 *addr16 = NULL;
  glong n = 0;

  addr16 = g_utf8_to_utf16 (address, -1, NULL, &n, NULL);
  g_byte_array_set_size (props, 8); /* reserved header */
  memset (props->data, 0, 8);
  put_entry (props, TF_TAG_RECIPIENT_TYPE, 1);
  put_entry (props, TF_TAG_SMTP_ADDRESS, (guint64) n * 2 + 2);
  put_entry (props, TF_TAG_RECIPIENT_FLAGS, 0x0011);
  put_entry (props, TF_TAG_RECIPIENT_TRACKSTATUS, 3);
  if (with_time == 1)
    put_entry (props, TF_TAG_RECIPIENT_TRACKSTATUS_TIME, track_time);
  else if (with_time == 2)
    /* A damaged row: PropID 0x5FFB with type PT_LONG */
    put_entry (props, TF_PROP_TAG (0x5FFB, TF_PT_LONG), 7);
  gsf_put (recip, "__properties_version1.0", props->data, props->len);
  gsf_put (recip, "__substg1.0_39FE001F", (const guint8 *) addr16, (gsize) n * 2);
  gsf_output_close (GSF_OUTPUT (recip));
  g_object_unref (recip);
}

/* A calendar item whose attachment is an embedded exception message with
 * two recipient rows, one carrying a track-status time */
static GBytes *
make_exception_msg (void)
{
  GsfOutput *sink = gsf_output_memory_new ();
  GsfOutfile *root = gsf_outfile_msole_new (sink);
  GsfOutfile *attach, *embedded;
  g_autoptr (GByteArray) props = g_byte_array_new ();
  g_autoptr (GByteArray) eprops = g_byte_array_new ();
  g_autoptr (GByteArray) aprops = g_byte_array_new ();
  g_autofree gunichar2 *klass = NULL;
  g_autofree gunichar2 *eklass = NULL;
  glong nk = 0, nek = 0;
  GBytes *result;

  klass = g_utf8_to_utf16 ("IPM.Appointment", -1, NULL, &nk, NULL);
  eklass = g_utf8_to_utf16 ("IPM.OLE.CLASS.{00061055-0000-0000-C000-000000000046}", -1, NULL, &nek, NULL);

  g_byte_array_set_size (props, 32);
  memset (props->data, 0, 32);
  put_entry (props, TF_TAG_MESSAGE_CLASS, (guint64) nk * 2 + 2);
  gsf_put (root, "__properties_version1.0", props->data, props->len);
  gsf_put (root, "__substg1.0_001A001F", (const guint8 *) klass, (gsize) nk * 2);
  put_recipient (root, 0, "top@example.com", 2, 0);

  attach = GSF_OUTFILE (gsf_outfile_new_child (root, "__attach_version1.0_#00000000", TRUE));
  g_byte_array_set_size (aprops, 8);
  memset (aprops->data, 0, 8);
  put_entry (aprops, TF_TAG_ATTACH_METHOD, 5);
  put_entry (aprops, TF_TAG_ATTACH_DATA_OBJ, 0xFFFFFFFF);
  gsf_put (attach, "__properties_version1.0", aprops->data, aprops->len);
  embedded = GSF_OUTFILE (gsf_outfile_new_child (attach, "__substg1.0_3701000D", TRUE));
  g_byte_array_set_size (eprops, 24);
  memset (eprops->data, 0, 24);
  put_entry (eprops, TF_TAG_MESSAGE_CLASS, (guint64) nek * 2 + 2);
  gsf_put (embedded, "__properties_version1.0", eprops->data, eprops->len);
  gsf_put (embedded, "__substg1.0_001A001F", (const guint8 *) eklass, (gsize) nek * 2);
  put_recipient (embedded, 0, "exception-plain@example.com", 0, 0);
  put_recipient (embedded, 1, "exception-1601@example.com", 1, TF_FILETIME_1601);
  gsf_output_close (GSF_OUTPUT (embedded));
  g_object_unref (embedded);
  gsf_output_close (GSF_OUTPUT (attach));
  g_object_unref (attach);

  gsf_output_close (GSF_OUTPUT (root));
  g_object_unref (root);
  result = g_bytes_new (gsf_output_memory_get_bytes (GSF_OUTPUT_MEMORY (sink)), (gsize) gsf_output_size (sink));
  if (!gsf_output_is_closed (sink))
    gsf_output_close (sink);
  g_object_unref (sink);
  return result;
}

static void
test_embedded_exception (void)
{
  g_autoptr (GBytes) bytes = make_exception_msg ();
  g_autoptr (TfItem) item = read_msg (bytes, TF_READ_FULL, NULL);
  TfRecipient *r;

  g_assert_false (has_parse_error (item));
  g_assert_cmpstr (tf_item_get_message_class (item), ==, "IPM.Appointment");
  /* The top-level row, and from the exception only the row with a time */
  g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 2);
  r = tf_item_get_recipient (item, 0);
  g_assert_cmpstr (tf_recipient_get_address (r), ==, "top@example.com");
  g_assert_false (tf_recipient_get_has_track_time (r));
  g_assert_cmpuint (tf_recipient_get_track_time_type (r), ==, TF_PT_LONG);
  g_assert_cmpint (tf_recipient_get_patch_site (r)->offset, ==, -1);
  g_assert_null (tf_item_find_recipient (item, "exception-plain@example.com", TF_SOURCE_MSG));
  r = tf_item_find_recipient (item, "exception-1601@example.com", TF_SOURCE_MSG);
  g_assert_nonnull (r);
  g_assert_cmpint (tf_recipient_get_row (r), ==, 1);
  g_assert_cmpuint (tf_recipient_get_flags (r), ==, 0x0011);
  g_assert_true (tf_recipient_get_has_track_time (r));
  g_assert_cmpuint (tf_recipient_get_track_time (r), ==, TF_FILETIME_1601);
  assert_patch_site (r, bytes);
  g_assert_nonnull (tf_recipient_get_props (r));
}

static void
test_big_stream (void)
{
  static const guint sizes[] = { 512, 4096 };

  for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
    {
      guint value_off = 0;
      g_autoptr (GBytes) bytes = make_big_msg (sizes[k], HEALTHY_FT, &value_off);
      g_autoptr (TfItem) item = read_msg (bytes, TF_READ_NONE, NULL);
      g_autoptr (GError) error = NULL;
      TfCfb *cfb;
      TfRecipient *r;
      guint64 file_off = 0;
      guint32 entry;

      g_test_message ("sector size %u", sizes[k]);
      g_assert_false (has_parse_error (item));
      g_assert_cmpstr (tf_item_get_message_class (item), ==, "IPM.Note");
      g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 1);
      r = tf_item_get_recipient (item, 0);
      g_assert_cmpstr (tf_recipient_get_address (r), ==, "b@x.org");
      g_assert_cmpint (tf_recipient_get_track_status (r), ==, TF_TRACK_STATUS_ACCEPTED);
      g_assert_cmpuint (tf_recipient_get_track_time (r), ==, HEALTHY_FT);
      assert_patch_site (r, bytes);

      cfb = tf_cfb_new (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (tf_cfb_get_sector_size (cfb), ==, sizes[k]);
      entry = tf_cfb_lookup (cfb, "__recip_version1.0_#00000000/__properties_version1.0");
      g_assert_cmpuint (entry, !=, TF_CFB_NO_ENTRY);
      g_assert_cmpuint (tf_cfb_entry_get_size (cfb, entry), >, 4096);
      {
        g_autoptr (GArray) children = tf_cfb_list_children (cfb, 0);
        g_autoptr (GArray) none = tf_cfb_list_children (cfb, entry);
        gboolean seen_recip = FALSE;

        g_assert_cmpuint (children->len, ==, 3);
        for (guint i = 0; i < children->len; i++)
          seen_recip |= g_strcmp0 (tf_cfb_entry_get_name (cfb, g_array_index (children, guint32, i)),
                                   "__recip_version1.0_#00000000")
                        == 0;
        g_assert_true (seen_recip);
        g_assert_cmpuint (none->len, ==, 0);
      }
      /* Case-insensitive, as CFB names are */
      g_assert_cmpuint (tf_cfb_lookup (cfb, "__RECIP_VERSION1.0_#00000000/__PROPERTIES_VERSION1.0"), ==, entry);
      g_assert_cmpuint (tf_cfb_lookup (cfb, "__recip_version1.0_#00000001/__properties_version1.0"), ==, TF_CFB_NO_ENTRY);
      g_assert_true (tf_cfb_stream_offset_to_file_offset (cfb, "__recip_version1.0_#00000000/__properties_version1.0",
                                                          value_off, &file_off, &error));
      g_assert_no_error (error);
      g_assert_cmpint ((gint64) file_off, ==, tf_recipient_get_patch_site (r)->offset);
      /* Past the end of the stream */
      g_assert_false (tf_cfb_stream_offset_to_file_offset (cfb, "__recip_version1.0_#00000000/__properties_version1.0",
                                                           tf_cfb_entry_get_size (cfb, entry), &file_off, &error));
      g_assert_error (error, TF_ERROR, TF_ERROR_PARSE);
      g_clear_error (&error);
      g_assert_false (tf_cfb_stream_offset_to_file_offset (cfb, "nope", 0, &file_off, &error));
      g_assert_error (error, TF_ERROR, TF_ERROR_NOT_FOUND);
      tf_cfb_free (cfb);
    }
}

/* Reads a whole stream with libgsf, independently of tf-cfb */
static GBytes *
gsf_read_path (GBytes *bytes,
               const char *path)
{
  GsfInput *mem = gsf_input_memory_new (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), FALSE);
  GsfInfile *infile = gsf_infile_msole_new (mem, NULL);
  g_auto (GStrv) parts = g_strsplit (path, "/", -1);
  GsfInput *cur = GSF_INPUT (g_object_ref (infile));
  GBytes *result;
  gsize size;

  g_assert_nonnull (infile);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      GsfInput *next = gsf_infile_child_by_name (GSF_INFILE (cur), parts[i]);

      g_assert_nonnull (next);
      g_object_unref (cur);
      cur = next;
    }
  size = (gsize) gsf_input_size (cur);
  result = g_bytes_new (gsf_input_read (cur, size, NULL), size);
  g_object_unref (cur);
  g_object_unref (infile);
  g_object_unref (mem);
  return result;
}

static gsize
count_differences (GBytes *a,
                   GBytes *b,
                   gsize *first)
{
  const guint8 *x = g_bytes_get_data (a, NULL);
  const guint8 *y = g_bytes_get_data (b, NULL);
  gsize n = 0;

  g_assert_cmpuint (g_bytes_get_size (a), ==, g_bytes_get_size (b));
  for (gsize i = 0; i < g_bytes_get_size (a); i++)
    if (x[i] != y[i])
      {
        if (n == 0 && first != NULL)
          *first = i;
        n++;
      }
  return n;
}

static guint32 rd32 (const guint8 *p);

static void
patch_and_check (GBytes *original,
                 guint row,
                 const char *address)
{
  g_autoptr (TfItem) before = read_msg (original, TF_READ_NONE, NULL);
  g_autoptr (TfItem) after = NULL;
  g_autoptr (GBytes) patched = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("__recip_version1.0_#%08X/__properties_version1.0", row);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (original, NULL), g_bytes_get_size (original));
  gsize len = g_bytes_get_size (original);
  TfRecipient *r = tf_item_find_recipient (before, address, TF_SOURCE_MSG);
  TfRecipient *r2;
  const TfPatchSite *site;
  guint8 new_value[8];
  guint64 target = HEALTHY_FT + 12345;
  guint64 stream_off = 0, file_off = 0;
  gsize first = 0;
  TfCfb *cfb;

  g_assert_nonnull (r);
  site = tf_recipient_get_patch_site (r);
  g_assert_cmpint (site->offset, >, 0);

  /* Find the stream offset whose file offset is the patch site */
  cfb = tf_cfb_new (copy, len, &error);
  g_assert_no_error (error);
  for (stream_off = 16;; stream_off += 16)
    {
      g_assert_true (tf_cfb_stream_offset_to_file_offset (cfb, path, stream_off, &file_off, &error));
      g_assert_no_error (error);
      if ((gint64) file_off == site->offset)
        break;
    }
  /* …and back: the file offset lies in that stream, at that position, on
   * an entry tagged 0x5FFB0040 */
  {
    guint32 entry = TF_CFB_NO_ENTRY;
    guint64 back = 0, tag_off = 0;
    const guint8 *tag;

    g_assert_true (tf_cfb_file_offset_to_stream (cfb, (guint64) site->offset, &entry, &back));
    g_assert_cmpuint (entry, ==, tf_cfb_lookup (cfb, path));
    g_assert_cmpuint (back, ==, stream_off);
    g_assert_true (tf_cfb_stream_offset_to_file_offset (cfb, path, stream_off - 8, &tag_off, &error));
    tag = copy + tag_off;
    g_assert_cmpuint (rd32 (tag), ==, TF_TAG_RECIPIENT_TRACKSTATUS_TIME);
    /* Header and FAT bytes belong to no stream */
    g_assert_false (tf_cfb_file_offset_to_stream (cfb, 0, &entry, &back));
    g_assert_false (tf_cfb_file_offset_to_stream (cfb, ((guint64) rd32 (copy + 0x4C) + 1) * tf_cfb_get_sector_size (cfb), &entry, &back));
    g_assert_false (tf_cfb_file_offset_to_stream (cfb, len + 4096, &entry, &back));
  }
  tf_cfb_free (cfb);

  for (int i = 0; i < 8; i++)
    new_value[i] = (guint8) (target >> (8 * i));
  g_assert_true (tf_cfb_patch (copy, len, path, stream_off, new_value, 8, &error));
  g_assert_no_error (error);
  patched = g_bytes_new_take (g_steal_pointer (&copy), len);

  g_assert_cmpuint (count_differences (original, patched, &first), <=, 8);
  g_assert_cmpuint (first, >=, (gsize) site->offset);
  g_assert_cmpuint (first, <, (gsize) site->offset + 8);
  g_assert_cmpuint (le64_at (patched, site->offset), ==, target);

  /* libgsf (through the reader) sees the new value */
  after = read_msg (patched, TF_READ_NONE, NULL);
  g_assert_false (has_parse_error (after));
  r2 = tf_item_find_recipient (after, address, TF_SOURCE_MSG);
  g_assert_nonnull (r2);
  g_assert_cmpuint (tf_recipient_get_track_time (r2), ==, target);
  g_assert_cmpint (tf_recipient_get_patch_site (r2)->offset, ==, site->offset);
  g_assert_cmpuint (tf_item_get_n_recipients (after), ==, tf_item_get_n_recipients (before));
}

static void
test_patch (void)
{
  TfGenRecipient recipients[4];
  TfGenMeeting meeting;
  g_autoptr (GBytes) small = NULL;
  g_autoptr (GBytes) big = NULL;
  g_autoptr (GBytes) big4k = NULL;
  guint value_off;

  fill_meeting (CASE_1601, recipients, &meeting);
  small = tf_gen_msg (&meeting);
  patch_and_check (small, 1, "anna@example.com"); /* mini stream */
  big = make_big_msg (512, TF_FILETIME_1601, &value_off);
  patch_and_check (big, 0, "b@x.org"); /* regular sectors */
  big4k = make_big_msg (4096, TF_FILETIME_1601, &value_off);
  patch_and_check (big4k, 0, "b@x.org");
}

static void
test_patch_crossing (void)
{
  TfGenRecipient recipients[4];
  TfGenMeeting meeting;
  g_autoptr (GBytes) original = NULL;
  g_autoptr (GBytes) big = NULL;
  g_autoptr (GError) error = NULL;
  guint value_off;
  GBytes *cases[2];
  const char *paths[2] = { "__properties_version1.0", "__recip_version1.0_#00000000/__properties_version1.0" };

  fill_meeting (CASE_HEALTHY, recipients, &meeting);
  original = tf_gen_msg (&meeting);
  big = make_big_msg (512, HEALTHY_FT, &value_off);
  cases[0] = original;
  cases[1] = big;

  for (guint k = 0; k < 2; k++)
    {
      gsize len = g_bytes_get_size (cases[k]);
      g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (cases[k], NULL), len);
      g_autoptr (GBytes) before = gsf_read_path (cases[k], paths[k]);
      g_autoptr (GBytes) after = NULL;
      g_autoptr (GBytes) patched = NULL;
      g_autofree guint8 *expected = g_memdup2 (g_bytes_get_data (before, NULL), g_bytes_get_size (before));
      guint8 pattern[700];
      /* Spans several mini sectors (64 bytes) or sectors (512 bytes) */
      gsize at = k == 0 ? 40 : 500;
      gsize n = MIN (sizeof pattern, g_bytes_get_size (before) - at);

      for (guint i = 0; i < sizeof pattern; i++)
        pattern[i] = (guint8) (0xA5 ^ i);
      g_assert_true (tf_cfb_patch (copy, len, paths[k], at, pattern, n, &error));
      g_assert_no_error (error);
      memcpy (expected + at, pattern, n);
      patched = g_bytes_new_take (g_steal_pointer (&copy), len);
      after = gsf_read_path (patched, paths[k]);
      g_assert_cmpmem (g_bytes_get_data (after, NULL), g_bytes_get_size (after),
                       expected, g_bytes_get_size (before));
      g_assert_cmpuint (count_differences (cases[k], patched, NULL), <=, n);

      /* Writing past the stream end is refused and changes nothing */
      copy = g_memdup2 (g_bytes_get_data (cases[k], NULL), len);
      g_assert_false (tf_cfb_patch (copy, len, paths[k], g_bytes_get_size (before) - 4, pattern, 8, &error));
      g_assert_error (error, TF_ERROR, TF_ERROR_PARSE);
      g_clear_error (&error);
      g_assert_cmpmem (copy, len, g_bytes_get_data (cases[k], NULL), len);
    }
}

static guint32
rd32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static void
wr32 (guint8 *p,
      guint32 v)
{
  p[0] = v & 0xFF;
  p[1] = (v >> 8) & 0xFF;
  p[2] = (v >> 16) & 0xFF;
  p[3] = (v >> 24) & 0xFF;
}

static void
expect_damage (guint8 *data,
               gsize len,
               const char *needle)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, len);
  gboolean ok = TRUE;
  g_autoptr (TfItem) item = read_msg (bytes, TF_READ_FULL, &ok);
  const char *detail;

  g_assert_false (ok);
  detail = parse_error_detail (item);
  g_assert_nonnull (detail);
  g_test_message ("%s", detail);
  if (needle != NULL)
    g_assert_nonnull (strstr (detail, needle));
}

static void
test_damage (void)
{
  TfGenRecipient recipients[4];
  TfGenMeeting meeting;
  g_autoptr (GBytes) original = NULL;
  const guint8 *orig;
  gsize len;
  guint32 fat0, dir0;
  g_autofree guint8 *d = NULL;
  g_autofree char *loop_msg = NULL;

  fill_meeting (CASE_HEALTHY, recipients, &meeting);
  original = tf_gen_msg (&meeting);
  orig = g_bytes_get_data (original, &len);
  fat0 = rd32 (orig + 0x4C);
  dir0 = rd32 (orig + 0x30);

  /* FAT loop: the directory chain points back at itself */
  d = g_memdup2 (orig, len);
  wr32 (d + (fat0 + 1) * 512 + 4 * dir0, dir0);
  loop_msg = g_strdup_printf ("FAT chain loops at sector %u", dir0);
  expect_damage (d, len, loop_msg);

  /* Out-of-range directory start */
  memcpy (d, orig, len);
  wr32 (d + 0x30, 0x00FFFFF0);
  expect_damage (d, len, "beyond the end of the file");

  /* FAT entry pointing outside the table */
  memcpy (d, orig, len);
  wr32 (d + (fat0 + 1) * 512 + 4 * dir0, 0x00F00000);
  expect_damage (d, len, "outside the table");

  /* FAT sector number out of range */
  memcpy (d, orig, len);
  wr32 (d + 0x4C, 0x00100000);
  expect_damage (d, len, "beyond the end of the file");

  /* Signature */
  memcpy (d, orig, len);
  d[0] = 0;
  expect_damage (d, len, "signature");

  /* Directory tree loop: the root's child is the root */
  memcpy (d, orig, len);
  wr32 (d + (dir0 + 1) * 512 + 0x4C, 0);
  expect_damage (d, len, "loops at entry 0");

  /* A sibling link out of range: the message names the entry holding the
   * link (here a child of the root), not its storage */
  memcpy (d, orig, len);
  {
    guint32 broken = 0;
    g_autofree char *msg = NULL;

    for (guint32 i = 1; i < 4 && broken == 0; i++)
      {
        guint8 *e = d + (dir0 + 1) * 512 + i * 128;

        if (e[0x42] != 0 && rd32 (e + 0x44) == 0xFFFFFFFF)
          {
            wr32 (e + 0x44, 0x00ABCDEF);
            broken = i;
          }
      }
    g_assert_cmpuint (broken, >, 0);
    msg = g_strdup_printf ("directory entry %u links to entry %u beyond", broken, 0x00ABCDEF);
    expect_damage (d, len, msg);
  }

  /* Two recipient storages whose names differ only in case: libgsf and
   * we could pick different ones */
  memcpy (d, orig, len);
  {
    const char *from = "__recip_version1.0_#00000001";
    const char *to = "__RECIP_version1.0_#00000000";
    gsize n = strlen (from);
    gboolean renamed = FALSE;

    for (gsize off = 0; off + 2 * n <= len && !renamed; off += 2)
      {
        gboolean match = TRUE;

        for (gsize i = 0; i < n && match; i++)
          match = d[off + 2 * i] == (guint8) from[i] && d[off + 2 * i + 1] == 0;
        if (!match)
          continue;
        for (gsize i = 0; i < n; i++)
          d[off + 2 * i] = (guint8) to[i];
        renamed = TRUE;
      }
    g_assert_true (renamed);
    expect_damage (d, len, "are named");
  }

  /* Truncations at every 61st length and just short of the end */
  for (gsize cut = 0; cut < len; cut += (cut + 64 < len ? 61 : 1))
    {
      g_autoptr (GBytes) bytes = g_bytes_new (orig, cut);
      g_autoptr (TfItem) item = read_msg (bytes, TF_READ_FULL, NULL);

      /* Whatever survives, never a crash; a cut file is damaged */
      g_assert_true (has_parse_error (item) || tf_item_get_n_recipients (item) <= 4);
      if (cut < 1024)
        g_assert_true (has_parse_error (item));
    }
}

/* Random byte flips in the structural parts (header, FAT, directory):
 * every variant is either refused with PARSE_ERROR or read without libgsf
 * complaining (its warnings are fatal in tests). */
static char *corpus_path (const char *name);

static void
test_fuzz (void)
{
  TfGenRecipient recipients[4];
  TfGenMeeting meeting;
  g_autoptr (GBytes) original = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (4711);
  const guint8 *orig;
  gsize len;
  g_autofree guint8 *d = NULL;
  guint32 fat0, dir0;
  guint n_refused = 0;
  guint iterations = g_test_slow () ? 20000 : 1500;

  fill_meeting (CASE_1601, recipients, &meeting);
  original = tf_gen_msg (&meeting);
  orig = g_bytes_get_data (original, &len);
  fat0 = rd32 (orig + 0x4C);
  dir0 = rd32 (orig + 0x30);
  d = g_malloc (len);

  for (guint it = 0; it < iterations; it++)
    {
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (TfItem) item = NULL;
      guint flips = g_rand_int_range (rand, 1, 4);

      memcpy (d, orig, len);
      for (guint f = 0; f < flips; f++)
        {
          gsize base, span;

          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0:
              base = 0, span = 512;
              break;
            case 1:
              base = (fat0 + 1) * 512, span = 512;
              break;
            case 2:
              base = (dir0 + 1) * 512, span = 512;
              break;
            default:
              base = 0, span = len;
              break;
            }
          d[base + g_rand_int_range (rand, 0, (gint32) span)] = (guint8) g_rand_int_range (rand, 0, 256);
        }
      bytes = g_bytes_new (d, len);
      item = read_msg (bytes, TF_READ_FULL, NULL);
      n_refused += has_parse_error (item);
    }
  g_test_message ("%u of %u mutations refused", n_refused, iterations);
  g_assert_cmpuint (n_refused, >, 0);

  /* Real Outlook files too: mutations anywhere in the file */
  for (guint k = 0; k < 2; k++)
    {
      const char *names[] = { "aspose-Meeting_with_Recurring_Occurrences.msg", "hiraoka-msgInMsg.msg" };
      g_autofree char *path = corpus_path (names[k]);
      g_autofree char *contents = NULL;
      gsize clen = 0;

      if (path == NULL || !g_file_get_contents (path, &contents, &clen, NULL))
        continue;
      for (guint it = 0; it < iterations / 10; it++)
        {
          g_autoptr (GBytes) bytes = NULL;
          g_autoptr (TfItem) item = NULL;
          g_autofree guint8 *m = g_memdup2 (contents, clen);

          for (guint f = 0; f < 4; f++)
            m[g_rand_int_range (rand, 0, (gint32) MIN (clen, (gsize) G_MAXINT32))] = (guint8) g_rand_int (rand);
          bytes = g_bytes_new_take (g_steal_pointer (&m), clen);
          item = read_msg (bytes, TF_READ_FULL, NULL);
          g_assert_nonnull (item);
        }
    }
}

static char *
corpus_path (const char *name)
{
  const char *dir = g_getenv ("TRACKFIX_CORPUS_DIR");

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    return NULL;
  return g_build_filename (dir, "msg", name, NULL);
}

static TfItem *
read_corpus (const char *name,
             TfReadFlags flags)
{
  g_autofree char *path = corpus_path (name);
  g_autofree char *contents = NULL;
  g_autoptr (GBytes) bytes = NULL;
  gsize len = 0;

  if (path == NULL)
    return NULL;
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  return read_msg (bytes, flags, NULL);
}

static void
test_corpus_all (void)
{
  const char *dir = g_getenv ("TRACKFIX_CORPUS_DIR");
  g_autofree char *msg_dir = NULL;
  g_autoptr (GDir) gdir = NULL;
  const char *name;
  guint n = 0, n_recipients = 0;

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("corpus not available (TRACKFIX_CORPUS_DIR)");
      return;
    }
  msg_dir = g_build_filename (dir, "msg", NULL);
  gdir = g_dir_open (msg_dir, 0, NULL);
  g_assert_nonnull (gdir);
  while ((name = g_dir_read_name (gdir)) != NULL)
    {
      g_autoptr (TfItem) item = NULL;
      g_autoptr (TfItem) full = NULL;

      item = read_corpus (name, TF_READ_NONE);
      full = read_corpus (name, TF_READ_FULL);
      g_test_message ("%s: class %s, %u recipients%s%s", name,
                      tf_item_get_message_class (item), tf_item_get_n_recipients (item),
                      has_parse_error (item) ? ", PARSE_ERROR: " : "",
                      has_parse_error (item) ? parse_error_detail (item) : "");
      g_assert_cmpuint (tf_item_get_n_recipients (item), ==, tf_item_get_n_recipients (full));
      if (!g_str_has_prefix (name, "poi-clusterfuzz"))
        {
          g_assert_false (has_parse_error (item));
          g_assert_nonnull (tf_item_get_message_class (item));
          g_assert_nonnull (tf_item_get_props (full));
        }
      for (guint i = 0; i < tf_item_get_n_recipients (item); i++)
        {
          TfRecipient *r = tf_item_get_recipient (item, i);

          /* NOTES.md: no corpus file has a track-status time */
          g_assert_false (tf_recipient_get_has_track_time (r));
          g_assert_cmpint (tf_recipient_get_patch_site (r)->offset, ==, -1);
        }
      n_recipients += tf_item_get_n_recipients (item);
      n++;
    }
  g_assert_cmpuint (n, >=, 39);
  g_test_message ("%u files, %u recipients", n, n_recipients);
}

static void
test_corpus_meetings (void)
{
  g_autoptr (TfItem) test_meeting = read_corpus ("aspose-Test_Meeting.msg", TF_READ_NONE);
  g_autoptr (TfItem) many = NULL;
  g_autoptr (TfItem) recurring = NULL;
  g_autoptr (TfItem) fuzz = NULL;
  g_autofree char *expected = NULL;
  const TfStamp *stamp;
  guint n_organizers = 0;

  if (test_meeting == NULL)
    {
      g_test_skip ("corpus not available (TRACKFIX_CORPUS_DIR)");
      return;
    }

  g_assert_cmpstr (tf_item_get_message_class (test_meeting), ==, "IPM.Appointment");
  g_assert_cmpuint (tf_item_get_n_recipients (test_meeting), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      TfRecipient *r = tf_item_get_recipient (test_meeting, i);

      g_assert_cmpint (tf_recipient_get_track_status (r), ==, 0);
      g_assert_false (tf_recipient_get_has_track_time (r));
      g_assert_true (tf_recipient_get_has_flags (r));
      if (tf_recipient_get_is_organizer (r))
        {
          n_organizers++;
          g_assert_cmpuint (tf_recipient_get_flags (r), ==, 3);
          g_assert_cmpint (tf_recipient_get_recipient_type (r), ==, TF_RECIPIENT_TYPE_ORGANIZER);
        }
      else
        g_assert_cmpuint (tf_recipient_get_flags (r), ==, 513);
      g_assert_nonnull (tf_recipient_get_address (r));
    }
  g_assert_cmpuint (n_organizers, ==, 1);

  /* Exchange legacy DN senders show by name, not "/O=…" */
  recurring = read_corpus ("aspose-Meeting_with_Recurring_Occurrences.msg", TF_READ_NONE);
  g_assert_cmpstr (tf_item_get_from (recurring), ==, "Kashif Iqbal");
  g_clear_object (&recurring);

  /* PT_STRING8 in the Windows code page behind PR_INTERNET_CPID 50220 */
  many = read_corpus ("hiraoka-nonUnicodeCP932.msg", TF_READ_NONE);
  g_assert_cmpstr (tf_item_get_subject (many), ==, "日本語 Non Unicode タイトル");
  g_clear_object (&many);

  many = read_corpus ("hiraoka-200_recipients.msg", TF_READ_NONE);
  g_assert_cmpstr (tf_item_get_message_class (many), ==, "IPM.Note");
  g_assert_cmpuint (tf_item_get_n_recipients (many), ==, 200);
  for (guint i = 0; i < 200; i++)
    {
      TfRecipient *r = tf_item_get_recipient (many, i);

      g_assert_cmpint (tf_recipient_get_track_status (r), ==, 0);
      g_assert_cmpint (tf_recipient_get_row (r), ==, (gint) i);
    }

  recurring = read_corpus ("aspose-Meeting_with_Recurring_Occurrences.msg", TF_READ_NONE);
  g_assert_cmpstr (tf_item_get_message_class (recurring), ==, "IPM.Schedule.Meeting.Request");
  g_assert_nonnull (tf_item_get_uid (recurring));
  g_assert_true (g_str_has_prefix (tf_item_get_uid (recurring), "040000008200E00074C5B7101A82E008"));
  g_assert_nonnull (tf_item_get_meeting_key (recurring));
  stamp = tf_item_find_stamp (recurring, TF_STAMP_ATTENDEE_CRITICAL_CHANGE);
  g_assert_nonnull (stamp);
  expected = tf_filetime_format_iso (stamp->filetime);
  g_assert_true (g_str_has_prefix (expected, "2017-01-19T17:16:07"));
  g_assert_cmpint (stamp->offset, >, 0);
  stamp = tf_item_find_stamp (recurring, TF_STAMP_OWNER_CRITICAL_CHANGE);
  g_assert_nonnull (stamp);
  g_free (expected);
  expected = tf_filetime_format_iso (stamp->filetime);
  g_assert_true (g_str_has_prefix (expected, "2017-01-19T17:16:07"));
  g_assert_cmpuint (tf_item_get_n_recipients (recurring), ==, 1);

  fuzz = read_corpus ("poi-clusterfuzz-testcase-minimized-POIHSMFFuzzer-5336473854148608.msg", TF_READ_FULL);
  /* Either refused with a reason or read safely */
  if (has_parse_error (fuzz))
    g_assert_cmpstr (parse_error_detail (fuzz), !=, "");
}

static char *
write_temp (GBytes *bytes,
            const char *dir,
            const char *name)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL));
  return path;
}

static void
test_oracle_msgconvert (void)
{
  g_autofree char *program = g_find_program_in_path ("msgconvert");
  g_autofree char *dir = NULL;
  g_autofree char *msg = NULL;
  g_autofree char *eml = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *eml_text = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  TfGenRecipient recipients[4];
  TfGenMeeting meeting;
  int status = -1;

  if (program == NULL)
    {
      g_test_skip ("msgconvert not installed (libemail-outlook-message-perl)");
      return;
    }
  fill_meeting (CASE_1601, recipients, &meeting);
  bytes = tf_gen_msg (&meeting);
  dir = g_dir_make_tmp ("test-msg-XXXXXX", &error);
  g_assert_no_error (error);
  msg = write_temp (bytes, dir, "fixture.msg");
  eml = g_build_filename (dir, "fixture.eml", NULL);
  {
    const char *argv[] = { program, "--outfile", eml, msg, NULL };

    g_assert_true (g_spawn_sync (dir, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  }
  g_assert_no_error (error);
  g_test_message ("msgconvert: %s %s", out, err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_file_get_contents (eml, &eml_text, NULL, NULL));
  g_assert_nonnull (strstr (eml_text, "anna@example.com"));
  g_assert_nonnull (strstr (eml_text, "Subject:"));

  g_unlink (eml);
  g_unlink (msg);
  g_rmdir (dir);
}

static const char olefile_script[] = "import sys, olefile\n"
                                     "o = olefile.OleFileIO(sys.argv[1])\n"
                                     "d = o.openstream(sys.argv[2]).read()\n"
                                     "for off in range(8, len(d) - 15, 16):\n"
                                     "    if d[off:off+4] == bytes.fromhex('4000fb5f'):\n"
                                     "        print(off + 8, int.from_bytes(d[off+8:off+16], 'little'))\n";

/* Debian's python3-olefile installs for /usr/bin/python3, which may not be
 * the python3 first in PATH (pyenv, venvs) */
static char *
find_python_with_olefile (void)
{
  g_autofree char *in_path = g_find_program_in_path ("python3");
  const char *candidates[] = { "/usr/bin/python3", in_path };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      const char *argv[] = { candidates[i], "-c", "import olefile", NULL };
      int status = -1;

      if (candidates[i] == NULL || !g_file_test (candidates[i], G_FILE_TEST_IS_EXECUTABLE))
        continue;
      if (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                        NULL, NULL, NULL, NULL, &status, NULL)
          && g_spawn_check_wait_status (status, NULL))
        return g_strdup (candidates[i]);
    }
  return NULL;
}

static void
test_oracle_olefile (void)
{
  g_autofree char *python = find_python_with_olefile ();
  g_autofree char *dir = NULL;
  g_autoptr (GError) error = NULL;
  TfGenRecipient recipients[4];
  TfGenMeeting meeting;
  g_autoptr (GBytes) small = NULL;
  g_autoptr (GBytes) big = NULL;
  guint value_off;
  struct
  {
    GBytes *bytes;
    const char *stream;
    const char *address;
  } cases[3];

  if (python == NULL)
    {
      g_test_skip ("python3 with olefile not installed (python3-olefile)");
      return;
    }

  fill_meeting (CASE_PRE_1900, recipients, &meeting);
  small = tf_gen_msg (&meeting);
  big = make_big_msg (512, TF_FILETIME_1601, &value_off);
  cases[0].bytes = small;
  cases[0].stream = "__recip_version1.0_#00000001/__properties_version1.0";
  cases[0].address = "anna@example.com";
  cases[1].bytes = small;
  cases[1].stream = "__recip_version1.0_#00000002/__properties_version1.0";
  cases[1].address = "carl@example.com";
  cases[2].bytes = big;
  cases[2].stream = "__recip_version1.0_#00000000/__properties_version1.0";
  cases[2].address = "b@x.org";

  dir = g_dir_make_tmp ("test-msg-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autofree char *path = write_temp (cases[k].bytes, dir, "oracle.msg");
      g_autofree char *out = NULL;
      g_autoptr (TfItem) item = read_msg (cases[k].bytes, TF_READ_NONE, NULL);
      TfRecipient *r = tf_item_find_recipient (item, cases[k].address, TF_SOURCE_MSG);
      const char *argv[] = { python, "-c", olefile_script, path, cases[k].stream, NULL };
      int status = -1;
      guint64 pos = 0, value = 0, file_off = 0;
      TfCfb *cfb;

      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error));
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_test_message ("olefile: %s", out);
      g_assert_cmpint (sscanf (out, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &pos, &value), ==, 2);

      g_assert_nonnull (r);
      g_assert_cmpuint (value, ==, tf_recipient_get_track_time (r));
      cfb = tf_cfb_new (g_bytes_get_data (cases[k].bytes, NULL), g_bytes_get_size (cases[k].bytes), &error);
      g_assert_no_error (error);
      g_assert_true (tf_cfb_stream_offset_to_file_offset (cfb, cases[k].stream, pos, &file_off, &error));
      g_assert_no_error (error);
      g_assert_cmpint ((gint64) file_off, ==, tf_recipient_get_patch_site (r)->offset);
      tf_cfb_free (cfb);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static gpointer
read_many (gpointer data)
{
  GBytes *bytes = data;

  for (guint i = 0; i < 40; i++)
    {
      g_autoptr (TfItem) item = read_msg (bytes, TF_READ_FULL, NULL);

      g_assert_false (has_parse_error (item));
      g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 4);
    }
  return NULL;
}

/* The scanner reads files on worker threads: libgsf's lazy type
 * registration must not race. */
static void
test_threads (void)
{
  TfGenRecipient recipients[4];
  TfGenMeeting meeting;
  g_autoptr (GBytes) bytes = NULL;
  GThread *threads[4];

  fill_meeting (CASE_HEALTHY, recipients, &meeting);
  bytes = tf_gen_msg (&meeting);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("reader", read_many, bytes);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
}

int
main (int argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tf_core_init ();

  /* First, so libgsf's types are not yet registered */
  g_test_add_func ("/msg/fixture/threads", test_threads);
  g_test_add_func ("/msg/fixture/readback", test_fixture_readback);
  g_test_add_func ("/msg/fixture/rules", test_fixture_rules);
  g_test_add_func ("/msg/fixture/full", test_fixture_full);
  g_test_add_func ("/msg/fixture/embedded-exception", test_embedded_exception);
  g_test_add_func ("/msg/cfb/big-stream", test_big_stream);
  g_test_add_func ("/msg/cfb/patch", test_patch);
  g_test_add_func ("/msg/cfb/patch-crossing", test_patch_crossing);
  g_test_add_func ("/msg/cfb/damage", test_damage);
  g_test_add_func ("/msg/cfb/fuzz", test_fuzz);
  g_test_add_func ("/msg/corpus/all", test_corpus_all);
  g_test_add_func ("/msg/corpus/meetings", test_corpus_meetings);
  g_test_add_func ("/msg/oracle/msgconvert", test_oracle_msgconvert);
  g_test_add_func ("/msg/oracle/olefile", test_oracle_olefile);

  return g_test_run ();
}
