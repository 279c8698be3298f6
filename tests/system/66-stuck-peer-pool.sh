#!/usr/bin/env bash
# A peer that stops reading does not take the whole mbuf pool from the
# others. A server with two memif ports, 8192 mbufs and a 16 MB send
# queue (so that the pool, not the send queue, is the limit); two
# generators, one per port:
#  - A stops reading after 1000 echoes (--gen-stall-after: its window
#    stays 0) and keeps up to 16,384 messages of 1000 bytes in flight:
#    each echo the server cannot send keeps the mbuf its message came in,
#    so A alone would hold more than the pool;
#  - below a quarter of the pool free, the server holds back the
#    associations whose peer holds up what they have to send (A), and
#    only those: B, a normal peer, must get its 100,000 echoes meanwhile.
#    Holding back every association at that point instead (as below an
#    eighth) would leave B waiting for good behind A.
# Then A stops (SIGTERM: its shutdown cannot complete, so it aborts), and
# every mbuf comes back to the server.
#
#   tests/system/66-stuck-peer-pool.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require

SA="$TMP/a.sock"
SB="$TMP/b.sock"
PS="${TAG}s"
POOL=8192
printf '[sctp]\nsendq_bytes = 16777216\n' >"$TMP/server.ini"
printf '[sctpdp]\nshutdown_timeout_ms = 500\n[sctp]\nrwnd = 65536\n' >"$TMP/a.ini"
# shellcheck disable=SC2046
start_bg "$TMP/server.log" timeout 120 "$SCTPDP" \
    $(eal_args 0 "$PS" "net_memif0,role=server,socket=$SA,id=0") \
    --vdev="net_memif1,role=server,socket=$SB,id=0" \
    -- --config "$TMP/server.ini" --mbufs "$POOL" \
    --addr 198.18.1.1/24@0 --addr 198.18.2.1/24@1 --echo-port 5001
SERVER=$LAST_PID
wait_log "$TMP/server.log" "ready" 30 || { cat "$TMP/server.log"; fail "server did not start"; }

# A: stops reading after 1000 echoes.
# shellcheck disable=SC2046
start_bg "$TMP/a.log" timeout 100 "$SCTPDP" \
    $(eal_args 1 "${TAG}a" "net_memif0,role=client,socket=$SA,id=0") \
    -- --config "$TMP/a.ini" --addr 198.18.1.2/24 --echo-port 5001 --connect 198.18.1.1:5001 \
    --gen-stall-after 1000 --gen-msgs 1000000 --gen-size 1000 --gen-streams 2 --gen-window 16384 \
    --gen-timeout 90
A=$LAST_PID
# A's echoes take the server's pool down to the first mark, where A's
# association is held back.
wait_counter_min "$PS" lcores 0.mbuf_pressure 1 15 || {
    tail -5 "$TMP/a.log"
    fail "A's echoes did not take the server's pool down ($(counter "$PS" lcores 0.mbufs_free) of $POOL free)"
}
sleep 1 # what A had on its way
free=$(counter "$PS" lcores 0.mbufs_free)
lvl=$(counter "$PS" lcores 0.mbuf_pressure)
echo "server with A stuck: $free of $POOL mbufs free, pressure level $lvl"
[[ $free -lt $((POOL / 4)) ]] || fail "A holds only $((POOL - free)) mbufs: the case tests nothing"
ok "A's waiting echoes hold $((POOL - free)) of the server's $POOL mbufs"

# B: a normal peer on the other port.
healthy_peer "$TMP/b.log" "${TAG}b" 1024 30
free=$(counter "$PS" lcores 0.mbufs_free)
ev=$(counter "$PS" lcores 0.mbuf_pressure_events)
all=$(counter "$PS" lcores 0.mbuf_pressure_all_events)
echo "server after B: $free of $POOL mbufs free, mbuf_pressure_events=$ev mbuf_pressure_all_events=$all"
[[ $free -lt $((POOL / 4)) ]] || fail "A let go of its mbufs: B's run did not face a short pool"
ok "B's 100000 echoes came back, every one checked, while A held most of the pool"

kill -TERM "$A"
wait_exit "$A" 30 || fail "A did not stop"
grep -E "^gen:" "$TMP/a.log"
grep -q "^gen: .* errors=0 " "$TMP/a.log" || fail "A got an echo that was not intact"
ok "A stopped on SIGTERM before the end, every echo it got intact"
wait_counter "$PS" lcores 0.mbufs_free "$POOL" 10 || fail "server: $COUNTER of $POOL mbufs free"
wait_counter "$PS" lcores 0.mbuf_pressure 0 5 || fail "server still under pressure ($COUNTER)"
ok "every mbuf back in the server's pool, pressure off"
kill -TERM "$SERVER"
wait_exit "$SERVER" 20 || fail "server did not stop"
[[ $EXIT_RC -eq 0 ]] || fail "server exited $EXIT_RC"
ok "server stopped with exit 0"
echo "PASS: $CHECKS checks"
