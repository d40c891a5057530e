/* tf-pst-ltp.c — PST/OST lists, tables and properties: HN, BTH, PC, TC
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * [MS-PST] 2.3: the heap-on-node (HN), its BTree (BTH), property contexts
 * (PC) and table contexts (TC) with the cell existence bitmap (CEB) that
 * libpff ignores. Every HID, NID, count and offset read from the file is
 * checked against the block it points into before use.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tf-mapi.h"
#include "tf-pst-private.h"
#include "tf-reader.h"

#define HN_SIG 0xEC
#define BTH_SIG 0xB5
#define TC_SIG 0x7C
#define PC_SIG 0xBC
#define MAX_NODE_DATA (16u * 1024 * 1024)
#define MAX_BTH_LEVELS 8
#define MAX_COLUMNS 1024
/* [MS-PST] 2.3.4.4: rows never span blocks; a block holds 8192 − trailer */
#define BLOCK_PAYLOAD_UNICODE (8192 - 16)
#define BLOCK_PAYLOAD_ANSI (8192 - 12)

void
tf_pst_value_clear (TfPstValue *value)
{
  g_clear_pointer (&value->owned, g_free);
  value->bytes = NULL;
  value->len = 0;
  value->offset = -1;
  value->block = NULL;
}

gboolean
tf_pst_heap_open (TfPstFile *file,
                  guint64 bid_data,
                  TfPstHeap *heap,
                  GError **error)
{
  const TfPstBlock *first;

  memset (heap, 0, sizeof *heap);
  heap->data = tf_pst_data_read (file, bid_data, MAX_NODE_DATA, error);
  if (heap->data == NULL)
    return FALSE;
  first = heap->data->blocks->len > 0 ? g_ptr_array_index (heap->data->blocks, 0) : NULL;
  if (first == NULL || first->size < 12 || first->data[2] != HN_SIG)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("Block 0x%llX should start a heap (signature 0xEC) but does not."),
                   (unsigned long long) bid_data);
      tf_pst_heap_clear (heap);
      return FALSE;
    }
  heap->client_sig = first->data[3];
  heap->user_root = tf_pst_u32 (first->data + 4);
  return TRUE;
}

void
tf_pst_heap_clear (TfPstHeap *heap)
{
  g_clear_pointer (&heap->data, tf_pst_data_free);
}

gboolean
tf_pst_heap_get (TfPstHeap *heap,
                 guint32 hid,
                 TfPstValue *value,
                 GError **error)
{
  guint index = (hid >> 5) & 0x7FF;
  guint block_index = hid >> 16;
  const TfPstBlock *block;
  guint16 map, n_alloc, start, end;

  memset (value, 0, sizeof *value);
  value->offset = -1;
  if ((hid & 0x1F) != TF_PST_NID_TYPE_HID || index == 0 || block_index >= heap->data->blocks->len)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("Heap reference 0x%08X points outside its heap."), hid);
      return FALSE;
    }
  block = g_ptr_array_index (heap->data->blocks, block_index);
  if (block->size < 2)
    goto bad;
  map = tf_pst_u16 (block->data);
  if ((gsize) map + 4 > block->size)
    goto bad;
  n_alloc = tf_pst_u16 (block->data + map);
  if (index > n_alloc || (gsize) map + 4 + 2 * ((gsize) n_alloc + 1) > block->size)
    goto bad;
  start = tf_pst_u16 (block->data + map + 4 + 2 * (index - 1));
  end = tf_pst_u16 (block->data + map + 4 + 2 * index);
  if (start > end || end > map)
    goto bad;

  value->bytes = block->data + start;
  value->len = end - start;
  value->offset = (gint64) (block->offset + start);
  value->block = block;
  return TRUE;

bad:
  g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
               _ ("Heap allocation 0x%08X lies outside its block (block 0x%llX): the heap is damaged."),
               hid, (unsigned long long) block->bid);
  return FALSE;
}

/* Reads a subnode's whole data (values too large for the heap) */
static gboolean
read_subnode_value (TfPstFile *file,
                    guint64 bid_sub,
                    guint32 nid,
                    gsize max_value,
                    TfPstValue *value,
                    GError **error)
{
  g_autoptr (TfPstData) data = NULL;
  TfPstNode node;
  gsize done = 0;

  memset (value, 0, sizeof *value);
  value->offset = -1;
  if (!tf_pst_subnode_lookup (file, bid_sub, nid, &node, error))
    return FALSE;
  data = tf_pst_data_read (file, node.bid_data, MAX (max_value, 1), error);
  if (data == NULL)
    return FALSE;
  value->owned = g_malloc (MAX (data->total, 1));
  for (guint i = 0; i < data->blocks->len; i++)
    {
      const TfPstBlock *b = g_ptr_array_index (data->blocks, i);

      memcpy (value->owned + done, b->data, b->size);
      done += b->size;
    }
  value->bytes = value->owned;
  value->len = done;
  return TRUE;
}

/* An HNID: a heap allocation, or (low 5 bits ≠ 0) a subnode */
static gboolean
read_hnid (TfPstFile *file,
           TfPstHeap *heap,
           guint64 bid_sub,
           guint32 hnid,
           gsize max_value,
           TfPstValue *value,
           GError **error)
{
  if (hnid == 0)
    {
      memset (value, 0, sizeof *value);
      value->offset = -1;
      value->bytes = (const guint8 *) "";
      return TRUE;
    }
  if ((hnid & 0x1F) == TF_PST_NID_TYPE_HID)
    return tf_pst_heap_get (heap, hnid, value, error);
  return read_subnode_value (file, bid_sub, hnid, max_value, value, error);
}

/* ---- BTH ---- */

typedef void (*BthFunc) (const guint8 *key,
                         const guint8 *data,
                         gpointer user_data);

static gboolean
bth_walk (TfPstHeap *heap,
          guint32 hid,
          guint level,
          guint key_size,
          guint data_size,
          BthFunc func,
          gpointer user_data,
          GError **error)
{
  TfPstValue v;
  guint rec = key_size + (level > 0 ? 4 : data_size);

  if (hid == 0)
    return TRUE;
  if (!tf_pst_heap_get (heap, hid, &v, error))
    return FALSE;
  if (v.len % rec != 0)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("A heap BTree node of %zu bytes does not hold whole %u-byte records."), v.len, rec);
      return FALSE;
    }
  for (gsize off = 0; off < v.len; off += rec)
    {
      if (level > 0)
        {
          if (!bth_walk (heap, tf_pst_u32 (v.bytes + off + key_size), level - 1, key_size, data_size,
                         func, user_data, error))
            return FALSE;
        }
      else
        func (v.bytes + off, v.bytes + off + key_size, user_data);
    }
  return TRUE;
}

static gboolean
bth_foreach (TfPstHeap *heap,
             guint32 header_hid,
             guint key_size,
             guint data_size,
             BthFunc func,
             gpointer user_data,
             GError **error)
{
  TfPstValue h;

  if (!tf_pst_heap_get (heap, header_hid, &h, error))
    return FALSE;
  if (h.len < 8 || h.bytes[0] != BTH_SIG || h.bytes[1] != key_size || h.bytes[2] != data_size
      || h.bytes[3] > MAX_BTH_LEVELS)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("A heap BTree header is damaged (signature, key size or depth)."));
      return FALSE;
    }
  return bth_walk (heap, tf_pst_u32 (h.bytes + 4), h.bytes[3], key_size, data_size, func, user_data, error);
}

/* ---- PC ---- */

static gboolean
type_is_inline (guint16 type)
{
  switch (type)
    {
    case TF_PT_SHORT:
    case TF_PT_LONG:
    case TF_PT_FLOAT:
    case TF_PT_ERROR:
    case TF_PT_BOOLEAN:
      return TRUE;
    default:
      return FALSE;
    }
}

typedef struct
{
  GArray *props;
} PcCollect;

static void
pc_collect (const guint8 *key,
            const guint8 *data,
            gpointer user_data)
{
  PcCollect *c = user_data;
  TfPstProp prop;

  memset (&prop, 0, sizeof prop);
  prop.tag = ((guint32) tf_pst_u16 (key) << 16) | tf_pst_u16 (data);
  memcpy (prop.inline_value, data + 2, 4);
  g_array_append_val (c->props, prop);
}

gboolean
tf_pst_pc_value (TfPstFile *file,
                 TfPstHeap *heap,
                 guint64 bid_sub,
                 const TfPstProp *prop,
                 gsize max_value,
                 TfPstValue *value,
                 GError **error)
{
  memset (value, 0, sizeof *value);
  value->offset = -1;
  if (type_is_inline (TF_PROP_TYPE (prop->tag)))
    {
      value->bytes = prop->inline_value;
      value->len = 4;
      return TRUE;
    }
  return read_hnid (file, heap, bid_sub, tf_pst_u32 (prop->inline_value), max_value, value, error);
}

GArray *
tf_pst_pc_read (TfPstHeap *heap,
                GError **error)
{
  PcCollect c = { g_array_new (FALSE, FALSE, sizeof (TfPstProp)) };

  if (heap->client_sig != PC_SIG)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("The node is not a property context (client signature 0x%02X)."), heap->client_sig);
      g_array_unref (c.props);
      return NULL;
    }
  if (!bth_foreach (heap, heap->user_root, 2, 6, pc_collect, &c, error))
    {
      g_array_unref (c.props);
      return NULL;
    }
  return c.props;
}

const TfPstProp *
tf_pst_props_find (GArray *props,
                   guint32 tag)
{
  if (props == NULL)
    return NULL;
  for (guint i = 0; i < props->len; i++)
    if (g_array_index (props, TfPstProp, i).tag == tag)
      return &g_array_index (props, TfPstProp, i);
  return NULL;
}

/* ---- TC ---- */

void
tf_pst_tc_clear (TfPstTable *table)
{
  tf_pst_heap_clear (&table->heap);
  g_clear_pointer (&table->columns, g_free);
  g_clear_pointer (&table->rows_data, tf_pst_data_free);
  tf_pst_value_clear (&table->rows_heap);
}

/* The checks the issue names "a TC whose row size disagrees with its
 * columns": every column must fit the part of the row its size belongs to,
 * and the CEB must fit between TCI_1b and TCI_bm. */
static gboolean
check_columns (TfPstTable *t,
               GError **error)
{
  guint16 r4 = t->rgib[0], r2 = t->rgib[1], r1 = t->rgib[2], bm = t->rgib[3];

  if (!(r4 <= r2 && r2 <= r1 && r1 < bm) || (guint) r1 + (t->n_columns + 7) / 8 > bm)
    goto bad;
  for (guint i = 0; i < t->n_columns; i++)
    {
      const TfPstColumn *c = &t->columns[i];
      guint lo = c->cb_data >= 4 ? 0 : c->cb_data == 2 ? r4
                                                       : r2;
      guint hi = c->cb_data >= 4 ? r4 : c->cb_data == 2 ? r2
                                                        : r1;

      if (c->cb_data == 0 || c->i_bit >= t->n_columns || c->ib_data < lo || (guint) c->ib_data + c->cb_data > hi)
        goto bad;
    }
  return TRUE;

bad:
  g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
               _ ("The table’s row size (%u bytes; 4/2/1-byte parts end at %u/%u/%u) disagrees with its %u columns."),
               bm, r4, r2, r1, t->n_columns);
  return FALSE;
}

static gboolean
open_rows (TfPstFile *file,
           TfPstTable *t,
           guint32 hnid_rows,
           guint max_rows,
           GError **error)
{
  guint bm = t->rgib[3];
  gsize payload = tf_pst_file_is_unicode (file) ? BLOCK_PAYLOAD_UNICODE : BLOCK_PAYLOAD_ANSI;

  t->rows_per_block = (guint) (payload / bm);
  if (hnid_rows == 0)
    return TRUE;
  if ((hnid_rows & 0x1F) == TF_PST_NID_TYPE_HID)
    {
      if (!tf_pst_heap_get (&t->heap, hnid_rows, &t->rows_heap, error))
        return FALSE;
      if (t->rows_heap.len % bm != 0)
        goto bad;
      t->n_rows = (guint) MIN (t->rows_heap.len / bm, (gsize) max_rows);
      return TRUE;
    }
  {
    TfPstNode node;

    if (!tf_pst_subnode_lookup (file, t->bid_sub, hnid_rows, &node, error))
      return FALSE;
    t->rows_data = tf_pst_data_read (file, node.bid_data, MAX_NODE_DATA, error);
    if (t->rows_data == NULL)
      return FALSE;
    for (guint i = 0; i < t->rows_data->blocks->len; i++)
      {
        const TfPstBlock *b = g_ptr_array_index (t->rows_data->blocks, i);

        /* Every block but the last holds rows_per_block rows (plus the
         * unused tail of the block); no row spans two blocks */
        if (b->size / bm > t->rows_per_block
            || (i + 1 < t->rows_data->blocks->len && b->size / bm != t->rows_per_block))
          goto bad;
        t->n_rows += b->size / bm;
      }
    t->n_rows = MIN (t->n_rows, max_rows);
    return TRUE;
  }

bad:
  g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
               _ ("The table’s row matrix does not hold whole %u-byte rows: the row size disagrees with the data."),
               bm);
  return FALSE;
}

gboolean
tf_pst_tc_open (TfPstFile *file,
                guint64 bid_data,
                guint64 bid_sub,
                guint max_rows,
                TfPstTable *t,
                GError **error)
{
  TfPstValue info;

  memset (t, 0, sizeof *t);
  t->rows_heap.offset = -1;
  t->bid_sub = bid_sub;
  if (!tf_pst_heap_open (file, bid_data, &t->heap, error))
    return FALSE;
  if (t->heap.client_sig != TC_SIG)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("The node is not a table (client signature 0x%02X)."), t->heap.client_sig);
      goto fail;
    }
  if (!tf_pst_heap_get (&t->heap, t->heap.user_root, &info, error))
    goto fail;
  if (info.len < 22 || info.bytes[0] != TC_SIG || (gsize) 22 + 8 * (gsize) info.bytes[1] > info.len)
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_PARSE,
                           _ ("The table header (TCINFO) is damaged or shorter than its columns."));
      goto fail;
    }
  t->n_columns = info.bytes[1];
  for (guint i = 0; i < 4; i++)
    t->rgib[i] = tf_pst_u16 (info.bytes + 2 + 2 * i);
  t->columns = g_new0 (TfPstColumn, MAX (t->n_columns, 1));
  for (guint i = 0; i < t->n_columns; i++)
    {
      const guint8 *d = info.bytes + 22 + 8 * i;

      t->columns[i].tag = tf_pst_u32 (d);
      t->columns[i].ib_data = tf_pst_u16 (d + 4);
      t->columns[i].cb_data = d[6];
      t->columns[i].i_bit = d[7];
    }
  if (!check_columns (t, error) || !open_rows (file, t, tf_pst_u32 (info.bytes + 14), max_rows, error))
    goto fail;
  return TRUE;

fail:
  tf_pst_tc_clear (t);
  return FALSE;
}

void
tf_pst_cells_clear (TfPstCell *cells,
                    guint n)
{
  for (guint i = 0; i < n; i++)
    tf_pst_value_clear (&cells[i].value);
}

gboolean
tf_pst_tc_row (TfPstFile *file,
               TfPstTable *t,
               guint row,
               gsize max_value,
               TfPstCell *cells,
               GError **error)
{
  guint bm = t->rgib[3];
  const guint8 *bytes;
  const TfPstBlock *block;
  gint64 offset;

  if (row >= t->n_rows)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE, _ ("Row %u does not exist."), row);
      return FALSE;
    }
  if (t->rows_data != NULL)
    {
      block = g_ptr_array_index (t->rows_data->blocks, row / t->rows_per_block);
      bytes = block->data + (gsize) (row % t->rows_per_block) * bm;
      offset = (gint64) (block->offset + (guint64) (bytes - block->data));
    }
  else
    {
      block = t->rows_heap.block;
      bytes = t->rows_heap.bytes + (gsize) row * bm;
      offset = t->rows_heap.offset + (gint64) row * bm;
    }

  for (guint i = 0; i < t->n_columns; i++)
    {
      const TfPstColumn *c = &t->columns[i];
      TfPstCell *cell = &cells[i];
      const guint8 *ceb = bytes + t->rgib[2];
      g_autoptr (GError) local_error = NULL;

      memset (cell, 0, sizeof *cell);
      cell->value.offset = -1;
      cell->tag = c->tag;
      /* [MS-PST] 2.3.4.4.1: MSB-first bit iBit of the CEB */
      cell->exists = (ceb[c->i_bit / 8] & (0x80 >> (c->i_bit % 8))) != 0;
      cell->raw = bytes + c->ib_data;
      cell->size = c->cb_data;
      cell->offset = offset + c->ib_data;
      cell->block = block;
      /* Variable-size cells hold an HNID, fixed ones the value itself */
      if (!cell->exists || tf_mapi_type_is_fixed (TF_PROP_TYPE (c->tag)) || c->cb_data != 4)
        continue;
      if (!read_hnid (file, &t->heap, t->bid_sub, tf_pst_u32 (cell->raw), max_value, &cell->value, &local_error))
        tf_pst_value_clear (&cell->value);
    }
  return TRUE;
}
