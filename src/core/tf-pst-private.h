/* tf-pst-private.h — the NDB and LTP layers of the PST/OST reader
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Why our own NDB/LTP code and not libpff for everything: libpff ignores
 * the cell existence bitmap of a Table Context (an absent 0x5FFB0040 cell
 * reads as FILETIME 0, the bug value itself), exposes no file offsets and
 * accepts blocks whose CRC does not verify. A patcher needs all three, and
 * once the node, block, heap and table walk exists for the recipient table,
 * the property context of a message (class, subject, code page) is a few
 * lines more, and one reader then decides every value instead of two
 * readers matched by NID. libpff is used by the tests (test-pst.c) as the
 * independent oracle every recipient row is compared with.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* [MS-PST] 2.2.2.1 NID types */
#define TF_PST_NID_TYPE(nid) ((guint32) (nid) &0x1F)
#define TF_PST_NID_TYPE_HID 0x00
#define TF_PST_NID_TYPE_NORMAL_FOLDER 0x02
#define TF_PST_NID_TYPE_NORMAL_MESSAGE 0x04
#define TF_PST_NID_TYPE_ATTACHMENT 0x05
#define TF_PST_NID_ROOT_FOLDER 0x122
#define TF_PST_NID_RECIPIENT_TABLE 0x692
#define TF_PST_NID_ATTACHMENT_TABLE 0x671

#define TF_PST_ENC_NONE 0
#define TF_PST_ENC_PERMUTE 1
#define TF_PST_ENC_CYCLIC 2

/* Little-endian fields of the file */
static inline guint16
tf_pst_u16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static inline guint32
tf_pst_u32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static inline guint64
tf_pst_u64 (const guint8 *p)
{
  return (guint64) tf_pst_u32 (p) | ((guint64) tf_pst_u32 (p + 4) << 32);
}

typedef struct _TfPstFile TfPstFile;

/* One damaged page or block, as the PST_CHECKSUM detail names it */
typedef struct
{
  gboolean is_page;
  guint64 bid;
  guint64 offset;
  guint32 stored;
  guint32 computed;
} TfPstCrcError;

/* NBT leaf entry ([MS-PST] 2.2.2.7.7.4) or SLENTRY: a node */
typedef struct
{
  guint32 nid;
  guint64 bid_data;
  guint64 bid_sub;
  guint32 nid_parent;
} TfPstNode;

/* One decoded data block. @data is the plain content (@size bytes), whose
 * byte i lies at file offset @offset + i (encodings keep positions). */
typedef struct
{
  guint64 bid;
  guint64 offset;
  guint32 size;
  guint16 cref;
  gboolean crc_ok;
  guint32 stored_crc;
  guint32 computed_crc;
  guint64 crc_offset;
  guint8 *data;
} TfPstBlock;

/* The leaf data blocks of a node's data tree, in order */
typedef struct
{
  GPtrArray *blocks; /* element-type TfPstBlock */
  guint64 total;
} TfPstData;

/* tf-pst-ndb.c */
TfPstFile *tf_pst_file_open_fd (int fd,
                                guint64 size,
                                GError **error);
TfPstFile *tf_pst_file_open_bytes (const guint8 *data,
                                   gsize size,
                                   GError **error);
void tf_pst_file_free (TfPstFile *file);
gboolean tf_pst_file_is_unicode (TfPstFile *file);
gboolean tf_pst_file_is_ost (TfPstFile *file);
guint tf_pst_file_get_crypt (TfPstFile *file);
guint16 tf_pst_file_get_version (TfPstFile *file);
guint64 tf_pst_file_get_size (TfPstFile *file);
/* Header flags: the file's partial CRC did not verify */
gboolean tf_pst_file_header_crc_ok (TfPstFile *file,
                                    guint32 *stored,
                                    guint32 *computed);
/* Every CRC failure met since the last call; transfer container */
GArray *tf_pst_file_take_crc_errors (TfPstFile *file);

/* Visits every NBT leaf entry. Returns FALSE (with @error) when the tree is
 * damaged beyond use (loop, page outside the file, wrong page type). */
typedef void (*TfPstNodeFunc) (const TfPstNode *node,
                               gpointer user_data);
gboolean tf_pst_nbt_foreach (TfPstFile *file,
                             TfPstNodeFunc func,
                             gpointer user_data,
                             GError **error);
gboolean tf_pst_nbt_lookup (TfPstFile *file,
                            guint32 nid,
                            TfPstNode *node,
                            GError **error);
/* Subnode (SLBLOCK/SIBLOCK) lookup below @bid_sub */
gboolean tf_pst_subnode_lookup (TfPstFile *file,
                                guint64 bid_sub,
                                guint32 nid,
                                TfPstNode *node,
                                GError **error);
/* Every subnode directly below @bid_sub; element-type TfPstNode */
GArray *tf_pst_subnode_list (TfPstFile *file,
                             guint64 bid_sub,
                             GError **error);
/* Reads the data tree of @bid (XBLOCK/XXBLOCK aware), at most @max_total
 * bytes in all. */
TfPstData *tf_pst_data_read (TfPstFile *file,
                             guint64 bid,
                             guint64 max_total,
                             GError **error);
void tf_pst_data_free (TfPstData *data);
/* [MS-PST] 5.1/5.2: encodes (@encode) or decodes external block data in
 * place; both keep every byte at its position. CYCLIC is symmetric. */
void tf_pst_encode (guint crypt,
                    guint64 bid,
                    guint8 *data,
                    gsize len,
                    gboolean encode);
/* [MS-PST] 5.3 CRC */
guint32 tf_pst_crc32 (const guint8 *data,
                      gsize len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TfPstFile, tf_pst_file_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TfPstData, tf_pst_data_free)

/* tf-pst-ltp.c: heap-on-node, property context, table context */

/* A heap-on-node over a node's data tree */
typedef struct
{
  TfPstData *data;
  guint8 client_sig;
  guint32 user_root;
} TfPstHeap;

/* A value located in a heap or subnode: @bytes points into block data
 * (or into @owned when assembled from a subnode); @offset is its absolute
 * file offset, or -1 when it does not lie in one block. */
typedef struct
{
  const guint8 *bytes;
  gsize len;
  gint64 offset;
  const TfPstBlock *block;
  guint8 *owned;
} TfPstValue;

gboolean tf_pst_heap_open (TfPstFile *file,
                           guint64 bid_data,
                           TfPstHeap *heap,
                           GError **error);
void tf_pst_heap_clear (TfPstHeap *heap);
gboolean tf_pst_heap_get (TfPstHeap *heap,
                          guint32 hid,
                          TfPstValue *value,
                          GError **error);

/* One property of a property context: its tag and dwValueHnid */
typedef struct
{
  guint32 tag;
  guint8 inline_value[8];
} TfPstProp;

/* Lists a property context's properties (element-type TfPstProp); values
 * are read on demand with tf_pst_pc_value() */
GArray *tf_pst_pc_read (TfPstHeap *heap,
                        GError **error);
/* Reads one value: inline, in the heap, or in a subnode below @bid_sub (at
 * most @max_value bytes). Clear @value with tf_pst_value_clear(). */
gboolean tf_pst_pc_value (TfPstFile *file,
                          TfPstHeap *heap,
                          guint64 bid_sub,
                          const TfPstProp *prop,
                          gsize max_value,
                          TfPstValue *value,
                          GError **error);
const TfPstProp *tf_pst_props_find (GArray *props,
                                    guint32 tag);

/* One column of a table context ([MS-PST] 2.3.4.2 TCOLDESC) */
typedef struct
{
  guint32 tag;
  guint16 ib_data;
  guint8 cb_data;
  guint8 i_bit;
} TfPstColumn;

/* One cell of a row */
typedef struct
{
  guint32 tag;
  gboolean exists;         /* CEB bit set */
  const guint8 *raw;       /* cbData bytes inside the row */
  guint8 size;             /* cbData */
  gint64 offset;           /* absolute file offset of @raw */
  const TfPstBlock *block; /* block holding the row */
  TfPstValue value;        /* variable-size value through its HNID */
} TfPstCell;

typedef struct
{
  TfPstHeap heap;
  guint64 bid_sub;
  TfPstColumn *columns;
  guint n_columns;
  guint16 rgib[4];      /* TCI_4b, TCI_2b, TCI_1b, TCI_bm */
  TfPstData *rows_data; /* subnode row matrix, or NULL (rows in heap) */
  TfPstValue rows_heap;
  guint n_rows;
  guint rows_per_block;
} TfPstTable;

gboolean tf_pst_tc_open (TfPstFile *file,
                         guint64 bid_data,
                         guint64 bid_sub,
                         guint max_rows,
                         TfPstTable *table,
                         GError **error);
void tf_pst_tc_clear (TfPstTable *table);
/* Fills @cells (n_columns entries) for row @row; variable values are read
 * up to @max_value bytes. The cells point into @table: use them before the
 * next call. */
gboolean tf_pst_tc_row (TfPstFile *file,
                        TfPstTable *table,
                        guint row,
                        gsize max_value,
                        TfPstCell *cells,
                        GError **error);
void tf_pst_cells_clear (TfPstCell *cells,
                         guint n);
void tf_pst_value_clear (TfPstValue *value);

G_END_DECLS
