#!/bin/sh
# bench-gui.sh — open N generated queue files in the window and report
# time to first rows, time to the full list, the longest main-loop stall
# and peak RSS. A benchmark, not a test: it asserts nothing.
#
#   tests/bench/bench-gui.sh [BUILD_DIR] [N]     (defaults: _build 100000)
#
# Copyright 2026 The Trackfix authors
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

build=${1:-_build}
n=${2:-100000}
src=$(cd "$(dirname "$0")/../.." && pwd)

ninja -C "$build" tests/app/bench-gui tests/app/bench-frame-floor tests/trackfix-gen data/gschemas.compiled >/dev/null

queue=${TRACKFIX_BENCH_QUEUE:-$build/bench-queue-$n}
if [ ! -d "$queue" ]; then
  echo "Generating $n queue files in $queue …" >&2
  "$build/tests/trackfix-gen" queue "$queue" "$n" >/dev/null
fi

export GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" GTK_A11Y=none NO_AT_BRIDGE=1

# The same display's cost of one full-window frame without Trackfix
# (bench-frame-floor.c): a frame of the window that redraws all of it
# cannot cost less. BENCH_FLOOR=0 skips it.
run () {
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    "$@"
  else
    xvfb-run -a -s "-screen 0 1920x1080x24" "$@"
  fi
}
if [ "${BENCH_FLOOR:-1}" != 0 ]; then
  run "$build/tests/app/bench-frame-floor" | grep '^floor_' || true
fi

echo "bench-gui: $n files from $queue (goals: first rows <= 0.3 s, stall <= 50 ms, RSS <= 300 MB)"
run "$build/tests/app/bench-gui" "$queue"
