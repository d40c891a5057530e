/* fuzz-msg.c — libFuzzer target: Outlook .msg reader and CFB locator
 *
 * Reads the input with tf_msg_read() (our CFB validator, then libgsf),
 * then drives the TfCfb locator the repair engine uses: every directory
 * entry's name and size, offset mapping of the first, middle and last byte
 * of every stream, and tf_cfb_patch() on a copy of the recipients'
 * property streams, checking that exactly the mapped bytes changed.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"
#include "tf-cfb.h"

int
LLVMFuzzerInitialize (int *argc,
                      char ***argv)
{
  fuzz_init ();
  return 0;
}

static void
check_mapping (TfCfb *cfb,
               guint32 entry,
               guint64 stream_offset,
               size_t size)
{
  guint64 file_offset = 0;
  gsize contiguous = 0;

  if (!tf_cfb_entry_offset_to_file_offset (cfb, entry, stream_offset, &file_offset,
                                           &contiguous, NULL))
    return;
  if (file_offset >= size || contiguous == 0 || contiguous > size - file_offset)
    {
      g_printerr ("entry %u offset %" G_GUINT64_FORMAT " maps outside the file\n",
                  entry, stream_offset);
      abort ();
    }
}

static void
check_patch (const uint8_t *data,
             size_t size,
             TfCfb *cfb,
             const char *stream_path)
{
  static const guint8 value[8] = { 0x00, 0xE0, 0xF6, 0xA2, 0xB5, 0x02, 0xC9, 0x01 };
  guint32 entry = tf_cfb_lookup (cfb, stream_path);
  guint64 stream_size;
  guint64 at = 16; /* first property value of a recipient stream */
  g_autofree guint8 *copy = NULL;
  guint64 where[8];

  if (entry == TF_CFB_NO_ENTRY || !tf_cfb_entry_is_stream (cfb, entry))
    return;
  stream_size = tf_cfb_entry_get_size (cfb, entry);
  if (stream_size < 8)
    return;
  if (stream_size < at + 8)
    at = stream_size - 8;

  copy = g_memdup2 (data, size);
  if (!tf_cfb_patch (copy, size, stream_path, at, value, sizeof value, NULL))
    {
      if (memcmp (copy, data, size) != 0)
        {
          g_printerr ("failed tf_cfb_patch changed the buffer\n");
          abort ();
        }
      return;
    }

  for (guint i = 0; i < 8; i++)
    {
      if (!tf_cfb_stream_offset_to_file_offset (cfb, stream_path, at + i, &where[i], NULL)
          || where[i] >= size || copy[where[i]] != value[i])
        {
          g_printerr ("tf_cfb_patch wrote elsewhere than the mapping says\n");
          abort ();
        }
    }
  /* Nothing but those 8 bytes changed */
  {
    FuzzRange allowed[G_N_ELEMENTS (where)];

    for (guint i = 0; i < G_N_ELEMENTS (where); i++)
      allowed[i] = (FuzzRange){ where[i], where[i] + 1 };
    fuzz_assert_unchanged_outside (data, copy, size, allowed, G_N_ELEMENTS (allowed), "tf_cfb_patch");
  }
}

static void
drive_cfb (const uint8_t *data,
           size_t size)
{
  TfCfb *cfb = tf_cfb_new (data, size, NULL);
  guint n;

  if (cfb == NULL)
    return;

  n = tf_cfb_get_n_entries (cfb);
  g_assert_true (tf_cfb_get_sector_size (cfb) == 512 || tf_cfb_get_sector_size (cfb) == 4096);
  for (guint32 e = 0; e < n && e < 4096; e++)
    {
      const char *name = tf_cfb_entry_get_name (cfb, e);
      guint64 stream_size = tf_cfb_entry_get_size (cfb, e);

      if (name != NULL)
        g_assert_true (g_utf8_validate (name, -1, NULL));
      if (!tf_cfb_entry_is_stream (cfb, e) || stream_size == 0)
        continue;
      check_mapping (cfb, e, 0, size);
      check_mapping (cfb, e, stream_size / 2, size);
      check_mapping (cfb, e, stream_size - 1, size);
      /* past the end must fail cleanly */
      check_mapping (cfb, e, stream_size, size);
    }
  /* Out-of-range indices must be refused, not read. */
  g_assert_null (tf_cfb_entry_get_name (cfb, n));
  g_assert_cmpuint (tf_cfb_entry_get_size (cfb, G_MAXUINT32 - 1), ==, 0);

  tf_cfb_lookup (cfb, "__nameid_version1.0/__substg1.0_00030102");
  tf_cfb_lookup (cfb, "");
  tf_cfb_lookup (cfb, "/");
  tf_cfb_lookup (cfb, "a//b/");
  tf_cfb_lookup_child (cfb, n + 1, "x");
  check_patch (data, size, cfb, "__properties_version1.0");
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path
          = g_strdup_printf ("__recip_version1.0_#%08X/__properties_version1.0", i);

      check_patch (data, size, cfb, path);
    }

  tf_cfb_free (cfb);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr (TfItem) item = tf_item_new ("fuzz.msg", "fuzz.msg", 0);

  tf_item_set_format (item, TF_FORMAT_MSG);
  tf_msg_read (bytes, item, TF_READ_FULL);
  tf_rules_classify (item);
  tf_rules_apply (item);
  fuzz_touch_item (item);

  drive_cfb (data, size);
  return 0;
}
