/* tf-finding.h
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "tf-enums.h"

G_BEGIN_DECLS

#define TF_TYPE_FINDING (tf_finding_get_type ())

G_DECLARE_FINAL_TYPE (TfFinding, tf_finding, TF, FINDING, GObject)

/* @detail is a translated, plain-language sentence that says what is wrong
 * and why it matters. @recipient is the affected address or NULL. */
TfFinding     *tf_finding_new           (TfFindingCode  code,
                                         const char    *recipient,
                                         const char    *detail);
TfFinding     *tf_finding_new_printf    (TfFindingCode  code,
                                         const char    *recipient,
                                         const char    *format,
                                         ...) G_GNUC_PRINTF (3, 4);
TfFindingCode  tf_finding_get_code      (TfFinding     *self);
const char    *tf_finding_get_code_name (TfFinding     *self);
TfSeverity     tf_finding_get_severity  (TfFinding     *self);
const char    *tf_finding_get_recipient (TfFinding     *self);
const char    *tf_finding_get_detail    (TfFinding     *self);

G_END_DECLS
