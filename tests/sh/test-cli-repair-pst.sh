#!/bin/sh
# test-cli-repair-pst.sh — trackfix-cli repair / undo of PST files in place,
# with independent oracles: readpst -d (libpst's debug log shows every
# 0x5FFB date), pffexport -d (libpff's RecipientsItemValues.txt),
# tests/pst/pst-verify.py (every page and block CRC), cmp -l (only value and
# CRC bytes change) and cmp (undo restores every byte). An OST is refused
# with nothing written.
#
# Copyright 2026 The Trackfix authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u

CLI="${TRACKFIX_BUILD_ROOT:?}/src/cli/trackfix-cli"
GEN="${TRACKFIX_BUILD_ROOT:?}/tests/trackfix-gen"
VERIFY="${TRACKFIX_SOURCE_ROOT:?}/tests/pst/pst-verify.py"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

T=$(mktemp -d "${TMPDIR:-/tmp}/trackfix-repair-pst-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT INT TERM

. "${TRACKFIX_SOURCE_ROOT:?}/tests/sh/tap.sh"

J="$T/state/journal.jsonl"
"$GEN" pst-cases "$T/cases" > /dev/null || { echo "Bail out! trackfix-gen pst-cases"; exit 1; }
mkdir -p "$T/p" "$T/orig"
for f in heap-rows-unicode embedded-ansi cyclic-embedded-unicode subnode-rows-ansi; do
  cp "$T/cases/$f.pst" "$T/p/$f.pst"
  cp "$T/cases/$f.pst" "$T/orig/$f.pst"
done

# The new value of every row: the messages' sent time, 2008-06-30 16:00 UTC
NEW_DATE='Mon Jun 30 16:00:00 2008'
NEW_BYTES='00 00 82 59 ca da c8 01'
count_readpst () { # count_readpst FILE DATE-PREFIX
  rm -rf "$T/rp" && mkdir -p "$T/rp"
  TZ=UTC readpst -d "$T/rp/debug.log" -o "$T/rp" -te "$1" > /dev/null 2>&1
  grep -a -c "Unknown type 0x5ffb Date = \"$2" "$T/rp/debug.log"
}
count_pffexport () { # count_pffexport FILE
  rm -rf "$T/pe" && mkdir -p "$T/pe"
  (cd "$T/pe" && pffexport -q -d -t out "$1" > /dev/null 2>&1)
  find "$T/pe" -name RecipientsItemValues.txt -exec cat {} + | grep -a -c "$NEW_BYTES"
}

P="$T/p/heap-rows-unicode.pst"
have_readpst=0; command -v readpst > /dev/null && have_readpst=1
have_pffexport=0; command -v pffexport > /dev/null && have_pffexport=1
if [ $have_readpst = 1 ]; then
  r1601_before=$(count_readpst "$P" 'Mon Jan  1 00:00:00 1601')
  rnew_before=$(count_readpst "$P" "$NEW_DATE")
fi

# --- repair --json: 4 rows, in place -----------------------------------
"$CLI" repair --json --journal "$J" "$P" > "$T/repair.json" 2> "$T/repair.err"
expect_status "repair of a PST" 0 $?
py "JSON: one file done, 4 rows planned, no backup copy" '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["summary"]["planned"] == 4, d["summary"]
assert d["summary"]["files_repaired"] == 1, d["summary"]
f = d["files"][0]
assert f["status"] == "done" and f["backup"] is None, f
assert len(f["sha256_before"]) == 64 and f["sha256_before"] != f["sha256_after"], f
for c in d["changes"]:
    assert c["path"].startswith(f["file"] + "#0x"), c
    assert c["repairable"] and c["new_value"]["iso"] == "2008-06-30T16:00:00Z", c
' "$T/repair.json"

ndiff=$(cmp -l "$T/orig/heap-rows-unicode.pst" "$P" | wc -l)
if [ "$ndiff" -gt 0 ] && [ "$ndiff" -le $((4 * 8 + 3 * 4)) ]; then ok "cmp -l: $ndiff bytes differ (4 values, 3 block CRCs at most)"; else fail "cmp -l: $ndiff bytes differ"; fi
py "cmp -l: every changed byte lies in a journaled range" '
import json, subprocess, sys
e = [json.loads(l) for l in open(sys.argv[1])][-1]
spans = [(r["offset"], r["offset"] + len(r["new"]) // 2) for r in e["ranges"]]
out = subprocess.run(["cmp", "-l", sys.argv[2], sys.argv[3]], capture_output=True, text=True).stdout
for line in out.split("\n"):
    if line.strip():
        pos = int(line.split()[0]) - 1
        assert any(a <= pos < b for a, b in spans), pos
assert sum(1 for a, b in spans if b - a == 8) == 4 and sum(1 for a, b in spans if b - a == 4) >= 1, spans
' "$J" "$T/orig/heap-rows-unicode.pst" "$P"

if "$PY" "$VERIFY" "$P" > "$T/verify.out" 2>&1; then ok "pst-verify.py: every CRC verifies"; else fail "pst-verify.py"; cat "$T/verify.out"; fi

if [ $have_readpst = 1 ]; then
  r1601_after=$(count_readpst "$P" 'Mon Jan  1 00:00:00 1601')
  rnew_after=$(count_readpst "$P" "$NEW_DATE")
  # libpst ignores the cell existence bitmap: absent cells stay "1601" there
  if [ $((r1601_before - r1601_after)) = 3 ] && [ $((rnew_after - rnew_before)) = 4 ]; then
    ok "readpst -d reads the new values (1601: $r1601_before → $r1601_after, new: $rnew_before → $rnew_after)"
  else
    fail "readpst -d: 1601 $r1601_before → $r1601_after, new $rnew_before → $rnew_after"
  fi
else
  skip "readpst not installed"
fi
if [ $have_pffexport = 1 ]; then
  # pffexport writes RecipientsItemValues.txt for appointments only, not
  # for meeting requests: 3 of the 4 repaired rows (2 + 1 appointment)
  pnew=$(count_pffexport "$P")
  if [ "$pnew" = 3 ]; then ok "pffexport -d reads the new values of the 3 appointment rows"; else fail "pffexport -d: $pnew new values"; fi
else
  skip "pffexport not installed"
fi

"$CLI" scan --json "$P" > "$T/scan.json"
py "a new scan finds no 1601 / pre-1900 row, absent cells still absent" '
import json, sys
d = json.load(open(sys.argv[1]))
codes = [f["code"] for i in d["items"] for f in i.get("findings", [])]
assert "TRACK_TIME_1601" not in codes and "TRACK_TIME_PRE_1900" not in codes, codes
absent = [r for i in d["items"] for r in i["recipients"] if r.get("track_time") is None]
assert len(absent) == 3, absent
' "$T/scan.json"

# --- undo: every byte back, no backup needed ---------------------------
run=$("$PY" -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1])][-1]["run_id"])' "$J")
"$CLI" undo --journal "$J" --run "$run" > "$T/undo.out" 2>&1
expect_status "undo of the PST repair" 0 $?
if cmp -s "$T/orig/heap-rows-unicode.pst" "$P"; then ok "undo restored every byte"; else fail "undo left differences"; fi

# --- one item: export.pst#0x… --------------------------------------------
E="$T/p/embedded-ansi.pst"
"$CLI" scan --json "$E" > "$T/e.json"
item=$("$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
for i in d["items"]:
    if any(f["code"] == "TRACK_TIME_1601" for f in i.get("findings", [])):
        print(i["path"]); break
' "$T/e.json")
n_before=$(grep -o TRACK_TIME_1601 "$T/e.json" | wc -l)
"$CLI" repair --journal "$J" "$item" > "$T/one.out" 2>&1
expect_status "repair of one item ($item)" 0 $?
"$CLI" scan --json "$E" > "$T/e2.json"
"$CLI" show --json "$item" > "$T/show.json" 2>&1
py "only that item was repaired" '
import json, sys
before = json.load(open(sys.argv[1])); after = json.load(open(sys.argv[2])); item = sys.argv[3]
def bad(d):
    return {i["path"] for i in d["items"] if any(f["code"] == "TRACK_TIME_1601" for f in i.get("findings", []))}
assert item in bad(before) and item not in bad(after), (item, bad(after))
assert bad(before) - {item} == bad(after), (bad(before), bad(after))
' "$T/e.json" "$T/e2.json" "$item"

# --- other encodings and a subnode row matrix ---------------------------
for f in cyclic-embedded-unicode subnode-rows-ansi; do
  "$CLI" repair --journal "$J" "$T/p/$f.pst" > /dev/null 2>&1
  expect_status "repair of $f" 0 $?
  if "$PY" "$VERIFY" "$T/p/$f.pst" > /dev/null 2>&1; then ok "$f: every CRC verifies"; else fail "$f: CRC walk"; fi
done
"$CLI" undo --journal "$J" --all > /dev/null 2>&1
for f in heap-rows-unicode embedded-ansi cyclic-embedded-unicode subnode-rows-ansi; do
  if cmp -s "$T/orig/$f.pst" "$T/p/$f.pst"; then ok "undo --all: $f is the original"; else fail "undo --all: $f differs"; fi
done

# --- --backup-dir: a full copy as well -------------------------------------
"$CLI" repair --journal "$J" --backup-dir "$T/backups" "$P" > /dev/null 2>&1
expect_status "repair with --backup-dir" 0 $?
copy=$(find "$T/backups" -type f -name '*heap-rows-unicode.pst' | head -1)
if [ -n "$copy" ] && cmp -s "$copy" "$T/orig/heap-rows-unicode.pst"; then ok "--backup-dir holds the original"; else fail "--backup-dir: no copy of the original"; fi

# --- an OST is never written ----------------------------------------------
O="$T/p/cache.ost"
"$PY" -c '
import sys, zlib
d = bytearray(open(sys.argv[1], "rb").read())
crc = lambda b: zlib.crc32(bytes(b), 0xFFFFFFFF) ^ 0xFFFFFFFF
d[8:10] = b"SO"
d[4:8] = crc(d[8:8 + 471]).to_bytes(4, "little")
d[524:528] = crc(d[8:8 + 516]).to_bytes(4, "little")
open(sys.argv[2], "wb").write(d)
' "$T/orig/heap-rows-unicode.pst" "$O"
touch -d '2020-01-01 00:00:00' "$O"
cp -p "$O" "$T/orig/cache.ost"
"$CLI" repair --json --journal "$T/ost-journal.jsonl" "$O" > "$T/ost.json" 2>&1
expect_status "repair of an OST is refused" 1 $?
if cmp -s "$O" "$T/orig/cache.ost" && [ "$(stat -c %Y "$O")" = "$(stat -c %Y "$T/orig/cache.ost")" ]; then ok "OST: bytes and mtime unchanged"; else fail "OST was written"; fi
if [ ! -e "$T/ost-journal.jsonl" ]; then ok "OST: no journal entry"; else fail "OST: journal written"; fi
py "OST: every finding refused with the reason" '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["changes"] and all(not c["repairable"] and "OST" in c["reason"] for c in d["changes"]), d["changes"]
assert d["summary"]["planned"] == 0 and d["files"] == [], d
' "$T/ost.json"

echo "1..$n"
[ $failures = 0 ]
