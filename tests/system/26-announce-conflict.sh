#!/usr/bin/env bash
# Announcing our addresses, and defending them, on net_af_packet over a
# veth pair into a namespace.
#  - At start, after a second of duplicate address detection
#    (27-duplicate-address.sh), the dataplane announces its IPv4 address with two
#    gratuitous ARPs 2 s apart (RFC 5227 ANNOUNCE_NUM, ANNOUNCE_INTERVAL)
#    and its IPv6 address with three unsolicited Neighbor Advertisements
#    1 s apart (RFC 4861 7.2.6: to all nodes, Override set, Solicited
#    clear, its MAC as target link-layer address).
#  - Another host that claims one of its addresses (a gratuitous ARP, an
#    ARP reply, a Neighbor Advertisement, with another MAC) is an address
#    conflict (RFC 5227 2.4, RFC 4862 5.4): counted, logged, and defended
#    with one announcement per address in 10 s, however often it is
#    claimed. The dataplane never takes the other MAC for its own
#    address, and still answers ping after.
#  - The neighbour cache under telemetry (/sctpdp/neigh, sctpdp-ctl
#    neigh): 60 hosts that ask for our address are listed once each,
#    stale, with their MACs, over two pages.
#
#   tests/system/26-announce-conflict.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require
"$PY" -c "import scapy" 2>/dev/null || fail "scapy missing (python3-scapy)"

DP_ADDR=198.18.5.1
PEER_ADDR=198.18.5.2
DP_ADDR6=2001:2:0:5::1
PEER_ADDR6=2001:2:0:5::2
FAKE_MAC=02:00:00:00:00:99
make_netns_pair "$PEER_ADDR/24" "$PEER_ADDR6/64"
PFX="${TAG}n"

# sniff.py IFACE D4 D6 SECONDS: prints, for each announcement of D4 or D6
# seen on IFACE, "arp T MAC" or "na T MAC FLAGS TLLA DST" (T in seconds
# from the start of the capture).
cat >"$TMP/sniff.py" <<'PYEOF'
import sys, time
from scapy.all import conf, sniff, Ether, ARP, IPv6, ICMPv6ND_NA, ICMPv6NDOptDstLLAddr
conf.verb = 0
iface, d4, d6, secs = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
t0 = time.time()
print("sniffing", flush=True)
def show(p):
    t = p.time - t0
    if p.haslayer(ARP) and p[ARP].op == 1 and p[ARP].psrc == d4 and p[ARP].pdst == d4:
        print("arp %.3f %s %s" % (t, p[ARP].hwsrc, p[Ether].dst), flush=True)
    elif p.haslayer(ICMPv6ND_NA) and p[ICMPv6ND_NA].tgt == d6:
        na = p[ICMPv6ND_NA]
        ll = p[ICMPv6NDOptDstLLAddr].lladdr if p.haslayer(ICMPv6NDOptDstLLAddr) else "-"
        print("na %.3f %s R%dS%dO%d %s %s hl%d" % (t, p[Ether].src, na.R, na.S, na.O, ll,
                                                   p[IPv6].dst, p[IPv6].hlim), flush=True)
sniff(iface=iface, timeout=secs, prn=show, store=False,
      lfilter=lambda p: p.haslayer(ARP) or p.haslayer(ICMPv6ND_NA))
PYEOF

log "capturing the dataplane's start"
start_bg "$TMP/start.txt" timeout 30 ip netns exec "$NS_PEER" "$PY" "$TMP/sniff.py" \
    "$VETH_PEER" "$DP_ADDR" "$DP_ADDR6" 8
SN=$LAST_PID
wait_log "$TMP/start.txt" "sniffing" 20 || fail "sniffer did not start"
sleep 0.5
start_dp "$TMP/dp.log" 120 0 "$PFX" "net_af_packet0,iface=$VETH_DP" \
    --addr "$DP_ADDR/24" --addr "$DP_ADDR6/64" --echo-port 5001
mac=$(grep -o "MAC [0-9A-F:]*" "$TMP/dp.log" | awk '{print tolower($2)}')
wait_exit "$SN" 20 || fail "sniffer did not end"
cat "$TMP/start.txt"

mapfile -t arps < <(awk '$1 == "arp" {print $2}' "$TMP/start.txt")
[[ ${#arps[@]} -eq 2 ]] || fail "expected 2 gratuitous ARPs at start, saw ${#arps[@]}"
[[ $(awk -v m="$mac" '$1 == "arp" && $3 == m && $4 == "ff:ff:ff:ff:ff:ff"' "$TMP/start.txt" |
    wc -l) -eq 2 ]] || fail "gratuitous ARPs not broadcast from $mac"
gap=$("$PY" -c "print(round(${arps[1]} - ${arps[0]}, 2))")
"$PY" -c "import sys; sys.exit(not 1.7 <= $gap <= 2.6)" || fail "ARP announcements $gap s apart"
ok "IPv4 announced at start: 2 gratuitous ARPs from $mac, $gap s apart"

mapfile -t nas < <(awk '$1 == "na" {print $2}' "$TMP/start.txt")
[[ ${#nas[@]} -eq 3 ]] || fail "expected 3 unsolicited NAs at start, saw ${#nas[@]}"
[[ $(awk -v m="$mac" '$1 == "na" && $3 == m && $4 == "R0S0O1" && $5 == m && $6 == "ff02::1" &&
    $7 == "hl255"' "$TMP/start.txt" | wc -l) -eq 3 ]] ||
    fail "unsolicited NAs not to all nodes with O set, S clear, hop limit 255 and $mac"
g1=$("$PY" -c "print(round(${nas[1]} - ${nas[0]}, 2))")
g2=$("$PY" -c "print(round(${nas[2]} - ${nas[1]}, 2))")
"$PY" -c "import sys; sys.exit(not (0.8 <= $g1 <= 1.4 and 0.8 <= $g2 <= 1.4))" ||
    fail "NAs $g1 s and $g2 s apart"
ok "IPv6 announced at start: 3 unsolicited NAs (O set, S clear) from $mac, $g1 s and $g2 s apart"
[[ $(counter "$PFX" ports 0.tx_announce) -eq 5 ]] || fail "tx_announce is not 5"
ok "tx_announce counts the 5 announcements"

ip netns exec "$NS_PEER" ping -c 1 -W 2 "$DP_ADDR" >/dev/null || fail "no ping answer"

# claim.py IFACE DPMAC D4 D6 FAKE: another host claims both addresses:
# three times each over IPv4 (gratuitous ARP request, gratuitous ARP
# reply, ARP reply to us), twice over IPv6 (NA with Override, to all
# nodes and to the dataplane), and prints the dataplane's defences.
cat >"$TMP/claim.py" <<'PYEOF'
import sys, time
from scapy.all import (conf, AsyncSniffer, Ether, ARP, IPv6, ICMPv6ND_NA, ICMPv6NDOptDstLLAddr,
                       sendp)
conf.verb = 0
iface, dpmac, d4, d6, fake = sys.argv[1:6]
sn = AsyncSniffer(iface=iface, store=True,
                  lfilter=lambda p: p[Ether].src == dpmac and (
                      (p.haslayer(ARP) and p[ARP].psrc == d4 and p[ARP].pdst == d4) or
                      (p.haslayer(ICMPv6ND_NA) and p[ICMPv6ND_NA].tgt == d6)))
sn.start()
time.sleep(0.5)
B = "ff:ff:ff:ff:ff:ff"
frames = [Ether(src=fake, dst=B) / ARP(op=1, hwsrc=fake, psrc=d4, pdst=d4),
          Ether(src=fake, dst=B) / ARP(op=2, hwsrc=fake, psrc=d4, pdst=d4, hwdst=B),
          Ether(src=fake, dst=dpmac) / ARP(op=2, hwsrc=fake, psrc=d4, pdst=d4, hwdst=dpmac),
          Ether(src=fake, dst="33:33:00:00:00:01") / IPv6(src=d6, dst="ff02::1", hlim=255) /
          ICMPv6ND_NA(tgt=d6, R=0, S=0, O=1) / ICMPv6NDOptDstLLAddr(lladdr=fake),
          Ether(src=fake, dst=dpmac) / IPv6(src="fe80::99", dst=d6, hlim=255) /
          ICMPv6ND_NA(tgt=d6, R=0, S=0, O=1) / ICMPv6NDOptDstLLAddr(lladdr=fake)]
for f in frames:
    sendp(f, iface=iface)
    time.sleep(0.1)
time.sleep(1.0)
got = sn.stop()
print("defences: arp %d na %d" % (sum(p.haslayer(ARP) for p in got),
                                   sum(p.haslayer(ICMPv6ND_NA) for p in got)))
PYEOF
log "another host claims $DP_ADDR and $DP_ADDR6 from $FAKE_MAC"
out=$(timeout 30 ip netns exec "$NS_PEER" "$PY" "$TMP/claim.py" "$VETH_PEER" "$mac" \
    "$DP_ADDR" "$DP_ADDR6" "$FAKE_MAC") || { echo "$out"; fail "scapy"; }
echo "$out"
sleep 0.3
conflicts=$(counter "$PFX" ports 0.rx_addr_conflict)
echo "rx_addr_conflict=$conflicts"
[[ $conflicts -eq 5 ]] || fail "expected 5 address conflicts counted, got $conflicts"
ok "5 claims of our addresses by $FAKE_MAC counted as address conflicts"
[[ "$out" == *"defences: arp 1 na 1"* ]] || fail "expected one defence per address"
[[ $(counter "$PFX" ports 0.tx_announce) -eq 7 ]] || fail "tx_announce is not 7"
ok "each address defended once with an announcement, not once per claim"
[[ $(grep -c "address conflict: $DP_ADDR is also claimed by $FAKE_MAC" "$TMP/dp.log") -eq 1 ]] ||
    fail "the IPv4 conflict was not logged once"
[[ $(grep -c "address conflict: $DP_ADDR6 is also claimed by $FAKE_MAC" "$TMP/dp.log") -eq 1 ]] ||
    fail "the IPv6 conflict was not logged once"
ok "each conflict logged once, with the other host's MAC"

# The dataplane took neither claim for a neighbour: its answers still go
# to the peer, whose cache the defence put right.
ip -n "$NS_PEER" neigh flush dev "$VETH_PEER"
ip netns exec "$NS_PEER" ping -c 2 -i 0.2 -W 2 "$DP_ADDR" >/dev/null || fail "no ping answer after"
ip netns exec "$NS_PEER" ping -6 -c 2 -i 0.2 -W 2 "$DP_ADDR6" >/dev/null ||
    fail "no ping -6 answer after"
ok "IPv4 and IPv6 ping still answered"
ctl "$PFX" ports | grep -E "announce|conflict|arp|_nd"

# The neighbour cache under telemetry: 60 hosts ask for our address
# (ARP requests from 198.18.5.100 to .159, each its own MAC). A request
# names its sender without proving that it hears us, so each makes a new
# entry STALE (RFC 4861 7.2.3; RFC 826 for the entry itself). sctpdp-ctl
# neigh walks the pages of /sctpdp/neigh (48 entries each) and lists
# every one once, with its MAC.
cat >"$TMP/askers.py" <<'PYEOF'
import sys
from scapy.all import conf, sendp, Ether, ARP
conf.verb = 0
iface, d4 = sys.argv[1], sys.argv[2]
frames = []
for i in range(60):
    mac = "02:00:00:00:01:%02x" % i
    frames.append(Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") /
                  ARP(op=1, hwsrc=mac, psrc="198.18.5.%d" % (100 + i), pdst=d4))
sendp(frames, iface=iface, inter=0.005)
PYEOF
timeout 30 ip netns exec "$NS_PEER" "$PY" "$TMP/askers.py" "$VETH_PEER" "$DP_ADDR" ||
    fail "scapy (ARP requests)"
sleep 0.5 # the engine's next snapshot
ctl "$PFX" neigh | head -5
ctl "$PFX" --json neigh >"$TMP/neigh.json" || fail "sctpdp-ctl neigh"
"$PY" -c '
import json, sys
n = json.load(open(sys.argv[1]))["/sctpdp/neigh"]["0"]
want = {"198.18.5.%d" % (100 + i): "02:00:00:00:01:%02X" % i for i in range(60)}
seen = [x for x in n if x["ip"] in want]
ok = (len(seen) == 60 and len({x["ip"] for x in seen}) == 60 and
      all(x["mac"] == want[x["ip"]] and x["state"] == "stale" and x["used_ms"] == -1
          for x in seen))
print("%d entries listed, %d of the askers" % (len(n), len(seen)))
sys.exit(0 if ok else 1)' "$TMP/neigh.json" ||
    fail "the 60 askers are not each listed once, stale, with their MAC"
ok "the neighbour cache lists the 60 askers once each, stale, with their MACs (two pages)"
first=$(ctl "$PFX" raw /sctpdp/neigh,0)
last=$(ctl "$PFX" raw /sctpdp/neigh,0,48)
past=$(ctl "$PFX" raw /sctpdp/neigh,0,4294967290)
[[ "$first" == *'"next": 48'* && "$last" != *'"next"'* && "$past" != *'"next"'* &&
    "$past" != *'"ip"'* ]] || { echo "$first" "$last" "$past" | cut -c1-400; fail "neigh pages"; }
ok "/sctpdp/neigh pages: the first points to 48, the last and one past the end to none"
echo "PASS: $CHECKS checks"
