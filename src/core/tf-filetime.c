/* tf-filetime.c
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tf-filetime.h"

/* GDateTime only covers years 1..9999 and FILETIMEs reach year 60056, so the
 * civil-date arithmetic is done here (days-from-civil, proleptic Gregorian),
 * which also keeps formatting allocation-light on the scan path. */

static void
civil_from_days (gint64 z,
                 gint64 *y,
                 guint *m,
                 guint *d)
{
  gint64 era, yoe, doy, mp, yy;
  guint64 doe;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (guint64) (z - era * 146097);
  yoe = (gint64) ((doe - doe / 1460 + doe / 36524 - doe / 146096) / 365);
  yy = yoe + era * 400;
  doy = (gint64) doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = (guint) (doy - (153 * mp + 2) / 5 + 1);
  *m = (guint) (mp < 10 ? mp + 3 : mp - 9);
  *y = yy + (*m <= 2);
}

static gint64
days_from_civil (gint64 y,
                 guint m,
                 guint d)
{
  gint64 era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

TfTimeClass
tf_filetime_classify (guint64 filetime)
{
  if (filetime == TF_FILETIME_1601)
    return TF_TIME_CLASS_ZERO;
  if (filetime < TF_FILETIME_1900)
    return TF_TIME_CLASS_PRE_1900;
  if (filetime == TF_FILETIME_NONE_4501)
    return TF_TIME_CLASS_NONE_4501;
  if (filetime > TF_FILETIME_MAX_9999)
    return TF_TIME_CLASS_OUT_OF_RANGE;
  return TF_TIME_CLASS_OK;
}

gint64
tf_filetime_to_unix (guint64 filetime)
{
  return (gint64) (filetime / TF_FILETIME_TICKS_PER_SEC) - TF_FILETIME_UNIX_OFFSET_SEC;
}

guint64
tf_filetime_from_unix (gint64 unix_seconds)
{
  gint64 s = unix_seconds + TF_FILETIME_UNIX_OFFSET_SEC;

  if (s <= 0)
    return 0;
  if ((guint64) s > G_MAXUINT64 / TF_FILETIME_TICKS_PER_SEC)
    return G_MAXUINT64;
  return (guint64) s * TF_FILETIME_TICKS_PER_SEC;
}

gboolean
tf_filetime_from_date_time (GDateTime *dt,
                            guint64 *filetime)
{
  gint64 secs;

  g_return_val_if_fail (dt != NULL, FALSE);
  g_return_val_if_fail (filetime != NULL, FALSE);

  secs = g_date_time_to_unix (dt) + TF_FILETIME_UNIX_OFFSET_SEC;
  if (secs < 0)
    return FALSE;
  *filetime = (guint64) secs * TF_FILETIME_TICKS_PER_SEC
              + (guint64) g_date_time_get_microsecond (dt) * 10;
  return TRUE;
}

static void
split_filetime (guint64 filetime,
                gint64 *year,
                guint *month,
                guint *day,
                guint *hour,
                guint *minute,
                guint *second,
                guint *ticks)
{
  guint64 secs = filetime / TF_FILETIME_TICKS_PER_SEC;
  guint64 sod = secs % 86400;
  /* Day 0 of FILETIME is 1601-01-01, days_from_civil (1601, 1, 1) from 1970 */
  gint64 days = (gint64) (secs / 86400) + days_from_civil (1601, 1, 1);

  *ticks = (guint) (filetime % TF_FILETIME_TICKS_PER_SEC);
  *hour = (guint) (sod / 3600);
  *minute = (guint) ((sod / 60) % 60);
  *second = (guint) (sod % 60);
  civil_from_days (days, year, month, day);
}

/* "-07", ":05": a separator and two digits */
static void
put_field (char *p,
           char separator,
           guint value)
{
  p[0] = separator;
  p[1] = (char) ('0' + value / 10 % 10);
  p[2] = (char) ('0' + value % 10);
}

/* Hand-written rather than g_date_time_format() or printf: GDateTime stops
 * at year 9999, and the JSON writer formats one or two times per recipient
 * row into a stack buffer (tests/core/test-filetime.c compares it with
 * GDateTime over 1601–9999). */
gsize
tf_filetime_format_iso_buf (guint64 filetime,
                            char *buf)
{
  gint64 year;
  guint month, day, hour, minute, second, ticks;
  char *p = buf;

  split_filetime (filetime, &year, &month, &day, &hour, &minute, &second, &ticks);
  if (year > 9999)
    {
      /* "+60056": G_MAXUINT64 is in year 60056 */
      char digits[20];
      char *d = digits + sizeof digits;
      guint64 y = (guint64) year;

      do
        *--d = (char) ('0' + y % 10);
      while ((y /= 10) != 0);
      *p++ = '+';
      memcpy (p, d, (gsize) (digits + sizeof digits - d));
      p += digits + sizeof digits - d;
    }
  else
    {
      /* FILETIME starts in 1601: always four digits */
      p[0] = (char) ('0' + year / 1000);
      p[1] = (char) ('0' + year / 100 % 10);
      p[2] = (char) ('0' + year / 10 % 10);
      p[3] = (char) ('0' + year % 10);
      p += 4;
    }
  put_field (p, '-', month);
  put_field (p + 3, '-', day);
  put_field (p + 6, 'T', hour);
  put_field (p + 9, ':', minute);
  put_field (p + 12, ':', second);
  p += 15;

  if (ticks != 0)
    {
      /* ".5", ".0000001": seven digits without the trailing zeros */
      char frac[7];
      guint len = 7;

      for (int i = 6; i >= 0; i--)
        {
          frac[i] = (char) ('0' + ticks % 10);
          ticks /= 10;
        }
      while (len > 1 && frac[len - 1] == '0')
        len--;
      *p++ = '.';
      memcpy (p, frac, len);
      p += len;
    }
  *p++ = 'Z';
  *p = '\0';

  return (gsize) (p - buf);
}

char *
tf_filetime_format_iso (guint64 filetime)
{
  char buf[TF_FILETIME_ISO_MAX];
  gsize len = tf_filetime_format_iso_buf (filetime, buf);

  return g_memdup2 (buf, len + 1);
}

char *
tf_filetime_format_display (guint64 filetime,
                            gboolean local)
{
  gint64 year;
  guint month, day, hour, minute, second, ticks;

  if (local && tf_filetime_classify (filetime) == TF_TIME_CLASS_OK)
    {
      g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (tf_filetime_to_unix (filetime));

      if (utc != NULL)
        {
          g_autoptr (GDateTime) loc = g_date_time_to_local (utc);
          gint64 offset = g_date_time_get_utc_offset (loc) / G_TIME_SPAN_SECOND;
          guint abs_off = (guint) ABS (offset);

          return g_strdup_printf ("%04d-%02d-%02d %02d:%02d:%02d %c%02u:%02u",
                                  g_date_time_get_year (loc),
                                  g_date_time_get_month (loc),
                                  g_date_time_get_day_of_month (loc),
                                  g_date_time_get_hour (loc),
                                  g_date_time_get_minute (loc),
                                  g_date_time_get_second (loc),
                                  offset < 0 ? '-' : '+',
                                  abs_off / 3600, (abs_off / 60) % 60);
        }
    }

  split_filetime (filetime, &year, &month, &day, &hour, &minute, &second, &ticks);
  if (year > 9999)
    return g_strdup_printf ("+%" G_GINT64_FORMAT "-%02u-%02u %02u:%02u:%02u",
                            year, month, day, hour, minute, second);
  return g_strdup_printf ("%04" G_GINT64_FORMAT "-%02u-%02u %02u:%02u:%02u",
                          year, month, day, hour, minute, second);
}

void
tf_filetime_format_hex_buf (guint64 filetime,
                            char *buf)
{
  /* "0x%016" G_GINT64_MODIFIER "X" without printf: the JSON writer
   * formats one per recipient row (PST: tens of thousands) */
  static const char digits[] = "0123456789ABCDEF";

  buf[0] = '0';
  buf[1] = 'x';
  for (guint i = 0; i < 16; i++)
    buf[2 + i] = digits[(filetime >> (60 - 4 * i)) & 0xF];
  buf[18] = '\0';
}

char *
tf_filetime_format_hex (guint64 filetime)
{
  char *s = g_malloc (TF_FILETIME_HEX_MAX);

  tf_filetime_format_hex_buf (filetime, s);
  return s;
}

static gboolean
parse_digits (const char *s,
              guint n,
              guint *out)
{
  guint v = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      v = v * 10 + (guint) (s[i] - '0');
    }
  *out = v;
  return TRUE;
}

gboolean
tf_filetime_parse_ical (const char *text,
                        guint64 *filetime)
{
  guint year, month, day, hour = 0, minute = 0, second = 0;
  gint64 days, secs;
  gsize len;

  g_return_val_if_fail (filetime != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  while (g_ascii_isspace (*text))
    text++;
  len = strlen (text);
  while (len > 0 && g_ascii_isspace (text[len - 1]))
    len--;

  if (len < 8 || !parse_digits (text, 4, &year) || !parse_digits (text + 4, 2, &month)
      || !parse_digits (text + 6, 2, &day))
    return FALSE;

  if (len > 8)
    {
      if (text[8] != 'T' && text[8] != 't')
        return FALSE;
      if (len < 15 || !parse_digits (text + 9, 2, &hour) || !parse_digits (text + 11, 2, &minute)
          || !parse_digits (text + 13, 2, &second))
        return FALSE;
      if (len > 16 || (len == 16 && text[15] != 'Z' && text[15] != 'z'))
        return FALSE;
    }

  if (year < 1601 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23
      || minute > 59 || second > 60)
    return FALSE;

  days = days_from_civil (year, month, day) - days_from_civil (1601, 1, 1);
  secs = days * 86400 + hour * 3600 + minute * 60 + second;
  *filetime = (guint64) secs * TF_FILETIME_TICKS_PER_SEC;
  return TRUE;
}

char *
tf_unix_format_iso (gint64 unix_seconds)
{
  return tf_filetime_format_iso (tf_filetime_from_unix (unix_seconds));
}
