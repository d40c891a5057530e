/* test-repair-pst-ui.c — repairing PST items from the window (suite 'ui')
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The demo PST of the test-only writer (tests/fixturegen) is repaired in
 * place from the window and undone (every byte compared with a copy); the
 * preview offers a full copy for a file past the (lowered) threshold and
 * makes it when checked; in a folder with a PST, an OST and an .eml, the
 * OST's findings are listed as refused and only the others are written.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tf-fixturegen-pst.h"
#include "tf-fixturegen.h"
#include "tf-item-view.h"
#include "tf-ui-test.h"
#include "tf-window-private.h"

static AdwApplication *app;
static char *scratch;

/* @dir/demo.pst from the writer, and a copy of it outside @dir */
static char *
make_demo_pst (const char *dir,
               char **copy)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *base = g_path_get_basename (dir);
  char *path = g_build_filename (dir, "demo.pst", NULL);
  gsize len = 0;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (tf_gen_pst_demo (path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_assert_no_error (error);
  *copy = g_strdup_printf ("%s/%s-original.pst", scratch, base);
  g_assert_true (g_file_set_contents (*copy, data, (gssize) len, &error));
  g_assert_no_error (error);
  return path;
}

static GBytes *
read_all (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

/* How many bytes of @path differ from @copy (same size asserted) */
static gsize
n_bytes_differing (const char *path,
                   const char *copy)
{
  g_autoptr (GBytes) a = read_all (path);
  g_autoptr (GBytes) b = read_all (copy);
  const guint8 *pa = g_bytes_get_data (a, NULL);
  const guint8 *pb = g_bytes_get_data (b, NULL);
  gsize n = 0;

  g_assert_cmpuint (g_bytes_get_size (a), ==, g_bytes_get_size (b));
  for (gsize i = 0; i < g_bytes_get_size (a); i++)
    n += pa[i] != pb[i];
  return n;
}

/* A shown GtkLabel below @root whose text holds @part */
static GtkWidget *
find_label (GtkWidget *root,
            const char *part)
{
  for (GtkWidget *w = root; w != NULL; w = tf_ui_test_next_widget (w, root))
    if (GTK_IS_LABEL (w) && gtk_widget_get_visible (w) && strstr (gtk_label_get_text (GTK_LABEL (w)), part) != NULL)
      return w;
  return NULL;
}

static GtkCheckButton *
find_check (GtkWidget *root)
{
  for (GtkWidget *w = root; w != NULL; w = tf_ui_test_next_widget (w, root))
    if (GTK_IS_CHECK_BUTTON (w))
      return GTK_CHECK_BUTTON (w);
  return NULL;
}

/* The stuck calendar item of the demo PST (not the embedded exception) in
 * @window's list, selected */
static TfItem *
select_stuck_item (TfWindow *window)
{
  GListModel *model = G_LIST_MODEL (window->selection);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (tf_item_get_subject (item), "Q3 budget review") == 0
          && tf_item_get_format (item) == TF_FORMAT_PST
          && strchr (tf_item_get_nid (item), '/') == NULL)
        {
          g_assert_true (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601));
          gtk_single_selection_set_selected (window->selection, i);
          tf_ui_test_spin_for (50);
          return item; /* the list keeps it */
        }
    }
  g_assert_not_reached ();
  return NULL;
}

static gboolean
item_repaired (gpointer data)
{
  return !tf_item_has_finding (data, TF_FINDING_TRACK_TIME_1601) && tf_ui_test_find_dialog ("Repairing") == NULL;
}

static gboolean
item_original_again (gpointer data)
{
  return tf_item_has_finding (data, TF_FINDING_TRACK_TIME_1601);
}

/* The files in the backup folder */
static guint
n_backups (void)
{
  g_autofree char *folder = tf_journal_default_backup_dir ();
  g_autoptr (GDir) dir = g_dir_open (folder, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* A backup whose bytes are @copy's */
static gboolean
has_backup_like (const char *copy)
{
  g_autofree char *folder = tf_journal_default_backup_dir ();
  g_autoptr (GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr (GBytes) want = read_all (copy);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autoptr (GBytes) have = read_all (path);

      if (g_bytes_equal (have, want))
        return TRUE;
    }
  return FALSE;
}

/* 1. Preview → written in place → refreshed by node id → Undo ------------- */

static void
test_repair_and_undo (void)
{
  g_autofree char *dir = g_build_filename (scratch, "undo", NULL);
  g_autofree char *copy = NULL;
  g_autofree char *path = make_demo_pst (dir, &copy);
  g_autofree char *nid = NULL;
  guint backups_before = n_backups ();
  AdwMessageDialog *dialog;
  TfWindow *window;
  TfItem *item;
  gsize n_changed;

  window = tf_ui_test_open_folder (app, path);
  item = select_stuck_item (window);
  nid = g_strdup (tf_item_get_nid (item));
  g_assert_true (gtk_widget_is_sensitive (tf_ui_test_find_button (GTK_WIDGET (window->item_view), "_Repair…")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.repair", NULL));

  /* A small PST: no full copy offered; the journal is the undo */
  dialog = tf_ui_test_wait_dialog ("Repair This Item");
  tf_ui_test_maybe_snapshot (GTK_WIDGET (dialog), "repair-pst-preview.png");
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "Undo restores the changed bytes of a PST from the journal."));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "Only the affected bytes are written, in the file itself."));
  g_assert_null (find_label (GTK_WIDGET (dialog), "Keep a full copy first"));
  g_assert_null (find_check (GTK_WIDGET (dialog)));
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "repair"));
  adw_message_dialog_response (dialog, "repair");

  tf_ui_test_spin_until (item_repaired, item, 30000);
  tf_ui_test_spin_until (tf_ui_test_dialog_gone, (gpointer) "Repairing", 10000);

  /* Written in place: the value bytes and the block CRC, nothing else;
   * no copy of the file */
  n_changed = n_bytes_differing (path, copy);
  g_assert_cmpuint (n_changed, >, 0);
  g_assert_cmpuint (n_changed, <=, 8 + 4);
  g_assert_cmpuint (n_backups (), ==, backups_before);
  /* The same item object, refreshed from the file by its node id, still
   * selected and shown */
  g_assert_cmpstr (tf_item_get_nid (item), ==, nid);
  g_assert_true (_tf_window_get_selected_item (window) == item);
  g_assert_true (tf_item_view_get_item (window->item_view) == item);
  g_assert_false (gtk_widget_is_sensitive (tf_ui_test_find_button (GTK_WIDGET (window->item_view), "_Repair…")));

  /* Ctrl+Z: every byte back */
  g_assert_nonnull (window->last_run_id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  tf_ui_test_spin_until (item_original_again, item, 30000);
  g_assert_cmpuint (n_bytes_differing (path, copy), ==, 0);
  g_assert_cmpstr (tf_item_get_nid (item), ==, nid);
  g_assert_true (gtk_widget_is_sensitive (tf_ui_test_find_button (GTK_WIDGET (window->item_view), "_Repair…")));

  gtk_window_destroy (GTK_WINDOW (window));
  tf_ui_test_spin_for (50);
}

/* 2. Past the threshold: the offer, its size, and the copy when checked ---- */

static void
test_full_copy_offer (void)
{
  g_autofree char *dir = g_build_filename (scratch, "full", NULL);
  g_autofree char *copy = NULL;
  g_autofree char *path = make_demo_pst (dir, &copy);
  g_autofree char *size = NULL;
  guint backups_before = n_backups ();
  AdwMessageDialog *dialog;
  GtkCheckButton *check;
  TfWindow *window;
  TfItem *item;
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  size = g_format_size ((guint64) st.st_size);
  g_assert_false (has_backup_like (copy));

  window = tf_ui_test_open_folder (app, path);
  /* The real threshold is 1 GB: a test file is "large" past 1 kB */
  g_assert_cmpuint (window->full_copy_offer_bytes, ==, 1000000000);
  window->full_copy_offer_bytes = 1000;
  g_assert_cmpint (st.st_size, >, 1000);
  item = select_stuck_item (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.repair", NULL));

  dialog = tf_ui_test_wait_dialog ("Repair This Item");
  tf_ui_test_maybe_snapshot (GTK_WIDGET (dialog), "repair-pst-full-copy.png");
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "Keep a full copy first"));
  /* The size, and the folder it goes to */
  {
    GtkWidget *subtitle = find_label (GTK_WIDGET (dialog), "Without it, Undo restores the changed bytes from the journal.");
    g_autofree char *backups = tf_journal_default_backup_dir ();
    g_autofree char *base = g_path_get_basename (backups);

    g_assert_nonnull (subtitle);
    g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (subtitle)), size));
    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (subtitle)), base));
  }
  g_assert_null (find_label (GTK_WIDGET (dialog), "Undo restores the changed bytes of a PST from the journal."));
  check = find_check (GTK_WIDGET (dialog));
  g_assert_nonnull (check);
  g_assert_false (gtk_check_button_get_active (check));
  gtk_check_button_set_active (check, TRUE);
  adw_message_dialog_response (dialog, "repair");

  tf_ui_test_spin_until (item_repaired, item, 30000);
  tf_ui_test_spin_until (tf_ui_test_dialog_gone, (gpointer) "Repairing", 10000);

  /* Patched in place all the same, and the copy is the original */
  g_assert_cmpuint (n_bytes_differing (path, copy), <=, 8 + 4);
  g_assert_cmpuint (n_backups (), ==, backups_before + 1);
  g_assert_true (has_backup_like (copy));

  gtk_window_destroy (GTK_WINDOW (window));
  tf_ui_test_spin_for (50);
}

/* 3. PST + OST + .eml: the OST refused with its reason, the rest repaired -- */

static gboolean
pst_and_eml_repaired (gpointer data)
{
  TfWindow *window = data;
  GListModel *model = G_LIST_MODEL (window->all_items);

  if (tf_ui_test_find_dialog ("Repairing") != NULL)
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (model, i);

      if (tf_item_get_format (item) != TF_FORMAT_OST && tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601))
        return FALSE;
    }
  return TRUE;
}

static void
test_mixed_refuses_ost (void)
{
  g_autofree char *dir = g_build_filename (scratch, "mixed", NULL);
  g_autofree char *copy = NULL;
  g_autofree char *path = make_demo_pst (dir, &copy);
  g_autofree char *ost = g_build_filename (dir, "cache.ost", NULL);
  g_autofree char *ost_copy = g_build_filename (scratch, "cache-original.ost", NULL);
  g_autofree char *eml = g_build_filename (dir, "NTFS_01.EML", NULL);
  g_autofree char *eml_copy = g_build_filename (scratch, "NTFS_01-original.EML", NULL);
  AdwMessageDialog *dialog;
  TfWindow *window;
  GListModel *model;
  guint n_ost_1601 = 0;

  tf_ui_test_make_ost (path, ost);
  tf_ui_test_make_ost (path, ost_copy);
  tf_ui_test_write_sample (dir, "eml-tnef-1601", "NTFS_01.EML");
  tf_ui_test_write_sample (scratch, "eml-tnef-1601", "NTFS_01-original.EML");

  window = tf_ui_test_open_folder (app, dir);
  model = G_LIST_MODEL (window->all_items);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (model, i);

      if (tf_item_get_format (item) == TF_FORMAT_OST && tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601))
        n_ost_1601++;
    }
  g_assert_cmpuint (n_ost_1601, >=, 1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.repair-all", NULL));
  dialog = tf_ui_test_wait_dialog ("Repair All");
  tf_ui_test_maybe_snapshot (GTK_WIDGET (dialog), "repair-pst-mixed.png");
  /* The OST's rows: refused, with the reason */
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "not repairable: an OST is a cache of the server mailbox; fix the item in the mailbox or in a PST"));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "in cache.ost"));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "in demo.pst#0x"));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "in NTFS_01.EML"));
  /* The exception embedded in a PST message: the file, then the node ids */
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "sean.chai@fabrikam.example in demo.pst#0x"));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "sean.chai@fabrikam.example in cache.ost#0x"));
  /* A PST and an .eml written: the .eml is backed up, the PST's undo is the journal */
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "in 2 files. Only the affected bytes are written; each original is backed up first"));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "Undo restores the changed bytes of a PST from the journal."));
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "repair"));
  adw_message_dialog_response (dialog, "repair");

  tf_ui_test_spin_until (pst_and_eml_repaired, window, 60000);

  /* The OST is as it was and still shows its findings; the others changed */
  g_assert_cmpuint (n_bytes_differing (ost, ost_copy), ==, 0);
  g_assert_cmpuint (n_bytes_differing (path, copy), >, 0);
  {
    g_autoptr (GBytes) a = read_all (eml);
    g_autoptr (GBytes) b = read_all (eml_copy);

    g_assert_false (g_bytes_equal (a, b));
  }
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (model, i);

      if (tf_item_get_format (item) == TF_FORMAT_OST && tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601))
        n_ost_1601--;
    }
  g_assert_cmpuint (n_ost_1601, ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  tf_ui_test_spin_for (50);
}

/* 4. Every case of the writer (ANSI and Unicode, encodings, rows in the heap
 * or in a subnode, embedded messages, many messages): Repair All from the
 * window, then Undo puts every byte of every file back ---------------------- */

typedef struct
{
  TfWindow *window;
  guint n_1601;
} Count1601Wait;

static guint
count_1601 (TfWindow *window)
{
  GListModel *model = G_LIST_MODEL (window->all_items);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (TfItem) item = g_list_model_get_item (model, i);

      n += tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601);
    }
  return n;
}

static gboolean
count_1601_is (gpointer data)
{
  Count1601Wait *wait = data;

  return tf_ui_test_find_dialog ("Repairing") == NULL && count_1601 (wait->window) == wait->n_1601;
}

static void
test_cases_all_and_undo (void)
{
  g_autofree char *dir = g_build_filename (scratch, "cases", NULL);
  g_autofree char *originals = g_build_filename (scratch, "cases-original", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) listing = NULL;
  AdwMessageDialog *dialog;
  Count1601Wait wait;
  TfWindow *window;
  const char *name;
  guint n_files = 0;
  guint n_changed = 0;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (originals, 0755), ==, 0);
  g_assert_true (tf_gen_pst_cases (dir, &error));
  g_assert_no_error (error);
  /* Copies (the writer stamps times: two runs differ) */
  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *copy = g_build_filename (originals, name, NULL);
      g_autoptr (GFile) from = g_file_new_for_path (path);
      g_autoptr (GFile) to = g_file_new_for_path (copy);

      g_assert_true (g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
    }

  window = tf_ui_test_open_folder (app, dir);
  wait = (Count1601Wait){ window, count_1601 (window) };
  g_assert_cmpuint (wait.n_1601, >=, 10);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.repair-all", NULL));
  dialog = tf_ui_test_wait_dialog ("Repair All");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "repair"));
  adw_message_dialog_response (dialog, "repair");
  tf_ui_test_spin_until (tf_ui_test_dialog_gone, (gpointer) "Repairing", 60000);
  tf_ui_test_spin_for (100);
  /* Everything planned was written: no 1601 row is left */
  g_assert_cmpuint (count_1601 (window), ==, 0);

  g_dir_rewind (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, ".pst"))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_autofree char *copy = g_build_filename (originals, name, NULL);

        n_changed += n_bytes_differing (path, copy) > 0;
      }
  g_assert_cmpuint (n_changed, >=, 10);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  tf_ui_test_spin_until (count_1601_is, &wait, 60000);
  g_dir_rewind (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, ".pst"))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_autofree char *copy = g_build_filename (originals, name, NULL);

        g_assert_cmpuint (n_bytes_differing (path, copy), ==, 0);
        n_files++;
      }
  g_assert_cmpuint (n_files, >=, 16);

  gtk_window_destroy (GTK_WINDOW (window));
  tf_ui_test_spin_for (50);
}

int
main (int argc,
      char *argv[])
{
  int ret;

  scratch = tf_ui_test_make_scratch ("trackfix-repair-pst-ui-XXXXXX");
  app = tf_ui_test_init (&argc, &argv);

  g_test_add_func ("/repair-pst-ui/repair-and-undo", test_repair_and_undo);
  g_test_add_func ("/repair-pst-ui/full-copy-offer", test_full_copy_offer);
  g_test_add_func ("/repair-pst-ui/mixed-refuses-ost", test_mixed_refuses_ost);
  g_test_add_func ("/repair-pst-ui/cases-all-and-undo", test_cases_all_and_undo);

  ret = g_test_run ();

  g_clear_object (&app);
  tf_ui_test_remove_scratch (scratch);
  g_free (scratch);
  return ret;
}
