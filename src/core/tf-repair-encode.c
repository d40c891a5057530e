/* tf-repair-encode.c — base64 and quoted-printable with a map back to the encoded text
 *
 * Copyright 2026 The Trackfix authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tf-repair-private.h"

void
tf_repair_b64_map_clear (TfRepairB64Map *map)
{
  g_clear_pointer (&map->decoded, g_byte_array_unref);
  g_clear_pointer (&map->positions, g_array_unref);
}

static int
b64_value (guint8 c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

gboolean
tf_repair_b64_map_decode (const guint8 *enc,
                          gsize len,
                          TfRepairB64Map *map)
{
  guint n_pad = 0;
  guint32 quad = 0;
  guint nq = 0;

  map->decoded = g_byte_array_sized_new (len * 3 / 4 + 3);
  map->positions = g_array_sized_new (FALSE, FALSE, sizeof (gsize), len);

  for (gsize i = 0; i < len; i++)
    {
      guint8 c = enc[i];
      int v;

      if (c == '\r' || c == '\n' || c == ' ' || c == '\t')
        continue;
      if (c == '=')
        {
          n_pad++;
          g_array_append_val (map->positions, i);
          quad <<= 6;
          nq++;
        }
      else
        {
          v = b64_value (c);
          if (v < 0 || n_pad > 0)
            return FALSE;
          g_array_append_val (map->positions, i);
          quad = quad << 6 | (guint32) v;
          nq++;
        }
      if (nq == 4)
        {
          guint8 bytes[3] = { quad >> 16 & 0xFF, quad >> 8 & 0xFF, quad & 0xFF };

          if (n_pad > 2)
            return FALSE;
          g_byte_array_append (map->decoded, bytes, 3 - n_pad);
          if (n_pad > 0 && i + 1 < len)
            {
              /* Padding ends the data: only whitespace may follow. */
              for (gsize k = i + 1; k < len; k++)
                if (enc[k] != '\r' && enc[k] != '\n' && enc[k] != ' ' && enc[k] != '\t')
                  return FALSE;
            }
          quad = 0;
          nq = 0;
        }
    }
  return nq == 0;
}

/* Writes the 4-character groups whose 3 decoded bytes changed. */
void
tf_repair_b64_map_patch (const TfRepairB64Map *map,
                         const guint8 *patched,
                         guint8 *enc)
{
  const guint8 *orig = map->decoded->data;
  gsize n = map->decoded->len;

  for (gsize g = 0; g * 3 < n; g++)
    {
      gsize start = g * 3;
      gsize take = MIN (3, n - start);
      guint8 in[3] = { 0, 0, 0 };
      char out[4];

      if (memcmp (orig + start, patched + start, take) == 0)
        continue;
      memcpy (in, patched + start, take);
      out[0] = b64_alphabet[in[0] >> 2];
      out[1] = b64_alphabet[(in[0] & 3) << 4 | in[1] >> 4];
      out[2] = take > 1 ? b64_alphabet[(in[1] & 15) << 2 | in[2] >> 6] : '=';
      out[3] = take > 2 ? b64_alphabet[in[2] & 63] : '=';
      for (guint k = 0; k < 4; k++)
        enc[g_array_index (map->positions, gsize, g * 4 + k)] = (guint8) out[k];
    }
}

/* Encodes @data with the line layout of the original encoded text @orig:
 * same leading and trailing white space, same characters per line, same
 * line end. Used when an inserted line changes the decoded length. */
GBytes *
tf_repair_b64_encode_like (const guint8 *orig,
                           gsize orig_len,
                           const guint8 *data,
                           gsize len)
{
  g_autofree char *flat = g_base64_encode (data, len);
  GString *out = g_string_sized_new (orig_len + 128);
  gsize first = 0;
  gsize last = orig_len;
  gsize line_len = 0;
  const char *eol = "\r\n";
  gsize flat_len = strlen (flat);

  while (first < orig_len && g_ascii_isspace (orig[first]))
    first++;
  while (last > first && g_ascii_isspace (orig[last - 1]))
    last--;
  for (gsize i = first; i < last && orig[i] != '\r' && orig[i] != '\n'; i++)
    line_len++;
  for (gsize i = first; i < last; i++)
    if (orig[i] == '\n')
      {
        eol = (i > 0 && orig[i - 1] == '\r') ? "\r\n" : "\n";
        break;
      }
  if (line_len == 0 || line_len == last - first)
    line_len = G_MAXSIZE; /* one line */

  g_string_append_len (out, (const char *) orig, first);
  for (gsize pos = 0; pos < flat_len; pos += line_len)
    {
      if (pos > 0)
        g_string_append (out, eol);
      g_string_append_len (out, flat + pos, MIN (line_len, flat_len - pos));
    }
  g_string_append_len (out, (const char *) orig + last, orig_len - last);
  return g_string_free_to_bytes (out);
}

/* Quoted-printable with, for every decoded byte, where it starts in the
 * encoded text. */
gboolean
tf_repair_qp_map_decode (const guint8 *enc,
                         gsize len,
                         GByteArray *decoded,
                         GArray *positions)
{
  gsize i = 0;

  while (i < len)
    {
      guint8 c = enc[i];

      if (c == '=')
        {
          int hi;
          int lo;

          if (i + 1 < len && enc[i + 1] == '\n')
            {
              i += 2;
              continue;
            }
          if (i + 2 < len && enc[i + 1] == '\r' && enc[i + 2] == '\n')
            {
              i += 3;
              continue;
            }
          if (i + 2 >= len)
            return FALSE;
          hi = g_ascii_xdigit_value (enc[i + 1]);
          lo = g_ascii_xdigit_value (enc[i + 2]);
          if (hi < 0 || lo < 0)
            return FALSE;
          c = (guint8) (hi << 4 | lo);
          g_byte_array_append (decoded, &c, 1);
          g_array_append_val (positions, i);
          i += 3;
          continue;
        }
      g_byte_array_append (decoded, &c, 1);
      g_array_append_val (positions, i);
      i++;
    }
  /* One past the end maps to the end. */
  g_array_append_val (positions, len);
  return TRUE;
}
