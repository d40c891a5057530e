/* tf-filter-store.h — a filtered list model that lets a list view take in
 * new rows a frame at a time
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* At most this many new rows reach the list per frame while a filter
 * change is applied around the focus row … */
#define TF_FILTER_STORE_ROWS_PER_FRAME 48
/* … until this many rows are there on each side of it (GTK 4.8's list
 * view keeps widgets for up to 205 rows on one side of its anchor); the
 * rest then come in one change per side */
#define TF_FILTER_STORE_PACED_ROWS 256

#define TF_TYPE_FILTER_STORE (tf_filter_store_get_type ())

G_DECLARE_FINAL_TYPE (TfFilterStore, tf_filter_store, TF, FILTER_STORE, GObject)

/* The row (a position in the store) the list should keep in view across
 * a filter change, or GTK_INVALID_LIST_POSITION */
typedef guint (*TfFilterStoreFocusFunc) (gpointer user_data);

/* The rows of @source that @filter matches, in @source's order (both are
 * referenced; @filter may be NULL: every row) */
TfFilterStore *tf_filter_store_new (GListModel *source,
                                    GtkFilter *filter);
/* Rows still to check or to hand to the list after a filter change; 0
 * when the store holds exactly the matching rows ("pending" property) */
guint tf_filter_store_get_pending (TfFilterStore *self);
/* TRUE during the items-changed emission in which a filter change
 * replaces all rows with the few around the focus row: a view can bring
 * that row into view while the list holds only those */
gboolean tf_filter_store_is_refilling (TfFilterStore *self);
/* The widget whose frames pace the rows a filter change adds (the list
 * view); without one, or while it is not mapped, the rows come at 16 ms
 * intervals, or at once when the widget is not mapped */
void tf_filter_store_set_pacer (TfFilterStore *self,
                                GtkWidget *widget);
void tf_filter_store_set_focus_func (TfFilterStore *self,
                                     TfFilterStoreFocusFunc func,
                                     gpointer user_data);

G_END_DECLS
