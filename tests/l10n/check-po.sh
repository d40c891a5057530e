#!/bin/sh
# check-po.sh — msgfmt --check --statistics on every catalog in po/LINGUAS:
# fails on a format error, a fuzzy or untranslated message, or a wrong
# Plural-Forms header (Polish: 1 / 2–4 but not 12–14 / rest).
#
# Copyright 2026 The Trackfix authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u

SRC="${TRACKFIX_SOURCE_ROOT:?}"
PO="$SRC/po"

if ! command -v msgfmt >/dev/null 2>&1; then
  echo "SKIP: msgfmt (gettext) not installed"
  exit 77
fi

plural_forms () {
  case "$1" in
    pl) echo 'nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);' ;;
    de) echo 'nplurals=2; plural=(n != 1);' ;;
    *) echo '' ;;
  esac
}

langs=$(sed -e 's/#.*//' "$PO/LINGUAS" | tr -s ' \t' '\n\n' | grep -v '^$')
if [ -z "$langs" ]; then
  echo "FAIL: po/LINGUAS lists no language"
  exit 1
fi

failures=0
for lang in $langs; do
  file="$PO/$lang.po"
  if [ ! -f "$file" ]; then
    echo "FAIL: $lang is in LINGUAS but $file is missing"
    failures=$((failures + 1))
    continue
  fi
  stats=$(msgfmt --check --statistics -o /dev/null "$file" 2>&1)
  status=$?
  echo "$lang: $stats"
  if [ $status -ne 0 ]; then
    echo "FAIL: msgfmt --check failed for $lang.po"
    failures=$((failures + 1))
  fi
  case "$stats" in
    *fuzzy*|*untranslated*)
      echo "FAIL: $lang.po has fuzzy or untranslated messages"
      failures=$((failures + 1)) ;;
  esac
  # The header, unwrapped: msgcat may split it over several lines
  header=$(msgcat --no-wrap "$file" | sed -n '/^msgid ""$/,/^$/p' | tr -d '\n')
  want=$(plural_forms "$lang")
  if [ -n "$want" ]; then
    case "$header" in
      *"Plural-Forms: $want\\n"*) ;;
      *) echo "FAIL: $lang.po Plural-Forms is not “$want”"
         failures=$((failures + 1)) ;;
    esac
  fi
  case "$header" in
    *"Language: $lang\\n"*) ;;
    *) echo "FAIL: $lang.po has no “Language: $lang” header"
       failures=$((failures + 1)) ;;
  esac
  case "$header" in
    *"charset=UTF-8"*) ;;
    *) echo "FAIL: $lang.po is not UTF-8"
       failures=$((failures + 1)) ;;
  esac
  # Translator credits: the About window lists the translators
  credits=$(msgattrib --no-wrap --translated "$file" | grep -A1 '^msgid "translator-credits"' | sed -n 's/^msgstr "\(.*\)"$/\1/p')
  if [ -z "$credits" ] || [ "$credits" = "translator-credits" ]; then
    echo "FAIL: $lang.po does not translate translator-credits"
    failures=$((failures + 1))
  fi
done

if [ $failures -ne 0 ]; then
  exit 1
fi
echo "All catalogs complete."
