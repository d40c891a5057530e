/* tf-enums.h
 *
 * Copyright 2026 The Trackfix authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every enum has a stable machine name (used in JSON, CSV and the journal,
 * never translated) and, where users see it, a translated label. */

typedef enum
{
  TF_FORMAT_UNKNOWN,
  TF_FORMAT_EML,
  TF_FORMAT_MBOX,
  TF_FORMAT_MSG,
  TF_FORMAT_TNEF,
  TF_FORMAT_ICS,
  TF_FORMAT_PST,
  TF_FORMAT_OST,
} TfFormat;

typedef enum
{
  TF_KIND_MESSAGE,
  TF_KIND_REQUEST,
  TF_KIND_REPLY,
  TF_KIND_CANCEL,
  TF_KIND_COUNTER,
  TF_KIND_APPOINTMENT,
  TF_KIND_NDR,
} TfKind;

typedef enum
{
  TF_SOURCE_NONE,
  TF_SOURCE_TNEF,
  TF_SOURCE_MSG,
  TF_SOURCE_ICAL,
  TF_SOURCE_DSN,
  TF_SOURCE_HEADER,
  TF_SOURCE_PST,
  TF_SOURCE_OST,
} TfSource;

typedef enum
{
  TF_SEVERITY_INFO,
  TF_SEVERITY_WARNING,
  TF_SEVERITY_ERROR,
} TfSeverity;

/* PidTagRecipientTrackStatus / PidLidResponseStatus values ([MS-OXOCAL]) */
typedef enum
{
  TF_TRACK_STATUS_ABSENT = -1,
  TF_TRACK_STATUS_NONE = 0,
  TF_TRACK_STATUS_ORGANIZED = 1,
  TF_TRACK_STATUS_TENTATIVE = 2,
  TF_TRACK_STATUS_ACCEPTED = 3,
  TF_TRACK_STATUS_DECLINED = 4,
  TF_TRACK_STATUS_NOT_RESPONDED = 5,
} TfTrackStatus;

typedef enum
{
  TF_RECIPIENT_TYPE_UNKNOWN,
  TF_RECIPIENT_TYPE_ORGANIZER,
  TF_RECIPIENT_TYPE_TO,
  TF_RECIPIENT_TYPE_CC,
  TF_RECIPIENT_TYPE_BCC,
  TF_RECIPIENT_TYPE_RESOURCE,
} TfRecipientType;

/* Stable finding codes. Never renumber or rename: reports, scripts and
 * translations key on the string form. */
typedef enum
{
  TF_FINDING_TRACK_TIME_1601,
  TF_FINDING_TRACK_TIME_PRE_1900,
  TF_FINDING_TRACK_TIME_MISSING,
  TF_FINDING_TRACK_TIME_OUT_OF_RANGE,
  TF_FINDING_CRITICAL_CHANGE_1601,
  TF_FINDING_REPLY_MISSING_CRITICAL_CHANGE,
  TF_FINDING_NDR_EXPIRED_4_4_7,
  TF_FINDING_TNEF_CHECKSUM,
  TF_FINDING_PARSE_ERROR,
  TF_FINDING_PST_CHECKSUM,
  TF_FINDING_PST_PASSWORD,
  TF_N_FINDING_CODES
} TfFindingCode;

const char     *tf_format_to_string          (TfFormat        format);
const char     *tf_format_get_label          (TfFormat        format);
const char     *tf_kind_to_string            (TfKind          kind);
const char     *tf_kind_get_label            (TfKind          kind);
const char     *tf_source_to_string          (TfSource        source);
const char     *tf_source_get_label          (TfSource        source);
const char     *tf_severity_to_string        (TfSeverity      severity);
const char     *tf_severity_get_label        (TfSeverity      severity);
/* Returns NULL for TF_TRACK_STATUS_ABSENT and for unknown values. */
const char     *tf_track_status_to_string    (int             status);
const char     *tf_track_status_get_label    (int             status);
const char     *tf_recipient_type_to_string  (TfRecipientType type);
const char     *tf_recipient_type_get_label  (TfRecipientType type);
const char     *tf_finding_code_to_string    (TfFindingCode   code);
gboolean        tf_finding_code_from_string  (const char     *str,
                                              TfFindingCode  *code);
TfSeverity      tf_finding_code_get_severity (TfFindingCode   code);
/* Short translated title, e.g. "Track-status time is 1601-01-01" */
const char     *tf_finding_code_get_title    (TfFindingCode   code);
/* Translated explanation: what happens, and what to do about it. */
const char     *tf_finding_code_get_explanation (TfFindingCode code);
/* Translated one-line reason for a table row, e.g. "Exchange 2003 cannot
 * convert this update (KB 938650)" */
const char     *tf_finding_code_get_row_reason  (TfFindingCode code);

G_END_DECLS
