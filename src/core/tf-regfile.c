/* tf-regfile.c — .reg files and command lines for the server fix flag
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "tf-reader.h"
#include "tf-regfile.h"

/* Written by hand: .reg is a plain text format (domain.md §8.2) that no
 * library writes; hivexregedit is a Perl tool, not a C library. */

#define REG_KEY_SHORT "HKLM\\SYSTEM\\CurrentControlSet\\" TF_FLAG_KEY_BELOW_CONTROL_SET
#define PS_KEY "HKLM:\\SYSTEM\\CurrentControlSet\\" TF_FLAG_KEY_BELOW_CONTROL_SET

char *
tf_regfile_build_text (TfFlagAction action)
{
  /* The value name holds no '\' or '"', so it needs no escaping. */
  return g_strconcat ("Windows Registry Editor Version 5.00\r\n",
                      "\r\n",
                      "[" TF_FLAG_LIVE_KEY "]\r\n",
                      action == TF_FLAG_ENABLE
                          ? "\"" TF_FLAG_VALUE_NAME "\"=dword:00000001\r\n"
                          : "\"" TF_FLAG_VALUE_NAME "\"=-\r\n",
                      "\r\n",
                      NULL);
}

GBytes *
tf_regfile_build (TfFlagAction action)
{
  g_autofree char *text = tf_regfile_build_text (action);
  g_autofree gunichar2 *utf16 = NULL;
  glong n_units = 0;
  guint8 *out;
  gsize len;

  utf16 = g_utf8_to_utf16 (text, -1, NULL, &n_units, NULL);
  g_assert (utf16 != NULL);
  len = 2 + 2 * (gsize) n_units;
  out = g_malloc (len);
  out[0] = 0xff;
  out[1] = 0xfe;
  /* Little-endian regardless of the host byte order */
  for (glong i = 0; i < n_units; i++)
    {
      out[2 + 2 * i] = (guint8) (utf16[i] & 0xff);
      out[3 + 2 * i] = (guint8) (utf16[i] >> 8);
    }
  return g_bytes_new_take (out, len);
}

gboolean
tf_regfile_write (const char *path,
                  TfFlagAction action,
                  GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  GStatBuf st;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_lstat (path, &st) == 0 && S_ISLNK (st.st_mode))
    {
      g_set_error (error, TF_ERROR, TF_ERROR_REFUSED,
                   /* Translators: %s is a file name */
                   _ ("“%s” is a symbolic link; choose the real file"), path);
      return FALSE;
    }
  bytes = tf_regfile_build (action);
  return g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0644, error);
}

char *
tf_flag_build_commands (TfFlagAction action,
                        TfCommandStyle style)
{
  if (style == TF_COMMAND_STYLE_POWERSHELL)
    {
      /* Not "New-Item -Force" on its own: on an existing registry key it
       * recreates the key and drops its values and subkeys. */
      if (action == TF_FLAG_ENABLE)
        return g_strdup ("$k='" PS_KEY "'\n"
                         "if (-not (Test-Path -LiteralPath $k)) { New-Item -Path $k -Force | Out-Null }\n"
                         "New-ItemProperty -LiteralPath $k -Name " TF_FLAG_VALUE_NAME " -PropertyType DWord -Value 1 -Force | Out-Null\n"
                         "Get-ItemProperty -LiteralPath $k -Name " TF_FLAG_VALUE_NAME "\n");
      return g_strdup ("$k='" PS_KEY "'\n"
                       "Remove-ItemProperty -LiteralPath $k -Name " TF_FLAG_VALUE_NAME " -ErrorAction SilentlyContinue\n");
    }

  if (action == TF_FLAG_ENABLE)
    return g_strdup ("reg add \"" REG_KEY_SHORT "\" /v " TF_FLAG_VALUE_NAME " /t REG_DWORD /d 1 /f\n"
                     "reg query \"" REG_KEY_SHORT "\" /v " TF_FLAG_VALUE_NAME "\n");
  return g_strdup ("reg delete \"" REG_KEY_SHORT "\" /v " TF_FLAG_VALUE_NAME " /f\n");
}

const char *
tf_flag_get_restart_command (TfCommandStyle style)
{
  if (style == TF_COMMAND_STYLE_POWERSHELL)
    return "Restart-Service MSExchangeIS";
  return "net stop MSExchangeIS && net start MSExchangeIS";
}

char *
tf_flag_dup_restart_reminder (TfCommandStyle style)
{
  /* Translators: %s is a command such as "net stop MSExchangeIS && net start MSExchangeIS" */
  return g_strdup_printf (_ ("Then restart the Microsoft Exchange Information Store service so that it reads the setting (%s)."),
                          tf_flag_get_restart_command (style));
}
