#!/usr/bin/env bash
# tests/fuzz/run-fuzzers.sh — build and run every libFuzzer target
#
# Copyright 2026 The Trackfix authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/fuzz/run-fuzzers.sh [SECONDS] [TARGET…]
#
#   SECONDS  run time per target (default 60)
#   TARGET   fuzz-tnef fuzz-msg fuzz-read fuzz-hive fuzz-repair fuzz-mime-paths
#            (default: all built)
#
# Environment:
#   TRACKFIX_FUZZ_BUILD_DIR  clang build dir (default _build-fuzz; set up here
#                            with -Dfuzzing=true and ASan+UBSan if missing)
#   TRACKFIX_FUZZ_WORK       kept between runs: the growing corpus per target
#                            and crash artifacts (default BUILD_DIR/fuzz-work)
#   TRACKFIX_CORPUS_DIR      the shared sample corpus used as seeds, read in
#                            place (default ../shared/corpus)
#   TRACKFIX_FUZZ_JOBS       parallel fuzzing processes per target (default 1)
#   TRACKFIX_FUZZ_MAX_LEN    largest input libFuzzer makes (default 65536)
#   TRACKFIX_FUZZ_TIMEOUT    seconds one input may take (default 60; a loaded
#                            machine makes 25 s report false timeouts)
#   TRACKFIX_FUZZ_PARALLEL   1: run all targets at the same time
#   TRACKFIX_FUZZ_SEED       libFuzzer's random seed (default: a new one per
#                            run). tools/test sets 1 in CI, so CI's short
#                            pass replays the same inputs on every machine
#                            (a faster one only gets further along them) and
#                            a CI failure reproduces here with the same seed;
#                            the long exploring runs keep random seeds.
#   TRACKFIX_FUZZ_RUNS       stop each target after this many executions
#                            instead (SECONDS 0 = no time limit); used for the
#                            long runs, e.g. TRACKFIX_FUZZ_RUNS=10000000
#
# Exits non-zero when a target found a crash, leak, hang or timeout; the
# input is left in WORK/artifacts (reproduce: BUILD_DIR/tests/fuzz/TARGET FILE;
# then add it to tests/data/regressions/, see tests/core/test-regressions.c).
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

seconds=${1:-60}
shift || true
build=${TRACKFIX_FUZZ_BUILD_DIR:-_build-fuzz}
work=${TRACKFIX_FUZZ_WORK:-$build/fuzz-work}
corpus=${TRACKFIX_CORPUS_DIR:-$root/../shared/corpus}
jobs=${TRACKFIX_FUZZ_JOBS:-1}
max_len=${TRACKFIX_FUZZ_MAX_LEN:-65536}
case $build in /*) ;; *) build=$root/$build ;; esac
case $work in /*) ;; *) work=$root/$work ;; esac
case $corpus in /*) ;; *) corpus=$root/$corpus ;; esac

if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" -Dfuzzing=true -Db_sanitize=address,undefined \
    -Db_lundef=false -Dgui=disabled -Dbuildtype=debugoptimized >/dev/null || exit 2
fi

all_targets=(fuzz-tnef fuzz-msg fuzz-read fuzz-hive fuzz-repair fuzz-mime-paths)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for t in "${all_targets[@]}"; do
    if [ -f tests/fuzz/$t.c ]; then targets+=("$t"); fi
  done
fi

ninja -C "$build" "${targets[@]/#/tests/fuzz/}" tests/fuzz/fuzz-seeds >/dev/null || exit 2

mkdir -p "$work/artifacts" "$work/seeds"
"$build/tests/fuzz/fuzz-seeds" "$work/seeds" || exit 2

# A SYSTEM hive with the Information Store key, built from the corpus's
# minimal hive with hivexregedit (no such hive is public).
make_system_hive() {
  local out=$work/seeds/hive/SYSTEM-exchange
  [ -f "$out" ] && return 0
  [ -f "$corpus/hive/hivex-minimal" ] || return 0
  command -v hivexregedit >/dev/null || return 0
  mkdir -p "$work/seeds/hive"
  cp "$corpus/hive/hivex-minimal" "$out.tmp" && chmod u+w "$out.tmp"
  local base='HKEY_LOCAL_MACHINE\SYSTEM'
  local k='ControlSet001\Services\MSExchangeIS\ParametersSystem\InternetContent\MimeHandlers'
  {
    printf 'Windows Registry Editor Version 5.00\n\n'
    printf '[%s\\Select]\n"Current"=dword:00000001\n\n' "$base"
    printf '[%s\\ControlSet001]\n\n[%s\\ControlSet001\\Services]\n\n' "$base" "$base"
    printf '[%s\\ControlSet001\\Services\\MSExchangeIS]\n\n' "$base"
    printf '[%s\\ControlSet001\\Services\\MSExchangeIS\\ParametersSystem]\n\n' "$base"
    printf '[%s\\ControlSet001\\Services\\MSExchangeIS\\ParametersSystem\\InternetContent]\n\n' "$base"
    printf '[%s\\%s]\n\n' "$base" "$k"
    printf '[%s\\%s\\{85D2DDB8-6225-11D2-BDF1-00C04FD655B5}]\n' "$base" "$k"
    printf '"FixRecipientTrackStatusTime"=dword:00000000\n'
  } >"$work/seeds/system.reg"
  if hivexregedit --merge --prefix "$base" "$out.tmp" "$work/seeds/system.reg" 2>/dev/null; then
    mv "$out.tmp" "$out"
    # The same hive without the flag value and without MSExchangeIS
    cp "$corpus/hive/hivex-minimal" "$work/seeds/hive/SYSTEM-plain" && chmod u+w "$work/seeds/hive/SYSTEM-plain"
    printf 'Windows Registry Editor Version 5.00\n\n[%s\\Select]\n"Current"=dword:00000001\n\n[%s\\ControlSet001]\n\n' \
      "$base" "$base" >"$work/seeds/plain.reg"
    hivexregedit --merge --prefix "$base" "$work/seeds/hive/SYSTEM-plain" "$work/seeds/plain.reg" 2>/dev/null || true
  else
    rm -f "$out.tmp"
  fi
}
make_system_hive

# Seed folders per target (read in place, never copied into the repo)
seeds_for() {
  local dirs=()
  case $1 in
    fuzz-tnef) dirs=("$work/seeds/tnef" "$corpus/tnef") ;;
    fuzz-msg) dirs=("$work/seeds/msg" "$corpus/msg") ;;
    fuzz-read) dirs=("$work/seeds/read" "$corpus/eml" "$corpus/ics" "$corpus/dsn" "$corpus/tnef" "$corpus/msg") ;;
    fuzz-hive) dirs=("$work/seeds/hive" "$corpus/hive") ;;
    fuzz-mime-paths) dirs=("$work/seeds/read" "$corpus/eml" "$corpus/dsn") ;;
    fuzz-repair) dirs=("$work/seeds/read" "$work/seeds/tnef" "$work/seeds/msg" "$corpus/eml" "$corpus/tnef") ;;
  esac
  for d in "${dirs[@]}"; do
    [ -d "$d" ] && printf '%s\n' "$d"
  done
}

dict_for() {
  case $1 in
    fuzz-tnef) echo tests/fuzz/tnef.dict ;;
    fuzz-msg) echo tests/fuzz/msg.dict ;;
    fuzz-read | fuzz-repair | fuzz-mime-paths) echo tests/fuzz/read.dict ;;
    *) echo "" ;;
  esac
}

# A 16 MB quarantine (ASan's default is 256) still catches use after free
# of anything freed in the current and the last few inputs; recycling cold
# chunks from a big one was a third of the time of every target
# (tests/fuzz/RESULTS.md). Long runs also set malloc_context_size=0.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1:quarantine_size_mb=16:malloc_context_size=16}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp:print_suppressions=0}
export G_DEBUG=${G_DEBUG:-fatal-criticals}
export G_SLICE=always-malloc
export TZ=UTC LC_ALL=C.UTF-8

# Runs one target; prints its table row into WORK/TARGET.result
run_target() {
  local t=$1 seeds dict log rc execs rate result
  mkdir -p "$work/corpus/$t"
  mapfile -t seeds < <(seeds_for "$t")
  dict=$(dict_for "$t")
  log=$work/$t.log
  local args=(-max_total_time="$seconds" -runs="${TRACKFIX_FUZZ_RUNS:--1}" -timeout="${TRACKFIX_FUZZ_TIMEOUT:-60}" -rss_limit_mb=2560 -max_len="$max_len"
              -artifact_prefix="$work/artifacts/$t-" -print_final_stats=1 -entropic=0)
  [ -n "$dict" ] && args+=(-dict="$root/$dict")
  [ -n "${TRACKFIX_FUZZ_SEED:-}" ] && args+=(-seed="$TRACKFIX_FUZZ_SEED")
  if [ "$jobs" -gt 1 ]; then
    args+=(-jobs="$jobs" -workers="$jobs")
  fi
  (cd "$work" && mkdir -p "logs-$t" && cd "logs-$t" &&
     "$build/tests/fuzz/$t" "${args[@]}" "$work/corpus/$t" "${seeds[@]}") >"$log" 2>&1
  rc=$?
  if [ "$jobs" -gt 1 ]; then
    cat "$work/logs-$t"/fuzz-*.log >>"$log" 2>/dev/null
  fi
  execs=$(grep -h 'stat::number_of_executed_units' "$log" | awk '{s += $2} END {print s + 0}')
  rate=$(grep -h 'stat::average_exec_per_sec' "$log" | awk '{s += $2} END {print s + 0}')
  if [ $rc -eq 0 ]; then
    result=ok
  elif [ $rc -eq 72 ] && ! ls "$work/artifacts/$t-"* >/dev/null 2>&1; then
    # libFuzzer's exit code after SIGINT/SIGTERM, no artifact: stopped by hand
    result=interrupted
    rc=0
  else
    result="FAILED (rc $rc, see $log)"
  fi
  printf '%-12s %10s %12s %8s  %s\n' "$t" "$seconds" "$execs" "$rate" "$result" >"$work/$t.result"
  # Every run adds a line; the totals per target are what long runs report.
  printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$execs" "$rate" "$result" >>"$work/history.tsv"
  return $rc
}

failed=()
printf '%-12s %10s %12s %8s  %s\n' target seconds executions exec/s result
if [ "${TRACKFIX_FUZZ_PARALLEL:-0}" = 1 ]; then
  declare -A pids=()
  for t in "${targets[@]}"; do
    run_target "$t" &
    pids[$t]=$!
  done
  for t in "${targets[@]}"; do
    wait "${pids[$t]}" || failed+=("$t")
    cat "$work/$t.result"
  done
else
  for t in "${targets[@]}"; do
    run_target "$t" || failed+=("$t")
    cat "$work/$t.result"
  done
fi

if [ -f "$work/history.tsv" ]; then
  echo
  echo "executions so far in $work (history.tsv):"
  awk -F'\t' '{ n[$2] += $3; r[$2]++ } END { for (t in n) printf "  %-12s %12d in %d runs\n", t, n[t], r[t] }' \
    "$work/history.tsv" | sort
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "run-fuzzers.sh: findings in ${failed[*]}; inputs in $work/artifacts" >&2
  for t in "${failed[@]}"; do
    grep -E 'ERROR: |SUMMARY: |^==[0-9]+==.*(leak|overflow)|Test unit written' "$work/$t.log" | head -8 >&2
  done
  exit 1
fi
exit 0
