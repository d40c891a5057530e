/* tf-journal.h — append-only JSON-lines record of every write, for undo
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * TfJournalRange:
 * @offset: file offset of the range
 * @before: the bytes there before the write
 * @after: the bytes written
 *
 * One range of a file patched in place (PST): undo writes @before back
 * without any backup copy.
 */
typedef struct
{
  guint64 offset;
  GBytes *before;
  GBytes *after;
} TfJournalRange;

/**
 * TfJournalEntry:
 * @index: 1-based position in the journal file (set when read)
 * @run_id: groups the entries of one repair / flag run
 * @time: ISO 8601 UTC time of the write
 * @action: "repair", "hold", "resubmit", "flag-enable", "flag-disable",
 *   "undo"
 * @file: absolute path of the file that was written / moved
 * @sha256_before / @sha256_after: content hashes around the write
 * @backup: absolute path of the byte-exact copy of the original
 * @target: for hold / resubmit, where the file went
 * @changes: human-readable change descriptions (NULL-terminated)
 * @ranges: (element-type TfJournalRange) (nullable): for a file patched in
 *   place, every range written with its old and new bytes
 */
typedef struct
{
  guint   index;
  char   *run_id;
  char   *time;
  char   *action;
  char   *file;
  char   *sha256_before;
  char   *sha256_after;
  char   *backup;
  char   *target;
  char  **changes;
  GArray *ranges;
} TfJournalEntry;

TfJournalEntry *tf_journal_entry_new   (const char *run_id,
                                        const char *action,
                                        const char *file);
void            tf_journal_entry_free  (TfJournalEntry *entry);
/* Adds a range to @entry->ranges (created on first use); takes no
 * ownership of @before / @after (both the same length). */
void tf_journal_entry_add_range (TfJournalEntry *entry,
                                 guint64 offset,
                                 GBytes *before,
                                 GBytes *after);

/* A new random run id ("20261124T183000Z-1a2b3c") */
char           *tf_journal_new_run_id  (void);

/* The default journal and backup folder:
 * $XDG_DATA_HOME/trackfix/journal.jsonl and …/trackfix/backups */
char           *tf_journal_default_path       (void);
char           *tf_journal_default_backup_dir (void);

/* Appends one line and fsyncs (creating the file 0600 and its folder). */
gboolean        tf_journal_append      (const char      *journal_path,
                                        TfJournalEntry  *entry,
                                        GError         **error);
/* Appends several entries with one write and one fsync (additive). */
gboolean        tf_journal_append_many (const char            *journal_path,
                                        TfJournalEntry *const *entries,
                                        guint                  n_entries,
                                        GError               **error);
/* (element-type TfJournalEntry) (transfer full); an unparsable line fails
 * with its line number. */
GPtrArray      *tf_journal_read        (const char      *journal_path,
                                        GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TfJournalEntry, tf_journal_entry_free)

G_END_DECLS
