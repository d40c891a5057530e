/* tf-tnef.c — TNEF (winmail.dat) reader: streams, attributes, recipients
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * Hand-written on purpose: no library we can use reads TNEF recipient
 * tables or reports where a value sits in the stream. libytnef stops after
 * the attRecipTable row count and gives up on the first checksum mismatch,
 * the `tnef` tool only extracts attachments, and repair has to overwrite 8
 * bytes in place and fix the checksums around them. The byte layout is
 * [MS-OXTNEF] (see shared/docs/domain.md §4).
 *
 * Defensive rules (domain.md §4.5, the ytnef CVE history): every length and
 * count read from the stream is checked against the bytes that remain
 * before it is used, counts are capped, nothing is allocated from an
 * unchecked size, padding is added with overflow-safe arithmetic, strings
 * need not be NUL-terminated, and the reader never stops at the first
 * problem: what was read before damage is kept and the damage is reported
 * as one PARSE_ERROR finding per TNEF stream (checksum mismatches as one
 * TNEF_CHECKSUM finding), embedded messages included: their entries say
 * "message embedded at offset N".
 *
 * Embedded messages (an attachment whose PR_ATTACH_DATA_OBJ is a PT_OBJECT
 * with IID_IMessage, or an attAttachData that is itself a TNEF stream) are
 * parsed recursively, TF_MAX_EMBED_DEPTH levels deep (the same rule as
 * the .msg reader, see tf-msg.c); a deeper one is not read and the item
 * says so with a PARSE_ERROR finding. Nesting is containment, so a stream
 * cannot loop back to itself: every level is strictly shorter. An
 * embedded message is a different message, so its class, GOID,
 * critical-change stamps and ordinary recipients stay off the outer item.
 * The exception is a recipient row that carries a track-status time
 * (PropID 0x5FFB, any type): a damaged organizer copy forwarded as an
 * attachment still breaks Exchange 2003, so such rows are added to the
 * outer item, whatever its class, saying which attachment (and subject)
 * they come from; their patch site lists the embedded attribute and every
 * enclosing attachment attribute, innermost first, so repair can fix all
 * checksums. Their TfRecipient row index is the row number inside the
 * embedded table.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tf-filetime.h"
#include "tf-reader.h"
#include "tf-tnef-stream-private.h"

/* Attribute levels and IDs ([MS-OXTNEF] 2.1.3.3, domain.md §4.2) */
#define LVL_MESSAGE 0x01
#define LVL_ATTACHMENT 0x02

#define ATT_FROM 0x00008000
#define ATT_SUBJECT 0x00018004
#define ATT_DATE_SENT 0x00038005
#define ATT_MESSAGE_CLASS 0x00078008
#define ATT_ATTACH_DATA 0x0006800F
#define ATT_ATTACH_REND 0x00069002
#define ATT_MSG_PROPS 0x00069003
#define ATT_RECIP_TABLE 0x00069004
#define ATT_ATTACHMENT 0x00069005
#define ATT_TNEF_VERSION 0x00089006
#define ATT_OEM_CODEPAGE 0x00069007

/* Header: signature (4) + legacy key (2). Attribute framing: level (1) +
 * id (4) + length (4) before the data, checksum (2) after it. */
#define STREAM_HEADER_SIZE 6
#define ATTR_HEADER_SIZE 9
#define ATTR_FRAME_SIZE 11

/* Caps on counts read from the stream (gromox caps values at 0xFFFF). */
#define MAX_ROWS 100000
#define MAX_PROPS 65535

/* Findings name at most this many attributes / problems */
#define MAX_LISTED 5

static void parse_stream (Stream *s);

char *
tf_tnef_format_offset (gsize offset)
{
  return g_strdup_printf ("%" G_GSIZE_FORMAT, offset);
}

static const char *
attribute_name (guint32 id)
{
  switch (id)
    {
    case 0x00060000:
      return "attOwner";
    case 0x00060001:
      return "attSentFor";
    case 0x00060002:
      return "attDelegate";
    case 0x00030006:
      return "attDateStart";
    case 0x00030007:
      return "attDateEnd";
    case 0x00050008:
      return "attAidOwner";
    case 0x00040009:
      return "attRequestRes";
    case 0x00070600:
      return "attOriginalMessageClass";
    case ATT_FROM:
      return "attFrom";
    case ATT_SUBJECT:
      return "attSubject";
    case ATT_DATE_SENT:
      return "attDateSent";
    case 0x00038006:
      return "attDateRecd";
    case 0x00068007:
      return "attMessageStatus";
    case ATT_MESSAGE_CLASS:
      return "attMessageClass";
    case 0x00018009:
      return "attMessageID";
    case 0x0001800A:
      return "attParentID";
    case 0x0001800B:
      return "attConversationID";
    case 0x0002800C:
      return "attBody";
    case 0x0004800D:
      return "attPriority";
    case ATT_ATTACH_DATA:
      return "attAttachData";
    case 0x00018010:
      return "attAttachTitle";
    case 0x00068011:
      return "attAttachMetaFile";
    case 0x00038012:
      return "attAttachCreateDate";
    case 0x00038013:
      return "attAttachModifyDate";
    case 0x00038020:
      return "attDateModified";
    case 0x00069001:
      return "attAttachTransportFilename";
    case ATT_ATTACH_REND:
      return "attAttachRendData";
    case ATT_MSG_PROPS:
      return "attMsgProps";
    case ATT_RECIP_TABLE:
      return "attRecipTable";
    case ATT_ATTACHMENT:
      return "attAttachment";
    case ATT_TNEF_VERSION:
      return "attTnefVersion";
    case ATT_OEM_CODEPAGE:
      return "attOemCodepage";
    default:
      return NULL;
    }
}

/* "attRecipTable (0x00069004)" */
static char *
describe_attribute (guint32 id)
{
  const char *name = attribute_name (id);

  if (name != NULL)
    return g_strdup_printf ("%s (0x%08X)", name, id);
  return g_strdup_printf ("0x%08X", id);
}

/* "message embedded at offset 8479: " for embedded streams, else "" */
static char *
location_prefix (Stream *s)
{
  g_autofree char *off = NULL;

  if (s->depth == 0)
    return g_strdup ("");
  off = tf_tnef_format_offset (abs_offset (s, s->data));
  /* Translators: prefix of a problem description, %s is a byte offset */
  return g_strdup_printf (_ ("message embedded at offset %s: "), off);
}

static void
add_problem (Stream *s,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
add_problem (Stream *s,
             const char *format,
             ...)
{
  Reader *reader = s->reader;
  g_autofree char *where = NULL;
  g_autofree char *what = NULL;
  va_list args;

  s->n_problems++;
  reader->n_problems++;
  if (reader->problems->len >= MAX_LISTED)
    return;
  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  where = location_prefix (s);
  g_ptr_array_add (reader->problems, g_strconcat (where, what, NULL));
}

/* --- message, recipient and attachment properties ----------------------- */

static gboolean
is_named (const PropValue *pv,
          const guint8 *guid,
          guint32 lid)
{
  return pv->named && !pv->string_name && pv->lid == lid && memcmp (pv->guid, guid, 16) == 0;
}

static void
handle_message_prop (Stream *s,
                     const PropValue *pv)
{
  if (pv->count == 0 || (pv->type & TF_MV_FLAG) != 0)
    return;

  if (pv->named)
    {
      if (pv->type == TF_PT_BINARY && is_named (pv, TF_PSETID_MEETING, TF_LID_GLOBAL_OBJECT_ID))
        {
          s->goid = pv->value;
          s->goid_len = pv->size;
        }
      else if (pv->type == TF_PT_BINARY && is_named (pv, TF_PSETID_MEETING, TF_LID_CLEAN_GLOBAL_OBJECT_ID))
        {
          s->clean_goid = pv->value;
          s->clean_goid_len = pv->size;
        }
      else if (pv->type == TF_PT_SYSTIME && is_named (pv, TF_PSETID_MEETING, TF_LID_ATTENDEE_CRITICAL_CHANGE))
        {
          s->has_attendee_cc = TRUE;
          s->attendee_cc = rd64 (pv->value);
          s->attendee_cc_offset = (gint64) pv->value_offset;
        }
      else if (pv->type == TF_PT_SYSTIME && is_named (pv, TF_PSETID_MEETING, TF_LID_OWNER_CRITICAL_CHANGE))
        {
          s->has_owner_cc = TRUE;
          s->owner_cc = rd64 (pv->value);
          s->owner_cc_offset = (gint64) pv->value_offset;
        }
      else if (pv->type == TF_PT_LONG && is_named (pv, TF_PSETID_APPOINTMENT, TF_LID_APPOINTMENT_SEQUENCE))
        {
          s->sequence = (gint) rd32 (pv->value);
        }
      return;
    }

  if (pv->type == TF_PT_SYSTIME)
    {
      if (TF_PROP_ID (pv->tag) == TF_PROP_ID (TF_TAG_CLIENT_SUBMIT_TIME))
        {
          s->has_submit = TRUE;
          s->submit = rd64 (pv->value);
        }
      return;
    }

  switch (TF_PROP_ID (pv->tag))
    {
    case 0x001A: /* PR_MESSAGE_CLASS */
      tf_tnef_take_string (&s->pr_class, tf_tnef_prop_dup_string (s, pv));
      break;
    case 0x0037: /* PR_SUBJECT */
      tf_tnef_take_string (&s->pr_subject, tf_tnef_prop_dup_string (s, pv));
      break;
    case 0x0070: /* PR_CONVERSATION_TOPIC */
      tf_tnef_take_string (&s->topic, tf_tnef_prop_dup_string (s, pv));
      break;
    case 0x0042: /* PR_SENT_REPRESENTING_NAME */
      tf_tnef_take_string (&s->repr_name, tf_tnef_prop_dup_string (s, pv));
      break;
    case 0x0065: /* PR_SENT_REPRESENTING_EMAIL_ADDRESS */
      tf_tnef_take_string (&s->repr_email, tf_tnef_prop_dup_string (s, pv));
      break;
    case 0x5D02: /* PR_SENT_REPRESENTING_SMTP_ADDRESS */
      tf_tnef_take_string (&s->repr_smtp, tf_tnef_prop_dup_string (s, pv));
      break;
    case 0x0C1A: /* PR_SENDER_NAME */
      tf_tnef_take_string (&s->sender_name, tf_tnef_prop_dup_string (s, pv));
      break;
    case 0x0C1F: /* PR_SENDER_EMAIL_ADDRESS */
      tf_tnef_take_string (&s->sender_email, tf_tnef_prop_dup_string (s, pv));
      break;
    case 0x5D01: /* PR_SENDER_SMTP_ADDRESS */
      tf_tnef_take_string (&s->sender_smtp, tf_tnef_prop_dup_string (s, pv));
      break;
    default:
      break;
    }
}

static void
handle_recipient_prop (Stream *s,
                       Row *row,
                       const PropValue *pv)
{
  guint16 id = TF_PROP_ID (pv->tag);

  if (pv->named)
    return;

  /* PidTagRecipientTrackStatusTime: the value repair patches. A damaged row
   * may carry the PropID with another type; say so instead of hiding it. */
  if (id == TF_PROP_ID (TF_TAG_RECIPIENT_TRACKSTATUS_TIME))
    {
      row->has_track_tag = TRUE;
      if (pv->type == TF_PT_SYSTIME && pv->count > 0)
        {
          TfPatchSite site = { 0 };

          tf_recipient_set_track_time (row->recipient, rd64 (pv->value));
          site.source = TF_SOURCE_TNEF;
          site.part_index = s->reader->part_index;
          site.offset = (gint64) pv->value_offset;
          site.n_spans = tf_tnef_current_spans (s, site.spans);
          tf_recipient_set_patch_site (row->recipient, &site);
        }
      else
        tf_recipient_set_track_time_type (row->recipient, pv->type);
      return;
    }

  if (pv->count == 0 || (pv->type & TF_MV_FLAG) != 0)
    return;

  if (pv->type == TF_PT_LONG)
    {
      switch (id)
        {
        case 0x0C15: /* PR_RECIPIENT_TYPE */
          /* Mask MAPI_SUBMITTED / MAPI_P1 */
          tf_recipient_set_mapi_type (row->recipient, (gint) (rd32 (pv->value) & 0x0FFFFFFF));
          break;
        case 0x5FFD: /* PR_RECIPIENT_FLAGS */
          tf_recipient_set_flags (row->recipient, rd32 (pv->value));
          break;
        case 0x5FFF: /* PR_RECIPIENT_TRACKSTATUS */
          tf_recipient_set_track_status (row->recipient, (int) rd32 (pv->value));
          break;
        default:
          break;
        }
      return;
    }

  switch (id)
    {
    case 0x3001: /* PR_DISPLAY_NAME */
      tf_tnef_take_string (&row->display_name, tf_tnef_prop_dup_string (s, pv));
      break;
    case 0x5FF6: /* PR_RECIPIENT_DISPLAY_NAME */
      tf_tnef_take_string (&row->recipient_display_name, tf_tnef_prop_dup_string (s, pv));
      break;
    case 0x3003: /* PR_EMAIL_ADDRESS */
      tf_tnef_take_string (&row->email, tf_tnef_prop_dup_string (s, pv));
      break;
    case 0x39FE: /* PR_SMTP_ADDRESS */
      tf_tnef_take_string (&row->smtp, tf_tnef_prop_dup_string (s, pv));
      break;
    default:
      break;
    }
}

static void
row_free (gpointer data)
{
  Row *row = data;

  g_clear_object (&row->recipient);
  g_free (row->display_name);
  g_free (row->recipient_display_name);
  g_free (row->email);
  g_free (row->smtp);
  g_free (row);
}

static void
stream_init (Stream *s,
             Reader *reader,
             const guint8 *data,
             gsize len,
             guint depth)
{
  memset (s, 0, sizeof *s);
  s->reader = reader;
  s->data = data;
  s->len = len;
  s->depth = depth;
  s->codepage = 1252;
  s->rows = g_ptr_array_new_with_free_func (row_free);
  s->scratch = g_string_new (NULL);
  s->date_sent = G_MININT64;
  s->sequence = -1;
  s->attendee_cc_offset = -1;
  s->owner_cc_offset = -1;
}

static void
stream_clear (Stream *s)
{
  g_ptr_array_unref (s->rows);
  g_string_free (s->scratch, TRUE);
  g_free (s->att_class);
  g_free (s->pr_class);
  g_free (s->att_subject);
  g_free (s->pr_subject);
  g_free (s->topic);
  g_free (s->from_name);
  g_free (s->from_address);
  g_free (s->repr_name);
  g_free (s->repr_email);
  g_free (s->repr_smtp);
  g_free (s->sender_name);
  g_free (s->sender_email);
  g_free (s->sender_smtp);
  g_free (s->attachments);
}

/* Parses a message embedded in the current attribute of @s */
static void
parse_embedded (Stream *s,
                const guint8 *data,
                gsize len)
{
  Stream child;

  /* The child's values sit inside its own attribute plus every attribute
   * enclosing this stream, plus the current one: all must fit a patch site. */
  G_STATIC_ASSERT (TF_MAX_TNEF_NESTING == TF_MAX_EMBED_DEPTH + 1);
  if (s->n_outer + 2 > TF_MAX_TNEF_NESTING)
    {
      s->reader->too_deep = TRUE;
      return;
    }

  stream_init (&child, s->reader, data, len, s->depth + 1);
  child.outer[0] = s->span;
  for (guint i = 0; i < s->n_outer; i++)
    child.outer[i + 1] = s->outer[i];
  child.n_outer = s->n_outer + 1;
  /* An attachment without attAttachRendData is still an attachment */
  if (s->n_attachments == 0)
    s->n_attachments = 1;
  child.attachments = s->attachments != NULL ? g_strdup_printf ("%s/%u", s->attachments, s->n_attachments)
                                             : g_strdup_printf ("%u", s->n_attachments);
  parse_stream (&child);
  stream_clear (&child);
}

static void
handle_attachment_prop (Stream *s,
                        const PropValue *pv)
{
  if (pv->type == TF_PT_OBJECT && TF_PROP_ID (pv->tag) == TF_PROP_ID (TF_TAG_ATTACH_DATA_OBJ) && pv->count > 0 && pv->size > 16 + STREAM_HEADER_SIZE && memcmp (pv->value, tf_tnef_iid_imessage, 16) == 0 && rd32 (pv->value + 16) == TF_TNEF_SIGNATURE)
    parse_embedded (s, pv->value + 16, pv->size - 16);
}

/* Decodes "u32 count ; count × PropValue". Returns FALSE if the list is
 * damaged (a problem was recorded). */
static gboolean
read_prop_list (Stream *s,
                Cursor *c,
                PropsKind kind,
                Row *row)
{
  gboolean full = (s->reader->flags & TF_READ_FULL) != 0;
  /* Keep properties for the outer message and for rows that may end up on
   * the item; attachment properties are not shown. */
  gboolean keep = full && kind != PROPS_ATTACHMENT && (kind == PROPS_RECIPIENT || s->depth == 0);
  gsize list_offset = abs_offset (s, c->p);
  guint32 count;

  if (!cur_u32 (c, &count))
    {
      g_autofree char *attr = describe_attribute (s->attr_id);
      g_autofree char *off = tf_tnef_format_offset (list_offset);

      /* Translators: %s are an attribute name and a byte offset */
      add_problem (s, _ ("%s at offset %s ends before its property count"), attr, off);
      return FALSE;
    }
  if (count > MAX_PROPS)
    {
      g_autofree char *attr = describe_attribute (s->attr_id);
      g_autofree char *off = tf_tnef_format_offset (list_offset);

      /* Translators: an attribute name, a byte offset and a count */
      add_problem (s, _ ("%s at offset %s declares %u properties, too many to be real"), attr, off, count);
      return FALSE;
    }

  for (guint32 i = 0; i < count; i++)
    {
      PropValue pv;
      gsize prop_offset = abs_offset (s, c->p);
      const char *why;

      g_string_truncate (s->scratch, 0);
      why = tf_tnef_read_prop (s, c, &pv, keep ? s->scratch : NULL);
      if (why != NULL)
        {
          g_autofree char *attr = describe_attribute (s->attr_id);
          g_autofree char *off = tf_tnef_format_offset (prop_offset);

          /* Translators: "attMsgProps (0x00069003): property 0x5FFB0040 at
           * offset 1234: <reason>" */
          add_problem (s, _ ("%s: property 0x%08X at offset %s: %s"), attr, pv.tag, off, why);
          return FALSE;
        }

      if (s->reader->sites != NULL && pv.type == TF_PT_SYSTIME && pv.count > 0)
        {
          SystimeSite site = { 0 };

          site.offset = pv.value_offset;
          site.n_spans = tf_tnef_current_spans (s, site.spans);
          g_array_append_val (s->reader->sites, site);
        }

      switch (kind)
        {
        case PROPS_MESSAGE:
          if (s->depth == 0)
            handle_message_prop (s, &pv);
          else if (pv.count > 0 && TF_PROP_ID (pv.tag) == 0x001A)
            tf_tnef_take_string (&s->pr_class, tf_tnef_prop_dup_string (s, &pv));
          else if (pv.count > 0 && TF_PROP_ID (pv.tag) == 0x0037)
            tf_tnef_take_string (&s->pr_subject, tf_tnef_prop_dup_string (s, &pv));
          if (keep)
            tf_item_take_prop (s->reader->item, tf_tnef_make_prop (s, &pv, s->scratch->str));
          break;
        case PROPS_RECIPIENT:
          handle_recipient_prop (s, row, &pv);
          if (keep)
            tf_recipient_take_prop (row->recipient, tf_tnef_make_prop (s, &pv, s->scratch->str));
          break;
        case PROPS_ATTACHMENT:
          handle_attachment_prop (s, &pv);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  return TRUE;
}

static void
finish_row (Row *row)
{
  const char *name = row->display_name != NULL ? row->display_name : row->recipient_display_name;
  const char *address = NULL;

  if (row->smtp != NULL && *row->smtp != '\0')
    address = row->smtp;
  else if (row->email != NULL && *row->email != '\0')
    address = row->email;

  if (name != NULL && *name != '\0')
    tf_recipient_set_name (row->recipient, name);
  if (address != NULL)
    tf_recipient_set_address (row->recipient, address);
}

static void
read_recip_table (Stream *s,
                  const guint8 *data,
                  guint32 length)
{
  Cursor c = { data, data + length };
  guint32 n_rows;

  if (!cur_u32 (&c, &n_rows))
    {
      g_autofree char *off = tf_tnef_format_offset (abs_offset (s, data));

      /* Translators: %s is a byte offset */
      add_problem (s, _ ("attRecipTable at offset %s ends before its row count"), off);
      return;
    }
  if (n_rows > MAX_ROWS)
    {
      g_autofree char *off = tf_tnef_format_offset (abs_offset (s, data));

      /* Translators: %s is a byte offset, %u a count */
      add_problem (s, _ ("attRecipTable at offset %s declares %u rows, too many to be real"), off, n_rows);
      return;
    }

  for (guint32 i = 0; i < n_rows; i++)
    {
      Row *row = g_new0 (Row, 1);
      gboolean ok;

      row->recipient = tf_recipient_new (TF_SOURCE_TNEF);
      tf_recipient_set_row (row->recipient, (gint) i);
      ok = read_prop_list (s, &c, PROPS_RECIPIENT, row);
      finish_row (row);
      /* A damaged row keeps what was read before the damage */
      if (ok || tf_recipient_get_address (row->recipient) != NULL || row->has_track_tag)
        g_ptr_array_add (s->rows, row);
      else
        row_free (row);
      if (!ok)
        return;
    }
}

/* attFrom: a TRP triple ([MS-OXTNEF] 2.1.3.3.2): u16 trpid, u16 total,
 * u16 name length, u16 address length, name, address. */
static void
read_from_triple (Stream *s,
                  const guint8 *data,
                  guint32 length)
{
  guint16 name_len;
  guint16 addr_len;

  if (length < 8)
    return;
  name_len = rd16 (data + 4);
  addr_len = rd16 (data + 6);
  if ((gsize) name_len + addr_len > length - 8)
    return;
  tf_tnef_take_string (&s->from_name, tf_tnef_dup_string8 (s, data + 8, name_len));
  tf_tnef_take_string (&s->from_address, tf_tnef_dup_string8 (s, data + 8 + name_len, addr_len));
}

static void
read_date_sent (Stream *s,
                const guint8 *data,
                guint32 length)
{
  g_autoptr (GDateTime) dt = NULL;
  guint16 f[6];

  if (length != 14)
    {
      g_autofree char *off = tf_tnef_format_offset (abs_offset (s, data));

      /* Translators: %s is a byte offset, %u a size */
      add_problem (s, ngettext ("attDateSent at offset %s is %u byte long instead of 14", "attDateSent at offset %s is %u bytes long instead of 14", length),
                   off, length);
      return;
    }
  for (guint i = 0; i < 6; i++)
    f[i] = rd16 (data + 2 * i);
  if (f[0] < 1601 || f[0] > 9999 || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 59)
    return;
  dt = g_date_time_new_utc (f[0], f[1], f[2], f[3], f[4], f[5]);
  if (dt != NULL)
    s->date_sent = g_date_time_to_unix (dt);
}

static void
handle_attribute (Stream *s,
                  guint8 level,
                  guint32 id,
                  const guint8 *data,
                  guint32 length)
{
  Cursor c = { data, data + length };

  switch (id)
    {
    case ATT_OEM_CODEPAGE:
      if (length >= 4 && rd32 (data) != 0)
        s->codepage = rd32 (data);
      break;
    case ATT_MESSAGE_CLASS:
      if (level == LVL_MESSAGE)
        tf_tnef_take_string (&s->att_class, tf_tnef_dup_string8 (s, data, length));
      break;
    case ATT_SUBJECT:
      if (level == LVL_MESSAGE)
        tf_tnef_take_string (&s->att_subject, tf_tnef_dup_string8 (s, data, length));
      break;
    case ATT_DATE_SENT:
      if (level == LVL_MESSAGE)
        read_date_sent (s, data, length);
      break;
    case ATT_FROM:
      if (level == LVL_MESSAGE && s->depth == 0)
        read_from_triple (s, data, length);
      break;
    case ATT_MSG_PROPS:
      if (level == LVL_MESSAGE)
        read_prop_list (s, &c, PROPS_MESSAGE, NULL);
      break;
    case ATT_RECIP_TABLE:
      if (level == LVL_MESSAGE)
        read_recip_table (s, data, length);
      break;
    case ATT_ATTACH_REND:
      if (level == LVL_ATTACHMENT)
        s->n_attachments++;
      break;
    case ATT_ATTACHMENT:
      if (level == LVL_ATTACHMENT)
        read_prop_list (s, &c, PROPS_ATTACHMENT, NULL);
      break;
    case ATT_ATTACH_DATA:
      /* Some writers put an embedded message's TNEF here */
      if (level == LVL_ATTACHMENT && length > STREAM_HEADER_SIZE && rd32 (data) == TF_TNEF_SIGNATURE)
        parse_embedded (s, data, length);
      break;
    default:
      break;
    }
}

static gboolean
is_padding (const guint8 *p,
            gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (p[i] != 0 && p[i] != '\r' && p[i] != '\n' && p[i] != ' ' && p[i] != '\t')
      return FALSE;
  return TRUE;
}

static void
note_bad_checksum (Stream *s,
                   guint32 id,
                   gsize offset,
                   guint16 stored,
                   guint16 computed)
{
  Reader *reader = s->reader;
  g_autofree char *where = NULL;
  g_autofree char *attr = NULL;
  g_autofree char *off = NULL;

  reader->n_bad_checksums++;
  if (reader->n_bad_checksums > MAX_LISTED)
    return;
  if (reader->bad_checksums->len > 0)
    g_string_append (reader->bad_checksums, "; ");
  where = location_prefix (s);
  attr = describe_attribute (id);
  off = tf_tnef_format_offset (offset);
  g_string_append (reader->bad_checksums, where);
  /* Translators: "attMsgProps (0x00069003) at offset 103 (stored 0x1234,
   * computed 0x5678)" */
  g_string_append_printf (reader->bad_checksums, _ ("%s at offset %s (stored 0x%04X, computed 0x%04X)"),
                          attr, off, stored, computed);
}

static void
report (Reader *reader)
{
  g_autofree char *prefix = NULL;

  if (reader->n_bad_checksums == 0 && reader->n_problems == 0)
    return;
  if (reader->part_index >= 0)
    /* Translators: prefix of a finding, %d is a MIME part number */
    prefix = g_strdup_printf (_ ("TNEF in MIME part %d: "), reader->part_index);
  else
    prefix = g_strdup ("");

  if (reader->n_bad_checksums > 0)
    {
      const char *more = reader->n_bad_checksums > MAX_LISTED ? "; …" : "";

      tf_item_add_finding (reader->item,
                           tf_finding_new_printf (TF_FINDING_TNEF_CHECKSUM, NULL,
                                                  /* Translators: %s%u: location prefix and count;
                                                   * then the list of attributes and "…" */
                                                  ngettext ("%s%u TNEF attribute checksum does not match: %s%s. "
                                                            "The data is shown as read, but the file was damaged "
                                                            "or edited without updating the checksum; Outlook and "
                                                            "Exchange may reject it.",
                                                            "%s%u TNEF attribute checksums do not match: %s%s. "
                                                            "The data is shown as read, but the file was damaged "
                                                            "or edited without updating the checksums; Outlook and "
                                                            "Exchange may reject it.",
                                                            reader->n_bad_checksums),
                                                  prefix, reader->n_bad_checksums, reader->bad_checksums->str, more));
    }

  if (reader->n_problems > 0)
    {
      g_autofree char *list = NULL;
      const char *more = reader->n_problems > reader->problems->len ? "; …" : "";

      g_ptr_array_add (reader->problems, NULL);
      list = g_strjoinv ("; ", (char **) reader->problems->pdata);
      g_ptr_array_remove_index (reader->problems, reader->problems->len - 1);
      tf_item_add_finding (reader->item,
                           tf_finding_new_printf (TF_FINDING_PARSE_ERROR, NULL,
                                                  /* Translators: %s: location prefix, then the
                                                   * list of problems and "…" */
                                                  _ ("%sThe TNEF data is damaged: %s%s. Only what could be "
                                                     "read is shown; recipients after the damage may be missing."),
                                                  prefix, list, more));
    }
}

static char *
format_from (const char *name,
             const char *address)
{
  if (name != NULL && *name == '\0')
    name = NULL;
  if (address != NULL && *address == '\0')
    address = NULL;
  if (name != NULL && address != NULL && g_ascii_strcasecmp (name, address) != 0)
    return g_strdup_printf ("%s <%s>", name, address);
  if (address != NULL)
    return g_strdup (address);
  return g_strdup (name);
}

/* PR_*_SMTP_ADDRESS, else PR_*_EMAIL_ADDRESS as is (an SMTP address when
 * the address type is SMTP, an X.500 DN for EX) */
static const char *
pick_address (const char *smtp,
              const char *email)
{
  if (smtp != NULL && *smtp != '\0')
    return smtp;
  return email;
}

static TfRecipientType
recipient_type_for (TfRecipient *recipient,
                    gboolean meeting)
{
  if (tf_recipient_get_has_flags (recipient) && (tf_recipient_get_flags (recipient) & TF_RECIP_FLAG_ORGANIZER) != 0)
    return TF_RECIPIENT_TYPE_ORGANIZER;
  switch (tf_recipient_get_mapi_type (recipient))
    {
    case 1:
      return TF_RECIPIENT_TYPE_TO;
    case 2:
      return TF_RECIPIENT_TYPE_CC;
    case 3:
      /* Meetings put resources in the BCC slot */
      return meeting ? TF_RECIPIENT_TYPE_RESOURCE : TF_RECIPIENT_TYPE_BCC;
    default:
      return TF_RECIPIENT_TYPE_UNKNOWN;
    }
}

static void
add_rows (Stream *s,
          const char *message_class)
{
  gboolean meeting = tf_tnef_is_meeting_class (message_class);
  const char *subject = s->pr_subject != NULL ? s->pr_subject : s->att_subject;

  if (subject != NULL && *subject == '\0')
    subject = NULL;
  for (guint i = 0; i < s->rows->len; i++)
    {
      Row *row = g_ptr_array_index (s->rows, i);
      TfRecipientType type;

      /* Rows of embedded messages only matter for their track-status time */
      if (s->depth > 0 && !row->has_track_tag)
        continue;
      type = recipient_type_for (row->recipient, meeting);
      tf_recipient_set_recipient_type (row->recipient, type);
      if (type == TF_RECIPIENT_TYPE_ORGANIZER)
        tf_recipient_set_is_organizer (row->recipient, TRUE);
      if (s->depth > 0)
        tf_recipient_set_embedded (row->recipient, s->attachments, subject);
      tf_item_add_recipient (s->reader->item, row->recipient);
    }
}

/* Copies what the outermost message says onto the item. Fields another
 * reader of the same file already set (a MIME Subject: header, say) are
 * only filled in when still empty; the MAPI message class always wins. */
static void
apply_summary (Stream *s,
               const char *message_class)
{
  TfItem *item = s->reader->item;
  const char *subject = s->pr_subject != NULL ? s->pr_subject : s->att_subject;

  /* Some writers leave out both subjects; the topic is the subject
   * without its "RE:" prefix */
  if (subject == NULL)
    subject = s->topic;

  if (message_class != NULL && *message_class != '\0')
    tf_item_set_message_class (item, message_class);
  if (subject != NULL && tf_item_get_subject (item) == NULL)
    tf_item_set_subject (item, subject);

  if (s->has_submit && tf_filetime_classify (s->submit) == TF_TIME_CLASS_OK)
    tf_item_set_sent (item, tf_filetime_to_unix (s->submit));
  else if (s->date_sent != G_MININT64 && tf_item_get_sent (item) == G_MININT64)
    tf_item_set_sent (item, s->date_sent);

  if (tf_item_get_from (item) == NULL)
    {
      g_autofree char *from = NULL;

      if (s->repr_name != NULL || s->repr_email != NULL || s->repr_smtp != NULL)
        from = format_from (s->repr_name, pick_address (s->repr_smtp, s->repr_email));
      else if (s->sender_name != NULL || s->sender_email != NULL || s->sender_smtp != NULL)
        from = format_from (s->sender_name, pick_address (s->sender_smtp, s->sender_email));
      else if (s->from_name != NULL || s->from_address != NULL)
        from = format_from (s->from_name, s->from_address);
      if (from != NULL)
        tf_item_set_from (item, from);
    }

  if (s->goid != NULL && s->goid_len > 0)
    {
      g_autofree char *uid = tf_mapi_goid_to_string (s->goid, s->goid_len);

      tf_item_set_uid (item, uid);
    }
  if (s->clean_goid != NULL && s->clean_goid_len > 0)
    {
      g_autofree char *key = tf_mapi_goid_to_string (s->clean_goid, s->clean_goid_len);

      tf_item_set_meeting_key (item, key);
    }
  else if (s->goid != NULL && s->goid_len > 0)
    {
      /* CleanGlobalObjectId = GlobalObjectId without the instance date */
      g_autofree guint8 *clean = g_memdup2 (s->goid, s->goid_len);
      g_autofree char *key = NULL;

      for (gsize i = 16; i < 20 && i < s->goid_len; i++)
        clean[i] = 0;
      key = tf_mapi_goid_to_string (clean, s->goid_len);
      tf_item_set_meeting_key (item, key);
    }
  if (s->sequence >= 0)
    tf_item_set_sequence (item, s->sequence);

  if (s->has_attendee_cc)
    {
      TfStamp stamp = { TF_STAMP_ATTENDEE_CRITICAL_CHANGE, TF_SOURCE_TNEF, s->attendee_cc,
                        s->attendee_cc_offset, s->reader->part_index };

      tf_item_add_stamp (item, &stamp);
    }
  if (s->has_owner_cc)
    {
      TfStamp stamp = { TF_STAMP_OWNER_CRITICAL_CHANGE, TF_SOURCE_TNEF, s->owner_cc,
                        s->owner_cc_offset, s->reader->part_index };

      tf_item_add_stamp (item, &stamp);
    }
}

static void
parse_stream (Stream *s)
{
  gsize pos = STREAM_HEADER_SIZE;
  guint n_attributes = 0;
  const char *message_class;

  while (pos < s->len)
    {
      const guint8 *a = s->data + pos;
      gsize left = s->len - pos;
      guint8 level;
      guint32 id;
      guint32 length;
      guint16 stored;
      guint16 computed;

      if (left < ATTR_FRAME_SIZE)
        {
          /* Trailing bytes (CR LF after base64 decoding, padding) are
           * common and harmless; a cut-off attribute header is not. */
          if ((a[0] == LVL_MESSAGE || a[0] == LVL_ATTACHMENT) && !is_padding (a, left))
            {
              g_autofree char *off = tf_tnef_format_offset (abs_offset (s, a));

              /* Translators: %s is a byte offset */
              add_problem (s, _ ("the stream ends inside the attribute header at offset %s"), off);
            }
          break;
        }

      level = a[0];
      id = rd32 (a + 1);
      length = rd32 (a + 5);
      if (level != LVL_MESSAGE && level != LVL_ATTACHMENT)
        {
          if (!is_padding (a, left))
            {
              g_autofree char *off = tf_tnef_format_offset (abs_offset (s, a));
              g_autofree char *n = tf_tnef_format_offset (left);

              /* Translators: a byte value, a byte offset and a byte count */
              add_problem (s,
                           ngettext ("byte 0x%02X at offset %s does not start an attribute; the remaining %s byte was ignored",
                                     "byte 0x%02X at offset %s does not start an attribute; the remaining %s bytes were ignored",
                                     (gulong) left),
                           level, off, n);
            }
          break;
        }
      if (length > left - ATTR_HEADER_SIZE)
        {
          g_autofree char *attr = describe_attribute (id);
          g_autofree char *off = tf_tnef_format_offset (abs_offset (s, a));
          g_autofree char *n = tf_tnef_format_offset (left - ATTR_HEADER_SIZE);

          /* Translators: an attribute name, a byte offset, a declared size
           * and the number of bytes left */
          add_problem (s,
                       ngettext ("%s at offset %s declares %u data byte but only %s remain",
                                 "%s at offset %s declares %u data bytes but only %s remain", length),
                       attr, off, length, n);
          break;
        }

      s->span.data_offset = abs_offset (s, a + ATTR_HEADER_SIZE);
      s->span.data_length = length;
      s->attr_id = id;
      if (length > left - ATTR_FRAME_SIZE)
        {
          g_autofree char *attr = describe_attribute (id);
          g_autofree char *off = tf_tnef_format_offset (abs_offset (s, a));

          /* The data is all there: read it, but it cannot be verified (and
           * tf_tnef_patch_filetime() refuses to patch inside it) */
          /* Translators: an attribute name and a byte offset */
          add_problem (s, _ ("the stream ends before the checksum of %s at offset %s"), attr, off);
          handle_attribute (s, level, id, a + ATTR_HEADER_SIZE, length);
          break;
        }

      stored = rd16 (a + ATTR_HEADER_SIZE + length);
      computed = tf_tnef_checksum (a + ATTR_HEADER_SIZE, length);
      if (stored != computed)
        note_bad_checksum (s, id, abs_offset (s, a), stored, computed);

      handle_attribute (s, level, id, a + ATTR_HEADER_SIZE, length);
      n_attributes++;
      pos += ATTR_FRAME_SIZE + (gsize) length;
    }

  if (n_attributes == 0 && s->n_problems == 0)
    add_problem (s, "%s", _ ("the stream holds no attributes"));

  if (s->pr_class != NULL && *s->pr_class != '\0')
    message_class = tf_tnef_map_legacy_class (s->pr_class);
  else if (s->att_class != NULL && *s->att_class != '\0')
    message_class = tf_tnef_map_legacy_class (s->att_class);
  else
    message_class = NULL;

  if (s->depth == 0)
    apply_summary (s, message_class);
  add_rows (s, message_class);
}

gboolean
tf_tnef_read_stream (Reader *reader,
                     const guint8 *data,
                     gsize len)
{
  Stream s;

  if (len < STREAM_HEADER_SIZE || rd32 (data) != TF_TNEF_SIGNATURE)
    {
      if (len < STREAM_HEADER_SIZE)
        tf_item_add_finding (reader->item,
                             tf_finding_new_printf (TF_FINDING_PARSE_ERROR, NULL,
                                                    /* Translators: %u is a byte count */
                                                    ngettext ("Not a TNEF stream: only %u byte, too short for the TNEF header.",
                                                              "Not a TNEF stream: only %u bytes, too short for the TNEF header.",
                                                              (gulong) len),
                                                    (guint) len));
      else
        tf_item_add_finding (reader->item,
                             tf_finding_new_printf (TF_FINDING_PARSE_ERROR, NULL,
                                                    /* Translators: %08X is the signature found */
                                                    _ ("Not a TNEF stream: the signature is 0x%08X instead of 0x223E9F78."),
                                                    rd32 (data)));
      return FALSE;
    }

  tf_item_add_source (reader->item, TF_SOURCE_TNEF);
  reader->bad_checksums = g_string_new (NULL);
  reader->problems = g_ptr_array_new_with_free_func (g_free);
  stream_init (&s, reader, data, len, 0);
  parse_stream (&s);
  stream_clear (&s);
  report (reader);
  if (reader->too_deep)
    tf_item_add_too_deep (reader->item);
  g_string_free (reader->bad_checksums, TRUE);
  g_ptr_array_unref (reader->problems);
  return TRUE;
}

guint16
tf_tnef_checksum (const guint8 *data,
                  gsize len)
{
  guint32 sum = 0;
  gsize i = 0;

  g_return_val_if_fail (data != NULL || len == 0, 0);

  /* Eight bytes at a time in four 16-bit lanes (a 1 MB attachment was a
   * quarter of its file's scan a byte at a time); each lane takes 2 × 255
   * per word, so 128 words fit before a lane could overflow. */
  while (len - i >= 8)
    {
      guint64 lanes = 0;
      gsize words = MIN ((len - i) / 8, 128);

      for (gsize w = 0; w < words; w++, i += 8)
        {
          guint64 word;

          memcpy (&word, data + i, 8);
          lanes += (word & G_GUINT64_CONSTANT (0x00FF00FF00FF00FF)) + ((word >> 8) & G_GUINT64_CONSTANT (0x00FF00FF00FF00FF));
        }
      sum += (guint32) ((lanes & 0xFFFF) + ((lanes >> 16) & 0xFFFF) + ((lanes >> 32) & 0xFFFF) + (lanes >> 48));
    }
  for (; i < len; i++)
    sum += data[i];
  return (guint16) (sum & 0xFFFF);
}

gboolean
tf_tnef_read (const guint8 *data,
              gsize len,
              TfItem *item,
              gint part_index,
              TfReadFlags flags)
{
  Reader reader = { data, item, part_index, flags, NULL, NULL, 0, NULL, 0, FALSE };

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (TF_IS_ITEM (item), FALSE);

  return tf_tnef_read_stream (&reader, data, len);
}
