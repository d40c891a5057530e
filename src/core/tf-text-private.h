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

/* g_ascii_strncasecmp (@text, @word, @n) == 0 for a @word of at least @n
 * bytes, inline: header and property names are compared a dozen times a
 * line */
static inline gboolean
tf_text_equal_ci (const char *text,
                  const char *word,
                  gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      guchar a = (guchar) text[i], b = (guchar) word[i];

      if (a != b && ((a | 0x20) != (b | 0x20) || (a | 0x20) < 'a' || (a | 0x20) > 'z'))
        return FALSE;
    }

  return TRUE;
}

G_END_DECLS
