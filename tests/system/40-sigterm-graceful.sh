#!/usr/bin/env bash
# SIGTERM ends associations gracefully: with a usrsctp peer connected, the
# dataplane sends SHUTDOWN (the peer sees SHUTDOWN, never ABORT; tshark in
# the namespace confirms on the wire) and exits 0. Then the bounded part:
# a peer that cannot answer (stopped with SIGSTOP) gets an ABORT once
# --shutdown-timeout has passed, and the dataplane still exits 0; an INIT
# that comes meanwhile gets an ABORT, no association. Last,
# 1,100 associations (more than one 1024-id page) set up by a raw socket
# that then stays silent: every one of them gets SHUTDOWN, then ABORT, and
# their events are logged at a bounded rate.
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


# --- 1: graceful ---------------------------------------------------------
start_graceful "${TAG}g"
capture_start "$TMP/graceful.pcap" "$VETH_PEER" sctp
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
capture_stop
shut=$(capture_chunks "$TMP/graceful.pcap" 7)
shut_ack=$(capture_chunks "$TMP/graceful.pcap" 8)
shut_cmp=$(capture_chunks "$TMP/graceful.pcap" 14)
abort=$(capture_chunks "$TMP/graceful.pcap" 6)
echo "on the wire: SHUTDOWN=$shut SHUTDOWN_ACK=$shut_ack SHUTDOWN_COMPLETE=$shut_cmp ABORT=$abort"
[[ $shut -ge 1 && $shut_ack -ge 1 && $shut_cmp -ge 1 && $abort -eq 0 ]] ||
    fail "not a clean SHUTDOWN sequence"
ok "capture: SHUTDOWN, SHUTDOWN ACK, SHUTDOWN COMPLETE and no ABORT"

# --- 2: a peer that cannot answer: bounded wait, then ABORT ---------------
start_graceful "${TAG}h"
capture_start "$TMP/stuck.pcap" "$VETH_PEER" sctp
start_bg "$TMP/client2.log" timeout 60 ip netns exec "$NS_PEER" "$CLIENT" "$DP_ADDR" 5001 \
    -n 5 -s 200 -k 2 -t 20 -w 30
CL=$LAST_PID
wait_log "$TMP/client2.log" "READY" 25 || { cat "$TMP/client2.log"; fail "client not ready"; }
# Let the peer's delayed SACK for our echoes go out (otherwise the data
# is still outstanding and RFC 9260 9.2 holds the SHUTDOWN back), then
# freeze it so nothing answers the SHUTDOWN.
sleep 0.7
# timeout first: it would resume (SIGCONT) a child it sees stopped. Each
# one must be seen stopped, every thread of it, before the next step.
frozen() { # PID: every thread of it stopped (state T or t)
    local st
    for st in /proc/"$1"/task/*/stat; do
        # the state follows the name, which may hold spaces ("SCTP timer")
        [[ $(sed 's/.*) //' "$st" 2>/dev/null | cut -d' ' -f1) == [Tt] ]] || return 1
    done
}
peer_pids=("$CL" $(pgrep -P "$CL"))
for p in "${peer_pids[@]}"; do
    kill -STOP "$p" 2>/dev/null || fail "cannot stop $p"
    for ((i = 0; i < 50; i++)); do
        frozen "$p" && break
        sleep 0.1
    done
    frozen "$p" || fail "process $p did not stop"
done
[[ ${#peer_pids[@]} -ge 2 ]] || fail "the usrsctp peer's process was not found"
sleep 0.2
for p in "${peer_pids[@]}"; do
    frozen "$p" || fail "process $p was resumed before the test let it go"
done
cat >"$TMP/late.py" <<'PYEOF'
# late.py DST: one INIT to DST:5001 over a raw socket; prints what came
# back within 1 s: "init_ack N abort M cause C" (C: the ABORT's first
# cause code, 0 for none).
import select, socket, struct, sys, time
from scapy.all import SCTP, SCTPChunkInit, raw
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 132)
s.sendto(raw(SCTP(sport=30001, dport=5001, tag=0) / SCTPChunkInit(
    init_tag=0x5151, a_rwnd=65536, n_out_streams=1, n_in_streams=1, init_tsn=1)), (sys.argv[1], 0))
ack = abort = cause = 0
end = time.time() + 1
while time.time() < end:
    r, _, _ = select.select([s], [], [], max(0.0, end - time.time()))
    if not r:
        break
    d = s.recv(65535)
    sc = d[(d[0] & 0xf) * 4:]
    if len(sc) < 16 or struct.unpack("!H", sc[2:4])[0] != 30001:
        continue
    if sc[12] == 2:
        ack += 1
    elif sc[12] == 6:
        abort += 1
        if len(sc) >= 20:
            cause = struct.unpack("!H", sc[16:18])[0]
print("init_ack %d abort %d cause %d" % (ack, abort, cause), flush=True)
PYEOF
t0=$SECONDS
kill -TERM "$DP"
# While it waits for the frozen peer, a new peer's INIT gets an ABORT (Out
# of Resource, 4), no INIT ACK: an association started now would be
# dropped at exit without a word to its peer.
sleep 0.3
timeout 10 ip netns exec "$NS_PEER" "$PY" "$TMP/late.py" "$DP_ADDR" >"$TMP/late.log" 2>&1
cat "$TMP/late.log"
grep -q "init_ack 0 abort 1 cause 4" "$TMP/late.log" ||
    fail "an INIT during the shutdown was not refused with an ABORT"
ok "an INIT during the shutdown got an ABORT (Out of Resource), no INIT ACK"
wait_exit "$DP" 20 || fail "dataplane did not stop within 20 s"
[[ $EXIT_RC -eq 0 ]] || fail "dataplane exited $EXIT_RC"
took=$((SECONDS - t0))
ok "dataplane exited 0 in ${took}s although the peer never answered"
grep -E "SHUTDOWN|ABORT|stopped" "$TMP/dp-${TAG}h.log"
grep -q "ABORT 1 association" "$TMP/dp-${TAG}h.log" || fail "no ABORT after the shutdown budget"
capture_stop
shut=$(capture_chunks "$TMP/stuck.pcap" 7)
abort=$(capture_chunks "$TMP/stuck.pcap" "6 && sctp.dstport != 30001") # not the late INIT's
echo "on the wire: SHUTDOWN=$shut ABORT=$abort"
[[ $shut -ge 1 && $abort -ge 1 ]] || fail "expected SHUTDOWN then ABORT on the wire"
ok "SHUTDOWN first, ABORT once the shutdown budget (1.5 s) ran out"
for p in $CL $(pgrep -P "$CL"); do kill -CONT "$p" 2>/dev/null; done
wait_exit "$CL" 20 || true

# --- 3: more associations than one page of ids ---------------------------
N=1100
cat >"$TMP/many.py" <<'PYEOF'
# many.py DST N BASE LISTEN_S: N associations to DST:5001 from source
# ports BASE.. over a raw socket (the peer's kernel has no SCTP), prints
# "established K"; then, silent, records for LISTEN_S seconds which of
# them get SHUTDOWN and which ABORT.
import select, socket, struct, sys, time
from scapy.all import SCTP, SCTPChunkInit, SCTPChunkCookieEcho, raw
dst, n, base, listen_s = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 132)
s.setsockopt(socket.SOL_SOCKET, 33, 32 << 20)  # SO_RCVBUFFORCE: bursts of 1,100
def send(pkt):
    s.sendto(raw(pkt), (dst, 0))
def chunks(timeout):
    end = time.time() + timeout
    while True:
        r, _, _ = select.select([s], [], [], max(0.0, end - time.time()))
        if not r:
            return
        d = s.recv(65535)
        sc = d[(d[0] & 0xf) * 4:]
        if len(sc) < 16:
            continue
        dport = struct.unpack("!H", sc[2:4])[0]
        off = 12
        while off + 4 <= len(sc):
            ctype, _, clen = struct.unpack("!BBH", sc[off:off + 4])
            if clen < 4:
                break
            yield dport, ctype, sc[off:off + clen]
            off += (clen + 3) & ~3
cookies, up = {}, set()
ports = list(range(base, base + n))
deadline = time.time() + 60
while len(up) < n and time.time() < deadline:
    for p in ports:
        if p in up:
            continue
        if p in cookies:
            tag, cookie = cookies[p]
            send(SCTP(sport=p, dport=5001, tag=tag) / SCTPChunkCookieEcho(cookie=cookie))
        else:
            send(SCTP(sport=p, dport=5001, tag=0) / SCTPChunkInit(
                init_tag=0x10000 + p, a_rwnd=65536, n_out_streams=1, n_in_streams=1, init_tsn=1))
    for dport, ctype, c in chunks(0.5):
        if ctype == 2 and dport not in cookies and len(c) >= 20:
            tag = struct.unpack("!I", c[4:8])[0]
            off = 20
            while off + 4 <= len(c):
                pt, pl = struct.unpack("!HH", c[off:off + 4])
                if pl < 4:
                    break
                if pt == 7:
                    cookies[dport] = (tag, c[off + 4:off + pl])
                    send(SCTP(sport=dport, dport=5001, tag=tag) /
                         SCTPChunkCookieEcho(cookie=cookies[dport][1]))
                    break
                off += (pl + 3) & ~3
        elif ctype == 11:
            up.add(dport)
print("established %d" % len(up), flush=True)
shut, abort = set(), set()
for dport, ctype, c in chunks(listen_s):
    if ctype == 7:
        shut.add(dport)
    elif ctype == 6:
        abort.add(dport)
print("shutdown %d abort %d of %d" % (len(shut & up), len(abort & up), len(up)), flush=True)
PYEOF
start_graceful "${TAG}k"
start_bg "$TMP/many.log" timeout 120 ip netns exec "$NS_PEER" "$PY" "$TMP/many.py" "$DP_ADDR" \
    "$N" 20000 8
MANY=$LAST_PID
wait_log "$TMP/many.log" "established" 90 || { cat "$TMP/many.log"; fail "no associations"; }
cat "$TMP/many.log"
grep -q "established $N" "$TMP/many.log" || fail "not all $N associations came up"
sleep 0.5
assocs=$(counter "${TAG}k" lcores 0.assocs)
[[ $assocs -eq $N ]] || fail "the dataplane reports $assocs associations, expected $N"
ok "$N associations established from a raw socket"
kill -TERM "$DP"
wait_exit "$DP" 20 || fail "dataplane did not stop within 20 s"
[[ $EXIT_RC -eq 0 ]] || fail "dataplane exited $EXIT_RC"
grep -E "SHUTDOWN|ABORT|stopped" "$TMP/dp-${TAG}k.log"
grep -q "SHUTDOWN $N association" "$TMP/dp-${TAG}k.log" || fail "not all $N got SHUTDOWN"
grep -q "ABORT $N association" "$TMP/dp-${TAG}k.log" || fail "not all $N got ABORT"
wait_exit "$MANY" 30 || fail "many.py did not end"
cat "$TMP/many.log"
grep -q "shutdown $N abort $N of $N" "$TMP/many.log" || fail "on the wire, not every association ended"
ok "all $N associations got SHUTDOWN, then ABORT at the deadline (seen on the wire)"
# Their 2 x $N association events are not $((2 * N)) log lines written by
# the engine: a burst, then a rate, the rest counted and summed up.
lines=$(grep -c "assoc [0-9]*: " "$TMP/dp-${TAG}k.log")
unlogged=$(grep -o "[0-9]* association and path events not logged" "$TMP/dp-${TAG}k.log" |
    awk '{s += $1} END {print s + 0}')
echo "association event lines: $lines, not logged: $unlogged"
[[ $lines -lt 1000 && $((lines + unlogged)) -ge $((2 * N)) ]] ||
    fail "$lines event lines logged, $unlogged counted as not logged, for $((2 * N)) events"
ok "association events logged at a bounded rate, the rest counted ($unlogged)"
echo "PASS: $CHECKS checks"
