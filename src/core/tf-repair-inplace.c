/* tf-repair-inplace.c — patching a large file in place (PST), and undoing it
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

/* copy_file_range() */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/fs.h>
#endif

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <openssl/evp.h>

#include "tf-pst-private.h"
#include "tf-pst.h"
#include "tf-repair-private.h"

/* A PST may hold gigabytes, and a repair changes 12 bytes per row. The
 * other formats are rewritten through a temp file and a rename
 * (tf-repair-run.c); copying a mailbox file for that would cost minutes
 * and as much free space again. So a PST is patched where it lies, with
 * the same promises kept another way:
 *
 *   1. The file is opened once, O_NOFOLLOW, and locked (flock, exclusive,
 *      not waiting); it must have the scan's size and mtime.
 *   2. The writer (tf-repair-pst.c) re-reads every block it touches
 *      through the BBT and checks header CRC, block place, size, CRC,
 *      reference count, existence bits and old values.
 *   3. One pass over the file computes its SHA-256 before and, with the
 *      edits applied in memory, after (the two digests on two threads,
 *      see tf_repair_inplace_hash()); size and mtime are checked again.
 *   4. With --backup-dir, a full copy (FICLONE reflink, else an in-kernel
 *      copy), fsynced and hash-checked.
 *   5. The journal entry (write-ahead, fsynced) holds both hashes and every
 *      range with its old and new bytes: undo needs no copy.
 *   6. Each range is checked to still hold its old bytes, then written with
 *      pwrite(); fsync(); every range is read back.
 *   7. Verification at run time is done with our reader: the items of the
 *      job (only those: tf_pst_read_nids_fd(), with the scan's code) are
 *      read again from disk and compared field by field with the
 *      scan (tf_repair_verify_item(): only the planned values may change,
 *      no finding may appear), and every touched block's CRC must verify.
 *      libpff is not used at run time: it is not a run-time dependency
 *      (Debian packages it as a library nobody needs to run Trackfix), it
 *      ignores block CRCs and the cell existence bitmap, so it could only
 *      confirm the value, which our reader checks already. The tests check
 *      every repaired fixture with libpff (pst-probe), readpst and
 *      pffexport (tests/core/test-repair-pst.c, tests/sh/test-cli-repair-pst.sh).
 *   8. Should the verification fail, the old bytes are written back at
 *      once (journaled as an undo), and the result says so.
 *
 * A crash between 6 and the fsync leaves some ranges old and some new; the
 * journal entry is on disk already, and undo restores each range from it
 * (it accepts a file whose ranges each hold either their old or new bytes
 * only when the whole-file hash then matches — see tf_repair_inplace_undo()). */

#define HASH_CHUNK (1024 * 1024)
/* Longest range written in place (a PST patch writes 8 or 4 bytes) */
#define TF_REPAIR_INPLACE_MAX_RANGE 4096

/* ------------------------------------------------------------------ */
/* Files and ranges                                                    */

static void
set_errno_error (GError **error,
                 int saved_errno,
                 const char *path)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "%s: %s", display, g_strerror (saved_errno));
}

/* Opens @path without following a symlink, as a regular file, and takes
 * the lock every Trackfix writer takes; -1 with @error otherwise. */
static int
open_locked (const char *path,
             gboolean write,
             struct stat *st,
             GError **error)
{
  int fd = open (path, (write ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

  if (fd < 0)
    {
      if (errno == ELOOP)
        g_set_error_literal (error, TF_ERROR, TF_ERROR_REFUSED, _ ("The file is a symbolic link; Trackfix does not write through links"));
      else
        set_errno_error (error, errno, path);
      return -1;
    }
  if (fstat (fd, st) != 0 || !S_ISREG (st->st_mode))
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_REFUSED, _ ("Not a regular file (a device, pipe or socket)."));
      close (fd);
      return -1;
    }
  if (flock (fd, (write ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0 && errno == EWOULDBLOCK)
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_REFUSED, _ ("The file is in use by another program; close it and try again"));
      close (fd);
      return -1;
    }
  return fd;
}

/* pread() or pwrite() of all @len bytes at @offset */
static gboolean
io_all (int fd,
        guint8 *buf,
        gsize len,
        guint64 offset,
        gboolean write,
        GError **error)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = write ? pwrite (fd, buf + done, len - done, (off_t) (offset + done))
                        : pread (fd, buf + done, len - done, (off_t) (offset + done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          const char *why = n < 0 ? g_strerror (errno) : write ? _ ("nothing was written")
                                                               : _ ("unexpected end of file");

          g_set_error (error, G_IO_ERROR, n < 0 ? g_io_error_from_errno (errno) : G_IO_ERROR_FAILED,
                       write ? _ ("Cannot write the file at offset 0x%llX: %s") : _ ("Cannot read the file at offset 0x%llX: %s"),
                       (unsigned long long) (offset + done), why);
          return FALSE;
        }
      done += (gsize) n;
    }
  return TRUE;
}

static gboolean
pread_all (int fd,
           guint8 *buf,
           gsize len,
           guint64 offset,
           GError **error)
{
  return io_all (fd, buf, len, offset, FALSE, error);
}

static gboolean
pwrite_all (int fd,
            const guint8 *buf,
            gsize len,
            guint64 offset,
            GError **error)
{
  /* io_all() does not write into @buf when writing */
  return io_all (fd, (guint8 *) buf, len, offset, TRUE, error);
}

/* Whether every range holds its @after (or old) bytes on disk */
static gboolean
ranges_hold (int fd,
             GArray *ranges,
             gboolean after,
             GError **error)
{
  for (guint i = 0; i < ranges->len; i++)
    {
      const TfJournalRange *r = &g_array_index (ranges, TfJournalRange, i);
      GBytes *want = after ? r->after : r->before;
      gsize len = g_bytes_get_size (want);
      guint8 buf[TF_REPAIR_INPLACE_MAX_RANGE];

      if (len > sizeof buf || !pread_all (fd, buf, len, r->offset, error))
        {
          if (error != NULL && *error == NULL)
            g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED, _ ("A journaled range is too long"));
          return FALSE;
        }
      if (memcmp (buf, g_bytes_get_data (want, NULL), len) != 0)
        {
          g_set_error (error, TF_ERROR, TF_ERROR_CHANGED,
                       _ ("The bytes at offset 0x%llX are not the ones expected; the file changed"),
                       (unsigned long long) r->offset);
          return FALSE;
        }
    }
  return TRUE;
}

/* Writes every range's @after (or old) bytes, fsyncs, reads them back */
static gboolean
ranges_write (int fd,
              GArray *ranges,
              gboolean after,
              GError **error)
{
  for (guint i = 0; i < ranges->len; i++)
    {
      const TfJournalRange *r = &g_array_index (ranges, TfJournalRange, i);
      GBytes *data = after ? r->after : r->before;

      if (!pwrite_all (fd, g_bytes_get_data (data, NULL), g_bytes_get_size (data), r->offset, error))
        return FALSE;
    }
  if (fsync (fd) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "fsync: %s", g_strerror (errno));
      return FALSE;
    }
  return ranges_hold (fd, ranges, after, error);
}

static guint64
range_end (const TfJournalRange *r)
{
  return r->offset + g_bytes_get_size (r->after);
}

/* SHA-256 through OpenSSL's libcrypto rather than GChecksum: it uses the
 * CPU's SHA extensions (1.5 GB/s against 0.4 GB/s here), and an in-place
 * repair hashes the whole file twice (before and after), an undo twice
 * more. Same digest, hex, as tf_sha256_bytes(). */
static EVP_MD_CTX *
sha256_new (void)
{
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();

  if (ctx == NULL || EVP_DigestInit_ex (ctx, EVP_sha256 (), NULL) != 1)
    g_error ("OpenSSL cannot compute SHA-256");
  return ctx;
}

static EVP_MD_CTX *
sha256_copy (const EVP_MD_CTX *from)
{
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();

  if (ctx == NULL || EVP_MD_CTX_copy_ex (ctx, from) != 1)
    g_error ("OpenSSL cannot compute SHA-256");
  return ctx;
}

static char *
sha256_finish (EVP_MD_CTX *ctx)
{
  guint8 md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  GString *hex = g_string_sized_new (65);

  if (EVP_DigestFinal_ex (ctx, md, &len) != 1 || len != 32)
    g_error ("OpenSSL cannot compute SHA-256");
  EVP_MD_CTX_free (ctx);
  for (guint i = 0; i < len; i++)
    g_string_append_printf (hex, "%02x", md[i]);
  return g_string_free (hex, FALSE);
}

/* Feeds @ctx the @n bytes at file offset @pos (in @buf) with every
 * range's @after (or old) bytes in their place, without changing @buf
 * (the other digest reads it at the same time). @next: the first range
 * that may reach this chunk, kept from call to call. */
static void
digest_patched (EVP_MD_CTX *ctx,
                const guint8 *buf,
                guint64 pos,
                gsize n,
                GArray *ranges,
                gboolean after,
                guint *next)
{
  guint64 done = pos;

  /* Sorted, disjoint ranges: their ends increase too. A range may
   * straddle two chunks. */
  while (*next < ranges->len && range_end (&g_array_index (ranges, TfJournalRange, *next)) <= pos)
    (*next)++;
  for (guint i = *next; i < ranges->len; i++)
    {
      const TfJournalRange *r = &g_array_index (ranges, TfJournalRange, i);
      const guint8 *d = g_bytes_get_data (after ? r->after : r->before, NULL);
      guint64 from = MAX (r->offset, pos);
      guint64 to = MIN (range_end (r), pos + n);

      if (r->offset >= pos + n)
        break;
      EVP_DigestUpdate (ctx, buf + (done - pos), (gsize) (from - done));
      EVP_DigestUpdate (ctx, d + (from - r->offset), (gsize) (to - from));
      done = to;
    }
  EVP_DigestUpdate (ctx, buf + (done - pos), (gsize) (pos + n - done));
}

/* The two digests of one pass and the reading of the file run on three
 * threads: a reader fills a ring of chunks, the calling thread hashes
 * each as it is, a second thread hashes the same chunks with the ranges
 * substituted. A chunk goes back to the reader when both are done with it
 * (@refs). SHA-256 itself is sequential, so two digests are the most that
 * hashing can share; reading (copying 1 GB out of the page cache takes a
 * quarter of the pass here) is the work left to move off the two hashers,
 * and on two CPUs the three threads share them. */
#define HASH_RING 4

typedef struct
{
  guint8 *data;
  guint64 pos;
  gsize len;
  gint refs;
} HashChunk;

typedef struct
{
  EVP_MD_CTX *ctx;
  GArray *ranges;
  gboolean after;
  GAsyncQueue *todo; /* HashChunk, then the chunk with len 0: the end */
  GAsyncQueue *free; /* HashChunk the reader may fill */
  gint64 cpu;        /* the thread's CPU time, µs (bench figures) */
} PatchedHasher;

typedef struct
{
  int fd;
  guint64 size;
  GAsyncQueue *todo; /* to the calling thread; the chunk with len 0 ends */
  GAsyncQueue *free;
  HashChunk *end;
  GError *error;
  gint64 cpu;
} HashReader;

/* CPU time of the process or of the calling thread, µs */
static gint64
cpu_usec (clockid_t which)
{
  struct timespec ts;

  clock_gettime (which, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
chunk_release (HashChunk *c,
               GAsyncQueue *free)
{
  if (g_atomic_int_dec_and_test (&c->refs))
    g_async_queue_push (free, c);
}

static gpointer
patched_thread (gpointer data)
{
  PatchedHasher *h = data;
  guint next = 0;

  for (;;)
    {
      HashChunk *c = g_async_queue_pop (h->todo);

      if (c->len == 0)
        {
          h->cpu = cpu_usec (CLOCK_THREAD_CPUTIME_ID);
          return NULL;
        }
      digest_patched (h->ctx, c->data, c->pos, c->len, h->ranges, h->after, &next);
      chunk_release (c, h->free);
    }
}

/* The next chunk of the file, read into a free one of the ring, or
 * @r->end at the end of the file or on a read error (@r->error set) */
static HashChunk *
read_chunk (HashReader *r,
            guint64 *pos)
{
  HashChunk *c;

  if (*pos >= r->size)
    return r->end;
  c = g_async_queue_pop (r->free);
  c->pos = *pos;
  c->len = (gsize) MIN ((guint64) HASH_CHUNK, r->size - *pos);
  c->refs = 1;
  if (!pread_all (r->fd, c->data, c->len, *pos, &r->error))
    {
      g_async_queue_push (r->free, c);
      return r->end;
    }
  *pos += c->len;
  return c;
}

static gpointer
reader_thread (gpointer data)
{
  HashReader *r = data;
  guint64 pos = 0;
  HashChunk *c;

  do
    {
      c = read_chunk (r, &pos);
      g_async_queue_push (r->todo, c);
    }
  while (c != r->end);
  r->cpu = cpu_usec (CLOCK_THREAD_CPUTIME_ID);
  return NULL;
}

static gboolean hash_threads = TRUE;

void
tf_repair_inplace_set_hash_threads (gboolean threads)
{
  hash_threads = threads;
}

/* Both digests share the bytes up to the first range: the patched one
 * starts as a copy of the plain one there (EVP_MD_CTX_copy_ex) and goes
 * on in its thread. Without threads (g_thread_try_new() failing), the
 * calling thread does all of it. */
gboolean
tf_repair_inplace_hash (int fd,
                        guint64 size,
                        GArray *ranges,
                        gboolean after,
                        char **plain,
                        char **patched,
                        GError **error)
{
  EVP_MD_CTX *a = sha256_new ();
  PatchedHasher h = { NULL, ranges, after, NULL, NULL, 0 };
  gint64 cpu = cpu_usec (CLOCK_THREAD_CPUTIME_ID);
  HashChunk ring[HASH_RING];
  HashChunk end = { NULL, 0, 0, 0 };
  HashReader r = { fd, size, NULL, NULL, &end, NULL, 0 };
  GThread *thread = NULL;
  GThread *reader;
  guint64 read_pos = 0; /* without a reader thread */
  guint64 fork_at = patched != NULL && ranges->len > 0 ? g_array_index (ranges, TfJournalRange, 0).offset : G_MAXUINT64;
  guint next = 0;

  h.todo = g_async_queue_new ();
  h.free = g_async_queue_new ();
  r.todo = g_async_queue_new ();
  r.free = h.free;
  for (guint i = 0; i < HASH_RING; i++)
    {
      ring[i].data = g_malloc (HASH_CHUNK);
      g_async_queue_push (h.free, &ring[i]);
    }
  if (patched != NULL && fork_at == G_MAXUINT64)
    h.ctx = sha256_new ();
  reader = hash_threads ? g_thread_try_new ("trackfix-read", reader_thread, &r, NULL) : NULL;

  for (;;)
    {
      HashChunk *c = reader != NULL ? g_async_queue_pop (r.todo) : read_chunk (&r, &read_pos);

      if (c == &end)
        break;
      if (h.ctx == NULL && c->pos + c->len > fork_at)
        {
          /* The first chunk that differs: the patched digest forks */
          h.ctx = sha256_copy (a);
          thread = hash_threads ? g_thread_try_new ("trackfix-sha256", patched_thread, &h, NULL) : NULL;
        }
      if (thread != NULL)
        {
          g_atomic_int_inc (&c->refs);
          g_async_queue_push (h.todo, c);
        }
      else if (h.ctx != NULL)
        /* No second thread (or no fork yet): this one does both */
        digest_patched (h.ctx, c->data, c->pos, c->len, ranges, after, &next);
      EVP_DigestUpdate (a, c->data, c->len);
      chunk_release (c, h.free);
    }

  cpu = cpu_usec (CLOCK_THREAD_CPUTIME_ID) - cpu;
  if (thread != NULL)
    {
      g_async_queue_push (h.todo, &end);
      g_thread_join (thread);
    }
  if (reader != NULL)
    g_thread_join (reader);
  /* What each thread did: on an idle machine the pass takes the longest */
  if (patched != NULL)
    g_debug ("in-place SHA-256 pass: %.3f s CPU reading the file, %.3f s CPU hashing it, %.3f s CPU hashing it patched from byte %llu",
             (double) r.cpu / G_USEC_PER_SEC, (double) cpu / G_USEC_PER_SEC, (double) h.cpu / G_USEC_PER_SEC,
             (unsigned long long) MIN (fork_at, size));
  g_async_queue_unref (h.todo);
  g_async_queue_unref (h.free);
  g_async_queue_unref (r.todo);
  for (guint i = 0; i < HASH_RING; i++)
    g_free (ring[i].data);
  if (r.error != NULL)
    {
      g_propagate_error (error, r.error);
      EVP_MD_CTX_free (a);
      EVP_MD_CTX_free (h.ctx);
      return FALSE;
    }
  if (patched != NULL && h.ctx == NULL)
    /* No range inside the file (an empty file): both are the same */
    h.ctx = sha256_copy (a);
  *plain = sha256_finish (a);
  if (patched != NULL)
    *patched = sha256_finish (h.ctx);
  return TRUE;
}

static gint
range_cmp (gconstpointer a,
           gconstpointer b)
{
  const TfJournalRange *ra = a;
  const TfJournalRange *rb = b;

  return ra->offset < rb->offset ? -1 : ra->offset > rb->offset;
}

/* The writer's edits as journal ranges (old bytes read from the file),
 * sorted; overlapping or oversized edits are refused. */
static GArray *
ranges_from_edits (int fd,
                   GArray *edits,
                   guint64 size,
                   GError **error)
{
  g_autoptr (TfJournalEntry) holder = tf_journal_entry_new (NULL, "repair", "/");

  for (guint i = 0; i < edits->len; i++)
    {
      const TfRepairEdit *e = &g_array_index (edits, TfRepairEdit, i);
      guint8 buf[TF_REPAIR_INPLACE_MAX_RANGE];
      g_autoptr (GBytes) old = NULL;

      if (e->len == 0 || e->len > sizeof buf || g_bytes_get_size (e->replacement) != e->len || e->offset > size || e->len > size - e->offset)
        {
          g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED, _ ("An edit of an in-place repair must replace a few bytes inside the file by as many"));
          return NULL;
        }
      if (!pread_all (fd, buf, e->len, e->offset, error))
        return NULL;
      old = g_bytes_new (buf, e->len);
      tf_journal_entry_add_range (holder, e->offset, old, e->replacement);
    }
  if (holder->ranges == NULL)
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED, _ ("Nothing to write"));
      return NULL;
    }
  g_array_sort (holder->ranges, range_cmp);
  for (guint i = 1; i < holder->ranges->len; i++)
    {
      const TfJournalRange *p = &g_array_index (holder->ranges, TfJournalRange, i - 1);

      if (p->offset + g_bytes_get_size (p->after) > g_array_index (holder->ranges, TfJournalRange, i).offset)
        {
          g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED, _ ("Two changes overlap"));
          return NULL;
        }
    }
  return g_steal_pointer (&holder->ranges);
}

/* ------------------------------------------------------------------ */
/* Full copy for --backup-dir                                          */

static gboolean
copy_fd (int src,
         int dst,
         guint64 size,
         GError **error)
{
  guint64 done = 0;

#ifdef FICLONE
  /* A reflink shares the blocks until one side is written: instant, and
   * no space used, on btrfs, XFS and others */
  if (ioctl (dst, FICLONE, src) == 0)
    return TRUE;
#endif
  while (done < size)
    {
      loff_t in = (loff_t) done;
      ssize_t n = copy_file_range (src, &in, dst, NULL, (size_t) MIN (size - done, (guint64) 1 << 30), 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += (guint64) n;
    }
  while (done < size)
    {
      guint8 buf[65536];
      gsize n = (gsize) MIN ((guint64) sizeof buf, size - done);

      if (!pread_all (src, buf, n, done, error) || !pwrite_all (dst, buf, n, done, error))
        return FALSE;
      done += n;
    }
  return TRUE;
}

/* Copies the open file @fd into @backup_dir (0700) under a unique name,
 * fsyncs it and checks its SHA-256 is @sha256. */
static char *
backup_copy (int fd,
             guint64 size,
             const char *path,
             const char *backup_dir,
             const char *sha256,
             GError **error)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *when = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autofree char *abs_dir = g_canonicalize_filename (backup_dir, NULL);
  g_autofree char *target = NULL;
  g_autofree char *sha = NULL;
  int out = -1;

  if (g_mkdir_with_parents (abs_dir, 0700) != 0)
    {
      set_errno_error (error, errno, abs_dir);
      return NULL;
    }
  for (guint attempt = 0; attempt < 16 && out < 0; attempt++)
    {
      g_free (target);
      target = g_strdup_printf ("%s/%s-%08x-%s", abs_dir, when, g_random_int (), base);
      out = open (target, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (out < 0 && errno != EEXIST)
        break;
    }
  if (out < 0)
    {
      set_errno_error (error, errno, target);
      return NULL;
    }
  if (!copy_fd (fd, out, size, error) || fsync (out) != 0)
    {
      if (error != NULL && *error == NULL)
        set_errno_error (error, errno, target);
      goto fail;
    }
  if (!tf_repair_inplace_hash (out, size, NULL, FALSE, &sha, NULL, error))
    goto fail;
  if (g_strcmp0 (sha, sha256) != 0)
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED, _ ("The backup copy does not match the original"));
      goto fail;
    }
  close (out);
  if (!tf_safe_sync_fs (target, error))
    return NULL;
  return g_steal_pointer (&target);

fail:
  close (out);
  g_unlink (target);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Repair                                                              */

/* Phase times for tests/bench/bench-repair-pst.sh (G_MESSAGES_DEBUG) */
typedef struct
{
  gint64 wall;
  gint64 cpu;
} PhaseClock;

static void
phase_done (PhaseClock *clock,
            const char *phase)
{
  gint64 wall = g_get_monotonic_time ();
  gint64 cpu = cpu_usec (CLOCK_PROCESS_CPUTIME_ID);

  if (clock->wall != 0)
    g_debug ("in-place %s: %.3f s wall, %.3f s CPU", phase,
             (double) (wall - clock->wall) / G_USEC_PER_SEC, (double) (cpu - clock->cpu) / G_USEC_PER_SEC);
  clock->wall = wall;
  clock->cpu = cpu;
}

static TfRepairInplaceTestHook test_hook;
static gpointer test_hook_data;

void
tf_repair_inplace_set_test_hook (TfRepairInplaceTestHook hook,
                                 gpointer user_data)
{
  test_hook = hook;
  test_hook_data = user_data;
}

gboolean
tf_repair_job_in_place (TfRepairFileJob *job)
{
  for (guint i = 0; i < job->items->len; i++)
    {
      TfFormat format = tf_item_get_format (g_ptr_array_index (job->items, i));

      if (format == TF_FORMAT_PST || format == TF_FORMAT_OST)
        return TRUE;
    }
  return FALSE;
}

static TfItem *
find_by_nid (GPtrArray *items,
             const char *nid)
{
  for (guint i = 0; items != NULL && i < items->len; i++)
    if (g_strcmp0 (tf_item_get_nid (g_ptr_array_index (items, i)), nid) == 0)
      return g_ptr_array_index (items, i);
  return NULL;
}

/* Step 7: the job's items read again from disk and compared with the
 * scan; the fresh ones, in job order, into @fresh_out. */
static gboolean
verify_on_disk (TfRepairFileJob *job,
                int fd,
                guint64 size,
                GPtrArray **fresh_out,
                GError **error)
{
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) fresh = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (TfPstFile) file = NULL;
  g_autofree const char **chains = g_new0 (const char *, job->items->len + 1);

  /* Only the job's messages, with the scan's code: the rest of the file
   * is unchanged (only the ranges were written, each read back). A CRC
   * failure outside the touched blocks (a folder's block, an index page)
   * is reported on the first item read that meets it; reading fewer items
   * can move it to a touched one, and the verification then fails and
   * puts the old bytes back: on a damaged file only, and on the safe side. */
  for (guint i = 0, n = 0; i < job->items->len; i++)
    if (tf_item_get_nid (g_ptr_array_index (job->items, i)) != NULL)
      chains[n++] = tf_item_get_nid (g_ptr_array_index (job->items, i));
  tf_pst_read_nids_fd (fd, size, job->file_path, job->file_path, chains, TF_READ_NONE, all);
  for (guint i = 0; i < job->items->len; i++)
    {
      TfItem *before = g_ptr_array_index (job->items, i);
      TfItem *after = find_by_nid (all, tf_item_get_nid (before));
      g_autoptr (GPtrArray) changes = g_ptr_array_new ();

      for (guint k = 0; k < job->changes->len; k++)
        if (((TfRepairChange *) g_ptr_array_index (job->changes, k))->item == before)
          g_ptr_array_add (changes, g_ptr_array_index (job->changes, k));
      if (after == NULL)
        {
          g_set_error_literal (error, TF_ERROR, TF_ERROR_FAILED, _ ("The file no longer holds the scanned message"));
          return FALSE;
        }
      if (!tf_repair_verify_item (before, after, changes, error))
        return FALSE;
      g_ptr_array_add (fresh, g_object_ref (after));
    }

  /* Every touched block's CRC, read through the BBT again */
  file = tf_pst_file_open_fd (fd, size, error);
  if (file == NULL)
    return FALSE;
  for (guint k = 0; k < job->changes->len; k++)
    {
      TfRepairChange *change = g_ptr_array_index (job->changes, k);
      g_autoptr (TfPstData) data = tf_pst_data_read (file, change->site.pst.bid, G_MAXUINT16, error);

      if (data == NULL)
        return FALSE;
      if (data->blocks->len != 1 || !((TfPstBlock *) g_ptr_array_index (data->blocks, 0))->crc_ok)
        {
          g_set_error (error, TF_ERROR, TF_ERROR_FAILED,
                       _ ("Block 0x%llX does not verify after the write"), (unsigned long long) change->site.pst.bid);
          return FALSE;
        }
    }
  *fresh_out = g_steal_pointer (&fresh);
  return TRUE;
}

/* Steps 1-3: the file checked, the edits computed, the hashes */
static GArray *
prepare (TfRepairFileJob *job,
         TfRepairResult *result,
         int fd,
         const struct stat *st,
         GError **error)
{
  g_autoptr (TfPstFile) file = NULL;
  g_autoptr (GArray) edits = tf_repair_edits_new ();
  g_autoptr (GArray) ranges = NULL;
  struct stat again;

  for (guint i = 0; i < job->items->len; i++)
    {
      TfItem *item = g_ptr_array_index (job->items, i);

      if (tf_item_get_file_size (item) != (guint64) st->st_size || (tf_item_get_file_mtime_usec (item) != 0 && tf_item_get_file_mtime_usec (item) != tf_stat_mtime_usec (st)))
        {
          g_autofree char *display = g_filename_display_name (job->file_path);

          g_set_error (error, TF_ERROR, TF_ERROR_CHANGED, _ ("“%s” changed since it was scanned; scan it again before repairing"), display);
          return NULL;
        }
    }

  file = tf_pst_file_open_fd (fd, (guint64) st->st_size, error);
  if (file == NULL || !tf_repair_pst_edits (file, job->changes, edits, error))
    return NULL;
  ranges = ranges_from_edits (fd, edits, (guint64) st->st_size, error);
  if (ranges == NULL)
    return NULL;
  if (!tf_repair_inplace_hash (fd, (guint64) st->st_size, ranges, TRUE, &result->sha256_before, &result->sha256_after, error))
    return NULL;
  /* Nobody wrote while we hashed */
  if (fstat (fd, &again) != 0 || again.st_size != st->st_size || tf_stat_mtime_usec (&again) != tf_stat_mtime_usec (st))
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_CHANGED, _ ("The file changed while it was being read"));
      return NULL;
    }
  return g_steal_pointer (&ranges);
}

static TfJournalEntry *
entry_new (TfRepairFileJob *job,
           TfRepairResult *result,
           const char *run_id,
           GArray *ranges)
{
  TfJournalEntry *entry = tf_journal_entry_new (run_id, "repair", job->file_path);

  entry->sha256_before = g_strdup (result->sha256_before);
  entry->sha256_after = g_strdup (result->sha256_after);
  entry->backup = g_strdup (result->backup);
  g_strfreev (entry->changes);
  entry->changes = g_new0 (char *, job->changes->len + 1);
  for (guint i = 0; i < job->changes->len; i++)
    entry->changes[i] = tf_repair_change_dup_description (g_ptr_array_index (job->changes, i));
  for (guint i = 0; i < ranges->len; i++)
    {
      const TfJournalRange *r = &g_array_index (ranges, TfJournalRange, i);
      tf_journal_entry_add_range (entry, r->offset, r->before, r->after);
    }
  return entry;
}

/* Step 8: puts the old bytes back after a failed verification */
static void
roll_back (int fd,
           TfJournalEntry *entry,
           const char *journal_path,
           const char *run_id,
           TfRepairResult *result,
           const GError *why)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TfJournalEntry) undo = tf_repair_undo_entry_new (run_id, entry, entry->sha256_after, entry->sha256_before);

  for (guint i = 0; i < entry->ranges->len; i++)
    {
      const TfJournalRange *r = &g_array_index (entry->ranges, TfJournalRange, i);
      tf_journal_entry_add_range (undo, r->offset, r->after, r->before);
    }
  if (!tf_journal_append (journal_path, undo, &error) || !ranges_write (fd, entry->ranges, FALSE, &error))
    {
      g_autofree char *msg = g_strdup_printf (_ ("%s; putting the old bytes back failed too (%s): undo this run from the journal"), why->message, error->message);
      tf_repair_result_set (result, TF_REPAIR_STATUS_FAILED, msg);
      return;
    }
  {
    g_autofree char *msg = g_strdup_printf (_ ("%s; the old bytes were written back"), why->message);
    tf_repair_result_set (result, TF_REPAIR_STATUS_FAILED, msg);
  }
}

void
tf_repair_inplace_run (TfRepairFileJob *job,
                       TfRepairResult *result,
                       const char *backup_dir,
                       const char *journal_path,
                       const char *run_id,
                       gboolean dry_run)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) ranges = NULL;
  g_autoptr (TfJournalEntry) entry = NULL;
  g_autoptr (GPtrArray) fresh = NULL;
  PhaseClock clock = { 0, 0 };
  struct stat st;
  int fd;

  phase_done (&clock, "start");
  for (guint i = 0; i < job->changes->len; i++)
    g_ptr_array_add (result->changes, g_object_ref (g_ptr_array_index (job->changes, i)));

  fd = open_locked (job->file_path, !dry_run, &st, &error);
  if (fd < 0)
    {
      tf_repair_result_set_error (result, error);
      return;
    }
  ranges = prepare (job, result, fd, &st, &error);
  if (ranges == NULL)
    goto fail;
  phase_done (&clock, "check, edits and SHA-256 before/after");
  if (dry_run)
    {
      tf_repair_result_set (result, TF_REPAIR_STATUS_DONE, NULL);
      goto out;
    }

  if (backup_dir != NULL)
    {
      result->backup = backup_copy (fd, (guint64) st.st_size, job->file_path, backup_dir, result->sha256_before, &error);
      if (result->backup == NULL)
        goto fail;
    }

  phase_done (&clock, "backup copy");
  entry = entry_new (job, result, run_id, ranges);
  if (!tf_journal_append (journal_path, entry, &error) || !ranges_hold (fd, ranges, FALSE, &error))
    goto fail;
  phase_done (&clock, "journal (fsync)");
  if (!ranges_write (fd, ranges, TRUE, &error))
    {
      roll_back (fd, entry, journal_path, run_id, result, error);
      goto out;
    }
  phase_done (&clock, "pwrite, fsync, read back");
  if (test_hook != NULL)
    test_hook (fd, job, test_hook_data);
  if (!verify_on_disk (job, fd, (guint64) st.st_size, &fresh, &error))
    {
      roll_back (fd, entry, journal_path, run_id, result, error);
      goto out;
    }
  phase_done (&clock, "verify with our reader");

  result->items = g_steal_pointer (&fresh);
  if (fstat (fd, &st) == 0)
    for (guint i = 0; i < result->items->len; i++)
      tf_item_set_file_info (g_ptr_array_index (result->items, i), (guint64) st.st_size, tf_stat_mtime_usec (&st));
  tf_repair_result_set (result, TF_REPAIR_STATUS_DONE, NULL);
  goto out;

fail:
  tf_repair_result_set_error (result, error);
out:
  close (fd);
}

/* ------------------------------------------------------------------ */
/* Undo                                                                */

/* A repair interrupted between its journal entry and its fsync (crash,
 * power loss) may leave some ranges old and some new. Such a file is
 * still undone when every range holds exactly its old or its new bytes
 * and the file with the old bytes in place hashes to the original: then
 * nothing outside the ranges differs, and the undo gives back the
 * original byte for byte. */
static gboolean
torn_write (int fd,
            TfJournalEntry *e,
            const char *restored)
{
  if (g_strcmp0 (restored, e->sha256_before) != 0)
    return FALSE;
  for (guint i = 0; i < e->ranges->len; i++)
    {
      g_autoptr (GArray) one = g_array_new (FALSE, FALSE, sizeof (TfJournalRange));

      g_array_append_val (one, g_array_index (e->ranges, TfJournalRange, i));
      if (!ranges_hold (fd, one, TRUE, NULL) && !ranges_hold (fd, one, FALSE, NULL))
        return FALSE;
    }
  return TRUE;
}

void
tf_repair_inplace_undo (const char *journal_path,
                        const char *undo_run_id,
                        TfJournalEntry *e,
                        TfRepairResult *result)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TfJournalEntry) undo = NULL;
  g_autofree char *current = NULL;
  g_autofree char *restored = NULL;
  g_autofree char *written = NULL;
  struct stat st;
  int fd;

  fd = open_locked (e->file, TRUE, &st, &error);
  if (fd < 0)
    {
      tf_repair_result_set_error (result, error);
      return;
    }
  /* Sorted as written; the file must be exactly what the repair left */
  g_array_sort (e->ranges, range_cmp);
  if (!tf_repair_inplace_hash (fd, (guint64) st.st_size, e->ranges, FALSE, &current, &restored, &error))
    goto fail;
  result->sha256_before = g_strdup (current);
  if (g_strcmp0 (current, e->sha256_before) == 0)
    {
      tf_repair_result_set (result, TF_REPAIR_STATUS_SKIPPED, _ ("The file is already the original"));
      goto out;
    }
  if ((g_strcmp0 (current, e->sha256_after) != 0 || !ranges_hold (fd, e->ranges, TRUE, NULL)) && !torn_write (fd, e, restored))
    {
      tf_repair_result_set (result, TF_REPAIR_STATUS_REFUSED,
                            _ ("The file changed after it was written (its SHA-256 is not the one in the journal); it is left alone"));
      goto out;
    }
  if (g_strcmp0 (restored, e->sha256_before) != 0)
    {
      tf_repair_result_set (result, TF_REPAIR_STATUS_FAILED, _ ("The journaled ranges do not give back the original (SHA-256 differs); nothing was written"));
      goto out;
    }

  undo = tf_repair_undo_entry_new (undo_run_id, e, current, e->sha256_before);
  for (guint i = 0; i < e->ranges->len; i++)
    {
      const TfJournalRange *r = &g_array_index (e->ranges, TfJournalRange, i);
      tf_journal_entry_add_range (undo, r->offset, r->after, r->before);
    }
  if (!tf_journal_append (journal_path, undo, &error) || !ranges_write (fd, e->ranges, FALSE, &error))
    goto fail;
  if (!tf_repair_inplace_hash (fd, (guint64) st.st_size, NULL, FALSE, &written, NULL, &error))
    goto fail;
  if (g_strcmp0 (written, e->sha256_before) != 0)
    {
      tf_repair_result_set (result, TF_REPAIR_STATUS_FAILED, _ ("The restored file does not match the original"));
      goto out;
    }
  result->sha256_after = g_steal_pointer (&written);
  tf_repair_result_set (result, TF_REPAIR_STATUS_DONE, NULL);
  goto out;

fail:
  tf_repair_result_set_error (result, error);
out:
  close (fd);
}
