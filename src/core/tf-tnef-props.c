/* tf-tnef-props.c — MAPI property values in a TNEF stream: decoding, strings, rendering
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Part of the hand-written TNEF reader; see tf-tnef.c for why, and for the
 * defensive rules every length and count here follows. */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tf-filetime.h"
#include "tf-reader.h"
#include "tf-tnef-stream-private.h"

/* Caps on counts read from the stream (gromox caps values at 0xFFFF). */
#define MAX_VALUES 65535
/* Summary strings (names, subjects) are cut at this many source bytes */
#define MAX_STRING_BYTES 8192

/* Rendering limits for TF_READ_FULL */
#define RENDER_BINARY_BYTES 64
#define RENDER_STRING_BYTES 2048
#define RENDER_VALUES 16

/* IID_IMessage {00020307-0000-0000-C000-000000000046} */
const guint8 tf_tnef_iid_imessage[16] = {
  0x07,
  0x03,
  0x02,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0xC0,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x46,
};

/* --- strings ------------------------------------------------------------ */

static gboolean
is_ascii (const guint8 *p,
          gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (p[i] >= 0x80)
      return FALSE;
  return TRUE;
}

/* Appends one NUL-free run of an 8-bit string in @codepage as UTF-8 */
static void
append_string8_run (GString *out,
                    const guint8 *p,
                    gsize n,
                    guint codepage)
{
  g_autofree char *converted = NULL;

  if (is_ascii (p, n))
    {
      g_string_append_len (out, (const char *) p, (gssize) n);
      return;
    }

  if (codepage == 65001 || codepage == 20127)
    {
      converted = g_utf8_make_valid ((const char *) p, (gssize) n);
    }
  else if (codepage != 0 && codepage != 1252)
    {
      g_autofree char *charset = g_strdup_printf ("CP%u", codepage);

      converted = g_convert ((const char *) p, (gssize) n, "UTF-8", charset, NULL, NULL, NULL);
    }
  if (converted == NULL)
    converted = g_convert ((const char *) p, (gssize) n, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);
  if (converted != NULL)
    {
      g_string_append (out, converted);
      return;
    }

  /* Bytes Windows-1252 leaves undefined: keep ASCII, mark the rest */
  for (gsize i = 0; i < n; i++)
    {
      if (p[i] < 0x80)
        g_string_append_c (out, (char) p[i]);
      else
        g_string_append_unichar (out, 0xFFFD);
    }
}

/* Appends an 8-bit string in @codepage as UTF-8; never assumes a NUL.
 * Trailing NULs end it; a NUL with text after it (a damaged or odd value)
 * shows as U+FFFD, so the text after it is not lost. */
static void
append_string8 (GString *out,
                const guint8 *p,
                gsize n,
                guint codepage)
{
  while (n > 0 && p[n - 1] == 0)
    n--;
  while (n > 0)
    {
      const guint8 *nul = memchr (p, 0, n);
      gsize run = nul != NULL ? (gsize) (nul - p) : n;

      append_string8_run (out, p, run, codepage);
      if (nul == NULL)
        break;
      g_string_append_unichar (out, 0xFFFD);
      p += run + 1;
      n -= run + 1;
    }
}

/* Appends UTF-16LE as UTF-8; trailing NULs end it, a NUL with text
 * after it shows as U+FFFD (as in append_string8()). Reads bytes, not
 * gunichar2, because values in the stream are not 2-byte aligned. */
static void
append_utf16 (GString *out,
              const guint8 *p,
              gsize n)
{
  gsize i = 0;

  n &= ~(gsize) 1;
  while (n >= 2 && p[n - 1] == 0 && p[n - 2] == 0)
    n -= 2;
  while (i + 1 < n)
    {
      gunichar c = rd16 (p + i);

      i += 2;
      if (c == 0)
        c = 0xFFFD;
      else if (c >= 0xD800 && c < 0xDC00)
        {
          gunichar lo = i + 1 < n ? rd16 (p + i) : 0;

          if (lo >= 0xDC00 && lo < 0xE000)
            {
              c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
              i += 2;
            }
          else
            c = 0xFFFD;
        }
      else if (c >= 0xDC00 && c < 0xE000)
        c = 0xFFFD;
      g_string_append_unichar (out, c);
    }
}

char *
tf_tnef_dup_string8 (Stream *s,
                     const guint8 *p,
                     gsize n)
{
  GString *str = g_string_new (NULL);

  append_string8 (str, p, MIN (n, MAX_STRING_BYTES), s->codepage);
  return g_string_free (str, FALSE);
}

/* The value of a PT_STRING8 / PT_UNICODE property as UTF-8, or NULL */
char *
tf_tnef_prop_dup_string (Stream *s,
                         const PropValue *pv)
{
  GString *str;

  if (pv->count == 0 || (pv->type != TF_PT_STRING8 && pv->type != TF_PT_UNICODE))
    return NULL;
  str = g_string_new (NULL);
  if (pv->type == TF_PT_UNICODE)
    append_utf16 (str, pv->value, MIN (pv->size, MAX_STRING_BYTES));
  else
    append_string8 (str, pv->value, MIN (pv->size, MAX_STRING_BYTES), s->codepage);
  return g_string_free (str, FALSE);
}

void
tf_tnef_take_string (char **field,
                     char *value)
{
  if (value == NULL)
    return;
  g_free (*field);
  *field = value;
}

/* Outlook writes attMessageClass with the MS Mail names of meeting classes */
const char *
tf_tnef_map_legacy_class (const char *message_class)
{
  static const struct
  {
    const char *legacy;
    const char *modern;
  } map[] = {
    { "IPM.Microsoft Schedule.MtgReq", "IPM.Schedule.Meeting.Request" },
    { "IPM.Microsoft Schedule.MtgRespP", "IPM.Schedule.Meeting.Resp.Pos" },
    { "IPM.Microsoft Schedule.MtgRespN", "IPM.Schedule.Meeting.Resp.Neg" },
    { "IPM.Microsoft Schedule.MtgRespA", "IPM.Schedule.Meeting.Resp.Tent" },
    { "IPM.Microsoft Schedule.MtgCncl", "IPM.Schedule.Meeting.Canceled" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_ascii_strcasecmp (message_class, map[i].legacy) == 0)
      return map[i].modern;
  return message_class;
}

gboolean
tf_tnef_is_meeting_class (const char *message_class)
{
  if (message_class == NULL)
    return FALSE;
  return g_ascii_strncasecmp (message_class, "IPM.Schedule.Meeting.", 21) == 0 || g_ascii_strncasecmp (message_class, "IPM.Appointment", 15) == 0 || g_ascii_strncasecmp (message_class, "IPM.Microsoft Schedule.", 23) == 0;
}

/* --- rendering (TF_READ_FULL) ------------------------------------------- */

static void
append_hex (GString *out,
            const guint8 *p,
            gsize n)
{
  static const char hex[] = "0123456789ABCDEF";

  for (gsize i = 0; i < MIN (n, RENDER_BINARY_BYTES); i++)
    {
      g_string_append_c (out, hex[p[i] >> 4]);
      g_string_append_c (out, hex[p[i] & 0xF]);
    }
  if (n > RENDER_BINARY_BYTES)
    g_string_append (out, "…");
}

static void
render_one (Stream *s,
            guint16 base_type,
            const guint8 *v,
            guint32 size,
            GString *out)
{
  switch (base_type)
    {
    case TF_PT_SHORT:
      g_string_append_printf (out, "%d (0x%04X)", (gint16) rd16 (v), rd16 (v));
      break;
    case TF_PT_BOOLEAN:
      g_string_append (out, rd16 (v) != 0 ? "true" : "false");
      break;
    case TF_PT_LONG:
      g_string_append_printf (out, "%d (0x%08X)", (gint32) rd32 (v), rd32 (v));
      break;
    case TF_PT_ERROR:
      g_string_append_printf (out, "0x%08X", rd32 (v));
      break;
    case TF_PT_FLOAT:
      {
        guint32 bits = rd32 (v);
        float f;

        memcpy (&f, &bits, sizeof f);
        g_string_append_printf (out, "%g", (double) f);
      }
      break;
    case TF_PT_DOUBLE:
    case TF_PT_APPTIME:
      {
        guint64 bits = rd64 (v);
        double d;

        memcpy (&d, &bits, sizeof d);
        g_string_append_printf (out, "%g", d);
      }
      break;
    case TF_PT_CURRENCY:
      g_string_append_printf (out, "%.4f", (double) (gint64) rd64 (v) / 10000.0);
      break;
    case TF_PT_I8:
      g_string_append_printf (out, "%" G_GINT64_FORMAT " (0x%016" G_GINT64_MODIFIER "X)",
                              (gint64) rd64 (v), rd64 (v));
      break;
    case TF_PT_SYSTIME:
      {
        g_autofree char *iso = tf_filetime_format_iso (rd64 (v));

        g_string_append (out, iso);
      }
      break;
    case TF_PT_CLSID:
      {
        g_autofree char *guid = tf_mapi_guid_to_string (v);

        g_string_append (out, guid);
      }
      break;
    case TF_PT_STRING8:
      append_string8 (out, v, MIN (size, RENDER_STRING_BYTES), s->codepage);
      if (size > RENDER_STRING_BYTES)
        g_string_append (out, "…");
      break;
    case TF_PT_UNICODE:
      append_utf16 (out, v, MIN (size, RENDER_STRING_BYTES));
      if (size > RENDER_STRING_BYTES)
        g_string_append (out, "…");
      break;
    case TF_PT_OBJECT:
      if (size >= 16)
        {
          g_autofree char *iid = memcmp (v, tf_tnef_iid_imessage, 16) == 0 ? g_strdup ("IID_IMessage") : tf_mapi_guid_to_string (v);

          /* Translators: an embedded object: its interface ID and size */
          g_string_append_printf (out, ngettext ("%s, %u byte", "%s, %u bytes", size - 16), iid, size - 16);
          break;
        }
      append_hex (out, v, size);
      break;
    default:
      append_hex (out, v, size);
      break;
    }
}

/* --- property values ([MS-OXTNEF] 2.1.3.4, domain.md §4.3) -------------- */

/* Size of a fixed-length value in the stream, padding included; 0 for
 * variable-length and unknown types. */
static gsize
fixed_size (guint16 base_type)
{
  switch (base_type)
    {
    case TF_PT_SHORT:
    case TF_PT_BOOLEAN:
      return 4; /* 2 bytes + 2 padding */
    case TF_PT_LONG:
    case TF_PT_ERROR:
    case TF_PT_FLOAT:
      return 4;
    case TF_PT_DOUBLE:
    case TF_PT_APPTIME:
    case TF_PT_CURRENCY:
    case TF_PT_I8:
    case TF_PT_SYSTIME:
      return 8;
    case TF_PT_CLSID:
      return 16;
    default:
      return 0;
    }
}

static gboolean
is_variable (guint16 base_type)
{
  switch (base_type)
    {
    case TF_PT_STRING8:
    case TF_PT_UNICODE:
    case TF_PT_BINARY:
    case TF_PT_OBJECT:
    case TF_PT_SVREID:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Walks the encoded value at @c (renders it into @render when non-NULL).
 * Returns a translated reason on failure. */
static const char *
read_value (Stream *s,
            Cursor *c,
            PropValue *pv,
            GString *render)
{
  guint16 base_type = pv->type & ~TF_MV_FLAG;
  gboolean mv = (pv->type & TF_MV_FLAG) != 0;
  gsize fsize = fixed_size (base_type);
  guint32 count = 1;

  pv->enc_offset = abs_offset (s, c->p);
  if (fsize == 0 && !is_variable (base_type))
    return _ ("unknown property type");
  if (mv && base_type == TF_PT_OBJECT)
    return _ ("unknown property type");

  /* Variable-length values are counted even when single-valued */
  if (mv || is_variable (base_type))
    {
      if (!cur_u32 (c, &count))
        return _ ("the value runs past the end of the attribute");
      if (count > MAX_VALUES)
        return _ ("the value count is implausibly large");
    }
  pv->count = count;

  if (mv && render != NULL)
    g_string_append_c (render, '[');
  for (guint32 i = 0; i < count; i++)
    {
      const guint8 *v;
      guint32 size;

      if (fsize != 0)
        {
          if (cur_left (c) < fsize)
            return _ ("the value runs past the end of the attribute");
          v = c->p;
          size = (base_type == TF_PT_SHORT || base_type == TF_PT_BOOLEAN) ? 2 : (guint32) fsize;
          c->p += fsize;
        }
      else
        {
          if (!cur_u32 (c, &size) || size > cur_left (c))
            return _ ("the value runs past the end of the attribute");
          v = c->p;
          c->p += size;
          cur_skip_pad (c, size);
        }

      if (i == 0)
        {
          pv->value = v;
          pv->size = size;
          pv->value_offset = abs_offset (s, v);
        }
      if (render != NULL)
        {
          if (i < RENDER_VALUES)
            {
              if (i > 0)
                g_string_append (render, ", ");
              render_one (s, base_type, v, size, render);
            }
          else if (i == RENDER_VALUES)
            g_string_append (render, ", …");
        }
    }
  if (mv && render != NULL)
    g_string_append_c (render, ']');
  return NULL;
}

const char *
tf_tnef_read_prop (Stream *s,
                   Cursor *c,
                   PropValue *pv,
                   GString *render)
{
  guint32 tag;

  memset (pv, 0, sizeof *pv);
  if (!cur_u32 (c, &tag))
    return _ ("the property runs past the end of the attribute");
  pv->tag = tag;
  pv->type = TF_PROP_TYPE (tag);

  if (TF_PROP_ID (tag) >= 0x8000)
    {
      guint32 kind = 0;

      if (cur_left (c) < 20)
        return _ ("the property name runs past the end of the attribute");
      pv->named = TRUE;
      pv->guid = c->p;
      c->p += 16;
      cur_u32 (c, &kind);
      if (kind == 0)
        {
          if (!cur_u32 (c, &pv->lid))
            return _ ("the property name runs past the end of the attribute");
        }
      else if (kind == 1)
        {
          if (!cur_u32 (c, &pv->name_len) || pv->name_len > cur_left (c))
            return _ ("the property name runs past the end of the attribute");
          pv->string_name = TRUE;
          pv->name = c->p;
          c->p += pv->name_len;
          cur_skip_pad (c, pv->name_len);
        }
      else
        return _ ("the property name kind is neither MNID_ID nor MNID_STRING");
    }

  return read_value (s, c, pv, render);
}

TfProp *
tf_tnef_make_prop (Stream *s,
                   const PropValue *pv,
                   const char *rendered)
{
  TfProp *prop;

  if (pv->type == TF_PT_SYSTIME && pv->count > 0)
    prop = tf_prop_new_systime (pv->tag, rd64 (pv->value), (gint64) pv->value_offset);
  else if (pv->count == 0)
    prop = tf_prop_new (pv->tag, rendered, -1);
  else if ((pv->type & TF_MV_FLAG) != 0)
    prop = tf_prop_new (pv->tag, rendered, (gint64) pv->enc_offset);
  else
    prop = tf_prop_new (pv->tag, rendered, (gint64) pv->value_offset);

  if (pv->named)
    {
      g_autofree char *name = NULL;

      if (pv->string_name)
        {
          GString *str = g_string_new (NULL);

          append_utf16 (str, pv->name, pv->name_len);
          name = g_string_free (str, FALSE);
        }
      tf_prop_set_named (prop, pv->guid, pv->lid, name);
    }
  return prop;
}

/* The spans enclosing a value of the current attribute, innermost first */
guint
tf_tnef_current_spans (Stream *s,
                       TfTnefSpan *spans)
{
  spans[0] = s->span;
  for (guint i = 0; i < s->n_outer; i++)
    spans[i + 1] = s->outer[i];
  return s->n_outer + 1;
}
