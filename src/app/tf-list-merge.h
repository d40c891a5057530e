/* tf-list-merge.h — merge items into a GListStore kept in order
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Sorts @items (@n object pointers, not consumed) by @compare and inserts
 * them into @store, which must already be in that order: each one after
 * the store's items that compare equal (stable). Items that land next to
 * each other go in with one splice, so views see one ::items-changed per
 * run, never a change of the rows around them. @splice does the
 * insertions when set (a wrapper that marks its own changes), else
 * g_list_store_splice(). */
void tf_list_store_merge_sorted (GListStore *store,
                                 gpointer *items,
                                 guint n,
                                 GCompareDataFunc compare,
                                 gpointer compare_data,
                                 void (*splice) (gpointer splice_data,
                                                 guint position,
                                                 gpointer *additions,
                                                 guint n_additions),
                                 gpointer splice_data);

/* Every item of @model, in order, each with a reference (one loop: a
 * GListStore answers consecutive positions in constant time) */
GPtrArray *tf_list_model_dup_items (GListModel *model);

G_END_DECLS
