/* tf-columns.c — cheap text columns for GtkColumnView
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "Trackfix"

#include "config.h"

#include "tf-columns-private.h"

typedef struct
{
  TfCellTextFunc text_func;
  TfCellTextFunc tooltip_func;
  TfCellIconFunc icon_func;
  TfCellTextFunc second_func;   /* a dim second line below the text */
  TfCellTextFunc row_name_func; /* the accessible name of the whole row */
  int min_chars;
  int nat_chars;
  int lines;
  gpointer user_data;
} ColumnFuncs;

/* A bound cell remembers its item and this serial: GTK 4.8's
 * GtkSignalListItemFactory unbinds and binds a row again whenever only
 * its position changes, and while a scan inserts rows above the visible
 * ones that was every visible cell for every inserted row (4,800 binds,
 * 180 ms, per 64 rows merged at 100,000 items). Binding the same item
 * again is skipped unless the serial moved (an item or a setting that
 * the texts come from changed: tf_column_view_invalidate_cells()). */
static guint cell_serial = 1;
static guint n_cells_filled;

guint
tf_column_view_get_n_cells_filled (void)
{
  return n_cells_filled;
}
static GQuark bound_item_quark;
static GQuark bound_serial_quark;

void
tf_column_view_invalidate_cells (void)
{
  cell_serial++;
}

static gboolean
bound_already (GtkWidget *child,
               gpointer item)
{
  return g_object_get_qdata (G_OBJECT (child), bound_item_quark) == item
         && GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (child), bound_serial_quark)) == cell_serial;
}

static void
remember_bound (GtkWidget *child,
                gpointer item)
{
  /* A reference: a new item at a freed one's address must not match */
  g_object_set_qdata_full (G_OBJECT (child), bound_item_quark, item != NULL ? g_object_ref (item) : NULL,
                           item != NULL ? g_object_unref : NULL);
  g_object_set_qdata (G_OBJECT (child), bound_serial_quark, GUINT_TO_POINTER (cell_serial));
}

/* Tooltips ------------------------------------------------------------------ */

typedef struct
{
  TfTooltipFunc func;
  gpointer user_data;
} AskedTooltip;

gboolean
tf_widget_get_asked_tooltip (GtkWidget *widget,
                             char **text)
{
  AskedTooltip *asked;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);

  asked = g_object_get_data (G_OBJECT (widget), "tf-asked-tooltip");
  if (text != NULL)
    {
      *text = asked != NULL ? asked->func (widget, asked->user_data) : NULL;
      if (*text != NULL && **text == '\0')
        g_clear_pointer (text, g_free);
    }
  return asked != NULL;
}

static gboolean
on_query_tooltip_cb (GtkWidget *widget,
                     int x,
                     int y,
                     gboolean keyboard,
                     GtkTooltip *tooltip,
                     gpointer user_data)
{
  g_autofree char *text = NULL;

  if (!tf_widget_get_asked_tooltip (widget, &text) || text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

void
tf_widget_ask_tooltip (GtkWidget *widget,
                       TfTooltipFunc func,
                       gpointer user_data)
{
  AskedTooltip *asked;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (func != NULL);
  g_return_if_fail (g_object_get_data (G_OBJECT (widget), "tf-asked-tooltip") == NULL);

  asked = g_new (AskedTooltip, 1);
  asked->func = func;
  asked->user_data = user_data;
  g_object_set_data_full (G_OBJECT (widget), "tf-asked-tooltip", asked, g_free);
  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (on_query_tooltip_cb), NULL);
}

/* A cell's tooltip is computed when asked for, never in bind: a scan
 * rebinds visible rows many times a second, and selecting an item binds
 * every cell of its tables */
typedef struct
{
  GtkListItem *list_item; /* owns the cell, so it outlives this */
  TfCellTextFunc text_func;
  TfCellIconFunc icon_func;
  gpointer user_data;
} CellTooltip;

static char *
dup_cell_tooltip (GtkWidget *cell,
                  gpointer data)
{
  CellTooltip *tooltip = data;
  gpointer item = gtk_list_item_get_item (tooltip->list_item);
  const char *css_class = NULL;
  char *text = NULL;

  if (item == NULL)
    return NULL;
  if (tooltip->text_func != NULL)
    return tooltip->text_func (item, tooltip->user_data);
  tooltip->icon_func (item, tooltip->user_data, &text, &css_class);
  return text;
}

void
tf_cell_ask_tooltip (GtkWidget *cell,
                     GtkListItem *list_item,
                     TfCellTextFunc text_func,
                     TfCellIconFunc icon_func,
                     gpointer user_data)
{
  CellTooltip *tooltip;

  g_return_if_fail (GTK_IS_LIST_ITEM (list_item));
  g_return_if_fail ((text_func == NULL) != (icon_func == NULL));

  tooltip = g_new (CellTooltip, 1);
  tooltip->list_item = list_item;
  tooltip->text_func = text_func;
  tooltip->icon_func = icon_func;
  tooltip->user_data = user_data;
  g_object_set_data_full (G_OBJECT (cell), "tf-cell-tooltip", tooltip, g_free);
  tf_widget_ask_tooltip (cell, dup_cell_tooltip, tooltip);
}

static GtkWidget *
new_inscription (ColumnFuncs *funcs)
{
  return g_object_new (GTK_TYPE_INSCRIPTION,
                       "hexpand", TRUE,
                       "min-chars", funcs->min_chars,
                       "nat-chars", MAX (funcs->nat_chars, funcs->min_chars),
                       "text-overflow", GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END,
                       NULL);
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem *list_item,
          ColumnFuncs *funcs)
{
  GtkWidget *box;
  GtkWidget *image;
  GtkWidget *label;

  if (funcs->text_func == NULL)
    {
      /* Icon-only cells (the status column): one widget per row instead of
       * box + image + inscription; every cell widget costs when a screen
       * of new rows appears. */
      image = gtk_image_new ();
      tf_cell_ask_tooltip (image, list_item, NULL, funcs->icon_func, funcs->user_data);
      gtk_list_item_set_child (list_item, image);
      return;
    }

  label = new_inscription (funcs);
  if (funcs->lines > 1)
    g_object_set (label,
                  "wrap-mode", PANGO_WRAP_WORD_CHAR,
                  "min-lines", funcs->lines,
                  "nat-lines", funcs->lines,
                  "text-overflow", GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END,
                  NULL);
  if (funcs->tooltip_func != NULL)
    {
      tf_cell_ask_tooltip (label, list_item, funcs->tooltip_func, NULL, funcs->user_data);
    }

  if (funcs->second_func != NULL)
    {
      /* Two lines as in mail clients: the text, and a dim line below */
      GtkWidget *lines = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      GtkWidget *second = new_inscription (funcs);

      gtk_widget_add_css_class (second, "dim-label");
      gtk_box_append (GTK_BOX (lines), label);
      gtk_box_append (GTK_BOX (lines), second);
      label = lines;
    }

  if (funcs->icon_func == NULL)
    {
      gtk_list_item_set_child (list_item, label);
      return;
    }

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  image = gtk_image_new ();
  tf_cell_ask_tooltip (image, list_item, NULL, funcs->icon_func, funcs->user_data);
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem *list_item,
         ColumnFuncs *funcs)
{
  GtkWidget *child = gtk_list_item_get_child (list_item);
  gpointer item = gtk_list_item_get_item (list_item);
  GtkWidget *label = child;
  g_autofree char *text = NULL;

  if (bound_already (child, item))
    return;
  remember_bound (child, item);
  n_cells_filled++;

  if (funcs->icon_func != NULL)
    {
      GtkWidget *image = funcs->text_func != NULL ? gtk_widget_get_first_child (child) : child;
      const char *css_class = NULL;
      g_autofree char *icon_tooltip = NULL;
      const char *icon_name = funcs->icon_func (item, funcs->user_data, &icon_tooltip, &css_class);

      label = gtk_widget_get_next_sibling (image);
      gtk_image_set_from_icon_name (GTK_IMAGE (image), icon_name);
      gtk_widget_set_visible (image, icon_name != NULL);
      gtk_widget_set_css_classes (image, css_class != NULL ? (const char *[]){ css_class, NULL }
                                                           : (const char *[]){ NULL });
      if (icon_name != NULL && icon_tooltip != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (image),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, icon_tooltip,
                                        -1);
    }

  if (funcs->row_name_func != NULL)
    {
      g_autofree char *name = funcs->row_name_func (item, funcs->user_data);

      tf_column_view_name_row (child, name);
    }

  if (funcs->text_func == NULL)
    return;
  text = funcs->text_func (item, funcs->user_data);
  if (funcs->second_func != NULL)
    {
      g_autofree char *second = funcs->second_func (item, funcs->user_data);

      label = gtk_widget_get_first_child (label);
      gtk_inscription_set_text (GTK_INSCRIPTION (gtk_widget_get_next_sibling (label)), second);
    }
  gtk_inscription_set_text (GTK_INSCRIPTION (label), text);
}

int
tf_column_title_chars (const char *title)
{
  /* + 2 for the sort arrow and the title's padding */
  return title != NULL && *title != '\0' ? (int) g_utf8_strlen (title, -1) + 2 : 0;
}

GtkColumnViewColumn *
tf_column_view_add_text_column (GtkColumnView *view,
                                const char *id,
                                const char *title,
                                TfCellTextFunc text_func,
                                TfCellTextFunc tooltip_func,
                                TfCellIconFunc icon_func,
                                GtkSorter *sorter,
                                gboolean expand,
                                int min_chars,
                                gpointer user_data)
{
  g_autoptr (GtkListItemFactory) factory = NULL;
  g_autoptr (GtkColumnViewColumn) column = NULL;
  ColumnFuncs *funcs;

  g_return_val_if_fail (GTK_IS_COLUMN_VIEW (view), NULL);
  g_return_val_if_fail (text_func != NULL || icon_func != NULL, NULL);

  if (bound_item_quark == 0)
    {
      bound_item_quark = g_quark_from_static_string ("tf-bound-item");
      bound_serial_quark = g_quark_from_static_string ("tf-bound-serial");
    }

  funcs = g_new0 (ColumnFuncs, 1);
  funcs->text_func = text_func;
  funcs->tooltip_func = tooltip_func;
  funcs->icon_func = icon_func;
  /* Never narrower than the header: GtkColumnView sizes a column by its
   * cells and clips a longer (Polish, German) title */
  funcs->min_chars = MAX (min_chars, tf_column_title_chars (title));
  funcs->nat_chars = funcs->min_chars;
  funcs->user_data = user_data;

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), funcs);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), funcs);
  g_object_set_data_full (G_OBJECT (factory), "tf-column-funcs", funcs, g_free);

  column = gtk_column_view_column_new (title, g_steal_pointer (&factory));
  /* gtk_column_view_column_set_id() is GTK 4.10 */
  g_object_set_data_full (G_OBJECT (column), "tf-column-id", g_strdup (id), g_free);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  if (sorter != NULL)
    gtk_column_view_column_set_sorter (column, sorter);
  g_clear_object (&sorter);

  gtk_column_view_append_column (view, column);

  return column;
}

GtkSorter *
tf_string_sorter_new (GCallback getter)
{
  GtkExpression *expression;
  GtkStringSorter *sorter;

  expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL, getter, NULL, NULL);
  sorter = gtk_string_sorter_new (expression);
  gtk_string_sorter_set_ignore_case (sorter, TRUE);

  return GTK_SORTER (sorter);
}

GtkSorter *
tf_numeric_sorter_new (GType type,
                       GCallback getter)
{
  GtkExpression *expression;

  expression = gtk_cclosure_expression_new (type, NULL, 0, NULL, getter, NULL, NULL);

  return GTK_SORTER (gtk_numeric_sorter_new (expression));
}

static ColumnFuncs *
column_funcs (GtkColumnViewColumn *column)
{
  GtkListItemFactory *factory = gtk_column_view_column_get_factory (column);

  return g_object_get_data (G_OBJECT (factory), "tf-column-funcs");
}

void
tf_column_view_column_set_lines (GtkColumnViewColumn *column,
                                 int lines)
{
  ColumnFuncs *funcs;

  g_return_if_fail (GTK_IS_COLUMN_VIEW_COLUMN (column));

  funcs = column_funcs (column);
  g_return_if_fail (funcs != NULL);

  funcs->lines = lines;
}

void
tf_column_view_column_set_second_line (GtkColumnViewColumn *column,
                                       TfCellTextFunc second_func,
                                       int nat_chars)
{
  ColumnFuncs *funcs;

  g_return_if_fail (GTK_IS_COLUMN_VIEW_COLUMN (column));

  funcs = column_funcs (column);
  g_return_if_fail (funcs != NULL && funcs->text_func != NULL);

  funcs->second_func = second_func;
  funcs->nat_chars = nat_chars;
}

void
tf_column_view_name_row (GtkWidget *cell_child,
                         const char *name)
{
  /* cell child → cell → row (GtkListItemWidget in 4.8) */
  GtkWidget *cell = gtk_widget_get_parent (cell_child);
  GtkWidget *row = cell != NULL ? gtk_widget_get_parent (cell) : NULL;

  if (row != NULL && name != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

void
tf_column_view_column_set_row_name (GtkColumnViewColumn *column,
                                    TfCellTextFunc row_name_func)
{
  ColumnFuncs *funcs;

  g_return_if_fail (GTK_IS_COLUMN_VIEW_COLUMN (column));

  funcs = column_funcs (column);
  g_return_if_fail (funcs != NULL);

  funcs->row_name_func = row_name_func;
}

static GtkWidget *
find_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *label = find_label (child);

      if (label != NULL)
        return label;
    }
  return NULL;
}

/* GTK 4.8 offers no API for the header buttons (GtkColumnViewTitle is
 * private), so they are found as the column view's first child's
 * children, one per visible column, in column order. Each gets the
 * column's title as its accessible name: 4.8 computes no name from a
 * widget's content, so screen readers would say nothing. (Wrapping their
 * labels does not help: the header row is measured for one line.) */
static void
setup_headers (GtkColumnView *view)
{
  GtkWidget *header;
  GListModel *columns;
  GtkWidget *title;
  guint n;

  header = gtk_widget_get_first_child (GTK_WIDGET (view));
  columns = gtk_column_view_get_columns (view);
  n = g_list_model_get_n_items (columns);
  title = header != NULL ? gtk_widget_get_first_child (header) : NULL;
  for (guint i = 0; i < n && title != NULL; i++, title = gtk_widget_get_next_sibling (title))
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *text = gtk_column_view_column_get_title (column);
      const char *name = g_object_get_data (G_OBJECT (column), "tf-column-a11y");
      GtkWidget *label = find_label (title);

      if (name == NULL)
        name = text;
      if (label != NULL)
        gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
      if (name != NULL && *name != '\0')
        {
          gtk_accessible_update_property (GTK_ACCESSIBLE (title), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
          if (text == NULL || *text == '\0')
            gtk_widget_set_tooltip_text (title, name);
        }
    }
}

void
tf_column_view_setup_headers (GtkColumnView *view)
{
  g_return_if_fail (GTK_IS_COLUMN_VIEW (view));

  /* The titles exist once the view is in a window: on every map (cheap:
   * a handful of widgets) */
  g_signal_connect (view, "map", G_CALLBACK (setup_headers), NULL);
  if (gtk_widget_get_mapped (GTK_WIDGET (view)))
    setup_headers (view);
}

void
tf_column_view_column_set_accessible_name (GtkColumnViewColumn *column,
                                           const char *name)
{
  g_return_if_fail (GTK_IS_COLUMN_VIEW_COLUMN (column));

  g_object_set_data_full (G_OBJECT (column), "tf-column-a11y", g_strdup (name), g_free);
}
