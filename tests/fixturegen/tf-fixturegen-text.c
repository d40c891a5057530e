/* tf-fixturegen-text.c — TEST-ONLY fixture generator (see tf-fixturegen.h):
 * iCalendar, RFC 5322 queue messages and delivery reports
 *
 * Written with plain GString on purpose: fixtures need byte-exact control
 * (CRLF, folding, verbatim property values such as "16010101T000000Z"
 * that a calendar library would normalise or refuse).
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gmime/gmime.h>
#include <string.h>

#include "tf-fixturegen.h"

#define CRLF "\r\n"
#define ICAL_FOLD_OCTETS 75
#define BASE64_LINE 76

/* Appends one content line folded at 75 octets (RFC 5545 §3.1), never
 * splitting a UTF-8 sequence, then CRLF. */
static void
append_folded (GString *out,
               const char *line)
{
  gsize len = strlen (line);
  gsize pos = 0;
  gsize limit = ICAL_FOLD_OCTETS;

  while (len - pos > limit)
    {
      gsize cut = pos + limit;

      /* back up to the start of a UTF-8 character */
      while (cut > pos && ((guchar) line[cut] & 0xC0) == 0x80)
        cut--;

      g_string_append_len (out, line + pos, (gssize) (cut - pos));
      g_string_append (out, CRLF " ");
      pos = cut;
      /* continuation lines start with the folding space */
      limit = ICAL_FOLD_OCTETS - 1;
    }

  g_string_append (out, line + pos);
  g_string_append (out, CRLF);
}

static void
append_line_printf (GString *out,
                    const char *format,
                    ...) G_GNUC_PRINTF (2, 3);

static void
append_line_printf (GString *out,
                    const char *format,
                    ...)
{
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);

  append_folded (out, line);
}

/* TEXT value escaping (RFC 5545 §3.3.11) */
static char *
escape_text (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '\\':
        case ';':
        case ',':
          g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          break;
        default:
          g_string_append_c (out, *p);
        }
    }

  return g_string_free (out, FALSE);
}

/* Parameter value, quoted when it holds ':' ';' or ',' (RFC 5545 §3.2);
 * DQUOTE itself cannot appear and is dropped. */
static char *
param_value (const char *value)
{
  GString *out = g_string_new (NULL);
  gboolean quote = strpbrk (value, ":;,") != NULL;

  if (quote)
    g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    if (*p != '"' && *p != '\r' && *p != '\n')
      g_string_append_c (out, *p);
  if (quote)
    g_string_append_c (out, '"');

  return g_string_free (out, FALSE);
}

static char *
format_ical_utc (gint64 unix_seconds)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);

  if (dt == NULL)
    return g_strdup ("19700101T000000Z");

  return g_date_time_format (dt, "%Y%m%dT%H%M%SZ");
}

static char *
format_rfc5322_date (gint64 unix_seconds)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);

  if (dt == NULL)
    dt = g_date_time_new_from_unix_utc (0);

  /* RFC 5322 §3.3, always in English */
  return g_mime_utils_header_format_date (dt);
}

static void
recase (char *p,
        gsize n,
        TfGenNameCase name_case)
{
  for (gsize i = 0; i < n; i++)
    p[i] = name_case == TF_GEN_CASE_LOWER || i % 2 == 1 ? g_ascii_tolower (p[i]) : g_ascii_toupper (p[i]);
}

/* Re-cases the names (and the enumerated values RFC 5545 also makes
 * case-insensitive) of every content line of @text in place. */
static void
recase_names (char *text,
              TfGenNameCase name_case)
{
  for (char *line = text; *line != '\0';)
    {
      gsize len = strcspn (line, "\r\n");
      gsize name = strcspn (line, ";:\r\n");
      char *colon = memchr (line, ':', len);

      if (line[0] != ' ' && colon != NULL)
        {
          gboolean recase_value = (name == 5 && g_ascii_strncasecmp (line, "BEGIN", 5) == 0)
                                  || (name == 3 && g_ascii_strncasecmp (line, "END", 3) == 0)
                                  || (name == 6 && g_ascii_strncasecmp (line, "METHOD", 6) == 0);

          recase (line, name, name_case);
          /* parameter names, and PARTSTAT values */
          for (char *p = line + name; p < colon && *p == ';';)
            {
              gsize pname = strcspn (p + 1, "=:");
              gsize pvalue;

              recase (p + 1, pname, name_case);
              pvalue = strcspn (p + 1 + pname + 1, ";:");
              if (pname == 8 && g_ascii_strncasecmp (p + 1, "PARTSTAT", 8) == 0)
                recase (p + 1 + pname + 1, pvalue, name_case);
              p += 1 + pname + 1 + pvalue;
            }
          if (recase_value)
            recase (colon + 1, line + len - colon - 1, name_case);
        }
      line += len + strspn (line + len, "\r\n");
    }
}

/**
 * tf_gen_ics:
 *
 * One VCALENDAR with one VEVENT. DTSTART/DTEND are derived from DTSTAMP
 * (next day, one hour) so a REQUEST is complete. A NULL @uid gets a random
 * UUID; SEQUENCE and X-MICROSOFT-CDO-APPT-SEQUENCE are written when
 * @sequence >= 0; the critical-change values are written verbatim.
 */
GBytes *
tf_gen_ics (const TfGenEvent *event)
{
  GString *out;
  g_autofree char *dtstamp = NULL;
  g_autofree char *dtstart = NULL;
  g_autofree char *dtend = NULL;
  g_autofree char *random_uid = NULL;
  gint64 start;

  g_return_val_if_fail (event != NULL, NULL);
  g_return_val_if_fail (event->n_attendees == 0 || event->attendees != NULL, NULL);

  dtstamp = format_ical_utc (event->dtstamp);
  start = (event->dtstamp / 3600 + 24) * 3600;
  dtstart = format_ical_utc (start);
  dtend = format_ical_utc (start + 3600);
  if (event->uid == NULL)
    random_uid = g_uuid_string_random ();

  out = g_string_new (NULL);
  append_folded (out, "BEGIN:VCALENDAR");
  append_folded (out, "PRODID:-//Trackfix//Test Fixture Generator//EN");
  append_folded (out, "VERSION:2.0");
  if (event->method != NULL)
    append_line_printf (out, "METHOD:%s", event->method);
  append_folded (out, "BEGIN:VEVENT");

  if (event->organizer != NULL)
    append_line_printf (out, "ORGANIZER:mailto:%s", event->organizer);

  for (guint i = 0; i < event->n_attendees; i++)
    {
      const TfGenAttendee *attendee = &event->attendees[i];
      GString *line = g_string_new ("ATTENDEE");

      if (attendee->name != NULL)
        {
          g_autofree char *cn = param_value (attendee->name);
          g_string_append_printf (line, ";CN=%s", cn);
        }
      if (attendee->role != NULL)
        g_string_append_printf (line, ";ROLE=%s", attendee->role);
      if (attendee->partstat != NULL)
        g_string_append_printf (line, ";PARTSTAT=%s", attendee->partstat);
      g_string_append_printf (line, ":mailto:%s", attendee->address);

      append_folded (out, line->str);
      g_string_free (line, TRUE);
    }

  append_line_printf (out, "UID:%s", event->uid != NULL ? event->uid : random_uid);
  if (event->sequence >= 0)
    append_line_printf (out, "SEQUENCE:%d", event->sequence);
  append_line_printf (out, "DTSTAMP:%s", dtstamp);
  append_line_printf (out, "DTSTART:%s", dtstart);
  append_line_printf (out, "DTEND:%s", dtend);
  if (event->summary != NULL)
    {
      g_autofree char *summary = escape_text (event->summary);
      append_line_printf (out, "SUMMARY:%s", summary);
    }
  if (event->sequence >= 0)
    append_line_printf (out, "X-MICROSOFT-CDO-APPT-SEQUENCE:%d", event->sequence);
  if (event->owner_cc != NULL)
    append_line_printf (out, "X-MICROSOFT-CDO-OWNER-CRITICAL-CHANGE:%s", event->owner_cc);
  if (event->attendee_cc != NULL)
    append_line_printf (out, "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:%s", event->attendee_cc);

  append_folded (out, "END:VEVENT");
  append_folded (out, "END:VCALENDAR");

  if (event->name_case != TF_GEN_CASE_UPPER)
    recase_names (out->str, event->name_case);

  return g_string_free_to_bytes (out);
}

/* Header value: RFC 2047-encoded when it is not plain ASCII. */
static char *
header_text (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      return g_mime_utils_header_encode_text (NULL, text, "utf-8");

  return g_strdup (text);
}

static void
append_base64 (GString *out,
               GBytes *data)
{
  gsize len = 0;
  const guchar *bytes = g_bytes_get_data (data, &len);
  g_autofree char *encoded = g_base64_encode (bytes, len);
  gsize total = strlen (encoded);

  for (gsize pos = 0; pos < total; pos += BASE64_LINE)
    {
      g_string_append_len (out, encoded + pos, (gssize) MIN (BASE64_LINE, total - pos));
      g_string_append (out, CRLF);
    }
}

/* The bytes of @data with bare LF turned into CRLF (text bodies). */
static void
append_crlf_text (GString *out,
                  GBytes *data)
{
  gsize len = 0;
  const char *text = g_bytes_get_data (data, &len);

  for (gsize i = 0; i < len; i++)
    {
      if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
        g_string_append_c (out, '\r');
      g_string_append_c (out, text[i]);
    }

  if (len > 0 && text[len - 1] != '\n')
    g_string_append (out, CRLF);
}

static void
append_alternative (GString *out,
                    const char *boundary,
                    const char *subject,
                    GBytes *ics,
                    const char *ical_method)
{
  g_string_append_printf (out, "Content-Type: multipart/alternative;" CRLF "\tboundary=\"%s\"" CRLF CRLF, boundary);

  g_string_append_printf (out, "--%s" CRLF, boundary);
  g_string_append (out, "Content-Type: text/plain; charset=\"utf-8\"" CRLF
                        "Content-Transfer-Encoding: 8bit" CRLF CRLF);
  g_string_append_printf (out, "%s" CRLF CRLF, subject != NULL ? subject : "");

  g_string_append_printf (out, "--%s" CRLF, boundary);
  if (ical_method != NULL)
    g_string_append_printf (out, "Content-Type: text/calendar; charset=\"utf-8\"; method=%s" CRLF, ical_method);
  else
    g_string_append (out, "Content-Type: text/calendar; charset=\"utf-8\"" CRLF);
  g_string_append (out, "Content-Transfer-Encoding: 8bit" CRLF CRLF);
  append_crlf_text (out, ics);
  g_string_append_printf (out, CRLF "--%s--" CRLF, boundary);
}

/* Quoted-printable for binary data (RFC 2045 6.7): every byte outside
 * 33..126, and '=', as =XX (CR and LF too: the data has no lines), lines
 * of at most 76 characters ending in a soft line break "=" CRLF. */
static void
append_qp_binary (GString *out,
                  GBytes *data)
{
  gsize len = 0;
  const guint8 *bytes = g_bytes_get_data (data, &len);
  guint column = 0;

  for (gsize i = 0; i < len; i++)
    {
      guint8 c = bytes[i];
      guint width = (c >= 33 && c <= 126 && c != '=') ? 1 : 3;

      /* Keep room for the soft break's '=' */
      if (column + width > 75)
        {
          g_string_append (out, "=" CRLF);
          column = 0;
        }
      if (width == 1)
        g_string_append_c (out, (char) c);
      else
        g_string_append_printf (out, "=%02X", c);
      column += width;
    }
  g_string_append (out, CRLF);
}

static void
append_tnef_part (GString *out,
                  const char *boundary,
                  GBytes *tnef,
                  gboolean qp)
{
  g_string_append_printf (out, "--%s" CRLF, boundary);
  g_string_append_printf (out, "Content-Type: application/ms-tnef; name=\"winmail.dat\"" CRLF "Content-Transfer-Encoding: %s" CRLF "Content-Disposition: attachment; filename=\"winmail.dat\"" CRLF CRLF,
                          qp ? "quoted-printable" : "base64");
  if (qp)
    append_qp_binary (out, tnef);
  else
    append_base64 (out, tnef);
  g_string_append (out, CRLF);
}

/* A stable Message-ID from the message's content */
static char *
make_message_id (const char *from,
                 const char *subject,
                 gint64 date)
{
  g_autofree char *seed = g_strdup_printf ("%s|%s|%" G_GINT64_FORMAT, from, subject != NULL ? subject : "", date);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA1, seed, -1);
  const char *at = strrchr (from, '@');

  return g_strdup_printf ("<%.24s@%s>", hash, at != NULL ? at + 1 : "trackfix.example");
}

static GBytes *
gen_eml (const char *from,
         const char *to,
         const char *subject,
         gint64 date,
         GBytes *tnef,
         gboolean tnef_qp,
         GBytes *ics,
         const char *ical_method,
         gboolean with_envelope)
{
  GString *out;
  g_autofree char *date_text = NULL;
  g_autofree char *message_id = NULL;
  g_autofree char *encoded_subject = NULL;

  g_return_val_if_fail (from != NULL, NULL);
  g_return_val_if_fail (to != NULL, NULL);

  g_mime_init ();

  date_text = format_rfc5322_date (date);
  message_id = make_message_id (from, subject, date);
  encoded_subject = header_text (subject != NULL ? subject : "");

  out = g_string_new (NULL);

  if (with_envelope)
    {
      g_auto (GStrv) receivers = g_strsplit (to, ",", -1);

      /* Exchange 2003 Drop-folder envelope, before the RFC 822 headers */
      g_string_append_printf (out, "x-sender: %s" CRLF, from);
      for (guint i = 0; receivers[i] != NULL; i++)
        {
          g_autofree char *receiver = g_strstrip (g_strdup (receivers[i]));

          if (*receiver != '\0')
            g_string_append_printf (out, "x-receiver: %s" CRLF, receiver);
        }
    }

  g_string_append_printf (out, "Received: from mail.trackfix.example by exchange2003.trackfix.example"
                               " with Microsoft SMTPSVC(6.0.3790.3959);" CRLF "\t%s" CRLF,
                          date_text);
  g_string_append_printf (out, "From: %s" CRLF, from);
  g_string_append_printf (out, "To: %s" CRLF, to);
  g_string_append_printf (out, "Subject: %s" CRLF, encoded_subject);
  g_string_append_printf (out, "Date: %s" CRLF, date_text);
  g_string_append_printf (out, "Message-ID: %s" CRLF, message_id);
  g_string_append (out, "MIME-Version: 1.0" CRLF);
  if (tnef != NULL)
    g_string_append (out, "X-MS-Has-Attach: " CRLF "X-MS-TNEF-Correlator: " CRLF);

  if (tnef != NULL)
    {
      const char *mixed = "----=_NextPart_000_0000_01C8FFFF.00000001";

      g_string_append_printf (out, "Content-Type: multipart/mixed;" CRLF "\tboundary=\"%s\"" CRLF CRLF, mixed);
      g_string_append (out, "This is a multi-part message in MIME format." CRLF CRLF);
      g_string_append_printf (out, "--%s" CRLF, mixed);

      if (ics != NULL)
        {
          append_alternative (out, "----=_NextPart_001_0001_01C8FFFF.00000002",
                              subject, ics, ical_method);
          g_string_append (out, CRLF);
        }
      else
        {
          g_string_append (out, "Content-Type: text/plain; charset=\"utf-8\"" CRLF
                                "Content-Transfer-Encoding: 8bit" CRLF CRLF);
          g_string_append_printf (out, "%s" CRLF CRLF, subject != NULL ? subject : "");
        }

      append_tnef_part (out, mixed, tnef, tnef_qp);
      g_string_append_printf (out, "--%s--" CRLF, mixed);
    }
  else if (ics != NULL)
    {
      append_alternative (out, "----=_NextPart_001_0001_01C8FFFF.00000002",
                          subject, ics, ical_method);
    }
  else
    {
      g_string_append (out, "Content-Type: text/plain; charset=\"utf-8\"" CRLF
                            "Content-Transfer-Encoding: 8bit" CRLF CRLF);
      g_string_append_printf (out, "%s" CRLF, subject != NULL ? subject : "");
    }

  return g_string_free_to_bytes (out);
}

/**
 * tf_gen_eml:
 *
 * Layouts and their MIME part numbers:
 * - no attachment: text/plain (0)
 * - @ics only: multipart/alternative (0) { text/plain (1), text/calendar (2) }
 * - @tnef only: multipart/mixed (0) { text/plain (1), application/ms-tnef (2) }
 * - both: multipart/mixed (0) { multipart/alternative (1) { text/plain (2),
 *   text/calendar (3) }, application/ms-tnef (4) }
 * @to may list several addresses separated by commas; each gets its own
 * X-Receiver envelope line.
 */
GBytes *
tf_gen_eml (const char *from,
            const char *to,
            const char *subject,
            gint64 date,
            GBytes *tnef,
            GBytes *ics,
            const char *ical_method,
            gboolean with_envelope)
{
  return gen_eml (from, to, subject, date, tnef, FALSE, ics, ical_method, with_envelope);
}

/**
 * tf_gen_eml_tnef_qp:
 *
 * Like tf_gen_eml() with @tnef and no calendar text, but the winmail.dat
 * part is quoted-printable: multipart/mixed (0) { text/plain (1),
 * application/ms-tnef (2) }.
 */
GBytes *
tf_gen_eml_tnef_qp (const char *from,
                    const char *to,
                    const char *subject,
                    gint64 date,
                    GBytes *tnef)
{
  g_return_val_if_fail (tnef != NULL, NULL);

  return gen_eml (from, to, subject, date, tnef, TRUE, NULL, NULL, TRUE);
}

static const char *
status_sentence (const char *status)
{
  if (g_strcmp0 (status, "4.4.7") == 0)
    return "Could not deliver the message in the time limit specified.  Please retry or contact your administrator.";
  if (g_str_has_prefix (status, "5.1."))
    return "The e-mail account does not exist at the organization this message was sent to.";

  return "The message could not be delivered.";
}

/**
 * tf_gen_text_ndr:
 *
 * An Exchange 2003 / IMS text NDR: one text/plain body, no
 * message/delivery-status part. Each of @recipient_lines is written as
 * given ("'user@example.com' on 8/22/2008 11:34 AM", "\"Name\"
 * <user@example.com>", "user@example.com #4.4.7 X.400; …"), followed, unless
 * it holds the status itself, by the reason and "<mta #status>".
 */
GBytes *
tf_gen_text_ndr (const char *reporting_mta,
                 const char *const *recipient_lines,
                 const char *status,
                 const char *subject,
                 gint64 date)
{
  g_autofree char *date_text = NULL;
  g_autofree char *sent_text = NULL;
  g_autofree char *message_id = NULL;
  const char *domain;
  GString *out;

  g_return_val_if_fail (reporting_mta != NULL, NULL);
  g_return_val_if_fail (recipient_lines != NULL, NULL);
  g_return_val_if_fail (status != NULL, NULL);

  g_mime_init ();

  domain = strchr (reporting_mta, '.');
  domain = domain != NULL ? domain + 1 : reporting_mta;
  date_text = format_rfc5322_date (date);
  sent_text = format_rfc5322_date (date - 2 * 24 * 3600);
  message_id = make_message_id (reporting_mta, subject, date);

  out = g_string_new (NULL);
  g_string_append_printf (out, "From: System Administrator <postmaster@%s>" CRLF, domain);
  g_string_append_printf (out, "To: organizer@%s" CRLF, domain);
  g_string_append_printf (out, "Subject: Undeliverable: %s" CRLF, subject != NULL ? subject : "");
  g_string_append_printf (out, "Date: %s" CRLF, date_text);
  g_string_append_printf (out, "Message-ID: %s" CRLF, message_id);
  g_string_append (out, "MIME-Version: 1.0" CRLF);
  g_string_append (out, "Content-Type: text/plain; charset=\"us-ascii\"" CRLF
                        "Content-Transfer-Encoding: 7bit" CRLF CRLF);
  g_string_append (out, "Your message did not reach some or all of the intended recipients." CRLF CRLF);
  g_string_append_printf (out, "      Subject:\t%s" CRLF, subject != NULL ? subject : "");
  g_string_append_printf (out, "      Sent:\t%s" CRLF CRLF, sent_text);
  g_string_append (out, "The following recipient(s) could not be reached:" CRLF CRLF);
  for (guint i = 0; recipient_lines[i] != NULL; i++)
    {
      g_string_append_printf (out, "      %s" CRLF, recipient_lines[i]);
      if (strchr (recipient_lines[i], '#') == NULL)
        {
          g_string_append_printf (out, "            %s" CRLF, status_sentence (status));
          g_string_append_printf (out, "            <%s #%s>" CRLF, reporting_mta, status);
        }
      g_string_append (out, CRLF);
    }

  return g_string_free_to_bytes (out);
}

/**
 * tf_gen_dsn:
 *
 * multipart/report; report-type=delivery-status (0) { text/plain (1) in the
 * Exchange 2003 wording ending "<@reporting_mta #status>",
 * message/delivery-status (2), text/rfc822-headers (3) }. The report goes
 * to organizer@ the reporting MTA's domain (the original sender).
 */
GBytes *
tf_gen_dsn (const char *reporting_mta,
            const char *const *recipients,
            const char *status,
            const char *subject,
            gint64 date)
{
  const char *boundary = "----=_NextPart_000_0000_01C8FFFF.0000DSN0";
  g_autofree char *date_text = NULL;
  g_autofree char *sent_text = NULL;
  g_autofree char *sender = NULL;
  g_autofree char *message_id = NULL;
  g_autofree char *encoded_subject = NULL;
  const char *domain;
  GString *out;

  g_return_val_if_fail (reporting_mta != NULL, NULL);
  g_return_val_if_fail (recipients != NULL, NULL);
  g_return_val_if_fail (status != NULL, NULL);

  g_mime_init ();

  domain = strchr (reporting_mta, '.');
  domain = domain != NULL ? domain + 1 : reporting_mta;
  sender = g_strdup_printf ("organizer@%s", domain);
  date_text = format_rfc5322_date (date);
  /* Exchange's default expiry: the update sat in the queue for two days */
  sent_text = format_rfc5322_date (date - 2 * 24 * 3600);
  message_id = make_message_id (reporting_mta, subject, date);
  encoded_subject = header_text (subject != NULL ? subject : "");

  out = g_string_new (NULL);
  g_string_append_printf (out, "From: postmaster@%s" CRLF, domain);
  g_string_append_printf (out, "To: %s" CRLF, sender);
  g_string_append_printf (out, "Subject: Undeliverable: %s" CRLF, encoded_subject);
  g_string_append_printf (out, "Date: %s" CRLF, date_text);
  g_string_append_printf (out, "Message-ID: %s" CRLF, message_id);
  g_string_append (out, "MIME-Version: 1.0" CRLF);
  g_string_append (out, "X-MS-Embedded-Report: " CRLF);
  g_string_append_printf (out, "Content-Type: multipart/report; report-type=delivery-status;" CRLF "\tboundary=\"%s\"" CRLF CRLF,
                          boundary);
  g_string_append (out, "This is a MIME-encapsulated message" CRLF CRLF);

  /* 1: the human-readable Exchange 2003 text */
  g_string_append_printf (out, "--%s" CRLF, boundary);
  g_string_append (out, "Content-Type: text/plain; charset=\"us-ascii\"" CRLF
                        "Content-Transfer-Encoding: 7bit" CRLF CRLF);
  g_string_append (out, "Your message did not reach some or all of the intended recipients." CRLF CRLF);
  g_string_append_printf (out, "      Subject:\t%s" CRLF, subject != NULL ? subject : "");
  g_string_append_printf (out, "      Sent:\t%s" CRLF CRLF, sent_text);
  g_string_append (out, "The following recipient(s) could not be reached:" CRLF CRLF);
  for (guint i = 0; recipients[i] != NULL; i++)
    {
      g_string_append_printf (out, "      %s on %s" CRLF, recipients[i], date_text);
      g_string_append_printf (out, "            %s" CRLF, status_sentence (status));
      g_string_append_printf (out, "            <%s #%s>" CRLF CRLF, reporting_mta, status);
    }

  /* 2: the machine-readable report (RFC 3464) */
  g_string_append_printf (out, "--%s" CRLF, boundary);
  g_string_append (out, "Content-Type: message/delivery-status" CRLF CRLF);
  g_string_append_printf (out, "Reporting-MTA: dns;%s" CRLF, reporting_mta);
  g_string_append_printf (out, "Arrival-Date: %s" CRLF, sent_text);
  for (guint i = 0; recipients[i] != NULL; i++)
    {
      g_string_append (out, CRLF);
      g_string_append_printf (out, "Final-Recipient: rfc822;%s" CRLF, recipients[i]);
      g_string_append (out, "Action: failed" CRLF);
      g_string_append_printf (out, "Status: %s" CRLF, status);
      if (g_strcmp0 (status, "4.4.7") == 0)
        g_string_append_printf (out, "Diagnostic-Code: smtp;400 %s Message expired in queue" CRLF, status);
      g_string_append_printf (out, "Last-Attempt-Date: %s" CRLF, date_text);
    }
  g_string_append (out, CRLF);

  /* 3: the headers of the message that expired */
  g_string_append_printf (out, "--%s" CRLF, boundary);
  g_string_append (out, "Content-Type: text/rfc822-headers" CRLF CRLF);
  g_string_append_printf (out, "From: %s" CRLF, sender);
  g_string_append (out, "To: ");
  for (guint i = 0; recipients[i] != NULL; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", recipients[i]);
  g_string_append (out, CRLF);
  g_string_append_printf (out, "Subject: %s" CRLF, encoded_subject);
  g_string_append_printf (out, "Date: %s" CRLF CRLF, sent_text);
  g_string_append_printf (out, "--%s--" CRLF, boundary);

  return g_string_free_to_bytes (out);
}
