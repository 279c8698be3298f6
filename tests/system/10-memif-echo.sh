#!/usr/bin/env bash
# Two sctpdp processes joined by net_memif (one server, one client, socket
# in a temporary directory, one lcore each) exchange 1,000,000 messages
# through the echo service; the client checks every echoed message
# (length, stream, PPID, content, order per stream). Then a generator in
# discard mode sends 200,000 messages one way to the discard service: the
# run must end with every message acknowledged, and the server must have
# received exactly that many; the same mode against the echo service must
# fail, since something comes back. Last, 20,000 messages of 6,000 bytes
# (five DATA chunks each) are echoed and checked: the server must send
# them back as references to the chunks it received, copying nothing.
#
#   tests/system/10-memif-echo.sh BUILD_DIR
#
# SCTPDP_MEMIF_MSGS overrides the message count (default 1000000).
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require

MSGS="${SCTPDP_MEMIF_MSGS:-1000000}"
SOCK="$TMP/memif.sock"
PA="${TAG}a"
PB="${TAG}b"

log "server dataplane: 198.18.1.1/24 on net_memif (server), echo port 5001"
# shellcheck disable=SC2046
start_bg "$TMP/server.log" timeout 300 "$SCTPDP" $(eal_args 0 "$PA" "net_memif0,role=server,socket=$SOCK,id=0") \
    -- --addr 198.18.1.1/24 --echo-port 5001 --discard-port 5002 --name memif-server
SERVER=$LAST_PID
wait_log "$TMP/server.log" "ready" 30 || { cat "$TMP/server.log"; fail "server did not start"; }
ok "server dataplane started"

log "client dataplane: 198.18.1.2/24, $MSGS messages of 128 bytes on 4 streams"
# shellcheck disable=SC2046
timeout 240 "$SCTPDP" $(eal_args 1 "$PB" "net_memif0,role=client,socket=$SOCK,id=0") \
    -- --addr 198.18.1.2/24 --echo-port 5001 --connect 198.18.1.1:5001 \
    --gen-msgs "$MSGS" --gen-size 128 --gen-streams 4 --gen-window 256 --gen-timeout 200 \
    >"$TMP/client.log" 2>&1 </dev/null
rc=$?
grep -E "^gen:|generator|COMM_|SHUTDOWN" "$TMP/client.log"
gen_ok "$TMP/client.log" "$rc" "$MSGS"
ok "$MSGS messages echoed, every one checked (content and order per stream)"

# The server's own view: messages, checksums, nothing dropped, no leak.
in=$(counter "$PA" lcores 0.msgs_in)
out=$(counter "$PA" lcores 0.msgs_out)
bad=$(counter "$PA" ports 0.csum_sw_bad)
drops=$(counter "$PA" ports 0.drops)
zc=$(counter "$PA" lcores 0.tx_zero_copy_segs)
cp=$(counter "$PA" lcores 0.tx_copied_segs)
pk=$(counter "$PA" lcores 0.sctp_rx_packets)
echo "server: msgs_in=$in msgs_out=$out sctp_rx_packets=$pk tx_zero_copy_segs=$zc csum_bad=$bad drops=$drops"
[[ $in -ge $MSGS && $out -ge $MSGS ]] || fail "server counted $in in / $out out"
ok "server counted $in messages in and $out out"
[[ $bad -eq 0 ]] || fail "checksum failures on a clean link: $bad"
ok "no checksum failure"
# Echoes reference the received mbufs (no payload copied); each takes the
# place of the DATA header it came with (sctp_frag.room), so the echoes of
# one received packet share a segment rather than one each.
[[ $cp -eq 0 && $zc -gt 0 ]] || fail "echo payloads were not sent zero-copy ($zc segments, $cp copied)"
[[ $((zc * 2)) -lt $MSGS ]] || fail "echoes did not share segments ($zc segments for $MSGS messages)"
ok "echo payload sent as mbuf references, $((MSGS / zc)) messages to a segment ($zc zero-copy segments)"
echo "bundling: $((in / (pk > 0 ? pk : 1))) messages per packet on average"
sleep 0.5
free=$(counter "$PA" lcores 0.mbufs_free)
echo "server mbufs free after the run: $free"

log "discard mode: 200000 messages one way to the discard service"
# shellcheck disable=SC2046
timeout 120 "$SCTPDP" $(eal_args 1 "${TAG}d" "net_memif0,role=client,socket=$SOCK,id=0") \
    -- --addr 198.18.1.2/24 --connect 198.18.1.1:5002 --gen-discard \
    --gen-msgs 200000 --gen-size 128 --gen-streams 4 --gen-window 4096 --gen-timeout 60 \
    >"$TMP/discard.log" 2>&1 </dev/null
rc=$?
grep -E "^gen:" "$TMP/discard.log"
gen_ok "$TMP/discard.log" "$rc" 200000
grep -q "^gen: .* mode=discard " "$TMP/discard.log" || fail "the generator did not run in discard mode"
in2=$(counter "$PA" lcores 0.msgs_in)
[[ $((in2 - in)) -eq 200000 ]] || fail "discard service received $((in2 - in)) messages, 200000 sent"
ok "200000 messages acknowledged, and the discard service received exactly that many"

# shellcheck disable=SC2046
timeout 60 "$SCTPDP" $(eal_args 1 "${TAG}e" "net_memif0,role=client,socket=$SOCK,id=0") \
    -- --addr 198.18.1.2/24 --connect 198.18.1.1:5001 --gen-discard \
    --gen-msgs 1000 --gen-size 128 --gen-timeout 30 >"$TMP/discard-echo.log" 2>&1 </dev/null
rc=$?
grep -E "^gen:" "$TMP/discard-echo.log"
[[ $rc -eq 1 ]] && grep -q 'reason="a message came back from a discard service"' "$TMP/discard-echo.log" ||
    fail "discard mode against an echo service did not fail (exit $rc)"
ok "discard mode against an echo service fails: messages came back"

log "multi-chunk messages: 20000 of 6000 bytes, echoed without a copy"
zc0=$(counter "$PA" lcores 0.tx_zero_copy_segs)
cp0=$(counter "$PA" lcores 0.tx_copied_segs)
# shellcheck disable=SC2046
timeout 120 "$SCTPDP" $(eal_args 1 "${TAG}m" "net_memif0,role=client,socket=$SOCK,id=0") \
    -- --addr 198.18.1.2/24 --connect 198.18.1.1:5001 \
    --gen-msgs 20000 --gen-size 6000 --gen-streams 4 --gen-window 256 --gen-timeout 60 \
    >"$TMP/big.log" 2>&1 </dev/null
rc=$?
grep -E "^gen:" "$TMP/big.log"
gen_ok "$TMP/big.log" "$rc" 20000
zc1=$(counter "$PA" lcores 0.tx_zero_copy_segs)
cp1=$(counter "$PA" lcores 0.tx_copied_segs)
echo "server: zero-copy segments +$((zc1 - zc0)), copied segments +$((cp1 - cp0))"
[[ $((cp1 - cp0)) -eq 0 ]] || fail "the server copied $((cp1 - cp0)) payload segments"
[[ $((zc1 - zc0)) -ge 100000 ]] || fail "only $((zc1 - zc0)) zero-copy segments for 20000 five-chunk echoes"
ok "20000 five-chunk messages echoed intact, as references to the chunks received"

# The stock DPDK client reads the same commands.
if command -v dpdk-telemetry.py >/dev/null; then
    echo "/sctpdp/ports" | timeout 10 dpdk-telemetry.py -f "$PA" >"$TMP/tel.json" 2>&1
    grep -q '"rx_sctp"' "$TMP/tel.json" || { cat "$TMP/tel.json"; fail "dpdk-telemetry.py"; }
    ok "dpdk-telemetry.py reads /sctpdp/ports"
fi
ctl "$PA" lcores

kill -TERM "$SERVER"
wait_exit "$SERVER" 15 || fail "server did not stop on SIGTERM"
[[ $EXIT_RC -eq 0 ]] || fail "server exited $EXIT_RC"
ok "server stopped on SIGTERM with exit 0"
! grep -F "heap never freed" "$TMP/server.log" || fail "the server's engine heap kept blocks nobody freed"
ok "everything the server's engines allocated was freed"

# bench/memif_floor (the per-packet floor of memif_bench.sh): its
# receiver checks the CRC32c and the chunks its sender wrote.
FLOOR="$BUILD/bench/memif_floor"
if [[ -x "$FLOOR" ]]; then
    log "memif_floor: one second of packets of ten 128-byte DATA chunks"
    # shellcheck disable=SC2046
    start_bg "$TMP/floor-rx.log" timeout 60 "$FLOOR" $(eal_args 0 "${TAG}r" "net_memif0,role=server,socket=$TMP/fl.sock,id=0") \
        -- --role rx --msgs 10 --size 128 --seconds 1
    FRX=$LAST_PID
    wait_log "$TMP/floor-rx.log" "ready" 30 || fail "memif_floor (rx) did not start"
    # shellcheck disable=SC2046
    start_bg "$TMP/floor-tx.log" timeout 60 "$FLOOR" $(eal_args 1 "${TAG}t" "net_memif0,role=client,socket=$TMP/fl.sock,id=0") \
        -- --role tx --msgs 10 --size 128
    FTX=$LAST_PID
    wait_log "$TMP/floor-rx.log" "^floor:" 40 || fail "memif_floor (rx) measured nothing"
    kill -INT "$FTX"
    wait_exit "$FTX" 10 || fail "memif_floor (tx) did not stop on SIGINT"
    [[ $EXIT_RC -eq 0 ]] || fail "memif_floor (tx) exited $EXIT_RC"
    kill -INT "$FRX"
    wait_exit "$FRX" 10 || fail "memif_floor (rx) did not stop on SIGINT"
    line=$(grep "^floor:" "$TMP/floor-rx.log")
    echo "$line"
    [[ $EXIT_RC -eq 0 ]] || fail "memif_floor (rx) exited $EXIT_RC"
    fp=$(sed -n 's/.* pkts=\([0-9]*\) .*/\1/p' <<<"$line")
    fm=$(sed -n 's/.* msgs=\([0-9]*\) .*/\1/p' <<<"$line")
    [[ ${fp:-0} -gt 1000 && $fm -eq $((fp * 10)) ]] || fail "memif_floor: $fm chunks in $fp packets"
    grep -q "bad_csum=0 bad_frame=0 tsn_gaps=0" <<<"$line" || fail "memif_floor: bad packets"
    ok "memif_floor: $fp packets, every CRC32c good, ten chunks each, TSNs in order"
fi
echo "PASS: $CHECKS checks"
