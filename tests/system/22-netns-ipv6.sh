#!/usr/bin/env bash
# IPv6 on net_af_packet over a veth pair into a namespace (2001:2::/48,
# the IPv6 benchmarking range): the dataplane answers Neighbour
# Solicitation and ICMPv6 echo from the namespace (small and near-MTU
# requests), answers UDP with a Parameter Problem that the kernel takes,
# resolves the peer itself with a solicitation of its own, and a usrsctp
# peer there completes an association over raw IPv6 with the
# echo service. Echo requests to an address that is not ours are dropped
# and counted. An MLD query is answered with a report of the
# dataplane's solicited-node group.
#
#   tests/system/22-netns-ipv6.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require
[[ -x "$CLIENT" ]] || fail "$CLIENT not built (libusrsctp-dev missing?)"
command -v ping >/dev/null || fail "ping not installed (iputils-ping)"

DP_ADDR=2001:2:0:1::1
PEER_ADDR=2001:2:0:1::2
make_netns_pair "198.18.4.2/24" "$PEER_ADDR/64"
PFX="${TAG}6"
start_dp "$TMP/dp.log" 120 0 "$PFX" "net_af_packet0,iface=$VETH_DP" \
    --addr "$DP_ADDR/64" --echo-port 5001
mac=$(grep -o "MAC [0-9A-F:]*" "$TMP/dp.log" | awk '{print tolower($2)}')

nd0=$(counter "$PFX" ports 0.rx_nd)
ip netns exec "$NS_PEER" ping -6 -c 3 -i 0.2 -W 2 "$DP_ADDR" || fail "no answer to ping -6"
ok "ICMPv6 echo from the namespace answered by the dataplane"
neigh=$(ip -n "$NS_PEER" -6 neigh show "$DP_ADDR")
echo "peer neighbour entry: $neigh"
[[ "$neigh" == *"lladdr $mac"* ]] || fail "ND did not resolve $DP_ADDR to the dataplane's $mac"
nd1=$(counter "$PFX" ports 0.rx_nd)
echo "dataplane rx_nd: $nd0 -> $nd1"
[[ $nd1 -gt $nd0 ]] || fail "neighbour solicitation not counted"
ok "Neighbour Solicitation answered: $DP_ADDR is at $mac"

# 1400 bytes of ICMPv6 payload: a 1448-byte IPv6 packet, one frame.
ip netns exec "$NS_PEER" ping -6 -c 2 -i 0.2 -W 2 -s 1400 -M do "$DP_ADDR" >"$TMP/big.txt" ||
    { cat "$TMP/big.txt"; fail "no answer to a 1448-byte ping -6"; }
grep -q "1408 bytes from" "$TMP/big.txt" || { cat "$TMP/big.txt"; fail "big echo reply size"; }
ok "1448-byte ICMPv6 echo answered with its whole payload"

# RFC 4443 4.1: a ping to all nodes on the link is answered too, from
# the dataplane's unicast address (the peer's own kernel answers as well).
ip netns exec "$NS_PEER" ping -6 -c 2 -i 0.3 -w 3 "ff02::1%$VETH_PEER" >"$TMP/mc.txt" 2>&1
grep -q "from $DP_ADDR" "$TMP/mc.txt" || { cat "$TMP/mc.txt"; fail "no answer from $DP_ADDR to a ping to ff02::1"; }
ok "a ping to ff02::1 answered from $DP_ADDR"

# UDP, a Next Header the dataplane does not serve: its ICMPv6 Parameter
# Problem (code 1) reaches the peer's kernel, which fails the connected
# socket with EPROTO (RFC 8200 4).
err=$(udp_error "$DP_ADDR")
errs=$(counter "$PFX" ports 0.tx_icmp_error)
echo "UDP to the dataplane: the peer's socket says $err; tx_icmp_error=$errs"
[[ $err == EPROTO && $errs -ge 1 ]] || fail "no parameter problem reached the peer"
ok "UDP over IPv6 to the dataplane: ICMPv6 Parameter Problem, taken by the peer's kernel"

log "usrsctp client in $NS_PEER over raw IPv6: 20 messages of 300 bytes on 3 streams"
echo_client "$DP_ADDR" 20 300 3
ok "association with usrsctp established over raw IPv6"
ok "20 messages echoed over IPv6 on their stream with their PPID, content checked"
wait_log "$TMP/dp.log" "SHUTDOWN_COMP" 10 || fail "the association did not close at the dataplane"
ok "client's SHUTDOWN completed at the dataplane"
# Answers go to the neighbour cache's entry for the peer, which the
# dataplane filled with a solicitation of its own.
tx_nd=$(counter "$PFX" ports 0.tx_nd)
probes=$(counter "$PFX" ports 0.tx_addr_probe) # its duplicate address detection
[[ $tx_nd -gt $probes ]] || fail "the dataplane never sent a Neighbour Solicitation"
ok "the dataplane resolved the peer with its own Neighbour Solicitation ($tx_nd)"

# Not our address: no answer, counted.
ip -n "$NS_PEER" -6 neigh replace 2001:2:0:1::77 lladdr "$mac" dev "$VETH_PEER"
ip netns exec "$NS_PEER" ping -6 -c 2 -i 0.2 -W 1 2001:2:0:1::77 >/dev/null 2>&1 &&
    fail "the dataplane answered for an IPv6 address that is not its own"
notours=$(counter "$PFX" ports 0.drop_l3_not_ours)
[[ $notours -ge 2 ]] || fail "drop_l3_not_ours is $notours"
ok "IPv6 packets for an address that is not ours dropped and counted ($notours)"

# MLD (RFC 3810): a general query from the namespace (hop limit 1, Router
# Alert) is answered with an MLDv2 report of the group the dataplane's
# address solicits, ff02::1:ff00:1, from the dataplane's MAC.
cat >"$TMP/mld.py" <<'PYEOF'
# mld.py IFACE MAC: an MLDv2 general query out of IFACE; prints
# "reports N groups G" for the MLDv2 reports from MAC within 2 s.
import sys, time
from scapy.all import (AsyncSniffer, Ether, ICMPv6MLQuery2, ICMPv6MLReport2, IPv6,
                       IPv6ExtHdrHopByHop, RouterAlert, sendp)
iface, mac = sys.argv[1], sys.argv[2].lower()
sn = AsyncSniffer(iface=iface, store=True,
                  lfilter=lambda p: p.haslayer(ICMPv6MLReport2) and p[Ether].src.lower() == mac)
sn.start()
time.sleep(0.3)
sendp(Ether(dst="33:33:00:00:00:01") / IPv6(src="fe80::99", dst="ff02::1", hlim=1) /
      IPv6ExtHdrHopByHop(options=[RouterAlert(value=0)]) / ICMPv6MLQuery2(mrd=100),
      iface=iface, verbose=False)
time.sleep(2)
pk = sn.stop()
groups = sorted({r.dst for p in pk for r in p[ICMPv6MLReport2].records})
print("reports %d groups %s" % (len(pk), ",".join(groups)), flush=True)
PYEOF
q0=$(counter "$PFX" ports 0.rx_mld_query)
timeout 20 ip netns exec "$NS_PEER" "$PY" "$TMP/mld.py" "$VETH_PEER" "$mac" >"$TMP/mld.log" 2>&1
cat "$TMP/mld.log"
q1=$(counter "$PFX" ports 0.rx_mld_query)
grep -q "^reports 1 groups ff02::1:ff00:1$" "$TMP/mld.log" && [[ $q1 -eq $((q0 + 1)) ]] ||
    fail "no MLDv2 report of ff02::1:ff00:1 for the query (rx_mld_query $q0 -> $q1)"
ok "an MLD query from the namespace answered with a report of the solicited-node group"
ctl "$PFX" ports

kill -TERM "$DP"
wait_exit "$DP" 15 || fail "dataplane did not stop"
[[ $EXIT_RC -eq 0 ]] || fail "dataplane exited $EXIT_RC"
ok "dataplane stopped with exit 0"
echo "PASS: $CHECKS checks"
