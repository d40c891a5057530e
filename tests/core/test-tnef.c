/* test-tnef.c — TNEF reader, FILETIME patcher and TNEF fixture generator
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "tf-core.h"
#include "tf-fixturegen.h"
#include "tf-tnef-private.h"

#define HEALTHY_TIME G_GUINT64_CONSTANT (0x01C902B8A3AC8400) /* 2008-08-20T11:34:00Z */

static guint64
pre_1900_time (void)
{
  /* 1899-12-30, the OLE automation zero date */
  return tf_filetime_from_unix (G_GINT64_CONSTANT (-2209161600));
}

/* Organizer, four attendees covering 1601 / pre-1900 / missing / 4501 /
 * healthy, a CC attendee without track status and a resource. */
static const TfGenRecipient base_recipients[] = {
  { "Boss Organizer", "boss@corp.example", TF_RECIPIENT_TYPE_ORGANIZER, TF_TRACK_STATUS_NONE, FALSE, 0 },
  { "Zero Time", "zero@other.example", TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ACCEPTED, TRUE, 0 },
  { "Old Time", "old@other.example", TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_TENTATIVE, TRUE, 1 /* patched */ },
  { "Missing Time", "missing@other.example", TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ACCEPTED, FALSE, 0 },
  { "None Time", "none@other.example", TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_DECLINED, TRUE, 0x0CB34557A3DD4000 },
  { "Good Time", "good@other.example", TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ACCEPTED, TRUE, HEALTHY_TIME },
  { "Copy Person", "cc@other.example", TF_RECIPIENT_TYPE_CC, TF_TRACK_STATUS_ABSENT, FALSE, 0 },
  { "Room 1", "room1@corp.example", TF_RECIPIENT_TYPE_RESOURCE, TF_TRACK_STATUS_ACCEPTED, TRUE, HEALTHY_TIME },
};

#define UID "trackfix-test-uid-0001@corp.example"

static GBytes *
make_fixture (void)
{
  TfGenRecipient recipients[G_N_ELEMENTS (base_recipients)];
  TfGenMeeting meeting = { 0 };

  memcpy (recipients, base_recipients, sizeof recipients);
  recipients[2].track_time = pre_1900_time ();

  meeting.message_class = "IPM.Schedule.Meeting.Request";
  meeting.subject = "Quarterly review — Überblick";
  meeting.uid = UID;
  meeting.sequence = 2;
  meeting.has_attendee_cc = TRUE;
  meeting.attendee_cc = 0;
  meeting.has_owner_cc = TRUE;
  meeting.owner_cc = HEALTHY_TIME;
  meeting.sent = 1219232040; /* 2008-08-20T11:34:00Z */
  meeting.recipients = recipients;
  meeting.n_recipients = G_N_ELEMENTS (recipients);
  return tf_gen_tnef (&meeting);
}

static guint
count_code (TfItem *item,
            TfFindingCode code)
{
  guint n = 0;

  for (guint i = 0; i < tf_item_get_n_findings (item); i++)
    if (tf_finding_get_code (tf_item_get_finding (item, i)) == code)
      n++;
  return n;
}

static const char *
first_detail (TfItem *item,
              TfFindingCode code)
{
  for (guint i = 0; i < tf_item_get_n_findings (item); i++)
    if (tf_finding_get_code (tf_item_get_finding (item, i)) == code)
      return tf_finding_get_detail (tf_item_get_finding (item, i));
  return NULL;
}

static TfItem *
read_data (const guint8 *data,
           gsize len,
           TfReadFlags flags,
           gboolean *ok)
{
  TfItem *item = tf_item_new ("test.tnef", "test.tnef", 0);
  gboolean result = tf_tnef_read (data, len, item, -1, flags);

  if (ok != NULL)
    *ok = result;
  return item;
}

static TfItem *
read_bytes (GBytes *bytes,
            TfReadFlags flags)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  return read_data (data, len, flags, NULL);
}

static guint64
le64 (const guint8 *p)
{
  guint64 v = 0;

  for (int i = 7; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

static guint16
le16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

/* Independent checksum, as in [MS-OXTNEF] 2.1.3.1 */
static guint16
sum_bytes (const guint8 *p,
           gsize n)
{
  guint16 sum = 0;

  for (gsize i = 0; i < n; i++)
    sum = (guint16) (sum + p[i]);
  return sum;
}

static void
assert_site_valid (const guint8 *data,
                   gsize len,
                   const TfPatchSite *site,
                   guint64 expected)
{
  static const guint8 track_tag[4] = { 0x40, 0x00, 0xFB, 0x5F };

  g_assert_cmpint (site->source, ==, TF_SOURCE_TNEF);
  g_assert_cmpint (site->offset, >=, 4);
  g_assert_cmpint (site->offset + 8, <=, (gint64) len);
  g_assert_cmphex (le64 (data + site->offset), ==, expected);
  g_assert_cmpmem (data + site->offset - 4, 4, track_tag, 4);
  g_assert_cmpuint (site->n_spans, >=, 1);
  for (guint i = 0; i < site->n_spans; i++)
    {
      const TfTnefSpan *span = &site->spans[i];

      g_assert_cmpuint (span->data_offset, <=, (guint64) site->offset);
      g_assert_cmpuint (site->offset + 8, <=, span->data_offset + span->data_length);
      g_assert_cmpuint (span->data_offset + span->data_length + 2, <=, len);
      /* the 32-bit length field right before the data */
      g_assert_cmpuint (le16 (data + span->data_offset - 4) | (le16 (data + span->data_offset - 2) << 16), ==,
                        span->data_length);
      g_assert_cmphex (le16 (data + span->data_offset + span->data_length), ==,
                       sum_bytes (data + span->data_offset, span->data_length));
    }
}

static TfRecipient *
find (TfItem *item,
      const char *address)
{
  TfRecipient *r = tf_item_find_recipient (item, address, TF_SOURCE_TNEF);

  g_assert_nonnull (r);
  return r;
}

static void
test_generated (void)
{
  g_autoptr (GBytes) bytes = make_fixture ();
  g_autoptr (TfItem) item = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  const TfStamp *stamp;
  TfRecipient *r;

  item = read_bytes (bytes, TF_READ_NONE);
  g_assert_cmpuint (tf_item_get_n_findings (item), ==, 0);
  g_assert_true ((tf_item_get_sources (item) & (1 << TF_SOURCE_TNEF)) != 0);
  g_assert_cmpstr (tf_item_get_message_class (item), ==, "IPM.Schedule.Meeting.Request");
  g_assert_cmpstr (tf_item_get_subject (item), ==, "Quarterly review — Überblick");
  g_assert_cmpint (tf_item_get_sent (item), ==, 1219232040);
  g_assert_cmpstr (tf_item_get_from (item), ==, "Boss Organizer <boss@corp.example>");
  g_assert_cmpint (tf_item_get_sequence (item), ==, 2);

  /* GlobalObjectId: prefix, zero instance date, vCal-Uid data */
  g_assert_true (g_str_has_prefix (tf_item_get_uid (item), "040000008200E00074C5B7101A82E008"));
  g_assert_nonnull (strstr (tf_item_get_uid (item), "7643616C2D556964")); /* "vCal-Uid" */
  g_assert_cmpstr (tf_item_get_meeting_key (item), ==, tf_item_get_uid (item));

  stamp = tf_item_find_stamp (item, TF_STAMP_ATTENDEE_CRITICAL_CHANGE);
  g_assert_nonnull (stamp);
  g_assert_cmphex (stamp->filetime, ==, 0);
  g_assert_cmpint (stamp->source, ==, TF_SOURCE_TNEF);
  g_assert_cmpint (stamp->part_index, ==, -1);
  g_assert_cmphex (le64 (data + stamp->offset), ==, 0);
  stamp = tf_item_find_stamp (item, TF_STAMP_OWNER_CRITICAL_CHANGE);
  g_assert_nonnull (stamp);
  g_assert_cmphex (stamp->filetime, ==, HEALTHY_TIME);
  g_assert_cmphex (le64 (data + stamp->offset), ==, HEALTHY_TIME);

  g_assert_cmpuint (tf_item_get_n_recipients (item), ==, G_N_ELEMENTS (base_recipients));
  for (guint i = 0; i < tf_item_get_n_recipients (item); i++)
    {
      r = tf_item_get_recipient (item, i);
      g_assert_cmpint (tf_recipient_get_row (r), ==, (gint) i);
      g_assert_cmpstr (tf_recipient_get_address (r), ==, base_recipients[i].address);
      g_assert_cmpstr (tf_recipient_get_name (r), ==, base_recipients[i].name);
      g_assert_cmpint (tf_recipient_get_recipient_type (r), ==, base_recipients[i].type);
      g_assert_cmpint (tf_recipient_get_track_status (r), ==, base_recipients[i].track_status);
      g_assert_cmpint (tf_recipient_get_has_track_time (r), ==, base_recipients[i].has_track_time);
      g_assert_true (tf_recipient_get_has_flags (r));
      if (base_recipients[i].has_track_time)
        {
          guint64 expected = i == 2 ? pre_1900_time () : base_recipients[i].track_time;
          const TfPatchSite *site = tf_recipient_get_patch_site (r);

          g_assert_cmphex (tf_recipient_get_track_time (r), ==, expected);
          g_assert_cmphex (tf_recipient_get_track_time_type (r), ==, TF_PT_SYSTIME);
          g_assert_nonnull (site);
          g_assert_cmpint (site->part_index, ==, -1);
          g_assert_cmpuint (site->n_spans, ==, 1);
          assert_site_valid (data, len, site, expected);
        }
    }

  r = find (item, "boss@corp.example");
  g_assert_true (tf_recipient_get_is_organizer (r));
  g_assert_cmpint (tf_recipient_get_mapi_type (r), ==, 1);
  g_assert_cmphex (tf_recipient_get_flags (r), ==, 0x0003);
  r = find (item, "room1@corp.example");
  g_assert_cmpint (tf_recipient_get_mapi_type (r), ==, 3);
  g_assert_cmpint (tf_recipient_get_recipient_type (r), ==, TF_RECIPIENT_TYPE_RESOURCE);

  /* The rules see what the reader found */
  tf_rules_classify (item);
  tf_rules_apply (item);
  g_assert_cmpint (tf_item_get_kind (item), ==, TF_KIND_REQUEST);
  g_assert_cmpuint (count_code (item, TF_FINDING_TRACK_TIME_1601), ==, 1);
  g_assert_cmpuint (count_code (item, TF_FINDING_TRACK_TIME_PRE_1900), ==, 1);
  g_assert_cmpuint (count_code (item, TF_FINDING_TRACK_TIME_OUT_OF_RANGE), ==, 0);
  g_assert_cmpuint (count_code (item, TF_FINDING_TNEF_CHECKSUM), ==, 0);
  g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), ==, 0);
}

/* A row whose PropID 0x5FFB carries another type (here PT_I8, also 8
 * bytes, so the stream stays well-formed): no track time, but the type is
 * kept so the rules can say what is there */
static void
test_track_time_wrong_type (void)
{
  g_autoptr (GBytes) bytes = make_fixture ();
  g_autoptr (TfItem) item = read_bytes (bytes, TF_READ_NONE);
  g_autoptr (TfItem) damaged = NULL;
  TfRecipient *r = find (item, "good@other.example");
  const TfPatchSite *site = tf_recipient_get_patch_site (r);
  gsize len = g_bytes_get_size (bytes);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), len);
  guint64 cks = site->spans[0].data_offset + site->spans[0].data_length;
  guint16 sum;

  g_assert_cmphex (copy[site->offset - 4], ==, 0x40);
  copy[site->offset - 4] = 0x14; /* PT_I8 */
  sum = sum_bytes (copy + site->spans[0].data_offset, site->spans[0].data_length);
  copy[cks] = sum & 0xFF;
  copy[cks + 1] = sum >> 8;

  damaged = read_data (copy, len, TF_READ_NONE, NULL);
  g_assert_cmpuint (tf_item_get_n_findings (damaged), ==, 0);
  r = find (damaged, "good@other.example");
  g_assert_false (tf_recipient_get_has_track_time (r));
  g_assert_cmphex (tf_recipient_get_track_time_type (r), ==, TF_PT_I8);
  g_assert_cmpint (tf_recipient_get_track_status (r), ==, TF_TRACK_STATUS_ACCEPTED);
}

static const TfProp *
find_prop (GPtrArray *props,
           guint32 tag)
{
  for (guint i = 0; props != NULL && i < props->len; i++)
    {
      const TfProp *prop = g_ptr_array_index (props, i);

      if (prop->tag == tag)
        return prop;
    }
  return NULL;
}

static void
test_full (void)
{
  g_autoptr (GBytes) bytes = make_fixture ();
  g_autoptr (TfItem) item = read_bytes (bytes, TF_READ_FULL);
  g_autoptr (TfItem) summary = read_bytes (bytes, TF_READ_NONE);
  GPtrArray *props = tf_item_get_props (item);
  gboolean saw_goid = FALSE;
  const TfProp *prop;
  TfRecipient *r;

  g_assert_null (tf_item_get_props (summary));
  g_assert_nonnull (props);
  prop = find_prop (props, 0x001A001E);
  g_assert_nonnull (prop);
  g_assert_cmpstr (prop->value, ==, "IPM.Schedule.Meeting.Request");
  prop = find_prop (props, 0x0037001F);
  g_assert_nonnull (prop);
  g_assert_cmpstr (prop->value, ==, "Quarterly review — Überblick");
  prop = find_prop (props, 0x00390040);
  g_assert_nonnull (prop);
  g_assert_cmphex (prop->filetime, ==, HEALTHY_TIME);
  g_assert_cmpstr (prop->value, ==, "2008-08-20T11:34:00Z");

  for (guint i = 0; i < props->len; i++)
    {
      prop = g_ptr_array_index (props, i);
      if (prop->named && prop->lid == TF_LID_GLOBAL_OBJECT_ID && memcmp (prop->guid, TF_PSETID_MEETING, 16) == 0)
        {
          saw_goid = TRUE;
          g_assert_cmphex (TF_PROP_TYPE (prop->tag), ==, TF_PT_BINARY);
          g_assert_cmphex (TF_PROP_ID (prop->tag), >=, 0x8000);
          /* binary is shown as hex, cut at 64 bytes */
          g_assert_true (g_str_has_prefix (prop->value, "040000008200E000"));
          g_assert_true (g_str_has_suffix (prop->value, "…"));
        }
    }
  g_assert_true (saw_goid);

  r = find (item, "zero@other.example");
  prop = find_prop (tf_recipient_get_props (r), TF_TAG_RECIPIENT_TRACKSTATUS_TIME);
  g_assert_nonnull (prop);
  g_assert_cmphex (prop->filetime, ==, 0);
  g_assert_cmpstr (prop->value, ==, "1601-01-01T00:00:00Z");
  g_assert_cmpint (prop->offset, ==, tf_recipient_get_patch_site (r)->offset);
  prop = find_prop (tf_recipient_get_props (r), TF_TAG_RECIPIENT_TRACKSTATUS);
  g_assert_nonnull (prop);
  g_assert_cmpstr (prop->value, ==, "3 (0x00000003)");
  prop = find_prop (tf_recipient_get_props (r), 0x3002001E);
  g_assert_nonnull (prop);
  g_assert_cmpstr (prop->value, ==, "SMTP");
}

static void
test_patch_roundtrip (void)
{
  g_autoptr (GBytes) bytes = make_fixture ();
  g_autoptr (TfItem) item = read_bytes (bytes, TF_READ_NONE);
  gsize len;
  const guint8 *orig = g_bytes_get_data (bytes, &len);

  for (guint i = 0; i < tf_item_get_n_recipients (item); i++)
    {
      TfRecipient *r = tf_item_get_recipient (item, i);
      const TfPatchSite *site = tf_recipient_get_patch_site (r);
      g_autofree guint8 *copy = NULL;
      g_autoptr (TfItem) again = NULL;
      g_autoptr (GError) error = NULL;
      TfRecipient *patched;
      gsize changed = 0;

      if (!tf_recipient_get_has_track_time (r))
        continue;

      copy = g_memdup2 (orig, len);
      g_assert_true (tf_tnef_patch_filetime (copy, len, site, HEALTHY_TIME + i, &error));
      g_assert_no_error (error);

      /* Only the 8 value bytes and the checksum may differ */
      for (gsize j = 0; j < len; j++)
        if (copy[j] != orig[j])
          {
            gboolean in_value = (gint64) j >= site->offset && (gint64) j < site->offset + 8;
            gsize cks = site->spans[0].data_offset + site->spans[0].data_length;

            g_assert_true (in_value || j == cks || j == cks + 1);
            changed++;
          }
      g_assert_cmpuint (changed, >, 0);

      again = read_data (copy, len, TF_READ_NONE, NULL);
      g_assert_cmpuint (count_code (again, TF_FINDING_TNEF_CHECKSUM), ==, 0);
      g_assert_cmpuint (tf_item_get_n_findings (again), ==, 0);
      patched = tf_item_get_recipient (again, i);
      g_assert_cmpstr (tf_recipient_get_address (patched), ==, tf_recipient_get_address (r));
      g_assert_cmphex (tf_recipient_get_track_time (patched), ==, HEALTHY_TIME + i);
      assert_site_valid (copy, len, tf_recipient_get_patch_site (patched), HEALTHY_TIME + i);
    }
}

static void
test_patch_refused (void)
{
  g_autoptr (GBytes) bytes = make_fixture ();
  g_autoptr (TfItem) item = read_bytes (bytes, TF_READ_NONE);
  TfRecipient *r = find (item, "zero@other.example");
  TfPatchSite site = *tf_recipient_get_patch_site (r);
  gsize len;
  const guint8 *orig = g_bytes_get_data (bytes, &len);
  g_autofree guint8 *copy = g_memdup2 (orig, len);
  g_autoptr (GError) error = NULL;

  /* Off by one byte: not a value */
  site.offset++;
  g_assert_false (tf_tnef_patch_filetime (copy, len, &site, HEALTHY_TIME, &error));
  g_assert_error (error, TF_ERROR, TF_ERROR_CHANGED);
  g_clear_error (&error);
  site.offset--;

  /* Wrong enclosing attribute */
  site.spans[0].data_length -= 4;
  g_assert_false (tf_tnef_patch_filetime (copy, len, &site, HEALTHY_TIME, &error));
  g_assert_error (error, TF_ERROR, TF_ERROR_CHANGED);
  g_clear_error (&error);
  site.spans[0].data_length += 4;

  /* Not a TNEF site */
  site.source = TF_SOURCE_MSG;
  g_assert_false (tf_tnef_patch_filetime (copy, len, &site, HEALTHY_TIME, &error));
  g_assert_error (error, TF_ERROR, TF_ERROR_FAILED);
  g_clear_error (&error);
  site.source = TF_SOURCE_TNEF;

  /* Truncated stream: the value is gone */
  g_assert_false (tf_tnef_patch_filetime (copy, (gsize) site.offset + 4, &site, HEALTHY_TIME, &error));
  g_assert_error (error, TF_ERROR, TF_ERROR_CHANGED);
  g_clear_error (&error);

  g_assert_cmpmem (copy, len, orig, len);

  /* A checksum that was already wrong gets fixed by the patch */
  copy[site.spans[0].data_offset + site.spans[0].data_length] ^= 0x55;
  {
    g_autoptr (TfItem) damaged = read_data (copy, len, TF_READ_NONE, NULL);

    g_assert_cmpuint (count_code (damaged, TF_FINDING_TNEF_CHECKSUM), ==, 1);
    g_assert_nonnull (strstr (first_detail (damaged, TF_FINDING_TNEF_CHECKSUM), "attRecipTable"));
    g_assert_cmpuint (tf_item_get_n_recipients (damaged), ==, G_N_ELEMENTS (base_recipients));
  }
  g_assert_true (tf_tnef_patch_filetime (copy, len, &site, HEALTHY_TIME, &error));
  g_assert_no_error (error);
  {
    g_autoptr (TfItem) fixed = read_data (copy, len, TF_READ_NONE, NULL);

    g_assert_cmpuint (tf_item_get_n_findings (fixed), ==, 0);
  }
}

/* --- embedded messages ---------------------------------------------------- */

static void
put_u32 (GByteArray *out,
         guint32 v)
{
  guint8 b[4] = { v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF, v >> 24 };

  g_byte_array_append (out, b, 4);
}

static void
put_attr (GByteArray *out,
          guint8 level,
          guint32 id,
          const guint8 *data,
          gsize len)
{
  guint16 sum = sum_bytes (data, len);
  guint8 cks[2] = { sum & 0xFF, sum >> 8 };

  g_byte_array_append (out, &level, 1);
  put_u32 (out, id);
  put_u32 (out, (guint32) len);
  g_byte_array_append (out, data, (guint) len);
  g_byte_array_append (out, cks, 2);
}

/* An IPM.Note whose single attachment is @inner as an embedded message
 * (PR_ATTACH_METHOD 5, PR_ATTACH_DATA_OBJ PT_OBJECT with IID_IMessage) */
static GBytes *
wrap_embedded (GBytes *inner)
{
  static const guint8 iid_imessage[16] = { 0x07, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
                                           0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 };
  static const guint8 version[4] = { 0x00, 0x00, 0x01, 0x00 };
  static const guint8 rend[14] = { 0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
  static const char note_class[] = "IPM.Microsoft Mail.Note";
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GByteArray) attach = g_byte_array_new ();
  gsize inner_len;
  const guint8 *inner_data = g_bytes_get_data (inner, &inner_len);
  guint8 zero[3] = { 0 };

  put_u32 (out, 0x223E9F78);
  g_byte_array_append (out, (const guint8 *) "\x01\x00", 2);
  put_attr (out, 1, 0x00089006, version, sizeof version);
  put_attr (out, 1, 0x00078008, (const guint8 *) note_class, sizeof note_class);
  put_attr (out, 2, 0x00069002, rend, sizeof rend);

  put_u32 (attach, 2);          /* two properties */
  put_u32 (attach, 0x37050003); /* PR_ATTACH_METHOD = ATTACH_EMBEDDED_MSG */
  put_u32 (attach, 5);
  put_u32 (attach, 0x3701000D); /* PR_ATTACH_DATA_OBJ */
  put_u32 (attach, 1);
  put_u32 (attach, (guint32) (16 + inner_len));
  g_byte_array_append (attach, iid_imessage, 16);
  g_byte_array_append (attach, inner_data, (guint) inner_len);
  g_byte_array_append (attach, zero, (guint) ((4 - ((16 + inner_len) & 3)) & 3));
  put_attr (out, 2, 0x00069005, attach->data, attach->len);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
test_embedded (void)
{
  g_autoptr (GBytes) inner = make_fixture ();
  g_autoptr (GBytes) outer = wrap_embedded (inner);
  g_autoptr (GBytes) twice = wrap_embedded (outer);
  GBytes *cases[] = { outer, twice };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr (TfItem) item = read_bytes (cases[c], TF_READ_NONE);
      gsize len;
      const guint8 *data = g_bytes_get_data (cases[c], &len);
      guint n_expected = 0;

      /* The outer message is a note; only rows with a track time come in */
      g_assert_cmpuint (tf_item_get_n_findings (item), ==, 0);
      g_assert_cmpstr (tf_item_get_message_class (item), ==, "IPM.Microsoft Mail.Note");
      g_assert_null (tf_item_get_uid (item));
      for (guint i = 0; i < G_N_ELEMENTS (base_recipients); i++)
        if (base_recipients[i].has_track_time)
          n_expected++;
      g_assert_cmpuint (tf_item_get_n_recipients (item), ==, n_expected);

      for (guint i = 0; i < tf_item_get_n_recipients (item); i++)
        {
          TfRecipient *r = tf_item_get_recipient (item, i);
          const TfPatchSite *site = tf_recipient_get_patch_site (r);
          g_autofree guint8 *copy = g_memdup2 (data, len);
          g_autoptr (GError) error = NULL;
          g_autoptr (TfItem) again = NULL;

          g_assert_cmpuint (site->n_spans, ==, 2 + c);
          assert_site_valid (data, len, site, tf_recipient_get_track_time (r));
          g_assert_cmpint (tf_recipient_get_recipient_type (r), !=, TF_RECIPIENT_TYPE_UNKNOWN);

          g_assert_true (tf_tnef_patch_filetime (copy, len, site, HEALTHY_TIME, &error));
          g_assert_no_error (error);
          again = read_data (copy, len, TF_READ_NONE, NULL);
          g_assert_cmpuint (tf_item_get_n_findings (again), ==, 0);
          g_assert_cmphex (tf_recipient_get_track_time (tf_item_get_recipient (again, i)), ==, HEALTHY_TIME);
          assert_site_valid (copy, len, tf_recipient_get_patch_site (tf_item_get_recipient (again, i)), HEALTHY_TIME);
        }
    }

  /* Three levels deep is read (TF_MAX_EMBED_DEPTH); four is not, and the
   * item says so instead of looking healthy */
  {
    g_autoptr (GBytes) b3 = wrap_embedded (twice);
    g_autoptr (GBytes) b4 = wrap_embedded (b3);
    g_autoptr (TfItem) item3 = read_bytes (b3, TF_READ_FULL);
    g_autoptr (TfItem) item = read_bytes (b4, TF_READ_FULL);

    g_assert_cmpuint (tf_item_get_n_recipients (item3), >, 0);
    g_assert_cmpstr (tf_recipient_get_embedded (tf_item_get_recipient (item3, 0)), ==, "1/1/1");
    g_assert_cmpuint (tf_item_get_n_findings (item3), ==, 0);
    g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 0);
    g_assert_cmpuint (tf_item_get_n_findings (item), ==, 1);
    g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), ==, 1);
    g_assert_nonnull (strstr (first_detail (item, TF_FINDING_PARSE_ERROR), "3 levels"));
  }
}

/* A string with a NUL before its end keeps the text after it (U+FFFD
 * stands for the NUL); trailing NULs end it as usual (issue 15) */
static void
test_string_nul (void)
{
  static const guint8 subject[] = "Budget\0review\0\0";
  static const guint8 version[4] = { 0x00, 0x00, 0x01, 0x00 };
  static const guint8 utf16[] = { 'a', 0, 0, 0, 'b', 0, 0, 0 };
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (TfItem) item = NULL;
  g_autofree char *s8 = tf_mapi_decode_string8 ((const guint8 *) "ab\0cd\0", 7, 1252, NULL);
  g_autofree char *s16 = tf_mapi_decode_unicode (utf16, sizeof utf16);

  put_u32 (out, 0x223E9F78);
  g_byte_array_append (out, (const guint8 *) "\x01\x00", 2);
  put_attr (out, 1, 0x00089006, version, sizeof version);
  put_attr (out, 1, 0x00018004, subject, sizeof subject - 1);
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&out));
  item = read_bytes (bytes, TF_READ_NONE);
  g_assert_cmpstr (tf_item_get_subject (item), ==, "Budget\xEF\xBF\xBDreview");
  /* The .msg reader's decoders */
  g_assert_cmpstr (s8, ==, "ab\xEF\xBF\xBD"
                           "cd");
  g_assert_cmpstr (s16, ==, "a\xEF\xBF\xBD"
                            "b");
}

/* The same stream as a winmail.dat MIME part: the MIME reader hands it to
 * tf_tnef_read() with its part number, which ends up in the patch sites */
static void
test_in_mime (void)
{
  g_autoptr (GBytes) tnef = make_fixture ();
  g_autoptr (GBytes) eml = tf_gen_eml ("boss@corp.example", "zero@other.example", "Quarterly review",
                                       1219232040, tnef, NULL, NULL, TRUE);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  TfItem *item;
  TfRecipient *r;
  const TfPatchSite *site;

  tf_read_bytes (eml, "queue.eml", "queue.eml", TF_READ_NONE, items);
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpuint (count_code (item, TF_FINDING_TNEF_CHECKSUM), ==, 0);
  g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), ==, 0);
  g_assert_cmpuint (count_code (item, TF_FINDING_TRACK_TIME_1601), ==, 1);
  g_assert_cmpstr (tf_item_get_message_class (item), ==, "IPM.Schedule.Meeting.Request");
  r = tf_item_find_recipient (item, "zero@other.example", TF_SOURCE_TNEF);
  g_assert_nonnull (r);
  site = tf_recipient_get_patch_site (r);
  /* multipart/mixed (0) { text/plain (1), application/ms-tnef (2) } */
  g_assert_cmpint (site->part_index, ==, 2);
  assert_site_valid (g_bytes_get_data (tnef, NULL), g_bytes_get_size (tnef), site, 0);
}

/* --- damage ----------------------------------------------------------------- */

static void
test_truncation (void)
{
  g_autoptr (GBytes) inner = make_fixture ();
  g_autoptr (GBytes) bytes = wrap_embedded (inner);
  g_autoptr (GHashTable) boundaries = g_hash_table_new (NULL, NULL);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  /* Attribute boundaries of the outer stream: truncating there loses
   * whole attributes, which the reader cannot notice */
  for (gsize pos = 6; pos <= len;)
    {
      g_hash_table_add (boundaries, GSIZE_TO_POINTER (pos));
      if (pos + 9 > len)
        break;
      pos += 11 + (le16 (data + pos + 5) | (le16 (data + pos + 7) << 16));
    }

  for (gsize n = 0; n < len; n++)
    {
      /* An exact-size heap copy so ASan sees any read past the end */
      g_autofree guint8 *copy = g_memdup2 (data, n);
      gboolean ok = FALSE;
      g_autoptr (TfItem) item = read_data (n > 0 ? copy : (const guint8 *) "", n, TF_READ_FULL, &ok);

      if (n < 6)
        {
          g_assert_false (ok);
          g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), ==, 1);
        }
      else if (g_hash_table_contains (boundaries, GSIZE_TO_POINTER (n)) && n > 6)
        g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), ==, 0);
      else
        {
          g_assert_true (ok);
          g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), ==, 1);
          g_assert_cmpstr (first_detail (item, TF_FINDING_PARSE_ERROR), !=, "");
        }
    }
}

static void
test_corruption (void)
{
  g_autoptr (GBytes) inner = make_fixture ();
  g_autoptr (GBytes) bytes = wrap_embedded (inner);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autoptr (GRand) rand = g_rand_new_with_seed (938650);

  for (guint round = 0; round < 3000; round++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, len);
      guint n_flips = 1 + g_rand_int_range (rand, 0, 4);
      g_autoptr (TfItem) item = NULL;
      gboolean ok = FALSE;

      for (guint i = 0; i < n_flips; i++)
        {
          gsize at = (gsize) g_rand_int_range (rand, 6, (gint32) len);

          /* Favour length and count fields: set high bytes */
          copy[at] = (round & 1) ? (guint8) g_rand_int_range (rand, 0, 256) : 0xFF;
        }
      /* The signature is intact, so the stream is always read; ASan and
       * UBSan check that no damage makes it read out of bounds */
      item = read_data (copy, len, TF_READ_FULL, &ok);
      g_assert_true (ok);
      g_assert_true ((tf_item_get_sources (item) & (1 << TF_SOURCE_TNEF)) != 0);
    }
}

/* --- independent tools ------------------------------------------------------ */

static gboolean
run_tool (const char *const *argv,
          int *status,
          char **out)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, &err, status, &error))
    {
      g_test_message ("%s: %s", argv[0], error->message);
      return FALSE;
    }
  if (out != NULL && *out != NULL && err != NULL)
    {
      char *both = g_strconcat (*out, err, NULL);

      g_free (*out);
      *out = both;
    }
  return TRUE;
}

static gboolean
have_program (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  return path != NULL;
}

static void
test_tools_generated (void)
{
  g_autoptr (GBytes) bytes = make_fixture ();
  g_autoptr (GBytes) embedded = wrap_embedded (bytes);
  g_autofree char *dir = NULL;
  GBytes *cases[] = { bytes, embedded };

  if (!have_program ("tnef") || !have_program ("ytnefprint"))
    {
      g_test_skip ("tnef / ytnefprint not installed");
      return;
    }
  dir = g_dir_make_tmp ("test-tnef-XXXXXX", NULL);
  g_assert_nonnull (dir);

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *path = g_build_filename (dir, c == 0 ? "meeting.dat" : "embedded.dat", NULL);
      g_autofree char *out = NULL;
      g_autofree char *yout = NULL;
      gsize len;
      const char *data = g_bytes_get_data (cases[c], &len);
      int status = -1;

      g_assert_true (g_file_set_contents (path, data, (gssize) len, NULL));
      {
        const char *argv[] = { "tnef", "-t", "-f", path, NULL };

        g_assert_true (run_tool (argv, &status, &out));
        g_test_message ("tnef -t %s: %s", path, out);
        g_assert_true (g_spawn_check_wait_status (status, NULL));
      }
      {
        const char *argv[] = { "ytnefprint", path, NULL };

        g_assert_true (run_tool (argv, &status, &yout));
        g_assert_null (strstr (yout, "Checksum mismatch"));
        g_assert_null (strstr (yout, "ERROR"));
        if (c == 0)
          g_assert_nonnull (strstr (yout, "IPM.Schedule.Meeting.Request"));
      }
      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* --- corpus ------------------------------------------------------------------ */

static char *
corpus_tnef_dir (void)
{
  const char *corpus = g_getenv ("TRACKFIX_CORPUS_DIR");
  char *dir;

  if (corpus == NULL)
    return NULL;
  dir = g_build_filename (corpus, "tnef", NULL);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    g_clear_pointer (&dir, g_free);
  return dir;
}

static TfItem *
read_corpus (const char *dir,
             const char *name,
             TfReadFlags flags,
             gboolean *ok)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return read_data ((const guint8 *) contents, len, flags, ok);
}

static gboolean
is_damaged (TfItem *item)
{
  return count_code (item, TF_FINDING_PARSE_ERROR) + count_code (item, TF_FINDING_TNEF_CHECKSUM) > 0;
}

static void
test_corpus_all (void)
{
  g_autofree char *dir = corpus_tnef_dir ();
  g_autoptr (GDir) d = NULL;
  gboolean have_tnef = have_program ("tnef");
  const char *name;
  guint n = 0;

  if (dir == NULL)
    {
      g_test_skip ("TRACKFIX_CORPUS_DIR/tnef not found");
      return;
    }
  d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autoptr (TfItem) full = read_corpus (dir, name, TF_READ_FULL, NULL);
      g_autoptr (TfItem) item = read_corpus (dir, name, TF_READ_NONE, NULL);

      n++;
      g_test_message ("%s: %u recipients, %u findings, class %s%s%s", name,
                      tf_item_get_n_recipients (item), tf_item_get_n_findings (item),
                      tf_item_get_message_class (item),
                      is_damaged (item) ? ": " : "",
                      is_damaged (item) ? tf_finding_get_detail (tf_item_get_finding (item, 0)) : "");
      g_assert_cmpuint (tf_item_get_n_recipients (full), ==, tf_item_get_n_recipients (item));
      g_assert_cmpuint (tf_item_get_n_findings (full), ==, tf_item_get_n_findings (item));
      for (guint i = 0; i < tf_item_get_n_findings (item); i++)
        {
          TfFinding *f = tf_item_get_finding (item, i);

          g_assert_true (tf_finding_get_code (f) == TF_FINDING_PARSE_ERROR || tf_finding_get_code (f) == TF_FINDING_TNEF_CHECKSUM);
          g_assert_cmpuint (strlen (tf_finding_get_detail (f)), >, 20);
        }
      /* At most one finding of each kind per stream */
      g_assert_cmpuint (count_code (item, TF_FINDING_TNEF_CHECKSUM), <=, 1);

      /* The independent `tnef` tool agrees on which files are damaged
       * (it exits non-zero on checksum errors, truncation, bad signatures
       * and the crash reproducers) */
      if (have_tnef)
        {
          g_autofree char *path = g_build_filename (dir, name, NULL);
          const char *argv[] = { "tnef", "-t", "-f", path, NULL };
          g_autofree char *out = NULL;
          int status = -1;

          g_assert_true (run_tool (argv, &status, &out));
          g_assert_cmpint (is_damaged (item), ==, !g_spawn_check_wait_status (status, NULL));
        }
    }
  g_assert_cmpuint (n, >=, 30);
}

static void
test_corpus_specific (void)
{
  g_autofree char *dir = corpus_tnef_dir ();
  static const char *damaged[] = {
    "bad_checksum.tnef",
    "teamwork-badchecksum.tnef",
    "IPM-DistList.tnef",
    "poi-oom.tnef",
  };

  if (dir == NULL)
    {
      g_test_skip ("TRACKFIX_CORPUS_DIR/tnef not found");
      return;
    }

  {
    g_autoptr (TfItem) item = read_corpus (dir, "body.tnef", TF_READ_NONE, NULL);
    TfRecipient *r;

    g_assert_cmpuint (tf_item_get_n_findings (item), ==, 0);
    g_assert_cmpstr (tf_item_get_message_class (item), ==, "IPM.Note");
    g_assert_cmpstr (tf_item_get_subject (item), ==, "Bill of Rights");
    g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 1);
    r = tf_item_get_recipient (item, 0);
    g_assert_cmpint (tf_recipient_get_track_status (r), ==, 0);
    g_assert_false (tf_recipient_get_has_track_time (r));
    g_assert_cmpint (tf_recipient_get_mapi_type (r), ==, 1);
    g_assert_cmpint (tf_recipient_get_recipient_type (r), ==, TF_RECIPIENT_TYPE_TO);
    g_assert_nonnull (strstr (tf_recipient_get_name (r), "3kuser2"));
  }

  {
    g_autoptr (TfItem) item = read_corpus (dir, "triples.tnef", TF_READ_NONE, NULL);

    g_assert_cmpstr (tf_item_get_message_class (item), ==, "IPM.Appointment");
    g_assert_cmpstr (tf_item_get_subject (item), ==, "Sample Summary");
    g_assert_nonnull (tf_item_get_from (item));
    g_assert_cmpuint (tf_item_get_n_findings (item), ==, 0);
  }

  {
    /* PR_MESSAGE_CLASS comes after MNID_STRING named properties */
    g_autoptr (TfItem) item = read_corpus (dir, "multi-name-property.tnef", TF_READ_FULL, NULL);

    g_assert_cmpstr (tf_item_get_message_class (item), ==, "IPM.Appointment");
    g_assert_cmpstr (tf_item_get_subject (item), ==, "Pfingstmontag");
    g_assert_cmpuint (tf_item_get_n_findings (item), ==, 0);
  }

  {
    g_autoptr (TfItem) item = read_corpus (dir, "poi-bug52400-winmail-simple.dat", TF_READ_NONE, NULL);
    TfRecipient *r;

    /* Trailing CR LF is tolerated */
    g_assert_cmpuint (tf_item_get_n_findings (item), ==, 0);
    g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 1);
    r = tf_item_get_recipient (item, 0);
    g_assert_nonnull (strstr (tf_recipient_get_name (r), "Gaggletest2"));
    g_assert_cmpint (tf_recipient_get_track_status (r), ==, TF_TRACK_STATUS_ABSENT);
  }

  {
    g_autoptr (TfItem) item = read_corpus (dir, "umlaut.tnef", TF_READ_NONE, NULL);

    /* No subject at all: PR_CONVERSATION_TOPIC, PT_STRING8 in code page 1252 */
    g_assert_cmpstr (tf_item_get_subject (item), ==, "UmlautAnhang TEST äöü +-*/~");
  }

  /* TNEF inside queue messages, read through the MIME reader */
  {
    g_autofree char *eml = g_build_filename (dir, "..", "eml", "aspose-tnefWithMsgInside.eml", NULL);
    g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
    g_autoptr (GError) error = NULL;
    TfItem *item;

    /* NOTES.md reports a checksum mismatch here, but that came from a
     * mangled decode of the Content-Transfer-Encoding: binary part; the
     * raw bytes pass `tnef -t` */
    g_assert_true (tf_read_file (eml, "aspose-tnefWithMsgInside.eml", TF_READ_NONE, items, &error));
    g_assert_no_error (error);
    item = g_ptr_array_index (items, 0);
    g_assert_cmpuint (tf_item_get_n_problems (item), ==, 0);
    g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 2);
    for (guint i = 0; i < 2; i++)
      {
        TfRecipient *r = tf_item_get_recipient (item, i);

        g_assert_cmpint (tf_recipient_get_source (r), ==, TF_SOURCE_TNEF);
        g_assert_cmpint (tf_recipient_get_track_status (r), ==, 0);
        g_assert_false (tf_recipient_get_has_track_time (r));
      }
  }
  {
    g_autofree char *eml = g_build_filename (dir, "..", "eml", "aspose-tnefEml1.eml", NULL);
    g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
    TfItem *item;
    guint n_to = 0, n_cc = 0;

    g_assert_true (tf_read_file (eml, "aspose-tnefEml1.eml", TF_READ_NONE, items, NULL));
    item = g_ptr_array_index (items, 0);
    g_assert_cmpstr (tf_item_get_message_class (item), ==, "IPM.Note");
    g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 4);
    for (guint i = 0; i < 4; i++)
      {
        TfRecipient *r = tf_item_get_recipient (item, i);

        n_to += tf_recipient_get_recipient_type (r) == TF_RECIPIENT_TYPE_TO;
        n_cc += tf_recipient_get_recipient_type (r) == TF_RECIPIENT_TYPE_CC;
        g_assert_cmpint (tf_recipient_get_track_status (r), ==, TF_TRACK_STATUS_ABSENT);
      }
    g_assert_cmpuint (n_to, ==, 2);
    g_assert_cmpuint (n_cc, ==, 2);
  }

  for (guint i = 0; i < G_N_ELEMENTS (damaged); i++)
    {
      g_autoptr (TfItem) item = read_corpus (dir, damaged[i], TF_READ_NONE, NULL);

      g_test_message ("%s: %s", damaged[i], tf_finding_get_detail (tf_item_get_finding (item, 0)));
      g_assert_true (is_damaged (item));
    }

  {
    g_autoptr (TfItem) item = read_corpus (dir, "IPM-DistList.tnef", TF_READ_NONE, NULL);

    /* ytnefprint: "Checksum mismatch" */
    g_assert_cmpuint (count_code (item, TF_FINDING_TNEF_CHECKSUM), ==, 1);
    g_assert_nonnull (strstr (first_detail (item, TF_FINDING_TNEF_CHECKSUM), "attMsgProps (0x00069003) at offset 103"));
    g_assert_nonnull (strstr (first_detail (item, TF_FINDING_TNEF_CHECKSUM), "attAttachment (0x00069005) at offset 8406"));
  }
  {
    g_autoptr (TfItem) item = read_corpus (dir, "poi-oom.tnef", TF_READ_NONE, NULL);

    g_assert_cmpuint (count_code (item, TF_FINDING_TNEF_CHECKSUM), ==, 1);
  }
  {
    gboolean ok = TRUE;
    g_autoptr (TfItem) item = read_corpus (dir, "teamwork-badchecksum.tnef", TF_READ_NONE, &ok);

    g_assert_false (ok);
    g_assert_nonnull (strstr (first_detail (item, TF_FINDING_PARSE_ERROR), "0x323E9F78"));
  }
  {
    g_autoptr (TfItem) item = read_corpus (dir, "bad_checksum.tnef", TF_READ_NONE, NULL);

    /* Only the last checksum is cut off (`tnef`: "Unexpected end of input") */
    g_assert_nonnull (strstr (first_detail (item, TF_FINDING_PARSE_ERROR),
                              "ends before the checksum of attAttachment (0x00069005) at offset 1542939"));
  }
}

/* The word-wise checksum equals the plain sum of bytes modulo 65536,
 * for every length and alignment and for sums past 16 bits per lane. */
static void
test_checksum_wordwise (void)
{
  g_autofree guint8 *data = g_malloc (70000);
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);

  for (gsize i = 0; i < 70000; i++)
    data[i] = i < 20000 ? 0xFF : (guint8) g_rand_int (rand);

  for (guint round = 0; round < 300; round++)
    {
      gsize offset = g_rand_int_range (rand, 0, 16);
      gsize len = round < 100 ? round : (gsize) g_rand_int_range (rand, 0, 70000 - 16);
      guint32 sum = 0;

      for (gsize i = 0; i < len; i++)
        sum += data[offset + i];
      g_assert_cmpuint (tf_tnef_checksum (data + offset, len), ==, sum & 0xFFFF);
    }
}

int
main (int argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tf_core_init ();

  g_test_add_func ("/tnef/generated/summary", test_generated);
  g_test_add_func ("/tnef/string-nul", test_string_nul);
  g_test_add_func ("/tnef/generated/full", test_full);
  g_test_add_func ("/tnef/generated/wrong-type", test_track_time_wrong_type);
  g_test_add_func ("/tnef/patch/roundtrip", test_patch_roundtrip);
  g_test_add_func ("/tnef/patch/refused", test_patch_refused);
  g_test_add_func ("/tnef/embedded", test_embedded);
  g_test_add_func ("/tnef/in-mime", test_in_mime);
  g_test_add_func ("/tnef/damage/truncation", test_truncation);
  g_test_add_func ("/tnef/damage/corruption", test_corruption);
  g_test_add_func ("/tnef/tools/generated", test_tools_generated);
  g_test_add_func ("/tnef/corpus/all", test_corpus_all);
  g_test_add_func ("/tnef/corpus/specific", test_corpus_specific);
  g_test_add_func ("/tnef/checksum/wordwise", test_checksum_wordwise);
  return g_test_run ();
}
