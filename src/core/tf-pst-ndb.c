/* tf-pst-ndb.c — PST/OST node database: header, BTrees, blocks, CRC
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * [MS-PST] 2.2: the file header, the node and block BTrees (512-byte pages
 * with a CRC'd trailer), data blocks (encoded, CRC'd), data trees
 * (XBLOCK/XXBLOCK) and subnode trees (SLBLOCK/SIBLOCK). Hand-written
 * because libpff neither verifies CRCs nor exposes the file offsets a
 * patcher needs (see tf-pst-private.h). Every read is a bounded pread of
 * one page or block, so memory does not grow with the file.
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <glib/gi18n.h>

#include "tf-pst-private.h"
#include "tf-reader.h"

#define PAGE_SIZE 512
#define MAX_BLOCK_SIZE 8192
#define MAX_BTREE_DEPTH 16
#define MAX_PAGE_CACHE 4096
#define HEADER_SIZE 564
#define PTYPE_BBT 0x80
#define PTYPE_NBT 0x81
#define BTYPE_XBLOCK 0x01
#define BTYPE_SLBLOCK 0x02
/* wVer of the 4 KiB-page format (Outlook 2013+ OST, [MS-PST] 2.2.2.6 notes) */
#define WVER_4K 36
#define WVER_UNICODE_MIN 23

#define WINDOW_SIZE 8192
#define N_WINDOWS 8

typedef struct
{
  guint64 start;
  gsize len; /* 0: empty */
  guint8 data[WINDOW_SIZE];
} Window;

typedef struct
{
  guint8 raw[PAGE_SIZE];
  guint n_entries;
  guint entry_size;
  guint level;
} Page;

/* The last leaf page a lookup ended in, per BTree: a message's blocks
 * and nodes have neighbouring ids, so most lookups end in the same leaf
 * and need no descent from the root. */
typedef struct
{
  Page page;
  guint64 first;
  guint64 last;
  gboolean valid;
} LeafCache;

struct _TfPstFile
{
  LeafCache leaf[2]; /* NBT, BBT */
  Window windows[N_WINDOWS];
  guint next_window;
  int fd;
  const guint8 *mem;
  guint64 size;
  gboolean unicode;
  gboolean ost;
  guint16 version;
  guint crypt;
  guint64 nbt_root;
  guint64 nbt_root_bid;
  guint64 bbt_root;
  guint64 bbt_root_bid;
  guint32 header_crc_stored;
  guint32 header_crc_computed;
  GHashTable *page_cache; /* offset → guint8[PAGE_SIZE], verified pages */
  GHashTable *crc_seen;   /* offsets already reported */
  GArray *crc_errors;
};

/* [MS-PST] 5.1 mpbbCrypt: R (encode), S, I (decode), 256 bytes each */
/* clang-format off */
static const guint8 mpbb_crypt[768] = {
  65, 54, 19, 98, 168, 33, 110, 187, 244, 22, 204, 4, 127, 100, 232, 93,
  30, 242, 203, 42, 116, 197, 94, 53, 210, 149, 71, 158, 150, 45, 154, 136,
  76, 125, 132, 63, 219, 172, 49, 182, 72, 95, 246, 196, 216, 57, 139, 231,
  35, 59, 56, 142, 200, 193, 223, 37, 177, 32, 165, 70, 96, 78, 156, 251,
  170, 211, 86, 81, 69, 124, 85, 0, 7, 201, 43, 157, 133, 155, 9, 160,
  143, 173, 179, 15, 99, 171, 137, 75, 215, 167, 21, 90, 113, 102, 66, 191,
  38, 74, 107, 152, 250, 234, 119, 83, 178, 112, 5, 44, 253, 89, 58, 134,
  126, 206, 6, 235, 130, 120, 87, 199, 141, 67, 175, 180, 28, 212, 91, 205,
  226, 233, 39, 79, 195, 8, 114, 128, 207, 176, 239, 245, 40, 109, 190, 48,
  77, 52, 146, 213, 14, 60, 34, 50, 229, 228, 249, 159, 194, 209, 10, 129,
  18, 225, 238, 145, 131, 118, 227, 151, 230, 97, 138, 23, 121, 164, 183, 220,
  144, 122, 92, 140, 2, 166, 202, 105, 222, 80, 26, 17, 147, 185, 82, 135,
  88, 252, 237, 29, 55, 73, 27, 106, 224, 41, 51, 153, 189, 108, 217, 148,
  243, 64, 84, 111, 240, 198, 115, 184, 214, 62, 101, 24, 68, 31, 221, 103,
  16, 241, 12, 25, 236, 174, 3, 161, 20, 123, 169, 11, 255, 248, 163, 192,
  162, 1, 247, 46, 188, 36, 104, 117, 13, 254, 186, 47, 181, 208, 218, 61,
  20, 83, 15, 86, 179, 200, 122, 156, 235, 101, 72, 23, 22, 21, 159, 2,
  204, 84, 124, 131, 0, 13, 12, 11, 162, 98, 168, 118, 219, 217, 237, 199,
  197, 164, 220, 172, 133, 116, 214, 208, 167, 155, 174, 154, 150, 113, 102, 195,
  99, 153, 184, 221, 115, 146, 142, 132, 125, 165, 94, 209, 93, 147, 177, 87,
  81, 80, 128, 137, 82, 148, 79, 78, 10, 107, 188, 141, 127, 110, 71, 70,
  65, 64, 68, 1, 17, 203, 3, 63, 247, 244, 225, 169, 143, 60, 58, 249,
  251, 240, 25, 48, 130, 9, 46, 201, 157, 160, 134, 73, 238, 111, 77, 109,
  196, 45, 129, 52, 37, 135, 27, 136, 170, 252, 6, 161, 18, 56, 253, 76,
  66, 114, 100, 19, 55, 36, 106, 117, 119, 67, 255, 230, 180, 75, 54, 92,
  228, 216, 53, 61, 69, 185, 44, 236, 183, 49, 43, 41, 7, 104, 163, 14,
  105, 123, 24, 158, 33, 57, 190, 40, 26, 91, 120, 245, 35, 202, 42, 176,
  175, 62, 254, 4, 140, 231, 229, 152, 50, 149, 211, 246, 74, 232, 166, 234,
  233, 243, 213, 47, 112, 32, 242, 31, 5, 103, 173, 85, 16, 206, 205, 227,
  39, 59, 218, 186, 215, 194, 38, 212, 145, 29, 210, 28, 34, 51, 248, 250,
  241, 90, 239, 207, 144, 182, 139, 181, 189, 192, 191, 8, 151, 30, 108, 226,
  97, 224, 198, 193, 89, 171, 187, 88, 222, 95, 223, 96, 121, 126, 178, 138,
  71, 241, 180, 230, 11, 106, 114, 72, 133, 78, 158, 235, 226, 248, 148, 83,
  224, 187, 160, 2, 232, 90, 9, 171, 219, 227, 186, 198, 124, 195, 16, 221,
  57, 5, 150, 48, 245, 55, 96, 130, 140, 201, 19, 74, 107, 29, 243, 251,
  143, 38, 151, 202, 145, 23, 1, 196, 50, 45, 110, 49, 149, 255, 217, 35,
  209, 0, 94, 121, 220, 68, 59, 26, 40, 197, 97, 87, 32, 144, 61, 131,
  185, 67, 190, 103, 210, 70, 66, 118, 192, 109, 91, 126, 178, 15, 22, 41,
  60, 169, 3, 84, 13, 218, 93, 223, 246, 183, 199, 98, 205, 141, 6, 211,
  105, 92, 134, 214, 20, 247, 165, 102, 117, 172, 177, 233, 69, 33, 112, 12,
  135, 159, 116, 164, 34, 76, 111, 191, 31, 86, 170, 46, 179, 120, 51, 80,
  176, 163, 146, 188, 207, 25, 28, 167, 99, 203, 30, 77, 62, 75, 27, 155,
  79, 231, 240, 238, 173, 58, 181, 89, 4, 234, 64, 85, 37, 81, 229, 122,
  137, 56, 104, 82, 123, 252, 39, 174, 215, 189, 250, 7, 244, 204, 142, 95,
  239, 53, 156, 132, 43, 21, 213, 119, 52, 73, 182, 18, 10, 127, 113, 136,
  253, 157, 24, 65, 125, 147, 216, 88, 44, 206, 254, 36, 175, 222, 184, 54,
  200, 161, 128, 166, 153, 152, 168, 47, 14, 129, 101, 115, 228, 194, 162, 138,
  212, 225, 17, 208, 8, 139, 42, 242, 237, 154, 100, 63, 193, 108, 249, 236,
};
/* clang-format on */

/* A BID, NID or IB: 8 bytes in Unicode files, 4 in ANSI ones */
static guint64
get_id (TfPstFile *file,
        const guint8 *p)
{
  return file->unicode ? tf_pst_u64 (p) : tf_pst_u32 (p);
}

static guint
id_size (TfPstFile *file)
{
  return file->unicode ? 8 : 4;
}

/* [MS-PST] 5.3: the CRC-32 of zlib (reflected 0xEDB88320) but seeded with 0
 * and without the final inversion: zlib's crc32() inverts on the way in
 * and out, so seeding it with ~0 and inverting its result gives exactly
 * the PST value. */
guint32
tf_pst_crc32 (const guint8 *data,
              gsize len)
{
  return (guint32) crc32_z (0xFFFFFFFFul, data, len) ^ 0xFFFFFFFFu;
}

void
tf_pst_encode (guint crypt,
               guint64 bid,
               guint8 *data,
               gsize len,
               gboolean encode)
{
  const guint8 *r = mpbb_crypt, *s = mpbb_crypt + 256, *inv = mpbb_crypt + 512;

  if (crypt == TF_PST_ENC_PERMUTE)
    {
      const guint8 *table = encode ? r : inv;
      gsize i = 0;

      /* Eight at a time: every block a scan reads is decoded whole, and
       * the loop's own count and branch cost as much as the lookup */
      for (; i + 8 <= len; i += 8)
        {
          guint8 *d = data + i;

          d[0] = table[d[0]];
          d[1] = table[d[1]];
          d[2] = table[d[2]];
          d[3] = table[d[3]];
          d[4] = table[d[4]];
          d[5] = table[d[5]];
          d[6] = table[d[6]];
          d[7] = table[d[7]];
        }
      for (; i < len; i++)
        data[i] = table[data[i]];
    }
  else if (crypt == TF_PST_ENC_CYCLIC)
    {
      /* [MS-PST] 5.2 CryptCyclic, keyed by the low 32 bits of the BID */
      guint32 key = (guint32) bid;
      guint16 w = (guint16) (key ^ (key >> 16));

      for (gsize i = 0; i < len; i++)
        {
          guint8 b = data[i];

          b = (guint8) (b + (guint8) w);
          b = r[b];
          b = (guint8) (b + (guint8) (w >> 8));
          b = s[b];
          b = (guint8) (b - (guint8) (w >> 8));
          b = inv[b];
          b = (guint8) (b - (guint8) w);
          data[i] = b;
          w++;
        }
    }
}

static void
decode_block (TfPstFile *file,
              guint8 *data,
              gsize len,
              guint64 bid)
{
  tf_pst_encode (file->crypt, bid, data, len, FALSE);
}

static gboolean read_direct (TfPstFile *file,
                             guint64 offset,
                             guint8 *buffer,
                             gsize len,
                             GError **error);

/* A message's blocks (property context, subnode list, recipient table,
 * attachment property context) are small and usually lie within a few KiB
 * of each other: reading them through a few aligned 4 KiB windows turns
 * ~5 preads per message into ~1-2, while reading only a small share of
 * the file (attachment data between messages is skipped). */
static gboolean
read_windowed (TfPstFile *file,
               guint64 offset,
               guint8 *buffer,
               gsize len,
               GError **error)
{
  guint64 start = offset - offset % WINDOW_SIZE;
  Window *w = NULL;

  for (guint i = 0; i < N_WINDOWS && w == NULL; i++)
    if (file->windows[i].len > 0 && file->windows[i].start == start)
      w = &file->windows[i];
  if (w == NULL)
    {
      gsize n = (gsize) MIN ((guint64) WINDOW_SIZE, file->size - start);

      w = &file->windows[file->next_window];
      file->next_window = (file->next_window + 1) % N_WINDOWS;
      w->len = 0;
      if (!read_direct (file, start, w->data, n, error))
        return FALSE;
      w->start = start;
      w->len = n;
    }
  memcpy (buffer, w->data + (offset - start), len);
  return TRUE;
}

static gboolean
read_at (TfPstFile *file,
         guint64 offset,
         guint8 *buffer,
         gsize len,
         GError **error)
{
  if (offset > file->size || len > file->size - offset)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   /* Translators: %1$zu bytes at offset %2$s (hex) */
                   _ ("The file ends before %1$zu bytes at offset 0x%2$llX: it is truncated or a reference points outside it."),
                   len, (unsigned long long) offset);
      return FALSE;
    }
  if (file->mem != NULL)
    {
      memcpy (buffer, file->mem + offset, len);
      return TRUE;
    }
  if (len <= WINDOW_SIZE && offset / WINDOW_SIZE == (offset + len - 1) / WINDOW_SIZE)
    return read_windowed (file, offset, buffer, len, error);
  return read_direct (file, offset, buffer, len, error);
}

static gboolean
read_direct (TfPstFile *file,
             guint64 offset,
             guint8 *buffer,
             gsize len,
             GError **error)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = pread (file->fd, buffer + done, len - done, (off_t) (offset + done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          g_set_error (error, TF_ERROR, TF_ERROR_IO,
                       _ ("Cannot read the file at offset 0x%llX: %s"),
                       (unsigned long long) (offset + done), n < 0 ? g_strerror (errno) : _ ("unexpected end of file"));
          return FALSE;
        }
      done += (gsize) n;
    }
  return TRUE;
}

static void
note_crc_error (TfPstFile *file,
                gboolean is_page,
                guint64 bid,
                guint64 offset,
                guint32 stored,
                guint32 computed)
{
  TfPstCrcError e = { is_page, bid, offset, stored, computed };

  if (g_hash_table_contains (file->crc_seen, &offset))
    return;
  g_hash_table_add (file->crc_seen, g_memdup2 (&offset, sizeof offset));
  g_array_append_val (file->crc_errors, e);
}

GArray *
tf_pst_file_take_crc_errors (TfPstFile *file)
{
  GArray *errors = file->crc_errors;

  file->crc_errors = g_array_new (FALSE, FALSE, sizeof (TfPstCrcError));
  return errors;
}

static gboolean
parse_header (TfPstFile *file,
              const guint8 *h,
              GError **error)
{
  guint16 magic_client = tf_pst_u16 (h + 8);

  if (memcmp (h, "!BDN", 4) != 0)
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_PARSE,
                           _ ("Not a PST or OST file: the signature “!BDN” is missing."));
      return FALSE;
    }
  file->version = tf_pst_u16 (h + 10);
  file->ost = magic_client == 0x4F53; /* "SO" */
  if (magic_client != 0x4D53 && magic_client != 0x4F53 && magic_client != 0x4241)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("Unknown PST client signature 0x%04X (expected “SM” for a PST or “SO” for an OST)."),
                   magic_client);
      return FALSE;
    }
  if (file->version >= WVER_4K)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("This is an Outlook 2013 or later OST with 4 KiB pages and compressed blocks "
                      "(format version %u); Trackfix reads PST and OST files of Outlook 2003–2010 only."),
                   file->version);
      return FALSE;
    }
  file->unicode = file->version >= WVER_UNICODE_MIN;
  if (!file->unicode && file->version != 14 && file->version != 15)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("Unknown PST format version %u."), file->version);
      return FALSE;
    }

  file->header_crc_stored = tf_pst_u32 (h + 4);
  file->header_crc_computed = tf_pst_crc32 (h + 8, 471);
  if (file->unicode)
    {
      file->nbt_root_bid = tf_pst_u64 (h + 216);
      file->nbt_root = tf_pst_u64 (h + 224);
      file->bbt_root_bid = tf_pst_u64 (h + 232);
      file->bbt_root = tf_pst_u64 (h + 240);
      file->crypt = h[513];
    }
  else
    {
      file->nbt_root_bid = tf_pst_u32 (h + 184);
      file->nbt_root = tf_pst_u32 (h + 188);
      file->bbt_root_bid = tf_pst_u32 (h + 192);
      file->bbt_root = tf_pst_u32 (h + 196);
      file->crypt = h[461];
    }
  if (file->crypt > TF_PST_ENC_CYCLIC)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("Unknown PST encoding %u (bCryptMethod)."), file->crypt);
      return FALSE;
    }
  return TRUE;
}

static TfPstFile *
file_new (void)
{
  TfPstFile *file = g_new0 (TfPstFile, 1);

  file->fd = -1;
  file->page_cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  file->crc_seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  file->crc_errors = g_array_new (FALSE, FALSE, sizeof (TfPstCrcError));
  return file;
}

static TfPstFile *
file_open (TfPstFile *file,
           GError **error)
{
  guint8 header[HEADER_SIZE];

  if (!read_at (file, 0, header, MIN ((guint64) HEADER_SIZE, file->size), error))
    {
      tf_pst_file_free (file);
      return NULL;
    }
  if (file->size < HEADER_SIZE)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("The PST file is truncated: %llu bytes, shorter than its header."),
                   (unsigned long long) file->size);
      tf_pst_file_free (file);
      return NULL;
    }
  if (!parse_header (file, header, error))
    {
      tf_pst_file_free (file);
      return NULL;
    }
  return file;
}

TfPstFile *
tf_pst_file_open_fd (int fd,
                     guint64 size,
                     GError **error)
{
  TfPstFile *file = file_new ();

  file->fd = fd;
  file->size = size;
  return file_open (file, error);
}

TfPstFile *
tf_pst_file_open_bytes (const guint8 *data,
                        gsize size,
                        GError **error)
{
  TfPstFile *file = file_new ();

  file->mem = data;
  file->size = size;
  return file_open (file, error);
}

void
tf_pst_file_free (TfPstFile *file)
{
  if (file == NULL)
    return;
  g_hash_table_unref (file->page_cache);
  g_hash_table_unref (file->crc_seen);
  g_array_unref (file->crc_errors);
  g_free (file);
}

gboolean
tf_pst_file_is_unicode (TfPstFile *file)
{
  return file->unicode;
}

gboolean
tf_pst_file_is_ost (TfPstFile *file)
{
  return file->ost;
}

guint
tf_pst_file_get_crypt (TfPstFile *file)
{
  return file->crypt;
}

guint16
tf_pst_file_get_version (TfPstFile *file)
{
  return file->version;
}

guint64
tf_pst_file_get_size (TfPstFile *file)
{
  return file->size;
}

gboolean
tf_pst_file_header_crc_ok (TfPstFile *file,
                           guint32 *stored,
                           guint32 *computed)
{
  *stored = file->header_crc_stored;
  *computed = file->header_crc_computed;
  return file->header_crc_stored == file->header_crc_computed;
}

/* ---- BTree pages ---- */

static gboolean
read_page (TfPstFile *file,
           guint64 offset,
           guint64 bid,
           guint8 ptype,
           Page *page,
           GError **error)
{
  guint trailer = file->unicode ? 496 : 500;
  guint entries_size = file->unicode ? 488 : 496;
  const guint8 *t;
  guint64 stored_bid;
  guint32 stored_crc, crc;
  guint8 *cached = g_hash_table_lookup (file->page_cache, &offset);

  if (cached != NULL)
    memcpy (page->raw, cached, PAGE_SIZE);
  else if (!read_at (file, offset, page->raw, PAGE_SIZE, error))
    return FALSE;

  t = page->raw + trailer;
  if (t[0] != ptype || t[1] != ptype)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("The BTree page at offset 0x%llX has type 0x%02X, expected 0x%02X: the index is damaged."),
                   (unsigned long long) offset, t[0], ptype);
      return FALSE;
    }
  stored_bid = file->unicode ? tf_pst_u64 (t + 8) : tf_pst_u32 (t + 4);
  stored_crc = file->unicode ? tf_pst_u32 (t + 4) : tf_pst_u32 (t + 8);
  if (stored_bid != bid)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("The BTree page at offset 0x%llX belongs to page 0x%llX, not 0x%llX: the index is damaged."),
                   (unsigned long long) offset, (unsigned long long) stored_bid, (unsigned long long) bid);
      return FALSE;
    }
  if (cached == NULL)
    {
      crc = tf_pst_crc32 (page->raw, trailer);
      if (crc != stored_crc)
        note_crc_error (file, TRUE, bid, offset, stored_crc, crc);
    }

  page->n_entries = page->raw[entries_size];
  page->entry_size = page->raw[entries_size + 2];
  page->level = page->raw[entries_size + 3];
  if (page->entry_size == 0 || (gsize) page->n_entries * page->entry_size > entries_size)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("The BTree page at offset 0x%llX claims %u entries of %u bytes, more than it holds."),
                   (unsigned long long) offset, page->n_entries, page->entry_size);
      return FALSE;
    }
  if (cached == NULL)
    {
      /* Bounded: start over when full (a 10 GB file has ~100,000 pages) */
      if (g_hash_table_size (file->page_cache) >= MAX_PAGE_CACHE)
        g_hash_table_remove_all (file->page_cache);
      g_hash_table_insert (file->page_cache, g_memdup2 (&offset, sizeof offset),
                           g_memdup2 (page->raw, PAGE_SIZE));
    }
  return TRUE;
}

static guint
leaf_entry_size (TfPstFile *file,
                 guint8 ptype)
{
  if (ptype == PTYPE_NBT)
    return file->unicode ? 32 : 16;
  return file->unicode ? 24 : 12;
}

static gboolean
check_entry_size (TfPstFile *file,
                  const Page *page,
                  guint8 ptype,
                  guint64 offset,
                  GError **error)
{
  guint want = page->level > 0 ? 3 * id_size (file) : leaf_entry_size (file, ptype);

  if (page->entry_size >= want)
    return TRUE;
  g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
               _ ("The BTree page at offset 0x%llX has %u-byte entries, expected %u."),
               (unsigned long long) offset, page->entry_size, want);
  return FALSE;
}

static void
parse_nbt_leaf (TfPstFile *file,
                const guint8 *e,
                TfPstNode *node)
{
  guint s = id_size (file);

  node->nid = (guint32) get_id (file, e);
  node->bid_data = get_id (file, e + s);
  node->bid_sub = get_id (file, e + 2 * s);
  node->nid_parent = tf_pst_u32 (e + 3 * s);
}

/* Descends from the root to the leaf page that may hold @key; returns the
 * leaf in @page. */
static gboolean
descend (TfPstFile *file,
         guint8 ptype,
         guint64 key,
         Page *page,
         GError **error)
{
  guint64 offset = ptype == PTYPE_NBT ? file->nbt_root : file->bbt_root;
  guint64 bid = ptype == PTYPE_NBT ? file->nbt_root_bid : file->bbt_root_bid;
  LeafCache *cache = &file->leaf[ptype == PTYPE_NBT ? 0 : 1];
  guint s = id_size (file);
  gint expected_level = -1;

  if (cache->valid && key >= cache->first && key <= cache->last)
    {
      *page = cache->page;
      return TRUE;
    }
  for (guint depth = 0; depth < MAX_BTREE_DEPTH; depth++)
    {
      const guint8 *chosen = NULL;

      if (!read_page (file, offset, bid, ptype, page, error)
          || !check_entry_size (file, page, ptype, offset, error))
        return FALSE;
      if (expected_level >= 0 && (gint) page->level != expected_level)
        {
          g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                       _ ("The BTree page at offset 0x%llX is at level %u, expected %d: the index loops or is damaged."),
                       (unsigned long long) offset, page->level, expected_level);
          return FALSE;
        }
      if (page->level == 0)
        {
          /* Keys within a leaf's first and last entry can only be in it
           * (the BTree is sorted); the low BID bit is masked as in
           * bbt_lookup() */
          if (page->n_entries > 0)
            {
              guint64 mask = ptype == PTYPE_BBT ? ~(guint64) 1 : ~(guint64) 0;

              cache->page = *page;
              cache->first = get_id (file, page->raw) & mask;
              cache->last = get_id (file, page->raw + (gsize) (page->n_entries - 1) * page->entry_size) & mask;
              cache->valid = cache->first <= cache->last;
            }
          return TRUE;
        }
      for (guint i = 0; i < page->n_entries; i++)
        {
          const guint8 *e = page->raw + (gsize) i * page->entry_size;

          if (get_id (file, e) > key)
            break;
          chosen = e;
        }
      if (chosen == NULL)
        {
          page->n_entries = 0;
          page->level = 0;
          return TRUE;
        }
      bid = get_id (file, chosen + s);
      offset = get_id (file, chosen + 2 * s);
      expected_level = (gint) page->level - 1;
    }
  g_set_error_literal (error, TF_ERROR, TF_ERROR_PARSE,
                       _ ("The BTree is deeper than any real PST file: the index loops or is damaged."));
  return FALSE;
}

gboolean
tf_pst_nbt_lookup (TfPstFile *file,
                   guint32 nid,
                   TfPstNode *node,
                   GError **error)
{
  Page page;

  if (!descend (file, PTYPE_NBT, nid, &page, error))
    return FALSE;
  for (guint i = 0; i < page.n_entries; i++)
    {
      parse_nbt_leaf (file, page.raw + (gsize) i * page.entry_size, node);
      if (node->nid == nid)
        return TRUE;
    }
  g_set_error (error, TF_ERROR, TF_ERROR_NOT_FOUND,
               _ ("Node 0x%08X is not in the node index."), nid);
  return FALSE;
}

typedef struct
{
  guint64 bid;
  guint64 offset;
  guint16 cb;
  guint16 cref;
} BbtEntry;

static gboolean
bbt_lookup (TfPstFile *file,
            guint64 bid,
            BbtEntry *entry,
            GError **error)
{
  Page page;
  guint s = id_size (file);
  /* The lowest bit of a BID is reserved ([MS-PST] 2.2.2.2) */
  guint64 key = bid & ~(guint64) 1;

  if (!descend (file, PTYPE_BBT, key, &page, error))
    return FALSE;
  for (guint i = 0; i < page.n_entries; i++)
    {
      const guint8 *e = page.raw + (gsize) i * page.entry_size;

      if ((get_id (file, e) & ~(guint64) 1) == key)
        {
          entry->bid = get_id (file, e);
          entry->offset = get_id (file, e + s);
          entry->cb = tf_pst_u16 (e + 2 * s);
          entry->cref = tf_pst_u16 (e + 2 * s + 2);
          return TRUE;
        }
    }
  g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
               _ ("Block 0x%llX is not in the block index."), (unsigned long long) bid);
  return FALSE;
}

typedef struct
{
  TfPstFile *file;
  TfPstNodeFunc func;
  gpointer user_data;
  GHashTable *visited;
} Walk;

static gboolean
walk_nbt (Walk *walk,
          guint64 offset,
          guint64 bid,
          gint expected_level,
          GError **error)
{
  TfPstFile *file = walk->file;
  guint s = id_size (file);
  Page page;

  if (g_hash_table_contains (walk->visited, &offset))
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("The node index refers to the page at offset 0x%llX twice: the BTree loops."),
                   (unsigned long long) offset);
      return FALSE;
    }
  g_hash_table_add (walk->visited, g_memdup2 (&offset, sizeof offset));

  if (!read_page (file, offset, bid, PTYPE_NBT, &page, error)
      || !check_entry_size (file, &page, PTYPE_NBT, offset, error))
    return FALSE;
  if ((expected_level >= 0 && (gint) page.level != expected_level) || page.level >= MAX_BTREE_DEPTH)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("The BTree page at offset 0x%llX is at level %u, expected %d: the index loops or is damaged."),
                   (unsigned long long) offset, page.level, expected_level);
      return FALSE;
    }

  for (guint i = 0; i < page.n_entries; i++)
    {
      const guint8 *e = page.raw + (gsize) i * page.entry_size;

      if (page.level == 0)
        {
          TfPstNode node;

          parse_nbt_leaf (file, e, &node);
          walk->func (&node, walk->user_data);
        }
      else if (!walk_nbt (walk, get_id (file, e + 2 * s), get_id (file, e + s),
                          (gint) page.level - 1, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
tf_pst_nbt_foreach (TfPstFile *file,
                    TfPstNodeFunc func,
                    gpointer user_data,
                    GError **error)
{
  Walk walk = { file, func, user_data, NULL };
  gboolean ok;

  walk.visited = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  ok = walk_nbt (&walk, file->nbt_root, file->nbt_root_bid, -1, error);
  g_hash_table_unref (walk.visited);
  return ok;
}

/* ---- blocks ---- */

static void
block_free (gpointer data)
{
  /* block->data lies in the same allocation (read_block) */
  g_free (data);
}

/* Reads one block, checks its trailer and CRC, decodes external blocks */
static TfPstBlock *
read_block (TfPstFile *file,
            guint64 bid,
            GError **error)
{
  guint trailer_size = file->unicode ? 16 : 12;
  guint8 *raw;
  TfPstBlock *block;
  BbtEntry entry;
  const guint8 *t;
  guint64 trailer_bid;
  gsize total;

  if (!bbt_lookup (file, bid, &entry, error))
    return NULL;
  total = ((gsize) entry.cb + trailer_size + 63) & ~(gsize) 63;
  if (total > MAX_BLOCK_SIZE)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("Block 0x%llX claims %u bytes, more than a PST block holds."),
                   (unsigned long long) bid, entry.cb);
      return NULL;
    }
  /* One allocation for the block and its bytes, read in place */
  block = g_malloc (sizeof *block + total);
  memset (block, 0, sizeof *block);
  raw = (guint8 *) (block + 1);
  if (!read_at (file, entry.offset, raw, total, error))
    {
      g_free (block);
      return NULL;
    }

  t = raw + total - trailer_size;
  trailer_bid = file->unicode ? tf_pst_u64 (t + 8) : tf_pst_u32 (t + 4);
  if (tf_pst_u16 (t) != entry.cb || (trailer_bid & ~(guint64) 1) != (bid & ~(guint64) 1))
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("The block at offset 0x%llX is not block 0x%llX (its trailer says 0x%llX, %u bytes)."),
                   (unsigned long long) entry.offset, (unsigned long long) bid, (unsigned long long) trailer_bid, tf_pst_u16 (t));
      g_free (block);
      return NULL;
    }

  block->bid = entry.bid;
  block->offset = entry.offset;
  block->size = entry.cb;
  block->cref = entry.cref;
  block->crc_offset = entry.offset + total - trailer_size + (file->unicode ? 4 : 8);
  block->stored_crc = tf_pst_u32 (raw + (block->crc_offset - entry.offset));
  block->computed_crc = tf_pst_crc32 (raw, entry.cb);
  block->crc_ok = block->stored_crc == block->computed_crc;
  if (!block->crc_ok)
    note_crc_error (file, FALSE, entry.bid, entry.offset, block->stored_crc, block->computed_crc);
  /* Internal blocks (bit 1 of the BID) are never encoded */
  if ((bid & 2) == 0)
    decode_block (file, raw, entry.cb, bid);
  block->data = raw;
  return block;
}

static gboolean
collect_leaves (TfPstFile *file,
                guint64 bid,
                guint depth,
                guint64 max_total,
                TfPstData *data,
                GError **error)
{
  TfPstBlock *block = read_block (file, bid, error);
  guint s = id_size (file);
  guint n;

  if (block == NULL)
    return FALSE;
  if ((bid & 2) == 0)
    {
      if (data->total + block->size > max_total)
        {
          block_free (block);
          g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                       _ ("A node’s data is larger than %llu bytes; it was not read."),
                       (unsigned long long) max_total);
          return FALSE;
        }
      data->total += block->size;
      g_ptr_array_add (data->blocks, block);
      return TRUE;
    }
  /* XBLOCK (level 1) / XXBLOCK (level 2): btype, cLevel, cEnt, lcbTotal */
  if (block->size < 8 || block->data[0] != BTYPE_XBLOCK || block->data[1] == 0 || block->data[1] > 2
      || depth + block->data[1] > 2)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("Block 0x%llX should list data blocks (XBLOCK) but does not."), (unsigned long long) bid);
      block_free (block);
      return FALSE;
    }
  n = tf_pst_u16 (block->data + 2);
  if (8 + (gsize) n * s > block->size)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("Block 0x%llX lists %u blocks, more than it holds."), (unsigned long long) bid, n);
      block_free (block);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      guint64 child = get_id (file, block->data + 8 + (gsize) i * s);

      if (!collect_leaves (file, child, depth + 1, max_total, data, error))
        {
          block_free (block);
          return FALSE;
        }
    }
  block_free (block);
  return TRUE;
}

TfPstData *
tf_pst_data_read (TfPstFile *file,
                  guint64 bid,
                  guint64 max_total,
                  GError **error)
{
  g_autoptr (TfPstData) data = g_new0 (TfPstData, 1);

  data->blocks = g_ptr_array_new_with_free_func (block_free);
  if (!collect_leaves (file, bid, 0, max_total, data, error))
    return NULL;
  return g_steal_pointer (&data);
}

void
tf_pst_data_free (TfPstData *data)
{
  if (data == NULL)
    return;
  g_ptr_array_unref (data->blocks);
  g_free (data);
}

/* ---- subnodes ---- */

/* Calls @func for every SLENTRY below @bid_sub (depth-limited) */
static gboolean
walk_subnodes (TfPstFile *file,
               guint64 bid_sub,
               guint depth,
               guint32 want,
               TfPstNode *found,
               GArray *all,
               GError **error)
{
  guint s = id_size (file);
  guint header = file->unicode ? 8 : 4;
  TfPstBlock *block = read_block (file, bid_sub, error);
  gboolean ok = TRUE;
  guint n, level, entry_size;

  if (block == NULL)
    return FALSE;
  if (block->size < header || block->data[0] != BTYPE_SLBLOCK || block->data[1] > 1
      || (depth > 0 && block->data[1] != 0))
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("Block 0x%llX should list subnodes but does not."), (unsigned long long) bid_sub);
      block_free (block);
      return FALSE;
    }
  level = block->data[1];
  n = tf_pst_u16 (block->data + 2);
  entry_size = level == 0 ? 3 * s : 2 * s;
  if (header + (gsize) n * entry_size > block->size)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
                   _ ("Block 0x%llX lists %u subnodes, more than it holds."), (unsigned long long) bid_sub, n);
      block_free (block);
      return FALSE;
    }
  for (guint i = 0; i < n && ok; i++)
    {
      const guint8 *e = block->data + header + (gsize) i * entry_size;
      guint32 nid = (guint32) get_id (file, e);

      if (level == 1)
        {
          /* SIENTRY: descend when @want may be below this entry */
          guint32 next = i + 1 < n ? (guint32) get_id (file, e + entry_size) : G_MAXUINT32;

          if (all != NULL || (want >= nid && (want < next || i + 1 == n)))
            ok = walk_subnodes (file, get_id (file, e + s), depth + 1, want, found, all, error);
          continue;
        }
      if (all != NULL)
        {
          TfPstNode node = { nid, get_id (file, e + s), get_id (file, e + 2 * s), 0 };

          g_array_append_val (all, node);
        }
      else if (nid == want)
        {
          found->nid = nid;
          found->bid_data = get_id (file, e + s);
          found->bid_sub = get_id (file, e + 2 * s);
          found->nid_parent = 0;
          block_free (block);
          return TRUE;
        }
    }
  block_free (block);
  if (ok && all == NULL && depth == 0 && found->nid != want)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_NOT_FOUND,
                   _ ("Subnode 0x%08X is missing."), want);
      return FALSE;
    }
  return ok;
}

gboolean
tf_pst_subnode_lookup (TfPstFile *file,
                       guint64 bid_sub,
                       guint32 nid,
                       TfPstNode *node,
                       GError **error)
{
  memset (node, 0, sizeof *node);
  node->nid = nid ^ 1; /* "not found" marker: never equals @nid */
  if (bid_sub == 0)
    {
      g_set_error (error, TF_ERROR, TF_ERROR_NOT_FOUND, _ ("Subnode 0x%08X is missing."), nid);
      return FALSE;
    }
  if (!walk_subnodes (file, bid_sub, 0, nid, node, NULL, error))
    return FALSE;
  return node->nid == nid;
}

GArray *
tf_pst_subnode_list (TfPstFile *file,
                     guint64 bid_sub,
                     GError **error)
{
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (TfPstNode));

  if (bid_sub != 0 && !walk_subnodes (file, bid_sub, 0, 0, NULL, all, error))
    return NULL;
  return g_steal_pointer (&all);
}
