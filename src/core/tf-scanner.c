/* tf-scanner.c — walk folders and read files on a worker pool
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "tf-read-progress-private.h"
#include "tf-safe-io.h"
#include "tf-scanner.h"

/* How a scan runs
 *
 * One walker thread checks every argument, walks folders (readdir +
 * fstatat, no per-file GFileInfo: queue folders hold 100,000 files) and
 * pushes jobs to a GThreadPool in small batches (1, 2, 4 … JOB_BATCH files
 * per push: the first file is read at once, and a big folder costs one
 * thread hand-off per JOB_BATCH files instead of one per file). Workers
 * read files into compact items (the readers keep summaries, never parsed
 * messages) and park the results; a timeout source on the caller's main
 * context hands them over in batches — in walk order, or sorted by path per
 * argument in ordered mode.
 *
 * Delivery is paced: the first batch lands DISPATCH_FIRST_MS after the
 * first file was read, later ones at most every DISPATCH_INTERVAL_MS (a
 * list view redraws once per batch, not once per 16 ms frame), or at once
 * when half of MAX_IN_FLIGHT is waiting or the walk is over.
 *
 * Memory stays flat however big the folder: the walker stops pushing while
 * MAX_IN_FLIGHT files are read but not yet delivered, so a slow consumer
 * (a terminal, a list view) holds the workers back instead of piling up
 * items. It also stays flat however big one file is: a mailbox (PST)
 * reader hands its items over every few hundred messages
 * (tf_read_progress_items()); they are delivered while the file is still
 * read — in ordered mode once every file before it was delivered — and
 * its worker waits while STREAM_MAX of them are not delivered yet.
 *
 * A rescan need not read what did not change: the caller's items of the
 * last scan (tf_scanner_set_known_items(), tf_scanner_add_known_items())
 * are copied on its thread as they are given (a repair there may change
 * an item's fields while the scan runs), grouped by file on the walker
 * thread, and a worker whose
 * file still has the same lstat() size and time delivers the old items
 * instead of reading it: a 100,000-file rescan then holds one generation
 * of items, not two (tests/bench/RESULTS.md). */

#define MAX_IN_FLIGHT 1024
/* Items of one file being read that wait for delivery: dispatch at once
 * from STREAM_URGENT on, the worker waits from STREAM_MAX on */
#define STREAM_URGENT 512
#define STREAM_MAX 1024
#define JOB_BATCH 32
#define DISPATCH_FIRST_MS 16
#define DISPATCH_INTERVAL_MS 250
/* How much nicer low-priority workers are than the caller. +5 gives the
 * main thread three times a worker's share of a busy CPU; +10 made first
 * rows and frames no better but, on software OpenGL (llvmpipe, which
 * renders on threads at the caller's priority), starved the workers and
 * made a 100,000-file scan 2–3 times slower (tests/bench/RESULTS.md). */
#define LOW_PRIORITY_NICE 5
/* Deeper than any real mail store; bounds open folder descriptors too. */
#define MAX_DEPTH 64
#define BACKUP_PREFIX ".trackfix-backup"

struct _TfScanner
{
  GObject parent_instance;

  TfReadFlags flags;
  guint n_workers;
  gboolean ordered;
  gboolean low_priority;
  TfScannerProgressFunc progress_func;
  GArray *known; /* KnownItem copies for the next scan, or NULL */
};

G_DEFINE_FINAL_TYPE (TfScanner, tf_scanner, G_TYPE_OBJECT)

typedef struct
{
  guint64 seq;
  char *path;      /* display path */
  char *file_path; /* real path, NULL when equal to @path */
  char *error;     /* set: no reading, a PARSE_ERROR item with this reason */
  GPtrArray *items;
  /* Under mutex: items handed over while the file is read, not delivered
   * yet (NULL: none so far) */
  GPtrArray *streamed;
} Job;

/* An item of the last scan, copied when the scan starts */
typedef struct
{
  TfItem *item;          /* owned */
  const char *file_path; /* the item's: it never changes */
  guint64 file_size;
  gint64 file_mtime_usec;
  guint64 offset;
  guint mbox_index;
  guint index; /* in the caller's array */
  gboolean parse_error;
} KnownItem;

/* The items of one file in ScanState.known */
typedef struct
{
  guint first;
  guint n;
  gint taken; /* atomic: delivered once at most */
} KnownFile;

typedef struct
{
  /* Immutable after creation */
  GMainContext *context;
  GCancellable *cancellable;
  char **paths;
  TfReadFlags flags;
  gboolean ordered;
  gboolean low_priority;
  guint n_workers;
  TfScannerItemsFunc items_func;
  gpointer items_data;
  GDestroyNotify items_destroy;
  TfScannerProgressFunc progress_func;
  /* KnownItem, or NULL; sorted by file by the walker thread before any
   * job is pushed, then read-only until the pool is done */
  GArray *known;
  GHashTable *known_files; /* file path → KnownFile, same rules */

  /* Main context only */
  GTask *task;

  /* Under mutex */
  GMutex mutex;
  GCond cond;
  guint n_found;
  guint n_read;
  guint n_reused; /* of n_read: known items delivered, not read */
  guint64 n_pushed;
  guint64 n_delivered;
  guint64 next_seq;
  GHashTable *done_by_seq;  /* ordered: seq → Job */
  GPtrArray *done;          /* unordered: Job */
  GPtrArray *streaming;     /* jobs being read that have streamed items (not owned) */
  GSource *dispatch_source; /* pending dispatch, or NULL */
  GPtrArray *delivered;     /* batches handed out, for a worker to drop */
  char *progress_path;      /* the big file being read (messages), or NULL */
  guint progress_done;
  guint progress_total;
  gboolean progress_dirty; /* changed since the last dispatch */
  gboolean walk_done;
  GError *error;
} ScanState;

typedef struct
{
  ScanState *state;
  GThreadPool *pool;
  GHashTable *visited;  /* (dev, inode) of folders under the current argument */
  GPtrArray *collected; /* ordered mode: jobs of the current argument */
  GPtrArray *batch;     /* jobs not pushed yet */
  guint batch_size;     /* push when the batch is this long */
} Walk;

typedef struct
{
  dev_t dev;
  ino_t ino;
} DirId;

static void
job_free (Job *job)
{
  g_free (job->path);
  g_free (job->file_path);
  g_free (job->error);
  g_clear_pointer (&job->items, g_ptr_array_unref);
  g_clear_pointer (&job->streamed, g_ptr_array_unref);
  g_free (job);
}

static Job *
job_new (const char *path,
         const char *file_path,
         char *error)
{
  Job *job = g_new0 (Job, 1);

  job->path = g_strdup (path);
  /* Usually the same string: keep one copy (ordered scans hold every
   * job of an argument while sorting). */
  job->file_path = g_strcmp0 (path, file_path) != 0 ? g_strdup (file_path) : NULL;
  job->error = error;

  return job;
}

static void
scan_state_clear (ScanState *state)
{
  if (state->items_destroy != NULL)
    state->items_destroy (state->items_data);
  g_clear_pointer (&state->context, g_main_context_unref);
  g_clear_object (&state->cancellable);
  g_clear_object (&state->task);
  g_clear_pointer (&state->paths, g_strfreev);
  g_clear_pointer (&state->done_by_seq, g_hash_table_unref);
  g_clear_pointer (&state->done, g_ptr_array_unref);
  g_clear_pointer (&state->streaming, g_ptr_array_unref);
  g_clear_pointer (&state->delivered, g_ptr_array_unref);
  g_clear_pointer (&state->dispatch_source, g_source_unref);
  g_clear_pointer (&state->progress_path, g_free);
  g_clear_pointer (&state->known_files, g_hash_table_unref);
  g_clear_pointer (&state->known, g_array_unref);
  g_clear_error (&state->error);
  g_mutex_clear (&state->mutex);
  g_cond_clear (&state->cond);
}

static ScanState *
scan_state_ref (ScanState *state)
{
  return g_atomic_rc_box_acquire (state);
}

static void
scan_state_unref (gpointer data)
{
  g_atomic_rc_box_release_full (data, (GDestroyNotify) scan_state_clear);
}

static gboolean
scan_cancelled (ScanState *state)
{
  return g_cancellable_is_cancelled (state->cancellable);
}

static char *
join_path (const char *dir,
           const char *name)
{
  gsize len = strlen (dir);

  if (len > 0 && dir[len - 1] == G_DIR_SEPARATOR)
    return g_strconcat (dir, name, NULL);

  return g_strconcat (dir, G_DIR_SEPARATOR_S, name, NULL);
}

static guint
dir_id_hash (gconstpointer p)
{
  const DirId *id = p;

  return (guint) (id->ino ^ (id->ino >> 32) ^ ((guint64) id->dev * 2654435761u));
}

static gboolean
dir_id_equal (gconstpointer a,
              gconstpointer b)
{
  const DirId *x = a;
  const DirId *y = b;

  return x->dev == y->dev && x->ino == y->ino;
}

/* Returns FALSE when the folder was seen already (a bind-mount loop or the
 * same folder reached twice). */
static gboolean
mark_visited (Walk *walk,
              const struct stat *st)
{
  DirId *id;
  DirId key = { st->st_dev, st->st_ino };

  if (g_hash_table_contains (walk->visited, &key))
    return FALSE;

  id = g_new (DirId, 1);
  *id = key;
  g_hash_table_add (walk->visited, id);

  return TRUE;
}

static gboolean dispatch_cb (gpointer data);

/* Must be called with the mutex held. @urgent: deliver as soon as the
 * main context gets to it (the walk is over, or many items wait). */
static void
schedule_dispatch_locked (ScanState *state,
                          gboolean urgent)
{
  GSource *source;

  if (state->dispatch_source != NULL)
    {
      /* A no-op once the source was dispatched and destroyed; it then
       * re-checks the state under the mutex anyway. */
      if (urgent)
        g_source_set_ready_time (state->dispatch_source, 0);
      return;
    }

  /* A timeout at default priority rather than an idle: in a GUI a running
   * animation keeps the frame clock (priority 120) busy and an idle source
   * would never run, so no rows would appear. The gap bounds the rate at
   * which batches land, leaving frames room to draw. */
  source = g_timeout_source_new (urgent                    ? 0
                                 : state->n_delivered == 0 ? DISPATCH_FIRST_MS
                                                           : DISPATCH_INTERVAL_MS);
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, dispatch_cb, scan_state_ref (state), scan_state_unref);
  g_source_set_static_name (source, "[trackfix] scanner dispatch");
  state->dispatch_source = source; /* keeps the reference */
  g_source_attach (source, state->context);
}

static void
flush_batch (Walk *walk)
{
  ScanState *state = walk->state;
  GPtrArray *batch = walk->batch;

  if (batch->len == 0)
    return;

  g_mutex_lock (&state->mutex);
  while (state->n_pushed - state->n_delivered + batch->len > MAX_IN_FLIGHT && !scan_cancelled (state))
    {
      gint64 deadline = g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND;

      g_cond_wait_until (&state->cond, &state->mutex, deadline);
    }
  for (guint i = 0; i < batch->len; i++)
    ((Job *) g_ptr_array_index (batch, i))->seq = state->n_pushed++;
  g_mutex_unlock (&state->mutex);

  g_thread_pool_push (walk->pool, batch, NULL);
  walk->batch = g_ptr_array_sized_new (JOB_BATCH);
  walk->batch_size = MIN (walk->batch_size * 2, JOB_BATCH);
}

static void
push_job (Walk *walk,
          Job *job)
{
  g_ptr_array_add (walk->batch, job);
  if (walk->batch->len >= walk->batch_size)
    flush_batch (walk);
}

static void
found_job (Walk *walk,
           Job *job)
{
  g_mutex_lock (&walk->state->mutex);
  walk->state->n_found++;
  g_mutex_unlock (&walk->state->mutex);

  if (walk->collected != NULL)
    g_ptr_array_add (walk->collected, job);
  else
    push_job (walk, job);
}

gboolean
tf_scanner_skips_folder (const char *name,
                         gboolean in_maildir)
{
  /* Repair backups; and Maildir tmp/, which holds messages still being
   * written. */
  return g_str_has_prefix (name, BACKUP_PREFIX) || (in_maildir && strcmp (name, "tmp") == 0);
}

static gboolean
is_maildir (int dfd)
{
  struct stat st;

  return fstatat (dfd, "cur", &st, 0) == 0 && S_ISDIR (st.st_mode) && fstatat (dfd, "new", &st, 0) == 0 && S_ISDIR (st.st_mode);
}

/* Files that live next to mail but are never mail: Explorer / Finder
 * metadata (Thumbs.db is a CFB file and would look like a broken .msg)
 * and Maildir bookkeeping. */
static gboolean
is_metadata_file (const char *name,
                  gboolean in_maildir)
{
  if (g_ascii_strcasecmp (name, "Thumbs.db") == 0 || g_ascii_strcasecmp (name, "desktop.ini") == 0 || strcmp (name, ".DS_Store") == 0)
    return TRUE;

  if (in_maildir && (strcmp (name, "maildirfolder") == 0 || strcmp (name, "subscriptions") == 0 || g_str_has_prefix (name, "dovecot") || g_str_has_prefix (name, "courierimap")))
    return TRUE;

  return FALSE;
}

static void walk_dir (Walk *walk,
                      int dfd,
                      const char *path,
                      const char *file_path,
                      guint depth);

static void
walk_subdir (Walk *walk,
             int parent_fd,
             const char *name,
             const char *path,
             const char *file_path,
             guint depth)
{
  struct stat st;
  int fd;

  if (depth >= MAX_DEPTH)
    {
      found_job (walk, job_new (path, file_path,
                                g_strdup_printf (_ ("Folders are nested more than %u levels deep here; "
                                                    "this folder was not read."),
                                                 (guint) MAX_DEPTH)));
      return;
    }

  fd = openat (parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      int saved_errno = errno;

      found_job (walk, job_new (path, file_path,
                                /* Translators: %s is an error message such as "Permission denied" */
                                g_strdup_printf (_ ("Cannot open the folder: %s"), g_strerror (saved_errno))));
      return;
    }

  if (fstat (fd, &st) != 0 || !mark_visited (walk, &st))
    {
      close (fd);
      return;
    }

  walk_dir (walk, fd, path, file_path, depth + 1);
}

/* Takes ownership of @dfd. */
static void
walk_dir (Walk *walk,
          int dfd,
          const char *path,
          const char *file_path,
          guint depth)
{
  struct dirent *de;
  gboolean maildir;
  DIR *dir;

  dir = fdopendir (dfd);
  if (dir == NULL)
    {
      int saved_errno = errno;

      close (dfd);
      found_job (walk, job_new (path, file_path,
                                g_strdup_printf (_ ("Cannot open the folder: %s"), g_strerror (saved_errno))));
      return;
    }

  maildir = is_maildir (dfd);

  while (!scan_cancelled (walk->state))
    {
      g_autofree char *child_path = NULL;
      g_autofree char *child_file_path = NULL;
      const char *name;
      unsigned char type;
      struct stat st;

      errno = 0;
      de = readdir (dir);
      if (de == NULL)
        {
          if (errno != 0)
            {
              int saved_errno = errno;

              found_job (walk, job_new (path, file_path,
                                        /* Translators: %s is an error message such as "Input/output error" */
                                        g_strdup_printf (_ ("Cannot list the folder: %s"), g_strerror (saved_errno))));
            }
          break;
        }

      name = de->d_name;
      if (strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
        continue;

      type = de->d_type;
      if (type == DT_UNKNOWN)
        {
          if (fstatat (dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue; /* vanished since readdir */
          type = S_ISDIR (st.st_mode) ? DT_DIR : S_ISLNK (st.st_mode) ? DT_LNK
                                             : S_ISREG (st.st_mode)   ? DT_REG
                                                                      : DT_FIFO;
        }

      if (type == DT_LNK)
        {
          /* Symlinked files are read; symlinked folders are not followed
           * (loops, and reading the same queue twice). A dangling link is
           * reported when reading it fails. */
          if (fstatat (dfd, name, &st, 0) == 0 && S_ISDIR (st.st_mode))
            continue;
          type = DT_REG;
        }

      if (type == DT_DIR)
        {
          if (tf_scanner_skips_folder (name, maildir))
            continue;
        }
      else if (is_metadata_file (name, maildir) || tf_safe_is_temp_name (name))
        {
          /* Also a repair's temp file, about to be renamed over its
           * original (tf-safe-io): never an item of its own. */
          continue;
        }

      child_path = join_path (path, name);
      child_file_path = path == file_path || strcmp (path, file_path) == 0
                            ? NULL
                            : join_path (file_path, name);

      if (type == DT_DIR)
        walk_subdir (walk, dfd, name, child_path,
                     child_file_path != NULL ? child_file_path : child_path, depth);
      else
        found_job (walk, job_new (child_path,
                                  child_file_path != NULL ? child_file_path : child_path, NULL));
    }

  closedir (dir);

  /* Files of a small folder need not wait for the next folder's */
  if (walk->collected == NULL)
    flush_batch (walk);
}

static int
compare_jobs (gconstpointer a,
              gconstpointer b)
{
  const Job *x = *(Job *const *) a;
  const Job *y = *(Job *const *) b;

  return strcmp (x->path, y->path);
}

static void
walk_argument (Walk *walk,
               const char *path,
               const char *file_path)
{
  ScanState *state = walk->state;
  struct stat st;
  int fd;

  if (state->ordered)
    walk->collected = g_ptr_array_new ();
  walk->visited = g_hash_table_new_full (dir_id_hash, dir_id_equal, g_free, NULL);

  /* The argument itself is followed when it is a symlink: the user named it. */
  if (stat (file_path, &st) == 0 && S_ISDIR (st.st_mode))
    {
      fd = open (file_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0)
        {
          int saved_errno = errno;

          found_job (walk, job_new (path, file_path,
                                    g_strdup_printf (_ ("Cannot open the folder: %s"), g_strerror (saved_errno))));
        }
      else
        {
          mark_visited (walk, &st);
          walk_dir (walk, fd, path, file_path, 0);
        }
    }
  else
    {
      found_job (walk, job_new (path, file_path, NULL));
    }

  if (walk->collected != NULL)
    {
      g_ptr_array_sort (walk->collected, compare_jobs);
      for (guint i = 0; i < walk->collected->len; i++)
        push_job (walk, g_ptr_array_index (walk->collected, i));
      g_clear_pointer (&walk->collected, g_ptr_array_unref);
    }
  flush_batch (walk);

  g_clear_pointer (&walk->visited, g_hash_table_unref);
}

/* A worker's progress inside one file (a PST's messages) */
typedef struct
{
  ScanState *state;
  Job *job;
} FileProgress;

static void
file_progress_cb (guint done,
                  guint total,
                  gpointer user_data)
{
  FileProgress *progress = user_data;
  ScanState *state = progress->state;

  g_mutex_lock (&state->mutex);
  if (g_strcmp0 (state->progress_path, progress->job->path) != 0)
    {
      g_free (state->progress_path);
      state->progress_path = g_strdup (progress->job->path);
    }
  state->progress_done = done;
  state->progress_total = total;
  state->progress_dirty = TRUE;
  schedule_dispatch_locked (state, FALSE);
  g_mutex_unlock (&state->mutex);
}

/* The file is read: its progress is no longer news */
static void
end_file_progress_locked (ScanState *state,
                          Job *job)
{
  if (state->progress_path != NULL && strcmp (state->progress_path, job->path) == 0)
    {
      g_clear_pointer (&state->progress_path, g_free);
      state->progress_dirty = TRUE;
    }
}

/* Under mutex, on a worker: takes the batches the main context handed
 * out while a big file streamed its items, for the worker to unref after
 * unlocking. For a consumer that only prints the items (the CLI) these
 * are the last references, and the reader's thread is then where the
 * items are freed. glibc's malloc takes the lock of the arena a block
 * came from for each free() from another thread, so a reader allocating
 * items and the main thread freeing them waited on that lock every few
 * items: a quarter of a 20,000-message PST scan's wall time
 * (tests/bench/RESULTS.md, "Issue 14, session 11"). */
static GPtrArray *
take_delivered_locked (ScanState *state)
{
  GPtrArray *taken;

  if (state->delivered->len == 0)
    return NULL;
  taken = g_steal_pointer (&state->delivered);
  state->delivered = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  return taken;
}

/* tf_read_progress_items(): a big file's items, while it is read */
static void
stream_items_cb (GPtrArray *items,
                 guint first,
                 gpointer user_data)
{
  FileProgress *progress = user_data;
  ScanState *state = progress->state;
  Job *job = progress->job;
  g_autoptr (GPtrArray) delivered = NULL;

  g_mutex_lock (&state->mutex);
  delivered = take_delivered_locked (state);
  if (job->streamed == NULL)
    {
      job->streamed = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (state->streaming, job);
    }
  for (guint i = first; i < items->len; i++)
    g_ptr_array_add (job->streamed, g_object_ref (g_ptr_array_index (items, i)));
  g_ptr_array_remove_range (items, first, items->len - first);
  schedule_dispatch_locked (state, job->streamed->len >= STREAM_URGENT);
  /* A slow consumer holds the reader back (in ordered mode also until the
   * files before this one were delivered; they are read by other workers
   * or done, so this never waits for itself) */
  while (job->streamed->len >= STREAM_MAX && !scan_cancelled (state))
    {
      gint64 deadline = g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND;

      g_cond_wait_until (&state->cond, &state->mutex, deadline);
    }
  g_mutex_unlock (&state->mutex);
}

/* The file is read: items it streamed and did not see delivered go first */
static void
end_streaming_locked (ScanState *state,
                      Job *job)
{
  if (job->streamed == NULL)
    return;
  g_ptr_array_remove_fast (state->streaming, job);
  if (job->items != NULL)
    g_ptr_array_extend_and_steal (job->streamed, g_steal_pointer (&job->items));
  job->items = g_steal_pointer (&job->streamed);
}

static gboolean
read_with_progress (ScanState *state,
                    Job *job,
                    const char *file_path,
                    GError **error)
{
  FileProgress progress = { state, job };
  TfReadProgress read_progress = {
    .cancellable = state->cancellable,
    .func = state->progress_func != NULL ? file_progress_cb : NULL,
    .user_data = &progress,
    .items_func = stream_items_cb,
  };
  gboolean ok;

  tf_read_progress_push (&read_progress);
  ok = tf_read_file (file_path, job->path, state->flags, job->items, error);
  tf_read_progress_pop ();

  return ok;
}

/* Delivers the known items of @job's file when it did not change since
 * they were read: same lstat() size and modification time (a symlink is
 * always read: its items carry its target's). */
static gboolean
take_known (ScanState *state,
            Job *job,
            const char *file_path)
{
  const KnownItem *first;
  KnownFile *file;
  struct stat st;

  if (state->known_files == NULL)
    return FALSE;
  file = g_hash_table_lookup (state->known_files, file_path);
  if (file == NULL || lstat (file_path, &st) != 0 || !S_ISREG (st.st_mode))
    return FALSE;

  first = &g_array_index (state->known, KnownItem, file->first);
  if ((guint64) st.st_size != first->file_size || tf_stat_mtime_usec (&st) != first->file_mtime_usec
      || !g_atomic_int_compare_and_exchange (&file->taken, 0, 1))
    return FALSE;

  for (guint i = 0; i < file->n; i++)
    g_ptr_array_add (job->items, g_object_ref (first[i].item));

  g_mutex_lock (&state->mutex);
  state->n_reused++;
  g_mutex_unlock (&state->mutex);

  return TRUE;
}

static void
read_one (ScanState *state,
          Job *job)
{
  const char *file_path = job->file_path != NULL ? job->file_path : job->path;
  gboolean urgent;
  g_autoptr (GPtrArray) delivered = NULL;

  if (!scan_cancelled (state))
    {
      job->items = g_ptr_array_new_with_free_func (g_object_unref);

      if (job->error != NULL)
        {
          g_ptr_array_add (job->items,
                           tf_item_new_parse_error (job->path, file_path,
                                                    TF_FORMAT_UNKNOWN, job->error));
        }
      else if (!take_known (state, job, file_path))
        {
          g_autoptr (GError) error = NULL;

          if (!read_with_progress (state, job, file_path, &error))
            g_ptr_array_add (job->items,
                             tf_item_new_parse_error (job->path, file_path,
                                                      TF_FORMAT_UNKNOWN, error->message));
        }
    }

  g_mutex_lock (&state->mutex);
  end_file_progress_locked (state, job);
  end_streaming_locked (state, job);
  state->n_read++;
  if (state->ordered)
    g_hash_table_insert (state->done_by_seq, &job->seq, job);
  else
    g_ptr_array_add (state->done, job);
  urgent = state->n_read - state->n_delivered >= MAX_IN_FLIGHT / 2;
  schedule_dispatch_locked (state, urgent);
  delivered = take_delivered_locked (state);
  g_mutex_unlock (&state->mutex);
}

/* Pool threads are exclusive to one scan (they end with its pool), so
 * lowering one's priority never leaks into other work. */
static void
lower_thread_priority (void)
{
#ifdef __linux__
  static GPrivate lowered;
  long tid = syscall (SYS_gettid);
  int nice_value;

  if (g_private_get (&lowered) != NULL)
    return;
  g_private_set (&lowered, GINT_TO_POINTER (1));

  /* On Linux a thread id names just that thread */
  errno = 0;
  nice_value = getpriority (PRIO_PROCESS, (id_t) tid);
  if (errno == 0 && setpriority (PRIO_PROCESS, (id_t) tid, MIN (nice_value + LOW_PRIORITY_NICE, 19)) != 0)
    g_debug ("Cannot lower the priority of a scanner worker: %s", g_strerror (errno));
#endif
}

/* One pool task: a batch of jobs from flush_batch() */
static void
read_job (gpointer data,
          gpointer user_data)
{
  GPtrArray *batch = data;
  ScanState *state = user_data;

  if (state->low_priority)
    lower_thread_priority ();

  for (guint i = 0; i < batch->len; i++)
    read_one (state, g_ptr_array_index (batch, i));
  g_ptr_array_unref (batch);
}

/* Checks every argument before anything is read, so a typo fails the whole
 * scan instead of producing a partial report. */
static gboolean
resolve_arguments (ScanState *state,
                   GPtrArray *paths,
                   GPtrArray *file_paths,
                   GError **error)
{
  for (guint i = 0; state->paths[i] != NULL; i++)
    {
      const char *arg = state->paths[i];
      g_autofree char *file_path = NULL;
      const char *scheme = NULL;
      struct stat st;

      /* A URI only when no local path has that name ("a:b" is a file name). */
      if (lstat (arg, &st) != 0)
        scheme = g_uri_peek_scheme (arg);

      if (scheme != NULL)
        {
          g_autoptr (GFile) file = g_file_new_for_uri (arg);

          file_path = g_file_get_path (file);
          if (file_path == NULL)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           /* Translators: %s is a URI the user gave */
                           _ ("Only local files can be scanned: %s"), arg);
              return FALSE;
            }
        }
      else
        {
          file_path = g_strdup (arg);
        }

      if (stat (file_path, &st) != 0 && (errno == ENOENT || errno == ENOTDIR))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       /* Translators: %s is a path the user gave */
                       _ ("No such file or folder: %s"), arg);
          return FALSE;
        }

      g_ptr_array_add (paths, scheme != NULL ? g_strdup (file_path) : g_strdup (arg));
      g_ptr_array_add (file_paths, g_steal_pointer (&file_path));
    }

  return TRUE;
}

static void
known_item_clear (gpointer data)
{
  KnownItem *known = data;

  g_clear_object (&known->item);
}

/* By file, then in the order a reader makes a file's items */
static int
compare_known (gconstpointer a,
               gconstpointer b)
{
  const KnownItem *x = a;
  const KnownItem *y = b;
  int cmp = strcmp (x->file_path, y->file_path);

  if (cmp != 0)
    return cmp;
  if (x->mbox_index != y->mbox_index)
    return x->mbox_index < y->mbox_index ? -1 : 1;
  if (x->offset != y->offset)
    return x->offset < y->offset ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* Whether the @n items from @first can stand for their file: one size and
 * time (a repair refreshed them all), no read error to retry, and no
 * message twice (the file was given twice: read it again) */
static gboolean
known_file_usable (const KnownItem *first,
                   guint n)
{
  for (guint i = 0; i < n; i++)
    {
      if (first[i].parse_error || first[i].file_size != first->file_size
          || first[i].file_mtime_usec != first->file_mtime_usec)
        return FALSE;
      if (i > 0 && first[i].mbox_index > 0 && first[i].mbox_index == first[i - 1].mbox_index)
        return FALSE;
    }
  return TRUE;
}

/* Walker thread, before any job is pushed */
static void
index_known (ScanState *state)
{
  GArray *known = state->known;

  if (known == NULL)
    return;

  g_array_sort (known, compare_known);
  state->known_files = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  for (guint i = 0, n; i < known->len; i += n)
    {
      const KnownItem *first = &g_array_index (known, KnownItem, i);

      for (n = 1; i + n < known->len; n++)
        if (strcmp (g_array_index (known, KnownItem, i + n).file_path, first->file_path) != 0)
          break;

      if (known_file_usable (first, n))
        {
          KnownFile *file = g_new0 (KnownFile, 1);

          file->first = i;
          file->n = n;
          g_hash_table_insert (state->known_files, (gpointer) first->file_path, file);
        }
    }
}

static gpointer
walk_thread (gpointer data)
{
  ScanState *state = data;
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) file_paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;

  if (resolve_arguments (state, paths, file_paths, &error))
    {
      Walk walk = { state, NULL, NULL, NULL, NULL, 1 };

      walk.batch = g_ptr_array_sized_new (JOB_BATCH);
      index_known (state);

      walk.pool = g_thread_pool_new (read_job, state, (gint) state->n_workers, TRUE, &error);
      if (walk.pool != NULL)
        {
          for (guint i = 0; i < paths->len && !scan_cancelled (state); i++)
            walk_argument (&walk, g_ptr_array_index (paths, i), g_ptr_array_index (file_paths, i));

          /* Waits until every pushed file is read. */
          g_thread_pool_free (walk.pool, FALSE, TRUE);
        }
      g_ptr_array_unref (walk.batch);
    }

  /* No worker looks at them any more: the old items of files that
   * changed or vanished need not live until the scan's end */
  g_clear_pointer (&state->known_files, g_hash_table_unref);
  g_clear_pointer (&state->known, g_array_unref);

  g_mutex_lock (&state->mutex);
  if (state->n_reused > 0)
    g_debug ("%u of %u files unchanged since the last scan, not read again",
             state->n_reused, state->n_read);
  state->walk_done = TRUE;
  state->error = g_steal_pointer (&error);
  schedule_dispatch_locked (state, TRUE);
  g_mutex_unlock (&state->mutex);

  scan_state_unref (state);

  return NULL;
}

/* Under mutex: the items that files still being read streamed and that
 * may be delivered now (in ordered mode only those of the next file), or
 * NULL */
static GPtrArray *
take_streamed_locked (ScanState *state)
{
  GPtrArray *taken = NULL;

  for (guint i = 0; i < state->streaming->len; i++)
    {
      Job *job = g_ptr_array_index (state->streaming, i);

      if (job->streamed->len == 0 || (state->ordered && job->seq != state->next_seq))
        continue;
      if (taken == NULL)
        taken = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_extend_and_steal (taken, g_steal_pointer (&job->streamed));
      job->streamed = g_ptr_array_new_with_free_func (g_object_unref);
    }
  return taken;
}

static gboolean
dispatch_cb (gpointer data)
{
  ScanState *state = data;
  g_autoptr (GPtrArray) jobs = NULL;
  g_autoptr (GPtrArray) streamed = NULL;
  g_autoptr (GError) error = NULL;
  guint n_read, n_found;
  gboolean finished;
  g_autofree char *progress_path = NULL;
  guint progress_done = 0;
  guint progress_total = 0;
  gboolean progress_dirty;

  jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) job_free);

  g_mutex_lock (&state->mutex);
  g_clear_pointer (&state->dispatch_source, g_source_unref);
  if (state->ordered)
    {
      Job *job;

      while ((job = g_hash_table_lookup (state->done_by_seq, &state->next_seq)) != NULL)
        {
          g_hash_table_steal (state->done_by_seq, &state->next_seq);
          g_ptr_array_add (jobs, job);
          state->next_seq++;
        }
    }
  else
    {
      g_ptr_array_extend_and_steal (jobs, g_steal_pointer (&state->done));
      state->done = g_ptr_array_new_with_free_func ((GDestroyNotify) job_free);
    }
  streamed = take_streamed_locked (state);
  state->n_delivered += jobs->len;
  n_read = state->n_read;
  n_found = state->n_found;
  progress_dirty = state->progress_dirty;
  if (progress_dirty)
    {
      progress_path = g_strdup (state->progress_path);
      progress_done = state->progress_done;
      progress_total = state->progress_total;
      state->progress_dirty = FALSE;
    }
  finished = state->walk_done && state->n_delivered == state->n_pushed;
  if (finished && state->error != NULL)
    error = g_steal_pointer (&state->error);
  g_cond_broadcast (&state->cond);
  g_mutex_unlock (&state->mutex);

  if (state->task == NULL)
    return G_SOURCE_REMOVE;

  if ((jobs->len > 0 || streamed != NULL) && state->items_func != NULL && !scan_cancelled (state))
    {
      g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
      gboolean only_streamed = TRUE;

      for (guint i = 0; i < jobs->len; i++)
        {
          Job *job = g_ptr_array_index (jobs, i);

          if (job->items != NULL && job->items->len > 0)
            {
              only_streamed = FALSE;
              g_ptr_array_extend_and_steal (items, g_steal_pointer (&job->items));
            }
        }
      if (streamed != NULL)
        g_ptr_array_extend_and_steal (items, g_steal_pointer (&streamed));

      if (items->len > 0)
        state->items_func (items, n_read, MAX (n_read, n_found), state->items_data);
      /* Streamed items are new (never a known item of the last scan): while
       * a big file is read, its reader frees them (take_delivered_locked()) */
      if (only_streamed)
        {
          g_mutex_lock (&state->mutex);
          if (state->streaming->len > 0)
            g_ptr_array_add (state->delivered, g_steal_pointer (&items));
          g_mutex_unlock (&state->mutex);
        }
    }

  if (progress_dirty && state->progress_func != NULL && !scan_cancelled (state))
    state->progress_func (progress_path, progress_done, progress_total, state->items_data);

  if (finished)
    {
      g_autoptr (GTask) task = g_steal_pointer (&state->task);

      if (state->items_destroy != NULL)
        g_steal_pointer (&state->items_destroy) (state->items_data);

      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else if (!g_task_return_error_if_cancelled (task))
        g_task_return_boolean (task, TRUE);
    }

  return G_SOURCE_REMOVE;
}

static void
tf_scanner_finalize (GObject *object)
{
  TfScanner *self = TF_SCANNER (object);

  g_clear_pointer (&self->known, g_array_unref);

  G_OBJECT_CLASS (tf_scanner_parent_class)->finalize (object);
}

static void
tf_scanner_class_init (TfScannerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tf_scanner_finalize;
}

static void
tf_scanner_init (TfScanner *self)
{
  self->flags = TF_READ_NONE;
  self->n_workers = 0;
  self->ordered = FALSE;
}

/**
 * tf_scanner_new:
 *
 * Returns: (transfer full): a new scanner reading summaries
 *   (%TF_READ_NONE) on one worker per processor, unordered
 */
TfScanner *
tf_scanner_new (void)
{
  return g_object_new (TF_TYPE_SCANNER, NULL);
}

void
tf_scanner_set_flags (TfScanner *self,
                      TfReadFlags flags)
{
  g_return_if_fail (TF_IS_SCANNER (self));

  self->flags = flags;
}

void
tf_scanner_set_n_workers (TfScanner *self,
                          guint n_workers)
{
  g_return_if_fail (TF_IS_SCANNER (self));

  self->n_workers = n_workers;
}

void
tf_scanner_set_low_priority (TfScanner *self,
                             gboolean low_priority)
{
  g_return_if_fail (TF_IS_SCANNER (self));

  self->low_priority = !!low_priority;
}

void
tf_scanner_set_progress_func (TfScanner *self,
                              TfScannerProgressFunc progress_func)
{
  g_return_if_fail (TF_IS_SCANNER (self));

  self->progress_func = progress_func;
}

void
tf_scanner_set_ordered (TfScanner *self,
                        gboolean ordered)
{
  g_return_if_fail (TF_IS_SCANNER (self));

  self->ordered = !!ordered;
}

/* On the caller's thread: what workers may compare, copied before a
 * repair there can change it */
void
tf_scanner_add_known_items (TfScanner *self,
                            GPtrArray *items)
{
  g_return_if_fail (TF_IS_SCANNER (self));
  g_return_if_fail (items != NULL);

  if (self->known == NULL)
    {
      self->known = g_array_sized_new (FALSE, FALSE, sizeof (KnownItem), items->len);
      g_array_set_clear_func (self->known, known_item_clear);
    }
  for (guint i = 0; i < items->len; i++)
    {
      TfItem *item = g_ptr_array_index (items, i);
      KnownItem copy = {
        .item = g_object_ref (item),
        .file_path = tf_item_get_file_path (item),
        .file_size = tf_item_get_file_size (item),
        .file_mtime_usec = tf_item_get_file_mtime_usec (item),
        .offset = tf_item_get_offset (item),
        .mbox_index = tf_item_get_mbox_index (item),
        .index = self->known->len,
        .parse_error = tf_item_has_finding (item, TF_FINDING_PARSE_ERROR),
      };

      g_array_append_val (self->known, copy);
    }
}

void
tf_scanner_set_known_items (TfScanner *self,
                            GPtrArray *items)
{
  g_return_if_fail (TF_IS_SCANNER (self));

  g_clear_pointer (&self->known, g_array_unref);
  if (items != NULL)
    tf_scanner_add_known_items (self, items);
}

static void
scan_async_internal (TfScanner *self,
                     const char *const *paths,
                     gboolean ordered,
                     GCancellable *cancellable,
                     TfScannerItemsFunc items_func,
                     gpointer items_data,
                     GDestroyNotify items_destroy,
                     GAsyncReadyCallback callback,
                     gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  ScanState *state;

  tf_core_init ();

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tf_scanner_scan_async);
  g_task_set_name (task, "[trackfix] scan");

  state = g_atomic_rc_box_new0 (ScanState);
  g_mutex_init (&state->mutex);
  g_cond_init (&state->cond);
  state->context = g_main_context_ref_thread_default ();
  /* Always have one, so workers can check it without NULL tests. */
  state->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  state->paths = g_strdupv ((char **) paths);
  state->flags = self->flags;
  state->ordered = ordered;
  state->low_priority = self->low_priority;
  state->n_workers = self->n_workers > 0 ? self->n_workers : MAX (1, g_get_num_processors ());
  state->items_func = items_func;
  state->items_data = items_data;
  state->items_destroy = items_destroy;
  state->progress_func = self->progress_func;
  if (self->known != NULL)
    {
      state->known = g_steal_pointer (&self->known);
    }
  /* Both own the jobs parked in them (the key lives in the job) */
  state->done_by_seq = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, (GDestroyNotify) job_free);
  state->done = g_ptr_array_new_with_free_func ((GDestroyNotify) job_free);
  state->streaming = g_ptr_array_new ();
  state->delivered = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  state->task = g_object_ref (task);

  g_task_set_task_data (task, scan_state_ref (state), scan_state_unref);

  g_thread_unref (g_thread_new ("tf-scan-walk", walk_thread, state));
}

/**
 * tf_scanner_scan_async:
 * @self: a #TfScanner
 * @paths: (array zero-terminated=1): files or folders
 * @cancellable: (nullable): a #GCancellable
 * @items_func: (scope notified) (nullable): receives batches of items
 * @items_data: data for @items_func
 * @items_destroy: (nullable): frees @items_data when the scan is over
 * @callback: called when every batch was delivered
 * @user_data: data for @callback
 *
 * Reads every file under @paths on a worker pool and hands the items to
 * @items_func on the caller's thread-default main context.
 */
void
tf_scanner_scan_async (TfScanner *self,
                       const char *const *paths,
                       GCancellable *cancellable,
                       TfScannerItemsFunc items_func,
                       gpointer items_data,
                       GDestroyNotify items_destroy,
                       GAsyncReadyCallback callback,
                       gpointer user_data)
{
  g_return_if_fail (TF_IS_SCANNER (self));
  g_return_if_fail (paths != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  scan_async_internal (self, paths, self->ordered, cancellable, items_func, items_data,
                       items_destroy, callback, user_data);
}

/**
 * tf_scanner_scan_finish:
 * @self: a #TfScanner
 * @result: the #GAsyncResult
 * @n_files: (out) (optional): number of files read
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the scan completed
 */
gboolean
tf_scanner_scan_finish (TfScanner *self,
                        GAsyncResult *result,
                        guint *n_files,
                        GError **error)
{
  ScanState *state;

  g_return_val_if_fail (TF_IS_SCANNER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  state = g_task_get_task_data (G_TASK (result));
  if (n_files != NULL)
    {
      g_mutex_lock (&state->mutex);
      *n_files = state->n_read;
      g_mutex_unlock (&state->mutex);
    }

  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  GPtrArray *items;
  GAsyncResult *result;
} SyncScan;

static void
sync_items_cb (GPtrArray *items,
               guint n_files_done,
               guint n_files_total,
               gpointer user_data)
{
  SyncScan *sync = user_data;

  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (sync->items, g_object_ref (g_ptr_array_index (items, i)));
}

static void
sync_done_cb (GObject *object,
              GAsyncResult *result,
              gpointer user_data)
{
  SyncScan *sync = user_data;

  sync->result = g_object_ref (result);
}

/**
 * tf_scanner_scan_sync:
 * @self: a #TfScanner
 * @paths: (array zero-terminated=1): files or folders
 * @cancellable: (nullable): a #GCancellable
 * @n_files: (out) (optional): number of files read
 * @error: return location for a #GError
 *
 * Blocking form of tf_scanner_scan_async(), always ordered.
 *
 * Returns: (transfer full) (element-type TfItem) (nullable): every item,
 *   sorted by path within each argument, or %NULL on error
 */
GPtrArray *
tf_scanner_scan_sync (TfScanner *self,
                      const char *const *paths,
                      GCancellable *cancellable,
                      guint *n_files,
                      GError **error)
{
  g_autoptr (GMainContext) context = NULL;
  g_autoptr (GPtrArray) items = NULL;
  SyncScan sync = { NULL, NULL };
  gboolean ok;

  g_return_val_if_fail (TF_IS_SCANNER (self), NULL);
  g_return_val_if_fail (paths != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  items = g_ptr_array_new_with_free_func (g_object_unref);
  sync.items = items;

  context = g_main_context_new ();
  g_main_context_push_thread_default (context);

  scan_async_internal (self, paths, TRUE, cancellable, sync_items_cb, &sync, NULL,
                       sync_done_cb, &sync);
  while (sync.result == NULL)
    g_main_context_iteration (context, TRUE);

  ok = tf_scanner_scan_finish (self, sync.result, n_files, error);
  g_clear_object (&sync.result);

  /* Let the last idle sources release their references. */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);

  return ok ? g_steal_pointer (&items) : NULL;
}
