/* test-mime.c — MIME reader: headers, part numbering, dispatch to the
 * TNEF / iCalendar / DSN readers, damaged input
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "tf-bytes-stream-private.h"
#include "tf-core.h"
#include "tf-fixturegen.h"
#include "tf-mime-private.h"
#include "tf-raw.h"

#define DATE_2008 1219232040 /* 2008-08-20T11:34:00Z */

static const TfGenAttendee reply_attendee[] = {
  { "user@other.example", "User", "ACCEPTED", "REQ-PARTICIPANT" },
};

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

static TfItem *
read_mime (GBytes *data,
           gboolean *ok)
{
  TfItem *item = tf_item_new ("queue.eml", "queue.eml", 0);

  tf_item_set_format (item, TF_FORMAT_EML);
  *ok = tf_mime_read (data, item, TF_READ_FULL);
  tf_rules_classify (item);
  tf_rules_apply (item);

  return item;
}

static TfItem *
read_corpus (const char *name)
{
  const char *dir = g_getenv ("TRACKFIX_CORPUS_DIR");
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) data = NULL;
  gsize len = 0;
  gboolean ok;
  TfItem *item;

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    return NULL;

  path = g_build_filename (dir, name, NULL);
  g_file_get_contents (path, &text, &len, &error);
  g_assert_no_error (error);
  data = g_bytes_new_take (g_steal_pointer (&text), len);

  item = read_mime (data, &ok);
  g_assert_true (ok);

  return item;
}

static GBytes *
make_reply_ics (const char *attendee_cc)
{
  TfGenEvent event = {
    .method = "REPLY",
    .uid = "040000008200E00074C5B7101A82E00807D80814000000000000000000000000000000000000000010000000AABBCCDD",
    .sequence = 1,
    .dtstamp = DATE_2008,
    .organizer = "boss@corp.example",
    .attendees = reply_attendee,
    .n_attendees = 1,
    .summary = "Accepted: Quarterly review",
    .attendee_cc = attendee_cc,
  };

  return tf_gen_ics (&event);
}

static GBytes *
make_tnef (void)
{
  static const TfGenRecipient recipients[] = {
    { "Boss", "boss@corp.example", TF_RECIPIENT_TYPE_ORGANIZER, TF_TRACK_STATUS_ORGANIZED, FALSE, 0 },
    { "User", "user@other.example", TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ACCEPTED, TRUE, TF_FILETIME_1601 },
  };
  TfGenMeeting meeting = {
    .message_class = "IPM.Schedule.Meeting.Request",
    .subject = "Updated: Quarterly review",
    .uid = "quarterly-review",
    .sequence = 2,
    .sent = DATE_2008,
    .recipients = recipients,
    .n_recipients = G_N_ELEMENTS (recipients),
  };

  return tf_gen_tnef (&meeting);
}

static void
assert_part_types (GMimeMessage *message,
                   const char *const *expected)
{
  g_autoptr (GPtrArray) types = tf_mime_dup_part_types (message);
  guint n = g_strv_length ((char **) expected);

  g_assert_cmpuint (types->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      GMimeObject *part = tf_mime_find_part (message, (gint) i);
      g_autofree char *type = NULL;
      g_autofree char *lower = NULL;

      g_assert_cmpstr (g_ptr_array_index (types, i), ==, expected[i]);
      g_assert_nonnull (part);
      type = g_mime_content_type_get_mime_type (g_mime_object_get_content_type (part));
      lower = g_ascii_strdown (type, -1);
      g_assert_cmpstr (lower, ==, expected[i]);
    }

  g_assert_null (tf_mime_find_part (message, (gint) n));
  g_assert_null (tf_mime_find_part (message, -1));
}

static void
test_numbering_generated (void)
{
  static const char *const both[] = {
    "multipart/mixed", "multipart/alternative", "text/plain", "text/calendar",
    "application/ms-tnef", NULL
  };
  static const char *const tnef_only[] = {
    "multipart/mixed", "text/plain", "application/ms-tnef", NULL
  };
  static const char *const ics_only[] = {
    "multipart/alternative", "text/plain", "text/calendar", NULL
  };
  static const char *const plain[] = { "text/plain", NULL };
  g_autoptr (GBytes) tnef = make_tnef ();
  g_autoptr (GBytes) ics = make_reply_ics (NULL);
  struct
  {
    GBytes *tnef;
    GBytes *ics;
    const char *const *types;
  } cases[] = {
    { tnef, ics, both },
    { tnef, NULL, tnef_only },
    { NULL, ics, ics_only },
    { NULL, NULL, plain },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GBytes) eml = tf_gen_eml ("boss@corp.example", "user@other.example", "Quarterly review",
                                           DATE_2008, cases[i].tnef, cases[i].ics, "REPLY", i % 2 == 0);
      g_autoptr (GError) error = NULL;
      g_autoptr (GMimeMessage) message = tf_mime_parse_bytes (eml, &error);

      g_assert_no_error (error);
      g_assert_nonnull (message);
      assert_part_types (message, cases[i].types);
    }
}

static void
test_content_offsets (void)
{
  g_autoptr (GBytes) tnef = make_tnef ();
  g_autoptr (GBytes) eml = tf_gen_eml ("boss@corp.example", "user@other.example", "Offsets",
                                       DATE_2008, tnef, NULL, NULL, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GMimeMessage) message = tf_mime_parse_bytes (eml, &error);
  g_autoptr (GBytes) decoded = NULL;
  g_autofree char *encoded = NULL;
  g_autofree guchar *raw = NULL;
  GMimeStream *stream;
  GMimeObject *part;
  const char *data;
  gsize raw_len = 0;

  g_assert_no_error (error);
  part = tf_mime_find_part (message, 2);
  g_assert_true (GMIME_IS_PART (part));

  /* the decoded content is the TNEF stream */
  decoded = tf_mime_dup_part_content (GMIME_PART (part));
  g_assert_true (g_bytes_equal (decoded, tnef));

  /* and the content stream is a window on the input: repair can find the
   * base64 text in the file without re-encoding anything else */
  stream = g_mime_data_wrapper_get_stream (g_mime_part_get_content (GMIME_PART (part)));
  g_assert_cmpint (stream->bound_start, >, 0);
  g_assert_cmpint (stream->bound_end, >, stream->bound_start);
  g_assert_cmpint (stream->bound_end, <=, (gint64) g_bytes_get_size (eml));
  data = g_bytes_get_data (eml, NULL);
  encoded = g_strndup (data + stream->bound_start, (gsize) (stream->bound_end - stream->bound_start));
  raw = g_base64_decode (encoded, &raw_len);
  g_assert_cmpmem (raw, raw_len, g_bytes_get_data (tnef, NULL), g_bytes_get_size (tnef));
}

static void
test_tnef_part_index (void)
{
  g_autoptr (GBytes) tnef = make_tnef ();
  g_autoptr (GBytes) ics = make_reply_ics ("20080820T113400Z");
  g_autoptr (GBytes) eml = tf_gen_eml ("boss@corp.example", "user@other.example", "Updated: Quarterly review",
                                       DATE_2008, tnef, ics, "REQUEST", TRUE);
  g_autoptr (TfItem) item = NULL;
  guint n_tnef = 0;
  gboolean ok;

  item = read_mime (eml, &ok);
  g_assert_true (ok);
  g_assert_true (tf_item_get_sources (item) & (1u << TF_SOURCE_TNEF));
  g_assert_true (tf_item_get_sources (item) & (1u << TF_SOURCE_ICAL));
  g_assert_true (tf_item_get_sources (item) & (1u << TF_SOURCE_HEADER));

  for (guint i = 0; i < tf_item_get_n_recipients (item); i++)
    {
      TfRecipient *r = tf_item_get_recipient (item, i);
      const TfPatchSite *site = tf_recipient_get_patch_site (r);

      if (tf_recipient_get_source (r) != TF_SOURCE_TNEF)
        continue;

      n_tnef++;
      /* mixed(0) alternative(1) plain(2) calendar(3) tnef(4) */
      if (site != NULL && site->offset >= 0)
        g_assert_cmpint (site->part_index, ==, 4);
    }
  g_assert_cmpuint (n_tnef, ==, 2);

  /* the 1601 time in the TNEF row is found through the MIME layer */
  g_assert_cmpuint (count_code (item, TF_FINDING_TRACK_TIME_1601), ==, 1);

  /* the calendar part's stamps carry its part number */
  for (guint i = 0; i < tf_item_get_n_stamps (item); i++)
    {
      const TfStamp *stamp = tf_item_get_stamp (item, i);

      if (stamp->source == TF_SOURCE_ICAL)
        g_assert_cmpint (stamp->part_index, ==, 3);
      else if (stamp->source == TF_SOURCE_TNEF)
        g_assert_cmpint (stamp->part_index, ==, 4);
    }
}

static void
test_nested_rfc822 (void)
{
  static const char *const types[] = {
    "multipart/mixed", "text/plain", "message/rfc822", "multipart/alternative",
    "text/plain", "text/calendar", NULL
  };
  g_autoptr (GBytes) ics = make_reply_ics ("16010101T000000Z");
  g_autoptr (GBytes) inner = tf_gen_eml ("user@other.example", "boss@corp.example", "Accepted: Quarterly review",
                                         DATE_2008, NULL, ics, "REPLY", FALSE);
  g_autoptr (GString) outer = g_string_new (NULL);
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GMimeMessage) message = NULL;
  g_autoptr (TfItem) item = NULL;
  const TfStamp *stamp;
  gboolean ok;

  g_string_append (outer,
                   "From: helpdesk@corp.example\r\n"
                   "To: admin@corp.example\r\n"
                   "Subject: FW: stuck reply\r\n"
                   "Date: Thu, 21 Aug 2008 09:00:00 +0000\r\n"
                   "MIME-Version: 1.0\r\n"
                   "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
                   "\r\n"
                   "--outer\r\n"
                   "Content-Type: text/plain\r\n"
                   "\r\n"
                   "See the attached reply.\r\n"
                   "--outer\r\n"
                   "Content-Type: message/rfc822\r\n"
                   "Content-Disposition: attachment\r\n"
                   "\r\n");
  g_string_append_len (outer, g_bytes_get_data (inner, NULL), (gssize) g_bytes_get_size (inner));
  g_string_append (outer, "\r\n--outer--\r\n");
  data = g_bytes_new (outer->str, outer->len);

  message = tf_mime_parse_bytes (data, NULL);
  g_assert_nonnull (message);
  assert_part_types (message, types);

  item = read_mime (data, &ok);
  g_assert_true (ok);
  /* the forwarding message's own headers */
  g_assert_cmpstr (tf_item_get_subject (item), ==, "FW: stuck reply");
  g_assert_cmpstr (tf_item_get_ical_method (item), ==, "REPLY");
  g_assert_nonnull (tf_item_find_recipient (item, "user@other.example", TF_SOURCE_ICAL));
  stamp = tf_item_find_stamp (item, TF_STAMP_ATTENDEE_CRITICAL_CHANGE);
  g_assert_nonnull (stamp);
  g_assert_cmpint (stamp->part_index, ==, 5);
  g_assert_cmpuint (stamp->filetime, ==, TF_FILETIME_1601);
  g_assert_cmpuint (count_code (item, TF_FINDING_CRITICAL_CHANGE_1601), >=, 1);
}

static void
test_headers_and_envelope (void)
{
  g_autoptr (GBytes) ics = make_reply_ics (NULL);
  g_autoptr (GBytes) eml = tf_gen_eml ("user@other.example", "boss@corp.example, deputy@corp.example",
                                       "Zusage: Überprüfung", DATE_2008, NULL, ics, "REPLY", TRUE);
  g_autofree char *text = g_strndup (g_bytes_get_data (eml, NULL), g_bytes_get_size (eml));
  g_autoptr (TfItem) item = NULL;
  gboolean ok;

  /* Exchange 2003 Drop-folder envelope first */
  g_assert_true (g_str_has_prefix (text, "x-sender: user@other.example\r\n"
                                         "x-receiver: boss@corp.example\r\n"
                                         "x-receiver: deputy@corp.example\r\n"));
  /* CRLF only */
  for (const char *p = text; *p != '\0'; p++)
    if (*p == '\n')
      g_assert_cmpint (p > text ? p[-1] : 0, ==, '\r');

  item = read_mime (eml, &ok);
  g_assert_true (ok);
  g_assert_cmpstr (tf_item_get_subject (item), ==, "Zusage: Überprüfung");
  g_assert_cmpstr (tf_item_get_from (item), ==, "user@other.example");
  g_assert_cmpint (tf_item_get_sent (item), ==, DATE_2008);
  g_assert_nonnull (tf_item_get_message_id (item));
  g_assert_cmpint (tf_item_get_kind (item), ==, TF_KIND_REPLY);
  g_assert_cmpuint (count_code (item, TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE), ==, 1);
  g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), ==, 0);
}

static void
test_mbox_from_line (void)
{
  g_autoptr (GBytes) ics = make_reply_ics ("20080820T113400Z");
  g_autoptr (GBytes) eml = tf_gen_eml ("user@other.example", "boss@corp.example", "Accepted",
                                       DATE_2008, NULL, ics, "REPLY", FALSE);
  g_autofree char *text = g_strdup_printf ("From user@other.example Wed Aug 20 11:34:00 2008\n%.*s",
                                           (int) g_bytes_get_size (eml), (const char *) g_bytes_get_data (eml, NULL));
  g_autoptr (GBytes) data = g_bytes_new (text, strlen (text));
  g_autoptr (TfItem) item = NULL;
  g_autoptr (GMimeMessage) message = NULL;
  GMimeStream *stream;
  GMimeObject *part;
  gboolean ok;

  item = read_mime (data, &ok);
  g_assert_true (ok);
  g_assert_cmpstr (tf_item_get_subject (item), ==, "Accepted");
  g_assert_cmpstr (tf_item_get_ical_method (item), ==, "REPLY");

  /* offsets stay relative to the data given, "From " line included: the
   * 8bit calendar part's content is the generated text, byte for byte */
  message = tf_mime_parse_bytes (data, NULL);
  part = tf_mime_find_part (message, 2);
  g_assert_true (GMIME_IS_PART (part));
  stream = g_mime_data_wrapper_get_stream (g_mime_part_get_content (GMIME_PART (part)));
  g_assert_cmpmem (text + stream->bound_start, g_bytes_get_size (ics),
                   g_bytes_get_data (ics, NULL), g_bytes_get_size (ics));
}

static void
test_damaged (void)
{
  static const char binary[] = { 0x78, 0x9f, 0x3e, 0x22, 0x00, 0x01, 0x02, 0x90, 0xff, 0x00 };
  const struct
  {
    const char *data;
    gsize len;
  } bad[] = {
    { "", 0 },
    { binary, sizeof binary },
    { "From someone Wed Aug 20 11:34:00 2008\n", G_MAXSIZE },
    { "\r\n\r\nno headers here\r\n", G_MAXSIZE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gsize len = bad[i].len != G_MAXSIZE ? bad[i].len : strlen (bad[i].data);
      g_autoptr (GBytes) data = g_bytes_new (bad[i].data, len);
      g_autoptr (TfItem) item = NULL;
      gboolean ok;

      item = read_mime (data, &ok);
      g_assert_false (ok);
      g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), ==, 1);
    }
}

static void
test_cut_off (void)
{
  g_autoptr (GBytes) tnef = make_tnef ();
  g_autoptr (GBytes) eml = tf_gen_eml ("boss@corp.example", "user@other.example", "Cut off",
                                       DATE_2008, tnef, NULL, NULL, FALSE);
  /* cut inside the base64 TNEF attachment */
  g_autoptr (GBytes) cut = g_bytes_new_from_bytes (eml, 0, g_bytes_get_size (eml) - 200);
  g_autoptr (TfItem) item = NULL;
  gboolean truncated = FALSE;
  gboolean ok;

  item = read_mime (cut, &ok);
  g_assert_true (ok);
  g_assert_cmpstr (tf_item_get_subject (item), ==, "Cut off");
  /* our truncation finding, plus whatever the TNEF reader says */
  g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), >=, 1);
  for (guint i = 0; i < tf_item_get_n_findings (item); i++)
    if (strstr (tf_finding_get_detail (tf_item_get_finding (item, i)), "truncated") != NULL)
      truncated = TRUE;
  g_assert_true (truncated);
}

static void
test_deep_nesting (void)
{
  g_autoptr (GString) text = g_string_new ("From: a@example.com\r\nSubject: deep\r\nMIME-Version: 1.0\r\n");
  g_autoptr (GBytes) data = NULL;
  g_autoptr (TfItem) item = NULL;
  const guint depth = 200;
  gboolean ok;

  for (guint i = 0; i < depth; i++)
    g_string_append_printf (text, "Content-Type: multipart/mixed; boundary=\"b%u\"\r\n\r\n--b%u\r\n", i, i);
  g_string_append (text, "Content-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
  for (guint i = depth; i > 0; i--)
    g_string_append_printf (text, "--b%u--\r\n", i - 1);

  data = g_bytes_new (text->str, text->len);
  item = read_mime (data, &ok);
  g_assert_true (ok);
  g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), >=, 1);
}

/* GMime 3.2.13 crashed (g_strndup (…, SIZE_MAX)) on this message: the
 * second part's first header line is invalid and runs across three of
 * the parser's 4 KiB reads. The first read ends on a '\r' inside that
 * line, which the parser keeps in front of its buffer; the next read ends
 * on an 'x' just before the line's '\n', and when the parser then strips a
 * '\r' before that '\n' it finds the stale one and the length underflows.
 * Deterministic with GMime's own 4 KiB reads; TfBytesStream's reads never
 * end just before a '\n', which keeps it out of that path. */
static void
test_gmime_preheader_underflow (void)
{
  g_autoptr (GString) text = g_string_new ("From: a@example.com\r\n"
                                           "Content-Type: multipart/mixed; boundary=\"b\"\r\n"
                                           "\r\n"
                                           "pppppppppp\r\n"
                                           "--b\r\n"
                                           "\x01");
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GMimeMessage) message = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) types = NULL;

  for (guint i = 0; i < 12202; i++)
    g_string_append_c (text, i % 3 == 2 ? '\r' : 'x');
  g_string_append (text, "\nContent-Type: text/plain\r\n\r\nbody\r\n--b--\r\n");
  g_assert_cmpuint (text->len, ==, 12330);

  data = g_bytes_new (text->str, text->len);
  message = tf_mime_parse_bytes (data, &error);
  g_assert_no_error (error);
  types = tf_mime_dup_part_types (message);
  g_assert_cmpuint (types->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (types, 0), ==, "multipart/mixed");
}

/* The stream gives every byte once, in order, and no read ends just
 * before a '\n' unless it ends with '\n' (or the data ends there). */
static void
test_bytes_stream_reads (void)
{
  static const char text[] = "ab\r\n\n\nc\rd\n\r\n\nxyz\n\n";
  g_autoptr (GBytes) data = g_bytes_new_static (text, sizeof text - 1);

  for (gsize want = 1; want <= sizeof text; want++)
    {
      g_autoptr (GMimeStream) stream = tf_bytes_stream_new (data, 0, -1);
      g_autoptr (GString) got = g_string_new (NULL);
      char buf[64];
      ssize_t n;

      while ((n = g_mime_stream_read (stream, buf, want)) > 0)
        {
          gsize next = got->len + (gsize) n;

          g_assert_cmpint (n, <=, (ssize_t) want);
          g_string_append_len (got, buf, n);
          if (next < sizeof text - 1 && text[next] == '\n')
            g_assert_true (buf[n - 1] == '\n' || n == 1);
        }
      g_assert_cmpint (n, ==, 0);
      g_assert_true (g_mime_stream_eos (stream));
      g_assert_cmpmem (got->str, got->len, text, sizeof text - 1);
    }

  /* a substream follows the same rule inside its bounds; its end is an
   * end, whatever byte comes after it */
  {
    g_autoptr (GMimeStream) stream = tf_bytes_stream_new (data, 0, -1);
    g_autoptr (GMimeStream) sub = g_mime_stream_substream (stream, 6, 13);
    g_autoptr (GMimeStream) head = g_mime_stream_substream (stream, 6, 9);
    char buf[16];

    g_assert_cmpint (g_mime_stream_length (sub), ==, 7);
    g_assert_cmpint (g_mime_stream_read (sub, buf, 3), ==, 2);
    g_assert_cmpmem (buf, 2, "c\r", 2);
    g_assert_cmpint (g_mime_stream_read (sub, buf, sizeof buf), ==, 5);
    g_assert_cmpmem (buf, 5, "d\n\r\n\n", 5);
    g_assert_cmpint (g_mime_stream_read (sub, buf, sizeof buf), ==, 0);

    g_assert_cmpint (g_mime_stream_read (head, buf, sizeof buf), ==, 3);
    g_assert_cmpmem (buf, 3, "c\rd", 3);
  }
}

/* The Raw page shows the header block and each decoded iCalendar part */
static void
test_raw_page (void)
{
  g_autoptr (GBytes) ics = make_reply_ics ("20080820T113400Z");
  g_autoptr (GBytes) eml = tf_gen_eml ("user@other.example", "boss@corp.example", "Accepted: Raw",
                                       DATE_2008, NULL, ics, "REPLY", TRUE);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("trackfix-raw-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  path = g_build_filename (dir, "reply.eml", NULL);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (eml, NULL), (gssize) g_bytes_get_size (eml), NULL));
  g_assert_true (tf_read_file (path, "reply.eml", TF_READ_NONE, items, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);

  text = tf_item_describe_raw (g_ptr_array_index (items, 0), &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "Subject: Accepted: Raw"));
  g_assert_nonnull (strstr (text, "== iCalendar part 1 ==\nBEGIN:VCALENDAR"));
  g_assert_nonnull (strstr (text, "METHOD:REPLY"));
  g_assert_null (strstr (text, "iCalendar part 2"));

  g_unlink (path);
  g_rmdir (dir);
}

static gpointer
read_thread (gpointer data)
{
  GBytes *eml = data;

  for (guint i = 0; i < 100; i++)
    {
      g_autoptr (TfItem) item = tf_item_new ("t.eml", "t.eml", 0);

      if (!tf_mime_read (eml, item, TF_READ_FULL) || tf_item_get_n_recipients (item) != 4 || g_strcmp0 (tf_item_get_subject (item), "Zusage: Überprüfung") != 0)
        return GINT_TO_POINTER (1);
    }

  return GINT_TO_POINTER (0);
}

static void
test_threads (void)
{
  g_autoptr (GBytes) tnef = make_tnef ();
  g_autoptr (GBytes) ics = make_reply_ics ("20080820T113400Z");
  g_autoptr (GBytes) eml = tf_gen_eml ("user@other.example", "boss@corp.example", "Zusage: Überprüfung",
                                       DATE_2008, tnef, ics, "REPLY", TRUE);
  GThread *threads[4];

  /* the scanner reads files on a worker pool: one GMime parser per call */
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("mime", read_thread, eml);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (threads[i])), ==, 0);
}

/* RFC 2047 words that split one character (Exchange 2007 cuts by bytes) */
static void
test_split_encoded_words (void)
{
  /* "Update: Grüße ニャーン": "ü" (C3 BC) and "ニ" (E3 83 8B) cut in
   * two; B then Q, B then B, and a word in another charset after them */
  static const struct
  {
    const char *header;
    const char *subject;
  } cases[] = {
    { "=?utf-8?B?VXBkYXRlOiBHcsM=?= =?UTF-8?Q?=BC=C3=9Fe_=E3=83?=\r\n =?utf-8?B?i+ODo+ODvOODsw==?=",
      "Update: Grüße ニャーン" },
    { "=?iso-2022-jp?B?VW5kZWxpdmVyYWJsZTogGyRCJUsl?=\r\n =?ISO-2022-JP?B?YyE8JXMbKEI=?=",
      "Undeliverable: ニャーン" },
    /* different charsets are not joined; text between words is kept */
    { "=?iso-8859-1?Q?Gr=FC=DFe?= und =?utf-8?B?w7w=?=", "Grüße und ü" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GBytes) eml = tf_gen_eml ("boss@corp.example", "user@corp.example", "PLACEHOLDER",
                                           1219232040, NULL, NULL, NULL, FALSE);
      g_autofree char *text = g_strndup (g_bytes_get_data (eml, NULL), g_bytes_get_size (eml));
      g_auto (GStrv) halves = g_strsplit (text, "PLACEHOLDER", 2);
      g_autofree char *joined = NULL;
      g_autoptr (GBytes) data = NULL;
      g_autoptr (TfItem) item = NULL;
      gboolean ok;

      g_assert_nonnull (halves[1]);
      joined = g_strconcat (halves[0], cases[i].header, halves[1], NULL);
      data = g_bytes_new (joined, strlen (joined));
      item = read_mime (data, &ok);
      g_assert_true (ok);
      g_assert_cmpstr (tf_item_get_subject (item), ==, cases[i].subject);
    }
}

static void
test_corpus_all (void)
{
  const char *dir_path = g_getenv ("TRACKFIX_CORPUS_DIR");
  g_autofree char *eml_dir = NULL;
  g_autoptr (GDir) dir = NULL;
  guint n = 0;

  if (dir_path == NULL || !g_file_test (dir_path, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("corpus not available (TRACKFIX_CORPUS_DIR)");
      return;
    }

  eml_dir = g_build_filename (dir_path, "eml", NULL);
  dir = g_dir_open (eml_dir, 0, NULL);
  g_assert_nonnull (dir);

  for (const char *name; (name = g_dir_read_name (dir)) != NULL;)
    {
      g_autofree char *rel = g_build_filename ("eml", name, NULL);
      g_autoptr (TfItem) item = read_corpus (rel);

      g_test_message ("%s", name);
      g_assert_nonnull (tf_item_get_subject (item));
      g_assert_nonnull (tf_item_get_from (item));
      n++;
    }

  g_assert_cmpuint (n, >=, 12);
}

/* Python's email package walks parts in the same depth-first order,
 * descending into attached messages; it also splits RFC 3464 / 3798 report
 * bodies into pseudo-parts, which GMime (rightly) does not. */
static const char python_walk[] = "import email, sys\n"
                                  "leaves = ('message/delivery-status', 'message/disposition-notification',\n"
                                  "          'message/global-delivery-status')\n"
                                  "def walk(p):\n"
                                  "    yield p.get_content_type()\n"
                                  "    if p.get_content_type() not in leaves and p.is_multipart():\n"
                                  "        for s in p.get_payload():\n"
                                  "            yield from walk(s)\n"
                                  "for path in sys.argv[1:]:\n"
                                  "    with open(path, 'rb') as f:\n"
                                  "        print(' '.join(walk(email.message_from_binary_file(f))))\n";

static void
test_corpus_python_order (void)
{
  const char *dir_path = g_getenv ("TRACKFIX_CORPUS_DIR");
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  const char *const subdirs[] = { "eml", "dsn" };
  int status = 0;
  guint n = 0;

  if (dir_path == NULL || !g_file_test (dir_path, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("corpus not available (TRACKFIX_CORPUS_DIR)");
      return;
    }
  if (python == NULL)
    {
      g_test_skip ("python3 not installed");
      return;
    }

  g_ptr_array_add (argv, g_strdup (python));
  g_ptr_array_add (argv, g_strdup ("-c"));
  g_ptr_array_add (argv, g_strdup (python_walk));
  for (guint d = 0; d < G_N_ELEMENTS (subdirs); d++)
    {
      g_autofree char *sub = g_build_filename (dir_path, subdirs[d], NULL);
      g_autoptr (GDir) dir = g_dir_open (sub, 0, NULL);

      g_assert_nonnull (dir);
      for (const char *name; (name = g_dir_read_name (dir)) != NULL;)
        g_ptr_array_add (argv, g_build_filename (sub, name, NULL));
    }
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 3; i + 1 < argv->len; i++)
    {
      const char *path = g_ptr_array_index (argv, i);
      g_autofree char *text = NULL;
      g_autoptr (GBytes) data = NULL;
      g_autoptr (GMimeMessage) message = NULL;
      g_autoptr (GPtrArray) types = NULL;
      g_autofree char *ours = NULL;
      gsize len = 0;

      g_assert_true (g_file_get_contents (path, &text, &len, NULL));
      data = g_bytes_new_take (g_steal_pointer (&text), len);
      message = tf_mime_parse_bytes (data, NULL);
      g_assert_nonnull (message);
      types = tf_mime_dup_part_types (message);
      g_ptr_array_add (types, NULL);
      ours = g_strjoinv (" ", (char **) types->pdata);

      g_test_message ("%s", path);
      g_assert_nonnull (lines[i - 3]);
      g_assert_cmpstr (ours, ==, lines[i - 3]);
      n++;
    }

  g_assert_cmpuint (n, >=, 36);
}

static guint
count_attendees (TfItem *item,
                 TfSource source)
{
  guint n = 0;

  for (guint i = 0; i < tf_item_get_n_recipients (item); i++)
    {
      TfRecipient *r = tf_item_get_recipient (item, i);

      if (tf_recipient_get_source (r) == source && !tf_recipient_get_is_organizer (r))
        n++;
    }

  return n;
}

static void
test_method_parameter (void)
{
  const char *text = "From: boss@corp.example\r\n"
                     "Subject: Canceled: Quarterly review\r\n"
                     "MIME-Version: 1.0\r\n"
                     "Content-Type: text/calendar; method=cancel; charset=us-ascii\r\n"
                     "\r\n"
                     "BEGIN:VCALENDAR\r\n"
                     "BEGIN:VEVENT\r\n"
                     "UID:method-param\r\n"
                     "ORGANIZER:mailto:boss@corp.example\r\n"
                     "ATTENDEE:mailto:user@other.example\r\n"
                     "END:VEVENT\r\n"
                     "END:VCALENDAR\r\n";
  g_autoptr (GBytes) data = g_bytes_new_static (text, strlen (text));
  g_autoptr (TfItem) item = NULL;
  gboolean ok;

  /* no METHOD in the body: the part's method parameter (RFC 6047) */
  item = read_mime (data, &ok);
  g_assert_true (ok);
  g_assert_cmpstr (tf_item_get_ical_method (item), ==, "CANCEL");
  g_assert_cmpint (tf_item_get_kind (item), ==, TF_KIND_CANCEL);
}

static void
test_corpus_facts (void)
{
  g_autoptr (TfItem) item = read_corpus ("eml/aspose-TestAppointment.eml");
  gboolean parts[8] = { FALSE };

  if (item == NULL)
    {
      g_test_skip ("corpus not available (TRACKFIX_CORPUS_DIR)");
      return;
    }

  /* Python email: text/calendar METHOD:REQUEST, ATTENDEE x1 */
  g_assert_cmpstr (tf_item_get_subject (item), ==, "Test Appointment");
  g_assert_cmpstr (tf_item_get_ical_method (item), ==, "REQUEST");
  g_assert_cmpint (tf_item_get_kind (item), ==, TF_KIND_REQUEST);
  g_assert_cmpuint (count_attendees (item, TF_SOURCE_ICAL), ==, 1);
  g_clear_object (&item);

  /* two text/calendar parts (3 and 4), ATTENDEE x3 each */
  item = read_corpus ("eml/libical-complex-mime.eml");
  g_assert_cmpstr (tf_item_get_ical_method (item), ==, "REQUEST");
  g_assert_cmpuint (count_attendees (item, TF_SOURCE_ICAL), >=, 3);
  for (guint i = 0; i < tf_item_get_n_stamps (item); i++)
    {
      gint index = tf_item_get_stamp (item, i)->part_index;

      g_assert_cmpint (index, >=, 0);
      g_assert_cmpint (index, <, (gint) G_N_ELEMENTS (parts));
      parts[index] = TRUE;
    }
  g_assert_true (parts[3] && parts[4]);
  g_clear_object (&item);

  item = read_corpus ("eml/tb-outlook-test-invite.eml");
  g_assert_cmpstr (tf_item_get_ical_method (item), ==, "REQUEST");
  g_assert_cmpuint (count_attendees (item, TF_SOURCE_ICAL), ==, 1);
  g_clear_object (&item);

  item = read_corpus ("eml/tb-teams-meeting-invite.eml");
  g_assert_cmpuint (count_attendees (item, TF_SOURCE_ICAL), ==, 2);
  g_clear_object (&item);

  /* the whole body is application/ms-tnef: part 0; 2 recipient rows */
  item = read_corpus ("eml/aspose-tnefWithMsgInside.eml");
  g_assert_true (tf_item_get_sources (item) & (1u << TF_SOURCE_TNEF));
  g_assert_cmpuint (count_attendees (item, TF_SOURCE_TNEF), ==, 2);
  g_clear_object (&item);

  /* Thunderbird wrote no closing boundary for the outer multipart: all
   * content is there, so no finding */
  item = read_corpus ("eml/tb-update-major.eml");
  g_assert_cmpstr (tf_item_get_ical_method (item), ==, "REQUEST");
  g_assert_cmpint (tf_item_get_sequence (item), ==, 2);
  g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), ==, 0);
  g_clear_object (&item);
}

int
main (int argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tf_core_init ();

  g_test_add_func ("/mime/numbering/generated", test_numbering_generated);
  g_test_add_func ("/mime/numbering/content-offsets", test_content_offsets);
  g_test_add_func ("/mime/numbering/tnef-part-index", test_tnef_part_index);
  g_test_add_func ("/mime/numbering/nested-rfc822", test_nested_rfc822);
  g_test_add_func ("/mime/headers-and-envelope", test_headers_and_envelope);
  g_test_add_func ("/mime/mbox-from-line", test_mbox_from_line);
  g_test_add_func ("/mime/method-parameter", test_method_parameter);
  g_test_add_func ("/mime/damaged/unreadable", test_damaged);
  g_test_add_func ("/mime/damaged/cut-off", test_cut_off);
  g_test_add_func ("/mime/damaged/deep-nesting", test_deep_nesting);
  g_test_add_func ("/mime/damaged/gmime-preheader-underflow", test_gmime_preheader_underflow);
  g_test_add_func ("/mime/bytes-stream/reads", test_bytes_stream_reads);
  g_test_add_func ("/mime/raw-page", test_raw_page);
  g_test_add_func ("/mime/threads", test_threads);
  g_test_add_func ("/mime/split-encoded-words", test_split_encoded_words);
  g_test_add_func ("/mime/corpus/all", test_corpus_all);
  g_test_add_func ("/mime/corpus/facts", test_corpus_facts);
  g_test_add_func ("/mime/corpus/python-part-order", test_corpus_python_order);

  return g_test_run ();
}
