/* tf-regfile.h — .reg files and command lines for the server fix flag
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tf-registry.h"

G_BEGIN_DECLS

typedef enum
{
  TF_COMMAND_STYLE_REG,        /* reg.exe in cmd.exe */
  TF_COMMAND_STYLE_POWERSHELL, /* PowerShell registry provider */
} TfCommandStyle;

/* The live registry path of the flag's key */
#define TF_FLAG_LIVE_KEY "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\" TF_FLAG_KEY_BELOW_CONTROL_SET

/* The .reg text (regedit "Version 5.00") with CRLF line ends and a
 * trailing CRLF, as UTF-8 without BOM. Enable sets the value to
 * dword:00000001, disable deletes it ("…"=-). Never translated. */
char *tf_regfile_build_text (TfFlagAction action);
/* The same text as regedit writes it: UTF-16LE with the BOM FF FE. */
GBytes *tf_regfile_build (TfFlagAction action);
/* Writes tf_regfile_build() to @path (created 0644, replaced atomically;
 * a symlink at @path is refused). */
gboolean tf_regfile_write (const char *path,
                           TfFlagAction action,
                           GError **error);

/* The command lines that make the change on a running server, one per
 * line ("\n"), without the service restart. Never translated. */
char *tf_flag_build_commands (TfFlagAction action,
                              TfCommandStyle style);
/* "net stop MSExchangeIS && net start MSExchangeIS" or
 * "Restart-Service MSExchangeIS". Never translated. */
const char *tf_flag_get_restart_command (TfCommandStyle style);
/* Translated sentence: restart the Information Store service, with the
 * command. */
char *tf_flag_dup_restart_reminder (TfCommandStyle style);

G_END_DECLS
