/* tf-repair.h — plan, write, verify and undo byte-minimal repairs
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tf-item.h"
#include "tf-journal.h"

G_BEGIN_DECLS

/* Where a planned new value comes from, in order of preference for a
 * recipient's track-status time. */
typedef enum
{
  TF_REPAIR_VALUE_NONE,                  /* not repairable */
  TF_REPAIR_VALUE_REPLY,                 /* the attendee's REPLY among the opened items */
  TF_REPAIR_VALUE_OWNER_CRITICAL_CHANGE, /* the item's own PidLidOwnerCriticalChange */
  TF_REPAIR_VALUE_SENT,                  /* the item's sent time */
  TF_REPAIR_VALUE_NOW,                   /* the time of the repair */
  TF_REPAIR_VALUE_DTSTAMP,               /* a REPLY's own DTSTAMP (REPLY_MISSING_CRITICAL_CHANGE) */
} TfRepairValueSource;

/* Stable machine name ("reply", "owner-critical-change", "sent",
 * "repair-time", "dtstamp", "none") for JSON output */
const char *tf_repair_value_source_to_string (TfRepairValueSource source);

#define TF_TYPE_REPAIR_CHANGE (tf_repair_change_get_type ())

G_DECLARE_FINAL_TYPE (TfRepairChange, tf_repair_change, TF, REPAIR_CHANGE, GObject)

/**
 * TfRepairChange:
 *
 * One planned change (or one finding that cannot be repaired, with the
 * reason). Immutable once the plan is built.
 */
TfItem *tf_repair_change_get_item (TfRepairChange *self);
const char *tf_repair_change_get_file_path (TfRepairChange *self);
/* (nullable): the recipient row patched (TNEF / .msg), NULL for iCalendar */
TfRecipient *tf_repair_change_get_recipient (TfRepairChange *self);
/* (nullable): the affected address */
const char *tf_repair_change_get_address (TfRepairChange *self);
TfFindingCode tf_repair_change_get_code (TfRepairChange *self);
gboolean tf_repair_change_get_repairable (TfRepairChange *self);
/* Translated reason when not repairable, else NULL */
const char *tf_repair_change_get_reason (TfRepairChange *self);
/* The value before (FALSE when the property is absent) */
gboolean tf_repair_change_get_has_old_value (TfRepairChange *self);
guint64 tf_repair_change_get_old_value (TfRepairChange *self);
guint64 tf_repair_change_get_new_value (TfRepairChange *self);
TfRepairValueSource tf_repair_change_get_value_source (TfRepairChange *self);
/* (nullable): the reply the value was taken from */
TfItem *tf_repair_change_get_value_item (TfRepairChange *self);
/* Translated: "from reply of 2008-08-20 11:34:00 UTC" */
const char *tf_repair_change_get_explanation (TfRepairChange *self);
/* Translated one-line summary: who, what, old → new, where from */
char *tf_repair_change_dup_description (TfRepairChange *self);

#define TF_TYPE_REPAIR_PLAN (tf_repair_plan_get_type ())

G_DECLARE_FINAL_TYPE (TfRepairPlan, tf_repair_plan, TF, REPAIR_PLAN, GObject)

/**
 * tf_repair_plan_new:
 * @items: (element-type TfItem): the items to repair
 * @sources: (element-type TfItem) (nullable): every item the user opened,
 *   searched for the attendees' replies; %NULL means @items
 *
 * Plans a change for every repairable finding of @items (TRACK_TIME_1601,
 * TRACK_TIME_PRE_1900 and TRACK_TIME_MISSING in TNEF / .msg recipient
 * tables, REPLY_MISSING_CRITICAL_CHANGE in iCalendar replies) and lists
 * what cannot be repaired, with the reason. Reads nothing from disk.
 */
TfRepairPlan *tf_repair_plan_new (GPtrArray *items,
                                  GPtrArray *sources);
/* Same with a fixed "time of repair" (Unix seconds), for tests */
TfRepairPlan *tf_repair_plan_new_at (GPtrArray *items,
                                     GPtrArray *sources,
                                     gint64 now);
/* (element-type TfRepairChange): every entry, in item order */
GListModel *tf_repair_plan_get_changes (TfRepairPlan *self);
guint tf_repair_plan_get_n_repairable (TfRepairPlan *self);
guint tf_repair_plan_get_n_unrepairable (TfRepairPlan *self);
/* Items / files with at least one repairable change */
guint tf_repair_plan_get_n_items (TfRepairPlan *self);
guint tf_repair_plan_get_n_files (TfRepairPlan *self);

typedef enum
{
  TF_REPAIR_STATUS_DONE,    /* written and verified (or, dry run: would be) */
  TF_REPAIR_STATUS_SKIPPED, /* nothing to do (already original / repaired) */
  TF_REPAIR_STATUS_REFUSED, /* a safety rule refused: changed, symlink, … */
  TF_REPAIR_STATUS_FAILED,  /* could not be done; nothing was changed */
} TfRepairStatus;

const char *tf_repair_status_to_string (TfRepairStatus status);

#define TF_TYPE_REPAIR_RESULT (tf_repair_result_get_type ())

G_DECLARE_FINAL_TYPE (TfRepairResult, tf_repair_result, TF, REPAIR_RESULT, GObject)

/* One file written (or refused) by a repair, undo or queue action. */
const char *tf_repair_result_get_file_path (TfRepairResult *self);
/* "repair", "undo", "hold", "resubmit" */
const char *tf_repair_result_get_action (TfRepairResult *self);
TfRepairStatus tf_repair_result_get_status (TfRepairResult *self);
/* Translated message for REFUSED / FAILED / SKIPPED, else NULL */
const char *tf_repair_result_get_message (TfRepairResult *self);
/* (nullable): the error behind a REFUSED / FAILED status, when there was
 * one (G_IO_ERROR for I/O failures, TF_ERROR otherwise) */
const GError *tf_repair_result_get_error (TfRepairResult *self);
const char *tf_repair_result_get_sha256_before (TfRepairResult *self);
const char *tf_repair_result_get_sha256_after (TfRepairResult *self);
const char *tf_repair_result_get_backup (TfRepairResult *self);
/* Where a held / resubmitted file went */
const char *tf_repair_result_get_target (TfRepairResult *self);
/* (element-type TfRepairChange): the changes written to this file */
GPtrArray *tf_repair_result_get_changes (TfRepairResult *self);
/* (element-type TfItem) (nullable): the file's items as re-read after the
 * write (repair only) */
GPtrArray *tf_repair_result_get_items (TfRepairResult *self);
/* The journal entry's run id */
const char *tf_repair_result_get_run_id (TfRepairResult *self);

/**
 * TfRepairProgressFunc:
 * @n_done: files handled so far
 * @n_total: files to handle
 * @file_path: (nullable): the file just handled
 */
typedef void (*TfRepairProgressFunc) (guint n_done,
                                      guint n_total,
                                      const char *file_path,
                                      gpointer user_data);

/**
 * tf_repair_plan_set_full_backup:
 * @full_backup: also copy files that are patched in place
 *
 * A PST is patched in place (only the changed bytes are written, and the
 * journal keeps their old bytes, so undo needs no copy). With
 * @full_backup, it is also copied whole into the backup folder first (a
 * reflink where the file system can). Other files are always backed up.
 * Default: %FALSE.
 */
void tf_repair_plan_set_full_backup (TfRepairPlan *self,
                                     gboolean full_backup);

/**
 * tf_repair_plan_execute:
 * @backup_dir: where originals are copied first
 * @journal_path: the journal (write-ahead: an entry is on disk before the
 *   file is replaced)
 * @run_id: (nullable): groups this run's entries; %NULL makes one
 * @dry_run: read, patch and verify in memory, but write nothing
 *
 * Repairs file by file. For each: re-reads it (refusing it if it changed
 * since it was scanned), applies every planned change to a copy in memory
 * (TNEF: 8 bytes + checksums, inside MIME re-encoded with the part's own
 * transfer encoding and line layout; .msg: 8 bytes in the CFB stream;
 * iCalendar: one inserted line), verifies the result with the core readers,
 * copies the original into @backup_dir, appends the journal entry and
 * replaces the file through tf_safe_replace(), which verifies the written
 * temp file once more.
 *
 * On success the repaired items are refreshed (tf_item_update_from()), so
 * call this on the thread that owns them (or use the async variant).
 *
 * Returns: (transfer container) (element-type TfRepairResult): one result
 *   per file; %NULL with @error only when the run could not go on at all
 *   (the journal cannot be written, cancelled).
 */
GPtrArray *tf_repair_plan_execute (TfRepairPlan *self,
                                   const char *backup_dir,
                                   const char *journal_path,
                                   const char *run_id,
                                   gboolean dry_run,
                                   GCancellable *cancellable,
                                   TfRepairProgressFunc progress,
                                   gpointer progress_data,
                                   GError **error);
/* The same on a worker thread; @progress runs on the caller's thread-default
 * main context, and items are refreshed there before @callback runs. */
void tf_repair_plan_execute_async (TfRepairPlan *self,
                                   const char *backup_dir,
                                   const char *journal_path,
                                   const char *run_id,
                                   GCancellable *cancellable,
                                   TfRepairProgressFunc progress,
                                   gpointer progress_data,
                                   GDestroyNotify progress_destroy,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
GPtrArray *tf_repair_plan_execute_finish (TfRepairPlan *self,
                                          GAsyncResult *result,
                                          GError **error);

/**
 * tf_repair_undo:
 * @entry_index: a journal entry (1-based) to undo, or 0
 * @run_id: (nullable): undo every entry of this run (newest first)
 * @all: undo every entry of the journal (newest first)
 *
 * Repairs and flag changes: restores the backup byte for byte, refusing
 * when the file changed since (its SHA-256 is not the journal's
 * sha256_after); a file that is already the original is skipped. Hold:
 * moves the file back. Resubmit: removes the copy if the server has not
 * picked it up yet. Every undo is journaled (action "undo").
 *
 * Returns: (transfer container) (element-type TfRepairResult): one result
 *   per entry; %NULL with @error when the journal cannot be read or
 *   nothing matches.
 */
GPtrArray *tf_repair_undo (const char *journal_path,
                           guint entry_index,
                           const char *run_id,
                           gboolean all,
                           GCancellable *cancellable,
                           GError **error);

/**
 * tf_queue_resubmit:
 * @path: an RFC 5322 message (queue file), repaired
 * @pickup_dir: an Exchange Pickup or Replay folder
 *
 * Copies @path into @pickup_dir under a new unique ".eml" name (the file
 * appears complete in one step, nothing is ever overwritten) and journals
 * it. Refused for files that are not RFC 5322 messages or still carry a
 * 1601 / pre-1900 track-status time.
 *
 * Returns: (transfer full): the result (status DONE on success)
 */
TfRepairResult *tf_queue_resubmit (const char *path,
                                   const char *pickup_dir,
                                   const char *journal_path,
                                   const char *run_id,
                                   GError **error);
/* Moves @path into @hold_dir (created 0700) under a unique name, journaled;
 * tf_repair_undo() moves it back. */
TfRepairResult *tf_queue_hold (const char *path,
                               const char *hold_dir,
                               const char *journal_path,
                               const char *run_id,
                               GError **error);

G_END_DECLS
