/* tf-ui-test.c — helpers shared by the window tests and drivers
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tf-application.h"
#include "tf-fixturegen.h"
#include "tf-labels-private.h"
#include "tf-pst-private.h"
#include "tf-reader.h"
#include "tf-ui-test.h"
#include "tf-window-private.h"

void
tf_ui_test_spin_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

void
tf_ui_test_spin_until (gboolean (*done) (gpointer),
                       gpointer data,
                       guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!done (data))
    {
      g_main_context_iteration (NULL, FALSE);
      if (g_get_monotonic_time () > end)
        g_error ("Timed out after %u ms", timeout_ms);
    }
}

gboolean
tf_ui_test_scan_done (gpointer window)
{
  TfWindow *self = window;

  if (g_test_verbose ())
    g_test_message ("sources %u scanning %d pending %u summary %u items %u",
                    g_list_model_get_n_items (G_LIST_MODEL (self->sources)),
                    _tf_window_is_scanning (self),
                    tf_filter_store_get_pending (self->filter_model),
                    self->summary_source,
                    g_list_model_get_n_items (G_LIST_MODEL (self->selection)));

  return g_list_model_get_n_items (G_LIST_MODEL (self->sources)) > 0
         && !_tf_window_is_scanning (self)
         && !_tf_window_list_is_sorting (self)
         && tf_filter_store_get_pending (self->filter_model) == 0
         && self->summary_source == 0;
}

TfWindow *
tf_ui_test_open_folder_at (AdwApplication *app,
                           const char *path,
                           int width,
                           int height)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  TfWindow *window = tf_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  tf_window_open_files (window, &file, 1);
  tf_ui_test_spin_until (tf_ui_test_scan_done, window, 60000);

  return window;
}

TfWindow *
tf_ui_test_open_folder (AdwApplication *app,
                        const char *path)
{
  return tf_ui_test_open_folder_at (app, path, 1280, 800);
}

void
tf_ui_test_write_sample (const char *dir,
                         const char *sample,
                         const char *name)
{
  g_autoptr (GBytes) bytes = tf_gen_sample (sample);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (bytes);
  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
}

gboolean
tf_ui_test_render_png (GtkWidget *widget,
                       const char *path)
{
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autoptr (GdkPaintable) paintable = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  paintable = gtk_widget_paintable_new (widget);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return FALSE;

  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (texture == NULL || gdk_texture_get_width (texture) != width)
    return FALSE;

  return gdk_texture_save_to_png (texture, path);
}

AdwMessageDialog *
tf_ui_test_find_dialog (const char *heading_prefix)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* (transfer none) */
  AdwMessageDialog *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window))
          && (heading_prefix == NULL
              || g_str_has_prefix (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (window)) ?: "",
                                   heading_prefix)))
        found = ADW_MESSAGE_DIALOG (window);
    }

  return found;
}

GtkWidget *
tf_ui_test_find_button (GtkWidget *root,
                        const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = tf_ui_test_find_button (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

void
tf_ui_test_remove_scratch (const char *dir)
{
  g_autofree char *cmd = NULL;

  g_return_if_fail (dir != NULL && g_str_has_prefix (dir, g_get_tmp_dir ()));

  /* A test's own scratch folder below the temporary folder only */
  cmd = g_strdup_printf ("rm -rf '%s'", dir);
  (void) !system (cmd);
}

GtkWidget *
tf_ui_test_next_widget (GtkWidget *widget,
                        GtkWidget *root)
{
  if (gtk_widget_get_first_child (widget) != NULL)
    return gtk_widget_get_first_child (widget);
  while (widget != NULL && widget != root && gtk_widget_get_next_sibling (widget) == NULL)
    widget = gtk_widget_get_parent (widget);

  return widget != NULL && widget != root ? gtk_widget_get_next_sibling (widget) : NULL;
}

char *
tf_ui_test_make_scratch (const char *template)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data_home = NULL;
  char *dir = g_dir_make_tmp (template, &error);

  g_assert_no_error (error);
  /* Journal and backups go to a scratch XDG_DATA_HOME, set before GLib
   * caches the user folders */
  data_home = g_build_filename (dir, "data-home", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  return dir;
}

void
tf_ui_test_assert_default_order (gpointer data)
{
  TfWindow *window = data;
  GListModel *model = G_LIST_MODEL (window->selection);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 1; i < n; i++)
    {
      g_autoptr (TfItem) a = g_list_model_get_item (model, i - 1);
      g_autoptr (TfItem) b = g_list_model_get_item (model, i);
      gint64 sent_a = tf_item_get_sent (a) == G_MININT64 ? G_MAXINT64 : tf_item_get_sent (a);
      gint64 sent_b = tf_item_get_sent (b) == G_MININT64 ? G_MAXINT64 : tf_item_get_sent (b);

      g_assert_cmpuint (tf_labels_item_rank (a), >=, tf_labels_item_rank (b));
      if (tf_labels_item_rank (a) == tf_labels_item_rank (b))
        {
          g_assert_cmpint (sent_a, <=, sent_b);
          if (sent_a == sent_b)
            g_assert_cmpstr (tf_item_get_path (a), <=, tf_item_get_path (b));
        }
    }
}

GPtrArray *
tf_ui_test_list_paths (gpointer data)
{
  TfWindow *window = data;
  GListModel *model = G_LIST_MODEL (window->selection);
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (model, i);

      g_ptr_array_add (paths, g_strdup (tf_item_get_path (item)));
    }
  return paths;
}

char *
tf_ui_test_make_demo (const char *scratch)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_build_filename (scratch, "demo", NULL);

  g_assert_true (tf_gen_demo (dir, &error));
  g_assert_no_error (error);
  return dir;
}

TfApplication *
tf_ui_test_new_application (void)
{
  TfApplication *app = tf_application_new ();

  /* NON_UNIQUE: a session bus (or a running Trackfix) must not turn it
   * into a remote */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  return app;
}

AdwApplication *
tf_ui_test_init (int *argc,
                 char ***argv)
{
  TfApplication *app;

  gtk_test_init (argc, argv, NULL);
  adw_init ();
  /* No animations: a toast sliding out while a test moves on made GTK
   * 4.8 warn about negative allocations, depending on timing */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  tf_core_init ();

  app = tf_ui_test_new_application ();
  return ADW_APPLICATION (app);
}

void
tf_ui_test_make_ost (const char *pst,
                     const char *ost)
{
  g_autofree char *dir = g_path_get_dirname (ost);
  g_autofree char *data = NULL;
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  guint8 *h;
  guint32 crc;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_get_contents (pst, &data, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (len, >, 564);
  h = (guint8 *) data;
  g_assert_cmpint (h[8], ==, 'S');
  g_assert_cmpint (h[9], ==, 'M');
  h[9] = 'O';
  crc = tf_pst_crc32 (h + 8, 471); /* dwCRCPartial */
  for (int i = 0; i < 4; i++)
    h[4 + i] = (guint8) (crc >> (8 * i));
  crc = tf_pst_crc32 (h + 8, 516); /* dwCRCFull (Unicode) */
  for (int i = 0; i < 4; i++)
    h[524 + i] = (guint8) (crc >> (8 * i));
  g_assert_true (g_file_set_contents (ost, data, (gssize) len, &error));
  g_assert_no_error (error);
}

typedef struct
{
  const char *heading;
  AdwMessageDialog *dialog;
} DialogWait;

static gboolean
dialog_shown (gpointer data)
{
  DialogWait *wait = data;

  wait->dialog = tf_ui_test_find_dialog (wait->heading);
  return wait->dialog != NULL;
}

AdwMessageDialog *
tf_ui_test_wait_dialog (const char *heading_prefix)
{
  DialogWait wait = { heading_prefix, NULL };

  tf_ui_test_spin_until (dialog_shown, &wait, 10000);
  return wait.dialog;
}

gboolean
tf_ui_test_dialog_gone (gpointer data)
{
  return tf_ui_test_find_dialog (data) == NULL;
}

void
tf_ui_test_maybe_snapshot (GtkWidget *widget,
                           const char *name)
{
  g_autofree char *path = NULL;

  if (g_getenv ("TRACKFIX_UI_SNAPSHOTS") == NULL)
    return;
  tf_ui_test_spin_for (300);
  path = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ?: ".", name, NULL);
  if (tf_ui_test_render_png (widget, path))
    g_test_message ("Rendered to %s", path);
}

static guint
count_cut_texts (GtkWidget *widget,
                 GString *cut)
{
  guint n = 0;

  if (GTK_IS_INSCRIPTION (widget) && gtk_widget_get_mapped (widget)
      && gtk_inscription_get_text (GTK_INSCRIPTION (widget)) != NULL)
    {
      const char *text = gtk_inscription_get_text (GTK_INSCRIPTION (widget));
      const char *dot = g_strrstr (text, " · ");
      g_autofree char *required = NULL;
      g_autoptr (PangoLayout) layout = NULL;
      int width;

      if (gtk_widget_has_css_class (widget, "dim-label") && dot != NULL)
        required = g_strndup (text, (gsize) (dot - text));
      else
        required = g_strdup (text);
      layout = gtk_widget_create_pango_layout (widget, required);
      pango_layout_get_pixel_size (layout, &width, NULL);
      if (width > gtk_widget_get_width (widget))
        g_string_append_printf (cut, "“%s” needs %d px, has %d\n", required, width, gtk_widget_get_width (widget));
      return 1;
    }
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget))
    {
      /* A label that may be shortened, and is */
      if (gtk_label_get_ellipsize (GTK_LABEL (widget)) != PANGO_ELLIPSIZE_NONE
          && pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (widget))))
        g_string_append_printf (cut, "“%s” is ellipsized\n", gtk_label_get_text (GTK_LABEL (widget)));
      n++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    n += count_cut_texts (child, cut);
  return n;
}

void
tf_ui_test_assert_nothing_cut (GtkWidget *widget,
                               guint min_texts,
                               const char *where)
{
  g_autoptr (GString) cut = g_string_new (NULL);

  g_assert_cmpuint (count_cut_texts (widget, cut), >=, min_texts);
  if (cut->len > 0)
    g_error ("Cut in %s:\n%s", where, cut->str);
}
