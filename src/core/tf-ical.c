/* tf-ical.c — iCalendar / iTIP reader (libical)
 *
 * Copyright 2026 The Trackfix authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tf-autocleanups-private.h"
#include "tf-filetime.h"
#include "tf-mime-fast-private.h"
#include "tf-reader.h"
#include "tf-text-private.h"

/*
 * Thread safety: the scanner calls tf_ical_read() from several worker
 * threads at once. libical 3.0 built with pthreads (as Debian's is) keeps
 * icalerrno and its temporary-string ring buffer per thread; shared are
 * the global settings (icalerror_set_errors_are_fatal(), unknown-token
 * handling), which are set once before any parsing (ensure_libical(),
 * tf_core_init()), the built-in time-zone cache, which we never touch
 * (values are read as text, never converted between zones), and the
 * per-error "error state" table, which icalparser_parse() itself writes
 * on every call; that is why parsing (only) runs under parse_lock.
 */

static GMutex parse_lock;
static gsize n_trimmed_parses;

#define GOID_PREFIX_HEX "040000008200E00074C5B7101A82E008"
/* Hex digits of GlobalObjectId bytes 16..19 (year, month, day): zero in
 * the CleanGlobalObjectId */
#define GOID_INSTANCE_HEX_START 32
#define GOID_INSTANCE_HEX_LEN 8

#define MAX_PARSE_ERRORS 3
/* What DTSTAMP lines are renamed to before parsing (prepare_text()) */
#define RAW_DTSTAMP_NAME "X-TRACKFIX-RAW-DTSTAMP"
/* libical builds and frees components recursively: hostile nesting would
 * overflow the stack, so deeper input is refused before parsing. Real
 * calendars nest 3 levels (VCALENDAR > VTIMEZONE > STANDARD). */
#define MAX_COMPONENT_DEPTH 32
/* Bounds on what one calendar may add to an item (attendee merging is
 * linear per attendee). */
#define MAX_COMPONENTS 10000
#define MAX_RECIPIENTS 5000

/* The X-LIC-ERROR texts (libical's parse errors) that become findings:
 * errors about the properties we read (check_lib_errors()). Each holds
 * "property" or "X-MICROSOFT-CDO-" (skipped_property() relies on it). */
static const char *const watched_errors[] = {
  "ATTENDEE property",
  "ORGANIZER property",
  "UID property",
  "DTSTAMP property",
  "SEQUENCE property",
  "METHOD property",
  "X-MICROSOFT-CDO-",
};

/* Property names read_calendar() and read_component() look at (besides
 * every X- name), and the component markers */
static const char *const read_names[] = {
  "BEGIN",
  "END",
  "ATTENDEE",
  "ORGANIZER",
  "UID",
  "SEQUENCE",
  "SUMMARY",
  "METHOD",
  "DTSTAMP",
};

typedef struct
{
  TfItem *item;
  gint part_index;
  TfReadFlags flags;
  const char *where;
  guint n_errors;
  guint n_recipients;
  gboolean too_many;
  /* Per scheduling component: it carries the attendee critical change */
  gboolean component_has_cc;
  guint64 component_dtstamp;
  guint n_components;
  gboolean method_from_scheduling;
  const char *default_method; /* for a VCALENDAR without METHOD */
} IcalContext;

static void
ensure_libical (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      /* Never abort or print on malformed input: libical records errors in
       * X-LIC-ERROR properties, which we report as findings. */
      icalerror_set_errors_are_fatal (0);
      /* skipped_property() looks for these two first */
      for (guint i = 0; i < G_N_ELEMENTS (watched_errors); i++)
        g_assert (strstr (watched_errors[i], "property") != NULL || strstr (watched_errors[i], "X-MICROSOFT-CDO-") != NULL);
      g_once_init_leave (&initialized, 1);
    }
}

static void
add_parse_error (IcalContext *ctx,
                 const char *what)
{
  if (ctx->n_errors >= MAX_PARSE_ERRORS)
    return;

  ctx->n_errors++;
  tf_item_add_finding (ctx->item,
                       tf_finding_new_printf (TF_FINDING_PARSE_ERROR, NULL,
                                              /* Translators: the first %s is "Calendar file" or
                                               * "Calendar in MIME part 3", the second a sentence
                                               * saying what is wrong */
                                              _ ("%s: %s"),
                                              ctx->where, what));
}

/* "mailto:User@Example.com" → "User@Example.com" (also "MAILTO:mailto:x") */
static char *
dup_cal_address (const char *value)
{
  g_autofree char *address = NULL;

  if (value == NULL)
    return NULL;

  while (g_ascii_strncasecmp (value, "mailto:", 7) == 0)
    value += 7;

  address = g_strstrip (g_strdup (value));
  if (*address == '\0')
    return NULL;

  return g_steal_pointer (&address);
}

/* The parameter's value as written ("ACCEPTED", "X-FOO"), or NULL */
static char *
dup_param_text (icalproperty *prop,
                icalparameter_kind kind)
{
  icalparameter *param = icalproperty_get_first_parameter (prop, kind);
  g_autofree char *value = NULL;
  char *text;
  const char *eq;
  gsize len;

  if (param == NULL)
    return NULL;

  text = icalparameter_as_ical_string_r (param);
  if (text == NULL)
    return NULL;

  eq = strchr (text, '=');
  value = g_strdup (eq != NULL ? eq + 1 : text);
  icalmemory_free_buffer (text);

  len = strlen (value);
  if (len >= 2 && value[0] == '"' && value[len - 1] == '"')
    {
      value[len - 1] = '\0';
      memmove (value, value + 1, len - 1);
    }

  if (*value == '\0')
    return NULL;

  return g_steal_pointer (&value);
}

static int
partstat_to_track_status (const char *partstat)
{
  if (partstat == NULL)
    return TF_TRACK_STATUS_ABSENT;
  if (g_ascii_strcasecmp (partstat, "ACCEPTED") == 0)
    return TF_TRACK_STATUS_ACCEPTED;
  if (g_ascii_strcasecmp (partstat, "TENTATIVE") == 0)
    return TF_TRACK_STATUS_TENTATIVE;
  if (g_ascii_strcasecmp (partstat, "DECLINED") == 0)
    return TF_TRACK_STATUS_DECLINED;
  /* kopano's import maps NEEDS-ACTION to 5 (not responded) */
  if (g_ascii_strcasecmp (partstat, "NEEDS-ACTION") == 0)
    return TF_TRACK_STATUS_NOT_RESPONDED;

  return TF_TRACK_STATUS_NONE;
}

static TfRecipientType
attendee_type (const char *role,
               const char *cutype)
{
  if (cutype != NULL && (g_ascii_strcasecmp (cutype, "RESOURCE") == 0 || g_ascii_strcasecmp (cutype, "ROOM") == 0))
    return TF_RECIPIENT_TYPE_RESOURCE;
  if (role != NULL && g_ascii_strcasecmp (role, "OPT-PARTICIPANT") == 0)
    return TF_RECIPIENT_TYPE_CC;
  if (role != NULL && g_ascii_strcasecmp (role, "NON-PARTICIPANT") == 0)
    return TF_RECIPIENT_TYPE_RESOURCE;

  return TF_RECIPIENT_TYPE_TO;
}

/* Returns the item's iCalendar recipient for @address, creating it, or
 * NULL past MAX_RECIPIENTS. */
static TfRecipient *
ensure_recipient (IcalContext *ctx,
                  const char *address,
                  gboolean *created)
{
  TfRecipient *recipient = tf_item_find_recipient (ctx->item, address, TF_SOURCE_ICAL);

  *created = recipient == NULL;
  if (recipient != NULL)
    return recipient;

  if (ctx->n_recipients >= MAX_RECIPIENTS)
    {
      ctx->too_many = TRUE;
      return NULL;
    }
  ctx->n_recipients++;

  recipient = tf_recipient_new (TF_SOURCE_ICAL);
  tf_recipient_set_address (recipient, address);

  return recipient;
}

static void
read_organizer (IcalContext *ctx,
                icalproperty *prop)
{
  g_autofree char *address = dup_cal_address (icalproperty_get_organizer (prop));
  g_autofree char *name = dup_param_text (prop, ICAL_CN_PARAMETER);
  TfRecipient *recipient;
  gboolean created;

  if (address == NULL)
    return;

  recipient = ensure_recipient (ctx, address, &created);
  if (recipient == NULL)
    return;
  tf_recipient_set_is_organizer (recipient, TRUE);
  tf_recipient_set_recipient_type (recipient, TF_RECIPIENT_TYPE_ORGANIZER);
  if (name != NULL && tf_recipient_get_name (recipient) == NULL)
    tf_recipient_set_name (recipient, name);

  if (tf_item_get_from (ctx->item) == NULL)
    {
      g_autofree char *display = tf_recipient_dup_display (recipient);
      tf_item_set_from (ctx->item, display);
    }

  if (created)
    {
      tf_item_add_recipient (ctx->item, recipient);
      g_object_unref (recipient);
    }
}

static void
read_attendee (IcalContext *ctx,
               icalproperty *prop)
{
  g_autofree char *address = dup_cal_address (icalproperty_get_attendee (prop));
  g_autofree char *name = NULL;
  g_autofree char *partstat = NULL;
  g_autofree char *role = NULL;
  g_autofree char *cutype = NULL;
  TfRecipient *recipient;
  gboolean created;

  if (address == NULL || ctx->too_many)
    return;

  name = dup_param_text (prop, ICAL_CN_PARAMETER);
  partstat = dup_param_text (prop, ICAL_PARTSTAT_PARAMETER);
  role = dup_param_text (prop, ICAL_ROLE_PARAMETER);
  cutype = dup_param_text (prop, ICAL_CUTYPE_PARAMETER);

  /* One row per address: the organizer often lists itself as an attendee,
   * and recurrence exceptions repeat the attendee list. The first values
   * seen win. */
  recipient = ensure_recipient (ctx, address, &created);
  if (recipient == NULL)
    return;

  if (name != NULL && tf_recipient_get_name (recipient) == NULL)
    tf_recipient_set_name (recipient, name);
  if (partstat != NULL && tf_recipient_get_partstat (recipient) == NULL)
    tf_recipient_set_partstat (recipient, partstat);
  if (role != NULL && tf_recipient_get_role (recipient) == NULL)
    tf_recipient_set_role (recipient, role);
  if (tf_recipient_get_track_status (recipient) == TF_TRACK_STATUS_ABSENT)
    tf_recipient_set_track_status (recipient, partstat_to_track_status (partstat));
  if (created)
    {
      tf_recipient_set_recipient_type (recipient, attendee_type (role, cutype));
      tf_item_add_recipient (ctx->item, recipient);
      g_object_unref (recipient);
    }
}

static gboolean
add_time_stamp (IcalContext *ctx,
                TfStampKind kind,
                const char *name,
                const char *value)
{
  TfStamp stamp = { 0 };

  if (value == NULL || !tf_filetime_parse_ical (value, &stamp.filetime))
    {
      g_autofree char *what = NULL;

      /* Translators: %s is an iCalendar property name, then its value */
      what = g_strdup_printf (_ ("%s has a value that is not a date-time: “%s”."),
                              name, value != NULL ? value : "");
      add_parse_error (ctx, what);
      return FALSE;
    }

  stamp.kind = kind;
  stamp.source = TF_SOURCE_ICAL;
  stamp.offset = -1;
  stamp.part_index = ctx->part_index;
  tf_item_add_stamp (ctx->item, &stamp);
  return TRUE;
}

static gboolean
is_microsoft_x_name (const char *name)
{
  return g_ascii_strncasecmp (name, "X-MICROSOFT-", 12) == 0 || g_ascii_strncasecmp (name, "X-MS-OLK-", 9) == 0;
}

static void
keep_x_prop (IcalContext *ctx,
             const char *name,
             const char *value)
{
  TfProp *prop;

  if ((ctx->flags & TF_READ_FULL) == 0)
    return;

  prop = tf_prop_new (0, value != NULL ? value : "", -1);
  prop->name = g_ascii_strup (name, -1);
  tf_item_take_prop (ctx->item, prop);
}

/* Errors libical recorded (as X-LIC-ERROR) about properties we rely on.
 * Empty DESCRIPTION / LOCATION and the like are common and harmless. */
static void
check_lib_errors (IcalContext *ctx,
                  icalcomponent *comp)
{
  for (icalproperty *prop = icalcomponent_get_first_property (comp, ICAL_XLICERROR_PROPERTY);
       prop != NULL;
       prop = icalcomponent_get_next_property (comp, ICAL_XLICERROR_PROPERTY))
    {
      const char *text = icalproperty_get_xlicerror (prop);

      if (text == NULL)
        continue;

      for (guint i = 0; i < G_N_ELEMENTS (watched_errors); i++)
        if (strstr (text, watched_errors[i]) != NULL)
          {
            g_autofree char *clean = g_utf8_make_valid (text, -1);

            add_parse_error (ctx, g_strstrip (clean));
            break;
          }
    }
}

/* A GlobalObjectId written as hex ("040000008200E00074C5B710…") */
static gboolean
is_goid_hex (const char *uid)
{
  gsize len = strlen (uid);

  if (len < GOID_INSTANCE_HEX_START + GOID_INSTANCE_HEX_LEN || len % 2 != 0 || g_ascii_strncasecmp (uid, GOID_PREFIX_HEX, strlen (GOID_PREFIX_HEX)) != 0)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (uid[i]))
      return FALSE;

  return TRUE;
}

static void
read_uid (IcalContext *ctx,
          const char *uid)
{
  g_autofree char *goid = NULL;

  if (uid == NULL || *uid == '\0' || tf_item_get_uid (ctx->item) != NULL)
    return;

  if (!is_goid_hex (uid))
    {
      tf_item_set_uid (ctx->item, uid);
      if (tf_item_get_meeting_key (ctx->item) == NULL)
        tf_item_set_meeting_key (ctx->item, uid);
      return;
    }

  /* Upper-case hex like the MAPI readers; the meeting key is the
   * CleanGlobalObjectId: the instance date (bytes 16..19) zeroed. */
  goid = g_ascii_strup (uid, -1);
  tf_item_set_uid (ctx->item, goid);
  memset (goid + GOID_INSTANCE_HEX_START, '0', GOID_INSTANCE_HEX_LEN);
  if (tf_item_get_meeting_key (ctx->item) == NULL)
    tf_item_set_meeting_key (ctx->item, goid);
}
static void
read_component (IcalContext *ctx,
                icalcomponent *comp)
{
  gint sequence = -1;
  gint cdo_sequence = -1;

  check_lib_errors (ctx, comp);

  for (icalproperty *prop = icalcomponent_get_first_property (comp, ICAL_ANY_PROPERTY);
       prop != NULL;
       prop = icalcomponent_get_next_property (comp, ICAL_ANY_PROPERTY))
    {
      switch (icalproperty_isa (prop))
        {
        case ICAL_ORGANIZER_PROPERTY:
          read_organizer (ctx, prop);
          break;

        case ICAL_ATTENDEE_PROPERTY:
          read_attendee (ctx, prop);
          break;

        case ICAL_UID_PROPERTY:
          read_uid (ctx, icalproperty_get_uid (prop));
          break;

        case ICAL_SEQUENCE_PROPERTY:
          sequence = MAX (icalproperty_get_sequence (prop), 0);
          break;

        case ICAL_SUMMARY_PROPERTY:
          if (tf_item_get_subject (ctx->item) == NULL)
            {
              const char *summary = icalproperty_get_summary (prop);

              if (summary != NULL && *summary != '\0')
                tf_item_set_subject (ctx->item, summary);
            }
          break;

        case ICAL_X_PROPERTY:
          {
            const char *name = icalproperty_get_x_name (prop);
            /* The value as written: libical keeps X- values as text, so
             * "16010101T000000Z" survives unchanged. */
            g_autoptr (TfIcalString) value = NULL;

            if (name != NULL && strcmp (name, RAW_DTSTAMP_NAME) == 0)
              {
                /* DTSTAMP as written (see prepare_text()) */
                value = icalproperty_get_value_as_string_r (prop);
                if (add_time_stamp (ctx, TF_STAMP_DTSTAMP, "DTSTAMP", value))
                  ctx->component_dtstamp = tf_item_get_stamp (ctx->item, tf_item_get_n_stamps (ctx->item) - 1)->filetime;
                break;
              }

            if (name == NULL || !is_microsoft_x_name (name))
              break;

            value = icalproperty_get_value_as_string_r (prop);

            keep_x_prop (ctx, name, value);

            if (g_ascii_strcasecmp (name, "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE") == 0)
              {
                ctx->component_has_cc = TRUE;
                add_time_stamp (ctx, TF_STAMP_ATTENDEE_CRITICAL_CHANGE, name, value);
              }
            else if (g_ascii_strcasecmp (name, "X-MICROSOFT-CDO-OWNER-CRITICAL-CHANGE") == 0)
              add_time_stamp (ctx, TF_STAMP_OWNER_CRITICAL_CHANGE, name, value);
            else if (g_ascii_strcasecmp (name, "X-MICROSOFT-CDO-REPLYTIME") == 0)
              add_time_stamp (ctx, TF_STAMP_REPLY_TIME, name, value);
            else if (g_ascii_strcasecmp (name, "X-MICROSOFT-CDO-APPT-SEQUENCE") == 0)
              {
                gint64 number;

                if (value != NULL && g_ascii_string_to_signed (value, 10, 0, G_MAXINT, &number, NULL))
                  cdo_sequence = (gint) number;
              }
          }
          break;

        default:
          break;
        }
    }

  /* [MS-OXCICAL]: X-MICROSOFT-CDO-APPT-SEQUENCE wins over SEQUENCE. */
  if (cdo_sequence >= 0)
    sequence = cdo_sequence;
  if (sequence >= 0 && tf_item_get_sequence (ctx->item) < 0)
    tf_item_set_sequence (ctx->item, sequence);
}

static gboolean
is_scheduling_component (icalcomponent *comp)
{
  switch (icalcomponent_isa (comp))
    {
    case ICAL_VEVENT_COMPONENT:
    case ICAL_VTODO_COMPONENT:
    case ICAL_VJOURNAL_COMPONENT:
    case ICAL_VFREEBUSY_COMPONENT:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
has_scheduling_component (icalcomponent *calendar)
{
  for (icalcomponent *comp = icalcomponent_get_first_component (calendar, ICAL_ANY_COMPONENT);
       comp != NULL;
       comp = icalcomponent_get_next_component (calendar, ICAL_ANY_COMPONENT))
    if (is_scheduling_component (comp))
      return TRUE;

  return FALSE;
}

/* METHOD of @calendar in upper case, or NULL */
static char *
dup_method (icalcomponent *calendar)
{
  icalproperty *method = icalcomponent_get_first_property (calendar, ICAL_METHOD_PROPERTY);
  g_autoptr (TfIcalString) text = NULL;

  if (method == NULL)
    return NULL;
  text = icalproperty_get_value_as_string_r (method);
  if (text == NULL || *text == '\0')
    return NULL;

  return g_strstrip (g_ascii_strup (text, -1));
}

static gboolean
is_reply_method (const char *method)
{
  return method != NULL && (strcmp (method, "REPLY") == 0 || strcmp (method, "COUNTER") == 0);
}

/* A REPLY / COUNTER component without the attendee critical change: the
 * rules report it (REPLY_MISSING_CRITICAL_CHANGE), the repair inserts the
 * stamp into exactly this component. */
static void
add_unstamped_reply (IcalContext *ctx)
{
  TfStamp stamp = { 0 };

  stamp.kind = TF_STAMP_REPLY_WITHOUT_CRITICAL_CHANGE;
  stamp.source = TF_SOURCE_ICAL;
  stamp.filetime = ctx->component_dtstamp;
  stamp.offset = -1;
  stamp.part_index = ctx->part_index;
  tf_item_add_stamp (ctx->item, &stamp);
}

static void
read_calendar (IcalContext *ctx,
               icalcomponent *calendar)
{
  g_autofree char *method = dup_method (calendar);
  gboolean schedules = has_scheduling_component (calendar);

  check_lib_errors (ctx, calendar);

  if (method == NULL && ctx->default_method != NULL)
    method = g_strstrip (g_ascii_strup (ctx->default_method, -1));
  if (method != NULL && *method == '\0')
    g_clear_pointer (&method, g_free);

  /* The item's METHOD is that of the first calendar that schedules
   * something (else of the first calendar). */
  if (method != NULL && (tf_item_get_ical_method (ctx->item) == NULL || (schedules && !ctx->method_from_scheduling)))
    tf_item_set_ical_method (ctx->item, method);
  if (schedules && tf_item_get_ical_method (ctx->item) != NULL)
    ctx->method_from_scheduling = TRUE;

  for (icalproperty *prop = icalcomponent_get_first_property (calendar, ICAL_X_PROPERTY);
       prop != NULL;
       prop = icalcomponent_get_next_property (calendar, ICAL_X_PROPERTY))
    {
      const char *name = icalproperty_get_x_name (prop);

      if (name != NULL && is_microsoft_x_name (name))
        {
          g_autoptr (TfIcalString) value = icalproperty_get_value_as_string_r (prop);

          keep_x_prop (ctx, name, value);
        }
    }

  /* Every scheduling component of this calendar contributes attendees and
   * time stamps (a recurring meeting's exceptions are further VEVENTs with
   * the same UID); UID, SEQUENCE and SUMMARY come from the first component
   * that has them. */
  for (icalcomponent *comp = icalcomponent_get_first_component (calendar, ICAL_ANY_COMPONENT);
       comp != NULL;
       comp = icalcomponent_get_next_component (calendar, ICAL_ANY_COMPONENT))
    {
      if (!is_scheduling_component (comp))
        continue;

      if (ctx->n_components++ >= MAX_COMPONENTS)
        {
          ctx->too_many = TRUE;
          break;
        }

      ctx->component_has_cc = FALSE;
      ctx->component_dtstamp = 0;
      read_component (ctx, comp);
      /* Meeting responses only: Outlook records a track-status time from
       * a VEVENT reply, never from a VTODO or VFREEBUSY one */
      if (is_reply_method (method) && icalcomponent_isa (comp) == ICAL_VEVENT_COMPONENT && !ctx->component_has_cc)
        add_unstamped_reply (ctx);
    }
}

/* TRUE when the content line at @line (@line_len bytes, not necessarily
 * NUL-terminated) is a BEGIN / END marker (name up to ':' or ';', as
 * libical's parser reads it). */
static gboolean
line_is_marker (const char *line,
                gsize line_len,
                const char *name)
{
  gsize len = strlen (name);

  return line_len > len && g_ascii_strncasecmp (line, name, len) == 0
         && (line[len] == ':' || line[len] == ';');
}

/* Length of the property name at the start of a content line */
static gsize
name_length (const char *line,
             gsize len)
{
  gsize i = 0;

  while (i < len && line[i] != ':' && line[i] != ';')
    i++;
  return i;
}

/* "\n" or "\r\n": a line end libical's line reader and prepare_text()
 * split at alike (libical splits at '\n' only, prepare_text() at any run
 * of CR and LF) */
static gboolean
is_simple_eol (const char *eol,
               gsize len)
{
  return (len == 1 && eol[0] == '\n') || (len == 2 && eol[0] == '\r' && eol[1] == '\n');
}

/* TRUE when nothing reads a property of this name: an IANA token (as
 * libical reads a name: letters, digits, '-'), not an X- name, not one of
 * read_names */
static gboolean
is_unread_name (const char *name,
                gsize len)
{
  if (len == 0 || (len >= 2 && g_ascii_strncasecmp (name, "X-", 2) == 0))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (name[i]) && name[i] != '-')
      return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (read_names); i++)
    if (strlen (read_names[i]) == len && g_ascii_strncasecmp (name, read_names[i], len) == 0)
      return FALSE;

  return TRUE;
}

/*
 * Length of the property that starts at @line (its content line, its
 * continuation lines and their line ends, @name_len the length of its
 * name) when libical's parse would be the same without it, else 0.
 * libical adds a property to the component it is in and nothing else; on
 * a bad name, parameter or value it adds an X-LIC-ERROR instead, whose
 * text is a fixed message, the property's kind and part of its unfolded
 * line. So a property nothing reads (is_unread_name()) can be left out
 * when its unfolded line holds none of the watched_errors (then no error
 * about it becomes a finding) and every line of it ends in "\n" or
 * "\r\n" (so libical's line reader, which splits at '\n' only, sees the
 * same lines as prepare_text()). The caller checks that the line before
 * ends the same way. icalerrno may differ: parse_text() parses again
 * when it matters. @scratch holds the unfolded line.
 */
static gsize
skipped_property (const char *line,
                  gsize name_len,
                  GString *scratch)
{
  const char *p = line;

  if ((line[name_len] != ':' && line[name_len] != ';') || !is_unread_name (line, name_len))
    return 0;

  g_string_truncate (scratch, 0);
  for (;;)
    {
      gsize len = strcspn (p, "\r\n");
      gsize eol_len = strspn (p + len, "\r\n");

      g_string_append_len (scratch, p, len);
      if (!is_simple_eol (p + len, eol_len))
        return 0;
      p += len + eol_len;
      if (*p != ' ' && *p != '\t')
        break;
      /* a continuation line: libical drops the line end and this blank */
      p++;
    }

  /* as libical gets it: the name upper-cased, and compared as
   * check_lib_errors() does */
  for (gsize i = 0; i < name_len; i++)
    scratch->str[i] = g_ascii_toupper (scratch->str[i]);
  /* every watched error holds one of these two (ensure_libical() checks) */
  if (strstr (scratch->str, "property") == NULL && strstr (scratch->str, "X-MICROSOFT-CDO-") == NULL)
    return (gsize) (p - line);
  for (guint i = 0; i < G_N_ELEMENTS (watched_errors); i++)
    if (strstr (scratch->str, watched_errors[i]) != NULL)
      return 0;

  return (gsize) (p - line);
}

/*
 * Rewrites @text for libical, which has three habits we must work around
 * (no libical setting changes them):
 * - names are case-insensitive (RFC 5545 3.1), but libical recognises an
 *   extension property only when its name starts with upper-case "X-", so
 *   "x-microsoft-cdo-attendee-critical-change" was dropped: every property
 *   name is upper-cased (values and continuation lines are kept);
 * - it re-formats DTSTAMP (and accepts "2008082T113400Z" as a date), so
 *   DTSTAMP is renamed RAW_DTSTAMP_NAME, which libical keeps as text: the
 *   value is checked, reported and copied exactly as written;
 * - an END line that closes nothing makes it print "Encountered END before
 *   BEGIN" to stderr (icalerror_warn() cannot be silenced): such a line
 *   becomes an ignored X- line.
 * With @trim, properties inside components that nothing here reads are
 * left out when skipped_property() says libical's parse stays the same
 * (*@trimmed is then set): DESCRIPTION alone is most of the text of a
 * meeting update, and libical spends ~10 k instructions on each property
 * (issue 17).
 * Returns the deepest BEGIN/END nesting in @max_depth, counting no
 * further than @limit + 1 (the rest of the text is then not copied).
 */
static char *
prepare_text (const char *text,
              guint limit,
              gboolean trim,
              guint *max_depth,
              gboolean *trimmed)
{
  GString *out = g_string_sized_new (strlen (text) + 64);
  g_autoptr (GString) scratch = g_string_new (NULL);
  guint depth = 0;
  gboolean after_simple_eol = FALSE;

  *max_depth = 0;
  *trimmed = FALSE;
  for (const char *line = text; *line != '\0';)
    {
      gsize line_len = strcspn (line, "\r\n");
      gsize eol_len = strspn (line + line_len, "\r\n");
      gsize name_len = name_length (line, line_len);
      gsize skip;

      if (trim && depth > 0 && after_simple_eol && name_len < line_len
          && (skip = skipped_property (line, name_len, scratch)) > 0)
        {
          *trimmed = TRUE;
          line += skip;
          continue;
        }
      after_simple_eol = is_simple_eol (line + line_len, eol_len);

      if (line[0] == ' ' || line[0] == '\t' || name_len == line_len)
        /* a continuation line, or no name */
        g_string_append_len (out, line, line_len);
      else if (line_is_marker (line, line_len, "BEGIN"))
        {
          depth++;
          *max_depth = MAX (*max_depth, depth);
          if (*max_depth > limit)
            break;
          g_string_append_len (out, line, line_len);
        }
      else if (line_is_marker (line, line_len, "END") && depth == 0)
        {
          g_string_append (out, "X-E");
          g_string_append_len (out, line + 3, line_len - 3);
        }
      else
        {
          gsize at = out->len;

          if (line_is_marker (line, line_len, "END"))
            depth--;
          if (name_len == 7 && g_ascii_strncasecmp (line, "DTSTAMP", 7) == 0)
            g_string_append (out, RAW_DTSTAMP_NAME);
          else
            {
              g_string_append_len (out, line, name_len);
              for (gsize i = at; i < out->len; i++)
                out->str[i] = g_ascii_toupper (out->str[i]);
            }
          g_string_append_len (out, line + name_len, line_len - name_len);
        }

      g_string_append_len (out, line + line_len, eol_len);
      line += line_len + eol_len;
    }

  return g_string_free (out, FALSE);
}

/* TRUE when libical's parse of a text found a VCALENDAR object */
static gboolean
has_calendar (icalcomponent *root)
{
  if (root == NULL)
    return FALSE;
  if (icalcomponent_isa (root) == ICAL_VCALENDAR_COMPONENT)
    return TRUE;

  return icalcomponent_isa (root) == ICAL_XROOT_COMPONENT
         && icalcomponent_get_first_component (root, ICAL_VCALENDAR_COMPONENT) != NULL;
}

/* libical's parse of @copy after prepare_text() (NULL when too deep:
 * @max_depth says so). A trimmed text in which libical finds no VCALENDAR
 * is parsed again whole, so that the error reported is the one for the
 * whole text. */
static icalcomponent *
parse_text (const char *copy,
            gboolean trim,
            guint *max_depth,
            icalerrorenum *error_code)
{
  g_autofree char *prepared = NULL;
  gboolean trimmed = FALSE;
  icalcomponent *root;

  prepared = prepare_text (copy, MAX_COMPONENT_DEPTH, trim, max_depth, &trimmed);
  if (*max_depth > MAX_COMPONENT_DEPTH)
    return NULL;

  /* icalparser_parse() saves, changes and restores libical's global
   * error state for ICAL_MALFORMEDDATA_ERROR on every call: serialize
   * parsing so concurrent calls cannot interleave those writes. Reading
   * the parsed tree needs no lock. */
  g_mutex_lock (&parse_lock);
  icalerror_clear_errno ();
  root = icalparser_parse_string (prepared);
  *error_code = icalerrno;
  g_mutex_unlock (&parse_lock);

  if (trimmed && !has_calendar (root))
    {
      g_clear_pointer (&root, icalcomponent_free);
      return parse_text (copy, FALSE, max_depth, error_code);
    }
  if (trimmed)
    g_atomic_pointer_add (&n_trimmed_parses, 1);

  return root;
}

/**
 * tf_ical_get_n_trimmed:
 *
 * Returns: how many calendars libical parsed without the properties
 *   prepare_text() left out (for tests)
 */
guint64
tf_ical_get_n_trimmed (void)
{
  return (guint64) g_atomic_pointer_get (&n_trimmed_parses);
}

/* "Calendar in MIME part 3" / "Calendar file", with the object number
 * when the text holds several VCALENDAR objects */
static char *
dup_where (gint part_index,
           guint object,
           guint n_objects)
{
  if (n_objects > 1 && part_index >= 0)
    /* Translators: %1$d is a MIME part number, %2$u the number of a
     * VCALENDAR object inside it (1, 2, …) */
    return g_strdup_printf (_ ("Calendar in MIME part %1$d, object %2$u"), part_index, object);
  if (n_objects > 1)
    /* Translators: %u is the number of a VCALENDAR object in the file */
    return g_strdup_printf (_ ("Calendar file, object %u"), object);
  if (part_index >= 0)
    /* Translators: %d is a MIME part number */
    return g_strdup_printf (_ ("Calendar in MIME part %d"), part_index);

  return g_strdup (_ ("Calendar file"));
}

/**
 * tf_ical_read:
 * @text: iCalendar text (need not be NUL-terminated)
 * @len: its length in bytes
 * @item: the item to fill
 * @part_index: the MIME part the text came from, or -1 for an .ics file
 * @flags: with TF_READ_FULL every X-MICROSOFT-* / X-MS-OLK-* property is
 *   kept as a TfProp (tag 0, @name = property name, @value = text)
 *
 * Reads METHOD, UID (the meeting key is the UID, or for a GlobalObjectId
 * in hex the CleanGlobalObjectId), SEQUENCE / X-MICROSOFT-CDO-APPT-SEQUENCE,
 * SUMMARY (as subject if the item has none), DTSTAMP (as written),
 * ORGANIZER, every ATTENDEE (one recipient per address, PARTSTAT mapped
 * to a track status), and the X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE /
 * -OWNER-CRITICAL-CHANGE / -REPLYTIME stamps (read from the value text, so
 * 1601 dates survive). Names are matched without regard to case.
 *
 * Every VCALENDAR object of @text is read (a text/calendar part may hold
 * several; tf_read_bytes() gives each object of an .ics file its own
 * item, see tf_ical_split()). The item's METHOD is that of the first
 * object that schedules something; each REPLY / COUNTER component without
 * the attendee critical change adds a TF_STAMP_REPLY_WITHOUT_CRITICAL_CHANGE
 * stamp. Fields the item already has (from the message headers or an
 * earlier calendar part) are kept; recipients are merged by address.
 *
 * Returns: FALSE when no VCALENDAR could be read (a PARSE_ERROR finding
 *   says why)
 */
gboolean
tf_ical_read (const char *text,
              gsize len,
              TfItem *item,
              gint part_index,
              TfReadFlags flags)
{
  return tf_ical_read_with_method (text, len, item, part_index, NULL, flags);
}

/**
 * tf_ical_read_with_method:
 * @default_method: (nullable): the METHOD of a VCALENDAR that has none
 *   (RFC 6047: a text/calendar part's method parameter matches the body's
 *   METHOD)
 *
 * Same as tf_ical_read().
 */
gboolean
tf_ical_read_with_method (const char *text,
                          gsize len,
                          TfItem *item,
                          gint part_index,
                          const char *default_method,
                          TfReadFlags flags)
{
  g_autoptr (icalcomponent) root = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *where = NULL;
  g_autoptr (GPtrArray) calendars = g_ptr_array_new ();
  IcalContext ctx = { 0 };
  icalerrorenum error_code = ICAL_NO_ERROR;
  guint max_depth = 0;

  g_return_val_if_fail (text != NULL || len == 0, FALSE);
  g_return_val_if_fail (TF_IS_ITEM (item), FALSE);

  ensure_libical ();

  ctx.item = item;
  ctx.part_index = part_index;
  ctx.flags = flags;
  if (default_method != NULL && g_utf8_validate (default_method, -1, NULL))
    ctx.default_method = default_method;
  where = dup_where (part_index, 0, 1);
  ctx.where = where;

  /* libical wants a NUL-terminated string; text stops at an embedded NUL. */
  copy = g_strndup (text != NULL ? text : "", len);
  if (!tf_text_is_utf8 (copy, strlen (copy)))
    {
      char *valid = g_utf8_make_valid (copy, -1);

      g_free (copy);
      copy = valid;
    }

  if (!tf_text_contains_ci (copy, strlen (copy), "BEGIN:VCALENDAR"))
    {
      add_parse_error (&ctx, _ ("There is no BEGIN:VCALENDAR line, so this is not iCalendar data."));
      return FALSE;
    }

  /* TRACKFIX_MIME_PATH=gmime: the reference readers, libical on every
   * property (fuzz-mime-paths compares the two) */
  root = parse_text (copy, tf_mime_get_path () == TF_MIME_PATH_AUTO, &max_depth, &error_code);
  if (max_depth > MAX_COMPONENT_DEPTH)
    {
      g_autofree char *what = NULL;

      /* Translators: %d is a number of levels */
      what = g_strdup_printf (_ ("Components are nested more than %d levels deep; the data was not read."),
                              MAX_COMPONENT_DEPTH);
      add_parse_error (&ctx, what);
      return FALSE;
    }

  /* Concatenated objects come wrapped in an XROOT */
  if (root != NULL && icalcomponent_isa (root) == ICAL_VCALENDAR_COMPONENT)
    g_ptr_array_add (calendars, root);
  else if (root != NULL && icalcomponent_isa (root) == ICAL_XROOT_COMPONENT)
    for (icalcomponent *cal = icalcomponent_get_first_component (root, ICAL_VCALENDAR_COMPONENT);
         cal != NULL;
         cal = icalcomponent_get_next_component (root, ICAL_VCALENDAR_COMPONENT))
      g_ptr_array_add (calendars, cal);

  if (calendars->len == 0)
    {
      g_autofree char *what = NULL;

      if (error_code != ICAL_NO_ERROR)
        /* Translators: %s is libical's error message */
        what = g_strdup_printf (_ ("No VCALENDAR object could be read (libical: %s)."),
                                icalerror_strerror (error_code));
      else
        what = g_strdup (_ ("No VCALENDAR object could be read."));

      add_parse_error (&ctx, what);
      return FALSE;
    }

  for (guint i = 0; i < calendars->len && !ctx.too_many; i++)
    {
      g_autofree char *object_where = dup_where (part_index, i + 1, calendars->len);

      ctx.where = object_where;
      read_calendar (&ctx, g_ptr_array_index (calendars, i));
      ctx.where = where;
    }
  tf_item_add_source (item, TF_SOURCE_ICAL);

  if (ctx.too_many)
    {
      g_autofree char *what = NULL;

      /* Translators: the numbers are limits on attendees and events */
      what = g_strdup_printf (_ ("More than %d attendees or %d events; the rest were not read."),
                              MAX_RECIPIENTS, MAX_COMPONENTS);
      add_parse_error (&ctx, what);
    }

  return TRUE;
}

/* TRUE when @line (of @len bytes, no line end) is BEGIN:VCALENDAR or
 * END:VCALENDAR in any case, trailing blanks allowed */
static gboolean
line_is_calendar_marker (const char *line,
                         gsize len,
                         const char *marker)
{
  gsize n = strlen (marker);

  while (len > n && (line[len - 1] == ' ' || line[len - 1] == '\t'))
    len--;
  return len == n && g_ascii_strncasecmp (line, marker, n) == 0;
}

/**
 * tf_ical_split:
 * @text: the content of an .ics file
 * @len: its length
 * @max_objects: stop after this many objects
 *
 * Finds the top-level VCALENDAR objects of @text, one after another
 * (libical parses concatenated objects but says nothing about where each
 * lies in the text, which the repair needs: an inserted line goes into
 * its own object). An object runs from its BEGIN:VCALENDAR line to the
 * end of the line that closes it (BEGIN / END lines of inner components
 * are counted), or to the end of the text when it is not closed. Text
 * between objects belongs to none.
 *
 * Returns: (element-type TfIcalObject): the objects in file order
 */
GArray *
tf_ical_split (const char *text,
               gsize len,
               guint max_objects)
{
  GArray *objects = g_array_new (FALSE, FALSE, sizeof (TfIcalObject));
  TfIcalObject current = { 0, 0 };
  gboolean inside = FALSE;
  gsize depth = 0;
  gsize pos = 0;

  while (pos < len && objects->len < max_objects)
    {
      const char *line = text + pos;
      const char *nl = memchr (line, '\n', len - pos);
      gsize next = nl != NULL ? (gsize) (nl - text) + 1 : len;
      gsize line_len = next - pos;

      while (line_len > 0 && (line[line_len - 1] == '\n' || line[line_len - 1] == '\r'))
        line_len--;

      if (!inside)
        {
          if (line_is_calendar_marker (line, line_len, "BEGIN:VCALENDAR"))
            {
              inside = TRUE;
              depth = 1;
              current.offset = pos;
            }
        }
      else if (line_len > 0 && line[0] != ' ' && line[0] != '\t')
        {
          if (line_is_marker (line, line_len, "BEGIN"))
            depth++;
          else if (line_is_marker (line, line_len, "END") && --depth == 0)
            {
              current.len = next - current.offset;
              g_array_append_val (objects, current);
              inside = FALSE;
            }
        }
      pos = next;
    }

  if (inside)
    {
      current.len = len - current.offset;
      g_array_append_val (objects, current);
    }

  return objects;
}
