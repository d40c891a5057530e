/* tf-rules.h — turn what the readers found into findings
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "tf-item.h"

G_BEGIN_DECLS

/* Sets the item kind from iCalendar METHOD, message class and DSN content. */
void tf_rules_classify (TfItem *item);
/* Adds every rule-based finding (all codes except PARSE_ERROR and
 * TNEF_CHECKSUM, which readers add). Idempotent: call once per read. */
void tf_rules_apply    (TfItem *item);

G_END_DECLS
