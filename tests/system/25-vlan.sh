#!/usr/bin/env bash
# 802.1Q: the dataplane's port is configured with VLAN 100 ([port0] vlan).
# scapy on the peer's veth sends tagged ARP and ICMP echo requests: the
# answers come back tagged with VLAN 100. Untagged requests are dropped and
# counted. (The kernel here has no 8021q module, so the peer is scapy.)
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
# shellcheck disable=SC2046
start_bg "$TMP/dp.log" timeout 120 ip netns exec "$NS_DP" "$SCTPDP" \
    $(eal_args 0 "$PFX" "net_af_packet0,iface=$VETH_DP") -- --config "$TMP/vlan.ini"
DP=$LAST_PID
wait_log "$TMP/dp.log" "ready" 30 || { cat "$TMP/dp.log"; fail "dataplane did not start"; }

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
kill -TERM "$DP"
wait_exit "$DP" 20 || fail "dataplane did not stop"
[[ $EXIT_RC -eq 0 ]] || fail "dataplane exited $EXIT_RC"
echo "PASS: $CHECKS checks"
