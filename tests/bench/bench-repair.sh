#!/bin/sh
# bench-repair.sh — repair throughput against `cp` + fsync of the same files
#
#   tests/bench/bench-repair.sh [N] [BUILD_DIR] [ROUNDS]
#
# Builds N affected files (default 500: TNEF in MIME, .msg, raw TNEF,
# iCalendar replies) with trackfix-gen, then, ROUNDS times (default 3),
# alternately:
#   - copies every file to a new folder and fsyncs each copy (the floor of
#     "rewrite these files durably"), and
#   - runs `trackfix-cli repair` on a fresh copy of the folder: scan, plan,
#     backup, journal, write, verify by re-reading, rename, flush.
#   - copies every file and flushes once with syncfs() (the kindest floor).
# Prints files/s and MB/s of the best round of each and the ratios (goal:
# repair >= 50 % of cp + fsync). Figures, never asserts.
#
# Copyright 2026 The Trackfix authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -eu

N=${1:-500}
BUILD=${2:-_build}
ROUNDS=${3:-3}
CLI="$BUILD/src/cli/trackfix-cli"
GEN="$BUILD/tests/trackfix-gen"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

for t in "$CLI" "$GEN"; do
  [ -x "$t" ] || { echo "bench-repair: build $t first (ninja -C $BUILD)" >&2; exit 2; }
done

W=$(mktemp -d "${TMPDIR:-/tmp}/trackfix-bench-repair-XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM

mkdir -p "$W/src"
i=0
while [ $i -lt "$N" ]; do
  for s in eml-tnef-1601 msg-1601 tnef-1601 eml-ics-reply-missing-cc eml-tnef-cancel-1601; do
    [ $i -ge "$N" ] && break
    "$GEN" sample "$s" "$W/src/file-$i.$s" > /dev/null
    i=$((i + 1))
  done
done
bytes=$(du -sb "$W/src" | cut -f1)

now_ns () { date +%s%N; }

best_cp=""
best_repair=""
best_sfs=""
r=1
while [ $r -le "$ROUNDS" ]; do
  rm -rf "$W/cp" "$W/q" "$W/state"
  sync
  t0=$(now_ns)
  "$PY" - "$W/src" "$W/cp" <<'EOF'
import os, shutil, sys
src, dst = sys.argv[1], sys.argv[2]
os.mkdir(dst)
for name in sorted(os.listdir(src)):
    target = os.path.join(dst, name)
    shutil.copyfile(os.path.join(src, name), target)
    fd = os.open(target, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
fd = os.open(dst, os.O_RDONLY)
os.fsync(fd)
os.close(fd)
EOF
  t1=$(now_ns)
  cp_ms=$(( (t1 - t0) / 1000000 ))

  # Also the kindest floor: copy everything, then one syncfs() (what the
  # repair engine itself does per batch).
  rm -rf "$W/cp"
  sync
  t0=$(now_ns)
  "$PY" - "$W/src" "$W/cp" <<'EOF'
import ctypes, os, shutil, sys
src, dst = sys.argv[1], sys.argv[2]
os.mkdir(dst)
for name in sorted(os.listdir(src)):
    shutil.copyfile(os.path.join(src, name), os.path.join(dst, name))
fd = os.open(dst, os.O_RDONLY)
ctypes.CDLL(None).syncfs(fd)
os.close(fd)
EOF
  t1=$(now_ns)
  sfs_ms=$(( (t1 - t0) / 1000000 ))

  cp -a "$W/src" "$W/q"
  sync
  t0=$(now_ns)
  "$CLI" repair --journal "$W/state/journal.jsonl" --backup-dir "$W/state/backups" "$W/q" > "$W/repair.log" 2>&1 || {
    echo "bench-repair: repair failed:" >&2; tail "$W/repair.log" >&2; exit 1; }
  t1=$(now_ns)
  repair_ms=$(( (t1 - t0) / 1000000 ))
  echo "round $r: cp+fsync ${cp_ms} ms, cp+syncfs ${sfs_ms} ms, repair ${repair_ms} ms"

  [ -z "$best_cp" ] || [ "$cp_ms" -lt "$best_cp" ] && best_cp=$cp_ms
  [ -z "$best_repair" ] || [ "$repair_ms" -lt "$best_repair" ] && best_repair=$repair_ms
  [ -z "$best_sfs" ] || [ "$sfs_ms" -lt "$best_sfs" ] && best_sfs=$sfs_ms
  r=$((r + 1))
done

"$PY" - "$N" "$bytes" "$best_cp" "$best_repair" "$best_sfs" <<'EOF'
import sys
n, b, cp, rep, sfs = int(sys.argv[1]), int(sys.argv[2]), max(1, int(sys.argv[3])), max(1, int(sys.argv[4])), max(1, int(sys.argv[5]))
print(f"files: {n} ({b / 1e6:.1f} MB)")
print(f"cp + fsync : {n / (cp / 1000):8.0f} files/s  {b / 1e6 / (cp / 1000):6.1f} MB/s  (best {cp} ms)")
print(f"cp + syncfs: {n / (sfs / 1000):8.0f} files/s  {b / 1e6 / (sfs / 1000):6.1f} MB/s  (best {sfs} ms, one flush at the end)")
print(f"repair     : {n / (rep / 1000):8.0f} files/s  {b / 1e6 / (rep / 1000):6.1f} MB/s  (best {rep} ms, scan included)")
print(f"repair / cp+fsync throughput: {100 * cp / rep:.0f} %  (goal >= 50 %)")
print(f"repair / cp+syncfs throughput: {100 * sfs / rep:.0f} %")
EOF
