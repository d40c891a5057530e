/* tf-application.c — the application object
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "Trackfix"

#include "config.h"

#include <glib/gi18n.h>

#include "tf-application.h"
#include "tf-reader.h"
#include "tf-window.h"

struct _TfApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (TfApplication, tf_application, ADW_TYPE_APPLICATION)

static TfWindow *
get_window (TfApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (tf_window_new (ADW_APPLICATION (self)));

  return TF_WINDOW (window);
}

static void
tf_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_window (TF_APPLICATION (app))));
}

static void
tf_application_open (GApplication *app,
                     GFile **files,
                     int n_files,
                     const char *hint)
{
  TfWindow *window = get_window (TF_APPLICATION (app));

  /* GApplication already turned each argument into a GFile: local paths,
   * file:// and other GIO URIs (smb:// mounted by gvfs) alike. */
  tf_window_open_files (window, files, (guint) n_files);
  gtk_window_present (GTK_WINDOW (window));
}

static void
tf_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (tf_application_parent_class)->startup (app);

  tf_core_init ();
  gtk_window_set_default_icon_name (APP_ID);
}

static void
about_action (GSimpleAction *action,
              GVariant *parameter,
              gpointer user_data)
{
  TfApplication *self = user_data;
  static const char *developers[] = { "The Trackfix authors", NULL };
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window,
                         "application-name", _ ("Trackfix"),
                         "application-icon", APP_ID,
                         "developer-name", _ ("The Trackfix authors"),
                         "version", PACKAGE_VERSION,
                         "website", PACKAGE_WEBSITE,
                         "issue-url", PACKAGE_WEBSITE "/issues",
                         "comments", _ ("Finds meeting updates that Exchange 2003 cannot convert because an "
                                        "attendee's track-status time is 1601-01-01 (KB 938650), and explains "
                                        "which attendees are affected and why."),
                         "developers", developers,
                         "copyright", "© 2026 The Trackfix authors",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: Replace "translator-credits" with your names, one name per line */
                         "translator-credits", _ ("translator-credits"),
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant *parameter,
             gpointer user_data)
{
  TfApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Close windows properly so they save their size */
  for (GList *l = windows; l != NULL;)
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_close (window);
    }

  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = about_action },
  { .name = "quit", .activate = quit_action },
};

static void
tf_application_class_init (TfApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = tf_application_activate;
  app_class->open = tf_application_open;
  app_class->startup = tf_application_startup;
}

static void
tf_application_init (TfApplication *self)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
}

/* Admins often run Trackfix in a VM or over remote desktop, where there is
 * no GPU: Mesa then draws GTK's OpenGL renderer in software (llvmpipe),
 * which costs about 75 MB and tens of milliseconds per frame of a full
 * window, on the same CPUs that scan the queue. Without a DRM render node
 * there is no GPU to use, so cairo is drawn instead. GSK_RENDERER, when
 * set, still decides. Must run before the first window is realized. */
static gboolean
has_render_node (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/dev/dri", 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "renderD"))
      return TRUE;

  return FALSE;
}

/* Drawing with cairo, GDK (4.8, X11) still sets up OpenGL to choose the
 * window's visual: Mesa then maps its software rasterizer and LLVM, ~55 MB
 * of resident memory (measured at 20,000 items: peak RSS 158 MB with it,
 * 100 MB without) that nothing uses. GDK_DEBUG=gl-disable leaves OpenGL
 * out; GDK_DEBUG, when set, still decides. */
static void
choose_renderer (void)
{
  if (g_getenv ("GSK_RENDERER") != NULL || has_render_node ())
    return;

  g_debug ("No GPU render node in /dev/dri: drawing with cairo, without OpenGL");
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GDK_DEBUG", "gl-disable", FALSE);
}

TfApplication *
tf_application_new (void)
{
  TfApplication *app;

  choose_renderer ();

  app = g_object_new (TF_TYPE_APPLICATION,
                      "application-id", APP_ID,
                      "flags", G_APPLICATION_HANDLES_OPEN,
                      "resource-base-path", APP_PATH,
                      NULL);
  /* Translators: `trackfix --help`: the arguments */
  g_application_set_option_context_parameter_string (G_APPLICATION (app), _ ("[PATH|URI…]"));
  g_application_set_option_context_summary (G_APPLICATION (app),
                                            _ ("Opens queue folders, mailboxes, .eml, .msg, TNEF and .ics files "
                                               "or GIO URIs (smb://…) and lists meeting updates stuck because of "
                                               "a 1601 track-status time. A SYSTEM registry hive (a file starting "
                                               "with “regf”) opens on the Server Fix page."));

  return app;
}
