/* tf-list-order.c — the order of the item list, and sorting in it off the
 * main thread
 *
 * Why not GtkSortListModel: GTK 4.8's sort model keys and sorts every row
 * on the main thread whenever its sorter is set or changes (at 100,000
 * rows: 80–120 ms in one step when a scan ended, 280 ms steps when sorted
 * by subject) and has no way to take rows known to be in order. The
 * window keeps each source's store in this order instead: a first scan
 * merges its rows in (tf-list-merge.c), a change of order or a rescan
 * sorts a snapshot here on a worker thread and swaps it in.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tf-labels-private.h"
#include "tf-list-order.h"

static const char *const order_ids[] = {
  [TF_LIST_ORDER_DEFAULT] = "default",
  [TF_LIST_ORDER_STATUS] = "status",
  [TF_LIST_ORDER_SUBJECT] = "subject",
  [TF_LIST_ORDER_SENT] = "sent",
  [TF_LIST_ORDER_FOLDER] = "folder",
};

gboolean
tf_list_order_init (TfListOrder *order,
                    const char *id,
                    gboolean descending)
{
  g_return_val_if_fail (order != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (order_ids); i++)
    if (g_strcmp0 (id, order_ids[i]) == 0)
      {
        order->key = i;
        /* Without a column there is nothing to reverse (as
         * gtk_column_view_sort_by_column (view, NULL, …)) */
        order->descending = i != TF_LIST_ORDER_DEFAULT && descending;
        return TRUE;
      }

  order->key = TF_LIST_ORDER_DEFAULT;
  order->descending = FALSE;
  return FALSE;
}

gboolean
tf_list_order_equal (const TfListOrder *a,
                     const TfListOrder *b)
{
  return a->key == b->key && a->descending == b->descending;
}

/* What the order reads of an item */
typedef struct
{
  TfItem *item;
  const char *path; /* the item's own: a path never changes */
  char *text;       /* subject or folder: a copy, then its collation key */
  gint64 sent;
  guint rank;
  guint mbox_index;
} Entry;

static char *
order_text (TfItem *item,
            TfListOrderKey key)
{
  const char *text = NULL;

  if (key == TF_LIST_ORDER_SUBJECT)
    text = tf_item_get_subject (item);
  else if (key == TF_LIST_ORDER_FOLDER)
    text = tf_item_get_folder (item);
  else
    return NULL;

  return g_strdup (text ?: "");
}

/* As GtkStringSorter (4.8) with ignore-case: case-folded, then collated */
static char *
collation_key (const char *text)
{
  g_autofree char *folded = g_utf8_casefold (text, -1);

  return g_utf8_collate_key (folded, -1);
}

static void
entry_init (Entry *entry,
            TfItem *item,
            TfListOrderKey key)
{
  entry->item = item;
  entry->path = tf_item_get_path (item);
  entry->text = order_text (item, key);
  entry->sent = tf_item_get_sent (item);
  entry->rank = tf_labels_item_rank (item);
  entry->mbox_index = tf_item_get_mbox_index (item);
}

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 \
                                              : 0)

/* Severity (the KB 938650 cases first), then sent time (oldest first;
 * unknown last), then path: scans deliver items in the order worker
 * threads finish, so without it the list order changes on every start
 * and rescan */
static int
compare_default (const Entry *a,
                 const Entry *b)
{
  gint64 sent_a = a->sent == G_MININT64 ? G_MAXINT64 : a->sent;
  gint64 sent_b = b->sent == G_MININT64 ? G_MAXINT64 : b->sent;
  int cmp;

  if (a->rank != b->rank)
    return a->rank > b->rank ? -1 : 1;
  if (sent_a != sent_b)
    return CMP (sent_a, sent_b);
  cmp = strcmp (a->path, b->path);
  if (cmp != 0)
    return cmp < 0 ? -1 : 1;

  return CMP (a->mbox_index, b->mbox_index);
}

/* @text holds collation keys */
static int
compare_entries (const Entry *a,
                 const Entry *b,
                 const TfListOrder *order)
{
  int cmp = 0;

  switch (order->key)
    {
    case TF_LIST_ORDER_STATUS:
      /* Ascending puts errors first */
      cmp = -CMP (a->rank, b->rank);
      break;
    case TF_LIST_ORDER_SUBJECT:
    case TF_LIST_ORDER_FOLDER:
      cmp = strcmp (a->text, b->text);
      cmp = CMP (cmp, 0);
      break;
    case TF_LIST_ORDER_SENT:
      cmp = CMP (a->sent, b->sent);
      break;
    case TF_LIST_ORDER_DEFAULT:
    default:
      break;
    }
  if (cmp != 0)
    return order->descending ? -cmp : cmp;

  return compare_default (a, b);
}

int
tf_list_order_compare (gconstpointer a,
                       gconstpointer b,
                       gpointer user_data)
{
  const TfListOrder *order = user_data;
  Entry entry_a;
  Entry entry_b;
  int cmp;

  entry_init (&entry_a, (TfItem *) a, order->key);
  entry_init (&entry_b, (TfItem *) b, order->key);
  if (entry_a.text != NULL)
    {
      g_autofree char *key_a = collation_key (entry_a.text);
      g_autofree char *key_b = collation_key (entry_b.text);

      g_free (entry_a.text);
      g_free (entry_b.text);
      entry_a.text = g_steal_pointer (&key_a);
      entry_b.text = g_steal_pointer (&key_b);
    }
  cmp = compare_entries (&entry_a, &entry_b, order);
  g_free (entry_a.text);
  g_free (entry_b.text);

  return cmp;
}

/* Sorting off the main thread -------------------------------------------- */

struct _TfListSort
{
  TfListOrder order;
  Entry *entries;
  guint n;
  guint size;
};

TfListSort *
tf_list_sort_new (const TfListOrder *order,
                  guint n_items)
{
  TfListSort *sort = g_new0 (TfListSort, 1);

  g_return_val_if_fail (order != NULL, NULL);

  sort->order = *order;
  sort->size = MAX (n_items, 1);
  sort->entries = g_new0 (Entry, sort->size);
  return sort;
}

void
tf_list_sort_add (TfListSort *sort,
                  TfItem *item)
{
  g_return_if_fail (sort != NULL);
  g_return_if_fail (TF_IS_ITEM (item));
  /* g_qsort_with_data() counts in gint */
  g_return_if_fail (sort->n < G_MAXINT);

  if (sort->n == sort->size)
    {
      sort->size = sort->size > G_MAXINT / 2 ? G_MAXINT : sort->size * 2;
      sort->entries = g_renew (Entry, sort->entries, sort->size);
    }
  entry_init (&sort->entries[sort->n++], g_object_ref (item), sort->order.key);
}

guint
tf_list_sort_get_n_items (TfListSort *sort)
{
  g_return_val_if_fail (sort != NULL, 0);

  return sort->n;
}

void
tf_list_sort_free (TfListSort *sort)
{
  if (sort == NULL)
    return;
  for (guint i = 0; i < sort->n; i++)
    {
      g_clear_object (&sort->entries[i].item);
      g_free (sort->entries[i].text);
    }
  g_free (sort->entries);
  g_free (sort);
}

static int
compare_entries_cb (gconstpointer a,
                    gconstpointer b,
                    gpointer order)
{
  return compare_entries (a, b, order);
}

static void
sort_thread (GTask *task,
             gpointer source_object,
             gpointer task_data,
             GCancellable *cancellable)
{
  TfListSort *sort = task_data;
  GPtrArray *sorted;

  for (guint i = 0; i < sort->n; i++)
    if (sort->entries[i].text != NULL)
      {
        char *key = collation_key (sort->entries[i].text);

        g_free (sort->entries[i].text);
        sort->entries[i].text = key;
      }
  if (g_task_return_error_if_cancelled (task))
    return;

  g_qsort_with_data (sort->entries, (gint) sort->n, sizeof (Entry), compare_entries_cb, &sort->order);

  sorted = g_ptr_array_new_full (sort->n, g_object_unref);
  for (guint i = 0; i < sort->n; i++)
    g_ptr_array_add (sorted, g_steal_pointer (&sort->entries[i].item));
  g_task_return_pointer (task, sorted, (GDestroyNotify) g_ptr_array_unref);
}

void
tf_list_sort_run_async (TfListSort *sort,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (sort != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tf_list_sort_run_async);
  g_task_set_task_data (task, sort, (GDestroyNotify) tf_list_sort_free);
  g_task_run_in_thread (task, sort_thread);
}

GPtrArray *
tf_list_sort_finish (GAsyncResult *result,
                     GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
