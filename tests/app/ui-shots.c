/* ui-shots.c — render the window's main states to PNG files, for looking
 * at the UI (not a test; build with `ninja -C _build tests/app/ui-shots`)
 *
 *   xvfb-run -a _build/tests/app/ui-shots OUTDIR [WIDTH HEIGHT]
 *
 * Writes OUTDIR/{empty,demo,item-1601,sorted-subject,raw,repair,meetings,server-fix,
 * pst-1601,pst-raw,pst-repair,pst-repair-full-copy}.png (the last four: the
 * demo PST as a source, its first 1601 item selected; its repair preview,
 * then the same with the full-copy offer, its threshold lowered) at
 * WIDTH x HEIGHT (default: 1366 x 768, the laptop size the layout is made for;
 * data/screenshots/ holds the English AppStream shots taken this way, by
 * tools/appstream-shots). Set LANGUAGE=pl and TRACKFIX_LOCALEDIR=_build/po
 * for the Polish UI, GSETTINGS_SCHEMA_DIR=_build/data and
 * GSETTINGS_BACKEND=memory as for the app.
 *
 * The demo is written to ~/Exports/queue of a scratch home folder (HOME
 * points there while this runs), so the shots show "~/Exports/queue"
 * rather than a temporary path.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "tf-application.h"
#include "tf-fixturegen-pst.h"
#include "tf-fixturegen.h"
#include "tf-item-view.h"
#include "tf-window-private.h"
#include "tf-ui-test.h"

static char *out_dir;

static void
shoot (GtkWidget *widget,
       const char *name)
{
  g_autofree char *path = g_build_filename (out_dir, name, NULL);

  /* Long enough for an overlay scrollbar shown by a scroll (a selection
   * scrolled into view) to fade out again: no shot catches it half-way */
  tf_ui_test_spin_for (2500);
  if (!tf_ui_test_render_png (widget, path))
    g_printerr ("Cannot render %s\n", path);
  else
    g_print ("%s (%d x %d)\n", path, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
}

static void
select_view (TfWindow *window,
             const char *name)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (window->views_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && g_strcmp0 (gtk_widget_get_name (row), name) == 0)
      gtk_list_box_select_row (window->views_list, GTK_LIST_BOX_ROW (row));
  tf_ui_test_spin_for (500);
}

static GtkWidget *
find_type (GtkWidget *root,
           GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Selects the first item of the list with a 1601 row */
static void
select_first_1601 (TfWindow *window)
{
  GListModel *model = G_LIST_MODEL (window->selection);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (model, i);

      if (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601))
        {
          gtk_single_selection_set_selected (window->selection, i);
          return;
        }
    }
}

/* The preview of Repair… for the selected item */
static void
shoot_repair_preview (TfWindow *window,
                      const char *name)
{
  AdwMessageDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.repair", NULL);
  tf_ui_test_spin_for (500);
  dialog = tf_ui_test_find_dialog (NULL);
  if (dialog == NULL)
    return;
  shoot (GTK_WIDGET (dialog), name);
  gtk_window_destroy (GTK_WINDOW (dialog));
  tf_ui_test_spin_for (100);
}

/* A PST opened on its own, selected in the sidebar, its first 1601 item
 * selected: the details, then the Raw page */
static void
shoot_pst (AdwApplication *app,
           const char *dir,
           int width,
           int height)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "demo.pst", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  TfWindow *window;
  AdwViewStack *stack;
  gint64 end;

  if (!tf_gen_pst_demo (path, &error))
    {
      g_printerr ("Cannot make the demo PST: %s\n", error->message);
      return;
    }
  window = tf_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  tf_window_open_files (window, &file, 1);
  end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!tf_ui_test_scan_done (window) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  gtk_list_box_select_row (window->sources_list, gtk_list_box_get_row_at_index (window->sources_list, 1));
  tf_ui_test_spin_for (300);
  select_first_1601 (window);
  shoot (GTK_WIDGET (window), "pst-1601.png");
  shoot_repair_preview (window, "pst-repair.png");
  window->full_copy_offer_bytes = 1;
  shoot_repair_preview (window, "pst-repair-full-copy.png");

  stack = ADW_VIEW_STACK (find_type (GTK_WIDGET (window->item_view), ADW_TYPE_VIEW_STACK));
  adw_view_stack_set_visible_child_name (stack, "raw");
  tf_ui_test_spin_for (1000);
  shoot (GTK_WIDGET (window), "pst-raw.png");

  gtk_window_destroy (GTK_WINDOW (window));
  tf_ui_test_spin_for (100);
}

int
main (int argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TfApplication) app = NULL;
  g_autoptr (GFile) demo = NULL;
  g_autofree char *demo_dir = NULL;
  g_autofree char *scratch = NULL;
  g_autofree char *home = NULL;
  g_autofree char *data_home = NULL;
  const char *localedir = g_getenv ("TRACKFIX_LOCALEDIR");
  TfWindow *window;
  int width = 1366;
  int height = 768;
  gint64 end;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      g_printerr ("Usage: ui-shots OUTDIR [WIDTH HEIGHT]\n");
      return 2;
    }
  out_dir = argv[1];
  if (argc >= 4)
    {
      width = atoi (argv[2]);
      height = atoi (argv[3]);
    }
  g_mkdir_with_parents (out_dir, 0755);

  /* Before anything asks GLib for the home folder (it keeps the answer) */
  scratch = g_dir_make_tmp ("trackfix-shots-XXXXXX", &error);
  if (scratch == NULL)
    {
      g_printerr ("Cannot make a scratch folder: %s\n", error->message);
      return 1;
    }
  home = g_build_filename (scratch, "home", NULL);
  data_home = g_build_filename (home, ".local", "share", NULL);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  demo_dir = g_build_filename (home, "Exports", "queue", NULL);
  g_mkdir_with_parents (demo_dir, 0755);

  gtk_init ();
  adw_init ();
  tf_core_init ();

  if (!tf_gen_demo (demo_dir, &error))
    {
      g_printerr ("Cannot make the demo: %s\n", error->message);
      return 1;
    }

  app = tf_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  window = tf_window_new (ADW_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  shoot (GTK_WIDGET (window), "empty.png");

  demo = g_file_new_for_path (demo_dir);
  tf_window_open_files (window, &demo, 1);
  end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!tf_ui_test_scan_done (window) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  shoot (GTK_WIDGET (window), "demo.png");
  select_first_1601 (window);
  shoot (GTK_WIDGET (window), "item-1601.png");
  /* Sorted by subject (the menu does what a click on the header does):
   * the arrow on that header only, the 1601 item still selected; then
   * back to the default order */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.sort-by", "s", "subject");
  while (!tf_ui_test_scan_done (window) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  shoot (GTK_WIDGET (window), "sorted-subject.png");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.sort-by", "s", "default");
  while (!tf_ui_test_scan_done (window) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  if (g_getenv ("UI_SHOTS_MEASURE") != NULL)
    {
      GtkWidget *widgets[] = { GTK_WIDGET (window->item_view), GTK_WIDGET (window->detail_stack),
                               gtk_paned_get_start_child (window->paned), GTK_WIDGET (window->paned),
                               GTK_WIDGET (tf_item_view_get_action_box (window->item_view)),
                               GTK_WIDGET (tf_item_view_get_recipients_view (window->item_view)) };

      for (guint i = 0; i < G_N_ELEMENTS (widgets); i++)
        {
          int min, nat;

          gtk_widget_measure (widgets[i], GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
          g_print ("%s: min %d nat %d\n", G_OBJECT_TYPE_NAME (widgets[i]), min, nat);
        }
    }

  {
    AdwViewStack *stack = ADW_VIEW_STACK (find_type (GTK_WIDGET (window->item_view), ADW_TYPE_VIEW_STACK));

    adw_view_stack_set_visible_child_name (stack, "raw");
    tf_ui_test_spin_for (1000);
    shoot (GTK_WIDGET (window), "raw.png");
    adw_view_stack_set_visible_child_name (stack, "details");
  }

  shoot_repair_preview (window, "repair.png");

  select_view (window, "meetings");
  gtk_single_selection_set_selected (window->meeting_selection, 0);
  shoot (GTK_WIDGET (window), "meetings.png");

  select_view (window, "server-fix");
  shoot (GTK_WIDGET (window), "server-fix.png");

  gtk_window_destroy (GTK_WINDOW (window));
  tf_ui_test_spin_for (100);

  /* Before the scratch folder (the demo's home) goes */
  shoot_pst (ADW_APPLICATION (app), demo_dir, width, height);
  tf_ui_test_remove_scratch (scratch);

  return 0;
}
