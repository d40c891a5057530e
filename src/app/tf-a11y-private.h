/* tf-a11y-private.h — accessible names GTK 4.8 does not give by itself
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Gives every icon-only button below @root an accessible name: its
 * tooltip, its menu button's tooltip, or (title bar buttons) what it
 * does. Screen readers otherwise say just "button". */
void tf_a11y_name_buttons (GtkWidget *root);

G_END_DECLS
