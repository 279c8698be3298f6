#!/usr/bin/env bash
# The echo service keeps one peer's waiting echoes from holding back
# another's. A server with two memif ports and a 16 KB send queue; two
# generators, one per port:
#  - A stops reading after 1000 echoes (--gen-stall-after: its window
#    stays 0) but goes on sending until its window of messages is out:
#    its echoes pile up in the server's backlog, which holds A's receive
#    once too many wait, and they wait for good;
#  - B is a normal peer and must get its 100,000 echoes meanwhile. With
#    one queue for all, B's echoes would wait behind A's for good too.
# Then A stops (SIGTERM: its shutdown cannot complete, so it aborts), the
# server drops A's echoes (the association is gone), its backlog drains
# and every mbuf comes back.
# Twice: with the usual limit of waiting echoes per association (1024),
# and with the limit at the whole backlog (echo_assoc_backlog = 8192),
# where A alone could fill the backlog, after which every echo of the
# engine waits: with the backlog half full, an association whose peer
# holds up its echoes is held already at 16 of them.
#
#   tests/system/67-echo-isolation.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require

isolation_case() {
    local limit="$1" want waiting rc bl na ah
    SA="$TMP/a$limit.sock"
    SB="$TMP/b$limit.sock"
    PS="${TAG}s$limit"
    printf '[sctp]\nsendq_bytes = 16384\n[sctpdp]\necho_assoc_backlog = %s\n' "$limit" >"$TMP/server.ini"
    printf '[sctpdp]\nshutdown_timeout_ms = 500\n' >"$TMP/a.ini"
    # shellcheck disable=SC2046
    start_bg "$TMP/server.log" timeout 120 "$SCTPDP" \
        $(eal_args 0 "$PS" "net_memif0,role=server,socket=$SA,id=0") \
        --vdev="net_memif1,role=server,socket=$SB,id=0" \
        -- --config "$TMP/server.ini" --addr 198.18.1.1/24@0 --addr 198.18.2.1/24@1 --echo-port 5001
    SERVER=$LAST_PID
    wait_log "$TMP/server.log" "ready" 30 || { cat "$TMP/server.log"; fail "server did not start"; }

    # A: stops reading after 1000 echoes.
    # shellcheck disable=SC2046
    start_bg "$TMP/a.log" timeout 100 "$SCTPDP" \
        $(eal_args 1 "${TAG}a$limit" "net_memif0,role=client,socket=$SA,id=0") \
        -- --config "$TMP/a.ini" --addr 198.18.1.2/24 --echo-port 5001 --connect 198.18.1.1:5001 \
        --gen-stall-after 1000 --gen-msgs 1000000 --gen-size 128 --gen-streams 2 --gen-window 16384 \
        --gen-timeout 90
    A=$LAST_PID
    # A's queue stops growing once its receive is held: at the limit (or at
    # half the backlog) and what was already on its way.
    want=$((limit < 4096 ? limit : 4096))
    wait_counter_min "$PS" lcores 0.echo_backlog "$want" 10 ||
        { tail -5 "$TMP/a.log"; fail "A's echoes did not pile up at the server ($COUNTER)"; }
    sleep 0.5
    waiting=$(counter "$PS" lcores 0.echo_backlog)
    [[ $waiting -lt 8192 ]] || fail "A's echoes filled the backlog ($waiting)"
    ok "limit $limit: A's echoes wait at the server ($waiting), the backlog is not full"

    # B: a normal peer on the other port.
    healthy_peer "$TMP/b.log" "${TAG}b$limit" 4096 20
    bl=$(counter "$PS" lcores 0.echo_backlog)
    na=$(counter "$PS" lcores 0.echo_backlog_assocs)
    ah=$(counter "$PS" lcores 0.echo_assoc_holds)
    echo "server after B: echo_backlog=$bl echo_backlog_assocs=$na echo_assoc_holds=$ah"
    ok "limit $limit: B's 100000 echoes came back, every one checked, while A's were waiting"
    [[ $ah -ge 1 ]] || fail "A's receive was never held"
    ok "A's receive was held $ah time(s)"

    kill -TERM "$A"
    wait_exit "$A" 30 || fail "A did not stop"
    grep -E "^gen:" "$TMP/a.log"
    grep -q "^gen: .* errors=0 " "$TMP/a.log" || fail "A got an echo that was not intact"
    ok "A stopped on SIGTERM before the end, every echo it got intact"
    wait_counter "$PS" lcores 0.echo_backlog 0 10 || fail "$COUNTER echoes still waiting after A left"
    wait_counter "$PS" lcores 0.mbufs_free 16384 10 || fail "server: $COUNTER of 16384 mbufs free"
    echo "server: echo_dropped=$(counter "$PS" lcores 0.echo_dropped)"
    ok "the server's backlog drained and every mbuf is back"
    kill -TERM "$SERVER"
    wait_exit "$SERVER" 20 || fail "server did not stop"
    [[ $EXIT_RC -eq 0 ]] || fail "server exited $EXIT_RC"
    ok "server stopped with exit 0"
}

isolation_case 1024
isolation_case 8192
echo "PASS: $CHECKS checks"
