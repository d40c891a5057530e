#!/usr/bin/env python3
# gen-hostile.py — builds the hostile input corpus of issue 7 §3
#
# Copyright 2026 The Trackfix authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: gen-hostile.py DIR [--bigdir N]
#
# Writes into DIR/files one file per hostile case (TNEF, .msg/CFB, MIME,
# iCalendar, DSN, mbox), the symlink loops and a FIFO, plus healthy
# "canary" files sorted before and after the hostile ones so a test can see
# the scan went on; DIR/hives the damaged registry hives; DIR/bigdir N tiny
# queue files when --bigdir is given. DIR/MANIFEST lists every case:
#
#   name <TAB> expect <TAB> what it is
#
# expect: "error"  — must come back as an item with a PARSE_ERROR finding
#                    carrying a reason;
#         "handled" — any outcome except a crash, hang or missing item
#                    (damage that still leaves something readable);
#         "skip"    — not a file the scanner reads (symlink, FIFO): the scan
#                    must go on; an item is optional;
#         "finding:CODE" — must be read and report finding CODE (canaries).
# Hives are listed as hives/NAME with expect "hive-error" or "hive-handled".
#
# Everything is generated with the standard library only, so the corpus
# stays out of the repository and costs nothing to keep.

import base64
import os
import struct
import sys

MANIFEST = []
FILES = None


def emit(name, data, expect, what):
    with open(os.path.join(FILES, name), "wb") as f:
        f.write(data)
    MANIFEST.append((name, expect, what))


# ------------------------------------------------------------------ TNEF

TNEF_SIG = struct.pack("<IH", 0x223E9F78, 0x0001)
ATT_TNEF_VERSION = 0x00089006
ATT_OEM_CODEPAGE = 0x00069007
ATT_MESSAGE_CLASS = 0x00078008
ATT_DATE_SENT = 0x00038005
ATT_MSG_PROPS = 0x00069003
ATT_RECIP_TABLE = 0x00069004
ATT_ATTACH_REND_DATA = 0x00069002
ATT_ATTACHMENT = 0x00069005

FT_GOOD = 0x01C902B5A2F6E000

IID_IMESSAGE = bytes.fromhex("0703020000000000c000000000000046")


def attr(level, attr_id, data, length=None, checksum=None):
    if length is None:
        length = len(data)
    if checksum is None:
        checksum = sum(data) & 0xFFFF
    return struct.pack("<BII", level, attr_id, length) + data + struct.pack("<H", checksum)


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def prop_string8(prop_id, text, count=1, size=None, raw=None):
    data = raw if raw is not None else text.encode("latin-1") + b"\0"
    if size is None:
        size = len(data)
    return struct.pack("<III", (prop_id << 16) | 0x001E, count, size) + pad4(data)


def prop_long(prop_id, value):
    return struct.pack("<Ii", (prop_id << 16) | 0x0003, value)


def prop_systime(prop_id, ft):
    return struct.pack("<IQ", (prop_id << 16) | 0x0040, ft)


def row(props):
    return struct.pack("<I", len(props)) + b"".join(props)


def recip_row(address, ft=FT_GOOD, status=3):
    props = [prop_string8(0x3001, address.split("@")[0]),
             prop_string8(0x39FE, address),
             prop_long(0x0C15, 1),
             prop_long(0x5FFF, status)]
    if ft is not None:
        props.append(prop_systime(0x5FFB, ft))
    return row(props)


def tnef(extra_attrs=b"", rows=None, recip_attr=None, cls=b"IPM.Schedule.Meeting.Request\0"):
    out = TNEF_SIG
    out += attr(1, ATT_TNEF_VERSION, struct.pack("<I", 0x00010000))
    out += attr(1, ATT_OEM_CODEPAGE, struct.pack("<II", 1252, 0))
    out += attr(1, ATT_MESSAGE_CLASS, cls)
    out += extra_attrs
    if recip_attr is not None:
        out += recip_attr
    elif rows is not None:
        out += attr(1, ATT_RECIP_TABLE, struct.pack("<I", len(rows)) + b"".join(rows))
    return out


def healthy_tnef(stuck=True):
    return tnef(rows=[recip_row("organizer@example.com", FT_GOOD, 1),
                      recip_row("bob@example.com", 0 if stuck else FT_GOOD, 3)])


def gen_tnef():
    good_rows = [recip_row("ann@example.com"), recip_row("bob@example.com", 0)]
    table = struct.pack("<I", 2) + b"".join(good_rows)

    emit("tnef-attr-len-past-end.dat",
         tnef(recip_attr=struct.pack("<BII", 1, ATT_RECIP_TABLE, len(table) + 4096) + table),
         "error", "attRecipTable length points 4096 bytes past the end")
    emit("tnef-attr-len-ffffffff.dat",
         tnef(recip_attr=struct.pack("<BII", 1, ATT_RECIP_TABLE, 0xFFFFFFFF) + table),
         "error", "attribute length 0xFFFFFFFF")
    emit("tnef-attr-len-overflow.dat",
         tnef(recip_attr=struct.pack("<BII", 1, ATT_RECIP_TABLE, 0xFFFFFFF9) + table),
         "error", "attribute length + header + checksum wraps 32 bits")
    emit("tnef-rows-ffffffff.dat",
         tnef(recip_attr=attr(1, ATT_RECIP_TABLE, struct.pack("<I", 0xFFFFFFFF) + good_rows[0])),
         "error", "recipient row count 0xFFFFFFFF, one row present")
    emit("tnef-rows-zero.dat",
         tnef(rows=[]),
         "handled", "recipient table with zero rows")
    emit("tnef-props-ffffffff.dat",
         tnef(recip_attr=attr(1, ATT_RECIP_TABLE, struct.pack("<II", 1, 0xFFFFFFFF)
                              + prop_long(0x5FFF, 3))),
         "error", "property count 0xFFFFFFFF in a row")
    emit("tnef-props-zero.dat",
         tnef(recip_attr=attr(1, ATT_RECIP_TABLE, struct.pack("<III", 2, 0, 0))),
         "handled", "two rows with zero properties")
    emit("tnef-string-size-ffffffff.dat",
         tnef(rows=[row([prop_string8(0x39FE, "", size=0xFFFFFFFF, raw=b"abc@example.com\0")])]),
         "error", "string size 0xFFFFFFFF")
    emit("tnef-string-pad-overflow.dat",
         tnef(rows=[row([prop_string8(0x39FE, "", size=0xFFFFFFFD, raw=b"abc\0")])]),
         "error", "string size 0xFFFFFFFD: size + padding wraps 32 bits to 0")
    emit("tnef-string-count-zero.dat",
         tnef(rows=[row([struct.pack("<II", (0x39FE << 16) | 0x001E, 0),
                         prop_long(0x5FFF, 3), prop_systime(0x5FFB, 0)])]),
         "handled", "single-valued string with value count 0")
    emit("tnef-string-count-huge.dat",
         tnef(rows=[row([struct.pack("<III", (0x39FE << 16) | 0x001E, 0x40000001, 4) + b"abc\0"])]),
         "error", "string value count 0x40000001")
    emit("tnef-mv-count-zero.dat",
         tnef(rows=[row([struct.pack("<II", (0x6001 << 16) | 0x1003, 0),
                         prop_string8(0x39FE, "zero@example.com"), prop_systime(0x5FFB, 0)])]),
         "handled", "PT_MV_LONG with count 0")
    emit("tnef-mv-count-overflow.dat",
         tnef(rows=[row([struct.pack("<II", (0x6001 << 16) | 0x1003, 0x40000000) + b"\1\0\0\0"])]),
         "error", "PT_MV_LONG count 0x40000000: count × 4 wraps 32 bits")
    emit("tnef-mv-binary-huge.dat",
         tnef(rows=[row([struct.pack("<III", (0x0FFF << 16) | 0x1102, 3, 0xFFFFFFF0) + b"xx"])]),
         "error", "PT_MV_BINARY value size past the buffer")
    emit("tnef-string-no-nul.dat",
         tnef(rows=[row([prop_string8(0x3001, "", raw=b"NoTerminator"),
                         prop_string8(0x39FE, "", raw=b"nonul@example.com"),
                         prop_long(0x5FFF, 3), prop_systime(0x5FFB, 0)])],
              cls=b"IPM.Schedule.Meeting.Request"),
         "handled", "strings and message class without terminating NUL")
    emit("tnef-string-size-zero.dat",
         tnef(rows=[row([prop_string8(0x3001, "", raw=b""), prop_string8(0x39FE, "", raw=b""),
                         prop_long(0x5FFF, 3), prop_systime(0x5FFB, 0)])]),
         "handled", "zero-length strings (ytnef #111)")
    emit("tnef-unicode-odd.dat",
         tnef(rows=[row([struct.pack("<III", (0x39FE << 16) | 0x001F, 1, 5) + pad4(b"a\0b\0c")])]),
         "handled", "PT_UNICODE string with an odd byte count")
    emit("tnef-named-len-huge.dat",
         tnef(rows=[row([struct.pack("<I", (0x8001 << 16) | 0x0003) + bytes(16)
                         + struct.pack("<II", 1, 0xFFFFFFFE) + b"n\0"])]),
         "error", "named property MNID_STRING name length 0xFFFFFFFE")
    emit("tnef-unknown-type.dat",
         tnef(rows=[row([struct.pack("<II", (0x3001 << 16) | 0x0E0E, 5)])]),
         "handled", "property of an unknown type")
    emit("tnef-truncated-row.dat",
         healthy_tnef()[:-23],
         "error", "stream cut inside the recipient table")
    emit("tnef-truncated-header.dat",
         TNEF_SIG + b"\x01\x06\x90",
         "error", "stream cut inside the first attribute header")
    emit("tnef-signature-only.dat",
         TNEF_SIG,
         "handled", "signature and key, no attributes")
    emit("tnef-date-short.dat",
         tnef(extra_attrs=attr(1, ATT_DATE_SENT, b"\xd8\x07"), rows=good_rows),
         "handled", "attDateSent shorter than 14 bytes (ytnef #39/#46)")
    emit("tnef-version-short.dat",
         TNEF_SIG + attr(1, ATT_TNEF_VERSION, b"\x00") + attr(1, ATT_RECIP_TABLE, table),
         "handled", "attTnefVersion of 1 byte (ytnef #33/#86)")
    emit("tnef-msgprops-count-huge.dat",
         tnef(extra_attrs=attr(1, ATT_MSG_PROPS, struct.pack("<I", 0x7FFFFFFF)), rows=good_rows),
         "error", "attMsgProps count 0x7FFFFFFF with no data")
    emit("tnef-bad-checksum.dat",
         tnef(recip_attr=attr(1, ATT_RECIP_TABLE, table, checksum=0x1234)),
         "handled", "recipient table checksum wrong (TNEF_CHECKSUM)")

    # An embedded message (PT_OBJECT, IID_IMessage) inside an embedded
    # message, 40 levels deep: far past any sane nesting.
    inner = healthy_tnef()
    for _ in range(40):
        obj = struct.pack("<III", (0x3701 << 16) | 0x000D, 1, 16 + len(inner)) + pad4(IID_IMESSAGE + inner)
        att = (attr(2, ATT_ATTACH_REND_DATA, bytes(14))
               + attr(2, ATT_ATTACHMENT, struct.pack("<I", 1) + obj))
        inner = tnef(extra_attrs=b"", rows=[recip_row("x@example.com")]) + att
    emit("tnef-nested-40.dat", inner, "error", "embedded messages nested 40 deep (past the limit: PARSE_ERROR)")

    # An embedded object whose declared size exceeds the attribute.
    obj = struct.pack("<III", (0x3701 << 16) | 0x000D, 1, 0xFFFFFFF0) + IID_IMESSAGE + healthy_tnef()
    emit("tnef-object-size-huge.dat",
         tnef(rows=good_rows) + attr(2, ATT_ATTACH_REND_DATA, bytes(14))
         + attr(2, ATT_ATTACHMENT, struct.pack("<I", 1) + obj),
         "handled", "PT_OBJECT size 0xFFFFFFF0 inside attAttachment")

    many = [recip_row("r%d@example.com" % i, 0 if i % 2 else FT_GOOD) for i in range(20000)]
    emit("tnef-rows-20000.dat", tnef(rows=many), "handled", "20,000 recipient rows")


# ------------------------------------------------------------------ CFB / .msg

ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF


def utf16z(s):
    return s.encode("utf-16-le") + b"\0\0"


def dir_entry(name, etype, left=NOSTREAM, right=NOSTREAM, child=NOSTREAM, start=0, size=0):
    n = utf16z(name) if name else b""
    e = n + bytes(64 - len(n))
    e += struct.pack("<HBB", len(n), etype, 1)
    e += struct.pack("<III", left, right, child)
    e += bytes(16) + struct.pack("<I", 0) + bytes(16)
    e += struct.pack("<IQ", start, size)
    assert len(e) == 128
    return e


def props_entry(tag, value8):
    return struct.pack("<II", tag, 6) + value8


def build_msg(mut=None):
    """A minimal valid .msg: one recipient with a 1601 track-status time.
    @mut(ctx) may damage the structures before they are laid out."""
    klass = utf16z("IPM.Schedule.Meeting.Request")
    smtp = utf16z("bob@example.com")
    top_props = bytes(8) + struct.pack("<IIII", 1, 0, 1, 0) + bytes(8)
    top_props += props_entry(0x001A001F, struct.pack("<II", len(klass), 0))
    rcp_props = bytes(8)
    rcp_props += props_entry(0x0C150003, struct.pack("<II", 1, 0))
    rcp_props += props_entry(0x5FFF0003, struct.pack("<II", 3, 0))
    rcp_props += props_entry(0x5FFB0040, struct.pack("<Q", 0))
    rcp_props += props_entry(0x39FE001F, struct.pack("<II", len(smtp), 0))

    streams = [klass, top_props, rcp_props, smtp]   # mini stream order
    mini = b""
    starts = []
    for s in streams:
        starts.append(len(mini) // 64)
        mini += s + bytes(-len(s) % 64)
    n_mini = len(mini) // 64
    minifat = []
    for s, st in zip(streams, starts):
        k = (len(s) + 63) // 64
        for j in range(k):
            minifat.append(st + j + 1 if j + 1 < k else ENDOFCHAIN)
    ctx = {
        "starts": starts, "sizes": [len(s) for s in streams], "minifat": minifat,
        "root_start": 4, "root_size": len(mini), "dir_chain": [1, 2],
        "header": {}, "fat_patch": {}, "dir_patch": {}, "truncate": None,
    }
    if mut:
        mut(ctx)

    # Directory: 0 root, 1 substg class, 2 props, 3 recip storage,
    # 4 recip props, 5 recip smtp; BST order = (length, upper-case name).
    d = ctx["dir_patch"]
    ents = [
        dict(name="Root Entry", etype=5, child=2, start=ctx["root_start"], size=ctx["root_size"]),
        dict(name="__substg1.0_001A001F", etype=2, start=starts[0], size=ctx["sizes"][0]),
        dict(name="__properties_version1.0", etype=2, left=1, right=3, start=starts[1], size=ctx["sizes"][1]),
        dict(name="__recip_version1.0_#00000000", etype=1, child=4),
        dict(name="__properties_version1.0", etype=2, left=5, start=starts[2], size=ctx["sizes"][2]),
        dict(name="__substg1.0_39FE001F", etype=2, start=starts[3], size=ctx["sizes"][3]),
    ]
    for i, changes in d.items():
        ents[i].update(changes)
    dir_bytes = b"".join(dir_entry(**e) for e in ents)
    dir_bytes += bytes(1024 - len(dir_bytes))

    n_root_sectors = (n_mini * 64 + 511) // 512
    fat = [FREESECT] * 128
    fat[0] = FATSECT
    fat[1], fat[2] = 2, ENDOFCHAIN
    fat[3] = ENDOFCHAIN
    for j in range(n_root_sectors):
        fat[4 + j] = 4 + j + 1 if j + 1 < n_root_sectors else ENDOFCHAIN
    for k, v in ctx["fat_patch"].items():
        fat[k] = v
    minifat_bytes = struct.pack("<%dI" % len(ctx["minifat"]), *ctx["minifat"])
    minifat_bytes += b"\xff" * (512 - len(minifat_bytes))

    hdr = {
        "sig": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "minor": 0x3E, "major": 3, "bom": 0xFFFE,
        "shift": 9, "mini_shift": 6, "n_dir": 0, "n_fat": 1, "first_dir": ctx["dir_chain"][0],
        "cutoff": 4096, "first_minifat": 3, "n_minifat": 1, "first_difat": ENDOFCHAIN,
        "n_difat": 0, "difat0": 0,
    }
    hdr.update(ctx["header"])
    h = hdr["sig"] + bytes(16)
    h += struct.pack("<HHHHH", hdr["minor"], hdr["major"], hdr["bom"], hdr["shift"], hdr["mini_shift"])
    h += bytes(6)
    h += struct.pack("<IIII", hdr["n_dir"], hdr["n_fat"], hdr["first_dir"], 0)
    h += struct.pack("<IIIII", hdr["cutoff"], hdr["first_minifat"], hdr["n_minifat"],
                     hdr["first_difat"], hdr["n_difat"])
    h += struct.pack("<I", hdr["difat0"]) + b"\xff" * (4 * 108)
    assert len(h) == 512

    body = struct.pack("<128I", *fat) + dir_bytes + minifat_bytes
    body += mini + bytes(-len(mini) % 512)
    out = h + body
    if ctx["truncate"] is not None:
        out = out[:ctx["truncate"]]
    return out


def gen_msg():
    emit("aa-canary.msg", build_msg(), "finding:TRACK_TIME_1601", "healthy .msg, 1601 track time")

    def fat_loop(c):
        c["fat_patch"] = {4: 4}
        c["root_size"] = 4096
    emit("msg-fat-loop.msg", build_msg(fat_loop), "error", "FAT chain of the mini stream loops on itself")

    def dir_loop(c):
        c["fat_patch"] = {2: 1}
    emit("msg-dir-chain-loop.msg", build_msg(dir_loop), "error", "directory sector chain loops 1 → 2 → 1")

    def start_oor(c):
        c["root_start"] = 100000
    emit("msg-sector-out-of-range.msg", build_msg(start_oor), "error",
         "root (mini stream) starts at sector 100000, past the file")

    def fat_entry_oor(c):
        c["fat_patch"] = {4: 0x00FFFFFF}
        c["root_size"] = 4096
    emit("msg-fat-next-out-of-range.msg", build_msg(fat_entry_oor), "error",
         "FAT chain continues to sector 0x00FFFFFF")

    def minifat_loop(c):
        c["minifat"][c["starts"][2]] = c["starts"][2]
    emit("msg-minifat-loop.msg", build_msg(minifat_loop), "error",
         "mini FAT chain of the recipient properties loops")

    def mini_oor(c):
        c["dir_patch"] = {4: {"start": 5000}}
    emit("msg-mini-sector-out-of-range.msg", build_msg(mini_oor), "error",
         "recipient stream starts at mini sector 5000")

    def size_huge(c):
        c["dir_patch"] = {4: {"size": 0xFFFFFFFF}}
    emit("msg-stream-size-ffffffff.msg", build_msg(size_huge), "error",
         "recipient property stream size 0xFFFFFFFF")

    def tree_cycle(c):
        c["dir_patch"] = {2: {"left": 2}}
    emit("msg-dir-tree-cycle.msg", build_msg(tree_cycle), "error",
         "directory tree: an entry is its own left sibling")

    def tree_oor(c):
        c["dir_patch"] = {2: {"right": 0x0FFFFFFF}}
    emit("msg-dir-index-out-of-range.msg", build_msg(tree_oor), "error",
         "directory tree points at entry 0x0FFFFFFF")

    def child_cycle(c):
        c["dir_patch"] = {4: {"left": 3}}
    emit("msg-dir-storage-cycle.msg", build_msg(child_cycle), "error",
         "recipient storage contains itself")

    def shift_bad(c):
        c["header"] = {"shift": 30}
    emit("msg-sector-shift-30.msg", build_msg(shift_bad), "error", "sector shift 30")

    def nfat_huge(c):
        c["header"] = {"n_fat": 0xFFFFFFFF}
    emit("msg-fat-count-ffffffff.msg", build_msg(nfat_huge), "error", "FAT sector count 0xFFFFFFFF")

    def difat_loop(c):
        c["header"] = {"first_difat": 0, "n_difat": 0x7FFFFFFF}
    emit("msg-difat-huge.msg", build_msg(difat_loop), "error",
         "DIFAT count 0x7FFFFFFF, chain starts at the FAT sector")

    def trunc(c):
        c["truncate"] = 1300
    emit("msg-truncated.msg", build_msg(trunc), "error", "file cut inside the directory")

    def name_len(c):
        c["dir_patch"] = {5: {"name": "x" * 31}}
    emit("msg-name-31-chars.msg", build_msg(name_len), "handled", "31-character stream name")

    emit("msg-header-only.msg", build_msg()[:512], "error", "CFB header and nothing else")


def build_cfb(tree):
    """A .msg from a storage tree without a mini stream: every stream is
    padded to the 4096-byte cutoff and kept in regular sectors. @tree is
    (name, children) for a storage, (name, bytes) for a stream; children
    hang off their parent as a chain of right siblings in CFB order."""
    entries = []   # [name, type, left, right, child, data]

    def add(node):
        name, body = node
        idx = len(entries)
        if isinstance(body, bytes):
            entries.append([name, 2, NOSTREAM, NOSTREAM, NOSTREAM, body + bytes(max(0, 4096 - len(body)))])
            return idx
        entries.append([name, 1 if idx else 5, NOSTREAM, NOSTREAM, NOSTREAM, None])
        kids = sorted(body, key=lambda k: (len(k[0]), k[0].upper()))
        prev = None
        for k in kids:
            kid = add(k)
            if prev is None:
                entries[idx][4] = kid
            else:
                entries[prev][3] = kid
            prev = kid
        return idx

    add(("Root Entry", tree))
    n_dir = (len(entries) + 3) // 4
    n_data = sum(len(e[5]) // 512 for e in entries if e[5] is not None)
    n_fat = (1 + n_dir + n_data + 127) // 127
    fat = [FATSECT] * n_fat
    fat += [n_fat + i + 1 for i in range(n_dir - 1)] + [ENDOFCHAIN]
    data = b""
    dirs = b""
    for e in entries:
        start, size = ENDOFCHAIN, 0
        if e[5] is not None:
            start, size = len(fat), len(e[5])
            k = size // 512
            fat += [start + i + 1 for i in range(k - 1)] + [ENDOFCHAIN]
            data += e[5]
        dirs += dir_entry(e[0], e[1], e[2], e[3], e[4], start, size)
    dirs += bytes(n_dir * 512 - len(dirs))
    assert len(fat) <= n_fat * 128 and n_fat <= 109
    fat += [FREESECT] * (n_fat * 128 - len(fat))
    h = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
    h += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
    h += struct.pack("<IIII", 0, n_fat, n_fat, 0)
    h += struct.pack("<IIIII", 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
    h += struct.pack("<109I", *(list(range(n_fat)) + [FREESECT] * (109 - n_fat)))
    return h + struct.pack("<%dI" % len(fat), *fat) + dirs + data


def gen_msg_embedded():
    """Embedded messages (attach method 5, __substg1.0_3701000D) nested
    far past the reader's limit, and one whose storage contains its own
    ancestor."""
    def message(inner, with_row):
        props = bytes(24)
        kids = [("__properties_version1.0", props)]
        if with_row:
            rcp = bytes(8) + props_entry(0x0C150003, struct.pack("<II", 1, 0))
            rcp += props_entry(0x5FFB0040, struct.pack("<Q", 0))
            kids.append(("__recip_version1.0_#00000000", [("__properties_version1.0", rcp)]))
        if inner is not None:
            att = bytes(8) + props_entry(0x37050003, struct.pack("<II", 5, 0))
            kids.append(("__attach_version1.0_#00000000",
                         [("__properties_version1.0", att), ("__substg1.0_3701000D", inner)]))
        return kids

    for depth, why in ((10, "past the reader's limit of 3"), (40, "80 storages, past the CFB nesting limit")):
        inner = message(None, True)
        for _ in range(depth):
            inner = message(inner, False)
        top = [("__properties_version1.0", bytes(32))] + inner[1:]
        emit("msg-embedded-%d.msg" % depth, build_cfb(top), "error",
             "embedded messages nested %d deep (%s: PARSE_ERROR)" % (depth, why))

    shallow = message(None, True)
    top = [("__properties_version1.0", bytes(32))] + message(shallow, False)[1:]
    emit("aa-canary-embedded.msg", build_cfb(top), "finding:TRACK_TIME_1601",
         "IPM.Note-like item whose attached message has a 1601 row")

    # Entry 8 is the embedded storage of the first attachment; point the
    # child of its attachment storage back at the first attachment storage
    data = bytearray(build_cfb(top))
    n_fat = struct.unpack_from("<I", data, 0x2C)[0]
    dir_off = 512 + n_fat * 512
    for i in range(64):
        name = bytes(data[dir_off + i * 128:dir_off + i * 128 + 64]).decode("utf-16-le").rstrip("\0")
        if name == "__substg1.0_3701000D":
            outer_attach = [j for j in range(64) if bytes(data[dir_off + j * 128:dir_off + j * 128 + 64])
                            .decode("utf-16-le").rstrip("\0") == "__attach_version1.0_#00000000"][0]
            struct.pack_into("<I", data, dir_off + i * 128 + 0x4C, outer_attach)
            break
    emit("msg-embedded-loop.msg", bytes(data), "error",
         "embedded message storage contains the attachment that holds it")


# ------------------------------------------------------------------ MIME, iCalendar, DSN

def eml(headers, body):
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + body


def gen_text():
    std = ["From: organizer@example.com", "To: bob@example.com", "Subject: hostile",
           "Date: Wed, 20 Aug 2008 11:34:00 +0000", "Message-ID: <h@example.com>",
           "MIME-Version: 1.0"]

    # Deep MIME nesting: 5000 multipart/mixed levels.
    depth = 5000
    body = b""
    for i in range(depth):
        body += b"--b%d\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n" % (i, i + 1)
    body += b"--b%d\r\nContent-Type: text/plain\r\n\r\ndeep\r\n--b%d--\r\n" % (depth, depth)
    for i in range(depth - 1, -1, -1):
        body += b"--b%d--\r\n" % i
    emit("eml-deep-nesting-5000.eml",
         eml(std + ['Content-Type: multipart/mixed; boundary="b0"'], body),
         "handled", "multipart nested 5000 deep")

    # message/rfc822 nested 2000 deep
    inner = eml(std + ["Content-Type: text/plain"], b"innermost\r\n")
    for _ in range(2000):
        inner = eml(std + ["Content-Type: message/rfc822"], inner)
    emit("eml-rfc822-nested-2000.eml", inner, "handled", "message/rfc822 nested 2000 deep")

    emit("eml-huge-header.eml",
         eml(std + ["X-Huge: " + "A" * (8 * 1024 * 1024)], b"body\r\n"),
         "handled", "one 8 MiB header line")
    emit("eml-folded-header.eml",
         eml(std[:2] + ["Subject: " + "\r\n x" * 500000] + std[3:], b"body\r\n"),
         "handled", "Subject folded over 500,000 lines")
    emit("eml-many-headers.eml",
         eml(std + ["X-H%d: v" % i for i in range(200000)], b"body\r\n"),
         "handled", "200,000 header fields")
    emit("eml-no-boundary.eml",
         eml(std + ["Content-Type: multipart/mixed"], b"--x\r\n\r\nno boundary parameter\r\n--x--\r\n"),
         "handled", "multipart without a boundary parameter")
    emit("eml-nul-bytes.eml",
         eml(std + ["X-Nul: a\0b"], b"\0" * 1000 + b"\r\n"),
         "handled", "NUL bytes in a header and the body")
    bad_tnef = tnef(recip_attr=struct.pack("<BII", 1, ATT_RECIP_TABLE, 0xFFFFFFFF) + b"\0" * 16)
    emit("eml-tnef-damaged.eml",
         eml(std + ['Content-Type: multipart/mixed; boundary="z"'],
             b"--z\r\nContent-Type: text/plain\r\n\r\nhi\r\n--z\r\n"
             b"Content-Type: application/ms-tnef; name=winmail.dat\r\n"
             b"Content-Transfer-Encoding: base64\r\n\r\n"
             + base64.encodebytes(bad_tnef).replace(b"\n", b"\r\n") + b"--z--\r\n"),
         "error", "application/ms-tnef part whose attribute length is 0xFFFFFFFF")
    emit("eml-tnef-bad-base64.eml",
         eml(std + ["Content-Type: application/ms-tnef", "Content-Transfer-Encoding: base64"],
             b"!!!!not base64 at all@@@@\r\n" * 50),
         "handled", "application/ms-tnef body that is not base64")
    emit("eml-header-no-colon.eml",
         b"this is not a header line\r\n" * 10 + b"\r\nbody\r\n",
         "error", "no header block at all")

    emit("ics-deep-components.ics",
         b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\n" + b"BEGIN:VEVENT\r\n" * 20000
         + b"END:VEVENT\r\n" * 20000 + b"END:VCALENDAR\r\n",
         "handled", "VEVENT nested 20,000 deep")
    reply = (b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:u\r\n"
             b"DTSTAMP:20080820T113400Z\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x.example\r\n"
             b"END:VEVENT\r\nEND:VCALENDAR\r\n")
    emit("ics-many-objects.ics", reply * 12000,
         "error", "12,000 VCALENDAR objects (items are capped at 10,000)")
    emit("ics-nested-calendars.ics",
         b"BEGIN:VCALENDAR\r\n" * 20000 + b"END:VCALENDAR\r\n" * 20000,
         "error", "VCALENDAR nested 20,000 deep")
    emit("ics-unclosed-calendars.ics",
         (b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:u\r\n") * 5000,
         "error", "5,000 VCALENDAR objects never closed (one object, nested too deep)")
    emit("ics-stray-ends.ics",
         reply + b"END:VCALENDAR\r\n" * 5000 + b"END:VEVENT\r\n" * 5000 + reply,
         "finding:REPLY_MISSING_CRITICAL_CHANGE", "10,000 END lines outside every object between two replies")
    emit("ics-huge-line.ics",
         b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:u\r\nSUMMARY:"
         + b"\r\n " .join([b"y" * 74] * 60000) + b"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
         "handled", "SUMMARY folded over 60,000 lines (4.4 MB)")
    emit("ics-no-end.ics",
         b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:x\r\n",
         "handled", "no END lines")
    emit("ics-bad-cc.ics",
         b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:x\r\n"
         b"X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:99999999T999999Z\r\n"
         b"X-MICROSOFT-CDO-OWNER-CRITICAL-CHANGE:\r\n"
         b"ATTENDEE;PARTSTAT=ACCEPTED:\r\nDTSTAMP:0\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
         "handled", "critical-change values that are no date-time")
    emit("ics-many-attendees.ics",
         b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:x\r\n"
         + b"".join(b"ATTENDEE;PARTSTAT=ACCEPTED:mailto:a%d@example.com\r\n" % i for i in range(50000))
         + b"END:VEVENT\r\nEND:VCALENDAR\r\n",
         "handled", "50,000 attendees")

    blocks = b"".join(b"Final-Recipient: rfc822;r%d@example.com\r\nAction: delayed\r\n"
                      b"Status: 4.4.7\r\n\r\n" % i for i in range(30000))
    emit("dsn-30000-recipients.eml",
         eml(std + ['Content-Type: multipart/report; report-type=delivery-status; boundary="r"'],
             b"--r\r\nContent-Type: text/plain\r\n\r\nDelayed\r\n--r\r\n"
             b"Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns;mx.example.com\r\n\r\n"
             + blocks + b"--r--\r\n"),
         "handled", "delivery-status with 30,000 recipients")
    emit("dsn-status-garbage.eml",
         eml(std + ['Content-Type: multipart/report; report-type=delivery-status; boundary="r"'],
             b"--r\r\nContent-Type: message/delivery-status\r\n\r\n"
             b"Final-Recipient:\r\nStatus: 4.4.7.4.4.7" + b"9" * 100000 + b"\r\nAction\r\n\r\n--r--\r\n"),
         "handled", "delivery-status fields without values and a 100,000-digit status")

    msgs = b"".join(b"From a@example.com Wed Aug 20 11:34:00 2008\r\n"
                    + eml(["From: a@example.com", "Subject: m%d" % i], b"x\r\n") for i in range(20000))
    emit("mbox-20000.mbox", msgs, "handled", "mbox with 20,000 messages")
    emit("mbox-from-only.mbox", b"From \r\n" * 1000, "handled", "mbox of 1000 bare From lines")

    emit("zero-bytes.eml", b"", "error", "empty file")
    emit("random-binary.bin", bytes((i * 7919 + 13) & 0xFF for i in range(65536)), "error",
         "64 KiB of pseudo-random bytes")


# ------------------------------------------------------------------ hives

def gen_hives(hive_dir):
    def regf(seq1=1, seq2=1, sig=b"regf", size=0x1000, total=8192):
        h = sig + struct.pack("<II", seq1, seq2) + bytes(8) + struct.pack("<IIIII", 1, 3, 0, 1, 0x20)
        h += struct.pack("<I", size)
        h += bytes(4096 - len(h))
        return (h + b"hbin" + bytes(total - 4096 - 4))[:total]

    cases = [
        ("hive-bad-signature", regf(sig=b"rexx"), "hive-error", "header signature is not regf"),
        ("hive-truncated-header", b"regf\1\0\0\0", "hive-error", "8-byte file starting with regf"),
        ("hive-empty", b"", "hive-error", "empty file"),
        ("hive-garbage-after-header", regf(), "hive-error", "valid-looking header, garbage bins"),
        ("hive-size-huge", regf(size=0xFFFFF000), "hive-error", "header data size 0xFFFFF000"),
        ("hive-seq-mismatch", regf(seq1=5, seq2=4), "hive-error",
         "sequence numbers differ and no valid bins"),
    ]
    for name, data, expect, what in cases:
        with open(os.path.join(hive_dir, name), "wb") as f:
            f.write(data)
        MANIFEST.append(("hives/" + name, expect, what))


# ------------------------------------------------------------------ folder tricks

def gen_links():
    os.symlink(".", os.path.join(FILES, "link-loop-dot"))
    os.symlink("link-loop-b", os.path.join(FILES, "link-loop-a"))
    os.symlink("link-loop-a", os.path.join(FILES, "link-loop-b"))
    os.symlink("link-self", os.path.join(FILES, "link-self"))
    os.symlink("/nonexistent/trackfix/hostile", os.path.join(FILES, "link-dangling"))
    sub = os.path.join(FILES, "sub")
    os.mkdir(sub)
    os.symlink("..", os.path.join(sub, "link-up"))
    MANIFEST.append(("link-loop-dot", "skip", "symlink to its own folder"))
    MANIFEST.append(("link-loop-a", "skip", "symlink loop a → b → a"))
    MANIFEST.append(("link-loop-b", "skip", "symlink loop b → a → b"))
    MANIFEST.append(("link-self", "skip", "symlink to itself"))
    MANIFEST.append(("link-dangling", "skip", "dangling symlink"))
    MANIFEST.append(("sub/link-up", "skip", "symlink to the parent folder"))
    os.mkfifo(os.path.join(FILES, "fifo"))
    MANIFEST.append(("fifo", "skip", "a FIFO with no writer (must not block)"))


def gen_bigdir(path, n):
    os.mkdir(path)
    body = eml(["From: a@example.com", "To: b@example.com", "Subject: s"], b"x\r\n")
    for i in range(n):
        with open(os.path.join(path, "%06d.eml" % i), "wb") as f:
            f.write(body)


def main(argv):
    global FILES
    if len(argv) < 2:
        print("usage: gen-hostile.py DIR [--bigdir N]", file=sys.stderr)
        return 2
    top = argv[1]
    FILES = os.path.join(top, "files")
    os.makedirs(FILES)
    hive_dir = os.path.join(top, "hives")
    os.makedirs(hive_dir)

    emit("aa-canary.dat", healthy_tnef(), "finding:TRACK_TIME_1601", "healthy TNEF, 1601 track time")
    gen_tnef()
    gen_msg()
    gen_msg_embedded()
    gen_text()
    gen_hives(hive_dir)
    gen_links()
    emit("zz-canary.dat", healthy_tnef(), "finding:TRACK_TIME_1601", "healthy TNEF, 1601 track time")

    if "--bigdir" in argv:
        gen_bigdir(os.path.join(top, "bigdir"), int(argv[argv.index("--bigdir") + 1]))

    with open(os.path.join(top, "MANIFEST"), "w") as f:
        for name, expect, what in MANIFEST:
            f.write("%s\t%s\t%s\n" % (name, expect, what))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
