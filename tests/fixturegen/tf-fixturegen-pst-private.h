/* tf-fixturegen-pst-private.h — TEST-ONLY PST writer internals
 *
 * The three layers of [MS-PST] as the writer builds them:
 *   tf-fixturegen-pst-ndb.c  NDB: blocks, trailers, CRC, encodings, data
 *                            trees (XBLOCK/XXBLOCK), subnode lists
 *                            (SLBLOCK/SIBLOCK), NBT/BBT pages, AMap/PMap/
 *                            FMap pages and the header.
 *   tf-fixturegen-pst-ltp.c  LTP: heap-on-node (HN), BTH, property contexts
 *                            (PC) and table contexts (TC).
 *   tf-fixturegen-pst.c      messaging: store, name-to-id map, folders and
 *                            their tables, messages, recipients, attachments.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "tf-fixturegen-pst.h"

G_BEGIN_DECLS

/* --- NDB ----------------------------------------------------------------- */

#define PST_NID_TYPE_HID 0x00
#define PST_NID_TYPE_NORMAL_FOLDER 0x02
#define PST_NID_TYPE_NORMAL_MESSAGE 0x04
#define PST_NID_TYPE_ATTACHMENT 0x05
#define PST_NID_TYPE_HIERARCHY_TBL 0x0D
#define PST_NID_TYPE_CONTENTS_TBL 0x0E
#define PST_NID_TYPE_ASSOC_TBL 0x0F
#define PST_NID_TYPE_LTP 0x1F

#define PST_NID(index, type) ((guint32) (((index) << 5) | (type)))

/* The largest heap allocation ([MS-PST] 2.3.1.1) */
#define PST_MAX_HEAP_ALLOC 3580

typedef struct _PstNdb PstNdb;

/* One SLENTRY: a subnode of a node */
typedef struct
{
  guint32 nid;
  guint64 bid_data;
  guint64 bid_sub;
} PstSubnode;

PstNdb *pst_ndb_new (const char *path,
                     gboolean unicode,
                     TfPstCrypt crypt,
                     GError **error);
void pst_ndb_free (PstNdb *ndb);
gboolean pst_ndb_unicode (PstNdb *ndb);
/* Largest data in one block: 8176 (Unicode) or 8180 (ANSI) */
gsize pst_ndb_max_block (PstNdb *ndb);
/* A node's data as one block or a data tree over @chunks (each at most
 * pst_ndb_max_block(); a heap or row matrix needs its own block cuts).
 * Returns the BID of the node data, 0 on an I/O error (see error). */
guint64 pst_ndb_write_chunks (PstNdb *ndb,
                              GPtrArray *chunks);
/* @data cut into full blocks */
guint64 pst_ndb_write_data (PstNdb *ndb,
                            const guint8 *data,
                            gsize len);
/* Streams @len bytes made by @fill (called per block with the position)
 * to disk, never holding more than one block. */
typedef void (*PstFillFunc) (guint8 *buf, gsize len, guint64 pos, gpointer user_data);
guint64 pst_ndb_write_stream (PstNdb *ndb,
                              guint64 len,
                              PstFillFunc fill,
                              gpointer user_data);
/* SLBLOCK (or SIBLOCK over several) for @subs; 0 when there are none */
guint64 pst_ndb_write_subnodes (PstNdb *ndb,
                                GArray *subs);
void pst_ndb_add_node (PstNdb *ndb,
                       guint32 nid,
                       guint64 bid_data,
                       guint64 bid_sub,
                       guint32 nid_parent);
/* Leaves @bytes unallocated before the next block (tf_pst_writer_skip()) */
void pst_ndb_skip (PstNdb *ndb,
                   guint64 bytes);
/* A fresh NID for a subnode of the LTP type (values, row matrices) */
guint32 pst_ndb_new_ltp_nid (PstNdb *ndb);
/* Writes the B-trees, the maps and the header, fsyncs and renames the
 * temporary file onto the path. */
gboolean pst_ndb_finish (PstNdb *ndb,
                         GError **error);
gboolean pst_ndb_failed (PstNdb *ndb,
                         GError **error);

/* Orders structs by their first member, a guint32 (NID, tag, row id) */
gint pst_cmp_u32 (gconstpointer a,
                  gconstpointer b);

/* [MS-PST] 5.3 CRC-32 (seed 0, no final inversion) */
guint32 pst_crc32 (guint32 crc,
                   const guint8 *data,
                   gsize len);

/* --- LTP ----------------------------------------------------------------- */

/* Property types used by the writer */
#define PST_PT_SHORT 0x0002
#define PST_PT_LONG 0x0003
#define PST_PT_BOOLEAN 0x000B
#define PST_PT_OBJECT 0x000D
#define PST_PT_I8 0x0014
#define PST_PT_STRING8 0x001E
#define PST_PT_UNICODE 0x001F
#define PST_PT_SYSTIME 0x0040
#define PST_PT_BINARY 0x0102

/* A property list for a PC or one TC row. A value is raw little-endian
 * bytes; a string is added as UTF-8 and stored as UTF-16LE (Unicode file)
 * or in the file's code page (ANSI). A value already written as a subnode
 * (attachment data, embedded message) is added with pst_props_add_subnode. */
typedef struct _PstProps PstProps;

PstProps *pst_props_new (gboolean unicode);
void pst_props_free (PstProps *props);
void pst_props_add (PstProps *props,
                    guint32 tag,
                    const void *value,
                    gsize len);
void pst_props_add_u32 (PstProps *props,
                        guint32 tag,
                        guint32 value);
void pst_props_add_u64 (PstProps *props,
                        guint32 tag,
                        guint64 value);
void pst_props_add_bool (PstProps *props,
                         guint32 tag,
                         gboolean value);
/* @tag's type is replaced by PT_UNICODE or PT_STRING8 */
void pst_props_add_string (PstProps *props,
                           guint32 tag,
                           const char *utf8);
/* A value that lives in subnode @sub (PT_BINARY larger than a heap
 * allocation, or PT_OBJECT whose HID holds NID + size). */
void pst_props_add_subnode (PstProps *props,
                            guint32 tag,
                            const PstSubnode *sub,
                            guint32 size);

/* Writes a PC node's heap; large values become subnodes appended to @subs.
 * Returns the BID of the node data. */
guint64 pst_write_pc (PstNdb *ndb,
                      PstProps *props,
                      GArray *subs);

/* A TC: @tags are the columns (besides PidTagLtpRowId/RowVer, which the
 * writer adds); each row is a PstProps whose missing tags are absent cells
 * (CEB bit clear). Row ids come from the row's PidTagLtpRowId value.
 * The row matrix sits in the heap when it fits one allocation, otherwise
 * in a subnode whose blocks each hold whole rows. */
guint64 pst_write_tc (PstNdb *ndb,
                      const guint32 *tags,
                      guint n_tags,
                      GPtrArray *rows,
                      GArray *subs);

#define PST_TAG_LTP_ROW_ID 0x67F20003
#define PST_TAG_LTP_ROW_VER 0x67F30003

G_END_DECLS
