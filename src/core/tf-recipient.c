/* tf-recipient.c
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tf-recipient.h"
#include "tf-strpool-private.h"

/* A queue names the same attendees, roles and states over and over: the
 * strings are shared copies (tf_strpool_intern), one per distinct value. */
struct _TfRecipient
{
  GObject parent_instance;

  char *address;
  char *name;
  char *partstat;
  char *role;
  char *dsn_action;
  char *dsn_status;
  char *dsn_diagnostic;
  char *embedded;         /* "2/1": attachment numbers, outer first */
  char *embedded_subject; /* subject of that embedded message */
  GPtrArray *props;

  guint64 track_time;
  TfPatchSite *site; /* NULL: default_sites[source] */
  guint32 flags;
  int track_status;
  gint mapi_type;
  gint row;
  TfSource source;
  TfRecipientType type;
  guint16 track_time_type;
  guint has_flags : 1;
  guint has_track_time : 1;
  guint is_organizer : 1;
};

G_DEFINE_FINAL_TYPE (TfRecipient, tf_recipient, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ADDRESS,
  PROP_NAME,
  PROP_TRACK_STATUS,
  PROP_HAS_TRACK_TIME,
  PROP_TRACK_TIME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tf_recipient_finalize (GObject *object)
{
  TfRecipient *self = (TfRecipient *) object;

  g_clear_pointer (&self->address, tf_strpool_release);
  g_clear_pointer (&self->name, tf_strpool_release);
  g_clear_pointer (&self->partstat, tf_strpool_release);
  g_clear_pointer (&self->role, tf_strpool_release);
  g_clear_pointer (&self->dsn_action, tf_strpool_release);
  g_clear_pointer (&self->dsn_status, tf_strpool_release);
  g_clear_pointer (&self->dsn_diagnostic, tf_strpool_release);
  g_clear_pointer (&self->embedded, tf_strpool_release);
  g_clear_pointer (&self->embedded_subject, tf_strpool_release);
  g_clear_pointer (&self->site, g_free);
  g_clear_pointer (&self->props, g_ptr_array_unref);

  G_OBJECT_CLASS (tf_recipient_parent_class)->finalize (object);
}

static void
tf_recipient_get_property (GObject *object,
                           guint prop_id,
                           GValue *value,
                           GParamSpec *pspec)
{
  TfRecipient *self = TF_RECIPIENT (object);

  switch (prop_id)
    {
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_TRACK_STATUS:
      g_value_set_int (value, self->track_status);
      break;
    case PROP_HAS_TRACK_TIME:
      g_value_set_boolean (value, self->has_track_time);
      break;
    case PROP_TRACK_TIME:
      g_value_set_uint64 (value, self->track_time);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tf_recipient_class_init (TfRecipientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tf_recipient_finalize;
  object_class->get_property = tf_recipient_get_property;

  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL,
                                                  (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL,
                                               (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_TRACK_STATUS] = g_param_spec_int ("track-status", NULL, NULL, G_MININT, G_MAXINT, TF_TRACK_STATUS_ABSENT,
                                                    (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_HAS_TRACK_TIME] = g_param_spec_boolean ("has-track-time", NULL, NULL, FALSE,
                                                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_TRACK_TIME] = g_param_spec_uint64 ("track-time", NULL, NULL, 0, G_MAXUINT64, 0,
                                                     (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tf_recipient_init (TfRecipient *self)
{
  self->track_status = TF_TRACK_STATUS_ABSENT;
  self->mapi_type = -1;
  self->row = -1;
}

/**
 * tf_recipient_new:
 * @source: where the row was read
 *
 * Returns: (transfer full): a new, empty recipient
 */
TfRecipient *
tf_recipient_new (TfSource source)
{
  TfRecipient *self = g_object_new (TF_TYPE_RECIPIENT, NULL);

  self->source = source;
  return self;
}

TfSource
tf_recipient_get_source (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), TF_SOURCE_NONE);

  return self->source;
}

const char *
tf_recipient_get_address (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), NULL);

  return self->address;
}

void
tf_recipient_set_address (TfRecipient *self,
                          const char *address)
{
  g_return_if_fail (TF_IS_RECIPIENT (self));

  tf_strpool_replace (&self->address, address);
}

const char *
tf_recipient_get_name (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), NULL);

  return self->name;
}

void
tf_recipient_set_name (TfRecipient *self,
                       const char *name)
{
  g_return_if_fail (TF_IS_RECIPIENT (self));

  tf_strpool_replace (&self->name, name);
}

char *
tf_recipient_dup_display (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), NULL);

  if (self->name != NULL && self->address != NULL
      && g_ascii_strcasecmp (self->name, self->address) != 0)
    return g_strdup_printf ("%s <%s>", self->name, self->address);
  if (self->address != NULL)
    return g_strdup (self->address);
  if (self->name != NULL)
    return g_strdup (self->name);
  return g_strdup ("");
}

TfRecipientType
tf_recipient_get_recipient_type (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), TF_RECIPIENT_TYPE_UNKNOWN);

  return self->type;
}

void
tf_recipient_set_recipient_type (TfRecipient *self,
                                 TfRecipientType type)
{
  g_return_if_fail (TF_IS_RECIPIENT (self));

  self->type = type;
  if (type == TF_RECIPIENT_TYPE_ORGANIZER)
    self->is_organizer = TRUE;
}

gint
tf_recipient_get_mapi_type (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), -1);

  return self->mapi_type;
}

void
tf_recipient_set_mapi_type (TfRecipient *self,
                            gint mapi_type)
{
  g_return_if_fail (TF_IS_RECIPIENT (self));

  self->mapi_type = mapi_type;
}

gboolean
tf_recipient_get_has_flags (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), FALSE);

  return self->has_flags;
}

guint32
tf_recipient_get_flags (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), 0);

  return self->flags;
}

void
tf_recipient_set_flags (TfRecipient *self,
                        guint32 flags)
{
  g_return_if_fail (TF_IS_RECIPIENT (self));

  self->flags = flags;
  self->has_flags = TRUE;
}

gboolean
tf_recipient_get_is_organizer (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), FALSE);

  return self->is_organizer;
}

void
tf_recipient_set_is_organizer (TfRecipient *self,
                               gboolean is_organizer)
{
  g_return_if_fail (TF_IS_RECIPIENT (self));

  self->is_organizer = !!is_organizer;
}

int
tf_recipient_get_track_status (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), TF_TRACK_STATUS_ABSENT);

  return self->track_status;
}

void
tf_recipient_set_track_status (TfRecipient *self,
                               int status)
{
  g_return_if_fail (TF_IS_RECIPIENT (self));

  self->track_status = status;
}

gboolean
tf_recipient_get_has_track_time (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), FALSE);

  return self->has_track_time;
}

guint64
tf_recipient_get_track_time (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), 0);

  return self->track_time;
}

guint16
tf_recipient_get_track_time_type (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), 0);

  return self->track_time_type;
}

void
tf_recipient_set_track_time (TfRecipient *self,
                             guint64 filetime)
{
  g_return_if_fail (TF_IS_RECIPIENT (self));

  self->track_time = filetime;
  self->has_track_time = TRUE;
  self->track_time_type = 0x0040;
}

void
tf_recipient_set_track_time_type (TfRecipient *self,
                                  guint16 type)
{
  g_return_if_fail (TF_IS_RECIPIENT (self));

  self->track_time_type = type;
  if (type != 0x0040)
    {
      /* A later property of another type overrides an earlier PT_SYSTIME
       * (readers keep the last one): its patch site no longer holds the
       * value shown, so patching it would change nothing visible (found by
       * fuzz-tnef). */
      self->has_track_time = FALSE;
      g_free (self->site);
      self->site = g_new (TfPatchSite, 1);
      *self->site = (TfPatchSite){ .part_index = -1, .offset = -1 };
    }
}

const char *
tf_recipient_get_partstat (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), NULL);

  return self->partstat;
}

void
tf_recipient_set_partstat (TfRecipient *self,
                           const char *partstat)
{
  g_return_if_fail (TF_IS_RECIPIENT (self));

  tf_strpool_replace (&self->partstat, partstat);
}

const char *
tf_recipient_get_embedded (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), NULL);

  return self->embedded;
}

const char *
tf_recipient_get_embedded_subject (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), NULL);

  return self->embedded_subject;
}

/**
 * tf_recipient_dup_embedded_label:
 *
 * Returns: (transfer full) (nullable): where an embedded row comes from,
 *   for people: "attachment 2/1 “Budget review”", or NULL for a row of the
 *   item itself
 */
char *
tf_recipient_dup_embedded_label (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), NULL);

  if (self->embedded == NULL)
    return NULL;
  if (self->embedded_subject != NULL)
    /* Translators: where a recipient row comes from: %1$s are attachment
     * numbers ("2", or "2/1" for attachment 1 of the message attached as
     * attachment 2), %2$s the attached message's subject */
    return g_strdup_printf (_ ("attachment %1$s “%2$s”"), self->embedded, self->embedded_subject);
  /* Translators: where a recipient row comes from: %s are attachment
   * numbers ("2", or "2/1" for attachment 1 of the message attached as
   * attachment 2); the attached message has no subject */
  return g_strdup_printf (_ ("attachment %s (no subject)"), self->embedded);
}

void
tf_recipient_set_embedded (TfRecipient *self,
                           const char *attachments,
                           const char *subject)
{
  g_return_if_fail (TF_IS_RECIPIENT (self));

  tf_strpool_replace (&self->embedded, attachments);
  tf_strpool_replace (&self->embedded_subject, subject);
}

const char *
tf_recipient_get_role (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), NULL);

  return self->role;
}

void
tf_recipient_set_role (TfRecipient *self,
                       const char *role)
{
  g_return_if_fail (TF_IS_RECIPIENT (self));

  tf_strpool_replace (&self->role, role);
}

const char *
tf_recipient_get_dsn_action (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), NULL);

  return self->dsn_action;
}

const char *
tf_recipient_get_dsn_status (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), NULL);

  return self->dsn_status;
}

const char *
tf_recipient_get_dsn_diagnostic (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), NULL);

  return self->dsn_diagnostic;
}

void
tf_recipient_set_dsn (TfRecipient *self,
                      const char *action,
                      const char *status,
                      const char *diagnostic)
{
  g_return_if_fail (TF_IS_RECIPIENT (self));

  tf_strpool_replace (&self->dsn_action, action);
  tf_strpool_replace (&self->dsn_status, status);
  tf_strpool_replace (&self->dsn_diagnostic, diagnostic);
}

/* Most rows have no value to patch: their site is the default one, shared
 * (a TfPatchSite is 168 bytes; at 100,000 queue files with three rows
 * each, one per row cost ~50 MB) */
#define DEFAULT_SITE(s) [s] = { .source = s, .part_index = -1, .offset = -1 }
static const TfPatchSite default_sites[] = {
  DEFAULT_SITE (TF_SOURCE_NONE),
  DEFAULT_SITE (TF_SOURCE_TNEF),
  DEFAULT_SITE (TF_SOURCE_MSG),
  DEFAULT_SITE (TF_SOURCE_ICAL),
  DEFAULT_SITE (TF_SOURCE_DSN),
  DEFAULT_SITE (TF_SOURCE_HEADER),
  DEFAULT_SITE (TF_SOURCE_PST),
  DEFAULT_SITE (TF_SOURCE_OST),
};
#undef DEFAULT_SITE

const TfPatchSite *
tf_recipient_get_patch_site (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), NULL);

  if (self->site != NULL)
    return self->site;
  if ((guint) self->source < G_N_ELEMENTS (default_sites))
    return &default_sites[self->source];
  return &default_sites[TF_SOURCE_NONE];
}

void
tf_recipient_set_patch_site (TfRecipient *self,
                             const TfPatchSite *site)
{
  g_return_if_fail (TF_IS_RECIPIENT (self));
  g_return_if_fail (site != NULL);
  g_return_if_fail (site->n_spans <= TF_MAX_TNEF_NESTING);

  if (self->site == NULL)
    self->site = g_new (TfPatchSite, 1);
  *self->site = *site;
}

gint
tf_recipient_get_row (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), -1);

  return self->row;
}

void
tf_recipient_set_row (TfRecipient *self,
                      gint row)
{
  g_return_if_fail (TF_IS_RECIPIENT (self));

  self->row = row;
}

/**
 * tf_recipient_get_props:
 *
 * Returns: (transfer none) (nullable) (element-type TfProp): every property
 *   read, when read with %TF_READ_FULL
 */
GPtrArray *
tf_recipient_get_props (TfRecipient *self)
{
  g_return_val_if_fail (TF_IS_RECIPIENT (self), NULL);

  return self->props;
}

void
tf_recipient_take_prop (TfRecipient *self,
                        TfProp *prop)
{
  g_return_if_fail (TF_IS_RECIPIENT (self));
  g_return_if_fail (prop != NULL);

  if (self->props == NULL)
    self->props = g_ptr_array_new_with_free_func ((GDestroyNotify) tf_prop_free);
  g_ptr_array_add (self->props, prop);
}
