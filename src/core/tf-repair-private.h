/* tf-repair-private.h — what the files of the repair engine share
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gmime/gmime.h>

#include "tf-journal.h"
#include "tf-reader.h"
#include "tf-repair.h"
#include "tf-safe-io.h"

G_BEGIN_DECLS

/* The rooms of the repair engine (public API: tf-repair.h):
 *
 *   tf-repair-change.c  TfRepairChange, TfRepairResult
 *   tf-repair-plan.c    TfRepairPlan: what can be repaired, and the value
 *   tf-repair.c         orchestration: read, edit, verify, execute (async)
 *   tf-repair-edit.c    byte edits and the writer table (below)
 *   tf-repair-mime.c    patching the decoded body of one MIME part
 *   tf-repair-encode.c  base64 / quoted-printable position maps
 *   tf-repair-tnef.c    writer: TNEF recipient rows
 *   tf-repair-msg.c     writer: .msg recipient rows
 *   tf-repair-ical.c    writer: iCalendar REPLY critical-change stamp
 *   tf-repair-pst.c     writer: PST recipient-table cells + block CRC
 *   tf-repair-inplace.c patching a large file in place (PST): journaled
 *                       ranges, pwrite, fsync, verify; and their undo
 *   tf-repair-verify.c  re-reading the result, field by field
 *   tf-repair-run.c     backups, journal, temp files, fsync, rename
 *   tf-repair-undo.c    tf_repair_undo(): restoring backups
 *   tf-queue.c          hold / resubmit of queue files and their undo
 *
 * How the engine keeps its promise of "nothing else changes":
 *
 * - Every change becomes a TfRepairEdit on the original bytes: a byte
 *   range and its replacement. TNEF and .msg patches replace bytes with as
 *   many bytes; an iCalendar fix inserts one line. No library
 *   re-serialises anything: GMime, libical and libgsf would all rewrite far
 *   more than the value (headers, folding, CFB layout), so the byte work is
 *   ours.
 * - The libraries are still the judges: GMime locates a part's encoded
 *   body, and every result is read back with the core readers
 *   (tf_read_bytes) and compared with the original reading, field by
 *   field, before and after it is written. */

#define TF_REPAIR_ICAL_CC_NAME "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE"

/* Files written together (tf-repair-run.c, tf-repair-undo.c) */
#define TF_REPAIR_BATCH_FILES 64
#define TF_REPAIR_BATCH_BYTES (32 * 1024 * 1024)

/* ------------------------------------------------------------------ */
/* Changes, results, plans (tf-repair-change.c, tf-repair-plan.c)      */

struct _TfRepairChange
{
  GObject parent_instance;

  TfItem *item;
  TfRecipient *recipient;
  TfItem *value_item;
  char *address;
  char *reason;
  char *explanation;
  TfPatchSite site; /* site.source picks the writer */
  TfFindingCode code;
  TfRepairValueSource value_source;
  guint64 old_value;
  guint64 new_value;
  gboolean has_old_value;
  gboolean repairable;
};

struct _TfRepairResult
{
  GObject parent_instance;

  char *file_path;
  char *action;
  char *message;
  char *sha256_before;
  char *sha256_after;
  char *backup;
  char *target;
  char *run_id;
  GPtrArray *changes;
  GPtrArray *items;
  GError *error;
  TfRepairStatus status;
};

TfRepairResult *tf_repair_result_new (const char *file_path,
                                      const char *action,
                                      const char *run_id);
void tf_repair_result_set (TfRepairResult *self,
                           TfRepairStatus status,
                           const char *message);
/* Maps an error to REFUSED (safety rules) or FAILED. */
void tf_repair_result_set_error (TfRepairResult *self,
                                 const GError *error);

/* The changes that go into one file, with the items they touch. */
typedef struct
{
  char *file_path;
  GPtrArray *changes; /* TfRepairChange, repairable only */
  GPtrArray *items;   /* TfItem, distinct, file order */
} TfRepairFileJob;

struct _TfRepairPlan
{
  GObject parent_instance;

  GListStore *changes;
  GPtrArray *jobs; /* TfRepairFileJob */
  guint n_repairable;
  guint n_unrepairable;
  guint n_items;
  gboolean full_backup; /* in-place files get a full copy too */
};

/* The key a change's address is: the recipient's address, else its name */
const char *tf_repair_recipient_key (TfRecipient *r);
gboolean tf_repair_time_usable (guint64 filetime);
gboolean tf_repair_has_finding_for (TfItem *item,
                                    TfFindingCode code,
                                    const char *key);

/* ------------------------------------------------------------------ */
/* Edits and writers (tf-repair-edit.c)                                */

/* Replace @len bytes at file offset @offset by @replacement (which may be
 * longer, shorter or, for an insertion with @len 0, anything). Offsets are
 * on the whole file, never on an item or a decoded part. */
typedef struct
{
  gsize offset;
  gsize len;
  GBytes *replacement;
} TfRepairEdit;

/* (element-type TfRepairEdit): an empty list that frees its edits */
GArray *tf_repair_edits_new (void);
void tf_repair_edits_add (GArray *edits,
                          gsize offset,
                          gsize len,
                          GBytes *replacement);
/* The file with @edits applied (sorted in place); fails when two overlap
 * or one lies past the end. */
GBytes *tf_repair_edits_apply (GBytes *original,
                               GArray *edits,
                               GError **error);

/* One item of a file as a writer sees it. */
typedef struct
{
  GBytes *file;          /* the whole file, as just read and checked */
  TfItem *fresh;         /* the item as read again from @file */
  GBytes *range;         /* the item's bytes inside @file */
  gsize range_offset;    /* where @range starts in @file */
  GMimeMessage *message; /* @range parsed by GMime on first use
                          * (tf_repair_find_part), else NULL */
} TfRepairItemBytes;

/**
 * TfRepairWriter:
 * @name: the format, for messages and tests ("tnef", "msg", "ical")
 * @source: the TfPatchSite source whose changes this writer takes; the
 *   plan sets change->site (tf-repair-plan.c), the engine hands every
 *   change of one item whose site.source is @source to this writer
 * @write: computes the edits
 *
 * A writer turns the changes of one item into byte edits. It gets the
 * item's bytes (@ib: the whole file, the item's range in it, the item as
 * re-read from these very bytes) and the repairable changes of that item
 * for its source, in plan order. It appends TfRepairEdit ranges on the
 * *file* to @edits and returns TRUE, or sets @error and returns FALSE
 * (TF_ERROR_CHANGED when the file no longer matches the plan, e.g. the
 * recipient row moved or holds another value: use tf_repair_find_row();
 * TF_ERROR_FAILED when the data cannot be changed in place). A writer
 * never writes to disk and never changes @ib's bytes.
 *
 * What the engine adds around every writer (tf-repair.c): the file is
 * read once and refused when it differs from the scan; the edits of all
 * items of a file are applied together (overlaps are refused); the
 * result is read back with the core readers and compared field by field
 * with the original reading (tf-repair-verify.c): only the planned values
 * may differ, and no finding may appear; then backup, journal entry
 * (write-ahead), temp file, fsync, byte-for-byte re-read of the temp file
 * and atomic rename (tf-repair-run.c), and undo from the backup
 * (tf-repair-undo.c). A writer that gets anything wrong is caught by the
 * verification, and nothing is written.
 *
 * Adding a format: write tf-repair-<format>.c defining
 * `const TfRepairWriter tf_repair_writer_<format>` and add one line
 * `X (<format>)` to TF_REPAIR_WRITERS below (and the file to
 * src/core/meson.build, and to po/POTFILES if it has strings).
 *
 * Large files (PST): the edits are already ranges on the file, so a
 * writer that patches 8 value bytes and a block CRC returns two small
 * edits of equal length; it should not copy the file. Whether the run
 * then builds a new file (tf_repair_edits_apply) or patches in place is
 * the run's business, not the writer's.
 */
typedef struct
{
  const char *name;
  TfSource source;
  gboolean (*write) (TfRepairItemBytes *ib,
                     GPtrArray *changes,
                     GArray *edits,
                     GError **error);
} TfRepairWriter;

/* The registration table, one line per writer: expanded below into the
 * declarations and in tf-repair-edit.c into the table the engine uses. */
#define TF_REPAIR_WRITERS(X) \
  X (tnef)                   \
  X (msg)                    \
  X (ical)                   \
  X (pst)

#define TF_REPAIR_DECLARE_WRITER(format) extern const TfRepairWriter tf_repair_writer_##format;
TF_REPAIR_WRITERS (TF_REPAIR_DECLARE_WRITER)
#undef TF_REPAIR_DECLARE_WRITER

/* Computes the edits of every change of @fresh (the changes of one item,
 * @fresh read from @file_bytes), through the writers. */
gboolean tf_repair_edits_for_item (GBytes *file_bytes,
                                   TfItem *fresh,
                                   GPtrArray *changes,
                                   GArray *edits,
                                   GError **error);

gboolean tf_repair_same_site (const TfPatchSite *a,
                              const TfPatchSite *b);
/* The row of @fresh at @change's patch site, checked to still be the
 * recipient with the value the plan was made from; else
 * TF_ERROR_CHANGED. For writers of recipient-row changes. */
TfRecipient *tf_repair_find_row (TfItem *fresh,
                                 TfRepairChange *change,
                                 GError **error);

/* ------------------------------------------------------------------ */
/* PST files (tf-repair-pst.c, tf-repair-inplace.c)                    */

typedef struct _TfPstFile TfPstFile;

/* Refuses an OST, a 4 KiB-page file or a header whose CRC fails */
gboolean tf_repair_pst_check_file (TfPstFile *file,
                                   GError **error);
/* Why an OST is never written (translated) */
const char *tf_repair_pst_ost_reason (void);
/* The edits of @changes (TF_SOURCE_PST, any items of @file): every block
 * re-read and checked, then 8 value bytes per change and 4 CRC bytes per
 * block. */
gboolean tf_repair_pst_edits (TfPstFile *file,
                              GPtrArray *changes,
                              GArray *edits,
                              GError **error);

/* Whether @job's file is patched in place rather than replaced (a PST:
 * it may hold gigabytes and is never copied unless asked) */
gboolean tf_repair_job_in_place (TfRepairFileJob *job);
/* Repairs one in-place file completely (see tf-repair-inplace.c);
 * @backup_dir NULL: no full copy, the journal's ranges undo it. */
void tf_repair_inplace_run (TfRepairFileJob *job,
                            TfRepairResult *result,
                            const char *backup_dir,
                            const char *journal_path,
                            const char *run_id,
                            gboolean dry_run);
/* Undoes a journal entry with ranges in place (@result says how it went) */
void tf_repair_inplace_undo (const char *journal_path,
                             const char *undo_run_id,
                             TfJournalEntry *e,
                             TfRepairResult *result);
/* SHA-256 (hex) of the open file @fd of @size bytes as it is (@plain)
 * and, when @patched is not NULL, with every range of @ranges (sorted,
 * disjoint TfJournalRange) holding its after (@after) or old bytes; one
 * pass, the two digests on two threads and the reading on a third. */
gboolean tf_repair_inplace_hash (int fd,
                                 guint64 size,
                                 GArray *ranges,
                                 gboolean after,
                                 char **plain,
                                 char **patched,
                                 GError **error);
/* Tests only: FALSE makes tf_repair_inplace_hash() do all of its work on
 * the calling thread, as when no thread can be started */
void tf_repair_inplace_set_hash_threads (gboolean threads);
/* Tests only: called by tf_repair_inplace_run() once the ranges are
 * written, fsynced and read back, before the verification reads the file
 * again (a test damages a touched field there: the repair must then put
 * the old bytes back). NULL removes it. */
typedef void (*TfRepairInplaceTestHook) (int fd,
                                         TfRepairFileJob *job,
                                         gpointer user_data);
void tf_repair_inplace_set_test_hook (TfRepairInplaceTestHook hook,
                                      gpointer user_data);

/* ------------------------------------------------------------------ */
/* MIME parts (tf-repair-mime.c)                                       */

/* Leaf part @part_index of the item (GMime's numbering, as the readers
 * record it in TfPatchSite.part_index); TF_ERROR_CHANGED when missing */
GMimePart *tf_repair_find_part (TfRepairItemBytes *ib,
                                gint part_index,
                                GError **error);
/* The same, with the range of its encoded body inside ib->range,
 * [*start, *end), and its content as GMime decodes it (*decoded: NULL
 * when GMime cannot decode it) */
GMimePart *tf_repair_find_part_body (TfRepairItemBytes *ib,
                                     gint part_index,
                                     gsize *start,
                                     gsize *end,
                                     GBytes **decoded,
                                     GError **error);

/* Decodes the quoted-printable body [start, end) of MIME part @part_index
 * with tf_repair_qp_map_decode() and checks it is what GMime decodes
 * (@expected); an error says the text cannot be changed byte for byte */
gboolean tf_repair_qp_map_part (TfRepairItemBytes *ib,
                                gint part_index,
                                gsize start,
                                gsize end,
                                GBytes *expected,
                                GByteArray *decoded,
                                GArray *positions,
                                GError **error);

/* TRUE when the item's header block has a Content-Length: line, which a
 * change of the item's length would make wrong */
gboolean tf_repair_item_has_content_length (TfRepairItemBytes *ib);

/* Changes the decoded body of a part in place; may change its length only
 * when tf_repair_edit_part() was told so. */
typedef gboolean (*TfRepairPatchFunc) (GByteArray *decoded,
                                       gpointer user_data,
                                       GError **error);

/* Applies @patch to the decoded body of MIME part @part_index and adds the
 * edit that writes it back with the part's own transfer encoding (7bit,
 * 8bit, binary, base64, quoted-printable; uuencode is refused). */
gboolean tf_repair_edit_part (TfRepairItemBytes *ib,
                              gint part_index,
                              gboolean may_change_length,
                              TfRepairPatchFunc patch,
                              gpointer patch_data,
                              GArray *edits,
                              GError **error);

/* ------------------------------------------------------------------ */
/* Transfer encodings (tf-repair-encode.c)                             */

/* Base64 with the position of every significant character, so that a
 * patched decoded buffer can be written back into exactly the characters
 * that changed: the line length, line ends and all other characters stay
 * as they were. */
typedef struct
{
  GByteArray *decoded;
  GArray *positions; /* gsize: offset of each base64 / '=' character */
} TfRepairB64Map;

gboolean tf_repair_b64_map_decode (const guint8 *enc,
                                   gsize len,
                                   TfRepairB64Map *map);
void tf_repair_b64_map_clear (TfRepairB64Map *map);
/* Writes the 4-character groups whose 3 decoded bytes changed. */
void tf_repair_b64_map_patch (const TfRepairB64Map *map,
                              const guint8 *patched,
                              guint8 *enc);
/* Encodes @data with the line layout of the original encoded text @orig */
GBytes *tf_repair_b64_encode_like (const guint8 *orig,
                                   gsize orig_len,
                                   const guint8 *data,
                                   gsize len);
/* Quoted-printable with, for every decoded byte, where it starts in the
 * encoded text (plus one entry for the end). */
gboolean tf_repair_qp_map_decode (const guint8 *enc,
                                  gsize len,
                                  GByteArray *decoded,
                                  GArray *positions);
/* @enc rewritten so that it decodes to @patched (same length as
 * @decoded): only the lines holding changed bytes are written again, kept
 * to 76 characters with soft line breaks; NULL if that cannot be done */
GBytes *tf_repair_qp_reencode (const guint8 *enc,
                               gsize len,
                               const GByteArray *decoded,
                               const GArray *positions,
                               const guint8 *patched);

/* ------------------------------------------------------------------ */
/* Verification (tf-repair-verify.c)                                   */

typedef struct
{
  const char *file_path;
  GPtrArray *before;  /* fresh items of the original bytes */
  GPtrArray *changes; /* planned changes of this file */
  GPtrArray *after;   /* out: items of the new bytes */
} TfRepairVerify;

/* (element-type TfItem): every item of @data, as the scanner reads it */
GPtrArray *tf_repair_read_items (GBytes *data,
                                 const char *file_path);
/* Index of @item among the items of its file */
guint tf_repair_item_position (TfItem *item);
/* Compares @after, an item read again after a write, with @before, its
 * reading before: only the values of @changes (that item's) may differ. */
gboolean tf_repair_verify_item (TfItem *before,
                                TfItem *after,
                                GPtrArray *changes,
                                GError **error);
/* Reads @data and checks it against ctx->before and ctx->changes; on
 * success ctx->after holds the new items. */
gboolean tf_repair_verify_bytes (TfRepairVerify *ctx,
                                 GBytes *data,
                                 GError **error);

/* ------------------------------------------------------------------ */
/* Writing (tf-repair-run.c)                                           */

/* One file between reading and replacing: its stamp, the repaired bytes
 * (parsed and verified in memory; the written temp file must equal them
 * byte for byte) and the items read from them. */
typedef struct
{
  TfRepairFileJob *job;
  TfRepairResult *result;
  GBytes *repaired;
  TfFileStamp stamp;
  TfRepairVerify ctx;
  GPtrArray *before;
  TfSafeStaged *staged;
  TfJournalEntry *entry;
} TfRepairPrepared;

void tf_repair_prepared_free (TfRepairPrepared *p);
/* Writes a batch of prepared files (see tf-repair-run.c for the order).
 * Returns FALSE when the run must stop (journal not writable). */
gboolean tf_repair_write_batch (GPtrArray *batch,
                                const char *backup_dir,
                                const char *journal_path,
                                const char *run_id,
                                GError **fatal);
/* Flushes every file system that holds one of @paths (usually one). */
gboolean tf_repair_sync_file_systems (GPtrArray *paths,
                                      GError **error);

/* ------------------------------------------------------------------ */
/* Undo (tf-repair-undo.c) and queue files (tf-queue.c)                */

/* The journal entry of undoing @e */
TfJournalEntry *tf_repair_undo_entry_new (const char *undo_run_id,
                                          TfJournalEntry *e,
                                          const char *sha_before,
                                          const char *sha_after);
gboolean tf_repair_journal_undo (const char *journal_path,
                                 const char *undo_run_id,
                                 TfJournalEntry *e,
                                 const char *sha_before,
                                 const char *sha_after,
                                 GError **error);
void tf_queue_undo_hold (const char *journal_path,
                         const char *undo_run_id,
                         TfJournalEntry *e,
                         TfRepairResult *result);
void tf_queue_undo_resubmit (const char *journal_path,
                             const char *undo_run_id,
                             TfJournalEntry *e,
                             TfRepairResult *result);

G_END_DECLS
