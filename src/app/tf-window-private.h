/* tf-window-private.h — the window struct, shared by tf-window*.c and tests
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "tf-filter-store.h"
#include "tf-item-view.h"
#include "tf-meeting-view.h"
#include "tf-scan-source.h"
#include "tf-window.h"

G_BEGIN_DECLS

typedef enum
{
  TF_WINDOW_VIEW_ALL,
  TF_WINDOW_VIEW_QUEUE,
  TF_WINDOW_VIEW_CALENDAR,
  TF_WINDOW_VIEW_MEETINGS,
  TF_WINDOW_VIEW_PROBLEMS,
  TF_WINDOW_VIEW_PAGE, /* a page added with _tf_window_add_page() */
} TfWindowView;

struct _TfWindow
{
  AdwApplicationWindow parent_instance;

  /* Template Widgets */
  GtkStack *detail_stack;
  TfItemView *item_view;
  GtkColumnView *items_view;
  AdwLeaflet *leaflet;
  GtkStack *list_stack;
  AdwViewStack *main_stack;
  AdwStatusPage *missing_page;
  TfMeetingView *meeting_view;
  GtkColumnView *meetings_view;
  GtkPaned *paned;
  GMenu *recent_section;
  GtkLabel *progress_label;
  GtkProgressBar *progress_bar;
  GtkRevealer *progress_revealer;
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;
  GtkListBox *sources_list;
  GtkLabel *summary_label;
  AdwToastOverlay *toast_overlay;
  GtkListBox *views_list;
  AdwWindowTitle *window_title;
  GtkWidget *server_fix_page;
  guint progress_last_done;
  int items_paned_position;      /* while Meetings narrows the list */
  char *last_run_id;             /* the latest repair/hold/resubmit here (Ctrl+Z) */
  guint64 full_copy_offer_bytes; /* tf-window-repair.c: a PST past it gets the
                                  * full-copy offer (tests lower it) */

  /* Owned References */
  GSettings *settings;
  GListStore *sources;                /* TfScanSource, user-opened */
  TfScanSource *all_source;           /* aggregate row "All Sources" */
  GtkFlattenListModel *sidebar_model; /* [all_source] + sources */
  GListStore *source_models;          /* each source's item store */
  GtkFlattenListModel *all_items;
  GtkSortListModel *sort_model; /* base → in order (several sources only) */
  GtkSorter *sorter;            /* tf_list_order_compare() with @order */
  GtkCustomFilter *filter;
  TfFilterStore *filter_model; /* sorted → view + search (tf-filter-store.c) */
  GtkSingleSelection *selection;
  GListStore *meetings; /* TfMeeting */
  GtkCustomFilter *meeting_filter;
  GtkFilterListModel *meeting_filter_model;
  GtkSortListModel *meeting_sort_model;
  GtkSingleSelection *meeting_selection;
  char **search_words; /* lower-case, NULL when no search */
  TfItem *kept_item;   /* the item the user selected (tf-window-list.c) */
  char *kept_path;     /* … and its path, for a rescan */
  guint kept_index;
  TfListOrder order; /* the sources' stores are kept in it (tf-window-list.c) */

  GPtrArray *deferred_scans; /* TfScanSource: scans waiting for the first frame */

  /* Borrowed References */
  TfScanSource *current_source; /* NULL: all sources */
  GdkFrameClock *frame_clock;   /* weak, until the first frame was drawn */
  gulong first_paint_handler;
  guint deferred_scan_timeout;

  TfWindowView view;
  guint summary_source;
  guint meetings_source;
  guint first_problem_source; /* see select_first_problem() */
  guint meetings_dirty : 1;
  guint filtering : 1; /* filter func set: something to filter */
  guint offered_first_problem : 1; /* see select_first_problem() */
  guint scroll_pending : 1;        /* tf-window-list.c */
  guint select_pending : 1;        /* tf-window-list.c */
  guint streaming : 1;             /* tf-window-list.c: a first scan's rows arrive */
  guint sort_attached : 1;         /* tf-window-list.c: sort_model merges sources */
  guint first_frame_drawn : 1;     /* tf-window-sources.c: scans may start */
};

/* tf-window-actions.c */
void _tf_window_class_actions_init (GtkWidgetClass *widget_class);
void _tf_window_actions_init (TfWindow *self);
void _tf_window_actions_update (TfWindow *self);

/* tf-window-repair.c: Repair…, Repair All…, Undo, Undo History */
void _tf_window_repair_class_init (GtkWidgetClass *widget_class);
void _tf_window_repair_init (TfWindow *self);
void _tf_window_repair_update (TfWindow *self);

/* tf-window-list.c: columns, order, sort menu, keeping the selection */
void _tf_window_list_init (TfWindow *self);
void _tf_window_list_dispose (TfWindow *self);
/* Rows arrive in order (TRUE: a first scan), or are there; called when
 * the scans or the scope (a source, or all) change */
void _tf_window_list_update_order (TfWindow *self,
                                   gboolean streaming);
/* TRUE while rows wait to be merged or put in a new order */
gboolean _tf_window_list_is_sorting (TfWindow *self);
/* A new source: its first scan streams rows in the list's order */
void _tf_window_list_add_source (TfWindow *self,
                                 TfScanSource *source);
/* Before the window goes: the sources no longer call back into it */
void _tf_window_list_release_sources (TfWindow *self);
/* Select the first item of the order (when it has a problem) and bring
 * it into view, as soon as the order is there */
void _tf_window_list_select_first (TfWindow *self);

/* tf-window-pst.c: PST/OST items — the Folder column (shown while every
 * item of the scope is from a mailbox file), progress through a big
 * file's messages */
void _tf_window_pst_add_folder_column (TfWindow *self);
void _tf_window_pst_update (TfWindow *self);
char *_tf_window_pst_location (TfWindow *self,
                               TfItem *item);
void _tf_window_show_file_progress (TfWindow *self,
                                    const char *path,
                                    guint n_done,
                                    guint n_total,
                                    guint n_items);

/* tf-window-focus.c: Tab out of the lists, Ctrl+Tab, search → results */
void _tf_window_focus_init (TfWindow *self);

/* tf-window-sources.c: opening, Recent, hives, the sidebar's rows */
void _tf_window_sources_init (TfWindow *self);
void _tf_window_sources_dispose (TfWindow *self);
/* Scans opened before the window's first frame wait for it */
gboolean _tf_window_scans_deferred (TfWindow *self);
GtkWidget *_tf_window_create_source_row (gpointer item,
                                         gpointer user_data);
void _tf_window_sidebar_update_names (TfWindow *self,
                                      guint n_items,
                                      guint n_problems);
void _tf_window_select_view (TfWindow *self,
                             const char *name);

/* tf-window.c: for the files above */
void _tf_window_track_source (TfWindow *self,
                              TfScanSource *source);
void _tf_window_sources_changed (TfWindow *self);

/* tf-window.c: the extension points (see the comment atop tf-window.c) */
void _tf_window_add_page (TfWindow *self,
                          const char *name,
                          const char *title,
                          const char *icon_name,
                          GtkWidget *page);
void _tf_window_add_toast (TfWindow *self,
                           AdwToast *toast);
TfItem *_tf_window_get_selected_item (TfWindow *self);
void _tf_window_item_changed (TfWindow *self,
                              TfItem *item);
gboolean _tf_window_is_scanning (TfWindow *self);
void _tf_window_cancel_scans (TfWindow *self);
void _tf_window_rescan (TfWindow *self);
void _tf_window_focus_search (TfWindow *self);
void _tf_window_show_sidebar (TfWindow *self);
void _tf_window_update_recent_menu (TfWindow *self);
/* (transfer full): the items the list shows, in order */
GListStore *_tf_window_dup_visible_items (TfWindow *self);
void _tf_window_schedule_summary (TfWindow *self);
void _tf_window_rebind_items (TfWindow *self);
/* The list's scope in words: "Queue Messages", "Problems Only in “demo”" */
char *_tf_window_dup_view_title (TfWindow *self);
/* Save dialogs start in the current source's folder, else home */
void _tf_window_set_save_folder (TfWindow *self,
                                 GtkFileChooser *chooser);
/* Focus the next (or previous) of sidebar, list, item view */
void _tf_window_focus_next_pane (TfWindow *self,
                                 gboolean backwards);
gboolean _tf_window_filter_meeting (gpointer item,
                                    gpointer user_data);

G_END_DECLS
