#!/bin/sh
# check-po-complete.sh — regenerate the template from po/POTFILES.in the way
# meson's i18n.gettext(preset: 'glib') does, merge each catalog in
# po/LINGUAS with it, and fail when any message of the current sources is
# untranslated or fuzzy in any language. This is what stops a new string
# from landing without its translations.
#
# Copyright 2026 The Trackfix authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u

SRC="${TRACKFIX_SOURCE_ROOT:?}"
PO="$SRC/po"

for tool in xgettext msgmerge msgattrib; do
  if ! command -v $tool >/dev/null 2>&1; then
    echo "SKIP: $tool (gettext) not installed"
    exit 77
  fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/trackfix-l10n-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT INT TERM

# The keywords and flags of meson's 'glib' preset (mesonbuild/modules/i18n.py)
(cd "$SRC" && xgettext --package-name=trackfix -f po/POTFILES.in -D "$SRC" \
  -o "$T/trackfix.pot" --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
  --flag=g_print:1:c-format --flag=g_printerr:1:c-format --flag=g_printf:1:c-format \
  --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format) \
  2> "$T/xgettext.log"
status=$?
cat "$T/xgettext.log"
if [ $status -ne 0 ]; then
  echo "FAIL: xgettext failed"
  exit 1
fi

# Messages in a catalog msgattrib wrote, without the header entry
count_messages () {
  if [ -s "$1" ]; then
    echo $(( $(grep -c '^msgid ' "$1") - 1 ))
  else
    echo 0
  fi
}

failures=0
# A msgid cut short by a macro (say "%" G_GUINT64_FORMAT) never matches at
# run time: xgettext warns that it is not a valid format string.
if grep -q "not a valid C format string" "$T/xgettext.log"; then
  echo "FAIL: a translatable string is cut by a macro; use %llu / %lu with a cast or ngettext"
  failures=$((failures + 1))
fi

n_msgids=$(grep -c '^msgid ' "$T/trackfix.pot")
echo "Template: $((n_msgids - 1)) messages"

langs=$(sed -e 's/#.*//' "$PO/LINGUAS" | tr -s ' \t' '\n\n' | grep -v '^$')
for lang in $langs; do
  if ! msgmerge --quiet --no-wrap -o "$T/$lang.po" "$PO/$lang.po" "$T/trackfix.pot"; then
    echo "FAIL: msgmerge failed for $lang"
    failures=$((failures + 1))
    continue
  fi
  msgattrib --no-wrap --untranslated --no-obsolete -o "$T/$lang.untranslated" "$T/$lang.po"
  msgattrib --no-wrap --only-fuzzy --no-obsolete -o "$T/$lang.fuzzy" "$T/$lang.po"
  n_untranslated=$(count_messages "$T/$lang.untranslated")
  n_fuzzy=$(count_messages "$T/$lang.fuzzy")
  echo "$lang: $n_untranslated untranslated, $n_fuzzy fuzzy against the current sources"
  if [ "$n_untranslated" -gt 0 ] || [ "$n_fuzzy" -gt 0 ]; then
    failures=$((failures + 1))
    echo "FAIL: $lang.po is incomplete; these messages need a translation in po/$lang.po:"
    cat "$T/$lang.untranslated" "$T/$lang.fuzzy" 2>/dev/null | grep -E '^(#:|msgctxt|msgid)' | grep -v '^msgid ""$' | sed 's/^/    /'
  fi
done

if [ $failures -ne 0 ]; then
  exit 1
fi
echo "Every message of the current sources is translated in: $langs"
