/* tf-strpool-private.h — shared copies of strings that repeat across items
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Returns a shared, reference-counted copy of @str (one per distinct
 * value in the process); give it back with tf_strpool_release(). Safe
 * from any thread. Unlike GRefString interning in GLib 2.74, a release
 * racing with a lookup of the same value never resurrects a dying copy. */
char *tf_strpool_intern (const char *str);
void tf_strpool_release (char *str);
/* Sets *@field to a shared copy of @value (NULL for NULL or ""),
 * releasing the old one; nothing happens when they are equal. */
void tf_strpool_replace (char **field,
                         const char *value);

G_END_DECLS
