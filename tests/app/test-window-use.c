/* test-window-use.c — the window as a helpdesk user meets it (issue 16):
 * stable order, the selection through repair and undo, keyboard paths,
 * accessible names, toast texts, hives (suite 'ui')
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tf-application.h"
#include "tf-fixturegen.h"
#include "tf-item-view.h"
#include "tf-labels-private.h"
#include "tf-server-fix-page.h"
#include "tf-window-private.h"
#include "tf-ui-test.h"

static TfApplication *app;
static char *scratch;
static char *demo_dir;

static void
close_window (TfWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  tf_ui_test_spin_for (50);
}

static void
assert_same_paths (GPtrArray *a,
                   GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
}

static gboolean
sort_done (gpointer data)
{
  TfWindow *window = data;

  return gtk_sort_list_model_get_pending (window->sort_model) == 0 && tf_ui_test_scan_done (window);
}

static void
test_order_stable (void)
{
  TfWindow *window = tf_ui_test_open_folder (ADW_APPLICATION (app), demo_dir);
  TfWindow *second;
  g_autoptr (GPtrArray) first_paths = NULL;
  g_autoptr (GPtrArray) again = NULL;
  g_autoptr (GPtrArray) other = NULL;

  tf_ui_test_spin_until (sort_done, window, 10000);
  tf_ui_test_assert_default_order (window);
  first_paths = tf_ui_test_list_paths (window);
  g_assert_cmpuint (first_paths->len, >, 5);

  /* The item selected at start is the first of that order */
  tf_ui_test_spin_for (50);
  g_assert_cmpuint (gtk_single_selection_get_selected (window->selection), ==, 0);

  /* A rescan keeps the order */
  _tf_window_rescan (window);
  tf_ui_test_spin_for (100);
  tf_ui_test_spin_until (sort_done, window, 60000);
  again = tf_ui_test_list_paths (window);
  assert_same_paths (first_paths, again);
  g_assert_cmpuint (gtk_single_selection_get_selected (window->selection), ==, 0);

  /* … and so does a second start */
  second = tf_ui_test_open_folder (ADW_APPLICATION (app), demo_dir);
  tf_ui_test_spin_until (sort_done, second, 10000);
  other = tf_ui_test_list_paths (second);
  assert_same_paths (first_paths, other);
  close_window (second);

  /* Problems Only keeps the same order */
  gtk_list_box_select_row (window->views_list, gtk_list_box_get_row_at_index (window->views_list, 4));
  tf_ui_test_spin_until (sort_done, window, 10000);
  tf_ui_test_assert_default_order (window);

  close_window (window);
}

/* The sort menu: keyboard users sort without clicking a header */
static void
test_keyboard_sort (void)
{
  TfWindow *window = tf_ui_test_open_folder (ADW_APPLICATION (app), demo_dir);
  GListModel *model = G_LIST_MODEL (window->selection);
  GtkWidget *sort_button = NULL;

  tf_ui_test_spin_until (sort_done, window, 10000);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sort-by", "s", "subject"));
  tf_ui_test_spin_until (sort_done, window, 10000);
  for (guint i = 1; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (TfItem) a = g_list_model_get_item (model, i - 1);
      g_autoptr (TfItem) b = g_list_model_get_item (model, i);
      g_autofree char *ka = g_utf8_casefold (tf_item_get_subject (a) ?: "", -1);
      g_autofree char *kb = g_utf8_casefold (tf_item_get_subject (b) ?: "", -1);

      g_assert_cmpint (g_utf8_collate (ka, kb), <=, 0);
    }

  /* Reversed, then back to the default order */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sort-descending", NULL));
  tf_ui_test_spin_until (sort_done, window, 10000);
  {
    g_autoptr (TfItem) first = g_list_model_get_item (model, 0);
    g_autoptr (TfItem) last = g_list_model_get_item (model, g_list_model_get_n_items (model) - 1);
    g_autofree char *kf = g_utf8_casefold (tf_item_get_subject (first) ?: "", -1);
    g_autofree char *kl = g_utf8_casefold (tf_item_get_subject (last) ?: "", -1);

    g_assert_cmpint (g_utf8_collate (kf, kl), >=, 0);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sort-descending", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sort-by", "s", "default"));
  tf_ui_test_spin_until (sort_done, window, 10000);
  tf_ui_test_assert_default_order (window);

  /* The menu is behind a focusable, named button */
  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (window)); w != NULL;)
    {
      if (GTK_IS_MENU_BUTTON (w) && gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (w)) != NULL)
        {
          GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (w));
          g_autoptr (GMenuModel) section = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
          g_autoptr (GVariant) action = section ? g_menu_model_get_item_attribute_value (section, 0, "action", NULL) : NULL;

          if (action != NULL && g_str_equal (g_variant_get_string (action, NULL), "win.sort-by"))
            {
              sort_button = w;
              break;
            }
        }
      w = tf_ui_test_next_widget (w, GTK_WIDGET (window));
    }
  g_assert_nonnull (sort_button);
  g_assert_true (gtk_widget_get_focusable (sort_button) || gtk_widget_get_focusable (gtk_widget_get_first_child (sort_button)));

  close_window (window);
}

/* Selection through Repair, Ctrl+Z (win.undo) and a search */
typedef struct
{
  TfWindow *window;
  const char *path;
  gboolean want_1601;
} SelectedWait;

static gboolean
selected_is (gpointer data)
{
  SelectedWait *wait = data;
  TfItem *item = gtk_single_selection_get_selected_item (wait->window->selection);

  return item != NULL && g_str_equal (tf_item_get_path (item), wait->path) && tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601) == wait->want_1601 && tf_item_view_get_item (wait->window->item_view) == item && gtk_sort_list_model_get_pending (wait->window->sort_model) == 0 && tf_filter_store_get_pending (wait->window->filter_model) == 0;
}

static gboolean
dialog_shown (gpointer heading)
{
  return tf_ui_test_find_dialog (heading) != NULL;
}

static void
test_selection_survives (void)
{
  g_autofree char *dir = g_build_filename (scratch, "keep", NULL);
  g_autofree char *path = g_build_filename (dir, "NTFS_02.EML", NULL);
  AdwMessageDialog *dialog;
  TfWindow *window;
  guint position = GTK_INVALID_LIST_POSITION;
  SelectedWait wait;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  tf_ui_test_write_sample (dir, "eml-tnef-healthy", "NTFS_01.EML");
  tf_ui_test_write_sample (dir, "eml-tnef-1601", "NTFS_02.EML");
  tf_ui_test_write_sample (dir, "eml-tnef-1601", "NTFS_03.EML");
  window = tf_ui_test_open_folder (ADW_APPLICATION (app), dir);
  tf_ui_test_spin_until (sort_done, window, 10000);

  /* Choose the second stuck item: not the one selected at start */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (window->selection)); i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (G_LIST_MODEL (window->selection), i);

      if (g_str_equal (tf_item_get_path (item), path))
        position = i;
    }
  g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
  gtk_single_selection_set_selected (window->selection, position);
  tf_ui_test_spin_for (50);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.repair", NULL));
  tf_ui_test_spin_until (dialog_shown, (gpointer) "Repair This Item", 10000);
  dialog = tf_ui_test_find_dialog ("Repair This Item");
  adw_message_dialog_response (dialog, "repair");

  /* Repaired: the same item stays selected, the item view shows it with
   * its new values, although its row moved down (no longer an error) */
  wait = (SelectedWait){ window, path, FALSE };
  tf_ui_test_spin_until (selected_is, &wait, 30000);
  tf_ui_test_spin_for (200);
  g_assert_true (selected_is (&wait));
  tf_ui_test_assert_default_order (window);

  /* Ctrl+Z undoes it; still the same item, 1601 again */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  wait.want_1601 = TRUE;
  tf_ui_test_spin_until (selected_is, &wait, 30000);

  /* A rescan and a search that still matches keep it too */
  _tf_window_rescan (window);
  tf_ui_test_spin_for (100);
  tf_ui_test_spin_until (sort_done, window, 30000);
  tf_ui_test_spin_until (selected_is, &wait, 10000);
  gtk_editable_set_text (GTK_EDITABLE (window->search_entry), "NTFS_02");
  tf_ui_test_spin_for (300);
  tf_ui_test_spin_until (sort_done, window, 10000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->selection)), ==, 1);
  tf_ui_test_spin_until (selected_is, &wait, 10000);

  /* The Undo History marks the run as undone */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo-history", NULL));
  tf_ui_test_spin_until (dialog_shown, (gpointer) "Undo History", 10000);
  dialog = tf_ui_test_find_dialog ("Undo History");
  {
    gboolean undone = FALSE;

    for (GtkWidget *w = GTK_WIDGET (dialog); w != NULL; w = tf_ui_test_next_widget (w, GTK_WIDGET (dialog)))
      if (ADW_IS_PREFERENCES_ROW (w) && strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), "(undone)") != NULL)
        undone = TRUE;
    g_assert_true (undone);
  }
  adw_message_dialog_response (dialog, "close");
  tf_ui_test_spin_for (50);

  close_window (window);
}

/* Repair All says how many items of which view, and offers every
 * problem when the view shows fewer */
static void
test_repair_all_scope (void)
{
  TfWindow *window = tf_ui_test_open_folder (ADW_APPLICATION (app), demo_dir);
  AdwMessageDialog *dialog;
  const char *heading;

  tf_ui_test_spin_until (sort_done, window, 10000);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "i", 1)); /* Queue Messages */
  tf_ui_test_spin_until (sort_done, window, 10000);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.repair-all", NULL));
  tf_ui_test_spin_until (dialog_shown, (gpointer) "Repair", 10000);
  dialog = tf_ui_test_find_dialog ("Repair");
  heading = adw_message_dialog_get_heading (dialog);
  g_assert_nonnull (strstr (heading, "Queue Messages"));
  g_assert_true (g_str_has_prefix (heading, "Repair All ") || g_str_has_prefix (heading, "Repair 1 Item"));
  g_assert_true (adw_message_dialog_has_response (dialog, "all-problems"));
  adw_message_dialog_response (dialog, "cancel");
  tf_ui_test_spin_for (50);

  close_window (window);
}

static GtkEventController *
find_key_controller (GtkWidget *widget)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) && gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        return controller; /* the widget keeps it */
    }
  return NULL;
}

static gboolean
focus_inside (TfWindow *window,
              GtkWidget *ancestor)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && (focus == ancestor || gtk_widget_is_ancestor (focus, ancestor));
}

static void
test_keyboard_focus (void)
{
  TfWindow *window = tf_ui_test_open_folder (ADW_APPLICATION (app), demo_dir);
  GtkEventController *keys;
  gboolean handled = FALSE;
  GtkWidget *sidebar = gtk_widget_get_ancestor (GTK_WIDGET (window->views_list), GTK_TYPE_BOX);

  tf_ui_test_spin_until (sort_done, window, 10000);

  /* The sidebar comes first in Tab order */
  gtk_root_set_focus (GTK_ROOT (window), NULL);
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD));
  g_assert_true (focus_inside (window, sidebar));

  /* One Tab leaves the list (for the item view); Shift+Tab goes back to
   * the sidebar */
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (window->items_view)));
  g_assert_true (focus_inside (window, GTK_WIDGET (window->items_view)));
  keys = find_key_controller (GTK_WIDGET (window->items_view));
  g_assert_nonnull (keys);
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Tab, 0, 0, &handled);
  g_assert_true (handled);
  g_assert_false (focus_inside (window, GTK_WIDGET (window->items_view)));
  g_assert_true (focus_inside (window, GTK_WIDGET (window->detail_stack)));
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (window->items_view)));
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_ISO_Left_Tab, 0, GDK_SHIFT_MASK, &handled);
  g_assert_true (focus_inside (window, GTK_WIDGET (window->views_list)));

  /* Ctrl+Tab walks the panes: sidebar → list → item view */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.next-pane", "b", FALSE));
  g_assert_true (focus_inside (window, GTK_WIDGET (window->items_view)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.next-pane", "b", FALSE));
  g_assert_true (focus_inside (window, GTK_WIDGET (window->detail_stack)));

  /* Enter in the search entry: to the first result */
  gtk_single_selection_set_selected (window->selection, GTK_INVALID_LIST_POSITION);
  _tf_window_focus_search (window);
  gtk_editable_set_text (GTK_EDITABLE (window->search_entry), "budget");
  tf_ui_test_spin_for (300);
  tf_ui_test_spin_until (sort_done, window, 10000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->selection)), >, 0);
  g_signal_emit_by_name (window->search_entry, "activate");
  tf_ui_test_spin_for (50);
  g_assert_cmpuint (gtk_single_selection_get_selected (window->selection), ==, 0);
  g_assert_true (focus_inside (window, GTK_WIDGET (window->items_view)));

  /* Space does not unselect */
  g_assert_false (gtk_single_selection_get_can_unselect (window->selection));

  /* The detail pane's values are no Tab stops */
  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (window->item_view)); w != NULL;)
    {
      if (GTK_IS_LABEL (w) && gtk_label_get_selectable (GTK_LABEL (w)))
        g_assert_false (gtk_widget_get_focusable (w));
      w = tf_ui_test_next_widget (w, GTK_WIDGET (window->item_view));
    }

  close_window (window);
}

/* Every interactive element a screen reader can reach has a name */
static gboolean
is_interactive (GtkAccessibleRole role)
{
  switch (role)
    {
    case GTK_ACCESSIBLE_ROLE_BUTTON:
    case GTK_ACCESSIBLE_ROLE_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_COLUMN_HEADER:
    case GTK_ACCESSIBLE_ROLE_COMBO_BOX:
    case GTK_ACCESSIBLE_ROLE_LINK:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM:
    case GTK_ACCESSIBLE_ROLE_RADIO:
    case GTK_ACCESSIBLE_ROLE_SEARCH_BOX:
    case GTK_ACCESSIBLE_ROLE_SLIDER:
    case GTK_ACCESSIBLE_ROLE_SPIN_BUTTON:
    case GTK_ACCESSIBLE_ROLE_SWITCH:
    case GTK_ACCESSIBLE_ROLE_TAB:
    case GTK_ACCESSIBLE_ROLE_TEXT_BOX:
    case GTK_ACCESSIBLE_ROLE_ROW:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
has_name (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL) || gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  /* A button whose child is a label (or icon + label) is named by it */
  if (GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget))
    for (GtkWidget *w = gtk_widget_get_first_child (widget); w != NULL; w = gtk_widget_get_first_child (w))
      {
        for (GtkWidget *s = w; s != NULL; s = gtk_widget_get_next_sibling (s))
          if (GTK_IS_LABEL (s) && *gtk_label_get_text (GTK_LABEL (s)) != '\0')
            return TRUE;
      }
  return FALSE;
}

static void
walk_accessible (GtkWidget *widget,
                 GString *unnamed)
{
  GtkAccessibleRole role = gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget));

  if (!gtk_widget_get_mapped (widget))
    return;
  {
    /* Rows of a list (not the header row of a column view, a container),
     * column headers, and whatever takes the focus */
    gboolean header_row = role == GTK_ACCESSIBLE_ROLE_ROW && GTK_IS_COLUMN_VIEW (gtk_widget_get_parent (widget));
    gboolean reachable = !header_row && (gtk_widget_get_focusable (widget) || role == GTK_ACCESSIBLE_ROLE_COLUMN_HEADER || role == GTK_ACCESSIBLE_ROLE_ROW);

    if (is_interactive (role) && reachable && !has_name (widget))
      g_string_append_printf (unnamed, "%s (role %d, parent %s, tooltip %s)\n", G_OBJECT_TYPE_NAME (widget), role,
                              G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)), gtk_widget_get_tooltip_text (widget));
  }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    walk_accessible (child, unnamed);
}

static void
test_accessible_names (void)
{
  TfWindow *window = tf_ui_test_open_folder (ADW_APPLICATION (app), demo_dir);
  const char *views[] = { "all", "meetings", "server-fix" };

  tf_ui_test_spin_until (sort_done, window, 10000);
  for (guint v = 0; v < G_N_ELEMENTS (views); v++)
    {
      g_autoptr (GString) unnamed = g_string_new (NULL);

      for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (window->views_list)); row != NULL;
           row = gtk_widget_get_next_sibling (row))
        if (g_strcmp0 (gtk_widget_get_name (row), views[v]) == 0)
          gtk_list_box_select_row (window->views_list, GTK_LIST_BOX_ROW (row));
      if (g_str_equal (views[v], "meetings"))
        gtk_single_selection_set_selected (window->meeting_selection, 0);
      tf_ui_test_spin_for (300);
      walk_accessible (GTK_WIDGET (window), unnamed);
      if (unnamed->len > 0)
        g_error ("Unnamed interactive elements in view %s:\n%s", views[v], unnamed->str);
    }

  /* The names say something: a sidebar row has its view and count */
  {
    GtkListBoxRow *row = gtk_list_box_get_row_at_index (window->views_list, 0);
    g_autofree char *expected = g_strdup_printf ("All Items, %u items", tf_scan_source_get_n_items (window->all_source));

    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, expected);
  }

  close_window (window);
}

/* Toasts show their text as it is, not as markup */
static void
test_toast_text (void)
{
  const char *command = "net stop smtpsvc && net start smtpsvc <now>";
  TfWindow *window = tf_window_new (ADW_APPLICATION (app));
  gboolean found = FALSE;

  gtk_window_present (GTK_WINDOW (window));
  _tf_window_add_toast (window, tf_labels_new_toast (command));
  tf_ui_test_spin_for (200);
  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (window->toast_overlay)); w != NULL && !found;)
    {
      if (GTK_IS_LABEL (w) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (w)), command) == 0)
        found = TRUE;
      w = tf_ui_test_next_widget (w, GTK_WIDGET (window->toast_overlay));
    }
  g_assert_true (found);

  close_window (window);
}

/* The Recent menu shows underscores and drops folders that are gone */
static void
test_recent_menu (void)
{
  g_autofree char *kept = g_build_filename (scratch, "queue_one", NULL);
  g_autofree char *gone = g_build_filename (scratch, "gone_folder", NULL);
  g_autoptr (GFile) kept_file = g_file_new_for_path (kept);
  g_autoptr (GFile) gone_file = g_file_new_for_path (gone);
  g_autofree char *kept_uri = g_file_get_uri (kept_file);
  g_autofree char *gone_uri = g_file_get_uri (gone_file);
  const char *recent[] = { gone_uri, kept_uri, NULL };
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  TfWindow *window;
  g_autoptr (GVariant) label = NULL;

  g_assert_cmpint (g_mkdir_with_parents (kept, 0755), ==, 0);
  g_settings_set_strv (settings, "recent-sources", recent);
  window = tf_window_new (ADW_APPLICATION (app));
  g_assert_cmpint (g_menu_model_get_n_items (G_MENU_MODEL (window->recent_section)), ==, 1);
  label = g_menu_model_get_item_attribute_value (G_MENU_MODEL (window->recent_section), 0, "label", G_VARIANT_TYPE_STRING);
  g_assert_true (g_str_has_suffix (g_variant_get_string (label, NULL), "queue__one"));
  g_settings_reset (settings, "recent-sources");
  close_window (window);
}

/* A SYSTEM hive opened like a folder goes to the Server Fix page */
static void
test_hive_routing (void)
{
  g_autofree char *path = g_build_filename (scratch, "SYSTEM", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  static const char header[] = "regf\1\0\0\0\1\0\0\0";
  TfWindow *window;

  g_assert_true (g_file_set_contents (path, header, sizeof header, NULL));
  window = tf_window_new (ADW_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (window));
  tf_window_open_files (window, &file, 1);
  tf_ui_test_spin_for (100);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->sources)), ==, 0);
  g_assert_cmpint (window->view, ==, TF_WINDOW_VIEW_PAGE);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->main_stack), ==, "server-fix");
  g_assert_true (g_file_equal (tf_server_fix_page_get_hive (TF_SERVER_FIX_PAGE (window->server_fix_page)), file));
  tf_ui_test_spin_for (300);

  close_window (window);
}

/* A folder that is gone shows why, not an empty list */
static void
test_missing_source (void)
{
  g_autofree char *path = g_build_filename (scratch, "no-such-queue", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  TfWindow *window = tf_window_new (ADW_APPLICATION (app));
  const char *description;

  gtk_window_present (GTK_WINDOW (window));
  tf_window_open_files (window, &file, 1);
  tf_ui_test_spin_until (tf_ui_test_scan_done, window, 10000);
  tf_ui_test_spin_for (50);

  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->list_stack), ==, "missing");
  description = adw_status_page_get_description (window->missing_page);
  g_assert_nonnull (strstr (description, "no-such-queue"));

  close_window (window);
}

int
main (int argc,
      char *argv[])
{
  int ret;

  scratch = tf_ui_test_make_scratch ("trackfix-window-use-XXXXXX");

  /* The accessible tree is read through GTK's test AT context (the
   * suite's GTK_A11Y=none would give every widget an empty one) */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  tf_core_init ();

  demo_dir = tf_ui_test_make_demo (scratch);
  app = tf_ui_test_new_application ();

  g_test_add_func ("/window-use/order-stable", test_order_stable);
  g_test_add_func ("/window-use/keyboard-sort", test_keyboard_sort);
  g_test_add_func ("/window-use/selection-survives", test_selection_survives);
  g_test_add_func ("/window-use/keyboard-focus", test_keyboard_focus);
  g_test_add_func ("/window-use/repair-all-scope", test_repair_all_scope);
  g_test_add_func ("/window-use/accessible-names", test_accessible_names);
  g_test_add_func ("/window-use/toast-text", test_toast_text);
  g_test_add_func ("/window-use/recent-menu", test_recent_menu);
  g_test_add_func ("/window-use/hive-routing", test_hive_routing);
  g_test_add_func ("/window-use/missing-source", test_missing_source);

  ret = g_test_run ();

  tf_ui_test_remove_scratch (scratch);
  g_free (scratch);
  g_free (demo_dir);
  g_clear_object (&app);
  return ret;
}
