/* tf-repair-pst.c — writer: PST recipient-table cells, 8 value bytes + block CRC
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

#include <glib/gi18n.h>

#include "tf-pst-private.h"
#include "tf-repair-private.h"

/* A PST cell is patched where it lies ([MS-PST] 2.3.4.4: a
 * PtypTime cell is stored inline, 8 bytes, in the row). No library writes
 * PST files (libpff and libpst are read-only), so the byte work is ours,
 * on top of our own NDB reader (tf-pst-ndb.c):
 *
 * - NDB_CRYPT_PERMUTE and NDB_CRYPT_CYCLIC ([MS-PST] 5.1, 5.2) map every
 *   byte to a byte at the same position, so 8 new plain bytes become 8
 *   new encoded bytes at the same offsets. The whole block is decoded,
 *   patched and encoded again with its own BID as the key, and the result
 *   is checked to differ from the file only inside the value ranges.
 * - dwCRC in the block trailer ([MS-PST] 2.2.2.8.1, 5.3) covers the cb
 *   encoded bytes of the block: it is recomputed over the new encoded
 *   block. cb, wSig and the BID stay (wSig depends only on place and BID).
 * - Nothing else changes: BBT entries carry no content hash, nothing is
 *   allocated or freed, so the AMap, the header and the B-tree pages stay
 *   as they are (docs: pst.md §3.3).
 *
 * What is checked before an edit is computed, on the bytes as they are now
 * (the block is read again through the BBT, not from the scan):
 * the header CRC, the file is a PST (an OST is never written) with 512-byte
 * pages, the block is still at the scanned offset with the scanned size
 * and CRC, its CRC verifies, it is referenced once (the BBT's cRef, see
 * block_shared()), each cell's existence bit is set and it still holds the
 * value the plan was made from. */

/* [MS-PST] 2.2.2.6: wVer 36 and up use 4 KiB pages and may compress
 * blocks (Outlook 2013+ OST); a block's size could then change. */
#define PST_VERSION_4K 36

/* BBT cRef: Outlook counts the BBT's own reference, so a block used by one
 * node has 2 (pst.md §3.2: observed in every sample; the test writer
 * writes 2 as well). More means several nodes share the block (copied
 * items), and a patch would change all of them. A BBT may also say 1
 * (older writers); that is one user as well. */
static gboolean
block_shared (guint16 cref)
{
  return cref > 2;
}

gboolean
tf_repair_pst_check_file (TfPstFile *file,
                          GError **error)
{
  guint32 stored = 0;
  guint32 computed = 0;

  if (tf_pst_file_is_ost (file))
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_REFUSED, tf_repair_pst_ost_reason ());
      return FALSE;
    }
  if (tf_pst_file_get_version (file) >= PST_VERSION_4K)
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_REFUSED,
                           _ ("This mailbox file uses 4 KiB pages and compressed blocks (Outlook 2013 and later); Trackfix does not write to it"));
      return FALSE;
    }
  if (!tf_pst_file_header_crc_ok (file, &stored, &computed))
    {
      g_set_error (error, TF_ERROR, TF_ERROR_REFUSED,
                   /* Translators: %1$08X and %2$08X are CRC values in hex */
                   _ ("The file header’s CRC does not verify (stored %1$08X, computed %2$08X); Trackfix does not write to a damaged file"),
                   stored, computed);
      return FALSE;
    }
  return TRUE;
}

const char *
tf_repair_pst_ost_reason (void)
{
  return _ ("an OST is a cache of the server mailbox; fix the item in the mailbox or in a PST");
}

/* The block of @site as it is now: the one the scan saw, CRC valid, used
 * by one node. */
static TfPstData *
read_block_checked (TfPstFile *file,
                    const TfPatchSite *site,
                    GError **error)
{
  g_autoptr (TfPstData) data = NULL;
  g_autoptr (GError) local = NULL;
  const TfPstBlock *block;

  data = tf_pst_data_read (file, site->pst.bid, G_MAXUINT16, &local);
  if (data == NULL || data->blocks->len != 1)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_CHANGED,
                   _ ("Block 0x%llX of the recipient table can no longer be read (%s)"),
                   (unsigned long long) site->pst.bid, local ? local->message : _ ("not a data block"));
      return NULL;
    }
  block = g_ptr_array_index (data->blocks, 0);
  if (block->offset != site->pst.block_offset || block->size != site->pst.block_size || block->crc_offset != site->pst.crc_offset || block->stored_crc != site->pst.crc)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_CHANGED,
                   _ ("Block 0x%llX is not where or what it was when the file was scanned"),
                   (unsigned long long) site->pst.bid);
      return NULL;
    }
  if (!block->crc_ok)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_REFUSED,
                   /* Translators: %1$llX is a block id, %2$08X and %3$08X CRC values, all hex */
                   _ ("Block 0x%1$llX fails its CRC check (stored %2$08X, computed %3$08X); Trackfix never writes to a damaged block"),
                   (unsigned long long) block->bid, block->stored_crc, block->computed_crc);
      return NULL;
    }
  if (block_shared (block->cref))
    {
      g_set_error (error, TF_ERROR, TF_ERROR_REFUSED,
                   /* Translators: %1$llX is a block id, %2$u a reference count */
                   _ ("Block 0x%1$llX is shared by several items (reference count %2$u); changing it would change all of them"),
                   (unsigned long long) block->bid, block->cref);
      return NULL;
    }
  return g_steal_pointer (&data);
}

/* Checks one cell in the decoded block and writes the new value into
 * @plain. */
static gboolean
patch_cell (const TfPstBlock *block,
            guint8 *plain,
            TfRepairChange *change,
            GError **error)
{
  const TfPstSite *s = &change->site.pst;
  guint64 off = (guint64) change->site.offset - block->offset;
  guint64 ceb = s->ceb_offset - block->offset;
  guint64 new_value = change->new_value;

  if (change->site.offset < 0 || (guint64) change->site.offset < block->offset || off + 8 > block->size || s->ceb_offset < block->offset || ceb >= block->size)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_FAILED,
                   _ ("The value of %s does not lie inside its block"), change->address ? change->address : "?");
      return FALSE;
    }
  if ((block->data[ceb] & s->ceb_mask) == 0 || !change->has_old_value || tf_pst_u64 (block->data + off) != change->old_value)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_CHANGED,
                   _ ("The recipient row of %s is not what it was when the file was scanned"),
                   change->address ? change->address : "?");
      return FALSE;
    }
  for (guint i = 0; i < 8; i++)
    plain[off + i] = (guint8) (new_value >> (8 * i));
  return TRUE;
}

/* Whether @a and @b differ only inside the value ranges of @changes */
static gboolean
differs_only_in_values (const TfPstBlock *block,
                        const guint8 *a,
                        const guint8 *b,
                        GPtrArray *changes)
{
  for (guint32 i = 0; i < block->size; i++)
    {
      gboolean inside = FALSE;

      if (a[i] == b[i])
        continue;
      for (guint k = 0; k < changes->len && !inside; k++)
        {
          TfRepairChange *change = g_ptr_array_index (changes, k);
          guint64 off = (guint64) change->site.offset - block->offset;

          inside = i >= off && i < off + 8;
        }
      if (!inside)
        return FALSE;
    }
  return TRUE;
}

/* The edits of the changes that lie in one block: each value's 8 encoded
 * bytes, then the block's dwCRC. */
static gboolean
block_edits (TfPstFile *file,
             GPtrArray *changes,
             GArray *edits,
             GError **error)
{
  TfRepairChange *first = g_ptr_array_index (changes, 0);
  g_autoptr (TfPstData) data = read_block_checked (file, &first->site, error);
  g_autofree guint8 *plain = NULL;
  g_autofree guint8 *old_enc = NULL;
  g_autofree guint8 *new_enc = NULL;
  g_autoptr (GBytes) crc_bytes = NULL;
  const TfPstBlock *block;
  guint crypt = tf_pst_file_get_crypt (file);
  guint32 crc;
  guint8 crc_le[4];

  if (data == NULL)
    return FALSE;
  block = g_ptr_array_index (data->blocks, 0);
  plain = g_memdup2 (block->data, block->size);
  for (guint i = 0; i < changes->len; i++)
    if (!patch_cell (block, plain, g_ptr_array_index (changes, i), error))
      return FALSE;

  /* Encoding the decoded block again must give the file's bytes: its CRC
   * is the stored one. Then the patched block, with the same key. */
  old_enc = g_memdup2 (block->data, block->size);
  tf_pst_encode (crypt, block->bid, old_enc, block->size, TRUE);
  new_enc = g_memdup2 (plain, block->size);
  tf_pst_encode (crypt, block->bid, new_enc, block->size, TRUE);
  if (tf_pst_crc32 (old_enc, block->size) != block->stored_crc || !differs_only_in_values (block, old_enc, new_enc, changes))
    {
      g_set_error (error, TF_ERROR, TF_ERROR_FAILED,
                   _ ("Block 0x%llX cannot be patched in place with its encoding"), (unsigned long long) block->bid);
      return FALSE;
    }

  for (guint i = 0; i < changes->len; i++)
    {
      TfRepairChange *change = g_ptr_array_index (changes, i);
      guint64 off = (guint64) change->site.offset - block->offset;
      g_autoptr (GBytes) value = g_bytes_new (new_enc + off, 8);

      tf_repair_edits_add (edits, (gsize) change->site.offset, 8, value);
    }
  /* A block whose CRC is valid has a non-zero one (a 0 CRC is refused
   * above as not verifying), so the CRC is always written */
  crc = tf_pst_crc32 (new_enc, block->size);
  for (guint i = 0; i < 4; i++)
    crc_le[i] = (guint8) (crc >> (8 * i));
  crc_bytes = g_bytes_new (crc_le, 4);
  tf_repair_edits_add (edits, (gsize) block->crc_offset, 4, crc_bytes);
  return TRUE;
}

gboolean
tf_repair_pst_edits (TfPstFile *file,
                     GPtrArray *changes,
                     GArray *edits,
                     GError **error)
{
  g_autoptr (GHashTable) by_block = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GPtrArray) order = g_ptr_array_new ();

  if (!tf_repair_pst_check_file (file, error))
    return FALSE;

  /* Rows of one block share its CRC: one edit set per block */
  for (guint i = 0; i < changes->len; i++)
    {
      TfRepairChange *change = g_ptr_array_index (changes, i);
      GPtrArray *list;

      if (change->site.source != TF_SOURCE_PST)
        {
          g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED, _ ("Unsupported place for a change"));
          return FALSE;
        }
      list = g_hash_table_lookup (by_block, &change->site.pst.bid);
      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (by_block, &change->site.pst.bid, list);
          g_ptr_array_add (order, list);
        }
      g_ptr_array_add (list, change);
    }
  for (guint i = 0; i < order->len; i++)
    if (!block_edits (file, g_ptr_array_index (order, i), edits, error))
      return FALSE;
  return TRUE;
}

/* The writer-table entry: the same edits on a file held in memory (tests,
 * fuzzing, tf_repair_edits_for_item()). Runs on disk go through
 * tf-repair-inplace.c, which opens the file instead and never copies it. */
static gboolean
write_pst (TfRepairItemBytes *ib,
           GPtrArray *changes,
           GArray *edits,
           GError **error)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (ib->file, &len);
  g_autoptr (TfPstFile) file = NULL;

  for (guint i = 0; i < changes->len; i++)
    if (tf_repair_find_row (ib->fresh, g_ptr_array_index (changes, i), error) == NULL)
      return FALSE;
  file = tf_pst_file_open_bytes (data, len, error);
  if (file == NULL)
    return FALSE;
  return tf_repair_pst_edits (file, changes, edits, error);
}

const TfRepairWriter tf_repair_writer_pst = {
  .name = "pst",
  .source = TF_SOURCE_PST,
  .write = write_pst,
};
