/* tf-server-fix-page.h — the "Server Fix" page: FixRecipientTrackStatusTime
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TF_TYPE_SERVER_FIX_PAGE (tf_server_fix_page_get_type ())

G_DECLARE_FINAL_TYPE (TfServerFixPage, tf_server_fix_page, TF, SERVER_FIX_PAGE, GtkWidget)

GtkWidget    *tf_server_fix_page_new           (void);
/* The SYSTEM hive shown; reads its status (asynchronously). */
void          tf_server_fix_page_set_hive      (TfServerFixPage *self,
                                                GFile           *hive);
GFile        *tf_server_fix_page_get_hive      (TfServerFixPage *self);
/* Where enable/revert keep backups and journal them; NULL (default) means
 * tf_journal_default_backup_dir() / tf_journal_default_path(). */
void          tf_server_fix_page_set_storage   (TfServerFixPage *self,
                                                const char      *backup_dir,
                                                const char      *journal_path);
/* Excdo.dll / SOFTWARE hive for the hotfix prerequisites (read-only) */
void          tf_server_fix_page_set_excdo     (TfServerFixPage *self,
                                                GFile           *excdo);
void          tf_server_fix_page_set_software  (TfServerFixPage *self,
                                                GFile           *software);
/* TRUE while a read or write is running */
gboolean      tf_server_fix_page_get_busy      (TfServerFixPage *self);

G_END_DECLS
