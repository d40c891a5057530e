/* tf-msg.c — Outlook .msg ([MS-OXMSG] over [MS-CFB]) reader
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <gsf/gsf.h>
#include <string.h>

#include "tf-cfb.h"
#include "tf-filetime.h"
#include "tf-reader.h"

/* Streams and storages are read with libgsf. Before libgsf sees a file,
 * tf_cfb_new() validates the whole compound structure (libgsf warns and
 * asserts on some damage instead of failing cleanly) and later maps the
 * stream offset of every fixed-size property value to its absolute file
 * offset, which repair uses to patch in place.
 *
 * Embedded messages (attachments with a __substg1.0_3701000D storage):
 * one rule for every container (the TNEF reader follows it too). Whatever
 * the outer class, every embedded message is read, and so is every message
 * embedded in those, down to TF_MAX_EMBED_DEPTH levels: a note carrying the
 * organizer's meeting as an attachment (a helpdesk ticket, a forwarded
 * item) or a calendar item's exception messages hold recipient rows that
 * Exchange converts too. An embedded message is a different message, so
 * only its rows that carry PidTagRecipientTrackStatusTime (PropID 0x5FFB,
 * any type: the value the rules check and repair patches) come onto the
 * outer item, each saying which attachment it comes from; other rows would
 * only repeat attendees. A deeper message is not read and says so (a
 * PARSE_ERROR finding: the item may hide a row), and a storage met twice on
 * the way down is not read again. */

#define MAX_PROPS_STREAM (4 * 1024 * 1024)
#define MAX_STRING_STREAM (1024 * 1024)
#define MAX_BINARY_STREAM (64 * 1024)
#define MAX_RECIPIENTS 16384
#define MAX_ATTACHMENTS 2048
#define MAX_NAMED 65536

#define TOP_HEADER_SIZE 32
#define EMBEDDED_HEADER_SIZE 24
#define SUB_HEADER_SIZE 8
#define PROP_ENTRY_SIZE 16

/* libgsf 1.14 defines no autoptr cleanups */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GsfInput, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GsfInfile, g_object_unref)

#define TAG_MESSAGE_CODEPAGE 0x3FFD0003
#define TAG_INTERNET_CPID 0x3FDE0003
#define TAG_SENT_REPRESENTING_SMTP_ID 0x5D02

#define RECIP_PREFIX "__recip_version1.0_#"
#define ATTACH_PREFIX "__attach_version1.0_#"
#define NAMEID_NAME "__nameid_version1.0"
#define PROPS_NAME "__properties_version1.0"
#define EMBEDDED_NAME "__substg1.0_3701000D"

typedef struct
{
  guint8 guid[16];
  guint32 lid;
  char *name; /* MNID_STRING name or NULL */
} Named;

typedef struct
{
  TfItem *item;
  TfReadFlags flags;
  TfCfb *cfb;
  guint codepage;
  GHashTable *named;   /* prop id (0x8000+) → Named */
  GHashTable *visited; /* directory entries of embedded messages read */
  gboolean too_deep;   /* a message nested deeper than TF_MAX_EMBED_DEPTH */
} Ctx;

/* Where an embedded message's rows come from */
typedef struct
{
  const char *attachments; /* "2/1", NULL for the item itself */
  const char *subject;
} Origin;

/* One storage (message, recipient, attachment) as seen by both libgsf and
 * our locator */
typedef struct
{
  GsfInfile *gsf;
  guint32 entry;
} Storage;

typedef struct
{
  guint32 tag;
  const guint8 *value; /* 8 bytes */
  gint64 offset;       /* absolute file offset of the value or -1 */
} PropEntry;

static void
named_free (gpointer data)
{
  Named *named = data;

  g_free (named->name);
  g_free (named);
}

static inline guint32
get_u32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static inline guint64
get_u64 (const guint8 *p)
{
  return (guint64) get_u32 (p) | ((guint64) get_u32 (p + 4) << 32);
}

static void
add_parse_error (Ctx *ctx,
                 const char *detail)
{
  /* tf_item_add_finding() takes ownership */
  tf_item_add_finding (ctx->item, tf_finding_new (TF_FINDING_PARSE_ERROR, NULL, detail));
}

/* Reads up to @cap bytes of stream @name in @storage, or NULL if absent.
 * Only streams our locator vouched for are opened with libgsf, and empty
 * ones are not opened at all. */
static GBytes *
read_stream (Ctx *ctx,
             const Storage *storage,
             const char *name,
             gsize cap,
             guint32 *out_entry)
{
  g_autoptr (GsfInput) input = NULL;
  guint32 entry;
  guint64 size;
  gsize n;
  const guint8 *p;

  if (out_entry != NULL)
    *out_entry = TF_CFB_NO_ENTRY;

  entry = tf_cfb_lookup_child (ctx->cfb, storage->entry, name);
  if (entry == TF_CFB_NO_ENTRY || !tf_cfb_entry_is_stream (ctx->cfb, entry))
    return NULL;
  if (out_entry != NULL)
    *out_entry = entry;
  size = tf_cfb_entry_get_size (ctx->cfb, entry);
  if (size == 0)
    return g_bytes_new (NULL, 0);

  input = gsf_infile_child_by_name (storage->gsf, tf_cfb_entry_get_name (ctx->cfb, entry));
  if (input == NULL)
    return NULL;
  n = (gsize) MIN (size, (guint64) cap);
  n = (gsize) MIN ((gsf_off_t) n, gsf_input_size (input));
  if (n == 0)
    return g_bytes_new (NULL, 0);
  p = gsf_input_read (input, n, NULL);
  if (p == NULL)
    return NULL;
  return g_bytes_new (p, n);
}

static gboolean
open_storage (Ctx *ctx,
              const Storage *parent,
              const char *name,
              Storage *out)
{
  guint32 entry = tf_cfb_lookup_child (ctx->cfb, parent->entry, name);
  GsfInput *input;

  out->gsf = NULL;
  out->entry = TF_CFB_NO_ENTRY;
  if (entry == TF_CFB_NO_ENTRY || tf_cfb_entry_is_stream (ctx->cfb, entry))
    return FALSE;
  input = gsf_infile_child_by_name (parent->gsf, tf_cfb_entry_get_name (ctx->cfb, entry));
  if (input == NULL)
    return FALSE;
  if (!GSF_IS_INFILE (input))
    {
      g_object_unref (input);
      return FALSE;
    }
  out->gsf = GSF_INFILE (input);
  out->entry = entry;
  return TRUE;
}

/* Reads the string property @prop_id of @storage (PT_UNICODE, else
 * PT_STRING8), or NULL */
static char *
read_string_prop (Ctx *ctx,
                  const Storage *storage,
                  guint16 prop_id)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *name = NULL;
  const guint8 *data;
  gsize len;

  name = g_strdup_printf ("__substg1.0_%04X001F", prop_id);
  bytes = read_stream (ctx, storage, name, MAX_STRING_STREAM, NULL);
  if (bytes != NULL)
    {
      data = g_bytes_get_data (bytes, &len);
      return len > 0 ? tf_mapi_decode_unicode (data, len) : g_strdup ("");
    }
  g_free (name);
  name = g_strdup_printf ("__substg1.0_%04X001E", prop_id);
  bytes = read_stream (ctx, storage, name, MAX_STRING_STREAM, NULL);
  if (bytes != NULL)
    {
      data = g_bytes_get_data (bytes, &len);
      return len > 0 ? tf_mapi_decode_string8 (data, len, ctx->codepage, NULL) : g_strdup ("");
    }
  return NULL;
}

/* Full property for TF_READ_FULL: fixed values from the entry, variable
 * ones from their __substg1.0_ stream */
static TfProp *
make_prop (Ctx *ctx,
           const Storage *storage,
           const PropEntry *pe)
{
  guint16 type = TF_PROP_TYPE (pe->tag);
  guint16 id = TF_PROP_ID (pe->tag);
  TfProp *prop;
  Named *named;

  if (type == TF_PT_SYSTIME)
    prop = tf_prop_new_systime (pe->tag, get_u64 (pe->value), pe->offset);
  else if (tf_mapi_type_is_fixed (type))
    {
      g_autofree char *value = tf_mapi_render_fixed (type, pe->value);

      prop = tf_prop_new (pe->tag, value, pe->offset);
    }
  else
    {
      g_autofree char *value = NULL;
      g_autofree char *name = g_strdup_printf ("__substg1.0_%08X", pe->tag);
      g_autoptr (GBytes) bytes = NULL;
      const guint8 *data = NULL;
      gsize len = 0;

      if (type == TF_PT_UNICODE || type == TF_PT_STRING8 || type == TF_PT_BINARY)
        {
          bytes = read_stream (ctx, storage, name,
                               type == TF_PT_BINARY ? MAX_BINARY_STREAM : MAX_STRING_STREAM, NULL);
          if (bytes != NULL)
            data = g_bytes_get_data (bytes, &len);
        }

      if (type == TF_PT_UNICODE && bytes != NULL)
        value = len > 0 ? tf_mapi_decode_unicode (data, len) : g_strdup ("");
      else if (type == TF_PT_STRING8 && bytes != NULL)
        value = len > 0 ? tf_mapi_decode_string8 (data, len, ctx->codepage, NULL) : g_strdup ("");
      else if (type == TF_PT_BINARY && bytes != NULL)
        value = tf_mapi_render_binary (data, len);
      else if (type == TF_PT_OBJECT)
        /* Translators: value of an embedded object property */
        value = g_strdup (_ ("(object)"));
      else
        /* Translators: value of a property whose data could not be shown;
         * %u is its size in bytes */
        value = g_strdup_printf (ngettext ("(%u byte)", "(%u bytes)", get_u32 (pe->value)), get_u32 (pe->value));
      prop = tf_prop_new (pe->tag, value, -1);
    }

  if (id >= 0x8000 && (named = g_hash_table_lookup (ctx->named, GUINT_TO_POINTER (id))) != NULL)
    tf_prop_set_named (prop, named->guid, named->lid, named->name);
  return prop;
}

/* Parses a __properties_version1.0 stream after its @header_size bytes */
static GArray *
read_props (Ctx *ctx,
            const Storage *storage,
            gsize header_size,
            GBytes **out_bytes)
{
  guint32 entry;
  g_autoptr (GBytes) bytes = read_stream (ctx, storage, PROPS_NAME, MAX_PROPS_STREAM, &entry);
  GArray *props;
  const guint8 *data;
  gsize len;

  *out_bytes = NULL;
  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  props = g_array_new (FALSE, FALSE, sizeof (PropEntry));
  for (gsize off = header_size; off + PROP_ENTRY_SIZE <= len; off += PROP_ENTRY_SIZE)
    {
      PropEntry pe;
      guint64 file_offset = 0;

      pe.tag = get_u32 (data + off);
      pe.value = data + off + 8;
      pe.offset = -1;
      if (tf_mapi_type_is_fixed (TF_PROP_TYPE (pe.tag)) && tf_cfb_entry_offset_to_file_offset (ctx->cfb, entry, off + 8, &file_offset, NULL, NULL))
        pe.offset = (gint64) file_offset;
      g_array_append_val (props, pe);
    }
  *out_bytes = g_steal_pointer (&bytes);
  return props;
}

static const PropEntry *
find_prop (GArray *props,
           guint32 tag)
{
  if (props == NULL)
    return NULL;
  for (guint i = 0; i < props->len; i++)
    if (g_array_index (props, PropEntry, i).tag == tag)
      return &g_array_index (props, PropEntry, i);
  return NULL;
}

/* Named-property map from __nameid_version1.0 ([MS-OXMSG] 2.2.3) */
static void
read_nameid (Ctx *ctx,
             const Storage *root)
{
  Storage nameid;
  g_autoptr (GBytes) guids = NULL;
  g_autoptr (GBytes) entries = NULL;
  g_autoptr (GBytes) strings = NULL;
  const guint8 *g, *e, *s;
  gsize g_len = 0, e_len = 0, s_len = 0;

  if (!open_storage (ctx, root, NAMEID_NAME, &nameid))
    return;
  guids = read_stream (ctx, &nameid, "__substg1.0_00020102", MAX_BINARY_STREAM * 16, NULL);
  entries = read_stream (ctx, &nameid, "__substg1.0_00030102", MAX_NAMED * 8, NULL);
  strings = read_stream (ctx, &nameid, "__substg1.0_00040102", MAX_STRING_STREAM, NULL);
  g_object_unref (nameid.gsf);
  if (entries == NULL)
    return;

  g = guids != NULL ? g_bytes_get_data (guids, &g_len) : NULL;
  e = g_bytes_get_data (entries, &e_len);
  s = strings != NULL ? g_bytes_get_data (strings, &s_len) : NULL;

  for (gsize off = 0; off + 8 <= e_len; off += 8)
    {
      guint32 id_or_offset = get_u32 (e + off);
      guint32 info = get_u32 (e + off + 4);
      guint32 prop_index = info >> 16;
      guint32 guid_index = (info & 0xFFFF) >> 1;
      gboolean is_string = (info & 1) != 0;
      Named *named;

      if (prop_index > 0x7FFF)
        continue;
      named = g_new0 (Named, 1);
      if (guid_index == 1)
        memcpy (named->guid, TF_PS_MAPI, 16);
      else if (guid_index == 2)
        memcpy (named->guid, TF_PS_PUBLIC_STRINGS, 16);
      else if (guid_index >= 3 && g != NULL && (gsize) (guid_index - 3) * 16 + 16 <= g_len)
        memcpy (named->guid, g + (gsize) (guid_index - 3) * 16, 16);
      else
        {
          named_free (named);
          continue;
        }

      if (is_string)
        {
          if (s != NULL && (gsize) id_or_offset + 4 <= s_len)
            {
              guint32 n = get_u32 (s + id_or_offset);

              if (n <= s_len - id_or_offset - 4)
                named->name = tf_mapi_decode_unicode (s + id_or_offset + 4, n);
            }
          if (named->name == NULL)
            named->name = g_strdup ("");
        }
      else
        named->lid = id_or_offset;

      g_hash_table_replace (ctx->named, GUINT_TO_POINTER (0x8000 + prop_index), named);
    }
}

/* The prop id (0x8000+) the file uses for (@guid, @lid), or 0 */
static guint16
find_named_id (Ctx *ctx,
               const guint8 *guid,
               guint32 lid)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, ctx->named);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const Named *named = value;

      if (named->name == NULL && named->lid == lid && memcmp (named->guid, guid, 16) == 0)
        return (guint16) GPOINTER_TO_UINT (key);
    }
  return 0;
}

static void
read_named_values (Ctx *ctx,
                   const Storage *root,
                   GArray *props)
{
  guint16 goid_id = find_named_id (ctx, TF_PSETID_MEETING, TF_LID_GLOBAL_OBJECT_ID);
  guint16 clean_id = find_named_id (ctx, TF_PSETID_MEETING, TF_LID_CLEAN_GLOBAL_OBJECT_ID);
  guint16 seq_id = find_named_id (ctx, TF_PSETID_APPOINTMENT, TF_LID_APPOINTMENT_SEQUENCE);
  guint16 acc_id = find_named_id (ctx, TF_PSETID_MEETING, TF_LID_ATTENDEE_CRITICAL_CHANGE);
  guint16 occ_id = find_named_id (ctx, TF_PSETID_MEETING, TF_LID_OWNER_CRITICAL_CHANGE);
  g_autoptr (GBytes) goid = NULL;
  g_autoptr (GBytes) clean = NULL;
  const PropEntry *pe;

  if (goid_id != 0)
    {
      g_autofree char *name = g_strdup_printf ("__substg1.0_%04X0102", goid_id);

      goid = read_stream (ctx, root, name, MAX_BINARY_STREAM, NULL);
    }
  if (clean_id != 0)
    {
      g_autofree char *name = g_strdup_printf ("__substg1.0_%04X0102", clean_id);

      clean = read_stream (ctx, root, name, MAX_BINARY_STREAM, NULL);
    }

  {
    gsize goid_len = 0, clean_len = 0;
    const guint8 *goid_data = goid != NULL ? g_bytes_get_data (goid, &goid_len) : NULL;
    const guint8 *clean_data = clean != NULL ? g_bytes_get_data (clean, &clean_len) : NULL;

    tf_item_set_global_object_id (ctx->item, goid_data, goid_len, clean_data, clean_len);
  }

  if (seq_id != 0 && (pe = find_prop (props, TF_PROP_TAG (seq_id, TF_PT_LONG))) != NULL)
    tf_item_set_sequence (ctx->item, (gint) get_u32 (pe->value));

  if (acc_id != 0 && (pe = find_prop (props, TF_PROP_TAG (acc_id, TF_PT_SYSTIME))) != NULL)
    {
      TfStamp stamp = { TF_STAMP_ATTENDEE_CRITICAL_CHANGE, TF_SOURCE_MSG, get_u64 (pe->value), pe->offset, -1 };

      tf_item_add_stamp (ctx->item, &stamp);
    }
  if (occ_id != 0 && (pe = find_prop (props, TF_PROP_TAG (occ_id, TF_PT_SYSTIME))) != NULL)
    {
      TfStamp stamp = { TF_STAMP_OWNER_CRITICAL_CHANGE, TF_SOURCE_MSG, get_u64 (pe->value), pe->offset, -1 };

      tf_item_add_stamp (ctx->item, &stamp);
    }
}

/* Reads one __recip_version1.0_#N storage. Returns NULL when the storage
 * has no property stream, or (@only_with_track_time) no track-status time. */
static TfRecipient *
read_recipient (Ctx *ctx,
                const Storage *storage,
                gint row,
                const char *message_class,
                const Origin *origin)
{
  g_autoptr (TfRecipient) recipient = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GArray) props = NULL;
  g_autofree char *display = NULL;
  g_autofree char *addrtype = NULL;
  g_autofree char *email = NULL;
  g_autofree char *smtp = NULL;
  gint mapi_type = -1;
  guint32 flags = 0;
  gboolean has_flags = FALSE;
  gboolean has_track_time = FALSE;

  props = read_props (ctx, storage, SUB_HEADER_SIZE, &bytes);
  if (props == NULL)
    return NULL;

  recipient = tf_recipient_new (TF_SOURCE_MSG);
  tf_recipient_set_row (recipient, row);

  for (guint i = 0; i < props->len; i++)
    {
      const PropEntry *pe = &g_array_index (props, PropEntry, i);

      switch (pe->tag)
        {
        case TF_TAG_RECIPIENT_TYPE:
          mapi_type = (gint) get_u32 (pe->value);
          tf_recipient_set_mapi_type (recipient, mapi_type);
          break;
        case TF_TAG_RECIPIENT_FLAGS:
          flags = get_u32 (pe->value);
          has_flags = TRUE;
          tf_recipient_set_flags (recipient, flags);
          break;
        case TF_TAG_RECIPIENT_TRACKSTATUS:
          tf_recipient_set_track_status (recipient, (int) get_u32 (pe->value));
          break;
        case TF_TAG_RECIPIENT_TRACKSTATUS_TIME:
          {
            TfPatchSite site = { 0 };

            tf_recipient_set_track_time (recipient, get_u64 (pe->value));
            site.source = TF_SOURCE_MSG;
            site.part_index = -1;
            site.offset = pe->offset;
            tf_recipient_set_patch_site (recipient, &site);
            has_track_time = TRUE;
          }
          break;
        default:
          /* PropID 0x5FFB under another type: damaged row, say what it is */
          if (TF_PROP_ID (pe->tag) == TF_PROP_ID (TF_TAG_RECIPIENT_TRACKSTATUS_TIME))
            {
              tf_recipient_set_track_time_type (recipient, TF_PROP_TYPE (pe->tag));
              has_track_time = TRUE;
            }
          break;
        }

      if (ctx->flags & TF_READ_FULL)
        tf_recipient_take_prop (recipient, make_prop (ctx, storage, pe));
    }

  if (origin->attachments != NULL && !has_track_time)
    return NULL;
  tf_recipient_set_embedded (recipient, origin->attachments, origin->subject);

  display = read_string_prop (ctx, storage, TF_PROP_ID (TF_TAG_DISPLAY_NAME));
  if (display == NULL || *display == '\0')
    {
      g_free (display);
      display = read_string_prop (ctx, storage, TF_PROP_ID (TF_TAG_RECIPIENT_DISPLAY_NAME));
    }
  addrtype = read_string_prop (ctx, storage, TF_PROP_ID (TF_TAG_ADDRTYPE));
  email = read_string_prop (ctx, storage, TF_PROP_ID (TF_TAG_EMAIL_ADDRESS));
  smtp = read_string_prop (ctx, storage, TF_PROP_ID (TF_TAG_SMTP_ADDRESS));

  tf_recipient_set_name (recipient, display);
  if (smtp != NULL && *smtp != '\0')
    tf_recipient_set_address (recipient, smtp);
  else if (email != NULL && *email != '\0')
    /* SMTP address, or an Exchange legacy DN ("/O=…") for EX rows: still
     * the best identity the row has */
    tf_recipient_set_address (recipient, email);

  tf_recipient_set_is_organizer (recipient, has_flags && (flags & TF_RECIP_FLAG_ORGANIZER) != 0);
  tf_recipient_set_recipient_type (recipient,
                                   tf_mapi_recipient_type (mapi_type, flags, has_flags, message_class));
  return g_steal_pointer (&recipient);
}

static gboolean
parse_storage_number (const char *name,
                      const char *prefix,
                      guint32 *number)
{
  gsize plen = strlen (prefix);
  guint64 value;
  char *end = NULL;

  if (g_ascii_strncasecmp (name, prefix, plen) != 0)
    return FALSE;
  name += plen;
  if (strlen (name) != 8 || !g_ascii_isxdigit (name[0]))
    return FALSE;
  value = g_ascii_strtoull (name, &end, 16);
  if (end == NULL || *end != '\0' || value > G_MAXUINT32)
    return FALSE;
  *number = (guint32) value;
  return TRUE;
}

typedef struct
{
  guint32 number;
  char *name;
} Numbered;

static void
numbered_clear (gpointer data)
{
  g_free (((Numbered *) data)->name);
}

static gint
numbered_compare (gconstpointer a,
                  gconstpointer b)
{
  guint32 x = ((const Numbered *) a)->number;
  guint32 y = ((const Numbered *) b)->number;

  return x < y ? -1 : x > y;
}

/* Children of @storage named PREFIX + 8 hex digits, sorted by number.
 * Listed from our locator: libgsf's name_by_index walks a list each call. */
static GArray *
list_numbered (Ctx *ctx,
               const Storage *storage,
               const char *prefix,
               guint cap,
               gboolean *capped)
{
  GArray *list = g_array_new (FALSE, FALSE, sizeof (Numbered));
  g_autoptr (GArray) children = tf_cfb_list_children (ctx->cfb, storage->entry);

  g_array_set_clear_func (list, numbered_clear);
  *capped = FALSE;
  for (guint i = 0; i < children->len; i++)
    {
      const char *name = tf_cfb_entry_get_name (ctx->cfb, g_array_index (children, guint32, i));
      Numbered entry;

      if (name == NULL || !parse_storage_number (name, prefix, &entry.number))
        continue;
      if (list->len >= cap)
        {
          *capped = TRUE;
          break;
        }
      entry.name = g_strdup (name);
      g_array_append_val (list, entry);
    }
  g_array_sort (list, numbered_compare);
  return list;
}

/* The rows of @message; of an embedded message (@origin->attachments not
 * NULL) only those with a track-status time */
static void
read_recipients (Ctx *ctx,
                 const Storage *message,
                 const char *message_class,
                 const Origin *origin)
{
  gboolean capped = FALSE;
  g_autoptr (GArray) list = list_numbered (ctx, message, RECIP_PREFIX, MAX_RECIPIENTS, &capped);

  if (capped)
    {
      g_autofree char *detail = g_strdup_printf (_ ("This message has more than %u recipient storages; only the first %u were read."),
                                                 MAX_RECIPIENTS, MAX_RECIPIENTS);

      add_parse_error (ctx, detail);
    }

  for (guint i = 0; i < list->len; i++)
    {
      const Numbered *entry = &g_array_index (list, Numbered, i);
      g_autoptr (TfRecipient) recipient = NULL;
      Storage storage;

      if (!open_storage (ctx, message, entry->name, &storage))
        continue;
      recipient = read_recipient (ctx, &storage, (gint) MIN (entry->number, (guint32) G_MAXINT),
                                  message_class, origin);
      g_object_unref (storage.gsf);
      if (recipient != NULL)
        tf_item_add_recipient (ctx->item, recipient);
    }
}

/* Every message embedded in @message, and those embedded in them (see the
 * comment at the top of this file). @parent: attachment numbers of
 * @message itself, NULL for the item; @depth: its nesting level. */
static void
read_embedded (Ctx *ctx,
               const Storage *message,
               const char *parent,
               guint depth)
{
  gboolean capped = FALSE;
  g_autoptr (GArray) list = list_numbered (ctx, message, ATTACH_PREFIX, MAX_ATTACHMENTS, &capped);

  for (guint i = 0; i < list->len; i++)
    {
      const Numbered *entry = &g_array_index (list, Numbered, i);
      g_autofree char *embedded_class = NULL;
      g_autofree char *subject = NULL;
      g_autofree char *attachments = NULL;
      Storage attach, embedded;
      Origin origin;

      if (!open_storage (ctx, message, entry->name, &attach))
        continue;
      if (!open_storage (ctx, &attach, EMBEDDED_NAME, &embedded))
        {
          g_object_unref (attach.gsf);
          continue;
        }
      if (depth >= TF_MAX_EMBED_DEPTH)
        {
          if (!ctx->too_deep)
            tf_item_add_too_deep (ctx->item);
          ctx->too_deep = TRUE;
        }
      else if (g_hash_table_add (ctx->visited, GUINT_TO_POINTER (embedded.entry)))
        {
          attachments = parent != NULL ? g_strdup_printf ("%s/%u", parent, i + 1) : g_strdup_printf ("%u", i + 1);
          embedded_class = read_string_prop (ctx, &embedded, TF_PROP_ID (TF_TAG_MESSAGE_CLASS));
          subject = read_string_prop (ctx, &embedded, TF_PROP_ID (TF_TAG_SUBJECT));
          origin = (Origin){ attachments, subject != NULL && *subject != '\0' ? subject : NULL };
          read_recipients (ctx, &embedded, embedded_class, &origin);
          read_embedded (ctx, &embedded, attachments, depth + 1);
        }
      g_object_unref (embedded.gsf);
      g_object_unref (attach.gsf);
    }
}

/* An SMTP address for the sender: the SMTP property, else the e-mail
 * address when it is one (not an Exchange legacy DN "/O=…"), else NULL */
static char *
pick_smtp (Ctx *ctx,
           const Storage *root,
           guint16 smtp_id,
           guint16 email_id)
{
  g_autofree char *smtp = read_string_prop (ctx, root, smtp_id);
  g_autofree char *email = NULL;

  if (smtp != NULL && *smtp != '\0')
    return g_steal_pointer (&smtp);
  email = read_string_prop (ctx, root, email_id);
  if (email != NULL && strchr (email, '@') != NULL && email[0] != '/')
    return g_steal_pointer (&email);
  return NULL;
}

static void
read_message (Ctx *ctx,
              const Storage *root)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GArray) props = NULL;
  g_autofree char *message_class = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *from = NULL;
  const PropEntry *pe;

  read_nameid (ctx, root);

  props = read_props (ctx, root, TOP_HEADER_SIZE, &bytes);
  if (props == NULL)
    add_parse_error (ctx, _ ("This Outlook message has no property stream (__properties_version1.0)."));

  if ((pe = find_prop (props, TAG_MESSAGE_CODEPAGE)) != NULL)
    ctx->codepage = get_u32 (pe->value);
  else if ((pe = find_prop (props, TAG_INTERNET_CPID)) != NULL)
    ctx->codepage = tf_mapi_ansi_codepage_for (get_u32 (pe->value));

  message_class = read_string_prop (ctx, root, TF_PROP_ID (TF_TAG_MESSAGE_CLASS));
  if (message_class != NULL)
    tf_item_set_message_class (ctx->item, message_class);
  subject = read_string_prop (ctx, root, TF_PROP_ID (TF_TAG_SUBJECT));
  if (subject != NULL)
    tf_item_set_subject (ctx->item, subject);

  if ((pe = find_prop (props, TF_TAG_CLIENT_SUBMIT_TIME)) != NULL)
    tf_item_set_sent (ctx->item, tf_filetime_to_unix (get_u64 (pe->value)));

  {
    g_autofree char *sender_name = read_string_prop (ctx, root, TF_PROP_ID (TF_TAG_SENDER_NAME));
    g_autofree char *sender = pick_smtp (ctx, root, TF_PROP_ID (TF_TAG_SENDER_SMTP_ADDRESS),
                                         TF_PROP_ID (TF_TAG_SENDER_EMAIL_ADDRESS));

    if (sender == NULL)
      sender = pick_smtp (ctx, root, TAG_SENT_REPRESENTING_SMTP_ID,
                          TF_PROP_ID (TF_TAG_SENT_REPRESENTING_EMAIL));
    if (sender_name == NULL || *sender_name == '\0')
      {
        g_free (sender_name);
        sender_name = read_string_prop (ctx, root, TF_PROP_ID (TF_TAG_SENT_REPRESENTING_NAME));
      }
    from = tf_mapi_format_sender (sender_name, sender);
    if (from != NULL)
      tf_item_set_from (ctx->item, from);
  }

  if (props != NULL)
    read_named_values (ctx, root, props);

  if (props != NULL && (ctx->flags & TF_READ_FULL))
    for (guint i = 0; i < props->len; i++)
      tf_item_take_prop (ctx->item, make_prop (ctx, root, &g_array_index (props, PropEntry, i)));

  {
    const Origin self = { NULL, NULL };

    read_recipients (ctx, root, message_class, &self);
  }
  read_embedded (ctx, root, NULL, 0);
}

static void
quiet_gsf_log (const char *log_domain,
               GLogLevelFlags log_level,
               const char *message,
               gpointer user_data)
{
  /* Damage is reported as a PARSE_ERROR finding; keep libgsf's own
   * complaints for debugging only. */
  g_debug ("%s: %s", log_domain, message);
}

static void
ensure_gsf (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      /* libgsf registers its types without locking: do it once, on one
       * thread, before the scanner's workers read files in parallel. */
      gsf_init ();
      g_type_ensure (GSF_INPUT_MEMORY_TYPE);
      g_type_ensure (GSF_INFILE_MSOLE_TYPE);
      g_type_ensure (gsf_input_proxy_get_type ());
      g_log_set_handler ("libgsf:msole", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_MESSAGE,
                         quiet_gsf_log, NULL);
      g_log_set_handler ("libgsf", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_MESSAGE,
                         quiet_gsf_log, NULL);
      g_once_init_leave (&initialized, 1);
    }
}

/**
 * tf_msg_read:
 * @data: the whole .msg file
 * @item: receives class, subject, sender, named meeting properties,
 *   recipients (with the file offset of each track-status time) and
 *   PARSE_ERROR findings for damage
 *
 * Returns: %FALSE when nothing useful could be read
 */
gboolean
tf_msg_read (GBytes *data,
             TfItem *item,
             TfReadFlags flags)
{
  g_autoptr (GsfInput) input = NULL;
  g_autoptr (GsfInfile) infile = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) named = NULL;
  g_autoptr (GHashTable) visited = NULL;
  const guint8 *bytes;
  gsize len = 0;
  TfCfb *cfb;
  Storage root;
  Ctx ctx = { 0 };

  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (TF_IS_ITEM (item), FALSE);

  ensure_gsf ();
  tf_item_add_source (item, TF_SOURCE_MSG);

  bytes = g_bytes_get_data (data, &len);
  cfb = tf_cfb_new (bytes, len, &error);
  if (cfb == NULL)
    {
      /* Translators: %s explains the damage, e.g. "CFB: FAT chain loops
       * at sector 7" */
      tf_item_add_finding (item, tf_finding_new_printf (TF_FINDING_PARSE_ERROR, NULL,
                                                        _ ("This Outlook .msg file is damaged and cannot be read: %s"),
                                                        error->message));
      return FALSE;
    }

  /* No copy: the memory input reads straight from @data, kept alive by
   * our reference until the infile is gone. */
  input = gsf_input_memory_new (bytes, (gsf_off_t) len, FALSE);
  infile = gsf_infile_msole_new (input, &error);
  if (infile == NULL)
    {
      tf_item_add_finding (item, tf_finding_new_printf (TF_FINDING_PARSE_ERROR, NULL,
                                                        _ ("This Outlook .msg file is damaged and cannot be read: %s"),
                                                        error != NULL ? error->message : "libgsf"));
      tf_cfb_free (cfb);
      return FALSE;
    }

  named = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, named_free);
  ctx.item = item;
  ctx.flags = flags;
  ctx.cfb = cfb;
  ctx.codepage = 0;
  ctx.named = named;
  visited = g_hash_table_new (g_direct_hash, g_direct_equal);
  ctx.visited = visited;
  root.gsf = infile;
  root.entry = 0;

  read_message (&ctx, &root);

  tf_cfb_free (cfb);
  return TRUE;
}
