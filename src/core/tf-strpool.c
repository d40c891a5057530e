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
 * each instead of their own. The count lives in front of the characters.
 *
 * Scanner workers intern while the main thread releases the items handed
 * to it, each a dozen times per item: the pool is split into SHARDS
 * tables by the string's hash, each with its own lock, so they seldom
 * wait for each other, and a release that does not drop the last
 * reference is one atomic decrement without a lock. A lookup and the last
 * release of a value run under its shard's lock: the last release checks
 * the count again there (a lookup may have taken a new reference), so a
 * dying copy is never resurrected. The hash is computed once per intern
 * and kept in the entry: a release needs none. */

#define SHARDS 16

typedef struct
{
  gint ref_count; /* atomic */
  guint hash;
  const char *key; /* str, or the caller's string in a lookup probe */
  char str[];
} Entry;

typedef struct
{
  GMutex mutex;
  GHashTable *table; /* set of Entry */
} Shard;

static Shard shards[SHARDS];

static guint
entry_hash (gconstpointer p)
{
  return ((const Entry *) p)->hash;
}

static gboolean
entry_equal (gconstpointer a,
             gconstpointer b)
{
  const Entry *x = a;
  const Entry *y = b;

  return x->hash == y->hash && strcmp (x->key, y->key) == 0;
}

static Shard *
shard_of (guint hash)
{
  return &shards[(hash * 2654435761u) >> 28];
}

static Entry *
entry_of (char *str)
{
  return (Entry *) (str - G_STRUCT_OFFSET (Entry, str));
}

char *
tf_strpool_intern (const char *str)
{
  Entry probe = { 0 };
  Shard *shard;
  Entry *entry;

  g_return_val_if_fail (str != NULL, NULL);

  probe.hash = g_str_hash (str);
  probe.key = str;
  shard = shard_of (probe.hash);

  g_mutex_lock (&shard->mutex);
  if (G_UNLIKELY (shard->table == NULL))
    shard->table = g_hash_table_new (entry_hash, entry_equal);

  entry = g_hash_table_lookup (shard->table, &probe);
  if (entry != NULL)
    {
      g_atomic_int_inc (&entry->ref_count);
    }
  else
    {
      gsize len = strlen (str);

      entry = g_malloc (sizeof (Entry) + len + 1);
      entry->ref_count = 1;
      entry->hash = probe.hash;
      entry->key = entry->str;
      memcpy (entry->str, str, len + 1);
      g_hash_table_add (shard->table, entry);
    }
  g_mutex_unlock (&shard->mutex);

  return entry->str;
}

void
tf_strpool_release (char *str)
{
  Entry *entry;
  Shard *shard;

  if (str == NULL)
    return;

  entry = entry_of (str);

  /* Not the last reference: the caller's own keeps the count above zero
   * until this decrement, so no lock is needed */
  for (;;)
    {
      gint count = g_atomic_int_get (&entry->ref_count);

      g_assert (count > 0);
      if (count == 1)
        break;
      if (g_atomic_int_compare_and_exchange (&entry->ref_count, count, count - 1))
        return;
    }

  shard = shard_of (entry->hash);
  g_mutex_lock (&shard->mutex);
  if (g_atomic_int_dec_and_test (&entry->ref_count))
    {
      g_hash_table_remove (shard->table, entry);
      g_free (entry);
    }
  g_mutex_unlock (&shard->mutex);
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
