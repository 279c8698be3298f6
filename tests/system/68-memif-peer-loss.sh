#!/usr/bin/env bash
# A memif peer that dies in the middle of a transfer must not take the
# dataplane with it. DPDK 22.11's memif driver unmaps the shared rings on
# its interrupt thread when the peer goes away, while the engine may be
# inside a burst on them; the unmap guard (dataplane/dp_guard.c) makes
# the engine leave its burst first.
#
# 1. A server dataplane echoes for clients that are killed (SIGKILL) one
#    after another while their echo traffic runs at full rate. After each
#    kill the server must still run; after the last, a new client must
#    get 100,000 messages echoed, every one checked; on SIGINT the server
#    must exit 0.
# 2. The other way round: the server is killed while a client's
#    generator runs. The client must end by itself with its generator's
#    failure (exit 1) and a report, not with a signal.
# Both sides' guard counters must show the driver's unmaps waited for the
# engine, and no wait gave up.
#
#   tests/system/68-memif-peer-loss.sh BUILD_DIR
#
# SCTPDP_PEER_KILLS overrides the number of killed clients (default 10).
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require

KILLS="${SCTPDP_PEER_KILLS:-10}"
SOCK="$TMP/memif.sock"
PS="${TAG}s"

# client_bg PREFIX LOG MSGS TIMEOUT: a generating client in the background,
# its PID that of the dataplane itself (no timeout wrapper: the signal must
# reach it), bounded by the generator's TIMEOUT.
client_bg() {
    # shellcheck disable=SC2046
    start_bg "$2" "$SCTPDP" $(eal_args 1 "$1" "net_memif0,role=client,socket=$SOCK,id=0") \
        -- --addr 198.18.1.2/24 --connect 198.18.1.1:5001 \
        --gen-msgs "$3" --gen-size 128 --gen-streams 4 --gen-window 4096 --gen-timeout "$4"
}

# msgs_in PREFIX: messages the dataplane has received so far.
msgs_in() { counter "$1" lcores 0.msgs_in; }

log "server dataplane on net_memif (server), echo port 5001"
# shellcheck disable=SC2046
start_bg "$TMP/server.log" timeout 300 "$SCTPDP" $(eal_args 0 "$PS" "net_memif0,role=server,socket=$SOCK,id=0") \
    -- --addr 198.18.1.1/24 --echo-port 5001
SERVER=$LAST_PID
wait_log "$TMP/server.log" "ready" 30 || { cat "$TMP/server.log"; fail "server did not start"; }
grep -q "unmap guard on" "$TMP/server.log" || fail "the server did not turn the unmap guard on"
[[ $(counter "$PS" info unmap_guard) == on ]] || fail "telemetry does not show the unmap guard on"
ok "server started, unmap guard on"

for ((i = 1; i <= KILLS; i++)); do
    client_bg "${TAG}k$i" "$TMP/killed$i.log" 1000000000 100
    C=$LAST_PID
    wait_log "$TMP/killed$i.log" "COMM_UP" 30 || { tail -5 "$TMP/killed$i.log"; fail "client $i: no association"; }
    before=$(msgs_in "$PS")
    sleep 0.7
    after=$(msgs_in "$PS")
    [[ $after -gt $before ]] || fail "client $i: no traffic reached the server ($before, $after)"
    kill -KILL "$C"
    wait "$C" 2>/dev/null
    rm -rf /var/run/dpdk/"${TAG}k$i"
    sleep 0.3
    kill -0 "$SERVER" 2>/dev/null || { tail -5 "$TMP/server.log"; fail "the server died when client $i was killed"; }
    ok "client $i killed after $((after - before)) messages in 0.7 s; the server runs on"
done

# Every kill made the driver unmap the peer's regions, and each unmap
# waited for the engine (the guard's counters, /sctpdp/info).
waits=$(counter "$PS" info unmap_guard_waits)
touts=$(counter "$PS" info unmap_guard_timeouts)
echo "server: unmap_guard_waits=$waits unmap_guard_timeouts=$touts"
[[ $waits -ge $KILLS ]] || fail "$waits unmaps waited for the engine, $KILLS peers were killed"
[[ $touts -eq 0 ]] || fail "$touts unmap guard waits gave up"
ok "$waits unmaps of killed peers' rings waited for the engine to leave its bursts, none gave up"

log "a new client after $KILLS killed ones: 100000 messages echoed and checked"
# shellcheck disable=SC2046
timeout 120 "$SCTPDP" $(eal_args 1 "${TAG}n" "net_memif0,role=client,socket=$SOCK,id=0") \
    -- --addr 198.18.1.2/24 --connect 198.18.1.1:5001 \
    --gen-msgs 100000 --gen-size 128 --gen-streams 4 --gen-window 1024 --gen-timeout 60 \
    >"$TMP/new.log" 2>&1 </dev/null
rc=$?
grep -E "^gen:" "$TMP/new.log"
gen_ok "$TMP/new.log" "$rc" 100000
ok "100000 messages echoed after the killed clients, every one checked"

kill -INT "$SERVER"
wait_exit "$SERVER" 30 || fail "the server did not stop on SIGINT"
[[ $EXIT_RC -eq 0 ]] || { tail -5 "$TMP/server.log"; fail "the server exited $EXIT_RC on SIGINT"; }
ok "server exited 0 on SIGINT"

log "the server killed under a running client, 3 times"
for ((i = 1; i <= 3; i++)); do
    rm -f "$SOCK"
    # shellcheck disable=SC2046
    start_bg "$TMP/victim$i.log" "$SCTPDP" $(eal_args 0 "${TAG}v$i" "net_memif0,role=server,socket=$SOCK,id=0") \
        -- --addr 198.18.1.1/24 --echo-port 5001
    V=$LAST_PID
    wait_log "$TMP/victim$i.log" "ready" 30 || fail "server $i did not start"
    client_bg "${TAG}c$i" "$TMP/orphan$i.log" 1000000000 4
    C=$LAST_PID
    wait_log "$TMP/orphan$i.log" "COMM_UP" 30 || { tail -5 "$TMP/orphan$i.log"; fail "client $i: no association"; }
    sleep 0.7
    kill -KILL "$V"
    wait "$V" 2>/dev/null
    rm -rf /var/run/dpdk/"${TAG}v$i"
    wait_exit "$C" 60 || fail "client $i did not end after its server was killed"
    [[ $EXIT_RC -eq 1 ]] || { tail -5 "$TMP/orphan$i.log"; fail "client $i exited $EXIT_RC, not 1 (its generator's failure)"; }
    grep -q "^gen: result=FAIL" "$TMP/orphan$i.log" || fail "client $i: no generator report"
    grep -Eq "^counters: unmap_guard_waits=[1-9][0-9]* unmap_guard_timeouts=0$" "$TMP/orphan$i.log" ||
        fail "client $i: its driver's unmap did not wait for the engine ($(grep unmap_guard "$TMP/orphan$i.log"))"
    ok "server $i killed: the client ended with its generator's failure ($(grep -o 'reason=.*' "$TMP/orphan$i.log"))"
done
echo "PASS: $CHECKS checks"
