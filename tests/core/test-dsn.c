/* test-dsn.c — delivery status notifications and Exchange text NDRs
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tf-core.h"
#include "tf-fixturegen.h"

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
new_item (void)
{
  TfItem *item = tf_item_new ("report.eml", "report.eml", 0);

  tf_item_set_format (item, TF_FORMAT_EML);
  return item;
}

static TfItem *
read_mime (GBytes *data)
{
  TfItem *item = new_item ();

  g_assert_true (tf_mime_read (data, item, TF_READ_NONE));
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

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    return NULL;

  path = g_build_filename (dir, "dsn", name, NULL);
  g_file_get_contents (path, &text, &len, &error);
  g_assert_no_error (error);
  data = g_bytes_new_take (g_steal_pointer (&text), len);

  return read_mime (data);
}

static TfRecipient *
dsn_recipient (TfItem *item,
               const char *address)
{
  TfRecipient *r = tf_item_find_recipient (item, address, TF_SOURCE_DSN);

  g_assert_nonnull (r);
  return r;
}

static void
test_status_groups (void)
{
  /* no blank line between the per-message and the first per-recipient
   * group, nor between the two recipients; a folded Diagnostic-Code;
   * Original-Recipient before Final-Recipient */
  const char *text = "Reporting-MTA: dns; mail.example.com\r\n"
                     "Arrival-Date: Wed, 20 Aug 2008 11:34:00 +0000\r\n"
                     "Original-Recipient: rfc822;alias@example.com\r\n"
                     "Final-Recipient: rfc822; <one@example.com>\r\n"
                     "Action: Failed\r\n"
                     "Status: 4.4.7 (delivery time expired)\r\n"
                     "Diagnostic-Code: smtp; 400 4.4.7\r\n"
                     "  Message expired\r\n"
                     "Final-Recipient: RFC822;two@example.com\n"
                     "Action: delayed\n"
                     "Status: 4.2.0\n"
                     "\n"
                     "Original-Recipient: rfc822;three@example.com\n"
                     "Action: failed\n"
                     "Status: 5.1.1\n";
  g_autoptr (TfItem) item = new_item ();
  TfRecipient *r;

  g_assert_true (tf_dsn_read_status (text, strlen (text), item));
  g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 3);

  r = dsn_recipient (item, "one@example.com");
  g_assert_cmpint (tf_recipient_get_source (r), ==, TF_SOURCE_DSN);
  g_assert_cmpstr (tf_recipient_get_dsn_action (r), ==, "failed");
  g_assert_cmpstr (tf_recipient_get_dsn_status (r), ==, "4.4.7");
  g_assert_cmpstr (tf_recipient_get_dsn_diagnostic (r), ==, "smtp; 400 4.4.7 Message expired");
  g_assert_null (tf_item_find_recipient (item, "alias@example.com", TF_SOURCE_DSN));

  r = dsn_recipient (item, "two@example.com");
  g_assert_cmpstr (tf_recipient_get_dsn_action (r), ==, "delayed");
  g_assert_cmpstr (tf_recipient_get_dsn_status (r), ==, "4.2.0");
  g_assert_null (tf_recipient_get_dsn_diagnostic (r));

  /* only Original-Recipient: used as the address */
  r = dsn_recipient (item, "three@example.com");
  g_assert_cmpstr (tf_recipient_get_dsn_status (r), ==, "5.1.1");

  g_assert_true (tf_item_get_sources (item) & (1u << TF_SOURCE_DSN));
}

static void
test_status_damaged (void)
{
  static const char *const bad[] = {
    "",
    "no fields at all",
    "Reporting-MTA: dns; x\r\n\r\nAction: failed\r\nStatus: 5.0.0\r\n",
    "Final-Recipient: rfc822;\r\n",
    ":\r\n:\r\n\r\n\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (TfItem) item = new_item ();

      g_assert_false (tf_dsn_read_status (bad[i], strlen (bad[i]), item));
      g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 0);
    }
}

static void
test_text_kb938650 (void)
{
  /* The NDR text quoted in KB 938650 */
  const char *text = "Your message did not reach some or all of the intended recipients.\r\n"
                     "\r\n"
                     "      Subject:\tUpdated: Weekly meeting\r\n"
                     "      Sent:\t8/18/2008 11:34 AM\r\n"
                     "\r\n"
                     "The following recipient(s) could not be reached:\r\n"
                     "\r\n"
                     "      user@domain.com on 8/20/2008 11:34 AM\r\n"
                     "            Could not deliver the message in the time limit specified.  "
                     "Please retry or contact your administrator.\r\n"
                     "            <server.domain.com #4.4.7>\r\n"
                     "\r\n"
                     "      other@domain.com on 8/20/2008 11:34 AM\r\n"
                     "            Could not deliver the message in the time limit specified.\r\n"
                     "            <server.domain.com 4.4.7>\r\n"
                     "\r\n"
                     "      third@domain.com on 8/20/2008 11:34 AM\r\n"
                     "            The e-mail account does not exist.\r\n"
                     "            <server.domain.com #5.1.1>\r\n";
  g_autoptr (TfItem) item = new_item ();
  TfRecipient *r;

  g_assert_true (tf_dsn_read_text (text, strlen (text), item));
  g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 3);

  r = dsn_recipient (item, "user@domain.com");
  g_assert_cmpstr (tf_recipient_get_dsn_action (r), ==, "failed");
  g_assert_cmpstr (tf_recipient_get_dsn_status (r), ==, "4.4.7");
  g_assert_nonnull (strstr (tf_recipient_get_dsn_diagnostic (r), "time limit"));
  r = dsn_recipient (item, "other@domain.com");
  g_assert_cmpstr (tf_recipient_get_dsn_status (r), ==, "4.4.7");
  r = dsn_recipient (item, "third@domain.com");
  g_assert_cmpstr (tf_recipient_get_dsn_status (r), ==, "5.1.1");

  tf_rules_classify (item);
  tf_rules_apply (item);
  g_assert_cmpint (tf_item_get_kind (item), ==, TF_KIND_NDR);
  g_assert_cmpuint (count_code (item, TF_FINDING_NDR_EXPIRED_4_4_7), ==, 2);
}

/* Exchange 2003 / IMS recipient lines: the bare address, the display name
 * separately, the status also when it is on the same line */
static void
test_generated_text_lines (void)
{
  static const char *const lines[] = {
    "'user@example.com' on 8/22/2008 11:34 AM",
    "\"Doe, Jane\" <jane@example.com> on 8/22/2008 11:34 AM",
    "Room 4 <room4@example.com>",
    "<angle@example.com>",
    "bare@example.com #4.4.7 X.400; Reason 1 (Unable-To-Transfer)",
    "'<quoted-angle@example.com>' on 8/22/2008 11:34 AM",
    NULL
  };
  static const struct
  {
    const char *address;
    const char *name;
  } expected[] = {
    { "user@example.com", NULL },
    { "jane@example.com", "Doe, Jane" },
    { "room4@example.com", "Room 4" },
    { "angle@example.com", NULL },
    { "bare@example.com", NULL },
    { "quoted-angle@example.com", NULL },
  };
  g_autoptr (GBytes) ndr = tf_gen_text_ndr ("exchange2003.corp.example", lines, "4.4.7",
                                            "Updated: Quarterly review", 1219232040);
  g_autoptr (TfItem) item = read_mime (ndr);

  g_assert_cmpuint (tf_item_get_n_recipients (item), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      TfRecipient *r = tf_item_get_recipient (item, i);

      g_assert_cmpstr (tf_recipient_get_address (r), ==, expected[i].address);
      g_assert_cmpstr (tf_recipient_get_name (r), ==, expected[i].name);
      g_assert_cmpstr (tf_recipient_get_dsn_status (r), ==, "4.4.7");
    }
  g_assert_nonnull (strstr (tf_recipient_get_dsn_diagnostic (tf_item_get_recipient (item, 4)), "X.400"));
  g_assert_cmpint (tf_item_get_kind (item), ==, TF_KIND_NDR);
  g_assert_cmpuint (count_code (item, TF_FINDING_NDR_EXPIRED_4_4_7), ==, G_N_ELEMENTS (expected));
}

static void
test_text_not_ndr (void)
{
  static const char *const texts[] = {
    "Hello,\r\nplease meet user@domain.com on Monday at 4.4.7 o'clock.\r\n",
    "",
    "The following recipient(s) could not be reached:\r\n\r\nnobody here\r\n",
    /* version numbers are not status codes */
    ("did not reach the following recipient(s):\r\n"
     "a@b.example on Thu\r\n  Internet Mail Service (5.5.1960.3)\r\n"),
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr (TfItem) item = new_item ();
      gboolean found = tf_dsn_read_text (texts[i], strlen (texts[i]), item);

      if (i < 3)
        {
          g_assert_false (found);
          g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 0);
        }
      else
        {
          g_assert_true (found);
          g_assert_null (tf_recipient_get_dsn_status (dsn_recipient (item, "a@b.example")));
        }
    }
}

static void
test_generated_4_4_7 (void)
{
  const char *const recipients[] = { "user@other.example", "room@other.example", NULL };
  g_autoptr (GBytes) dsn = tf_gen_dsn ("exchange2003.corp.example", recipients, "4.4.7",
                                       "Updated: Quarterly review", 1219232040);
  g_autoptr (TfItem) item = read_mime (dsn);
  g_autofree char *text = g_strndup (g_bytes_get_data (dsn, NULL), g_bytes_get_size (dsn));

  g_assert_nonnull (strstr (text, "<exchange2003.corp.example #4.4.7>\r\n"));
  g_assert_nonnull (strstr (text, "report-type=delivery-status"));

  g_assert_cmpstr (tf_item_get_subject (item), ==, "Undeliverable: Updated: Quarterly review");
  g_assert_cmpint (tf_item_get_sent (item), ==, 1219232040);
  g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 2);
  for (guint i = 0; recipients[i] != NULL; i++)
    {
      TfRecipient *r = dsn_recipient (item, recipients[i]);

      g_assert_cmpstr (tf_recipient_get_dsn_action (r), ==, "failed");
      g_assert_cmpstr (tf_recipient_get_dsn_status (r), ==, "4.4.7");
      /* from the machine-readable part, which wins over the text */
      g_assert_cmpstr (tf_recipient_get_dsn_diagnostic (r), ==, "smtp;400 4.4.7 Message expired in queue");
    }

  g_assert_cmpint (tf_item_get_kind (item), ==, TF_KIND_NDR);
  g_assert_cmpuint (count_code (item, TF_FINDING_NDR_EXPIRED_4_4_7), ==, 2);
  g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), ==, 0);
}

static void
test_base64_status_part (void)
{
  const char *fields = "Reporting-MTA: dns; mx.example.com\r\n\r\n"
                       "Final-Recipient: rfc822; late@example.com\r\n"
                       "Action: failed\r\n"
                       "Status: 4.4.7\r\n";
  g_autofree char *encoded = g_base64_encode ((const guchar *) fields, strlen (fields));
  g_autofree char *text = g_strdup_printf ("From: postmaster@example.com\r\n"
                                           "Subject: Undeliverable\r\n"
                                           "MIME-Version: 1.0\r\n"
                                           "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n"
                                           "\r\n"
                                           "--b\r\n"
                                           "Content-Type: message/delivery-status\r\n"
                                           "Content-Transfer-Encoding: base64\r\n"
                                           "\r\n"
                                           "%s\r\n"
                                           "--b--\r\n",
                                           encoded);
  g_autoptr (GBytes) data = g_bytes_new (text, strlen (text));
  g_autoptr (TfItem) item = read_mime (data);
  TfRecipient *r = dsn_recipient (item, "late@example.com");

  /* the part's transfer encoding is removed before the fields are read */
  g_assert_cmpstr (tf_recipient_get_dsn_status (r), ==, "4.4.7");
  g_assert_cmpuint (count_code (item, TF_FINDING_NDR_EXPIRED_4_4_7), ==, 1);
}

static void
test_corpus_all (void)
{
  const char *dir_path = g_getenv ("TRACKFIX_CORPUS_DIR");
  g_autofree char *dsn_dir = NULL;
  g_autoptr (GDir) dir = NULL;
  guint n = 0;

  if (dir_path == NULL || !g_file_test (dir_path, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("corpus not available (TRACKFIX_CORPUS_DIR)");
      return;
    }

  dsn_dir = g_build_filename (dir_path, "dsn", NULL);
  dir = g_dir_open (dsn_dir, 0, NULL);
  g_assert_nonnull (dir);

  for (const char *name; (name = g_dir_read_name (dir)) != NULL;)
    {
      g_autoptr (TfItem) item = read_corpus (name);

      g_assert_nonnull (tf_item_get_subject (item));
      n++;
    }

  g_assert_cmpuint (n, >=, 24);
}

typedef struct
{
  const char *file;
  const char *address;
  const char *action;
  const char *status;
} CorpusFact;

static void
test_corpus_facts (void)
{
  /* Final-Recipient / Action / Status as Python's email module reports
   * them (shared/corpus/NOTES.md), plus the text NDRs */
  static const CorpusFact facts[] = {
    { "flanker-delayed.eml", "foo@example.com", "failed", "4.0.0" },
    { "flanker-mailbox-full.eml", "user@aol.com", "failed", "5.2.2" },
    { "flanker-office365.eml", "noname@example.com", "failed", "5.1.10" },
    { "mimekit-delivery-status-no-blank-line.eml", "newsletter-request@imusic.com", "failed", NULL },
    { "mimekit-delivery-status.eml", "newsletter-request@imusic.com", "failed", NULL },
    { "mimekit-delivery-status2.eml", "source@domain.com", "failed", "5.0.0" },
    { "sisimai-lhost-exchange2007-01.eml", "mikeneko@example.co.jp", "failed", "5.1.1" },
    { "sisimai-lhost-exchange2007-03.eml", "kijitora@neko.example.com", "failed", "5.2.3" },
    { "sisimai-lhost-exchange2007-04.eml", "neko-nyaan@example.jp", "failed", "5.7.1" },
    { "sisimai-lhost-office365-03.eml", "kijitora@example.com", "failed", "5.1.0" },
    { "sisimai-lhost-office365-13.eml", "kijitora-nyaan@neko.kyoto.example.jp", "failed", "5.1.10" },
    { "sisimai-lhost-outlook-01.eml", "kijitora@example.jp", "failed", "5.2.2" },
    { "sisimai-rfc3464-01.eml", "userunknown@bouncehammer.jp", "failed", "5.1.1" },
    { "sisimai-rfc3464-03.eml", "kijitora@example.com", "failed", "5.0.0" },
    /* the delivery-status body is base64-encoded (Python misreads it) */
    { "mimekit-bounce.eml", "netec.test@netecgc.com", "failed", "5.1.1" },
    /* Exchange 2003 / 5.5 text NDRs, no machine-readable part */
    { "sisimai-lhost-exchange2003-01.eml", "kijitora@example.jp", "failed", NULL },
    { "sisimai-lhost-exchange2003-02.eml", "kijitora@example.co.jp", "failed", NULL },
    { "sisimai-lhost-exchange2003-02.eml", "mikeneko@example.co.jp", "failed", NULL },
  };

  if (g_getenv ("TRACKFIX_CORPUS_DIR") == NULL)
    {
      g_test_skip ("corpus not available (TRACKFIX_CORPUS_DIR)");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (facts); i++)
    {
      g_autoptr (TfItem) item = read_corpus (facts[i].file);
      TfRecipient *r;

      if (item == NULL)
        {
          g_test_skip ("corpus not available (TRACKFIX_CORPUS_DIR)");
          return;
        }

      g_test_message ("%s", facts[i].file);
      r = dsn_recipient (item, facts[i].address);
      g_assert_cmpstr (tf_recipient_get_dsn_action (r), ==, facts[i].action);
      g_assert_cmpstr (tf_recipient_get_dsn_status (r), ==, facts[i].status);
      g_assert_cmpint (tf_item_get_kind (item), ==, TF_KIND_NDR);
      g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), ==, 0);
    }
}

static void
test_corpus_not_reports (void)
{
  /* a read receipt and an auto-reply carry no DSN recipients */
  static const char *const files[] = {
    "mimekit-disposition-notification.eml",
    "sisimai-rfc3834-02.eml",
  };

  if (g_getenv ("TRACKFIX_CORPUS_DIR") == NULL)
    {
      g_test_skip ("corpus not available (TRACKFIX_CORPUS_DIR)");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr (TfItem) item = read_corpus (files[i]);

      g_assert_nonnull (item);
      g_assert_false (tf_item_get_sources (item) & (1u << TF_SOURCE_DSN));
      g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 0);
    }
}

static void
test_corpus_truncated (void)
{
  g_autoptr (TfItem) item = read_corpus ("sisimai-lhost-office365-01.eml");

  if (item == NULL)
    {
      g_test_skip ("corpus not available (TRACKFIX_CORPUS_DIR)");
      return;
    }

  /* the report lost its delivery-status part: said so, no crash; still a
   * bounce, the recipient taken from the Office 365 text */
  g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), ==, 1);
  g_assert_nonnull (strstr (tf_finding_get_detail (tf_item_get_finding (item, tf_item_get_n_findings (item) - 1)),
                            "no message/delivery-status part"));
  g_assert_cmpstr (tf_item_get_subject (item), ==, "Undeliverable: Nyaan");
  g_assert_cmpint (tf_item_get_kind (item), ==, TF_KIND_NDR);
  g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 1);
  /* "kijitora@example.com<mailto:kijitora@example.com>" (the status is
   * after a quoted-printable "=00", where the text ends) */
  g_assert_cmpstr (tf_recipient_get_address (tf_item_get_recipient (item, 0)), ==, "kijitora@example.com");
}

/* The subject's last character is split across two ISO-2022-JP encoded
 * words (Python's email module gives up on the first word); the joined
 * bytes decode (iconv) to "…キジトラ・フラッシュ/ニャーン" */
static void
test_corpus_split_subject (void)
{
  g_autoptr (TfItem) item = read_corpus ("sisimai-lhost-exchange2007-04.eml");

  if (item == NULL)
    {
      g_test_skip ("corpus not available (TRACKFIX_CORPUS_DIR)");
      return;
    }

  g_assert_cmpstr (tf_item_get_subject (item), ==, "Undeliverable: キジトラ・フラッシュ/ニャーン");
}

/* A generated report cut before its status part: a bounce all the same */
static void
test_generated_truncated (void)
{
  const char *const recipients[] = { "user@other.example", NULL };
  g_autoptr (GBytes) dsn = tf_gen_dsn ("exchange2003.corp.example", recipients, "4.4.7",
                                       "Updated: Quarterly review", 1219232040);
  const char *data = g_bytes_get_data (dsn, NULL);
  const char *text_part = g_strstr_len (data, g_bytes_get_size (dsn), "Your message did not reach");
  const char *status_part = g_strstr_len (data, g_bytes_get_size (dsn), "Content-Type: message/delivery-status");
  g_autoptr (GString) cut = g_string_new_len (data, text_part - data);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (TfItem) item = NULL;
  TfFinding *error;

  g_assert_nonnull (text_part);
  g_assert_nonnull (status_part);
  /* no text NDR either: only the kind tells it is a bounce */
  g_string_append (cut, "Delivery failed.\r\n");
  bytes = g_bytes_new (cut->str, cut->len);
  item = read_mime (bytes);

  g_assert_cmpint (tf_item_get_kind (item), ==, TF_KIND_NDR);
  g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 0);
  g_assert_cmpuint (count_code (item, TF_FINDING_PARSE_ERROR), >=, 1);
  error = tf_item_get_finding (item, 0);
  g_assert_cmpint (tf_finding_get_code (error), ==, TF_FINDING_PARSE_ERROR);
  g_assert_nonnull (strstr (tf_finding_get_detail (error), "no message/delivery-status part"));
}

int
main (int argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tf_core_init ();

  g_test_add_func ("/dsn/status/groups", test_status_groups);
  g_test_add_func ("/dsn/status/damaged", test_status_damaged);
  g_test_add_func ("/dsn/text/kb938650", test_text_kb938650);
  g_test_add_func ("/dsn/text/not-ndr", test_text_not_ndr);
  g_test_add_func ("/dsn/generated/text-lines", test_generated_text_lines);
  g_test_add_func ("/dsn/generated/4.4.7", test_generated_4_4_7);
  g_test_add_func ("/dsn/base64-status-part", test_base64_status_part);
  g_test_add_func ("/dsn/corpus/all", test_corpus_all);
  g_test_add_func ("/dsn/corpus/facts", test_corpus_facts);
  g_test_add_func ("/dsn/corpus/not-reports", test_corpus_not_reports);
  g_test_add_func ("/dsn/corpus/truncated", test_corpus_truncated);
  g_test_add_func ("/dsn/corpus/split-subject", test_corpus_split_subject);
  g_test_add_func ("/dsn/generated/truncated", test_generated_truncated);

  return g_test_run ();
}
