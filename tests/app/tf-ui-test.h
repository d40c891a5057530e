/* tf-ui-test.h — helpers shared by the window tests and drivers
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tf-application.h"
#include "tf-window.h"

G_BEGIN_DECLS

/* Runs the main loop for @ms milliseconds */
void tf_ui_test_spin_for (guint ms);
/* Runs the main loop until @done returns TRUE; g_error() after @timeout_ms */
void tf_ui_test_spin_until (gboolean (*done) (gpointer),
                            gpointer data,
                            guint timeout_ms);
/* For tf_ui_test_spin_until(): @window (a TfWindow) has a source, no scan
 * running, no filtering pending and an up-to-date summary */
gboolean tf_ui_test_scan_done (gpointer window);
/* A 1280×800 window of @app showing the folder @path, its scan done */
TfWindow *tf_ui_test_open_folder (AdwApplication *app,
                                  const char *path);
/* The same at @width × @height (1366 × 768: the laptop the layout is for) */
TfWindow *tf_ui_test_open_folder_at (AdwApplication *app,
                                     const char *path,
                                     int width,
                                     int height);
/* Writes the generated sample @sample (tf_gen_sample()) to @dir/@name */
void tf_ui_test_write_sample (const char *dir,
                              const char *sample,
                              const char *name);
/* Renders @widget as drawn now to the PNG file @path. Returns FALSE when
 * there is nothing to render or the file cannot be written. */
gboolean tf_ui_test_render_png (GtkWidget *widget,
                                const char *path);
/* The newest visible AdwMessageDialog whose heading starts with
 * @heading_prefix (any heading for NULL), or NULL */
AdwMessageDialog *tf_ui_test_find_dialog (const char *heading_prefix);
/* Depth-first search below @root for the GtkButton labelled @label */
GtkWidget *tf_ui_test_find_button (GtkWidget *root,
                                   const char *label);

/* gtk_test_init(), libadwaita, no animations, the core; then a
 * registered application for the windows of a test program (NON_UNIQUE,
 * so a session bus or a running Trackfix does not make it a remote) */
AdwApplication *tf_ui_test_init (int *argc,
                                 char ***argv);

/* A new folder below g_get_tmp_dir() (a g_dir_make_tmp() @template),
 * with XDG_DATA_HOME pointed inside it; call before gtk_test_init() */
char *tf_ui_test_make_scratch (const char *template);
/* rm -rf @dir, a scratch folder below g_get_tmp_dir() */
void tf_ui_test_remove_scratch (const char *dir);
/* Waits (10 s at most) for a message dialog whose heading starts with
 * @heading_prefix, and returns it */
AdwMessageDialog *tf_ui_test_wait_dialog (const char *heading_prefix);
/* For tf_ui_test_spin_until(): no dialog with heading prefix @data (a string) */
gboolean tf_ui_test_dialog_gone (gpointer data);
/* With TRACKFIX_UI_SNAPSHOTS set, renders @widget to @name in the build
 * folder (G_TEST_BUILDDIR), for looking at a dialog or window */
void tf_ui_test_maybe_snapshot (GtkWidget *widget,
                                const char *name);
/* Writes @ost: the PST @pst with the client signature of an OST ("SO")
 * and its header CRCs made right again */
void tf_ui_test_make_ost (const char *pst,
                          const char *ost);
/* The widget after @widget in a depth-first walk of @root, or NULL */
GtkWidget *tf_ui_test_next_widget (GtkWidget *widget,
                                   GtkWidget *root);

/* Writes the demo folder (tf_gen_demo()) to @scratch/demo; returns its path */
char *tf_ui_test_make_demo (const char *scratch);
/* A registered application for window tests (non-unique, opens files) */
TfApplication *tf_ui_test_new_application (void);

/* The rows @window (a TfWindow) shows are in the default order: severity
 * (KB 938650 cases, other errors, warnings, healthy), then sent time
 * oldest first, then path */
void tf_ui_test_assert_default_order (gpointer window);
/* The paths of @window's list, in order (free with g_ptr_array_unref) */
GPtrArray *tf_ui_test_list_paths (gpointer window);
/* Fails unless at least @min_texts texts are shown under @widget and
 * none is cut; the message names @where and each text that does not fit.
 * Checked: of a list cell (inscription) the whole text of a first line,
 * and of a second line (dim) what comes before its last " · " (the
 * sender and the problem: the file name or folder after it may be
 * shortened); any label that is ellipsized. */
void tf_ui_test_assert_nothing_cut (GtkWidget *widget,
                                    guint min_texts,
                                    const char *where);

G_END_DECLS
