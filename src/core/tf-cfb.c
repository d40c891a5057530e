/* tf-cfb.c — minimal read-only Compound File Binary ([MS-CFB]) locator
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tf-cfb.h"
#include "tf-reader.h"

/* Hand-written on purpose: libgsf reads CFB files but cannot tell where a
 * stream's bytes live in the file, and its writer cannot update a file in
 * place. Repair must overwrite exactly 8 bytes, so we map stream offsets to
 * file offsets ourselves. Because libgsf trusts its input more than we
 * want (it warns, and on some damage asserts, while walking broken chains
 * and directory trees), tf_cfb_new() also validates everything libgsf will
 * walk, so the .msg reader hands libgsf only files that passed. */

#define HEADER_SIZE 512
#define DIR_ENTRY_SIZE 128
#define SECT_MAX 0xFFFFFFFAu
#define SECT_DIFAT 0xFFFFFFFCu
#define SECT_FAT 0xFFFFFFFDu
#define SECT_END 0xFFFFFFFEu
#define SECT_FREE 0xFFFFFFFFu
#define N_HEADER_DIFAT 109

#define TYPE_EMPTY 0
#define TYPE_STORAGE 1
#define TYPE_STREAM 2
#define TYPE_ROOT 5

/* libgsf walks the directory tree recursively (about 200 bytes of stack a
 * level): refuse trees deep enough to threaten a worker thread's stack. A
 * balanced tree of 10^6 entries is 40 deep, but libgsf's own writer links
 * siblings as a list, so a file it wrote with N children in one storage is
 * N deep: 4096 levels (under 1 MB of stack) still reads those. */
#define MAX_TREE_DEPTH 4096
#define MAX_NESTING 64
/* libgsf sorts each storage's children by insertion (quadratic): cap them.
 * Outlook writes one storage per recipient and attachment, and Exchange
 * caps a message at 5000 recipients by default. */
#define MAX_CHILDREN 16384

/* Sector owners, to catch loops and cross-linked chains */
enum
{
  OWNER_NONE = 0,
  OWNER_FAT,
  OWNER_DIRECTORY,
  OWNER_MINIFAT,
  OWNER_MINISTREAM,
  OWNER_FIRST_ENTRY,
};

typedef struct
{
  char *name;
  guint8 type;
  guint32 left;
  guint32 right;
  guint32 child;
  guint32 start;
  guint64 size;
  guint32 parent;
  guint32 n_children;
  gboolean reachable;
} Entry;

struct _TfCfb
{
  const guint8 *data;
  gsize len;

  guint shift;
  guint sector_size;
  guint mini_shift;
  guint mini_size;
  guint32 cutoff;
  guint32 n_sectors; /* whole sectors present after the header */

  guint32 *fat;
  guint32 n_fat;
  guint32 *minifat;
  guint32 n_minifat;
  guint32 *mini_sectors; /* the root entry's chain: the mini stream */
  guint32 n_mini_sectors;
  guint64 mini_stream_size;

  Entry *entries;
  guint32 n_entries;

  guint32 *owner;      /* per sector */
  guint32 *mini_owner; /* per mini sector */
  guint32 n_mini_owner;
};

static inline guint32
get_u32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static inline guint16
get_u16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static inline guint64
get_u64 (const guint8 *p)
{
  return (guint64) get_u32 (p) | ((guint64) get_u32 (p + 4) << 32);
}

static gboolean
parse_error (GError **error,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static gboolean
parse_error (GError **error,
             const char *format,
             ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, TF_ERROR, TF_ERROR_PARSE, msg);
  return FALSE;
}

static inline const guint8 *
sector_data (TfCfb *self,
             guint32 sector)
{
  g_assert (sector < self->n_sectors);
  return self->data + (((gsize) sector + 1) << self->shift);
}

static inline guint64
sector_offset (TfCfb *self,
               guint32 sector)
{
  return ((guint64) sector + 1) << self->shift;
}

static const char *
entry_label (TfCfb *self,
             guint32 owner)
{
  switch (owner)
    {
    case OWNER_FAT:
      return "FAT";
    case OWNER_DIRECTORY:
      /* Translators: a part of a compound (.msg) file */
      return _ ("directory");
    case OWNER_MINIFAT:
      return _ ("mini FAT");
    case OWNER_MINISTREAM:
      return _ ("mini stream");
    default:
      if (owner >= OWNER_FIRST_ENTRY && owner - OWNER_FIRST_ENTRY < self->n_entries)
        {
          const char *name = self->entries[owner - OWNER_FIRST_ENTRY].name;
          return name != NULL && *name != '\0' ? name : "?";
        }
      return "?";
    }
}

/* Walks a chain in the FAT (@mini FALSE) or mini FAT, claiming every sector
 * for @owner. Stops at the end-of-chain marker. Returns the sectors in
 * @out when non-NULL. */
static gboolean
walk_chain (TfCfb *self,
            gboolean mini,
            guint32 start,
            guint32 owner,
            GArray *out,
            guint32 *n_out,
            GError **error)
{
  const guint32 *table = mini ? self->minifat : self->fat;
  guint32 n_table = mini ? self->n_minifat : self->n_fat;
  guint32 *owners = mini ? self->mini_owner : self->owner;
  guint32 n_valid = mini ? self->n_mini_owner : self->n_sectors;
  guint32 sector = start;
  guint32 count = 0;

  while (sector != SECT_END)
    {
      if (sector > SECT_MAX)
        return parse_error (error,
                            mini ? _ ("CFB: mini FAT chain of “%s” ends with 0x%08X instead of end-of-chain")
                                 : _ ("CFB: FAT chain of “%s” ends with 0x%08X instead of end-of-chain"),
                            entry_label (self, owner), sector);
      if (sector >= n_valid || sector >= n_table)
        return parse_error (error,
                            mini ? _ ("CFB: mini sector %u of “%s” lies outside the mini stream")
                                 : _ ("CFB: sector %u of “%s” lies beyond the end of the file (truncated?)"),
                            sector, entry_label (self, owner));
      if (owners[sector] == owner)
        return parse_error (error,
                            mini ? _ ("CFB: mini FAT chain loops at sector %u")
                                 : _ ("CFB: FAT chain loops at sector %u"),
                            sector);
      if (owners[sector] != OWNER_NONE)
        return parse_error (error,
                            _ ("CFB: sector %u is used by both “%s” and “%s”"),
                            sector, entry_label (self, owners[sector]),
                            entry_label (self, owner));
      owners[sector] = owner;
      if (out != NULL)
        g_array_append_val (out, sector);
      count++;
      sector = table[sector];
    }

  if (n_out != NULL)
    *n_out = count;
  return TRUE;
}

/* Reads one sector of 32-bit table entries into @table at @pos. */
static gboolean
load_table_sector (TfCfb *self,
                   guint32 sector,
                   guint32 *table,
                   guint32 pos)
{
  const guint8 *p = sector_data (self, sector);
  guint per = self->sector_size / 4;

  for (guint i = 0; i < per; i++)
    table[pos + i] = get_u32 (p + 4 * i);
  return TRUE;
}

static gboolean
check_table_values (const guint32 *table,
                    guint32 n,
                    gboolean mini,
                    GError **error)
{
  /* libgsf refuses (with a warning) any entry that is neither a sector of
   * the table nor a marker; so do we, with a clear reason. */
  for (guint32 i = 0; i < n; i++)
    if (table[i] >= n && table[i] < SECT_DIFAT)
      return parse_error (error,
                          mini ? _ ("CFB: mini FAT entry %u points to sector %u outside the table")
                               : _ ("CFB: FAT entry %u points to sector %u outside the table"),
                          i, table[i]);
  return TRUE;
}

static gboolean
load_header_and_fat (TfCfb *self,
                     GError **error)
{
  static const guint8 signature[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };
  const guint8 *h = self->data;
  guint32 n_fat_sectors, first_difat, n_difat, first_minifat;
  guint per;
  g_autofree guint32 *fat_sectors = NULL;
  guint32 n_listed = 0;

  if (self->len < HEADER_SIZE)
    return parse_error (error, /* Translators: %lu is the file size in bytes */
                        ngettext ("CFB: the file is shorter than the 512-byte header (%lu byte)",
                                  "CFB: the file is shorter than the 512-byte header (%lu bytes)",
                                  (gulong) self->len),
                        (gulong) self->len);
  if (memcmp (h, signature, sizeof signature) != 0)
    return parse_error (error, _ ("CFB: no compound file signature"));

  self->shift = get_u16 (h + 0x1E);
  self->mini_shift = get_u16 (h + 0x20);
  if (self->shift != 9 && self->shift != 12)
    return parse_error (error, _ ("CFB: unsupported sector size 2^%u"), self->shift);
  if (self->mini_shift != 6)
    return parse_error (error, _ ("CFB: unsupported mini sector size 2^%u"), self->mini_shift);
  self->sector_size = 1u << self->shift;
  self->mini_size = 1u << self->mini_shift;
  per = self->sector_size / 4;

  if (self->len / self->sector_size < 2)
    return parse_error (error, _ ("CFB: the file holds no sectors after the header"));
  /* Whole sectors only: the header occupies the first sector slot. */
  self->n_sectors = (guint32) MIN ((guint64) self->len / self->sector_size - 1, (guint64) SECT_MAX);

  n_fat_sectors = get_u32 (h + 0x2C);
  self->cutoff = get_u32 (h + 0x38);
  first_minifat = get_u32 (h + 0x3C);
  first_difat = get_u32 (h + 0x44);
  n_difat = get_u32 (h + 0x48);

  if (n_fat_sectors == 0 || n_fat_sectors > self->n_sectors)
    return parse_error (error, _ ("CFB: the header’s FAT sector count (%u) exceeds the file’s sector count (%u)"),
                        n_fat_sectors, self->n_sectors);
  if (get_u32 (h + 0x40) == 0 && first_minifat != SECT_END && first_minifat != SECT_FREE)
    return parse_error (error, _ ("CFB: the header counts no mini FAT sectors but links to one"));

  self->owner = g_new0 (guint32, self->n_sectors);

  /* DIFAT: 109 entries in the header, then a chain of DIFAT sectors whose
   * last entry links to the next one. */
  fat_sectors = g_new (guint32, n_fat_sectors);
  for (guint i = 0; i < N_HEADER_DIFAT && n_listed < n_fat_sectors; i++)
    fat_sectors[n_listed++] = get_u32 (h + 0x4C + 4 * i);

  {
    guint32 needed = n_fat_sectors > N_HEADER_DIFAT
                         ? (n_fat_sectors - N_HEADER_DIFAT + per - 2) / (per - 1)
                         : 0;
    guint32 sector = first_difat;

    if (n_difat != needed)
      return parse_error (error, _ ("CFB: the header’s DIFAT sector count is %u, %u expected"), n_difat, needed);
    for (guint32 d = 0; d < n_difat; d++)
      {
        const guint8 *p;

        if (sector >= self->n_sectors)
          return parse_error (error, _ ("CFB: DIFAT sector %u lies beyond the end of the file (truncated?)"), sector);
        if (self->owner[sector] != OWNER_NONE)
          return parse_error (error, _ ("CFB: DIFAT chain loops at sector %u"), sector);
        self->owner[sector] = OWNER_FAT;
        p = sector_data (self, sector);
        for (guint i = 0; i < per - 1 && n_listed < n_fat_sectors; i++)
          fat_sectors[n_listed++] = get_u32 (p + 4 * i);
        sector = get_u32 (p + 4 * (per - 1));
      }
  }
  g_assert (n_listed == n_fat_sectors);

  if ((guint64) n_fat_sectors * per > G_MAXUINT32)
    return parse_error (error, _ ("CFB: the FAT is too large"));
  self->n_fat = n_fat_sectors * per;
  self->fat = g_new (guint32, self->n_fat);
  for (guint32 i = 0; i < n_fat_sectors; i++)
    {
      guint32 s = fat_sectors[i];

      if (s == SECT_FREE)
        {
          /* libgsf reads an unused DIFAT slot as a FAT sector of free
           * entries (GNOME bug 336858); do the same. */
          for (guint j = 0; j < per; j++)
            self->fat[i * per + j] = SECT_FREE;
          continue;
        }
      if (s >= self->n_sectors)
        return parse_error (error, _ ("CFB: FAT sector %u lies beyond the end of the file (truncated?)"), s);
      if (self->owner[s] != OWNER_NONE)
        return parse_error (error, _ ("CFB: FAT sector %u is listed twice"), s);
      self->owner[s] = OWNER_FAT;
      load_table_sector (self, s, self->fat, i * per);
    }

  return check_table_values (self->fat, self->n_fat, FALSE, error);
}

static gboolean
load_directory (TfCfb *self,
                GError **error)
{
  g_autoptr (GArray) chain = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint per = self->sector_size / DIR_ENTRY_SIZE;

  if (!walk_chain (self, FALSE, get_u32 (self->data + 0x30), OWNER_DIRECTORY, chain, NULL, error))
    return FALSE;
  if (chain->len == 0)
    return parse_error (error, _ ("CFB: the directory is empty"));

  self->n_entries = chain->len * per;
  self->entries = g_new0 (Entry, self->n_entries);
  for (guint c = 0; c < chain->len; c++)
    {
      const guint8 *sec = sector_data (self, g_array_index (chain, guint32, c));

      for (guint k = 0; k < per; k++)
        {
          const guint8 *p = sec + k * DIR_ENTRY_SIZE;
          Entry *e = &self->entries[c * per + k];
          guint16 name_len = get_u16 (p + 0x40);
          gunichar2 name16[32];
          guint n_units = 0;

          e->type = p[0x42];
          e->left = get_u32 (p + 0x44);
          e->right = get_u32 (p + 0x48);
          e->child = get_u32 (p + 0x4C);
          e->start = get_u32 (p + 0x74);
          /* Version 3 files may leave garbage in the high 32 bits. */
          e->size = self->shift == 9 ? get_u32 (p + 0x78) : get_u64 (p + 0x78);
          e->parent = TF_CFB_NO_ENTRY;

          if (name_len >= 2 && name_len <= 64)
            n_units = name_len / 2 - 1;
          for (guint i = 0; i < n_units; i++)
            name16[i] = get_u16 (p + 2 * i);
          e->name = g_utf16_to_utf8 (name16, n_units, NULL, NULL, NULL);
          if (e->name == NULL)
            e->name = g_strdup ("");
        }
    }
  return TRUE;
}

/* Sibling names as CFB compares them: same parent, ASCII case folded
 * (keys are Entry pointers with parent set; nothing is allocated per entry,
 * a .msg holds dozens) */
static guint
sibling_name_hash (gconstpointer key)
{
  const Entry *e = key;
  guint h = 5381 + e->parent;

  for (const char *p = e->name; *p != '\0'; p++)
    h = (h << 5) + h + (guchar) g_ascii_tolower (*p);
  return h;
}

static gboolean
sibling_name_equal (gconstpointer a,
                    gconstpointer b)
{
  const Entry *ea = a;
  const Entry *eb = b;

  return ea->parent == eb->parent && g_ascii_strcasecmp (ea->name, eb->name) == 0;
}

/* Checks the red-black trees of the directory: every link in range, no
 * entry reached twice, known types, and a bounded depth (libgsf recurses). */
static gboolean
check_tree (TfCfb *self,
            GError **error)
{
  typedef struct
  {
    guint32 entry;
    guint32 parent;
    guint32 from; /* the entry whose link led here, for messages */
    guint depth;
    guint nesting;
  } Frame;
  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (Frame));
  g_autoptr (GHashTable) names = NULL;
  Entry *root = &self->entries[0];
  Frame f;

  if (root->type != TYPE_ROOT)
    return parse_error (error, _ ("CFB: the first directory entry is not the root"));
  if (root->left != TF_CFB_NO_ENTRY || root->right != TF_CFB_NO_ENTRY)
    return parse_error (error, _ ("CFB: the root directory entry has siblings"));
  root->reachable = TRUE;
  names = g_hash_table_new (sibling_name_hash, sibling_name_equal);

  if (root->child == TF_CFB_NO_ENTRY)
    return TRUE;
  f = (Frame){ root->child, 0, 0, 1, 1 };
  g_array_append_val (stack, f);

  while (stack->len > 0)
    {
      Entry *e;

      f = g_array_index (stack, Frame, stack->len - 1);
      g_array_set_size (stack, stack->len - 1);

      if (f.entry >= self->n_entries)
        return parse_error (error, _ ("CFB: directory entry %u links to entry %u beyond the directory"),
                            f.from, f.entry);
      e = &self->entries[f.entry];
      if (e->reachable)
        return parse_error (error, _ ("CFB: directory tree loops at entry %u"), f.entry);
      if (f.depth > MAX_TREE_DEPTH || f.nesting > MAX_NESTING)
        return parse_error (error, _ ("CFB: directory tree is too deep at entry %u"), f.entry);
      if (e->type != TYPE_STORAGE && e->type != TYPE_STREAM && e->type != TYPE_ROOT)
        return parse_error (error, _ ("CFB: directory entry %u has unknown type %u"), f.entry, e->type);
      if (e->type == TYPE_STREAM && e->child != TF_CFB_NO_ENTRY)
        return parse_error (error, _ ("CFB: stream entry %u has children"), f.entry);
      if (e->type == TYPE_STREAM && e->size > self->len)
        return parse_error (error, /* Translators: %s is a stream name, %llu a size in bytes */
                            ngettext ("CFB: stream “%s” claims %llu byte, more than the file",
                                      "CFB: stream “%s” claims %llu bytes, more than the file",
                                      (gulong) e->size),
                            e->name, (unsigned long long) e->size);
      e->reachable = TRUE;
      e->parent = f.parent;

      /* Two children with the same name (CFB compares case-insensitively)
       * would let us and libgsf pick different streams. */
      if (!g_hash_table_add (names, e))
        return parse_error (error, _ ("CFB: two directory entries are named “%s” in one storage"), e->name);
      if (f.parent < self->n_entries && ++self->entries[f.parent].n_children > MAX_CHILDREN)
        return parse_error (error, _ ("CFB: a storage holds more than %u entries"), MAX_CHILDREN);

      if (e->left != TF_CFB_NO_ENTRY)
        g_array_append_val (stack, ((Frame){ e->left, f.parent, f.entry, f.depth + 1, f.nesting }));
      if (e->right != TF_CFB_NO_ENTRY)
        g_array_append_val (stack, ((Frame){ e->right, f.parent, f.entry, f.depth + 1, f.nesting }));
      if (e->type != TYPE_STREAM && e->child != TF_CFB_NO_ENTRY)
        g_array_append_val (stack, ((Frame){ e->child, f.entry, f.entry, f.depth + 1, f.nesting + 1 }));
    }
  return TRUE;
}

static gboolean
load_mini_stream (TfCfb *self,
                  GError **error)
{
  const Entry *root = &self->entries[0];
  g_autoptr (GArray) chain = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr (GArray) mf_chain = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint32 first_minifat = get_u32 (self->data + 0x3C);
  guint per = self->sector_size / 4;

  /* A file without small streams may leave the root's start unset. */
  if (!(root->size == 0 && root->start > SECT_MAX) && !walk_chain (self, FALSE, root->start, OWNER_MINISTREAM, chain, NULL, error))
    return FALSE;
  if (root->size > (guint64) chain->len * self->sector_size)
    return parse_error (error, _ ("CFB: the mini stream is shorter than its size"));
  self->mini_stream_size = root->size;
  self->n_mini_sectors = chain->len;
  self->mini_sectors = (guint32 *) g_array_free (g_steal_pointer (&chain), FALSE);

  if (first_minifat != SECT_FREE)
    if (!walk_chain (self, FALSE, first_minifat, OWNER_MINIFAT, mf_chain, NULL, error))
      return FALSE;
  if ((guint64) mf_chain->len * per > G_MAXUINT32)
    return parse_error (error, _ ("CFB: the mini FAT is too large"));
  self->n_minifat = mf_chain->len * per;
  self->minifat = g_new (guint32, MAX (self->n_minifat, 1));
  for (guint i = 0; i < mf_chain->len; i++)
    load_table_sector (self, g_array_index (mf_chain, guint32, i), self->minifat, i * per);
  if (!check_table_values (self->minifat, self->n_minifat, TRUE, error))
    return FALSE;

  /* A mini sector exists when it lies wholly inside the mini stream */
  self->n_mini_owner = (guint32) MIN (self->mini_stream_size / self->mini_size, (guint64) self->n_minifat);
  self->mini_owner = g_new0 (guint32, MAX (self->n_mini_owner, 1));
  return TRUE;
}

static inline gboolean
entry_uses_mini (TfCfb *self,
                 const Entry *e)
{
  return e->type == TYPE_STREAM && e->size < self->cutoff;
}

static gboolean
check_streams (TfCfb *self,
               GError **error)
{
  for (guint32 i = 1; i < self->n_entries; i++)
    {
      const Entry *e = &self->entries[i];
      gboolean mini;
      guint32 n_chain = 0;
      guint unit;

      if (!e->reachable || e->type != TYPE_STREAM)
        continue;
      /* Empty streams are never opened (the reader checks sizes first). */
      if (e->size == 0)
        continue;
      mini = entry_uses_mini (self, e);
      unit = mini ? self->mini_size : self->sector_size;
      if (!walk_chain (self, mini, e->start, OWNER_FIRST_ENTRY + i, NULL, &n_chain, error))
        return FALSE;
      if ((guint64) n_chain * unit < e->size)
        return parse_error (error, /* Translators: %s is a stream name, %u a number of sectors, %llu a size in bytes */
                            ngettext ("CFB: stream “%s” has %u sectors, too few for its %llu byte",
                                      "CFB: stream “%s” has %u sectors, too few for its %llu bytes",
                                      (gulong) e->size),
                            e->name, n_chain, (unsigned long long) e->size);
    }
  return TRUE;
}

/**
 * tf_cfb_new:
 * @data: the whole file
 * @len: its length
 *
 * Returns: (transfer full) (nullable): the parsed view, or %NULL with
 *   @error set (TF_ERROR_PARSE) when the file is not a sound CFB file.
 */
TfCfb *
tf_cfb_new (const guint8 *data,
            gsize len,
            GError **error)
{
  TfCfb *self;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_new0 (TfCfb, 1);
  self->data = data;
  self->len = len;

  if (!load_header_and_fat (self, error) || !load_directory (self, error) || !check_tree (self, error) || !load_mini_stream (self, error) || !check_streams (self, error))
    {
      tf_cfb_free (self);
      return NULL;
    }
  return self;
}

void
tf_cfb_free (TfCfb *self)
{
  if (self == NULL)
    return;
  for (guint32 i = 0; i < self->n_entries; i++)
    g_free (self->entries[i].name);
  g_free (self->entries);
  g_free (self->fat);
  g_free (self->minifat);
  g_free (self->mini_sectors);
  g_free (self->owner);
  g_free (self->mini_owner);
  g_free (self);
}

guint
tf_cfb_get_sector_size (TfCfb *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->sector_size;
}

guint
tf_cfb_get_n_entries (TfCfb *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_entries;
}

guint32
tf_cfb_lookup_child (TfCfb *self,
                     guint32 parent,
                     const char *name)
{
  g_autoptr (GArray) stack = NULL;
  const Entry *p;

  g_return_val_if_fail (self != NULL, TF_CFB_NO_ENTRY);
  g_return_val_if_fail (name != NULL, TF_CFB_NO_ENTRY);

  if (parent >= self->n_entries)
    return TF_CFB_NO_ENTRY;
  p = &self->entries[parent];
  if (!p->reachable || p->type == TYPE_STREAM || p->child == TF_CFB_NO_ENTRY)
    return TF_CFB_NO_ENTRY;

  /* Walk the whole sibling tree rather than trusting its ordering: some
   * writers get the CFB collation wrong. The tree was checked acyclic. */
  stack = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_array_append_val (stack, p->child);
  while (stack->len > 0)
    {
      guint32 i = g_array_index (stack, guint32, stack->len - 1);
      const Entry *e;

      g_array_set_size (stack, stack->len - 1);
      if (i >= self->n_entries)
        continue;
      e = &self->entries[i];
      if (g_ascii_strcasecmp (e->name, name) == 0)
        return i;
      if (e->left != TF_CFB_NO_ENTRY)
        g_array_append_val (stack, e->left);
      if (e->right != TF_CFB_NO_ENTRY)
        g_array_append_val (stack, e->right);
    }
  return TF_CFB_NO_ENTRY;
}

/**
 * tf_cfb_list_children:
 *
 * Returns: (transfer full) (element-type guint32): the entries directly
 *   below @parent (empty for streams and bad indices)
 */
GArray *
tf_cfb_list_children (TfCfb *self,
                      guint32 parent)
{
  g_autoptr (GArray) stack = NULL;
  GArray *children;
  const Entry *p;

  g_return_val_if_fail (self != NULL, NULL);

  children = g_array_new (FALSE, FALSE, sizeof (guint32));
  if (parent >= self->n_entries)
    return children;
  p = &self->entries[parent];
  if (!p->reachable || p->type == TYPE_STREAM || p->child == TF_CFB_NO_ENTRY)
    return children;

  /* In-order walk of the (validated, acyclic) sibling tree */
  stack = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint32 cur = p->child;;)
    {
      if (cur != TF_CFB_NO_ENTRY && cur < self->n_entries)
        {
          g_array_append_val (stack, cur);
          cur = self->entries[cur].left;
          continue;
        }
      if (stack->len == 0)
        break;
      cur = g_array_index (stack, guint32, stack->len - 1);
      g_array_set_size (stack, stack->len - 1);
      g_array_append_val (children, cur);
      cur = self->entries[cur].right;
    }
  return children;
}

guint32
tf_cfb_lookup (TfCfb *self,
               const char *path)
{
  g_auto (GStrv) parts = NULL;
  guint32 entry = 0;

  g_return_val_if_fail (self != NULL, TF_CFB_NO_ENTRY);
  g_return_val_if_fail (path != NULL, TF_CFB_NO_ENTRY);

  parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i] != NULL && entry != TF_CFB_NO_ENTRY; i++)
    {
      if (parts[i][0] == '\0')
        continue;
      entry = tf_cfb_lookup_child (self, entry, parts[i]);
    }
  return entry;
}

gboolean
tf_cfb_entry_is_stream (TfCfb *self,
                        guint32 entry)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return entry < self->n_entries && self->entries[entry].reachable && self->entries[entry].type == TYPE_STREAM;
}

const char *
tf_cfb_entry_get_name (TfCfb *self,
                       guint32 entry)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (entry >= self->n_entries || !self->entries[entry].reachable)
    return NULL;
  return self->entries[entry].name;
}

guint64
tf_cfb_entry_get_size (TfCfb *self,
                       guint32 entry)
{
  g_return_val_if_fail (self != NULL, 0);
  if (!tf_cfb_entry_is_stream (self, entry))
    return 0;
  return self->entries[entry].size;
}

gboolean
tf_cfb_entry_offset_to_file_offset (TfCfb *self,
                                    guint32 entry,
                                    guint64 stream_offset,
                                    guint64 *file_offset,
                                    gsize *contiguous,
                                    GError **error)
{
  const Entry *e;
  gboolean mini;
  guint shift;
  guint64 steps, in_unit, rest;
  guint32 sector;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (file_offset != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!tf_cfb_entry_is_stream (self, entry))
    return parse_error (error, _ ("CFB: directory entry %u is not a stream"), entry);
  e = &self->entries[entry];
  if (stream_offset >= e->size)
    return parse_error (error, /* Translators: %llu is an offset, %s a stream name, the last %llu its size in bytes */
                        ngettext ("CFB: offset %llu lies past the end of stream “%s” (%llu byte)",
                                  "CFB: offset %llu lies past the end of stream “%s” (%llu bytes)",
                                  (gulong) e->size),
                        (unsigned long long) stream_offset, e->name, (unsigned long long) e->size);

  mini = entry_uses_mini (self, e);
  shift = mini ? self->mini_shift : self->shift;
  steps = stream_offset >> shift;
  in_unit = stream_offset & ((1u << shift) - 1);
  rest = MIN ((guint64) (1u << shift) - in_unit, e->size - stream_offset);

  /* The chain was validated by tf_cfb_new(); still check every step. */
  sector = e->start;
  for (guint64 i = 0; i < steps; i++)
    {
      guint32 n_table = mini ? self->n_minifat : self->n_fat;

      if (sector >= n_table)
        return parse_error (error, _ ("CFB: chain of “%s” ends early"), e->name);
      sector = mini ? self->minifat[sector] : self->fat[sector];
    }

  if (mini)
    {
      guint64 mini_off = ((guint64) sector << self->mini_shift) + in_unit;
      guint64 idx = mini_off >> self->shift;

      if (sector >= self->n_mini_owner || idx >= self->n_mini_sectors)
        return parse_error (error, _ ("CFB: mini sector %u of “%s” lies outside the mini stream"), sector, e->name);
      sector = self->mini_sectors[idx];
      in_unit = mini_off & (self->sector_size - 1);
    }

  if (sector >= self->n_sectors)
    return parse_error (error, _ ("CFB: sector %u of “%s” lies beyond the end of the file (truncated?)"), sector, e->name);

  *file_offset = sector_offset (self, sector) + in_unit;
  g_assert (*file_offset + rest <= self->len);
  if (contiguous != NULL)
    *contiguous = (gsize) rest;
  return TRUE;
}

gboolean
tf_cfb_stream_offset_to_file_offset (TfCfb *self,
                                     const char *stream_path,
                                     guint64 stream_offset,
                                     guint64 *file_offset,
                                     GError **error)
{
  guint32 entry;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (stream_path != NULL, FALSE);

  entry = tf_cfb_lookup (self, stream_path);
  if (entry == TF_CFB_NO_ENTRY || !tf_cfb_entry_is_stream (self, entry))
    {
      g_set_error (error, TF_ERROR, TF_ERROR_NOT_FOUND, _ ("CFB: no stream “%s”"), stream_path);
      return FALSE;
    }
  return tf_cfb_entry_offset_to_file_offset (self, entry, stream_offset, file_offset, NULL, error);
}

/* Position of @sector in the chain starting at @start, or -1 */
static gint64
chain_position (TfCfb *self,
                gboolean mini,
                guint32 start,
                guint32 sector)
{
  const guint32 *table = mini ? self->minifat : self->fat;
  guint32 n_table = mini ? self->n_minifat : self->n_fat;
  guint32 cur = start;

  /* Chains were validated loop-free; the bound is only a safety net */
  for (guint32 i = 0; i < n_table && cur < n_table; i++)
    {
      if (cur == sector)
        return i;
      cur = table[cur];
    }
  return -1;
}

gboolean
tf_cfb_file_offset_to_stream (TfCfb *self,
                              guint64 file_offset,
                              guint32 *entry,
                              guint64 *stream_offset)
{
  guint64 sector64;
  guint32 sector, owner;
  guint64 in_sector, pos;
  gint64 index;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);
  g_return_val_if_fail (stream_offset != NULL, FALSE);

  sector64 = file_offset >> self->shift;
  if (sector64 == 0 || sector64 - 1 >= self->n_sectors)
    return FALSE;
  sector = (guint32) (sector64 - 1);
  in_sector = file_offset & (self->sector_size - 1);
  owner = self->owner[sector];

  if (owner == OWNER_MINISTREAM)
    {
      guint64 mini_off;
      guint32 m;
      const Entry *e;

      index = chain_position (self, FALSE, self->entries[0].start, sector);
      if (index < 0)
        return FALSE;
      mini_off = ((guint64) index << self->shift) + in_sector;
      if (mini_off >= self->mini_stream_size || (mini_off >> self->mini_shift) >= self->n_mini_owner)
        return FALSE;
      m = (guint32) (mini_off >> self->mini_shift);
      owner = self->mini_owner[m];
      if (owner < OWNER_FIRST_ENTRY || owner - OWNER_FIRST_ENTRY >= self->n_entries)
        return FALSE;
      e = &self->entries[owner - OWNER_FIRST_ENTRY];
      index = chain_position (self, TRUE, e->start, m);
      if (index < 0)
        return FALSE;
      pos = ((guint64) index << self->mini_shift) + (mini_off & (self->mini_size - 1));
      if (pos >= e->size)
        return FALSE;
      *entry = owner - OWNER_FIRST_ENTRY;
      *stream_offset = pos;
      return TRUE;
    }

  if (owner < OWNER_FIRST_ENTRY || owner - OWNER_FIRST_ENTRY >= self->n_entries)
    return FALSE;
  index = chain_position (self, FALSE, self->entries[owner - OWNER_FIRST_ENTRY].start, sector);
  if (index < 0)
    return FALSE;
  pos = ((guint64) index << self->shift) + in_sector;
  if (pos >= self->entries[owner - OWNER_FIRST_ENTRY].size)
    return FALSE;
  *entry = owner - OWNER_FIRST_ENTRY;
  *stream_offset = pos;
  return TRUE;
}

typedef struct
{
  guint64 file_offset;
  gsize src;
  gsize n;
} Piece;

gboolean
tf_cfb_patch (guint8 *data,
              gsize len,
              const char *stream_path,
              guint64 stream_offset,
              const guint8 *bytes,
              gsize n,
              GError **error)
{
  g_autoptr (GArray) pieces = NULL;
  TfCfb *cfb;
  guint32 entry;
  gsize done = 0;

  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (stream_path != NULL, FALSE);
  g_return_val_if_fail (bytes != NULL || n == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  cfb = tf_cfb_new (data, len, error);
  if (cfb == NULL)
    return FALSE;

  entry = tf_cfb_lookup (cfb, stream_path);
  if (entry == TF_CFB_NO_ENTRY || !tf_cfb_entry_is_stream (cfb, entry))
    {
      g_set_error (error, TF_ERROR, TF_ERROR_NOT_FOUND, _ ("CFB: no stream “%s”"), stream_path);
      tf_cfb_free (cfb);
      return FALSE;
    }
  if (stream_offset > tf_cfb_entry_get_size (cfb, entry) || n > tf_cfb_entry_get_size (cfb, entry) - stream_offset)
    {
      parse_error (error, /* Translators: %lu is a number of bytes, %llu an offset, %s a stream name */
                   ngettext ("CFB: cannot write %lu byte at offset %llu of “%s”: the stream is shorter",
                             "CFB: cannot write %lu bytes at offset %llu of “%s”: the stream is shorter",
                             (gulong) n),
                   (gulong) n, (unsigned long long) stream_offset, stream_path);
      tf_cfb_free (cfb);
      return FALSE;
    }

  /* Map every piece first: nothing is written unless all of it maps. */
  pieces = g_array_new (FALSE, FALSE, sizeof (Piece));
  while (done < n)
    {
      Piece piece = { 0, done, 0 };
      gsize contiguous = 0;

      if (!tf_cfb_entry_offset_to_file_offset (cfb, entry, stream_offset + done,
                                               &piece.file_offset, &contiguous, error))
        {
          tf_cfb_free (cfb);
          return FALSE;
        }
      piece.n = MIN (contiguous, n - done);
      g_assert (piece.n > 0);
      g_array_append_val (pieces, piece);
      done += piece.n;
    }
  tf_cfb_free (cfb);

  for (guint i = 0; i < pieces->len; i++)
    {
      const Piece *piece = &g_array_index (pieces, Piece, i);

      g_assert (piece->file_offset + piece->n <= len);
      memcpy (data + piece->file_offset, bytes + piece->src, piece->n);
    }
  return TRUE;
}
