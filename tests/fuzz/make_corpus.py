#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Writes the seed corpus for fuzz_chunk: small SCTP packets, valid ones of
every chunk type plus malformed ones, each with a correct CRC32c.

Usage: make_corpus.py [output directory]   (default: corpus/chunk here)
"""
import os
import struct
import sys


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def tlv(t, value=b"", length=None):
    """Parameter or error cause, padded; length overrides the header."""
    n = 4 + len(value) if length is None else length
    return pad4(struct.pack("!HH", t, n) + value)


def chunk(t, flags=0, value=b"", length=None, pad=True):
    n = 4 + len(value) if length is None else length
    b = struct.pack("!BBH", t, flags, n) + value
    return pad4(b) if pad else b


def packet(*chunks, vtag=0x12345678, sport=2905, dport=2905):
    body = b"".join(chunks)
    hdr = struct.pack("!HHI", sport, dport, vtag)
    crc = crc32c(hdr + b"\0\0\0\0" + body)
    return hdr + struct.pack("<I", crc) + body


def data(tsn, sid=0, ssn=0, ppid=3, payload=b"", flags=3):
    return chunk(0, flags, struct.pack("!IHHI", tsn, sid, ssn, ppid) + payload)


def init_fixed(tag, rwnd=65536, os_=10, is_=10, tsn=1000):
    return struct.pack("!IIHHI", tag, rwnd, os_, is_, tsn)


def sack(cum, rwnd, gaps=(), dups=(), n_gaps=None, n_dups=None):
    v = struct.pack("!IIHH", cum, rwnd,
                    len(gaps) if n_gaps is None else n_gaps,
                    len(dups) if n_dups is None else n_dups)
    v += b"".join(struct.pack("!HH", s, e) for s, e in gaps)
    v += b"".join(struct.pack("!I", d) for d in dups)
    return chunk(3, 0, v)


def fwd_tsn(cum, streams=()):
    v = struct.pack("!I", cum) + b"".join(struct.pack("!HH", s, n) for s, n in streams)
    return chunk(0xC0, 0, v)


INIT_PARAMS = (tlv(5, bytes([192, 0, 2, 1])) +
               tlv(6, bytes(15) + b"\1") +
               tlv(12, struct.pack("!HH", 5, 6)) +
               tlv(9, struct.pack("!I", 1000)) +
               tlv(0x8000) +
               tlv(0xC000) +
               tlv(0x8008, bytes([0xC0, 0x84])) +
               tlv(0x8005, bytes(7)))

SEEDS = {
    # valid, one chunk type each
    "data": packet(data(1, 1, 0, 3, b"hello")),
    "data-empty": packet(data(2, payload=b"")),
    "init": packet(chunk(1, 0, init_fixed(0xA1B2C3D4) + INIT_PARAMS), vtag=0),
    "init-ack": packet(chunk(2, 0, init_fixed(0x01020304) +
                             tlv(7, b"cookie" * 6) + tlv(8, tlv(0x8123, b"zz")))),
    "sack": packet(sack(100, 65536, [(2, 3), (5, 9)], [97])),
    "heartbeat": packet(chunk(4, 0, tlv(1, b"\1" * 13))),
    "abort": packet(chunk(6, 1, tlv(12, b"going away") + tlv(1, struct.pack("!HH", 9, 0)))),
    "shutdown": packet(chunk(7, 0, struct.pack("!I", 555))),
    "shutdown-ack": packet(chunk(8)),
    "error": packet(chunk(9, 0, tlv(3, struct.pack("!I", 1500)) +
                          tlv(2, struct.pack("!IH", 1, 7)) +
                          tlv(6, chunk(0x7F, 0, b"abc")) +
                          tlv(9, struct.pack("!I", 4)) + tlv(13, b"bad"))),
    "cookie-echo": packet(chunk(10, 0, b"c" * 40)),
    "cookie-ack": packet(chunk(11)),
    "ecne": packet(chunk(12, 0, struct.pack("!I", 77))),
    "cwr": packet(chunk(13, 0, struct.pack("!I", 77))),
    "shutdown-complete": packet(chunk(14, 1)),
    "pad": packet(chunk(0x84, 0, bytes(20)), chunk(11)),
    "forward-tsn": packet(fwd_tsn(200, [(1, 4), (2, 9)])),
    "bundle": packet(sack(10, 8192, [(2, 2)]), data(11, 0, 1, 3, b"ab"),
                     data(12, 0, 2, 3, b"cde"), fwd_tsn(12)),
    "unknown-skip": packet(chunk(0xBF, 0, b"??"), chunk(0xFF, 0, b"!"), chunk(11)),
    "unknown-stop": packet(chunk(0x3F, 0, b"stop"), chunk(0x7F), chunk(11)),
    # malformed
    "bad-zero-length": packet(chunk(11, 0, b"", length=0), chunk(11)),
    "bad-overlong": packet(chunk(0, 3, struct.pack("!IHHI", 1, 0, 0, 0), length=200)),
    "bad-truncated-header": packet(chunk(11)) + b"\x0b\x00",
    "bad-sack-counts": packet(sack(1, 1, [(1, 1)], n_gaps=0x4000, n_dups=0x4000)),
    "bad-fwd-tsn-partial": packet(chunk(0xC0, 0, struct.pack("!IH", 9, 1))),
    "bad-init-param": packet(chunk(1, 0, init_fixed(1) + tlv(5, b"\1\2\3\4", length=64))),
    "bad-short-data": packet(chunk(0, 3, b"\0" * 8)),
    "bad-shutdown-long": packet(chunk(7, 0, bytes(8))),
    "no-final-padding": packet(chunk(0, 3, struct.pack("!IHHI", 5, 0, 0, 0) + b"z", pad=False)),
    "short-header": b"\x0b\x59\x0b\x59\0\0",
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus", "chunk")
    os.makedirs(out, exist_ok=True)
    for name, blob in sorted(SEEDS.items()):
        with open(os.path.join(out, "seed-" + name), "wb") as f:
            f.write(blob)
    print("wrote %d seeds to %s" % (len(SEEDS), out))


if __name__ == "__main__":
    main()
