/* test-filter-store.c — TfFilterStore on its own: after every change it
 * announces, its rows are what it said; they are always in the source's
 * order, exactly the matching rows once nothing is pending; a filter
 * change reaches the list at most a frame's worth of rows at a time near
 * the focus; source changes during a filter change are not lost (issue 16
 * §8; suite 'ui', no window)
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>

#include "tf-filter-store.h"

/* Which numbers match: n % modulus == residue and n < limit */
typedef struct
{
  guint modulus;
  guint residue;
  guint limit;
  guint sleep_usec; /* a slow filter: checking spans main-loop passes */
} Rule;

typedef struct
{
  GListStore *source;
  GtkCustomFilter *filter;
  TfFilterStore *store;
  Rule rule;
  GPtrArray *mirror; /* the rows as the emissions told them */
  guint n_changes;
  guint n_refills;      /* emissions that removed rows and added some */
  guint n_refilling;    /* emissions while the store said it refills */
  guint max_near_added; /* most rows added near the focus by one change */
  guint max_far_added;  /* … far from it */
  gboolean source_busy; /* the test is changing the source */
  GObject *focus_item;  /* what the focus function points at */
  GObject *first_added; /* the first row of the first refill */
  gboolean focus_in_first_refill;
} Fixture;

static guint
item_number (gpointer item)
{
  return (guint) strtoul (gtk_string_object_get_string (item), NULL, 10);
}

static gboolean
rule_matches (gpointer item,
              gpointer user_data)
{
  Rule *rule = user_data;
  guint n = item_number (item);

  if (rule->sleep_usec > 0)
    g_usleep (rule->sleep_usec);

  return n % rule->modulus == rule->residue && n < rule->limit;
}

static GtkStringObject *
number_object (guint n)
{
  g_autofree char *text = g_strdup_printf ("%06u", n);

  return gtk_string_object_new (text);
}

/* The mirror is the store's rows, in the source's order (each row once) */
static void
assert_consistent (Fixture *f)
{
  GListModel *store = G_LIST_MODEL (f->store);
  GListModel *source = G_LIST_MODEL (f->source);
  guint n_source = g_list_model_get_n_items (source);
  guint s = 0;

  g_assert_cmpuint (g_list_model_get_n_items (store), ==, f->mirror->len);
  for (guint i = 0; i < f->mirror->len; i++)
    {
      g_autoptr (GObject) row = g_list_model_get_item (store, i);

      g_assert_true (row == g_ptr_array_index (f->mirror, i));
      /* in order: found further on in the source */
      for (;; s++)
        {
          g_autoptr (GObject) item = NULL;

          g_assert_cmpuint (s, <, n_source);
          item = g_list_model_get_item (source, s);
          if (item == row)
            break;
        }
      s++;
    }
  g_assert_null (g_list_model_get_item (store, f->mirror->len));
}

/* Nothing pending: the rows are exactly the matching ones */
static void
assert_filtered (Fixture *f)
{
  GListModel *source = G_LIST_MODEL (f->source);
  guint r = 0;

  g_assert_cmpuint (tf_filter_store_get_pending (f->store), ==, 0);
  assert_consistent (f);
  for (guint i = 0; i < g_list_model_get_n_items (source); i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (source, i);
      guint sleep = f->rule.sleep_usec;
      gboolean match;

      f->rule.sleep_usec = 0;
      match = rule_matches (item, &f->rule);
      f->rule.sleep_usec = sleep;
      if (!match)
        continue;
      g_assert_cmpuint (r, <, f->mirror->len);
      g_assert_true (g_ptr_array_index (f->mirror, r) == (gpointer) item);
      r++;
    }
  g_assert_cmpuint (r, ==, f->mirror->len);
}

static guint
mirror_index (Fixture *f,
              GObject *item)
{
  guint index;

  if (item != NULL && g_ptr_array_find (f->mirror, item, &index))
    return index;

  return GTK_INVALID_LIST_POSITION;
}

static void
store_changed_cb (GListModel *store,
                  guint position,
                  guint removed,
                  guint added,
                  Fixture *f)
{
  guint focus;

  g_assert_cmpuint (position + removed, <=, f->mirror->len);
  g_ptr_array_remove_range (f->mirror, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (f->mirror, position + i, g_list_model_get_item (store, position + i));
  f->n_changes++;
  assert_consistent (f);
  if (tf_filter_store_is_refilling (TF_FILTER_STORE (store)))
    f->n_refilling++;

  if (f->source_busy)
    {
      /* Source changes pass through; they are never the refill */
      g_assert_false (tf_filter_store_is_refilling (TF_FILTER_STORE (store)));
      return;
    }
  if (removed > 0 && added > 0)
    {
      g_assert_true (tf_filter_store_is_refilling (TF_FILTER_STORE (store)));
      if (f->n_refills++ == 0)
        f->focus_in_first_refill = mirror_index (f, f->focus_item) - position < added;
    }

  /* Rows added by the filter change: a frame's worth near the focus
   * (the first row without one), any number TF_FILTER_STORE_PACED_ROWS
   * away from it */
  focus = mirror_index (f, f->focus_item);
  if (focus == GTK_INVALID_LIST_POSITION)
    focus = 0;
  if (position >= focus + TF_FILTER_STORE_PACED_ROWS
      || (position < focus && focus - (position + added) + 1 >= TF_FILTER_STORE_PACED_ROWS))
    f->max_far_added = MAX (f->max_far_added, added);
  else
    f->max_near_added = MAX (f->max_near_added, added);
}

static guint
focus_row_cb (gpointer user_data)
{
  Fixture *f = user_data;

  return mirror_index (f, f->focus_item);
}

static void
fixture_init (Fixture *f,
              guint n)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  f->rule = (Rule){ .modulus = 1, .residue = 0, .limit = G_MAXUINT };
  f->source = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, number_object (i));
  g_list_store_splice (f->source, 0, 0, items->pdata, items->len);
  f->filter = gtk_custom_filter_new (rule_matches, &f->rule, NULL);
  f->store = tf_filter_store_new (G_LIST_MODEL (f->source), GTK_FILTER (f->filter));
  tf_filter_store_set_focus_func (f->store, focus_row_cb, f);
  f->mirror = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (f->store)); i++)
    g_ptr_array_add (f->mirror, g_list_model_get_item (G_LIST_MODEL (f->store), i));
  g_signal_connect (f->store, "items-changed", G_CALLBACK (store_changed_cb), f);
  assert_filtered (f);
}

static void
fixture_clear (Fixture *f)
{
  g_clear_object (&f->store);
  g_clear_object (&f->filter);
  g_clear_object (&f->source);
  g_clear_object (&f->focus_item);
  g_clear_pointer (&f->mirror, g_ptr_array_unref);
}

static void
reset_counts (Fixture *f)
{
  f->n_changes = 0;
  f->n_refills = 0;
  f->max_near_added = 0;
  f->max_far_added = 0;
  f->focus_in_first_refill = FALSE;
}

static void
wait_done (Fixture *f)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (tf_filter_store_get_pending (f->store) > 0)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, end);
    }
}

static void
change_rule (Fixture *f,
             guint modulus,
             guint residue,
             guint limit,
             GtkFilterChange change)
{
  reset_counts (f);
  f->rule.modulus = modulus;
  f->rule.residue = residue;
  f->rule.limit = limit;
  gtk_filter_changed (GTK_FILTER (f->filter), change);
}

/* From all 5,000 rows to every third and back: the rows stay until every
 * row is checked, then the list gets a frame's worth at a time, the rest
 * far from the first row in one change; "pending" says when it is done */
static void
test_paced (void)
{
  Fixture f = { 0 };
  guint n_before;

  fixture_init (&f, 5000);
  g_assert_cmpuint (f.mirror->len, ==, 5000);

  change_rule (&f, 3, 0, G_MAXUINT, GTK_FILTER_CHANGE_MORE_STRICT);
  g_assert_cmpuint (tf_filter_store_get_pending (f.store), >, 0);
  g_assert_cmpuint (f.mirror->len, ==, 5000);
  wait_done (&f);
  assert_filtered (&f);
  g_assert_cmpuint (f.mirror->len, ==, 1667);
  g_assert_cmpuint (f.n_refills, ==, 1);
  g_assert_cmpuint (f.max_near_added, <=, TF_FILTER_STORE_ROWS_PER_FRAME);
  g_assert_cmpuint (f.max_far_added, >, 1000);
  /* a refill, the frames up to 256 rows, one change for the rest */
  g_assert_cmpuint (f.n_changes, <=, 2 + TF_FILTER_STORE_PACED_ROWS / (TF_FILTER_STORE_ROWS_PER_FRAME / 2));

  /* Back to all: the same way */
  change_rule (&f, 1, 0, G_MAXUINT, GTK_FILTER_CHANGE_LESS_STRICT);
  wait_done (&f);
  assert_filtered (&f);
  g_assert_cmpuint (f.mirror->len, ==, 5000);
  g_assert_cmpuint (f.max_near_added, <=, TF_FILTER_STORE_ROWS_PER_FRAME);

  /* A change of a few rows goes in as it is: one row a change, the
   * others stay */
  n_before = f.mirror->len;
  change_rule (&f, 1, 0, 4990, GTK_FILTER_CHANGE_MORE_STRICT);
  wait_done (&f);
  assert_filtered (&f);
  g_assert_cmpuint (f.mirror->len, ==, n_before - 10);
  g_assert_cmpuint (f.n_changes, ==, 10);
  g_assert_cmpuint (f.n_refills, ==, 0);

  /* Nothing matches, then everything (a filter without a function) */
  change_rule (&f, 1, 0, 0, GTK_FILTER_CHANGE_MORE_STRICT);
  wait_done (&f);
  assert_filtered (&f);
  g_assert_cmpuint (f.mirror->len, ==, 0);
  reset_counts (&f);
  gtk_custom_filter_set_filter_func (f.filter, NULL, NULL, NULL);
  f.rule.limit = G_MAXUINT;
  wait_done (&f);
  assert_filtered (&f);
  g_assert_cmpuint (f.mirror->len, ==, 5000);
  g_assert_cmpuint (f.max_near_added, <=, TF_FILTER_STORE_ROWS_PER_FRAME);

  fixture_clear (&f);
}

/* The focus row (the selected one) comes first, with rows on both sides,
 * and the rows far above and below it come in one change each */
static void
test_focus (void)
{
  Fixture f = { 0 };

  fixture_init (&f, 6000);
  f.focus_item = g_list_model_get_item (G_LIST_MODEL (f.store), 3000);

  change_rule (&f, 2, 0, G_MAXUINT, GTK_FILTER_CHANGE_MORE_STRICT);
  wait_done (&f);
  assert_filtered (&f);
  g_assert_cmpuint (f.n_refills, ==, 1);
  g_assert_cmpuint (f.n_refilling, ==, 1);
  g_assert_false (tf_filter_store_is_refilling (f.store));
  g_assert_true (f.focus_in_first_refill);
  g_assert_cmpuint (f.max_near_added, <=, TF_FILTER_STORE_ROWS_PER_FRAME);
  g_assert_cmpuint (f.max_far_added, >, 1000);
  /* the frames up to 256 rows on each side, then the rest of both */
  g_assert_cmpuint (f.n_changes, <=, 3 + 2 * TF_FILTER_STORE_PACED_ROWS / (TF_FILTER_STORE_ROWS_PER_FRAME / 2));

  /* A focus that no longer matches: the rows start at the first */
  change_rule (&f, 2, 1, G_MAXUINT, GTK_FILTER_CHANGE_DIFFERENT);
  wait_done (&f);
  assert_filtered (&f);
  g_assert_cmpuint (f.max_near_added, <=, TF_FILTER_STORE_ROWS_PER_FRAME);

  fixture_clear (&f);
}

static void
splice_numbers (Fixture *f,
                guint position,
                guint removed,
                guint first,
                guint added)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < added; i++)
    g_ptr_array_add (items, number_object (first + i));
  f->source_busy = TRUE;
  g_list_store_splice (f->source, position, removed, items->pdata, items->len);
  f->source_busy = FALSE;
}

/* Rows added and removed while the filter checks (a slow filter: several
 * main-loop passes) and while the rows reach the list, and a second
 * filter change while the first is applied: every change is consistent,
 * and the end is exactly the matching rows */
static void
test_source_changes (void)
{
  Fixture f = { 0 };
  guint spins = 0;

  fixture_init (&f, 4000);
  f.focus_item = g_list_model_get_item (G_LIST_MODEL (f.store), 2000);

  f.rule.sleep_usec = 20;
  change_rule (&f, 2, 0, G_MAXUINT, GTK_FILTER_CHANGE_MORE_STRICT);
  /* Still checking: the rows are the old ones */
  g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (f.n_changes, ==, 0);
  g_assert_cmpuint (tf_filter_store_get_pending (f.store), >, 1000);
  splice_numbers (&f, 10, 0, 100000, 100);   /* new rows near the top */
  splice_numbers (&f, 2500, 50, 0, 0);       /* rows gone in the middle */
  splice_numbers (&f, 2090, 20, 200000, 20); /* the focus replaced */
  splice_numbers (&f, 4000, 0, 300001, 7);   /* odd rows at the end */
  g_assert_cmpuint (f.n_changes, >, 0);

  /* Wait for the first frame's rows, then change the source again */
  while (f.n_refills == 0 && spins++ < 100000)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (f.n_refills, ==, 1);
  g_assert_cmpuint (tf_filter_store_get_pending (f.store), >, 0);
  splice_numbers (&f, 0, 5, 400000, 30);
  splice_numbers (&f, g_list_model_get_n_items (G_LIST_MODEL (f.source)) - 10, 10, 500000, 40);
  splice_numbers (&f, 1500, 100, 600000, 100);
  g_main_context_iteration (NULL, FALSE);

  /* and the filter: every fourth row of those */
  change_rule (&f, 4, 0, G_MAXUINT, GTK_FILTER_CHANGE_MORE_STRICT);
  g_main_context_iteration (NULL, FALSE);
  splice_numbers (&f, 100, 0, 700000, 64);
  wait_done (&f);
  assert_filtered (&f);

  /* A source change with nothing pending passes straight through */
  f.rule.sleep_usec = 0;
  reset_counts (&f);
  splice_numbers (&f, 0, 0, 800000, 400);
  g_assert_cmpuint (f.n_changes, ==, 1);
  g_assert_cmpuint (tf_filter_store_get_pending (f.store), ==, 0);
  assert_filtered (&f);

  fixture_clear (&f);
}

/* Without a filter the store is the source, row for row */
static void
test_no_filter (void)
{
  g_autoptr (GListStore) source = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  g_autoptr (TfFilterStore) store = NULL;
  g_autoptr (GtkStringObject) a = number_object (1);
  g_autoptr (GtkStringObject) b = number_object (2);
  g_autoptr (GObject) row = NULL;

  g_list_store_append (source, a);
  store = tf_filter_store_new (G_LIST_MODEL (source), NULL);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (store)) == GTK_TYPE_STRING_OBJECT);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
  g_list_store_insert (source, 0, b);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);
  row = g_list_model_get_item (G_LIST_MODEL (store), 0);
  g_assert_true (row == (gpointer) b);
  g_assert_cmpuint (tf_filter_store_get_pending (store), ==, 0);
}

int
main (int argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/filter-store/paced", test_paced);
  g_test_add_func ("/filter-store/focus", test_focus);
  g_test_add_func ("/filter-store/source-changes", test_source_changes);
  g_test_add_func ("/filter-store/no-filter", test_no_filter);

  return g_test_run ();
}
