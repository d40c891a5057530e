/* tf-encoded-words.c — RFC 2047 encoded words split inside a character
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tf-mime-private.h"

/*
 * RFC 2047 §5 says each encoded word must hold whole characters, but
 * Exchange 2007 cuts long subjects into words by bytes: a multibyte
 * character (UTF-8, Shift_JIS) or an ISO-2022-JP escape state runs on
 * into the next word. GMime converts each word to UTF-8 on its own, so
 * "…ニャーン" came out as "…ニ" plus garbage or nothing. Hand-written (no
 * library joins them): adjacent encoded words in the same charset,
 * separated only by white space (which RFC 2047 §6.2 says to drop), are
 * merged into one base64 word over the concatenated bytes; GMime then
 * decodes the text as usual.
 */

/* Bounds the work on hostile headers */
#define MAX_HEADER_BYTES (64 * 1024)

typedef struct
{
  gsize start;   /* "=?" */
  gsize end;     /* after "?=" */
  gsize charset; /* offset and length of the charset */
  gsize charset_len;
  char encoding; /* 'B' or 'Q' */
  gsize text;    /* encoded text */
  gsize text_len;
} EncodedWord;

/* Parses the encoded word at @pos of @value (RFC 2047 §2), or FALSE */
static gboolean
parse_word (const char *value,
            gsize len,
            gsize pos,
            EncodedWord *word)
{
  gsize p = pos + 2;
  gsize q;

  if (pos + 2 > len || value[pos] != '=' || value[pos + 1] != '?')
    return FALSE;

  word->start = pos;
  word->charset = p;
  while (p < len && value[p] != '?' && !g_ascii_isspace (value[p]))
    p++;
  if (p == word->charset || p + 2 >= len || value[p] != '?')
    return FALSE;
  word->charset_len = p - word->charset;

  word->encoding = g_ascii_toupper (value[p + 1]);
  if ((word->encoding != 'B' && word->encoding != 'Q') || value[p + 2] != '?')
    return FALSE;

  word->text = p + 3;
  for (q = word->text; q + 1 < len; q++)
    {
      if (g_ascii_isspace (value[q]))
        return FALSE;
      if (value[q] == '?' && value[q + 1] == '=')
        break;
    }
  if (q + 1 >= len)
    return FALSE;

  word->text_len = q - word->text;
  word->end = q + 2;
  return TRUE;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Appends the bytes @word stands for */
static void
append_decoded (GByteArray *out,
                const char *value,
                const EncodedWord *word)
{
  const char *text = value + word->text;

  if (word->encoding == 'B')
    {
      g_autofree char *copy = g_strndup (text, word->text_len);
      gsize n = 0;
      g_autofree guchar *bytes = g_base64_decode (copy, &n);

      g_byte_array_append (out, bytes, n);
      return;
    }

  for (gsize i = 0; i < word->text_len; i++)
    {
      guint8 c = (guint8) text[i];
      int hi, lo;

      if (c == '_')
        c = ' ';
      else if (c == '=' && i + 2 < word->text_len && (hi = hex_value (text[i + 1])) >= 0
               && (lo = hex_value (text[i + 2])) >= 0)
        {
          c = (guint8) (hi << 4 | lo);
          i += 2;
        }
      g_byte_array_append (out, &c, 1);
    }
}

static gboolean
only_space (const char *value,
            gsize from,
            gsize to)
{
  for (gsize i = from; i < to; i++)
    if (!g_ascii_isspace (value[i]))
      return FALSE;
  return TRUE;
}

/**
 * tf_mime_join_encoded_words:
 * @value: a raw (still encoded) header value
 *
 * Returns: (transfer full): @value with every run of adjacent encoded
 *   words in one charset merged into a single base64 encoded word
 */
char *
tf_mime_join_encoded_words (const char *value)
{
  gsize len = strlen (value);
  GString *out = g_string_sized_new (len);
  gsize pos = 0;

  if (len > MAX_HEADER_BYTES)
    return g_string_free (g_string_append (out, value), FALSE);

  while (pos < len)
    {
      EncodedWord first;
      EncodedWord next;
      g_autoptr (GByteArray) bytes = NULL;
      g_autofree char *encoded = NULL;
      gsize end;
      guint n_words = 1;

      if (!parse_word (value, len, pos, &first))
        {
          g_string_append_c (out, value[pos++]);
          continue;
        }

      bytes = g_byte_array_new ();
      append_decoded (bytes, value, &first);
      end = first.end;
      for (;;)
        {
          gsize at = end;

          while (at < len && g_ascii_isspace (value[at]))
            at++;
          if (!parse_word (value, len, at, &next) || !only_space (value, end, at) || next.charset_len != first.charset_len
              || g_ascii_strncasecmp (value + next.charset, value + first.charset, first.charset_len) != 0)
            break;
          append_decoded (bytes, value, &next);
          end = next.end;
          n_words++;
        }

      if (n_words == 1)
        g_string_append_len (out, value + first.start, first.end - first.start);
      else
        {
          encoded = g_base64_encode (bytes->data, bytes->len);
          g_string_append (out, "=?");
          g_string_append_len (out, value + first.charset, first.charset_len);
          g_string_append (out, "?B?");
          g_string_append (out, encoded);
          g_string_append (out, "?=");
        }
      pos = end;
    }

  return g_string_free (out, FALSE);
}

/**
 * tf_mime_dup_header_text:
 * @object: a message or part
 * @name: a header name ("Subject")
 *
 * Returns: (transfer full) (nullable): the header's value unfolded,
 *   decoded to UTF-8 (RFC 2047, split characters joined) and stripped of
 *   surrounding white space, or NULL when there is no such header
 */
char *
tf_mime_dup_header_text (GMimeObject *object,
                         const char *name)
{
  GMimeHeaderList *headers = g_mime_object_get_header_list (object);
  GMimeHeader *header = headers != NULL ? g_mime_header_list_get_header (headers, name) : NULL;

  return header != NULL ? tf_mime_decode_header_text (g_mime_header_get_raw_value (header)) : NULL;
}

/**
 * tf_mime_decode_header_text:
 * @raw: (nullable): a header's raw value, folded and encoded as in the file
 *
 * The one decoding of unstructured header text that both MIME paths use:
 * unfolds, joins adjacent encoded words, decodes with GMime and trims.
 *
 * Returns: (transfer full) (nullable): valid UTF-8, or NULL when @raw is
 */
char *
tf_mime_decode_header_text (const char *raw)
{
  g_autofree char *unfolded = NULL;
  g_autofree char *joined = NULL;
  char *text;

  if (raw == NULL)
    return NULL;

  unfolded = g_mime_utils_header_unfold (raw);
  joined = tf_mime_join_encoded_words (g_strstrip (unfolded));
  text = g_mime_utils_header_decode_text (NULL, joined);
  if (text != NULL && !g_utf8_validate (text, -1, NULL))
    {
      char *valid = g_utf8_make_valid (text, -1);

      g_free (text);
      text = valid;
    }

  /* An encoded word may carry a line end ("…ニャーン\n") */
  return text != NULL ? g_strstrip (text) : NULL;
}
