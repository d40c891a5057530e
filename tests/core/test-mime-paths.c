/* test-mime-paths.c — the MIME fast path and GMime's parser give the same
 * items (issue 17): corpus, generated samples and queues, mutated
 * messages; and the word-wise base64 decoder gives GMime's bytes.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <gmime/gmime.h>
#include <glib/gstdio.h>

#include "tf-base64-private.h"
#include "tf-core.h"
#include "tf-fixturegen.h"
#include "tf-json.h"
#include "tf-mime-fast-private.h"

static char *
read_json (GBytes *data,
           TfMimePath path)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  tf_mime_set_path (path);
  tf_read_bytes (data, "queue/file.eml", "/queue/file.eml", TF_READ_FULL, items);
  tf_mime_set_path (TF_MIME_PATH_AUTO);

  return tf_items_to_json_document (items, 1);
}

/* Both paths on @data; returns TRUE when the fast path read it. */
static gboolean
check_same (GBytes *data,
            const char *what)
{
  guint64 before = 0, after = 0;
  g_autofree char *slow = read_json (data, TF_MIME_PATH_GMIME);
  g_autofree char *fast = NULL;

  tf_mime_fast_get_counts (&before, NULL);
  fast = read_json (data, TF_MIME_PATH_AUTO);
  tf_mime_fast_get_counts (&after, NULL);

  if (g_strcmp0 (slow, fast) != 0)
    g_error ("%s: the MIME paths differ\nGMime: %s\nfast:  %s", what, slow, fast);

  return after > before;
}

static gboolean
check_file (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr (GBytes) data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  data = g_bytes_new_take (g_steal_pointer (&contents), len);

  return check_same (data, path);
}

static guint
check_dir (const char *dir,
           guint *n_files)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n_fast = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          n_fast += check_dir (path, n_files);
          continue;
        }
      n_fast += check_file (path);
      (*n_files)++;
    }

  return n_fast;
}

static void
test_corpus (void)
{
  const char *dir = g_getenv ("TRACKFIX_CORPUS_DIR");
  guint n_files = 0, n_fast;

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("TRACKFIX_CORPUS_DIR is not set");
      return;
    }

  n_fast = check_dir (dir, &n_files);
  g_test_message ("corpus: %u files, %u read by the fast path", n_files, n_fast);
  g_assert_cmpuint (n_files, >, 100);
  /* the corpus has a dozen ordinary .eml files and the DSNs */
  g_assert_cmpuint (n_fast, >=, 5);
}

/* Inputs a fuzzer once failed on (tests/data/regressions/read-*) */
static void
test_regressions (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "data", "regressions", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (!g_str_has_prefix (name, "read-"))
        continue;
      check_file (path);
      n++;
    }
  g_assert_cmpuint (n, >=, 3);
}

static void
test_samples (void)
{
  const char *const *names = tf_gen_sample_names ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr (GBytes) data = tf_gen_sample (names[i]);

      check_same (data, names[i]);
    }
}

static void
test_queue (void)
{
  g_autofree char *dir = g_dir_make_tmp ("trackfix-mime-paths-XXXXXX", NULL);
  g_autoptr (GError) error = NULL;
  guint n_files = 0, n_fast;

  g_assert_true (tf_gen_queue (dir, 400, 17, &error));
  g_assert_no_error (error);

  n_fast = check_dir (dir, &n_files);
  g_test_message ("queue: %u files, %u read by the fast path", n_files, n_fast);
  g_assert_cmpuint (n_files, ==, 400);
  /* every MIME file of a generated queue has an ordinary shape (about
   * 9 in 10 files; the rest are .msg) */
  g_assert_cmpuint (n_fast, >, n_files * 3 / 4);

  {
    g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_unlink (path);
      }
  }
  g_rmdir (dir);
}

/* Damage applied to ordinary messages: each must still read the same on
 * both paths (mostly by the fast path declining). */
static GBytes *
mutate (GBytes *data,
        guint kind,
        guint k)
{
  gsize len = 0;
  const char *in = g_bytes_get_data (data, &len);
  GString *out = g_string_new_len (in, (gssize) len);
  gsize at = len > 0 ? (gsize) k * 7919 % len : 0;

  switch (kind)
    {
    case 0: /* cut off */
      g_string_truncate (out, at);
      break;
    case 1: /* a bare LF instead of CRLF */
      {
        const char *cr = memchr (out->str + at, '\r', out->len - at);

        if (cr != NULL)
          g_string_erase (out, cr - out->str, 1);
      }
      break;
    case 2: /* white space after a boundary / in a header */
      {
        const char *nl = memchr (out->str + at, '\n', out->len - at);

        if (nl != NULL)
          g_string_insert (out, nl - out->str - (nl > out->str && nl[-1] == '\r'), " ");
      }
      break;
    case 3: /* a byte changed */
      if (out->len > 0)
        out->str[at] = "-=:\r\n \tA;\"\0"[k % 11];
      break;
    case 4: /* a line repeated (headers, boundaries) */
      {
        const char *nl = memchr (out->str + at, '\n', out->len - at);
        const char *start = out->str + at;

        while (start > out->str && start[-1] != '\n')
          start--;
        if (nl != NULL)
          g_string_insert_len (out, start - out->str, start, nl - start + 1);
      }
      break;
    default:
      g_assert_not_reached ();
    }

  return g_string_free_to_bytes (out);
}

static void
test_mutations (void)
{
  static const TfGenAttendee attendees[] = {
    { "a@example.com", "A", "ACCEPTED", "REQ-PARTICIPANT" },
  };
  const TfGenEvent event = { .method = "REPLY", .uid = "uid-1", .sequence = 2, .dtstamp = 1219232040, .organizer = "o@example.com", .attendees = attendees, .n_attendees = 1, .summary = "Weekly", .attendee_cc = "20080820T113400Z" };
  g_autoptr (GBytes) ics = tf_gen_ics (&event);
  g_autoptr (GBytes) tnef = tf_gen_sample ("tnef-1601");
  const char *recipients[] = { "x@example.com", NULL };
  GBytes *messages[] = {
    tf_gen_eml ("A <a@example.com>", "b@example.com", "Update", 1219232040, tnef, NULL, NULL, TRUE),
    tf_gen_eml ("A <a@example.com>", "b@example.com", "Reply", 1219232040, NULL, ics, "REPLY", FALSE),
    tf_gen_dsn ("mta.example.com", recipients, "4.4.7", "Undeliverable", 1219232040),
  };
  guint n = 0;

  for (guint m = 0; m < G_N_ELEMENTS (messages); m++)
    {
      g_assert_true (check_same (messages[m], "unmutated"));
      for (guint kind = 0; kind < 5; kind++)
        for (guint k = 1; k <= 60; k++)
          {
            g_autoptr (GBytes) mutated = mutate (messages[m], kind, k);
            g_autofree char *what = g_strdup_printf ("message %u, mutation %u/%u", m, kind, k);

            check_same (mutated, what);
            n++;
          }
      g_bytes_unref (messages[m]);
    }
  g_assert_cmpuint (n, ==, 900);
}

/* iCalendar texts whose unread properties tf_ical_read() leaves out of
 * libical's parse on the AUTO path (tf-ical.c, prepare_text()): the items
 * must be the same as with every property parsed. Each case is read as an
 * .ics file and inside a message. */
static void
test_ical_trim (void)
{
  static const char *const cases[] = {
    /* an Outlook reply: long folded DESCRIPTION, times, PRODID */
    "BEGIN:VCALENDAR\r\nPRODID:-//Microsoft Corporation//Outlook 12.0 MIMEDIR//EN\r\nVERSION:2.0\r\n"
    "METHOD:REPLY\r\nBEGIN:VEVENT\r\nATTENDEE;PARTSTAT=ACCEPTED:MAILTO:a@example.com\r\n"
    "ORGANIZER:MAILTO:o@example.com\r\nUID:uid-1\r\nDTSTAMP:20080818T140200Z\r\n"
    "DTSTART;TZID=\"W. Europe\":20080819T140000\r\nDESCRIPTION;LANGUAGE=en-US:Agenda: budget\\, staffing\r\n"
    " and rooms\r\n\tand more\r\nLOCATION:Room 1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    /* values libical rejects, with texts that make the errors findings */
    "BEGIN:VCALENDAR\nMETHOD:REPLY\nBEGIN:VEVENT\nUID:u\nDTSTART:X-MICROSOFT-CDO-1\n"
    "DTEND;VALUE=NOPE:UID property\nDUE:X-MICROSOFT-\n CDO-folded\nEND:VEVENT\nEND:VCALENDAR\n",
    /* the same values without watched texts: errors that stay quiet */
    "BEGIN:VCALENDAR\nMETHOD:REQUEST\nBEGIN:VEVENT\nUID:u\nDTSTART:garbage\nDTEND;VALUE=NOPE:x\n"
    "DESCRIPTION:\nPRIORITY:high\nfoo-x-microsoft-cdo-bar:1\nEND:VEVENT\nEND:VCALENDAR\n",
    /* lower-case names, bare CRs, blank lines, CR LF mixed */
    "begin:vcalendar\r\nmethod:reply\r\nbegin:vevent\r\nuid:u\rdtstart:bad\r\n\r\n"
    "description:x\r\r\nlocation:y\n\ndtend:z\r\nend:vevent\r\nend:vcalendar",
    /* no VCALENDAR object: libical's error for the whole text */
    "BEGIN:VEVENT\nUID:u\nDTSTART:bad\nDESCRIPTION:BEGIN:VCALENDAR\nEND:VEVENT\n",
    /* unclosed, and a stray END before it */
    "END:VEVENT\nBEGIN:VCALENDAR\nMETHOD:CANCEL\nBEGIN:VEVENT\nUID:u\nSUMMARY:s\nDTSTART:1\n",
  };
  guint64 before = tf_ical_get_n_trimmed ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GBytes) ics = g_bytes_new_static (cases[i], strlen (cases[i]));
      g_autoptr (GBytes) eml = tf_gen_eml ("A <a@example.com>", "b@example.com", "Reply", 1219232040, NULL, ics, NULL, FALSE);
      g_autofree char *what = g_strdup_printf ("calendar %u", i);

      check_same (ics, what);
      check_same (eml, what);
    }
  /* cases 1 and 3 have properties to leave out (read twice each) */
  g_assert_cmpuint (tf_ical_get_n_trimmed () - before, ==, 4);
}

static GBytes *
gmime_base64_decode (const char *in,
                     gsize len)
{
  GMimeEncoding state;
  char *out;
  gsize n;

  g_mime_encoding_init_decode (&state, GMIME_CONTENT_ENCODING_BASE64);
  out = g_malloc (g_mime_encoding_outlen (&state, len) + 1);
  n = g_mime_encoding_step (&state, in, len, out);

  return g_bytes_new_take (out, n);
}

static void
test_base64 (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (17);
  guint n_clean = 0;

  for (guint round = 0; round < 400; round++)
    {
      gsize raw_len = g_rand_int_range (rand, 0, 300);
      g_autofree guchar *raw = g_malloc (raw_len + 1);
      g_autofree char *encoded = NULL;
      g_autoptr (GString) text = g_string_new (NULL);
      g_autoptr (GBytes) fast = NULL;
      g_autoptr (GBytes) expected = NULL;
      guint line = round % 3 == 0 ? 76 : round % 3 == 1 ? 64
                                                        : 75;

      for (gsize i = 0; i < raw_len; i++)
        raw[i] = (guchar) g_rand_int (rand);
      encoded = g_base64_encode (raw, raw_len);
      for (gsize i = 0, n = strlen (encoded); i < n; i += line)
        {
          g_string_append_len (text, encoded + i, MIN (line, n - i));
          g_string_append (text, round % 2 ? "\r\n" : "\n");
        }
      /* now and then a damaged copy: a stray character or cut */
      if (round % 5 == 4 && text->len > 0)
        text->str[g_rand_int_range (rand, 0, (gint32) text->len)] = "=*\r A"[round % 5];
      if (round % 7 == 6)
        g_string_truncate (text, text->len / 2);

      expected = gmime_base64_decode (text->str, text->len);
      fast = tf_base64_decode_clean (text->str, text->len);
      if (fast != NULL)
        {
          g_assert_true (g_bytes_equal (fast, expected));
          n_clean++;
        }
      if (round % 5 < 4 && round % 7 < 6 && line != 75)
        {
          /* the plain form is always decoded here, to the original bytes */
          g_assert_nonnull (fast);
          g_assert_cmpmem (g_bytes_get_data (fast, NULL), g_bytes_get_size (fast), raw, raw_len);
        }
    }
  g_assert_cmpuint (n_clean, >, 150);
}

int
main (int argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tf_core_init ();

  g_test_add_func ("/mime-paths/corpus", test_corpus);
  g_test_add_func ("/mime-paths/samples", test_samples);
  g_test_add_func ("/mime-paths/regressions", test_regressions);
  g_test_add_func ("/mime-paths/queue", test_queue);
  g_test_add_func ("/mime-paths/mutations", test_mutations);
  g_test_add_func ("/mime-paths/base64", test_base64);
  g_test_add_func ("/mime-paths/ical-trim", test_ical_trim);

  return g_test_run ();
}
