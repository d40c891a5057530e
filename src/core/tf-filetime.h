/* tf-filetime.h
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* FILETIME: unsigned 64-bit count of 100 ns units since 1601-01-01 00:00 UTC. */
#define TF_FILETIME_1601            G_GUINT64_CONSTANT (0x0000000000000000)
#define TF_FILETIME_1900            G_GUINT64_CONSTANT (0x014F373BFDE04000)
#define TF_FILETIME_UNIX_EPOCH      G_GUINT64_CONSTANT (0x019DB1DED53E8000)
#define TF_FILETIME_NONE_4501       G_GUINT64_CONSTANT (0x0CB34557A3DD4000)
#define TF_FILETIME_MAX_9999        G_GUINT64_CONSTANT (0x24C85A5ED127A980)
#define TF_FILETIME_TICKS_PER_SEC   G_GUINT64_CONSTANT (10000000)
#define TF_FILETIME_UNIX_OFFSET_SEC G_GINT64_CONSTANT (11644473600)

typedef enum
{
  TF_TIME_CLASS_OK,
  TF_TIME_CLASS_ZERO,          /* 1601-01-01 00:00:00, the KB 938650 value */
  TF_TIME_CLASS_PRE_1900,      /* non-zero, before 1900-01-01 */
  TF_TIME_CLASS_NONE_4501,     /* Outlook's "none" sentinel: legitimate */
  TF_TIME_CLASS_OUT_OF_RANGE,  /* after 9999-12-31 23:59:59 */
} TfTimeClass;

TfTimeClass tf_filetime_classify      (guint64      filetime);
/* Seconds since the Unix epoch (may be negative), rounding toward -inf. */
gint64      tf_filetime_to_unix       (guint64      filetime);
guint64     tf_filetime_from_unix     (gint64       unix_seconds);
/* Returns FALSE when the instant cannot be a FILETIME (before 1601). */
gboolean    tf_filetime_from_date_time (GDateTime   *dt,
                                        guint64     *filetime);
/* "1601-01-01T00:00:00Z"; fractional seconds are shown only when non-zero
 * ("…T12:00:00.5Z"). Values past year 9999 render as "+30828-…" style
 * extended years rather than failing. */
char       *tf_filetime_format_iso    (guint64      filetime);
/* The same into @buf (TF_FILETIME_ISO_MAX bytes), NUL-terminated, without
 * allocating; returns its length */
#define TF_FILETIME_ISO_MAX 32
gsize tf_filetime_format_iso_buf (guint64 filetime,
                                  char *buf);
/* Human form, ISO 8601 24 h with a space: "1601-01-01 00:00:00".
 * If @local is TRUE the local time zone is used and its offset appended
 * ("2008-08-20 13:34:00 +02:00"); times GDateTime cannot represent fall back
 * to UTC. */
char       *tf_filetime_format_display (guint64     filetime,
                                        gboolean    local);
/* "0x0000000000000000" */
char       *tf_filetime_format_hex    (guint64      filetime);
/* The same into @buf (TF_FILETIME_HEX_MAX bytes), NUL-terminated */
#define TF_FILETIME_HEX_MAX 19
void tf_filetime_format_hex_buf (guint64 filetime,
                                 char *buf);
/* Parses an iCalendar UTC DATE-TIME ("20080820T113400Z"), also accepting
 * floating ("…T113400", taken as UTC) and DATE ("20080820"). */
gboolean    tf_filetime_parse_ical    (const char  *text,
                                       guint64     *filetime);
char       *tf_unix_format_iso        (gint64       unix_seconds);

G_END_DECLS
