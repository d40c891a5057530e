#!/bin/sh
# test-cli-l10n.sh — trackfix-cli follows LANGUAGE: `scan` and `show` print
# Polish and German headings, kinds, responses and finding details with the
# KB terms, keep finding codes and MAPI names untranslated, and pick the
# right plural form; help texts are translated too (issue 6).
#
# LANGUAGE needs a locale other than C/POSIX to be honoured by GNU gettext:
# C.UTF-8 is built into glibc (no `locales` package needed), so the tests
# run with LC_ALL=C.UTF-8 LANGUAGE=pl|de.
#
# Copyright 2026 The Trackfix authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u

CLI="${TRACKFIX_BUILD_ROOT:?}/src/cli/trackfix-cli"
SRC="${TRACKFIX_SOURCE_ROOT:?}"
export TRACKFIX_LOCALEDIR="${TRACKFIX_LOCALEDIR:-$TRACKFIX_BUILD_ROOT/po}"
DEMO="$SRC/data/demo"
SAMPLE="$DEMO/Calendar/Q3 budget review.msg"

T=$(mktemp -d "${TMPDIR:-/tmp}/trackfix-l10n-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT INT TERM

failures=0
n=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
fail () { n=$((n + 1)); echo "not ok $n - $1"; failures=$((failures + 1)); }
contains () { # contains DESCRIPTION FILE TEXT
  if grep -qF -- "$3" "$2"; then ok "$1"; else fail "$1: “$3” not in output"; sed 's/^/# /' "$2" | head -30; fi
}
lacks () { # lacks DESCRIPTION FILE TEXT
  if grep -qF -- "$3" "$2"; then fail "$1: “$3” is in the output"; grep -F -- "$3" "$2" | head -5 | sed 's/^/# /'; else ok "$1"; fi
}
run () { # run LANG OUTPUT ARGS... — stdout and stderr into OUTPUT, status into $status
  lang=$1; out=$2; shift 2
  LC_ALL=C.UTF-8 LANGUAGE=$lang "$CLI" "$@" > "$out" 2>&1
  status=$?
}

for lang in pl de; do
  if [ ! -f "$TRACKFIX_LOCALEDIR/$lang/LC_MESSAGES/trackfix.mo" ]; then
    echo "1..0 # SKIP $TRACKFIX_LOCALEDIR/$lang/LC_MESSAGES/trackfix.mo not built"
    exit 0
  fi
done
if [ ! -d "$DEMO" ] || [ ! -f "$SAMPLE" ]; then
  echo "1..0 # SKIP no demo data in $DEMO"
  exit 0
fi

# The English run is the control and gives the counts for the plurals
run C "$T/en.txt" scan "$DEMO"
en_status=$status
contains "English without LANGUAGE: kinds" "$T/en.txt" "[Meeting request]"
summary=$(tail -n 1 "$T/en.txt")
n_files=$(echo "$summary" | sed -n 's/^\([0-9]*\) files\{0,1\}, .*/\1/p')
n_items=$(echo "$summary" | sed -n 's/^[0-9]* files\{0,1\}, \([0-9]*\) items\{0,1\}:.*/\1/p')
if [ -n "$n_files" ] && [ -n "$n_items" ]; then ok "English summary line: $summary"; else fail "English summary line: $summary"; fi

# Polish plural: 1 / 2-4 but not 12-14 / rest (the Plural-Forms of pl.po)
pl_form () { # pl_form N ONE FEW MANY
  if [ "$1" -eq 1 ]; then echo "$2"
  elif [ $(($1 % 10)) -ge 2 ] && [ $(($1 % 10)) -le 4 ] && { [ $(($1 % 100)) -lt 10 ] || [ $(($1 % 100)) -ge 20 ]; }; then echo "$3"
  else echo "$4"; fi
}
de_form () { if [ "$1" -eq 1 ]; then echo "$2"; else echo "$3"; fi; }

# --- Polish
run pl "$T/pl.txt" scan "$DEMO"
if [ "$status" = "$en_status" ]; then ok "pl: same exit status ($status)"; else fail "pl: exit $status, English $en_status"; fi
contains "pl: kind “Wezwanie na spotkanie” (meeting request)" "$T/pl.txt" "[Wezwanie na spotkanie]"
contains "pl: kind “Raport o niedostarczeniu” (NDR)" "$T/pl.txt" "[Raport o niedostarczeniu]"
contains "pl: response “Zaakceptowano”" "$T/pl.txt" "Zaakceptowano"
contains "pl: role “Wymagany”" "$T/pl.txt" "Wymagany"
contains "pl: severity “Błąd”" "$T/pl.txt" "Błąd "
contains "pl: detail with “kolejce ponownych prób” (retry queue)" "$T/pl.txt" "pozostaje ona w kolejce ponownych prób"
contains "pl: detail with “wiadomości o aktualizacji lub anulowaniu spotkania”" "$T/pl.txt" "wiadomości o aktualizacji lub anulowaniu spotkania"
contains "pl: detail with “raport o niedostarczeniu”" "$T/pl.txt" "raport o niedostarczeniu z kodem 4.4.7"
contains "pl: finding code untranslated" "$T/pl.txt" "TRACK_TIME_1601"
contains "pl: MAPI name untranslated" "$T/pl.txt" "PR_RECIPIENT_TRACKSTATUS_TIME to 1601-01-01 00:00:00"
contains "pl: ISO 8601 times kept" "$T/pl.txt" "1601-01-01T00:00:00Z  0x0000000000000000"
want="$n_files $(pl_form "$n_files" plik pliki plików), $n_items $(pl_form "$n_items" element elementy elementów):"
contains "pl: summary plural forms ($want)" "$T/pl.txt" "$want"
lacks "pl: no English kind left" "$T/pl.txt" "[Meeting request]"
lacks "pl: no English detail left" "$T/pl.txt" "cannot convert"
lacks "pl: no English severity left" "$T/pl.txt" "    Warning  "

run pl "$T/pl-show.txt" show "$SAMPLE"
contains "pl show: recipient heading" "$T/pl-show.txt" "Adresat 1 z "
contains "pl show: track-status time field" "$T/pl-show.txt" "Czas stanu śledzenia:"
contains "pl show: message class field" "$T/pl-show.txt" "Klasa wiadomości:"
contains "pl show: findings heading" "$T/pl-show.txt" "Wykryte problemy:"

run pl "$T/pl-help.txt" --help
contains "pl help: usage" "$T/pl-help.txt" "Użycie:"
contains "pl help: command summary" "$T/pl-help.txt" "Odczytuje pliki i foldery"
run pl "$T/pl-scan-help.txt" scan --help
contains "pl scan --help: description" "$T/pl-scan-help.txt" "Kod wyjścia: 0 – brak problemów"
contains "pl scan --help: option text" "$T/pl-scan-help.txt" "Wypisuje jeden dokument JSON zamiast tabeli"
contains "pl scan --help: option argument" "$T/pl-scan-help.txt" "ŚCIEŻKA…"

# --- German
run de "$T/de.txt" scan "$DEMO"
if [ "$status" = "$en_status" ]; then ok "de: same exit status ($status)"; else fail "de: exit $status, English $en_status"; fi
contains "de: kind “Besprechungsanfrage”" "$T/de.txt" "[Besprechungsanfrage]"
contains "de: kind “Unzustellbarkeitsbericht”" "$T/de.txt" "[Unzustellbarkeitsbericht]"
contains "de: response “Zugesagt”" "$T/de.txt" "Zugesagt"
contains "de: detail with “Wiederholungswarteschlange”" "$T/de.txt" "in der Wiederholungswarteschlange"
contains "de: finding code untranslated" "$T/de.txt" "TRACK_TIME_1601"
contains "de: MAPI name untranslated" "$T/de.txt" "PR_RECIPIENT_TRACKSTATUS_TIME ist 1601-01-01 00:00:00"
want="$n_files $(de_form "$n_files" Datei Dateien), $n_items $(de_form "$n_items" Element Elemente):"
contains "de: summary plural forms ($want)" "$T/de.txt" "$want"
lacks "de: no English kind left" "$T/de.txt" "[Meeting request]"
lacks "de: no English detail left" "$T/de.txt" "cannot convert"

run de "$T/de-show.txt" show "$SAMPLE"
contains "de show: track-status time field" "$T/de-show.txt" "Verlaufsstatuszeit:"
run de "$T/de-flag-help.txt" flag --help
contains "de flag --help: Information Store term" "$T/de-flag-help.txt" "Informationsspeicher"

# Columns stay aligned with longer translated labels: every recipient row
# of an item starts its name in the same column
python3 - "$T/pl.txt" <<'PY' && ok "pl: table columns aligned" || fail "pl: table columns aligned"
import sys, re
# Recipient rows: "    ROLE  NAME  STATUS  TIME"; finding rows have a CODE second
row = re.compile(r"^    (\S+(?: \S+)*)( {2,})(\S+)")
bad = []
block = []
def check(block):
    if len({start for start, _ in block}) > 1:
        bad.append([l for _, l in block])
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    m = row.match(line)
    if not line.startswith("    "):
        check(block)
        block = []
    elif m and not re.fullmatch(r"[A-Z0-9_]{4,}", m.group(3)):
        block.append((m.end(2), line))
check(block)
for b in bad[:3]:
    print("\n".join("# " + l for l in b))
sys.exit(1 if bad else 0)
PY

echo "1..$n"
[ $failures -eq 0 ]
