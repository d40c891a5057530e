/* test-json.c — the JSON form of items (tf-json)
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tf-core.h"
#include "tf-fixturegen.h"
#include "tf-json.h"

static JsonNode *
parse (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_copy (json_parser_get_root (parser));
}

static GPtrArray *
read_sample (const char *name,
             TfReadFlags flags)
{
  g_autoptr (GBytes) bytes = tf_gen_sample (name);
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_nonnull (bytes);
  tf_read_bytes (bytes, name, name, flags, items);
  g_assert_cmpuint (items->len, ==, 1);

  return items;
}

static void
test_empty_document (void)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new ();
  g_autofree char *text = tf_items_to_json_document (items, 0);
  g_autoptr (JsonNode) root = parse (text);
  JsonObject *object = json_node_get_object (root);
  JsonObject *summary = json_object_get_object_member (object, "summary");
  JsonObject *findings = json_object_get_object_member (summary, "findings");

  g_assert_true (g_str_has_suffix (text, "\n"));
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, TF_JSON_VERSION);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "items")), ==, 0);
  g_assert_cmpint (json_object_get_int_member (summary, "files"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (summary, "items"), ==, 0);
  /* Every code is listed, with 0 when absent */
  g_assert_cmpuint (json_object_get_size (findings), ==, TF_N_FINDING_CODES);
  for (guint code = 0; code < TF_N_FINDING_CODES; code++)
    g_assert_cmpint (json_object_get_int_member (findings, tf_finding_code_to_string (code)), ==, 0);
}

static void
test_item_summary (void)
{
  g_autoptr (GPtrArray) items = read_sample ("eml-tnef-1601", TF_READ_NONE);
  g_autoptr (JsonNode) node = tf_item_to_json (g_ptr_array_index (items, 0));
  JsonObject *item = json_node_get_object (node);
  JsonArray *recipients = json_object_get_array_member (item, "recipients");
  JsonArray *findings = json_object_get_array_member (item, "findings");
  gboolean seen_1601 = FALSE;

  g_assert_cmpstr (json_object_get_string_member (item, "path"), ==, "eml-tnef-1601");
  g_assert_cmpstr (json_object_get_string_member (item, "format"), ==, "eml");
  g_assert_cmpstr (json_object_get_string_member (item, "kind"), ==, "request");
  g_assert_cmpstr (json_object_get_string_member (item, "message_class"), ==, "IPM.Schedule.Meeting.Request");
  g_assert_cmpstr (json_object_get_string_member (item, "sent"), ==, "2008-08-20T11:44:00Z");
  g_assert_nonnull (json_object_get_string_member (item, "uid"));
  /* Summaries carry no property lists */
  g_assert_false (json_object_has_member (item, "props"));

  g_assert_cmpuint (json_array_get_length (recipients), ==, 3);
  for (guint i = 0; i < json_array_get_length (recipients); i++)
    {
      JsonObject *r = json_array_get_object_element (recipients, i);

      g_assert_false (json_object_has_member (r, "props"));
      g_assert_cmpstr (json_object_get_string_member (r, "source"), ==, "tnef");
      if (g_strcmp0 (json_object_get_string_member (r, "track_time_raw"), "0x0000000000000000") == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (r, "address"), ==, "jane.doe@fabrikam.example");
          g_assert_cmpstr (json_object_get_string_member (r, "track_time"), ==, "1601-01-01T00:00:00Z");
          g_assert_cmpstr (json_object_get_string_member (r, "track_status"), ==, "accepted");
          g_assert_cmpstr (json_object_get_string_member (r, "type"), ==, "to");
          seen_1601 = TRUE;
        }
      if (g_strcmp0 (json_object_get_string_member (r, "type"), "organizer") == 0)
        {
          g_assert_true (json_object_get_null_member (r, "track_time"));
          g_assert_true (json_object_get_null_member (r, "track_time_raw"));
        }
    }
  g_assert_true (seen_1601);

  g_assert_cmpuint (json_array_get_length (findings), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (findings, 0), "code"), ==,
                   "TRACK_TIME_1601");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (findings, 0), "severity"), ==,
                   "error");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (findings, 0), "recipient"), ==,
                   "jane.doe@fabrikam.example");
}

static void
test_item_full (void)
{
  g_autoptr (GPtrArray) items = read_sample ("msg-pre1900", TF_READ_FULL);
  g_autoptr (JsonNode) node = tf_item_to_json (g_ptr_array_index (items, 0));
  JsonObject *item = json_node_get_object (node);
  JsonArray *recipients = json_object_get_array_member (item, "recipients");
  JsonArray *props = json_object_get_array_member (item, "props");
  gboolean seen_time = FALSE;
  gboolean seen_named = FALSE;

  g_assert_nonnull (props);
  for (guint i = 0; i < json_array_get_length (props); i++)
    {
      JsonObject *p = json_array_get_object_element (props, i);

      if (json_object_has_member (p, "named"))
        {
          JsonObject *named = json_object_get_object_member (p, "named");

          g_assert_nonnull (json_object_get_string_member (named, "set"));
          seen_named = TRUE;
        }
    }
  g_assert_true (seen_named);

  for (guint i = 0; i < json_array_get_length (recipients); i++)
    {
      JsonObject *r = json_array_get_object_element (recipients, i);
      JsonArray *rprops = json_object_get_array_member (r, "props");

      g_assert_nonnull (rprops);
      for (guint j = 0; j < json_array_get_length (rprops); j++)
        {
          JsonObject *p = json_array_get_object_element (rprops, j);

          if (g_str_equal (json_object_get_string_member (p, "tag"), "0x5FFB0040") && g_str_equal (json_object_get_string_member (p, "raw"), "0x014F35A9A90CC000"))
            {
              g_assert_cmpstr (json_object_get_string_member (p, "time"), ==, "1899-12-30T00:00:00Z");
              g_assert_cmpstr (json_object_get_string_member (p, "type"), ==, "PT_SYSTIME");
              g_assert_cmpstr (json_object_get_string_member (p, "name"), ==, "PidTagRecipientTrackStatusTime");
              /* .msg: the absolute file offset repair patches */
              g_assert_cmpint (json_object_get_int_member (p, "offset"), >, 512);
              seen_time = TRUE;
            }
        }
    }
  g_assert_true (seen_time);
}

/* The streaming writer and the one-shot document agree, and the summary
 * counts what the items hold. */
static void
test_writer (void)
{
  const char *names[] = { "eml-tnef-1601", "dsn-447", "damaged", "eml-ics-reply-missing-cc", "msg-healthy" };
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (TfJsonWriter) writer = tf_json_writer_new ();
  g_autoptr (GString) streamed = g_string_new (NULL);
  g_autofree char *document = NULL;
  g_autofree char *tail = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonObject *summary, *findings;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr (GPtrArray) one = read_sample (names[i], TF_READ_NONE);

      g_ptr_array_add (items, g_object_ref (g_ptr_array_index (one, 0)));
    }

  for (guint i = 0; i < items->len; i++)
    {
      g_autofree char *text = tf_json_writer_add_item (writer, g_ptr_array_index (items, i));

      /* One item per line */
      g_assert_null (strchr (text + (i == 0 ? strlen ("{\"version\": 1, \"items\": [\n") : 2), '\n'));
      g_string_append (streamed, text);
    }
  tail = tf_json_writer_finish (writer, 5);
  g_string_append (streamed, tail);
  g_assert_cmpuint (tf_json_writer_get_n_items (writer), ==, 5);
  g_assert_cmpuint (tf_json_writer_get_n_problems (writer), ==, 4);

  document = tf_items_to_json_document (items, 5);
  g_assert_cmpstr (document, ==, streamed->str);

  root = parse (document);
  summary = json_object_get_object_member (json_node_get_object (root), "summary");
  findings = json_object_get_object_member (summary, "findings");
  g_assert_cmpint (json_object_get_int_member (summary, "files"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (summary, "items"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (findings, "TRACK_TIME_1601"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (findings, "NDR_EXPIRED_4_4_7"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (findings, "PARSE_ERROR"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (findings, "REPLY_MISSING_CRITICAL_CHANGE"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (findings, "TNEF_CHECKSUM"), ==, 0);
}

/* Strings that need escaping survive the hand-written writer: every
 * control character, quotes, backslashes, non-ASCII text, and bytes that
 * are not UTF-8 (replaced, so the document stays valid). */
static void
test_escaping (void)
{
  g_autoptr (TfItem) item = tf_item_new ("dir/\"quoted\" \\ name\xff.eml", "x.eml", 0);
  g_autoptr (GString) subject = g_string_new ("Zażółć \"gęślą\" \\ jaźń ");
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GPtrArray) items = g_ptr_array_new ();
  g_autofree char *text = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonObject *object;
  const char *path;

  for (int c = 1; c < 0x20; c++)
    g_string_append_c (subject, (char) c);
  g_string_append (subject, "\x7f end");
  tf_item_set_subject (item, subject->str);

  node = tf_item_to_json (item);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "subject"), ==, subject->str);
  path = json_object_get_string_member (object, "path");
  g_assert_true (g_utf8_validate (path, -1, NULL));
  g_assert_cmpstr (path, ==, "dir/\"quoted\" \\ name\xef\xbf\xbd.eml");
  g_assert_true (json_object_get_null_member (object, "uid"));

  /* The same item through the streaming document */
  g_ptr_array_add (items, item);
  text = tf_items_to_json_document (items, 1);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  root = parse (text);
  object = json_array_get_object_element (json_object_get_array_member (json_node_get_object (root), "items"), 0);
  g_assert_cmpstr (json_object_get_string_member (object, "subject"), ==, subject->str);
}

/* Every generated sample, read in full (property dumps included), gives
 * a document json-glib parses, with one line per item. */
static void
test_all_samples (void)
{
  const char *const *names = tf_gen_sample_names ();
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *text = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_auto (GStrv) lines = NULL;
  JsonArray *array;
  guint n_props = 0;

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr (GBytes) bytes = tf_gen_sample (names[i]);

      g_assert_nonnull (bytes);
      tf_read_bytes (bytes, names[i], names[i], TF_READ_FULL, items);
    }
  g_assert_cmpuint (items->len, >=, 5);

  text = tf_items_to_json_document (items, items->len);
  root = parse (text);
  array = json_object_get_array_member (json_node_get_object (root), "items");
  g_assert_cmpuint (json_array_get_length (array), ==, items->len);
  lines = g_strsplit (text, "\n", -1);
  /* the head, one line per item, the tail, "" */
  g_assert_cmpuint (g_strv_length (lines), ==, items->len + 3);

  for (guint i = 0; i < items->len; i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      g_autoptr (JsonNode) single = tf_item_to_json (g_ptr_array_index (items, i));

      g_assert_true (json_node_equal (single, json_array_get_element (array, i)));
      g_assert_cmpstr (json_object_get_string_member (object, "path"), ==,
                       tf_item_get_path (g_ptr_array_index (items, i)));
      if (json_object_has_member (object, "props"))
        n_props += json_array_get_length (json_object_get_array_member (object, "props"));
    }
  g_assert_cmpuint (n_props, >, 0);
}

int
main (int argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tf_core_init ();

  g_test_add_func ("/json/document/empty", test_empty_document);
  g_test_add_func ("/json/item/summary", test_item_summary);
  g_test_add_func ("/json/item/full", test_item_full);
  g_test_add_func ("/json/writer", test_writer);
  g_test_add_func ("/json/escaping", test_escaping);
  g_test_add_func ("/json/all-samples", test_all_samples);

  return g_test_run ();
}
