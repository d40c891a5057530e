/* tf-finding.c
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tf-finding.h"

struct _TfFinding
{
  GObject parent_instance;

  TfFindingCode code;
  char *recipient;
  char *detail;
};

G_DEFINE_FINAL_TYPE (TfFinding, tf_finding, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_CODE_NAME,
  PROP_SEVERITY,
  PROP_RECIPIENT,
  PROP_DETAIL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tf_finding_finalize (GObject *object)
{
  TfFinding *self = (TfFinding *) object;

  g_clear_pointer (&self->recipient, g_free);
  g_clear_pointer (&self->detail, g_free);

  G_OBJECT_CLASS (tf_finding_parent_class)->finalize (object);
}

static void
tf_finding_get_property (GObject *object,
                         guint prop_id,
                         GValue *value,
                         GParamSpec *pspec)
{
  TfFinding *self = TF_FINDING (object);

  switch (prop_id)
    {
    case PROP_CODE_NAME:
      g_value_set_string (value, tf_finding_get_code_name (self));
      break;
    case PROP_SEVERITY:
      g_value_set_int (value, tf_finding_get_severity (self));
      break;
    case PROP_RECIPIENT:
      g_value_set_string (value, self->recipient);
      break;
    case PROP_DETAIL:
      g_value_set_string (value, self->detail);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tf_finding_class_init (TfFindingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tf_finding_finalize;
  object_class->get_property = tf_finding_get_property;

  properties[PROP_CODE_NAME] = g_param_spec_string ("code-name", NULL, NULL, NULL,
                                                    (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_SEVERITY] = g_param_spec_int ("severity", NULL, NULL, TF_SEVERITY_INFO, TF_SEVERITY_ERROR,
                                                TF_SEVERITY_INFO, (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_RECIPIENT] = g_param_spec_string ("recipient", NULL, NULL, NULL,
                                                    (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_DETAIL] = g_param_spec_string ("detail", NULL, NULL, NULL,
                                                 (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tf_finding_init (TfFinding *self)
{
}

/**
 * tf_finding_new:
 * @code: the stable finding code
 * @recipient: (nullable): the affected address
 * @detail: translated plain-language detail
 *
 * Returns: (transfer full): a new #TfFinding
 */
TfFinding *
tf_finding_new (TfFindingCode code,
                const char *recipient,
                const char *detail)
{
  TfFinding *self;

  g_return_val_if_fail (code < TF_N_FINDING_CODES, NULL);

  self = g_object_new (TF_TYPE_FINDING, NULL);
  self->code = code;
  self->recipient = g_strdup (recipient);
  self->detail = g_strdup (detail != NULL ? detail : "");
  return self;
}

TfFinding *
tf_finding_new_printf (TfFindingCode code,
                       const char *recipient,
                       const char *format,
                       ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  return tf_finding_new (code, recipient, detail);
}

TfFindingCode
tf_finding_get_code (TfFinding *self)
{
  g_return_val_if_fail (TF_IS_FINDING (self), TF_FINDING_PARSE_ERROR);

  return self->code;
}

const char *
tf_finding_get_code_name (TfFinding *self)
{
  g_return_val_if_fail (TF_IS_FINDING (self), NULL);

  return tf_finding_code_to_string (self->code);
}

TfSeverity
tf_finding_get_severity (TfFinding *self)
{
  g_return_val_if_fail (TF_IS_FINDING (self), TF_SEVERITY_ERROR);

  return tf_finding_code_get_severity (self->code);
}

const char *
tf_finding_get_recipient (TfFinding *self)
{
  g_return_val_if_fail (TF_IS_FINDING (self), NULL);

  return self->recipient;
}

const char *
tf_finding_get_detail (TfFinding *self)
{
  g_return_val_if_fail (TF_IS_FINDING (self), NULL);

  return self->detail;
}
