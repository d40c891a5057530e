#!/usr/bin/env python3
# scanner.py — the stdlib-only scanner an Exchange admin would write instead
# of Trackfix, for the benchmark (tests/bench/bench-compare.sh).
#
# Copyright 2026 The Trackfix authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Same detections as `trackfix-cli scan`, done the straightforward way:
#  - walks the folder (os.walk), reads each file whole;
#  - MIME with the email package; application/ms-tnef parts and bare
#    winmail.dat files through a TNEF attribute walker (recipient table rows
#    and the named critical-change properties in attMsgProps);
#  - Outlook .msg through a small pure-Python CFB reader
#    (__recip_version1.0_#N/__properties_version1.0, __nameid_version1.0);
#  - iCalendar: REPLY/COUNTER without X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE,
#    1601 critical-change stamps;
#  - DSN: message/delivery-status recipients with Status 4.4.7.
# Prints one JSON line per file with its findings, and a summary on stderr.

import email
import email.policy
import json
import os
import struct
import sys

FT_1900 = 0x014F373BFDE04000
FT_NONE_4501 = 0x0CB34557A3DD4000
FT_MAX_9999 = 0x24C85A5ED127A980

TNEF_SIGNATURE = b"\x78\x9f\x3e\x22"
CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

PR_TRACKSTATUS = 0x5FFF
PR_TRACKSTATUS_TIME = 0x5FFB
PR_DISPLAY_NAME = 0x3001
PR_EMAIL_ADDRESS = 0x3003
PR_SMTP_ADDRESS = 0x39FE
PT_SYSTIME = 0x0040

PSETID_MEETING = bytes.fromhex("90da d86e 0b45 1b10 98da 00aa 003f 1305".replace(" ", ""))
LID_ATTENDEE_CC = 0x0001
LID_OWNER_CC = 0x001A

FIXED_SIZES = {0x0002: 4, 0x0003: 4, 0x0004: 4, 0x000A: 4, 0x000B: 4,
               0x0005: 8, 0x0006: 8, 0x0007: 8, 0x0014: 8, 0x0040: 8,
               0x0048: 16}
VARIABLE_TYPES = (0x001E, 0x001F, 0x0102, 0x000D)


def classify_time(ft):
    if ft == 0:
        return "TRACK_TIME_1601"
    if ft < FT_1900:
        return "TRACK_TIME_PRE_1900"
    if ft == FT_NONE_4501:
        return None
    if ft > FT_MAX_9999:
        return "TRACK_TIME_OUT_OF_RANGE"
    return None


class ParseError(Exception):
    pass


def check_recipient(findings, who, status, ftime, time_type):
    if ftime is not None:
        code = classify_time(ftime)
        if code:
            findings.append((code, who))
    elif time_type is not None and time_type != PT_SYSTIME:
        findings.append(("TRACK_TIME_OUT_OF_RANGE", who))
    elif status in (2, 3, 4):
        findings.append(("TRACK_TIME_MISSING", who))


def check_stamps(findings, stamps):
    for ft in stamps:
        if ft == 0 or ft < FT_1900:
            findings.append(("CRITICAL_CHANGE_1601", None))
            break


# ---------------------------------------------------------------- TNEF

def tnef_props(buf, pos, end, count):
    """Yields (tag_id, tag_type, named (guid, lid) or None, value, value_offset)."""
    for _ in range(count):
        if pos + 4 > end:
            raise ParseError("TNEF property list truncated")
        ptype, pid = struct.unpack_from("<HH", buf, pos)
        pos += 4
        named = None
        if pid >= 0x8000:
            if pos + 20 > end:
                raise ParseError("TNEF named property truncated")
            guid = bytes(buf[pos:pos + 16])
            kind = struct.unpack_from("<I", buf, pos + 16)[0]
            pos += 20
            if kind == 0:
                if pos + 4 > end:
                    raise ParseError("TNEF named property truncated")
                named = (guid, struct.unpack_from("<I", buf, pos)[0])
                pos += 4
            else:
                if pos + 4 > end:
                    raise ParseError("TNEF named property truncated")
                n = struct.unpack_from("<I", buf, pos)[0]
                pos += 4 + ((n + 3) & ~3)
                if pos > end:
                    raise ParseError("TNEF named property name truncated")
        multi = ptype & 0x1000
        base = ptype & 0x0FFF
        values = []
        if base in VARIABLE_TYPES or multi:
            if pos + 4 > end:
                raise ParseError("TNEF value count truncated")
            n = struct.unpack_from("<I", buf, pos)[0]
            pos += 4
            if n > 0xFFFF:
                raise ParseError("TNEF value count too large")
        else:
            n = 1
        for _ in range(n):
            if base in VARIABLE_TYPES:
                if pos + 4 > end:
                    raise ParseError("TNEF value size truncated")
                size = struct.unpack_from("<I", buf, pos)[0]
                pos += 4
                if pos + size > end:
                    raise ParseError("TNEF value past the attribute")
                values.append((bytes(buf[pos:pos + size]), pos))
                pos += (size + 3) & ~3
            elif base in FIXED_SIZES:
                size = FIXED_SIZES[base]
                if pos + size > end:
                    raise ParseError("TNEF value truncated")
                values.append((bytes(buf[pos:pos + size]), pos))
                pos += size
            elif base == 0x0001:  # PT_NULL
                pos += 4
            else:
                raise ParseError("TNEF unknown property type 0x%04x" % ptype)
        if pos > end:
            raise ParseError("TNEF value past the attribute")
        yield pid, ptype, named, (values[0] if len(values) == 1 and not multi else None)
    return pos


def decode_string(raw, ptype):
    if ptype & 0x0FFF == 0x001F:
        return raw.decode("utf-16-le", "replace").rstrip("\0")
    return raw.decode("latin-1").rstrip("\0")


def scan_tnef(buf, findings):
    if len(buf) < 6 or buf[:4] != TNEF_SIGNATURE:
        raise ParseError("no TNEF signature")
    pos = 6
    stamps = []
    cls = None
    while pos < len(buf):
        if pos + 9 > len(buf):
            break  # trailing bytes after the last attribute
        level, attr, length = struct.unpack_from("<BII", buf, pos)
        data = pos + 9
        end = data + length
        if end + 2 > len(buf):
            raise ParseError("TNEF attribute past the end")
        checksum = struct.unpack_from("<H", buf, end)[0]
        if sum(buf[data:end]) & 0xFFFF != checksum:
            findings.append(("TNEF_CHECKSUM", None))
        if level == 1 and attr == 0x00078008:
            cls = bytes(buf[data:end]).rstrip(b"\0").decode("latin-1")
        elif level == 1 and attr == 0x00069003:
            if length < 4:
                raise ParseError("attMsgProps too short")
            count = struct.unpack_from("<I", buf, data)[0]
            for pid, ptype, named, value in tnef_props(buf, data + 4, end, count):
                if named and named[0] == PSETID_MEETING and named[1] in (LID_ATTENDEE_CC, LID_OWNER_CC) \
                        and ptype == PT_SYSTIME and value:
                    stamps.append(struct.unpack("<Q", value[0])[0])
        elif level == 1 and attr == 0x00069004:
            if length < 4:
                raise ParseError("attRecipTable too short")
            rows = struct.unpack_from("<I", buf, data)[0]
            p = data + 4
            for _ in range(min(rows, 0xFFFF)):
                if p + 4 > end:
                    raise ParseError("attRecipTable row truncated")
                count = struct.unpack_from("<I", buf, p)[0]
                gen = tnef_props(buf, p + 4, end, count)
                status = ftime = time_type = name = addr = smtp = None
                while True:
                    try:
                        pid, ptype, named, value = next(gen)
                    except StopIteration as stop:
                        p = stop.value
                        break
                    if value is None:
                        continue
                    raw = value[0]
                    if pid == PR_TRACKSTATUS and len(raw) == 4:
                        status = struct.unpack("<i", raw)[0]
                    elif pid == PR_TRACKSTATUS_TIME:
                        time_type = ptype
                        if ptype == PT_SYSTIME:
                            ftime = struct.unpack("<Q", raw)[0]
                    elif pid == PR_DISPLAY_NAME:
                        name = decode_string(raw, ptype)
                    elif pid == PR_SMTP_ADDRESS:
                        smtp = decode_string(raw, ptype)
                    elif pid == PR_EMAIL_ADDRESS:
                        addr = decode_string(raw, ptype)
                check_recipient(findings, smtp or addr or name, status, ftime, time_type)
        pos = end + 2
    check_stamps(findings, stamps)
    return cls


# ---------------------------------------------------------------- CFB / .msg

class Cfb:
    def __init__(self, buf):
        if len(buf) < 512 or buf[:8] != CFB_SIGNATURE:
            raise ParseError("no CFB signature")
        self.buf = buf
        shift = struct.unpack_from("<H", buf, 0x1E)[0]
        if shift not in (9, 12):
            raise ParseError("CFB bad sector shift")
        self.ssize = 1 << shift
        self.mini_cutoff = struct.unpack_from("<I", buf, 0x38)[0]
        n_fat, first_dir = struct.unpack_from("<II", buf, 0x2C)
        first_minifat, n_minifat, first_difat, n_difat = struct.unpack_from("<IIII", buf, 0x3C)
        difat = list(struct.unpack_from("<109I", buf, 0x4C))
        sec = first_difat
        seen = set()
        while sec < 0xFFFFFFFA and n_difat > 0:
            if sec in seen:
                raise ParseError("CFB DIFAT loop")
            seen.add(sec)
            ents = struct.unpack_from("<%dI" % (self.ssize // 4), self.sector(sec))
            difat.extend(ents[:-1])
            sec = ents[-1]
            n_difat -= 1
        fat = []
        for s in difat[:n_fat]:
            fat.extend(struct.unpack_from("<%dI" % (self.ssize // 4), self.sector(s)))
        self.fat = fat
        self.dir = self.chain_bytes(first_dir, fat, self.sector, self.ssize)
        self.entries = []
        for off in range(0, len(self.dir) - 127, 128):
            nlen = struct.unpack_from("<H", self.dir, off + 0x40)[0]
            name = self.dir[off:off + max(0, min(nlen, 64) - 2)].decode("utf-16-le", "replace")
            etype = self.dir[off + 0x42]
            left, right, child = struct.unpack_from("<III", self.dir, off + 0x44)
            start, size = struct.unpack_from("<IQ", self.dir, off + 0x74)
            if self.ssize == 512:
                size &= 0xFFFFFFFF
            self.entries.append((name, etype, left, right, child, start, size))
        if not self.entries:
            raise ParseError("CFB empty directory")
        minifat_raw = self.chain_bytes(first_minifat, fat, self.sector, self.ssize) if n_minifat else b""
        self.minifat = list(struct.unpack_from("<%dI" % (len(minifat_raw) // 4), minifat_raw))
        root = self.entries[0]
        self.ministream = self.chain_bytes(root[5], fat, self.sector, self.ssize, root[6])

    def sector(self, s):
        off = (s + 1) * self.ssize
        if off + self.ssize > len(self.buf):
            raise ParseError("CFB sector %d out of range" % s)
        return self.buf[off:off + self.ssize]

    def mini_sector(self, s):
        off = s * 64
        if off + 64 > len(self.ministream):
            raise ParseError("CFB mini sector out of range")
        return self.ministream[off:off + 64]

    @staticmethod
    def chain_bytes(start, fat, get, unit, size=None):
        out = []
        s = start
        n = 0
        while s < 0xFFFFFFFA:
            if s >= len(fat) or n > len(fat):
                raise ParseError("CFB bad chain")
            out.append(get(s))
            s = fat[s]
            n += 1
        data = b"".join(out)
        return data if size is None else data[:size]

    def children(self, idx):
        """Directory entries below storage idx (walks the red-black tree)."""
        out = {}
        stack = [self.entries[idx][4]]
        seen = set()
        while stack:
            i = stack.pop()
            if i >= len(self.entries) or i in seen:
                continue
            seen.add(i)
            e = self.entries[i]
            out[e[0].lower()] = i
            stack.append(e[2])
            stack.append(e[3])
        return out

    def stream(self, idx):
        _, etype, _, _, _, start, size = self.entries[idx]
        if size < self.mini_cutoff:
            return self.chain_bytes(start, self.minifat, self.mini_sector, 64, size)
        return self.chain_bytes(start, self.fat, self.sector, self.ssize, size)


def msg_props(raw, header):
    for off in range(header, len(raw) - 15, 16):
        tag, _flags = struct.unpack_from("<II", raw, off)
        yield tag >> 16, tag & 0xFFFF, raw[off + 8:off + 16]


def scan_msg(buf, findings):
    cfb = Cfb(buf)
    top = cfb.children(0)
    cls = None
    # named properties: entry stream gives (lid, guid index) per prop index
    stamps_tags = {}
    nameid = top.get("__nameid_version1.0")
    if nameid is not None:
        ns = cfb.children(nameid)
        guids = cfb.stream(ns["__substg1.0_00020102"]) if "__substg1.0_00020102" in ns else b""
        ents = cfb.stream(ns["__substg1.0_00030102"]) if "__substg1.0_00030102" in ns else b""
        for k in range(len(ents) // 8):
            lid, info = struct.unpack_from("<II", ents, k * 8)
            if info & 1:
                continue
            gidx = (info >> 1) & 0x7FFF
            if gidx < 3:
                continue
            g = guids[(gidx - 3) * 16:(gidx - 2) * 16]
            if g == PSETID_MEETING and lid in (LID_ATTENDEE_CC, LID_OWNER_CC):
                stamps_tags[0x8000 + (info >> 16)] = lid
    stamps = []
    if "__properties_version1.0" in top:
        raw = cfb.stream(top["__properties_version1.0"])
        for pid, ptype, value in msg_props(raw, 32):
            if pid in stamps_tags and ptype == PT_SYSTIME:
                stamps.append(struct.unpack("<Q", value)[0])
    if "__substg1.0_001a001f" in top:
        cls = cfb.stream(top["__substg1.0_001a001f"]).decode("utf-16-le", "replace")
    for name, idx in sorted(top.items()):
        if not name.startswith("__recip_version1.0_#"):
            continue
        rs = cfb.children(idx)
        if "__properties_version1.0" not in rs:
            continue
        raw = cfb.stream(rs["__properties_version1.0"])
        status = ftime = time_type = None
        for pid, ptype, value in msg_props(raw, 8):
            if pid == PR_TRACKSTATUS and ptype == 0x0003:
                status = struct.unpack_from("<i", value)[0]
            elif pid == PR_TRACKSTATUS_TIME:
                time_type = ptype
                if ptype == PT_SYSTIME:
                    ftime = struct.unpack("<Q", value)[0]
        who = None
        for key in ("__substg1.0_39fe001f", "__substg1.0_3003001f", "__substg1.0_3001001f"):
            if key in rs:
                who = cfb.stream(rs[key]).decode("utf-16-le", "replace").rstrip("\0")
                break
        check_recipient(findings, who, status, ftime, time_type)
    check_stamps(findings, stamps)
    return cls


# ---------------------------------------------------------------- iCalendar

def ical_time_to_filetime(value):
    v = value.strip()
    if len(v) < 8 or not v[:8].isdigit():
        return None
    y, mo, d = int(v[:4]), int(v[4:6]), int(v[6:8])
    if y == 1601 and mo == 1 and d == 1:
        return 0
    if y < 1900:
        return 1
    return FT_1900 + 1


def scan_ical(text, findings):
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line[:1] in (" ", "\t") and lines:
            lines[-1] += line[1:]
        else:
            lines.append(line)
    method = None
    has_cc = False
    stamps = []
    attendee = None
    for line in lines:
        name, _, value = line.partition(":")
        prop = name.split(";", 1)[0].upper()
        if prop == "METHOD":
            method = value.strip().upper()
        elif prop in ("X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE", "X-MICROSOFT-CDO-OWNER-CRITICAL-CHANGE"):
            if prop.startswith("X-MICROSOFT-CDO-ATTENDEE"):
                has_cc = True
            ft = ical_time_to_filetime(value)
            if ft is not None:
                stamps.append(ft)
        elif prop == "ATTENDEE" and attendee is None:
            attendee = value.strip()
            if attendee.lower().startswith("mailto:"):
                attendee = attendee[7:]
    if "BEGIN:VCALENDAR" not in text.upper():
        raise ParseError("no VCALENDAR")
    check_stamps(findings, stamps)
    if method in ("REPLY", "COUNTER") and not has_cc:
        findings.append(("REPLY_MISSING_CRITICAL_CHANGE", attendee))
    return method


# ---------------------------------------------------------------- DSN

def scan_dsn(text, findings):
    for block in text.replace("\r\n", "\n").split("\n\n"):
        rcpt = status = None
        for line in block.split("\n"):
            name, _, value = line.partition(":")
            n = name.strip().lower()
            if n in ("final-recipient", "original-recipient") and rcpt is None:
                rcpt = value.split(";", 1)[-1].strip()
            elif n == "status":
                status = value.strip()
        if status and status.split()[0] == "4.4.7":
            findings.append(("NDR_EXPIRED_4_4_7", rcpt))


# ---------------------------------------------------------------- MIME

def scan_mime(data, findings):
    start = 0
    # Exchange queue envelope lines before the real headers are headers too.
    msg = email.message_from_bytes(data[start:], policy=email.policy.default)
    if not msg.keys():
        raise ParseError("no RFC 5322 header")
    depth = 0
    for part in msg.walk():
        depth += 1
        if depth > 10000:
            break
        ctype = part.get_content_type()
        if ctype == "application/ms-tnef":
            payload = part.get_payload(decode=True) or b""
            try:
                scan_tnef(payload, findings)
            except (ParseError, struct.error) as e:
                findings.append(("PARSE_ERROR", str(e)))
        elif ctype == "text/calendar":
            payload = part.get_payload(decode=True) or b""
            try:
                scan_ical(payload.decode("utf-8", "replace"), findings)
            except ParseError as e:
                findings.append(("PARSE_ERROR", str(e)))
        elif ctype in ("message/delivery-status", "message/global-delivery-status"):
            payload = part.get_payload()
            if isinstance(payload, list):
                text = "\n\n".join(p.as_string() for p in payload)
            else:
                text = str(payload)
            scan_dsn(text, findings)


def scan_file(path):
    findings = []
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return [("PARSE_ERROR", str(e))]
    try:
        if not data:
            raise ParseError("empty file")
        if data.startswith(TNEF_SIGNATURE):
            scan_tnef(memoryview(data), findings)
        elif data.startswith(CFB_SIGNATURE):
            scan_msg(data, findings)
        elif data.lstrip()[:15].upper() == b"BEGIN:VCALENDAR":
            scan_ical(data.decode("utf-8", "replace"), findings)
        else:
            scan_mime(data, findings)
    except (ParseError, struct.error, IndexError, KeyError, UnicodeError, ValueError) as e:
        findings.append(("PARSE_ERROR", str(e)))
    return findings


def main(argv):
    if len(argv) < 2:
        print("usage: scanner.py PATH…", file=sys.stderr)
        return 2
    n_files = 0
    n_findings = 0
    out = sys.stdout
    for top in argv[1:]:
        paths = []
        if os.path.isdir(top):
            for root, dirs, files in os.walk(top):
                dirs.sort()
                for name in sorted(files):
                    paths.append(os.path.join(root, name))
        else:
            paths.append(top)
        for path in paths:
            findings = scan_file(path)
            n_files += 1
            n_findings += len(findings)
            out.write(json.dumps({"path": path,
                                  "findings": [{"code": c, "recipient": r} for c, r in findings]}))
            out.write("\n")
    print("scanner.py: %d files, %d findings" % (n_files, n_findings), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
