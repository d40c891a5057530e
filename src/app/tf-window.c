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
 *   GtkColumnView → GtkSingleSelection → GtkFilterListModel (view + search,
 *   incremental) → GtkSortListModel (column sorters, then the default
 *   order) → all_items or the selected source's store
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
#include "tf-labels-private.h"
#include "tf-meetings.h"
#include "tf-server-fix-page.h"
#include "tf-window-private.h"

#define MAX_RECENT 10
#define MEETINGS_LIST_WIDTH 480

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
      /* Stored form: Outlook items and iCalendar files */
      format = tf_item_get_format (item);
      if (format != TF_FORMAT_MSG && format != TF_FORMAT_ICS)
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
  if (gtk_filter_list_model_get_pending (self->filter_model) > 0)
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

/* Screen readers hear the view and, where it is known without a walk,
 * how many items it has */
static void
update_view_row_names (TfWindow *self,
                       guint n_items,
                       guint n_problems)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->views_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      const char *id = gtk_widget_get_name (row);
      GtkWidget *box = GTK_IS_LIST_BOX_ROW (row) ? gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row)) : NULL;
      GtkWidget *label = box != NULL ? gtk_widget_get_last_child (box) : NULL;
      g_autofree char *name = NULL;
      guint n;

      if (label == NULL || !GTK_IS_LABEL (label))
        continue;
      if (g_strcmp0 (id, "all") == 0 || g_strcmp0 (id, "problems") == 0)
        {
          g_autofree char *count = NULL;

          n = g_strcmp0 (id, "all") == 0 ? n_items : n_problems;
          count = g_strdup_printf (ngettext ("%u item", "%u items", n), n);
          /* Translators: screen reader name of a sidebar view: "All Items, 12 items" */
          name = g_strdup_printf (C_ ("sidebar", "%s, %s"), gtk_label_get_text (GTK_LABEL (label)), count);
        }
      else
        name = g_strdup (gtk_label_get_text (GTK_LABEL (label)));
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
    }
}

static void
update_progress (TfWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));
  guint done = 0;
  guint n_items = 0;
  guint n_problems = 0;
  gboolean scanning = FALSE;
  gboolean streaming = FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TfScanSource) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);

      streaming |= tf_scan_source_get_streaming (source);
      n_items += tf_scan_source_get_n_items (source);
      n_problems += tf_scan_source_get_n_problems (source);
      if (tf_scan_source_get_scanning (source))
        {
          scanning = TRUE;
          done += tf_scan_source_get_n_files_done (source);
        }
    }

  tf_scan_source_set_totals (self->all_source, n_items, n_problems, scanning);
  _tf_window_list_set_streaming (self, streaming);
  update_view_row_names (self, n_items, n_problems);
  gtk_revealer_set_reveal_child (self->progress_revealer, scanning);

  if (scanning)
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

static void
update_source_row (GtkWidget *row)
{
  TfScanSource *source = g_object_get_data (G_OBJECT (row), "tf-source");
  GtkLabel *count = g_object_get_data (G_OBJECT (row), "tf-count");
  GtkLabel *badge = g_object_get_data (G_OBJECT (row), "tf-badge");
  GtkWidget *spinner = g_object_get_data (G_OBJECT (row), "tf-spinner");
  guint n_problems = tf_scan_source_get_n_problems (source);
  g_autofree char *count_text = g_strdup_printf ("%u", tf_scan_source_get_n_items (source));
  g_autofree char *badge_text = g_strdup_printf ("%u", n_problems);
  g_autofree char *badge_tooltip = NULL;

  g_autofree char *items_text = g_strdup_printf (ngettext ("%u item", "%u items", tf_scan_source_get_n_items (source)),
                                                 tf_scan_source_get_n_items (source));
  g_autofree char *problems_text = g_strdup_printf (ngettext ("%u with problems", "%u with problems", n_problems),
                                                    n_problems);
  /* Translators: screen reader name of a source in the sidebar: folder name, "12 items", "3 with problems" */
  g_autofree char *name = g_strdup_printf (C_ ("sidebar", "%s, %s, %s"), tf_scan_source_get_title (source),
                                           items_text, problems_text);

  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_label_set_text (count, count_text);
  gtk_label_set_text (badge, badge_text);
  gtk_widget_set_visible (GTK_WIDGET (badge), n_problems > 0);
  badge_tooltip = g_strdup_printf (ngettext ("%u item with problems", "%u items with problems", n_problems),
                                   n_problems);
  /* Only on change: setting a tooltip queries the pointer (X round trip) */
  if (g_strcmp0 (gtk_widget_get_tooltip_text (GTK_WIDGET (badge)), badge_tooltip) != 0)
    gtk_widget_set_tooltip_text (GTK_WIDGET (badge), badge_tooltip);
  /* A static icon, not a GtkSpinner: a never-ending animation keeps the
   * frame clock busy and, on slow renderers, starves the idle-priority
   * batches the scanner delivers. */
  gtk_widget_set_visible (GTK_WIDGET (spinner), tf_scan_source_get_scanning (source));
}

static void
on_source_row_notify_cb (GtkWidget *row,
                         GParamSpec *pspec,
                         TfScanSource *source)
{
  update_source_row (row);
}

static GtkWidget *
create_source_row_cb (gpointer item,
                      gpointer user_data)
{
  TfScanSource *source = item;
  GtkWidget *row;
  GtkWidget *box;
  GtkWidget *labels;
  GtkWidget *title;
  GtkWidget *count;
  GtkWidget *badge;
  GtkWidget *spinner;
  GFile *file = tf_scan_source_get_file (source);
  const char *icon = "folder-symbolic";

  if (file == NULL)
    icon = "view-grid-symbolic";
  else if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_DIRECTORY)
    icon = "text-x-generic-symbolic";

  row = gtk_list_box_row_new ();
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (icon));

  labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);
  title = g_object_new (GTK_TYPE_LABEL,
                        "label", tf_scan_source_get_title (source),
                        "xalign", 0.0f,
                        "ellipsize", PANGO_ELLIPSIZE_MIDDLE,
                        NULL);
  gtk_box_append (GTK_BOX (labels), title);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_widget_set_tooltip_text (row, tf_scan_source_get_subtitle (source));

  spinner = gtk_image_new_from_icon_name ("content-loading-symbolic");
  gtk_widget_set_tooltip_text (spinner, _ ("Scanning…"));
  gtk_box_append (GTK_BOX (box), spinner);
  count = gtk_label_new (NULL);
  /* Translators: tooltip of the item count in the sidebar */
  gtk_widget_set_tooltip_text (count, _ ("Items read"));
  gtk_widget_add_css_class (count, "dim-label");
  gtk_widget_add_css_class (count, "numeric");
  gtk_box_append (GTK_BOX (box), count);
  badge = gtk_label_new (NULL);
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (badge, "problem-badge");
  gtk_widget_add_css_class (badge, "numeric");
  gtk_box_append (GTK_BOX (box), badge);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "tf-source", g_object_ref (source), g_object_unref);
  g_object_set_data (G_OBJECT (row), "tf-count", count);
  g_object_set_data (G_OBJECT (row), "tf-badge", badge);
  g_object_set_data (G_OBJECT (row), "tf-spinner", spinner);

  g_signal_connect_object (source, "notify::n-items", G_CALLBACK (on_source_row_notify_cb), row, G_CONNECT_SWAPPED);
  g_signal_connect_object (source, "notify::n-problems", G_CALLBACK (on_source_row_notify_cb), row, G_CONNECT_SWAPPED);
  g_signal_connect_object (source, "notify::scanning", G_CALLBACK (on_source_row_notify_cb), row, G_CONNECT_SWAPPED);
  update_source_row (row);

  return row;
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
  GListModel *model = G_LIST_MODEL (self->filter_model);
  guint n = g_list_model_get_n_items (model);

  if (self->offered_first_problem)
    return;
  self->offered_first_problem = TRUE;

  if (gtk_single_selection_get_selected_item (self->selection) != NULL)
    return;

  /* The first item of the default order (a stuck 1601 update, when
   * there is one), found without waiting for the incremental sort */
  {
    TfItem *best = NULL;
    guint best_pos = 0;

    for (guint i = 0; i < n; i++)
      {
        g_autoptr (TfItem) item = g_list_model_get_item (model, i);

        if (best == NULL || _tf_window_compare_default (item, best, NULL) < 0)
          {
            g_set_object (&best, item);
            best_pos = i;
          }
      }
    if (best != NULL && tf_item_get_n_problems (best) > 0)
      {
        gtk_single_selection_set_selected (self->selection, best_pos);
        _tf_window_list_scroll_when_sorted (self);
      }
    g_clear_object (&best);
  }
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
  if (error == NULL && !_tf_window_is_scanning (self))
    select_first_problem (self);
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
  update_list_page (self);
  schedule_meetings (self);
  _tf_window_schedule_summary (self);
  update_title (self);
}

static gboolean
on_drop_cb (TfWindow *self,
            const GValue *value,
            double x,
            double y,
            GtkDropTarget *target)
{
  GSList *list;
  g_autoptr (GPtrArray) files = NULL;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  list = g_value_get_boxed (value);
  files = g_ptr_array_new ();
  for (GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, l->data);

  if (files->len == 0)
    return FALSE;

  tf_window_open_files (self, (GFile **) files->pdata, files->len);

  return TRUE;
}

static void
on_local_time_changed_cb (TfWindow *self,
                          const char *key,
                          GSettings *settings)
{
  gboolean local = g_settings_get_boolean (settings, "use-local-time");

  tf_item_view_set_local_time (self->item_view, local);
  tf_meeting_view_set_local_time (self->meeting_view, local);
  /* The Sent column formats on bind: rebind the visible rows */
  gtk_column_view_set_model (self->items_view, NULL);
  gtk_column_view_set_model (self->items_view, GTK_SELECTION_MODEL (self->selection));
  gtk_column_view_set_model (self->meetings_view, NULL);
  gtk_column_view_set_model (self->meetings_view, GTK_SELECTION_MODEL (self->meeting_selection));
  _tf_window_schedule_summary (self);
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
  g_clear_handle_id (&self->summary_source, g_source_remove);
  g_clear_handle_id (&self->meetings_source, g_source_remove);

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
  GtkDropTarget *drop;

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
                           create_source_row_cb, self, NULL);
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

  /* Drag and drop of files and folders */
  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (drop, "drop", G_CALLBACK (on_drop_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));

  self->server_fix_page = tf_server_fix_page_new ();
  _tf_window_add_page (self, "server-fix", _ ("Server Fix"), "emblem-system-symbolic", self->server_fix_page);
  gtk_list_box_select_row (self->views_list, gtk_list_box_get_row_at_index (self->views_list, 0));

  _tf_window_actions_init (self);
  _tf_window_focus_init (self);
  g_signal_connect (self, "map", G_CALLBACK (tf_a11y_name_buttons), NULL);
  _tf_window_update_recent_menu (self);
  set_view (self, TF_WINDOW_VIEW_ALL, NULL);
  update_summary (self);
  update_progress (self);
}

/* Public and private API ----------------------------------------------------- */

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

static void
add_recent (TfWindow *self,
            GFile *file)
{
  g_auto (GStrv) recent = g_settings_get_strv (self->settings, "recent-sources");
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) updated = NULL;
  g_autofree char *uri = g_file_get_uri (file);
  guint n = 1;

  g_strv_builder_add (builder, uri);
  for (guint i = 0; recent[i] != NULL && n < MAX_RECENT; i++)
    {
      if (!g_str_equal (recent[i], uri))
        {
          g_strv_builder_add (builder, recent[i]);
          n++;
        }
    }
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-sources", (const char *const *) updated);
  _tf_window_update_recent_menu (self);
}

/* A registry hive starts with "regf" (the base block signature) */
static gboolean
is_hive (GFile *file)
{
  g_autoptr (GFileInputStream) stream = NULL;
  char magic[4];
  gsize n_read = 0;

  if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_REGULAR)
    return FALSE;
  stream = g_file_read (file, NULL, NULL);
  if (stream == NULL)
    return FALSE;
  if (!g_input_stream_read_all (G_INPUT_STREAM (stream), magic, sizeof magic, &n_read, NULL, NULL))
    return FALSE;

  return n_read == sizeof magic && memcmp (magic, "regf", sizeof magic) == 0;
}

static void
select_view_row (TfWindow *self,
                 const char *name)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->views_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && g_strcmp0 (gtk_widget_get_name (row), name) == 0)
      gtk_list_box_select_row (self->views_list, GTK_LIST_BOX_ROW (row));
}

void
tf_window_open_files (TfWindow *self,
                      GFile **files,
                      guint n_files)
{
  guint n_sources;
  guint n_files_hives = 0;

  g_return_if_fail (TF_IS_WINDOW (self));
  g_return_if_fail (files != NULL || n_files == 0);

  for (guint i = 0; i < n_files; i++)
    {
      g_autoptr (TfScanSource) source = NULL;
      gboolean found = FALSE;

      if (is_hive (files[i]))
        {
          /* A SYSTEM hive is not mail: it goes to the Server Fix page */
          tf_server_fix_page_set_hive (TF_SERVER_FIX_PAGE (self->server_fix_page), files[i]);
          select_view_row (self, "server-fix");
          n_files_hives++;
          continue;
        }

      n_sources = g_list_model_get_n_items (G_LIST_MODEL (self->sources));
      for (guint j = 0; j < n_sources && !found; j++)
        {
          g_autoptr (TfScanSource) existing = g_list_model_get_item (G_LIST_MODEL (self->sources), j);

          if (g_file_equal (tf_scan_source_get_file (existing), files[i]))
            {
              /* Opening the same folder again means "look again" */
              tf_scan_source_scan (existing);
              found = TRUE;
            }
        }
      if (found)
        continue;

      source = tf_scan_source_new (files[i]);
      tf_scan_source_set_sort_func (source, _tf_window_compare_default);
      g_signal_connect_object (source, "notify::n-items", G_CALLBACK (on_source_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (source, "notify::n-files-done", G_CALLBACK (on_source_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (source, "notify::scanning", G_CALLBACK (on_source_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (source, "scan-finished", G_CALLBACK (on_source_scan_finished_cb), self, G_CONNECT_SWAPPED);

      g_list_store_append (self->sources, source);
      g_list_store_append (self->source_models, tf_scan_source_get_items (source));
      tf_scan_source_scan (source);
      tf_scan_source_set_watch (source, TRUE);
      add_recent (self, files[i]);
    }

  if (n_files_hives == n_files && n_files > 0)
    return;
  if (self->view != TF_WINDOW_VIEW_PAGE)
    adw_view_stack_set_visible_child_name (self->main_stack, "browser");
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "content");
  update_title (self);
  update_progress (self);
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
  n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TfScanSource) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);
      guint position;

      if (g_list_store_find (G_LIST_STORE (tf_scan_source_get_items (source)), item, &position))
        {
          g_list_store_splice (G_LIST_STORE (tf_scan_source_get_items (source)), position, 1,
                               (gpointer *) &item, 1);
          break;
        }
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

  return self->all_source != NULL && tf_scan_source_get_scanning (self->all_source);
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

void
_tf_window_update_recent_menu (TfWindow *self)
{
  g_auto (GStrv) recent = NULL;

  g_return_if_fail (TF_IS_WINDOW (self));

  recent = g_settings_get_strv (self->settings, "recent-sources");
  g_menu_remove_all (self->recent_section);
  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autoptr (GFile) file = g_file_new_for_uri (recent[i]);
      g_autofree char *name = g_file_get_parse_name (file);
      g_auto (GStrv) parts = NULL;
      g_autofree char *label = NULL;
      g_autoptr (GMenuItem) item = NULL;

      /* A local folder that is gone (deleted, an unplugged disk) is not
       * offered; remote ones are not probed (that could block) */
      if (g_file_is_native (file) && !g_file_query_exists (file, NULL))
        continue;
      /* Menu labels take "_" as a mnemonic: double it to show it */
      parts = g_strsplit (name, "_", -1);
      label = g_strjoinv ("__", parts);
      item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "win.open-recent", g_variant_new_string (recent[i]));
      g_menu_append_item (self->recent_section, item);
    }
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
  GListModel *model;
  GListStore *store;
  g_autoptr (GPtrArray) items = NULL;
  guint n;

  g_return_val_if_fail (TF_IS_WINDOW (self), NULL);

  model = G_LIST_MODEL (self->filter_model);
  n = g_list_model_get_n_items (model);
  items = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_list_model_get_item (model, i));

  store = g_list_store_new (TF_TYPE_ITEM);
  g_list_store_splice (store, 0, 0, items->pdata, items->len);

  return store;
}
