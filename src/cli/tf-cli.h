/* tf-cli.h — subcommands of trackfix-cli
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses shared by all subcommands */
#define TF_CLI_EXIT_OK       0
#define TF_CLI_EXIT_FINDINGS 1  /* findings / refused / some items not repaired */
#define TF_CLI_EXIT_FAILURE  2  /* usage or I/O failure */

/* Each subcommand gets argv with argv[0] = "trackfix-cli SUBCOMMAND" and
 * parses its own options with GOptionContext. */
int tf_cli_scan   (int argc, char **argv);
int tf_cli_show   (int argc, char **argv);
int tf_cli_repair (int argc, char **argv);
int tf_cli_undo   (int argc, char **argv);
int tf_cli_flag   (int argc, char **argv);
/* `queue hold|resubmit` (added by the repair engine; additive) */
int tf_cli_queue  (int argc, char **argv);

/* Prints a translated error "trackfix-cli: message" to stderr */
void tf_cli_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

G_END_DECLS
