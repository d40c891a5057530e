/* tf-core.h — umbrella header of the Trackfix engine
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "tf-enums.h"
#include "tf-filetime.h"
#include "tf-finding.h"
#include "tf-item.h"
#include "tf-journal.h"
#include "tf-mapi.h"
#include "tf-reader.h"
#include "tf-recipient.h"
#include "tf-rules.h"
#include "tf-safe-io.h"
#include "tf-scanner.h"
