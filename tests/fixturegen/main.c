/* main.c — trackfix-gen: TEST-ONLY fixture generator
 *
 *   trackfix-gen demo DIR              the demo data set (data/demo)
 *   trackfix-gen queue DIR N [SEED]    N benchmark queue files
 *   trackfix-gen sample NAME FILE      one named sample ("--list" lists them)
 *   trackfix-gen pst-demo FILE         the demo PST (tf-fixturegen-pst.h)
 *   trackfix-gen pst-bench FILE [--size 1G] [--messages 20000] [--ansi]
 *                [--crypt none|permute|cyclic]  the benchmark PST
 *   trackfix-gen pst-cases DIR         the PST test set and its MANIFEST
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tf-fixturegen.h"
#include "tf-fixturegen-pst.h"

static int
usage (void)
{
  g_printerr ("Usage:\n"
              "  trackfix-gen demo DIR\n"
              "  trackfix-gen queue DIR N [SEED]\n"
              "  trackfix-gen sample NAME FILE\n"
              "  trackfix-gen sample --list\n"
              "  trackfix-gen pst-demo FILE\n"
              "  trackfix-gen pst-bench FILE [--size SIZE] [--messages N] [--ansi]\n"
              "                          [--crypt none|permute|cyclic]\n"
              "  trackfix-gen pst-cases DIR\n");
  return 2;
}

static gboolean
parse_uint (const char *text,
            guint64 max,
            guint64 *value)
{
  g_autoptr (GError) error = NULL;

  return g_ascii_string_to_unsigned (text, 10, 0, max, value, &error);
}

/* "1G", "300M", "64K" or plain bytes */
static gboolean
parse_size (const char *text,
            guint64 *value)
{
  g_autofree char *num = g_strdup (text);
  gsize len = strlen (num);
  guint shift = 0;

  if (len > 1 && strchr ("KkMmGg", num[len - 1]) != NULL)
    {
      char unit = g_ascii_tolower (num[len - 1]);

      shift = unit == 'k' ? 10 : (unit == 'm' ? 20 : 30);
      num[len - 1] = '\0';
    }
  if (!parse_uint (num, G_GUINT64_CONSTANT (1) << 40, value))
    return FALSE;
  *value <<= shift;
  return TRUE;
}

static gboolean
pst_bench (int argc,
           char *argv[],
           GError **error,
           gboolean *usage_error)
{
  static const char *const crypts[] = { "none", "permute", "cyclic" };
  guint64 size = G_GUINT64_CONSTANT (1) << 30;
  guint64 n = 20000;
  gboolean unicode = TRUE;
  int crypt = TF_PST_CRYPT_PERMUTE;

  for (int i = 3; i < argc; i += 2)
    {
      gboolean ok = i + 1 < argc;

      if (strcmp (argv[i], "--ansi") == 0)
        {
          unicode = FALSE;
          i--;
          continue;
        }
      if (ok && strcmp (argv[i], "--size") == 0)
        ok = parse_size (argv[i + 1], &size);
      else if (ok && strcmp (argv[i], "--messages") == 0)
        ok = parse_uint (argv[i + 1], 10000000, &n) && n > 0;
      else if (ok && strcmp (argv[i], "--crypt") == 0)
        for (crypt = 0; crypt < 3 && strcmp (argv[i + 1], crypts[crypt]) != 0; crypt++)
          ;
      else
        ok = FALSE;
      ok = ok && crypt < 3;
      if (!ok)
        {
          *usage_error = TRUE;
          return FALSE;
        }
    }
  return tf_gen_pst_bench (argv[2], unicode, (TfPstCrypt) crypt, size, (guint) n, error);
}

int
main (int argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  gboolean ok;

  tf_core_init ();

  if (argc < 2)
    return usage ();

  if (strcmp (argv[1], "demo") == 0 && argc == 3)
    {
      ok = tf_gen_demo (argv[2], &error);
    }
  else if (strcmp (argv[1], "queue") == 0 && (argc == 4 || argc == 5))
    {
      guint64 n = 0;
      guint64 seed = 2008;

      if (!parse_uint (argv[3], 10000000, &n) || (argc == 5 && !parse_uint (argv[4], G_MAXUINT32, &seed)))
        return usage ();
      ok = tf_gen_queue (argv[2], (guint) n, (guint32) seed, &error);
    }
  else if (strcmp (argv[1], "sample") == 0 && argc == 3 && strcmp (argv[2], "--list") == 0)
    {
      const char *const *names = tf_gen_sample_names ();

      for (guint i = 0; names[i] != NULL; i++)
        g_print ("%s\n", names[i]);
      return 0;
    }
  else if (strcmp (argv[1], "sample") == 0 && argc == 4)
    {
      g_autoptr (GBytes) bytes = tf_gen_sample (argv[2]);
      gsize len = 0;
      const char *data;

      if (bytes == NULL)
        {
          g_printerr ("trackfix-gen: unknown sample “%s” (see trackfix-gen sample --list)\n", argv[2]);
          return 2;
        }
      data = g_bytes_get_data (bytes, &len);
      ok = g_file_set_contents (argv[3], data, (gssize) len, &error);
    }
  else if (strcmp (argv[1], "pst-demo") == 0 && argc == 3)
    {
      ok = tf_gen_pst_demo (argv[2], &error);
    }
  else if (strcmp (argv[1], "pst-cases") == 0 && argc == 3)
    {
      ok = tf_gen_pst_cases (argv[2], &error);
    }
  else if (strcmp (argv[1], "pst-bench") == 0 && argc >= 3)
    {
      gboolean usage_error = FALSE;

      ok = pst_bench (argc, argv, &error, &usage_error);
      if (usage_error)
        return usage ();
    }
  else
    {
      return usage ();
    }

  if (!ok)
    {
      g_printerr ("trackfix-gen: %s\n", error->message);
      return 1;
    }

  return 0;
}
