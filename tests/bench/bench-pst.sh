#!/bin/bash
# bench-pst.sh — `trackfix-cli scan` of a big PST against `cat` and pffexport
#
#   tests/bench/bench-pst.sh [SIZE] [MESSAGES] [BUILD_DIR]
#
# Generates a Unicode PST (NDB_CRYPT_PERMUTE) of SIZE (default 1G) with
# MESSAGES messages (default 20000) with `trackfix-gen pst-bench`: most of
# its bytes are attachment payloads, every 200th message has a 1601 row,
# one in three an absent 0x5FFB cell. The file is kept in
# ${TMPDIR:-/tmp}/trackfix-bench-pst-SIZE-MESSAGES.pst for the next run.
# With the page cache warm, it then runs RUNS rounds (default 5) of
#   cat FILE > /dev/null                    the floor: reading every byte
#   trackfix-cli scan --json FILE           this build
#   $BASE_CLI scan --json FILE              another build, when BASE_CLI is set
#                                           (e.g. one built from an older commit)
# one after the other, so load from other processes hits all alike, and
# prints the median wall time, CPU time (user + sys), peak RSS and the
# ratio to `cat`. Both scans must print identical JSON. PFF=1 also times
# `pffexport -d` once (it writes every item and attachment to a temp
# folder; minutes on a 1 GB file) and says how many times faster the scan
# is. STRACE=1 counts the scan's pread calls
# and times them replayed alone (pread-floor.c): the floor of those reads
# (and, with liburing-dev installed, the same reads batched through
# io_uring: what fewer system calls could save).
# Figures, never asserts: speed goals live here, not in tests.
#
# Copyright 2026 The Trackfix authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -eu

SIZE=${1:-1G}
N=${2:-20000}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
BUILD=${3:-${TRACKFIX_BUILD_ROOT:-$SRC/_build}}
CLI="$BUILD/src/cli/trackfix-cli"
GEN="$BUILD/tests/trackfix-gen"
RUNS=${RUNS:-5}
BASE_CLI=${BASE_CLI:-}

for tool in "$CLI" "$GEN" ${BASE_CLI:+"$BASE_CLI"}; do
  if [ ! -x "$tool" ]; then
    echo "bench-pst: $tool not built (ninja -C $BUILD)" >&2
    exit 2
  fi
done
if [ ! -x /usr/bin/time ]; then
  "$SRC/tools/deps"
fi

FILE="${TMPDIR:-/tmp}/trackfix-bench-pst-$SIZE-$N.pst"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/trackfix-bench-pst-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

if [ ! -f "$FILE" ]; then
  echo "generating $FILE ($SIZE, $N messages)…" >&2
  "$GEN" pst-bench "$FILE.tmp" --size "$SIZE" --messages "$N"
  mv "$FILE.tmp" "$FILE"
fi
BYTES=$(stat -c %s "$FILE")
cat "$FILE" > /dev/null
cat "$FILE" > /dev/null

# One timed run: appends "wall cpu rss_kb" to $WORK/NAME; the output goes
# to OUT. The last line of time's report holds the figures (a scan that
# finds problems exits 1, and time says so on a line of its own).
timed () {
  local name=$1 out=$2
  shift 2
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" "$@" > "$out" 2> /dev/null || true
  tail -n 1 "$WORK/time" | awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' >> "$WORK/$name"
}

for round in $(seq "$RUNS"); do
  timed cat /dev/null cat "$FILE"
  timed scan "$WORK/scan.out" "$CLI" scan --json "$FILE"
  if [ -n "$BASE_CLI" ]; then
    timed base "$WORK/base.out" "$BASE_CLI" scan --json "$FILE"
  fi
done

# Median of column $2 of file $1
median () {
  sort -g -k "$2,$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { m = (NR + 1) / 2; print (NR % 2) ? v[m] : (v[m - 0.5] + v[m + 0.5]) / 2 }'
}

printf '%s: %s bytes, %s messages, %s rounds, load %s\n' "$FILE" "$BYTES" "$N" "$RUNS" "$(cut -d' ' -f1-3 /proc/loadavg)"
cat_wall=$(median "$WORK/cat" 1)
cat_cpu=$(median "$WORK/cat" 2)
printf '%-28s %9s %9s %9s %11s %11s\n' tool "wall s" "CPU s" "RSS MB" "wall/cat" "CPU/cat"
row () {
  local label=$1 name=$2 wall cpu rss
  wall=$(median "$WORK/$name" 1)
  cpu=$(median "$WORK/$name" 2)
  rss=$(median "$WORK/$name" 3)
  printf '%-28s %9s %9s %9.1f %11.2f %11.2f\n' "$label" "$wall" "$cpu" "$(echo "$rss / 1024" | bc -l)" \
    "$(echo "$wall / $cat_wall" | bc -l)" "$(echo "$cpu / ($cat_cpu + 0.005)" | bc -l)"
}
row cat cat
row "scan --json" scan
if [ -n "$BASE_CLI" ]; then
  row "scan --json (BASE_CLI)" base
  if cmp -s "$WORK/scan.out" "$WORK/base.out"; then
    echo "both builds printed identical JSON"
  else
    echo "THE TWO BUILDS PRINTED DIFFERENT JSON" >&2
  fi
fi
printf '1601 findings: %s\n' "$(grep -o '"code":"TRACK_TIME_1601"' "$WORK/scan.out" | wc -l)"

if [ "${STRACE:-0}" = 1 ] && command -v strace > /dev/null; then
  strace -f -c -e trace=pread64 -o "$WORK/strace" "$CLI" scan --json "$FILE" > /dev/null || true
  printf 'scan pread calls: %s\n' "$(awk '$NF == "pread64" { print $4 }' "$WORK/strace")"
  # The floor of those reads: the same pread() calls replayed with no
  # parsing and no output (pread-floor.c), on one and on two threads
  strace -f -e trace=pread64 -o "$WORK/preads" "$CLI" scan --json "$FILE" > /dev/null || true
  sed -nE 's/.*pread64\([0-9]+, .*, ([0-9]+), ([0-9]+)\) *= [0-9]+$/\2 \1/p' "$WORK/preads" > "$WORK/reads"
  if cc -O2 -pthread -o "$WORK/pread-floor" "$HERE/pread-floor.c"; then
    for round in $(seq "$RUNS"); do
      timed floor1 "$WORK/floor.out" "$WORK/pread-floor" "$FILE" 1 < "$WORK/reads"
      timed floor2 "$WORK/floor.out" "$WORK/pread-floor" "$FILE" 2 < "$WORK/reads"
    done
    # With liburing: the same reads batched through io_uring, 64 in flight
    if [ -f /usr/include/liburing.h ] \
      && cc -O2 -pthread -DHAVE_LIBURING -o "$WORK/uring-floor" "$HERE/pread-floor.c" -luring; then
      for round in $(seq "$RUNS"); do
        timed uring "$WORK/floor.out" "$WORK/uring-floor" "$FILE" 1 64 < "$WORK/reads"
      done
    fi
    printf 'the scan reads %s (pread-floor.c replays them):\n' "$(cat "$WORK/floor.out")"
    row "its preads only, 1 thread" floor1
    row "its preads only, 2 threads" floor2
    if [ -s "$WORK/uring" ]; then
      row "its reads via io_uring" uring
    fi
  fi
fi

if [ "${PFF:-0}" = 1 ] && command -v pffexport > /dev/null; then
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" pffexport -q -d -t "$WORK/export" "$FILE" > /dev/null 2>&1 || true
  # Its row, then how many times faster the scan (median wall and CPU) is
  tail -n 1 "$WORK/time" | awk -v sw="$(median "$WORK/scan" 1)" -v sc="$(median "$WORK/scan" 2)" \
    '{ printf "%-28s %9s %9.2f %9.1f\nscan --json is %.0fx faster than pffexport -d in wall time, %.0fx in CPU\n",
       "pffexport -d", $1, $2 + $3, $4 / 1024, $1 / sw, ($2 + $3) / sc }'
fi
