/* tf-text-private.h — byte-level text checks shared by the readers
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean tf_text_is_ascii (const char *text,
                           gsize len);

gboolean tf_text_is_utf8 (const char *text,
                          gsize len);

gboolean tf_text_contains_ci (const char *text,
                              gsize len,
                              const char *needle);

G_END_DECLS
