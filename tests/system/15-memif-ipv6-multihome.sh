#!/usr/bin/env bash
# IPv6 with Neighbour Discovery, and a multi-homed association: two
# dataplanes over net_memif, each with an IPv4 and an IPv6 address
# (198.18.1.0/24 and 2001:2::/64, the IPv4 and IPv6 benchmarking ranges).
# The client connects to both server addresses (IPv6 primary); the
# association has two confirmed paths, neighbours are resolved by ND on
# IPv6 and ARP on IPv4, and 100,000 messages are echoed and checked.
#
#   tests/system/15-memif-ipv6-multihome.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require

SOCK="$TMP/memif.sock"
PA="${TAG}a"
PB="${TAG}b"
# shellcheck disable=SC2046
start_bg "$TMP/server.log" timeout 120 "$SCTPDP" $(eal_args 0 "$PA" "net_memif0,role=server,socket=$SOCK,id=0") \
    -- --addr 198.18.1.1/24 --addr 2001:2::1/64 --echo-port 5001
SERVER=$LAST_PID
wait_log "$TMP/server.log" "ready" 30 || { cat "$TMP/server.log"; fail "server did not start"; }
# shellcheck disable=SC2046
start_bg "$TMP/client.log" timeout 120 "$SCTPDP" $(eal_args 1 "$PB" "net_memif0,role=client,socket=$SOCK,id=0") \
    -- --addr 198.18.1.2/24 --addr 2001:2::2/64 --echo-port 5001 \
    --connect "[2001:2::1]:5001" --connect 198.18.1.1:5001 \
    --gen-msgs 100000 --gen-size 300 --gen-streams 3 --gen-timeout 60 --hold
CLIENT_PID=$LAST_PID
wait_log "$TMP/client.log" "all 100000 messages echoed and checked" 60 ||
    { tail -20 "$TMP/client.log"; fail "generator did not finish"; }
ok "100000 messages over IPv6 echoed and checked"
# Heartbeats confirm the second path within a moment.
for _ in $(seq 1 30); do
    grep -q "path 198.18.1.1 state 4" "$TMP/client.log" && break
    sleep 0.2
done
sleep 0.5
ctl "$PA" assocs
ctl "$PA" assoc 0_1 | tee "$TMP/assoc.txt"
grep -q "^paths *2" "$TMP/assoc.txt" || fail "the association does not have 2 paths"
grep -q "^path0 *2001:2::2 active primary" "$TMP/assoc.txt" || fail "IPv6 path not primary/active"
grep -q "^path1 *198.18.1.2 active" "$TMP/assoc.txt" || fail "IPv4 path not active"
ok "multi-homed association: IPv6 primary path and IPv4 path, both active"
for p in "$PA" "$PB"; do
    nd_rx=$(counter "$p" ports 0.rx_nd)
    nd_tx=$(counter "$p" ports 0.tx_nd)
    arp_rx=$(counter "$p" ports 0.rx_arp)
    echo "$p: rx_nd=$nd_rx tx_nd=$nd_tx rx_arp=$arp_rx"
    [[ $nd_rx -ge 1 && $nd_tx -ge 1 && $arp_rx -ge 1 ]] || fail "$p: neighbour discovery counters"
done
ok "neighbours resolved by ND (IPv6) and ARP (IPv4) on both sides"
kill -TERM "$CLIENT_PID"
wait_exit "$CLIENT_PID" 20 || fail "client did not stop"
grep "^gen:" "$TMP/client.log"
[[ $EXIT_RC -eq 0 ]] || fail "client exited $EXIT_RC"
grep -q "^gen: result=ok" "$TMP/client.log" || fail "generator result not ok"
ok "client shut down gracefully and reports every message intact"
kill -TERM "$SERVER"
wait_exit "$SERVER" 20 || fail "server did not stop"
[[ $EXIT_RC -eq 0 ]] || fail "server exited $EXIT_RC"
echo "PASS: $CHECKS checks"
