/* tf-tnef-stream-private.h — internals of the TNEF reader (tf-tnef*.c only)
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "tf-item.h"
#include "tf-tnef-private.h"

G_BEGIN_DECLS

/* The TNEF reader's rooms:
 *
 *   tf-tnef.c        streams and attributes, recipient tables, attachments
 *                    and embedded messages, the item summary
 *   tf-tnef-props.c  MAPI property values: decoding, strings, rendering
 *   tf-tnef-patch.c  tf_tnef_patch_filetime(): the in-place patch a repair
 *                    makes, checked against a fresh walk of the stream
 *
 * tf-tnef-private.h is what the rest of the engine (repair) may use; this
 * header is for these three files only. */

typedef struct
{
  guint64 offset;
  guint n_spans;
  TfTnefSpan spans[TF_MAX_TNEF_NESTING];
} SystimeSite;

/* State shared by a stream and every message embedded in it */
typedef struct
{
  const guint8 *base; /* outermost stream: offsets are relative to it */
  TfItem *item;
  gint part_index;
  TfReadFlags flags;
  GArray *sites; /* SystimeSite; only while verifying a patch */
  /* Damage found in the stream and every embedded one, reported once */
  GString *bad_checksums;
  guint n_bad_checksums;
  GPtrArray *problems;
  guint n_problems;
  gboolean too_deep; /* a message embedded deeper than a site can say */
} Reader;

typedef struct
{
  TfRecipient *recipient;
  gboolean has_track_tag; /* PropID 0x5FFB seen, with any type */
  /* address parts, resolved when the row is complete */
  char *display_name;
  char *recipient_display_name;
  char *email;
  char *smtp;
} Row;

typedef struct
{
  Reader *reader;
  const guint8 *data; /* this stream, from its signature */
  gsize len;
  guint depth;
  /* Attributes of enclosing streams that contain this one, innermost first */
  guint n_outer;
  TfTnefSpan outer[TF_MAX_TNEF_NESTING];
  /* The attribute being decoded */
  TfTnefSpan span;
  guint32 attr_id;
  guint codepage;
  /* Attachments begun so far (each starts with attAttachRendData) */
  guint n_attachments;
  /* Embedded streams: 1-based attachment numbers from the outermost
   * message inward ("2/1"); NULL for the outermost stream */
  char *attachments;

  guint n_problems; /* in this stream */
  GPtrArray *rows;  /* Row */
  GString *scratch;

  /* Message summary */
  char *att_class;
  char *pr_class;
  char *att_subject;
  char *pr_subject;
  char *topic; /* PR_CONVERSATION_TOPIC */
  gboolean has_submit;
  guint64 submit;
  gint64 date_sent;
  char *from_name; /* attFrom triple */
  char *from_address;
  char *repr_name; /* PR_SENT_REPRESENTING_* */
  char *repr_email;
  char *repr_smtp;
  char *sender_name; /* PR_SENDER_* */
  char *sender_email;
  char *sender_smtp;
  const guint8 *goid;
  gsize goid_len;
  const guint8 *clean_goid;
  gsize clean_goid_len;
  gint sequence;
  gboolean has_attendee_cc;
  guint64 attendee_cc;
  gint64 attendee_cc_offset;
  gboolean has_owner_cc;
  guint64 owner_cc;
  gint64 owner_cc_offset;
} Stream;

typedef enum
{
  PROPS_MESSAGE,
  PROPS_RECIPIENT,
  PROPS_ATTACHMENT,
} PropsKind;

/* One decoded PropValue; pointers point into the stream. */
typedef struct
{
  guint32 tag;
  guint16 type; /* with the MV flag */
  gboolean named;
  const guint8 *guid;
  gboolean string_name;
  guint32 lid;
  const guint8 *name;
  guint32 name_len;
  guint32 count;       /* values present */
  const guint8 *value; /* first value's bytes */
  guint32 size;        /* first value's size */
  gsize value_offset;  /* absolute offset of the first value */
  gsize enc_offset;    /* absolute offset of the encoded value */
} PropValue;

static inline guint16
rd16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static inline guint32
rd32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static inline guint64
rd64 (const guint8 *p)
{
  return (guint64) rd32 (p) | ((guint64) rd32 (p + 4) << 32);
}

typedef struct
{
  const guint8 *p;
  const guint8 *end;
} Cursor;

static inline gsize
cur_left (const Cursor *c)
{
  return (gsize) (c->end - c->p);
}

static inline gboolean
cur_u32 (Cursor *c,
         guint32 *v)
{
  if (cur_left (c) < 4)
    return FALSE;
  *v = rd32 (c->p);
  c->p += 4;
  return TRUE;
}

/* Skips the padding after a variable-length value; a stream that ends
 * right after the value without its padding is tolerated. */
static inline void
cur_skip_pad (Cursor *c,
              guint32 size)
{
  gsize pad = (4 - (size & 3)) & 3;

  c->p += MIN (pad, cur_left (c));
}

static inline gsize
abs_offset (Stream *s,
            const guint8 *p)
{
  return (gsize) (p - s->reader->base);
}

/* tf-tnef.c */
char *tf_tnef_format_offset (gsize offset);
/* Walks one stream (and every embedded one); FALSE when it is not TNEF */
gboolean tf_tnef_read_stream (Reader *reader,
                              const guint8 *data,
                              gsize len);

/* tf-tnef-props.c */
/* IID_IMessage {00020307-0000-0000-C000-000000000046} */
extern const guint8 tf_tnef_iid_imessage[16];
char *tf_tnef_dup_string8 (Stream *s,
                           const guint8 *p,
                           gsize n);
/* The value of a PT_STRING8 / PT_UNICODE property as UTF-8, or NULL */
char *tf_tnef_prop_dup_string (Stream *s,
                               const PropValue *pv);
void tf_tnef_take_string (char **field,
                          char *value);
/* Outlook writes attMessageClass with the MS Mail names of meeting classes */
const char *tf_tnef_map_legacy_class (const char *message_class);
gboolean tf_tnef_is_meeting_class (const char *message_class);
/* Decodes the property at @c into @pv (rendered into @render when not
 * NULL); returns NULL or a problem description */
const char *tf_tnef_read_prop (Stream *s,
                               Cursor *c,
                               PropValue *pv,
                               GString *render);
TfProp *tf_tnef_make_prop (Stream *s,
                           const PropValue *pv,
                           const char *rendered);
/* The spans enclosing a value of the current attribute, innermost first */
guint tf_tnef_current_spans (Stream *s,
                             TfTnefSpan *spans);

G_END_DECLS
