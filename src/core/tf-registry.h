/* tf-registry.h — the server fix flag in an offline SYSTEM hive (hivex)
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* KB 938650 / KB 969254: with this value set to REG_DWORD 1 (and the
 * Excdo.dll hotfix installed), the Exchange 2003 Information Store fixes a
 * PR_RECIPIENT_TRACKSTATUS_TIME of 1601-01-01 while converting meeting
 * updates. Registry names are never translated. */
#define TF_FLAG_VALUE_NAME        "FixRecipientTrackStatusTime"
#define TF_FLAG_MIME_HANDLER_GUID "{85D2DDB8-6225-11D2-BDF1-00C04FD655B5}"
/* The key below a control set (and below HKLM\SYSTEM\CurrentControlSet) */
#define TF_FLAG_KEY_BELOW_CONTROL_SET                                   \
  "Services\\MSExchangeIS\\ParametersSystem\\InternetContent\\MimeHandlers\\" \
  TF_FLAG_MIME_HANDLER_GUID
/* The first Excdo.dll file version that contains the hotfix (KB 969254) */
#define TF_EXCDO_FIXED_VERSION "6.5.7653.5"

typedef enum
{
  TF_FLAG_ENABLE,   /* set FixRecipientTrackStatusTime = REG_DWORD 1 */
  TF_FLAG_DISABLE,  /* the paired revert: delete the value */
} TfFlagAction;

/* State of the FixRecipientTrackStatusTime value */
typedef enum
{
  TF_FLAG_STATE_ABSENT,      /* value (or its key) does not exist */
  TF_FLAG_STATE_ZERO,        /* REG_DWORD 0 */
  TF_FLAG_STATE_ONE,         /* REG_DWORD 1: the fix is on */
  TF_FLAG_STATE_OTHER,       /* REG_DWORD with another number */
  TF_FLAG_STATE_WRONG_TYPE,  /* present, but not a REG_DWORD */
} TfFlagState;

/* Why a hive cannot take the flag, in the order they are checked */
typedef enum
{
  TF_HIVE_VERDICT_READY,        /* clean SYSTEM hive of an Exchange store server */
  TF_HIVE_VERDICT_DIRTY,        /* sequence numbers differ or a log holds pending data */
  TF_HIVE_VERDICT_NOT_SYSTEM,   /* no \Select\Current or no such ControlSetNNN */
  TF_HIVE_VERDICT_NO_EXCHANGE,  /* no Services\MSExchangeIS (or no ParametersSystem) */
} TfHiveVerdict;

/**
 * TfHiveStatus:
 * @path: the hive file
 * @sequence1 / @sequence2: header sequence numbers (offsets 0x4 / 0x8)
 * @last_written: header timestamp (FILETIME)
 * @dirty_reason: (nullable): translated reason when the hive is dirty
 * @not_system_reason: (nullable): translated reason when it is no SYSTEM hive
 * @current: `\Select\Current`, 0 when unknown
 * @control_set: (nullable): "ControlSet002"
 * @has_exchange_is: `Services\MSExchangeIS` exists in @control_set
 * @has_parameters_system: `…\MSExchangeIS\ParametersSystem` exists
 * @has_mime_handler_key: the `…\MimeHandlers\{85D2DDB8-…}` key exists
 * @flag_state: state of FixRecipientTrackStatusTime
 * @flag_type: its registry type (REG_DWORD = 4) when present
 * @flag_display: (nullable): "REG_DWORD 0x00000001 (1)", "REG_SZ "1"", …
 *
 * What a read-only look at a hive found. Plain struct; free with
 * tf_hive_status_free().
 */
typedef struct
{
  char       *path;
  guint32     sequence1;
  guint32     sequence2;
  guint64     last_written;
  char       *dirty_reason;
  char       *not_system_reason;
  guint32     current;
  char       *control_set;
  gboolean    has_exchange_is;
  gboolean    has_parameters_system;
  gboolean    has_mime_handler_key;
  TfFlagState flag_state;
  guint32     flag_type;
  char       *flag_display;
} TfHiveStatus;

/* One value of a key, as shown to the user (read-only extras) */
typedef struct
{
  char   *name;     /* "" for the default value */
  guint32 type;
  char   *display;  /* data rendered as text; binary as hex */
} TfRegValue;

/**
 * TfFlagResult:
 * @action: what was asked
 * @control_set: where the change lands ("ControlSet002")
 * @changes: (array zero-terminated=1): translated lines, one per change
 *   ("create key …", "set value … REG_DWORD 1", "delete value …"); empty
 *   when the flag already is as requested
 * @dry_run: nothing was written
 * @written: the hive was rewritten
 * @backup: (nullable): the byte-exact copy of the original
 * @journal: (nullable): the journal the change was recorded in
 * @run_id / @sha256_before / @sha256_after: (nullable): as journaled
 */
typedef struct
{
  TfFlagAction action;
  char        *control_set;
  char       **changes;
  gboolean     dry_run;
  gboolean     written;
  char        *backup;
  char        *journal;
  char        *run_id;
  char        *sha256_before;
  char        *sha256_after;
} TfFlagResult;

typedef enum
{
  TF_FLAG_RUN_NONE = 0,
  TF_FLAG_RUN_DRY_RUN = 1 << 0,
} TfFlagRunFlags;

/* Excdo.dll file version, from VS_FIXEDFILEINFO */
typedef struct
{
  guint16 major;
  guint16 minor;
  guint16 build;
  guint16 revision;
} TfFileVersion;

const char    *tf_flag_action_to_string   (TfFlagAction  action);
const char    *tf_flag_state_to_string    (TfFlagState   state);
/* Translated: "absent (fix off)", "1 (fix on)", … */
const char    *tf_flag_state_get_label    (TfFlagState   state);
const char    *tf_hive_verdict_to_string  (TfHiveVerdict verdict);
/* "REG_DWORD", "REG_SZ", …; "type 0x…" style for unknown types */
char          *tf_reg_type_to_string      (guint32       type);

/**
 * tf_hive_status_read:
 * @path: a hive file; opened read-only
 *
 * Checks the header (signature, sequence numbers, truncation), the
 * SYSTEM.LOG / .LOG1 / .LOG2 files beside it, then opens the hive with
 * hivex and resolves `\Select\Current` to its control set.
 *
 * Returns: (transfer full): the status, or NULL with TF_ERROR_PARSE when
 *   the file is no hive, is truncated or damaged, or TF_ERROR_IO.
 */
TfHiveStatus  *tf_hive_status_read        (const char     *path,
                                           GError        **error);
void           tf_hive_status_read_async  (const char     *path,
                                           GCancellable   *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer        user_data);
TfHiveStatus  *tf_hive_status_read_finish (GAsyncResult   *result,
                                           GError        **error);
void           tf_hive_status_free        (TfHiveStatus   *status);
/* Returns the first reason the flag cannot be written; @reason (nullable)
 * gets a translated sentence (NULL when ready). */
TfHiveVerdict  tf_hive_status_get_verdict (const TfHiveStatus *status,
                                           char          **reason);
/* "ControlSet002\Services\MSExchangeIS\…\{85D2DDB8-…}", or NULL when the
 * control set is unknown */
char          *tf_hive_status_dup_key_path (const TfHiveStatus *status);

/**
 * tf_flag_run:
 * @path: a SYSTEM hive
 * @action: enable or disable (revert)
 * @flags: %TF_FLAG_RUN_DRY_RUN to only plan
 * @backup_dir: (nullable): where the original is copied first
 *   (default: tf_journal_default_backup_dir())
 * @journal_path: (nullable): journal to record the change in
 *   (default: tf_journal_default_path())
 *
 * Enable creates the missing keys below MSExchangeIS\ParametersSystem and
 * sets the value to REG_DWORD 1. Disable deletes the value (see the
 * comment in tf-registry.c for why it deletes rather than sets 0). Both
 * refuse dirty hives, non-SYSTEM hives and hives without the Information
 * Store (TF_ERROR_REFUSED, translated reason), keep a backup, commit with
 * hivex into a scratch copy, verify it by re-opening it, and replace the
 * hive atomically through tf_safe_replace(). When the flag is already as
 * requested nothing is written and @changes is empty.
 *
 * Returns: (transfer full): the result, or NULL with @error set
 */
TfFlagResult  *tf_flag_run                (const char     *path,
                                           TfFlagAction    action,
                                           TfFlagRunFlags  flags,
                                           const char     *backup_dir,
                                           const char     *journal_path,
                                           GError        **error);
void           tf_flag_run_async          (const char     *path,
                                           TfFlagAction    action,
                                           TfFlagRunFlags  flags,
                                           const char     *backup_dir,
                                           const char     *journal_path,
                                           GCancellable   *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer        user_data);
TfFlagResult  *tf_flag_run_finish         (GAsyncResult   *result,
                                           GError        **error);
void           tf_flag_result_free        (TfFlagResult   *result);

/**
 * tf_software_hive_read_exchange_setup:
 * @path: a SOFTWARE hive
 * @found: (out) (optional): whether `Microsoft\Exchange\Setup` exists
 *
 * Lists every value of `Microsoft\Exchange\Setup` as it is; no value names
 * are assumed (domain.md §8.5).
 *
 * Returns: (transfer full) (element-type TfRegValue): the values (empty
 *   when the key is absent), or NULL with @error set
 */
GPtrArray     *tf_software_hive_read_exchange_setup (const char *path,
                                                     gboolean   *found,
                                                     GError    **error);
void           tf_reg_value_free          (TfRegValue     *value);

/* Reads VS_FIXEDFILEINFO.dwFileVersion from a PE file's RT_VERSION
 * resource. TF_ERROR_PARSE when @data is no PE or has no version. */
gboolean       tf_pe_read_version         (const guint8   *data,
                                           gsize           len,
                                           TfFileVersion  *version,
                                           GError        **error);
gboolean       tf_pe_read_version_file    (const char     *path,
                                           TfFileVersion  *version,
                                           GError        **error);
int            tf_file_version_compare    (const TfFileVersion *a,
                                           const TfFileVersion *b);
/* "6.5.7653.5" */
char          *tf_file_version_to_string  (const TfFileVersion *version);
gboolean       tf_file_version_parse      (const char     *str,
                                           TfFileVersion  *version);
/* TRUE when @version ≥ TF_EXCDO_FIXED_VERSION */
gboolean       tf_excdo_version_has_fix   (const TfFileVersion *version);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TfHiveStatus, tf_hive_status_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TfFlagResult, tf_flag_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TfRegValue, tf_reg_value_free)

G_END_DECLS
