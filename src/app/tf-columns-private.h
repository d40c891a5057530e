/* tf-columns-private.h — cheap text columns for GtkColumnView
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Returns the tooltip of @widget (transfer full, nullable: none). */
typedef char *(*TfTooltipFunc) (GtkWidget *widget,
                                gpointer user_data);

/* Gives @widget a tooltip that @func writes when it is shown
 * (query-tooltip). Never set one with gtk_widget_set_tooltip_text() where
 * it changes often (list cells, the detail pane): on X11 that asks the
 * server where the pointer is, a round trip that waits for it to draw
 * (tests/bench/RESULTS.md, issue 16). */
void tf_widget_ask_tooltip (GtkWidget *widget,
                            TfTooltipFunc func,
                            gpointer user_data);
/* Whether @widget's tooltip comes from tf_widget_ask_tooltip(); @text
 * (nullable) then gets what it shows now (transfer full; NULL: none) */
gboolean tf_widget_get_asked_tooltip (GtkWidget *widget,
                                      char **text);

/* Returns the cell text for @item (transfer full, nullable). */
typedef char *(*TfCellTextFunc) (gpointer item,
                                 gpointer user_data);

/* Optional decoration: returns an icon name (or NULL for none) and may set
 * a tooltip (transfer full) and CSS class for the cell. */
typedef const char *(*TfCellIconFunc) (gpointer item,
                                       gpointer user_data,
                                       char **tooltip,
                                       const char **css_class);

/* Gives @cell, a cell widget of @list_item, the tooltip that @text_func
 * (or, for an icon, the one @icon_func) gives for the item bound to it,
 * written when shown (tf_widget_ask_tooltip()) */
void tf_cell_ask_tooltip (GtkWidget *cell,
                          GtkListItem *list_item,
                          TfCellTextFunc text_func,
                          TfCellIconFunc icon_func,
                          gpointer user_data);

/*
 * Appends a column whose cells are a GtkInscription (4.8: made for
 * recycled list cells — no layout until drawn) plus an optional icon. Bind
 * only sets text, so 100,000 rows scroll smoothly. With @text_func NULL
 * (and @icon_func set) a cell is just the icon.
 *
 * @sorter: (transfer full) (nullable)
 */
GtkColumnViewColumn *tf_column_view_add_text_column (GtkColumnView *view,
                                                     const char *id,
                                                     const char *title,
                                                     TfCellTextFunc text_func,
                                                     TfCellTextFunc tooltip_func,
                                                     TfCellIconFunc icon_func,
                                                     GtkSorter *sorter,
                                                     gboolean expand,
                                                     int min_chars,
                                                     gpointer user_data);

/* The texts of bound cells are out of date (an item changed, or a setting
 * they are formatted with): the next bind of each cell sets them again.
 * (Cells keep their texts when unbound; the same item bound again is not
 * formatted again.) */
void tf_column_view_invalidate_cells (void);
/* How many cells were filled with an item's texts so far, in every view
 * (each is then measured again): for the tests */
guint tf_column_view_get_n_cells_filled (void);

/* Lets cells of @column wrap onto up to @lines lines (before any row is
 * created) */
void tf_column_view_column_set_lines (GtkColumnViewColumn *column,
                                      int lines);

/* Below the text of @column's cells, a second line in dim type (before any
 * row is created); @nat_chars is the natural width of both lines */
void tf_column_view_column_set_second_line (GtkColumnViewColumn *column,
                                            TfCellTextFunc second_func,
                                            int nat_chars);

/* Binding a cell of @column names its whole row for screen readers
 * (GTK 4.8 says "GtkListItemWidget" otherwise) */
void tf_column_view_column_set_row_name (GtkColumnViewColumn *column,
                                         TfCellTextFunc row_name_func);

/* Names the row that holds @cell_child (a cell's widget) */
void tf_column_view_name_row (GtkWidget *cell_child,
                              const char *name);

/* The name screen readers say for @column's header when its title is
 * empty or too terse (an icon-only status column) */
void tf_column_view_column_set_accessible_name (GtkColumnViewColumn *column,
                                                const char *name);

/* After the columns are added: every header gets an accessible name */
void tf_column_view_setup_headers (GtkColumnView *view);

/* How many characters wide a column must be to show @title uncut */
int tf_column_title_chars (const char *title);

/* GtkStringSorter / GtkNumericSorter over a C getter, for the columns */
GtkSorter *tf_string_sorter_new (GCallback getter);
GtkSorter *tf_numeric_sorter_new (GType type,
                                  GCallback getter);

G_END_DECLS
