/* test-window-order.c — the list's order while a scan streams rows in, the
 * sort menu following the headers, the progress bar and the first frame
 * (issue 16 §2, §3, §8; suite 'ui')
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "tf-application.h"
#include "tf-columns-private.h"
#include "tf-fixturegen.h"
#include "tf-window-private.h"
#include "tf-ui-test.h"

/* Enough files for the scanner to hand them over in several batches */
#define N_QUEUE 3000

static TfApplication *app;
static char *scratch;
static char *demo_dir;
static char *queue_dir;

static void
close_window (TfWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  tf_ui_test_spin_for (50);
}

static gboolean
sort_done (gpointer data)
{
  TfWindow *window = data;

  return !_tf_window_list_is_sorting (window) && tf_ui_test_scan_done (window);
}

static TfWindow *
new_window (void)
{
  TfWindow *window = tf_window_new (ADW_APPLICATION (app));

  gtk_window_set_default_size (GTK_WINDOW (window), 1366, 768);
  return window;
}

static void
open_path (TfWindow *window,
           const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);

  tf_window_open_files (window, &file, 1);
}

static int
compare_subjects (TfItem *a,
                  TfItem *b)
{
  g_autofree char *ka = g_utf8_casefold (tf_item_get_subject (a) ?: "", -1);
  g_autofree char *kb = g_utf8_casefold (tf_item_get_subject (b) ?: "", -1);

  return g_utf8_collate (ka, kb);
}

static int
compare_sent (TfItem *a,
              TfItem *b)
{
  return (tf_item_get_sent (a) > tf_item_get_sent (b)) - (tf_item_get_sent (a) < tf_item_get_sent (b));
}

/* Every two neighbouring rows of the list are in @compare's order */
static void
assert_order (TfWindow *window,
              int (*compare) (TfItem *a,
                              TfItem *b),
              gboolean descending)
{
  GListModel *model = G_LIST_MODEL (window->selection);

  for (guint i = 1; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (TfItem) a = g_list_model_get_item (model, i - 1);
      g_autoptr (TfItem) b = g_list_model_get_item (model, i);
      int cmp = compare (a, b);

      if (descending)
        g_assert_cmpint (cmp, >=, 0);
      else
        g_assert_cmpint (cmp, <=, 0);
    }
}

static void
assert_subject_order (TfWindow *window,
                      gboolean descending)
{
  assert_order (window, compare_subjects, descending);
}

/* Opens the queue in a new window and calls @check after each main-loop
 * pass of the first scan while the rows stream in (the sort model is
 * detached: the rows shown are the merged ones). Returns the window once
 * the scan and the sort are done; @check ran on a partial list. */
static TfWindow *
scan_checking (void (*check) (TfWindow *window,
                              gpointer data),
               gpointer data)
{
  TfWindow *window = new_window ();
  guint partial_checks = 0;

  gtk_window_present (GTK_WINDOW (window));
  open_path (window, queue_dir);
  while (_tf_window_is_scanning (window))
    {
      guint n;

      g_main_context_iteration (NULL, TRUE);
      n = g_list_model_get_n_items (G_LIST_MODEL (window->selection));
      if (n > 1 && n < N_QUEUE && window->streaming)
        {
          check (window, data);
          partial_checks++;
        }
    }
  g_test_message ("%u checks of a partial list", partial_checks);
  g_assert_cmpuint (partial_checks, >, 0);

  tf_ui_test_spin_until (sort_done, window, 60000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->selection)), ==, N_QUEUE);
  g_assert_false (window->streaming);
  return window;
}

static void
check_default_order (TfWindow *window,
                     gpointer data)
{
  tf_ui_test_assert_default_order (window);
}

/* A first scan shows its rows in the default order as they arrive, not
 * only once it is complete */
static void
test_sorted_while_scanning (void)
{
  TfWindow *window = scan_checking (check_default_order, NULL);

  tf_ui_test_assert_default_order (window);
  close_window (window);
}

/* The first call chooses the subject order from the menu, later ones
 * check the rows are in it */
static void
choose_then_check_subject_order (TfWindow *window,
                                 gpointer data)
{
  gboolean *chosen = data;

  if (*chosen)
    {
      assert_subject_order (window, FALSE);
      return;
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sort-by", "s", "subject"));
  *chosen = TRUE;
}

/* An order chosen while the rows stream in applies to the rows shown so
 * far and to the rest */
static void
test_reorder_while_scanning (void)
{
  gboolean chosen = FALSE;
  TfWindow *window = scan_checking (choose_then_check_subject_order, &chosen);

  g_assert_true (chosen);
  assert_subject_order (window, FALSE);
  close_window (window);
}

/* The header (GtkColumnViewTitle) of the item list's column @id */
static GtkWidget *
find_header (TfWindow *window,
             const char *id)
{
  GListModel *columns = gtk_column_view_get_columns (window->items_view);
  GtkWidget *title = gtk_widget_get_first_child (gtk_widget_get_first_child (GTK_WIDGET (window->items_view)));

  for (guint i = 0; i < g_list_model_get_n_items (columns) && title != NULL;
       i++, title = gtk_widget_get_next_sibling (title))
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (column), "tf-column-id"), id) == 0)
        return title;
    }
  return NULL;
}

/* A click on a header, in two halves: the window's watcher of the
 * header (a GtkGestureClick named "tf-header-click") gets "released", and
 * the view sorts as GtkColumnViewTitle's own gesture does in GTK 4.8
 * (gtk_column_view_sorter_add_column(): the column first, ascending, or
 * reversed when it was first already). A synthesized event cannot do the
 * second half: GTK checks the button of a real event. */
static void
click_header (TfWindow *window,
              const char *id)
{
  GtkWidget *header = find_header (window, id);
  GListModel *columns = gtk_column_view_get_columns (window->items_view);
  GtkSortType order = GTK_SORT_ASCENDING;
  g_autoptr (GListModel) controllers = NULL;
  GtkWidget *arrow;
  guint watchers = 0;

  g_assert_nonnull (header);
  arrow = gtk_widget_get_last_child (gtk_widget_get_first_child (header));
  g_assert_nonnull (arrow);
  if (gtk_widget_has_css_class (arrow, "ascending"))
    order = GTK_SORT_DESCENDING;

  controllers = gtk_widget_observe_controllers (header);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (g_strcmp0 (gtk_event_controller_get_name (controller), "tf-header-click") == 0)
        {
          g_signal_emit_by_name (controller, "released", 1, 5.0, 5.0);
          watchers++;
        }
    }
  g_assert_cmpuint (watchers, ==, 1);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      /* add_column() also resets the arrow of the column first before */
      if (g_strcmp0 (g_object_get_data (G_OBJECT (column), "tf-column-id"), id) == 0)
        {
          gtk_column_view_sort_by_column (window->items_view, NULL, order);
          gtk_column_view_sort_by_column (window->items_view, column, order);
        }
    }
  tf_ui_test_spin_for (50);
  g_assert_true (gtk_widget_has_css_class (arrow, order == GTK_SORT_ASCENDING ? "ascending" : "descending"));
}

/* Only the header of the column sorted by shows an arrow */
static void
assert_one_arrow (TfWindow *window,
                  const char *id)
{
  GListModel *columns = gtk_column_view_get_columns (window->items_view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *column_id = g_object_get_data (G_OBJECT (column), "tf-column-id");
      GtkWidget *arrow = gtk_widget_get_last_child (gtk_widget_get_first_child (find_header (window, column_id)));
      gboolean shown = gtk_widget_has_css_class (arrow, "ascending") || gtk_widget_has_css_class (arrow, "descending");

      g_assert_cmpint (shown, ==, g_strcmp0 (column_id, id) == 0);
    }
}

static void
assert_menu_state (TfWindow *window,
                   const char *by,
                   gboolean descending)
{
  g_autoptr (GVariant) by_state = g_action_group_get_action_state (G_ACTION_GROUP (window), "sort-by");
  g_autoptr (GVariant) desc_state = g_action_group_get_action_state (G_ACTION_GROUP (window), "sort-descending");

  g_assert_cmpstr (g_variant_get_string (by_state, NULL), ==, by);
  g_assert_cmpint (g_variant_get_boolean (desc_state), ==, descending);
}

/* The sort menu's marks follow the headers, and the headers the menu */
static void
test_menu_follows_headers (void)
{
  TfWindow *window = tf_ui_test_open_folder (ADW_APPLICATION (app), demo_dir);

  tf_ui_test_spin_until (sort_done, window, 10000);
  assert_menu_state (window, "default", FALSE);

  click_header (window, "subject");
  tf_ui_test_spin_until (sort_done, window, 10000);
  assert_menu_state (window, "subject", FALSE);
  assert_subject_order (window, FALSE);

  /* A second click reverses */
  click_header (window, "subject");
  tf_ui_test_spin_until (sort_done, window, 10000);
  assert_menu_state (window, "subject", TRUE);
  assert_subject_order (window, TRUE);

  /* Another column: ascending again */
  click_header (window, "sent");
  tf_ui_test_spin_until (sort_done, window, 10000);
  assert_menu_state (window, "sent", FALSE);

  /* The menu moves the header's arrow: the marks stay where it put them */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sort-descending", NULL));
  tf_ui_test_spin_until (sort_done, window, 10000);
  assert_menu_state (window, "sent", TRUE);
  assert_one_arrow (window, "sent");
  click_header (window, "sent");
  tf_ui_test_spin_until (sort_done, window, 10000);
  assert_menu_state (window, "sent", FALSE);

  /* From the menu to another column: one arrow (GTK 4.8 left the old one) */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sort-by", "s", "subject"));
  tf_ui_test_spin_until (sort_done, window, 10000);
  assert_one_arrow (window, "subject");
  click_header (window, "subject");
  tf_ui_test_spin_until (sort_done, window, 10000);
  assert_menu_state (window, "subject", TRUE);
  assert_subject_order (window, TRUE);

  /* The default order clears the headers' arrows */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sort-by", "s", "default"));
  tf_ui_test_spin_until (sort_done, window, 10000);
  assert_menu_state (window, "default", TRUE);
  assert_one_arrow (window, NULL);
  tf_ui_test_assert_default_order (window);

  close_window (window);
}

static void
assert_sent_order (TfWindow *window,
                   gboolean descending)
{
  assert_order (window, compare_sent, descending);
}

/* The item chosen stays selected and in the item view */
static void
assert_selected (TfWindow *window,
                 TfItem *item)
{
  g_assert_true (_tf_window_get_selected_item (window) == item);
  g_assert_true (tf_item_view_get_item (window->item_view) == item);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->detail_stack), ==, "item");
}

/* Sorting after the scan (the menu, a header), back to the default
 * order, and a rescan: the rows are in each order, the selected item
 * stays selected, and the rescan gives the first scan's order. One
 * source needs no sort model: its store is kept in order. */
static void
test_resort_keeps_selection (void)
{
  TfWindow *window = new_window ();
  g_autoptr (GPtrArray) first_paths = NULL;
  g_autoptr (GPtrArray) again = NULL;
  g_autoptr (TfItem) chosen = NULL;

  gtk_window_present (GTK_WINDOW (window));
  open_path (window, queue_dir);
  tf_ui_test_spin_until (sort_done, window, 60000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->selection)), ==, N_QUEUE);
  g_assert_null (gtk_sort_list_model_get_sorter (window->sort_model));
  tf_ui_test_assert_default_order (window);
  first_paths = tf_ui_test_list_paths (window);

  chosen = g_list_model_get_item (G_LIST_MODEL (window->selection), N_QUEUE / 2);
  gtk_single_selection_set_selected (window->selection, N_QUEUE / 2);
  assert_selected (window, chosen);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sort-by", "s", "subject"));
  tf_ui_test_spin_until (sort_done, window, 20000);
  assert_subject_order (window, FALSE);
  assert_selected (window, chosen);

  click_header (window, "sent");
  tf_ui_test_spin_until (sort_done, window, 20000);
  assert_menu_state (window, "sent", FALSE);
  assert_sent_order (window, FALSE);
  assert_selected (window, chosen);

  click_header (window, "sent");
  tf_ui_test_spin_until (sort_done, window, 20000);
  assert_sent_order (window, TRUE);
  assert_selected (window, chosen);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sort-by", "s", "default"));
  tf_ui_test_spin_until (sort_done, window, 20000);
  tf_ui_test_assert_default_order (window);
  assert_selected (window, chosen);
  again = tf_ui_test_list_paths (window);
  g_assert_cmpuint (again->len, ==, first_paths->len);
  for (guint i = 0; i < again->len; i++)
    g_assert_cmpstr (g_ptr_array_index (again, i), ==, g_ptr_array_index (first_paths, i));
  g_clear_pointer (&again, g_ptr_array_unref);

  /* A rescan (nothing changed): the same order, the same item */
  _tf_window_rescan (window);
  tf_ui_test_spin_for (100);
  tf_ui_test_spin_until (sort_done, window, 60000);
  g_assert_null (gtk_sort_list_model_get_sorter (window->sort_model));
  again = tf_ui_test_list_paths (window);
  g_assert_cmpuint (again->len, ==, first_paths->len);
  for (guint i = 0; i < again->len; i++)
    g_assert_cmpstr (g_ptr_array_index (again, i), ==, g_ptr_array_index (first_paths, i));
  assert_selected (window, chosen);

  /* A second source: All Sources interleaves the two stores with the sort
   * model, in the same order */
  open_path (window, demo_dir);
  tf_ui_test_spin_for (100);
  tf_ui_test_spin_until (sort_done, window, 60000);
  g_assert_nonnull (gtk_sort_list_model_get_sorter (window->sort_model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->selection)), >, N_QUEUE);
  tf_ui_test_assert_default_order (window);
  /* The menu kept "descending" from the last header click */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sort-by", "s", "subject"));
  tf_ui_test_spin_until (sort_done, window, 20000);
  assert_menu_state (window, "subject", TRUE);
  assert_subject_order (window, TRUE);
  assert_selected (window, chosen);

  close_window (window);
}

/* Counts the times the item view was emptied */
static void
on_item_view_item_cb (TfItemView *view,
                      GParamSpec *pspec,
                      guint *n_emptied)
{
  if (tf_item_view_get_item (view) == NULL)
    (*n_emptied)++;
}

static gboolean
filter_done (gpointer data)
{
  TfWindow *window = data;

  return tf_filter_store_get_pending (window->filter_model) == 0;
}

static void
search_for (TfWindow *window,
            const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (window->search_entry), text);
  g_signal_emit_by_name (window->search_entry, "search-changed");
  tf_ui_test_spin_until (filter_done, window, 20000);
}

/* Every row of the list passes @keep, and every item of the source that
 * passes it is a row (the list is in the source's order, so in step) */
static void
assert_rows_are (TfWindow *window,
                 gboolean (*keep) (TfItem *item,
                                   gpointer data),
                 gpointer data)
{
  GListModel *rows = G_LIST_MODEL (window->selection);
  GListModel *all = G_LIST_MODEL (window->all_items);
  guint r = 0;

  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (all, i);
      g_autoptr (TfItem) row = NULL;

      if (!keep (item, data))
        continue;
      row = g_list_model_get_item (rows, r++);
      g_assert_true (row == item);
    }
  g_assert_cmpuint (r, ==, g_list_model_get_n_items (rows));
}

static gboolean
has_problems (TfItem *item,
              gpointer data)
{
  return tf_item_get_n_problems (item) > 0;
}

static gboolean
matches_text (TfItem *item,
              gpointer data)
{
  const char *const words[] = { data, NULL };

  return tf_item_matches_words (item, words);
}

/* The cells filled with a new item's texts for a frame (GTK 4.8 keeps
 * row widgets for up to 205 rows; each row filled anew is measured) */
typedef struct
{
  guint last;
  guint max_new; /* most for one frame */
  guint n_frames;
} CellWatch;

static void
count_new_cells_cb (GdkFrameClock *clock,
                    CellWatch *watch)
{
  guint filled = tf_column_view_get_n_cells_filled ();

  watch->max_new = MAX (watch->max_new, filled - watch->last);
  watch->last = filled;
  watch->n_frames++;
}

/* A search or Problems Only over 3,000 rows (a re-filter in steps): the
 * selected item stays selected and shown throughout — the item view is
 * never emptied — when it still matches; the rows are exactly the
 * matching ones; an item that no longer matches leaves the item view
 * empty, and comes back selected when the search is cleared (issue 16
 * §3, §8); no frame fills more rows than the filter store lets in per
 * frame (GtkFilterListModel let ~200 in) */
static void
test_filter_keeps_selection (void)
{
  TfWindow *window = new_window ();
  CellWatch watch = { 0 };
  GdkFrameClock *clock;
  gulong paint_handler;
  g_autoptr (TfItem) chosen = NULL;
  g_autofree char *base = NULL;
  g_autofree char *word = NULL;
  guint n_emptied = 0;
  guint position = GTK_INVALID_LIST_POSITION;

  gtk_window_present (GTK_WINDOW (window));
  open_path (window, queue_dir);
  tf_ui_test_spin_until (sort_done, window, 60000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->selection)), ==, N_QUEUE);

  /* The last problem item (problems come first), past the first screen */
  for (guint i = 0; i < N_QUEUE; i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (G_LIST_MODEL (window->selection), i);

      if (tf_item_get_n_problems (item) > 0)
        position = i;
    }
  g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
  g_assert_cmpuint (position, >, 20);
  gtk_single_selection_set_selected (window->selection, position);
  chosen = g_object_ref (_tf_window_get_selected_item (window));
  assert_selected (window, chosen);
  g_signal_connect (window->item_view, "notify::item", G_CALLBACK (on_item_view_item_cb), &n_emptied);
  tf_ui_test_spin_for (100);
  watch.last = tf_column_view_get_n_cells_filled ();
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  paint_handler = g_signal_connect (clock, "after-paint", G_CALLBACK (count_new_cells_cb), &watch);

  /* Its file name matches it (and few others) */
  base = g_path_get_basename (tf_item_get_path (chosen));
  word = g_utf8_strdown (base, -1);
  search_for (window, word);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->selection)), <, N_QUEUE / 2);
  assert_rows_are (window, matches_text, word);
  assert_selected (window, chosen);
  g_assert_cmpuint (n_emptied, ==, 0);

  search_for (window, "");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->selection)), ==, N_QUEUE);
  assert_selected (window, chosen);

  /* Problems Only: exactly the items with problems, in the same order */
  gtk_list_box_select_row (window->views_list, gtk_list_box_get_row_at_index (window->views_list, 4));
  g_assert_cmpint (window->view, ==, TF_WINDOW_VIEW_PROBLEMS);
  tf_ui_test_spin_until (filter_done, window, 20000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->selection)), <, N_QUEUE);
  assert_rows_are (window, has_problems, NULL);
  assert_selected (window, chosen);
  gtk_list_box_select_row (window->views_list, gtk_list_box_get_row_at_index (window->views_list, 0));
  tf_ui_test_spin_until (filter_done, window, 20000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->selection)), ==, N_QUEUE);
  assert_selected (window, chosen);
  g_assert_cmpuint (n_emptied, ==, 0);
  /* A frame's rows and the selection's, three columns each (~205 rows
   * at once without the pacing) */
  g_test_message ("%u frames, at most %u cells filled in one", watch.n_frames, watch.max_new);
  g_assert_cmpuint (watch.n_frames, >, 4);
  g_assert_cmpuint (watch.max_new, >, 0);
  g_assert_cmpuint (watch.max_new, <=, (TF_FILTER_STORE_ROWS_PER_FRAME + 2) * 3);
  g_signal_handler_disconnect (clock, paint_handler);

  /* A search that no longer matches it: nothing shown … */
  search_for (window, "no-such-text-anywhere");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->selection)), ==, 0);
  g_assert_null (_tf_window_get_selected_item (window));
  g_assert_null (tf_item_view_get_item (window->item_view));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->detail_stack), ==, "empty");
  g_assert_cmpuint (n_emptied, ==, 1);
  /* … until it matches again */
  search_for (window, "");
  assert_selected (window, chosen);

  g_signal_handlers_disconnect_by_func (window->item_view, on_item_view_item_cb, &n_emptied);
  close_window (window);
}

/* The scanner reads while it walks: the number of files is not known
 * until the end, so the bar pulses (it never shows a fraction that would
 * need a total) and the label counts the files read */
static void
test_progress_pulses (void)
{
  TfWindow *window = new_window ();
  guint samples = 0;
  guint last_read = 0;

  gtk_window_present (GTK_WINDOW (window));
  open_path (window, queue_dir);
  while (_tf_window_is_scanning (window))
    {
      g_main_context_iteration (NULL, TRUE);
      if (gtk_revealer_get_reveal_child (window->progress_revealer) && window->progress_last_done > 0)
        {
          const char *label = gtk_label_get_text (window->progress_label);
          guint read;

          g_assert_cmpfloat (gtk_progress_bar_get_fraction (window->progress_bar), ==, 0.0);
          g_assert_true (g_str_has_prefix (label, "Scanning… "));
          g_assert_nonnull (strstr (label, " read · "));
          read = (guint) g_ascii_strtoull (label + strlen ("Scanning… "), NULL, 10);
          g_assert_cmpuint (read, >=, last_read);
          g_assert_cmpuint (read, <=, N_QUEUE);
          last_read = read;
          samples++;
        }
    }
  g_assert_cmpuint (samples, >, 0);
  tf_ui_test_spin_until (sort_done, window, 60000);
  g_assert_false (gtk_revealer_get_reveal_child (window->progress_revealer));
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (window->progress_bar), ==, 0.0);

  close_window (window);
}

/* Opened before the window is shown (the command line), the scan waits
 * for the window's first frame: that frame has no rows to build */
typedef struct
{
  TfWindow *window;
  gboolean painted;
  guint rows_at_first_paint;
  gboolean scanner_ran_at_first_paint;
} FirstPaint;

static void
first_paint_cb (GdkFrameClock *clock,
                FirstPaint *first)
{
  g_autoptr (TfScanSource) source = NULL;

  if (first->painted)
    return;
  first->painted = TRUE;
  first->rows_at_first_paint = g_list_model_get_n_items (G_LIST_MODEL (first->window->selection));
  source = g_list_model_get_item (G_LIST_MODEL (first->window->sources), 0);
  first->scanner_ran_at_first_paint = tf_scan_source_get_scanning (source) || tf_scan_source_get_n_items (source) > 0;
}

static void
realize_cb (GtkWidget *widget,
            FirstPaint *first)
{
  /* "paint": the window draws itself then; its scans wait for "after-paint" */
  g_signal_connect (gtk_widget_get_frame_clock (widget), "paint", G_CALLBACK (first_paint_cb), first);
}

static void
test_scan_after_first_frame (void)
{
  FirstPaint first = { 0 };
  GdkFrameClock *clock;

  first.window = new_window ();
  g_signal_connect (first.window, "realize", G_CALLBACK (realize_cb), &first);
  open_path (first.window, demo_dir);
  /* Waiting counts as scanning (tests and the progress bar) */
  g_assert_true (_tf_window_is_scanning (first.window));
  gtk_window_present (GTK_WINDOW (first.window));
  tf_ui_test_spin_until (sort_done, first.window, 30000);

  g_assert_true (first.painted);
  g_assert_cmpuint (first.rows_at_first_paint, ==, 0);
  g_assert_false (first.scanner_ran_at_first_paint);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (first.window->selection)), >, 5);

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (first.window));
  g_signal_handlers_disconnect_by_func (clock, first_paint_cb, &first);
  close_window (first.window);
}

int
main (int argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  int ret;

  scratch = tf_ui_test_make_scratch ("trackfix-window-order-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  tf_core_init ();

  demo_dir = tf_ui_test_make_demo (scratch);
  queue_dir = g_build_filename (scratch, "queue", NULL);
  g_assert_true (tf_gen_queue (queue_dir, N_QUEUE, 7, &error));
  g_assert_no_error (error);
  app = tf_ui_test_new_application ();

  g_test_add_func ("/window-order/sorted-while-scanning", test_sorted_while_scanning);
  g_test_add_func ("/window-order/reorder-while-scanning", test_reorder_while_scanning);
  g_test_add_func ("/window-order/menu-follows-headers", test_menu_follows_headers);
  g_test_add_func ("/window-order/resort-keeps-selection", test_resort_keeps_selection);
  g_test_add_func ("/window-order/filter-keeps-selection", test_filter_keeps_selection);
  g_test_add_func ("/window-order/progress-pulses", test_progress_pulses);
  g_test_add_func ("/window-order/scan-after-first-frame", test_scan_after_first_frame);

  ret = g_test_run ();

  tf_ui_test_remove_scratch (scratch);
  g_free (scratch);
  g_free (demo_dir);
  g_free (queue_dir);
  g_clear_object (&app);
  return ret;
}
