/* test-repair-ui.c — Repair…, Repair All…, Undo History in the window
 * (suite 'ui')
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

#include <adwaita.h>
#include <glib/gstdio.h>

#include "tf-application.h"
#include "tf-columns-private.h"
#include "tf-fixturegen.h"
#include "tf-item-view.h"
#include "tf-window-private.h"
#include "tf-ui-test.h"

static TfApplication *app;
static char *scratch;

static char *
sha_of (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = tf_safe_read (path, NULL, &error);

  g_assert_no_error (error);
  return tf_sha256_bytes (bytes);
}

static TfItem *
select_item_with (TfWindow *window,
                  TfFindingCode code)
{
  GListModel *model = G_LIST_MODEL (window->selection);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (model, i);

      if (tf_item_has_finding (item, code))
        {
          gtk_single_selection_set_selected (window->selection, i);
          tf_ui_test_spin_for (50);
          return item; /* the model keeps it */
        }
    }
  return NULL;
}

static gboolean
item_repaired (gpointer data)
{
  return !tf_item_has_finding (data, TF_FINDING_TRACK_TIME_1601);
}

static gboolean
item_original_again (gpointer data)
{
  return tf_item_has_finding (data, TF_FINDING_TRACK_TIME_1601);
}

static GtkWidget *
find_menu_button (GtkWidget *root)
{
  if (GTK_IS_MENU_BUTTON (root))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_menu_button (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Whether @name is enabled, read the way the UI reads it: through an
 * actionable widget's sensitivity. */
static gboolean
action_enabled (TfWindow *window,
                const char *name)
{
  GtkBox *box = tf_item_view_get_action_box (window->item_view);
  GtkWidget *probe = gtk_button_new ();
  gboolean enabled;

  gtk_actionable_set_action_name (GTK_ACTIONABLE (probe), name);
  gtk_box_append (box, probe);
  tf_ui_test_spin_for (20);
  enabled = gtk_widget_get_sensitive (probe);
  gtk_box_remove (box, probe);
  return enabled;
}

/* What the sidebar row of source @index (0: All Sources) and the summary
 * above the list say about problems */
typedef struct
{
  TfWindow *window;
  guint n_problems;
} CountsWait;

static void
assert_asked_tooltip (GtkWidget *widget,
                      const char *expected)
{
  g_autofree char *text = NULL;

  g_assert_true (tf_widget_get_asked_tooltip (widget, &text));
  g_assert_null (gtk_widget_get_tooltip_text (widget));
  g_assert_cmpstr (text, ==, expected);
}

static gboolean
badge_says (TfWindow *window,
            guint index,
            guint n_problems)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (window->sources_list, index);
  GtkLabel *badge = g_object_get_data (G_OBJECT (row), "tf-badge");
  g_autofree char *text = g_strdup_printf ("%u", n_problems);
  g_autofree char *tooltip = NULL;
  g_autofree char *expected = g_strdup_printf (n_problems == 1 ? "%u item with problems" : "%u items with problems",
                                               n_problems);

  /* The tooltip is written when shown (query-tooltip), never set on each
   * count change: on X11 that costs three round trips per frame */
  g_assert_true (tf_widget_get_asked_tooltip (GTK_WIDGET (badge), &tooltip));
  g_assert_true (gtk_widget_get_has_tooltip (GTK_WIDGET (badge)));
  g_assert_null (gtk_widget_get_tooltip_text (GTK_WIDGET (badge)));
  /* … and so are the row's others, which were set when a folder opened */
  assert_asked_tooltip (GTK_WIDGET (row),
                        tf_scan_source_get_subtitle (g_object_get_data (G_OBJECT (row), "tf-source")));
  assert_asked_tooltip (g_object_get_data (G_OBJECT (row), "tf-spinner"), "Scanning…");
  assert_asked_tooltip (g_object_get_data (G_OBJECT (row), "tf-count"), "Items read");
  if (g_strcmp0 (tooltip, expected) != 0)
    return FALSE;
  if (n_problems == 0)
    return !gtk_widget_get_visible (GTK_WIDGET (badge));
  return gtk_widget_get_visible (GTK_WIDGET (badge)) && g_str_equal (gtk_label_get_text (badge), text);
}

static gboolean
counts_say (gpointer data)
{
  CountsWait *wait = data;
  TfWindow *window = wait->window;
  g_autoptr (TfScanSource) source = g_list_model_get_item (G_LIST_MODEL (window->sources), 0);
  g_autofree char *summary = g_strdup_printf ("%u with problems", wait->n_problems);

  return window->summary_source == 0 && tf_scan_source_get_n_problems (source) == wait->n_problems && tf_scan_source_get_n_problems (window->all_source) == wait->n_problems && badge_says (window, 0, wait->n_problems) && badge_says (window, 1, wait->n_problems) && g_str_has_suffix (gtk_label_get_text (window->summary_label), summary);
}

/* The item view's tooltips are written when shown (query-tooltip), never
 * set on each selection: on X11 each set asks the server where the
 * pointer is. No cell of the recipient table nor the file and folder
 * labels holds a static one, and each says what it should. */
typedef struct
{
  TfItem *item;
  guint n_asked;
  guint n_texts;
  gboolean file_path_found;
} TooltipWalk;

static void
walk_tooltips (GtkWidget *widget,
               TooltipWalk *walk)
{
  g_autofree char *text = NULL;

  if (tf_widget_get_asked_tooltip (widget, &text))
    {
      g_assert_true (gtk_widget_get_has_tooltip (widget));
      g_assert_null (gtk_widget_get_tooltip_text (widget));
      walk->n_asked++;
      walk->n_texts += text != NULL;
      walk->file_path_found |= g_strcmp0 (text, tf_item_get_file_path (walk->item)) == 0;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    walk_tooltips (child, walk);
}

static void
assert_tooltips_on_demand (TfWindow *window,
                           TfItem *item)
{
  TooltipWalk cells = { item, 0, 0, FALSE };
  TooltipWalk all = { item, 0, 0, FALSE };

  /* The recipient rows are bound once they are laid out */
  tf_ui_test_spin_for (100);
  walk_tooltips (GTK_WIDGET (tf_item_view_get_recipients_view (window->item_view)), &cells);
  g_assert_cmpuint (cells.n_asked, >, 0);
  g_assert_cmpuint (cells.n_texts, >, 0);
  walk_tooltips (GTK_WIDGET (window->item_view), &all);
  /* … and the file and folder labels (the UID wraps whole, no tooltip) */
  g_assert_cmpuint (all.n_asked, >=, cells.n_asked + 2);
  g_assert_true (all.file_path_found);
}

static void
test_repair_one_and_undo (void)
{
  g_autofree char *dir = g_build_filename (scratch, "one", NULL);
  g_autofree char *path = g_build_filename (dir, "NTFS_01.EML", NULL);
  g_autofree char *journal = tf_journal_default_path ();
  g_autofree char *original_sha = NULL;
  g_autofree char *repaired_sha = NULL;
  g_autofree char *restored_sha = NULL;
  AdwMessageDialog *dialog;
  TfWindow *window;
  TfItem *item;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  tf_ui_test_write_sample (dir, "eml-tnef-1601", "NTFS_01.EML");
  tf_ui_test_write_sample (dir, "eml-tnef-healthy", "NTFS_02.EML");
  original_sha = sha_of (path);

  window = tf_ui_test_open_folder (ADW_APPLICATION (app), dir);

  /* The sidebar badges and the summary count the stuck item */
  {
    CountsWait counts = { window, 1 };

    tf_ui_test_spin_until (counts_say, &counts, 10000);
  }

  item = select_item_with (window, TF_FINDING_TRACK_TIME_1601);
  g_assert_nonnull (item);
  assert_tooltips_on_demand (window, item);
  /* Queue actions: hold any file; resubmit only what is repaired */
  g_assert_true (gtk_widget_is_sensitive (find_menu_button (GTK_WIDGET (window->item_view))));
  g_assert_false (action_enabled (window, "win.resubmit"));
  g_assert_true (action_enabled (window, "win.hold"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.repair", NULL));

  /* The preview lists the change and where the value comes from. */
  dialog = tf_ui_test_wait_dialog ("Repair This Item");
  tf_ui_test_maybe_snapshot (GTK_WIDGET (dialog), "repair-preview.png");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "repair"));
  g_assert_nonnull (tf_ui_test_find_button (GTK_WIDGET (dialog), "_Repair"));
  adw_message_dialog_response (dialog, "repair");

  tf_ui_test_spin_until (item_repaired, item, 30000);
  tf_ui_test_spin_until (tf_ui_test_dialog_gone, (gpointer) "Repairing", 10000);
  repaired_sha = sha_of (path);
  g_assert_cmpstr (repaired_sha, !=, original_sha);
  g_assert_true (g_file_test (journal, G_FILE_TEST_IS_REGULAR));
  /* The item view shows the refreshed item at once */
  g_assert_true (tf_item_view_get_item (window->item_view) == item);
  tf_ui_test_maybe_snapshot (GTK_WIDGET (window), "repair-window.png");
  g_assert_true (action_enabled (window, "win.resubmit"));
  /* Nothing left to repair on it: the button goes grey */
  g_assert_false (gtk_widget_is_sensitive (tf_ui_test_find_button (GTK_WIDGET (window->item_view), "_Repair…")));
  /* … and the badges and the summary no longer count it */
  {
    CountsWait counts = { window, 0 };

    tf_ui_test_spin_until (counts_say, &counts, 10000);
  }

  /* Undo from the history */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo-history", NULL));
  dialog = tf_ui_test_wait_dialog ("Undo History");
  tf_ui_test_maybe_snapshot (GTK_WIDGET (dialog), "undo-history.png");
  {
    GtkWidget *undo = tf_ui_test_find_button (GTK_WIDGET (dialog), "_Undo");

    g_assert_nonnull (undo);
    g_signal_emit_by_name (undo, "clicked");
  }
  tf_ui_test_spin_until (item_original_again, item, 30000);
  restored_sha = sha_of (path);
  g_assert_cmpstr (restored_sha, ==, original_sha);
  /* Undone: counted again */
  {
    CountsWait counts = { window, 1 };

    tf_ui_test_spin_until (counts_say, &counts, 10000);
  }
  adw_message_dialog_response (dialog, "close");

  gtk_window_destroy (GTK_WINDOW (window));
  tf_ui_test_spin_for (50);
}

typedef struct
{
  TfWindow *window;
} AllWait;

static gboolean
nothing_left (gpointer data)
{
  TfWindow *window = data;
  GListModel *model = G_LIST_MODEL (window->all_items);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (model, i);

      if (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601) || tf_item_has_finding (item, TF_FINDING_TRACK_TIME_PRE_1900))
        return FALSE;
    }
  return tf_ui_test_find_dialog ("Repairing") == NULL;
}

static void
test_repair_all (void)
{
  g_autofree char *dir = g_build_filename (scratch, "all", NULL);
  AdwMessageDialog *dialog;
  TfWindow *window;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  tf_ui_test_write_sample (dir, "eml-tnef-1601", "NTFS_01.EML");
  tf_ui_test_write_sample (dir, "eml-tnef-cancel-1601", "NTFS_02.EML");
  tf_ui_test_write_sample (dir, "msg-1601", "organizer.msg");
  tf_ui_test_write_sample (dir, "msg-pre1900", "vendor.msg");
  tf_ui_test_write_sample (dir, "tnef-healthy", "winmail.dat");

  window = tf_ui_test_open_folder (ADW_APPLICATION (app), dir);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.repair-all", NULL));
  dialog = tf_ui_test_wait_dialog ("Repair All 4 Items");
  tf_ui_test_maybe_snapshot (GTK_WIDGET (dialog), "repair-all-preview.png");
  adw_message_dialog_response (dialog, "repair");
  tf_ui_test_spin_until (nothing_left, window, 60000);

  gtk_window_destroy (GTK_WINDOW (window));
  tf_ui_test_spin_for (50);
}

static guint
count_problems (TfWindow *window)
{
  GListModel *model = G_LIST_MODEL (window->all_items);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (model, i);

      if (tf_item_get_n_problems (item) > 0)
        n++;
    }
  return n;
}

/* The demo queue (a copy): repairing its stuck update takes it off the
 * sidebar badges and the queue summary */
static void
test_repair_demo_counts (void)
{
  g_autofree char *dir = g_build_filename (scratch, "demo", NULL);
  g_autoptr (GError) error = NULL;
  AdwMessageDialog *dialog;
  TfWindow *window;
  TfItem *item;
  guint before;
  CountsWait counts;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (tf_gen_demo (dir, &error));
  g_assert_no_error (error);

  window = tf_ui_test_open_folder (ADW_APPLICATION (app), dir);

  before = count_problems (window);
  g_assert_cmpuint (before, >, 0);
  counts = (CountsWait){ window, before };
  tf_ui_test_spin_until (counts_say, &counts, 10000);

  /* A stuck update whose only problem is the 1601 time */
  item = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (window->selection)) && item == NULL; i++)
    {
      g_autoptr (TfItem) candidate = g_list_model_get_item (G_LIST_MODEL (window->selection), i);
      GListModel *findings = tf_item_get_findings (candidate);
      gboolean only_1601 = tf_item_has_finding (candidate, TF_FINDING_TRACK_TIME_1601);

      for (guint k = 0; k < g_list_model_get_n_items (findings) && only_1601; k++)
        {
          g_autoptr (TfFinding) finding = g_list_model_get_item (findings, k);

          if (tf_finding_get_severity (finding) >= TF_SEVERITY_WARNING && tf_finding_get_code (finding) != TF_FINDING_TRACK_TIME_1601)
            only_1601 = FALSE;
        }
      if (only_1601)
        {
          gtk_single_selection_set_selected (window->selection, i);
          tf_ui_test_spin_for (50);
          item = candidate; /* the model keeps it */
        }
    }
  g_assert_nonnull (item);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.repair", NULL));
  dialog = tf_ui_test_wait_dialog ("Repair This Item");
  adw_message_dialog_response (dialog, "repair");
  tf_ui_test_spin_until (item_repaired, item, 30000);
  tf_ui_test_spin_until (tf_ui_test_dialog_gone, (gpointer) "Repairing", 10000);

  /* Whatever else the item has, the 1601 time was its problem */
  g_assert_cmpuint (tf_item_get_n_problems (item), ==, 0);
  counts = (CountsWait){ window, before - 1 };
  tf_ui_test_spin_until (counts_say, &counts, 10000);
  g_assert_cmpuint (count_problems (window), ==, before - 1);

  gtk_window_destroy (GTK_WINDOW (window));
  tf_ui_test_spin_for (50);
}

static void
on_scan_finished_cb (TfScanSource *source,
                     guint *n_scans)
{
  (*n_scans)++;
}

static gboolean
rescanned (gpointer data)
{
  return *(guint *) data > 0;
}

/* The repair rewrites a file in a watched subfolder (Queue/), which
 * rescans the folder: the repaired item stays selected and shown, and the
 * rescan keeps the item objects of files that did not change. */
static void
test_repair_then_rescan (void)
{
  g_autofree char *dir = g_build_filename (scratch, "rescan", NULL);
  g_autofree char *queue = g_build_filename (dir, "Queue", NULL);
  g_autoptr (TfScanSource) source = NULL;
  g_autoptr (TfItem) healthy = NULL;
  g_autofree char *path = NULL;
  AdwMessageDialog *dialog;
  TfWindow *window;
  TfItem *item;
  guint n_scans = 0;

  g_assert_cmpint (g_mkdir_with_parents (queue, 0755), ==, 0);
  tf_ui_test_write_sample (queue, "eml-tnef-1601", "NTFS_01.EML");
  tf_ui_test_write_sample (queue, "eml-tnef-healthy", "NTFS_02.EML");

  window = tf_ui_test_open_folder (ADW_APPLICATION (app), dir);
  source = g_list_model_get_item (G_LIST_MODEL (window->sources), 0);
  for (guint i = 0; i < g_list_model_get_n_items (tf_scan_source_get_items (source)); i++)
    {
      g_autoptr (TfItem) candidate = g_list_model_get_item (tf_scan_source_get_items (source), i);

      if (tf_item_get_n_problems (candidate) == 0)
        g_set_object (&healthy, candidate);
    }
  g_assert_nonnull (healthy);

  item = select_item_with (window, TF_FINDING_TRACK_TIME_1601);
  g_assert_nonnull (item);
  path = g_strdup (tf_item_get_path (item));
  /* Wait for the subfolder's monitor */
  tf_ui_test_spin_for (500);
  g_signal_connect (source, "scan-finished", G_CALLBACK (on_scan_finished_cb), &n_scans);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.repair", NULL));
  dialog = tf_ui_test_wait_dialog ("Repair This Item");
  adw_message_dialog_response (dialog, "repair");
  tf_ui_test_spin_until (item_repaired, item, 30000);
  tf_ui_test_spin_until (tf_ui_test_dialog_gone, (gpointer) "Repairing", 10000);

  tf_ui_test_spin_until (rescanned, &n_scans, 20000);
  tf_ui_test_spin_until (tf_ui_test_scan_done, window, 20000);
  tf_ui_test_spin_for (200);

  g_assert_nonnull (tf_item_view_get_item (window->item_view));
  g_assert_cmpstr (tf_item_get_path (tf_item_view_get_item (window->item_view)), ==, path);
  g_assert_false (tf_item_has_finding (tf_item_view_get_item (window->item_view), TF_FINDING_TRACK_TIME_1601));
  g_assert_true (_tf_window_get_selected_item (window) == tf_item_view_get_item (window->item_view));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->detail_stack), ==, "item");
  g_assert_cmpuint (g_list_model_get_n_items (tf_scan_source_get_items (source)), ==, 2);
  {
    guint position;

    g_assert_true (g_list_store_find (G_LIST_STORE (tf_scan_source_get_items (source)), healthy, &position));
  }
  g_signal_handlers_disconnect_by_func (source, on_scan_finished_cb, &n_scans);

  gtk_window_destroy (GTK_WINDOW (window));
  tf_ui_test_spin_for (50);
}

int
main (int argc,
      char *argv[])
{
  int ret;

  scratch = tf_ui_test_make_scratch ("trackfix-repair-ui-XXXXXX");

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* No animations: a toast that slides out while a test moves on made
   * GTK 4.8 warn about negative allocations, depending on timing. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  tf_core_init ();

  app = tf_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add_func ("/repair-ui/one-and-undo", test_repair_one_and_undo);
  g_test_add_func ("/repair-ui/all", test_repair_all);
  g_test_add_func ("/repair-ui/then-rescan", test_repair_then_rescan);
  g_test_add_func ("/repair-ui/demo-counts", test_repair_demo_counts);

  ret = g_test_run ();

  tf_ui_test_remove_scratch (scratch);
  g_free (scratch);
  g_clear_object (&app);
  return ret;
}
