/* tf-window.h — the main window
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TF_TYPE_WINDOW (tf_window_get_type ())

G_DECLARE_FINAL_TYPE (TfWindow, tf_window, TF, WINDOW, AdwApplicationWindow)

TfWindow *tf_window_new (AdwApplication *application);
/* Opens folders and files (local or GIO URIs) as sources and scans them */
void tf_window_open_files (TfWindow *self,
                           GFile **files,
                           guint n_files);
/* The demo folder: installed pkgdatadir/demo, else the source tree's */
GFile *tf_window_dup_demo_folder (void);

G_END_DECLS
