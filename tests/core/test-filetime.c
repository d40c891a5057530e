/* test-filetime.c
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tf-core.h"

static void
test_constants (void)
{
  /* domain.md §6.1, verified independently: python3 -c 'import datetime…' */
  g_assert_cmpint (tf_filetime_from_unix (0), ==, TF_FILETIME_UNIX_EPOCH);
  g_assert_cmpint (tf_filetime_to_unix (TF_FILETIME_UNIX_EPOCH), ==, 0);
  g_assert_cmpint (tf_filetime_to_unix (TF_FILETIME_1900), ==, G_GINT64_CONSTANT (-2208988800));
  g_assert_cmpint (tf_filetime_to_unix (TF_FILETIME_1601), ==, -TF_FILETIME_UNIX_OFFSET_SEC);
}

static void
test_format (void)
{
  static const struct
  {
    guint64     ft;
    const char *iso;
    const char *display;
  } cases[] = {
    { 0, "1601-01-01T00:00:00Z", "1601-01-01 00:00:00" },
    /* MFCMAPI #542: 12 h after zero must not look like zero */
    { G_GUINT64_CONSTANT (432000000000), "1601-01-01T12:00:00Z", "1601-01-01 12:00:00" },
    { G_GUINT64_CONSTANT (0x014F35A9A90CC000), "1899-12-30T00:00:00Z", "1899-12-30 00:00:00" },
    { TF_FILETIME_1900, "1900-01-01T00:00:00Z", "1900-01-01 00:00:00" },
    { TF_FILETIME_UNIX_EPOCH, "1970-01-01T00:00:00Z", "1970-01-01 00:00:00" },
    { G_GUINT64_CONSTANT (0x0CB2E57949B47A00), "4500-08-31T23:59:00Z", "4500-08-31 23:59:00" },
    { TF_FILETIME_NONE_4501, "4501-01-01T00:00:00Z", "4501-01-01 00:00:00" },
    { TF_FILETIME_MAX_9999, "9999-12-31T23:59:59Z", "9999-12-31 23:59:59" },
    { 1, "1601-01-01T00:00:00.0000001Z", "1601-01-01 00:00:00" },
    { G_GUINT64_CONSTANT (5000000), "1601-01-01T00:00:00.5Z", "1601-01-01 00:00:00" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *iso = tf_filetime_format_iso (cases[i].ft);
      g_autofree char *display = tf_filetime_format_display (cases[i].ft, FALSE);

      g_assert_cmpstr (iso, ==, cases[i].iso);
      g_assert_cmpstr (display, ==, cases[i].display);
    }

  {
    g_autofree char *max = tf_filetime_format_iso (G_MAXUINT64);
    g_autofree char *hex = tf_filetime_format_hex (0);
    g_autofree char *hex2 = tf_filetime_format_hex (TF_FILETIME_NONE_4501);

    g_assert_true (g_str_has_prefix (max, "+60056-"));
    g_assert_cmpstr (hex, ==, "0x0000000000000000");
    g_assert_cmpstr (hex2, ==, "0x0CB34557A3DD4000");
  }
}

static void
test_display_local (void)
{
  /* TZ=UTC in the test environment: local equals UTC with +00:00 */
  g_autofree char *local = tf_filetime_format_display (tf_filetime_from_unix (1219232040), TRUE);
  g_autofree char *bug = tf_filetime_format_display (0, TRUE);

  g_assert_cmpstr (local, ==, "2008-08-20 11:34:00 +00:00");
  /* 1601 cannot be shown in local time meaningfully: stays UTC, no offset */
  g_assert_cmpstr (bug, ==, "1601-01-01 00:00:00");
}

static void
test_classify (void)
{
  g_assert_cmpint (tf_filetime_classify (0), ==, TF_TIME_CLASS_ZERO);
  g_assert_cmpint (tf_filetime_classify (1), ==, TF_TIME_CLASS_PRE_1900);
  g_assert_cmpint (tf_filetime_classify (TF_FILETIME_1900 - 1), ==, TF_TIME_CLASS_PRE_1900);
  g_assert_cmpint (tf_filetime_classify (TF_FILETIME_1900), ==, TF_TIME_CLASS_OK);
  g_assert_cmpint (tf_filetime_classify (TF_FILETIME_NONE_4501), ==, TF_TIME_CLASS_NONE_4501);
  g_assert_cmpint (tf_filetime_classify (TF_FILETIME_MAX_9999), ==, TF_TIME_CLASS_OK);
  g_assert_cmpint (tf_filetime_classify (TF_FILETIME_MAX_9999 + 1), ==, TF_TIME_CLASS_OUT_OF_RANGE);
}

static void
test_parse_ical (void)
{
  guint64 ft = 42;

  g_assert_true (tf_filetime_parse_ical ("16010101T000000Z", &ft));
  g_assert_cmpint (ft, ==, 0);
  g_assert_true (tf_filetime_parse_ical ("20080820T113400Z", &ft));
  g_assert_cmpint (tf_filetime_to_unix (ft), ==, 1219232040);
  g_assert_true (tf_filetime_parse_ical (" 20080820T113400 ", &ft));
  g_assert_cmpint (tf_filetime_to_unix (ft), ==, 1219232040);
  g_assert_true (tf_filetime_parse_ical ("20080820", &ft));
  g_assert_cmpint (tf_filetime_to_unix (ft), ==, 1219190400);
  g_assert_true (tf_filetime_parse_ical ("18991230T000000Z", &ft));
  g_assert_cmpint (ft, ==, G_GUINT64_CONSTANT (0x014F35A9A90CC000));

  g_assert_false (tf_filetime_parse_ical ("2006717T080000Z", &ft));
  g_assert_false (tf_filetime_parse_ical ("20081320T000000Z", &ft));
  g_assert_false (tf_filetime_parse_ical ("15000101T000000Z", &ft));
  g_assert_false (tf_filetime_parse_ical ("20080820T1134", &ft));
  g_assert_false (tf_filetime_parse_ical ("20080820T113400+0100", &ft));
  g_assert_false (tf_filetime_parse_ical ("", &ft));
  g_assert_false (tf_filetime_parse_ical (NULL, &ft));
}

static void
test_round_trip (void)
{
  /* Every day boundary across 1600..2100 keeps its civil date */
  for (gint64 s = -11644473600; s < 4102444800; s += 86400 * 97 + 3601)
    {
      guint64 ft = tf_filetime_from_unix (s);
      g_autofree char *iso = tf_filetime_format_iso (ft);
      g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (s);
      g_autofree char *expect = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");

      g_assert_cmpstr (iso, ==, expect);
      g_assert_cmpint (tf_filetime_to_unix (ft), ==, s);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/filetime/constants", test_constants);
  g_test_add_func ("/filetime/format", test_format);
  g_test_add_func ("/filetime/display-local", test_display_local);
  g_test_add_func ("/filetime/classify", test_classify);
  g_test_add_func ("/filetime/parse-ical", test_parse_ical);
  g_test_add_func ("/filetime/round-trip", test_round_trip);

  return g_test_run ();
}
