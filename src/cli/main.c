/* main.c — trackfix-cli: subcommand dispatcher
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "tf-cli.h"
#include "tf-core.h"

typedef struct
{
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "scan", tf_cli_scan, N_ ("Read files and folders, list meeting recipients and their problems") },
  { "show", tf_cli_show, N_ ("Show one file in full: every recipient with every property read") },
  { "repair", tf_cli_repair, N_ ("Repair bad track-status times in place, with a backup and an undo journal") },
  { "undo", tf_cli_undo, N_ ("Restore originals from the journal of an earlier repair") },
  { "queue", tf_cli_queue, N_ ("Hold queue files or resubmit repaired ones to a Pickup / Replay folder") },
  { "flag", tf_cli_flag, N_ ("Check or set FixRecipientTrackStatusTime in a SYSTEM hive or a .reg file") },
};

void
tf_cli_error (const char *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* Translators: an error message of the command-line tool; %s is the message */
  g_printerr (_ ("trackfix-cli: %s\n"), message);
}

static void
print_help (FILE *out)
{
  g_autoptr (GString) text = g_string_new (NULL);
  int width = 0;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    width = MAX (width, (int) strlen (commands[i].name));

  g_string_append_printf (text, "%s\n  %s\n\n", _ ("Usage:"), _ ("trackfix-cli COMMAND [OPTION…] [ARGUMENT…]"));
  g_string_append_printf (text, "%s\n\n",
                          _ ("Find meeting recipients whose track-status time is 1601-01-01 (KB 938650) "
                             "in Exchange queue files, Outlook items, TNEF, iCalendar and bounces."));
  g_string_append_printf (text, "%s\n", _ ("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %-*s  %s\n", width, commands[i].name, _ (commands[i].summary));
  g_string_append_printf (text, "\n%s\n", _ ("Options:"));
  g_string_append_printf (text, "  %-10s  %s\n", "-h, --help", _ ("Show this help"));
  g_string_append_printf (text, "  %-10s  %s\n", "--version", _ ("Show the version"));
  g_string_append (text, "\n");
  /* Translators: do not translate "trackfix-cli COMMAND --help" */
  g_string_append_printf (text, "%s\n", _ ("Run “trackfix-cli COMMAND --help” for the options of a command."));

  if (out == stderr)
    g_printerr ("%s", text->str);
  else
    g_print ("%s", text->str);
}

int
main (int argc,
      char *argv[])
{
  const char *localedir;
  const char *name;

  setlocale (LC_ALL, "");
  /* Tests run uninstalled: they point us at the freshly built catalogs. */
  localedir = g_getenv ("TRACKFIX_LOCALEDIR");
  if (localedir == NULL || *localedir == '\0')
    localedir = LOCALEDIR;
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_prgname ("trackfix-cli");
  tf_core_init ();

  if (argc < 2)
    {
      print_help (stderr);
      return TF_CLI_EXIT_FAILURE;
    }

  name = argv[1];

  if (strcmp (name, "--help") == 0 || strcmp (name, "-h") == 0 || strcmp (name, "help") == 0)
    {
      print_help (stdout);
      return TF_CLI_EXIT_OK;
    }

  if (strcmp (name, "--version") == 0)
    {
      g_print ("trackfix-cli %s\n", PACKAGE_VERSION);
      return TF_CLI_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (strcmp (name, commands[i].name) == 0)
        {
          g_autofree char *prog = g_strdup_printf ("trackfix-cli %s", name);
          g_autofree char **sub_argv = g_new0 (char *, argc);
          int status;

          /* A shallow copy: the strings stay the process's. Subcommands that
           * want to own them use g_option_context_parse_strv on a copy. */
          sub_argv[0] = prog;
          /* "Usage: trackfix-cli show [OPTION…] FILE" in --help */
          g_set_prgname (prog);
          for (int j = 2; j < argc; j++)
            sub_argv[j - 1] = argv[j];

          status = commands[i].run (argc - 1, sub_argv);

          return status;
        }
    }

  /* Translators: %s is what the user typed as a command */
  tf_cli_error (_ ("Unknown command “%s”."), name);
  print_help (stderr);

  return TF_CLI_EXIT_FAILURE;
}
