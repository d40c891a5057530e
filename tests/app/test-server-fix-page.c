/* test-server-fix-page.c — the "Server Fix" page under Xvfb (suite 'ui')
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <hivex.h>
#include <string.h>

#include "tf-journal.h"
#include "tf-regfile.h"
#include "tf-registry.h"
#include "tf-server-fix-page.h"
#include "tf-ui-test.h"

#define KEY_BELOW_CS TF_FLAG_KEY_BELOW_CONTROL_SET

static char *
corpus_template (void)
{
  const char *dir = g_getenv ("TRACKFIX_CORPUS_DIR");
  const char *root = g_getenv ("TRACKFIX_SOURCE_ROOT");
  char *path;

  if (dir != NULL)
    path = g_build_filename (dir, "hive", "hivex-minimal", NULL);
  else if (root != NULL)
    path = g_build_filename (root, "..", "shared", "corpus", "hive", "hivex-minimal", NULL);
  else
    return NULL;
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    g_clear_pointer (&path, g_free);
  return path;
}

static hive_node_h
add_path (hive_h *h,
          hive_node_h parent,
          const char *path)
{
  g_auto (GStrv) parts = g_strsplit (path, "\\", -1);
  hive_node_h node = parent;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      hive_node_h child = hivex_node_get_child (h, node, parts[i]);

      if (child == 0)
        child = hivex_node_add_child (h, node, parts[i]);
      g_assert_cmpuint (child, !=, 0);
      node = child;
    }
  return node;
}

/* A SYSTEM hive with Current = 2 and the store in ControlSet002 */
static char *
build_system_hive (const char *dir,
                   const char *template)
{
  g_autofree char *contents = NULL;
  char *path = g_build_filename (dir, "SYSTEM", NULL);
  static const guint8 two[4] = { 2, 0, 0, 0 };
  hive_set_value current = { (char *) "Current", hive_t_REG_DWORD, 4, (char *) two };
  gsize len = 0;
  hive_h *h;

  g_assert_true (g_file_get_contents (template, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (path, contents, len, NULL));
  h = hivex_open (path, HIVEX_OPEN_WRITE);
  g_assert_nonnull (h);
  g_assert_cmpint (hivex_node_set_value (h, add_path (h, hivex_root (h), "Select"), &current, 0), ==, 0);
  add_path (h, hivex_root (h), "ControlSet002\\Services\\MSExchangeIS\\ParametersSystem");
  g_assert_cmpint (hivex_commit (h, NULL, 0), ==, 0);
  hivex_close (h);
  return path;
}

static void
spin_while_busy (TfServerFixPage *page)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  /* let the operation start, then wait for it */
  g_main_context_iteration (NULL, FALSE);
  while (tf_server_fix_page_get_busy (page))
    {
      g_main_context_iteration (NULL, FALSE);
      if (g_get_monotonic_time () > end)
        g_error ("Timed out waiting for the page");
    }
  g_main_context_iteration (NULL, FALSE);
}

static AdwMessageDialog *
wait_for_dialog (void)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  AdwMessageDialog *dialog;

  while ((dialog = tf_ui_test_find_dialog (NULL)) == NULL)
    {
      g_main_context_iteration (NULL, FALSE);
      if (g_get_monotonic_time () > end)
        g_error ("Timed out waiting for the confirmation");
    }
  return dialog;
}

/* Depth-first search for an AdwActionRow with @title */
static AdwActionRow *
find_row (GtkWidget *widget,
          const char *title)
{
  if (ADW_IS_ACTION_ROW (widget) && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return ADW_ACTION_ROW (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      AdwActionRow *row = find_row (c, title);

      if (row != NULL)
        return row;
    }
  return NULL;
}

/* Buttons follow their action's enabled state */
static gboolean
action_enabled (GtkWidget *page,
                const char *label)
{
  GtkWidget *button = tf_ui_test_find_button (page, label);

  g_assert_nonnull (button);
  return gtk_widget_get_sensitive (button);
}

static const char *
subtitle (GtkWidget *page,
          const char *title)
{
  AdwActionRow *row = find_row (page, title);

  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (row);
}

static void
clipboard_text_cb (GObject *source,
                   GAsyncResult *res,
                   gpointer user_data)
{
  char **out = user_data;

  *out = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), res, NULL);
  if (*out == NULL)
    *out = g_strdup ("");
}

/* The changes of the confirmation, as typed (without the joiners that
 * keep the registry paths from breaking anywhere but after "\\"); the
 * dialog keeps the string */
static const char *
registry_text (AdwMessageDialog *dialog)
{
  GtkWidget *label = adw_message_dialog_get_extra_child (dialog);
  g_autoptr (GString) text = NULL;

  g_assert_true (GTK_IS_LABEL (label));
  g_assert_true (gtk_widget_has_css_class (label, "monospace"));
  text = g_string_new (gtk_label_get_text (GTK_LABEL (label)));
  g_string_replace (text, "\u2060", "", 0);
  g_string_replace (text, "\u200b", "", 0);
  g_object_set_data_full (G_OBJECT (dialog), "plain", g_string_free (g_steal_pointer (&text), FALSE), g_free);

  return g_object_get_data (G_OBJECT (dialog), "plain");
}

static void
test_page_enable_revert (void)
{
  g_autofree char *template = corpus_template ();
  g_autofree char *dir = NULL;
  g_autofree char *hive = NULL;
  g_autofree char *original = NULL;
  g_autofree char *backups = NULL;
  g_autofree char *journal = NULL;
  g_autofree char *clip = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (TfHiveStatus) status = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  AdwMessageDialog *dialog;
  AdwToastOverlay *overlay;
  GtkWidget *window;
  GtkWidget *page;
  gsize original_len = 0;

  if (template == NULL)
    {
      g_test_skip ("corpus not available");
      return;
    }
  dir = g_dir_make_tmp ("trackfix-page-XXXXXX", NULL);
  hive = build_system_hive (dir, template);
  g_assert_true (g_file_get_contents (hive, &original, &original_len, NULL));
  backups = g_build_filename (dir, "backups", NULL);
  journal = g_build_filename (dir, "journal.jsonl", NULL);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 800);
  overlay = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  page = tf_server_fix_page_new ();
  adw_toast_overlay_set_child (overlay, page);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (overlay));
  gtk_window_present (GTK_WINDOW (window));

  /* Nothing chosen: the buttons are off */
  g_assert_false (action_enabled (page, "_Enable Fix Flag"));
  g_assert_false (action_enabled (page, "_Revert"));

  tf_server_fix_page_set_storage (TF_SERVER_FIX_PAGE (page), backups, journal);
  file = g_file_new_for_path (hive);
  tf_server_fix_page_set_hive (TF_SERVER_FIX_PAGE (page), file);
  spin_while_busy (TF_SERVER_FIX_PAGE (page));

  g_assert_cmpstr (subtitle (page, "Hive File"), ==, hive);
  g_assert_cmpstr (subtitle (page, "Current Control Set"), ==, "ControlSet002 (\\Select\\Current = 2)");
  g_assert_cmpstr (subtitle (page, "Exchange Information Store (MSExchangeIS)"), ==, "Present");
  g_assert_cmpstr (subtitle (page, "Fix Key"), ==, "Absent — ControlSet002\\" KEY_BELOW_CS);
  g_assert_cmpstr (subtitle (page, "FixRecipientTrackStatusTime"), ==, "absent (fix off)");
  g_assert_true (g_str_has_prefix (subtitle (page, "State"), "Clean"));
  g_assert_true (action_enabled (page, "_Enable Fix Flag"));
  g_assert_false (action_enabled (page, "_Revert"));

  /* Enable: dry run → confirmation listing the exact changes → write */
  g_assert_true (gtk_widget_activate_action (page, "server-fix.enable", NULL));
  dialog = wait_for_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Enable the Fix Flag?");
  g_assert_nonnull (strstr (registry_text (dialog),
                            "• set value ControlSet002\\" KEY_BELOW_CS "\\FixRecipientTrackStatusTime = REG_DWORD 1"));
  g_assert_nonnull (strstr (registry_text (dialog), "• create key ControlSet002\\" KEY_BELOW_CS));
  adw_message_dialog_response (dialog, "apply");
  gtk_window_destroy (GTK_WINDOW (dialog));
  spin_while_busy (TF_SERVER_FIX_PAGE (page));
  spin_while_busy (TF_SERVER_FIX_PAGE (page));

  status = tf_hive_status_read (hive, NULL);
  g_assert_nonnull (status);
  g_assert_cmpint (status->flag_state, ==, TF_FLAG_STATE_ONE);
  g_clear_pointer (&status, tf_hive_status_free);
  g_assert_cmpstr (subtitle (page, "FixRecipientTrackStatusTime"), ==, "1 (fix on) — REG_DWORD 0x00000001 (1)");
  entries = tf_journal_read (journal, NULL);
  g_assert_nonnull (entries);
  g_assert_cmpuint (entries->len, ==, 1);
  {
    TfJournalEntry *entry = g_ptr_array_index (entries, 0);
    g_autofree char *backup = NULL;
    gsize backup_len = 0;

    g_assert_cmpstr (entry->action, ==, "flag-enable");
    g_assert_true (g_file_get_contents (entry->backup, &backup, &backup_len, NULL));
    g_assert_cmpmem (backup, backup_len, original, original_len);
  }
  /* Already on: enable is off, revert is on */
  g_assert_false (action_enabled (page, "_Enable Fix Flag"));
  g_assert_true (action_enabled (page, "_Revert"));

  /* Revert */
  g_assert_true (gtk_widget_activate_action (page, "server-fix.revert", NULL));
  dialog = wait_for_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Revert the Fix Flag?");
  g_assert_nonnull (strstr (registry_text (dialog), "• delete value ControlSet002\\"));
  adw_message_dialog_response (dialog, "apply");
  gtk_window_destroy (GTK_WINDOW (dialog));
  spin_while_busy (TF_SERVER_FIX_PAGE (page));
  spin_while_busy (TF_SERVER_FIX_PAGE (page));
  status = tf_hive_status_read (hive, NULL);
  g_assert_cmpint (status->flag_state, ==, TF_FLAG_STATE_ABSENT);
  g_assert_cmpstr (subtitle (page, "FixRecipientTrackStatusTime"), ==, "absent (fix off)");

  /* Copy command puts the reg.exe lines on the clipboard */
  g_assert_true (gtk_widget_activate_action (page, "server-fix.copy-command", "s", "reg"));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (page), NULL, clipboard_text_cb, &clip);
  while (clip == NULL)
    g_main_context_iteration (NULL, TRUE);
  expected = tf_flag_build_commands (TF_FLAG_ENABLE, TF_COMMAND_STYLE_REG);
  g_assert_cmpstr (clip, ==, expected);

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (hive);
}

static void
test_page_refuses (void)
{
  g_autofree char *template = corpus_template ();
  g_autoptr (GFile) file = NULL;
  GtkWidget *window;
  GtkWidget *page;

  if (template == NULL)
    {
      g_test_skip ("corpus not available");
      return;
    }
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 800);
  page = tf_server_fix_page_new ();
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  /* The template itself has no \Select: not a SYSTEM hive */
  file = g_file_new_for_path (template);
  tf_server_fix_page_set_hive (TF_SERVER_FIX_PAGE (page), file);
  spin_while_busy (TF_SERVER_FIX_PAGE (page));
  g_assert_nonnull (strstr (subtitle (page, "Current Control Set"), "\\Select"));
  g_assert_false (action_enabled (page, "_Enable Fix Flag"));
  g_assert_false (action_enabled (page, "_Revert"));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The toast after a write offers Undo: the hive comes back byte for byte */
static void
test_page_undo (void)
{
  g_autofree char *template = corpus_template ();
  g_autofree char *dir = NULL;
  g_autofree char *hive = NULL;
  g_autofree char *original = NULL;
  g_autofree char *now = NULL;
  g_autofree char *backups = NULL;
  g_autofree char *journal = NULL;
  g_autoptr (GFile) file = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *overlay;
  GtkWidget *window;
  GtkWidget *page;
  GtkWidget *undo = NULL;
  gsize original_len = 0, now_len = 0;
  gint64 end;

  if (template == NULL)
    {
      g_test_skip ("corpus not available");
      return;
    }
  dir = g_dir_make_tmp ("trackfix-page-XXXXXX", NULL);
  hive = build_system_hive (dir, template);
  g_assert_true (g_file_get_contents (hive, &original, &original_len, NULL));
  backups = g_build_filename (dir, "backups", NULL);
  journal = g_build_filename (dir, "journal.jsonl", NULL);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 800);
  overlay = adw_toast_overlay_new ();
  page = tf_server_fix_page_new ();
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), page);
  gtk_window_set_child (GTK_WINDOW (window), overlay);
  gtk_window_present (GTK_WINDOW (window));
  tf_server_fix_page_set_storage (TF_SERVER_FIX_PAGE (page), backups, journal);
  file = g_file_new_for_path (hive);
  tf_server_fix_page_set_hive (TF_SERVER_FIX_PAGE (page), file);
  spin_while_busy (TF_SERVER_FIX_PAGE (page));

  g_assert_true (gtk_widget_activate_action (page, "server-fix.enable", NULL));
  dialog = wait_for_dialog ();
  adw_message_dialog_response (dialog, "apply");
  gtk_window_destroy (GTK_WINDOW (dialog));
  spin_while_busy (TF_SERVER_FIX_PAGE (page));
  spin_while_busy (TF_SERVER_FIX_PAGE (page));
  g_assert_cmpstr (subtitle (page, "FixRecipientTrackStatusTime"), ==, "1 (fix on) — REG_DWORD 0x00000001 (1)");

  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while ((undo = tf_ui_test_find_button (overlay, "_Undo")) == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_nonnull (undo);
  g_signal_emit_by_name (undo, "clicked");
  spin_while_busy (TF_SERVER_FIX_PAGE (page));
  spin_while_busy (TF_SERVER_FIX_PAGE (page));

  g_assert_true (g_file_get_contents (hive, &now, &now_len, NULL));
  g_assert_cmpmem (now, now_len, original, original_len);
  g_assert_cmpstr (subtitle (page, "FixRecipientTrackStatusTime"), ==, "absent (fix off)");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* No animations: a toast that slides out while a test moves on made
   * GTK 4.8 warn about negative allocations, depending on timing. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/server-fix-page/enable-revert", test_page_enable_revert);
  g_test_add_func ("/server-fix-page/refuses", test_page_refuses);
  g_test_add_func ("/server-fix-page/undo", test_page_undo);

  return g_test_run ();
}
