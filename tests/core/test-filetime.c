/* test-filetime.c
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

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

/* GDateTime's text of @filetime, for years past 9999 too: the Gregorian
 * calendar repeats every 400 years (146,097 days), so such a time is
 * formatted that many cycles earlier and the year added back. */
static char *
expected_iso (guint64 filetime)
{
  const gint64 cycle = G_GINT64_CONSTANT (146097) * 86400;
  gint64 secs = (gint64) (filetime / TF_FILETIME_TICKS_PER_SEC) - TF_FILETIME_UNIX_OFFSET_SEC;
  guint ticks = (guint) (filetime % TF_FILETIME_TICKS_PER_SEC);
  gint64 cycles = 0;
  g_autoptr (GDateTime) dt = NULL;
  g_autoptr (GString) text = g_string_new (NULL);

  while (secs >= G_GINT64_CONSTANT (253402300800)) /* 10000-01-01 */
    {
      secs -= cycle;
      cycles++;
    }
  dt = g_date_time_new_from_unix_utc (secs);
  g_assert_nonnull (dt);
  if (cycles > 0)
    g_string_append_printf (text, "+%d", g_date_time_get_year (dt) + (int) (cycles * 400));
  else
    g_string_append_printf (text, "%04d", g_date_time_get_year (dt));
  {
    g_autofree char *rest = g_date_time_format (dt, "-%m-%dT%H:%M:%S");

    g_string_append (text, rest);
  }
  if (ticks != 0)
    {
      g_autofree char *frac = g_strdup_printf ("%07u", ticks);
      gsize len = strlen (frac);

      while (frac[len - 1] == '0')
        frac[--len] = '\0';
      g_string_append_printf (text, ".%s", frac);
    }
  g_string_append_c (text, 'Z');

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
check_iso (guint64 filetime)
{
  g_autofree char *expect = expected_iso (filetime);
  g_autofree char *iso = tf_filetime_format_iso (filetime);
  g_autofree char *hex = tf_filetime_format_hex (filetime);
  g_autofree char *hex_expect = g_strdup_printf ("0x%016" G_GINT64_MODIFIER "X", filetime);
  char buf[TF_FILETIME_ISO_MAX];
  char hex_buf[TF_FILETIME_HEX_MAX];
  gsize len;

  memset (buf, 'x', sizeof buf);
  len = tf_filetime_format_iso_buf (filetime, buf);
  g_assert_cmpstr (iso, ==, expect);
  g_assert_cmpstr (buf, ==, expect);
  g_assert_cmpuint (len, ==, strlen (expect));
  g_assert_cmpuint (len, <, TF_FILETIME_ISO_MAX);
  tf_filetime_format_hex_buf (filetime, hex_buf);
  g_assert_cmpstr (hex, ==, hex_expect);
  g_assert_cmpstr (hex_buf, ==, hex_expect);
}

/* The hand-written formatter against GDateTime: 1601, 1900, leap days,
 * 9999, the 64-bit end, and a spread of random instants with fractions */
static void
test_format_wide (void)
{
  static const guint64 fixed[] = {
    0,
    1,
    9999999,
    10000000,
    G_GUINT64_CONSTANT (864000000000) - 1,
    TF_FILETIME_1900 - 1,
    TF_FILETIME_1900,
    TF_FILETIME_UNIX_EPOCH - 1,
    TF_FILETIME_UNIX_EPOCH,
    TF_FILETIME_NONE_4501,
    TF_FILETIME_MAX_9999,
    TF_FILETIME_MAX_9999 + 1,
    TF_FILETIME_MAX_9999 + TF_FILETIME_TICKS_PER_SEC,
    G_GUINT64_CONSTANT (0x7FFFFFFFFFFFFFFF),
    G_GUINT64_CONSTANT (0x8000000000000000),
    G_MAXUINT64 - 1,
    G_MAXUINT64,
  };
  /* Leap days and the days around them, century rules included */
  static const int leap_years[] = { 1604, 1700, 1800, 1900, 2000, 2004, 2100, 2400, 9996 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (17);

  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    check_iso (fixed[i]);

  for (guint i = 0; i < G_N_ELEMENTS (leap_years); i++)
    for (int day = 27; day <= 29; day++)
      for (int month = 2; month <= 3; month++)
        {
          g_autoptr (GDateTime) dt = g_date_time_new_utc (leap_years[i], month, month == 3 ? day - 26 : day, 23, 59, 59.0);
          guint64 ft;

          if (dt == NULL) /* 29 February of a year without it */
            continue;
          g_assert_true (tf_filetime_from_date_time (dt, &ft));
          check_iso (ft);
          check_iso (ft + TF_FILETIME_TICKS_PER_SEC);
        }

  for (guint i = 0; i < 100000; i++)
    {
      guint64 ft = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);

      /* Half across the whole range, half within 1601–9999 */
      if (i % 2 == 0)
        ft %= TF_FILETIME_MAX_9999 + 1;
      /* Whole seconds often, as real times are */
      if (i % 3 == 0)
        ft -= ft % TF_FILETIME_TICKS_PER_SEC;
      check_iso (ft);
    }

  /* Unix times: before 1601 they clamp to 1601, past FILETIME to its end */
  {
    g_autofree char *epoch = tf_unix_format_iso (0);
    g_autofree char *before = tf_unix_format_iso (G_GINT64_CONSTANT (-11644473601));
    g_autofree char *negative = tf_unix_format_iso (-1);
    g_autofree char *huge = tf_unix_format_iso (G_MAXINT64 / 2);
    g_autofree char *lowest = tf_unix_format_iso (G_MININT64);

    g_assert_cmpstr (epoch, ==, "1970-01-01T00:00:00Z");
    g_assert_cmpstr (before, ==, "1601-01-01T00:00:00Z");
    g_assert_cmpstr (negative, ==, "1969-12-31T23:59:59Z");
    g_assert_cmpstr (lowest, ==, "1601-01-01T00:00:00Z");
    g_assert_cmpstr (huge, ==, "+60056-05-28T05:36:10.9551615Z");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/filetime/constants", test_constants);
  g_test_add_func ("/filetime/format", test_format);
  g_test_add_func ("/filetime/format-wide", test_format_wide);
  g_test_add_func ("/filetime/display-local", test_display_local);
  g_test_add_func ("/filetime/classify", test_classify);
  g_test_add_func ("/filetime/parse-ical", test_parse_ical);
  g_test_add_func ("/filetime/round-trip", test_round_trip);

  return g_test_run ();
}
