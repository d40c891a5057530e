/* tf-mime-parts.c — what the MIME reader does with each part, for both paths
 *
 * GMime's path (tf-mime.c, a GMimeObject tree) and the fast path
 * (tf-mime-fast.c, byte ranges) tell part types apart and hand parts to
 * the TNEF, iCalendar and DSN readers here, so that both decide alike by
 * construction; each path only brings its own way to decode a part.
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tf-mime-private.h"

/* g_mime_content_type_is_type(); NULL is a part without Content-Type,
 * which GMime reads as text/plain */
static gboolean
type_is (GMimeContentType *ct,
         const char *type,
         const char *subtype)
{
  if (ct == NULL)
    return g_ascii_strcasecmp (type, "text") == 0 && (strcmp (subtype, "*") == 0 || g_ascii_strcasecmp (subtype, "plain") == 0);

  return g_mime_content_type_is_type (ct, type, subtype);
}

static const char *
type_param (GMimeContentType *ct,
            const char *name)
{
  return ct != NULL ? g_mime_content_type_get_parameter (ct, name) : NULL;
}

/* g_mime_part_get_filename(): the disposition's filename, else the
 * content type's name */
static gboolean
filename_has_suffix (GMimeContentType *ct,
                     GMimeContentDisposition *disposition,
                     const char *suffix)
{
  const char *name = NULL;
  gsize name_len, suffix_len;

  if (disposition != NULL)
    name = g_mime_content_disposition_get_parameter (disposition, "filename");
  if (name == NULL)
    name = type_param (ct, "name");
  if (name == NULL)
    return FALSE;

  name_len = strlen (name);
  suffix_len = strlen (suffix);

  return name_len >= suffix_len && g_ascii_strcasecmp (name + name_len - suffix_len, suffix) == 0;
}

/**
 * tf_mime_is_delivery_status:
 * @ct: (nullable): a part's content type
 *
 * Returns: TRUE for message/delivery-status and
 *   message/global-delivery-status (RFC 3464, RFC 6533)
 */
gboolean
tf_mime_is_delivery_status (GMimeContentType *ct)
{
  return type_is (ct, "message", "delivery-status") || type_is (ct, "message", "global-delivery-status");
}

/**
 * tf_mime_is_delivery_report:
 * @ct: (nullable): a multipart's content type
 *
 * Returns: TRUE for multipart/report; report-type=delivery-status
 *   (RFC 3462 / 6522)
 */
gboolean
tf_mime_is_delivery_report (GMimeContentType *ct)
{
  const char *report_type;

  if (!type_is (ct, "multipart", "report"))
    return FALSE;

  report_type = type_param (ct, "report-type");
  return report_type != NULL && g_ascii_strcasecmp (report_type, "delivery-status") == 0;
}

/**
 * tf_mime_leaf_kind:
 * @ct: (nullable): the content type of a leaf part (not a multipart or an
 *   attached message); NULL when it has none
 * @disposition: (nullable): its content disposition
 * @in_message: TRUE for parts of an attached message
 *
 * Returns: which reader the part goes to: TNEF (application/ms-tnef or a
 *   "winmail.dat"), iCalendar (text/calendar and the like, or an .ics
 *   file), a delivery-status part, a plain-text body that may be a text
 *   NDR (not an attachment and not in an attached message, which is the
 *   returned original), or none
 */
TfMimeLeafKind
tf_mime_leaf_kind (GMimeContentType *ct,
                   GMimeContentDisposition *disposition,
                   gboolean in_message)
{
  if (type_is (ct, "application", "ms-tnef") || type_is (ct, "application", "vnd.ms-tnef") || filename_has_suffix (ct, disposition, "winmail.dat"))
    return TF_MIME_LEAF_TNEF;

  if (type_is (ct, "text", "calendar") || type_is (ct, "text", "x-vcalendar") || type_is (ct, "application", "ics")
      /* .ics attachments sent as application/octet-stream */
      || (type_is (ct, "application", "octet-stream") && filename_has_suffix (ct, disposition, ".ics")))
    return TF_MIME_LEAF_CALENDAR;

  if (tf_mime_is_delivery_status (ct))
    return TF_MIME_LEAF_STATUS;

  if (!in_message && type_is (ct, "text", "plain") && !(disposition != NULL && g_mime_content_disposition_is_attachment (disposition)))
    return TF_MIME_LEAF_TEXT;

  return TF_MIME_LEAF_OTHER;
}

static void
read_calendar (const char *text,
               gsize len,
               GMimeContentType *ct,
               gint index,
               TfItem *item,
               TfReadFlags flags)
{
  const char *method = type_param (ct, "method");

  /* RFC 6047: the part's method parameter matches the body's METHOD; the
   * reader uses it for a body without one, and so do we when the body
   * cannot be read. */
  tf_ical_read_with_method (text, len, item, index, method, flags);
  if (tf_item_get_ical_method (item) == NULL && method != NULL && *method != '\0' && g_utf8_validate (method, -1, NULL))
    {
      g_autofree char *upper = g_ascii_strup (method, -1);
      tf_item_set_ical_method (item, g_strstrip (upper));
    }
}

/**
 * tf_mime_read_leaf:
 * @kind: from tf_mime_leaf_kind()
 * @ct: (nullable): the part's content type
 * @ops: how this path decodes @part
 * @part: the part, as the path knows it
 * @index: its MIME part number
 * @item: the item to fill
 * @flags: read flags
 *
 * Hands a leaf part to its reader: TNEF content to tf_tnef_read(), text
 * (transfer encoding removed, converted to UTF-8) to the iCalendar and DSN
 * readers. A TNEF or calendar part that cannot be decoded adds a
 * PARSE_ERROR finding.
 */
void
tf_mime_read_leaf (TfMimeLeafKind kind,
                   GMimeContentType *ct,
                   const TfMimeLeafOps *ops,
                   gconstpointer part,
                   gint index,
                   TfItem *item,
                   TfReadFlags flags)
{
  g_autofree char *text = NULL;
  gsize len = 0;

  switch (kind)
    {
    case TF_MIME_LEAF_TNEF:
      {
        g_autoptr (GBytes) tnef = ops->dup_content (part);

        if (tnef == NULL)
          {
            tf_item_add_finding (item,
                                 tf_finding_new_printf (TF_FINDING_PARSE_ERROR, NULL,
                                                        /* Translators: %d is a MIME part number */
                                                        _ ("The TNEF attachment (MIME part %d) could not be decoded."),
                                                        index));
            return;
          }

        tf_item_add_source (item, TF_SOURCE_TNEF);
        /* The TNEF reader adds its own findings for damage it meets. */
        tf_tnef_read (g_bytes_get_data (tnef, NULL), g_bytes_get_size (tnef), item, index, flags);
      }
      break;

    case TF_MIME_LEAF_CALENDAR:
      text = ops->dup_text (part, &len);
      if (text == NULL)
        {
          tf_item_add_finding (item,
                               tf_finding_new_printf (TF_FINDING_PARSE_ERROR, NULL,
                                                      /* Translators: %d is a MIME part number */
                                                      _ ("The calendar part (MIME part %d) could not be decoded."),
                                                      index));
          return;
        }
      read_calendar (text, len, ct, index, item, flags);
      break;

    case TF_MIME_LEAF_STATUS:
      /* Handles base64-encoded reports too: the content is decoded first. */
      text = ops->dup_text (part, &len);
      if (text != NULL)
        tf_dsn_read_status (text, len, item);
      break;

    case TF_MIME_LEAF_TEXT:
      /* A text NDR (Exchange 2003 and older send no machine-readable
       * part) */
      text = ops->dup_text (part, &len);
      if (text != NULL)
        tf_dsn_read_text (text, len, item);
      break;

    case TF_MIME_LEAF_OTHER:
    default:
      break;
    }
}

/**
 * tf_mime_add_report_without_status:
 * @item: a bounce
 * @part_index: the MIME part number of the multipart/report
 *
 * The finding for a delivery report whose message/delivery-status part is
 * lost, shared by both MIME paths.
 */
void
tf_mime_add_report_without_status (TfItem *item,
                                   int part_index)
{
  tf_item_add_finding (item,
                       tf_finding_new_printf (TF_FINDING_PARSE_ERROR, NULL,
                                              /* Translators: %d is a MIME part number */
                                              _ ("The delivery report (MIME part %d) has no message/delivery-status part, so the per-recipient status (RFC 3464) is missing; the file is probably truncated. Recipients come from the report’s text, if any."),
                                              part_index));
}
