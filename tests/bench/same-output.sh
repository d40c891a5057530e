#!/usr/bin/env bash
# tests/bench/same-output.sh — byte-identical `scan --json` before and after
# a speed change (issue 17)
#
# Copyright 2026 The Trackfix authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/bench/same-output.sh OLD_CLI [BUILD_DIR]
#
#   OLD_CLI    a trackfix-cli built from the commit before the change (copy
#              it out of the build dir first: the core library is static)
#   BUILD_DIR  the build with the change (default _build)
#
# Scans each input set with OLD_CLI and BUILD_DIR's trackfix-cli, each with
# both MIME paths (TRACKFIX_MIME_PATH unset and =gmime), and compares the
# JSON documents byte for byte. Input sets: ../shared/corpus, the fixture
# generator's samples and a 2,000-file queue, the hostile corpus of
# tests/hostile, tests/data/regressions, and the bench shapes of
# gen-shapes.py (nested and flat, 1,000 files each; tnef1m, 20 files).
# Exits non-zero and prints the first differing lines on any difference.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

old=${1:?usage: same-output.sh OLD_CLI [BUILD_DIR]}
build=${2:-_build}
case $old in /*) ;; *) old=$root/$old ;; esac
case $build in /*) ;; *) build=$root/$build ;; esac
ninja -C "$build" src/cli/trackfix-cli tests/trackfix-gen >/dev/null
new=$build/src/cli/trackfix-cli
gen=$build/tests/trackfix-gen

work=$(mktemp -d "${TMPDIR:-/tmp}/trackfix-same-output-XXXXXX")
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/in/samples"
for name in $("$gen" sample --list); do
  "$gen" sample "$name" "$work/in/samples/$name" >/dev/null
done
"$gen" queue "$work/in/queue" 2000 7 >/dev/null
python3 tests/hostile/gen-hostile.py "$work/in/hostile" >/dev/null
cp -r tests/data/regressions "$work/in/regressions"
"$gen" sample tnef-1601 "$work/tnef-1601" >/dev/null
"$gen" sample tnef-healthy "$work/tnef-healthy" >/dev/null
for shape in nested:1000 flat:1000 tnef1m:20; do
  python3 tests/bench/gen-shapes.py "${shape%:*}" "$work/in/shape-${shape%:*}" "${shape#*:}" \
    "$work/tnef-1601" "$work/tnef-healthy"
done

sets=("$root/../shared/corpus")
for d in "$work"/in/*; do sets+=("$d"); done

status=0
for set in "${sets[@]}"; do
  # hostile/files only: its hives and FIFO are not scan input
  [ -d "$set/files" ] && set=$set/files
  for path in auto gmime; do
    for cli in old new; do
      bin=$old
      [ $cli = new ] && bin=$new
      # exit status 1 means "findings"; only >1 is a failure
      TRACKFIX_MIME_PATH=$path TZ=UTC LC_ALL=C.UTF-8 "$bin" scan --json --jobs 1 "$set" \
        >"$work/$cli.json" 2>/dev/null || [ $? -eq 1 ]
    done
    if cmp -s "$work/old.json" "$work/new.json"; then
      printf 'identical  %-8s %s (%s bytes)\n' "$path" "${set#"$work"/in/}" "$(wc -c <"$work/new.json")"
    else
      printf 'DIFFERENT  %-8s %s\n' "$path" "${set#"$work"/in/}"
      diff <(tr ',' '\n' <"$work/old.json") <(tr ',' '\n' <"$work/new.json") | head -20 || true
      status=1
    fi
  done
done
exit $status
