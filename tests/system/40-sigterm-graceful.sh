#!/usr/bin/env bash
# SIGTERM ends associations gracefully: with a usrsctp peer connected, the
# dataplane sends SHUTDOWN (the peer sees SHUTDOWN, never ABORT; tshark in
# the namespace confirms on the wire) and exits 0. Then the bounded part:
# a peer that cannot answer (stopped with SIGSTOP) gets an ABORT once
# --shutdown-timeout has passed, and the dataplane still exits 0.
#
#   tests/system/40-sigterm-graceful.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require
[[ -x "$CLIENT" ]] || fail "$CLIENT not built"
command -v tshark >/dev/null || fail "tshark missing"

DP_ADDR=198.18.0.1
PEER_ADDR=198.18.0.2
make_netns_pair "$PEER_ADDR/24"

# start_graceful PREFIX: a dataplane with a 1.5 s shutdown budget.
start_graceful() {
    start_dp "$TMP/dp-$1.log" 120 0 "$1" "net_af_packet0,iface=$VETH_DP" \
        --addr "$DP_ADDR/24" --echo-port 5001 --shutdown-timeout 1500
}

# capture FILE: tshark on the peer's veth until stop_capture.
capture() {
    start_bg "$TMP/tshark.log" ip netns exec "$NS_PEER" tshark -n -i "$VETH_PEER" -f sctp -w "$1"
    TSHARK=$LAST_PID
    wait_log "$TMP/tshark.log" "Capturing on" 20 || fail "tshark did not start"
}
stop_capture() {
    sleep 0.5
    kill -INT "$TSHARK" 2>/dev/null
    wait_exit "$TSHARK" 10 || kill -KILL "$TSHARK"
}
# chunks FILE TYPE: how many chunks of that type the capture holds.
chunks() {
    tshark -n -r "$1" -Y "sctp.chunk_type == $2" -T fields -e frame.number 2>/dev/null | wc -l
}

# --- 1: graceful ---------------------------------------------------------
start_graceful "${TAG}g"
capture "$TMP/graceful.pcap"
start_bg "$TMP/client.log" timeout 60 ip netns exec "$NS_PEER" "$CLIENT" "$DP_ADDR" 5001 \
    -n 5 -s 200 -k 2 -t 20 -w 20
CL=$LAST_PID
wait_log "$TMP/client.log" "READY" 25 || { cat "$TMP/client.log"; fail "client not ready"; }
ok "usrsctp peer connected and echoed, association held open"
sleep 0.5 # association details are published five times a second
assocs=$(counter "${TAG}g" lcores 0.assocs)
[[ $assocs -eq 1 ]] || fail "the dataplane reports $assocs associations"
kill -TERM "$DP"
wait_exit "$DP" 20 || fail "dataplane did not stop within 20 s"
[[ $EXIT_RC -eq 0 ]] || fail "dataplane exited $EXIT_RC"
ok "dataplane exited 0 after SIGTERM"
wait_exit "$CL" 20 || fail "client still waiting"
cat "$TMP/client.log"
[[ $EXIT_RC -eq 0 ]] || fail "the peer saw the association end with ABORT (exit $EXIT_RC)"
grep -q PEER_SHUTDOWN "$TMP/client.log" || fail "no SHUTDOWN notification at the peer"
ok "the usrsctp peer got SHUTDOWN, not ABORT"
grep -E "SHUTDOWN|stopped" "$TMP/dp-${TAG}g.log"
stop_capture
shut=$(chunks "$TMP/graceful.pcap" 7)
shut_ack=$(chunks "$TMP/graceful.pcap" 8)
shut_cmp=$(chunks "$TMP/graceful.pcap" 14)
abort=$(chunks "$TMP/graceful.pcap" 6)
echo "on the wire: SHUTDOWN=$shut SHUTDOWN_ACK=$shut_ack SHUTDOWN_COMPLETE=$shut_cmp ABORT=$abort"
[[ $shut -ge 1 && $shut_ack -ge 1 && $shut_cmp -ge 1 && $abort -eq 0 ]] ||
    fail "not a clean SHUTDOWN sequence"
ok "capture: SHUTDOWN, SHUTDOWN ACK, SHUTDOWN COMPLETE and no ABORT"

# --- 2: a peer that cannot answer: bounded wait, then ABORT ---------------
start_graceful "${TAG}h"
capture "$TMP/stuck.pcap"
start_bg "$TMP/client2.log" timeout 60 ip netns exec "$NS_PEER" "$CLIENT" "$DP_ADDR" 5001 \
    -n 5 -s 200 -k 2 -t 20 -w 30
CL=$LAST_PID
wait_log "$TMP/client2.log" "READY" 25 || { cat "$TMP/client2.log"; fail "client not ready"; }
# Let the peer's delayed SACK for our echoes go out (otherwise the data
# is still outstanding and RFC 9260 9.2 holds the SHUTDOWN back), then
# freeze it so nothing answers the SHUTDOWN.
sleep 0.7
for p in $CL $(pgrep -P "$CL") $(pgrep -P "$(pgrep -P "$CL" | head -1)" 2>/dev/null); do
    kill -STOP "$p" 2>/dev/null
done
t0=$SECONDS
kill -TERM "$DP"
wait_exit "$DP" 20 || fail "dataplane did not stop within 20 s"
[[ $EXIT_RC -eq 0 ]] || fail "dataplane exited $EXIT_RC"
took=$((SECONDS - t0))
ok "dataplane exited 0 in ${took}s although the peer never answered"
grep -E "SHUTDOWN|ABORT|stopped" "$TMP/dp-${TAG}h.log"
grep -q "ABORT 1 association" "$TMP/dp-${TAG}h.log" || fail "no ABORT after the shutdown budget"
stop_capture
shut=$(chunks "$TMP/stuck.pcap" 7)
abort=$(chunks "$TMP/stuck.pcap" 6)
echo "on the wire: SHUTDOWN=$shut ABORT=$abort"
[[ $shut -ge 1 && $abort -ge 1 ]] || fail "expected SHUTDOWN then ABORT on the wire"
ok "SHUTDOWN first, ABORT once the shutdown budget (1.5 s) ran out"
for p in $CL $(pgrep -P "$CL"); do kill -CONT "$p" 2>/dev/null; done
echo "PASS: $CHECKS checks"
