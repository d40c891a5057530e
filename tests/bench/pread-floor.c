/* pread-floor.c — replay the reads a PST scan makes, and nothing else
 *
 * Usage: pread-floor FILE THREADS [DEPTH] < READS
 *
 * READS holds one "OFFSET LENGTH" pair per line: the pread64() calls of
 * `trackfix-cli scan` on FILE, taken from strace by bench-pst.sh. They
 * are replayed in their order, split into THREADS contiguous ranges of
 * calls, one thread each, into a buffer that nothing reads. The time this
 * takes is a floor for any scan that reads those bytes with pread(): no
 * parsing, no items, no output. A benchmark helper, not a test.
 *
 * With DEPTH (built with -DHAVE_LIBURING -luring), one thread submits the
 * same reads through io_uring, DEPTH at a time: what batching the scan's
 * reads into few system calls could save (THREADS is then ignored).
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef HAVE_LIBURING
#include <liburing.h>
#endif

struct read_call
{
  long long offset;
  long length;
};

struct range
{
  int fd;
  const struct read_call *calls;
  size_t n_calls;
  long long bytes;
};

#define MAX_READ (1 << 20)

static void *
replay (void *data)
{
  struct range *range = data;
  char *buffer = malloc (MAX_READ);

  if (buffer == NULL)
    {
      perror ("pread-floor: buffer");
      exit (2);
    }
  for (size_t i = 0; i < range->n_calls; i++)
    {
      ssize_t n = pread (range->fd, buffer, (size_t) range->calls[i].length, range->calls[i].offset);

      if (n < 0)
        {
          perror ("pread-floor: pread");
          exit (2);
        }
      range->bytes += n;
    }
  free (buffer);
  return NULL;
}

#ifdef HAVE_LIBURING
/* The reads through one io_uring, @depth in flight; returns the bytes */
static long long
replay_uring (int fd, const struct read_call *calls, size_t n_calls, unsigned depth)
{
  struct io_uring ring;
  char *buffers = malloc ((size_t) depth * MAX_READ);
  size_t submitted = 0, done = 0;
  unsigned in_flight = 0;
  long long bytes = 0;
  int error;

  if (buffers == NULL || (error = io_uring_queue_init (depth, &ring, 0)) < 0)
    {
      fprintf (stderr, "pread-floor: io_uring: %s\n", buffers == NULL ? "no memory" : strerror (-error));
      exit (2);
    }
  while (done < n_calls)
    {
      struct io_uring_cqe *cqe;
      unsigned head, n = 0;

      while (in_flight < depth && submitted < n_calls)
        {
          struct io_uring_sqe *sqe = io_uring_get_sqe (&ring);

          io_uring_prep_read (sqe, fd, buffers + (size_t) (submitted % depth) * MAX_READ,
                              (unsigned) calls[submitted].length, (__u64) calls[submitted].offset);
          submitted++;
          in_flight++;
        }
      if ((error = io_uring_submit_and_wait (&ring, 1)) < 0)
        {
          fprintf (stderr, "pread-floor: io_uring: %s\n", strerror (-error));
          exit (2);
        }
      io_uring_for_each_cqe (&ring, head, cqe)
      {
        if (cqe->res < 0)
          {
            fprintf (stderr, "pread-floor: read: %s\n", strerror (-cqe->res));
            exit (2);
          }
        bytes += cqe->res;
        n++;
      }
      io_uring_cq_advance (&ring, n);
      in_flight -= n;
      done += n;
    }
  io_uring_queue_exit (&ring);
  free (buffers);
  return bytes;
}
#endif

int
main (int argc, char **argv)
{
  struct read_call *calls = NULL;
  size_t n_calls = 0, allocated = 0;
  long long offset;
  long length;
  int n_threads, fd;
  pthread_t threads[16];
  struct range ranges[16];
  long long bytes = 0;
  int depth = argc == 4 ? atoi (argv[3]) : 0;

  if (argc < 3 || argc > 4 || (n_threads = atoi (argv[2])) < 1 || n_threads > 16 || depth < 0 || depth > 4096)
    {
      fprintf (stderr, "Usage: %s FILE THREADS(1-16) [DEPTH(1-4096)] < READS\n", argv[0]);
      return 2;
    }
#ifndef HAVE_LIBURING
  if (depth > 0)
    {
      fprintf (stderr, "%s: built without liburing, no DEPTH\n", argv[0]);
      return 2;
    }
#endif
  fd = open (argv[1], O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      perror (argv[1]);
      return 2;
    }
  while (scanf ("%lld %ld", &offset, &length) == 2)
    {
      if (length <= 0 || length > MAX_READ || offset < 0)
        continue;
      if (n_calls == allocated)
        {
          allocated = allocated ? allocated * 2 : 4096;
          calls = realloc (calls, allocated * sizeof *calls);
          if (calls == NULL)
            {
              perror ("pread-floor: read list");
              return 2;
            }
        }
      calls[n_calls].offset = offset;
      calls[n_calls].length = length;
      n_calls++;
    }
#ifdef HAVE_LIBURING
  if (depth > 0)
    {
      bytes = replay_uring (fd, calls, n_calls, (unsigned) depth);
      n_threads = 0;
    }
#endif
  for (int t = 0; t < n_threads; t++)
    {
      size_t first = n_calls * (size_t) t / (size_t) n_threads;
      size_t last = n_calls * (size_t) (t + 1) / (size_t) n_threads;
      int error;

      ranges[t] = (struct range){ fd, calls + first, last - first, 0 };
      error = pthread_create (&threads[t], NULL, replay, &ranges[t]);

      if (error != 0)
        {
          fprintf (stderr, "pread-floor: thread: %s\n", strerror (error));
          return 2;
        }
    }
  for (int t = 0; t < n_threads; t++)
    {
      pthread_join (threads[t], NULL);
      bytes += ranges[t].bytes;
    }
  printf ("%zu reads, %lld bytes\n", n_calls, bytes);
  free (calls);
  close (fd);
  return 0;
}
