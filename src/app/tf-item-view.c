/* tf-item-view.c — the right pane: one item's summary, recipients, findings, raw
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
#include "tf-item-view.h"
#include "tf-labels-private.h"
#include "tf-raw.h"

struct _TfItemView
{
  GtkWidget parent_instance;

  /* Template Widgets */
  GtkBox *action_box;
  GtkLabel *file_label;
  GtkListBox *findings_list;
  GtkLabel *findings_heading;
  GtkLabel *folder_label;
  GtkWidget *folder_title;
  GtkLabel *format_label;
  GtkLabel *from_label;
  GtkLabel *kind_label;
  GtkWidget *ost_note;
  GtkTextView *raw_text_view;
  GtkSpinner *raw_spinner;
  GtkScrolledWindow *recipients_scroller;
  GtkColumnView *recipients_view;
  GtkLabel *sent_label;
  AdwViewStack *stack;
  GtkLabel *subject_label;
  GtkLabel *uid_label;

  /* Owned References */
  TfItem *item;
  GCancellable *raw_cancellable;

  guint local_time : 1;
  guint raw_loaded : 1;
};

G_DEFINE_FINAL_TYPE (TfItemView, tf_item_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_ITEM,
  PROP_LOCAL_TIME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Recipient columns ---------------------------------------------------- */

static char *
recipient_role_text (gpointer item,
                     gpointer user_data)
{
  TfRecipient *recipient = item;
  const char *role = tf_recipient_get_role (recipient);
  const char *type = tf_recipient_type_get_label (tf_recipient_get_recipient_type (recipient));

  if (role != NULL)
    return g_strdup_printf ("%s (%s)", type, role);

  return g_strdup (type);
}

static char *
recipient_response_text (gpointer item,
                         gpointer user_data)
{
  TfRecipient *recipient = item;
  int status = tf_recipient_get_track_status (recipient);
  const char *label = tf_track_status_get_label (status);

  if (tf_recipient_get_dsn_status (recipient) != NULL)
    /* Translators: a bounce (NDR) for this recipient; %s is the DSN status, e.g. 4.4.7 */
    return g_strdup_printf (_ ("Not delivered (%s)"), tf_recipient_get_dsn_status (recipient));
  if (label != NULL)
    return g_strdup (label);
  if (status != TF_TRACK_STATUS_ABSENT)
    /* Translators: an unknown response status value */
    return g_strdup_printf (_ ("Unknown (%d)"), status);
  if (tf_recipient_get_partstat (recipient) != NULL)
    return g_strdup (tf_recipient_get_partstat (recipient));

  return g_strdup ("—");
}

char *
tf_item_view_dup_track_time_text (TfItemView *self,
                                  TfRecipient *recipient)
{
  g_autofree char *time = NULL;
  TfFinding *finding;

  g_return_val_if_fail (TF_IS_ITEM_VIEW (self), NULL);
  g_return_val_if_fail (TF_IS_RECIPIENT (recipient), NULL);

  if (tf_recipient_get_has_track_time (recipient))
    time = tf_filetime_format_display (tf_recipient_get_track_time (recipient), self->local_time);
  else
    time = g_strdup ("—");

  finding = self->item != NULL
                ? tf_labels_worst_finding_for (self->item, tf_recipient_get_address (recipient))
                : NULL;
  if (finding != NULL && tf_finding_get_severity (finding) >= TF_SEVERITY_WARNING)
    {
      const char *reason = tf_finding_code_get_row_reason (tf_finding_get_code (finding));

      /* No time to show (a reply without the property): the reason alone,
       * not "— — reason" */
      if (!tf_recipient_get_has_track_time (recipient))
        return g_strdup (reason);
      return g_strdup_printf ("%s — %s", time, reason);
    }

  return g_steal_pointer (&time);
}

static char *
recipient_time_tooltip (gpointer item,
                        gpointer user_data)
{
  TfRecipient *recipient = item;
  g_autofree char *hex = NULL;

  if (!tf_recipient_get_has_track_time (recipient))
    return NULL;

  hex = tf_filetime_format_hex (tf_recipient_get_track_time (recipient));
  /* Translators: tooltip; %s is a raw FILETIME like 0x0000000000000000 */
  return g_strdup_printf (_ ("PR_RECIPIENT_TRACKSTATUS_TIME (0x5FFB0040) = %s"), hex);
}

static char *
recipient_name_text (gpointer item,
                     gpointer user_data)
{
  return g_strdup (tf_recipient_get_name (item));
}

static char *
recipient_display_text (gpointer item,
                        gpointer user_data)
{
  return tf_recipient_dup_display (item);
}

static char *
recipient_address_text (gpointer item,
                        gpointer user_data)
{
  return g_strdup (tf_recipient_get_address (item));
}

static char *
recipient_time_text (gpointer item,
                     gpointer user_data)
{
  return tf_item_view_dup_track_time_text (user_data, item);
}

static const char *
recipient_time_icon (gpointer item,
                     gpointer user_data,
                     char **tooltip,
                     const char **css_class)
{
  TfItemView *self = user_data;
  TfFinding *finding;

  if (self->item == NULL)
    return NULL;

  finding = tf_labels_worst_finding_for (self->item, tf_recipient_get_address (item));
  if (finding == NULL || tf_finding_get_severity (finding) < TF_SEVERITY_WARNING)
    return NULL;

  *tooltip = g_strdup (tf_finding_code_get_title (tf_finding_get_code (finding)));
  *css_class = tf_labels_severity_class (tf_finding_get_severity (finding));

  return tf_labels_severity_icon (tf_finding_get_severity (finding));
}

static char *
recipient_source_text (gpointer item,
                       gpointer user_data)
{
  return g_strdup (tf_source_get_label (tf_recipient_get_source (item)));
}

/* Second line of the Source column: the attached message a row was read
 * from ("attachment 2/1 “Budget review”"), nothing for the item's own rows */
static char *
recipient_embedded_text (gpointer item,
                         gpointer user_data)
{
  return tf_recipient_dup_embedded_label (item);
}

/* Findings -------------------------------------------------------------- */

static GtkWidget *
create_finding_row_cb (gpointer item,
                       gpointer user_data)
{
  TfFinding *finding = item;
  TfFindingCode code = tf_finding_get_code (finding);
  GtkWidget *row;
  GtkWidget *icon;
  GtkWidget *label;
  const char *icon_name = tf_labels_severity_icon (tf_finding_get_severity (finding));
  const char *css_class = tf_labels_severity_class (tf_finding_get_severity (finding));
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  /* AdwPreferencesRow titles and subtitles are markup */
  subtitle = g_markup_escape_text (tf_finding_get_detail (finding) ?: "", -1);
  title = g_markup_printf_escaped ("%s  <small><tt>%s</tt></small>",
                                   tf_finding_code_get_title (code),
                                   tf_finding_get_code_name (finding));
  row = g_object_new (ADW_TYPE_EXPANDER_ROW,
                      "title", title,
                      "subtitle", subtitle,
                      NULL);
  icon = gtk_image_new_from_icon_name (icon_name != NULL ? icon_name : "dialog-information-symbolic");
  if (css_class != NULL)
    gtk_widget_add_css_class (icon, css_class);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  tf_severity_get_label (tf_finding_get_severity (finding)),
                                  -1);
  adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row), icon);

  label = g_object_new (GTK_TYPE_LABEL,
                        "label", tf_finding_code_get_explanation (code),
                        "wrap", TRUE,
                        "xalign", 0.0f,
                        "selectable", TRUE,
                        "focusable", FALSE, /* selectable by mouse, not a Tab stop */
                        "margin-start", 12,
                        "margin-end", 12,
                        "margin-top", 12,
                        "margin-bottom", 12,
                        NULL);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), label);

  /* The explanation is what a helpdesk user needs: show it for problems */
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row),
                                 tf_finding_get_severity (finding) >= TF_SEVERITY_ERROR);

  return row;
}

/* Raw page ---------------------------------------------------------------- */

static void
describe_raw_thread (GTask *task,
                     gpointer source_object,
                     gpointer task_data,
                     GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;
  char *text = tf_item_describe_raw (task_data, &error);

  if (text == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, text, g_free);
}

static void
describe_raw_cb (GObject *object,
                 GAsyncResult *result,
                 gpointer user_data)
{
  TfItemView *self = TF_ITEM_VIEW (object);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = g_task_propagate_pointer (G_TASK (result), &error);
  GtkTextBuffer *buffer;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_spinner_stop (self->raw_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->raw_spinner), FALSE);

  buffer = gtk_text_view_get_buffer (self->raw_text_view);
  if (text == NULL)
    {
      /* Translators: %s is an error message */
      g_autofree char *message = g_strdup_printf (_ ("Cannot read the file again: %s"), error->message);
      gtk_text_buffer_set_text (buffer, message, -1);
    }
  else
    gtk_text_buffer_set_text (buffer, text, -1);
}

static void
load_raw (TfItemView *self)
{
  g_autoptr (GTask) task = NULL;

  if (self->raw_loaded || self->item == NULL)
    return;
  self->raw_loaded = TRUE;

  g_cancellable_cancel (self->raw_cancellable);
  g_clear_object (&self->raw_cancellable);
  self->raw_cancellable = g_cancellable_new ();

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->raw_text_view), "", 0);
  gtk_widget_set_visible (GTK_WIDGET (self->raw_spinner), TRUE);
  gtk_spinner_start (self->raw_spinner);

  task = g_task_new (self, self->raw_cancellable, describe_raw_cb, NULL);
  g_task_set_source_tag (task, load_raw);
  g_task_set_task_data (task, g_object_ref (self->item), g_object_unref);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, describe_raw_thread);
}

static void
on_stack_visible_child_cb (TfItemView *self,
                           GParamSpec *pspec,
                           AdwViewStack *stack)
{
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (stack), "raw") == 0)
    load_raw (self);
}

/* Filling ----------------------------------------------------------------- */

static void
set_label (GtkLabel *label,
           const char *text)
{
  gtk_label_set_text (label, text != NULL && *text != '\0' ? text : "—");
}

static void
refresh_recipients (TfItemView *self)
{
  g_autoptr (GtkSelectionModel) selection = NULL;

  if (self->item != NULL)
    {
      guint n = MIN (tf_item_get_n_recipients (self->item), 10);
      int height = 40; /* the header */

      /* A list view asks for little height, and not for rows that wrap
       * until it has a width: size the table for its first ten rows
       * (two lines of about 44 px; a finding's reason wraps to up to two
       * more) and scroll beyond. */
      for (guint i = 0; i < n; i++)
        {
          TfRecipient *recipient = tf_item_get_recipient (self->item, i);
          TfFinding *finding = tf_labels_worst_finding_for (self->item, tf_recipient_get_address (recipient));

          /* names and addresses wrap in a narrow pane: up to three lines */
          height += 64;
          if (finding != NULL && tf_finding_get_severity (finding) >= TF_SEVERITY_WARNING)
            height += 40;
        }
      gtk_scrolled_window_set_min_content_height (self->recipients_scroller, height);
      selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (tf_item_get_recipients (self->item))));
    }

  gtk_column_view_set_model (self->recipients_view, selection);
}

static void
update (TfItemView *self)
{
  g_autofree char *sent = NULL;
  g_autofree char *file = NULL;
  g_autofree char *heading = NULL;
  TfItem *item = self->item;
  guint n_findings;

  gtk_widget_set_visible (self->ost_note, tf_item_view_item_is_unwritable_ost (item));

  if (item == NULL)
    {
      refresh_recipients (self);
      gtk_list_box_bind_model (self->findings_list, NULL, NULL, NULL, NULL);
      return;
    }

  set_label (self->subject_label, tf_item_get_subject (item));
  if (tf_item_get_subject (item) == NULL || *tf_item_get_subject (item) == '\0')
    gtk_label_set_text (self->subject_label, _ ("(no subject)"));
  set_label (self->from_label, tf_item_get_from (item));
  set_label (self->kind_label, tf_labels_item_kind (item));
  set_label (self->format_label, tf_format_get_label (tf_item_get_format (item)));
  sent = tf_labels_format_unix (tf_item_get_sent (item), self->local_time);
  set_label (self->sent_label, sent);
  {
    g_autofree char *path = tf_labels_display_path (tf_item_get_path (item));

    set_label (self->file_label, path);
  }
  /* PST/OST messages: the folder inside the file */
  set_label (self->folder_label, tf_item_get_folder (item));
  gtk_widget_set_visible (self->folder_title, tf_item_get_folder (item) != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->folder_label), tf_item_get_folder (item) != NULL);
  set_label (self->uid_label, tf_item_get_uid (item));

  refresh_recipients (self);

  n_findings = tf_item_get_n_findings (item);
  if (n_findings == 0)
    heading = g_strdup (_ ("No findings"));
  else
    /* Translators: heading above the list of findings */
    heading = g_strdup_printf (ngettext ("%u Finding", "%u Findings", n_findings), n_findings);
  gtk_label_set_text (self->findings_heading, heading);
  gtk_list_box_bind_model (self->findings_list, tf_item_get_findings (item),
                           create_finding_row_cb, self, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->findings_list), n_findings > 0);

  self->raw_loaded = FALSE;
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->stack), "raw") == 0)
    load_raw (self);
}

/* The file and folder labels may be ellipsized (in the middle): their
 * tooltip is the whole text, written when shown (tf_widget_ask_tooltip()),
 * not on each selection. The UID wraps and is always whole. */
static char *
dup_item_text (TfItemView *self,
               const char *(*get_text) (TfItem *item))
{
  const char *text = self->item != NULL ? get_text (self->item) : NULL;

  return text != NULL && *text != '\0' ? g_strdup (text) : NULL;
}

static char *
file_tooltip_cb (GtkWidget *label,
                 gpointer self)
{
  return dup_item_text (self, tf_item_get_file_path);
}

static char *
folder_tooltip_cb (GtkWidget *label,
                   gpointer self)
{
  return dup_item_text (self, tf_item_get_folder);
}

/* The Role and Response columns fit their longest label in the user's
 * language (Polish "Zaakceptowano" is longer than "Accepted"), within
 * limits so the time column keeps its room. */
static int
label_chars (const char *label,
             int chars)
{
  return label != NULL ? MAX (chars, (int) g_utf8_strlen (label, -1)) : chars;
}

static void
setup_columns (TfItemView *self)
{
  GtkColumnView *view = self->recipients_view;
  int role_chars = 8;
  int response_chars = 10;

  for (int type = TF_RECIPIENT_TYPE_UNKNOWN; type <= TF_RECIPIENT_TYPE_RESOURCE; type++)
    role_chars = label_chars (tf_recipient_type_get_label (type), role_chars);
  for (int status = TF_TRACK_STATUS_NONE; status <= TF_TRACK_STATUS_NOT_RESPONDED; status++)
    if (status != TF_TRACK_STATUS_TENTATIVE) /* long in many languages; it ellipsizes */
      response_chars = label_chars (tf_track_status_get_label (status), response_chars);
  role_chars = MIN (role_chars, 11);
  response_chars = MIN (response_chars, 13);

  /* Recipient and time are labels that let a row grow (tf-cells.c): the
   * one-line reason of a finding is never cut off in a narrow pane */
  tf_cells_add_two_line_column (view, "recipient", _ ("Recipient"),
                                recipient_name_text, recipient_address_text, recipient_display_text,
                                10, 26, self);
  /* The response, and below it the role: one column instead of two
   * leaves the reason of a 1601 time room in a 1366-pixel window */
  tf_cells_add_two_line_column (view, "response", _ ("Response"),
                                recipient_response_text, recipient_role_text, NULL,
                                MAX (role_chars, response_chars), 16, self);
  tf_cells_add_wrap_column (view, "track-time", _ ("Track-Status Time"),
                            recipient_time_text, recipient_time_tooltip, recipient_time_icon,
                            14, 40, self);
  tf_cells_add_two_line_column (view, "source", _ ("Source"),
                                recipient_source_text, recipient_embedded_text, NULL,
                                6, 24, self);
  tf_column_view_setup_headers (view);
}

static void
tf_item_view_dispose (GObject *object)
{
  GtkWidget *child;
  TfItemView *self = (TfItemView *) object;

  if (self->raw_cancellable != NULL)
    g_cancellable_cancel (self->raw_cancellable);
  g_clear_object (&self->raw_cancellable);
  if (self->recipients_view != NULL)
    gtk_column_view_set_model (self->recipients_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TF_TYPE_ITEM_VIEW);
  /* The template's root box has no id: unparent it ourselves */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (tf_item_view_parent_class)->dispose (object);
}

static void
tf_item_view_get_property (GObject *object,
                           guint prop_id,
                           GValue *value,
                           GParamSpec *pspec)
{
  TfItemView *self = TF_ITEM_VIEW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    case PROP_LOCAL_TIME:
      g_value_set_boolean (value, self->local_time);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tf_item_view_set_property (GObject *object,
                           guint prop_id,
                           const GValue *value,
                           GParamSpec *pspec)
{
  TfItemView *self = TF_ITEM_VIEW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      tf_item_view_set_item (self, g_value_get_object (value));
      break;
    case PROP_LOCAL_TIME:
      tf_item_view_set_local_time (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tf_item_view_class_init (TfItemViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tf_item_view_dispose;
  object_class->get_property = tf_item_view_get_property;
  object_class->set_property = tf_item_view_set_property;

  properties[PROP_ITEM] = g_param_spec_object ("item", NULL, NULL, TF_TYPE_ITEM,
                                               (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LOCAL_TIME] = g_param_spec_boolean ("local-time", NULL, NULL, FALSE,
                                                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/ui/tf-item-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TfItemView, action_box);
  gtk_widget_class_bind_template_child (widget_class, TfItemView, file_label);
  gtk_widget_class_bind_template_child (widget_class, TfItemView, findings_heading);
  gtk_widget_class_bind_template_child (widget_class, TfItemView, findings_list);
  gtk_widget_class_bind_template_child (widget_class, TfItemView, folder_label);
  gtk_widget_class_bind_template_child (widget_class, TfItemView, folder_title);
  gtk_widget_class_bind_template_child (widget_class, TfItemView, format_label);
  gtk_widget_class_bind_template_child (widget_class, TfItemView, from_label);
  gtk_widget_class_bind_template_child (widget_class, TfItemView, kind_label);
  gtk_widget_class_bind_template_child (widget_class, TfItemView, ost_note);
  gtk_widget_class_bind_template_child (widget_class, TfItemView, raw_spinner);
  gtk_widget_class_bind_template_child (widget_class, TfItemView, raw_text_view);
  gtk_widget_class_bind_template_child (widget_class, TfItemView, recipients_scroller);
  gtk_widget_class_bind_template_child (widget_class, TfItemView, recipients_view);
  gtk_widget_class_bind_template_child (widget_class, TfItemView, sent_label);
  gtk_widget_class_bind_template_child (widget_class, TfItemView, stack);
  gtk_widget_class_bind_template_child (widget_class, TfItemView, subject_label);
  gtk_widget_class_bind_template_child (widget_class, TfItemView, uid_label);
  gtk_widget_class_bind_template_callback (widget_class, on_stack_visible_child_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "tfitemview");
}

static void
tf_item_view_init (TfItemView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  setup_columns (self);
  tf_widget_ask_tooltip (GTK_WIDGET (self->file_label), file_tooltip_cb, self);
  tf_widget_ask_tooltip (GTK_WIDGET (self->folder_label), folder_tooltip_cb, self);
}

GtkWidget *
tf_item_view_new (void)
{
  return g_object_new (TF_TYPE_ITEM_VIEW, NULL);
}

TfItem *
tf_item_view_get_item (TfItemView *self)
{
  g_return_val_if_fail (TF_IS_ITEM_VIEW (self), NULL);
  return self->item;
}

void
tf_item_view_set_item (TfItemView *self,
                       TfItem *item)
{
  g_return_if_fail (TF_IS_ITEM_VIEW (self));
  g_return_if_fail (!item || TF_IS_ITEM (item));

  if (g_set_object (&self->item, item))
    {
      update (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
    }
}

gboolean
tf_item_view_get_local_time (TfItemView *self)
{
  g_return_val_if_fail (TF_IS_ITEM_VIEW (self), FALSE);
  return self->local_time;
}

void
tf_item_view_set_local_time (TfItemView *self,
                             gboolean local_time)
{
  g_return_if_fail (TF_IS_ITEM_VIEW (self));

  local_time = !!local_time;
  if (self->local_time != local_time)
    {
      self->local_time = local_time;
      /* Rebinding is cheap: an item has a handful of recipients */
      if (self->item != NULL)
        update (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCAL_TIME]);
    }
}

GtkColumnView *
tf_item_view_get_recipients_view (TfItemView *self)
{
  g_return_val_if_fail (TF_IS_ITEM_VIEW (self), NULL);
  return self->recipients_view;
}

gboolean
tf_item_view_item_is_unwritable_ost (TfItem *item)
{
  /* The core refuses to write an OST (tf-repair-pst.c); say why here */
  return item != NULL && tf_item_get_format (item) == TF_FORMAT_OST && tf_labels_item_has_repair_target (item);
}

GtkBox *
tf_item_view_get_action_box (TfItemView *self)
{
  g_return_val_if_fail (TF_IS_ITEM_VIEW (self), NULL);
  return self->action_box;
}
