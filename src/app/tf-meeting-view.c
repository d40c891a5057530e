/* tf-meeting-view.c — one meeting: an attendee table consolidated from all copies
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "Trackfix"

#include "config.h"

#include <glib/gi18n.h>

#include "tf-cells-private.h"
#include "tf-columns-private.h"
#include "tf-filetime.h"
#include "tf-labels-private.h"
#include "tf-meeting-view.h"

struct _TfMeetingView
{
  GtkWidget parent_instance;

  /* Template Widgets */
  GtkScrolledWindow *attendees_scroller;
  GtkColumnView *attendees_view;
  GtkLabel *counts_label;
  GtkListBox *copies_list;
  GtkLabel *key_label;
  GtkLabel *organizer_label;
  GtkLabel *subject_label;

  /* Owned References */
  TfMeeting *meeting;
  GListModel *attendees;

  guint local_time : 1;
};

G_DEFINE_FINAL_TYPE (TfMeetingView, tf_meeting_view, GTK_TYPE_WIDGET)

static char *
attendee_name_text (gpointer item,
                    gpointer user_data)
{
  return g_strdup (tf_meeting_attendee_get_name (item));
}

static char *
attendee_display_text (gpointer item,
                       gpointer user_data)
{
  const char *name = tf_meeting_attendee_get_name (item);

  if (name != NULL && *name != '\0')
    return g_strdup_printf ("%s <%s>", name, tf_meeting_attendee_get_address (item));

  return g_strdup (tf_meeting_attendee_get_address (item));
}

static char *
attendee_address_text (gpointer item,
                       gpointer user_data)
{
  return g_strdup (tf_meeting_attendee_get_address (item));
}

static char *
response_text (gpointer item,
               gpointer user_data)
{
  const char *label = tf_track_status_get_label (tf_meeting_attendee_get_response (item));

  return g_strdup (label != NULL ? label : "—");
}

static char *
reply_time_text (gpointer item,
                 gpointer user_data)
{
  TfMeetingView *self = user_data;

  if (!tf_meeting_attendee_get_has_reply (item))
    return g_strdup (_ ("No reply"));

  return tf_labels_format_unix (tf_meeting_attendee_get_reply_time (item), self->local_time);
}

/* Below the response: when the reply was sent, and whether it lacked the
 * critical-change stamp (a column of its own left the reason of a 1601
 * time no room at 1366 pixels) */
static char *
reply_text (gpointer item,
            gpointer user_data)
{
  g_autofree char *time = reply_time_text (item, user_data);

  if (!tf_meeting_attendee_get_has_reply (item) || tf_meeting_attendee_get_reply_has_critical_change (item))
    return g_steal_pointer (&time);

  return g_strdup_printf ("%s\n%s", time, tf_labels_finding_short (TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE));
}

static char *
reply_tooltip (gpointer item,
               gpointer user_data)
{
  if (!tf_meeting_attendee_get_has_reply (item) || tf_meeting_attendee_get_reply_has_critical_change (item))
    return NULL;

  return g_strdup (tf_finding_code_get_row_reason (TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE));
}

static char *
track_time_text (gpointer item,
                 gpointer user_data)
{
  TfMeetingView *self = user_data;
  g_autofree char *time = NULL;
  guint64 filetime;
  TfTimeClass klass;

  if (!tf_meeting_attendee_get_has_track_time (item))
    return g_strdup ("—");

  filetime = tf_meeting_attendee_get_track_time (item);
  time = tf_filetime_format_display (filetime, self->local_time);
  klass = tf_filetime_classify (filetime);
  if (klass == TF_TIME_CLASS_ZERO)
    return g_strdup_printf ("%s — %s", time, tf_finding_code_get_row_reason (TF_FINDING_TRACK_TIME_1601));
  if (klass == TF_TIME_CLASS_PRE_1900)
    return g_strdup_printf ("%s — %s", time, tf_finding_code_get_row_reason (TF_FINDING_TRACK_TIME_PRE_1900));

  return g_steal_pointer (&time);
}

static char *
track_time_tooltip (gpointer item,
                    gpointer user_data)
{
  g_autofree char *hex = NULL;

  if (!tf_meeting_attendee_get_has_track_time (item))
    return NULL;

  hex = tf_filetime_format_hex (tf_meeting_attendee_get_track_time (item));
  /* Same text as the item view's (tf-item-view.c) */
  return g_strdup_printf (_ ("PR_RECIPIENT_TRACKSTATUS_TIME (0x5FFB0040) = %s"), hex);
}

static const char *
track_time_icon (gpointer item,
                 gpointer user_data,
                 char **tooltip,
                 const char **css_class)
{
  TfTimeClass klass;

  if (!tf_meeting_attendee_get_has_track_time (item))
    return NULL;

  klass = tf_filetime_classify (tf_meeting_attendee_get_track_time (item));
  if (klass != TF_TIME_CLASS_ZERO && klass != TF_TIME_CLASS_PRE_1900)
    return NULL;

  *tooltip = g_strdup (tf_finding_code_get_title (klass == TF_TIME_CLASS_ZERO ? TF_FINDING_TRACK_TIME_1601
                                                                              : TF_FINDING_TRACK_TIME_PRE_1900));
  *css_class = "error";

  return "dialog-warning-symbolic";
}

static char *
ndr_text (gpointer item,
          gpointer user_data)
{
  const char *status = tf_meeting_attendee_get_ndr_status (item);

  return g_strdup (status != NULL ? status : "—");
}

static const char *
ndr_icon (gpointer item,
          gpointer user_data,
          char **tooltip,
          const char **css_class)
{
  if (tf_meeting_attendee_get_ndr_status (item) == NULL)
    return NULL;

  *tooltip = g_strdup (_ ("A delivery status notification reports this attendee"));
  *css_class = "warning";

  return "mail-mark-junk-symbolic";
}

/* Copies ------------------------------------------------------------------
 *
 * Where each item of the meeting is: the stuck update in the queue next
 * to the organizer's calendar item in a PST that causes it. */

#define MAX_COPY_ROWS 50

/* "anna.pst › /Top of Personal Folders/Calendar", or the file's path ("~" for the home folder) */
static char *
copy_location (TfItem *item)
{
  g_autofree char *file = NULL;

  if (tf_item_get_folder (item) == NULL)
    return tf_labels_display_path (tf_item_get_path (item));
  file = g_path_get_basename (tf_item_get_file_path (item));
  /* Translators: where a message of a PST/OST file is: file name, then its folder */
  return g_strdup_printf (C_ ("copy location", "%s › %s"), file, tf_item_get_folder (item));
}

static GtkWidget *
copy_row (TfItem *item)
{
  GtkWidget *row = adw_action_row_new ();
  const char *subject = tf_item_get_subject (item);
  g_autofree char *location = copy_location (item);
  g_autofree char *title = NULL;
  g_autofree char *escaped = NULL;
  TfFinding *worst = tf_labels_worst_finding (item);

  /* Translators: a copy of a meeting: its kind, then its format ("Calendar item · Outlook PST") */
  title = g_markup_printf_escaped (C_ ("copy", "%s · %s"), tf_labels_item_kind (item),
                                   tf_format_get_label (tf_item_get_format (item)));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  escaped = g_markup_escape_text (location, -1);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  gtk_widget_set_tooltip_text (row, subject != NULL ? subject : NULL);
  if (worst != NULL && tf_finding_get_severity (worst) >= TF_SEVERITY_WARNING)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name (tf_labels_severity_icon (tf_finding_get_severity (worst)));
      const char *words = tf_labels_finding_short (tf_finding_get_code (worst));

      gtk_widget_add_css_class (icon, tf_labels_severity_class (tf_finding_get_severity (worst)));
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      words != NULL ? words : "", -1);
      gtk_widget_set_tooltip_text (icon, words);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
    }
  return row;
}

static void
update_copies (TfMeetingView *self)
{
  GListModel *items = self->meeting != NULL ? tf_meeting_get_items (self->meeting) : NULL;
  guint n = items != NULL ? g_list_model_get_n_items (items) : 0;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->copies_list))) != NULL)
    gtk_list_box_remove (self->copies_list, child);
  for (guint i = 0; i < n && i < MAX_COPY_ROWS; i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (items, i);

      gtk_list_box_append (self->copies_list, copy_row (item));
    }
  if (n > MAX_COPY_ROWS)
    {
      GtkWidget *more = adw_action_row_new ();
      g_autofree char *text = NULL;

      /* Translators: last row of a long list; %u is how many are not shown */
      text = g_strdup_printf (ngettext ("…and %u more", "…and %u more", n - MAX_COPY_ROWS), n - MAX_COPY_ROWS);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (more), text);
      gtk_list_box_append (self->copies_list, more);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->copies_list), n > 0);
}

static void
update (TfMeetingView *self)
{
  g_autoptr (GtkSelectionModel) selection = NULL;
  g_autofree char *counts = NULL;
  g_autofree char *copies = NULL;
  g_autofree char *replies = NULL;
  g_autofree char *stuck = NULL;
  const char *subject;

  g_clear_object (&self->attendees);
  update_copies (self);

  if (self->meeting == NULL)
    {
      gtk_column_view_set_model (self->attendees_view, NULL);
      return;
    }

  subject = tf_meeting_get_subject (self->meeting);
  gtk_label_set_text (self->subject_label, subject != NULL && *subject != '\0' ? subject : _ ("(no subject)"));
  gtk_label_set_text (self->organizer_label, tf_meeting_get_organizer (self->meeting) ?: "—");
  gtk_label_set_text (self->key_label, tf_meeting_get_key (self->meeting));

  copies = g_strdup_printf (ngettext ("%u copy", "%u copies", tf_meeting_get_n_copies (self->meeting)),
                            tf_meeting_get_n_copies (self->meeting));
  replies = g_strdup_printf (ngettext ("%u reply", "%u replies", tf_meeting_get_n_replies (self->meeting)),
                             tf_meeting_get_n_replies (self->meeting));
  stuck = g_strdup_printf (ngettext ("%u stuck update", "%u stuck updates", tf_meeting_get_n_stuck (self->meeting)),
                           tf_meeting_get_n_stuck (self->meeting));
  /* Translators: "3 copies · 2 replies · 1 stuck update" */
  counts = g_strdup_printf (_ ("%s · %s · %s"), copies, replies, stuck);
  gtk_label_set_text (self->counts_label, counts);

  self->attendees = tf_meeting_dup_attendees (self->meeting);
  /* List views ask for little height, and not for rows that wrap until
   * they have a width: size the table for its first 14 rows (two lines
   * of about 44 px; a stuck time's reason wraps to up to two more) */
  {
    guint n = MIN (g_list_model_get_n_items (self->attendees), 14);
    int height = 40;

    for (guint i = 0; i < n; i++)
      {
        g_autoptr (TfMeetingAttendee) attendee = g_list_model_get_item (self->attendees, i);
        TfTimeClass klass = tf_meeting_attendee_get_has_track_time (attendee)
                                ? tf_filetime_classify (tf_meeting_attendee_get_track_time (attendee))
                                : TF_TIME_CLASS_OK;

        /* names and addresses wrap in a narrow pane: up to three lines */
        height += 64;
        if (klass == TF_TIME_CLASS_ZERO || klass == TF_TIME_CLASS_PRE_1900)
          height += 40;
      }
    gtk_scrolled_window_set_min_content_height (self->attendees_scroller, height);
  }
  selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (self->attendees)));
  gtk_column_view_set_model (self->attendees_view, selection);
}

static void
tf_meeting_view_dispose (GObject *object)
{
  GtkWidget *child;
  TfMeetingView *self = (TfMeetingView *) object;

  if (self->attendees_view != NULL)
    gtk_column_view_set_model (self->attendees_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TF_TYPE_MEETING_VIEW);
  /* The template's root box has no id: unparent it ourselves */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->meeting);
  g_clear_object (&self->attendees);

  G_OBJECT_CLASS (tf_meeting_view_parent_class)->dispose (object);
}

static void
tf_meeting_view_class_init (TfMeetingViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tf_meeting_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/ui/tf-meeting-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TfMeetingView, attendees_scroller);
  gtk_widget_class_bind_template_child (widget_class, TfMeetingView, attendees_view);
  gtk_widget_class_bind_template_child (widget_class, TfMeetingView, counts_label);
  gtk_widget_class_bind_template_child (widget_class, TfMeetingView, copies_list);
  gtk_widget_class_bind_template_child (widget_class, TfMeetingView, key_label);
  gtk_widget_class_bind_template_child (widget_class, TfMeetingView, organizer_label);
  gtk_widget_class_bind_template_child (widget_class, TfMeetingView, subject_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tf_meeting_view_init (TfMeetingView *self)
{
  GtkColumnView *view;

  gtk_widget_init_template (GTK_WIDGET (self));

  view = self->attendees_view;
  /* Attendee and time grow their row rather than cut the reason off */
  tf_cells_add_two_line_column (view, "attendee", _ ("Attendee"),
                                attendee_name_text, attendee_address_text, attendee_display_text,
                                10, 26, self);
  /* The response, and below it when the reply was sent and whether it
   * lacked the critical-change stamp */
  tf_cells_add_two_line_column (view, "response", _ ("Latest Response"),
                                response_text, reply_text, reply_tooltip,
                                15, 19, self);
  /* The organizer's copy: said in the tooltip, the header stays short */
  tf_cells_add_wrap_column (view, "track-time", _ ("Track-Status Time"),
                            track_time_text, track_time_tooltip, track_time_icon,
                            14, 40, self);
  /* Translators: column: non-delivery report status for the attendee */
  tf_column_view_add_text_column (view, "ndr", _ ("NDR"),
                                  ndr_text, NULL, ndr_icon, NULL, FALSE, 5, self);
  tf_column_view_setup_headers (view);
}

TfMeeting *
tf_meeting_view_get_meeting (TfMeetingView *self)
{
  g_return_val_if_fail (TF_IS_MEETING_VIEW (self), NULL);
  return self->meeting;
}

void
tf_meeting_view_set_meeting (TfMeetingView *self,
                             TfMeeting *meeting)
{
  g_return_if_fail (TF_IS_MEETING_VIEW (self));
  g_return_if_fail (!meeting || TF_IS_MEETING (meeting));

  if (g_set_object (&self->meeting, meeting))
    update (self);
}

void
tf_meeting_view_set_local_time (TfMeetingView *self,
                                gboolean local_time)
{
  g_return_if_fail (TF_IS_MEETING_VIEW (self));

  if (self->local_time != !!local_time)
    {
      self->local_time = !!local_time;
      update (self);
    }
}

GListModel *
tf_meeting_view_get_attendees (TfMeetingView *self)
{
  g_return_val_if_fail (TF_IS_MEETING_VIEW (self), NULL);
  return self->attendees;
}
