/* tf-cli-scan.c — `trackfix-cli scan` and `trackfix-cli show`
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "tf-cli.h"
#include "tf-core.h"
#include "tf-json.h"

/* Printed for a value that is not there */
#define NONE "—"

typedef struct
{
  GMainLoop *loop;
  TfJsonWriter *json; /* NULL: readable table */
  GString *json_text; /* one batch of items, reused */
  gboolean problems_only;
  guint n_items;
  guint n_problems;
  guint n_problem_items;
  guint n_files;
  GError *error;
} ScanRun;

/* printf pads by bytes, but translated labels and names are UTF-8: count
 * character cells instead (East Asian wide characters take two). */
static int
text_cells (const char *text)
{
  int cells = 0;

  if (!g_utf8_validate (text, -1, NULL))
    return (int) strlen (text);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_iszerowidth (c))
        cells += g_unichar_iswide (c) ? 2 : 1;
    }

  return cells;
}

static char *
pad (const char *text,
     int width)
{
  return g_strdup_printf ("%s%*s", text, MAX (width - text_cells (text), 0), "");
}

static GOptionContext *
new_context (const char *parameter_string,
             const char *summary,
             const GOptionEntry *entries)
{
  GOptionContext *context = g_option_context_new (parameter_string);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  return context;
}

static void
write_out (const char *text)
{
  fputs (text, stdout);
}

static char *
format_track_time (TfRecipient *recipient)
{
  g_autofree char *iso = NULL;
  g_autofree char *hex = NULL;

  if (!tf_recipient_get_has_track_time (recipient))
    return g_strdup (NONE);

  iso = tf_filetime_format_iso (tf_recipient_get_track_time (recipient));
  hex = tf_filetime_format_hex (tf_recipient_get_track_time (recipient));

  return g_strdup_printf ("%s  %s", iso, hex);
}

static const char *
or_none (const char *text)
{
  return text != NULL && *text != '\0' ? text : NONE;
}

static const char *
track_status_label (TfRecipient *recipient,
                    char **buffer)
{
  int status = tf_recipient_get_track_status (recipient);
  const char *label;

  if (status == TF_TRACK_STATUS_ABSENT)
    return NONE;

  label = tf_track_status_get_label (status);
  if (label != NULL)
    return label;

  /* Translators: a track-status number that has no name, e.g. "value 9" */
  *buffer = g_strdup_printf (_ ("value %d"), status);

  return *buffer;
}

static void
print_findings (TfItem *item)
{
  guint n = tf_item_get_n_findings (item);
  int severity_width = 7;

  /* Translated labels can be longer than the English ones */
  for (guint i = 0; i < n; i++)
    severity_width = MAX (severity_width,
                          text_cells (tf_severity_get_label (tf_finding_get_severity (tf_item_get_finding (item, i)))));

  for (guint i = 0; i < n; i++)
    {
      TfFinding *finding = tf_item_get_finding (item, i);
      g_autofree char *severity = pad (tf_severity_get_label (tf_finding_get_severity (finding)), severity_width);

      /* The detail names the recipient already. */
      g_print ("    %s  %s  %s\n",
               severity,
               tf_finding_get_code_name (finding),
               tf_finding_get_detail (finding));
    }
}

static void
print_item_row (TfItem *item)
{
  guint n = tf_item_get_n_recipients (item);
  int type_width = 10;
  int status_width = 14;

  /* Translated labels can be longer than the English ones */
  for (guint i = 0; i < n; i++)
    {
      TfRecipient *recipient = tf_item_get_recipient (item, i);
      g_autofree char *status_buffer = NULL;

      type_width = MAX (type_width, text_cells (tf_recipient_type_get_label (tf_recipient_get_recipient_type (recipient))));
      status_width = MAX (status_width, text_cells (track_status_label (recipient, &status_buffer)));
    }

  g_print ("%s  [%s]  %s", tf_item_get_path (item), tf_kind_get_label (tf_item_get_kind (item)),
           or_none (tf_item_get_subject (item)));
  /* A mailbox export's folder: where to find the item in Outlook */
  if (tf_item_get_folder (item) != NULL)
    g_print ("  · %s", tf_item_get_folder (item));
  g_print ("\n");

  for (guint i = 0; i < n; i++)
    {
      TfRecipient *recipient = tf_item_get_recipient (item, i);
      g_autofree char *status_buffer = NULL;
      g_autofree char *time = format_track_time (recipient);
      g_autofree char *who = tf_recipient_dup_display (recipient);
      g_autofree char *type = pad (tf_recipient_type_get_label (tf_recipient_get_recipient_type (recipient)), type_width);
      g_autofree char *who_padded = pad (or_none (who), 48);
      g_autofree char *status = pad (track_status_label (recipient, &status_buffer), status_width);

      g_print ("    %s  %s  %s  %s\n", type, who_padded, status, time);
    }

  print_findings (item);
}

static void
count_item (ScanRun *run,
            TfItem *item)
{
  guint n = tf_item_get_n_problems (item);

  run->n_items++;
  run->n_problems += n;
  if (n > 0)
    run->n_problem_items++;
}

static void
scan_items_cb (GPtrArray *items,
               guint n_files_done,
               guint n_files_total,
               gpointer user_data)
{
  ScanRun *run = user_data;

  for (guint i = 0; i < items->len; i++)
    {
      TfItem *item = g_ptr_array_index (items, i);

      count_item (run, item);

      if (run->problems_only && tf_item_get_n_problems (item) == 0)
        {
          /* Not listed, but counted in the summary */
          if (run->json != NULL)
            tf_json_writer_count_item (run->json, item);
        }
      else if (run->json != NULL)
        tf_json_writer_append_item (run->json, item, run->json_text);
      else
        print_item_row (item);
    }

  /* One write per batch: no text per item to allocate, measure and copy */
  if (run->json != NULL)
    {
      fwrite (run->json_text->str, 1, run->json_text->len, stdout);
      g_string_truncate (run->json_text, 0);
    }
}

static void
scan_done_cb (GObject *object,
              GAsyncResult *result,
              gpointer user_data)
{
  ScanRun *run = user_data;

  tf_scanner_scan_finish (TF_SCANNER (object), result, &run->n_files, &run->error);
  g_main_loop_quit (run->loop);
}

static void
print_summary (guint n_files,
               guint n_items,
               guint n_problems,
               guint n_problem_items)
{
  g_autofree char *files = NULL;
  g_autofree char *items = NULL;
  g_autofree char *problems = NULL;
  g_autofree char *problem_items = NULL;

  /* Translators: part of the summary line, e.g. "12 files, 14 items: …" */
  files = g_strdup_printf (ngettext ("%u file", "%u files", n_files), n_files);
  /* Translators: part of the summary line; mbox files hold several items */
  items = g_strdup_printf (ngettext ("%u item", "%u items", n_items), n_items);

  if (n_problems == 0)
    {
      /* Translators: summary line, e.g. "12 files, 14 items: no problems found." */
      g_print (_ ("%s, %s: no problems found.\n"), files, items);
      return;
    }

  /* Translators: part of the summary line: findings of severity warning or error */
  problems = g_strdup_printf (ngettext ("%u problem", "%u problems", n_problems), n_problems);
  /* Translators: part of the summary line: "… in 3 items" */
  problem_items = g_strdup_printf (ngettext ("in %u item", "in %u items", n_problem_items),
                                   n_problem_items);
  /* Translators: summary line, e.g. "12 files, 14 items: 9 problems in 6 items." */
  g_print (_ ("%s, %s: %s %s.\n"), files, items, problems, problem_items);
}

int
tf_cli_scan (int argc,
             char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TfScanner) scanner = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (TfJsonWriter) json_writer = NULL;
  g_autoptr (GString) json_text = NULL;
  g_auto (GStrv) paths = NULL;
  gboolean json = FALSE;
  gboolean problems_only = FALSE;
  int jobs = 0;
  ScanRun run = { 0 };
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_ ("Print one JSON document instead of a table"), NULL },
    { "problems-only", 'p', 0, G_OPTION_ARG_NONE, &problems_only,
      N_ ("List only the items with problems (the summary still counts every item)"), NULL },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
      N_ ("Read with N worker threads (default: one per processor)"), N_ ("N") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, NULL },
    { NULL }
  };

  context = new_context (N_ ("PATH…"),
                         N_ ("Reads queue files (.eml), mbox, Maildir, TNEF (winmail.dat), Outlook .msg, "
                             "PST and OST mailbox exports, iCalendar and bounces — folders recursively — "
                             "and lists every meeting recipient’s track status and track-status time "
                             "with the problems found.\n\n"
                             "Exit status: 0 no problems, 1 problems found, 2 usage or I/O failure."),
                         entries);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      tf_cli_error ("%s", error->message);
      return TF_CLI_EXIT_FAILURE;
    }

  if (paths == NULL || paths[0] == NULL)
    {
      tf_cli_error (_ ("No PATH given. Run “trackfix-cli scan --help” for usage."));
      return TF_CLI_EXIT_FAILURE;
    }

  if (jobs < 0 || jobs > 256)
    {
      tf_cli_error (_ ("--jobs must be between 0 and 256."));
      return TF_CLI_EXIT_FAILURE;
    }

  /* Full buffering: a big scan prints a lot; nothing interactive here. */
  setvbuf (stdout, NULL, _IOFBF, 1 << 16);

  scanner = tf_scanner_new ();
  tf_scanner_set_ordered (scanner, TRUE);
  tf_scanner_set_n_workers (scanner, (guint) jobs);

  loop = g_main_loop_new (NULL, FALSE);
  if (json)
    {
      json_writer = tf_json_writer_new ();
      json_text = g_string_sized_new (1 << 16);
    }
  run.loop = loop;
  run.json = json_writer;
  run.json_text = json_text;
  run.problems_only = problems_only;

  /* Items are printed as they arrive and dropped: memory stays flat. */
  tf_scanner_scan_async (scanner, (const char *const *) paths, NULL,
                         scan_items_cb, &run, NULL, scan_done_cb, &run);
  g_main_loop_run (loop);

  if (run.error != NULL)
    {
      fflush (stdout);
      tf_cli_error ("%s", run.error->message);
      g_clear_error (&run.error);
      return TF_CLI_EXIT_FAILURE;
    }

  if (json)
    {
      g_autofree char *tail = tf_json_writer_finish (json_writer, run.n_files);

      write_out (tail);
    }
  else
    {
      if (run.n_items > 0)
        g_print ("\n");
      print_summary (run.n_files, run.n_items, run.n_problems, run.n_problem_items);
    }

  if (fflush (stdout) != 0)
    {
      tf_cli_error (_ ("Cannot write the output: %s"), g_strerror (errno));
      return TF_CLI_EXIT_FAILURE;
    }

  return run.n_problems > 0 ? TF_CLI_EXIT_FINDINGS : TF_CLI_EXIT_OK;
}

/* `show` */

static char *
prop_name (const TfProp *prop)
{
  if (tf_prop_is_ical (prop))
    return g_strdup (prop->name);

  if (prop->named)
    {
      g_autofree char *set = tf_mapi_guid_to_string (prop->guid);
      const char *known = NULL;

      if (prop->name != NULL)
        return g_strdup_printf ("%s:“%s”", set, prop->name);

      known = tf_mapi_named_get_name (prop->guid, prop->lid);
      if (known != NULL)
        return g_strdup (known);

      return g_strdup_printf ("%s:0x%04X", set, prop->lid);
    }

  return g_strdup (or_none (tf_mapi_tag_get_name (prop->tag)));
}

static char *
prop_value (const TfProp *prop)
{
  /* A PST table cell without a value: its bytes are no time (not 1601) */
  if (prop->absent)
    return g_strdup (prop->value != NULL ? prop->value : "");
  if (TF_PROP_TYPE (prop->tag) == TF_PT_SYSTIME)
    {
      g_autofree char *iso = tf_filetime_format_iso (prop->filetime);
      g_autofree char *hex = tf_filetime_format_hex (prop->filetime);

      return g_strdup_printf ("%s  %s", iso, hex);
    }

  return g_strdup (prop->value != NULL ? prop->value : "");
}

static void
print_props (GPtrArray *props)
{
  g_autofree char *tag_heading = NULL;
  g_autofree char *name_heading = NULL;
  g_autofree char *type_heading = NULL;
  g_autofree char *offset_heading = NULL;
  int offset_width;

  if (props == NULL || props->len == 0)
    {
      g_print ("    %s\n", _ ("(no MAPI properties)"));
      return;
    }

  /* Translators: column headings of a MAPI property table; keep them short */
  tag_heading = pad (_ ("Tag"), 10);
  name_heading = pad (_ ("Name"), 38);
  type_heading = pad (_ ("Type"), 12);
  /* 11 digits: offsets in files of 10 GB and more; or the heading's width */
  offset_width = MAX (11, text_cells (_ ("Offset")));
  offset_heading = pad (_ ("Offset"), offset_width);
  g_print ("    %s  %s  %s  %s  %s\n", tag_heading, name_heading, type_heading, offset_heading, _ ("Value"));

  for (guint i = 0; i < props->len; i++)
    {
      const TfProp *prop = g_ptr_array_index (props, i);
      g_autofree char *name = prop_name (prop);
      /* iCalendar properties have a name and a text value, no tag */
      g_autofree char *type = tf_prop_is_ical (prop) ? g_strdup ("TEXT") : tf_mapi_type_to_string (TF_PROP_TYPE (prop->tag));
      g_autofree char *tag = tf_prop_is_ical (prop) ? pad (NONE, 10) : g_strdup_printf ("0x%08X", prop->tag);
      g_autofree char *value = prop_value (prop);
      g_autofree char *offset_text = prop->offset >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, prop->offset)
                                                       : g_strdup (NONE);
      /* pad() counts cells, not bytes: NONE ("—") is three bytes wide */
      g_autofree char *offset = pad (offset_text, offset_width);

      g_print ("    %s  %-38s  %-12s  %s  %s\n", tag, name, type, offset, value);
    }
}

static void
print_field (const char *label,
             const char *value)
{
  g_autofree char *padded = pad (label, 22);

  g_print ("  %s %s\n", padded, or_none (value));
}

static void
print_recipient_full (TfRecipient *recipient,
                      guint index,
                      guint n)
{
  g_autofree char *who = tf_recipient_dup_display (recipient);
  g_autofree char *status_buffer = NULL;
  g_autofree char *time = format_track_time (recipient);
  g_autofree char *row = NULL;
  GPtrArray *props = tf_recipient_get_props (recipient);

  g_print ("\n");
  /* Translators: heading, e.g. "Recipient 2 of 5: Jane <jane@example.com>" */
  g_print (_ ("Recipient %u of %u: %s"), index + 1, n, or_none (who));
  g_print ("\n");

  print_field (_ ("Type:"), tf_recipient_type_get_label (tf_recipient_get_recipient_type (recipient)));
  print_field (_ ("Source:"), tf_source_get_label (tf_recipient_get_source (recipient)));
  if (tf_recipient_get_row (recipient) >= 0)
    {
      row = g_strdup_printf ("%d", tf_recipient_get_row (recipient));
      print_field (_ ("Row:"), row);
    }
  if (tf_recipient_get_embedded (recipient) != NULL)
    {
      g_autofree char *where = tf_recipient_dup_embedded_label (recipient);

      print_field (_ ("Embedded message:"), where);
    }
  print_field (_ ("Track status:"), track_status_label (recipient, &status_buffer));
  print_field (_ ("Track-status time:"), time);
  if (tf_recipient_get_partstat (recipient) != NULL)
    print_field ("PARTSTAT:", tf_recipient_get_partstat (recipient));
  if (tf_recipient_get_role (recipient) != NULL)
    print_field ("ROLE:", tf_recipient_get_role (recipient));
  if (tf_recipient_get_dsn_status (recipient) != NULL || tf_recipient_get_dsn_action (recipient) != NULL)
    {
      print_field ("Action:", tf_recipient_get_dsn_action (recipient));
      print_field ("Status:", tf_recipient_get_dsn_status (recipient));
      print_field ("Diagnostic-Code:", tf_recipient_get_dsn_diagnostic (recipient));
    }

  if (props != NULL)
    print_props (props);
}

static void
print_item_full (TfItem *item)
{
  g_autofree char *sent = NULL;
  g_autofree char *sequence = NULL;
  guint n = tf_item_get_n_recipients (item);

  if (tf_item_get_sent (item) != G_MININT64)
    sent = tf_unix_format_iso (tf_item_get_sent (item));
  if (tf_item_get_sequence (item) >= 0)
    sequence = g_strdup_printf ("%d", tf_item_get_sequence (item));

  g_print ("%s\n", tf_item_get_path (item));
  print_field (_ ("Format:"), tf_format_get_label (tf_item_get_format (item)));
  print_field (_ ("Kind:"), tf_kind_get_label (tf_item_get_kind (item)));
  /* Translators: folder of a message inside a PST/OST mailbox file */
  print_field (_ ("Folder:"), tf_item_get_folder (item));
  /* Translators: PST/OST node id (NID), as hex */
  print_field (_ ("Node id:"), tf_item_get_nid (item));
  print_field (_ ("Message class:"), tf_item_get_message_class (item));
  print_field (_ ("iCalendar method:"), tf_item_get_ical_method (item));
  print_field (_ ("Subject:"), tf_item_get_subject (item));
  print_field (_ ("From:"), tf_item_get_from (item));
  print_field (_ ("UID:"), tf_item_get_uid (item));
  print_field (_ ("Sequence:"), sequence);
  print_field (_ ("Sent:"), sent);

  if (tf_item_get_props (item) != NULL)
    {
      g_print ("\n%s\n", _ ("Message properties:"));
      print_props (tf_item_get_props (item));
    }

  if (n == 0)
    g_print ("\n%s\n", _ ("No recipients."));
  for (guint i = 0; i < n; i++)
    print_recipient_full (tf_item_get_recipient (item, i), i, n);

  g_print ("\n%s\n", _ ("Findings:"));
  if (tf_item_get_n_findings (item) == 0)
    g_print ("    %s\n", _ ("None."));
  print_findings (item);
}

int
tf_cli_show (int argc,
             char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_auto (GStrv) files = NULL;
  gboolean json = FALSE;
  guint n_problems = 0;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_ ("Print one JSON document instead of text"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, NULL },
    { NULL }
  };

  context = new_context (N_ ("FILE"),
                         N_ ("Shows one file in full, like MFCMAPI’s recipient table: every recipient "
                             "with every MAPI property read (tag, name, type, value; times in ISO 8601 "
                             "UTC with the raw FILETIME), then the problems found. For one message of a "
                             "PST or OST file give the path scan prints, e.g. export.pst#0x00214A44.\n\n"
                             "Exit status: 0 no problems, 1 problems found, 2 usage or I/O failure."),
                         entries);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      tf_cli_error ("%s", error->message);
      return TF_CLI_EXIT_FAILURE;
    }

  if (files == NULL || files[0] == NULL || files[1] != NULL)
    {
      tf_cli_error (_ ("Give exactly one FILE. Run “trackfix-cli show --help” for usage."));
      return TF_CLI_EXIT_FAILURE;
    }

  items = g_ptr_array_new_with_free_func (g_object_unref);
  if (!tf_read_item_path (files[0], TF_READ_FULL, items, &error))
    {
      /* Translators: "%s: %s" is a file name and an error message */
      tf_cli_error (_ ("%s: %s"), files[0], error->message);
      return TF_CLI_EXIT_FAILURE;
    }

  for (guint i = 0; i < items->len; i++)
    n_problems += tf_item_get_n_problems (g_ptr_array_index (items, i));

  if (json)
    {
      g_autofree char *text = tf_items_to_json_document (items, 1);

      write_out (text);
    }
  else
    {
      for (guint i = 0; i < items->len; i++)
        {
          if (i > 0)
            g_print ("\n");
          print_item_full (g_ptr_array_index (items, i));
        }
    }

  if (fflush (stdout) != 0)
    {
      tf_cli_error (_ ("Cannot write the output: %s"), g_strerror (errno));
      return TF_CLI_EXIT_FAILURE;
    }

  return n_problems > 0 ? TF_CLI_EXIT_FINDINGS : TF_CLI_EXIT_OK;
}
