#!/bin/sh
# test-cli-flag.sh — trackfix-cli flag: status, enable, disable, export-reg,
# command; results checked independently with hivexregedit (Win::Hivex).
#
# Copyright 2026 The Trackfix authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Test hives are built from the corpus template hive/hivex-minimal (a root
# key only) with `hivexregedit --merge` of generated .reg files. Exit 77
# (skip) when the corpus or hivexregedit is missing.

set -u

CLI="${TRACKFIX_BUILD_ROOT:?}/src/cli/trackfix-cli"
CORPUS="${TRACKFIX_CORPUS_DIR:-}"
HIVE_DIR="$CORPUS/hive"
GUID='{85D2DDB8-6225-11D2-BDF1-00C04FD655B5}'
KEY_BELOW_CS="Services\\MSExchangeIS\\ParametersSystem\\InternetContent\\MimeHandlers\\$GUID"

if [ ! -f "$HIVE_DIR/hivex-minimal" ]; then
  echo "SKIP: corpus not available (TRACKFIX_CORPUS_DIR)"
  exit 77
fi
for tool in hivexregedit iconv python3 cmp od; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool not installed"
    exit 77
  fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/trackfix-flag-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT INT TERM

. "${TRACKFIX_SOURCE_ROOT:?}/tests/sh/tap.sh"
check () { # check DESCRIPTION COMMAND...
  desc=$1; shift
  if "$@"; then ok "$desc"; else fail "$desc"; fi
}
expect_rc () { # expect_rc WANT DESCRIPTION COMMAND...
  want=$1; desc=$2; shift 2
  "$@" >"$T/out" 2>"$T/err"
  rc=$?
  if [ "$rc" -eq "$want" ]; then ok "$desc (exit $rc)"; else fail "$desc: exit $rc, wanted $want"; sed 's/^/# /' "$T/out" "$T/err"; fi
}
contains () { grep -F -q -- "$2" "$1"; }
lacks () { ! grep -F -q -- "$2" "$1"; }
sha () { sha256sum "$1" | cut -d' ' -f1; }
json_get () { # json_get FILE KEY
  python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print("null" if v is None else v)' "$1" "$2"
}

# A .reg (ASCII, CRLF) that hivexregedit merges below the hive root; every
# intermediate key is listed because hivexregedit does not create parents.
make_reg () { # make_reg OUT CURRENT [CONTROL SET KEY PATHS…]
  reg_out=$1; current=$2; shift 2
  {
    printf 'Windows Registry Editor Version 5.00\r\n\r\n'
    printf '[HKEY_LOCAL_MACHINE\\SYSTEM\\Select]\r\n"Current"=dword:%08x\r\n"Default"=dword:%08x\r\n"Failed"=dword:00000000\r\n"LastKnownGood"=dword:%08x\r\n\r\n' \
      "$current" "$current" "$current"
    for path in "$@"; do
      acc=""
      old_ifs=$IFS; IFS='\'
      for part in $path; do
        acc="${acc:+$acc\\}$part"
        printf '[HKEY_LOCAL_MACHINE\\SYSTEM\\%s]\r\n\r\n' "$acc"
      done
      IFS=$old_ifs
    done
  } >"$reg_out"
}

make_hive () { # make_hive OUT CURRENT [KEY PATHS…]
  hive_out=$1; shift
  cp "$HIVE_DIR/hivex-minimal" "$hive_out" && chmod u+w "$hive_out"
  make_reg "$T/build.reg" "$@"
  hivexregedit --merge --prefix 'HKEY_LOCAL_MACHINE\SYSTEM' "$hive_out" "$T/build.reg" || { echo "# hivexregedit --merge failed"; exit 2; }
}

export_key () { # export_key HIVE KEY → stdout (hivexregedit, independent of us)
  hivexregedit --export "$1" "$2" 2>/dev/null
}

# ---- a SYSTEM hive with Current = 2 and the store in both control sets ----
H="$T/SYSTEM"
make_hive "$H" 2 'ControlSet001\Services\MSExchangeIS\ParametersSystem' 'ControlSet002\Services\MSExchangeIS\ParametersSystem'
cp "$H" "$T/SYSTEM.orig"

expect_rc 0 "status --json" "$CLI" flag status --hive "$H" --json
cp "$T/out" "$T/status.json"
check "status: control set resolved through Select\\Current" test "$(json_get "$T/status.json" control_set)" = ControlSet002
check "status: Information Store present" test "$(json_get "$T/status.json" exchange_is)" = True
check "status: flag key absent" test "$(json_get "$T/status.json" mime_handler_key)" = False
check "status: value absent" test "$(json_get "$T/status.json" value_state)" = absent
check "status: verdict ready" test "$(json_get "$T/status.json" verdict)" = ready
expect_rc 0 "status (text)" "$CLI" flag status --hive "$H"
check "status text names ControlSet002" contains "$T/out" 'ControlSet002'

# ---- dry run ----
expect_rc 0 "enable --dry-run" "$CLI" flag enable --hive "$H" --dry-run --backup-dir "$T/backups" --journal "$T/journal.jsonl"
check "dry run lists the created keys" contains "$T/out" "create key ControlSet002\\Services\\MSExchangeIS\\ParametersSystem\\InternetContent"
check "dry run lists the {85D2…} key" contains "$T/out" "create key ControlSet002\\$KEY_BELOW_CS"
check "dry run lists the value" contains "$T/out" "set value ControlSet002\\$KEY_BELOW_CS\\FixRecipientTrackStatusTime = REG_DWORD 1"
check "dry run wrote nothing" cmp -s "$H" "$T/SYSTEM.orig"
check "dry run kept no backup" test ! -e "$T/backups"
check "dry run wrote no journal" test ! -e "$T/journal.jsonl"

# ---- enable ----
expect_rc 0 "enable" "$CLI" flag enable --hive "$H" --backup-dir "$T/backups" --journal "$T/journal.jsonl"
check "enable reports the backup" contains "$T/out" "$T/backups/"
check "enable reminds to restart the Information Store" contains "$T/out" 'net stop MSExchangeIS && net start MSExchangeIS'
backup=$(ls "$T/backups" | head -n 1)
check "one backup" test "$(ls "$T/backups" | wc -l)" -eq 1
check "backup is byte-identical to the original" cmp -s "$T/backups/$backup" "$T/SYSTEM.orig"
check "one journal line" test "$(wc -l <"$T/journal.jsonl")" -eq 1
check "journal says flag-enable" contains "$T/journal.jsonl" '"flag-enable"'
check "journal has the original's hash" contains "$T/journal.jsonl" "$(sha "$T/SYSTEM.orig")"
check "journal has the new hash" contains "$T/journal.jsonl" "$(sha "$H")"
export_key "$H" "\\ControlSet002\\$KEY_BELOW_CS" >"$T/cs2.reg"
check "hivexregedit: value is dword 1 in ControlSet002" contains "$T/cs2.reg" '"FixRecipientTrackStatusTime"=dword:00000001'
export_key "$H" '\ControlSet001' >"$T/cs1.reg"
check "hivexregedit: ControlSet001 untouched" lacks "$T/cs1.reg" 'FixRecipientTrackStatusTime'
check "hivexregedit: ControlSet001 still has the store" contains "$T/cs1.reg" '[\ControlSet001\Services\MSExchangeIS\ParametersSystem]'
export_key "$H" '\' >"$T/all.reg"
check "hivexregedit exports the whole hive" contains "$T/all.reg" '"Current"=dword:00000002'
expect_rc 0 "status after enable" "$CLI" flag status --hive "$H" --json
check "status: value one" test "$(json_get "$T/out" value_state)" = one

# ---- idempotence ----
before=$(sha "$H"); mtime=$(stat -c %Y.%i "$H")
expect_rc 0 "enable again" "$CLI" flag enable --hive "$H" --backup-dir "$T/backups" --journal "$T/journal.jsonl"
check "enable again: nothing to do" contains "$T/out" 'Nothing to do'
check "enable again: no second write" test "$(sha "$H")" = "$before" -a "$(stat -c %Y.%i "$H")" = "$mtime"
check "enable again: no second backup" test "$(ls "$T/backups" | wc -l)" -eq 1
check "enable again: no journal entry" test "$(wc -l <"$T/journal.jsonl")" -eq 1

# ---- disable (revert) ----
expect_rc 0 "disable --dry-run" "$CLI" flag disable --hive "$H" --dry-run --backup-dir "$T/backups" --journal "$T/journal.jsonl"
check "disable dry run: delete value" contains "$T/out" "delete value ControlSet002\\$KEY_BELOW_CS\\FixRecipientTrackStatusTime"
check "disable dry run wrote nothing" test "$(sha "$H")" = "$before"
expect_rc 0 "disable" "$CLI" flag disable --hive "$H" --backup-dir "$T/backups" --journal "$T/journal.jsonl"
export_key "$H" "\\ControlSet002\\$KEY_BELOW_CS" >"$T/cs2.reg"
check "hivexregedit: value gone" lacks "$T/cs2.reg" 'FixRecipientTrackStatusTime'
check "hivexregedit: key kept" contains "$T/cs2.reg" "[\\ControlSet002\\$KEY_BELOW_CS]"
check "journal says flag-disable" contains "$T/journal.jsonl" '"flag-disable"'
check "two journal lines" test "$(wc -l <"$T/journal.jsonl")" -eq 2
expect_rc 0 "disable again" "$CLI" flag disable --hive "$H" --backup-dir "$T/backups" --journal "$T/journal.jsonl"
check "disable again: nothing to do" contains "$T/out" 'Nothing to do'
check "disable again: no journal entry" test "$(wc -l <"$T/journal.jsonl")" -eq 2

# ---- refusals: exit 1, file untouched ----
refuse () { # refuse NAME FILE EXPECTED-TEXT
  cp "$2" "$T/r-$1" && chmod u+w "$T/r-$1"
  expect_rc 1 "refuse $1" "$CLI" flag enable --hive "$T/r-$1" --backup-dir "$T/backups-r" --journal "$T/journal-r.jsonl"
  check "refuse $1: reason given" contains "$T/err" "$3"
  check "refuse $1: file unchanged" cmp -s "$2" "$T/r-$1"
}
refuse dirty "$HIVE_DIR/yarp-NewDirtyHive2_NewDirtyHive" 'dirty'
refuse truncated "$HIVE_DIR/yarp-TruncatedHive" 'truncated'
refuse minimal "$HIVE_DIR/hivex-minimal" 'not a SYSTEM hive'
refuse unicode "$HIVE_DIR/yarp-UnicodeHive" 'not a SYSTEM hive'
make_hive "$T/SYSTEM-noex" 1 'ControlSet001\Services\Tcpip'
refuse no-exchange "$T/SYSTEM-noex" 'MSExchangeIS'
check "refusals kept no backup" test ! -e "$T/backups-r"
check "refusals wrote no journal" test ! -e "$T/journal-r.jsonl"
# a pending transaction log beside a clean SYSTEM hive
make_hive "$T/logdir-SYSTEM" 2 'ControlSet002\Services\MSExchangeIS\ParametersSystem'
mkdir "$T/logdir" && mv "$T/logdir-SYSTEM" "$T/logdir/SYSTEM"
seq=$(python3 -c 'import struct,sys; print(struct.unpack_from("<I", open(sys.argv[1],"rb").read(), 8)[0])' "$T/logdir/SYSTEM")
python3 - "$T/logdir/SYSTEM.LOG1" "$seq" <<'EOF'
import struct, sys
buf = bytearray(1024)
buf[0:4] = b"regf"
struct.pack_into("<III", buf, 4, int(sys.argv[2]), int(sys.argv[2]), 0)
struct.pack_into("<I", buf, 0x1c, 6)
buf[512:516] = b"HvLE"
struct.pack_into("<II", buf, 516, 512, 0)
struct.pack_into("<I", buf, 524, int(sys.argv[2]) + 1)
open(sys.argv[1], "wb").write(buf)
EOF
cp "$T/logdir/SYSTEM" "$T/logdir.orig"
expect_rc 1 "refuse hive with pending SYSTEM.LOG1" "$CLI" flag enable --hive "$T/logdir/SYSTEM" --backup-dir "$T/backups-r" --journal "$T/journal-r.jsonl"
check "pending log: reason names the log" contains "$T/err" 'SYSTEM.LOG1'
check "pending log: file unchanged" cmp -s "$T/logdir/SYSTEM" "$T/logdir.orig"
expect_rc 0 "status of a dirty hive still reads" "$CLI" flag status --hive "$T/logdir/SYSTEM" --json
check "status: verdict dirty" test "$(json_get "$T/out" verdict)" = dirty
expect_rc 2 "status of a truncated hive" "$CLI" flag status --hive "$HIVE_DIR/yarp-TruncatedHive"

# ---- usage and I/O errors: exit 2 ----
expect_rc 2 "enable without --hive" "$CLI" flag enable
expect_rc 2 "unknown flag command" "$CLI" flag frobnicate
expect_rc 2 "missing hive file" "$CLI" flag enable --hive "$T/does-not-exist"
expect_rc 2 "export-reg without a file" "$CLI" flag export-reg
expect_rc 0 "flag --help" "$CLI" flag --help
expect_rc 0 "disable --help explains delete vs 0" "$CLI" flag disable --help
check "disable --help says why it deletes" contains "$T/out" 'deleted rather than set to 0'

# ---- export-reg ----
expect_rc 0 "export-reg" "$CLI" flag export-reg "$T/fix.reg"
check ".reg starts with the UTF-16LE BOM FF FE" test "$(od -An -tx1 -N2 "$T/fix.reg" | tr -d ' ')" = fffe
iconv -f UTF-16LE -t UTF-8 "$T/fix.reg" >"$T/fix-utf8.reg" 2>"$T/err"
check ".reg decodes as UTF-16LE" test $? -eq 0 -a ! -s "$T/err"
python3 - "$T/fix.reg" <<'EOF' >"$T/crlf" 2>&1
import sys
data = open(sys.argv[1], "rb").read()
assert data[:2] == b"\xff\xfe", "BOM"
text = data[2:].decode("utf-16-le")
assert text.startswith("Windows Registry Editor Version 5.00\r\n\r\n"), "header"
assert text.endswith("\r\n"), "trailing CRLF"
assert "\n" not in text.replace("\r\n", ""), "bare LF"
assert "\r" not in text.replace("\r\n", ""), "bare CR"
print("crlf-ok")
EOF
check ".reg has CRLF line ends only, header first, trailing CRLF" contains "$T/crlf" 'crlf-ok'
check ".reg sets dword 1" contains "$T/fix-utf8.reg" '"FixRecipientTrackStatusTime"=dword:00000001'
expect_rc 0 "export-reg --revert" "$CLI" flag export-reg --revert "$T/revert.reg"
iconv -f UTF-16LE -t UTF-8 "$T/revert.reg" >"$T/revert-utf8.reg"
check "revert .reg deletes the value" contains "$T/revert-utf8.reg" '"FixRecipientTrackStatusTime"=-'

# Merge the exported files with hivexregedit. What the test does to them:
# hivexregedit reads 8-bit text, so they are converted from UTF-16LE with
# iconv; an offline hive has no CurrentControlSet, so that path element is
# rewritten to the real control set (ControlSet002); and hivexregedit does
# not create missing parent keys, so the target hive already has the keys
# down to MimeHandlers (regedit on Windows creates them itself).
M="$T/merge-SYSTEM"
make_hive "$M" 2 'ControlSet002\Services\MSExchangeIS\ParametersSystem\InternetContent\MimeHandlers'
sed 's/\\CurrentControlSet\\/\\ControlSet002\\/' "$T/fix-utf8.reg" >"$T/fix-cs2.reg"
check "hivexregedit --merge of the exported .reg" hivexregedit --merge --prefix 'HKEY_LOCAL_MACHINE\SYSTEM' "$M" "$T/fix-cs2.reg"
export_key "$M" "\\ControlSet002\\$KEY_BELOW_CS" >"$T/merged.reg"
check "merged .reg set the value" contains "$T/merged.reg" '"FixRecipientTrackStatusTime"=dword:00000001'
expect_rc 0 "status of the merged hive" "$CLI" flag status --hive "$M" --json
check "our status agrees: value one" test "$(json_get "$T/out" value_state)" = one
sed 's/\\CurrentControlSet\\/\\ControlSet002\\/' "$T/revert-utf8.reg" >"$T/revert-cs2.reg"
check "hivexregedit --merge of the revert .reg" hivexregedit --merge --prefix 'HKEY_LOCAL_MACHINE\SYSTEM' "$M" "$T/revert-cs2.reg"
expect_rc 0 "status after the revert merge" "$CLI" flag status --hive "$M" --json
check "our status agrees: value absent" test "$(json_get "$T/out" value_state)" = absent

# ---- command ----
expect_rc 0 "command" "$CLI" flag command
check "reg add line" contains "$T/out" "reg add \"HKLM\\SYSTEM\\CurrentControlSet\\$KEY_BELOW_CS\" /v FixRecipientTrackStatusTime /t REG_DWORD /d 1 /f"
check "restart reminder on stderr" contains "$T/err" 'net stop MSExchangeIS && net start MSExchangeIS'
check "stdout holds only commands" lacks "$T/out" 'net stop'
expect_rc 0 "command --revert" "$CLI" flag command --revert
check "reg delete line" contains "$T/out" "reg delete \"HKLM\\SYSTEM\\CurrentControlSet\\$KEY_BELOW_CS\" /v FixRecipientTrackStatusTime /f"
expect_rc 0 "command --powershell" "$CLI" flag command --powershell
check "PowerShell New-ItemProperty" contains "$T/out" 'New-ItemProperty -LiteralPath $k -Name FixRecipientTrackStatusTime -PropertyType DWord -Value 1 -Force'
check "PowerShell restart" contains "$T/err" 'Restart-Service MSExchangeIS'
expect_rc 0 "command --powershell --revert" "$CLI" flag command --powershell --revert
check "PowerShell Remove-ItemProperty" contains "$T/out" 'Remove-ItemProperty -LiteralPath $k -Name FixRecipientTrackStatusTime'

# ---- read-only extras: SOFTWARE hive and Excdo.dll ----
S="$T/SOFTWARE"
cp "$HIVE_DIR/hivex-minimal" "$S" && chmod u+w "$S"
printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft]\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange]\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange\\Setup]\r\n"ServicePackBuild"=dword:00001dd6\r\n"Services"="C:\\\\Exchsrvr"\r\n\r\n' >"$T/sw.reg"
hivexregedit --merge --prefix 'HKEY_LOCAL_MACHINE\SOFTWARE' "$S" "$T/sw.reg"
printf 'not a dll' >"$T/Excdo.dll"
expect_rc 2 "status with SOFTWARE hive and a broken Excdo.dll" "$CLI" flag status --hive "$H" --software "$S" --excdo "$T/Excdo.dll"
check "Setup values listed" contains "$T/out" 'ServicePackBuild = REG_DWORD 0x00001dd6 (7638)'
check "Setup string listed" contains "$T/out" 'Services = REG_SZ "C:\Exchsrvr"'
check "Excdo.dll error reported" contains "$T/err" 'MZ'

echo "1..$n"
[ "$failures" -eq 0 ]
