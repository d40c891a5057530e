#!/usr/bin/env python3
# test-pst-writer.py — the PST writer (tests/fixturegen) against independent
# readers. TAP output.
#
#   test-pst-writer.py TRACKFIX-GEN PST-PROBE
#
# For every file of `trackfix-gen pst-cases` (ANSI and Unicode; heap rows,
# subnode rows over several blocks, absent cells, embedded messages, NDR,
# each encoding, XBLOCK/XXBLOCK attachments) and for pst-demo / pst-bench:
#  - pst-verify.py (written from [MS-PST], not from the writer) checks
#    every page and block CRC, wSig, the B-trees and the AMaps, and decodes
#    every recipient table: each 0x5FFB cell's existence bit and value;
#  - pst-probe (libpff) finds the messages, recipient rows and 0x5FFB
#    values of the MANIFEST; where the cell is absent it reads 0: libpff
#    ignores the cell existence bitmap, and that difference is asserted;
#  - `pffexport -d` writes the same values into RecipientsItemValues.txt
#    (pffexport exports no recipients for meeting requests);
#  - `readpst -d` logs "Unknown type 0x5ffb Date = …" for every row of the
#    folders' messages.
# Then it damages copies and checks that pst-verify notices.
#
# Copyright 2026 The Trackfix authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

import collections
import datetime
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import importlib.util  # noqa: E402

spec = importlib.util.spec_from_file_location(
    "pst_verify", os.path.join(os.path.dirname(os.path.abspath(__file__)), "pst-verify.py"))
pst_verify = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pst_verify)

GEN, PROBE = sys.argv[1], sys.argv[2]
ZERO = "0000000000000000"
n_test = 0
failed = 0


def ok(cond, name, detail=""):
    global n_test, failed
    n_test += 1
    if cond:
        print("ok %d - %s" % (n_test, name))
    else:
        failed += 1
        print("not ok %d - %s" % (n_test, name))
        for line in str(detail).splitlines()[:30]:
            print("# " + line)


def run(args, **kw):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, **kw)


def verify(path):
    pst = pst_verify.Pst(path)
    try:
        pst.verify()
    except (pst_verify.Bad, struct.error) as e:
        pst.err(str(e))
    return pst.errors


def probe(path):
    r = run([PROBE, path])
    msgs, rows = [], []
    for line in r.stdout.splitlines():
        f = line.split("\t")
        if f[0] == "M":
            msgs.append(f)
        elif f[0] == "R":
            rows.append((f[1], int(f[2]), f[3]))
    return r, msgs, rows


def pffexport_values(path, tmp):
    target = os.path.join(tmp, "pffexport")
    shutil.rmtree(target + ".export", ignore_errors=True)
    r = run(["pffexport", "-q", "-d", "-m", "all", "-f", "text", "-t", target, path])
    values = []
    for root, _dirs, files in os.walk(target + ".export"):
        if "RecipientsItemValues.txt" not in files:
            continue
        with open(os.path.join(root, "RecipientsItemValues.txt"), errors="replace") as f:
            text = f.read()
        for m in re.finditer(r"Entry type:\s+0x00005ffb\s+Value type:\s+0x00000040\s+Value:\s+"
                             r"0x00000000: ((?:[0-9a-f]{2} ){8})", text):
            b = bytes.fromhex(m.group(1).replace(" ", ""))
            values.append("%016X" % struct.unpack("<Q", b)[0])
    shutil.rmtree(target + ".export", ignore_errors=True)
    return r, values


def ctime(value):
    dt = datetime.datetime(1601, 1, 1) + datetime.timedelta(microseconds=int(value, 16) // 10)
    return "%s %2d %s" % (dt.strftime("%a %b"), dt.day, dt.strftime("%H:%M:%S ") + str(dt.year))


def readpst_dates(path, tmp):
    out = os.path.join(tmp, "readpst")
    shutil.rmtree(out, ignore_errors=True)
    os.mkdir(out)
    log = os.path.join(tmp, "readpst.log")
    r = run(["readpst", "-q", "-d", log, "-o", out, "-D", "-M", path])
    with open(log, errors="replace") as f:
        dates = re.findall(r'Unknown type 0x5ffb Date = "([^\n"]+)', f.read())
    shutil.rmtree(out, ignore_errors=True)
    os.unlink(log)
    return r, [d.strip() for d in dates]


def read_manifest(path):
    files = collections.OrderedDict()
    for line in open(path, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if f[0] == "F":
            files[f[1]] = {"messages": int(f[2]), "rows": int(f[3]), "cells": []}
        elif f[0] == "R":
            files[f[1]]["cells"].append({"depth": int(f[2]), "class": f[3], "subject": f[4],
                                         "row": int(f[5]), "value": f[6]})
    return files


def check_case(path, expect, tmp):
    name = os.path.basename(path)
    errors = verify(path)
    ok(not errors, "%s: every page and block CRC, wSig, B-tree and AMap verify" % name, "\n".join(errors))

    r, msgs, rows = probe(path)
    ok(r.returncode == 0, "%s: libpff opens it and reads every item" % name, r.stderr)
    ok(len(msgs) == expect["messages"] and sum(int(m[5]) for m in msgs) == expect["rows"],
       "%s: libpff finds %d messages and %d recipient rows" % (name, expect["messages"], expect["rows"]),
       "libpff: %d messages, %d rows" % (len(msgs), sum(int(m[5]) for m in msgs)))
    wrong = []
    absent = 0
    by_row = {(subject, row): value for subject, row, value in rows}
    for c in expect["cells"]:
        got = by_row.get((c["subject"], c["row"]))
        want = ZERO if c["value"] == "absent" else c["value"]
        absent += c["value"] == "absent"
        if got != want:
            wrong.append("%s row %d: libpff %s, expected %s (%s)" % (c["subject"], c["row"], got, want, c["value"]))
    ok(not wrong, "%s: libpff reads every 0x5FFB value; the %d absent cells read as 0 (CEB ignored)"
       % (name, absent), "\n".join(wrong))

    # the cell existence bits, decoded from the spec by pst-verify.py
    pst = pst_verify.Pst(path)
    pst.verify()
    cells = pst.recipient_cells()
    wrong = []
    for m in msgs:
        nid, subject = int(m[2], 16), m[4]
        want = [c for c in expect["cells"] if c["subject"] == subject]
        got = cells.get(nid, [])
        if len(got) != len(want):
            wrong.append("%s: %d rows, expected %d" % (subject, len(got), len(want)))
        for c, (exists, value) in zip(want, got):
            if exists != (c["value"] != "absent") or (exists and "%016X" % value != c["value"]):
                wrong.append("%s row %d: CEB %s value %016X, expected %s" % (subject, c["row"], exists, value, c["value"]))
    ok(not wrong and len(cells) == len(msgs),
       "%s: every cell-existence bit and value as written (absent cells have their bit clear)" % name,
       "\n".join(wrong))
    if name.startswith("subnode-rows"):
        where = list(pst.matrix.values())
        ok(len(where) == 1 and where[0].startswith("subnode") and int(where[0].split()[1]) >= 2,
           "%s: the row matrix is a subnode over 2+ blocks (%s)" % (name, where), where)
    if name.startswith("heap-rows"):
        ok(set(pst.matrix.values()) == {"heap"}, "%s: every row matrix is in the heap" % name, pst.matrix)
    if name == "many-unicode.pst":
        ok(pst.kinds.get("XXBLOCK", 0) >= 1 and pst.kinds.get("XBLOCK", 0) >= 2,
           "%s: the 9 MB attachment needs an XXBLOCK" % name, pst.kinds)

    r, values = pffexport_values(path, tmp)
    want = sorted(ZERO if c["value"] == "absent" else c["value"] for c in expect["cells"]
                  if not c["class"].startswith("IPM.Schedule.Meeting"))
    ok(r.returncode == 0 and sorted(values) == want,
       "%s: pffexport -d writes the %d values to RecipientsItemValues.txt" % (name, len(want)),
       "rc %d %s\ngot %s\nwant %s" % (r.returncode, r.stderr, sorted(values), want))

    r, dates = readpst_dates(path, tmp)
    top = collections.Counter(ctime(ZERO if c["value"] == "absent" else c["value"])
                              for c in expect["cells"] if c["depth"] == 0)
    every = collections.Counter(ctime(ZERO if c["value"] == "absent" else c["value"]) for c in expect["cells"])
    got = collections.Counter(dates)
    ok(r.returncode == 0 and not (top - got) and not (got - every),
       "%s: readpst -d logs the 0x5ffb date of every row (%d)" % (name, len(dates)),
       "rc %d %s\nmissing %s\nextra %s" % (r.returncode, r.stderr, top - got, got - every))


def check_damage(src, tmp):
    """pst-verify must notice a flipped byte in a block, a page and the header"""
    pst = pst_verify.Pst(src)
    pst.verify()
    block_ib = min(ib for ib, _cb in pst.bbt.values())
    page_ib = pst.nbt_ref[1]
    for what, offset in (("block data", block_ib + 1), ("NBT page", page_ib + 3), ("header", 100)):
        bad = os.path.join(tmp, "damaged.pst")
        shutil.copy(src, bad)
        with open(bad, "r+b") as f:
            f.seek(offset)
            b = f.read(1)
            f.seek(offset)
            f.write(bytes([b[0] ^ 0x5A]))
        errors = verify(bad)
        ok(any("CRC" in e for e in errors), "pst-verify reports a CRC error after a flipped byte in the %s" % what,
           "\n".join(errors))
        os.unlink(bad)


def main():
    tmp = tempfile.mkdtemp(prefix="test-pst-writer-")
    try:
        cases = os.path.join(tmp, "cases")
        r = run([GEN, "pst-cases", cases])
        ok(r.returncode == 0, "trackfix-gen pst-cases writes the test set", r.stderr)
        expect = read_manifest(os.path.join(cases, "MANIFEST"))
        kinds = {c["value"] for e in expect.values() for c in e["cells"]}
        ok(len(expect) == 16 and {"absent", ZERO}.issubset(kinds),
           "MANIFEST lists 16 files (8 cases, ANSI and Unicode) with 1601 and absent cells", sorted(expect))
        for name, e in expect.items():
            check_case(os.path.join(cases, name), e, tmp)

        check_damage(os.path.join(cases, "heap-rows-unicode.pst"), tmp)
        check_damage(os.path.join(cases, "heap-rows-ansi.pst"), tmp)

        demo = os.path.join(tmp, "demo.pst")
        r = run([GEN, "pst-demo", demo])
        ok(r.returncode == 0 and not verify(demo), "pst-demo writes a valid file", r.stderr)
        r, msgs, rows = probe(demo)
        zeros = sorted(subject for subject, _row, value in rows if value == ZERO)
        ok(r.returncode == 0 and len(msgs) == 6 and
           zeros == ["Architecture board", "Project standup (moved)", "Q3 budget review", "Updated: Q3 budget review"],
           "pst-demo: 5 items and an exception; 1601 rows (and the absent cell, as libpff reads it)",
           "%s\n%s" % (msgs, zeros))

        bench = os.path.join(tmp, "bench.pst")
        r = run([GEN, "pst-bench", bench, "--size", "12M", "--messages", "40"])
        size = os.path.getsize(bench) if os.path.exists(bench) else 0
        ok(r.returncode == 0 and 11 << 20 < size < 14 << 20 and not verify(bench),
           "pst-bench --size 12M --messages 40 writes a valid file of about 12 MiB (%d bytes)" % size, r.stderr)
        r, msgs, rows = probe(bench)
        ok(r.returncode == 0 and len(msgs) == 40 and len(rows) == 120,
           "pst-bench: libpff finds 40 messages with 3 rows each", "%d %d" % (len(msgs), len(rows)))
        r = run([GEN, "pst-bench", bench, "--ansi", "--crypt", "cyclic", "--size", "3M", "--messages", "30"])
        errors = verify(bench)
        pst = pst_verify.Pst(bench)
        pst.verify()
        ok(r.returncode == 0 and not errors and not pst.unicode and pst.crypt == 2
           and len(pst.recipient_cells()) == 30,
           "pst-bench --ansi --crypt cyclic writes a valid ANSI file with 30 messages", r.stderr)
        for bad in (["--size", "12X"], ["--crypt", "rot13"], ["--messages", "0"], ["--size"]):
            r = run([GEN, "pst-bench", bench] + bad)
            ok(r.returncode == 2, "pst-bench refuses %s" % " ".join(bad), r.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % n_test)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
