/* test-window.c — the main window under Xvfb (suite 'ui')
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE /* RUSAGE_THREAD */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <sys/resource.h>

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "tf-application.h"
#include "tf-fixturegen.h"
#include "tf-item-view.h"
#include "tf-meeting-view.h"
#include "tf-meetings.h"
#include "tf-scanner.h"
#include "tf-window-private.h"
#include "tf-ui-test.h"

static char *demo_dir;
static TfApplication *app;

static gboolean
filter_done (gpointer data)
{
  TfWindow *self = data;

  return tf_filter_store_get_pending (self->filter_model) == 0 && self->summary_source == 0;
}

/* What the core says about the same folder: the oracle for the counts */
static void
expected_counts (guint *n_items,
                 guint *n_problems,
                 guint *n_1601)
{
  g_autoptr (TfScanner) scanner = tf_scanner_new ();
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) error = NULL;
  const char *paths[] = { demo_dir, NULL };

  items = tf_scanner_scan_sync (scanner, paths, NULL, NULL, &error);
  g_assert_no_error (error);

  *n_items = items->len;
  *n_problems = 0;
  *n_1601 = 0;
  for (guint i = 0; i < items->len; i++)
    {
      TfItem *item = g_ptr_array_index (items, i);

      if (tf_item_get_n_problems (item) > 0)
        (*n_problems)++;
      if (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601))
        (*n_1601)++;
    }
}

static TfWindow *
open_demo_window (void)
{
  TfWindow *window;
  g_autoptr (GFile) dir = g_file_new_for_path (demo_dir);

  window = tf_window_new (ADW_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));

  tf_window_open_files (window, &dir, 1);
  tf_ui_test_spin_until (tf_ui_test_scan_done, window, 60000);

  return window;
}

static void
close_window (TfWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  tf_ui_test_spin_for (50);
}

static void
test_window_empty (void)
{
  TfWindow *window;

  window = tf_window_new (ADW_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (window));
  tf_ui_test_spin_for (100);

  /* First run: the status page invites to open something */
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->main_stack), ==, "welcome");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (window)) == FALSE);

  close_window (window);
}

static gboolean
has_selection (gpointer data)
{
  TfWindow *window = data;

  return gtk_single_selection_get_selected_item (window->selection) != NULL;
}

static void
test_window_scan_counts (void)
{
  TfWindow *window = open_demo_window ();
  guint n_items, n_problems, n_1601;

  expected_counts (&n_items, &n_problems, &n_1601);
  g_assert_cmpuint (n_items, >, 0);
  g_assert_cmpuint (n_1601, >, 0);

  g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->main_stack), ==, "browser");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->selection)), ==, n_items);
  g_assert_cmpuint (tf_scan_source_get_n_items (window->all_source), ==, n_items);
  g_assert_cmpuint (tf_scan_source_get_n_problems (window->all_source), ==, n_problems);

  /* The first stuck update is shown without a click, once the sort model
   * has checked the order (an idle step: slow under ASan) */
  tf_ui_test_spin_until (has_selection, window, 10000);
  {
    TfItem *selected = gtk_single_selection_get_selected_item (window->selection);
    guint position = gtk_single_selection_get_selected (window->selection);

    g_assert_nonnull (selected);
    g_assert_true (tf_item_has_finding (selected, TF_FINDING_TRACK_TIME_1601));
    for (guint i = 0; i < position; i++)
      {
        g_autoptr (TfItem) before = g_list_model_get_item (G_LIST_MODEL (window->selection), i);

        g_assert_false (tf_item_has_finding (before, TF_FINDING_TRACK_TIME_1601));
      }
    g_assert_cmpstr (gtk_stack_get_visible_child_name (window->detail_stack), ==, "item");
  }

  /* Problems Only shows exactly the items with problems */
  gtk_list_box_select_row (window->views_list, gtk_list_box_get_row_at_index (window->views_list, 4));
  tf_ui_test_spin_until (filter_done, window, 10000);
  g_assert_cmpint (window->view, ==, TF_WINDOW_VIEW_PROBLEMS);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->selection)), ==, n_problems);

  close_window (window);
}

static void
test_window_1601_row (void)
{
  TfWindow *window = open_demo_window ();
  GListModel *model = G_LIST_MODEL (window->selection);
  guint n = g_list_model_get_n_items (model);
  TfItem *affected = NULL;
  TfRecipient *row_1601 = NULL;
  g_autofree char *text = NULL;

  for (guint i = 0; i < n && affected == NULL; i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (model, i);

      if (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601))
        {
          affected = item;
          gtk_single_selection_set_selected (window->selection, i);
        }
    }
  g_assert_nonnull (affected);
  tf_ui_test_spin_for (100);

  g_assert_true (tf_item_view_get_item (window->item_view) == affected);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->detail_stack), ==, "item");

  for (guint i = 0; i < tf_item_get_n_recipients (affected); i++)
    {
      TfRecipient *recipient = tf_item_get_recipient (affected, i);

      if (tf_recipient_get_has_track_time (recipient) && tf_recipient_get_track_time (recipient) == TF_FILETIME_1601)
        row_1601 = recipient;
    }
  g_assert_nonnull (row_1601);

  text = tf_item_view_dup_track_time_text (window->item_view, row_1601);
  g_assert_cmpstr (text, ==, "1601-01-01 00:00:00 — Exchange 2003 cannot convert this update (KB 938650)");

  /* The recipients table shows the item's rows */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (tf_item_view_get_recipients_view (window->item_view)))),
                    ==, tf_item_get_n_recipients (affected));

  close_window (window);
}

static void
test_window_search (void)
{
  TfWindow *window = open_demo_window ();
  guint n_all = g_list_model_get_n_items (G_LIST_MODEL (window->selection));
  guint n_match;
  guint n_expected = 0;

  for (guint i = 0; i < n_all; i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (G_LIST_MODEL (window->selection), i);

      if (strstr (tf_item_get_search_text (item), "track_time_1601") != NULL)
        n_expected++;
    }
  g_assert_cmpuint (n_expected, >, 0);
  g_assert_cmpuint (n_expected, <, n_all);

  /* Finding codes are searchable; case does not matter */
  gtk_editable_set_text (GTK_EDITABLE (window->search_entry), "TRACK_TIME_1601");
  g_signal_emit_by_name (window->search_entry, "search-changed");
  tf_ui_test_spin_until (filter_done, window, 10000);
  n_match = g_list_model_get_n_items (G_LIST_MODEL (window->selection));
  g_assert_cmpuint (n_match, ==, n_expected);

  /* Words are ANDed; a word nothing has empties the list */
  gtk_editable_set_text (GTK_EDITABLE (window->search_entry), "track_time_1601 zzzz-no-such-word");
  g_signal_emit_by_name (window->search_entry, "search-changed");
  tf_ui_test_spin_until (filter_done, window, 10000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->selection)), ==, 0);

  gtk_editable_set_text (GTK_EDITABLE (window->search_entry), "");
  g_signal_emit_by_name (window->search_entry, "search-changed");
  tf_ui_test_spin_until (filter_done, window, 10000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->selection)), ==, n_all);

  close_window (window);
}

static void
test_window_meetings (void)
{
  TfWindow *window = open_demo_window ();
  GListModel *meetings;
  guint n;
  gboolean found_multi = FALSE;
  GHashTable *keys = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_keyed_items = 0;
  guint n_grouped_items = 0;
  guint n_all = g_list_model_get_n_items (G_LIST_MODEL (window->selection));

  for (guint i = 0; i < n_all; i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (G_LIST_MODEL (window->selection), i);

      if (tf_item_get_meeting_key (item) != NULL)
        {
          g_hash_table_add (keys, (gpointer) tf_item_get_meeting_key (item));
          n_keyed_items++;
        }
    }

  gtk_list_box_select_row (window->views_list, gtk_list_box_get_row_at_index (window->views_list, 3));
  tf_ui_test_spin_for (100);
  g_assert_cmpint (window->view, ==, TF_WINDOW_VIEW_MEETINGS);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->list_stack), ==, "meetings");

  meetings = G_LIST_MODEL (window->meeting_selection);
  n = g_list_model_get_n_items (meetings);
  /* At most one row per distinct key: the core also merges a GOID that
   * wraps a UID with that UID (see test-meetings) */
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (n, <=, g_hash_table_size (keys));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TfMeeting) meeting = g_list_model_get_item (meetings, i);
      guint n_items = tf_meeting_get_n_items (meeting);

      n_grouped_items += n_items;
      if (n_items > 1 && tf_meeting_get_n_copies (meeting) > 1 && !found_multi)
        {
          GListModel *attendees;
          gboolean has_msg = FALSE;
          gboolean has_eml = FALSE;

          /* Copies from different files (the organizer's .msg and the
           * queue message) are one row */
          for (guint j = 0; j < n_items; j++)
            {
              g_autoptr (TfItem) item = g_list_model_get_item (tf_meeting_get_items (meeting), j);

              has_msg |= tf_item_get_format (item) == TF_FORMAT_MSG;
              has_eml |= tf_item_get_format (item) == TF_FORMAT_EML;
            }
          g_assert_true (has_msg && has_eml);

          found_multi = TRUE;
          gtk_single_selection_set_selected (window->meeting_selection, i);
          tf_ui_test_spin_for (50);
          g_assert_cmpstr (gtk_stack_get_visible_child_name (window->detail_stack), ==, "meeting");
          attendees = tf_meeting_view_get_attendees (window->meeting_view);
          g_assert_nonnull (attendees);
          g_assert_cmpuint (g_list_model_get_n_items (attendees), >, 0);
        }
    }
  g_assert_true (found_multi);
  /* Copies are grouped, not dropped (NDRs may join by subject) */
  g_assert_cmpuint (n_grouped_items, >=, n_keyed_items);

  g_hash_table_unref (keys);
  close_window (window);
}

typedef struct
{
  TfWindow *window;
  TfScanSource *source;
  guint n;
} WatchWait;

static gboolean
watching_n (gpointer data)
{
  WatchWait *wait = data;

  return tf_scan_source_get_n_watched (wait->source) == wait->n;
}

static gboolean
list_has_n (gpointer data)
{
  WatchWait *wait = data;

  return tf_ui_test_scan_done (wait->window) && g_list_model_get_n_items (G_LIST_MODEL (wait->window->selection)) == wait->n;
}

/* An Exchange pickup folder has Queue/ and BadMail/ below it: a file that
 * arrives in a subfolder shows in the list without a manual rescan, and
 * so do files in a subfolder created after the folder was opened. */
static void
test_window_watch_subfolders (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("trackfix-watch-XXXXXX", &error);
  g_autofree char *queue = NULL;
  g_autofree char *badmail = NULL;
  g_autofree char *later = NULL;
  g_autoptr (TfScanSource) source = NULL;
  TfWindow *window;
  WatchWait wait;

  g_assert_no_error (error);
  queue = g_build_filename (dir, "Queue", NULL);
  badmail = g_build_filename (dir, "BadMail", NULL);
  g_assert_cmpint (g_mkdir (queue, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (badmail, 0755), ==, 0);
  tf_ui_test_write_sample (dir, "eml-tnef-healthy", "NTFS_00.EML");

  window = tf_ui_test_open_folder (ADW_APPLICATION (app), dir);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->selection)), ==, 1);

  /* The folder and both subfolders have a monitor */
  source = g_list_model_get_item (G_LIST_MODEL (window->sources), 0);
  wait = (WatchWait){ window, source, 3 };
  tf_ui_test_spin_until (watching_n, &wait, 10000);

  tf_ui_test_write_sample (queue, "eml-tnef-1601", "NTFS_01.EML");
  wait.n = 2;
  tf_ui_test_spin_until (list_has_n, &wait, 20000);
  g_assert_cmpuint (tf_scan_source_get_n_items (source), ==, 2);
  g_assert_cmpuint (tf_scan_source_get_n_problems (source), ==, 1);

  /* A subfolder made now is watched after the rescan that it caused */
  later = g_build_filename (badmail, "Retry", NULL);
  g_assert_cmpint (g_mkdir (later, 0755), ==, 0);
  wait.n = 4;
  tf_ui_test_spin_until (watching_n, &wait, 20000);
  tf_ui_test_spin_until (tf_ui_test_scan_done, window, 20000);
  tf_ui_test_write_sample (later, "msg-1601", "stuck.msg");
  wait.n = 3;
  tf_ui_test_spin_until (list_has_n, &wait, 20000);
  g_assert_cmpuint (tf_scan_source_get_n_problems (source), ==, 2);

  close_window (window);
  g_clear_object (&source);
  {
    const char *paths[] = { "Queue/NTFS_01.EML", "BadMail/Retry/stuck.msg", "NTFS_00.EML", NULL };
    const char *dirs[] = { "BadMail/Retry", "BadMail", "Queue", NULL };

    for (guint i = 0; paths[i] != NULL; i++)
      {
        g_autofree char *path = g_build_filename (dir, paths[i], NULL);
        g_remove (path);
      }
    for (guint i = 0; dirs[i] != NULL; i++)
      {
        g_autofree char *path = g_build_filename (dir, dirs[i], NULL);
        g_rmdir (path);
      }
    g_rmdir (dir);
  }
}

/* A tree with more folders than monitors: the watch stops at the cap
 * (MAX_MONITORS in tf-scan-source.c) instead of using up inotify watches */
static void
test_window_watch_cap (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("trackfix-watch-cap-XXXXXX", &error);
  g_autoptr (GFile) file = NULL;
  g_autoptr (TfScanSource) source = NULL;
  TfWindow *window;
  WatchWait wait;

  g_assert_no_error (error);
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *name = g_strdup_printf ("%03u", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
    }

  window = tf_window_new (ADW_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (window));
  file = g_file_new_for_path (dir);
  tf_window_open_files (window, &file, 1);
  tf_ui_test_spin_until (tf_ui_test_scan_done, window, 60000);
  source = g_list_model_get_item (G_LIST_MODEL (window->sources), 0);
  wait = (WatchWait){ window, source, 256 };
  tf_ui_test_spin_until (watching_n, &wait, 20000);
  tf_ui_test_spin_for (200);
  g_assert_cmpuint (tf_scan_source_get_n_watched (source), ==, 256);

  close_window (window);
  g_clear_object (&source);
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *name = g_strdup_printf ("%03u", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_rmdir (path);
    }
  g_rmdir (dir);
}

static void
save_snapshot (GtkWidget *widget,
               const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ?: ".", name, NULL);

  g_assert_true (tf_ui_test_render_png (widget, path));
  g_test_message ("Window rendered to %s", path);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_window_render_png (void)
{
  TfWindow *window = open_demo_window ();
  GListModel *model = G_LIST_MODEL (window->selection);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (model, i);

      if (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601))
        {
          gtk_single_selection_set_selected (window->selection, i);
          break;
        }
    }
  tf_ui_test_spin_for (300);

  save_snapshot (GTK_WIDGET (window), "window.png");

  close_window (window);
}

/* Without a GPU the window draws with cairo. On X11 a frame that redraws
 * the whole window after an idle spell wrote ~1,900 pages new to the
 * process (a fresh heap buffer and a fresh shared-memory segment), each
 * ~16 µs on the VM of tests/bench/RESULTS.md, until tf-frame-warmup.c
 * kept them. Counted in the main thread's page faults, not timed. */
typedef struct
{
  long start;
  long faults;
  guint n_frames;
} FrameFaults;

static long
thread_minor_faults (void)
{
  struct rusage usage;

  getrusage (RUSAGE_THREAD, &usage);
  return usage.ru_minflt;
}

static void
before_paint_cb (GdkFrameClock *clock,
                 FrameFaults *f)
{
  f->start = thread_minor_faults ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                FrameFaults *f)
{
  f->faults = thread_minor_faults () - f->start;
  f->n_frames++;
}

static gboolean
frame_done (gpointer data)
{
  return ((FrameFaults *) data)->n_frames > 0;
}

/* Starts counting the page faults of the next frame of @widget's clock */
static void
count_next_frame (GtkWidget *widget,
                  FrameFaults *f)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), f);
  g_signal_connect_after (clock, "after-paint", G_CALLBACK (after_paint_cb), f);
}

static void
stop_counting (GtkWidget *widget,
               FrameFaults *f)
{
  g_signal_handlers_disconnect_by_data (gtk_widget_get_frame_clock (widget), f);
}

/* The warm-up keeps buffers of glibc's allocator; under AddressSanitizer
 * the image's buffer comes from its allocator instead */
static gboolean
draws_with_cairo_on_x11 (GtkWidget *window)
{
#if defined(__SANITIZE_ADDRESS__)
  return FALSE;
#elif defined(GDK_WINDOWING_X11)
  return GDK_IS_X11_DISPLAY (gtk_widget_get_display (window))
         && GSK_IS_CAIRO_RENDERER (gtk_native_get_renderer (GTK_NATIVE (window)));
#else
  return FALSE;
#endif
}

/* Opening a folder turns the welcome page into the list, a frame that
 * redraws nearly all of the window after it has been idle: with the
 * warm-up left out (TRACKFIX_FRAME_WARMUP=0) that frame took ~1,900 page
 * faults here (a fresh heap buffer for the image, a fresh segment for the
 * X server), with it a few */
static void
test_open_frame_warm (void)
{
  g_autoptr (GFile) folder = g_file_new_for_path (demo_dir);
  TfWindow *window = tf_window_new (ADW_APPLICATION (app));
  FrameFaults f = { 0 };

  gtk_window_set_default_size (GTK_WINDOW (window), 1366, 768);
  gtk_window_present (GTK_WINDOW (window));
  tf_ui_test_spin_for (1000);
  if (!draws_with_cairo_on_x11 (GTK_WIDGET (window)))
    {
      g_test_skip ("Not drawn with cairo on X11, or built with AddressSanitizer");
      gtk_window_destroy (GTK_WINDOW (window));
      return;
    }

  count_next_frame (GTK_WIDGET (window), &f);
  tf_window_open_files (window, &folder, 1);
  tf_ui_test_spin_until (frame_done, &f, 10000);
  stop_counting (GTK_WIDGET (window), &f);
  g_test_message ("the open's frame: %ld page faults", f.faults);
  g_assert_cmpint (f.faults, <, 300);

  tf_ui_test_spin_until (tf_ui_test_scan_done, window, 60000);
  close_window (window);
}

int
main (int argc,
      char *argv[])
{
  g_autofree char *tmp = NULL;
  g_autoptr (GError) error = NULL;
  const char *source_root = g_getenv ("TRACKFIX_SOURCE_ROOT");
  g_autofree char *shipped = NULL;
  g_autoptr (GDir) dir = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* No animations: a toast that slides out while a test moves on made
   * GTK 4.8 warn about negative allocations, depending on timing. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  tf_core_init ();

  /* The shipped demo folder when it is there, else a freshly generated one */
  shipped = g_build_filename (source_root ?: ".", "data", "demo", NULL);
  dir = g_dir_open (shipped, 0, NULL);
  if (dir != NULL && g_dir_read_name (dir) != NULL)
    demo_dir = g_steal_pointer (&shipped);
  else
    {
      tmp = g_dir_make_tmp ("trackfix-ui-XXXXXX", &error);
      g_assert_no_error (error);
      g_assert_true (tf_gen_demo (tmp, &error));
      g_assert_no_error (error);
      demo_dir = g_strdup (tmp);
    }

  /* One application for all cases; NON_UNIQUE so a session bus (or an
   * instance of the real app) does not turn it into a remote. */
  app = tf_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add_func ("/window/empty", test_window_empty);
  g_test_add_func ("/window/scan-counts", test_window_scan_counts);
  g_test_add_func ("/window/1601-row", test_window_1601_row);
  g_test_add_func ("/window/search", test_window_search);
  g_test_add_func ("/window/meetings", test_window_meetings);
  g_test_add_func ("/window/render-png", test_window_render_png);
  g_test_add_func ("/window/watch-subfolders", test_window_watch_subfolders);
  g_test_add_func ("/window/watch-cap", test_window_watch_cap);
  g_test_add_func ("/window/open-frame-warm", test_open_frame_warm);

  ret = g_test_run ();

  if (tmp != NULL)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp);
      /* Test scratch folder only */
      (void) !system (cmd);
    }
  g_free (demo_dir);
  g_clear_object (&app);

  return ret;
}
