/* fuzz-pst.c — libFuzzer target: the PST/OST reader on arbitrary bytes
 *
 * Runs our own NDB/LTP reader (tf-pst-ndb.c, tf-pst-ltp.c, tf-pst.c) one
 * of three ways, as the scanner and `show` use it, chosen by the input's
 * size modulo 3 (one read per input keeps the rate up; mutations change
 * the size all the time, so every way gets its share):
 *   0. from memory with every property kept (TF_READ_FULL: the Raw page);
 *   1. from memory, then one message by its NID chain (`show
 *      file.pst#0x…`) for the first item that has one, which takes the
 *      BTree lookup path instead of the walk;
 *   2. from a file descriptor (a memfd) without TF_READ_FULL: the scan
 *      path, through pread() and the read windows.
 * Whatever the input, every item must be a message with its NID or the
 * file's PARSE_ERROR item (a mailbox without messages yields none), a read
 * of one NID chain must yield an item, and nothing may crash, hang, leak or
 * read past a buffer. Seeds: the writer's pst-cases and the corpus PSTs with their
 * trailing zero bytes cut (run-fuzzers.sh), so they fit max_len.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* memfd_create() */
#define _GNU_SOURCE 1

#include "config.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-common.h"
#include "tf-pst.h"

int
LLVMFuzzerInitialize (int *argc,
                      char ***argv)
{
  fuzz_init ();
  return 0;
}

/* A mailbox without messages is no error, so a whole-file read may yield
 * no item; every item it yields is a message (with its NID) or the file's
 * PARSE_ERROR item. */
static void
check_items (GPtrArray *items,
             const char *what)
{
  for (guint i = 0; i < items->len; i++)
    {
      TfItem *item = g_ptr_array_index (items, i);

      if (tf_item_get_nid (item) == NULL && !tf_item_has_finding (item, TF_FINDING_PARSE_ERROR))
        {
          g_printerr ("%s: item %s has neither a NID nor a PARSE_ERROR\n", what, tf_item_get_path (item));
          abort ();
        }
    }
  fuzz_touch_items (items);
}

/* A read of one NID chain yields that message or a PARSE_ERROR item */
static void
require_items (GPtrArray *items,
               const char *what)
{
  if (items->len == 0)
    {
      g_printerr ("%s returned no item\n", what);
      abort ();
    }
  check_items (items, what);
}

static void
read_one_message (GBytes *bytes,
                  GPtrArray *items)
{
  g_autoptr (GPtrArray) one = g_ptr_array_new_with_free_func (g_object_unref);
  const char *nid = NULL;

  for (guint i = 0; i < items->len && nid == NULL; i++)
    nid = tf_item_get_nid (g_ptr_array_index (items, i));
  if (nid == NULL)
    return;
  tf_pst_read_bytes (bytes, "fuzz.pst", "/nonexistent/fuzz.pst", nid, TF_READ_FULL, one);
  require_items (one, "tf_pst_read_bytes (one NID)");
}

static void
read_through_fd (const uint8_t *data,
                 size_t size)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  int fd = memfd_create ("fuzz-pst", MFD_CLOEXEC);
  size_t done = 0;

  if (fd < 0)
    return;
  while (done < size)
    {
      ssize_t n = write (fd, data + done, size - done);

      if (n <= 0)
        {
          close (fd);
          return;
        }
      done += (size_t) n;
    }
  tf_pst_read_fd (fd, size, "fuzz.pst", "/nonexistent/fuzz.pst", NULL, TF_READ_NONE, items);
  close (fd);
  check_items (items, "tf_pst_read_fd");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  switch (size % 3)
    {
    case 0:
      tf_pst_read_bytes (bytes, "fuzz.pst", "/nonexistent/fuzz.pst", NULL, TF_READ_FULL, items);
      check_items (items, "tf_pst_read_bytes");
      break;
    case 1:
      tf_pst_read_bytes (bytes, "fuzz.pst", "/nonexistent/fuzz.pst", NULL, TF_READ_NONE, items);
      check_items (items, "tf_pst_read_bytes");
      read_one_message (bytes, items);
      break;
    default:
      read_through_fd (data, size);
      break;
    }
  return 0;
}
