/* test-export.c — CSV export with and without redaction
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tf-core.h"
#include "tf-export.h"

static GListStore *
make_items (void)
{
  GListStore *store = g_list_store_new (TF_TYPE_ITEM);
  g_autoptr (TfItem) a = tf_item_new ("queue/a.eml", "/q/a.eml", 0);
  g_autoptr (TfItem) b = tf_item_new ("queue/b.eml", "/q/b.eml", 0);
  g_autoptr (TfRecipient) jane = tf_recipient_new (TF_SOURCE_TNEF);

  tf_item_set_format (a, TF_FORMAT_EML);
  tf_item_set_kind (a, TF_KIND_REQUEST);
  tf_item_set_subject (a, "Updated: Budget, \"Q3\"");
  tf_item_set_from (a, "Ken Myer <ken@contoso.example>");
  tf_item_set_sent (a, 1219232640); /* 2008-08-20 11:44:00 */
  tf_recipient_set_address (jane, "jane@fabrikam.example");
  tf_recipient_set_name (jane, "Jane Doe");
  tf_item_add_recipient (a, jane);
  /* tf_item_add_finding() takes the finding */
  tf_item_add_finding (a, tf_finding_new (TF_FINDING_TRACK_TIME_1601, "jane@fabrikam.example",
                                          "Jane Doe <jane@fabrikam.example>: time is 1601-01-01"));

  tf_item_set_format (b, TF_FORMAT_EML);
  tf_item_set_kind (b, TF_KIND_MESSAGE);
  tf_item_set_subject (b, "=HYPERLINK(\"x\")");
  tf_item_set_sent (b, G_MININT64);

  g_list_store_append (store, a);
  g_list_store_append (store, b);

  return store;
}

static char *export(GListModel *items,
                    TfExportFlags flags)
{
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GError) error = NULL;

  g_assert_true (tf_export_csv (out, items, flags, "salt", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (out, NULL, NULL));

  return g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)),
                    g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)));
}

static void
test_export_plain (void)
{
  g_autoptr (GListStore) items = make_items ();
  g_autofree char *csv = export(G_LIST_MODEL (items), TF_EXPORT_NONE);
  g_auto (GStrv) lines = g_strsplit (csv, "\r\n", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, 4); /* header, 2 rows, "" */
  g_assert_cmpstr (lines[0], ==,
                   "file,format,kind,subject,from,sent,uid,recipients,problems,finding,severity,finding_recipient,detail");
  /* RFC 4180 quoting of comma and quotes; "update" for a request update
   * needs a sequence, so a plain request stays "request" */
  g_assert_true (g_str_has_prefix (lines[1], "queue/a.eml,eml,request,\"Updated: Budget, \"\"Q3\"\"\",Ken Myer <ken@contoso.example>,2008-08-20T11:44:00Z,,1,1,TRACK_TIME_1601,error,jane@fabrikam.example,"));
  /* Formula injection is defused */
  g_assert_nonnull (strstr (lines[2], ",\"'=HYPERLINK(\"\"x\"\")\""));
  g_assert_cmpstr (lines[3], ==, "");
}

static void
test_export_redact (void)
{
  g_autoptr (GListStore) items = make_items ();
  g_autofree char *csv = export(G_LIST_MODEL (items), TF_EXPORT_REDACT);
  g_autofree char *token = tf_export_redact ("jane@fabrikam.example", "salt");
  g_autofree char *token_upper = tf_export_redact ("JANE@fabrikam.example", "salt");
  g_autofree char *other_salt = tf_export_redact ("jane@fabrikam.example", "pepper");

  /* Nothing identifying is left, in any column */
  g_assert_null (strstr (csv, "jane@fabrikam.example"));
  g_assert_null (strstr (csv, "Jane Doe"));
  g_assert_null (strstr (csv, "ken@contoso.example"));
  g_assert_null (strstr (csv, "Budget"));
  /* … but the same address maps to the same token, also inside the detail */
  g_assert_cmpuint (strlen (token), ==, 12);
  g_assert_cmpstr (token, ==, token_upper);
  g_assert_cmpstr (token, !=, other_salt);
  g_assert_nonnull (strstr (csv, token));
  g_assert_nonnull (strstr (strstr (csv, token) + 1, token));
  /* Finding codes and times stay readable */
  g_assert_nonnull (strstr (csv, "TRACK_TIME_1601"));
  g_assert_nonnull (strstr (csv, "2008-08-20T11:44:00Z"));
}

int
main (int argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tf_core_init ();

  g_test_add_func ("/export/plain", test_export_plain);
  g_test_add_func ("/export/redact", test_export_redact);

  return g_test_run ();
}
