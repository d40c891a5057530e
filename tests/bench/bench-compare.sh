#!/usr/bin/env bash
# tests/bench/bench-compare.sh — trackfix-cli scan against cat, a C floor and
# stdlib-Python scanners, per message shape and queue size (issue 17)
#
# Copyright 2026 The Trackfix authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/bench/bench-compare.sh [BUILD_DIR]
#
#   BUILD_DIR  a build with trackfix-cli and trackfix-gen (default _build-bench,
#              set up with the default buildtype, debugoptimized, if missing)
#
# Environment:
#   SHAPES   message shapes (default "flat nested tnef1m"; tests/bench/gen-shapes.py)
#   SIZES    queue sizes for flat and nested (default "1000 10000 100000")
#   TNEF_SIZES  queue sizes for tnef1m, 1.4 MB a file (default "1000")
#   RUNS     interleaved runs per tool, medians reported (default 5)
#   PY_RUNS  runs of the Python scanners (default RUNS)
#   SCANNER_PY=1  also run tests/bench/scanner.py (email.policy.default)
#   INSTR=1  also count instructions (callgrind) of both MIME paths on
#            the first 1,000 files of each shape
#   KEEP=1   keep the generated queues in $TMPDIR for the next run
#
# Tools, run in turn within each round so that load from other processes
# hits all of them alike:
#   cat        find … -exec cat {} + >/dev/null — the I/O floor users know
#   floor      tests/bench/floor.c: open + read + memchr, 2 threads
#   trackfix   trackfix-cli scan --json (default worker pool, one per CPU)
#   gmime      the same with TRACKFIX_MIME_PATH=gmime (GMime's full parser)
#   pyscan     ../shared/bench/pyscan.py (email, policy.compat32)
#   scanner.py tests/bench/scanner.py (email.policy.default), if SCANNER_PY=1
# Reported: median wall and CPU seconds, peak RSS, and the goals
# (trackfix ≤ 2× cat, ≥ 20× pyscan.py, ≤ 150 MB peak RSS).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

build=${1:-_build-bench}
shapes=(${SHAPES:-flat nested tnef1m})
sizes=(${SIZES:-1000 10000 100000})
tnef_sizes=(${TNEF_SIZES:-1000})
runs=${RUNS:-5}
py_runs=${PY_RUNS:-$runs}

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" -Dgui=disabled >/dev/null
fi
ninja -C "$build" src/cli/trackfix-cli tests/trackfix-gen >/dev/null
case $build in /*) ;; *) build=$root/$build ;; esac
cli=$build/src/cli/trackfix-cli
gen=$build/tests/trackfix-gen
python=$(command -v python3)
pyscan=$root/../shared/bench/pyscan.py
[ -x /usr/bin/time ] || { echo "bench-compare.sh: needs /usr/bin/time (package time)" >&2; exit 2; }
[ -f "$pyscan" ] || { echo "bench-compare.sh: $pyscan is missing" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/trackfix-bench-compare-XXXXXX")
trap 'rm -rf "$work"' EXIT
cc -O2 -pthread -o "$work/floor" tests/bench/floor.c
"$gen" sample tnef-1601 "$work/tnef-1601" >/dev/null
"$gen" sample tnef-healthy "$work/tnef-healthy" >/dev/null

# measure CMD… — prints "wall cpu rss_mb" of one run
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
    END { printf "%.3f %.3f %.1f\n", w, c, r }' "$work/time.txt"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

results=$work/results # shape n tool wall cpu rss (one line per run)
: >"$results"
parity=$work/parity
: >"$parity"

run_tool() {
  local shape=$1 n=$2 dir=$3 tool=$4
  local -a cmd
  case $tool in
    cat) cmd=(sh -c "find '$dir' -type f -exec cat {} + >/dev/null") ;;
    floor) cmd=("$work/floor" "$dir") ;;
    trackfix) cmd=("$cli" scan --json "$dir") ;;
    gmime) cmd=(env TRACKFIX_MIME_PATH=gmime "$cli" scan --json "$dir") ;;
    pyscan) cmd=("$python" "$pyscan" "$dir") ;;
    scanner.py) cmd=("$python" "$root/tests/bench/scanner.py" "$dir") ;;
  esac
  read -r w c r < <(measure "${cmd[@]}")
  echo "$shape $n $tool $w $c $r" >>"$results"
  case $tool in
    trackfix | gmime) cp "$work/out" "$work/$tool.json" ;;
    pyscan) cp "$work/out" "$work/pyscan.json" ;;
  esac
}

for shape in "${shapes[@]}"; do
  if [ "$shape" = tnef1m ]; then list=("${tnef_sizes[@]}"); else list=("${sizes[@]}"); fi
  for n in "${list[@]}"; do
    dir=${TMPDIR:-/tmp}/trackfix-bench-$shape-$n
    if [ ! -f "$dir.complete" ]; then
      rm -rf "$dir"
      "$python" tests/bench/gen-shapes.py "$shape" "$dir" "$n" "$work/tnef-1601" "$work/tnef-healthy"
      touch "$dir.complete"
    fi
    bytes=$(find "$dir" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
    echo "$shape $n $bytes" >>"$work/sizes"
    # warm the page cache so every tool reads from memory
    find "$dir" -type f -exec cat {} + >/dev/null

    tools=(cat floor trackfix gmime)
    for ((round = 1; round <= runs; round++)); do
      for tool in "${tools[@]}"; do run_tool "$shape" "$n" "$dir" "$tool"; done
      if [ "$round" -le "$py_runs" ]; then
        run_tool "$shape" "$n" "$dir" pyscan
        [ "${SCANNER_PY:-0}" = 1 ] && run_tool "$shape" "$n" "$dir" scanner.py
      fi
    done
    cmp -s "$work/trackfix.json" "$work/gmime.json" && same=identical || same=DIFFERENT
    "$python" - "$work/trackfix.json" "$work/pyscan.json" "$shape" "$n" "$same" >>"$parity" <<'PY'
import json, sys
tf = json.load(open(sys.argv[1]))["summary"]["findings"]
py = json.load(open(sys.argv[2]))
print("%s N=%s: trackfix TRACK_TIME_1601 %d, REPLY_MISSING_CRITICAL_CHANGE %d, PARSE_ERROR %d | pyscan epoch_1601 %d, missing_critical_change %d, parse_errors %d | fast vs GMime JSON %s" % (
    sys.argv[3], sys.argv[4], tf["TRACK_TIME_1601"], tf["REPLY_MISSING_CRITICAL_CHANGE"], tf["PARSE_ERROR"],
    py["epoch_1601"], py["missing_critical_change"], py["parse_errors"], sys.argv[5]))
PY

    if [ "${INSTR:-0}" = 1 ] && command -v valgrind >/dev/null; then
      sub=$work/instr
      rm -rf "$sub" && mkdir "$sub"
      # (a process substitution: head closing the pipe early must not
      # stop the script under pipefail)
      mapfile -t sample < <(find "$dir" -type f | sort | head -n 1000)
      ln -s "${sample[@]}" "$sub/"
      for path in auto gmime; do
        TRACKFIX_MIME_PATH=$path valgrind --tool=callgrind --callgrind-out-file=/dev/null \
          "$cli" scan --json --jobs 1 "$sub" >/dev/null 2>"$work/cg.txt" || true
        ir=$(awk '/Collected/ { print $NF }' "$work/cg.txt")
        echo "$shape $n $path $ir" >>"$work/instr.txt"
      done
    fi
    [ "${KEEP:-0}" = 1 ] || rm -rf "$dir" "$dir.complete"
  done
done

echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo), load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
echo "medians of $runs interleaved runs ($py_runs for the Python scanners); wall and CPU seconds, peak RSS MB"
printf '%-7s %7s %9s %-11s %8s %8s %8s %9s\n' shape N MB tool wall_s cpu_s rss_MB MB/s_wall
while read -r shape n bytes; do
  for tool in cat floor trackfix gmime pyscan scanner.py; do
    grep -q "^$shape $n $tool " "$results" || continue
    w=$(awk -v s="$shape" -v n="$n" -v t="$tool" '$1 == s && $2 == n && $3 == t { print $4 }' "$results" | median)
    c=$(awk -v s="$shape" -v n="$n" -v t="$tool" '$1 == s && $2 == n && $3 == t { print $5 }' "$results" | median)
    r=$(awk -v s="$shape" -v n="$n" -v t="$tool" '$1 == s && $2 == n && $3 == t { print $6 }' "$results" | sort -g | tail -1)
    echo "$shape $n $tool $w $c" >>"$work/medians"
    awk -v s="$shape" -v n="$n" -v b="$bytes" -v t="$tool" -v w="$w" -v c="$c" -v r="$r" 'BEGIN {
      printf "%-7s %7d %9.1f %-11s %8.3f %8.3f %8.1f %9.1f\n", s, n, b / 1048576, t, w, c, r, b / 1048576 / (w > 0 ? w : 0.001) }'
  done
done <"$work/sizes"

echo
echo "goals: trackfix ≤ 2× cat (wall), ≥ 20× pyscan.py (wall); CPU ratios for reference"
while read -r shape n bytes; do
  awk -v s="$shape" -v n="$n" '
    $1 == s && $2 == n { w[$3] = $4; c[$3] = $5 }
    END {
      t = w["trackfix"] > 0 ? w["trackfix"] : 0.001; tc = c["trackfix"] > 0 ? c["trackfix"] : 0.001
      printf "%-7s N=%-7d trackfix/cat %.2f× (cpu %.2f×), trackfix/floor %.2f×, gmime path/cat %.2f×", s, n,
        t / (w["cat"] > 0 ? w["cat"] : 0.001), tc / (c["cat"] > 0 ? c["cat"] : 0.001),
        t / (w["floor"] > 0 ? w["floor"] : 0.001), w["gmime"] / (w["cat"] > 0 ? w["cat"] : 0.001)
      if ("pyscan" in w) printf ", pyscan/trackfix %.1f× (cpu %.1f×)", w["pyscan"] / t, c["pyscan"] / tc
      if ("scanner.py" in w) printf ", scanner.py/trackfix %.1f×", w["scanner.py"] / t
      printf "\n" }' "$work/medians"
done <"$work/sizes"
echo
cat "$parity"
if [ -f "$work/instr.txt" ]; then
  echo
  echo "instructions (callgrind, --jobs 1, first 1,000 files): fast path vs GMime's parser"
  awk '$3 == "auto" { a[$1 " N=" $2] = $4 } $3 == "gmime" { g[$1 " N=" $2] = $4 }
    END { for (k in a) printf "%s: fast path %d, GMime parser %d (%+.1f %%)\n", k, a[k], g[k], (a[k] / g[k] - 1) * 100 }' "$work/instr.txt" | sort
fi
