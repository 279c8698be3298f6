#!/usr/bin/env python3
"""Seeds for fuzz_packet: byte 0 is the mode (bit 0: keep the tag as
given, bit 1: use the peer's tag), then an SCTP packet whose ports and
tag the target rewrites."""
import os
import struct
import sys

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "packet")
os.makedirs(out, exist_ok=True)


def chunk(t, flags, value):
    length = 4 + len(value)
    pad = (-length) % 4
    return struct.pack("!BBH", t, flags, length) + value + b"\0" * pad


def pkt(*chunks, mode=0):
    return bytes([mode]) + struct.pack("!HHII", 1, 1, 0, 0) + b"".join(chunks)


def data(tsn, sid, ssn, payload, flags=3):
    return chunk(0, flags, struct.pack("!IHHI", tsn, sid, ssn, 0) + payload)


seeds = {
    "data": pkt(data(0, 0, 0, b"hello")),
    "data_frag": pkt(data(5, 1, 0, b"a" * 40, 2), data(6, 1, 0, b"b" * 40, 0), data(7, 1, 0, b"c", 1)),
    "data_unordered_i": pkt(data(3, 2, 0, b"x" * 10, 0x0F)),
    "data_empty": pkt(chunk(0, 3, struct.pack("!IHHI", 1, 0, 0, 0))),
    "sack": pkt(chunk(3, 0, struct.pack("!IIHH", 0, 65536, 1, 1) + struct.pack("!HHI", 2, 3, 9))),
    "heartbeat": pkt(chunk(4, 0, struct.pack("!HH", 1, 12) + b"infoinfo")),
    "heartbeat_ack": pkt(chunk(5, 0, struct.pack("!HH", 1, 24) + b"\0" * 20)),
    "abort": pkt(chunk(6, 0, struct.pack("!HH", 12, 8) + b"bye!")),
    "abort_t": pkt(chunk(6, 1, b""), mode=2),
    "shutdown": pkt(chunk(7, 0, struct.pack("!I", 0))),
    "shutdown_ack": pkt(chunk(8, 0, b"")),
    "error": pkt(chunk(9, 0, struct.pack("!HHHH", 1, 8, 99, 0))),
    "cookie_echo": pkt(chunk(10, 0, b"\0" * 64)),
    "cookie_ack": pkt(chunk(11, 0, b"")),
    "shutdown_complete": pkt(chunk(14, 1, b""), mode=2),
    "forward_tsn": pkt(chunk(0xC0, 0, struct.pack("!IHH", 10, 1, 3))),
    "pad": pkt(chunk(0x84, 0, b"\0" * 12), data(0, 0, 0, b"p")),
    "unknown_skip_report": pkt(chunk(0xFF, 0, b"zz"), data(0, 0, 0, b"q")),
    "unknown_stop": pkt(chunk(0x3F, 0, b""), data(0, 0, 0, b"r")),
    "init_ootb": pkt(chunk(1, 0, struct.pack("!IIHHI", 7, 65536, 4, 4, 1)), mode=1),
    "init_with_params": pkt(chunk(1, 0, struct.pack("!IIHHI", 7, 65536, 4, 4, 1)
                                  + struct.pack("!HHI", 5, 8, 0xC6120009)
                                  + struct.pack("!HH", 0xC000, 4)), mode=1),
    "bad_length": pkt(struct.pack("!BBH", 0, 3, 2000) + b"\0" * 16),
}
for name, body in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(body)
print(f"{len(seeds)} seeds in {out}", file=sys.stderr)
