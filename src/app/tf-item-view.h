/* tf-item-view.h — the right pane: one item's summary, recipients, findings, raw
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tf-item.h"

G_BEGIN_DECLS

#define TF_TYPE_ITEM_VIEW (tf_item_view_get_type ())

G_DECLARE_FINAL_TYPE (TfItemView, tf_item_view, TF, ITEM_VIEW, GtkWidget)

GtkWidget *tf_item_view_new (void);
TfItem *tf_item_view_get_item (TfItemView *self);
void tf_item_view_set_item (TfItemView *self,
                            TfItem *item);
gboolean tf_item_view_get_local_time (TfItemView *self);
void tf_item_view_set_local_time (TfItemView *self,
                                  gboolean local_time);
/* The recipients table (tests read it) */
GtkColumnView *tf_item_view_get_recipients_view (TfItemView *self);
/* Text shown in the track-status time cell of @recipient, e.g.
 * "1601-01-01 00:00:00 — Exchange 2003 cannot convert this update (KB 938650)" */
char *tf_item_view_dup_track_time_text (TfItemView *self,
                                        TfRecipient *recipient);
/* TRUE for an item of an OST file with something the repair engine would
 * fix in a PST: OST files are never written, the view says why */
gboolean tf_item_view_item_is_unwritable_ost (TfItem *item);
/* A box at the end of the view's bar where other features (repair) put
 * their buttons. */
GtkBox *tf_item_view_get_action_box (TfItemView *self);

G_END_DECLS
