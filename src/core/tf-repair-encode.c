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

/* How a decoded byte is written when it changed: as itself when that is
 * safe anywhere on a line (printable ASCII other than '='), else =XX.
 * Space and tab are always =20 / =09, so a line never ends in white space
 * a decoder would drop. */
static void
qp_append_byte (GString *out,
                guint8 c)
{
  if (c >= 33 && c <= 126 && c != '=')
    g_string_append_c (out, (char) c);
  else
    g_string_append_printf (out, "=%02X", c);
}

/* The encoded form of decoded byte @k on its line: the original
 * characters when the byte did not change, else a fresh encoding */
static void
qp_append_token (GString *out,
                 const guint8 *enc,
                 const GByteArray *decoded,
                 const GArray *positions,
                 const guint8 *patched,
                 gsize k)
{
  gsize at = g_array_index (positions, gsize, k);

  if (patched[k] == decoded->data[k])
    g_string_append_len (out, (const char *) enc + at, enc[at] == '=' ? 3 : 1);
  else
    qp_append_byte (out, patched[k]);
}

/* Splits @tokens (each 1 or 3 characters, "=XX" never cut) into lines of
 * at most 76 characters joined by soft line breaks "=" @eol; the last line
 * ends in @suffix ("=" for a soft break the original line had, or "") */
static void
qp_append_wrapped (GString *out,
                   const char *tokens,
                   gsize n,
                   const char *suffix,
                   const char *eol)
{
  gsize pos = 0;

  while (n - pos + strlen (suffix) > 76)
    {
      gsize take = 0;

      while (pos + take < n)
        {
          gsize w = tokens[pos + take] == '=' ? 3 : 1;

          if (take + w > 75)
            break;
          take += w;
        }
      g_string_append_len (out, tokens + pos, take);
      g_string_append_c (out, '=');
      g_string_append (out, eol);
      pos += take;
    }
  g_string_append_len (out, tokens + pos, n - pos);
  g_string_append (out, suffix);
}

/* The line end the text uses, for soft breaks on a last line without one */
static const char *
qp_default_eol (const guint8 *enc,
                gsize len)
{
  const guint8 *nl = memchr (enc, '\n', len);

  if (nl != NULL && nl > enc && nl[-1] == '\r')
    return "\r\n";
  return nl != NULL ? "\n" : "\r\n";
}

/* Re-encodes one line [ls, le) of @enc holding decoded bytes [d0, d1) */
static void
qp_reencode_line (GString *out,
                  const guint8 *enc,
                  gsize ls,
                  gsize le,
                  const GByteArray *decoded,
                  const GArray *positions,
                  const guint8 *patched,
                  gsize d0,
                  gsize d1,
                  const char *default_eol)
{
  g_autoptr (GString) tokens = g_string_new (NULL);
  gsize eol_start = le;
  gboolean soft = FALSE;
  g_autofree char *eol = NULL;

  if (le > ls && enc[le - 1] == '\n')
    {
      eol_start = le - 1;
      if (eol_start > ls && enc[eol_start - 1] == '\r')
        eol_start--;
      soft = eol_start > ls && enc[eol_start - 1] == '=';
    }
  eol = le > eol_start ? g_strndup ((const char *) enc + eol_start, le - eol_start) : NULL;

  /* A hard line break is literal CR LF / LF in the decoded data: it stays
   * as it is, after the bytes of the line. */
  for (gsize k = d0; k < d1 && g_array_index (positions, gsize, k) < eol_start; k++)
    qp_append_token (tokens, enc, decoded, positions, patched, k);

  if (tokens->len + (soft ? 1 : 0) <= MAX (76, eol_start - ls))
    {
      g_string_append_len (out, tokens->str, tokens->len);
      if (soft)
        g_string_append_c (out, '=');
    }
  else
    qp_append_wrapped (out, tokens->str, tokens->len, soft ? "=" : "", eol != NULL ? eol : default_eol);
  if (eol != NULL)
    g_string_append (out, eol);
}

/* Quoted-printable text @enc (decoded by tf_repair_qp_map_decode() into
 * @decoded and @positions) rewritten to decode to @patched, which has the
 * same length: every line without a changed byte is kept as it is; a
 * line with one is written again, its unchanged bytes in their original
 * characters, the changed ones freshly encoded, and split with soft line
 * breaks if it would grow past 76 characters. NULL when the result would
 * not decode to @patched. */
GBytes *
tf_repair_qp_reencode (const guint8 *enc,
                       gsize len,
                       const GByteArray *decoded,
                       const GArray *positions,
                       const guint8 *patched)
{
  g_autoptr (GString) out = g_string_sized_new (len + 16);
  g_autoptr (GByteArray) check = g_byte_array_new ();
  g_autoptr (GArray) check_positions = g_array_new (FALSE, FALSE, sizeof (gsize));
  const char *default_eol = qp_default_eol (enc, len);
  gsize d = 0;
  gsize ls = 0;

  g_return_val_if_fail (positions->len == decoded->len + 1, NULL);

  while (ls < len)
    {
      const guint8 *nl = memchr (enc + ls, '\n', len - ls);
      gsize le = nl != NULL ? (gsize) (nl - enc) + 1 : len;
      gsize d0 = d;
      gboolean changed = FALSE;

      while (d < decoded->len && g_array_index (positions, gsize, d) < le)
        {
          changed = changed || patched[d] != decoded->data[d];
          d++;
        }
      if (changed)
        qp_reencode_line (out, enc, ls, le, decoded, positions, patched, d0, d, default_eol);
      else
        g_string_append_len (out, (const char *) enc + ls, le - ls);
      ls = le;
    }

  if (!tf_repair_qp_map_decode ((const guint8 *) out->str, out->len, check, check_positions) || check->len != decoded->len || memcmp (check->data, patched, check->len) != 0)
    return NULL;
  return g_string_free_to_bytes (g_steal_pointer (&out));
}
