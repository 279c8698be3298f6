#!/usr/bin/env python3
"""Seeds for fuzz_setup: byte 0 is the mode (bit 0: the initiator is in
COOKIE-ECHOED, else COOKIE-WAIT; bit 1: keep the tag as given; bit 2: a
message waits in its send queue), then an SCTP packet whose ports and
tag the target rewrites."""
import os
import struct
import sys

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "setup")
os.makedirs(out, exist_ok=True)


def chunk(t, flags, value):
    length = 4 + len(value)
    pad = (-length) % 4
    return struct.pack("!BBH", t, flags, length) + value + b"\0" * pad


def param(t, value):
    length = 4 + len(value)
    return struct.pack("!HH", t, length) + value + b"\0" * ((-length) % 4)


def pkt(*chunks, mode=0):
    return bytes([mode]) + struct.pack("!HHII", 1, 1, 0, 0) + b"".join(chunks)


def init_ack(tag=0x0BADCAFE, cookie=b"cookie!!", extra=b"", streams=4):
    fixed = struct.pack("!IIHHI", tag, 65536, streams, streams, 1000)
    return chunk(2, 0, fixed + param(7, cookie) + extra)


seeds = {
    "init_ack": pkt(init_ack()),
    "init_ack_msg": pkt(init_ack(), mode=4),
    "init_ack_cookie_1500": pkt(init_ack(cookie=bytes(range(256)) * 5 + b"x" * 220)),
    "init_ack_cookie_3000": pkt(init_ack(cookie=b"c" * 3000)),
    "init_ack_zero_tag": pkt(init_ack(tag=0)),
    "init_ack_zero_streams": pkt(init_ack(streams=0)),
    "init_ack_no_cookie": pkt(chunk(2, 0, struct.pack("!IIHHI", 5, 65536, 4, 4, 1))),
    "init_ack_params": pkt(init_ack(extra=param(5, struct.pack("!I", 0xC6120009))
                                    + param(0x8001, b"unknown")
                                    + param(0xC000, b""))),
    "init_ack_hostname": pkt(init_ack(extra=param(11, b"peer.example\0"))),
    "init_collision": pkt(chunk(1, 0, struct.pack("!IIHHI", 77, 65536, 4, 4, 1)), mode=2),
    "cookie_ack": pkt(chunk(11, 0, b""), mode=1),
    "cookie_ack_msg_sack": pkt(chunk(11, 0, b""), chunk(3, 0, struct.pack("!IIHH", 0, 65536, 0, 0)),
                               mode=5),
    "stale_cookie": pkt(chunk(9, 0, struct.pack("!HHI", 3, 8, 5000)), mode=1),
    "unknown_report": pkt(chunk(0xC5, 0, b"abcd"), mode=1),
    "abort": pkt(chunk(6, 0, struct.pack("!HH", 12, 4)), mode=1),
    "abort_t": pkt(chunk(6, 1, b""), mode=3),
}
for name, body in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(body)
print(f"{len(seeds)} seeds in {out}", file=sys.stderr)
