/* tf-text.c — byte-level text checks shared by the readers
 *
 * Hand-written because GLib has neither a word-at-a-time ASCII check nor a
 * case-insensitive substring search over a length-bounded buffer; these
 * run over every text part and calendar of a scan (issue 17).
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tf-text-private.h"

/**
 * tf_text_is_ascii:
 * @text: bytes (NULs allowed)
 * @len: their number
 *
 * Eight bytes per step: text parts and calendars are mostly ASCII, and
 * this decides both "no charset conversion needed" and "valid UTF-8" for
 * them.
 *
 * Returns: TRUE when no byte has its high bit set
 */
gboolean
tf_text_is_ascii (const char *text,
                  gsize len)
{
  guint64 high = 0;
  gsize i = 0;

  for (; i + 8 <= len; i += 8)
    {
      guint64 word;

      memcpy (&word, text + i, 8);
      high |= word;
    }
  for (; i < len; i++)
    high |= (guchar) text[i];

  return (high & G_GUINT64_CONSTANT (0x8080808080808080)) == 0;
}

/**
 * tf_text_is_utf8:
 * @text: bytes
 * @len: their number
 *
 * g_utf8_validate_len(), with ASCII text decided eight bytes a step.
 *
 * Returns: TRUE when @text is valid UTF-8 without NUL bytes
 */
gboolean
tf_text_is_utf8 (const char *text,
                 gsize len)
{
  if (tf_text_is_ascii (text, len))
    return memchr (text, '\0', len) == NULL;

  return g_utf8_validate_len (text, len, NULL);
}

static inline guchar
fold (guchar c)
{
  return c >= 'A' && c <= 'Z' ? c | 0x20 : c;
}

/**
 * tf_text_contains_ci:
 * @text: bytes (NULs allowed; they match nothing)
 * @len: their number
 * @needle: a non-empty NUL-terminated string
 *
 * Horspool's search with ASCII case folding: the byte under the needle's
 * end decides how far it moves (usually its whole length), so a text
 * without the needle costs a few instructions per needle length.
 *
 * Returns: TRUE when @needle occurs in @text, ASCII letters compared
 *   without regard to case
 */
gboolean
tf_text_contains_ci (const char *text,
                     gsize len,
                     const char *needle)
{
  gsize n = strlen (needle);
  guint8 shift[256];
  guchar last;

  if (n == 0 || len < n)
    return n == 0;
  if (n > G_MAXUINT8)
    {
      for (gsize i = 0; i <= len - n; i++)
        if (g_ascii_strncasecmp (text + i, needle, n) == 0)
          return TRUE;
      return FALSE;
    }

  memset (shift, (int) n, sizeof shift);
  for (gsize k = 0; k + 1 < n; k++)
    {
      guchar c = fold ((guchar) needle[k]);

      shift[c] = (guint8) (n - 1 - k);
      if (c >= 'a' && c <= 'z')
        shift[c & ~0x20] = (guint8) (n - 1 - k);
    }

  last = fold ((guchar) needle[n - 1]);
  for (gsize i = 0; i <= len - n; i += shift[(guchar) text[i + n - 1]])
    if (fold ((guchar) text[i + n - 1]) == last && g_ascii_strncasecmp (text + i, needle, n) == 0)
      return TRUE;

  return FALSE;
}
