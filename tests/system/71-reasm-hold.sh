#!/usr/bin/env bash
# A peer that makes the dataplane hold its DATA does not take the mbuf
# pool. A scapy peer in a network namespace sets up an association with
# the discard service by hand (INIT, COOKIE ECHO) and sends 1000 ordered
# messages of 100 bytes, each in a packet of its own, with the first one
# (TSN and SSN) left out: every one waits behind it, and each keeps the
# mbuf it came in. With a pool of 2048 mbufs, one association holds at
# most an eighth of it (reasm_chunks, 256 by default here), beyond which
# its DATA is dropped and not acknowledged; the rest of the pool stays
# free. Then the peer sends the missing message and all 1000 again: the
# discard service gets each of the 1001 once. ABORT; every mbuf back.
# Then eight such associations at once, and a ninth whose data moves.
#
#   tests/system/71-reasm-hold.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require
"$PY" -c "import scapy" 2>/dev/null || fail "scapy missing (python3-scapy)"
HOLD_PY="$ROOT/tests/system/lib/reasm_hold.py" # the scapy peer

DP_ADDR=198.18.0.1
PEER_ADDR=198.18.0.2
POOL=2048
N=1000
make_netns_pair "$PEER_ADDR/24"
PFX="${TAG}r"
start_dp "$TMP/dp.log" 120 0 "$PFX" "net_af_packet0,iface=$VETH_DP" \
    --mbufs "$POOL" --addr "$DP_ADDR/24" --echo-port 0 --discard-port 5009
ip netns exec "$NS_PEER" ping -c 1 -W 2 "$DP_ADDR" >/dev/null || fail "no ping answer"
free0=$(counter "$PFX" lcores 0.mbufs_free)
in0=$(counter "$PFX" lcores 0.msgs_in)
echo "dataplane: $free0 of $POOL mbufs free"

start_bg "$TMP/hold.log" timeout 150 ip netns exec "$NS_PEER" "$PY" "$HOLD_PY" \
    "$DP_ADDR" 5009 1 "$N" 0 "$TMP/go" 1
HOLD=$LAST_PID
wait_log "$TMP/hold.log" "behind a missing one" 60 || { cat "$TMP/hold.log"; fail "scapy peer"; }
sleep 1
free=$(counter "$PFX" lcores 0.mbufs_free)
in1=$(counter "$PFX" lcores 0.msgs_in)
held=$((free0 - free))
echo "with $N messages behind a missing one: $free of $POOL mbufs free ($held held), $((in1 - in0)) delivered"
[[ $((in1 - in0)) -eq 0 ]] || fail "messages behind the missing one were delivered"
[[ $held -ge 200 ]] || fail "only $held mbufs held: the case tests nothing"
[[ $held -le $((POOL / 8 + 32)) ]] || fail "$held mbufs held by one association: more than an eighth of $POOL"
[[ $(counter "$PFX" lcores 0.mbuf_pressure) -eq 0 ]] || fail "the pool ran low"
ok "one association holds $held of $POOL mbufs behind a missing TSN (at most an eighth), the pool did not run low"

touch "$TMP/go"
wait_log "$TMP/hold.log" "all $N again" 30 || { cat "$TMP/hold.log"; fail "scapy peer"; }
wait_counter_min "$PFX" lcores 0.msgs_in $((in0 + N + 1)) 5
got=$((COUNTER - in0))
echo "discard service: $got messages"
[[ $got -eq $((N + 1)) ]] || fail "$got messages delivered, $((N + 1)) sent"
ok "the missing message let the held ones go; with the dropped ones sent again, $((N + 1)) delivered once each"

touch "$TMP/go.end"
wait_exit "$HOLD" 30 || fail "scapy peer did not end"
cat "$TMP/hold.log"
wait_log "$TMP/dp.log" "COMM_LOST" 10 || fail "the ABORT did not end the association"
wait_counter "$PFX" lcores 0.mbufs_free "$free0" 10 || fail "$COUNTER of $free0 mbufs free after the ABORT"
ok "ABORT ended the association and every mbuf came back"

# Eight such associations: each holds at most an eighth of the pool, and
# once a quarter of it is left, the engine holds back the associations
# with 64 chunks or more behind a missing TSN (the first pressure level),
# so the last quarter stays for the associations whose data moves. A
# ninth association sends 100 messages in order: all are delivered.
in0=$(counter "$PFX" lcores 0.msgs_in)
start_bg "$TMP/holds.log" timeout 150 ip netns exec "$NS_PEER" "$PY" "$HOLD_PY" \
    "$DP_ADDR" 5009 8 300 100 "$TMP/go2" 0
HOLDS=$LAST_PID
wait_log "$TMP/holds.log" "in order" 90 || { cat "$TMP/holds.log"; fail "scapy peer"; }
wait_counter_min "$PFX" lcores 0.msgs_in $((in0 + 100)) 3
got=$((COUNTER - in0))
free=$(counter "$PFX" lcores 0.mbufs_free)
lvl=$(counter "$PFX" lcores 0.mbuf_pressure)
all=$(counter "$PFX" lcores 0.mbuf_pressure_all_events)
echo "8 associations with 300 messages behind a missing one: $free of $POOL mbufs free," \
    "pressure level $lvl (second level reached $all times); the ninth: $got of 100 delivered"
[[ $((free0 - free)) -ge $((POOL / 2)) ]] || fail "only $((free0 - free)) mbufs held: the case tests nothing"
[[ $got -eq 100 ]] || fail "the association whose data moves got $got of its 100 messages through"
[[ $free -ge $((POOL / 8)) ]] || fail "$free mbufs free: below the second level"
ok "eight associations hold $((free0 - free)) of $POOL mbufs behind missing TSNs; a ninth gets its 100 messages through"
touch "$TMP/go2"
wait_exit "$HOLDS" 30 || fail "scapy peer did not end"
wait_counter "$PFX" lcores 0.mbufs_free "$free0" 10 || fail "$COUNTER of $free0 mbufs free after the ABORTs"
[[ $(counter "$PFX" lcores 0.mbuf_pressure) -eq 0 ]] || fail "still under pressure"
ok "ABORT ended the eight, every mbuf came back, pressure off"
kill -TERM "$DP"
wait_exit "$DP" 20 || fail "dataplane did not stop"
[[ $EXIT_RC -eq 0 ]] || fail "dataplane exited $EXIT_RC"
ok "dataplane stopped with exit 0"
echo "PASS: $CHECKS checks"
