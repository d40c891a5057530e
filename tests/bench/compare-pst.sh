#!/bin/bash
# compare-pst.sh — `scan --json` and `show --json` of every PST must not
# change when the reader is made faster
#
#   BASE_CLI=/path/to/other/trackfix-cli tests/bench/compare-pst.sh [BUILD_DIR] [EXTRA_FILE…]
#
# Runs this build's trackfix-cli and BASE_CLI (e.g. one built from main)
# on every file `trackfix-gen pst-cases` writes, every PST/OST of
# ../shared/corpus/pst and each EXTRA_FILE (e.g. the bench file of
# bench-pst.sh): `scan --json` of the file, and `show --json` of its first,
# middle and last item (embedded ones included). Prints one line per
# difference and exits 1 if there was any.
#
# Copyright 2026 The Trackfix authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
BUILD=${1:-${TRACKFIX_BUILD_ROOT:-$SRC/_build}}
shift || true
CLI="$BUILD/src/cli/trackfix-cli"
GEN="$BUILD/tests/trackfix-gen"
BASE_CLI=${BASE_CLI:?set BASE_CLI to the trackfix-cli to compare with}
CORPUS="$SRC/../shared/corpus/pst"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/trackfix-compare-pst-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

"$GEN" pst-cases "$WORK/cases" > /dev/null
files=("$WORK"/cases/*)
if [ -d "$CORPUS" ]; then
  files+=("$CORPUS"/*.pst "$CORPUS"/*.ost)
fi
files+=("$@")

n_files=0
n_diff=0
n_show=0
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  n_files=$((n_files + 1))
  "$CLI" scan --json "$f" > "$WORK/new" 2> "$WORK/new.err" || true
  "$BASE_CLI" scan --json "$f" > "$WORK/old" 2> "$WORK/old.err" || true
  if ! cmp -s "$WORK/new" "$WORK/old" || ! cmp -s "$WORK/new.err" "$WORK/old.err"; then
    echo "DIFFERENT scan --json: $f"
    n_diff=$((n_diff + 1))
  fi
  # show --json of the first, middle and last item path
  mapfile -t paths < <(grep -o '"path":"[^"]*#0x[0-9A-F/x]*"' "$WORK/old" | sed 's/^"path":"//; s/"$//')
  count=${#paths[@]}
  if [ "$count" -gt 0 ]; then
    for i in 0 $((count / 2)) $((count - 1)); do
      p=${paths[$i]}
      "$CLI" show --json "$p" > "$WORK/new" 2> "$WORK/new.err" || true
      "$BASE_CLI" show --json "$p" > "$WORK/old" 2> "$WORK/old.err" || true
      n_show=$((n_show + 1))
      if ! cmp -s "$WORK/new" "$WORK/old" || ! cmp -s "$WORK/new.err" "$WORK/old.err"; then
        echo "DIFFERENT show --json: $p"
        n_diff=$((n_diff + 1))
      fi
    done
  fi
done

echo "compare-pst: $n_files files, $n_show show runs, $n_diff differences"
[ "$n_diff" -eq 0 ]
