/* tf-fixturegen-pst-ltp.c — TEST-ONLY PST writer: the LTP layer
 *
 * Hand-written (no library writes PST): heap-on-node ([MS-PST] 2.3.1) over
 * as many blocks as needed, BTH (2.3.2) of any depth, property contexts
 * (2.3.3) and table contexts (2.3.4) with cell existence bitmaps. Values
 * larger than one heap allocation (3580 bytes) go to subnodes, as do row
 * matrices larger than one allocation (each block then holds whole rows).
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tf-fixturegen-pst-private.h"

/* --- property lists ------------------------------------------------------ */

typedef struct
{
  guint32 tag;
  GBytes *value; /* NULL for a subnode value */
  gboolean is_sub;
  PstSubnode sub;
  guint32 sub_size; /* PT_OBJECT: the object's size */
} Prop;

struct _PstProps
{
  gboolean unicode;
  GArray *props; /* Prop */
};

static void
clear_prop (gpointer p)
{
  Prop *prop = p;

  g_clear_pointer (&prop->value, g_bytes_unref);
}

PstProps *
pst_props_new (gboolean unicode)
{
  PstProps *props = g_new0 (PstProps, 1);

  props->unicode = unicode;
  props->props = g_array_new (FALSE, TRUE, sizeof (Prop));
  g_array_set_clear_func (props->props, clear_prop);
  return props;
}

void
pst_props_free (PstProps *props)
{
  if (props == NULL)
    return;
  g_array_unref (props->props);
  g_free (props);
}

void
pst_props_add (PstProps *props,
               guint32 tag,
               const void *value,
               gsize len)
{
  Prop p = { tag, g_bytes_new (value, len), FALSE, { 0, 0, 0 }, 0 };

  g_array_append_val (props->props, p);
}

void
pst_props_add_u32 (PstProps *props,
                   guint32 tag,
                   guint32 value)
{
  guint8 b[4] = { value & 0xFF, (value >> 8) & 0xFF, (value >> 16) & 0xFF, value >> 24 };

  pst_props_add (props, tag, b, 4);
}

void
pst_props_add_u64 (PstProps *props,
                   guint32 tag,
                   guint64 value)
{
  guint8 b[8];

  for (int i = 0; i < 8; i++)
    b[i] = (value >> (8 * i)) & 0xFF;
  pst_props_add (props, tag, b, 8);
}

void
pst_props_add_bool (PstProps *props,
                    guint32 tag,
                    gboolean value)
{
  guint8 b = value ? 1 : 0;

  pst_props_add (props, tag, &b, 1);
}

/* Unicode files store UTF-16LE without a terminator; ANSI files the
 * Windows-1252 bytes (unmappable characters become '?') */
void
pst_props_add_string (PstProps *props,
                      guint32 tag,
                      const char *utf8)
{
  if (utf8 == NULL || *utf8 == '\0')
    return;
  if (props->unicode)
    {
      glong n = 0;
      g_autofree gunichar2 *u16 = g_utf8_to_utf16 (utf8, -1, NULL, &n, NULL);
      g_autofree guint8 *le = g_malloc ((gsize) n * 2 + 1);

      g_return_if_fail (u16 != NULL);
      for (glong i = 0; i < n; i++)
        {
          le[2 * i] = u16[i] & 0xFF;
          le[2 * i + 1] = u16[i] >> 8;
        }
      pst_props_add (props, (tag & 0xFFFF0000) | PST_PT_UNICODE, le, (gsize) n * 2);
    }
  else
    {
      gsize n = 0;
      g_autofree char *cp = g_convert_with_fallback (utf8, -1, "WINDOWS-1252", "UTF-8", "?", NULL, &n, NULL);

      g_return_if_fail (cp != NULL);
      pst_props_add (props, (tag & 0xFFFF0000) | PST_PT_STRING8, cp, n);
    }
}

void
pst_props_add_subnode (PstProps *props,
                       guint32 tag,
                       const PstSubnode *sub,
                       guint32 size)
{
  Prop p = { tag, NULL, TRUE, *sub, size };

  g_array_append_val (props->props, p);
}

static const Prop *
find_prop (PstProps *props,
           guint32 tag)
{
  for (guint i = 0; i < props->props->len; i++)
    {
      const Prop *p = &g_array_index (props->props, Prop, i);

      if (p->tag == tag)
        return p;
    }
  return NULL;
}

/* Bytes a value takes inline: in a PC's dwValueHnid (≤ 4) or a TC row */
static guint
inline_size (guint16 type)
{
  switch (type)
    {
    case PST_PT_BOOLEAN:
      return 1;
    case PST_PT_SHORT:
      return 2;
    case PST_PT_I8:
    case PST_PT_SYSTIME:
      return 8;
    default:
      return 4; /* PT_LONG, or an HNID */
    }
}

static gboolean
is_variable (guint16 type)
{
  return type == PST_PT_STRING8 || type == PST_PT_UNICODE || type == PST_PT_BINARY || type == PST_PT_OBJECT;
}

/* --- heap on node -------------------------------------------------------- */

typedef struct
{
  gsize max;
  guint8 client_sig;
  guint32 root;
  GPtrArray *data;   /* GByteArray per block: the allocations */
  GPtrArray *starts; /* GArray of guint16 per block: allocation offsets */
} Heap;

/* Header bytes of heap block @i: HNHDR, HNBITMAPHDR (blocks 8, 136, …)
 * or HNPAGEHDR */
static gsize
heap_header (guint i)
{
  if (i == 0)
    return 12;
  if (i >= 8 && (i - 8) % 128 == 0)
    return 66;
  return 2;
}

static void
heap_init (Heap *h,
           PstNdb *ndb,
           guint8 client_sig)
{
  h->max = pst_ndb_max_block (ndb);
  h->client_sig = client_sig;
  h->root = 0;
  h->data = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  h->starts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
}

static void
heap_clear (Heap *h)
{
  g_ptr_array_unref (h->data);
  g_ptr_array_unref (h->starts);
}

static void
heap_new_block (Heap *h)
{
  g_ptr_array_add (h->data, g_byte_array_new ());
  g_ptr_array_add (h->starts, g_array_new (FALSE, FALSE, sizeof (guint16)));
}

static guint32
heap_alloc (Heap *h,
            const guint8 *value,
            gsize len)
{
  guint b = h->data->len;
  GByteArray *data;
  GArray *starts;
  guint16 start;

  g_assert (len <= PST_MAX_HEAP_ALLOC);
  if (b > 0)
    {
      gsize used;

      data = g_ptr_array_index (h->data, b - 1);
      starts = g_ptr_array_index (h->starts, b - 1);
      used = heap_header (b - 1) + data->len + len + 1 + 4 + 2 * (starts->len + 2);
      if (used <= h->max && starts->len < 2047)
        b--;
    }
  if (b == h->data->len)
    heap_new_block (h);
  data = g_ptr_array_index (h->data, b);
  starts = g_ptr_array_index (h->starts, b);
  start = (guint16) (heap_header (b) + data->len);
  g_array_append_val (starts, start);
  g_byte_array_append (data, value, (guint) len);
  return (guint32) ((b << 16) | (starts->len << 5));
}

/* [MS-PST] 2.3.1.5 fill levels */
static guint8
fill_level (gsize free_bytes)
{
  static const gsize limits[] = { 3584, 2560, 2048, 1792, 1536, 1280, 1024, 768, 512, 256, 128, 64, 32, 16, 8 };

  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    if (free_bytes >= limits[i])
      return (guint8) i;
  return 0xF;
}

static GByteArray *
heap_block_bytes (Heap *h,
                  guint b)
{
  GByteArray *data = g_ptr_array_index (h->data, b);
  GArray *starts = g_ptr_array_index (h->starts, b);
  GByteArray *out = g_byte_array_sized_new ((guint) h->max);
  gsize hdr = heap_header (b);
  guint8 zero[66] = { 0 };
  guint16 ib;
  guint8 w[2];

  g_byte_array_append (out, zero, (guint) hdr);
  g_byte_array_append (out, data->data, data->len);
  if (out->len % 2)
    g_byte_array_append (out, zero, 1);
  ib = (guint16) out->len;
  out->data[0] = ib & 0xFF;
  out->data[1] = ib >> 8;
  w[0] = starts->len & 0xFF, w[1] = starts->len >> 8;
  g_byte_array_append (out, w, 2);    /* cAlloc */
  g_byte_array_append (out, zero, 2); /* cFree */
  for (guint i = 0; i <= starts->len; i++)
    {
      guint16 v = i < starts->len ? g_array_index (starts, guint16, i) : (guint16) (hdr + data->len);

      w[0] = v & 0xFF, w[1] = v >> 8;
      g_byte_array_append (out, w, 2);
    }
  return out;
}

/* The heap's blocks with their headers and page maps, ready for the NDB */
static GPtrArray *
heap_finish (Heap *h)
{
  GPtrArray *blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);

  if (h->data->len == 0)
    heap_new_block (h);
  for (guint b = 0; b < h->data->len; b++)
    g_ptr_array_add (blocks, heap_block_bytes (h, b));
  for (guint b = 0; b < blocks->len; b++)
    {
      GByteArray *out = g_ptr_array_index (blocks, b);
      guint8 *fill = NULL;
      guint first = b, count = 0;

      if (b == 0)
        {
          out->data[2] = 0xEC; /* bSig */
          out->data[3] = h->client_sig;
          for (int i = 0; i < 4; i++)
            out->data[4 + i] = (h->root >> (8 * i)) & 0xFF;
          fill = out->data + 8, count = 8;
        }
      else if (heap_header (b) == 66)
        {
          fill = out->data + 2, count = 128;
        }
      for (guint i = 0; fill != NULL && i < count && first + i < blocks->len; i++)
        {
          GByteArray *other = g_ptr_array_index (blocks, first + i);
          guint8 level = fill_level (h->max - other->len);

          fill[i / 2] |= (i % 2) ? (guint8) (level << 4) : level;
        }
    }
  return blocks;
}

static guint64
heap_write (Heap *h,
            PstNdb *ndb)
{
  g_autoptr (GPtrArray) blocks = heap_finish (h);

  return pst_ndb_write_chunks (ndb, blocks);
}

/* --- BTH ----------------------------------------------------------------- */

/* A BTH (2.3.2) over @n sorted records of @key + @ent bytes; returns the
 * HID of its BTHHEADER */
static guint32
bth_write (Heap *h,
           guint key,
           guint ent,
           const guint8 *recs,
           guint n)
{
  g_autoptr (GByteArray) cur = g_byte_array_new ();
  guint size = key + ent;
  guint levels = 0;
  guint32 root = 0;
  guint8 hdr[8];

  g_byte_array_append (cur, recs, n * size);
  while (n > 0)
    {
      guint per = PST_MAX_HEAP_ALLOC / size;
      g_autoptr (GByteArray) up = NULL;

      if (n <= per)
        {
          root = heap_alloc (h, cur->data, (gsize) n * size);
          break;
        }
      up = g_byte_array_new ();
      for (guint i = 0; i < n; i += per)
        {
          guint cnt = MIN (per, n - i);
          guint32 hid = heap_alloc (h, cur->data + (gsize) i * size, (gsize) cnt * size);
          guint8 idx[8 + 4];

          memcpy (idx, cur->data + (gsize) i * size, key);
          for (int k = 0; k < 4; k++)
            idx[key + k] = (hid >> (8 * k)) & 0xFF;
          g_byte_array_append (up, idx, key + 4);
        }
      n = (n + per - 1) / per;
      size = key + 4;
      levels++;
      g_byte_array_set_size (cur, 0);
      g_byte_array_append (cur, up->data, up->len);
    }
  hdr[0] = 0xB5;
  hdr[1] = (guint8) key;
  hdr[2] = (guint8) ent;
  hdr[3] = (guint8) levels;
  for (int k = 0; k < 4; k++)
    hdr[4 + k] = (root >> (8 * k)) & 0xFF;
  return heap_alloc (h, hdr, 8);
}

/* --- PC ------------------------------------------------------------------ */

static gint
cmp_prop_id (gconstpointer a,
             gconstpointer b)
{
  const Prop *x = a, *y = b;
  guint16 ix = x->tag >> 16, iy = y->tag >> 16;

  return ix < iy ? -1 : ix > iy;
}

/* An HNID for a variable-size value: a HID, or a subnode when larger than
 * one allocation */
static guint32
store_variable (PstNdb *ndb,
                Heap *h,
                const Prop *p,
                GArray *subs)
{
  gsize len = 0;
  const guint8 *v;

  if (p->is_sub)
    {
      g_array_append_val (subs, p->sub);
      if ((p->tag & 0xFFFF) == PST_PT_OBJECT)
        {
          guint8 obj[8];

          for (int k = 0; k < 4; k++)
            {
              obj[k] = (p->sub.nid >> (8 * k)) & 0xFF;
              obj[4 + k] = (p->sub_size >> (8 * k)) & 0xFF;
            }
          return heap_alloc (h, obj, 8);
        }
      return p->sub.nid;
    }
  v = g_bytes_get_data (p->value, &len);
  if (len <= PST_MAX_HEAP_ALLOC)
    return heap_alloc (h, v, len);
  {
    PstSubnode sub = { pst_ndb_new_ltp_nid (ndb), pst_ndb_write_data (ndb, v, len), 0 };

    g_array_append_val (subs, sub);
    return sub.nid;
  }
}

guint64
pst_write_pc (PstNdb *ndb,
              PstProps *props,
              GArray *subs)
{
  g_autoptr (GByteArray) recs = g_byte_array_new ();
  guint64 bid;
  Heap h;

  heap_init (&h, ndb, 0xBC);
  g_array_sort (props->props, cmp_prop_id);
  for (guint i = 0; i < props->props->len; i++)
    {
      const Prop *p = &g_array_index (props->props, Prop, i);
      guint16 type = p->tag & 0xFFFF;
      guint8 rec[8] = { (p->tag >> 16) & 0xFF, p->tag >> 24, type & 0xFF, type >> 8 };
      guint32 hnid;

      if (!is_variable (type) && inline_size (type) <= 4)
        {
          memcpy (rec + 4, g_bytes_get_data (p->value, NULL), MIN (4, g_bytes_get_size (p->value)));
          g_byte_array_append (recs, rec, 8);
          continue;
        }
      hnid = is_variable (type) ? store_variable (ndb, &h, p, subs)
                                : heap_alloc (&h, g_bytes_get_data (p->value, NULL), g_bytes_get_size (p->value));
      for (int k = 0; k < 4; k++)
        rec[4 + k] = (hnid >> (8 * k)) & 0xFF;
      g_byte_array_append (recs, rec, 8);
    }
  h.root = bth_write (&h, 2, 6, recs->data, props->props->len);
  bid = heap_write (&h, ndb);
  heap_clear (&h);
  return bid;
}

/* --- TC ------------------------------------------------------------------ */

typedef struct
{
  guint32 tag;
  guint16 ib;
  guint8 cb;
  guint8 bit;
} Column;

/* Row layout (2.3.4.4): RowId, RowVer, then 8-, 4-, 2-, 1-byte cells, then
 * the CEB. Fills @cols (in row order) and rgib[4]. */
static void
tc_layout (const guint32 *tags,
           guint n_tags,
           GArray *cols,
           guint16 rgib[4])
{
  static const guint sizes[] = { 8, 4, 2, 1 };
  guint16 at = 8;
  Column id = { PST_TAG_LTP_ROW_ID, 0, 4, 0 }, ver = { PST_TAG_LTP_ROW_VER, 4, 4, 1 };

  g_array_append_val (cols, id);
  g_array_append_val (cols, ver);
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      for (guint i = 0; i < n_tags; i++)
        {
          Column c = { tags[i], at, (guint8) inline_size (tags[i] & 0xFFFF), 0 };

          if (c.cb != sizes[s])
            continue;
          c.bit = (guint8) cols->len;
          g_array_append_val (cols, c);
          at = (guint16) (at + c.cb);
        }
      if (s >= 1)
        rgib[s - 1] = at;
    }
  rgib[3] = (guint16) (at + (cols->len + 7) / 8);
}

/* One row's bytes; variable values go to the heap or to subnodes */
static void
tc_row (PstNdb *ndb,
        Heap *h,
        GArray *cols,
        guint16 ceb_at,
        PstProps *row,
        guint8 *out,
        GArray *subs)
{
  for (guint c = 0; c < cols->len; c++)
    {
      const Column *col = &g_array_index (cols, Column, c);
      const Prop *p = find_prop (row, col->tag);
      guint16 type = col->tag & 0xFFFF;

      if (p == NULL && col->tag == PST_TAG_LTP_ROW_VER)
        p = NULL; /* RowVer 0, but present */
      else if (p == NULL)
        continue;
      out[ceb_at + col->bit / 8] |= 0x80 >> (col->bit % 8);
      if (p == NULL)
        continue;
      if (is_variable (type))
        {
          guint32 hnid = store_variable (ndb, h, p, subs);

          for (int k = 0; k < 4; k++)
            out[col->ib + k] = (hnid >> (8 * k)) & 0xFF;
        }
      else
        {
          memcpy (out + col->ib, g_bytes_get_data (p->value, NULL), MIN (col->cb, g_bytes_get_size (p->value)));
        }
    }
}

static guint32
row_id (PstProps *row)
{
  const Prop *p = find_prop (row, PST_TAG_LTP_ROW_ID);
  const guint8 *v;

  g_return_val_if_fail (p != NULL, 0);
  v = g_bytes_get_data (p->value, NULL);
  return (guint32) v[0] | (guint32) v[1] << 8 | (guint32) v[2] << 16 | (guint32) v[3] << 24;
}

typedef struct
{
  guint32 id;
  guint32 index;
} RowKey;

/* The row index BTH (2.3.4.3): row id → row number */
static guint32
tc_row_index (PstNdb *ndb,
              Heap *h,
              GPtrArray *rows)
{
  g_autoptr (GArray) keys = g_array_new (FALSE, FALSE, sizeof (RowKey));
  g_autoptr (GByteArray) recs = g_byte_array_new ();
  guint ent = pst_ndb_unicode (ndb) ? 4 : 2;

  for (guint r = 0; r < rows->len; r++)
    {
      RowKey k = { row_id (g_ptr_array_index (rows, r)), r };

      g_array_append_val (keys, k);
    }
  g_array_sort (keys, pst_cmp_u32);
  for (guint r = 0; r < keys->len; r++)
    {
      const RowKey *k = &g_array_index (keys, RowKey, r);
      guint8 rec[8] = { k->id & 0xFF, (k->id >> 8) & 0xFF, (k->id >> 16) & 0xFF, k->id >> 24,
                        k->index & 0xFF, (k->index >> 8) & 0xFF, (k->index >> 16) & 0xFF, k->index >> 24 };

      g_byte_array_append (recs, rec, 4 + ent);
    }
  return bth_write (h, 4, ent, recs->data, keys->len);
}

/* The row matrix: in the heap when it fits one allocation, otherwise in a
 * subnode whose blocks hold whole rows (2.3.4.4) */
static guint32
tc_row_matrix (PstNdb *ndb,
               Heap *h,
               GByteArray *matrix,
               guint row_size,
               GArray *subs)
{
  g_autoptr (GPtrArray) chunks = NULL;
  guint per;
  PstSubnode sub;

  if (matrix->len == 0)
    return 0;
  if (matrix->len <= PST_MAX_HEAP_ALLOC)
    return heap_alloc (h, matrix->data, matrix->len);
  chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  per = (guint) (pst_ndb_max_block (ndb) / row_size) * row_size;
  for (guint at = 0; at < matrix->len; at += per)
    {
      GByteArray *c = g_byte_array_new ();

      g_byte_array_append (c, matrix->data + at, MIN (per, matrix->len - at));
      /* every block but the last is full, the tail after the last whole row
       * zero padding, as Outlook writes it (libpst relies on it) */
      if (at + per < matrix->len)
        {
          gsize len = c->len;

          g_byte_array_set_size (c, (guint) pst_ndb_max_block (ndb));
          memset (c->data + len, 0, c->len - len);
        }
      g_ptr_array_add (chunks, c);
    }
  sub.nid = pst_ndb_new_ltp_nid (ndb);
  sub.bid_data = pst_ndb_write_chunks (ndb, chunks);
  sub.bid_sub = 0;
  g_array_append_val (subs, sub);
  return sub.nid;
}

guint64
pst_write_tc (PstNdb *ndb,
              const guint32 *tags,
              guint n_tags,
              GPtrArray *rows,
              GArray *subs)
{
  g_autoptr (GArray) cols = g_array_new (FALSE, FALSE, sizeof (Column));
  g_autoptr (GByteArray) matrix = g_byte_array_new ();
  g_autoptr (GByteArray) info = g_byte_array_new ();
  guint16 rgib[4];
  guint32 hid_index, hnid_rows;
  guint64 bid;
  guint8 head[22] = { 0x7C };
  Heap h;

  heap_init (&h, ndb, 0x7C);
  tc_layout (tags, n_tags, cols, rgib);
  g_byte_array_set_size (matrix, rows->len * rgib[3]);
  if (matrix->len > 0) /* an empty GByteArray has no data to clear */
    memset (matrix->data, 0, matrix->len);
  for (guint r = 0; r < rows->len; r++)
    tc_row (ndb, &h, cols, rgib[2], g_ptr_array_index (rows, r), matrix->data + (gsize) r * rgib[3], subs);
  hid_index = tc_row_index (ndb, &h, rows);
  hnid_rows = tc_row_matrix (ndb, &h, matrix, rgib[3], subs);

  head[1] = (guint8) cols->len;
  for (int i = 0; i < 4; i++)
    {
      head[2 + 2 * i] = rgib[i] & 0xFF;
      head[3 + 2 * i] = rgib[i] >> 8;
    }
  for (int k = 0; k < 4; k++)
    {
      head[10 + k] = (hid_index >> (8 * k)) & 0xFF;
      head[14 + k] = (hnid_rows >> (8 * k)) & 0xFF;
    }
  g_byte_array_append (info, head, sizeof head); /* hidIndex (deprecated) stays 0 */
  g_array_sort (cols, pst_cmp_u32);
  for (guint c = 0; c < cols->len; c++)
    {
      const Column *col = &g_array_index (cols, Column, c);
      guint8 d[8] = { col->tag & 0xFF, (col->tag >> 8) & 0xFF, (col->tag >> 16) & 0xFF, col->tag >> 24,
                      col->ib & 0xFF, col->ib >> 8, col->cb, col->bit };

      g_byte_array_append (info, d, 8);
    }
  h.root = heap_alloc (&h, info->data, info->len);
  bid = heap_write (&h, ndb);
  heap_clear (&h);
  return bid;
}
