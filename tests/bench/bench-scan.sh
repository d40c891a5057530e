#!/bin/sh
# bench-scan.sh — how fast `trackfix-cli scan` reads a big queue folder
#
#   tests/bench/bench-scan.sh [N] [BUILD_DIR]
#
# Generates N queue files (default 10000) with trackfix-gen, then times
# `cat` over them (the floor: reading the bytes) and `trackfix-cli scan`
# (JSON, table, one worker) with /usr/bin/time -v, and prints items/s, MB/s
# and peak RSS. Figures, never asserts: speed goals live here, not in tests.
# Set KEEP=1 to keep the generated folder (reused by the next run with the
# same N).
#
# Copyright 2026 The Trackfix authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -eu

N=${1:-10000}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
BUILD=${2:-${TRACKFIX_BUILD_ROOT:-$SRC/_build}}
CLI="$BUILD/src/cli/trackfix-cli"
GEN="$BUILD/tests/trackfix-gen"
SEED=2008

for tool in "$CLI" "$GEN"; do
  if [ ! -x "$tool" ]; then
    echo "bench-scan: $tool not built (ninja -C $BUILD)" >&2
    exit 2
  fi
done
if [ ! -x /usr/bin/time ]; then
  "$SRC/tools/deps"
fi

DIR="${TMPDIR:-/tmp}/trackfix-bench-queue-$N-$SEED"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/trackfix-bench-XXXXXX")
cleanup () {
  rm -rf "$WORK"
  if [ "${KEEP:-0}" != 1 ]; then rm -rf "$DIR" "$DIR.complete"; fi
}
trap cleanup EXIT INT TERM

if [ ! -f "$DIR.complete" ]; then
  rm -rf "$DIR"
  start=$(date +%s.%N)
  "$GEN" queue "$DIR" "$N" "$SEED"
  end=$(date +%s.%N)
  touch "$DIR.complete"
  echo "generated $N files in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
fi

FILES=$(find "$DIR" -type f | wc -l)
BYTES=$(find "$DIR" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%d", s }')
CPUS=$(nproc)

# Warm the page cache so every run reads from memory.
find "$DIR" -type f -exec cat {} + > /dev/null

# run NAME ITEMS_FROM COMMAND... — ITEMS_FROM is "files" or "json"
results="$WORK/results"
: > "$results"
run () {
  name=$1; items_from=$2; shift 2
  /usr/bin/time -v -o "$WORK/time.txt" "$@" > "$WORK/out" 2> "$WORK/err" || true
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split ($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$WORK/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$WORK/time.txt")
  cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$WORK/time.txt")
  if [ "$items_from" = json ]; then
    items=$(tail -c 4096 "$WORK/out" | python3 -c 'import sys, re; print (re.search (r"\"items\":\s*(\d+)", sys.stdin.read ().split ("\"summary\"")[-1]).group (1))')
  else
    items=$FILES
  fi
  awk -v name="$name" -v wall="$wall" -v cpu="$cpu" -v items="$items" -v bytes="$BYTES" -v rss="$rss" \
    'BEGIN { if (wall <= 0) wall = 0.01;
             printf "| %-28s | %8.2f | %8.2f | %8d | %10.0f | %8.1f | %11s |\n",
                    name, wall, cpu, items, items / wall, bytes / 1048576 / wall, rss }' >> "$results"
}

run "cat (reading the bytes)" files sh -c "find '$DIR' -type f -exec cat {} + > /dev/null"
run "scan --json" json "$CLI" scan --json "$DIR"
run "scan (table)" files "$CLI" scan "$DIR"
run "scan --json --jobs 1" json "$CLI" scan --json --jobs 1 "$DIR"

echo
echo "trackfix-cli scan: $FILES files, $(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1048576 }') MB, $CPUS CPUs, $(uname -m)"
echo
echo "| run                          | wall s   | cpu s    | items    | items/s    | MB/s     | peak RSS MB |"
echo "|------------------------------|----------|----------|----------|------------|----------|-------------|"
cat "$results"
