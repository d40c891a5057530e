/* tf-pst.c — PST/OST messages as TfItems
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every normal message node of the node BTree is an item, in the folder
 * its nidParent names. Its property context gives class, subject, sender
 * and code page; its recipient table (subnode 0x0692) gives one recipient
 * per row, with the cell existence bitmap deciding what is present: an
 * absent cell is never read as 0 ("absent ≠ 0", the libpff trap). Embedded
 * messages (attachments of method 5: recurring-meeting exceptions,
 * forwarded meetings) become items of their own, path chain
 * "file#0xOUTER/0xATTACH/0xINNER", when one of their rows carries a
 * track-status time. Only BTree pages, message PCs and recipient tables
 * are read: never bodies or attachment data (see tf-pst-private.h for why
 * this is our own code rather than libpff).
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tf-filetime.h"
#include "tf-mapi.h"
#include "tf-pst-private.h"
#include "tf-pst.h"
#include "tf-read-progress-private.h"
#include "tf-rules.h"

#define MAX_VALUE (64 * 1024)
#define MAX_RECIPIENT_ROWS 32768
#define MAX_FOLDER_DEPTH 64
#define MAX_EMBED_DEPTH 3
#define MAX_ATTACHMENTS 4096
#define MAX_NIDS 7

#define TAG_MESSAGE_CODEPAGE 0x3FFD0003
#define TAG_INTERNET_CPID 0x3FDE0003
#define TAG_SENT_REPRESENTING_SMTP 0x5D02001F
#define TAG_PST_PASSWORD 0x67FF0003
#define TAG_MESSAGE_FLAGS 0x0E070003
#define MSGFLAG_HASATTACH 0x10
#define TAG_NDR_STATUS_CODE 0x0C200003
#define TAG_NDR_DIAG_CODE 0x0C050003
#define TAG_NDR_REASON_CODE 0x0C040003
#define PROP_SUPPLEMENTARY_INFO 0x0C1B
#define PROP_REPORT_TEXT 0x1001
#define ATTACH_EMBEDDED_MSG 5
#define NID_MESSAGE_STORE 0x21
/* [MS-PST] 2.4.7 Named Property Lookup Map */
#define NID_NAME_TO_ID_MAP 0x61
#define TAG_NAMEID_GUIDS 0x00020102
#define TAG_NAMEID_ENTRIES 0x00030102
#define MAX_NAMEID_STREAM (4u * 1024 * 1024)

typedef struct
{
  guint32 parent;
  char *name;
} Folder;

typedef struct
{
  TfPstFile *file;
  const char *path;
  const char *file_path;
  GHashTable *wanted;       /* NID chains to read, or NULL: every message */
  GHashTable *wanted_outer; /* the first NID of each ("0x00214A44") */
  TfReadFlags flags;
  TfFormat format;
  TfSource source;
  GHashTable *folders;      /* NID → Folder */
  GHashTable *folder_paths; /* NID → its path (char *), made once */
  GArray *messages;         /* TfPstNode */
  GPtrArray *file_notes;    /* PST_CHECKSUM / password findings every item gets */
  GHashTable *named;        /* property id (0x8000+) → Named, read once */
  guint16 named_ids[5];     /* ids of the named properties read per message */
  gboolean named_ids_known;
  GPtrArray *items;
  guint first;               /* @items before this index are the caller's */
  guint n_items;             /* items added, handed out or not */
  TfPstBatchFunc batch_func; /* (nullable) */
  gpointer batch_data;
} Ctx;

/* What a message's reading needs besides its item */
typedef struct
{
  TfItem *item;
  guint64 bid_data;
  guint64 bid_sub;
  guint32 nids[MAX_NIDS];
  guint n_nids;
  guint codepage;
  gboolean codepage_warned;
  GArray *subs; /* the message's subnodes (TfPstNode), listed once */
} Msg;

static gboolean
find_subnode (GArray *subs,
              guint32 nid,
              TfPstNode *node)
{
  for (guint i = 0; subs != NULL && i < subs->len; i++)
    if (g_array_index (subs, TfPstNode, i).nid == nid)
      {
        *node = g_array_index (subs, TfPstNode, i);
        return TRUE;
      }
  return FALSE;
}

static void
folder_free (gpointer data)
{
  Folder *f = data;

  g_free (f->name);
  g_free (f);
}

static char *
nid_chain (const guint32 *nids,
           guint n)
{
  static const char hex[] = "0123456789ABCDEF";
  /* "0x%08X" joined by '/', without printf: one per item of a big PST */
  char *s = g_malloc ((gsize) n * 11 + 1);
  char *p = s;

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        *p++ = '/';
      *p++ = '0';
      *p++ = 'x';
      for (int shift = 28; shift >= 0; shift -= 4)
        *p++ = hex[(nids[i] >> shift) & 0xF];
    }
  *p = '\0';
  return s;
}

/* Decodes a PT_UNICODE / PT_STRING8 value; a code page iconv does not know
 * (or bytes that do not fit it) is reported once per message */
static char *
decode_string (Msg *msg,
               guint32 tag,
               const guint8 *bytes,
               gsize len)
{
  gboolean exact = TRUE;
  char *text;

  if (TF_PROP_TYPE (tag) == TF_PT_UNICODE)
    return len > 0 ? tf_mapi_decode_unicode (bytes, len) : g_strdup ("");
  text = len > 0 ? tf_mapi_decode_string8 (bytes, len, msg->codepage, &exact) : g_strdup ("");
  if (!exact && !msg->codepage_warned && msg->item != NULL)
    {
      msg->codepage_warned = TRUE;
      tf_item_add_finding (msg->item,
                           tf_finding_new_printf (TF_FINDING_PARSE_ERROR, NULL,
                                                  /* Translators: %u is a Windows code page number */
                                                  _ ("The message’s strings are not valid in its code page %u "
                                                     "(PR_MESSAGE_CODEPAGE); they are shown as Windows-1252."),
                                                  msg->codepage));
    }
  return text;
}

/* A string property of a PC, PT_UNICODE first, or NULL */
static char *
pc_string (Ctx *ctx,
           Msg *msg,
           TfPstHeap *heap,
           GArray *props,
           guint16 prop_id)
{
  const guint32 tags[] = { TF_PROP_TAG (prop_id, TF_PT_UNICODE), TF_PROP_TAG (prop_id, TF_PT_STRING8) };

  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    {
      const TfPstProp *p = tf_pst_props_find (props, tags[i]);
      TfPstValue v;
      char *text;

      if (p == NULL || !tf_pst_pc_value (ctx->file, heap, msg->bid_sub, p, MAX_VALUE, &v, NULL))
        continue;
      text = decode_string (msg, p->tag, v.bytes, v.len);
      tf_pst_value_clear (&v);
      return text;
    }
  return NULL;
}

static gboolean
pc_u32 (GArray *props,
        guint32 tag,
        guint32 *value)
{
  const TfPstProp *p = tf_pst_props_find (props, tag);

  if (p == NULL)
    return FALSE;
  *value = tf_pst_u32 (p->inline_value);
  return TRUE;
}

/* [MS-OXCMAIL]: a subject may carry a "normalized subject" marker: 0x01
 * then the prefix length, ahead of the text */
static void
strip_subject_marker (char *subject)
{
  if (subject != NULL && subject[0] == '\x01' && subject[1] != '\0')
    memmove (subject, subject + 2, strlen (subject + 2) + 1);
}

typedef struct
{
  guint8 guid[16];
  guint32 lid;
  gboolean is_string;
} Named;

/* Reads the name-to-id map's GUID and entry streams (NAMEID records:
 * dwPropertyID, wGuid = guid index << 1 | string flag, wPropIdx) */
static void
load_named (Ctx *ctx)
{
  TfPstValue guids = { 0 }, entries = { 0 };
  g_autoptr (GArray) props = NULL;
  const TfPstProp *pg, *pe;
  TfPstNode node;
  TfPstHeap heap = { 0 };

  ctx->named = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  if (!tf_pst_nbt_lookup (ctx->file, NID_NAME_TO_ID_MAP, &node, NULL)
      || !tf_pst_heap_open (ctx->file, node.bid_data, &heap, NULL))
    return;
  props = tf_pst_pc_read (&heap, NULL);
  pg = tf_pst_props_find (props, TAG_NAMEID_GUIDS);
  pe = tf_pst_props_find (props, TAG_NAMEID_ENTRIES);
  if (pe != NULL && tf_pst_pc_value (ctx->file, &heap, node.bid_sub, pe, MAX_NAMEID_STREAM, &entries, NULL)
      && (pg == NULL || tf_pst_pc_value (ctx->file, &heap, node.bid_sub, pg, MAX_NAMEID_STREAM, &guids, NULL)))
    for (gsize off = 0; off + 8 <= entries.len; off += 8)
      {
        const guint8 *e = entries.bytes + off;
        guint16 guid_index = tf_pst_u16 (e + 4) >> 1;
        Named *n = g_new0 (Named, 1);

        n->lid = tf_pst_u32 (e);
        n->is_string = (tf_pst_u16 (e + 4) & 1) != 0;
        if (guid_index == 1)
          memcpy (n->guid, TF_PS_MAPI, 16);
        else if (guid_index == 2)
          memcpy (n->guid, TF_PS_PUBLIC_STRINGS, 16);
        else if (guid_index >= 3 && (gsize) (guid_index - 3) * 16 + 16 <= guids.len)
          memcpy (n->guid, guids.bytes + (gsize) (guid_index - 3) * 16, 16);
        g_hash_table_replace (ctx->named, GUINT_TO_POINTER (0x8000u + tf_pst_u16 (e + 6)), n);
      }
  tf_pst_value_clear (&guids);
  tf_pst_value_clear (&entries);
  tf_pst_heap_clear (&heap);
}

static TfProp *
render_value (Msg *msg,
              guint32 tag,
              const guint8 *bytes,
              gsize len,
              gint64 offset,
              gboolean readable)
{
  guint16 type = TF_PROP_TYPE (tag);
  g_autofree char *text = NULL;

  if (!readable)
    /* Translators: value of a property that was not read (too large or
     * damaged) */
    return tf_prop_new (tag, _ ("(not read)"), -1);
  if (type == TF_PT_SYSTIME && len >= 8)
    return tf_prop_new_systime (tag, tf_pst_u64 (bytes), offset);
  if (tf_mapi_type_is_fixed (type) && len >= 8)
    text = tf_mapi_render_fixed (type, bytes);
  else if (tf_mapi_type_is_fixed (type) && len >= 4)
    {
      guint8 padded[8] = { 0 };

      memcpy (padded, bytes, 4);
      text = tf_mapi_render_fixed (type, padded);
    }
  else if (type == TF_PT_UNICODE || type == TF_PT_STRING8)
    text = decode_string (msg, tag, bytes, len);
  else if (type == TF_PT_OBJECT)
    text = g_strdup (_ ("(object)"));
  else
    text = tf_mapi_render_binary (bytes, len);
  return tf_prop_new (tag, text, offset);
}

static void
keep_message_props (Ctx *ctx,
                    Msg *msg,
                    TfPstHeap *heap,
                    GArray *props)
{
  for (guint i = 0; i < props->len; i++)
    {
      const TfPstProp *p = &g_array_index (props, TfPstProp, i);
      TfPstValue v;
      gboolean ok = tf_pst_pc_value (ctx->file, heap, msg->bid_sub, p, MAX_VALUE, &v, NULL);

      TfProp *prop = render_value (msg, p->tag, v.bytes, ok ? v.len : 0, ok && v.block != NULL ? v.offset : -1, ok);
      const Named *n;

      if (TF_PROP_ID (p->tag) >= 0x8000)
        {
          if (ctx->named == NULL)
            load_named (ctx);
          if ((n = g_hash_table_lookup (ctx->named, GUINT_TO_POINTER ((guint) TF_PROP_ID (p->tag)))) != NULL)
            tf_prop_set_named (prop, n->guid, n->lid, NULL);
        }
      tf_item_take_prop (msg->item, prop);
      if (ok)
        tf_pst_value_clear (&v);
    }
}

static void
read_sender (Ctx *ctx,
             Msg *msg,
             TfPstHeap *heap,
             GArray *props)
{
  g_autofree char *name = pc_string (ctx, msg, heap, props, TF_PROP_ID (TF_TAG_SENDER_NAME));
  g_autofree char *address = pc_string (ctx, msg, heap, props, TF_PROP_ID (TF_TAG_SENDER_SMTP_ADDRESS));
  g_autofree char *from = NULL;

  if (name == NULL || *name == '\0')
    {
      g_free (name);
      name = pc_string (ctx, msg, heap, props, TF_PROP_ID (TF_TAG_SENT_REPRESENTING_NAME));
    }
  if (address == NULL || *address == '\0')
    {
      g_free (address);
      address = pc_string (ctx, msg, heap, props, TF_PROP_ID (TF_TAG_SENDER_EMAIL_ADDRESS));
      /* An Exchange legacy DN ("/O=…") is no address to show */
      if (address != NULL && (address[0] == '/' || strchr (address, '@') == NULL))
        g_clear_pointer (&address, g_free);
    }
  from = tf_mapi_format_sender (name, address);
  if (from != NULL)
    tf_item_set_from (msg->item, from);
}

/* The property id the file gives named property (@guid, @lid), or 0 */
static guint16
named_id (Ctx *ctx,
          const guint8 *guid,
          guint32 lid)
{
  GHashTableIter iter;
  gpointer key, value;

  if (ctx->named == NULL)
    load_named (ctx);
  g_hash_table_iter_init (&iter, ctx->named);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const Named *n = value;

      if (!n->is_string && n->lid == lid && memcmp (n->guid, guid, 16) == 0)
        return (guint16) GPOINTER_TO_UINT (key);
    }
  return 0;
}

/* The named properties read from every message, in Ctx.named_ids order */
enum
{
  NAMED_GOID,
  NAMED_CLEAN_GOID,
  NAMED_SEQUENCE,
  NAMED_ATTENDEE_CRITICAL_CHANGE,
  NAMED_OWNER_CRITICAL_CHANGE,
};

/* Looks the ids up in the name-to-id map once per file, not per message */
static void
resolve_named_ids (Ctx *ctx)
{
  ctx->named_ids[NAMED_GOID] = named_id (ctx, TF_PSETID_MEETING, TF_LID_GLOBAL_OBJECT_ID);
  ctx->named_ids[NAMED_CLEAN_GOID] = named_id (ctx, TF_PSETID_MEETING, TF_LID_CLEAN_GLOBAL_OBJECT_ID);
  ctx->named_ids[NAMED_SEQUENCE] = named_id (ctx, TF_PSETID_APPOINTMENT, TF_LID_APPOINTMENT_SEQUENCE);
  ctx->named_ids[NAMED_ATTENDEE_CRITICAL_CHANGE] = named_id (ctx, TF_PSETID_MEETING, TF_LID_ATTENDEE_CRITICAL_CHANGE);
  ctx->named_ids[NAMED_OWNER_CRITICAL_CHANGE] = named_id (ctx, TF_PSETID_MEETING, TF_LID_OWNER_CRITICAL_CHANGE);
  ctx->named_ids_known = TRUE;
}

/* A named property's value (@type) of the message, or FALSE */
static gboolean
named_value (Ctx *ctx,
             Msg *msg,
             TfPstHeap *heap,
             GArray *props,
             guint which,
             guint16 type,
             TfPstValue *value)
{
  guint16 id = ctx->named_ids[which];
  const TfPstProp *p = id != 0 ? tf_pst_props_find (props, TF_PROP_TAG (id, type)) : NULL;

  return p != NULL && tf_pst_pc_value (ctx->file, heap, msg->bid_sub, p, MAX_VALUE, value, NULL);
}

/* GlobalObjectId → UID and meeting key, for every message class that has
 * one (meeting requests and responses filed as notes, forwarded meetings,
 * tasks…: the Meetings view groups them with queue files by it); sequence
 * and critical-change stamps for calendar classes */
static void
read_named_values (Ctx *ctx,
                   Msg *msg,
                   TfPstHeap *heap,
                   GArray *props,
                   gboolean calendar)
{
  const struct
  {
    guint which;
    TfStampKind kind;
  } stamps[] = {
    { NAMED_ATTENDEE_CRITICAL_CHANGE, TF_STAMP_ATTENDEE_CRITICAL_CHANGE },
    { NAMED_OWNER_CRITICAL_CHANGE, TF_STAMP_OWNER_CRITICAL_CHANGE },
  };
  TfPstValue goid = { 0 }, clean = { 0 }, v;

  if (!ctx->named_ids_known)
    resolve_named_ids (ctx);
  named_value (ctx, msg, heap, props, NAMED_GOID, TF_PT_BINARY, &goid);
  named_value (ctx, msg, heap, props, NAMED_CLEAN_GOID, TF_PT_BINARY, &clean);
  if (calendar || goid.len > 0 || clean.len > 0)
    tf_item_set_global_object_id (msg->item, goid.bytes, goid.len, clean.bytes, clean.len);
  tf_pst_value_clear (&goid);
  tf_pst_value_clear (&clean);
  if (!calendar)
    return;

  if (named_value (ctx, msg, heap, props, NAMED_SEQUENCE, TF_PT_LONG, &v)
      && v.len >= 4)
    tf_item_set_sequence (msg->item, (gint) tf_pst_u32 (v.bytes));
  for (guint i = 0; i < G_N_ELEMENTS (stamps); i++)
    if (named_value (ctx, msg, heap, props, stamps[i].which, TF_PT_SYSTIME, &v))
      {
        if (v.len >= 8)
          {
            TfStamp stamp = { stamps[i].kind, ctx->source, tf_pst_u64 (v.bytes), v.offset, -1 };

            tf_item_add_stamp (msg->item, &stamp);
          }
        tf_pst_value_clear (&v);
      }
}

/* Reads class, subject, sender, code page; returns the class */
static char *
read_message_pc (Ctx *ctx,
                 Msg *msg,
                 TfPstHeap *heap,
                 GArray *props)
{
  char *message_class;
  g_autofree char *subject = NULL;
  guint32 u;
  const TfPstProp *p;

  msg->codepage = 1252;
  if (pc_u32 (props, TAG_MESSAGE_CODEPAGE, &u))
    msg->codepage = u;
  else if (pc_u32 (props, TAG_INTERNET_CPID, &u))
    msg->codepage = tf_mapi_ansi_codepage_for (u);

  message_class = pc_string (ctx, msg, heap, props, TF_PROP_ID (TF_TAG_MESSAGE_CLASS));
  if (message_class != NULL)
    tf_item_set_message_class (msg->item, message_class);
  subject = pc_string (ctx, msg, heap, props, TF_PROP_ID (TF_TAG_SUBJECT));
  strip_subject_marker (subject);
  if (subject != NULL)
    tf_item_set_subject (msg->item, subject);

  if ((p = tf_pst_props_find (props, TF_TAG_CLIENT_SUBMIT_TIME)) != NULL
      || (p = tf_pst_props_find (props, TF_TAG_MESSAGE_DELIVERY_TIME)) != NULL)
    {
      TfPstValue v;

      if (tf_pst_pc_value (ctx->file, heap, msg->bid_sub, p, 8, &v, NULL) && v.len >= 8)
        tf_item_set_sent (msg->item, tf_filetime_to_unix (tf_pst_u64 (v.bytes)));
      tf_pst_value_clear (&v);
    }
  read_sender (ctx, msg, heap, props);
  read_named_values (ctx, msg, heap, props, tf_mapi_is_calendar_class (message_class));
  if (ctx->flags & TF_READ_FULL)
    keep_message_props (ctx, msg, heap, props);
  return message_class;
}

/* The delivery status "4.4.7" inside NDR text such as "#550 4.4.7
 * QUEUE.Expired", or NULL */
static char *
find_status_code (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p++)
    {
      if ((*p == '2' || *p == '4' || *p == '5') && p[1] == '.' && g_ascii_isdigit (p[2])
          && (p == text || (!g_ascii_isdigit (p[-1]) && p[-1] != '.')))
        {
          const char *q = p + 2;

          while (g_ascii_isdigit (*q) && q - p < 5)
            q++;
          if (*q != '.' || !g_ascii_isdigit (q[1]))
            continue;
          q++;
          while (g_ascii_isdigit (*q) && q - p < 9)
            q++;
          return g_strndup (p, (gsize) (q - p));
        }
    }
  return NULL;
}

typedef struct
{
  char *display;
  char *display7;
  char *email;
  char *smtp;
  char *ndr_text;
  gint mapi_type;
  guint32 flags;
  gboolean has_flags;
  gboolean has_track_time;
} RowFields;

static void
row_fields_clear (RowFields *f)
{
  g_free (f->display);
  g_free (f->display7);
  g_free (f->email);
  g_free (f->smtp);
  g_free (f->ndr_text);
}

static void
set_track_time (Ctx *ctx,
                Msg *msg,
                TfRecipient *r,
                const TfPstCell *cell,
                const TfPstTable *table,
                guint row)
{
  TfPatchSite site = { 0 };
  const TfPstColumn *col = NULL;

  for (guint i = 0; i < table->n_columns; i++)
    if (table->columns[i].tag == cell->tag)
      col = &table->columns[i];

  tf_recipient_set_track_time (r, tf_pst_u64 (cell->raw));
  site.source = ctx->source;
  site.part_index = -1;
  /* A block whose CRC does not verify is never written (PST_CHECKSUM) */
  site.offset = cell->block->crc_ok ? cell->offset : -1;
  site.pst.bid = cell->block->bid;
  site.pst.block_offset = cell->block->offset;
  site.pst.block_size = cell->block->size;
  site.pst.crc_offset = cell->block->crc_offset;
  site.pst.crc = cell->block->stored_crc;
  site.pst.cref = cell->block->cref;
  site.pst.encoding = (guint8) tf_pst_file_get_crypt (ctx->file);
  site.pst.unicode = tf_pst_file_is_unicode (ctx->file);
  site.pst.ceb_offset = (guint64) (cell->offset - col->ib_data) + table->rgib[2] + col->i_bit / 8;
  site.pst.ceb_mask = (guint8) (0x80 >> (col->i_bit % 8));
  site.pst.row = row;
  site.pst.n_nids = msg->n_nids;
  memcpy (site.pst.nids, msg->nids, sizeof site.pst.nids[0] * MIN (msg->n_nids, G_N_ELEMENTS (site.pst.nids)));
  site.pst.n_nids = MIN (msg->n_nids, G_N_ELEMENTS (site.pst.nids));
  tf_recipient_set_patch_site (r, &site);
}

static void
apply_cell (Ctx *ctx,
            Msg *msg,
            TfRecipient *r,
            RowFields *f,
            const TfPstCell *cell,
            const TfPstTable *table,
            guint row)
{
  guint16 id = TF_PROP_ID (cell->tag);
  guint16 type = TF_PROP_TYPE (cell->tag);
  gboolean is_string = type == TF_PT_UNICODE || type == TF_PT_STRING8;
  char **target = NULL;

  switch (cell->tag)
    {
    case TF_TAG_RECIPIENT_TYPE:
      f->mapi_type = (gint) tf_pst_u32 (cell->raw);
      tf_recipient_set_mapi_type (r, f->mapi_type);
      return;
    case TF_TAG_RECIPIENT_FLAGS:
      f->flags = tf_pst_u32 (cell->raw);
      f->has_flags = TRUE;
      tf_recipient_set_flags (r, f->flags);
      return;
    case TF_TAG_RECIPIENT_TRACKSTATUS:
      tf_recipient_set_track_status (r, (int) tf_pst_u32 (cell->raw));
      return;
    case TF_TAG_RECIPIENT_TRACKSTATUS_TIME:
      set_track_time (ctx, msg, r, cell, table, row);
      f->has_track_time = TRUE;
      return;
    default:
      break;
    }
  if (id == TF_PROP_ID (TF_TAG_RECIPIENT_TRACKSTATUS_TIME))
    {
      /* PropID 0x5FFB under another type: damaged row, say what it is */
      tf_recipient_set_track_time_type (r, type);
      f->has_track_time = TRUE;
      return;
    }
  if (!is_string || cell->value.bytes == NULL)
    return;
  if (id == TF_PROP_ID (TF_TAG_DISPLAY_NAME))
    target = &f->display;
  else if (id == TF_PROP_ID (TF_TAG_RECIPIENT_DISPLAY_NAME))
    target = &f->display7;
  else if (id == TF_PROP_ID (TF_TAG_EMAIL_ADDRESS))
    target = &f->email;
  else if (id == TF_PROP_ID (TF_TAG_SMTP_ADDRESS))
    target = &f->smtp;
  else if (id == PROP_SUPPLEMENTARY_INFO || (id == PROP_REPORT_TEXT && f->ndr_text == NULL))
    target = &f->ndr_text;
  if (target != NULL)
    {
      g_free (*target);
      *target = decode_string (msg, cell->tag, cell->value.bytes, cell->value.len);
    }
}

static void
keep_cell_prop (Msg *msg,
                TfRecipient *r,
                const TfPstCell *cell)
{
  guint16 type = TF_PROP_TYPE (cell->tag);
  gboolean fixed = tf_mapi_type_is_fixed (type);

  if (!cell->exists)
    {
      /* Translators: a recipient-table column with no value in this row */
      tf_recipient_take_prop (r, tf_prop_new_absent (cell->tag, _ ("(absent: cell-existence bit clear)")));
      return;
    }
  if (fixed)
    {
      guint8 v[8] = { 0 };

      memcpy (v, cell->raw, MIN ((gsize) cell->size, sizeof v));
      tf_recipient_take_prop (r, render_value (msg, cell->tag, v, 8, cell->offset, TRUE));
      return;
    }
  tf_recipient_take_prop (r, render_value (msg, cell->tag, cell->value.bytes, cell->value.len,
                                           cell->value.block != NULL ? cell->value.offset : -1,
                                           cell->value.bytes != NULL));
}

static TfRecipient *
read_row (Ctx *ctx,
          Msg *msg,
          TfPstTable *table,
          TfPstCell *cells,
          guint row,
          const char *message_class)
{
  g_autoptr (TfRecipient) r = tf_recipient_new (ctx->source);
  RowFields f = { .mapi_type = -1 };
  g_autofree char *status = NULL;

  tf_recipient_set_row (r, (gint) row);
  for (guint i = 0; i < table->n_columns; i++)
    {
      if (cells[i].exists)
        apply_cell (ctx, msg, r, &f, &cells[i], table, row);
      if (ctx->flags & TF_READ_FULL)
        keep_cell_prop (msg, r, &cells[i]);
    }

  tf_recipient_set_name (r, f.display != NULL && *f.display != '\0' ? f.display : f.display7);
  if (f.smtp != NULL && *f.smtp != '\0')
    tf_recipient_set_address (r, f.smtp);
  else if (f.email != NULL && *f.email != '\0')
    tf_recipient_set_address (r, f.email);
  else
    tf_recipient_set_address (r, tf_recipient_get_name (r));
  tf_recipient_set_is_organizer (r, f.has_flags && (f.flags & TF_RECIP_FLAG_ORGANIZER) != 0);
  tf_recipient_set_recipient_type (r, tf_mapi_recipient_type (f.mapi_type, f.flags, f.has_flags, message_class));

  /* A bounce stored in the mailbox: the row's NDR text carries the
   * enhanced status ("#550 4.4.7 QUEUE.Expired") */
  if (f.ndr_text != NULL && (status = find_status_code (f.ndr_text)) != NULL)
    tf_recipient_set_dsn (r, "failed", status, f.ndr_text);

  if (!f.has_track_time && msg->n_nids > 1)
    {
      row_fields_clear (&f);
      return NULL;
    }
  row_fields_clear (&f);
  return g_steal_pointer (&r);
}

/* Reads the recipient table; returns how many rows carry a track-status
 * time (only those are kept for an embedded message) */
static guint
read_recipients (Ctx *ctx,
                 Msg *msg,
                 const char *message_class)
{
  g_autoptr (GError) error = NULL;
  TfPstNode node;
  TfPstTable table;
  g_autofree TfPstCell *cells = NULL;
  guint n_with_time = 0;

  if (!find_subnode (msg->subs, TF_PST_NID_RECIPIENT_TABLE, &node))
    return 0;
  if (!tf_pst_tc_open (ctx->file, node.bid_data, node.bid_sub, MAX_RECIPIENT_ROWS, &table, &error))
    {
      tf_item_add_finding (msg->item, tf_finding_new_printf (TF_FINDING_PARSE_ERROR, NULL,
                                                             _ ("The recipient table cannot be read: %s"), error->message));
      return 0;
    }
  cells = g_new0 (TfPstCell, MAX (table.n_columns, 1));
  for (guint row = 0; row < table.n_rows; row++)
    {
      g_autoptr (TfRecipient) r = NULL;

      if (!tf_pst_tc_row (ctx->file, &table, row, MAX_VALUE, cells, NULL))
        break;
      r = read_row (ctx, msg, &table, cells, row, message_class);
      tf_pst_cells_clear (cells, table.n_columns);
      if (r == NULL)
        continue;
      if (tf_recipient_get_has_track_time (r) || tf_recipient_get_track_time_type (r) != 0)
        n_with_time++;
      tf_item_add_recipient (msg->item, r);
    }
  tf_pst_tc_clear (&table);
  return n_with_time;
}

static void add_checksum_findings (Ctx *ctx,
                                   TfItem *item);

/* Whether the item of NID chain @chain is returned: without a set of
 * chains, each message and each embedded one @with_rows (track-status
 * rows); with one, those it names */
static gboolean
wanted_item (Ctx *ctx,
             const char *chain,
             gboolean with_rows)
{
  return ctx->wanted == NULL ? with_rows : g_hash_table_contains (ctx->wanted, chain);
}

static void read_embedded (Ctx *ctx,
                           Msg *outer,
                           const char *folder);

static TfItem *
new_item (Ctx *ctx,
          const guint32 *nids,
          guint n_nids,
          const char *folder)
{
  g_autofree char *chain = nid_chain (nids, n_nids);
  g_autofree char *item_path = g_strconcat (ctx->path, "#", chain, NULL);
  TfItem *item = tf_item_new (item_path, ctx->file_path, 0);

  tf_item_set_format (item, ctx->format);
  tf_item_set_range (item, 0, tf_pst_file_get_size (ctx->file));
  tf_item_set_folder (item, folder);
  tf_item_set_nid (item, chain);
  tf_item_add_source (item, ctx->source);
  return item;
}

/* Adds @item at index @at of the items: a message is read before the
 * embedded messages it holds are finished, but listed ahead of them */
static void
finish (Ctx *ctx,
        TfItem *item,
        guint at)
{
  add_checksum_findings (ctx, item);
  tf_rules_classify (item);
  tf_rules_apply (item);
  g_ptr_array_insert (ctx->items, (gint) MIN (at, ctx->items->len), g_object_ref (item));
  ctx->n_items++;
}

/* Hands a full batch of items out, between two outer messages (so a
 * message and its embedded items travel together) */
static void
maybe_hand_out (Ctx *ctx)
{
  if (ctx->batch_func != NULL && ctx->wanted == NULL && ctx->items->len >= ctx->first + TF_PST_BATCH)
    ctx->batch_func (ctx->items, ctx->first, ctx->batch_data);
}

/* Reads one message (outer or embedded) into @msg->item. Returns the
 * number of rows with a track-status time, or -1 when the PC is
 * unreadable (a PARSE_ERROR finding says why). */
static gint
read_message (Ctx *ctx,
              Msg *msg,
              const char *folder,
              gboolean want_embedded)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) props = NULL;
  g_autofree char *message_class = NULL;
  TfPstHeap heap;
  guint32 flags = 0;
  gint n;

  if (!tf_pst_heap_open (ctx->file, msg->bid_data, &heap, &error)
      || (props = tf_pst_pc_read (&heap, &error)) == NULL)
    {
      tf_item_add_finding (msg->item, tf_finding_new_printf (TF_FINDING_PARSE_ERROR, NULL,
                                                             /* Translators: %s is an error message */
                                                             _ ("The message’s properties cannot be read: %s"), error->message));
      tf_pst_heap_clear (&heap);
      return -1;
    }
  message_class = read_message_pc (ctx, msg, &heap, props);
  /* PR_MESSAGE_FLAGS without MSGFLAG_HASATTACH: no attachment to open */
  if (pc_u32 (props, TAG_MESSAGE_FLAGS, &flags) && (flags & MSGFLAG_HASATTACH) == 0)
    want_embedded = FALSE;
  tf_pst_heap_clear (&heap);
  if (msg->bid_sub != 0 && (msg->subs = tf_pst_subnode_list (ctx->file, msg->bid_sub, &error)) == NULL)
    {
      tf_item_add_finding (msg->item, tf_finding_new_printf (TF_FINDING_PARSE_ERROR, NULL,
                                                             _ ("The recipient table cannot be read: %s"), error->message));
      return 0;
    }
  n = (gint) read_recipients (ctx, msg, message_class);
  if (want_embedded && msg->n_nids + 2 <= MAX_NIDS && msg->n_nids / 2 < MAX_EMBED_DEPTH)
    read_embedded (ctx, msg, folder);
  g_clear_pointer (&msg->subs, g_array_unref);
  return n;
}

/* The embedded message of attachment @att, if it has one: its node
 * (subnode of the attachment) in @inner */
static gboolean
embedded_node (Ctx *ctx,
               const TfPstNode *att,
               TfPstNode *inner)
{
  g_autoptr (GArray) props = NULL;
  const TfPstProp *method, *obj;
  TfPstHeap heap;
  TfPstValue v;
  gboolean ok = FALSE;

  if (!tf_pst_heap_open (ctx->file, att->bid_data, &heap, NULL))
    return FALSE;
  props = tf_pst_pc_read (&heap, NULL);
  method = tf_pst_props_find (props, TF_TAG_ATTACH_METHOD);
  obj = tf_pst_props_find (props, TF_TAG_ATTACH_DATA_OBJ);
  if (method != NULL && tf_pst_u32 (method->inline_value) == ATTACH_EMBEDDED_MSG && obj != NULL
      && tf_pst_pc_value (ctx->file, &heap, att->bid_sub, obj, 64, &v, NULL))
    {
      /* PtypObject in a PC: { nid, ulSize } ([MS-PST] 2.3.3.5) */
      if (v.len >= 4)
        ok = tf_pst_subnode_lookup (ctx->file, att->bid_sub, tf_pst_u32 (v.bytes), inner, NULL);
      tf_pst_value_clear (&v);
    }
  tf_pst_heap_clear (&heap);
  return ok;
}

static void
read_embedded (Ctx *ctx,
               Msg *outer,
               const char *folder)
{
  GArray *subs = outer->subs;
  guint n_att = 0;

  for (guint i = 0; subs != NULL && i < subs->len && n_att < MAX_ATTACHMENTS; i++)
    {
      const TfPstNode *att = &g_array_index (subs, TfPstNode, i);
      g_autoptr (TfItem) item = NULL;
      TfPstNode inner;
      Msg msg = { 0 };
      guint at;
      gint n;

      if (TF_PST_NID_TYPE (att->nid) != TF_PST_NID_TYPE_ATTACHMENT)
        continue;
      n_att++;
      if (!embedded_node (ctx, att, &inner))
        continue;
      memcpy (msg.nids, outer->nids, sizeof msg.nids);
      msg.n_nids = outer->n_nids;
      msg.nids[msg.n_nids++] = att->nid;
      msg.nids[msg.n_nids++] = inner.nid;
      msg.bid_data = inner.bid_data;
      msg.bid_sub = inner.bid_sub;
      item = new_item (ctx, msg.nids, msg.n_nids, folder);
      msg.item = item;
      at = ctx->items->len;
      n = read_message (ctx, &msg, folder, TRUE);
      if (wanted_item (ctx, tf_item_get_nid (item), n > 0))
        finish (ctx, item, at);
    }
}

static void
add_checksum_findings (Ctx *ctx,
                       TfItem *item)
{
  g_autoptr (GArray) errors = tf_pst_file_take_crc_errors (ctx->file);

  for (guint i = 0; i < ctx->file_notes->len; i++)
    {
      TfFinding *note = g_ptr_array_index (ctx->file_notes, i);

      tf_item_add_finding (item, tf_finding_new (tf_finding_get_code (note), NULL, tf_finding_get_detail (note)));
    }
  for (guint i = 0; i < errors->len; i++)
    {
      const TfPstCrcError *e = &g_array_index (errors, TfPstCrcError, i);

      tf_item_add_finding (item,
                           tf_finding_new_printf (TF_FINDING_PST_CHECKSUM, NULL,
                                                  e->is_page
                                                      /* Translators: %1$s page id, %2$s file offset, %3$s/%4$s CRCs (all hex) */
                                                      ? _ ("Index page 0x%1$llX at offset 0x%2$llX: stored CRC 0x%3$08X, computed 0x%4$08X.")
                                                      /* Translators: %1$s block id, %2$s file offset, %3$s/%4$s CRCs (all hex) */
                                                      : _ ("Block 0x%1$llX at offset 0x%2$llX: stored CRC 0x%3$08X, computed 0x%4$08X. Nothing in this block will be written."),
                                                  (unsigned long long) e->bid, (unsigned long long) e->offset,
                                                  e->stored, e->computed));
    }
}

/* ---- folders ---- */

static void
collect_node (const TfPstNode *node,
              gpointer user_data)
{
  Ctx *ctx = user_data;
  guint type = TF_PST_NID_TYPE (node->nid);

  if (type == TF_PST_NID_TYPE_NORMAL_FOLDER)
    {
      Folder *f = g_new0 (Folder, 1);

      /* The name is read later, only for folders that hold messages */
      f->parent = node->nid_parent;
      g_hash_table_replace (ctx->folders, GUINT_TO_POINTER (node->nid), f);
    }
  else if (type == TF_PST_NID_TYPE_NORMAL_MESSAGE)
    g_array_append_val (ctx->messages, *node);
}

static const char *
folder_name (Ctx *ctx,
             guint32 nid,
             Folder *f)
{
  if (f->name == NULL)
    {
      TfPstNode node;
      TfPstHeap heap;
      g_autoptr (GArray) props = NULL;
      Msg msg = { .codepage = 1252 };

      if (tf_pst_nbt_lookup (ctx->file, nid, &node, NULL) && tf_pst_heap_open (ctx->file, node.bid_data, &heap, NULL))
        {
          props = tf_pst_pc_read (&heap, NULL);
          msg.bid_sub = node.bid_sub;
          if (props != NULL)
            f->name = pc_string (ctx, &msg, &heap, props, TF_PROP_ID (TF_TAG_DISPLAY_NAME));
          tf_pst_heap_clear (&heap);
        }
      if (f->name == NULL)
        f->name = g_strdup_printf ("0x%08X", nid);
    }
  return f->name;
}

/* "/Top of Personal Folders/Calendar": names below the root folder; made
 * once per folder, not per message */
static const char *
folder_path (Ctx *ctx,
             guint32 nid)
{
  GPtrArray *names;
  GString *path;
  char *made = g_hash_table_lookup (ctx->folder_paths, GUINT_TO_POINTER (nid));
  guint32 key = nid;

  if (made != NULL)
    return made;
  names = g_ptr_array_new ();
  path = g_string_new (NULL);

  for (guint depth = 0; depth < MAX_FOLDER_DEPTH && nid != TF_PST_NID_ROOT_FOLDER; depth++)
    {
      Folder *f = g_hash_table_lookup (ctx->folders, GUINT_TO_POINTER (nid));

      if (f == NULL)
        break;
      g_ptr_array_add (names, (gpointer) folder_name (ctx, nid, f));
      if (f->parent == nid)
        break;
      nid = f->parent;
    }
  for (guint i = names->len; i > 0; i--)
    {
      g_string_append_c (path, '/');
      g_string_append (path, g_ptr_array_index (names, i - 1));
    }
  g_ptr_array_unref (names);
  if (path->len == 0)
    g_string_append_c (path, '/');
  made = g_string_free (path, FALSE);
  g_hash_table_insert (ctx->folder_paths, GUINT_TO_POINTER (key), made);
  return made;
}

static void
read_file_notes (Ctx *ctx)
{
  guint32 stored, computed;
  TfPstNode node;
  TfPstHeap heap;

  if (!tf_pst_file_header_crc_ok (ctx->file, &stored, &computed))
    g_ptr_array_add (ctx->file_notes,
                     tf_finding_new_printf (TF_FINDING_PST_CHECKSUM, NULL,
                                            _ ("File header: stored CRC 0x%08X, computed 0x%08X."), stored, computed));
  if (tf_pst_nbt_lookup (ctx->file, NID_MESSAGE_STORE, &node, NULL)
      && tf_pst_heap_open (ctx->file, node.bid_data, &heap, NULL))
    {
      g_autoptr (GArray) props = tf_pst_pc_read (&heap, NULL);
      guint32 password = 0;

      /* An OST is no Outlook-protected store: the tag means nothing there */
      if (!tf_pst_file_is_ost (ctx->file) && pc_u32 (props, TAG_PST_PASSWORD, &password) && password != 0)
        g_ptr_array_add (ctx->file_notes,
                         tf_finding_new_printf (TF_FINDING_PST_PASSWORD, NULL,
                                                _ ("This file has a password (its CRC-32 is 0x%08X). The "
                                                   "password only guards Outlook’s dialog; the data is not "
                                                   "encrypted with it, so Trackfix reads the file without it."),
                                                password));
      tf_pst_heap_clear (&heap);
    }
}

static void
read_all (Ctx *ctx)
{
  g_autoptr (GError) error = NULL;
  gboolean walked;

  read_file_notes (ctx);
  walked = tf_pst_nbt_foreach (ctx->file, collect_node, ctx, &error);
  {
    /* Damaged index pages concern every item: report them on each */
    g_autoptr (TfItem) sink = tf_item_new (ctx->path, ctx->file_path, 0);

    add_checksum_findings (ctx, sink);
    for (guint i = ctx->file_notes->len; i < tf_item_get_n_findings (sink); i++)
      g_ptr_array_add (ctx->file_notes, g_object_ref (tf_item_get_finding (sink, i)));
  }
  if (!walked)
    {
      g_autoptr (TfItem) item = tf_item_new_parse_error (ctx->path, ctx->file_path, ctx->format,
                                                         error->message);

      finish (ctx, item, ctx->items->len);
    }

  for (guint i = 0; i < ctx->messages->len; i++)
    {
      const TfPstNode *node = &g_array_index (ctx->messages, TfPstNode, i);
      g_autoptr (TfItem) item = NULL;
      const char *folder;
      Msg msg = { 0 };
      guint at;

      /* The scanner's progress (messages read / total) and Cancel */
      if (ctx->wanted == NULL && !tf_read_progress_step (i, ctx->messages->len))
        break;

      msg.nids[0] = node->nid;
      msg.n_nids = 1;
      if (ctx->wanted != NULL)
        {
          g_autofree char *chain = nid_chain (msg.nids, 1);

          if (!g_hash_table_contains (ctx->wanted_outer, chain))
            continue;
        }
      folder = folder_path (ctx, node->nid_parent);
      msg.bid_data = node->bid_data;
      msg.bid_sub = node->bid_sub;
      item = new_item (ctx, msg.nids, 1, folder);
      msg.item = item;
      at = ctx->items->len;
      read_message (ctx, &msg, folder, TRUE);
      if (wanted_item (ctx, tf_item_get_nid (item), TRUE))
        finish (ctx, item, at);
      maybe_hand_out (ctx);
    }
}

typedef struct
{
  const char *path;
  const char *file_path;
  const char *const *chains; /* NULL for every message, or the NID chains to read */
  TfReadFlags flags;
  TfPstBatchFunc batch_func;
  gpointer batch_data;
} ReadArgs;

/* Each chain of @args->chains not found gives a PARSE_ERROR item naming it */
static void
read_pst (TfPstFile *file,
          const ReadArgs *args,
          GPtrArray *items)
{
  const char *path = args->path;
  const char *file_path = args->file_path;
  const char *const *chains = args->chains;
  TfReadFlags flags = args->flags;
  Ctx ctx = { 0 };

  ctx.first = items->len;
  ctx.batch_func = args->batch_func;
  ctx.batch_data = args->batch_data;
  ctx.file = file;
  ctx.path = path;
  ctx.file_path = file_path != NULL ? file_path : path;
  if (chains != NULL)
    {
      ctx.wanted = g_hash_table_new (g_str_hash, g_str_equal);
      ctx.wanted_outer = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; chains[i] != NULL; i++)
        {
          g_hash_table_add (ctx.wanted, (gpointer) chains[i]);
          g_hash_table_add (ctx.wanted_outer, g_strndup (chains[i], strcspn (chains[i], "/")));
        }
    }
  ctx.flags = flags;
  ctx.items = items;
  ctx.format = tf_pst_file_is_ost (file) ? TF_FORMAT_OST : TF_FORMAT_PST;
  ctx.source = tf_pst_file_is_ost (file) ? TF_SOURCE_OST : TF_SOURCE_PST;
  ctx.folders = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, folder_free);
  ctx.folder_paths = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  ctx.messages = g_array_new (FALSE, FALSE, sizeof (TfPstNode));
  ctx.file_notes = g_ptr_array_new_with_free_func (g_object_unref);

  read_all (&ctx);
  if (chains != NULL)
    {
      g_autoptr (GHashTable) found = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint i = ctx.first; i < items->len; i++)
        if (tf_item_get_nid (g_ptr_array_index (items, i)) != NULL)
          g_hash_table_add (found, (gpointer) tf_item_get_nid (g_ptr_array_index (items, i)));
      for (guint i = 0; chains[i] != NULL; i++)
        if (!g_hash_table_contains (found, chains[i]))
          {
            g_autofree char *reason = g_strdup_printf (_ ("No message with node id %s in this file."), chains[i]);

            g_ptr_array_add (items, tf_item_new_parse_error (path, ctx.file_path, ctx.format, reason));
          }
    }

  g_clear_pointer (&ctx.wanted, g_hash_table_unref);
  g_clear_pointer (&ctx.wanted_outer, g_hash_table_unref);
  g_hash_table_unref (ctx.folders);
  g_hash_table_unref (ctx.folder_paths);
  g_array_unref (ctx.messages);
  g_ptr_array_unref (ctx.file_notes);
  g_clear_pointer (&ctx.named, g_hash_table_unref);
}

static void
open_and_read (TfPstFile *file,
               GError *error,
               const ReadArgs *args,
               GPtrArray *items)
{
  if (file == NULL)
    g_ptr_array_add (items, tf_item_new_parse_error (args->path, args->file_path, TF_FORMAT_PST, error->message));
  else
    read_pst (file, args, items);
  tf_pst_file_free (file);
}

static void
read_fd (int fd,
         guint64 size,
         const ReadArgs *args,
         GPtrArray *items)
{
  g_autoptr (GError) error = NULL;
  TfPstFile *file;

  g_return_if_fail (args->path != NULL);
  g_return_if_fail (items != NULL);

  file = tf_pst_file_open_fd (fd, size, &error);
  open_and_read (file, error, args, items);
}

void
tf_pst_read_fd_batched (int fd,
                        guint64 size,
                        const char *path,
                        const char *file_path,
                        const char *only_nid,
                        TfReadFlags flags,
                        TfPstBatchFunc batch_func,
                        gpointer batch_data,
                        GPtrArray *items)
{
  const char *one[] = { only_nid, NULL };
  const ReadArgs args = { path, file_path, only_nid != NULL ? one : NULL, flags, batch_func, batch_data };

  read_fd (fd, size, &args, items);
}

void
tf_pst_read_fd (int fd,
                guint64 size,
                const char *path,
                const char *file_path,
                const char *only_nid,
                TfReadFlags flags,
                GPtrArray *items)
{
  tf_pst_read_fd_batched (fd, size, path, file_path, only_nid, flags, NULL, NULL, items);
}

void
tf_pst_read_bytes (GBytes *data,
                   const char *path,
                   const char *file_path,
                   const char *only_nid,
                   TfReadFlags flags,
                   GPtrArray *items)
{
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  const guint8 *bytes = g_bytes_get_data (data, &len);
  const char *one[] = { only_nid, NULL };
  const ReadArgs args = { path, file_path, only_nid != NULL ? one : NULL, flags, NULL, NULL };
  TfPstFile *file;

  g_return_if_fail (path != NULL);
  g_return_if_fail (items != NULL);

  file = tf_pst_file_open_bytes (bytes, len, &error);
  open_and_read (file, error, &args, items);
}

void
tf_pst_read_nids_fd (int fd,
                     guint64 size,
                     const char *path,
                     const char *file_path,
                     const char *const *chains,
                     TfReadFlags flags,
                     GPtrArray *items)
{
  const ReadArgs args = { path, file_path, chains, flags, NULL, NULL };

  g_return_if_fail (chains != NULL);
  read_fd (fd, size, &args, items);
}

gboolean
tf_pst_split_item_path (const char *item_path,
                        char **file_path,
                        char **chain)
{
  g_autoptr (GString) norm = g_string_new (NULL);
  const char *hash;
  const char *p;

  g_return_val_if_fail (item_path != NULL, FALSE);

  hash = strrchr (item_path, '#');
  if (hash == NULL || hash == item_path)
    return FALSE;
  /* 0xXXXXXXXX(/0xXXXXXXXX)*, written back as "0x%08X" */
  for (p = hash + 1;;)
    {
      guint32 value = 0;
      guint digits = 0;

      if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
        return FALSE;
      for (p += 2; g_ascii_isxdigit (*p); p++, digits++)
        value = (value << 4) | (guint32) g_ascii_xdigit_value (*p);
      if (digits == 0 || digits > 8)
        return FALSE;
      g_string_append_printf (norm, "%s0x%08X", norm->len > 0 ? "/" : "", value);
      if (*p == '\0')
        break;
      if (*p != '/')
        return FALSE;
      p++;
    }
  *file_path = g_strndup (item_path, (gsize) (hash - item_path));
  *chain = g_string_free (g_steal_pointer (&norm), FALSE);
  return TRUE;
}
