/* tf-autocleanups-private.h — g_autoptr support for libraries without it
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gmime/gmime.h>
#include <gsf/gsf.h>
#include <libical/ical.h>

G_BEGIN_DECLS

/* GMime 3.2 and libical 3.0 define no autoptr cleanups (style.md §8). */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeObject, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeDataWrapper, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (icalcomponent, icalcomponent_free)

/* A string libical allocated for the caller (the *_r getters), freed with
 * icalmemory_free_buffer(). The plain getters return libical's ring of
 * temporary buffers instead, which keeps the last 2,500 strings of every
 * scanner thread alive. */
typedef char TfIcalString;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TfIcalString, icalmemory_free_buffer)

G_END_DECLS
