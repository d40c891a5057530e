#!/bin/sh
# test-crash-safety.sh — kill a bulk `trackfix-cli repair` with SIGKILL at
# random moments, many times, and check after every kill that each file is
# either its original or its verified repaired form (by SHA-256), that only
# Trackfix temp files are left over, and at the end that the journal lets
# undo restore every original byte for byte.
#
# TRACKFIX_CRASH_KILLS (default 30; the `long` test setup sets 200) is how
# many runs must die by SIGKILL before they finish (runs that finish before
# their kill are checked too, and do not count; at most three times as many
# runs are started); TRACKFIX_CRASH_FILES (default 200) sizes the folder.
# TRACKFIX_CRASH_ITERATIONS is the older name of TRACKFIX_CRASH_KILLS.
#
# Copyright 2026 The Trackfix authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u

CLI="${TRACKFIX_BUILD_ROOT:?}/src/cli/trackfix-cli"
GEN="${TRACKFIX_BUILD_ROOT:?}/tests/trackfix-gen"
KILLS="${TRACKFIX_CRASH_KILLS:-${TRACKFIX_CRASH_ITERATIONS:-30}}"
FILES="${TRACKFIX_CRASH_FILES:-200}"

T=$(mktemp -d "${TMPDIR:-/tmp}/trackfix-crash-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT INT TERM

. "${TRACKFIX_SOURCE_ROOT:?}/tests/sh/tap.sh"

# --- The folder: affected TNEF / .msg / MIME / REPLY files plus healthy ones
W="$T/work"
mkdir -p "$W/queue" "$W/calendar" "$W/replies" "$W/attach"
samples="eml-tnef-1601 eml-tnef-cancel-1601 msg-1601 msg-pre1900 tnef-1601 eml-ics-reply-missing-cc eml-tnef-healthy msg-healthy"
mkdir -p "$T/samples"
for s in $samples; do
  "$GEN" sample "$s" "$T/samples/$s" || { echo "Bail out! trackfix-gen failed"; exit 1; }
done
# Each sample is generated once and copied (cheaper than running the
# generator per file): the list cycles until there are $FILES files.
i=0
while [ $i -lt "$FILES" ]; do
  for s in $samples; do
    [ $i -ge "$FILES" ] && break
    case $s in
      msg-*) f="calendar/item-$i.msg" ;;
      tnef-*) f="attach/winmail-$i.dat" ;;
      eml-ics-*) f="replies/reply-$i.eml" ;;
      *) f="queue/NTFS_$i.EML" ;;
    esac
    echo "$s $f"
    i=$((i + 1))
  done
done > "$T/layout"
while read -r s f; do cat "$T/samples/$s" > "$W/$f"; done < "$T/layout"

sums () { (cd "$1" && find . -type f ! -name '.trackfix-tmp-*' -print0 | sort -z | xargs -0 sha256sum); }

# --- Reference: the original and the repaired form of every file -------------
cp -a "$W" "$T/ref"
sums "$W" > "$T/orig.sha"
start=$(date +%s%N)
"$CLI" repair --journal "$T/ref-state/j.jsonl" --backup-dir "$T/ref-state/b" "$T/ref" > "$T/ref.log" 2>&1
st=$?
end=$(date +%s%N)
if [ $st = 0 ]; then ok "reference repair of $FILES files"; else fail "reference repair (exit $st)"; tail "$T/ref.log"; fi
sums "$T/ref" > "$T/repaired.sha"
duration_ms=$(( (end - start) / 1000000 ))
[ "$duration_ms" -lt 20 ] && duration_ms=20
echo "# one full repair takes ${duration_ms} ms"

changed=$(join -j 2 -o 1.1,2.1 "$T/orig.sha" "$T/repaired.sha" 2>/dev/null | awk '$1 != $2' | wc -l)
[ "$changed" -gt 0 ] && ok "$changed files differ once repaired" || fail "the reference repair changed nothing"

# sha256 per name: original and repaired
awk '{ print $2, $1 }' "$T/orig.sha" | sort > "$T/orig.map"
awk '{ print $2, $1 }' "$T/repaired.sha" | sort > "$T/rep.map"
join "$T/orig.map" "$T/rep.map" > "$T/both.map"

check_state () { # check_state LABEL — every file original or repaired; only our temps extra
  sums "$W" | awk '{ print $2, $1 }' | sort > "$T/now.map"
  bad=$(join -a 1 "$T/now.map" "$T/both.map" | awk 'NF != 4 || ($2 != $3 && $2 != $4)' | head -5)
  if [ -n "$bad" ]; then
    fail "$1: a file is neither original nor repaired"
    echo "$bad" | sed 's/^/# /'
    return
  fi
  missing=$(join -v 2 "$T/now.map" "$T/both.map" | head -3)
  if [ -n "$missing" ]; then fail "$1: files disappeared"; echo "$missing" | sed 's/^/# /'; return; fi
  stray=$(find "$W" -type f -name '.*' ! -name '.trackfix-tmp-*' | head -3)
  if [ -n "$stray" ]; then fail "$1: unexpected leftovers"; echo "$stray" | sed 's/^/# /'; return; fi
  ok "$1: every file is original or repaired"
}

# --- Kill it, again and again ----------------------------------------------
# Every iteration starts a bulk repair of the whole folder, kills it at a
# random moment, checks every file, then undoes everything the journal
# holds so the next iteration again kills a full run; until $KILLS runs
# were killed mid-way.
J="$T/state/journal.jsonl"
B="$T/state/backups"
it=1
kills=0
while [ $kills -lt "$KILLS" ] && [ $it -le $((KILLS * 3)) ]; do
  "$CLI" repair --journal "$J" --backup-dir "$B" "$W" > /dev/null 2>&1 &
  pid=$!
  r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
  delay_ms=$(( r * duration_ms / 65536 ))
  sleep "$(awk -v ms="$delay_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
  kill -KILL "$pid" 2>/dev/null
  # 128 + SIGKILL: it died by the kill, not after finishing (a finished
  # but not yet reaped run would accept the kill too).
  if wait "$pid" 2>/dev/null; [ $? = 137 ]; then
    kills=$((kills + 1))
  elif [ "$duration_ms" -gt 20 ]; then
    # It finished first: runs are quicker than the reference one (warm
    # caches), so aim the next kills earlier.
    duration_ms=$((duration_ms * 9 / 10))
  fi
  check_state "kill $it at ${delay_ms} ms"
  if [ -f "$J" ]; then
    # The killed run is the newest in the journal (or it wrote nothing, and
    # the newest run was already undone: then undo only skips).
    run=$(tail -n 1 "$J" | sed -n 's/.*"run_id":"\([^"]*\)".*/\1/p')
    if [ -n "$run" ]; then sel="--run $run"; else sel="--all"; fi
    # shellcheck disable=SC2086
    "$CLI" undo --journal "$J" $sel > "$T/undo-$it.log" 2>&1
    st=$?
    sums "$W" | awk '{ print $2, $1 }' | sort > "$T/now.map"
    if [ $st = 0 ] && cmp -s "$T/now.map" "$T/orig.map"; then ok "kill $it: undo restored every original"
    else
      fail "kill $it: undo (exit $st, $sel) did not restore every original"
      grep -v "^restored\|^skipped" "$T/undo-$it.log" | head -5 | sed 's/^/# /'
      # What a flake needs to be understood: the files that differ, the
      # journal's shape and its last bytes (seen once, under heavy load)
      join "$T/now.map" "$T/orig.map" | awk '$2 != $3 { print "differs: " $1 }' | head -3 | sed 's/^/# /'
      echo "# journal: $(wc -l < "$J") lines, $(wc -c < "$J") bytes, $(grep -c '"action":"repair"' "$J") repair entries"
      tail -c 160 "$J" | od -c | tail -n 4 | sed 's/^/# /'
    fi
  fi
  it=$((it + 1))
done
runs=$((it - 1))
[ $kills -ge "$KILLS" ] && ok "$kills of $runs runs were killed mid-way" || fail "only $kills of $runs runs were killed mid-way (wanted $KILLS)"

temps=$(find "$W" -name '.trackfix-tmp-*' | wc -l)
echo "# $temps Trackfix temp files left by the kills"

# --- Finish, then undo everything ---------------------------------------------
"$CLI" repair --journal "$J" --backup-dir "$B" "$W" > "$T/final.log" 2>&1
st=$?
[ $st = 0 ] && ok "a final run completes the repair (temp files ignored)" || { fail "final repair (exit $st)"; tail "$T/final.log" | sed 's/^/# /'; }
sums "$W" | awk '{ print $2, $1 }' | sort > "$T/final.map"
if cmp -s "$T/final.map" "$T/rep.map"; then ok "every file is in its verified repaired form"; else fail "final state differs from the reference"; diff "$T/final.map" "$T/rep.map" | head -5 | sed 's/^/# /'; fi

"$CLI" undo --journal "$J" --all > "$T/undo.log" 2>&1
st=$?
[ $st = 0 ] && ok "undo --all over every run" || { fail "undo --all (exit $st)"; grep -v "^restored\|^skipped" "$T/undo.log" | head | sed 's/^/# /'; }
sums "$W" | awk '{ print $2, $1 }' | sort > "$T/undone.map"
if cmp -s "$T/undone.map" "$T/orig.map"; then ok "undo restored every original byte for byte"; else fail "originals not restored"; diff "$T/undone.map" "$T/orig.map" | head -5 | sed 's/^/# /'; fi

find "$W" -name '.trackfix-tmp-*' -delete
echo "1..$n"
[ $failures = 0 ]
