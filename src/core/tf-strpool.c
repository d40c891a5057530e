/* tf-strpool.c — shared copies of strings that repeat across items
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tf-strpool-private.h"

/* A queue of 100,000 items names the same few hundred attendees, senders,
 * subjects and message classes over and over; items keep one shared copy
 * each instead of their own. The count lives in front of the characters,
 * and both the lookup and the last release run under one lock. */

typedef struct
{
  guint ref_count;
  char str[];
} Entry;

static GMutex pool_mutex;
static GHashTable *pool; /* str → Entry (keys point into the entries) */

static Entry *
entry_of (char *str)
{
  return (Entry *) (str - G_STRUCT_OFFSET (Entry, str));
}

char *
tf_strpool_intern (const char *str)
{
  Entry *entry;

  g_return_val_if_fail (str != NULL, NULL);

  g_mutex_lock (&pool_mutex);
  if (G_UNLIKELY (pool == NULL))
    pool = g_hash_table_new (g_str_hash, g_str_equal);

  entry = g_hash_table_lookup (pool, str);
  if (entry != NULL)
    {
      entry->ref_count++;
    }
  else
    {
      gsize len = strlen (str);

      entry = g_malloc (sizeof (Entry) + len + 1);
      entry->ref_count = 1;
      memcpy (entry->str, str, len + 1);
      g_hash_table_insert (pool, entry->str, entry);
    }
  g_mutex_unlock (&pool_mutex);

  return entry->str;
}

void
tf_strpool_release (char *str)
{
  Entry *entry;

  if (str == NULL)
    return;

  entry = entry_of (str);
  g_mutex_lock (&pool_mutex);
  g_assert (entry->ref_count > 0);
  if (--entry->ref_count == 0)
    {
      g_hash_table_remove (pool, entry->str);
      g_free (entry);
    }
  g_mutex_unlock (&pool_mutex);
}

void
tf_strpool_replace (char **field,
                    const char *value)
{
  char *old;

  g_return_if_fail (field != NULL);

  if (g_strcmp0 (*field, value) == 0)
    return;
  old = *field;

  /* Intern first: @value may point into the string being replaced */
  *field = (value != NULL && *value != '\0') ? tf_strpool_intern (value) : NULL;
  if (old != NULL)
    tf_strpool_release (old);
}
