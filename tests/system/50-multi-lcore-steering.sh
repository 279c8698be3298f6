#!/usr/bin/env bash
# Two engines (lcores 0 and 1) on net_af_packet with two queue pairs: the
# kernel's fanout picks the RX queue by flow hash, not by owner, so packets
# reach the wrong engine and the SPSC mailbox hands them to the owner (the
# engine index sits in the low bits of the local verification tag).
#
# a) client associations: the generator is placed on engine 0 and then on
#    engine 1 (--gen-engine) against a usrsctp echo server in the peer
#    namespace; the same 4-tuple hashes to one queue, so one of the two
#    runs must go through the mailbox for every packet, and both must
#    deliver every message intact.
# b) server side: six usrsctp associations (different source ports) are
#    answered statelessly by whichever engine gets the INIT, owned by that
#    engine, and all echoed correctly.
# c) a graceful stop with a slow peer: the client association is held
#    (--hold) on engine 0 and then on engine 1, the usrsctp server is
#    frozen while SIGTERM sends SHUTDOWN and thawed 0.4 s later. Its
#    SHUTDOWN ACK reaches the queue of its flow, in one of the two runs
#    the engine without the association: that engine, done with its own
#    (none) long before, must still be polling and hand it over, so the
#    association ends with SHUTDOWN COMPLETE, not ABORT at the deadline.
# d) neighbours: SCTP's forward progress on engine 0 confirms the peer
#    there and on engine 1, which sends nothing to it (entries of 2 s,
#    read through sctpdp-ctl neigh 5 s into a 7 s run).
#
#   tests/system/50-multi-lcore-steering.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require
[[ -x "$CLIENT" ]] || fail "$CLIENT not built"
[[ $(nproc) -ge 2 ]] || fail "needs 2 CPUs"

DP_ADDR=198.18.0.1
PEER_ADDR=198.18.0.2
make_netns_pair "$PEER_ADDR/24"

total_mb=0
for ge in 0 1; do
    start_bg "$TMP/srv$ge.log" timeout 60 ip netns exec "$NS_PEER" "$CLIENT" -l "$PEER_ADDR" 6000 -k 16 -t 50
    SRV=$LAST_PID
    wait_log "$TMP/srv$ge.log" LISTENING 10 || fail "usrsctp echo server did not start"
    # shellcheck disable=SC2046
    timeout 90 ip netns exec "$NS_DP" "$SCTPDP" \
        $(eal_args 0,1 "${TAG}s$ge" "net_af_packet0,iface=$VETH_DP,qpairs=2") \
        -- --addr "$DP_ADDR/24" --echo-port 5001 --connect "$PEER_ADDR:6000" \
        --gen-msgs 20000 --gen-size 200 --gen-streams 4 --gen-engine "$ge" --gen-timeout 60 \
        >"$TMP/gen$ge.log" 2>&1 </dev/null
    rc=$?
    grep -E "^gen:|^counters:|generator on" "$TMP/gen$ge.log"
    gen_ok "$TMP/gen$ge.log" "$rc" 20000
    mb=$(grep "^counters: engine=" "$TMP/gen$ge.log" | sed -n 's/.*mailbox_tx=\([0-9]*\).*/\1/p' |
        awk '{s += $1} END {print s + 0}')
    echo "association owned by engine $ge: $mb packets redirected through mailboxes"
    total_mb=$((total_mb + mb))
    ok "client association on engine $ge: 20000 messages through a usrsctp echo server, all intact"
    wait_exit "$SRV" 10 || fail "usrsctp echo server did not end"
done
[[ $total_mb -ge 100 ]] || fail "the mailboxes carried only $total_mb packets"
ok "packets that reached the non-owner engine were handed over by mailbox ($total_mb)"

# --- b) server side ------------------------------------------------------
PFX="${TAG}m"
start_dp "$TMP/dp.log" 120 0,1 "$PFX" "net_af_packet0,iface=$VETH_DP,qpairs=2" \
    --addr "$DP_ADDR/24" --echo-port 5001
start_bg "$TMP/c.log" timeout 90 ip netns exec "$NS_PEER" "$CLIENT" "$DP_ADDR" 5001 \
    -c 6 -n 200 -s 100 -k 2 -t 40 -w 30
CL=$LAST_PID
wait_log "$TMP/c.log" "READY" 60 || { cat "$TMP/c.log"; fail "usrsctp clients"; }
[[ $(grep -c "echo ok: 200 messages" "$TMP/c.log") -eq 6 ]] || fail "not every association echoed"
ok "6 usrsctp associations (one usrsctp process) echoed 200 messages each"
sleep 0.5
a0=$(counter "$PFX" lcores 0.assocs)
a1=$(counter "$PFX" lcores 1.assocs)
i0=$(counter "$PFX" lcores 0.inits_stateless)
i1=$(counter "$PFX" lcores 1.inits_stateless)
echo "associations: engine 0 owns $a0, engine 1 owns $a1; INITs answered: $i0 / $i1"
ctl "$PFX" assocs
[[ $((a0 + a1)) -eq 6 ]] || fail "expected 6 associations, found $((a0 + a1))"
ok "6 associations established, each owned by one engine"
kill -TERM "$DP"
wait_exit "$DP" 20 || fail "dataplane did not stop"
[[ $EXIT_RC -eq 0 ]] || fail "dataplane exited $EXIT_RC"
wait_exit "$CL" 30 || fail "the clients did not see the end"
cat "$TMP/c.log"
[[ $EXIT_RC -eq 0 ]] || fail "an association ended with ABORT (exit $EXIT_RC)"
[[ $(grep -c "gracefully (SHUTDOWN)" "$TMP/c.log") -eq 6 ]] || fail "not 6 graceful ends"
ok "SIGTERM shut all 6 down gracefully on both engines"

# --- c) graceful stop, the peer's SHUTDOWN ACK late -------------------------
# pids_of PID: PID and its descendants (timeout -> ip netns exec -> client).
pids_of() {
    local p
    echo "$1"
    for p in $(pgrep -P "$1"); do pids_of "$p"; done
}
for ge in 0 1; do
    start_bg "$TMP/slow$ge.log" timeout 60 ip netns exec "$NS_PEER" "$CLIENT" -l "$PEER_ADDR" 6000 -k 16 -t 50
    SRV=$LAST_PID
    wait_log "$TMP/slow$ge.log" LISTENING 10 || fail "usrsctp echo server did not start"
    start_dp "$TMP/hold$ge.log" 60 0,1 "${TAG}h$ge" "net_af_packet0,iface=$VETH_DP,qpairs=2" \
        --addr "$DP_ADDR/24" --echo-port 5001 --connect "$PEER_ADDR:6000" --gen-msgs 200 \
        --gen-streams 4 --gen-engine "$ge" --hold --shutdown-timeout 3000
    wait_log "$TMP/hold$ge.log" "all 200 messages echoed" 30 ||
        { cat "$TMP/hold$ge.log"; fail "generator on engine $ge did not finish"; }
    sleep 0.5 # the peer's delayed SACK for the last echoes: SHUTDOWN waits for it
    for p in $(pids_of "$SRV"); do kill -STOP "$p" 2>/dev/null; done
    kill -TERM "$DP"
    sleep 0.4
    for p in $(pids_of "$SRV"); do kill -CONT "$p" 2>/dev/null; done
    wait_exit "$DP" 20 || fail "dataplane did not stop"
    [[ $EXIT_RC -eq 0 ]] || fail "dataplane exited $EXIT_RC"
    wait_exit "$SRV" 10 || fail "usrsctp echo server did not end"
    grep -E "SHUTDOWN|ABORT|^counters: engine" "$TMP/hold$ge.log"
    cat "$TMP/slow$ge.log"
    if grep -q "ABORT [0-9]* association" "$TMP/hold$ge.log"; then
        fail "engine $ge: the association was aborted at the deadline (its SHUTDOWN ACK was lost)"
    fi
    grep -q "association shut down" "$TMP/slow$ge.log" ||
        fail "engine $ge: the usrsctp server did not see a graceful end"
    ok "association on engine $ge, SHUTDOWN ACK 0.4 s late: SHUTDOWN COMPLETE, no ABORT"
done

# --- d) SCTP's confirmation of a neighbour reaches the other engine ---------
# Neighbour entries last 2 s once confirmed (neigh_timeout_ms). The client
# association, on engine 0, sends 500 messages a second for 7 s; the
# peer's SACKs for them confirm the peer on engine 0 (RFC 4861 7.3.1),
# which passes the confirmation on. Engine 1 sends nothing to the peer:
# without it, its entry would be stale two seconds after the last ARP
# answer. Read 5 s into the run, both engines' entries are reachable.
printf '[sctpdp]\nneigh_timeout_ms = 2000\n' >"$TMP/neigh.ini"
start_bg "$TMP/nsrv.log" timeout 60 ip netns exec "$NS_PEER" "$CLIENT" -l "$PEER_ADDR" 6000 -k 16 -t 50
SRV=$LAST_PID
wait_log "$TMP/nsrv.log" LISTENING 10 || fail "usrsctp echo server did not start"
PFX="${TAG}n"
start_dp "$TMP/neigh.log" 60 0,1 "$PFX" "net_af_packet0,iface=$VETH_DP,qpairs=2" \
    --config "$TMP/neigh.ini" --addr "$DP_ADDR/24" --echo-port 5001 --connect "$PEER_ADDR:6000" \
    --gen-msgs 3500 --gen-rate 500 --gen-size 200 --gen-engine 0 --gen-timeout 40
sleep 5
ctl "$PFX" neigh
ctl "$PFX" --json neigh >"$TMP/neigh.json" || fail "sctpdp-ctl neigh"
"$PY" -c '
import json, sys
n = json.load(open(sys.argv[1]))["/sctpdp/neigh"]
bad = [e for e in ("0", "1")
       if not any(x["ip"] == sys.argv[2] and x["state"] == "reachable" and x["next_ms"] > 0
                  for x in n.get(e, []))]
sys.exit(1 if bad else 0)' "$TMP/neigh.json" "$PEER_ADDR" ||
    fail "an engine's entry for the peer is not reachable"
shared=$(counter "$PFX" ports 0.neigh_confirm_shared)
upper=$(counter "$PFX" ports 0.neigh_confirmed_upper)
echo "confirmations by SCTP: $upper, passed on to the other engine: $shared"
[[ ${shared:-0} -ge 2 ]] || fail "only ${shared:-0} confirmations passed on"
ok "5 s into the run, with 2 s entries: the peer is reachable on both engines ($shared confirmations passed on)"
wait_exit "$DP" 40 || fail "dataplane did not end"
[[ $EXIT_RC -eq 0 ]] || { tail -5 "$TMP/neigh.log"; fail "generator exited $EXIT_RC"; }
wait_exit "$SRV" 10 || fail "usrsctp echo server did not end"
ok "3500 messages at 500 per second echoed intact"
echo "PASS: $CHECKS checks"
