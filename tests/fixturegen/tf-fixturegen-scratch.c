/* tf-fixturegen-scratch.c — TEST-ONLY: scratch folders for the tests
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>

#include "tf-fixturegen.h"

char *
tf_gen_make_tmp_dir (const char *what)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *template = g_strdup_printf ("trackfix-%s-XXXXXX", what);
  char *dir = g_dir_make_tmp (template, &error);

  g_assert_no_error (error);
  return dir;
}

void
tf_gen_repair_dir_init (TfGenRepairDir *rd,
                        const char *what,
                        const char *journal_name)
{
  rd->dir = tf_gen_make_tmp_dir (what);
  rd->backups = g_build_filename (rd->dir, "backups", NULL);
  rd->journal = g_build_filename (rd->dir, journal_name, NULL);
}

void
tf_gen_repair_dir_clear (TfGenRepairDir *rd)
{
  tf_gen_remove_tree (rd->dir);
  g_clear_pointer (&rd->dir, g_free);
  g_clear_pointer (&rd->backups, g_free);
  g_clear_pointer (&rd->journal, g_free);
}

void
tf_gen_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;
  struct stat st;

  if (lstat (path, &st) != 0)
    return;
  if (!S_ISDIR (st.st_mode))
    {
      g_unlink (path);
      return;
    }
  /* a test may have taken the folder's permissions away */
  g_chmod (path, 0700);
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      tf_gen_remove_tree (child);
    }
  g_rmdir (path);
}
