/* tf-exchange-version.c — which Exchange build a server runs: SOFTWARE hive and EXCDO.DLL version
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tf-filetime.h"
#include "tf-journal.h"
#include "tf-reader.h"
#include "tf-registry-private.h"
#include "tf-safe-io.h"

#define MAX_PE_RESOURCE_ENTRIES 4096
#define MAX_PE_FILE_SIZE (256 * 1024 * 1024)

/* ---- SOFTWARE hive: Microsoft\Exchange\Setup --------------------------- */

void
tf_reg_value_free (TfRegValue *value)
{
  if (value == NULL)
    return;
  g_free (value->name);
  g_free (value->display);
  g_free (value);
}

GPtrArray *
tf_software_hive_read_exchange_setup (const char *path,
                                      gboolean *found,
                                      GError **error)
{
  static const char *const setup_path[] = { "Microsoft", "Exchange", "Setup" };
  g_autoptr (GPtrArray) values = NULL;
  g_autoptr (hive_h) h = NULL;
  g_autofree hive_value_h *vals = NULL;
  hive_node_h node;
  TfRegfHeader hdr;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (found != NULL)
    *found = FALSE;
  if (!tf_registry_read_regf_header (path, &hdr, error))
    return NULL;
  h = tf_registry_open_hive (path, 0, error);
  if (h == NULL)
    return NULL;
  values = g_ptr_array_new_with_free_func ((GDestroyNotify) tf_reg_value_free);
  node = hivex_root (h);
  for (guint i = 0; i < G_N_ELEMENTS (setup_path) && node != 0; i++)
    if (!tf_registry_get_child (h, node, setup_path[i], &node, path, error))
      return NULL;
  if (node == 0)
    return g_steal_pointer (&values);
  if (found != NULL)
    *found = TRUE;

  errno = 0;
  vals = hivex_node_values (h, node);
  if (vals == NULL)
    {
      tf_registry_set_hivex_error (error, path, "hivex_node_values", errno);
      return NULL;
    }
  for (guint i = 0; vals[i] != 0 && i < MAX_SETUP_VALUES; i++)
    {
      TfRegValue *v = g_new0 (TfRegValue, 1);
      char *name = hivex_value_key (h, vals[i]);

      v->name = g_strdup (name != NULL ? name : "?");
      free (name);
      v->display = tf_registry_format_value (h, vals[i], &v->type);
      g_ptr_array_add (values, v);
    }
  return g_steal_pointer (&values);
}

/* ---- PE version resource ----------------------------------------------
 *
 * Hand-written on purpose: no library packaged in Debian reads PE version
 * resources from C (libpe/pev are not libraries there, and GLib, GIO and
 * libgsf know nothing of PE). Every offset and count from the file is
 * checked against the buffer before use. */

#define PE_RT_VERSION 16
#define PE_DIR_RESOURCE 2
#define PE_VS_FIXED_SIGNATURE 0xFEEF04BDu

typedef struct
{
  const guint8 *data;
  gsize len;
  guint32 rsrc_rva;    /* RVA of the resource section's root */
  guint32 rsrc_offset; /* file offset of the root */
  guint32 rsrc_size;   /* bytes available from the root */
  guint32 n_sections;
  gsize sections; /* file offset of the section table */
} PeImage;

static gboolean
pe_fail (GError **error,
         const char *what)
{
  g_set_error (error, TF_ERROR, TF_ERROR_PARSE,
               /* Translators: %s says what is wrong in the DLL file */
               _ ("Cannot read the file version: %s"), what);
  return FALSE;
}

static gboolean
in_range (gsize len,
          guint64 off,
          guint64 n)
{
  return off <= len && n <= len - off;
}

/* Maps an RVA to a file offset through the section table. */
static gboolean
pe_rva_to_offset (const PeImage *pe,
                  guint32 rva,
                  guint32 need,
                  guint32 *offset)
{
  for (guint32 i = 0; i < pe->n_sections; i++)
    {
      const guint8 *s = pe->data + pe->sections + 40 * (gsize) i;
      guint32 vsize = read_le32 (s + 8);
      guint32 va = read_le32 (s + 12);
      guint32 raw_size = read_le32 (s + 16);
      guint32 raw_ptr = read_le32 (s + 20);
      guint32 span = MAX (vsize, raw_size);

      if (rva >= va && (guint64) rva - va < span)
        {
          guint64 delta = (guint64) rva - va;

          if (delta + need > raw_size)
            return FALSE;
          if (!in_range (pe->len, (guint64) raw_ptr + delta, need))
            return FALSE;
          *offset = (guint32) (raw_ptr + delta);
          return TRUE;
        }
    }
  return FALSE;
}

/* Returns the entry of directory @dir_off (relative to the resource root)
 * whose id is @id, or the first one when @id is -1. */
static gboolean
pe_find_entry (const PeImage *pe,
               guint32 dir_off,
               gint64 id,
               guint32 *target,
               gboolean *is_dir)
{
  const guint8 *dir;
  guint32 n;

  if (!in_range (pe->rsrc_size, dir_off, 16))
    return FALSE;
  dir = pe->data + pe->rsrc_offset + dir_off;
  n = (guint32) read_le16 (dir + 12) + read_le16 (dir + 14);
  if (n > MAX_PE_RESOURCE_ENTRIES || !in_range (pe->rsrc_size, (guint64) dir_off + 16, 8 * (guint64) n))
    return FALSE;
  for (guint32 i = 0; i < n; i++)
    {
      const guint8 *e = dir + 16 + 8 * (gsize) i;
      guint32 name = read_le32 (e);
      guint32 off = read_le32 (e + 4);

      if (id >= 0 && ((name & 0x80000000u) != 0 || name != (guint32) id))
        continue;
      *is_dir = (off & 0x80000000u) != 0;
      *target = off & 0x7fffffffu;
      return TRUE;
    }
  return FALSE;
}

gboolean
tf_pe_read_version (const guint8 *data,
                    gsize len,
                    TfFileVersion *version,
                    GError **error)
{
  PeImage pe = { data, len };
  guint32 pe_off, opt_off, opt_size, magic, n_dirs, dir_base, node, data_rva, data_size, vs_off;
  guint16 coff_opt_size;
  gboolean is_dir = FALSE;
  const guint8 *vs;
  gsize pos;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (version != NULL, FALSE);

  if (len < 0x40 || data[0] != 'M' || data[1] != 'Z')
    return pe_fail (error, _ ("not a Windows program file (no MZ header)"));
  pe_off = read_le32 (data + 0x3c);
  if (!in_range (len, pe_off, 24) || memcmp (data + pe_off, "PE\0\0", 4) != 0)
    return pe_fail (error, _ ("no PE header"));
  pe.n_sections = read_le16 (data + pe_off + 6);
  coff_opt_size = read_le16 (data + pe_off + 20);
  opt_off = pe_off + 24;
  opt_size = coff_opt_size;
  if (!in_range (len, opt_off, opt_size) || opt_size < 2)
    return pe_fail (error, _ ("the optional header is truncated"));
  magic = read_le16 (data + opt_off);
  if (magic == 0x10b)
    dir_base = 96;
  else if (magic == 0x20b)
    dir_base = 112;
  else
    return pe_fail (error, _ ("unknown optional header type"));
  if (opt_size < dir_base)
    return pe_fail (error, _ ("the optional header is truncated"));
  n_dirs = read_le32 (data + opt_off + dir_base - 4);
  if (n_dirs <= PE_DIR_RESOURCE || (guint64) dir_base + 8 * (PE_DIR_RESOURCE + 1) > opt_size)
    return pe_fail (error, _ ("the file has no resources"));
  pe.rsrc_rva = read_le32 (data + opt_off + dir_base + 8 * PE_DIR_RESOURCE);
  pe.rsrc_size = read_le32 (data + opt_off + dir_base + 8 * PE_DIR_RESOURCE + 4);
  pe.sections = (gsize) opt_off + opt_size;
  if (pe.n_sections == 0 || !in_range (len, pe.sections, 40 * (guint64) pe.n_sections))
    return pe_fail (error, _ ("the section table is truncated"));
  if (pe.rsrc_rva == 0 || pe.rsrc_size < 16 || !pe_rva_to_offset (&pe, pe.rsrc_rva, 16, &pe.rsrc_offset))
    return pe_fail (error, _ ("the file has no resources"));
  /* Clamp the resource size to what the file holds. */
  pe.rsrc_size = (guint32) MIN ((guint64) pe.rsrc_size, len - pe.rsrc_offset);

  /* type RT_VERSION → first name → first language → data entry */
  if (!pe_find_entry (&pe, 0, PE_RT_VERSION, &node, &is_dir) || !is_dir)
    return pe_fail (error, _ ("the file has no version resource"));
  if (!pe_find_entry (&pe, node, -1, &node, &is_dir) || !is_dir)
    return pe_fail (error, _ ("the version resource is damaged"));
  if (!pe_find_entry (&pe, node, -1, &node, &is_dir) || is_dir)
    return pe_fail (error, _ ("the version resource is damaged"));
  if (!in_range (pe.rsrc_size, node, 16))
    return pe_fail (error, _ ("the version resource is damaged"));
  data_rva = read_le32 (data + pe.rsrc_offset + node);
  data_size = read_le32 (data + pe.rsrc_offset + node + 4);
  if (data_size < 40 + 52 || !pe_rva_to_offset (&pe, data_rva, data_size, &vs_off))
    return pe_fail (error, _ ("the version resource is damaged"));

  /* VS_VERSIONINFO: wLength, wValueLength, wType, L"VS_VERSION_INFO\0",
   * padding to 32 bits, then VS_FIXEDFILEINFO. */
  vs = data + vs_off;
  {
    static const char key[] = "VS_VERSION_INFO";

    for (guint i = 0; i < sizeof key; i++)
      if (read_le16 (vs + 6 + 2 * i) != (guint8) key[i])
        return pe_fail (error, _ ("the version resource is damaged"));
  }
  if (read_le16 (vs + 2) < 52)
    return pe_fail (error, _ ("the version resource has no fixed file information"));
  pos = (6 + 2 * sizeof "VS_VERSION_INFO" + 3) & ~(gsize) 3;
  if (pos + 52 > data_size || read_le32 (vs + pos) != PE_VS_FIXED_SIGNATURE)
    return pe_fail (error, _ ("the version resource has no fixed file information"));

  version->major = (guint16) (read_le32 (vs + pos + 8) >> 16);
  version->minor = (guint16) (read_le32 (vs + pos + 8) & 0xffff);
  version->build = (guint16) (read_le32 (vs + pos + 12) >> 16);
  version->revision = (guint16) (read_le32 (vs + pos + 12) & 0xffff);
  return TRUE;
}

gboolean
tf_pe_read_version_file (const char *path,
                         TfFileVersion *version,
                         GError **error)
{
  g_autofree char *contents = NULL;
  GError *local_error = NULL;
  GStatBuf st;
  gsize len = 0;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (version != NULL, FALSE);

  /* Read, not mapped: a file shrinking under a mapping would be a SIGBUS. */
  if (g_stat (path, &st) == 0 && st.st_size > MAX_PE_FILE_SIZE)
    return pe_fail (error, _ ("the file is too large for a DLL"));
  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      g_set_error_literal (error, TF_ERROR, TF_ERROR_IO, local_error->message);
      g_error_free (local_error);
      return FALSE;
    }
  return tf_pe_read_version ((const guint8 *) contents, len, version, error);
}

int
tf_file_version_compare (const TfFileVersion *a,
                         const TfFileVersion *b)
{
  const guint16 va[4] = { a->major, a->minor, a->build, a->revision };
  const guint16 vb[4] = { b->major, b->minor, b->build, b->revision };

  for (guint i = 0; i < 4; i++)
    if (va[i] != vb[i])
      return va[i] < vb[i] ? -1 : 1;
  return 0;
}

char *
tf_file_version_to_string (const TfFileVersion *version)
{
  g_return_val_if_fail (version != NULL, NULL);

  return g_strdup_printf ("%u.%u.%u.%u", version->major, version->minor,
                          version->build, version->revision);
}

gboolean
tf_file_version_parse (const char *str,
                       TfFileVersion *version)
{
  g_auto (GStrv) parts = NULL;
  guint16 v[4] = { 0 };

  g_return_val_if_fail (str != NULL, FALSE);
  g_return_val_if_fail (version != NULL, FALSE);

  parts = g_strsplit (str, ".", -1);
  if (g_strv_length (parts) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      guint64 n = 0;

      if (!g_ascii_string_to_unsigned (parts[i], 10, 0, G_MAXUINT16, &n, NULL))
        return FALSE;
      v[i] = (guint16) n;
    }
  version->major = v[0];
  version->minor = v[1];
  version->build = v[2];
  version->revision = v[3];
  return TRUE;
}

gboolean
tf_excdo_version_has_fix (const TfFileVersion *version)
{
  TfFileVersion fixed;

  g_return_val_if_fail (version != NULL, FALSE);

  if (!tf_file_version_parse (TF_EXCDO_FIXED_VERSION, &fixed))
    g_assert_not_reached ();
  return tf_file_version_compare (version, &fixed) >= 0;
}
