/* tf-mime-fast.c — MIME reader fast path: ordinary shapes without GMime's tree
 *
 * Why hand-written: GMime's parser builds 60–80 GObjects (headers, header
 * lists, content types, streams, data wrappers) per queue file and frees
 * them again; that tree was 55 % of a scan (issue 17). This file splits a
 * message into header fields and parts by the rules GMime's parser applies
 * (header folding, boundary lines with the innermost boundary checked
 * first, the line break before a boundary belonging to the boundary) and
 * keeps only byte ranges. Every value is still decoded by GMime itself:
 * g_mime_content_type_parse(), g_mime_content_disposition_parse(),
 * internet_address_list_parse(), g_mime_utils_header_decode_text(),
 * g_mime_utils_header_decode_date(), GMime's charset filter and its
 * transfer-encoding decoders.
 *
 * Whenever the message is not of a shape this file fully understands
 * (nested messages, a header line GMime would have to guess about, a part
 * cut off before its boundary, mixed line endings around a boundary, a
 * repeated Content-Type…), tf_mime_fast_read() leaves the item untouched
 * and returns FALSE: tf_mime_read() then uses GMime's full parser. The
 * fuzz-mime-paths target and test-mime-paths check that both paths give
 * the same items.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <gmime/gmime.h>
#include <string.h>

#include "tf-autocleanups-private.h"
#include "tf-base64-private.h"
#include "tf-mime-fast-private.h"
#include "tf-mime-private.h"
#include "tf-text-private.h"

/* Same bound as tf-mime.c: decoded parts above it are not read. */
#define MAX_DECODED_PART (256 * 1024 * 1024)
/* Deeper or bigger messages go to GMime (far below TF_MIME_MAX_DEPTH). */
#define FAST_MAX_DEPTH 8
#define FAST_MAX_PARTS 256
/* Formatted From addresses kept per worker thread */
#define FROM_CACHE_MAX 4096

enum
{
  H_CONTENT_TYPE,
  H_TRANSFER_ENCODING,
  H_DISPOSITION,
  H_SUBJECT,
  H_FROM,
  H_DATE,
  H_MESSAGE_ID,
  N_FIELDS
};

static const struct
{
  const char *name;
  gsize len;
} field_names[N_FIELDS] = {
  { "Content-Type", 12 },
  { "Content-Transfer-Encoding", 25 },
  { "Content-Disposition", 19 },
  { "Subject", 7 },
  { "From", 4 },
  { "Date", 4 },
  { "Message-Id", 10 },
};

typedef struct
{
  gsize start[N_FIELDS];  /* value: after the colon … */
  gsize end[N_FIELDS];    /* … to the end of its last folded line */
  guint seen;             /* bit per field */
  guint n_message_fields; /* fields other than Content-*: GMime puts only
                           * these on a message, which needs one */
} HeaderSet;

typedef struct
{
  GMimeContentType *ct; /* NULL: no Content-Type field (text/plain) */
  char *boundary;       /* a multipart's, when ct was parsed without it */
  GMimeContentDisposition *disposition;
  GMimeContentEncoding encoding;
  gsize start, end; /* still-encoded content of a leaf */
  gint parent;
  gboolean multipart;
  gboolean ignored; /* a leaf no reader looks at: fields not parsed */
} FastPart;

enum
{
  FOUND_EOS,
  FOUND_BOUNDARY,
  FOUND_END,
  FOUND_DECLINE,
};

typedef struct
{
  const char *data;
  gsize len;
  GArray *parts; /* FastPart, numbered as in tf-mime-private.h */
  const char *bounds[FAST_MAX_DEPTH + 1];
  gsize bound_len[FAST_MAX_DEPTH + 1];
  guint n_bounds;
  /* the boundary line the last scan stopped at */
  gsize line_start, line_next;
  guint level; /* 0: the innermost boundary */
  gboolean line_crlf;
} Fast;

static gint path_override = -1;
static gsize n_fast_reads, n_fallbacks;

TfMimePath
tf_mime_get_path (void)
{
  gint path = g_atomic_int_get (&path_override);

  if (path < 0)
    {
      const char *env = g_getenv ("TRACKFIX_MIME_PATH");

      path = env != NULL && g_ascii_strcasecmp (env, "gmime") == 0 ? TF_MIME_PATH_GMIME : TF_MIME_PATH_AUTO;
      g_atomic_int_set (&path_override, path);
    }

  return (TfMimePath) path;
}

void
tf_mime_set_path (TfMimePath path)
{
  g_atomic_int_set (&path_override, (gint) path);
}

void
tf_mime_fast_get_counts (guint64 *n_fast,
                         guint64 *n_fallback)
{
  if (n_fast != NULL)
    *n_fast = (guint64) g_atomic_pointer_get (&n_fast_reads);
  if (n_fallback != NULL)
    *n_fallback = (guint64) g_atomic_pointer_get (&n_fallbacks);
}

static void
fast_part_clear (gpointer data)
{
  FastPart *part = data;

  g_clear_object (&part->ct);
  g_clear_pointer (&part->boundary, g_free);
  g_clear_object (&part->disposition);
}

/* Reads one header block from @pos. Declines (FALSE) on anything GMime's
 * header parser would have to interpret: a line without "name:", white
 * space before the colon, a NUL or a bare CR, a line starting with "--"
 * (GMime checks those against boundaries), a repeated field we read, or
 * no empty line ending the block. */
static gboolean
parse_headers (const Fast *f,
               gsize pos,
               HeaderSet *hs,
               gsize *body)
{
  gint current = -2; /* -2: no field yet, -1: a field we ignore */

  while (pos < f->len)
    {
      const guchar *line = (const guchar *) f->data + pos;
      const guchar *nl = memchr (line, '\n', f->len - pos);
      gsize n, i;

      if (nl == NULL)
        return FALSE;
      n = (gsize) (nl - line);

      for (i = 0; i < n; i++)
        if (line[i] == '\0' || (line[i] == '\r' && i + 1 != n))
          return FALSE;

      if (n == 0 || (n == 1 && line[0] == '\r'))
        {
          *body = pos + n + 1;
          return TRUE;
        }

      if (line[0] == ' ' || line[0] == '\t')
        {
          if (current == -2)
            return FALSE;
          if (current >= 0)
            hs->end[current] = pos + n;
        }
      else
        {
          if (n >= 2 && line[0] == '-' && line[1] == '-')
            return FALSE;
          for (i = 0; i < n && line[i] != ':'; i++)
            if (line[i] < 33 || line[i] > 126)
              return FALSE;
          if (i == 0 || i == n)
            return FALSE;

          if (i < 8 || !tf_text_equal_ci ((const char *) line, "Content-", 8))
            hs->n_message_fields++;
          current = -1;
          for (gint h = 0; h < N_FIELDS; h++)
            {
              if (field_names[h].len != i || !tf_text_equal_ci ((const char *) line, field_names[h].name, i))
                continue;
              if (hs->seen & (1u << h))
                return FALSE;
              hs->seen |= 1u << h;
              hs->start[h] = pos + i + 1;
              hs->end[h] = pos + n;
              current = h;
              break;
            }
        }

      pos += n + 1;
    }

  return FALSE;
}

/* The raw value as GMime's parser stores it: CRs of line breaks dropped */
static char *
dup_raw_value (const Fast *f,
               const HeaderSet *hs,
               gint field)
{
  gsize len = hs->end[field] - hs->start[field];
  const char *in = f->data + hs->start[field];
  char *out = g_malloc (len + 1);
  gsize o = 0;

  for (gsize i = 0; i < len; i++)
    if (in[i] != '\r')
      out[o++] = in[i];
  out[o] = '\0';

  return out;
}

/* g_mime_header_get_value(): unfolded, encoded words decoded */
static char *
dup_decoded_value (const Fast *f,
                   const HeaderSet *hs,
                   gint field)
{
  g_autofree char *raw = dup_raw_value (f, hs, field);
  g_autofree char *unfolded = g_mime_utils_header_unfold (raw);

  return g_mime_utils_header_decode_text (NULL, unfolded);
}

static gboolean
is_token_char (guchar c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-.^_`{|}~", c) != NULL);
}

/* "type/subtype" then nothing or parameters: the only shape for which
 * GMime's parser and g_mime_content_type_parse() surely agree. */
static gboolean
is_plain_content_type (const char *value)
{
  const guchar *p = (const guchar *) value;
  const guchar *start;

  while (*p == ' ' || *p == '\t' || *p == '\n')
    p++;
  for (start = p; is_token_char (*p); p++)
    ;
  if (p == start || *p++ != '/')
    return FALSE;
  for (start = p; is_token_char (*p); p++)
    ;
  if (p == start)
    return FALSE;
  while (*p == ' ' || *p == '\t' || *p == '\n')
    p++;

  return *p == '\0' || *p == ';';
}

/* GMime's is_boundary(): "--" boundary ["--"] and nothing else. 1: a
 * boundary, 0: not, -1: a boundary followed by white space (GMime accepts
 * it; declined here to stay on the well-trodden path). */
static int
match_boundary (const char *line,
                gsize n,
                const char *boundary,
                gsize boundary_len,
                gboolean final)
{
  gsize need = 2 + boundary_len + (final ? 2 : 0);

  if (n < need || memcmp (line + 2, boundary, boundary_len) != 0)
    return 0;
  if (final && (line[2 + boundary_len] != '-' || line[3 + boundary_len] != '-'))
    return 0;
  if (n == need)
    return 1;

  for (gsize i = need; i < n; i++)
    if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
      return 0;

  return -1;
}

/* Checks the line at @pos against the open boundaries (innermost first,
 * its closing form first, as GMime does). FOUND_EOS: not a boundary. */
static int
check_boundary_line (Fast *f,
                     gsize pos)
{
  const char *line = f->data + pos;
  const char *nl = memchr (line, '\n', f->len - pos);
  gsize n = nl != NULL ? (gsize) (nl - line) : f->len - pos;
  gboolean crlf = line[n - 1] == '\r';
  gsize m = crlf ? n - 1 : n;

  for (guint k = f->n_bounds; k-- > 0;)
    {
      for (int final = 1; final >= 0; final--)
        {
          int r = match_boundary (line, m, f->bounds[k], f->bound_len[k], final);

          if (r == 0)
            continue;
          /* A boundary at the very end without a line break, or with
           * trailing blanks: leave it to GMime. */
          if (r < 0 || nl == NULL)
            return FOUND_DECLINE;
          f->line_start = pos;
          f->line_next = pos + n + 1;
          f->level = f->n_bounds - 1 - k;
          f->line_crlf = crlf;
          return final ? FOUND_END : FOUND_BOUNDARY;
        }
    }

  return FOUND_EOS;
}

/* Scans content from the line at @pos to the next boundary line of any
 * open multipart. Only lines starting with "--" can be one, so the scan
 * jumps from '-' to '-' with memchr() instead of going line by line:
 * base64 has no '-' at all. */
static int
scan_content (Fast *f,
              gsize pos)
{
  if (f->n_bounds == 0)
    return FOUND_EOS;

  while (pos + 1 < f->len)
    {
      const char *dash = memchr (f->data + pos, '-', f->len - pos - 1);
      gsize at;

      if (dash == NULL)
        break;
      at = (gsize) (dash - f->data);
      if (dash[1] == '-' && (at == 0 || dash[-1] == '\n'))
        {
          int found = check_boundary_line (f, at);

          if (found != FOUND_EOS)
            return found;
          at++;
        }
      pos = at + 1;
    }

  return FOUND_EOS;
}

static gboolean
is_message_type_we_read (GMimeContentType *ct)
{
  /* GMime builds a GMimePart for these, a GMimeMessagePart (a parsed
   * attached message) or GMimeMessagePartial for the other message/ types */
  return g_mime_content_type_is_type (ct, "message", "delivery-status") || g_mime_content_type_is_type (ct, "message", "global-delivery-status");
}

/* Leaf types tf_mime_read() looks at (besides a "winmail.dat" name) */
static const char *const read_types[] = {
  "text/plain",
  "text/calendar",
  "text/x-vcalendar",
  "application/ms-tnef",
  "application/vnd.ms-tnef",
  "application/ics",
  "application/octet-stream",
};

/* TRUE for a part every reader ignores, told from the raw field values
 * alone: not multipart or message, not a type in read_types, and no
 * file name that could decode to "winmail.dat" (no RFC 2231 or 2047
 * encoding, no quoted-pair, no "winmail" at all). Parsing the content
 * type and disposition of HTML bodies and images was a tenth of a scan. */
static gboolean
is_ignored_part (const char *content_type,
                 const char *disposition)
{
  const char *p = content_type;
  gsize len;

  while (*p == ' ' || *p == '\t' || *p == '\n')
    p++;
  for (len = 0; p[len] != '\0' && p[len] != ';' && p[len] != ' ' && p[len] != '\t' && p[len] != '\n'; len++)
    ;

  if (g_ascii_strncasecmp (p, "multipart/", 10) == 0 || g_ascii_strncasecmp (p, "message/", 8) == 0)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (read_types); i++)
    if (strlen (read_types[i]) == len && g_ascii_strncasecmp (p, read_types[i], len) == 0)
      return FALSE;

  for (guint i = 0; i < 2; i++)
    {
      const char *value = i == 0 ? content_type : disposition;

      if (value != NULL && (strpbrk (value, "*%\\") != NULL || strstr (value, "=?") != NULL || tf_text_contains_ci (value, strlen (value), "winmail")))
        return FALSE;
    }

  return TRUE;
}

#define FIELD_CACHE_MAX 256

typedef struct
{
  GHashTable *content_types; /* raw value → GMimeContentType */
  GHashTable *dispositions;  /* raw value → GMimeContentDisposition */
} FieldCache;

static void
field_cache_free (gpointer data)
{
  FieldCache *cache = data;

  g_hash_table_unref (cache->content_types);
  g_hash_table_unref (cache->dispositions);
  g_free (cache);
}

/* Parsed content types and dispositions of this worker thread, by raw
 * value: queue files repeat the same few ("text/plain;
 * charset=us-ascii", "application/ms-tnef; name=winmail.dat"), and
 * g_mime_content_type_parse() cost 11 k instructions a call. The objects
 * are only read after parsing, and never leave the thread. */
static FieldCache *
get_field_cache (void)
{
  static GPrivate key = G_PRIVATE_INIT (field_cache_free);
  FieldCache *cache = g_private_get (&key);

  if (cache == NULL)
    {
      cache = g_new0 (FieldCache, 1);
      cache->content_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
      cache->dispositions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
      g_private_set (&key, cache);
    }

  return cache;
}

/* Returns a new reference to the parsed @raw (NULL when GMime fails) */
static gpointer
parse_cached (GHashTable *table,
              const char *raw,
              gboolean disposition,
              gboolean masked)
{
  gpointer parsed = g_hash_table_lookup (table, raw);

  if (parsed != NULL)
    return g_object_ref (parsed);

  parsed = disposition ? (gpointer) g_mime_content_disposition_parse (NULL, raw)
                       : (gpointer) g_mime_content_type_parse (NULL, raw);
  if (parsed == NULL)
    return NULL;

  /* multipart boundaries are unique per message: only worth keeping with
   * the boundary masked (parse_content_type()) */
  if (disposition || masked || g_ascii_strncasecmp (g_mime_content_type_get_media_type (parsed), "multipart", 9) != 0)
    {
      if (g_hash_table_size (table) >= FIELD_CACHE_MAX)
        g_hash_table_remove_all (table);
      g_hash_table_insert (table, g_strdup (raw), g_object_ref (parsed));
    }

  return parsed;
}

/* RFC 2046 bcharsnospace; @quoted: inside a quoted string, where the
 * tspecials among them are allowed too */
static gboolean
is_bchar (guchar c,
          gboolean quoted)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr (quoted ? "'()+_,-./:=?" : "'+_-.", c) != NULL);
}

/* Finds the value of the one boundary parameter of @raw when it is
 * written plainly: "; boundary=" (folding white space allowed before the
 * name) then a quoted string or a token of bcharsnospace, and no other
 * "boundary" anywhere. g_mime_content_type_parse() takes such a value
 * as it is, so @raw with another plain value in its place parses to the
 * same content type but for that parameter. */
static gboolean
find_plain_boundary (const char *raw,
                     gsize *start,
                     gsize *len)
{
  const char *at = NULL;
  const char *v, *e;
  gboolean quoted;

  for (const char *p = raw; *p != '\0'; p++)
    if ((*p | 0x20) == 'b' && g_ascii_strncasecmp (p, "boundary", 8) == 0)
      {
        if (at != NULL)
          return FALSE;
        at = p;
      }
  if (at == NULL || at[8] != '=')
    return FALSE;
  for (v = at; v > raw && (v[-1] == ' ' || v[-1] == '\t' || v[-1] == '\n'); v--)
    ;
  if (v == raw || v[-1] != ';')
    return FALSE;

  v = at + 9;
  quoted = *v == '"';
  if (quoted)
    v++;
  for (e = v; is_bchar (*e, quoted); e++)
    ;
  if (e == v || (quoted ? *e != '"' : (*e != '\0' && *e != ';' && *e != ' ' && *e != '\t' && *e != '\n')))
    return FALSE;

  *start = (gsize) (v - raw);
  *len = (gsize) (e - v);
  return TRUE;
}

/* The content type of @raw into @part: from the thread's cache; for a
 * multipart, the boundary (unique per message) is masked for the cache
 * and kept apart in @part->boundary. */
static gboolean
parse_content_type (const char *raw,
                    FastPart *part)
{
  GHashTable *table = get_field_cache ()->content_types;
  gsize start, len;

  if (g_ascii_strncasecmp (raw + strspn (raw, " \t\n"), "multipart/", 10) == 0 && find_plain_boundary (raw, &start, &len))
    {
      g_autoptr (GString) masked = g_string_new_len (raw, (gssize) start);

      g_string_append_c (masked, 'x');
      g_string_append (masked, raw + start + len);
      part->ct = parse_cached (table, masked->str, FALSE, TRUE);
      /* Only when GMime took the parameter: a malformed one before it
       * ("; report:x;" without '=') ends GMime's parameter list, and the
       * multipart then has no boundary for GMime either (fuzz-mime-paths) */
      if (part->ct != NULL && g_strcmp0 (g_mime_content_type_get_parameter (part->ct, "boundary"), "x") == 0)
        part->boundary = g_strndup (raw + start, len);
    }
  else
    {
      part->ct = parse_cached (table, raw, FALSE, FALSE);
    }

  return part->ct != NULL;
}

/* GMime's parser hands content types and dispositions with 8-bit bytes
 * or encoded words to g_mime_content_type_parse() after converting them
 * (fuzz-mime-paths found a method parameter that differed); those go to
 * GMime, and so do control characters other than folding white space
 * (a method parameter "R\x05QUEST" differed too). */
static gboolean
is_plain_field (const char *value)
{
  for (const guchar *p = (const guchar *) value; *p != '\0'; p++)
    if (*p >= 0x80 || *p == 0x7F || (*p < 0x20 && *p != '\t' && *p != '\r' && *p != '\n') || (p[0] == '=' && p[1] == '?'))
      return FALSE;

  return TRUE;
}

/* What GMime's objects parse a content type or disposition from:
 * g_mime_header_get_value(), i.e. the raw value unfolded (line breaks
 * dropped, white space at both ends trimmed) and then decoded. Fields
 * that decoding could change (encoded words, 8-bit bytes) go to GMime's
 * parser (is_plain_field()), so unfolding is all that is left to do.
 * fuzz-mime-paths found both halves: a quoted method parameter folded
 * across lines, and a file name "winmail.dat " with an open quote whose
 * trailing space GMime trims. */
static char *
dup_unfolded_value (const Fast *f,
                    const HeaderSet *hs,
                    gint field)
{
  g_autofree char *raw = dup_raw_value (f, hs, field);

  return g_mime_utils_header_unfold (raw);
}

/* Reads the fields of one entity into @part. */
static gboolean
read_part_fields (const Fast *f,
                  const HeaderSet *hs,
                  gboolean in_digest,
                  FastPart *part)
{
  g_autofree char *disposition = NULL;

  if (hs->seen & (1u << H_DISPOSITION))
    {
      disposition = dup_unfolded_value (f, hs, H_DISPOSITION);
      if (!is_plain_field (disposition))
        return FALSE;
    }

  if (hs->seen & (1u << H_CONTENT_TYPE))
    {
      g_autofree char *raw = dup_unfolded_value (f, hs, H_CONTENT_TYPE);

      if (!is_plain_content_type (raw) || !is_plain_field (raw))
        return FALSE;
      if (is_ignored_part (raw, disposition))
        {
          part->ignored = TRUE;
          return TRUE;
        }
      if (!parse_content_type (raw, part))
        return FALSE;
    }
  else if (in_digest)
    {
      /* message/rfc822 by default */
      return FALSE;
    }

  if (disposition != NULL)
    part->disposition = parse_cached (get_field_cache ()->dispositions, disposition, TRUE, FALSE);

  part->encoding = GMIME_CONTENT_ENCODING_DEFAULT;
  if (hs->seen & (1u << H_TRANSFER_ENCODING))
    {
      g_autofree char *value = dup_unfolded_value (f, hs, H_TRANSFER_ENCODING);

      if (!is_plain_field (value))
        return FALSE;
      part->encoding = g_mime_content_encoding_from_string (value);
      if (part->encoding == GMIME_CONTENT_ENCODING_UUENCODE)
        return FALSE;
    }

  return TRUE;
}

/* Content end of a leaf whose content runs from @start to the boundary
 * line the last scan found: the line break before the boundary belongs to
 * the boundary. Declines when the two ways GMime versions count that line
 * break (from the boundary line's own ending or the content's) differ. */
static gboolean
leaf_end (const Fast *f,
          gsize start,
          gsize *end)
{
  gsize crlf = f->line_crlf ? 2 : 1;
  gsize at = f->line_start;

  if (at - start < crlf || f->data[at - 1] != '\n')
    return FALSE;
  if (f->line_crlf != (at - start >= 2 && f->data[at - 2] == '\r'))
    return FALSE;

  *end = at - crlf;
  return TRUE;
}

static gboolean parse_entity (Fast *f,
                              gsize pos,
                              guint depth,
                              gint parent,
                              gboolean in_digest,
                              HeaderSet *hs,
                              int *found);

static gboolean
parse_multipart (Fast *f,
                 guint index,
                 gsize body,
                 guint depth,
                 int *found)
{
  FastPart *part = &g_array_index (f->parts, FastPart, index);
  const char *boundary = part->boundary != NULL ? part->boundary : g_mime_content_type_get_parameter (part->ct, "boundary");
  gboolean digest = g_mime_content_type_is_type (part->ct, "multipart", "digest");

  part->multipart = TRUE;
  if (boundary == NULL || *boundary == '\0' || f->n_bounds > FAST_MAX_DEPTH)
    return FALSE;

  f->bounds[f->n_bounds] = boundary;
  f->bound_len[f->n_bounds] = strlen (boundary);
  f->n_bounds++;

  /* preface */
  *found = scan_content (f, body);
  if (*found != FOUND_BOUNDARY || f->level != 0)
    return FALSE;

  do
    {
      if (!parse_entity (f, f->line_next, depth + 1, (gint) index, digest, NULL, found))
        return FALSE;
    }
  while (*found == FOUND_BOUNDARY && f->level == 0);

  if (*found != FOUND_END || f->level != 0)
    return FALSE;

  /* postface, up to the enclosing multipart's next boundary */
  f->n_bounds--;
  *found = scan_content (f, f->line_next);

  return *found != FOUND_DECLINE;
}

static gboolean
parse_entity (Fast *f,
              gsize pos,
              guint depth,
              gint parent,
              gboolean in_digest,
              HeaderSet *hs,
              int *found)
{
  HeaderSet local = { 0 };
  FastPart part = { 0 };
  guint index;
  gsize body = 0;

  if (hs == NULL)
    hs = &local;

  if (depth > FAST_MAX_DEPTH || f->parts->len >= FAST_MAX_PARTS)
    return FALSE;
  if (!parse_headers (f, pos, hs, &body))
    return FALSE;

  part.parent = parent;
  index = f->parts->len;
  /* appended first so that the array frees what read_part_fields() made */
  g_array_append_val (f->parts, part);
  if (!read_part_fields (f, hs, in_digest, &g_array_index (f->parts, FastPart, index)))
    return FALSE;

  {
    GMimeContentType *ct = g_array_index (f->parts, FastPart, index).ct;

    if (ct != NULL && g_mime_content_type_is_type (ct, "multipart", "*"))
      return parse_multipart (f, index, body, depth, found);
    if (ct != NULL && g_mime_content_type_is_type (ct, "message", "*") && !is_message_type_we_read (ct))
      return FALSE;
  }

  *found = scan_content (f, body);
  if (*found == FOUND_DECLINE)
    return FALSE;

  {
    FastPart *leaf = &g_array_index (f->parts, FastPart, index);

    leaf->start = body;
    if (*found == FOUND_EOS)
      {
        /* Inside a multipart this is a truncated file: GMime reports it. */
        if (f->n_bounds > 0)
          return FALSE;
        leaf->end = f->len;
      }
    else if (!leaf_end (f, body, &leaf->end))
      {
        return FALSE;
      }
  }

  return TRUE;
}

/* ---- reading the parts (what tf-mime.c's read_part_cb() does) ---- */

/* A leaf as tf_mime_read_leaf() gets it (TfMimeLeafOps) */
typedef struct
{
  const Fast *f;
  const FastPart *part;
} FastLeaf;

/* The transfer encoding removed: GMime's own decoders, or the word-wise
 * base64 decoder when it gives the same bytes (tf-base64.c). */
static GBytes *
decode_content (const Fast *f,
                const FastPart *part)
{
  const char *in = f->data + part->start;
  gsize len = part->end - part->start;

  switch (part->encoding)
    {
    case GMIME_CONTENT_ENCODING_BASE64:
    case GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE:
      {
        GMimeEncoding state;
        guint8 *out;
        gsize n;

        if (part->encoding == GMIME_CONTENT_ENCODING_BASE64)
          {
            GBytes *fast = tf_base64_decode_clean (in, len);

            if (fast != NULL)
              {
                if (g_bytes_get_size (fast) > MAX_DECODED_PART)
                  {
                    g_bytes_unref (fast);
                    return NULL;
                  }
                return fast;
              }
          }

        g_mime_encoding_init_decode (&state, part->encoding);
        out = g_malloc (g_mime_encoding_outlen (&state, len) + 1);
        n = g_mime_encoding_step (&state, in, len, (char *) out);
        if (n > MAX_DECODED_PART)
          {
            g_free (out);
            return NULL;
          }
        return g_bytes_new_take (out, n);
      }
    default:
      if (len > MAX_DECODED_PART)
        return NULL;
      return g_bytes_new_static (in, len);
    }
}

/* Charsets in which ASCII text converts to itself */
static gboolean
is_ascii_superset (const char *charset)
{
  return g_ascii_strcasecmp (charset, "utf-8") == 0 || g_ascii_strcasecmp (charset, "us-ascii") == 0 || g_ascii_strncasecmp (charset, "iso-8859-", 9) == 0 || g_ascii_strncasecmp (charset, "windows-125", 11) == 0;
}

/* g_strndup() that gives "" for no bytes (empty GBytes and GByteArray
 * data are NULL), as g_mime_text_part_get_text() does */
static char *
dup_text_or_empty (const char *data,
                   gsize len)
{
  return g_strndup (data != NULL ? data : "", len);
}

/* g_mime_text_part_get_text(): decoded, then converted from the charset
 * parameter to UTF-8 by GMime's charset filter. */
static char *
dup_text_part (GBytes *content,
               const char *charset)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (content, &len);
  g_autoptr (GMimeStream) stream = NULL;
  g_autoptr (GMimeStream) filtered = NULL;
  GMimeFilter *filter;
  GByteArray *array;

  /* Converting ASCII from an ASCII-compatible charset changes nothing. */
  if (charset == NULL || (is_ascii_superset (charset) && tf_text_is_ascii (data, len)))
    return dup_text_or_empty (data, len);

  filter = g_mime_filter_charset_new (charset, "utf-8");
  if (filter == NULL)
    return dup_text_or_empty (data, len);

  array = g_byte_array_new ();
  stream = g_mime_stream_mem_new_with_byte_array (array);
  filtered = g_mime_stream_filter_new (stream);
  g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), filter);
  g_object_unref (filter);
  g_mime_stream_write (filtered, data, len);
  g_mime_stream_flush (filtered);

  return dup_text_or_empty ((const char *) array->data, array->len);
}

/* tf-mime.c dup_part_text(): text for the iCalendar and DSN readers */
static char *
dup_part_text (gconstpointer data,
               gsize *len)
{
  const FastLeaf *leaf = data;
  const FastPart *part = leaf->part;
  g_autoptr (GBytes) content = decode_content (leaf->f, part);
  g_autofree char *text = NULL;

  if (content == NULL)
    return NULL;

  /* a GMimeTextPart: no Content-Type (text/plain) or text/ */
  if (part->ct == NULL || g_mime_content_type_is_type (part->ct, "text", "*"))
    text = dup_text_part (content, part->ct != NULL ? g_mime_content_type_get_parameter (part->ct, "charset") : NULL);
  else
    text = g_strndup (g_bytes_get_data (content, NULL), g_bytes_get_size (content));

  /* g_strndup() of empty content (GBytes and GByteArray data is NULL
   * then) is NULL: no text, as on GMime's path (fuzz-read: an empty
   * text/calendar part in UTF-7 crashed here) */
  if (text == NULL)
    return NULL;

  *len = strlen (text);
  if (!tf_text_is_ascii (text, *len) && !g_utf8_validate (text, -1, NULL))
    {
      char *valid = g_utf8_make_valid (text, -1);

      g_free (text);
      text = valid;
      *len = strlen (text);
    }

  return g_steal_pointer (&text);
}

static GBytes *
dup_part_content (gconstpointer data)
{
  const FastLeaf *leaf = data;

  return decode_content (leaf->f, leaf->part);
}

static const TfMimeLeafOps fast_ops = { dup_part_content, dup_part_text };

static gboolean
has_status_child (const Fast *f,
                  guint index)
{
  for (guint i = index + 1; i < f->parts->len; i++)
    {
      const FastPart *child = &g_array_index (f->parts, FastPart, i);

      if (child->parent == (gint) index && !child->multipart && !child->ignored && tf_mime_is_delivery_status (child->ct))
        return TRUE;
    }

  return FALSE;
}

/* ---- headers (what tf-mime.c's read_headers() does) ---- */

static void
from_cache_free (gpointer data)
{
  g_hash_table_unref (data);
}

/* internet_address_list_to_string() of the parsed From field, "" when
 * there is none. Formatting goes through libidn2 and costs more than the
 * rest of the header block; queues repeat a few senders, so each worker
 * thread keeps what it formatted. */
static const char *
format_from (const char *raw)
{
  static GPrivate cache_key = G_PRIVATE_INIT (from_cache_free);
  GHashTable *cache = g_private_get (&cache_key);
  const char *cached;
  InternetAddressList *list;
  char *from = NULL;

  if (cache == NULL)
    {
      cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_private_set (&cache_key, cache);
    }

  cached = g_hash_table_lookup (cache, raw);
  if (cached != NULL)
    return cached;

  list = internet_address_list_parse (NULL, raw);
  if (list != NULL)
    {
      if (internet_address_list_length (list) > 0)
        from = internet_address_list_to_string (list, NULL, FALSE);
      g_object_unref (list);
    }
  if (from == NULL)
    from = g_strdup ("");

  if (g_hash_table_size (cache) >= FROM_CACHE_MAX)
    g_hash_table_remove_all (cache);
  g_hash_table_insert (cache, g_strdup (raw), from);

  return from;
}

static void
read_headers (const Fast *f,
              const HeaderSet *hs,
              TfItem *item)
{
  if (hs->seen & (1u << H_SUBJECT))
    {
      g_autofree char *raw = dup_raw_value (f, hs, H_SUBJECT);
      g_autofree char *subject = tf_mime_decode_header_text (raw);

      if (subject != NULL)
        tf_item_set_subject (item, subject);
    }

  if (hs->seen & (1u << H_FROM))
    {
      g_autofree char *raw = dup_raw_value (f, hs, H_FROM);
      const char *from = format_from (raw);

      if (*from != '\0' && g_utf8_validate (from, -1, NULL))
        tf_item_set_from (item, from);
    }

  if (hs->seen & (1u << H_MESSAGE_ID))
    {
      g_autofree char *value = dup_decoded_value (f, hs, H_MESSAGE_ID);
      g_autofree char *message_id = value != NULL ? g_mime_utils_decode_message_id (value) : NULL;

      if (message_id != NULL && g_utf8_validate (message_id, -1, NULL))
        tf_item_set_message_id (item, message_id);
    }

  if (hs->seen & (1u << H_DATE))
    {
      g_autofree char *value = dup_decoded_value (f, hs, H_DATE);
      g_autoptr (GDateTime) date = value != NULL ? g_mime_utils_header_decode_date (value) : NULL;

      if (date != NULL)
        tf_item_set_sent (item, g_date_time_to_unix (date));
    }

  tf_item_add_source (item, TF_SOURCE_HEADER);
}

/* TRUE when @field's value is folded with CRLF (a CR before its own
 * line end; bare CRs were declined already). GMime
 * keeps the CR in a From value, and the address parser copies it into a
 * display name when the fold is inside quotes (fuzz-mime-paths found an
 * unbalanced quote); dup_raw_value() drops it, so such fields go to
 * GMime. */
static gboolean
is_folded_crlf (const Fast *f,
                const HeaderSet *hs,
                gint field)
{
  return (hs->seen & (1u << field)) != 0 && hs->end[field] > hs->start[field]
         && memchr (f->data + hs->start[field], '\r', hs->end[field] - hs->start[field] - 1) != NULL;
}

gboolean
tf_mime_fast_read (GBytes *data,
                   TfItem *item,
                   TfReadFlags flags)
{
  g_autoptr (GArray) parts = g_array_new (FALSE, TRUE, sizeof (FastPart));
  Fast f = { 0 };
  HeaderSet top = { 0 };
  int found = FOUND_EOS;

  g_array_set_clear_func (parts, fast_part_clear);
  f.data = g_bytes_get_data (data, &f.len);
  f.parts = parts;

  /* mbox separators and empty input: GMime's path says what is wrong */
  if (f.len == 0 || (f.len >= 5 && memcmp (f.data, "From ", 5) == 0)
      || !parse_entity (&f, 0, 0, -1, FALSE, &top, &found)
      || top.n_message_fields == 0 || found != FOUND_EOS || is_folded_crlf (&f, &top, H_FROM))
    {
      g_debug ("MIME fast path: unusual shape, using GMime's parser");
      g_atomic_pointer_add (&n_fallbacks, 1);
      return FALSE;
    }
  g_atomic_pointer_add (&n_fast_reads, 1);

  read_headers (&f, &top, item);

  for (guint i = 0; i < parts->len; i++)
    {
      const FastPart *part = &g_array_index (parts, FastPart, i);

      if (part->ignored)
        continue;
      if (part->multipart)
        {
          if (tf_mime_is_delivery_report (part->ct))
            {
              /* A bounce even when its status part is lost */
              tf_item_add_source (item, TF_SOURCE_DSN);
              if (!has_status_child (&f, i))
                tf_mime_add_report_without_status (item, (int) i);
            }
          continue;
        }

      {
        /* no attached messages on this path: every part belongs to the
         * message itself */
        const FastLeaf leaf = { &f, part };

        tf_mime_read_leaf (tf_mime_leaf_kind (part->ct, part->disposition, FALSE), part->ct,
                           &fast_ops, &leaf, (gint) i, item, flags);
      }
    }

  return TRUE;
}
