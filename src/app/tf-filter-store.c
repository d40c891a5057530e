/* tf-filter-store.c — a filtered list model that lets a list view take in
 * new rows a frame at a time
 *
 * Why not GtkFilterListModel: GTK 4.8's list view keeps widgets for up to
 * 205 rows. After a filter change GtkFilterListModel removes every row
 * and adds the matches a step (512 rows) at a time, several steps between
 * two frames, so one frame builds and measures ~200 new row widgets:
 * 59–100 ms of main-thread CPU at 20,000 and 100,000 rows alike
 * (tests/bench/RESULTS.md, issue 16 §8). This store checks the rows in
 * slices of a few milliseconds while the list keeps its rows, then gives
 * it the matches around the row to keep in view (the selected one, else
 * the first), at most TF_FILTER_STORE_ROWS_PER_FRAME new rows a frame,
 * and the rows past those the list can have widgets for in one change
 * per side. A change of the source (a scan's rows, a rescan, a repair, a
 * new order) is passed on at once, as GtkFilterListModel does.
 *
 * State: three sets of positions in the source. @shown are the rows;
 * @matches the positions the filter matches (as far as checked);
 * @unchecked those it has still to see since it changed. While a change
 * is applied (@applying), @shown is the part of @matches between its
 * first and last row. Outside a change the rows are the matches
 * (@matches_are_rows) and @matches is left as it is: GTK 4.8's
 * gtk_bitset_splice() moves every member after the change one by one, so
 * each set kept through a scan's merges costs O(n) per merge. For the
 * same reason a filter that matches everything keeps no set at all
 * (@all_rows: the rows are the source's, passed through).
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "Trackfix"

#include "config.h"

#include "tf-filter-store.h"

/* Checking rows against a changed filter: per main-loop pass */
#define CHECK_BUDGET_USEC 5000
#define CHECK_SLICE 64
/* Without a widget to pace by: one step this often */
#define STEP_INTERVAL_MS 16
#define NO_ROW G_MAXUINT

struct _TfFilterStore
{
  GObject parent_instance;

  GListModel *source;
  GtkFilter *filter;
  GtkBitset *shown;
  GtkBitset *matches;
  GtkBitset *unchecked;
  guint focus; /* source position to keep in view, or NO_ROW */
  TfFilterStoreFocusFunc focus_func;
  gpointer focus_data;
  GtkWidget *pacer; /* weak */
  gulong unmap_handler;
  guint tick_id;
  guint check_source;
  guint step_source;
  guint pending; /* as last notified */
  guint applying : 1;
  guint matches_are_rows : 1;
  guint all_rows : 1;
  guint refill : 1;    /* the next step replaces the rows around the focus */
  guint refilling : 1; /* while that replacement is emitted */
  /* The last row asked for: views and loops ask row after row */
  guint cache_row;
  guint cache_position;
};

enum
{
  PROP_0,
  PROP_PENDING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TfFilterStore, tf_filter_store, G_TYPE_OBJECT, G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

/* Members of @set in [@start, @start + @n) */
static guint
count_range (const GtkBitset *set,
             guint start,
             guint n)
{
  return n == 0 ? 0 : (guint) gtk_bitset_get_size_in_range (set, start, start + n - 1);
}

static GType
get_item_type (GListModel *model)
{
  TfFilterStore *self = TF_FILTER_STORE (model);

  return g_list_model_get_item_type (self->source);
}

static guint
get_n_items (GListModel *model)
{
  TfFilterStore *self = TF_FILTER_STORE (model);

  if (self->all_rows)
    return g_list_model_get_n_items (self->source);

  return (guint) gtk_bitset_get_size (self->shown);
}

static gpointer
get_item (GListModel *model,
          guint row)
{
  TfFilterStore *self = TF_FILTER_STORE (model);
  GtkBitsetIter iter;
  guint position;

  if (self->all_rows)
    return g_list_model_get_item (self->source, row);
  if (row >= gtk_bitset_get_size (self->shown))
    return NULL;

  if (row == self->cache_row)
    position = self->cache_position;
  else if (self->cache_row == NO_ROW || row != self->cache_row + 1
           || !gtk_bitset_iter_init_at (&iter, self->shown, self->cache_position + 1, &position))
    position = gtk_bitset_get_nth (self->shown, row);
  self->cache_row = row;
  self->cache_position = position;

  return g_list_model_get_item (self->source, position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* Rows changed: tell the views (the row cache goes first) */
static void
emit_rows_changed (TfFilterStore *self,
                   guint row,
                   guint removed,
                   guint added)
{
  self->cache_row = NO_ROW;
  if (removed > 0 || added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), row, removed, added);
}

guint
tf_filter_store_get_pending (TfFilterStore *self)
{
  guint pending;

  g_return_val_if_fail (TF_IS_FILTER_STORE (self), 0);

  pending = (guint) gtk_bitset_get_size (self->unchecked);
  if (self->applying)
    {
      guint n_matches = (guint) gtk_bitset_get_size (self->matches);
      guint n_shown = (guint) gtk_bitset_get_size (self->shown);

      pending += n_matches > n_shown ? n_matches - n_shown : 1;
    }

  return pending;
}

gboolean
tf_filter_store_is_refilling (TfFilterStore *self)
{
  g_return_val_if_fail (TF_IS_FILTER_STORE (self), FALSE);

  return self->refilling;
}

static void
notify_pending (TfFilterStore *self)
{
  guint pending = tf_filter_store_get_pending (self);

  if (pending != self->pending)
    {
      self->pending = pending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
    }
}

static GtkFilterMatch
strictness (TfFilterStore *self)
{
  return self->filter != NULL ? gtk_filter_get_strictness (self->filter) : GTK_FILTER_MATCH_ALL;
}

static gboolean
item_matches (TfFilterStore *self,
              guint position)
{
  g_autoptr (GObject) item = g_list_model_get_item (self->source, position);

  return item != NULL && gtk_filter_match (self->filter, item);
}

/* Applying a change --------------------------------------------------------- */

/* The focus's index among the matches, else 0 (the first row) */
static guint
focus_index (TfFilterStore *self)
{
  if (self->focus == NO_ROW || !gtk_bitset_contains (self->matches, self->focus))
    return 0;

  return count_range (self->matches, 0, self->focus);
}

/* Adds the matches with index [@first, @end) to the rows (not told) */
static void
show_matches (TfFilterStore *self,
              guint first,
              guint end)
{
  g_autoptr (GtkBitset) part = NULL;
  guint low, high;

  if (first >= end)
    return;

  low = gtk_bitset_get_nth (self->matches, first);
  high = gtk_bitset_get_nth (self->matches, end - 1);
  part = gtk_bitset_copy (self->matches);
  if (low > 0)
    gtk_bitset_remove_range_closed (part, 0, low - 1);
  if (high < gtk_bitset_get_maximum (part))
    gtk_bitset_remove_range_closed (part, high + 1, gtk_bitset_get_maximum (part));
  gtk_bitset_union (self->shown, part);
}

/* A change of a few rows goes in as it is, a row at a time: the list
 * keeps all the others, and builds a widget for at most that many */
static gboolean
apply_small_change (TfFilterStore *self)
{
  g_autoptr (GtkBitset) diff = gtk_bitset_copy (self->shown);
  GtkBitsetIter iter;
  guint position;

  gtk_bitset_difference (diff, self->matches);
  if (gtk_bitset_get_size (diff) > TF_FILTER_STORE_ROWS_PER_FRAME)
    return FALSE;

  for (gboolean more = gtk_bitset_iter_init_first (&iter, diff, &position); more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      guint row = count_range (self->shown, 0, position);

      if (gtk_bitset_contains (self->shown, position))
        {
          gtk_bitset_remove (self->shown, position);
          emit_rows_changed (self, row, 1, 0);
        }
      else
        {
          gtk_bitset_add (self->shown, position);
          emit_rows_changed (self, row, 0, 1);
        }
    }

  return TRUE;
}

/* All rows go; the matches around the focus come, half a frame's worth
 * on each side (all of it below the first row) */
static void
refill_around_focus (TfFilterStore *self)
{
  guint n_matches = (guint) gtk_bitset_get_size (self->matches);
  guint n_rows = (guint) gtk_bitset_get_size (self->shown);
  guint focus = focus_index (self);
  guint above = MIN (focus, TF_FILTER_STORE_ROWS_PER_FRAME / 2);
  guint below = MIN (n_matches - focus, TF_FILTER_STORE_ROWS_PER_FRAME - above);

  gtk_bitset_remove_all (self->shown);
  show_matches (self, focus - above, focus + below);
  self->refilling = TRUE;
  emit_rows_changed (self, 0, n_rows, above + below);
  self->refilling = FALSE;
}

/* The next frame's rows on each side of the focus, or all the rest of a
 * side once the list has TF_FILTER_STORE_PACED_ROWS rows there: no list
 * row widget is that far from the focus */
static void
grow (TfFilterStore *self,
      gboolean at_once)
{
  guint n_matches = (guint) gtk_bitset_get_size (self->matches);
  guint first = count_range (self->matches, 0, (guint) gtk_bitset_get_minimum (self->shown));
  guint end = first + (guint) gtk_bitset_get_size (self->shown);
  guint focus = CLAMP (focus_index (self), first, end);
  guint new_first = first;
  guint new_end = end;

  if (at_once)
    {
      new_first = 0;
      new_end = n_matches;
    }
  else
    {
      guint half = TF_FILTER_STORE_ROWS_PER_FRAME / 2;

      if (end < n_matches)
        new_end = end - focus >= TF_FILTER_STORE_PACED_ROWS
                      ? n_matches
                      : MIN (n_matches, end + half + (first == 0 ? half : 0));
      if (first > 0)
        new_first = focus - first >= TF_FILTER_STORE_PACED_ROWS
                        ? 0
                        : first - MIN (first, half + (end == n_matches ? half : 0));
    }

  if (new_end > end)
    {
      show_matches (self, end, new_end);
      emit_rows_changed (self, end - first, 0, new_end - end);
    }
  if (new_first < first)
    {
      show_matches (self, new_first, first);
      emit_rows_changed (self, 0, 0, first - new_first);
    }
}

/* One frame's part of the change (all of it when @at_once: no list
 * shows the rows) */
static void
apply_step (TfFilterStore *self,
            gboolean at_once)
{
  if (self->refill)
    {
      self->refill = FALSE;
      if (!apply_small_change (self))
        {
          if (at_once)
            {
              guint n_rows = (guint) gtk_bitset_get_size (self->shown);

              gtk_bitset_remove_all (self->shown);
              gtk_bitset_union (self->shown, self->matches);
              emit_rows_changed (self, 0, n_rows, (guint) gtk_bitset_get_size (self->shown));
            }
          else
            refill_around_focus (self);
        }
    }
  else if (gtk_bitset_is_empty (self->shown))
    {
      /* The source took all the rows away meanwhile */
      if (!gtk_bitset_is_empty (self->matches))
        refill_around_focus (self);
    }
  else
    grow (self, at_once);

  /* The rows are a part of the matches: the same size means all */
  if (self->applying && !self->refill && gtk_bitset_get_size (self->shown) == gtk_bitset_get_size (self->matches))
    {
      self->applying = FALSE;
      self->matches_are_rows = TRUE;
      gtk_bitset_remove_all (self->matches);
      if (strictness (self) == GTK_FILTER_MATCH_ALL)
        {
          self->all_rows = TRUE;
          gtk_bitset_remove_all (self->shown);
        }
    }
  notify_pending (self);
}

static void schedule_step (TfFilterStore *self);

static gboolean
tick_cb (GtkWidget *widget,
         GdkFrameClock *clock,
         gpointer user_data)
{
  TfFilterStore *self = user_data;

  if (self->applying)
    apply_step (self, FALSE);
  if (self->applying)
    return G_SOURCE_CONTINUE;

  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

static gboolean
step_cb (gpointer user_data)
{
  TfFilterStore *self = user_data;

  self->step_source = 0;
  if (self->applying)
    apply_step (self, self->pacer != NULL && !gtk_widget_get_mapped (self->pacer));
  if (self->applying)
    schedule_step (self);

  return G_SOURCE_REMOVE;
}

/* On the pacer's next frame; without a pacer in a moment; with one that
 * is not shown, all at once as soon as the main loop is idle */
static void
schedule_step (TfFilterStore *self)
{
  if (self->pacer != NULL && gtk_widget_get_mapped (self->pacer))
    {
      if (self->tick_id == 0)
        self->tick_id = gtk_widget_add_tick_callback (self->pacer, tick_cb, self, NULL);
    }
  else if (self->step_source == 0 && self->tick_id == 0)
    self->step_source = self->pacer != NULL ? g_idle_add (step_cb, self)
                                            : g_timeout_add (STEP_INTERVAL_MS, step_cb, self);
}

static void
begin_apply (TfFilterStore *self)
{
  self->applying = TRUE;
  self->refill = TRUE;
  schedule_step (self);
}

/* Checking --------------------------------------------------------------------- */

static gboolean
check_cb (gpointer user_data)
{
  TfFilterStore *self = user_data;
  gint64 deadline = g_get_monotonic_time () + CHECK_BUDGET_USEC;
  GtkBitsetIter iter;
  guint position;

  if (gtk_bitset_iter_init_first (&iter, self->unchecked, &position))
    {
      guint first = position;
      guint last = position;
      guint n = 0;

      do
        {
          if (item_matches (self, position))
            gtk_bitset_add (self->matches, position);
          else
            gtk_bitset_remove (self->matches, position);
          last = position;
          n++;
        }
      while ((n % CHECK_SLICE != 0 || g_get_monotonic_time () < deadline) && gtk_bitset_iter_next (&iter, &position));
      gtk_bitset_remove_range_closed (self->unchecked, first, last);
    }

  if (!gtk_bitset_is_empty (self->unchecked))
    {
      notify_pending (self);
      return G_SOURCE_CONTINUE;
    }

  self->check_source = 0;
  begin_apply (self);
  notify_pending (self);

  return G_SOURCE_REMOVE;
}

/* The row the list keeps in view, as a source position (kept through
 * changes already under way when the list has none) */
static void
remember_focus (TfFilterStore *self)
{
  guint row = self->focus_func != NULL ? self->focus_func (self->focus_data) : GTK_INVALID_LIST_POSITION;

  if (row < gtk_bitset_get_size (self->shown))
    self->focus = gtk_bitset_get_nth (self->shown, row);
  else if (!self->applying && gtk_bitset_is_empty (self->unchecked))
    self->focus = NO_ROW;
}

/* Which rows to check again depends on how the filter changed, as in
 * GtkFilterListModel: a stricter filter only drops rows, a less strict
 * one only adds them */
static void
refilter (TfFilterStore *self,
          GtkFilterChange change)
{
  guint n = g_list_model_get_n_items (self->source);

  if (self->all_rows)
    {
      gtk_bitset_add_range (self->shown, 0, n);
      self->all_rows = FALSE;
    }
  remember_focus (self);
  if (self->matches_are_rows)
    {
      gtk_bitset_remove_all (self->matches);
      gtk_bitset_union (self->matches, self->shown);
      self->matches_are_rows = FALSE;
    }
  switch (strictness (self))
    {
    case GTK_FILTER_MATCH_NONE:
      gtk_bitset_remove_all (self->matches);
      gtk_bitset_remove_all (self->unchecked);
      break;

    case GTK_FILTER_MATCH_ALL:
      gtk_bitset_remove_all (self->unchecked);
      gtk_bitset_add_range (self->matches, 0, n);
      break;

    case GTK_FILTER_MATCH_SOME:
    default:
      if (change == GTK_FILTER_CHANGE_MORE_STRICT)
        gtk_bitset_union (self->unchecked, self->matches);
      else if (change == GTK_FILTER_CHANGE_LESS_STRICT)
        {
          g_autoptr (GtkBitset) others = gtk_bitset_new_range (0, n);

          gtk_bitset_subtract (others, self->matches);
          gtk_bitset_union (self->unchecked, others);
        }
      else
        gtk_bitset_add_range (self->unchecked, 0, n);
      break;
    }

  /* The rows stay as they are until every row is checked */
  self->applying = FALSE;
  self->refill = FALSE;
  g_clear_handle_id (&self->step_source, g_source_remove);
  if (gtk_bitset_is_empty (self->unchecked))
    {
      g_clear_handle_id (&self->check_source, g_source_remove);
      begin_apply (self);
    }
  else if (self->check_source == 0)
    self->check_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, check_cb, self, NULL);
  notify_pending (self);
}

static void
filter_changed_cb (TfFilterStore *self,
                   GtkFilterChange change,
                   GtkFilter *filter)
{
  refilter (self, change);
}

/* Source changes ------------------------------------------------------------ */

/* Checks the rows added at @position; those that match become rows —
 * while a change is under way, only between its first and last row (the
 * rest come with it) */
static void
check_added (TfFilterStore *self,
             guint position,
             guint added,
             gboolean changing)
{
  g_autoptr (GtkBitset) found = gtk_bitset_new_empty ();

  switch (strictness (self))
    {
    case GTK_FILTER_MATCH_ALL:
      gtk_bitset_add_range (found, position, added);
      break;
    case GTK_FILTER_MATCH_NONE:
      break;
    case GTK_FILTER_MATCH_SOME:
    default:
      for (guint i = position; i < position + added; i++)
        {
          if (item_matches (self, i))
            gtk_bitset_add (found, i);
        }
      break;
    }
  if (!self->matches_are_rows)
    gtk_bitset_union (self->matches, found);

  if (changing)
    {
      guint low, high;

      if (gtk_bitset_is_empty (self->shown))
        return;
      low = gtk_bitset_get_minimum (self->shown);
      high = gtk_bitset_get_maximum (self->shown);
      if (low > 0)
        gtk_bitset_remove_range_closed (found, 0, low - 1);
      if (high < position + added)
        gtk_bitset_remove_range_closed (found, high + 1, position + added);
    }
  gtk_bitset_union (self->shown, found);
}

static void
source_items_changed_cb (TfFilterStore *self,
                         guint position,
                         guint removed,
                         guint added,
                         GListModel *source)
{
  guint row, rows_removed;
  gboolean changing = self->applying || !gtk_bitset_is_empty (self->unchecked);

  if (self->all_rows)
    {
      emit_rows_changed (self, position, removed, added);
      return;
    }
  row = count_range (self->shown, 0, position);
  rows_removed = count_range (self->shown, position, removed);

  gtk_bitset_splice (self->shown, position, removed, added);
  if (!self->matches_are_rows)
    gtk_bitset_splice (self->matches, position, removed, added);
  if (!gtk_bitset_is_empty (self->unchecked))
    gtk_bitset_splice (self->unchecked, position, removed, added);
  if (self->focus != NO_ROW && self->focus >= position + removed)
    self->focus = self->focus - removed + added;
  else if (self->focus != NO_ROW && self->focus >= position)
    self->focus = NO_ROW;
  if (added > 0)
    check_added (self, position, added, changing);

  emit_rows_changed (self, row, rows_removed, count_range (self->shown, position, added));
  notify_pending (self);
}

/* Pacer ------------------------------------------------------------------------ */

static void
pacer_gone_cb (gpointer user_data,
               GObject *where_the_object_was)
{
  TfFilterStore *self = user_data;

  self->pacer = NULL;
  self->tick_id = 0;
  self->unmap_handler = 0;
  if (self->applying)
    schedule_step (self);
}

/* Ticks stop while the list is not shown: the rest goes at once */
static void
pacer_unmapped_cb (TfFilterStore *self,
                   GtkWidget *widget)
{
  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (widget, self->tick_id);
  self->tick_id = 0;
  g_debug ("The filtered list is not shown: its rows change at once");
  if (self->applying)
    schedule_step (self);
}

void
tf_filter_store_set_pacer (TfFilterStore *self,
                           GtkWidget *widget)
{
  g_return_if_fail (TF_IS_FILTER_STORE (self));
  g_return_if_fail (widget == NULL || GTK_IS_WIDGET (widget));

  if (self->pacer == widget)
    return;
  if (self->pacer != NULL)
    {
      if (self->tick_id != 0)
        gtk_widget_remove_tick_callback (self->pacer, self->tick_id);
      self->tick_id = 0;
      g_clear_signal_handler (&self->unmap_handler, self->pacer);
      g_object_weak_unref (G_OBJECT (self->pacer), pacer_gone_cb, self);
    }
  self->pacer = widget;
  if (widget != NULL)
    {
      g_object_weak_ref (G_OBJECT (widget), pacer_gone_cb, self);
      self->unmap_handler = g_signal_connect_swapped (widget, "unmap", G_CALLBACK (pacer_unmapped_cb), self);
    }
  g_clear_handle_id (&self->step_source, g_source_remove);
  if (self->applying)
    schedule_step (self);
}

void
tf_filter_store_set_focus_func (TfFilterStore *self,
                                TfFilterStoreFocusFunc func,
                                gpointer user_data)
{
  g_return_if_fail (TF_IS_FILTER_STORE (self));

  self->focus_func = func;
  self->focus_data = user_data;
}

/* Object ----------------------------------------------------------------------- */

static void
tf_filter_store_dispose (GObject *object)
{
  TfFilterStore *self = TF_FILTER_STORE (object);

  tf_filter_store_set_pacer (self, NULL);
  g_clear_handle_id (&self->check_source, g_source_remove);
  g_clear_handle_id (&self->step_source, g_source_remove);
  if (self->source != NULL)
    g_signal_handlers_disconnect_by_func (self->source, source_items_changed_cb, self);
  if (self->filter != NULL)
    g_signal_handlers_disconnect_by_func (self->filter, filter_changed_cb, self);
  g_clear_object (&self->source);
  g_clear_object (&self->filter);

  G_OBJECT_CLASS (tf_filter_store_parent_class)->dispose (object);
}

static void
tf_filter_store_finalize (GObject *object)
{
  TfFilterStore *self = TF_FILTER_STORE (object);

  g_clear_pointer (&self->shown, gtk_bitset_unref);
  g_clear_pointer (&self->matches, gtk_bitset_unref);
  g_clear_pointer (&self->unchecked, gtk_bitset_unref);

  G_OBJECT_CLASS (tf_filter_store_parent_class)->finalize (object);
}

static void
tf_filter_store_get_property (GObject *object,
                              guint prop_id,
                              GValue *value,
                              GParamSpec *pspec)
{
  TfFilterStore *self = TF_FILTER_STORE (object);

  switch (prop_id)
    {
    case PROP_PENDING:
      g_value_set_uint (value, tf_filter_store_get_pending (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tf_filter_store_class_init (TfFilterStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tf_filter_store_dispose;
  object_class->finalize = tf_filter_store_finalize;
  object_class->get_property = tf_filter_store_get_property;

  properties[PROP_PENDING] = g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tf_filter_store_init (TfFilterStore *self)
{
  self->shown = gtk_bitset_new_empty ();
  self->matches = gtk_bitset_new_empty ();
  self->unchecked = gtk_bitset_new_empty ();
  self->focus = NO_ROW;
  self->cache_row = NO_ROW;
  self->matches_are_rows = TRUE;
}

TfFilterStore *
tf_filter_store_new (GListModel *source,
                     GtkFilter *filter)
{
  TfFilterStore *self;
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (source), NULL);
  g_return_val_if_fail (filter == NULL || GTK_IS_FILTER (filter), NULL);

  self = g_object_new (TF_TYPE_FILTER_STORE, NULL);
  self->source = g_object_ref (source);
  self->filter = filter != NULL ? g_object_ref (filter) : NULL;
  g_signal_connect_swapped (source, "items-changed", G_CALLBACK (source_items_changed_cb), self);
  if (filter != NULL)
    g_signal_connect_swapped (filter, "changed", G_CALLBACK (filter_changed_cb), self);

  /* The rows there now are checked at once, as added ones are */
  n = g_list_model_get_n_items (source);
  if (strictness (self) == GTK_FILTER_MATCH_ALL)
    self->all_rows = TRUE;
  else if (n > 0)
    check_added (self, 0, n, FALSE);

  return self;
}
