/* tf-window-list.c — the item and meeting lists: columns, order, the sort
 * menu, and keeping the selection while the lists change
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "Trackfix"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tf-columns-private.h"
#include "tf-labels-private.h"
#include "tf-list-order.h"
#include "tf-meetings.h"
#include "tf-window-private.h"

/* Item columns --------------------------------------------------------------
 *
 * Three columns that fit beside the item view at 1366 × 768 in every
 * language: the worst finding as a few words, the message in two lines
 * (subject; sender and file name) and the sent time in two lines (date;
 * time), as mail clients do. Everything else is in the item view. A
 * fourth, Folder, joins them only for a scope of PST/OST items
 * (tf-window-pst.c). */

static char *
item_problem_text (gpointer item,
                   gpointer user_data)
{
  TfFinding *worst = tf_labels_worst_finding (item);

  if (worst == NULL || tf_finding_get_severity (worst) == TF_SEVERITY_INFO)
    return NULL;

  return g_strdup (tf_labels_finding_short (tf_finding_get_code (worst)));
}

/* Which attendees are affected, one finding a line */
static char *
item_problem_tooltip (gpointer item,
                      gpointer user_data)
{
  g_autoptr (GString) tooltip = NULL;
  guint n = tf_item_get_n_findings (item);
  guint shown = 0;

  if (n == 0)
    return NULL;

  tooltip = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    {
      TfFinding *finding = tf_item_get_finding (item, i);
      const char *recipient = tf_finding_get_recipient (finding);
      const char *title = tf_finding_code_get_title (tf_finding_get_code (finding));

      if (shown == 8)
        {
          g_string_append_c (tooltip, '\n');
          /* Translators: tooltip, after the first 8 findings of an item */
          g_string_append_printf (tooltip, ngettext ("… and %u more", "… and %u more", n - shown), n - shown);
          break;
        }
      if (tooltip->len > 0)
        g_string_append_c (tooltip, '\n');
      if (recipient != NULL && *recipient != '\0')
        /* Translators: tooltip line in the item list: finding, then the affected attendee */
        g_string_append_printf (tooltip, C_ ("finding tooltip", "%s: %s"), title, recipient);
      else
        g_string_append (tooltip, title);
      shown++;
    }

  return g_string_free (g_steal_pointer (&tooltip), FALSE);
}

static const char *
item_status_icon (gpointer item,
                  gpointer user_data,
                  char **tooltip,
                  const char **css_class)
{
  TfSeverity severity;

  if (tf_item_get_n_problems (item) == 0)
    return NULL;

  severity = tf_item_get_max_severity (item);
  *tooltip = item_problem_tooltip (item, user_data);
  *css_class = tf_labels_severity_class (severity);

  return tf_labels_severity_icon (severity);
}

static char *
item_subject_text (gpointer item,
                   gpointer user_data)
{
  const char *subject = tf_item_get_subject (item);

  /* A damaged file has no subject: name the file and say what is wrong,
   * so several damaged files in one queue can be told apart */
  if ((subject == NULL || *subject == '\0') && tf_item_has_finding (item, TF_FINDING_PARSE_ERROR))
    {
      g_autofree char *base = g_path_get_basename (tf_item_get_path (item));

      /* Translators: list entry for a file that cannot be read; %s is its file name */
      return g_strdup_printf (_ ("%s (cannot be read)"), base);
    }
  if (subject == NULL || *subject == '\0')
    /* Translators: list entry for a message without a subject */
    return g_strdup (_ ("(no subject)"));

  return g_strdup (subject);
}

/* The sender's name ("Ken Myer", not "Ken Myer <ken.myer@…>"), else the
 * file name (not the start of a long path); both are in the tooltip */
static char *
item_sender_text (TfItem *item)
{
  const char *from = tf_item_get_from (item);

  if (from == NULL || *from == '\0')
    return g_path_get_basename (tf_item_get_path (item));

  return tf_labels_display_name (from);
}

/* The second line: who sent it, the worst finding in a few words, and
 * the file name or folder (copies of one update differ only there) */
static char *
item_second_text (gpointer item,
                  gpointer user_data)
{
  g_autofree char *sender = item_sender_text (item);
  g_autofree char *problem = item_problem_text (item, user_data);
  g_autofree char *location = _tf_window_pst_location (user_data, item);
  g_autofree char *first = NULL;

  if (problem == NULL)
    first = g_steal_pointer (&sender);
  else
    /* Translators: second line of a list row: sender, then the worst problem ("1601 track time") */
    first = g_strdup_printf (C_ ("list row", "%s — %s"), sender, problem);
  /* Without a sender, the first part is the file name already */
  if (location == NULL || tf_item_get_from (item) == NULL || *tf_item_get_from (item) == '\0')
    return g_steal_pointer (&first);

  /* Translators: second line of a list row: the above, then the file name
   * (or, for a message in a PST/OST file, its folder) */
  return g_strdup_printf (C_ ("list row", "%s · %s"), first, location);
}

/* Subject, sender, file, and the findings with the attendees they
 * concern */
static char *
item_message_tooltip (gpointer item,
                      gpointer user_data)
{
  g_autofree char *subject = item_subject_text (item, user_data);
  g_autofree char *findings = item_problem_tooltip (item, user_data);
  const char *from = tf_item_get_from (item);
  GString *tooltip = g_string_new (subject);

  if (from != NULL && *from != '\0')
    g_string_append_printf (tooltip, "\n%s", from);
  g_string_append_printf (tooltip, "\n%s", tf_item_get_path (item));
  if (findings != NULL)
    g_string_append_printf (tooltip, "\n\n%s", findings);

  return g_string_free (tooltip, FALSE);
}

/* What a screen reader says for a row: subject, then the status */
static char *
item_row_name (gpointer item,
               gpointer user_data)
{
  g_autofree char *subject = item_subject_text (item, user_data);
  g_autofree char *problem = item_problem_text (item, user_data);

  if (problem == NULL)
    /* Translators: screen reader name of a list row without problems; %s is the subject */
    return g_strdup_printf (_ ("%s, no problems"), subject);

  /* Translators: screen reader name of a list row: subject, then the severity and the worst problem */
  return g_strdup_printf (C_ ("row name", "%s, %s: %s"), subject,
                          tf_severity_get_label (tf_item_get_max_severity (item)), problem);
}

/* "2026-11-24 09:30:00": the date on the first line, the time below */
static char *
format_sent (TfWindow *self,
             gint64 sent,
             gboolean time_part)
{
  g_autofree char *text = tf_labels_format_unix (sent, g_settings_get_boolean (self->settings, "use-local-time"));
  char *space = strchr (text, ' ');

  if (space == NULL)
    return time_part ? NULL : g_steal_pointer (&text);

  return time_part ? g_strdup (space + 1) : g_strndup (text, space - text);
}

static char *
item_sent_date (gpointer item,
                gpointer user_data)
{
  return format_sent (user_data, tf_item_get_sent (item), FALSE);
}

static char *
item_sent_time (gpointer item,
                gpointer user_data)
{
  return format_sent (user_data, tf_item_get_sent (item), TRUE);
}

/* Getters for the columns' sorters (GtkCClosureExpression: instance
 * first). The headers need a sorter to be clickable and show the arrow;
 * the list is put in order by tf-list-order.c in the same order
 * (tf_list_order_compare()). */
static char *
sort_subject (TfItem *item,
              gpointer data)
{
  /* GtkStringSorter (4.8) cannot casefold NULL */
  return g_strdup (tf_item_get_subject (item) ?: "");
}

static gint64
sort_sent (TfItem *item,
           gpointer data)
{
  return tf_item_get_sent (item);
}

/* Ascending: the KB 938650 cases first, then other errors, warnings and
 * healthy items, so the first click on the column puts errors first */
static guint
sort_severity (TfItem *item,
               gpointer data)
{
  return 5 - tf_labels_item_rank (item);
}

static void
setup_item_columns (TfWindow *self)
{
  GtkColumnView *view = self->items_view;
  GtkColumnViewColumn *column;

  /* An icon with a tooltip; the words are on the message's second line,
   * so the subject keeps its room. The header is empty (the column is an
   * icon wide) but named for screen readers. */
  column = tf_column_view_add_text_column (view, "status", "", NULL, NULL, item_status_icon,
                                           tf_numeric_sorter_new (G_TYPE_UINT, G_CALLBACK (sort_severity)),
                                           FALSE, 0, self);
  gtk_column_view_column_set_fixed_width (column, 40);
  gtk_column_view_column_set_resizable (column, FALSE);
  /* Translators: screen reader name of the status column's header */
  tf_column_view_column_set_accessible_name (column, C_ ("column", "Problem"));
  /* Translators: column header: subject, sender and file of an item */
  column = tf_column_view_add_text_column (view, "subject", C_ ("column", "Message"),
                                           item_subject_text, item_message_tooltip, NULL,
                                           tf_string_sorter_new (G_CALLBACK (sort_subject)), TRUE, 22, self);
  tf_column_view_column_set_second_line (column, item_second_text, 60);
  tf_column_view_column_set_row_name (column, item_row_name);
  /* PST/OST items' folder (tf-window-pst.c), hidden without them */
  _tf_window_pst_add_folder_column (self);
  /* Translators: column header: when the item was sent */
  column = tf_column_view_add_text_column (view, "sent", C_ ("column", "Sent"), item_sent_date, NULL, NULL,
                                           tf_numeric_sorter_new (G_TYPE_INT64, G_CALLBACK (sort_sent)),
                                           FALSE, 10, self);
  tf_column_view_column_set_second_line (column, item_sent_time, 10);
  tf_column_view_setup_headers (view);
}

/* Meeting columns ------------------------------------------------------------ */

static char *
meeting_subject_text (gpointer item,
                      gpointer user_data)
{
  return g_strdup (tf_meeting_get_subject (item));
}

static char *
meeting_organizer_text (gpointer item,
                        gpointer user_data)
{
  return tf_labels_display_name (tf_meeting_get_organizer (item));
}

static char *
meeting_tooltip (gpointer item,
                 gpointer user_data)
{
  return g_strdup_printf ("%s\n%s", tf_meeting_get_subject (item) ?: "", tf_meeting_get_organizer (item) ?: "");
}

static char *
meeting_row_name (gpointer item,
                  gpointer user_data)
{
  guint n = tf_meeting_get_n_stuck (item);
  g_autofree char *stuck = NULL;

  if (n == 0)
    return g_strdup (tf_meeting_get_subject (item) ?: "");
  stuck = g_strdup_printf (ngettext ("%u update cannot be converted by Exchange 2003",
                                     "%u updates cannot be converted by Exchange 2003", n),
                           n);
  /* Translators: screen reader name of a meeting row: subject, then how many updates are stuck */
  return g_strdup_printf (C_ ("row name", "%s, %s"), tf_meeting_get_subject (item) ?: "", stuck);
}

static char *
meeting_stuck_text (gpointer item,
                    gpointer user_data)
{
  guint n = tf_meeting_get_n_stuck (item);

  return n > 0 ? g_strdup_printf ("%u", n) : NULL;
}

static const char *
meeting_stuck_icon (gpointer item,
                    gpointer user_data,
                    char **tooltip,
                    const char **css_class)
{
  guint n = tf_meeting_get_n_stuck (item);

  if (n == 0)
    return NULL;

  *tooltip = g_strdup_printf (ngettext ("%u update cannot be converted by Exchange 2003",
                                        "%u updates cannot be converted by Exchange 2003", n),
                              n);
  *css_class = "error";
  return "dialog-warning-symbolic";
}

static char *
meeting_last_date (gpointer item,
                   gpointer user_data)
{
  return format_sent (user_data, tf_meeting_get_last_sent (item), FALSE);
}

static char *
meeting_last_time (gpointer item,
                   gpointer user_data)
{
  return format_sent (user_data, tf_meeting_get_last_sent (item), TRUE);
}

static char *
sort_meeting_subject (TfMeeting *meeting,
                      gpointer data)
{
  return g_strdup (tf_meeting_get_subject (meeting) ?: "");
}

static guint
sort_meeting_stuck (TfMeeting *meeting,
                    gpointer data)
{
  /* Ascending puts the meetings with the most stuck updates first */
  return G_MAXUINT - tf_meeting_get_n_stuck (meeting);
}

static gint64
sort_meeting_last (TfMeeting *meeting,
                   gpointer data)
{
  return tf_meeting_get_last_sent (meeting);
}

static void
setup_meeting_columns (TfWindow *self)
{
  GtkColumnView *view = self->meetings_view;
  GtkColumnViewColumn *column;

  column = tf_column_view_add_text_column (view, "subject", _ ("Meeting"), meeting_subject_text, meeting_tooltip,
                                           NULL, tf_string_sorter_new (G_CALLBACK (sort_meeting_subject)), TRUE, 22, self);
  tf_column_view_column_set_second_line (column, meeting_organizer_text, 50);
  tf_column_view_column_set_row_name (column, meeting_row_name);
  /* Translators: column header: updates stuck because of a 1601 time */
  tf_column_view_add_text_column (view, "stuck", _ ("Stuck"), meeting_stuck_text, NULL, meeting_stuck_icon,
                                  tf_numeric_sorter_new (G_TYPE_UINT, G_CALLBACK (sort_meeting_stuck)),
                                  FALSE, 4, self);
  /* "Sent" is short in every language; screen readers hear "Last Sent" */
  column = tf_column_view_add_text_column (view, "last", C_ ("column", "Sent"), meeting_last_date, NULL, NULL,
                                           tf_numeric_sorter_new (G_TYPE_INT64, G_CALLBACK (sort_meeting_last)),
                                           FALSE, 10, self);
  tf_column_view_column_set_second_line (column, meeting_last_time, 10);
  tf_column_view_column_set_accessible_name (column, _ ("Last Sent"));
  tf_column_view_setup_headers (view);
}

/* Sort menu ------------------------------------------------------------------ */

static GtkColumnViewColumn *
find_column (GtkColumnView *view,
             const char *id)
{
  GListModel *columns = gtk_column_view_get_columns (view);
  guint n = g_list_model_get_n_items (columns);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (column), "tf-column-id"), id) == 0)
        return column; /* the view keeps it */
    }

  return NULL;
}

/* win.sort-by: "default", or a column id ("status", "subject", "sent");
 * win.sort-descending. Both apply to the item list and, where it has the
 * column, the meeting list; a click on a header of the item list moves
 * the menu's marks too (on_header_released_cb()). */
static void
apply_sort (TfWindow *self)
{
  g_autoptr (GVariant) by = g_action_group_get_action_state (G_ACTION_GROUP (self), "sort-by");
  g_autoptr (GVariant) desc = g_action_group_get_action_state (G_ACTION_GROUP (self), "sort-descending");
  const char *id = g_variant_get_string (by, NULL);
  GtkSortType order = g_variant_get_boolean (desc) ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING;
  GtkColumnView *views[] = { self->items_view, self->meetings_view };

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      GtkColumnViewColumn *column = find_column (views[i], g_str_equal (id, "status") && i == 1 ? "stuck" : id);

      /* GTK 4.8 updates the arrow of the new column only: the header
       * sorted by before kept its arrow. Clearing first resets them all
       * (the sort model restarts its sort; nothing runs in between). */
      gtk_column_view_sort_by_column (views[i], NULL, order);
      gtk_column_view_sort_by_column (views[i], column, order);
    }
}

/* A click on a header of the item list sorts by its column, ascending, or
 * reverses the order when the list was sorted by it already (GTK's rule,
 * gtk_column_view_sorter_add_column()). GTK 4.8 has no getter for the
 * column sorted by (gtk_column_view_sorter_get_primary_sort_column() is
 * 4.10), so the click is watched and the same rule moves the menu's
 * marks: the states are set directly, GTK sorts. */
static void
on_header_released_cb (GtkGestureClick *gesture,
                       int n_press,
                       double x,
                       double y,
                       TfWindow *self)
{
  GtkWidget *title = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  const char *id = g_object_get_data (G_OBJECT (title), "tf-column-id");
  GAction *by = g_action_map_lookup_action (G_ACTION_MAP (self), "sort-by");
  GAction *desc = g_action_map_lookup_action (G_ACTION_MAP (self), "sort-descending");
  g_autoptr (GVariant) by_state = g_action_get_state (by);
  g_autoptr (GVariant) desc_state = g_action_get_state (desc);
  gboolean descending = FALSE;

  if (id == NULL)
    return;
  if (g_str_equal (g_variant_get_string (by_state, NULL), id))
    descending = !g_variant_get_boolean (desc_state);
  else
    g_simple_action_set_state (G_SIMPLE_ACTION (by), g_variant_new_string (id));
  g_simple_action_set_state (G_SIMPLE_ACTION (desc), g_variant_new_boolean (descending));
}

/* The headers exist once the view is mapped: the first child of the
 * view, one title per visible column, in column order (as in
 * tf-columns.c) */
static void
watch_headers (TfWindow *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->items_view);
  GtkWidget *header = gtk_widget_get_first_child (GTK_WIDGET (self->items_view));
  GtkWidget *title = header != NULL ? gtk_widget_get_first_child (header) : NULL;

  for (guint i = 0; i < g_list_model_get_n_items (columns) && title != NULL;
       i++, title = gtk_widget_get_next_sibling (title))
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      GtkGesture *click;

      if (g_object_get_data (G_OBJECT (title), "tf-column-id") != NULL
          || gtk_column_view_column_get_sorter (column) == NULL)
        continue;
      g_object_set_data_full (G_OBJECT (title), "tf-column-id",
                              g_strdup (g_object_get_data (G_OBJECT (column), "tf-column-id")), g_free);
      /* Watching only: the header's own gesture (bubble phase) sorts */
      click = gtk_gesture_click_new ();
      gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
      gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
      gtk_event_controller_set_name (GTK_EVENT_CONTROLLER (click), "tf-header-click");
      g_signal_connect_object (click, "released", G_CALLBACK (on_header_released_cb), self, 0);
      gtk_widget_add_controller (title, GTK_EVENT_CONTROLLER (click));
    }
}

static void
change_sort_state_cb (GSimpleAction *action,
                      GVariant *value,
                      gpointer user_data)
{
  g_simple_action_set_state (action, value);
  apply_sort (user_data);
}

static void
toggle_descending_cb (GSimpleAction *action,
                      GVariant *param,
                      gpointer user_data)
{
  g_autoptr (GVariant) state = g_action_get_state (G_ACTION (action));

  g_simple_action_set_state (action, g_variant_new_boolean (!g_variant_get_boolean (state)));
  apply_sort (user_data);
}

/* Keeping the selection ------------------------------------------------------
 *
 * Repair and undo re-announce an item (its row is removed and added back),
 * a rescan replaces the whole store, a search re-filters: each can drop
 * the selection in GtkSingleSelection. The item the user chose is
 * remembered (and its path, for a rescan that made a new object for a
 * changed file) and selected again when it reappears; only the rows that
 * were added are looked at, so this stays linear at 100,000 items. */

/* While rows arrive, the list view keeps its scroll anchor on whatever
 * row was first then; once the sort settles, the first selection is
 * brought into view (only then: later rescans never scroll the list) */
static void
scroll_to_selected (TfWindow *self)
{
  guint position = gtk_single_selection_get_selected (self->selection);

  self->scroll_pending = FALSE;
  if (position != GTK_INVALID_LIST_POSITION)
    gtk_widget_activate_action (gtk_widget_get_last_child (GTK_WIDGET (self->items_view)),
                                "list.scroll-to-item", "u", position);
}

static gboolean
replacing_rows (TfWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TfScanSource) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);

      if (tf_scan_source_get_replacing_rows (source))
        return TRUE;
    }

  return FALSE;
}

static void
on_selection_changed_cb (TfWindow *self,
                         GParamSpec *pspec,
                         GtkSingleSelection *selection)
{
  TfItem *item = gtk_single_selection_get_selected_item (selection);

  /* A source swaps its rows for the same ones in a new order (a removal,
   * then an insertion): the item comes back at once, selected again by
   * on_filter_items_changed_cb(); the item view keeps it meanwhile. A
   * search or a view re-filters the same way: all rows go, and those that
   * match come back a frame at a time around it (tf-filter-store.c), the
   * item among them if it still matches; filtering_done_cb() empties the
   * view if it did not. Showing the item again costs ~12 ms. */
  if (item == NULL && (replacing_rows (self) || tf_filter_store_get_pending (self->filter_model) > 0))
    {
      _tf_window_actions_update (self);
      return;
    }
  if (item != NULL)
    {
      g_set_object (&self->kept_item, item);
      g_free (self->kept_path);
      self->kept_path = g_strdup (tf_item_get_path (item));
      self->kept_index = tf_item_get_mbox_index (item);
    }

  tf_item_view_set_item (self->item_view, item);
  if (self->view != TF_WINDOW_VIEW_MEETINGS)
    gtk_stack_set_visible_child_name (self->detail_stack, item != NULL ? "item" : "empty");
  _tf_window_actions_update (self);
}

/* The filter store keeps this row in view across a filter change */
static guint
selected_row (gpointer user_data)
{
  TfWindow *self = user_data;

  return gtk_single_selection_get_selected (self->selection);
}

static void
on_filter_items_changed_cb (TfWindow *self,
                            guint position,
                            guint removed,
                            guint added,
                            GListModel *model)
{
  guint found = GTK_INVALID_LIST_POSITION;
  guint selected = gtk_single_selection_get_selected (self->selection);
  /* A filter change replaced the rows with the few around the selected
   * one (tf-filter-store.c): it is brought into view while there are few,
   * as the list builds widgets only around what it shows */
  gboolean refilling = tf_filter_store_is_refilling (self->filter_model);

  _tf_window_schedule_summary (self);

  if (refilling && selected != GTK_INVALID_LIST_POSITION)
    scroll_to_selected (self);

  if (self->kept_path == NULL || selected != GTK_INVALID_LIST_POSITION)
    return;

  for (guint i = position; i < position + added && found == GTK_INVALID_LIST_POSITION; i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (model, i);

      if (item == self->kept_item)
        found = i;
    }
  for (guint i = position; i < position + added && found == GTK_INVALID_LIST_POSITION; i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (model, i);

      if (g_str_equal (tf_item_get_path (item), self->kept_path) && tf_item_get_mbox_index (item) == self->kept_index)
        found = i;
    }

  if (found == GTK_INVALID_LIST_POSITION)
    return;
  gtk_single_selection_set_selected (self->selection, found);
  /* Its rows put in a new order, or a filter change brought it back
   * among the few rows around it: the item stays in view */
  if (replacing_rows (self) || refilling)
    scroll_to_selected (self);
}

/* The filter has looked at every row: an item kept in the item view
 * while it ran (on_selection_changed_cb()) that no longer matches goes */
static void
filtering_done_cb (TfWindow *self,
                   GParamSpec *pspec,
                   TfFilterStore *model)
{
  if (tf_filter_store_get_pending (model) > 0 || replacing_rows (self)
      || gtk_single_selection_get_selected_item (self->selection) != NULL
      || tf_item_view_get_item (self->item_view) == NULL)
    return;

  tf_item_view_set_item (self->item_view, NULL);
  if (self->view != TF_WINDOW_VIEW_MEETINGS)
    gtk_stack_set_visible_child_name (self->detail_stack, "empty");
  _tf_window_actions_update (self);
}

static void
on_meeting_selection_changed_cb (TfWindow *self,
                                 GParamSpec *pspec,
                                 GtkSingleSelection *selection)
{
  TfMeeting *meeting = gtk_single_selection_get_selected_item (selection);

  tf_meeting_view_set_meeting (self->meeting_view, meeting);
  if (self->view == TF_WINDOW_VIEW_MEETINGS)
    gtk_stack_set_visible_child_name (self->detail_stack, meeting != NULL ? "meeting" : "empty");
}

static gboolean
sorted (TfWindow *self)
{
  return !self->streaming && gtk_sort_list_model_get_pending (self->sort_model) == 0;
}

/* The first item of the order, when it has a problem (a stuck 1601
 * update, when there is one) — once the order is there: a walk of
 * 100,000 rows to find it would stall the main loop */
static void
select_first (TfWindow *self)
{
  g_autoptr (TfItem) first = NULL;

  self->select_pending = FALSE;
  if (gtk_single_selection_get_selected_item (self->selection) != NULL)
    return;
  first = g_list_model_get_item (G_LIST_MODEL (self->selection), 0);
  if (first != NULL && tf_item_get_n_problems (first) > 0)
    {
      gtk_single_selection_set_selected (self->selection, 0);
      scroll_to_selected (self);
    }
}

static void
on_sort_pending_cb (TfWindow *self,
                    GParamSpec *pspec,
                    GtkSortListModel *model)
{
  if (!sorted (self))
    return;
  if (self->select_pending)
    select_first (self);
  if (self->scroll_pending)
    scroll_to_selected (self);
}

void
_tf_window_list_select_first (TfWindow *self)
{
  self->select_pending = TRUE;
  if (sorted (self))
    select_first (self);
}

/* The column view's sorter changed (a header click, the sort menu): the
 * order comes from the sort menu's state, which follows header clicks
 * (on_header_released_cb() runs first), as GTK 4.8 has no getter for the
 * column sorted by. Each source puts its store in the new order (merged
 * again while a first scan streams, else sorted on a worker thread). */
static void
on_order_changed_cb (TfWindow *self,
                     GtkSorterChange change,
                     GtkSorter *sorter)
{
  g_autoptr (GVariant) by = g_action_group_get_action_state (G_ACTION_GROUP (self), "sort-by");
  g_autoptr (GVariant) desc = g_action_group_get_action_state (G_ACTION_GROUP (self), "sort-descending");
  TfListOrder order;
  guint n;

  if (by == NULL || desc == NULL)
    return;
  tf_list_order_init (&order, g_variant_get_string (by, NULL), g_variant_get_boolean (desc));
  if (tf_list_order_equal (&order, &self->order))
    return;

  self->order = order;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TfScanSource) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);

      tf_scan_source_set_order (source, &self->order);
    }
  gtk_sorter_changed (self->sorter, GTK_SORTER_CHANGE_DIFFERENT);
}

void
_tf_window_list_add_source (TfWindow *self,
                            TfScanSource *source)
{
  tf_scan_source_set_order (source, &self->order);
}

gboolean
_tf_window_list_is_sorting (TfWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));

  if (gtk_sort_list_model_get_pending (self->sort_model) > 0)
    return TRUE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TfScanSource) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);

      if (tf_scan_source_get_reordering (source))
        return TRUE;
    }

  return FALSE;
}

void
_tf_window_list_release_sources (TfWindow *self)
{
  guint n;

  if (self->sources == NULL)
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TfScanSource) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);

      tf_scan_source_set_order (source, NULL);
    }
}

/* Any item that changes in place (a repair, an undo) makes the cells
 * format their texts again on their next bind (tf-columns.c) */
static gboolean
item_changed_hook (GSignalInvocationHint *hint,
                   guint n_param_values,
                   const GValue *param_values,
                   gpointer user_data)
{
  tf_column_view_invalidate_cells ();
  return TRUE;
}

/* Setup ---------------------------------------------------------------------- */

void
_tf_window_list_init (TfWindow *self)
{
  g_autoptr (GSimpleAction) sort_by = NULL;
  g_autoptr (GSimpleAction) sort_desc = NULL;
  static gsize hooked;

  /* Items: flatten → sort (several sources only) → filter → selection */
  if (g_once_init_enter (&hooked))
    {
      g_type_class_unref (g_type_class_ref (TF_TYPE_ITEM));
      g_signal_add_emission_hook (g_signal_lookup ("changed", TF_TYPE_ITEM), 0, item_changed_hook, NULL, NULL);
      g_once_init_leave (&hooked, 1);
    }
  setup_item_columns (self);
  tf_list_order_init (&self->order, "default", FALSE);
  self->sorter = GTK_SORTER (gtk_custom_sorter_new (tf_list_order_compare, &self->order, NULL));
  g_signal_connect_object (gtk_column_view_get_sorter (self->items_view), "changed",
                           G_CALLBACK (on_order_changed_cb), self, G_CONNECT_SWAPPED);
  self->sort_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->all_items)), NULL);
  gtk_sort_list_model_set_incremental (self->sort_model, TRUE);
  g_signal_connect_object (self->sort_model, "notify::pending", G_CALLBACK (on_sort_pending_cb), self, G_CONNECT_SWAPPED);
  self->filter = gtk_custom_filter_new (NULL, NULL, NULL);
  /* Filtered by a store that gives the list new rows a frame at a time
   * (GTK 4.8 builds a widget for each, see tf-filter-store.c), around the
   * selected row */
  self->filter_model = tf_filter_store_new (G_LIST_MODEL (self->sort_model), GTK_FILTER (self->filter));
  tf_filter_store_set_pacer (self->filter_model, GTK_WIDGET (self->items_view));
  tf_filter_store_set_focus_func (self->filter_model, selected_row, self);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filter_model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  /* Space (or a Ctrl+click) on the selected row must not empty the item
   * view: the selection only moves */
  gtk_single_selection_set_can_unselect (self->selection, FALSE);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (on_selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filter_model, "items-changed",
                           G_CALLBACK (on_filter_items_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filter_model, "notify::pending",
                           G_CALLBACK (filtering_done_cb), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->items_view, GTK_SELECTION_MODEL (self->selection));

  /* Meetings */
  setup_meeting_columns (self);
  self->meetings = g_list_store_new (TF_TYPE_MEETING);
  self->meeting_filter = gtk_custom_filter_new (_tf_window_filter_meeting, self, NULL);
  self->meeting_filter_model = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->meetings)),
                                                          g_object_ref (GTK_FILTER (self->meeting_filter)));
  self->meeting_sort_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->meeting_filter_model)),
                                                      g_object_ref (gtk_column_view_get_sorter (self->meetings_view)));
  self->meeting_selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->meeting_sort_model)));
  gtk_single_selection_set_autoselect (self->meeting_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->meeting_selection, FALSE);
  g_signal_connect_object (self->meeting_selection, "notify::selected-item",
                           G_CALLBACK (on_meeting_selection_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->meetings_view, GTK_SELECTION_MODEL (self->meeting_selection));
  self->meetings_dirty = TRUE;

  /* The sort menu (keyboard users cannot click a header) */
  sort_by = g_simple_action_new_stateful ("sort-by", G_VARIANT_TYPE_STRING, g_variant_new_string ("default"));
  g_signal_connect_object (sort_by, "change-state", G_CALLBACK (change_sort_state_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (sort_by));
  sort_desc = g_simple_action_new_stateful ("sort-descending", NULL, g_variant_new_boolean (FALSE));
  g_signal_connect_object (sort_desc, "activate", G_CALLBACK (toggle_descending_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (sort_desc));
  g_signal_connect_object (self->items_view, "map", G_CALLBACK (watch_headers), self, G_CONNECT_SWAPPED);
}

/* Each source keeps its store in the list's order (tf-list-order.c,
 * tf-scan-source.c: merged while a first scan streams, sorted on a worker
 * thread after a rescan or a change of order), so one source's rows — a
 * selected source, or the only one — need no sort model: GTK 4.8's keys
 * and sorts all rows on the main thread whenever its sorter is set
 * (80–120 ms at 100,000 rows). Only All Sources with several sources
 * interleaves their stores with the sort model, once no first scan
 * streams rows any more (a sorted model re-merges every arriving batch
 * into all rows sorted so far). */
void
_tf_window_list_update_order (TfWindow *self,
                              gboolean streaming)
{
  gboolean attach = !streaming && self->current_source == NULL
                    && g_list_model_get_n_items (G_LIST_MODEL (self->sources)) > 1;

  self->streaming = !!streaming;
  if (self->sort_attached != attach)
    {
      self->sort_attached = attach;
      gtk_sort_list_model_set_sorter (self->sort_model, attach ? self->sorter : NULL);
    }
  on_sort_pending_cb (self, NULL, self->sort_model);
}

void
_tf_window_list_dispose (TfWindow *self)
{
  g_clear_object (&self->sorter);
  g_clear_object (&self->kept_item);
  g_clear_pointer (&self->kept_path, g_free);
}
