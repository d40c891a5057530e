/* tf-window-sources.c — what the window reads: opening files, folders
 * and URIs (command line, Open, drag and drop, Recent), hives routed to
 * the Server Fix page, and the sidebar's rows
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
#include "tf-server-fix-page.h"
#include "tf-window-private.h"

#define MAX_RECENT 10

/* Screen readers hear the view and, where it is known without a walk,
 * how many items it has */
void
_tf_window_sidebar_update_names (TfWindow *self,
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
update_source_row (GtkWidget *row)
{
  TfScanSource *source = g_object_get_data (G_OBJECT (row), "tf-source");
  GtkLabel *count = g_object_get_data (G_OBJECT (row), "tf-count");
  GtkLabel *badge = g_object_get_data (G_OBJECT (row), "tf-badge");
  GtkWidget *spinner = g_object_get_data (G_OBJECT (row), "tf-spinner");
  guint n_problems = tf_scan_source_get_n_problems (source);
  g_autofree char *count_text = g_strdup_printf ("%u", tf_scan_source_get_n_items (source));
  g_autofree char *badge_text = g_strdup_printf ("%u", n_problems);

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
  /* A static icon, not a GtkSpinner: a never-ending animation keeps the
   * frame clock busy and, on slow renderers, starves the idle-priority
   * batches the scanner delivers. */
  gtk_widget_set_visible (GTK_WIDGET (spinner), tf_scan_source_get_scanning (source));
}

/* The badge's tooltip is written when it is shown (tf_widget_ask_tooltip()),
 * not each time the count changes: on X11, gtk_widget_set_tooltip_text()
 * asks the server where the pointer is (three round trips), and while a
 * scan runs the count changes on nearly every frame, so each frame
 * waited for the X server to finish drawing the one before. */
static char *
dup_badge_tooltip_cb (GtkWidget *badge,
                      gpointer source)
{
  guint n_problems = tf_scan_source_get_n_problems (source);

  return g_strdup_printf (ngettext ("%u item with problems", "%u items with problems", n_problems), n_problems);
}

/* The row's other tooltips are asked for too: set when a folder is opened,
 * each asked the X server where the pointer is and waited for it to
 * finish drawing (12 ms in the open of a 100,000-file folder) */
static char *
dup_source_tooltip_cb (GtkWidget *row,
                       gpointer source)
{
  return g_strdup (tf_scan_source_get_subtitle (source));
}

static char *
dup_text_tooltip_cb (GtkWidget *widget,
                     gpointer text)
{
  return g_strdup (text);
}

static void
on_source_row_notify_cb (GtkWidget *row,
                         GParamSpec *pspec,
                         TfScanSource *source)
{
  update_source_row (row);
}

/* An Outlook data file by its name (the scanner reads it by content; the
 * sidebar only picks an icon, without reading the file) */
static gboolean
source_is_mailbox (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *lower = name != NULL ? g_ascii_strdown (name, -1) : NULL;

  return lower != NULL && (g_str_has_suffix (lower, ".pst") || g_str_has_suffix (lower, ".ost"));
}

GtkWidget *
_tf_window_create_source_row (gpointer item,
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
  else if (source_is_mailbox (file))
    icon = "mail-read-symbolic"; /* a PST/OST: a mailbox, not one message */
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
  tf_widget_ask_tooltip (row, dup_source_tooltip_cb, source);

  spinner = gtk_image_new_from_icon_name ("content-loading-symbolic");
  tf_widget_ask_tooltip (spinner, dup_text_tooltip_cb, (gpointer) _ ("Scanning…"));
  gtk_box_append (GTK_BOX (box), spinner);
  count = gtk_label_new (NULL);
  /* Translators: tooltip of the item count in the sidebar */
  tf_widget_ask_tooltip (count, dup_text_tooltip_cb, (gpointer) _ ("Items read"));
  gtk_widget_add_css_class (count, "dim-label");
  gtk_widget_add_css_class (count, "numeric");
  gtk_box_append (GTK_BOX (box), count);
  badge = gtk_label_new (NULL);
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (badge, "problem-badge");
  gtk_widget_add_css_class (badge, "numeric");
  /* The row holds the source (below) */
  tf_widget_ask_tooltip (badge, dup_badge_tooltip_cb, source);
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

void
_tf_window_select_view (TfWindow *self,
                        const char *name)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->views_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && g_strcmp0 (gtk_widget_get_name (row), name) == 0)
      gtk_list_box_select_row (self->views_list, GTK_LIST_BOX_ROW (row));
}

/* Scans start after the window's first frame. Opened from the command
 * line (or the demo at start) a scan would otherwise compete with the
 * window's first layout for the cores and put its first rows into that
 * frame: the window stayed black for 0.2–0.45 s (issue 16). A window that
 * is not drawn within DEFERRED_SCAN_MAX_MS (never shown, or a very busy
 * machine) starts them anyway. */
#define DEFERRED_SCAN_MAX_MS 1000

static void
start_deferred_scans (TfWindow *self)
{
  g_autoptr (GPtrArray) sources = g_steal_pointer (&self->deferred_scans);

  g_clear_handle_id (&self->deferred_scan_timeout, g_source_remove);
  if (self->frame_clock != NULL)
    {
      g_clear_signal_handler (&self->first_paint_handler, self->frame_clock);
      g_clear_weak_pointer (&self->frame_clock);
    }
  self->first_frame_drawn = TRUE;
  for (guint i = 0; sources != NULL && i < sources->len; i++)
    tf_scan_source_scan (g_ptr_array_index (sources, i));
  _tf_window_sources_changed (self);
}

static void
after_first_paint_cb (GdkFrameClock *clock,
                      TfWindow *self)
{
  start_deferred_scans (self);
}

static gboolean
deferred_scan_timeout_cb (gpointer user_data)
{
  TfWindow *self = user_data;

  self->deferred_scan_timeout = 0;
  start_deferred_scans (self);
  return G_SOURCE_REMOVE;
}

static void
on_realize_cb (TfWindow *self)
{
  if (self->first_frame_drawn || self->frame_clock != NULL)
    return;
  g_set_weak_pointer (&self->frame_clock, gtk_widget_get_frame_clock (GTK_WIDGET (self)));
  self->first_paint_handler = g_signal_connect (self->frame_clock, "after-paint",
                                                G_CALLBACK (after_first_paint_cb), self);
}

static void
scan_when_drawn (TfWindow *self,
                 TfScanSource *source)
{
  if (self->first_frame_drawn)
    {
      tf_scan_source_scan (source);
      return;
    }
  if (self->deferred_scans == NULL)
    self->deferred_scans = g_ptr_array_new_with_free_func (g_object_unref);
  if (!g_ptr_array_find (self->deferred_scans, source, NULL))
    g_ptr_array_add (self->deferred_scans, g_object_ref (source));
  if (self->deferred_scan_timeout == 0)
    self->deferred_scan_timeout = g_timeout_add (DEFERRED_SCAN_MAX_MS, deferred_scan_timeout_cb, self);
  if (gtk_widget_get_realized (GTK_WIDGET (self)))
    on_realize_cb (self);
}

gboolean
_tf_window_scans_deferred (TfWindow *self)
{
  return self->deferred_scans != NULL && self->deferred_scans->len > 0;
}

void
_tf_window_sources_dispose (TfWindow *self)
{
  g_clear_pointer (&self->deferred_scans, g_ptr_array_unref);
  g_clear_handle_id (&self->deferred_scan_timeout, g_source_remove);
  if (self->frame_clock != NULL)
    {
      g_clear_signal_handler (&self->first_paint_handler, self->frame_clock);
      g_clear_weak_pointer (&self->frame_clock);
    }
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
          _tf_window_select_view (self, "server-fix");
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
              scan_when_drawn (self, existing);
              found = TRUE;
            }
        }
      if (found)
        continue;

      source = tf_scan_source_new (files[i]);
      _tf_window_list_add_source (self, source);
      _tf_window_track_source (self, source);

      g_list_store_append (self->sources, source);
      g_list_store_append (self->source_models, tf_scan_source_get_items (source));
      scan_when_drawn (self, source);
      tf_scan_source_set_watch (source, TRUE);
      add_recent (self, files[i]);
    }

  if (n_files_hives == n_files && n_files > 0)
    return;
  if (self->view != TF_WINDOW_VIEW_PAGE)
    adw_view_stack_set_visible_child_name (self->main_stack, "browser");
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "content");
  _tf_window_sources_changed (self);
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

void
_tf_window_sources_init (TfWindow *self)
{
  GtkDropTarget *drop;

  /* Drag and drop of files and folders */
  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (drop, "drop", G_CALLBACK (on_drop_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  g_signal_connect (self, "realize", G_CALLBACK (on_realize_cb), NULL);
}
