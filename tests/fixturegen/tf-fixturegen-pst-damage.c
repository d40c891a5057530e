/* tf-fixturegen-pst-damage.c — TEST-ONLY: damage PST files in memory
 * (see tf-fixturegen-pst-damage.h)
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tf-fixturegen-pst-damage.h"

void
tf_pst_damage_write_block (guint8 *data,
                           guint crypt,
                           const TfPstBlock *block,
                           const guint8 *plain)
{
  guint8 *dst = data + block->offset;
  guint32 crc;

  memcpy (dst, plain, block->size);
  /* Internal blocks (bit 1 of the BID) are never encoded */
  if ((block->bid & 2) == 0)
    tf_pst_encode (crypt, block->bid, dst, block->size, TRUE);
  crc = tf_pst_crc32 (dst, block->size);
  for (int i = 0; i < 4; i++)
    data[block->crc_offset + i] = (guint8) (crc >> (8 * i));
}

void
tf_pst_damage_recipient_table (guint8 *data,
                               gsize len,
                               guint32 nid,
                               TfPstTableEdit edit)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TfPstFile) file = tf_pst_file_open_bytes (data, len, &error);
  g_autofree guint8 *plain = NULL;
  TfPstNode node, sub;
  TfPstTable table;
  TfPstValue info;
  const TfPstBlock *block;

  g_assert_no_error (error);
  g_assert_true (tf_pst_nbt_lookup (file, nid, &node, &error));
  g_assert_true (tf_pst_subnode_lookup (file, node.bid_sub, TF_PST_NID_RECIPIENT_TABLE, &sub, &error));
  g_assert_true (tf_pst_tc_open (file, sub.bid_data, sub.bid_sub, G_MAXUINT, &table, &error));
  g_assert_true (tf_pst_heap_get (&table.heap, table.heap.user_root, &info, &error));
  block = g_ptr_array_index (table.heap.data->blocks, 0);
  plain = g_memdup2 (block->data, block->size);
  edit (plain, block->size, &table, (gsize) (info.offset - (gint64) block->offset));
  tf_pst_damage_write_block (data, tf_pst_file_get_crypt (file), block, plain);
  tf_pst_tc_clear (&table);
}
