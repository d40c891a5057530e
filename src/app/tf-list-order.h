/* tf-list-order.h — the order of the item list, and sorting in it off the
 * main thread
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tf-item.h"

G_BEGIN_DECLS

typedef enum
{
  TF_LIST_ORDER_DEFAULT, /* severity, sent time (oldest first), path */
  TF_LIST_ORDER_STATUS,  /* the default order's severity (errors first) */
  TF_LIST_ORDER_SUBJECT, /* case-folded, collated */
  TF_LIST_ORDER_SENT,
  TF_LIST_ORDER_FOLDER, /* PST/OST folder path, case-folded, collated */
} TfListOrderKey;

/* A column (or none), ascending or descending; ties always fall back to
 * the default order, ascending, so the order is total */
typedef struct
{
  TfListOrderKey key;
  gboolean descending;
} TfListOrder;

/* The column ids of the sort menu and the headers ("default", "status",
 * "subject", "sent", "folder"); FALSE for an unknown id */
gboolean tf_list_order_init (TfListOrder *order,
                             const char *id,
                             gboolean descending);
gboolean tf_list_order_equal (const TfListOrder *a,
                              const TfListOrder *b);
/* A GCompareDataFunc: two TfItem, @order as the data. Main thread. */
int tf_list_order_compare (gconstpointer a,
                           gconstpointer b,
                           gpointer order);

/* Sorting items in an order off the main thread: what the comparison
 * reads of each item is copied as it is added (on the main thread, in as
 * many slices as the caller likes); collation keys and the sort run on a
 * worker thread, so items may change meanwhile (the caller checks the
 * result still applies) */
typedef struct _TfListSort TfListSort;

TfListSort *tf_list_sort_new (const TfListOrder *order,
                              guint n_items);
void tf_list_sort_add (TfListSort *sort,
                       TfItem *item);
guint tf_list_sort_get_n_items (TfListSort *sort);
void tf_list_sort_free (TfListSort *sort);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TfListSort, tf_list_sort_free)
/* Takes @sort; the result is a GPtrArray of the items (transfer full) */
void tf_list_sort_run_async (TfListSort *sort,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
GPtrArray *tf_list_sort_finish (GAsyncResult *result,
                                GError **error);

G_END_DECLS
