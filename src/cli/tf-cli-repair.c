/* tf-cli-repair.c — `trackfix-cli repair`, `undo` and `queue`
 *
 * Copyright 2026 The Trackfix authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "tf-cli.h"
#include "tf-core.h"
#include "tf-pst.h"
#include "tf-repair.h"

/* Thin: the scanner reads, the repair engine plans and writes; this file
 * only turns options into calls and results into text or JSON. */

static GOptionContext *
new_context (const char *parameter_string,
             const char *summary,
             const char *description,
             const GOptionEntry *entries)
{
  GOptionContext *context = g_option_context_new (parameter_string);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  if (description != NULL)
    g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return context;
}

static char *
defaults_description (void)
{
  g_autofree char *journal = tf_journal_default_path ();
  g_autofree char *backups = tf_journal_default_backup_dir ();

  /* Translators: %1$s and %2$s are paths */
  return g_strdup_printf (_ ("Defaults:\n  --journal     %1$s\n  --backup-dir  %2$s\n"),
                          journal, backups);
}

static int
exit_for_error (const GError *error)
{
  if (error == NULL)
    return TF_CLI_EXIT_FINDINGS;
  if (error->domain == G_IO_ERROR || (error->domain == TF_ERROR && error->code == TF_ERROR_IO))
    return TF_CLI_EXIT_FAILURE;
  return TF_CLI_EXIT_FINDINGS;
}

static void
print_json (JsonBuilder *builder)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

static void
add_string (JsonBuilder *builder,
            const char *name,
            const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_time (JsonBuilder *builder,
          const char *name,
          gboolean has_value,
          guint64 filetime)
{
  json_builder_set_member_name (builder, name);
  if (!has_value)
    {
      json_builder_add_null_value (builder);
      return;
    }
  {
    g_autofree char *iso = tf_filetime_format_iso (filetime);
    g_autofree char *hex = tf_filetime_format_hex (filetime);

    json_builder_begin_object (builder);
    add_string (builder, "iso", iso);
    add_string (builder, "filetime", hex);
    json_builder_end_object (builder);
  }
}

static void
add_result (JsonBuilder *builder,
            TfRepairResult *result)
{
  json_builder_begin_object (builder);
  add_string (builder, "file", tf_repair_result_get_file_path (result));
  add_string (builder, "action", tf_repair_result_get_action (result));
  add_string (builder, "status", tf_repair_status_to_string (tf_repair_result_get_status (result)));
  add_string (builder, "message", tf_repair_result_get_message (result));
  add_string (builder, "sha256_before", tf_repair_result_get_sha256_before (result));
  add_string (builder, "sha256_after", tf_repair_result_get_sha256_after (result));
  add_string (builder, "backup", tf_repair_result_get_backup (result));
  add_string (builder, "target", tf_repair_result_get_target (result));
  add_string (builder, "run_id", tf_repair_result_get_run_id (result));
  json_builder_end_object (builder);
}

static void
add_change (JsonBuilder *builder,
            TfRepairChange *change)
{
  TfItem *value_item = tf_repair_change_get_value_item (change);
  gboolean repairable = tf_repair_change_get_repairable (change);

  json_builder_begin_object (builder);
  add_string (builder, "file", tf_repair_change_get_file_path (change));
  add_string (builder, "path", tf_item_get_path (tf_repair_change_get_item (change)));
  add_string (builder, "recipient", tf_repair_change_get_address (change));
  add_string (builder, "code", tf_finding_code_to_string (tf_repair_change_get_code (change)));
  json_builder_set_member_name (builder, "repairable");
  json_builder_add_boolean_value (builder, repairable);
  add_string (builder, "reason", tf_repair_change_get_reason (change));
  add_time (builder, "old_value", tf_repair_change_get_has_old_value (change), tf_repair_change_get_old_value (change));
  add_time (builder, "new_value", repairable, tf_repair_change_get_new_value (change));
  add_string (builder, "value_source", tf_repair_value_source_to_string (tf_repair_change_get_value_source (change)));
  add_string (builder, "explanation", tf_repair_change_get_explanation (change));
  add_string (builder, "value_from", value_item ? tf_item_get_path (value_item) : NULL);
  json_builder_end_object (builder);
}

static void
print_change (TfRepairChange *change)
{
  g_autofree char *desc = tf_repair_change_dup_description (change);

  g_print ("%s\n    %s\n", tf_item_get_path (tf_repair_change_get_item (change)), desc);
}

/* The result labels are translated and may be longer than the English
 * ones or hold non-ASCII letters: pad by characters to a common width. */
static int
label_width (int width,
             const char *label)
{
  return MAX (width, (int) g_utf8_strlen (label, -1));
}

static void
print_padded (const char *label,
              int width)
{
  g_print ("%s%*s", label, MAX (width - (int) g_utf8_strlen (label, -1), 0) + 1, "");
}

static const char *
status_label (TfRepairStatus status,
              gboolean dry_run)
{
  switch (status)
    {
    case TF_REPAIR_STATUS_DONE:
      /* Translators: result of a dry run for one file */
      return dry_run ? _ ("would repair") : _ ("repaired");
    case TF_REPAIR_STATUS_SKIPPED:
      return _ ("skipped");
    case TF_REPAIR_STATUS_REFUSED:
      return _ ("refused");
    case TF_REPAIR_STATUS_FAILED:
    default:
      return _ ("failed");
    }
}

/* The items of @paths: files and folders through the scanner, and one
 * message of a mailbox file as "export.pst#0x00214A44" */
static GPtrArray *
read_repair_paths (char **paths,
                   guint *n_files,
                   GError **error)
{
  g_autoptr (TfScanner) scanner = tf_scanner_new ();
  g_autoptr (GPtrArray) scan_paths = g_ptr_array_new ();
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) singles = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_singles = 0;

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *file = NULL;
      g_autofree char *chain = NULL;

      if (!g_file_test (paths[i], G_FILE_TEST_EXISTS) && tf_pst_split_item_path (paths[i], &file, &chain))
        {
          if (!tf_read_item_path (paths[i], TF_READ_NONE, singles, error))
            return NULL;
          n_singles++;
        }
      else
        g_ptr_array_add (scan_paths, paths[i]);
    }
  g_ptr_array_add (scan_paths, NULL);

  *n_files = 0;
  if (scan_paths->len > 1)
    {
      tf_scanner_set_ordered (scanner, TRUE);
      items = tf_scanner_scan_sync (scanner, (const char *const *) scan_paths->pdata, NULL, n_files, error);
      if (items == NULL)
        return NULL;
    }
  else
    items = g_ptr_array_new_with_free_func (g_object_unref);
  *n_files += n_singles;
  for (guint i = 0; i < singles->len; i++)
    g_ptr_array_add (items, g_object_ref (g_ptr_array_index (singles, i)));
  return g_steal_pointer (&items);
}

int
tf_cli_repair (int argc,
               char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (TfRepairPlan) plan = NULL;
  gboolean full_backup;
  g_autoptr (GPtrArray) results = NULL;
  g_autofree char *description = defaults_description ();
  g_autofree char *backup_dir = NULL;
  g_autofree char *journal = NULL;
  g_autofree char *run_id = NULL;
  g_auto (GStrv) paths = NULL;
  gboolean dry_run = FALSE;
  gboolean json = FALSE;
  guint n_files = 0;
  guint n_done = 0;
  int status = TF_CLI_EXIT_OK;
  int width = 13;
  gint64 started, read_done, planned;
  GListModel *changes;
  const GOptionEntry entries[] = {
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
      N_ ("Print the plan and check every change in memory, but write nothing"), NULL },
    { "backup-dir", 0, 0, G_OPTION_ARG_FILENAME, &backup_dir,
      N_ ("Copy originals into DIR before writing"), N_ ("DIR") },
    { "journal", 0, 0, G_OPTION_ARG_FILENAME, &journal,
      N_ ("Record every write in FILE (JSON lines), for undo"), N_ ("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_ ("Print one JSON document instead of text"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, NULL },
    { NULL }
  };

  g_set_prgname (argv[0]);
  context = new_context (N_ ("PATH…"),
                         N_ ("Repairs meeting items in place: 1601 / pre-1900 track-status times in TNEF, "
                             "Outlook .msg and PST recipient tables, and iCalendar replies without "
                             "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE. Only the affected bytes change; "
                             "each file is backed up, journaled and verified before it is replaced. "
                             "A PST is patched where it lies (copied whole only with --backup-dir; its "
                             "journal entry keeps the old bytes for undo); an OST is never written. "
                             "Replies among the PATHs supply the attendees' response times.\n\n"
                             "Exit status: 0 everything planned was repaired, 1 some items could not be "
                             "repaired, 2 usage or I/O failure."),
                         description, entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      tf_cli_error ("%s", error->message);
      return TF_CLI_EXIT_FAILURE;
    }
  if (paths == NULL || paths[0] == NULL)
    {
      tf_cli_error (_ ("No PATH given. Run “trackfix-cli repair --help” for usage."));
      return TF_CLI_EXIT_FAILURE;
    }
  /* A PST is patched in place; only an explicit --backup-dir copies it
   * whole as well (the journal's ranges undo it without a copy). */
  full_backup = backup_dir != NULL;
  if (backup_dir == NULL)
    backup_dir = tf_journal_default_backup_dir ();
  if (journal == NULL)
    journal = tf_journal_default_path ();

  started = g_get_monotonic_time ();
  items = read_repair_paths (paths, &n_files, &error);
  if (items == NULL)
    {
      tf_cli_error ("%s", error->message);
      return TF_CLI_EXIT_FAILURE;
    }

  read_done = g_get_monotonic_time ();
  plan = tf_repair_plan_new (items, items);
  tf_repair_plan_set_full_backup (plan, full_backup);
  changes = tf_repair_plan_get_changes (plan);
  run_id = tf_journal_new_run_id ();

  if (!json)
    {
      for (guint i = 0; i < g_list_model_get_n_items (changes); i++)
        {
          g_autoptr (TfRepairChange) change = g_list_model_get_item (changes, i);
          print_change (change);
        }
      if (g_list_model_get_n_items (changes) > 0)
        g_print ("\n");
    }

  planned = g_get_monotonic_time ();
  results = tf_repair_plan_execute (plan, backup_dir, journal, run_id, dry_run, NULL, NULL, NULL, &error);
  /* The window repairs the items of its last scan: its Repair is the
   * plan and its execution, without the read (tests/bench/RESULTS.md) */
  g_debug ("repair phases: read and scan %.3f s, plan %.3f s, execute %.3f s (wall)",
           (read_done - started) / (double) G_USEC_PER_SEC, (planned - read_done) / (double) G_USEC_PER_SEC,
           (g_get_monotonic_time () - planned) / (double) G_USEC_PER_SEC);
  if (results == NULL)
    {
      tf_cli_error ("%s", error->message);
      return TF_CLI_EXIT_FAILURE;
    }

  if (tf_repair_plan_get_n_unrepairable (plan) > 0)
    status = TF_CLI_EXIT_FINDINGS;
  for (guint i = 0; i < results->len; i++)
    {
      TfRepairResult *result = g_ptr_array_index (results, i);

      if (tf_repair_result_get_status (result) == TF_REPAIR_STATUS_DONE)
        n_done++;
      else
        status = MAX (status, exit_for_error (tf_repair_result_get_error (result)));
    }

  if (json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "version");
      json_builder_add_int_value (builder, 1);
      json_builder_set_member_name (builder, "dry_run");
      json_builder_add_boolean_value (builder, dry_run);
      add_string (builder, "run_id", dry_run ? NULL : run_id);
      add_string (builder, "journal", dry_run ? NULL : journal);
      add_string (builder, "backup_dir", dry_run ? NULL : backup_dir);
      json_builder_set_member_name (builder, "changes");
      json_builder_begin_array (builder);
      for (guint i = 0; i < g_list_model_get_n_items (changes); i++)
        {
          g_autoptr (TfRepairChange) change = g_list_model_get_item (changes, i);
          add_change (builder, change);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "files");
      json_builder_begin_array (builder);
      for (guint i = 0; i < results->len; i++)
        add_result (builder, g_ptr_array_index (results, i));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "summary");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "files_read");
      json_builder_add_int_value (builder, n_files);
      json_builder_set_member_name (builder, "planned");
      json_builder_add_int_value (builder, tf_repair_plan_get_n_repairable (plan));
      json_builder_set_member_name (builder, "not_repairable");
      json_builder_add_int_value (builder, tf_repair_plan_get_n_unrepairable (plan));
      json_builder_set_member_name (builder, "files_repaired");
      json_builder_add_int_value (builder, n_done);
      json_builder_set_member_name (builder, "files_not_repaired");
      json_builder_add_int_value (builder, results->len - n_done);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      print_json (builder);
      return status;
    }

  for (guint i = 0; i < results->len; i++)
    width = label_width (width, status_label (tf_repair_result_get_status (g_ptr_array_index (results, i)), dry_run));
  for (guint i = 0; i < results->len; i++)
    {
      TfRepairResult *result = g_ptr_array_index (results, i);
      const char *backup = tf_repair_result_get_backup (result);

      print_padded (status_label (tf_repair_result_get_status (result), dry_run), width);
      g_print ("%s\n", tf_repair_result_get_file_path (result));
      if (tf_repair_result_get_message (result) != NULL)
        g_print ("%*s%s\n", width + 1, "", tf_repair_result_get_message (result));
      else if (!dry_run && backup != NULL)
        g_print ("%*s%s\n", width + 1, "", backup);
    }

  if (g_list_model_get_n_items (changes) == 0)
    /* Translators: %u is a number of files */
    g_print (ngettext ("Nothing to repair in %u file.\n", "Nothing to repair in %u files.\n", n_files), n_files);
  else if (dry_run)
    g_print (ngettext ("Dry run: %u change planned, %u not repairable; nothing was written.\n",
                       "Dry run: %u changes planned, %u not repairable; nothing was written.\n",
                       tf_repair_plan_get_n_repairable (plan)),
             tf_repair_plan_get_n_repairable (plan), tf_repair_plan_get_n_unrepairable (plan));
  else
    {
      guint n_unrepairable = tf_repair_plan_get_n_unrepairable (plan);
      g_autofree char *repaired = g_strdup_printf (ngettext ("Repaired %u of %u file",
                                                             "Repaired %u of %u files", results->len),
                                                   n_done, results->len);
      g_autofree char *unrepairable = g_strdup_printf (ngettext ("%u finding not repairable",
                                                                 "%u findings not repairable", n_unrepairable),
                                                       n_unrepairable);

      /* Translators: "Repaired 3 of 4 files; 1 finding not repairable." */
      g_print (_ ("%s; %s.\n"), repaired, unrepairable);
      if (n_done > 0)
        /* Translators: %1$s is a run id, %2$s the journal path; keep the command untranslated */
        g_print (_ ("Undo with: trackfix-cli undo --journal %2$s --run %1$s\n"), run_id, journal);
    }

  return status;
}

static void
print_entry (TfJournalEntry *e)
{
  g_print ("%4u  %s  %-12s  %s  %s", e->index, e->time ? e->time : "-", e->action,
           e->run_id ? e->run_id : "-", e->file);
  if (e->target != NULL)
    g_print (" → %s", e->target);
  g_print ("\n");
  for (guint i = 0; e->changes != NULL && e->changes[i] != NULL; i++)
    g_print ("        %s\n", e->changes[i]);
}

static const char *
result_label (TfRepairResult *result)
{
  const char *action = tf_repair_result_get_action (result);

  if (tf_repair_result_get_status (result) != TF_REPAIR_STATUS_DONE)
    return status_label (tf_repair_result_get_status (result), FALSE);
  if (g_strcmp0 (action, "undo") == 0)
    /* Translators: result of an undo for one file */
    return _ ("restored");
  if (g_strcmp0 (action, "hold") == 0)
    return _ ("held");
  if (g_strcmp0 (action, "resubmit") == 0)
    return _ ("resubmitted");
  return status_label (TF_REPAIR_STATUS_DONE, FALSE);
}

static int
print_results (GPtrArray *results,
               gboolean json)
{
  int status = TF_CLI_EXIT_OK;
  int width = 13;

  for (guint i = 0; i < results->len; i++)
    width = label_width (width, result_label (g_ptr_array_index (results, i)));

  if (json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "version");
      json_builder_add_int_value (builder, 1);
      json_builder_set_member_name (builder, "files");
      json_builder_begin_array (builder);
      for (guint i = 0; i < results->len; i++)
        add_result (builder, g_ptr_array_index (results, i));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      print_json (builder);
    }

  for (guint i = 0; i < results->len; i++)
    {
      TfRepairResult *result = g_ptr_array_index (results, i);
      TfRepairStatus s = tf_repair_result_get_status (result);

      if (!json)
        {
          print_padded (result_label (result), width);
          g_print ("%s", tf_repair_result_get_file_path (result));
          if (tf_repair_result_get_target (result) != NULL)
            g_print (" → %s", tf_repair_result_get_target (result));
          g_print ("\n");
          if (tf_repair_result_get_message (result) != NULL)
            g_print ("%*s%s\n", width + 1, "", tf_repair_result_get_message (result));
        }
      if (s == TF_REPAIR_STATUS_REFUSED || s == TF_REPAIR_STATUS_FAILED)
        status = MAX (status, exit_for_error (tf_repair_result_get_error (result)));
    }
  return status;
}

int
tf_cli_undo (int argc,
             char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autofree char *description = defaults_description ();
  g_autofree char *journal = NULL;
  g_autofree char *run_id = NULL;
  gboolean all = FALSE;
  gboolean list = FALSE;
  gboolean json = FALSE;
  gint entry = 0;
  const GOptionEntry entries[] = {
    { "journal", 0, 0, G_OPTION_ARG_FILENAME, &journal,
      N_ ("The journal written by repair, hold or resubmit"), N_ ("FILE") },
    { "entry", 0, 0, G_OPTION_ARG_INT, &entry,
      N_ ("Undo journal entry N (see --list)"), N_ ("N") },
    { "run", 0, 0, G_OPTION_ARG_STRING, &run_id,
      N_ ("Undo every entry of run ID"), N_ ("ID") },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all,
      N_ ("Undo every entry of the journal, newest first"), NULL },
    { "list", 'l', 0, G_OPTION_ARG_NONE, &list,
      N_ ("List the journal instead of undoing"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_ ("Print one JSON document instead of text"), NULL },
    { NULL }
  };

  g_set_prgname (argv[0]);
  context = new_context (NULL,
                         N_ ("Restores originals byte for byte from the backups named in the journal, "
                             "or a PST patched in place from the old bytes its entry keeps "
                             "(one entry, one run, or everything), moves held files back and removes "
                             "resubmitted copies the server has not picked up yet. A file that changed "
                             "since it was written is left alone. Without --entry, --run or --all the "
                             "newest run is undone.\n\n"
                             "Exit status: 0 everything was undone (or already original), 1 something "
                             "was refused, 2 usage or I/O failure."),
                         description, entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      tf_cli_error ("%s", error->message);
      return TF_CLI_EXIT_FAILURE;
    }
  if (argc > 1)
    {
      tf_cli_error (_ ("Unexpected argument “%s”."), argv[1]);
      return TF_CLI_EXIT_FAILURE;
    }
  if (entry < 0 || (entry > 0) + (run_id != NULL) + (all ? 1 : 0) > 1)
    {
      tf_cli_error (_ ("Give at most one of --entry, --run and --all."));
      return TF_CLI_EXIT_FAILURE;
    }
  if (journal == NULL)
    journal = tf_journal_default_path ();

  if (list || (entry == 0 && run_id == NULL && !all))
    {
      g_autoptr (GPtrArray) journal_entries = tf_journal_read (journal, &error);

      if (journal_entries == NULL)
        {
          tf_cli_error ("%s", error->message);
          return TF_CLI_EXIT_FAILURE;
        }
      if (list)
        {
          for (guint i = 0; i < journal_entries->len; i++)
            print_entry (g_ptr_array_index (journal_entries, i));
          return TF_CLI_EXIT_OK;
        }
      /* The newest run that is not itself an undo */
      for (guint i = journal_entries->len; i > 0 && run_id == NULL; i--)
        {
          TfJournalEntry *e = g_ptr_array_index (journal_entries, i - 1);
          if (g_strcmp0 (e->action, "undo") != 0 && e->run_id != NULL)
            run_id = g_strdup (e->run_id);
        }
      if (run_id == NULL)
        {
          tf_cli_error (_ ("The journal has nothing to undo."));
          return TF_CLI_EXIT_FAILURE;
        }
    }

  results = tf_repair_undo (journal, (guint) entry, run_id, all, NULL, &error);
  if (results == NULL)
    {
      tf_cli_error ("%s", error->message);
      return TF_CLI_EXIT_FAILURE;
    }
  return print_results (results, json);
}

int
tf_cli_queue (int argc,
              char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *description = defaults_description ();
  g_autofree char *journal = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *run_id = tf_journal_new_run_id ();
  g_auto (GStrv) args = NULL;
  gboolean json = FALSE;
  gboolean hold;
  int status;
  const GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_FILENAME, &folder,
      N_ ("The Pickup / Replay folder (resubmit) or the hold folder (hold)"), N_ ("DIR") },
    { "journal", 0, 0, G_OPTION_ARG_FILENAME, &journal,
      N_ ("Record every action in FILE (JSON lines), for undo"), N_ ("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_ ("Print one JSON document instead of text"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL, NULL },
    { NULL }
  };

  g_set_prgname (argv[0]);
  context = new_context (N_ ("hold|resubmit PATH…"),
                         N_ ("Queue actions as in Queue Viewer, journaled and undoable:\n"
                             "  hold      move queue files into a hold folder (created if needed)\n"
                             "  resubmit  copy repaired messages into an Exchange Pickup or Replay folder "
                             "under a new unique .eml name; nothing is ever overwritten\n\n"
                             "Exit status: 0 all done, 1 something was refused, 2 usage or I/O failure."),
                         description, entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      tf_cli_error ("%s", error->message);
      return TF_CLI_EXIT_FAILURE;
    }
  if (args == NULL || args[0] == NULL || args[1] == NULL || (g_strcmp0 (args[0], "hold") != 0 && g_strcmp0 (args[0], "resubmit") != 0))
    {
      tf_cli_error (_ ("Usage: trackfix-cli queue hold|resubmit --to DIR PATH…"));
      return TF_CLI_EXIT_FAILURE;
    }
  if (folder == NULL)
    {
      tf_cli_error (_ ("--to DIR is required."));
      return TF_CLI_EXIT_FAILURE;
    }
  if (journal == NULL)
    journal = tf_journal_default_path ();
  hold = g_strcmp0 (args[0], "hold") == 0;

  status = TF_CLI_EXIT_OK;
  for (guint i = 1; args[i] != NULL; i++)
    {
      g_autoptr (GError) local_error = NULL;
      TfRepairResult *result;

      if (hold)
        result = tf_queue_hold (args[i], folder, journal, run_id, &local_error);
      else
        result = tf_queue_resubmit (args[i], folder, journal, run_id, &local_error);

      if (result == NULL)
        {
          tf_cli_error ("%s: %s", args[i], local_error->message);
          status = MAX (status, exit_for_error (local_error));
          continue;
        }
      g_ptr_array_add (results, result);
    }

  return MAX (status, print_results (results, json));
}
