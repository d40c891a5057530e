/* tf-item.c
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tf-item.h"
#include "tf-strpool-private.h"

/* Items are built on scanner worker threads and handed to the main thread
 * whole; after that they are read-only except through the main thread
 * (repair refreshes). Recipients and findings live in plain arrays; the
 * GListModel views the GUI asks for are created lazily, so a 100,000-item
 * scan in the CLI pays nothing for them.
 *
 * Memory per item matters (the window holds every item of a queue): fields
 * that repeat across a queue (subject, sender, message class, method, and
 * the UID, which is usually also the meeting key) are shared copies from
 * tf-strpool, one per distinct value, and file_path is only stored
 * when it differs from path. */

struct _TfItem
{
  GObject parent_instance;

  char *path;
  char *file_path; /* NULL when equal to path */
  char *message_id;
  char *search_text;
  /* Shared copies (tf_strpool_intern) */
  char *message_class;
  char *ical_method;
  char *subject;
  char *from;
  char *uid;
  char *meeting_key;
  /* PST/OST: folder path (shared) and NID chain (own copy) */
  char *folder;
  char *nid;

  GPtrArray *recipients;
  GPtrArray *findings;
  GArray *stamps;
  GPtrArray *props;
  GListStore *recipients_model;
  GListStore *findings_model;

  guint64 offset;
  guint64 size;
  guint64 file_size;
  gint64 file_mtime_usec;
  gint64 sent;
  guint mbox_index;
  gint sequence;
  guint sources;
  TfFormat format;
  TfKind kind;
};

G_DEFINE_FINAL_TYPE (TfItem, tf_item, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PATH,
  PROP_SUBJECT,
  PROP_FROM,
  PROP_KIND,
  PROP_SENT,
  PROP_N_RECIPIENTS,
  PROP_N_PROBLEMS,
  N_PROPS
};

enum
{
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
tf_item_finalize (GObject *object)
{
  TfItem *self = (TfItem *) object;

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->file_path, g_free);
  g_clear_pointer (&self->message_class, tf_strpool_release);
  g_clear_pointer (&self->ical_method, tf_strpool_release);
  g_clear_pointer (&self->subject, tf_strpool_release);
  g_clear_pointer (&self->from, tf_strpool_release);
  g_clear_pointer (&self->message_id, g_free);
  g_clear_pointer (&self->uid, tf_strpool_release);
  g_clear_pointer (&self->meeting_key, tf_strpool_release);
  g_clear_pointer (&self->folder, tf_strpool_release);
  g_clear_pointer (&self->nid, g_free);
  g_clear_pointer (&self->search_text, g_free);
  g_clear_pointer (&self->recipients, g_ptr_array_unref);
  g_clear_pointer (&self->findings, g_ptr_array_unref);
  g_clear_pointer (&self->stamps, g_array_unref);
  g_clear_pointer (&self->props, g_ptr_array_unref);
  g_clear_object (&self->recipients_model);
  g_clear_object (&self->findings_model);

  G_OBJECT_CLASS (tf_item_parent_class)->finalize (object);
}

static void
tf_item_get_property (GObject *object,
                      guint prop_id,
                      GValue *value,
                      GParamSpec *pspec)
{
  TfItem *self = TF_ITEM (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_SUBJECT:
      g_value_set_string (value, self->subject);
      break;
    case PROP_FROM:
      g_value_set_string (value, self->from);
      break;
    case PROP_KIND:
      g_value_set_int (value, self->kind);
      break;
    case PROP_SENT:
      g_value_set_int64 (value, self->sent);
      break;
    case PROP_N_RECIPIENTS:
      g_value_set_uint (value, tf_item_get_n_recipients (self));
      break;
    case PROP_N_PROBLEMS:
      g_value_set_uint (value, tf_item_get_n_problems (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tf_item_class_init (TfItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tf_item_finalize;
  object_class->get_property = tf_item_get_property;

  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL,
                                               (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_SUBJECT] = g_param_spec_string ("subject", NULL, NULL, NULL,
                                                  (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_FROM] = g_param_spec_string ("from", NULL, NULL, NULL,
                                               (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_KIND] = g_param_spec_int ("kind", NULL, NULL, TF_KIND_MESSAGE, TF_KIND_NDR, TF_KIND_MESSAGE,
                                            (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_SENT] = g_param_spec_int64 ("sent", NULL, NULL, G_MININT64, G_MAXINT64, G_MININT64,
                                              (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_N_RECIPIENTS] = g_param_spec_uint ("n-recipients", NULL, NULL, 0, G_MAXUINT, 0,
                                                     (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_N_PROBLEMS] = g_param_spec_uint ("n-problems", NULL, NULL, 0, G_MAXUINT, 0,
                                                   (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TfItem::changed:
   *
   * Emitted on the main thread after the file behind the item was rewritten
   * (repair, undo) and the item's content was refreshed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tf_item_init (TfItem *self)
{
  self->recipients = g_ptr_array_new_with_free_func (g_object_unref);
  self->findings = g_ptr_array_new_with_free_func (g_object_unref);
  self->sent = G_MININT64;
  self->sequence = -1;
}

/**
 * tf_item_new:
 *
 * Returns: (transfer full): a new item
 */
TfItem *
tf_item_new (const char *path,
             const char *file_path,
             guint mbox_index)
{
  TfItem *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (TF_TYPE_ITEM, NULL);
  self->path = g_strdup (path);
  if (file_path != NULL && strcmp (file_path, path) != 0)
    self->file_path = g_strdup (file_path);
  self->mbox_index = mbox_index;
  return self;
}

static void
replace_string (char **field,
                const char *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = (value != NULL && *value != '\0') ? g_strdup (value) : NULL;
}

const char *
tf_item_get_path (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), NULL);

  return self->path;
}

const char *
tf_item_get_file_path (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), NULL);

  return self->file_path != NULL ? self->file_path : self->path;
}

guint
tf_item_get_mbox_index (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), 0);

  return self->mbox_index;
}

guint64
tf_item_get_offset (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), 0);

  return self->offset;
}

guint64
tf_item_get_size (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), 0);

  return self->size;
}

void
tf_item_set_range (TfItem *self,
                   guint64 offset,
                   guint64 size)
{
  g_return_if_fail (TF_IS_ITEM (self));

  self->offset = offset;
  self->size = size;
}

guint64
tf_item_get_file_size (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), 0);

  return self->file_size;
}

gint64
tf_item_get_file_mtime_usec (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), 0);

  return self->file_mtime_usec;
}

void
tf_item_set_file_info (TfItem *self,
                       guint64 file_size,
                       gint64 mtime_usec)
{
  g_return_if_fail (TF_IS_ITEM (self));

  self->file_size = file_size;
  self->file_mtime_usec = mtime_usec;
}

TfFormat
tf_item_get_format (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), TF_FORMAT_UNKNOWN);

  return self->format;
}

void
tf_item_set_format (TfItem *self,
                    TfFormat format)
{
  g_return_if_fail (TF_IS_ITEM (self));

  self->format = format;
}

TfKind
tf_item_get_kind (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), TF_KIND_MESSAGE);

  return self->kind;
}

void
tf_item_set_kind (TfItem *self,
                  TfKind kind)
{
  g_return_if_fail (TF_IS_ITEM (self));

  self->kind = kind;
}

gboolean
tf_item_get_is_update (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), FALSE);

  return self->kind == TF_KIND_REQUEST && self->sequence > 0;
}

const char *
tf_item_get_message_class (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), NULL);

  return self->message_class;
}

void
tf_item_set_message_class (TfItem *self,
                           const char *message_class)
{
  g_return_if_fail (TF_IS_ITEM (self));

  tf_strpool_replace (&self->message_class, message_class);
}

const char *
tf_item_get_ical_method (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), NULL);

  return self->ical_method;
}

void
tf_item_set_ical_method (TfItem *self,
                         const char *method)
{
  g_return_if_fail (TF_IS_ITEM (self));

  tf_strpool_replace (&self->ical_method, method);
}

const char *
tf_item_get_subject (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), NULL);

  return self->subject;
}

void
tf_item_set_subject (TfItem *self,
                     const char *subject)
{
  g_return_if_fail (TF_IS_ITEM (self));

  tf_strpool_replace (&self->subject, subject);
}

const char *
tf_item_get_from (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), NULL);

  return self->from;
}

void
tf_item_set_from (TfItem *self,
                  const char *from)
{
  g_return_if_fail (TF_IS_ITEM (self));

  tf_strpool_replace (&self->from, from);
}

const char *
tf_item_get_message_id (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), NULL);

  return self->message_id;
}

void
tf_item_set_message_id (TfItem *self,
                        const char *message_id)
{
  g_return_if_fail (TF_IS_ITEM (self));

  replace_string (&self->message_id, message_id);
}

const char *
tf_item_get_folder (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), NULL);

  return self->folder;
}

void
tf_item_set_folder (TfItem *self,
                    const char *folder)
{
  g_return_if_fail (TF_IS_ITEM (self));

  tf_strpool_replace (&self->folder, folder);
}

const char *
tf_item_get_nid (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), NULL);

  return self->nid;
}

void
tf_item_set_nid (TfItem *self,
                 const char *nid)
{
  g_return_if_fail (TF_IS_ITEM (self));

  replace_string (&self->nid, nid);
}

const char *
tf_item_get_uid (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), NULL);

  return self->uid;
}

void
tf_item_set_uid (TfItem *self,
                 const char *uid)
{
  g_return_if_fail (TF_IS_ITEM (self));

  tf_strpool_replace (&self->uid, uid);
}

const char *
tf_item_get_meeting_key (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), NULL);

  return self->meeting_key;
}

void
tf_item_set_meeting_key (TfItem *self,
                         const char *key)
{
  g_return_if_fail (TF_IS_ITEM (self));

  tf_strpool_replace (&self->meeting_key, key);
}

gint
tf_item_get_sequence (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), -1);

  return self->sequence;
}

void
tf_item_set_sequence (TfItem *self,
                      gint sequence)
{
  g_return_if_fail (TF_IS_ITEM (self));

  self->sequence = sequence;
}

gint64
tf_item_get_sent (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), G_MININT64);

  return self->sent;
}

void
tf_item_set_sent (TfItem *self,
                  gint64 unix_seconds)
{
  g_return_if_fail (TF_IS_ITEM (self));

  self->sent = unix_seconds;
}

/**
 * tf_item_get_recipients:
 *
 * Returns: (transfer none): a #GListModel of #TfRecipient
 */
GListModel *
tf_item_get_recipients (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), NULL);

  if (self->recipients_model == NULL)
    {
      self->recipients_model = g_list_store_new (TF_TYPE_RECIPIENT);
      g_list_store_splice (self->recipients_model, 0, 0,
                           self->recipients->pdata, self->recipients->len);
    }
  return G_LIST_MODEL (self->recipients_model);
}

guint
tf_item_get_n_recipients (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), 0);

  return self->recipients->len;
}

/**
 * tf_item_get_recipient:
 *
 * Returns: (transfer none): the recipient at @position
 */
TfRecipient *
tf_item_get_recipient (TfItem *self,
                       guint position)
{
  g_return_val_if_fail (TF_IS_ITEM (self), NULL);
  g_return_val_if_fail (position < self->recipients->len, NULL);

  return g_ptr_array_index (self->recipients, position);
}

void
tf_item_add_recipient (TfItem *self,
                       TfRecipient *recipient)
{
  g_return_if_fail (TF_IS_ITEM (self));
  g_return_if_fail (TF_IS_RECIPIENT (recipient));

  g_ptr_array_add (self->recipients, g_object_ref (recipient));
  if (self->recipients_model != NULL)
    g_list_store_append (self->recipients_model, recipient);
  g_clear_pointer (&self->search_text, g_free);
}

/**
 * tf_item_find_recipient:
 *
 * Returns: (transfer none) (nullable): the first recipient with @address
 *   (case-insensitive) read from @source
 */
TfRecipient *
tf_item_find_recipient (TfItem *self,
                        const char *address,
                        TfSource source)
{
  g_return_val_if_fail (TF_IS_ITEM (self), NULL);

  if (address == NULL)
    return NULL;

  for (guint i = 0; i < self->recipients->len; i++)
    {
      TfRecipient *r = g_ptr_array_index (self->recipients, i);
      const char *a = tf_recipient_get_address (r);

      if (tf_recipient_get_source (r) == source && a != NULL
          && g_ascii_strcasecmp (a, address) == 0)
        return r;
    }
  return NULL;
}

/**
 * tf_item_get_findings:
 *
 * Returns: (transfer none): a #GListModel of #TfFinding
 */
GListModel *
tf_item_get_findings (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), NULL);

  if (self->findings_model == NULL)
    {
      self->findings_model = g_list_store_new (TF_TYPE_FINDING);
      g_list_store_splice (self->findings_model, 0, 0,
                           self->findings->pdata, self->findings->len);
    }
  return G_LIST_MODEL (self->findings_model);
}

guint
tf_item_get_n_findings (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), 0);

  return self->findings->len;
}

/**
 * tf_item_get_finding:
 *
 * Returns: (transfer none): the finding at @position
 */
TfFinding *
tf_item_get_finding (TfItem *self,
                     guint position)
{
  g_return_val_if_fail (TF_IS_ITEM (self), NULL);
  g_return_val_if_fail (position < self->findings->len, NULL);

  return g_ptr_array_index (self->findings, position);
}

/**
 * tf_item_add_finding:
 * @finding: (transfer full): the finding
 */
void
tf_item_add_finding (TfItem *self,
                     TfFinding *finding)
{
  g_return_if_fail (TF_IS_ITEM (self));
  g_return_if_fail (TF_IS_FINDING (finding));

  g_ptr_array_add (self->findings, finding);
  if (self->findings_model != NULL)
    g_list_store_append (self->findings_model, finding);
  g_clear_pointer (&self->search_text, g_free);
}

guint
tf_item_get_n_problems (TfItem *self)
{
  guint n = 0;

  g_return_val_if_fail (TF_IS_ITEM (self), 0);

  for (guint i = 0; i < self->findings->len; i++)
    if (tf_finding_get_severity (g_ptr_array_index (self->findings, i)) >= TF_SEVERITY_WARNING)
      n++;
  return n;
}

TfSeverity
tf_item_get_max_severity (TfItem *self)
{
  TfSeverity max = TF_SEVERITY_INFO;

  g_return_val_if_fail (TF_IS_ITEM (self), TF_SEVERITY_INFO);

  for (guint i = 0; i < self->findings->len; i++)
    max = MAX (max, tf_finding_get_severity (g_ptr_array_index (self->findings, i)));
  return max;
}

gboolean
tf_item_has_finding (TfItem *self,
                     TfFindingCode code)
{
  g_return_val_if_fail (TF_IS_ITEM (self), FALSE);

  for (guint i = 0; i < self->findings->len; i++)
    if (tf_finding_get_code (g_ptr_array_index (self->findings, i)) == code)
      return TRUE;
  return FALSE;
}

/**
 * tf_item_dup_findings_for:
 *
 * Returns: (transfer container) (element-type TfFinding): findings about
 *   @address
 */
GPtrArray *
tf_item_dup_findings_for (TfItem *self,
                          const char *address)
{
  GPtrArray *ret = g_ptr_array_new ();

  g_return_val_if_fail (TF_IS_ITEM (self), ret);

  if (address == NULL)
    return ret;

  for (guint i = 0; i < self->findings->len; i++)
    {
      TfFinding *f = g_ptr_array_index (self->findings, i);
      const char *r = tf_finding_get_recipient (f);

      if (r != NULL && g_ascii_strcasecmp (r, address) == 0)
        g_ptr_array_add (ret, f);
    }
  return ret;
}

void
tf_item_add_stamp (TfItem *self,
                   const TfStamp *stamp)
{
  g_return_if_fail (TF_IS_ITEM (self));
  g_return_if_fail (stamp != NULL);

  if (self->stamps == NULL)
    self->stamps = g_array_sized_new (FALSE, FALSE, sizeof (TfStamp), 2);
  g_array_append_vals (self->stamps, stamp, 1);
}

guint
tf_item_get_n_stamps (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), 0);

  return self->stamps != NULL ? self->stamps->len : 0;
}

const TfStamp *
tf_item_get_stamp (TfItem *self,
                   guint i)
{
  g_return_val_if_fail (TF_IS_ITEM (self), NULL);
  g_return_val_if_fail (self->stamps != NULL && i < self->stamps->len, NULL);

  return &g_array_index (self->stamps, TfStamp, i);
}

const TfStamp *
tf_item_find_stamp (TfItem *self,
                    TfStampKind kind)
{
  g_return_val_if_fail (TF_IS_ITEM (self), NULL);

  if (self->stamps == NULL)
    return NULL;
  for (guint i = 0; i < self->stamps->len; i++)
    if (g_array_index (self->stamps, TfStamp, i).kind == kind)
      return &g_array_index (self->stamps, TfStamp, i);
  return NULL;
}

guint
tf_item_get_sources (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), 0);

  return self->sources;
}

void
tf_item_add_source (TfItem *self,
                    TfSource source)
{
  g_return_if_fail (TF_IS_ITEM (self));

  self->sources |= 1u << source;
}

/**
 * tf_item_get_props:
 *
 * Returns: (transfer none) (nullable) (element-type TfProp): message-level
 *   properties, when read with %TF_READ_FULL
 */
GPtrArray *
tf_item_get_props (TfItem *self)
{
  g_return_val_if_fail (TF_IS_ITEM (self), NULL);

  return self->props;
}

void
tf_item_take_prop (TfItem *self,
                   TfProp *prop)
{
  g_return_if_fail (TF_IS_ITEM (self));
  g_return_if_fail (prop != NULL);

  if (self->props == NULL)
    self->props = g_ptr_array_new_with_free_func ((GDestroyNotify) tf_prop_free);
  g_ptr_array_add (self->props, prop);
}

static void
append_lower (GString *str,
              const char *text)
{
  g_autofree char *folded = NULL;

  if (text == NULL || *text == '\0')
    return;
  folded = g_utf8_casefold (text, -1);
  g_string_append (str, folded);
  g_string_append_c (str, '\n');
}

const char *
tf_item_get_search_text (TfItem *self)
{
  GString *str;

  g_return_val_if_fail (TF_IS_ITEM (self), "");

  if (self->search_text != NULL)
    return self->search_text;

  str = g_string_new (NULL);
  append_lower (str, self->subject);
  append_lower (str, self->from);
  append_lower (str, self->path);
  append_lower (str, self->folder);
  append_lower (str, self->uid);
  append_lower (str, self->message_class);
  for (guint i = 0; i < self->recipients->len; i++)
    {
      TfRecipient *r = g_ptr_array_index (self->recipients, i);

      append_lower (str, tf_recipient_get_address (r));
      append_lower (str, tf_recipient_get_name (r));
    }
  for (guint i = 0; i < self->findings->len; i++)
    append_lower (str, tf_finding_get_code_name (g_ptr_array_index (self->findings, i)));

  self->search_text = g_string_free (str, FALSE);
  return self->search_text;
}

static gboolean
is_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if ((guchar) *p >= 0x80)
        return FALSE;
    }
  return TRUE;
}

/* Does @text, case-folded as append_lower() folds it, contain @word? */
static gboolean
folded_contains (const char *text,
                 const char *word,
                 gboolean word_is_ascii)
{
  g_autofree char *folded = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;

  if (is_ascii (text))
    {
      gsize word_len = strlen (word);

      /* Folding ASCII is tolower(); no allocation on this path, which is
       * nearly every field of a real queue. */
      if (!word_is_ascii)
        return FALSE;
      for (const char *p = text; *p != '\0'; p++)
        {
          gsize i = 0;

          while (i < word_len && p[i] != '\0' && g_ascii_tolower (p[i]) == word[i])
            i++;
          if (i == word_len)
            return TRUE;
          if (p[i] == '\0')
            return FALSE;
        }
      return FALSE;
    }

  folded = g_utf8_casefold (text, -1);
  return strstr (folded, word) != NULL;
}

static gboolean
matches_word (TfItem *self,
              const char *word)
{
  gboolean ascii = is_ascii (word);

  if (*word == '\0')
    return TRUE;
  /* The search text joins fields with newlines; a word never holds one
   * (the window splits on white space), so field by field is the same. */
  if (strchr (word, '\n') != NULL)
    return strstr (tf_item_get_search_text (self), word) != NULL;

  if (folded_contains (self->subject, word, ascii) || folded_contains (self->from, word, ascii)
      || folded_contains (self->path, word, ascii) || folded_contains (self->folder, word, ascii)
      || folded_contains (self->uid, word, ascii)
      || folded_contains (self->message_class, word, ascii))
    return TRUE;
  for (guint i = 0; i < self->recipients->len; i++)
    {
      TfRecipient *r = g_ptr_array_index (self->recipients, i);

      if (folded_contains (tf_recipient_get_address (r), word, ascii)
          || folded_contains (tf_recipient_get_name (r), word, ascii))
        return TRUE;
    }
  for (guint i = 0; i < self->findings->len; i++)
    {
      if (folded_contains (tf_finding_get_code_name (g_ptr_array_index (self->findings, i)), word, ascii))
        return TRUE;
    }

  return FALSE;
}

gboolean
tf_item_matches_words (TfItem *self,
                       const char *const *words)
{
  g_return_val_if_fail (TF_IS_ITEM (self), FALSE);

  if (words == NULL)
    return TRUE;

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (!matches_word (self, words[i]))
        return FALSE;
    }

  return TRUE;
}

void
tf_item_notify_changed (TfItem *self)
{
  g_return_if_fail (TF_IS_ITEM (self));

  g_clear_pointer (&self->search_text, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PROBLEMS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RECIPIENTS]);
  g_signal_emit (self, signals[CHANGED], 0);
}

#define STEAL_FIELD(f, free_func)          \
  G_STMT_START                             \
  {                                        \
    g_clear_pointer (&self->f, free_func); \
    self->f = g_steal_pointer (&fresh->f); \
  }                                        \
  G_STMT_END
#define SWAP_PTR(f)          \
  G_STMT_START               \
  {                          \
    gpointer tmp_ = self->f; \
    self->f = fresh->f;      \
    fresh->f = tmp_;         \
  }                          \
  G_STMT_END

/**
 * tf_item_update_from:
 * @fresh: an item just read from the same file; emptied by this call
 */
void
tf_item_update_from (TfItem *self,
                     TfItem *fresh)
{
  g_return_if_fail (TF_IS_ITEM (self));
  g_return_if_fail (TF_IS_ITEM (fresh));

  STEAL_FIELD (message_class, tf_strpool_release);
  STEAL_FIELD (ical_method, tf_strpool_release);
  STEAL_FIELD (subject, tf_strpool_release);
  STEAL_FIELD (from, tf_strpool_release);
  STEAL_FIELD (message_id, g_free);
  STEAL_FIELD (uid, tf_strpool_release);
  STEAL_FIELD (meeting_key, tf_strpool_release);
  STEAL_FIELD (folder, tf_strpool_release);
  STEAL_FIELD (nid, g_free);
  SWAP_PTR (recipients);
  SWAP_PTR (findings);
  SWAP_PTR (stamps);
  SWAP_PTR (props);

  self->offset = fresh->offset;
  self->size = fresh->size;
  self->file_size = fresh->file_size;
  self->file_mtime_usec = fresh->file_mtime_usec;
  self->sent = fresh->sent;
  self->sequence = fresh->sequence;
  self->sources = fresh->sources;
  self->format = fresh->format;
  self->kind = fresh->kind;

  if (self->recipients_model != NULL)
    g_list_store_splice (self->recipients_model, 0,
                         g_list_model_get_n_items (G_LIST_MODEL (self->recipients_model)),
                         self->recipients->pdata, self->recipients->len);
  if (self->findings_model != NULL)
    g_list_store_splice (self->findings_model, 0,
                         g_list_model_get_n_items (G_LIST_MODEL (self->findings_model)),
                         self->findings->pdata, self->findings->len);

  tf_item_notify_changed (self);
}

/**
 * tf_item_set_global_object_id:
 * @goid: (nullable): PidLidGlobalObjectId bytes
 * @clean: (nullable): PidLidCleanGlobalObjectId bytes
 *
 * Sets the UID (the GOID as hex) and the meeting key (the clean GOID, or
 * the GOID with its instance date, bytes 16..19, zeroed: [MS-OXOCAL]
 * 2.2.1.28). Empty values are ignored.
 */
void
tf_item_set_global_object_id (TfItem *self,
                              const guint8 *goid,
                              gsize goid_len,
                              const guint8 *clean,
                              gsize clean_len)
{
  g_return_if_fail (TF_IS_ITEM (self));

  if (goid != NULL && goid_len > 0)
    {
      g_autofree char *uid = tf_mapi_goid_to_string (goid, goid_len);

      tf_item_set_uid (self, uid);
      if (clean == NULL || clean_len == 0)
        {
          g_autofree guint8 *copy = g_memdup2 (goid, goid_len);
          g_autofree char *key = NULL;

          for (gsize i = 16; i < 20 && i < goid_len; i++)
            copy[i] = 0;
          key = tf_mapi_goid_to_string (copy, goid_len);
          tf_item_set_meeting_key (self, key);
        }
    }
  if (clean != NULL && clean_len > 0)
    {
      g_autofree char *key = tf_mapi_goid_to_string (clean, clean_len);

      tf_item_set_meeting_key (self, key);
    }
}
