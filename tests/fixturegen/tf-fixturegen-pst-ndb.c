/* tf-fixturegen-pst-ndb.c — TEST-ONLY PST writer: the NDB layer
 *
 * Hand-written: no library writes PST files (libpff and libpst only read
 * them). See tf-fixturegen-pst.h for what the writer supports. This file
 * lays out blocks and pages ([MS-PST] 2.2.2): the file is written front to
 * back, each allocation rounded to 64 bytes (512 for pages) and placed
 * around the AMap, PMap and FMap pages, whose positions are fixed
 * (2.2.2.7.2-2.2.2.7.5); the B-trees, the maps and the header are written
 * last, when every block is known.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "tf-fixturegen-pst-private.h"

#define PAGE_SIZE 512
#define BLOCK_MAX 8192
#define AMAP_FIRST 0x4400
#define AMAP_SPAN (496 * 8 * 64) /* 253,952 bytes per AMap */
#define FMAP_FIRST 128           /* AMaps covered by the header's rgbFM */
#define FMAP_EVERY 496           /* AMaps covered by one FMap page */
#define UNICODE_HEADER 564
#define ANSI_HEADER 512

typedef struct
{
  guint64 bid;
  guint64 ib;
  guint16 cb;
} BbtEntry;

typedef struct
{
  guint32 nid;
  guint32 parent;
  guint64 bid_data;
  guint64 bid_sub;
} NbtEntry;

struct _PstNdb
{
  char *path;
  char *tmp_path;
  int fd;
  gboolean unicode;
  TfPstCrypt crypt;
  guint64 next_bid; /* data blocks, step 4 ([MS-PST] 2.2.2.2) */
  guint64 next_pid; /* pages */
  guint64 eof;      /* first byte not yet allocated */
  GByteArray *amap; /* one bit per 64 bytes from AMAP_FIRST, MSB first */
  GArray *bbt;      /* BbtEntry, in BID order (BIDs only grow) */
  GArray *nbt;      /* NbtEntry */
  guint32 next_ltp;
  guint32 next_index[32]; /* per NID type: next free nidIndex, for rgnid */
  GError *error;
};

/* [MS-PST] 5.1: mpbbCrypt = mpbbR (encode), mpbbS, mpbbI (decode). The
 * reader in src/core has the same specification table; the writer keeps
 * its own so that the test data never depends on the code it tests
 * (pffexport and libpff decode the files independently). */
/* clang-format off */
static const guint8 crypt_table[768] = {
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

/* --- helpers ------------------------------------------------------------- */

static void
le16 (guint8 *p,
      guint16 v)
{
  p[0] = v & 0xFF;
  p[1] = v >> 8;
}

static void
le32 (guint8 *p,
      guint32 v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (v >> (8 * i)) & 0xFF;
}

static void
le64 (guint8 *p,
      guint64 v)
{
  for (int i = 0; i < 8; i++)
    p[i] = (v >> (8 * i)) & 0xFF;
}

/* An index or BID: 8 bytes in Unicode files, 4 in ANSI ones */
static gsize
put_ib (PstNdb *ndb,
        guint8 *p,
        guint64 v)
{
  if (ndb->unicode)
    {
      le64 (p, v);
      return 8;
    }
  le32 (p, (guint32) v);
  return 4;
}

static guint64
align_up (guint64 v,
          guint64 a)
{
  return (v + a - 1) / a * a;
}

guint32
pst_crc32 (guint32 crc,
           const guint8 *data,
           gsize len)
{
  static guint32 table[256];
  static gsize init = 0;

  if (g_once_init_enter (&init))
    {
      for (guint32 i = 0; i < 256; i++)
        {
          guint32 c = i;

          for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320 ^ (c >> 1) : c >> 1;
          table[i] = c;
        }
      g_once_init_leave (&init, 1);
    }
  for (gsize i = 0; i < len; i++)
    crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return crc;
}

/* The CRC and BID of a trailer: Unicode dwCRC then bid(8), ANSI bid(4)
 * then dwCRC (BLOCKTRAILER and PAGETRAILER alike, 2.2.2.7.1, 2.2.2.8.1) */
static void
put_crc_bid (PstNdb *ndb,
             guint8 *p,
             guint32 crc,
             guint64 bid)
{
  if (ndb->unicode)
    {
      le32 (p, crc);
      le64 (p + 4, bid);
    }
  else
    {
      le32 (p, (guint32) bid);
      le32 (p + 4, crc);
    }
}

gint
pst_cmp_u32 (gconstpointer a,
             gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

/* [MS-PST] 5.5 */
static guint16
block_sig (guint64 ib,
           guint64 bid)
{
  ib ^= bid;
  return (guint16) ((ib >> 16) ^ ib);
}

/* [MS-PST] 5.1 CryptPermute and 5.2 CryptCyclic, encode direction */
static void
encode (TfPstCrypt crypt,
        guint8 *buf,
        gsize len,
        guint64 bid)
{
  if (crypt == TF_PST_CRYPT_PERMUTE)
    {
      for (gsize i = 0; i < len; i++)
        buf[i] = crypt_table[buf[i]];
    }
  else if (crypt == TF_PST_CRYPT_CYCLIC)
    {
      guint32 key = (guint32) bid;
      guint16 w = (guint16) (key ^ (key >> 16));

      for (gsize i = 0; i < len; i++, w++)
        {
          guint8 b = buf[i];

          b = (guint8) (b + (w & 0xFF));
          b = crypt_table[b];
          b = (guint8) (b + (w >> 8));
          b = crypt_table[256 + b];
          b = (guint8) (b - (w >> 8));
          b = crypt_table[512 + b];
          b = (guint8) (b - (w & 0xFF));
          buf[i] = b;
        }
    }
}

static void
set_io_error (PstNdb *ndb,
              const char *what)
{
  int saved = errno;

  if (ndb->error == NULL)
    g_set_error (&ndb->error, G_IO_ERROR, g_io_error_from_errno (saved),
                 "%s: %s: %s", ndb->tmp_path, what, g_strerror (saved));
}

static void
write_at (PstNdb *ndb,
          const guint8 *buf,
          gsize len,
          guint64 ib)
{
  gsize done = 0;

  while (ndb->error == NULL && done < len)
    {
      ssize_t n = pwrite (ndb->fd, buf + done, len - done, (off_t) (ib + done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          set_io_error (ndb, "write");
          return;
        }
      done += (gsize) n;
    }
}

/* --- allocation ---------------------------------------------------------- */

/* Pages at the start of AMap interval @k: the AMap, a PMap every 8
 * intervals, an FMap every 496 intervals from the 128th */
static guint
reserved_pages (guint64 k)
{
  guint n = 1;

  if (k % 8 == 0)
    n++;
  if (k % 8 == 0 && k >= FMAP_FIRST && (k - FMAP_FIRST) % FMAP_EVERY == 0)
    n++;
  return n;
}

static void
mark (PstNdb *ndb,
      guint64 ib,
      guint64 len)
{
  guint64 first = (ib - AMAP_FIRST) / 64;
  guint64 last = (ib + len - AMAP_FIRST) / 64;

  if (ndb->amap->len < last / 8 + 1)
    {
      guint old = ndb->amap->len;

      g_byte_array_set_size (ndb->amap, (guint) (last / 8 + 1 + 65536));
      memset (ndb->amap->data + old, 0, ndb->amap->len - old);
    }
  for (guint64 bit = first; bit < last; bit++)
    ndb->amap->data[bit / 8] |= 0x80 >> (bit % 8);
}

static guint64
alloc (PstNdb *ndb,
       guint64 size,
       guint64 align)
{
  guint64 ib = align_up (ndb->eof, align);

  for (;;)
    {
      guint64 k = (ib - AMAP_FIRST) / AMAP_SPAN;
      guint64 start = AMAP_FIRST + k * AMAP_SPAN;
      guint64 reserved_end = start + reserved_pages (k) * PAGE_SIZE;

      if (ib < reserved_end)
        ib = align_up (reserved_end, align);
      else if (ib + size > start + AMAP_SPAN)
        ib = start + AMAP_SPAN;
      else
        break;
    }
  mark (ndb, ib, size);
  ndb->eof = ib + size;
  return ib;
}

void
pst_ndb_skip (PstNdb *ndb,
              guint64 bytes)
{
  /* ANSI offsets are 32-bit; past 8 GB a file needs FPMap pages, which
   * this writer does not make */
  g_assert (ndb->unicode);
  g_assert (bytes <= G_GUINT64_CONSTANT (8) * 1000 * 1000 * 1000 - ndb->eof);
  ndb->eof += bytes;
}

/* --- blocks -------------------------------------------------------------- */

gsize
pst_ndb_max_block (PstNdb *ndb)
{
  return BLOCK_MAX - (ndb->unicode ? 16 : 12);
}

gboolean
pst_ndb_unicode (PstNdb *ndb)
{
  return ndb->unicode;
}

/* One block ([MS-PST] 2.2.2.8): data, padding, BLOCKTRAILER. External
 * blocks are encoded; the CRC covers the cb stored bytes. */
static guint64
write_block (PstNdb *ndb,
             const guint8 *data,
             gsize cb,
             gboolean internal)
{
  guint8 buf[BLOCK_MAX];
  gsize trailer = ndb->unicode ? 16 : 12;
  gsize total = align_up (cb + trailer, 64);
  guint64 bid = ndb->next_bid | (internal ? 2 : 0);
  guint64 ib;
  guint8 *t;
  BbtEntry e;

  g_assert (cb <= pst_ndb_max_block (ndb));
  ndb->next_bid += 4;
  ib = alloc (ndb, total, 64);
  memset (buf, 0, total);
  memcpy (buf, data, cb);
  if (!internal)
    encode (ndb->crypt, buf, cb, bid);
  t = buf + total - trailer;
  le16 (t, (guint16) cb);
  le16 (t + 2, block_sig (ib, bid));
  put_crc_bid (ndb, t + 4, pst_crc32 (0, buf, cb), bid);
  write_at (ndb, buf, total, ib);
  e = (BbtEntry){ bid, ib, (guint16) cb };
  g_array_append_val (ndb->bbt, e);
  return bid;
}

/* XBLOCKs (and an XXBLOCK above them when needed, 2.2.2.8.3.2) over the
 * data blocks @bids of @total bytes */
static guint64
write_tree (PstNdb *ndb,
            GArray *bids,
            GArray *sizes)
{
  gsize isz = ndb->unicode ? 8 : 4;
  guint per = (guint) ((pst_ndb_max_block (ndb) - 8) / isz);
  g_autoptr (GArray) level1 = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr (GArray) totals = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint8 buf[BLOCK_MAX];
  guint64 grand = 0;

  if (bids->len == 1)
    return g_array_index (bids, guint64, 0);
  for (guint level = 1; level <= 2; level++)
    {
      GArray *in = level == 1 ? bids : level1;
      GArray *in_sizes = level == 1 ? sizes : totals;
      g_autoptr (GArray) out = g_array_new (FALSE, FALSE, sizeof (guint64));
      g_autoptr (GArray) out_sizes = g_array_new (FALSE, FALSE, sizeof (guint64));

      for (guint i = 0; i < in->len; i += per)
        {
          guint n = MIN (per, in->len - i);
          guint64 lcb = 0;
          guint64 bid;

          for (guint j = 0; j < n; j++)
            {
              put_ib (ndb, buf + 8 + j * isz, g_array_index (in, guint64, i + j));
              lcb += g_array_index (in_sizes, guint64, i + j);
            }
          buf[0] = 0x01; /* btype */
          buf[1] = (guint8) level;
          le16 (buf + 2, (guint16) n);
          le32 (buf + 4, (guint32) lcb);
          bid = write_block (ndb, buf, 8 + n * isz, TRUE);
          g_array_append_val (out, bid);
          g_array_append_val (out_sizes, lcb);
          if (level == 1)
            grand += lcb;
        }
      if (out->len == 1)
        return g_array_index (out, guint64, 0);
      g_array_set_size (level1, 0);
      g_array_append_vals (level1, out->data, out->len);
      g_array_set_size (totals, 0);
      g_array_append_vals (totals, out_sizes->data, out_sizes->len);
    }
  g_set_error (&ndb->error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
               "node data of %" G_GUINT64_FORMAT " bytes is too large for an XXBLOCK", grand);
  return 0;
}

guint64
pst_ndb_write_chunks (PstNdb *ndb,
                      GPtrArray *chunks)
{
  g_autoptr (GArray) bids = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr (GArray) sizes = g_array_new (FALSE, FALSE, sizeof (guint64));

  for (guint i = 0; i < chunks->len; i++)
    {
      GByteArray *c = g_ptr_array_index (chunks, i);
      guint64 bid = write_block (ndb, c->data, c->len, FALSE);
      guint64 len = c->len;

      g_array_append_val (bids, bid);
      g_array_append_val (sizes, len);
    }
  return write_tree (ndb, bids, sizes);
}

typedef struct
{
  const guint8 *data;
} FlatData;

static void
fill_flat (guint8 *buf,
           gsize len,
           guint64 pos,
           gpointer user_data)
{
  FlatData *flat = user_data;

  memcpy (buf, flat->data + pos, len);
}

guint64
pst_ndb_write_data (PstNdb *ndb,
                    const guint8 *data,
                    gsize len)
{
  FlatData flat = { data };

  return pst_ndb_write_stream (ndb, len, fill_flat, &flat);
}

guint64
pst_ndb_write_stream (PstNdb *ndb,
                      guint64 len,
                      PstFillFunc fill,
                      gpointer user_data)
{
  g_autoptr (GArray) bids = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr (GArray) sizes = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint8 buf[BLOCK_MAX];
  gsize max = pst_ndb_max_block (ndb);
  guint64 pos = 0;

  g_return_val_if_fail (len > 0, 0);
  while (pos < len && ndb->error == NULL)
    {
      guint64 n = MIN (max, len - pos);
      guint64 bid;

      fill (buf, n, pos, user_data);
      bid = write_block (ndb, buf, n, FALSE);
      g_array_append_val (bids, bid);
      g_array_append_val (sizes, n);
      pos += n;
    }
  return ndb->error == NULL ? write_tree (ndb, bids, sizes) : 0;
}

/* SLBLOCK (2.2.2.8.3.3.1); an SIBLOCK above several when they overflow */
guint64
pst_ndb_write_subnodes (PstNdb *ndb,
                        GArray *subs)
{
  gsize isz = ndb->unicode ? 8 : 4;
  gsize hdr = ndb->unicode ? 8 : 4;
  guint per = (guint) ((pst_ndb_max_block (ndb) - hdr) / (3 * isz));
  g_autoptr (GArray) si = g_array_new (FALSE, FALSE, sizeof (PstSubnode));
  guint8 buf[BLOCK_MAX];

  if (subs->len == 0)
    return 0;
  g_array_sort (subs, pst_cmp_u32);
  for (guint i = 0; i < subs->len; i += per)
    {
      guint n = MIN (per, subs->len - i);
      guint8 *p = buf + hdr;
      PstSubnode top = { g_array_index (subs, PstSubnode, i).nid, 0, 0 };

      memset (buf, 0, sizeof buf);
      buf[0] = 0x02;
      buf[1] = 0;
      le16 (buf + 2, (guint16) n);
      for (guint j = 0; j < n; j++)
        {
          const PstSubnode *s = &g_array_index (subs, PstSubnode, i + j);

          p += put_ib (ndb, p, s->nid);
          p += put_ib (ndb, p, s->bid_data);
          p += put_ib (ndb, p, s->bid_sub);
        }
      top.bid_data = write_block (ndb, buf, (gsize) (p - buf), TRUE);
      g_array_append_val (si, top);
    }
  if (si->len == 1)
    return g_array_index (si, PstSubnode, 0).bid_data;
  g_assert (si->len <= (pst_ndb_max_block (ndb) - hdr) / (2 * isz));
  {
    guint8 *p = buf + hdr;

    memset (buf, 0, sizeof buf);
    buf[0] = 0x02;
    buf[1] = 1;
    le16 (buf + 2, (guint16) si->len);
    for (guint j = 0; j < si->len; j++)
      {
        p += put_ib (ndb, p, g_array_index (si, PstSubnode, j).nid);
        p += put_ib (ndb, p, g_array_index (si, PstSubnode, j).bid_data);
      }
    return write_block (ndb, buf, (gsize) (p - buf), TRUE);
  }
}

void
pst_ndb_add_node (PstNdb *ndb,
                  guint32 nid,
                  guint64 bid_data,
                  guint64 bid_sub,
                  guint32 nid_parent)
{
  NbtEntry e = { nid, nid_parent, bid_data, bid_sub };
  guint type = nid & 0x1F;

  g_array_append_val (ndb->nbt, e);
  ndb->next_index[type] = MAX (ndb->next_index[type], (nid >> 5) + 1);
}

guint32
pst_ndb_new_ltp_nid (PstNdb *ndb)
{
  return PST_NID (ndb->next_ltp++, PST_NID_TYPE_LTP);
}

/* --- B-trees ------------------------------------------------------------- */

/* One BTPAGE (2.2.2.7.7) at a fresh place; returns its ib, sets *pid */
static guint64
write_btpage (PstNdb *ndb,
              guint8 ptype,
              const guint8 *entries,
              guint n,
              guint cb_ent,
              guint level,
              guint64 *pid)
{
  guint8 page[PAGE_SIZE] = { 0 };
  gsize area = ndb->unicode ? 488 : 496;
  gsize crc_len = ndb->unicode ? 496 : 500;
  guint64 ib = alloc (ndb, PAGE_SIZE, PAGE_SIZE);

  *pid = ndb->next_pid;
  ndb->next_pid += 4;
  memcpy (page, entries, (gsize) n * cb_ent);
  page[area] = (guint8) n;
  page[area + 1] = (guint8) (area / cb_ent);
  page[area + 2] = (guint8) cb_ent;
  page[area + 3] = (guint8) level;
  page[crc_len] = ptype;
  page[crc_len + 1] = ptype;
  le16 (page + crc_len + 2, block_sig (ib, *pid));
  put_crc_bid (ndb, page + crc_len + 4, pst_crc32 (0, page, crc_len), *pid);
  write_at (ndb, page, PAGE_SIZE, ib);
  return ib;
}

/* Leaf entries @leaf (@n of @cb_ent bytes, sorted, key first) as a B-tree;
 * returns the root's ib and sets *root_pid */
static guint64
write_btree (PstNdb *ndb,
             guint8 ptype,
             GByteArray *leaf,
             guint n,
             guint cb_ent,
             guint64 *root_pid)
{
  gsize isz = ndb->unicode ? 8 : 4;
  gsize area = ndb->unicode ? 488 : 496;
  g_autoptr (GByteArray) cur = g_byte_array_new ();
  guint level = 0;

  g_byte_array_append (cur, leaf->data, leaf->len);
  for (;;)
    {
      guint per = (guint) (area / cb_ent);
      g_autoptr (GByteArray) up = g_byte_array_new ();
      guint pages = 0;
      guint64 ib = 0;

      for (guint i = 0; i == 0 || i < n; i += per)
        {
          guint cnt = MIN (per, n - i);
          guint8 e[24] = { 0 };
          guint64 pid;

          ib = write_btpage (ndb, ptype, cur->data + (gsize) i * cb_ent, cnt, cb_ent, level, &pid);
          memcpy (e, cur->data + (gsize) i * cb_ent, isz); /* btkey */
          put_ib (ndb, e + isz, pid);
          put_ib (ndb, e + 2 * isz, ib);
          g_byte_array_append (up, e, (guint) (3 * isz));
          *root_pid = pid;
          pages++;
          if (n == 0)
            break;
        }
      if (pages == 1)
        return ib;
      g_byte_array_set_size (cur, 0);
      g_byte_array_append (cur, up->data, up->len);
      n = pages;
      cb_ent = (guint) (3 * isz);
      level++;
    }
}

static void
write_btrees (PstNdb *ndb,
              guint64 nbt[2],
              guint64 bbt[2])
{
  g_autoptr (GByteArray) nb = g_byte_array_new ();
  g_autoptr (GByteArray) bb = g_byte_array_new ();
  gsize isz = ndb->unicode ? 8 : 4;
  guint nbt_ent = ndb->unicode ? 32 : 16;
  guint bbt_ent = ndb->unicode ? 24 : 12;

  g_array_sort (ndb->nbt, pst_cmp_u32);
  for (guint i = 0; i < ndb->nbt->len; i++)
    {
      const NbtEntry *e = &g_array_index (ndb->nbt, NbtEntry, i);
      guint8 b[32] = { 0 };

      put_ib (ndb, b, e->nid);
      put_ib (ndb, b + isz, e->bid_data);
      put_ib (ndb, b + 2 * isz, e->bid_sub);
      le32 (b + 3 * isz, e->parent);
      g_byte_array_append (nb, b, nbt_ent);
    }
  for (guint i = 0; i < ndb->bbt->len; i++)
    {
      const BbtEntry *e = &g_array_index (ndb->bbt, BbtEntry, i);
      guint8 b[24] = { 0 };

      put_ib (ndb, b, e->bid);
      put_ib (ndb, b + isz, e->ib);
      le16 (b + 2 * isz, e->cb);
      le16 (b + 2 * isz + 2, 2); /* cRef: 2 as Outlook writes */
      g_byte_array_append (bb, b, bbt_ent);
    }
  nbt[1] = write_btree (ndb, 0x81, nb, ndb->nbt->len, nbt_ent, &nbt[0]);
  bbt[1] = write_btree (ndb, 0x80, bb, ndb->bbt->len, bbt_ent, &bbt[0]);
}

/* --- maps and header ----------------------------------------------------- */

static guint
max_free_run (PstNdb *ndb,
              guint64 k)
{
  guint best = 0, run = 0;

  for (guint64 bit = k * 496 * 8; bit < (k + 1) * 496 * 8; bit++)
    {
      if (ndb->amap->data[bit / 8] & (0x80 >> (bit % 8)))
        run = 0;
      else
        best = MAX (best, ++run);
    }
  return MIN (best, 255);
}

/* A 512-byte map page at @ib: @bits (496 bytes); ANSI AMap and PMap pages
 * put 4 bytes of padding first, ANSI FMap pages last (2.2.2.7.2-5) */
static void
write_map_page (PstNdb *ndb,
                guint8 ptype,
                const guint8 *bits,
                guint64 ib)
{
  guint8 page[PAGE_SIZE] = { 0 };
  gsize crc_len = ndb->unicode ? 496 : 500;
  gsize at = (!ndb->unicode && ptype != 0x82) ? 4 : 0;

  memcpy (page + at, bits, 496);
  page[crc_len] = ptype;
  page[crc_len + 1] = ptype; /* wSig stays 0 for map pages; bid = ib */
  put_crc_bid (ndb, page + crc_len + 4, pst_crc32 (0, page, crc_len), ib);
  write_at (ndb, page, PAGE_SIZE, ib);
}

/* Writes every map page; returns the free bytes the AMaps record */
static guint64
write_maps (PstNdb *ndb,
            guint64 n_amaps)
{
  guint8 ones[496];
  guint64 free_bits = 0;

  memset (ones, 0xFF, sizeof ones);
  for (guint64 k = 0; k < n_amaps; k++)
    mark (ndb, AMAP_FIRST + k * AMAP_SPAN, reserved_pages (k) * PAGE_SIZE);
  for (guint64 k = 0; k < n_amaps; k++)
    {
      guint64 ib = AMAP_FIRST + k * AMAP_SPAN;
      const guint8 *bits = ndb->amap->data + k * 496;

      for (guint i = 0; i < 496 * 8; i++)
        free_bits += !(bits[i / 8] & (0x80 >> (i % 8)));
      write_map_page (ndb, 0x84, bits, ib);
      if (reserved_pages (k) >= 2)
        write_map_page (ndb, 0x83, ones, ib + PAGE_SIZE);
      if (reserved_pages (k) == 3)
        {
          guint8 fm[496] = { 0 };

          for (guint i = 0; i < 496 && k + i < n_amaps; i++)
            fm[i] = (guint8) max_free_run (ndb, k + i);
          write_map_page (ndb, 0x82, fm, ib + 2 * PAGE_SIZE);
        }
    }
  return free_bits * 64;
}

/* HEADER (2.2.2.6) with ROOT (2.2.2.5) */
static void
write_header (PstNdb *ndb,
              guint64 nbt[2],
              guint64 bbt[2],
              guint64 file_eof,
              guint64 amap_last,
              guint64 amap_free)
{
  guint8 h[UNICODE_HEADER] = { 0 };
  gboolean u = ndb->unicode;
  gsize root = u ? 180 : 164;
  gsize isz = u ? 8 : 4;
  gsize fm = u ? 256 : 204;
  gsize rgnid = u ? 44 : 36;

  memcpy (h, "!BDN", 4);
  memcpy (h + 8, "SM", 2);
  le16 (h + 10, u ? 23 : 14);
  le16 (h + 12, 19); /* wVerClient */
  h[14] = 0x01;      /* bPlatformCreate */
  h[15] = 0x01;      /* bPlatformAccess */
  if (u)
    {
      le64 (h + 32, ndb->next_pid);
      le32 (h + 40, 1); /* dwUnique */
      le64 (h + 516, ndb->next_bid);
    }
  else
    {
      le32 (h + 24, (guint32) ndb->next_bid);
      le32 (h + 28, (guint32) ndb->next_pid);
      le32 (h + 32, 1);
    }
  for (guint t = 0; t < 32; t++)
    le32 (h + rgnid + 4 * t, PST_NID (MAX (ndb->next_index[t], 0x400), t));
  put_ib (ndb, h + root + 4, file_eof);
  put_ib (ndb, h + root + 4 + isz, amap_last);
  put_ib (ndb, h + root + 4 + 2 * isz, amap_free);
  put_ib (ndb, h + root + 4 + 3 * isz, 0); /* cbPMapFree */
  put_ib (ndb, h + root + 4 + 4 * isz, nbt[0]);
  put_ib (ndb, h + root + 4 + 5 * isz, nbt[1]);
  put_ib (ndb, h + root + 4 + 6 * isz, bbt[0]);
  put_ib (ndb, h + root + 4 + 7 * isz, bbt[1]);
  h[root + 4 + 8 * isz] = 0x02; /* fAMapValid = VALID_AMAP2 */
  memset (h + fm, 0xFF, 256);   /* rgbFM, rgbFP: deprecated, 0xFF */
  h[fm + 256] = 0x80;           /* bSentinel */
  h[fm + 257] = (guint8) ndb->crypt;
  le32 (h + 4, pst_crc32 (0, h + 8, 471));
  if (u)
    le32 (h + 524, pst_crc32 (0, h + 8, 516));
  write_at (ndb, h, u ? UNICODE_HEADER : ANSI_HEADER, 0);
}

/* --- life cycle ---------------------------------------------------------- */

PstNdb *
pst_ndb_new (const char *path,
             gboolean unicode,
             TfPstCrypt crypt,
             GError **error)
{
  PstNdb *ndb = g_new0 (PstNdb, 1);

  ndb->path = g_strdup (path);
  ndb->tmp_path = g_strdup_printf ("%s.tmp-XXXXXX", path);
  ndb->fd = g_mkstemp_full (ndb->tmp_path, O_RDWR | O_CLOEXEC, 0644);
  if (ndb->fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "%s: %s", ndb->tmp_path, g_strerror (saved));
      pst_ndb_free (ndb);
      return NULL;
    }
  ndb->unicode = unicode;
  ndb->crypt = crypt;
  ndb->next_bid = 4;
  ndb->next_pid = 4;
  ndb->next_ltp = 1;
  ndb->eof = AMAP_FIRST;
  ndb->amap = g_byte_array_new ();
  ndb->bbt = g_array_new (FALSE, FALSE, sizeof (BbtEntry));
  ndb->nbt = g_array_new (FALSE, FALSE, sizeof (NbtEntry));
  return ndb;
}

gboolean
pst_ndb_failed (PstNdb *ndb,
                GError **error)
{
  if (ndb->error == NULL)
    return FALSE;
  if (error != NULL)
    *error = g_error_copy (ndb->error);
  return TRUE;
}

gboolean
pst_ndb_finish (PstNdb *ndb,
                GError **error)
{
  guint64 nbt[2], bbt[2];
  guint64 n_amaps, file_eof, amap_free;

  write_btrees (ndb, nbt, bbt);
  n_amaps = (ndb->eof - AMAP_FIRST + AMAP_SPAN - 1) / AMAP_SPAN;
  file_eof = AMAP_FIRST + n_amaps * AMAP_SPAN;
  mark (ndb, file_eof - 64, 0); /* sizes the bitmap to the last AMap */
  amap_free = write_maps (ndb, n_amaps);
  write_header (ndb, nbt, bbt, file_eof, file_eof - AMAP_SPAN, amap_free);
  if (ndb->error == NULL && ftruncate (ndb->fd, (off_t) file_eof) != 0)
    set_io_error (ndb, "truncate");
  if (ndb->error == NULL && fsync (ndb->fd) != 0)
    set_io_error (ndb, "fsync");
  if (ndb->error == NULL && g_rename (ndb->tmp_path, ndb->path) != 0)
    set_io_error (ndb, "rename");
  return !pst_ndb_failed (ndb, error);
}

void
pst_ndb_free (PstNdb *ndb)
{
  if (ndb == NULL)
    return;
  if (ndb->fd >= 0)
    {
      close (ndb->fd);
      if (g_file_test (ndb->tmp_path, G_FILE_TEST_EXISTS))
        g_unlink (ndb->tmp_path);
    }
  g_free (ndb->path);
  g_free (ndb->tmp_path);
  if (ndb->amap != NULL)
    g_byte_array_unref (ndb->amap);
  if (ndb->bbt != NULL)
    g_array_unref (ndb->bbt);
  if (ndb->nbt != NULL)
    g_array_unref (ndb->nbt);
  g_clear_error (&ndb->error);
  g_free (ndb);
}
