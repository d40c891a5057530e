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
# Pst.recipient_cells() also decodes (5.1, 5.2) every message's recipient
# table (2.3.4), embedded messages included, and returns each row's
# 0x5FFB0040 cell with its cell-existence bit, for the tests.
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

# [MS-PST] 5.1 mpbbCrypt: mpbbR, mpbbS, mpbbI (256 bytes each)
MPBB = bytes.fromhex(
    "41361362a8216ebbf416cc047f64e85d1ef2cb2a74c55e35d295479e962d9a884c7d843fdbac31b6485ff6c4d8398be7"
    "233b388ec8c1df25b120a546604e9cfbaad35651457c550007c92b9d859b09a08fadb30f63ab894bd7a7155a716642bf"
    "264a6b98faea7753b270052cfd593a867ece06eb827857c78d43afb41cd45bcde2e9274fc3087280cfb0eff5286dbe30"
    "4d3492d50e3c2232e5e4f99fc2d10a8112e1ee918376e397e6618a1779a4b7dc907a5c8c02a6ca69de501a1193b95287"
    "58fced1d37491b6ae0293399bd6cd994f340546ff0c673b8d63e6518441fdd6710f10c19ecae03a1147ba90bfff8a3c0"
    "a201f72ebc2468750dfeba2fb5d0da3d14530f56b3c87a9ceb65481716159f02cc547c83000d0c0ba262a876dbd9edc7"
    "c5a4dcac8574d6d0a79bae9a967166c36399b8dd73928e847da55ed15d93b1575150808952944f4e0a6bbc8d7f6e4746"
    "4140440111cb033ff7f4e1a98f3c3af9fbf0193082092ec99da08649ee6f4d6dc42d813425871b88aafc06a11238fd4c"
    "4272641337246a757743ffe6b44b365ce4d8353d45b92cecb7312b290768a30e697b189e2139be281a5b78f523ca2ab0"
    "af3efe048ce7e5983295d3f64ae8a6eae9f3d52f7020f21f0567ad5510cecde3273bdabad7c226d4911dd21c2233f8fa"
    "f15aefcf90b68bb5bdc0bf08971e6ce261e0c6c159abbb58de5fdf60797eb28a47f1b4e60b6a7248854e9eebe2f89453"
    "e0bba002e85a09abdbe3bac67cc310dd39059630f53760828cc9134a6b1df3fb8f2697ca911701c4322d6e3195ffd923"
    "d1005e79dc443b1a28c5615720903d83b943be67d2464276c06d5b7eb20f16293ca903540dda5ddff6b7c762cd8d06d3"
    "695c86d614f7a56675acb1e94521700c879f74a4224c6fbf1f56aa2eb3783350b0a392bccf191ca763cb1e4d3e4b1b9b"
    "4fe7f0eead3ab55904ea40552551e57a893868527bfc27aed7bdfa07f4cc8e5fef359c842b15d5773449b6120a7f7188"
    "fd9d18417d93d8582ccefe24afdeb836c8a180a69998a82f0e816573e4c2a28ad4e111d0088b2af2ed9a643fc16cf9ec")
MPBB_R, MPBB_S, MPBB_I = MPBB[0:256], MPBB[256:512], MPBB[512:768]


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
        self.kinds = {}  # internal block kind -> count
        self.matrix = {}  # message NID -> where its recipient rows are

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
        kind = {(1, 1): "XBLOCK", (1, 2): "XXBLOCK", (2, 0): "SLBLOCK", (2, 1): "SIBLOCK"}.get((btype, level))
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
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
        self.nbt = nbt
        q = "Q" if self.unicode else "I"
        for e in nbt:
            nid, bid_data, bid_sub = struct.unpack_from("<" + q * 3, e, 0)
            for b in (bid_data, bid_sub):
                if b != 0 and b not in self.bbt:
                    self.err("node 0x%x refers to missing block 0x%x" % (nid, b))
        self.maps()
        return len(nbt), len(bbt)

    # --- LTP: recipient tables ----------------------------------------------
    def decode(self, d, bid):
        if self.crypt == 1:
            return d.translate(MPBB_I)
        if self.crypt == 2:
            # [MS-PST] 5.2 CryptCyclic (its own inverse)
            key = bid & 0xFFFFFFFF
            w = (key ^ (key >> 16)) & 0xFFFF
            out = bytearray(d)
            for i, b in enumerate(out):
                b = MPBB_R[(b + (w & 0xFF)) & 0xFF]
                b = MPBB_S[(b + (w >> 8)) & 0xFF]
                b = MPBB_I[(b - (w >> 8)) & 0xFF]
                out[i] = (b - (w & 0xFF)) & 0xFF
                w = (w + 1) & 0xFFFF
            return bytes(out)
        return d

    def raw(self, bid):
        ib, cb = self.bbt[bid]
        return self.data[ib:ib + cb]

    def tree(self, bid):
        """decoded data blocks of a node (XBLOCK / XXBLOCK followed)"""
        d = self.raw(bid)
        if not bid & 2:
            return [self.decode(d, bid)]
        q = "Q" if self.unicode else "I"
        n = struct.unpack_from("<H", d, 2)[0]
        out = []
        for i in range(n):
            out += self.tree(struct.unpack_from("<" + q, d, 8 + i * self.isz)[0])
        return out

    def subnodes(self, bid):
        """SLBLOCK / SIBLOCK: nid -> (bidData, bidSub)"""
        d = self.raw(bid)
        q = "Q" if self.unicode else "I"
        level, n = d[1], struct.unpack_from("<H", d, 2)[0]
        hdr = 8 if self.unicode else 4
        out = {}
        for i in range(n):
            if level == 0:
                nid, bd, bs = struct.unpack_from("<" + q * 3, d, hdr + i * 3 * self.isz)
                out[nid & 0xFFFFFFFF] = (bd, bs)
            else:
                _nid, child = struct.unpack_from("<" + q * 2, d, hdr + i * 2 * self.isz)
                out.update(self.subnodes(child))
        return out

    @staticmethod
    def heap_item(blocks, hid):
        b = blocks[hid >> 16]
        index = (hid >> 5) & 0x7FF
        pagemap = struct.unpack_from("<H", b, 0)[0]
        count = struct.unpack_from("<H", b, pagemap)[0]
        if not 1 <= index <= count:
            raise Bad("HID 0x%x outside its heap block" % hid)
        start, end = struct.unpack_from("<HH", b, pagemap + 4 + 2 * (index - 1))
        return b[start:end]

    def table_cells(self, bid_data, bid_sub, tag):
        """[(cell exists, value)] of column @tag for every row of a TC"""
        blocks = self.tree(bid_data)
        if blocks[0][2] != 0xEC or blocks[0][3] != 0x7C:
            raise Bad("recipient table is not a TC heap")
        info = self.heap_item(blocks, struct.unpack_from("<I", blocks[0], 4)[0])
        rgib = struct.unpack_from("<4H", info, 2)
        hnid_rows = struct.unpack_from("<I", info, 14)[0]
        col = None
        for i in range(info[1]):
            t, ib, cb, bit = struct.unpack_from("<IHBB", info, 22 + 8 * i)
            if t == tag:
                col = (ib, bit)
        size = rgib[3]
        if hnid_rows == 0:
            chunks, self.last_matrix = [], "none"
        elif hnid_rows & 0x1F == 0:
            chunks, self.last_matrix = [self.heap_item(blocks, hnid_rows)], "heap"
        else:
            bd, _bs = self.subnodes(bid_sub)[hnid_rows]
            chunks = self.tree(bd)
            self.last_matrix = "subnode, %d blocks" % len(chunks)
        rows = [c[i * size:(i + 1) * size] for c in chunks for i in range(len(c) // size)]
        if col is None:
            return [(False, None) for _ in rows]
        return [(bool(r[rgib[2] + col[1] // 8] & (0x80 >> (col[1] % 8))),
                 struct.unpack_from("<Q", r, col[0])[0]) for r in rows]

    def walk_message(self, nid, bid_sub, out, tag=0x5FFB0040):
        subs = self.subnodes(bid_sub) if bid_sub else {}
        if 0x692 in subs:
            out[nid] = self.table_cells(subs[0x692][0], subs[0x692][1], tag)
            self.matrix[nid] = self.last_matrix
        for snid, (_bd, bs) in sorted(subs.items()):
            if snid & 0x1F == 0x05 and bs:  # attachment: an embedded message?
                for inid, (_ibd, ibs) in sorted(self.subnodes(bs).items()):
                    if inid & 0x1F == 0x04:
                        self.walk_message(inid, ibs, out, tag)

    def recipient_cells(self, tag=0x5FFB0040):
        """message NID -> [(cell exists, value)] of column @tag (0x5FFB0040
        unless told) per row; 8 bytes read, the low ones for a PT_LONG"""
        q = "Q" if self.unicode else "I"
        out = {}
        for e in self.nbt:
            nid, _bd, bs = struct.unpack_from("<" + q * 3, e, 0)
            if nid & 0x1F == 0x04:
                self.walk_message(nid, bs, out, tag)
        return out


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
            print("%s: ok, %s, crypt %d, %d nodes, %d blocks, %d pages, %s"
                  % (name, "Unicode" if pst.unicode else "ANSI", pst.crypt, nodes, blocks,
                     sum(1 for r in pst.ranges if r[2] != "block"),
                     ", ".join("%d %s" % (n, k) for k, n in sorted(pst.kinds.items()))))
    return status


if __name__ == "__main__":
    sys.exit(main())
