/* pst-probe.c — what libpff reads from a PST (TEST-ONLY oracle)
 *
 *   pst-probe FILE
 *
 * Walks the folder tree with libpff and prints, tab-separated:
 *   M <folder path> <NID hex> <message class> <subject> <recipient rows>
 *   R <subject> <row> <0x5FFB0040 value hex | none>
 * for every message and every embedded message (attachment of type item,
 * printed after its outer message, folder path "<outer NID>/<n>").
 * libpff ignores the cell existence bitmap, so an absent 0x5FFB cell reads
 * as 0 here: tests/pst/test-pst-writer.py asserts exactly that.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <inttypes.h>
#include <libpff.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

static void
fail (const char *what,
      libpff_error_t **error)
{
  char text[512] = "";

  if (error != NULL && *error != NULL)
    {
      libpff_error_sprint (*error, text, sizeof text);
      libpff_error_free (error);
    }
  fprintf (stderr, "pst-probe: %s: %s\n", what, text);
  failures++;
}

static void
get_string (libpff_item_t *item,
            uint32_t type,
            char *buf,
            size_t size)
{
  libpff_error_t *error = NULL;
  size_t len = 0;

  buf[0] = '\0';
  if (libpff_message_get_entry_value_utf8_string_size (item, type, &len, &error) != 1 || len > size)
    {
      libpff_error_free (&error);
      return;
    }
  if (libpff_message_get_entry_value_utf8_string (item, type, (uint8_t *) buf, size, &error) != 1)
    libpff_error_free (&error);
  /* the subject's 0x01 + prefix length marker */
  if (buf[0] == 0x01 && buf[1] != '\0')
    memmove (buf, buf + 2, strlen (buf + 2) + 1);
}

static void print_message (libpff_item_t *msg, const char *folder);

/* "S subject row value": 0x5FFF0003 (track status) as libpff reads it, and
 * "N subject row text": 0x0C1B (supplementary info, an NDR's reason text)
 * with tabs and line breaks turned into spaces. Used by the corpus oracle
 * (tests/sh/test-corpus-oracle.py); libpff ignores the cell-existence
 * bitmap, so an absent cell prints as 0 here. */
static void
print_row_extras (libpff_record_set_t *rs,
                  const char *subject,
                  int row)
{
  libpff_error_t *error = NULL;
  libpff_record_entry_t *e = NULL;
  uint32_t status = 0;
  size_t len = 0;

  if (libpff_record_set_get_entry_by_type (rs, 0x5FFF, 0x0003, &e, 0, &error) == 1
      && libpff_record_entry_get_data_as_32bit_integer (e, &status, &error) == 1)
    printf ("S\t%s\t%d\t%" PRIu32 "\n", subject, row, status);
  else
    printf ("S\t%s\t%d\tnone\n", subject, row);
  libpff_error_free (&error);
  libpff_record_entry_free (&e, NULL);

  if (libpff_record_set_get_entry_by_type (rs, 0x0C1B, 0, &e, LIBPFF_ENTRY_VALUE_FLAG_MATCH_ANY_VALUE_TYPE, &error) == 1
      && libpff_record_entry_get_data_as_utf8_string_size (e, &len, &error) == 1 && len > 0 && len < 65536)
    {
      char *text = malloc (len);

      if (text != NULL && libpff_record_entry_get_data_as_utf8_string (e, (uint8_t *) text, len, &error) == 1)
        {
          for (char *c = text; *c != '\0'; c++)
            if (*c == '\t' || *c == '\r' || *c == '\n')
              *c = ' ';
          printf ("N\t%s\t%d\t%s\n", subject, row, text);
        }
      free (text);
    }
  libpff_error_free (&error);
  libpff_record_entry_free (&e, NULL);
}

static void
print_rows (libpff_item_t *msg,
            const char *subject,
            int *n_rows)
{
  libpff_error_t *error = NULL;
  libpff_item_t *rcpts = NULL;
  int n = 0;

  *n_rows = 0;
  if (libpff_message_get_recipients (msg, &rcpts, &error) != 1)
    {
      libpff_error_free (&error);
      return;
    }
  if (libpff_item_get_number_of_record_sets (rcpts, &n, &error) != 1)
    fail ("record sets", &error);
  *n_rows = n;
  for (int i = 0; i < n; i++)
    {
      libpff_record_set_t *rs = NULL;
      libpff_record_entry_t *e = NULL;
      uint64_t ft = 0;

      if (libpff_item_get_record_set_by_index (rcpts, i, &rs, &error) != 1)
        {
          fail ("record set", &error);
          continue;
        }
      if (libpff_record_set_get_entry_by_type (rs, 0x5FFB, 0x0040, &e, 0, &error) == 1
          && libpff_record_entry_get_data_as_filetime (e, &ft, &error) == 1)
        printf ("R\t%s\t%d\t%016" PRIX64 "\n", subject, i, ft);
      else
        printf ("R\t%s\t%d\tnone\n", subject, i);
      libpff_error_free (&error);
      libpff_record_entry_free (&e, NULL);
      print_row_extras (rs, subject, i);
      libpff_record_set_free (&rs, NULL);
    }
  libpff_item_free (&rcpts, NULL);
}

static void
print_embedded (libpff_item_t *msg,
                uint32_t nid)
{
  libpff_error_t *error = NULL;
  int n = 0;

  if (libpff_message_get_number_of_attachments (msg, &n, &error) != 1)
    {
      fail ("attachments", &error);
      return;
    }
  for (int i = 0; i < n; i++)
    {
      libpff_item_t *att = NULL, *inner = NULL;
      int type = 0;
      char path[64];

      if (libpff_message_get_attachment (msg, i, &att, &error) != 1
          || libpff_attachment_get_type (att, &type, &error) != 1)
        {
          fail ("attachment", &error);
          libpff_item_free (&att, NULL);
          continue;
        }
      if (type == LIBPFF_ATTACHMENT_TYPE_ITEM)
        {
          if (libpff_attachment_get_item (att, &inner, &error) == 1)
            {
              snprintf (path, sizeof path, "0x%08" PRIX32 "/%d", nid, i);
              print_message (inner, path);
              libpff_item_free (&inner, NULL);
            }
          else
            fail ("embedded item", &error);
        }
      libpff_item_free (&att, NULL);
    }
}

static void
print_message (libpff_item_t *msg,
               const char *folder)
{
  libpff_error_t *error = NULL;
  char cls[256], subject[1024];
  uint32_t nid = 0;
  int n_rows = 0;

  if (libpff_item_get_identifier (msg, &nid, &error) != 1)
    fail ("identifier", &error);
  get_string (msg, LIBPFF_ENTRY_TYPE_MESSAGE_CLASS, cls, sizeof cls);
  get_string (msg, LIBPFF_ENTRY_TYPE_MESSAGE_SUBJECT, subject, sizeof subject);
  print_rows (msg, subject, &n_rows);
  printf ("M\t%s\t0x%08" PRIX32 "\t%s\t%s\t%d\n", folder, nid, cls, subject, n_rows);
  print_embedded (msg, nid);
}

static void
walk (libpff_item_t *folder,
      const char *path)
{
  libpff_error_t *error = NULL;
  int n = 0;

  if (libpff_folder_get_number_of_sub_messages (folder, &n, &error) != 1)
    fail ("messages", &error);
  for (int i = 0; i < n; i++)
    {
      libpff_item_t *msg = NULL;

      if (libpff_folder_get_sub_message (folder, i, &msg, &error) != 1)
        {
          fail ("message", &error);
          continue;
        }
      print_message (msg, path);
      libpff_item_free (&msg, NULL);
    }
  if (libpff_folder_get_number_of_sub_folders (folder, &n, &error) != 1)
    fail ("folders", &error);
  for (int i = 0; i < n; i++)
    {
      libpff_item_t *sub = NULL;
      char name[512], child[2048];
      size_t len = 0;

      if (libpff_folder_get_sub_folder (folder, i, &sub, &error) != 1)
        {
          fail ("folder", &error);
          continue;
        }
      name[0] = '\0';
      if (libpff_folder_get_utf8_name_size (sub, &len, &error) == 1 && len <= sizeof name)
        libpff_folder_get_utf8_name (sub, (uint8_t *) name, sizeof name, &error);
      libpff_error_free (&error);
      snprintf (child, sizeof child, "%s/%s", path, name);
      walk (sub, child);
      libpff_item_free (&sub, NULL);
    }
}

int
main (int argc,
      char *argv[])
{
  libpff_error_t *error = NULL;
  libpff_file_t *file = NULL;
  libpff_item_t *root = NULL;

  if (argc != 2)
    {
      fprintf (stderr, "Usage: pst-probe FILE\n");
      return 2;
    }
  if (libpff_file_initialize (&file, &error) != 1
      || libpff_file_open (file, argv[1], LIBPFF_OPEN_READ, &error) != 1
      || libpff_file_get_root_folder (file, &root, &error) != 1)
    {
      fail (argv[1], &error);
      return 1;
    }
  walk (root, "");
  libpff_item_free (&root, NULL);
  libpff_file_close (file, NULL);
  libpff_file_free (&file, NULL);
  return failures == 0 ? 0 : 1;
}
