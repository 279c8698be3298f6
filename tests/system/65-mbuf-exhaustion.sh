#!/usr/bin/env bash
# Exhausted mempools. Two dataplanes over net_memif; the generator keeps
# 4096 messages of 1000 bytes in flight, more than a 2048-mbuf pool can
# hold (every message pins an mbuf on both sides until it is
# acknowledged), and it reads slowly: its receive window is 64 KB, so
# the server's echoes wait in the server's pool for the window while new
# messages keep coming. The pool runs low whatever the timing. Its
# engine then stops taking new DATA (zero window) while SACKs still free
# mbufs; without that the server ends up holding every mbuf in echoes
# that wait for SACKs it has no mbuf left to receive. When the window
# reopens, the generator sends what was dropped again at once, not a
# retransmission timeout (at least 1 s) later.
#  - with the server's pool small, and then both: 50,000 messages are
#    echoed, every one checked;
#  - the server's pressure was hit (counted) and every mbuf is back
#    afterwards; SIGTERM still stops it with exit 0;
#  - with the server's send queue small (32 KB), echoes of 3000-byte
#    messages (three DATA chunks each) wait in the echo service's backlog
#    as lists of the received chunks; 20,000 come back intact and in
#    order, none is dropped, every mbuf is back;
#  - with 20,000 messages in flight against a 16 KB send queue, more
#    echoes wait than one association may have: its receive is held
#    until they drain; with that limit raised to the whole backlog, the
#    backlog fills and the service leaves its events in the core (the
#    receive window closes). Nothing is dropped either way.
#
#   tests/system/65-mbuf-exhaustion.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require

MSGS=50000
SOCK="$TMP/memif.sock"
# The generator's receive window: 64 KB (a slow reader).
printf '[sctp]\nrwnd = 65536\n' >"$TMP/client.ini"

# run_pair TAG SERVER_MBUFS CLIENT_MBUFS: a server and a generator over
# memif; the generator's result is checked, the server is left running
# (SERVER, PFX_S) for the caller's checks.
run_pair() {
    local tag="$1" smb="$2" cmb="$3" pc="${TAG}c$1"
    PFX_S="${TAG}s$1"
    rm -f "$SOCK"
    # shellcheck disable=SC2046,SC2086
    start_bg "$TMP/server$tag.log" timeout 120 "$SCTPDP" \
        $(eal_args 0 "$PFX_S" "net_memif0,role=server,socket=$SOCK,id=0") \
        -- --addr 198.18.1.1/24 --echo-port 5001 --mbufs "$smb" ${SERVER_EXTRA:-}
    SERVER=$LAST_PID
    wait_log "$TMP/server$tag.log" "ready" 30 || { cat "$TMP/server$tag.log"; fail "server"; }
    # shellcheck disable=SC2046
    start_bg "$TMP/client$tag.log" timeout 100 "$SCTPDP" \
        $(eal_args 1 "$pc" "net_memif0,role=client,socket=$SOCK,id=0") \
        -- --config "$TMP/client.ini" --addr 198.18.1.2/24 --echo-port 5001 --mbufs "$cmb" \
        --connect 198.18.1.1:5001 \
        --gen-msgs "$MSGS" --gen-size "${GEN_SIZE:-1000}" --gen-streams 4 --gen-window "${GEN_WINDOW:-4096}" --gen-timeout 60
    wait_exit "$LAST_PID" 90 || fail "the generator did not finish"
    local rc=$EXIT_RC
    grep -E "^gen:|^counters: engine" "$TMP/client$tag.log"
    gen_ok "$TMP/client$tag.log" "$rc" "$MSGS"
}

# stop_server SIZE: every mbuf back, pressure off, graceful stop.
stop_server() {
    local size="$1"
    wait_counter "$PFX_S" lcores 0.mbufs_free "$size" 3 ||
        fail "server: $COUNTER of $size mbufs free after the run"
    [[ $(counter "$PFX_S" lcores 0.mbuf_pressure) -eq 0 ]] || fail "server still under pressure"
    kill -TERM "$SERVER"
    wait_exit "$SERVER" 15 || fail "server did not stop"
    [[ $EXIT_RC -eq 0 ]] || fail "server exited $EXIT_RC"
}

# 1. The server's pool (2048) is smaller than what the generator keeps in
#    flight (4096 messages): it must run low and recover.
run_pair 1 2048 16384
ok "$MSGS messages of 1000 bytes echoed through a 2048-mbuf server, every one checked"
ev=$(counter "$PFX_S" lcores 0.mbuf_pressure_events)
bl=$(counter "$PFX_S" lcores 0.echo_backlog_max)
echo "server: mbuf_pressure_events=$ev echo_backlog_max=$bl echo_dropped=$(counter "$PFX_S" lcores 0.echo_dropped)"
[[ $ev -ge 1 ]] || fail "the server's pool never ran low: the test does not test anything"
ok "the server's pool ran low $ev time(s) and the association recovered each time"
stop_server 2048
ok "every mbuf back in the server's pool, pressure off, SIGTERM gave exit 0"

# 2. Both pools small: neither end may wait for the other's SACKs with
#    everything held (the generator holds back at half its pool).
run_pair 2 2048 2048
ok "$MSGS messages echoed with 2048 mbufs on both ends, every one checked"
echo "server: mbuf_pressure_events=$(counter "$PFX_S" lcores 0.mbuf_pressure_events)"
stop_server 2048
ok "every mbuf back in the server's pool, pressure off, SIGTERM gave exit 0"

# backlog_case TAG SENDQ SIZE WHAT [MSGS WINDOW]: MSGS (20000) echoes of
# SIZE-byte messages, WINDOW (4096) in flight, through a server whose
# send queue holds SENDQ bytes; its echo backlog must be used and nothing
# dropped.
backlog_case() {
    local tag="$1" sendq="$2" size="$3" what="$4" n="${5:-20000}" bl dr held ah
    printf '[sctp]\nsendq_bytes = %s\n%b' "$sendq" "${SERVER_INI:-}" >"$TMP/server$tag.ini"
    MSGS=$n GEN_SIZE=$size GEN_WINDOW=${6:-4096} SERVER_EXTRA="--config $TMP/server$tag.ini" \
        run_pair "$tag" 16384 16384
    bl=$(counter "$PFX_S" lcores 0.echo_backlog_max)
    dr=$(counter "$PFX_S" lcores 0.echo_dropped)
    held=$(counter "$PFX_S" lcores 0.echo_held)
    ah=$(counter "$PFX_S" lcores 0.echo_assoc_holds)
    echo "server: echo_backlog_max=$bl echo_dropped=$dr echo_held=$held echo_assoc_holds=$ah"
    [[ $bl -gt 0 ]] || fail "the echo backlog was never used: the case does not test it"
    [[ $dr -eq 0 ]] || fail "the echo service dropped $dr messages"
    ok "$n $what (up to $bl waiting), none dropped"
    if [[ "${EXPECT:-}" == assoc-hold ]]; then
        [[ $ah -ge 1 ]] || fail "the association's receive was never held: the case does not test it"
        [[ $bl -lt 8192 ]] || fail "the backlog filled up ($bl) although the association was held"
        ok "the association's receive was held $ah time(s); at most $bl echoes waited"
    elif [[ "${EXPECT:-}" == full ]]; then
        [[ $held -gt 0 ]] || fail "the backlog never filled: the case does not test it"
        ok "with the backlog full, events waited in the core $held time(s)"
    fi
    stop_server 16384
    ok "every mbuf back in the server's pool after the backlog drained"
}

# 3. The echo service's backlog: the server's send queue holds 32 KB, so
#    echoes of 3000-byte messages wait in the backlog, each as the list of
#    the three chunks it arrived in.
backlog_case 3 32768 3000 "three-chunk messages echoed through the backlog"

# 4. The same with one-chunk messages, which the echo service gathers per
#    batch of events and queues with one burst call: a 16 KB send queue
#    takes part of a batch, the rest waits in the backlog behind it, and
#    the generator checks that every stream's echoes come back in order.
backlog_case 4 16384 1000 "one-chunk messages echoed through burst and backlog"

# 5. More echoes waiting than one association may have (1024 by default):
#    20,000 messages of 128 bytes in flight against a 16 KB send queue.
#    The association's receive is held (zero window) until half of its
#    echoes are gone; nothing is dropped.
EXPECT=assoc-hold backlog_case 5 16384 128 "echoes with more waiting than one association may have" \
    100000 20000

# 6. The same with the per-association limit at the whole backlog (8192):
#    when the backlog is full the echo service leaves its events queued in
#    the core, whose receive window then closes, so the generator waits
#    instead of the service dropping what it cannot hold.
SERVER_INI='[sctpdp]\necho_assoc_backlog = 8192\n' EXPECT=full \
    backlog_case 6 16384 128 "echoes with more waiting than the backlog holds" 100000 20000
echo "PASS: $CHECKS checks"
