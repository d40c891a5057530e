/* main.c — entry point of the trackfix desktop application
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "Trackfix"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "tf-application.h"

int
main (int argc,
      char *argv[])
{
  g_autoptr (TfApplication) app = NULL;
  const char *localedir = g_getenv ("TRACKFIX_LOCALEDIR");

  /* Uninstalled runs (tools/run) point TRACKFIX_LOCALEDIR at the build's
   * po/ folder, where i18n.gettext() writes <lang>/LC_MESSAGES/trackfix.mo */
  if (localedir == NULL || *localedir == '\0')
    localedir = LOCALEDIR;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_ ("Trackfix"));

  app = tf_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
