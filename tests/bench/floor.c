/* floor.c — the C floor for bench-compare.sh: what any scanner must pay
 *
 * Lists DIR (one level, as the generated queues are flat), then two
 * threads open, read (one reused 4 MB buffer each) and memchr() every
 * file for line breaks, and close it. No parsing at all: the time a
 * scanner cannot go below on this machine with two cores.
 *
 * Build: cc -O2 -pthread -o floor floor.c
 * Usage: floor DIR
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N_THREADS 2
#define BUFFER_SIZE (4 * 1024 * 1024)

static char **paths;
static size_t n_paths;

struct job
{
  size_t first;
  unsigned long long lines;
};

static void *
worker (void *data)
{
  struct job *job = data;
  char *buffer = malloc (BUFFER_SIZE);

  if (buffer == NULL)
    return NULL;
  for (size_t i = job->first; i < n_paths; i += N_THREADS)
    {
      int fd = open (paths[i], O_RDONLY | O_CLOEXEC);
      ssize_t n;

      if (fd < 0)
        continue;
      while ((n = read (fd, buffer, BUFFER_SIZE)) > 0)
        for (char *p = buffer, *end = buffer + n; (p = memchr (p, '\n', (size_t) (end - p))) != NULL; p++)
          job->lines++;
      close (fd);
    }
  free (buffer);
  return NULL;
}

int
main (int argc,
      char **argv)
{
  pthread_t threads[N_THREADS];
  struct job jobs[N_THREADS];
  unsigned long long lines = 0;
  struct dirent *entry;
  size_t size = 0;
  DIR *dir;

  if (argc != 2 || (dir = opendir (argv[1])) == NULL)
    {
      fprintf (stderr, "usage: floor DIR\n");
      return 2;
    }
  while ((entry = readdir (dir)) != NULL)
    {
      if (entry->d_name[0] == '.')
        continue;
      if (n_paths == size)
        {
          size = size ? size * 2 : 1024;
          paths = realloc (paths, size * sizeof *paths);
          if (paths == NULL)
            return 2;
        }
      if (asprintf (&paths[n_paths++], "%s/%s", argv[1], entry->d_name) < 0)
        return 2;
    }
  closedir (dir);

  for (int t = 0; t < N_THREADS; t++)
    {
      jobs[t] = (struct job){ .first = (size_t) t };
      pthread_create (&threads[t], NULL, worker, &jobs[t]);
    }
  for (int t = 0; t < N_THREADS; t++)
    {
      pthread_join (threads[t], NULL);
      lines += jobs[t].lines;
    }
  printf ("%zu files, %llu lines\n", n_paths, lines);
  return 0;
}
