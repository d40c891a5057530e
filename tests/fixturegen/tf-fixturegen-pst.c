/* tf-fixturegen-pst.c — TEST-ONLY PST writer: the messaging layer
 *
 * Hand-written (no library writes PST; see tf-fixturegen-pst.h for what is
 * and is not supported): the message store, the name-to-id map, the root
 * folder and "Top of Personal Folders" with the caller's folders, their
 * hierarchy / contents / associated-contents tables ([MS-PST] 2.4), and
 * messages with recipient tables, attachment tables, by-value attachments
 * and embedded messages (2.4.5, 2.4.6). Messages are written as they are
 * added; folders and their tables when the file is finished.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tf-core.h"
#include "tf-fixturegen-pst-private.h"

#define NID_MESSAGE_STORE 0x21
#define NID_NAME_TO_ID_MAP 0x61
#define NID_ROOT_FOLDER 0x122
#define NID_RECIPIENTS 0x692
#define NID_ATTACHMENTS 0x671

/* Property tags (PT_UNICODE for strings: PstProps turns them into
 * PT_STRING8 in ANSI files) */
#define TAG_MESSAGE_CLASS 0x001A001F
#define TAG_SUBJECT 0x0037001F
#define TAG_CLIENT_SUBMIT_TIME 0x00390040
#define TAG_REPORT_TIME 0x00320040
#define TAG_RECIPIENT_TYPE 0x0C150003
#define TAG_SENDER_NAME 0x0C1A001F
#define TAG_SENDER_ADDRTYPE 0x0C1E001F
#define TAG_SENDER_EMAIL 0x0C1F001F
#define TAG_NDR_REASON 0x0C040003
#define TAG_NDR_DIAG 0x0C050003
#define TAG_SUPPLEMENTARY 0x0C1B001F
#define TAG_NDR_STATUS 0x0C200003
#define TAG_DELIVERY_TIME 0x0E060040
#define TAG_MESSAGE_FLAGS 0x0E070003
#define TAG_MESSAGE_SIZE 0x0E080003
#define TAG_RESPONSIBILITY 0x0E0F000B
#define TAG_ATTACH_SIZE 0x0E200003
#define TAG_RECORD_KEY 0x0FF90102
#define TAG_OBJECT_TYPE 0x0FFE0003
#define TAG_BODY 0x1000001F
#define TAG_REPORT_TEXT 0x1001001F
#define TAG_DISPLAY_NAME 0x3001001F
#define TAG_ADDRTYPE 0x3002001F
#define TAG_EMAIL_ADDRESS 0x3003001F
#define TAG_CREATION_TIME 0x30070040
#define TAG_LAST_MODIFIED 0x30080040
#define TAG_VALID_FOLDER_MASK 0x35DF0003
#define TAG_PST_PASSWORD 0x67FF0003
#define TAG_IPM_SUBTREE_EID 0x35E00102
#define TAG_WASTEBASKET_EID 0x35E30102
#define TAG_CONTENT_COUNT 0x36020003
#define TAG_CONTENT_UNREAD 0x36030003
#define TAG_SUBFOLDERS 0x360A000B
#define TAG_CONTAINER_CLASS 0x3613001F
#define TAG_ATTACH_DATA_BIN 0x37010102
#define TAG_ATTACH_DATA_OBJ 0x3701000D
#define TAG_ATTACH_FILENAME 0x3704001F
#define TAG_ATTACH_METHOD 0x37050003
#define TAG_ATTACH_LONG_NAME 0x3707001F
#define TAG_RENDERING_POSITION 0x370B0003
#define TAG_DISPLAY_TYPE 0x39000003
#define TAG_SMTP_ADDRESS 0x39FE001F
#define TAG_INTERNET_CODEPAGE 0x3FDE0003
#define TAG_MESSAGE_CODEPAGE 0x3FFD0003
#define TAG_TRACK_TIME 0x5FFB0040
#define TAG_RECIPIENT_FLAGS 0x5FFD0003
#define TAG_TRACK_STATUS 0x5FFF0003
#define TAG_GOID 0x80000102       /* PSETID_Meeting LID 0x0003 */
#define TAG_CLEAN_GOID 0x80010102 /* PSETID_Meeting LID 0x0023 */

typedef struct
{
  guint32 nid;
  guint32 flags;
  guint32 size;
  guint64 delivery;
  char *message_class;
  char *subject;
} MsgRow;

typedef struct
{
  guint32 nid;
  guint32 parent;
  char *name;
  char *container_class;
  GArray *messages; /* MsgRow */
} Folder;

struct _TfPstWriter
{
  PstNdb *ndb;
  gboolean unicode;
  GArray *folders; /* Folder */
  guint32 next_folder;
  guint32 next_message;
  guint32 ipm_subtree;
  guint32 wastebasket;
  guint32 password; /* PidTagPstPassword, 0 none */
  guint8 record_key[16];
};

static void
clear_msg_row (gpointer p)
{
  MsgRow *row = p;

  g_free (row->message_class);
  g_free (row->subject);
}

static void
clear_folder (gpointer p)
{
  Folder *f = p;

  g_free (f->name);
  g_free (f->container_class);
  g_array_unref (f->messages);
}

static Folder *
find_folder (TfPstWriter *w,
             guint32 nid)
{
  for (guint i = 0; i < w->folders->len; i++)
    if (g_array_index (w->folders, Folder, i).nid == nid)
      return &g_array_index (w->folders, Folder, i);
  return NULL;
}

static GArray *
new_subs (void)
{
  return g_array_new (FALSE, FALSE, sizeof (PstSubnode));
}

/* --- GlobalObjectId ------------------------------------------------------ */

/* [MS-OXOCAL] 2.2.1.27: prefix, instance date (YH YL M D, 0 for the whole
 * series), creation time, 8 reserved bytes, then "vCal-Uid" 1 UID NUL */
/* A UID that is a GlobalObjectId in hex (what Exchange puts into an
 * iCalendar UID) is written back as those bytes, so a PST item can share
 * its meeting with a queue file; NULL for any other UID */
static GByteArray *
goid_from_hex (const char *uid)
{
  static const char prefix[] = "040000008200E00074C5B7101A82E008";
  gsize n = strlen (uid);
  GByteArray *g;

  if (g_ascii_strncasecmp (uid, prefix, sizeof prefix - 1) != 0 || n % 2 != 0 || n < 2 * 40)
    return NULL;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isxdigit (uid[i]))
      return NULL;
  g = g_byte_array_sized_new ((guint) (n / 2));
  for (gsize i = 0; i < n; i += 2)
    {
      guint8 b = (guint8) (g_ascii_xdigit_value (uid[i]) << 4 | g_ascii_xdigit_value (uid[i + 1]));

      g_byte_array_append (g, &b, 1);
    }
  return g;
}

static GByteArray *
pst_goid (const TfPstMessage *m,
          gboolean clean)
{
  static const guint8 vcal[12] = { 'v', 'C', 'a', 'l', '-', 'U', 'i', 'd', 1, 0, 0, 0 };
  GByteArray *g = goid_from_hex (m->uid);
  guint8 date[4] = { 0 };
  guint8 b[8];
  guint64 created = tf_filetime_from_unix (m->sent);
  guint32 len = (guint32) (sizeof vcal + strlen (m->uid) + 1);

  if (m->instance != 0 && !clean)
    {
      g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (m->instance);
      gint year = g_date_time_get_year (dt);

      date[0] = (guint8) (year >> 8);
      date[1] = (guint8) year;
      date[2] = (guint8) g_date_time_get_month (dt);
      date[3] = (guint8) g_date_time_get_day_of_month (dt);
    }
  if (g != NULL)
    {
      /* [MS-OXOCAL] 2.2.1.27: bytes 16-19 are the instance date */
      memcpy (g->data + 16, date, 4);
      return g;
    }
  g = g_byte_array_new ();
  g_byte_array_append (g, TF_GOID_PREFIX, 16);
  g_byte_array_append (g, date, 4);
  for (int i = 0; i < 8; i++)
    b[i] = (created >> (8 * i)) & 0xFF;
  g_byte_array_append (g, b, 8);
  memset (b, 0, 8);
  g_byte_array_append (g, b, 8);
  for (int i = 0; i < 4; i++)
    b[i] = (len >> (8 * i)) & 0xFF;
  g_byte_array_append (g, b, 4);
  g_byte_array_append (g, vcal, sizeof vcal);
  g_byte_array_append (g, (const guint8 *) m->uid, (guint) strlen (m->uid) + 1);
  return g;
}

/* --- messages ------------------------------------------------------------ */

static gboolean
has_ndr_rows (const TfPstMessage *m)
{
  for (guint i = 0; i < m->n_recipients; i++)
    if (m->recipients[i].ndr_info != NULL)
      return TRUE;
  return FALSE;
}

static PstProps *
recipient_row (TfPstWriter *w,
               const TfPstMessage *m,
               guint i)
{
  const TfPstRecipient *r = &m->recipients[i];
  PstProps *row = pst_props_new (w->unicode);

  pst_props_add_u32 (row, PST_TAG_LTP_ROW_ID, i);
  pst_props_add_u32 (row, TAG_RECIPIENT_TYPE, r->type);
  pst_props_add_bool (row, TAG_RESPONSIBILITY, FALSE);
  pst_props_add_u32 (row, TAG_OBJECT_TYPE, 6); /* MAPI_MAILUSER */
  pst_props_add_u32 (row, TAG_DISPLAY_TYPE, 0);
  pst_props_add_string (row, TAG_DISPLAY_NAME, r->name);
  pst_props_add_string (row, TAG_ADDRTYPE, r->email != NULL && r->email[0] == '/' ? "EX" : "SMTP");
  pst_props_add_string (row, TAG_EMAIL_ADDRESS, r->email);
  pst_props_add_string (row, TAG_SMTP_ADDRESS, r->smtp);
  pst_props_add_u32 (row, TAG_RECIPIENT_FLAGS, r->type == 0 ? 3 : 1);
  if (r->track_status >= 0)
    pst_props_add_u32 (row, TAG_TRACK_STATUS, (guint32) r->track_status);
  if (r->has_track_time)
    pst_props_add_u64 (row, TAG_TRACK_TIME, r->track_time);
  if (r->ndr_info != NULL)
    {
      pst_props_add_u32 (row, TAG_NDR_REASON, 0);
      pst_props_add_u32 (row, TAG_NDR_DIAG, 5);
      pst_props_add_string (row, TAG_SUPPLEMENTARY, r->ndr_info);
      pst_props_add_u32 (row, TAG_NDR_STATUS, 447);
      pst_props_add_string (row, TAG_REPORT_TEXT, "Could not deliver the message in the time limit specified.");
      pst_props_add_u64 (row, TAG_REPORT_TIME, tf_filetime_from_unix (m->sent));
    }
  return row;
}

/* The recipient table, subnode 0x0692 of the message */
static PstSubnode
write_recipients (TfPstWriter *w,
                  const TfPstMessage *m)
{
  static const guint32 tags[] = {
    TAG_RECIPIENT_TYPE, TAG_RESPONSIBILITY, TAG_OBJECT_TYPE, TAG_DISPLAY_TYPE,
    TAG_DISPLAY_NAME, TAG_ADDRTYPE, TAG_EMAIL_ADDRESS, TAG_SMTP_ADDRESS,
    TAG_RECIPIENT_FLAGS, TAG_TRACK_STATUS, TAG_TRACK_TIME,
    /* NDR columns, only in tables with an NDR row */
    TAG_NDR_REASON, TAG_NDR_DIAG, TAG_SUPPLEMENTARY, TAG_NDR_STATUS,
    TAG_REPORT_TEXT, TAG_REPORT_TIME
  };
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) pst_props_free);
  g_autoptr (GArray) subs = new_subs ();
  guint n_tags = has_ndr_rows (m) ? G_N_ELEMENTS (tags) : 11;
  g_autofree guint32 *col = g_new (guint32, n_tags);
  PstSubnode sub = { NID_RECIPIENTS, 0, 0 };

  /* in an ANSI file the string columns are PT_STRING8 */
  for (guint i = 0; i < n_tags; i++)
    col[i] = (!w->unicode && (tags[i] & 0xFFFF) == PST_PT_UNICODE) ? (tags[i] & 0xFFFF0000) | PST_PT_STRING8 : tags[i];
  for (guint i = 0; i < m->n_recipients; i++)
    g_ptr_array_add (rows, recipient_row (w, m, i));
  sub.bid_data = pst_write_tc (w->ndb, col, n_tags, rows, subs);
  sub.bid_sub = pst_ndb_write_subnodes (w->ndb, subs);
  return sub;
}

static void
fill_payload (guint8 *buf,
              gsize len,
              guint64 pos,
              gpointer user_data)
{
  for (gsize i = 0; i < len; i++)
    buf[i] = (guint8) ((pos + i) * 131 + ((pos + i) >> 12));
}

static void write_message_nodes (TfPstWriter *w,
                                 const TfPstMessage *m,
                                 guint64 *bid_data,
                                 guint64 *bid_sub);

/* One attachment node (type NID_TYPE_ATTACHMENT): by value when
 * @embedded is NULL, else the embedded message in a subnode of its own */
static PstSubnode
write_attachment (TfPstWriter *w,
                  guint32 nid,
                  const TfPstMessage *m,
                  const TfPstMessage *embedded,
                  PstProps *row)
{
  g_autoptr (GArray) subs = new_subs ();
  PstProps *props = pst_props_new (w->unicode);
  PstSubnode sub = { nid, 0, 0 };
  guint32 size;

  if (embedded == NULL)
    {
      g_autofree char *name = g_strdup_printf ("payload-%" G_GUINT64_FORMAT ".bin", m->attachment_size);
      PstSubnode data = { pst_ndb_new_ltp_nid (w->ndb), 0, 0 };

      size = (guint32) MIN (m->attachment_size, G_MAXUINT32);
      data.bid_data = pst_ndb_write_stream (w->ndb, m->attachment_size, fill_payload, NULL);
      pst_props_add_u32 (props, TAG_ATTACH_METHOD, 1); /* afByValue */
      pst_props_add_subnode (props, TAG_ATTACH_DATA_BIN, &data, size);
      pst_props_add_string (props, TAG_ATTACH_LONG_NAME, name);
      pst_props_add_string (props, TAG_ATTACH_FILENAME, "payload.bin");
      pst_props_add_string (row, TAG_ATTACH_LONG_NAME, name);
    }
  else
    {
      PstSubnode inner = { PST_NID (w->next_message++, PST_NID_TYPE_NORMAL_MESSAGE), 0, 0 };

      write_message_nodes (w, embedded, &inner.bid_data, &inner.bid_sub);
      size = 4096;
      pst_props_add_u32 (props, TAG_ATTACH_METHOD, 5); /* afEmbeddedMessage */
      pst_props_add_subnode (props, TAG_ATTACH_DATA_OBJ, &inner, size);
      pst_props_add_string (props, TAG_DISPLAY_NAME, embedded->subject);
      pst_props_add_string (row, TAG_DISPLAY_NAME, embedded->subject);
    }
  pst_props_add_u32 (props, TAG_ATTACH_SIZE, size);
  pst_props_add_u32 (props, TAG_RENDERING_POSITION, 0xFFFFFFFF);
  pst_props_add_u32 (row, PST_TAG_LTP_ROW_ID, nid);
  pst_props_add_u32 (row, TAG_ATTACH_SIZE, size);
  pst_props_add_u32 (row, TAG_ATTACH_METHOD, embedded == NULL ? 1 : 5);
  pst_props_add_u32 (row, TAG_RENDERING_POSITION, 0xFFFFFFFF);
  sub.bid_data = pst_write_pc (w->ndb, props, subs);
  sub.bid_sub = pst_ndb_write_subnodes (w->ndb, subs);
  pst_props_free (props);
  return sub;
}

/* The attachments and the attachment table (0x0671) into @subs */
static void
write_attachments (TfPstWriter *w,
                   const TfPstMessage *m,
                   GArray *subs)
{
  static const guint32 tags[] = { TAG_ATTACH_SIZE, TAG_ATTACH_METHOD, TAG_RENDERING_POSITION,
                                  TAG_ATTACH_LONG_NAME, TAG_DISPLAY_NAME };
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) pst_props_free);
  g_autoptr (GArray) tc_subs = new_subs ();
  guint32 col[G_N_ELEMENTS (tags)];
  guint n = (m->attachment_size > 0 ? 1 : 0) + m->n_embedded;
  PstSubnode table = { NID_ATTACHMENTS, 0, 0 };

  for (guint i = 0; i < n; i++)
    {
      PstProps *row = pst_props_new (w->unicode);
      const TfPstMessage *embedded = NULL;
      PstSubnode att;

      if (i > 0 || m->attachment_size == 0)
        embedded = &m->embedded[i - (m->attachment_size > 0 ? 1 : 0)];
      att = write_attachment (w, PST_NID (0x401 + i, PST_NID_TYPE_ATTACHMENT), m, embedded, row);
      g_array_append_val (subs, att);
      g_ptr_array_add (rows, row);
    }
  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    col[i] = (!w->unicode && (tags[i] & 0xFFFF) == PST_PT_UNICODE) ? (tags[i] & 0xFFFF0000) | PST_PT_STRING8 : tags[i];
  table.bid_data = pst_write_tc (w->ndb, col, G_N_ELEMENTS (tags), rows, tc_subs);
  table.bid_sub = pst_ndb_write_subnodes (w->ndb, tc_subs);
  g_array_append_val (subs, table);
}

static guint32
message_flags (const TfPstMessage *m)
{
  guint32 flags = 0x01; /* MSGFLAG_READ */

  if (m->attachment_size > 0 || m->n_embedded > 0)
    flags |= 0x10; /* MSGFLAG_HASATTACH */
  return flags;
}

static guint32
message_size (const TfPstMessage *m)
{
  return (guint32) MIN (1024 + m->attachment_size + 4096 * m->n_embedded, G_MAXUINT32);
}

static void
add_message_props (TfPstWriter *w,
                   const TfPstMessage *m,
                   PstProps *props)
{
  guint64 sent = tf_filetime_from_unix (m->sent);

  pst_props_add_string (props, TAG_MESSAGE_CLASS, m->message_class);
  pst_props_add_string (props, TAG_SUBJECT, m->subject);
  pst_props_add_string (props, TAG_SENDER_NAME, m->sender_name);
  pst_props_add_string (props, TAG_SENDER_EMAIL, m->sender_email);
  pst_props_add_string (props, TAG_SENDER_ADDRTYPE, "SMTP");
  pst_props_add_string (props, TAG_BODY, m->body);
  pst_props_add_u64 (props, TAG_CLIENT_SUBMIT_TIME, sent);
  pst_props_add_u64 (props, TAG_DELIVERY_TIME, sent);
  pst_props_add_u64 (props, TAG_CREATION_TIME, sent);
  pst_props_add_u64 (props, TAG_LAST_MODIFIED, sent);
  pst_props_add_u32 (props, TAG_MESSAGE_FLAGS, message_flags (m));
  pst_props_add_u32 (props, TAG_MESSAGE_SIZE, message_size (m));
  pst_props_add_u32 (props, TAG_MESSAGE_CODEPAGE, m->codepage != 0 ? m->codepage : 1252);
  pst_props_add_u32 (props, TAG_INTERNET_CODEPAGE, m->codepage != 0 ? m->codepage : 1252);
  if (m->uid != NULL)
    {
      g_autoptr (GByteArray) goid = pst_goid (m, FALSE);
      g_autoptr (GByteArray) clean = pst_goid (m, TRUE);

      pst_props_add (props, TAG_GOID, goid->data, goid->len);
      pst_props_add (props, TAG_CLEAN_GOID, clean->data, clean->len);
    }
}

/* A message's PC and its subnodes (recipients, attachments), also for an
 * embedded message */
static void
write_message_nodes (TfPstWriter *w,
                     const TfPstMessage *m,
                     guint64 *bid_data,
                     guint64 *bid_sub)
{
  g_autoptr (GArray) subs = new_subs ();
  PstProps *props = pst_props_new (w->unicode);
  PstSubnode recipients = write_recipients (w, m);

  g_array_append_val (subs, recipients);
  if (m->attachment_size > 0 || m->n_embedded > 0)
    write_attachments (w, m, subs);
  add_message_props (w, m, props);
  *bid_data = pst_write_pc (w->ndb, props, subs);
  *bid_sub = pst_ndb_write_subnodes (w->ndb, subs);
  pst_props_free (props);
}

guint32
tf_pst_writer_add_message (TfPstWriter *w,
                           guint32 folder,
                           const TfPstMessage *message,
                           GError **error)
{
  Folder *f = find_folder (w, folder);
  guint32 nid = PST_NID (w->next_message++, PST_NID_TYPE_NORMAL_MESSAGE);
  guint64 bid_data = 0, bid_sub = 0;
  MsgRow row;

  g_return_val_if_fail (f != NULL, 0);
  write_message_nodes (w, message, &bid_data, &bid_sub);
  if (pst_ndb_failed (w->ndb, error))
    return 0;
  pst_ndb_add_node (w->ndb, nid, bid_data, bid_sub, folder);
  row = (MsgRow){ nid, message_flags (message), message_size (message),
                  tf_filetime_from_unix (message->sent),
                  g_strdup (message->message_class), g_strdup (message->subject) };
  g_array_append_val (f->messages, row);
  return nid;
}

/* --- folders ------------------------------------------------------------- */

guint32
tf_pst_writer_add_folder (TfPstWriter *w,
                          guint32 parent,
                          const char *name,
                          const char *container_class)
{
  Folder f = { PST_NID (w->next_folder++, PST_NID_TYPE_NORMAL_FOLDER), parent,
               g_strdup (name), g_strdup (container_class), g_array_new (FALSE, FALSE, sizeof (MsgRow)) };

  g_array_set_clear_func (f.messages, clear_msg_row);
  g_array_append_val (w->folders, f);
  return f.nid;
}

guint32
tf_pst_writer_ipm_subtree (TfPstWriter *w)
{
  return w->ipm_subtree;
}

static guint
count_children (TfPstWriter *w,
                guint32 nid)
{
  guint n = 0;

  for (guint i = 0; i < w->folders->len; i++)
    {
      const Folder *f = &g_array_index (w->folders, Folder, i);

      n += f->parent == nid && f->nid != nid;
    }
  return n;
}

static void
add_folder_props (TfPstWriter *w,
                  const Folder *f,
                  PstProps *props)
{
  pst_props_add_string (props, TAG_DISPLAY_NAME, f->name);
  pst_props_add_u32 (props, TAG_CONTENT_COUNT, f->messages->len);
  pst_props_add_u32 (props, TAG_CONTENT_UNREAD, 0);
  pst_props_add_bool (props, TAG_SUBFOLDERS, count_children (w, f->nid) > 0);
  pst_props_add_string (props, TAG_CONTAINER_CLASS, f->container_class);
}

static guint32
string_tag (TfPstWriter *w,
            guint32 tag)
{
  return (!w->unicode && (tag & 0xFFFF) == PST_PT_UNICODE) ? (tag & 0xFFFF0000) | PST_PT_STRING8 : tag;
}

/* A folder table node (hierarchy, contents or associated contents) */
static void
write_table_node (TfPstWriter *w,
                  guint32 nid,
                  const guint32 *tags,
                  guint n_tags,
                  GPtrArray *rows)
{
  g_autoptr (GArray) subs = new_subs ();
  g_autofree guint32 *col = g_new (guint32, n_tags);
  guint64 bid_data, bid_sub;

  for (guint i = 0; i < n_tags; i++)
    col[i] = string_tag (w, tags[i]);
  bid_data = pst_write_tc (w->ndb, col, n_tags, rows, subs);
  bid_sub = pst_ndb_write_subnodes (w->ndb, subs);
  pst_ndb_add_node (w->ndb, nid, bid_data, bid_sub, 0);
}

static void
write_folder_tables (TfPstWriter *w,
                     const Folder *f)
{
  static const guint32 hier[] = { TAG_DISPLAY_NAME, TAG_CONTENT_COUNT, TAG_CONTENT_UNREAD,
                                  TAG_SUBFOLDERS, TAG_CONTAINER_CLASS };
  static const guint32 contents[] = { TAG_MESSAGE_CLASS, TAG_SUBJECT, TAG_MESSAGE_FLAGS,
                                      TAG_MESSAGE_SIZE, TAG_DELIVERY_TIME };
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) pst_props_free);
  guint32 index = f->nid >> 5;

  for (guint i = 0; i < w->folders->len; i++)
    {
      const Folder *c = &g_array_index (w->folders, Folder, i);
      PstProps *row;

      if (c->parent != f->nid || c->nid == f->nid)
        continue;
      row = pst_props_new (w->unicode);
      pst_props_add_u32 (row, PST_TAG_LTP_ROW_ID, c->nid);
      add_folder_props (w, c, row);
      g_ptr_array_add (rows, row);
    }
  write_table_node (w, PST_NID (index, PST_NID_TYPE_HIERARCHY_TBL), hier, G_N_ELEMENTS (hier), rows);
  g_ptr_array_set_size (rows, 0);
  for (guint i = 0; i < f->messages->len; i++)
    {
      const MsgRow *m = &g_array_index (f->messages, MsgRow, i);
      PstProps *row = pst_props_new (w->unicode);

      pst_props_add_u32 (row, PST_TAG_LTP_ROW_ID, m->nid);
      pst_props_add_string (row, TAG_MESSAGE_CLASS, m->message_class);
      pst_props_add_string (row, TAG_SUBJECT, m->subject);
      pst_props_add_u32 (row, TAG_MESSAGE_FLAGS, m->flags);
      pst_props_add_u32 (row, TAG_MESSAGE_SIZE, m->size);
      pst_props_add_u64 (row, TAG_DELIVERY_TIME, m->delivery);
      g_ptr_array_add (rows, row);
    }
  write_table_node (w, PST_NID (index, PST_NID_TYPE_CONTENTS_TBL), contents, G_N_ELEMENTS (contents), rows);
  g_ptr_array_set_size (rows, 0);
  write_table_node (w, PST_NID (index, PST_NID_TYPE_ASSOC_TBL), contents, G_N_ELEMENTS (contents), rows);
}

static void
write_folders (TfPstWriter *w)
{
  for (guint i = 0; i < w->folders->len; i++)
    {
      const Folder *f = &g_array_index (w->folders, Folder, i);
      g_autoptr (GArray) subs = new_subs ();
      PstProps *props = pst_props_new (w->unicode);
      guint64 bid_data;

      add_folder_props (w, f, props);
      bid_data = pst_write_pc (w->ndb, props, subs);
      pst_ndb_add_node (w->ndb, f->nid, bid_data, pst_ndb_write_subnodes (w->ndb, subs), f->parent);
      pst_props_free (props);
      write_folder_tables (w, f);
    }
}

/* --- store --------------------------------------------------------------- */

static void
add_entry_id (TfPstWriter *w,
              PstProps *props,
              guint32 tag,
              guint32 nid)
{
  guint8 eid[24] = { 0 };

  memcpy (eid + 4, w->record_key, 16);
  for (int i = 0; i < 4; i++)
    eid[20 + i] = (nid >> (8 * i)) & 0xFF;
  pst_props_add (props, tag, eid, sizeof eid);
}

static void
write_node_pc (TfPstWriter *w,
               guint32 nid,
               PstProps *props)
{
  g_autoptr (GArray) subs = new_subs ();
  guint64 bid = pst_write_pc (w->ndb, props, subs);

  pst_ndb_add_node (w->ndb, nid, bid, pst_ndb_write_subnodes (w->ndb, subs), 0);
  pst_props_free (props);
}

static void
write_store (TfPstWriter *w)
{
  PstProps *props = pst_props_new (w->unicode);

  pst_props_add (props, TAG_RECORD_KEY, w->record_key, 16);
  pst_props_add_string (props, TAG_DISPLAY_NAME, "Personal Folders");
  pst_props_add_u32 (props, TAG_VALID_FOLDER_MASK, 0x09); /* IPM subtree, wastebasket */
  add_entry_id (w, props, TAG_IPM_SUBTREE_EID, w->ipm_subtree);
  add_entry_id (w, props, TAG_WASTEBASKET_EID, w->wastebasket);
  if (w->password != 0)
    pst_props_add_u32 (props, TAG_PST_PASSWORD, w->password);
  write_node_pc (w, NID_MESSAGE_STORE, props);
}

/* The name-to-id map (2.4.7): PSETID_Meeting as the first GUID (wGuid 3),
 * GlobalObjectId → 0x8000, CleanGlobalObjectId → 0x8001, with their hash
 * buckets */
static void
write_name_map (TfPstWriter *w)
{
  static const guint32 lids[] = { TF_LID_GLOBAL_OBJECT_ID, TF_LID_CLEAN_GLOBAL_OBJECT_ID };
  PstProps *props = pst_props_new (w->unicode);
  g_autoptr (GByteArray) entries = g_byte_array_new ();

  pst_props_add_u32 (props, 0x00010003, 251); /* PidTagNameidBucketCount */
  pst_props_add (props, 0x00020102, TF_PSETID_MEETING, 16);
  for (guint i = 0; i < G_N_ELEMENTS (lids); i++)
    {
      guint16 guid_n = 3 << 1; /* wGuid 3, N 0 (numeric) */
      guint8 e[8] = { lids[i] & 0xFF, (lids[i] >> 8) & 0xFF, (lids[i] >> 16) & 0xFF, lids[i] >> 24,
                      guid_n & 0xFF, guid_n >> 8, (guint8) i, 0 };

      g_byte_array_append (entries, e, 8);
      pst_props_add (props, PST_PT_BINARY | ((0x1000 + (lids[i] ^ guid_n) % 251) << 16), e, 8);
    }
  pst_props_add (props, 0x00030102, entries->data, entries->len);
  pst_props_add (props, 0x00040102, "\0\0\0\0", 4); /* string stream: no names */
  write_node_pc (w, NID_NAME_TO_ID_MAP, props);
}

TfPstWriter *
tf_pst_writer_new (const char *path,
                   gboolean unicode,
                   TfPstCrypt crypt,
                   GError **error)
{
  PstNdb *ndb = pst_ndb_new (path, unicode, crypt, error);
  TfPstWriter *w;
  Folder root = { NID_ROOT_FOLDER, NID_ROOT_FOLDER, NULL, NULL, g_array_new (FALSE, FALSE, sizeof (MsgRow)) };
  /* The file name, not the path: the same file wherever it is written
   * (data/demo is compared byte for byte with a fresh copy) */
  g_autofree char *base = g_path_get_basename (path);
  guint32 seed = g_str_hash (base);

  if (ndb == NULL)
    {
      g_array_unref (root.messages);
      return NULL;
    }
  w = g_new0 (TfPstWriter, 1);
  w->ndb = ndb;
  w->unicode = unicode;
  w->folders = g_array_new (FALSE, TRUE, sizeof (Folder));
  g_array_set_clear_func (w->folders, clear_folder);
  g_array_set_clear_func (root.messages, clear_msg_row);
  g_array_append_val (w->folders, root);
  w->next_folder = 0x401;
  w->next_message = 0x10001;
  for (guint i = 0; i < 16; i++)
    w->record_key[i] = (guint8) ((seed >> (8 * (i % 4))) + i * 37);
  w->ipm_subtree = tf_pst_writer_add_folder (w, NID_ROOT_FOLDER, "Top of Personal Folders", NULL);
  w->wastebasket = tf_pst_writer_add_folder (w, w->ipm_subtree, "Deleted Items", NULL);
  return w;
}

void
tf_pst_writer_skip (TfPstWriter *w,
                    guint64 bytes)
{
  pst_ndb_skip (w->ndb, bytes);
}

void
tf_pst_writer_set_password (TfPstWriter *w,
                            guint32 password_crc)
{
  w->password = password_crc;
}

gboolean
tf_pst_writer_finish (TfPstWriter *w,
                      GError **error)
{
  write_store (w);
  write_name_map (w);
  write_folders (w);
  return pst_ndb_finish (w->ndb, error);
}

void
tf_pst_writer_free (TfPstWriter *w)
{
  if (w == NULL)
    return;
  pst_ndb_free (w->ndb);
  g_array_unref (w->folders);
  g_free (w);
}
