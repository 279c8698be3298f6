#!/usr/bin/python3
"""Seeds for fuzz_frame: Ethernet frames to the engine at 198.18.1.1 and
2001:2::1 (MAC 02:00:00:00:00:01), from a peer at 198.18.1.2 and
2001:2::2. Needs scapy (Debian's python3-scapy):
    /usr/bin/python3 tests/fuzz/make_frame_corpus.py"""
import os

from scapy.all import (ARP, ICMP, IP, IPv6, SCTP, SCTPChunkAbort, SCTPChunkData,
                       SCTPChunkHeartbeatReq, SCTPChunkInit, SCTPChunkShutdown, UDP,
                       Dot1Q, Ether, ICMPv6EchoRequest, ICMPv6ND_NS, ICMPv6NDOptSrcLLAddr,
                       ICMPv6PacketTooBig, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                       IPv6ExtHdrSegmentRouting, Raw, fragment)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "frame")
os.makedirs(out, exist_ok=True)

US, PEER = "02:00:00:00:00:01", "02:00:00:00:00:02"
A4, P4 = "198.18.1.1", "198.18.1.2"
A6, P6 = "2001:2::1", "2001:2::2"
e = Ether(dst=US, src=PEER)

seeds = {
    "arp-request": Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER) /
    ARP(op=1, hwsrc=PEER, psrc=P4, pdst=A4),
    "arp-reply": e / ARP(op=2, hwsrc=PEER, psrc=P4, hwdst=US, pdst=A4),
    "icmp-echo": e / IP(src=P4, dst=A4) / ICMP(type=8, id=7, seq=1) / Raw(b"x" * 56),
    "vlan-icmp-echo": e / Dot1Q(vlan=100) / IP(src=P4, dst=A4) / ICMP(type=8) / Raw(b"y" * 32),
    "sctp-init": e / IP(src=P4, dst=A4) / SCTP(sport=40000, dport=5001, tag=0) /
    SCTPChunkInit(init_tag=0x11223344, a_rwnd=65536, n_out_streams=4, n_in_streams=4,
                  init_tsn=1),
    "sctp-init-discard": e / IP(src=P4, dst=A4) / SCTP(sport=40001, dport=5002, tag=0) /
    SCTPChunkInit(init_tag=0x55667788, a_rwnd=65536, n_out_streams=2, n_in_streams=2,
                  init_tsn=100),
    "sctp-data-ootb": e / IP(src=P4, dst=A4) / SCTP(sport=40000, dport=5001, tag=0x1234) /
    SCTPChunkData(tsn=1, stream_id=0, stream_seq=0, proto_id=0, data=b"hello"),
    "sctp-abort-ootb": e / IP(src=P4, dst=A4) / SCTP(sport=40000, dport=5001, tag=0x1234) /
    SCTPChunkAbort(),
    "sctp-heartbeat-ootb": e / IP(src=P4, dst=A4) / SCTP(sport=40000, dport=5001, tag=1) /
    SCTPChunkHeartbeatReq(),
    "sctp-shutdown-ootb": e / IP(src=P4, dst=A4) / SCTP(sport=40000, dport=5001, tag=1) /
    SCTPChunkShutdown(),
    "sctp6-init": e / IPv6(src=P6, dst=A6) / SCTP(sport=40002, dport=5001, tag=0) /
    SCTPChunkInit(init_tag=0x01020304, a_rwnd=65536, n_out_streams=4, n_in_streams=4,
                  init_tsn=5),
    "udp-not-ours": e / IP(src=P4, dst=A4) / UDP(sport=1, dport=2) / Raw(b"z" * 20),
    "ip-not-ours": e / IP(src=P4, dst="198.18.1.9") / ICMP(type=8),
    "icmp-frag-needed": e / IP(src=P4, dst=A4) / ICMP(type=3, code=4, nexthopmtu=1280) /
    IP(src=A4, dst=P4, flags="DF") / SCTP(sport=5001, dport=40000, tag=0x11223344) /
    Raw(b"\0" * 16),
    "ns": Ether(dst="33:33:ff:00:00:01", src=PEER) /
    IPv6(src=P6, dst="ff02::1:ff00:1", hlim=255) / ICMPv6ND_NS(tgt=A6) /
    ICMPv6NDOptSrcLLAddr(lladdr=PEER),
    "icmp6-echo": e / IPv6(src=P6, dst=A6) / ICMPv6EchoRequest(id=3, seq=1, data=b"p" * 40),
    "icmp6-too-big": e / IPv6(src=P6, dst=A6) / ICMPv6PacketTooBig(mtu=1280) /
    IPv6(src=A6, dst=P6) / SCTP(sport=5001, dport=40002, tag=0x01020304) / Raw(b"\0" * 16),
}

big = IP(src=P4, dst=A4, id=77, proto=132) / Raw(bytes(SCTP(sport=40003, dport=5001, tag=0) /
                                                       SCTPChunkData(tsn=1, data=b"q" * 600)))
for i, f in enumerate(fragment(big, fragsize=256)):
    seeds["ip-frag-%d" % i] = e / f

# IPv6 fragments behind the unfragmentable part (RFC 8200 4.5), and ones
# of a bad length or past 65,535 bytes.
echo6 = bytes(IPv6(src=P6, dst=A6) / ICMPv6EchoRequest(id=9, seq=2, data=b"r" * 24))[40:]
for ext_name, ext in (("hbh", IPv6ExtHdrHopByHop()),
                      ("srh", IPv6ExtHdrSegmentRouting(addresses=[A6], segleft=0))):
    for i, (off, more, part) in enumerate(((0, 1, echo6[:16]), (2, 0, echo6[16:]))):
        seeds["ip6-frag-%s-%d" % (ext_name, i)] = e / IPv6(src=P6, dst=A6) / ext / \
            IPv6ExtHdrFragment(nh=58, offset=off, m=more, id=0x99) / Raw(part)
seeds["ip6-frag-odd"] = e / IPv6(src=P6, dst=A6) / \
    IPv6ExtHdrFragment(nh=58, offset=0, m=1, id=0x9a) / Raw(echo6[:12])
seeds["ip6-frag-past"] = e / IPv6(src=P6, dst=A6) / \
    IPv6ExtHdrFragment(nh=58, offset=8191, m=0, id=0x9b) / Raw(echo6[:16])

for name, p in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(bytes(p))
print("%d seeds in %s" % (len(seeds), out))
