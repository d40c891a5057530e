/* test-pst.c — PST/OST reader: agreement with libpff, cell existence,
 * patch sites, bad input
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libpff is the independent oracle: every recipient row our reader reports
 * must carry the same values as libpff's record set for the same NID and
 * row, except where the cell existence bit is clear — there libpff makes up
 * a value from the row's raw bytes, and that difference is asserted.
 */

#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <libpff.h>
#include <string.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "tf-core.h"
#include "tf-json.h"
#include "tf-fixturegen-pst-damage.h"
#include "tf-fixturegen-pst.h"
#include "tf-fixturegen.h"
#include "tf-pst-private.h"
#include "tf-pst.h"

static const struct
{
  const char *name;
  guint n_items;
} corpus_files[] = {
  { "aspose-SampleOstFile.ost", 92 },
  { "duckdb-pst-unittest.pst", 12 },
  { "java-libpst-dist-list.pst", 4 },
  { "java-libpst-passworded.pst", 3 },
  { "pstsdk-sample1.pst", 1 },
  { "pstsdk-sample2.pst", 1 },
  { "pstsdk-submessage.pst", 1 },
  { "pstsdk-test_ansi.pst", 1 },
  { "pstsdk-test_unicode.pst", 2 },
  { "ruby-msg-200-recipients.pst", 1 },
  { "ruby-msg-attachAndInline.pst", 1 },
  { "ruby-msg-msgInMsg.pst", 1 },
  { "tika-testPST.pst", 7 },
  { "tika-testPST_variousBodyTypes.pst", 4 },
};

static char *
corpus_path (const char *name)
{
  const char *dir = g_getenv ("TRACKFIX_CORPUS_DIR");

  if (dir == NULL)
    return NULL;
  return g_build_filename (dir, "pst", name, NULL);
}

static gboolean
need_corpus (void)
{
  g_autofree char *probe = corpus_path (corpus_files[0].name);

  if (probe == NULL || !g_file_test (probe, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("corpus not available (TRACKFIX_CORPUS_DIR)");
      return FALSE;
    }
  return TRUE;
}

static GPtrArray *
read_path (const char *path,
           TfReadFlags flags)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_true (tf_read_item_path (path, flags, items, &error));
  g_assert_no_error (error);
  return items;
}

static guint
count_code (GPtrArray *items,
            TfFindingCode code)
{
  guint n = 0;

  for (guint i = 0; i < items->len; i++)
    for (guint k = 0; k < tf_item_get_n_findings (g_ptr_array_index (items, i)); k++)
      if (tf_finding_get_code (tf_item_get_finding (g_ptr_array_index (items, i), k)) == code)
        n++;
  return n;
}

static TfItem *
find_nid (GPtrArray *items,
          const char *nid)
{
  for (guint i = 0; i < items->len; i++)
    if (g_strcmp0 (tf_item_get_nid (g_ptr_array_index (items, i)), nid) == 0)
      return g_ptr_array_index (items, i);
  return NULL;
}

/* ---- libpff side ---- */

/* One libpff record entry */
typedef struct
{
  guint32 tag;
  GBytes *data;
} PffCell;

static void
pff_cell_clear (gpointer p)
{
  g_bytes_unref (((PffCell *) p)->data);
}

typedef struct
{
  guint32 nid;
  GPtrArray *rows; /* GArray of PffCell per row */
} PffMessage;

static void
pff_message_free (gpointer p)
{
  PffMessage *m = p;

  g_ptr_array_unref (m->rows);
  g_free (m);
}

static GArray *
pff_row (libpff_record_set_t *rs)
{
  GArray *cells = g_array_new (FALSE, FALSE, sizeof (PffCell));
  int n = 0;

  g_array_set_clear_func (cells, pff_cell_clear);
  g_assert_cmpint (libpff_record_set_get_number_of_entries (rs, &n, NULL), ==, 1);
  for (int i = 0; i < n; i++)
    {
      libpff_record_entry_t *e = NULL;
      uint32_t type = 0, value_type = 0;
      size_t size = 0;
      guint8 *buf;
      PffCell cell;

      g_assert_cmpint (libpff_record_set_get_entry_by_index (rs, i, &e, NULL), ==, 1);
      libpff_record_entry_get_entry_type (e, &type, NULL);
      libpff_record_entry_get_value_type (e, &value_type, NULL);
      libpff_record_entry_get_data_size (e, &size, NULL);
      buf = g_malloc0 (MAX (size, 1));
      if (size > 0)
        libpff_record_entry_get_data (e, buf, size, NULL);
      cell.tag = (type << 16) | (value_type & 0xFFFF);
      cell.data = g_bytes_new_take (buf, size);
      g_array_append_val (cells, cell);
      libpff_record_entry_free (&e, NULL);
    }
  return cells;
}

static void
pff_collect_message (libpff_item_t *msg,
                     GPtrArray *out)
{
  PffMessage *m = g_new0 (PffMessage, 1);
  libpff_item_t *rcpts = NULL;
  uint32_t id = 0;

  g_assert_cmpint (libpff_item_get_identifier (msg, &id, NULL), ==, 1);
  m->nid = id;
  m->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  if (libpff_message_get_recipients (msg, &rcpts, NULL) == 1)
    {
      int n = 0;

      libpff_item_get_number_of_record_sets (rcpts, &n, NULL);
      for (int i = 0; i < n; i++)
        {
          libpff_record_set_t *rs = NULL;

          g_assert_cmpint (libpff_item_get_record_set_by_index (rcpts, i, &rs, NULL), ==, 1);
          g_ptr_array_add (m->rows, pff_row (rs));
          libpff_record_set_free (&rs, NULL);
        }
      libpff_item_free (&rcpts, NULL);
    }
  g_ptr_array_add (out, m);
}

static void
pff_walk (libpff_item_t *folder,
          GPtrArray *out)
{
  int n = 0;

  if (libpff_folder_get_number_of_sub_messages (folder, &n, NULL) == 1)
    for (int i = 0; i < n; i++)
      {
        libpff_item_t *msg = NULL;

        g_assert_cmpint (libpff_folder_get_sub_message (folder, i, &msg, NULL), ==, 1);
        pff_collect_message (msg, out);
        libpff_item_free (&msg, NULL);
      }
  n = 0;
  if (libpff_folder_get_number_of_sub_folders (folder, &n, NULL) == 1)
    for (int i = 0; i < n; i++)
      {
        libpff_item_t *sub = NULL;

        g_assert_cmpint (libpff_folder_get_sub_folder (folder, i, &sub, NULL), ==, 1);
        pff_walk (sub, out);
        libpff_item_free (&sub, NULL);
      }
}

/* Every message of every folder, as libpff sees it */
static GPtrArray *
pff_read (const char *path)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (pff_message_free);
  libpff_file_t *file = NULL;
  libpff_item_t *root = NULL;

  g_assert_cmpint (libpff_file_initialize (&file, NULL), ==, 1);
  g_assert_cmpint (libpff_file_open (file, path, LIBPFF_OPEN_READ, NULL), ==, 1);
  g_assert_cmpint (libpff_file_get_root_folder (file, &root, NULL), ==, 1);
  pff_walk (root, out);
  libpff_item_free (&root, NULL);
  libpff_file_close (file, NULL);
  libpff_file_free (&file, NULL);
  return out;
}

static const PffCell *
pff_find (GArray *row,
          guint32 tag)
{
  for (guint i = 0; i < row->len; i++)
    if (g_array_index (row, PffCell, i).tag == tag)
      return &g_array_index (row, PffCell, i);
  return NULL;
}

static gboolean
all_zero (GBytes *b)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (b, &len);

  for (gsize i = 0; i < len; i++)
    if (d[i] != 0)
      return FALSE;
  return TRUE;
}

/* ---- our side, low level ---- */

typedef struct
{
  guint32 nid;
  guint32 tag;
  guint row;
  gboolean pff_zero;
} Absent;

/* Compares one of our rows with libpff's; absent cells go to @absent */
static void
compare_row (TfPstCell *cells,
             guint n_cells,
             GArray *pff,
             guint32 nid,
             guint row,
             GArray *absent)
{
  g_assert_cmpuint (n_cells, ==, pff->len);
  for (guint c = 0; c < n_cells; c++)
    {
      const TfPstCell *cell = &cells[c];
      const PffCell *p = pff_find (pff, cell->tag);
      gsize plen;
      const guint8 *pdata;

      g_assert_nonnull (p);
      pdata = g_bytes_get_data (p->data, &plen);
      if (!cell->exists)
        {
          Absent a = { nid, cell->tag, row, all_zero (p->data) };

          g_array_append_val (absent, a);
          continue;
        }
      if (tf_mapi_type_is_fixed (TF_PROP_TYPE (cell->tag)))
        {
          g_assert_cmpuint (plen, >=, MIN ((gsize) cell->size, 1));
          g_assert_cmpmem (cell->raw, MIN ((gsize) cell->size, plen), pdata, MIN ((gsize) cell->size, plen));
        }
      else if (cell->value.bytes != NULL)
        g_assert_cmpmem (cell->value.bytes, cell->value.len, pdata, plen);
    }
}

static guint
compare_message (TfPstFile *file,
                 const PffMessage *m,
                 GArray *absent)
{
  g_autoptr (GError) error = NULL;
  g_autofree TfPstCell *cells = NULL;
  TfPstNode node, sub;
  TfPstTable table;

  g_assert_true (tf_pst_nbt_lookup (file, m->nid, &node, &error));
  if (!tf_pst_subnode_lookup (file, node.bid_sub, TF_PST_NID_RECIPIENT_TABLE, &sub, NULL))
    {
      g_assert_cmpuint (m->rows->len, ==, 0);
      return 0;
    }
  g_assert_true (tf_pst_tc_open (file, sub.bid_data, sub.bid_sub, G_MAXUINT, &table, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (table.n_rows, ==, m->rows->len);
  cells = g_new0 (TfPstCell, MAX (table.n_columns, 1));
  for (guint r = 0; r < table.n_rows; r++)
    {
      g_assert_true (tf_pst_tc_row (file, &table, r, 1 << 20, cells, &error));
      compare_row (cells, table.n_columns, g_ptr_array_index (m->rows, r), m->nid, r, absent);
      tf_pst_cells_clear (cells, table.n_columns);
    }
  tf_pst_tc_clear (&table);
  return table.n_rows;
}

static TfPstFile *
open_low (const char *path,
          GBytes **keep)
{
  g_autoptr (GError) error = NULL;
  char *data = NULL;
  gsize len = 0;
  TfPstFile *file;

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  *keep = g_bytes_new_take (data, len);
  file = tf_pst_file_open_bytes ((const guint8 *) data, len, &error);
  g_assert_no_error (error);
  return file;
}

static void
test_libpff_agreement (void)
{
  guint total_rows = 0;

  if (!need_corpus ())
    return;

  for (guint f = 0; f < G_N_ELEMENTS (corpus_files); f++)
    {
      g_autofree char *path = corpus_path (corpus_files[f].name);
      g_autoptr (GPtrArray) pff = pff_read (path);
      g_autoptr (GPtrArray) items = read_path (path, TF_READ_NONE);
      g_autoptr (GArray) absent = g_array_new (FALSE, FALSE, sizeof (Absent));
      g_autoptr (GBytes) keep = NULL;
      g_autoptr (TfPstFile) file = open_low (path, &keep);

      g_test_message ("%s: %u libpff messages, %u items", corpus_files[f].name, pff->len, items->len);
      /* One item per message of every folder, as libpff counts them */
      g_assert_cmpuint (items->len, ==, pff->len);
      g_assert_cmpuint (items->len, ==, corpus_files[f].n_items);

      for (guint i = 0; i < pff->len; i++)
        {
          const PffMessage *m = g_ptr_array_index (pff, i);
          g_autofree char *nid = g_strdup_printf ("0x%08X", m->nid);
          TfItem *item = find_nid (items, nid);

          g_assert_nonnull (item);
          /* One recipient per row, none synthesized */
          g_assert_cmpuint (tf_item_get_n_recipients (item), ==, m->rows->len);
          total_rows += compare_message (file, m, absent);
        }

      /* Where a cell is absent, our model says so and libpff invents a
       * value from the row's bytes */
      for (guint i = 0; i < absent->len; i++)
        {
          const Absent *a = &g_array_index (absent, Absent, i);
          g_autofree char *nid = g_strdup_printf ("0x%08X", a->nid);
          TfRecipient *r = tf_item_get_recipient (find_nid (items, nid), a->row);

          if (a->tag == TF_TAG_RECIPIENT_TRACKSTATUS)
            g_assert_cmpint (tf_recipient_get_track_status (r), ==, TF_TRACK_STATUS_ABSENT);
          if (a->tag == TF_TAG_RECIPIENT_TRACKSTATUS_TIME)
            g_assert_false (tf_recipient_get_has_track_time (r));
        }

      if (g_str_has_suffix (corpus_files[f].name, ".ost"))
        {
          const guint32 nids[] = { 0x00213B84, 0x00213D64 };

          for (guint k = 0; k < G_N_ELEMENTS (nids); k++)
            {
              gboolean seen = FALSE;

              for (guint i = 0; i < absent->len; i++)
                {
                  const Absent *a = &g_array_index (absent, Absent, i);

                  if (a->nid == nids[k] && a->tag == TF_TAG_RECIPIENT_TRACKSTATUS)
                    {
                      /* libpff's 0 is the trap: the cell does not exist */
                      g_assert_true (a->pff_zero);
                      seen = TRUE;
                    }
                }
              g_assert_true (seen);
            }
        }
    }
  g_assert_cmpuint (total_rows, >, 200);
}

static void
test_ost_ndr (void)
{
  g_autofree char *path = NULL;
  g_autoptr (GPtrArray) items = NULL;
  gboolean found = FALSE;

  if (!need_corpus ())
    return;
  path = corpus_path ("aspose-SampleOstFile.ost");
  items = read_path (path, TF_READ_NONE);
  for (guint i = 0; i < items->len; i++)
    {
      TfItem *item = g_ptr_array_index (items, i);

      g_assert_cmpint (tf_item_get_format (item), ==, TF_FORMAT_OST);
      g_assert_true (g_str_has_prefix (tf_item_get_folder (item), "/Root - Mailbox/"));
      if (tf_item_get_kind (item) != TF_KIND_NDR)
        continue;
      found = TRUE;
      g_assert_true (tf_item_has_finding (item, TF_FINDING_NDR_EXPIRED_4_4_7));
      g_assert_cmpstr (tf_recipient_get_dsn_status (tf_item_get_recipient (item, 0)), ==, "4.4.7");
      g_assert_nonnull (strstr (tf_recipient_get_dsn_diagnostic (tf_item_get_recipient (item, 0)), "QUEUE.Expired"));
      g_assert_cmpint (tf_recipient_get_source (tf_item_get_recipient (item, 0)), ==, TF_SOURCE_OST);
    }
  g_assert_true (found);
  /* No public sample has a 0x5FFB column: nothing to report but the NDR */
  g_assert_cmpuint (count_code (items, TF_FINDING_TRACK_TIME_1601), ==, 0);
  g_assert_cmpuint (count_code (items, TF_FINDING_NDR_EXPIRED_4_4_7), ==, 1);
}

static void
test_200_recipients (void)
{
  g_autofree char *path = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GBytes) keep = NULL;
  g_autoptr (TfPstFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree TfPstCell *cells = NULL;
  TfPstNode node, sub;
  TfPstTable table;
  const TfPstBlock *first_block = NULL;
  TfItem *item;

  if (!need_corpus ())
    return;
  path = corpus_path ("ruby-msg-200-recipients.pst");
  items = read_path (path, TF_READ_NONE);
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 200);
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *want = g_strdup_printf ("xmailuser%u@xmailserver.test", i + 1);

      g_assert_cmpstr (tf_recipient_get_address (tf_item_get_recipient (item, i)), ==, want);
      g_assert_cmpint (tf_recipient_get_row (tf_item_get_recipient (item, i)), ==, (gint) i);
    }

  /* The row matrix spans two blocks: 100 rows of 81 bytes in the first,
   * the rest of its 8176 bytes unused */
  file = open_low (path, &keep);
  g_assert_true (tf_pst_nbt_lookup (file, 0x00200024, &node, &error));
  g_assert_true (tf_pst_subnode_lookup (file, node.bid_sub, TF_PST_NID_RECIPIENT_TABLE, &sub, &error));
  g_assert_true (tf_pst_tc_open (file, sub.bid_data, sub.bid_sub, G_MAXUINT, &table, &error));
  g_assert_nonnull (table.rows_data);
  g_assert_cmpuint (table.rows_data->blocks->len, ==, 2);
  g_assert_cmpuint (table.rows_per_block, ==, 100);
  cells = g_new0 (TfPstCell, table.n_columns);
  for (guint r = 99; r <= 100; r++)
    {
      g_assert_true (tf_pst_tc_row (file, &table, r, 4096, cells, &error));
      if (r == 99)
        first_block = cells[0].block;
      else
        {
          g_assert_true (cells[0].block != first_block);
          /* Row 100 starts its block */
          g_assert_cmpint (cells[0].offset - cells[0].block->offset, ==, table.columns[0].ib_data);
        }
      g_assert_true (cells[0].block->crc_ok);
      tf_pst_cells_clear (cells, table.n_columns);
    }
  tf_pst_tc_clear (&table);
}

static void
test_ansi_and_password (void)
{
  g_autofree char *ansi = NULL;
  g_autofree char *locked = NULL;
  g_autoptr (GPtrArray) a = NULL;
  g_autoptr (GPtrArray) p = NULL;
  TfItem *item;
  TfRecipient *r;

  if (!need_corpus ())
    return;
  ansi = corpus_path ("pstsdk-sample2.pst");
  a = read_path (ansi, TF_READ_FULL);
  g_assert_cmpuint (a->len, ==, 1);
  item = g_ptr_array_index (a, 0);
  g_assert_cmpint (tf_item_get_format (item), ==, TF_FORMAT_PST);
  g_assert_cmpstr (tf_item_get_subject (item), ==, "Here is a sample message");
  g_assert_cmpstr (tf_item_get_message_class (item), ==, "IPM.Note");
  g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 1);
  r = tf_item_get_recipient (item, 0);
  g_assert_cmpstr (tf_recipient_get_address (r), ==, "terrymah@microsoft.com");
  g_assert_cmpstr (tf_recipient_get_name (r), ==, "Terry Mahaffey");
  g_assert_cmpint (tf_recipient_get_track_status (r), ==, TF_TRACK_STATUS_NONE);
  g_assert_false (tf_recipient_get_has_track_time (r));
  g_assert_cmpuint (tf_item_get_n_problems (item), ==, 0);
  g_assert_cmpstr (tf_item_get_folder (item), ==, "/Top of Outlook data file/Sample2");

  /* The password is ignored, and the detail says so */
  locked = corpus_path ("java-libpst-passworded.pst");
  p = read_path (locked, TF_READ_NONE);
  g_assert_cmpuint (p->len, ==, 3);
  for (guint i = 0; i < p->len; i++)
    {
      item = g_ptr_array_index (p, i);
      g_assert_true (tf_item_has_finding (item, TF_FINDING_PST_PASSWORD));
      g_assert_nonnull (strstr (tf_finding_get_detail (tf_item_get_finding (item, 0)), "without it"));
      g_assert_cmpuint (tf_item_get_n_problems (item), ==, 0);
    }
}

static void
test_item_path (void)
{
  g_autofree char *path = NULL;
  g_autofree char *one = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *fp = NULL;
  g_autofree char *chain = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) none = NULL;
  TfItem *item;

  g_assert_true (tf_pst_split_item_path ("a#b.pst#0x214a44/0x8025/0X200044", &fp, &chain));
  g_assert_cmpstr (fp, ==, "a#b.pst");
  g_assert_cmpstr (chain, ==, "0x00214A44/0x00008025/0x00200044");
  g_assert_false (tf_pst_split_item_path ("mbox#3", &fp, &chain));
  g_assert_false (tf_pst_split_item_path ("x.pst#0x123456789", &fp, &chain));
  g_assert_cmpint (tf_sniff_format ((const guint8 *) "!BDN\0\0", 6), ==, TF_FORMAT_PST);

  if (!need_corpus ())
    return;
  path = corpus_path ("aspose-SampleOstFile.ost");
  one = g_strdup_printf ("%s#0x214a44", path);
  items = read_path (one, TF_READ_FULL);
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_true (g_str_has_suffix (tf_item_get_path (item), ".ost#0x00214A44"));
  g_assert_cmpstr (tf_item_get_nid (item), ==, "0x00214A44");
  g_assert_cmpstr (tf_item_get_file_path (item), ==, path);
  g_assert_cmpstr (tf_item_get_folder (item), ==, "/Root - Mailbox/IPM_SUBTREE/Calendar");
  g_assert_cmpstr (tf_item_get_message_class (item), ==, "IPM.Appointment");
  /* PidLidGlobalObjectId through the file's name-to-id map */
  g_assert_true (g_str_has_prefix (tf_item_get_uid (item), "040000008200E00074C5B7101A82E008"));
  g_assert_nonnull (tf_item_get_meeting_key (item));
  g_assert_cmpuint (tf_item_get_n_recipients (item), ==, 2);
  g_assert_nonnull (tf_recipient_get_props (tf_item_get_recipient (item, 0)));
  g_assert_cmpint (tf_recipient_get_recipient_type (tf_item_get_recipient (item, 0)), ==, TF_RECIPIENT_TYPE_ORGANIZER);
  {
    g_autoptr (JsonNode) node = tf_item_to_json (item);
    JsonObject *o = json_node_get_object (node);

    g_assert_cmpstr (json_object_get_string_member (o, "format"), ==, "ost");
    g_assert_cmpstr (json_object_get_string_member (o, "nid"), ==, "0x00214A44");
    g_assert_cmpstr (json_object_get_string_member (o, "folder"), ==, "/Root - Mailbox/IPM_SUBTREE/Calendar");
  }

  missing = g_strdup_printf ("%s#0x00000004", path);
  none = read_path (missing, TF_READ_NONE);
  g_assert_cmpuint (none->len, ==, 1);
  g_assert_true (tf_item_has_finding (g_ptr_array_index (none, 0), TF_FINDING_PARSE_ERROR));
}

/* ---- bad input: mutated copies of corpus files ---- */

typedef struct
{
  char *dir;
  char *path;
  guint8 *data;
  gsize len;
} Copy;

static void
copy_clear (Copy *c)
{
  g_unlink (c->path);
  g_rmdir (c->dir);
  g_free (c->dir);
  g_free (c->path);
  g_free (c->data);
}

static void
copy_corpus (const char *name,
             Copy *c)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *src = corpus_path (name);

  c->dir = g_dir_make_tmp ("test-pst-XXXXXX", &error);
  g_assert_no_error (error);
  /* A name that says nothing: the reader must sniff the content */
  c->path = g_build_filename (c->dir, "mailbox.dat", NULL);
  g_assert_true (g_file_get_contents (src, (char **) &c->data, &c->len, &error));
}

static void
copy_save (Copy *c)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (c->path, (const char *) c->data, (gssize) c->len, &error));
}

static void
put_u16 (guint8 *p,
         guint16 v)
{
  p[0] = v & 0xFF;
  p[1] = v >> 8;
}

static void
put_u32 (guint8 *p,
         guint32 v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (v >> (8 * i)) & 0xFF;
}

/* Rewrites @block (decoded, changed by the caller in @plain) into the copy,
 * encoded, with a fresh CRC so that only the intended damage remains */
static void
write_block (Copy *c,
             TfPstFile *file,
             const TfPstBlock *block,
             const guint8 *plain)
{
  tf_pst_damage_write_block (c->data, tf_pst_file_get_crypt (file), block, plain);
}

/* Opens the copy's current bytes at the low level */
static TfPstFile *
copy_open (Copy *c)
{
  g_autoptr (GError) error = NULL;
  TfPstFile *file = tf_pst_file_open_bytes (c->data, c->len, &error);

  g_assert_no_error (error);
  return file;
}

static GPtrArray *
copy_read (Copy *c)
{
  copy_save (c);
  return read_path (c->path, TF_READ_NONE);
}

static gboolean
any_detail_has (GPtrArray *items,
                TfFindingCode code,
                const char *needle)
{
  for (guint i = 0; i < items->len; i++)
    for (guint k = 0; k < tf_item_get_n_findings (g_ptr_array_index (items, i)); k++)
      {
        TfFinding *f = tf_item_get_finding (g_ptr_array_index (items, i), k);

        if (tf_finding_get_code (f) == code && strstr (tf_finding_get_detail (f), needle) != NULL)
          return TRUE;
      }
  return FALSE;
}

static void
test_bad_truncated_and_4k (void)
{
  Copy c = { 0 };
  g_autoptr (GPtrArray) t = NULL;
  g_autoptr (GPtrArray) k = NULL;
  g_autoptr (GPtrArray) h = NULL;

  if (!need_corpus ())
    return;
  copy_corpus ("tika-testPST.pst", &c);

  /* Cut before its node index (at 0x47600): one file error, no crash */
  c.len = 200000;
  t = copy_read (&c);
  g_assert_cmpuint (t->len, ==, 1);
  g_assert_true (any_detail_has (t, TF_FINDING_PARSE_ERROR, "truncated"));

  /* Shorter than the header */
  c.len = 300;
  h = copy_read (&c);
  g_assert_cmpuint (h->len, ==, 1);
  g_assert_true (any_detail_has (h, TF_FINDING_PARSE_ERROR, "truncated"));

  /* wVer 36: an Outlook 2013+ OST with 4 KiB pages */
  copy_clear (&c);
  copy_corpus ("aspose-SampleOstFile.ost", &c);
  put_u16 (c.data + 10, 36);
  k = copy_read (&c);
  g_assert_cmpuint (k->len, ==, 1);
  g_assert_true (any_detail_has (k, TF_FINDING_PARSE_ERROR, "4 KiB"));
  copy_clear (&c);
}

/* The root NBT page's first child made to point at the root itself */
static void
test_bad_btree_loop (void)
{
  Copy c = { 0 };
  g_autoptr (GPtrArray) items = NULL;
  guint64 root, root_bid;
  guint8 *page;

  if (!need_corpus ())
    return;
  copy_corpus ("aspose-SampleOstFile.ost", &c);
  root_bid = GUINT64_FROM_LE (*(guint64 *) (c.data + 216));
  root = GUINT64_FROM_LE (*(guint64 *) (c.data + 224));
  page = c.data + root;
  g_assert_cmpuint (page[491], >, 0); /* an intermediate page */
  memcpy (page + 8, &root_bid, 8);
  memcpy (page + 16, &root, 8);
  put_u32 (page + 500, tf_pst_crc32 (page, 496));
  items = copy_read (&c);
  g_assert_true (any_detail_has (items, TF_FINDING_PARSE_ERROR, "loops"));
  copy_clear (&c);
}

/* A message whose data block the BBT places past the end of the file */
static void
test_bad_outside (void)
{
  Copy c = { 0 };
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (TfPstFile) file = NULL;
  TfPstNode node;
  guint64 bbt;
  guint8 *page;
  gboolean patched = FALSE;

  if (!need_corpus ())
    return;
  copy_corpus ("tika-testPST.pst", &c);
  file = copy_open (&c);
  g_assert_true (tf_pst_nbt_lookup (file, 0x00200044, &node, NULL));
  bbt = GUINT64_FROM_LE (*(guint64 *) (c.data + 240));
  page = c.data + bbt;
  /* Down the block BTree to the leaf page that holds the block */
  for (guint depth = 0; page[491] != 0 && depth < 8; depth++)
    {
      guint8 *chosen = page;

      for (guint i = 0; i < page[488]; i++)
        if (GUINT64_FROM_LE (*(guint64 *) (page + i * page[490])) <= node.bid_data)
          chosen = page + i * page[490];
      page = c.data + GUINT64_FROM_LE (*(guint64 *) (chosen + 16));
    }
  g_assert_cmpuint (page[491], ==, 0);
  for (guint i = 0; i < page[488]; i++)
    {
      guint8 *e = page + i * page[490];

      if ((GUINT64_FROM_LE (*(guint64 *) e) & ~(guint64) 1) == (node.bid_data & ~(guint64) 1))
        {
          guint64 far = GUINT64_TO_LE ((guint64) c.len + 0x100000);

          memcpy (e + 8, &far, 8);
          patched = TRUE;
        }
    }
  g_assert_true (patched);
  put_u32 (page + 500, tf_pst_crc32 (page, 496));
  items = copy_read (&c);
  g_assert_cmpuint (items->len, ==, 7);
  g_assert_true (tf_item_has_finding (find_nid (items, "0x00200044"), TF_FINDING_PARSE_ERROR));
  g_assert_true (any_detail_has (items, TF_FINDING_PARSE_ERROR, "outside"));
  /* The other messages are read as before */
  g_assert_cmpstr (tf_item_get_subject (find_nid (items, "0x00200024")), ==, "Re: Feature Generators");
  copy_clear (&c);
}

/* Damage inside the recipient table of @nid: @edit changes its decoded
 * first block, the CRC is recomputed */
static GPtrArray *
edit_recipient_table (Copy *c,
                      guint32 nid,
                      TfPstTableEdit edit)
{
  tf_pst_damage_recipient_table (c->data, c->len, nid, edit);
  return copy_read (c);
}

static void
edit_row_size (guint8 *plain,
               gsize len,
               const TfPstTable *table,
               gsize tcinfo)
{
  /* TCI_bm smaller than the 1-byte part plus the CEB */
  put_u16 (plain + tcinfo + 8, table->rgib[2]);
}

static void
edit_heap_alloc (guint8 *plain,
                 gsize len,
                 const TfPstTable *table,
                 gsize tcinfo)
{
  guint16 map = (guint16) (plain[0] | (plain[1] << 8));
  guint index = (table->heap.user_root >> 5) & 0x7FF;

  /* The table header's allocation ends past the page map, outside the
   * heap's block */
  put_u16 (plain + map + 4 + 2 * index, 0xFFF0);
}

static void
test_bad_table (void)
{
  Copy c = { 0 };
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GPtrArray) heap = NULL;

  if (!need_corpus ())
    return;
  copy_corpus ("pstsdk-sample1.pst", &c);
  rows = edit_recipient_table (&c, 0x00200024, edit_row_size);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_true (any_detail_has (rows, TF_FINDING_PARSE_ERROR, "row size"));
  g_assert_cmpuint (tf_item_get_n_recipients (g_ptr_array_index (rows, 0)), ==, 0);
  g_assert_cmpuint (count_code (rows, TF_FINDING_PST_CHECKSUM), ==, 0);
  copy_clear (&c);

  copy_corpus ("pstsdk-sample1.pst", &c);
  heap = edit_recipient_table (&c, 0x00200024, edit_heap_alloc);
  g_assert_cmpuint (heap->len, ==, 1);
  g_assert_true (any_detail_has (heap, TF_FINDING_PARSE_ERROR, "outside its block"));
  g_assert_cmpstr (tf_item_get_subject (g_ptr_array_index (heap, 0)), ==, "Here is a sample message");
  copy_clear (&c);
}

/* The first block of message @nid's property context in the copy */
static const TfPstBlock *
message_block (Copy *c,
               guint32 nid,
               TfPstFile **file,
               TfPstData **data)
{
  TfPstNode node;

  *file = copy_open (c);
  g_assert_true (tf_pst_nbt_lookup (*file, nid, &node, NULL));
  *data = tf_pst_data_read (*file, node.bid_data, 1 << 20, NULL);
  g_assert_nonnull (*data);
  return g_ptr_array_index ((*data)->blocks, 0);
}

/* A flipped byte in a block: data still shown, PST_CHECKSUM names it */
static void
test_bad_crc (void)
{
  Copy c = { 0 };
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (TfPstFile) file = NULL;
  g_autoptr (TfPstData) data = NULL;
  g_autofree char *want = NULL;
  const TfPstBlock *block;

  if (!need_corpus ())
    return;
  copy_corpus ("pstsdk-sample1.pst", &c);
  block = message_block (&c, 0x00200024, &file, &data);
  g_assert_true (block->crc_ok);
  /* The last byte of the block (the page map's end): still readable */
  c.data[block->offset + block->size - 1] ^= 0x01;
  want = g_strdup_printf ("Block 0x%" G_GINT64_MODIFIER "X at offset 0x%" G_GINT64_MODIFIER "X: stored CRC 0x%08X",
                          block->bid, block->offset, block->stored_crc);
  items = copy_read (&c);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_true (any_detail_has (items, TF_FINDING_PST_CHECKSUM, want));
  g_assert_cmpstr (tf_item_get_subject (g_ptr_array_index (items, 0)), ==, "Here is a sample message");
  copy_clear (&c);
}

/* An ANSI message whose PR_MESSAGE_CODEPAGE no converter knows */
static void
test_bad_codepage (void)
{
  Copy c = { 0 };
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (TfPstFile) file = NULL;
  g_autoptr (TfPstData) data = NULL;
  g_autofree guint8 *plain = NULL;
  /* BTH record: key 0x3FFD, PT_LONG, 1252 */
  const guint8 rec[] = { 0xFD, 0x3F, 0x03, 0x00, 0xE4, 0x04, 0x00, 0x00 };
  const TfPstBlock *block;
  guint8 *hit;

  if (!need_corpus ())
    return;
  copy_corpus ("pstsdk-sample2.pst", &c);
  block = message_block (&c, 0x00200024, &file, &data);
  g_assert_false (tf_pst_file_is_unicode (file));
  plain = g_memdup2 (block->data, block->size);
  hit = NULL;
  for (gsize i = 0; i + sizeof rec <= block->size && hit == NULL; i++)
    if (memcmp (plain + i, rec, sizeof rec) == 0)
      hit = plain + i;
  g_assert_nonnull (hit);
  put_u32 (hit + 4, 77777);
  write_block (&c, file, block, plain);
  items = copy_read (&c);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_true (any_detail_has (items, TF_FINDING_PARSE_ERROR, "code page 77777"));
  /* Still shown, as Windows-1252 */
  g_assert_cmpstr (tf_item_get_subject (g_ptr_array_index (items, 0)), ==, "Here is a sample message");
  copy_clear (&c);
}

/* What a patcher will rely on: the 8 bytes at the site decode to the value,
 * the CEB bit is set, the trailer CRC covers the encoded block */
static void
check_site (const char *path,
            const TfPatchSite *site,
            guint64 want)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree guint8 *plain = NULL;
  gsize len = 0;
  guint64 rel, ceb_rel;

  g_assert_cmpint (site->offset, >, 0);
  g_assert_true (site->source == TF_SOURCE_PST);
  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_assert_cmpuint (site->pst.block_offset + site->pst.block_size, <=, len);
  rel = (guint64) site->offset - site->pst.block_offset;
  ceb_rel = site->pst.ceb_offset - site->pst.block_offset;
  g_assert_cmpuint (rel + 8, <=, site->pst.block_size);
  g_assert_cmpuint (ceb_rel, <, site->pst.block_size);
  g_assert_cmpuint (tf_pst_crc32 ((const guint8 *) data + site->pst.block_offset, site->pst.block_size), ==,
                    tf_pst_u32 ((const guint8 *) data + site->pst.crc_offset));
  g_assert_cmpuint (site->pst.crc, ==, tf_pst_u32 ((const guint8 *) data + site->pst.crc_offset));
  /* Decode the block (cyclic encoding depends on the position in it) */
  plain = g_memdup2 (data + site->pst.block_offset, site->pst.block_size);
  tf_pst_encode (site->pst.encoding, site->pst.bid, plain, site->pst.block_size, FALSE);
  g_assert_cmpuint (tf_pst_u64 (plain + rel), ==, want);
  g_assert_true ((plain[ceb_rel] & site->pst.ceb_mask) != 0);
  g_assert_cmpuint (site->pst.cref, >=, 1);
}

/* ---- files from the test-only writer ---- */

typedef struct
{
  char *path;
  char *item;
  TfPatchSite site;
  gint row;
} CrcCase;

/* The recipient of @items for manifest row @f (subject f[4], row f[5]) */
static TfRecipient *
find_manifest_row (GPtrArray *items,
                   char **f,
                   guint depth,
                   TfItem **owner)
{
  guint row = (guint) g_ascii_strtoull (f[5], NULL, 10);

  for (guint k = 0; k < items->len; k++)
    {
      TfItem *item = g_ptr_array_index (items, k);
      gboolean embedded = strchr (tf_item_get_nid (item) ?: "", '/') != NULL;

      if (g_strcmp0 (tf_item_get_subject (item), f[4]) != 0 || embedded != (depth > 0))
        continue;
      for (guint r = 0; r < tf_item_get_n_recipients (item); r++)
        if (tf_recipient_get_row (tf_item_get_recipient (item, r)) == (gint) row)
          {
            *owner = item;
            return tf_item_get_recipient (item, r);
          }
    }
  return NULL;
}

/* Checks one "R" line of the MANIFEST; TRUE for a forged bad row */
static gboolean
check_manifest_row (GPtrArray *items,
                    char **f,
                    const char *path,
                    CrcCase *crc)
{
  guint depth = (guint) g_ascii_strtoull (f[2], NULL, 10);
  gboolean absent = g_strcmp0 (f[6], "absent") == 0;
  guint64 ft = absent ? 0 : g_ascii_strtoull (f[6], NULL, 16);
  TfItem *owner = NULL;
  TfRecipient *found = find_manifest_row (items, f, depth, &owner);

  if (absent)
    {
      /* Absent ≠ 0: no time, no finding (an embedded message's row
       * without a time is not listed at all) */
      if (found != NULL)
        {
          g_autoptr (GPtrArray) fs = tf_item_dup_findings_for (owner, tf_recipient_get_address (found));

          g_assert_false (tf_recipient_get_has_track_time (found));
          for (guint k = 0; fs != NULL && k < fs->len; k++)
            {
              TfFindingCode code = tf_finding_get_code (g_ptr_array_index (fs, k));

              g_assert_true (code != TF_FINDING_TRACK_TIME_1601 && code != TF_FINDING_TRACK_TIME_PRE_1900);
            }
        }
      return FALSE;
    }
  g_assert_nonnull (found);
  g_assert_true (tf_recipient_get_has_track_time (found));
  g_assert_cmpuint (tf_recipient_get_track_time (found), ==, ft);
  check_site (path, tf_recipient_get_patch_site (found), ft);
  g_assert_cmpuint (tf_recipient_get_patch_site (found)->pst.n_nids, ==, depth > 0 ? 3 : 1);
  if (crc->path == NULL && ft == 0 && depth == 0)
    {
      crc->path = g_strdup (path);
      crc->item = g_strdup (tf_item_get_nid (owner));
      crc->site = *tf_recipient_get_patch_site (found);
      crc->row = tf_recipient_get_row (found);
    }
  return tf_filetime_classify (ft) == TF_TIME_CLASS_ZERO || tf_filetime_classify (ft) == TF_TIME_CLASS_PRE_1900;
}

/* The same file with that row's block CRC broken: the value is still
 * shown, PST_CHECKSUM names the block, and no patch site is offered */
static void
check_broken_crc (CrcCase *crc)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *bytes = NULL;
  g_autoptr (GPtrArray) again = NULL;
  TfItem *item;
  gsize len = 0;

  g_assert_nonnull (crc->path);
  g_assert_true (g_file_get_contents (crc->path, &bytes, &len, &error));
  bytes[crc->site.pst.crc_offset] ^= 0x5A;
  g_assert_true (g_file_set_contents (crc->path, bytes, (gssize) len, &error));
  again = read_path (crc->path, TF_READ_NONE);
  item = find_nid (again, crc->item);
  g_assert_nonnull (item);
  g_assert_true (tf_item_has_finding (item, TF_FINDING_PST_CHECKSUM));
  g_assert_true (tf_item_has_finding (item, TF_FINDING_TRACK_TIME_1601));
  for (guint r = 0; r < tf_item_get_n_recipients (item); r++)
    if (tf_recipient_get_row (tf_item_get_recipient (item, r)) == crc->row)
      {
        g_assert_true (tf_recipient_get_has_track_time (tf_item_get_recipient (item, r)));
        g_assert_cmpint (tf_recipient_get_patch_site (tf_item_get_recipient (item, r))->offset, ==, -1);
      }
}

/* Every "F" line: item counts, no damage reported */
static void
check_manifest_file (GPtrArray *items,
                     char **f)
{
  guint outer = 0;

  for (guint k = 0; k < items->len; k++)
    if (strchr (tf_item_get_nid (g_ptr_array_index (items, k)) ?: "/", '/') == NULL)
      outer++;
  g_test_message ("%s: %s messages, %u outer items, %u items", f[1], f[2], outer, items->len);
  /* An embedded message is listed after the message that holds it, and an
   * exception of a recurring meeting is a calendar item like its series */
  for (guint k = 0; k < items->len; k++)
    {
      TfItem *item = g_ptr_array_index (items, k);
      const char *nid = tf_item_get_nid (item);
      const char *slash = nid != NULL ? strrchr (nid, '/') : NULL;
      gboolean after_holder = FALSE;

      if (slash == NULL)
        continue;
      for (guint j = 0; j < k && !after_holder; j++)
        {
          const char *holder = tf_item_get_nid (g_ptr_array_index (items, j));

          after_holder = holder != NULL && strlen (holder) == (gsize) (strchr (nid, '/') - nid)
                         && strncmp (holder, nid, strlen (holder)) == 0;
        }
      g_assert_true (after_holder);
      if (g_str_has_prefix (tf_item_get_message_class (item), "IPM.OLE.CLASS.{00061055-"))
        g_assert_cmpint (tf_item_get_kind (item), ==, TF_KIND_APPOINTMENT);
    }
  g_assert_cmpuint (outer, <=, (guint) g_ascii_strtoull (f[2], NULL, 10));
  g_assert_cmpuint (count_code (items, TF_FINDING_PARSE_ERROR), ==, 0);
  g_assert_cmpuint (count_code (items, TF_FINDING_PST_CHECKSUM), ==, 0);
  if (g_str_has_prefix (f[1], "heap-rows-"))
    {
      /* A non-ASCII folder name, from Windows-1252 in the ANSI file */
      gboolean seen = FALSE;

      for (guint k = 0; k < items->len; k++)
        seen |= g_strcmp0 (tf_item_get_folder (g_ptr_array_index (items, k)),
                           "/Top of Personal Folders/Besprechungsräume – Übersicht")
                == 0;
      g_assert_true (seen);
    }
}

static void
test_writer_cases (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-pst-cases-XXXXXX", &error);
  g_autofree char *manifest_path = NULL;
  g_autofree char *manifest = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GHashTable) files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) g_ptr_array_unref);
  guint n_rows = 0, n_bad = 0, reported = 0;
  CrcCase crc = { NULL, NULL, { 0 }, -1 };
  GHashTableIter iter;
  gpointer value;

  g_assert_no_error (error);
  g_assert_true (tf_gen_pst_cases (dir, &error));
  g_assert_no_error (error);
  manifest_path = g_build_filename (dir, "MANIFEST", NULL);
  g_assert_true (g_file_get_contents (manifest_path, &manifest, NULL, &error));
  lines = g_strsplit (manifest, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], "\t", -1);
      g_autofree char *path = NULL;
      GPtrArray *items;

      if (g_strv_length (f) < 4)
        continue;
      path = g_build_filename (dir, f[1], NULL);
      items = g_hash_table_lookup (files, f[1]);
      if (items == NULL)
        {
          items = read_path (path, TF_READ_NONE);
          g_hash_table_insert (files, g_strdup (f[1]), items);
        }
      if (f[0][0] == 'F')
        check_manifest_file (items, f);
      else if (f[0][0] == 'R' && g_strv_length (f) >= 7)
        {
          n_rows++;
          n_bad += check_manifest_row (items, f, path, &crc) ? 1 : 0;
        }
    }
  g_test_message ("%u rows, %u forged bad rows", n_rows, n_bad);
  g_assert_cmpuint (n_bad, >, 0);

  /* Exactly the forged 1601 / pre-1900 rows are reported */
  g_hash_table_iter_init (&iter, files);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    reported += count_code (value, TF_FINDING_TRACK_TIME_1601) + count_code (value, TF_FINDING_TRACK_TIME_PRE_1900);
  g_assert_cmpuint (reported, ==, n_bad);

  check_broken_crc (&crc);
  g_free (crc.path);
  g_free (crc.item);
  tf_gen_remove_tree (dir);
}

/* The GlobalObjectId is read from every message class that carries one
 * (a meeting forwarded or filed as a note, a task…), not only from
 * calendar classes, so Meetings can group such items with queue files */
static void
test_goid_every_class (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-pst-goid-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "goid.pst", NULL);
  g_autoptr (TfPstWriter) w = NULL;
  g_autoptr (GPtrArray) items = NULL;
  TfPstRecipient rows[] = { { "Jane Doe", "jane@example.com", "jane@example.com", 1, 2, TRUE, 0, NULL } };
  TfPstMessage note = { "IPM.Note", "FW: Q3 budget review", "Ken Myer", "ken@example.com", 1219232640,
                        "goid-note", 0, NULL, 1252, rows, 1, 0, NULL, 0 };
  TfPstMessage plain = note;
  guint32 inbox, with_goid, without;
  TfItem *a, *b;

  g_assert_no_error (error);
  plain.uid = NULL;
  plain.subject = "Lunch?";
  w = tf_pst_writer_new (path, TRUE, TF_PST_CRYPT_PERMUTE, &error);
  g_assert_no_error (error);
  inbox = tf_pst_writer_add_folder (w, tf_pst_writer_ipm_subtree (w), "Inbox", NULL);
  with_goid = tf_pst_writer_add_message (w, inbox, &note, &error);
  without = tf_pst_writer_add_message (w, inbox, &plain, &error);
  g_assert_true (tf_pst_writer_finish (w, &error));
  g_assert_no_error (error);

  items = read_path (path, TF_READ_NONE);
  {
    g_autofree char *nid_a = g_strdup_printf ("0x%08X", with_goid);
    g_autofree char *nid_b = g_strdup_printf ("0x%08X", without);

    a = find_nid (items, nid_a);
    b = find_nid (items, nid_b);
  }
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpstr (tf_item_get_message_class (a), ==, "IPM.Note");
  g_assert_true (g_str_has_prefix (tf_item_get_uid (a), "040000008200E00074C5B7101A82E008"));
  g_assert_nonnull (tf_item_get_meeting_key (a));
  g_assert_null (tf_item_get_uid (b));
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tf_core_init ();
  g_test_add_func ("/pst/goid-every-class", test_goid_every_class);

  g_test_add_func ("/pst/libpff-agreement", test_libpff_agreement);
  g_test_add_func ("/pst/ost-ndr", test_ost_ndr);
  g_test_add_func ("/pst/200-recipients", test_200_recipients);
  g_test_add_func ("/pst/ansi-and-password", test_ansi_and_password);
  g_test_add_func ("/pst/item-path", test_item_path);
  g_test_add_func ("/pst/bad/truncated-and-4k", test_bad_truncated_and_4k);
  g_test_add_func ("/pst/bad/btree-loop", test_bad_btree_loop);
  g_test_add_func ("/pst/bad/outside", test_bad_outside);
  g_test_add_func ("/pst/bad/table", test_bad_table);
  g_test_add_func ("/pst/bad/crc", test_bad_crc);
  g_test_add_func ("/pst/bad/codepage", test_bad_codepage);
  g_test_add_func ("/pst/writer-cases", test_writer_cases);

  return g_test_run ();
}
