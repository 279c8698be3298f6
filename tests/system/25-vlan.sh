#!/usr/bin/env bash
# 802.1Q: the dataplane's port is configured with VLAN 100 ([port0] vlan).
# scapy on the peer's veth sends tagged ARP and ICMP echo requests: the
# answers come back tagged with VLAN 100. Untagged requests are dropped and
# counted. An SCTP association runs end to end over the VLAN: INIT, INIT
# ACK, COOKIE ECHO, COOKIE ACK, a DATA chunk to the echo service that comes
# back echoed and acknowledged, then SHUTDOWN, SHUTDOWN ACK and SHUTDOWN
# COMPLETE, every frame both ways tagged VLAN 100. (The kernel here has no
# 8021q module, so the peer is scapy.)
#
#   tests/system/25-vlan.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require
"$PY" -c "import scapy" 2>/dev/null || fail "scapy missing (python3-scapy)"

DP_ADDR=198.18.2.1
PEER_ADDR=198.18.2.2
make_netns_pair "198.18.3.2/24"
cat >"$TMP/vlan.ini" <<INI
[sctpdp]
addr = $DP_ADDR/24
echo_port = 5001
[port0]
vlan = 100
INI
PFX="${TAG}v"
start_dp "$TMP/dp.log" 120 0 "$PFX" "net_af_packet0,iface=$VETH_DP" --config "$TMP/vlan.ini"

cat >"$TMP/vlan.py" <<'PYEOF'
import sys
from scapy.all import conf, Ether, Dot1Q, ARP, IP, ICMP, srp1, get_if_hwaddr
conf.verb = 0
iface, dst, src = sys.argv[1], sys.argv[2], sys.argv[3]
me = get_if_hwaddr(iface)
bc = "ff:ff:ff:ff:ff:ff"
r = srp1(Ether(src=me, dst=bc) / Dot1Q(vlan=100) / ARP(op=1, hwsrc=me, psrc=src, pdst=dst),
         iface=iface, timeout=2)
if r is None or ARP not in r or r[ARP].op != 2:
    print("tagged ARP: no reply")
    sys.exit(1)
tag = r[Dot1Q].vlan if Dot1Q in r else None
mac = r[ARP].hwsrc
print("tagged ARP: %s is at %s, reply VLAN %s" % (dst, mac, tag))
r = srp1(Ether(src=me, dst=mac) / Dot1Q(vlan=100) / IP(src=src, dst=dst) / ICMP(id=5, seq=1),
         iface=iface, timeout=2)
ok = r is not None and ICMP in r and r[ICMP].type == 0
print("tagged ping: reply %s, VLAN %s" % (ok, r[Dot1Q].vlan if ok and Dot1Q in r else None))
r2 = srp1(Ether(src=me, dst=mac) / IP(src=src, dst=dst) / ICMP(id=6, seq=1), iface=iface,
          timeout=1)
print("untagged ping: reply %s" % (r2 is not None))
sys.exit(0 if tag == 100 and ok and r[Dot1Q].vlan == 100 and r2 is None else 1)
PYEOF
out=$(timeout 30 ip netns exec "$NS_PEER" "$PY" "$TMP/vlan.py" "$VETH_PEER" "$DP_ADDR" "$PEER_ADDR")
rc=$?
echo "$out"
[[ "$out" == *"reply VLAN 100"* ]] || fail "tagged ARP not answered with VLAN 100"
ok "tagged ARP answered, reply tagged VLAN 100"
[[ "$out" == *"tagged ping: reply True, VLAN 100"* ]] || fail "tagged ping"
ok "tagged ICMP echo answered, reply tagged VLAN 100"
[[ $rc -eq 0 && "$out" == *"untagged ping: reply False"* ]] || fail "untagged ping answered"
v=$(counter "$PFX" ports 0.drop_vlan)
echo "drop_vlan=$v"
[[ $v -ge 1 ]] || fail "untagged frame not counted"
ok "untagged frame dropped and counted"
cat >"$TMP/vlan_sctp.py" <<'PYEOF'
import sys, time
from scapy.all import (conf, Ether, Dot1Q, ARP, IP, SCTP, SCTPChunkInit, SCTPChunkInitAck,
                       SCTPChunkParamStateCookie, SCTPChunkCookieEcho, SCTPChunkCookieAck,
                       SCTPChunkData, SCTPChunkSACK, SCTPChunkShutdown, SCTPChunkShutdownAck,
                       SCTPChunkShutdownComplete, AsyncSniffer, sendp, get_if_hwaddr, srp1)
conf.verb = 0
iface, dst, src = sys.argv[1], sys.argv[2], sys.argv[3]
me = get_if_hwaddr(iface)
r = srp1(Ether(src=me, dst="ff:ff:ff:ff:ff:ff") / Dot1Q(vlan=100) /
         ARP(op=1, hwsrc=me, psrc=src, pdst=dst), iface=iface, timeout=2)
if r is None or ARP not in r:
    print("no ARP reply"); sys.exit(1)
mac = r[ARP].hwsrc
SPORT, DPORT, MYTAG = 40001, 5001, 0x5ca1ab1e
tagged = [True]

def answer_arp(p):
    # The dataplane may resolve us again: answer its tagged requests.
    if ARP in p and p[ARP].op == 1 and p[ARP].pdst == src:
        sendp(Ether(src=me, dst=p[Ether].src) / Dot1Q(vlan=100) /
              ARP(op=2, hwsrc=me, psrc=src, hwdst=p[ARP].hwsrc, pdst=p[ARP].psrc), iface=iface)

def exchange(pkt, want, secs=3.0):
    """Sends one tagged SCTP packet; returns the SCTP chunks received from
    the dataplane until one of type `want` arrived (or secs passed)."""
    got = []

    def seen(p):
        answer_arp(p)
        got.append(p)

    sn = AsyncSniffer(iface=iface, store=False, prn=seen,
                      lfilter=lambda p: Ether in p and p[Ether].src == mac)
    sn.start()
    time.sleep(0.2)
    sendp(Ether(src=me, dst=mac) / Dot1Q(vlan=100) / IP(src=src, dst=dst) / pkt, iface=iface)
    end = time.time() + secs
    chunks = []
    while time.time() < end:
        time.sleep(0.1)
        chunks = []
        for p in [p for p in list(got) if SCTP in p]:
            if Dot1Q not in p or p[Dot1Q].vlan != 100:
                tagged[0] = False
            c = p[SCTP].payload
            while c is not None and c.__class__.__name__.startswith("SCTPChunk"):
                chunks.append((p[SCTP].tag, c))
                c = c.payload
        if any(isinstance(c, want) for _, c in chunks):
            break
    sn.stop()
    return chunks

def first(chunks, cls):
    for tag, c in chunks:
        if isinstance(c, cls):
            return tag, c
    return None, None

ch = exchange(SCTP(sport=SPORT, dport=DPORT, tag=0) /
              SCTPChunkInit(init_tag=MYTAG, a_rwnd=65536, n_out_streams=4, n_in_streams=4,
                            init_tsn=1000), SCTPChunkInitAck)
tag, ack = first(ch, SCTPChunkInitAck)
if ack is None:
    print("no INIT ACK"); sys.exit(1)
peer_tag = ack.init_tag
cookie = None
for prm in ack.params:
    if isinstance(prm, SCTPChunkParamStateCookie):
        cookie = bytes(prm.cookie)
print("INIT ACK: tag 0x%08x, their tag 0x%08x, cookie %s bytes" %
      (tag, peer_tag, len(cookie) if cookie else None))
if tag != MYTAG or cookie is None:
    sys.exit(1)
ch = exchange(SCTP(sport=SPORT, dport=DPORT, tag=peer_tag) / SCTPChunkCookieEcho(cookie=cookie),
              SCTPChunkCookieAck)
if first(ch, SCTPChunkCookieAck)[1] is None:
    print("no COOKIE ACK"); sys.exit(1)
print("COOKIE ACK")
msg = b"over-vlan-100 " * 8
ch = exchange(SCTP(sport=SPORT, dport=DPORT, tag=peer_tag) /
              SCTPChunkData(tsn=1000, stream_id=2, stream_seq=0, proto_id=46, data=msg,
                            beginning=1, ending=1, delay_sack=1), SCTPChunkData)
_, echo = first(ch, SCTPChunkData)
if echo is None:
    print("no echo"); sys.exit(1)
ok = bytes(echo.data) == msg and echo.stream_id == 2 and echo.proto_id == 46
print("echo DATA: tsn %u stream %u ppid %u, %u bytes, content %s" %
      (echo.tsn, echo.stream_id, echo.proto_id, len(bytes(echo.data)), ok))
if not ok:
    sys.exit(1)
sack = first(ch, SCTPChunkSACK)[1]
if sack is None:
    ch += exchange(SCTP(sport=SPORT, dport=DPORT, tag=peer_tag) /
                   SCTPChunkSACK(cumul_tsn_ack=echo.tsn, a_rwnd=65536), SCTPChunkSACK, 1.0)
    sack = first(ch, SCTPChunkSACK)[1]
print("SACK: cumulative TSN %s" % (sack.cumul_tsn_ack if sack else None))
if sack is None or sack.cumul_tsn_ack != 1000:
    sys.exit(1)
ch = exchange(SCTP(sport=SPORT, dport=DPORT, tag=peer_tag) /
              SCTPChunkShutdown(cumul_tsn_ack=echo.tsn), SCTPChunkShutdownAck)
if first(ch, SCTPChunkShutdownAck)[1] is None:
    print("no SHUTDOWN ACK"); sys.exit(1)
sendp(Ether(src=me, dst=mac) / Dot1Q(vlan=100) / IP(src=src, dst=dst) /
      SCTP(sport=SPORT, dport=DPORT, tag=peer_tag) / SCTPChunkShutdownComplete(), iface=iface)
print("SHUTDOWN ACK, SHUTDOWN COMPLETE sent")
print("all frames from the dataplane tagged VLAN 100: %s" % tagged[0])
sys.exit(0 if tagged[0] else 1)
PYEOF
out=$(timeout 60 ip netns exec "$NS_PEER" "$PY" "$TMP/vlan_sctp.py" "$VETH_PEER" "$DP_ADDR" \
    "$PEER_ADDR")
rc=$?
echo "$out"
[[ "$out" == *"COOKIE ACK"* ]] || { ctl "$PFX" ports; ctl "$PFX" lcores; cat "$TMP/dp.log"; fail "no association over the VLAN"; }
ok "association set up over VLAN 100 (INIT, INIT ACK, COOKIE ECHO, COOKIE ACK)"
[[ "$out" == *"content True"* && "$out" == *"cumulative TSN 1000"* ]] ||
    fail "DATA over the VLAN not echoed and acknowledged"
ok "DATA over VLAN 100 echoed on its stream with its PPID and acknowledged"
[[ $rc -eq 0 && "$out" == *"tagged VLAN 100: True"* ]] || fail "SCTP over the VLAN"
ok "graceful shutdown over VLAN 100; every frame from the dataplane tagged"
wait_log "$TMP/dp.log" "SHUTDOWN_COMP" 10 || fail "the association did not close at the dataplane"
ok "the dataplane saw the association complete its shutdown"

kill -TERM "$DP"
wait_exit "$DP" 20 || fail "dataplane did not stop"
[[ $EXIT_RC -eq 0 ]] || fail "dataplane exited $EXIT_RC"
echo "PASS: $CHECKS checks"
