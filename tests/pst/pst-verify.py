#!/usr/bin/env python3
# pst-verify.py — independent integrity walk of a PST file ([MS-PST]).
#
#   pst-verify.py FILE...
#
# Written from the specification, not from the writer's C code, so that the
# two cannot share a mistake silently. Checks, for ANSI and Unicode files:
#  - HEADER: magic, version, dwCRCPartial (and dwCRCFull), bSentinel,
#    bCryptMethod, ibFileEof = file size, fAMapValid;
#  - every NBT and BBT page (2.2.2.7.7): ptype, ptypeRepeat, wSig (5.5),
#    trailer bid = BREF bid, CRC (5.3) over the page, entry counts, key
#    order, no page visited twice;
#  - every block in the BBT (2.2.2.8): inside the file, trailer cb, wSig and
#    bid, CRC over the cb stored bytes; internal blocks (XBLOCK, XXBLOCK,
#    SLBLOCK, SIBLOCK) refer only to blocks in the BBT;
#  - every NBT entry's bidData / bidSub is in the BBT;
#  - AMap pages at every interval (2.2.2.7.2) with their CRC, and their bits
#    equal exactly the pages and blocks the B-trees reach; the free space
#    they record equals cbAMapFree; PMap / FMap pages where required.
# Exit status 0 when everything holds; prints one line per file.
#
# Copyright 2026 The Trackfix authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import struct
import sys
import zlib

AMAP_FIRST = 0x4400
AMAP_SPAN = 496 * 8 * 64


def crc(data):
    # [MS-PST] 5.3: CRC-32 with seed 0 and no final inversion
    return zlib.crc32(data, 0xFFFFFFFF) ^ 0xFFFFFFFF


def sig(ib, bid):
    # [MS-PST] 5.5
    v = ib ^ bid
    return ((v >> 16) ^ v) & 0xFFFF


class Bad(Exception):
    pass


class Pst:
    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            self.data = f.read()
        self.errors = []
        self.ranges = []  # (ib, size, what)
        self.bbt = {}  # bid -> (ib, cb)

    def err(self, text):
        self.errors.append(text)

    def u(self, fmt, off):
        return struct.unpack_from("<" + fmt, self.data, off)

    # --- header ----------------------------------------------------------
    def header(self):
        d = self.data
        if len(d) < 512 or d[0:4] != b"!BDN" or d[8:10] != b"SM":
            raise Bad("not a PST file")
        ver = self.u("H", 10)[0]
        if ver in (14, 15):
            self.unicode = False
        elif ver >= 23 and ver < 36:
            self.unicode = True
        else:
            raise Bad("unexpected wVer %d" % ver)
        self.isz = 8 if self.unicode else 4
        q = "Q" if self.unicode else "I"
        if self.u("I", 4)[0] != crc(d[8:8 + 471]):
            self.err("header dwCRCPartial")
        if self.unicode and self.u("I", 524)[0] != crc(d[8:8 + 516]):
            self.err("header dwCRCFull")
        root = 180 if self.unicode else 164
        (self.eof, self.amap_last, self.amap_free, _pmap_free,
         nbt_bid, nbt_ib, bbt_bid, bbt_ib) = self.u(q * 8, root + 4)
        self.nbt_ref = (nbt_bid, nbt_ib)
        self.bbt_ref = (bbt_bid, bbt_ib)
        valid = d[root + 4 + 8 * self.isz]
        sentinel, self.crypt = d[(512 if self.unicode else 460)], d[(513 if self.unicode else 461)]
        if sentinel != 0x80:
            self.err("bSentinel 0x%02x" % sentinel)
        if self.crypt not in (0, 1, 2):
            self.err("bCryptMethod %d" % self.crypt)
        if valid != 2:
            self.err("fAMapValid %d" % valid)
        if self.eof != len(d):
            self.err("ibFileEof %d but the file has %d bytes" % (self.eof, len(d)))

    # --- B-tree pages ----------------------------------------------------
    def page(self, ib, bid, ptype):
        if ib % 512 or ib + 512 > len(self.data):
            raise Bad("page at 0x%x outside the file" % ib)
        p = self.data[ib:ib + 512]
        n = 496 if self.unicode else 500
        if self.unicode:
            t_type, t_rep, t_sig, t_crc, t_bid = struct.unpack_from("<BBHIQ", p, 496)
        else:
            t_type, t_rep, t_sig, t_bid, t_crc = struct.unpack_from("<BBHII", p, 500)
        if t_type != ptype or t_rep != ptype:
            self.err("page 0x%x: ptype 0x%02x/0x%02x, expected 0x%02x" % (ib, t_type, t_rep, ptype))
        if t_crc != crc(p[:n]):
            self.err("page 0x%x: CRC 0x%08x, computed 0x%08x" % (ib, t_crc, crc(p[:n])))
        if bid is not None:
            if t_bid != bid:
                self.err("page 0x%x: bid 0x%x, BREF says 0x%x" % (ib, t_bid, bid))
            if t_sig != sig(ib, t_bid):
                self.err("page 0x%x: wSig 0x%04x, computed 0x%04x" % (ib, t_sig, sig(ib, t_bid)))
        elif t_bid != ib or t_sig != 0:
            self.err("map page 0x%x: bid 0x%x wSig 0x%x" % (ib, t_bid, t_sig))
        self.ranges.append((ib, 512, "page 0x%02x" % ptype))
        return p

    def btree(self, ref, ptype, visited, out, level=None):
        bid, ib = ref
        if ib in visited:
            raise Bad("B-tree loop at page 0x%x" % ib)
        visited.add(ib)
        p = self.page(ib, bid, ptype)
        area = 488 if self.unicode else 496
        c_ent, c_max, cb_ent, c_level = p[area:area + 4]
        if level is not None and c_level != level:
            self.err("page 0x%x: cLevel %d, expected %d" % (ib, c_level, level))
        if cb_ent == 0 or c_ent > c_max or c_max != area // cb_ent or c_ent * cb_ent > area:
            raise Bad("page 0x%x: cEnt %d cEntMax %d cbEnt %d" % (ib, c_ent, c_max, cb_ent))
        q = "Q" if self.unicode else "I"
        keys = [struct.unpack_from("<" + q, p, i * cb_ent)[0] for i in range(c_ent)]
        if keys != sorted(keys) or len(set(keys)) != len(keys):
            self.err("page 0x%x: keys out of order" % ib)
        for i in range(c_ent):
            e = p[i * cb_ent:(i + 1) * cb_ent]
            if c_level > 0:
                _key, cbid, cib = struct.unpack_from("<" + q * 3, e, 0)
                self.btree((cbid, cib), ptype, visited, out, c_level - 1)
            else:
                out.append(e)

    # --- blocks ----------------------------------------------------------
    def blocks(self, leaves):
        q = "Q" if self.unicode else "I"
        trailer = 16 if self.unicode else 12
        for e in leaves:
            bid, ib, cb, cref = struct.unpack_from("<" + q + q + "HH", e, 0)
            self.bbt[bid] = (ib, cb)
            size = (cb + trailer + 63) // 64 * 64
            if ib < AMAP_FIRST or ib + size > len(self.data) or cb > 8192 - trailer:
                self.err("block 0x%x at 0x%x (%d bytes) outside the file" % (bid, ib, cb))
                continue
            if cref < 2:
                self.err("block 0x%x: cRef %d" % (bid, cref))
            blk = self.data[ib:ib + size]
            t = blk[size - trailer:]
            if self.unicode:
                t_cb, t_sig, t_crc, t_bid = struct.unpack("<HHIQ", t)
            else:
                t_cb, t_sig, t_bid, t_crc = struct.unpack("<HHII", t)
            if t_cb != cb or t_bid != bid:
                self.err("block 0x%x: trailer cb %d bid 0x%x, BBT says %d 0x%x" % (bid, t_cb, t_bid, cb, bid))
            if t_sig != sig(ib, bid):
                self.err("block 0x%x: wSig 0x%04x, computed 0x%04x" % (bid, t_sig, sig(ib, bid)))
            if t_crc != crc(blk[:cb]):
                self.err("block 0x%x: CRC 0x%08x, computed 0x%08x" % (bid, t_crc, crc(blk[:cb])))
            self.ranges.append((ib, size, "block"))
        for bid, (ib, cb) in self.bbt.items():
            if bid & 2:
                self.internal(bid, self.data[ib:ib + cb])

    def internal(self, bid, d):
        q = "Q" if self.unicode else "I"
        btype, level, n = struct.unpack_from("<BBH", d, 0)
        hdr = 8 if (btype == 1 or self.unicode) else 4
        if btype == 1:
            width, refs = 1, [0]
        elif btype == 2 and level == 0:
            width, refs = 3, [1, 2]
        elif btype == 2 and level == 1:
            width, refs = 2, [1]
        else:
            self.err("internal block 0x%x: btype %d cLevel %d" % (bid, btype, level))
            return
        if hdr + n * width * self.isz > len(d):
            self.err("internal block 0x%x: %d entries do not fit" % (bid, n))
            return
        for i in range(n):
            vals = struct.unpack_from("<" + q * width, d, hdr + i * width * self.isz)
            for r in refs:
                if vals[r] != 0 and vals[r] not in self.bbt:
                    self.err("internal block 0x%x refers to missing block 0x%x" % (bid, vals[r]))

    # --- maps ------------------------------------------------------------
    def maps(self):
        n_amaps = (len(self.data) - AMAP_FIRST) // AMAP_SPAN
        if AMAP_FIRST + n_amaps * AMAP_SPAN != len(self.data):
            self.err("the file does not end at an AMap interval")
        expect = bytearray(n_amaps * 496)

        def mark(ib, size):
            for bit in range((ib - AMAP_FIRST) // 64, (ib + size - AMAP_FIRST) // 64):
                if expect[bit // 8] & (0x80 >> (bit % 8)):
                    self.err("two allocations share 0x%x" % (AMAP_FIRST + bit * 64))
                expect[bit // 8] |= 0x80 >> (bit % 8)

        pages = []
        for k in range(n_amaps):
            ib = AMAP_FIRST + k * AMAP_SPAN
            pages.append((ib, 0x84))
            if k % 8 == 0:
                pages.append((ib + 512, 0x83))
            if k % 8 == 0 and k >= 128 and (k - 128) % 496 == 0:
                pages.append((ib + 1024, 0x82))
        for ib, ptype in pages:
            self.page(ib, None, ptype)
        for ib, size, _what in self.ranges:
            mark(ib, size)
        free = 0
        for k in range(n_amaps):
            ib = AMAP_FIRST + k * AMAP_SPAN
            at = 0 if self.unicode else 4
            bits = self.data[ib + at:ib + at + 496]
            if bits != bytes(expect[k * 496:(k + 1) * 496]):
                self.err("AMap 0x%x does not match the allocations" % ib)
            free += sum(8 - bin(b).count("1") for b in bits) * 64
        if free != self.amap_free:
            self.err("cbAMapFree %d, AMaps record %d" % (self.amap_free, free))
        if self.amap_last != AMAP_FIRST + (n_amaps - 1) * AMAP_SPAN:
            self.err("ibAMapLast 0x%x" % self.amap_last)

    def verify(self):
        self.header()
        nbt, bbt = [], []
        self.btree(self.nbt_ref, 0x81, set(), nbt, None)
        self.btree(self.bbt_ref, 0x80, set(), bbt, None)
        self.blocks(bbt)
        q = "Q" if self.unicode else "I"
        for e in nbt:
            nid, bid_data, bid_sub = struct.unpack_from("<" + q * 3, e, 0)
            for b in (bid_data, bid_sub):
                if b != 0 and b not in self.bbt:
                    self.err("node 0x%x refers to missing block 0x%x" % (nid, b))
        self.maps()
        return len(nbt), len(bbt)


def main():
    status = 0
    for path in sys.argv[1:]:
        pst = Pst(path)
        try:
            nodes, blocks = pst.verify()
        except (Bad, struct.error) as e:
            pst.err(str(e))
            nodes = blocks = 0
        name = os.path.basename(path)
        if pst.errors:
            status = 1
            for e in pst.errors[:20]:
                print("%s: %s" % (name, e))
            print("%s: FAILED, %d errors" % (name, len(pst.errors)))
        else:
            print("%s: ok, %s, crypt %d, %d nodes, %d blocks, %d pages"
                  % (name, "Unicode" if pst.unicode else "ANSI", pst.crypt, nodes, blocks,
                     sum(1 for r in pst.ranges if r[2] != "block")))
    return status


if __name__ == "__main__":
    sys.exit(main())
