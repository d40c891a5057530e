/* tf-window.c — the main window
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * How the window is put together, and how to extend it
 * =====================================================
 *
 * Models: every opened folder/file is a TfScanSource owning a GListStore of
 * TfItem. Their stores are flattened (all_items), then
 *
 *   GtkColumnView → GtkSingleSelection → TfFilterStore (view + search,
 *   checked in slices, new rows paced by the list's frames) →
 *   GtkSortListModel (several sources only) → all_items or the selected
 *   source's store
 *
 * The rooms: tf-window-list.c (columns, order, sort menu, keeping the
 * selection), tf-window-focus.c (Tab, Ctrl+Tab, search → results, save
 * folders), tf-window-actions.c, tf-window-repair.c; this file holds the
 * sidebar, views, summary, progress and the extension points below.
 *
 * The Meetings view groups the same base model with tf_meetings_group()
 * (core) into TfMeeting rows.
 *
 * Adding a feature page (e.g. the "Server Fix" page):
 *   1. Write your widget (tf-server-fix-page.{c,h} + ui/…ui).
 *   2. In tf_window_init() call
 *        _tf_window_add_page (self, "server-fix", _("Server Fix"),
 *                             "emblem-system-symbolic", tf_server_fix_page_new ());
 *      It becomes a page of main_stack plus a row in the sidebar's view
 *      list; selecting the row shows the page.
 *
 * Adding an action (e.g. "Repair…"):
 *   1. Put the callback in its own file (tf-window-repair.c) with the
 *      signature (GtkWidget *widget, const char *action_name, GVariant *param),
 *      and install it from _tf_window_class_actions_init() in
 *      tf-window-actions.c: gtk_widget_class_install_action (widget_class,
 *      "win.repair", NULL, tf_window_repair_cb). Shortcuts go next to it
 *      (gtk_widget_class_add_binding_action) and into ui/gtk/help-overlay.ui.
 *   2. Compute its enabled state in _tf_window_actions_update(), which runs
 *      whenever the selection, the scans or the sources change.
 *   3. A button for the current item goes into the item view's action box:
 *      gtk_box_prepend (tf_item_view_get_action_box (self->item_view), button)
 *      with action-name "win.repair".
 *   4. Use _tf_window_get_selected_item() for the item, and after rewriting
 *      its file call _tf_window_item_changed() so list and view refresh.
 *      Report results (with an Undo button) through _tf_window_add_toast().
 *      Dialogs are AdwMessageDialog transient for the window (style.md §8).
 */

#define G_LOG_DOMAIN "Trackfix"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tf-a11y-private.h"
#include "tf-columns-private.h"
#include "tf-frame-warmup.h"
#include "tf-list-merge.h"
#include "tf-labels-private.h"
#include "tf-meetings.h"
#include "tf-server-fix-page.h"
#include "tf-window-private.h"

#define MEETINGS_LIST_WIDTH 512

G_DEFINE_FINAL_TYPE (TfWindow, tf_window, ADW_TYPE_APPLICATION_WINDOW)

static void schedule_meetings (TfWindow *self);

/* Filtering ----------------------------------------------------------------- */

static gboolean
matches_search (TfWindow *self,
                const char *haystack)
{
  if (self->search_words == NULL)
    return TRUE;
  if (haystack == NULL)
    return FALSE;

  for (guint i = 0; self->search_words[i] != NULL; i++)
    {
      if (strstr (haystack, self->search_words[i]) == NULL)
        return FALSE;
    }

  return TRUE;
}

static gboolean
filter_item (gpointer item,
             gpointer user_data)
{
  TfWindow *self = user_data;
  TfFormat format;

  switch (self->view)
    {
    case TF_WINDOW_VIEW_QUEUE:
      /* Transport form: what sits in an SMTP queue or mailbox */
      format = tf_item_get_format (item);
      if (format != TF_FORMAT_EML && format != TF_FORMAT_MBOX && format != TF_FORMAT_TNEF)
        return FALSE;
      break;

    case TF_WINDOW_VIEW_CALENDAR:
      /* Stored form: Outlook items and iCalendar files, and a mailbox
       * export's calendar items (its notes and reports are not) */
      format = tf_item_get_format (item);
      if (format == TF_FORMAT_PST || format == TF_FORMAT_OST)
        {
          if (!tf_mapi_is_calendar_class (tf_item_get_message_class (item)))
            return FALSE;
        }
      else if (format != TF_FORMAT_MSG && format != TF_FORMAT_ICS)
        return FALSE;
      break;

    case TF_WINDOW_VIEW_PROBLEMS:
      if (tf_item_get_n_problems (item) == 0)
        return FALSE;
      break;

    case TF_WINDOW_VIEW_ALL:
    case TF_WINDOW_VIEW_MEETINGS:
    case TF_WINDOW_VIEW_PAGE:
    default:
      break;
    }

  /* Matched field by field: caching a search text per item would cost
   * ~50 MB at 100,000 items */
  return tf_item_matches_words (item, (const char *const *) self->search_words);
}

gboolean
_tf_window_filter_meeting (gpointer item,
                           gpointer user_data)
{
  TfWindow *self = user_data;
  GListModel *items;
  g_autofree char *haystack = NULL;
  guint n;

  if (self->search_words == NULL)
    return TRUE;

  haystack = g_utf8_strdown (tf_meeting_get_subject (item) ?: "", -1);
  if (matches_search (self, haystack))
    return TRUE;

  /* Any copy, reply or bounce that matches (addresses, files, codes) */
  items = tf_meeting_get_items (item);
  n = g_list_model_get_n_items (items);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TfItem) copy = g_list_model_get_item (items, i);

      if (tf_item_matches_words (copy, (const char *const *) self->search_words))
        return TRUE;
    }

  return FALSE;
}

/* With nothing to filter, drop the function: a GtkCustomFilter without one
 * matches everything and the filter model passes batches straight through
 * instead of re-checking every row. */
static void
update_filter (TfWindow *self,
               GtkFilterChange change)
{
  gboolean needed = self->search_words != NULL || (self->view != TF_WINDOW_VIEW_ALL && self->view != TF_WINDOW_VIEW_MEETINGS && self->view != TF_WINDOW_VIEW_PAGE);

  if (needed != self->filtering)
    {
      self->filtering = needed;
      gtk_custom_filter_set_filter_func (self->filter, needed ? filter_item : NULL, needed ? self : NULL, NULL);
    }
  else if (needed)
    gtk_filter_changed (GTK_FILTER (self->filter), change);
}

static GListModel *
base_model (TfWindow *self)
{
  if (self->current_source != NULL)
    return tf_scan_source_get_items (self->current_source);

  return G_LIST_MODEL (self->all_items);
}

/* Summary ------------------------------------------------------------------- */

static void
update_summary (TfWindow *self)
{
  g_autofree char *items_text = NULL;
  g_autofree char *size_text = NULL;
  g_autofree char *oldest_text = NULL;
  g_autofree char *problems_text = NULL;
  g_autofree char *text = NULL;
  guint n_items = 0;
  guint n_problems = 0;
  guint64 total_size = 0;
  gint64 oldest = G_MAXINT64;

  if (self->view == TF_WINDOW_VIEW_MEETINGS)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->meeting_filter_model));

      text = g_strdup_printf (ngettext ("%u meeting", "%u meetings", n), n);
      gtk_label_set_text (self->summary_label, text);
      return;
    }

  if (self->search_words == NULL && self->view == TF_WINDOW_VIEW_ALL)
    {
      /* Unfiltered: the sources keep running totals, no walk needed */
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr (TfScanSource) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);

          if (self->current_source != NULL && source != self->current_source)
            continue;
          n_items += tf_scan_source_get_n_items (source);
          n_problems += tf_scan_source_get_n_problems (source);
          total_size += tf_scan_source_get_total_size (source);
          oldest = MIN (oldest, tf_scan_source_get_oldest (source));
        }
    }
  else
    {
      GListModel *model = G_LIST_MODEL (self->filter_model);

      n_items = g_list_model_get_n_items (model);
      for (guint i = 0; i < n_items; i++)
        {
          g_autoptr (TfItem) item = g_list_model_get_item (model, i);
          gint64 sent = tf_item_get_sent (item);

          if (tf_item_get_n_problems (item) > 0)
            n_problems++;
          total_size += tf_item_get_size (item);
          if (sent != G_MININT64 && sent < oldest)
            oldest = sent;
        }
    }

  items_text = g_strdup_printf (ngettext ("%u item", "%u items", n_items), n_items);
  size_text = g_format_size (total_size);
  problems_text = g_strdup_printf (ngettext ("%u with problems", "%u with problems", n_problems), n_problems);
  if (oldest != G_MAXINT64)
    {
      g_autofree char *when = tf_labels_format_unix (oldest, g_settings_get_boolean (self->settings, "use-local-time"));

      /* Translators: queue summary; %s is the oldest item's sent time */
      oldest_text = g_strdup_printf (_ ("oldest %s"), when);
      /* Translators: queue summary: "12 items · 1.2 MB · oldest 2026-… · 3 with problems" */
      text = g_strdup_printf (_ ("%s · %s · %s · %s"), items_text, size_text, oldest_text, problems_text);
    }
  else
    /* Translators: queue summary: "12 items · 1.2 MB · 3 with problems" */
    text = g_strdup_printf (_ ("%s · %s · %s"), items_text, size_text, problems_text);

  gtk_label_set_text (self->summary_label, text);
}

static gboolean
summary_timeout_cb (gpointer user_data)
{
  TfWindow *self = user_data;

  /* Wait until the incremental filter has caught up */
  if (tf_filter_store_get_pending (self->filter_model) > 0)
    return G_SOURCE_CONTINUE;

  self->summary_source = 0;
  update_summary (self);

  return G_SOURCE_REMOVE;
}

void
_tf_window_schedule_summary (TfWindow *self)
{
  if (self->summary_source == 0)
    self->summary_source = g_timeout_add (150, summary_timeout_cb, self);
}

/* Meetings ------------------------------------------------------------------ */

static void
rebuild_meetings (TfWindow *self)
{
  g_autoptr (GPtrArray) meetings = tf_meetings_group (base_model (self));

  self->meetings_dirty = FALSE;
  g_list_store_splice (self->meetings, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->meetings)),
                       meetings->pdata, meetings->len);
  _tf_window_schedule_summary (self);
}

static gboolean
meetings_timeout_cb (gpointer user_data)
{
  TfWindow *self = user_data;

  self->meetings_source = 0;
  if (self->view == TF_WINDOW_VIEW_MEETINGS)
    rebuild_meetings (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_meetings (TfWindow *self)
{
  self->meetings_dirty = TRUE;
  if (self->view == TF_WINDOW_VIEW_MEETINGS && self->meetings_source == 0)
    self->meetings_source = g_timeout_add (300, meetings_timeout_cb, self);
}

/* Progress and sidebar ------------------------------------------------------ */

static void
update_progress (TfWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));
  guint done = 0;
  guint n_items = 0;
  guint n_problems = 0;
  gboolean scanning = FALSE;
  gboolean streaming = FALSE;
  const char *big_file = NULL; /* a PST being read: its messages */
  guint big_done = 0;
  guint big_total = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TfScanSource) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);

      streaming |= tf_scan_source_get_streaming (source);
      n_items += tf_scan_source_get_n_items (source);
      n_problems += tf_scan_source_get_n_problems (source);
      if (tf_scan_source_get_scanning (source) || (self->deferred_scans != NULL && g_ptr_array_find (self->deferred_scans, source, NULL)))
        {
          scanning = TRUE;
          done += tf_scan_source_get_n_files_done (source);
          if (big_file == NULL)
            tf_scan_source_get_file_progress (source, &big_file, &big_done, &big_total);
        }
    }

  tf_scan_source_set_totals (self->all_source, n_items, n_problems, scanning);
  _tf_window_list_update_order (self, streaming);
  _tf_window_sidebar_update_names (self, n_items, n_problems);
  gtk_revealer_set_reveal_child (self->progress_revealer, scanning);

  if (scanning && big_file != NULL)
    _tf_window_show_file_progress (self, big_file, big_done, big_total, n_items);
  else if (scanning)
    {
      g_autofree char *files = NULL;
      g_autofree char *items = NULL;
      g_autofree char *label = NULL;

      /* The scanner reads while it still walks the folders: the number of
       * files found grows until the end, so a fraction would run ahead and
       * fall back. The bar pulses; the label counts what was read. */
      if (done != self->progress_last_done)
        gtk_progress_bar_pulse (self->progress_bar);
      self->progress_last_done = done;

      /* Translators: progress: files read so far */
      files = g_strdup_printf (ngettext ("%u file read", "%u files read", done), done);
      items = g_strdup_printf (ngettext ("%u item", "%u items", n_items), n_items);
      /* Translators: progress: "Scanning… 120 files read · 118 items" */
      label = g_strdup_printf (_ ("Scanning… %s · %s"), files, items);
      gtk_label_set_text (self->progress_label, label);
    }
  else if (self->progress_last_done != 0)
    {
      /* Out of activity mode: its animation would keep the frame clock
       * drawing the idle window (the bar is hidden, not unrealized) */
      gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
      self->progress_last_done = 0;
    }

  _tf_window_pst_update (self);
  _tf_window_actions_update (self);
}

static void
update_title (TfWindow *self)
{
  const char *subtitle = NULL;

  if (self->current_source != NULL)
    subtitle = tf_scan_source_get_subtitle (self->current_source);
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->sources)) == 1)
    {
      g_autoptr (TfScanSource) source = g_list_model_get_item (G_LIST_MODEL (self->sources), 0);
      subtitle = tf_scan_source_get_subtitle (source);
    }

  adw_window_title_set_subtitle (self->window_title, subtitle);
}

/* Callbacks ------------------------------------------------------------------ */

static void
on_source_changed_cb (TfWindow *self,
                      GParamSpec *pspec,
                      TfScanSource *source)
{
  update_progress (self);
  /* Counts change after repairs too, not only while scanning.
   * Unfiltered, the summary comes from the sources' running totals: update
   * it in the same frame as the new rows rather than in a frame of its own
   * 150 ms later (the timeout then finds the text unchanged). On software
   * rendering every frame of a full window costs tens of milliseconds. */
  if (self->search_words == NULL && self->view == TF_WINDOW_VIEW_ALL)
    update_summary (self);
  else
    _tf_window_schedule_summary (self);
}

/* After the first scan of the window, with nothing chosen yet, the first
 * stuck update (else the first item with a problem) is shown: someone who opens a queue (or the demo)
 * sees an affected attendee and the reason at once. Only once per window,
 * so later rescans never move the user's selection. */
static void
select_first_problem (TfWindow *self)
{
  if (self->offered_first_problem)
    return;
  self->offered_first_problem = TRUE;

  if (gtk_single_selection_get_selected_item (self->selection) != NULL)
    return;

  _tf_window_list_select_first (self);
}

/* The scan ends inside the source's last merge slice, whose rows the list
 * has just bound; selecting the item (the detail pane is filled, the list
 * scrolls to it and binds the rows there) waits for a pass of its own, so
 * neither holds the main loop for both (tests/bench/RESULTS.md, issue 16) */
static gboolean
select_first_problem_idle_cb (gpointer user_data)
{
  TfWindow *self = user_data;

  self->first_problem_source = 0;
  if (!_tf_window_is_scanning (self))
    select_first_problem (self);
  return G_SOURCE_REMOVE;
}

/* The pane fills and the list scrolls in one frame that redraws most of
 * the window, into buffers the scan's allocations have left fresh; the
 * first writes to them are made a pass before (tf-frame-warmup.c) */
static gboolean
warm_before_first_problem_idle_cb (gpointer user_data)
{
  TfWindow *self = user_data;

  tf_frame_warmup_heap (GTK_WINDOW (self));
  self->first_problem_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, select_first_problem_idle_cb, self, NULL);
  return G_SOURCE_REMOVE;
}

/* A source that cannot be read (a folder deleted or unmounted since it
 * was opened or chosen from Recent) shows why instead of an empty list */
static void
update_list_page (TfWindow *self)
{
  TfScanSource *source = self->current_source;
  const GError *error;

  if (self->view == TF_WINDOW_VIEW_MEETINGS || self->view == TF_WINDOW_VIEW_PAGE)
    return;
  if (source == NULL && g_list_model_get_n_items (G_LIST_MODEL (self->sources)) == 1)
    {
      g_autoptr (TfScanSource) only = g_list_model_get_item (G_LIST_MODEL (self->sources), 0);

      source = only; /* the list keeps it */
    }
  error = source != NULL ? tf_scan_source_get_error (source) : NULL;
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && tf_scan_source_get_n_items (source) == 0)
    {
      g_autofree char *description = NULL;

      /* Translators: empty list; %s is the folder, then the reason */
      description = g_strdup_printf (_ ("“%s” cannot be read: %s"), tf_scan_source_get_subtitle (source), error->message);
      adw_status_page_set_description (self->missing_page, description);
      gtk_stack_set_visible_child_name (self->list_stack, "missing");
    }
  else
    gtk_stack_set_visible_child_name (self->list_stack, "items");
}

static void
on_source_scan_finished_cb (TfWindow *self,
                            TfScanSource *source)
{
  const GError *error = tf_scan_source_get_error (source);

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = NULL;

      /* Translators: toast; %s is the folder or file name, then the reason */
      message = g_strdup_printf (_ ("Cannot scan “%s”: %s"), tf_scan_source_get_title (source), error->message);
      _tf_window_add_toast (self, tf_labels_new_toast (message));
    }

  update_progress (self);
  _tf_window_schedule_summary (self);
  update_list_page (self);
  if (error == NULL && !_tf_window_is_scanning (self) && !self->offered_first_problem && self->first_problem_source == 0)
    self->first_problem_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, warm_before_first_problem_idle_cb, self, NULL);
}

static void
on_items_changed_cb (TfWindow *self,
                     guint position,
                     guint removed,
                     guint added,
                     GListModel *model)
{
  _tf_window_schedule_summary (self);
  schedule_meetings (self);
}

static void
on_search_entry_changed_cb (TfWindow *self,
                            GtkSearchEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *lower = g_utf8_strdown (text, -1);
  g_auto (GStrv) old_words = g_steal_pointer (&self->search_words);
  g_auto (GStrv) words = g_strsplit_set (g_strstrip (lower), " \t", -1);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] != '\0')
        g_strv_builder_add (builder, words[i]);
    }
  self->search_words = g_strv_builder_end (builder);
  if (self->search_words[0] == NULL)
    g_clear_pointer (&self->search_words, g_strfreev);

  /* Typing more only narrows: let the filter skip rows already hidden */
  if (old_words == NULL && self->search_words != NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (old_words != NULL && self->search_words == NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else if (old_words != NULL && self->search_words != NULL)
    {
      g_autofree char *old_joined = g_strjoinv (" ", old_words);
      g_autofree char *new_joined = g_strjoinv (" ", self->search_words);

      if (g_str_has_prefix (new_joined, old_joined) && g_strv_length (self->search_words) >= g_strv_length (old_words))
        change = GTK_FILTER_CHANGE_MORE_STRICT;
      else if (g_str_has_prefix (old_joined, new_joined))
        change = GTK_FILTER_CHANGE_LESS_STRICT;
    }
  else
    return;

  update_filter (self, change);
  gtk_filter_changed (GTK_FILTER (self->meeting_filter), change);
  _tf_window_schedule_summary (self);
}

static void
on_search_entry_stop_cb (TfWindow *self,
                         GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

static void
set_view (TfWindow *self,
          TfWindowView view,
          const char *page_name)
{
  TfWindowView old = self->view;

  self->view = view;
  tf_a11y_name_buttons (GTK_WIDGET (self));

  if (view == TF_WINDOW_VIEW_PAGE)
    {
      adw_view_stack_set_visible_child_name (self->main_stack, page_name);
      return;
    }

  adw_view_stack_set_visible_child_name (self->main_stack,
                                         g_list_model_get_n_items (G_LIST_MODEL (self->sources)) > 0
                                             ? "browser"
                                             : "welcome");

  /* Meetings need a narrower list and a wider attendee table than items:
   * the pane moves in and back out (the user's own position wins) */
  if (view == TF_WINDOW_VIEW_MEETINGS && old != view && gtk_paned_get_position (self->paned) > MEETINGS_LIST_WIDTH)
    {
      self->items_paned_position = gtk_paned_get_position (self->paned);
      gtk_paned_set_position (self->paned, MEETINGS_LIST_WIDTH);
    }
  else if (view != TF_WINDOW_VIEW_MEETINGS && old == TF_WINDOW_VIEW_MEETINGS && self->items_paned_position > 0)
    {
      if (gtk_paned_get_position (self->paned) == MEETINGS_LIST_WIDTH)
        gtk_paned_set_position (self->paned, self->items_paned_position);
      self->items_paned_position = 0;
    }

  if (view == TF_WINDOW_VIEW_MEETINGS)
    {
      gtk_stack_set_visible_child_name (self->list_stack, "meetings");
      if (self->meetings_dirty)
        rebuild_meetings (self);
      gtk_stack_set_visible_child_name (self->detail_stack,
                                        tf_meeting_view_get_meeting (self->meeting_view) != NULL ? "meeting" : "empty");
    }
  else
    {
      update_list_page (self);
      gtk_stack_set_visible_child_name (self->detail_stack,
                                        gtk_single_selection_get_selected_item (self->selection) != NULL ? "item" : "empty");
      if (old != view)
        update_filter (self, GTK_FILTER_CHANGE_DIFFERENT);
    }

  _tf_window_schedule_summary (self);
}

static void
on_views_list_row_selected_cb (TfWindow *self,
                               GtkListBoxRow *row,
                               GtkListBox *list)
{
  const char *name;

  if (row == NULL)
    return;

  name = gtk_widget_get_name (GTK_WIDGET (row));
  if (g_str_equal (name, "all"))
    set_view (self, TF_WINDOW_VIEW_ALL, NULL);
  else if (g_str_equal (name, "queue"))
    set_view (self, TF_WINDOW_VIEW_QUEUE, NULL);
  else if (g_str_equal (name, "calendar"))
    set_view (self, TF_WINDOW_VIEW_CALENDAR, NULL);
  else if (g_str_equal (name, "meetings"))
    set_view (self, TF_WINDOW_VIEW_MEETINGS, NULL);
  else if (g_str_equal (name, "problems"))
    set_view (self, TF_WINDOW_VIEW_PROBLEMS, NULL);
  else
    set_view (self, TF_WINDOW_VIEW_PAGE, name);

  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "content");
}

/* Folded, a click on the row that is already selected (no row-selected)
 * still goes to the content */
static void
on_sidebar_row_activated_cb (TfWindow *self,
                             GtkListBoxRow *row,
                             GtkListBox *list)
{
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "content");
}

static void
on_sources_list_row_selected_cb (TfWindow *self,
                                 GtkListBoxRow *row,
                                 GtkListBox *list)
{
  TfScanSource *source = row != NULL ? g_object_get_data (G_OBJECT (row), "tf-source") : NULL;

  if (source == self->all_source)
    source = NULL;
  if (source == self->current_source)
    return;

  self->current_source = source;
  gtk_sort_list_model_set_model (self->sort_model, base_model (self));
  _tf_window_list_update_order (self, self->streaming);
  update_list_page (self);
  schedule_meetings (self);
  _tf_window_schedule_summary (self);
  update_title (self);
  _tf_window_pst_update (self);
}

static void
on_local_time_changed_cb (TfWindow *self,
                          const char *key,
                          GSettings *settings)
{
  gboolean local = g_settings_get_boolean (settings, "use-local-time");

  tf_item_view_set_local_time (self->item_view, local);
  tf_meeting_view_set_local_time (self->meeting_view, local);
  /* Both lists' Sent columns format on bind */
  _tf_window_rebind_items (self);
  gtk_column_view_set_model (self->meetings_view, NULL);
  gtk_column_view_set_model (self->meetings_view, GTK_SELECTION_MODEL (self->meeting_selection));
  _tf_window_schedule_summary (self);
}

/* The item list's cells make their texts on bind: after what they come
 * from changed (a setting, the columns shown), bind its visible rows
 * again */
void
_tf_window_rebind_items (TfWindow *self)
{
  tf_column_view_invalidate_cells ();
  gtk_column_view_set_model (self->items_view, NULL);
  gtk_column_view_set_model (self->items_view, GTK_SELECTION_MODEL (self->selection));
}

/* Window state ---------------------------------------------------------------- */

static gboolean
tf_window_close_request (GtkWindow *window)
{
  TfWindow *self = TF_WINDOW (window);
  int width;
  int height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_set_int (self->settings, "paned-position",
                      self->items_paned_position > 0 ? self->items_paned_position : gtk_paned_get_position (self->paned));
  g_settings_apply (self->settings);

  _tf_window_cancel_scans (self);

  return GTK_WINDOW_CLASS (tf_window_parent_class)->close_request (window);
}

static void
tf_window_dispose (GObject *object)
{
  TfWindow *self = (TfWindow *) object;

  _tf_window_cancel_scans (self);
  _tf_window_sources_dispose (self);
  _tf_window_list_release_sources (self);
  g_clear_handle_id (&self->summary_source, g_source_remove);
  g_clear_handle_id (&self->meetings_source, g_source_remove);
  g_clear_handle_id (&self->first_problem_source, g_source_remove);

  if (self->filter_model != NULL)
    tf_filter_store_set_pacer (self->filter_model, NULL);
  if (self->items_view != NULL)
    gtk_column_view_set_model (self->items_view, NULL);
  if (self->meetings_view != NULL)
    gtk_column_view_set_model (self->meetings_view, NULL);
  if (self->sources_list != NULL)
    gtk_list_box_bind_model (self->sources_list, NULL, NULL, NULL, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), TF_TYPE_WINDOW);

  g_clear_object (&self->selection);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->filter);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->all_items);
  g_clear_object (&self->source_models);
  g_clear_object (&self->meeting_selection);
  g_clear_object (&self->meeting_sort_model);
  g_clear_object (&self->meeting_filter_model);
  g_clear_object (&self->meeting_filter);
  g_clear_object (&self->meetings);
  g_clear_object (&self->sidebar_model);
  g_clear_object (&self->sources);
  g_clear_object (&self->all_source);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->search_words, g_strfreev);
  _tf_window_list_dispose (self);
  g_clear_pointer (&self->last_run_id, g_free);
  self->current_source = NULL;

  G_OBJECT_CLASS (tf_window_parent_class)->dispose (object);
}

static void
tf_window_class_init (TfWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = tf_window_dispose;
  window_class->close_request = tf_window_close_request;

  g_type_ensure (TF_TYPE_ITEM_VIEW);
  g_type_ensure (TF_TYPE_MEETING_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/ui/tf-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TfWindow, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, TfWindow, item_view);
  gtk_widget_class_bind_template_child (widget_class, TfWindow, items_view);
  gtk_widget_class_bind_template_child (widget_class, TfWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, TfWindow, list_stack);
  gtk_widget_class_bind_template_child (widget_class, TfWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, TfWindow, missing_page);
  gtk_widget_class_bind_template_child (widget_class, TfWindow, meeting_view);
  gtk_widget_class_bind_template_child (widget_class, TfWindow, meetings_view);
  gtk_widget_class_bind_template_child (widget_class, TfWindow, paned);
  gtk_widget_class_bind_template_child (widget_class, TfWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, TfWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, TfWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, TfWindow, recent_section);
  gtk_widget_class_bind_template_child (widget_class, TfWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, TfWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TfWindow, sources_list);
  gtk_widget_class_bind_template_child (widget_class, TfWindow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, TfWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TfWindow, views_list);
  gtk_widget_class_bind_template_child (widget_class, TfWindow, window_title);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_stop_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_sources_list_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_views_list_row_selected_cb);

  _tf_window_class_actions_init (widget_class);
}

static void
tf_window_init (TfWindow *self)
{
  g_autoptr (GListStore) sidebar_parts = NULL;
  g_autoptr (GListStore) all_part = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  /* Folded (a narrow window), start on the welcome page, not the sidebar */
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  /* Where the list ends and the item view begins */
  gtk_paned_set_position (self->paned, g_settings_get_int (self->settings, "paned-position"));

  /* Sources and the sidebar */
  self->sources = g_list_store_new (TF_TYPE_SCAN_SOURCE);
  self->all_source = tf_scan_source_new (NULL);
  all_part = g_list_store_new (TF_TYPE_SCAN_SOURCE);
  g_list_store_append (all_part, self->all_source);
  sidebar_parts = g_list_store_new (G_TYPE_LIST_MODEL);
  g_list_store_append (sidebar_parts, all_part);
  g_list_store_append (sidebar_parts, self->sources);
  self->sidebar_model = gtk_flatten_list_model_new (G_LIST_MODEL (g_steal_pointer (&sidebar_parts)));
  gtk_list_box_bind_model (self->sources_list, G_LIST_MODEL (self->sidebar_model),
                           _tf_window_create_source_row, self, NULL);
  gtk_list_box_select_row (self->sources_list, gtk_list_box_get_row_at_index (self->sources_list, 0));

  /* Items: flatten → sort → filter → selection */
  self->source_models = g_list_store_new (G_TYPE_LIST_MODEL);
  self->all_items = gtk_flatten_list_model_new (g_object_ref (G_LIST_MODEL (self->source_models)));
  g_signal_connect_object (self->all_items, "items-changed",
                           G_CALLBACK (on_items_changed_cb), self, G_CONNECT_SWAPPED);
  _tf_window_list_init (self);

  /* Settings-driven state */
  g_signal_connect_object (self->settings, "changed::use-local-time",
                           G_CALLBACK (on_local_time_changed_cb), self, G_CONNECT_SWAPPED);
  tf_item_view_set_local_time (self->item_view, g_settings_get_boolean (self->settings, "use-local-time"));
  tf_meeting_view_set_local_time (self->meeting_view, g_settings_get_boolean (self->settings, "use-local-time"));

  _tf_window_sources_init (self);

  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));

  self->server_fix_page = tf_server_fix_page_new ();
  _tf_window_add_page (self, "server-fix", _ ("Server Fix"), "emblem-system-symbolic", self->server_fix_page);
  gtk_list_box_select_row (self->views_list, gtk_list_box_get_row_at_index (self->views_list, 0));

  _tf_window_actions_init (self);
  _tf_window_focus_init (self);
  g_signal_connect (self, "map", G_CALLBACK (tf_a11y_name_buttons), NULL);
  tf_frame_warmup_attach (GTK_WINDOW (self));
  _tf_window_update_recent_menu (self);
  set_view (self, TF_WINDOW_VIEW_ALL, NULL);
  update_summary (self);
  update_progress (self);
}

/* Public and private API ----------------------------------------------------- */

void
_tf_window_track_source (TfWindow *self,
                         TfScanSource *source)
{
  g_signal_connect_object (source, "notify::n-items", G_CALLBACK (on_source_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (source, "notify::n-files-done", G_CALLBACK (on_source_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (source, "notify::scanning", G_CALLBACK (on_source_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (source, "notify::progress-path", G_CALLBACK (on_source_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (source, "scan-finished", G_CALLBACK (on_source_scan_finished_cb), self, G_CONNECT_SWAPPED);
}

void
_tf_window_sources_changed (TfWindow *self)
{
  update_title (self);
  update_progress (self);
}

TfWindow *
tf_window_new (AdwApplication *application)
{
  g_return_val_if_fail (ADW_IS_APPLICATION (application), NULL);

  return g_object_new (TF_TYPE_WINDOW, "application", application, NULL);
}

GFile *
tf_window_dup_demo_folder (void)
{
  g_autofree char *installed = g_build_filename (PKGDATADIR, "demo", NULL);

  if (g_file_test (installed, G_FILE_TEST_IS_DIR))
    return g_file_new_for_path (installed);

  return g_file_new_for_path (SOURCE_DEMO_DIR);
}

void
_tf_window_add_page (TfWindow *self,
                     const char *name,
                     const char *title,
                     const char *icon_name,
                     GtkWidget *page)
{
  GtkWidget *row;
  GtkWidget *box;

  g_return_if_fail (TF_IS_WINDOW (self));
  g_return_if_fail (name != NULL && title != NULL);
  g_return_if_fail (GTK_IS_WIDGET (page));

  adw_view_stack_add_titled (self->main_stack, page, name, title);

  row = gtk_list_box_row_new ();
  gtk_widget_set_name (row, name);
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (icon_name));
  gtk_box_append (GTK_BOX (box), g_object_new (GTK_TYPE_LABEL, "label", title, "xalign", 0.0f, NULL));
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_append (self->views_list, row);
}

void
_tf_window_add_toast (TfWindow *self,
                      AdwToast *toast)
{
  g_return_if_fail (TF_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

TfItem *
_tf_window_get_selected_item (TfWindow *self)
{
  g_return_val_if_fail (TF_IS_WINDOW (self), NULL);

  return gtk_single_selection_get_selected_item (self->selection);
}

void
_tf_window_item_changed (TfWindow *self,
                         TfItem *item)
{
  guint n;

  g_return_if_fail (TF_IS_WINDOW (self));
  g_return_if_fail (TF_IS_ITEM (item));

  /* Re-announce the item in its store so every view rebinds it */
  tf_column_view_invalidate_cells ();
  n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TfScanSource) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);

      tf_scan_source_item_changed (source, item);
    }

  if (tf_item_view_get_item (self->item_view) == item)
    {
      tf_item_view_set_item (self->item_view, NULL);
      tf_item_view_set_item (self->item_view, item);
    }
}

gboolean
_tf_window_is_scanning (TfWindow *self)
{
  g_return_val_if_fail (TF_IS_WINDOW (self), FALSE);

  return self->all_source != NULL && (tf_scan_source_get_scanning (self->all_source) || _tf_window_scans_deferred (self));
}

void
_tf_window_cancel_scans (TfWindow *self)
{
  guint n;

  g_return_if_fail (TF_IS_WINDOW (self));

  if (self->sources == NULL)
    return;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TfScanSource) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);
      tf_scan_source_cancel (source);
    }
}

void
_tf_window_rescan (TfWindow *self)
{
  guint n;

  g_return_if_fail (TF_IS_WINDOW (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TfScanSource) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);

      if (self->current_source == NULL || self->current_source == source)
        tf_scan_source_scan (source);
    }
}

void
_tf_window_focus_search (TfWindow *self)
{
  g_return_if_fail (TF_IS_WINDOW (self));

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
_tf_window_show_sidebar (TfWindow *self)
{
  g_return_if_fail (TF_IS_WINDOW (self));

  adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");
}

char *
_tf_window_dup_view_title (TfWindow *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->views_list);
  GtkWidget *box = row != NULL ? gtk_list_box_row_get_child (row) : NULL;
  GtkWidget *label = box != NULL ? gtk_widget_get_last_child (box) : NULL;
  g_autofree char *view = g_strdup (label != NULL && GTK_IS_LABEL (label) ? gtk_label_get_text (GTK_LABEL (label)) : "");
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  if (self->current_source != NULL)
    {
      char *with_source;

      /* Translators: scope of a list: a view, then a source folder */
      with_source = g_strdup_printf (C_ ("scope", "%s in %s"), view, tf_scan_source_get_title (self->current_source));
      g_free (view);
      view = with_source;
    }
  if (self->search_words != NULL && search != NULL)
    /* Translators: scope of a list: a view, then the search text */
    return g_strdup_printf (C_ ("scope", "%s matching “%s”"), view, search);

  return g_steal_pointer (&view);
}

GListStore *
_tf_window_dup_visible_items (TfWindow *self)
{
  GListStore *store;
  g_autoptr (GPtrArray) items = NULL;

  g_return_val_if_fail (TF_IS_WINDOW (self), NULL);

  items = tf_list_model_dup_items (G_LIST_MODEL (self->filter_model));
  store = g_list_store_new (TF_TYPE_ITEM);
  g_list_store_splice (store, 0, 0, items->pdata, items->len);

  return store;
}
