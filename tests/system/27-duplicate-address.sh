#!/usr/bin/env bash
# Duplicate address detection at start, on net_af_packet over a veth pair
# into a namespace whose kernel is the other host.
#  - With the namespace's kernel already holding the dataplane's IPv4
#    address, it answers the dataplane's ARP probe (RFC 5227 2.1.1): the
#    dataplane logs the address and the kernel's MAC and exits 1 within
#    seconds, without one gratuitous ARP for the address.
#  - The same with its IPv6 address: the kernel answers the DAD Neighbour
#    Solicitation (RFC 4862 5.4): the dataplane exits 1.
#  - With the addresses free, the probes go out (tx_addr_probe), nothing
#    answers, the dataplane stays up, announces the addresses after its
#    one second of listening, and answers ping.
#
#   tests/system/27-duplicate-address.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require
"$PY" -c "import scapy" 2>/dev/null || fail "scapy missing (python3-scapy)"

DP_ADDR=198.18.6.1
PEER_ADDR=198.18.6.2
DP_ADDR6=2001:2:0:6::1
PEER_ADDR6=2001:2:0:6::2
make_netns_pair "$PEER_ADDR/24" "$PEER_ADDR6/64"
peer_mac=$(ip -n "$NS_PEER" -br link show "$VETH_PEER" | awk '{print $3}')

# dup_run NAME ADDR...: a dataplane with these addresses; waits for it to
# exit (10 s at most) and sets EXIT_RC (124: still running, stopped).
dup_run() {
    local name="$1"
    shift
    start_dp "$TMP/$name.log" 20 0 "${TAG}$name" "net_af_packet0,iface=$VETH_DP" "$@" \
        --echo-port 5001
    if ! wait_exit "$DP" 10; then
        stop_pid "$DP" INT 50
        EXIT_RC=124
    fi
}

# The kernel holds the dataplane's IPv4 address (as well as its own).
ip -n "$NS_PEER" addr add "$DP_ADDR/32" dev "$VETH_PEER"
# A sniffer for gratuitous ARPs for the address from the dataplane.
cat >"$TMP/garp.py" <<'PYEOF'
import sys
from scapy.all import conf, sniff, ARP
conf.verb = 0
iface, addr, mac, secs = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
print("sniffing", flush=True)
got = sniff(iface=iface, timeout=secs, store=True,
            lfilter=lambda p: p.haslayer(ARP) and p[ARP].psrc == addr and p[ARP].pdst == addr
            and p[ARP].hwsrc != mac)
print("gratuitous %d" % len(got), flush=True)
PYEOF
start_bg "$TMP/garp.txt" timeout 30 ip netns exec "$NS_PEER" "$PY" "$TMP/garp.py" \
    "$VETH_PEER" "$DP_ADDR" "$peer_mac" 8
SN=$LAST_PID
wait_log "$TMP/garp.txt" "sniffing" 20 || fail "sniffer did not start"
dup_run d4 --addr "$DP_ADDR/24"
grep "in use by" "$TMP/d4.log"
[[ $EXIT_RC -eq 1 ]] || { tail -5 "$TMP/d4.log"; fail "exit code $EXIT_RC with its IPv4 address in use"; }
grep -qi "address $DP_ADDR is in use by $peer_mac" "$TMP/d4.log" ||
    fail "the log does not name $DP_ADDR and $peer_mac"
ok "IPv4 address in use: the ARP probe was answered, logged with the other MAC, exit 1"
wait_exit "$SN" 20 || fail "sniffer did not end"
cat "$TMP/garp.txt"
grep -q "gratuitous 0" "$TMP/garp.txt" || fail "the dataplane announced an address another host has"
ok "no gratuitous ARP for the address in use"
ip -n "$NS_PEER" addr del "$DP_ADDR/32" dev "$VETH_PEER"

# The kernel holds the dataplane's IPv6 address.
ip -n "$NS_PEER" addr add "$DP_ADDR6/128" dev "$VETH_PEER" nodad
dup_run d6 --addr "$DP_ADDR/24" --addr "$DP_ADDR6/64"
grep "in use by" "$TMP/d6.log"
[[ $EXIT_RC -eq 1 ]] || { tail -5 "$TMP/d6.log"; fail "exit code $EXIT_RC with its IPv6 address in use"; }
grep -qi "address $DP_ADDR6 is in use by $peer_mac" "$TMP/d6.log" ||
    fail "the log does not name $DP_ADDR6 and $peer_mac"
ok "IPv6 address in use: the DAD solicitation was answered, logged, exit 1"
ip -n "$NS_PEER" addr del "$DP_ADDR6/128" dev "$VETH_PEER"

# Free addresses: probed, unanswered, used.
PFX="${TAG}ok"
start_dp "$TMP/ok.log" 60 0 "$PFX" "net_af_packet0,iface=$VETH_DP" \
    --addr "$DP_ADDR/24" --addr "$DP_ADDR6/64" --echo-port 5001
sleep 2
kill -0 "$DP" 2>/dev/null || { tail -5 "$TMP/ok.log"; fail "the dataplane exited with free addresses"; }
probes=$(counter "$PFX" ports 0.tx_addr_probe)
announced=$(counter "$PFX" ports 0.tx_announce)
conflicts=$(counter "$PFX" ports 0.rx_addr_conflict)
echo "tx_addr_probe=$probes tx_announce=$announced rx_addr_conflict=$conflicts"
[[ $probes -eq 2 && $announced -ge 2 && $conflicts -eq 0 ]] ||
    fail "expected 2 probes, announcements after them, no conflict"
ip netns exec "$NS_PEER" ping -c 1 -W 2 "$DP_ADDR" >/dev/null || fail "no ping answer"
ip netns exec "$NS_PEER" ping -6 -c 1 -W 2 "$DP_ADDR6" >/dev/null || fail "no ping -6 answer"
ok "free addresses: 2 probes unanswered, announced, in use (ping and ping -6 answered)"
kill -INT "$DP"
wait_exit "$DP" 10 || fail "the dataplane did not stop"
[[ $EXIT_RC -eq 0 ]] || fail "exit code $EXIT_RC after SIGINT"
ok "stopped with exit 0"
echo "PASS: $CHECKS checks"
