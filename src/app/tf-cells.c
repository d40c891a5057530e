/* tf-cells.c — label cells for the small tables of one item or meeting
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "Trackfix"

#include "config.h"

#include "tf-cells-private.h"

typedef struct
{
  TfCellTextFunc text_func;   /* the primary text of a two-line cell */
  TfCellTextFunc second_func; /* the secondary text of a two-line cell */
  TfCellTextFunc tooltip_func;
  TfCellIconFunc icon_func;
  int min_chars;
  int max_chars;
  gboolean names_row; /* the first column: its text names the row */
  gpointer user_data;
} CellFuncs;

static GtkColumnViewColumn *
add_column (GtkColumnView *view,
            const char *id,
            const char *title,
            CellFuncs *funcs,
            GCallback setup,
            GCallback bind,
            gboolean expand)
{
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr (GtkColumnViewColumn) column = NULL;

  g_signal_connect (factory, "setup", setup, funcs);
  g_signal_connect (factory, "bind", bind, funcs);
  g_object_set_data_full (G_OBJECT (factory), "tf-cell-funcs", funcs, g_free);

  column = gtk_column_view_column_new (title, g_steal_pointer (&factory));
  /* gtk_column_view_column_set_id() is GTK 4.10 */
  g_object_set_data_full (G_OBJECT (column), "tf-column-id", g_strdup (id), g_free);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (view, column);

  return column;
}

/* An address broken across lines must not gain a hyphen that is not in
 * it ("ken.myer@contos-o.example") */
static void
no_hyphens (GtkWidget *label)
{
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_insert_hyphens_new (FALSE));
  gtk_label_set_attributes (GTK_LABEL (label), attrs);
  pango_attr_list_unref (attrs);
}

/* Two lines ------------------------------------------------------------------- */

static void
setup_two_line_cb (GtkSignalListItemFactory *factory,
                   GtkListItem *list_item,
                   CellFuncs *funcs)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *primary;
  GtkWidget *secondary;

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  /* Wrapped, not cut: a name or address longer than the column (a
   * narrow pane, a long German word) takes another line */
  primary = g_object_new (GTK_TYPE_LABEL,
                          "xalign", 0.0f,
                          "wrap", TRUE,
                          "wrap-mode", PANGO_WRAP_WORD_CHAR,
                          "width-chars", funcs->min_chars,
                          "max-width-chars", funcs->max_chars,
                          NULL);
  secondary = g_object_new (GTK_TYPE_LABEL,
                            "xalign", 0.0f,
                            "wrap", TRUE,
                            "wrap-mode", PANGO_WRAP_WORD_CHAR,
                            "width-chars", funcs->min_chars,
                            "max-width-chars", funcs->max_chars,
                            NULL);
  no_hyphens (primary);
  no_hyphens (secondary);
  gtk_widget_add_css_class (secondary, "dim-label");
  gtk_widget_add_css_class (secondary, "caption");
  gtk_box_append (GTK_BOX (box), primary);
  gtk_box_append (GTK_BOX (box), secondary);
  if (funcs->tooltip_func != NULL)
    tf_cell_ask_tooltip (box, list_item, funcs->tooltip_func, NULL, funcs->user_data);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_two_line_cb (GtkSignalListItemFactory *factory,
                  GtkListItem *list_item,
                  CellFuncs *funcs)
{
  gpointer item = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *primary = gtk_widget_get_first_child (box);
  GtkWidget *secondary = gtk_widget_get_next_sibling (primary);
  g_autofree char *primary_text = funcs->text_func (item, funcs->user_data);
  g_autofree char *secondary_text = funcs->second_func (item, funcs->user_data);
  gboolean has_primary = primary_text != NULL && *primary_text != '\0';
  gboolean has_secondary = secondary_text != NULL && *secondary_text != '\0';

  gtk_label_set_text (GTK_LABEL (primary), has_primary ? primary_text : has_secondary ? secondary_text
                                                                                      : "—");
  gtk_label_set_text (GTK_LABEL (secondary), has_primary && has_secondary ? secondary_text : "");
  gtk_widget_set_visible (secondary, has_primary && has_secondary);
  /* The first column of these small tables names its row (the person) */
  if (funcs->names_row)
    {
      g_autofree char *tooltip = funcs->tooltip_func != NULL ? funcs->tooltip_func (item, funcs->user_data) : NULL;

      tf_column_view_name_row (box, tooltip != NULL ? tooltip : gtk_label_get_text (GTK_LABEL (primary)));
    }
}

GtkColumnViewColumn *
tf_cells_add_two_line_column (GtkColumnView *view,
                              const char *id,
                              const char *title,
                              TfCellTextFunc primary_func,
                              TfCellTextFunc secondary_func,
                              TfCellTextFunc tooltip_func,
                              int min_chars,
                              int max_chars,
                              gpointer user_data)
{
  CellFuncs *funcs;

  g_return_val_if_fail (GTK_IS_COLUMN_VIEW (view), NULL);
  g_return_val_if_fail (primary_func != NULL && secondary_func != NULL, NULL);

  funcs = g_new0 (CellFuncs, 1);
  funcs->text_func = primary_func;
  funcs->second_func = secondary_func;
  funcs->names_row = g_list_model_get_n_items (gtk_column_view_get_columns (view)) == 0;
  funcs->tooltip_func = tooltip_func;
  funcs->min_chars = MAX (min_chars, tf_column_title_chars (title));
  funcs->max_chars = MAX (max_chars, funcs->min_chars);
  funcs->user_data = user_data;

  /* Up to its natural width: the room left goes to the wrapping text */
  return add_column (view, id, title, funcs, G_CALLBACK (setup_two_line_cb), G_CALLBACK (bind_two_line_cb), FALSE);
}

/* Wrapping text ------------------------------------------------------------ */

static void
setup_wrap_cb (GtkSignalListItemFactory *factory,
               GtkListItem *list_item,
               CellFuncs *funcs)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *image = gtk_image_new ();
  GtkWidget *label;

  gtk_widget_set_valign (image, GTK_ALIGN_START);
  gtk_widget_set_visible (image, FALSE);
  label = g_object_new (GTK_TYPE_LABEL,
                        "xalign", 0.0f,
                        "hexpand", TRUE,
                        "wrap", TRUE,
                        "wrap-mode", PANGO_WRAP_WORD_CHAR,
                        "width-chars", funcs->min_chars,
                        "max-width-chars", funcs->max_chars,
                        NULL);
  no_hyphens (label);
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), label);
  if (funcs->tooltip_func != NULL)
    tf_cell_ask_tooltip (label, list_item, funcs->tooltip_func, NULL, funcs->user_data);
  if (funcs->icon_func != NULL)
    tf_cell_ask_tooltip (image, list_item, NULL, funcs->icon_func, funcs->user_data);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_wrap_cb (GtkSignalListItemFactory *factory,
              GtkListItem *list_item,
              CellFuncs *funcs)
{
  gpointer item = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *image = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (image);
  g_autofree char *text = funcs->text_func (item, funcs->user_data);
  g_autofree char *icon_tooltip = NULL;
  const char *icon_name = NULL;
  const char *css_class = NULL;

  gtk_label_set_text (GTK_LABEL (label), text);

  if (funcs->icon_func != NULL)
    icon_name = funcs->icon_func (item, funcs->user_data, &icon_tooltip, &css_class);
  gtk_image_set_from_icon_name (GTK_IMAGE (image), icon_name);
  gtk_widget_set_visible (image, icon_name != NULL);
  gtk_widget_set_css_classes (image, css_class != NULL ? (const char *[]){ css_class, NULL }
                                                       : (const char *[]){ NULL });
  /* The tooltip itself is written when shown (tf_cell_ask_tooltip()) */
  if (icon_name != NULL && icon_tooltip != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (image),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, icon_tooltip,
                                    -1);
}

GtkColumnViewColumn *
tf_cells_add_wrap_column (GtkColumnView *view,
                          const char *id,
                          const char *title,
                          TfCellTextFunc text_func,
                          TfCellTextFunc tooltip_func,
                          TfCellIconFunc icon_func,
                          int min_chars,
                          int max_chars,
                          gpointer user_data)
{
  CellFuncs *funcs;

  g_return_val_if_fail (GTK_IS_COLUMN_VIEW (view), NULL);
  g_return_val_if_fail (text_func != NULL, NULL);

  funcs = g_new0 (CellFuncs, 1);
  funcs->text_func = text_func;
  funcs->tooltip_func = tooltip_func;
  funcs->icon_func = icon_func;
  funcs->min_chars = MAX (min_chars, tf_column_title_chars (title));
  funcs->max_chars = MAX (max_chars, funcs->min_chars);
  funcs->user_data = user_data;

  return add_column (view, id, title, funcs, G_CALLBACK (setup_wrap_cb), G_CALLBACK (bind_wrap_cb), TRUE);
}
