/* test-reader.c — content sniffing, dispatch, mbox splitting, file reading
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tf-core.h"
#include "tf-fixturegen.h"

static TfFormat
sniff (const char *text)
{
  return tf_sniff_format ((const guint8 *) text, strlen (text));
}

static gboolean
has_code (TfItem *item,
          TfFindingCode code)
{
  return tf_item_has_finding (item, code);
}

static const char *
first_detail (TfItem *item)
{
  g_assert_cmpuint (tf_item_get_n_findings (item), >, 0);

  return tf_finding_get_detail (tf_item_get_finding (item, 0));
}

static char *
write_sample (const char *dir,
              const char *name,
              GBytes *bytes)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);

  return path;
}

static GPtrArray *
read_bytes (GBytes *bytes,
            const char *path)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  tf_read_bytes (bytes, path, path, TF_READ_NONE, items);
  return items;
}

static void
test_sniff_signatures (void)
{
  static const guint8 tnef[] = { 0x78, 0x9F, 0x3E, 0x22, 0x01, 0x00 };
  static const guint8 cfb[] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0x00 };
  static const guint8 short_tnef[] = { 0x78, 0x9F, 0x3E };
  static const guint8 bom_ical[] = "\xEF\xBB\xBF\r\n  begin:vcalendar\r\nEND:VCALENDAR\r\n";

  g_assert_cmpint (tf_sniff_format (tnef, sizeof tnef), ==, TF_FORMAT_TNEF);
  g_assert_cmpint (tf_sniff_format (cfb, sizeof cfb), ==, TF_FORMAT_MSG);
  g_assert_cmpint (tf_sniff_format (short_tnef, sizeof short_tnef), ==, TF_FORMAT_UNKNOWN);
  g_assert_cmpint (tf_sniff_format (NULL, 0), ==, TF_FORMAT_UNKNOWN);
  g_assert_cmpint (tf_sniff_format (bom_ical, sizeof bom_ical - 1), ==, TF_FORMAT_ICS);
}

static void
test_sniff_text (void)
{
  g_assert_cmpint (sniff ("From MAILER-DAEMON Thu Apr 29 16:51:04 2007\nReturn-Path: <>\n"), ==, TF_FORMAT_MBOX);
  g_assert_cmpint (sniff ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), ==, TF_FORMAT_ICS);
  g_assert_cmpint (sniff ("\n\nBEGIN:VCALENDAR\n"), ==, TF_FORMAT_ICS);
  g_assert_cmpint (sniff ("Received: from a by b;\r\n\tThu, 1 Jan 2008\r\n"), ==, TF_FORMAT_EML);
  g_assert_cmpint (sniff ("x-sender: ken.myer@contoso.example\r\nx-receiver: a@b\r\n"), ==, TF_FORMAT_EML);
  g_assert_cmpint (sniff ("X-Receiver: a@b\r\n"), ==, TF_FORMAT_EML);
  g_assert_cmpint (sniff ("Subject : obsolete white space before the colon\n"), ==, TF_FORMAT_EML);
  g_assert_cmpint (sniff ("MIME-Version: 1.0\n"), ==, TF_FORMAT_EML);

  /* Not a header block */
  g_assert_cmpint (sniff ("Hello there, this is a note\n"), ==, TF_FORMAT_UNKNOWN);
  g_assert_cmpint (sniff (": no field name\n"), ==, TF_FORMAT_UNKNOWN);
  g_assert_cmpint (sniff ("\r\nSubject: a blank line first\r\n"), ==, TF_FORMAT_UNKNOWN);
  g_assert_cmpint (sniff ("From:no space is a header, not an mbox line\n"), ==, TF_FORMAT_EML);
  g_assert_cmpint (sniff (">From quoted\n"), ==, TF_FORMAT_UNKNOWN);
  g_assert_cmpint (sniff ("Subject"), ==, TF_FORMAT_UNKNOWN);
}

/* A TNEF stream saved as ".ics", an iCalendar file as ".msg": the content
 * decides. */
static void
test_renamed_extensions (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("reader");
  g_autoptr (GBytes) tnef = tf_gen_sample ("tnef-1601");
  g_autoptr (GBytes) ics = tf_gen_sample ("ics-cc-1601");
  g_autoptr (GBytes) msg = tf_gen_sample ("msg-1601");
  g_autofree char *tnef_path = write_sample (dir, "invite.ics", tnef);
  g_autofree char *ics_path = write_sample (dir, "calendar.msg", ics);
  g_autofree char *msg_path = write_sample (dir, "winmail.dat", msg);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GError) error = NULL;
  TfItem *item;

  g_assert_true (tf_read_file (tnef_path, "invite.ics", TF_READ_NONE, items, &error));
  g_assert_true (tf_read_file (ics_path, "calendar.msg", TF_READ_NONE, items, &error));
  g_assert_true (tf_read_file (msg_path, "winmail.dat", TF_READ_NONE, items, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 3);

  item = g_ptr_array_index (items, 0);
  g_assert_cmpint (tf_item_get_format (item), ==, TF_FORMAT_TNEF);
  g_assert_cmpstr (tf_item_get_path (item), ==, "invite.ics");
  g_assert_cmpstr (tf_item_get_file_path (item), ==, tnef_path);
  g_assert_true (has_code (item, TF_FINDING_TRACK_TIME_1601));
  g_assert_cmpint (tf_item_get_kind (item), ==, TF_KIND_REQUEST);

  item = g_ptr_array_index (items, 1);
  g_assert_cmpint (tf_item_get_format (item), ==, TF_FORMAT_ICS);
  g_assert_true (has_code (item, TF_FINDING_CRITICAL_CHANGE_1601));

  item = g_ptr_array_index (items, 2);
  g_assert_cmpint (tf_item_get_format (item), ==, TF_FORMAT_MSG);
  g_assert_true (has_code (item, TF_FINDING_TRACK_TIME_1601));
  g_assert_cmpint (tf_item_get_kind (item), ==, TF_KIND_APPOINTMENT);

  tf_gen_remove_tree (dir);
}

static void
test_empty_and_unknown (void)
{
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (GBytes) noise = tf_gen_sample ("damaged");
  g_autoptr (GPtrArray) a = read_bytes (empty, "empty.eml");
  g_autoptr (GPtrArray) b = read_bytes (noise, "noise.bin");
  TfItem *item;

  g_assert_cmpuint (a->len, ==, 1);
  item = g_ptr_array_index (a, 0);
  g_assert_cmpuint (tf_item_get_n_findings (item), ==, 1);
  g_assert_true (has_code (item, TF_FINDING_PARSE_ERROR));
  g_assert_cmpstr (first_detail (item), ==, "empty file");
  g_assert_cmpint (tf_item_get_format (item), ==, TF_FORMAT_UNKNOWN);

  g_assert_cmpuint (b->len, ==, 1);
  item = g_ptr_array_index (b, 0);
  g_assert_true (has_code (item, TF_FINDING_PARSE_ERROR));
  g_assert_nonnull (strstr (first_detail (item), "not a supported format"));
  g_assert_nonnull (strstr (first_detail (item), "BEGIN:VCALENDAR"));
  g_assert_cmpuint (tf_item_get_n_problems (item), ==, 1);
}

static void
test_parse_error_item (void)
{
  g_autoptr (TfItem) item = tf_item_new_parse_error ("q/a.EML", "/srv/q/a.EML", TF_FORMAT_EML,
                                                     "Cannot open the file: Permission denied");

  g_assert_cmpstr (tf_item_get_path (item), ==, "q/a.EML");
  g_assert_cmpstr (tf_item_get_file_path (item), ==, "/srv/q/a.EML");
  g_assert_cmpint (tf_item_get_format (item), ==, TF_FORMAT_EML);
  g_assert_cmpuint (tf_item_get_n_findings (item), ==, 1);
  g_assert_true (has_code (item, TF_FINDING_PARSE_ERROR));
  g_assert_cmpstr (first_detail (item), ==, "Cannot open the file: Permission denied");
  g_assert_cmpint (tf_item_get_max_severity (item), ==, TF_SEVERITY_ERROR);
}

/* Strips CR so the messages look like mbox content (LF line ends). */
static void
append_lf (GString *out,
           GBytes *bytes)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  for (gsize i = 0; i < len; i++)
    if (data[i] != '\r')
      g_string_append_c (out, data[i]);
}

static void
test_mbox_split (void)
{
  g_autoptr (GBytes) first = tf_gen_sample ("eml-tnef-1601");
  g_autoptr (GBytes) second = tf_gen_sample ("eml-ics-reply-missing-cc");
  g_autoptr (GBytes) third = tf_gen_sample ("dsn-447");
  g_autoptr (GString) mbox = g_string_new (NULL);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GPtrArray) items = NULL;
  gsize second_start, quoted_at;
  TfItem *item;

  g_string_append (mbox, "From ken.myer@contoso.example Wed Aug 20 11:44:00 2008\n");
  append_lf (mbox, first);
  g_string_append (mbox, "\n");

  g_string_append (mbox, "From jane.doe@fabrikam.example Mon Aug 18 14:02:00 2008\n");
  second_start = mbox->len;
  /* A plain message whose body holds a quoted ">From " line: not a
   * separator, the message must stay whole. */
  g_string_append (mbox, "From: Jane Doe <jane.doe@fabrikam.example>\n"
                         "To: ken.myer@contoso.example\n"
                         "Subject: Notes\n"
                         "MIME-Version: 1.0\n"
                         "Content-Type: text/plain\n"
                         "\n"
                         "Hello Ken,\n");
  quoted_at = mbox->len;
  g_string_append (mbox, ">From the minutes: nothing to add.\n\n");
  g_string_append (mbox, "From jane.doe@fabrikam.example Mon Aug 18 14:03:00 2008\n");
  append_lf (mbox, second);
  g_string_append (mbox, "\n");

  g_string_append (mbox, "From postmaster@contoso.example Fri Aug 22 11:50:00 2008\n");
  append_lf (mbox, third);

  bytes = g_bytes_new (mbox->str, mbox->len);
  items = read_bytes (bytes, "Sent Items.mbox");

  g_assert_cmpuint (items->len, ==, 4);
  for (guint i = 0; i < items->len; i++)
    {
      g_autofree char *expected = g_strdup_printf ("Sent Items.mbox#%u", i + 1);

      item = g_ptr_array_index (items, i);
      g_assert_cmpstr (tf_item_get_path (item), ==, expected);
      g_assert_cmpstr (tf_item_get_file_path (item), ==, "Sent Items.mbox");
      g_assert_cmpuint (tf_item_get_mbox_index (item), ==, i + 1);
      g_assert_cmpint (tf_item_get_format (item), ==, TF_FORMAT_MBOX);
      /* The byte range starts at the header block, after the separator */
      g_assert_cmpuint (tf_item_get_offset (item), <, mbox->len);
      g_assert_cmpuint (tf_item_get_offset (item) + tf_item_get_size (item), <=, mbox->len);
      g_assert_false (g_str_has_prefix (mbox->str + tf_item_get_offset (item), "From "));
      g_assert_cmpint (tf_sniff_format ((const guint8 *) mbox->str + tf_item_get_offset (item),
                                        (gsize) tf_item_get_size (item)),
                       ==, TF_FORMAT_EML);
    }

  item = g_ptr_array_index (items, 0);
  g_assert_true (has_code (item, TF_FINDING_TRACK_TIME_1601));

  item = g_ptr_array_index (items, 1);
  g_assert_cmpuint (tf_item_get_offset (item), ==, second_start);
  g_assert_cmpuint (tf_item_get_offset (item) + tf_item_get_size (item), >, quoted_at);
  g_assert_cmpstr (tf_item_get_subject (item), ==, "Notes");
  g_assert_cmpuint (tf_item_get_n_problems (item), ==, 0);

  item = g_ptr_array_index (items, 2);
  g_assert_cmpint (tf_item_get_kind (item), ==, TF_KIND_REPLY);
  g_assert_true (has_code (item, TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE));

  item = g_ptr_array_index (items, 3);
  g_assert_cmpint (tf_item_get_kind (item), ==, TF_KIND_NDR);
  g_assert_true (has_code (item, TF_FINDING_NDR_EXPIRED_4_4_7));
  g_assert_cmpuint (tf_item_get_offset (item) + tf_item_get_size (item), ==, mbox->len);
}

static void
test_mbox_degenerate (void)
{
  const char *cases[] = {
    "From \n",
    "From x\n\n",
    "From x\nFrom y\nFrom z\n",
    "From x\nSubject: only headers",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GBytes) bytes = g_bytes_new_static (cases[i], strlen (cases[i]));
      g_autoptr (GPtrArray) items = read_bytes (bytes, "odd.mbox");

      /* Never nothing: the file shows up, readable or as a PARSE_ERROR */
      g_assert_cmpuint (items->len, >=, 1);
      for (guint j = 0; j < items->len; j++)
        {
          TfItem *item = g_ptr_array_index (items, j);

          g_assert_true (g_str_has_prefix (tf_item_get_path (item), "odd.mbox"));
          g_assert_cmpuint (tf_item_get_offset (item) + tf_item_get_size (item), <=, strlen (cases[i]));
        }
    }
}

static void
test_file_info (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("reader");
  g_autoptr (GBytes) eml = tf_gen_sample ("eml-tnef-healthy");
  g_autofree char *path = write_sample (dir, "NTFS_0001.EML", eml);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GError) error = NULL;
  GStatBuf st;
  TfItem *item;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_true (tf_read_file (path, NULL, TF_READ_NONE, items, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);

  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (tf_item_get_path (item), ==, path);
  g_assert_cmpuint (tf_item_get_file_size (item), ==, g_bytes_get_size (eml));
  g_assert_cmpint (tf_item_get_file_mtime_usec (item) / G_USEC_PER_SEC, ==, st.st_mtime);
  g_assert_cmpuint (tf_item_get_offset (item), ==, 0);
  g_assert_cmpuint (tf_item_get_size (item), ==, g_bytes_get_size (eml));
  g_assert_cmpint (tf_item_get_format (item), ==, TF_FORMAT_EML);
  g_assert_cmpuint (tf_item_get_n_problems (item), ==, 0);

  tf_gen_remove_tree (dir);
}

static void
test_not_regular (void)
{
  g_autofree char *dir = tf_gen_make_tmp_dir ("reader");
  g_autofree char *fifo = g_build_filename (dir, "pipe.eml", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.eml", NULL);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GError) error = NULL;

  /* A folder */
  g_assert_false (tf_read_file (dir, NULL, TF_READ_NONE, items, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_clear_error (&error);

  /* A FIFO without a writer: refused at once, no hang */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_false (tf_read_file (fifo, NULL, TF_READ_NONE, items, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
  g_clear_error (&error);

  g_assert_false (tf_read_file (missing, NULL, TF_READ_NONE, items, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, g_strerror (ENOENT)));
  g_clear_error (&error);

  g_assert_cmpuint (items->len, ==, 0);

  tf_gen_remove_tree (dir);
}

static void
test_unreadable (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GBytes) eml = tf_gen_sample ("eml-tnef-1601");
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GError) error = NULL;

  if (geteuid () == 0)
    {
      g_test_skip ("root reads files whatever their mode");
      return;
    }

  dir = tf_gen_make_tmp_dir ("reader");
  path = write_sample (dir, "locked.EML", eml);
  g_assert_cmpint (g_chmod (path, 0), ==, 0);

  g_assert_false (tf_read_file (path, NULL, TF_READ_NONE, items, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_cmpuint (items->len, ==, 0);

  tf_gen_remove_tree (dir);
}

/* Every sample the generator knows reads without crashing, one item each,
 * and full reads keep MAPI properties where the format has them. */
static void
test_samples_full (void)
{
  const char *const *names = tf_gen_sample_names ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr (GBytes) bytes = tf_gen_sample (names[i]);
      g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
      TfItem *item;

      tf_read_bytes (bytes, names[i], names[i], TF_READ_FULL, items);
      g_assert_cmpuint (items->len, ==, 1);
      item = g_ptr_array_index (items, 0);

      if (g_str_has_prefix (names[i], "msg-") || g_str_has_prefix (names[i], "tnef-"))
        {
          g_assert_cmpuint (tf_item_get_n_recipients (item), >, 0);
          g_assert_nonnull (tf_recipient_get_props (tf_item_get_recipient (item, 0)));
        }

      if (strstr (names[i], "healthy") != NULL || g_str_equal (names[i], "eml-ics-request") || g_str_equal (names[i], "eml-ics-reply"))
        g_assert_cmpuint (tf_item_get_n_problems (item), ==, 0);
      else
        g_assert_cmpuint (tf_item_get_n_problems (item), >, 0);
    }
}

int
main (int argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tf_core_init ();

  g_test_add_func ("/reader/sniff/signatures", test_sniff_signatures);
  g_test_add_func ("/reader/sniff/text", test_sniff_text);
  g_test_add_func ("/reader/sniff/renamed-extensions", test_renamed_extensions);
  g_test_add_func ("/reader/empty-and-unknown", test_empty_and_unknown);
  g_test_add_func ("/reader/parse-error-item", test_parse_error_item);
  g_test_add_func ("/reader/mbox/split", test_mbox_split);
  g_test_add_func ("/reader/mbox/degenerate", test_mbox_degenerate);
  g_test_add_func ("/reader/file/info", test_file_info);
  g_test_add_func ("/reader/file/not-regular", test_not_regular);
  g_test_add_func ("/reader/file/unreadable", test_unreadable);
  g_test_add_func ("/reader/samples/full", test_samples_full);

  return g_test_run ();
}
