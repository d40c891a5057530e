/* test-repair-embed.c — embedded messages (.msg, TNEF) and quoted-printable TNEF: read, repair, undo
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "tf-fixturegen.h"
#include "tf-repair-private.h"
#include "tf-repair.h"

#define NOW_UNIX G_GINT64_CONSTANT (1795000000)
#define JANE "jane.doe@fabrikam.example"
/* The generated ticket's sent time, the value a 1601 row gets when no
 * reply is at hand */
#define TICKET_SENT G_GUINT64_CONSTANT (0x01C9036DB03EE400)

typedef TfGenRepairDir Fixture;

static void
fixture_setup (Fixture *fx,
               gconstpointer data)
{
  tf_gen_repair_dir_init (fx, "embed", "journal.jsonl");
}

static void
fixture_teardown (Fixture *fx,
                  gconstpointer data)
{
  tf_gen_repair_dir_clear (fx);
}

static char *
put_file (Fixture *fx,
          const char *name,
          GBytes *bytes)
{
  char *path = g_build_filename (fx->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), NULL));
  return path;
}

static GBytes *
get_file (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_bytes_new_take (g_steal_pointer (&data), len);
}

static TfItem *
scan_one (const char *path,
          GPtrArray **out_items)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_true (tf_read_file (path, path, TF_READ_NONE, items, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  *out_items = items;
  return g_ptr_array_index (items, 0);
}

static TfRecipient *
jane_row (TfItem *item)
{
  TfRecipient *r = tf_item_find_recipient (item, JANE, TF_SOURCE_MSG);

  if (r == NULL)
    r = tf_item_find_recipient (item, JANE, TF_SOURCE_TNEF);
  g_assert_nonnull (r);
  return r;
}

/* Runs the plan for @path's item and returns the repaired bytes; the
 * result must be DONE */
static GBytes *
repair (Fixture *fx,
        const char *path,
        char **out_run_id)
{
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (TfRepairPlan) plan = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GError) error = NULL;
  TfRepairResult *result;

  scan_one (path, &items);
  plan = tf_repair_plan_new_at (items, NULL, NOW_UNIX);
  g_assert_cmpuint (tf_repair_plan_get_n_repairable (plan), ==, 1);
  results = tf_repair_plan_execute (plan, fx->backups, fx->journal, NULL, FALSE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 1);
  result = g_ptr_array_index (results, 0);
  if (tf_repair_result_get_status (result) != TF_REPAIR_STATUS_DONE)
    g_error ("%s: %s", path, tf_repair_result_get_message (result));
  *out_run_id = g_strdup (tf_repair_result_get_run_id (result));
  return get_file (path);
}

static void
undo_and_compare (Fixture *fx,
                  const char *run_id,
                  const char *path,
                  GBytes *original)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) undone = tf_repair_undo (fx->journal, 0, run_id, FALSE, NULL, &error);
  g_autoptr (GBytes) back = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (undone);
  back = get_file (path);
  g_assert_true (g_bytes_equal (back, original));
}

/* The row of the generated ticket: attachment 2 (the forwarded note),
 * attachment 1 of that (the meeting), whatever the outer class */
static void
assert_ticket_read (TfItem *item)
{
  TfRecipient *jane = jane_row (item);
  g_autofree char *label = tf_recipient_dup_embedded_label (jane);

  g_assert_cmpstr (tf_item_get_message_class (item), ==, "IPM.Note");
  g_assert_true (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601));
  g_assert_false (tf_item_has_finding (item, TF_FINDING_PARSE_ERROR));
  g_assert_cmpstr (tf_recipient_get_embedded (jane), ==, "2/1");
  g_assert_cmpstr (tf_recipient_get_embedded_subject (jane), ==, "Q3 budget review");
  g_assert_nonnull (strstr (label, "2/1"));
  g_assert_nonnull (strstr (label, "Q3 budget review"));
  g_assert_true (tf_recipient_get_has_track_time (jane));
  g_assert_cmphex (tf_recipient_get_track_time (jane), ==, 0);
  /* The outer note's own row stays an ordinary row */
  g_assert_null (tf_recipient_get_embedded (tf_item_find_recipient (item, "helpdesk@contoso.example", tf_recipient_get_source (jane))));
}

/* --- independent readers --------------------------------------------- */

static gboolean
run (const char *const *argv,
     char **out)
{
  g_autofree char *err = NULL;
  int status = -1;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, &err, &status, NULL))
    return FALSE;
  g_test_message ("%s: %s%s", argv[0], out != NULL && *out != NULL ? *out : "", err != NULL ? err : "");
  return g_spawn_check_wait_status (status, NULL);
}

static gboolean
have_program (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  return path != NULL;
}

/* The value python3-olefile reads at 0x5FFB0040 in @stream, or G_MAXUINT64
 * when olefile is not installed */
static guint64
olefile_track_time (const char *path,
                    const char *stream)
{
  static const char script[] = "import sys, olefile\n"
                               "d = olefile.OleFileIO(sys.argv[1]).openstream(sys.argv[2]).read()\n"
                               "for off in range(8, len(d) - 15, 16):\n"
                               "    if d[off:off+4] == bytes.fromhex('4000fb5f'):\n"
                               "        print(int.from_bytes(d[off+8:off+16], 'little'))\n";
  const char *check[] = { "/usr/bin/python3", "-c", "import olefile", NULL };
  const char *argv[] = { "/usr/bin/python3", "-c", script, path, stream, NULL };
  g_autofree char *out = NULL;
  g_autofree char *ignored = NULL;

  if (!g_file_test (check[0], G_FILE_TEST_IS_EXECUTABLE) || !run (check, &ignored))
    return G_MAXUINT64;
  g_assert_true (run (argv, &out));
  return g_ascii_strtoull (out, NULL, 10);
}

/* --- .msg -------------------------------------------------------------- */

static void
test_msg_note (Fixture *fx,
               gconstpointer data)
{
  g_autoptr (GBytes) original = tf_gen_sample ("msg-note-embedded-1601");
  g_autofree char *path = put_file (fx, "ticket.msg", original);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (GBytes) repaired = NULL;
  g_autofree char *run_id = NULL;
  g_autofree char *out = NULL;
  const char *stream = "__attach_version1.0_#00000001/__substg1.0_3701000D/"
                       "__attach_version1.0_#00000000/__substg1.0_3701000D/"
                       "__recip_version1.0_#00000001/__properties_version1.0";
  TfItem *item = scan_one (path, &items);
  gint64 offset = tf_recipient_get_patch_site (jane_row (item))->offset;
  guint64 seen;
  gsize len;
  const guint8 *a, *b;

  assert_ticket_read (item);
  g_assert_cmpint (offset, >, 0);

  repaired = repair (fx, path, &run_id);
  /* Only the 8 value bytes inside the nested storage changed */
  a = g_bytes_get_data (original, &len);
  b = g_bytes_get_data (repaired, NULL);
  g_assert_cmpuint (g_bytes_get_size (repaired), ==, len);
  for (gsize i = 0; i < len; i++)
    if (a[i] != b[i])
      g_assert_true ((gint64) i >= offset && (gint64) i < offset + 8);

  item = scan_one (path, &after);
  g_assert_false (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601));
  g_assert_cmphex (tf_recipient_get_track_time (jane_row (item)), ==, TICKET_SENT);

  /* What python3-olefile and msgconvert make of the repaired file */
  seen = olefile_track_time (path, stream);
  if (seen != G_MAXUINT64)
    g_assert_cmphex (seen, ==, TICKET_SENT);
  if (have_program ("msgconvert"))
    {
      g_autofree char *eml = g_build_filename (fx->dir, "ticket.eml", NULL);
      const char *argv[] = { "msgconvert", "--outfile", eml, path, NULL };
      g_autofree char *text = NULL;

      g_assert_true (run (argv, &out));
      g_assert_true (g_file_get_contents (eml, &text, NULL, NULL));
      g_assert_nonnull (strstr (text, "Ticket 4711"));
      g_unlink (eml);
    }

  undo_and_compare (fx, run_id, path, original);
}

/* A meeting attached four levels deep is past the limit: the item says so
 * (PARSE_ERROR), and nothing in the file is written, not even the 1601
 * row of the meeting attached one level deep. */
static void
test_refuse_damaged_outer (Fixture *fx,
                           gconstpointer data)
{
  const TfGenRecipient rows[] = {
    { "Jane Doe", JANE, TF_RECIPIENT_TYPE_TO, TF_TRACK_STATUS_ACCEPTED, TRUE, TF_FILETIME_1601 },
  };
  TfGenMeeting levels[5];
  TfGenMeeting outer = { 0 };
  TfGenMeeting attached[2];
  gboolean msg_format[] = { TRUE, FALSE };

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      levels[i] = (TfGenMeeting){ 0 };
      levels[i].message_class = i == 0 ? "IPM.Appointment" : "IPM.Note";
      levels[i].subject = "level";
      levels[i].sequence = -1;
      levels[i].sent = 1219318440;
      if (i == 0)
        {
          levels[i].recipients = rows;
          levels[i].n_recipients = G_N_ELEMENTS (rows);
        }
      else
        {
          levels[i].attachments = &levels[i - 1];
          levels[i].n_attachments = 1;
        }
    }
  attached[0] = levels[0];
  attached[1] = levels[3]; /* the 1601 row is 4 levels deep below the outer */
  outer.message_class = "IPM.Note";
  outer.subject = "Ticket";
  outer.sequence = -1;
  outer.sent = 1219318440;
  outer.attachments = attached;
  outer.n_attachments = 2;

  for (guint f = 0; f < G_N_ELEMENTS (msg_format); f++)
    {
      g_autoptr (GBytes) bytes = msg_format[f] ? tf_gen_msg (&outer) : tf_gen_tnef (&outer);
      g_autofree char *path = put_file (fx, msg_format[f] ? "deep.msg" : "deep.dat", bytes);
      g_autoptr (GPtrArray) items = NULL;
      g_autoptr (TfRepairPlan) plan = NULL;
      g_autoptr (GBytes) after = NULL;
      TfItem *item = scan_one (path, &items);

      /* Levels 1..3 are read: the row of attachment 1 is there */
      g_assert_cmpstr (tf_recipient_get_embedded (jane_row (item)), ==, "1");
      g_assert_true (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601));
      g_assert_true (tf_item_has_finding (item, TF_FINDING_PARSE_ERROR));
      plan = tf_repair_plan_new_at (items, NULL, NOW_UNIX);
      g_assert_cmpuint (tf_repair_plan_get_n_repairable (plan), ==, 0);
      g_assert_cmpuint (tf_repair_plan_get_n_files (plan), ==, 0);
      after = get_file (path);
      g_assert_true (g_bytes_equal (after, bytes));
    }

  /* Three levels are read in full, without a finding about depth */
  for (guint f = 0; f < G_N_ELEMENTS (msg_format); f++)
    {
      TfGenMeeting three = levels[3];
      g_autoptr (GBytes) bytes = msg_format[f] ? tf_gen_msg (&three) : tf_gen_tnef (&three);
      g_autofree char *path = put_file (fx, msg_format[f] ? "three.msg" : "three.dat", bytes);
      g_autoptr (GPtrArray) items = NULL;
      TfItem *item = scan_one (path, &items);

      g_assert_cmpstr (tf_recipient_get_embedded (jane_row (item)), ==, "1/1/1");
      g_assert_false (tf_item_has_finding (item, TF_FINDING_PARSE_ERROR));
    }
}

/* --- TNEF -------------------------------------------------------------- */

/* Every changed byte is in the value or in the checksum of an enclosing
 * attribute */
static void
assert_tnef_minimal (GBytes *original,
                     GBytes *repaired,
                     gsize base,
                     const TfPatchSite *site)
{
  gsize len;
  const guint8 *a = g_bytes_get_data (original, &len);
  const guint8 *b = g_bytes_get_data (repaired, NULL);
  guint n = 0;

  g_assert_cmpuint (g_bytes_get_size (repaired), ==, len);
  g_assert_cmpuint (site->n_spans, ==, 3);
  for (gsize i = 0; i < len; i++)
    {
      gsize rel = i - base;
      gboolean ok = rel >= (gsize) site->offset && rel < (gsize) site->offset + 8;

      if (a[i] == b[i])
        continue;
      for (guint s = 0; s < site->n_spans && !ok; s++)
        ok = rel >= site->spans[s].data_offset + site->spans[s].data_length && rel < site->spans[s].data_offset + site->spans[s].data_length + 2;
      g_assert_true (ok);
      n++;
    }
  g_assert_cmpuint (n, >, 0);
}

static void
test_tnef_note (Fixture *fx,
                gconstpointer data)
{
  g_autoptr (GBytes) original = tf_gen_sample ("tnef-note-embedded-1601");
  g_autofree char *path = put_file (fx, "winmail.dat", original);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (GBytes) repaired = NULL;
  g_autofree char *run_id = NULL;
  TfItem *item = scan_one (path, &items);
  TfPatchSite site = *tf_recipient_get_patch_site (jane_row (item));

  assert_ticket_read (item);
  repaired = repair (fx, path, &run_id);
  assert_tnef_minimal (original, repaired, 0, &site);

  item = scan_one (path, &after);
  g_assert_false (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601));
  g_assert_false (tf_item_has_finding (item, TF_FINDING_TNEF_CHECKSUM));
  g_assert_cmphex (tf_recipient_get_track_time (jane_row (item)), ==, TICKET_SENT);

  /* ytnefprint stops at the first checksum mismatch; tnef lists it */
  if (have_program ("ytnefprint"))
    {
      const char *argv[] = { "ytnefprint", path, NULL };
      g_autofree char *out = NULL;

      g_assert_true (run (argv, &out));
      g_assert_null (strstr (out, "Checksum mismatch"));
      g_assert_nonnull (strstr (out, "Ticket 4711"));
    }
  if (have_program ("tnef"))
    {
      const char *argv[] = { "tnef", "-t", "-f", path, NULL };
      g_autofree char *out = NULL;

      g_assert_true (run (argv, &out));
    }
  undo_and_compare (fx, run_id, path, original);
}

/* A damaged outer TNEF stream (a checksum elsewhere is wrong): the
 * embedded row is not written */
static void
test_tnef_refuse_checksum (Fixture *fx,
                           gconstpointer data)
{
  g_autoptr (GBytes) original = tf_gen_sample ("tnef-note-embedded-1601");
  g_autoptr (GByteArray) bad = g_byte_array_new ();
  g_autoptr (GBytes) bad_bytes = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (TfRepairPlan) plan = NULL;
  g_autoptr (GBytes) after = NULL;
  g_autofree char *path = NULL;
  const guint8 *p;
  gsize len;
  const char *subject = "Ticket 4711";

  g_byte_array_append (bad, g_bytes_get_data (original, NULL), (guint) g_bytes_get_size (original));
  /* One letter of the outer attSubject: its checksum no longer matches */
  p = NULL;
  for (gsize i = 0; p == NULL && i + strlen (subject) <= bad->len; i++)
    if (memcmp (bad->data + i, subject, strlen (subject)) == 0)
      p = bad->data + i;
  g_assert_nonnull (p);
  bad->data[p - bad->data] = 't';
  bad_bytes = g_bytes_new (bad->data, bad->len);
  path = put_file (fx, "bad.dat", bad_bytes);
  scan_one (path, &items);
  g_assert_true (tf_item_has_finding (g_ptr_array_index (items, 0), TF_FINDING_TNEF_CHECKSUM));
  g_assert_true (tf_item_has_finding (g_ptr_array_index (items, 0), TF_FINDING_TRACK_TIME_1601));
  plan = tf_repair_plan_new_at (items, NULL, NOW_UNIX);
  g_assert_cmpuint (tf_repair_plan_get_n_repairable (plan), ==, 0);
  after = get_file (path);
  g_assert_true (g_bytes_equal (after, bad_bytes));
  len = g_bytes_get_size (after);
  g_assert_cmpuint (len, ==, bad->len);
}

/* --- quoted-printable -------------------------------------------------- */

static char **
body_lines (GBytes *eml)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (eml, NULL), g_bytes_get_size (eml));

  return g_strsplit (text, "\r\n", -1);
}

static void
test_qp_tnef (Fixture *fx,
              gconstpointer data)
{
  g_autoptr (GBytes) original = tf_gen_sample ("eml-tnef-qp-embedded-1601");
  g_autofree char *path = put_file (fx, "queue.eml", original);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (GBytes) repaired = NULL;
  g_autofree char *run_id = NULL;
  g_auto (GStrv) before_lines = NULL;
  g_auto (GStrv) after_lines = NULL;
  TfItem *item = scan_one (path, &items);
  guint n_changed = 0;
  gboolean in_tnef = FALSE;

  assert_ticket_read (item);
  g_assert_cmpint (tf_recipient_get_patch_site (jane_row (item))->part_index, ==, 2);

  repaired = repair (fx, path, &run_id);
  item = scan_one (path, &after);
  g_assert_false (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601));
  g_assert_false (tf_item_has_finding (item, TF_FINDING_TNEF_CHECKSUM));
  g_assert_false (tf_item_has_finding (item, TF_FINDING_PARSE_ERROR));
  g_assert_cmphex (tf_recipient_get_track_time (jane_row (item)), ==, TICKET_SENT);

  /* The generator writes one encoded line per 75 characters or less:
   * every line stays within 76, and only lines holding a changed byte
   * (the value and three checksums) differ */
  before_lines = body_lines (original);
  after_lines = body_lines (repaired);
  g_assert_cmpuint (g_strv_length (before_lines), ==, g_strv_length (after_lines));
  for (guint i = 0; before_lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (before_lines[i], "Content-Disposition: attachment"))
        in_tnef = TRUE;
      if (in_tnef)
        g_assert_cmpuint (strlen (after_lines[i]), <=, 76);
      if (!g_str_equal (before_lines[i], after_lines[i]))
        {
          g_assert_true (in_tnef);
          n_changed++;
        }
    }
  g_assert_cmpuint (n_changed, >=, 2);
  g_assert_cmpuint (n_changed, <=, 8);

  undo_and_compare (fx, run_id, path, original);
}

/* tf_repair_qp_reencode(): lines without a change are kept as they are,
 * a changed line keeps its other characters, and a line that would grow
 * past 76 characters is split with soft line breaks */
static void
test_qp_reencode (void)
{
  g_autoptr (GString) enc = g_string_new (NULL);
  g_autoptr (GByteArray) decoded = g_byte_array_new ();
  g_autoptr (GArray) positions = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr (GByteArray) patched = g_byte_array_new ();
  g_autoptr (GBytes) out = NULL;
  g_auto (GStrv) lines = NULL;
  gsize line2;

  /* Line 1: 75 literal characters and a soft break; line 2: encoded
   * bytes and a soft break; line 3: text with a hard break; line 4:
   * the rest, no line end */
  for (guint i = 0; i < 75; i++)
    g_string_append_c (enc, 'a' + (char) (i % 26));
  g_string_append (enc, "=\r\n");
  line2 = enc->len;
  g_string_append (enc, "=00=01=02=3D=0D=0Azz=\r\n");
  g_string_append (enc, "hello world\r\n");
  g_string_append (enc, "tail");
  g_assert_true (tf_repair_qp_map_decode ((const guint8 *) enc->str, enc->len, decoded, positions));
  g_assert_cmpuint (decoded->len, ==, 75 + 8 + 13 + 4);

  /* Nothing changed: the same text */
  out = tf_repair_qp_reencode ((const guint8 *) enc->str, enc->len, decoded, positions, decoded->data);
  g_assert_nonnull (out);
  g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out), enc->str, enc->len);
  g_clear_pointer (&out, g_bytes_unref);

  /* Every letter of line 1 becomes a byte that needs =XX, one byte of line
   * 2 becomes 'q', and a space in line 4 */
  g_byte_array_append (patched, decoded->data, decoded->len);
  for (guint i = 0; i < 75; i++)
    patched->data[i] = 0x80 + (guint8) i;
  patched->data[75 + 1] = 'q';
  patched->data[75 + 8 + 13 + 1] = ' ';
  out = tf_repair_qp_reencode ((const guint8 *) enc->str, enc->len, decoded, positions, patched->data);
  g_assert_nonnull (out);
  {
    g_autofree char *text = g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
    g_autoptr (GByteArray) check = g_byte_array_new ();
    g_autoptr (GArray) check_positions = g_array_new (FALSE, FALSE, sizeof (gsize));
    guint n;

    g_assert_true (tf_repair_qp_map_decode ((const guint8 *) text, strlen (text), check, check_positions));
    g_assert_cmpmem (check->data, check->len, patched->data, patched->len);
    lines = g_strsplit (text, "\r\n", -1);
    n = g_strv_length (lines);
    /* 75 × 3 characters: three lines of 75 + "=" */
    g_assert_cmpuint (n, ==, 3 + 3);
    for (guint i = 0; i < n; i++)
      {
        g_assert_cmpuint (strlen (lines[i]), <=, 76);
        if (i + 3 < n)
          g_assert_true (g_str_has_suffix (lines[i], "="));
      }
    /* Line 2: the other characters as they were ("=3D" stays "=3D") */
    g_assert_cmpstr (lines[n - 3], ==, "=00q=02=3D=0D=0Azz=");
    g_assert_cmpstr (lines[n - 2], ==, "hello world");
    g_assert_cmpstr (lines[n - 1], ==, "t=20il");
  }
  g_assert_cmpuint (line2, ==, 78);

  /* A changed byte of a hard line break cannot be written as text: refused */
  g_clear_pointer (&out, g_bytes_unref);
  g_byte_array_set_size (patched, 0);
  g_byte_array_append (patched, decoded->data, decoded->len);
  patched->data[75 + 8 + 11] = 'X';
  out = tf_repair_qp_reencode ((const guint8 *) enc->str, enc->len, decoded, positions, patched->data);
  g_assert_null (out);
}

/* --- iCalendar REPLY with several events ----------------------------- */

#define REPLY_EVENT(uid, dtstamp, cc)                              \
  "BEGIN:VEVENT\r\n"                                               \
  "UID:" uid "\r\n"                                                \
  "DTSTAMP:" dtstamp "\r\n"                                        \
  "ORGANIZER:mailto:olga@contoso.example\r\n"                      \
  "ATTENDEE;PARTSTAT=ACCEPTED:mailto:jane@fabrikam.example\r\n" cc \
  "END:VEVENT\r\n"

static const char multi_reply[] = "BEGIN:VCALENDAR\r\n"
                                  "VERSION:2.0\r\n"
                                  "PRODID:-//Trackfix//test//EN\r\n"
                                  "METHOD:REPLY\r\n" REPLY_EVENT ("e1@contoso.example", "20080818T100000Z", "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:20080818T100000Z\r\n")
                                      REPLY_EVENT ("e2@contoso.example", "20080819T110000Z", "")
                                          REPLY_EVENT ("e3@contoso.example", "20080820T120000Z", "") "END:VCALENDAR\r\n";

/* Several reply events without the stamp each get their own DTSTAMP, and
 * verification checks every inserted line, not only the first: a wrong
 * value in the last one fails it */
static void
test_multi_event_reply (Fixture *fx,
                        gconstpointer data)
{
  g_autoptr (GBytes) original = g_bytes_new_static (multi_reply, sizeof multi_reply - 1);
  g_autofree char *path = put_file (fx, "reply.ics", original);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (GBytes) repaired = NULL;
  g_autofree char *run_id = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GPtrArray) changes = g_ptr_array_new ();
  g_autoptr (TfRepairPlan) plan = NULL;
  g_autoptr (GError) error = NULL;
  TfRepairVerify ctx = { 0 };
  TfItem *item = scan_one (path, &items);
  GListModel *model;
  char *third;

  g_assert_true (tf_item_has_finding (item, TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE));
  repaired = repair (fx, path, &run_id);
  text = g_strndup (g_bytes_get_data (repaired, NULL), g_bytes_get_size (repaired));
  g_assert_nonnull (strstr (text, "DTSTAMP:20080819T110000Z\r\nORGANIZER:mailto:olga@contoso.example\r\n"
                                  "ATTENDEE;PARTSTAT=ACCEPTED:mailto:jane@fabrikam.example\r\n"
                                  "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:20080819T110000Z\r\nEND:VEVENT"));
  third = strstr (text, "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:20080820T120000Z\r\n");
  g_assert_nonnull (third);
  scan_one (path, &after);
  g_assert_false (tf_item_has_finding (g_ptr_array_index (after, 0), TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE));
  undo_and_compare (fx, run_id, path, original);

  /* The same repair with the third inserted line one hour off */
  plan = tf_repair_plan_new_at (items, NULL, NOW_UNIX);
  model = tf_repair_plan_get_changes (plan);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (TfRepairChange) change = g_list_model_get_item (model, i);

      g_ptr_array_add (changes, change); /* the plan keeps it alive */
    }
  g_assert_cmpuint (changes->len, >, 0);
  memcpy (third + strlen ("X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:20080820T1"), "3", 1);
  {
    g_autoptr (GBytes) wrong = g_bytes_new (text, strlen (text));

    ctx.file_path = path;
    ctx.before = items;
    ctx.changes = changes;
    g_assert_false (tf_repair_verify_bytes (&ctx, wrong, &error));
    g_assert_nonnull (error);
    g_test_message ("%s", error->message);
    g_clear_error (&error);
    g_clear_pointer (&ctx.after, g_ptr_array_unref);
  }
  /* and as written, it verifies */
  g_assert_true (tf_repair_verify_bytes (&ctx, repaired, &error));
  g_assert_no_error (error);
  g_clear_pointer (&ctx.after, g_ptr_array_unref);
}

/* The model: an ordinary row has no origin, an embedded one says where
 * it is, with or without a subject */
static void
test_model_label (void)
{
  g_autoptr (TfRecipient) r = tf_recipient_new (TF_SOURCE_MSG);
  g_autofree char *none = tf_recipient_dup_embedded_label (r);
  g_autofree char *bare = NULL;
  g_autofree char *named = NULL;

  g_assert_null (none);
  tf_recipient_set_embedded (r, "3", NULL);
  bare = tf_recipient_dup_embedded_label (r);
  g_assert_cmpstr (bare, ==, "attachment 3 (no subject)");
  tf_recipient_set_embedded (r, "3/2", "Budget");
  named = tf_recipient_dup_embedded_label (r);
  g_assert_cmpstr (named, ==, "attachment 3/2 “Budget”");
  tf_recipient_set_embedded (r, NULL, NULL);
  g_assert_null (tf_recipient_get_embedded (r));
  g_assert_null (tf_recipient_get_embedded_subject (r));
}

int
main (int argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tf_core_init ();

#define ADD(name, func) g_test_add ("/repair-embed/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("msg/note", test_msg_note);
  ADD ("refuse/too-deep", test_refuse_damaged_outer);
  ADD ("tnef/note", test_tnef_note);
  ADD ("tnef/refuse-checksum", test_tnef_refuse_checksum);
  ADD ("qp/tnef", test_qp_tnef);
  ADD ("ical/multi-event-reply", test_multi_event_reply);
#undef ADD
  g_test_add_func ("/repair-embed/qp/reencode", test_qp_reencode);
  g_test_add_func ("/repair-embed/model/label", test_model_label);

  return g_test_run ();
}
