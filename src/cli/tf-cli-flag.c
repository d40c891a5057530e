/* tf-cli-flag.c — trackfix-cli flag: the server fix flag (KB 938650)
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "tf-cli.h"
#include "tf-filetime.h"
#include "tf-reader.h"
#include "tf-regfile.h"
#include "tf-registry.h"

typedef struct
{
  const char *name;
  int (*run) (const char *prog, int argc, char **argv);
  const char *summary;
} FlagCommand;

static int flag_status (const char *prog, int argc, char **argv);
static int flag_enable (const char *prog, int argc, char **argv);
static int flag_disable (const char *prog, int argc, char **argv);
static int flag_export_reg (const char *prog, int argc, char **argv);
static int flag_command (const char *prog, int argc, char **argv);

static const FlagCommand flag_commands[] = {
  { "status", flag_status, N_ ("Show the flag and what the hive is (read-only)") },
  { "enable", flag_enable, N_ ("Set FixRecipientTrackStatusTime = 1 in an offline SYSTEM hive") },
  { "disable", flag_disable, N_ ("Revert: delete FixRecipientTrackStatusTime from an offline SYSTEM hive") },
  { "export-reg", flag_export_reg, N_ ("Write a .reg file that sets (or with --revert deletes) the value") },
  { "command", flag_command, N_ ("Print the reg.exe (or PowerShell) commands for a running server") },
};

/* Parses options of one flag subcommand; prints usage errors itself. */
static gboolean
parse_options (const char *prog,
               const char *parameter,
               const char *summary,
               const char *description,
               GOptionEntry *entries,
               int *argc,
               char ***argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (parameter);
  g_autoptr (GError) error = NULL;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  if (description != NULL)
    g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_set_prgname (prog);
  if (!g_option_context_parse_strv (context, argv, &error))
    {
      tf_cli_error ("%s", error->message);
      return FALSE;
    }
  *argc = (int) g_strv_length (*argv);
  return TRUE;
}

static int
exit_for_error (const GError *error,
                gboolean writing)
{
  if (error->domain == TF_ERROR && (error->code == TF_ERROR_REFUSED || error->code == TF_ERROR_CHANGED || (writing && error->code == TF_ERROR_PARSE)))
    return TF_CLI_EXIT_FINDINGS;
  return TF_CLI_EXIT_FAILURE;
}

static const char *
yes_no (gboolean b)
{
  return b ? _ ("present") : _ ("absent");
}

/* ---- status ------------------------------------------------------------ */

static void
add_status_json (JsonBuilder *b,
                 const TfHiveStatus *status)
{
  g_autofree char *reason = NULL;
  g_autofree char *key = tf_hive_status_dup_key_path (status);
  g_autofree char *written = tf_filetime_format_iso (status->last_written);
  g_autofree char *type_name = NULL;
  TfHiveVerdict verdict = tf_hive_status_get_verdict (status, &reason);

  json_builder_set_member_name (b, "hive");
  json_builder_add_string_value (b, status->path);
  json_builder_set_member_name (b, "sequence1");
  json_builder_add_int_value (b, status->sequence1);
  json_builder_set_member_name (b, "sequence2");
  json_builder_add_int_value (b, status->sequence2);
  json_builder_set_member_name (b, "last_written");
  json_builder_add_string_value (b, written);
  json_builder_set_member_name (b, "dirty");
  json_builder_add_boolean_value (b, status->dirty_reason != NULL);
  json_builder_set_member_name (b, "dirty_reason");
  json_builder_add_string_value (b, status->dirty_reason);
  json_builder_set_member_name (b, "system_hive");
  json_builder_add_boolean_value (b, status->not_system_reason == NULL);
  json_builder_set_member_name (b, "not_system_reason");
  json_builder_add_string_value (b, status->not_system_reason);
  json_builder_set_member_name (b, "current");
  json_builder_add_int_value (b, status->current);
  json_builder_set_member_name (b, "control_set");
  json_builder_add_string_value (b, status->control_set);
  json_builder_set_member_name (b, "exchange_is");
  json_builder_add_boolean_value (b, status->has_exchange_is);
  json_builder_set_member_name (b, "parameters_system");
  json_builder_add_boolean_value (b, status->has_parameters_system);
  json_builder_set_member_name (b, "mime_handler_key");
  json_builder_add_boolean_value (b, status->has_mime_handler_key);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, key);
  json_builder_set_member_name (b, "value_name");
  json_builder_add_string_value (b, TF_FLAG_VALUE_NAME);
  json_builder_set_member_name (b, "value_state");
  json_builder_add_string_value (b, tf_flag_state_to_string (status->flag_state));
  json_builder_set_member_name (b, "value_type");
  if (status->flag_state == TF_FLAG_STATE_ABSENT)
    json_builder_add_null_value (b);
  else
    {
      type_name = tf_reg_type_to_string (status->flag_type);
      json_builder_add_string_value (b, type_name);
    }
  json_builder_set_member_name (b, "value");
  json_builder_add_string_value (b, status->flag_display);
  json_builder_set_member_name (b, "verdict");
  json_builder_add_string_value (b, tf_hive_verdict_to_string (verdict));
  json_builder_set_member_name (b, "verdict_reason");
  json_builder_add_string_value (b, reason);
}

static void
print_status_text (const TfHiveStatus *status)
{
  g_autofree char *reason = NULL;
  g_autofree char *key = tf_hive_status_dup_key_path (status);
  g_autofree char *written = tf_filetime_format_display (status->last_written, FALSE);
  TfHiveVerdict verdict = tf_hive_status_get_verdict (status, &reason);

  g_print ("%s %s\n", _ ("Hive:"), status->path);
  /* Translators: the two %u are the hive header's sequence numbers, %s a date and time */
  g_print (_ ("Header: sequence numbers %u / %u, last written %s UTC\n"),
           status->sequence1, status->sequence2, written);
  if (status->dirty_reason != NULL)
    g_print ("%s %s\n", _ ("State: dirty —"), status->dirty_reason);
  else
    g_print ("%s\n", _ ("State: clean"));
  if (status->not_system_reason != NULL)
    {
      g_print ("%s %s\n", _ ("SYSTEM hive: no —"), status->not_system_reason);
    }
  else
    {
      /* Translators: %u is the \Select\Current number, %s the control set name */
      g_print (_ ("Current control set: \\Select\\Current = %u → %s\n"), status->current, status->control_set);
      g_print ("%s %s (%s\\Services\\MSExchangeIS)\n", _ ("Information Store:"),
               yes_no (status->has_exchange_is), status->control_set);
      g_print ("%s %s (%s)\n", _ ("Flag key:"), yes_no (status->has_mime_handler_key), key);
      if (status->flag_display != NULL)
        g_print ("%s %s — %s\n", TF_FLAG_VALUE_NAME ":", tf_flag_state_get_label (status->flag_state),
                 status->flag_display);
      else
        g_print ("%s %s\n", TF_FLAG_VALUE_NAME ":", tf_flag_state_get_label (status->flag_state));
    }
  if (verdict == TF_HIVE_VERDICT_READY)
    g_print ("%s\n", _ ("The flag can be set or reverted in this hive."));
  else
    g_print ("%s %s\n", _ ("Cannot be written:"), reason);
}

static int
flag_status (const char *prog,
             int argc,
             char **argv)
{
  g_autofree char *hive = NULL;
  g_autofree char *software = NULL;
  g_autofree char *excdo = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "hive", 0, 0, G_OPTION_ARG_FILENAME, &hive, N_ ("The offline SYSTEM hive"), N_ ("FILE") },
    { "software", 0, 0, G_OPTION_ARG_FILENAME, &software, N_ ("Also list Microsoft\\Exchange\\Setup from this SOFTWARE hive"), N_ ("FILE") },
    { "excdo", 0, 0, G_OPTION_ARG_FILENAME, &excdo, N_ ("Also check the version of this Excdo.dll (the hotfix needs 6.5.7653.5)"), N_ ("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr (TfHiveStatus) status = NULL;
  g_autoptr (GPtrArray) setup = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) software_error = NULL;
  g_autoptr (GError) excdo_error = NULL;
  gboolean setup_found = FALSE;
  gboolean have_version = FALSE;
  TfFileVersion version = { 0 };
  int ret = TF_CLI_EXIT_OK;

  if (!parse_options (prog, NULL, _ ("Shows the current control set, whether the Exchange Information Store "
                                     "and the MIME handler key exist, and the state of FixRecipientTrackStatusTime. "
                                     "The hive is opened read-only."),
                      _ ("Exit status: 0 when the hive was read, whatever its state (dirty or not a SYSTEM hive "
                         "included; see \"verdict\" in --json); 2 when the hive, the SOFTWARE hive or "
                         "Excdo.dll cannot be read (missing, truncated, damaged)."),
                      entries, &argc, &argv))
    return TF_CLI_EXIT_FAILURE;
  if (hive == NULL || argc > 1)
    {
      tf_cli_error (_ ("Give the hive with --hive FILE."));
      return TF_CLI_EXIT_FAILURE;
    }

  status = tf_hive_status_read (hive, &error);
  if (status == NULL)
    {
      tf_cli_error ("%s", error->message);
      return TF_CLI_EXIT_FAILURE;
    }
  if (software != NULL)
    {
      setup = tf_software_hive_read_exchange_setup (software, &setup_found, &software_error);
      if (setup == NULL)
        ret = TF_CLI_EXIT_FAILURE;
    }
  if (excdo != NULL)
    {
      have_version = tf_pe_read_version_file (excdo, &version, &excdo_error);
      if (!have_version)
        ret = TF_CLI_EXIT_FAILURE;
    }

  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonGenerator) gen = json_generator_new ();
      g_autoptr (JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      add_status_json (b, status);
      if (software != NULL)
        {
          json_builder_set_member_name (b, "exchange_setup");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "hive");
          json_builder_add_string_value (b, software);
          if (setup == NULL)
            {
              json_builder_set_member_name (b, "error");
              json_builder_add_string_value (b, software_error->message);
            }
          else
            {
              json_builder_set_member_name (b, "found");
              json_builder_add_boolean_value (b, setup_found);
              json_builder_set_member_name (b, "values");
              json_builder_begin_array (b);
              for (guint i = 0; i < setup->len; i++)
                {
                  TfRegValue *v = g_ptr_array_index (setup, i);
                  g_autofree char *type_name = tf_reg_type_to_string (v->type);

                  json_builder_begin_object (b);
                  json_builder_set_member_name (b, "name");
                  json_builder_add_string_value (b, v->name);
                  json_builder_set_member_name (b, "type");
                  json_builder_add_string_value (b, type_name);
                  json_builder_set_member_name (b, "value");
                  json_builder_add_string_value (b, v->display);
                  json_builder_end_object (b);
                }
              json_builder_end_array (b);
            }
          json_builder_end_object (b);
        }
      if (excdo != NULL)
        {
          json_builder_set_member_name (b, "excdo");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "file");
          json_builder_add_string_value (b, excdo);
          if (!have_version)
            {
              json_builder_set_member_name (b, "error");
              json_builder_add_string_value (b, excdo_error->message);
            }
          else
            {
              g_autofree char *v = tf_file_version_to_string (&version);

              json_builder_set_member_name (b, "version");
              json_builder_add_string_value (b, v);
              json_builder_set_member_name (b, "required");
              json_builder_add_string_value (b, TF_EXCDO_FIXED_VERSION);
              json_builder_set_member_name (b, "has_fix");
              json_builder_add_boolean_value (b, tf_excdo_version_has_fix (&version));
            }
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      text = json_generator_to_data (gen, NULL);
      g_print ("%s\n", text);
      return ret;
    }

  print_status_text (status);
  if (software != NULL)
    {
      g_print ("\n");
      if (setup == NULL)
        tf_cli_error ("%s", software_error->message);
      else if (!setup_found)
        /* Translators: %s is a file name */
        g_print (_ ("%s has no Microsoft\\Exchange\\Setup key.\n"), software);
      else
        {
          /* Translators: %s is a file name */
          g_print (_ ("Microsoft\\Exchange\\Setup in %s:\n"), software);
          if (setup->len == 0)
            g_print ("  %s\n", _ ("(no values)"));
          for (guint i = 0; i < setup->len; i++)
            {
              TfRegValue *v = g_ptr_array_index (setup, i);

              /* Translators: the name of a registry key's unnamed value */
              g_print ("  %s = %s\n", *v->name ? v->name : _ ("(Default)"), v->display);
            }
        }
    }
  if (excdo != NULL)
    {
      g_print ("\n");
      if (!have_version)
        tf_cli_error ("%s", excdo_error->message);
      else
        {
          g_autofree char *v = tf_file_version_to_string (&version);

          if (tf_excdo_version_has_fix (&version))
            /* Translators: first %s a version such as 6.5.7653.5, second the required one */
            g_print (_ ("Excdo.dll version %s: the hotfix is installed (needs %s or later).\n"), v, TF_EXCDO_FIXED_VERSION);
          else
            g_print (_ ("Excdo.dll version %s: the hotfix is missing (needs %s or later, KB 969254). The flag has no effect without it.\n"),
                     v, TF_EXCDO_FIXED_VERSION);
        }
    }
  return ret;
}

/* ---- enable / disable -------------------------------------------------- */

static int
flag_run (const char *prog,
          int argc,
          char **argv,
          TfFlagAction action)
{
  g_autofree char *hive = NULL;
  g_autofree char *backup_dir = NULL;
  g_autofree char *journal = NULL;
  gboolean dry_run = FALSE;
  GOptionEntry entries[] = {
    { "hive", 0, 0, G_OPTION_ARG_FILENAME, &hive, N_ ("The offline SYSTEM hive to change"), N_ ("FILE") },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, N_ ("Only print what would change"), NULL },
    { "backup-dir", 0, 0, G_OPTION_ARG_FILENAME, &backup_dir, N_ ("Keep the copy of the original hive here"), N_ ("DIR") },
    { "journal", 0, 0, G_OPTION_ARG_FILENAME, &journal, N_ ("Record the change in this journal"), N_ ("FILE") },
    { NULL }
  };
  g_autoptr (TfFlagResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *reminder = NULL;
  const char *summary;
  const char *description;

  if (action == TF_FLAG_ENABLE)
    {
      summary = _ ("Sets FixRecipientTrackStatusTime = REG_DWORD 1 under "
                   "ControlSetNNN\\Services\\MSExchangeIS\\ParametersSystem\\InternetContent\\MimeHandlers\\"
                   "{85D2DDB8-6225-11D2-BDF1-00C04FD655B5} of the current control set (\\Select\\Current), "
                   "creating the keys below ParametersSystem that are missing.");
      description = _ ("Refuses dirty hives (unfinished writes or pending .LOG files), hives that are not SYSTEM "
                       "hives, and servers without the Exchange Information Store. The original is copied to the "
                       "backup folder and the change is recorded in the journal first; the new hive is verified "
                       "before it replaces the old one. Exit status: 0 done or already set, 1 refused, 2 usage or "
                       "I/O error.");
    }
  else
    {
      summary = _ ("The revert of “enable”: deletes FixRecipientTrackStatusTime from the current control set.");
      description = _ ("The value is deleted rather than set to 0: a server without the fix has no such value, so "
                       "deleting it restores exactly the state from before the fix. Keys that “enable” created "
                       "stay (an empty key changes nothing). A value of 0 already means off and is left alone. "
                       "Backup, journal, refusals and exit status as for “enable”.");
    }
  if (!parse_options (prog, NULL, summary, description, entries, &argc, &argv))
    return TF_CLI_EXIT_FAILURE;
  if (hive == NULL || argc > 1)
    {
      tf_cli_error (_ ("Give the hive with --hive FILE."));
      return TF_CLI_EXIT_FAILURE;
    }

  result = tf_flag_run (hive, action, dry_run ? TF_FLAG_RUN_DRY_RUN : TF_FLAG_RUN_NONE,
                        backup_dir, journal, &error);
  if (result == NULL)
    {
      tf_cli_error ("%s", error->message);
      return exit_for_error (error, TRUE);
    }

  if (result->changes[0] == NULL)
    {
      if (action == TF_FLAG_ENABLE)
        /* Translators: %s is the hive file, the second a control set name */
        g_print (_ ("Nothing to do: %s already has FixRecipientTrackStatusTime = 1 in %s.\n"), hive, result->control_set);
      else
        g_print (_ ("Nothing to do: %s has no FixRecipientTrackStatusTime set in %s (the fix is off).\n"), hive, result->control_set);
      return TF_CLI_EXIT_OK;
    }

  if (result->dry_run)
    /* Translators: %s is the hive file */
    g_print (_ ("Dry run, nothing written. These changes would be made to %s:\n"), hive);
  else
    g_print (_ ("Changed %s:\n"), hive);
  for (guint i = 0; result->changes[i] != NULL; i++)
    g_print ("  %s\n", result->changes[i]);
  if (result->dry_run)
    return TF_CLI_EXIT_OK;

  g_print ("%s %s\n", _ ("Backup of the original:"), result->backup);
  g_print ("%s %s\n", _ ("Journal:"), result->journal);
  reminder = tf_flag_dup_restart_reminder (TF_COMMAND_STYLE_REG);
  g_print ("%s %s\n", _ ("Put the hive back on the server while Windows is not running."), reminder);
  return TF_CLI_EXIT_OK;
}

static int
flag_enable (const char *prog,
             int argc,
             char **argv)
{
  return flag_run (prog, argc, argv, TF_FLAG_ENABLE);
}

static int
flag_disable (const char *prog,
              int argc,
              char **argv)
{
  return flag_run (prog, argc, argv, TF_FLAG_DISABLE);
}

/* ---- export-reg / command ---------------------------------------------- */

static int
flag_export_reg (const char *prog,
                 int argc,
                 char **argv)
{
  gboolean revert = FALSE;
  GOptionEntry entries[] = {
    { "revert", 0, 0, G_OPTION_ARG_NONE, &revert, N_ ("Write the revert file (deletes the value)"), NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *reminder = NULL;

  if (!parse_options (prog, _ ("OUT.reg"),
                      _ ("Writes a regedit file (Windows Registry Editor Version 5.00, UTF-16LE with BOM, CRLF) "
                         "for HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet. Import it on the Exchange server "
                         "with regedit /s FILE or by double-clicking it."),
                      NULL, entries, &argc, &argv))
    return TF_CLI_EXIT_FAILURE;
  if (argc != 2)
    {
      tf_cli_error (_ ("Give exactly one output file."));
      return TF_CLI_EXIT_FAILURE;
    }
  if (!tf_regfile_write (argv[1], revert ? TF_FLAG_DISABLE : TF_FLAG_ENABLE, &error))
    {
      tf_cli_error ("%s", error->message);
      return TF_CLI_EXIT_FAILURE;
    }
  reminder = tf_flag_dup_restart_reminder (TF_COMMAND_STYLE_REG);
  /* Translators: %s is a file name */
  g_print (revert ? _ ("Wrote %s (revert: deletes FixRecipientTrackStatusTime).\n")
                  : _ ("Wrote %s (sets FixRecipientTrackStatusTime = 1).\n"),
           argv[1]);
  g_print ("%s\n", reminder);
  return TF_CLI_EXIT_OK;
}

static int
flag_command (const char *prog,
              int argc,
              char **argv)
{
  gboolean revert = FALSE;
  gboolean powershell = FALSE;
  GOptionEntry entries[] = {
    { "powershell", 0, 0, G_OPTION_ARG_NONE, &powershell, N_ ("PowerShell instead of reg.exe"), NULL },
    { "revert", 0, 0, G_OPTION_ARG_NONE, &revert, N_ ("The revert (deletes the value)"), NULL },
    { NULL }
  };
  g_autofree char *commands = NULL;
  g_autofree char *reminder = NULL;
  TfCommandStyle style;

  if (!parse_options (prog, NULL,
                      _ ("Prints the commands that make the change on the running Exchange server, "
                         "one per line, on standard output; the reminder to restart the Information "
                         "Store goes to standard error."),
                      NULL, entries, &argc, &argv))
    return TF_CLI_EXIT_FAILURE;
  if (argc > 1)
    {
      tf_cli_error (_ ("This command takes no arguments."));
      return TF_CLI_EXIT_FAILURE;
    }
  style = powershell ? TF_COMMAND_STYLE_POWERSHELL : TF_COMMAND_STYLE_REG;
  commands = tf_flag_build_commands (revert ? TF_FLAG_DISABLE : TF_FLAG_ENABLE, style);
  reminder = tf_flag_dup_restart_reminder (style);
  g_print ("%s", commands);
  g_printerr ("%s\n", reminder);
  return TF_CLI_EXIT_OK;
}

static void
print_flag_help (gboolean to_stderr)
{
  g_autoptr (GString) text = g_string_new (NULL);

  g_string_append_printf (text, "%s\n  %s\n\n", _ ("Usage:"), _ ("trackfix-cli flag COMMAND [OPTION…]"));
  g_string_append_printf (text, "%s\n\n",
                          _ ("The server fix of KB 938650: with the Excdo.dll hotfix (KB 969254) installed, "
                             "FixRecipientTrackStatusTime = 1 makes the Exchange 2003 Information Store repair "
                             "meeting updates whose track-status time is 1601-01-01 instead of queueing them."));
  g_string_append_printf (text, "%s\n", _ ("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (flag_commands); i++)
    g_string_append_printf (text, "  %-10s  %s\n", flag_commands[i].name, _ (flag_commands[i].summary));
  g_string_append (text, "\n");
  /* Translators: do not translate "trackfix-cli flag COMMAND --help" */
  g_string_append_printf (text, "%s\n", _ ("Run “trackfix-cli flag COMMAND --help” for the options of a command."));
  if (to_stderr)
    g_printerr ("%s", text->str);
  else
    g_print ("%s", text->str);
}

int
tf_cli_flag (int argc,
             char **argv)
{
  const char *name;

  if (argc < 2)
    {
      print_flag_help (TRUE);
      return TF_CLI_EXIT_FAILURE;
    }
  name = argv[1];
  if (strcmp (name, "--help") == 0 || strcmp (name, "-h") == 0 || strcmp (name, "help") == 0)
    {
      print_flag_help (FALSE);
      return TF_CLI_EXIT_OK;
    }
  for (guint i = 0; i < G_N_ELEMENTS (flag_commands); i++)
    {
      if (strcmp (name, flag_commands[i].name) == 0)
        {
          g_autofree char *prog = g_strdup_printf ("%s %s", argv[0], name);
          g_auto (GStrv) sub_argv = g_new0 (char *, argc);

          /* An owned copy: GOption rewrites the vector it parses. */
          sub_argv[0] = g_strdup (prog);
          for (int j = 2; j < argc; j++)
            sub_argv[j - 1] = g_strdup (argv[j]);
          return flag_commands[i].run (prog, argc - 1, sub_argv);
        }
    }
  /* Translators: %s is what the user typed */
  tf_cli_error (_ ("Unknown flag command “%s”."), name);
  print_flag_help (TRUE);
  return TF_CLI_EXIT_FAILURE;
}
