#!/usr/bin/env bash
# Hostile input at the dataplane's own parsers (Ethernet, 802.1Q, ARP,
# IPv4, IPv6, ICMP, ICMPv6/ND, IP fragments, SCTP common header), which
# the core's fuzz targets do not reach. First, INITs and pings from
# source addresses no peer can have (multicast, broadcast, unspecified,
# loopback, the dataplane's own): RFC 9260 8.4 rule 1, each is dropped
# and counted as drop_bad_src, none reaches SCTP or gets an answer.
# Then scapy sends:
#  - 3,000 frames with random field values (scapy's fuzz()) over every
#    layer the dataplane parses, and 500 valid frames cut at random lengths;
#  - 1,000 INITs from random ports (an INIT flood, 2,000 a second from
#    one address, held to init_rate_per_source: 100 INIT ACKs a second),
#    and meanwhile 20 INITs from a second address, which must be
#    answered (init_rate, 400 a second, would let the flood take
#    nearly all);
# then the dataplane must still be alive and correct: it answers ping,
# a usrsctp peer gets an association and its echoes, it holds no
# association it should not, and every mbuf is back in its pool.
#
#   tests/system/70-hostile-input.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require
[[ -x "$CLIENT" ]] || fail "$CLIENT not built"
"$PY" -c "import scapy" 2>/dev/null || fail "scapy missing (python3-scapy)"

DP_ADDR=198.18.0.1
PEER_ADDR=198.18.0.2
PEER_ADDR_B=198.18.0.3
DP_ADDR6=2001:2:0:3::1
PEER_ADDR6=2001:2:0:3::2
make_netns_pair "$PEER_ADDR/24" "$PEER_ADDR6/64"
ip -n "$NS_PEER" addr add "$PEER_ADDR_B/24" dev "$VETH_PEER"
PFX="${TAG}h"
# INIT ACKs at most 400 a second (a burst of 101), and 100 a second to
# one source (a burst of 26): most of the flood below goes unanswered.
cat >"$TMP/dp.ini" <<INI
[sctpdp]
frag_ttl_ms = 500
[sctp]
init_rate = 400
init_rate_per_source = 100
INI
start_dp "$TMP/dp.log" 180 0 "$PFX" "net_af_packet0,iface=$VETH_DP" \
    --config "$TMP/dp.ini" --addr "$DP_ADDR/24" --addr "$DP_ADDR6/64" --echo-port 5001
ip netns exec "$NS_PEER" ping -c 1 -W 2 "$DP_ADDR" >/dev/null || fail "no ping answer"
free0=$(counter "$PFX" lcores 0.mbufs_free)
mac=$(grep -o "MAC [0-9A-F:]*" "$TMP/dp.log" | awk '{print tolower($2)}')

cat >"$TMP/badsrc.py" <<'PYEOF'
import sys, time
from scapy.all import (conf, Ether, IP, IPv6, ICMP, ICMPv6EchoRequest, SCTP, SCTPChunkInit,
                       AsyncSniffer, raw, get_if_hwaddr)
conf.verb = 0
iface, mac, d4, d6 = sys.argv[1:5]
me = get_if_hwaddr(iface)
E = lambda: Ether(src=me, dst=mac)
init = lambda: SCTP(sport=45555, dport=5001, tag=0) / SCTPChunkInit(
    init_tag=0x5eed, a_rwnd=65536, n_out_streams=1, n_in_streams=1, init_tsn=1)
bad4 = ["224.0.0.5", "239.1.2.3", "255.255.255.255", "198.18.0.255", "0.0.0.0", "127.0.0.1", d4]
bad6 = ["ff02::1", "ff05::2", "::", "::1", d6]
frames = [E() / IP(src=a, dst=d4) / init() for a in bad4]
frames += [E() / IP(src=a, dst=d4) / ICMP() / (b"x" * 32) for a in bad4]
frames += [E() / IPv6(src=a, dst=d6) / init() for a in bad6]
frames += [E() / IPv6(src=a, dst=d6) / ICMPv6EchoRequest() / (b"x" * 32) for a in bad6]
sn = AsyncSniffer(iface=iface, store=True,
                  lfilter=lambda p: p.haslayer(Ether) and p[Ether].src == mac and
                  (p.haslayer(SCTP) or p.haslayer(ICMP) or p.haslayer(ICMPv6EchoRequest) or
                   (p.haslayer(IPv6) and p[IPv6].nh == 58 and raw(p[IPv6].payload)[:1] == b"\x81")))
sn.start()
time.sleep(0.5)
s = conf.L2socket(iface=iface)
for f in frames:
    s.send(raw(f))
s.close()
time.sleep(1.0)
got = sn.stop()
print("sent %d frames from bad sources, answers %d" % (len(frames), len(got)))
PYEOF
bad0=$(counter "$PFX" ports 0.drop_bad_src)
core0=$(counter "$PFX" lcores 0.sctp_rx_packets)
echo0=$(counter "$PFX" ports 0.tx_icmp_echo)
out=$(timeout 60 ip netns exec "$NS_PEER" "$PY" "$TMP/badsrc.py" "$VETH_PEER" "$mac" \
    "$DP_ADDR" "$DP_ADDR6") || { echo "$out"; fail "scapy"; }
echo "$out"
sleep 0.3
bad=$(counter "$PFX" ports 0.drop_bad_src)
core=$(counter "$PFX" lcores 0.sctp_rx_packets)
echo1=$(counter "$PFX" ports 0.tx_icmp_echo)
sent=$(sed -n 's/^sent \([0-9]*\) frames.*/\1/p' <<<"$out")
echo "drop_bad_src $bad0 -> $bad, SCTP packets to the core $core0 -> $core, echo replies $echo0 -> $echo1"
[[ "$out" == *"answers 0"* ]] || fail "the dataplane answered a packet from a bad source"
[[ $((bad - bad0)) -eq $sent ]] || fail "drop_bad_src moved by $((bad - bad0)), expected $sent"
[[ $core -eq $core0 && $echo1 -eq $echo0 ]] || fail "a packet from a bad source reached SCTP or ICMP"
ok "INITs and pings from multicast, broadcast, unspecified, loopback and own sources: dropped, counted"

cat >"$TMP/hostile.py" <<'PYEOF'
import random, sys, time
from scapy.all import (conf, AsyncSniffer, Ether, Dot1Q, ARP, IP, IPv6, ICMP, ICMPv6EchoRequest,
                       ICMPv6ND_NS, ICMPv6ND_NA, ICMPv6PacketTooBig, IPv6ExtHdrFragment, SCTP,
                       SCTPChunkInit, SCTPChunkData, SCTPChunkSACK, SCTPChunkCookieEcho,
                       SCTPChunkAbort, SCTPChunkHeartbeatReq, Raw, fuzz, raw, get_if_hwaddr)
from scapy.arch import get_if_raw_hwaddr
conf.verb = 0
iface, mac, d4, s4, d6, s6 = sys.argv[1:7]
random.seed(int(sys.argv[7]))
s4b = sys.argv[8]
me = get_if_hwaddr(iface)
E = lambda: Ether(src=me, dst=mac)
templates = [
    lambda: E() / fuzz(IP(dst=d4, src=s4)) / ICMP(),
    lambda: E() / IP(dst=d4, src=s4) / fuzz(ICMP()),
    lambda: E() / fuzz(ARP(psrc=s4, pdst=d4)),
    lambda: Ether(src=me, dst="ff:ff:ff:ff:ff:ff") / fuzz(ARP()),
    lambda: E() / fuzz(Dot1Q()) / IP(dst=d4, src=s4) / ICMP(),
    lambda: E() / IP(dst=d4, src=s4) / fuzz(SCTP(dport=5001)),
    lambda: E() / IP(dst=d4, src=s4) / SCTP(dport=5001) / fuzz(SCTPChunkInit()),
    lambda: E() / IP(dst=d4, src=s4) / SCTP(dport=5001, tag=random.getrandbits(32)) / fuzz(SCTPChunkData()),
    lambda: E() / IP(dst=d4, src=s4) / SCTP(dport=5001, tag=random.getrandbits(32)) / fuzz(SCTPChunkSACK()),
    lambda: E() / IP(dst=d4, src=s4) / SCTP(dport=5001) / fuzz(SCTPChunkCookieEcho()),
    lambda: E() / IP(dst=d4, src=s4) / SCTP(dport=5001) / fuzz(SCTPChunkAbort()),
    lambda: E() / IP(dst=d4, src=s4) / SCTP(dport=5001) / fuzz(SCTPChunkHeartbeatReq()),
    lambda: E() / IP(dst=d4, src=s4, flags="MF", frag=random.randrange(0, 64)) / Raw(bytes(random.getrandbits(8) for _ in range(random.randrange(8, 200)))),
    lambda: E() / IP(dst=d4, src=s4) / fuzz(ICMP(type=3, code=4)) / IP(src=d4, dst=s4) / SCTP(),
    lambda: E() / fuzz(IPv6(dst=d6, src=s6)) / ICMPv6EchoRequest(),
    lambda: E() / IPv6(dst=d6, src=s6) / fuzz(ICMPv6EchoRequest()),
    lambda: E() / IPv6(dst=d6, src=s6) / fuzz(ICMPv6ND_NS(tgt=d6)),
    lambda: E() / IPv6(dst=d6, src=s6) / fuzz(ICMPv6ND_NA()),
    lambda: E() / IPv6(dst=d6, src=s6) / fuzz(ICMPv6PacketTooBig()) / IPv6(src=d6, dst=s6) / SCTP(),
    lambda: E() / IPv6(dst=d6, src=s6) / fuzz(IPv6ExtHdrFragment()) / Raw(b"x" * random.randrange(0, 100)),
    lambda: E() / IPv6(dst=d6, src=s6) / fuzz(SCTP(dport=5001)),
]
frames = []
for i in range(3000):
    try:
        frames.append(raw(random.choice(templates)()))
    except Exception:
        pass
valid = [raw(E() / IP(dst=d4, src=s4) / ICMP() / Raw(b"v" * 64)),
         raw(E() / IP(dst=d4, src=s4) / SCTP(sport=7, dport=5001) / SCTPChunkInit(init_tag=5, a_rwnd=1500, n_out_streams=1, n_in_streams=1, init_tsn=1)),
         raw(E() / IPv6(dst=d6, src=s6) / ICMPv6EchoRequest() / Raw(b"v" * 64)),
         raw(E() / Dot1Q(vlan=5) / IP(dst=d4, src=s4) / ICMP()),
         raw(E() / ARP(op=1, hwsrc=me, psrc=s4, pdst=d4))]
for i in range(500):
    f = random.choice(valid)
    frames.append(f[:random.randrange(0, len(f))])
random.shuffle(frames)
s = conf.L2socket(iface=iface)
for f in frames:
    s.send(f if len(f) > 0 else b"\x00")
inits = [raw(E() / IP(dst=d4, src=s4) / SCTP(sport=random.randrange(1024, 65535), dport=5001) /
              SCTPChunkInit(init_tag=random.getrandbits(32) | 1, a_rwnd=65536,
                            n_out_streams=8, n_in_streams=8, init_tsn=random.getrandbits(32)))
         for i in range(1000)]
# INITs from the second address, one every 50 INITs of the flood.
others = [raw(E() / IP(dst=d4, src=s4b) / SCTP(sport=47000 + i, dport=5001) /
               SCTPChunkInit(init_tag=0x0b000001 + i, a_rwnd=65536,
                             n_out_streams=8, n_in_streams=8, init_tsn=1))
          for i in range(20)]
# 2,000 a second: five times init_rate and twenty times the rate per
# source, and slow enough for the af_packet ring of a sanitized dataplane.
t0 = time.monotonic()
for i, f in enumerate(inits):
    s.send(f)
    if i % 50 == 25:
        s.send(others[i // 50])
    while time.monotonic() < t0 + (i + 1) * 0.0005:
        pass
flood_s = time.monotonic() - t0
s.close()
print("sent %d hostile frames and 1000 INITs in %.3f s" % (len(frames), flood_s))
print("flood_s=%.3f" % flood_s)
PYEOF
log "hostile frames from $NS_PEER"
# The INIT ACKs to the second address, captured by tshark in the kernel.
capture_start "$TMP/acks_b.pcap" "$VETH_PEER" "sctp and src host $DP_ADDR and dst host $PEER_ADDR_B"
out=$(timeout 120 ip netns exec "$NS_PEER" "$PY" "$TMP/hostile.py" "$VETH_PEER" "$mac" \
    "$DP_ADDR" "$PEER_ADDR" "$DP_ADDR6" "$PEER_ADDR6" "${SCTPDP_HOSTILE_SEED:-7}" \
    "$PEER_ADDR_B") ||
    { echo "$out"; fail "scapy"; }
echo "$out"
kill -0 "$DP" 2>/dev/null || { tail -20 "$TMP/dp.log"; fail "the dataplane died"; }
ok "the dataplane survived the hostile frames and the INIT flood"
ctl "$PFX" ports | grep -E "rx_packets|drop|init|csum" | head -30

ip netns exec "$NS_PEER" ping -c 2 -i 0.2 -W 2 "$DP_ADDR" >/dev/null || fail "no ping answer after"
ip netns exec "$NS_PEER" ping -6 -c 2 -i 0.2 -W 2 "$DP_ADDR6" >/dev/null || fail "no ping -6 answer after"
ok "IPv4 and IPv6 ping still answered"
[[ $(counter "$PFX" lcores 0.assocs) -eq 0 ]] || fail "associations left by the flood"
ok "the INIT flood left no association (INIT ACKs are stateless)"
# At 100 a second with a burst of 26, at most 27 + 100 s of the flood's
# 1000 INITs were answered (a few more INITs among the hostile frames
# only add to what is dropped; 50 are allowed for frames the kernel may
# have dropped before the dataplane saw them).
limited=$(counter "$PFX" lcores 0.init_source_limited)
flood_s=$(sed -n 's/^flood_s=//p' <<<"$out")
capture_stop
acks_b=$(capture_chunks "$TMP/acks_b.pcap" 2)
want=$("$PY" -c "import math; print(1000 - math.ceil(27 + 100 * $flood_s) - 50)")
echo "init_source_limited=$limited of 1000 INITs sent in $flood_s s (at least $want expected)"
[[ $want -gt 0 && $limited -ge $want ]] || fail "the INIT flood was not held to init_rate_per_source"
ok "the INIT flood was held to init_rate_per_source: $limited INITs left unanswered"
# A few may be lost to the kernel before the dataplane sees them (the
# flood's frames); without the bound per source 2 of 20 were answered.
# (A sniffer in the sending process lost up to 7 of the 20 INIT ACKs.)
echo "INIT ACKs to the second address: $acks_b of 20"
[[ $acks_b -ge 17 ]] || fail "INITs from another address went unanswered during the flood"
# And on the dataplane's side: init_rate (all sources) refused none.
[[ $(counter "$PFX" lcores 0.init_rate_limited) -eq 0 ]] ||
    fail "init_rate refused INITs during the flood"
ok "the INITs from another address were answered during the flood ($acks_b of 20)"
echo_client "$DP_ADDR" 50 500 4
ok "a usrsctp association still works: 50 messages echoed and checked"
free=0
for ((i = 0; i < 30; i++)); do
    free=$(counter "$PFX" lcores 0.mbufs_free)
    [[ $free -ge $free0 ]] && break
    sleep 0.1
done
echo "mbufs free: $free0 before, $free after"
[[ $free -ge $free0 ]] || fail "mbufs leaked: $free0 free before, $free after"
ok "no mbuf leaked"
kill -TERM "$DP"
wait_exit "$DP" 15 || fail "dataplane did not stop"
[[ $EXIT_RC -eq 0 ]] || fail "dataplane exited $EXIT_RC"
echo "PASS: $CHECKS checks"
