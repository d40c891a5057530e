/* tf-window-focus.c — keyboard focus: leaving the lists with one Tab,
 * Ctrl+Tab between the panes, Down/Enter from the search entry into the
 * results, and where save dialogs start
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "Trackfix"

#include "config.h"

#include "tf-window-private.h"

/* The visible list: items, or meetings in the Meetings view */
static GtkWidget *
current_list (TfWindow *self)
{
  return self->view == TF_WINDOW_VIEW_MEETINGS ? GTK_WIDGET (self->meetings_view) : GTK_WIDGET (self->items_view);
}

static gboolean
focus_sidebar (TfWindow *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->views_list);

  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");
  if (row == NULL)
    row = gtk_list_box_get_row_at_index (self->views_list, 0);

  return row != NULL && gtk_widget_grab_focus (GTK_WIDGET (row));
}

static gboolean
focus_detail (TfWindow *self)
{
  return gtk_widget_child_focus (GTK_WIDGET (self->detail_stack), GTK_DIR_TAB_FORWARD);
}

/* GtkListView (4.8) gives Tab to the next row, so leaving a list of
 * 100,000 rows would take 100,000 presses: Tab goes to the item view,
 * Shift+Tab back to the sidebar. */
static gboolean
on_list_key_pressed_cb (GtkEventControllerKey *controller,
                        guint keyval,
                        guint keycode,
                        GdkModifierType state,
                        TfWindow *self)
{
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;
  if (keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab)
    {
      if ((state & GDK_SHIFT_MASK) != 0)
        return focus_sidebar (self);
      return focus_detail (self) || focus_sidebar (self);
    }
  if (keyval == GDK_KEY_ISO_Left_Tab)
    return focus_sidebar (self);

  return FALSE;
}

void
_tf_window_focus_next_pane (TfWindow *self,
                            gboolean backwards)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *list = current_list (self);
  int pane = 0; /* 0 sidebar, 1 list, 2 detail */

  if (focus != NULL && gtk_widget_is_ancestor (focus, list))
    pane = 1;
  else if (focus != NULL && (focus == GTK_WIDGET (self->detail_stack) || gtk_widget_is_ancestor (focus, GTK_WIDGET (self->detail_stack))))
    pane = 2;
  else if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->main_stack)))
    pane = 2; /* another page (Server Fix): treat as the content */

  for (int step = 1; step <= 3; step++)
    {
      int next = (pane + (backwards ? 3 - step : step)) % 3;
      gboolean done = FALSE;

      if (next == 0)
        done = focus_sidebar (self);
      else if (next == 1)
        done = gtk_widget_get_mapped (list) && gtk_widget_grab_focus (list);
      else
        done = gtk_widget_get_mapped (GTK_WIDGET (self->detail_stack)) && focus_detail (self);
      if (done)
        return;
    }
}

/* Down or Enter in the search entry: into the results, on the selected
 * row if it still matches, else the first */
static void
focus_results (TfWindow *self)
{
  GtkWidget *list = current_list (self);
  GtkSingleSelection *selection = self->view == TF_WINDOW_VIEW_MEETINGS ? self->meeting_selection : self->selection;
  guint position = gtk_single_selection_get_selected (selection);
  GtkWidget *focus;

  if (g_list_model_get_n_items (G_LIST_MODEL (selection)) == 0)
    return;
  if (position == GTK_INVALID_LIST_POSITION)
    {
      position = 0;
      gtk_single_selection_set_selected (selection, 0);
    }
  /* The column view's GtkListView: its action scrolls to the row and
   * focuses it */
  gtk_widget_activate_action (gtk_widget_get_last_child (list), "list.scroll-to-item", "u", position);
  focus = gtk_root_get_focus (GTK_ROOT (self));
  if (focus == NULL || (focus != list && !gtk_widget_is_ancestor (focus, list)))
    gtk_widget_grab_focus (list);
}

static gboolean
on_search_key_pressed_cb (GtkEventControllerKey *controller,
                          guint keyval,
                          guint keycode,
                          GdkModifierType state,
                          TfWindow *self)
{
  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down)
    return FALSE;

  focus_results (self);
  return TRUE;
}

static void
on_search_activate_cb (TfWindow *self,
                       GtkSearchEntry *entry)
{
  focus_results (self);
}

void
_tf_window_focus_init (TfWindow *self)
{
  GtkWidget *lists[] = { GTK_WIDGET (self->items_view), GTK_WIDGET (self->meetings_view) };
  GtkEventController *controller;

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      controller = gtk_event_controller_key_new ();
      gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
      g_signal_connect_object (controller, "key-pressed", G_CALLBACK (on_list_key_pressed_cb), self, 0);
      gtk_widget_add_controller (lists[i], controller);
    }

  controller = gtk_event_controller_key_new ();
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (on_search_key_pressed_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), controller);
  g_signal_connect_object (self->search_entry, "activate", G_CALLBACK (on_search_activate_cb), self, G_CONNECT_SWAPPED);
}

void
_tf_window_set_save_folder (TfWindow *self,
                            GtkFileChooser *chooser)
{
  g_autoptr (GFile) folder = NULL;
  GFile *file = self->current_source != NULL ? tf_scan_source_get_file (self->current_source) : NULL;

  if (file == NULL && g_list_model_get_n_items (G_LIST_MODEL (self->sources)) == 1)
    {
      g_autoptr (TfScanSource) source = g_list_model_get_item (G_LIST_MODEL (self->sources), 0);

      file = tf_scan_source_get_file (source);
    }

  /* The opened folder (or a file's folder) when it is local and still
   * there, else home — never the process's working directory */
  if (file != NULL && g_file_is_native (file))
    {
      if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
        folder = g_object_ref (file);
      else
        folder = g_file_get_parent (file);
    }
  if (folder == NULL || !g_file_query_exists (folder, NULL))
    {
      g_clear_object (&folder);
      folder = g_file_new_for_path (g_get_home_dir ());
    }

  gtk_file_chooser_set_current_folder (chooser, folder, NULL);
}
