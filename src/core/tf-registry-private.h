/* tf-registry-private.h — what the files of the SYSTEM hive code share
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <hivex.h>

#include "tf-registry.h"

G_BEGIN_DECLS

/* The rooms (public API: tf-registry.h):
 *
 *   tf-registry.c          hive header, transaction logs, reading the flag
 *                          (TfHiveStatus)
 *   tf-registry-write.c    setting / clearing the flag (tf_flag_run)
 *   tf-exchange-version.c  SOFTWARE hive Exchange Setup values and the
 *                          version resource of EXCDO.DLL
 */

#define MAX_SETUP_VALUES 4096

G_DEFINE_AUTOPTR_CLEANUP_FUNC (hive_h, hivex_close)

/* Registry base block ("regf" header), see the Windows registry file format
 * specification: hivex reads hives but does not expose the header fields we
 * need to refuse dirty or truncated hives, so they are read directly (tf-registry.c). */
typedef struct
{
  guint32 sequence1;
  guint32 sequence2;
  guint64 timestamp;
  guint32 file_type;
  guint32 bins_size;
  guint64 file_size;
} TfRegfHeader;

/* The keys from the control set down to the flag's key. The first three
 * must exist (an Information Store server); the others are created. */
#define TF_REGISTRY_N_FLAG_KEYS 6
#define TF_REGISTRY_N_REQUIRED_KEYS 3
extern const char *const tf_registry_flag_key_path[TF_REGISTRY_N_FLAG_KEYS];

typedef struct
{
  hive_node_h keys[TF_REGISTRY_N_FLAG_KEYS]; /* 0 where absent (and below) */
  hive_node_h control_set;
  hive_value_h value;
} TfFlagNodes;

static inline guint32
read_le32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static inline guint16
read_le16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static inline guint64
read_le64 (const guint8 *p)
{
  return (guint64) read_le32 (p) | ((guint64) read_le32 (p + 4) << 32);
}

/* Reads and checks the base block of @path. */
gboolean tf_registry_read_regf_header (const char *path,
                                       TfRegfHeader *hdr,
                                       GError **error);
void tf_registry_set_hivex_error (GError **error,
                                  const char *path,
                                  const char *what,
                                  int err);
/* hivex_node_get_child, telling an absent child (*child 0, TRUE) from
 * damage (FALSE) */
gboolean tf_registry_get_child (hive_h *h,
                                hive_node_h parent,
                                const char *name,
                                hive_node_h *child,
                                const char *path,
                                GError **error);
/* Renders any value as text, never failing */
char *tf_registry_format_value (hive_h *h,
                                hive_value_h v,
                                guint32 *type_out);
hive_h *tf_registry_open_hive (const char *path,
                               int flags,
                               GError **error);
/* @hive_path is the file hivex reads (possibly a scratch copy); @log_base
 * is where the hive lives, for its transaction logs. */
TfHiveStatus *tf_registry_read_status (const char *display_path,
                                       const char *hive_path,
                                       const char *log_base,
                                       TfFlagNodes *nodes_out,
                                       hive_h **h_out,
                                       int open_flags,
                                       GError **error);

G_END_DECLS
