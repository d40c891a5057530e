#!/bin/sh
# bench-repair-pst.sh — in-place repair and undo of a large PST
#
#   tests/bench/bench-repair-pst.sh [BUILD_DIR] [RUNS] [SIZE]
#
# Writes the benchmark PST with trackfix-gen pst-bench (Unicode, PERMUTE,
# SIZE bytes, default 1G, 20,000 messages, every 200th with a 1601 row:
# 100 bad rows), warms the page cache, then RUNS times (default 3):
#   - trackfix-cli scan --json (what the repair command does first),
#   - trackfix-cli repair with a fresh journal: wall, user+sys CPU, peak
#     RSS, the in-place phases (G_MESSAGES_DEBUG) and the journal's size,
#   - trackfix-cli undo of that run (restores the 1,200 bytes from the
#     journal; the file is checked against its original SHA-256 at the end).
# Goal (issue 14): repair of the 100 rows ≤ 1 s plus fsync, journal < 1 MB.
# Figures, never asserts. Needs SIZE of free space in TMPDIR (or set PST=
# to an existing pst-bench file, which is left as it was found).
#
# Copyright 2026 The Trackfix authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -eu

BUILD=${1:-_build}
RUNS=${2:-3}
SIZE=${3:-1G}
CLI="$BUILD/src/cli/trackfix-cli"
GEN="$BUILD/tests/trackfix-gen"
TIME=/usr/bin/time

for t in "$CLI" "$GEN" "$TIME"; do
  [ -x "$t" ] || { echo "bench-repair-pst: $t missing (build first; /usr/bin/time: package time)" >&2; exit 2; }
done

W=$(mktemp -d "${TMPDIR:-/tmp}/trackfix-bench-repair-pst-XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM

if [ -n "${PST:-}" ]; then
  F=$PST
else
  F="$W/bench.pst"
  echo "# writing $SIZE benchmark PST" >&2
  "$GEN" pst-bench "$F" --size "$SIZE" > /dev/null
fi
SHA=$(sha256sum "$F" | cut -d' ' -f1)
cat "$F" > /dev/null

echo "file: $(stat -c %s "$F") bytes; $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-8s %10s %10s %10s %10s\n' run step wall_s user_s sys_s rss_kb
i=1
while [ "$i" -le "$RUNS" ]; do
  J="$W/journal-$i.jsonl"
  # scan exits 1 (findings): not an error here; time(1) then adds a line
  $TIME -f "%e %U %S %M" -o "$W/t" "$CLI" scan --json "$F" > /dev/null || true
  set -- $(tail -n 1 "$W/t"); printf '%-6s %-8s %10s %10s %10s %10s\n' "$i" scan "$1" "$2" "$3" "$4"
  G_MESSAGES_DEBUG=all $TIME -f "%e %U %S %M" -o "$W/t" "$CLI" repair --journal "$J" "$F" > "$W/repair.log" 2>&1 || true
  set -- $(tail -n 1 "$W/t"); printf '%-6s %-8s %10s %10s %10s %10s\n' "$i" repair "$1" "$2" "$3" "$4"
  grep -o -e 'repair phases: .*' -e 'in-place .*' "$W/repair.log" | sed 's/^/         /'
  # GLib prints debug messages on stdout, with the text report
  echo "         journal: $(stat -c %s "$J") bytes, $(grep -o '"offset"' "$J" | wc -l) ranges; $(grep -c 'PR_RECIPIENT_TRACKSTATUS_TIME.*→' "$W/repair.log") rows planned; $(grep -o 'Repaired [0-9]* of [0-9]* file' "$W/repair.log")"
  $TIME -f "%e %U %S %M" -o "$W/t" "$CLI" undo --journal "$J" --all > /dev/null || true
  set -- $(tail -n 1 "$W/t"); printf '%-6s %-8s %10s %10s %10s %10s\n' "$i" undo "$1" "$2" "$3" "$4"
  i=$((i + 1))
done
if [ "$(sha256sum "$F" | cut -d' ' -f1)" = "$SHA" ]; then
  echo "after undo: SHA-256 of the original"
else
  echo "after undo: SHA-256 DIFFERS from the original" >&2
  exit 1
fi
