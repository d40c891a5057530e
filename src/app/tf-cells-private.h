/* tf-cells-private.h — label cells for the small tables of one item or
 * meeting (recipients, attendees)
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "tf-columns-private.h"

G_BEGIN_DECLS

/*
 * Unlike tf_column_view_add_text_column(), whose GtkInscriptions keep every
 * row of a 100,000-item list the same height, these cells are GtkLabels
 * that let their row grow: for tables of a few dozen rows, where a cut-off
 * reason is worse than a taller row.
 */

/* Two lines: the primary text (a name), and the secondary below it in
 * small dim type (an address; a time). Only the secondary when there is
 * no primary. @tooltip_func is optional. */
GtkColumnViewColumn *tf_cells_add_two_line_column (GtkColumnView *view,
                                                   const char *id,
                                                   const char *title,
                                                   TfCellTextFunc primary_func,
                                                   TfCellTextFunc secondary_func,
                                                   TfCellTextFunc tooltip_func,
                                                   int min_chars,
                                                   int max_chars,
                                                   gpointer user_data);

/* Text that wraps onto as many lines as it needs once the column is
 * narrower than @max_chars, after an optional icon (as in
 * tf_column_view_add_text_column()). This column expands; two-line
 * columns do not. */
GtkColumnViewColumn *tf_cells_add_wrap_column (GtkColumnView *view,
                                               const char *id,
                                               const char *title,
                                               TfCellTextFunc text_func,
                                               TfCellTextFunc tooltip_func,
                                               TfCellIconFunc icon_func,
                                               int min_chars,
                                               int max_chars,
                                               gpointer user_data);

G_END_DECLS
