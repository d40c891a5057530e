/* fuzz-common.h — shared set-up for the libFuzzer targets
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

#include "tf-core.h"

G_BEGIN_DECLS

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Quiet, deterministic process set-up shared by all targets: no log output
 * (the readers warn on damaged input; that is expected here), core init. */
void fuzz_init (void);

/* Walks everything a reader left on @items so that every getter the views
 * use runs on fuzzed data too (strings are touched byte by byte, so ASan
 * sees reads past a missing NUL). */
void fuzz_touch_items (GPtrArray *items);
void fuzz_touch_item (TfItem *item);

/* Removes everything inside the folder @path (never following a symlink)
 * and keeps the folder: a target's scratch space between two inputs */
void fuzz_empty_dir (const char *path);

/* A new scratch folder "trackfix-@target-XXXXXX" in /dev/shm (else the
 * temporary folder), removed with everything in it at exit */
const char *fuzz_scratch_dir (const char *target);

/* A byte range [start, end) a patch may change */
typedef struct
{
  guint64 start;
  guint64 end;
} FuzzRange;

/* Aborts, naming @what, unless @before and @after (both @size bytes) are
 * equal outside @allowed (@n ranges, in any order; sorted in place).
 * Gaps are compared with memcmp(): an instrumented byte loop over the
 * whole input per patch cost more than the readers. */
void fuzz_assert_unchanged_outside (const guint8 *before,
                                    const guint8 *after,
                                    size_t size,
                                    FuzzRange *allowed,
                                    guint n,
                                    const char *what);

G_END_DECLS
