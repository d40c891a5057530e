/* test-model.c — item model, finding codes and the detector rules
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tf-core.h"
#include "tf-strpool-private.h"

static TfRecipient *
mapi_recipient (TfItem     *item,
                const char *address,
                int         status,
                gboolean    has_time,
                guint64     time)
{
  g_autoptr (TfRecipient) r = tf_recipient_new (TF_SOURCE_TNEF);

  tf_recipient_set_address (r, address);
  tf_recipient_set_recipient_type (r, TF_RECIPIENT_TYPE_TO);
  tf_recipient_set_track_status (r, status);
  if (has_time)
    tf_recipient_set_track_time (r, time);
  tf_item_add_recipient (item, r);
  return r;
}

static guint
count_code (TfItem        *item,
            TfFindingCode  code)
{
  guint n = 0;

  for (guint i = 0; i < tf_item_get_n_findings (item); i++)
    if (tf_finding_get_code (tf_item_get_finding (item, i)) == code)
      n++;
  return n;
}

static void
test_codes (void)
{
  TfFindingCode code;

  for (guint i = 0; i < TF_N_FINDING_CODES; i++)
    {
      const char *name = tf_finding_code_to_string (i);

      g_assert_nonnull (name);
      g_assert_true (tf_finding_code_from_string (name, &code));
      g_assert_cmpint (code, ==, i);
      g_assert_cmpstr (tf_finding_code_get_title (i), !=, "");
      g_assert_cmpstr (tf_finding_code_get_explanation (i), !=, "");
      g_assert_cmpstr (tf_finding_code_get_row_reason (i), !=, "");
    }
  g_assert_false (tf_finding_code_from_string ("NO_SUCH_CODE", &code));
  g_assert_cmpstr (tf_finding_code_to_string (TF_FINDING_TRACK_TIME_1601), ==, "TRACK_TIME_1601");
  g_assert_cmpint (tf_finding_code_get_severity (TF_FINDING_TRACK_TIME_1601), ==, TF_SEVERITY_ERROR);
  g_assert_cmpint (tf_finding_code_get_severity (TF_FINDING_TRACK_TIME_MISSING), ==, TF_SEVERITY_WARNING);
  g_assert_cmpstr (tf_track_status_to_string (TF_TRACK_STATUS_NOT_RESPONDED), ==, "not-responded");
  g_assert_null (tf_track_status_to_string (TF_TRACK_STATUS_ABSENT));
  g_assert_null (tf_track_status_to_string (77));
}

static void
test_track_time_rules (void)
{
  g_autoptr (TfItem) item = tf_item_new ("q/a.eml", "q/a.eml", 0);
  g_autoptr (GPtrArray) about_zero = NULL;

  mapi_recipient (item, "zero@fabrikam.example", TF_TRACK_STATUS_ACCEPTED, TRUE, 0);
  mapi_recipient (item, "old@fabrikam.example", TF_TRACK_STATUS_ACCEPTED, TRUE, TF_FILETIME_1900 - 1);
  mapi_recipient (item, "missing@fabrikam.example", TF_TRACK_STATUS_DECLINED, FALSE, 0);
  mapi_recipient (item, "none@fabrikam.example", TF_TRACK_STATUS_NONE, FALSE, 0);
  mapi_recipient (item, "never@fabrikam.example", TF_TRACK_STATUS_ACCEPTED, TRUE, TF_FILETIME_NONE_4501);
  mapi_recipient (item, "future@fabrikam.example", TF_TRACK_STATUS_ACCEPTED, TRUE, G_MAXUINT64);
  mapi_recipient (item, "ok@fabrikam.example", TF_TRACK_STATUS_TENTATIVE, TRUE,
                  tf_filetime_from_unix (1219232040));

  tf_rules_apply (item);
  tf_rules_apply (item); /* idempotent */

  g_assert_cmpuint (count_code (item, TF_FINDING_TRACK_TIME_1601), ==, 1);
  g_assert_cmpuint (count_code (item, TF_FINDING_TRACK_TIME_PRE_1900), ==, 1);
  g_assert_cmpuint (count_code (item, TF_FINDING_TRACK_TIME_MISSING), ==, 1);
  g_assert_cmpuint (count_code (item, TF_FINDING_TRACK_TIME_OUT_OF_RANGE), ==, 1);
  g_assert_cmpuint (tf_item_get_n_findings (item), ==, 4);
  g_assert_cmpuint (tf_item_get_n_problems (item), ==, 4);
  g_assert_cmpint (tf_item_get_max_severity (item), ==, TF_SEVERITY_ERROR);

  about_zero = tf_item_dup_findings_for (item, "ZERO@fabrikam.example");
  g_assert_cmpuint (about_zero->len, ==, 1);
  g_assert_nonnull (strstr (tf_finding_get_detail (g_ptr_array_index (about_zero, 0)),
                            "1601-01-01 00:00:00"));
  g_assert_nonnull (strstr (tf_finding_get_detail (g_ptr_array_index (about_zero, 0)),
                            "0x0000000000000000"));
  g_assert_true (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601));

  /* Search text carries addresses and codes, case-folded */
  g_assert_nonnull (strstr (tf_item_get_search_text (item), "track_time_1601"));
  g_assert_nonnull (strstr (tf_item_get_search_text (item), "zero@fabrikam.example"));
}

/* tf_item_matches_words() answers what strstr() on the search text does */
static void
test_matches_words (void)
{
  g_autoptr (TfItem) item = tf_item_new ("Queue/Zażółć.eml", "/srv/Queue/Zażółć.eml", 0);
  g_autoptr (TfRecipient) r = tf_recipient_new (TF_SOURCE_TNEF);
  const char *words[] = { "", "zażółć", "ZAŻÓŁĆ", "queue", "queue/za", "gęślą", "łąka", "STRASSE",
                          "straße", "ipm.schedule", "track_time_1601", "anna@contoso.example",
                          "anna kowalska", "kowal", "contoso", "budget review", "budget", "review\nq",
                          "x", "xyzzy", "1601", "ę", "uid-42", NULL };

  tf_item_set_subject (item, "Budget REVIEW — Gęślą Straße");
  tf_item_set_from (item, "Łąka <boss@contoso.example>");
  tf_item_set_uid (item, "UID-42");
  tf_item_set_message_class (item, "IPM.Schedule.Meeting.Request");
  tf_recipient_set_address (r, "Anna@Contoso.example");
  tf_recipient_set_name (r, "Anna Kowalska");
  tf_item_add_recipient (item, r);
  tf_item_add_finding (item, tf_finding_new (TF_FINDING_TRACK_TIME_1601, NULL, NULL));

  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *word = g_utf8_strdown (words[i], -1);
      const char *one[] = { word, NULL };
      gboolean expected = strstr (tf_item_get_search_text (item), word) != NULL;

      g_assert_cmpint (tf_item_matches_words (item, one), ==, expected);
    }

  g_assert_true (tf_item_matches_words (item, NULL));
  g_assert_true (tf_item_matches_words (item, (const char *[]){ "budget", "anna", NULL }));
  g_assert_false (tf_item_matches_words (item, (const char *[]){ "budget", "xyzzy", NULL }));
}

static void
test_wrong_type (void)
{
  g_autoptr (TfItem) item = tf_item_new ("x.msg", NULL, 0);
  g_autoptr (TfRecipient) r = tf_recipient_new (TF_SOURCE_MSG);

  tf_recipient_set_address (r, "a@b.example");
  tf_recipient_set_track_time_type (r, TF_PT_LONG);
  tf_item_add_recipient (item, r);
  tf_rules_apply (item);
  g_assert_cmpuint (count_code (item, TF_FINDING_TRACK_TIME_OUT_OF_RANGE), ==, 1);
  g_assert_nonnull (strstr (tf_finding_get_detail (tf_item_get_finding (item, 0)), "PT_LONG"));
}

static void
test_ical_sources_not_track_checked (void)
{
  g_autoptr (TfItem) item = tf_item_new ("r.ics", NULL, 0);
  g_autoptr (TfRecipient) r = tf_recipient_new (TF_SOURCE_ICAL);

  /* An iCalendar attendee has no MAPI time: never TRACK_TIME_MISSING */
  tf_recipient_set_address (r, "a@b.example");
  tf_recipient_set_track_status (r, TF_TRACK_STATUS_ACCEPTED);
  tf_item_add_recipient (item, r);
  tf_item_set_ical_method (item, "REQUEST");
  tf_rules_classify (item);
  tf_rules_apply (item);
  g_assert_cmpuint (tf_item_get_n_findings (item), ==, 0);
  g_assert_cmpint (tf_item_get_kind (item), ==, TF_KIND_REQUEST);
}

static void
test_reply_rules (void)
{
  g_autoptr (TfItem) reply = tf_item_new ("r.ics", NULL, 0);
  g_autoptr (TfItem) good = tf_item_new ("g.ics", NULL, 0);
  g_autoptr (TfRecipient) org = tf_recipient_new (TF_SOURCE_ICAL);
  g_autoptr (TfRecipient) att = tf_recipient_new (TF_SOURCE_ICAL);
  TfStamp stamp = { TF_STAMP_ATTENDEE_CRITICAL_CHANGE, TF_SOURCE_ICAL, 0, -1, -1 };
  TfStamp unstamped = { TF_STAMP_REPLY_WITHOUT_CRITICAL_CHANGE, TF_SOURCE_ICAL, 0, -1, -1 };

  tf_recipient_set_address (org, "boss@contoso.example");
  tf_recipient_set_recipient_type (org, TF_RECIPIENT_TYPE_ORGANIZER);
  tf_recipient_set_address (att, "user@fabrikam.example");
  tf_item_add_recipient (reply, org);
  tf_item_add_recipient (reply, att);
  tf_item_set_ical_method (reply, "REPLY");
  /* METHOD:REPLY alone is not enough: the reader marks each VEVENT
   * without the stamp */
  tf_rules_classify (reply);
  tf_rules_apply (reply);
  g_assert_cmpuint (count_code (reply, TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE), ==, 0);
  tf_item_add_stamp (reply, &unstamped);
  tf_rules_apply (reply);
  g_assert_cmpint (tf_item_get_kind (reply), ==, TF_KIND_REPLY);
  g_assert_cmpuint (count_code (reply, TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE), ==, 1);
  g_assert_cmpstr (tf_finding_get_recipient (tf_item_get_finding (reply, 0)), ==, "user@fabrikam.example");

  /* A REPLY carrying the stamp, but with the 1601 value */
  tf_item_set_ical_method (good, "COUNTER");
  stamp.filetime = 0;
  tf_item_add_stamp (good, &stamp);
  tf_rules_apply (good);
  g_assert_cmpuint (count_code (good, TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE), ==, 0);
  g_assert_cmpuint (count_code (good, TF_FINDING_CRITICAL_CHANGE_1601), ==, 1);
  g_assert_nonnull (strstr (tf_finding_get_detail (tf_item_get_finding (good, 0)),
                            "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE"));
}

static void
test_dsn_rules (void)
{
  g_autoptr (TfItem) item = tf_item_new ("ndr.eml", NULL, 0);
  static const char *statuses[] = { "4.4.7", "#4.4.7", "smtp; 4.4.7 expired", "4.4.70", "14.4.7", "5.1.1", NULL };
  static const gboolean expect[] = { TRUE, TRUE, TRUE, FALSE, FALSE, FALSE };

  tf_item_add_source (item, TF_SOURCE_DSN);
  for (guint i = 0; statuses[i] != NULL; i++)
    {
      g_autoptr (TfRecipient) r = tf_recipient_new (TF_SOURCE_DSN);
      g_autofree char *addr = g_strdup_printf ("u%u@x.example", i);

      tf_recipient_set_address (r, addr);
      tf_recipient_set_dsn (r, "failed", statuses[i], NULL);
      tf_item_add_recipient (item, r);
    }
  tf_rules_classify (item);
  tf_rules_apply (item);
  g_assert_cmpint (tf_item_get_kind (item), ==, TF_KIND_NDR);
  for (guint i = 0; statuses[i] != NULL; i++)
    {
      g_autofree char *addr = g_strdup_printf ("u%u@x.example", i);
      g_autoptr (GPtrArray) f = tf_item_dup_findings_for (item, addr);

      g_assert_cmpuint (f->len, ==, expect[i] ? 1 : 0);
    }
}

static void
test_classify (void)
{
  static const struct
  {
    const char *klass;
    const char *method;
    TfKind      kind;
  } cases[] = {
    { "IPM.Schedule.Meeting.Request", NULL, TF_KIND_REQUEST },
    { "IPM.Schedule.Meeting.Resp.Pos", NULL, TF_KIND_REPLY },
    { "ipm.schedule.meeting.canceled", NULL, TF_KIND_CANCEL },
    { "IPM.Appointment", NULL, TF_KIND_APPOINTMENT },
    { "IPM.Microsoft Schedule.MtgCncl", NULL, TF_KIND_CANCEL },
    { "REPORT.IPM.Note.NDR", NULL, TF_KIND_NDR },
    { "Report.IPM.Schedule.Meeting.Request.ndr", NULL, TF_KIND_NDR },
    { "IPM.Note", NULL, TF_KIND_MESSAGE },
    { "IPM.Note", "cancel", TF_KIND_CANCEL },
    { "IPM.Note", "CANCEL", TF_KIND_CANCEL },
    { NULL, "PUBLISH", TF_KIND_APPOINTMENT },
    { NULL, "REFRESH", TF_KIND_MESSAGE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (TfItem) item = tf_item_new ("x", NULL, 0);

      tf_item_set_message_class (item, cases[i].klass);
      tf_item_set_ical_method (item, cases[i].method);
      tf_rules_classify (item);
      g_assert_cmpint (tf_item_get_kind (item), ==, cases[i].kind);
    }
}

static void
count_changed_cb (TfItem *item,
                  guint  *counter)
{
  (*counter)++;
}

static void
test_update_from (void)
{
  g_autoptr (TfItem) item = tf_item_new ("a.eml", NULL, 0);
  g_autoptr (TfItem) fresh = tf_item_new ("a.eml", NULL, 0);
  GListModel *model;
  guint changed = 0;

  mapi_recipient (item, "zero@fabrikam.example", TF_TRACK_STATUS_ACCEPTED, TRUE, 0);
  tf_rules_apply (item);
  model = tf_item_get_recipients (item);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (tf_item_get_findings (item)), ==, 1);

  mapi_recipient (fresh, "zero@fabrikam.example", TF_TRACK_STATUS_ACCEPTED, TRUE,
                  tf_filetime_from_unix (1219232040));
  mapi_recipient (fresh, "other@fabrikam.example", TF_TRACK_STATUS_NONE, FALSE, 0);
  tf_rules_apply (fresh);
  tf_item_set_subject (fresh, "Updated");

  g_signal_connect (item, "changed", G_CALLBACK (count_changed_cb), &changed);
  tf_item_update_from (item, fresh);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpstr (tf_item_get_subject (item), ==, "Updated");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (tf_item_get_findings (item)), ==, 0);
  g_assert_cmpuint (tf_item_get_n_problems (item), ==, 0);
}

static void
test_props (void)
{
  g_autoptr (TfProp) p = tf_prop_new_systime (TF_TAG_RECIPIENT_TRACKSTATUS_TIME, 0, 1234);
  g_autoptr (TfProp) copy = NULL;
  g_autofree char *guid = tf_mapi_guid_to_string (TF_PSETID_MEETING);
  g_autofree char *other = NULL;
  g_autofree char *type = tf_mapi_type_to_string (TF_PT_SYSTIME | TF_MV_FLAG);
  g_autofree char *goid = tf_mapi_goid_to_string (TF_GOID_PREFIX, 16);
  static const guint8 rnd[16] = { 0x78, 0x56, 0x34, 0x12, 0x34, 0x12, 0x78, 0x56,
                                  1, 2, 3, 4, 5, 6, 7, 8 };

  g_assert_cmpstr (p->value, ==, "1601-01-01T00:00:00Z");
  g_assert_cmpint (p->offset, ==, 1234);
  tf_prop_set_named (p, TF_PSETID_MEETING, TF_LID_ATTENDEE_CRITICAL_CHANGE, NULL);
  copy = tf_prop_copy (p);
  g_assert_true (copy->named);
  g_assert_cmpstr (tf_mapi_named_get_name (copy->guid, copy->lid), ==, "PidLidAttendeeCriticalChange");
  g_assert_cmpstr (tf_mapi_tag_get_name (TF_TAG_RECIPIENT_TRACKSTATUS_TIME), ==, "PidTagRecipientTrackStatusTime");
  g_assert_cmpstr (tf_mapi_tag_get_name (0x5FFF0003), ==, "PidTagRecipientTrackStatus");
  g_assert_null (tf_mapi_tag_get_name (0x12340003));
  g_assert_cmpstr (guid, ==, "PSETID_Meeting");
  other = tf_mapi_guid_to_string (rnd);
  g_assert_cmpstr (other, ==, "{12345678-1234-5678-0102-030405060708}");
  g_assert_cmpstr (type, ==, "PT_MV_SYSTIME");
  g_assert_cmpstr (goid, ==, "040000008200E00074C5B7101A82E008");
}

/* Threads that intern and release the same few values at once (as scanner
 * workers and the main thread do): equal values held together share one
 * copy, every copy keeps its text, and a copy dying in one thread while
 * another looks it up is neither resurrected nor used after its end (the
 * ASan build checks that). */
#define POOL_THREADS 4
#define POOL_VALUES 24
#define POOL_ROUNDS 20000

static gpointer
strpool_thread (gpointer data)
{
  char *held[POOL_VALUES] = { NULL };
  GRand *rand = g_rand_new_with_seed (GPOINTER_TO_UINT (data));

  for (guint round = 0; round < POOL_ROUNDS; round++)
    {
      guint v = (guint) g_rand_int_range (rand, 0, POOL_VALUES);
      char text[32];

      g_snprintf (text, sizeof text, "value-%u", v);
      if (held[v] != NULL)
        {
          g_assert_cmpstr (held[v], ==, text);
          tf_strpool_release (g_steal_pointer (&held[v]));
        }
      else
        {
          held[v] = tf_strpool_intern (text);
          g_assert_cmpstr (held[v], ==, text);
        }
    }
  for (guint v = 0; v < POOL_VALUES; v++)
    tf_strpool_release (held[v]);
  g_rand_free (rand);

  return NULL;
}

static void
test_strpool_threads (void)
{
  GThread *threads[POOL_THREADS];
  char *a = tf_strpool_intern ("shared value");
  char *b = tf_strpool_intern ("shared value");
  char *c = NULL;

  /* One copy per distinct value while it is held */
  g_assert_true (a == b);
  g_assert_cmpstr (a, ==, "shared value");
  tf_strpool_replace (&c, "");
  g_assert_null (c);
  tf_strpool_replace (&c, a);
  g_assert_true (c == a);

  for (guint i = 0; i < POOL_THREADS; i++)
    threads[i] = g_thread_new ("strpool", strpool_thread, GUINT_TO_POINTER (i + 1));
  for (guint i = 0; i < POOL_THREADS; i++)
    g_thread_join (threads[i]);

  /* Held throughout: still the same copy */
  g_assert_true (tf_strpool_intern ("shared value") == a);
  tf_strpool_release (a);
  tf_strpool_release (b);
  tf_strpool_release (c);
  tf_strpool_release (a);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/codes", test_codes);
  g_test_add_func ("/model/rules/track-time", test_track_time_rules);
  g_test_add_func ("/model/search/matches-words", test_matches_words);
  g_test_add_func ("/model/rules/wrong-type", test_wrong_type);
  g_test_add_func ("/model/rules/ical-not-track-checked", test_ical_sources_not_track_checked);
  g_test_add_func ("/model/rules/reply", test_reply_rules);
  g_test_add_func ("/model/rules/dsn", test_dsn_rules);
  g_test_add_func ("/model/classify", test_classify);
  g_test_add_func ("/model/update-from", test_update_from);
  g_test_add_func ("/model/props", test_props);
  g_test_add_func ("/model/strpool-threads", test_strpool_threads);

  return g_test_run ();
}
