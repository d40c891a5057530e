/* tf-fixturegen-pst-damage.h — TEST-ONLY: damage PST files in memory
 *
 * The bad-input tests (tests/core/test-pst.c on corpus copies,
 * tests/hostile/test-hostile-pst.c on writer output) change decoded block
 * bytes and write them back encoded, with a fresh CRC, so that a file
 * carries only the damage a test is about.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "tf-pst-private.h"

G_BEGIN_DECLS

/* Writes @plain (the block's @block->size decoded bytes) over @block in
 * @data (a whole file in memory), encoded with @crypt, and its CRC */
void tf_pst_damage_write_block (guint8 *data,
                                guint crypt,
                                const TfPstBlock *block,
                                const guint8 *plain);

/* Changes the first block of node @nid's recipient table (0x0692) in
 * @data: @edit gets its decoded bytes and where the TCINFO starts in them */
typedef void (*TfPstTableEdit) (guint8 *plain,
                                gsize len,
                                const TfPstTable *table,
                                gsize tcinfo);
void tf_pst_damage_recipient_table (guint8 *data,
                                    gsize len,
                                    guint32 nid,
                                    TfPstTableEdit edit);

G_END_DECLS
