/* test-window-pst.c — PST and OST files in the window (suite 'ui')
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The mailbox files come from the test-only PST writer (tests/fixturegen):
 * the demo PST (a stuck calendar item, an exception with a 1601 row, an
 * absent 0x5FFB cell, a healthy meeting), a bench PST for progress and
 * Cancel, and an OST made from the demo by its client signature.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tf-fixturegen-pst.h"
#include "tf-labels-private.h"
#include "tf-meetings.h"
#include "tf-pst-private.h"
#include "tf-reader.h"
#include "tf-scanner.h"
#include "tf-ui-test.h"
#include "tf-window-private.h"

static AdwApplication *app;
static char *scratch;

static TfWindow *
open_path (const char *path)
{
  return tf_ui_test_open_folder (app, path);
}

static void
close_window (TfWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  tf_ui_test_spin_for (50);
}

static char *
demo_pst (void)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (scratch, "demo.pst", NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_assert_true (tf_gen_pst_demo (path, &error));
      g_assert_no_error (error);
    }
  return path;
}

/* The item of @window's list whose subject is @subject and whose path has
 * @nid_part (NULL: any), and its position */
static TfItem *
find_item (TfWindow *window,
           const char *subject,
           gboolean embedded,
           guint *position)
{
  GListModel *model = G_LIST_MODEL (window->selection);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (tf_item_get_subject (item), subject) == 0
          && (strchr (tf_item_get_nid (item) ?: "", '/') != NULL) == embedded)
        {
          if (position != NULL)
            *position = i;
          return item; /* the list keeps it */
        }
    }
  return NULL;
}

static GtkColumnViewColumn *
find_column (GtkColumnView *view,
             const char *id)
{
  GListModel *columns = gtk_column_view_get_columns (view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (column), "tf-column-id"), id) == 0)
        return column;
    }
  return NULL;
}

/* The first widget of @type below @root (depth first) that is drawn */
static GtkWidget *
find_visible (GtkWidget *root,
              GType type)
{
  for (GtkWidget *w = root; w != NULL; w = tf_ui_test_next_widget (w, root))
    if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_is_drawable (w))
      return w;
  return NULL;
}

/* A drawn GtkLabel below @root whose text holds @prefix */
static GtkWidget *
find_label (GtkWidget *root,
            const char *prefix)
{
  for (GtkWidget *w = root; w != NULL; w = tf_ui_test_next_widget (w, root))
    if (GTK_IS_LABEL (w) && gtk_widget_is_drawable (w) && strstr (gtk_label_get_text (GTK_LABEL (w)), prefix) != NULL)
      return w;
  return NULL;
}

static gboolean
sort_done (gpointer data)
{
  TfWindow *window = data;

  return !_tf_window_list_is_sorting (window) && tf_ui_test_scan_done (window);
}

/* The list is in folder order (case-insensitive), and not all one folder */
static void
assert_folder_order (TfWindow *window,
                     gboolean descending)
{
  GListModel *model = G_LIST_MODEL (window->selection);
  g_autofree char *previous = NULL;
  guint n_changes = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (model, i);
      g_autofree char *folder = NULL;

      g_assert_nonnull (tf_item_get_folder (item));
      g_assert_true (g_str_has_prefix (tf_item_get_folder (item), "/"));
      folder = g_utf8_casefold (tf_item_get_folder (item), -1);
      if (previous != NULL)
        {
          int cmp = g_utf8_collate (previous, folder);

          g_assert_cmpint (descending ? cmp : -cmp, >=, 0);
          n_changes += cmp != 0;
        }
      g_free (previous);
      previous = g_steal_pointer (&folder);
    }
  g_assert_cmpuint (n_changes, ==, 1); /* Calendar and Sent Items */
}

/* 1. A PST is a source: its row, count and badge; the Folder column -------- */

static void
test_pst_source (void)
{
  g_autofree char *path = demo_pst ();
  g_autoptr (TfScanner) scanner = tf_scanner_new ();
  g_autoptr (GPtrArray) expected = NULL;
  g_autoptr (GError) error = NULL;
  const char *paths[] = { path, NULL };
  TfWindow *window = open_path (path);
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (window->sources_list, 1);
  TfScanSource *source = g_object_get_data (G_OBJECT (row), "tf-source");
  GtkColumnViewColumn *folder = find_column (window->items_view, "folder");
  GtkSorter *sorter;
  guint n_problems = 0;
  guint n;

  expected = tf_scanner_scan_sync (scanner, paths, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < expected->len; i++)
    if (tf_item_get_n_problems (g_ptr_array_index (expected, i)) > 0)
      n_problems++;
  g_assert_cmpuint (expected->len, >=, 5);
  g_assert_cmpuint (n_problems, >=, 2);

  /* The sidebar row: the file, a mailbox icon, its count and badge */
  g_assert_nonnull (source);
  g_assert_cmpstr (tf_scan_source_get_title (source), ==, "demo.pst");
  g_assert_cmpuint (tf_scan_source_get_n_items (source), ==, expected->len);
  g_assert_cmpuint (tf_scan_source_get_n_problems (source), ==, n_problems);
  g_assert_cmpuint (tf_scan_source_get_n_mailbox_items (source), ==, expected->len);
  {
    GtkLabel *count = g_object_get_data (G_OBJECT (row), "tf-count");
    GtkLabel *badge = g_object_get_data (G_OBJECT (row), "tf-badge");
    g_autofree char *count_text = g_strdup_printf ("%u", expected->len);
    g_autofree char *badge_text = g_strdup_printf ("%u", n_problems);
    GtkWidget *icon = find_visible (GTK_WIDGET (row), GTK_TYPE_IMAGE);

    g_assert_cmpstr (gtk_label_get_text (count), ==, count_text);
    g_assert_cmpstr (gtk_label_get_text (badge), ==, badge_text);
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (badge)));
    g_assert_nonnull (icon);
    g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (icon)), ==, "mail-read-symbolic");
  }

  /* The Folder column is there for mailbox items, sortable */
  g_assert_nonnull (folder);
  g_assert_true (gtk_column_view_column_get_visible (folder));
  g_assert_nonnull (gtk_column_view_column_get_sorter (folder));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sort-by", "s", "folder"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sort-descending", NULL));
  tf_ui_test_spin_until (sort_done, window, 10000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->selection)), ==, expected->len);
  assert_folder_order (window, TRUE);
  sorter = gtk_column_view_get_sorter (window->items_view);
  g_assert_nonnull (sorter);

  /* … ascending again */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sort-descending", NULL));
  tf_ui_test_spin_until (sort_done, window, 10000);
  assert_folder_order (window, FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sort-by", "s", "default"));
  tf_ui_test_spin_until (sort_done, window, 10000);

  /* The search finds items by their folder */
  gtk_editable_set_text (GTK_EDITABLE (window->search_entry), "sent items");
  g_signal_emit_by_name (window->search_entry, "search-changed");
  tf_ui_test_spin_until (tf_ui_test_scan_done, window, 10000);
  n = g_list_model_get_n_items (G_LIST_MODEL (window->selection));
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpuint (n, <, expected->len);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (G_LIST_MODEL (window->selection), i);

      g_assert_true (g_str_has_suffix (tf_item_get_folder (item), "/Sent Items"));
    }
  gtk_editable_set_text (GTK_EDITABLE (window->search_entry), "");
  g_signal_emit_by_name (window->search_entry, "search-changed");
  tf_ui_test_spin_until (tf_ui_test_scan_done, window, 10000);

  close_window (window);
}

/* Items of a folder without mailbox files: no Folder column */
static void
test_pst_folder_column_hidden (void)
{
  g_autofree char *dir = g_build_filename (scratch, "queue-only", NULL);
  TfWindow *window;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  tf_ui_test_write_sample (dir, "msg-1601", "stuck.msg");
  window = open_path (dir);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->selection)), >, 0);
  g_assert_false (gtk_column_view_column_get_visible (find_column (window->items_view, "folder")));
  close_window (window);
}

/* Calendar Items: a mailbox export's calendar items are there (appointments,
 * meeting messages, an embedded exception), its reports are not */
static void
test_pst_calendar_view (void)
{
  g_autofree char *path = demo_pst ();
  g_autofree char *cases = g_build_filename (scratch, "cases", NULL);
  g_autofree char *ndr = g_build_filename (cases, "ndr-unicode.pst", NULL);
  g_autoptr (GError) error = NULL;
  TfWindow *window = open_path (path);
  guint n_all = g_list_model_get_n_items (G_LIST_MODEL (window->selection));

  g_assert_cmpuint (n_all, >=, 5);
  _tf_window_select_view (window, "calendar");
  tf_ui_test_spin_for (200);
  g_assert_cmpint (window->view, ==, TF_WINDOW_VIEW_CALENDAR);
  /* Every item of the demo PST has a calendar class */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->selection)), ==, n_all);
  close_window (window);

  g_assert_true (tf_gen_pst_cases (cases, &error));
  g_assert_no_error (error);
  window = open_path (ndr);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->selection)), >, 0);
  _tf_window_select_view (window, "calendar");
  tf_ui_test_spin_for (200);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->selection)), ==, 0);
  close_window (window);
}

/* The demo (a queue folder with a PST in it) at 1366 × 768: the mixed
 * scope has no Folder column, so subjects, senders and problems fit; a
 * PST item's second line names its folder where a file's names the file.
 * The PST as the scope: the Folder column, and no location in the second
 * line. */
static void
test_pst_mixed_scope (void)
{
  g_autofree char *dir = tf_ui_test_make_demo (scratch);
  g_autofree char *pst = g_build_filename (dir, "Mailbox", "Ken Myer.pst", NULL);
  TfWindow *window = tf_ui_test_open_folder_at (app, dir, 1366, 768);
  GtkColumnViewColumn *folder = find_column (window->items_view, "folder");
  TfItem *pst_item;
  TfItem *msg_item = NULL;

  tf_ui_test_spin_for (200);

  pst_item = find_item (window, "Q3 budget review", FALSE, NULL);
  g_assert_nonnull (pst_item);
  g_assert_cmpstr (tf_item_get_folder (pst_item), ==, "/Top of Personal Folders/Calendar");
  for (guint i = 0; msg_item == NULL && i < g_list_model_get_n_items (G_LIST_MODEL (window->selection)); i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (G_LIST_MODEL (window->selection), i);

      if (tf_item_get_format (item) == TF_FORMAT_MSG && tf_item_get_from (item) != NULL)
        msg_item = item; /* the list keeps it */
    }
  g_assert_nonnull (msg_item);

  g_assert_false (gtk_column_view_column_get_visible (folder));
  {
    g_autofree char *pst_line = _tf_window_pst_location (window, pst_item);
    g_autofree char *msg_line = _tf_window_pst_location (window, msg_item);
    g_autofree char *base = g_path_get_basename (tf_item_get_file_path (msg_item));

    g_assert_cmpstr (pst_line, ==, "Calendar");
    g_assert_cmpstr (msg_line, ==, base);
  }
  tf_ui_test_assert_nothing_cut (GTK_WIDGET (window->items_view), 20, "the list at 1366 × 768");

  close_window (window);

  /* The PST alone: its folder in a column of its own */
  g_assert_true (g_file_test (pst, G_FILE_TEST_IS_REGULAR));
  window = tf_ui_test_open_folder_at (app, pst, 1366, 768);
  folder = find_column (window->items_view, "folder");
  g_assert_true (gtk_column_view_column_get_visible (folder));
  pst_item = find_item (window, "Q3 budget review", FALSE, NULL);
  g_assert_nonnull (pst_item);
  g_assert_null (_tf_window_pst_location (window, pst_item));
  tf_ui_test_spin_for (200);
  tf_ui_test_assert_nothing_cut (GTK_WIDGET (window->items_view), 10, "the PST's list at 1366 × 768");

  close_window (window);
}

/* 3. The Raw page: message and recipient rows with cell existence ---------- */

typedef struct
{
  GtkTextView *view;
  const char *needle;
} RawWait;

static gboolean
raw_has_text (gpointer data)
{
  RawWait *wait = data;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (wait->view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  return strstr (text, wait->needle) != NULL;
}

static char *
raw_text_of (TfWindow *window,
             TfItem *item,
             guint position)
{
  RawWait wait = { NULL, "MAPI recipient row" };
  AdwViewStack *stack;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  gtk_single_selection_set_selected (window->selection, position);
  tf_ui_test_spin_for (50);
  g_assert_true (tf_item_view_get_item (window->item_view) == item);
  stack = ADW_VIEW_STACK (find_visible (GTK_WIDGET (window->item_view), ADW_TYPE_VIEW_STACK));
  g_assert_nonnull (stack);
  adw_view_stack_set_visible_child_name (stack, "raw");
  tf_ui_test_spin_for (20);
  wait.view = GTK_TEXT_VIEW (find_visible (GTK_WIDGET (window->item_view), GTK_TYPE_TEXT_VIEW));
  g_assert_nonnull (wait.view);
  tf_ui_test_spin_until (raw_has_text, &wait, 20000);
  buffer = gtk_text_view_get_buffer (wait.view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  adw_view_stack_set_visible_child_name (stack, "details");
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* The lines of @text's section whose title starts with @title */
static char *
section (const char *text,
         const char *title)
{
  g_autofree char *heading = g_strdup_printf ("== %s", title);
  const char *start = strstr (text, heading);
  const char *end;

  g_assert_nonnull (start);
  end = strstr (start + 1, "\n== ");
  return end != NULL ? g_strndup (start, (gsize) (end - start)) : g_strdup (start);
}

static void
test_pst_raw (void)
{
  g_autofree char *path = demo_pst ();
  TfWindow *window = open_path (path);
  guint position = 0;
  TfItem *absent = find_item (window, "Architecture board", FALSE, &position);
  TfItem *stuck;
  g_autofree char *text = NULL;
  g_autofree char *pilar = NULL;
  g_autofree char *jane = NULL;

  /* An absent 0x5FFB cell: listed as absent, never as 1601 */
  g_assert_nonnull (absent);
  g_assert_false (tf_item_has_finding (absent, TF_FINDING_TRACK_TIME_1601));
  text = raw_text_of (window, absent, position);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "Folder: /Top of Personal Folders/"));
  g_assert_nonnull (strstr (text, "Node id: 0x"));
  g_assert_nonnull (strstr (text, "== MAPI message properties =="));
  g_assert_nonnull (strstr (text, "0x0037001F PidTagSubject PT_UNICODE = Architecture board"));
  pilar = section (text, "MAPI recipient row 1: Pilar");
  g_assert_nonnull (strstr (pilar, "Cell existence: "));
  g_assert_nonnull (strstr (pilar, "0x5FFB0040 PidTagRecipientTrackStatusTime PT_SYSTIME — (absent: cell-existence bit clear)"));
  g_assert_null (strstr (pilar, "1601"));
  g_assert_null (strstr (pilar, "0x0000000000000000"));
  g_clear_pointer (&text, g_free);

  /* A present cell holding 0: the time, its raw FILETIME and its offset */
  stuck = find_item (window, "Q3 budget review", FALSE, &position);
  g_assert_nonnull (stuck);
  g_assert_true (tf_item_has_finding (stuck, TF_FINDING_TRACK_TIME_1601));
  /* The details name the folder inside the file */
  gtk_single_selection_set_selected (window->selection, position);
  tf_ui_test_spin_for (50);
  g_assert_nonnull (find_label (GTK_WIDGET (window->item_view), tf_item_get_folder (stuck)));
  text = raw_text_of (window, stuck, position);
  jane = section (text, "MAPI recipient row 1: Jane");
  g_assert_nonnull (strstr (jane, "0x5FFB0040 PidTagRecipientTrackStatusTime PT_SYSTIME = 1601-01-01"));
  g_assert_nonnull (strstr (jane, "(0x0000000000000000) @"));
  g_assert_nonnull (strstr (jane, "Cell existence: 0 columns have no value in this row."));

  close_window (window);
}

/* 4. Meetings: a PST calendar item and a queue file of the same meeting --- */

static const char queue_eml[] = "From: Anna Organizer <anna@example.com>\r\n"
                                "To: Jane Doe <jane.doe@fabrikam.example>\r\n"
                                "Subject: Updated: Q3 budget review\r\n"
                                "Date: Tue, 29 Nov 2022 10:05:00 +0000\r\n"
                                "Message-ID: <queue-1@example.com>\r\n"
                                "MIME-Version: 1.0\r\n"
                                "Content-Type: text/calendar; method=REQUEST; charset=utf-8\r\n"
                                "\r\n"
                                "BEGIN:VCALENDAR\r\n"
                                "PRODID:-//Trackfix tests//EN\r\n"
                                "VERSION:2.0\r\n"
                                "METHOD:REQUEST\r\n"
                                "BEGIN:VEVENT\r\n"
                                "UID:%s\r\n"
                                "SEQUENCE:1\r\n"
                                "DTSTAMP:20221129T100500Z\r\n"
                                "DTSTART:20221206T090000Z\r\n"
                                "DTEND:20221206T100000Z\r\n"
                                "SUMMARY:Q3 budget review\r\n"
                                "ORGANIZER;CN=Anna Organizer:mailto:anna@example.com\r\n"
                                "ATTENDEE;CN=Jane Doe;PARTSTAT=NEEDS-ACTION:mailto:jane.doe@fabrikam.example\r\n"
                                "END:VEVENT\r\n"
                                "END:VCALENDAR\r\n";

/* The UID the demo PST's "Q3 budget review" carries inside its GOID */
static char *
demo_planning_uid (const char *pst)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GError) error = NULL;

  g_assert_true (tf_read_file (pst, pst, TF_READ_NONE, items, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    {
      TfItem *item = g_ptr_array_index (items, i);

      /* The GOID in hex wraps the UID; an iCalendar UID of that hex is
       * the same meeting (Exchange writes such UIDs) */
      if (g_strcmp0 (tf_item_get_subject (item), "Q3 budget review") == 0 && tf_item_get_uid (item) != NULL)
        return g_strdup (tf_item_get_uid (item));
    }
  g_assert_not_reached ();
}

static void
test_pst_meetings (void)
{
  g_autofree char *dir = g_build_filename (scratch, "mixed", NULL);
  g_autofree char *pst = g_build_filename (dir, "anna.pst", NULL);
  g_autofree char *eml = g_build_filename (dir, "queue-1.eml", NULL);
  g_autofree char *uid = NULL;
  g_autofree char *content = NULL;
  g_autoptr (GError) error = NULL;
  TfWindow *window;
  GListModel *meetings;
  gboolean found = FALSE;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (tf_gen_pst_demo (pst, &error));
  g_assert_no_error (error);
  uid = demo_planning_uid (pst);
  content = g_strdup_printf (queue_eml, uid);
  g_assert_true (g_file_set_contents (eml, content, -1, &error));
  g_assert_no_error (error);

  window = open_path (dir);
  _tf_window_select_view (window, "meetings");
  tf_ui_test_spin_for (500);
  g_assert_cmpint (window->view, ==, TF_WINDOW_VIEW_MEETINGS);
  meetings = G_LIST_MODEL (window->meeting_selection);
  g_assert_cmpuint (g_list_model_get_n_items (meetings), >, 0);

  for (guint i = 0; i < g_list_model_get_n_items (meetings); i++)
    {
      g_autoptr (TfMeeting) meeting = g_list_model_get_item (meetings, i);
      GListModel *items = tf_meeting_get_items (meeting);
      gboolean has_pst = FALSE;
      gboolean has_eml = FALSE;

      for (guint j = 0; j < g_list_model_get_n_items (items); j++)
        {
          g_autoptr (TfItem) item = g_list_model_get_item (items, j);

          has_pst |= tf_item_get_format (item) == TF_FORMAT_PST && tf_item_get_folder (item) != NULL;
          has_eml |= tf_item_get_format (item) == TF_FORMAT_EML && g_str_has_suffix (tf_item_get_path (item), "queue-1.eml");
        }
      if (!has_pst || !has_eml)
        continue;

      /* One row: the organizer's calendar item next to the queue copy */
      g_assert_false (found);
      found = TRUE;
      g_assert_cmpuint (tf_meeting_get_n_stuck (meeting), >=, 1);
      gtk_single_selection_set_selected (window->meeting_selection, i);
      tf_ui_test_spin_for (100);
      g_assert_cmpstr (gtk_stack_get_visible_child_name (window->detail_stack), ==, "meeting");
      g_assert_nonnull (find_label (GTK_WIDGET (window->meeting_view), "anna.pst"));
      g_assert_nonnull (find_label (GTK_WIDGET (window->meeting_view), "queue-1.eml"));
    }
  g_assert_true (found);

  close_window (window);
}

/* 5. Progress through a big PST, and Cancel -------------------------------- */

static char *
bench_pst (void)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (scratch, "big", "bench.pst", NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *dir = g_path_get_dirname (path);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_assert_true (tf_gen_pst_bench (path, TRUE, TF_PST_CRYPT_PERMUTE, 64 * 1024 * 1024, 5000, &error));
      g_assert_no_error (error);
    }
  return path;
}

typedef struct
{
  TfWindow *window;
  guint max_done;
  guint total;
} ProgressWatch;

static gboolean
reading_messages (gpointer data)
{
  ProgressWatch *watch = data;
  g_autoptr (TfScanSource) source = g_list_model_get_item (G_LIST_MODEL (watch->window->sources), 0);
  guint done = 0;

  if (source == NULL || !tf_scan_source_get_file_progress (source, NULL, &done, &watch->total))
    return FALSE;
  watch->max_done = MAX (watch->max_done, done);
  return done > 0;
}

static gboolean
not_scanning (gpointer data)
{
  return !_tf_window_is_scanning (data);
}

static void
test_pst_cancel_window (void)
{
  g_autofree char *path = bench_pst ();
  g_autofree char *demo = demo_pst ();
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFile) demo_file = g_file_new_for_path (demo);
  TfWindow *window = tf_window_new (app);
  ProgressWatch watch = { window, 0, 0 };
  g_autoptr (TfScanSource) source = NULL;
  const char *label;
  gint64 cancelled_at;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  tf_window_open_files (window, &file, 1);

  /* The bar says how far into the file the scan is */
  tf_ui_test_spin_until (reading_messages, &watch, 60000);
  g_assert_cmpuint (watch.total, ==, 5000);
  g_assert_true (gtk_revealer_get_reveal_child (window->progress_revealer));
  label = gtk_label_get_text (window->progress_label);
  g_assert_true (g_str_has_prefix (label, "Reading “bench.pst”… "));
  g_assert_nonnull (strstr (label, " of 5000 messages"));
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (window->progress_bar), >, 0.0);
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (window->progress_bar), <, 1.0);

  /* Cancel: the scan ends without reading the rest (the hang guard is
   * generous; the reader stops between two messages) */
  cancelled_at = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel-scan", NULL));
  tf_ui_test_spin_until (not_scanning, window, 60000);
  /* For the record (tests/bench has the figures; no timing asserts here) */
  g_test_message ("Cancelled at message %u of %u; the scan ended %" G_GINT64_FORMAT " ms later",
                  watch.max_done, watch.total, (g_get_monotonic_time () - cancelled_at) / 1000);
  source = g_list_model_get_item (G_LIST_MODEL (window->sources), 0);
  g_assert_false (tf_scan_source_get_file_progress (source, NULL, NULL, NULL));
  g_assert_false (gtk_revealer_get_reveal_child (window->progress_revealer));
  g_assert_cmpuint (tf_scan_source_get_n_items (source), <, 5000);

  /* … and the window goes on working: another file scans */
  tf_window_open_files (window, &demo_file, 1);
  tf_ui_test_spin_until (tf_ui_test_scan_done, window, 60000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (window->sources)), ==, 2);
  {
    g_autoptr (TfScanSource) second = g_list_model_get_item (G_LIST_MODEL (window->sources), 1);

    g_assert_cmpuint (tf_scan_source_get_n_items (second), >=, 5);
  }

  close_window (window);
}

/* 6. An OST is never repaired here: the view says why ------------------------ */

static char *
demo_ost (void)
{
  g_autofree char *pst = demo_pst ();
  char *ost = g_build_filename (scratch, "ost", "demo.ost", NULL);

  tf_ui_test_make_ost (pst, ost);
  return ost;
}

static void
test_ost_repair_explained (void)
{
  g_autofree char *ost = demo_ost ();
  g_autofree char *pst = demo_pst ();
  TfWindow *window = open_path (ost);
  const char *note = "This item is in an OST file";
  guint position = 0;
  TfItem *item = find_item (window, "Q3 budget review", FALSE, &position);

  g_assert_nonnull (item);
  g_assert_cmpint (tf_item_get_format (item), ==, TF_FORMAT_OST);
  g_assert_true (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601));
  gtk_single_selection_set_selected (window->selection, position);
  tf_ui_test_spin_for (50);
  g_assert_true (tf_item_view_get_item (window->item_view) == item);

  /* Repair is off and the view says where to make the fix; a queue action
   * on a mailbox message is off too (it would move the whole file) */
  g_assert_false (gtk_widget_is_sensitive (tf_ui_test_find_button (GTK_WIDGET (window->item_view), "_Repair…")));
  g_assert_true (g_str_has_prefix (gtk_widget_get_tooltip_text (tf_ui_test_find_button (GTK_WIDGET (window->item_view), "_Repair…")),
                                   "OST files are never written"));
  g_assert_nonnull (find_label (GTK_WIDGET (window->item_view), note));
  close_window (window);

  /* The same item in a PST: no such note */
  window = open_path (pst);
  item = find_item (window, "Q3 budget review", FALSE, &position);
  g_assert_nonnull (item);
  gtk_single_selection_set_selected (window->selection, position);
  tf_ui_test_spin_for (50);
  g_assert_null (find_label (GTK_WIDGET (window->item_view), note));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (tf_ui_test_find_button (GTK_WIDGET (window->item_view), "_Repair…")), ==,
                   "Preview and write the repair of this item");
  close_window (window);
}

/* The public OST sample (../shared/corpus): a real mailbox cache with a
 * 4.4.7 bounce; shown like the writer's files, never offered for repair */
static void
test_corpus_ost (void)
{
  const char *root = g_getenv ("TRACKFIX_SOURCE_ROOT");
  g_autofree char *path = g_build_filename (root != NULL ? root : ".", "..", "shared", "corpus", "pst",
                                            "aspose-SampleOstFile.ost", NULL);
  g_autoptr (TfScanner) scanner = tf_scanner_new ();
  g_autoptr (GPtrArray) expected = NULL;
  g_autoptr (GError) error = NULL;
  const char *paths[] = { path, NULL };
  TfWindow *window;
  GListModel *model;
  guint n_ndr = 0;
  guint position = 0;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("corpus not available (../shared/corpus)");
      return;
    }
  expected = tf_scanner_scan_sync (scanner, paths, NULL, NULL, &error);
  g_assert_no_error (error);

  window = open_path (path);
  model = G_LIST_MODEL (window->selection);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, expected->len);
  g_assert_true (gtk_column_view_column_get_visible (find_column (window->items_view, "folder")));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (model, i);

      g_assert_cmpint (tf_item_get_format (item), ==, TF_FORMAT_OST);
      g_assert_nonnull (tf_item_get_folder (item));
      /* The OST note goes with what a repair would fix, nothing else */
      g_assert_cmpint (tf_item_view_item_is_unwritable_ost (item), ==, tf_labels_item_has_repair_target (item));
      if (tf_item_has_finding (item, TF_FINDING_NDR_EXPIRED_4_4_7))
        {
          n_ndr++;
          position = i;
        }
    }
  g_assert_cmpuint (n_ndr, ==, 1);

  /* The bounce: its Raw page reads that one message again */
  {
    g_autoptr (TfItem) ndr = g_list_model_get_item (model, position);
    g_autofree char *text = raw_text_of (window, ndr, position);

    g_assert_nonnull (strstr (text, "== Offline Outlook data file (.ost) =="));
    g_assert_nonnull (strstr (text, "0x001A001F PidTagMessageClass PT_UNICODE = REPORT.IPM.Note."));
  }

  close_window (window);
}

int
main (int argc,
      char *argv[])
{
  int ret;

  scratch = tf_ui_test_make_scratch ("trackfix-pst-ui-XXXXXX");
  app = tf_ui_test_init (&argc, &argv);

  g_test_add_func ("/pst/source", test_pst_source);
  g_test_add_func ("/pst/folder-column-hidden", test_pst_folder_column_hidden);
  g_test_add_func ("/pst/calendar-view", test_pst_calendar_view);
  g_test_add_func ("/pst/mixed-scope", test_pst_mixed_scope);
  g_test_add_func ("/pst/raw", test_pst_raw);
  g_test_add_func ("/pst/meetings", test_pst_meetings);
  g_test_add_func ("/pst/cancel-window", test_pst_cancel_window);
  g_test_add_func ("/pst/ost-repair", test_ost_repair_explained);
  g_test_add_func ("/pst/corpus-ost", test_corpus_ost);

  ret = g_test_run ();

  g_clear_object (&app);
  tf_ui_test_remove_scratch (scratch);
  g_free (scratch);

  return ret;
}
