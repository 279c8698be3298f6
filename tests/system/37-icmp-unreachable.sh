#!/usr/bin/env bash
# RFC 9260 10, ICMP8: a peer host without SCTP answers with an ICMP
# "protocol unreachable" (IPv4) or an ICMPv6 "parameter problem,
# unrecognized next header"; the dataplane ends the association as an
# ABORT would, instead of retransmitting into nothing. The peer is the
# kernel of a network namespace (it has no SCTP) and a usrsctp process
# there.
#  - the traffic generator connects to an address in the namespace where
#    nothing speaks SCTP: the kernel's ICMP quoting the INIT ends the
#    attempt at once (CANT_STR_ASSOC), not after 8 INIT retransmissions,
#    over IPv4 and over IPv6;
#  - a usrsctp peer associates with the echo service and is then killed:
#    the dataplane's next HEARTBEAT draws the kernel's ICMP, and the
#    association is gone within seconds (icmp_aborts, rx_icmp_unreach),
#    where heartbeat failures would take Path.Max.Retrans round trips.
#
#   tests/system/37-icmp-unreachable.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require
[[ -x "$CLIENT" ]] || fail "$CLIENT not built"

DP_ADDR=198.18.0.1
PEER_ADDR=198.18.0.2
DP_ADDR6=2001:2:0:1::1
PEER_ADDR6=2001:2:0:1::2
make_netns_pair "$PEER_ADDR/24" "$PEER_ADDR6/64"

# --- an INIT to a host without SCTP ------------------------------------------
for peer in "$PEER_ADDR:6000" "[$PEER_ADDR6]:6000"; do
    log "generator to $peer, where nothing speaks SCTP"
    t0=$(date +%s.%N)
    # shellcheck disable=SC2046
    timeout 60 ip netns exec "$NS_DP" "$SCTPDP" \
        $(eal_args 0 "${TAG}g" "net_af_packet0,iface=$VETH_DP") \
        -- --addr "$DP_ADDR/24" --addr "$DP_ADDR6/64" --connect "$peer" \
        --gen-msgs 10 --gen-size 100 --gen-timeout 30 >"$TMP/gen.log" 2>&1 </dev/null
    rc=$?
    el=$("$PY" -c "print(round($(date +%s.%N) - $t0, 2))")
    grep -E "^gen:|CANT_STR_ASSOC|generator:" "$TMP/gen.log"
    [[ $rc -ne 0 ]] || fail "the generator succeeded against a host without SCTP"
    grep -q "assoc 1: CANT_STR_ASSOC" "$TMP/gen.log" || fail "no CANT_STR_ASSOC for $peer"
    # The dataplane's own start and exit take a second or two; eight INIT
    # retransmissions would take minutes (the generator gives up at 30 s).
    "$PY" -c "import sys; sys.exit(0 if $el < 10 else 1)" ||
        fail "the attempt to $peer ended only after $el s"
    ok "INIT to $peer: the kernel's ICMP ended the attempt (CANT_STR_ASSOC; the run took $el s)"
done

# --- an established association whose peer goes away -------------------------
PFX="${TAG}s"
printf '[sctp]\nhb_interval_ms = 300\n' >"$TMP/dp.ini"
start_dp "$TMP/dp.log" 120 0 "$PFX" "net_af_packet0,iface=$VETH_DP" \
    --config "$TMP/dp.ini" --addr "$DP_ADDR/24" --echo-port 5001
start_bg "$TMP/client.log" timeout 60 ip netns exec "$NS_PEER" "$CLIENT" "$DP_ADDR" 5001 \
    -n 5 -s 200 -k 2 -t 20 -w 40
wait_log "$TMP/client.log" "READY" 25 || { cat "$TMP/client.log"; fail "client not ready"; }
sleep 0.5
[[ $(counter "$PFX" lcores 0.assocs) -eq 1 ]] || fail "no association at the dataplane"
ok "usrsctp peer associated and echoed"
# The usrsctp process is the only one in its namespace: end it by its id,
# without a word to the dataplane. The kernel there has no SCTP.
for pid in $(ip netns pids "$NS_PEER"); do
    kill -KILL "$pid"
done
t0=$(date +%s.%N)
wait_counter "$PFX" lcores 0.assocs 0 10 || fail "the association is still there ($COUNTER)"
t1=$(date +%s.%N)
ab=$(counter "$PFX" lcores 0.icmp_aborts)
un=$(counter "$PFX" ports 0.rx_icmp_unreach)
secs=$("$PY" -c "print(round($t1 - $t0, 2))")
echo "association gone after $secs s: icmp_aborts=$ab rx_icmp_unreach=$un"
[[ $ab -eq 1 && $un -ge 1 ]] || fail "not ended by the ICMP (icmp_aborts=$ab rx_icmp_unreach=$un)"
grep -q "COMM_LOST" "$TMP/dp.log" || fail "no COMM_LOST logged"
ok "peer gone: its kernel's protocol unreachable ended the association in $secs s (COMM_LOST)"
echo "PASS: $CHECKS checks"
