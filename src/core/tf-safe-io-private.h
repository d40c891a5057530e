/* tf-safe-io-private.h — helpers the safe writer shares with the journal
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sets @error from @saved_errno: @format is one of our translated
 * literals with a single %s, which gets @path converted for display,
 * followed by the system's text for the error. */
void tf_safe_io_set_errno_error (GError **error,
                                 int saved_errno,
                                 const char *format,
                                 const char *path);

G_END_DECLS
