/* tf-frame-warmup.h — keep the memory full-window frames are drawn in
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void tf_frame_warmup_attach (GtkWindow *window);
/* Before a frame that will redraw most of @window after much was
 * allocated (the end of a scan): touches a heap buffer of a full window's
 * size once, ~16 ms in a VM; call it in a main-loop pass of its own */
void tf_frame_warmup_heap (GtkWindow *window);

G_END_DECLS
