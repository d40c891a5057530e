#!/usr/bin/env bash
# tests/bench/bench-compare.sh — trackfix-cli scan against the alternatives
#
# Copyright 2026 The Trackfix authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/bench/bench-compare.sh [BUILD_DIR] [N…]
#
#   BUILD_DIR  a build with trackfix-cli and trackfix-gen (default _build-bench,
#              set up as a release build if missing)
#   N          queue sizes (default: 10000 100000)
#
# For each N, generates a realistic queue with `trackfix-gen queue DIR N 7`
# (TNEF updates, iCalendar replies, DSNs, .msg items; about one in ten
# affected), warms the page cache, then runs in the same session:
#
#   cat          every file to /dev/null — the I/O floor
#   trackfix     trackfix-cli scan --json (default worker pool)
#   trackfix -j1 trackfix-cli scan --json --jobs 1 (one worker)
#   python       tests/bench/scanner.py, the stdlib-only scanner an admin
#                would write instead (same detections)
#
# and prints a table: wall seconds, CPU seconds, items/s, MB/s, peak RSS,
# and the ratios the issue sets as goals (trackfix ≤ 2× cat, ≥ 20× python,
# ≤ 150 MB peak RSS at 100,000 items). Kept out of the test suite.
# KEEP=1 keeps the generated queues in $TMPDIR for the next run.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

build=${1:-_build-bench}
shift || true
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(10000 100000)

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" -Dgui=disabled -Dbuildtype=release >/dev/null
fi
ninja -C "$build" src/cli/trackfix-cli tests/trackfix-gen >/dev/null
cli=$root/$build/src/cli/trackfix-cli
gen=$root/$build/tests/trackfix-gen
case $build in /*) cli=$build/src/cli/trackfix-cli gen=$build/tests/trackfix-gen ;; esac
python=$(command -v python3)
[ -x /usr/bin/time ] || { echo "bench-compare.sh: needs /usr/bin/time (package time)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/trackfix-bench-compare-XXXXXX")
trap 'rm -rf "$work"' EXIT

# run NAME ITEMS_CMD CMD… — times CMD, prints "wall cpu rss_mb"
measure() {
  local rc=0
  /usr/bin/time -v -o "$work/time.txt" "$@" >"$work/out" 2>"$work/err" || rc=$?
  # trackfix-cli exits 1 when it reports findings
  if [ $rc -gt 1 ]; then
    echo "bench-compare.sh: $* failed ($rc):" >&2
    tail -5 "$work/err" >&2
    return 1
  fi
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split ($2, t, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + t[i] }
    /User time|System time/ { c += $2 }
    /Maximum resident set size/ { r = $2 / 1024 }
    END { printf "%.2f %.2f %.1f\n", w, c, r }' "$work/time.txt"
}

table=$work/table
printf '%-8s %-14s %8s %8s %9s %10s %8s %9s\n' N tool wall_s cpu_s items items/s MB/s rss_MB >"$table"
summary=$work/summary
: >"$summary"
: >"$work/parity"

for n in "${sizes[@]}"; do
  dir=${TMPDIR:-/tmp}/trackfix-bench-compare-queue-$n
  if [ ! -f "$dir.complete" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    "$gen" queue "$dir" "$n" 7 >/dev/null
    touch "$dir.complete"
  fi
  files=$(find "$dir" -type f | wc -l)
  bytes=$(find "$dir" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
  mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
  # warm the page cache so every tool reads from memory
  find "$dir" -type f -exec cat {} + >/dev/null

  declare -A wall=()
  row() {
    local tool=$1 items=$2 w=$3 c=$4 r=$5
    wall[$tool]=$w
    awk -v n="$n" -v t="$tool" -v w="$w" -v c="$c" -v i="$items" -v b="$bytes" -v r="$r" 'BEGIN {
      if (w <= 0) w = 0.01
      printf "%-8s %-14s %8.2f %8.2f %9d %10.0f %8.1f %9.1f\n", n, t, w, c, i, i / w, b / 1048576 / w, r }' >>"$table"
  }

  read -r w c r < <(measure sh -c "find '$dir' -type f -exec cat {} + >/dev/null")
  row cat "$files" "$w" "$c" "$r"

  read -r w c r < <(measure "$cli" scan --json "$dir")
  items=$(grep -c '"path"' "$work/out" || true)
  cp "$work/out" "$work/trackfix.json"
  row trackfix "$items" "$w" "$c" "$r"
  rss_trackfix=$r

  read -r w c r < <(measure "$cli" scan --json --jobs 1 "$dir")
  row "trackfix -j1" "$(grep -c '"path"' "$work/out" || true)" "$w" "$c" "$r"

  read -r w c r < <(measure "$python" "$root/tests/bench/scanner.py" "$dir")
  row python "$(wc -l <"$work/out")" "$w" "$c" "$r"
  # Same detections? Findings per code, both tools.
  "$python" - "$work/trackfix.json" "$work/out" "$n" >>"$work/parity" <<'PY'
import collections, json, sys
tf = json.load(open(sys.argv[1]))["summary"]["findings"]
py = collections.Counter()
for line in open(sys.argv[2]):
    for f in json.loads(line)["findings"]:
        py[f["code"]] += 1
codes = [c for c in tf if tf[c] or py[c]]
print("N=%s findings  trackfix: %s" % (sys.argv[3], ", ".join("%s %d" % (c, tf[c]) for c in codes)))
print("N=%s findings  python:   %s" % (sys.argv[3], ", ".join("%s %d" % (c, py[c]) for c in codes)))
PY

  awk -v n="$n" -v f="$files" -v mb="$mb" -v t="${wall[trackfix]}" -v c="${wall[cat]}" \
    -v p="${wall[python]}" -v r="$rss_trackfix" 'BEGIN {
    printf "N=%d (%d files, %s MB): trackfix/cat = %.2f× (goal ≤ 2), python/trackfix = %.1f× (goal ≥ 20), peak RSS %.1f MB (goal ≤ 150)\n",
      n, f, mb, t / (c > 0 ? c : 0.01), p / (t > 0 ? t : 0.01), r }' >>"$summary"
  unset wall
  [ "${KEEP:-0}" = 1 ] || rm -rf "$dir" "$dir.complete"
done

echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$table"
cat "$summary"
cat "$work/parity"
