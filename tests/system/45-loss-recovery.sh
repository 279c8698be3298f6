#!/usr/bin/env bash
# Loss recovery end to end: two dataplanes over net_memif, each dropping
# 1% of the SCTP packets it receives (--fault-rx-loss 10000, counted as
# drop_injected_loss). 50,000 messages must still all come back intact and
# in order per stream, through fast retransmit and T3 retransmission in the
# protocol core. RTO.min 50 ms (a signaling profile) keeps timeouts short.
#
#   tests/system/45-loss-recovery.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require

cat >"$TMP/rto.ini" <<'INI'
[sctp]
rto_initial_ms = 200
rto_min_ms = 50
rto_max_ms = 1000
INI
SOCK="$TMP/memif.sock"
PA="${TAG}a"
PB="${TAG}b"
# shellcheck disable=SC2046
start_bg "$TMP/server.log" timeout 200 "$SCTPDP" $(eal_args 0 "$PA" "net_memif0,role=server,socket=$SOCK,id=0") \
    -- --config "$TMP/rto.ini" --addr 198.18.1.1/24 --echo-port 5001 --fault-rx-loss 10000
SERVER=$LAST_PID
wait_log "$TMP/server.log" "ready" 30 || { cat "$TMP/server.log"; fail "server did not start"; }
# held_client LOG PREFIX MSGS [generator options]: a client that echoes
# MSGS 128-byte messages with 1% loss, then stays connected (--hold) for
# its counters to be read; sets CL.
held_client() {
    local log="$1" prefix="$2" msgs="$3"
    shift 3
    # shellcheck disable=SC2046
    start_bg "$log" timeout 200 "$SCTPDP" $(eal_args 1 "$prefix" "net_memif0,role=client,socket=$SOCK,id=0") \
        -- --config "$TMP/rto.ini" --addr 198.18.1.2/24 --echo-port 5001 --connect 198.18.1.1:5001 \
        --gen-msgs "$msgs" --gen-size 128 --gen-streams 4 --gen-timeout 150 --fault-rx-loss 10000 \
        --hold "$@"
    CL=$LAST_PID
    wait_log "$log" "all $msgs messages echoed and checked\|generator:" 160 ||
        { tail -20 "$log"; fail "generator ($log) did not finish"; }
    grep -q "all $msgs messages echoed and checked" "$log" ||
        { tail -20 "$log"; fail "generator ($log) failed"; }
}
# stop_client LOG: SIGTERM to the held client CL, which must exit 0.
stop_client() {
    kill -TERM "$CL"
    wait_exit "$CL" 20 || fail "client did not stop"
    grep "^gen:" "$1"
    [[ $EXIT_RC -eq 0 ]] || fail "client exited $EXIT_RC"
}
# client_mbufs_back PREFIX: every mbuf of the client back in its pool.
client_mbufs_back() {
    wait_counter "$1" lcores 0.mbufs_free 16384 3 ||
        fail "client: $COUNTER of 16384 mbufs free after the run"
}
held_client "$TMP/client.log" "$PB" 50000
ok "50000 messages echoed intact and in order with 1% loss each way"
sleep 0.5
for p in "$PA" "$PB"; do
    ctl "$p" assoc 0_1 >"$TMP/a.txt" || fail "$p: no association"
    lost=$(counter "$p" ports 0.drop_injected_loss)
    rtx=$(awk '$1 == "retransmissions" {print $2}' "$TMP/a.txt")
    frtx=$(awk '$1 == "fast_retransmissions" {print $2}' "$TMP/a.txt")
    t3=$(awk '$1 == "t3_expiries" {print $2}' "$TMP/a.txt")
    echo "$p: packets dropped on receive $lost, retransmitted chunks $rtx (fast $frtx), T3 expiries $t3"
    [[ $lost -gt 0 && $rtx -gt 0 && $frtx -gt 0 ]] || fail "$p: no loss or no retransmission"
done
ok "losses were injected and repaired by retransmission (fast retransmit seen on both sides)"
# The generator packs its messages back to back into its payload mbufs,
# each with room for its chunk header in front (--gen-pack, sctp_frag.room):
# the chunks of a packet then leave as one or two payload segments, not one
# per message, retransmissions included.
zc=$(counter "$PB" lcores 0.tx_zero_copy_segs)
mo=$(counter "$PB" lcores 0.msgs_out)
echo "client: $mo messages sent in $zc payload segments"
[[ $mo -ge 50000 && $zc -gt 0 && $((zc * 3)) -lt $mo ]] ||
    fail "packed messages did not leave as shared segments ($zc segments for $mo messages)"
ok "packed messages leave $((mo / zc)) to a payload segment on average"
client_mbufs_back "$PB"
ok "all 16384 mbufs back in the client's pool"
stop_client "$TMP/client.log"

# One message per payload mbuf (--gen-pack 0): the chunk header of bundled
# DATA goes into the payload's headroom (dp_engine.c, hdr_fits_headroom),
# retransmissions too ...
held_client "$TMP/client1.log" "${PB}1" 20000 --gen-pack 0
sleep 0.5
hr=$(counter "${PB}1" lcores 0.tx_headroom_hdrs)
echo "client: chunk headers written into payload headroom: $hr"
[[ $hr -gt 0 ]] || fail "no chunk header went into a payload's headroom"
ok "one message per mbuf: chunk headers in payload headroom ($hr), every message intact"
# ... and, while only the core holds them, the payload mbufs themselves are
# segments of the TX chain (dp_engine.c, chain_direct_ok): a retransmission
# of a chunk still held by a queued packet must take an indirect mbuf, and
# every mbuf must come back once the peer has acknowledged everything.
ds=$(counter "${PB}1" lcores 0.tx_direct_segs)
echo "client: payload mbufs sent as TX segments themselves: $ds"
[[ $ds -gt 0 ]] || fail "no payload mbuf was chained directly"
client_mbufs_back "${PB}1"
ok "payload mbufs chained directly ($ds), all 16384 mbufs back in the client's pool"
stop_client "$TMP/client1.log"

# Messages of three DATA chunks (1436 + 1436 + 128 bytes), still with 1%
# loss each way: the first chunk of each has its header in the room in
# front of the message, the later ones go through indirect mbufs into the
# same buffer with headers of their own, and every one of them may be sent
# again, bundled or not.
# shellcheck disable=SC2046
start_bg "$TMP/client2.log" timeout 200 "$SCTPDP" $(eal_args 1 "${PB}2" "net_memif0,role=client,socket=$SOCK,id=0") \
    -- --config "$TMP/rto.ini" --addr 198.18.1.2/24 --echo-port 5001 --connect 198.18.1.1:5001 \
    --gen-msgs 10000 --gen-size 3000 --gen-streams 4 --gen-timeout 150 --fault-rx-loss 10000
CL=$LAST_PID
wait_exit "$CL" 160 || fail "the second generator did not finish"
grep "^gen:" "$TMP/client2.log"
[[ $EXIT_RC -eq 0 ]] || { tail -20 "$TMP/client2.log"; fail "second generator exited $EXIT_RC"; }
rtx2=$(grep -a "^counters: engine" "$TMP/client2.log" | sed -n 's/.*retransmissions=\([0-9]*\).*/\1/p')
[[ ${rtx2:-0} -gt 0 ]] || fail "no retransmission in the three-chunk run"
ok "10000 three-chunk messages echoed intact with 1% loss each way ($rtx2 chunks retransmitted by the client)"
kill -TERM "$SERVER"
wait_exit "$SERVER" 20 || fail "server did not stop"
[[ $EXIT_RC -eq 0 ]] || fail "server exited $EXIT_RC"
ok "both dataplanes stopped cleanly"
echo "PASS: $CHECKS checks"
