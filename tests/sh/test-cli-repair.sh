#!/bin/sh
# test-cli-repair.sh — trackfix-cli repair / undo / queue end to end, with
# independent oracles: tnef and ytnefprint for TNEF checksums, msgconvert
# and python3-olefile for .msg, Python's email package for MIME structure,
# cmp for "nothing else changed", sha256sum for undo.
#
# Copyright 2026 The Trackfix authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u

CLI="${TRACKFIX_BUILD_ROOT:?}/src/cli/trackfix-cli"
GEN="${TRACKFIX_BUILD_ROOT:?}/tests/trackfix-gen"
# The system interpreter carries python3-olefile (tools/deps).
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

T=$(mktemp -d "${TMPDIR:-/tmp}/trackfix-repair-XXXXXX") || exit 2
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT INT TERM

. "${TRACKFIX_SOURCE_ROOT:?}/tests/sh/tap.sh"
gen () { "$GEN" sample "$1" "$2" || fail "trackfix-gen sample $1"; }

J="$T/state/journal.jsonl"
B="$T/state/backups"
Q="$T/q"
mkdir -p "$Q/queue" "$Q/calendar" "$Q/replies" "$Q/attach" "$T/orig"

gen tnef-1601 "$Q/attach/winmail.dat"
gen eml-tnef-1601 "$Q/queue/NTFS_A1.EML"
gen eml-tnef-cancel-1601 "$Q/queue/NTFS_A2.EML"
gen eml-tnef-healthy "$Q/queue/NTFS_OK.EML"
gen msg-1601 "$Q/calendar/Q3 budget review.msg"
gen msg-pre1900 "$Q/calendar/Vendor kickoff.msg"
gen eml-ics-reply-missing-cc "$Q/replies/accepted.eml"
cp -a "$Q" "$T/orig/"
(cd "$T/orig/q" && find . -type f -print0 | xargs -0 sha256sum) > "$T/orig.sha"

# --- dry run: the plan, nothing written ---------------------------------
"$CLI" repair --dry-run --json --journal "$J" --backup-dir "$B" "$Q" > "$T/dry.json" 2> "$T/dry.err"
st=$?
if [ $st = 0 ] || [ $st = 1 ]; then ok "repair --dry-run runs (exit $st)"; else fail "repair --dry-run: exit $st"; cat "$T/dry.err"; fi
if (cd "$Q" && sha256sum --quiet -c "$T/orig.sha"); then ok "dry run changed no file"; else fail "dry run changed files"; fi
if [ ! -e "$J" ] && [ ! -e "$B" ]; then ok "dry run wrote no journal or backup"; else fail "dry run wrote state"; fi
py "dry-run JSON lists the planned changes with their sources" '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["dry_run"] is True, d
planned = [c for c in d["changes"] if c["repairable"]]
assert len(planned) >= 6, len(planned)
codes = {c["code"] for c in planned}
assert {"TRACK_TIME_1601", "TRACK_TIME_PRE_1900", "REPLY_MISSING_CRITICAL_CHANGE"} <= codes, codes
for c in planned:
    assert c["new_value"]["iso"] and c["explanation"], c
    assert c["value_source"] in ("reply", "owner-critical-change", "sent", "repair-time", "dtstamp"), c
assert all(f["status"] == "done" for f in d["files"]), d["files"]
' "$T/dry.json"

"$CLI" repair --dry-run "$Q" > "$T/dry.txt" 2>&1
if grep -q "1601-01-01 00:00:00 →" "$T/dry.txt" && grep -q "would repair" "$T/dry.txt"; then ok "text plan shows old → new"; else fail "text plan"; sed 's/^/# /' "$T/dry.txt"; fi

# --- the repair ------------------------------------------------------------
"$CLI" repair --json --journal "$J" --backup-dir "$B" "$Q" > "$T/run.json" 2> "$T/run.err"
expect_status "repair of the folder" 0 $?
RUN=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["run_id"])' "$T/run.json")

"$CLI" scan --json "$Q" > "$T/after.json" 2>/dev/null
py "no repairable finding is left" '
import json, sys
d = json.load(open(sys.argv[1]))
left = [(i["path"], f["code"]) for i in d["items"] for f in i["findings"]
        if f["code"] in ("TRACK_TIME_1601", "TRACK_TIME_PRE_1900", "REPLY_MISSING_CRITICAL_CHANGE", "TNEF_CHECKSUM", "PARSE_ERROR")]
assert not left, left
' "$T/after.json"

"$CLI" repair --journal "$J" --backup-dir "$B" "$Q" > "$T/again.txt" 2>&1
expect_status "a second repair has nothing to do" 0 $?

# --- TNEF: independent readers accept the checksums -------------------------
extract_tnef () { # extract_tnef EML OUT — the application/ms-tnef part, decoded
  "$PY" -c '
import email, sys
from email import policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=policy.compat32)
for p in m.walk():
    if p.get_content_type() == "application/ms-tnef":
        open(sys.argv[2], "wb").write(p.get_payload(decode=True)); break
else:
    sys.exit("no TNEF part")
' "$1" "$2"
}
extract_tnef "$Q/queue/NTFS_A1.EML" "$T/a1.dat" && extract_tnef "$T/orig/q/queue/NTFS_A1.EML" "$T/a1-orig.dat"
for f in "$Q/attach/winmail.dat" "$T/a1.dat"; do
  if command -v ytnefprint > /dev/null; then
    out=$(ytnefprint "$f" 2>&1); st=$?
    if [ $st = 0 ] && ! echo "$out" | grep -qi "checksum"; then ok "ytnefprint accepts $(basename "$f")"
    else fail "ytnefprint on $(basename "$f") (exit $st)"; echo "$out" | grep -i checksum | sed 's/^/# /'; fi
    # The new time shows up in ytnef's own MAPI dump of the recipient table
  else skip "ytnefprint not installed"; fi
  if command -v tnef > /dev/null; then
    mkdir -p "$T/tnef-out"
    if tnef --number-backups -C "$T/tnef-out" -t "$f" > "$T/tnef.txt" 2>&1; then ok "tnef -t reads $(basename "$f")"
    else fail "tnef -t on $(basename "$f")"; sed 's/^/# /' "$T/tnef.txt"; fi
  else skip "tnef not installed"; fi
done
py "ytnef and we agree the original had a bad value and the repair only touched 10 bytes" '
import sys
a = open(sys.argv[1], "rb").read(); b = open(sys.argv[2], "rb").read()
assert len(a) == len(b)
diff = [i for i in range(len(a)) if a[i] != b[i]]
assert 0 < len(diff) <= 10, diff
' "$T/a1-orig.dat" "$T/a1.dat"

# --- MIME: headers and every other part byte-identical -----------------------
py "MIME headers and other parts unchanged, TNEF body same length and line layout" '
import sys, re
a = open(sys.argv[1], "rb").read(); b = open(sys.argv[2], "rb").read()
assert len(a) == len(b), (len(a), len(b))
diff = [i for i in range(len(a)) if a[i] != b[i]]
assert diff
# the TNEF part body: after the application/ms-tnef part header block, up to the next boundary
start = a.index(b"application/ms-tnef"); start = a.index(b"\r\n\r\n", start) + 4
end = a.index(b"\r\n--", start)
assert all(start <= i < end for i in diff), (start, end, diff[:5])
assert all(b[i] not in b"\r\n" for i in diff)
' "$T/orig/q/queue/NTFS_A1.EML" "$Q/queue/NTFS_A1.EML"

# --- .msg: msgconvert and olefile still open it, only 8 bytes differ --------
M="$Q/calendar/Q3 budget review.msg"
cmp -l "$T/orig/q/calendar/Q3 budget review.msg" "$M" > "$T/cmp.txt"
nd=$(wc -l < "$T/cmp.txt")
if [ "$nd" -ge 1 ] && [ "$nd" -le 8 ]; then ok ".msg differs in $nd bytes (at most the 8 of the FILETIME)"
else fail ".msg differs in $nd bytes"; head "$T/cmp.txt" | sed 's/^/# /'; fi
py "the differing .msg bytes are 8 contiguous bytes at most" '
import sys
offs = [int(l.split()[0]) for l in open(sys.argv[1])]
assert max(offs) - min(offs) < 8, offs
' "$T/cmp.txt"
if command -v msgconvert > /dev/null; then
  (cd "$T" && cp "$M" conv.msg && msgconvert conv.msg > msgconvert.log 2>&1)
  if [ -s "$T/conv.eml" ]; then ok "msgconvert converts the repaired .msg"; else fail "msgconvert"; sed 's/^/# /' "$T/msgconvert.log"; fi
else skip "msgconvert not installed"; fi
NEW=$("$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["changes"]:
    if c["repairable"] and c["file"].endswith("Q3 budget review.msg"):
        print(c["new_value"]["filetime"]); break
' "$T/run.json")
py "olefile reads the new PR_RECIPIENT_TRACKSTATUS_TIME from the repaired .msg" '
import sys, struct, olefile
want = int(sys.argv[2], 16)
ole = olefile.OleFileIO(sys.argv[1])
seen = []
for entry in ole.listdir():
    if entry[0].startswith("__recip_version1.0_") and entry[-1] == "__properties_version1.0":
        data = ole.openstream(entry).read()
        for off in range(8, len(data) - 15, 16):
            tag, flags, value = struct.unpack_from("<IIQ", data, off)
            if tag == 0x5FFB0040:
                seen.append(value)
assert want in seen, (hex(want), [hex(v) for v in seen])
assert 0 not in seen, seen
' "$M" "$NEW"

# --- REPLY: one inserted line, libical-compatible content ---------------------
py "the REPLY gained exactly one X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE line" '
import sys, email
from email import policy
def cal(path):
    m = email.message_from_binary_file(open(path, "rb"), policy=policy.compat32)
    for p in m.walk():
        if p.get_content_type() == "text/calendar":
            return p.get_payload(decode=True).decode()
    sys.exit("no calendar part")
a = cal(sys.argv[1]).splitlines(); b = cal(sys.argv[2]).splitlines()
added = [l for l in b if l not in a]
assert len(b) == len(a) + 1, (len(a), len(b))
assert len(added) == 1 and added[0].startswith("X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:"), added
dtstamp = [l for l in a if l.startswith("DTSTAMP:")][0].split(":")[1]
assert added[0].split(":")[1] == dtstamp, (added, dtstamp)
assert b[b.index(added[0]) + 1] == "END:VEVENT"
' "$T/orig/q/replies/accepted.eml" "$Q/replies/accepted.eml"

# --- refusals ------------------------------------------------------------------
gen tnef-1601 "$T/real.dat"
ln -s "$T/real.dat" "$T/link.dat"
cp "$T/real.dat" "$T/real.orig"
"$CLI" repair --journal "$J" --backup-dir "$B" "$T/link.dat" > "$T/link.txt" 2>&1
expect_status "a symlink is refused" 1 $?
if cmp -s "$T/real.dat" "$T/real.orig"; then ok "the symlink's target is untouched"; else fail "symlink target changed"; fi

"$CLI" repair --journal "$J" --backup-dir "$B" "$T/does-not-exist" > /dev/null 2>&1
expect_status "a missing PATH is a usage / I/O failure" 2 $?
"$CLI" repair > /dev/null 2>&1
expect_status "no PATH is a usage error" 2 $?

gen tnef-1601 "$T/j.dat"
: > "$T/not-a-dir"
"$CLI" repair --journal "$T/not-a-dir/journal.jsonl" --backup-dir "$T/b2" "$T/j.dat" > /dev/null 2>&1
expect_status "an unwritable journal is an I/O failure" 2 $?
if cmp -s "$T/j.dat" "$T/real.orig"; then ok "without a journal nothing is repaired"; else fail "repaired without journal"; fi

# --- undo: byte-identical originals -------------------------------------------
"$CLI" undo --journal "$J" --list > "$T/list.txt"
if grep -q "$RUN" "$T/list.txt"; then ok "undo --list shows the run"; else fail "undo --list"; fi
"$CLI" undo --journal "$J" --run "$RUN" > "$T/undo.txt" 2>&1
expect_status "undo --run" 0 $?
if (cd "$Q" && sha256sum --quiet -c "$T/orig.sha"); then ok "undo restored every original (SHA-256)"; else fail "undo did not restore"; fi
"$CLI" undo --journal "$J" --run "$RUN" > /dev/null 2>&1
expect_status "undoing again only skips" 0 $?

# Changed after repair: undo refuses.
"$CLI" repair --journal "$J" --backup-dir "$B" "$Q/attach" > /dev/null 2>&1
printf 'x' >> "$Q/attach/winmail.dat"
"$CLI" undo --journal "$J" > "$T/undo2.txt" 2>&1
expect_status "undo of a file changed since is refused" 1 $?

# --- queue actions -------------------------------------------------------------
mkdir -p "$T/Pickup"
gen eml-tnef-1601 "$T/stuck.eml"
"$CLI" queue resubmit --to "$T/Pickup" --journal "$J" "$T/stuck.eml" > /dev/null 2>&1
expect_status "resubmitting an unrepaired message is refused" 1 $?
"$CLI" repair --journal "$J" --backup-dir "$B" "$T/stuck.eml" > /dev/null 2>&1
"$CLI" queue resubmit --to "$T/Pickup" --journal "$J" "$T/stuck.eml" > "$T/resub.txt" 2>&1
expect_status "queue resubmit" 0 $?
set -- "$T"/Pickup/*.eml
if [ -f "$1" ] && cmp -s "$1" "$T/stuck.eml"; then ok "the Pickup copy is a new .eml, byte-identical"; else fail "Pickup copy"; fi
"$CLI" queue hold --to "$T/Hold" --journal "$J" "$T/stuck.eml" > /dev/null 2>&1
expect_status "queue hold" 0 $?
if [ ! -e "$T/stuck.eml" ] && [ -f "$T/Hold/stuck.eml" ]; then ok "held file moved"; else fail "hold"; fi
"$CLI" undo --journal "$J" > /dev/null 2>&1
expect_status "undo of the hold" 0 $?
if [ -f "$T/stuck.eml" ] && [ ! -e "$T/Hold/stuck.eml" ]; then ok "held file is back"; else fail "hold undo"; fi

echo "1..$n"
[ $failures = 0 ]
