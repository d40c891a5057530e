/* test-hostile-pst.c — hostile PST/OST inputs (issue 14, "Bad input")
 *
 * Builds a folder of damaged mailbox files at test time from the test-only
 * PST writer (nothing binary lives in the repository): a truncated file, a
 * node BTree that loops, a message whose block the block BTree places
 * outside the file, a heap allocation past its block, a recipient table
 * whose row size disagrees with its columns, a 4 KiB-page (Outlook 2013+)
 * OST, a password-protected PST and an ANSI file with a wrong code page,
 * between two healthy canary PSTs with a 1601 row. One scan of the folder
 * must report every file (a per-file error or a finding with a reason),
 * keep reading the other messages of a damaged file, read both canaries,
 * and write nothing. Damage is made on the decoded bytes and re-encoded
 * with a fresh CRC, so each file carries only the damage it is named for.
 * The time bound is the Meson test timeout.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tf-core.h"
#include "tf-fixturegen-pst-damage.h"
#include "tf-fixturegen-pst.h"
#include "tf-pst-private.h"

#define FT_NORMAL G_GUINT64_CONSTANT (0x01D903D957CD5000) /* 2022-11-29 10:00 */
#define T0 1214841600
/* Unicode BTPAGE: entries, cEnt, cbEnt, cLevel, trailer ([MS-PST] 2.2.2.7) */
#define PAGE_SIZE 512
#define PAGE_C_ENT 488
#define PAGE_CB_ENT 490
#define PAGE_LEVEL 491
#define PAGE_TRAILER 496
#define PTYPE_BBT 0x80

typedef struct
{
  GBytes *bytes;
  guint32 stuck_nid;   /* "Stuck meeting": one 1601 row */
  guint32 healthy_nid; /* "Healthy meeting" */
} Base;

static void
base_clear (Base *b)
{
  g_clear_pointer (&b->bytes, g_bytes_unref);
}

/* A small PST from the writer: Calendar with a stuck and a healthy meeting.
 * @codepage: PR_MESSAGE_CODEPAGE of both (0: 1252); @password: 0 none */
static void
make_base (const char *tmp,
           gboolean unicode,
           guint32 codepage,
           guint32 password,
           Base *b)
{
  g_autofree char *path = g_build_filename (tmp, "base.pst", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TfPstWriter) w = tf_pst_writer_new (path, unicode, TF_PST_CRYPT_PERMUTE, &error);
  TfPstRecipient stuck[] = {
    { "Anna Organizer", "anna@example.com", "anna@example.com", 0, 2, TRUE, FT_NORMAL, NULL },
    { "Bartosz Kowalski", "bartosz@example.com", "bartosz@example.com", 1, 2, TRUE, 0, NULL },
  };
  TfPstRecipient healthy[] = {
    { "Anna Organizer", "anna@example.com", "anna@example.com", 0, 2, TRUE, FT_NORMAL, NULL },
    { "Carla Dörfler", "carla@example.com", "carla@example.com", 1, -1, FALSE, 0, NULL },
  };
  TfPstMessage m1 = { "IPM.Appointment", "Stuck meeting Größe", "Anna Organizer", "anna@example.com", T0,
                      "hostile-stuck", 0, NULL, codepage, stuck, G_N_ELEMENTS (stuck), 0, NULL, 0 };
  TfPstMessage m2 = { "IPM.Appointment", "Healthy meeting", "Anna Organizer", "anna@example.com", T0,
                      "hostile-healthy", 0, NULL, codepage, healthy, G_N_ELEMENTS (healthy), 0, NULL, 0 };
  guint32 cal;
  char *data = NULL;
  gsize len = 0;

  g_assert_no_error (error);
  cal = tf_pst_writer_add_folder (w, tf_pst_writer_ipm_subtree (w), "Calendar", "IPF.Appointment");
  b->stuck_nid = tf_pst_writer_add_message (w, cal, &m1, &error);
  g_assert_no_error (error);
  b->healthy_nid = tf_pst_writer_add_message (w, cal, &m2, &error);
  g_assert_no_error (error);
  if (password != 0)
    tf_pst_writer_set_password (w, password);
  g_assert_true (tf_pst_writer_finish (w, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  b->bytes = g_bytes_new_take (data, len);
  g_unlink (path);
}

static guint8 *
copy_of (const Base *b,
         gsize *len)
{
  return g_memdup2 (g_bytes_get_data (b->bytes, len), g_bytes_get_size (b->bytes));
}

static void
put_le (guint8 *p,
        guint64 v,
        guint n)
{
  for (guint i = 0; i < n; i++)
    p[i] = (guint8) (v >> (8 * i));
}

static guint64
get_le (const guint8 *p,
        guint n)
{
  guint64 v = 0;

  for (guint i = n; i > 0; i--)
    v = (v << 8) | p[i - 1];
  return v;
}

static void
fix_page_crc (guint8 *page)
{
  put_le (page + PAGE_TRAILER + 4, tf_pst_crc32 (page, PAGE_TRAILER), 4);
}

/* The node BTree's root page rewritten as an intermediate page whose only
 * child is itself (Unicode) */
static guint8 *
damage_btree_loop (const Base *b,
                   gsize *len)
{
  guint8 *d = copy_of (b, len);
  guint64 root_bid = get_le (d + 216, 8), root = get_le (d + 224, 8);
  guint8 *page = d + root;

  memset (page, 0, PAGE_C_ENT);
  put_le (page + 8, root_bid, 8);
  put_le (page + 16, root, 8);
  page[PAGE_C_ENT] = 1;
  page[PAGE_CB_ENT] = 24;
  page[PAGE_LEVEL] = 1;
  fix_page_crc (page);
  return d;
}

/* The block BTree leaf entry of the stuck message's property context made
 * to point 1 MiB past the end of the file. Leaf pages are found by their
 * trailer (every page is 512-aligned), not by a descent. */
static guint8 *
damage_outside (const Base *b,
                gsize *len)
{
  guint8 *d = copy_of (b, len);
  g_autoptr (TfPstFile) file = tf_pst_file_open_bytes (d, *len, NULL);
  TfPstNode node;
  gboolean patched = FALSE;

  g_assert_true (tf_pst_nbt_lookup (file, b->stuck_nid, &node, NULL));
  for (gsize off = 0; off + PAGE_SIZE <= *len; off += PAGE_SIZE)
    {
      guint8 *page = d + off;

      if (page[PAGE_TRAILER] != PTYPE_BBT || page[PAGE_TRAILER + 1] != PTYPE_BBT || page[PAGE_LEVEL] != 0)
        continue;
      for (guint i = 0; i < page[PAGE_C_ENT]; i++)
        {
          guint8 *e = page + (gsize) i * page[PAGE_CB_ENT];

          if ((get_le (e, 8) & ~(guint64) 1) == (node.bid_data & ~(guint64) 1))
            {
              put_le (e + 8, (guint64) *len + 0x100000, 8);
              fix_page_crc (page);
              patched = TRUE;
            }
        }
    }
  g_assert_true (patched);
  return d;
}

static guint8 *
damage_table (const Base *b,
              TfPstTableEdit edit,
              gsize *len)
{
  guint8 *d = copy_of (b, len);

  tf_pst_damage_recipient_table (d, *len, b->stuck_nid, edit);
  return d;
}

/* The TCINFO's heap allocation made to end past the block's page map */
static void
edit_heap_alloc (guint8 *plain,
                 gsize len,
                 const TfPstTable *table,
                 gsize tcinfo)
{
  gsize map = get_le (plain, 2);
  guint index = (table->heap.user_root >> 5) & 0x7FF;

  put_le (plain + map + 4 + 2 * index, 0xFFF0, 2);
}

/* TCI_bm (the row size) smaller than the 1-byte part plus the CEB */
static void
edit_row_size (guint8 *plain,
               gsize len,
               const TfPstTable *table,
               gsize tcinfo)
{
  put_le (plain + tcinfo + 8, table->rgib[2], 2);
}

/* wVer 36 and client "SO": an Outlook 2013+ OST with 4 KiB pages */
static guint8 *
damage_4k (const Base *b,
           gsize *len)
{
  guint8 *d = copy_of (b, len);

  d[8] = 'S';
  d[9] = 'O';
  put_le (d + 10, 36, 2);
  return d;
}

typedef struct
{
  const char *name;
  TfFindingCode code;    /* expected on some item of the file */
  const char *needle;    /* in that finding's detail */
  gboolean healthy_read; /* the healthy meeting is still read in full */
} Case;

static TfItem *
find_item (GPtrArray *items,
           const char *path,
           const char *nid)
{
  for (guint i = 0; i < items->len; i++)
    {
      TfItem *item = g_ptr_array_index (items, i);

      if (g_str_equal (tf_item_get_file_path (item), path)
          && (nid == NULL || g_strcmp0 (tf_item_get_nid (item), nid) == 0))
        return item;
    }
  return NULL;
}

static gboolean
file_has (GPtrArray *items,
          const char *path,
          TfFindingCode code,
          const char *needle)
{
  for (guint i = 0; i < items->len; i++)
    {
      TfItem *item = g_ptr_array_index (items, i);

      if (!g_str_equal (tf_item_get_file_path (item), path))
        continue;
      for (guint k = 0; k < tf_item_get_n_findings (item); k++)
        {
          TfFinding *f = tf_item_get_finding (item, k);

          if (tf_finding_get_code (f) == code && strstr (tf_finding_get_detail (f), needle) != NULL)
            {
              g_test_message ("%s: %s", path, tf_finding_get_detail (f));
              return TRUE;
            }
        }
    }
  return FALSE;
}

static void
save (const char *dir,
      const char *name,
      guint8 *data,
      gsize len,
      GHashTable *sums)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, (const char *) data, (gssize) len, &error));
  g_hash_table_insert (sums, g_steal_pointer (&path),
                       g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, len));
  g_free (data);
}

static void
test_pst_folder (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("trackfix-hostile-pst-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (tmp, "mailboxes", NULL);
  g_autoptr (GHashTable) sums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (TfScanner) scanner = tf_scanner_new ();
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) error = NULL;
  const char *paths[] = { dir, NULL };
  g_autofree char *stuck = NULL, *healthy = NULL;
  Base uni = { 0 }, ansi = { 0 }, locked = { 0 };
  const Case cases[] = {
    { "truncated.pst", TF_FINDING_PARSE_ERROR, "truncated", FALSE },
    { "btree-loop.pst", TF_FINDING_PARSE_ERROR, "loops", FALSE },
    { "outside.pst", TF_FINDING_PARSE_ERROR, "outside", TRUE },
    { "heap-alloc.pst", TF_FINDING_PARSE_ERROR, "outside its block", TRUE },
    { "row-size.pst", TF_FINDING_PARSE_ERROR, "row size", TRUE },
    { "ost-4k.ost", TF_FINDING_PARSE_ERROR, "4 KiB", FALSE },
    { "password.pst", TF_FINDING_PST_PASSWORD, "reads the file without it", TRUE },
    { "codepage-ansi.pst", TF_FINDING_PARSE_ERROR, "code page 20127", TRUE },
  };
  guint n_files = 0;
  gsize len = 0;
  guint8 *d;

  g_assert_nonnull (tmp);
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  make_base (tmp, TRUE, 0, 0, &uni);
  /* US-ASCII: the writer's Windows-1252 "Größe" does not fit it */
  make_base (tmp, FALSE, 20127, 0, &ansi);
  make_base (tmp, TRUE, 0, 0x1A2B3C4D, &locked);
  stuck = g_strdup_printf ("0x%08X", uni.stuck_nid);
  healthy = g_strdup_printf ("0x%08X", uni.healthy_nid);

  d = copy_of (&uni, &len);
  save (dir, "aa-canary.pst", d, len, sums);
  /* Cut where the node BTree's root page starts */
  d = copy_of (&uni, &len);
  save (dir, "truncated.pst", d, get_le (d + 224, 8), sums);
  d = damage_btree_loop (&uni, &len);
  save (dir, "btree-loop.pst", d, len, sums);
  d = damage_outside (&uni, &len);
  save (dir, "outside.pst", d, len, sums);
  d = damage_table (&uni, edit_heap_alloc, &len);
  save (dir, "heap-alloc.pst", d, len, sums);
  d = damage_table (&uni, edit_row_size, &len);
  save (dir, "row-size.pst", d, len, sums);
  d = damage_4k (&uni, &len);
  save (dir, "ost-4k.ost", d, len, sums);
  d = copy_of (&locked, &len);
  save (dir, "password.pst", d, len, sums);
  d = copy_of (&ansi, &len);
  save (dir, "codepage-ansi.pst", d, len, sums);
  d = copy_of (&uni, &len);
  save (dir, "zz-canary.pst", d, len, sums);

  tf_scanner_set_ordered (scanner, TRUE);
  items = tf_scanner_scan_sync (scanner, paths, NULL, &n_files, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_files, ==, G_N_ELEMENTS (cases) + 2);

  /* The canaries on both sides: read, the 1601 row found */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *path = g_build_filename (dir, i == 0 ? "aa-canary.pst" : "zz-canary.pst", NULL);
      TfItem *item = find_item (items, path, stuck);

      g_assert_nonnull (item);
      g_assert_true (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601));
      g_assert_false (tf_item_has_finding (item, TF_FINDING_PARSE_ERROR));
    }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (dir, cases[i].name, NULL);
      TfItem *other;

      g_assert_nonnull (find_item (items, path, NULL));
      if (!file_has (items, path, cases[i].code, cases[i].needle))
        g_error ("%s: no finding %d with “%s”", cases[i].name, cases[i].code, cases[i].needle);
      if (!cases[i].healthy_read)
        continue;
      /* The damage stays with its message: the rest of the file is read */
      other = find_item (items, path, healthy);
      g_assert_nonnull (other);
      g_assert_cmpstr (tf_item_get_subject (other), ==, "Healthy meeting");
      g_assert_cmpuint (tf_item_get_n_recipients (other), ==, 2);
      if (cases[i].code != TF_FINDING_PARSE_ERROR)
        g_assert_false (tf_item_has_finding (other, TF_FINDING_PARSE_ERROR));
    }

  /* The password does not stop reading: the 1601 row is still reported */
  {
    g_autofree char *path = g_build_filename (dir, "password.pst", NULL);

    g_assert_true (tf_item_has_finding (find_item (items, path, stuck), TF_FINDING_TRACK_TIME_1601));
  }

  /* Nothing was written */
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, sums);
    while (g_hash_table_iter_next (&iter, &key, &value))
      {
        g_autofree char *data = NULL;
        g_autofree char *sum = NULL;
        gsize n = 0;

        g_assert_true (g_file_get_contents (key, &data, &n, NULL));
        sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *) data, n);
        g_assert_cmpstr (sum, ==, value);
        g_unlink (key);
      }
  }
  base_clear (&uni);
  base_clear (&ansi);
  base_clear (&locked);
  g_rmdir (dir);
  g_rmdir (tmp);
}

int
main (int argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tf_core_init ();
  g_test_add_func ("/hostile/pst/folder", test_pst_folder);
  return g_test_run ();
}
