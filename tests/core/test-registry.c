/* test-registry.c — server fix flag: hive status, enable/disable, .reg, PE version
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <hivex.h>
#include <string.h>

#include "tf-fixturegen.h"
#include "tf-journal.h"
#include "tf-reader.h"
#include "tf-regfile.h"
#include "tf-repair.h"
#include "tf-registry.h"
#include "tf-safe-io.h"

#define KEY_BELOW_CS TF_FLAG_KEY_BELOW_CONTROL_SET

typedef enum
{
  HIVE_SELECT = 1 << 0,       /* \Select with Current = @current */
  HIVE_CS1_EXCHANGE = 1 << 1, /* ControlSet001\Services\MSExchangeIS\ParametersSystem */
  HIVE_CS2_EXCHANGE = 1 << 2, /* ControlSet002\… likewise */
  HIVE_CS1_PLAIN = 1 << 3,    /* ControlSet001\Services\Tcpip only */
  HIVE_HANDLER_KEY = 1 << 4,  /* the {85D2…} key (+ two other values) in ControlSet002 */
} HiveFlags;

static const char *
corpus_dir (void)
{
  const char *dir = g_getenv ("TRACKFIX_CORPUS_DIR");
  g_autofree char *probe = NULL;

  if (dir == NULL)
    return NULL;
  probe = g_build_filename (dir, "hive", "hivex-minimal", NULL);
  return g_file_test (probe, G_FILE_TEST_IS_REGULAR) ? dir : NULL;
}

static char *
corpus_file (const char *name)
{
  return g_build_filename (corpus_dir (), "hive", name, NULL);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  gsize len = 0;

  g_file_get_contents (from, &contents, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents (to, contents, len, &error);
  g_assert_no_error (error);
}

static hive_node_h
add_path (hive_h *h,
          hive_node_h parent,
          const char *path)
{
  g_auto (GStrv) parts = g_strsplit (path, "\\", -1);
  hive_node_h node = parent;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      hive_node_h child = hivex_node_get_child (h, node, parts[i]);

      if (child == 0)
        child = hivex_node_add_child (h, node, parts[i]);
      g_assert_cmpuint (child, !=, 0);
      node = child;
    }
  return node;
}

static void
set_raw (hive_h *h,
         hive_node_h node,
         const char *name,
         hive_type type,
         const void *data,
         gsize len)
{
  hive_set_value sv = { (char *) name, type, len, (char *) data };

  g_assert_cmpint (hivex_node_set_value (h, node, &sv, 0), ==, 0);
}

static void
set_dword (hive_h *h,
           hive_node_h node,
           const char *name,
           guint32 v)
{
  guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

  set_raw (h, node, name, hive_t_REG_DWORD, b, 4);
}

/* Builds a test hive from the corpus template hivex-minimal (root key only)
 * with the hivex API. */
static char *
build_hive (const char *dir,
            const char *name,
            guint32 current,
            HiveFlags flags)
{
  g_autofree char *template = corpus_file ("hivex-minimal");
  char *path = g_build_filename (dir, name, NULL);
  hive_h *h;
  hive_node_h root;

  copy_file (template, path);
  h = hivex_open (path, HIVEX_OPEN_WRITE);
  g_assert_nonnull (h);
  root = hivex_root (h);
  if (flags & HIVE_SELECT)
    {
      hive_node_h sel = add_path (h, root, "Select");

      set_dword (h, sel, "Current", current);
      set_dword (h, sel, "Default", current);
      set_dword (h, sel, "Failed", 0);
      set_dword (h, sel, "LastKnownGood", current);
    }
  if (flags & HIVE_CS1_PLAIN)
    add_path (h, root, "ControlSet001\\Services\\Tcpip");
  if (flags & HIVE_CS1_EXCHANGE)
    add_path (h, root, "ControlSet001\\Services\\MSExchangeIS\\ParametersSystem");
  if (flags & HIVE_CS2_EXCHANGE)
    add_path (h, root, "ControlSet002\\Services\\MSExchangeIS\\ParametersSystem");
  if (flags & HIVE_HANDLER_KEY)
    {
      hive_node_h k = add_path (h, root, "ControlSet002\\" KEY_BELOW_CS);
      static const guint8 bin[3] = { 0xde, 0xad, 0x01 };
      static const char sz[] = "k\0e\0e\0p\0\0\0";

      set_raw (h, k, "Other", hive_t_REG_SZ, sz, sizeof sz - 1);
      set_raw (h, k, "Blob", hive_t_REG_BINARY, bin, sizeof bin);
    }
  g_assert_cmpint (hivex_commit (h, NULL, 0), ==, 0);
  hivex_close (h);
  return path;
}

static void
set_flag_value (const char *path,
                const char *control_set,
                hive_type type,
                const void *data,
                gsize len)
{
  g_autofree char *key = g_strconcat (control_set, "\\", KEY_BELOW_CS, NULL);
  hive_h *h = hivex_open (path, HIVEX_OPEN_WRITE);

  g_assert_nonnull (h);
  set_raw (h, add_path (h, hivex_root (h), key), TF_FLAG_VALUE_NAME, type, data, len);
  g_assert_cmpint (hivex_commit (h, NULL, 0), ==, 0);
  hivex_close (h);
}

static char *
file_sha256 (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  TfFileStamp stamp;

  bytes = tf_safe_read (path, &stamp, &error);
  g_assert_no_error (error);
  return g_strdup (stamp.sha256);
}

static guint
journal_count (const char *path)
{
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return 0;
  entries = tf_journal_read (path, &error);
  g_assert_no_error (error);
  return entries->len;
}

/* Independent check: what hivexregedit (Perl, Win::Hivex) exports for @key,
 * or NULL when the tool is not installed. */
static char *
hivexregedit_export (const char *hive,
                     const char *key)
{
  g_autofree char *tool = g_find_program_in_path ("hivexregedit");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;
  const char *argv[] = { "hivexregedit", "--export", hive, key, NULL };

  if (tool == NULL)
    return NULL;
  argv[0] = tool;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    return g_strdup ("");
  return g_steal_pointer (&out);
}

typedef struct
{
  char *dir;
  char *backups;
  char *journal;
} Fixture;

static void
fixture_setup (Fixture *f,
               gconstpointer data)
{
  f->dir = tf_gen_make_tmp_dir ("registry");
  f->backups = g_build_filename (f->dir, "backups", NULL);
  f->journal = g_build_filename (f->dir, "journal.jsonl", NULL);
}

static void
fixture_teardown (Fixture *f,
                  gconstpointer data)
{
  tf_gen_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->backups);
  g_free (f->journal);
}

#define SKIP_WITHOUT_CORPUS()                                       \
  G_STMT_START                                                      \
  {                                                                 \
    if (corpus_dir () == NULL)                                      \
      {                                                             \
        g_test_skip ("corpus not available (TRACKFIX_CORPUS_DIR)"); \
        return;                                                     \
      }                                                             \
  }                                                                 \
  G_STMT_END

/* ---- status ------------------------------------------------------------ */

static void
test_status_system (Fixture *f,
                    gconstpointer data)
{
  g_autoptr (TfHiveStatus) status = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *key = NULL;
  g_autofree char *reason = NULL;

  SKIP_WITHOUT_CORPUS ();
  path = build_hive (f->dir, "SYSTEM", 2, HIVE_SELECT | HIVE_CS1_EXCHANGE | HIVE_CS2_EXCHANGE);
  status = tf_hive_status_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status->current, ==, 2);
  g_assert_cmpstr (status->control_set, ==, "ControlSet002");
  g_assert_null (status->dirty_reason);
  g_assert_null (status->not_system_reason);
  g_assert_cmpuint (status->sequence1, ==, status->sequence2);
  g_assert_true (status->has_exchange_is);
  g_assert_true (status->has_parameters_system);
  g_assert_false (status->has_mime_handler_key);
  g_assert_cmpint (status->flag_state, ==, TF_FLAG_STATE_ABSENT);
  g_assert_null (status->flag_display);
  key = tf_hive_status_dup_key_path (status);
  g_assert_cmpstr (key, ==, "ControlSet002\\Services\\MSExchangeIS\\ParametersSystem\\InternetContent\\MimeHandlers\\{85D2DDB8-6225-11D2-BDF1-00C04FD655B5}");
  g_assert_cmpint (tf_hive_status_get_verdict (status, &reason), ==, TF_HIVE_VERDICT_READY);
  g_assert_null (reason);
}

static void
test_status_value_states (Fixture *f,
                          gconstpointer data)
{
  static const struct
  {
    hive_type type;
    const char *data;
    gsize len;
    TfFlagState state;
    const char *display;
  } cases[] = {
    { hive_t_REG_DWORD, "\0\0\0\0", 4, TF_FLAG_STATE_ZERO, "REG_DWORD 0x00000000 (0)" },
    { hive_t_REG_DWORD, "\1\0\0\0", 4, TF_FLAG_STATE_ONE, "REG_DWORD 0x00000001 (1)" },
    { hive_t_REG_DWORD, "\5\0\0\0", 4, TF_FLAG_STATE_OTHER, "REG_DWORD 0x00000005 (5)" },
    { hive_t_REG_SZ, "1\0\0\0", 4, TF_FLAG_STATE_WRONG_TYPE, "REG_SZ \"1\"" },
    { hive_t_REG_BINARY, "\1\0\0\0\0\0\0\0", 8, TF_FLAG_STATE_WRONG_TYPE, "REG_BINARY [01 00 00 00 00 00 00 00]" },
  };

  SKIP_WITHOUT_CORPUS ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("SYSTEM-%u", i);
      g_autofree char *path = build_hive (f->dir, name, 2, HIVE_SELECT | HIVE_CS2_EXCHANGE);
      g_autoptr (TfHiveStatus) status = NULL;
      g_autoptr (GError) error = NULL;

      set_flag_value (path, "ControlSet002", cases[i].type, cases[i].data, cases[i].len);
      status = tf_hive_status_read (path, &error);
      g_assert_no_error (error);
      g_assert_true (status->has_mime_handler_key);
      g_assert_cmpint (status->flag_state, ==, cases[i].state);
      g_assert_cmpuint (status->flag_type, ==, cases[i].type);
      g_assert_cmpstr (status->flag_display, ==, cases[i].display);
    }
}

static void
test_status_not_system (Fixture *f,
                        gconstpointer data)
{
  static const char *const names[] = { "hivex-minimal", "yarp-UnicodeHive" };

  SKIP_WITHOUT_CORPUS ();
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *src = corpus_file (names[i]);
      g_autofree char *path = g_build_filename (f->dir, names[i], NULL);
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;
      g_autofree char *reason = NULL;
      g_autoptr (TfHiveStatus) status = NULL;
      g_autoptr (TfFlagResult) result = NULL;
      g_autoptr (GError) error = NULL;

      copy_file (src, path);
      before = file_sha256 (path);
      status = tf_hive_status_read (path, &error);
      g_assert_no_error (error);
      g_assert_nonnull (status->not_system_reason);
      g_assert_null (status->control_set);
      g_assert_cmpint (tf_hive_status_get_verdict (status, &reason), ==, TF_HIVE_VERDICT_NOT_SYSTEM);
      g_assert_true (strstr (reason, "SYSTEM") != NULL);

      result = tf_flag_run (path, TF_FLAG_ENABLE, TF_FLAG_RUN_NONE, f->backups, f->journal, &error);
      g_assert_error (error, TF_ERROR, TF_ERROR_REFUSED);
      g_assert_null (result);
      after = file_sha256 (path);
      g_assert_cmpstr (before, ==, after);
    }
  g_assert_cmpuint (journal_count (f->journal), ==, 0);
  g_assert_false (g_file_test (f->backups, G_FILE_TEST_EXISTS));
}

static void
test_status_select_broken (Fixture *f,
                           gconstpointer data)
{
  g_autoptr (TfHiveStatus) status = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  SKIP_WITHOUT_CORPUS ();
  /* Current = 3, but there is no ControlSet003 */
  path = build_hive (f->dir, "SYSTEM", 3, HIVE_SELECT | HIVE_CS1_EXCHANGE);
  status = tf_hive_status_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (status->control_set, ==, "ControlSet003");
  g_assert_nonnull (status->not_system_reason);
  g_assert_true (strstr (status->not_system_reason, "ControlSet003") != NULL);
  g_assert_cmpint (tf_hive_status_get_verdict (status, NULL), ==, TF_HIVE_VERDICT_NOT_SYSTEM);
}

static void
test_status_no_exchange (Fixture *f,
                         gconstpointer data)
{
  g_autoptr (TfHiveStatus) status = NULL;
  g_autoptr (TfFlagResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *reason = NULL;

  SKIP_WITHOUT_CORPUS ();
  path = build_hive (f->dir, "SYSTEM", 1, HIVE_SELECT | HIVE_CS1_PLAIN);
  status = tf_hive_status_read (path, &error);
  g_assert_no_error (error);
  g_assert_null (status->not_system_reason);
  g_assert_false (status->has_exchange_is);
  g_assert_cmpint (tf_hive_status_get_verdict (status, &reason), ==, TF_HIVE_VERDICT_NO_EXCHANGE);
  g_assert_true (strstr (reason, "MSExchangeIS") != NULL);

  result = tf_flag_run (path, TF_FLAG_ENABLE, TF_FLAG_RUN_DRY_RUN, f->backups, f->journal, &error);
  g_assert_error (error, TF_ERROR, TF_ERROR_REFUSED);
  g_assert_null (result);
}

static void
test_status_dirty_corpus (Fixture *f,
                          gconstpointer data)
{
  g_autofree char *src = NULL;
  g_autofree char *path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr (TfHiveStatus) status = NULL;
  g_autoptr (TfFlagResult) result = NULL;
  g_autoptr (GError) error = NULL;

  SKIP_WITHOUT_CORPUS ();
  src = corpus_file ("yarp-NewDirtyHive2_NewDirtyHive");
  path = g_build_filename (f->dir, "SYSTEM", NULL);
  copy_file (src, path);
  before = file_sha256 (path);
  status = tf_hive_status_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status->sequence1, ==, 4);
  g_assert_cmpuint (status->sequence2, ==, 3);
  g_assert_nonnull (status->dirty_reason);
  g_assert_cmpint (tf_hive_status_get_verdict (status, NULL), ==, TF_HIVE_VERDICT_DIRTY);

  result = tf_flag_run (path, TF_FLAG_ENABLE, TF_FLAG_RUN_NONE, f->backups, f->journal, &error);
  g_assert_error (error, TF_ERROR, TF_ERROR_REFUSED);
  g_assert_true (strstr (error->message, "dirty") != NULL);
  after = file_sha256 (path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_status_truncated (Fixture *f,
                       gconstpointer data)
{
  g_autofree char *src = NULL;
  g_autofree char *path = NULL;
  g_autoptr (TfHiveStatus) status = NULL;
  g_autoptr (TfFlagResult) result = NULL;
  g_autoptr (GError) error = NULL;

  SKIP_WITHOUT_CORPUS ();
  src = corpus_file ("yarp-TruncatedHive");
  status = tf_hive_status_read (src, &error);
  g_assert_error (error, TF_ERROR, TF_ERROR_PARSE);
  g_assert_true (strstr (error->message, "truncated") != NULL);
  g_assert_null (status);
  g_clear_error (&error);

  path = g_build_filename (f->dir, "SYSTEM", NULL);
  copy_file (src, path);
  result = tf_flag_run (path, TF_FLAG_ENABLE, TF_FLAG_RUN_NONE, f->backups, f->journal, &error);
  g_assert_error (error, TF_ERROR, TF_ERROR_PARSE);
  g_assert_null (result);
}

/* Any prefix of a hive and a few non-hives: an error, never a crash. */
static void
test_status_damaged (Fixture *f,
                     gconstpointer data)
{
  g_autofree char *template = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  static const gsize cuts[] = { 0, 3, 4, 100, 511, 512, 4095, 4096, 4100, 6000 };

  SKIP_WITHOUT_CORPUS ();
  template = build_hive (f->dir, "SYSTEM", 2, HIVE_SELECT | HIVE_CS2_EXCHANGE);
  g_assert_true (g_file_get_contents (template, &contents, &len, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autofree char *p = g_strdup_printf ("%s/cut-%u", f->dir, i);
      g_autoptr (TfHiveStatus) status = NULL;
      g_autoptr (GError) error = NULL;

      g_assert_true (g_file_set_contents (p, contents, MIN (cuts[i], len), NULL));
      status = tf_hive_status_read (p, &error);
      g_assert_error (error, TF_ERROR, TF_ERROR_PARSE);
      g_assert_null (status);
    }
  /* A header with a wrong checksum */
  {
    g_autofree char *p = g_build_filename (f->dir, "badsum", NULL);
    g_autoptr (TfHiveStatus) status = NULL;
    g_autoptr (GError) error = NULL;

    contents[0x1fc] ^= 0x55;
    g_assert_true (g_file_set_contents (p, contents, len, NULL));
    status = tf_hive_status_read (p, &error);
    g_assert_error (error, TF_ERROR, TF_ERROR_PARSE);
    g_assert_true (strstr (error->message, "checksum") != NULL);
  }
}

static void
write_le32 (guint8 *p,
            guint32 v)
{
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
  p[2] = (v >> 16) & 0xff;
  p[3] = v >> 24;
}

static void
fix_checksum (guint8 *hdr)
{
  guint32 sum = 0;

  for (guint i = 0; i < 127; i++)
    sum ^= (guint32) hdr[4 * i] | (guint32) hdr[4 * i + 1] << 8 | (guint32) hdr[4 * i + 2] << 16 | (guint32) hdr[4 * i + 3] << 24;
  write_le32 (hdr + 0x1fc, sum);
}

/* Sequence numbers made to differ (with a valid checksum): dirty. */
static void
test_dirty_sequence (Fixture *f,
                     gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (TfHiveStatus) status = NULL;
  g_autoptr (GError) error = NULL;
  gsize len = 0;

  SKIP_WITHOUT_CORPUS ();
  path = build_hive (f->dir, "SYSTEM", 2, HIVE_SELECT | HIVE_CS2_EXCHANGE);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  write_le32 ((guint8 *) contents + 4, 77);
  write_le32 ((guint8 *) contents + 8, 76);
  fix_checksum ((guint8 *) contents);
  g_assert_true (g_file_set_contents (path, contents, len, NULL));
  status = tf_hive_status_read (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (status->dirty_reason);
  g_assert_true (strstr (status->dirty_reason, "77") != NULL);
  g_assert_cmpint (tf_hive_status_get_verdict (status, NULL), ==, TF_HIVE_VERDICT_DIRTY);
}

/* A log file: base block "regf" with @type and @seq; for the new format
 * (type 6) one HvLE entry with @entry_seq. */
static void
write_log (const char *path,
           guint32 type,
           guint32 seq,
           guint32 entry_seq)
{
  guint8 buf[1024] = { 0 };

  memcpy (buf, "regf", 4);
  write_le32 (buf + 4, seq);
  write_le32 (buf + 8, seq);
  write_le32 (buf + 0x1c, type);
  if (type == 6)
    {
      memcpy (buf + 512, "HvLE", 4);
      write_le32 (buf + 512 + 4, 512);
      write_le32 (buf + 512 + 12, entry_seq);
    }
  else
    memcpy (buf + 512, "DIRT", 4);
  fix_checksum (buf);
  g_assert_true (g_file_set_contents (path, (char *) buf, sizeof buf, NULL));
}

static void
test_dirty_logs (Fixture *f,
                 gconstpointer data)
{
  static const struct
  {
    const char *log_name;
    guint32 type;
    int seq_delta; /* relative to the hive's sequence */
    int entry_delta;
    gboolean empty;
    gboolean dirty;
  } cases[] = {
    { "SYSTEM.LOG", 1, 0, 0, TRUE, FALSE },    /* empty log: nothing pending */
    { "SYSTEM.LOG", 1, 0, 0, FALSE, FALSE },   /* old format, same sequence: already written */
    { "SYSTEM.LOG", 1, 1, 0, FALSE, TRUE },    /* old format, newer: pending */
    { "system.log1", 6, 0, -1, FALSE, FALSE }, /* new format, entry older than hive */
    { "SYSTEM.LOG1", 6, 0, 0, FALSE, TRUE },   /* new format, entry = hive: not applied */
    { "SYSTEM.LOG2", 6, 0, 3, FALSE, TRUE },   /* new format, newer entry */
    { "SYSTEM.LOG3", 6, 0, 3, FALSE, FALSE },  /* not a log of this hive */
  };
  g_autofree char *path = NULL;
  guint32 seq;

  SKIP_WITHOUT_CORPUS ();
  path = build_hive (f->dir, "SYSTEM", 2, HIVE_SELECT | HIVE_CS2_EXCHANGE);
  {
    g_autoptr (TfHiveStatus) status = tf_hive_status_read (path, NULL);
    g_assert_nonnull (status);
    seq = status->sequence2;
    g_assert_cmpuint (seq, >, 1);
  }
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *log = g_build_filename (f->dir, cases[i].log_name, NULL);
      g_autoptr (TfHiveStatus) status = NULL;
      g_autoptr (GError) error = NULL;

      if (cases[i].empty)
        g_assert_true (g_file_set_contents (log, "", 0, NULL));
      else
        write_log (log, cases[i].type, seq + cases[i].seq_delta, seq + cases[i].entry_delta);
      status = tf_hive_status_read (path, &error);
      g_assert_no_error (error);
      if (cases[i].dirty)
        {
          g_assert_nonnull (status->dirty_reason);
          g_assert_true (strstr (status->dirty_reason, cases[i].log_name) != NULL);
        }
      else
        g_assert_null (status->dirty_reason);
      g_unlink (log);
    }
}

/* ---- enable / disable -------------------------------------------------- */

static void
test_enable_disable (Fixture *f,
                     gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autofree char *original = NULL;
  g_autofree char *original_sha = NULL;
  g_autofree char *after_enable = NULL;
  g_autofree char *export2 = NULL;
  g_autofree char *export1 = NULL;
  g_autoptr (TfFlagResult) dry = NULL;
  g_autoptr (TfFlagResult) result = NULL;
  g_autoptr (TfFlagResult) again = NULL;
  g_autoptr (TfFlagResult) revert = NULL;
  g_autoptr (TfFlagResult) revert_again = NULL;
  g_autoptr (TfHiveStatus) status = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  TfJournalEntry *entry;
  gsize original_len = 0;
  GStatBuf st_before, st_after;

  SKIP_WITHOUT_CORPUS ();
  /* Both control sets have the store; Current = 2 must win. */
  path = build_hive (f->dir, "SYSTEM", 2, HIVE_SELECT | HIVE_CS1_EXCHANGE | HIVE_CS2_EXCHANGE);
  g_assert_true (g_file_get_contents (path, &original, &original_len, NULL));
  original_sha = file_sha256 (path);

  /* Dry run: the exact plan, nothing written */
  dry = tf_flag_run (path, TF_FLAG_ENABLE, TF_FLAG_RUN_DRY_RUN, f->backups, f->journal, &error);
  g_assert_no_error (error);
  g_assert_true (dry->dry_run);
  g_assert_false (dry->written);
  g_assert_cmpstr (dry->control_set, ==, "ControlSet002");
  g_assert_cmpuint (g_strv_length (dry->changes), ==, 4);
  g_assert_cmpstr (dry->changes[0], ==, "create key ControlSet002\\Services\\MSExchangeIS\\ParametersSystem\\InternetContent");
  g_assert_cmpstr (dry->changes[1], ==, "create key ControlSet002\\Services\\MSExchangeIS\\ParametersSystem\\InternetContent\\MimeHandlers");
  g_assert_cmpstr (dry->changes[2], ==, "create key ControlSet002\\" KEY_BELOW_CS);
  g_assert_cmpstr (dry->changes[3], ==, "set value ControlSet002\\" KEY_BELOW_CS "\\FixRecipientTrackStatusTime = REG_DWORD 1");
  {
    g_autofree char *sha = file_sha256 (path);
    g_assert_cmpstr (sha, ==, original_sha);
  }
  g_assert_cmpuint (journal_count (f->journal), ==, 0);

  /* Enable */
  result = tf_flag_run (path, TF_FLAG_ENABLE, TF_FLAG_RUN_NONE, f->backups, f->journal, &error);
  g_assert_no_error (error);
  g_assert_true (result->written);
  g_assert_false (result->dry_run);
  g_assert_cmpuint (g_strv_length (result->changes), ==, 4);
  g_assert_cmpstr (result->sha256_before, ==, original_sha);
  after_enable = file_sha256 (path);
  g_assert_cmpstr (result->sha256_after, ==, after_enable);
  g_assert_cmpstr (after_enable, !=, original_sha);

  /* Backup: byte-identical to the original */
  {
    g_autofree char *backup = NULL;
    gsize backup_len = 0;

    g_assert_nonnull (result->backup);
    g_assert_true (g_str_has_prefix (result->backup, f->backups));
    g_assert_true (g_file_get_contents (result->backup, &backup, &backup_len, NULL));
    g_assert_cmpmem (backup, backup_len, original, original_len);
  }

  /* Journal entry */
  entries = tf_journal_read (f->journal, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (entry->action, ==, "flag-enable");
  g_assert_cmpstr (entry->run_id, ==, result->run_id);
  g_assert_cmpstr (entry->sha256_before, ==, original_sha);
  g_assert_cmpstr (entry->sha256_after, ==, after_enable);
  g_assert_cmpstr (entry->backup, ==, result->backup);
  g_assert_true (g_str_has_suffix (entry->file, "/SYSTEM"));
  g_assert_cmpuint (g_strv_length (entry->changes), ==, 4);

  /* Re-read with our reader … */
  status = tf_hive_status_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status->flag_state, ==, TF_FLAG_STATE_ONE);
  g_assert_cmpuint (status->flag_type, ==, hive_t_REG_DWORD);
  g_assert_null (status->dirty_reason);
  g_clear_pointer (&status, tf_hive_status_free);

  /* … and independently: the value is in ControlSet002, not ControlSet001 */
  export2 = hivexregedit_export (path, "\\ControlSet002\\" KEY_BELOW_CS);
  export1 = hivexregedit_export (path, "\\ControlSet001\\Services\\MSExchangeIS");
  if (export2 != NULL)
    {
      g_assert_true (strstr (export2, "\"FixRecipientTrackStatusTime\"=dword:00000001") != NULL);
      g_assert_true (strstr (export1, "FixRecipientTrackStatusTime") == NULL);
      g_assert_true (strstr (export1, "[\\ControlSet001\\Services\\MSExchangeIS\\ParametersSystem]") != NULL);
    }

  /* Idempotence: no second write, no journal entry, no backup */
  g_assert_cmpint (g_stat (path, &st_before), ==, 0);
  again = tf_flag_run (path, TF_FLAG_ENABLE, TF_FLAG_RUN_NONE, f->backups, f->journal, &error);
  g_assert_no_error (error);
  g_assert_false (again->written);
  g_assert_cmpuint (g_strv_length (again->changes), ==, 0);
  g_assert_null (again->backup);
  g_assert_cmpint (g_stat (path, &st_after), ==, 0);
  g_assert_cmpint (st_before.st_mtime, ==, st_after.st_mtime);
  g_assert_cmpint (st_before.st_ino, ==, st_after.st_ino);
  {
    g_autofree char *sha = file_sha256 (path);
    g_assert_cmpstr (sha, ==, after_enable);
  }
  g_assert_cmpuint (journal_count (f->journal), ==, 1);

  /* Revert */
  revert = tf_flag_run (path, TF_FLAG_DISABLE, TF_FLAG_RUN_NONE, f->backups, f->journal, &error);
  g_assert_no_error (error);
  g_assert_true (revert->written);
  g_assert_cmpuint (g_strv_length (revert->changes), ==, 1);
  g_assert_cmpstr (revert->changes[0], ==, "delete value ControlSet002\\" KEY_BELOW_CS "\\FixRecipientTrackStatusTime (was REG_DWORD 0x00000001 (1))");
  status = tf_hive_status_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status->flag_state, ==, TF_FLAG_STATE_ABSENT);
  g_assert_true (status->has_mime_handler_key);
  g_assert_cmpuint (journal_count (f->journal), ==, 2);
  {
    g_autofree char *exp = hivexregedit_export (path, "\\ControlSet002\\" KEY_BELOW_CS);
    if (exp != NULL)
      g_assert_true (strstr (exp, "FixRecipientTrackStatusTime") == NULL);
  }

  /* Revert again: nothing to do */
  revert_again = tf_flag_run (path, TF_FLAG_DISABLE, TF_FLAG_RUN_NONE, f->backups, f->journal, &error);
  g_assert_no_error (error);
  g_assert_false (revert_again->written);
  g_assert_cmpuint (g_strv_length (revert_again->changes), ==, 0);
  g_assert_cmpuint (journal_count (f->journal), ==, 2);

  /* No scratch or temp files left beside the hive */
  {
    g_autoptr (GDir) d = g_dir_open (f->dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (d)) != NULL)
      g_assert_true (g_str_equal (name, "SYSTEM") || g_str_equal (name, "backups") || g_str_equal (name, "journal.jsonl"));
  }
}

/* Disable keeps the other values of the key byte for byte; enable over a
 * wrong type replaces it. */
static void
test_disable_keeps_other_values (Fixture *f,
                                 gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr (TfFlagResult) enable = NULL;
  g_autoptr (TfFlagResult) disable = NULL;
  g_autoptr (TfHiveStatus) status = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *exp = NULL;

  SKIP_WITHOUT_CORPUS ();
  path = build_hive (f->dir, "SYSTEM", 2, HIVE_SELECT | HIVE_CS2_EXCHANGE | HIVE_HANDLER_KEY);
  set_flag_value (path, "ControlSet002", hive_t_REG_SZ, "1\0\0\0", 4);

  enable = tf_flag_run (path, TF_FLAG_ENABLE, TF_FLAG_RUN_NONE, f->backups, f->journal, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (enable->changes), ==, 1);
  g_assert_true (g_str_has_suffix (enable->changes[0], "= REG_DWORD 1 (was REG_SZ \"1\")"));
  status = tf_hive_status_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status->flag_state, ==, TF_FLAG_STATE_ONE);
  g_clear_pointer (&status, tf_hive_status_free);

  disable = tf_flag_run (path, TF_FLAG_DISABLE, TF_FLAG_RUN_NONE, f->backups, f->journal, &error);
  g_assert_no_error (error);
  g_assert_true (disable->written);
  status = tf_hive_status_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status->flag_state, ==, TF_FLAG_STATE_ABSENT);

  exp = hivexregedit_export (path, "\\ControlSet002\\" KEY_BELOW_CS);
  if (exp != NULL)
    {
      /* hivexregedit writes every type as hex(N) */
      g_assert_true (strstr (exp, "\"Other\"=hex(1):6b,00,65,00,65,00,70,00,00,00\n") != NULL);
      g_assert_true (strstr (exp, "\"Blob\"=hex(3):de,ad,01\n") != NULL);
      g_assert_true (strstr (exp, "FixRecipientTrackStatusTime") == NULL);
    }
}

/* A value of 0 is "off" already: disable leaves it; enable sets 1. */
static void
test_zero_value (Fixture *f,
                 gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr (TfFlagResult) disable = NULL;
  g_autoptr (TfFlagResult) enable = NULL;
  g_autoptr (GError) error = NULL;

  SKIP_WITHOUT_CORPUS ();
  path = build_hive (f->dir, "SYSTEM", 2, HIVE_SELECT | HIVE_CS2_EXCHANGE);
  set_flag_value (path, "ControlSet002", hive_t_REG_DWORD, "\0\0\0\0", 4);
  disable = tf_flag_run (path, TF_FLAG_DISABLE, TF_FLAG_RUN_NONE, f->backups, f->journal, &error);
  g_assert_no_error (error);
  g_assert_false (disable->written);
  g_assert_cmpuint (g_strv_length (disable->changes), ==, 0);

  enable = tf_flag_run (path, TF_FLAG_ENABLE, TF_FLAG_RUN_DRY_RUN, f->backups, f->journal, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (enable->changes), ==, 1);
  g_assert_true (g_str_has_suffix (enable->changes[0], "(was REG_DWORD 0x00000000 (0))"));
}

/* A pending log beside the hive refuses the write. */
static void
test_enable_refuses_pending_log (Fixture *f,
                                 gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autofree char *log = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr (TfHiveStatus) status = NULL;
  g_autoptr (TfFlagResult) result = NULL;
  g_autoptr (GError) error = NULL;

  SKIP_WITHOUT_CORPUS ();
  path = build_hive (f->dir, "SYSTEM", 2, HIVE_SELECT | HIVE_CS2_EXCHANGE);
  status = tf_hive_status_read (path, &error);
  g_assert_no_error (error);
  log = g_build_filename (f->dir, "SYSTEM.LOG", NULL);
  write_log (log, 1, status->sequence2 + 1, 0);
  before = file_sha256 (path);
  result = tf_flag_run (path, TF_FLAG_ENABLE, TF_FLAG_RUN_NONE, f->backups, f->journal, &error);
  g_assert_error (error, TF_ERROR, TF_ERROR_REFUSED);
  g_assert_true (strstr (error->message, "SYSTEM.LOG") != NULL);
  after = file_sha256 (path);
  g_assert_cmpstr (before, ==, after);
}

/* The journal entry is what the shared undo needs: it restores the hive
 * byte for byte from the backup. */
static void
test_undo (Fixture *f,
           gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autofree char *original = NULL;
  g_autofree char *now = NULL;
  g_autoptr (TfFlagResult) result = NULL;
  g_autoptr (GPtrArray) undone = NULL;
  g_autoptr (GError) error = NULL;
  gsize original_len = 0, now_len = 0;

  SKIP_WITHOUT_CORPUS ();
  path = build_hive (f->dir, "SYSTEM", 2, HIVE_SELECT | HIVE_CS2_EXCHANGE);
  g_assert_true (g_file_get_contents (path, &original, &original_len, NULL));
  result = tf_flag_run (path, TF_FLAG_ENABLE, TF_FLAG_RUN_NONE, f->backups, f->journal, &error);
  g_assert_no_error (error);
  g_assert_true (result->written);

  undone = tf_repair_undo (f->journal, 1, NULL, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (undone->len, ==, 1);
  g_assert_cmpint (tf_repair_result_get_status (g_ptr_array_index (undone, 0)), ==, TF_REPAIR_STATUS_DONE);
  g_assert_true (g_file_get_contents (path, &now, &now_len, NULL));
  g_assert_cmpmem (now, now_len, original, original_len);
}

static void
async_done_cb (GObject *source,
               GAsyncResult *res,
               gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (res);
}

static void
test_async (Fixture *f,
            gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr (GAsyncResult) res1 = NULL;
  g_autoptr (GAsyncResult) res2 = NULL;
  g_autoptr (TfHiveStatus) status = NULL;
  g_autoptr (TfFlagResult) result = NULL;
  g_autoptr (GError) error = NULL;

  SKIP_WITHOUT_CORPUS ();
  path = build_hive (f->dir, "SYSTEM", 2, HIVE_SELECT | HIVE_CS2_EXCHANGE);
  tf_flag_run_async (path, TF_FLAG_ENABLE, TF_FLAG_RUN_NONE, f->backups, f->journal, NULL, async_done_cb, &res1);
  while (res1 == NULL)
    g_main_context_iteration (NULL, TRUE);
  result = tf_flag_run_finish (res1, &error);
  g_assert_no_error (error);
  g_assert_true (result->written);

  tf_hive_status_read_async (path, NULL, async_done_cb, &res2);
  while (res2 == NULL)
    g_main_context_iteration (NULL, TRUE);
  status = tf_hive_status_read_finish (res2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status->flag_state, ==, TF_FLAG_STATE_ONE);
}

/* ---- SOFTWARE hive ----------------------------------------------------- */

static void
test_software_setup (Fixture *f,
                     gconstpointer data)
{
  g_autofree char *template = NULL;
  g_autofree char *path = NULL;
  g_autofree char *plain = NULL;
  g_autoptr (GPtrArray) values = NULL;
  g_autoptr (GError) error = NULL;
  gboolean found = FALSE;
  hive_h *h;
  hive_node_h k;
  static const char path_sz[] = "C\0:\0\\\0E\0x\0c\0h\0s\0r\0v\0r\0\0\0";

  SKIP_WITHOUT_CORPUS ();
  template = corpus_file ("hivex-minimal");
  path = g_build_filename (f->dir, "SOFTWARE", NULL);
  copy_file (template, path);
  h = hivex_open (path, HIVEX_OPEN_WRITE);
  g_assert_nonnull (h);
  k = add_path (h, hivex_root (h), "Microsoft\\Exchange\\Setup");
  set_dword (h, k, "ServicePackBuild", 7638);
  set_raw (h, k, "Services", hive_t_REG_SZ, path_sz, sizeof path_sz - 1);
  g_assert_cmpint (hivex_commit (h, NULL, 0), ==, 0);
  hivex_close (h);

  values = tf_software_hive_read_exchange_setup (path, &found, &error);
  g_assert_no_error (error);
  g_assert_true (found);
  g_assert_cmpuint (values->len, ==, 2);
  for (guint i = 0; i < values->len; i++)
    {
      TfRegValue *v = g_ptr_array_index (values, i);

      if (g_str_equal (v->name, "ServicePackBuild"))
        g_assert_cmpstr (v->display, ==, "REG_DWORD 0x00001dd6 (7638)");
      else
        {
          g_assert_cmpstr (v->name, ==, "Services");
          g_assert_cmpstr (v->display, ==, "REG_SZ \"C:\\Exchsrvr\"");
        }
    }
  g_clear_pointer (&values, g_ptr_array_unref);

  plain = corpus_file ("hivex-minimal");
  values = tf_software_hive_read_exchange_setup (plain, &found, &error);
  g_assert_no_error (error);
  g_assert_false (found);
  g_assert_cmpuint (values->len, ==, 0);
}

/* ---- .reg and commands ------------------------------------------------- */

static void
check_regfile (TfFlagAction action,
               const char *value_line)
{
  g_autoptr (GBytes) bytes = tf_regfile_build (action);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  const guint8 *p;
  gsize len, n_bytes = 0;
  g_autofree char *expected = NULL;

  p = g_bytes_get_data (bytes, &len);
  g_assert_cmpuint (len, >, 2);
  g_assert_cmpuint (len % 2, ==, 0);
  g_assert_cmphex (p[0], ==, 0xff);
  g_assert_cmphex (p[1], ==, 0xfe);
  text = g_convert ((const char *) p + 2, len - 2, "UTF-8", "UTF-16LE", NULL, &n_bytes, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (text, "Windows Registry Editor Version 5.00\r\n\r\n"));
  g_assert_true (g_str_has_suffix (text, "\r\n"));
  for (const char *c = text; *c; c++)
    {
      if (*c == '\n')
        g_assert_true (c > text && c[-1] == '\r');
      if (*c == '\r')
        g_assert_true (c[1] == '\n');
      g_assert_true ((guchar) *c < 0x80);
    }
  expected = g_strconcat ("\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\ParametersSystem\\InternetContent\\MimeHandlers\\{85D2DDB8-6225-11D2-BDF1-00C04FD655B5}]\r\n",
                          value_line, "\r\n", NULL);
  g_assert_true (strstr (text, expected) != NULL);
  {
    g_autofree char *plain = tf_regfile_build_text (action);
    g_assert_cmpstr (plain, ==, text);
  }
}

static void
test_regfile (void)
{
  check_regfile (TF_FLAG_ENABLE, "\"FixRecipientTrackStatusTime\"=dword:00000001");
  check_regfile (TF_FLAG_DISABLE, "\"FixRecipientTrackStatusTime\"=-");
}

static void
test_regfile_write (Fixture *f,
                    gconstpointer data)
{
  g_autofree char *out = g_build_filename (f->dir, "fix.reg", NULL);
  g_autofree char *link = g_build_filename (f->dir, "link.reg", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GBytes) expected = tf_regfile_build (TF_FLAG_ENABLE);
  g_autoptr (GError) error = NULL;
  gsize len = 0;

  g_assert_true (tf_regfile_write (out, TF_FLAG_ENABLE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (out, &contents, &len, NULL));
  g_assert_cmpmem (contents, len, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));

  g_assert_cmpint (symlink (out, link), ==, 0);
  g_assert_false (tf_regfile_write (link, TF_FLAG_DISABLE, &error));
  g_assert_error (error, TF_ERROR, TF_ERROR_REFUSED);
}

static void
test_commands (void)
{
  g_autofree char *reg = tf_flag_build_commands (TF_FLAG_ENABLE, TF_COMMAND_STYLE_REG);
  g_autofree char *reg_rev = tf_flag_build_commands (TF_FLAG_DISABLE, TF_COMMAND_STYLE_REG);
  g_autofree char *ps = tf_flag_build_commands (TF_FLAG_ENABLE, TF_COMMAND_STYLE_POWERSHELL);
  g_autofree char *ps_rev = tf_flag_build_commands (TF_FLAG_DISABLE, TF_COMMAND_STYLE_POWERSHELL);
  g_autofree char *reminder = tf_flag_dup_restart_reminder (TF_COMMAND_STYLE_REG);

  g_assert_true (g_str_has_prefix (reg, "reg add \"HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\ParametersSystem\\InternetContent\\MimeHandlers\\{85D2DDB8-6225-11D2-BDF1-00C04FD655B5}\" /v FixRecipientTrackStatusTime /t REG_DWORD /d 1 /f\n"));
  g_assert_true (strstr (reg, "\nreg query \"HKLM\\SYSTEM\\CurrentControlSet\\") != NULL);
  g_assert_cmpstr (reg_rev, ==, "reg delete \"HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\ParametersSystem\\InternetContent\\MimeHandlers\\{85D2DDB8-6225-11D2-BDF1-00C04FD655B5}\" /v FixRecipientTrackStatusTime /f\n");
  g_assert_true (g_str_has_prefix (ps, "$k='HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\"));
  g_assert_true (strstr (ps, "New-ItemProperty -LiteralPath $k -Name FixRecipientTrackStatusTime -PropertyType DWord -Value 1 -Force") != NULL);
  /* never a bare "New-Item … -Force" on an existing key: it drops its values */
  g_assert_true (strstr (ps, "if (-not (Test-Path -LiteralPath $k)) { New-Item -Path $k -Force | Out-Null }") != NULL);
  g_assert_true (strstr (ps_rev, "Remove-ItemProperty -LiteralPath $k -Name FixRecipientTrackStatusTime") != NULL);
  g_assert_true (strstr (reminder, "net stop MSExchangeIS && net start MSExchangeIS") != NULL);
  g_assert_cmpstr (tf_flag_get_restart_command (TF_COMMAND_STYLE_POWERSHELL), ==, "Restart-Service MSExchangeIS");
}

/* ---- PE version -------------------------------------------------------- */

static void
put16 (GByteArray *a,
       gsize off,
       guint16 v)
{
  a->data[off] = v & 0xff;
  a->data[off + 1] = v >> 8;
}

static void
put32 (GByteArray *a,
       gsize off,
       guint32 v)
{
  write_le32 (a->data + off, v);
}

/* A minimal PE32 DLL: one ".rsrc" section holding RT_VERSION → id 1 →
 * language 0x409 → VS_VERSIONINFO with VS_FIXEDFILEINFO. */
static GByteArray *
build_pe (guint16 a,
          guint16 b,
          guint16 c,
          guint16 d)
{
  GByteArray *pe = g_byte_array_new ();
  const gsize opt = 0x98, sect = 0x98 + 224, raw = 0x200, vs = raw + 0x58;
  static const char key[] = "VS_VERSION_INFO";

  g_byte_array_set_size (pe, 0x400);
  memset (pe->data, 0, pe->len);
  pe->data[0] = 'M';
  pe->data[1] = 'Z';
  put32 (pe, 0x3c, 0x80);
  memcpy (pe->data + 0x80, "PE\0\0", 4);
  put16 (pe, 0x84, 0x14c);  /* i386 */
  put16 (pe, 0x86, 1);      /* sections */
  put16 (pe, 0x94, 224);    /* optional header size */
  put16 (pe, 0x96, 0x2102); /* DLL */
  put16 (pe, opt, 0x10b);   /* PE32 */
  put32 (pe, opt + 92, 16); /* NumberOfRvaAndSizes */
  put32 (pe, opt + 96 + 16, 0x1000);
  put32 (pe, opt + 96 + 20, 0x58 + 92);
  memcpy (pe->data + sect, ".rsrc", 5);
  put32 (pe, sect + 8, 0x58 + 92);
  put32 (pe, sect + 12, 0x1000);
  put32 (pe, sect + 16, 0x200);
  put32 (pe, sect + 20, raw);
  /* resource directories */
  put16 (pe, raw + 14, 1);
  put32 (pe, raw + 16, 16);
  put32 (pe, raw + 20, 0x80000000u | 0x18);
  put16 (pe, raw + 0x18 + 14, 1);
  put32 (pe, raw + 0x18 + 16, 1);
  put32 (pe, raw + 0x18 + 20, 0x80000000u | 0x30);
  put16 (pe, raw + 0x30 + 14, 1);
  put32 (pe, raw + 0x30 + 16, 0x409);
  put32 (pe, raw + 0x30 + 20, 0x48);
  put32 (pe, raw + 0x48, 0x1000 + 0x58);
  put32 (pe, raw + 0x48 + 4, 92);
  /* VS_VERSIONINFO */
  put16 (pe, vs, 92);
  put16 (pe, vs + 2, 52);
  for (guint i = 0; i < sizeof key; i++)
    put16 (pe, vs + 6 + 2 * i, key[i]);
  put32 (pe, vs + 40, 0xFEEF04BDu);
  put32 (pe, vs + 44, 0x00010000);
  put32 (pe, vs + 48, (guint32) a << 16 | b);
  put32 (pe, vs + 52, (guint32) c << 16 | d);
  put32 (pe, vs + 56, (guint32) a << 16 | b);
  put32 (pe, vs + 60, (guint32) c << 16 | d);
  return pe;
}

static void
test_pe_version (Fixture *f,
                 gconstpointer data)
{
  g_autoptr (GByteArray) fixed = build_pe (6, 5, 7653, 5);
  g_autoptr (GByteArray) old = build_pe (6, 5, 7638, 2);
  g_autoptr (GByteArray) newer = build_pe (6, 5, 7654, 0);
  g_autofree char *path = g_build_filename (f->dir, "Excdo.dll", NULL);
  g_autofree char *str = NULL;
  g_autoptr (GError) error = NULL;
  TfFileVersion v = { 0 };

  g_assert_true (tf_pe_read_version (fixed->data, fixed->len, &v, &error));
  g_assert_no_error (error);
  str = tf_file_version_to_string (&v);
  g_assert_cmpstr (str, ==, "6.5.7653.5");
  g_assert_true (tf_excdo_version_has_fix (&v));

  g_assert_true (tf_pe_read_version (old->data, old->len, &v, &error));
  g_assert_cmpuint (v.build, ==, 7638);
  g_assert_false (tf_excdo_version_has_fix (&v));
  g_assert_true (tf_pe_read_version (newer->data, newer->len, &v, &error));
  g_assert_true (tf_excdo_version_has_fix (&v));

  g_assert_true (g_file_set_contents (path, (char *) fixed->data, fixed->len, NULL));
  memset (&v, 0, sizeof v);
  g_assert_true (tf_pe_read_version_file (path, &v, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (v.major, ==, 6);
  g_assert_cmpuint (v.revision, ==, 5);

  g_assert_true (tf_file_version_parse ("6.5.7653.5", &v));
  g_assert_false (tf_file_version_parse ("6.5.7653", &v));
  g_assert_false (tf_file_version_parse ("6.5.x.5", &v));
  g_assert_false (tf_file_version_parse ("6.5.70000.5", &v));
}

/* Calls the reader on an exact-size heap copy, so a read past the end is
 * a real out-of-bounds read for MALLOC_CHECK_ / valgrind / ASan. */
static gboolean
read_copy (const guint8 *data,
           gsize len)
{
  g_autofree guint8 *copy = g_memdup2 (data, len);
  TfFileVersion v;
  GError *error = NULL;
  gboolean ok = tf_pe_read_version (copy, len, &v, &error);

  g_assert_true (ok == (error == NULL));
  if (error != NULL)
    {
      g_assert_true (g_error_matches (error, TF_ERROR, TF_ERROR_PARSE));
      g_error_free (error);
    }
  return ok;
}

static void
test_pe_garbage (void)
{
  g_autoptr (GByteArray) pe = build_pe (6, 5, 7653, 5);
  g_autoptr (GRand) rand = g_rand_new_with_seed (938650);
  guint ok_count = 0;

  /* every truncation */
  for (gsize len = 0; len <= pe->len; len++)
    ok_count += read_copy (pe->data, len);
  /* the version sits at the end of the resource: shorter files fail */
  g_assert_cmpuint (ok_count, ==, pe->len - (0x200 + 0x58 + 92) + 1);

  /* every byte of the headers and resource set to 0x00 and 0xff */
  for (gsize i = 0; i < 0x200 + 0x58 + 92; i++)
    {
      guint8 saved = pe->data[i];

      pe->data[i] = 0xff;
      read_copy (pe->data, pe->len);
      pe->data[i] = 0x00;
      read_copy (pe->data, pe->len);
      pe->data[i] = saved;
    }
  /* random damage and random bytes */
  for (guint round = 0; round < 2000; round++)
    {
      g_autoptr (GByteArray) copy = g_byte_array_new ();
      guint n = g_rand_int_range (rand, 1, 8);

      g_byte_array_append (copy, pe->data, pe->len);
      for (guint k = 0; k < n; k++)
        copy->data[g_rand_int_range (rand, 0, copy->len)] = (guint8) g_rand_int (rand);
      read_copy (copy->data, g_rand_int_range (rand, 0, copy->len + 1));
    }
  for (guint round = 0; round < 500; round++)
    {
      guint8 buf[512];

      for (guint k = 0; k < sizeof buf; k++)
        buf[k] = (guint8) g_rand_int (rand);
      buf[0] = 'M';
      buf[1] = 'Z';
      buf[0x3c] = (guint8) g_rand_int_range (rand, 0, 0xff);
      buf[0x3d] = buf[0x3e] = buf[0x3f] = 0;
      g_assert_false (read_copy (buf, sizeof buf));
    }
  g_assert_false (read_copy ((const guint8 *) "", 0));
  g_assert_false (read_copy ((const guint8 *) "MZ", 2));
}

int
main (int argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/registry/status/system", test_status_system);
  ADD ("/registry/status/value-states", test_status_value_states);
  ADD ("/registry/status/not-system", test_status_not_system);
  ADD ("/registry/status/select-broken", test_status_select_broken);
  ADD ("/registry/status/no-exchange", test_status_no_exchange);
  ADD ("/registry/status/dirty-corpus", test_status_dirty_corpus);
  ADD ("/registry/status/truncated", test_status_truncated);
  ADD ("/registry/status/damaged", test_status_damaged);
  ADD ("/registry/status/dirty-sequence", test_dirty_sequence);
  ADD ("/registry/status/dirty-logs", test_dirty_logs);
  ADD ("/registry/flag/enable-disable", test_enable_disable);
  ADD ("/registry/flag/keeps-other-values", test_disable_keeps_other_values);
  ADD ("/registry/flag/zero-value", test_zero_value);
  ADD ("/registry/flag/pending-log", test_enable_refuses_pending_log);
  ADD ("/registry/flag/async", test_async);
  ADD ("/registry/flag/undo", test_undo);
  ADD ("/registry/software/setup", test_software_setup);
  ADD ("/registry/regfile/write", test_regfile_write);
  ADD ("/registry/pe/version", test_pe_version);
#undef ADD
  g_test_add_func ("/registry/regfile/content", test_regfile);
  g_test_add_func ("/registry/commands", test_commands);
  g_test_add_func ("/registry/pe/garbage", test_pe_garbage);

  return g_test_run ();
}
