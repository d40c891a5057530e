/* tf-json.c — JSON form of items
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tf-filetime.h"
#include "tf-json.h"

struct _TfJsonWriter
{
  gboolean started;
  guint n_items;
  guint n_problems;
  guint counts[TF_N_FINDING_CODES];
};

static void
add_string_or_null (JsonBuilder *builder,
                    const char *member,
                    const char *value)
{
  json_builder_set_member_name (builder, member);
  if (value == NULL)
    {
      json_builder_add_null_value (builder);
    }
  else if (g_utf8_validate (value, -1, NULL))
    {
      json_builder_add_string_value (builder, value);
    }
  else
    {
      /* File names are bytes and damaged files carry anything; JSON must
       * stay valid UTF-8, so invalid sequences become U+FFFD. */
      g_autofree char *valid = g_utf8_make_valid (value, -1);

      json_builder_add_string_value (builder, valid);
    }
}

static void
add_hex32 (JsonBuilder *builder,
           const char *member,
           guint32 value,
           guint digits)
{
  g_autofree char *hex = g_strdup_printf ("0x%0*X", (int) digits, value);

  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, hex);
}

static void
add_prop (JsonBuilder *builder,
          const TfProp *prop)
{
  g_autofree char *type = tf_mapi_type_to_string (TF_PROP_TYPE (prop->tag));
  const char *name;

  json_builder_begin_object (builder);

  add_hex32 (builder, "tag", prop->tag, 8);

  if (prop->named)
    {
      g_autofree char *set = tf_mapi_guid_to_string (prop->guid);

      name = prop->name == NULL ? tf_mapi_named_get_name (prop->guid, prop->lid) : NULL;
      add_string_or_null (builder, "name", name);
      json_builder_set_member_name (builder, "named");
      json_builder_begin_object (builder);
      add_string_or_null (builder, "set", set);
      if (prop->name != NULL)
        add_string_or_null (builder, "string", prop->name);
      else
        add_hex32 (builder, "lid", prop->lid, 4);
      json_builder_end_object (builder);
    }
  else
    {
      add_string_or_null (builder, "name", tf_mapi_tag_get_name (prop->tag));
    }

  add_string_or_null (builder, "type", type);
  add_string_or_null (builder, "value", prop->value);

  if (TF_PROP_TYPE (prop->tag) == TF_PT_SYSTIME)
    {
      g_autofree char *iso = tf_filetime_format_iso (prop->filetime);
      g_autofree char *hex = tf_filetime_format_hex (prop->filetime);

      add_string_or_null (builder, "time", iso);
      add_string_or_null (builder, "raw", hex);
    }

  json_builder_set_member_name (builder, "offset");
  if (prop->offset >= 0)
    json_builder_add_int_value (builder, prop->offset);
  else
    json_builder_add_null_value (builder);

  json_builder_end_object (builder);
}

static void
add_props (JsonBuilder *builder,
           GPtrArray *props)
{
  if (props == NULL)
    return;

  json_builder_set_member_name (builder, "props");
  json_builder_begin_array (builder);
  for (guint i = 0; i < props->len; i++)
    add_prop (builder, g_ptr_array_index (props, i));
  json_builder_end_array (builder);
}

static void
add_recipient (JsonBuilder *builder,
               TfRecipient *recipient)
{
  json_builder_begin_object (builder);

  add_string_or_null (builder, "address", tf_recipient_get_address (recipient));
  add_string_or_null (builder, "name", tf_recipient_get_name (recipient));
  add_string_or_null (builder, "type",
                      tf_recipient_type_to_string (tf_recipient_get_recipient_type (recipient)));
  add_string_or_null (builder, "track_status",
                      tf_track_status_to_string (tf_recipient_get_track_status (recipient)));

  if (tf_recipient_get_has_track_time (recipient))
    {
      guint64 filetime = tf_recipient_get_track_time (recipient);
      g_autofree char *iso = tf_filetime_format_iso (filetime);
      g_autofree char *hex = tf_filetime_format_hex (filetime);

      add_string_or_null (builder, "track_time", iso);
      add_string_or_null (builder, "track_time_raw", hex);
    }
  else
    {
      add_string_or_null (builder, "track_time", NULL);
      add_string_or_null (builder, "track_time_raw", NULL);
    }

  add_string_or_null (builder, "source", tf_source_to_string (tf_recipient_get_source (recipient)));
  add_props (builder, tf_recipient_get_props (recipient));

  json_builder_end_object (builder);
}

static void
add_finding (JsonBuilder *builder,
             TfFinding *finding)
{
  json_builder_begin_object (builder);
  add_string_or_null (builder, "code", tf_finding_get_code_name (finding));
  add_string_or_null (builder, "severity", tf_severity_to_string (tf_finding_get_severity (finding)));
  add_string_or_null (builder, "recipient", tf_finding_get_recipient (finding));
  add_string_or_null (builder, "detail", tf_finding_get_detail (finding));
  json_builder_end_object (builder);
}

JsonNode *
tf_item_to_json (TfItem *item)
{
  g_autoptr (JsonBuilder) builder = NULL;
  g_autofree char *sent = NULL;
  guint n;

  g_return_val_if_fail (TF_IS_ITEM (item), NULL);

  if (tf_item_get_sent (item) != G_MININT64)
    sent = tf_unix_format_iso (tf_item_get_sent (item));

  builder = json_builder_new ();
  json_builder_begin_object (builder);

  add_string_or_null (builder, "path", tf_item_get_path (item));
  add_string_or_null (builder, "format", tf_format_to_string (tf_item_get_format (item)));
  add_string_or_null (builder, "kind", tf_kind_to_string (tf_item_get_kind (item)));
  add_string_or_null (builder, "message_class", tf_item_get_message_class (item));
  add_string_or_null (builder, "subject", tf_item_get_subject (item));
  add_string_or_null (builder, "uid", tf_item_get_uid (item));
  add_string_or_null (builder, "sent", sent);

  json_builder_set_member_name (builder, "recipients");
  json_builder_begin_array (builder);
  n = tf_item_get_n_recipients (item);
  for (guint i = 0; i < n; i++)
    {
      TfRecipient *recipient = tf_item_get_recipient (item, i);

      add_recipient (builder, recipient);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "findings");
  json_builder_begin_array (builder);
  n = tf_item_get_n_findings (item);
  for (guint i = 0; i < n; i++)
    {
      TfFinding *finding = tf_item_get_finding (item, i);

      add_finding (builder, finding);
    }
  json_builder_end_array (builder);

  add_props (builder, tf_item_get_props (item));

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static char *
node_to_string (JsonNode *node)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, FALSE);

  return json_generator_to_data (generator, NULL);
}

TfJsonWriter *
tf_json_writer_new (void)
{
  return g_new0 (TfJsonWriter, 1);
}

void
tf_json_writer_free (TfJsonWriter *writer)
{
  g_free (writer);
}

guint
tf_json_writer_get_n_items (TfJsonWriter *writer)
{
  g_return_val_if_fail (writer != NULL, 0);

  return writer->n_items;
}

guint
tf_json_writer_get_n_problems (TfJsonWriter *writer)
{
  g_return_val_if_fail (writer != NULL, 0);

  return writer->n_problems;
}

#define DOCUMENT_HEAD "{\"version\": 1, \"items\": ["

char *
tf_json_writer_add_item (TfJsonWriter *writer,
                         TfItem *item)
{
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *text = NULL;
  guint n;

  g_return_val_if_fail (writer != NULL, NULL);
  g_return_val_if_fail (TF_IS_ITEM (item), NULL);

  G_STATIC_ASSERT (TF_JSON_VERSION == 1);

  n = tf_item_get_n_findings (item);
  for (guint i = 0; i < n; i++)
    {
      TfFinding *finding = tf_item_get_finding (item, i);
      TfFindingCode code = tf_finding_get_code (finding);

      if ((guint) code < TF_N_FINDING_CODES)
        writer->counts[code]++;
      if (tf_finding_get_severity (finding) >= TF_SEVERITY_WARNING)
        writer->n_problems++;
    }
  writer->n_items++;

  node = tf_item_to_json (item);
  text = node_to_string (node);

  if (!writer->started)
    {
      writer->started = TRUE;
      return g_strconcat (DOCUMENT_HEAD "\n  ", text, NULL);
    }

  return g_strconcat (",\n  ", text, NULL);
}

char *
tf_json_writer_finish (TfJsonWriter *writer,
                       guint n_files)
{
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) summary = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (writer != NULL, NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "files");
  json_builder_add_int_value (builder, n_files);
  json_builder_set_member_name (builder, "items");
  json_builder_add_int_value (builder, writer->n_items);
  json_builder_set_member_name (builder, "findings");
  json_builder_begin_object (builder);
  for (guint code = 0; code < TF_N_FINDING_CODES; code++)
    {
      json_builder_set_member_name (builder, tf_finding_code_to_string (code));
      json_builder_add_int_value (builder, writer->counts[code]);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  summary = json_builder_get_root (builder);
  text = node_to_string (summary);

  return g_strconcat (writer->started ? "\n ]" : DOCUMENT_HEAD "]",
                      ", \"summary\": ", text, "}\n", NULL);
}

char *
tf_items_to_json_document (GPtrArray *items,
                           guint n_files)
{
  g_autoptr (TfJsonWriter) writer = tf_json_writer_new ();
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (items != NULL, NULL);

  for (guint i = 0; i < items->len; i++)
    {
      g_autofree char *text = tf_json_writer_add_item (writer, g_ptr_array_index (items, i));

      g_string_append (out, text);
    }

  {
    g_autofree char *tail = tf_json_writer_finish (writer, n_files);

    g_string_append (out, tail);
  }

  return g_string_free (out, FALSE);
}
